//! What a web page on another origin, a foreign `Host` name, a token holder's SQL or a path in a
//! request can reach. One server for the whole file: every case is a request against it.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use support::{analytics, env_credentials, run_job, run_sql, temp_dir, Options, Server};

const GRANTED: &str = "https://console.example.com";

fn server() -> (Server, PathBuf) {
    let root = temp_dir("security");
    let s = Server::start_with(
        &root,
        Options {
            env: env_credentials(),
            args: vec!["--allow-origin".into(), GRANTED.into(), "--allowed-host".into(), "lakedeck.test".into()],
            ..Default::default()
        },
    );
    std::fs::write(s.dist.join("index.html"), "<html>console</html>").unwrap();
    (s, root)
}

fn port(s: &Server) -> &str {
    s.addr.rsplit(':').next().unwrap()
}

fn log_of(s: &Server, c: &str, job: &Value) -> String {
    let id = job["job_id"].as_str().unwrap();
    s.get(&s.v2(&format!("clusters/{c}/job-executions/{id}/log?offset=0"))).json()["content"].as_str().unwrap().to_string()
}

fn failed_with(v: &Value, words: &str) {
    assert_eq!(v["status"], "FAILED", "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(m.contains(words), "message {m:?} should say {words:?}");
}

#[test]
fn browsers_on_other_origins_and_hosts_are_refused() {
    let (s, root) = server();
    let p = port(&s);
    let token = s.token.clone();
    let clusters = s.v11("cluster_infos");

    // DNS rebinding: a hostile name resolving to 127.0.0.1 still sends its own Host.
    for host in ["evil.example:".to_string() + p, "127.0.0.1:1".into(), "localhost".into(), String::new()] {
        for path in ["/", "/config.json", "/index.html", "/healthz", clusters.as_str()] {
            let r = s.request("GET", path, &[("Host", &host), ("X-Auth-Token", &token)], None);
            assert_eq!(r.status, 421, "Host {host:?} on {path}");
            assert!(!r.text().contains(&token));
        }
    }
    for host in [format!("127.0.0.1:{p}"), format!("localhost:{p}"), format!("[::1]:{p}"), format!("LakeDeck.test:{p}")] {
        let r = s.request("GET", "/config.json", &[("Host", &host)], None);
        assert_eq!(r.status, 200, "Host {host}");
    }

    // config.json: same origin only, never with CORS headers, whatever the origin.
    let own = format!("http://127.0.0.1:{p}");
    let r = s.request("GET", "/config.json", &[("Origin", &own)], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["token"], token.as_str(), "the console's own origin gets the token on loopback");
    for origin in ["https://evil.example", GRANTED, "null"] {
        let r = s.request("GET", "/config.json", &[("Origin", origin)], None);
        assert_eq!(r.status, 403, "{origin}");
        assert!(!r.text().contains(&token));
        assert_eq!(r.header("access-control-allow-origin"), None);
    }

    // Preflights: a stranger gets nothing it can use; the granted origin gets exactly itself.
    let preflight = |origin: &str, path: &str| {
        s.request(
            "OPTIONS",
            path,
            &[("Origin", origin), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "x-auth-token")],
            None,
        )
    };
    let r = preflight("https://evil.example", &clusters);
    assert_eq!(r.status, 403);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-allow-headers"), None);
    let r = preflight(GRANTED, &clusters);
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some(GRANTED));
    assert!(r.header("access-control-allow-headers").unwrap().to_ascii_lowercase().contains("x-auth-token"));
    // Not on the console's files or config.json, even for the granted origin.
    assert_eq!(preflight(GRANTED, "/config.json").status, 403);

    // API calls: a foreign origin is refused even with the right token; the granted one works.
    let r = s.request("GET", &clusters, &[("Origin", "https://evil.example"), ("X-Auth-Token", &token)], None);
    r.assert_error(403, "12000001");
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = s.request("GET", &clusters, &[("Origin", GRANTED), ("X-Auth-Token", &token)], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some(GRANTED));
    assert_eq!(r.header("access-control-expose-headers"), Some("X-Request-Id"));
    assert!(r.header("vary").unwrap().contains("Origin"));
    let r = s.request("GET", &clusters, &[("Origin", &own), ("X-Auth-Token", &token)], None);
    assert_eq!((r.status, r.header("access-control-allow-origin")), (200, None), "same origin needs no CORS");

    // The token never comes back in an error, wrong or right.
    let r = s.request("GET", &clusters, &[("X-Auth-Token", "not-the-token")], None);
    let msg = r.assert_error(401, "12000001");
    assert!(!msg.contains(&token) && !msg.contains("not-the-token"));
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn cors_is_off_without_allow_origin() {
    let s = Server::start("nocors");
    let r = s.request(
        "OPTIONS",
        &s.v11("cluster_infos"),
        &[("Origin", "http://localhost:3000"), ("Access-Control-Request-Method", "GET")],
        None,
    );
    assert_eq!((r.status, r.header("access-control-allow-origin")), (403, None));
    let r = s.request("GET", &s.v11("cluster_infos"), &[("X-Auth-Token", &s.token), ("Origin", "http://localhost:3000")], None);
    assert_eq!((r.status, r.header("access-control-allow-origin")), (403, None));
}

/// Plants `link` → `target` (both absolute).
fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(link);
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn sql_and_paths_stay_inside_the_data_dir() {
    let (s, root) = server();
    let c = analytics(&s);
    let hdfs = s.data_dir.join("hdfs").join(&c);
    let outside = root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.csv"), "a\nTOP-SECRET\n").unwrap();
    // Links planted in the cluster's tree and in OBS, leading outside.
    symlink(&outside, &hdfs.join("tmp/evil"));
    symlink(&outside.join("secret.csv"), &hdfs.join("tmp/evil.csv"));
    symlink(&outside.join("secret.csv"), &hdfs.join("tmp/evil.sql"));
    symlink(&outside.join("new.csv"), &hdfs.join("tmp/dangling.csv"));
    std::fs::create_dir_all(s.data_dir.join("obs/bkt/dir")).unwrap();
    std::fs::write(s.data_dir.join("obs/bkt/dir/ok.csv"), "a\nfine\n").unwrap();
    symlink(&outside.join("secret.csv"), &s.data_dir.join("obs/bkt/dir/leak.csv"));
    symlink(&outside, &s.data_dir.join("obs/bkt/evilout"));
    // A warehouse "table" whose directory is a link to Parquet outside.
    let nation = hdfs.join("user/hive/warehouse/nation");
    let stolen = outside.join("table");
    std::fs::create_dir_all(&stolen).unwrap();
    let first = run_sql(&s, &c, "SELECT count(*) AS n FROM nation");
    assert_eq!(first["status"], "FINISHED", "{first}");
    for e in std::fs::read_dir(&nation).unwrap().flatten() {
        std::fs::copy(e.path(), stolen.join(e.file_name())).unwrap();
    }
    symlink(&stolen, &hdfs.join("user/hive/warehouse/leak"));

    let host_file = root.join("ld-escape-test.csv");
    let host = host_file.display();
    // COPY … TO: a host path lands in the cluster's tree; other schemes and escapes are refused.
    let v = run_sql(&s, &c, &format!("COPY (SELECT 'pwned' AS x) TO '{host}' STORED AS CSV"));
    assert_eq!(v["status"], "FINISHED", "{v}");
    assert!(!host_file.exists(), "nothing written on the host path");
    let inside = hdfs.join(host_file.strip_prefix("/").unwrap());
    assert!(std::fs::read_to_string(&inside).unwrap().contains("pwned"), "written in the cluster's HDFS instead");
    for target in [format!("file://{host}"), "relative/x.csv".into(), "obs://bkt/../../../x.csv".into(), "s3://b/x.csv".into()] {
        failed_with(&run_sql(&s, &c, &format!("COPY (SELECT 1 AS a) TO '{target}' STORED AS CSV")), "");
    }
    failed_with(&run_sql(&s, &c, "COPY (SELECT 1 AS a) TO '/tmp/evil/x.csv' STORED AS CSV"), "leads outside");
    failed_with(&run_sql(&s, &c, "COPY (SELECT 1 AS a) TO '/tmp/dangling.csv' STORED AS CSV"), "cannot be used");
    failed_with(&run_sql(&s, &c, &format!("EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO 'file://{host}' STORED AS CSV")), "");
    assert!(!outside.join("x.csv").exists() && !outside.join("new.csv").exists());

    // External tables: host paths resolve in the cluster's tree, links out are refused.
    let v = run_sql(&s, &c, "CREATE EXTERNAL TABLE pw (a VARCHAR) STORED AS CSV LOCATION '/etc/hostname'");
    assert!(v["status"] == "FAILED" || v["status"] == "FINISHED", "{v}");
    for loc in ["file:///etc/hostname", "/tmp/evil/secret.csv", "/tmp/evil.csv", "obs://bkt/dir/"] {
        let v = run_sql(&s, &c, &format!("CREATE EXTERNAL TABLE t1 STORED AS CSV LOCATION '{loc}'"));
        assert_eq!(v["status"], "FAILED", "{loc}: {v}");
        assert!(!v.to_string().contains("TOP-SECRET"));
    }
    let v = run_sql(&s, &c, "CREATE TABLE t2 (a INT) LOCATION '/tmp/x'");
    failed_with(&v, "LOCATION");
    // URL tables are off; statements the sandbox has not reviewed are refused.
    failed_with(&run_sql(&s, &c, &format!("SELECT * FROM '{}'", outside.join("secret.csv").display())), "");
    failed_with(&run_sql(&s, &c, "INSERT OVERWRITE DIRECTORY '/tmp/out' SELECT 1"), "");
    // Settings that name directories cannot be changed; harmless ones can.
    for set in ["SET datafusion.runtime.temp_directory = '/tmp'", "SET datafusion.catalog.location = '/etc'", "RESET datafusion.runtime.memory_limit"] {
        failed_with(&run_sql(&s, &c, set), "not allowed");
    }
    assert_eq!(run_sql(&s, &c, "SET datafusion.execution.batch_size = 1024")["status"], "FINISHED");
    // The linked "table" is not a table.
    let tables = run_sql(&s, &c, "SHOW TABLES");
    assert!(!tables.to_string().contains("leak"), "{tables}");
    failed_with(&run_sql(&s, &c, "SELECT * FROM leak"), "leak");

    // A SparkScript job: an external table over a host path cannot read the host file.
    std::fs::create_dir_all(hdfs.join("tmp/sec")).unwrap();
    std::fs::write(
        hdfs.join("tmp/sec/read.sql"),
        format!("CREATE EXTERNAL TABLE pw (a VARCHAR) STORED AS CSV LOCATION '{}';\nSELECT * FROM pw;\n", outside.join("secret.csv").display()),
    )
    .unwrap();
    let job = run_job(&s, &c, &json!({"job_type": "SparkScript", "job_name": "esc", "arguments": ["hdfs:///tmp/sec/read.sql"]}));
    assert!(!log_of(&s, &c, &job).contains("TOP-SECRET"));
    // Script, DistCp and archive paths through links are refused.
    let job = run_job(&s, &c, &json!({"job_type": "SparkScript", "job_name": "esc2", "arguments": ["hdfs:///tmp/evil.sql"]}));
    assert_eq!(job["job_state"], "FAILED", "{job}");
    assert!(log_of(&s, &c, &job).contains("leads outside"));
    for (src, dst) in [("/tmp/evil", "/tmp/copy"), ("obs://bkt/dir", "/tmp/copy2"), ("/tmp/demo", "/tmp/evil")] {
        let job = run_job(&s, &c, &json!({"job_type": "DistCp", "job_name": "cp", "arguments": [src, dst]}));
        assert_eq!(job["job_state"], "FAILED", "{src} → {dst}: {job}");
    }
    assert!(!hdfs.join("tmp/copy/secret.csv").exists() && !outside.join("demo").exists());
    let r = s.api(
        "POST",
        &s.v2(&format!("clusters/{c}/sql-execution")),
        Some(&json!({"sql_content": "SELECT 1", "archive_path": "obs://bkt/evilout"})),
    );
    assert!(r.assert_error(400, "MRS.0002").contains("leads outside"));

    // Log reads take job ids, not paths.
    for id in ["..%2F..%2Fcredentials.json", "%2e%2e", "x%2F..%2F.."] {
        let r = s.get(&s.v2(&format!("clusters/{c}/job-executions/{id}/log?offset=0")));
        assert!((400..500).contains(&r.status), "{id}: {}", r.status);
        assert!(!r.text().contains(&s.token) && !r.text().contains("secret_key"));
    }
    // The file list does not follow links out, nor show them.
    let files = |path: &str| s.get(&s.v2(&format!("clusters/{c}/files?path={path}")));
    assert_eq!(files("/tmp/evil").status, 400);
    let listed = files("/tmp").text();
    assert!(listed.contains("demo") && !listed.contains("evil"), "{listed}");
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}
