// WorkerLauncher for Electron: each run's job worker is an Electron utility process (a Node child that needs
// no separate Node install), started from the bundled dist/main/worker.cjs.
import type { WorkerLauncher } from '../app/runner/worker-launcher.js';
import type { ElectronMain } from './electronApi.js';

export function utilityProcessLauncher(electron: ElectronMain, workerPath: string): WorkerLauncher {
  return (runId) => {
    const child = electron.utilityProcess.fork(workerPath, [`--run-id=${runId}`], {
      serviceName: `WID job ${runId}`,
      stdio: 'inherit',
      env: { ...process.env, WID_RUN_ID: String(runId) },
    });
    return {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => { child.on('message', listener); },
      onExit: (listener) => { child.on('exit', (code) => listener(code)); },
      kill: () => { child.kill(); },
    };
  };
}
