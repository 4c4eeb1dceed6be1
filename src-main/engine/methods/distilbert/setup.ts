// Everything about a DistilBERT student that can be checked from the teacher's config alone (no weights):
// the job's parseConfig can call it so a bad size or layer map is refused before the run is queued.
import type { BertConfig } from '../../bert/index.js';
import { resolveStudentTarget, studentConfig, type StudentTarget } from '../common/student-size.js';
import { defaultDistilBertLayerMap, validateDistilBertLayerMap } from './layer-map.js';
import type { DistilBertOptions } from './options.js';

export interface DistilBertSetup {
  target: StudentTarget;
  studentConfig: BertConfig;
  layerMap: number[];
}

export function resolveDistilBertSetup(teacher: BertConfig, options: DistilBertOptions): DistilBertSetup {
  const target = resolveStudentTarget(teacher, options, 'distilbert');
  // the student copies teacher layers and heads: it cannot have more of either
  if (target.layers > teacher.numHiddenLayers) {
    throw new Error(`distilbert: target.layers (${target.layers}) must be <= the teacher's number of layers (${teacher.numHiddenLayers}); DistilBERT copies one teacher layer per student layer`);
  }
  if (target.heads > teacher.numAttentionHeads) {
    throw new Error(`distilbert: target.heads (${target.heads}) must be <= the teacher's number of heads (${teacher.numAttentionHeads}); DistilBERT initialises from the teacher's weights`);
  }
  if (target.hidden > teacher.hiddenSize) {
    throw new Error(`distilbert: target.hidden (${target.hidden}) must be <= the teacher's hidden size (${teacher.hiddenSize}); DistilBERT initialises from the teacher's weights`);
  }
  if (target.intermediate > teacher.intermediateSize) {
    throw new Error(`distilbert: target.intermediate (${target.intermediate}) must be <= the teacher's intermediate size (${teacher.intermediateSize})`);
  }
  const layerMap = options.layerMap === undefined
    ? defaultDistilBertLayerMap(teacher.numHiddenLayers, target.layers)
    : validateDistilBertLayerMap(options.layerMap, teacher.numHiddenLayers, target.layers);
  return { target, studentConfig: studentConfig(teacher, target), layerMap };
}
