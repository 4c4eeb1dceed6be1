export { JobRunner, runWorkDir, type JobRunnerOptions } from './job-runner.js';
export { launchNodeWorker, resolveWorkerEntry } from './node-launcher.js';
export type { WorkerLauncher, WorkerProcess } from './worker-launcher.js';
