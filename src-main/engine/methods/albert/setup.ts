// Everything about an ALBERT student that can be checked from the teacher's config alone (no weights): the target
// (default WID-50 %'s shape, so a compare group's students have one size), E, the teacher layer the shared layer
// starts from, and the student AlbertConfig (one layer group, applied target.layers times).
import type { BertConfig } from '../../bert/index.js';
import { validateAlbertConfig, type AlbertConfig } from '../../albert/config.js';
import { resolveStudentTarget, type StudentTarget } from '../common/student-size.js';
import type { AlbertOptions } from './options.js';

export interface AlbertSetup {
  target: StudentTarget;
  studentConfig: AlbertConfig;
  /** Teacher layer the shared layer copies (sharedInit 'layer'); null for 'average'. */
  sharedLayer: number | null;
}

/** ALBERT-base's E for its hidden size (128 for 768), at least 1. */
export const defaultEmbeddingSize = (hidden: number) => Math.max(1, Math.round((hidden * 128) / 768));

export function resolveAlbertSetup(teacher: BertConfig, options: AlbertOptions): AlbertSetup {
  const target = resolveStudentTarget(teacher, options, 'wid55');
  // the student starts from the teacher's weights (its SVD and a layer): it cannot be larger on any axis
  const axes: [keyof StudentTarget, number, string][] = [
    ['layers', teacher.numHiddenLayers, 'number of layers'], ['hidden', teacher.hiddenSize, 'hidden size'],
    ['heads', teacher.numAttentionHeads, 'number of heads'], ['intermediate', teacher.intermediateSize, 'intermediate size'],
  ];
  for (const [key, limit, what] of axes) {
    if (target[key] > limit) {
      throw new Error(`albert: target.${key} (${target[key]}) must be <= the teacher's ${what} (${limit}): the student is initialised from the teacher and may not be larger`);
    }
  }
  const E = options.embeddingSize ?? defaultEmbeddingSize(target.hidden);
  if (E > target.hidden) {
    throw new Error(`albert.embeddingSize (${E}) must be <= target.hidden (${target.hidden}): the factorised embedding is narrower than the hidden width`);
  }
  let sharedLayer: number | null = null;
  if ((options.sharedInit ?? 'layer') === 'layer') {
    sharedLayer = options.sharedLayer ?? Math.floor((teacher.numHiddenLayers - 1) / 2);
    if (sharedLayer >= teacher.numHiddenLayers) {
      throw new Error(`albert.sharedLayer (${sharedLayer}) must be a teacher layer from 0 to ${teacher.numHiddenLayers - 1}`);
    }
  }
  const studentConfig: AlbertConfig = {
    vocabSize: teacher.vocabSize,
    embeddingSize: E,
    hiddenSize: target.hidden,
    numHiddenLayers: target.layers,
    numHiddenGroups: 1,
    innerGroupNum: 1,
    numAttentionHeads: target.heads,
    intermediateSize: target.intermediate,
    maxPositionEmbeddings: teacher.maxPositionEmbeddings,
    typeVocabSize: teacher.typeVocabSize,
    layerNormEps: teacher.layerNormEps,
    // the shared layer starts as a teacher layer, so it keeps the teacher's activation (ALBERT's own is gelu_new)
    hiddenAct: teacher.hiddenAct,
  };
  try {
    validateAlbertConfig(studentConfig);
  } catch (e) {
    throw new Error(`albert: ${(e as Error).message}`);
  }
  return { target, studentConfig, sharedLayer };
}
