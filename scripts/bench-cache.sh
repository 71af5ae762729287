#!/usr/bin/env bash
# Cache benchmark (issue 10 §5, sandbox half): 1 GiB in 2,000 files in the sandbox's OBS tree is
# loaded through the Alluxio cache (POST /api/v1/load, polled every 2 s until SUCCEEDED, then freed)
# and copied with a plain `cp -r` on the same disk, in three interleaved rounds (a `sync` before
# each, so neither pays for the other's write-back); prints the median throughputs (the load's by
# its own running time, timeElapsedMilliseconds), their ratio (goal: the load at least 0.5x of cp),
# and the cost of polling progress: one more load polled every 20 ms, its time against the median,
# and the latency of GET /api/v1/load?id= while the load runs.
# Then the console half (crates/e2e/tests/bench_cache_render.rs): the release bundle in headless
# Chromium, the Cache Jobs view holding 10,000 jobs (BENCH_CACHE_JOBS): open, page, filter and
# refresh times, the render share after the data arrived, the longest frame and long tasks.
# It prints figures; it does not fail on slowness.
#
# Server binary: the release build (built if missing). Override with LAKEDECK_BENCH_BIN.
# BENCH_CACHE_FILES and BENCH_CACHE_MB change the file count and total size; BENCH_CACHE_DIR the
# work directory (default: a new directory under /tmp; use the disk you want to measure).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
FILES="${BENCH_CACHE_FILES:-2000}"
MB="${BENCH_CACHE_MB:-1024}"
WORK="${BENCH_CACHE_DIR:-$(mktemp -d /tmp/lakedeck-bench-cache-XXXXXX)}"
mkdir -p "$WORK"
cd "$ROOT"

BIN="${LAKEDECK_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/lakedeck-server"
  if [ ! -x "$BIN" ]; then
    echo "building the release server (once)…"
    cargo build --locked -q --release -p lakedeck-server
  fi
fi
echo "server: $BIN"
echo "work dir: $WORK ($(df -h "$WORK" | awk 'NR==2 {print $1}'))"

DATA="$WORK/data"
SRC="$DATA/obs/bench/files"
rm -rf "$DATA" "$WORK/cp-copy"
mkdir -p "$SRC" "$WORK/dist"
echo "writing $FILES files, $MB MiB of random bytes…"
dd if=/dev/urandom of="$WORK/blob" bs=1M count="$MB" status=none
SIZE=$(( MB * 1024 * 1024 / FILES + 1 ))
split -b "$SIZE" -d -a 5 "$WORK/blob" "$SRC/part-"
rm -f "$WORK/blob"
COUNT=$(find "$SRC" -type f | wc -l)
BYTES=$(find "$SRC" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
echo "$COUNT files, $BYTES bytes"
# Warm the page cache so neither side pays for the first read of the source.
cat "$SRC"/* > /dev/null

TOKEN="bench-cache-token"
LOG="$WORK/server.log"
LAKEDECK_SANDBOX_TOKEN="$TOKEN" LAKEDECK_ALLUXIO_CAPACITY="$(( MB * 2 ))MB" \
  "$BIN" --listen 127.0.0.1:0 --data-dir "$DATA" --dist "$WORK/dist" > "$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA" "$WORK/cp-copy"' EXIT
for _ in $(seq 1 100); do
  URL=$(grep -o 'http://[0-9.:]*' "$LOG" | head -1 || true)
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "${URL:-}" ] || { echo "the server did not start:"; cat "$LOG"; exit 1; }

python3 - "$URL" "$TOKEN" "$BYTES" "$COUNT" "$SRC" "$WORK/cp-copy" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request

url, token, total, count, src, dst = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]

def call(method, path, body=None):
    req = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(), method=method)
    req.add_header("X-Auth-Token", token)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())

ROUNDS = 3

def cp_once():
    subprocess.run(["rm", "-rf", dst], check=True)
    subprocess.run(["sync"], check=True)
    t = time.perf_counter()
    subprocess.run(["cp", "-r", src, dst], check=True)
    secs = time.perf_counter() - t
    subprocess.run(["rm", "-rf", dst], check=True)
    return secs

call("POST", "/api/v1/mount", {"path": "/bench", "ufs": "obs://bench/files"})

def load(every):
    """Loads everything, polling every `every` seconds, then frees it again. Returns the job's own
    running time (s), submit-to-seen-done wall time (s) and the poll latencies (ms)."""
    subprocess.run(["sync"], check=True)
    t = time.perf_counter()
    job = call("POST", "/api/v1/load", {"paths": ["/bench"], "options": {"batchSize": 200}})
    polls = []
    while True:
        p0 = time.perf_counter()
        p = call("GET", f"/api/v1/load?id={job['id']}")
        polls.append((time.perf_counter() - p0) * 1000)
        if p["state"] in ("SUCCEEDED", "FAILED", "STOPPED"):
            break
        time.sleep(every)
    wall = time.perf_counter() - t
    assert p["state"] == "SUCCEEDED", p
    assert p["loadedBytes"] == total, p
    free = call("POST", "/api/v1/free", {"paths": ["/bench"]})
    while call("GET", f"/api/v1/free?id={free['id']}")["state"] not in ("SUCCEEDED", "FAILED", "STOPPED"):
        time.sleep(0.2)
    return p["timeElapsedMilliseconds"] / 1000, wall, polls

# Interleaved rounds so both sides see the same machine (other work, write-back of dirty pages).
cps, loads = [], []
for _ in range(ROUNDS):
    cps.append(cp_once())
    loads.append(load(2.0))
fast = load(0.02)
nodes = call("GET", "/api/v1/nodes")

def rate(secs):
    return total / secs / 1e6

cp_med = statistics.median(cps)
load_med = statistics.median(l[0] for l in loads)
print()
print(f"{count} files, {total / 2**20:.0f} MiB, page size 1 MiB, {len(nodes)} workers, replicas 1, {ROUNDS} rounds")
print(f"cp -r           median {cp_med:6.2f} s  {rate(cp_med):7.1f} MB/s   (rounds: {', '.join(f'{c:.2f}' for c in cps)} s)")
print(f"load (job time) median {load_med:6.2f} s  {rate(load_med):7.1f} MB/s   (rounds: {', '.join(f'{l[0]:.2f}' for l in loads)} s)")
print(f"load / cp throughput: {rate(load_med) / rate(cp_med):.2f}x (goal >= 0.5x)")
lat = sorted(fast[2])
print(f"polling every 20 ms: job {fast[0]:.2f} s ({rate(fast[0]):.1f} MB/s, {(fast[0] / load_med - 1) * 100:+.1f} % vs the median), "
      f"{len(lat)} progress GETs: p50 {statistics.median(lat):.1f} ms, p95 {lat[max(0, int(len(lat) * 0.95) - 1)]:.1f} ms, max {lat[-1]:.1f} ms")
PY

kill $PID 2>/dev/null || true
wait $PID 2>/dev/null || true
ensure_build_tools
ensure_browser
build_bundle
say "console: the Cache Jobs view with ${BENCH_CACHE_JOBS:-10000} jobs (headless Chromium, release bundle)"
LAKEDECK_SERVER_BIN="$BIN" DIST_DIR="$ROOT/dist" CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -q -p lakedeck-e2e --test bench_cache_render -- --ignored --nocapture
