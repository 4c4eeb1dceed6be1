// What the store records about a dataset at registration: a corpus's file, line and byte counts, or a
// GLUE folder's row counts per task and split. Reading every row (a malformed one is an error naming
// file:line) can take seconds on MNLI/QQP, so the service runs this in a worker process.
import { existsSync, statSync } from 'node:fs';
import { GLUE_TASKS } from '../glue/tasks.js';
import { readTsvText, scanGlueFolder } from '../glue/tsv-loader.js';
import { corpusTextFiles } from '../train/corpus.js';
import { corpusStats } from './corpus-stats.js';
import { textFileWarning } from './text-check.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** At most this many warnings are stored with a dataset (the first ones name the files to fix). */
const MAX_WARNINGS = 20;

export function datasetStats(kind: 'corpus' | 'glue', path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  if (kind === 'corpus') {
    const stats = corpusStats(path);
    if (stats.files === 0) throw new Error(`${path} holds no .txt file: expected a text file or a folder of .txt files`);
    const warnings = corpusTextFiles(path).map(textFileWarning).filter((w): w is string => w !== null).slice(0, MAX_WARNINGS);
    return { ...stats, ...(warnings.length ? { warnings } : {}) };
  }
  if (!statSync(path).isDirectory()) throw new Error(`${path} is a file; expected a GLUE folder with <TASK>/train.tsv inside`);
  const tasks = scanGlueFolder(path); // GlueFormatError names file:line
  if (Object.keys(tasks).length === 0) {
    throw new Error(`${path} holds no GLUE task: expected folders such as ${Object.keys(GLUE_TASKS).slice(0, 3).join(', ')} with train.tsv inside`);
  }
  const warnings: string[] = [];
  for (const task of Object.keys(tasks)) {
    for (const file of readdirSync(join(path, task)).filter((f) => f.endsWith('.tsv')).sort()) {
      const { warning } = readTsvText(join(path, task, file));
      if (warning && warnings.length < MAX_WARNINGS) warnings.push(warning);
    }
  }
  return { tasks, ...(warnings.length ? { warnings } : {}) };
}
