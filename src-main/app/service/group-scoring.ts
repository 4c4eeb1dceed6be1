// groups.get and groups.finetune: a compare group's page reads its runs in one call, and one action
// queues a GLUE fine-tune of every member's student and of the group's teacher with the same settings,
// so the group's models × tasks table fills in without a run per model by hand. The fine-tunes run where the
// group's members ran (a SLURM target's shared folder holds their students) unless the request names a target.
import type { ModelRecord, RunRecord } from '../../shared/api/types.js';
import { ApiError } from './contract.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { resolveRunConfig, type ResolvedRunConfig } from './run-config.js';
import { effectiveSettings } from './effective-settings.js';
import { checkTargetNow, LOCAL_TARGET, requestedTarget } from './targets.js';
import { badRequest, conflict, idField, notFound, optionalBool, plainObject, requestObject } from './validate.js';

const DISTILLATION = new Set(['wid', 'distilbert', 'tinybert', 'albert', 'mobilebert']);

function groupRuns(ctx: ServiceContext, groupId: number): RunRecord[] {
  return ctx.store.runs.list({ includeArchived: true, sort: 'createdAt', order: 'asc' }).filter((r) => r.groupId === groupId);
}

/** The latest model a run registered as its student (a resumed or re-exported run may register more than one). */
export function studentOf(models: ModelRecord[], runId: number): ModelRecord | null {
  return models.filter((m) => m.sourceRunId === runId).at(-1) ?? null;
}

/**
 * Where a group's fine-tunes run when the request names no target: where its members ran (groups.create sends
 * them all to one target). Refused, naming the way out, when that target is no longer registered or they differ.
 */
function groupTarget(ctx: ServiceContext, groupId: number, members: RunRecord[]): string | null {
  const used = [...new Set(members.map((r) => r.target ?? null))];
  const where = (t: string | null) => t ?? LOCAL_TARGET;
  if (used.length > 1) {
    throw badRequest(`target: group ${groupId}'s runs went to ${used.map(where).join(', ')}: name the target its fine-tunes run on`);
  }
  const name = used[0] ?? null;
  if (name !== null && !ctx.store.targets.byName(name)) {
    throw badRequest(`target: group ${groupId}'s runs went to target ${name}, which is no longer registered: name the target its fine-tunes run on (${LOCAL_TARGET} for this machine)`);
  }
  return name;
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

    'groups.finetune': async (raw) => {
      const req = { ...requestObject(raw, 'groups.finetune') };
      const group = getGroup(idField(req, 'id'));
      plainObject(req, 'config');
      const named = req.target !== undefined || typeof (req.config as Record<string, unknown>).target === 'string';
      const target = named ? requestedTarget(ctx, req) : null; // takes a string config.target out of the config
      const config = plainObject(req, 'config');
      if (config.modelId !== undefined || config.modelPath !== undefined) throw badRequest('config.modelId: leave it out; groups.finetune scores every member\'s student (and the teacher) itself');
      const includeTeacher = optionalBool(req, 'includeTeacher') ?? true;
      const members = groupRuns(ctx, group.id).filter((r) => DISTILLATION.has(r.method));
      const runsOn = named ? target : groupTarget(ctx, group.id, members);
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
      await checkTargetNow(ctx, runsOn); // every config is sound: now ask the cluster, before anything is written
      const tasks = Array.isArray(config.tasks) ? (config.tasks as unknown[]).join('+') : String(config.task ?? 'GLUE');
      const runs = store.transaction(() => resolved.map((r, i) => store.runs.insert({
        ...r, name: `${group.name} · GLUE ${tasks} · ${targets[i].model.name}`, parentRunId: targets[i].parentRunId, groupId: group.id, target: runsOn,
      })));
      for (const run of runs) { ctx.emit({ type: 'run.status', runId: run.id, status: run.status, error: null }); ctx.runner.adopt(run.id); }
      ctx.runner.pump();
      return { runs: runs.map((r) => store.runs.get(r.id)!) };
    },
  };
}
