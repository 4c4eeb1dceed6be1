// What the store records about a dataset at registration: a corpus's file, line and byte counts, or a
// GLUE folder's row counts per task and split. Reading every row (a malformed one is an error naming
// file:line) can take seconds on MNLI/QQP, so the service runs this in a worker process.
import { existsSync, statSync } from 'node:fs';
import { GLUE_TASKS } from '../../engine/glue/tasks.js';
import { scanGlueFolder } from '../../engine/glue/tsv-loader.js';
import { corpusStats } from './corpus-stats.js';

export function datasetStats(kind: 'corpus' | 'glue', path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  if (kind === 'corpus') {
    const stats = corpusStats(path);
    if (stats.files === 0) throw new Error(`${path} holds no .txt file: expected a text file or a folder of .txt files`);
    return { ...stats };
  }
  if (!statSync(path).isDirectory()) throw new Error(`${path} is a file; expected a GLUE folder with <TASK>/train.tsv inside`);
  const tasks = scanGlueFolder(path); // GlueFormatError names file:line
  if (Object.keys(tasks).length === 0) {
    throw new Error(`${path} holds no GLUE task: expected folders such as ${Object.keys(GLUE_TASKS).slice(0, 3).join(', ')} with train.tsv inside`);
  }
  return { tasks };
}
