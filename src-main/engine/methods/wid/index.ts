// Weight-Inherited Distillation as a DistillMethod for the shared loop (docs/wid.md):
// trainable = compactors (and, as the authors, the teacher's weights at lr 1e-6); loss = the hard-label MLM
// loss ('mlm', default: the paper's Table 1 and the authors' trainer), logit KD ('kd') or both;
// schedule 'authors' (default: masked dims decay under the authors' penalty, penalty.ts) or 'hard';
// exportStudent = merged dense BERT of the current (final: target) width.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { stepSeed } from '../../kernels/dropout-mask.js';
import { BertConfig, bertForward, mlmHead, parameterCount, type BertInputs, type BertWeights } from '../../bert/index.js';
import type { BertTokenizer } from '../../tokenizer/index.js';
import type { AfterStepOptions, DistillMethod, MethodState, MlmBatch } from '../../train/method.js';
import { requireMlmHead, type Teacher } from '../common/teacher.js';
import { Compactors, compactorParameterCount, createCompactors } from './compactors.js';
import { disposeMaskIndexTensors, effectiveWeights, maskIndexTensors } from './effective-weights.js';
import {
  compactorScores, disposeScoreTensors, effectiveScores, readScoresAsync,
  type DimScoreTensors,
} from './importance.js';
import { logitKdLoss } from './kd-loss.js';
import { maskedLmLoss } from '../../bert/mlm-loss.js';
import { sizesOfMasks, WidMasks } from './masks.js';
import { mergeStudent } from './merge.js';
import { analyzeAttention } from './attention-analysis.js';
import { ATTENTION_ARTIFACT_FILE, writeAttentionArtifact } from './attention-artifact.js';
import { authorsEventDue, authorsEventsAfter, authorsMaskSteps, authorsSizesAt, eventsDue, pruneMasks, sizesAtEvent } from './pruning-schedule.js';
import { authorsCompactorScores } from './importance.js';
import { authorsPenalty, penaltyTargets } from './penalty.js';
import { maskedResidue, type MaskedResidue } from './masked-residue.js';
import { unmaskedIndices, WidMaskState } from './mask-state.js';
import { concatScores, deviceKeep, deviceKeepApplies, splitScores, stagedRead, type StagedRead } from './device-masks.js';
import { activeWebgpu } from '../../capture/webgpu-internals.js';
import { widOptionsSchema, type WidOptionsInput, type WidOptionsParsed } from '../../../shared/api/method-options.js';
import { parseMethodOptions, type WithSeed } from '../common/method-options.js';
import { resolveTargetSizes, studentConfig, teacherSizes, WidSizes } from '../common/student-size.js';

export {
  PRESET_PARAMETER_RATIO, presetSizes, resolveTargetSizes, studentConfig, teacherSizes, validateTarget,
  type AttentionStrategy, type TargetRequest, type WidPreset, type WidSizes, type WidTarget,
} from '../common/student-size.js';
export type { WidMasks } from './masks.js';
export { mergeStudent } from './merge.js';
export { MASK_LOG_FILE, appendMaskEvent, decodeMaskEvent, encodeMaskEvent, maskLogTeacher, readMaskLog, type MaskLogEntry, type MaskLogTeacher } from './mask-log.js';
export { analyzeAttention, type AnalyzeAttentionInput } from './attention-analysis.js';
export {
  ATTENTION_ARTIFACT_FILE, attentionMapsFromArtifact, readAttentionArtifact, writeAttentionArtifact,
  type AttentionArtifact, type AttentionSentence,
} from './attention-artifact.js';

/** Option names are the run config's (`target`, `preset`) and `wid` keys, declared in shared/api/method-options.ts; see docs/wid.md §6. */
export type WidOptions = WidOptionsInput;
export type WidObjective = WidOptionsParsed['objective'];
export type WidSchedule = WidOptionsParsed['schedule'];
/** Every option with its default (the authors' settings, docs/wid.md §2-3); seed 0 unless the run gives one. */
export type ResolvedWidOptions = WithSeed<WidOptionsParsed>;

/** The authors' settings: what a WID run does unless an option says otherwise. */
export const WID_DEFAULTS = widOptionsSchema.parse({});

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
  /** Called at every mask event with the masks it chose (the distill job logs them: mask-log.ts). */
  onMaskEvent(listener: (e: { step: number; event: number; masks: WidMasks }) => void): void;
  /** Applies a due pruning event; reads the scores with await (webgpu in Node has no synchronous reads). */
  afterStepAsync(step: number, totalSteps: number, o?: AfterStepOptions): Promise<Record<string, number>>;
  /** Reads back the masks of events chosen on the device (afterStepAsync with deferReads) and applies them in order. */
  settle(): Promise<void>;
  /**
   * For the distill job, after the export: writes <workDir>/attention.json (teacher vs merged student
   * attention, docs/wid.md §7) and returns what to register with ctx.artifact(kind, path).
   */
  writeArtifacts(workDir: string, input: { tokenizer: BertTokenizer; sentences?: string[] }): Promise<{ kind: string; path: string }[]>;
  /** The largest |entry| left in each compactor's masked rows/columns under the current masks (masked-residue.ts). */
  maskedResidue(): Promise<MaskedResidue>;
  /** The masks the authors' criterion would choose now for `sizes` (from the full teacher width), without applying them. */
  previewMasks(sizes: WidSizes): Promise<WidMasks>;
  /** Widths of the first mask of the authors' schedule (1/8 of the way to the target; FFN 1/16). */
  firstMaskSizes(): WidSizes;
  exportReport(): Promise<Record<string, unknown>>;
}


/** Sentences for the attention comparison when the caller gives none. */
export const DEFAULT_ATTENTION_SENTENCES = [
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.',
  'The quick brown fox jumps over the lazy dog.',
  'She went to the bank to deposit the money, then sat on the bank of the river.',
];

/** Parses every option with WID's schema (not the target against the teacher, see resolveTargetSizes); errors name the option. */
export function resolveWidOptions(o: WidOptions): ResolvedWidOptions {
  return parseMethodOptions(widOptionsSchema, o, 'wid');
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

/** A mask event: its number, the widths to prune to, and the masks the new ones are cut from. */
interface MaskEvent { event: number; sizes: WidSizes; from: WidMasks }

/**
 * For direct callers (tests, benchmarks): parses the options with WID's schema first. The distill job hands the
 * options the service parsed to widMethodFrom, which does not parse them again.
 */
export function createWidMethod(teacher: Teacher, options: WidOptions): WidMethod {
  return widMethodFrom(teacher, resolveWidOptions(options));
}

/** WID for options already parsed (shared/api/method-options.ts). */
export function widMethodFrom(teacher: Teacher, opts: ResolvedWidOptions): WidMethod {
  requireMlmHead(teacher, 'wid');
  requireTiedDecoder(teacher);
  const tcfg = teacher.config;
  const target = resolveTargetSizes(tcfg, opts);
  const finalConfig = studentConfig(tcfg, target);
  const prefix = opts.variablePrefix ?? 'wid/';
  const compactors: Compactors = createCompactors(tcfg, prefix);
  // the inherited weights the student trains (authors: every teacher parameter, lr 1e-6); the pooler gets no
  // MLM gradient and stays as loaded. teacher.weights itself is never changed (KD and attention analysis read it).
  const teacherPrefix = `${prefix}teacher/`;
  const trainedTeacher: Record<string, tf.Variable> = {};
  if (opts.teacherLr > 0) {
    for (const [name, t] of Object.entries(teacher.weights)) {
      if (name.startsWith('bert.pooler.') || name === 'cls.predictions.decoder.weight') continue;
      trainedTeacher[name] = tf.variable(t, true, `${teacherPrefix}${name}`);
    }
  }
  const inherited: BertWeights = { ...teacher.weights, ...trainedTeacher };
  const authors = opts.schedule === 'authors';
  const noSelection = unmaskedIndices(tcfg.numHiddenLayers);
  const penalised = penaltyTargets(tcfg, compactors, trainedTeacher);
  const state = new WidMaskState(tcfg);
  const full = state.full;
  // a target equal to the teacher has nothing to prune: the schedule is a no-op
  const start = teacherSizes(tcfg);
  const maskListeners: ((e: { step: number; event: number; masks: WidMasks }) => void)[] = [];
  // events whose keep vectors were chosen on the device and written; their masks are read back later (device-masks.ts)
  const pending: { step: number; events: number; event: MaskEvent; read: StagedRead }[] = [];
  /** The CPU masks, once no event is pending (what reads them: export, checkpoint, the measurement hooks). */
  const settledState = (what: string): WidMaskState => {
    if (pending.length) throw new Error(`wid: ${what} needs the masks of the event after step ${pending[0].step}, not read back yet (await settle() first)`);
    return state;
  };
  async function settleOne(): Promise<void> {
    const p = pending[0];
    const masks = pruneMasks(p.event.from, splitScores(tcfg, await p.read.values), p.event.sizes);
    pending.shift();
    state.setMasks(masks);
    for (const l of maskListeners) l({ step: p.step, event: p.events, masks });
  }
  async function settle(): Promise<void> {
    while (pending.length) await settleOne();
  }
  /** The sizes of the last event applied: a pending one's (its masks not read back yet), else the masks'. */
  const latestSizes = (): WidSizes => (pending.length ? { ...pending[pending.length - 1].event.sizes } : sizesOfMasks(state.masks));

  function studentLogits(inputs: BertInputs, step: number, stepWords?: tf.Tensor1D): tf.Tensor3D {
    const dropout = opts.dropout > 0 ? { hidden: opts.dropout, attention: opts.dropout, seed: stepSeed(opts.seed, step, stepWords) } : undefined;
    if (authors) {
      // teacher width, every compactor entry in the forward; LayerNorm statistics over the kept dims once masks exist
      const eff = effectiveWeights(inherited, tcfg, compactors, full, noSelection, { factorWords: true });
      const layerNormKeep = state.eventsApplied > 0 ? state.keep.residual : null;
      const wordProjection = eff.wordProjection;
      return mlmHead(eff.weights, tcfg, bertForward(eff.weights, tcfg, inputs, { dropout, layerNormKeep, wordProjection }).lastHiddenState, { layerNormKeep, wordProjection });
    }
    const eff = effectiveWeights(inherited, tcfg, compactors, state.masks, state.indices, { factorWords: true });
    const wordProjection = eff.wordProjection;
    return mlmHead(eff.weights, eff.config, bertForward(eff.weights, eff.config, inputs, { dropout, wordProjection }).lastHiddenState, { wordProjection });
  }

  function loss(batch: MlmBatch, step: number) {
    return tf.tidy(() => {
      const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
      const logits = studentLogits(inputs, step, batch.stepWords);
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

  /** Scores of the dims of `from` (authors: every teacher dim, masks are recomputed from scratch), still on the device. */
  function scoreTensors(from: WidMasks): DimScoreTensors {
    return tf.tidy(() => {
      if (opts.importance === 'compactor') return authorsCompactorScores(compactors, tcfg, from);
      if (opts.importance === 'compactor-all') return compactorScores(compactors, tcfg, from);
      const fromIdx = from === state.masks ? state.indices : maskIndexTensors(tcfg, from);
      try {
        return effectiveScores(effectiveWeights(inherited, tcfg, compactors, from, fromIdx).weights, studentConfig(tcfg, sizesOfMasks(from)));
      } finally {
        if (fromIdx !== state.indices) disposeMaskIndexTensors(fromIdx);
      }
    });
  }

  /** When the authors' schedule masks in a run of `totalSteps`. */
  const maskSteps = (totalSteps: number) => authorsMaskSteps(totalSteps, opts.maskEvery, opts.firstMaskAt);

  /** The mask event due after `completed` steps: its number, the sizes to prune to and the masks to prune from; or null. */
  function maskEventDue(completed: number, totalSteps: number): MaskEvent | null {
    if (authors) {
      const when = maskSteps(totalSteps);
      const last = completed >= totalSteps;
      if (!authorsEventDue(completed, when) && !last) return null;
      const k = authorsEventsAfter(completed, when);
      // the last step lands on the target whatever the budget (short runs: see docs/wid.md §3)
      return { event: k, sizes: last ? target : authorsSizesAt(start, target, k), from: full };
    }
    const e = eventsDue(completed, totalSteps, opts);
    return e > state.eventsApplied ? { event: e, sizes: sizesAtEvent(start, target, e, opts.pruneEvents), from: state.masks } : null;
  }

  function sizeMetrics(): Record<string, number> {
    const s = latestSizes();
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
    currentSizes: latestSizes,
    currentConfig: () => studentConfig(tcfg, latestSizes()),
    masks: () => settledState('masks()').masks,
    eventsApplied: () => state.eventsApplied,
    onMaskEvent: (listener) => { maskListeners.push(listener); },
    trainableVariables: () => [...Object.values(compactors), ...Object.values(trainedTeacher)],
    learningRateOf: (name: string, runLr: number) => (name.startsWith(teacherPrefix) ? opts.teacherLr : runLr),
    // what decides the step's kernels: under the authors' schedule the penalty's branch (before / after the first
    // mask) and whether LayerNorm takes the keep vector (any mask applied); the masks themselves are only the keep
    // vectors' values, written in place (mask-state.ts), so a mask event needs no new key (and no new capture).
    // 'hard': the masks applied (the widths and index tensors change at each event).
    stepKey: (step: number, totalSteps: number) => (authors
      ? `authors:${state.eventsApplied > 0 ? 'masks' : 'no-mask'}:${step + 1 <= maskSteps(totalSteps).first ? 'before-first-mask' : 'masked'}`
      : `${state.eventsApplied}:masked`),
    adjustGradients(grads, step, totalSteps, optimizer) {
      if (!authors) return {};
      return authorsPenalty(grads, penalised, state.keep, { step: step + 1, firstMaskStep: maskSteps(totalSteps).first, lambda: opts.l2Lambda }, optimizer);
    },
    loss,
    /** `step` is the 0-based index of the step just taken (the loop's convention), so step + 1 steps are done. */
    async afterStepAsync(step: number, totalSteps: number, o?: AfterStepOptions) {
      // events read back already (their copies ran): apply their masks without waiting
      while (pending.length && pending[0].read.done()) await settleOne();
      const event = maskEventDue(step + 1, totalSteps);
      if (event && o?.deferReads && authors && process.env.WID_DEVICE_MASKS !== 'off' && activeWebgpu() && deviceKeepApplies(tcfg, event.sizes)) {
        // the keep vectors on the device, the masks read back later: the GPU need not drain here (device-masks.ts)
        const t = scoreTensors(event.from);
        try {
          const events = Math.max(event.event, 1);
          state.setKeep(deviceKeep(tcfg, t, event.sizes), events);
          const all = concatScores(t);
          try { pending.push({ step: step + 1, events, event, read: stagedRead(all) }); } finally { all.dispose(); }
        } finally { disposeScoreTensors(t); }
      } else if (event) {
        await settle();
        const t = scoreTensors(event.from);
        try {
          state.set(pruneMasks(event.from, await readScoresAsync(t), event.sizes), Math.max(event.event, 1));
        } finally { disposeScoreTensors(t); }
        for (const l of maskListeners) l({ step: step + 1, event: state.eventsApplied, masks: state.masks });
      }
      return sizeMetrics();
    },
    settle,
    saveState(): MethodState {
      settledState('saveState()');
      const tensors: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(compactors)) tensors[`compactor/${k}`] = tf.clone(v);
      return { tensors, json: { masks: state.masks, eventsApplied: state.eventsApplied, targetSizes: target } };
    },
    loadState(saved: MethodState): void {
      settledState('loadState()');
      const j = saved.json as { masks?: WidMasks; eventsApplied?: number } | null;
      if (!j || !j.masks || typeof j.eventsApplied !== 'number') throw new Error('wid: saved state has no masks/eventsApplied');
      for (const [k, v] of Object.entries(compactors)) {
        const t = saved.tensors[`compactor/${k}`];
        if (!t) throw new Error(`wid: saved state has no tensor "compactor/${k}"`);
        if (t.shape.join() !== v.shape.join()) throw new Error(`wid: saved tensor "compactor/${k}" has shape [${t.shape}], expected [${v.shape}]`);
      }
      state.set(j.masks, j.eventsApplied);
      for (const [k, v] of Object.entries(compactors)) v.assign(saved.tensors[`compactor/${k}`]);
    },
    exportStudent: () => mergeStudent(inherited, tcfg, compactors, settledState('exportStudent()').masks),
    // issue 23 measurement hooks (additive: nothing above calls them)
    maskedResidue: () => maskedResidue(tcfg, compactors, settledState('maskedResidue()').masks),
    async previewMasks(sizes: WidSizes) {
      const t = scoreTensors(full);
      try { return pruneMasks(full, await readScoresAsync(t), sizes); } finally { disposeScoreTensors(t); }
    },
    firstMaskSizes: () => authorsSizesAt(start, target, 1),
    async exportReport() {
      const r = await maskedResidue(tcfg, compactors, settledState('exportReport()').masks);
      return { maskedResidue: { schedule: opts.schedule, max: r.max, maxMatrix: r.maxMatrix, perMatrix: r.perMatrix } };
    },
    async writeArtifacts(workDir, input) {
      const student = mergeStudent(inherited, tcfg, compactors, settledState('writeArtifacts()').masks);
      try {
        const artifact = await analyzeAttention({
          teacher, student, tokenizer: input.tokenizer, sentences: input.sentences ?? DEFAULT_ATTENTION_SENTENCES, headMap: state.masks.heads,
        });
        const path = join(workDir, ATTENTION_ARTIFACT_FILE);
        writeAttentionArtifact(path, artifact);
        return [{ kind: 'attention', path }];
      } finally {
        for (const t of Object.values(student.weights)) t.dispose();
      }
    },
    dispose(): void {
      pending.length = 0; // their reads free their own buffers
      for (const v of Object.values(compactors)) v.dispose();
      for (const v of Object.values(trainedTeacher)) v.dispose();
      state.dispose();
    },
  };
}
