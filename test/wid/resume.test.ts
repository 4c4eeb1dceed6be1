// WID and TinyBERT stopped after a checkpoint and resumed give the losses of an uninterrupted run, on wasm and on
// webgpu (SwiftShader), where the parameters, Adam's moments and WID's keep vectors are updated in place on the
// device and an earlier checkpoint's read must not stand in for a later one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { runOnSwiftShader, swiftshaderSkip } from '../support/swiftshader.js';
import { resumeParity, STEPS, STOP_AFTER, type ResumeParity } from './support/resume-runs.js';

function check(name: string, r: ResumeParity, tolerance: number): void {
  assert.equal(r.resumedFrom, STOP_AFTER, `${name}: resumed from the stop`);
  assert.equal(r.straight.length, STEPS);
  assert.equal(r.joined.length, STEPS);
  r.joined.forEach((l, i) => assert.ok(Math.abs(l - r.straight[i]) <= tolerance, `${name} step ${i + 1}: ${l} resumed vs ${r.straight[i]} uninterrupted`));
}

test('WID and TinyBERT resume with the losses of an uninterrupted run (wasm)', async () => {
  await selectBackend('wasm');
  const runs = await resumeParity();
  check('wid', runs.wid, 0);
  check('tinybert', runs.tinybert, 0);
});

test('WID and TinyBERT resume with the losses of an uninterrupted run (webgpu, checkpoints every 2 steps)',
  { skip: swiftshaderSkip, timeout: 600_000 }, () => {
    const r = runOnSwiftShader<{ device: string; runs: Record<'wid' | 'tinybert', ResumeParity> }>(fileURLToPath(new URL('./resume-swiftshader.ts', import.meta.url)), 580_000);
    assert.match(r.device, /swiftshader/i);
    check('wid', r.runs.wid, 1e-5);
    check('tinybert', r.runs.tinybert, 1e-5);
  });
