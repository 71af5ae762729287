//! Reads through the cache: SQL over `alluxio://` (an external table in a SparkScript job) misses
//! on the first query and admits pages, hits on the next; a load before the query makes it all
//! hits; per-worker hit and miss counters show it. Scripts and DistCp sources may be alluxio://
//! paths; the cache filter decides admission (skipCache) and revalidation (immutable vs maxAge);
//! nothing writes to alluxio://.

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

/// Runs an MRS job; returns its final state and its log.
fn run_job(s: &Server, c: &str, job_type: &str, arguments: &[&str]) -> (String, String, String) {
    let r = s.api("POST", &jobs(s, c, ""), Some(&json!({"job_type": job_type, "job_name": "alluxio-read", "arguments": arguments})));
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["job_submit_result"]["job_id"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let j = s.get(&jobs(s, c, &format!("/{id}"))).json()["job_detail"].clone();
        let state = j["job_state"].as_str().unwrap().to_string();
        if ["FINISHED", "FAILED", "KILLED"].contains(&state.as_str()) {
            let log = s.get(&jobs(s, c, &format!("/{id}/log?offset=0"))).json()["content"].as_str().unwrap().to_string();
            return (state, log, id);
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the job did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs a SparkScript job over `script` (an obs:// or alluxio:// URI) and returns its results.
fn run_script(s: &Server, c: &str, script: &str) -> Value {
    let (state, log, id) = run_job(s, c, "SparkScript", &[script]);
    assert_eq!(state, "FINISHED", "{log}");
    s.get(&jobs(s, c, &format!("/{id}/sql-result"))).json()["sql_results"].clone()
}

fn distcp(s: &Server, c: &str, from: &str, to: &str) -> String {
    let (state, log, _) = run_job(s, c, "DistCp", &[from, to]);
    assert_eq!(state, "FINISHED", "{log}");
    log
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
    assert!(total(&s, "hitBytes") > 0);

    // The script itself may come through the cache.
    mount(&s, "/scripts", "obs://scripts");
    let via = run_script(&s, &c, "alluxio:///scripts/li.sql");
    assert_eq!(via["1"], first["1"]);

    // DistCp from alluxio:// reads every byte through the cache: the copy equals the UFS file.
    let nation = s.data_dir.join(format!("hdfs/{c}/user/hive/warehouse/nation"));
    let log = distcp(&s, &c, "alluxio:///wh/nation/", "/tmp/nation-copy");
    assert!(log.contains("through the Alluxio cache"), "{log}");
    for e in std::fs::read_dir(&nation).unwrap().flatten() {
        let copy = s.data_dir.join(format!("hdfs/{c}/tmp/nation-copy")).join(e.file_name());
        assert_eq!(std::fs::read(e.path()).unwrap(), std::fs::read(&copy).unwrap(), "{}", copy.display());
    }

    // Nothing writes to alluxio://.
    std::fs::write(s.data_dir.join("obs/scripts/copy.sql"), "COPY (SELECT 1 AS x) TO 'alluxio:///wh/x.csv';\n").unwrap();
    let (state, log, _) = run_job(&s, &c, "SparkScript", &["obs://scripts/copy.sql"]);
    assert_eq!(state, "FAILED");
    assert!(log.contains("COPY cannot write to alluxio://"), "{log}");
    let (state, log, _) = run_job(&s, &c, "DistCp", &["/tmp/nation-copy", "alluxio:///wh/nation2"]);
    assert_eq!(state, "FAILED");
    assert!(log.contains("cannot write to alluxio://"), "{log}");
    // A location outside every mount is refused when the table is created.
    std::fs::write(s.data_dir.join("obs/scripts/bad.sql"), "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION 'alluxio:///nowhere/t/';\n").unwrap();
    let (state, log, _) = run_job(&s, &c, "SparkScript", &["obs://scripts/bad.sql"]);
    assert_eq!(state, "FAILED");
    assert!(log.contains("not under any mount point"), "{log}");

    // Revalidation: data cached under the default (immutable) rules is served as cached even
    // after the UFS changes; under maxAge it is checked again once the age has passed.
    let v1 = vec![b'1'; 100_000];
    let v2 = vec![b'2'; 100_000];
    std::fs::create_dir_all(s.data_dir.join("obs/fresh")).unwrap();
    std::fs::write(s.data_dir.join("obs/fresh/f.txt"), &v1).unwrap();
    mount(&s, "/fresh", "obs://fresh");
    let copy = s.data_dir.join(format!("hdfs/{c}/tmp/f.txt"));
    distcp(&s, &c, "alluxio:///fresh/f.txt", "/tmp/f.txt");
    assert_eq!(std::fs::read(&copy).unwrap(), v1);
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(s.data_dir.join("obs/fresh/f.txt"), &v2).unwrap();
    distcp(&s, &c, "alluxio:///fresh/f.txt", "/tmp/f.txt");
    assert_eq!(std::fs::read(&copy).unwrap(), v1, "immutable: the cached bytes");
    for scope in ["data", "metadata"] {
        ok(&s, "POST", "/api/v1/cache-filter", Some(json!({"type": "maxAge", "scope": scope, "pattern": ".*/fresh/.*", "time": "300ms"})));
    }
    std::thread::sleep(Duration::from_millis(400));
    distcp(&s, &c, "alluxio:///fresh/f.txt", "/tmp/f.txt");
    assert_eq!(std::fs::read(&copy).unwrap(), v2, "maxAge: revalidated against the UFS");

    // skipCache: reads go to the UFS and admit nothing.
    ok(&s, "POST", "/api/v1/cache-filter", Some(json!({"type": "skipCache", "scope": "data", "pattern": ".*/fresh/skip/.*"})));
    std::fs::create_dir_all(s.data_dir.join("obs/fresh/skip")).unwrap();
    std::fs::write(s.data_dir.join("obs/fresh/skip/s.bin"), vec![7u8; 200_000]).unwrap();
    let (used, misses) = (total(&s, "usedBytes"), total(&s, "misses"));
    distcp(&s, &c, "alluxio:///fresh/skip/s.bin", "/tmp/s.bin");
    assert_eq!(std::fs::read(s.data_dir.join(format!("hdfs/{c}/tmp/s.bin"))).unwrap(), vec![7u8; 200_000]);
    assert_eq!(total(&s, "usedBytes"), used, "nothing admitted");
    assert!(total(&s, "misses") > misses);
}
