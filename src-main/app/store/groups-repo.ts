// Compare groups: one shared config, one run per method (WID vs DistilBERT vs TinyBERT).
import type { RunGroupRecord } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';

interface GroupRow { id: number; name: string; kind: 'compare'; config: string; created_at: string }

const toRecord = (r: GroupRow): RunGroupRecord => ({ id: r.id, name: r.name, kind: r.kind, config: fromJson(r.config, {}), createdAt: r.created_at });

export class GroupsRepo {
  constructor(private readonly db: Db) {}

  insert(g: { name: string; config: Record<string, unknown> }): RunGroupRecord {
    const info = this.db.prepare('INSERT INTO run_groups (name, kind, config, created_at) VALUES (?, ?, ?, ?)')
      .run(g.name, 'compare', toJson(g.config), now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): RunGroupRecord | undefined {
    const r = this.db.prepare('SELECT * FROM run_groups WHERE id = ?').get(id) as GroupRow | undefined;
    return r && toRecord(r);
  }

  list(): RunGroupRecord[] {
    return (this.db.prepare('SELECT * FROM run_groups ORDER BY id').all() as GroupRow[]).map(toRecord);
  }

  rename(id: number, name: string): RunGroupRecord | undefined {
    this.db.prepare('UPDATE run_groups SET name = ? WHERE id = ?').run(name, id);
    return this.get(id);
  }

  /** Its runs stay, ungrouped (runs.group_id ON DELETE SET NULL). */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM run_groups WHERE id = ?').run(id).changes > 0;
  }
}
