// Out-of-order loads: only the newest one may write (the group table once showed a stale '—' after all fine-tunes
// had completed, because an older load resolved last).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestLoad } from '../../src-renderer/src/lib/latestLoad.js';

test('a load that resolves after a newer one started is not the latest; the newer one is', async () => {
  const begin = latestLoad();
  let shown = 'none';
  const load = async (value: string, ms: number) => {
    const isLatest = begin();
    await new Promise((r) => setTimeout(r, ms));
    if (isLatest()) shown = value;
  };
  await Promise.all([load('stale', 30), load('fresh', 5)]);
  assert.equal(shown, 'fresh');
});

test('each loader keeps its own sequence', () => {
  const a = latestLoad(), b = latestLoad();
  const a1 = a();
  b();
  assert.equal(a1(), true, 'a load on another view does not make this one stale');
  a();
  assert.equal(a1(), false);
});
