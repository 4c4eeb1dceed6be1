// One compare group as the CLI shows it: the group, its runs in creation order and, per run, the figures to put
// side by side (student shape and parameters, the registered student model, loss first -> last and the last value
// of each loss part, steps, wall time, backend). Built from the public API only (groups.list, runs.list,
// models.list, runs.metrics), so it shows runs that another process (the app, `wid serve`) executes too.
import type { ModelRecord, RunGroupRecord, RunRecord } from '../shared/api/index.js';
import type { Service } from '../app/service/contract.js';
import { CliError } from './cliError.js';
import { summarizeMetrics } from './commands/showCommand.js';
import { runTimeSeconds } from '../shared/api/run-time.js';

export interface GroupMember {
  run: RunRecord;
  /** "2L-32H-4A-64I" from the run's result (null until it completed). */
  student: string | null;
  parameterCount: number | null;
  /** The student the run registered (models.list, sourceRunId = run id). */
  studentModel: ModelRecord | null;
  lossFirst: number | null;
  lossLast: number | null;
  /** Last value of every `loss/<part>` series, e.g. { 'loss/ce': 1.2, 'loss/mlm': 5.9 }. */
  lossParts: Record<string, number>;
  /** The step counter reached, e.g. "30/30". */
  steps: string | null;
  /** Every segment's startedAt -> finishedAt (or -> now while running): worker start, teacher load, training and export. */
  wallSeconds: number | null;
  /** The training loop's own time (result.elapsedSeconds). */
  trainSeconds: number | null;
}

export interface GroupView { group: RunGroupRecord; members: GroupMember[] }

const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function studentShape(result: Record<string, unknown> | null): string | null {
  const s = result?.student as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return null;
  return `${String(s.layers)}L-${String(s.hidden)}H-${String(s.heads)}A-${String(s.intermediate)}I`;
}

// every segment of a resumed run, the live one included
const wallSeconds = (run: RunRecord, nowMs: number): number | null => runTimeSeconds(run, nowMs);

/** Every run that belongs to a group (archived ones included), oldest first. */
export async function groupRuns(service: Service): Promise<RunRecord[]> {
  const runs = await service.call('runs.list', { includeArchived: true, sort: 'createdAt', order: 'asc' });
  return runs.filter((r) => r.groupId !== null);
}

export async function findGroup(service: Service, id: number): Promise<RunGroupRecord> {
  const group = (await service.call('groups.list', {})).find((g) => g.id === id);
  if (!group) throw new CliError(`no compare group with id ${id} (wid groups lists them)`, 1);
  return group;
}

export async function loadGroupView(service: Service, id: number, nowMs = Date.now()): Promise<GroupView> {
  const group = await findGroup(service, id);
  const runs = (await groupRuns(service)).filter((r) => r.groupId === id);
  const students = await service.call('models.list', { kind: 'student' });
  const members = await Promise.all(runs.map(async (run): Promise<GroupMember> => {
    const metrics = summarizeMetrics(await service.call('runs.metrics', { id: run.id }));
    const loss = metrics.find((m) => m.name === 'loss');
    const lossParts = Object.fromEntries(metrics.filter((m) => m.name.startsWith('loss/')).map((m) => [m.name, m.last]));
    const result = run.result;
    return {
      run,
      student: studentShape(result),
      parameterCount: numberOr(result?.parameterCount),
      studentModel: students.find((m) => m.sourceRunId === run.id) ?? null,
      // the loop's first and last step (metrics are only sampled every progressEvery steps)
      lossFirst: numberOr(result?.firstLoss) ?? loss?.first ?? null,
      lossLast: numberOr(result?.finalLoss) ?? loss?.last ?? null,
      lossParts,
      steps: run.progress ? `${run.progress.step}/${run.progress.totalSteps}` : null,
      wallSeconds: wallSeconds(run, nowMs),
      trainSeconds: numberOr(result?.elapsedSeconds),
    };
  }));
  return { group, members };
}
