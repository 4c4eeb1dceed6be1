#!/usr/bin/env bash
# GPU call B (carry .gpu-data-b), right after call A on the same warm machine: unpacks the data to /tmp/keep/data
# and starts, in their own process sessions (they outlive this call while the machine stays held), the issue-23
# series' call of this session, `wid repro` (state in /tmp/keep/repro; run from /tmp/keep, since the checkout is
# replaced by every call) and transformers fine-tuning the same teacher with the same recipe beside it; then
# watches them (poll.sh). Knobs: KINDS, SEEDS, STEPS, PAR, TL (the repro's time limit, s), SWEEP_STEPS, PEER (0: no
# transformers fine-tune beside it, once the series has that row), EXTRA (more `wid repro` arguments), OVERLAP (1: also
# `bench wid-mask-overlap` of issue 23 item 1 beside it, at OVERLAP_LR or WID's published lr; the repro's w_step for
# 10,000 steps is round(0.00125 × 10000) = 13).
set -uo pipefail
[ -d /tmp/keep/.gpu ] || exit 3
cp -a /tmp/keep/.gpu-data-a . && bash .gpu-data-a/unpack.sh || exit 4
rm -rf /tmp/keep/data && mv .gpu-data /tmp/keep/data
cp "$(dirname "$0")/poll.sh" /tmp/keep/poll.sh
D=/tmp/keep/data
cat > /tmp/keep/repro-args.txt <<ARGS
wid repro --teacher $D/teacher --corpus $D/corpus.txt --glue $D/glue --out /tmp/keep/repro --steps ${STEPS:-10000} --seeds ${SEEDS:-1} --sweep-steps ${SWEEP_STEPS:-500} --backend webgpu --parallel ${PAR:-4} --lr-grid 1e-4,5e-5 --epochs 3 --task-max-train-rows SST-2=20000 ${EXTRA:-}
ARGS
echo "${KINDS:-teacher,wid50,distilbert50,tinybert50}" > /tmp/keep/kinds.txt
echo $(( $(date +%s) + ${TL:-1420} )) > /tmp/keep/deadline.txt
bash /tmp/keep/poll.sh start
[ "${PEER:-1}" = 0 ] || { cd /tmp/keep && setsid nohup bash -c "PYTHONUNBUFFERED=1 python3 pytorch/glue_finetune.py --model $D/teacher --glue $D/glue --tasks CoLA,SST-2,MRPC,STS-B,RTE --lr 1e-4,5e-5 --epochs 3 --task-max-train-rows SST-2=20000 --mode tf32 --out /tmp/keep/teacher-transformers.json > /tmp/keep/teacher-transformers.log 2>&1" > /dev/null 2>&1 < /dev/null &
cd - > /dev/null; }
if [ "${OVERLAP:-0}" = 1 ]; then
  # after the repro has unpacked the bundle (run-bundle.sh decompresses it on first use)
  setsid nohup bash -c "sleep 30; bash /tmp/keep/.gpu/run-bundle.sh bench wid-mask-overlap --teacher $D/teacher --corpus $D/corpus.txt --steps ${STEPS:-10000} --at 1,13,50,100,250 --reference 500 --backend webgpu ${OVERLAP_LR:+--lr $OVERLAP_LR} --json /tmp/keep/mask-overlap.json > /tmp/keep/mask-overlap.log 2>&1" > /dev/null 2>&1 < /dev/null &
fi
POLL_S=${POLL_S:-520} bash /tmp/keep/poll.sh watch
