// Follows one run until it stops: prints a line per progress step (at most ~2 per second) and log messages,
// and resolves with the final record. Events drive it; a slow poll of runs.get is the backstop for missed events.
import type { ApiEvent, RunProgress, RunRecord, RunStatus } from '../shared/api/index.js';
import type { Service } from '../app/service/contract.js';
import { formatNumber } from './textTable.js';

const STOPPED: RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted', 'paused'];
export const isStopped = (status: RunStatus) => STOPPED.includes(status);

export function progressLine(runId: number, p: RunProgress): string {
  const values = Object.entries(p.values).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ');
  const eta = p.etaSeconds != null ? ` eta ${Math.round(p.etaSeconds)}s` : '';
  return `run ${runId}${p.phase ? ` [${p.phase}]` : ''} step ${p.step}/${p.totalSteps} ${values}${eta}`.trimEnd();
}

export function followRun(service: Service, runId: number, print: (line: string) => void, pollMs = 2000): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    let lastPrinted = 0;
    let pending: RunProgress | null = null;
    let done = false;
    const finish = (err: unknown, record?: RunRecord) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(poll);
      if (pending) print(progressLine(runId, pending));
      if (err) reject(err); else resolve(record!);
    };
    const check = () => service.call('runs.get', { id: runId })
      .then((r) => { if (isStopped(r.status)) finish(null, r); }, (err) => finish(err));
    const unsubscribe = service.subscribe((e: ApiEvent) => {
      if (e.runId !== runId || done) return;
      if (e.type === 'run.progress') {
        const last = e.progress.step >= e.progress.totalSteps;
        if (last || Date.now() - lastPrinted >= 500) {
          print(progressLine(runId, e.progress));
          lastPrinted = Date.now();
          pending = null;
        } else pending = e.progress;
      } else if (e.type === 'run.log') {
        print(`run ${runId} ${e.level}: ${e.message}`);
      } else if (e.type === 'run.status') {
        if (e.status !== 'queued') print(`run ${runId} ${e.status}${e.error ? `: ${e.error}` : ''}`);
        if (isStopped(e.status)) void check();
      }
    });
    const poll = setInterval(() => void check(), pollMs);
    void check();
  });
}
