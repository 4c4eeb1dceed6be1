#!/usr/bin/env bash
# GPU call D of the eighth session (nothing carried; the machine still held from call C): waits for call C's
# `wid repro --kinds teacher,wid50` to end, packs its records (snap-wid.tgz), then gives the remaining ~430 s to the
# paused TinyBERT-50 % seed-1 run (poll.sh restart with --kinds tinybert50).
K=/tmp/keep
for i in $(seq 1 30); do grep -q "^repro rc" $K/repro.log && break; sleep 3; done
POLL_S=1 bash $K/poll.sh watch > /dev/null 2>&1; mv $OUT/snap.tgz $OUT/snap-wid.tgz
grep -vE '^\[[0-9]+ s\]' $K/repro.log | tail -8 | cut -c1-300
echo $(( $(date +%s) + 430 )) > $K/deadline.txt
KINDS=tinybert50 POLL_S=440 bash $K/poll.sh restart 2>&1 | grep -v '"bench"' | tail -40
