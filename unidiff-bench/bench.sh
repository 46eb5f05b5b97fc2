#!/usr/bin/env bash
# Runs a benchmark of module unidiff-bench in a JVM of its own (not Maven's, so that the memory the
# speed benchmark reads is the library's alone), after building the module and what it depends on.
#
#   unidiff-bench/bench.sh quality [options]    # org.unidiff.bench.QualityBenchmark, --help for options
#   unidiff-bench/bench.sh speed [options]      # org.unidiff.bench.SpeedBenchmark
#   unidiff-bench/bench.sh in-context [options] # org.unidiff.bench.incontext.InContextBenchmark
#   unidiff-bench/bench.sh server [seconds] [steps]               # org.unidiff.bench.server.ServerBenchmark
#   unidiff-bench/bench.sh soak [minutes] [clients] [heap] [file] # org.unidiff.bench.server.ServerSoak
#   unidiff-bench/bench.sh spark-caption [options]  # org.unidiff.bench.spark.SparkCaptionBenchmark (Spark local[1], local[2])
#
# Runs from the repository root, so the default bundle (models/default/bundle) and the Python
# reference (models/) are found. Environment: JAVA_OPTS (extra JVM options), UNIDIFF_MVN_ARGS
# (extra Maven options, e.g. -o), UNIDIFF_BENCH_SKIP_BUILD=1 (use the last build as it is).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/unidiff-bench/target"

case "${1:-}" in
  quality) MAIN=org.unidiff.bench.QualityBenchmark ;;
  speed) MAIN=org.unidiff.bench.SpeedBenchmark ;;
  in-context) MAIN=org.unidiff.bench.incontext.InContextBenchmark ;;
  server) MAIN=org.unidiff.bench.server.ServerBenchmark ;;
  soak) MAIN=org.unidiff.bench.server.ServerSoak ;;
  spark-caption) MAIN=org.unidiff.bench.spark.SparkCaptionBenchmark ;;
  *) echo "usage: $0 quality|speed|in-context|server|soak|spark-caption [options]   (--help after the name lists the options)" >&2; exit 2 ;;
esac
shift

cd "$ROOT"
if [[ "${UNIDIFF_BENCH_SKIP_BUILD:-}" != 1 || ! -f "$TARGET/classpath.txt" ]]; then
  command -v mvn >/dev/null || { echo "bench: Maven (mvn) is needed to build the benchmarks" >&2; exit 1; }
  LOG="$TARGET/bench-build.log"
  mkdir -p "$TARGET"
  # shellcheck disable=SC2086
  if ! mvn -B -ntp ${UNIDIFF_MVN_ARGS:-} -pl unidiff-bench -am package -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true >"$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    echo "bench: build failed; the whole Maven log is in $LOG" >&2
    exit 1
  fi
fi

CP="$TARGET/unidiff-bench.jar:$(cat "$TARGET/classpath.txt")"
SPARK_FLAGS=""
if [[ "$MAIN" == *.spark.* ]]; then
  # Spark is provided: its jars (listed by the unidiff-spark build) come first, so their Jackson wins,
  # with the JVM flags Spark documents for Java 17 (spark.java17.flags in unidiff-spark/pom.xml).
  CP="$(cat "$ROOT/unidiff-spark/target/spark-classpath.txt"):$CP"
  SPARK_FLAGS=$(sed -n 's:.*<spark.java17.flags>\(.*\)</spark.java17.flags>.*:\1:p' "$ROOT/unidiff-spark/pom.xml" | head -1)
fi

# shellcheck disable=SC2086
exec java $SPARK_FLAGS -Djava.awt.headless=true ${JAVA_OPTS:-} -cp "$CP" \
  "$MAIN" "$@"
