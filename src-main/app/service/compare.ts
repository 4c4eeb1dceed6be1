// compare.*: models × GLUE tasks from the stored evaluations (engine/glue/comparison.ts), as JSON,
// CSV or Markdown.
import type { GlueComparisonTable } from '../../shared/api/methods.js';
import { buildComparison, type ComparisonModel } from '../../engine/glue/comparison.js';
import { toCsv, toMarkdown } from '../../engine/glue/comparison-export.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, idArray, oneOf, optionalId, optionalStringArray, requestObject } from './validate.js';
import { getModel } from './models.js';

function comparisonTable(ctx: ServiceContext, req: Record<string, unknown>): GlueComparisonTable {
  const modelIds = idArray(req, 'modelIds');
  const teacherModelId = optionalId(req, 'teacherModelId');
  const tasks = optionalStringArray(req, 'tasks');
  const ids = [...new Set(teacherModelId !== undefined ? [teacherModelId, ...modelIds] : modelIds)];
  if (ids.length === 0) throw badRequest('modelIds: expected at least one model id');
  const models = ids.map((id) => getModel(ctx, id));
  // Rows are keyed by name in the engine; two models may share a name, so repeated names get their id.
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
  const label = new Map(models.map((m) => [m.id, counts.get(m.name)! > 1 ? `${m.name} (#${m.id})` : m.name]));
  const input: ComparisonModel[] = models.map((m) => ({
    name: label.get(m.id)!, isTeacher: m.id === teacherModelId, parameterCount: m.parameterCount, fileSize: m.fileSize,
  }));
  const evaluations = ctx.store.evaluations.listForModels(ids)
    .map((e) => ({ model: label.get(e.modelId!)!, task: e.task, metric: e.metric, value: e.value }));
  try {
    return buildComparison({ models: input, evaluations, tasks });
  } catch (err) {
    throw badRequest(`compare: ${(err as Error).message}`);
  }
}

export function compareHandlers(ctx: ServiceContext): Handlers<'compare.table' | 'compare.export'> {
  return {
    'compare.table': (raw) => comparisonTable(ctx, requestObject(raw, 'compare.table')),
    'compare.export': (raw) => {
      const req = requestObject(raw, 'compare.export');
      const format = oneOf(req, 'format', ['csv', 'markdown'] as const);
      const table = comparisonTable(ctx, req);
      return { text: format === 'csv' ? toCsv(table) : toMarkdown(table) };
    },
  };
}
