#!/usr/bin/env bash
# Reconciler benchmark (not part of the test suite): converge N Ingresses (default 1000) against the CLB API
# emulator limited to 20 requests/s per action, then delete them all and check that no CLB and no tag of the
# cluster is left. Uses the real SDK adapter, a CRUD mock API server and the reconcile loop.
# Uses the CLB API emulator (dev.clbguard.emulator) and the SDK adapter (dev.clbguard.facts.TencentClb).
# Usage: src/bench/reconciler.sh [n] [workers] [limit]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q compile dependency:build-classpath -Dmdep.outputFile=target/bench-reconciler.classpath -Dmdep.includeScope=test
CP="target/classes:$(cat target/bench-reconciler.classpath)"
rm -rf target/bench-reconciler-classes
javac -d target/bench-reconciler-classes -cp "$CP" src/bench/java/dev/clbguard/bench/ReconcilerBench.java
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dorg.jboss.logging.provider=jboss \
  -cp "target/bench-reconciler-classes:$CP" dev.clbguard.bench.ReconcilerBench "$@"
