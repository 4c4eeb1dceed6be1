// ALBERT (Lan et al. 2020) as a DistillMethod for the shared loop: an ALBERT-shaped student (factorised embedding,
// one layer group applied target.layers times) initialised from the teacher (student-init.ts), trained with ALBERT's
// masked-LM objective, plus logit distillation from the teacher when alpha.kd > 0:
//   L = α_mlm · MLM(s) + α_kd · T² · mean_i KL(softmax(t_i/T) ‖ softmax(s_i/T))   (i: real tokens)
// The shared layer is ONE set of variables: every application reads the same tensors, so its gradient is the sum
// over applications (test/baselines/albert-method.test.ts).
import * as tf from '@tensorflow/tfjs';
import { stepSeed } from '../../kernels/dropout-mask.js';
import { bertForward, maskedLmLoss, mlmHead } from '../../bert/index.js';
import { albertForward, albertMlmHead, type AlbertConfig } from '../../albert/index.js';
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
  const stateJson = { method: 'albert' as const, target, embeddingSize: cfg.embeddingSize, sharedLayer };

  function loss(batch: MlmBatch, step: number) {
    const inputs = { inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds };
    const dropout = opts.dropout > 0 ? { hidden: opts.dropout, attention: opts.dropout, seed: stepSeed(opts.seed, step, batch.stepWords) } : undefined;
    const s = albertForward(student, cfg, inputs, { dropout });
    const logits = albertMlmHead(student, cfg, s.lastHiddenState);
    const mlm = maskedLmLoss(logits, batch.labels);
    const parts: Record<string, tf.Scalar> = { mlm };
    const terms: tf.Tensor[] = [tf.mul(mlm, opts.alpha.mlm)];
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
    variables: () => student,
    trainableVariables: () => Object.values(student),
    loss,
    saveState: (): MethodState => baselineState(stateJson),
    loadState: (state: MethodState) => checkBaselineState(state, stateJson),
    exportStudent: () => ({ family: 'albert', config: cfg, weights: snapshot(student) }),
    exportReport: async () => ({ embeddingSize: cfg.embeddingSize, embeddingEnergyKept: init.embeddingEnergyKept, sharedLayerInit: sharedLayer ?? 'average' }),
    dispose() {
      disposeVariables(student);
      student = {};
    },
  };
}
