export * from './config.js';
export * from './weights.js';
export * from './forward.js';
export * from './cost.js';
