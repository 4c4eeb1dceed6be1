#!/usr/bin/env bash
# Packs scripts/gpu/entry.ts for the GPU machine with ../shared/gpu/pack.sh, plus the job worker as its own
# bundle (.gpu/worker.mjs: the runner forks one per run; set WID_WORKER_ENTRY to it there), and copies the
# teacher's config/vocab to .gpu/probe for random-model speed probes.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash ../shared/gpu/pack.sh scripts/gpu/entry.ts
EXT=(--external:webgpu --external:better-sqlite3 --external:electron --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu)
node_modules/.bin/esbuild src-main/worker/job-worker.ts --bundle --platform=node --format=esm --target=node20 --main-fields=module,main \
  "${EXT[@]}" --outfile=.gpu/worker.mjs --log-level=warning \
  --banner:js="import { createRequire as __wbCreateRequire } from 'module'; const require = __wbCreateRequire(import.meta.url);"
D=${WID_SHARED_DATA:-../shared/data}/teacher-bert-small-wiki
mkdir -p .gpu/probe && cp "$D/config.json" "$D/vocab.txt" "$D/tokenizer.json" "$D/tokenizer_config.json" .gpu/probe/

# The bundles compress ~5x; a call carries at most 64 MiB (project + .gpu + a data half). run-bundle.sh unpacks.
for f in app.mjs worker.mjs; do xz -T2 -6 -f .gpu/$f; done
cp scripts/gpu/run-bundle.sh .gpu/run-bundle.sh

du -sh .gpu
