// wid groups [list] / wid groups show ID: compare groups (groups.create: one shared config, one run per method)
// and their runs side by side — method, status, student size and parameters, loss first -> last, steps, wall time.
import type { RunRecord } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { groupRuns, loadGroupView, type GroupMember } from '../groupView.js';
import { formatNumber, textTable } from '../textTable.js';

type Print = (line: string) => void;

/** "2 completed, 1 running" in a fixed status order. */
export function statusCounts(runs: RunRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts.entries()].map(([status, n]) => `${n} ${status}`).join(', ') || 'no runs';
}

export async function groupsListCommand(service: Service, opts: { json?: boolean }, print: Print): Promise<number> {
  const [groups, runs] = await Promise.all([service.call('groups.list', {}), groupRuns(service)]);
  const runsOf = (id: number) => runs.filter((r) => r.groupId === id);
  if (opts.json) {
    print(JSON.stringify(groups.map((g) => ({ ...g, runIds: runsOf(g.id).map((r) => r.id) })), null, 2));
    return 0;
  }
  if (groups.length === 0) { print('no compare groups (create one with: wid run --config FILE, "method": "compare")'); return 0; }
  print(textTable(['id', 'name', 'runs', 'status', 'methods', 'created'], groups.map((g) => [
    g.id, g.name, runsOf(g.id).length, statusCounts(runsOf(g.id)), runsOf(g.id).map((r) => r.method).join(', '), g.createdAt,
  ])));
  return 0;
}

const fixed = (v: number | null, digits: number) => (v === null ? null : v.toFixed(digits));
const rounded = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
const lossText = (m: GroupMember) => (m.lossFirst === null && m.lossLast === null ? null
  : `${fixed(m.lossFirst, 3) ?? '?'} -> ${fixed(m.lossLast, 3) ?? '?'}`);

/** The side-by-side table of a group's runs (also printed by `wid run` when a compare group has stopped). */
export function groupMembersTable(members: GroupMember[]): string {
  return textTable(
    ['run', 'method', 'status', 'student', 'params', 'model', 'loss first -> last', 'steps', 'wall s', 'train s', 'backend'],
    members.map((m) => [
      m.run.id, m.run.method, m.run.status, m.student, m.parameterCount, m.studentModel?.id ?? null, lossText(m),
      m.steps, rounded(m.wallSeconds), rounded(m.trainSeconds), m.run.backend,
    ]),
  );
}

/** One line per run with the last value of each loss part and the run's error, if any. */
export function memberDetailLines(members: GroupMember[]): string[] {
  return members.flatMap((m) => {
    const parts = Object.entries(m.lossParts).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ');
    const lines: string[] = [];
    if (parts) lines.push(`run ${m.run.id} ${m.run.method} last step: ${parts}`);
    if (m.run.error) lines.push(`run ${m.run.id} ${m.run.method} error: ${m.run.error}`);
    return lines;
  });
}

/**
 * The distillation members' settings as each job parsed them (defaults included, from groups.get), split into
 * what the comparison shares and what each method sets for itself (published optimiser, loss weights, ...).
 */
export function sharedAndPerMethod(runs: RunRecord[], settings: Record<number, Record<string, unknown>>): { shared: Record<string, unknown>; perMethod: Record<string, Record<string, unknown>> } {
  const members = runs.filter((r) => ['wid', 'distilbert', 'tinybert', 'albert', 'mobilebert'].includes(r.method));
  const shared: Record<string, unknown> = {};
  const perMethod: Record<string, Record<string, unknown>> = Object.fromEntries(members.map((r) => [`${r.method} (run ${r.id})`, {}]));
  const keys = new Set(members.flatMap((r) => Object.keys(settings[r.id] ?? {})));
  for (const k of [...keys].sort()) {
    const values = members.map((r) => JSON.stringify((settings[r.id] ?? {})[k]));
    if (values.every((v) => v === values[0])) shared[k] = (settings[members[0].id] ?? {})[k];
    else members.forEach((r) => { if ((settings[r.id] ?? {})[k] !== undefined) perMethod[`${r.method} (run ${r.id})`][k] = settings[r.id][k]; });
  }
  return { shared, perMethod };
}

export async function groupsShowCommand(service: Service, id: number, opts: { json?: boolean }, print: Print): Promise<number> {
  const view = await loadGroupView(service, id);
  const { runs, settings } = await service.call('groups.get', { id });
  const split = sharedAndPerMethod(runs, settings);
  if (opts.json) { print(JSON.stringify({ ...view, settings: split }, null, 2)); return 0; }
  const { group, members } = view;
  print(`group ${group.id}: ${group.name} (${group.kind}, created ${group.createdAt})`);
  print(`  config  ${JSON.stringify(group.config)}`);
  if (members.length === 0) { print('no runs'); return 0; }
  print('');
  print(groupMembersTable(members));
  const details = memberDetailLines(members);
  if (details.length) { print(''); for (const line of details) print(line); }
  const fmt = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
  if (Object.keys(split.shared).length) { print(''); print(`shared by every method: ${fmt(split.shared)}`); }
  for (const [who, o] of Object.entries(split.perMethod)) if (Object.keys(o).length) print(`${who} only: ${fmt(o)}`);
  return 0;
}
