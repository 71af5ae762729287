#!/usr/bin/env bash
# Builds the console and starts lakedeck-server with the sandbox on http://127.0.0.1:8080.
# Options go to the server (e.g. --listen 127.0.0.1:9090 --step-ms 2000); --help lists them.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
# The server's release build needs none of the console's tools: on a first run it compiles while trunk and
# wasm-bindgen-cli install and the bundle builds (release and wasm-release are separate profile directories of
# target/, so the two cargo builds can run side by side). Its output goes to a log shown on failure.
mkdir -p "$ROOT/target"
server_log="$ROOT/target/server-release-build.log"
say "cargo build --release -p lakedeck-server (in the background)"
cargo build --locked --release -q -p lakedeck-server --manifest-path "$ROOT/Cargo.toml" >"$server_log" 2>&1 &
server_build=$!
trap 'kill "$server_build" 2>/dev/null || true' INT TERM
ensure_build_tools
build_bundle
kill -0 "$server_build" 2>/dev/null && say "waiting for the server's release build (it started with the installs; alone on 2 cores it takes about 20 minutes)"
if ! wait "$server_build"; then
  cat "$server_log" >&2
  say "the server's release build failed (above)"
  exit 1
fi
trap - INT TERM
cd "$ROOT"
exec "$ROOT/target/release/lakedeck-server" --listen 127.0.0.1:8080 --data-dir "$ROOT/sandbox-data" --dist "$ROOT/dist" "$@"
