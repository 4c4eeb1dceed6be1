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
