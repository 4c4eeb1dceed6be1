// wid run / resume / cancel: start or continue a run through the service and follow it to the end.
import type { RunRecord } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { followRun } from '../followRun.js';
import { readRunConfigFile } from '../runConfigFile.js';
import { formatNumber } from '../textTable.js';

type Print = (line: string) => void;

/** Exit code for a run that stopped: 0 only when it completed. */
export function exitCodeForRun(run: RunRecord): number {
  return run.status === 'completed' ? 0 : 1;
}

function summary(run: RunRecord): string {
  const parts = [`run ${run.id} "${run.name}" ${run.status}`];
  if (run.error) parts.push(`error: ${run.error}`);
  if (run.result) {
    const figures = Object.entries(run.result)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k}=${formatNumber(v as number)}`);
    if (figures.length) parts.push(figures.join(' '));
  }
  return parts.join(' | ');
}

/** Follows the run; Ctrl-C asks the service to cancel it and still waits for the run to stop cleanly. */
async function followToEnd(service: Service, run: RunRecord, print: Print): Promise<number> {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    print(`cancelling run ${run.id} (Ctrl-C again to quit at once)...`);
    service.call('runs.cancel', { id: run.id }).catch((err: Error) => print(`cancel failed: ${err.message}`));
  };
  process.on('SIGINT', onSigint);
  try {
    const final = await followRun(service, run.id, print);
    print(summary(final));
    return interrupted ? 130 : exitCodeForRun(final);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export async function runCommand(service: Service, file: string, opts: { method?: string; detach?: boolean }, print: Print): Promise<number> {
  const request = readRunConfigFile(file, opts.method);
  const run = await service.call('runs.create', request);
  print(`run ${run.id} "${run.name}" created (${run.method}, ${run.status})`);
  if (opts.detach) return 0;
  return followToEnd(service, run, print);
}

export async function resumeCommand(service: Service, id: number, opts: { detach?: boolean }, print: Print): Promise<number> {
  const run = await service.call('runs.resume', { id });
  print(`run ${run.id} "${run.name}" resumed (${run.status})`);
  if (opts.detach) return 0;
  return followToEnd(service, run, print);
}

export async function cancelCommand(service: Service, id: number, print: Print): Promise<number> {
  const run = await service.call('runs.cancel', { id });
  // A running job stops at its next step, so the status may still read "running" here.
  print(`run ${run.id} "${run.name}" ${run.status === 'running' ? 'cancelling (stops at its next step)' : run.status}`);
  return 0;
}
