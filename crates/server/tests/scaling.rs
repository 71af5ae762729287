//! HTTP tests of the auto-scaling policy APIs (mrs-api.md §10) against one sandbox whose
//! autoscaler is slowed to a standstill (an hour per period), so only the APIs act here.

mod support;

use serde_json::{json, Value};
use support::{create_body, env_credentials, temp_dir, Options, Server};

fn policy() -> Value {
    json!({
        "auto_scaling_enable": true, "min_capacity": "1", "max_capacity": "4",
        "resources_plans": [
            {"period_type": "daily", "start_time": "9:00", "end_time": "17:00", "min_capacity": 2, "max_capacity": 3}
        ],
        "rules": [
            {"name": "grow", "description": "queue is long", "adjustment_type": "scale_out", "cool_down_minutes": "5",
             "scaling_adjustment": "2",
             "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GTOE", "evaluation_periods": "1"}},
            {"name": "shrink", "adjustment_type": "scale_in", "cool_down_minutes": 20, "scaling_adjustment": 1,
             "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "70.5", "comparison_operator": "GT", "evaluation_periods": 3}}
        ],
        "exec_scripts": [
            {"name": "prepare", "uri": "obs://lakedeck-demo/scripts/prepare.sh", "parameters": "${mrs_scale_node_num}",
             "nodes": ["Task"], "active_master": false, "fail_action": "continue", "action_stage": "before_scale_out"}
        ]
    })
}

fn set(mut base: Value, path: &str, value: Value) -> Value {
    let mut at = &mut base;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, k) in parts.iter().enumerate() {
        let slot = match k.parse::<usize>() {
            Ok(n) => &mut at[n],
            Err(_) => &mut at[*k],
        };
        if i == parts.len() - 1 {
            *slot = value;
            break;
        }
        at = slot;
    }
    base
}

fn v2_policies(s: &Server, c: &str) -> Value {
    let r = s.get(&s.v2(&format!("autoscaling-policy/{c}")));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[test]
fn policy_apis() {
    let root = temp_dir("scaling");
    let s = Server::start_with(&root, Options {
        env: env_credentials(),
        args: vec!["--metric-period-ms".into(), "3600000".into()],
        ..Default::default()
    });
    let analytics = s.id_of("analytics-prod");
    let streaming = s.id_of("streaming-dev");
    v11_create_overwrites_and_shows_in_detail(&s, &analytics);
    every_rule_refuses_and_stores_nothing(&s, &analytics);
    v2_create_update_delete(&s, &streaming);
    policies_at_create_and_unknown_clusters(&s);
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

fn v11_create_overwrites_and_shows_in_detail(s: &Server, c: &str) {
    let url = s.v11(&format!("autoscaling-policy/{c}"));
    let r = s.api("POST", &url, Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": policy()})));
    assert_eq!((r.status, r.json()), (200, json!({"result": "succeeded"})), "{}", r.text());
    let list = v2_policies(s, c);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["node_group_name"], "task_node_analysis_group", "task_node_default_group is the cluster's Task group");
    assert_eq!(list[0]["resource_pool_name"], "default");
    let p = &list[0]["auto_scaling_policy"];
    assert_eq!((p["min_capacity"].as_i64(), p["max_capacity"].as_i64()), (Some(1), Some(4)), "numbers as numbers");
    assert_eq!(p["rules"][0]["cool_down_minutes"], 5);
    assert_eq!(p["rules"][1]["trigger"]["metric_value"], "70.5", "metric_value stays a string");
    assert_eq!(p["rules"][0]["description"], "queue is long");
    assert_eq!(p["exec_scripts"][0]["name"], "prepare");
    let detail = s.detail(c);
    assert_eq!(detail["taskNodeGroups"][0]["GroupName"], "task_node_analysis_group");
    assert_eq!(&detail["taskNodeGroups"][0]["AutoScalingPolicy"], p);
    assert!(detail["nodeGroups"][1].get("AutoScalingPolicy").is_none());
    let listed = s.cluster_by_name("analytics-prod");
    assert_eq!(&listed["taskNodeGroups"][0]["AutoScalingPolicy"], p);
    // A second create replaces the policy.
    let next = set(set(policy(), "max_capacity", json!(6)), "auto_scaling_enable", json!("false"));
    let r = s.api("POST", &url, Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": next})));
    assert_eq!(r.status, 200, "{}", r.text());
    let list = v2_policies(s, c);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!((list[0]["auto_scaling_policy"]["max_capacity"].as_i64(), list[0]["auto_scaling_policy"]["auto_scaling_enable"].as_bool()), (Some(6), Some(false)));
}

fn every_rule_refuses_and_stores_nothing(s: &Server, c: &str) {
    let url = s.v11(&format!("autoscaling-policy/{c}"));
    let before = v2_policies(s, c);
    let plan = |start: &str, end: &str| json!({"period_type": "daily", "start_time": start, "end_time": end, "min_capacity": 0, "max_capacity": 1});
    let out_rule = |i: usize| json!({"name": format!("r{i}"), "adjustment_type": "scale_out", "cool_down_minutes": 0, "scaling_adjustment": 1,
        "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GT", "evaluation_periods": 1}});
    let cases: Vec<(Value, &str)> = vec![
        (set(policy(), "min_capacity", json!(5)), "auto_scaling_policy.min_capacity"),
        (set(policy(), "max_capacity", json!(501)), "auto_scaling_policy.max_capacity"),
        (set(policy(), "auto_scaling_enable", Value::Null), "auto_scaling_policy.auto_scaling_enable"),
        (json!({"auto_scaling_enable": true, "min_capacity": 0, "max_capacity": 1}), "auto_scaling_policy"),
        (set(policy(), "resources_plans", json!((0..6).map(|h| plan(&format!("{h}:00"), &format!("{h}:30"))).collect::<Vec<_>>())), "auto_scaling_policy.resources_plans"),
        (set(policy(), "resources_plans.0.start_time", json!("25:00")), "auto_scaling_policy.resources_plans[0].start_time"),
        (set(policy(), "resources_plans.0.end_time", json!("9:20")), "auto_scaling_policy.resources_plans[0].end_time"),
        (set(policy(), "resources_plans", json!([plan("8:00", "10:00"), plan("9:00", "11:00")])), "auto_scaling_policy.resources_plans[1].start_time"),
        (set(policy(), "resources_plans.0.effective_days", json!(["MONDAY", "FUNDAY"])), "auto_scaling_policy.resources_plans[0].effective_days[1]"),
        (set(policy(), "resources_plans.0.period_type", json!("weekly")), "auto_scaling_policy.resources_plans[0].period_type"),
        (set(policy(), "rules", json!((0..6).map(out_rule).collect::<Vec<_>>())), "auto_scaling_policy.rules"),
        (set(policy(), "rules.1.name", json!("grow")), "auto_scaling_policy.rules[1].name"),
        (set(policy(), "rules.1.name", json!("bad name!")), "auto_scaling_policy.rules[1].name"),
        (set(policy(), "rules.0.adjustment_type", json!("scale_up")), "auto_scaling_policy.rules[0].adjustment_type"),
        (set(policy(), "rules.0.cool_down_minutes", json!(10081)), "auto_scaling_policy.rules[0].cool_down_minutes"),
        (set(policy(), "rules.0.scaling_adjustment", json!(101)), "auto_scaling_policy.rules[0].scaling_adjustment"),
        (set(policy(), "rules.0.trigger.metric_name", json!("StormSlotUsed")), "auto_scaling_policy.rules[0].trigger.metric_name"),
        (set(policy(), "rules.0.trigger.metric_name", json!("DiskFull")), "auto_scaling_policy.rules[0].trigger.metric_name"),
        (set(policy(), "rules.1.trigger.metric_value", json!("70.123")), "auto_scaling_policy.rules[1].trigger.metric_value"),
        (set(policy(), "rules.1.trigger.metric_value", json!("101")), "auto_scaling_policy.rules[1].trigger.metric_value"),
        (set(policy(), "rules.0.trigger.metric_value", json!("1.5")), "auto_scaling_policy.rules[0].trigger.metric_value"),
        (set(policy(), "rules.0.trigger.comparison_operator", json!("EQ")), "auto_scaling_policy.rules[0].trigger.comparison_operator"),
        (set(policy(), "rules.0.trigger.evaluation_periods", json!(0)), "auto_scaling_policy.rules[0].trigger.evaluation_periods"),
        (set(policy(), "exec_scripts.0.uri", json!("/opt/x.py")), "auto_scaling_policy.exec_scripts[0].uri"),
        (set(set(policy(), "exec_scripts.0.action_stage", json!("after_scale_in")), "exec_scripts.0.fail_action", json!("errorout")), "auto_scaling_policy.exec_scripts[0].fail_action"),
        (set(policy(), "exec_scripts.0.nodes", json!(["gpu_group"])), "auto_scaling_policy.exec_scripts[0].nodes[0]"),
    ];
    for (p, field) in cases {
        let r = s.api("POST", &url, Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": p})));
        let msg = r.assert_error(400, "12000002");
        assert!(msg.starts_with(&format!("{field}: ")), "expected {field}: {msg}");
    }
    let r = s.api("POST", &url, Some(&json!({"node_group": "core_node_analysis_group", "auto_scaling_policy": policy()})));
    assert!(r.assert_error(400, "12000002").starts_with("node_group: "));
    let r = s.api("POST", &url, Some(&json!({"node_group": "task_node_default_group"})));
    assert!(r.assert_error(400, "12000002").starts_with("auto_scaling_policy: "));
    s.api("POST", &url, Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": {"min_capacity": "many"}}))).assert_error(400, "12000002");
    // In Chinese on request.
    let body = serde_json::to_vec(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": set(policy(), "min_capacity", json!(5))})).unwrap();
    let r = s.request("POST", &url, &[("X-Auth-Token", &s.token), ("X-Language", "zh-cn")], Some(&body));
    assert!(r.assert_error(400, "12000002").contains("不能大于"));
    assert_eq!(v2_policies(s, c), before, "a refused policy stores nothing");
}

fn v2_create_update_delete(s: &Server, c: &str) {
    let url = s.v2(&format!("autoscaling-policy/{c}"));
    assert_eq!(v2_policies(s, c), json!([]));
    let storm = json!({
        "auto_scaling_enable": true, "min_capacity": 0, "max_capacity": 2,
        "rules": [{"name": "busy", "adjustment_type": "scale_out", "cool_down_minutes": 10, "scaling_adjustment": 1,
                   "trigger": {"metric_name": "StormSlotUsedPercentage", "metric_value": "80", "comparison_operator": "GTOE", "evaluation_periods": 2}}],
        "tags": [{"key": "scaled", "value": "yes"}]
    });
    let body = json!({"node_group_name": "task_node_streaming_group", "resource_pool_name": "default", "auto_scaling_policy": storm});
    let r = s.api("POST", &url, Some(&body));
    assert_eq!((r.status, r.body.len()), (200, 0), "{}", r.text());
    let list = v2_policies(s, c);
    assert_eq!(list[0]["node_group_name"], "task_node_streaming_group");
    assert_eq!(list[0]["auto_scaling_policy"]["tags"], json!([{"key": "scaled", "value": "yes"}]));
    // The cluster has no Task group yet: the detail shows the group the first scale-out creates.
    let detail = s.detail(c);
    let g = &detail["taskNodeGroups"][0];
    assert_eq!((g["GroupName"].as_str(), g["NodeNum"].as_i64()), (Some("task_node_streaming_group"), Some(0)));
    assert_eq!(g["NodeSize"], detail["nodeGroups"][1]["NodeSize"]);
    assert_eq!(g["AutoScalingPolicy"]["max_capacity"], 2);
    assert_eq!(detail["totalNodeNum"], "5");
    s.api("POST", &url, Some(&body)).assert_error(400, "MRS.0002");

    // PUT merges what it is given over the stored policy.
    let r = s.api("PUT", &url, Some(&json!({"node_group_name": "task_node_streaming_group", "resource_pool_name": "default",
        "auto_scaling_policy": {"auto_scaling_enable": false, "max_capacity": 3}})));
    assert_eq!((r.status, r.body.len()), (200, 0), "{}", r.text());
    let p = &v2_policies(s, c)[0]["auto_scaling_policy"];
    assert_eq!((p["auto_scaling_enable"].as_bool(), p["max_capacity"].as_i64()), (Some(false), Some(3)));
    assert_eq!(p["rules"][0]["name"], "busy");
    let r = s.api("PUT", &url, Some(&json!({"node_group_name": "task_node_streaming_group", "resource_pool_name": "default",
        "auto_scaling_policy": {"min_capacity": 4}})));
    assert!(r.assert_error(400, "MRS.0002").starts_with("auto_scaling_policy.min_capacity: "));
    assert_eq!(v2_policies(s, c)[0]["auto_scaling_policy"]["min_capacity"], 0);

    for (b, field) in [
        (set(body.clone(), "resource_pool_name", json!("gpu")), "resource_pool_name"),
        (set(body.clone(), "resource_pool_name", json!("bad pool")), "resource_pool_name"),
        (set(body.clone(), "node_group_name", json!("core_node_streaming_group")), "node_group_name"),
        (set(body.clone(), "auto_scaling_policy.rules.0.trigger.metric_name", json!("YARNAppPending")), "auto_scaling_policy.rules[0].trigger.metric_name"),
        (set(body.clone(), "auto_scaling_policy.exec_scripts", json!([])), "auto_scaling_policy.exec_scripts"),
        (set(body.clone(), "auto_scaling_policy.tags", json!([{"key": "a/b", "value": "x"}])), "auto_scaling_policy.tags[0]"),
        (set(body.clone(), "auto_scaling_policy", Value::Null), "auto_scaling_policy"),
    ] {
        let r = s.api("PUT", &url, Some(&b));
        let code = if field.ends_with("tags[0]") { "12005002" } else { "MRS.0002" };
        assert!(r.assert_error(400, code).starts_with(&format!("{field}: ")), "{field}: {}", r.text());
    }
    // Policy tags share a node's 20 tags with the cluster's and the default ones.
    let many: Vec<Value> = (0..20).map(|i| json!({"key": format!("t{i}"), "value": "v"})).collect();
    let r = s.api("PUT", &url, Some(&set(body.clone(), "auto_scaling_policy.tags", json!(many))));
    r.assert_error(400, "MRS.00000000");
    let r = s.get(&s.v2(&format!("clusters/{c}/tags/quota?auto_scaling_policy_tags=true")));
    assert_eq!(r.json(), json!({"total_quota": 20, "available_quota": 19}));

    let delete = |b: Value| s.api("DELETE", &url, Some(&b));
    let r = delete(json!({"node_group_name": "task_node_streaming_group", "resource_pool_name": "default"}));
    assert_eq!((r.status, r.body.len()), (200, 0), "{}", r.text());
    assert_eq!(v2_policies(s, c), json!([]));
    assert!(s.detail(c)["taskNodeGroups"].as_array().unwrap().is_empty());
    delete(json!({"node_group_name": "task_node_streaming_group", "resource_pool_name": "default"})).assert_error(400, "MRS.00005016");
    delete(json!({"resource_pool_name": "default"})).assert_error(400, "MRS.0002");
    let r = s.api("PUT", &url, Some(&body));
    r.assert_error(400, "MRS.00005016");
}

fn policies_at_create_and_unknown_clusters(s: &Server) {
    let mut body = create_body("scaled-at-birth");
    body["node_groups"][2]["auto_scaling_policy"] = set(policy(), "exec_scripts.0.nodes", json!(["task_node_analysis_group"]));
    let r = s.api("POST", &s.v2("clusters"), Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["cluster_id"].as_str().unwrap().to_string();
    let list = v2_policies(s, &id);
    assert_eq!(list[0]["node_group_name"], "task_node_analysis_group");
    assert_eq!(list[0]["auto_scaling_policy"]["rules"][0]["name"], "grow");

    let mut bad = create_body("scaled-badly");
    bad["node_groups"][2]["auto_scaling_policy"] = set(policy(), "max_capacity", json!(0));
    let msg = s.api("POST", &s.v2("clusters"), Some(&bad)).assert_error(400, "MRS.0002");
    assert!(msg.starts_with("node_groups[2].auto_scaling_policy.min_capacity: "), "{msg}");
    bad["node_groups"][2]["auto_scaling_policy"] = Value::Null;
    bad["node_groups"][1]["auto_scaling_policy"] = policy();
    s.api("POST", &s.v2("clusters"), Some(&bad)).assert_error(400, "MRS.0002");
    assert!(s.names("clusterName=scaled-badly").is_empty(), "a refused create makes no cluster");

    let r = s.api("POST", &s.v11("autoscaling-policy/no-such-cluster"), Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": policy()})));
    assert_eq!((r.status, r.json()["errorCode"].as_str()), (400, Some("12000003")), "{}", r.text());
    s.get(&s.v2("autoscaling-policy/no-such-cluster")).assert_error(400, "12000003");
    let legacy = s.id_of("legacy-batch");
    let r = s.api("POST", &s.v11(&format!("autoscaling-policy/{legacy}")), Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": policy()})));
    assert!(r.assert_error(400, "12000002").contains("terminated"));
}
