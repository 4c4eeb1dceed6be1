// A run's log: every run.log event this process emits (backend chosen, artifacts written, models registered, the
// job's own info/warn/error lines) is appended to runs/<id>/log.jsonl, so the run page can show what the CLI
// prints, after the fact and across restarts. runs.log reads it back.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent } from '../../shared/api/events.js';
import type { RunLogLine } from '../../shared/api/methods.js';
import { runWorkDir } from '../runner/job-runner.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { idField, optionalInt, requestObject } from './validate.js';
import { getRun } from './runs.js';

export const RUN_LOG_FILE = 'log.jsonl';

/** Appends a run.log event to its run's log file; a log that cannot be written never stops the run. */
export function recordRunLog(dataDir: string, event: ApiEvent): void {
  if (event.type !== 'run.log') return;
  try {
    const dir = runWorkDir(dataDir, event.runId);
    mkdirSync(dir, { recursive: true });
    const line: RunLogLine = { time: new Date().toISOString(), level: event.level, message: event.message };
    appendFileSync(join(dir, RUN_LOG_FILE), `${JSON.stringify(line)}\n`);
  } catch { /* the event still reaches live subscribers */ }
}

export function runLogHandlers(ctx: ServiceContext): Handlers<'runs.log'> {
  return {
    'runs.log': (raw) => {
      const req = requestObject(raw, 'runs.log');
      const run = getRun(ctx, idField(req, 'id'));
      const limit = optionalInt(req, 'limit', 1, 100_000) ?? 2000;
      const path = join(runWorkDir(ctx.dataDir, run.id), RUN_LOG_FILE);
      if (!existsSync(path)) return [];
      const lines: RunLogLine[] = [];
      for (const text of readFileSync(path, 'utf8').split('\n')) {
        if (!text.trim()) continue;
        try { lines.push(JSON.parse(text) as RunLogLine); } catch { /* a line cut short by a crash */ }
      }
      return lines.slice(-limit);
    },
  };
}
