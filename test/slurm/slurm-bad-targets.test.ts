// Issue 28: a bad SLURM target is refused with a clear error before anything is written or submitted: an unknown
// partition, GPUs the cluster does not have, an unreachable login host, no sbatch on the PATH, a target name nobody
// registered. Over HTTP that is a 400, on the command line exit 2; no run row, run folder or SLURM job appears.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService, type Service } from '../../src-main/app/service/index.js';
import { ApiError } from '../../src-main/app/service/contract.js';
import { runWid } from '../app/support/runWid.js';
import { startServeProcess, type ServeProcess } from '../app/support/serve-process.js';
import { knownJobIds, localCluster } from './support/local-cluster.js';

const cluster = localCluster();
const skip = 'skip' in cluster ? cluster.skip : false;
const env = () => (cluster as { env: Record<string, string> }).env;

let home: string;
let shared: string;
let service: Service;

before(async () => {
  if (skip) return;
  Object.assign(process.env, env());
  home = mkdtempSync(join(tmpdir(), 'wid-slurm-bad-home-'));
  shared = mkdtempSync(join(tmpdir(), 'wid-slurm-bad-shared-'));
  service = await createService({ home, mode: 'cli', startRunner: false });
});
after(async () => {
  if (skip) return;
  await service.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

async function refused(call: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, 'bad_request');
    assert.match(err.message, pattern);
    return true;
  });
}

test('registration checks the cluster: unknown partition, GPUs it lacks, an unreachable host, a folder that is not there', { skip }, async () => {
  await refused(service.call('targets.register', { name: 'p', sharedDir: shared, gpus: 0, partition: 'nosuchpartition' }),
    /target p: the cluster refuses this target's jobs: invalid partition specified: nosuchpartition/);
  await refused(service.call('targets.register', { name: 'g', sharedDir: shared, gpus: 2 }), /target g: the cluster refuses this target's jobs: .*generic resource/i);
  await refused(service.call('targets.register', { name: 'h', sharedDir: shared, gpus: 0, host: 'wid-test-login.invalid' }),
    /target h: cannot reach the login host wid-test-login\.invalid over ssh/);
  await refused(service.call('targets.register', { name: 'd', sharedDir: join(shared, 'missing'), gpus: 0 }), /sharedDir: .*missing is not a folder/);
  await refused(service.call('targets.register', { name: 'o', sharedDir: shared, gpus: 0, host: '-oProxyCommand=x' }), /host: expected an ssh destination/);
  assert.deepEqual(await service.call('targets.list', {}), []);
});

test('without sbatch on the PATH, `wid targets add` and `wid run` with a target exit 2 naming it, and nothing is submitted', { skip }, async () => {
  const noSlurm = { ...env(), PATH: '/nonexistent' };
  const add = await runWid(['--home', home, 'targets', 'add', 'nos', '--shared', shared, '--gpus', '0'], { env: noSlurm, timeoutMs: 60_000 });
  assert.equal(add.code, 2, add.stderr);
  assert.match(add.stderr, /target nos: sbatch not found on this machine/);

  const ok = await runWid(['--home', home, 'targets', 'add', 'mini', '--shared', shared, '--gpus', '0', '--cpus', '1', '--time', '10:00'], { env: env(), timeoutMs: 60_000 });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /target mini registered: SLURM on this machine, 0 GPU\(s\) and 1 CPU\(s\) per job/);

  const jobsBefore = knownJobIds(env());
  const file = join(shared, '..', `wid-slurm-bad-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ method: 'selftest', target: 'mini', steps: 3, backend: 'cpu' }));
  try {
    const run = await runWid(['--home', home, 'run', '--config', file], { env: noSlurm, timeoutMs: 60_000 });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /target mini: sbatch not found on this machine/);
  } finally { rmSync(file, { force: true }); }
  assert.deepEqual(await service.call('runs.list', {}), [], 'no run written');
  assert.deepEqual(knownJobIds(env()).filter((id) => !jobsBefore.includes(id)), [], 'no job submitted');
  assert.deepEqual(readdirSync(shared), [], 'nothing written in the shared folder');
});

test('over HTTP a bad target is a 400 and leaves no run, run folder or job', { skip }, async (t) => {
  const serveHome = mkdtempSync(join(tmpdir(), 'wid-slurm-bad-serve-'));
  let serve: ServeProcess | null = null;
  t.after(async () => { await serve?.close(); rmSync(serveHome, { recursive: true, force: true }); });
  serve = await startServeProcess(serveHome, env());
  const jobsBefore = knownJobIds(env());
  const unknownName = await serve.call('runs.create', { method: 'selftest', config: { steps: 3 }, target: 'nowhere' });
  assert.equal(unknownName.status, 400);
  assert.match(unknownName.body.error.message, /target: no execution target named "nowhere" \(registered: local\)/);
  const badPartition = await serve.call('targets.register', { name: 'p', sharedDir: shared, gpus: 0, partition: 'nosuchpartition' }, 30_000);
  assert.equal(badPartition.status, 400);
  assert.match(badPartition.body.error.message, /invalid partition specified: nosuchpartition/);
  const group = await serve.call('groups.create', { methods: ['selftest'], config: { steps: 3 }, target: 'p' });
  assert.equal(group.status, 400);
  const runs = await serve.call('runs.list', {});
  assert.deepEqual(runs.body.result, []);
  assert.ok(!existsSync(join(serveHome, 'runs')) || readdirSync(join(serveHome, 'runs')).length === 0);
  assert.deepEqual(knownJobIds(env()).filter((id) => !jobsBefore.includes(id)), []);
});
