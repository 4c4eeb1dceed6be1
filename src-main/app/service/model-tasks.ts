// API methods that run engine code on a model: the smoke test and attention maps run in a worker
// process (see worker/tasks.ts); exporting a student copies the run's student folder.
import type { AttentionMaps } from '../../shared/api/methods.js';
import { ApiError } from './contract.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, conflict, idField, optionalInt, optionalString, requestObject, stringField } from './validate.js';
import { getRun } from './runs.js';
import { getModel } from './models.js';
import { exportStudentFolder, studentFolder } from './student-export.js';
import { runWorkerTask } from './worker-task.js';

const DEFAULT_TEXT = 'The quick brown fox jumps over the lazy dog.';

async function inWorker<T>(ctx: ServiceContext, what: string, fn: () => Promise<unknown>): Promise<T> {
  try {
    return (await fn()) as T;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw conflict(`${what}: ${(err as Error).message}`);
  }
}

export function modelTaskHandlers(ctx: ServiceContext): Handlers<'runs.attention' | 'runs.exportStudent' | 'models.smokeTest'> {
  return {
    'runs.attention': async (raw) => {
      const req = requestObject(raw, 'runs.attention');
      const run = getRun(ctx, idField(req, 'id'));
      const layer = optionalInt(req, 'layer', 0, 1000);
      const head = optionalInt(req, 'head', 0, 1000);
      if (layer === undefined) throw badRequest('layer: expected an integer from 0 to 1000, got nothing');
      if (head === undefined) throw badRequest('head: expected an integer from 0 to 1000, got nothing');
      const text = optionalString(req, 'text', false) ?? DEFAULT_TEXT;
      const teacherPath = run.config.teacherPath;
      if (typeof teacherPath !== 'string') throw conflict(`run ${run.id} has no teacher (config.teacherModelId), so there is no teacher attention to compare`);
      const studentPath = studentFolder(ctx.store, run);
      return inWorker<AttentionMaps>(ctx, `run ${run.id} attention`, () =>
        runWorkerTask(ctx.launch, { name: 'attention', teacherPath, studentPath, text, layer, head }));
    },

    'runs.exportStudent': (raw) => {
      const req = requestObject(raw, 'runs.exportStudent');
      const run = getRun(ctx, idField(req, 'id'));
      const dir = stringField(req, 'dir');
      return exportStudentFolder(studentFolder(ctx.store, run), dir);
    },

    'models.smokeTest': async (raw) => {
      const req = requestObject(raw, 'models.smokeTest');
      const model = getModel(ctx, idField(req, 'id'));
      const text = optionalString(req, 'text', false) ?? DEFAULT_TEXT;
      return inWorker(ctx, `model ${model.id} (${model.name}) smoke test`, () =>
        runWorkerTask(ctx.launch, { name: 'smokeTest', modelPath: model.path, text }));
    },
  };
}
