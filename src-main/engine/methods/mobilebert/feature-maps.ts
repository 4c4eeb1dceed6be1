// The learned linear maps through which the student's feature maps (inter-block width H_s) meet the teacher's
// (H_t) in the feature-map transfer: one Linear per student layer, weight normal(0, 0.02) [H_t, H_s], bias 0, trainable,
// never exported. The paper's IB-BERT teacher has the student's width, so it needs none; none are made at equal widths.
import * as tf from '@tensorflow/tfjs';
import type { VariableRecord } from '../common/student-variables.js';

export const mapName = (layer: number, kind: 'weight' | 'bias') => `feature_map.${layer}.${kind}`;

export function createFeatureMaps(layers: number, studentHidden: number, teacherHidden: number, seed: number, prefix: string): VariableRecord {
  const out: VariableRecord = {};
  if (studentHidden === teacherHidden) return out;
  for (let m = 0; m < layers; m++) {
    const w = tf.randomNormal([teacherHidden, studentHidden], 0, 0.02, 'float32', seed * 7919 + 11 + m);
    const b = tf.zeros([teacherHidden]);
    out[mapName(m, 'weight')] = tf.variable(w, true, `${prefix}${mapName(m, 'weight')}`);
    out[mapName(m, 'bias')] = tf.variable(b, true, `${prefix}${mapName(m, 'bias')}`);
    tf.dispose([w, b]);
  }
  return out;
}

/** x [..., H_s] through student layer m's map to [..., H_t] (identity when no maps exist). */
export function mapFeatures(maps: VariableRecord, layer: number, x: tf.Tensor): tf.Tensor {
  const w = maps[mapName(layer, 'weight')];
  if (!w) return x;
  const inDim = x.shape[x.rank - 1];
  const y = tf.add(tf.matMul(x.reshape([-1, inDim]), w, false, true), maps[mapName(layer, 'bias')]);
  return y.reshape([...x.shape.slice(0, -1), w.shape[0]]);
}
