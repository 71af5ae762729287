#!/usr/bin/env bash
# Sandbox figures: first-start and restart memory (RSS) and the server's share of a SQL statement's
# round trip (ExecuteSql, then ShowSqlResult polled without pause), for SELECT 1 and a TPC-H
# aggregate. Then the same round trip as a user feels it: SELECT 1 from Ctrl+Enter to its row in
# headless Chromium on the release bundle (goal ≤ 30 ms). Prints figures; never fails on slowness.
#
# The programs are crates/server/tests/bench_sql.rs and crates/e2e/tests/bench_sql_roundtrip.rs
# (#[ignore]d tests). They use the release server (built here if missing) unless LAKEDECK_BENCH_BIN
# names another binary; the bundle is built into dist/ unless DIST_DIR names a built one.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  say "cargo build --release -p lakedeck-server"
  cargo build --locked --release -q -p lakedeck-server
  export LAKEDECK_BENCH_BIN="$ROOT/target/release/lakedeck-server"
fi
echo "server: $LAKEDECK_BENCH_BIN"
cargo test --locked -q -p lakedeck-server --test bench_sql -- --ignored --nocapture --test-threads=1

if [ -z "${DIST_DIR:-}" ]; then
  ensure_build_tools
  build_bundle
  export DIST_DIR="$ROOT/dist"
fi
ensure_browser
say "SELECT 1 from Ctrl+Enter to its row (headless Chromium, bundle in $DIST_DIR)"
LAKEDECK_SERVER_BIN="$LAKEDECK_BENCH_BIN" CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -q -p lakedeck-e2e --test bench_sql_roundtrip -- --ignored --nocapture
