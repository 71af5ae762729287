//! Policies and load options acting on real pages: quota (pre-check and eviction down to it),
//! TTL expiry, priority eviction order (LOW, MEDIUM, HIGH; LRU within a level; a lower page is
//! refused rather than evicting higher ones), cache-filter skipCache, skipIfExists with
//! IF_CHANGED, loadMetadataOnly, fileFilterRegex and verify.

mod support;

use serde_json::json;
use support::alluxio::{eventually, load, mount, ok, start, submit, total, wait_job, write_obs, PAGE};
use support::Server;

/// Cached bytes under an Alluxio path, each page counted once.
fn cached(s: &Server, path: &str) -> i64 {
    let parent = path.rsplit_once('/').map(|(p, _)| if p.is_empty() { "/" } else { p }).unwrap();
    let name = path.rsplit('/').next().unwrap();
    let b = ok(s, "GET", &format!("/api/v1/sandbox/browse?path={parent}"), None);
    b["entries"].as_array().unwrap().iter().find(|e| e["name"] == name).map(|e| e["cachedBytes"].as_i64().unwrap()).unwrap_or(0)
}

fn files(s: &Server, dir: &str, n: usize, len: usize) -> i64 {
    for i in 0..n {
        write_obs(s, &format!("pol/data/{dir}/f{i}.bin"), len, i as u8);
    }
    (n * len) as i64
}

#[test]
fn policies_act_on_pages() {
    // 1 MiB per worker = 16 pages of 64 KiB.
    let s = start("alluxio-policy", "1MB", &[]);
    mount(&s, "/p", "obs://pol/data");
    let page = PAGE as usize;

    // Quota: a load that can never fit is refused before it starts; lowering a quota below the
    // cached bytes evicts down to it.
    let q_total = files(&s, "q", 10, page);
    ok(&s, "POST", "/api/v1/quota", Some(json!({"path": "/p/q", "size": "512KB"})));
    let id = submit(&s, "load", json!({"paths": ["/p/q"]}));
    let (p, _) = wait_job(&s, "load", &id);
    assert_eq!(p["state"], "FAILED", "{p}");
    assert!(p["quotaCheckError"].as_str().unwrap().contains("quota"), "{p}");
    assert_eq!(p["quota"]["totalBytes"], 512 * 1024);
    assert_eq!(p["loadedBytes"], 0);
    ok(&s, "POST", "/api/v1/quota", Some(json!({"path": "/p/q", "size": "2MB"})));
    let p = load(&s, json!({"paths": ["/p/q"]}));
    assert_eq!((p["loadedBytes"].as_i64(), p["quota"]["totalBytes"].as_i64()), (Some(q_total), Some(2 << 20)), "{p}");
    assert_eq!(ok(&s, "GET", "/api/v1/quota?path=/p/q", None)["usedBytes"].as_i64(), Some(q_total));
    ok(&s, "POST", "/api/v1/quota", Some(json!({"path": "/p/q", "size": "512KB"})));
    let used = ok(&s, "GET", "/api/v1/quota?path=/p/q", None)["usedBytes"].as_i64().unwrap();
    assert!(used <= 512 * 1024 && used > 0, "evicted down to the quota: {used}");
    assert_eq!(total(&s, "evictedByQuota"), (q_total - used) / PAGE as i64);
    // A load under the quota evicts older pages under it rather than exceeding it.
    let id = submit(&s, "free", json!({"paths": ["/p/q"]}));
    wait_job(&s, "free", &id);
    ok(&s, "DELETE", "/api/v1/quota", Some(json!({"path": "/p/q"})));

    // TTL: pages older than the rule are evicted by the background check.
    files(&s, "t", 3, page);
    load(&s, json!({"paths": ["/p/t"]}));
    assert_eq!(cached(&s, "/p/t"), 3 * page as i64);
    ok(&s, "POST", "/api/v1/ttl", Some(json!({"path": "/p/t", "time": "300ms"})));
    eventually("TTL eviction", || cached(&s, "/p/t") == 0);
    assert_eq!(total(&s, "evictedByTtl"), 3);
    ok(&s, "DELETE", "/api/v1/ttl", Some(json!({"path": "/p/t"})));

    // Priority, with every file on all three workers (replicas 3) so each worker sees the same
    // pressure: 4 HIGH + 8 LOW pages fill 12 of 16; 8 MEDIUM pages evict 4 LOW ones, not HIGH.
    let hi = files(&s, "hi", 4, page);
    let low = files(&s, "low", 8, page);
    let mid = files(&s, "mid", 8, page);
    ok(&s, "POST", "/api/v1/priority", Some(json!({"path": "/p/hi", "priority": "HIGH"})));
    ok(&s, "POST", "/api/v1/priority", Some(json!({"path": "/p/low", "priority": "LOW"})));
    load(&s, json!({"paths": ["/p/hi"], "options": {"replicas": 3}}));
    load(&s, json!({"paths": ["/p/low"], "options": {"replicas": 3}}));
    load(&s, json!({"paths": ["/p/mid"], "options": {"replicas": 3}}));
    assert_eq!((cached(&s, "/p/hi"), cached(&s, "/p/mid"), cached(&s, "/p/low")), (hi, mid, low / 2));
    assert_eq!(total(&s, "evictedByCapacity"), 3 * 4, "four LOW pages on each of the three workers");
    // A LOW page cannot evict MEDIUM or HIGH pages: it is not cached at all.
    let low2 = files(&s, "low2", 4, page);
    ok(&s, "POST", "/api/v1/priority", Some(json!({"path": "/p/low2", "priority": "LOW"})));
    let p = load(&s, json!({"paths": ["/p/low2"], "options": {"replicas": 3}}));
    assert_eq!(p["failedFiles"], 0, "LOW may evict LOW: {p}");
    assert_eq!((cached(&s, "/p/low2"), cached(&s, "/p/low")), (low2, 0), "the older LOW pages went first (LRU)");
    assert_eq!((cached(&s, "/p/hi"), cached(&s, "/p/mid")), (hi, mid));
    let low3 = files(&s, "low3", 1, page);
    ok(&s, "POST", "/api/v1/priority", Some(json!({"path": "/p/low3", "priority": "LOW"})));
    ok(&s, "POST", "/api/v1/priority", Some(json!({"path": "/p/low2", "priority": "HIGH"})));
    let id = submit(&s, "load", json!({"paths": ["/p/low3"], "options": {"replicas": 3}}));
    let (p, _) = wait_job(&s, "load", &id);
    assert_eq!((p["state"].as_str(), p["failedFiles"].as_i64()), (Some("FAILED"), Some(1)), "{p}");
    assert!(p["errorMessage"].to_string().contains("priority"), "{p}");
    assert_eq!((cached(&s, "/p/low3"), cached(&s, "/p/hi"), cached(&s, "/p/mid"), cached(&s, "/p/low2")), (0, hi, mid, low2));
    let _ = low3;
    let id = submit(&s, "free", json!({"paths": ["/p"]}));
    wait_job(&s, "free", &id);
    assert_eq!(total(&s, "usedBytes"), 0);
    for p in ["/p/hi", "/p/low", "/p/low2", "/p/low3"] {
        ok(&s, "DELETE", "/api/v1/priority", Some(json!({"path": p})));
    }

    // Cache filter: skipCache files are not cached by a load.
    let skip = files(&s, "tmp", 2, page);
    ok(&s, "POST", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "data", "pattern": ".*/tmp/.*"})));
    let p = load(&s, json!({"paths": ["/p/tmp"]}));
    assert_eq!((p["skippedBytes"].as_i64(), p["loadedBytes"].as_i64()), (Some(skip), Some(0)), "{p}");
    assert_eq!(cached(&s, "/p/tmp"), 0);

    // skipIfExists skips cached files, even changed ones, unless loadPolicy IF_CHANGED.
    let c = files(&s, "c", 3, page + 10);
    load(&s, json!({"paths": ["/p/c"]}));
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_obs(&s, "pol/data/c/f1.bin", 2 * page, 42);
    let p = load(&s, json!({"paths": ["/p/c"], "options": {"skipIfExists": true}}));
    assert_eq!((p["loadedBytes"].as_i64(), p["skippedBytes"].as_i64()), (Some(0), Some(c - (page as i64 + 10) + 2 * page as i64)), "{p}");
    let p = load(&s, json!({"paths": ["/p/c"], "options": {"skipIfExists": true, "loadPolicy": "IF_CHANGED"}}));
    assert_eq!((p["loadedBytes"].as_i64(), p["loadedNonEmptyFiles"].as_i64(), p["loadPolicy"].as_str()), (Some(2 * page as i64), Some(1), Some("IF_CHANGED")), "{p}");

    // Metadata only: files known, nothing cached.
    files(&s, "m", 2, page);
    let before = total(&s, "usedBytes");
    let p = load(&s, json!({"paths": ["/p/m"], "options": {"loadMetadataOnly": true}}));
    assert_eq!((p["loadedBytes"].as_i64(), p["scannedFiles"].as_i64(), p["loadMetadataOnly"].as_bool()), (Some(0), Some(2), Some(true)), "{p}");
    assert_eq!(total(&s, "usedBytes"), before);

    // fileFilterRegex keeps only matching files (whole-URI match); verify checks the pages.
    write_obs(&s, "pol/data/r/a.parquet", 1000, 1);
    write_obs(&s, "pol/data/r/b.parquet", 2000, 2);
    write_obs(&s, "pol/data/r/notes.txt", 3000, 3);
    let p = load(&s, json!({"paths": ["/p/r"], "options": {"fileFilterRegex": ".*\\.parquet", "verify": true, "batchSize": 1}}));
    assert_eq!((p["scannedFiles"].as_i64(), p["loadedBytes"].as_i64(), p["verify"].as_bool()), (Some(2), Some(3000), Some(true)), "{p}");
    assert_eq!(p["fileFilterRegex"], ".*\\.parquet");
    assert_eq!(p["batchSize"], 1);
}
