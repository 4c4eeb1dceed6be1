// How a distillation run config becomes one method's options: `methodOptions`, then the method's own
// object (`wid`, `distilbert`, `tinybert`), then the shared `target` / `preset`. Shared by the distill job
// (parseConfig) and the service's runs.plan, so the wizard's size preview is the student the run builds.
import type { BertConfig } from '../bert/index.js';
import { distilBertOptionsFromConfig, resolveDistilBertSetup } from '../methods/distilbert/index.js';
import { resolveTinyBertSetup, tinyBertOptionsFromConfig } from '../methods/tinybert/index.js';
import { resolveTargetSizes, studentConfig as widStudentConfig, type TargetRequest } from '../methods/wid/target-sizes.js';
import { ConfigError } from './types.js';

export type DistillMethodName = 'wid' | 'distilbert' | 'tinybert';

/** The method's options, checked against the teacher config, and the student they build. Throws ConfigError. */
export function distillMethodOptions(method: DistillMethodName, r: Record<string, unknown>, teacher: BertConfig): { options: Record<string, unknown>; studentConfig: BertConfig } {
  const extra = r.methodOptions ?? {};
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new ConfigError(`methodOptions: expected an object of ${method} options, got ${JSON.stringify(extra)}`);
  }
  const own = r[method] ?? {};
  if (typeof own !== 'object' || own === null || Array.isArray(own)) throw new ConfigError(`${method}: expected an object of ${method} options, got ${JSON.stringify(own)}`);
  const merged = { ...r, [method]: { ...(extra as object), ...(own as object) } };
  try {
    if (method === 'distilbert') {
      const options = distilBertOptionsFromConfig(merged) as Record<string, unknown>;
      return { options, studentConfig: resolveDistilBertSetup(teacher, options).studentConfig };
    }
    if (method === 'tinybert') {
      const options = tinyBertOptionsFromConfig(merged) as Record<string, unknown>;
      return { options, studentConfig: resolveTinyBertSetup(teacher, options).studentConfig };
    }
    const options: Record<string, unknown> = { ...(merged.wid as object) };
    for (const key of ['target', 'preset'] as const) if (r[key] !== undefined && options[key] === undefined) options[key] = r[key];
    return { options, studentConfig: widStudentConfig(teacher, resolveTargetSizes(teacher, options as TargetRequest)) };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
}
