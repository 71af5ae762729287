//! Reads through the cache: SQL over `alluxio://` (an external table in a SparkScript job) misses
//! on the first query and admits pages, hits on the next; a load before the query makes it all
//! hits; per-worker hit and miss counters show it.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::alluxio::{load, mount, ok, start, submit as submit_cache, total, wait_job as wait_cache};
use support::{analytics, Server};

/// dbgen's lineitem row count at scale factor 0.01.
const LINEITEM_ROWS: &str = "60175";

fn jobs(s: &Server, c: &str, rest: &str) -> String {
    s.v2(&format!("clusters/{c}/job-executions{rest}"))
}

/// Runs a SparkScript job over `script` (an obs:// or alluxio:// URI) and returns its results.
fn run_script(s: &Server, c: &str, script: &str) -> Value {
    let r = s.api("POST", &jobs(s, c, ""), Some(&json!({"job_type": "SparkScript", "job_name": "alluxio-read", "arguments": [script]})));
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["job_submit_result"]["job_id"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let j = s.get(&jobs(s, c, &format!("/{id}"))).json()["job_detail"].clone();
        match j["job_state"].as_str().unwrap() {
            "FINISHED" => break,
            "FAILED" | "KILLED" => {
                let log = s.get(&jobs(s, c, &format!("/{id}/log?offset=0"))).json()["content"].clone();
                panic!("the script job ended {}: {log}", j["job_state"]);
            }
            _ => {}
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the script job did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    s.get(&jobs(s, c, &format!("/{id}/sql-result"))).json()["sql_results"].clone()
}

#[test]
fn sql_reads_alluxio_paths_through_the_cache() {
    let s = start("alluxio-read", "64MB", &[]);
    let c = analytics(&s);
    let lineitem = s.data_dir.join(format!("hdfs/{c}/user/hive/warehouse/lineitem"));
    let started = Instant::now();
    while !std::fs::read_dir(&lineitem).is_ok_and(|d| d.flatten().any(|e| e.path().extension().is_some_and(|x| x == "parquet"))) {
        assert!(started.elapsed() < Duration::from_secs(120), "the TPC-H warehouse never appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
    mount(&s, "/wh", &format!("hdfs://{c}/user/hive/warehouse"));
    let script = "CREATE EXTERNAL TABLE li STORED AS PARQUET LOCATION 'alluxio:///wh/lineitem/';\n\
                  SELECT count(*) AS n, sum(l_quantity) AS q FROM li;\n";
    std::fs::create_dir_all(s.data_dir.join("obs/scripts")).unwrap();
    std::fs::write(s.data_dir.join("obs/scripts/li.sql"), script).unwrap();

    // First query: every page is a miss, read from the UFS and admitted.
    let first = run_script(&s, &c, "obs://scripts/li.sql");
    assert_eq!(first["1"][0]["n"], LINEITEM_ROWS, "{first}");
    let (hits1, misses1) = (total(&s, "hits"), total(&s, "misses"));
    assert!(misses1 > 0 && misses1 > hits1, "first read: {hits1} hits, {misses1} misses");
    assert!(total(&s, "usedBytes") > 0, "the pages read were admitted");

    // Second query: the same pages are hits now.
    let second = run_script(&s, &c, "obs://scripts/li.sql");
    assert_eq!(second["1"], first["1"]);
    assert!(total(&s, "hits") > hits1, "hits rose");
    assert_eq!(total(&s, "misses"), misses1, "no new misses");

    // Free, then load, then query: the load made the whole query hit.
    let id = submit_cache(&s, "free", json!({"paths": ["/wh/lineitem"]}));
    wait_cache(&s, "free", &id);
    assert_eq!(total(&s, "usedBytes"), 0);
    load(&s, json!({"paths": ["/wh/lineitem"]}));
    let (hits2, misses2) = (total(&s, "hits"), total(&s, "misses"));
    let third = run_script(&s, &c, "obs://scripts/li.sql");
    assert_eq!(third["1"], first["1"]);
    assert!(total(&s, "hits") > hits2);
    assert_eq!(total(&s, "misses"), misses2, "a loaded table is read without a miss");
    let hit_bytes = total(&s, "hitBytes");
    assert!(hit_bytes > 0);
    let _ = ok(&s, "GET", "/api/v1/nodes", None);
}
