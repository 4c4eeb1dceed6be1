// What the export slices off (docs/wid.md §3): under the authors' schedule masked compactor rows/columns stay in the
// forward and decay under the penalty; the merge then drops them. If they have not decayed, the exported student is not
// the model that was trained. This reports, per compactor matrix, the largest |entry| in its masked rows (row compactors)
// or masked columns (column compactors) under the current masks. Compactors start at identity, so 1 = not decayed at
// all and the issue-23 criterion "below 1 % of its start" is < 0.01. 0 where the matrix has nothing masked.
import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from '../../bert/index.js';
import type { Compactors } from './compactors.js';
import type { WidMasks } from './masks.js';
import { disposeKeepVectors, keepVectors, penaltyTargets } from './penalty.js';

export interface MaskedResidue {
  /** Compactor key ("bert.encoder.layer.0.attention.self.query.row", ...) -> largest |masked entry|. */
  perMatrix: Record<string, number>;
  /** The largest of them and its matrix. */
  max: number;
  maxMatrix: string | null;
}

export async function maskedResidue(cfg: BertConfig, compactors: Compactors, masks: WidMasks): Promise<MaskedResidue> {
  const keep = keepVectors(cfg, masks);
  const keyOf = new Map(Object.entries(compactors).map(([k, v]) => [v, k]));
  const targets = penaltyTargets(cfg, compactors, {}).filter((t) => t.compactor);
  try {
    const values = tf.tidy(() => tf.stack(targets.map((t) => {
      const k = t.group.kind === 'residual' ? keep.residual : keep[t.group.kind][t.group.layer];
      const masked = tf.sub(1, t.axis === 'rows' ? k.reshape([-1, 1]) : k.reshape([1, -1]));
      return tf.max(tf.mul(tf.abs(t.variable), masked));
    })));
    const data = await values.data();
    values.dispose();
    const perMatrix: Record<string, number> = {};
    let max = 0, maxMatrix: string | null = null;
    targets.forEach((t, i) => {
      const key = keyOf.get(t.variable)!;
      perMatrix[key] = data[i];
      if (data[i] > max) { max = data[i]; maxMatrix = key; }
    });
    return { perMatrix, max, maxMatrix };
  } finally {
    disposeKeepVectors(keep);
  }
}
