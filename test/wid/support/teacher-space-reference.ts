// An independent re-statement of the masked compactor model, used only by tests: it keeps the teacher's
// full width, zeroes pruned compactor rows/columns and LayerNorm entries, takes LayerNorm statistics over
// the kept residual dims only, and scales attention by the TEACHER head size — i.e. the authors' model
// once masks are applied (uer/layers/layer_norm.py), written without any code of methods/wid.
import * as tf from '@tensorflow/tfjs';
import { BertConfig, BertWeights } from '../../../src-main/engine/bert/index.js';
import { Compactors, EMBEDDING_COMPACTOR } from '../../../src-main/engine/methods/wid/compactors.js';
import { WidMasks } from '../../../src-main/engine/methods/wid/masks.js';

const vec = (n: number, kept: number[]) => {
  const a = new Float32Array(n);
  for (const i of kept) a[i] = 1;
  return tf.tensor1d(a);
};

function maskedLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, m: tf.Tensor, eps: number): tf.Tensor {
  const k = tf.sum(m);
  const mean = tf.div(tf.sum(tf.mul(x, m), -1, true), k);
  const centred = tf.mul(tf.sub(x, mean), m);
  const variance = tf.div(tf.sum(tf.square(centred), -1, true), k);
  return tf.add(tf.mul(tf.mul(tf.div(centred, tf.sqrt(tf.add(variance, eps))), g), m), tf.mul(b, m));
}

const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));

/** MLM logits [b, s, vocab] of the masked compactor model at teacher width. */
export function referenceLogits(
  t: BertWeights, cfg: BertConfig, c: Compactors, masks: WidMasks,
  inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, tokenTypeIds?: tf.Tensor2D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const H = cfg.hiddenSize, I = cfg.intermediateSize, nh = cfg.numAttentionHeads, d = H / nh, eps = cfg.layerNormEps;
    const [b, s] = inputIds.shape;
    const mr = vec(H, masks.residual);
    // y = R'(W (C' x) + b) with R' = diag(mOut)·R and C' = C·diag(mIn); x is a row vector here.
    const lin = (x: tf.Tensor, module: string, mOut: tf.Tensor, mIn: tf.Tensor) => {
      const R = tf.mul(c[`${module}.row`], mOut.reshape([-1, 1]));
      const C = tf.mul(c[`${module}.col`], mIn.reshape([1, -1]));
      const flat = x.reshape([-1, x.shape[x.shape.length - 1]]) as tf.Tensor2D;
      const x1 = tf.matMul(flat, C as tf.Tensor2D, false, true);
      const x2 = tf.add(tf.matMul(x1, t[`${module}.weight`] as tf.Tensor2D, false, true), t[`${module}.bias`]);
      const y = tf.matMul(x2 as tf.Tensor2D, R as tf.Tensor2D, false, true);
      return y.reshape([...x.shape.slice(0, -1), y.shape[1] as number]);
    };
    const E = tf.mul(c[EMBEDDING_COMPACTOR], mr.reshape([-1, 1]));
    const word = tf.matMul(t['bert.embeddings.word_embeddings.weight'] as tf.Tensor2D, E as tf.Tensor2D, false, true);
    const pos = tf.matMul(t['bert.embeddings.position_embeddings.weight'] as tf.Tensor2D, E as tf.Tensor2D, false, true);
    const typ = tf.matMul(t['bert.embeddings.token_type_embeddings.weight'] as tf.Tensor2D, E as tf.Tensor2D, false, true);
    const types = tokenTypeIds ?? tf.zeros([b, s], 'int32');
    const sum = tf.add(tf.add(tf.gather(word, inputIds.reshape([-1])), tf.gather(pos, tf.tile(tf.range(0, s, 1, 'int32'), [b]))),
      tf.gather(typ, types.reshape([-1]))).reshape([b, s, H]);
    let h = maskedLayerNorm(sum, t['bert.embeddings.LayerNorm.weight'], t['bert.embeddings.LayerNorm.bias'], mr, eps);
    const ext = tf.mul(tf.sub(1, attentionMask.toFloat()), -1e9).reshape([b, 1, 1, s]);
    for (let l = 0; l < cfg.numHiddenLayers; l++) {
      const p = `bert.encoder.layer.${l}.`;
      const attKept: number[] = [];
      masks.heads[l].forEach((head, j) => masks.headDims[l][j].forEach((dim) => attKept.push(head * d + dim)));
      const ma = vec(H, attKept), mi = vec(I, masks.intermediate[l]);
      const split = (x: tf.Tensor) => x.reshape([b, s, nh, d]).transpose([0, 2, 1, 3]);
      const q = split(lin(h, `${p}attention.self.query`, ma, mr));
      const k = split(lin(h, `${p}attention.self.key`, ma, mr));
      const v = split(lin(h, `${p}attention.self.value`, ma, mr));
      const probs = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), ext), -1);
      const ctx = tf.matMul(probs, v).transpose([0, 2, 1, 3]).reshape([b, s, H]);
      h = maskedLayerNorm(tf.add(lin(ctx, `${p}attention.output.dense`, mr, ma), h),
        t[`${p}attention.output.LayerNorm.weight`], t[`${p}attention.output.LayerNorm.bias`], mr, eps);
      const inter = gelu(lin(h, `${p}intermediate.dense`, mi, mr));
      h = maskedLayerNorm(tf.add(lin(inter, `${p}output.dense`, mr, mi), h),
        t[`${p}output.LayerNorm.weight`], t[`${p}output.LayerNorm.bias`], mr, eps);
    }
    const tr = maskedLayerNorm(gelu(lin(h, 'cls.predictions.transform.dense', mr, mr)),
      t['cls.predictions.transform.LayerNorm.weight'], t['cls.predictions.transform.LayerNorm.bias'], mr, eps);
    const logits = tf.add(tf.matMul(tr.reshape([b * s, H]) as tf.Tensor2D, word as tf.Tensor2D, false, true), t['cls.predictions.bias']);
    return logits.reshape([b, s, cfg.vocabSize]) as tf.Tensor3D;
  });
}
