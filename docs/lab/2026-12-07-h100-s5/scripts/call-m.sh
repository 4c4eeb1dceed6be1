#!/usr/bin/env bash
# GPU call M (carry .gpu .gpu-glue; .gpu-glue = .gpu-data-a/glue.tar.xz alone), one call, nothing staged: what this
# session's device budget still allowed after failed starts. In priority order, one archive back:
#  1. GLUE fine-tuning on a random model of the teacher's shape (RTE, MRPC; fp32, transformers TF32 beside it), with
#     every compute pipeline created per task (count and ms): how much of RTE's time is compiling;
#  2. the f16-tc step at 4L-256H (twice), 4L-512H and base with transformers in the same item;
#  3. the WID step (4L-512H, wid55) under the hard-mask schedule and the authors', full and pruned;
#  4. the distillation jobs' step (WID, DistilBERT, TinyBERT at the WID-50 % shape, random 4L-512H teacher):
#     what a 10,000-step student costs in the issue-23 series;
#  5. the base step's kernel profile with the column sum's chunk height at 64 / default / 1024.
set -uo pipefail
R=/tmp/outM; mkdir -p $R /tmp/d
tar -C /tmp/d -xJf .gpu-glue/glue.tar.xz
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $R/gpu.txt 2>&1
timeout 60 bash .gpu/run-bundle.sh make-random-model --config .gpu/probe --out /tmp/rand > $R/make-random.log 2>&1
timeout ${GLUE_S:-120} bash .gpu/run-bundle.sh bench glue --model /tmp/rand --glue /tmp/d/glue --tasks RTE,MRPC --lr 5e-5 --epochs 3 \
  --backend webgpu --iters 0 --peer tf32 --out $R/glue.json > $R/glue.log 2>&1; echo "glue rc $?" >> $R/glue.log
W='--size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10'
J='--preset wid55 --random-teacher 4L-512H --backend webgpu --batch 32 --seq 128 --no-profile'
OUT=$R timeout ${PLAN_S:-300} bash .gpu/run-bundle.sh plan --deadline ${PLAN_DEADLINE:-290} \
  '~50 gpu-compare --backend webgpu --precision f16-tc --sizes 4L-256H,4L-512H,base,4L-256H --paths replay --batch 32 --seq 128 --steps 20 --warmup 5 --torch-device cuda --peers hf' \
  "~15 WID_BENCH_PATHS=replay wid $W --schedule hard" \
  "~15 WID_BENCH_PATHS=replay wid $W" \
  "~80 distill --method wid $J --steps 1200 --warmup 100" \
  "~25 distill --method distilbert $J --steps 300 --warmup 50" \
  "~25 distill --method tinybert $J --steps 300 --warmup 50" \
  '~10 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base' \
  '~10 WID_COLUMN_SUM_ROWS=64 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-colsum64' \
  '~10 WID_COLUMN_SUM_ROWS=1024 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-colsum1024' \
  > $R/plan.log 2>&1; echo "plan rc $?" >> $R/plan.log
tar -C $R -czf $OUT/call-m.tgz . ; ls $R; grep -E "RTE|MRPC" $R/glue.log | cut -c1-400; grep -E "END|ratio" $R/plan.log | cut -c1-200 | tail -20
