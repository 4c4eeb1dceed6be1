// The run table's Score column: the GLUE average (compare.table, the same figure the comparison uses) of the
// model a run is about: a distillation run's student, or the model a finetune/evaluate run scored.
import type { GlueComparisonTable, ModelRecord, RunRecord } from '../../../src-main/shared/api/index.js';

/** Id of the model whose score stands for this run, or null when it has none (yet). */
export function scoredModelId(run: RunRecord, models: ModelRecord[]): number | null {
  if (run.method === 'finetune' || run.method === 'evaluate') {
    const id = run.config.modelId;
    return typeof id === 'number' ? id : null;
  }
  // the latest student the run registered (a resumed run may have written one per attempt)
  const students = models.filter((m) => m.kind === 'student' && m.sourceRunId === run.id);
  return students.length ? students[students.length - 1].id : null;
}

export interface RunScore { value: number; tasks: string[] }

/**
 * Scores by run id. `modelIds` must be the ids compare.table was asked for, in that order: its rows come back
 * in the same order (names may repeat, so rows are matched by position, not by name).
 */
export function runScores(runs: RunRecord[], models: ModelRecord[], modelIds: number[], table: GlueComparisonTable): Record<number, RunScore> {
  if (table.rows.length !== modelIds.length) throw new Error(`compare.table returned ${table.rows.length} rows for ${modelIds.length} models`);
  const byModel = new Map(modelIds.map((id, i) => [id, table.rows[i]]));
  const out: Record<number, RunScore> = {};
  for (const run of runs) {
    const id = scoredModelId(run, models);
    const row = id == null ? undefined : byModel.get(id);
    if (row?.average != null) out[run.id] = { value: row.average, tasks: table.tasks.filter((t) => row.scores[t] != null) };
  }
  return out;
}
