// Domain records shared by the main side and the renderer. Plain JSON: no tensors, no Node types.

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** Job kinds the worker can execute. Each has its own config schema (see runConfig.ts). */
export type RunMethod = 'selftest' | 'wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert' | 'finetune' | 'evaluate';

export interface ModelRecord {
  id: number;
  name: string;
  kind: 'teacher' | 'student';
  /** Folder holding config.json + model.safetensors (+ vocab.txt). */
  path: string;
  /** The HF config.json contents. */
  config: Record<string, unknown>;
  parameterCount: number | null;
  fileSize: number | null;
  /** Run that produced this model (students). */
  sourceRunId: number | null;
  createdAt: string;
}

export interface DatasetRecord {
  id: number;
  name: string;
  kind: 'corpus' | 'glue';
  path: string;
  /** corpus: { lines }, glue: { tasks: { [task]: { train, dev } } } */
  stats: Record<string, unknown>;
  createdAt: string;
}

export interface RunRecord {
  id: number;
  name: string;
  method: RunMethod;
  status: RunStatus;
  config: Record<string, unknown>;
  seed: number;
  backend: string | null;
  device: string | null;
  teacherModelId: number | null;
  datasetId: number | null;
  parentRunId: number | null;
  groupId: number | null;
  tags: string[];
  notes: string;
  archived: boolean;
  error: string | null;
  /** Latest progress snapshot (step, totalSteps, losses, ...), kept for the run list. */
  progress: RunProgress | null;
  /** Final figures written when the job completes (sizes, parameter count, ...). */
  result: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When the run last reported progress (null before its first step). */
  lastStepAt?: string | null;
  /** Seconds of the segments before the current one (a resumed run); 0 for a run never resumed. See run-time.ts. */
  earlierSeconds?: number;
  /** Running, but no step for a long time (WID_STALL_SECONDS, default 600 s): stuck, or a very slow step. */
  stalled?: boolean;
  /** The execution target's name (runs on a SLURM cluster); null or absent: this machine. */
  target?: string | null;
  /** The run's latest SLURM job, when it was submitted to a cluster. */
  remote?: RemoteJobInfo | null;
}

/** Where a SLURM run stands in its cluster: the job id, SLURM's state (PENDING, RUNNING, ...) and its reason. */
export interface RemoteJobInfo {
  jobId: string;
  /** SLURM's job state as squeue/scontrol report it; null before the first look. */
  state: string | null;
  /** SLURM's reason (why PENDING, why FAILED), null when it gives none. */
  reason: string | null;
  /** The job's folder on the shared working folder (batch script, events, SLURM's log, the run's checkpoints). */
  jobDir: string;
}

/**
 * A place runs can execute besides this machine: a SLURM cluster reached through its own commands (sbatch, squeue,
 * scontrol, scancel), here or on a login host over ssh as the user's SSH config allows. Nothing secret is stored.
 */
export interface ExecutionTarget {
  id: number;
  name: string;
  kind: 'slurm';
  settings: SlurmTargetSettings;
  createdAt: string;
}

export interface SlurmTargetSettings {
  /** ssh destination of a login host as the user's SSH config names it (user@host, an alias); null: this machine. */
  host: string | null;
  /** SLURM partition; null: the cluster's default. */
  partition: string | null;
  /** SLURM account (-A); null: the user's default. */
  account: string | null;
  /** GPUs per job (--gres=gpu:N); 0 asks for none. */
  gpus: number;
  /** CPUs per job (--cpus-per-task). */
  cpus: number;
  /** Wall-clock limit per job, in SLURM's syntax (e.g. 04:00:00, 1-00:00:00). */
  timeLimit: string;
  /** The shared working folder as this machine sees it (absolute). */
  sharedDir: string;
  /** The same folder as the cluster's nodes see it; null: the same path. */
  remoteDir: string | null;
  /** The Node.js (>= 20.19) command on the cluster's nodes. */
  node: string;
  /** Let SLURM requeue the job after a node failure or preemption (--requeue); it resumes from its last checkpoint. */
  requeue: boolean;
}

export interface RunProgress {
  step: number;
  totalSteps: number;
  /** Named scalar values at this step, e.g. { loss: 2.3, 'loss/kd': 1.9, lr: 1e-4, tokensPerSec: 900 }. */
  values: Record<string, number>;
  etaSeconds: number | null;
  /** Free-form phase label ("distill", "prune", "merge", "export"). */
  phase?: string;
}

export interface MetricPoint { step: number; name: string; value: number }

export interface EvaluationRecord {
  id: number;
  runId: number;
  modelId: number | null;
  task: string;
  metric: string;
  value: number;
  createdAt: string;
}

export interface ArtifactRecord {
  id: number;
  runId: number;
  kind: string; // 'student' | 'checkpoint' | 'attention' | 'report' | ...
  path: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface RunGroupRecord {
  id: number;
  name: string;
  kind: 'compare';
  config: Record<string, unknown>;
  createdAt: string;
}

export interface SystemInfo {
  version: string;
  dataDir: string;
  mode: 'electron' | 'web' | 'cli';
  /** Backends usable on this machine, best first, as the engine's probe found them. */
  backends: { name: string; available: boolean; reason?: string }[];
  /**
   * PRAGMA quick_check of wid.db when the service started: ok, or the problems found, with the copy from the
   * last healthy start (backup, null when there is none) and how to restore it (message).
   */
  database: { ok: boolean; problems: string[]; backup: string | null; backupTime: string | null; message: string | null };
}

export interface RunListQuery {
  search?: string;
  status?: RunStatus[];
  method?: RunMethod[];
  includeArchived?: boolean;
  sort?: 'createdAt' | 'name' | 'method' | 'status';
  order?: 'asc' | 'desc';
  limit?: number;
}
