#!/usr/bin/env python3
"""trunk `post_build` hook: splits the console's wasm so views load on demand.

trunk has no code splitting (trunk-rs/trunk#1022), so this hook redoes the end of trunk's Rust pipeline on
the module cargo just built, the way cargo-leptos `--split` does:

  1. `wasm-split-cli` splits the raw rustc output (linked with `--emit-relocs`, see build.rs) into the main
     module, one module per `wasm_split` point (each lazily loaded view) and shared chunks, plus the loader
     `__wasm_split.js` that fetches them with `new URL(name, import.meta.url)`;
  2. `wasm-bindgen` writes the JS glue for the main module (`--keep-lld-exports`: the chunks import the main
     module's functions, memory and table by their linker names);
  3. `wasm-opt -Oz` (binaryen 132, release only) on every module, all in one process
     (scripts/wasm-opt-all.mjs), then custom sections dropped;
  4. content-hashed names for every file, so a CDN may cache them for good, and index.html rewritten to
     load them through an external module script (no inline script: CSP `script-src 'self'`).

It replaces trunk's own `lakedeck-*.js`/`*_bg.wasm` in the staging dir; trunk then moves the staging dir to
`dist/` as usual. Every URL it writes is relative, so the same `dist/` works under any `<base href>`.

Files written (H = content hashes):
  lakedeck-H.js, lakedeck-H_bg.wasm   wasm-bindgen glue and main module (the /clusters view is in it)
  lakedeck-split-H.js                 chunk loader (imports `initSync` from the glue)
  <split or chunk name>-H.wasm        a view's module, or code shared by several views
  lakedeck-boot-H.js                  what index.html runs: init, then start() the stand-alone console
  lakedeck.js                         stable entry for host pages (`import init, { mount } from ...`)
  lakedeck-manifest.json              which files each view needs (read by scripts/bench-bundle.sh)

Needs only Python 3's standard library. Environment: trunk's TRUNK_STAGING_DIR, TRUNK_PROFILE,
TRUNK_HTML_FILE (set for hooks).
"""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = "lakedeck"  # index.html's data-bin
ROOT = Path(__file__).resolve().parent.parent
LOADER = "__wasm_split.js"


def fail(msg):
    print(f"split-bundle: error: {msg}", file=sys.stderr)
    sys.exit(1)


def run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        fail(f"`{' '.join(map(str, cmd))}` failed ({res.returncode}):\n{res.stdout}{res.stderr}")
    return res.stdout


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def tool_pins(root: Path):
    """The exact tool versions Trunk.toml pins (one source of truth for trunk and this hook)."""
    text = (root / "Trunk.toml").read_text()
    pins = {}
    for key in ("wasm_bindgen", "wasm_opt"):
        m = re.search(rf'^{key}\s*=\s*"([^"]+)"', text, re.M)
        if not m:
            fail(f"Trunk.toml [tools] has no {key} pin")
        pins[key] = m.group(1)
    return pins


def check_tools(pins, release):
    out = run(["wasm-bindgen", "--version"]).split()
    if len(out) < 2 or out[1] != pins["wasm_bindgen"]:
        fail(f"wasm-bindgen {pins['wasm_bindgen']} is required (Trunk.toml), found {' '.join(out)}")
    if release:
        # wasm-opt-all.mjs drives binaryen's JS API from tools/ (npm); Debian's 108 breaks the bundle.
        pkg = ROOT / "tools" / "node_modules" / "binaryen" / "package.json"
        found = json.loads(pkg.read_text())["version"] if pkg.is_file() else "none"
        if f"version_{found.split('.')[0]}" != pins["wasm_opt"]:
            fail(f"binaryen {pins['wasm_opt']} is required in tools/node_modules (Trunk.toml; `cd tools && npm ci`), found {found}")
    if not shutil.which("wasm-split-cli"):
        fail("wasm-split-cli is missing: run ./scripts/run.sh or ./scripts/test.sh once (scripts/setup.sh installs it)")


def attrs(tag: str) -> dict:
    """Attributes of one HTML start tag, quoted or not (trunk's minifier drops quotes and reorders)."""
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) if any(m.groups()[1:]) else ""
            for m in re.finditer(r'([\w:-]+)(?:=(?:"([^"]*)"|\'([^\']*)\'|([^\s"\'>]+)))?', tag[1:].split(None, 1)[-1])}


def leb128(data: bytes, at: int):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def strip_custom_sections(path: Path):
    """Drops custom sections (names, producers, target_features): the browser needs none of them, and
    in a chunk of 2 kB they are a quarter of the bytes."""
    data = path.read_bytes()
    out, at = bytearray(data[:8]), 8
    while at < len(data):
        size, start = leb128(data, at + 1)
        if data[at] != 0:
            out += data[at:start + size]
        at = start + size
    path.write_bytes(bytes(out))


def cargo_profile_dir(source_html: str, release: bool) -> str:
    attr = "data-cargo-profile-release" if release else "data-cargo-profile-dev"
    m = re.search(rf'{attr}="([^"]+)"', source_html)
    profile = m.group(1) if m else ("release" if release else "dev")
    return "debug" if profile == "dev" else profile


def main():
    staging = Path(os.environ.get("TRUNK_STAGING_DIR", ""))
    if not staging.is_dir():
        fail("TRUNK_STAGING_DIR is not set: this script runs as trunk's post_build hook (see Trunk.toml)")
    release = os.environ.get("TRUNK_PROFILE") == "release"
    source_html_path = Path(os.environ.get("TRUNK_HTML_FILE", "index.html"))
    root = source_html_path.resolve().parent
    pins = tool_pins(root)
    check_tools(pins, release)

    # trunk's output of the unsplit module: the placeholder (Trunk.toml pattern_script) names its files.
    html_path = staging / "index.html"
    html = html_path.read_text()
    marker = next((m for m in re.finditer(r"<meta\b[^>]*>", html) if attrs(m.group(0)).get("name") == "lakedeck-rust"), None)
    if not marker:
        fail("index.html has no lakedeck-rust placeholder (Trunk.toml pattern_script)")
    for name in attrs(marker.group(0)).get("content", "").split():
        (staging / name.removeprefix("./")).unlink(missing_ok=True)

    meta = json.loads(run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"], cwd=root))
    raw = (Path(meta["target_directory"]) / "wasm32-unknown-unknown"
           / cargo_profile_dir(source_html_path.read_text(), release) / f"{BIN}.wasm")
    if not raw.is_file():
        fail(f"{raw} not found (trunk builds it before this hook runs)")

    with tempfile.TemporaryDirectory(prefix="lakedeck-split-") as tmp:
        tmp = Path(tmp)
        split_dir, out = tmp / "split", tmp / "out"
        run(["wasm-split-cli", "--out-name", BIN, str(raw), str(split_dir)])
        bindgen = ["wasm-bindgen", str(split_dir / f"{BIN}.wasm"), "--out-dir", str(out), "--out-name", BIN,
                   "--target", "web", "--no-typescript", "--keep-lld-exports", "--no-demangle"]
        if not release:
            bindgen.append("--keep-debug")
        run(bindgen)
        chunks = sorted(p for p in split_dir.glob("*.wasm") if p.name != f"{BIN}.wasm")
        for c in chunks:
            shutil.copy(c, out / c.name)
        if release:
            modules = [out / f"{BIN}_bg.wasm"] + [out / c.name for c in chunks]
            run(["node", str(ROOT / "scripts" / "wasm-opt-all.mjs")] + [str(m) for m in modules])
            for m in modules:
                strip_custom_sections(m)

        # Chunks first (they reference nothing), then the loader and the glue, which import each other:
        # they share one hash taken over both texts and the main module.
        # Every chunk named with one hash over all of them: the chunks only fit the main module of the same
        # build anyway (the split is whole-program), and the loader, which names each, is part of the initial
        # load: 300 different hashes in it were 2.4 kB of brotli that one repeated hash does not cost.
        chunks_hash = short_hash(b"".join((out / c.name).read_bytes() for c in chunks))
        renames = {c.name: f"{c.stem}-{chunks_hash}.wasm" for c in chunks}
        loader = (split_dir / LOADER).read_text()
        for old, new in renames.items():
            loader = loader.replace(f'"./{old}"', f'"./{new}"')
        glue = (out / f"{BIN}.js").read_text()
        main_wasm = (out / f"{BIN}_bg.wasm").read_bytes()
        h = short_hash(main_wasm + glue.encode() + loader.encode())
        glue_name, wasm_name, loader_name = f"{BIN}-{h}.js", f"{BIN}-{h}_bg.wasm", f"{BIN}-split-{h}.js"
        if f'from "./{BIN}.js"' not in loader:
            fail(f"unexpected loader: no import of ./{BIN}.js")
        loader = loader.replace(f'from "./{BIN}.js"', f'from "./{glue_name}"')
        # Only the import statements: the imports object keeps the module name the wasm imports from.
        glue, n = re.subn(rf"""from (["'])\./{re.escape(LOADER)}\1""", f'from "./{loader_name}"', glue)
        if n == 0:
            fail(f"unexpected glue: no import of ./{LOADER}")
        glue = glue.replace(f"'{BIN}_bg.wasm'", f"'{wasm_name}'")

        for old, new in renames.items():
            shutil.copy(out / old, staging / new)
        (staging / glue_name).write_text(glue)
        (staging / wasm_name).write_bytes(main_wasm)
        (staging / loader_name).write_text(loader)
        loader_text = loader
        if (out / "snippets").is_dir():
            shutil.rmtree(staging / "snippets", ignore_errors=True)
            shutil.copytree(out / "snippets", staging / "snippets")

    boot = (f'// Starts the stand-alone console (index.html). Host pages use lakedeck.js instead.\n'
            f'import init, {{ start }} from "./{glue_name}";\n'
            f'await init();\n'
            f'start();\n')
    boot_name = f"{BIN}-boot-{short_hash(boot.encode())}.js"
    (staging / boot_name).write_text(boot)

    styles = [a["href"].removeprefix("./") for a in map(attrs, re.findall(r"<link\b[^>]*>", html))
              if a.get("rel") == "stylesheet" and a.get("href", "").endswith(".css")]
    entry = (f'// Lakedeck console: module API for host pages (README "Embedding"). Stable name, serve it no-cache;\n'
             f'// everything it imports is content-hashed.\n'
             f'import init, {{ mount as mountConsole }} from "./{glue_name}";\n'
             f'export default init;\n'
             f'const styles = {json.dumps(styles)}.map((name) => new URL(name, import.meta.url).href);\n'
             f'// The language catalogs are beside this file, not beside the host page.\n'
             f'const assetBase = new URL("./", import.meta.url).href;\n'
             f'/** Mounts a console into `element`; returns a handle with unmount(), setToken(), setTheme(), navigate(). */\n'
             f'export function mount(element, options = {{}}) {{\n'
             f'  return mountConsole(element, {{ ...options, styles, assetBase }});\n'
             f'}}\n')
    (staging / f"{BIN}.js").write_text(entry)

    # Which files each lazily loaded view needs, read from the loader before it is minified.
    views = view_files(loader_text, renames)
    if release:
        scripts = [staging / glue_name, staging / loader_name] + sorted((staging / "snippets").rglob("*.js"))
        run(["node", str(ROOT / "scripts" / "minify-js.mjs")] + [str(p) for p in scripts])

    # index.html: preload what the first view needs, then one external module script.
    staged = lambda n: (staging / n).read_bytes()  # noqa: E731
    tags = (f'<link rel="modulepreload" href="./{glue_name}" integrity="{sri(staged(glue_name))}">'
            f'<link rel="modulepreload" href="./{loader_name}" integrity="{sri(staged(loader_name))}">'
            f'<link rel="preload" href="./{wasm_name}" as="fetch" type="application/wasm" crossorigin>'
            f'<script type="module" src="./{boot_name}" integrity="{sri(staged(boot_name))}"></script>')
    html = html[:marker.start()] + tags + html[marker.end():]
    html_path.write_text(html)

    manifest = {"entry": f"{BIN}.js", "boot": boot_name, "glue": glue_name, "wasm": wasm_name,
                "loader": loader_name, "styles": styles, "views": views}
    (staging / f"{BIN}-manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"split-bundle: main {wasm_name}, {len(views)} lazily loaded views, {len(renames)} chunk files")


def view_files(loader, renames):
    """Which files each lazily loaded view needs, from the loader's table: every `makeLoad(fetch of a
    file, [dependencies])`, the views' ones exported as `__wasm_split_load_<split>`."""
    decl = re.compile(r'(export )?const (\w+) = (?:wrapAsyncCb\()?makeLoad\((.*?)\n, \[([^\]]*)\]', re.S)
    files, deps, views = {}, {}, {}
    for m in decl.finditer(loader):
        url = re.search(r'new URL\("\./([^"]+)"', m.group(3))
        files[m.group(2)] = [url.group(1)] if url else []
        deps[m.group(2)] = [d.strip() for d in m.group(4).split(",") if d.strip()]
        if m.group(1) and m.group(2).startswith("__wasm_split_load_"):
            views[m.group(2).removeprefix("__wasm_split_load_")] = m.group(2)
    if len(views) != len([c for c in renames if c.startswith("split_")]):
        fail(f"could not read the loader's table ({len(views)} views found)")
    return {name: sorted(f for d in deps[var] for f in files[d]) + files[var] for name, var in views.items()}


if __name__ == "__main__":
    main()
