// Turns a requested (method, config) into what is stored and handed to the job: the registered
// teacher's and dataset's paths are added (teacherPath, corpusPath, gluePath), a seed is fixed, and
// the job's own parseConfig checks everything before a single row is written. Its result is the one parse of the
// config: stored as the run's job config, it is what the worker hands the job.
import { randomInt } from 'node:crypto';
import type { RunMethod } from '../../shared/api/types.js';
import { jobFor } from '../../engine/jobs/registry.js';
import { ConfigError } from '../../engine/config/config-error.js';
import { ConfigFiles } from '../../engine/config/config-files.js';
import type { Store } from '../store/index.js';
import { checkMemory, checkUpperBounds } from './run-limits.js';
import { badRequest } from './validate.js';

export interface ResolvedRunConfig {
  method: RunMethod;
  /** The request's config with the registered paths and the seed added (what the run page and a duplicate show). */
  config: Record<string, unknown>;
  /** The same config parsed by the job (typed, defaults filled in): stored, and handed to the job as it is. */
  jobConfig: unknown;
  seed: number;
  teacherModelId: number | null;
  datasetId: number | null;
}

function optionalIdKey(config: Record<string, unknown>, key: string): number | null {
  const v = config[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw badRequest(`config.${key}: expected a positive integer id, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * `files` reads what the config names (teacher config.json, corpus folder) once for the whole request: pass the
 * same one for every member of a group.
 */
export function resolveRunConfig(store: Store, method: unknown, rawConfig: unknown, files = new ConfigFiles()): ResolvedRunConfig {
  let job;
  try { job = jobFor(method); } catch (err) { throw badRequest((err as Error).message); }
  if (typeof rawConfig !== 'object' || rawConfig === null || Array.isArray(rawConfig)) {
    throw badRequest(`config: expected an object, got ${JSON.stringify(rawConfig)}`);
  }
  const config: Record<string, unknown> = { ...(rawConfig as Record<string, unknown>) };

  const teacherModelId = optionalIdKey(config, 'teacherModelId');
  if (teacherModelId !== null) {
    const teacher = store.models.get(teacherModelId);
    if (!teacher) throw badRequest(`config.teacherModelId: no registered model with id ${teacherModelId}`);
    config.teacherPath = teacher.path;
  }
  // finetune/evaluate name the model they work on (teacher or student) by modelId.
  const modelId = optionalIdKey(config, 'modelId');
  if (modelId !== null) {
    const model = store.models.get(modelId);
    if (!model) throw badRequest(`config.modelId: no registered model with id ${modelId}`);
    config.modelPath = model.path;
    // One pooler rule for every student, whatever method made it: a fresh pooler at fine-tuning (DistilBERT's
    // and TinyBERT's students have none to inherit), so no method starts from the teacher's. Teachers keep
    // theirs, as transformers' from_pretrained does. An explicit config.pooler wins. Only a fine-tune has the key
    // (evaluate times a fresh head anyway, and its schema refuses keys it does not know).
    if (job.method === 'finetune' && model.kind === 'student' && config.pooler === undefined) config.pooler = 'fresh';
  }
  const datasetId = optionalIdKey(config, 'datasetId');
  if (datasetId !== null) {
    const dataset = store.datasets.get(datasetId);
    if (!dataset) throw badRequest(`config.datasetId: no registered dataset with id ${datasetId}`);
    if (dataset.kind === 'corpus') config.corpusPath = dataset.path;
    else config.gluePath = dataset.path;
  }
  if (config.seed === undefined) config.seed = randomInt(0, 2 ** 31 - 1);
  const seed = config.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw badRequest(`config.seed: expected an integer from 0 to ${2 ** 31 - 1}, got ${JSON.stringify(seed)}`);
  }
  checkUpperBounds(config);
  let parsed: unknown;
  try {
    parsed = job.parseConfig(config, files);
  } catch (err) {
    if (err instanceof ConfigError) throw badRequest(`${job.method} config: ${err.message}`);
    throw err;
  }
  checkMemory(job.method, parsed, undefined, files);
  return { method: job.method, config, jobConfig: parsed, seed, teacherModelId, datasetId };
}
