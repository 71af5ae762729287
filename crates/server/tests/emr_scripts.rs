//! SHELL flow jobs on a sandbox started with `--allow-scripts`: Params run with bash, with the
//! job's EnvConf, ResourceList files fetched from OSS under their alias, variables substituted, and
//! retries until an attempt succeeds; and what a restart does to work in flight.

mod emr_support;
mod support;

use emr_support::*;
use support::{env_credentials, temp_dir, Options, Server};

#[test]
fn shell_jobs_run_with_allow_scripts() {
    let root = temp_dir("flow-scripts");
    let s = Server::start_with(&root, Options { env: env_credentials(), args: vec!["--allow-scripts".into()], ..Default::default() });
    let p = ok_json(&rpc(&s, "ListFlowProject", &[("Name", "default")], &[]))["Projects"]["Project"][0]["Id"].as_str().unwrap().to_string();
    let clusters = ok_json(&rpc(&s, "ListFlowCluster", &[("ProjectId", &p)], &[]));
    let c = clusters["Clusters"]["ClusterInfo"][0]["Id"].as_str().unwrap().to_string();
    // A resource in the sandbox's OSS, and a marker that makes the first attempt fail.
    let oss = s.data_dir.join("oss/scripts");
    std::fs::create_dir_all(&oss).unwrap();
    std::fs::write(oss.join("greeting.txt"), "hello from oss\n").unwrap();
    let script = r#"cat g.txt; echo "key=$KEY run=${who} day=${yyyy}"; m="$LAKEDECK_OSS_ROOT/scripts/marker"; if [ ! -f "$m" ]; then touch "$m"; echo first attempt fails >&2; exit 3; fi"#;
    let v = ok_json(&rpc(&s, "CreateFlowJob", &[("ProjectId", &p), ("Name", "shell"), ("Type", "SHELL"), ("MaxRetry", "1"), ("RetryInterval", "0")], &[
        ("Description", "d"),
        ("Params", script),
        ("EnvConf", r#"{"KEY":"value"}"#),
        ("CustomVariables", r#"[{"name":"who","value":"tests"}]"#),
        ("ResourceList.1.Path", "ossref://scripts/greeting.txt"),
        ("ResourceList.1.Alias", "g.txt"),
    ]));
    let job = v["Id"].as_str().unwrap().to_string();
    let id = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &job), ("ClusterId", &c)], &[]))["Id"].as_str().unwrap().to_string();
    let done = poll("shell instance", || {
        let v = ok_json(&rpc(&s, "DescribeFlowNodeInstance", &[("ProjectId", &p), ("Id", &id)], &[]));
        ["SUCCESS", "FAILED"].contains(&v["Status"].as_str().unwrap()).then_some(v)
    });
    let log = ok_json(&rpc(&s, "DescribeFlowNodeInstanceLauncherLog", &[("ProjectId", &p), ("NodeInstanceId", &id)], &[]));
    let text: String = log["LogEntrys"]["LogEntry"].as_array().unwrap().iter().map(|e| e["Content"].as_str().unwrap()).collect();
    assert_eq!((done["Status"].as_str(), done["Retries"].as_i64()), (Some("SUCCESS"), Some(1)), "{text}");
    assert_eq!(text.matches("hello from oss").count(), 2, "{text}");
    assert!(text.contains("first attempt fails") && text.contains("exited with exit status: 3"), "{text}");
    let year = &lakedeck_api::acs::format_iso8601(support::now_secs())[..4];
    assert!(text.contains(&format!("key=value run=tests day={year}")), "{text}");

    // Work in flight when the sandbox stops is lost: after a restart it is reported failed, and
    // the records survive.
    let long = r#"SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b"#;
    let lj = ok_json(&rpc(&s, "CreateFlowJob", &[("ProjectId", &p), ("Name", "long"), ("Type", "SPARK_SQL")], &[("Description", "d"), ("Params", long)]))["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let inst = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &lj), ("ClusterId", &c)], &[]))["Id"].as_str().unwrap().to_string();
    let ws = ok_json(&roa(&s, "GET", "/api/v1/workspaces", &[("name", "lakedeck-sandbox")], None))["workspaces"][0]["workspaceId"].as_str().unwrap().to_string();
    let body = serde_json::json!({"name": "long", "jobDriver": {"sparkSubmit": {"entryPointArguments": ["-e", long]}}});
    let run = ok_json(&roa(&s, "POST", &format!("/api/v1/workspaces/{ws}/jobRuns"), &[], Some(&body)))["jobRunId"].as_str().unwrap().to_string();
    poll("both running", || {
        let i = ok_json(&rpc(&s, "DescribeFlowNodeInstance", &[("ProjectId", &p), ("Id", &inst)], &[]));
        let r = ok_json(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/jobRuns/{run}"), &[], None));
        (i["Status"] == "RUNNING" && r["jobRun"]["state"] == "Running").then_some(())
    });
    drop(s);
    let s = Server::start_with(&root, Options { env: env_credentials(), ..Default::default() });
    let i = ok_json(&rpc(&s, "DescribeFlowNodeInstance", &[("ProjectId", &p), ("Id", &inst)], &[]));
    assert_eq!(i["Status"], "FAILED", "{i}");
    assert!(i["ExternalInfo"].as_str().unwrap().contains("sandbox restarted"), "{i}");
    let r = ok_json(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/jobRuns/{run}"), &[], None))["jobRun"].clone();
    assert_eq!((r["state"].as_str(), r["stateChangeReason"]["code"].as_str()), (Some("Failed"), Some("SandboxRestarted")), "{r}");
    drop(s);
    let _ = std::fs::remove_dir_all(&root);
}
