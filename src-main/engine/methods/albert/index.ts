export { createAlbertMethod, sentenceOrderLoss, type AlbertMethod } from './method.js';
export { ALBERT_DEFAULTS, resolveAlbertOptions, type AlbertOptions, type ResolvedAlbertOptions } from './options.js';
export { resolveAlbertSetup, defaultEmbeddingSize, type AlbertSetup } from './setup.js';
export { initAlbertStudent, BERT_TO_ALBERT_LAYER } from './student-init.js';
export { JACOBI_MAX_WIDTH, truncatedSvd } from './svd.js';
export { symmetricEigen } from './jacobi.js';
export { topEigen } from './subspace-eigen.js';
