#!/usr/bin/env bash
# GPU call C, right after call B on the same warm machine: the same `wid repro` command again (it continues:
# finished stages are kept, paused distillation resumes from its checkpoint), then results back. TL = time limit.
set -uo pipefail
[ -f /tmp/keep/repro-cmd.txt ] || exit 3
cp -a /tmp/keep/.gpu . || exit 3
R=/tmp/outC; mkdir -p $R
read -r -a REPRO < /tmp/keep/repro-cmd.txt
timeout $(( ${TL:-480} + 60 )) bash .gpu/run-bundle.sh "${REPRO[@]}" --time-limit ${TL:-480} > $R/repro.log 2>&1; echo "repro rc $?" >> $R/repro.log
cp /tmp/keep/repro/results.json /tmp/keep/repro/state.json $R/ 2>/dev/null
tar -C $R -czf $OUT/call-c.tgz . ; tail -12 $R/repro.log
