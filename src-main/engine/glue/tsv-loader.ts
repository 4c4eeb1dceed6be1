// Reads a GLUE split from its original TSV. GLUE files contain unbalanced quotes, so quoting is off;
// a row whose column count differs from the header, or whose label is not one the task knows, is an
// error naming file and line (never skipped silently: a silently shorter dev set changes the score).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { GLUE_TASKS, type GlueTaskName, type GlueTaskSpec } from './tasks.js';

export interface GlueExample {
  textA: string;
  textB?: string;
  /** Class index into spec.labels, or the similarity score (STS-B). */
  label: number;
  /** 1-based line in the source file. */
  line: number;
}

export interface GlueSplit {
  task: GlueTaskName;
  /** 'train' or a dev split name ('SST-2', 'MNLI-m', ...). */
  split: string;
  file: string;
  examples: GlueExample[];
  /** Problems that did not stop the load, e.g. bytes that are not UTF-8 (replaced by U+FFFD), naming file and line. */
  warnings?: string[];
}

/**
 * The file's text, and a warning naming file and first line when some bytes are not UTF-8: they become
 * U+FFFD in the text (the row still loads), and that must not go unnoticed.
 */
export function readTsvText(path: string): { text: string; warning: string | null } {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, warning: null };
  } catch {
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.includes('\uFFFD'));
    const count = lines.filter((l) => l.includes('\uFFFD')).length;
    return { text, warning: `${path}:${first + 1}: bytes that are not UTF-8 were replaced by U+FFFD (${count} line${count === 1 ? '' : 's'}); save the file as UTF-8` };
  }
}

function loadTsv(task: GlueTaskName, path: string, split: string): GlueSplit {
  const { text, warning } = readTsvText(path);
  const parsed = parseGlueTsv(task, path, text, split);
  return warning ? { ...parsed, warnings: [warning] } : parsed;
}

export class GlueFormatError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'GlueFormatError';
  }
}

interface ParsedRow { record: string[]; info: { lines: number } }

/** Parses one TSV file in the task's layout. */
export function parseGlueTsv(task: GlueTaskName, file: string, text: string, split = 'train'): GlueSplit {
  const spec = GLUE_TASKS[task];
  if (!spec) throw new Error(`unknown GLUE task "${task}"`);
  let rows: ParsedRow[];
  try {
    rows = parse(text, { delimiter: '\t', quote: false, info: true, bom: true, relax_column_count: false, record_delimiter: ['\r\n', '\n'] }) as unknown as ParsedRow[];
  } catch (e) {
    const err = e as { code?: string; lines?: number; message: string };
    if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && err.lines) {
      throw new GlueFormatError(file, err.lines, `${err.message.replace(/ on line \d+$/, '')} (tab-separated columns; ${task} layout)`);
    }
    throw new Error(`${file}: cannot read as TSV: ${err.message}`);
  }
  if (rows.length === 0) throw new GlueFormatError(file, 1, `empty file, expected ${task} ${spec.hasHeader ? 'header and ' : ''}rows`);

  const header = spec.hasHeader ? rows[0].record : null;
  const dataRows = spec.hasHeader ? rows.slice(1) : rows;
  if (!header && spec.columnCount && rows[0].record.length !== spec.columnCount) {
    throw new GlueFormatError(file, rows[0].info.lines, `expected ${spec.columnCount} columns for ${task}, got ${rows[0].record.length}`);
  }
  const col = (c: string | number, what: string): number => {
    if (typeof c === 'number') return c;
    const i = header!.indexOf(c);
    if (i < 0) throw new GlueFormatError(file, 1, `header has no "${c}" column (${what}); header is: ${header!.join(' | ')}`);
    return i;
  };
  const a = col(spec.textA, 'first text');
  const b = spec.textB === undefined ? undefined : col(spec.textB, 'second text');
  const l = col(spec.label, 'label');

  const examples = dataRows.map(({ record, info }) => ({
    textA: record[a],
    textB: b === undefined ? undefined : record[b],
    label: parseLabel(spec, record[l], file, info.lines),
    line: info.lines,
  }));
  return { task, split, file, examples };
}

function parseLabel(spec: GlueTaskSpec, raw: string, file: string, line: number): number {
  if (spec.labels === null) {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw new GlueFormatError(file, line, `${spec.name} score "${raw}" is not a number`);
    return v;
  }
  const i = spec.labels.indexOf(raw.trim());
  if (i < 0) throw new GlueFormatError(file, line, `${spec.name} label "${raw}" is not one of ${spec.labels.join(', ')}`);
  return i;
}

/** Loads train.tsv, or the dev split(s), of a task from a GLUE folder (<root>/<TASK>/...). */
export function loadGlueSplit(root: string, task: GlueTaskName, which: 'train' | 'dev'): GlueSplit[] {
  const spec = GLUE_TASKS[task];
  if (!spec) throw new Error(`unknown GLUE task "${task}"`);
  const files = which === 'train' ? [{ name: 'train', file: 'train.tsv' }] : spec.devSplits;
  return files.map(({ name, file }) => {
    const path = join(root, task, file);
    if (!existsSync(path)) throw new Error(`${path} not found: expected the GLUE folder layout <root>/${task}/${file}`);
    return loadTsv(task, path, name);
  });
}

/** Tasks present in a GLUE folder (those with a train.tsv), with row counts, for the dataset registry. */
export function scanGlueFolder(root: string): Partial<Record<GlueTaskName, { train: number; dev: number }>> {
  const out: Partial<Record<GlueTaskName, { train: number; dev: number }>> = {};
  for (const task of Object.keys(GLUE_TASKS) as GlueTaskName[]) {
    if (!existsSync(join(root, task, 'train.tsv'))) continue;
    const train = loadGlueSplit(root, task, 'train')[0].examples.length;
    const devFiles = GLUE_TASKS[task].devSplits.filter((s) => existsSync(join(root, task, s.file)));
    const devCount = devFiles.reduce((n, s) => n + loadTsv(task, join(root, task, s.file), s.name).examples.length, 0);
    out[task] = { train, dev: devCount };
  }
  return out;
}
