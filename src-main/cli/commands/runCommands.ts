// wid run / resume / cancel: start or continue a run through the service and follow it to the end.
// `wid run` with "method": "compare" creates a compare group (groups.create) and follows all of its runs.
import type { RunRecord } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { exitCodeForRuns, followToEnd } from '../followToEnd.js';
import { groupRequestFrom } from '../groupRequest.js';
import { loadGroupView } from '../groupView.js';
import { COMPARE, readRunConfigFile, type RunRequestFromFile } from '../runConfigFile.js';
import { formatNumber } from '../textTable.js';
import { groupMembersTable, memberDetailLines } from './groupsCommands.js';

type Print = (line: string) => void;

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

async function followOne(service: Service, run: RunRecord, print: Print): Promise<number> {
  const followed = await followToEnd(service, [run], print);
  print(summary(followed.finals[0]!));
  return exitCodeForRuns(followed);
}

/** Creates the group (every member validated before anything is written), follows all runs, prints them side by side. */
async function runGroup(service: Service, request: RunRequestFromFile, opts: { detach?: boolean }, print: Print): Promise<number> {
  const { group, runs } = await service.call('groups.create', groupRequestFrom(request));
  print(`group ${group.id} "${group.name}" created: ${runs.map((r) => `run ${r.id} (${r.method}, ${r.status})`).join(', ')}${runs[0]?.target ? ` on target ${runs[0].target}` : ''}`);
  if (opts.detach) return 0;
  const followed = await followToEnd(service, runs, print);
  for (const run of followed.finals) print(summary(run));
  const { members } = await loadGroupView(service, group.id);
  print('');
  print(groupMembersTable(members));
  for (const line of memberDetailLines(members)) print(line);
  return exitCodeForRuns(followed);
}

export async function runCommand(service: Service, file: string, opts: { method?: string; detach?: boolean }, print: Print): Promise<number> {
  const request = readRunConfigFile(file, opts.method);
  if (request.method === COMPARE) return runGroup(service, request, opts, print);
  const run = await service.call('runs.create', { ...request, method: request.method });
  print(`run ${run.id} "${run.name}" created (${run.method}, ${run.status}${run.target ? `, target ${run.target}` : ''})`);
  if (opts.detach) return 0;
  return followOne(service, run, print);
}

export async function resumeCommand(service: Service, id: number, opts: { detach?: boolean }, print: Print): Promise<number> {
  const run = await service.call('runs.resume', { id });
  print(`run ${run.id} "${run.name}" resumed (${run.status})`);
  if (opts.detach) return 0;
  return followOne(service, run, print);
}

export async function cancelCommand(service: Service, id: number, print: Print): Promise<number> {
  const run = await service.call('runs.cancel', { id });
  // A running job stops at its next step, so the status may still read "running" here.
  print(`run ${run.id} "${run.name}" ${run.status === 'running' ? 'cancelling (stops at its next step)' : run.status}`);
  return 0;
}
