// Ordered schema migrations. Each runs once, in its own transaction, and is recorded in
// schema_migrations; never edit a shipped migration, append a new one.
export interface Migration { version: number; name: string; sql: string }

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE models (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('teacher', 'student')),
        path TEXT NOT NULL,
        config TEXT NOT NULL DEFAULT '{}',
        parameter_count INTEGER,
        file_size INTEGER,
        source_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('corpus', 'glue')),
        path TEXT NOT NULL,
        stats TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      );
      CREATE TABLE run_groups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'compare',
        config TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        method TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted')),
        config TEXT NOT NULL,
        seed INTEGER NOT NULL,
        backend TEXT,
        device TEXT,
        teacher_model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
        dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
        parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        group_id INTEGER REFERENCES run_groups(id) ON DELETE SET NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        archived INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        progress TEXT,
        result TEXT,
        resume_requested INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX runs_group ON runs(group_id);
      CREATE TABLE metrics (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL
      );
      CREATE INDEX metrics_run_name_step ON metrics(run_id, name, step);
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
        task TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX evaluations_run ON evaluations(run_id);
      CREATE INDEX evaluations_model ON evaluations(model_id);
      CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX artifacts_run ON artifacts(run_id);
    `,
  },
  {
    version: 2,
    name: 'cross-process stop requests and run owner',
    // A CLI process may cancel a run that another process (web server, `wid run`) is executing:
    // it leaves the request in stop_requested and the owning runner picks it up. owner_pid tells a
    // run whose app is still alive from one whose app died.
    sql: `
      ALTER TABLE runs ADD COLUMN stop_requested TEXT CHECK (stop_requested IN ('cancelled', 'paused'));
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
    `,
  },
  {
    version: 3,
    name: 'run owner start time and last step time',
    // owner_started (the owning process's start time) tells the owner from a later process that reuses its
    // PID; last_step_at is when the run last reported progress, so a run that makes no step shows as stalled.
    sql: `
      ALTER TABLE runs ADD COLUMN owner_started TEXT;
      ALTER TABLE runs ADD COLUMN last_step_at TEXT;
    `,
  },
  {
    version: 4,
    name: 'parsed job config',
    // the config as the service parsed it once at runs.create (defaults filled in, typed): the worker hands it to
    // the job as it is. NULL for runs created before; the runner decodes their stored config instead.
    sql: `
      ALTER TABLE runs ADD COLUMN job_config TEXT;
    `,
  },
  {
    version: 5,
    name: 'execution targets and SLURM jobs',
    // runs.target names the execution target (NULL: this machine). A remote run outlives the process that submitted
    // it, so remote_jobs keeps what following it needs (job id, the target's settings as submitted, the events file
    // and how far it was read), and a restarted workbench picks the job up where it left off.
    sql: `
      CREATE TABLE targets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('slurm')),
        settings TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      ALTER TABLE runs ADD COLUMN target TEXT;
      CREATE TABLE remote_jobs (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        target TEXT NOT NULL,
        job_dir TEXT NOT NULL,
        events_file TEXT NOT NULL,
        events_offset INTEGER NOT NULL DEFAULT 0,
        state TEXT,
        reason TEXT,
        submitted_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'seconds of a resumed run\'s earlier segments',
    // started_at/finished_at describe the last segment only; resuming adds that segment here first, so a run's time
    // is every segment's (shared/api/run-time.ts).
    sql: `
      ALTER TABLE runs ADD COLUMN earlier_seconds REAL NOT NULL DEFAULT 0;
    `,
  },
];
