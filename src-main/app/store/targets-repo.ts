// Execution targets: SLURM clusters runs can be sent to, by name. Only how to reach one is stored (an ssh
// destination as the user's SSH config names it, never a credential).
import type { ExecutionTarget, SlurmTargetSettings } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';

interface TargetRow { id: number; name: string; kind: 'slurm'; settings: string; created_at: string }

const toRecord = (r: TargetRow): ExecutionTarget => ({
  id: r.id, name: r.name, kind: r.kind, settings: fromJson<SlurmTargetSettings>(r.settings, {} as SlurmTargetSettings), createdAt: r.created_at,
});

export class TargetsRepo {
  constructor(private readonly db: Db) {}

  insert(t: { name: string; kind: 'slurm'; settings: SlurmTargetSettings }): ExecutionTarget {
    const info = this.db.prepare('INSERT INTO targets (name, kind, settings, created_at) VALUES (?, ?, ?, ?)').run(t.name, t.kind, toJson(t.settings), now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ExecutionTarget | undefined {
    const r = this.db.prepare('SELECT * FROM targets WHERE id = ?').get(id) as TargetRow | undefined;
    return r && toRecord(r);
  }

  byName(name: string): ExecutionTarget | undefined {
    const r = this.db.prepare('SELECT * FROM targets WHERE name = ?').get(name) as TargetRow | undefined;
    return r && toRecord(r);
  }

  list(): ExecutionTarget[] {
    return (this.db.prepare('SELECT * FROM targets ORDER BY name').all() as TargetRow[]).map(toRecord);
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM targets WHERE name = ?').run(name).changes > 0;
  }
}
