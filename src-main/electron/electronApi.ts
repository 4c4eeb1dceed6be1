// The slice of Electron's API that main and preload use, typed locally.
// Why not `import ... from 'electron'`: electron is an optional dependency whose install downloads a binary;
// on machines without it (CI, this repo's dev box) `tsc` must still pass. main.ts/preload.ts load the real
// module with require('electron') at run time (esbuild keeps it external); these interfaces only describe it.
// Checked against Electron 38's electron.d.ts; add members here when you use more of Electron.

export interface IpcMainInvokeEvent {
  senderFrame: { url: string } | null;
}

export interface WebContents {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): void;
  session: {
    setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  };
}

export interface BrowserWindowOptions {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  title?: string;
  show?: boolean;
  backgroundColor?: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    webSecurity?: boolean;
  };
}

export interface BrowserWindow {
  webContents: WebContents;
  loadFile(path: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

export interface BrowserWindowConstructor {
  new (options: BrowserWindowOptions): BrowserWindow;
  getAllWindows(): BrowserWindow[];
}

export interface UtilityProcess {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  kill(): boolean;
}

export interface ElectronMain {
  app: {
    getPath(name: 'userData'): string;
    whenReady(): Promise<void>;
    requestSingleInstanceLock(): boolean;
    quit(): void;
    exit(code?: number): void;
    on(event: 'window-all-closed' | 'activate' | 'second-instance', listener: () => void): void;
    on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): void;
    isPackaged: boolean;
  };
  BrowserWindow: BrowserWindowConstructor;
  ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  };
  utilityProcess: {
    fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore'; env?: Record<string, string | undefined> }): UtilityProcess;
  };
  shell: { openExternal(url: string): Promise<void> };
  dialog: { showErrorBox(title: string, content: string): void };
}

export interface IpcRendererEvent { sender: unknown }

export interface ElectronPreload {
  contextBridge: { exposeInMainWorld(key: string, api: Record<string, unknown>): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
  };
}
