// API methods that run engine code on a model: the smoke test and attention maps run in a worker
// process (see worker/tasks.ts) unless the run's WID attention artifact already holds the maps;
// exporting a student copies the run's student folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AttentionMaps } from '../../shared/api/methods.js';
import {
  ATTENTION_ARTIFACT_FILE, attentionMapsFromArtifact, readAttentionArtifact, type AttentionArtifact,
} from '../../engine/methods/wid/attention-artifact.js';
import { runWorkDir } from '../runner/job-runner.js';
import { ApiError } from './contract.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, conflict, idField, optionalInt, optionalString, requestObject, stringField } from './validate.js';
import { getRun } from './runs.js';
import { getModel } from './models.js';
import { exportStudentFolder, studentFolder } from './student-export.js';
import { runWorkerTask } from './worker-task.js';

const DEFAULT_TEXT = 'The quick brown fox jumps over the lazy dog.';

/** The run's attention artifact: a registered 'attention' artifact, else <workDir>/attention.json. */
function attentionArtifactOf(ctx: ServiceContext, runId: number): AttentionArtifact | null {
  const registered = ctx.store.artifacts.listForRun(runId).filter((a) => a.kind === 'attention').pop()?.path;
  const path = registered ?? join(runWorkDir(ctx.dataDir, runId), ATTENTION_ARTIFACT_FILE);
  if (!existsSync(path)) return null;
  try { return readAttentionArtifact(path); }
  catch (err) { throw conflict(`run ${runId}: ${(err as Error).message}`); }
}

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
      const text = optionalString(req, 'text', false);
      // The WID job's analysis artifact (maps for its sentences, heads mapped to the teacher heads they
      // were inherited from) answers when it covers the sentence; any other sentence is computed live.
      const artifact = attentionArtifactOf(ctx, run.id);
      if (artifact && (text === undefined || artifact.sentences.some((s) => s.text === text))) {
        try { return attentionMapsFromArtifact(artifact, { layer, head, text }); }
        catch (err) { throw badRequest((err as Error).message); }
      }
      const teacherPath = run.config.teacherPath;
      if (typeof teacherPath !== 'string') throw conflict(`run ${run.id} has no teacher (config.teacherModelId), so there is no teacher attention to compare`);
      const studentPath = studentFolder(ctx.store, run);
      return inWorker<AttentionMaps>(ctx, `run ${run.id} attention`, () =>
        runWorkerTask(ctx.launch, { name: 'attention', teacherPath, studentPath, text: text ?? DEFAULT_TEXT, layer, head }));
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
