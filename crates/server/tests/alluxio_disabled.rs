//! A cluster with its optional features switched off (LAKEDECK_ALLUXIO_DISABLED, the sandbox's
//! counterpart of `alluxio.quota.enabled=false` and friends) answers the statuses the coordinator
//! documents for them: 501 for quota, TTL, priority, cache filter, a static mount table and
//! stale-cache cleaning; 404 for the global file index.

mod support;

use serde_json::json;
use support::alluxio::{call, err, ok, start};

#[test]
fn disabled_features_answer_their_documented_status() {
    let s = start(
        "alluxio-disabled",
        "8MB",
        &[("LAKEDECK_ALLUXIO_DISABLED", "quota,ttl,priority,cache-filter,file-index,mount-api,stale-cache")],
    );
    let body = json!({"path": "/x", "size": "1MB", "time": "1h", "priority": "HIGH", "ufs": "obs://b/x",
                      "type": "skipCache", "scope": "data", "pattern": ".*"});
    for res in ["quota", "ttl", "priority", "cache-filter"] {
        assert!(err(&call(&s, "GET", &format!("/api/v1/{res}"), None), 501).contains("not enabled"), "{res}");
        err(&call(&s, "POST", &format!("/api/v1/{res}"), Some(body.clone())), 501);
        err(&call(&s, "DELETE", &format!("/api/v1/{res}"), Some(body.clone())), 501);
    }
    for res in ["quota", "ttl", "priority"] {
        err(&call(&s, "GET", &format!("/api/v1/{res}?path=/x"), None), 501);
    }
    for method in ["GET", "POST", "DELETE"] {
        err(&call(&s, method, "/api/v1/file_index", if method == "GET" { None } else { Some(json!({"path": "/x"})) }), 404);
    }
    assert_eq!(ok(&s, "GET", "/api/v1/mount", None), json!([]), "a static table can still be read");
    assert!(err(&call(&s, "POST", "/api/v1/mount", Some(body.clone())), 501).contains("static"));
    err(&call(&s, "DELETE", "/api/v1/mount", Some(json!({"path": "/x"}))), 501);
    err(&call(&s, "POST", "/api/v1/cache", Some(json!({}))), 501);
    err(&call(&s, "DELETE", "/api/v1/cache", Some(json!({}))), 501);
    // Bilingual: the same refusal in Chinese.
    let r = s.request("GET", "/api/v1/quota", &[("X-Auth-Token", &s.token), ("Accept-Language", "zh-CN,zh;q=0.9")], None);
    assert!(err(&r, 501).contains("未启用"), "{}", r.text());
}
