#!/usr/bin/env bash
# Three replicas, one API server (not part of the test suite): the claim Leases across processes. Builds the bench
# jar (which keeps the CLB API emulator) into target/bench-app, then ReplicasBench starts the mock API server
# (dev.clbguard.testing.ApiServerProcess), the emulator (`emulator --seed`, a free CLB per pair) and three clbguard
# replicas, each a process of its own on loopback, and runs:
#   latency      p50/p99 of admissions naming a CLB (facts cached), with the claim Lease and without (a fourth
#                replica, clbguard.claims.leases=false), in turns, and of one bare API call
#   pairs        PAIRS pairs per round, ROUNDS rounds: two objects naming one free CLB sent to two replicas at the
#                same moment; counts pairs with exactly one allowed, both allowed (double admissions), both denied
#   never stored an allowed object never stored frees its CLB when the claim window (3 s here) ends
#   kill -9      a replica killed between its Lease write and its answer blocks nothing for good (twice)
# Exits 1 when a check fails. Bounded: each process waits at most 2 min to start, the whole run 30 min.
# Usage: src/bench/replicas.sh [pairs] [rounds] [latency-samples]    (defaults 500, 3, 300)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q package -DskipTests -Dquarkus.profile=bench -Dquarkus.package.output-directory=bench-app
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/bench-test.classpath)"
rm -rf target/bench-replicas-classes target/bench-replicas
javac -d target/bench-replicas-classes -cp "$CP" src/bench/java/dev/clbguard/bench/ReplicasBench.java
exec timeout 1800 java -XX:+UseSerialGC -cp "target/bench-replicas-classes:$CP" dev.clbguard.bench.ReplicasBench \
  target/bench-app/quarkus-run.jar target/bench-replicas "$@"
