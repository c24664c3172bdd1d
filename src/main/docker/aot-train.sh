#!/usr/bin/env bash
# Training run for the JDK AOT cache (JDK 24+, JEP 483/515): starts the packaged server as production would
# (prod profile, TLS, serial collector, dummy cloud credentials), sends it real kube-apiserver admission requests
# that need no CLB lookup, stops it, and leaves APP_DIR/app.aot: the classes it loaded and linked and the method
# profiles it gathered, so the next start skips that work. Dockerfile.jvm runs it in a stage of the runtime image
# itself, because a cache is only used by the exact JVM build that wrote it.
#
#   src/main/docker/aot-train.sh [APP_DIR] [LIST] [BODIES_DIR]
#
# APP_DIR: the fast-jar directory (default target/quarkus-app); LIST: which bodies, one file name a line, "#"
# comments (default src/bench/scenarios/no-lookups.txt: none needs a cloud call); BODIES_DIR: where they are
# (default src/test/resources/fixtures/apiserver-1.28/requests); "-mutate-" in a name sends it to /mutate. JAVA (default: java) runs it; on a JDK older than 24 the
# script says so and exits 0 without a cache. The policies: CLBGUARD_POLICIES_DIR (default ./policies). ROUNDS (30) passes over the bodies, PORT (19463) on 127.0.0.1.
# Needs curl and openssl (the throw-away certificate).
set -euo pipefail

APP="$(cd "${1:-target/quarkus-app}" && pwd)"
LIST="${2:-src/bench/scenarios/no-lookups.txt}"
BODIES="$(cd "${3:-src/test/resources/fixtures/apiserver-1.28/requests}" && pwd)"
JAVA="${JAVA:-java}"
# Options for a server without a cluster (the training has none), kept next to this script.
ARGS="$(cd "$(dirname "$0")" && pwd)/no-cluster.args"
ROUNDS="${ROUNDS:-30}"
PORT="${PORT:-19463}"

POLICIES="$(cd "${CLBGUARD_POLICIES_DIR:-policies}" 2>/dev/null && pwd)" || { echo "aot-train.sh: no policies directory" >&2; exit 1; }
die() { echo "aot-train.sh: $*" >&2; exit 1; }
[[ -f "$APP/quarkus-run.jar" ]] || die "no $APP/quarkus-run.jar: package first (./mvnw -B package -DskipTests)"
[[ -f "$ARGS" ]] || die "no $ARGS"
[[ -f "$LIST" ]] || die "no list of bodies $LIST"
LIST="$(cd "$(dirname "$LIST")" && pwd)/$(basename "$LIST")"
major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [[ -z "$major" || "$major" == 1.* ]] || (( major < 24 )); then
  echo "aot-train.sh: skipped: $JAVA is Java ${major:-?}; the AOT cache needs a JDK 24 or newer (set JAVA=...)"
  exit 0
fi
for tool in curl openssl; do command -v "$tool" >/dev/null || die "$tool is missing"; done

WORK="$(mktemp -d)"
PID=""
cleanup() {
  [[ -n "$PID" ]] && kill -9 "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The certificate: PEM files, as the Secret mounts them in a cluster.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
TLS=("-D%prod.quarkus.tls.key-store.pem.0.cert=$WORK/tls.crt" "-D%prod.quarkus.tls.key-store.pem.0.key=$WORK/tls.key")

cd "$APP"
# shellcheck disable=SC2086
TENCENTCLOUD_SECRET_ID=training TENCENTCLOUD_SECRET_KEY=training "$JAVA" ${JAVA_OPTS:--XX:+UseSerialGC} \
  -XX:AOTCacheOutput="$APP/app.aot" "@$ARGS" -Dclbguard.cloud.mode=tencent \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.ssl-port="$PORT" "${TLS[@]}" \
  -Dclbguard.policies.dir="$POLICIES" \
  -jar "$APP/quarkus-run.jar" >"$WORK/server.log" 2>&1 &
PID=$!
for i in $(seq 1 600); do
  curl -skf "https://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { tail -30 "$WORK/server.log" >&2; die "server exited during start"; }
  (( i == 600 )) && { tail -30 "$WORK/server.log" >&2; die "server not ready after 60 s"; }
  sleep 0.1
done

# Each round: one connection (one handshake) carrying every body, creates and updates, validating and mutating.
args=()
while read -r name; do
  name="${name%%#*}"; name="${name//[[:space:]]/}"
  [[ -z "$name" || "$name" == @* ]] && continue
  body="$BODIES/$name"
  [[ -f "$body" ]] || die "no $body"
  case "$name" in *-mutate-*) path=mutate ;; *) path=validate ;; esac
  args+=(--next -sk -o /dev/null -H 'Content-Type: application/json' --data-binary "@$body" "https://127.0.0.1:$PORT/$path")
done <"$LIST"
(( ${#args[@]} > 0 )) || die "no bodies listed in $LIST"
for _ in $(seq 1 "$ROUNDS"); do
  curl "${args[@]:1}" || die "an admission failed during training"
done
curl -skf -o /dev/null "https://127.0.0.1:$PORT/q/metrics"
curl -skf -o /dev/null "https://127.0.0.1:$PORT/q/health/live"

# A normal exit writes the cache (the JVM forks the assembly step); give it up to 5 minutes.
kill -TERM "$PID"
for _ in $(seq 1 3000); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
wait "$PID" 2>/dev/null || true
PID=""
[[ -s "$APP/app.aot" ]] || { tail -30 "$WORK/server.log" >&2; die "no app.aot written"; }
echo "aot-train.sh: $APP/app.aot ($(du -m "$APP/app.aot" | cut -f1) MiB) from $ROUNDS rounds of $(( ${#args[@]} / 9 )) admissions"
