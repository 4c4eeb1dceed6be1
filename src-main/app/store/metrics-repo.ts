// Metric series: (run, step, name, value) points, written in batches inside one transaction.
import type { MetricPoint } from '../../shared/api/types.js';
import type { Db } from './database.js';

export class MetricsRepo {
  constructor(private readonly db: Db) {}

  /** All points land or none do. */
  insertMany(runId: number, points: MetricPoint[]): void {
    if (!points.length) return;
    const stmt = this.db.prepare('INSERT INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => { for (const p of points) stmt.run(runId, p.step, p.name, p.value); })();
  }

  list(runId: number, names?: string[]): MetricPoint[] {
    const filter = names?.length ? ` AND name IN (${names.map(() => '?').join(', ')})` : '';
    return this.db.prepare(`SELECT step, name, value FROM metrics WHERE run_id = ?${filter} ORDER BY name, step, rowid`)
      .all(runId, ...(names ?? [])) as MetricPoint[];
  }
}
