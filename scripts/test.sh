#!/usr/bin/env bash
# Runs every Lakedeck test: lints, host unit tests, server HTTP tests, browser component tests,
# the release bundle and its size budget, end-to-end browser tests and the vendor-SDK conformance tests.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
ensure_build_tools
ensure_browser
ensure_python
export CHROMEDRIVER=/usr/bin/chromedriver

say "lint (clippy, warnings are errors)"
cargo clippy --locked -q --workspace --exclude lakedeck --all-targets -- -D warnings
cargo clippy --locked -q -p lakedeck --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --locked -q -p lakedeck --target wasm32-unknown-unknown --all-targets --features split -- -D warnings

say "translations (en and zh-CN complete, every key used, no user-visible literal outside the layer)"
cargo run --locked -q -p lakedeck-i18n-check

say "host unit tests and server HTTP tests"
cargo test --locked --workspace --exclude lakedeck --exclude lakedeck-e2e

say "fuzz stage (every sandbox route with malformed input, bounded; the seed is printed for replay)"
cargo test --locked -p lakedeck-server --test fuzz -- --ignored --nocapture

say "crash stage (kill -9 with writes in flight, restart: every acknowledged write is there)"
cargo test --locked -p lakedeck-server --test crash -- --ignored

say "browser component tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked -p lakedeck --target wasm32-unknown-unknown --tests

build_bundle
"$ROOT/scripts/bench-bundle.sh" --no-build

say "end-to-end tests (Chromium via chromedriver against lakedeck-server and dist/)"
cargo build --locked -q -p lakedeck-server
LAKEDECK_SERVER_BIN="$ROOT/target/debug/lakedeck-server" DIST_DIR="$ROOT/dist" \
  cargo test --locked -p lakedeck-e2e -- --test-threads=1

say "conformance tests (official vendor SDKs against the sandbox)"
LAKEDECK_SERVER_BIN="$ROOT/target/debug/lakedeck-server" \
  "$ROOT/.venv/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/conformance"
