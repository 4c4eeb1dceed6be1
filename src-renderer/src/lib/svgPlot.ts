// Axes for the SVG plots (Pareto, seed error bars and bands): linear or log scales with readable ticks, and the
// export of an <svg> element as SVG text or a PNG (drawn onto a canvas at 2x).
export interface Scale { (v: number): number; ticks: number[]; log: boolean; domain: [number, number] }

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/** Maps [lo, hi] (padded 5 %, or ±10 % of a single value) onto [a, b] pixels. */
export function linearScale(values: number[], a: number, b: number, tickCount = 5): Scale {
  let lo = Math.min(...values), hi = Math.max(...values);
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-12) { const pad = Math.abs(hi) * 0.1 || 1; lo -= pad; hi += pad; }
  else { const pad = (hi - lo) * 0.08; lo -= pad; hi += pad; }
  const step = niceStep(hi - lo, tickCount);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) ticks.push(+t.toPrecision(12));
  const f = ((v: number) => a + ((v - lo) / (hi - lo)) * (b - a)) as Scale;
  return Object.assign(f, { ticks, log: false, domain: [lo, hi] as [number, number] });
}

/** Log10 scale for values > 0 spanning more than a decade or so. */
export function logScale(values: number[], a: number, b: number): Scale {
  const pos = values.filter((v) => v > 0);
  let lo = Math.log10(Math.min(...pos)), hi = Math.log10(Math.max(...pos));
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 0.2) { lo -= 0.15; hi += 0.15; } else { const pad = (hi - lo) * 0.08; lo -= pad; hi += pad; }
  const ticks: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of [1, 2, 5]) { const v = m * 10 ** e; if (Math.log10(v) >= lo && Math.log10(v) <= hi) ticks.push(v); }
  const f = ((v: number) => a + ((Math.log10(v) - lo) / (hi - lo)) * (b - a)) as Scale;
  return Object.assign(f, { ticks, log: true, domain: [10 ** lo, 10 ** hi] as [number, number] });
}

/** Serialises an <svg> element (inline styles only) with its XML namespace. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

/** Draws the SVG on a white canvas at `scale`x and returns a PNG data URL. */
export function svgToPng(svg: SVGSVGElement, scale = 2): Promise<string> {
  const { width, height } = svg.viewBox.baseVal;
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  return new Promise((resolve, reject) => {
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = width * scale; canvas.height = height * scale;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      resolve(canvas.toDataURL('image/png'));
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('the plot could not be drawn as PNG')); };
    img.src = url;
  });
}

/** Axis tick text: 100k, 1.5M, 0.25, 6e-5. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 1e-3) return v.toExponential(0);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}B`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return String(+v.toPrecision(3));
}
