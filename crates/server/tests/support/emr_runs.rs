//! Bulk Serverless Spark job runs for the ListJobRuns benchmarks, written straight into a sandbox's
//! `sandbox.db` in the format engine/emr_spark.rs stores (its `RunRecord` JSON in `emr_runs.data`,
//! the filter columns, tags and settings in `emr_run_attrs`; mirrored here since the server is a
//! binary crate). Shared by the server benchmark and the console-render benchmark in `crates/e2e`
//! (included there by path).

use std::path::Path;

use serde_json::json;

/// Newest run's submission time; one run every 30 s going back.
pub const T0: i64 = 1_780_000_000_000;
const STATES: [&str; 5] = ["Success", "Success", "Success", "Failed", "Cancelled"];
const NAMES: [&str; 5] = ["nightly-etl", "orders-rollup", "report", "adhoc-query", "ml-training"];
const QUEUES: [&str; 2] = ["root_queue", "dev_queue"];

pub fn insert_runs(db: &Path, ws: &str, n: u64) {
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
