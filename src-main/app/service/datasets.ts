// datasets.*: register a corpus (text file or folder of .txt) or a GLUE folder (<root>/<TASK>/*.tsv),
// list them, and preview a few rows.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { DatasetRecord } from '../../shared/api/types.js';
import { GLUE_TASKS, type GlueTaskName } from '../../engine/glue/tasks.js';
import { parseGlueTsv } from '../../engine/glue/tsv-loader.js';
import { corpusTextFiles } from '../../engine/train/corpus.js';
import { runWorkerTask } from './worker-task.js';
import { corpusRefusal } from './registration-checks.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, conflict, idField, notFound, oneOf, optionalInt, optionalString, requestObject, stringField } from './validate.js';

function getDataset(ctx: ServiceContext, id: number): DatasetRecord {
  const d = ctx.store.datasets.get(id);
  if (!d) throw notFound(`dataset ${id} not found`);
  return d;
}

/** First `limit` lines of a corpus, reading only as many bytes as needed. */
function firstLines(path: string, limit: number): string[] {
  const out: string[] = [];
  for (const file of corpusTextFiles(path)) {
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

    'datasets.register': async (raw) => {
      const req = requestObject(raw, 'datasets.register');
      const path = resolve(stringField(req, 'path'));
      const kind = oneOf(req, 'kind', ['corpus', 'glue'] as const);
      const name = optionalString(req, 'name', false)?.trim() || basename(path);
      if (!existsSync(path)) throw badRequest(`path: ${path} does not exist`);
      let stats: Record<string, unknown>;
      try {
        stats = (await runWorkerTask(ctx.launch, { name: 'datasetStats', kind, path })) as Record<string, unknown>;
      } catch (err) {
        throw badRequest(`path: ${(err as Error).message}`);
      }
      const refusal = kind === 'corpus' ? corpusRefusal(path, stats) : null;
      if (refusal) throw badRequest(`path: ${refusal}`);
      const same = store.datasets.list().filter((d) => d.path === path);
      const dataset = store.datasets.insert({ name, kind, path, stats });
      return same.length ? { ...dataset, warnings: [`${path} is registered already as ${same.map((d) => `${d.kind} #${d.id} “${d.name}”`).join(', ')}: the entries name the same files`] } : dataset;
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
      // Only the header and the first `limit` rows are read, however large train.tsv is.
      const file = join(dataset.path, task, 'train.tsv');
      const head = firstLines(file, limit + (spec.hasHeader ? 1 : 0)).join('\n');
      let split;
      try { split = parseGlueTsv(task, file, head, 'train'); }
      catch (err) { throw conflict(`dataset ${dataset.id}: ${(err as Error).message}`); }
      const columns = spec.textB === undefined ? ['textA', 'label'] : ['textA', 'textB', 'label'];
      const rows = split.examples.slice(0, limit).map((e) => {
        const label = spec.labels ? spec.labels[e.label] : String(e.label);
        return spec.textB === undefined ? [e.textA, label] : [e.textA, e.textB ?? '', label];
      });
      return { columns, rows };
    },
  };
}
