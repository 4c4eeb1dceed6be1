// Events pushed from the main side to the renderer (IPC in Electron, WebSocket in web mode).
import type { RunProgress, RunStatus } from './types.js';

export type ApiEvent =
  | { type: 'run.progress'; runId: number; progress: RunProgress }
  | { type: 'run.status'; runId: number; status: RunStatus; error?: string | null }
  | { type: 'run.log'; runId: number; level: 'info' | 'warn' | 'error'; message: string };

