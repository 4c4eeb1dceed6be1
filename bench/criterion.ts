// `npm run bench -- criterion [options]`: which importance criterion WID should prune by (issue 13 item 4), measured
// on a real teacher. The same WID run (teacher, corpus, seed, steps, size, every other default) is made once per
// criterion; each merged student and the teacher are then scored on the same held-out masked-LM batches (the last
// lines of the corpus, never read by the distillation; one seeded 15 % masking). Lower held-out MLM loss = the
// criterion kept the dims that matter. Prints each student's loss and accuracy and its ratio to the teacher's.
//   --teacher DIR (required)   --corpus FILE (required)   --criteria compactor,effective (any of IMPORTANCE_CRITERIA)
//   --steps N (300)   --batch N (8)   --seq N (64)   --preset wid55   --seed N (1)   --backend auto|webgpu|wasm|cpu
//   --holdout-lines N (3000: taken from the end of the corpus)   --eval-batches N (25, of --batch × --seq)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendPreference, type SelectedBackend } from '../src-main/engine/backend/index.js';
import { distillJob } from '../src-main/engine/jobs/distill.js';
import type { JobContext } from '../src-main/engine/jobs/types.js';
import { loadHfModel, type LoadedHfModel } from '../src-main/engine/checkpoint/index.js';
import { disposeWeights } from '../src-main/engine/bert/index.js';
import { corpusTokenizerFrom } from '../src-main/engine/train/corpus-tokenizer.js';
import { heldOutBatches, scoreHeldOut, splitCorpusTail, type HeldOutBatch, type HeldOutScore } from '../src-main/engine/train/held-out.js';
import { IMPORTANCE_CRITERIA } from '../src-main/engine/methods/wid/importance.js';

type Score = HeldOutScore;
type EvalBatch = HeldOutBatch;

export async function main(argv: string[]): Promise<unknown> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      teacher: { type: 'string' }, corpus: { type: 'string' },
      criteria: { type: 'string', default: 'compactor,effective' },
      steps: { type: 'string', default: '300' }, batch: { type: 'string', default: '8' }, seq: { type: 'string', default: '64' },
      preset: { type: 'string', default: 'wid55' }, seed: { type: 'string', default: '1' }, backend: { type: 'string', default: 'auto' },
      'holdout-lines': { type: 'string', default: '3000' }, 'eval-batches': { type: 'string', default: '25' },
    },
  });
  if (!a.teacher || !a.corpus) throw new Error('--teacher DIR and --corpus FILE are required');
  const criteria = a.criteria!.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of criteria) if (!(IMPORTANCE_CRITERIA as readonly string[]).includes(c)) throw new Error(`--criteria: "${c}" is not one of ${IMPORTANCE_CRITERIA.join(', ')}`);
  const steps = Number(a.steps), batch = Number(a.batch), seq = Number(a.seq), seed = Number(a.seed);
  const backend = await selectBackend(a.backend as BackendPreference);
  const work = mkdtempSync(join(tmpdir(), 'wid-bench-criterion-'));
  try {
    const { trainPath, holdoutPath } = splitCorpusTail(a.corpus, Number(a['holdout-lines']), work);
    // the teacher is read once: its tokenizer makes the held-out batches (as the distillation reads the corpus)
    const teacherModel = await loadHfModel(a.teacher);
    let evalBatches: EvalBatch[], teacherScore: Score;
    try {
      if (!teacherModel.tokenizer) throw new Error(`teacher ${a.teacher} has no vocab.txt`);
      evalBatches = await heldOutBatches(corpusTokenizerFrom(teacherModel.tokenizer), holdoutPath, batch, seq, Number(a['eval-batches']), seed);
      teacherScore = await score(teacherModel, evalBatches);
    } finally {
      disposeWeights(teacherModel.weights);
    }
    console.log(`teacher: held-out MLM loss ${teacherScore.loss.toFixed(4)}, accuracy ${(100 * teacherScore.accuracy).toFixed(2)} % (${teacherScore.tokens} masked tokens)`);
    const rows: Record<string, unknown>[] = [];
    for (const importance of criteria) {
      const started = performance.now();
      const { studentDir, result } = await distill({ teacher: a.teacher, corpus: trainPath, steps, batch, seq, seed, preset: a.preset!, importance, backend, workDir: join(work, importance) });
      const seconds = (performance.now() - started) / 1000;
      const student = await loadHfModel(studentDir);
      let s: Score;
      try { s = await score(student, evalBatches); } finally { disposeWeights(student.weights); }
      const row = {
        importance, parameters: result.parameterCount, student: result.student, distillSeconds: seconds,
        trainLossFirst: result.firstLoss, trainLossFinal: result.finalLoss,
        heldOutLoss: s.loss, heldOutAccuracy: s.accuracy, lossRatioToTeacher: s.loss / teacherScore.loss,
      };
      rows.push(row);
      console.log(`${importance}: ${row.parameters} params, ${seconds.toFixed(0)} s; held-out MLM loss ${s.loss.toFixed(4)} (${row.lossRatioToTeacher.toFixed(3)}x teacher), accuracy ${(100 * s.accuracy).toFixed(2)} %`);
    }
    const out = {
      bench: 'criterion', backend: backend.name, device: backend.device, teacher: a.teacher, corpus: a.corpus, preset: a.preset,
      steps, batch, seq, seed, evalBatches: evalBatches.length, teacherHeldOutLoss: teacherScore.loss, teacherHeldOutAccuracy: teacherScore.accuracy, rows,
    };
    if (rows.length >= 2) {
      const [x, y] = rows as { importance: string; heldOutLoss: number }[];
      console.log(`held-out MLM loss ${x.importance} / ${y.importance} = ${(x.heldOutLoss / y.heldOutLoss).toFixed(3)} (below 1: ${x.importance} keeps the better dims)`);
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function score(model: LoadedHfModel, batches: EvalBatch[]): Promise<Score> {
  return scoreHeldOut(model, batches);
}

async function distill(o: { teacher: string; corpus: string; steps: number; batch: number; seq: number; seed: number; preset: string; importance: string; backend: SelectedBackend; workDir: string }) {
  const job = distillJob('wid');
  const config = job.parseConfig({
    teacherPath: o.teacher, corpusPath: o.corpus, steps: o.steps, batchSize: o.batch, seqLen: o.seq, checkpointEvery: 0,
    backend: o.backend.name, seed: o.seed, preset: o.preset, wid: { importance: o.importance },
  });
  mkdirSync(o.workDir, { recursive: true });
  let studentDir = '';
  const every = Math.max(1, Math.round(o.steps / 10));
  const ctx: JobContext = {
    runId: 0, workDir: o.workDir, seed: o.seed, backend: o.backend, signal: new AbortController().signal, resume: false,
    progress: (p) => { if (p.phase === 'distill' && p.step % every === 0) console.log(`  ${o.importance} step ${p.step}/${p.totalSteps} loss ${p.values.loss?.toFixed(4) ?? '—'}`); },
    metric: () => {}, log: () => {}, evaluation: () => {}, registerModel: () => {},
    artifact: (kind, path) => { if (kind === 'student') studentDir = path; },
  };
  const result = await job.run(config, ctx) as { parameterCount: number; student: unknown; firstLoss: number; finalLoss: number };
  if (!studentDir) throw new Error(`WID (${o.importance}) reported no student folder`);
  return { studentDir, result };
}
