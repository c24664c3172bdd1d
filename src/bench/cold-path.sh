#!/usr/bin/env bash
# Cold-path benchmark: what a webhook pays after a rollout, when it answers a few admissions a second and the
# JVM never gets warm. Each packaged server (prod profile, TLS with a throw-away certificate, dummy cloud
# credentials, only bodies that need no CLB lookup) is started STARTS times; per start:
#   ready s       wall time from exec to the first 200 of /q/health/ready (polled every 20 ms)
#   cpu-ready s   CPU (user + system, all threads) the process spent until then
#   first ms      the first admission after ready, on a new connection (TLS handshake included, curl's time_total)
#   p50/p99 ms    server-side (clbguard_admission_latency_seconds bucket bounds) of CALLS admissions at RATE/s
#                 over one keep-alive connection, cycling through src/bench/scenarios/no-lookups.txt
#   client p99    the same calls seen by the client (python, so with its own overhead)
#   cpu/adm ms    the server's CPU during those calls / CALLS (JIT compiler threads included: that is the cost)
#   rss MB        resident memory after those calls
# and, for the last start, the CPU each kind of thread spent (C2/C1 compilers, GC, event loops, main).
# The median of the starts is printed, then the same calls to a fresh floor server (below), timed by itself as
# the latency metric times clbguard. Then a warm phase: each server and a floor server
# (src/bench/floor/FloorWebhook.java: the same Vert.x HTTPS, decodes only request.uid, answers allowed) are
# saturated by wrk in turns; CPU per admission of each, and its ratio to the floor's, same run.
#
#   src/bench/cold-path.sh [JAR[:JAVA] ...]
#
# JAR is a fast-jar quarkus-run.jar (default target/quarkus-app/quarkus-run.jar, built if missing), JAVA the
# java launcher to run it with (default: java on PATH). Give several to compare them in one run, e.g. a build
# of the base commit and this one. An app-cds.jsa (AppCDS) or app.aot (JDK 25 AOT cache) next to the jar is
# used (app.aot only on JDK 24+), as the image would; src/main/docker/aot-train.sh makes app.aot.
# Settings (environment): STARTS (5), CALLS (1200), RATE (20), WARM (24: seconds of saturation per server,
# in 3 turns), WARMUP (30: saturation before them; C2 is still compiling long after 10 s), CONNECTIONS (8),
# JAVA_OPTS (the image's collector and the Deployment's heap: -XX:+UseSerialGC -XX:MaxRAM=384m
# -XX:MaxRAMPercentage=33, as in a pod limited to 384 MiB; -XX:+UseSerialGC -Xmx64m for the memory check), PHASES ("cold warm"),
# PORT (19443, and the next ones for the warm phase), FLOOR_PORT (19444).
# Needs: java 17+, curl, openssl, python3, wrk (apt-get install -y wrk). Only loopback; stops by itself.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/src/bench"
FIXTURES="$ROOT/src/test/resources/fixtures/apiserver-1.28/requests"
STARTS="${STARTS:-5}"
CALLS="${CALLS:-1200}"
RATE="${RATE:-20}"
WARM="${WARM:-24}"
WARMUP="${WARMUP:-30}"
CONNECTIONS="${CONNECTIONS:-8}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -XX:MaxRAM=384m -XX:MaxRAMPercentage=33}"
PHASES="${PHASES:-cold warm}"
PORT="${PORT:-19443}"
FLOOR_PORT="${FLOOR_PORT:-19444}"
TICK="$(getconf CLK_TCK)"

die() { echo "cold-path.sh: $*" >&2; exit 1; }
for tool in java curl openssl python3 wrk awk getconf; do
  command -v "$tool" >/dev/null || die "$tool is missing (wrk: apt-get install -y wrk)"
done
(( PORT >= 1024 && FLOOR_PORT >= 1024 )) || die "ports must be unprivileged"

WORK="$(mktemp -d)"
PIDS=()
stop() { # stop <pid>: TERM, wait up to 10 s, then KILL
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  for pid in "${PIDS[@]}"; do stop "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- what to run ------------------------------------------------------------------------------------------------
SPECS=("$@")
if [[ ${#SPECS[@]} == 0 ]]; then
  if [[ ! -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]]; then
    echo "building (./mvnw -B -q package -DskipTests) ..."
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
  fi
  SPECS=("$ROOT/target/quarkus-app/quarkus-run.jar")
fi
for spec in "${SPECS[@]}"; do
  [[ -f "${spec%%:*}" ]] || die "no jar ${spec%%:*}"
done

BODIES=()
while read -r line; do
  line="${line%%#*}"; line="${line//[[:space:]]/}"
  [[ -z "$line" || "$line" == @* ]] && continue
  BODIES+=("$FIXTURES/$line")
done <"$BENCH/scenarios/no-lookups.txt"
printf '%s\n' "${BODIES[@]}" | grep -v -- '-mutate-' >"$WORK/validate.list"
FIRST_BODY="$(head -1 "$WORK/validate.list")"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# thread_cpu <pid> -> "group seconds" lines: CPU by thread kind (JIT compilers, GC, event loops, main, ...)
thread_cpu() {
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm")" "$(awk '{ print $14 + $15 }' "$t/stat")"
  done | awk -F'\t' -v tick="$TICK" '{ g = $1; sub(/[0-9]+$/, "", g)
      if (g ~ /^C2 Compiler/) g = "C2-jit"; else if (g ~ /^C1 Compiler/) g = "C1-jit"
      else if (g ~ /^vert\.x-eventloo/) g = "event-loops"; else if (g == "java") g = "main"
      else if (g ~ /^(VM Thread|GC )/) g = "gc+vm"; c[g] += $2 }
    END { for (g in c) if (c[g] > 0) printf "%s=%.2f\n", g, c[g] / tick }' | sort -t= -k2 -gr | head -8 | tr '\n' ' '
}
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# start_server <jar> <java> <port> <log>: starts it in the background, sets SERVER_PID and T0 (ns)
start_server() {
  local jar=$1 java=$2 port=$3 log=$4 dir extra=()
  dir="$(dirname "$jar")"
  [[ -f "$dir/app-cds.jsa" ]] && extra+=("-XX:SharedArchiveFile=$dir/app-cds.jsa")
  [[ -f "$dir/app.aot" ]] && (( $(java_major "$java") >= 24 )) && extra+=("-XX:AOTCache=$dir/app.aot")
  export TENCENTCLOUD_SECRET_ID=bench-unused TENCENTCLOUD_SECRET_KEY=bench-unused
  T0=$(date +%s%N)
  # shellcheck disable=SC2086
  "$java" $JAVA_OPTS "${extra[@]}" "@$ROOT/src/main/docker/no-cluster.args" -Dclbguard.cloud.mode=tencent \
    -Dquarkus.http.ssl-port="$port" -Dquarkus.http.host=127.0.0.1 \
    "-D%prod.quarkus.tls.key-store.pem.0.cert=$WORK/tls.crt" "-D%prod.quarkus.tls.key-store.pem.0.key=$WORK/tls.key" \
    -Dclbguard.policies.dir="$ROOT/policies" \
    -jar "$jar" >"$log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# wait_ready <pid> <port> <log>: polls readiness every 20 ms for up to 60 s; sets T_READY (ns)
wait_ready() {
  local pid=$1 port=$2 log=$3
  for _ in $(seq 1 3000); do
    if curl -skf --max-time 1 "https://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then
      T_READY=$(date +%s%N); return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; die "server exited during start"; }
    sleep 0.02
  done
  tail -30 "$log" >&2; die "server not ready after 60 s"
}

# Sums clbguard_admission_latency_seconds buckets over all label sets: "le count" lines.
buckets() {
  awk 'index($0, "clbguard_admission_latency_seconds_bucket{") == 1 {
      match($0, /le="[^"]+"/); c[substr($0, RSTART + 4, RLENGTH - 5)] += $NF }
    END { for (k in c) print (k == "+Inf" ? "inf" : k), c[k] }' "$1" | sort -g
}
# server_quantile <before> <after> <q> -> upper bound in ms of the bucket holding quantile q of the calls in between
server_quantile() {
  join <(buckets "$1" | sort -k1,1) <(buckets "$2" | sort -k1,1) | awk '{ print $1, $3 - $2 }' | sort -g \
    | awk -v q="$3" '{ le[NR] = $1; c[NR] = $2 }
        END { t = c[NR]; for (i = 1; i <= NR; i++) if (c[i] >= q * t) {
                printf "%s\n", (le[i] == "inf" ? "inf" : sprintf("%.3f", le[i] * 1000)); exit } }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "n/a") }'; }

# start_floor <log>: starts the floor server on FLOOR_PORT, sets FLOOR_PID once it listens
start_floor() {
  java $JAVA_OPTS -cp "$(dirname "${SPECS[0]%%:*}")/lib/main/*" "$BENCH/floor/FloorWebhook.java" "$FLOOR_PORT" \
    "$WORK/tls.crt" "$WORK/tls.key" >"$1" 2>&1 &
  FLOOR_PID=$!; PIDS+=("$FLOOR_PID")
  for _ in $(seq 1 300); do grep -qs listening "$1" && return 0; kill -0 "$FLOOR_PID" || { cat "$1" >&2; die "floor server exited"; }; sleep 0.1; done
  die "floor server not listening after 30 s"
}

java_of() { local spec=$1; [[ "$spec" == *:* ]] && echo "${spec#*:}" || echo java; }

echo "cold-path.sh: $(nproc) CPUs (shared with the client), load $(cut -d' ' -f1-3 /proc/loadavg); JAVA_OPTS=$JAVA_OPTS"
n=0
for spec in "${SPECS[@]}"; do
  n=$((n + 1)); jar="${spec%%:*}"; java="$(java_of "$spec")"
  echo "  [$n] $jar on $("$java" -version 2>&1 | head -1)"
done

# --- cold phase -------------------------------------------------------------------------------------------------
if [[ " $PHASES " == *" cold "* ]]; then
  echo
  echo "cold: $STARTS fresh starts each; $CALLS admissions at $RATE/s after ready (medians of the starts)"
  printf '%-4s %8s %10s %9s %9s %9s %11s %11s %7s %7s\n' '' 'ready s' 'cpu-ready' 'first ms' 'p50 ms' 'p99 ms' \
    'client p99' 'cpu/adm ms' 'rss MB' errors
  n=0
  for spec in "${SPECS[@]}"; do n=$((n + 1)); : >"$WORK/cold.$n"; done
  # The servers take turns start by start, so a change in the machine's load falls on all of them alike.
  for s in $(seq 1 "$STARTS"); do
    n=0
    for spec in "${SPECS[@]}"; do
      n=$((n + 1)); jar="${spec%%:*}"; java="$(java_of "$spec")"
      log="$WORK/server.$n.$s.log"
      start_server "$jar" "$java" "$PORT" "$log"
      pid=$SERVER_PID
      wait_ready "$pid" "$PORT" "$log"
      cpu_ready=$(cpu_ticks "$pid")
      first=$(curl -sk -o "$WORK/first.json" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
        --data-binary @"$FIRST_BODY" "https://127.0.0.1:$PORT/validate")
      [[ "${first%% *}" == 200 ]] && grep -q '"AdmissionReview"' "$WORK/first.json" \
        || die "[$n] first admission answered ${first%% *}: $(head -c 300 "$WORK/first.json")"
      curl -sk "https://127.0.0.1:$PORT/q/metrics" >"$WORK/m0"
      c0=$(cpu_ticks "$pid")
      paced=$(python3 "$BENCH/floor/paced.py" 127.0.0.1 "$PORT" "$CALLS" "$RATE" "${BODIES[@]}")
      c1=$(cpu_ticks "$pid")
      rss=$(rss_mb "$pid")
      curl -sk "https://127.0.0.1:$PORT/q/metrics" >"$WORK/m1"
      p50=$(server_quantile "$WORK/m0" "$WORK/m1" 0.50)
      p99=$(server_quantile "$WORK/m0" "$WORK/m1" 0.99)
      errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$paced")
      cp99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$paced")
      if grep -qE '(ERROR|Exception)' "$log"; then
        echo "  [$n] start $s logged errors:" >&2; grep -E '(ERROR|Exception)' "$log" | head -5 >&2; errors=$((errors + 1))
      fi
      [[ $s == "$STARTS" ]] && echo "thread CPU (s) after the last start's calls: $(thread_cpu "$pid")" >"$WORK/threads.$n"
      echo "$(( (T_READY - T0) / 1000000 )) $cpu_ready ${first#* } $p50 $p99 $cp99 $((c1 - c0)) $rss $errors" >>"$WORK/cold.$n"
      stop "$pid"
    done
  done
  n=0
  for spec in "${SPECS[@]}"; do
    n=$((n + 1))
    awk -v n="$n" -v tick="$TICK" -v calls="$CALLS" '
      { for (i = 1; i <= NF; i++) v[i, NR] = $i } END {
        printf "[%d] ", n
        for (i = 1; i <= 9; i++) {
          m = 0; for (r = 1; r <= NR; r++) a[r] = v[i, r] + 0
          # insertion sort for the median
          for (r = 2; r <= NR; r++) { x = a[r]; j = r - 1; while (j >= 1 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
          med = a[int((NR + 1) / 2)]; if (i == 9) { s = 0; for (r = 1; r <= NR; r++) s += a[r]; med = s }
          if (i == 1) printf "%8.2f ", med / 1000
          else if (i == 2) printf "%10.2f ", med / tick
          else if (i == 3) printf "%9.1f ", med * 1000
          else if (i == 7) printf "%11.3f ", med / tick * 1000 / calls
          else if (i == 9) printf "%7d", med
          else if (i == 8) printf "%7d ", med
          else if (i == 6) printf "%11.2f ", med
          else printf "%9.3f ", med
        }
        printf "\n" }' "$WORK/cold.$n"
    awk -v tick="$TICK" -v calls="$CALLS" '{ printf "       start %d: ready %.2f s, cpu %.2f s, first %.1f ms, p99 %s ms, cpu/adm %.3f ms\n",
      NR, $1 / 1000, $2 / tick, $3 * 1000, $5, $7 / tick * 1000 / calls }' "$WORK/cold.$n"
    sed 's/^/       /' "$WORK/threads.$n"
  done
  # The same calls to a fresh floor server: what doing nothing costs at this rate on this machine.
  start_floor "$WORK/floor-cold.log"
  c0=$(cpu_ticks "$FLOOR_PID")
  paced=$(python3 "$BENCH/floor/paced.py" 127.0.0.1 "$FLOOR_PORT" "$CALLS" "$RATE" "${BODIES[@]}")
  c1=$(cpu_ticks "$FLOOR_PID")
  fstats=$(curl -sk "https://127.0.0.1:$FLOOR_PORT/stats")
  awk -v s="$fstats" -v p="$paced" -v cpu="$((c1 - c0))" -v tick="$TICK" -v calls="$CALLS" 'BEGIN {
      match(s, /p50_ms=[0-9.]+/); p50 = substr(s, RSTART + 7, RLENGTH - 7); match(s, /p99_ms=[0-9.]+/); p99 = substr(s, RSTART + 7, RLENGTH - 7)
      match(p, /p99_ms=[0-9.]+/); cp99 = substr(p, RSTART + 7, RLENGTH - 7)
      printf "%-4s %8s %10s %9s %9.3f %9.3f %11.2f %11.3f   (one fresh start; its own timing of its work, as the metric)\n", "floor", "", "", "", p50, p99, cp99, cpu / tick * 1000 / calls }'
  stop "$FLOOR_PID"
fi

# --- warm phase -------------------------------------------------------------------------------------------------
# wrk_run <port> <seconds> <out>: saturates /validate with the validating bodies
wrk_run() {
  wrk -t1 -c"$CONNECTIONS" -d"$2s" -s "$BENCH/bodies.lua" "https://127.0.0.1:$1/validate" -- "$WORK/validate.list" >"$3" 2>&1 \
    || { cat "$3" >&2; die "wrk failed on port $1"; }
  grep -q '^RESULT' "$3" || { cat "$3" >&2; die "no result from wrk on port $1"; }
}
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$2"; }

if [[ " $PHASES " == *" warm "* ]]; then
  echo
  echo "warm: wrk -c$CONNECTIONS on /validate, $WARMUP s warm-up each, then 3 turns of $((WARM / 3)) s each; server CPU per admission"
  start_floor "$WORK/floor.log"
  targets=("floor $FLOOR_PID $FLOOR_PORT")
  n=0
  for spec in "${SPECS[@]}"; do
    n=$((n + 1)); port=$((PORT + n + 1))
    start_server "${spec%%:*}" "$(java_of "$spec")" "$port" "$WORK/warm.$n.log"
    wait_ready "$SERVER_PID" "$port" "$WORK/warm.$n.log"
    targets+=("$n $SERVER_PID $port")
  done
  for t in "${targets[@]}"; do read -r label pid port <<<"$t"; wrk_run "$port" "$WARMUP" "$WORK/warmup.$label"; done
  for turn in 1 2 3; do
    for t in "${targets[@]}"; do
      read -r label pid port <<<"$t"
      c0=$(cpu_ticks "$pid"); wrk_run "$port" $((WARM / 3)) "$WORK/wrk.$label.$turn"; c1=$(cpu_ticks "$pid")
      # errors: answers other than 2xx; socket errors include wrk's 2 s timeouts, which a loaded machine causes.
      echo "$((c1 - c0)) $(field requests "$WORK/wrk.$label.$turn") $(field duration_us "$WORK/wrk.$label.$turn") $(field non2xx "$WORK/wrk.$label.$turn") $(field socket_errors "$WORK/wrk.$label.$turn")" >>"$WORK/warm.$label"
    done
  done
  floor_cpu=$(awk -v tick="$TICK" '{ c += $1; r += $2 } END { printf "%.5f", c / tick * 1000 / r }' "$WORK/warm.floor")
  printf '%-6s %12s %10s %8s %8s %8s %12s\n' '' 'cpu/adm ms' 'req/s' non-2xx 'sock err' 'rss MB' 'x floor'
  for t in "${targets[@]}"; do
    read -r label pid port <<<"$t"
    awk -v tick="$TICK" -v l="$label" -v f="$floor_cpu" -v rss="$(rss_mb "$pid")" '{ c += $1; r += $2; d += $3; e += $4; x += $5; t[NR] = sprintf("%.2f", $1 / tick * 1000 / $2 / f) }
      END { cpu = c / tick * 1000 / r; printf "%-6s %12.4f %10.0f %8d %8d %8d %12.2f  (per turn: %s %s %s)\n", (l == "floor" ? l : "[" l "]"), cpu, r / (d / 1e6), e, x, rss, cpu / f, t[1], t[2], t[3] }' "$WORK/warm.$label"
  done
fi
