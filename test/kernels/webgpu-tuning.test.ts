import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DAWN_OPTIONS, parseFlagList, webgpuCreateOptions } from '../../src-main/engine/kernels/webgpu-tuning.js';

test('Dawn create() options default to the tuned toggles and WID_DAWN_OPTIONS replaces them', () => {
  assert.deepEqual(webgpuCreateOptions({}), [...DEFAULT_DAWN_OPTIONS]);
  assert.deepEqual(webgpuCreateOptions({ WID_DAWN_OPTIONS: 'none' }), []);
  assert.deepEqual(webgpuCreateOptions({ WID_DAWN_OPTIONS: 'enable-dawn-features=a,b; disable-dawn-features=c' }),
    ['enable-dawn-features=a,b', 'disable-dawn-features=c']);
});

test('tfjs flag lists parse numbers and booleans and reject entries without a value', () => {
  assert.deepEqual(parseFlagList('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=200; WEBGPU_CPU_FORWARD=false'),
    { WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: 200, WEBGPU_CPU_FORWARD: false });
  assert.throws(() => parseFlagList('WEBGPU_CPU_FORWARD'), /NAME=value/);
  assert.throws(() => parseFlagList('WEBGPU_CPU_FORWARD=maybe'), /number, true or false/);
});
