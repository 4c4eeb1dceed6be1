import type * as tf from '@tensorflow/tfjs';
import type { FamilyModel } from '../model-family/index.js';
import type { BertTokenizer } from '../tokenizer/index.js';

/** One masked-LM batch; labels hold the original token id where masked and -100 elsewhere. */
export interface MlmBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
  labels: tf.Tensor2D; // int32, -100 = not masked
  /** The step index on the device (int32 [lo, hi]: kernels/dropout-mask.ts' stepWordsTensor), for dropout seeds a captured step replays. */
  stepWords?: tf.Tensor1D;
  /** Rows are segment pairs "[CLS] A [SEP] B [SEP]": 0 = A then B as in the document, 1 = swapped (train/sentence-order.ts). */
  sentenceOrderLabels?: tf.Tensor1D;
}

/** Serialisable method state stored inside a training checkpoint. */
export interface MethodState {
  tensors: Record<string, tf.Tensor>;
  json: unknown;
}

export interface AfterStepOptions {
  /**
   * The caller (the loop) awaits settle() before it reads the method's state: a device value the step after needs may be
   * computed on the device and its CPU copy read later, so afterStepAsync need not wait for the GPU to drain.
   */
  deferReads?: boolean;
}

/**
 * What the shared distillation loop needs from a method (WID, DistilBERT, TinyBERT):
 * only student construction and the loss differ between methods.
 */
export interface DistillMethod {
  name: 'wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  trainableVariables(): tf.Variable[];
  /** Called inside the optimizer's gradient tape; must not dispose its inputs. */
  loss(batch: MlmBatch, step: number): { total: tf.Scalar; parts: Record<string, tf.Scalar> };
  /**
   * What besides the input shapes decides which kernels a step runs (e.g. WID's mask phase): a captured step
   * keeps one template per key. Default: the same kernels every step.
   */
  stepKey?(step: number, totalSteps: number): string;
  /**
   * E.g. the WID sparsity schedule; returned numbers are logged as metrics. `step` is the 0-based index
   * of the step just taken (step + 1 steps are done).
   */
  afterStep?(step: number, totalSteps: number): Record<string, number> | void;
  /** Same as afterStep for backends that cannot read tensors synchronously (webgpu in Node); the loop prefers it. */
  afterStepAsync?(step: number, totalSteps: number, o?: AfterStepOptions): Promise<Record<string, number> | void>;
  /**
   * Finishes what afterStepAsync left in flight with `deferReads` (WID: the CPU copy of masks chosen on the device);
   * the loop awaits it before a checkpoint, an evaluation and at the end of the run.
   */
  settle?(): Promise<void>;
  /** Peak learning rate of one variable given the run's `lr` (default: the run's); WID trains teacher weights at 1e-6. */
  learningRateOf?(variableName: string, runLr: number): number;
  /**
   * The method's own schedule (MobileBERT's layer-wise warm-up), replacing the loop's warm-up and linear decay: the
   * rate of `step` given the run's peak `lr` and warm-up steps; undefined leaves the loop's.
   */
  learningRateAt?(step: number, totalSteps: number, lr: number, warmupSteps: number): number | undefined;
  /**
   * A variable's rate multiplier at this step, on top of learningRateOf (MobileBERT: 3× for the layer in transfer, 0.3×
   * below it). 0 = no update. Must be the same for every step of one step key (a captured step bakes it in).
   */
  learningRateScale?(variableName: string, step: number, totalSteps: number): number;
  /**
   * Rewrites the (clipped) gradients before the optimiser step, and may write into Adam's first moment, as
   * WID's authors' penalty does. `step` is the 0-based index of the step being taken. Returns new gradient
   * tensors for the variables it changes (the loop disposes them); the others are left as they are. With loss
   * scaling, `optimizer.skip` is the step's skip flag on the device (1: the gradients overflowed, the update is
   * skipped): a write into the moments must then leave them as they are.
   */
  adjustGradients?(grads: tf.NamedTensorMap, step: number, totalSteps: number, optimizer: MomentAccess): tf.NamedTensorMap;
  /**
   * Variables (by tfjs name) that get no update at this step: their gradients are dropped before clipping, so AdamW
   * leaves them, their moments and their decay alone (MobileBERT's progressive transfer freezes the lower layers).
   * Must be the same for every step of one step key.
   */
  frozenVariables?(step: number, totalSteps: number): ReadonlySet<string>;
  /**
   * The method trains on sentence-order pairs (ALBERT's SOP): 'auto' where the corpus has document boundaries,
   * 'required' refusing a corpus without them. The loop decides and calls useSentenceOrder before it reads the
   * trainable variables; batches then carry sentenceOrderLabels.
   */
  sentenceOrder?: 'auto' | 'required';
  useSentenceOrder?(on: boolean): void;
  saveState(): MethodState;
  loadState(state: MethodState): void;
  /** The student as a model of its family (BERT when `family` is absent); copies the caller disposes. */
  exportStudent(): FamilyModel;
  /** Extra run artifacts written after the export (WID: attention.json); the job registers what it returns. */
  writeArtifacts?(workDir: string, input: { tokenizer: BertTokenizer; sentences?: string[] }): Promise<{ kind: string; path: string }[]>;
  /** Numbers about the exported student that the job adds to the run result (WID: the largest remaining masked compactor entry). */
  exportReport?(): Promise<Record<string, unknown>>;
  dispose(): void;
}

/** What adjustGradients may touch of the optimiser: Adam's first moments, and the loss-scaled step's skip flag. */
export interface MomentAccess {
  firstMoment(variableName: string): tf.Variable | undefined;
  /** 1 when this step is skipped (its gradients overflowed), else 0; absent without loss scaling. */
  skip?: tf.Scalar | null;
}
