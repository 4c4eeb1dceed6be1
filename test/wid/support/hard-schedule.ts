import type { WidOptions } from '../../../src-main/engine/methods/wid/index.js';

/**
 * The engine's 'hard' alternative as these tests were written for it: masked dims leave the forward at each event,
 * frozen teacher weights, no dropout (deterministic losses), effective-weight importance, logit KD.
 */
export const HARD_KD: WidOptions = { schedule: 'hard', dropout: 0, teacherLr: 0, importance: 'effective', objective: 'kd' };
