// A student's weights as named trainable tf.Variables. Names are `<prefix><HF name>` so two methods (or
// WID and a baseline) never clash in tfjs' global variable registry; the loop checkpoints them by these names.
import * as tf from '@tensorflow/tfjs';
import type { BertWeights } from '../../bert/index.js';

export type VariableRecord = Record<string, tf.Variable>;

/** Takes ownership of `weights` (each tensor is disposed once copied into its variable). */
export function toVariables(weights: BertWeights, prefix: string): VariableRecord {
  const out: VariableRecord = {};
  for (const [name, t] of Object.entries(weights)) {
    out[name] = tf.variable(t, true, `${prefix}${name}`);
    t.dispose();
  }
  return out;
}

/** Copies of the current values (caller owns them). */
export function snapshot(vars: VariableRecord): BertWeights {
  const out: BertWeights = {};
  for (const [name, v] of Object.entries(vars)) out[name] = tf.clone(v);
  return out;
}

export function disposeVariables(vars: VariableRecord): void {
  for (const v of Object.values(vars)) v.dispose();
}
