export { createMobileBertMethod, type MobileBertMethod } from './method.js';
export { MOBILEBERT_DEFAULTS, resolveMobileBertOptions, type MobileBertOptions, type ResolvedMobileBertOptions } from './options.js';
export { resolveMobileBertSetup, type MobileBertSetup } from './setup.js';
export { attentionKl } from './attention-transfer.js';
export { createFeatureMaps, mapFeatures } from './feature-maps.js';
export { stageAt, stageKey, type MobileBertStage } from './schedule.js';
