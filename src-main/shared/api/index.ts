export type * from './types.js';
export type * from './events.js';
export type * from './methods.js';
export type * from './run-config.js';
