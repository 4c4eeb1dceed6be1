// The one typed API: every call the renderer (or the CLI) can make, with its request and response.
// Add a method here, implement it in src-main/app/service, and both Electron IPC and HTTP serve it.
import type {
  ArtifactRecord, DatasetRecord, EvaluationRecord, ExecutionTarget, MetricPoint, ModelRecord, RunGroupRecord,
  RunListQuery, RunRecord, SlurmTargetSettings, SystemInfo,
} from './types.js';
import type { DistillConfigInput, RunConfigInput } from './run-config.js';
import type { FineTuneConfigInput } from './glue-config.js';

export interface ApiMethods {
  'system.info': { req: Record<string, never>; res: SystemInfo };

  'models.list': { req: { kind?: 'teacher' | 'student' }; res: ModelRecord[] };
  /** Refuses folders whose weights are truncated; `warnings` says when the same folder is registered already. */
  'models.register': { req: { path: string; name?: string; kind?: 'teacher' | 'student' }; res: ModelRecord & { warnings?: string[] } };
  'models.get': { req: { id: number }; res: ModelRecord };
  'models.remove': { req: { id: number }; res: { ok: true } };
  /** Renames a registered model (its files are not touched). */
  'models.update': { req: { id: number; name: string }; res: ModelRecord };

  'datasets.list': { req: Record<string, never>; res: DatasetRecord[] };
  /** Refuses empty and binary corpora; `warnings` says when the same path is registered already. */
  'datasets.register': { req: { path: string; name?: string; kind: 'corpus' | 'glue' }; res: DatasetRecord & { warnings?: string[] } };
  /** Renames a registered dataset (its files are not touched). */
  'datasets.update': { req: { id: number; name: string }; res: DatasetRecord };
  /** Forgets a dataset; runs that used it keep their settings (their datasetId becomes null). Files stay. */
  'datasets.remove': { req: { id: number }; res: { ok: true } };
  'datasets.preview': { req: { id: number; task?: string; limit?: number }; res: { columns: string[]; rows: string[][] } };

  'runs.list': { req: RunListQuery; res: RunRecord[] };
  'runs.get': { req: { id: number }; res: RunRecord };
  /**
   * What the run's job runs with: its config as the service parsed it at runs.create (every default filled in), as
   * groups.get's `settings` shows a group's runs; a run stored before that config was kept is decoded from its config.
   */
  'runs.settings': { req: { id: number }; res: Record<string, unknown> };
  /** Validates config; on success creates the run and queues it. */
  /** `target` names a registered execution target (checked before anything is written); absent: this machine. */
  'runs.create': { req: { method: RunRecord['method']; name?: string; config: RunConfigInput; parentRunId?: number; target?: string }; res: RunRecord };
  'runs.cancel': { req: { id: number }; res: RunRecord };
  'runs.resume': { req: { id: number }; res: RunRecord };
  'runs.update': { req: { id: number; name?: string; tags?: string[]; notes?: string; archived?: boolean }; res: RunRecord };
  'runs.remove': { req: { id: number }; res: { ok: true } };
  'runs.metrics': { req: { id: number; names?: string[] }; res: MetricPoint[] };
  'runs.evaluations': { req: { id: number }; res: EvaluationRecord[] };
  'runs.artifacts': { req: { id: number }; res: ArtifactRecord[] };
  /** What depends on a run, so deleting it can say what changes: its group, the runs made from it, its students and their scores. */
  'runs.dependents': { req: { id: number }; res: RunDependents };
  /** What Resume would do: the checkpoint step it restarts from, or why it cannot help. */
  'runs.resumePlan': { req: { id: number }; res: ResumePlan };
  /**
   * A WID run's pruning: the kept widths at every mask event (metrics), the mask events the run logged, and the exact
   * kept indices of one of them (`step`: the event in effect at that step; default the latest), or for runs without a
   * log those its checkpoints and exported student hold.
   */
  'runs.pruning': { req: { id: number; step?: number }; res: PruningHistory };
  /** The run's log lines (backend, artifacts, registered models, the job's info/warn/error lines), oldest first; the last `limit` (2000). */
  'runs.log': { req: { id: number; limit?: number }; res: RunLogLine[] };

  'groups.list': { req: Record<string, never>; res: RunGroupRecord[] };
  'groups.update': { req: { id: number; name: string }; res: RunGroupRecord };
  /** Forgets a group; its runs stay (no longer grouped). */
  'groups.remove': { req: { id: number }; res: { ok: true } };
  /**
   * A group and every run in it (its distillation members, then any fine-tunes queued by groups.finetune), oldest
   * first, with each run's settings as its job parsed them (defaults filled in), by run id.
   */
  'groups.get': { req: { id: number }; res: { group: RunGroupRecord; runs: RunRecord[]; settings: Record<number, Record<string, unknown>> } };
  /**
   * Queues one `finetune` run per member's student (parentRunId = the member) and, unless includeTeacher is false,
   * one of the group's teacher, all with this config (datasetId, tasks, lr or sweep, ...; no modelId) and one seed;
   * the runs join the group. Conflict when a member has no student yet. They run on `target` (a registered target
   * or `local`, checked before anything is written); absent: where the group's members ran.
   */
  'groups.finetune': { req: { id: number; config: Omit<FineTuneConfigInput, 'modelId' | 'modelPath'>; includeTeacher?: boolean; target?: string }; res: { runs: RunRecord[] } };

  /** Pauses a running job at the next step boundary (state checkpointed); runs.resume continues it. */
  'runs.pause': { req: { id: number }; res: RunRecord };
  /** Creates a compare group and one run per method with the shared config (WID vs DistilBERT vs TinyBERT). */
  /** memberConfig: keys laid over the shared config for one member (e.g. `{ distilbert: { lr: 1e-3 } }`: wid repro's swept lrs). */
  'groups.create': { req: { name?: string; methods: RunRecord['method'][]; config: RunConfigInput; memberConfig?: Partial<Record<RunRecord['method'], RunConfigInput>>; target?: string }; res: { group: RunGroupRecord; runs: RunRecord[] } };

  /** Execution targets (SLURM clusters) runs can be sent to; `local` (this machine) is implicit. */
  'targets.list': { req: Record<string, never>; res: ExecutionTarget[] };
  /**
   * Registers a SLURM target after checking it (sbatch reachable, here or over ssh; partition, account, GPUs and time
   * limit accepted by `sbatch --test-only`; the shared folder writable): a bad one is refused naming the problem.
   */
  'targets.register': { req: { name: string; kind?: 'slurm' } & Partial<SlurmTargetSettings> & { sharedDir: string }; res: ExecutionTarget };
  /** Checks a registered target again (the same checks as register), without submitting anything. */
  'targets.check': { req: { name: string }; res: { ok: true; message: string } };
  /** Forgets a target; refused while runs on it are queued or running. */
  'targets.remove': { req: { name: string }; res: { ok: true } };
  /** Attention probabilities of teacher and student for one sentence, layer and head (from the WID analysis artifact). */
  'runs.attention': { req: { id: number; layer: number; head: number; text?: string }; res: AttentionMaps };
  /** Writes the run's student as an HF folder (config.json, model.safetensors, vocab.txt) into dir. */
  'runs.exportStudent': { req: { id: number; dir: string }; res: { path: string; files: string[] } };
  /** Loads a registered model and runs one forward pass on a short sentence, as a smoke test. */
  'models.smokeTest': { req: { id: number; text?: string }; res: { ok: true; seconds: number; backend: string; outputShape: number[] } };
  /**
   * The student each distillation method would build from this config (teacherModelId + target or preset),
   * with its parameter count (MLM head included, as the run's result reports it), before anything is created.
   * Errors name the field, as runs.create's would.
   */
  'runs.plan': { req: { methods: ('wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert')[]; config: DistillConfigInput }; res: StudentPlan[] };

  /** Models × GLUE tasks from the stored evaluations of the given models: task scores, GLUE average, % of teacher. */
  'compare.table': { req: { modelIds: number[]; teacherModelId?: number; tasks?: string[] }; res: GlueComparisonTable };
  /** Which run produced each model's latest score per task, with the fine-tune settings that run used. */
  'compare.sources': { req: { modelIds: number[] }; res: ScoreSource[] };
  /** The same table as CSV or Markdown text (engine/glue/comparison-export.ts). */
  'compare.export': { req: { modelIds: number[]; teacherModelId?: number; tasks?: string[]; format: 'csv' | 'markdown' }; res: { text: string } };
}

/** Mirrors engine/glue/comparison.ts ComparisonTable (plain JSON). Scores are fractions; the UI shows ×100. */
export interface GlueComparisonTable {
  /** Score columns in GLUE order; MNLI appears as "MNLI-m" and "MNLI-mm". */
  tasks: string[];
  teacher: string | null;
  rows: {
    name: string;
    isTeacher: boolean;
    parameterCount: number | null;
    /** Forward FLOPs per token at sequence 128 (ALBERT: every application of the shared layer counted). */
    flopsPerToken?: number | null;
    fileSize: number | null;
    latencyMsBatch1: number | null;
    throughputBatch32: number | null;
    scores: Record<string, number | null>;
    average: number | null;
    percentOfTeacher: number | null;
    missingTasks: string[];
  }[];
}

/** runs.dependents: what deleting a run changes. */
export interface RunDependents {
  group: { id: number; name: string; members: number } | null;
  /** Runs whose parentRunId is this run (fine-tunes of its student, copies). */
  children: { id: number; name: string; method: string; status: string }[];
  /** Students the run registered (deleted with it) and how many scores they hold. */
  students: { id: number; name: string; evaluations: number }[];
}

/** runs.resumePlan: what Resume would do for a stopped run. */
export interface ResumePlan {
  /** false when retrying cannot help (e.g. the newest checkpoint is truncated). */
  possible: boolean;
  /** Step of the checkpoint it restarts from; 0 = from the start; null when unknown. */
  fromStep: number | null;
  /** Last step the run reported. */
  lastStep: number | null;
  /** One sentence for the user. */
  message: string;
}

/** runs.pruning: WID's kept widths over the run and the exact masks where stored. */
export interface PruningHistory {
  teacher: { layers: number; hidden: number; heads: number; headDim: number; intermediate: number } | null;
  /** Kept widths after each step where they changed (from the size/* metrics), first point included. */
  events: { step: number; hidden: number; heads: number; headDim: number; intermediate: number; params: number | null }[];
  /** Every mask event the run logged (masks.jsonl: the latest attempt at each step), oldest first; [] for runs made before the log. */
  maskEvents: { step: number; event: number }[];
  /**
   * Exact kept teacher indices: with a mask log, the one event asked for ('student' when it is a completed run's last:
   * the masks its student was merged with); without, at the steps a checkpoint (or the exported student) records.
   */
  masks: { step: number; source: 'event' | 'checkpoint' | 'student'; residual: number[]; heads: number[][]; headDims: number[][][]; intermediate: number[][] }[];
}

/** compare.sources: the run behind a model's score on a task, with its fine-tune settings. */
export interface ScoreSource {
  modelId: number;
  task: string;
  runId: number;
  runName: string;
  seed: number;
  settings: { lr: number | null; lrGrid: number[] | null; epochs: number | null; batchSize: number | null; maxLength: number | null; maxTrainRows: number | null; maxDevRows: number | null; backend: string | null };
}

/** One line of a run's log (runs.log), as the run.log event carried it. */
export interface RunLogLine { time: string; level: 'info' | 'warn' | 'error'; message: string }

/** One method's student shape from runs.plan. */
export interface StudentPlan {
  method: 'wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  /** The student's model family (ALBERT and MobileBERT students are not BERTs). */
  family?: 'bert' | 'albert' | 'mobilebert';
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  parameterCount: number;
  teacher: { layers: number; hidden: number; heads: number; intermediate: number; parameterCount: number };
}

/** Teacher vs student attention for one layer/head; rows are query tokens, columns key tokens, rows sum to 1. */
export interface AttentionMaps {
  tokens: string[];
  layers: { teacher: number; student: number };
  heads: { teacher: number; student: number };
  teacher: number[][];
  student: number[][];
}

export type ApiMethodName = keyof ApiMethods;
export type ApiRequest<M extends ApiMethodName> = ApiMethods[M]['req'];
export type ApiResponse<M extends ApiMethodName> = ApiMethods[M]['res'];

/** What a transport (IPC, HTTP, in-process) must provide. The renderer and CLI only see this. */
export interface ApiClient {
  call<M extends ApiMethodName>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>>;
  subscribe(listener: (event: import('./events.js').ApiEvent) => void): () => void;
}

/** Error shape returned by every transport: a code and a message naming what was wrong. */
/**
 * bad_request 400 (the input named in the message is wrong), unauthorized 401, not_found 404, conflict 409,
 * too_large 413 (a file the input names is larger than the stated limit), insufficient_storage 507 (the disk
 * is full: the message says what to free), internal 500 (a bug).
 */
export interface ApiErrorBody {
  code: 'bad_request' | 'not_found' | 'conflict' | 'internal' | 'unauthorized' | 'too_large' | 'insufficient_storage';
  message: string;
}
