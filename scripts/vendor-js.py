#!/usr/bin/env python3
"""trunk `post_build` hook: puts the third-party JavaScript the console loads on demand into the bundle.

uPlot (npm `uplot`, the version pinned in tools/package.json, installed by `npm ci` in tools/) draws the
Scaling views' charts. The console's chart helper (js/chart.js) imports it by dynamic `import()` the first
time a chart is drawn, so it is its own file, outside the initial load: `uplot-<version>.js`, uPlot's
minified build as an ES module (its IIFE bundle with `export default uPlot` appended; uPlot's own ESM
build is not minified). The version in the name changes with the pin, so a CDN may cache the file for
good. src/components/chart.rs names the same file (a component test checks it against the pin).

Needs only Python 3's standard library. Environment: trunk's TRUNK_STAGING_DIR.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fail(msg):
    print(f"vendor-js: error: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    staging = Path(os.environ.get("TRUNK_STAGING_DIR", ""))
    if not staging.is_dir():
        fail("TRUNK_STAGING_DIR is not set: this script runs as trunk's post_build hook (see Trunk.toml)")
    pins = json.loads((ROOT / "tools" / "package.json").read_text())
    pin = {**pins.get("dependencies", {}), **pins.get("devDependencies", {})}.get("uplot")
    if not pin:
        fail("tools/package.json does not pin uplot")
    pkg = ROOT / "tools" / "node_modules" / "uplot"
    try:
        found = json.loads((pkg / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        found = "none"
    if found != pin:
        fail(f"uplot {pin} is required in tools/node_modules (tools/package.json; `cd tools && npm ci`), found {found}")
    source = (pkg / "dist" / "uPlot.iife.min.js").read_text()
    if not source.lstrip().startswith(("/*", "var uPlot")) or "var uPlot=" not in source:
        fail("unexpected uPlot.iife.min.js: no `var uPlot=` to export")
    out = staging / f"uplot-{pin}.js"
    # The console's drawing code rides along (js/chart-draw.js: plain ES module code, uPlot passed in), so
    # the chart stub in the main module stays small.
    draw = (ROOT / "js" / "chart-draw.js").read_text()
    out.write_text(source.rstrip() + "\nexport default uPlot;\n" + draw)
    print(f"vendor-js: {out.name} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
