#!/usr/bin/env bash
# GPU call C (carry .gpu .gpu-data-a; test/fixtures moved out of the checkout): keeps .gpu and the first data half in
# /tmp/keep for call D, then on random models: the f16-tc replayed step at every bench size with transformers beside it
# (numeric check first), the base step's
# kernel profile with every fusion on and off. One archive comes back.
set -uo pipefail
mkdir -p /tmp/keep && cp -a .gpu .gpu-data-a /tmp/keep/ && echo staged
R=/tmp/outC; mkdir -p $R
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $R/gpu.txt 2>&1
OUT=$R timeout ${PLAN_S:-110} bash .gpu/run-bundle.sh plan --deadline ${PLAN_DEADLINE:-100} \
  '~60 gpu-compare --backend webgpu --precision f16-tc --sizes 4L-256H,4L-512H,base --paths replay --batch 32 --seq 128 --steps 10 --warmup 3 --torch-device cuda --peers hf' \
  '~10 gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base' \
  '~10 WID_FUSIONS=off gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128 --label profile-base-unfused' > $R/plan.log 2>&1; echo "plan rc $?" >> $R/plan.log
tar -C $R -czf $OUT/call-c.tgz . && grep -E "END|numeric|^\| (4L|base)" $R/plan.log | cut -c1-220 | tail -30
