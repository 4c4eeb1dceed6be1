// JSON-in-TEXT columns: objects are stored as JSON text and parsed back on read.
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  const v = JSON.parse(text) as T | null;
  return v === null ? fallback : v;
}

export const now = (): string => new Date().toISOString();
