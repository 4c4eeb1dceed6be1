// wid compare: models x GLUE tasks from stored evaluations (compare.table / compare.export).
import type { GlueComparisonTable } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { CliError } from '../cliError.js';
import { parseId, parseIdList } from '../parseIds.js';
import { formatNumber, textTable } from '../textTable.js';

export interface CompareOptions { models?: string; teacher?: string; tasks?: string; format?: string }

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
  const modelIds = opts.models ? parseIdList(opts.models, '--models') : (await service.call('models.list', {})).map((m) => m.id);
  if (modelIds.length === 0) throw new CliError('no models to compare: register models first, or pass --models 1,2,3', 1);
  const req = {
    modelIds,
    ...(opts.teacher ? { teacherModelId: parseId(opts.teacher, '--teacher') } : {}),
    ...(opts.tasks ? { tasks: opts.tasks.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
  };
  if (format === 'table') print(comparisonText(await service.call('compare.table', req)));
  else print((await service.call('compare.export', { ...req, format: format as 'csv' | 'markdown' })).text.trimEnd());
  return 0;
}
