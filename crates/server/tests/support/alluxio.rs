//! Helpers for the Alluxio coordinator tests: a sandbox with a small page size and short policy
//! checks, UFS files written straight into its data dir, job polling.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{env_credentials, temp_dir, Options, Resp, Server};

/// Page size of the test sandboxes: small, so a few hundred KiB make multi-page files.
pub const PAGE: u64 = 64 * 1024;

/// A sandbox whose cache has 64 KiB pages, `capacity` per worker and a 100 ms policy check.
pub fn start(tag: &str, capacity: &str, extra: &[(&'static str, &str)]) -> Server {
    start_args(tag, capacity, extra, &[])
}

/// [`start`] with more command-line arguments (`--allow-origin`).
pub fn start_args(tag: &str, capacity: &str, extra: &[(&'static str, &str)], args: &[&str]) -> Server {
    let root = temp_dir(tag);
    let mut env = env_credentials();
    env.push(("LAKEDECK_ALLUXIO_PAGE_SIZE", "64KB".into()));
    env.push(("LAKEDECK_ALLUXIO_CAPACITY", capacity.into()));
    env.push(("LAKEDECK_ALLUXIO_CHECK_INTERVAL", "100ms".into()));
    for (k, v) in extra {
        env.push((k, v.to_string()));
    }
    let args = args.iter().map(|a| a.to_string()).collect();
    Server::start_with(&root, Options { env, args, ..Default::default() }).owning(root)
}

/// Restarts a server on the same data dir with the same environment.
pub fn restart(s: Server, capacity: &str) -> Server {
    let root = s.data_dir.parent().unwrap().to_path_buf();
    let owned = s.disown();
    drop(owned);
    let mut env = env_credentials();
    env.push(("LAKEDECK_ALLUXIO_PAGE_SIZE", "64KB".into()));
    env.push(("LAKEDECK_ALLUXIO_CAPACITY", capacity.into()));
    env.push(("LAKEDECK_ALLUXIO_CHECK_INTERVAL", "100ms".into()));
    Server::start_with(&root, Options { env, ..Default::default() }).owning(root)
}

pub fn call(s: &Server, method: &str, path: &str, body: Option<Value>) -> Resp {
    s.api(method, path, body.as_ref())
}

/// A call that must answer 200; returns its JSON.
pub fn ok(s: &Server, method: &str, path: &str, body: Option<Value>) -> Value {
    let r = call(s, method, path, body);
    assert_eq!(r.status, 200, "{method} {path}: {}", r.text());
    r.json()
}

/// Asserts an Alluxio error answer `{"status": message}` and returns the message.
pub fn err(r: &Resp, status: u16) -> String {
    assert_eq!(r.status, status, "body: {}", r.text());
    let v = r.json();
    let msg = v["status"].as_str().unwrap_or_else(|| panic!("no status in {v}")).to_string();
    assert!(!msg.is_empty());
    msg
}

/// Writes a file of the shared OBS tree (`obs://<rel>`) and returns its bytes.
pub fn write_obs(s: &Server, rel: &str, len: usize, seed: u8) -> Vec<u8> {
    let path = s.data_dir.join("obs").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let bytes: Vec<u8> = (0..len).map(|i| ((i as u64 * 31 + seed as u64 * 7 + (i as u64 >> 9)) % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    bytes
}

pub fn obs_path(s: &Server, rel: &str) -> PathBuf {
    s.data_dir.join("obs").join(rel)
}

pub fn mount(s: &Server, path: &str, ufs: &str) {
    ok(s, "POST", "/api/v1/mount", Some(json!({"path": path, "ufs": ufs})));
}

pub fn nodes(s: &Server) -> Vec<Value> {
    ok(s, "GET", "/api/v1/nodes", None).as_array().unwrap().clone()
}

pub fn node(s: &Server, id: &str) -> Value {
    ok(s, "GET", &format!("/api/v1/nodes?id={id}"), None)
}

pub fn worker_ids(s: &Server) -> Vec<String> {
    nodes(s).iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
}

pub fn total(s: &Server, field: &str) -> i64 {
    nodes(s).iter().map(|n| n[field].as_i64().unwrap()).sum()
}

/// Owners of a path on the current ring (replica order).
pub fn owners(s: &Server, path: &str) -> Vec<String> {
    let v = ok(s, "GET", &format!("/api/v1/sandbox/ring?path={path}"), None);
    v["placement"]["owners"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect()
}

/// Submits a job and returns its id.
pub fn submit(s: &Server, kind: &str, body: Value) -> String {
    let v = ok(s, "POST", &format!("/api/v1/{kind}"), Some(body));
    v["id"].as_str().unwrap().to_string()
}

pub fn progress(s: &Server, kind: &str, id: &str) -> Value {
    ok(s, "GET", &format!("/api/v1/{kind}?id={id}"), None)
}

/// Polls a job every 20 ms until it ends; returns its last progress and the states seen.
pub fn wait_job(s: &Server, kind: &str, id: &str) -> (Value, Vec<String>) {
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let p = progress(s, kind, id);
        let st = p["state"].as_str().unwrap().to_string();
        if seen.last() != Some(&st) {
            seen.push(st.clone());
        }
        if ["SUCCEEDED", "FAILED", "STOPPED"].contains(&st.as_str()) {
            return (p, seen);
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{kind} job {id} did not end; seen {seen:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Loads `paths` and waits for the end; asserts SUCCEEDED.
pub fn load(s: &Server, body: Value) -> Value {
    let id = submit(s, "load", body);
    let (p, _) = wait_job(s, "load", &id);
    assert_eq!(p["state"], "SUCCEEDED", "{p}");
    p
}

/// Polls `f` until it holds (policies act in the background).
pub fn eventually(what: &str, f: impl Fn() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}
