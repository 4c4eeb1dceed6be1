// Flat diff of two run configs: every dotted key whose value differs (missing on one side counts as different).
export interface ConfigDifference { key: string; left: string; right: string }

function flatten(value: unknown, prefix: string, out: Record<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = JSON.stringify(value);
  }
}

export function diffConfigs(left: Record<string, unknown>, right: Record<string, unknown>): ConfigDifference[] {
  const a: Record<string, string> = {}, b: Record<string, string> = {};
  flatten(left, '', a);
  flatten(right, '', b);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => ({ key: k, left: a[k] ?? '(absent)', right: b[k] ?? '(absent)' }));
}

// Paths the service fills in from ids (teacherModelId → teacherPath, ...): the ids already differ where they do.
const DERIVED = /^(teacherPath|corpusPath|gluePath|modelPath)$/;

/**
 * The diff worth reading for two runs: derived paths left out; for runs of different methods (a fine-tune against
 * the distillation run that made its model) only keys both configs have, since a key one method does not know
 * says nothing. Returns the differences and how many one-sided keys were left out.
 */
export function meaningfulDiff(left: { method: string; config: Record<string, unknown> }, right: { method: string; config: Record<string, unknown> }):
  { diff: ConfigDifference[]; oneSided: number } {
  const all = diffConfigs(left.config, right.config).filter((d) => !DERIVED.test(d.key));
  if (left.method === right.method) return { diff: all, oneSided: 0 };
  const both = all.filter((d) => d.left !== '(absent)' && d.right !== '(absent)');
  return { diff: both, oneSided: all.length - both.length };
}
