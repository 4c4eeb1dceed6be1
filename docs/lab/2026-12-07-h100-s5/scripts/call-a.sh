#!/usr/bin/env bash
# GPU call A (carry .gpu .gpu-data-a; test/fixtures moved out of the checkout for the 64 MiB limit): keeps the
# bundle and the first data half in /tmp/keep for call B. Nothing else: call B must follow within 30 s.
set -uo pipefail
mkdir -p /tmp/keep && cp -a .gpu .gpu-data-a /tmp/keep/ && cp -a bench/pytorch /tmp/keep/pytorch && echo staged
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee $OUT/gpu.txt
