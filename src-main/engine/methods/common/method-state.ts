// Method state of the baselines. Every parameter (student weights, TinyBERT's W_h) is a trainable variable,
// which the loop already checkpoints by name, so the method state holds no tensors: only the student's
// shape and layer map, checked on resume so a checkpoint is never loaded into a differently built student.
import type { MethodState } from '../../train/method.js';
import type { StudentTarget } from './student-size.js';

export interface BaselineStateJson {
  method: 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  target: StudentTarget;
  /** Whatever else decides the student's build (layer map, E, schedule): every key is checked on resume. */
  [key: string]: unknown;
}

export function baselineState(json: BaselineStateJson): MethodState {
  return { tensors: {}, json };
}

/** Throws naming what differs between the checkpoint's student and the one this run built. */
export function checkBaselineState(state: MethodState, expected: BaselineStateJson): void {
  const got = state.json as Partial<BaselineStateJson> | null;
  if (!got || typeof got !== 'object') throw new Error(`${expected.method}.loadState: checkpoint has no method state, expected ${JSON.stringify(expected)}`);
  for (const key of Object.keys(expected)) {
    if (JSON.stringify(got[key]) !== JSON.stringify(expected[key])) {
      throw new Error(`${expected.method}.loadState: checkpoint ${key} is ${JSON.stringify(got[key])}, but this run builds ${JSON.stringify(expected[key])}`);
    }
  }
}
