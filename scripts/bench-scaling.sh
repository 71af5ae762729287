#!/usr/bin/env bash
# Scaling simulator benchmark (issue 9 §6): the release bundle in headless Chromium on a cluster's
# Scaling view with a 10-rule policy and a CSV of 30 days of five-minute periods (8,640 samples):
# the replay's time in wasm (goal ≤ 50 ms), then the chart's frames while zooming with the buttons
# and by drag-select (goal: no frame over 16 ms). Prints figures; never fails on slowness.
#
# The program is crates/e2e/tests/bench_scaling.rs (an #[ignore]d test). Server binary: the release
# build if one is already built, else the debug build; override with LAKEDECK_BENCH_BIN. The bundle
# is built into dist/ unless DIST_DIR names a built one. BENCH_N changes the number of replays.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
ensure_build_tools
ensure_browser
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  for bin in "$ROOT/target/release/lakedeck-server" "${CARGO_TARGET_DIR:-$ROOT/target}/release/lakedeck-server"; do
    if [ -x "$bin" ]; then
      export LAKEDECK_BENCH_BIN="$bin"
      break
    fi
  done
fi
if [ -z "${LAKEDECK_BENCH_BIN:-}" ]; then
  cargo build --locked -q -p lakedeck-server
  LAKEDECK_BENCH_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/lakedeck-server"
fi
echo "server: $LAKEDECK_BENCH_BIN"
if [ -z "${DIST_DIR:-}" ]; then
  build_bundle
  export DIST_DIR="$ROOT/dist"
fi
say "scaling simulator and chart (headless Chromium, bundle in $DIST_DIR)"
LAKEDECK_SERVER_BIN="$LAKEDECK_BENCH_BIN" CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -q -p lakedeck-e2e --test bench_scaling -- --ignored --nocapture
