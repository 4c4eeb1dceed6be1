#!/usr/bin/env bash
# GPU call N (carry .gpu .gpu-glue), after call M in the same session: what call M's budget left out, each stage
# packed into $OUT/call-n.tgz as it ends:
#  1. GLUE RTE with f16-tc matmuls in two processes (cold, then warm driver shader cache), transformers TF32 beside
#     the first: is RTE within 1.5x of transformers once its pipelines are cached (issue 21)?
#  2. the distillation jobs' step of DistilBERT and TinyBERT (300 steps, random 4L-512H teacher): the issue-23
#     series' cost per student (WID's is in call M).
set -uo pipefail
R=/tmp/outN; mkdir -p /tmp/d $R/glue $R/jobs
pack() { tar -C $R -czf /tmp/call-n.tgz . && mv /tmp/call-n.tgz $OUT/call-n.tgz; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $R/gpu.txt 2>&1
tar -C /tmp/d -xJf .gpu-glue/glue.tar.xz
timeout 60 bash .gpu/run-bundle.sh make-random-model --config .gpu/probe --out /tmp/rand > /tmp/make-random.log 2>&1
G='bench glue --model /tmp/rand --glue /tmp/d/glue --tasks RTE --lr 5e-5 --epochs 3 --backend webgpu --iters 0 --precision f16-tc'
timeout ${GLUE_S:-45} bash .gpu/run-bundle.sh $G --peer tf32 --out $R/glue/rte-f16tc.json > $R/glue/rte-f16tc.log 2>&1; echo "rc $?" >> $R/glue/rte-f16tc.log
timeout ${GLUE2_S:-30} bash .gpu/run-bundle.sh $G --out $R/glue/rte-f16tc-again.json > $R/glue/rte-f16tc-again.log 2>&1; echo "rc $?" >> $R/glue/rte-f16tc-again.log; pack
J='--preset wid55 --random-teacher 4L-512H --backend webgpu --batch 32 --seq 128 --no-profile'
OUT=$R/jobs timeout ${JOBS_S:-70} bash .gpu/run-bundle.sh plan --deadline ${JOBS_DEADLINE:-65} \
  "~25 distill --method distilbert $J --steps 300 --warmup 50" \
  "~25 distill --method tinybert $J --steps 300 --warmup 50" \
  > $R/jobs/plan.log 2>&1; echo "plan rc $?" >> $R/jobs/plan.log; pack
grep -hE "RTE|pipelines" $R/glue/*.log | cut -c1-300
grep -E "END|steps/s" $R/jobs/plan.log | cut -c1-220
