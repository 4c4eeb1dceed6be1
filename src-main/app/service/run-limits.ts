// Limits every run config meets before a run is created, whatever its method: upper bounds on the budget
// keys (a job's own parseConfig checks types and lower bounds; 1e308 is an integer to it), and a memory
// estimate of one training step against the machine's RAM, so a run that cannot fit is refused at once
// instead of dying (or swapping the machine to a halt) after it started.
import { totalmem } from 'node:os';
import { jobFor } from '../../engine/jobs/registry.js';
import { ConfigFiles } from '../../engine/config/config-files.js';
import { runConfigLimits } from '../../shared/api/run-config.js';
import { badRequest } from './validate.js';

export { trainingStepBytes } from '../../engine/jobs/memory.js';

/**
 * Largest value each budget key accepts (when the key is given), in any job's config: the largest maximum the
 * run-config schemas declare for an integer key (steps: 10,000,000, BERT's own pre-training is 1M; batchTokens:
 * 8192 rows of 512 tokens; ...). Checked before the job's schema so a refused budget names the largest bound.
 */
export const CONFIG_UPPER_BOUNDS: Readonly<Record<string, number>> = (() => {
  const out: Record<string, number> = {};
  for (const fields of Object.values(runConfigLimits)) {
    for (const [key, f] of Object.entries(fields)) {
      if (f.integer && f.max !== undefined && key !== 'seed') out[key] = Math.max(out[key] ?? 0, f.max);
    }
  }
  return out;
})();

export function checkUpperBounds(config: Record<string, unknown>): void {
  for (const [key, max] of Object.entries(CONFIG_UPPER_BOUNDS)) {
    const v = config[key];
    if (typeof v === 'number' && !(v <= max)) throw badRequest(`config.${key}: at most ${max}, got ${JSON.stringify(v)}`);
  }
}

const GiB = 1024 ** 3;

/**
 * Refuses a parsed job config whose step cannot fit in this machine's memory: the job's own estimate
 * (engine/jobs/memory.ts: distillation and self-test training steps, a fine-tuning step with the batch and length
 * under `hp`, evaluate's largest forward pass), from the model's config.json read through `files`.
 */
export function checkMemory(method: string, parsed: unknown, memoryBytes: number = totalmem(), files: ConfigFiles = new ConfigFiles()): void {
  if (typeof parsed !== 'object' || parsed === null) return;
  const need = jobFor(method).memoryNeed(parsed, files);
  if (need && need.bytes > memoryBytes) {
    throw badRequest(`${method} config: ${need.what} needs at least ${(need.bytes / GiB).toFixed(1)} GiB, more than this machine's ${(memoryBytes / GiB).toFixed(1)} GiB of memory; ${need.lower}`);
  }
}
