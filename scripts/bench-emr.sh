#!/usr/bin/env bash
# ListJobRuns benchmark (EMR Serverless Spark): starts the real lakedeck-server, stops it, writes
# 100,000 job runs for one workspace straight into DATA_DIR/sandbox.db (the format
# engine/emr_spark.rs writes), restarts it and prints p50/p95/max milliseconds of 20 signed
# (ACS3-HMAC-SHA256) requests each of the first page, a page 100 pages deep reached by nextToken,
# and pages filtered by states, name, tag, submit window, queue+workflow+state, minDuration, a Spark
# setting and groupByState, with totalCount. It prints figures; it does not fail on slowness.
# Then the console half: the same 100,000 runs, the release bundle in headless Chromium on the Job
# runs view, paging forward by nextToken and back by the remembered tokens, and two filter changes.
#
# The programs are crates/server/tests/bench_emr.rs and crates/e2e/tests/bench_emr_render.rs
# (#[ignore]d tests, run with --ignored).
# Server binary: the release build if one is already built, else the debug build cargo makes for
# the test; override with LAKEDECK_BENCH_BIN. BENCH_RUNS and BENCH_N change the counts.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
ensure_build_tools
ensure_browser
cd "$ROOT"
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  for bin in "$ROOT/target/release/lakedeck-server" "${CARGO_TARGET_DIR:-$ROOT/target}/release/lakedeck-server"; do
    if [ -x "$bin" ]; then
      export LAKEDECK_BENCH_BIN="$bin"
      break
    fi
  done
fi
echo "server: ${LAKEDECK_BENCH_BIN:-debug build of this checkout}"
cargo test --locked -q -p lakedeck-server --test bench_emr -- --ignored --nocapture --test-threads=1

build_bundle
say "console render of the Job runs view (headless Chromium, release bundle)"
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  cargo build --locked -q -p lakedeck-server
  LAKEDECK_BENCH_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/lakedeck-server"
fi
LAKEDECK_SERVER_BIN="$LAKEDECK_BENCH_BIN" DIST_DIR="$ROOT/dist" CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -q -p lakedeck-e2e --test bench_emr_render -- --ignored --nocapture
