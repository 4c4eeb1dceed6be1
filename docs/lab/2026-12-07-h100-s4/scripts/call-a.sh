#!/usr/bin/env bash
# GPU call A (carry .gpu .gpu-data-a; test/fixtures moved out of the checkout for the 64 MiB limit): keeps .gpu
# and the first data half in /tmp/keep for call B, then on random models: the replayed step at every bench size
# in fp32 against transformers and in f16-tc (numeric checks first), the base step's kernel profile with the
# fusions on and off, each WID cut alone, and the WID compactor shapes' tiles. One archive comes back.
set -uo pipefail
mkdir -p /tmp/keep && cp -a .gpu .gpu-data-a /tmp/keep/ && echo staged
R=/tmp/outA; mkdir -p $R
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $R/gpu.txt 2>&1
A='--size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10'
OUT=$R timeout ${PLAN_S:-300} bash .gpu/run-bundle.sh plan --deadline ${PLAN_DEADLINE:-280} \
  '~70 gpu-compare --backend webgpu --sizes 4L-256H,4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda --peers hf' \
  '~40 gpu-compare --backend webgpu --precision f16-tc --sizes 4L-256H,4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --no-torch' \
  '~15 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base' \
  '~15 WID_FUSIONS=off gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-unfused' \
  "~10 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step wid $A" \
  "~10 WID_BENCH_PATHS=replay WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step wid $A" \
  "~10 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=square wid $A" \
  "~10 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_PENALTY_MASKED=step wid $A" \
  "~10 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_CLIP_NORM=scalar wid $A" \
  "~10 WID_BENCH_PATHS=replay WID_BATCHED_COMPACTORS=off WID_COMPACTOR_TRANSPOSE=on WID_CLIP_NORM=scalar WID_PENALTY_MASKED=step wid $A" \
  "~45 gpu-matmul-probe --sizes '' --wid-sizes 4L-512H --wid-batched --reps 3 --inner 5 --budget 40 --apply" \
  "~10 WID_BENCH_PATHS=replay wid $A" > $R/plan.log 2>&1; echo "plan rc $?" >> $R/plan.log
tar -C $R -czf $OUT/call-a.tgz . && ls $R && grep -E "END|ratio|numeric" $R/plan.log | cut -c1-200 | tail -30
