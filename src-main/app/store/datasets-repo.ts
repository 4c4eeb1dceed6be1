// Registered corpora (pre-training text) and GLUE folders, with counts computed at registration.
import type { DatasetRecord } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';

interface DatasetRow { id: number; name: string; kind: 'corpus' | 'glue'; path: string; stats: string; created_at: string }

const toRecord = (r: DatasetRow): DatasetRecord => ({
  id: r.id, name: r.name, kind: r.kind, path: r.path, stats: fromJson(r.stats, {}), createdAt: r.created_at,
});

export class DatasetsRepo {
  constructor(private readonly db: Db) {}

  insert(d: Omit<DatasetRecord, 'id' | 'createdAt'>): DatasetRecord {
    const info = this.db.prepare('INSERT INTO datasets (name, kind, path, stats, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(d.name, d.kind, d.path, toJson(d.stats), now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): DatasetRecord | undefined {
    const r = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    return r && toRecord(r);
  }

  list(): DatasetRecord[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[]).map(toRecord);
  }

  rename(id: number, name: string): DatasetRecord | undefined {
    this.db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name, id);
    return this.get(id);
  }

  /** Runs that used it keep their config; runs.dataset_id becomes NULL (ON DELETE SET NULL). */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }
}
