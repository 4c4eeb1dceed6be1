// The precision and lossScaling settings (docs/precision.md): declared once in the schemas of every training job with
// their default and help; bad values refused naming the field; f16-tc refused where the backend has no tensor cores
// (at request time for cpu/wasm/tensorflow, on the worker for a webgpu device without them); what was used recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../src-main/engine/backend/index.js';
import { ConfigError } from '../../src-main/engine/config/config-error.js';
import { distillJob } from '../../src-main/engine/jobs/distill.js';
import { parseFineTuneConfig } from '../../src-main/engine/jobs/finetune.js';
import { parseEvaluateConfig } from '../../src-main/engine/jobs/evaluate.js';
import { parseSelftestConfig, selftestJob } from '../../src-main/engine/jobs/selftest.js';
import type { JobContext } from '../../src-main/engine/jobs/types.js';
import { matmulPrecision, setMatmulPrecision, setTensorCoresAvailable } from '../../src-main/engine/kernels/matmul-precision.js';
import { applyTrainingPrecision, describeRecordedPrecision, resolveLossScaling, resolvePrecision } from '../../src-main/engine/train/training-precision.js';
import { runConfigLimits } from '../../src-main/shared/api/run-config.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const DISTILL = { teacherPath: TEACHER, corpusPath: CORPUS, steps: 2, seqLen: 32, batchSize: 2, warmupSteps: 0, lr: 1e-3, backend: 'wasm', seed: 3, target: { layers: 1 } };
const FINETUNE = { modelPath: '/models/wid', gluePath: '/data/glue', task: 'RTE' };
const parsers: Record<string, (raw: Record<string, unknown>) => { precision: string; lossScaling?: string }> = {
  selftest: (raw) => parseSelftestConfig(raw),
  distilbert: (raw) => distillJob('distilbert').parseConfig({ ...DISTILL, ...raw }) as { precision: string; lossScaling: string },
  finetune: (raw) => parseFineTuneConfig({ ...FINETUNE, ...raw }),
};
const refused = (f: () => unknown, message: RegExp) => assert.throws(f, (e: Error) => e instanceof ConfigError && message.test(e.message), String(message));

function withTensorCores<T>(f: () => T): T {
  setTensorCoresAvailable(true);
  try { return f(); } finally { setTensorCoresAvailable(false); }
}

test('every training job\'s config has precision and lossScaling, both "auto" by default', () => {
  for (const [kind, parse] of Object.entries(parsers)) {
    const c = parse({});
    assert.equal(c.precision, 'auto', kind);
    if (kind !== 'selftest') assert.equal(c.lossScaling, 'auto', kind);
  }
  assert.equal(parsers.distilbert({ precision: 'fp32', lossScaling: 'dynamic' }).lossScaling, 'dynamic');
});

test('a precision or lossScaling that is not one of the values is refused naming the field and the values', () => {
  for (const parse of Object.values(parsers)) {
    refused(() => parse({ precision: 'fp16' }), /precision: expected one of auto, fp32, f16-tc, got "fp16"/);
    refused(() => parse({ precision: 16 }), /precision: expected one of auto, fp32, f16-tc, got 16/);
  }
  refused(() => parsers.distilbert({ lossScaling: 'static' }), /lossScaling: expected one of auto, off, dynamic, got "static"/);
  refused(() => parsers.finetune({ lossScaling: true }), /lossScaling: expected one of auto, off, dynamic, got true/);
  // the selftest trains with tfjs' own Adam, without loss scaling; an evaluation does not train
  refused(() => parseSelftestConfig({ lossScaling: 'dynamic' }), /lossScaling: unknown option/);
  refused(() => parseEvaluateConfig({ modelPath: '/m', precision: 'fp32' }), /precision: unknown option/);
});

test('f16-tc with a backend that has no tensor cores is refused when the config is parsed', () => {
  for (const backend of ['cpu', 'wasm', 'tensorflow']) {
    for (const parse of Object.values(parsers)) {
      refused(() => parse({ precision: 'f16-tc', backend }), new RegExp(`precision: "f16-tc" runs on webgpu only .*backend "${backend}" has none`));
    }
  }
  for (const backend of ['auto', 'webgpu']) assert.equal(parsers.finetune({ precision: 'f16-tc', backend }).precision, 'f16-tc');
});

test('the wizard gets the values, default and help of both settings', () => {
  for (const kind of ['selftest', 'distill', 'finetune'] as const) {
    const p = runConfigLimits[kind].precision;
    assert.deepEqual(p.values, ['auto', 'fp32', 'f16-tc'], kind);
    assert.equal(p.default, 'auto');
    assert.match(p.help!, /auto = f16-tc where .* else fp32/);
  }
  assert.deepEqual(runConfigLimits.distill.lossScaling.values, ['auto', 'off', 'dynamic']);
  assert.match(runConfigLimits.finetune.lossScaling.help!, /GradScaler/);
});

test('auto is f16-tc with dynamic loss scaling where the device has tensor cores, fp32 without loss scaling elsewhere', () => {
  assert.equal(resolvePrecision('auto', 'cpu'), 'fp32');
  assert.equal(resolveLossScaling('auto', 'fp32'), 'off');
  assert.deepEqual(withTensorCores(() => applyTrainingPrecision({ precision: 'auto', lossScaling: 'auto' }, 'webgpu')), { precision: 'f16-tc', lossScaling: 'dynamic' });
  assert.equal(matmulPrecision(), 'fp32', 'losing the tensor cores falls back to fp32');
  withTensorCores(() => {
    assert.deepEqual(applyTrainingPrecision({ precision: 'auto' }, 'webgpu'), { precision: 'f16-tc', lossScaling: 'dynamic' });
    assert.equal(matmulPrecision(), 'f16-tc');
    // fp32 stays one option away, and loss scaling can be turned off or on independently
    assert.deepEqual(applyTrainingPrecision({ precision: 'fp32' }, 'webgpu'), { precision: 'fp32', lossScaling: 'off' });
    assert.equal(matmulPrecision(), 'fp32');
    assert.deepEqual(applyTrainingPrecision({ precision: 'f16-tc', lossScaling: 'off' }, 'webgpu'), { precision: 'f16-tc', lossScaling: 'off' });
    setMatmulPrecision('fp32');
  });
  assert.deepEqual(applyTrainingPrecision({ precision: 'fp32', lossScaling: 'dynamic' }, 'cpu'), { precision: 'fp32', lossScaling: 'dynamic' });
});

test('f16-tc on a device without tensor cores fails the run naming the field, before any training', async () => {
  await selectBackend('wasm');
  refused(() => resolvePrecision('f16-tc', 'webgpu'), /precision: "f16-tc" needs a webgpu device with shader-f16 and subgroup matrices .*backend \(webgpu\) has none. Use "auto" .* or "fp32"/);
  const job = distillJob('distilbert');
  const config = job.parseConfig({ ...DISTILL, backend: 'auto', precision: 'f16-tc' });
  const progress: unknown[] = [];
  const ctx = {
    runId: 1, workDir: mkdtempSync(join(tmpdir(), 'wid-precision-')), seed: 3, backend: { name: 'webgpu', device: 'no tensor cores' },
    signal: new AbortController().signal, resume: false, progress: (p: unknown) => progress.push(p), metric: () => {}, log: () => {}, artifact: () => {},
    evaluation: () => {}, registerModel: () => {},
  } as unknown as JobContext;
  await assert.rejects(job.run(config, ctx), (e: Error) => e instanceof ConfigError && /^precision: "f16-tc" needs/.test(e.message));
  assert.deepEqual(progress, []);
});

test('a run records the precision it trained in and its loss scaling; wid show describes them', async () => {
  await selectBackend('wasm');
  const ctx = (workDir: string) => ({
    runId: 2, workDir, seed: 3, backend: { name: 'wasm', device: 'test' }, signal: new AbortController().signal, resume: false,
    progress: () => {}, metric: () => {}, log: () => {}, artifact: () => {}, evaluation: () => {}, registerModel: () => {},
  }) as unknown as JobContext;
  const job = distillJob('distilbert');
  const fp32 = await job.run(job.parseConfig(DISTILL), ctx(mkdtempSync(join(tmpdir(), 'wid-precision-'))));
  assert.equal(fp32.precision, 'fp32');
  assert.deepEqual(fp32.lossScaling, { mode: 'off', scale: null, skippedSteps: 0 });
  assert.equal(describeRecordedPrecision(fp32), 'fp32');
  const scaled = await job.run(job.parseConfig({ ...DISTILL, lossScaling: 'dynamic' }), ctx(mkdtempSync(join(tmpdir(), 'wid-precision-'))));
  assert.deepEqual(scaled.lossScaling, { mode: 'dynamic', scale: 65536, skippedSteps: 0 });
  assert.equal(describeRecordedPrecision(scaled), 'fp32, dynamic loss scaling (scale 65536 at the end, 0 steps skipped)');
  const selftest = await selftestJob.run(parseSelftestConfig({ steps: 2, backend: 'wasm' }), ctx(mkdtempSync(join(tmpdir(), 'wid-precision-'))));
  assert.equal(selftest.precision, 'fp32');
  assert.equal(describeRecordedPrecision({ precision: 'f16-tc', lossScaling: 'dynamic' }), 'f16-tc, dynamic loss scaling');
  assert.equal(describeRecordedPrecision({ steps: 3 }), null);
});
