//! HTTP tests of the tag APIs (mrs-api.md §11) against one sandbox: V1.1 cluster tags, the batch
//! action, ListAllTags, ListClustersByTags, and the V2 default-tag switch, status and quota.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{create_body, Server};

fn tags_of(s: &Server, c: &str) -> Vec<(String, String)> {
    let r = s.get(&s.v11(&format!("clusters/{c}/tags")));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["tags"].as_array().unwrap().iter().map(|t| (t["key"].as_str().unwrap().into(), t["value"].as_str().unwrap().into())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn no_content(r: &support::Resp) {
    assert_eq!((r.status, r.body.len()), (204, 0), "{}", r.text());
}

fn search(s: &Server, body: Value) -> Value {
    let r = s.api("POST", &s.v11("clusters/resource_instances/action"), Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn found(s: &Server, body: Value) -> Vec<String> {
    search(s, body)["resources"].as_array().unwrap().iter().map(|r| r["resource_name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn tag_apis() {
    // Slow enough steps that the default-tag switch is seen processing.
    let s = Server::start_step("tags", 400);
    let analytics = s.id_of("analytics-prod");
    list_all_tags_and_search(&s);
    create_list_delete(&s, &analytics);
    refusals_change_nothing(&s, &analytics);
    batches(&s, &analytics);
    one_store_with_create_and_the_list_filter(&s);
    default_tags_switch_status_and_quota(&s, &analytics);
}

fn list_all_tags_and_search(s: &Server) {
    let r = s.get(&s.v11("clusters/tags"));
    assert_eq!(r.status, 200);
    // Seed: analytics-prod env=prod team=data, streaming-dev env=dev, etl-nightly env=staging
    // team=etl, warehouse-abnormal env=test; legacy-batch is terminated and has none left.
    assert_eq!(r.json(), json!({"tags": [
        {"key": "env", "values": ["dev", "prod", "staging", "test"]},
        {"key": "team", "values": ["data", "etl"]}
    ]}));

    let all_envs = json!({"action": "filter", "tags": [{"key": "env", "values": []}]});
    assert_eq!(found(s, all_envs), ["etl-nightly", "streaming-dev", "warehouse-abnormal", "analytics-prod"], "newest first");
    assert_eq!(found(s, json!({"action": "filter", "tags": [{"key": "env", "values": ["prod", "dev"]}, {"key": "team", "values": []}]})), ["analytics-prod"]);
    assert_eq!(found(s, json!({"action": "filter", "tags_any": [{"key": "team", "values": ["etl"]}, {"key": "env", "values": ["dev"]}]})), ["etl-nightly", "streaming-dev"]);
    assert_eq!(found(s, json!({"action": "filter", "not_tags": [{"key": "env", "values": ["prod"]}, {"key": "team", "values": ["data"]}]})).len(), 3);
    assert_eq!(found(s, json!({"action": "filter", "not_tags_any": [{"key": "team", "values": []}]})), ["streaming-dev", "warehouse-abnormal"]);
    assert_eq!(found(s, json!({"action": "filter", "matches": [{"key": "resource_name", "value": "PROD"}]})), ["analytics-prod"]);
    // limit and offset as numeric strings (the docs' examples), item offsets from 0.
    let page = search(s, json!({"action": "filter", "tags": [{"key": "env", "values": []}], "limit": "2", "offset": "1"}));
    assert_eq!(page["total_count"], 4);
    let names: Vec<&str> = page["resources"].as_array().unwrap().iter().map(|r| r["resource_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["streaming-dev", "warehouse-abnormal"]);
    let first = &page["resources"][0];
    assert_eq!(first["resource_detail"], Value::Null);
    assert_eq!(first["tags"], json!([{"key": "env", "value": "dev"}]));
    assert!(first["resource_id"].as_str().unwrap().len() == 36);
    let count = search(s, json!({"action": "count", "tags_any": [{"key": "team", "values": []}]}));
    assert_eq!(count, json!({"total_count": 2}));

    for (body, field) in [
        (json!({"tags": []}), "action"),
        (json!({"action": "list"}), "action"),
        (json!({"action": "filter", "limit": 0}), "limit"),
        (json!({"action": "filter", "limit": "1001"}), "limit"),
        (json!({"action": "filter", "offset": -1}), "offset"),
        (json!({"action": "filter", "tags": [{"key": "", "values": []}]}), "tags[0].key"),
        (json!({"action": "filter", "tags": (0..11).map(|i| json!({"key": format!("k{i}"), "values": []})).collect::<Vec<_>>()}), "tags"),
        (json!({"action": "filter", "tags_any": [{"key": "k", "values": (0..11).map(|i| i.to_string()).collect::<Vec<_>>()}]}), "tags_any[0].values"),
        (json!({"action": "filter", "matches": [{"key": "resource_id", "value": "x"}]}), "matches[0].key"),
        (json!({"action": "filter", "limit": "ten"}), "Invalid request body"),
    ] {
        let r = s.api("POST", &s.v11("clusters/resource_instances/action"), Some(&body));
        let msg = r.assert_error(400, "12000002");
        assert!(msg.starts_with(field), "{body}: {msg}");
    }
}

fn create_list_delete(s: &Server, c: &str) {
    assert_eq!(tags_of(s, c), pairs(&[("env", "prod"), ("team", "data")]));
    no_content(&s.api("POST", &s.v11(&format!("clusters/{c}/tags")), Some(&json!({"tag": {"key": "owner", "value": "alice"}}))));
    no_content(&s.api("POST", &s.v11(&format!("clusters/{c}/tags")), Some(&json!({"tag": {"key": "owner", "value": "bob"}}))));
    no_content(&s.api("POST", &s.v11(&format!("clusters/{c}/tags")), Some(&json!({"tag": {"key": "cost center", "value": ""}}))));
    assert_eq!(tags_of(s, c), pairs(&[("env", "prod"), ("team", "data"), ("owner", "bob"), ("cost center", "")]));
    // The cluster record and the ListClusters filter see the same tags.
    assert_eq!(s.detail(c)["tags"], "env=prod,team=data,owner=bob,cost center=");
    assert_eq!(s.names("tags=owner*bob"), ["analytics-prod"]);
    assert_eq!(s.names("tags=owner*alice"), Vec::<String>::new());

    no_content(&s.api("DELETE", &s.v11(&format!("clusters/{c}/tags/cost%20center")), None));
    no_content(&s.api("DELETE", &s.v11(&format!("clusters/{c}/tags/owner")), None));
    assert_eq!(tags_of(s, c), pairs(&[("env", "prod"), ("team", "data")]));
    let r = s.api("DELETE", &s.v11(&format!("clusters/{c}/tags/owner")), None);
    let msg = r.assert_error(404, "12005003");
    assert!(msg.contains("owner"), "{msg}");
}

fn refusals_change_nothing(s: &Server, c: &str) {
    let post = |body: Value| s.api("POST", &s.v11(&format!("clusters/{c}/tags")), Some(&body));
    for (tag, code, words) in [
        (json!({"key": "a=b", "value": "x"}), "12005002", "'='"),
        (json!({"key": "k".repeat(37), "value": "x"}), "12005002", "36"),
        (json!({"key": "", "value": "x"}), "12005002", "required"),
        (json!({"key": " lead", "value": "x"}), "12005002", "space"),
        (json!({"key": "k", "value": "a/b"}), "12005002", "'/'"),
        (json!({"key": "k", "value": "v".repeat(44)}), "12005002", "43"),
        (json!({"key": "k\u{1}", "value": ""}), "12005002", "U+0001"),
        (json!({"key": "k"}), "12000002", "value"),
    ] {
        let r = post(json!({"tag": tag}));
        let msg = r.assert_error(400, code);
        assert!(msg.starts_with("tag: ") && msg.contains(words), "{tag}: {msg}");
    }
    post(json!({})).assert_error(400, "12000002");
    s.api("POST", &s.v11(&format!("clusters/{c}/tags")), None).assert_error(400, "12000002");
    // In Chinese on request.
    let body = serde_json::to_vec(&json!({"tag": {"key": "a*b", "value": "x"}})).unwrap();
    let r = s.request("POST", &s.v11(&format!("clusters/{c}/tags")), &[("X-Auth-Token", &s.token), ("X-Language", "zh-cn")], Some(&body));
    let msg = r.assert_error(400, "12005002");
    assert!(msg.contains("标签键不能包含 '*'"), "{msg}");
    // Eleven tags are refused and the ten stay as they were.
    for i in 0..8 {
        no_content(&post(json!({"tag": {"key": format!("k{i}"), "value": "v"}})));
    }
    let ten = tags_of(s, c);
    assert_eq!(ten.len(), 10);
    let msg = post(json!({"tag": {"key": "eleventh", "value": "v"}})).assert_error(400, "12005001");
    assert!(msg.contains("10"), "{msg}");
    no_content(&post(json!({"tag": {"key": "k0", "value": "overwrite is fine at ten"}})));
    assert_eq!(tags_of(s, c).len(), 10);
    let r = s.api("POST", &s.v11(&format!("clusters/{c}/tags/action")), Some(&json!({"action": "delete", "tags": (0..8).map(|i| json!({"key": format!("k{i}")})).collect::<Vec<_>>()})));
    no_content(&r);
    assert_eq!(tags_of(s, c), pairs(&[("env", "prod"), ("team", "data")]));
    // Unknown cluster: the V1.1 family's camelCase not-found body.
    let r = s.get(&s.v11("clusters/no-such-cluster/tags"));
    assert_eq!((r.status, r.json()["errorCode"].as_str()), (400, Some("12000003")), "{}", r.text());
    let r = s.api("POST", &s.v11("clusters/no-such-cluster/tags"), Some(&json!({"tag": {"key": "a", "value": "b"}})));
    assert_eq!(r.json()["errorCode"], "12000003");
}

fn batches(s: &Server, c: &str) {
    let action = |body: Value| s.api("POST", &s.v11(&format!("clusters/{c}/tags/action")), Some(&body));
    no_content(&action(json!({"action": "create", "tags": [{"key": "a", "value": "1"}, {"key": "env", "value": "production"}]})));
    assert_eq!(tags_of(s, c), pairs(&[("env", "production"), ("team", "data"), ("a", "1")]));
    // One bad tag: nothing of the batch is written.
    let msg = action(json!({"action": "create", "tags": [{"key": "b", "value": "2"}, {"key": "c|d", "value": "3"}]})).assert_error(400, "12005002");
    assert!(msg.starts_with("tags[1]: "), "{msg}");
    let msg = action(json!({"action": "create", "tags": [{"key": "b", "value": "2"}, {"key": "b", "value": "3"}]})).assert_error(400, "12005002");
    assert!(msg.starts_with("tags[1]: "), "{msg}");
    let many: Vec<Value> = (0..8).map(|i| json!({"key": format!("m{i}"), "value": "v"})).collect();
    action(json!({"action": "create", "tags": many})).assert_error(400, "12005001");
    assert_eq!(tags_of(s, c), pairs(&[("env", "production"), ("team", "data"), ("a", "1")]));
    // Delete: absent keys are ignored, a value that does not match keeps the tag.
    no_content(&action(json!({"action": "delete", "tags": [{"key": "a"}, {"key": "nope"}, {"key": "team", "value": "other"}]})));
    assert_eq!(tags_of(s, c), pairs(&[("env", "production"), ("team", "data")]));
    no_content(&action(json!({"action": "delete", "tags": [{"key": "env", "value": "production"}]})));
    no_content(&action(json!({"action": "create", "tags": [{"key": "env", "value": "prod"}]})));
    assert_eq!(tags_of(s, c), pairs(&[("team", "data"), ("env", "prod")]));
    action(json!({"action": "upsert", "tags": [{"key": "a", "value": "1"}]})).assert_error(400, "12000002");
    action(json!({"action": "create", "tags": []})).assert_error(400, "12000002");
    action(json!({"action": "delete", "tags": [{"key": ""}]})).assert_error(400, "12005002");
}

fn one_store_with_create_and_the_list_filter(s: &Server) {
    let other = "fedcba9876543210fedcba9876543210";
    let mut body = create_body("tagged");
    body["tags"] = json!([{"key": "env", "value": "qa"}, {"key": "owner", "value": "tests"}]);
    let r = s.api("POST", &format!("/v2/{other}/clusters"), Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["cluster_id"].as_str().unwrap().to_string();
    let r = s.get(&format!("/v1.1/{other}/clusters/{id}/tags"));
    assert_eq!(r.json()["tags"], json!([{"key": "env", "value": "qa"}, {"key": "owner", "value": "tests"}]));
    let r = s.get(&format!("/v1.1/{other}/clusters/tags"));
    assert_eq!(r.json()["tags"], json!([{"key": "env", "values": ["qa"]}, {"key": "owner", "values": ["tests"]}]), "projects do not mix");
    let r = s.api("POST", &format!("/v1.1/{other}/clusters/{id}/tags"), Some(&json!({"tag": {"key": "stage", "value": "2"}})));
    no_content(&r);
    let r = s.get(&format!("/v1.1/{other}/cluster_infos?tags=stage*2"));
    assert_eq!(r.json()["clusterTotal"], 1);
    // A create whose tags break the rules: the same codes, in either language, and no cluster.
    body["cluster_name"] = json!("tagged-2");
    body["tags"] = json!([{"key": "a<b", "value": "1"}]);
    let bytes = serde_json::to_vec(&body).unwrap();
    let r = s.request("POST", &format!("/v2/{other}/clusters"), &[("X-Auth-Token", &s.token), ("X-Language", "zh-cn")], Some(&bytes));
    let msg = r.assert_error(400, "12005002");
    assert!(msg.starts_with("tags[0]: 标签键不能包含 '<'"), "{msg}");
    let r = s.get(&format!("/v1.1/{other}/cluster_infos"));
    assert_eq!(r.json()["clusterTotal"], 1);
}

fn default_tags_switch_status_and_quota(s: &Server, c: &str) {
    let status = || s.get(&s.v2(&format!("clusters/{c}/tags/status"))).json();
    assert_eq!(status(), json!({"status": "succeed", "default_tags_enable": false}));
    let quota = |policy: bool| s.get(&s.v2(&format!("clusters/{c}/tags/quota?auto_scaling_policy_tags={policy}"))).json();
    assert_eq!(quota(false), json!({"total_quota": 10, "available_quota": 8}));
    assert_eq!(quota(true), json!({"total_quota": 20, "available_quota": 18}));

    let r = s.api("POST", &s.v2(&format!("clusters/{c}/tags/switch")), Some(&json!({"action": "create"})));
    assert_eq!((r.status, r.body.len()), (202, 0), "{}", r.text());
    assert_eq!(status(), json!({"status": "processing", "default_tags_enable": true}));
    let r = s.api("POST", &s.v2(&format!("clusters/{c}/tags/switch")), Some(&json!({"action": "delete"})));
    r.assert_error(400, "MRS.00000000");
    let t = Instant::now();
    while status()["status"] != "succeed" {
        assert!(t.elapsed() < Duration::from_secs(10), "the switch never completed");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(status()["default_tags_enable"], true);
    assert_eq!(quota(true), json!({"total_quota": 20, "available_quota": 15}));
    // Every node now carries the default tags after the cluster's own.
    let nodes = s.get(&s.v2(&format!("clusters/{c}/nodes?limit=100"))).json();
    for n in nodes["nodes"].as_array().unwrap() {
        let tags = n["tags"].as_array().unwrap();
        assert!(tags.contains(&json!({"key": "mrs_cluster_id", "value": c})), "{n}");
        assert!(tags.contains(&json!({"key": "mrs_node_group", "value": n["node_group_name"]})), "{n}");
    }
    let hosts = s.get(&s.v11(&format!("clusters/{c}/hosts?pageSize=1"))).json();
    assert!(hosts["hosts"][0]["tags"].as_array().unwrap().iter().any(|t| t["key"] == "mrs_cluster_name"));
    let r = s.api("POST", &s.v2(&format!("clusters/{c}/tags/switch")), Some(&json!({"action": "delete"})));
    assert_eq!(r.status, 202);
    let t = Instant::now();
    while status() != json!({"status": "succeed", "default_tags_enable": false}) {
        assert!(t.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    let nodes = s.get(&s.v2(&format!("clusters/{c}/nodes"))).json();
    assert_eq!(nodes["nodes"][0]["tags"], json!([{"key": "team", "value": "data"}, {"key": "env", "value": "prod"}]));

    for body in [json!({"action": "on"}), json!({})] {
        let msg = s.api("POST", &s.v2(&format!("clusters/{c}/tags/switch")), Some(&body)).assert_error(400, "MRS.0002");
        assert!(msg.starts_with("action: "), "{msg}");
    }
    s.get(&s.v2(&format!("clusters/{c}/tags/quota?auto_scaling_policy_tags=maybe"))).assert_error(400, "MRS.0002");
    s.get(&s.v2("clusters/no-such-cluster/tags/status")).assert_error(400, "12000003");
}
