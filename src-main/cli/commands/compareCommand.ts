// wid compare: models x GLUE tasks from stored evaluations (compare.table / compare.export).
// --group ID compares the students a compare group's runs registered, against the group's teacher.
import type { GlueComparisonTable } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { CliError } from '../cliError.js';
import { loadGroupView } from '../groupView.js';
import { parseId, parseIdList } from '../parseIds.js';
import { formatNumber, textTable } from '../textTable.js';

export interface CompareOptions { models?: string; group?: string; teacher?: string; tasks?: string; format?: string }

const pct = (v: number | null) => (v === null ? null : (v * 100).toFixed(1));

export function comparisonText(table: GlueComparisonTable): string {
  return textTable(
    ['model', 'params', ...table.tasks, 'GLUE avg', '% teacher'],
    table.rows.map((r) => [
      r.isTeacher ? `${r.name} (teacher)` : r.name,
      r.parameterCount === null ? null : formatNumber(r.parameterCount),
      ...table.tasks.map((t) => pct(r.scores[t] ?? null)),
      pct(r.average),
      r.percentOfTeacher === null ? null : r.percentOfTeacher.toFixed(1),
    ]),
  );
}

export async function compareCommand(service: Service, opts: CompareOptions, print: (line: string) => void): Promise<number> {
  const format = opts.format ?? 'table';
  if (!['table', 'csv', 'markdown'].includes(format)) throw new CliError(`--format must be table, csv or markdown, got "${format}"`, 2);
  if (opts.group !== undefined && opts.models !== undefined) throw new CliError('pass either --models or --group, not both', 2);
  let modelIds: number[];
  let teacherModelId = opts.teacher ? parseId(opts.teacher, '--teacher') : undefined;
  if (opts.group !== undefined) {
    const { group, members } = await loadGroupView(service, parseId(opts.group, '--group'));
    modelIds = members.flatMap((m) => (m.studentModel ? [m.studentModel.id] : []));
    if (modelIds.length === 0) {
      throw new CliError(`group ${group.id} has no student models yet (its runs: ${members.map((m) => `${m.run.id} ${m.run.method} ${m.run.status}`).join(', ') || 'none'})`, 1);
    }
    const groupTeacher = group.config.teacherModelId;
    if (teacherModelId === undefined && typeof groupTeacher === 'number') teacherModelId = groupTeacher;
  } else {
    modelIds = opts.models ? parseIdList(opts.models, '--models') : (await service.call('models.list', {})).map((m) => m.id);
  }
  if (modelIds.length === 0) throw new CliError('no models to compare: register models first, or pass --models 1,2,3', 1);
  const req = {
    modelIds,
    ...(teacherModelId !== undefined ? { teacherModelId } : {}),
    ...(opts.tasks ? { tasks: opts.tasks.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
  };
  if (format === 'table') print(comparisonText(await service.call('compare.table', req)));
  else print((await service.call('compare.export', { ...req, format: format as 'csv' | 'markdown' })).text.trimEnd());
  return 0;
}
