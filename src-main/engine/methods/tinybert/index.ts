export { createTinyBertMethod, initTinyBertStudent, type TinyBertMethod } from './method.js';
export { TINYBERT_DEFAULTS, resolveTinyBertOptions, type TinyBertOptions, type TinyBertLossWeights, type ResolvedTinyBertOptions } from './options.js';
export { uniformTinyBertLayerMap, validateTinyBertLayerMap } from './layer-map.js';
export { attentionScoreLoss } from './attention-loss.js';
export { resolveTinyBertSetup, type TinyBertSetup } from './setup.js';
