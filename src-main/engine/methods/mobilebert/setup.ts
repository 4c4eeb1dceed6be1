// Everything about a MobileBERT student that can be checked from the teacher's config alone: the target (default
// WID-50 %'s shape), the bottleneck student it gives, and the layer map. target.hidden is the inter-block width
// (the feature maps the transfer compares); attention and FFNs run at the intra-bottleneck width inside each block.
import { parameterCount, type BertConfig } from '../../bert/index.js';
import { mobileBertParameterCount, validateMobileBertConfig, type MobileBertConfig } from '../../mobilebert/index.js';
import { resolveStudentTarget, type StudentTarget } from '../common/student-size.js';
import { validateLayerMap } from '../common/layer-map.js';
import { uniformTinyBertLayerMap } from '../tinybert/layer-map.js';
import { MOBILEBERT_DEFAULTS, type MobileBertOptions } from './options.js';

export interface MobileBertSetup {
  target: StudentTarget;
  studentConfig: MobileBertConfig;
  /** 0-based teacher layer of each student layer. */
  layerMap: number[];
}

/** Nearest positive multiple of m to x. */
const roundTo = (x: number, m: number) => Math.max(m, Math.round(x / m) * m);

export function resolveMobileBertSetup(teacher: BertConfig, options: MobileBertOptions): MobileBertSetup {
  const d = MOBILEBERT_DEFAULTS;
  const target = resolveStudentTarget(teacher, options, 'wid55');
  if (target.layers > teacher.numHiddenLayers) {
    throw new Error(`mobilebert: target.layers (${target.layers}) must be <= the teacher's number of layers (${teacher.numHiddenLayers}): each student layer learns from its own teacher layer`);
  }
  if (target.hidden > teacher.hiddenSize) {
    throw new Error(`mobilebert: target.hidden (${target.hidden}) must be <= the teacher's hidden size (${teacher.hiddenSize}): the student may not be larger than the teacher`);
  }
  const intra = options.intraBottleneckSize ?? roundTo(target.hidden / 4, target.heads);
  const cfg: MobileBertConfig = {
    vocabSize: teacher.vocabSize,
    embeddingSize: options.embeddingSize ?? intra,
    hiddenSize: target.hidden,
    numHiddenLayers: target.layers,
    numAttentionHeads: target.heads,
    intermediateSize: options.intermediateSize ?? 4 * intra,
    maxPositionEmbeddings: teacher.maxPositionEmbeddings,
    typeVocabSize: teacher.typeVocabSize,
    layerNormEps: teacher.layerNormEps,
    hiddenAct: options.hiddenAct ?? d.hiddenAct,
    trigramInput: true,
    useBottleneck: true,
    intraBottleneckSize: intra,
    useBottleneckAttention: false,
    keyQuerySharedBottleneck: true,
    numFeedforwardNetworks: options.numFeedforwardNetworks ?? d.numFeedforwardNetworks,
    normalizationType: options.normalizationType ?? d.normalizationType,
    classifierActivation: true,
  };
  try {
    validateMobileBertConfig(cfg);
  } catch (e) {
    throw new Error(`mobilebert: ${(e as Error).message} (from target ${JSON.stringify(target)}; set mobilebert.intraBottleneckSize / embeddingSize)`);
  }
  const studentParams = mobileBertParameterCount(cfg), teacherParams = parameterCount(teacher, { mlmHead: true });
  if (studentParams > teacherParams) {
    throw new Error(`mobilebert: the student (${studentParams} parameters) would be larger than the teacher (${teacherParams}); choose a smaller target or intraBottleneckSize / intermediateSize`);
  }
  const layerMap = options.layerMap === undefined
    ? uniformTinyBertLayerMap(teacher.numHiddenLayers, target.layers)
    : validateLayerMap('mobilebert', options.layerMap, teacher.numHiddenLayers, target.layers);
  return { target, studentConfig: cfg, layerMap };
}
