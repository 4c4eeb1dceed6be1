// Drives a reproduction through the service and its job runner, so every run lands in the run store (and
// the UI) like any other: register the teacher, corpus and GLUE folder; run the distillation lr sweep (sweep.ts,
// unless --distill-lr-sweep off); create the distillation runs at the chosen lrs (the
// 50 % compare group per seed, WID-10 %, variants); fine-tune the teacher and each student as soon as it
// exists; write results.json. A state file in the output folder maps each stage to its run, so running the
// same command again continues: completed stages are not redone, stopped ones are resumed.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../../shared/api/types.js';
import type { Service } from '../service/contract.js';
import { distillStages, finetuneConfig, runsTeacherFinetune, type DistillStage, type ReproState } from './plan.js';
import { ReproInputError, type ReproOptions } from './options.js';
import { buildReproResults } from './results.js';
import { runSweep } from './sweep.js';

export interface ReproOutcome { status: 'completed' | 'stopped' | 'failed'; results: string; failed: string[] }

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted', 'paused']);
const RESUMABLE = new Set(['failed', 'cancelled', 'interrupted', 'paused']);

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 1));
  renameSync(tmp, path);
}

function readState(path: string): ReproState {
  if (!existsSync(path)) return { runs: {}, groups: {} };
  const s = JSON.parse(readFileSync(path, 'utf8')) as ReproState;
  return { runs: s.runs ?? {}, groups: s.groups ?? {}, teacherModelId: s.teacherModelId, corpusId: s.corpusId, glueId: s.glueId,
    ...(s.sweepChosen ? { sweepChosen: s.sweepChosen } : {}), ...(s.sweepChosenBy ? { sweepChosenBy: s.sweepChosenBy } : {}) };
}

async function registered(service: Service, o: ReproOptions, state: ReproState): Promise<{ teacher: number; corpus: number; glue: number }> {
  const models = await service.call('models.list', {});
  const datasets = await service.call('datasets.list', {});
  const teacherPath = resolve(o.teacher), corpusPath = resolve(o.corpus), gluePath = resolve(o.glue);
  state.teacherModelId ??= models.find((m) => m.path === teacherPath)?.id
    ?? (await service.call('models.register', { path: teacherPath, kind: 'teacher' })).id;
  state.corpusId ??= datasets.find((d) => d.path === corpusPath && d.kind === 'corpus')?.id
    ?? (await service.call('datasets.register', { path: corpusPath, kind: 'corpus' })).id;
  state.glueId ??= datasets.find((d) => d.path === gluePath && d.kind === 'glue')?.id
    ?? (await service.call('datasets.register', { path: gluePath, kind: 'glue' })).id;
  return { teacher: state.teacherModelId, corpus: state.corpusId, glue: state.glueId };
}

/** Creates what is missing, resumes what stopped; returns the runs to wait for. */
async function ensureDistillRuns(service: Service, stages: DistillStage[], state: ReproState, ids: { teacher: number; corpus: number }, print: (s: string) => void, target: { target?: string }): Promise<void> {
  const base = { teacherModelId: ids.teacher, datasetId: ids.corpus };
  const groups = new Map<string, DistillStage[]>();
  for (const s of stages) if (s.group) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  for (const [full, all] of groups) {
    // rows an earlier call of this output folder made keep their runs; the rest (a wider --kinds) get a group of their own
    const members = all.filter((m) => state.runs[m.key] === undefined);
    if (!members.length) continue;
    const name = members.length === all.length ? full : `${full}, ${members.map((m) => m.sweepKind).join(' + ')} added`;
    // each member's lr (the sweep's choice) and method options (WID's schedule) over the group's one config
    const own = members
      .map((m) => [m.method, { ...(m.lr !== undefined ? { lr: m.lr } : {}), ...(m.config.methodOptions ? { methodOptions: m.config.methodOptions } : {}) }] as const)
      .filter(([, c]) => Object.keys(c).length);
    const { methodOptions: _own, ...shared } = members[0].config;
    const { group, runs } = await service.call('groups.create', { name: `repro: ${name}`, methods: members.map((m) => m.method), config: { ...base, ...shared },
      ...(own.length ? { memberConfig: Object.fromEntries(own) } : {}), ...target });
    state.groups[name] = group.id;
    members.forEach((m, i) => { state.runs[m.key] = runs[i].id; });
    print(`group ${group.id} "${group.name}": ${runs.map((r, i) => `run ${r.id} ${members[i].key}`).join(', ')}`);
  }
  for (const s of stages) {
    if (state.runs[s.key] !== undefined) continue;
    const run = await service.call('runs.create', { method: s.method, name: `repro: ${s.label}`, config: { ...base, ...s.config, ...(s.lr !== undefined ? { lr: s.lr } : {}) }, ...target });
    state.runs[s.key] = run.id;
    print(`run ${run.id} ${s.key} created`);
  }
}

async function resumeIfStopped(service: Service, id: number, key: string, print: (s: string) => void): Promise<RunRecord> {
  const run = await service.call('runs.get', { id });
  if (!RESUMABLE.has(run.status)) return run;
  print(`run ${id} ${key} was ${run.status}${run.error ? ` (${run.error})` : ''}: resuming`);
  return service.call('runs.resume', { id });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function progressLine(key: string, r: RunRecord): string {
  const p = r.progress;
  const at = p ? `${p.step}/${p.totalSteps}${p.phase ? ` ${p.phase}` : ''}` : '';
  const loss = p?.values?.loss;
  return `${key}: ${r.status}${at ? ` ${at}` : ''}${typeof loss === 'number' ? ` loss ${loss.toFixed(4)}` : ''}`;
}

/** `stop` (Ctrl-C) ends the attempt as the time limit does: distillation paused at a checkpoint, rerun to continue. */
export async function runReproduction(service: Service, o: ReproOptions, print: (s: string) => void, argv: string[] = [], stop?: AbortSignal): Promise<ReproOutcome> {
  mkdirSync(o.out, { recursive: true });
  const statePath = join(o.out, 'state.json');
  const state = readState(statePath);
  const save = () => writeJsonAtomic(statePath, state);
  const started = Date.now();
  // lrs given on the command line (a series' later calls): recorded like a sweep's choice, never against an earlier one
  for (const [kind, lr] of Object.entries(o.distillLr ?? {})) {
    const prev = state.sweepChosen?.[kind];
    if (prev !== undefined && prev !== lr) {
      throw new ReproInputError(`--distill-lr ${kind}=${lr}: ${statePath} already records lr ${prev} for ${kind} (its runs use it); give ${prev} or another --out`);
    }
    state.sweepChosen = { ...state.sweepChosen, [kind]: lr };
    state.sweepChosenBy = { ...state.sweepChosenBy, [kind]: state.sweepChosenBy?.[kind] ?? '--distill-lr' };
  }
  const ids = await registered(service, o, state);
  save();
  const overTimeNow = () => o.timeLimit !== undefined && (Date.now() - started) / 1000 > o.timeLimit;
  const finish = async (status: ReproOutcome['status'], failed: string[], stages: DistillStage[]): Promise<ReproOutcome> => {
    const results = join(o.out, 'results.json');
    writeJsonAtomic(results, await buildReproResults(service, o, state, stages, { argv, wallSeconds: (Date.now() - started) / 1000 }));
    return { status, results, failed };
  };
  if (o.distillLrSweep?.length) {
    // the lr sweep first: the full runs take its choice
    const sweep = await runSweep(service, o, state, {
      ids, target: o.target ? { target: o.target } : {}, print, save,
      stopReason: () => (overTimeNow() ? `time limit of ${o.timeLimit} s reached` : stop?.aborted ? 'stopping' : null),
    });
    if (sweep.status !== 'done') return finish(sweep.status, sweep.failed, distillStages(o));
    if (o.only === 'sweep') return finish('completed', [], distillStages(o, state.sweepChosen));
  }
  const stages = distillStages(o, state.sweepChosen);
  await ensureDistillRuns(service, stages, state, ids, print, o.target ? { target: o.target } : {});
  save();
  // Fine-tunes: the teacher at once, each student as soon as its distillation completed.
  const finetuneKeys = o.only === 'distill' ? [] : [...(runsTeacherFinetune(o) ? ['teacher'] : []), ...stages.map((s) => s.key)];
  const distillKeys = stages.map((s) => s.key);
  // This call's runs: an earlier call's rows that --kinds now leaves out stay as they are (paused ones too).
  const ownKeys = new Set([...distillKeys, ...finetuneKeys.map((k) => `finetune:${k}`)]);
  // What an earlier attempt left stopped (paused at its time limit, interrupted, failed) continues now, once
  // (lr-sweep points are the sweep's: a failed one is its outcome).
  for (const [key, id] of Object.entries(state.runs)) if (ownKeys.has(key)) await resumeIfStopped(service, id, key, print);

  const failed = new Set<string>();
  let lastReport = 0;
  let stopping = false;
  const told = new Set<number>();
  // a run that ended without completing; its error is printed the first time it is seen
  const stoppedEarly = (r: RunRecord) => {
    const early = r.status === 'failed' || r.status === 'cancelled';
    if (early && r.error && !told.has(r.id)) { told.add(r.id); print(`run ${r.id} ${r.status}: ${r.error}`); }
    return early;
  };
  for (;;) {
    // one read of every run and of the models per round; the round's decisions use it
    const runs = new Map(await Promise.all(Object.entries(state.runs).filter(([k]) => ownKeys.has(k)).map(async ([k, id]) => [k, await service.call('runs.get', { id })] as const)));
    const models = await service.call('models.list', {});
    const pending: string[] = [];
    for (const key of finetuneKeys) {
      const ftKey = `finetune:${key}`;
      let modelId: number | null = null;
      if (key === 'teacher') modelId = ids.teacher;
      else {
        const run = runs.get(key)!;
        if (run.status === 'completed') {
          modelId = models.find((m) => m.sourceRunId === run.id)?.id ?? null;
          if (modelId === null) { failed.add(key); continue; }
        } else if (stoppedEarly(run)) { failed.add(key); continue; }
        else { pending.push(key); continue; }
      }
      if (!runs.has(ftKey) && !stopping) {
        const label = key === 'teacher' ? 'teacher' : stages.find((s) => s.key === key)!.label;
        const ft = await service.call('runs.create', { method: 'finetune', name: `repro: GLUE ${label}`, config: finetuneConfig(o, modelId, ids.glue, key === 'teacher' ? undefined : Number(stages.find((s) => s.key === key)!.config.seed)), ...(o.target ? { target: o.target } : {}) });
        state.runs[ftKey] = ft.id;
        runs.set(ftKey, ft);
        save();
        print(`run ${ft.id} ${ftKey} created`);
      }
      const ft = runs.get(ftKey);
      if (!ft) pending.push(ftKey);
      else if (stoppedEarly(ft)) failed.add(ftKey);
      else if (ft.status !== 'completed') pending.push(ftKey);
    }
    if (o.only === 'distill') {
      for (const key of distillKeys) {
        const r = runs.get(key)!;
        if (stoppedEarly(r)) failed.add(key);
        else if (r.status !== 'completed') pending.push(key);
      }
    }
    const active = [...runs].filter(([, r]) => !TERMINAL.has(r.status));
    if (Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      print(`[${Math.round((Date.now() - started) / 1000)} s] ${active.map(([k, r]) => progressLine(k, r)).join(' | ') || 'nothing running'}`);
    }
    const overTime = overTimeNow();
    if (!stopping && (overTime || stop?.aborted)) {
      stopping = true;
      print(`${overTime ? `time limit of ${o.timeLimit} s reached` : 'stopping'}: pausing distillation at a checkpoint, stopping fine-tunes; run the same command again to continue`);
      for (const [, r] of active) {
        if (r.status === 'queued') await service.call('runs.cancel', { id: r.id });
        else if (r.method === 'finetune') await service.call('runs.cancel', { id: r.id });
        else await service.call('runs.pause', { id: r.id });
      }
    }
    if (stopping && active.length === 0) break;
    if (!pending.length && active.length === 0) break;
    await sleep(1000);
  }
  return finish(stopping ? 'stopped' : failed.size ? 'failed' : 'completed', [...failed], stages);
}
