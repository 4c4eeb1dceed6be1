// ALBERT (Lan et al. 2020) as a DistillMethod for the shared loop: an ALBERT-shaped student (factorised embedding,
// one layer group applied target.layers times) initialised from the teacher (student-init.ts), trained with ALBERT's
// objective — masked LM, plus sentence-order prediction where the rows are segment pairs (train/sentence-order.ts) —
// and logit distillation from the teacher when alpha.kd > 0:
//   L = α_mlm · MLM(s) + α_sop · CE(sop_classifier(pooled [CLS]), order) + α_kd · T² · mean_i KL(softmax(t_i/T) ‖ softmax(s_i/T))
// The shared layer is ONE set of variables: every application reads the same tensors, so its gradient is the sum
// over applications (test/baselines/albert-method.test.ts).
import * as tf from '@tensorflow/tfjs';
import { stepSeed } from '../../kernels/dropout-mask.js';
import { bertForward, maskedLmLoss, mlmHead } from '../../bert/index.js';
import { albertForward, albertMlmHead, albertSopLogits, type AlbertConfig } from '../../albert/index.js';
import type { DistillMethod, MethodState, MlmBatch } from '../../train/method.js';
import { softTargetKl } from '../common/losses.js';
import { baselineState, checkBaselineState } from '../common/method-state.js';
import { disposeVariables, snapshot, toVariables, type VariableRecord } from '../common/student-variables.js';
import { requireMlmHead, type Teacher } from '../common/teacher.js';
import { resolveAlbertOptions, type AlbertOptions, type ResolvedAlbertOptions } from './options.js';
import { resolveAlbertSetup } from './setup.js';
import { initAlbertStudent } from './student-init.js';

const VARIABLE_PREFIX = 'albert/';

export interface AlbertMethod extends DistillMethod {
  readonly studentConfig: AlbertConfig;
  readonly options: ResolvedAlbertOptions;
  /** Teacher layer the shared layer started from (null: the mean of all). */
  readonly sharedLayer: number | null;
  readonly embeddingEnergyKept: number;
  /** The student's variables by HF name (tests: the shared layer is one set). */
  readonly variables: () => VariableRecord;
}

/**
 * For direct callers (tests, benchmarks): parses the options with the method's schema first. The distill job hands
 * the options the service parsed to albertMethodFrom, which does not parse them again.
 */
export async function createAlbertMethod(teacher: Teacher, options: AlbertOptions = {}): Promise<AlbertMethod> {
  return albertMethodFrom(teacher, resolveAlbertOptions(options));
}

/** The method for options already parsed (shared/api/method-options.ts). */
export async function albertMethodFrom(teacher: Teacher, opts: ResolvedAlbertOptions): Promise<AlbertMethod> {
  requireMlmHead(teacher, 'albert');
  const { target, studentConfig: cfg, sharedLayer } = resolveAlbertSetup(teacher.config, opts);
  const init = await initAlbertStudent(teacher, cfg, sharedLayer);
  let student: VariableRecord = toVariables(init.weights, VARIABLE_PREFIX);
  // the pooler and sentence-order head exist only while the run trains SOP (never exported: AlbertForMaskedLM has neither)
  let sopHead: VariableRecord = {};
  const stateJson = { method: 'albert' as const, target, embeddingSize: cfg.embeddingSize, sharedLayer };
  let sentenceOrderOn = false;

  function loss(batch: MlmBatch, step: number) {
    const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
    const dropout = opts.dropout > 0 ? { hidden: opts.dropout, attention: opts.dropout, seed: stepSeed(opts.seed, step, batch.stepWords) } : undefined;
    const s = albertForward(student, cfg, inputs, { dropout });
    const logits = albertMlmHead(student, cfg, s.lastHiddenState);
    const mlm = maskedLmLoss(logits, batch.labels);
    const parts: Record<string, tf.Scalar> = { mlm };
    const terms: tf.Tensor[] = [tf.mul(mlm, opts.alpha.mlm)];
    if (batch.sentenceOrderLabels && sopHead['sop_classifier.classifier.weight']) {
      const sopLogits = albertSopLogits({ ...student, ...sopHead }, cfg, s.lastHiddenState);
      const sop = sentenceOrderLoss(sopLogits, batch.sentenceOrderLabels);
      parts.sop = sop;
      terms.push(tf.mul(sop, opts.alpha.sop));
    }
    if (opts.alpha.kd > 0) {
      const t = bertForward(teacher.weights, teacher.config, inputs);
      const T = opts.temperature;
      const kd = tf.mul(softTargetKl(logits, mlmHead(teacher.weights, teacher.config, t.lastHiddenState), { temperature: T, mask: batch.attentionMask }), T * T) as tf.Scalar;
      parts.kd = kd;
      terms.push(tf.mul(kd, opts.alpha.kd));
    }
    return { total: (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar, parts };
  }

  return {
    name: 'albert',
    studentConfig: cfg,
    options: opts,
    sharedLayer,
    embeddingEnergyKept: init.embeddingEnergyKept,
    variables: () => ({ ...student, ...sopHead }),
    trainableVariables: () => [...Object.values(student), ...Object.values(sopHead)],
    loss,
    ...(opts.sop === false ? {} : { sentenceOrder: opts.sop === true ? 'required' as const : 'auto' as const }),
    useSentenceOrder(on: boolean) {
      if (on && !Object.keys(sopHead).length) sopHead = toVariables(initSopHead(teacher, cfg, opts.seed), VARIABLE_PREFIX);
      sentenceOrderOn = on;
    },
    saveState: (): MethodState => baselineState(stateJson),
    loadState: (state: MethodState) => checkBaselineState(state, stateJson),
    exportStudent: () => ({ family: 'albert', config: cfg, weights: snapshot(student) }),
    exportReport: async () => ({ embeddingSize: cfg.embeddingSize, embeddingEnergyKept: init.embeddingEnergyKept, sharedLayerInit: sharedLayer ?? 'average',
      sentenceOrderPrediction: sentenceOrderOn }),
    dispose() {
      disposeVariables(student);
      disposeVariables(sopHead);
      student = {};
      sopHead = {};
    },
  };
}

/** Mean cross-entropy of the two sentence-order logits against the labels (0 in order, 1 swapped). */
export function sentenceOrderLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // no tidy: this runs inside the optimiser's gradient tape, which needs the intermediates
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, 2), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/**
 * The pooler (the teacher's, narrowed to the student's width, where it has one) and AlbertForPreTraining's
 * `sop_classifier.classifier` [2, H] at transformers' init (normal, std 0.02; bias 0).
 */
function initSopHead(teacher: Teacher, cfg: AlbertConfig, seed: number): Record<string, tf.Tensor> {
  const H = cfg.hiddenSize;
  const tp = teacher.weights['bert.pooler.dense.weight'], tb = teacher.weights['bert.pooler.dense.bias'];
  return {
    'albert.pooler.weight': tp ? tp.slice([0, 0], [H, H]) : tf.randomNormal([H, H], 0, 0.02, 'float32', seed + 101),
    'albert.pooler.bias': tb ? tb.slice([0], [H]) : tf.zeros([H]),
    'sop_classifier.classifier.weight': tf.randomNormal([2, H], 0, 0.02, 'float32', seed + 102),
    'sop_classifier.classifier.bias': tf.zeros([2]),
  };
}
