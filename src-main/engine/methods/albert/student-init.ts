// The ALBERT student's first weights, all from the teacher (Teacher = a BertForMaskedLM record):
// - factorised embedding: truncated SVD of the teacher's word table T [V, H_t] ≈ (T·V_E)·V_Eᵀ (svd.ts):
//   word_embeddings = T·V_E [V, E]; position and token-type tables projected on the same basis (P·V_E);
//   embedding_hidden_mapping_in = V_E's rows of the student's residual dims [H_s, E], bias 0. So word + position +
//   type, mapped back to H, is the teacher's sum projected on its top-E directions (before the LayerNorm, which ALBERT
//   takes over E and the teacher over H: the E-wide LayerNorm starts at 1 / 0);
// - the one shared layer: teacher layer `sharedLayer` (default the middle one), or the mean of all teacher layers,
//   narrowed to the target's widths by DistilBERT's per-head / leading-dims rule (distilbert/student-init.ts);
// - MLM head: predictions.dense = V_Eᵀ·(teacher transform.dense narrowed to H_s inputs) [E, H_s] (the teacher's
//   transform seen in the embedding basis), bias V_Eᵀ·b; LayerNorm over E at 1 / 0; predictions.bias = the teacher's;
//   the decoder is tied to the new word table, as ALBERT ties it.
import * as tf from '@tensorflow/tfjs';
import type { BertWeights } from '../../bert/index.js';
import type { AlbertConfig } from '../../albert/config.js';
import { albertLayerPrefix, albertParameterShapes } from '../../albert/weights.js';
import { studentConfig } from '../common/student-size.js';
import type { Teacher } from '../common/teacher.js';
import { initDistilBertStudent } from '../distilbert/student-init.js';
import { truncatedSvd } from './svd.js';

/** BERT layer tensor suffix → ALBERT layer tensor suffix. */
export const BERT_TO_ALBERT_LAYER: Record<string, string> = {
  'attention.self.query': 'attention.query',
  'attention.self.key': 'attention.key',
  'attention.self.value': 'attention.value',
  'attention.output.dense': 'attention.dense',
  'attention.output.LayerNorm': 'attention.LayerNorm',
  'intermediate.dense': 'ffn',
  'output.dense': 'ffn_output',
  'output.LayerNorm': 'full_layer_layer_norm',
};

export interface AlbertStudentInit {
  weights: BertWeights;
  /** Share of the word table's squared Frobenius norm the rank-E factorisation keeps (Σ_{i<E} σ_i² / Σ σ_i²). */
  embeddingEnergyKept: number;
}

export async function initAlbertStudent(teacher: Teacher, cfg: AlbertConfig, sharedLayer: number | null): Promise<AlbertStudentInit> {
  const t = teacher.config, E = cfg.embeddingSize, Hs = cfg.hiddenSize;
  const tw = (name: string) => {
    const w = teacher.weights[name];
    if (!w) throw new Error(`albert: teacher weight "${name}" is missing`);
    return w;
  };
  const out: BertWeights = {};
  const { left, right, singularValues, totalEnergy } = await truncatedSvd(tw('bert.embeddings.word_embeddings.weight') as tf.Tensor2D, E);
  try {
    const p = 'albert.embeddings.';
    out[`${p}word_embeddings.weight`] = left;
    out[`${p}position_embeddings.weight`] = tf.matMul(tw('bert.embeddings.position_embeddings.weight') as tf.Tensor2D, right);
    out[`${p}token_type_embeddings.weight`] = tf.matMul(tw('bert.embeddings.token_type_embeddings.weight') as tf.Tensor2D, right);
    out[`${p}LayerNorm.weight`] = tf.ones([E]);
    out[`${p}LayerNorm.bias`] = tf.zeros([E]);
    out['albert.encoder.embedding_hidden_mapping_in.weight'] = right.slice([0, 0], [Hs, E]);
    out['albert.encoder.embedding_hidden_mapping_in.bias'] = tf.zeros([Hs]);

    // the shared layer from the teacher's layer(s), narrowed like a DistilBERT student of the same widths
    const sources = sharedLayer === null ? Array.from({ length: t.numHiddenLayers }, (_, i) => i) : [sharedLayer];
    const bertCfg = studentConfig(t, { layers: sources.length, hidden: Hs, heads: cfg.numAttentionHeads, intermediate: cfg.intermediateSize });
    const narrowed = initDistilBertStudent(teacher, bertCfg, sources);
    try {
      const lp = albertLayerPrefix(0, 0);
      for (const [from, to] of Object.entries(BERT_TO_ALBERT_LAYER)) {
        for (const kind of ['weight', 'bias']) {
          const parts = sources.map((_, i) => narrowed[`bert.encoder.layer.${i}.${from}.${kind}`]);
          out[`${lp}${to}.${kind}`] = parts.length === 1 ? tf.clone(parts[0]) : tf.tidy(() => tf.div(tf.addN(parts), parts.length));
        }
      }
    } finally {
      tf.dispose(Object.values(narrowed));
    }

    tf.tidy(() => {
      const rt = right.transpose(); // [E, H_t]
      const dense = tw('cls.predictions.transform.dense.weight').slice([0, 0], [t.hiddenSize, Hs]); // [H_t, H_s]
      out['predictions.dense.weight'] = tf.keep(tf.matMul(rt, dense));
      out['predictions.dense.bias'] = tf.keep(tf.matMul(rt, tw('cls.predictions.transform.dense.bias').reshape([-1, 1])).reshape([E]));
    });
    out['predictions.LayerNorm.weight'] = tf.ones([E]);
    out['predictions.LayerNorm.bias'] = tf.zeros([E]);
    out['predictions.bias'] = tf.clone(tw('cls.predictions.bias'));
  } catch (e) {
    tf.dispose([...Object.values(out), left]);
    throw e;
  } finally {
    right.dispose();
  }
  const expected = albertParameterShapes(cfg, { mlmHead: true });
  for (const [name, shape] of Object.entries(expected)) {
    if (!out[name] || out[name].shape.join() !== shape.join()) {
      tf.dispose(Object.values(out));
      throw new Error(`albert: initial "${name}" has shape [${out[name]?.shape ?? 'missing'}], expected [${shape}]`);
    }
  }
  const total = totalEnergy;
  const kept = singularValues.slice(0, E).reduce((a, s) => a + s * s, 0);
  return { weights: out, embeddingEnergyKept: total > 0 ? kept / total : 1 };
}
