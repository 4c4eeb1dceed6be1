// What the runner hands the worker: the job's config as the service parsed it once at runs.create (stored beside
// the request's config), so neither the worker nor the job parses it again. A run created before that config was
// kept (job_config NULL) is decoded here from its stored fields, with no file read; an error names the field.
import type { RunRecord } from '../../shared/api/types.js';
import { jobFor } from '../../engine/jobs/registry.js';
import type { Store } from '../store/index.js';

export function storedJobConfig(store: Store, run: Pick<RunRecord, 'id' | 'method' | 'config'>): unknown {
  const stored = store.runs.jobConfig(run.id);
  if (stored !== null) return stored;
  return decodeRunConfig(run);
}

/** The job's config from a stored request config: the fields alone (the files were checked when it was created). */
export function decodeRunConfig(run: Pick<RunRecord, 'method' | 'config'>): unknown {
  const job = jobFor(run.method);
  return job.decode ? job.decode(run.config) : job.parseConfig(run.config);
}
