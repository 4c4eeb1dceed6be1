// Issue 15 item 5 (and the static half of item 7): web mode trusts more than the token. Host must name this
// server (DNS rebinding), a foreign Origin may neither call the API nor open the event socket, the token moves
// from the URL into an HttpOnly SameSite=Strict cookie, and the static server does not follow links out of its root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startWebServer, type RunningWebServer } from '../../src-main/app/web/server.js';
import { createFakeService, type FakeService } from './support/fakeService.js';

let dir: string;
let service: FakeService;
let server: RunningWebServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wid-guards-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>WID test index</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the static root');
  symlinkSync(join(dir, 'secret.txt'), join(staticDir, 'leak.txt'));
  service = createFakeService();
  server = await startWebServer({ service, port: 0, staticDir });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw HTTP request, so Host and Origin can be set to anything (fetch may not set Host). */
function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => { body += String(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const callInfo = (headers: Record<string, string>) =>
  send('/api/call/system.info', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

test('a request whose Host is not 127.0.0.1:<port> or localhost:<port> is refused with 403, token or not', async () => {
  const callsBefore = service.calls.length;
  for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`]) {
    const api = await callInfo({ host, 'x-wid-token': server.token });
    assert.equal(api.status, 403, host);
    assert.match(JSON.parse(api.body).error.message, /Host header/);
    assert.equal((await send('/', { headers: { host } })).status, 403, `static page for Host ${host}`);
  }
  assert.equal(service.calls.length, callsBefore);
  assert.equal((await callInfo({ host: `localhost:${server.port}`, 'x-wid-token': server.token })).status, 200);
  assert.equal((await callInfo({ host: `127.0.0.1:${server.port}`, 'x-wid-token': server.token })).status, 200);
});

test('a cross-origin text/plain POST carrying ?token= is refused with 403 and never reaches the service', async () => {
  const callsBefore = service.calls.length;
  const res = await send(`/api/call/system.info?token=${server.token}`, {
    method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://evil.example' }, body: '{}',
  });
  assert.equal(res.status, 403);
  assert.match(JSON.parse(res.body).error.message, /Origin/);
  const otherPort = await callInfo({ origin: `http://127.0.0.1:${server.port + 1}`, 'x-wid-token': server.token });
  assert.equal(otherPort.status, 403, 'another local port is another origin');
  assert.equal(service.calls.length, callsBefore);
  assert.equal((await callInfo({ origin: `http://127.0.0.1:${server.port}`, 'x-wid-token': server.token })).status, 200);
});

async function upgradeStatus(headers: Record<string, string>, query = `?token=${server.token}`): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events${query}`, { headers });
  const status = await new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve(101));
    ws.once('error', () => resolve(-1));
  });
  ws.terminate();
  return status;
}

test('a WebSocket upgrade from a foreign Origin is refused with 403; the app\'s own origin connects', async () => {
  assert.equal(await upgradeStatus({ origin: 'http://evil.example' }), 403);
  assert.equal(await upgradeStatus({ origin: `http://127.0.0.1:${server.port}` }), 101);
});

test('opening the page with the right ?token= sets an HttpOnly SameSite=Strict cookie that authorises API and events', async () => {
  const page = await send(`/?token=${server.token}`, { headers: { host: `127.0.0.1:${server.port}` } });
  assert.equal(page.status, 200);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  const [cookie] = page.headers['set-cookie'] as string[];
  assert.match(cookie, new RegExp(`^wid_token_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/$`));
  const pair = cookie.split(';')[0];
  assert.equal((await callInfo({ cookie: pair })).status, 200);
  assert.equal(await upgradeStatus({ cookie: pair }, ''), 101);
  // a wrong token in the URL sets no cookie
  const wrong = await send('/?token=0000');
  assert.equal(wrong.headers['set-cookie'], undefined);
  assert.equal((await callInfo({ cookie: `wid_token_${server.port}=0000` })).status, 401);
});

test('a symlink inside the static root that points outside it is not followed', async () => {
  const res = await send('/leak.txt');
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.body, /outside the static root/);
  assert.match(res.body, /WID test index/, 'falls back to index.html like any unknown path');
});
