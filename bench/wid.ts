// `npm run bench -- wid [--size tiny|4L-256H|4L-512H|base] [--backend wasm|webgpu|cpu|tensorflow|auto]
//   [--batch 8] [--seq 128] [--steps 10] [--preset wid55|wid11] [--schedule authors|hard] [--dropout 0.1] [--profile]`   (env WID_BENCH_PATHS=eager,replay)
// WID distillation steps on a random teacher of the given size, run as the loop runs them
// (train/distillation-step.ts through capture/captured-step.ts), each phase eager and replayed:
// "full" = before the first mask and "pruned" = after pruning to the preset's width (under the authors' schedule
// the forward stays at teacher width either way: masked dims decay; --schedule hard drops them); "pruned" steps run
// as after the first mask (the authors' penalty on). Beside them the plain MLM step of the same
// teacher shape, and WID / plain; --profile adds the per-kernel GPU time of one eager step per phase. Prints JSON and returns it (`--json FILE`, or gpu-entry, writes it).
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { BertConfig, initBertWeights, parameterCount, disposeWeights } from '../src-main/engine/bert/index.js';
import { widMethod } from '../src-main/engine/methods/wid/registration.js';
import { createWidMethod, type WidMethod, type WidPreset } from '../src-main/engine/methods/wid/index.js';
import { AdamW, stepValuesTensor } from '../src-main/engine/train/adamw.js';
import { CapturedStep } from '../src-main/engine/capture/captured-step.js';
import { distillationStep, type StepContext } from '../src-main/engine/train/distillation-step.js';
import { stepWordsTensor } from '../src-main/engine/kernels/dropout-mask.js';
import { authorsWStep } from '../src-main/engine/methods/wid/pruning-schedule.js';
import { makeTrainStep } from './lib/train-step-model.js';
import type { MlmBatch } from '../src-main/engine/train/method.js';
import { benchConfig, SIZE_NAMES } from './lib/sizes.js';
import { profileKernels, type KernelProfile } from './lib/kernel-profile.js';

/** The clip norm a WID run uses (the authors': none, 0); the step still computes the gradient norm for its log. */
const widClipNorm = widMethod.optimizer.clipNorm;

export const BENCH_SIZES: Record<string, BertConfig> = Object.fromEntries(SIZE_NAMES.map((n) => [n, benchConfig(n)]));

interface Args { size: string; backend: BackendPreference; batch: number; seq: number; steps: number; preset: WidPreset; profile: boolean; dropout: number; schedule: 'authors' | 'hard' }

function parseArgs(argv: string[]): Args {
  const a: Args = { size: 'tiny', backend: 'wasm', batch: 8, seq: 128, steps: 10, preset: 'wid55', profile: false, dropout: 0.1, schedule: 'authors' };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--profile') { a.profile = true; i--; continue; }
    if (v === undefined) throw new Error(`option ${k} needs a value`);
    if (k === '--size') { if (!BENCH_SIZES[v]) throw new Error(`--size must be one of ${Object.keys(BENCH_SIZES).join(', ')}, got ${v}`); a.size = v; }
    else if (k === '--backend') a.backend = v as BackendPreference;
    else if (k === '--schedule') { if (v !== 'authors' && v !== 'hard') throw new Error(`--schedule must be authors or hard, got ${v}`); a.schedule = v; }
    else if (k === '--dropout') { a.dropout = Number(v); if (!(a.dropout >= 0 && a.dropout < 1)) throw new Error(`--dropout must be in [0, 1), got ${v}`); }
    else if (k === '--preset') { if (v !== 'wid55' && v !== 'wid11') throw new Error(`--preset must be wid55 or wid11, got ${v}`); a.preset = v; }
    else if (k === '--batch' || k === '--seq' || k === '--steps') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
      a[k.slice(2) as 'batch' | 'seq' | 'steps'] = n;
    } else throw new Error(`unknown option ${k} (known: --size --backend --batch --seq --steps --preset --schedule --dropout --profile)`);
  }
  return a;
}

function randomBatch(cfg: BertConfig, batch: number, seq: number, seed: number): MlmBatch {
  return tf.tidy(() => {
    const inputIds = tf.randomUniform([batch, seq], 5, cfg.vocabSize, 'int32', seed) as tf.Tensor2D;
    const masked = tf.less(tf.randomUniform([batch, seq], 0, 1, 'float32', seed + 1), 0.15);
    return {
      inputIds,
      attentionMask: tf.onesLike(inputIds) as tf.Tensor2D,
      tokenTypeIds: tf.zerosLike(inputIds) as tf.Tensor2D,
      labels: tf.where(masked, inputIds, tf.fill([batch, seq], -100, 'int32')) as tf.Tensor2D,
    };
  });
}

interface PhaseResult {
  path: 'replay' | 'eager'; width: number; stepsPerSec: number; tokensPerSec: number; msPerStep: number;
  /** Replayed steps: GPU time per step (timestamp queries). */
  gpuMsPerStep: number | null; bytesAfter: number; lastLoss: number; captureNote: string | null;
  /** Dispatches (and copies) of the captured step's template: the kernels one replayed step runs. */
  dispatches: number | null;
}

/** The step's A/B switches (methods/wid/compact-products.ts, train/clip.ts, methods/wid/penalty.ts) as this process runs them. */
const SWITCHES = ['WID_BATCHED_COMPACTORS', 'WID_COMPACTOR_TRANSPOSE', 'WID_CLIP_NORM', 'WID_PENALTY_MASKED', 'WID_FUSIONS', 'WID_CAPTURE'];

/**
 * Where in a run the phase's steps are: 'full' before the first mask (the authors' L2 pull on the compactors),
 * 'pruned' after it (the authors' penalty on the masked rows/columns and Adam's first moment, penalty.ts).
 */
function phaseStep(m: WidMethod, key: string): { step: number; totalSteps: number } {
  const totalSteps = 1e9;
  return { step: key === 'pruned' ? authorsWStep(totalSteps, m.options.maskEvery) : 0, totalSteps };
}

/**
 * The loop's own step (train/distillation-step.ts) through a captured step, `a.steps` timed steps after warm-up,
 * one read at the end. `mode` 'off' keeps every step eager.
 */
async function timePhase(m: WidMethod, opt: AdamW, batch: MlmBatch, a: Args, mode: 'auto' | 'off', key: string): Promise<PhaseResult> {
  const ctx: StepContext = { ...phaseStep(m, key), adam: { lr: 5e-5, bc1: 1, bc2: 1 } };
  const captured = new CapturedStep('wid-bench', distillationStep(m, m.trainableVariables(), opt, widClipNorm, ctx, () => {}), { mode, timeGpu: true });
  const run = () => {
    ctx.adam = opt.nextStep(5e-5);
    const inputs = { ...batch, stepWords: stepWordsTensor(ctx.step), adamStep: stepValuesTensor(ctx.adam) };
    try { return captured.run(inputs, key).values; } finally { tf.dispose([inputs.stepWords, inputs.adamStep]); }
  };
  try {
    for (let i = 0; i < 4; i++) { const v = run(); await v.data(); v.dispose(); } // compile, record, capture
    const t0 = performance.now();
    let last: tf.Tensor | null = null;
    for (let i = 0; i < a.steps; i++) { last?.dispose(); last = run(); }
    const lastLoss = (await last!.data())[0];
    last!.dispose();
    const sec = (performance.now() - t0) / 1000;
    const status = captured.status();
    const gpu = ((await captured.gpuMilliseconds()) ?? []).slice(-a.steps);
    return {
      path: status.path, width: m.currentSizes().hidden,
      stepsPerSec: a.steps / sec, tokensPerSec: (a.steps * a.batch * a.seq) / sec, msPerStep: (1000 * sec) / a.steps,
      gpuMsPerStep: status.path === 'replay' && gpu.length === a.steps ? gpu.reduce((x, y) => x + y, 0) / a.steps : null,
      bytesAfter: tf.memory().numBytes, lastLoss, captureNote: status.reason,
      dispatches: status.path === 'replay' ? status.dispatches : null,
    };
  } finally {
    captured.dispose();
  }
}

/** Per-kernel GPU time of one eager WID step (the same step function the loop captures). */
async function profilePhase(m: WidMethod, opt: AdamW, batch: MlmBatch, label: string): Promise<KernelProfile> {
  const ctx: StepContext = { ...phaseStep(m, label.endsWith('pruned') ? 'pruned' : 'full'), adam: { lr: 5e-5, bc1: 1, bc2: 1 } };
  const captured = new CapturedStep('wid-profile', distillationStep(m, m.trainableVariables(), opt, widClipNorm, ctx, () => {}), { mode: 'off' });
  const run = () => {
    ctx.adam = opt.nextStep(5e-5);
    const inputs = { ...batch, stepWords: stepWordsTensor(ctx.step), adamStep: stepValuesTensor(ctx.adam) };
    try { return captured.run(inputs, 'profile').values; } finally { tf.dispose([inputs.stepWords, inputs.adamStep]); }
  };
  try {
    const warm = run(); await warm.data(); warm.dispose();
    return await profileKernels(label, run);
  } finally {
    captured.dispose();
  }
}

interface WidRecord {
  size: string; device: string; batch: number; seq: number; schedule: string; dropout: number;
  switches: Record<string, string | null>; plain: Record<string, number | string | null>;
  full: Record<string, PhaseResult>; pruned: Record<string, PhaseResult>; widToPlain: number | null;
  profiles?: Record<string, KernelProfile>;
}

const ms = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(1) : '–');

/** summary.md (gpu-entry): the step times beside the plain step, the switches set, and the profiles' top kernels and matmuls. */
export function markdown(r: WidRecord): string {
  const set = Object.entries(r.switches ?? {}).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join(' ') || 'defaults';
  const out = [
    `WID ${r.size}, b${r.batch} × s${r.seq}, ${r.schedule}, dropout ${r.dropout}, ${set} (${r.device})`, '',
    '| step | path | ms/step | GPU ms/step | dispatches | last loss |', '|---|---|--:|--:|--:|--:|',
    `| plain MLM | ${r.plain.path} | ${ms(r.plain.msPerStep as number)} | – | ${r.plain.dispatches ?? '–'} | – |`,
  ];
  for (const [phase, results] of [['WID full', r.full], ['WID pruned', r.pruned]] as const) {
    for (const p of Object.values(results)) out.push(`| ${phase} | ${p.path} | ${ms(p.msPerStep)} | ${ms(p.gpuMsPerStep)} | ${p.dispatches ?? '–'} | ${p.lastLoss.toFixed(5)} |`);
  }
  out.push('', `WID / plain (replay, full width): ${r.widToPlain === null ? '–' : `${r.widToPlain.toFixed(2)}x`}`);
  for (const [phase, prof] of Object.entries(r.profiles ?? {})) {
    out.push('', `Profile ${phase}: ${prof.kernels} kernels, ${prof.totalKernelMs.toFixed(1)} ms of kernel time; top kernels: `
      + prof.top.slice(0, 10).map((t) => `${t.kernel} ×${t.count} ${t.ms.toFixed(2)} ms`).join(', '));
    out.push('', '| matmul (A x B -> out) | count | ms | TFLOP/s |', '|---|--:|--:|--:|',
      ...prof.matmuls.slice(0, 12).map((m) => `| ${m.shapes} | ${m.count} | ${m.ms.toFixed(2)} | ${m.tflops.toFixed(1)} |`));
  }
  return out.join('\n');
}

export async function main(argv: string[]): Promise<unknown> {
  const a = parseArgs(argv);
  const backend = await selectBackend(a.backend);
  const cfg = BENCH_SIZES[a.size];
  if (a.seq > cfg.maxPositionEmbeddings) throw new Error(`--seq ${a.seq} exceeds maxPositionEmbeddings ${cfg.maxPositionEmbeddings}`);
  const teacher = initBertWeights(cfg, 1, { mlmHead: true });
  const m = createWidMethod({ config: cfg, weights: teacher }, { preset: a.preset, pruneEvents: 1, pruneStart: 1, pruneEnd: 1, dropout: a.dropout, schedule: a.schedule });
  const opt = new AdamW(m.trainableVariables(), { weightDecay: 0.01 });
  const batch = randomBatch(cfg, a.batch, a.seq, 7);
  // the plain MLM step of the same teacher shape (the loop's step through bench/lib's training step)
  const plainStep = makeTrainStep(cfg, a.batch, a.seq, { capture: 'auto' });
  const plain: Record<string, number | string | null> = {};
  try {
    for (let i = 0; i < 4; i++) { const l = plainStep.step(); await l.data(); l.dispose(); }
    const t0 = performance.now();
    let last: tf.Scalar | null = null;
    for (let i = 0; i < a.steps; i++) { last?.dispose(); last = plainStep.step(); }
    await last!.data(); last!.dispose();
    plain.msPerStep = (performance.now() - t0) / a.steps;
    plain.path = plainStep.capture!.status().path;
    plain.dispatches = plain.path === 'replay' ? plainStep.capture!.status().dispatches : null;
  } finally {
    plainStep.dispose();
  }
  const profiles: Record<string, KernelProfile> = {};
  if (a.profile) {
    // the plain step eager (same code, no capture): its kernels are what the WID step's are compared with
    const eager = makeTrainStep(cfg, a.batch, a.seq, { capture: 'off' });
    try {
      const warm = eager.step(); await warm.data(); warm.dispose();
      profiles.plain = await profileKernels(`plain MLM step ${a.size}`, () => eager.step());
    } finally {
      eager.dispose();
    }
  }
  const paths = (process.env.WID_BENCH_PATHS ?? 'eager,replay').split(',') as ('eager' | 'replay')[];
  const full: Record<string, PhaseResult> = {}, pruned: Record<string, PhaseResult> = {};
  for (const p of paths) full[p] = await timePhase(m, opt, batch, a, p === 'replay' ? 'auto' : 'off', 'full');
  if (a.profile) profiles.full = await profilePhase(m, opt, batch, `WID ${a.size} full width`);
  await m.afterStepAsync(0, 1); // prune straight to the preset's width (async: webgpu cannot read synchronously)
  for (const p of paths) pruned[p] = await timePhase(m, opt, batch, a, p === 'replay' ? 'auto' : 'off', 'pruned');
  if (a.profile) profiles.pruned = await profilePhase(m, opt, batch, `WID ${a.size} pruned`);
  const result = {
    bench: 'wid', size: a.size, backend: backend.name, device: backend.device, batch: a.batch, seq: a.seq, steps: a.steps, preset: a.preset,
    teacherParams: parameterCount(cfg), studentParams: parameterCount(m.studentConfig), compactorParams: m.compactorParameters,
    student: m.targetSizes, schedule: m.options.schedule, dropout: a.dropout,
    switches: Object.fromEntries(SWITCHES.map((k) => [k, process.env[k] ?? null])), plain, full, pruned,
    widToPlain: full.replay && typeof plain.msPerStep === 'number' ? full.replay.msPerStep / plain.msPerStep : null,
    ...(a.profile ? { profiles } : {}),
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  tf.dispose(Object.values(batch));
  opt.dispose();
  m.dispose();
  disposeWeights(teacher);
  return result;
}
