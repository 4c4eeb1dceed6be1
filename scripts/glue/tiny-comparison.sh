#!/usr/bin/env bash
# The measured comparison in docs/glue.md: the tiny teacher fixture, a WID, a DistilBERT and a TinyBERT
# student distilled from it (same target size, same corpus slice), each fine-tuned on the committed
# RTE and SST-2 slices and timed, then compared -- all through the `wid` CLI (run store, job runner).
# Usage: scripts/glue/tiny-comparison.sh [WID_HOME] [DISTILL_STEPS] [STAGE]
#   defaults: /tmp/wid-glue-compare, 60, all. STAGE=finetune only fine-tunes and compares the models
#   already registered in WID_HOME (a re-run wins over earlier evaluations of the same model and task).
set -euo pipefail
cd "$(dirname "$0")/../.."
HOME_DIR="${1:-/tmp/wid-glue-compare}"
STEPS="${2:-60}"
STAGE="${3:-all}"
wid() { node bin/wid.mjs --home "$HOME_DIR" "$@"; }
CFG="$HOME_DIR/configs"
mkdir -p "$CFG"

if [ "$STAGE" = all ]; then
wid models register test/fixtures/bert/tiny-teacher --name tiny-teacher --kind teacher
wid datasets register test/fixtures/corpus/pride-and-prejudice.txt --kind corpus --name pride-and-prejudice
wid datasets register test/fixtures/glue --kind glue --name glue-slices
fi
TEACHER=$(wid models list --json | node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(m.find(x=>x.name==="tiny-teacher").id)')
CORPUS=$(wid datasets list --json | node -e 'const d=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(d.find(x=>x.kind==="corpus").id)')
GLUE=$(wid datasets list --json | node -e 'const d=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(d.find(x=>x.kind==="glue").id)')

# One student size for every method: 2 layers, hidden 32, 4 heads, intermediate 64 (the teacher is 2L-64H-4A-128I).
TARGET='{"layers":2,"hidden":32,"heads":4,"intermediate":64}'
COMMON="\"teacherModelId\":$TEACHER,\"datasetId\":$CORPUS,\"steps\":$STEPS,\"batchSize\":8,\"seqLen\":64,\"lr\":0.005,\"warmupSteps\":3,\"backend\":\"wasm\",\"seed\":7,\"target\":$TARGET"
echo "{\"method\":\"wid\",\"name\":\"wid student\",$COMMON,\"methodOptions\":{\"pruneStart\":0.1,\"pruneEnd\":0.4,\"pruneEvents\":4}}" > "$CFG/wid.json"
echo "{\"method\":\"distilbert\",\"name\":\"distilbert student\",$COMMON}" > "$CFG/distilbert.json"
echo "{\"method\":\"tinybert\",\"name\":\"tinybert student\",$COMMON}" > "$CFG/tinybert.json"
if [ "$STAGE" = all ]; then for m in wid distilbert tinybert; do wid run --config "$CFG/$m.json"; done; fi

# Fine-tune every model on both slices with a small sweep (lr 1e-3 / 3e-3, 8 epochs; best dev epoch
# kept); efficiency figures (batch 1 and 32, sequence 128) on wasm.
for id in $(wid models list --json | node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(m.map(x=>x.id).join(" "))'); do
  NAME=$(wid models list --json | node -e "const m=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(m.find(x=>x.id===$id).name)")
  echo "{\"method\":\"finetune\",\"name\":\"finetune $NAME\",\"modelId\":$id,\"datasetId\":$GLUE,\"tasks\":[\"RTE\",\"SST-2\"],\"sweep\":{\"lr\":[0.001,0.003],\"epochs\":[8]},\"batchSize\":16,\"maxLength\":64,\"dropout\":0,\"backend\":\"wasm\",\"seed\":1,\"efficiencyIters\":5}" > "$CFG/finetune-$id.json"
  wid run --config "$CFG/finetune-$id.json"
done
wid compare --teacher "$TEACHER" --format markdown
wid compare --teacher "$TEACHER" --format csv > "$HOME_DIR/comparison.csv"
