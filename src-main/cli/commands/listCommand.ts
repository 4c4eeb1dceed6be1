// wid list: the run history as a table (or JSON), filtered like the UI's runs list.
import type { RunListQuery, RunMethod, RunRecord, RunStatus } from '../../shared/api/index.js';
import type { Service } from '../../app/service/contract.js';
import { CliError } from '../cliError.js';
import { formatNumber, textTable } from '../textTable.js';

const STATUSES: RunStatus[] = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted'];
const METHODS: RunMethod[] = ['selftest', 'wid', 'distilbert', 'tinybert', 'albert', 'mobilebert', 'finetune', 'evaluate'];

function parseChoices<T extends string>(text: string | undefined, allowed: T[], option: string): T[] | undefined {
  if (!text) return undefined;
  const values = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const v of values) {
    if (!allowed.includes(v as T)) throw new CliError(`${option} "${v}" is not one of ${allowed.join(', ')}`, 2);
  }
  return values as T[];
}

/** A running SLURM run still waiting in its queue reads "pending (reason)"; a stalled run says so. */
export function statusText(r: RunRecord): string {
  if (r.status === 'running' && r.remote?.state === 'PENDING') return `pending${r.remote.reason ? ` (${r.remote.reason})` : ''}`;
  return r.stalled ? `${r.status} (stalled)` : r.status;
}

export interface ListOptions { search?: string; status?: string; method?: string; all?: boolean; json?: boolean }

/**
 * The run's latest loss: its last progress event's, else (a finished run's last event is the export or efficiency
 * phase, which carries no values) the result's finalLoss, else the last stored `loss` metric point (a fine-tune).
 */
export async function lossOf(service: Service, run: RunRecord): Promise<number | null> {
  const live = run.progress?.values?.loss;
  if (typeof live === 'number') return live;
  const final = run.result?.finalLoss;
  if (typeof final === 'number') return final;
  if (run.status === 'queued') return null;
  const points = await service.call('runs.metrics', { id: run.id, names: ['loss'] });
  return points.length ? points.reduce((a, b) => (b.step >= a.step ? b : a)).value : null;
}

export async function listCommand(service: Service, opts: ListOptions, print: (line: string) => void): Promise<number> {
  const query: RunListQuery = {
    ...(opts.search ? { search: opts.search } : {}),
    ...(opts.status ? { status: parseChoices(opts.status, STATUSES, '--status') } : {}),
    ...(opts.method ? { method: parseChoices(opts.method, METHODS, '--method') } : {}),
    ...(opts.all ? { includeArchived: true } : {}),
  };
  const runs = await service.call('runs.list', query);
  if (opts.json) { print(JSON.stringify(runs, null, 2)); return 0; }
  if (runs.length === 0) { print('no runs'); return 0; }
  const losses = await Promise.all(runs.map((r) => lossOf(service, r)));
  print(textTable(['id', 'name', 'method', 'status', 'step', 'loss', 'backend', 'where', 'created'], runs.map((r, i) => [
    r.id, r.name, r.method, statusText(r),
    r.progress ? `${r.progress.step}/${r.progress.totalSteps}` : null,
    losses[i] === null ? null : formatNumber(losses[i]!),
    r.backend, r.target ? `${r.target}${r.remote ? ` #${r.remote.jobId}` : ''}` : 'local', r.createdAt,
  ])));
  return 0;
}
