#!/usr/bin/env bash
# GPU call S (carry .gpu .gpu-glue): the sixth session had 240 s of device time, the least a machine starts with,
# so the call may be cut off at any point: every item writes its log straight into $OUT, most wanted first.
#  1. GLUE RTE on a random model of the teacher's shape (fp32, transformers TF32 beside it), with every compute
#     pipeline created (count and ms): how much of RTE's 2.23x is compiling (issue 21);
#  2. the WID step (4L-512H, wid55) under the hard-mask schedule, then the authors' (issue 21: pruned slower than full).
set -uo pipefail
mkdir -p /tmp/d
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $OUT/gpu.txt 2>&1
tar -C /tmp/d -xJf .gpu-glue/glue.tar.xz
timeout 60 bash .gpu/run-bundle.sh make-random-model --config .gpu/probe --out /tmp/rand > $OUT/make-random.log 2>&1
timeout ${GLUE_S:-90} bash .gpu/run-bundle.sh bench glue --model /tmp/rand --glue /tmp/d/glue --tasks RTE --lr 5e-5 --epochs 3 \
  --backend webgpu --iters 0 --peer tf32 --out $OUT/glue.json > $OUT/glue.log 2>&1; echo "glue rc $?" >> $OUT/glue.log
W='--size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10'
OUT=$OUT timeout ${PLAN_S:-120} bash .gpu/run-bundle.sh plan --deadline ${PLAN_DEADLINE:-110} \
  "~15 WID_BENCH_PATHS=replay wid $W --schedule hard" \
  "~15 WID_BENCH_PATHS=replay wid $W" > $OUT/plan.log 2>&1; echo "plan rc $?" >> $OUT/plan.log
grep -E "RTE|pipelines" $OUT/glue.log | cut -c1-300; grep -E "END|ratio|steps/s" $OUT/plan.log | cut -c1-200 | tail -12
