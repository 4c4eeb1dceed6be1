// Service: bad input gets bad_request naming the field and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService } from '../../src-main/app/service/index.js';
import { ApiError, type Service } from '../../src-main/app/service/contract.js';
import { tempHome } from './support/runner-harness.js';

async function service(t: Parameters<typeof tempHome>[0]): Promise<Service> {
  // startRunner: false, so created runs stay queued and nothing runs in the background
  const s = await createService({ home: tempHome(t), mode: 'cli', startRunner: false });
  t.after(() => s.close());
  return s;
}

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('a malformed selftest config is a bad_request naming the field, and no run is written', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('runs.create', { method: 'selftest', config: { steps: -3 } }), 'bad_request', /steps: expected a positive integer.*-3/);
  await rejectsWith(s.call('runs.create', { method: 'selftest', config: { batchSize: 'eight' as never } }), 'bad_request', /batchSize/);
  await rejectsWith(s.call('runs.create', { method: 'selftest', config: 'steps=3' as never }), 'bad_request', /config: expected an object/);
  assert.deepEqual(await s.call('runs.list', { includeArchived: true }), []);
});

test('an unknown method is a bad_request listing the registered ones', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('runs.create', { method: 'bogus' as never, config: {} }), 'bad_request', /method: expected one of .*selftest.*"bogus"/);
  assert.deepEqual(await s.call('runs.list', {}), []);
});

test('a config naming an unregistered teacher or dataset is a bad_request and writes nothing', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('runs.create', { method: 'selftest', config: { teacherModelId: 7 } }), 'bad_request', /config.teacherModelId: no registered model with id 7/);
  await rejectsWith(s.call('runs.create', { method: 'selftest', config: { datasetId: 'x' as never } }), 'bad_request', /config.datasetId: expected a positive integer id/);
  assert.deepEqual(await s.call('runs.list', {}), []);
});

test('a compare group with one invalid member writes neither the group nor any run', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('groups.create', { methods: ['selftest', 'bogus' as never], config: { steps: 2 } }), 'bad_request', /methods\[1\]/);
  assert.deepEqual(await s.call('groups.list', {}), []);
  assert.deepEqual(await s.call('runs.list', {}), []);
});

test('a group member\'s own keys (memberConfig) are laid over the shared config; a bad one is refused naming the member', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('groups.create', { methods: ['selftest'], config: { steps: 2 }, memberConfig: { wid: { steps: 3 } } }), 'bad_request',
    /memberConfig\.wid: not a method of this group \(selftest\)/);
  await rejectsWith(s.call('groups.create', { methods: ['selftest'], config: { steps: 2 }, memberConfig: { selftest: 5 as never } }), 'bad_request',
    /memberConfig\.selftest: expected an object/);
  await rejectsWith(s.call('groups.create', { methods: ['selftest'], config: { steps: 2 }, memberConfig: { selftest: { steps: -1 } } }), 'bad_request',
    /methods\[0\] \(selftest\).*steps/);
  assert.deepEqual(await s.call('runs.list', {}), []);
  const { runs } = await s.call('groups.create', { methods: ['selftest'], config: { steps: 2, seed: 1 }, memberConfig: { selftest: { steps: 5 } } });
  assert.equal((runs[0].config as { steps: number }).steps, 5);
});

test('unknown ids are not_found and malformed ids are bad_request', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('runs.get', { id: 42 }), 'not_found', /run 42 not found/);
  await rejectsWith(s.call('models.get', { id: 0 }), 'bad_request', /id: expected a positive integer id, got 0/);
  await rejectsWith(s.call('runs.metrics', { id: '1' as never }), 'bad_request', /id:/);
});

test('an unknown API method is a bad_request', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('runs.explode' as never, {} as never), 'bad_request', /unknown API method "runs.explode"/);
});

test('registering a folder without a checkpoint names the missing file and stores nothing', async (t) => {
  const s = await service(t);
  await rejectsWith(s.call('models.register', { path: tempHome(t) }), 'bad_request', /config\.json is missing/);
  assert.deepEqual(await s.call('models.list', {}), []);
});
