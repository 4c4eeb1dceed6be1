// Issue 15: generated bad requests to every API method (the names are read from shared/api/methods.ts, so a
// new method is fuzzed without editing this file) on a running web-mode server: wrong types, huge and deep
// values, prototype keys, bad paths, bad method names. None may answer 500, each answers within a bound, and a
// refused request writes nothing (every table and the data folder are compared before and after).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createService } from '../../src-main/app/service/index.js';
import type { Service, WorkerLauncher } from '../../src-main/app/service/contract.js';
import { startWebServer, type RunningWebServer } from '../../src-main/app/web/server.js';
import { openStore } from '../../src-main/app/store/index.js';
import { inspectModelFolder } from '../../src-main/app/store/model-folder.js';

const root = new URL('../..', import.meta.url).pathname;
const TINY = resolve(root, 'test/fixtures/bert/tiny-teacher');
const CORPUS = resolve(root, 'test/fixtures/corpus/pride-and-prejudice.txt');
const METHODS = [...readFileSync(join(root, 'src-main/shared/api/methods.ts'), 'utf8').matchAll(/^\s*'([a-z]+\.[a-zA-Z]+)':/gm)].map((m) => m[1]!);
const PER_REQUEST_MS = 5000;

// Made here, not in before(): the bad values below name paths in it.
const dir = mkdtempSync(join(tmpdir(), 'wid-fuzz-'));
const home = join(dir, 'home');
const outside = join(dir, 'outside');
let service: Service;
let server: RunningWebServer;
let db: Database.Database;

// Worker tasks (smoke test, dataset stats, attention) get a worker that dies at once: the fuzz is about the
// service's validation, not about loading models, and must not start real processes hundreds of times.
const deadWorker: WorkerLauncher = () => {
  let exit: ((code: number | null) => void) | null = null;
  return { send() { setImmediate(() => exit?.(1)); }, onMessage() {}, onExit(l) { exit = l; }, kill() {} };
};

before(async () => {
  mkdirSync(home);
  mkdirSync(join(outside, 'empty'), { recursive: true });
  symlinkSync(join(outside, 'empty'), join(outside, 'link'));
  symlinkSync(join(outside, 'nowhere'), join(outside, 'dangling'));
  writeFileSync(join(outside, 'file'), 'x');
  // One of everything, so ids 1 exist and requests reach the checks behind the id lookup.
  const store = openStore(home);
  const info = await inspectModelFolder(TINY);
  store.models.insert({ name: 'tiny', kind: 'teacher', path: TINY, config: info.config, parameterCount: info.parameterCount, fileSize: info.fileSize, sourceRunId: null });
  store.datasets.insert({ name: 'pp', kind: 'corpus', path: CORPUS, stats: {} });
  const run = store.runs.insert({ name: 'done', method: 'selftest', config: { steps: 1 }, seed: 1 });
  store.runs.finish(run.id, 'completed', { result: { steps: 1 } });
  store.artifacts.insert({ runId: run.id, kind: 'student', path: TINY, size: 1, sha256: 'x' });
  store.close();
  service = await createService({ home, mode: 'web', startRunner: false, launchWorker: deadWorker });
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  server = await startWebServer({ service, port: 0, staticDir });
  db = new Database(join(home, 'wid.db'), { readonly: true });
});

after(async () => {
  db?.close();
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What a write would change: SQLite's data_version (it moves whenever another connection commits to the
 * database, however small the write) and every file under the data folder and the export area.
 */
function snapshot(): string {
  const version = db.pragma('data_version', { simple: true });
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true, recursive: true }).map((e) => join(e.parentPath, e.name)).filter((p) => !p.includes('wid.db')).sort();
  return JSON.stringify([version, files(home), files(outside)]);
}

const nested = (levels: number) => '{"a":'.repeat(levels) + '{}' + '}'.repeat(levels);
const deep5000 = nested(5000);

/** Bad values, as JSON text (so prototype keys and depths no JS object literal would keep reach the server). */
const BAD_VALUES: string[] = [
  'null', 'true', '0', '-1', '1.5', '1e308', '-1e308', '2147483648', '""', '"   "', JSON.stringify('x'.repeat(200_000)), '"a\\u0000b"',
  '"__proto__"', '"constructor"', '"toString"', '"../../../../etc/passwd"', '"relative/dir"', '"/dev/null"', '"/proc/self/mem"',
  JSON.stringify(join(outside, 'link')), JSON.stringify(join(outside, 'dangling')), JSON.stringify(join(outside, 'file', 'x')),
  '[]', '[1,"a",null]', JSON.stringify(new Array(50_000).fill(1)), '{}', '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}', nested(40), deep5000,
];

/** A request each method accepts (or refuses only for the state of the data), to mutate one key at a time. */
const BASE: Record<string, Record<string, unknown>> = {
  'models.register': { path: TINY, kind: 'teacher' },
  'models.get': { id: 1 }, 'models.remove': { id: 999 }, 'models.smokeTest': { id: 1 },
  'datasets.register': { path: CORPUS, kind: 'corpus' }, 'datasets.preview': { id: 1, limit: 2 },
  'runs.list': { search: 'x', limit: 5 }, 'runs.get': { id: 1 }, 'runs.settings': { id: 1 },
  'runs.create': { method: 'selftest', config: { steps: 1 } },
  'runs.cancel': { id: 1 }, 'runs.pause': { id: 1 }, 'runs.resume': { id: 999 }, 'runs.update': { id: 1, notes: 'n' }, 'runs.remove': { id: 999 },
  'runs.metrics': { id: 1 }, 'runs.evaluations': { id: 1 }, 'runs.artifacts': { id: 1 },
  'runs.attention': { id: 1, layer: 0, head: 0 },
  'runs.exportStudent': { id: 1, dir: join(outside, 'student') },
  'runs.plan': { methods: ['wid'], config: { teacherModelId: 1, target: { hidden: 32 } } },
  'groups.create': { methods: ['selftest'], config: { steps: 1 } },
  'compare.table': { modelIds: [1] }, 'compare.export': { modelIds: [1], format: 'csv' },
  'models.update': { id: 999, name: 'renamed' }, 'datasets.update': { id: 999, name: 'renamed' }, 'datasets.remove': { id: 999 },
  'groups.update': { id: 999, name: 'renamed' }, 'groups.remove': { id: 999 },
  'runs.dependents': { id: 1 }, 'runs.resumePlan': { id: 1 }, 'runs.pruning': { id: 1 }, 'compare.sources': { modelIds: [1] },
  // a refused target check (no sbatch here, a bad host) must leave the shared folder as it was
  'targets.register': { name: 't', sharedDir: join(outside, 'empty'), gpus: 0, host: 'wid-fuzz.invalid' },
  'targets.check': { name: 'nope' }, 'targets.remove': { name: 'nope' },
};
/** Keys inside `config` worth mutating too (budget, ids, sizes). */
const CONFIG_KEYS = ['steps', 'batchSize', 'seqLen', 'teacherModelId', 'datasetId', 'target', 'seed', 'backend'];

interface Probe { method: string; body: string; what: string }

function probes(): Probe[] {
  const out: Probe[] = [];
  for (const method of METHODS) {
    const base = BASE[method] ?? {};
    const baseText = JSON.stringify(base).slice(1, -1);
    for (const key of Object.keys(base)) {
      const rest = JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))).slice(1, -1);
      for (const bad of BAD_VALUES) out.push({ method, body: `{${rest}${rest ? ',' : ''}"${key}":${bad}}`, what: `${key} = ${bad.slice(0, 60)}` });
    }
    if (typeof base.config === 'object') {
      for (const key of CONFIG_KEYS) for (const bad of BAD_VALUES.slice(0, 12)) {
        const config = JSON.stringify({ ...(base.config as object), [key]: undefined }).slice(1, -1);
        const others = JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'config'))).slice(1, -1);
        out.push({ method, body: `{${others},"config":{${config}${config ? ',' : ''}"${key}":${bad}}}`, what: `config.${key} = ${bad.slice(0, 60)}` });
      }
    }
    for (const bad of ['null', '"__proto__"', '{"__proto__":{"polluted":1}}', deep5000]) out.push({ method, body: `{${baseText}${baseText ? ',' : ''}"zzz":${bad}}`, what: `zzz = ${bad.slice(0, 40)}` });
    for (const body of ['[]', '"x"', '1', 'null', '{"__proto__":{"polluted":1}}', `{"__proto__":{"polluted":1}${baseText ? `,${baseText}` : ''}}`, deep5000, '{"id":']) {
      out.push({ method, body, what: `body ${body.slice(0, 40)}` });
    }
  }
  for (const method of ['__proto__', 'constructor', 'toString', 'runs.__proto__', 'runs.constructor', 'hasOwnProperty', 'runs.hasOwnProperty', 'a.b', '..%2F..%2Fetc', '%00']) {
    out.push({ method, body: '{}', what: 'method name' });
  }
  return out;
}

test('hundreds of bad requests to every API method: no 500, none slow, nothing written when refused', { timeout: 120_000 }, async () => {
  const all = probes();
  assert.ok(METHODS.length >= 20 && METHODS.includes('runs.create'), `methods read from methods.ts: ${METHODS.join(', ')}`);
  assert.ok(all.length >= 300, `${all.length} probes`);
  const failures: string[] = [];
  let refused = 0;
  const started = Date.now();
  for (const p of all) {
    const before = snapshot();
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${server.port}/api/call/${p.method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-wid-token': server.token }, body: p.body,
      signal: AbortSignal.timeout(PER_REQUEST_MS * 2),
    });
    const text = await res.text();
    const ms = Date.now() - t0;
    const where = `${p.method} ${p.what}`;
    if (res.status >= 500) failures.push(`${where}: ${res.status} ${text.slice(0, 300)}`);
    if (ms > PER_REQUEST_MS) failures.push(`${where}: took ${ms} ms`);
    if (res.status >= 400) {
      refused++;
      let body: { error?: { code?: string; message?: string } } = {};
      try { body = JSON.parse(text); } catch { failures.push(`${where}: ${res.status} without a JSON body`); }
      if (!body.error?.message) failures.push(`${where}: ${res.status} without an error message`);
      if (snapshot() !== before) failures.push(`${where}: refused with ${res.status} but the store or the files changed`);
    }
  }
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype polluted');
  assert.deepEqual(failures, [], `${failures.length} of ${all.length} probes misbehaved:\n${failures.slice(0, 40).join('\n')}`);
  assert.ok(refused > all.length / 2, `only ${refused} of ${all.length} refused`);
  // the server is still there and answers a good request
  const ok = await fetch(`http://127.0.0.1:${server.port}/api/call/system.info`, { method: 'POST', headers: { 'x-wid-token': server.token }, body: '{}' });
  assert.equal(ok.status, 200);
  console.log(`# ${all.length} probes (${refused} refused) to ${METHODS.length} methods in ${Date.now() - started} ms`);
});
