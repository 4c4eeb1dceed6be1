// Small numeric building blocks shared by the BERT blocks; torch semantics.
import * as tf from '@tensorflow/tfjs';
import { HiddenAct } from './config.js';

/** torch.nn.Linear: x [..., in] · Wᵀ + b with W stored [out, in]. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  if (w.shape[1] !== inDim) {
    throw new Error(`linear: weight shape [${w.shape}] does not take inputs of width ${inDim}`);
  }
  const lead = x.shape.slice(0, -1);
  const y = tf.matMul(x.reshape([-1, inDim]), w as tf.Tensor2D, false, true);
  const yb = b ? tf.add(y, b) : y;
  return yb.reshape([...lead, w.shape[0]]);
}

/** LayerNorm over the last axis (biased variance, like torch). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const axis = x.rank - 1;
  const { mean, variance } = tf.moments(x, axis, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

export function activation(x: tf.Tensor, act: HiddenAct): tf.Tensor {
  switch (act) {
    case 'gelu': // exact erf GELU, as transformers' "gelu"
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
    case 'gelu_new': { // tanh approximation
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'relu':
      return tf.relu(x);
  }
}

export function maybeDropout(x: tf.Tensor, rate: number | undefined, seed: number | undefined): tf.Tensor {
  if (!rate || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, seed);
}
