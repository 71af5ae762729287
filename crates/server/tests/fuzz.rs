//! Fuzz stage: every route of the sandbox with malformed JSON, wrong types, huge and unicode values,
//! bad percent-encoding, missing or wrong headers — a bounded number of requests from a seeded
//! generator (LAKEDECK_FUZZ_SEED, LAKEDECK_FUZZ_REQUESTS, at most a minute; the seed is printed so a failure can be
//! replayed). No answer may be a 5xx, the server must stay healthy, and afterwards every record
//! must read whole, the database pass its integrity check, and a restart see the same clusters.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{create_body, env_credentials, temp_dir, try_raw_request, Options, Server};

/// xorshift64*: small, deterministic, good enough to pick cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every route of the sandbox: method and path template.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1.1/{p}/cluster_infos"),
    ("GET", "/v1.1/{p}/cluster_infos/{c}"),
    ("PUT", "/v1.1/{p}/cluster_infos/{c}"),
    ("DELETE", "/v1.1/{p}/clusters/{c}"),
    ("GET", "/v1.1/{p}/clusters/{c}/hosts"),
    ("POST", "/v2/{p}/clusters"),
    ("PUT", "/v2/{p}/clusters/{c}/cluster-name"),
    ("POST", "/v2/{p}/clusters/{c}/expand"),
    ("POST", "/v2/{p}/clusters/{c}/shrink"),
    ("GET", "/v2/{p}/clusters/{c}/nodes"),
    ("GET", "/v2/{p}/clusters/{c}/files"),
    ("POST", "/v2/{p}/run-job-flow"),
    ("POST", "/v2/{p}/clusters/{c}/job-executions"),
    ("GET", "/v2/{p}/clusters/{c}/job-executions"),
    ("POST", "/v2/{p}/clusters/{c}/job-executions/batch-delete"),
    ("GET", "/v2/{p}/clusters/{c}/job-executions/{j}"),
    ("POST", "/v2/{p}/clusters/{c}/job-executions/{j}/kill"),
    ("GET", "/v2/{p}/clusters/{c}/job-executions/{j}/sql-result"),
    ("GET", "/v2/{p}/clusters/{c}/job-executions/{j}/log"),
    ("POST", "/v2/{p}/clusters/{c}/sql-execution"),
    ("GET", "/v2/{p}/clusters/{c}/sql-execution/{s}"),
    ("POST", "/v2/{p}/clusters/{c}/sql-execution/{s}/cancel"),
    ("GET", "/v2/{p}/clusters/{c}/sql-execution/{s}/rows"),
    ("GET", "/v2/{p}/metadata/versions"),
    ("GET", "/v2/{p}/metadata/version/{v}/available-flavor"),
    ("GET", "/v1.1/{p}/metadata/versions/{v}"),
    ("GET", "/v1.1/{r}/available-zones"),
    ("GET", "/v1/{p}/vpcs"),
    ("GET", "/v1/{p}/subnets"),
    ("GET", "/sandbox/clusters/{c}/jobs/{j}/log"),
    ("POST", "/v1.1/{p}/clusters/{c}/tags"),
    ("GET", "/v1.1/{p}/clusters/{c}/tags"),
    ("POST", "/v1.1/{p}/clusters/{c}/tags/action"),
    ("DELETE", "/v1.1/{p}/clusters/{c}/tags/{k}"),
    ("GET", "/v1.1/{p}/clusters/tags"),
    ("POST", "/v1.1/{p}/clusters/resource_instances/action"),
    ("POST", "/v2/{p}/clusters/{c}/tags/switch"),
    ("GET", "/v2/{p}/clusters/{c}/tags/status"),
    ("GET", "/v2/{p}/clusters/{c}/tags/quota"),
    ("POST", "/v1.1/{p}/autoscaling-policy/{c}"),
    ("GET", "/v2/{p}/autoscaling-policy/{c}"),
    ("POST", "/v2/{p}/autoscaling-policy/{c}"),
    ("PUT", "/v2/{p}/autoscaling-policy/{c}"),
    ("DELETE", "/v2/{p}/autoscaling-policy/{c}"),
    ("GET", "/v2/{p}/autoscaling-policy/{c}/metrics"),
    ("GET", "/v2/{p}/autoscaling-policy/{c}/events"),
    ("GET", "/api/v1/workspaces"),
    ("GET", "/api/v1/releaseVersions"),
    ("GET", "/api/v1/workspaces/{w}/queues"),
    ("GET", "/api/v1/workspaces/{w}/jobRuns"),
    ("POST", "/api/v1/workspaces/{w}/jobRuns"),
    ("GET", "/api/v1/workspaces/{w}/jobRuns/{jr}"),
    ("DELETE", "/api/v1/workspaces/{w}/jobRuns/{jr}"),
    ("GET", "/api/v1/workspaces/{w}/action/listLogContents"),
    ("GET", "/api/v1/workspaces/{w}/metric/cuHours/{q}"),
    ("POST", "/"),
    ("GET", "/"),
    ("GET", "/config.json"),
    ("GET", "/healthz"),
    ("GET", "/{static}"),
];

const QUERY_KEYS: &[&str] = &[
    "pageSize", "currentPage", "clusterName", "clusterState", "tags", "limit", "offset", "job_name", "job_id", "job_state",
    "job_type", "job_result", "sort_by", "submitted_time_begin", "submitted_time_end", "path", "availability_zone", "vpc_id",
    "marker", "id", "scope", "cluster_id", "key", "direction", "order", "recursive", "regionId", "maxResults", "nextToken",
    "states", "startTime", "tag", "name", "fileName", "length", "Action", "RegionId", "PageSize", "PageNumber", "ProjectId", "Id",
];

const RPC_ACTIONS: &[&str] = &[
    "ListFlowProject", "DescribeFlowProject", "CreateFlowProject", "DeleteFlowProject", "ListFlowCategory", "CreateFlowCategory",
    "ListFlowJob", "DescribeFlowJob", "CreateFlowJob", "ModifyFlowJob", "DeleteFlowJob", "SubmitFlowJob", "KillFlowJob",
    "ListFlowCluster", "ListFlowJobHistory", "DescribeFlowNodeInstance", "DescribeFlowNodeInstanceLauncherLog", "NoSuchAction",
];

fn odd_values(r: &mut Rng) -> String {
    let huge = "9".repeat(400);
    let pool: [&str; 22] = [
        "", "-1", "0", "1", "100000", "abc", "1.5", "%zz", "%", "%C3%28", "%00", "%2e%2e%2F", "..", "集群🚀", "NaN", "true",
        "null", "/tmp/demo", "hdfs:///user/../../etc", "obs://lakedeck-demo/", "existing", &huge,
    ];
    let v = r.pick(&pool).to_string();
    if r.chance(5) {
        "x".repeat(20_000)
    } else {
        v
    }
}

/// A value of any JSON type, now and then huge, unicode or deeply nested.
fn odd_json(r: &mut Rng, depth: usize) -> Value {
    match r.below(12) {
        0 => Value::Null,
        1 => json!(r.chance(50)),
        2 => json!(-1),
        3 => json!(1e308),
        4 => json!(u64::MAX),
        5 => json!(odd_values(r)),
        6 => json!("\u{0}\u{202e}\u{fffd}\u{1F600}𝔘𝔫𝔦"),
        7 => json!("x".repeat(100_000)),
        8 if depth < 4 => Value::Array((0..r.below(4)).map(|_| odd_json(r, depth + 1)).collect()),
        9 if depth < 4 => json!({"k": odd_json(r, depth + 1), "": 0}),
        10 => json!(3.25),
        _ => json!("SELECT 1"),
    }
}

/// Replaces, removes or adds fields at random places of a valid body.
fn mutate(r: &mut Rng, v: &mut Value, depth: usize) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = r.pick(&keys).clone();
            match r.below(5) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(format!("unknown_{}", r.below(9)), odd_json(r, depth));
                }
                2 if depth < 6 => mutate(r, map.get_mut(&key).unwrap(), depth + 1),
                _ => {
                    map.insert(key, odd_json(r, depth));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = r.below(items.len());
            if r.chance(50) && depth < 6 {
                mutate(r, &mut items[i], depth + 1);
            } else {
                items[i] = odd_json(r, depth);
            }
        }
        other => *other = odd_json(r, depth),
    }
}

fn template(path: &str, method: &str) -> Value {
    if path.contains("/tags/action") {
        json!({"action": "create", "tags": [{"key": "fuzz", "value": "1"}]})
    } else if path.contains("resource_instances") {
        json!({"action": "filter", "limit": "10", "offset": "0", "tags": [{"key": "env", "values": ["prod"]}]})
    } else if path.ends_with("/tags") {
        json!({"tag": {"key": "fuzz", "value": "v"}})
    } else if path.ends_with("/tags/switch") {
        json!({"default_tags_enable": true})
    } else if path.contains("autoscaling-policy") {
        json!({"node_group_name": "task_node_analysis_group", "resource_pool_name": "default", "auto_scaling_enable": true,
               "min_capacity": 0, "max_capacity": 3,
               "rules": [{"name": "r1", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
                          "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GT", "evaluation_periods": 1}}]})
    } else if path.contains("/jobRuns") {
        json!({"name": "fuzz", "codeType": "SQL", "releaseVersion": "esr-4.0.0 (Spark 3.5.2, Scala 2.12)",
               "jobDriver": {"sparkSubmit": {"entryPoint": "oss://lakedeck-demo/scripts/revenue_by_nation.sql", "entryPointArguments": [], "sparkSubmitParameters": ""}}})
    } else if path.ends_with("/clusters") || path.ends_with("/run-job-flow") {
        let mut b = create_body("fuzz_cluster");
        b["cluster_name"] = json!(format!("fuzz_{}", path.len()));
        b
    } else if path.ends_with("/cluster-name") {
        json!({"cluster_name": "fuzz_renamed"})
    } else if path.ends_with("/expand") || path.ends_with("/shrink") {
        json!({"node_group_name": "task_node_analysis_group", "count": 1})
    } else if path.ends_with("/job-executions") {
        json!({"job_name": "fuzz", "job_type": "SparkSql", "arguments": ["SELECT 1"], "properties": {"a": "b"}})
    } else if path.ends_with("/batch-delete") {
        json!({"job_id_list": ["00000000-0000-0000-0000-000000000000"]})
    } else if path.ends_with("/sql-execution") {
        json!({"sql_type": "spark", "sql_content": "SELECT n_name FROM nation LIMIT 2", "database": "default"})
    } else if method == "PUT" {
        json!({"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd", "instances": "1"}})
    } else {
        json!({})
    }
}

struct Ctx {
    addr: String,
    token: String,
    project: String,
    cluster: String,
    job: String,
    sql: String,
    workspace: String,
}

fn fill(r: &mut Rng, tmpl: &str, ctx: &Ctx) -> String {
    let mut out = String::new();
    for seg in tmpl.split('/').skip(1) {
        out.push('/');
        let choice = r.below(100);
        let odd = choice >= 75;
        let value = match seg {
            "{p}" if !odd => ctx.project.clone(),
            "{c}" if !odd => ctx.cluster.clone(),
            "{j}" if !odd => ctx.job.clone(),
            "{s}" if !odd => ctx.sql.clone(),
            "{v}" if !odd => "MRS%203.1.0".into(),
            "{r}" if !odd => "cn-north-4".into(),
            "{w}" if !odd => ctx.workspace.clone(),
            "{k}" if !odd => "env".into(),
            "{static}" => r.pick(&["", "index.html", "clusters/x", "%2e%2e/etc/passwd", "a%00b.js", "..%5c..%5cx"]).to_string(),
            s if s.starts_with('{') => r.pick(&["", "x", "%zz", "%2F", "..", "%2e%2e", "集群", "a%20b", "00000000000000000000000000000000"]).to_string()
                + &if choice > 97 { "y".repeat(3000) } else { String::new() },
            lit => lit.to_string(),
        };
        out.push_str(&value);
    }
    if out.is_empty() {
        out.push('/');
    }
    // Anything the request line cannot carry as is goes percent-encoded, byte by byte.
    out.bytes()
        .map(|b| if b.is_ascii_graphic() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn query(r: &mut Rng) -> String {
    let n = r.below(4);
    let pairs: Vec<String> = (0..n)
        .map(|_| {
            let k = r.pick(QUERY_KEYS).to_string();
            let v: String = odd_values(r)
                .bytes()
                .map(|b| if b.is_ascii_graphic() && b != b'&' && b != b'#' { (b as char).to_string() } else { format!("%{b:02X}") })
                .collect();
            format!("{k}={v}")
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

fn body(r: &mut Rng, path: &str, method: &str) -> Option<Vec<u8>> {
    if method == "GET" && !r.chance(5) {
        return None;
    }
    // The classic EMR RPC API at `/` takes form bodies.
    if path == "/" || path.starts_with("/?") {
        let action = *r.pick(RPC_ACTIONS);
        let mut pairs = vec![format!("Action={action}"), "RegionId=cn-hangzhou".to_string()];
        for _ in 0..r.below(5) {
            let k = *r.pick(&["ProjectId", "Id", "Name", "Type", "Description", "Params", "JobId", "ClusterId", "PageSize", "ParentId", "ResourceList.1.Path"]);
            let v: String = odd_values(r).bytes().map(|b| format!("%{b:02X}")).collect();
            pairs.push(format!("{k}={v}"));
        }
        if r.chance(10) {
            pairs.push("%zz=%".into());
        }
        return Some(pairs.join("&").into_bytes());
    }
    Some(match r.below(10) {
        0 => r.pick(&["", "{", "[1,2", "null", "\"str\"", "{\"a\":", "{}}", "tru", "{\"cluster_name\":\"\\ud800\"}"]).as_bytes().to_vec(),
        1 => vec![0xff, 0xfe, b'{', 0x80],
        2 => format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        3 if r.chance(10) => vec![b' '; 2 * 1024 * 1024 + 10],
        _ => {
            let mut v = template(path, method);
            for _ in 0..=r.below(3) {
                mutate(r, &mut v, 0);
            }
            serde_json::to_vec(&v).unwrap()
        }
    })
}

fn headers(r: &mut Rng, token: &str) -> Vec<(String, String)> {
    let mut h: Vec<(String, String)> = Vec::new();
    match r.below(20) {
        0 => {}
        1 => h.push(("X-Auth-Token".into(), "wrong".into())),
        2 => {
            h.push(("Authorization".into(), r.pick(&["SDK-HMAC-SHA256 Access=x", "SDK-HMAC-SHA256 Access=a, SignedHeaders=;;, Signature=zz", "Bearer x", "集"]).to_string()));
            h.push(("X-Sdk-Date".into(), r.pick(&["", "20261301T250000Z", "yesterday", "99999999T999999Z"]).to_string()));
        }
        _ => h.push(("X-Auth-Token".into(), token.into())),
    }
    if !r.chance(15) {
        let types = ["application/json", "text/plain", "application/json;charset=UTF-8", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"];
        h.push(("Content-Type".into(), r.pick(&types).to_string()));
    }
    if r.chance(20) {
        h.push(("X-Language".into(), r.pick(&["zh-cn", "en-us", "xx", ""]).to_string()));
    }
    if r.chance(10) {
        h.push(("Accept-Encoding".into(), r.pick(&["gzip", "br", "br;q=0, gzip;q=0", "*"]).to_string()));
    }
    if r.chance(5) {
        h.push(("Origin".into(), r.pick(&["http://evil.test", "null", "http://127.0.0.1"]).to_string()));
    }
    h
}

/// Requests hyper itself must turn away or survive: no Host, an unknown method, broken lines.
fn raw_oddities(addr: &str) -> Vec<(String, Option<u16>)> {
    let cases: Vec<Vec<u8>> = vec![
        b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec(),
        format!("FOO /v2/x/clusters HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes(),
        format!("GET /v1.1/%ff%fe/cluster_infos HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Bad: \x01\x02\r\nConnection: close\r\n\r\n").into_bytes(),
        format!("POST /v2/x/clusters HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n").into_bytes(),
        format!("GET /healthz HTTP/1.0\r\nHost: {addr}\r\n\r\n").into_bytes(),
        b"\x00\x01garbage\r\n\r\n".to_vec(),
    ];
    cases
        .into_iter()
        .map(|bytes| {
            let label = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let _ = stream.write_all(&bytes);
            let mut raw = Vec::new();
            let _ = stream.read_to_end(&mut raw);
            let status = String::from_utf8_lossy(&raw).split(' ').nth(1).and_then(|s| s.parse().ok());
            (label, status)
        })
        .collect()
}

#[test]
#[ignore = "the fuzz stage of scripts/test.sh runs it (cargo test --test fuzz -- --ignored)"]
fn no_request_breaks_the_sandbox() {
    let seed: u64 = std::env::var("LAKEDECK_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    let total: usize = std::env::var("LAKEDECK_FUZZ_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(12_000);
    let budget = Duration::from_secs(60);
    println!("fuzz seed {seed} ({total} requests; replay with LAKEDECK_FUZZ_SEED={seed})");

    let root = temp_dir("fuzz");
    let opts = || Options { env: env_credentials(), args: vec!["--sql-timeout".into(), "5".into()], ..Default::default() };
    let s = Server::start_with(&root, opts());
    let cluster = support::analytics(&s);
    let job = support::run_job(&s, &cluster, &json!({"job_name": "seed", "job_type": "SparkSql", "arguments": ["SELECT 1"]}));
    let sql = support::run_sql(&s, &cluster, "SELECT n_name FROM nation");
    let ctx = Arc::new(Ctx {
        addr: s.addr.clone(),
        token: s.token.clone(),
        project: s.project.clone(),
        cluster,
        job: job["job_id"].as_str().unwrap().to_string(),
        sql: sql["id"].as_str().unwrap().to_string(),
        workspace: s.get("/api/v1/workspaces").json()["workspaces"][0]["workspaceId"].as_str().expect("a seeded workspace").to_string(),
    });

    for (label, status) in raw_oddities(&ctx.addr) {
        assert!(status.is_none_or(|s| s < 500), "{label:?} answered {status:?}");
    }

    let sent = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..2u64)
        .map(|w| {
            let (ctx, sent, failures, statuses) = (ctx.clone(), sent.clone(), failures.clone(), statuses.clone());
            std::thread::spawn(move || {
                let mut r = Rng(seed.wrapping_add(w.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
                while sent.fetch_add(1, Ordering::SeqCst) < total && started.elapsed() < budget {
                    let (method, tmpl) = *r.pick(ROUTES);
                    let method = if r.chance(3) { *r.pick(&["PATCH", "DELETE", "PUT", "GET", "OPTIONS"]) } else { method };
                    let path = format!("{}{}", fill(&mut r, tmpl, &ctx), query(&mut r));
                    let body = body(&mut r, &path, method);
                    let h = headers(&mut r, &ctx.token);
                    let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    match try_raw_request(&ctx.addr, method, &path, &hr, body.as_deref()) {
                        Ok(resp) => {
                            *statuses.lock().unwrap().entry(resp.status).or_default() += 1;
                            if resp.status >= 500 {
                                let shown: String = String::from_utf8_lossy(body.as_deref().unwrap_or_default()).chars().take(300).collect();
                                failures.lock().unwrap().push(format!("{method} {path} {h:?} body {shown:?} → {} {}", resp.status, resp.text()));
                            }
                        }
                        // Over the body limit the server answers 413 before reading the body and
                        // closes; a client still writing may see the reset instead of the answer.
                        Err(_) if body.as_ref().is_some_and(|b| b.len() > 2 * 1024 * 1024) => {
                            *statuses.lock().unwrap().entry(413).or_default() += 1;
                        }
                        Err(e) => failures.lock().unwrap().push(format!("{method} {path}: no answer ({e})")),
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let failures = failures.lock().unwrap().clone();
    println!("sent {} requests in {:.1} s; statuses {:?}", sent.load(Ordering::SeqCst).min(total), started.elapsed().as_secs_f64(), statuses.lock().unwrap());
    assert!(failures.is_empty(), "seed {seed}: {} bad answers, first ones:\n{}", failures.len(), failures.iter().take(8).cloned().collect::<Vec<_>>().join("\n"));

    // Still healthy, and everything readable.
    assert_eq!(s.get("/healthz").text(), "ok");
    let check_all = |s: &Server| -> Vec<String> {
        let mut ids = Vec::new();
        for state in ["existing", "history"] {
            let list = s.clusters(&format!("pageSize=100&clusterState={state}"));
            for c in list["clusters"].as_array().unwrap() {
                let id = c["clusterId"].as_str().unwrap().to_string();
                assert_eq!(s.get(&s.v11(&format!("cluster_infos/{id}"))).status, 200, "{id}");
                assert_eq!(s.get(&s.v2(&format!("clusters/{id}/job-executions?limit=100"))).status, 202, "{id}");
                ids.push(id);
            }
        }
        ids.sort();
        ids
    };
    let before = check_all(&s);
    let conn = rusqlite::Connection::open_with_flags(s.data_dir.join("sandbox.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    drop(s);
    let s = Server::start_with(&root, opts());
    assert_eq!(check_all(&s), before, "a restart sees the same clusters");
    drop(s);
    let _ = std::fs::remove_dir_all(root);
}
