// Minifies ES modules in place with esbuild (tools/node_modules, as scripts/build-editor.mjs uses it):
// the wasm-bindgen glue, the split loader and the JS snippets the glue imports are in the initial load
// of /clusters, whose budget counts every byte (README "Bundle size"). Exports, import specifiers and
// property names (the names the wasm modules import by) are kept; only local names and layout change.
// Usage: node scripts/minify-js.mjs FILE.js... (each rewritten in place).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const tools = join(dirname(fileURLToPath(import.meta.url)), "..", "tools");
const esbuild = createRequire(join(tools, "package.json"))("esbuild");

for (const file of process.argv.slice(2)) {
  const source = readFileSync(file, "utf8");
  const { code } = await esbuild.transform(source, { format: "esm", target: "es2020", minify: true, legalComments: "none" });
  writeFileSync(file, code);
}
