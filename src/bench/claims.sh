#!/usr/bin/env bash
# Claims benchmark (not part of the test suite): validating evaluation of a Service CREATE with its claims read
# from a live-object index of 10,000 objects, against an empty index and against no claims at all; and the
# index's lag behind a CREATE. The index is fed by informers from fabric8's mock API server (a test dependency).
# Usage: src/bench/claims.sh [objects] [evaluations]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q compile dependency:build-classpath -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test
CP="target/classes:$(cat target/bench-test.classpath)"
rm -rf target/bench-claims-classes
javac -d target/bench-claims-classes -cp "$CP" src/bench/java/dev/clbguard/bench/ClaimsBench.java
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dorg.jboss.logmanager.nocolor=true \
  -cp "target/bench-claims-classes:$CP" dev.clbguard.bench.ClaimsBench "$@" 2> target/bench-claims.log
