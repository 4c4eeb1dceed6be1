// How the runner starts a worker process. Node default: child_process.fork (node-launcher.ts); Electron passes
// utilityProcess.fork (electron/utilityWorker.ts).

export interface WorkerProcess {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** `reason`, when given, says why the job ended without a result (a SLURM job cancelled or its node lost). */
  onExit(listener: (code: number | null, reason?: string) => void): void;
  kill(): void;
  /** A job that outlives this process (a SLURM job): stop following it, leave it running; a later start follows it again. */
  detach?(): void | Promise<void>;
  /** Called after each message it delivered has been recorded, in order (a SLURM job remembers how far it was read). */
  recorded?(): void;
}

export type WorkerLauncher = (runId: number) => WorkerProcess;
