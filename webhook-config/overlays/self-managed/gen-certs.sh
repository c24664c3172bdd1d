#!/usr/bin/env sh
# Makes a CA and a serving certificate for clbguard's Service with openssl, into ./certs next to this script:
#   ca.crt (becomes the webhooks' caBundle), tls.crt (serving certificate + CA chain), tls.key, and ca.key, the
#   CA's private key: it signs certificates the API server trusts, so it is never committed (certs/ is
#   git-ignored) nor applied; keep it with your other CA keys and put it back here to renew.
# Re-run to renew the serving certificate (the CA is kept while it has more than 30 days left), then
#   kubectl apply -k webhook-config/overlays/self-managed
# The pods pick up the new certificate without a restart (the TLS registry's quarkus.tls.reload-period).
# Usage: gen-certs.sh [namespace] [days]   (defaults: clbguard, 90)
set -eu
NS="${1:-clbguard}"
DAYS="${2:-90}"
SVC=clbguard
DIR="$(cd "$(dirname "$0")" && pwd)/certs"
mkdir -p "$DIR"
umask 077
cd "$DIR"

if [ ! -s ca.key ] || ! openssl x509 -in ca.crt -noout -checkend $((30 * 86400)) >/dev/null 2>&1; then
  openssl ecparam -name prime256v1 -genkey -noout -out ca.key.new
  openssl req -x509 -new -key ca.key.new -sha256 -days 3650 -subj "/CN=clbguard-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt.new
  mv ca.key.new ca.key
  mv ca.crt.new ca.crt
fi

openssl ecparam -name prime256v1 -genkey -noout -out tls.key.new
openssl req -new -key tls.key.new -subj "/CN=$SVC.$NS.svc" -out tls.csr
cat > tls.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$SVC.$NS.svc,DNS:$SVC.$NS.svc.cluster.local
EXT
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$DAYS" \
  -extfile tls.ext -out tls.crt.new
# PKCS#8 is what every TLS stack reads; the chain lets clients that only trust the CA verify it.
openssl pkcs8 -topk8 -nocrypt -in tls.key.new -out tls.key.pk8
cat tls.crt.new ca.crt > tls.crt
mv tls.key.pk8 tls.key
rm -f tls.key.new tls.crt.new tls.csr tls.ext ca.srl
chmod 600 ca.key tls.key
chmod 644 ca.crt tls.crt
echo "wrote $DIR/{ca.crt,tls.crt,tls.key} for $SVC.$NS.svc, valid $DAYS days:"
openssl x509 -in tls.crt -noout -subject -enddate
