#!/usr/bin/env bash
# The Spark jobs on a real standalone cluster: a SPARK_HOME assembled from Maven Central's Spark jars
# (no Spark download), a master and two 1-core workers as separate JVMs on 127.0.0.1, the cluster jar
# submitted with the bundle shipped as --archives, one executor killed with SIGKILL in the middle of
# the job. Checks: the job succeeds, every prompt has exactly one index row per output and exactly one
# complete PNG per row (no temporary or extra file), and the images are byte for byte those of the
# same job on local[2].
#
#   scripts/spark-cluster-test.sh [--speed] [WORK]      # WORK: default target/spark-cluster-test (replaced)
#
# With --speed, once the checks pass, the caption benchmark (`unidiff-bench/bench.sh spark-caption`) also runs on
# this cluster beside local[1] and local[2] and the plain API, at the bundle's default steps, and
# prints its table (docs/SPARK.md); about 4 more minutes.
# Loopback only; takes a few minutes on 2 cores. Exits non-zero on any failed check.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SPEED=0
if [ "${1:-}" = "--speed" ]; then SPEED=1; shift; fi
WORK=$ROOT/${1:-target/spark-cluster-test}
started=$(date +%s)
rm -rf "$WORK"
mkdir -p "$WORK"
SPARK_VERSION=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml | head -1)
FLAGS=$(sed -n 's:.*<spark.java17.flags>\(.*\)</spark.java17.flags>.*:\1:p' unidiff-spark/pom.xml | head -1)

say() { echo "spark-cluster-test: $*"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pkill -f "$WORK" 2>/dev/null || true; }
trap cleanup EXIT

# Waits (up to $2 s) until the command $1 succeeds, re-checking each second: an event the script polls.
await() {
  local what=$1 limit=$2 t=0
  until eval "$what" 2>/dev/null; do
    t=$((t + 1))
    if [ "$t" -gt "$limit" ]; then say "timed out after ${limit} s waiting for: $what"; return 1; fi
    sleep 1
  done
}

say "building the cluster jar"
mvn -B -q -ntp -Pcluster-jar -pl unidiff-spark -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
JAR=$ROOT/unidiff-spark/target/unidiff-spark-cluster.jar

say "assembling SPARK_HOME (Spark $SPARK_VERSION) from Maven jars"
export SPARK_HOME=$WORK/spark-home
mkdir -p "$SPARK_HOME/jars"
cat > "$WORK/spark-home.pom" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>spark-home</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId><version>$SPARK_VERSION</version></dependency>
    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-mllib_2.13</artifactId><version>$SPARK_VERSION</version></dependency>
  </dependencies>
</project>
EOF
mvn -B -q -ntp -f "$WORK/spark-home.pom" dependency:copy-dependencies -DoutputDirectory="$SPARK_HOME/jars"
# A distribution's marker: the workers' launcher then takes the executors' classpath from jars/.
echo "Spark $SPARK_VERSION assembled from Maven Central jars by scripts/spark-cluster-test.sh" > "$SPARK_HOME/RELEASE"
# Every service (master, workers, driver, executors, their web UIs) on loopback only.
export SPARK_LOCAL_IP=127.0.0.1
# A source build would say this by its launcher/target/scala-2.13 folder; a jars-only home says it here.
export SPARK_SCALA_VERSION=2.13
CP="$SPARK_HOME/jars/*"
# shellcheck disable=SC2086
# The JDK Maven runs on (JAVA_HOME if set, else the java on the PATH, else the one `mvn -v` names),
# so that the cluster runs wherever the build did.
JAVA_BIN=java
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA_BIN=$JAVA_HOME/bin/java
elif ! command -v java >/dev/null; then
  JAVA_BIN="$(mvn -B -v | sed -n 's/^Java version: .*, runtime: //p' | head -1)/bin/java"
fi
# The workers start executors with $JAVA_HOME/bin/java (or the PATH's java): give them the same JDK.
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA_BIN")")")")
  export JAVA_HOME
fi
JAVA=("$JAVA_BIN" $FLAGS -Djava.awt.headless=true -cp "$CP")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MASTER_PORT=$(free_port)
MASTER=spark://127.0.0.1:$MASTER_PORT
say "master at $MASTER, two workers of 1 core"
"${JAVA[@]}" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" \
  --webui-port "$(free_port)" > "$WORK/master.log" 2>&1 &
pids+=($!)
await "grep -q 'I have been elected leader' '$WORK/master.log'" 120
for i in 1 2; do
  mkdir -p "$WORK/worker-$i"
  SPARK_WORKER_DIR=$WORK/worker-$i "${JAVA[@]}" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --cores 1 --memory 3g --work-dir "$WORK/worker-$i" --webui-port "$(free_port)" "$MASTER" \
    > "$WORK/worker-$i.log" 2>&1 &
  pids+=($!)
done
await "[ \$(grep -c 'Registering worker' '$WORK/master.log') -ge 2 ]" 120

# The bundle as a zip for --archives (python3's zipfile: no zip package needed).
python3 - "$WORK/bundle.zip" models/default/bundle <<'EOF'
import os, sys, zipfile
out, root = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, names in os.walk(root):
        for n in sorted(names):
            path = os.path.join(folder, n)
            z.write(path, os.path.relpath(path, root))
EOF
PROMPTS=$WORK/prompts.csv
{
  echo "prompt,key"
  for c in red green blue yellow purple orange; do
    for s in circle square triangle diamond; do echo "a large $c $s in the center,$c-$s"; done
  done
} > "$PROMPTS"
ROWS=$(($(wc -l < "$PROMPTS") - 1))
JOB=(generate "$PROMPTS" --steps 8 --batch 2 --partitions 6 --seed 5)

say "submitting $ROWS prompts to the cluster"
"${JAVA[@]}" org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode client \
  --class org.unidiff.spark.SparkCli --archives "$WORK/bundle.zip#bundle" \
  --conf spark.executor.memory=2g --conf "spark.executor.extraJavaOptions=-Djava.awt.headless=true" \
  --conf spark.task.maxFailures=4 \
  "$JAR" "${JOB[@]}" --bundle bundle --output "$WORK/cluster-out" > "$WORK/submit.log" 2>&1 &
SUBMIT=$!
pids+=($SUBMIT)

# Kill one executor once the job has written its first image (the job is under way then).
await "ls '$WORK/cluster-out/images/'*.png >/dev/null 2>&1" 300
VICTIM=$(pgrep -f 'CoarseGrainedExecutorBackend' | head -1 || true)
if [ -z "$VICTIM" ]; then say "no executor process found to kill"; exit 1; fi
kill -9 "$VICTIM"
say "killed executor process $VICTIM with SIGKILL mid-job"
if ! wait "$SUBMIT"; then say "the cluster job failed:"; tail -40 "$WORK/submit.log"; exit 1; fi
grep -q "lost\|Lost executor\|ExecutorLostFailure\|Executor.*exited" "$WORK/submit.log" \
  || say "(the driver log does not name the lost executor; the kill was still sent)"

say "the same job on local[2]"
"$JAVA_BIN" $FLAGS -Djava.awt.headless=true -cp "$JAR:$CP" org.unidiff.spark.SparkCli "${JOB[@]}" --master 'local[2]' \
  --output "$WORK/local-out" > "$WORK/local.log" 2>&1

say "checking exactly-once outputs"
python3 - "$WORK" "$ROWS" <<'EOF'
import hashlib, os, sys
work, rows = sys.argv[1], int(sys.argv[2])
def files(out):
    d = os.path.join(work, out, "images")
    names = sorted(os.listdir(d))
    return {n: hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest() for n in names}
cluster, local = files("cluster-out"), files("local-out")
extra = [n for n in cluster if not n.endswith(".png")]
assert not extra, f"temporary or other files left: {extra}"
assert len(cluster) == rows, f"{len(cluster)} images for {rows} prompts"
assert cluster == local, "cluster and local images differ: " + str(sorted(set(cluster.items()) ^ set(local.items()))[:4])
print(f"{len(cluster)} images, one per prompt, byte for byte the local run's")
EOF
grep -q "^$ROWS rows (0 with an error)" "$WORK/submit.log" || { say "the index does not hold $ROWS rows:"; tail -5 "$WORK/submit.log"; exit 1; }
say "passed in $(( $(date +%s) - started )) s"
if [ "$SPEED" = 1 ]; then
  say "caption speed: the plain API, local[1], local[2] and this cluster ($MASTER), bundle defaults"
  mvn -B -q -ntp -pl unidiff-bench -am package -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
  # The cluster jar (the jobs with the library) on the class path and shipped to the executors.
  "$JAVA_BIN" $FLAGS -Djava.awt.headless=true -cp "$ROOT/unidiff-bench/target/unidiff-bench.jar:$JAR:$CP" \
    org.unidiff.bench.spark.SparkCaptionBenchmark --images 256 --jar "$JAR" \
    --bundle "$ROOT/models/default/bundle" --master 'local[1]' --master 'local[2]' --master "$MASTER" \
    2> "$WORK/speed.log"
fi
