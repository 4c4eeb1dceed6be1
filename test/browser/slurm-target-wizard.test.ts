// Issue 28 (browser part): the wizard's "Runs on" field sends a run to a registered SLURM target (the one-node cluster
// of scripts/slurm/local-cluster.sh); the run page says where it runs (target badge, SLURM job and state) and streams
// its steps from the cluster to the end; the runs list shows the target beside the status. The wizard's SLURM targets
// panel registers a target (the service's checks: a bad one is refused with its message at the field it names) and
// removes one, and "Runs on" follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot } from './support/browser.js';
import { serverAvailable, SERVE_ENTRY } from './support/webServer.js';
import { withFreshSession } from './support/session.js';
import { localCluster } from '../slurm/support/local-cluster.js';

const cluster = serverAvailable() ? localCluster() : { skip: `web server not built yet (${SERVE_ENTRY} missing)` };
const skip = 'skip' in cluster ? cluster.skip : false;

test('a selftest sent to a SLURM target from the wizard runs there and shows where it runs', { skip, timeout: 120_000 }, async (t) => {
  Object.assign(process.env, (cluster as { env: Record<string, string> }).env); // the server inherits the cluster's env
  const shared = mkdtempSync(join(tmpdir(), 'wid-browser-slurm-'));
  t.after(() => rmSync(shared, { recursive: true, force: true }));
  await withFreshSession('wid-browser-slurm-', async ({ page, server, call, errors }) => {
    await call('targets.register', { name: 'mini', sharedDir: shared, gpus: 0, cpus: 1, timeLimit: '10:00' });
    await page.goto(server.url);
    await page.getByTestId('nav-new').click();
    await page.getByTestId('method-selftest').check();
    await page.getByTestId('run-name').fill('on the cluster');
    await page.getByTestId('steps').fill('8');
    await page.getByTestId('delay-ms').fill('200');
    const select = page.getByTestId('target-select');
    assert.deepEqual(await select.locator('option').allInnerTexts(), ['local (this machine)', 'mini — SLURM, 0 GPUs/job']);
    await select.selectOption('mini');
    await page.getByTestId('start-run').click();

    const where = page.getByTestId('remote-job');
    await where.filter({ hasText: /job \d+/ }).waitFor({ timeout: 30_000 });
    assert.match(await where.innerText(), /Runs on SLURM target mini: job \d+/);
    assert.equal(await page.locator('[data-testid=run-title] [data-testid=target-badge]').innerText(), 'mini');
    await page.locator('[data-testid=run-title] [data-testid=status]').filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('run-step').innerText(), /step 8 \/ 8/);
    await where.filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'slurm-run-completed');

    const runs = await call('runs.list', {});
    assert.equal(runs[0]?.target, 'mini');
    await page.getByTestId('nav-runs').click();
    const row = page.getByTestId('run-row').filter({ hasText: 'on the cluster' });
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), /completed\s*mini/);
    assert.deepEqual(errors, []);
  });
});

test('the wizard registers and removes a SLURM target; a bad one is refused with the service\'s message at its field', { skip, timeout: 90_000 }, async (t) => {
  Object.assign(process.env, (cluster as { env: Record<string, string> }).env);
  const shared = mkdtempSync(join(tmpdir(), 'wid-browser-slurm-form-'));
  t.after(() => rmSync(shared, { recursive: true, force: true }));
  await withFreshSession('wid-browser-slurm-form-', async ({ page, server, call, errors }) => {
    await page.goto(server.url);
    await page.getByTestId('nav-new').click();
    await page.getByTestId('manage-targets').click();
    const panel = page.getByTestId('targets-panel');
    await panel.waitFor();
    const fill = async (values: Record<string, string>) => { for (const [k, v] of Object.entries(values)) await page.getByTestId(`target-${k}`).fill(v); };
    const refusedAt = async (field: string, pattern: RegExp) => {
      await page.getByTestId('register-target').click();
      const msg = page.getByTestId(`target-error-${field}`);
      await msg.waitFor({ timeout: 30_000 });
      assert.match(await msg.innerText(), pattern);
      assert.equal(await page.getByTestId(`target-${field}`).getAttribute('aria-invalid'), 'true');
    };
    // the settings, then the cluster: each refusal at the field it names, nothing registered
    await fill({ name: 'mini', sharedDir: 'relative/folder', gpus: '0', cpus: '1', timeLimit: '10:00' });
    await refusedAt('sharedDir', /^sharedDir: expected an absolute path, got "relative\/folder"$/);
    await fill({ sharedDir: shared, timeLimit: 'soon' });
    await refusedAt('timeLimit', /^timeLimit: expected a SLURM time limit/);
    await fill({ timeLimit: '10:00', partition: 'nosuchpartition' });
    await refusedAt('partition', /^target mini: the cluster refuses this target's jobs: invalid partition specified: nosuchpartition/);
    assert.deepEqual(await call('targets.list', {}), []);

    await fill({ partition: '' });
    await page.getByTestId('register-target').click();
    await page.getByTestId('target-notice').filter({ hasText: 'Registered SLURM target mini' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid^=target-error]').count(), 0, 'the refusal is gone');
    assert.match(await page.getByTestId('target-row').innerText(), /mini\s+SLURM on this machine, 0 GPUs and 1 CPU\/job, 10:00/);
    const select = page.getByTestId('target-select');
    assert.deepEqual(await select.locator('option').allInnerTexts(), ['local (this machine)', 'mini — SLURM, 0 GPUs/job']);
    assert.equal(await select.inputValue(), 'mini', 'the new target is chosen');
    assert.equal((await call('targets.list', {}))[0]?.settings.sharedDir, shared);

    // the same name again: the service's conflict, at the name
    await fill({ name: 'mini', sharedDir: shared, gpus: '0', cpus: '1', timeLimit: '10:00' });
    await refusedAt('name', /an execution target named "mini" is registered already/);

    await page.getByTestId('remove-target-mini').click();
    await page.getByTestId('target-notice').filter({ hasText: 'Removed SLURM target mini' }).waitFor();
    assert.deepEqual(await select.locator('option').allInnerTexts(), ['local (this machine)']);
    assert.equal(await select.inputValue(), 'local');
    assert.deepEqual(await call('targets.list', {}), []);
    assert.deepEqual(errors, []);
  });
});
