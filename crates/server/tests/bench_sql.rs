//! Sandbox figures for SQL execution and memory (prints; asserts only that answers are right). Run
//! through `scripts/bench-server.sh`, or directly:
//!
//! ```text
//! cargo test -p lakedeck-server --test bench_sql -- --ignored --nocapture
//! ```
//!
//! 1. A first start with an empty TPC-H cache: time until the warehouse answers, then the server's
//!    resident memory once idle (and its peak); the same after a restart.
//! 2. The server's share of a statement's round trip: ExecuteSql, then ShowSqlResult polled without
//!    pause until FINISHED, for `SELECT 1` and for a TPC-H aggregate over lineitem.
//!
//! `LAKEDECK_BENCH_BIN` picks the server binary (default: the one cargo built for this test).

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{analytics, env_credentials, temp_dir, Options, Server};

fn server_bin() -> PathBuf {
    std::env::var_os("LAKEDECK_BENCH_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_lakedeck-server")))
}

/// Resident and peak resident memory of `pid`, in MB.
fn memory_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb = |key: &str| -> f64 {
        let line = status.lines().find(|l| l.starts_with(key)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0
    };
    (kb("VmRSS:"), kb("VmHWM:"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One statement, polled without pause; returns milliseconds from the POST to FINISHED.
fn round_trip(s: &Server, c: &str, sql: &str) -> f64 {
    let base = s.v2(&format!("clusters/{c}/sql-execution"));
    let started = Instant::now();
    let r = s.api("POST", &base, Some(&json!({"sql_content": sql})));
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    loop {
        let v = s.get(&format!("{base}/{id}")).json();
        match v["status"].as_str().unwrap() {
            "FINISHED" => return started.elapsed().as_secs_f64() * 1000.0,
            "FAILED" => panic!("{sql} failed: {v}"),
            _ => {}
        }
    }
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture (scripts/bench-server.sh)"]
fn sql_round_trip_and_memory() {
    let root = temp_dir("bench-sql");
    let mut env = env_credentials();
    env.push(("LAKEDECK_SANDBOX_CACHE_DIR", root.join("tpch-cache").display().to_string()));
    let opts = || Options { bin: Some(server_bin()), step_ms: 50, env: env.clone(), ..Default::default() };
    let started = Instant::now();
    let s = Server::start_with(&root, opts());
    let c = analytics(&s);
    round_trip(&s, &c, "SELECT count(*) FROM lineitem");
    let ready = started.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let (rss, peak) = memory_mb(s.pid());
    println!("first start (empty TPC-H cache): warehouse ready after {:.1} s; idle RSS {rss:.0} MB, peak {peak:.0} MB", ready.as_secs_f64());
    drop(s);
    let s = Server::start_with(&root, opts());
    round_trip(&s, &c, "SELECT 1");
    std::thread::sleep(Duration::from_secs(1));
    let (rss, peak) = memory_mb(s.pid());
    println!("restart (warm cache): idle RSS {rss:.0} MB, peak {peak:.0} MB");

    for (label, sql, n) in [
        ("SELECT 1", "SELECT 1", 50),
        (
            "TPC-H Q1-style aggregate over lineitem",
            "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS q, avg(l_extendedprice) AS p, count(*) AS n \
             FROM lineitem WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag",
            20,
        ),
    ] {
        round_trip(&s, &c, sql);
        let mut t: Vec<f64> = (0..n).map(|_| round_trip(&s, &c, sql)).collect();
        t.sort_by(f64::total_cmp);
        println!(
            "ExecuteSql → FINISHED, {label}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({n} runs)",
            percentile(&t, 0.5),
            percentile(&t, 0.95),
            t[t.len() - 1]
        );
    }
    drop(s);
    let _ = std::fs::remove_dir_all(root);
}
