#!/usr/bin/env bash
# Generates 1,000 manifests (Services of every type and Ingresses, some naming existing CLBs, plus other kinds)
# into a temp dir and times one run of the packaged jar's validate command over them.
# Usage: src/bench/validate-1000.sh [--keep]    (build first: ./mvnw -B package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -B package -DskipTests first" >&2; exit 2; }
DIR=$(mktemp -d)
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$DIR"' EXIT

lbs=(lb-0g3v8r2m lb-6swtxp1x lb-77aa88bb lb-tkemade1 lb-otherc01 lb-classic1 lb-othervpc lb-ingused1 lb-nothere9)
for i in $(seq -w 1 1000); do
  f="$DIR/app-$i.yaml"
  case $((10#$i % 8)) in
    0) printf 'apiVersion: v1\nkind: Service\nmetadata: {name: svc-%s, namespace: team-%s}\nspec:\n  selector: {app: a%s}\n  ports: [{port: 80, targetPort: 8080}]\n' "$i" $((10#$i % 7)) "$i" > "$f" ;;
    1) printf 'apiVersion: v1\nkind: Service\nmetadata: {name: svc-%s, namespace: team-%s}\nspec:\n  clusterIP: None\n  selector: {app: a%s}\n  ports: [{port: 80}]\n' "$i" $((10#$i % 7)) "$i" > "$f" ;;
    2) printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%s\n  namespace: team-%s\n  annotations: {service.kubernetes.io/tke-existed-lbid: %s}\nspec:\n  type: LoadBalancer\n  ports: [{port: 443, targetPort: 8443}]\n' "$i" $((10#$i % 7)) "${lbs[$((10#$i % 9))]}" > "$f" ;;
    3) printf 'apiVersion: v1\nkind: Service\nmetadata: {name: svc-%s, namespace: team-%s}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n' "$i" $((10#$i % 7)) > "$f" ;;
    4) printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing-%s, namespace: team-%s}\nspec:\n  rules:\n  - host: h%s.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: svc-%s, port: {number: 80}}}}\n' "$i" $((10#$i % 7)) "$i" "$i" > "$f" ;;
    5) printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-%s\n  namespace: team-%s\n  annotations: {kubernetes.io/ingress.class: qcloud, kubernetes.io/ingress.existLbId: %s}\nspec:\n  defaultBackend: {service: {name: svc-%s, port: {number: 80}}}\n' "$i" $((10#$i % 7)) "${lbs[$((10#$i % 9))]}" "$i" > "$f" ;;
    6) printf 'apiVersion: v1\nkind: Service\nmetadata: {name: ext-%s, namespace: team-%s}\nspec: {type: ExternalName, externalName: db%s.example.internal}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%s, namespace: team-%s}\ndata: {k: v}\n' "$i" $((10#$i % 7)) "$i" "$i" $((10#$i % 7)) > "$f" ;;
    7) printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d-%s, namespace: team-%s}\nspec:\n  selector: {matchLabels: {app: a%s}}\n  template:\n    metadata: {labels: {app: a%s}}\n    spec: {containers: [{name: app, image: nginx}]}\n' "$i" $((10#$i % 7)) "$i" "$i" > "$f" ;;
  esac
done
echo "generated $(ls "$DIR" | wc -l) manifest files in $DIR" >&2

start=$(date +%s%N)
set +e
java -jar "$JAR" validate --cluster-id cls-7k2m9q4p --region ap-guangzhou --vpc-id vpc-4f8q2w1e --elastic \
  --policies policies --clb-state src/main/resources/emulator/dev-seed.yaml "$DIR" > "$DIR.out" 2> "$DIR.err"
code=$?
set -e
end=$(date +%s%N)
tail -1 "$DIR.err" >&2
echo "exit code $code, $(wc -l < "$DIR.out") finding line(s), wall time $(( (end - start) / 1000000 )) ms" >&2
rm -f "$DIR.out" "$DIR.err"
