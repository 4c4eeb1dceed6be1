// `npm run bench -- wid-mask-overlap [options]`: is WID's first mask chosen where the choice is stable (issue 23)?
// One WID run (the authors' schedule, every default of the distill job) is planned for --steps steps with its first
// mask at --reference steps (the authors' w_step 500); at each of --at steps, and at the reference, the masks the
// authors' criterion would choose from the compactors of that moment are computed (previewMasks) and compared with the
// reference's, at the first mask's widths and at the target widths. Before its first mask a run's trajectory does not
// depend on w_step (every compactor gets the same L2 pull), so the masks at step w are the ones a run with w_step = w
// would choose. The run stops after the reference step. Prints, per w, the share of the reference's masked dims that w
// masks too (1 = the same choice), beside what two random masks of those sizes would share.
//   --teacher DIR (required)   --corpus FILE (required)   --steps N (10000: the planned run, sets the lr schedule)
//   --at LIST (1,10,50,100,250)   --reference N (500)   --batch N (32)   --seq N (128)   --preset wid55   --seed N (1)
//   --lr X (WID's published peak lr; the repro's lr sweep may choose another)
//   --backend auto|webgpu|wasm|cpu
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendPreference } from '../src-main/engine/backend/index.js';
import { loadHfModel } from '../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../src-main/engine/bert/index.js';
import { DISTILL_METHODS } from '../src-main/engine/methods/registry.js';
import { createWidMethod, type WidMasks, type WidPreset } from '../src-main/engine/methods/wid/index.js';
import { maskOverlap, type MaskOverlap } from '../src-main/engine/methods/wid/mask-overlap.js';
import { corpusTokenizerFrom } from '../src-main/engine/train/corpus-tokenizer.js';
import { runDistillation } from '../src-main/engine/train/loop.js';

export interface MaskOverlapOptions {
  teacher: string; corpus: string; steps: number; at: number[]; reference: number;
  batch: number; seq: number; preset: string; seed: number; backend: string;
  /** Peak lr (default: WID's published one). */
  lr?: number;
}

export interface MaskOverlapRow { step: number; firstMask: MaskOverlap; target: MaskOverlap }

export async function measureMaskOverlap(o: MaskOverlapOptions, log: (s: string) => void = () => {}) {
  if (!(o.reference >= 1 && o.reference <= o.steps)) throw new Error(`--reference ${o.reference} must be within the planned run (1..${o.steps})`);
  for (const w of o.at) if (!(Number.isInteger(w) && w >= 1 && w <= o.reference)) throw new Error(`--at: ${w} must be an integer step in 1..${o.reference} (the reference)`);
  if (o.lr !== undefined && !(o.lr > 0 && o.lr < 1)) throw new Error(`--lr: expected a learning rate in (0, 1), got ${o.lr}`);
  const backend = await selectBackend(o.backend as BackendPreference);
  const loaded = await loadHfModel(o.teacher);
  const work = mkdtempSync(join(tmpdir(), 'wid-bench-mask-overlap-'));
  if (!loaded.tokenizer) throw new Error(`teacher ${o.teacher} has no vocab.txt`);
  const published = DISTILL_METHODS.wid.optimizer;
  // the first mask lands on the reference step: maskEvery = reference / steps
  const method = createWidMethod({ config: loaded.config, weights: loaded.weights }, { preset: o.preset as WidPreset, maskEvery: o.reference / o.steps, seed: o.seed });
  const seen = new Map<number, { firstMask: WidMasks; target: WidMasks }>();
  const stop = new AbortController();
  const wanted = new Set([...o.at, o.reference]);
  try {
    await runDistillation({
      method, tokenizer: corpusTokenizerFrom(loaded.tokenizer), corpusPath: o.corpus,
      budget: { steps: o.steps, seqLen: o.seq, batchSize: o.batch, masking: published.masking },
      optimizer: { lr: o.lr ?? published.lr, warmupSteps: Math.round(o.steps * published.warmupFraction), weightDecay: published.weightDecay, clipNorm: published.clipNorm, beta2: published.beta2, correctBias: published.correctBias },
      seed: o.seed, checkpointEvery: 0, workDir: work, signal: stop.signal,
      evaluate: async (done) => {
        if (!wanted.has(done)) return;
        seen.set(done, { firstMask: await method.previewMasks(method.firstMaskSizes()), target: await method.previewMasks(method.targetSizes) });
        log(`  step ${done}: masks scored`);
        if (done >= o.reference) stop.abort();
      },
    });
  } finally {
    method.dispose();
    disposeWeights(loaded.weights);
    rmSync(work, { recursive: true, force: true });
  }
  const ref = seen.get(o.reference);
  if (!ref) throw new Error(`the run stopped before the reference step ${o.reference}`);
  const rows: MaskOverlapRow[] = [...seen.keys()].sort((a, b) => a - b).map((step) => ({
    step, firstMask: maskOverlap(loaded.config, seen.get(step)!.firstMask, ref.firstMask), target: maskOverlap(loaded.config, seen.get(step)!.target, ref.target),
  }));
  return { bench: 'wid-mask-overlap', backend: backend.name, device: backend.device, teacher: o.teacher, corpus: o.corpus, preset: o.preset,
    plannedSteps: o.steps, reference: o.reference, lr: o.lr ?? published.lr, batch: o.batch, seq: o.seq, seed: o.seed, firstMaskSizes: method.firstMaskSizes(), targetSizes: method.targetSizes, rows };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export async function main(argv: string[]): Promise<unknown> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      teacher: { type: 'string' }, corpus: { type: 'string' }, steps: { type: 'string', default: '10000' },
      at: { type: 'string', default: '1,10,50,100,250' }, reference: { type: 'string', default: '500' },
      batch: { type: 'string', default: '32' }, seq: { type: 'string', default: '128' },
      preset: { type: 'string', default: 'wid55' }, seed: { type: 'string', default: '1' }, backend: { type: 'string', default: 'auto' },
      lr: { type: 'string' },
    },
  });
  if (!a.teacher || !a.corpus) throw new Error('--teacher DIR and --corpus FILE are required');
  const record = await measureMaskOverlap({
    teacher: a.teacher, corpus: a.corpus, steps: Number(a.steps), at: a.at!.split(',').map(Number), reference: Number(a.reference),
    batch: Number(a.batch), seq: Number(a.seq), preset: a.preset!, seed: Number(a.seed), backend: a.backend!,
    ...(a.lr === undefined ? {} : { lr: Number(a.lr) }),
  }, console.log);
  console.log(`masked dims shared with the masks at step ${record.reference} (chance in brackets)`);
  for (const r of record.rows) {
    const g = (m: MaskOverlap) => (['residual', 'heads', 'attention', 'intermediate'] as const).map((k) => `${k} ${pct(m[k].maskedOverlap)} (${pct(m[k].chance)})`).join(', ');
    console.log(`step ${r.step}: first mask: ${g(r.firstMask)}; target: ${g(r.target)}`);
  }
  return record;
}
