#!/usr/bin/env bash
# Facts cache benchmark (not part of the test suite): cache-hit lookup latency and the number of CLB API calls
# for 1,000 lookups/s over 200 distinct CLB ids for 30 s, through the real SDK adapter against the emulator.
# Usage: src/bench/facts-cache.sh [rate] [ids] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
CP="target/classes:$(cat target/bench.classpath)"
rm -rf target/bench-classes
javac -d target/bench-classes -cp "$CP" src/bench/java/dev/clbguard/bench/FactsCacheBench.java
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/bench-classes:$CP" \
  dev.clbguard.bench.FactsCacheBench "$@"
