#!/usr/bin/env bash
# Re-executes notebooks with a real Jupyter and the ntk4j Java kernel and rewrites the committed copies with fresh outputs.
#   notebooks/refresh.sh                      # every notebooks/*.ipynb
#   notebooks/refresh.sh 01-kernels.ipynb     # some of them
# Builds ntk-examples/target/ntk.jar and ntk-jupyter/target/ntk-kernel.jar first (unless NO_BUILD=1), registers the kernel
# under notebooks/target/jupyter (your own Jupyter setup is not touched) and runs nbconvert with the options of the
# integration test (NotebooksIT). A notebook is only overwritten when every one of its cells ran without error.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
if [ "${NO_BUILD:-0}" != 1 ]; then
  (cd "$root" && mvn -B -q package -DskipTests -pl ntk-examples,ntk-jupyter -am)
fi
jupyter_dir="$here/target/jupyter"
"$here/install-kernel.sh" --prefix "$jupyter_dir/prefix" --jar "$root/ntk-jupyter/target/ntk-kernel.jar" >/dev/null
export JUPYTER_PATH="$jupyter_dir/prefix/share/jupyter" JUPYTER_DATA_DIR="$jupyter_dir/data" \
       JUPYTER_CONFIG_DIR="$jupyter_dir/config" JUPYTER_RUNTIME_DIR="$jupyter_dir/runtime"
out="$here/target/refreshed"
mkdir -p "$out"
cd "$here"
if [ $# -eq 0 ]; then set -- *.ipynb; fi
for nb in "$@"; do
  nb="$(basename "$nb")"
  [ -f "$here/$nb" ] || { echo "refresh.sh: no notebook $here/$nb" >&2; exit 2; }
  echo "executing $nb"
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=java --ExecutePreprocessor.record_timing=False \
    --ExecutePreprocessor.timeout="${NOTEBOOK_TIMEOUT:-600}" --output-dir "$out" "$here/$nb"
  cp "$out/$nb" "$here/$nb"
  echo "refreshed $nb"
done
