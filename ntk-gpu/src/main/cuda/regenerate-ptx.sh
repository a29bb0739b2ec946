#!/usr/bin/env bash
# Regenerates ntk_fc.ptx, ntk_conv.ptx and ntk_full.ptx from their .cu sources (commit them together); PtxSyncTest checks they agree
# wherever nvcc of the same release exists.
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
for k in ntk_fc ntk_conv ntk_full; do
  "$NVCC" -ptx -arch=compute_80 -fmad=false -o $k.ptx $k.cu
  echo "wrote $(pwd)/$k.ptx with $("$NVCC" --version | tail -1)"
done
