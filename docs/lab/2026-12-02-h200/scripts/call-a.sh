#!/usr/bin/env bash
# GPU call A (carry .gpu, .gpu-data-a): keeps .gpu and the first data half in /tmp/keep for call B, then
# measures on a random model of the teacher's shape: GLUE fine-tuning speed (workbench vs transformers, RTE
# and MRPC) and the issue-18 benchmark plan. Everything it writes comes back as one archive.
set -uo pipefail
mkdir -p /tmp/keep && cp -a .gpu .gpu-data-a /tmp/keep/ && echo staged
R=/tmp/outA; mkdir -p $R /tmp/d
tar -C /tmp/d -xJf .gpu-data-a/glue.tar.xz
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $R/gpu.txt 2>&1
timeout 60 bash .gpu/run-bundle.sh make-random-model --config .gpu/probe --out /tmp/rand > $R/make-random.log 2>&1
timeout ${PROBE_S:-200} bash .gpu/run-bundle.sh bench glue --model /tmp/rand --glue /tmp/d/glue --tasks ${PROBE_TASKS:-RTE,MRPC} --lr 5e-5 --epochs 3 \
  --backend webgpu --iters 3 --peer ${PEER:-tf32,bf16} --out $R/probe-glue.json > $R/probe-glue.log 2>&1; echo "probe rc $?" >> $R/probe-glue.log
[ "${PLAN_DEADLINE:-150}" = 0 ] || OUT=$R timeout ${PLAN_S:-170} bash .gpu/run-bundle.sh plan --deadline ${PLAN_DEADLINE:-150} > $R/plan.log 2>&1; echo "plan rc $?" >> $R/plan.log
tar -C $R -czf $OUT/call-a.tgz . && ls -la $R && tail -5 $R/probe-glue.log
