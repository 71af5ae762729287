//! The sandbox's limits, each answered the vendor's way: request bodies (413 with the MRS error
//! body), SQL runtime (the statement or job step ends FAILED saying so), result size (FAILED, no
//! archive kept), and no start beyond loopback without a chosen, long token.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};
use support::{analytics, env_credentials, run_job, run_sql, temp_dir, Options, Server, RUN_TIMEOUT};

const CROSS_JOIN: &str = "SELECT sum(a.l_quantity * b.l_quantity) AS s FROM lineitem a CROSS JOIN lineitem b";

fn limited() -> (Server, std::path::PathBuf) {
    let root = temp_dir("limits");
    let s = Server::start_with(
        &root,
        Options {
            env: env_credentials(),
            args: vec!["--sql-timeout".into(), "2".into(), "--max-result-mb".into(), "1".into()],
            ..Default::default()
        },
    );
    (s, root)
}

#[test]
fn bodies_runtime_and_results_are_bounded() {
    let (s, root) = limited();
    let c = analytics(&s);

    // Bodies over 2 MiB: the MRS error body, whether declared or not; nothing created.
    let huge = json!({"cluster_name": "x".repeat(3 * 1024 * 1024)});
    let r = s.api("PUT", &s.v2(&format!("clusters/{c}/cluster-name")), Some(&huge));
    let msg = r.assert_error(413, "12000002");
    assert!(msg.contains("2097152"), "{msg}");
    let r = s.request(
        "POST",
        &s.v2("clusters"),
        &[("X-Auth-Token", &s.token), ("Content-Type", "application/json"), ("Content-Length", "99999999")],
        None,
    );
    r.assert_error(413, "12000002");
    assert_eq!(s.detail(&c)["clusterName"], "analytics-prod");

    // A statement past --sql-timeout is stopped and FAILED with the reason.
    let started = Instant::now();
    let v = run_sql(&s, &c, CROSS_JOIN);
    assert_eq!(v["status"], "FAILED", "{v}");
    assert!(v["message"].as_str().unwrap().contains("limit of 2 s"), "{v}");
    assert!(started.elapsed() < RUN_TIMEOUT);

    // A result over --max-result-mb: FAILED, and no archive left behind.
    let v = run_sql(&s, &c, "SELECT * FROM lineitem");
    assert_eq!(v["status"], "FAILED", "{v}");
    assert!(v["message"].as_str().unwrap().contains("limit of 1 MiB"), "{v}");
    assert_eq!(v["result_location"].as_str().unwrap_or(""), "");
    let small = run_sql(&s, &c, "SELECT n_name FROM nation ORDER BY n_name LIMIT 3");
    assert_eq!(small["status"], "FINISHED", "{small}");

    // The same runtime limit for a SQL job's statement.
    let job = run_job(&s, &c, &json!({"job_name": "too_long", "job_type": "SparkSql", "arguments": [CROSS_JOIN]}));
    assert_eq!(job["job_state"], "FAILED", "{job}");
    let id = job["job_id"].as_str().unwrap();
    let log: Value = s.get(&s.v2(&format!("clusters/{c}/job-executions/{id}/log?offset=0"))).json();
    assert!(log["content"].as_str().unwrap().contains("limit of 2 s"), "{log}");
    assert_eq!(s.get("/healthz").text(), "ok");
    drop(s);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn beyond_loopback_only_with_a_chosen_long_token() {
    let root = temp_dir("exposed");
    // Some(success) when the server exited, None when it started listening.
    let run = |token: Option<&str>| -> (Option<bool>, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lakedeck-server"));
        cmd.args(["--listen", "0.0.0.0:0", "--data-dir"])
            .arg(root.join("data"))
            .arg("--dist")
            .arg(&root)
            .env_remove("LAKEDECK_SANDBOX_TOKEN")
            .env("LAKEDECK_SANDBOX_CACHE_DIR", std::env::temp_dir().join("lakedeck-test-tpch-cache"));
        if let Some(t) = token {
            cmd.env("LAKEDECK_SANDBOX_TOKEN", t);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        if first.starts_with("Lakedeck sandbox listening on") {
            let _ = child.kill();
            let _ = child.wait();
            return (None, first);
        }
        let out = child.wait_with_output().unwrap();
        (Some(out.status.success()), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (status, err) = run(None);
    assert_eq!(status, Some(false));
    assert!(err.contains("LAKEDECK_SANDBOX_TOKEN") && err.contains("at least 24 characters"), "{err}");
    assert!(!root.join("data/credentials.json").exists(), "refused before anything is generated");
    let (status, err) = run(Some("short-but-set"));
    assert_eq!(status, Some(false));
    assert!(err.contains("only 13 characters"), "{err}");
    let (status, _) = run(Some("a-long-enough-token-0123456789"));
    assert_eq!(status, None, "starts (and keeps running) with a long token");
    let _ = std::fs::remove_dir_all(root);
}
