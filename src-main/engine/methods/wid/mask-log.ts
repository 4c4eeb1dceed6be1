// WID's mask events as the run made them: one JSON line per event in <workDir>/masks.jsonl, with the kept
// residual dims, per-head dims and FFN units as bitsets (base64) over the teacher's units, so even the authors'
// cadence (a mask every 1/800 of the run) costs ~6 KB per event on BERT-base instead of ~200 KB of index lists.
// A resumed run repeats the steps after its checkpoint and appends their events again: a line at step s
// replaces every earlier line at s or later (the metric points' rule), so the log ends as the latest attempt.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { BertConfig } from '../../bert/index.js';
import type { WidMasks } from './masks.js';

export const MASK_LOG_FILE = 'masks.jsonl';

/** The teacher's units a log line's bitsets cover. */
export interface MaskLogTeacher { layers: number; hidden: number; heads: number; intermediate: number }

export interface MaskLogEntry { step: number; event: number; masks: WidMasks }

interface Line {
  step: number;
  event: number;
  teacher: MaskLogTeacher;
  residual: string;
  /** Per layer: bit h·headDim + d set when dim d of teacher head h is kept. */
  attention: string[];
  intermediate: string[];
}

function pack(kept: Iterable<number>, n: number): string {
  const bytes = Buffer.alloc(Math.ceil(n / 8));
  for (const i of kept) bytes[i >> 3] |= 1 << (i & 7);
  return bytes.toString('base64');
}

function unpack(b64: string, n: number): number[] {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== Math.ceil(n / 8)) throw new Error(`mask log: a bitset of ${bytes.length} bytes for ${n} units`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (bytes[i >> 3] & (1 << (i & 7))) out.push(i);
  return out;
}

export const maskLogTeacher = (cfg: BertConfig): MaskLogTeacher =>
  ({ layers: cfg.numHiddenLayers, hidden: cfg.hiddenSize, heads: cfg.numAttentionHeads, intermediate: cfg.intermediateSize });

export function encodeMaskEvent(e: MaskLogEntry, t: MaskLogTeacher): string {
  const d = t.hidden / t.heads;
  const line: Line = {
    step: e.step, event: e.event, teacher: t,
    residual: pack(e.masks.residual, t.hidden),
    attention: e.masks.heads.map((hs, l) => pack(hs.flatMap((h, j) => e.masks.headDims[l][j].map((x) => h * d + x)), t.hidden)),
    intermediate: e.masks.intermediate.map((kept) => pack(kept, t.intermediate)),
  };
  return JSON.stringify(line);
}

export function decodeMaskEvent(text: string): MaskLogEntry & { teacher: MaskLogTeacher } {
  const l = JSON.parse(text) as Line;
  const t = l.teacher;
  if (!Number.isInteger(l.step) || !t || !Array.isArray(l.attention) || l.attention.length !== t.layers) throw new Error('mask log: a line without step, teacher or one attention bitset per layer');
  const d = t.hidden / t.heads;
  const heads: number[][] = [], headDims: number[][][] = [];
  for (const b of l.attention) {
    const kept = unpack(b, t.hidden);
    const hs = [...new Set(kept.map((i) => Math.floor(i / d)))];
    heads.push(hs);
    headDims.push(hs.map((h) => kept.filter((i) => Math.floor(i / d) === h).map((i) => i - h * d)));
  }
  return {
    step: l.step, event: l.event, teacher: t,
    masks: { residual: unpack(l.residual, t.hidden), heads, headDims, intermediate: l.intermediate.map((b) => unpack(b, t.intermediate)) },
  };
}

export function appendMaskEvent(path: string, e: MaskLogEntry, t: MaskLogTeacher): void {
  appendFileSync(path, `${encodeMaskEvent(e, t)}\n`);
}

/**
 * The log's lines in effect (the latest attempt at each step), oldest first, still encoded: a reader decodes only
 * the event it shows. A cut-off last line (a crash mid-write) is skipped.
 */
export function readMaskLog(path: string): { step: number; event: number; text: string }[] {
  if (!existsSync(path)) return [];
  const out: { step: number; event: number; text: string }[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    const head = /^\{"step":(\d+),"event":(\d+),/.exec(text);
    if (!head || !text.endsWith('}')) continue;
    const step = Number(head[1]);
    while (out.length && out[out.length - 1].step >= step) out.pop();
    out.push({ step, event: Number(head[2]), text });
  }
  return out;
}
