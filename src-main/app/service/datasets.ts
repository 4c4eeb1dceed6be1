// datasets.*: register a corpus (text file or folder of .txt) or a GLUE folder (<root>/<TASK>/*.tsv),
// list them, and preview a few rows.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { DatasetRecord } from '../../shared/api/types.js';
import { GLUE_TASKS, type GlueTaskName } from '../../engine/glue/tasks.js';
import { GlueFormatError, loadGlueSplit, scanGlueFolder } from '../../engine/glue/tsv-loader.js';
import { corpusFiles, corpusStats } from '../store/corpus-stats.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, idField, notFound, oneOf, optionalInt, optionalString, requestObject, stringField } from './validate.js';

function getDataset(ctx: ServiceContext, id: number): DatasetRecord {
  const d = ctx.store.datasets.get(id);
  if (!d) throw notFound(`dataset ${id} not found`);
  return d;
}

function glueStats(path: string): Record<string, unknown> {
  if (!statSync(path).isDirectory()) throw badRequest(`path: ${path} is a file; expected a GLUE folder with <TASK>/train.tsv inside`);
  let tasks;
  try { tasks = scanGlueFolder(path); }
  catch (err) {
    if (err instanceof GlueFormatError) throw badRequest(`path: malformed GLUE file: ${err.message}`);
    throw badRequest(`path: ${(err as Error).message}`);
  }
  if (Object.keys(tasks).length === 0) {
    throw badRequest(`path: ${path} holds no GLUE task: expected folders such as ${Object.keys(GLUE_TASKS).slice(0, 3).join(', ')} with train.tsv inside`);
  }
  return { tasks };
}

function corpusRecordStats(path: string): Record<string, unknown> {
  const stats = corpusStats(path);
  if (stats.files === 0) throw badRequest(`path: ${path} holds no .txt file: expected a text file or a folder of .txt files`);
  return { ...stats };
}

/** First `limit` lines of a corpus, reading only as many bytes as needed. */
function firstLines(path: string, limit: number): string[] {
  const out: string[] = [];
  for (const file of corpusFiles(path)) {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      let rest = '';
      for (let n; out.length < limit && (n = readSync(fd, buf, 0, buf.length, null)) > 0;) {
        const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
        rest = parts.pop()!;
        out.push(...parts.slice(0, limit - out.length));
      }
      if (out.length < limit && rest !== '') out.push(rest);
    } finally {
      closeSync(fd);
    }
    if (out.length >= limit) break;
  }
  return out.map((l) => l.replace(/\r$/, ''));
}

export function datasetsHandlers(ctx: ServiceContext): Handlers<'datasets.list' | 'datasets.register' | 'datasets.preview'> {
  const { store } = ctx;
  return {
    'datasets.list': () => store.datasets.list(),

    'datasets.register': (raw) => {
      const req = requestObject(raw, 'datasets.register');
      const path = resolve(stringField(req, 'path'));
      const kind = oneOf(req, 'kind', ['corpus', 'glue'] as const);
      const name = optionalString(req, 'name', false)?.trim() || basename(path);
      if (!existsSync(path)) throw badRequest(`path: ${path} does not exist`);
      const stats = kind === 'glue' ? glueStats(path) : corpusRecordStats(path);
      return store.datasets.insert({ name, kind, path, stats });
    },

    'datasets.preview': (raw) => {
      const req = requestObject(raw, 'datasets.preview');
      const dataset = getDataset(ctx, idField(req, 'id'));
      const limit = optionalInt(req, 'limit', 1, 1000) ?? 20;
      if (dataset.kind === 'corpus') return { columns: ['text'], rows: firstLines(dataset.path, limit).map((l) => [l]) };
      const available = Object.keys((dataset.stats.tasks ?? {}) as object);
      const task = (optionalString(req, 'task', false) ?? available[0]) as GlueTaskName;
      if (!available.includes(task)) throw badRequest(`task: expected one of ${available.join(', ')}, got ${JSON.stringify(task)}`);
      const spec = GLUE_TASKS[task];
      const [split] = loadGlueSplit(dataset.path, task, 'train');
      const columns = spec.textB === undefined ? ['textA', 'label'] : ['textA', 'textB', 'label'];
      const rows = split.examples.slice(0, limit).map((e) => {
        const label = spec.labels ? spec.labels[e.label] : String(e.label);
        return spec.textB === undefined ? [e.textA, label] : [e.textA, e.textB ?? '', label];
      });
      return { columns, rows };
    },
  };
}
