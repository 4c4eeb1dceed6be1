// A student's weights as named trainable tf.Variables. Names are `<prefix><HF name>` so two methods (or
// WID and a baseline) never clash in tfjs' global variable registry, and AdamW state restores by name.
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

/** Throws naming the first variable whose saved tensor is missing or has another shape. */
export function checkSaved(vars: VariableRecord, saved: Record<string, tf.Tensor>, what: string, keyPrefix = ''): void {
  for (const [name, v] of Object.entries(vars)) {
    const t = saved[`${keyPrefix}${name}`];
    if (!t) throw new Error(`${what}: saved state has no tensor "${keyPrefix}${name}"`);
    if (t.shape.join() !== v.shape.join()) {
      throw new Error(`${what}: saved tensor "${keyPrefix}${name}" has shape [${t.shape}], expected [${v.shape}]`);
    }
  }
}

/** Assigns saved values by name after checking all of them, so a bad state changes nothing. */
export function assignFrom(vars: VariableRecord, saved: Record<string, tf.Tensor>, what: string, keyPrefix = ''): void {
  checkSaved(vars, saved, what, keyPrefix);
  for (const [name, v] of Object.entries(vars)) v.assign(saved[`${keyPrefix}${name}`]);
}

export function disposeVariables(vars: VariableRecord): void {
  for (const v of Object.values(vars)) v.dispose();
}
