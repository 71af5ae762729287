//! ListJobRuns benchmark (not a timed test: it prints figures and asserts only that the answers are
//! well-formed). Run through `scripts/bench-emr.sh`, or directly:
//!
//! ```text
//! cargo test -p lakedeck-server --test bench_emr -- --ignored --nocapture
//! ```
//!
//! It starts the real server, stops it, writes `BENCH_RUNS` (default 100,000) job runs into one
//! workspace straight into `DATA_DIR/sandbox.db` in the format engine/emr_spark.rs stores (its
//! `RunRecord` JSON in `emr_runs.data`, the filter columns, tags and settings in `emr_run_attrs`),
//! restarts it and times `BENCH_N` (default 20) signed ListJobRuns requests of each query.
//! `LAKEDECK_BENCH_BIN` picks the server binary (default: the one cargo built for this test);
//! `BENCH_KEEP=1` keeps the data directory (to study the queries on the database).

mod emr_support;
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use emr_support::roa;
use serde_json::{json, Value};
use support::{env_credentials, temp_dir, Options, Server};

/// Newest run's submission time; one run every 30 s going back.
const T0: i64 = 1_780_000_000_000;
const STATES: [&str; 5] = ["Success", "Success", "Success", "Failed", "Cancelled"];
const NAMES: [&str; 5] = ["nightly-etl", "orders-rollup", "report", "adhoc-query", "ml-training"];
const QUEUES: [&str; 2] = ["root_queue", "dev_queue"];

fn server_bin() -> PathBuf {
    std::env::var_os("LAKEDECK_BENCH_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_lakedeck-server")))
}

fn start(root: &Path) -> Server {
    Server::start_with(root, Options { bin: Some(server_bin()), step_ms: 1000, env: env_credentials(), ..Default::default() })
}

fn insert_runs(db: &Path, ws: &str, n: u64) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut run = tx
            .prepare(
                "INSERT INTO emr_runs (id, job_run_id, workspace_id, seq, submit_ms, start_ms, end_ms, state, queue, name_lower, creator,
                 code_type, job_id, workflow, client_token, data) VALUES (?15, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, '', ?14)",
            )
            .unwrap();
        let mut attr = tx
            .prepare("INSERT INTO emr_run_attrs (run, workspace_id, kind, key, value, submit_ms, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1)")
            .unwrap();
        for i in 0..n {
            let id = format!("jr-{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let submit = T0 - i as i64 * 30_000;
            let start = submit + 2_000;
            let end = start + 10_000 + (i as i64 % 600) * 1000;
            let state = STATES[(i % 5) as usize];
            let name = format!("{}-{}", NAMES[((i / 5) % 5) as usize], i % 100);
            let queue = QUEUES[(i % 2) as usize];
            let team = if i % 3 == 0 { "data" } else { "ml" };
            let workflow = i % 4 == 0;
            let mut tags = vec![json!({"key": "team", "value": team})];
            if workflow {
                tags.push(json!({"key": "workflow", "value": "true"}));
            }
            let data = json!({
                "workspace_id": ws, "job_run_id": id, "seq": n - i, "name": name, "state": state,
                "reason_code": if state == "Success" { "0" } else { "JobRunFailed" }, "reason": {"en": "", "zh": ""},
                "submit_ms": submit, "start_ms": start, "end_ms": end, "code_type": "SQL", "creator": "1234567890123456",
                "release_version": "esr-4.0.0 (Spark 3.5.2, Scala 2.12)", "display_release_version": "esr-4.0.0 (Spark 3.5.2, Scala 2.12)",
                "queue": queue, "timeout_s": 3600, "cores": 2, "memory_mb": 8192, "tags": tags,
                "spark_submit": {"entryPoint": "", "entryPointArguments": ["-e", "SELECT 1"], "sparkSubmitParameters": ""},
                "log": {"driverStdOut": format!("oss://bench/logs/{id}/driver/stdout")}
            });
            run.execute(rusqlite::params![
                id, ws, (n - i) as i64, submit, start, end, state, queue, name, "1234567890123456", "SQL", "", workflow as i64, data.to_string(),
                (n - i) as i64
            ])
            .unwrap();
            let run = (n - i) as i64;
            attr.execute(rusqlite::params![run, ws, "tag", "team", team, submit]).unwrap();
            if workflow {
                attr.execute(rusqlite::params![run, ws, "tag", "workflow", "true", submit]).unwrap();
            }
            attr.execute(rusqlite::params![run, ws, "app", "spark.app.name", format!("app-{}", i % 10), submit]).unwrap();
        }
    }
    tx.commit().unwrap();
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture (scripts/bench-emr.sh)"]
fn bench_list_job_runs() {
    let n_runs: u64 = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let n_req: usize = std::env::var("BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let root = temp_dir("bench-emr");
    println!("server binary: {}", server_bin().display());
    let s = start(&root);
    let ws = roa(&s, "GET", "/api/v1/workspaces", &[("name", "lakedeck-sandbox")], None).json()["workspaces"][0]["workspaceId"]
        .as_str()
        .unwrap()
        .to_string();
    drop(s);
    let t = Instant::now();
    insert_runs(&root.join("data").join("sandbox.db"), &ws, n_runs);
    println!("inserted {n_runs} job runs into workspace {ws} in {} ms", t.elapsed().as_millis());
    let s = start(&root);
    let path = format!("/api/v1/workspaces/{ws}/jobRuns");
    let list = |q: &[(&str, &str)]| -> Value {
        let r = roa(&s, "GET", &path, q, None);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    };
    // A token 100 pages in: the keyset resumes there without reading the pages before it.
    let mut token = String::new();
    for _ in 0..100 {
        let mut q = vec![("maxResults", "20")];
        if !token.is_empty() {
            q.push(("nextToken", token.as_str()));
        }
        token = list(&q)["nextToken"].as_str().unwrap().to_string();
    }
    let window = format!(r#"{{"startTime":{},"endTime":{}}}"#, T0 - 40_000 * 30_000, T0 - 30_000 * 30_000);
    let queries: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("first page", vec![("maxResults", "20")]),
        ("page 101 (token)", vec![("maxResults", "20"), ("nextToken", &token)]),
        ("states", vec![("maxResults", "20"), ("states", r#"["Failed","Cancelled"]"#)]),
        ("name", vec![("maxResults", "20"), ("name", "orders-rollup-7")]),
        ("tag", vec![("maxResults", "20"), ("tags", r#"[{"key":"team","value":"data"}]"#)]),
        ("submit window", vec![("maxResults", "50"), ("startTime", &window)]),
        ("queue+workflow+state", vec![("maxResults", "20"), ("resourceQueueId", "root_queue"), ("isWorkflow", "true"), ("states", r#"["Success"]"#)]),
        ("minDuration", vec![("maxResults", "20"), ("minDuration", "500000")]),
        ("app config", vec![("maxResults", "20"), ("applicationConfigs", r#"[{"key":"spark.app.name","value":"app-7"}]"#)]),
        ("groupByState", vec![("maxResults", "20"), ("groupByState", "true")]),
    ];
    std::thread::sleep(Duration::from_secs(1));
    println!("{:<22} {:>8} {:>8} {:>8} {:>11} {:>5}", "query", "p50 ms", "p95 ms", "max ms", "totalCount", "rows");
    for (label, q) in &queries {
        let _ = list(q);
        let mut times = Vec::with_capacity(n_req);
        let mut answer = Value::Null;
        for _ in 0..n_req {
            let t = Instant::now();
            answer = list(q);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{label:<22} {:>8.2} {:>8.2} {:>8.2} {:>11} {:>5}",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times[times.len() - 1],
            answer["totalCount"],
            answer["jobRuns"].as_array().map(Vec::len).unwrap_or(0)
        );
    }
    drop(s);
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept {}", root.display());
    } else {
        let _ = std::fs::remove_dir_all(&root);
    }
}
