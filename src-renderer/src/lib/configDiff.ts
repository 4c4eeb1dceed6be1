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
