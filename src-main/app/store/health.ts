// Is wid.db sound? `PRAGMA quick_check` at every open (a damaged page otherwise shows only as calls that fail
// here and there), and a copy of the database from the last start that found it sound (`wid.db.backup`), so a
// damaged file can be replaced. The service logs a damaged database and reports it in system.info.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Db } from './database.js';

export interface DatabaseHealth {
  ok: boolean;
  /** What quick_check found (at most 10 lines), empty when ok. */
  problems: string[];
  /** The copy from the last healthy start, when there is one. */
  backup: string | null;
  backupTime: string | null;
}

/** A healthy start refreshes the backup when it is older than this. */
export const BACKUP_EVERY_MS = 60 * 60 * 1000;

export const backupPath = (dbFile: string) => `${dbFile}.backup`;

function backupInfo(dbFile: string): Pick<DatabaseHealth, 'backup' | 'backupTime'> {
  const path = backupPath(dbFile);
  try { return { backup: path, backupTime: statSync(path).mtime.toISOString() }; } catch { return { backup: null, backupTime: null }; }
}

export function checkDatabase(db: Db, dbFile: string): DatabaseHealth {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(10)') as { quick_check: string }[])
      .flatMap((r) => r.quick_check.split('\n'))
      .filter((p) => p.trim() !== '' && p !== 'ok' && !p.startsWith('*** in database'));
  } catch (err) {
    problems = [(err as Error).message];
  }
  return { ok: problems.length === 0, problems, ...backupInfo(dbFile) };
}

/** Words for the log and the CLI: what is wrong, where the backup is, and how to restore it. */
export function describeDamage(dbFile: string, health: Pick<DatabaseHealth, 'problems' | 'backup' | 'backupTime'>): string {
  const backup = health.backup
    ? `a copy from the last healthy start (${health.backupTime}) is ${health.backup}: to restore it, stop the app and copy it over ${dbFile} (runs recorded since then are lost from the list; their folders stay under runs/)`
    : 'there is no backup yet';
  return `the database ${dbFile} is damaged (PRAGMA quick_check: ${health.problems.slice(0, 3).join('; ')}); some runs may be missing or fail to load; ${backup}`;
}

/**
 * Copies a healthy database to wid.db.backup when the backup is missing or older than BACKUP_EVERY_MS: written
 * to a temp file (SQLite's online backup, so writers go on), then renamed. A failure (a full disk) leaves the old
 * backup as it was. Never called for a damaged database.
 */
export async function refreshBackup(db: Db, dbFile: string, now = Date.now()): Promise<void> {
  const path = backupPath(dbFile);
  if (existsSync(path) && now - statSync(path).mtimeMs < BACKUP_EVERY_MS) return;
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await db.backup(tmp);
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}
