// One device call for the matmul work of issue 7:
//   bash ../shared/gpu/pack.sh bench/gpu-matmul-session.ts
//   (device, carry [".gpu"]) set -o pipefail; bash .gpu/run.sh --deadline 520 2>&1 | tee $OUT/log.txt
// Parts, in order, each in try/catch and skipped when less than its estimate is left before --deadline:
//   m  matmul probe (bench/gpu-matmul-probe.ts): every matmul shape of the base (all variants) and small
//      (short list) step, tfjs vs the tile variants; the per-shape best becomes the table the kernel uses
//      for the rest of the run (--table-from-probe, default on; --no-table keeps the committed table)
//   ab engine step, interleaved: this kernel, tfjs' (WID_MATMUL_VARIANT=tfjs), repeated --ab-rounds times per
//      --ab-sizes (the JS issue time of a step varied ~20% between runs on the H200 host, so one pair is not enough)
//   a  gpu-compare small,base with the numeric check and PyTorch (cuda)
//   b  gpu-compare base, tfjs' own matmul, no torch/check: same-run baseline (--skip baseline to leave out)
//   c  gpu-probe --no-ops --profile base: per-kernel GPU time of one step with the new matmul
// Writes $OUT/matmul-session.json, gpu-matmul-probe.json, compare-new.json, compare-tfjs.json, gpu-probe-profile-base.json.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src-main/engine/backend/index.js';
import { DEFAULT_MATMUL_TABLE, setMatMulTable } from '../src-main/engine/kernels/webgpu-matmul.js';
import { main as gpuCompare } from './gpu-compare.js';
import { main as gpuProbe } from './gpu-probe.js';
import { probeMatMuls, stepMatMuls, tableOf, warmGpu } from './gpu-matmul-probe.js';
import { timeEngineStep } from './gpu-compare.js';

const T0 = performance.now();
const elapsed = () => (performance.now() - T0) / 1000;
const say = (msg: string) => console.log(`[session ${elapsed().toFixed(1)}s] ${msg}`);

const { values: o } = parseArgs({
  args: process.argv.slice(2),
  options: {
    deadline: { type: 'string', default: '520' },
    'probe-sizes': { type: 'string', default: 'base,small' },
    'probe-budget': { type: 'string', default: '200' },
    'probe-batch': { type: 'string', default: '32' },
    'probe-seq': { type: 'string', default: '128' },
    'probe-vocab': { type: 'string', default: '30522' }, // seconds of probing before the remaining shapes are skipped
    reps: { type: 'string', default: '3' },
    inner: { type: 'string', default: '10' },
    warm: { type: 'string', default: '1' }, // seconds of large matmuls before the probe (0 = none)
    'ab-sizes': { type: 'string', default: 'base,small' },
    'ab-rounds': { type: 'string', default: '2' },
    'no-table': { type: 'boolean', default: false },
    'table-file': { type: 'string' }, // JSON {table} (e.g. a gpu-matmul-probe.json of an earlier process) used instead of probing
    'compare-sizes': { type: 'string', default: 'small,base' },
    'compare-batch': { type: 'string', default: '32' },
    'compare-seq': { type: 'string', default: '128' },
    'no-torch': { type: 'boolean', default: false },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'baseline-size': { type: 'string', default: 'base' },
    'profile-size': { type: 'string', default: 'base' },
    'profile-batch': { type: 'string', default: '32' },
    'profile-seq': { type: 'string', default: '128' },
    'profile-vocab': { type: 'string' },
    'session-json': { type: 'string', default: 'matmul-session.json' },
    'compare-json': { type: 'string', default: 'compare-new.json' },
    skip: { type: 'string', default: '' }, // comma list: probe,compare,baseline,profile
  },
});
const deadline = Number(o.deadline);
const skip = new Set(o.skip!.split(',').filter(Boolean));
const OUT = process.env.OUT;
if (OUT) mkdirSync(OUT, { recursive: true });
const parts: Record<string, unknown>[] = [];
const session: Record<string, unknown> = { options: o, parts };
const writeSession = () => {
  if (!OUT) return;
  const p = join(OUT, o['session-json']!);
  writeFileSync(p + '.tmp', JSON.stringify(session, null, 2));
  renameSync(p + '.tmp', p);
};

async function part(name: string, estimateS: number, fn: () => Promise<unknown>): Promise<void> {
  if (skip.has(name)) { parts.push({ part: name, status: 'skipped' }); return; }
  const left = deadline - elapsed();
  if (left < estimateS) { say(`SKIP ${name}: ${left.toFixed(0)} s left, estimate ${estimateS} s`); parts.push({ part: name, status: 'skipped', left }); writeSession(); return; }
  const rec: Record<string, unknown> = { part: name, status: 'failed', startedAtS: elapsed() };
  parts.push(rec);
  say(`START ${name}`);
  try { rec.result = await fn(); rec.status = 'ok'; } catch (e) { rec.error = (e as Error).stack ?? String(e); say(`FAILED ${name}: ${rec.error}`); }
  rec.wallS = elapsed() - (rec.startedAtS as number);
  say(`END ${name}: ${rec.status}, ${(rec.wallS as number).toFixed(1)} s`);
  writeSession();
}

const backend = await selectBackend('webgpu');
session.backend = backend;
session.env = { WID_DAWN_OPTIONS: process.env.WID_DAWN_OPTIONS ?? null, WID_TFJS_FLAGS: process.env.WID_TFJS_FLAGS ?? null, WID_WEBGPU_KERNELS: process.env.WID_WEBGPU_KERNELS ?? null };
if (o['table-file']) {
  const table = (JSON.parse(readFileSync(o['table-file'], 'utf8')) as { table: Record<string, string> }).table;
  setMatMulTable({ ...DEFAULT_MATMUL_TABLE, ...table });
  session.table = table;
  skip.add('probe');
  say(`matmul table from ${o['table-file']}: ${Object.keys(table).length} shapes`);
}
say(`backend ${backend.name} — ${backend.device}; deadline ${deadline} s`);

await part('probe', 60, async () => {
  // most GPU time first: base shapes by FLOPs x count, then small
  const shapes = o['probe-sizes']!.split(',').flatMap((size) => stepMatMuls(size, Number(o['probe-batch']), Number(o['probe-seq']), Number(o['probe-vocab']))
    .sort((x, y) => y.count * y.batch * y.m * y.n * y.k - x.count * x.batch * x.m * x.n * x.k));
  await warmGpu(Number(o.warm));
  const results = await probeMatMuls(shapes, { reps: Number(o.reps), inner: Number(o.inner), quickFor: (s) => !s.label.startsWith('base'), deadlineS: Number(o['probe-budget']) });
  const table = { ...DEFAULT_MATMUL_TABLE, ...tableOf(results) };
  if (!o['no-table']) setMatMulTable(table);
  session.table = table;
  if (OUT) writeFileSync(join(OUT, 'gpu-matmul-probe.json'), JSON.stringify({ backend, results, table }, null, 2));
  writeFileSync('/tmp/wid-matmul-table.json', JSON.stringify({ table })); // for a second process (--table-file)
  return { shapes: results.length, table };
});

await part('ab', 40, async () => {
  const rows: Record<string, unknown>[] = [];
  for (let round = 0; round < Number(o['ab-rounds']); round++) {
    for (const size of o['ab-sizes']!.split(',').filter(Boolean)) {
      for (const impl of ['wid', 'tfjs']) {
        if (elapsed() > deadline - 30) { say('ab: deadline'); return rows; }
        if (impl === 'tfjs') process.env.WID_MATMUL_VARIANT = 'tfjs';
        try {
          const t = await timeEngineStep(size, Number(o['compare-batch']), Number(o['compare-seq']), Number(o.steps), Number(o.warmup));
          rows.push({ round, size, impl, msPerStep: t.msPerStep, issueMsPerStep: t.issueMsPerStep, loss: t.loss });
          say(`ab round ${round} ${size} ${impl}: ${t.msPerStep.toFixed(1)} ms/step (JS issue ${t.issueMsPerStep.toFixed(1)}), loss ${t.loss.toFixed(3)}`);
        } finally { delete process.env.WID_MATMUL_VARIANT; }
      }
    }
  }
  return rows;
});

const compare = (sizes: string, json: string, extra: string[]) => gpuCompare([
  '--backend', 'webgpu', '--sizes', sizes, '--batch', o['compare-batch']!, '--seq', o['compare-seq']!, '--steps', o.steps!, '--warmup', o.warmup!,
  ...(OUT ? ['--json', join(OUT, json)] : []), ...extra,
]);
await part('compare', 90, () => compare(o['compare-sizes']!, o['compare-json']!, o['no-torch'] ? ['--no-torch'] : ['--torch-device', 'cuda']));
await part('baseline', 45, async () => {
  process.env.WID_MATMUL_VARIANT = 'tfjs';
  try { await compare(o['baseline-size']!, 'compare-tfjs.json', ['--no-torch', '--no-check']); } finally { delete process.env.WID_MATMUL_VARIANT; }
});
await part('profile', 45, () => gpuProbe(['--backend', 'webgpu', '--no-ops', '--profile', o['profile-size']!,
  '--batch', o['profile-batch']!, '--seq', o['profile-seq']!, ...(o['profile-vocab'] ? ['--vocab', o['profile-vocab']] : []), '--label', `profile-${o['profile-size']}`]));
session.totalWallS = elapsed();
writeSession();
say(`done: ${parts.map((p) => `${p.part}=${p.status}`).join(', ')}`);
process.exit(0);
