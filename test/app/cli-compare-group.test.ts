// `wid run` with "method": "compare" (issue 5): one config file makes a compare group through groups.create, the
// CLI follows WID, DistilBERT and TinyBERT to the end (queued one after another by default, --parallel N at once,
// Ctrl-C cancels them all), and `wid groups` / `wid groups show` / `wid compare --group` show them side by side.
// Real CLI processes for the runs (exit codes, Ctrl-C); the listing commands run in this process on the real service
// over the same data folder (each CLI start costs seconds here). Tiny teacher, 3 steps of 2 x 16 tokens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRecord, RunGroupRecord, RunRecord } from '../../src-main/shared/api/index.js';
import { createService, type Service } from '../../src-main/app/service/index.js';
import { exitCodeFor } from '../../src-main/cli/cliError.js';
import { compareCommand } from '../../src-main/cli/commands/compareCommand.js';
import { groupsListCommand, groupsShowCommand } from '../../src-main/cli/commands/groupsCommands.js';
import { runCommand } from '../../src-main/cli/commands/runCommands.js';
import type { GroupView } from '../../src-main/cli/groupView.js';
import { runWid, WID_BIN } from './support/runWid.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const TARGET = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };

let home: string;
let cwd: string;
let service: Service;
const wid = (...args: string[]) => runWid(['--home', home, ...args], { cwd, timeoutMs: 120_000 });
/** A CLI command run here on the real service: its exit code and printed text. */
async function inProcess(command: (print: (line: string) => void) => Promise<number>): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const code = await command((l) => lines.push(l));
  return { code, stdout: lines.join('\n') };
}
const groupView = async (id: number) => JSON.parse((await inProcess((p) => groupsShowCommand(service, id, { json: true }, p))).stdout) as GroupView;
const config = (name: string, extra: Record<string, unknown>) => {
  const path = join(cwd, name);
  writeFileSync(path, JSON.stringify({
    method: 'compare', teacherModelId: 1, datasetId: 1, target: TARGET,
    steps: 3, batchSize: 2, seqLen: 16, backend: 'wasm', checkpointEvery: 0, seed: 5, ...extra,
  }));
  return path;
};

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'wid-cli-group-home-'));
  cwd = mkdtempSync(join(tmpdir(), 'wid-cli-group-cwd-'));
  service = await createService({ home, mode: 'cli', startRunner: false });
  assert.equal((await service.call('models.register', { path: TEACHER, kind: 'teacher' })).id, 1);
  assert.equal((await service.call('datasets.register', { path: CORPUS, kind: 'corpus' })).id, 1);
});
after(async () => {
  await service.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

test('a compare config with a bad field or method exits 2 naming it and writes no group, run or run folder', async () => {
  const badField = await wid('run', '--config', config('bad-field.json', { steps: 'many' }));
  assert.equal(badField.code, 2, badField.stderr);
  assert.match(badField.stderr, /steps: expected an integer/);
  await assert.rejects(inProcess((p) => runCommand(service, config('bad-method.json', { methods: ['wid', 'bert'] }), {}, p)), (err: Error) => {
    assert.equal(exitCodeFor(err), 2);
    assert.match(err.message, /methods\[1\] \(bert\): method: expected one of/);
    return true;
  });
  assert.deepEqual(await service.call('groups.list', {}), []);
  assert.deepEqual(await service.call('runs.list', { includeArchived: true }), []);
  const runsDir = join(home, 'runs');
  assert.ok(!existsSync(runsDir) || readdirSync(runsDir).length === 0, 'no run folder written');
});

test('wid run "method": "compare" runs WID, DistilBERT and TinyBERT as one group, one after another, and registers three students', async () => {
  const res = await wid('run', '--config', config('compare.json', { name: 'tiny compare' }));
  assert.equal(res.code, 0, `stdout:\n${res.stdout}\nstderr:\n${res.stderr}`);
  assert.match(res.stdout, /group 1 "tiny compare" created: run 1 \(wid, running\), run 2 \(distilbert, queued\), run 3 \(tinybert, queued\)/);
  for (const id of [1, 2, 3]) assert.match(res.stdout, new RegExp(`run ${id} \\[distill\\] step 3/3 loss=`));

  const groups = JSON.parse((await inProcess((p) => groupsListCommand(service, { json: true }, p))).stdout) as (RunGroupRecord & { runIds: number[] })[];
  assert.deepEqual(groups.map((g) => [g.id, g.name, g.runIds]), [[1, 'tiny compare', [1, 2, 3]]]);
  const view = await groupView(1);
  assert.deepEqual(view.members.map((m) => [m.run.method, m.run.status, m.student, m.parameterCount]), [
    ['wid', 'completed', '2L-32H-4A-64I', 157600],
    ['distilbert', 'completed', '2L-32H-4A-64I', 157600],
    ['tinybert', 'completed', '2L-32H-4A-64I', 157600],
  ]);
  for (const m of view.members) {
    assert.equal(m.steps, '3/3');
    assert.equal(m.run.backend, 'wasm');
    assert.ok(Number.isFinite(m.lossFirst) && Number.isFinite(m.lossLast), `${m.run.method} losses`);
    assert.ok(Object.keys(m.lossParts).length > 0, `${m.run.method} loss parts`);
    assert.ok(m.wallSeconds! > 0);
  }
  // the CLI's runner has concurrency 1: each member starts after the previous one finished
  const runs: RunRecord[] = view.members.map((m) => m.run);
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.startedAt! >= runs[i - 1]!.finishedAt!, `run ${runs[i]!.id} started before run ${runs[i - 1]!.id} finished`);

  const students: ModelRecord[] = await service.call('models.list', { kind: 'student' });
  assert.deepEqual(students.map((s) => s.sourceRunId).sort(), [1, 2, 3]);
  assert.deepEqual(view.members.map((m) => m.studentModel?.id).sort(), students.map((s) => s.id).sort());
});

test('wid groups show prints the runs side by side; wid compare --group compares their students with the teacher', async () => {
  const show = await inProcess((p) => groupsShowCommand(service, 1, {}, p));
  assert.equal(show.code, 0);
  assert.match(show.stdout, /^group 1: tiny compare/);
  assert.match(show.stdout, /run\s+method\s+status\s+student\s+params\s+model\s+loss first -> last\s+steps\s+wall s\s+train s\s+backend/);
  for (const [id, method] of [[1, 'wid'], [2, 'distilbert'], [3, 'tinybert']] as const) {
    assert.match(show.stdout, new RegExp(`${id}\\s+${method}\\s+completed\\s+2L-32H-4A-64I\\s+157600\\s+\\d+\\s+[\\d.]+ -> [\\d.]+\\s+3/3\\s+[\\d.]+\\s+[\\d.]+\\s+wasm`));
  }
  assert.match(show.stdout, /run 2 distilbert last step: loss\/ce=\S+ loss\/cos=\S+ loss\/mlm=/);

  const compare = await inProcess((p) => compareCommand(service, { group: '1' }, p));
  assert.equal(compare.code, 0);
  assert.match(compare.stdout, /tiny-teacher \(teacher\)\s+345920/);
  for (const method of ['wid', 'distilbert', 'tinybert']) assert.match(compare.stdout, new RegExp(`${method} student \\(run \\d\\)\\s+157600`));

  await assert.rejects(groupsShowCommand(service, 9, {}, () => {}), (err: Error) => {
    assert.equal(exitCodeFor(err), 1);
    assert.match(err.message, /no compare group with id 9/);
    return true;
  });
});

test('--parallel 3 runs the members at once, and Ctrl-C cancels every one of them (exit 130)', async () => {
  const file = config('long.json', { name: 'cancelled compare', steps: 2000 });
  // its own process group, which gets the SIGINT as a terminal's Ctrl-C would (wrapper, CLI and job workers)
  const child = spawn(process.execPath, [WID_BIN, '--home', home, 'run', '--config', file, '--parallel', '3'], {
    cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += String(d); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 90_000);
  try {
    const allTraining = await Promise.race([
      new Promise<boolean>((resolve) => child.stdout.on('data', (d) => {
        stdout += String(d);
        // every member has trained at least one step: all three are running at the same time
        if ([4, 5, 6].every((id) => new RegExp(`run ${id} \\[distill\\] step`).test(stdout))) resolve(true);
      })),
      exited.then(() => false),
    ]);
    assert.ok(allTraining, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    assert.equal(code, 130, `stdout:\n${stdout}\nstderr:\n${stderr}`);
  } finally {
    clearTimeout(timer);
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* the group has exited */ }
  }
  assert.match(stdout, /cancelling runs 4, 5, 6/);
  const view = await groupView(2);
  assert.deepEqual(view.members.map((m) => [m.run.id, m.run.status]), [[4, 'cancelled'], [5, 'cancelled'], [6, 'cancelled']]);
  const runs = view.members.map((m) => m.run);
  const lastStart = runs.map((r) => r.startedAt!).sort().at(-1)!;
  assert.ok(runs.every((r) => r.finishedAt! > lastStart), 'all three were running at once');
});
