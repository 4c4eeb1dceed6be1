export { createDistilBertMethod, type DistilBertMethod } from './method.js';
export { DISTILBERT_DEFAULTS, resolveDistilBertOptions, type DistilBertOptions, type ResolvedDistilBertOptions } from './options.js';
export { defaultDistilBertLayerMap, validateDistilBertLayerMap } from './layer-map.js';
export { initDistilBertStudent } from './student-init.js';
export { resolveDistilBertSetup, type DistilBertSetup } from './setup.js';
