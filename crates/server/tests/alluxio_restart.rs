//! The cache cluster survives a restart: mounts, policies, the file index, worker states, pages
//! and job records are kept, and a load that was running when the sandbox died resumes (same id)
//! and finishes.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::alluxio::{load, mount, ok, progress, restart, start, submit, total, wait_job, worker_ids, write_obs, PAGE};

#[test]
fn state_and_running_jobs_survive_a_restart() {
    let s = start("alluxio-restart", "8MB", &[]);
    for i in 0..4 {
        write_obs(&s, &format!("rs/data/done/f{i}.bin"), PAGE as usize + 7, i);
    }
    for i in 0..3 {
        write_obs(&s, &format!("rs/data/slow/f{i}.bin"), 3 * PAGE as usize, 10 + i);
    }
    std::fs::write(s.data_dir.join("obs/rs/data/list.idx"), "/rs/done/f0.bin\n").unwrap();
    mount(&s, "/rs", "obs://rs/data");
    ok(&s, "POST", "/api/v1/quota", Some(json!({"path": "/rs", "size": "4MB"})));
    ok(&s, "POST", "/api/v1/ttl", Some(json!({"path": "/rs/done", "time": "1h"})));
    ok(&s, "POST", "/api/v1/priority", Some(json!({"path": "/rs/done", "priority": "HIGH"})));
    ok(&s, "POST", "/api/v1/cache-filter", Some(json!({"type": "maxAge", "scope": "data", "pattern": ".*/slow/.*", "time": "1d"})));
    ok(&s, "POST", "/api/v1/file_index", Some(json!({"path": "/rs/list.idx", "alias": "one"})));
    let done = load(&s, json!({"paths": ["/rs/done"]}));
    let used = total(&s, "usedBytes");
    assert_eq!(used, 4 * (PAGE as i64 + 7));
    let ids = worker_ids(&s);
    ok(&s, "POST", "/api/v1/sandbox/workers/stop", Some(json!({"id": ids[2]})));
    ok(&s, "POST", "/api/v1/sandbox/workers/start", Some(json!({"id": ids[2]})));
    let before = (
        ok(&s, "GET", "/api/v1/mount", None),
        ok(&s, "GET", "/api/v1/quota", None),
        ok(&s, "GET", "/api/v1/ttl", None),
        ok(&s, "GET", "/api/v1/priority", None),
        ok(&s, "GET", "/api/v1/cache-filter", None),
        ok(&s, "GET", "/api/v1/file_index", None),
    );

    // A load throttled to 64 KiB/s per worker is running when the sandbox is killed.
    let slow = submit(&s, "load", json!({"paths": ["/rs/slow"], "alias": "slow", "options": {"bandwidth": "64KB", "batchSize": 1}}));
    let started = Instant::now();
    while progress(&s, "load", &slow)["state"] != "RUNNING" {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let s = restart(s, "8MB");

    let after = (
        ok(&s, "GET", "/api/v1/mount", None),
        ok(&s, "GET", "/api/v1/quota", None),
        ok(&s, "GET", "/api/v1/ttl", None),
        ok(&s, "GET", "/api/v1/priority", None),
        ok(&s, "GET", "/api/v1/cache-filter", None),
        ok(&s, "GET", "/api/v1/file_index", None),
    );
    assert_eq!(before.0, after.0);
    assert_eq!(before.2, after.2);
    assert_eq!(before.3, after.3);
    assert_eq!(before.4, after.4);
    assert_eq!(before.5, after.5);
    assert_eq!(after.1[0]["quotaBytes"], 4 << 20);
    assert_eq!(worker_ids(&s), ids, "the same workers");
    assert_eq!(ok(&s, "GET", &format!("/api/v1/load?id={}", done["id"].as_str().unwrap()), None)["state"], "SUCCEEDED");

    // The interrupted load resumes under the same id and finishes.
    let (p, seen) = wait_job(&s, "load", &slow);
    assert_eq!(p["state"], "SUCCEEDED", "{p} after {seen:?}");
    assert_eq!(p["loadedBytes"].as_i64().unwrap() + p["skippedBytes"].as_i64().unwrap(), 9 * PAGE as i64, "{p}");
    assert_eq!(p["alias"], "slow");
    assert!(p["timeElapsedMilliseconds"].as_i64().unwrap() > 0);

    // The pages written before the restart are still there and still count.
    let again = load(&s, json!({"paths": ["/rs/done"], "options": {"skipIfExists": true}}));
    assert_eq!(again["skippedBytes"].as_i64(), Some(used), "{again}");
    assert_eq!(total(&s, "usedBytes"), used + 9 * PAGE as i64);
    assert_eq!(ok(&s, "GET", "/api/v1/load", None)["results"].as_array().unwrap().len(), 3);
}
