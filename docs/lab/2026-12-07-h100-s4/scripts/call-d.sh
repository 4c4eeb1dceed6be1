#!/usr/bin/env bash
# GPU call D (carry .gpu-data-b; test/fixtures moved out), right after call C on the same warm machine: the real
# teacher fine-tuned on GLUE in f16-tc (transformers TF32 beside it; fp32: call B), after the loss-scale overflow-flag
# fix; then a WID distillation on the real teacher and corpus in fp32 and in f16-tc (training-loss curves, ms/step).
# One archive comes back.
set -uo pipefail
cp -a /tmp/keep/.gpu /tmp/keep/.gpu-data-a . || exit 3
bash .gpu-data-a/unpack.sh || exit 4
D=$PWD/.gpu-data; R=/tmp/outD; mkdir -p $R
T=${TASKS:-RTE,MRPC,STS-B,CoLA}
G=(--model $D/teacher --glue $D/glue --tasks $T --lr 5e-5 --epochs 3 --backend webgpu --iters 0)
timeout ${GLUE16_S:-110} bash .gpu/run-bundle.sh bench glue "${G[@]}" --precision f16-tc --peer tf32 --out $R/glue-f16-tc.json > $R/glue-f16-tc.log 2>&1; echo "rc $?" >> $R/glue-f16-tc.log
W="distill --method wid --preset wid55 --teacher $D/teacher --corpus $D/corpus.txt --steps ${STEPS:-400} --warmup 3 --batch 32 --seq 128 --backend webgpu --no-profile --curve-every 50 --json"
OUT=$R timeout ${WID_S:-120} bash .gpu/run-bundle.sh plan --deadline $(( ${WID_S:-120} - 10 )) "$W --precision fp32" "$W --precision f16-tc" > $R/wid.log 2>&1; echo "rc $?" >> $R/wid.log
tar -C $R -czf $OUT/call-d.tgz . ; ls $R; grep -hE "steps in|^rc|^\| [A-Z]" $R/glue-f16-tc.log | cut -c1-300; grep -E "END" $R/wid.log
