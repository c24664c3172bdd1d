#!/usr/bin/env bash
# Crash soak of the reconciler (not part of the test suite): the mock API server and the CLB API emulator run as
# processes of their own; the reconciler (the packaged server, bench build) is killed with SIGKILL CYCLES times
# while Services and Ingresses of clbguard's class are created, edited and deleted; then one clean run must end
# with 0 leaked CLBs, 0 stray or stale tags, 0 stuck finalizers, every object converged and no guardian finding.
# Loopback only (the reconciler's HTTP port, 18420 by default, and ephemeral ports); stops by itself.
# Usage: src/bench/crash-soak.sh [--cycles 200] [--seed S] [--services 8] [--ingresses 8] [--minutes 30] [--port 18420]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q package -DskipTests -Dquarkus.profile=bench -Dquarkus.package.output-directory=crash-soak \
  dependency:build-classpath -Dmdep.outputFile=target/crash-soak.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/crash-soak.classpath)"
rm -rf target/crash-soak-classes target/crash-soak-run
javac -d target/crash-soak-classes -cp "$CP" src/bench/java/dev/clbguard/bench/{CrashSoak,SoakCluster,SoakCounts,SoakProcesses}.java
exec java -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/crash-soak-classes:$CP" \
  dev.clbguard.bench.CrashSoak --jar target/crash-soak/quarkus-run.jar --work target/crash-soak-run "$@"
