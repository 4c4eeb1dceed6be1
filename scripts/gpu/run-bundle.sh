#!/usr/bin/env bash
# On the GPU machine: unpacks the compressed bundles (scripts/gpu/pack.sh), then runs the entry through
# ../shared/gpu/run.sh's set-up: `bash .gpu/run-bundle.sh ARGS` = `entry.ts ARGS` with Node + Dawn.
set -euo pipefail
G=$(cd "$(dirname "$0")" && pwd)
for f in app.mjs worker.mjs; do [ -f "$G/$f" ] || xz -dkc "$G/$f.xz" > "$G/$f"; done
export WID_WORKER_ENTRY="$G/worker.mjs"
exec bash "$G/run.sh" "$@"
