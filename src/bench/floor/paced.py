#!/usr/bin/env python3
"""Paced admission client for src/bench/cold-path.sh: N calls at RATE per second over one keep-alive HTTPS
connection (as the API server keeps one), cycling through fixture bodies; /mutate for files named *-mutate-*.

  paced.py HOST PORT N RATE BODY...      prints "calls=N errors=E p50_ms=.. p99_ms=.. max_ms=.."

Sends on a fixed schedule (call i at start + i/RATE), so a slow answer does not lower the rate afterwards.
Only loopback targets are accepted."""
import http.client, os, ssl, sys, time

host, port, n, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
if host not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("paced.py: loopback targets only")
bodies = []
for path in sys.argv[5:]:
    with open(path, "rb") as f:
        bodies.append(("/mutate" if "-mutate-" in os.path.basename(path) else "/validate", f.read()))
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=10)
lat, errors = [], 0
start = time.monotonic()
for i in range(n):
    due = start + i / rate
    wait = due - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    path, body = bodies[i % len(bodies)]
    t0 = time.perf_counter()
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200 or b'"AdmissionReview"' not in data:
            errors += 1
    except (OSError, http.client.HTTPException):
        errors += 1
        conn.close()
        conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=10)
    lat.append((time.perf_counter() - t0) * 1000)
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"calls={n} errors={errors} p50_ms={q(0.50):.2f} p99_ms={q(0.99):.2f} max_ms={lat[-1]:.2f}")
