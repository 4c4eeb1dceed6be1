// Electron main process: one window on the built renderer, the service in this process, IPC as its transport.
// The renderer is sandboxed (contextIsolation, sandbox, no Node); it reaches the service only through
// preload.ts (window.widApi) -> IPC_CALL / IPC_EVENT -> service. Bundled to dist/main/electron/main.cjs.
import { join } from 'node:path';
import type { ApiEvent } from '../shared/api/index.js';
import { createService } from '../app/service/index.js';
import { parallelRuns } from '../app/parallel-runs.js';
import type { Service } from '../app/service/contract.js';
import { callService } from '../app/web/callEnvelope.js';
import type { BrowserWindow, ElectronMain } from './electronApi.js';
import { IPC_CALL, IPC_EVENT } from './ipcChannels.js';
import { ownPageCheck } from './ownPage.js';
import { utilityProcessLauncher } from './utilityWorker.js';

const electron = require('electron') as ElectronMain;
const { app, BrowserWindow: Window, ipcMain, shell, dialog } = electron;

// Bundle layout: dist/main/electron/{main,preload}.cjs, dist/main/worker.cjs, dist/renderer/index.html.
const PRELOAD = join(__dirname, 'preload.cjs');
const WORKER = join(__dirname, '..', 'worker.cjs');
const RENDERER_INDEX = join(__dirname, '..', '..', 'renderer', 'index.html');

let service: Service | null = null;

const isOwnPage = ownPageCheck(RENDERER_INDEX);

function createWindow(): BrowserWindow {
  const win = new Window({
    width: 1360, height: 880, minWidth: 900, minHeight: 600, title: 'WID Workbench', show: false,
    backgroundColor: '#ffffff',
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  });
  // Links open in the system browser; the window itself never navigates away from the bundled UI.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => { if (!isOwnPage(url)) event.preventDefault(); });
  win.webContents.on('will-redirect', (event, url) => { if (!isOwnPage(url)) event.preventDefault(); });
  // The UI needs no camera, notifications, geolocation, ...: every permission request is denied.
  win.webContents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  win.webContents.session.setPermissionCheckHandler(() => false);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(RENDERER_INDEX);
  return win;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) { app.quit(); return; }
  await app.whenReady();
  // WID_HOME wins so tests and power users can point the app elsewhere; otherwise Electron's per-user folder.
  const home = process.env.WID_HOME || app.getPath('userData');
  service = await createService({ home, mode: 'electron', concurrency: parallelRuns(), launchWorker: utilityProcessLauncher(electron, WORKER) });

  ipcMain.handle(IPC_CALL, async (event, method, req) => {
    if (!isOwnPage(event.senderFrame?.url)) {
      return { error: { code: 'unauthorized', message: `API calls are only accepted from the app's own page, not ${event.senderFrame?.url}` } };
    }
    return callService(service!, String(method), req);
  });
  service.subscribe((e: ApiEvent) => {
    for (const win of Window.getAllWindows()) if (!win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, e);
  });

  createWindow();
  app.on('second-instance', () => {
    const [win] = Window.getAllWindows();
    if (win) { if (win.isMinimized()) win.restore(); win.focus(); }
  });
  app.on('activate', () => { if (Window.getAllWindows().length === 0) createWindow(); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed || !service) return;
    // Close the service (DB, runner) before the process goes; then quit for real.
    event.preventDefault();
    closed = true;
    void service.close().finally(() => app.quit());
  });
}

main().catch((err: unknown) => {
  dialog.showErrorBox('WID Workbench could not start', err instanceof Error ? err.stack ?? err.message : String(err));
  app.exit(1);
});
