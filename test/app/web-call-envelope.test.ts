// The { result } / { error } envelope that HTTP and Electron IPC both send back for a service call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callService } from '../../src-main/app/web/callEnvelope.js';
import type { Service } from '../../src-main/app/service/contract.js';
import { createFakeService } from './support/fakeService.js';

test('a successful call is wrapped as { result }', async () => {
  const env = await callService(createFakeService('electron'), 'system.info', {});
  assert.ok('result' in env);
  assert.equal((env.result as { mode: string }).mode, 'electron');
});

test('an ApiError keeps its code and message', async () => {
  assert.deepEqual(await callService(createFakeService(), 'runs.get', { id: 5 }),
    { error: { code: 'not_found', message: 'run 5 not found' } });
});

test('any other thrown error becomes internal, naming the method', async () => {
  const broken: Service = { ...createFakeService(), call: async () => { throw new TypeError('boom'); } };
  assert.deepEqual(await callService(broken, 'runs.list', {}), { error: { code: 'internal', message: 'runs.list failed: boom' } });
});

test('a malformed method name is not_found without reaching the service', async () => {
  const service = createFakeService();
  const env = await callService(service, 'constructor', {});
  assert.ok('error' in env && env.error.code === 'not_found');
  assert.equal(service.calls.length, 0);
});

test('a request that is not an object is bad_request; a missing one means {}', async () => {
  const service = createFakeService();
  const env = await callService(service, 'runs.get', 'id=5');
  assert.ok('error' in env && env.error.code === 'bad_request' && /must be an object, got string/.test(env.error.message));
  await callService(service, 'system.info', undefined);
  assert.deepEqual(service.calls.at(-1), { method: 'system.info', req: {} });
});
