#!/usr/bin/env bash
# ShowJobList benchmark: starts the real lakedeck-server, stops it, writes 100,000 job records for
# the seeded analytics-prod cluster straight into DATA_DIR/sandbox.db (the format engine/jobs.rs
# writes), restarts it and prints p50/p95/max milliseconds of 20 requests each of an unfiltered
# first page, a filtered+sorted page, a time-range page and the last page, with total_record.
# It prints figures; it does not fail on slowness (exit 0 unless an answer is malformed).
#
# The program is crates/server/tests/bench_jobs.rs (an #[ignore]d test, run with --ignored).
# Server binary: the release build if one is already built ($ROOT/target/release, then
# $CARGO_TARGET_DIR/release), else the debug build cargo makes for the test. Figures from a debug
# build are slower than release ones; compare like with like. Override with LAKEDECK_BENCH_BIN.
# BENCH_JOBS and BENCH_N change the record and request counts.
#
# Then the console half (crates/e2e/tests/bench_jobs_render.rs): the same 100,000 records, the
# release bundle in headless Chromium, a filtered and sorted page of 50 in the cluster's Jobs view;
# prints first-load, page-change and refresh times, the server's share, and per phase the longest
# frame and the long tasks (> 50 ms).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
ensure_build_tools
ensure_browser
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-server}"
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  for bin in "$ROOT/target/release/lakedeck-server" "$CARGO_TARGET_DIR/release/lakedeck-server"; do
    if [ -x "$bin" ]; then
      export LAKEDECK_BENCH_BIN="$bin"
      break
    fi
  done
fi
echo "server: ${LAKEDECK_BENCH_BIN:-debug build of this checkout}"
cargo test --locked -q -p lakedeck-server --test bench_jobs -- --ignored --nocapture --test-threads=1

build_bundle
say "console render of the job list (headless Chromium, release bundle)"
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  cargo build --locked -q -p lakedeck-server
  LAKEDECK_BENCH_BIN="$CARGO_TARGET_DIR/debug/lakedeck-server"
fi
LAKEDECK_SERVER_BIN="$LAKEDECK_BENCH_BIN" DIST_DIR="$ROOT/dist" CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -q -p lakedeck-e2e --test bench_jobs_render -- --ignored --nocapture
