//! Test harness: runs the real `lakedeck-server` binary and talks HTTP/1.1 to it over a plain
//! socket, so every header and status is what a browser or the SDK would see.

#![allow(dead_code)]

pub mod alluxio;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub mod gateway;

pub fn temp_dir(tag: &str) -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("lakedeck-test-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub struct Server {
    child: Child,
    /// `host:port` to connect to.
    pub addr: String,
    pub url: String,
    pub project: String,
    pub token: String,
    pub ak: String,
    pub sk: String,
    pub data_dir: PathBuf,
    pub dist: PathBuf,
    /// Set by the constructors that made the temporary directory themselves: removed on drop.
    owned_root: Option<PathBuf>,
}

pub struct Options<'a> {
    /// Another server binary (the benchmark times a release build); default: the one cargo built.
    pub bin: Option<PathBuf>,
    pub listen: &'a str,
    pub step_ms: u64,
    pub env: Vec<(&'a str, String)>,
    /// More command-line arguments (e.g. `--allow-origin`).
    pub args: Vec<String>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options { bin: None, listen: "127.0.0.1:0", step_ms: 50, env: vec![], args: vec![] }
    }
}

/// Test credentials passed through the environment (the generated ones are covered separately).
pub fn env_credentials() -> Vec<(&'static str, String)> {
    vec![
        ("LAKEDECK_SANDBOX_TOKEN", "test-token-0123456789abcdef".to_string()),
        ("LAKEDECK_SANDBOX_AK", "TESTAK0000000000".to_string()),
        ("LAKEDECK_SANDBOX_SK", "TESTSK-secret-key".to_string()),
        ("LAKEDECK_SANDBOX_PROJECT_ID", "0123456789abcdef0123456789abcdef".to_string()),
    ]
}

impl Server {
    /// A fresh server with env credentials and 50 ms lifecycle steps.
    pub fn start(tag: &str) -> Server {
        Server::start_step(tag, 50)
    }

    /// A fresh server with env credentials and `step_ms` lifecycle steps: slow enough that a
    /// loaded CI machine still sees each transitional state right after the call that starts it.
    pub fn start_step(tag: &str, step_ms: u64) -> Server {
        let root = temp_dir(tag);
        let mut s = Server::start_with(&root, Options { env: env_credentials(), step_ms, ..Default::default() });
        s.owned_root = Some(root);
        s
    }

    /// A fresh server whose lifecycles effectively never advance (for states that must hold still).
    pub fn start_frozen(tag: &str) -> Server {
        Server::start_step(tag, 3_600_000)
    }

    pub fn start_with(root: &Path, opts: Options) -> Server {
        let data_dir = root.join("data");
        let dist = root.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        let bin = opts.bin.clone().unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_lakedeck-server")));
        let mut cmd = Command::new(bin);
        cmd.args(["--listen", opts.listen, "--data-dir"])
            .arg(&data_dir)
            .arg("--dist")
            .arg(&dist)
            .args(["--step-ms", &opts.step_ms.to_string()])
            .args(&opts.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env_remove("LAKEDECK_SANDBOX_TOKEN")
            .env_remove("LAKEDECK_SANDBOX_AK")
            .env_remove("LAKEDECK_SANDBOX_SK")
            .env_remove("LAKEDECK_SANDBOX_PROJECT_ID")
            .env_remove("LAKEDECK_SANDBOX_STEP_MS")
            // Every test server shares one generated TPC-H dataset (generating it takes seconds).
            .env("LAKEDECK_SANDBOX_CACHE_DIR", std::env::temp_dir().join("lakedeck-test-tpch-cache"));
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start lakedeck-server");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        for _ in 0..4 {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "server exited early; printed so far: {lines:?}");
            lines.push(line.trim_end().to_string());
        }
        // Later lines (CORS notes) are drained so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let value = |i: usize, prefix: &str| -> String {
            lines[i].strip_prefix(prefix).unwrap_or_else(|| panic!("line {i} {:?} lacks {prefix:?}", lines[i])).to_string()
        };
        let url = value(0, "Lakedeck sandbox listening on ");
        let port = url.rsplit(':').next().unwrap().to_string();
        assert!(port.parse::<u16>().unwrap() > 0, "real port printed: {url}");
        assert!(lines[3].starts_with("token and secret key: in "), "secrets are not printed: {:?}", lines[3]);
        let printed = lines.join("\n");
        // The secrets come from the environment the test set, else from the credentials file.
        let stored: Value = std::fs::read_to_string(data_dir.join("credentials.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        let secret = |env_name: &str, key: &str| -> String {
            let v = opts
                .env
                .iter()
                .find(|(k, _)| *k == env_name)
                .map(|(_, v)| v.clone())
                .or_else(|| stored[key].as_str().map(str::to_string))
                .unwrap_or_else(|| panic!("no {key} in the environment or credentials.json"));
            assert!(!printed.contains(&v), "the {key} must not be printed");
            v
        };
        let token = secret("LAKEDECK_SANDBOX_TOKEN", "token");
        let sk = secret("LAKEDECK_SANDBOX_SK", "secret_key");
        Server {
            child,
            addr: format!("127.0.0.1:{port}"),
            url,
            project: value(1, "project id: "),
            token,
            ak: value(2, "access key: "),
            sk,
            data_dir,
            dist,
            owned_root: None,
        }
    }

    pub fn stop(self) {}

    /// The server removes `root` when dropped.
    pub fn owning(mut self, root: PathBuf) -> Server {
        self.owned_root = Some(root);
        self
    }

    /// The server no longer removes its directory when dropped (to restart on the same data).
    pub fn disown(mut self) -> Server {
        self.owned_root = None;
        self
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
        raw_request(&self.addr, method, path, headers, body)
    }

    /// An API call authenticated with the sandbox token; `body` is sent as JSON.
    pub fn api(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
        self.request(
            method,
            path,
            &[("X-Auth-Token", &self.token), ("Content-Type", "application/json")],
            bytes.as_deref(),
        )
    }

    pub fn get(&self, path: &str) -> Resp {
        self.api("GET", path, None)
    }

    pub fn v11(&self, rest: &str) -> String {
        format!("/v1.1/{}/{rest}", self.project)
    }

    pub fn v2(&self, rest: &str) -> String {
        format!("/v2/{}/{rest}", self.project)
    }

    pub fn clusters(&self, query: &str) -> Value {
        let r = self.get(&self.v11(&format!("cluster_infos?{query}")));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    }

    /// Names in list order.
    pub fn names(&self, query: &str) -> Vec<String> {
        self.clusters(query)["clusters"].as_array().unwrap().iter().map(|c| c["clusterName"].as_str().unwrap().to_string()).collect()
    }

    pub fn cluster_by_name(&self, name: &str) -> Value {
        let list = self.clusters("pageSize=100");
        list["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clusterName"] == name)
            .unwrap_or_else(|| panic!("no cluster named {name}"))
            .clone()
    }

    pub fn id_of(&self, name: &str) -> String {
        self.cluster_by_name(name)["clusterId"].as_str().unwrap().to_string()
    }

    pub fn detail(&self, id: &str) -> Value {
        let r = self.get(&self.v11(&format!("cluster_infos/{id}")));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["cluster"].clone()
    }

    /// Polls the detail until `done` holds, returning every (state, stageDesc) seen on the way.
    pub fn wait_for(&self, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> (Value, Vec<(String, String)>) {
        let start = Instant::now();
        let mut seen: Vec<(String, String)> = Vec::new();
        loop {
            let c = self.detail(id);
            let pair = (c["clusterState"].as_str().unwrap().to_string(), c["stageDesc"].as_str().unwrap().to_string());
            if seen.last() != Some(&pair) {
                seen.push(pair);
            }
            if done(&c) {
                return (c, seen);
            }
            assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}; seen {seen:?}");
            std::thread::sleep(Duration::from_millis(15));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(root) = &self.owned_root {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts an MRS error answer with snake_case keys and returns its message.
    pub fn assert_error(&self, status: u16, code: &str) -> String {
        let v = self.json();
        assert_eq!((self.status, v["error_code"].as_str()), (status, Some(code)), "body: {}", self.text());
        let msg = v["error_msg"].as_str().unwrap().to_string();
        assert!(!msg.is_empty());
        msg
    }
}

pub fn raw_request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
    try_raw_request(addr, method, path, headers, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// [`raw_request`] that reports a refused connection or a cut answer instead of panicking (for
/// requests in flight while a test kills the server).
pub fn try_raw_request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> std::io::Result<Resp> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    // A test may send its own Host (DNS-rebinding checks); otherwise the address connected to.
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    if let Some(b) = body {
        bytes.extend_from_slice(b);
    }
    stream.write_all(&bytes)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete response"))
}

/// Parses a whole HTTP/1.1 response (the connection closed after it).
pub fn parse_response(raw: &[u8]) -> Option<Resp> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut rest = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
        rest = dechunk(&rest)?;
    } else if let Some(len) = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse::<usize>().ok()) {
        if rest.len() != len {
            return None;
        }
    }
    Some(Resp { status, headers, body: rest })
}

/// The body of a chunked answer; `None` when it is cut short (no final zero-size chunk).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(eol + 2..eol + 2 + size)?);
        data = data.get(eol + 2 + size + 2..)?;
    }
    None
}

/// A valid create request (the shape of mrs-api.md §5.1).
pub fn create_body(name: &str) -> Value {
    serde_json::json!({
        "cluster_version": "MRS 3.1.0", "cluster_name": name, "cluster_type": "ANALYSIS",
        "charge_info": {"charge_mode": "postPaid"}, "region": "cn-north-4",
        "availability_zone": "cn-north-4b", "vpc_name": "vpc-lakedeck",
        "subnet_id": "7e1a0c55-2b8f-4f0e-8c7d-5d9a6b1c2e02",
        "components": "Hadoop,Spark2x,Hive,ZooKeeper", "safe_mode": "KERBEROS",
        "manager_admin_password": "Admin@12345", "login_mode": "KEYPAIR", "node_keypair_name": "KeyPair-ops",
        "tags": [{"key": "env", "value": "qa"}, {"key": "owner", "value": "tests"}], "log_collection": 1,
        "node_groups": [
            {"group_name": "master_node_default_group", "node_num": 2, "node_size": "c6.4xlarge.4.linux.bigdata",
             "root_volume": {"type": "SAS", "size": 480}, "data_volume": {"type": "SAS", "size": 600}, "data_volume_count": 1},
            {"group_name": "core_node_analysis_group", "node_num": 3, "node_size": "c6.8xlarge.4.linux.bigdata",
             "root_volume": {"type": "SAS", "size": 480}, "data_volume": {"type": "SSD", "size": 1000}, "data_volume_count": 2},
            {"group_name": "task_node_analysis_group", "node_num": 1, "node_size": "c6.2xlarge.4.linux.bigdata",
             "root_volume": {"type": "SAS", "size": 480}, "data_volume_count": 0}
        ]
    })
}

pub fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The seeded running cluster most tests work on.
pub fn analytics(s: &Server) -> String {
    s.id_of("analytics-prod")
}

/// CPU time (user + system clock ticks) a process has used, to check that cancelled work stops.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// Generous: the first server of a cold run generates the TPC-H cache while others wait for it.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(90);

/// Runs one statement through ExecuteSql and polls ShowSqlResult until it ends; returns the record.
pub fn run_sql(s: &Server, cluster: &str, sql: &str) -> Value {
    let base = s.v2(&format!("clusters/{cluster}/sql-execution"));
    let r = s.api("POST", &base, Some(&serde_json::json!({"sql_type": "spark", "sql_content": sql})));
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let v = s.get(&format!("{base}/{id}")).json();
        if ["FINISHED", "FAILED"].contains(&v["status"].as_str().unwrap_or("")) {
            return v;
        }
        assert!(start.elapsed() < RUN_TIMEOUT, "statement {sql} did not end: {v}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Submits a job (`body` as CreateExecuteJob takes it) and polls until it ends; returns its detail.
pub fn run_job(s: &Server, cluster: &str, body: &Value) -> Value {
    let base = s.v2(&format!("clusters/{cluster}/job-executions"));
    let r = s.api("POST", &base, Some(body));
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["job_submit_result"]["job_id"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let j = s.get(&format!("{base}/{id}")).json()["job_detail"].clone();
        if ["FINISHED", "FAILED", "KILLED"].contains(&j["job_state"].as_str().unwrap_or("")) {
            return j;
        }
        assert!(start.elapsed() < RUN_TIMEOUT, "job did not end: {j}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
