//! Bulk job records for the list benchmarks, written straight into a sandbox's `sandbox.db` in the
//! format engine/jobs.rs stores (its `JobRecord` JSON in `jobs.data`, mirrored here since the server
//! is a binary crate). Shared by the server benchmark and the console-render benchmark in
//! `crates/e2e` (included there by path).

use std::path::Path;

use serde_json::json;

const TYPES: [&str; 9] =
    ["SparkSql", "SparkSubmit", "SparkPython", "HiveSql", "HiveScript", "SparkScript", "DistCp", "MapReduce", "Flink"];
const NAMES: [&str; 6] = ["nightly_ETL", "etl-orders", "report", "adhoc_query", "Load_Lineitem", "ml_training"];
/// Final states only: a restart turns unfinished jobs into FAILED ones.
const ENDS: [(&str, &str); 4] = [("FINISHED", "SUCCEEDED"), ("FINISHED", "SUCCEEDED"), ("FAILED", "FAILED"), ("KILLED", "KILLED")];
/// Newest record's submission time; one record a minute going back.
pub const T0: i64 = 1_780_000_000_000;

fn hex_id(i: u64, salt: u64) -> String {
    let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    let y = x.rotate_left(29).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", x >> 32, x & 0xffff, y >> 52, (y >> 40) & 0xfff, y & 0xffff_ffff_ffff)
}

/// One record as engine/jobs.rs `insert_job` stores it.
pub fn insert_jobs(db: &Path, project: &str, cluster: &str, n: u64) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare("INSERT INTO jobs (job_id, project_id, cluster_id, state, submitted_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap();
        for i in 0..n {
            let seq = (n - i) as i64;
            let job_id = hex_id(i, 0x5eed);
            let job_type = TYPES[(i % 9) as usize];
            let (state, result) = ENDS[((i / 9) % 4) as usize];
            let name = format!("{}_{}", NAMES[((i / 7) % 6) as usize], i % 1000);
            // Several jobs share a millisecond now and then (the order then comes from seq).
            let submitted = T0 - (i as i64 / 2) * 60_000 - (i as i64 % 2);
            let started = submitted + 1_500;
            let finished = started + 10_000 + (i as i64 % 97) * 1_000;
            let queue = if i % 5 == 0 { "etl" } else { "default" };
            let record = json!({
                "job_id": job_id,
                "project_id": project,
                "cluster_id": cluster,
                "seq": seq,
                "user": "sandbox",
                "job_name": name,
                "job_type": job_type,
                "job_state": state,
                "job_result": result,
                "job_progress": if state == "FINISHED" { 100.0 } else { 42.5 },
                "arguments": ["select count(*) from lineitem"],
                "properties": if queue == "etl" { json!({"spark.yarn.queue": "etl"}) } else { json!({}) },
                "submitted_time": submitted,
                "started_time": started,
                "finished_time": finished,
                "launcher_id": format!("application_1700000000000_{:04}", seq * 2 - 1),
                "app_id": format!("application_1700000000000_{:04}", seq * 2),
                "queue": queue,
                "log_key": hex_id(i, 0x10c).replace('-', ""),
                "message": format!("Job {state} (bench record)."),
                "state_deadline_ms": submitted + 500,
            });
            stmt.execute(rusqlite::params![job_id, project, cluster, state, submitted, record.to_string()]).unwrap();
        }
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        [format!("jobseq:{cluster}"), n.to_string()],
    )
    .unwrap();
    tx.commit().unwrap();
}

