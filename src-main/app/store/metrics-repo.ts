// Metric series: (run, step, name, value) points, written in batches inside one transaction.
import type { MetricPoint } from '../../shared/api/types.js';
import type { Db } from './database.js';

export class MetricsRepo {
  constructor(private readonly db: Db) {}

  /**
   * All points land or none do. A point replaces the series' points at its step and after: a resumed run repeats
   * the steps after its last checkpoint (a fine-tune starts again at step 1), and the latest attempt is the run's
   * history, one point per step, not a second curve drawn over the first.
   */
  insertMany(runId: number, points: MetricPoint[]): void {
    if (!points.length) return;
    const drop = this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND name = ? AND step >= ?');
    const stmt = this.db.prepare('INSERT INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const p of points) {
        drop.run(runId, p.name, p.step);
        stmt.run(runId, p.step, p.name, p.value);
      }
    })();
  }

  list(runId: number, names?: string[]): MetricPoint[] {
    const filter = names?.length ? ` AND name IN (${names.map(() => '?').join(', ')})` : '';
    return this.db.prepare(`SELECT step, name, value FROM metrics WHERE run_id = ?${filter} ORDER BY name, step, rowid`)
      .all(runId, ...(names ?? [])) as MetricPoint[];
  }
}
