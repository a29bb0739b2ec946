#!/usr/bin/env bash
# Registers the ntk4j Java kernel with Jupyter (kernelspec "java", display name "Java", as IJava's).
#   notebooks/install-kernel.sh [--user | --sys-prefix | --prefix DIR] [--name NAME] [--jar PATH] [--java PATH]
# Default: --user. Build the kernel jar first: mvn -B -q package -DskipTests -pl ntk-jupyter
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../ntk-jupyter/target/ntk-kernel.jar"
name=java
where=(--user)
java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
while [ $# -gt 0 ]; do
  case "$1" in
    --user) where=(--user); shift ;;
    --sys-prefix) where=(--sys-prefix); shift ;;
    --prefix) [ $# -ge 2 ] || { echo "install-kernel.sh: --prefix needs a directory" >&2; exit 2; }; where=(--prefix "$2"); shift 2 ;;
    --name) [ $# -ge 2 ] || { echo "install-kernel.sh: --name needs a value" >&2; exit 2; }; name="$2"; shift 2 ;;
    --jar) [ $# -ge 2 ] || { echo "install-kernel.sh: --jar needs a path" >&2; exit 2; }; jar="$2"; shift 2 ;;
    --java) [ $# -ge 2 ] || { echo "install-kernel.sh: --java needs a path" >&2; exit 2; }; java="$2"; shift 2 ;;
    *) echo "install-kernel.sh: unknown argument $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
[ -f "$jar" ] || { echo "install-kernel.sh: kernel jar $jar not found; build it with: mvn -B -q package -DskipTests -pl ntk-jupyter" >&2; exit 2; }
[ -n "$java" ] || java="$(command -v java || true)"
[ -x "$java" ] || { echo "install-kernel.sh: no java executable found (set JAVA_HOME or pass --java)" >&2; exit 2; }
command -v jupyter >/dev/null || { echo "install-kernel.sh: jupyter not found (Debian: apt-get install jupyter-client jupyter-nbconvert python3-nbclient)" >&2; exit 2; }
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
java="$(cd "$(dirname "$java")" && pwd)/$(basename "$java")"
case "$jar$java" in *'"'*|*'\'*) echo "install-kernel.sh: paths with quotes or backslashes are not supported" >&2; exit 2 ;; esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/$name"
cat > "$tmp/$name/kernel.json" <<JSON
{
  "argv": ["$java", "-Djava.awt.headless=true", "-cp", "$jar", "org.ntk4j.jupyter.Main", "{connection_file}"],
  "display_name": "Java",
  "language": "java",
  "interrupt_mode": "message"
}
JSON
jupyter kernelspec install --replace "${where[@]}" --name "$name" "$tmp/$name"
