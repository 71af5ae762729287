//! The sandbox's autoscaler under real job load: queued jobs make the Task node count rise and it
//! falls back when they are done; the metric history and the events read back through the
//! sandbox endpoints and survive a restart. One server (restarted once on the same data).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{create_body, env_credentials, temp_dir, Options, Server};

const PERIOD_MS: u64 = 250;
const TIMEOUT: Duration = Duration::from_secs(60);

/// A `spark-submit` that sleeps for its second argument: jobs that hold a slot for a while.
fn fake_spark(root: &Path) -> PathBuf {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("spark-submit");
    std::fs::write(&script, "#!/bin/sh\nsleep \"$2\"\necho done\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn start(root: &Path, bin: &Path) -> Server {
    let mut env = env_credentials();
    env.push(("PATH", format!("{}:/usr/bin:/bin", bin.display())));
    Server::start_with(root, Options {
        env,
        step_ms: 60,
        args: vec!["--metric-period-ms".into(), PERIOD_MS.to_string()],
        ..Default::default()
    })
}

fn task_count(s: &Server, c: &str) -> i64 {
    let d = s.detail(c);
    d["taskNodeGroups"].as_array().unwrap().iter().map(|g| g["NodeNum"].as_i64().unwrap()).sum()
}

fn job_states(s: &Server, c: &str) -> Vec<String> {
    let r = s.get(&s.v2(&format!("clusters/{c}/job-executions?limit=50")));
    r.json()["job_list"].as_array().unwrap().iter().map(|j| j["job_state"].as_str().unwrap().to_string()).collect()
}

fn events(s: &Server, c: &str) -> Value {
    let r = s.get(&s.v2(&format!("autoscaling-policy/{c}/events?limit=1000")));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn metrics(s: &Server, c: &str, query: &str) -> Value {
    let r = s.get(&s.v2(&format!("autoscaling-policy/{c}/metrics?{query}")));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[test]
fn queued_jobs_scale_the_task_nodes_out_and_back() {
    let root = temp_dir("autoscaler");
    let bin = fake_spark(&root);
    let s = start(&root.join("server"), &bin);

    // One Core node (one slot) and no Task group.
    let mut body = create_body("elastic");
    body["node_groups"] = json!([body["node_groups"][0], body["node_groups"][1]]);
    body["node_groups"][1]["node_num"] = json!(1);
    let r = s.api("POST", &s.v2("clusters"), Some(&body));
    let c = r.json()["cluster_id"].as_str().unwrap().to_string();
    s.wait_for(&c, "running", |c| c["clusterState"] == "running");

    let policy = json!({
        "auto_scaling_enable": true, "min_capacity": 0, "max_capacity": 3,
        "rules": [
            {"name": "queue", "adjustment_type": "scale_out", "cool_down_minutes": 0, "scaling_adjustment": 2,
             "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GTOE", "evaluation_periods": 1}},
            {"name": "idle", "adjustment_type": "scale_in", "cool_down_minutes": 0, "scaling_adjustment": 3,
             "trigger": {"metric_name": "YARNContainerAllocated", "metric_value": "0", "comparison_operator": "LTOE", "evaluation_periods": 2}}
        ]
    });
    let r = s.api("POST", &s.v11(&format!("autoscaling-policy/{c}")), Some(&json!({"node_group": "task_node_default_group", "auto_scaling_policy": policy})));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(task_count(&s, &c), 0);

    // Six jobs of 1.5 s on one slot: five wait, the policy adds Task nodes, they run in parallel.
    for i in 0..6 {
        let r = s.api("POST", &s.v2(&format!("clusters/{c}/job-executions")),
            Some(&json!({"job_type": "SparkSubmit", "job_name": format!("load{i}"), "arguments": ["hold", "1.5"]})));
        assert_eq!(r.status, 202, "{}", r.text());
    }
    let t = Instant::now();
    let (mut peak_nodes, mut peak_running) = (0, 0);
    loop {
        peak_nodes = peak_nodes.max(task_count(&s, &c));
        let states = job_states(&s, &c);
        peak_running = peak_running.max(states.iter().filter(|st| *st == "RUNNING").count());
        if states.iter().all(|st| st == "FINISHED") {
            break;
        }
        assert!(!states.iter().any(|st| st == "FAILED" || st == "KILLED"), "{states:?}");
        assert!(t.elapsed() < TIMEOUT, "jobs never finished: {states:?}");
        std::thread::sleep(Duration::from_millis(40));
    }
    assert!(peak_nodes >= 2, "the Task group grew to {peak_nodes}");
    assert!(peak_running >= 2, "jobs ran {peak_running} at a time");
    // Idle for two periods: back to no Task nodes.
    let t = Instant::now();
    while task_count(&s, &c) > 0 {
        assert!(t.elapsed() < TIMEOUT, "the Task nodes never went away");
        std::thread::sleep(Duration::from_millis(40));
    }

    // The scale-in's event ends at the next period, when the autoscaler sees the shrink done.
    let t = Instant::now();
    let ev = loop {
        let ev = events(&s, &c);
        let done = ev["events"].as_array().unwrap().iter().all(|e| e["result"] != "in_progress");
        if done {
            break ev;
        }
        assert!(t.elapsed() < TIMEOUT, "events never ended: {ev}");
        std::thread::sleep(Duration::from_millis(40));
    };
    let list = ev["events"].as_array().unwrap();
    let outs: Vec<&Value> = list.iter().filter(|e| e["action"] == "scale_out").collect();
    let ins: Vec<&Value> = list.iter().filter(|e| e["action"] == "scale_in").collect();
    assert!(!outs.is_empty() && !ins.is_empty(), "{ev}");
    let first_out = outs.last().unwrap();
    assert_eq!((first_out["from"].as_i64(), first_out["to"].as_i64(), first_out["result"].as_str()), (Some(0), Some(2), Some("succeeded")), "{first_out}");
    assert_eq!(first_out["cause"]["name"], "queue");
    assert!(first_out["values"][0].as_f64().unwrap() >= 1.0);
    assert!(first_out["reason"]["message"].as_str().unwrap().contains("YARNAppPending ≥ 1"), "{first_out}");
    assert!(first_out["notes"].as_array().unwrap().iter().any(|n| n["key"] == "scaling.event.group_created"));
    let last_in = ins.first().unwrap();
    assert_eq!((last_in["to"].as_i64(), last_in["result"].as_str(), last_in["nodes"].as_i64()), (Some(0), Some("succeeded"), Some(0)), "{last_in}");
    assert_eq!(ev["total"].as_i64().unwrap() as usize, list.len());
    // The detail keeps the (now empty) Task group with its policy.
    assert_eq!(s.detail(&c)["taskNodeGroups"][0]["AutoScalingPolicy"]["max_capacity"], 3);

    // The history: real and MRS time, five MRS minutes apart, the load and the nodes it caused.
    let m = metrics(&s, &c, "");
    assert_eq!((m["period_ms"].as_u64(), m["mrs_period_ms"].as_i64(), m["zone"].as_str()), (Some(PERIOD_MS), Some(300_000), Some("UTC+08:00")));
    let samples = m["samples"].as_array().unwrap();
    assert!(samples.len() >= 8, "{}", samples.len());
    assert!(samples.windows(2).all(|w| w[1]["clock"].as_i64().unwrap() - w[0]["clock"].as_i64().unwrap() >= 300_000));
    assert!(samples.iter().any(|x| x["values"]["YARNAppPending"].as_f64().unwrap() >= 1.0));
    assert!(samples.iter().any(|x| x["nodes"]["task_node_analysis_group"].as_i64().unwrap_or(0) >= 2));
    assert!(samples.iter().all(|x| x["values"]["YARNMemoryAvailablePercentage"].as_f64().is_some()));
    assert!(m["metrics"].as_array().unwrap().iter().any(|x| x["name"] == "YARNCPUPending" && x["unit"] == "vCPU"));
    let narrow = metrics(&s, &c, "metrics=YARNAppPending&limit=3");
    assert_eq!(narrow["samples"].as_array().unwrap().len(), 3);
    assert_eq!(narrow["samples"][0]["values"].as_object().unwrap().len(), 1);
    s.get(&s.v2(&format!("autoscaling-policy/{c}/metrics?limit=0"))).assert_error(400, "MRS.0002");
    s.get(&s.v2(&format!("autoscaling-policy/{c}/metrics?metrics=StormSlotUsed"))).assert_error(400, "MRS.0002");
    s.get(&s.v2(&format!("autoscaling-policy/{c}/events?offset=-1"))).assert_error(400, "MRS.0002");
    s.get(&s.v2("autoscaling-policy/nope/events")).assert_error(400, "12000003");
    let zh = s.request("GET", &s.v2(&format!("autoscaling-policy/{c}/events?limit=1000")), &[("X-Auth-Token", &s.token), ("X-Language", "zh-cn")], None);
    assert!(zh.text().contains("扩容"), "{}", zh.text());

    // A restart keeps the policy, the history and the events.
    let policies = s.get(&s.v2(&format!("autoscaling-policy/{c}"))).json();
    let before = events(&s, &c);
    let kept = samples.len();
    drop(s);
    let s = start(&root.join("server"), &bin);
    assert_eq!(s.get(&s.v2(&format!("autoscaling-policy/{c}"))).json(), policies);
    let after = events(&s, &c);
    for e in before["events"].as_array().unwrap() {
        let same = after["events"].as_array().unwrap().iter().find(|a| a["id"] == e["id"]);
        assert_eq!(same, Some(e), "event {} after the restart", e["id"]);
    }
    let m = metrics(&s, &c, "");
    assert!(m["samples"].as_array().unwrap().len() >= kept);
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}
