// Files a run produced (students, checkpoints, attention dumps, reports) with size and sha256.
import type { ArtifactRecord } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { now } from './json-column.js';

interface ArtifactRow { id: number; run_id: number; kind: string; path: string; size: number; sha256: string; created_at: string }

const toRecord = (r: ArtifactRow): ArtifactRecord => ({
  id: r.id, runId: r.run_id, kind: r.kind, path: r.path, size: r.size, sha256: r.sha256, createdAt: r.created_at,
});

export class ArtifactsRepo {
  constructor(private readonly db: Db) {}

  insert(a: Omit<ArtifactRecord, 'id' | 'createdAt'>): ArtifactRecord {
    const info = this.db.prepare('INSERT INTO artifacts (run_id, kind, path, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.runId, a.kind, a.path, a.size, a.sha256, now());
    return toRecord(this.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(Number(info.lastInsertRowid)) as ArtifactRow);
  }

  listForRun(runId: number): ArtifactRecord[] {
    return (this.db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id').all(runId) as ArtifactRow[]).map(toRecord);
  }
}
