// electron-builder.yml (issue 2 item 8): valid for electron-builder's own schema, all three platforms,
// native modules unpacked from asar. (The packaging itself needs Electron binaries and is not run here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(`${root}electron-builder.yml`, 'utf8')) as Record<string, any>;

test('electron-builder.yml passes electron-builder\'s configuration schema', async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const { DebugLogger } = require('builder-util');
  await validateConfiguration(config, new DebugLogger(false));
});

test('targets AppImage and deb on linux, nsis on windows, dmg on mac', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.deepEqual(config.mac.target, ['dmg']);
});

test('native modules and wasm binaries are unpacked from the asar archive', () => {
  const unpack: string[] = config.asarUnpack;
  for (const pattern of ['**/*.node', 'node_modules/better-sqlite3/**', 'node_modules/webgpu/dist/**',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm']) assert.ok(unpack.includes(pattern), pattern);
  assert.equal(config.npmRebuild, true);
});

test('the packaged app starts from the bundle package.json names', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { main: string };
  assert.ok(config.files.includes('dist/**/*') && pkg.main.startsWith('dist/'), `package.json main ${pkg.main} must be inside dist/`);
});
