// datasets.*: register a corpus (text file or folder of .txt) or a GLUE folder (<root>/<TASK>/*.tsv),
// list them, and preview a few rows.
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { DatasetRecord } from '../../shared/api/types.js';
import { GLUE_TASKS, type GlueTaskName } from '../../engine/glue/tasks.js';
import { parseGlueTsv } from '../../engine/glue/tsv-loader.js';
import { corpusTextFiles } from '../../engine/train/corpus.js';
import { describeKind, RegularFile, RegularFileError } from '../../engine/io/regular-file.js';
import { fileApiError } from './io-errors.js';
import { runWorkerTask } from './worker-task.js';
import { corpusRefusal } from './registration-checks.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { badRequest, conflict, idField, notFound, oneOf, optionalInt, optionalString, requestObject, stringField } from './validate.js';

function getDataset(ctx: ServiceContext, id: number): DatasetRecord {
  const d = ctx.store.datasets.get(id);
  if (!d) throw notFound(`dataset ${id} not found`);
  return d;
}

/** A preview line longer than this is cut (the rest of it is skipped, not read into memory). */
export const PREVIEW_LINE_BYTES = 16 * 1024;
/** A preview reads at most this many bytes in all, however long its lines: it answers in milliseconds. */
export const PREVIEW_READ_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const TRUNCATED = ' … (line cut: longer than 16 KiB)';

/**
 * First `limit` lines of a corpus (or a TSV), linear in the bytes read and bounded in bytes as well as lines:
 * each line keeps at most PREVIEW_LINE_BYTES (a 50 MB line comes back cut, at once), and no more than
 * PREVIEW_READ_BYTES are read in all. Only regular files are read, off the event loop, with a timeout.
 */
async function firstLines(path: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  let budget = PREVIEW_READ_BYTES;
  // a path that is not a folder is read as the one file (refused there if it is a FIFO or a device)
  const files = (await stat(path)).isDirectory() ? corpusTextFiles(path) : [path];
  for (const file of files) {
    const f = await RegularFile.open(file, 'a text file');
    try {
      let line: Buffer[] = [];
      let lineBytes = 0;
      let cut = false;
      const finish = () => {
        const text = Buffer.concat(line).toString('utf8').replace(/\r$/, '');
        out.push(cut ? `${text.replace(/\uFFFD+$/, '')}${TRUNCATED}` : text);
        line = []; lineBytes = 0; cut = false;
      };
      for (let pos = 0; out.length < limit && pos < f.size && budget > 0;) {
        const chunk = await f.read(pos, Math.min(CHUNK_BYTES, budget));
        if (chunk.length === 0) break;
        pos += chunk.length;
        budget -= chunk.length;
        for (let at = 0; at < chunk.length && out.length < limit;) {
          const nl = chunk.indexOf(10, at);
          const end = nl < 0 ? chunk.length : nl;
          const room = PREVIEW_LINE_BYTES - lineBytes;
          if (end - at > room) cut = true;
          const take = Math.min(end - at, Math.max(0, room));
          if (take > 0) { line.push(chunk.subarray(at, at + take)); lineBytes += take; }
          if (nl < 0) break;
          finish();
          at = nl + 1;
        }
        // a cut first line answers `limit: 1` without reading the rest of it
        if (cut && out.length === limit - 1) { finish(); break; }
      }
      if (budget <= 0 && lineBytes > 0) cut = true; // stopped reading inside this line
      if (out.length < limit && (lineBytes > 0 || cut)) finish();
    } finally {
      await f.close();
    }
    if (out.length >= limit || budget <= 0) break;
  }
  return out;
}

/** The kind of thing at `path`, for a refusal: only a regular file or a folder can be a dataset. */
async function checkDatasetPath(path: string): Promise<void> {
  let st;
  try { st = await stat(path); } catch { throw badRequest(`path: ${path} does not exist`); }
  if (!st.isFile() && !st.isDirectory()) throw badRequest(`path: ${path} is ${describeKind(st)}; expected a text file or a folder`);
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
      await checkDatasetPath(path);
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

    'datasets.preview': async (raw) => {
      const req = requestObject(raw, 'datasets.preview');
      const dataset = getDataset(ctx, idField(req, 'id'));
      const limit = optionalInt(req, 'limit', 1, 1000) ?? 20;
      const lines = async (file: string, n: number) => {
        try { return await firstLines(file, n); }
        catch (err) {
          if (err instanceof RegularFileError) throw fileApiError(err, `dataset ${dataset.id}`);
          throw conflict(`dataset ${dataset.id}: cannot read ${file}: ${(err as Error).message}`);
        }
      };
      if (dataset.kind === 'corpus') return { columns: ['text'], rows: (await lines(dataset.path, limit)).map((l) => [l]) };
      const available = Object.keys((dataset.stats.tasks ?? {}) as object);
      const task = (optionalString(req, 'task', false) ?? available[0]) as GlueTaskName;
      if (!available.includes(task)) throw badRequest(`task: expected one of ${available.join(', ')}, got ${JSON.stringify(task)}`);
      const spec = GLUE_TASKS[task];
      // Only the header and the first `limit` rows are read, however large train.tsv is.
      const file = join(dataset.path, task, 'train.tsv');
      const head = (await lines(file, limit + (spec.hasHeader ? 1 : 0))).join('\n');
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
