// A store in a temp folder plus a JobRunner with real worker processes, for runner and service tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEvent } from '../../../src-main/shared/api/events.js';
import type { RunStatus } from '../../../src-main/shared/api/types.js';
import type { WorkerLauncher, WorkerProcess } from '../../../src-main/app/service/contract.js';
import { JobRunner, launchNodeWorker } from '../../../src-main/app/runner/index.js';
import { openStore, type Store } from '../../../src-main/app/store/index.js';

export function tempHome(t: { after: (fn: () => void | Promise<void>) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wid-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Harness {
  home: string;
  store: Store;
  runner: JobRunner;
  events: ApiEvent[];
  workers: Map<number, WorkerProcess>;
  waitForStatus(runId: number, statuses: RunStatus[], timeoutMs?: number): Promise<RunStatus>;
  waitForEvent(pred: (e: ApiEvent) => boolean, timeoutMs?: number): Promise<ApiEvent>;
  close(): Promise<void>;
}

/** Resolves when an emitted event matches; rejects after timeoutMs naming what it waited for. */
function waiter(events: ApiEvent[], listeners: Set<() => void>) {
  return (pred: (e: ApiEvent) => boolean, what: string, timeoutMs = 45_000) => new Promise<ApiEvent>((resolve, reject) => {
    const check = () => {
      const hit = events.find(pred);
      if (hit) { listeners.delete(check); clearTimeout(timer); resolve(hit); }
    };
    const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    listeners.add(check);
    check();
  });
}

export function makeHarness(home: string, opts: { killAfterMs?: number } = {}): Harness {
  const store = openStore(home);
  const events: ApiEvent[] = [];
  const listeners = new Set<() => void>();
  const workers = new Map<number, WorkerProcess>();
  const launch: WorkerLauncher = (runId) => { const w = launchNodeWorker(runId); workers.set(runId, w); return w; };
  const runner = new JobRunner({
    store, dataDir: home, launch, killAfterMs: opts.killAfterMs,
    emit: (e) => { events.push(e); for (const l of [...listeners]) l(); },
  });
  const wait = waiter(events, listeners);
  let closed = false;
  return {
    home, store, runner, events, workers,
    waitForEvent: (pred, timeoutMs) => wait(pred, 'event', timeoutMs),
    async waitForStatus(runId, statuses, timeoutMs) {
      const e = await wait((ev) => ev.type === 'run.status' && ev.runId === runId && statuses.includes(ev.status), `run ${runId} to become ${statuses.join('/')}`, timeoutMs);
      return (e as Extract<ApiEvent, { type: 'run.status' }>).status;
    },
    async close() {
      if (closed) return;
      closed = true;
      await runner.close();
      store.close();
    },
  };
}
