// TinyBERT general distillation (Jiao et al. 2020) as a DistillMethod for the shared loop: a student of any shape,
// randomly initialised as the authors' general distillation (`init: 'from_scratch'`) or cut from the teacher
// (`init: 'teacher-slice'`: teacher layer layerMap[i], per-head slices, common/teacher-slice.ts), learns the teacher's embeddings, hidden states (through W_h when widths differ),
// pre-softmax attention scores (uniform layer map) and MLM predictions.
import * as tf from '@tensorflow/tfjs';
import { stepSeed } from '../../kernels/dropout-mask.js';
import { bertForward, initBertWeights, mlmHead, type BertConfig, type BertWeights } from '../../bert/index.js';
import type { DistillMethod, MethodState, MlmBatch } from '../../train/method.js';
import { meanSquaredError, softCrossEntropy } from '../common/losses.js';
import { baselineState, checkBaselineState } from '../common/method-state.js';
import { disposeVariables, snapshot, toVariables, type VariableRecord } from '../common/student-variables.js';
import { requireMlmHead, type Teacher } from '../common/teacher.js';
import { sliceTeacherWeights } from '../common/teacher-slice.js';
import { attentionScoreLoss } from './attention-loss.js';
import { resolveTinyBertSetup } from './setup.js';
import { createProjection, project } from './projection.js';
import { resolveTinyBertOptions, type ResolvedTinyBertOptions, type TinyBertOptions } from './options.js';

const VARIABLE_PREFIX = 'tinybert/';

export interface TinyBertMethod extends DistillMethod {
  readonly studentConfig: BertConfig;
  /** 1-based teacher layer of each student layer. */
  readonly layerMap: number[];
  readonly options: ResolvedTinyBertOptions;
  /** Whether W_h exists (student width ≠ teacher width). */
  readonly hasProjection: boolean;
  /** 'per-head' when head counts match (TinyBERT), else 'head-mean'. */
  readonly attentionMode: 'per-head' | 'head-mean';
}

/**
 * For direct callers (tests, benchmarks): parses the options with the method's schema first. The distill job hands
 * the options the service parsed to tinyBertMethodFrom, which does not parse them again.
 */
export function createTinyBertMethod(teacher: Teacher, options: TinyBertOptions = {}): TinyBertMethod {
  return tinyBertMethodFrom(teacher, resolveTinyBertOptions(options));
}

/** The method for options already parsed (shared/api/method-options.ts). */
export function tinyBertMethodFrom(teacher: Teacher, opts: ResolvedTinyBertOptions): TinyBertMethod {
  if (opts.weights.prediction > 0) requireMlmHead(teacher, 'tinybert');
  const { target, studentConfig: cfg, layerMap } = resolveTinyBertSetup(teacher.config, opts);
  let student: VariableRecord = toVariables(initTinyBertStudent(teacher, cfg, layerMap, opts), VARIABLE_PREFIX);
  const hasProjection = cfg.hiddenSize !== teacher.config.hiddenSize;
  let projection: VariableRecord = hasProjection
    ? createProjection(cfg.hiddenSize, teacher.config.hiddenSize, opts.seed * 7919 + 1, VARIABLE_PREFIX)
    : {};
  const toTeacherWidth = (x: tf.Tensor) => (hasProjection ? project(projection, x) : x);
  const w = opts.weights;
  const stateJson = { method: 'tinybert' as const, target, layerMap, layerMapBase: 0 };

  function loss(batch: MlmBatch, step: number) {
    const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
    const needScores = w.attention > 0;
    const t = bertForward(teacher.weights, teacher.config, inputs, { outputHiddenStates: true, outputAttentionScores: needScores });
    const dropout = opts.dropout > 0 ? { hidden: opts.dropout, attention: opts.dropout, seed: stepSeed(opts.seed, step, batch.stepWords) } : undefined;
    const s = bertForward(student, cfg, inputs, { outputHiddenStates: true, outputAttentionScores: needScores, dropout });
    const sh = s.hiddenStates!, th = t.hiddenStates!;
    const embedding = meanSquaredError(toTeacherWidth(sh[0]), th[0]);
    const hidden = tf.addN(layerMap.map((g, m) => meanSquaredError(toTeacherWidth(sh[m + 1]), th[g + 1]))) as tf.Scalar;
    const parts: Record<string, tf.Scalar> = { embedding, hidden };
    const terms = [tf.mul(embedding, w.embedding), tf.mul(hidden, w.hidden)];
    if (needScores) {
      const attention = tf.addN(layerMap.map((g, m) => attentionScoreLoss(s.attentionScores![m], t.attentionScores![g]))) as tf.Scalar;
      parts.attention = attention;
      terms.push(tf.mul(attention, w.attention));
    }
    if (w.prediction > 0) {
      const prediction = softCrossEntropy(mlmHead(student, cfg, s.lastHiddenState), mlmHead(teacher.weights, teacher.config, t.lastHiddenState),
        { temperature: opts.temperature, mask: batch.attentionMask });
      parts.prediction = prediction;
      terms.push(tf.mul(prediction, w.prediction));
    }
    return { total: tf.addN(terms) as tf.Scalar, parts };
  }

  return {
    name: 'tinybert',
    studentConfig: cfg,
    layerMap,
    options: opts,
    hasProjection,
    attentionMode: cfg.numAttentionHeads === teacher.config.numAttentionHeads ? 'per-head' : 'head-mean',
    trainableVariables: () => [...Object.values(student), ...Object.values(projection)],
    loss,
    saveState: (): MethodState => baselineState(stateJson),
    // checkpoints written before the map was 0-based (stateJson without layerMapBase) hold it 1-based
    loadState: (state: MethodState) => checkBaselineState(oneBasedToZeroBased(state), stateJson),
    exportStudent: () => ({ config: cfg, weights: snapshot(student) }),
    dispose() {
      disposeVariables(student);
      disposeVariables(projection);
      student = {};
      projection = {};
    },
  };
}

/**
 * The student's starting weights (new tensors, the caller owns them): the authors' random init (from_scratch), or
 * with teacher-slice every tensor cut from the teacher (student layer i from teacher layer layerMap[i], TinyBERT's
 * uniform map by default), keeping the random value only where the teacher has no such tensor (e.g. no MLM head).
 */
export function initTinyBertStudent(teacher: Teacher, cfg: BertConfig, layerMap: number[], opts: Pick<ResolvedTinyBertOptions, 'init' | 'seed'>): BertWeights {
  const random = initBertWeights(cfg, opts.seed);
  if (opts.init !== 'teacher-slice') return random;
  try {
    const shapes = Object.fromEntries(Object.entries(random).map(([n, t]) => [n, t.shape]));
    return sliceTeacherWeights(teacher, cfg, layerMap, shapes, 'tinybert', random);
  } finally {
    tf.dispose(Object.values(random));
  }
}

/** A TinyBERT method state saved with the former 1-based layer map, with the map made 0-based. */
function oneBasedToZeroBased(state: MethodState): MethodState {
  const json = state.json as { layerMap?: unknown; layerMapBase?: unknown } | null;
  if (!json || typeof json !== 'object' || json.layerMapBase === 0 || !Array.isArray(json.layerMap)) return state;
  return { ...state, json: { ...json, layerMap: json.layerMap.map((l) => (typeof l === 'number' ? l - 1 : l)), layerMapBase: 0 } };
}
