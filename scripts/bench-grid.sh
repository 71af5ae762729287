#!/usr/bin/env bash
# Result grid benchmark: mounts ResultGrid (src/components/grid.rs) in headless Chromium over
# synthetic results of 8 columns, 100,000 then 1,000,000 rows, and prints: time to build the
# ResultSet, time to the first rows in the DOM, scroll frame work p50/p95/max over 300 scripted
# scroll steps (plus the rAF interval), sort and filter times, CSV export time, and the JS heap
# plus wasm memory, each next to its goal (frame p95 <= 16 ms, sort <= 500 ms, memory <= 300 MB).
# It prints figures; it does not fail on slowness.
#
# The program is tests/bench_grid.rs (an #[ignore]d wasm-bindgen test, run with --include-ignored),
# built with the bundle's own cargo profile (wasm-release: opt-level z, LTO) so the figures are
# those of the shipped code (before trunk's wasm-opt pass). BENCH_GRID_PROFILE=release builds
# with opt-level 3 instead.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
ensure_build_tools
ensure_browser
export CHROMEDRIVER=/usr/bin/chromedriver

say "result grid benchmark (headless Chromium, ${BENCH_GRID_PROFILE:-wasm-release} profile)"
WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-900}" cargo test --locked --profile "${BENCH_GRID_PROFILE:-wasm-release}" -p lakedeck --target wasm32-unknown-unknown \
  --test bench_grid -- --include-ignored --nocapture
