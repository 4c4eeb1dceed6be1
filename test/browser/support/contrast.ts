// WCAG 2 contrast of everything readable on a page, from getComputedStyle: every visible element with its own
// text (and every empty input's placeholder) against the background it actually sits on (ancestor backgrounds
// composited, alpha included). Disabled controls are exempt (WCAG 1.4.3), as is text drawn into a canvas.
import type { Page } from 'playwright-core';

export interface ContrastFinding { element: string; text: string; color: string; background: string; ratio: number }

/** Runs in the page; kept free of imports and closures over Node values. */
function measure(): ContrastFinding[] {
  type RGBA = [number, number, number, number];
  const parse = (s: string): RGBA => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top: RGBA, bottom: RGBA): RGBA => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const c = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [c(0), c(1), c(2), a];
  };
  const lum = (c: RGBA) => {
    const [r, g, b] = c.slice(0, 3).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backgroundOf = (el: Element): RGBA => {
    const layers: RGBA[] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
      // a modal <dialog> sits on its own ::backdrop over the page; its own background is what counts here
    }
    let out: RGBA = [255, 255, 255, 1]; // the canvas behind the page
    for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out);
    return out;
  };
  const describe = (el: Element) => {
    const id = el.getAttribute('data-testid');
    return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
  };
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let e: Element | null = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false;
      if (e.tagName === 'DIALOG' && !(e as HTMLDialogElement).open) return false;
    }
    return r.right > 0 && r.bottom > 0 && r.left < 10000; // off-screen skip links etc. are not shown
  };
  const disabled = (el: Element) => !!el.closest(':disabled, [aria-disabled=true], option');
  const rgb = (c: RGBA) => `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(', ')})`;
  const out: ContrastFinding[] = [];
  const push = (el: Element, text: string, colorCss: string) => {
    const bg = backgroundOf(el);
    const fg = over(parse(colorCss), bg);
    const a = lum(fg), b = lum(bg);
    out.push({ element: describe(el), text: text.slice(0, 60), color: rgb(fg), background: rgb(bg), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
  };
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (['SCRIPT', 'STYLE', 'CANVAS', 'svg'].includes(el.tagName) || !visible(el) || disabled(el)) continue;
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
    if (own) push(el, own, getComputedStyle(el).color);
    if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && el.placeholder && !el.value) {
      push(el, `placeholder: ${el.placeholder}`, getComputedStyle(el, '::placeholder').color);
    }
    if (el instanceof HTMLInputElement && el.value && !['checkbox', 'radio', 'hidden'].includes(el.type)) push(el, `value: ${el.value}`, getComputedStyle(el).color);
    if (el instanceof HTMLSelectElement) push(el, `select: ${el.selectedOptions[0]?.textContent ?? ''}`, getComputedStyle(el).color);
  }
  return out;
}

export async function contrastFindings(page: Page): Promise<ContrastFinding[]> {
  return page.evaluate(measure);
}

/** Findings below `min` as readable lines (empty when everything passes). */
export async function contrastFailures(page: Page, min = 4.5): Promise<string[]> {
  return (await contrastFindings(page)).filter((f) => f.ratio < min)
    .map((f) => `${f.element} "${f.text}": ${f.color} on ${f.background} = ${f.ratio.toFixed(2)}:1`);
}
