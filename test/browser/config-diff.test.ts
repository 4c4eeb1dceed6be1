// "Diff two runs' configs" lists exactly the dotted keys whose values differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs } from '../../src-renderer/src/lib/configDiff.js';

test('nested keys that differ are listed with both values; equal keys are not', () => {
  const d = diffConfigs({ steps: 10, target: { layers: 4, hidden: 256 } }, { steps: 10, target: { layers: 6, hidden: 256 } });
  assert.deepEqual(d, [{ key: 'target.layers', left: '4', right: '6' }]);
});

test('a key present on one side only is shown as absent on the other', () => {
  assert.deepEqual(diffConfigs({ delayMs: 5 }, {}), [{ key: 'delayMs', left: '5', right: '(absent)' }]);
});

test('results print non-integers to 4 significant digits and leave integers and strings alone', async () => {
  const { roundedJson } = await import('../../src-renderer/src/lib/roundedJson.js');
  assert.equal(roundedJson({ finalLoss: 0.007466288032886696, steps: 12, big: 179236, lr: 5e-4, name: 'x' }),
    JSON.stringify({ finalLoss: 0.007466, steps: 12, big: 179236, lr: 0.0005, name: 'x' }, null, 2));
});

test('a fine-tune against the distillation run that made its model diffs only the keys both have, never derived paths', async () => {
  const { meaningfulDiff } = await import('../../src-renderer/src/lib/configDiff.js');
  const distil = { method: 'wid', config: { steps: 8, seed: 3, batchSize: 2, teacherPath: '/t', target: { layers: 2 } } };
  const finetune = { method: 'finetune', config: { seed: 1, batchSize: 16, modelPath: '/m', tasks: ['RTE'] } };
  const { diff, oneSided } = meaningfulDiff(distil, finetune);
  assert.deepEqual(diff.map((d) => d.key), ['batchSize', 'seed']);
  assert.equal(oneSided, 3, 'steps, target.layers, tasks');
  // the same method keeps one-sided keys (a duplicate that added an option) but still drops derived paths
  assert.deepEqual(meaningfulDiff({ method: 'wid', config: { teacherPath: '/a' } }, { method: 'wid', config: { teacherPath: '/b', lr: 1 } }).diff.map((d) => d.key), ['lr']);
});
