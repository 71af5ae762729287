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
#[path = "support/emr_runs.rs"]
mod emr_runs;
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use emr_runs::{insert_runs, T0};
use emr_support::roa;
use serde_json::Value;
use support::{env_credentials, temp_dir, Options, Server};

fn server_bin() -> PathBuf {
    std::env::var_os("LAKEDECK_BENCH_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_lakedeck-server")))
}

fn start(root: &Path) -> Server {
    Server::start_with(root, Options { bin: Some(server_bin()), step_ms: 1000, env: env_credentials(), ..Default::default() })
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
        ("minDuration+state", vec![("maxResults", "20"), ("minDuration", "500000"), ("states", r#"["Failed"]"#)]),
        ("name+state+groupBy", vec![("maxResults", "20"), ("name", "orders-rollup-7"), ("states", r#"["Success"]"#), ("groupByState", "true")]),
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
