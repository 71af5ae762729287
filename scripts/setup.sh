# Installs what Lakedeck's build and tests need, only when it is missing or at the wrong version.
# Sourced by run.sh and test.sh. Everything comes from crates.io, npm, PyPI or Debian apt.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The wasm-bindgen CLI must be exactly the library version in Cargo.lock.
locked_wasm_bindgen() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; split($0, a, "\""); print a[2]; exit }' "$ROOT/Cargo.lock"
}

TRUNK_VERSION=0.22.1
# The wasm splitter trunk's post_build hook runs (scripts/split-bundle.py); its CLI is behind a feature.
WASM_SPLIT_VERSION=0.2.4

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
}

# `cargo install` for the build tools. trunk's own release profile asks for fat LTO and one codegen unit, for
# tools that each run for seconds: they are built at opt-level 1 with no LTO at all ("off"; "false" would
# still run thin LTO inside each crate), into one target dir so the dependencies they share (clap, serde,
# tokio …) compile once (README "Set up").
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install -q --target-dir "$ROOT/target/tools-build" "$@"
}

ensure_build_tools() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || { say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
  # tools/package.json: binaryen 132 (Debian's wasm-opt 108 produces a bundle that dies in the browser),
  # esbuild and CodeMirror (the SQL editor, scripts/build-editor.mjs), axe-core (the accessibility stage),
  # uPlot (the Scaling views' charts, copied into the bundle by scripts/vendor-js.py).
  local lock_sum; lock_sum="$(sha256sum "$ROOT/tools/package-lock.json" | cut -d' ' -f1)"
  if ! "$ROOT/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132' \
     || [ "$(cat "$ROOT/tools/node_modules/.lock.sha256" 2>/dev/null)" != "$lock_sum" ]; then
    say "npm ci in tools/ (binaryen, esbuild, CodeMirror, axe-core, uPlot)"
    (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$ROOT/tools/node_modules/.lock.sha256"
  fi
  local wbg; wbg="$(locked_wasm_bindgen)"
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wbg"; then
    # Without --locked: the CLI's own lockfile names a crate version the registry mirror lacks.
    say "cargo install wasm-bindgen-cli $wbg (a few minutes, once)"
    install_tool wasm-bindgen-cli --version "$wbg" --force
  fi
  # The CLI prints no version; cargo's install list knows it.
  if ! command -v wasm-split-cli >/dev/null \
    || ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (a few minutes, once)"
    install_tool --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --force
  fi
  if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
    # trunk 0.22.1 declares rustc 1.96.1 but builds and runs on 1.95.
    say "cargo install trunk $TRUNK_VERSION (10-18 minutes, once)"
    install_tool --locked trunk --version "$TRUNK_VERSION" --ignore-rust-version --force
  fi
}

ensure_browser() {
  apt_install chromium chromium-driver
}

ensure_python() {
  local venv="$ROOT/.venv" req="$ROOT/conformance/requirements.txt"
  local stamp="$venv/.requirements.sha256" want
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "python venv with the vendor SDKs (conformance/requirements.txt)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
  fi
}

build_bundle() {
  say "trunk build --release (console bundle into dist/)"
  (cd "$ROOT" && cargo fetch --locked -q && trunk build --release --locked)
}
