// A method's options parsed with its schema (shared/api/method-options.ts), errors naming the option under the
// method's key ("tinybert.weights.hidden: expected a number >= 0 (at most 1000), got -1"); the seed, which the
// distill job fills from the run's seed, defaults to 0 for direct callers (tests, benchmarks).
import type * as z from 'zod';
import { parseWith } from '../../config/parse.js';

export type WithSeed<T> = T & { seed: number };

export function parseMethodOptions<S extends z.ZodType>(schema: S, options: unknown, method: string): WithSeed<z.output<S>> {
  const parsed = parseWith(schema, options ?? {}, method) as z.output<S> & { seed?: number };
  return { ...parsed, seed: parsed.seed ?? 0 };
}
