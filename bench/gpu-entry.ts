// The one GPU entry: runs a named list of benchmarks (bench/lib/registry.ts) in one process, i.e. one
// device call, and writes their figures into $OUT. On the GPU machine (no Node there):
//   bash ../shared/gpu/pack.sh bench/gpu-entry.ts
//   (device, carry [".gpu"]) set -o pipefail; bash .gpu/run.sh [--deadline S] [--plan NAME | ITEM...] 2>&1 | tee $OUT/log.txt
// An ITEM is one argument: "[~SECONDS] [ENV=value ...] NAME [args]" (~SECONDS overrides the registry's estimate), e.g. 'gpu-compare --sizes base --no-torch' or
// 'WID_MATMUL_VARIANT=tfjs gpu-compare --sizes base --no-torch --no-check' (env set for that item only).
// Without items it runs --plan (default "issue21"); `--list` prints the plans. Items run in order, each
// in try/catch (a failure is recorded, the next item runs), each skipped when less than its estimate is
// left before --deadline seconds of this process. Before each item the tfjs-webgpu pool is emptied of
// free buffers, so the pool after it is that item's peak GPU allocation (unless the item trims it
// itself, as gpu-compare does per size: its record has the per-size peaks).
// Writes after every item: $OUT/NN-NAME.json (the record the benchmark returned), $OUT/session.json
// (every item's status, wall time, pool figures, error) and $OUT/summary.md (each item's table).
// The PyTorch peers (gpu-compare) are child processes of this one: same process tree, same GPU.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { benchEntry, BenchModule } from './lib/registry.js';
import { gpuPoolBytes, trimGpuPool } from './lib/gpu-pool.js';
import { writeFileAtomic, writeJsonAtomic } from './lib/output.js';
import { PLANS, splitItem } from './lib/plan.js';

interface ItemRecord {
  item: string; name: string; status: 'ok' | 'failed' | 'skipped'; file?: string; startedAtS?: number; wallS?: number;
  poolBeforeMb?: number | null; poolAfterMb?: number | null; error?: string;
}

const mb = (b: number | null) => (b === null ? null : b / 2 ** 20);

async function runPlan(items: string[], deadline: number, out: string | undefined): Promise<ItemRecord[]> {
  const T0 = performance.now();
  const elapsed = () => (performance.now() - T0) / 1000;
  const say = (msg: string) => console.log(`[gpu-entry ${elapsed().toFixed(1)}s] ${msg}`);
  const records: ItemRecord[] = [];
  const sections: string[] = [];
  const session = { deadline, items, records, startedAt: new Date().toISOString(), totalWallS: 0 };
  const save = () => {
    session.totalWallS = elapsed();
    if (!out) return;
    writeJsonAtomic(join(out, 'session.json'), session);
    writeFileAtomic(join(out, 'summary.md'), [`# gpu-entry ${session.startedAt}`, '',
      '| # | item | status | wall s | pool after MiB |', '|---|---|---|--:|--:|',
      ...records.map((r, i) => `| ${i + 1} | \`${r.item}\` | ${r.status}${r.error ? `: ${r.error.split('\n')[0].slice(0, 120)}` : ''} | ${r.wallS?.toFixed(1) ?? ''} | ${r.poolAfterMb?.toFixed(0) ?? ''} |`),
      '', ...sections].join('\n') + '\n');
  };
  for (const [i, item] of items.entries()) {
    const { env, name, argv, estimateS } = splitItem(item);
    const rec: ItemRecord = { item, name, status: 'failed' };
    records.push(rec);
    let entry;
    try { entry = benchEntry(name); } catch (e) { rec.error = (e as Error).message; say(`FAILED ${item}: ${rec.error}`); save(); continue; }
    const left = deadline - elapsed();
    const estimate = estimateS ?? entry.estimateS;
    if (left < estimate) {
      rec.status = 'skipped';
      rec.error = `${left.toFixed(0)} s left before the ${deadline} s deadline, estimate ${estimate} s`;
      say(`SKIP ${item}: ${rec.error}`);
      save();
      continue;
    }
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    rec.startedAtS = elapsed();
    try { await trimGpuPool(); } catch (e) { say(`trimGpuPool failed: ${(e as Error).message}`); }
    rec.poolBeforeMb = mb(gpuPoolBytes());
    say(`START ${item}`);
    try {
      const mod: BenchModule = await entry.load();
      const result = await mod.main(argv);
      rec.status = 'ok';
      if (out && result !== undefined) {
        rec.file = `${String(i + 1).padStart(2, '0')}-${name}.json`;
        writeJsonAtomic(join(out, rec.file), result);
      }
      const md = result === undefined ? null : mod.markdown ? (mod.markdown as (r: unknown) => string)(result)
        : '```json\n' + JSON.stringify(result, null, 1).slice(0, 3000) + '\n```';
      if (md) sections.push(`## ${i + 1}. \`${item}\``, '', md, '');
    } catch (e) {
      rec.error = (e as Error).stack ?? String(e);
      say(`FAILED ${item}: ${rec.error}`);
      sections.push(`## ${i + 1}. \`${item}\``, '', `failed: ${(e as Error).message}`, '');
    } finally {
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    }
    rec.wallS = elapsed() - rec.startedAtS;
    rec.poolAfterMb = mb(gpuPoolBytes());
    say(`END ${item}: ${rec.status}, ${rec.wallS.toFixed(1)} s, pool ${rec.poolAfterMb?.toFixed(0) ?? 'n/a'} MiB`);
    save();
  }
  say(`done: ${records.map((r) => `${r.name}=${r.status}`).join(', ')}`);
  return records;
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2), allowPositionals: true,
  options: { deadline: { type: 'string', default: '540' }, plan: { type: 'string', default: 'issue21' }, list: { type: 'boolean', default: false } },
});
if (values.list) {
  for (const [name, items] of Object.entries(PLANS)) console.log(`${name}:\n${items.map((s) => `  ${s}`).join('\n')}`);
  process.exit(0);
}
const deadline = Number(values.deadline);
if (!(deadline > 0)) { console.error(`--deadline must be a positive number of seconds, got "${values.deadline}"`); process.exit(2); }
const items = positionals.length ? positionals : PLANS[values.plan!];
if (!items) { console.error(`--plan must be one of ${Object.keys(PLANS).join(', ')}, got "${values.plan}"`); process.exit(2); }
const records = await runPlan(items, deadline, process.env.OUT);
process.exit(records.some((r) => r.status === 'failed') ? 1 : 0);
