// groups.get and groups.finetune: a compare group's page reads its runs in one call, and one action
// queues a GLUE fine-tune of every member's student and of the group's teacher with the same settings,
// so the group's models × tasks table fills in without a run per model by hand.
import type { ModelRecord, RunRecord } from '../../shared/api/types.js';
import { ApiError } from './contract.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { resolveRunConfig, type ResolvedRunConfig } from './run-config.js';
import { effectiveSettings } from './effective-settings.js';
import { badRequest, conflict, idField, notFound, optionalBool, plainObject, requestObject } from './validate.js';

const DISTILLATION = new Set(['wid', 'distilbert', 'tinybert', 'albert', 'mobilebert']);

function groupRuns(ctx: ServiceContext, groupId: number): RunRecord[] {
  return ctx.store.runs.list({ includeArchived: true, sort: 'createdAt', order: 'asc' }).filter((r) => r.groupId === groupId);
}

/** The latest model a run registered as its student (a resumed or re-exported run may register more than one). */
export function studentOf(models: ModelRecord[], runId: number): ModelRecord | null {
  return models.filter((m) => m.sourceRunId === runId).at(-1) ?? null;
}

export function groupScoringHandlers(ctx: ServiceContext): Handlers<'groups.get' | 'groups.finetune'> {
  const { store } = ctx;
  const getGroup = (id: number) => {
    const group = store.groups.get(id);
    if (!group) throw notFound(`group ${id} not found`);
    return group;
  };
  return {
    'groups.get': (raw) => {
      const id = idField(requestObject(raw, 'groups.get'), 'id');
      const runs = groupRuns(ctx, id);
      return { group: getGroup(id), runs, settings: Object.fromEntries(runs.map((r) => [r.id, effectiveSettings(r, store.runs.jobConfig(r.id))])) };
    },

    'groups.finetune': (raw) => {
      const req = requestObject(raw, 'groups.finetune');
      const group = getGroup(idField(req, 'id'));
      const config = plainObject(req, 'config');
      if (config.modelId !== undefined || config.modelPath !== undefined) throw badRequest('config.modelId: leave it out; groups.finetune scores every member\'s student (and the teacher) itself');
      const includeTeacher = optionalBool(req, 'includeTeacher') ?? true;
      const members = groupRuns(ctx, group.id).filter((r) => DISTILLATION.has(r.method));
      const models = store.models.list();
      const missing = members.filter((r) => !studentOf(models, r.id));
      if (missing.length) {
        throw conflict(`${missing.map((r) => `run ${r.id} (${r.method}, ${r.status})`).join(', ')} registered no student yet: fine-tune the group once every member has completed`);
      }
      const targets: { model: ModelRecord; parentRunId: number | null }[] = members.map((r) => ({ model: studentOf(models, r.id)!, parentRunId: r.id }));
      if (includeTeacher) {
        const teacherId = group.config.teacherModelId;
        const teacher = typeof teacherId === 'number' ? store.models.get(teacherId) : undefined;
        if (!teacher) throw conflict(`group ${group.id} has no registered teacher (config.teacherModelId ${JSON.stringify(teacherId)}) to score`);
        targets.push({ model: teacher, parentRunId: null });
      }
      if (!targets.length) throw conflict(`group ${group.id} has no distillation members to fine-tune`);
      // One seed for every model, so they differ only in the model; every config is checked before any row is written.
      const shared = { ...config, seed: config.seed ?? Math.floor(Math.random() * 2 ** 31) };
      const resolved: ResolvedRunConfig[] = targets.map((t) => {
        try { return resolveRunConfig(store, 'finetune', { ...shared, modelId: t.model.id }); }
        catch (err) {
          if (err instanceof ApiError) throw badRequest(`model ${t.model.id} (${t.model.name}): ${err.message}`);
          throw err;
        }
      });
      const tasks = Array.isArray(config.tasks) ? (config.tasks as unknown[]).join('+') : String(config.task ?? 'GLUE');
      const runs = store.transaction(() => resolved.map((r, i) => store.runs.insert({
        ...r, name: `${group.name} · GLUE ${tasks} · ${targets[i].model.name}`, parentRunId: targets[i].parentRunId, groupId: group.id,
      })));
      for (const run of runs) { ctx.emit({ type: 'run.status', runId: run.id, status: run.status, error: null }); ctx.runner.adopt(run.id); }
      ctx.runner.pump();
      return { runs: runs.map((r) => store.runs.get(r.id)!) };
    },
  };
}
