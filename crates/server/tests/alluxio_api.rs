//! The Alluxio coordinator REST API of the sandbox: every path and method of seeds/004 with the
//! status codes it lists (except 500, an unexpected error), authentication, the `{"status"}`
//! error body in both languages, and the sandbox-only worker, ring and browse calls.

mod support;

use serde_json::{json, Value};
use support::alluxio::{call, err, mount, nodes, ok, start_args, submit, wait_job, worker_ids, write_obs, PAGE};
use support::raw_request;

/// A console hosted elsewhere, granted CORS with --allow-origin.
const CONSOLE: &str = "https://console.example";

#[test]
fn coordinator_api() {
    let s = start_args("alluxio-api", "8MB", &[], &["--allow-origin", CONSOLE]);
    write_obs(&s, "lake/data/a.bin", 3 * PAGE as usize + 10, 1);
    write_obs(&s, "lake/data/sub/b.bin", 1000, 2);
    write_obs(&s, "lake/lists/train.idx", 0, 0);
    std::fs::write(s.data_dir.join("obs/lake/lists/train.idx"), "# two files\n/lake/a.bin\nobs://lake/data/sub/b.bin\n\n").unwrap();

    auth(&s);
    mounts(&s);
    policies(&s);
    cache_filter(&s);
    file_index(&s);
    jobs(&s);
    stale_cache_and_nodes(&s);
    sandbox_calls(&s);
}

fn auth(s: &support::Server) {
    // No credentials, a wrong token, then the token as a Bearer.
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[], None);
    assert!(err(&r, 401).contains("X-Auth-Token"));
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[("X-Auth-Token", "nope")], None);
    err(&r, 401);
    let bearer = format!("Bearer {}", s.token);
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[("Authorization", &bearer)], None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json().as_array().unwrap().len(), 3, "three workers on first start");
    // Error bodies follow the request's language.
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[("X-Language", "zh-cn")], None);
    assert!(err(&r, 401).contains("缺少凭证"), "{}", r.text());
    // The edge's Origin rules cover these paths: a foreign page is refused in this API's shape,
    // the granted console gets CORS (preflight and answer), same-origin callers need none.
    let token = s.token.clone();
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[("X-Auth-Token", &token), ("Origin", "https://evil.example")], None);
    assert!(err(&r, 403).contains("origin"));
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = raw_request(&s.addr, "OPTIONS", "/api/v1/load", &[("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")], None);
    assert_eq!((r.status, r.header("access-control-allow-origin")), (403, None));
    let r = raw_request(&s.addr, "OPTIONS", "/api/v1/load", &[("Origin", CONSOLE), ("Access-Control-Request-Method", "DELETE")], None);
    assert_eq!(r.status, 204);
    assert!(r.header("access-control-allow-methods").unwrap().contains("DELETE"));
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[("X-Auth-Token", &token), ("Origin", CONSOLE)], None);
    assert_eq!((r.status, r.header("access-control-allow-origin")), (200, Some(CONSOLE)));
    let r = raw_request(&s.addr, "GET", "/api/v1/nodes", &[("Origin", CONSOLE)], None);
    assert_eq!((r.status, r.header("access-control-allow-origin")), (401, Some(CONSOLE)), "a refusal the console can read");
    // Unknown sub-paths and methods get the coordinator's error shape, and other /api/v1 paths
    // are not this API's.
    err(&call(s, "GET", "/api/v1/load/extra", None), 404);
    let r = call(s, "PUT", "/api/v1/load", Some(json!({})));
    assert!(err(&r, 405).contains("PUT"));
    let r = raw_request(&s.addr, "GET", "/api/v1/workspaces", &[], None);
    assert!(!r.text().contains("\"status\""), "not answered by the Alluxio API: {}", r.text());
}

fn mounts(s: &support::Server) {
    assert_eq!(ok(s, "GET", "/api/v1/mount", None), json!([]));
    // 400: no body, missing fields, a UFS the sandbox does not have, escaping paths, the root.
    err(&call(s, "POST", "/api/v1/mount", None), 400);
    assert!(err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/lake"}))), 400).contains("ufs"));
    assert!(err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/s3", "ufs": "s3://bkt/x"}))), 400).contains("obs://"));
    err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/lake", "ufs": "obs://lake/../etc"}))), 400);
    err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/a/../b", "ufs": "obs://lake/data"}))), 400);
    err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/", "ufs": "obs://lake/data"}))), 400);
    err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/h", "ufs": "hdfs://no-such-cluster/tmp"}))), 400);
    let m = ok(s, "POST", "/api/v1/mount", Some(json!({"path": "/lake/", "ufs": "obs://lake/data/", "options": {"fs.obs.access.key": "AK", "n": 3}})));
    assert_eq!(m, json!({"path": "/lake/", "ufs": "obs://lake/data/", "options": {"fs.obs.access.key": "AK", "n": "3"}}));
    // 409: the same path, a nested path, the same UFS elsewhere.
    let r = call(s, "POST", "/api/v1/mount", Some(json!({"path": "/lake", "ufs": "obs://other/"})));
    assert!(err(&r, 409).contains("already mounted"));
    err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/lake/inner", "ufs": "obs://other/"}))), 409);
    err(&call(s, "POST", "/api/v1/mount", Some(json!({"path": "/copy", "ufs": "obs://lake/data/sub"}))), 409);
    mount(s, "/lists", "obs://lake/lists");
    mount(s, "/gone", "obs://lake/nothing-here-yet");
    assert_eq!(ok(s, "GET", "/api/v1/mount", None).as_array().unwrap().len(), 3);
    assert_eq!(ok(s, "GET", "/api/v1/mount?path=/lake", None)["ufs"], "obs://lake/data/");
    err(&call(s, "GET", "/api/v1/mount?path=/nope", None), 404);
    // DELETE: 400 without a body, 410 when not mounted, 200 (body or ?path=).
    err(&call(s, "DELETE", "/api/v1/mount", None), 400);
    err(&call(s, "DELETE", "/api/v1/mount", Some(json!({"path": "/nope"}))), 410);
    ok(s, "DELETE", "/api/v1/mount?path=/gone", None);
    err(&call(s, "DELETE", "/api/v1/mount", Some(json!({"path": "/gone"}))), 410);
}

fn policies(s: &support::Server) {
    // Quota.
    assert_eq!(ok(s, "GET", "/api/v1/quota", None), json!([]));
    err(&call(s, "GET", "/api/v1/quota?path=/lake", None), 404);
    err(&call(s, "POST", "/api/v1/quota", None), 400);
    assert!(err(&call(s, "POST", "/api/v1/quota", Some(json!({"path": "/elsewhere", "size": "1MB"}))), 400).contains("mount"));
    assert!(err(&call(s, "POST", "/api/v1/quota", Some(json!({"path": "/lake", "size": "lots"}))), 400).contains("lots"));
    err(&call(s, "POST", "/api/v1/quota", Some(json!({"path": "/lake/missing", "size": "1MB"}))), 400);
    let q = ok(s, "POST", "/api/v1/quota", Some(json!({"path": "/lake", "size": "2MB"})));
    assert_eq!(q, json!({"path": "/lake", "quotaBytes": 2 * 1024 * 1024, "usedBytes": 0}));
    ok(s, "POST", "/api/v1/quota", Some(json!({"path": "/lake", "size": 3145728})));
    assert_eq!(ok(s, "GET", "/api/v1/quota?path=obs://lake/data", None)["quotaBytes"], 3145728);
    assert_eq!(ok(s, "GET", "/api/v1/quota", None).as_array().unwrap().len(), 1);
    err(&call(s, "DELETE", "/api/v1/quota", None), 400);
    err(&call(s, "DELETE", "/api/v1/quota", Some(json!({"path": "/lists"}))), 400);
    ok(s, "DELETE", "/api/v1/quota", Some(json!({"path": "/lake"})));
    assert_eq!(ok(s, "GET", "/api/v1/quota", None), json!([]));

    // TTL.
    assert_eq!(ok(s, "GET", "/api/v1/ttl", None), json!([]));
    err(&call(s, "GET", "/api/v1/ttl?path=/lake", None), 404);
    err(&call(s, "POST", "/api/v1/ttl", None), 400);
    err(&call(s, "POST", "/api/v1/ttl", Some(json!({"path": "/lake"}))), 400);
    assert!(err(&call(s, "POST", "/api/v1/ttl", Some(json!({"path": "/lake", "time": "1 fortnight"}))), 400).contains("fortnight"));
    err(&call(s, "POST", "/api/v1/ttl", Some(json!({"path": "/unmounted", "time": "1h"}))), 400);
    assert_eq!(ok(s, "POST", "/api/v1/ttl", Some(json!({"path": "/lake", "time": "1h"}))), json!({"path": "/lake", "time": "1h"}));
    ok(s, "POST", "/api/v1/ttl", Some(json!({"alluxioPath": "/lake/sub", "time": "10m"})));
    assert_eq!(ok(s, "GET", "/api/v1/ttl", None).as_array().unwrap().len(), 2);
    assert_eq!(ok(s, "GET", "/api/v1/ttl?path=/lake/sub", None)["time"], "10m");
    err(&call(s, "DELETE", "/api/v1/ttl", None), 400);
    err(&call(s, "DELETE", "/api/v1/ttl", Some(json!({"path": "/lists"}))), 400);
    ok(s, "DELETE", "/api/v1/ttl", Some(json!({"path": "/lake/sub"})));
    ok(s, "DELETE", "/api/v1/ttl?path=/lake", None);

    // Priority (a UFS path works as well as an Alluxio path).
    assert_eq!(ok(s, "GET", "/api/v1/priority", None), json!([]));
    err(&call(s, "GET", "/api/v1/priority?path=/lake", None), 404);
    err(&call(s, "POST", "/api/v1/priority", None), 400);
    assert!(err(&call(s, "POST", "/api/v1/priority", Some(json!({"path": "/lake", "priority": "URGENT"}))), 400).contains("HIGH"));
    let p = ok(s, "POST", "/api/v1/priority", Some(json!({"path": "obs://lake/data/sub", "priority": "high"})));
    assert_eq!(p, json!({"path": "obs://lake/data/sub", "priority": "HIGH"}));
    assert_eq!(ok(s, "GET", "/api/v1/priority?path=/lake/sub", None)["priority"], "HIGH");
    err(&call(s, "DELETE", "/api/v1/priority", None), 400);
    ok(s, "DELETE", "/api/v1/priority", Some(json!({"path": "/lake/sub"})));
    ok(s, "DELETE", "/api/v1/priority", Some(json!({"path": "/lake/sub"})));
    assert_eq!(ok(s, "GET", "/api/v1/priority", None), json!([]));
}

fn cache_filter(s: &support::Server) {
    let doc = ok(s, "GET", "/api/v1/cache-filter", None);
    assert_eq!(doc["apiVersion"], 1);
    assert_eq!((doc["data"]["defaultType"].as_str(), doc["metadata"]["defaultType"].as_str()), (Some("immutable"), Some("immutable")));
    err(&call(s, "POST", "/api/v1/cache-filter", None), 400);
    err(&call(s, "POST", "/api/v1/cache-filter", Some(json!({"type": "maxAge", "scope": "data", "pattern": ".*/daily/.*"}))), 400);
    err(&call(s, "POST", "/api/v1/cache-filter", Some(json!({"type": "sometimes", "scope": "data", "pattern": ".*"}))), 400);
    err(&call(s, "POST", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "disk", "pattern": ".*"}))), 400);
    err(&call(s, "POST", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "data", "pattern": "(oops"}))), 400);
    ok(s, "POST", "/api/v1/cache-filter", Some(json!({"type": "maxAge", "scope": "data", "pattern": ".*/daily/.*", "time": "1d"})));
    ok(s, "POST", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "data", "pattern": ".*/tmp/.*"})));
    let doc = ok(s, "POST", "/api/v1/cache-filter", Some(json!({"op": "updateDefault", "scope": "metadata", "defaultType": "maxAge", "time": "10min"})));
    assert_eq!(doc["data"]["maxAge"], json!({".*/daily/.*": "1d"}));
    assert_eq!(doc["data"]["skipCache"], json!([".*/tmp/.*"]));
    assert_eq!((doc["metadata"]["defaultType"].as_str(), doc["metadata"]["defaultTime"].as_str()), (Some("maxAge"), Some("10min")));
    // Which rule a path falls under.
    let t = ok(s, "GET", "/api/v1/cache-filter?path=/lake/tmp/x", None);
    assert_eq!((t["data"]["type"].as_str(), t["data"]["default"].as_bool()), (Some("skipCache"), Some(false)));
    assert_eq!((t["metadata"]["type"].as_str(), t["metadata"]["default"].as_bool()), (Some("maxAge"), Some(true)));
    assert_eq!(t["ufs"], "obs://lake/data/tmp/x");
    // DELETE: 400 without a body, for the default rule and for an unknown pattern.
    err(&call(s, "DELETE", "/api/v1/cache-filter", None), 400);
    err(&call(s, "DELETE", "/api/v1/cache-filter", Some(json!({"op": "updateDefault", "scope": "data"}))), 400);
    err(&call(s, "DELETE", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "data", "pattern": ".*/nope/.*"}))), 400);
    let doc = ok(s, "DELETE", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "data", "pattern": ".*/tmp/.*"})));
    assert_eq!(doc["data"]["skipCache"], json!([]));
    ok(s, "DELETE", "/api/v1/cache-filter", Some(json!({"scope": "data", "pattern": ".*/daily/.*"})));
    ok(s, "POST", "/api/v1/cache-filter", Some(json!({"updateDefault": true, "scope": "metadata", "type": "immutable"})));
}

fn file_index(s: &support::Server) {
    assert_eq!(ok(s, "GET", "/api/v1/file_index", None), json!([]));
    let added = ok(s, "POST", "/api/v1/file_index", Some(json!({"path": "/lists/train.idx", "alias": "train"})));
    assert_eq!(added["added"], 2);
    let again = ok(s, "POST", "/api/v1/file_index", Some(json!({"path": "/lists/train.idx", "entries": ["/lake/a.bin"]})));
    assert_eq!(again["added"], 0, "already listed");
    err(&call(s, "POST", "/api/v1/file_index", Some(json!({"path": "/lists/x.idx", "entries": ["/not/mounted"]}))), 400);
    let list = ok(s, "GET", "/api/v1/file_index", None);
    assert_eq!((list[0]["path"].as_str(), list[0]["alias"].as_str(), list[0]["entryCount"].as_i64()), (Some("obs://lake/lists/train.idx"), Some("train"), Some(2)));
    let one = ok(s, "GET", "/api/v1/file_index?path=/lists/train.idx", None);
    assert_eq!(one["entries"], json!(["obs://lake/data/a.bin", "obs://lake/data/sub/b.bin"]));
    err(&call(s, "GET", "/api/v1/file_index?path=/lists/none.idx", None), 404);
    err(&call(s, "POST", "/api/v1/file_index", None), 400);
    let removed = ok(s, "DELETE", "/api/v1/file_index", Some(json!({"path": "/lists/train.idx", "entries": ["/lake/sub/b.bin"]})));
    assert_eq!(removed["removed"], 1);
    ok(s, "POST", "/api/v1/file_index", Some(json!({"path": "/lists/train.idx"})));
}

fn jobs(s: &support::Server) {
    // POST 400: no body, neither or both of index and paths, bad options, unmounted paths.
    for kind in ["load", "free"] {
        err(&call(s, "POST", &format!("/api/v1/{kind}"), None), 400);
        err(&call(s, "POST", &format!("/api/v1/{kind}"), Some(json!({}))), 400);
        err(&call(s, "POST", &format!("/api/v1/{kind}"), Some(json!({"paths": ["/lake"], "index": "/lists/train.idx"}))), 400);
        err(&call(s, "POST", &format!("/api/v1/{kind}"), Some(json!({"paths": ["/not/mounted"]}))), 400);
    }
    err(&call(s, "POST", "/api/v1/load", Some(json!({"paths": ["/lake"], "options": {"replicas": 9}}))), 400);
    err(&call(s, "POST", "/api/v1/load", Some(json!({"paths": ["/lake"], "options": {"loadPolicy": "ALWAYS"}}))), 400);
    err(&call(s, "POST", "/api/v1/load", Some(json!({"paths": ["/lake"], "options": {"fileFilterRegex": "(x"}}))), 400);
    err(&call(s, "POST", "/api/v1/load", Some(json!({"paths": ["/lake"], "options": {"batchSize": 0}}))), 400);
    err(&call(s, "POST", "/api/v1/load", Some(json!({"paths": "/lake"}))), 400);

    // A slow load (64 KiB/s on 196 KiB) stays RUNNING long enough for 409, stop and resume.
    let body = json!({"paths": ["/lake"], "alias": "lake-all", "options": {"bandwidth": "64KB", "batchSize": "1", "replicas": "1"}});
    let submitted = ok(s, "POST", "/api/v1/load", Some(body.clone()));
    let id = submitted["id"].as_str().unwrap().to_string();
    assert_eq!(submitted["alias"], "lake-all");
    assert_eq!(submitted["target"], format!("job-{id}"));
    let r = call(s, "POST", "/api/v1/load", Some(body.clone()));
    assert!(!err(&r, 409).is_empty());
    assert_eq!(r.json()["id"], id, "409 returns the previous job id");
    // Progress by id, alias and target; a list with paging.
    for sel in [format!("id={id}"), "alias=lake-all".to_string(), format!("target=job-{id}")] {
        let p = ok(s, "GET", &format!("/api/v1/load?{sel}"), None);
        assert_eq!(p["id"], id);
        assert!(["WAITING", "RUNNING"].contains(&p["state"].as_str().unwrap()), "{p}");
    }
    err(&call(s, "GET", "/api/v1/load?alias=nope", None), 404);
    err(&call(s, "GET", "/api/v1/load?id=x&alias=y", None), 400);
    err(&call(s, "GET", &format!("/api/v1/free?id={id}"), None), 404);
    // Stop: 400 without a body, 410 for an unknown job, 200, then 410 (already ended).
    err(&call(s, "DELETE", "/api/v1/load", None), 400);
    err(&call(s, "DELETE", "/api/v1/load", Some(json!({"alias": "nope"}))), 410);
    let stopped = ok(s, "DELETE", "/api/v1/load", Some(json!({"alias": "lake-all"})));
    assert_eq!(stopped["state"], "STOPPED");
    err(&call(s, "DELETE", "/api/v1/load", Some(json!({"id": id}))), 410);
    // Resubmitting resumes the same job, now at full speed.
    let resumed = ok(s, "POST", "/api/v1/load", Some(json!({"paths": ["/lake"], "alias": "lake-all"})));
    assert_eq!((resumed["id"].as_str(), resumed["resumed"].as_bool()), (Some(id.as_str()), Some(true)));
    let (p, _) = wait_job(s, "load", &id);
    assert_eq!(p["state"], "SUCCEEDED", "{p}");
    let len_a = 3 * PAGE as i64 + 10;
    assert_eq!((p["totalBytes"].as_i64(), p["scannedFiles"].as_i64()), (Some(len_a + 1000), Some(2)));
    assert_eq!(p["loadedBytes"].as_i64().unwrap() + p["skippedBytes"].as_i64().unwrap(), len_a + 1000, "{p}");
    assert_eq!(p["quota"], json!({"totalBytes": 0, "remaining": 0}));
    assert!(p.get("runningState").is_none() && p.get("index").is_none(), "empty values omitted: {p}");
    assert_eq!(p["paths"], json!(["/lake"]));
    // List, paged by lastKey/count.
    let other = submit(s, "load", json!({"index": "/lists/train.idx"}));
    wait_job(s, "load", &other);
    let all = ok(s, "GET", "/api/v1/load", None)["results"].as_array().unwrap().clone();
    assert_eq!(all.iter().map(|j| j["id"].as_str().unwrap()).collect::<Vec<_>>(), vec![id.as_str(), other.as_str()]);
    let page = ok(s, "GET", &format!("/api/v1/load?lastKey={id}&count=5"), None);
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    assert_eq!(ok(s, "GET", "/api/v1/load?count=1", None)["results"].as_array().unwrap().len(), 1);
    err(&call(s, "GET", "/api/v1/load?count=zero", None), 400);
    err(&call(s, "GET", "/api/v1/load?lastKey=unknown", None), 400);
    assert_eq!(ok(s, "GET", "/api/v1/load?index=/lists/train.idx", None)["id"], other);

    // Free: by index, then by paths; progress by alias; stop of a finished job is 410.
    let fid = submit(s, "free", json!({"paths": ["/lake/sub"], "alias": "free-sub"}));
    let (fp, _) = wait_job(s, "free", &fid);
    assert_eq!((fp["state"].as_str(), fp["freedFiles"].as_i64(), fp["freedBytes"].as_i64()), (Some("SUCCEEDED"), Some(1), Some(1000)), "{fp}");
    assert_eq!(ok(s, "GET", "/api/v1/free?alias=free-sub", None)["id"], fid);
    err(&call(s, "DELETE", "/api/v1/free", Some(json!({"alias": "free-sub"}))), 410);
    err(&call(s, "DELETE", "/api/v1/free", None), 400);
    assert_eq!(ok(s, "GET", "/api/v1/free", None)["results"].as_array().unwrap().len(), 1);

    // Rebalance: target required and known; progress by id and target.
    err(&call(s, "POST", "/api/v1/rebalance", None), 400);
    err(&call(s, "POST", "/api/v1/rebalance", Some(json!({"options": {}}))), 400);
    err(&call(s, "POST", "/api/v1/rebalance", Some(json!({"target": "worker-nope"}))), 400);
    err(&call(s, "POST", "/api/v1/rebalance", Some(json!({"target": "ALL", "options": {"loadBandwidth": "fast"}}))), 400);
    let rid = submit(s, "rebalance", json!({"target": "ALL", "options": {"loadBatchSize": 10, "pruneBandwidth": "100MB", "skipPrune": false}}));
    let (rp, _) = wait_job(s, "rebalance", &rid);
    assert_eq!((rp["state"].as_str(), rp["target"].as_str(), rp["skipPrune"].as_bool()), (Some("SUCCEEDED"), Some("ALL"), Some(false)), "{rp}");
    assert_eq!(ok(s, "GET", "/api/v1/rebalance?target=ALL", None)["id"], rid);
    err(&call(s, "GET", "/api/v1/rebalance?target=worker-x", None), 404);
    err(&call(s, "DELETE", "/api/v1/rebalance", Some(json!({"target": "ALL"}))), 410);
    err(&call(s, "DELETE", "/api/v1/rebalance", None), 400);
    assert_eq!(ok(s, "GET", "/api/v1/rebalance", None)["results"].as_array().unwrap().len(), 1);

    // sync: the answer is the final progress.
    let p = ok(s, "POST", "/api/v1/load", Some(json!({"paths": ["/lake/a.bin"], "options": {"sync": true, "skipIfExists": true}})));
    assert_eq!((p["state"].as_str(), p["skippedBytes"].as_i64()), (Some("SUCCEEDED"), Some(len_a)), "{p}");
}

fn stale_cache_and_nodes(s: &support::Server) {
    // Clear stale cache: 400 without a body, 501 for another operation type, 200 with an empty
    // errors object, then per-worker errors once a worker is down.
    err(&call(s, "POST", "/api/v1/cache", None), 400);
    err(&call(s, "POST", "/api/v1/cache", Some(json!({"opType": "compact"}))), 501);
    err(&call(s, "DELETE", "/api/v1/cache", Some(json!({"opType": "compact"}))), 501);
    err(&call(s, "DELETE", "/api/v1/cache", None), 400);
    let r = ok(s, "POST", "/api/v1/cache", Some(json!({})));
    assert_eq!((r["status"].as_str(), r["errors"].clone()), (Some("submitted"), json!({})), "{r}");
    support::alluxio::eventually("the clean to end", || ok(s, "GET", "/api/v1/cache", None)["state"] == "SUCCEEDED");
    let ids = worker_ids(s);
    let down = ids[0].clone();
    ok(s, "POST", "/api/v1/sandbox/workers/stop", Some(json!({"id": down})));
    let r = ok(s, "POST", "/api/v1/cache", Some(json!({"opType": "clearStaleCache"})));
    assert_eq!(r["status"], "partially submitted");
    assert_eq!(r["errors"].as_object().unwrap().keys().collect::<Vec<_>>(), vec![&down]);
    let r = ok(s, "DELETE", "/api/v1/cache", Some(json!({})));
    assert!(r["errors"].get(&down).is_some(), "{r}");

    // Nodes: query, 404 for an unknown id, 409 while ONLINE, 200 once stopped.
    let n = ok(s, "GET", &format!("/api/v1/nodes?id={}", ids[1]), None);
    assert_eq!((n["state"].as_str(), n["capacityBytes"].as_i64()), (Some("ONLINE"), Some(8 << 20)));
    for field in ["host", "usedBytes", "pageCount", "hits", "misses", "evictions", "startTime", "version"] {
        assert!(n.get(field).is_some(), "{field} in {n}");
    }
    assert_eq!(ok(s, "GET", &format!("/api/v1/nodes?id={down}"), None)["state"], "OFFLINE");
    err(&call(s, "GET", "/api/v1/nodes?id=worker-nope", None), 404);
    err(&call(s, "DELETE", "/api/v1/nodes?id=worker-nope", None), 404);
    assert!(err(&call(s, "DELETE", &format!("/api/v1/nodes?id={}", ids[1]), None), 409).contains("ONLINE"));
    ok(s, "DELETE", &format!("/api/v1/nodes?id={down}"), None);
    assert_eq!(nodes(s).len(), 2);
    assert!(!s.data_dir.join("alluxio/workers").join(&down).exists(), "its page store is gone");
}

fn sandbox_calls(s: &support::Server) {
    let added = ok(s, "POST", "/api/v1/sandbox/workers", Some(json!({"capacity": "16MB"})));
    assert_eq!((added["state"].as_str(), added["capacityBytes"].as_i64()), (Some("ONLINE"), Some(16 << 20)));
    ok(s, "POST", "/api/v1/sandbox/workers", None);
    err(&call(s, "POST", "/api/v1/sandbox/workers", Some(json!({"capacity": "1KB"}))), 400);
    err(&call(s, "POST", "/api/v1/sandbox/workers/stop", Some(json!({"id": "worker-nope"}))), 404);
    err(&call(s, "POST", "/api/v1/sandbox/workers/start", None), 400);
    let ring = ok(s, "GET", "/api/v1/sandbox/ring?bins=12&path=/lake/a.bin", None);
    assert_eq!((ring["hash"].as_str(), ring["virtualNodesPerWorker"].as_i64()), (Some("murmur3_x86_32"), Some(2000)));
    assert_eq!(ring["workers"].as_array().unwrap().len(), 4);
    let shares: f64 = ring["workers"].as_array().unwrap().iter().map(|w| w["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-6);
    assert_eq!(ring["bins"].as_array().unwrap().len(), 12);
    assert_eq!(ring["placement"]["ufs"], "obs://lake/data/a.bin");
    err(&call(s, "GET", "/api/v1/sandbox/ring?bins=0", None), 400);
    let b = ok(s, "GET", "/api/v1/sandbox/browse?path=/lake", None);
    let names: Vec<&str> = b["entries"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["a.bin", "sub"]);
    let a: &Value = &b["entries"][0];
    assert_eq!((a["type"].as_str(), a["length"].as_i64()), (Some("FILE"), Some(3 * PAGE as i64 + 10)));
    err(&call(s, "GET", "/api/v1/sandbox/browse", None), 400);
    err(&call(s, "GET", "/api/v1/sandbox/browse?path=/lake/../..", None), 400);
}
