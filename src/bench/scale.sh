#!/usr/bin/env bash
# Scale bench (not part of the test suite): clbguard's memory, start-up, passes and API traffic against an API
# server holding 0, 10,000 and 30,000 Services plus a third as many Ingresses (docs/scale.md). Builds the bench jar
# (which keeps the CLB API emulator) into target/bench-app, then, for each size, ScaleBench starts on loopback:
#   ScaleApiServer  a mock API server (fabric8's) serving the generated objects itself (LIST with limit/continue, GET,
#                   WATCH kept open) and counting every request per client; Leases, Events etc. in a small CRUD store
#   the emulator    `quarkus-run.jar emulator --seed`: the objects' CLBs (tagged as TKE and the reconciler tag
#                   them), two probe CLBs and free CLBs for the admission runs; a counting TCP relay per process
#   the leader      clbguard with the reconciler, audit and guardian on (audit and sweep every 20 s), started
#                   alone so that it takes the Lease; then a replica with the same settings
# and measures, per (size, role): heap after a full GC and RSS, times to first LIST / ready / index complete, the
# reconcile pass, first audit pass and sweep, DescribeLoadBalancers calls per sweep, API requests in a 60 s quiet
# window (split: timers' requests apart), admission p50/p99 at 50 requests/s for 20 s (client and server side).
# The clbguard JVMs get exactly the shipped pod's options, read from webhook-config/base/deployment.yaml:
#   -XX:+UseSerialGC -XX:MaxRAM=<limits.memory> -XX:MaxRAMPercentage=<from JAVA_TOOL_OPTIONS> -XX:+ExitOnOutOfMemoryError
# (MAXRAM=1g in the environment overrides the limit, e.g. for a class histogram at a size the pod does not survive).
# A process that dies is recorded and the run goes on; exit 1 when one died or a measurement could not be made.
# Bounded: the whole run is killed after 45 min. Table: stdout and target/bench-scale/results.md.
# Usage: src/bench/scale.sh [sizes...]    (default: 0 10000 30000)
set -euo pipefail
cd "$(dirname "$0")/../.."
DEPLOY=webhook-config/base/deployment.yaml
LIMIT=$(awk '/limits:/{l=1;next} l&&/memory:/{print $2; exit}' "$DEPLOY")
PCT=$(grep -o 'MaxRAMPercentage=[0-9.]*' "$DEPLOY" | head -1 | cut -d= -f2)
if [[ -z "$LIMIT" || -z "$PCT" ]]; then
  echo "cannot read resources.limits.memory or MaxRAMPercentage from $DEPLOY" >&2; exit 1
fi
case "$LIMIT" in
  *Gi) RAM="${LIMIT%Gi}g" ;; *Mi) RAM="${LIMIT%Mi}m" ;; *Ki) RAM="${LIMIT%Ki}k" ;;
  *G) RAM=$(( ${LIMIT%G} * 1000000000 )) ;; *M) RAM=$(( ${LIMIT%M} * 1000000 )) ;; *) RAM="$LIMIT" ;;
esac
RAM="${MAXRAM:-$RAM}"
echo "from $DEPLOY: limits.memory $LIMIT, MaxRAMPercentage $PCT -> -XX:MaxRAM=$RAM -XX:MaxRAMPercentage=$PCT"
./mvnw -B -q package -DskipTests -Dquarkus.profile=bench -Dquarkus.package.output-directory=bench-app
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/bench-test.classpath)"
rm -rf target/bench-scale-classes
mkdir -p target/bench-scale
javac -d target/bench-scale-classes -cp "$CP" src/bench/java/dev/clbguard/bench/Scale*.java
exec timeout 2700 java -XX:+UseSerialGC -Xmx512m -cp "target/bench-scale-classes:$CP" dev.clbguard.bench.ScaleBench \
  target/bench-app/quarkus-run.jar target/bench-scale "$RAM" "$PCT" "$@"
