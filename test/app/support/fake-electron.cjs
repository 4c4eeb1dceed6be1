// A stand-in for the `electron` module, loaded with `node --require` before the bundled main.cjs, so the
// Electron main process can be exercised where Electron itself is not installed. It records what main does
// (window options, IPC handlers, events sent to the window) and then drives a short script through IPC,
// printing one JSON report line: {"report": ...}.
const Module = require('node:module');
const { fork } = require('node:child_process');
const { pathToFileURL } = require('node:url');

const recorded = { windows: [], events: [], appHandlers: {}, forks: [] };
const handlers = new Map();

class FakeWebContents {
  constructor() {
    this.openHandler = null; this.navigate = null; this.redirect = null;
    this.session = {
      setPermissionRequestHandler: (h) => { this.permissionRequest = h; },
      setPermissionCheckHandler: (h) => { this.permissionCheck = h; },
    };
  }
  send(channel, payload) { recorded.events.push({ channel, payload }); }
  isDestroyed() { return false; }
  setWindowOpenHandler(h) { this.openHandler = h; }
  on(event, listener) {
    if (event === 'will-navigate') this.navigate = listener;
    if (event === 'will-redirect') this.redirect = listener;
  }
}

class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.webContents = new FakeWebContents();
    all.push(this);
    recorded.windows.push({ options });
  }
  async loadFile(path) { recorded.windows.at(-1).loadFile = path; setImmediate(drive); }
  once() {}
  show() {}
  isMinimized() { return false; }
  restore() {}
  focus() {}
  static getAllWindows() { return all; }
}
const all = [];

const electron = {
  app: {
    isPackaged: false,
    getPath: () => process.env.FAKE_USER_DATA,
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    quit: () => { recorded.quit = true; },
    exit: (code) => process.exit(code ?? 0),
    on: (event, listener) => { recorded.appHandlers[event] = listener; },
  },
  BrowserWindow,
  ipcMain: { handle: (channel, fn) => handlers.set(channel, fn) },
  utilityProcess: {
    // Mimics utilityProcess with a Node child (the worker falls back to process.send without parentPort).
    fork(modulePath, args, options) {
      recorded.forks.push({ modulePath, args });
      const child = fork(modulePath, args, { env: options?.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      return {
        postMessage: (m) => child.send(m),
        on(event, listener) {
          if (event === 'message') child.on('message', listener);
          if (event === 'exit') child.on('exit', (code) => listener(code ?? 0));
          return this;
        },
        kill: () => child.kill(),
      };
    },
  },
  shell: { openExternal: async (url) => { recorded.opened = url; } },
  dialog: { showErrorBox: (title, content) => { console.error(`${title}: ${content}`); } },
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? 'fake-electron' : resolveFilename.call(this, request, ...rest);
};
require.cache['fake-electron'] = { id: 'fake-electron', filename: 'fake-electron', loaded: true, exports: electron };

async function drive() {
  const call = handlers.get('wid:call');
  const ownIndex = pathToFileURL(recorded.windows[0].loadFile).href;
  const page = { senderFrame: { url: `${ownIndex}#/runs` } };
  const report = { recorded, channels: [...handlers.keys()] };
  report.info = await call(page, 'system.info', {});
  report.badMethod = await call(page, 'runs.fly', {});
  report.foreign = await call({ senderFrame: { url: 'https://evil.example/' } }, 'system.info', {});
  report.foreignFile = await call({ senderFrame: { url: 'file:///home/user/Downloads/page.html' } }, 'system.info', {});
  const created = await call(page, 'runs.create', { method: 'selftest', name: 'electron ipc', config: { steps: 2, backend: 'wasm', delayMs: 0 } });
  report.created = created;
  const id = created.result?.id;
  const deadline = Date.now() + 40_000;
  while (id && Date.now() < deadline) {
    const got = await call(page, 'runs.get', { id });
    if (['completed', 'failed'].includes(got.result?.status)) { report.final = got.result; break; }
    await new Promise((r) => setTimeout(r, 200));
  }
  const win = all[0];
  report.windowOpen = win.webContents.openHandler({ url: 'https://example.com/' });
  let prevented = false;
  win.webContents.navigate({ preventDefault: () => { prevented = true; } }, 'https://evil.example/');
  report.navigationBlocked = prevented;
  const blocked = (fn, url) => { let p = false; fn({ preventDefault: () => { p = true; } }, url); return p; };
  report.fileNavigationBlocked = blocked(win.webContents.navigate, 'file:///etc/passwd');
  report.ownNavigationBlocked = blocked(win.webContents.navigate, `${ownIndex}#/compare`);
  report.redirectBlocked = win.webContents.redirect ? blocked(win.webContents.redirect, 'https://evil.example/') : null;
  report.permissionGranted = await new Promise((resolve) => {
    if (!win.webContents.permissionRequest) return resolve('no handler');
    win.webContents.permissionRequest(win.webContents, 'media', resolve);
  });
  report.permissionCheck = win.webContents.permissionCheck ? win.webContents.permissionCheck(win.webContents, 'notifications') : 'no handler';
  process.stdout.write(`${JSON.stringify({ report })}\n`);
  recorded.appHandlers['before-quit']?.({ preventDefault: () => {} });
  setTimeout(() => process.exit(0), 1000);
}
