// What the store and a run's folder already say about a run, put together for the UI: what depends on it (before a
// delete), what Resume would do (the checkpoint it restarts from, or why retrying cannot help), WID's pruning
// (kept widths per mask event from the size/* metrics, exact kept indices from checkpoints), and which run and
// fine-tune settings produced each stored score.
import { existsSync, closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PruningHistory, ResumePlan, RunDependents, ScoreSource } from '../../shared/api/methods.js';
import type { RunRecord } from '../../shared/api/types.js';
import { listCheckpoints } from '../../engine/train/train-state.js';
import { decodeMaskEvent, MASK_LOG_FILE, readMaskLog } from '../../engine/methods/wid/mask-log.js';
import { jobWorkDir } from '../runner/job-runner.js';
import { RESUMABLE } from '../store/index.js';
import { getRun } from './runs.js';
import { getModel } from './models.js';
import { SAFETENSORS_MAX_HEADER_BYTES } from '../../engine/checkpoint/safetensors.js';
import { readSafetensorsHeaderFile, type SafetensorsHeaderFile } from '../../engine/checkpoint/safetensors-header-file.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { idArray, idField, optionalInt, requestObject } from './validate.js';

type Masks = PruningHistory['masks'][number];

function dependents(ctx: ServiceContext, run: RunRecord): RunDependents {
  const { store } = ctx;
  const all = store.runs.list({ includeArchived: true, limit: 100_000 });
  const group = run.groupId == null ? null : store.groups.get(run.groupId);
  const members = group ? all.filter((r) => r.groupId === group.id && r.method !== 'finetune' && r.method !== 'evaluate').length : 0;
  return {
    group: group ? { id: group.id, name: group.name, members } : null,
    children: all.filter((r) => r.parentRunId === run.id).map((r) => ({ id: r.id, name: r.name, method: r.method, status: r.status })),
    students: store.models.list('student').filter((m) => m.sourceRunId === run.id)
      .map((m) => ({ id: m.id, name: m.name, evaluations: store.evaluations.listForModels([m.id]).length })),
  };
}

/** The step a selftest checkpoint holds (JSON written with "step" first), or a problem when it is cut short. */
function selftestCheckpoint(file: string): { step: number } | { problem: string } {
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const head = Buffer.alloc(Math.min(64, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(1);
    readSync(fd, tail, 0, 1, Math.max(0, size - 1));
    const m = /^\{"step":(\d+)/.exec(head.toString('utf8'));
    if (!m || tail.toString() !== '}') return { problem: `${file} is truncated or not a checkpoint (${size} bytes)` };
    return { step: Number(m[1]) };
  } finally {
    closeSync(fd);
  }
}

/** A training checkpoint's header (validated completely, read off the event loop), or why it cannot be used. */
async function checkpointHeader(file: string): Promise<SafetensorsHeaderFile | { problem: string }> {
  try { return await readSafetensorsHeaderFile(file, SAFETENSORS_MAX_HEADER_BYTES); }
  catch (err) { return { problem: (err as Error).message }; }
}

async function resumePlan(ctx: ServiceContext, run: RunRecord): Promise<ResumePlan> {
  const lastStep = run.progress?.step ?? null;
  if (!(RESUMABLE as readonly string[]).includes(run.status)) {
    return { possible: false, fromStep: null, lastStep, message: `Only a stopped run resumes; this one is ${run.status}.` };
  }
  const dir = jobWorkDir(ctx.dataDir, run);
  const fromStart = (why: string): ResumePlan => ({
    possible: true, fromStep: 0, lastStep,
    message: `Resume starts again from step 1${lastStep ? ` (the ${lastStep} steps done are repeated)` : ''}: ${why}.`,
  });
  if (run.method === 'finetune' || run.method === 'evaluate') return fromStart('a fine-tune keeps no checkpoint');
  if (run.method === 'selftest') {
    const file = join(dir, 'selftest-checkpoint.json');
    if (!existsSync(file)) return fromStart('no checkpoint was written yet');
    const c = selftestCheckpoint(file);
    if ('problem' in c) return { possible: false, fromStep: null, lastStep, message: `Resume would fail: ${c.problem}. Duplicate the run to start over.` };
    return planFrom(c.step, lastStep);
  }
  const all = listCheckpoints(join(dir, 'checkpoints'));
  if (!all.length) return fromStart('no checkpoint was written yet');
  const newest = all[all.length - 1];
  const h = await checkpointHeader(newest.path);
  if ('problem' in h) {
    const previous = all.length > 1 ? all[all.length - 2] : null;
    return {
      possible: false, fromStep: null, lastStep,
      message: `Resume would fail: the newest checkpoint (step ${newest.step}) is unreadable: ${h.problem}. `
        + (previous ? `Delete that file to resume from step ${previous.step}, or duplicate the run to start over.` : 'Duplicate the run to start over.'),
    };
  }
  return planFrom(newest.step, lastStep);
}

function planFrom(step: number, lastStep: number | null): ResumePlan {
  const lost = lastStep != null && lastStep > step ? ` (steps ${step + 1}–${lastStep} are trained again)` : '';
  return { possible: true, fromStep: step, lastStep, message: `Resume restarts from the checkpoint at step ${step}${lost}.` };
}

/** The masks a WID training checkpoint's metadata holds (wid.train → meta.methodJson.masks). */
async function checkpointMasks(file: string): Promise<Omit<Masks, 'step' | 'source'> | null> {
  const h = await checkpointHeader(file);
  if ('problem' in h || typeof h.metadata['wid.train'] !== 'string') return null;
  try {
    const masks = (JSON.parse(h.metadata['wid.train']) as { meta?: { methodJson?: { masks?: Masks } } }).meta?.methodJson?.masks;
    if (!masks || !Array.isArray(masks.residual) || !Array.isArray(masks.heads)) return null;
    return { residual: masks.residual, heads: masks.heads, headDims: masks.headDims, intermediate: masks.intermediate };
  } catch { return null; }
}

async function pruning(ctx: ServiceContext, run: RunRecord, step: number | undefined): Promise<PruningHistory> {
  const teacherModel = run.teacherModelId == null ? undefined : ctx.store.models.get(run.teacherModelId);
  const c = teacherModel?.config ?? {};
  const num = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : null);
  const [layers, hidden, heads, intermediate] = [num('num_hidden_layers'), num('hidden_size'), num('num_attention_heads'), num('intermediate_size')];
  const teacher = layers && hidden && heads && intermediate ? { layers, hidden, heads, headDim: hidden / heads, intermediate } : null;

  const names = ['size/hidden', 'size/heads', 'size/headDim', 'size/intermediate', 'size/params'];
  const byStep = new Map<number, Record<string, number>>();
  for (const p of ctx.store.metrics.list(run.id, names)) byStep.set(p.step, { ...byStep.get(p.step), [p.name]: p.value });
  const events: PruningHistory['events'] = [];
  for (const [step, v] of [...byStep].sort((a, b) => a[0] - b[0])) {
    if ([v['size/hidden'], v['size/heads'], v['size/headDim'], v['size/intermediate']].some((x) => x === undefined)) continue;
    const e = { step, hidden: v['size/hidden'], heads: v['size/heads'], headDim: v['size/headDim'], intermediate: v['size/intermediate'], params: v['size/params'] ?? null };
    const last = events[events.length - 1];
    if (!last || last.hidden !== e.hidden || last.heads !== e.heads || last.headDim !== e.headDim || last.intermediate !== e.intermediate) events.push(e);
  }
  const dir = jobWorkDir(ctx.dataDir, run);
  const log = readMaskLog(join(dir, MASK_LOG_FILE));
  if (log.length) {
    const maskEvents = log.map((l) => ({ step: l.step, event: l.event }));
    // the event in effect at `step` (the last one at or before it), else the first; only that one is decoded
    let i = step === undefined ? log.length - 1 : 0;
    if (step !== undefined) while (i + 1 < log.length && log[i + 1].step <= step) i++;
    const { masks } = decodeMaskEvent(log[i].text);
    const source = run.status === 'completed' && i === log.length - 1 ? 'student' : 'event';
    return { teacher, events, maskEvents, masks: [{ step: log[i].step, source, ...masks }] };
  }
  const checkpoints = listCheckpoints(join(dir, 'checkpoints'));
  const masks: Masks[] = [];
  for (const [i, ck] of checkpoints.entries()) {
    const m = await checkpointMasks(ck.path);
    // a completed run's last checkpoint holds the masks its student was merged with
    const final = run.status === 'completed' && i === checkpoints.length - 1;
    if (m) masks.push({ step: ck.step, source: final ? 'student' : 'checkpoint', ...m });
  }
  return { teacher, events, maskEvents: [], masks };
}

function scoreSources(ctx: ServiceContext, modelIds: number[]): ScoreSource[] {
  const latest = new Map<string, ScoreSource>();
  const runs = new Map<number, RunRecord | undefined>();
  for (const e of ctx.store.evaluations.listForModels(modelIds)) {
    if (e.modelId == null || e.task === 'efficiency') continue;
    if (!runs.has(e.runId)) runs.set(e.runId, ctx.store.runs.get(e.runId));
    const r = runs.get(e.runId);
    if (!r) continue;
    const c = r.config;
    const n = (v: unknown) => (typeof v === 'number' ? v : null);
    const grid = (c.sweep as { lr?: unknown } | undefined)?.lr;
    latest.set(`${e.modelId}/${e.task}`, {
      modelId: e.modelId, task: e.task, runId: r.id, runName: r.name, seed: r.seed,
      settings: {
        lr: n(c.lr), lrGrid: Array.isArray(grid) ? (grid as number[]) : null, epochs: n(c.epochs), batchSize: n(c.batchSize), maxLength: n(c.maxLength),
        maxTrainRows: n(c.maxTrainRows), maxDevRows: n(c.maxDevRows), backend: typeof r.backend === 'string' ? r.backend : (typeof c.backend === 'string' ? c.backend : null),
      },
    });
  }
  return [...latest.values()];
}

export function runInsightHandlers(ctx: ServiceContext): Handlers<'runs.dependents' | 'runs.resumePlan' | 'runs.pruning' | 'compare.sources'> {
  return {
    'runs.dependents': (raw) => dependents(ctx, getRun(ctx, idField(requestObject(raw, 'runs.dependents'), 'id'))),
    'runs.resumePlan': (raw) => resumePlan(ctx, getRun(ctx, idField(requestObject(raw, 'runs.resumePlan'), 'id'))),
    'runs.pruning': (raw) => {
      const req = requestObject(raw, 'runs.pruning');
      return pruning(ctx, getRun(ctx, idField(req, 'id')), optionalInt(req, 'step', 0, Number.MAX_SAFE_INTEGER));
    },
    'compare.sources': (raw) => {
      const ids = [...new Set(idArray(requestObject(raw, 'compare.sources'), 'modelIds'))];
      for (const id of ids) getModel(ctx, id); // not_found names the first unknown id
      return scoreSources(ctx, ids);
    },
  };
}
