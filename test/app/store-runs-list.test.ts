// Store: runs.list search, filters, sort and limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src-main/app/store/index.js';

function seeded(t: { after: (fn: () => void) => void }): Store {
  const dir = mkdtempSync(join(tmpdir(), 'wid-store-'));
  const store = openStore(dir);
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });
  store.runs.insert({ name: 'Bravo wid 50%', method: 'wid', config: {}, seed: 1, tags: ['paper'] });
  store.runs.insert({ name: 'alpha', method: 'distilbert', config: {}, seed: 1, notes: 'baseline for wid' });
  store.runs.insert({ name: 'charlie', method: 'tinybert', config: {}, seed: 1 });
  const archived = store.runs.insert({ name: 'delta', method: 'wid', config: {}, seed: 1 });
  store.runs.update(archived.id, { archived: true });
  return store;
}

test('search matches name, method, notes and tags, and hides archived runs by default', (t) => {
  const store = seeded(t);
  assert.deepEqual(store.runs.list({ search: 'wid', sort: 'name', order: 'asc' }).map((r) => r.name), ['alpha', 'Bravo wid 50%']);
  assert.deepEqual(store.runs.list({ search: 'paper' }).map((r) => r.name), ['Bravo wid 50%']);
  assert.deepEqual(store.runs.list({ search: 'wid', includeArchived: true }).length, 3);
});

test('search treats % and _ literally', (t) => {
  const store = seeded(t);
  assert.deepEqual(store.runs.list({ search: '50%' }).map((r) => r.name), ['Bravo wid 50%']);
  assert.deepEqual(store.runs.list({ search: '_' }), []);
});

test('sort by name is case-insensitive, desc reverses it, and limit cuts the list', (t) => {
  const store = seeded(t);
  assert.deepEqual(store.runs.list({ sort: 'name', order: 'asc' }).map((r) => r.name), ['alpha', 'Bravo wid 50%', 'charlie']);
  assert.deepEqual(store.runs.list({ sort: 'name', order: 'desc', limit: 2 }).map((r) => r.name), ['charlie', 'Bravo wid 50%']);
});

test('status and method filters combine', (t) => {
  const store = seeded(t);
  const [first] = store.runs.list({ method: ['distilbert'] });
  store.runs.finish(first.id, 'failed', { error: 'x' });
  assert.deepEqual(store.runs.list({ status: ['failed'], method: ['distilbert', 'wid'] }).map((r) => r.name), ['alpha']);
  assert.deepEqual(store.runs.list({ status: ['queued'], method: ['distilbert'] }), []);
});
