#!/usr/bin/env bash
# Sandbox figures: first-start and restart memory (RSS) and the server's share of a SQL statement's
# round trip (ExecuteSql, then ShowSqlResult polled without pause), for SELECT 1 and a TPC-H
# aggregate. Prints figures; never fails on slowness.
#
# The program is crates/server/tests/bench_sql.rs (an #[ignore]d test). It uses the release server
# (built here if missing) unless LAKEDECK_BENCH_BIN names another binary.
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
