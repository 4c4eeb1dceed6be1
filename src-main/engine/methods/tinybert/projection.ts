// TinyBERT's learned W_h (the reference's fit_dense): one Linear from the student's hidden size to the
// teacher's, shared by the embedding and every hidden-state term. Only created when the widths differ.
import * as tf from '@tensorflow/tfjs';
import type { VariableRecord } from '../common/student-variables.js';

export const PROJECTION_WEIGHT = 'fit_dense.weight';
export const PROJECTION_BIAS = 'fit_dense.bias';

/** torch Linear init as BERT does it: weight normal(0, 0.02) stored [out = teacher, in = student], bias 0. */
export function createProjection(studentHidden: number, teacherHidden: number, seed: number, prefix: string): VariableRecord {
  const init = { weight: tf.randomNormal([teacherHidden, studentHidden], 0, 0.02, 'float32', seed), bias: tf.zeros([teacherHidden]) };
  const out = {
    [PROJECTION_WEIGHT]: tf.variable(init.weight, true, `${prefix}${PROJECTION_WEIGHT}`),
    [PROJECTION_BIAS]: tf.variable(init.bias, true, `${prefix}${PROJECTION_BIAS}`),
  };
  tf.dispose([init.weight, init.bias]); // tf.variable copies its initial value
  return out;
}

/** x [..., studentHidden] -> [..., teacherHidden]. */
export function project(projection: VariableRecord, x: tf.Tensor): tf.Tensor {
  const w = projection[PROJECTION_WEIGHT], b = projection[PROJECTION_BIAS];
  const inDim = x.shape[x.rank - 1];
  const y = tf.add(tf.matMul(x.reshape([-1, inDim]), w, false, true), b);
  return y.reshape([...x.shape.slice(0, -1), w.shape[0]]);
}
