#!/usr/bin/env bash
# GPU check, for a machine with a CUDA device (H100/H200) that may lack Maven and a JVM; about 5 minutes.
# Prepare HERE first:  ntk-gpu/prepare-device.sh --jre
# Then run it there:   run(command="ntk-gpu/device-check.sh", carry=["ntk-gpu/target/device", ".jre"], timeout_s=580)
# Writes to $OUT: java-version.txt, nvidia-smi.txt, ptx-check.txt, gpu-tests.txt (every GPU test, CPU-side tests too),
# bench-fc.txt, bench-cnn.txt, bench-cnn-f32.txt, bench-cnn-unstaged.txt, bench-cnn-flatten.txt, summary.txt. Exit code: 0 when the tests passed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/ntk-gpu/target/device-out}
mkdir -p "$OUT"
rm -f "$OUT"/summary.txt "$OUT"/bench-*.txt  # no stale results from an earlier run into the same folder
LIB=$ROOT/ntk-gpu/target/device/lib
log() { echo "$*" | tee -a "$OUT/summary.txt"; }

# 1. a JVM: the machine's own java when it runs, else the jlink-ed runtime carried in .jre/
if java -version >"$OUT/java-version.txt" 2>&1; then
  JAVA=java
elif [ -x "$ROOT/.jre/bin/java" ] && "$ROOT/.jre/bin/java" -version >"$OUT/java-version.txt" 2>&1; then
  JAVA=$ROOT/.jre/bin/java
else
  log "no JVM: java -version fails and .jre/ was not carried (run ntk-gpu/prepare-device.sh --jre, carry .jre)"; exit 3
fi
log "java: $JAVA ($(head -1 "$OUT/java-version.txt"))"
[ -d "$LIB" ] || { log "missing $LIB: run ntk-gpu/prepare-device.sh and carry ntk-gpu/target/device"; exit 3; }
CP=$(ls "$LIB"/*.jar | tr '\n' ':')

# 2. the device and the driver
(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; nvidia-smi) >"$OUT/nvidia-smi.txt" 2>&1 \
  || log "nvidia-smi failed (see nvidia-smi.txt)"
log "device: $(head -2 "$OUT/nvidia-smi.txt" | tail -1)"

# 3. the committed PTX against this machine's nvcc (same check as PtxSyncTest, which also runs below)
NVCC=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null || true)
if [ -n "$NVCC" ]; then
  (cd "$ROOT/ntk-gpu/src/main/cuda" && "$NVCC" --version | tail -2 && same=1 && for k in ntk_fc ntk_conv ntk_full; do
     "$NVCC" -ptx -arch=compute_80 -fmad=false -o "$OUT/$k.ptx" $k.cu && cmp -s "$OUT/$k.ptx" $k.ptx || { same=0; echo "$k.ptx differs"; }
   done; if [ $same = 1 ]; then echo "PTX identical"; else echo "PTX differs (other nvcc release?)"; fi) \
     >"$OUT/ptx-check.txt" 2>&1
else
  echo "no nvcc here" >"$OUT/ptx-check.txt"
fi
log "ptx: $(tail -1 "$OUT/ptx-check.txt")"

# 4. the tests of ntk-gpu (GPU equality tests run here; from ntk-gpu/ so they find src/main/cuda)
(cd "$ROOT/ntk-gpu" && timeout 200 "$JAVA" -Xmx8g -cp "$CP" org.ntk4j.gpu.DeviceTests) >"$OUT/gpu-tests.txt" 2>&1
TESTS=$?
log "tests: exit $TESTS; $(grep -E 'tests (successful|failed|skipped|aborted)' "$OUT/gpu-tests.txt" | tr -s ' ' | tr '\n' ';')"
if grep -q '^ABORTED org.ntk4j.gpu.CudaBackendTest' "$OUT/gpu-tests.txt" && nvidia-smi >/dev/null 2>&1; then
  log "a GPU is present but the GPU tests were skipped (device not usable from Java: see the reason above)"
  [ "$TESTS" = 0 ] && TESTS=4
fi
grep -E '^(FAILED|ABORTED|SKIPPED)' "$OUT/gpu-tests.txt" | head -20 | tee -a "$OUT/summary.txt"
grep -E 'max relative difference' "$OUT/gpu-tests.txt" | head -40 >>"$OUT/summary.txt"

# 5. the benchmarks: FC n = 50,000, d = 3072 (target < 10 s), then the 21-layer CNN with GlobalAvgPool (the
#    full-covariance kernels; n = 128: 8256 entries in 6 batches of up to 57 x 57 pairs; the leading 2 x 2 block
#    checked against the CPU in the same run), in float32, and with the staging off
timeout 120 "$JAVA" -Xmx24g -cp "$CP" org.ntk4j.gpu.GpuBench --fc-n 50000 --fc-d 3072 --cnn-n 0 --out "$OUT/bench-fc.txt" \
  >"$OUT/bench-fc.log" 2>&1 || log "fc bench: exit $? (see bench-fc.log)"
[ -f "$OUT/bench-fc.txt" ] && tail -1 "$OUT/bench-fc.txt" | tee -a "$OUT/summary.txt"
timeout 120 "$JAVA" -Xmx24g -cp "$CP" org.ntk4j.gpu.GpuBench --fc-n 0 --cnn-n 128 --cnn-size 32 --cnn-depth 21 \
  --cnn-check 2 --out "$OUT/bench-cnn.txt" >"$OUT/bench-cnn.log" 2>&1 || log "cnn bench: exit $? (see bench-cnn.log)"
[ -f "$OUT/bench-cnn.txt" ] && tail -2 "$OUT/bench-cnn.txt" | tee -a "$OUT/summary.txt"
timeout 45 "$JAVA" -Xmx24g -Dntk4j.gpu.precision=float32 -cp "$CP" org.ntk4j.gpu.GpuBench --fc-n 0 --cnn-n 128 \
  --peak-tflops 67 --cnn-size 32 --cnn-depth 21 --out "$OUT/bench-cnn-f32.txt" >"$OUT/bench-cnn-f32.log" 2>&1 \
  || log "cnn float32 bench: exit $? (see bench-cnn-f32.log)"
[ -f "$OUT/bench-cnn-f32.txt" ] && tail -1 "$OUT/bench-cnn-f32.txt" | tee -a "$OUT/summary.txt"
# the float64 CNN with the shared-memory staging and fusion off (the per-entry kernels): what staging buys
timeout 45 "$JAVA" -Xmx24g -Dntk4j.gpu.staged=false -cp "$CP" org.ntk4j.gpu.GpuBench --fc-n 0 --cnn-n 128 \
  --cnn-size 32 --cnn-depth 21 --out "$OUT/bench-cnn-unstaged.txt" >"$OUT/bench-cnn-unstaged.log" 2>&1 \
  || log "cnn unstaged bench: exit $? (see bench-cnn-unstaged.log)"
[ -f "$OUT/bench-cnn-unstaged.txt" ] && tail -1 "$OUT/bench-cnn-unstaged.txt" | sed 's/^/unstaged: /' \
  | tee -a "$OUT/summary.txt"
# the same CNN with a Flatten readout (diagonal mode), which runs on the GPU
timeout 60 "$JAVA" -Xmx24g -cp "$CP" org.ntk4j.gpu.GpuBench --fc-n 0 --cnn-n 512 --cnn-size 32 --cnn-depth 21 \
  --cnn-readout flatten --out "$OUT/bench-cnn-flatten.txt" >"$OUT/bench-cnn-flatten.log" 2>&1 \
  || log "cnn flatten bench: exit $? (see bench-cnn-flatten.log)"
[ -f "$OUT/bench-cnn-flatten.txt" ] && tail -1 "$OUT/bench-cnn-flatten.txt" | tee -a "$OUT/summary.txt"
exit $TESTS
