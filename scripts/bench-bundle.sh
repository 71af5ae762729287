#!/usr/bin/env bash
# The bundle benchmark: the initial load of /clusters measured in headless Chromium (every HTML, JS,
# wasm and CSS file and the current language's console catalog fetched before the first cluster
# row, counted at brotli -q 11) against the budget of 250,000 bytes, in English and with the zh-CN
# catalog instead; each view's chunk (fetched when the view is first opened); and every file of the
# bundle with raw, gzip -9 and brotli sizes. Fails over budget, or when a view's chunk is fetched
# before the first row. Builds the release bundle first unless called with --no-build (test.sh
# builds it once for every stage).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_build_tools
ensure_browser
apt_install brotli
if [ "${1:-}" != "--no-build" ]; then
  build_bundle
fi
cd "$ROOT"
cargo build --locked -q -p lakedeck-server
say "bundle benchmark (headless Chromium, release bundle in dist/)"
LAKEDECK_SERVER_BIN="$ROOT/target/debug/lakedeck-server" DIST_DIR="$ROOT/dist" CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -q -p lakedeck-e2e --test bench_bundle -- --ignored --nocapture
