// How the runner starts a worker process. Node default: child_process.fork (node-launcher.ts); Electron passes
// utilityProcess.fork (electron/utilityWorker.ts).

export interface WorkerProcess {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type WorkerLauncher = (runId: number) => WorkerProcess;
