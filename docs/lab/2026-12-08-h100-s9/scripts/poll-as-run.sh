#!/usr/bin/env bash
# The series' watcher on the GPU machine (copied to /tmp/keep by call B).
#   poll.sh start    starts `wid repro` (args /tmp/keep/repro-args.txt, --kinds from /tmp/keep/kinds.txt, time limit
#                    up to /tmp/keep/deadline.txt) in its own process session
#   poll.sh watch    prints progress for POLL_S seconds (or until the repro ended), then packs the logs, state.json
#                    and results.json into $OUT/snap.tgz
#   KINDS=... poll.sh restart   Ctrl-C to the repro (distillation paused at a checkpoint), then starts it again with
#                    these --kinds: the rows left out stay paused, the others continue
set -uo pipefail
K=${KEEP:-/tmp/keep}
start() {
  local tl=$(( $(cat $K/deadline.txt) - $(date +%s) ))
  echo "start: kinds $(cat $K/kinds.txt), time limit $tl s" | tee -a $K/repro.log
  (cd $K && setsid nohup bash -c "bash $K/.gpu/run-bundle.sh $(cat $K/repro-args.txt) --kinds $(cat $K/kinds.txt) --time-limit $tl >> $K/repro.log 2>&1; echo \"repro rc \$?\" >> $K/repro.log" > /dev/null 2>&1 < /dev/null &)
}
pack() {
  local S=/tmp/snap; rm -rf $S; mkdir -p $S
  cp $K/repro.log $K/teacher-transformers.* $K/mask-overlap.* $K/repro-args.txt $K/kinds.txt $S/ 2>/dev/null
  cp $K/repro/state.json $K/repro/results.json $S/ 2>/dev/null
  nvidia-smi > $S/nvidia-smi.txt 2>&1
  tar -C $S -czf $OUT/snap.tgz . && ls -la $S
}
eta() {
  # per running run: steps/s over the last progress lines and the seconds it still needs, beside the deadline
  grep -E '^\[[0-9]+ s\]' $K/repro.log | tail -n ${1:-30} | python3 -c '
import re, sys
left = int(sys.argv[1]); first, last = {}, {}
for line in sys.stdin:
    t = int(line[1:line.index(" s]")])
    for k, a, b in re.findall(r"([a-z0-9:.-]+): running (\d+)/(\d+)", line):
        first.setdefault(k, (t, int(a))); last[k] = (t, int(a), int(b))
for k, (t1, a1, tot) in last.items():
    t0, a0 = first[k]
    r = (a1 - a0) / (t1 - t0) if t1 > t0 else 0
    print(f"ETA {k}: {a1}/{tot} at {r:.1f} steps/s, {(tot - a1) / r if r else -1:.0f} s more (deadline in {left} s)")
' $(( $(cat $K/deadline.txt) - $(date +%s) ))
}
watch() {
  local end=$(( $(date +%s) + ${POLL_S:-540} ))
  while [ $(date +%s) -lt $end ]; do
    sleep 20
    grep -E '^\[[0-9]+ s\]' $K/repro.log | tail -1 | cut -c1-400
    if grep -q "^repro rc" $K/repro.log && ! pgrep -f 'glue_finetune.py|wid-mask-overlap' > /dev/null; then echo "all ended"; break; fi
  done
  grep -vE '^\[[0-9]+ s\]' $K/repro.log | tail -25 | cut -c1-300; tail -3 $K/teacher-transformers.log
  eta; pack
}
case "${1:-watch}" in
  start) start ;;
  watch) watch ;;
  eta) eta "${2:-30}" ;;
  restart)
    [ -n "${KINDS:-}" ] && echo "$KINDS" > $K/kinds.txt
    pkill -INT -f 'app.mjs wid repro'; for i in $(seq 1 60); do grep -q "^repro rc" $K/repro.log && break; sleep 2; done
    sed -i 's/^repro rc/ended: repro rc/' $K/repro.log
    start; watch ;;
esac
