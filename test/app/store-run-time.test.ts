// A resumed run's time (issue 27): resuming adds the segment that ended to earlier_seconds before the new segment
// overwrites started_at/finished_at, so the run's time is every segment's, finished, interrupted or running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src-main/app/store/index.js';
import { runTimeSeconds } from '../../src-main/shared/api/run-time.js';
import { tempHome } from './support/runner-harness.js';

test('each resume keeps the segment that ended; an interrupted one counts to its last step; the live one adds to them', (t) => {
  const store = openStore(tempHome(t));
  t.after(() => store.close());
  const run = store.runs.insert({ name: 'r', method: 'selftest', config: {}, seed: 1 });
  const times = (started: string, finished: string | null, lastStep: string | null) => store.db.prepare('UPDATE runs SET started_at = ?, finished_at = ?, last_step_at = ? WHERE id = ?')
    .run(`2026-01-01T${started}Z`, finished && `2026-01-01T${finished}Z`, lastStep && `2026-01-01T${lastStep}Z`, run.id);
  // segment 1: paused after 30 s
  assert.ok(store.runs.claim(run.id));
  store.runs.finish(run.id, 'paused');
  times('10:00:00', '10:00:30', '10:00:29');
  store.runs.requeue(run.id);
  assert.equal(store.runs.get(run.id)!.earlierSeconds, 30);
  assert.equal(runTimeSeconds(store.runs.get(run.id)!), 30, 'queued again, the time so far still shows');
  // segment 2: its process died after its last step at +20 s; noticed an hour later
  assert.ok(store.runs.claim(run.id));
  store.runs.finish(run.id, 'interrupted', { error: 'gone' });
  times('11:00:00', '12:00:00', '11:00:20');
  assert.equal(runTimeSeconds(store.runs.get(run.id)!), 50);
  store.runs.requeue(run.id);
  assert.equal(store.runs.get(run.id)!.earlierSeconds, 50);
  // segment 3: running for 7 s, then completed after 10 s
  assert.ok(store.runs.claim(run.id));
  times('13:00:00', null, null);
  assert.equal(runTimeSeconds(store.runs.get(run.id)!, Date.parse('2026-01-01T13:00:07Z')), 57);
  store.runs.finish(run.id, 'completed');
  times('13:00:00', '13:00:10', '13:00:10');
  assert.equal(runTimeSeconds(store.runs.get(run.id)!), 60);
});
