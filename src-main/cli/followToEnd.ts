// Follows one or more runs (a single run, or every run of a compare group) until all have stopped.
// Ctrl-C asks the service to cancel the runs still going and still waits for them to stop cleanly;
// a second Ctrl-C quits at once (exit 130).
import type { RunRecord } from '../shared/api/index.js';
import type { Service } from '../app/service/contract.js';
import { followRun } from './followRun.js';

type Print = (line: string) => void;

export interface Followed { finals: RunRecord[]; interrupted: boolean }

/** Exit code for runs that stopped: 0 only when every one completed; 130 after Ctrl-C. */
export function exitCodeForRuns(followed: Followed): number {
  if (followed.interrupted) return 130;
  return followed.finals.every((r) => r.status === 'completed') ? 0 : 1;
}

export async function followToEnd(service: Service, runs: RunRecord[], print: Print): Promise<Followed> {
  const stopped = new Set<number>();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    const going = runs.filter((r) => !stopped.has(r.id));
    print(`cancelling run${going.length === 1 ? '' : 's'} ${going.map((r) => r.id).join(', ')} (Ctrl-C again to quit at once)...`);
    for (const r of going) {
      service.call('runs.cancel', { id: r.id }).catch((err: Error) => print(`cancel of run ${r.id} failed: ${err.message}`));
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const finals = await Promise.all(runs.map((r) => followRun(service, r.id, print).then((final) => {
      stopped.add(r.id);
      return final;
    })));
    return { finals, interrupted };
  } finally {
    process.off('SIGINT', onSigint);
  }
}
