// Results and configs as people read them: non-integer numbers to 4 significant digits (0.007466288032886696 →
// 0.007466), integers and strings unchanged. The exact JSON stays one click away.
export function roundedJson(value: unknown, digits = 4): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v), 2);
}
