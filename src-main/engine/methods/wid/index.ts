// Weight-Inherited Distillation as a DistillMethod for the shared loop (docs/wid.md):
// trainable = compactors only; loss = logit KD of the compactor model against the frozen teacher
// (objective 'kd', default), the hard-label MLM loss ('mlm', the authors' code and the paper's Table 1) or both;
// afterStep = pruning schedule; exportStudent = merged dense BERT of the current (final: target) width.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BertConfig, bertForward, mlmHead, parameterCount, type BertInputs, type BertWeights } from '../../bert/index.js';
import type { BertTokenizer } from '../../tokenizer/index.js';
import type { DistillMethod, MethodState, MlmBatch } from '../../train/method.js';
import { requireMlmHead, type Teacher } from '../common/teacher.js';
import { Compactors, compactorParameterCount, createCompactors } from './compactors.js';
import { disposeMaskIndexTensors, effectiveWeights, maskIndexTensors, MaskIndexTensors } from './effective-weights.js';
import {
  compactorScores, disposeScoreTensors, effectiveScores, readScores, readScoresAsync,
  type DimScores, type DimScoreTensors, type ImportanceCriterion,
} from './importance.js';
import { logitKdLoss } from './kd-loss.js';
import { maskedLmLoss } from '../../bert/mlm-loss.js';
import { fullMasks, sizesOfMasks, validateMasks, WidMasks } from './masks.js';
import { mergeStudent } from './merge.js';
import { analyzeAttention } from './attention-analysis.js';
import { ATTENTION_ARTIFACT_FILE, writeAttentionArtifact, type AttentionArtifact } from './attention-artifact.js';
import { eventsDue, pruneMasks, ScheduleOptions, sizesAtEvent, validateSchedule } from './pruning-schedule.js';
import { AttentionStrategy, resolveTargetSizes, studentConfig, teacherSizes, WidPreset, WidSizes, WidTarget } from './target-sizes.js';

export * from './target-sizes.js';
export type { WidMasks } from './masks.js';
export { mergeStudent } from './merge.js';
export { analyzeAttention, type AnalyzeAttentionInput } from './attention-analysis.js';
export {
  ATTENTION_ARTIFACT_FILE, attentionMapsFromArtifact, readAttentionArtifact, writeAttentionArtifact,
  type AttentionArtifact, type AttentionSentence,
} from './attention-artifact.js';

/** Option names are the run config's (`target`, `preset`) and `methodOptions` keys; see docs/wid.md §6. */
export interface WidOptions {
  target?: WidTarget;
  preset?: WidPreset;
  attentionStrategy?: AttentionStrategy;
  temperature?: number;
  /** What trains the compactors (docs/wid.md §2): 'kd' logit distillation (default), 'mlm' hard labels, 'mlm+kd' their sum. */
  objective?: WidObjective;
  pruneStart?: number;
  pruneEnd?: number;
  pruneEvents?: number;
  importance?: ImportanceCriterion;
  /** tfjs variable-name prefix of the compactors (default "wid/"). */
  variablePrefix?: string;
  /** Accepted for the job's common options; WID itself is deterministic (no dropout, no sampling). */
  seed?: number;
}

export type WidObjective = 'kd' | 'mlm' | 'mlm+kd';
const OBJECTIVES: WidObjective[] = ['kd', 'mlm', 'mlm+kd'];

const OPTION_KEYS: (keyof WidOptions)[] = ['target', 'preset', 'attentionStrategy', 'temperature', 'objective', 'pruneStart', 'pruneEnd',
  'pruneEvents', 'importance', 'variablePrefix', 'seed'];

export interface ResolvedWidOptions extends ScheduleOptions {
  temperature: number;
  objective: WidObjective;
  importance: ImportanceCriterion;
  attentionStrategy: AttentionStrategy;
}

export interface WidMethod extends DistillMethod {
  readonly options: ResolvedWidOptions;
  readonly targetSizes: WidSizes;
  /** Config of the student at the end of the schedule. */
  readonly studentConfig: BertConfig;
  readonly compactorParameters: number;
  currentSizes(): WidSizes;
  currentConfig(): BertConfig;
  masks(): WidMasks;
  /** Number of pruning events applied so far. */
  eventsApplied(): number;
  /** afterStep for backends that cannot read tensors synchronously (webgpu in Node): reads the scores with await. */
  afterStepAsync(step: number, totalSteps: number): Promise<Record<string, number>>;
  /**
   * For the distill job, after the export: writes <workDir>/attention.json (teacher vs merged student
   * attention, docs/wid.md §7) and returns what to register with ctx.artifact(kind, path).
   */
  writeArtifacts(workDir: string, input: { tokenizer: BertTokenizer; sentences?: string[] }): Promise<{ kind: string; path: string }[]>;
}

/** Sentences for the attention comparison when the caller gives none. */
export const DEFAULT_ATTENTION_SENTENCES = [
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.',
  'The quick brown fox jumps over the lazy dog.',
  'She went to the bank to deposit the money, then sat on the bank of the river.',
];

/** Checks every option (not the target, see resolveTargetSizes); errors name the option. */
export function resolveWidOptions(o: WidOptions): ResolvedWidOptions {
  if (typeof o !== 'object' || o === null) throw new Error(`WID options must be an object, got ${JSON.stringify(o)}`);
  for (const key of Object.keys(o)) {
    if (!OPTION_KEYS.includes(key as keyof WidOptions)) throw new Error(`unknown WID option "${key}"; expected one of ${OPTION_KEYS.join(', ')}`);
  }
  const r: ResolvedWidOptions = {
    temperature: o.temperature ?? 1,
    objective: o.objective ?? 'kd',
    pruneStart: o.pruneStart ?? 0.1,
    pruneEnd: o.pruneEnd ?? 0.6,
    pruneEvents: o.pruneEvents ?? 8,
    importance: o.importance ?? 'effective',
    attentionStrategy: o.attentionStrategy ?? 'dim',
  };
  if (typeof r.temperature !== 'number' || !(r.temperature > 0)) throw new Error(`temperature must be a number > 0, got ${JSON.stringify(o.temperature)}`);
  if (!OBJECTIVES.includes(r.objective)) throw new Error(`objective must be one of ${OBJECTIVES.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(o.objective)}`);
  if (r.importance !== 'effective' && r.importance !== 'compactor') throw new Error(`importance must be "effective" or "compactor", got ${JSON.stringify(o.importance)}`);
  validateSchedule(r);
  return r;
}

/** The tied MLM decoder is what makes the merge exact (docs/wid.md §4); an untied teacher decoder is refused. */
function requireTiedDecoder(teacher: Teacher): void {
  const dec = teacher.weights['cls.predictions.decoder.weight'];
  const emb = teacher.weights['bert.embeddings.word_embeddings.weight'];
  if (!dec || dec === emb) return;
  // read the loaded (CPU-resident) values directly: webgpu cannot read computed tensors synchronously
  const a = dec.dataSync(), b = emb?.dataSync();
  const same = !!b && dec.shape.join() === emb!.shape.join() && a.every((x, i) => x === b[i]);
  if (!same) throw new Error('wid: the teacher\'s "cls.predictions.decoder.weight" differs from its word embeddings; WID needs the tied decoder of a standard BertForMaskedLM');
}

export function createWidMethod(teacher: Teacher, options: WidOptions): WidMethod {
  requireMlmHead(teacher, 'wid');
  requireTiedDecoder(teacher);
  const opts = resolveWidOptions(options);
  const tcfg = teacher.config;
  const target = resolveTargetSizes(tcfg, options);
  const finalConfig = studentConfig(tcfg, target);
  const compactors: Compactors = createCompactors(tcfg, options.variablePrefix ?? 'wid/');
  let masks = fullMasks(tcfg);
  let idx: MaskIndexTensors = maskIndexTensors(tcfg, masks);
  let applied = 0;
  // a target equal to the teacher has nothing to prune: the schedule is a no-op
  const start = teacherSizes(tcfg);

  const setMasks = (m: WidMasks) => {
    validateMasks(m, tcfg); // throws on an invalid mask set before anything changes
    const next = maskIndexTensors(tcfg, m);
    disposeMaskIndexTensors(idx);
    idx = next;
    masks = m;
  };

  function studentLogits(inputs: BertInputs): tf.Tensor3D {
    const eff = effectiveWeights(teacher.weights, tcfg, compactors, masks, idx);
    return mlmHead(eff.weights, eff.config, bertForward(eff.weights, eff.config, inputs).lastHiddenState);
  }

  function loss(batch: MlmBatch) {
    return tf.tidy(() => {
      const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
      const logits = studentLogits(inputs);
      const parts: Record<string, tf.Scalar> = {};
      if (opts.objective !== 'mlm') {
        // the teacher forward is only needed for the KD term
        const teacherLogits = mlmHead(teacher.weights, tcfg, bertForward(teacher.weights, tcfg, inputs).lastHiddenState);
        parts.kd = logitKdLoss(logits, teacherLogits, batch.labels, opts.temperature);
      }
      if (opts.objective !== 'kd') parts.mlm = maskedLmLoss(logits, batch.labels);
      const total = (parts.kd && parts.mlm ? tf.add(parts.kd, parts.mlm) : (parts.kd ?? parts.mlm)) as tf.Scalar;
      return { total, parts };
    });
  }

  /** Scores of the kept dims, still on the device; the caller reads and disposes them. */
  function scoreTensors(): DimScoreTensors {
    return tf.tidy(() => (opts.importance === 'compactor'
      ? compactorScores(compactors, tcfg, masks)
      : effectiveScores(effectiveWeights(teacher.weights, tcfg, compactors, masks, idx).weights, studentConfig(tcfg, sizesOfMasks(masks)))));
  }

  function applyEvent(toEvent: number, scores: DimScores): void {
    setMasks(pruneMasks(masks, scores, sizesAtEvent(start, target, toEvent, opts.pruneEvents)));
    applied = toEvent;
  }

  function sizeMetrics(): Record<string, number> {
    const s = sizesOfMasks(masks);
    return {
      'size/hidden': s.hidden, 'size/heads': s.heads, 'size/headDim': s.headDim, 'size/intermediate': s.intermediate,
      'size/params': parameterCount(studentConfig(tcfg, s)),
    };
  }

  return {
    name: 'wid',
    options: opts,
    targetSizes: target,
    studentConfig: finalConfig,
    compactorParameters: compactorParameterCount(compactors),
    currentSizes: () => sizesOfMasks(masks),
    currentConfig: () => studentConfig(tcfg, sizesOfMasks(masks)),
    masks: () => masks,
    eventsApplied: () => applied,
    trainableVariables: () => Object.values(compactors),
    loss,
    /** `step` is the 0-based index of the step just taken (the loop's convention), so step + 1 steps are done. */
    afterStep(step: number, totalSteps: number) {
      const due = eventsDue(step + 1, totalSteps, opts);
      if (due > applied) {
        const t = scoreTensors();
        try { applyEvent(due, readScores(t)); } finally { disposeScoreTensors(t); }
      }
      return sizeMetrics();
    },
    async afterStepAsync(step: number, totalSteps: number) {
      const due = eventsDue(step + 1, totalSteps, opts);
      if (due > applied) {
        const t = scoreTensors();
        try { applyEvent(due, await readScoresAsync(t)); } finally { disposeScoreTensors(t); }
      }
      return sizeMetrics();
    },
    saveState(): MethodState {
      const tensors: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(compactors)) tensors[`compactor/${k}`] = tf.clone(v);
      return { tensors, json: { masks, eventsApplied: applied, targetSizes: target } };
    },
    loadState(state: MethodState): void {
      const j = state.json as { masks?: WidMasks; eventsApplied?: number } | null;
      if (!j || !j.masks || typeof j.eventsApplied !== 'number') throw new Error('wid: saved state has no masks/eventsApplied');
      for (const [k, v] of Object.entries(compactors)) {
        const t = state.tensors[`compactor/${k}`];
        if (!t) throw new Error(`wid: saved state has no tensor "compactor/${k}"`);
        if (t.shape.join() !== v.shape.join()) throw new Error(`wid: saved tensor "compactor/${k}" has shape [${t.shape}], expected [${v.shape}]`);
      }
      setMasks(j.masks);
      for (const [k, v] of Object.entries(compactors)) v.assign(state.tensors[`compactor/${k}`]);
      applied = j.eventsApplied;
    },
    exportStudent: () => mergeStudent(teacher.weights, tcfg, compactors, masks),
    async writeArtifacts(workDir, input) {
      const student = mergeStudent(teacher.weights, tcfg, compactors, masks);
      try {
        const artifact = await analyzeAttention({
          teacher, student, tokenizer: input.tokenizer, sentences: input.sentences ?? DEFAULT_ATTENTION_SENTENCES, headMap: masks.heads,
        });
        const path = join(workDir, ATTENTION_ARTIFACT_FILE);
        writeAttentionArtifact(path, artifact);
        return [{ kind: 'attention', path }];
      } finally {
        for (const t of Object.values(student.weights)) t.dispose();
      }
    },
    dispose(): void {
      for (const v of Object.values(compactors)) v.dispose();
      disposeMaskIndexTensors(idx);
    },
  };
}

/** The attention comparison of a finished WID run: each student head against the teacher head it was inherited from. */
export function widAttentionArtifact(
  method: WidMethod, teacher: Teacher, student: { config: BertConfig; weights: BertWeights },
  tokenizer: BertTokenizer, sentences: string[],
): Promise<AttentionArtifact> {
  return analyzeAttention({ teacher, student, tokenizer, sentences, headMap: method.masks().heads });
}
