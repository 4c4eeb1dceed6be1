// DistilBERT initialisation: the student copies the chosen teacher layers (and embeddings and MLM head).
// Sanh et al. only reduce depth (scripts/extract_distilbert.py copies whole layers; distiller.py asserts that
// student and teacher hidden states have the same size). We also allow a narrower student (hidden/intermediate
// smaller than the teacher's), which the authors do not: each axis then takes a subset of the teacher's
// indices (narrowIndexMaps):
//   - the attention inner axis (query/key/value outputs, attention.output.dense inputs) is cut per head:
//     student head j takes the first d_s dims of teacher head j (j < student heads), so no student head mixes
//     two teacher heads; when a student head is wider than a teacher head it takes whole consecutive heads;
//   - the residual axis (embeddings, LayerNorms, every dense layer's hidden side) takes the leading h dims,
//     the same dims the cosine loss compares with (method.ts);
//   - the FFN intermediate axis takes the leading I dims.
// It is an initialisation only (not function-preserving); a wider student than the teacher is refused.
import * as tf from '@tensorflow/tfjs';
import { bertParameterShapes, type BertConfig, type BertWeights } from '../../bert/index.js';
import type { Teacher } from '../common/teacher.js';

const LAYER_NAME = /^bert\.encoder\.layer\.(\d+)\./;

/** Teacher index of each student index, per axis kind. */
export interface NarrowIndexMaps {
  residual: number[];
  attention: number[];
  intermediate: number[];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Teacher index of each student attention dim: student head j, dim k -> teacher head j, dim k while the student's
 * head dim fits in the teacher's; otherwise the leading dims (consecutive whole teacher heads).
 */
export function headSliceIndices(teacherHeads: number, teacherHeadDim: number, studentHeads: number, studentHeadDim: number): number[] {
  if (studentHeads > teacherHeads) throw new Error(`distilbert: ${studentHeads} student heads cannot be sliced from ${teacherHeads} teacher heads`);
  if (studentHeadDim > teacherHeadDim) return range(studentHeads * studentHeadDim);
  const out: number[] = [];
  for (let j = 0; j < studentHeads; j++) for (let k = 0; k < studentHeadDim; k++) out.push(j * teacherHeadDim + k);
  return out;
}

export function narrowIndexMaps(teacher: BertConfig, student: BertConfig): NarrowIndexMaps {
  return {
    residual: range(student.hiddenSize),
    attention: headSliceIndices(teacher.numAttentionHeads, teacher.hiddenSize / teacher.numAttentionHeads,
      student.numAttentionHeads, student.hiddenSize / student.numAttentionHeads),
    intermediate: range(student.intermediateSize),
  };
}

type Axis = keyof NarrowIndexMaps | null;

/** Which index map each axis of a parameter uses (null: copied whole: vocabulary, positions, token types). */
function axesOf(name: string): Axis[] {
  if (/attention\.self\.(query|key|value)\.weight$/.test(name)) return ['attention', 'residual'];
  if (/attention\.self\.(query|key|value)\.bias$/.test(name)) return ['attention'];
  if (/attention\.output\.dense\.weight$/.test(name)) return ['residual', 'attention'];
  if (/intermediate\.dense\.weight$/.test(name)) return ['intermediate', 'residual'];
  if (/intermediate\.dense\.bias$/.test(name)) return ['intermediate'];
  if (/\.output\.dense\.weight$/.test(name) && LAYER_NAME.test(name)) return ['residual', 'intermediate'];
  if (/embeddings\.\w+_embeddings\.weight$/.test(name) || name === 'cls.predictions.decoder.weight') return [null, 'residual'];
  if (name === 'cls.predictions.bias') return [null];
  if (/\.weight$/.test(name) && /dense/.test(name)) return ['residual', 'residual'];
  return ['residual']; // biases of residual-width layers, LayerNorm gamma/beta
}

/** The student's block of one teacher tensor: gather along each axis whose size differs. */
function narrow(src: tf.Tensor, axes: Axis[], shape: number[], maps: NarrowIndexMaps): tf.Tensor {
  return tf.tidy(() => {
    let t = src;
    axes.forEach((axis, i) => {
      if (src.shape[i] === shape[i]) return;
      const idx = axis ? maps[axis].slice(0, shape[i]) : range(shape[i]);
      t = tf.gather(t, tf.tensor1d(idx, 'int32'), i);
    });
    return t === src ? tf.clone(src) : t;
  });
}

/** Student weights (new tensors, caller owns) for `studentCfg`, student layer i copied from teacher layer layerMap[i]. */
export function initDistilBertStudent(teacher: Teacher, studentCfg: BertConfig, layerMap: number[]): BertWeights {
  const t = teacher.config;
  if (studentCfg.hiddenSize > t.hiddenSize) {
    throw new Error(`distilbert: target.hidden (${studentCfg.hiddenSize}) must be <= the teacher's hidden size (${t.hiddenSize}); DistilBERT initialises from the teacher's weights`);
  }
  if (studentCfg.intermediateSize > t.intermediateSize) {
    throw new Error(`distilbert: target.intermediate (${studentCfg.intermediateSize}) must be <= the teacher's intermediate size (${t.intermediateSize})`);
  }
  const maps = narrowIndexMaps(t, studentCfg);
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
      out[name] = narrow(src, axesOf(name), shape, maps);
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}
