#!/usr/bin/env bash
# GPU call D (carry .gpu-data-b), right after call-a.sh on the same warm machine: the whole reproduction in
# one call — distillation of every student at once, then GLUE fine-tuning of the teacher and the students —
# within the time limit TL. Knobs: STEPS, PAR, TL, VARIANTS, GRID, ROWS. Results come back as one archive.
set -uo pipefail
cp -a /tmp/keep/.gpu /tmp/keep/.gpu-data-a . || exit 3
bash .gpu-data-a/unpack.sh || exit 4
R=/tmp/outD; mkdir -p $R; D=$PWD/.gpu-data
VAR=(); [ -n "${VARIANTS:-}" ] && VAR=(--variants "$VARIANTS")
timeout $(( ${TL:-420} + 60 )) bash .gpu/run-bundle.sh wid repro --teacher $D/teacher --corpus $D/corpus.txt --glue $D/glue --out $R/repro \
  --steps ${STEPS:-300} --backend webgpu --parallel ${PAR:-8} --lr-grid ${GRID:-1e-4} --epochs 3 --max-train-rows ${ROWS:-8000} "${VAR[@]}" \
  --time-limit ${TL:-420} > $R/repro.log 2>&1; echo "repro rc $?" >> $R/repro.log
rm -rf $R/repro/home/runs; sqlite3 --version >/dev/null 2>&1 || true
tar -C $R -czf $OUT/call-d.tgz . ; tail -8 $R/repro.log
