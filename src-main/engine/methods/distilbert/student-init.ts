// DistilBERT initialisation: the student copies the chosen teacher layers (and embeddings and MLM head).
// Sanh et al. only reduce depth (scripts/extract_distilbert.py copies whole layers; distiller.py asserts that
// student and teacher hidden states have the same size). We also allow a narrower student (hidden/intermediate
// smaller than the teacher's), which the authors do not: each axis then takes a subset of the teacher's indices,
// per head on the attention axis, leading dims on the residual and FFN axes (common/teacher-slice.ts, shared with
// TinyBERT's `init: 'teacher-slice'`). The cosine loss compares with the same leading residual dims (method.ts).
import { bertParameterShapes, type BertConfig, type BertWeights } from '../../bert/index.js';
import type { Teacher } from '../common/teacher.js';
import { sliceTeacherWeights } from '../common/teacher-slice.js';

export { headSliceIndices, narrowIndexMaps, type NarrowIndexMaps } from '../common/teacher-slice.js';

/** Student weights (new tensors, caller owns) for `studentCfg`, student layer i copied from teacher layer layerMap[i]. */
export function initDistilBertStudent(teacher: Teacher, studentCfg: BertConfig, layerMap: number[]): BertWeights {
  const shapes = bertParameterShapes(studentCfg, { mlmHead: true });
  if (teacher.weights['cls.predictions.decoder.weight']) shapes['cls.predictions.decoder.weight'] = [studentCfg.vocabSize, studentCfg.hiddenSize];
  return sliceTeacherWeights(teacher, studentCfg, layerMap, shapes, 'distilbert');
}
