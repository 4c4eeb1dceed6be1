// A narrower or shallower BERT student cut out of the teacher's weights (DistilBERT's initialisation, TinyBERT's
// `init: 'teacher-slice'`, ALBERT's shared layer): student layer i takes teacher layer layerMap[i], and each axis of a
// tensor a subset of the teacher's indices (narrowIndexMaps):
//   - the attention inner axis (query/key/value outputs, attention.output.dense inputs) is cut per head:
//     student head j takes the first d_s dims of teacher head j (j < student heads), so no student head mixes
//     two teacher heads; when a student head is wider than a teacher head it takes whole consecutive heads;
//   - the residual axis (embeddings, LayerNorms, every dense layer's hidden side) takes the leading h dims;
//   - the FFN intermediate axis takes the leading I dims.
// It is an initialisation only (not function-preserving); a student wider than the teacher on any axis is refused.
import * as tf from '@tensorflow/tfjs';
import type { BertConfig, BertWeights } from '../../bert/index.js';
import type { Teacher } from './teacher.js';

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
export function headSliceIndices(teacherHeads: number, teacherHeadDim: number, studentHeads: number, studentHeadDim: number, who = 'distilbert'): number[] {
  if (studentHeads > teacherHeads) throw new Error(`${who}: ${studentHeads} student heads cannot be sliced from ${teacherHeads} teacher heads`);
  if (studentHeadDim > teacherHeadDim) return range(studentHeads * studentHeadDim);
  const out: number[] = [];
  for (let j = 0; j < studentHeads; j++) for (let k = 0; k < studentHeadDim; k++) out.push(j * teacherHeadDim + k);
  return out;
}

export function narrowIndexMaps(teacher: BertConfig, student: BertConfig, who = 'distilbert'): NarrowIndexMaps {
  return {
    residual: range(student.hiddenSize),
    attention: headSliceIndices(teacher.numAttentionHeads, teacher.hiddenSize / teacher.numAttentionHeads,
      student.numAttentionHeads, student.hiddenSize / student.numAttentionHeads, who),
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

/** The teacher tensor a student parameter is cut from: its own name, with student layer i renamed to teacher layer layerMap[i]. */
export function teacherSourceName(name: string, layerMap: number[]): string {
  const m = LAYER_NAME.exec(name);
  return m ? name.replace(LAYER_NAME, `bert.encoder.layer.${layerMap[Number(m[1])]}.`) : name;
}

/**
 * Student weights (new tensors, the caller owns them) of the given shapes, each cut from its teacher tensor
 * (teacherSourceName). `who` names the method in errors. A name the teacher lacks is an error unless `fallback` has
 * it (TinyBERT: its random init), which is then cloned.
 */
export function sliceTeacherWeights(teacher: Teacher, studentCfg: BertConfig, layerMap: number[], shapes: Record<string, number[]>,
  who: string, fallback?: BertWeights): BertWeights {
  const t = teacher.config;
  if (studentCfg.hiddenSize > t.hiddenSize) {
    throw new Error(`${who}: target.hidden (${studentCfg.hiddenSize}) must be <= the teacher's hidden size (${t.hiddenSize}) to initialise from the teacher's weights`);
  }
  if (studentCfg.intermediateSize > t.intermediateSize) {
    throw new Error(`${who}: target.intermediate (${studentCfg.intermediateSize}) must be <= the teacher's intermediate size (${t.intermediateSize}) to initialise from the teacher's weights`);
  }
  const maps = narrowIndexMaps(t, studentCfg, who);
  const out: BertWeights = {};
  try {
    for (const [name, shape] of Object.entries(shapes)) {
      const source = teacherSourceName(name, layerMap);
      const src = teacher.weights[source];
      if (!src) {
        if (fallback?.[name]) { out[name] = tf.clone(fallback[name]); continue; }
        throw new Error(`${who}: teacher weight "${source}" is missing (needed for student "${name}")`);
      }
      if (src.rank !== shape.length || src.shape.some((d, i) => d < shape[i])) {
        throw new Error(`${who}: teacher weight "${source}" [${src.shape}] cannot initialise student "${name}" [${shape}]`);
      }
      out[name] = narrow(src, axesOf(name), shape, maps);
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}
