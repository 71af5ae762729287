//! ShowJobList benchmark (not a timed test: it prints figures and asserts only that the answers
//! are well-formed). Run through `scripts/bench-jobs.sh`, or directly:
//!
//! ```text
//! cargo test -p lakedeck-server --test bench_jobs -- --ignored --nocapture
//! ```
//!
//! It starts the real server, stops it, writes `BENCH_JOBS` (default 100,000) job records for the
//! seeded `analytics-prod` cluster straight into `DATA_DIR/sandbox.db` in the format the engine
//! writes (engine/jobs.rs `JobRecord` JSON in `jobs.data`, mirrored here since the server is a
//! binary crate), restarts it and times `BENCH_N` (default 20) requests of each query.
//! `LAKEDECK_BENCH_BIN` picks the server binary (default: the one cargo built for this test).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{env_credentials, temp_dir, Options, Server};

#[path = "support/records.rs"]
mod records;
use records::{insert_jobs, T0};

fn server_bin() -> PathBuf {
    std::env::var_os("LAKEDECK_BENCH_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_lakedeck-server")))
}

fn start(root: &Path) -> Server {
    Server::start_with(root, Options { bin: Some(server_bin()), step_ms: 1000, env: env_credentials(), ..Default::default() })
}

/// Status and JSON body of an authenticated GET.
fn get(s: &Server, path: &str) -> (u16, Value) {
    let r = s.get(path);
    (r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture (scripts/bench-jobs.sh)"]
fn bench_show_job_list() {
    let n_jobs: u64 = std::env::var("BENCH_JOBS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let n_req: usize = std::env::var("BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let root = temp_dir("bench-jobs");
    println!("server binary: {}", server_bin().display());

    let s = start(&root);
    let cluster = s.id_of("analytics-prod");
    let project = s.project.clone();
    drop(s);

    let t = Instant::now();
    insert_jobs(&root.join("data").join("sandbox.db"), &project, &cluster, n_jobs);
    println!("inserted {n_jobs} job records for cluster {cluster} in {} ms", t.elapsed().as_millis());

    let t = Instant::now();
    let s = start(&root);
    println!("restarted in {} ms", t.elapsed().as_millis());
    let base = format!("/v2/{project}/clusters/{cluster}/job-executions");

    let (status, first) = get(&s, &format!("{base}?limit=10"));
    assert_eq!(status, 202, "{first}");
    let total = first["total_record"].as_i64().unwrap();
    let last_page = (total + 9) / 10;
    let begin = T0 - 20_000 * 60_000;
    let end = T0 - 15_000 * 60_000;
    let queries = [
        ("unfiltered first page", format!("{base}?limit=10")),
        ("filtered+sorted page", format!("{base}?job_state=FINISHED&job_type=SparkSql&job_name=etl&sort_by=asc&limit=50&offset=3")),
        ("time-range page", format!("{base}?submitted_time_begin={begin}&submitted_time_end={end}&limit=20&offset=2")),
        ("last page", format!("{base}?limit=10&offset={last_page}")),
    ];
    // Let start-up work (warehouse seeding of the running cluster) settle, and warm up.
    std::thread::sleep(Duration::from_secs(2));
    for (_, q) in &queries {
        let _ = get(&s, q);
    }
    println!("{:<24} {:>9} {:>9} {:>9} {:>13} {:>6}  first job_id of the page / digest", "query", "p50 ms", "p95 ms", "max ms", "total_record", "page");
    for (label, q) in &queries {
        let mut times = Vec::with_capacity(n_req);
        let mut answer = Value::Null;
        for _ in 0..n_req {
            let t = Instant::now();
            let (status, v) = get(&s, q);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(status, 202, "{label}: {v}");
            answer = v;
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let list = answer["job_list"].as_array().unwrap();
        let ids: Vec<&str> = list.iter().map(|j| j["job_id"].as_str().unwrap()).collect();
        // A cheap digest of the page's ids, to compare answers before and after a change.
        let digest = ids.iter().fold(0u64, |h, id| id.bytes().fold(h, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)));
        println!(
            "{label:<24} {:>9.2} {:>9.2} {:>9.2} {:>13} {:>6}  {} / {digest:016x}",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times[times.len() - 1],
            answer["total_record"],
            list.len(),
            ids.first().copied().unwrap_or("-"),
        );
    }
    drop(s);
    let _ = std::fs::remove_dir_all(&root);
}
