// What the jobs need from a model family (BERT, ALBERT, MobileBERT), so GLUE fine-tuning, evaluation, efficiency,
// held-out scoring and the export each call one interface instead of branching on the family: the encoder, its
// heads, which weights a sequence classifier keeps, the pooler it needs, sizes, FLOPs and the Hugging Face export.
import type * as tf from '@tensorflow/tfjs';
import type { BertConfig } from '../bert/config.js';
import type { BertForwardOptions, BertInputs } from '../bert/forward.js';
import type { BertWeights } from '../bert/weights.js';
import type { AlbertConfig } from '../albert/config.js';
import type { MobileBertConfig } from '../mobilebert/config.js';
import type { ModelFamily } from '../checkpoint/families.js';

export type { ModelFamily } from '../checkpoint/families.js';
export type FamilyConfig = BertConfig | AlbertConfig | MobileBertConfig;

/** A model of any family; `family` absent means BERT (every model the engine made before issue 24). */
export interface FamilyModel<C extends FamilyConfig = FamilyConfig> {
  family?: ModelFamily;
  config: C;
  weights: BertWeights;
}

export type FamilyForwardOptions = Omit<BertForwardOptions, 'outputAttentionScores'>;

export interface FamilyOutputs {
  lastHiddenState: tf.Tensor3D;
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
}

/** The sizes a table prints: depth (applications for ALBERT), width, heads, FFN width. */
export interface FamilyShape { layers: number; hidden: number; heads: number; intermediate: number }

export type FamilyRole = 'mlm' | 'classifier' | 'base';

export interface ModelFamilyOps<C extends FamilyConfig = FamilyConfig> {
  family: ModelFamily;
  encode(w: BertWeights, cfg: C, inputs: BertInputs, opts?: FamilyForwardOptions): FamilyOutputs;
  mlmLogits(w: BertWeights, cfg: C, hidden: tf.Tensor3D): tf.Tensor3D;
  /** The pooled [CLS] representation the sequence classifier reads. */
  pooled(w: BertWeights, cfg: C, hidden: tf.Tensor3D): tf.Tensor2D;
  classify(w: BertWeights, cfg: C, pooled: tf.Tensor2D): tf.Tensor2D;
  /** A tensor of the base model (embeddings + encoder), which a classifier built on the model keeps. */
  isBaseWeight(name: string): boolean;
  isPoolerWeight(name: string): boolean;
  /** The pooler's tensors (name -> shape) a classifier needs; empty when the family has none (MobileBERT without classifier_activation). */
  poolerShapes(cfg: C): Record<string, number[]>;
  parameterCount(cfg: C, heads: { mlmHead?: boolean; classifier?: boolean; pooler?: boolean }): number;
  /** Matrix-product FLOPs of one forward pass over one sequence of seqLen tokens (every application of a shared layer counted). */
  forwardFlops(cfg: C, seqLen: number, opts?: { mlmHead?: boolean }): number;
  shape(cfg: C): FamilyShape;
  /** Writes a folder transformers' <Family>For<Role>.from_pretrained loads. */
  save(dir: string, model: { config: C; weights: BertWeights; role: FamilyRole; vocabPath?: string; vocab?: readonly string[]; doLowerCase?: boolean }): Promise<void>;
}
