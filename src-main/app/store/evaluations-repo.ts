// Task scores (GLUE dev metrics) recorded by runs, optionally attributed to a registered model.
import type { EvaluationRecord } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { now } from './json-column.js';

interface EvaluationRow { id: number; run_id: number; model_id: number | null; task: string; metric: string; value: number; created_at: string }

const toRecord = (r: EvaluationRow): EvaluationRecord => ({
  id: r.id, runId: r.run_id, modelId: r.model_id, task: r.task, metric: r.metric, value: r.value, createdAt: r.created_at,
});

export class EvaluationsRepo {
  constructor(private readonly db: Db) {}

  insert(e: { runId: number; modelId: number | null; task: string; metric: string; value: number }): EvaluationRecord {
    const info = this.db.prepare('INSERT INTO evaluations (run_id, model_id, task, metric, value, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.runId, e.modelId, e.task, e.metric, e.value, now());
    return toRecord(this.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(Number(info.lastInsertRowid)) as EvaluationRow);
  }

  listForRun(runId: number): EvaluationRecord[] {
    return (this.db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(runId) as EvaluationRow[]).map(toRecord);
  }

  /** Oldest first, so a later value for the same task/metric wins in the comparison table. */
  listForModels(modelIds: number[]): EvaluationRecord[] {
    if (!modelIds.length) return [];
    return (this.db.prepare(`SELECT * FROM evaluations WHERE model_id IN (${modelIds.map(() => '?').join(', ')}) ORDER BY id`)
      .all(...modelIds) as EvaluationRow[]).map(toRecord);
  }
}
