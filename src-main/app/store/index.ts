// The run store: one SQLite file <dataDir>/wid.db with a repository per table.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from './database.js';
import { backupPath, checkDatabase, describeDamage, type DatabaseHealth } from './health.js';
import { ArtifactsRepo } from './artifacts-repo.js';
import { DatasetsRepo } from './datasets-repo.js';
import { EvaluationsRepo } from './evaluations-repo.js';
import { GroupsRepo } from './groups-repo.js';
import { MetricsRepo } from './metrics-repo.js';
import { ModelsRepo } from './models-repo.js';
import { RunsRepo } from './runs-repo.js';
import { RemoteJobsRepo } from './remote-jobs-repo.js';
import { TargetsRepo } from './targets-repo.js';

export { digestPath } from './file-digest.js';
export { RESUMABLE, FINISHED } from './runs-repo.js';
export type { Db } from './database.js';
export type { DatabaseHealth } from './health.js';
export type { RemoteJob } from './remote-jobs-repo.js';

export class Store {
  readonly models: ModelsRepo;
  readonly datasets: DatasetsRepo;
  readonly groups: GroupsRepo;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly evaluations: EvaluationsRepo;
  readonly artifacts: ArtifactsRepo;
  readonly targets: TargetsRepo;
  readonly remoteJobs: RemoteJobsRepo;

  /** What PRAGMA quick_check said when the store was opened (openStore), or ok when not checked. */
  health: DatabaseHealth = { ok: true, problems: [], backup: null, backupTime: null };

  constructor(readonly db: Db) {
    this.models = new ModelsRepo(db);
    this.datasets = new DatasetsRepo(db);
    this.groups = new GroupsRepo(db);
    this.runs = new RunsRepo(db);
    this.metrics = new MetricsRepo(db);
    this.evaluations = new EvaluationsRepo(db);
    this.artifacts = new ArtifactsRepo(db);
    this.targets = new TargetsRepo(db);
    this.remoteJobs = new RemoteJobsRepo(db);
  }

  /** Runs fn in one transaction: all its writes land, or (when it throws) none do. Nests as savepoints. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export const DB_FILE = 'wid.db';

/**
 * Opens <dataDir>/wid.db and checks it (PRAGMA quick_check; store.health). A file too damaged to open is an
 * error saying so and where the backup is.
 */
export function openStore(dataDir: string): Store {
  const file = join(dataDir, DB_FILE);
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!/^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw err;
    const backup = existsSync(backupPath(file)) ? backupPath(file) : null;
    throw new Error(describeDamage(file, { problems: [`${code}: ${(err as Error).message}`], backup, backupTime: backup ? statSync(backup).mtime.toISOString() : null }).replace('some runs may be missing or fail to load', 'it cannot be opened'));
  }
  const store = new Store(db);
  store.health = checkDatabase(db, file);
  return store;
}
