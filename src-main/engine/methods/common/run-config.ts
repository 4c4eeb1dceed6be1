// Reads a method's options from a run config: the shared keys of a compare group (`target`, `preset`, `seed`)
// plus the method's own sub-object (`distilbert: {...}` / `tinybert: {...}`), so one group config drives WID,
// DistilBERT and TinyBERT alike. Shape errors name the key; sizes are checked against the teacher later.

export function sharedAndOwnOptions(config: Record<string, unknown>, method: 'distilbert' | 'tinybert' | 'albert' | 'mobilebert'): Record<string, unknown> {
  const own = config[method];
  if (own !== undefined && (typeof own !== 'object' || own === null || Array.isArray(own))) {
    throw new Error(`${method} must be an object of ${method} options, got ${JSON.stringify(own)}`);
  }
  const out: Record<string, unknown> = { ...(own as Record<string, unknown> | undefined) };
  for (const key of ['target', 'preset', 'seed'] as const) {
    if (config[key] !== undefined && out[key] === undefined) out[key] = config[key];
  }
  if (out.seed !== undefined && (typeof out.seed !== 'number' || !Number.isInteger(out.seed))) {
    throw new Error(`seed must be an integer, got ${JSON.stringify(out.seed)}`);
  }
  if (out.target !== undefined && (typeof out.target !== 'object' || out.target === null || Array.isArray(out.target))) {
    throw new Error(`target must be an object { layers, hidden, heads, intermediate }, got ${JSON.stringify(out.target)}`);
  }
  return out;
}

/** Throws naming the first key of `o` that is not an option of the method (a typo would otherwise do nothing). */
export function refuseUnknownKeys(o: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new Error(`unknown ${what} option "${key}"; expected one of ${known.join(', ')}`);
  }
}

/** A baseline's options from a run config: shared keys + its own object, checked by `resolve` (throws naming the option). */
export function baselineOptionsFromConfig<O extends object>(config: Record<string, unknown>, method: 'distilbert' | 'tinybert' | 'albert' | 'mobilebert', resolve: (o: O) => unknown): O {
  const o = sharedAndOwnOptions(config, method) as O & { layerMap?: unknown };
  resolve(o);
  if (o.layerMap !== undefined && !Array.isArray(o.layerMap)) {
    throw new Error(`${method}.layerMap must be an array of teacher layer indices, got ${JSON.stringify(o.layerMap)}`);
  }
  return o;
}
