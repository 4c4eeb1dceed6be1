// method -> JobDefinition. Each job kind registers with one import + one line in jobRegistry.
import type { RunMethod } from '../../shared/api/types.js';
import { ConfigError, type JobDefinition } from './types.js';
import { selftestJob } from './selftest.js';
import { widJob, distilBertJob, tinyBertJob, albertJob, mobileBertJob } from './distill.js';
import { finetuneJob } from './finetune.js';
import { evaluateJob } from './evaluate.js';

export const jobRegistry: Partial<Record<RunMethod, JobDefinition<unknown>>> = {
  selftest: selftestJob as JobDefinition<unknown>,
  wid: widJob as JobDefinition<unknown>,
  distilbert: distilBertJob as JobDefinition<unknown>,
  tinybert: tinyBertJob as JobDefinition<unknown>,
  albert: albertJob as JobDefinition<unknown>,
  mobilebert: mobileBertJob as JobDefinition<unknown>,
  finetune: finetuneJob as JobDefinition<unknown>,
  evaluate: evaluateJob as JobDefinition<unknown>,
  // wid, distilbert, tinybert, finetune, evaluate: add here.
};

/** The job for a method; an unknown or unregistered method is a ConfigError naming it. */
export function jobFor(method: unknown): JobDefinition<unknown> {
  const known = Object.keys(jobRegistry).join(', ') || '(none registered yet)';
  if (typeof method !== 'string' || !Object.hasOwn(jobRegistry, method)) {
    throw new ConfigError(`method: expected one of ${known}, got ${JSON.stringify(method)}`);
  }
  return jobRegistry[method as RunMethod]!;
}
