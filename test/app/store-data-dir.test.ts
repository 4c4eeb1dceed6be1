// Where the data folder is: override, else WID_HOME, else the XDG data folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { resolveDataDir } from '../../src-main/app/data-dir.js';

function withEnv(env: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  try { fn(); } finally {
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

test('an explicit override wins over WID_HOME and XDG_DATA_HOME', () => {
  withEnv({ WID_HOME: '/tmp/a', XDG_DATA_HOME: '/tmp/x' }, () => assert.equal(resolveDataDir('/tmp/electron-user-data'), '/tmp/electron-user-data'));
});

test('WID_HOME is used when there is no override, made absolute', () => {
  withEnv({ WID_HOME: 'rel/home', XDG_DATA_HOME: '/tmp/x' }, () => assert.equal(resolveDataDir(), resolve('rel/home')));
});

test('without WID_HOME the folder is wid-workbench under XDG_DATA_HOME, else under ~/.local/share', () => {
  withEnv({ WID_HOME: undefined, XDG_DATA_HOME: '/tmp/xdg' }, () => assert.equal(resolveDataDir(), '/tmp/xdg/wid-workbench'));
  withEnv({ WID_HOME: undefined, XDG_DATA_HOME: undefined }, () => assert.equal(resolveDataDir(), join(os.homedir(), '.local', 'share', 'wid-workbench')));
});
