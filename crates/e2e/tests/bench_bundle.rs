//! The bundle benchmark (prints figures; fails when the initial load is over budget or a view's
//! chunk is fetched too early). Run through `scripts/bench-bundle.sh` (the test command does), or:
//!
//! ```text
//! cargo test -p lakedeck-e2e --test bench_bundle -- --ignored --nocapture
//! ```
//!
//! Headless Chromium opens `/clusters` on the sandbox serving the release bundle and waits for the
//! first cluster row; every bundle file (HTML, JS, wasm, CSS, and the English console catalog) the
//! page fetched before that row is the initial load (checked again with the zh-CN catalog in place
//! of the English one: one language's catalog is fetched; the rules' messages come with the views
//! that check input), counted at `brotli -q 11` (the sandbox does not compress; a CDN would). Then each
//! other view is opened on a fresh page load: the files it fetched beyond the initial load are its
//! chunk, checked against `lakedeck-manifest.json` (written by scripts/split-bundle.py). Last, every
//! file of the bundle with its raw, `gzip -9` and brotli size.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use lakedeck_e2e::{dist_dir, Harness};
use serde_json::Value;

/// The initial load of `/clusters` may not exceed this many bytes of brotli (issue 13).
const BUDGET: u64 = 250_000;

/// In the page: resolves with the resource entries once none has been added for 300 ms (a fetch's
/// entry is queued after its response ends, possibly after the code it brought has already run).
const SETTLED: &str = r#"
const settled = () => new Promise(resolve => {
  let count = -1, quiet = 0;
  const check = () => {
    const n = performance.getEntriesByType('resource').length;
    quiet = n === count ? quiet + 1 : 0;
    count = n;
    if (quiet >= 3) resolve(performance.getEntriesByType('resource')); else setTimeout(check, 100);
  };
  check();
});
"#;

/// In the page: waits for the first cluster row, then lists what was fetched before it.
const FIRST_ROW: &str = r#"
const done = arguments[arguments.length - 1];
const start = performance.now();
const poll = () => {
  if (document.querySelector('tr[data-cluster-id] a.cluster-name')) {
    const at = performance.now();
    settled().then(entries => done({
      at,
      resources: entries.filter(e => e.startTime <= at).map(e => ({ url: e.name })),
    }));
  } else if (performance.now() - start > 30000) {
    done({ error: 'no cluster row within 30 s' });
  } else {
    requestAnimationFrame(poll);
  }
};
poll();
"#;

/// In the page: waits until `selector` matches, then lists every resource fetched so far.
const VIEW: &str = r#"
const [selector, done] = [arguments[0], arguments[arguments.length - 1]];
const start = performance.now();
const poll = () => {
  if (document.querySelector(selector)) {
    settled().then(entries => done({ resources: entries.map(e => e.name) }));
  } else if (performance.now() - start > 30000) {
    done({ error: `no ${selector} within 30 s` });
  } else {
    requestAnimationFrame(poll);
  }
};
poll();
"#;

fn compressed(file: &Path, cmd: &str, args: &[&str]) -> u64 {
    let out = Command::new(cmd)
        .args(args)
        .arg(file)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed to count compressed sizes (apt install {cmd}): {e}"));
    assert!(out.status.success(), "{cmd} failed on {}", file.display());
    out.stdout.len() as u64
}

struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

fn sizes(file: &Path) -> Sizes {
    Sizes {
        raw: std::fs::metadata(file).unwrap_or_else(|e| panic!("{}: {e}", file.display())).len(),
        gzip: compressed(file, "gzip", &["-9", "-c"]),
        brotli: compressed(file, "brotli", &["-q", "11", "-c"]),
    }
}

/// The bundle file a URL of the sandbox names (`http://h/x/lakedeck-1.js` → `lakedeck-1.js`), if any.
fn bundle_file(url: &str, base: &str) -> Option<String> {
    let path = url.strip_prefix(base)?.split(['?', '#']).next()?.trim_start_matches('/');
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    // Top-level files, and the JS snippets the wasm-bindgen glue imports (under snippets/).
    let code = matches!(ext, "js" | "wasm" | "css" | "html") && (!path.contains('/') || path.starts_with("snippets/"));
    // The translation catalogs of the current language (`locales/<lang>.initial.json`, and with the first
    // lazy view `locales/<lang>.views.json` and `locales/problems/<lang>.json`).
    let catalog = ext == "json" && path.starts_with("locales/");
    (code || catalog).then(|| path.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by scripts/bench-bundle.sh"]
async fn initial_load_and_chunks() {
    let dist = dist_dir();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dist.join("lakedeck-manifest.json")).expect("dist/lakedeck-manifest.json (trunk build --release)"),
    )
    .unwrap();
    let h = Harness::start(700).await;

    // The initial load of /clusters.
    h.goto("/clusters").await;
    let first = h.client.execute_async(&format!("{SETTLED}{FIRST_ROW}"), vec![]).await.expect("first-row script");
    assert!(first.get("error").is_none(), "{first}");
    let mut initial: BTreeSet<String> = BTreeSet::from(["index.html".to_string()]);
    let mut other = Vec::new();
    for r in first["resources"].as_array().unwrap() {
        let url = r["url"].as_str().unwrap();
        match bundle_file(url, &h.base) {
            Some(f) => {
                initial.insert(f);
            }
            None => other.push(url.trim_start_matches(&h.base).to_string()),
        }
    }
    let at = first["at"].as_f64().unwrap();
    println!("\nInitial load of /clusters: first cluster row after {at:.0} ms (document start to row in the DOM)");
    println!("{:<50} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for f in &initial {
        let s = sizes(&dist.join(f));
        println!("{f:<50} {:>10} {:>10} {:>10}", s.raw, s.gzip, s.brotli);
        (raw, gz, br) = (raw + s.raw, gz + s.gzip, br + s.brotli);
    }
    println!("{:<50} {raw:>10} {gz:>10} {br:>10}", "INITIAL LOAD");
    println!("also fetched before the first row (data, not counted): {}", other.join(", "));
    let early: Vec<&String> = initial.iter().filter(|f| f.starts_with("split_") || f.starts_with("chunk_")).collect();
    assert!(early.is_empty(), "views' chunks were fetched before the first cluster row: {early:?}");

    // Every other view, each on a fresh page load: what it fetches beyond the initial load.
    let cluster = h
        .eval("return document.querySelector('tr[data-cluster-id]').getAttribute('data-cluster-id')")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let views = [
        ("cluster_create", "/clusters/create".to_string(), "#wizard-title"),
        ("cluster_detail", format!("/clusters/{cluster}"), ".detail-head"),
        ("jobs_list", "/jobs".to_string(), "#job-name-filter"),
        ("jobs_list", format!("/clusters/{cluster}/jobs"), "#job-name-filter"),
        ("job_detail", format!("/clusters/{cluster}/jobs/no-such-job"), "#job-detail"),
        ("job_submit", format!("/jobs/submit?cluster={cluster}"), "#submit-job-form"),
        ("cluster_files", format!("/clusters/{cluster}/files?path=/tmp/demo"), ".file-toolbar"),
        ("sql_editor", "/sql".to_string(), ".code-editor"),
        ("settings", "/settings".to_string(), "#settings-token"),
        ("tags", "/tags".to_string(), "#tags-title"),
        ("scaling", "/scaling".to_string(), "#scaling-overview-title"),
        ("scaling", format!("/clusters/{cluster}/scaling"), "#scaling-title"),
        ("emr_runs", "/emr/runs".to_string(), "#runs-title"),
        ("emr_runs", "/emr/runs/submit".to_string(), "#submit-run-title"),
        ("emr_flows", "/emr/flows".to_string(), "#flows-title"),
        ("cache", "/cache".to_string(), "#cache-title"),
        ("cache", "/cache/jobs".to_string(), "#cache-jobs-title"),
        ("cache", "/cache/namespace".to_string(), "#cache-ns-title"),
        ("cache", "/cache/policies".to_string(), "#cache-policies-title"),
        ("cache", "/cache/maintenance".to_string(), "#cache-maint-title"),
        ("shortcuts", "/clusters".to_string(), ".shortcut-table"),
    ];
    // Scripts vendored from npm that a view imports itself (CodeMirror for the SQL editor, uPlot for the
    // scaling charts): on demand too, but not wasm chunks of the manifest.
    let vendored = |f: &str| f.starts_with("sql-editor") || f.starts_with("uplot-");
    println!("\nViews loaded on demand (each opened on a fresh page load; its files beyond the initial load):");
    println!("{:<16} {:<44} {:>6} {:>10} {:>10}", "chunk", "view", "files", "raw", "brotli");
    let mut all_chunks = BTreeSet::new();
    for (split, path, selector) in &views {
        h.goto(path).await;
        if *split == "shortcuts" {
            // The shortcut sheet's body is a chunk of its own, fetched when `?` first opens it.
            h.find("tr[data-cluster-id]").await;
            h.client
                .execute("document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '?', bubbles: true}))", vec![])
                .await
                .unwrap();
        }
        let seen = h.client.execute_async(&format!("{SETTLED}{VIEW}"), vec![Value::from(*selector)]).await.expect("view script");
        assert!(seen.get("error").is_none(), "{path}: {seen}");
        let fetched: BTreeSet<String> = seen["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|u| bundle_file(u.as_str().unwrap(), &h.base))
            // The views' texts, styles (views.css) and the rules' messages come with the first lazy view; not a chunk.
            .filter(|f| !initial.contains(f) && !f.starts_with("locales/") && f != "views.css")
            .collect();
        let (scripts, fetched): (BTreeSet<String>, BTreeSet<String>) = fetched.into_iter().partition(|f| vendored(f));
        let listed: BTreeSet<String> =
            manifest["views"][split].as_array().unwrap_or_else(|| panic!("{split} in the manifest")).iter().map(|f| f.as_str().unwrap().to_string()).collect();
        if fetched != listed {
            let all: Vec<&str> = seen["resources"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
            panic!("{path}: fetched {fetched:?} vs the manifest's files of {split} {listed:?}; every resource: {all:?}");
        }
        let (mut raw, mut br) = (0, 0);
        for f in &fetched {
            let s = sizes(&dist.join(f));
            (raw, br) = (raw + s.raw, br + s.brotli);
        }
        all_chunks.extend(fetched.iter().cloned());
        println!("{split:<16} {path:<44} {:>6} {raw:>10} {br:>10}", fetched.len());
        for f in &scripts {
            let s = sizes(&dist.join(f));
            println!("{:<16} {:<44} {:>6} {:>10} {:>10}", "", format!("+ {f} (vendored script)"), 1, s.raw, s.brotli);
        }
    }

    println!("\nEvery file of the bundle:");
    println!("{:<50} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    let mut files: Vec<String> = std::fs::read_dir(&dist)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|f| f.ends_with(".js") || f.ends_with(".wasm") || f.ends_with(".css") || f.ends_with(".html"))
        .collect();
    files.sort();
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for f in &files {
        let s = sizes(&dist.join(f));
        println!("{f:<50} {:>10} {:>10} {:>10}", s.raw, s.gzip, s.brotli);
        (raw, gz, br) = (raw + s.raw, gz + s.gzip, br + s.brotli);
    }
    println!("{:<50} {raw:>10} {gz:>10} {br:>10}", format!("TOTAL ({} files)", files.len()));
    let missing: Vec<&String> = files.iter().filter(|f| (f.starts_with("split_") || f.starts_with("chunk_")) && !all_chunks.contains(*f)).collect();
    assert!(missing.is_empty(), "chunks no view fetched: {missing:?}");

    let initial_br: u64 = initial.iter().map(|f| sizes(&dist.join(f)).brotli).sum();
    let english: Vec<&String> = initial.iter().filter(|f| f.starts_with("locales/")).collect();
    assert_eq!(english, ["locales/en.initial.json"], "the initial part of the English catalog (and no other) belongs to the initial load");
    let (en, zh) = (sizes(&dist.join("locales/en.initial.json")).brotli, sizes(&dist.join("locales/zh-CN.initial.json")).brotli);
    for part in ["views.css", "locales/en.views.json", "locales/zh-CN.views.json", "locales/problems/en.json", "locales/problems/zh-CN.json"] {
        let s = sizes(&dist.join(part));
        println!("{part:<50} {:>10} {:>10} {:>10}  (with the first view loaded on demand)", s.raw, s.gzip, s.brotli);
    }
    let chinese_br = initial_br - en + zh;
    println!("\nInitial load: {initial_br} bytes brotli in English (catalog {en}), {chinese_br} in Chinese (catalog {zh}), budget {BUDGET}");
    assert!(initial_br <= BUDGET, "the initial load of /clusters is {initial_br} bytes brotli, over the {BUDGET}-byte budget");
    assert!(chinese_br <= BUDGET, "the initial load of /clusters in Chinese is {chinese_br} bytes brotli, over the {BUDGET}-byte budget");
    h.close().await;
}
