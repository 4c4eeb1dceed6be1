#!/usr/bin/env bash
# GPU call M, seventh session's version (carry .gpu .gpu-glue; .gpu-glue = .gpu-data-a/glue.tar.xz alone; nothing
# staged). The sixth session's call M reordered by what is most wanted, with two items added; after each stage
# everything so far is packed into $OUT/call-m.tgz (one file back; the call may be cut off by the device budget):
#  0. the fine-tune parity fixture (scripts/fixtures/make_finetune_fixture.py, CPU torch, seconds), and
#     gpu-compile-probe: 48 pipelines compiled one after another vs all at once (does Dawn compile in parallel?);
#  1. GLUE RTE and MRPC on a random model of the teacher's shape (fp32, transformers TF32 beside it), every compute
#     pipeline created per task: how much of RTE's 2.23x is compiling (issue 21); RTE again in a second process;
#  2. the WID step (4L-512H, wid55): authors' schedule with the sixth session's fused penalty and keep-LayerNorm
#     against WID_FUSIONS=-wid-penalty,-layer-norm-keep, then --schedule hard (pruned vs full), then the per-kernel
#     profile of one step per phase;
#  3. the distillation jobs' step (WID 1000 steps, DistilBERT and TinyBERT 300, preset wid55, random 4L-512H
#     teacher): what a 10,000-step student of the issue-23 series costs;
#  4. the base step's kernel profile: the column sum with 4 running sums per thread (default) against 1 and 8,
#     chunks of 64 rows, and every fusion off (the non-matmul target, issue 21);
#  5. the f16-tc step at 4L-256H (twice), 4L-512H and base beside transformers (issue 21's 1.37x vs 2.35x, issue 25).
set -uo pipefail
R=/tmp/outM; mkdir -p /tmp/d $R/glue $R/profile $R/wid $R/tc $R/jobs
pack() { tar -C $R -czf /tmp/call-m.tgz . && mv /tmp/call-m.tgz $OUT/call-m.tgz; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $R/gpu.txt 2>&1
tar -C /tmp/d -xJf .gpu-glue/glue.tar.xz
# the fine-tune parity fixture (CPU torch, seconds): test/glue/finetune-parity.test.ts
mkdir -p $R/fixture && timeout 90 python3 scripts/fixtures/make_finetune_fixture.py $R/fixture/finetune > $R/fixture/log.txt 2>&1; echo "fixture rc $?" >> $R/fixture/log.txt; pack
mkdir -p $R/compile && OUT=$R/compile timeout ${COMPILE_S:-30} bash .gpu/run-bundle.sh plan --deadline 25 "~15 gpu-compile-probe --n 48" \
  > $R/compile/plan.log 2>&1; echo "plan rc $?" >> $R/compile/plan.log; pack
timeout 60 bash .gpu/run-bundle.sh make-random-model --config .gpu/probe --out /tmp/rand > /tmp/make-random.log 2>&1
timeout ${GLUE_S:-130} bash .gpu/run-bundle.sh bench glue --model /tmp/rand --glue /tmp/d/glue --tasks RTE,MRPC --lr 5e-5 --epochs 3 \
  --backend webgpu --iters 0 --peer tf32 --out $R/glue/glue.json > $R/glue/glue.log 2>&1; echo "glue rc $?" >> $R/glue/glue.log
# RTE again in a new process: do the pipelines compile faster once the driver's shader cache holds them (what a user's
# second run sees)?
timeout ${GLUE2_S:-40} bash .gpu/run-bundle.sh bench glue --model /tmp/rand --glue /tmp/d/glue --tasks RTE --lr 5e-5 --epochs 3 \
  --backend webgpu --iters 0 --out $R/glue/glue-again.json > $R/glue/glue-again.log 2>&1; echo "glue rc $?" >> $R/glue/glue-again.log
ls -la ~/.nv ~/.cache/nvidia 2>&1 | head -20 > $R/glue/driver-cache.txt; pack
P='gpu-probe --backend webgpu --no-ops --profile base --batch 32 --seq 128'
W='--size 4L-512H --backend webgpu --batch 32 --seq 128 --steps 10'
OUT=$R/wid timeout ${WID_S:-90} bash .gpu/run-bundle.sh plan --deadline ${WID_DEADLINE:-82} \
  "~15 WID_BENCH_PATHS=replay wid $W" \
  "~15 WID_BENCH_PATHS=replay WID_FUSIONS=-wid-penalty,-layer-norm-keep wid $W" \
  "~15 WID_BENCH_PATHS=replay wid $W --schedule hard" \
  "~25 WID_BENCH_PATHS=replay wid $W --profile" \
  > $R/wid/plan.log 2>&1; echo "plan rc $?" >> $R/wid/plan.log; pack
J='--preset wid55 --random-teacher 4L-512H --backend webgpu --batch 32 --seq 128 --no-profile'
OUT=$R/jobs timeout ${JOBS_S:-110} bash .gpu/run-bundle.sh plan --deadline ${JOBS_DEADLINE:-105} \
  "~60 distill --method wid $J --steps 1000 --warmup 100" \
  "~20 distill --method distilbert $J --steps 300 --warmup 50" \
  "~20 distill --method tinybert $J --steps 300 --warmup 50" \
  > $R/jobs/plan.log 2>&1; echo "plan rc $?" >> $R/jobs/plan.log; pack
OUT=$R/profile timeout ${PROFILE_S:-100} bash .gpu/run-bundle.sh plan --deadline ${PROFILE_DEADLINE:-92} \
  "~12 $P --label profile-base" \
  "~12 WID_COLUMN_SUM_UNROLL=1 $P --label profile-base-unroll1" \
  "~12 WID_COLUMN_SUM_UNROLL=8 $P --label profile-base-unroll8" \
  "~12 WID_COLUMN_SUM_ROWS=64 $P --label profile-base-rows64" \
  "~12 WID_FUSIONS=off $P --label profile-base-unfused" \
  > $R/profile/plan.log 2>&1; echo "plan rc $?" >> $R/profile/plan.log; pack
OUT=$R/tc timeout ${TC_S:-75} bash .gpu/run-bundle.sh plan --deadline ${TC_DEADLINE:-70} \
  '~60 gpu-compare --backend webgpu --precision f16-tc --sizes 4L-256H,4L-512H,base,4L-256H --paths replay --batch 32 --seq 128 --steps 20 --warmup 5 --torch-device cuda --peers hf' \
  > $R/tc/plan.log 2>&1; echo "plan rc $?" >> $R/tc/plan.log; pack
grep -E "RTE|MRPC|pipelines" $R/glue/glue.log | cut -c1-300
grep -h gpu-compile-probe $R/compile/plan.log | tail -2
for f in wid jobs profile tc; do echo "== $f"; grep -E "END|ratio|nonMatmul|steps/s" $R/$f/plan.log | cut -c1-220 | tail -12; done
