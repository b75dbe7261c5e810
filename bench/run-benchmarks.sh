#!/usr/bin/env bash
# Runs normlab's JMH benchmarks and the same operations in PyTorch, interleaved, and writes
# BENCHMARKS.md at the repository root (see bench/benchmarks.py --help for the options:
# --rows REGEX, --rounds N, --threads 1,2, --quick, --out FILE, --list).
# Builds bench/target/benchmarks.jar first when it is missing or older than the sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../.mvn/find-jdk.sh
. "$root/.mvn/find-jdk.sh"
normlab_use_jdk25 || exit 1

jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/core/pom.xml" "$root/bench/pom.xml" \
      "$root/core/src/main" "$root/bench/src/main" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "run-benchmarks: building $jar ..." >&2
  if ! log="$(cd "$root" && ./mvnw -B -q -DskipTests -pl bench -am package 2>&1)"; then
    printf '%s\n' "$log" >&2
    echo "run-benchmarks: the build failed (output above)." >&2
    exit 1
  fi
fi
if [ ! -x /usr/bin/python3 ]; then
  echo "run-benchmarks: /usr/bin/python3 (Debian's, with python3-torch) is needed for the PyTorch rows." >&2
  exit 1
fi
export NORMLAB_JAVA="$JAVA_HOME/bin/java" NORMLAB_BENCH_JAR="$jar"
exec /usr/bin/python3 "$root/bench/benchmarks.py" "$@"
