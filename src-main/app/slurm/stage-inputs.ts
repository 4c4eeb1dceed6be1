// The files a run's config names (teacher, model, corpus, GLUE folder) as the cluster reads them: a path inside the
// shared folder is translated; any other is copied once into <shared>/wid-workbench/inputs/ (kept for later runs:
// the copy is named by the source's path, size and time, so a changed file is copied again).
import { createHash } from 'node:crypto';
import { cp, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SharedPaths, WID_FOLDER } from './job-files.js';
import { placeOnce } from './place-once.js';

/** The config keys that hold paths the job reads (see the run config table in docs/architecture.md). */
export const INPUT_PATH_KEYS = ['teacherPath', 'modelPath', 'corpusPath', 'gluePath'] as const;

async function copyOnce(sharedDir: string, source: string): Promise<string> {
  const st = await stat(source);
  const key = createHash('sha256').update(`${source}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const dest = join(sharedDir, WID_FOLDER, 'inputs', `${key}-${basename(source)}`);
  return placeOnce(dest, source, (tmp) => cp(source, tmp, { recursive: true, dereference: true }));
}

/** Returns the config with every input path as the cluster sees it, and what was copied (for the run's log). */
export async function stageInputs(config: Record<string, unknown>, paths: SharedPaths, sharedDir: string): Promise<{ config: Record<string, unknown>; copied: string[] }> {
  const out = { ...config };
  const copied: string[] = [];
  for (const key of INPUT_PATH_KEYS) {
    const value = out[key];
    if (typeof value !== 'string' || value === '') continue;
    let local = value;
    if (!paths.isShared(value)) {
      local = await copyOnce(sharedDir, value);
      copied.push(`${key} ${value} -> ${local}`);
    }
    out[key] = paths.toRemote(local);
  }
  return { config: out, copied };
}

type StartMessage = { config: Record<string, unknown>; jobConfig: unknown };

/**
 * The start message with its input paths as the cluster reads them, in both the request's config (shown, logged)
 * and the parsed job config (what the job runs); one copy per input serves both.
 */
export async function stageStartMessage<S extends StartMessage>(start: S, paths: SharedPaths, sharedDir: string): Promise<{ start: S; copied: string[] }> {
  const staged = await stageInputs(start.config, paths, sharedDir);
  const job = start.jobConfig;
  const jobConfig = job && typeof job === 'object' && !Array.isArray(job)
    ? (await stageInputs(job as Record<string, unknown>, paths, sharedDir)).config : job;
  return { start: { ...start, config: staged.config, jobConfig }, copied: staged.copied };
}
