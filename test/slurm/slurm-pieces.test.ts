// The SLURM target's pieces that need no cluster: the batch script, the shared folder's two views, the events-file
// tail (complete lines only, a killed attempt's half line skipped), SLURM states -> run outcomes, target settings,
// and a `wid run` file's string "target" (where to run) beside an object "target" (the student's size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchScript, jobOptions } from '../../src-main/app/slurm/batch-script.js';
import { shellQuote } from '../../src-main/app/slurm/command.js';
import { readEvents } from '../../src-main/app/slurm/event-tail.js';
import { SharedPaths } from '../../src-main/app/slurm/job-files.js';
import { outcomeOf } from '../../src-main/app/slurm/job-state.js';
import { parseTargetSettings } from '../../src-main/app/service/targets.js';
import { ApiError } from '../../src-main/app/service/contract.js';
import { readRunConfigFile } from '../../src-main/cli/runConfigFile.js';

const settings = parseTargetSettings({ sharedDir: '/nfs/wid', remoteDir: '/scratch/me/wid', partition: 'gpu', account: 'lab', gpus: 2, cpus: 8, timeLimit: '1-00:00:00' });

test('target settings: defaults, and values that would reach a shell or ssh as options are refused', () => {
  const d = parseTargetSettings({ sharedDir: '/nfs/wid/' });
  assert.deepEqual(d, { host: null, partition: null, account: null, gpus: 1, cpus: 4, timeLimit: '04:00:00', sharedDir: '/nfs/wid', remoteDir: null, node: 'node', requeue: true });
  for (const [req, pattern] of [
    [{ sharedDir: 'rel/dir' }, /sharedDir: expected an absolute path/],
    [{ sharedDir: '/x', host: '-oProxyCommand=evil' }, /host: expected an ssh destination/],
    [{ sharedDir: '/x', partition: 'gpu;rm -rf /' }, /partition: expected a SLURM partition name/],
    [{ sharedDir: '/x', timeLimit: 'forever' }, /timeLimit: expected a SLURM time limit/],
    [{ sharedDir: '/x', node: 'node --inspect' }, /node: expected a command/],
    [{ sharedDir: '/x', gpus: -1 }, /gpus: expected an integer from 0 to 64/],
  ] as const) {
    assert.throws(() => parseTargetSettings(req as Record<string, unknown>), (e: unknown) => e instanceof ApiError && e.code === 'bad_request' && pattern.test(e.message));
  }
});

test('the batch script asks for the target\'s resources, requeue, its log in the job folder, and runs the worker there', () => {
  assert.deepEqual(jobOptions(settings), ['--partition=gpu', '--account=lab', '--gres=gpu:2', '--cpus-per-task=8', '--time=1-00:00:00']);
  assert.deepEqual(jobOptions({ ...settings, gpus: 0, partition: null, account: null }), ['--cpus-per-task=8', '--time=1-00:00:00']);
  const script = batchScript({ settings, runId: 7, jobDir: "/scratch/me/wid/it's/run-7", worker: ['node', '/scratch/me/wid/bundle/x/slurm-job.cjs'] });
  assert.match(script, /^#!\/bin\/bash\n#SBATCH --job-name=wid-run-7\n#SBATCH --partition=gpu\n/);
  assert.match(script, /#SBATCH --gres=gpu:2\n/);
  assert.match(script, /#SBATCH --requeue\n/);
  assert.match(script, /#SBATCH --output=\/scratch\/me\/wid\/it's\/run-7\/slurm-%j.out\n/);
  assert.match(script, /\nexec node \/scratch\/me\/wid\/bundle\/x\/slurm-job.cjs '\/scratch\/me\/wid\/it'\\''s\/run-7'\n$/);
  assert.match(batchScript({ settings: { ...settings, requeue: false }, runId: 1, jobDir: '/j', worker: ['node'] }), /#SBATCH --no-requeue\n/);
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote('/plain/path-1.txt'), '/plain/path-1.txt');
});

test('the shared folder: a path here is the same file at the cluster\'s mount, and back; other paths stay', () => {
  const p = new SharedPaths(settings);
  assert.equal(p.toRemote('/nfs/wid/wid-workbench/abc/run-1/work'), '/scratch/me/wid/wid-workbench/abc/run-1/work');
  assert.equal(p.toLocal('/scratch/me/wid/wid-workbench/abc/run-1/work/student'), '/nfs/wid/wid-workbench/abc/run-1/work/student');
  assert.equal(p.toLocal('/home/me/elsewhere'), '/home/me/elsewhere');
  assert.equal(p.isShared('/nfs/widx/a'), false);
  assert.throws(() => p.toRemote('/home/me/teacher'), /not inside the shared folder/);
  const same = new SharedPaths({ sharedDir: '/nfs/wid', remoteDir: null });
  assert.equal(same.toRemote('/nfs/wid/a'), '/nfs/wid/a');
});

test('the events tail returns complete lines with their end offsets, and skips half a line a killed attempt left', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-events-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'events-1.jsonl');
  assert.deepEqual(readEvents(file, 0), [], 'no file yet: nothing');
  const a = `${JSON.stringify({ type: 'log', level: 'info', message: 'a' })}\n`;
  writeFileSync(file, `${a}{"type":"progress","progr`);
  const first = readEvents(file, 0);
  assert.deepEqual(first, [{ message: { type: 'log', level: 'info', message: 'a' }, end: Buffer.byteLength(a) }], 'the unfinished line waits');
  // the next attempt starts on a fresh line (slurm-job.ts), leaving the fragment as a line of its own
  const b = `${JSON.stringify({ type: 'done', result: { é: 1 } })}\n`;
  appendFileSync(file, `\n${b}`);
  const rest = readEvents(file, first[0]!.end);
  assert.equal(rest.length, 2);
  assert.equal(rest[0]!.message, undefined, 'the fragment is no message');
  assert.deepEqual(rest[1]!.message, { type: 'done', result: { é: 1 } });
  assert.equal(rest[1]!.end, Buffer.byteLength(a) + Buffer.byteLength('{"type":"progress","progr\n') + Buffer.byteLength(b));
  assert.deepEqual(readEvents(file, rest[1]!.end), []);
});

test('SLURM states: still queued or running, completed, the job\'s failure, or ended by the scheduler (resumable)', () => {
  for (const s of ['PENDING', 'RUNNING', 'COMPLETING', 'REQUEUED', 'SUSPENDED']) assert.equal(outcomeOf(s), 'active', s);
  assert.equal(outcomeOf('COMPLETED'), 'completed');
  for (const s of ['FAILED', 'OUT_OF_MEMORY']) assert.equal(outcomeOf(s), 'failed', s);
  for (const s of ['CANCELLED', 'NODE_FAIL', 'PREEMPTED', 'TIMEOUT', 'BOOT_FAIL', 'DEADLINE']) assert.equal(outcomeOf(s), 'interrupted', s);
});

test('a `wid run` file: a string "target" is where to run, an object "target" stays the student\'s size', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wid-run-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: unknown) => { const f = join(dir, name); writeFileSync(f, JSON.stringify(data)); return f; };
  const size = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };
  assert.deepEqual(readRunConfigFile(write('flat.json', { method: 'compare', target: 'gpu', steps: 3 })), { method: 'compare', target: 'gpu', config: { steps: 3 } });
  assert.deepEqual(readRunConfigFile(write('size.json', { method: 'wid', target: size })), { method: 'wid', config: { target: size } });
  assert.deepEqual(readRunConfigFile(write('nested.json', { method: 'wid', target: 'gpu', config: { target: size } })), { method: 'wid', target: 'gpu', config: { target: size } });
});
