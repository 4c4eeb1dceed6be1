// DistilBERT initialisation: the student copies the chosen teacher layers (and embeddings and MLM head).
// Sanh et al. only reduce depth. We also allow a narrower student (hidden/intermediate smaller than the
// teacher's): every tensor is then the teacher's leading block, e.g. query.weight[:h, :h], word_embeddings[:, :h].
// It is an initialisation only (not function-preserving); a wider student than the teacher is refused.
import * as tf from '@tensorflow/tfjs';
import { bertParameterShapes, type BertConfig, type BertWeights } from '../../bert/index.js';
import type { Teacher } from '../common/teacher.js';

const LAYER_NAME = /^bert\.encoder\.layer\.(\d+)\./;

/** Student weights (new tensors, caller owns) for `studentCfg`, student layer i copied from teacher layer layerMap[i]. */
export function initDistilBertStudent(teacher: Teacher, studentCfg: BertConfig, layerMap: number[]): BertWeights {
  const t = teacher.config;
  if (studentCfg.hiddenSize > t.hiddenSize) {
    throw new Error(`distilbert: target.hidden (${studentCfg.hiddenSize}) must be <= the teacher's hidden size (${t.hiddenSize}); DistilBERT initialises from the teacher's weights`);
  }
  if (studentCfg.intermediateSize > t.intermediateSize) {
    throw new Error(`distilbert: target.intermediate (${studentCfg.intermediateSize}) must be <= the teacher's intermediate size (${t.intermediateSize})`);
  }
  const shapes = bertParameterShapes(studentCfg, { mlmHead: true });
  if (teacher.weights['cls.predictions.decoder.weight']) shapes['cls.predictions.decoder.weight'] = [studentCfg.vocabSize, studentCfg.hiddenSize];
  const out: BertWeights = {};
  try {
    for (const [name, shape] of Object.entries(shapes)) {
      const m = LAYER_NAME.exec(name);
      const source = m ? name.replace(LAYER_NAME, `bert.encoder.layer.${layerMap[Number(m[1])]}.`) : name;
      const src = teacher.weights[source];
      if (!src) throw new Error(`distilbert: teacher weight "${source}" is missing (needed for student "${name}")`);
      if (src.rank !== shape.length || src.shape.some((d, i) => d < shape[i])) {
        throw new Error(`distilbert: teacher weight "${source}" [${src.shape}] cannot initialise student "${name}" [${shape}]`);
      }
      out[name] = src.shape.every((d, i) => d === shape[i]) ? tf.clone(src) : tf.slice(src, shape.map(() => 0), shape);
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}
