// How a distillation run config becomes one method's options: `methodOptions`, then the method's own
// object (`wid`, `distilbert`, `tinybert`, `albert`, `mobilebert`), then the shared keys a compare group sets once
// (`target`, `preset`, `seed`, as the method's registry entry lists them), parsed with the method's schema
// (shared/api/method-options.ts). Shared by the distill job (parseConfig) and the service's runs.plan, so the
// wizard's size preview is the student the run builds.
import type { BertConfig } from '../bert/index.js';
import type { FamilyConfig, ModelFamily } from '../model-family/index.js';
import { ConfigError } from '../config/config-error.js';
import { DISTILL_METHODS, type DistillMethodName } from '../methods/registry.js';

export type { DistillMethodName } from '../methods/registry.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The method's options from the run config, parsed with its schema (defaults filled in) without the teacher. Throws ConfigError. */
export function methodOptionsOf(method: DistillMethodName, r: Record<string, unknown>): Record<string, unknown> {
  const extra = r.methodOptions ?? {};
  if (!isPlainObject(extra)) throw new ConfigError(`methodOptions: expected an object of ${method} options, got ${JSON.stringify(extra)}`);
  const own = r[method] ?? {};
  if (!isPlainObject(own)) throw new ConfigError(`${method}: expected an object of ${method} options, got ${JSON.stringify(own)}`);
  const entry = DISTILL_METHODS[method];
  const options: Record<string, unknown> = { ...extra, ...own };
  for (const key of entry.sharedKeys) if (r[key] !== undefined && options[key] === undefined) options[key] = r[key];
  return asConfigError(() => entry.options(options));
}

/** The method's options, checked against the teacher config, and the student they build. Throws ConfigError. */
export function distillMethodOptions(method: DistillMethodName, r: Record<string, unknown>, teacher: BertConfig): { options: Record<string, unknown>; studentConfig: FamilyConfig; family: ModelFamily } {
  const options = methodOptionsOf(method, r);
  const entry: { studentFamily?: ModelFamily } = DISTILL_METHODS[method];
  return { options, studentConfig: asConfigError(() => DISTILL_METHODS[method].student(teacher, options)), family: entry.studentFamily ?? 'bert' };
}

function asConfigError<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
}
