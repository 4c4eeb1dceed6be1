// runs.plan: the student each distillation method would build from a config (the registered teacher's
// config.json + target or preset), sized with the engine's own resolvers, so the wizard can show the
// resulting parameter count and any size error before a run is created.
import type { StudentPlan } from '../../shared/api/methods.js';
import { bertConfigFromHf, parameterCount, type BertConfig } from '../../engine/bert/index.js';
import { distillMethodOptions } from '../../engine/jobs/distill-options.js';
import { DISTILL_METHOD_NAMES, type DistillMethodName } from '../../engine/methods/registry.js';
import { familyOps, type FamilyConfig, type ModelFamily } from '../../engine/model-family/index.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, plainObject, requestObject } from './validate.js';
import { checkUpperBounds } from './run-limits.js';
import { distillConfigSchema } from '../../shared/api/run-config.js';
import { ConfigError } from '../../engine/config/config-error.js';
import { parseWith } from '../../engine/config/parse.js';

const PLAN_METHODS = DISTILL_METHOD_NAMES;
type PlanMethod = DistillMethodName;

const shape = (c: BertConfig) => ({ layers: c.numHiddenLayers, hidden: c.hiddenSize, heads: c.numAttentionHeads, intermediate: c.intermediateSize });

export function runPlanHandlers(ctx: ServiceContext): Handlers<'runs.plan'> {
  return {
    'runs.plan': (raw) => {
      const req = requestObject(raw, 'runs.plan');
      const methods = req.methods;
      if (!Array.isArray(methods) || methods.length === 0) throw badRequest(`methods: expected a non-empty array of ${PLAN_METHODS.join(', ')}, got ${JSON.stringify(methods)}`);
      const checked = methods.map((m, i): PlanMethod => {
        if (!(PLAN_METHODS as readonly unknown[]).includes(m)) throw badRequest(`methods[${i}]: expected one of ${PLAN_METHODS.join(', ')}, got ${JSON.stringify(m)}`);
        return m as PlanMethod;
      });
      const config = plainObject(req, 'config');
      checkUpperBounds(config); // the wizard learns of a refused budget before it offers Start
      // the same schema runs.create parses with: a field refused there is refused here, before Start is offered
      try { parseWith(distillConfigSchema, config); }
      catch (err) { if (err instanceof ConfigError) throw badRequest(err.message); throw err; }
      const id = config.teacherModelId;
      if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) throw badRequest(`config.teacherModelId: expected the id of a registered teacher, got ${JSON.stringify(id)}`);
      const model = ctx.store.models.get(id);
      if (!model) throw badRequest(`config.teacherModelId: no registered model with id ${id}`);
      let teacher: BertConfig;
      try { teacher = bertConfigFromHf(model.config); }
      catch (err) { throw badRequest(`config.teacherModelId: model ${id} (${model.name}) has no usable BERT config (${(err as Error).message})`); }
      const teacherPlan = { ...shape(teacher), parameterCount: parameterCount(teacher, { mlmHead: true }) };
      return checked.map((method): StudentPlan => {
        let student: FamilyConfig, family: ModelFamily;
        try { ({ studentConfig: student, family } = distillMethodOptions(method, config, teacher)); }
        catch (err) { throw badRequest(`${method} config: ${(err as Error).message}`); }
        // ALBERT's count holds its shared layer once; MobileBERT's hidden is the inter-block width
        const ops = familyOps(family);
        return { method, family, ...ops.shape(student), parameterCount: ops.parameterCount(student, { mlmHead: true }), teacher: teacherPlan };
      });
    },
  };
}
