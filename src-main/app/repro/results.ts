// results.json of a reproduction, read back from the run store: per model its method, shape, parameters,
// file size, distillation wall time and tokens, every lr-grid point of every task, the GLUE average and % of
// teacher (compare.table, the same numbers the UI shows), latency b1 and throughput b32, and its
// distillation curve (downsampled). Missing pieces (a stage not run yet) are null, never guessed.
import { hostname, cpus, totalmem } from 'node:os';
import type { RunRecord } from '../../shared/api/types.js';
import type { Service } from '../service/contract.js';
import { widFirstMaskStep, type DistillStage, type ReproState } from './plan.js';
import type { ReproOptions } from './options.js';
import { constantBaselinesFromGlue, kindOf, scoreReproduction, seedOf } from './scoring.js';
import { readSweep } from './sweep.js';
import { DISTILL_METHODS } from '../../engine/methods/registry.js';

export interface ReproModelRow {
  key: string;
  label: string;
  method: 'teacher' | 'wid' | 'distilbert' | 'tinybert' | 'albert' | 'mobilebert';
  /** Key without the seed ("wid50"): rows of one kind differ only in their distillation seed. */
  kind: string;
  seed: number | null;
  distillRunId: number | null;
  finetuneRunId: number | null;
  modelId: number | null;
  status: { distill: string | null; finetune: string | null };
  /** Why a run failed (the run's error), so a series' raw output says it without the run store. */
  errors: { distill: string | null; finetune: string | null };
  shape: { layers: number; hidden: number; heads: number; intermediate: number } | null;
  /** The registered model's count (compare.table): every tensor of its checkpoint, i.e. encoder + embeddings + MLM head
   *  (tied decoder once) and a pooler only if the checkpoint has one; parametersWithMlmHead: as the distillation reports it. */
  parameters: number | null;
  parametersWithMlmHead: number | null;
  fileSize: number | null;
  distill: { wallSeconds: number; tokens: number; steps: number; tokensPerSec: number; backend: string | null; device: string | null; firstLoss: number | null; finalLoss: number | null; methodConfig: Record<string, unknown> } | null;
  finetune: { wallSeconds: number | null; backend: string | null; device: string | null } | null;
  /** task → best dev score (fraction) and every grid point. */
  tasks: Record<string, { score: number; bestLr: number | null; bestEpoch: number | null; metrics: Record<string, Record<string, number>>;
    points: { lr: number; epochs: number; bestEpoch: number; score: number; perEpoch: number[] }[];
    /** From the stored evaluation of a task that finished inside a fine-tune that did not (time limit, failure). */
    partial?: boolean }>;
  glueAverage: number | null;
  percentOfTeacher: number | null;
  latencyMsBatch1: number | null;
  throughputBatch32: number | null;
  curve: { step: number; loss: number }[];
  /** The student's held-out MLM loss (WID: the merged student at its masks of the moment), metric loss/heldout-mlm. */
  heldOutCurve: { step: number; loss: number }[];
  /** The method's own objective on the same held-out batches (metric loss/heldout-distill, what the lr sweep compares). */
  heldOutDistillCurve: { step: number; loss: number }[];
  /** WID: the largest |entry| left in masked compactor rows/columns at export (1 = not decayed; the issue asks < 0.01). */
  maskedResidue: { schedule: string; max: number; maxMatrix: string | null; perMatrix: Record<string, number> } | null;
  sizeCurve: { step: number; parameters: number }[];
}

function downsample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
  return out;
}

const seconds = (r: RunRecord | null) => (r?.startedAt && r.finishedAt ? (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000 : null);

async function getRun(service: Service, id: number | undefined): Promise<RunRecord | null> {
  return id === undefined ? null : service.call('runs.get', { id });
}

export async function buildReproResults(service: Service, o: ReproOptions, state: ReproState, stages: DistillStage[], meta: { argv: string[]; wallSeconds: number }) {
  const models = await service.call('models.list', {});
  const rows: ReproModelRow[] = [];
  const entries: { key: string; label: string; method: ReproModelRow['method']; stage?: DistillStage }[] = [
    { key: 'teacher', label: 'teacher', method: 'teacher' },
    ...stages.map((s) => ({ key: s.key, label: s.label, method: s.method, stage: s })),
  ];
  let teacherCountWithHead: number | undefined;
  for (const e of entries) {
    const distillRun = e.method === 'teacher' ? null : await getRun(service, state.runs[e.key]);
    const ftRun = await getRun(service, state.runs[`finetune:${e.key}`]);
    const model = e.method === 'teacher' ? models.find((m) => m.id === state.teacherModelId) : models.find((m) => distillRun && m.sourceRunId === distillRun.id);
    const cfg = (model?.config ?? {}) as Record<string, number>;
    const dr = (distillRun?.result ?? {}) as Record<string, unknown>;
    if (typeof dr.teacherParameterCount === 'number') teacherCountWithHead ??= dr.teacherParameterCount;
    const ftTasks = ((ftRun?.result ?? {}) as { tasks?: Record<string, { best: { lr: number; epoch: number; score: number; metrics: Record<string, Record<string, number>> }; points: { lr: number; epochs: number; bestEpoch: number; score: number; perEpoch: { score: number }[] }[] }> }).tasks ?? {};
    const tasks: ReproModelRow['tasks'] = {};
    for (const [task, t] of Object.entries(ftTasks)) {
      tasks[task] = { score: t.best.score, bestLr: t.best.lr, bestEpoch: t.best.epoch, metrics: t.best.metrics,
        points: t.points.map((p) => ({ lr: p.lr, epochs: p.epochs, bestEpoch: p.bestEpoch, score: p.score, perEpoch: p.perEpoch.map((x) => x.score) })) };
    }
    let curve: ReproModelRow['curve'] = [], sizeCurve: ReproModelRow['sizeCurve'] = [], heldOutCurve: ReproModelRow['heldOutCurve'] = [];
    let heldOutDistillCurve: ReproModelRow['heldOutDistillCurve'] = [];
    if (distillRun) {
      const points = await service.call('runs.metrics', { id: distillRun.id, names: ['loss', 'size/params', 'loss/heldout-mlm', 'loss/heldout-distill'] });
      curve = downsample(points.filter((p) => p.name === 'loss').map((p) => ({ step: p.step, loss: p.value })), 300);
      heldOutCurve = downsample(points.filter((p) => p.name === 'loss/heldout-mlm').map((p) => ({ step: p.step, loss: p.value })), 300);
      heldOutDistillCurve = downsample(points.filter((p) => p.name === 'loss/heldout-distill').map((p) => ({ step: p.step, loss: p.value })), 300);
      sizeCurve = downsample(points.filter((p) => p.name === 'size/params').map((p) => ({ step: p.step, parameters: p.value })), 300);
    }
    const dcfg = (distillRun?.config ?? {}) as Record<string, unknown>;
    rows.push({
      key: e.key, label: e.label, method: e.method, kind: kindOf(e.key), seed: e.method === 'teacher' ? null : seedOf(e.key),
      distillRunId: distillRun?.id ?? null, finetuneRunId: ftRun?.id ?? null, modelId: model?.id ?? null,
      status: { distill: distillRun?.status ?? null, finetune: ftRun?.status ?? null },
      errors: { distill: distillRun?.error ?? null, finetune: ftRun?.error ?? null },
      shape: model ? { layers: cfg.num_hidden_layers, hidden: cfg.hidden_size, heads: cfg.num_attention_heads, intermediate: cfg.intermediate_size } : null,
      parameters: null,
      parametersWithMlmHead: typeof dr.parameterCount === 'number' ? dr.parameterCount : null,
      fileSize: model?.fileSize ?? null,
      distill: distillRun && distillRun.status === 'completed' ? {
        wallSeconds: Number(dr.elapsedSeconds), tokens: Number(dr.tokensSeen), steps: Number(dr.steps), tokensPerSec: Number(dr.tokensPerSec),
        backend: distillRun.backend, device: distillRun.device, firstLoss: (dr.firstLoss as number) ?? null, finalLoss: (dr.finalLoss as number) ?? null,
        methodConfig: Object.fromEntries(Object.entries(dcfg).filter(([k]) => !['teacherPath', 'corpusPath', 'teacherModelId', 'datasetId'].includes(k))),
      } : null,
      finetune: ftRun ? { wallSeconds: seconds(ftRun), backend: ftRun.backend, device: ftRun.device } : null,
      tasks, glueAverage: null, percentOfTeacher: null, latencyMsBatch1: null, throughputBatch32: null, curve, heldOutCurve, heldOutDistillCurve,
      maskedResidue: (dr.maskedResidue as ReproModelRow['maskedResidue']) ?? null, sizeCurve,
    });
  }
  // the teacher's count with its MLM head, as every distillation run reports it
  rows.find((r) => r.method === 'teacher')!.parametersWithMlmHead = teacherCountWithHead ?? null;
  // The same table the UI's Compare view shows, over the reproduction's tasks.
  const ids = rows.map((r) => r.modelId).filter((x): x is number => x !== null);
  const table = ids.length ? await service.call('compare.table', { modelIds: ids, teacherModelId: state.teacherModelId, tasks: o.tasks }) : null;
  for (const r of rows) {
    const m = models.find((x) => x.id === r.modelId);
    const t = m && table?.rows.find((x) => x.name === m.name);
    if (!t) continue;
    // tasks a stopped fine-tune finished: their evaluations are stored even though the run did not complete
    for (const [task, score] of Object.entries(t.scores)) {
      if (score !== null && !r.tasks[task]) r.tasks[task] = { score, bestLr: null, bestEpoch: null, metrics: {}, points: [], partial: true };
    }
    r.glueAverage = t.average;
    r.percentOfTeacher = t.percentOfTeacher;
    r.parameters = t.parameterCount;
    r.latencyMsBatch1 = t.latencyMsBatch1;
    r.throughputBatch32 = t.throughputBatch32;
  }
  // the peak lr of every kind's full runs: the sweep's choice, else the method's published lr (repro-merge compares it)
  const distillLr: Record<string, number> = {};
  for (const s of stages) distillLr[kindOf(s.key)] ??= s.lr ?? DISTILL_METHODS[s.method].optimizer.lr;
  return {
    kind: 'wid-workbench-reproduction',
    written: new Date().toISOString(),
    command: meta.argv,
    wallSeconds: meta.wallSeconds,
    machine: { hostname: hostname(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryBytes: totalmem() },
    inputs: { teacher: o.teacher, corpus: o.corpus, glue: o.glue },
    budget: { steps: o.steps, batchSize: o.batchSize, seqLen: o.seqLen, tokensPerStudent: o.steps * o.batchSize * o.seqLen, seeds: o.seeds,
      wid10Seeds: o.wid10Seeds ?? [o.seeds[0]], heldOutEvery: o.heldOutEvery ?? 0, heldOutLines: o.heldOutLines ?? null },
    distillLr,
    /** After how many steps WID's first mask came (null: after one scaled w_step); a merged series must share it. */
    widFirstMaskStep: widFirstMaskStep(o),
    /** The lr sweep (sweep.ts): per kind every point's held-out loss and steps, and the chosen lr; null when off. */
    distillLrSweep: await readSweep(service, o, state),
    finetuneRecipe: { tasks: o.tasks, lrGrid: o.lrGrid, epochs: o.epochs, batchSize: o.finetuneBatch, maxLength: o.maxLength, maxTrainRows: o.maxTrainRows ?? null,
      taskMaxTrainRows: o.taskMaxTrainRows ?? {}, seed: 'each student its distillation seed; the teacher the first seed', warmupRatio: 0.1, weightDecay: 0.01, dropout: 0.1, pooler: 'students fresh, teacher from its checkpoint (fresh if it has none)' },
    tasks: o.tasks,
    models: rows,
    scoring: scoreReproduction(rows, o.tasks, constantBaselinesFromGlue(o.glue, o.tasks)),
    table,
  };
}
