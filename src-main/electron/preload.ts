// Sandboxed preload: exposes window.widApi = { call(method, req), subscribe(cb) } through contextBridge.
// No Node in the renderer; this file may only require('electron') (sandboxed preloads get contextBridge/ipcRenderer)
// and is bundled by scripts/build-main.mjs into one CommonJS file with its imports inlined.
import type { ApiEvent } from '../shared/api/index.js';
import type { CallEnvelope } from '../app/web/callEnvelope.js';
import type { ElectronPreload, IpcRendererEvent } from './electronApi.js';
import { BRIDGE_KEY, IPC_CALL, IPC_EVENT } from './ipcChannels.js';

const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

contextBridge.exposeInMainWorld(BRIDGE_KEY, {
  /** Resolves with the result; rejects with a plain { code, message } (contextBridge clones plain objects intact). */
  async call(method: string, req: unknown): Promise<unknown> {
    const envelope = await ipcRenderer.invoke(IPC_CALL, method, req ?? {}) as CallEnvelope;
    if ('error' in envelope) throw { code: envelope.error.code, message: envelope.error.message };
    return envelope.result;
  },
  subscribe(cb: (event: ApiEvent) => void): () => void {
    const listener = (_e: IpcRendererEvent, event: unknown) => cb(event as ApiEvent);
    ipcRenderer.on(IPC_EVENT, listener);
    return () => ipcRenderer.removeListener(IPC_EVENT, listener);
  },
});
