//! EMR Serverless Spark over HTTP: authentication (V3, ROA v1, token) and its refusals, workspaces,
//! queues, release versions, and job runs that really run — SQL on the TPC-H warehouse with rows in
//! the driver's stdout, cancel, timeout, queue concurrency — and ListJobRuns paged with every filter.

mod emr_support;
mod support;

use std::collections::BTreeSet;

use emr_support::*;
use lakedeck_api::acs;
use serde_json::{json, Value};
use support::{env_credentials, now_secs, Options, Server};

fn workspace(s: &Server, name: &str) -> String {
    let v = ok_json(&roa(s, "GET", "/api/v1/workspaces", &[("name", name)], None));
    v["workspaces"][0]["workspaceId"].as_str().unwrap_or_else(|| panic!("no workspace {name}: {v}")).to_string()
}

fn runs_path(ws: &str) -> String {
    format!("/api/v1/workspaces/{ws}/jobRuns")
}

fn sql_body(name: &str, sql: &str) -> Value {
    json!({"name": name, "codeType": "SQL", "jobDriver": {"sparkSubmit": {"entryPoint": "", "entryPointArguments": ["-e", sql]}}})
}

fn start(s: &Server, ws: &str, body: &Value) -> String {
    let v = ok_json(&roa(s, "POST", &runs_path(ws), &[("regionId", "cn-hangzhou")], Some(body)));
    v["jobRunId"].as_str().unwrap().to_string()
}

fn get_run(s: &Server, ws: &str, id: &str) -> Value {
    ok_json(&roa(s, "GET", &format!("{}/{id}", runs_path(ws)), &[], None))["jobRun"].clone()
}

/// Polls until `done`; returns the run and the states seen.
fn wait_run(s: &Server, ws: &str, id: &str, done: impl Fn(&Value) -> bool) -> (Value, Vec<String>) {
    let mut seen: Vec<String> = Vec::new();
    let run = poll(&format!("run {id}"), || {
        let r = get_run(s, ws, id);
        let st = r["state"].as_str().unwrap().to_string();
        if seen.last() != Some(&st) {
            seen.push(st);
        }
        done(&r).then_some(r)
    });
    (run, seen)
}

fn wait_final(s: &Server, ws: &str, id: &str) -> Value {
    wait_run(s, ws, id, |r| ["Success", "Failed", "Cancelled"].contains(&r["state"].as_str().unwrap())).0
}

fn log_lines(s: &Server, ws: &str, file: &str, extra: &[(&str, &str)]) -> (i64, Vec<String>) {
    let mut q = vec![("fileName", file)];
    q.extend_from_slice(extra);
    let v = ok_json(&roa(s, "GET", &format!("/api/v1/workspaces/{ws}/action/listLogContents"), &q, None));
    let c = &v["listLogContent"];
    let lines = c["contents"].as_array().unwrap().iter().map(|l| l["LineContent"].as_str().unwrap().to_string()).collect();
    (c["totalLength"].as_i64().unwrap(), lines)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

const CROSS_JOIN: &str = "SELECT sum(a.l_quantity * b.l_quantity) AS s FROM lineitem a CROSS JOIN lineitem b";

#[test]
fn signatures_and_vendor_errors() {
    let s = Server::start("emr-auth");
    let path = "/api/v1/workspaces";
    // ACS3, ROA v1 and the console's token all work.
    ok_json(&roa(&s, "GET", path, &[("maxResults", "10")], None));
    ok_json(&roa_v1(&s, "GET", path, &[("name", "lakedeck sandbox"), ("maxResults", "10")]));
    ok_json(&roa_token(&s, "GET", path, &[], None));

    let q = pairs(&[("maxResults", "10")]);
    // Wrong secret: the answer says what the server signed (no secret in it).
    let h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", SPARK_VERSION, b"", None, "wrong-secret", None, None);
    let m = roa_error(&send(&s, "GET", path, &q, &h, None), 400, "SignatureDoesNotMatch");
    assert!(m.contains("server string to sign is:ACS3-HMAC-SHA256\n") && !m.contains(&s.sk), "{m}");
    // A clock 20 minutes off.
    let old = acs::format_iso8601(now_secs() - 20 * 60);
    let h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", SPARK_VERSION, b"", None, &s.sk, Some(&old), None);
    roa_error(&send(&s, "GET", path, &q, &h, None), 400, "InvalidTimeStamp.Expired");
    let h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", SPARK_VERSION, b"", None, &s.sk, Some("yesterday"), None);
    roa_error(&send(&s, "GET", path, &q, &h, None), 400, "InvalidTimeStamp.Format");
    // A nonce used twice.
    let h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", SPARK_VERSION, b"", None, &s.sk, None, Some("nonce-once"));
    ok_json(&send(&s, "GET", path, &q, &h, None));
    roa_error(&send(&s, "GET", path, &q, &h, None), 400, "SignatureNonceUsed");
    // Tampered query after signing.
    let h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", SPARK_VERSION, b"", None, &s.sk, None, None);
    roa_error(&send(&s, "GET", path, &pairs(&[("maxResults", "11")]), &h, None), 400, "SignatureDoesNotMatch");
    // Another access key, no credentials, a malformed header, a wrong token.
    let mut h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", SPARK_VERSION, b"", None, &s.sk, None, None);
    let auth = h.iter_mut().find(|(k, _)| k == "authorization").unwrap();
    auth.1 = auth.1.replace(&format!("Credential={}", s.ak), "Credential=LTAIother");
    roa_error(&send(&s, "GET", path, &q, &h, None), 404, "InvalidAccessKeyId.NotFound");
    roa_error(&send(&s, "GET", path, &q, &[], None), 400, "IncompleteSignature");
    roa_error(&send(&s, "GET", path, &q, &[("Authorization".into(), "ACS3-HMAC-SHA256 Credential=x".into())], None), 400, "IncompleteSignature");
    roa_error(&send(&s, "GET", path, &q, &[("X-Auth-Token".into(), "nope".into())], None), 403, "InvalidSecurityToken.Mismatch");
    // Another API version, an unknown path, a known path with another method.
    let h = v3_headers(&s, "GET", path, &q, "ListWorkspaces", "2021-01-01", b"", None, &s.sk, None, None);
    roa_error(&send(&s, "GET", path, &q, &h, None), 400, "InvalidVersion");
    roa_error(&roa(&s, "GET", "/api/v1/nothing", &[], None), 404, "InvalidAction.NotFound");
    roa_error(&roa(&s, "PUT", path, &[], Some(&json!({}))), 404, "InvalidAction.NotFound");
    // A page on another web origin cannot call the API, even with the token (no CORS for it).
    let evil = [("X-Auth-Token".to_string(), s.token.clone()), ("Origin".to_string(), "http://evil.example".to_string())];
    roa_error(&send(&s, "GET", path, &q, &evil, None), 403, "Forbidden");
    let rpc_q = pairs(&[("Action", "ListFlowProject"), ("RegionId", "cn-hangzhou")]);
    rpc_error(&send(&s, "POST", "/", &rpc_q, &evil, None), 403, "Forbidden");
    // A link planted in the OSS tree does not lead a log read out of the data directory.
    let w = ok_json(&roa(&s, "GET", path, &[("name", "lakedeck-sandbox")], None))["workspaces"][0].clone();
    let (ws, bucket) = (w["workspaceId"].as_str().unwrap(), w["storage"].as_str().unwrap());
    let dir = s.data_dir.join("oss").join(bucket).join("logs/jr-planted/driver");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("stdout")).unwrap();
    let file = format!("oss://{bucket}/logs/jr-planted/driver/stdout");
    let m = roa_error(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/action/listLogContents"), &[("fileName", &file)], None), 400, "InvalidParameter");
    assert!(!m.contains("root:"), "{m}");
    // Messages follow the caller's language.
    let r = send(&s, "GET", path, &q, &[("X-Auth-Token".into(), "nope".into()), ("Accept-Language".into(), "zh-CN".into())], None);
    assert!(roa_error(&r, 403, "InvalidSecurityToken.Mismatch").contains("令牌"));
}

#[test]
fn catalog_queues_and_sql_runs() {
    // No spark-submit on this server's PATH, whatever the machine has.
    let mut env = env_credentials();
    env.push(("PATH", "/nonexistent".to_string()));
    let root = support::temp_dir("emr-runs");
    let s = Server::start_with(&root, Options { env, ..Default::default() });
    // Workspaces: filters and paging.
    let all = ok_json(&roa(&s, "GET", "/api/v1/workspaces", &[("maxResults", "1")], None));
    assert_eq!((all["totalCount"].as_i64(), all["workspaces"].as_array().unwrap().len()), (Some(2), 1));
    let next = all["nextToken"].as_str().unwrap().to_string();
    let p2 = ok_json(&roa(&s, "GET", "/api/v1/workspaces", &[("maxResults", "1"), ("nextToken", &next)], None));
    assert_eq!(p2["nextToken"], "");
    assert_ne!(p2["workspaces"][0]["workspaceId"], all["workspaces"][0]["workspaceId"]);
    let tagged = ok_json(&roa(&s, "GET", "/api/v1/workspaces", &[("tag", r#"[{"key":"env","value":"prod"}]"#), ("state", "running")], None));
    assert_eq!(tagged["workspaces"][0]["workspaceName"], "analytics-lab");
    assert_eq!(tagged["workspaces"][0]["tags"][0], json!({"tagKey": "env", "tagValue": "prod"}));
    let ws = workspace(&s, "lakedeck-sandbox");

    // Release versions and queues.
    let rv = ok_json(&roa(&s, "GET", "/api/v1/releaseVersions", &[("releaseVersionStatus", "ONLINE")], None));
    assert_eq!(rv["releaseVersions"].as_array().unwrap().len(), 3);
    let one = ok_json(&roa(&s, "GET", "/api/v1/releaseVersions", &[("releaseVersion", "esr-4.0.0"), ("workspaceId", &ws)], None));
    assert_eq!(one["releaseVersions"][0]["communityVersion"], "Spark 3.5.2");
    let qs = ok_json(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/queues"), &[("environment", "dev")], None));
    assert_eq!(qs["queues"][0]["queueName"], "dev_queue");
    assert_eq!(qs["queues"][0]["maxResource"], r#"{"cpu":"4","memory":"16Gi"}"#);
    roa_error(&roa(&s, "GET", "/api/v1/workspaces/w-0000000000000000/queues", &[], None), 404, "InvalidWorkspaceId.NotFound");

    // A SQL run walks the states and prints its rows, tab-separated, to the driver's stdout.
    let sql = "SELECT n_name, n_regionkey FROM nation ORDER BY n_nationkey LIMIT 3; SELECT count(*) AS n FROM lineitem";
    let body = json!({"name": "nations", "codeType": "SQL", "releaseVersion": "esr-4.0.0", "resourceQueueId": "dev_queue",
        "tags": [{"key": "env", "value": "dev"}], "executionTimeoutSeconds": 600,
        "configurationOverrides": {"configurations": [{"configFileName": "spark-defaults.conf", "configItemKey": "spark.executor.instances", "configItemValue": "2"}]},
        "jobDriver": {"sparkSubmit": {"entryPoint": "", "entryPointArguments": ["-e", sql], "sparkSubmitParameters": "--conf spark.driver.memory=2g"}}});
    let id = start(&s, &ws, &body);
    assert!(id.starts_with("jr-"), "{id}");
    let (r, seen) = wait_run(&s, &ws, &id, |r| ["Success", "Failed"].contains(&r["state"].as_str().unwrap()));
    assert_eq!(r["state"], "Success", "{r}");
    assert_eq!(seen.last().map(String::as_str), Some("Success"));
    assert!(seen.iter().all(|x| ["Submitted", "Pending", "Running", "Success"].contains(&x.as_str())), "{seen:?}");
    assert_eq!((r["releaseVersion"].as_str(), r["resourceQueueId"].as_str()), (Some("esr-4.0.0 (Spark 3.5.2, Scala 2.12)"), Some("dev_queue")));
    assert_eq!(r["jobDriver"]["sparkSubmit"]["entryPointArguments"][1], sql);
    assert!(r["endTime"].as_i64().unwrap() >= r["submitTime"].as_i64().unwrap());
    let stdout = r["log"]["driverStdOut"].as_str().unwrap().to_string();
    assert!(stdout.starts_with("oss://") && stdout.ends_with("/stdout"), "{stdout}");
    let (total, lines) = log_lines(&s, &ws, &stdout, &[]);
    assert_eq!(lines, vec!["n_name\tn_regionkey\n", "ALGERIA\t0\n", "ARGENTINA\t1\n", "BRAZIL\t1\n", "n\n", "60175\n"]);
    assert_eq!(total, 6);
    let (_, slice) = log_lines(&s, &ws, &stdout, &[("offset", "1"), ("length", "2")]);
    assert_eq!(slice, vec!["ALGERIA\t0\n", "ARGENTINA\t1\n"]);
    let (_, err) = log_lines(&s, &ws, r["log"]["driverStdError"].as_str().unwrap(), &[]);
    assert!(err.iter().any(|l| l.contains("Fetched 3 row(s)")), "{err:?}");
    roa_error(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/action/listLogContents"), &[("fileName", "oss://other-bucket/x")], None), 400, "InvalidParameter");
    roa_error(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/action/listLogContents"), &[], None), 400, "MissingParameter");

    // Usage in the list: driver 2 GiB + 2 executors of 4 GiB, 3 cores.
    let list = ok_json(&roa(&s, "GET", &runs_path(&ws), &[("jobRunId", &id)], None));
    let row = &list["jobRuns"][0];
    let secs = (row["endTime"].as_i64().unwrap() - r["submitTime"].as_i64().unwrap()) as f64 / 1000.0;
    let vcore = row["vcoreSeconds"].as_i64().unwrap();
    assert!(vcore >= 0 && vcore as f64 <= 3.0 * secs + 1.0, "{row}");
    let mb = row["mbSeconds"].as_i64().unwrap() as f64;
    assert!((mb - 10240.0 / 3.0 * vcore as f64).abs() <= 10240.0, "MiB-seconds follow the 10 GiB allocation: {row}");
    assert!(row["cuHours"].as_f64().unwrap() >= 0.0 && row["creator"].as_str().unwrap().len() == 16, "{row}");

    // From a file in OSS, and an entry point ending in .sql.
    let f = start(&s, &ws, &json!({"name": "q1", "jobDriver": {"sparkSubmit": {"entryPoint": "", "entryPointArguments": ["-f", "oss://lakedeck-demo/scripts/tpch_q1.sql"]}}}));
    let e = start(&s, &ws, &json!({"name": "q1-entry", "codeType": "sql", "jobDriver": {"sparkSubmit": {"entryPoint": "oss://lakedeck-demo/scripts/tpch_q1.sql"}}}));
    for id in [&f, &e] {
        let r = wait_final(&s, &ws, id);
        assert_eq!(r["state"], "Success", "{r}");
        let (n, lines) = log_lines(&s, &ws, r["log"]["driverStdOut"].as_str().unwrap(), &[]);
        assert_eq!((n, lines[0].as_str()), (5, "l_returnflag\tl_linestatus\tsum_qty\tcount_order\n"));
    }

    // A failing statement ends the run Failed with the engine's reason.
    let bad = start(&s, &ws, &sql_body("bad", "SELECT 1; SELECT * FROM no_such_table"));
    let r = wait_final(&s, &ws, &bad);
    assert_eq!((r["state"].as_str(), r["stateChangeReason"]["code"].as_str()), (Some("Failed"), Some("JobRunFailed")));
    assert!(r["stateChangeReason"]["message"].as_str().unwrap().contains("Statement 2 of 2"), "{r}");
    // JAR without spark-submit on the PATH fails saying what is missing.
    let jar = start(&s, &ws, &json!({"name": "jar", "codeType": "JAR", "jobDriver": {"sparkSubmit": {"entryPoint": "oss://lakedeck-demo/app.jar", "sparkSubmitParameters": "--class org.example.Main"}}}));
    let r = wait_final(&s, &ws, &jar);
    assert_eq!(r["state"], "Failed");
    assert!(r["stateChangeReason"]["message"].as_str().unwrap().contains("spark-submit is not on the sandbox's PATH"), "{r}");

    // clientToken: the same token answers the same run.
    let body = json!({"name": "once", "clientToken": "ct-1", "jobDriver": {"sparkSubmit": {"entryPointArguments": ["-e", "SELECT 1"]}}});
    assert_eq!(start(&s, &ws, &body), start(&s, &ws, &body));

    // Bad bodies and references.
    let post = |b: &[u8]| {
        let q = pairs(&[]);
        let h = v3_headers(&s, "POST", &runs_path(&ws), &q, "StartJobRun", SPARK_VERSION, b, Some("application/json"), &s.sk, None, None);
        send(&s, "POST", &runs_path(&ws), &q, &h, Some(b))
    };
    roa_error(&post(b"{not json"), 400, "InvalidParameter");
    roa_error(&post(br#"{"executionTimeoutSeconds":"soon"}"#), 400, "InvalidParameter");
    roa_error(&post(br#"{"name":"x"}"#), 400, "MissingParameter");
    roa_error(&post(br#"{"codeType":"SCALA"}"#), 400, "InvalidParameter");
    roa_error(&post(br#"{"codeType":"JAR"}"#), 400, "MissingParameter");
    roa_error(&post(br#"{"codeType":"SQL","jobDriver":{"sparkSubmit":{"entryPointArguments":["-e","select 1"]}},"resourceQueueId":"gpu_queue"}"#), 404, "InvalidQueueName.NotFound");
    roa_error(&post(br#"{"codeType":"SQL","jobDriver":{"sparkSubmit":{"entryPointArguments":["-e","select 1"]}},"releaseVersion":"esr-2.5.1"}"#), 400, "InvalidParameter");
    roa_error(&post(br#"{"codeType":"SQL","jobDriver":{"sparkSubmit":{"entryPointArguments":["-e","select 1"],"sparkSubmitParameters":"--num-executors 40"}}}"#), 400, "InvalidParameter");
    roa_error(&roa(&s, "GET", &format!("{}/jr-0000000000000000", runs_path(&ws)), &[], None), 404, "InvalidJobRunId.NotFound");

    // GetCuHours: per hour, in the service's map-like text.
    let now = now_secs() * 1000;
    let hour = |ms: i64| {
        let t = acs::format_iso8601(ms / 3_600_000 * 3600);
        format!("{} {}", &t[..10], &t[11..19])
    };
    let v = ok_json(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/metric/cuHours/dev_queue"), &[("startTime", &hour(now - 3_600_000)), ("endTime", &hour(now + 3_600_000))], None));
    let text = v["data"]["cuHours"].as_str().unwrap();
    assert!(text.starts_with('{') && text.ends_with('}') && text.matches('=').count() == 2, "{text}");
    assert!(text.split(", ").any(|p| p.split('=').nth(1).unwrap().trim_end_matches('}').parse::<f64>().unwrap() > 0.0), "{text}");
    roa_error(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/metric/cuHours/dev_queue"), &[("startTime", "2025-01-01")], None), 400, "MissingParameter");
    roa_error(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/metric/cuHours/dev_queue"), &[("startTime", "2025-01-01"), ("endTime", "2025-01-02")], None), 400, "InvalidParameter");
    drop(s);
    let _ = std::fs::remove_dir_all(&root);
}

/// A fake `spark-submit` first on the server's PATH: prints its arguments, or holds with `hold`.
fn fake_spark(root: &std::path::Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("spark-submit");
    std::fs::write(
        &script,
        "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = hold ] && exec sleep 60; done\necho \"fake spark-submit got: $*\"\necho 'a driver line on stderr' >&2\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{}:/usr/bin:/bin", bin.display())
}

#[test]
fn cancel_timeout_and_queue_room() {
    let root = support::temp_dir("emr-cancel");
    let mut env = env_credentials();
    env.push(("PATH", fake_spark(&root)));
    let s = Server::start_with(&root, Options { env, ..Default::default() });
    let ws = workspace(&s, "lakedeck-sandbox");
    // JAR through spark-submit: options, settings and OSS paths as the program sees them.
    let jar = start(&s, &ws, &json!({"name": "jar-ok", "codeType": "JAR",
        "configurationOverrides": {"configurations": [{"configFileName": "spark-defaults.conf", "configItemKey": "spark.app.name", "configItemValue": "x"}]},
        "jobDriver": {"sparkSubmit": {"entryPoint": "oss://lakedeck-demo/app.jar", "entryPointArguments": ["oss://lakedeck-demo/in.txt", "plain"],
            "sparkSubmitParameters": "--class org.example.Main --jars oss://lakedeck-demo/dep.jar"}}}));
    let r = wait_final(&s, &ws, &jar);
    assert_eq!(r["state"], "Success", "{r}");
    let oss = s.data_dir.join("oss/lakedeck-demo");
    let (_, out) = log_lines(&s, &ws, r["log"]["driverStdOut"].as_str().unwrap(), &[]);
    let expected = format!(
        "fake spark-submit got: --name jar-ok --class org.example.Main --jars {d}/dep.jar --conf spark.app.name=x {d}/app.jar {d}/in.txt plain\n",
        d = oss.display()
    );
    assert_eq!(out, vec![expected]);
    let (_, err) = log_lines(&s, &ws, r["log"]["driverStdError"].as_str().unwrap(), &[]);
    assert!(err.iter().any(|l| l == "a driver line on stderr\n"), "{err:?}");
    // Cancel stops the program (its whole process group).
    let held = start(&s, &ws, &json!({"name": "held", "codeType": "PYTHON", "jobDriver": {"sparkSubmit": {"entryPoint": "oss://lakedeck-demo/job.py", "entryPointArguments": ["hold"]}}}));
    wait_run(&s, &ws, &held, |r| r["state"] == "Running");
    std::thread::sleep(std::time::Duration::from_millis(200));
    ok_json(&roa(&s, "DELETE", &format!("{}/{held}", runs_path(&ws)), &[], None));
    let started = std::time::Instant::now();
    assert_eq!(wait_final(&s, &ws, &held)["state"], "Cancelled");
    assert!(started.elapsed() < std::time::Duration::from_secs(8), "the held program was stopped, not waited for");
    // dev_queue holds 4 cores; a default run takes 2 (driver + one executor), so two run at once.
    let ids: Vec<String> = (0..3).map(|i| start(&s, &ws, &json!({"name": format!("long-{i}"), "resourceQueueId": "dev_queue",
        "jobDriver": {"sparkSubmit": {"entryPointArguments": ["-e", CROSS_JOIN]}}}))).collect();
    poll("two running, one pending", || {
        let states: Vec<String> = ids.iter().map(|id| get_run(&s, &ws, id)["state"].as_str().unwrap().to_string()).collect();
        (states == ["Running", "Running", "Pending"]).then_some(())
    });
    let qs = ok_json(&roa(&s, "GET", &format!("/api/v1/workspaces/{ws}/queues"), &[], None));
    let dev = qs["queues"].as_array().unwrap().iter().find(|q| q["queueName"] == "dev_queue").unwrap().clone();
    assert_eq!(dev["usedResource"], r#"{"cpu":"4","memory":"16Gi"}"#);
    // Cancel: Cancelling, then Cancelled once the work has stopped; a pending run the same way.
    for id in ids.iter().rev() {
        ok_json(&roa(&s, "DELETE", &format!("{}/{id}", runs_path(&ws)), &[], None));
    }
    for id in &ids {
        let (r, seen) = wait_run(&s, &ws, id, |r| r["state"] == "Cancelled");
        assert!(seen.first().unwrap() == "Cancelling" || seen == ["Cancelled"], "{seen:?}");
        assert_eq!(r["stateChangeReason"]["code"], "CancelledByUser");
    }
    roa_error(&roa(&s, "DELETE", &format!("{}/{}", runs_path(&ws), ids[0]), &[], None), 400, "IncorrectJobRunState");
    // A run past its executionTimeoutSeconds ends Failed.
    let t = start(&s, &ws, &json!({"name": "slow", "executionTimeoutSeconds": 1, "jobDriver": {"sparkSubmit": {"entryPointArguments": ["-e", CROSS_JOIN]}}}));
    let r = wait_final(&s, &ws, &t);
    assert_eq!((r["state"].as_str(), r["stateChangeReason"]["code"].as_str()), (Some("Failed"), Some("ExecutionTimeout")), "{r}");
    drop(s);
    let _ = std::fs::remove_dir_all(&root);
}

/// ListJobRuns pages through runs with each filter; every page but the last carries a token.
#[test]
fn list_job_runs_filters_and_pages() {
    let root = support::temp_dir("emr-list");
    let s = Server::start_with(&root, Options { env: env_credentials(), step_ms: 20, ..Default::default() });
    let ws = workspace(&s, "analytics-lab");
    let mut ids = Vec::new();
    let first_submit = now_ms() - 1;
    for i in 0..30 {
        let mut tags = vec![json!({"key": "team", "value": if i % 2 == 0 { "a" } else { "b" }})];
        if i % 4 == 0 {
            tags.push(json!({"key": "workflow", "value": "true"}));
        }
        let sql = if i % 5 == 0 { "SELECT * FROM no_such_table" } else { "SELECT 1 AS one" };
        let mut body = json!({"name": format!("page-{i:02}"), "codeType": "SQL", "tags": tags,
            "resourceQueueId": if i % 3 == 0 { "dev_queue" } else { "root_queue" },
            "configurationOverrides": {"configurations": [{"configFileName": "spark-defaults.conf", "configItemKey": "spark.app.name", "configItemValue": format!("app-{}", i % 3)}]},
            "jobDriver": {"sparkSubmit": {"entryPointArguments": ["-e", sql], "sparkSubmitParameters": format!("--class Main{}", i % 2)}}});
        if i % 6 == 0 {
            body["jobId"] = json!("jd-page");
        }
        ids.push(start(&s, &ws, &body));
    }
    for id in &ids {
        wait_final(&s, &ws, id);
    }
    let last_end = now_ms() + 1;
    let pick = |f: &dyn Fn(usize) -> bool| -> BTreeSet<String> { (0..30).filter(|i| f(*i)).map(|i| ids[i].clone()).collect() };
    let page_all = |query: &[(&str, &str)], size: usize| -> (BTreeSet<String>, usize, i64) {
        let mut got = BTreeSet::new();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            let size_text = size.to_string();
            let mut q: Vec<(&str, &str)> = vec![("maxResults", size_text.as_str())];
            q.extend_from_slice(query);
            if !token.is_empty() {
                q.push(("nextToken", token.as_str()));
            }
            let v = ok_json(&roa(&s, "GET", &runs_path(&ws), &q, None));
            pages += 1;
            let total = v["totalCount"].as_i64().unwrap();
            let rows = v["jobRuns"].as_array().unwrap();
            assert!(rows.len() <= size);
            let mut last = i64::MAX;
            for r in rows {
                // Newest first.
                assert!(r["submitTime"].as_i64().unwrap() <= last);
                last = r["submitTime"].as_i64().unwrap();
                assert!(got.insert(r["jobRunId"].as_str().unwrap().to_string()), "a run twice: {r}");
            }
            token = v["nextToken"].as_str().unwrap().to_string();
            if token.is_empty() {
                return (got, pages, total);
            }
            assert_eq!(rows.len(), size, "a page before the last is full");
        }
    };
    let wf = r#"[{"key":"team","value":"a"}]"#;
    let app = r#"[{"key":"spark.app.name","value":"app-0"}]"#;
    let rt = r#"[{"key":"mainClass","value":"Main1"}]"#;
    // (query, the runs it must find, page size)
    type Case<'a> = (Vec<(&'a str, &'a str)>, BTreeSet<String>, usize);
    let cases: Vec<Case> = vec![
        (vec![], pick(&|_| true), 7),
        (vec![("name", "PAGE-1")], pick(&|i| (10..20).contains(&i)), 3),
        (vec![("tags", wf)], pick(&|i| i % 2 == 0), 4),
        (vec![("states", r#"["Failed"]"#)], pick(&|i| i % 5 == 0), 2),
        (vec![("states", r#"["Success","Failed"]"#), ("resourceQueueId", "dev_queue")], pick(&|i| i % 3 == 0), 3),
        (vec![("isWorkflow", "True")], pick(&|i| i % 4 == 0), 3),
        (vec![("isWorkflow", "false")], pick(&|i| i % 4 != 0), 7),
        (vec![("jobRunDeploymentId", "jd-page")], pick(&|i| i % 6 == 0), 2),
        (vec![("applicationConfigs", app)], pick(&|i| i % 3 == 0), 3),
        (vec![("runtimeConfigs", rt)], pick(&|i| i % 2 == 1), 4),
        (vec![("minDuration", "0")], pick(&|_| true), 7),
        (vec![("tags", wf), ("states", r#"["Success"]"#), ("name", "page")], pick(&|i| i % 2 == 0 && i % 5 != 0), 3),
        (vec![("runtimeConfigs", rt), ("applicationConfigs", app)], pick(&|i| i % 2 == 1 && i % 3 == 0), 2),
        // Totals summed from the facets (name, queue, workflow, states) and from the duration indexes.
        (vec![("name", "page-0"), ("isWorkflow", "true")], pick(&|i| i < 10 && i % 4 == 0), 1),
        (vec![("name", "PAGE-2"), ("states", r#"["Success"]"#), ("resourceQueueId", "root_queue")], pick(&|i| (20..30).contains(&i) && i % 3 != 0 && i % 5 != 0), 2),
        (vec![("minDuration", "0"), ("states", r#"["Failed"]"#)], pick(&|i| i % 5 == 0), 2),
    ];
    for (query, want, size) in cases {
        let (got, pages, total) = page_all(&query, size);
        assert!(pages > 2, "{query:?}: {pages} page(s)");
        assert_eq!(total as usize, want.len(), "{query:?}");
        assert_eq!(got, want, "{query:?}");
    }
    // Time windows and single-valued filters.
    let window = format!(r#"{{"startTime":{first_submit},"endTime":{last_end}}}"#);
    let (got, pages, _) = page_all(&[("startTime", &window), ("endTime", &window)], 9);
    assert_eq!((got.len(), pages), (30, 4));
    let (got, _, _) = page_all(&[("startTime", r#"{"endTime":1000}"#)], 5);
    assert!(got.is_empty());
    let (got, _, _) = page_all(&[("jobRunId", &ids[7])], 5);
    assert_eq!(got, pick(&|i| i == 7));
    let creator = get_run(&s, &ws, &ids[0])["resourceOwnerId"].as_str().unwrap().to_string();
    assert_eq!(page_all(&[("creator", &creator)], 10).0.len(), 30);
    assert!(page_all(&[("creator", "1")], 10).0.is_empty());
    assert!(page_all(&[("minDuration", "3600000")], 10).0.is_empty());
    // Totals by state, over every filter but the states.
    let v = ok_json(&roa(&s, "GET", &runs_path(&ws), &[("groupByState", "True"), ("states", r#"["Running"]"#)], None));
    assert_eq!(v["aggregations"], json!({"Success": "24", "Failed": "6"}));
    assert_eq!(v["totalCount"], 0);
    let q = [("groupByState", "True"), ("name", "PAGE-1"), ("resourceQueueId", "root_queue")];
    let v = ok_json(&roa(&s, "GET", &runs_path(&ws), &q, None));
    assert_eq!((&v["aggregations"], &v["totalCount"]), (&json!({"Success": "6", "Failed": "1"}), &json!(7)));
    // Refusals.
    for (k, v) in [("maxResults", "101"), ("states", "[\"Running\""), ("states", "[\"Sleeping\"]"), ("tags", "{}"), ("startTime", "[]"), ("isWorkflow", "maybe"), ("nextToken", "not-a-token")] {
        roa_error(&roa(&s, "GET", &runs_path(&ws), &[(k, v)], None), 400, "InvalidParameter");
    }
    drop(s);
    let _ = std::fs::remove_dir_all(&root);
}
