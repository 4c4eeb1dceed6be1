// The distillation lr sweep of a reproduction (issue 23 item 2: "each method at its best, fairly"). Before the full
// distillations, every row kind (WID-50 %, DistilBERT, TinyBERT, WID-10 %, the extra methods and the variants, e.g. the
// TinyBERT teacher-slice row: plan.ts' sweepKind) gets one short run per multiplier of its published lr, with the first
// seed (WID-10 %: its first seed), the same budget and
// student shape as its full runs and the held-out tail of the corpus. Each run is scored on its own training objective
// on held-out batches, evaluated on the student it exports (the distill job's loss/heldout-distill,
// train/held-out-distill.ts; WID, whose objective trains the teacher-width compactor model, on the merged student's
// MLM loss, loss/heldout-mlm: scoring the compactor model would favour the lr that prunes least); the lowest finite loss of the
// completed points sets the kind's lr for all its full runs (every seed). A point that fails (e.g. "training diverged")
// is recorded with its error and never chosen. Sweep runs are stages of state.json ("sweep:wid50:x0.5"): a second
// call keeps the finished ones and resumes stopped ones; a kind's choice is written to state.json once and kept (a
// later call with another grid does not change it).
import type { RunRecord } from '../../shared/api/types.js';
import type { Service } from '../service/contract.js';
import { DISTILL_METHODS, type DistillMethodEntry } from '../../engine/methods/registry.js';
import { DEFAULT_SWEEP_BATCHES, sweepStepsOf, type ReproOptions } from './options.js';
import { distillStages, type DistillStage, type ReproState } from './plan.js';

export interface SweepPoint {
  /** State key, "sweep:<kind>:x<multiplier>". */
  key: string;
  kind: string;
  method: DistillStage['method'];
  label: string;
  multiplier: number;
  lr: number;
  config: Record<string, unknown>;
}

export interface SweepGridPoint {
  multiplier: number;
  lr: number;
  key: string;
  runId: number | null;
  status: string | null;
  /** Steps the run completed. */
  steps: number | null;
  /** The run metric the point is scored on (sweepMetricOf). */
  metric: 'loss/heldout-distill' | 'loss/heldout-mlm';
  /** That held-out loss after the run; null when it did not finish. */
  heldOutLoss: number | null;
  /** The same before the first step (equal for every point of a kind: same seed, same start). */
  heldOutFirstLoss: number | null;
  /** The last training loss (on training batches, for reference). */
  trainLoss: number | null;
  error: string | null;
}

export interface SweepKindResult {
  kind: string;
  method: string;
  label: string;
  /** The seed of its sweep runs (the kind's first). */
  seed: number;
  publishedLr: number;
  grid: SweepGridPoint[];
  chosenLr: number | null;
  chosenMultiplier: number | null;
  /** 'sweep': the lowest point; '--distill-lr': given on the command line (its points are not run). */
  chosenBy: 'sweep' | '--distill-lr' | null;
  /** Stages whose full runs use the chosen lr. */
  appliesTo: string[];
}

export interface ReproLrSweep {
  multipliers: number[];
  steps: number;
  /** The first --seeds (WID-10 % sweeps with its first --wid10-seeds: each kind's seed is in methods). */
  seed: number;
  heldOutBatches: number;
  heldOutLines: number | null;
  objective: string;
  dropout: string;
  rule: string;
  methods: Record<string, SweepKindResult>;
}

export const SWEEP_OBJECTIVE = 'each method\'s own training objective on the student it exports, on held-out corpus batches, without updates: '
  + 'DistilBERT 5·T²·KL + 2·MLM + cos, TinyBERT embedding + hidden + attention MSE, ALBERT MLM (no SOP: held-out rows are not segment pairs), '
  + 'MobileBERT its objective at the last step (the distill job\'s loss/heldout-distill); WID the hard MLM loss of the merged student '
  + '(loss/heldout-mlm: its objective trains the teacher-width compactor model, whose masked entries the export slices off)';
export const SWEEP_DROPOUT = 'not switched off: seeded by the method\'s seed and the step, so every point of one method sees the same dropout masks';
export const SWEEP_RULE = 'the lowest finite held-out loss among completed points (ties: the first multiplier given); a failed point is never chosen';

const publishedLr = (method: DistillStage['method']) => DISTILL_METHODS[method].optimizer.lr;

/** One representative stage per sweep kind (its first seed's), in the order the stages are planned. */
function sweepKinds(o: ReproOptions): DistillStage[] {
  const kinds = new Map<string, DistillStage>();
  for (const s of distillStages(o)) if (!kinds.has(s.sweepKind)) kinds.set(s.sweepKind, s);
  return [...kinds.values()];
}

export function sweepPoints(o: ReproOptions): SweepPoint[] {
  const steps = sweepStepsOf(o);
  const out: SweepPoint[] = [];
  for (const s of sweepKinds(o)) {
    const { heldOutEvery: _e, heldOutLines: _l, ...base } = s.config;
    for (const m of o.distillLrSweep ?? []) {
      const lr = Number((publishedLr(s.method) * m).toPrecision(12));
      out.push({
        key: `sweep:${s.sweepKind}:x${m}`, kind: s.sweepKind, method: s.method, multiplier: m, lr,
        label: `lr sweep ${s.label.replace(/\s*\(seed \d+\)$/, '')} lr ${lr} (×${m})`,
        config: {
          ...base, steps, lr, heldOutEvery: steps, heldOutBatches: o.sweepBatches ?? DEFAULT_SWEEP_BATCHES,
          ...(o.heldOutLines ? { heldOutLines: o.heldOutLines } : {}), saveStudent: false,
        },
      });
    }
  }
  return out;
}

/** Index of the chosen point: the lowest finite held-out loss among completed points, the first on a tie; null if none. */
export function chooseLr(grid: Pick<SweepGridPoint, 'status' | 'heldOutLoss'>[]): number | null {
  let best: number | null = null;
  grid.forEach((p, i) => {
    if (p.status !== 'completed' || p.heldOutLoss === null || !Number.isFinite(p.heldOutLoss)) return;
    if (best === null || p.heldOutLoss < grid[best].heldOutLoss!) best = i;
  });
  return best;
}

/** What a sweep point of this method is scored on: its objective, or the exported student where the objective trains another model. */
export const sweepMetricOf = (method: DistillStage['method']): 'loss/heldout-distill' | 'loss/heldout-mlm' =>
  (DISTILL_METHODS[method] as DistillMethodEntry).objectiveTrainsStudent === false ? 'loss/heldout-mlm' : 'loss/heldout-distill';

function gridPoint(p: SweepPoint, run: RunRecord | null): SweepGridPoint {
  type HeldOut = { finalLoss?: number | null; firstLoss?: number | null; distillFinalLoss?: number | null; distillFirstLoss?: number | null };
  const r = (run?.result ?? {}) as { steps?: number; finalLoss?: number | null; heldOut?: HeldOut };
  const num = (x: unknown) => (typeof x === 'number' ? x : null);
  const metric = sweepMetricOf(p.method);
  const [last, first] = metric === 'loss/heldout-mlm' ? [r.heldOut?.finalLoss, r.heldOut?.firstLoss] : [r.heldOut?.distillFinalLoss, r.heldOut?.distillFirstLoss];
  return {
    multiplier: p.multiplier, lr: p.lr, key: p.key, runId: run?.id ?? null, status: run?.status ?? null,
    steps: num(r.steps), metric, heldOutLoss: run?.status === 'completed' ? num(last) : null,
    heldOutFirstLoss: num(first), trainLoss: num(r.finalLoss), error: run?.error ?? null,
  };
}

/** The sweep as results.json records it (null when the sweep is off); runs not created yet are listed with status null. */
export async function readSweep(service: Service, o: ReproOptions, state: ReproState): Promise<ReproLrSweep | null> {
  if (!o.distillLrSweep?.length) return null;
  const points = sweepPoints(o);
  const stages = distillStages(o);
  const methods: Record<string, SweepKindResult> = {};
  for (const p of points) {
    const id = state.runs[p.key];
    const run = id === undefined ? null : await service.call('runs.get', { id });
    const rep = stages.find((s) => s.sweepKind === p.kind)!;
    methods[p.kind] ??= {
      kind: p.kind, method: p.method, label: rep.label.replace(/\s*\(seed \d+\)$/, ''), seed: Number(p.config.seed), publishedLr: publishedLr(p.method), grid: [],
      chosenLr: null, chosenMultiplier: null, chosenBy: null, appliesTo: stages.filter((s) => s.sweepKind === p.kind).map((s) => s.key),
    };
    methods[p.kind].grid.push(gridPoint(p, run));
  }
  for (const k of Object.values(methods)) {
    const i = chooseLr(k.grid);
    k.chosenLr = state.sweepChosen?.[k.kind] ?? (i === null ? null : k.grid[i].lr);
    k.chosenMultiplier = k.grid.find((p) => p.lr === k.chosenLr)?.multiplier ?? null;
    k.chosenBy = k.chosenLr === null ? null : state.sweepChosenBy?.[k.kind] ?? 'sweep';
  }
  return {
    multipliers: o.distillLrSweep, steps: sweepStepsOf(o), seed: o.seeds[0], heldOutBatches: o.sweepBatches ?? DEFAULT_SWEEP_BATCHES,
    heldOutLines: o.heldOutLines ?? null, objective: SWEEP_OBJECTIVE, dropout: SWEEP_DROPOUT, rule: SWEEP_RULE, methods,
  };
}

/** The sweep as printed: one line per kind, every point, the choice. */
export function sweepLines(sweep: ReproLrSweep): string[] {
  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(4));
  return [
    `lr sweep: ${sweep.steps} steps per point, each kind's first seed, each method's own loss on ${sweep.heldOutBatches} held-out batches (WID: its merged student's MLM loss)`,
    ...Object.values(sweep.methods).map((k) => `  ${k.kind} (${k.method}, published lr ${k.publishedLr}): `
      + k.grid.map((p) => `×${p.multiplier} lr ${p.lr} ${p.status === 'completed' ? fmt(p.heldOutLoss) : (p.status ?? 'not run')}`).join(' | ')
      + ` -> ${k.chosenLr === null ? 'no lr chosen' : k.chosenBy === '--distill-lr' ? `lr ${k.chosenLr} (given by --distill-lr)` : `lr ${k.chosenLr} (×${k.chosenMultiplier})`}`),
  ];
}

const RESUMABLE = new Set(['cancelled', 'interrupted', 'paused']);
const ACTIVE = new Set(['queued', 'running']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SweepContext {
  ids: { teacher: number; corpus: number };
  target: { target?: string };
  print: (s: string) => void;
  save: () => void;
  /** Why to stop now (time limit, Ctrl-C), or null. */
  stopReason: () => string | null;
}

/**
 * Runs what is missing of the sweep and waits for it. 'done': every kind chose an lr (state.sweepChosen written);
 * 'stopped': the time limit or Ctrl-C paused it (run again to continue); 'failed': a kind has no completed point.
 */
export async function runSweep(service: Service, o: ReproOptions, state: ReproState, c: SweepContext): Promise<{ status: 'done' | 'stopped' | 'failed'; failed: string[] }> {
  // kinds whose choice is recorded are done (a kind added later, e.g. --variants tinybert-slice, is swept then)
  const points = sweepPoints(o).filter((p) => state.sweepChosen?.[p.kind] === undefined);
  const base = { teacherModelId: c.ids.teacher, datasetId: c.ids.corpus };
  if (points.length) {
    for (const p of points) {
      if (state.runs[p.key] !== undefined) {
        const run = await service.call('runs.get', { id: state.runs[p.key] });
        // a failed point (diverged) is an outcome of the sweep: not resumed
        if (RESUMABLE.has(run.status)) { c.print(`run ${run.id} ${p.key} was ${run.status}: resuming`); await service.call('runs.resume', { id: run.id }); }
        continue;
      }
      const run = await service.call('runs.create', { method: p.method, name: `repro: ${p.label}`, config: { ...base, ...p.config }, ...c.target });
      state.runs[p.key] = run.id;
      c.save();
      c.print(`run ${run.id} ${p.key} created (lr ${p.lr})`);
    }
    let stopping = false, lastReport = Date.now();
    for (;;) {
      const runs = await Promise.all(points.map((p) => service.call('runs.get', { id: state.runs[p.key] })));
      const active = runs.filter((r) => ACTIVE.has(r.status));
      const reason = c.stopReason();
      if (reason && !stopping) {
        stopping = true;
        c.print(`${reason}: pausing the lr sweep; run the same command again to continue`);
        for (const r of active) await service.call(r.status === 'queued' ? 'runs.cancel' : 'runs.pause', { id: r.id });
      }
      if (!active.length) {
        if (stopping || runs.some((r) => RESUMABLE.has(r.status))) return { status: 'stopped', failed: [] };
        break;
      }
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        c.print(`lr sweep: ${runs.filter((r) => r.status === 'completed').length}/${runs.length} points done`);
      }
      await sleep(1000);
    }
  }
  const sweep = (await readSweep(service, o, state))!;
  const failed = Object.values(sweep.methods).filter((k) => k.chosenLr === null).map((k) => `sweep:${k.kind}`);
  for (const line of sweepLines(sweep)) c.print(line);
  if (failed.length) {
    c.print(`lr sweep: no point of ${failed.join(', ')} completed with a finite held-out loss; their full runs are not started `
      + '(other multipliers in --distill-lr-sweep, or --distill-lr KIND=LR, let them run)');
    return { status: 'failed', failed };
  }
  const swept = Object.values(sweep.methods).filter((k) => state.sweepChosen?.[k.kind] === undefined);
  state.sweepChosen = { ...state.sweepChosen, ...Object.fromEntries(swept.map((k) => [k.kind, k.chosenLr!])) };
  state.sweepChosenBy = { ...state.sweepChosenBy, ...Object.fromEntries(swept.map((k) => [k.kind, 'sweep' as const])) };
  c.save();
  return { status: 'done', failed: [] };
}
