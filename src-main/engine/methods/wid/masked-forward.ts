// The compactor model at the TEACHER's width, as the authors train it (docs/wid.md §3, 'authors' schedule):
// every compactor entry stays in the forward, masked ones decay under the penalty (penalty.ts), and LayerNorm
// takes its mean and variance over the kept residual dims only (uer/layers/layer_norm.py:18-34), its output
// still covering every dim (gamma/beta of masked dims decay too). Before the first mask it is plain BERT.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertInputs, BertWeights, weight } from '../../bert/index.js';
import { embeddingLookup } from '../../bert/embedding-lookup.js';
import { activation, layerDropoutSeed, layerNorm, linear, MASK_MIN, maybeDropout } from '../../bert/ops.js';
import type { DropoutSeed } from '../../kernels/dropout-mask.js';
import { attentionSoftmax, fusedAttentionSoftmaxAvailable } from '../../kernels/attention-softmax.js';
import { extendedAttentionMask } from '../../bert/attention.js';

/** LayerNorm with statistics over the dims where `keep` is 1 ([H] of 0/1); null = ordinary LayerNorm. */
export function keptDimsLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, keep: tf.Tensor1D | null, eps: number): tf.Tensor {
  if (!keep) return layerNorm(x, gamma, beta, eps);
  const k = tf.sum(keep);
  const mean = tf.div(tf.sum(tf.mul(x, keep), -1, true), k);
  const centred = tf.sub(x, mean);
  const variance = tf.div(tf.sum(tf.mul(tf.square(centred), keep), -1, true), k);
  return tf.add(tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

export interface MaskedForwardOptions {
  /** [H] 0/1 residual mask for the LayerNorm statistics; null before the first mask. */
  residualKeep: tf.Tensor1D | null;
  dropout?: { hidden: number; attention: number; seed: DropoutSeed };
}

/** MLM logits [b, s, vocab] of a teacher-width weight record (effective weights R·W·C at full width). */
export function maskedMlmLogits(w: BertWeights, cfg: BertConfig, inputs: BertInputs, o: MaskedForwardOptions): tf.Tensor3D {
  const { inputIds, attentionMask } = inputs;
  const [b, s] = inputIds.shape;
  const H = cfg.hiddenSize, heads = cfg.numAttentionHeads, d = H / heads, eps = cfg.layerNormEps;
  const keep = o.residualKeep;
  const drop = o.dropout;
  const dropAt = (x: tf.Tensor, rate: number | undefined, seed: (s: DropoutSeed) => DropoutSeed) => maybeDropout(x, rate, drop ? seed(drop.seed) : undefined);
  const ln = (x: tf.Tensor, name: string) => keptDimsLayerNorm(x, weight(w, `${name}.weight`), weight(w, `${name}.bias`), keep, eps);

  const e = 'bert.embeddings.';
  const ids = inputIds.reshape([-1]) as tf.Tensor1D;
  const types = (inputs.tokenTypeIds ?? tf.zeros([b, s], 'int32')).reshape([-1]) as tf.Tensor1D;
  const sum = tf.add(tf.add(
    embeddingLookup(weight(w, `${e}word_embeddings.weight`), ids).reshape([b, s, H]),
    weight(w, `${e}position_embeddings.weight`).slice([0, 0], [s, H]).expandDims(0)),
  embeddingLookup(weight(w, `${e}token_type_embeddings.weight`), types).reshape([b, s, H]));
  let h = dropAt(ln(sum, `${e}LayerNorm`), drop?.hidden, (s) => s);
  const ext = extendedAttentionMask(attentionMask);
  const split = (x: tf.Tensor) => x.reshape([b, s, heads, d]).transpose([0, 2, 1, 3]);
  const lin = (x: tf.Tensor, m: string) => linear(x, weight(w, `${m}.weight`), weight(w, `${m}.bias`));
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `bert.encoder.layer.${l}.`;
    const q = split(lin(h, `${p}attention.self.query`)), k = split(lin(h, `${p}attention.self.key`)), v = split(lin(h, `${p}attention.self.value`));
    const probs = dropAt(fusedAttentionSoftmaxAvailable()
      ? attentionSoftmax(tf.matMul(q, k, false, true) as tf.Tensor4D, ext, 1 / Math.sqrt(d))
      : tf.softmax(tf.maximum(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), ext), MASK_MIN), -1), drop?.attention, (s) => layerDropoutSeed(s, l, 'attentionProbs'));
    const ctx = tf.matMul(probs as tf.Tensor4D, v as tf.Tensor4D).transpose([0, 2, 1, 3]).reshape([b, s, H]);
    h = ln(tf.add(dropAt(lin(ctx, `${p}attention.output.dense`), drop?.hidden, (s) => layerDropoutSeed(s, l, 'attentionOutput')), h), `${p}attention.output.LayerNorm`);
    const inter = activation(lin(h, `${p}intermediate.dense`), cfg.hiddenAct);
    h = ln(tf.add(dropAt(lin(inter, `${p}output.dense`), drop?.hidden, (s) => layerDropoutSeed(s, l, 'ffnOutput')), h), `${p}output.LayerNorm`);
  }
  const c = 'cls.predictions.';
  const t = ln(activation(lin(h, `${c}transform.dense`), cfg.hiddenAct), `${c}transform.LayerNorm`);
  return linear(t, weight(w, 'bert.embeddings.word_embeddings.weight'), weight(w, `${c}bias`)) as tf.Tensor3D;
}
