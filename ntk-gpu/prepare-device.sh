#!/usr/bin/env bash
# Run HERE (the build machine) before the device check: compiles ntk-core and ntk-gpu, gathers the run-time class path
# into ntk-gpu/target/device/lib (slim: JCuda's driver JNI library only; no OpenBLAS, the CPU reference then uses the
# pure-Java linear algebra) and, with --jre, jlinks a small Java runtime into .jre/ for a device without a JVM.
# Both are git-ignored; carry them: run(carry=["ntk-gpu/target/device", ".jre"]).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -o -pl ntk-core,ntk-gpu test-compile
D=ntk-gpu/target/device
rm -rf "$D" && mkdir -p "$D/lib"
jar cf "$D/lib/ntk-core.jar" -C ntk-core/target/classes .
jar cf "$D/lib/ntk-gpu.jar" -C ntk-gpu/target/classes .
jar cf "$D/lib/ntk-gpu-tests.jar" -C ntk-gpu/target/test-classes .
M=${M2_REPO:-$HOME/.m2/repository}
for j in org/jcuda/jcuda/12.0.0/jcuda-12.0.0.jar \
         org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar \
         org/ojalgo/ojalgo/55.0.1/ojalgo-55.0.1.jar \
         org/junit/jupiter/junit-jupiter-api/5.14.1/junit-jupiter-api-5.14.1.jar \
         org/junit/jupiter/junit-jupiter-engine/5.14.1/junit-jupiter-engine-5.14.1.jar \
         org/junit/platform/junit-platform-commons/1.14.1/junit-platform-commons-1.14.1.jar \
         org/junit/platform/junit-platform-engine/1.14.1/junit-platform-engine-1.14.1.jar \
         org/junit/platform/junit-platform-launcher/1.14.1/junit-platform-launcher-1.14.1.jar \
         org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar \
         org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar; do
  cp "$M/$j" "$D/lib/"
done
# only the driver-API JNI library of jcuda-natives (the others need CUDA 12 runtime libraries)
T=$(mktemp -d)
(cd "$T" && unzip -q "$M/org/jcuda/jcuda-natives/12.0.0/jcuda-natives-12.0.0-linux-x86_64.jar" lib/libJCudaDriver-12.0.0-linux-x86_64.so)
jar cf "$D/lib/jcuda-natives-driver-12.0.0-linux-x86_64.jar" -C "$T" lib
rm -rf "$T"
if [ "${1:-}" = "--jre" ]; then
  rm -rf .jre
  jlink --add-modules java.base,java.logging,java.management,jdk.unsupported --strip-debug --no-man-pages \
        --no-header-files --compress=2 --output .jre
fi
du -sh "$D" ${1:+.jre}
