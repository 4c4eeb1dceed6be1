// The run store: one SQLite file <dataDir>/wid.db with a repository per table.
import { join } from 'node:path';
import { openDatabase, type Db } from './database.js';
import { ArtifactsRepo } from './artifacts-repo.js';
import { DatasetsRepo } from './datasets-repo.js';
import { EvaluationsRepo } from './evaluations-repo.js';
import { GroupsRepo } from './groups-repo.js';
import { MetricsRepo } from './metrics-repo.js';
import { ModelsRepo } from './models-repo.js';
import { RunsRepo } from './runs-repo.js';

export { digestPath } from './file-digest.js';
export { RESUMABLE, FINISHED } from './runs-repo.js';
export type { Db } from './database.js';

export class Store {
  readonly models: ModelsRepo;
  readonly datasets: DatasetsRepo;
  readonly groups: GroupsRepo;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly evaluations: EvaluationsRepo;
  readonly artifacts: ArtifactsRepo;

  constructor(readonly db: Db) {
    this.models = new ModelsRepo(db);
    this.datasets = new DatasetsRepo(db);
    this.groups = new GroupsRepo(db);
    this.runs = new RunsRepo(db);
    this.metrics = new MetricsRepo(db);
    this.evaluations = new EvaluationsRepo(db);
    this.artifacts = new ArtifactsRepo(db);
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

export function openStore(dataDir: string): Store {
  return new Store(openDatabase(join(dataDir, DB_FILE)));
}
