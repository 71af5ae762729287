// `wasm-opt -Oz` over many modules in one process. binaryen 132 from npm is binaryen compiled to
// WebAssembly: every `wasm-opt` start costs ~2.5 s of compiling it, and scripts/split-bundle.py
// optimizes ~100 modules (a view's chunk of 2 kB took 6.6 s through the CLI). Same passes as the CLI's
// -Oz (the default pipeline at optimize level 2, shrink level 2) and, like the CLI, the features the
// module's own target_features section lists, no more: a feature browsers lack must never be used.
// Usage: node scripts/wasm-opt-all.mjs FILE.wasm... (each rewritten in place).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { default: binaryen } = await import(join(here, "..", "tools", "node_modules", "binaryen", "index.js"));

const FEATURES = {
  "mutable-globals": "MutableGlobals", "nontrapping-fptoint": "NontrappingFPToInt", "bulk-memory": "BulkMemory",
  "bulk-memory-opt": "BulkMemoryOpt", "sign-ext": "SignExt", "reference-types": "ReferenceTypes",
  "multivalue": "Multivalue", "call-indirect-overlong": "CallIndirectOverlong", "simd128": "SIMD128",
  "relaxed-simd": "RelaxedSIMD", "tail-call": "TailCall", "exception-handling": "ExceptionHandling",
  "extended-const": "ExtendedConst", "atomics": "Atomics", "multimemory": "MultiMemory", "gc": "GC",
  "memory64": "Memory64",
};

function leb(bytes, at) {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
  return [value >>> 0, at];
}

// The `+feature` entries of the module's target_features custom section.
function targetFeatures(bytes, file) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    if (id === 0) {
      let [len, p] = leb(bytes, start);
      const name = new TextDecoder().decode(bytes.subarray(p, p + len));
      if (name === "target_features") {
        p += len;
        let count;
        [count, p] = leb(bytes, p);
        let flags = binaryen.Features.MVP;
        for (let i = 0; i < count; i++) {
          const prefix = String.fromCharCode(bytes[p++]);
          [len, p] = leb(bytes, p);
          const feature = new TextDecoder().decode(bytes.subarray(p, p + len));
          p += len;
          if (prefix !== "+") continue;
          const flag = FEATURES[feature];
          if (!flag) throw new Error(`${file}: unknown wasm feature ${feature}`);
          flags |= binaryen.Features[flag];
        }
        return flags;
      }
    }
    at = start + size;
  }
  throw new Error(`${file}: no target_features section`);
}

binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  const features = targetFeatures(bytes, file);
  const module = binaryen.readBinary(bytes);
  module.setFeatures(features);
  if (!module.validate()) throw new Error(`${file}: the module does not validate`);
  module.optimize();
  // The main module is the initial load (budgeted): a second round of the same passes finds more to fold.
  if (bytes.length > 200_000) module.optimize();
  writeFileSync(file, module.emitBinary());
  module.dispose();
}
