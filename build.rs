//! Compile-time checks and typed keys of the console's translations.
//!
//! Reads `locales/{en,zh-CN}.json` (the console's strings) and `crates/api/locales/{en,zh-CN}.json`
//! (the shared rules' problems) and fails the build when a key is missing in one language, a
//! template does not parse, or the two translations of a message use different parameters. Then it
//! writes `$OUT_DIR/i18n_keys.rs`: one module per console key with a function `t` (and an `Args`
//! struct when the message has parameters), which `t!` calls, so an unknown key or a wrong
//! parameter is a compile error. The strings themselves are not compiled in; the console fetches
//! the current language's files at run time.
//!
//! Keys are split in two parts (README "Bundle size"): those whose prefix `src/i18n/initial.json` lists
//! come with the initial load of /clusters, the others with the first view loaded on demand. Indices
//! number the initial part first. Code that can run before any lazy view (everything outside
//! `src/pages/`, and the clusters list) may only use initial keys: the build fails otherwise.
//!
//! It also links the console's wasm binary with relocations kept (`--emit-relocs`): `wasm-split-cli`
//! needs them to move each lazily loaded view into its own module (scripts/split-bundle.py, trunk's
//! post_build hook). Only the binary trunk builds gets the flag; test binaries and every dependency
//! keep their rustflags, so no cached build is invalidated.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

#[path = "crates/api/src/template.rs"]
#[allow(dead_code)]
mod template;

const LANGS: [&str; 2] = ["en", "zh-CN"];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

type Catalog = BTreeMap<String, String>;

fn read_catalog(path: &Path, errors: &mut Vec<String>) -> Catalog {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("{}: {e}", path.display()));
            return Catalog::new();
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(format!("{}: {e}", path.display()));
            return Catalog::new();
        }
    };
    let mut out = Catalog::new();
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) => {
                        out.insert(k, s);
                    }
                    _ => errors.push(format!("{}: the value of {k} is not a string", path.display())),
                }
            }
        }
        _ => errors.push(format!("{}: not a flat JSON object", path.display())),
    }
    out
}

/// Both languages have the same keys and compatible templates.
fn check_languages(what: &str, cats: &[Catalog; 2], errors: &mut Vec<String>) {
    for (i, j) in [(0, 1), (1, 0)] {
        for key in cats[i].keys().filter(|k| !cats[j].contains_key(*k)) {
            errors.push(format!("{what}: key {key} is in {} but missing in {}", LANGS[i], LANGS[j]));
        }
    }
    for (key, a) in &cats[0] {
        if let Some(b) = cats[1].get(key) {
            if let Err(e) = template::check_pair(key, a, b) {
                errors.push(format!("{what}: {e}"));
            }
        }
    }
}

fn check_key_name(key: &str, errors: &mut Vec<String>) {
    for seg in key.split('.') {
        let ok = seg.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && seg.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok || KEYWORDS.contains(&seg) {
            errors.push(format!(
                "console key {key}: segment {seg:?} must be a lowercase Rust identifier that is not a keyword"
            ));
        }
    }
}

/// Source files whose code may render before any lazy view has loaded: everything but the views under
/// `src/pages/` (the landing view, the clusters list, excepted) and the few modules only those views use.
fn renders_before_views(rel: &str) -> bool {
    const VIEWS_ONLY: &[&str] = &[
        "src/components/chart.rs",
        "src/components/grid.rs",
        "src/components/tag_rows.rs",
        "src/api/jobs.rs",
        "src/state/sql.rs",
    ];
    if rel.starts_with("src/pages/") {
        return matches!(rel, "src/pages/mod.rs" | "src/pages/clusters/mod.rs" | "src/pages/clusters/list.rs");
    }
    !VIEWS_ONLY.contains(&rel)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Keys a source file names: `t!(a.b)`, `tr!(a.b, …)` and `keys::a::b` paths.
fn keys_used(src: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = src.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for (pat, sep) in [("t!(", "."), ("tr!(", "."), ("keys::", "::")] {
        let mut from = 0;
        while let Some(i) = src[from..].find(pat) {
            let start = from + i;
            from = start + pat.len();
            if start > 0 && ident(bytes[start - 1]) {
                continue;
            }
            let rest = src[from..].trim_start();
            let mut segs: Vec<&str> = Vec::new();
            let mut r = rest;
            loop {
                let len = r.bytes().take_while(|c| ident(*c)).count();
                if len == 0 {
                    break;
                }
                segs.push(&r[..len]);
                r = &r[len..];
                match r.strip_prefix(sep) {
                    Some(next) if next.bytes().next().is_some_and(ident) => r = next,
                    _ => break,
                }
            }
            if sep == "::" {
                // `keys::a::b::t` / `::I` / `::Args`: the last segment is the item, not the key.
                if matches!(segs.last(), Some(&"t") | Some(&"I") | Some(&"Args")) {
                    segs.pop();
                }
            }
            if segs.len() >= 2 {
                found.push(segs.join("."));
            }
        }
    }
    found
}

fn fnv1a(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= *b as u64;
        *h = h.wrapping_mul(0x0100_0000_01b3);
    }
}

#[derive(Default)]
struct Node {
    /// (index, parameters) when a key ends here.
    leaf: Option<(usize, BTreeMap<String, template::ArgKind>)>,
    children: BTreeMap<String, Node>,
}

fn emit(node: &Node, out: &mut String, depth: usize) {
    let pad = "    ".repeat(depth);
    if let Some((index, params)) = &node.leaf {
        if params.is_empty() {
            let _ = writeln!(out, "{pad}pub const I: usize = {index};");
            let _ = writeln!(out, "{pad}#[inline]\n{pad}pub fn t() -> ::std::string::String {{ crate::i18n::text({index}) }}");
        } else {
            let _ = writeln!(out, "{pad}pub struct Args<'a> {{");
            for (name, kind) in params {
                let ty = match kind {
                    template::ArgKind::Text => "&'a dyn ::core::fmt::Display",
                    template::ArgKind::Count => "&'a dyn crate::i18n::Count",
                };
                let _ = writeln!(out, "{pad}    pub {name}: {ty},");
            }
            let _ = writeln!(out, "{pad}}}");
            let args: Vec<String> = params
                .iter()
                .map(|(name, kind)| match kind {
                    template::ArgKind::Text => format!("(\"{name}\", crate::i18n::Arg::Text(a.{name}))"),
                    template::ArgKind::Count => {
                        format!("(\"{name}\", crate::i18n::Arg::Count(crate::i18n::Count::count(a.{name})))")
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "{pad}pub fn t(a: &Args<'_>) -> ::std::string::String {{ crate::i18n::format({index}, &[{}]) }}",
                args.join(", ")
            );
        }
    }
    for (name, child) in &node.children {
        let _ = writeln!(out, "{pad}pub mod {name} {{");
        emit(child, out, depth + 1);
        let _ = writeln!(out, "{pad}}}");
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=crates/api/src/template.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
    // Read at run time: a build script binary reused from another checkout must still read this one.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir);
    let mut errors = Vec::new();
    let console = LANGS.map(|l| read_catalog(&root.join(format!("locales/{l}.json")), &mut errors));
    let problems = LANGS.map(|l| read_catalog(&root.join(format!("crates/api/locales/{l}.json")), &mut errors));
    check_languages("locales", &console, &mut errors);
    check_languages("crates/api/locales", &problems, &mut errors);
    for key in console[0].keys() {
        check_key_name(key, &mut errors);
    }
    if !errors.is_empty() {
        panic!("\n\nThe translation catalogs are not consistent:\n  - {}\n\n", errors.join("\n  - "));
    }

    // The initial part's prefixes, and the keys code outside the lazy views uses.
    let initial_path = root.join("src/i18n/initial.json");
    println!("cargo:rerun-if-changed={}", initial_path.display());
    let initial: Vec<String> = std::fs::read_to_string(&initial_path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["prefixes"].as_array().map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_string)).collect()))
        .expect("src/i18n/initial.json: {\"prefixes\": [...]}");
    let is_initial = |key: &str| initial.iter().any(|p| key.split('.').next() == Some(p.as_str()));
    let mut sources = Vec::new();
    rust_files(&root.join("src"), &mut sources);
    println!("cargo:rerun-if-changed={}", root.join("src").display());
    for file in &sources {
        let rel = file.strip_prefix(root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        if !renders_before_views(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for key in keys_used(&text) {
            if console[0].contains_key(&key) && !is_initial(&key) {
                errors.push(format!(
                    "{rel} uses {key}, which arrives only with the views loaded on demand: add its prefix to src/i18n/initial.json"
                ));
            }
        }
    }
    errors.sort();
    errors.dedup();
    if !errors.is_empty() {
        panic!("\n\nThe translation catalogs do not fit the initial load:\n  - {}\n\n", errors.join("\n  - "));
    }

    // Index = rank in sorted key order within its part, the initial part first (the runtime sorts
    // each fetched part the same way).
    let (first, rest): (Vec<_>, Vec<_>) = console[0].iter().partition(|(k, _)| is_initial(k));
    let mut tree = Node::default();
    let mut keys_hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut part_hashes = [0xcbf2_9ce4_8422_2325_u64; 2];
    for (index, (key, en)) in first.iter().chain(rest.iter()).enumerate() {
        let part = usize::from(index >= first.len());
        fnv1a(&mut part_hashes[part], key.as_bytes());
        fnv1a(&mut part_hashes[part], b"\n");
        let mut params = template::parameters(en).unwrap_or_default();
        for (name, kind) in template::parameters(&console[1][*key]).unwrap_or_default() {
            let e = params.entry(name).or_insert(kind);
            *e = (*e).max(kind);
        }
        let node = key.split('.').fold(&mut tree, |n, seg| n.children.entry(seg.to_string()).or_default());
        node.leaf = Some((index, params));
    }
    for key in console[0].keys() {
        fnv1a(&mut keys_hash, key.as_bytes());
        fnv1a(&mut keys_hash, b"\n");
    }
    // Changes with any text or with the views' styles (scripts/lazy-assets.py), so `?v=` never lets a
    // cache serve another build's files.
    let mut version: u64 = 0xcbf2_9ce4_8422_2325;
    for cat in console.iter().chain(problems.iter()) {
        for (k, v) in cat {
            fnv1a(&mut version, k.as_bytes());
            fnv1a(&mut version, v.as_bytes());
        }
    }
    for name in ["views.css", "grid.css", "scaling.css", "cache.css"] {
        let path = root.join("style").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        fnv1a(&mut version, &std::fs::read(&path).unwrap_or_default());
    }

    let mut out = String::new();
    let _ = writeln!(out, "// @generated by build.rs from locales/*.json; do not edit.");
    let _ = writeln!(out, "pub const COUNT: usize = {};", console[0].len());
    let _ = writeln!(out, "pub const KEYS_HASH: u64 = {keys_hash:#x};");
    let _ = writeln!(out, "pub const INITIAL_COUNT: usize = {};", first.len());
    let _ = writeln!(out, "pub const INITIAL_HASH: u64 = {:#x};", part_hashes[0]);
    let _ = writeln!(out, "pub const VIEWS_HASH: u64 = {:#x};", part_hashes[1]);
    let _ = writeln!(out, "pub const INITIAL_PREFIXES: &[&str] = &{initial:?};");
    let _ = writeln!(out, "pub const VERSION: &str = \"{version:016x}\";");
    let _ = writeln!(out, "pub mod keys {{");
    emit(&tree, &mut out, 1);
    let _ = writeln!(out, "}}");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("i18n_keys.rs");
    std::fs::write(&dest, out).expect("write i18n_keys.rs");
}
