// A compare group run through the service and job runner on the tiny teacher and corpus: registers both, creates
// the group from the request the test builds, and waits for every member to finish.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createService } from '../../../src-main/app/service/index.js';
import type { ApiRequest, RunRecord } from '../../../src-main/shared/api/index.js';
import { TINY_TEACHER } from './tiny-run.js';

const CORPUS = new URL('../../fixtures/corpus/pride-and-prejudice.txt', import.meta.url).pathname;
const FINISHED = ['completed', 'failed', 'cancelled', 'interrupted'];

type Service = Awaited<ReturnType<typeof createService>>;

/** The tiny teacher (2L-64H-4A-128I) with a shared target that keeps 2 layers and halves the width. */
export const TINY_TARGET = { layers: 2, hidden: 32, heads: 4, intermediate: 64 };

export async function runCompareGroup(t: TestContext, concurrency: number,
  request: (ids: { teacherModelId: number; datasetId: number }) => ApiRequest<'groups.create'>):
  Promise<{ s: Service; group: { id: number }; runs: RunRecord[]; finished: Map<number, RunRecord> }> {
  const home = mkdtempSync(join(tmpdir(), 'wid-compare-'));
  const s = await createService({ home, mode: 'cli', concurrency });
  t.after(async () => { await s.close(); rmSync(home, { recursive: true, force: true }); });
  const teacher = await s.call('models.register', { path: TINY_TEACHER, kind: 'teacher' });
  const corpus = await s.call('datasets.register', { path: CORPUS, kind: 'corpus' });
  const { group, runs } = await s.call('groups.create', request({ teacherModelId: teacher.id, datasetId: corpus.id }));
  const finished = new Map<number, RunRecord>();
  const deadline = Date.now() + 170_000;
  while (finished.size < runs.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    for (const r of runs) {
      const now = await s.call('runs.get', { id: r.id });
      if (FINISHED.includes(now.status)) finished.set(r.id, now);
    }
  }
  return { s, group, runs, finished };
}
