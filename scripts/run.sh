#!/usr/bin/env bash
# Builds the console and starts lakedeck-server with the sandbox on http://127.0.0.1:8080.
# Options go to the server (e.g. --listen 127.0.0.1:9090 --step-ms 2000); --help lists them.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_build_tools
build_bundle
say "cargo build --release -p lakedeck-server"
cargo build --locked --release -q -p lakedeck-server --manifest-path "$ROOT/Cargo.toml"
cd "$ROOT"
exec "$ROOT/target/release/lakedeck-server" --listen 127.0.0.1:8080 --data-dir "$ROOT/sandbox-data" --dist "$ROOT/dist" "$@"
