// The plans of bench/gpu-entry.ts (named lists of benchmark items) and how an item is read.

/** wid-fast: the WID step before its fast paths (every switch off), and the bench arguments of its items. */
const WID_BEFORE = 'WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step';
const WID_FAST_ARGS = '--size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10';

/** wid-fast: each cut alone (replayed steps), then the step before again (drift). */
const PLAN_WID_ONE_SWITCH_AT_A_TIME = [
    `~12 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step wid ${WID_FAST_ARGS}`,
    `~12 WID_BENCH_PATHS=replay WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step wid ${WID_FAST_ARGS}`,
    `~12 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=square wid ${WID_FAST_ARGS}`,
    `~12 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_PENALTY_MASKED=step wid ${WID_FAST_ARGS}`,
    `~12 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_CLIP_NORM=scalar wid ${WID_FAST_ARGS}`,
    `~12 WID_BENCH_PATHS=replay ${WID_BEFORE} wid ${WID_FAST_ARGS}`,
];

export const PLANS: Record<string, string[]> = {
  // issue 21: the captured (replayed) step against the eager one and transformers at the bench sizes, with the GPU
  // busy time of replays; the WID step (eager and replayed, full width and pruned) beside the plain step of its
  // teacher shape; the per-kernel profile of an eager base step (what fusions would cut)
  // (fusions on, then off in the same process: WID_FUSIONS=off)
  issue21: [
    'gpu-compare --backend webgpu --sizes 4L-256H,4L-512H,base --paths eager,replay --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda --peers hf',
    'wid --size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10',
    'gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base',
    'WID_FUSIONS=off gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-unfused',
    '~40 WID_FUSIONS=off gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
  ],
  // issue 21's unmet targets, memory and non-matmul time (≤ 300 s): the replayed base step with every memory switch and
  // fusion on, then with the memory switches off (WID_MEMORY_PLAN=off: tfjs' backward walk, tf.add/reshape saving
  // their inputs, no per-layer scopes, tfjs' submit batches while recording), each from an emptied pool in the same
  // process (peak MiB + ms/step); the base step's memory by category with the switches on and off; 4L-256H against
  // transformers; the per-kernel profile of a base step (non-matmul ms, kernel count); base with this session's three
  // fusions off (bias + GELU, column sum, bias in the matmul's store)
  mem: [
    '~45 gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
    '~45 WID_MEMORY_PLAN=off gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
    "~70 gpu-memory --sizes base --batch 32 --seq 128 --steps 4 --variants 'default;WID_MEMORY_PLAN=off'",
    '~60 gpu-compare --backend webgpu --sizes 4L-256H --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda --peers hf --no-check',
    '~35 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base',
    '~40 WID_FUSIONS=-bias-gelu,-column-sum,-matmul-bias gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
  ],
  // issues 21/23: where the WID step's GPU time goes on the real teacher's shape (per-kernel profile, matmuls by
  // shape), without dropout and under the hard schedule; then the WID compactor shapes probed and applied, and the
  // same step again with that table (the probe's choices go into DEFAULT_MATMUL_TABLE)
  'wid-step': [
    'wid --size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10 --profile',
    'WID_BENCH_PATHS=replay wid --size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10 --dropout 0',
    'WID_BENCH_PATHS=replay wid --size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10 --schedule hard',
    "~150 gpu-matmul-probe --sizes '' --wid-sizes 4L-512H --reps 3 --inner 5 --budget 140 --apply",
    'wid --size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10 --profile',
  ],
  // the WID step's own costs cut (docs/wid.md "How a step forms the effective weights"), A/B in one process on the
  // real teacher's shape: every switch off (the step before) and on (default), profiled, each beside the plain MLM
  // step; then one switch at a time (replayed steps only); the step before once more (drift); the unbatched and
  // batched compactor shapes' tiles probed and applied, and the step with every cut on again under that table. Switches: WID_BATCHED_COMPACTORS (off|square|on), WID_COMPACTOR_TRANSPOSE=on
  // (C transposed each step), WID_CLIP_NORM=scalar (one-workgroup Σg²), WID_PENALTY_MASKED=step (1 − keep per step)
  'wid-fast': [
    `~35 ${WID_BEFORE} wid ${WID_FAST_ARGS} --profile`,
    `~35 wid ${WID_FAST_ARGS} --profile`,
    ...PLAN_WID_ONE_SWITCH_AT_A_TIME,
    "~90 gpu-matmul-probe --sizes '' --wid-sizes 4L-512H --wid-batched --reps 3 --inner 5 --budget 80 --apply",
    `~12 WID_BENCH_PATHS=replay wid ${WID_FAST_ARGS}`,
  ],
  // the first call after issue 21's cuts and issue 25's kernel landed without a GPU (deadline 540 s; past items here
  // took a fifth of their estimates, so the later ones usually run too): first what needs no tensor cores, the fp32
  // replayed step at every size against transformers with every memory switch and fusion on (peak memory, ms, the
  // 1.5x / 2x targets), the WID step before and after its cuts, profiled, the base step with the memory switches off;
  // then the f16 kernel against float64 and the fp32 kernel at every step shape (table applied) and the f16-tc step with
  // its numeric check; then the rest of plans mem and wid-fast (a device lost to a faulty new kernel only takes those)
  next: [
    '~130 gpu-compare --backend webgpu --sizes 4L-256H,4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda --peers hf',
    `~35 ${WID_BEFORE} wid ${WID_FAST_ARGS} --profile`,
    `~35 wid ${WID_FAST_ARGS} --profile`,
    '~45 WID_MEMORY_PLAN=off gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
    '~180 WID_TC_SELF_CHECK=off gpu-tc-check --sizes base,4L-512H --reps 3 --inner 5 --budget 160 --apply',
    '~90 WID_TC_SELF_CHECK=off gpu-compare --backend webgpu --precision f16-tc --sizes 4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch',
    "~30 gpu-memory --sizes base --batch 32 --seq 128 --steps 4 --variants 'default;WID_MEMORY_PLAN=off'",
    '~15 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base',
    '~15 WID_FUSIONS=-bias-gelu,-column-sum,-matmul-bias gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
    ...PLAN_WID_ONE_SWITCH_AT_A_TIME,
    "~90 gpu-matmul-probe --sizes '' --wid-sizes 4L-512H --wid-batched --reps 3 --inner 5 --budget 80 --apply",
    `~12 WID_BENCH_PATHS=replay wid ${WID_FAST_ARGS}`,
  ],
  // issue 18: engine vs transformers (fp32/TF32/bf16) + hand-written script, numeric check, peak memory;
  // per-kernel GPU time of a base step; a WID step at base (full width and pruned) for the WID targets
  issue18: [
    'gpu-compare --backend webgpu --sizes 4L-256H,4L-512H,base --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda',
    // A/B in the same process: the AdamW step as three programs per parameter (before the single dispatch)
    '~20 WID_ADAMW_DISPATCH=three gpu-compare --backend webgpu --sizes base --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
    'gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base',
    'wid --size base --backend webgpu --batch 32 --seq 128 --steps 5',
  ],
  // engine correctness on the GPU: transformers fixtures, gradients vs cpu, forward/train-step per size
  engine: [
    'parity --backend webgpu', 'numeric-check --backend webgpu',
    ...['tiny', '4L-256H', '4L-512H', 'base'].flatMap((s) => [`forward --backend webgpu --size ${s} --batch 8 --seq 128 --steps 10 --warmup 2`,
      `train-step --backend webgpu --size ${s} --batch 8 --seq 128 --steps 5 --warmup 2`]),
  ],
  // matmul tile table measured here and used by the gpu-compare after it; tfjs' own matmul as the baseline
  matmul: [
    'gpu-matmul-probe --sizes base,4L-256H --reps 3 --inner 10 --budget 130 --apply',
    'gpu-compare --backend webgpu --sizes 4L-256H,4L-512H,base --torch-device cuda',
    'WID_MATMUL_VARIANT=tfjs gpu-compare --backend webgpu --sizes base --no-torch --no-check',
  ],
  // issue 25: the f16 tensor-core matmul checked against float64 at every shape of the base and 4L-512H steps (and odd
  // shapes) and timed against the fp32 kernel, its fastest variants applied; then the training step with f16-tc
  // (numeric check vs cpu first) against fp32 in the same process, transformers TF32/bf16 beside the fp32 run. Every
  // item says so and returns when the device has no tensor cores (gpu-compare: 'not run: ...').
  tc: [
    '~180 WID_TC_SELF_CHECK=off gpu-tc-check --sizes base,4L-512H --reps 3 --inner 5 --budget 160 --apply',
    '~90 WID_TC_SELF_CHECK=off gpu-compare --backend webgpu --precision f16-tc --sizes 4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch',
    '~110 gpu-compare --backend webgpu --precision fp32 --sizes 4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda --peers hf --hf-modes tf32,bf16 --no-check',
    // correctness only with the deprecated builtin spelling (what the H100 probe ran), should the current one fail
    '~35 WID_TC_SELF_CHECK=off WID_TC_BUILTINS=legacy gpu-tc-check --sizes base --no-time --warm 0 --budget 25',
  ],
  // the attention heads' split/merge transpose (kernels/webgpu-head-transpose.ts) A/B in one process: the per-kernel
  // profile of an eager base step (its 100 Transposes) with the kernel and with tfjs' (WID_FUSIONS=-head-transpose),
  // then the replayed base step both ways; transformers fixtures on webgpu first (the kernel in every attention)
  'head-transpose': [
    'parity --backend webgpu',
    '~15 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base',
    '~15 WID_FUSIONS=-head-transpose gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-tfjs-transpose',
    '~40 gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
    '~40 WID_FUSIONS=-head-transpose gpu-compare --backend webgpu --sizes base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch --no-check',
  ],
  // the fifth session's first call (≤ 540 s): the step in fp32 and f16-tc with transformers in the same item, every
  // size twice (call C of 2026-12-07 timed 4L-256H f16-tc at 20.1 ms where call A had 12.6), the tensor-core kernel at
  // the 4L-256H and 4L-512H shapes (table applied), the base profile, and the column sum's chunk height A/B
  'step-again': [
    '~60 gpu-compare --backend webgpu --precision f16-tc --sizes 4L-256H,4L-512H,base,4L-256H,4L-512H --paths replay --batch 32 --seq 128 --steps 20 --warmup 5 --torch-device cuda --peers hf',
    '~60 gpu-compare --backend webgpu --sizes 4L-256H,4L-512H,base,4L-256H --paths replay --batch 32 --seq 128 --steps 20 --warmup 5 --torch-device cuda --peers hf',
    '~150 WID_TC_SELF_CHECK=off gpu-tc-check --sizes 4L-256H,4L-512H --quick \'\' --reps 3 --inner 5 --budget 140 --apply',
    '~40 gpu-compare --backend webgpu --precision f16-tc --sizes 4L-256H,4L-512H --paths replay --batch 32 --seq 128 --steps 20 --warmup 5 --no-torch --no-check',
    '~10 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base',
    '~10 WID_COLUMN_SUM_ROWS=64 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-colsum64',
    '~10 WID_COLUMN_SUM_ROWS=1024 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-colsum1024',
  ],
  // the distillation baselines' job loop on a random BERT-base teacher, unprofiled
  baselines: ['distilbert', 'tinybert'].map((m) => `distill --method ${m} --random-teacher base --backend webgpu --batch 32 --seq 128 --steps 8 --warmup 3 --no-profile`),
};

/** `[~SECONDS] [ENV=value ...] NAME [args]`, split like a shell would for simple words: whitespace, '…' and "…" quoting. */
export function splitItem(item: string): { env: Record<string, string>; name: string; argv: string[]; estimateS?: number } {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m; (m = re.exec(item));) words.push(m[1] ?? m[2] ?? m[3]);
  let estimateS: number | undefined;
  if (/^~\d+(\.\d+)?$/.test(words[0] ?? '')) estimateS = Number(words.shift()!.slice(1)); // ~SECONDS: this item's estimate
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const w = words.shift()!;
    env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  const name = words.shift();
  if (!name) throw new Error(`plan item "${item}" names no benchmark`);
  return { env, name, argv: words, ...(estimateS !== undefined ? { estimateS } : {}) };
}
