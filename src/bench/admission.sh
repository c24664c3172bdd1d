#!/usr/bin/env bash
# Admission benchmark: the packaged server (prod profile, or the scenario's @profile; TLS with a throw-away certificate) driven by wrk with
# real kube-apiserver request bodies, against /q/health/live as the baseline of the same server.
#
#   src/bench/admission.sh [scenario]        scenarios: src/bench/scenarios/<name>.txt (default: no-lookups)
#
# Targets: /validate p99 under 1 ms server-side (clbguard_admission_latency_seconds) and /validate throughput
# at least 70 % of /q/health/live. Settings (environment): DURATION (20s per endpoint, in ROUNDS (4) turns),
# WARMUP (15s), CONNECTIONS (16), THREADS (1), PORT (18443), REBUILD=1 to package even if a build exists, JAVA_OPTS (-XX:+UseSerialGC),
# POLICIES (the policy directory, ./policies; upper-bound.sh gives an empty one).
# The server runs with the serial collector: the one the shipped native image has, and the one the JVM picks
# itself under the Deployment's 1-CPU limit. On this 2-CPU bench machine it would otherwise pick G1.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/src/bench"
FIXTURES="$ROOT/src/test/resources/fixtures/apiserver-1.28/requests"
SCENARIO="${1:-no-lookups}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-15s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-1}"
ROUNDS="${ROUNDS:-4}"
PORT="${PORT:-18443}"
BASE="https://127.0.0.1:$PORT"

die() { echo "admission.sh: $*" >&2; exit 1; }

for tool in java curl openssl wrk awk join sort; do
  command -v "$tool" >/dev/null || die "$tool is missing (wrk: apt-get install -y wrk)"
done
[[ -f "$BENCH/scenarios/$SCENARIO.txt" ]] || die "no scenario '$SCENARIO' (have: $(cd "$BENCH/scenarios" && ls | sed 's/\.txt$//' | tr '\n' ' '))"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the scenario: a named list of fixture bodies, split by endpoint -------------------------------------------
: >"$WORK/validate.list"
: >"$WORK/mutate.list"
PROFILE=prod
while read -r line; do
  line="${line%%#*}"
  if [[ "$line" == @profile* ]]; then PROFILE="$(echo "${line#@profile}" | tr -d '[:space:]')"; continue; fi
  line="${line//[[:space:]]/}"
  [[ -z "$line" ]] && continue
  [[ -f "$FIXTURES/$line" ]] || die "scenario $SCENARIO: no fixture $line"
  if [[ "$line" == *-mutate-* ]]; then echo "$FIXTURES/$line" >>"$WORK/mutate.list"; else echo "$FIXTURES/$line" >>"$WORK/validate.list"; fi
done <"$BENCH/scenarios/$SCENARIO.txt"
[[ -s "$WORK/validate.list" && -s "$WORK/mutate.list" ]] || die "scenario $SCENARIO needs both validate and mutate bodies"

# --- build if needed --------------------------------------------------------------------------------------------
# A prod build has no CLB API emulator: a scenario of another profile needs a build of that profile.
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
BUILT="$ROOT/target/quarkus-app/built-profile"
if [[ "${REBUILD:-0}" == 1 || ! -f "$JAR" || "$(cat "$BUILT" 2>/dev/null)" != "$PROFILE" ]] \
    || [[ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "building (./mvnw -B -q package -DskipTests -Dquarkus.profile=$PROFILE) ..."
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -Dquarkus.profile="$PROFILE")
  echo "$PROFILE" >"$BUILT"
fi

# --- start the server: the scenario's profile (prod unless it says @profile), throw-away certificate -----------
# prod must talk to Tencent Cloud: a scenario without lookups never calls it, so dummy credentials do. Other
# profiles (bench) use the CLB API emulator seeded with the dev seed, through the same SDK adapter.
if [[ "$PROFILE" == prod ]]; then
  export TENCENTCLOUD_SECRET_ID=bench-unused TENCENTCLOUD_SECRET_KEY=bench-unused
  CLOUD=(-Dclbguard.cloud.mode=tencent)
else
  CLOUD=(-Dclbguard.cloud.mode=emulator -Dclbguard.emulator.seed=emulator/dev-seed.yaml)
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
# shellcheck disable=SC2086
java ${JAVA_OPTS:--XX:+UseSerialGC} -Dquarkus.profile="$PROFILE" "${CLOUD[@]}" \
  -Dquarkus.http.ssl-port="$PORT" \
  "-D%$PROFILE.quarkus.tls.key-store.pem.0.cert=$WORK/tls.crt" "-D%$PROFILE.quarkus.tls.key-store.pem.0.key=$WORK/tls.key" \
  -Dclbguard.cluster.id=cls-7k2m9q4p -Dclbguard.cluster.region=ap-guangzhou -Dclbguard.cluster.vpc-id=vpc-4f8q2w1e \
  -Dclbguard.cluster.elastic=true -Dclbguard.cluster.owner-uin=100012345678 \
  -Dclbguard.policies.dir="${POLICIES:-$ROOT/policies}" -Dclbguard.live-index.enabled=false \
  -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 120); do
  curl -skf "$BASE/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$WORK/server.log" >&2; die "server exited during start"; }
  [[ $i == 120 ]] && { tail -30 "$WORK/server.log" >&2; die "server not ready after 60 s"; }
  sleep 0.5
done

# --- every body is answered 200 with an AdmissionReview before anything is measured ---------------------------
for endpoint in validate mutate; do
  while read -r body; do
    code=$(curl -sk -o "$WORK/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
      --data-binary @"$body" "$BASE/$endpoint")
    [[ "$code" == 200 ]] && grep -q '"kind":"AdmissionReview"' "$WORK/answer.json" \
      || die "/$endpoint answered $code for $(basename "$body"): $(head -c 300 "$WORK/answer.json")"
  done <"$WORK/$endpoint.list"
done

# wrk <label> <duration> <path> [body list]  -> "RESULT ..." line in $WORK/<label>.out
drive() {
  local label=$1 duration=$2 path=$3 list=${4:-}
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -s "$BENCH/bodies.lua" "$BASE$path" ${list:+-- "$list"} >"$WORK/$label.out" 2>&1 \
    || { cat "$WORK/$label.out" >&2; die "wrk failed for $path"; }
  grep -q '^RESULT' "$WORK/$label.out" || { cat "$WORK/$label.out" >&2; die "no result from wrk for $path"; }
}

# Sums clbguard_admission_latency_seconds buckets of one webhook over all label sets: "le count" lines.
buckets() {
  awk -v w="webhook=\"$2\"" 'index($0, "clbguard_admission_latency_seconds_bucket{") == 1 && index($0, w) {
      match($0, /le="[^"]+"/); c[substr($0, RSTART + 4, RLENGTH - 5)] += $NF }
    END { for (k in c) print k, c[k] }' "$1" | sort -k1,1
}
# server_quantile <before> <after> <webhook> <q> -> "<upper bound in ms> <requests>" for the requests in between.
server_quantile() {
  join <(buckets "$1" "$3") <(buckets "$2" "$3") | awk '{ print ($1 == "+Inf" ? "inf" : $1), $3 - $2 }' | sort -g \
    | awk -v q="$4" '{ le[NR] = $1; c[NR] = $2 }
        END { t = c[NR]; for (i = 1; i <= NR; i++) if (c[i] >= q * t) {
                printf "%s %d\n", (le[i] == "inf" ? "inf" : sprintf("%.3f", le[i] * 1000)), t; exit } }'
}
# value <name> <files...> -> the number after "<name>=" on each RESULT line
value() { local name=$1; shift; sed -n "s/.*$name=\([0-9]*\).*/\1/p" "$@"; }
# field <label> <name> -> one value per line, one line per round of that label; one: a single run's value
field() { value "$2" "$WORK/$1".*.out; }
one() { value "$2" "$WORK/$1.out"; }
sum() { field "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }

# The three endpoints take turns in short rounds, so a drift in the machine's speed (other tenants, frequency)
# falls on all three alike instead of on whichever ran last.
SECONDS_TOTAL="${DURATION%s}"
[[ "$SECONDS_TOTAL" =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, like 20s"
ROUND=$(( SECONDS_TOTAL / ROUNDS ))
(( ROUND >= 2 )) || die "DURATION / ROUNDS must be at least 2 s"

echo "scenario $SCENARIO (profile $PROFILE): $(wc -l <"$WORK/validate.list") validate + $(wc -l <"$WORK/mutate.list") mutate bodies;" \
  "wrk -t$THREADS -c$CONNECTIONS, warm-up $WARMUP each, then $ROUNDS rounds of ${ROUND}s each in turn;" \
  "$(nproc) CPUs shared by server and wrk"
drive warm-validate "$WARMUP" /validate "$WORK/validate.list"
drive warm-mutate "$WARMUP" /mutate "$WORK/mutate.list"
drive warm-health "$WARMUP" /q/health/live
rm -f "$WORK"/warm-*.out

# Only /validate calls move the validate histogram and only /mutate calls the mutate one, so one snapshot before
# and one after all rounds count each webhook's measured requests exactly.
curl -sk "$BASE/q/metrics" >"$WORK/m0.txt"
for round in $(seq 1 "$ROUNDS"); do
  drive "validate.$round" "${ROUND}s" /validate "$WORK/validate.list"
  drive "mutate.$round" "${ROUND}s" /mutate "$WORK/mutate.list"
  drive "health.$round" "${ROUND}s" /q/health/live
done
curl -sk "$BASE/q/metrics" >"$WORK/m1.txt"

printf '\n%-16s %10s %12s %12s %8s\n' endpoint 'req/s' 'p50 ms (med)' 'p99 ms (max)' errors
for label in validate mutate health; do
  awk -v l="$label" -v r="$(sum $label requests)" -v d="$(sum $label duration_us)" \
    -v p50="$(field $label p50_us | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
    -v p99="$(field $label p99_us | sort -n | tail -1)" -v e="$(( $(sum $label socket_errors) + $(sum $label non2xx) ))" \
    'BEGIN { printf "%-16s %10.0f %12.3f %12.3f %8d\n", l, r / (d / 1e6), p50 / 1000, p99 / 1000, e }'
done
# A server that records no histogram reads as "n/a", not as a failed run.
read -r v50 vn < <(server_quantile "$WORK/m0.txt" "$WORK/m1.txt" validate 0.50) || v50=n/a vn=0
read -r v99 _ < <(server_quantile "$WORK/m0.txt" "$WORK/m1.txt" validate 0.99) || v99=n/a
read -r m99 mn < <(server_quantile "$WORK/m0.txt" "$WORK/m1.txt" mutate 0.99) || m99=n/a mn=0
echo
echo "server-side (clbguard_admission_latency_seconds, histogram bucket upper bounds):"
echo "  /validate p50 <= $v50 ms, p99 <= $v99 ms over $vn requests   (target p99 < 1 ms)"
echo "  /mutate   p99 <= $m99 ms over $mn requests"
rounds=$(for round in $(seq 1 "$ROUNDS"); do
  awk -v v="$(one validate.$round requests)" -v vd="$(one validate.$round duration_us)" \
    -v h="$(one health.$round requests)" -v hd="$(one health.$round duration_us)" \
    'BEGIN { printf "%.2f ", (v / vd) / (h / hd) }'
done)
awk -v v="$(sum validate requests)" -v vd="$(sum validate duration_us)" -v h="$(sum health requests)" \
  -v hd="$(sum health duration_us)" -v m="$(sum mutate requests)" -v md="$(sum mutate duration_us)" -v rounds="$rounds" \
  'BEGIN { printf "throughput /validate / /q/health/live = %.2f (target >= 0.70; per round: %s); /mutate / /q/health/live = %.2f\n",
           (v / vd) / (h / hd), rounds, (m / md) / (h / hd) }'
errors=0
for label in validate mutate health; do errors=$(( errors + $(sum $label socket_errors) + $(sum $label non2xx) )); done
[[ $errors == 0 ]] || die "$errors requests failed during the measured runs"
