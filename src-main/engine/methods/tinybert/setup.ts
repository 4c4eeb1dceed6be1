// Everything about a TinyBERT student that can be checked from the teacher's config alone (no weights):
// the job's parseConfig can call it so a bad size or layer map is refused before the run is queued.
import type { BertConfig } from '../../bert/index.js';
import { resolveStudentTarget, studentConfig, type StudentTarget } from '../common/student-size.js';
import { uniformTinyBertLayerMap, validateTinyBertLayerMap } from './layer-map.js';
import type { TinyBertOptions } from './options.js';

export interface TinyBertSetup {
  target: StudentTarget;
  studentConfig: BertConfig;
  /** 1-based teacher layer of each student layer. */
  layerMap: number[];
}

export function resolveTinyBertSetup(teacher: BertConfig, options: TinyBertOptions): TinyBertSetup {
  const target = resolveStudentTarget(teacher, options, 'tinybert-4l-312h');
  const layerMap = options.layerMap === undefined
    ? uniformTinyBertLayerMap(teacher.numHiddenLayers, target.layers)
    : validateTinyBertLayerMap(options.layerMap, teacher.numHiddenLayers, target.layers);
  return { target, studentConfig: studentConfig(teacher, target), layerMap };
}
