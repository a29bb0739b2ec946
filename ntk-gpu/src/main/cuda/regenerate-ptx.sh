#!/usr/bin/env bash
# Regenerates ntk_fc.ptx from ntk_fc.cu (commit both together); PtxSyncTest checks they agree where this nvcc exists.
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
"$NVCC" -ptx -arch=compute_80 -fmad=false -o ntk_fc.ptx ntk_fc.cu
echo "wrote $(pwd)/ntk_fc.ptx with $("$NVCC" --version | tail -1)"
