export * from './config.js';
export * from './weights.js';
export * from './forward.js';
export { maskedLmLoss } from './mlm-loss.js';
