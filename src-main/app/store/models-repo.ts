// Teachers and students: a folder with config.json + model.safetensors, plus figures shown in tables.
import type { ModelRecord } from '../../shared/api/types.js';
import type { Db } from './database.js';
import { fromJson, now, toJson } from './json-column.js';

interface ModelRow {
  id: number; name: string; kind: 'teacher' | 'student'; path: string; config: string;
  parameter_count: number | null; file_size: number | null; source_run_id: number | null; created_at: string;
}

const toRecord = (r: ModelRow): ModelRecord => ({
  id: r.id, name: r.name, kind: r.kind, path: r.path, config: fromJson(r.config, {}),
  parameterCount: r.parameter_count, fileSize: r.file_size, sourceRunId: r.source_run_id, createdAt: r.created_at,
});

export type NewModel = Omit<ModelRecord, 'id' | 'createdAt'>;

export class ModelsRepo {
  constructor(private readonly db: Db) {}

  insert(m: NewModel): ModelRecord {
    const info = this.db.prepare(`INSERT INTO models (name, kind, path, config, parameter_count, file_size, source_run_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(m.name, m.kind, m.path, toJson(m.config), m.parameterCount, m.fileSize, m.sourceRunId, now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ModelRecord | undefined {
    const r = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    return r && toRecord(r);
  }

  list(kind?: 'teacher' | 'student'): ModelRecord[] {
    const rows = (kind
      ? this.db.prepare('SELECT * FROM models WHERE kind = ? ORDER BY id').all(kind)
      : this.db.prepare('SELECT * FROM models ORDER BY id').all()) as ModelRow[];
    return rows.map(toRecord);
  }

  findByPath(path: string): ModelRecord | undefined {
    const r = this.db.prepare('SELECT * FROM models WHERE path = ? ORDER BY id DESC LIMIT 1').get(path) as ModelRow | undefined;
    return r && toRecord(r);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }

  rename(id: number, name: string): ModelRecord | undefined {
    this.db.prepare('UPDATE models SET name = ? WHERE id = ?').run(name, id);
    return this.get(id);
  }
}
