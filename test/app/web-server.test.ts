// Web mode transport (issue 2 item 2): the service over HTTP + WebSocket on 127.0.0.1 with a per-start token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startWebServer, type RunningWebServer } from '../../src-main/app/web/server.js';
import { createFakeService, type FakeService } from './support/fakeService.js';

let dir: string;
let service: FakeService;
let server: RunningWebServer;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wid-web-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>WID test index</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(dir, 'secret.txt'), 'outside the static root');
  service = createFakeService();
  server = await startWebServer({ service, port: 0, staticDir });
  base = `http://127.0.0.1:${server.port}`;
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

test('the printed URL is on 127.0.0.1 and carries a 64-hex-digit token', () => {
  const url = new URL(server.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.equal(Number(url.port), server.port);
  assert.match(url.searchParams.get('token') ?? '', /^[0-9a-f]{64}$/);
  assert.equal(url.searchParams.get('token'), server.token);
});

test('a call without a token is refused with 401 and never reaches the service', async () => {
  const before = service.calls.length;
  const res = await call('system.info', '{}');
  assert.equal(res.status, 401);
  const body = await res.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'unauthorized');
  assert.match(body.error.message, /token/);
  assert.equal(service.calls.length, before);
});

test('a call with a wrong token is refused with 401', async () => {
  const wrong = server.token.slice(0, -1) + (server.token.endsWith('0') ? '1' : '0');
  const res = await call('system.info', '{}', { 'x-wid-token': wrong });
  assert.equal(res.status, 401);
  const res2 = await call('system.info', '{}', { 'x-wid-token': 'short' });
  assert.equal(res2.status, 401);
});

test('a call with the token in the header returns the service result', async () => {
  const res = await call('system.info', '{}', { 'x-wid-token': server.token });
  assert.equal(res.status, 200);
  const body = await res.json() as { result: { version: string; mode: string } };
  assert.equal(body.result.version, '0.0.0-test');
  assert.equal(body.result.mode, 'web');
});

test('the token is also accepted as ?token= query parameter', async () => {
  const res = await fetch(`${base}/api/call/system.info?token=${server.token}`, { method: 'POST', body: '' });
  assert.equal(res.status, 200);
});

test('a body that is not JSON gets 400 with a message naming the method', async () => {
  const res = await call('runs.get', '{"id": ', { 'x-wid-token': server.token });
  assert.equal(res.status, 400);
  const body = await res.json() as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'bad_request');
  assert.match(body.error.message, /runs\.get.*not valid JSON/);
});

test('a JSON body that is not an object gets 400', async () => {
  const res = await call('runs.get', '[1,2]', { 'x-wid-token': server.token });
  assert.equal(res.status, 400);
  assert.match((await res.json() as { error: { message: string } }).error.message, /must be a JSON object, got an array/);
});

test('a service ApiError maps to its status: bad_request 400, not_found 404', async () => {
  const bad = await call('runs.get', '{"id":"x"}', { 'x-wid-token': server.token });
  assert.equal(bad.status, 400);
  assert.match((await bad.json() as { error: { message: string } }).error.message, /"id" must be a number/);
  const missing = await call('runs.get', '{"id":987654}', { 'x-wid-token': server.token });
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: { code: 'not_found', message: 'run 987654 not found' } });
});

test('an unknown or malformed method name gets 404 not_found', async () => {
  const unknown = await call('runs.fly', '{}', { 'x-wid-token': server.token });
  assert.equal(unknown.status, 404);
  const malformed = await call('__proto__', '{}', { 'x-wid-token': server.token });
  assert.equal(malformed.status, 404);
  assert.equal((await malformed.json() as { error: { code: string } }).error.code, 'not_found');
  const badEscape = await call('runs.%E0%A4%A', '{}', { 'x-wid-token': server.token });
  assert.equal(badEscape.status, 404);
  assert.equal((await call('system.info', '{}', { 'x-wid-token': server.token })).status, 200, 'server still up');
});

test('a result that cannot be sent as JSON is a 500 and the server keeps serving', async () => {
  const res = await call('runs.metrics', '{"id":1}', { 'x-wid-token': server.token });
  assert.equal(res.status, 500);
  assert.match((await res.json() as { error: { message: string } }).error.message, /runs\.metrics: could not send the result/);
  assert.equal((await call('system.info', '{}', { 'x-wid-token': server.token })).status, 200);
});

test('a body over the size limit gets 400 instead of being buffered', async () => {
  const res = await call('runs.get', JSON.stringify({ id: 1, pad: 'x'.repeat(2 * 1024 * 1024) }), { 'x-wid-token': server.token });
  assert.equal(res.status, 400);
  assert.match((await res.json() as { error: { message: string } }).error.message, /larger than/);
});

test('service events arrive on the WebSocket as one JSON message each', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
  const event = { type: 'run.status', runId: 7, status: 'running' } as const;
  service.emit(event);
  assert.deepEqual(await received, event);
  ws.close();
});

test('a WebSocket without the token is rejected with 401', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
  const status = await new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve(101));
    ws.once('error', () => resolve(-1));
  });
  assert.equal(status, 401);
  ws.terminate();
});

test('the renderer index and its assets are served without a token', async () => {
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await index.text(), /WID test index/);
  const asset = await fetch(`${base}/assets/app.js`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type') ?? '', /javascript/);
});

test('unknown static paths fall back to index.html and cannot escape the static folder', async () => {
  const spa = await fetch(`${base}/runs/3`);
  assert.match(await spa.text(), /WID test index/);
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
    const res = await fetch(`${base}${path}`);
    assert.doesNotMatch(await res.text(), /outside the static root/, path);
  }
});

const externalAddress = Object.values(networkInterfaces()).flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

test('the port is not reachable on the machine\'s other addresses', { skip: externalAddress ? false : 'no non-loopback IPv4 address here' }, async () => {
  await assert.rejects(fetch(`http://${externalAddress}:${server.port}/`), /fetch failed/);
});

test('the server refuses to bind anything but 127.0.0.1', async () => {
  await assert.rejects(startWebServer({ service, host: '0.0.0.0', staticDir: dir }), /127\.0\.0\.1/);
});

test('each start gets a new token', async () => {
  const other = await startWebServer({ service, staticDir: dir });
  try {
    assert.notEqual(other.token, server.token);
    const res = await fetch(`http://127.0.0.1:${other.port}/api/call/system.info`, { method: 'POST', headers: { 'x-wid-token': server.token }, body: '{}' });
    assert.equal(res.status, 401);
  } finally { await other.close(); }
});
