#!/usr/bin/env bash
# GPU call B (carry .gpu-data-b), right after call A on the same warm machine: teacher forward parity vs
# transformers, then the reproduction (wid repro, state kept in /tmp/keep/repro for call C) with transformers
# fine-tuning the same teacher with the same recipe beside it. Knobs: STEPS, PAR, TL (repro time limit, s),
# VARIANTS, GRID, ROWS. Everything comes back as one archive.
set -uo pipefail
cp -a /tmp/keep/.gpu /tmp/keep/.gpu-data-a . || exit 3
bash .gpu-data-a/unpack.sh || exit 4
# the data and the run store live outside the checkout, so call C finds them at the same paths
rm -rf /tmp/keep/data && mv .gpu-data /tmp/keep/data
R=/tmp/outB; mkdir -p $R /tmp/keep/repro; D=/tmp/keep/data
timeout 120 bash .gpu/run-bundle.sh bench teacher-parity --model $D/teacher --out /tmp/parity.json --backend webgpu > $R/parity.log 2>&1
timeout 120 python3 bench/pytorch/teacher_parity.py --model $D/teacher --ours /tmp/parity.json > $R/parity.json 2>>$R/parity.log
cat $R/parity.json
REPRO=(wid repro --teacher $D/teacher --corpus $D/corpus.txt --glue $D/glue --out /tmp/keep/repro --steps ${STEPS:-2000}
  --backend webgpu --parallel ${PAR:-8} --lr-grid ${GRID:-1e-4,5e-5} --epochs 3 --max-train-rows ${ROWS:-10000} --variants ${VARIANTS:-hard,kd})
echo "${REPRO[*]}" > /tmp/keep/repro-cmd.txt
# distillation now (all students at once); call C runs the same command without --only: the fine-tunes
(timeout $(( ${TL:-470} + 60 )) bash .gpu/run-bundle.sh "${REPRO[@]}" --only distill --time-limit ${TL:-470} > $R/repro.log 2>&1; echo "repro rc $?" >> $R/repro.log) &
PYTHONUNBUFFERED=1 timeout ${TL:-470} python3 bench/pytorch/glue_finetune.py --model $D/teacher --glue $D/glue --tasks CoLA,SST-2,MRPC,STS-B,RTE \
  --lr ${GRID:-1e-4,5e-5} --epochs 3 --max-train-rows ${ROWS:-10000} --mode tf32 --out $R/teacher-transformers.json > $R/teacher-transformers.log 2>&1
wait
cp /tmp/keep/repro/results.json /tmp/keep/repro/state.json $R/ 2>/dev/null
tar -C $R -czf $OUT/call-b.tgz . ; tail -3 $R/repro.log; tail -6 $R/teacher-transformers.log
