// Everything about a TinyBERT student that can be checked from the teacher's config alone (no weights):
// the job's parseConfig can call it so a bad size or layer map is refused before the run is queued.
import type { BertConfig } from '../../bert/index.js';
import { resolveStudentTarget, studentConfig, type StudentTarget } from '../common/student-size.js';
import { uniformTinyBertLayerMap, validateTinyBertLayerMap } from './layer-map.js';
import type { TinyBertOptions } from './options.js';

export interface TinyBertSetup {
  target: StudentTarget;
  studentConfig: BertConfig;
  /** 0-based teacher layer of each student layer. */
  layerMap: number[];
}

export function resolveTinyBertSetup(teacher: BertConfig, options: TinyBertOptions): TinyBertSetup {
  const target = resolveStudentTarget(teacher, options, 'tinybert-4l-312h');
  // W_h maps the student's hidden states up to the teacher's width; a wider student is not TinyBERT
  if (target.hidden > teacher.hiddenSize) {
    throw new Error(`tinybert: target.hidden (${target.hidden}) must be <= the teacher's hidden size (${teacher.hiddenSize}); W_h projects the student up to the teacher's width`);
  }
  if (options.init === 'teacher-slice') {
    // the student is cut out of the teacher (common/teacher-slice.ts): no axis may be wider than the teacher's
    if (target.heads > teacher.numAttentionHeads) {
      throw new Error(`tinybert: init "teacher-slice" needs target.heads (${target.heads}) <= the teacher's number of heads (${teacher.numAttentionHeads}): each student head is cut from one teacher head`);
    }
    if (target.intermediate > teacher.intermediateSize) {
      throw new Error(`tinybert: init "teacher-slice" needs target.intermediate (${target.intermediate}) <= the teacher's intermediate size (${teacher.intermediateSize})`);
    }
  }
  const layerMap = options.layerMap === undefined
    ? uniformTinyBertLayerMap(teacher.numHiddenLayers, target.layers)
    : validateTinyBertLayerMap(options.layerMap, teacher.numHiddenLayers, target.layers);
  return { target, studentConfig: studentConfig(teacher, target), layerMap };
}
