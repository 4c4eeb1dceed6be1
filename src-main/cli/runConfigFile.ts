// Reads `wid run --config FILE`. The file is JSON with a "method" and the run's config, either flat
// ({ "method": "selftest", "name": "smoke", "steps": 20, "backend": "wasm" }) or nested under "config"
// ({ "method": "selftest", "name": "smoke", "config": { "steps": 20 } }).
// "method": "compare" makes a compare group instead (groups.create): the shared config is run by every method in
// the optional top-level "methods" (default WID, DistilBERT and TinyBERT; see groupRequest.ts).
// "target": "NAME" (a string: a student size target is an object) sends the run or group to a registered execution
// target, e.g. a SLURM cluster (`wid targets add`); "local" or none: this machine.
// Only the file's shape is checked here; the service validates the config fields themselves.
import { readFileSync } from 'node:fs';
import type { RunMethod } from '../shared/api/index.js';
import { CliError } from './cliError.js';

/** The file's "method": a job kind, or "compare" for a group of runs. */
export const COMPARE = 'compare';

export interface RunRequestFromFile {
  method: RunMethod | typeof COMPARE;
  name?: string;
  /** Only with "method": "compare": the methods of the group, unchecked (groups.create checks them). */
  methods?: unknown;
  /** The execution target's name (runs.create / groups.create `target`). */
  target?: string;
  config: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function readRunConfigFile(path: string, methodOverride?: string): RunRequestFromFile {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    throw new CliError(`cannot read --config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
  let data: unknown;
  try { data = JSON.parse(text); } catch (err) {
    throw new CliError(`--config ${path} is not valid JSON: ${(err as Error).message}`, 2);
  }
  if (!isObject(data)) throw new CliError(`--config ${path} must hold a JSON object with "method" and the run config`, 2);
  const { method: fileMethod, name, methods, config: nested, ...flat } = data;
  // a string "target" is where the run executes; an object "target" is the student's size and stays in the config
  const runTarget = typeof flat.target === 'string' ? flat.target : undefined;
  if (runTarget !== undefined) delete flat.target;
  const method = methodOverride ?? fileMethod;
  if (typeof method !== 'string' || method === '') {
    throw new CliError(`--config ${path}: "method" is missing (expected e.g. "selftest", "wid", "distilbert", "tinybert", "albert", "mobilebert", "compare"; or pass --method)`, 2);
  }
  if (methods !== undefined && method !== COMPARE) {
    throw new CliError(`--config ${path}: "methods" only goes with "method": "compare" (a group of runs), but "method" is ${JSON.stringify(method)}`, 2);
  }
  if (name !== undefined && typeof name !== 'string') throw new CliError(`--config ${path}: "name" must be a string, got ${JSON.stringify(name)}`, 2);
  if (nested !== undefined && !isObject(nested)) throw new CliError(`--config ${path}: "config" must be an object, got ${JSON.stringify(nested)}`, 2);
  if (nested !== undefined && Object.keys(flat).length > 0) {
    throw new CliError(`--config ${path}: put run settings either at the top level or under "config", not both (found ${Object.keys(flat).join(', ')} beside "config")`, 2);
  }
  return {
    method: method as RunRequestFromFile['method'], ...(name !== undefined ? { name } : {}),
    ...(methods !== undefined ? { methods } : {}), ...(typeof runTarget === 'string' ? { target: runTarget } : {}), config: nested ?? flat,
  };
}
