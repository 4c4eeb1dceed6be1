// The CLI's runner (ownRunsOnly) starts the runs its command created or resumed, never older queued runs
// that it would abandon, interrupted, when the command exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../src-main/app/service/index.js';
import { tempHome } from './support/runner-harness.js';

const QUICK = { steps: 2, backend: 'wasm' as const, seed: 1 };

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 40_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a CLI service runs the run it created and leaves a run queued by someone else queued', async (t) => {
  const home = tempHome(t);
  const app = await createService({ home, mode: 'web', startRunner: false });
  const older = await app.call('runs.create', { method: 'selftest', name: 'queued by the app', config: QUICK });
  await app.close();

  const cli = await createService({ home, mode: 'cli', ownRunsOnly: true });
  t.after(() => cli.close());
  const mine = await cli.call('runs.create', { method: 'selftest', name: 'mine', config: QUICK });
  await waitFor(async () => (await cli.call('runs.get', { id: mine.id })).status === 'completed', 'the CLI run to complete');
  // the runner had room after its own run: it must still not take the older one
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await cli.call('runs.get', { id: older.id })).status, 'queued');

  // resuming is adopting: a cancelled run resumed by this service runs here
  await cli.call('runs.cancel', { id: older.id });
  await cli.call('runs.resume', { id: older.id });
  await waitFor(async () => (await cli.call('runs.get', { id: older.id })).status === 'completed', 'the resumed run to complete');
});

test('without ownRunsOnly (the app) the runner starts every queued run', async (t) => {
  const home = tempHome(t);
  const first = await createService({ home, mode: 'cli', startRunner: false });
  const queued = await first.call('runs.create', { method: 'selftest', config: QUICK });
  await first.close();
  const app = await createService({ home, mode: 'web' });
  t.after(() => app.close());
  await waitFor(async () => (await app.call('runs.get', { id: queued.id })).status === 'completed', 'the queued run to complete');
});
