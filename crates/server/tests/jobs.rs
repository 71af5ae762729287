//! End-to-end tests of the job engine and the HDFS file list: real SQL on the seeded TPC-H
//! warehouse, DistCp, external programs, kill, scheduling, restart, RunJobFlow.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{analytics, cpu_ticks, create_body, env_credentials, temp_dir, Options, Server};

/// dbgen's lineitem row count at scale factor 0.01.
const LINEITEM_ROWS: &str = "60175";
const LIFECYCLE: [&str; 6] = ["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING", "FINISHED"];
/// Generous: the first server of a cold run generates the TPC-H cache while others wait for it.
const JOB_TIMEOUT: Duration = Duration::from_secs(90);

fn jobs(s: &Server, c: &str, rest: &str) -> String {
    s.v2(&format!("clusters/{c}/job-executions{rest}"))
}

fn submit(s: &Server, c: &str, body: Value) -> String {
    let r = s.api("POST", &jobs(s, c, ""), Some(&body));
    assert_eq!(r.status, 202, "{}", r.text());
    let v = r.json();
    assert_eq!(v["job_submit_result"]["state"], "COMPLETE");
    v["job_submit_result"]["job_id"].as_str().unwrap().to_string()
}

fn sql_job(s: &Server, c: &str, name: &str, sql: &str) -> String {
    submit(s, c, json!({"job_type": "SparkSql", "job_name": name, "arguments": [sql]}))
}

fn job(s: &Server, c: &str, id: &str) -> Value {
    let r = s.get(&jobs(s, c, &format!("/{id}")));
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()["job_detail"].clone()
}

/// Polls until the job ends; returns it and the states seen on the way.
fn wait_final(s: &Server, c: &str, id: &str) -> (Value, Vec<String>) {
    wait_job(s, c, id, |j| ["FINISHED", "FAILED", "KILLED"].contains(&j["job_state"].as_str().unwrap()))
}

fn wait_job(s: &Server, c: &str, id: &str, done: impl Fn(&Value) -> bool) -> (Value, Vec<String>) {
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let j = job(s, c, id);
        let state = j["job_state"].as_str().unwrap().to_string();
        if seen.last() != Some(&state) {
            seen.push(state);
        }
        if done(&j) {
            return (j, seen);
        }
        assert!(start.elapsed() < JOB_TIMEOUT, "job {id} timed out; states seen {seen:?}; log:\n{}", log_text(s, c, id));
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn sql_result(s: &Server, c: &str, id: &str) -> Value {
    let r = s.get(&jobs(s, c, &format!("/{id}/sql-result")));
    assert_eq!(r.status, 202, "{}", r.text());
    r.json()["sql_results"].clone()
}

/// The whole job log, read in follow mode through the console endpoint.
fn log_text(s: &Server, c: &str, id: &str) -> String {
    let mut out = String::new();
    let mut offset = 0;
    for _ in 0..1000 {
        let r = s.get(&jobs(s, c, &format!("/{id}/log?offset={offset}")));
        if r.status != 200 {
            return format!("<log unavailable: {}>", r.text());
        }
        let v = r.json();
        out.push_str(v["content"].as_str().unwrap());
        let next = v["next_offset"].as_u64().unwrap();
        if next == offset {
            break;
        }
        offset = next;
    }
    out
}


fn hdfs(s: &Server, c: &str, rel: &str) -> PathBuf {
    s.data_dir.join("hdfs").join(c).join(rel.trim_start_matches('/'))
}

fn is_subsequence(seen: &[String], of: &[&str]) -> bool {
    let mut it = of.iter();
    seen.iter().all(|s| it.any(|o| o == s))
}

/// A directory with fake `spark-submit` to put first on the server's PATH.
fn fake_spark(root: &Path) -> PathBuf {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("spark-submit");
    std::fs::write(
        &script,
        "#!/bin/sh\n\
         case \"$1\" in\n\
           hold) echo $$ > pid; exec sleep \"$2\" ;;\n\
           nap) sleep \"$2\"; echo napped ;;\n\
           fail) echo 'about to fail' >&2; exit 3 ;;\n\
         esac\n\
         echo \"fake spark-submit got: $*\"\n\
         echo 'a line on stderr' >&2\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn server_with_path(tag: &str, path: &str) -> (Server, PathBuf) {
    let root = temp_dir(tag);
    let mut env = env_credentials();
    env.push(("PATH", path.to_string()));
    let s = Server::start_with(&root, Options { env, step_ms: 50, ..Default::default() });
    (s, root)
}


// ---------------------------------------------------------------------------------------------
// SQL

#[test]
fn sql_jobs_run_on_the_tpch_warehouse() {
    let s = Server::start("sql");
    let c = analytics(&s);
    let mut body = json!({"job_type": "SparkSql", "job_name": "count_lineitem",
        "arguments": ["spark.sql.shuffle.partitions", "4", "SELECT count(*) AS n FROM lineitem"],
        "properties": {"spark.yarn.queue": "etl", "fs.obs.endpoint": "obs.local"}});
    let id = submit(&s, &c, body.clone());
    let (j, seen) = wait_final(&s, &c, &id);
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("FINISHED"), Some("SUCCEEDED")), "{j}");
    assert!(is_subsequence(&seen, &LIFECYCLE), "{seen:?}");
    assert_eq!(sql_result(&s, &c, &id), json!({"0": [{"n": LINEITEM_ROWS}]}));
    assert_eq!(j["arguments"], "[spark.sql.shuffle.partitions, 4, SELECT count(*) AS n FROM lineitem]");
    assert_eq!(j["properties"], "{fs.obs.endpoint=obs.local, spark.yarn.queue=etl}");
    assert_eq!((j["queue"].as_str(), j["user"].as_str(), j["job_type"].as_str()), (Some("etl"), Some("sandbox"), Some("SparkSql")));
    assert_eq!(j["job_progress"], 100.0);
    let (sub, start, fin) = (j["submitted_time"].as_i64().unwrap(), j["started_time"].as_i64().unwrap(), j["finished_time"].as_i64().unwrap());
    assert!(sub > 1_600_000_000_000 && sub <= start && start <= fin, "{j}");
    assert_eq!(j["elapsed_time"].as_i64().unwrap(), fin - start);
    for key in ["launcher_id", "app_id"] {
        let v = j[key].as_str().unwrap();
        let parts: Vec<&str> = v.split('_').collect();
        assert!(parts.len() == 3 && parts[0] == "application" && parts[1].len() == 13 && parts[2].len() == 4, "{key}: {v}");
    }
    assert_ne!(j["launcher_id"], j["app_id"]);
    let log = log_text(&s, &c, &id);
    assert!(log.contains("Statement 0: SELECT count(*)") && log.contains("Accepted by YARN") && log.contains("Configuration spark.sql.shuffle.partitions = 4"), "{log}");

    // CTAS writes a Parquet table a later job reads; INSERT appends to it.
    let ctas = sql_job(&s, &c, "ctas", "CREATE TABLE asia_nations AS SELECT n_nationkey, n_name FROM nation WHERE n_regionkey = 2");
    assert_eq!(wait_final(&s, &c, &ctas).0["job_state"], "FINISHED", "{}", log_text(&s, &c, &ctas));
    assert_eq!(sql_result(&s, &c, &ctas), json!({"0": [{"result": "succeed"}]}));
    assert!(hdfs(&s, &c, "/user/hive/warehouse/asia_nations/part-00000.parquet").is_file());
    let ins = sql_job(&s, &c, "insert", "INSERT INTO asia_nations SELECT 99 AS k, CAST(99 AS VARCHAR) AS n");
    assert_eq!(wait_final(&s, &c, &ins).0["job_state"], "FINISHED", "{}", log_text(&s, &c, &ins));
    let read = sql_job(&s, &c, "read_back", "SELECT count(*) AS n, min(n_name) AS first FROM asia_nations");
    assert_eq!(wait_final(&s, &c, &read).0["job_state"], "FINISHED", "{}", log_text(&s, &c, &read));
    assert_eq!(sql_result(&s, &c, &read), json!({"0": [{"n": "6", "first": "99"}]}), "5 Asian nations + the inserted row");
    // Creating it again fails with the engine's message.
    let again = sql_job(&s, &c, "ctas_again", "CREATE TABLE asia_nations AS SELECT 1 AS x");
    let (j, _) = wait_final(&s, &c, &again);
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("FAILED"), Some("FAILED")));
    assert!(log_text(&s, &c, &again).contains("already exists"));

    // A script with quotes, comments and semicolons, from HDFS; results keyed by statement.
    std::fs::write(
        hdfs(&s, &c, "/tmp/demo/queries/mixed.sql"),
        "-- header; comment\nSELECT 'a;b' AS t, 'it''s' AS u;\n/* block; */ SELECT n_name FROM nation WHERE n_nationkey < 2 ORDER BY n_nationkey;\nCREATE TABLE IF NOT EXISTS asia_nations AS SELECT 1 AS x; -- trailing\n",
    )
    .unwrap();
    let script = submit(&s, &c, json!({"job_type": "SparkScript", "job_name": "mixed", "arguments": ["hdfs:///tmp/demo/queries/mixed.sql"]}));
    assert_eq!(wait_final(&s, &c, &script).0["job_state"], "FINISHED", "{}", log_text(&s, &c, &script));
    assert_eq!(
        sql_result(&s, &c, &script),
        json!({"0": [{"t": "a;b", "u": "it's"}], "1": [{"n_name": "ALGERIA"}, {"n_name": "ARGENTINA"}], "2": [{"result": "succeed"}]})
    );
    // The demo script from the shared OBS bucket, as a HiveScript: runs, but Hive jobs have no SQL result (0179).
    let hive = submit(&s, &c, json!({"job_type": "HiveScript", "job_name": "hive_demo", "arguments": ["obs://lakedeck-demo/scripts/revenue_by_nation.sql"]}));
    assert_eq!(wait_final(&s, &c, &hive).0["job_state"], "FINISHED", "{}", log_text(&s, &c, &hive));
    assert!(log_text(&s, &c, &hive).contains("Statement 1 succeeded"), "{}", log_text(&s, &c, &hive));
    s.get(&jobs(&s, &c, &format!("/{hive}/sql-result"))).assert_error(400, "0179");

    // Engine errors fail the job with DataFusion's message; there is no result (0181).
    let bad = sql_job(&s, &c, "bad_column", "SELECT no_such_column FROM lineitem");
    let (j, _) = wait_final(&s, &c, &bad);
    assert_eq!(j["job_result"], "FAILED");
    assert!(log_text(&s, &c, &bad).contains("no_such_column"), "{}", log_text(&s, &c, &bad));
    s.get(&jobs(&s, &c, &format!("/{bad}/sql-result"))).assert_error(400, "0181");
    let missing = submit(&s, &c, json!({"job_type": "HiveScript", "job_name": "missing", "arguments": ["obs://nobucket/x.sql"]}));
    assert_eq!(wait_final(&s, &c, &missing).0["job_state"], "FAILED");

    // Results keep at most 1000 rows per statement, and say so.
    body["arguments"] = json!(["SELECT l_orderkey FROM lineitem"]);
    let many = submit(&s, &c, body);
    wait_final(&s, &c, &many);
    assert_eq!(sql_result(&s, &c, &many)["0"].as_array().unwrap().len(), 1000);
    assert!(log_text(&s, &c, &many).contains("60175 rows; the first 1000 are kept"));
}

#[test]
fn kill_stops_a_long_query_quickly() {
    let s = Server::start("kill");
    let c = analytics(&s);
    let id = sql_job(&s, &c, "cross_join", "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b");
    wait_job(&s, &c, &id, |j| j["job_state"] == "RUNNING" && j["elapsed_time"].as_i64().unwrap() > 300);
    let t = Instant::now();
    let r = s.api("POST", &jobs(&s, &c, &format!("/{id}/kill")), None);
    assert_eq!((r.status, r.body.len()), (202, 0), "{}", r.text());
    let j = job(&s, &c, &id);
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("KILLED"), Some("KILLED")));
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(j["finished_time"].as_i64().unwrap() > 0);
    // The work really stopped: the server goes quiet (a running cross join keeps a core busy).
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(s.pid());
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(s.pid()) - before;
    assert!(used < 50, "the server used {used} ticks of CPU in the second after the kill");
    s.api("POST", &jobs(&s, &c, &format!("/{id}/kill")), None).assert_error(400, "0175");
    assert!(log_text(&s, &c, &id).contains("killed at the user's request"));
    // A queued job can be killed too.
    let q = sql_job(&s, &c, "queued", "SELECT 1");
    s.api("POST", &jobs(&s, &c, &format!("/{q}/kill")), None);
    assert_eq!(job(&s, &c, &q)["job_state"], "KILLED");
    s.api("POST", &jobs(&s, &c, "/no-such-job/kill"), None).assert_error(400, "0176");
}

// ---------------------------------------------------------------------------------------------
// DistCp

#[test]
fn distcp_copies_between_hdfs_and_obs() {
    let s = Server::start("distcp");
    let c = analytics(&s);
    let there = submit(&s, &c, json!({"job_type": "DistCp", "job_name": "to_obs", "arguments": ["/user/hive/warehouse/orders", "obs://backup/orders"]}));
    let (j, _) = wait_final(&s, &c, &there);
    assert_eq!((j["job_state"].as_str(), j["job_progress"].as_f64()), (Some("FINISHED"), Some(100.0)), "{}", log_text(&s, &c, &there));
    let original = std::fs::read(hdfs(&s, &c, "/user/hive/warehouse/orders/part-00000.parquet")).unwrap();
    let in_obs = std::fs::read(s.data_dir.join("obs/backup/orders/part-00000.parquet")).unwrap();
    assert!(original.len() > 100_000);
    assert_eq!(original, in_obs);
    assert!(log_text(&s, &c, &there).contains(&format!("{} bytes", original.len())));

    // And back into an existing directory: the source lands under its own name.
    let back = submit(&s, &c, json!({"job_type": "DistCp", "job_name": "from_obs", "arguments": ["obs://backup/orders", "hdfs://nn:8020/tmp"]}));
    assert_eq!(wait_final(&s, &c, &back).0["job_state"], "FINISHED");
    assert_eq!(std::fs::read(hdfs(&s, &c, "/tmp/orders/part-00000.parquet")).unwrap(), original);

    // The copy is a table once it is in the warehouse.
    let copy = submit(&s, &c, json!({"job_type": "DistCp", "job_name": "as_table", "arguments": ["/tmp/orders", "/user/hive/warehouse/orders_copy"]}));
    wait_final(&s, &c, &copy);
    let count = sql_job(&s, &c, "count_copy", "SELECT count(*) AS n FROM orders_copy");
    wait_final(&s, &c, &count);
    assert_eq!(sql_result(&s, &c, &count), json!({"0": [{"n": "15000"}]}));

    let missing = submit(&s, &c, json!({"job_type": "DistCp", "job_name": "missing", "arguments": ["/nope", "obs://backup/x"]}));
    assert_eq!(wait_final(&s, &c, &missing).0["job_state"], "FAILED");
    assert!(log_text(&s, &c, &missing).contains("/nope does not exist"));
    let escape = submit(&s, &c, json!({"job_type": "DistCp", "job_name": "escape", "arguments": ["/tmp/../../../etc", "obs://backup/etc"]}));
    assert_eq!(wait_final(&s, &c, &escape).0["job_state"], "FAILED");
    assert!(!s.data_dir.join("obs/backup/etc").exists());
    s.get(&jobs(&s, &c, &format!("/{there}/sql-result"))).assert_error(400, "0179");
}

// ---------------------------------------------------------------------------------------------
// External programs, scheduling

#[test]
fn programs_need_their_tool_on_the_path() {
    let (s, root) = server_with_path("noprog", "/usr/bin:/bin");
    let c = analytics(&s);
    let id = submit(&s, &c, json!({"job_type": "SparkPython", "job_name": "py", "arguments": ["obs://b/app.py"]}));
    let (j, _) = wait_final(&s, &c, &id);
    assert_eq!((j["job_state"].as_str(), j["job_type"].as_str()), (Some("FAILED"), Some("SparkSubmit")));
    let log = log_text(&s, &c, &id);
    assert!(log.contains("spark-submit is not on the sandbox's PATH") && log.contains("pip install pyspark"), "{log}");
    let mr = submit(&s, &c, json!({"job_type": "MapReduce", "job_name": "mr", "arguments": ["obs://b/x.jar", "Main"]}));
    wait_final(&s, &c, &mr);
    assert!(log_text(&s, &c, &mr).contains("hadoop is not on the sandbox's PATH"));
    let fl = submit(&s, &c, json!({"job_type": "Flink", "job_name": "fl", "arguments": ["obs://b/x.jar"]}));
    wait_final(&s, &c, &fl);
    assert!(log_text(&s, &c, &fl).contains("flink is not on the sandbox's PATH"));
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn spark_submit_runs_is_logged_and_killed() {
    let tmp = temp_dir("fakebin");
    let bin = fake_spark(&tmp);
    let (s, root) = server_with_path("prog", &format!("{}:/usr/bin:/bin", bin.display()));
    let c = analytics(&s);
    let id = submit(&s, &c, json!({"job_type": "SparkSubmit", "job_name": "echo",
        "arguments": ["--class", "Main", "obs://lakedeck-demo/scripts/revenue_by_nation.sql", "x"],
        "properties": {"spark.executor.memory": "1g"}}));
    let (j, _) = wait_final(&s, &c, &id);
    assert_eq!(j["job_state"], "FINISHED", "{}", log_text(&s, &c, &id));
    let obs = s.data_dir.join("obs/lakedeck-demo/scripts/revenue_by_nation.sql");
    let expected = format!("fake spark-submit got: --conf spark.executor.memory=1g --class Main {} x", obs.display());
    let log = log_text(&s, &c, &id);
    assert!(log.contains(&expected) && log.contains("a line on stderr"), "{log}");
    let dir = s.data_dir.join("jobs").join(&id);
    assert!(std::fs::read_to_string(dir.join("stdout.log")).unwrap().contains(&expected));
    assert_eq!(std::fs::read_to_string(dir.join("stderr.log")).unwrap(), "a line on stderr\n");

    let fail = submit(&s, &c, json!({"job_type": "SparkSubmit", "job_name": "fail", "arguments": ["fail"]}));
    assert_eq!(wait_final(&s, &c, &fail).0["job_result"], "FAILED");
    assert!(log_text(&s, &c, &fail).contains("exited with exit status: 3"), "{}", log_text(&s, &c, &fail));

    // A sleeping program is killed with its process group.
    let hold = submit(&s, &c, json!({"job_type": "SparkSubmit", "job_name": "hold", "arguments": ["hold", "30"]}));
    let pid_file = s.data_dir.join("jobs").join(&hold).join("pid");
    // The fake creates the file before it writes its pid into it: wait for a whole number.
    let read_pid = || std::fs::read_to_string(&pid_file).ok().and_then(|t| t.trim().parse::<u32>().ok());
    wait_job(&s, &c, &hold, |_| read_pid().is_some());
    let pid = read_pid().unwrap();
    let t = Instant::now();
    assert_eq!(s.api("POST", &jobs(&s, &c, &format!("/{hold}/kill")), None).status, 202);
    assert_eq!(job(&s, &c, &hold)["job_state"], "KILLED");
    loop {
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| !st.contains(") Z "));
        if !alive {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(3), "the program {pid} survived the kill");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
    std::fs::remove_dir_all(tmp).unwrap();
}

#[test]
fn slots_follow_core_and_task_nodes_and_scaling_drains_the_queue() {
    let tmp = temp_dir("slotbin");
    let bin = fake_spark(&tmp);
    let (s, root) = server_with_path("slots", &format!("{}:/usr/bin:/bin", bin.display()));
    let mut body = create_body("one-core");
    body["node_groups"] = json!([body["node_groups"][0], body["node_groups"][1]]);
    body["node_groups"][1]["node_num"] = json!(1);
    let r = s.api("POST", &s.v2("clusters"), Some(&body));
    let c = r.json()["cluster_id"].as_str().unwrap().to_string();
    s.wait_for(&c, "running", |c| c["clusterState"] == "running");

    let ids: Vec<String> = (0..4)
        .map(|i| submit(&s, &c, json!({"job_type": "SparkSubmit", "job_name": format!("nap{i}"), "arguments": ["nap", "1"]})))
        .collect();
    let count = |state: &str| ids.iter().filter(|id| job(&s, &c, id)["job_state"] == state).count();
    // One slot: one runs, the rest wait in ACCEPTED.
    let t = Instant::now();
    while count("RUNNING") == 0 {
        assert!(t.elapsed() < JOB_TIMEOUT);
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut max_running = 0;
    let t = Instant::now();
    while t.elapsed() < Duration::from_millis(600) {
        max_running = max_running.max(count("RUNNING"));
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(max_running, 1);
    assert!(count("ACCEPTED") >= 2);
    let log = log_text(&s, &c, &ids[3]);
    assert!(log.contains("waiting for a free slot (1 on this cluster"), "{log}");

    // Three more Core nodes: the queue drains in parallel.
    let r = s.api("POST", &s.v2(&format!("clusters/{c}/expand")), Some(&json!({"node_group_name": "core_node_analysis_group", "count": 3})));
    assert_eq!(r.status, 200, "{}", r.text());
    let t = Instant::now();
    let mut max_running = 0;
    while ids.iter().any(|id| job(&s, &c, id)["job_state"] != "FINISHED") {
        max_running = max_running.max(count("RUNNING"));
        assert!(t.elapsed() < JOB_TIMEOUT, "queue never drained");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(max_running >= 2, "after scaling out, jobs ran {max_running} at a time");
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
    std::fs::remove_dir_all(tmp).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Create rules, list, delete

#[test]
fn create_rules_and_limits() {
    let s = Server::start_frozen("rules");
    let c = analytics(&s);
    let post = |body: Value| s.api("POST", &jobs(&s, &c, ""), Some(&body));
    let m = post(json!({"job_type": "SparkSql", "job_name": "x", "arguments": ["SELECT 1; SELECT 2"]})).assert_error(400, "MRS.0002");
    assert!(m.contains("arguments[0]") && m.contains("';'"), "{m}");
    let m = post(json!({"job_type": "SparkSql", "job_name": "bad name", "arguments": ["SELECT 1"]})).assert_error(400, "MRS.0002");
    assert!(m.starts_with("job_name"), "{m}");
    post(json!({"job_type": "Pig", "job_name": "x", "arguments": ["a"]})).assert_error(400, "MRS.0002");
    post(json!({"job_type": "SparkSubmit", "job_name": "x", "arguments": ["a"], "properties": {"k": "a|b"}})).assert_error(400, "MRS.0002");
    post(json!({"job_type": "DistCp", "job_name": "x", "arguments": ["/a"]})).assert_error(400, "MRS.0002");
    let r = s.request("POST", &jobs(&s, &c, ""), &[("X-Auth-Token", &s.token)], Some(b"{not json"));
    r.assert_error(400, "MRS.0002");
    let abnormal = s.id_of("warehouse-abnormal");
    let m = s.api("POST", &jobs(&s, &abnormal, ""), Some(&json!({"job_type": "SparkSql", "job_name": "x", "arguments": ["SELECT 1"]})))
        .assert_error(400, "12000062");
    assert!(m.contains("abnormal"), "{m}");
    s.api("POST", &jobs(&s, "no-such-cluster", ""), Some(&json!({"job_type": "SparkSql", "job_name": "x", "arguments": ["SELECT 1"]})))
        .assert_error(400, "12000003");
    s.get(&jobs(&s, "no-such-cluster", "")).assert_error(400, "12000003");

    // Jobs stay NEW on a frozen sandbox: the eleventh unfinished one is refused.
    for i in 0..10 {
        submit(&s, &c, json!({"job_type": "SparkSql", "job_name": format!("j{i}"), "arguments": ["SELECT 1"]}));
    }
    post(json!({"job_type": "SparkSql", "job_name": "eleventh", "arguments": ["SELECT 1"]})).assert_error(400, "0177");
    // Another cluster has its own limit.
    submit(&s, &s.id_of("streaming-dev"), json!({"job_type": "SparkSql", "job_name": "k", "arguments": ["SELECT 1"]}));
}

#[test]
fn list_filters_sorting_paging_and_batch_delete() {
    let (s, root) = server_with_path("list", "/usr/bin:/bin");
    let c = analytics(&s);
    let specs = [
        json!({"job_type": "SparkSql", "job_name": "alpha_count", "arguments": ["SELECT count(*) FROM nation"], "properties": {"spark.yarn.queue": "etl"}}),
        json!({"job_type": "SparkPython", "job_name": "beta_py", "arguments": ["app.py"]}),
        json!({"job_type": "HiveSql", "job_name": "gamma_hive", "arguments": ["SELECT 1"]}),
        json!({"job_type": "DistCp", "job_name": "delta_copy", "arguments": ["/tmp/demo", "/tmp/demo_copy"]}),
        json!({"job_type": "SparkSql", "job_name": "Alpha_Two", "arguments": ["SELECT 2"]}),
    ];
    let mut ids = Vec::new();
    for spec in specs {
        ids.push(submit(&s, &c, spec));
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut times = Vec::new();
    for id in &ids {
        times.push(wait_final(&s, &c, id).0["submitted_time"].as_i64().unwrap());
    }
    let names = |q: &str| -> Vec<String> {
        let r = s.get(&jobs(&s, &c, &format!("?{q}")));
        assert_eq!(r.status, 202, "{q}: {}", r.text());
        r.json()["job_list"].as_array().unwrap().iter().map(|j| j["job_name"].as_str().unwrap().to_string()).collect()
    };
    let total = |q: &str| s.get(&jobs(&s, &c, &format!("?{q}"))).json()["total_record"].as_i64().unwrap();
    assert_eq!(names(""), ["Alpha_Two", "delta_copy", "gamma_hive", "beta_py", "alpha_count"], "newest first by default");
    assert_eq!(names("sort_by=asc"), ["alpha_count", "beta_py", "gamma_hive", "delta_copy", "Alpha_Two"]);
    assert_eq!(names("sort_by=desc&limit=2"), ["Alpha_Two", "delta_copy"]);
    assert_eq!(names("sort_by=asc&limit=2&offset=2"), ["gamma_hive", "delta_copy"], "offset is a page number");
    assert_eq!(names("sort_by=asc&limit=2&offset=3"), ["Alpha_Two"]);
    assert_eq!(names("limit=2&offset=9"), Vec::<String>::new());
    assert_eq!(total("limit=2&offset=9"), 5, "total ignores paging");
    assert_eq!(names("job_name=alpha&sort_by=asc"), ["alpha_count", "Alpha_Two"], "case-insensitive substring");
    assert_eq!(names(&format!("job_id={}", ids[2])), ["gamma_hive"]);
    assert_eq!(names("user=sandbox").len(), 5);
    assert_eq!(names("user=someone"), Vec::<String>::new());
    assert_eq!(names("job_type=SparkSubmit"), ["beta_py"], "SparkPython is listed as SparkSubmit");
    assert_eq!(names("job_type=SparkPython"), ["beta_py"]);
    assert_eq!(names("job_type=SparkSql&sort_by=asc"), ["alpha_count", "Alpha_Two"]);
    assert_eq!(names("job_state=FAILED"), ["beta_py"]);
    assert_eq!(names("job_result=SUCCEEDED").len(), 4);
    assert_eq!(names("queue=etl"), ["alpha_count"]);
    assert_eq!(names("queue=default").len(), 4);
    assert_eq!(names(&format!("submitted_time_begin={}&sort_by=asc", times[3])), ["delta_copy", "Alpha_Two"]);
    assert_eq!(names(&format!("submitted_time_end={}&sort_by=asc", times[1])), ["alpha_count", "beta_py"]);
    assert_eq!(names(&format!("submitted_time_begin={}&submitted_time_end={}", times[2], times[2])), ["gamma_hive"]);
    let listed = &s.get(&jobs(&s, &c, "?job_type=SparkSubmit")).json()["job_list"][0];
    assert_eq!((listed["job_type"].as_str(), listed["arguments"].as_str()), (Some("SparkSubmit"), Some("[app.py]")));
    for bad in ["limit=0", "offset=0", "limit=x", "sort_by=up", "job_type=Pig", "job_state=DONE", "job_result=OK",
                "user=1abc", "job_id=a_b", "submitted_time_begin=-1", "submitted_time_begin=5&submitted_time_end=4"] {
        s.get(&jobs(&s, &c, &format!("?{bad}"))).assert_error(400, "MRS.0002");
    }
    s.get(&jobs(&s, &c, "/4b6b0a4c-5e1a-4c0b-8d6d-9f2f7c1e2a3b")).assert_error(400, "0176");
    // Another cluster's job is not found here.
    s.get(&jobs(&s, &s.id_of("streaming-dev"), &format!("/{}", ids[0]))).assert_error(400, "0176");

    // Batch delete: unknown ids and unfinished jobs refuse the whole batch.
    let del = |list: Value| s.api("POST", &jobs(&s, &c, "/batch-delete"), Some(&json!({"job_id_list": list})));
    del(json!([ids[0], "4b6b0a4c-5e1a-4c0b-8d6d-9f2f7c1e2a3b"])).assert_error(400, "0176");
    del(json!([])).assert_error(400, "MRS.0002");
    let long = sql_job(&s, &c, "long", "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b");
    del(json!([ids[0], long])).assert_error(400, "0183");
    assert_eq!(total(""), 6);
    s.api("POST", &jobs(&s, &c, &format!("/{long}/kill")), None);
    let r = del(json!([ids[0], ids[1], long]));
    assert_eq!((r.status, r.body.len()), (202, 0), "{}", r.text());
    assert_eq!(names("sort_by=asc"), ["gamma_hive", "delta_copy", "Alpha_Two"]);
    s.get(&jobs(&s, &c, &format!("/{}", ids[0]))).assert_error(400, "0176");
    assert!(!s.data_dir.join("jobs").join(&ids[0]).exists());
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Logs, restart

#[test]
fn tracking_url_serves_the_log_with_its_key() {
    let s = Server::start("tracking");
    let c = analytics(&s);
    let id = sql_job(&s, &c, "tracked", "SELECT count(*) AS n FROM region");
    let (j, _) = wait_final(&s, &c, &id);
    let url = j["tracking_url"].as_str().unwrap();
    let path = url.strip_prefix(&format!("http://{}", s.addr)).unwrap_or_else(|| panic!("{url} is not on this server"));
    assert!(path.starts_with(&format!("/sandbox/clusters/{c}/jobs/{id}/log?key=")), "{path}");
    // No token needed: the key in the URL is the credential.
    let r = s.request("GET", path, &[], None);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    let text = r.text();
    assert!(text.contains(&id) && text.contains("State: FINISHED / SUCCEEDED") && text.contains("Statement 0: SELECT count(*) AS n FROM region"), "{text}");
    let wrong = path.rsplit_once('=').unwrap().0.to_string() + "=00000000000000000000000000000000";
    assert_eq!(s.request("GET", &wrong, &[], None).status, 404);
    let no_key = path.split('?').next().unwrap();
    assert_eq!(s.request("GET", no_key, &[], None).status, 404);

    // The console's follow endpoint: offsets, then an empty read marked complete.
    let first = s.get(&jobs(&s, &c, &format!("/{id}/log"))).json();
    let next = first["next_offset"].as_u64().unwrap();
    assert_eq!(first["offset"], 0);
    assert!(first["content"].as_str().unwrap().contains("Job finished") && next > 0);
    let rest = s.get(&jobs(&s, &c, &format!("/{id}/log?offset={next}"))).json();
    assert_eq!((rest["content"].as_str(), rest["complete"].as_bool(), rest["next_offset"].as_u64()), (Some(""), Some(true), Some(next)));
    let mid = s.get(&jobs(&s, &c, &format!("/{id}/log?offset=10"))).json();
    assert_eq!(mid["content"].as_str().unwrap(), &first["content"].as_str().unwrap()[10..]);
    s.get(&jobs(&s, &c, &format!("/{id}/log?offset=-1"))).assert_error(400, "MRS.0002");
    // Without credentials the API endpoint is refused.
    s.request("GET", &jobs(&s, &c, &format!("/{id}/log")), &[], None).assert_error(401, "12000001");
}

#[test]
fn restart_fails_unfinished_jobs_and_keeps_every_record() {
    let root = temp_dir("restart");
    let opts = || Options { env: env_credentials(), step_ms: 50, ..Default::default() };
    let s = Server::start_with(&root, opts());
    let c = analytics(&s);
    let done = sql_job(&s, &c, "done", "SELECT count(*) AS n FROM nation");
    let (before, _) = wait_final(&s, &c, &done);
    let long = sql_job(&s, &c, "long", "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b");
    wait_job(&s, &c, &long, |j| j["job_state"] == "RUNNING");
    drop(s);

    let s = Server::start_with(&root, opts());
    let without_url = |mut j: Value| {
        // The port, and so the tracking URL's host, changes with the restart.
        j["tracking_url"] = Value::Null;
        j
    };
    assert_eq!(without_url(job(&s, &c, &done)), without_url(before), "finished records survive unchanged");
    assert_eq!(sql_result(&s, &c, &done), json!({"0": [{"n": "25"}]}));
    let j = job(&s, &c, &long);
    assert_eq!((j["job_state"].as_str(), j["job_result"].as_str()), (Some("FAILED"), Some("FAILED")));
    assert!(j["finished_time"].as_i64().unwrap() > 0);
    assert!(log_text(&s, &c, &long).contains("The sandbox restarted while this job was RUNNING"), "{}", log_text(&s, &c, &long));
    // The restarted sandbox runs new jobs as usual.
    let again = sql_job(&s, &c, "again", "SELECT count(*) AS n FROM region");
    assert_eq!(wait_final(&s, &c, &again).0["job_state"], "FINISHED");
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

// ---------------------------------------------------------------------------------------------
// RunJobFlow

#[test]
fn run_job_flow_runs_its_steps_then_deletes_the_cluster() {
    let s = Server::start("flow");
    let before = s.clusters("pageSize=100")["clusterTotal"].as_i64().unwrap();
    let mut bad = create_body("flow-bad");
    bad["steps"] = json!([{"job_execution": {"job_type": "SparkSql", "job_name": "x", "arguments": ["SELECT 1 | 2"]}}]);
    let m = s.api("POST", &s.v2("run-job-flow"), Some(&bad)).assert_error(400, "MRS.0002");
    assert!(m.starts_with("steps[0].job_execution.arguments[0]"), "{m}");
    let mut no_steps = create_body("flow-none");
    no_steps["steps"] = Value::Null;
    s.api("POST", &s.v2("run-job-flow"), Some(&no_steps)).assert_error(400, "MRS.0002");
    let mut invalid_cluster = create_body("flow bad name");
    invalid_cluster["steps"] = json!([]);
    s.api("POST", &s.v2("run-job-flow"), Some(&invalid_cluster)).assert_error(400, "MRS.0002");
    assert_eq!(s.clusters("pageSize=100")["clusterTotal"].as_i64().unwrap(), before, "nothing created");

    let mut body = create_body("flow-ok");
    body["delete_when_no_steps"] = json!(true);
    body["steps"] = json!([
        {"job_execution": {"job_type": "SparkSql", "job_name": "step_count", "arguments": ["SELECT count(*) AS n FROM customer"]}},
        {"job_execution": {"job_type": "DistCp", "job_name": "step_copy", "arguments": ["/tmp/demo/nation.csv", "obs://flow-out/nation.csv"]}}
    ]);
    let r = s.api("POST", &s.v2("run-job-flow"), Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json()["cluster_id"].as_str().unwrap().to_string();
    let (_, seen) = s.wait_for(&c, "terminated", |c| c["clusterState"] == "terminated");
    let states: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert!(states.contains(&"running") && states.contains(&"terminating"), "{states:?}");
    // The cluster is gone but its jobs stay readable.
    let list = s.get(&jobs(&s, &c, "?sort_by=asc"));
    assert_eq!(list.status, 202);
    let list = list.json();
    let got: Vec<(&str, &str)> = list["job_list"].as_array().unwrap().iter().map(|j| (j["job_name"].as_str().unwrap(), j["job_state"].as_str().unwrap())).collect();
    assert_eq!(got, [("step_count", "FINISHED"), ("step_copy", "FINISHED")]);
    let first = list["job_list"][0]["job_id"].as_str().unwrap();
    assert_eq!(sql_result(&s, &c, first), json!({"0": [{"n": "1500"}]}));
    assert!(std::fs::read_to_string(s.data_dir.join("obs/flow-out/nation.csv")).unwrap().contains("ALGERIA"));
    s.api("POST", &jobs(&s, &c, ""), Some(&json!({"job_type": "SparkSql", "job_name": "late", "arguments": ["SELECT 1"]})))
        .assert_error(400, "12000062");
    // Its HDFS went with it.
    let t = Instant::now();
    while s.data_dir.join("hdfs").join(&c).exists() {
        assert!(t.elapsed() < Duration::from_secs(5), "HDFS of the terminated cluster was kept");
        std::thread::sleep(Duration::from_millis(20));
    }
    s.get(&s.v2(&format!("clusters/{c}/files?path=%2F"))).assert_error(404, "12000057");
}

// ---------------------------------------------------------------------------------------------
// ShowHdfsFileList

#[test]
fn hdfs_file_list_pages_sorts_and_checks_paths() {
    let s = Server::start("files");
    let c = analytics(&s);
    let files = |q: &str| {
        let r = s.get(&s.v2(&format!("clusters/{c}/files?{q}")));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        r.json()
    };
    let names = |q: &str| -> Vec<String> {
        files(q)["files"].as_array().unwrap().iter().map(|f| f["path_suffix"].as_str().unwrap().to_string()).collect()
    };
    let t = Instant::now();
    while !hdfs(&s, &c, "/user/hive/warehouse/supplier/part-00000.parquet").exists() || !hdfs(&s, &c, "/tmp/demo/README.txt").exists() {
        assert!(t.elapsed() < JOB_TIMEOUT, "the warehouse was never seeded");
        std::thread::sleep(Duration::from_millis(20));
    }
    let all = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"];
    assert_eq!(names("path=%2Fuser%2Fhive%2Fwarehouse"), all, "path_suffix, ascending by default");
    assert_eq!(files("path=/user/hive/warehouse/")["total_count"], 8);
    assert_eq!(names("path=/user/hive/warehouse&order=desc")[0], "supplier");
    assert_eq!(names("path=/user/hive/warehouse&limit=3&offset=2"), ["orders", "part", "partsupp"], "offset is a page number");
    let page = files("path=/user/hive/warehouse&limit=3&offset=3");
    assert_eq!((page["total_count"].as_i64(), page["files"].as_array().unwrap().len()), (Some(8), 2));
    assert_eq!(names("path=/user/hive/warehouse&limit=3&offset=4"), Vec::<String>::new());
    assert_eq!(names("path=/"), ["tmp", "user"]);

    let dir = &files("path=/user/hive/warehouse&limit=1")["files"][0];
    assert_eq!(dir["type"], "DIRECTORY");
    assert_eq!((dir["children_num"].as_i64(), dir["length"].as_i64(), dir["owner"].as_str()), (Some(1), Some(0), Some("hive")));
    let f = &files("path=/user/hive/warehouse/lineitem")["files"][0];
    assert_eq!((f["path_suffix"].as_str(), f["type"].as_str(), f["group"].as_str()), (Some("part-00000.parquet"), Some("FILE"), Some("hadoop")));
    assert!(f["length"].as_i64().unwrap() > 1_000_000);
    assert_eq!((f["replication"].as_i64(), f["block_size"].as_i64()), (Some(3), Some(134_217_728)));
    assert!(f["permission"].as_str().unwrap().chars().all(|ch| ('0'..='7').contains(&ch)), "{f}");
    assert!(f["modification_time"].as_i64().unwrap() > 1_600_000_000_000);

    // Sorting by size and time on /tmp/demo (the sizes differ).
    std::fs::write(hdfs(&s, &c, "/tmp/demo/zz_newest.txt"), "z").unwrap();
    let by_len = files("path=/tmp/demo&sort_key=length");
    let lens: Vec<i64> = by_len["files"].as_array().unwrap().iter().map(|f| f["length"].as_i64().unwrap()).collect();
    assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{lens:?}");
    let by_len_desc = files("path=/tmp/demo&sort_key=length&order=desc");
    assert_eq!(by_len_desc["files"][0]["path_suffix"], "nation.csv");
    let by_time: Vec<i64> = files("path=/tmp/demo&sort_key=modification_time&order=desc")["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["modification_time"].as_i64().unwrap())
        .collect();
    assert!(by_time.windows(2).all(|w| w[0] >= w[1]), "{by_time:?}");
    assert_eq!(names("path=/tmp/demo&sort_key=modification_time&order=desc")[0], "zz_newest.txt");
    assert_eq!(names("path=/tmp/demo/nation.csv"), ["nation.csv"], "a file lists itself");

    s.get(&s.v2(&format!("clusters/{c}/files?path=/no/such/dir"))).assert_error(404, "12000057");
    for bad in ["", "path=tmp", "path=/tmp//demo", "path=/tmp/../etc", "path=/a:b", "path=/.hidden", "path=/tmp%3Bx",
                "path=/tmp&limit=0", "path=/tmp&limit=1001", "path=/tmp&offset=0", "path=/tmp&sort_key=name", "path=/tmp&order=up"] {
        s.get(&s.v2(&format!("clusters/{c}/files?{bad}"))).assert_error(400, "MRS.0002");
    }
    assert_eq!(files("path=/user/hive/warehouse&limit=1000")["files"].as_array().unwrap().len(), 8);
    s.get(&s.v2("clusters/nope/files?path=/")).assert_error(400, "12000003");
}
