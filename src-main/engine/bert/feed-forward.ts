// Position-wise feed-forward with residual + LayerNorm (BertIntermediate + BertOutput).
import * as tf from '@tensorflow/tfjs';
import { BertConfig } from './config.js';
import { BertWeights, weight } from './weights.js';
import { layerDropoutSeed, layerNorm, linear, linearActivation, maybeDropout } from './ops.js';
import type { DropoutSeed } from '../kernels/dropout-mask.js';
import * as lean from '../autodiff/shape-only-ops.js';

export function feedForward(w: BertWeights, cfg: BertConfig, layer: number, hidden: tf.Tensor3D,
  dropout?: { hidden: number; seed?: DropoutSeed }, layerNormKeep?: tf.Tensor1D | null): tf.Tensor3D {
  const p = `bert.encoder.layer.${layer}.`;
  const inter = linearActivation(hidden, weight(w, `${p}intermediate.dense.weight`), weight(w, `${p}intermediate.dense.bias`), cfg.hiddenAct);
  const out = maybeDropout(linear(inter, weight(w, `${p}output.dense.weight`), weight(w, `${p}output.dense.bias`)),
    dropout?.hidden, dropout?.seed === undefined ? undefined : layerDropoutSeed(dropout.seed, layer, 'ffnOutput'));
  return layerNorm(lean.add(out, hidden), weight(w, `${p}output.LayerNorm.weight`), weight(w, `${p}output.LayerNorm.bias`), cfg.layerNormEps, layerNormKeep) as tf.Tensor3D;
}
