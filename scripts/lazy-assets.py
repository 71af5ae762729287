#!/usr/bin/env python3
"""trunk `post_build` hook: what the views loaded on demand bring with them (README "Bundle size"), kept
out of the initial load of /clusters.

`views.css`: style/views.css, style/grid.css, style/scaling.css and style/cache.css joined, the styles only those views use;
the console adds it to the page with the first of them (`?v=` names the build, as for the catalogs).

Each language's console catalog cut in two: `locales/<lang>.json` (the file translators edit) becomes,
in the staging dir,
  locales/<lang>.initial.json   keys whose prefix src/i18n/initial.json lists: the initial load of /clusters
  locales/<lang>.views.json     every other key: fetched with the first view loaded on demand
and the whole file is left out of the bundle. build.rs numbers the keys the same way and fails when code
that renders before any lazy view uses a key of the second part; the console checks each part's keys
against the ones it was compiled with.
"""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# In this order (build.rs hashes the same files into the version the console asks for them by).
VIEW_STYLES = ["views.css", "grid.css", "scaling.css", "cache.css"]


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("lazy-assets.py: run as a trunk hook (TRUNK_STAGING_DIR is not set)", file=sys.stderr)
        return 2
    with open(os.path.join(ROOT, "src/i18n/initial.json"), encoding="utf-8") as f:
        prefixes = set(json.load(f)["prefixes"])
    with open(os.path.join(staging, "views.css"), "w", encoding="utf-8") as out:
        for name in VIEW_STYLES:
            with open(os.path.join(ROOT, "style", name), encoding="utf-8") as f:
                out.write(f.read().rstrip("\n") + "\n")
    out_dir = os.path.join(staging, "locales")
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(os.path.join(ROOT, "locales"))):
        if not name.endswith(".json"):
            continue
        lang = name[: -len(".json")]
        with open(os.path.join(ROOT, "locales", name), encoding="utf-8") as f:
            catalog = json.load(f)
        parts = {"initial": {}, "views": {}}
        for key in sorted(catalog):
            parts["initial" if key.split(".")[0] in prefixes else "views"][key] = catalog[key]
        for part, entries in parts.items():
            with open(os.path.join(out_dir, f"{lang}.{part}.json"), "w", encoding="utf-8") as f:
                json.dump(entries, f, ensure_ascii=False, separators=(",", ":"))
        whole = os.path.join(out_dir, name)
        if os.path.exists(whole):
            os.remove(whole)
        print(f"lazy-assets.py: {lang}: {len(parts['initial'])} keys in the initial load, {len(parts['views'])} with the views")
    return 0


if __name__ == "__main__":
    sys.exit(main())
