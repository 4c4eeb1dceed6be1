// DistilBERT general distillation (Sanh et al. 2019) as a DistillMethod for the shared loop:
// student = chosen teacher layers; loss = α_ce·T²·KL(soft targets) + α_mlm·MLM + α_cos·(1 - cos) on last hidden states.
import * as tf from '@tensorflow/tfjs';
import { stepSeed } from '../../kernels/dropout-mask.js';
import { bertForward, mlmHead, maskedLmLoss, type BertConfig } from '../../bert/index.js';
import type { DistillMethod, MethodState, MlmBatch } from '../../train/method.js';
import { cosineEmbeddingLoss, softTargetKl } from '../common/losses.js';
import { baselineState, checkBaselineState } from '../common/method-state.js';
import { disposeVariables, snapshot, toVariables, type VariableRecord } from '../common/student-variables.js';
import { requireMlmHead, type Teacher } from '../common/teacher.js';
import { resolveDistilBertSetup } from './setup.js';
import { initDistilBertStudent } from './student-init.js';
import { resolveDistilBertOptions, type DistilBertOptions, type ResolvedDistilBertOptions } from './options.js';

const VARIABLE_PREFIX = 'distilbert/';

export interface DistilBertMethod extends DistillMethod {
  readonly studentConfig: BertConfig;
  readonly layerMap: number[];
  readonly options: ResolvedDistilBertOptions;
}

/**
 * For direct callers (tests, benchmarks): parses the options with the method's schema first. The distill job hands
 * the options the service parsed to distilBertMethodFrom, which does not parse them again.
 */
export function createDistilBertMethod(teacher: Teacher, options: DistilBertOptions = {}): DistilBertMethod {
  return distilBertMethodFrom(teacher, resolveDistilBertOptions(options));
}

/** The method for options already parsed (shared/api/method-options.ts). */
export function distilBertMethodFrom(teacher: Teacher, opts: ResolvedDistilBertOptions): DistilBertMethod {
  requireMlmHead(teacher, 'distilbert');
  const { target, studentConfig: cfg, layerMap } = resolveDistilBertSetup(teacher.config, opts);
  const init = initDistilBertStudent(teacher, cfg, layerMap);
  const tokenTypes = 'bert.embeddings.token_type_embeddings.weight';
  if (!opts.tokenTypeEmbeddings && init[tokenTypes]) {
    // the reference student has no token-type embeddings (scripts/extract_distilbert.py copies word and
    // position embeddings only); a zero, frozen table is the same function and keeps the export a stock BertForMaskedLM
    const zeros = tf.zerosLike(init[tokenTypes]);
    init[tokenTypes].dispose();
    init[tokenTypes] = zeros;
  }
  let student: VariableRecord = toVariables(init, VARIABLE_PREFIX);
  if (!opts.tokenTypeEmbeddings && student[tokenTypes]) student[tokenTypes].trainable = false;
  const h = cfg.hiddenSize;
  const stateJson = { method: 'distilbert' as const, target, layerMap };

  function loss(batch: MlmBatch, step: number) {
    const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
    const t = bertForward(teacher.weights, teacher.config, inputs);
    const teacherLogits = mlmHead(teacher.weights, teacher.config, t.lastHiddenState);
    const dropout = opts.dropout > 0 ? { hidden: opts.dropout, attention: opts.dropout, seed: stepSeed(opts.seed, step, batch.stepWords) } : undefined;
    const s = bertForward(student, cfg, inputs, { dropout });
    const studentLogits = mlmHead(student, cfg, s.lastHiddenState);
    const T = opts.temperature;
    const ceMask = opts.ceOn === 'masked' ? tf.notEqual(batch.labels, -100) : batch.attentionMask;
    const ce = tf.mul(softTargetKl(studentLogits, teacherLogits, { temperature: T, mask: ceMask }), T * T) as tf.Scalar;
    const mlm = maskedLmLoss(studentLogits, batch.labels);
    // narrower student: compare with the teacher's leading h dims, the block the student was initialised from
    const [b, len, H] = t.lastHiddenState.shape;
    const teacherHidden = h === H ? t.lastHiddenState : t.lastHiddenState.slice([0, 0, 0], [b, len, h]);
    const cos = cosineEmbeddingLoss(s.lastHiddenState, teacherHidden, { mask: batch.attentionMask });
    const a = opts.alpha;
    const total = tf.addN([tf.mul(ce, a.ce), tf.mul(mlm, a.mlm), tf.mul(cos, a.cos)]) as tf.Scalar;
    return { total, parts: { ce, mlm, cos } };
  }

  return {
    name: 'distilbert',
    studentConfig: cfg,
    layerMap,
    options: opts,
    trainableVariables: () => Object.values(student).filter((v) => v.trainable),
    loss,
    saveState: (): MethodState => baselineState(stateJson),
    loadState: (state: MethodState) => checkBaselineState(state, stateJson),
    exportStudent: () => ({ config: cfg, weights: snapshot(student) }),
    dispose() {
      disposeVariables(student);
      student = {};
    },
  };
}
