//! End-to-end tests of the V2 SQL-execution API (ExecuteSql, ShowSqlResult, CancelSql) and the
//! sandbox's paged result read, on the seeded TPC-H warehouse.

mod support;

use std::time::{Duration, Instant};

use lakedeck_api::mrs_sql::csv_record;
use serde_json::{json, Value};
use support::{analytics, cpu_ticks, env_credentials, temp_dir, Options, Server};

/// dbgen's lineitem row count at scale factor 0.01.
const LINEITEM_ROWS: &str = "60175";
/// Generous: the first server of a cold run generates the TPC-H cache while others wait for it.
const TIMEOUT: Duration = Duration::from_secs(90);
const CROSS_JOIN: &str = "SELECT sum(a.l_quantity * b.l_quantity) AS s FROM lineitem a CROSS JOIN lineitem b";

fn path(s: &Server, c: &str, rest: &str) -> String {
    s.v2(&format!("clusters/{c}/sql-execution{rest}"))
}

fn execute(s: &Server, c: &str, body: Value) -> Value {
    let r = s.api("POST", &path(s, c, ""), Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn submit(s: &Server, c: &str, sql: &str) -> String {
    let v = execute(s, c, json!({"sql_type": "presto", "sql_content": sql}));
    assert_eq!((v["status"].as_str(), v["statement"].as_str()), (Some("QUEUED"), Some(sql)), "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn show(s: &Server, c: &str, id: &str) -> Value {
    let r = s.get(&path(s, c, &format!("/{id}")));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// Polls until the statement ends; returns it and the statuses seen.
fn wait_until(s: &Server, c: &str, id: &str, done: impl Fn(&Value) -> bool) -> (Value, Vec<String>) {
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let v = show(s, c, id);
        let st = v["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&st) {
            seen.push(st);
        }
        if done(&v) {
            return (v, seen);
        }
        assert!(start.elapsed() < TIMEOUT, "statement {id} timed out; seen {seen:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// ShowSqlResult with the sandbox's `wait_ms`; the answer and how long it took.
fn show_waiting(s: &Server, c: &str, id: &str, wait_ms: u64) -> (Value, Duration) {
    let t = Instant::now();
    let r = s.get(&path(s, c, &format!("/{id}?wait_ms={wait_ms}")));
    assert_eq!(r.status, 200, "{}", r.text());
    (r.json(), t.elapsed())
}

/// ExecuteSql with the sandbox's `wait_ms`.
fn execute_waiting(s: &Server, c: &str, sql: &str, wait_ms: u64) -> Value {
    let r = s.api("POST", &path(s, c, &format!("?wait_ms={wait_ms}")), Some(&json!({"sql_content": sql})));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn wait_final(s: &Server, c: &str, id: &str) -> Value {
    wait_until(s, c, id, |v| ["FINISHED", "FAILED"].contains(&v["status"].as_str().unwrap())).0
}

fn run(s: &Server, c: &str, sql: &str) -> Value {
    let id = submit(s, c, sql);
    wait_final(s, c, id.as_str())
}


/// The archived CSV of `location` (`obs://bucket/key` → DATA_DIR/obs/bucket/key), as records.
fn archive(s: &Server, location: &str) -> Vec<Vec<String>> {
    let rel = location.strip_prefix("obs://").unwrap();
    let bytes = std::fs::read(s.data_dir.join("obs").join(rel)).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((r, next)) = csv_record(&bytes, at) {
        out.push(r);
        at = next;
    }
    out
}


#[test]
fn statements_run_archive_and_page() {
    let s = Server::start("sqlexec");
    let c = analytics(&s);

    // A count over lineitem: QUEUED, then RUNNING, then FINISHED with a header row and the value.
    let id = submit(&s, &c, "SELECT count(*) AS n FROM lineitem");
    let (v, seen) = wait_until(&s, &c, &id, |v| ["FINISHED", "FAILED"].contains(&v["status"].as_str().unwrap()));
    assert_eq!(v["status"], "FINISHED", "{v}");
    assert!(seen.first().is_some_and(|f| f == "QUEUED" || f == "RUNNING") && seen.last().unwrap() == "FINISHED", "{seen:?}");
    assert_eq!(v["content"], json!([["n"], [LINEITEM_ROWS]]));
    let loc = v["result_location"].as_str().unwrap();
    assert_eq!(loc, format!("obs://lakedeck-sql-results/{}/{id}.csv", s.project));
    assert_eq!(archive(&s, loc), vec![vec!["n".to_string()], vec![LINEITEM_ROWS.to_string()]]);
    assert_eq!(v["message"], "1 row; content holds the column names and the row", "{v}");

    // `wait_ms` (sandbox-only): one status request answers the end as soon as it happens.
    let id = submit(&s, &c, "SELECT 2 AS two");
    let (v, took) = show_waiting(&s, &c, &id, 2000);
    assert_eq!((v["status"].as_str(), &v["content"]), (Some("FINISHED"), &json!([["two"], ["2"]])), "{v}");
    assert!(took < Duration::from_millis(1500), "the held answer came {took:?} after the request");
    // The same on ExecuteSql: a short statement comes back finished in its one answer.
    let t = Instant::now();
    let v = execute_waiting(&s, &c, "SELECT 3 AS three", 2000);
    assert_eq!((v["status"].as_str(), &v["content"]), (Some("FINISHED"), &json!([["three"], ["3"]])), "{v}");
    assert!(t.elapsed() < Duration::from_millis(1500), "the held answer came {:?} after the request", t.elapsed());
    assert_eq!(show(&s, &c, v["id"].as_str().unwrap())["content"], json!([["three"], ["3"]]), "and it is stored like any other");
    // A refused statement is refused at once, held or not.
    s.api("POST", &path(&s, &c, "?wait_ms=2000"), Some(&json!({"sql_content": ""}))).assert_error(400, "MRS.0002");

    // Inline rows equal the archive (values with commas and quotes survive the CSV), custom archive folder.
    let v = execute(&s, &c, json!({"sql_type": "spark", "database": "default", "archive_path": "obs://my-results/q/nation/",
        "sql_content": "SELECT n_nationkey, n_name, n_comment, NULL AS nothing, 'a,\"b\"' AS odd FROM nation ORDER BY n_nationkey"}));
    let v = wait_final(&s, &c, v["id"].as_str().unwrap());
    assert_eq!(v["status"], "FINISHED", "{v}");
    let loc = v["result_location"].as_str().unwrap();
    assert!(loc.starts_with("obs://my-results/q/nation/") && loc.ends_with(".csv"), "{loc}");
    let content: Vec<Vec<String>> = serde_json::from_value(v["content"].clone()).unwrap();
    assert_eq!(content.len(), 26, "header + 25 nations");
    assert_eq!(content[0], ["n_nationkey", "n_name", "n_comment", "nothing", "odd"]);
    assert_eq!(content[1][..2], ["0".to_string(), "ALGERIA".to_string()]);
    assert_eq!((content[1][3].as_str(), content[1][4].as_str()), ("null", "a,\"b\""));
    assert!(content.iter().any(|r| r[2].contains(',')), "some comments hold commas");
    assert_eq!(archive(&s, loc), content);

    // Over the inline cap: content keeps 1000 rows and says so; the archive has them all; pages read it.
    let big = submit(&s, &c, "SELECT l_orderkey, l_linenumber, l_comment FROM lineitem ORDER BY l_orderkey, l_linenumber");
    let v = wait_final(&s, &c, &big);
    assert_eq!(v["status"], "FINISHED", "{v}");
    assert_eq!(v["content"].as_array().unwrap().len(), 1001);
    assert!(v["message"].as_str().unwrap().contains("first 1000 rows"), "{v}");
    let all = archive(&s, v["result_location"].as_str().unwrap());
    assert_eq!(all.len(), 60176);
    let inline: Vec<Vec<String>> = serde_json::from_value(v["content"].clone()).unwrap();
    assert_eq!(all[..1001], inline[..]);
    let r = s.get(&path(&s, &c, &format!("/{big}/rows?offset=59000&limit=2000")));
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    assert_eq!((page["total_rows"].as_u64(), page["offset"].as_u64()), (Some(60175), Some(59000)));
    assert_eq!(page["columns"], json!(["l_orderkey", "l_linenumber", "l_comment"]));
    let rows: Vec<Vec<String>> = serde_json::from_value(page["rows"].clone()).unwrap();
    assert_eq!(rows.len(), 1175, "only what is left");
    assert_eq!(rows[..], all[59001..]);
    let first: Vec<Vec<String>> = serde_json::from_value(s.get(&path(&s, &c, &format!("/{big}/rows"))).json()["rows"].clone()).unwrap();
    assert_eq!(first[..], all[1..101], "default page: offset 0, 100 rows");
    let past = s.get(&path(&s, &c, &format!("/{big}/rows?offset=70000&limit=5"))).json();
    assert_eq!(past["rows"], json!([]));
    s.get(&path(&s, &c, &format!("/{big}/rows?limit=10001"))).assert_error(400, "MRS.0002");
    s.get(&path(&s, &c, &format!("/{big}/rows?offset=-1"))).assert_error(400, "MRS.0002");

    // Engine errors end FAILED with DataFusion's words; a parse error names its line and column.
    let v = run(&s, &c, "SELECT no_such_column FROM lineitem");
    assert_eq!(v["status"], "FAILED");
    assert!(v["message"].as_str().unwrap().contains("no_such_column"), "{v}");
    assert_eq!((v["content"].clone(), v["result_location"].as_str()), (json!([]), Some("")));
    let v = run(&s, &c, "SELECT n_name\nFROM nation WHERE )");
    assert_eq!(v["status"], "FAILED");
    let m = v["message"].as_str().unwrap();
    assert!(m.contains("Line: 2") && m.contains("Column: 19"), "{m}");
    let failed = v["id"].as_str().unwrap();
    s.get(&path(&s, &c, &format!("/{failed}/rows"))).assert_error(400, "MRS.0011");

    // DDL/DML share the job engine's semantics: CTAS writes a warehouse table, INSERT appends, DROP removes.
    let v = run(&s, &c, "CREATE TABLE eu AS SELECT n_nationkey, n_name FROM nation WHERE n_regionkey = 3");
    assert_eq!((v["status"].as_str(), v["content"].clone(), v["result_location"].as_str()), (Some("FINISHED"), json!([]), Some("")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("created with 5 rows"), "{v}");
    let v = run(&s, &c, "INSERT INTO eu VALUES (99, 'ATLANTIS')");
    assert_eq!((v["status"].as_str(), v["message"].as_str()), (Some("FINISHED"), Some("1 row affected")), "one row, not \"1 rows\": {v}");
    assert_eq!(run(&s, &c, "SELECT count(*) AS n FROM eu")["content"], json!([["n"], ["6"]]));

    // The editor's catalog through the same API: SHOW TABLES and information_schema.columns.
    let v = run(&s, &c, "SHOW TABLES");
    assert_eq!(v["status"], "FINISHED", "{v}");
    let content = v["content"].as_array().unwrap();
    let header: Vec<&str> = content[0].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    let name_col = header.iter().position(|h| *h == "table_name").unwrap();
    let names: Vec<&str> = content[1..].iter().map(|r| r[name_col].as_str().unwrap()).collect();
    for t in ["lineitem", "orders", "nation", "region", "customer", "part", "partsupp", "supplier", "eu"] {
        assert!(names.contains(&t), "{t} missing from {names:?}");
    }
    let v = run(&s, &c, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'nation' ORDER BY ordinal_position");
    assert_eq!(v["status"], "FINISHED", "{v}");
    let cols: Vec<&str> = v["content"].as_array().unwrap()[1..].iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(cols, ["n_nationkey", "n_name", "n_regionkey", "n_comment"]);
    assert_eq!(run(&s, &c, "DROP TABLE eu")["status"], "FINISHED");
    assert!(!s.data_dir.join("hdfs").join(&c).join("user/hive/warehouse/eu").exists());
    // A non-row statement has no archive to page.
    let id = submit(&s, &c, "DROP TABLE IF EXISTS eu");
    wait_final(&s, &c, &id);
    s.get(&path(&s, &c, &format!("/{id}/rows"))).assert_error(400, "MRS.0011");
}

#[test]
fn requests_are_checked() {
    let s = Server::start_frozen("sqlrules");
    let c = analytics(&s);
    let post = |cluster: &str, body: Value| s.api("POST", &path(&s, cluster, ""), Some(&body));
    let m = post(&c, json!({"sql_content": "SELECT 1; SELECT 2"})).assert_error(400, "MRS.0011");
    assert!(m.contains("multiple statements"), "{m}");
    let m = post(&c, json!({"sql_content": "SELECT 1;"})).assert_error(400, "MRS.0011");
    assert!(m.contains("';'"), "{m}");
    post(&c, json!({"sql_content": "  "})).assert_error(400, "MRS.0002");
    post(&c, json!({"sql_type": "presto"})).assert_error(400, "MRS.0002");
    post(&c, json!({"sql_content": "SELECT 1", "sql_type": "oracle"})).assert_error(400, "MRS.0002");
    let m = post(&c, json!({"sql_content": "SELECT 1", "database": "sales"})).assert_error(400, "MRS.0011");
    assert!(m.contains("'default'"), "{m}");
    post(&c, json!({"sql_content": "SELECT 1", "archive_path": "/tmp/x"})).assert_error(400, "MRS.0002");
    post(&c, json!({"sql_content": "SELECT 1", "archive_path": "obs://b/../../x"})).assert_error(400, "MRS.0002");
    s.api("POST", &path(&s, &c, ""), None).assert_error(400, "MRS.0002");
    let r = s.request("POST", &path(&s, &c, ""), &[("X-Auth-Token", &s.token)], Some(b"{not json"));
    r.assert_error(400, "MRS.0002");
    // Cluster rules: missing → 12000003; not running → MRS.0011 naming the state.
    post("no-such-cluster", json!({"sql_content": "SELECT 1"})).assert_error(400, "12000003");
    for (name, state) in [("legacy-batch", "terminated"), ("warehouse-abnormal", "abnormal"), ("etl-nightly", "starting")] {
        let m = post(&s.id_of(name), json!({"sql_content": "SELECT 1"})).assert_error(400, "MRS.0011");
        assert!(m.contains(state) && m.contains("running cluster"), "{m}");
    }
    // Unknown statements: ShowSqlResult errors, CancelSql answers its own FAILED body.
    s.get(&path(&s, &c, "/nope")).assert_error(400, "MRS.0011");
    s.get(&path(&s, "no-such-cluster", "/nope")).assert_error(400, "12000003");
    let r = s.api("POST", &path(&s, &c, "/nope/cancel"), None);
    assert_eq!(r.status, 400);
    let v = r.json();
    assert_eq!(v["status"], "FAILED");
    assert!(v["message"].as_str().unwrap().contains("does not exist"), "{v}");
    // Another cluster's statement is not visible through this one.
    let id = submit(&s, &c, "SELECT 1 AS one");
    let other = s.id_of("streaming-dev");
    s.get(&path(&s, &other, &format!("/{id}"))).assert_error(400, "MRS.0011");
    assert_eq!(wait_final(&s, &c, &id)["content"], json!([["one"], ["1"]]));
    // `wait_ms` is a whole number of milliseconds up to 2000, on both.
    for bad in ["abc", "-1", "2001"] {
        s.get(&path(&s, &c, &format!("/{id}?wait_ms={bad}"))).assert_error(400, "MRS.0002");
        s.api("POST", &path(&s, &c, &format!("?wait_ms={bad}")), Some(&json!({"sql_content": "SELECT 1"}))).assert_error(400, "MRS.0002");
    }
    // Without credentials: 401 like every API.
    s.request("GET", &path(&s, &c, &format!("/{id}")), &[], None).assert_error(401, "12000001");
    s.request("GET", &path(&s, &c, &format!("/{id}?wait_ms=2000")), &[], None).assert_error(401, "12000001");
}

#[test]
fn cancel_stops_a_long_query() {
    let s = Server::start("sqlcancel");
    let c = analytics(&s);
    // A held ExecuteSql (`wait_ms`) of a statement that does not end answers it unfinished, with its
    // id, when the wait is up.
    let t = Instant::now();
    let r = s.api("POST", &path(&s, &c, "?wait_ms=300"), Some(&json!({"sql_content": CROSS_JOIN})));
    let took = t.elapsed();
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(["QUEUED", "RUNNING"].contains(&v["status"].as_str().unwrap()), "{v}");
    assert!(took >= Duration::from_millis(300), "answered after {took:?}");
    let id = v["id"].as_str().unwrap().to_string();
    wait_until(&s, &c, &id, |v| v["status"] == "RUNNING");
    // A held status request of a statement that does not end answers its status when the wait is up.
    let (v, took) = show_waiting(&s, &c, &id, 300);
    assert_eq!(v["status"], "RUNNING", "{v}");
    assert!(took >= Duration::from_millis(300), "answered after {took:?}");
    // One held while the cancel comes in answers the end at once.
    let held = std::thread::scope(|scope| {
        let held = scope.spawn(|| show_waiting(&s, &c, &id, 2000));
        std::thread::sleep(Duration::from_millis(200));
        let t = Instant::now();
        let r = s.api("POST", &path(&s, &c, &format!("/{id}/cancel")), None);
        assert_eq!((r.status, r.json()), (200, json!({"status": "SUCCEED"})));
        let (v, _) = held.join().unwrap();
        (v, t)
    });
    let (v, t) = held;
    assert_eq!((v["status"].as_str(), v["message"].as_str()), (Some("FAILED"), Some("cancelled by user")), "the held answer");
    let v = show(&s, &c, &id);
    assert_eq!((v["status"].as_str(), v["message"].as_str()), (Some("FAILED"), Some("cancelled by user")));
    assert!(t.elapsed() < Duration::from_secs(2));
    // The work really stopped: the server goes quiet.
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(s.pid());
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(s.pid()) - before;
    assert!(used < 50, "the server used {used} ticks of CPU in the second after the cancel");
    assert_eq!(show(&s, &c, &id)["message"], "cancelled by user", "the end is not overwritten");
    // Cancelling an ended statement (cancelled or finished) answers SUCCEED and changes nothing.
    let r = s.api("POST", &path(&s, &c, &format!("/{id}/cancel")), None);
    assert_eq!((r.status, r.json()), (200, json!({"status": "SUCCEED"})));
    let done = run(&s, &c, "SELECT 2 AS two");
    let done_id = done["id"].as_str().unwrap();
    let r = s.api("POST", &path(&s, &c, &format!("/{done_id}/cancel")), None);
    assert_eq!((r.status, r.json()), (200, json!({"status": "SUCCEED"})));
    assert_eq!(show(&s, &c, done_id), done);
    // No half-written archive is left behind by the cancelled statement.
    let dir = s.data_dir.join("obs/lakedeck-sql-results").join(&s.project);
    let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, [format!("{done_id}.csv")]);
}

#[test]
fn records_survive_a_restart() {
    let root = temp_dir("sqlrestart");
    let opts = || Options { env: env_credentials(), step_ms: 50, ..Default::default() };
    let s = Server::start_with(&root, opts());
    let c = analytics(&s);
    let done = run(&s, &c, "SELECT count(*) AS n FROM nation");
    assert_eq!(done["status"], "FINISHED");
    let long = submit(&s, &c, CROSS_JOIN);
    wait_until(&s, &c, &long, |v| v["status"] == "RUNNING");
    drop(s);

    let s = Server::start_with(&root, opts());
    assert_eq!(show(&s, &c, done["id"].as_str().unwrap()), done, "finished records survive unchanged");
    let v = show(&s, &c, &long);
    assert_eq!(v["status"], "FAILED");
    assert!(v["message"].as_str().unwrap().contains("sandbox restarted"), "{v}");
    let page = s.get(&path(&s, &c, &format!("/{}/rows", done["id"].as_str().unwrap()))).json();
    assert_eq!(page["rows"], json!([["25"]]));
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}
