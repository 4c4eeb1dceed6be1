// Issue 14 item 11: `wid list` shows each finished run's loss (the last progress event of a finished run, the
// export or efficiency phase, carries none); the run's log (runs.log) keeps what the CLI printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src-main/app/service/index.js';
import { listCommand } from '../../src-main/cli/commands/listCommand.js';
import { formatNumber } from '../../src-main/cli/textTable.js';

async function finished(call: (id: number) => Promise<{ status: string; error: string | null }>, id: number) {
  for (let i = 0; i < 600; i++) {
    const r = await call(id);
    if (!['queued', 'running'].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`run ${id} did not finish`);
}

const root = new URL('../..', import.meta.url).pathname;

test('wid list prints a finished distillation run\'s final loss (its last event, the export, has none), and its log holds the backend line', { timeout: 60_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'wid-list-loss-'));
  const s = await createService({ home, mode: 'cli', startRunner: true });
  try {
    const teacher = await s.call('models.register', { path: join(root, 'test/fixtures/bert/tiny-teacher'), name: 'tiny' });
    const corpus = await s.call('datasets.register', { path: join(root, 'test/fixtures/corpus'), kind: 'corpus' });
    const run = await s.call('runs.create', { method: 'distilbert', name: 'loss shown', config: {
      teacherModelId: teacher.id, datasetId: corpus.id, preset: 'distilbert', steps: 2, batchSize: 2, seqLen: 16, backend: 'wasm', seed: 1 } });
    const done = await finished((id) => s.call('runs.get', { id }), run.id);
    assert.equal(done.status, 'completed');
    const stored = await s.call('runs.get', { id: run.id });
    assert.equal(stored.progress?.values.loss, undefined, 'the last progress event carries no loss (the case the list got wrong)');
    const final = stored.result!.finalLoss as number;
    const lines: string[] = [];
    assert.equal(await listCommand(s, {}, (l) => lines.push(l)), 0);
    const row = lines.join('\n').split('\n').find((l) => l.includes('loss shown'))!;
    assert.ok(row.includes(` ${formatNumber(final)} `), `the row shows loss ${formatNumber(final)}: ${row}`);
    const log = await s.call('runs.log', { id: run.id });
    assert.ok(log.some((l) => l.level === 'info' && /^backend: wasm/.test(l.message)), JSON.stringify(log));
  } finally {
    await s.close();
    rmSync(home, { recursive: true, force: true });
  }
});
