#!/usr/bin/env bash
# GPU call C (carry .gpu .gpu-data-a, as call B; a fresh machine: unpack the data first): the f16-tc GLUE fine-tune
# slowdown of call B, A/B in one process per run on one machine. fp32; f16-tc as committed (the loss-scale overflow
# flag summed by rows first); f16-tc with WID_OVERFLOW_SUM=scalar (the one-pass, one-workgroup-per-gradient sums
# call B ran). Each task's log line says the steps replayed/eager and the tensor-core pipelines compiled (ms).
set -uo pipefail
if [ -d /tmp/keep/.gpu ]; then cp -a /tmp/keep/.gpu /tmp/keep/.gpu-data-a . ; fi
bash .gpu-data-a/unpack.sh || exit 4
D=$PWD/.gpu-data; R=${OUT:-/tmp}/outC; mkdir -p $R
T=${TASKS:-RTE,MRPC,STS-B,CoLA}
G=(--model $D/teacher --glue $D/glue --tasks $T --lr 5e-5 --epochs 3 --backend webgpu --iters 0)
timeout ${S:-150} bash .gpu/run-bundle.sh bench glue "${G[@]}" --precision fp32 --out $R/glue-fp32.json > $R/glue-fp32.log 2>&1; echo "rc $?" >> $R/glue-fp32.log
timeout ${S:-150} bash .gpu/run-bundle.sh bench glue "${G[@]}" --precision f16-tc --out $R/glue-f16-tc.json > $R/glue-f16-tc.log 2>&1; echo "rc $?" >> $R/glue-f16-tc.log
WID_OVERFLOW_SUM=scalar timeout ${S:-150} bash .gpu/run-bundle.sh bench glue "${G[@]}" --precision f16-tc --out $R/glue-f16-tc-scalar.json > $R/glue-f16-tc-scalar.log 2>&1; echo "rc $?" >> $R/glue-f16-tc-scalar.log
grep -hE "steps in|^rc" $R/glue-fp32.log $R/glue-f16-tc.log $R/glue-f16-tc-scalar.log | cut -c1-400
