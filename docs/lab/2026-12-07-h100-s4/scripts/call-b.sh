#!/usr/bin/env bash
# GPU call B (carry .gpu-data-b; test/fixtures moved out), right after call A on the same warm machine: the real
# teacher fine-tuned on GLUE by the workbench in fp32 against transformers (TF32, bf16; same recipe, all training
# rows), the same fine-tunes in f16-tc, and a WID distillation on the real teacher and corpus in fp32 and f16-tc
# (training-loss curves). One archive comes back.
set -uo pipefail
cp -a /tmp/keep/.gpu /tmp/keep/.gpu-data-a . || exit 3
bash .gpu-data-a/unpack.sh || exit 4
D=$PWD/.gpu-data; R=/tmp/outB; mkdir -p $R
T=${TASKS:-RTE,MRPC,STS-B,CoLA}
G=(--model $D/teacher --glue $D/glue --tasks $T --lr 5e-5 --epochs 3 --backend webgpu --iters 0)
timeout ${GLUE_S:-240} bash .gpu/run-bundle.sh bench glue "${G[@]}" --precision fp32 --peer tf32,bf16 --out $R/glue-fp32.json > $R/glue-fp32.log 2>&1; echo "rc $?" >> $R/glue-fp32.log
timeout ${GLUE16_S:-90} bash .gpu/run-bundle.sh bench glue "${G[@]}" --precision f16-tc --out $R/glue-f16-tc.json > $R/glue-f16-tc.log 2>&1; echo "rc $?" >> $R/glue-f16-tc.log
W="distill --method wid --preset wid55 --teacher $D/teacher --corpus $D/corpus.txt --steps ${STEPS:-1000} --warmup 3 --batch 32 --seq 128 --backend webgpu --no-profile --curve-every 50 --json"
OUT=$R timeout ${WID_S:-170} bash .gpu/run-bundle.sh plan --deadline $(( ${WID_S:-170} - 10 )) "$W --precision fp32" "$W --precision f16-tc" > $R/wid.log 2>&1; echo "rc $?" >> $R/wid.log
tar -C $R -czf $OUT/call-b.tgz . ; ls $R; tail -4 $R/glue-fp32.log | cut -c1-300; tail -2 $R/glue-f16-tc.log | cut -c1-300; grep -E "END" $R/wid.log
