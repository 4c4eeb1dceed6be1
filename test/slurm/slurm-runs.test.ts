// Issue 28: runs on a real SLURM cluster (the one-node cluster of scripts/slurm/local-cluster.sh), through the same
// service as the app: a compare group submitted to a SLURM target completes and lands in the history with its curves
// and students; cancel mid-run takes the job off the cluster; scancel from outside leaves the run interrupted with
// SLURM's word for it, and resume continues from the checkpoint the job wrote on SIGTERM, every step counted once.
// Fine-tuning the group (groups.finetune) sends the fine-tunes where the group ran, and their scores come back.
// Tiny teacher, 3 distillation steps on wasm; selftests on cpu with a delay so there is time to act mid-run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../src-main/shared/api/index.js';
import { createService, type Service } from '../../src-main/app/service/index.js';
import { listCommand } from '../../src-main/cli/commands/listCommand.js';
import { showCommand } from '../../src-main/cli/commands/showCommand.js';
import { jobState, localCluster, waitFor } from './support/local-cluster.js';

const TEACHER = new URL('../fixtures/bert/tiny-teacher', import.meta.url).pathname;
const CORPUS = new URL('../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const GLUE = new URL('../fixtures/glue', import.meta.url).pathname;
const cluster = localCluster();
const skip = 'skip' in cluster ? cluster.skip : false;

let home: string;
let shared: string;
let service: Service;
let compareGroup: { id: number; members: number[] } | undefined;

before(async () => {
  if (skip) return;
  Object.assign(process.env, (cluster as { env: Record<string, string> }).env);
  home = mkdtempSync(join(tmpdir(), 'wid-slurm-home-'));
  shared = mkdtempSync(join(tmpdir(), 'wid-slurm-shared-'));
  service = await createService({ home, mode: 'web' });
  await service.call('models.register', { path: TEACHER, kind: 'teacher' });
  await service.call('datasets.register', { path: CORPUS, kind: 'corpus' });
  await service.call('datasets.register', { path: GLUE, kind: 'glue' });
  await service.call('targets.register', { name: 'mini', sharedDir: shared, gpus: 0, cpus: 1, timeLimit: '10:00' });
});
after(async () => {
  if (skip) return;
  await service.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

const get = (id: number) => service.call('runs.get', { id });
const settled = (id: number, timeoutMs = 120_000) =>
  waitFor(`run ${id} to stop`, async () => { const r = await get(id); return ['queued', 'running'].includes(r.status) ? null : r; }, timeoutMs);
const atStep = (id: number, step: number) =>
  waitFor(`run ${id} to reach step ${step}`, async () => { const r = await get(id); return (r.progress?.step ?? 0) >= step ? r : null; }, 90_000);
const logOf = async (id: number) => (await service.call('runs.log', { id })).map((l) => l.message).join('\n');
const lossSteps = async (id: number) => (await service.call('runs.metrics', { id, names: ['loss'] })).map((p) => p.step).sort((a, b) => a - b);
const studentOf = (models: { id: number; sourceRunId: number | null }[], runId: number) => models.find((m) => m.sourceRunId === runId)!;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('a compare group sent to the SLURM target runs as three jobs and lands in the history with curves and students', { skip }, async () => {
  const { group, runs } = await service.call('groups.create', {
    name: 'slurm compare', methods: ['wid', 'distilbert', 'tinybert'], target: 'mini',
    config: { teacherModelId: 1, datasetId: 1, target: { layers: 2, hidden: 32, heads: 4, intermediate: 64 }, steps: 3, batchSize: 2, seqLen: 16, backend: 'wasm', checkpointEvery: 0, seed: 5 },
  });
  assert.equal(runs.length, 3);
  // the cluster schedules them: all three are submitted at once, whatever the local concurrency (1)
  for (const r of runs) assert.equal(r.target, 'mini');
  const finals: RunRecord[] = [];
  for (const r of runs) finals.push(await settled(r.id, 240_000));
  for (const r of finals) {
    assert.equal(r.status, 'completed', `${r.method}: ${r.error}\n${await logOf(r.id)}`);
    assert.equal(r.groupId, group.id);
    assert.match(r.remote?.jobId ?? '', /^\d+$/);
    assert.equal(r.remote!.state, 'COMPLETED');
    assert.ok(r.remote!.jobDir.startsWith(shared), r.remote!.jobDir);
    assert.deepEqual(await lossSteps(r.id), [1, 2, 3], `${r.method}: one loss point per step`);
    assert.equal(r.backend, 'wasm');
    const log = await logOf(r.id);
    assert.match(log, new RegExp(`submitted SLURM job ${r.remote!.jobId} to target mini`));
    assert.match(log, /job started on \S+ \(SLURM job \d+\)/);
  }
  // the teacher and corpus were not on the shared folder: copied there once, for all three jobs
  const inputs = readdirSync(join(shared, 'wid-workbench', 'inputs')).filter((n) => !n.endsWith('.complete'));
  assert.equal(inputs.filter((n) => n.endsWith('-tiny-teacher')).length, 1, inputs.join(', '));
  // each run's student is registered in the history, read from the shared folder
  const students = await service.call('models.list', { kind: 'student' });
  for (const r of finals) {
    const s = students.filter((m) => m.sourceRunId === r.id);
    assert.equal(s.length, 1, `${r.method}: one student`);
    assert.ok(s[0]!.path.startsWith(shared) && existsSync(join(s[0]!.path, 'model.safetensors')), s[0]!.path);
  }
  // `wid list` and `wid show` tell where each run ran
  const lines: string[] = [];
  await listCommand(service, {}, (l) => lines.push(l));
  for (const r of finals) assert.match(lines.join('\n'), new RegExp(`mini #${r.remote!.jobId}`));
  const shown: string[] = [];
  await showCommand(service, finals[0]!.id, {}, (l) => shown.push(l));
  assert.match(shown.join('\n'), new RegExp(`target    mini: SLURM job ${finals[0]!.remote!.jobId}`));
  compareGroup = { id: group.id, members: finals.map((r) => r.id) };
});

test('fine-tuning the group sends each member\'s fine-tune to the group\'s target; its score lands in the history', { skip }, async () => {
  assert.ok(compareGroup, 'the compare group of the test above completed');
  const FT = { datasetId: 2, tasks: ['RTE' as const], lr: 1e-3, epochs: 1, batchSize: 8, maxLength: 16, maxTrainRows: 8, maxDevRows: 8, efficiency: false, backend: 'wasm' as const };
  // a target the request names is checked before anything is written
  await assert.rejects(service.call('groups.finetune', { id: compareGroup.id, config: FT, includeTeacher: false, target: 'nowhere' }),
    (e: Error & { code?: string }) => e.code === 'bad_request' && /no execution target named "nowhere"/.test(e.message));
  assert.equal((await service.call('runs.list', { method: ['finetune'] })).length, 0, 'nothing was queued');
  // no target named: where the group ran
  const { runs } = await service.call('groups.finetune', { id: compareGroup.id, config: FT, includeTeacher: false });
  assert.deepEqual(runs.map((r) => r.parentRunId), compareGroup.members);
  for (const r of runs) assert.equal(r.target, 'mini', `fine-tune ${r.id} runs on the group's target`);
  const students = await service.call('models.list', { kind: 'student' });
  for (const r of runs) {
    const final = await settled(r.id, 240_000);
    assert.equal(final.status, 'completed', `${final.error}\n${await logOf(r.id)}`);
    assert.equal(final.groupId, compareGroup.id);
    assert.match(final.remote?.jobId ?? '', /^\d+$/, 'ran as a SLURM job');
    assert.match(await logOf(r.id), new RegExp(`submitted SLURM job ${final.remote!.jobId} to target mini`));
    const evals = await service.call('runs.evaluations', { id: r.id });
    const student = studentOf(students, r.parentRunId!);
    assert.deepEqual(evals.map((e) => `${e.task}/${e.metric}`), ['RTE/accuracy', 'RTE/score']);
    assert.ok(evals.every((e) => e.modelId === student.id), 'the score is the member\'s student\'s');
  }
});

test('cancel mid-run stops the job at its next step and takes it off the cluster', { skip }, async () => {
  const run = await service.call('runs.create', { method: 'selftest', target: 'mini', config: { steps: 400, delayMs: 100, backend: 'cpu' } });
  await atStep(run.id, 2);
  await service.call('runs.cancel', { id: run.id });
  const final = await settled(run.id, 60_000);
  assert.equal(final.status, 'cancelled', final.error ?? '');
  assert.ok((final.progress?.step ?? 0) < 400);
  const state = await waitFor('the job to leave the queue', () => { const s = jobState(final.remote!.jobId, (cluster as { env: Record<string, string> }).env); return s && !['RUNNING', 'PENDING', 'COMPLETING'].includes(s) ? s : null; }, 30_000);
  assert.match(state, /^(COMPLETED|CANCELLED)$/);
});

test('scancel from outside leaves the run interrupted with SLURM\'s reason; resume finishes it from its checkpoint, each step once', { skip }, async () => {
  const steps = 30;
  const run = await service.call('runs.create', { method: 'selftest', target: 'mini', config: { steps, delayMs: 150, backend: 'cpu', seed: 3 } });
  const mid = await atStep(run.id, 5);
  const firstJob = mid.remote!.jobId;
  execFileSync('scancel', [firstJob], { env: process.env });
  const stopped = await settled(run.id, 60_000);
  assert.equal(stopped.status, 'interrupted');
  assert.match(stopped.error ?? '', new RegExp(`SLURM job ${firstJob} ended CANCELLED.*resume the run`));
  const stoppedAt = stopped.progress!.step;
  assert.ok(stoppedAt < steps, `stopped at ${stoppedAt}`);
  assert.match(await logOf(run.id), /received SIGTERM/);

  await service.call('runs.resume', { id: run.id });
  const final = await settled(run.id, 90_000);
  assert.equal(final.status, 'completed', final.error ?? '');
  assert.notEqual(final.remote!.jobId, firstJob, 'resume submits a new job');
  assert.equal(final.result?.steps, steps);
  assert.match(await logOf(run.id), /selftest: resuming after step \d+/);
  assert.deepEqual(await lossSteps(run.id), range(steps), 'every step once: nothing lost, nothing counted twice');

  // removing the run removes its job folder on the shared folder too
  assert.ok(existsSync(final.remote!.jobDir));
  await service.call('runs.remove', { id: run.id });
  assert.ok(!existsSync(final.remote!.jobDir));
});

test('a job SLURM requeues (as after a node failure) runs again under the same job id, resumes from its checkpoint and completes, each step once', { skip }, async () => {
  const steps = 30;
  const run = await service.call('runs.create', { method: 'selftest', target: 'mini', config: { steps, delayMs: 150, backend: 'cpu', seed: 4 } });
  const mid = await atStep(run.id, 5);
  execFileSync('scontrol', ['requeue', mid.remote!.jobId], { env: process.env });
  // SLURM holds a requeued job back for a while (BeginTime); a test has no minutes to wait, so release it now
  await waitFor('the job back in the queue', () => jobState(mid.remote!.jobId, process.env as Record<string, string>) === 'PENDING', 30_000);
  execFileSync('scontrol', ['update', `jobid=${mid.remote!.jobId}`, 'StartTime=now'], { env: process.env });
  const final = await settled(run.id, 120_000);
  assert.equal(final.status, 'completed', `${final.error}\n${await logOf(run.id)}`);
  assert.equal(final.remote!.jobId, mid.remote!.jobId, 'the same job, requeued');
  const log = await logOf(run.id);
  assert.match(log, /SLURM requeued job \d+ \(restart 1\): resuming from the last checkpoint/);
  assert.match(log, /selftest: resuming after step \d+/);
  assert.deepEqual(await lossSteps(run.id), range(steps));
});

test('a job that fails on the cluster leaves the run failed with SLURM\'s state and the last line of the job\'s log', { skip }, async () => {
  await service.call('targets.register', { name: 'nonode', sharedDir: shared, gpus: 0, cpus: 1, timeLimit: '10:00', node: '/nonexistent/bin/node' });
  const run = await service.call('runs.create', { method: 'selftest', target: 'nonode', config: { steps: 3, backend: 'cpu' } });
  const final = await settled(run.id, 60_000);
  assert.equal(final.status, 'failed');
  assert.match(final.error ?? '', new RegExp(`^SLURM job ${final.remote!.jobId} failed \\(FAILED, exit code 127:0.*\\); its log: ${final.remote!.jobDir}/slurm-${final.remote!.jobId}\\.out: .*/nonexistent/bin/node`));
  assert.match(await logOf(run.id), /the last lines of .*slurm-\d+\.out:\n/);
});

test('the packed app\'s job worker is copied to the shared folder with the packages it loads, and the job runs that copy', { skip, timeout: 240_000 }, async (t) => {
  // built inside the checkout, where the packages are found as in a packed app (node_modules above dist/)
  const out = join(new URL('../..', import.meta.url).pathname, 'dist', `slurm-test-${process.pid}`);
  t.after(() => { rmSync(out, { recursive: true, force: true }); delete process.env.WID_SLURM_JOB_ENTRY; });
  const built = spawnSync(process.execPath, ['scripts/build-main.mjs', '--out', out], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  process.env.WID_SLURM_JOB_ENTRY = join(out, 'slurm-job.cjs');
  const run = await service.call('runs.create', { method: 'selftest', target: 'mini', config: { steps: 4, backend: 'wasm' } });
  const final = await settled(run.id, 120_000);
  assert.equal(final.status, 'completed', `${final.error}\n${await logOf(run.id)}`);
  assert.equal(final.backend, 'wasm');
  const bundle = /job worker bundle: (\S+)/.exec(await logOf(run.id))?.[1] ?? '';
  assert.ok(bundle.startsWith(join(shared, 'wid-workbench', 'bundle')), bundle);
  assert.ok(existsSync(join(bundle, 'slurm-job.cjs')));
  for (const pkg of ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core', 'webgpu']) assert.ok(existsSync(join(bundle, 'node_modules', pkg, 'package.json')), pkg);
  const script = readFileSync(join(final.remote!.jobDir, 'job.sbatch'), 'utf8');
  assert.match(script, new RegExp(`exec node ${bundle}/slurm-job.cjs `), 'the job runs the copy on the shared folder');
});
