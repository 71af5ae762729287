#!/usr/bin/env node
// trunk `pre_build` hook (Trunk.toml): bundles the SQL view's code editor, CodeMirror 6 from npm
// (tools/package.json pins it), with esbuild into one ES module in the bundle being staged:
//
//   sql-editor-<hash>.js   the editor (content-hashed: browsers and CDNs keep it for good)
//   sql-editor.js          a one-line module re-exporting it under a stable name, which the console's
//                          loader (js/sql-editor-loader.js) imports when the SQL view is first shown
//
// Nothing of it is on the initial page: the other views never fetch it.
// Usage outside trunk: node scripts/build-editor.mjs OUT_DIR

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tools = join(root, "tools");
const out = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!out) {
  console.error("build-editor: no output directory (argument or TRUNK_STAGING_DIR)");
  process.exit(1);
}
const require = createRequire(join(tools, "package.json"));
let esbuild;
try {
  esbuild = require("esbuild");
  require.resolve("@codemirror/lang-sql");
} catch {
  console.error("build-editor: esbuild and CodeMirror are missing from tools/node_modules: run `cd tools && npm ci` (scripts/setup.sh does)");
  process.exit(1);
}

const pkg = (name) => JSON.parse(readFileSync(join(tools, "node_modules", name, "package.json"), "utf8")).version;
const banner = `/* Lakedeck SQL editor: CodeMirror ${pkg("@codemirror/view")} (view), lang-sql ${pkg("@codemirror/lang-sql")}, `
  + `Lezer; (c) Marijn Haverbeke and others, MIT license. */`;
// CodeMirror's styles reach the page through style-mod, which writes a <style> element into a document's
// head (allowed only for shadow roots are constructed sheets): blocked by the console's CSP (style-src 'self',
// no 'unsafe-inline'). Patched at bundle time to use a constructed sheet (`adoptedStyleSheets`, CSSOM, which the
// policy allows) for documents too; browsers without constructed sheets keep the <style> element.
const constructedSheets = {
  name: "style-mod-constructed-sheets",
  setup(build) {
    build.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const from = "if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {";
      if (!source.includes(from)) throw new Error(`build-editor: unexpected ${args.path}: cannot route its styles through adoptedStyleSheets`);
      return { contents: source.replace(from, "if (root.adoptedStyleSheets && win.CSSStyleSheet) {"), loader: "js" };
    });
  },
};
const result = await esbuild.build({
  entryPoints: [join(tools, "editor", "sql-editor.js")],
  absWorkingDir: tools,
  nodePaths: [join(tools, "node_modules")],
  bundle: true,
  plugins: [constructedSheets],
  format: "esm",
  target: "es2020",
  minify: true,
  legalComments: "none",
  banner: { js: banner },
  write: false,
  logLevel: "warning",
});
const code = result.outputFiles[0].contents;
const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
const name = `sql-editor-${hash}.js`;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, name), code);
writeFileSync(join(out, "sql-editor.js"), `export * from "./${name}";\n`);
console.log(`build-editor: ${name} (${code.length} bytes)`);
