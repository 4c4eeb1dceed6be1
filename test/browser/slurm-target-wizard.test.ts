// Issue 28 (browser part): the wizard's "Runs on" field sends a run to a registered SLURM target (the one-node cluster
// of scripts/slurm/local-cluster.sh); the run page says where it runs (target badge, SLURM job and state) and streams
// its steps from the cluster to the end; the runs list shows the target beside the status.
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
