import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { sharedAndPerMethod } from '../../src-main/cli/commands/groupsCommands.js';

const run = (id: number, method: RunRecord['method']) => ({ id, method }) as RunRecord;

test('wid groups show splits the members\' parsed settings into shared and per-method ones (fine-tunes left out)', () => {
  const runs = [run(1, 'wid'), run(2, 'distilbert'), run(3, 'tinybert'), run(4, 'finetune')];
  const settings = {
    1: { steps: 100, seed: 3, lr: 5e-5, clipNorm: 0 },
    2: { steps: 100, seed: 3, lr: 5e-4, clipNorm: 5, alphaCe: 5 },
    3: { steps: 100, seed: 3, lr: 5e-5, clipNorm: 1 },
    4: { steps: 999, lr: 1e-4 },
  };
  const { shared, perMethod } = sharedAndPerMethod(runs, settings);
  assert.deepEqual(shared, { seed: 3, steps: 100 });
  assert.deepEqual(perMethod['wid (run 1)'], { lr: 5e-5, clipNorm: 0 });
  assert.deepEqual(perMethod['distilbert (run 2)'], { lr: 5e-4, clipNorm: 5, alphaCe: 5 });
  assert.deepEqual(perMethod['tinybert (run 3)'], { lr: 5e-5, clipNorm: 1 });
  assert.equal(Object.keys(perMethod).length, 3);
});
