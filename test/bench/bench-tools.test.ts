// The benchmark tooling's own logic (no GPU, no torch): how gpu-compare reads its peers and forms its
// ratios, how gpu-entry reads a plan item, and the --json flag every benchmark shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { compareRows, EngineTiming } from '../../bench/gpu-compare.js';
import { peerRows, runPeer } from '../../bench/lib/torch-peer.js';
import { splitItem, PLANS } from '../../bench/lib/plan.js';
import { BENCHMARKS, takeJsonFlag } from '../../bench/lib/registry.js';

const engine = (size: string, ms: number, peak: number | null, path: 'eager' | 'replay' = 'eager', gpuMs: number | null = null): EngineTiming => ({
  size, backend: 'webgpu', device: 'x', batch: 32, seq: 128, steps: 10, params: 1, msPerStep: ms, issueMsPerStep: ms, firstStepMs: 0, loss: 1, peakGpuMb: peak,
  path, gpuMsPerStep: gpuMs, wallToGpu: gpuMs ? ms / gpuMs : null, captureNote: null,
});

test('gpu-compare rates the engine against the fastest transformers mode, not the hand-written script', () => {
  const rows = [...peerRows('hf', [
    { size: 'base', mode: 'fp32', ms_per_step: 70, peak_mem_mb: 5600 },
    { size: 'base', mode: 'tf32', ms_per_step: 28, peak_mem_mb: 5700 },
    { size: 'base', mode: 'bf16', ms_per_step: 29, peak_mem_mb: 4500 },
  ]), ...peerRows('handwritten', [{ size: 'base', ms_per_step: 20, peak_mem_mb: 6200 }])];
  const { summary, rows: table } = compareRows([engine('base', 112, 8400)], rows);
  assert.equal(summary[0].fastest, 'transformers tf32');
  assert.equal(summary[0].ratioToFastest, 4);
  assert.equal(summary[0].peakRatioToFp32, 1.5);
  assert.equal(table.find((r) => r.who === 'hand-written fp32')!.engineRatio, 112 / 20);
});

test('gpu-compare summarises each size by the engine\'s fastest path and lists every path and each peer row once', () => {
  const rows = peerRows('hf', [{ size: 'base', mode: 'bf16', ms_per_step: 25, peak_mem_mb: 4500 }, { size: 'base', mode: 'fp32', ms_per_step: 70, peak_mem_mb: 5000 }]);
  const { summary, rows: table } = compareRows([engine('base', 110, 9000), engine('base', 100, 8000, 'replay', 95)], rows);
  assert.equal(summary.length, 1);
  assert.equal(summary[0].enginePath, 'replay');
  assert.equal(summary[0].ratioToFastest, 4);
  assert.equal(summary[0].peakRatioToFp32, 1.6);
  assert.equal(summary[0].wallToGpu, 100 / 95);
  assert.deepEqual(table.map((r) => r.who), ['engine webgpu eager', 'engine webgpu replay', 'transformers bf16', 'transformers fp32']);
  assert.equal(table[0].engineRatio, 1.1);
});

test('a skipped or failed peer mode has no figure and is left out of the fastest mode', () => {
  const rows = peerRows('hf', [
    { size: 'tiny', mode: 'fp32', ms_per_step: 9, peak_mem_mb: null },
    { size: 'tiny', mode: 'tf32', skipped: 'TF32 is an NVIDIA tensor-core mode; device is cpu' },
    { size: 'tiny', mode: 'bf16', error: 'RuntimeError: no bf16' },
  ]);
  assert.deepEqual(rows.map((r) => r.msPerStep), [9, null, null]);
  assert.match(rows[1].note!, /^skipped: TF32/);
  assert.match(rows[2].note!, /^failed: RuntimeError/);
  const { summary } = compareRows([engine('tiny', 18, null)], rows);
  assert.equal(summary[0].fastest, 'transformers fp32');
  assert.equal(summary[0].ratioToFastest, 2);
  assert.equal(summary[0].peakRatioToFp32, null);
});

test('a peer that cannot run says why (exit code and its last stderr line), and one that can is parsed', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'wid-fake-python-'));
  const failing = join(dir, 'failing');
  writeFileSync(failing, '#!/bin/sh\necho "hf_bert_step.py: torch is not importable (No module named torch)" >&2\nexit 3\n');
  const working = join(dir, 'working');
  // writes one row to the file after --json, as the real scripts do
  writeFileSync(working, '#!/bin/sh\nwhile [ "$1" != "--json" ]; do shift; done\necho \'[{"size":"tiny","mode":"fp32","ms_per_step":5,"peak_mem_mb":7}]\' > "$2"\n');
  chmodSync(failing, 0o755); chmodSync(working, 0o755);
  const o = { sizes: ['tiny'], batch: 2, seq: 8, steps: 1, warmup: 1, modes: ['fp32'], dropout: 0 };
  const bad = runPeer('hf', { ...o, python: failing });
  assert.match(bad.error!, /exited 3: .*torch is not importable/);
  const good = runPeer('handwritten', { ...o, python: working });
  assert.deepEqual(good.rows!.map((r) => [r.size, r.mode, r.msPerStep, r.peakMb]), [['tiny', 'fp32', 5, 7]]);
});

test('a peer that hangs is killed at its timeout and says so', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'wid-fake-python-'));
  const hanging = join(dir, 'hanging');
  writeFileSync(hanging, '#!/bin/sh\nsleep 30\n');
  chmodSync(hanging, 0o755);
  const t0 = Date.now();
  const r = runPeer('hf', { sizes: ['tiny'], batch: 2, seq: 8, steps: 1, warmup: 1, modes: ['fp32'], dropout: 0, python: hanging, timeoutS: 1 });
  assert.match(r.error!, /killed after the 1 s timeout/);
  assert.ok(Date.now() - t0 < 10_000);
});

test('the transformers script rejects an unknown size or mode before importing torch', () => {
  for (const [flag, value] of [['--sizes', 'huge'], ['--modes', 'fp16']]) {
    const r = spawnSync('python3', ['bench/pytorch/hf_bert_step.py', flag, value], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${flag}: unknown`));
  }
});

test('both PyTorch scripts compile', () => {
  const r = spawnSync('python3', ['-m', 'py_compile', 'bench/pytorch/hf_bert_step.py', 'bench/pytorch/bert_step.py'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('a gpu-entry item is [~SECONDS] [ENV=value ...] NAME [args], with quoted arguments kept whole', () => {
  assert.deepEqual(splitItem(`WID_MATMUL_VARIANT=tfjs gpu-compare --sizes base --target '{"layers": 1}'`), {
    env: { WID_MATMUL_VARIANT: 'tfjs' }, name: 'gpu-compare', argv: ['--sizes', 'base', '--target', '{"layers": 1}'],
  });
  assert.throws(() => splitItem('A=1'), /names no benchmark/);
  assert.equal(splitItem('~20 X=1 wid --size base').estimateS, 20);
  assert.equal(splitItem('wid').estimateS, undefined);
});

test('every plan item names a registered benchmark', () => {
  for (const [plan, items] of Object.entries(PLANS)) for (const item of items) assert.ok(BENCHMARKS[splitItem(item).name], `${plan}: ${item}`);
});

test('--json FILE is taken out of the arguments; a bare --json stays for the benchmark', () => {
  assert.deepEqual(takeJsonFlag(['--size', 'base', '--json', 'out.json']), { argv: ['--size', 'base'], json: 'out.json' });
  assert.deepEqual(takeJsonFlag(['--method', 'wid', '--json']), { argv: ['--method', 'wid', '--json'] });
  assert.deepEqual(takeJsonFlag(['--json', '--steps', '3']), { argv: ['--json', '--steps', '3'] });
});
