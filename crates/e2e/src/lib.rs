//! Harness for the end-to-end tests: starts `lakedeck-server` on a free loopback port with a fresh
//! data dir and the release bundle, starts chromedriver, and drives headless Chromium through it.
//! Every wait is bounded, so a broken console fails the test with what it was waiting for.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

pub const TOKEN: &str = "e2e-token";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const WAIT: Duration = Duration::from_secs(30);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn unique_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("lakedeck-e2e-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Harness {
    pub client: Client,
    /// Where the browser goes: the sandbox, or the gateway in front of it.
    pub base: String,
    /// The sandbox itself (the same as `base` without a gateway).
    pub sandbox_base: String,
    pub data_dir: PathBuf,
    _server: Killed,
    _gateway: Option<Killed>,
    _driver: Killed,
    /// How the sandbox was started, to start it again ([`Harness::restart_server`]).
    launch: Launch,
}

/// The sandbox's command line: binary, bundle, lifecycle step, token and the test's extra arguments.
struct Launch {
    bin: PathBuf,
    dist: PathBuf,
    step_ms: u32,
    token: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// Starts the sandbox listening on `listen` and returns it with its URL once it serves.
fn spawn_sandbox(launch: &Launch, data_dir: &Path, listen: &str) -> (Child, String) {
    let mut server = Command::new(&launch.bin)
        .args(["--listen", listen, "--data-dir"])
        .arg(data_dir)
        .arg("--dist")
        .arg(&launch.dist)
        .args(["--step-ms", &launch.step_ms.to_string()])
        .args(&launch.args)
        .envs(launch.env.iter().map(|(k, v)| (k, v)))
        .env("LAKEDECK_SANDBOX_TOKEN", &launch.token)
        .env("LAKEDECK_SANDBOX_PROJECT_ID", PROJECT)
        .env("LAKEDECK_SANDBOX_AK", "E2EAK")
        .env("LAKEDECK_SANDBOX_SK", "E2ESK")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start lakedeck-server");
    let base = url_of(&mut server, "lakedeck-server");
    (server, base)
}

/// What a test may add to the server's and the browser's command lines.
#[derive(Default)]
pub struct Extra {
    pub server_args: Vec<String>,
    /// Environment variables for the sandbox (e.g. a `PATH` with a stand-in `spark-submit`).
    pub server_env: Vec<(String, String)>,
    pub chrome_args: Vec<String>,
    /// Put `lakedeck-server gateway` in front of the sandbox with these users (name, token, role):
    /// the sandbox then runs with a token nobody is told, so only the gateway's signatures get in.
    pub gateway_users: Option<Vec<(String, String, String)>>,
    /// The browser's language (`navigator.languages`, `Accept-Language`); `en-US` when unset, so
    /// the console's choice of language does not depend on the machine running the tests.
    pub lang: Option<String>,
}

/// Reads a server's stdout until the line naming its URL; keeps draining the rest.
fn url_of(child: &mut Child, what: &str) -> String {
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().unwrap_or_else(|| panic!("{what} exited before printing its URL")).expect("read stdout");
        if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            break url.trim_end_matches('/').to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    url
}

/// Hex SHA-256 of `s`, for a gateway user's `token_sha256` (computed by the system's sha256sum).
fn sha256_hex(s: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("sha256sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("sha256sum");
    child.stdin.take().expect("stdin").write_all(s.as_bytes()).expect("write to sha256sum");
    let out = child.wait_with_output().expect("sha256sum output");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("a hash").to_string()
}

impl Harness {
    /// Starts the server (lifecycle steps of `step_ms`) and a browser session.
    pub async fn start(step_ms: u32) -> Harness {
        Harness::start_with(step_ms, Extra::default()).await
    }

    /// As [`Harness::start`], with more arguments for the server and Chromium.
    pub async fn start_with(step_ms: u32, extra: Extra) -> Harness {
        let root = workspace_root();
        let bin = std::env::var_os("LAKEDECK_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/lakedeck-server"));
        let dist = std::env::var_os("DIST_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("dist"));
        assert!(bin.exists(), "server binary {} not found: run `cargo build -p lakedeck-server` first", bin.display());
        assert!(
            dist.join("index.html").exists(),
            "no release bundle in {}: run `trunk build --release` first",
            dist.display()
        );
        let data_dir = unique_dir("data");
        let token =
            if extra.gateway_users.is_some() { format!("unknown-{}", free_port()) + &sha256_hex(&data_dir.to_string_lossy()) } else { TOKEN.into() };
        let launch = Launch { bin: bin.clone(), dist: dist.clone(), step_ms, token, args: extra.server_args.clone(), env: extra.server_env.clone() };
        let (server, sandbox_base) = spawn_sandbox(&launch, &data_dir, "127.0.0.1:0");
        let server = Killed(server);
        let (base, gateway) = match &extra.gateway_users {
            None => (sandbox_base.clone(), None),
            Some(users) => {
                let dir = unique_dir("gateway");
                let mut config = format!(
                    "dist = \"{}\"\naudit_log = \"audit.jsonl\"\n\n[mrs]\nendpoint = \"{sandbox_base}\"\nproject_id = \"{PROJECT}\"\n\
                     region = \"cn-north-4\"\naccess_key_env = \"E2E_GATEWAY_AK\"\nsecret_key_env = \"E2E_GATEWAY_SK\"\n",
                    dist.display()
                );
                for (name, token, role) in users {
                    config.push_str(&format!("\n[[users]]\nname = \"{name}\"\ntoken_sha256 = \"{}\"\nrole = \"{role}\"\n", sha256_hex(token)));
                }
                std::fs::write(dir.join("gateway.toml"), config).expect("write gateway.toml");
                let mut gw = Command::new(&bin)
                    .args(["gateway", "--config"])
                    .arg(dir.join("gateway.toml"))
                    .args(["--listen", "127.0.0.1:0"])
                    .env("E2E_GATEWAY_AK", "E2EAK")
                    .env("E2E_GATEWAY_SK", "E2ESK")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::inherit())
                    .spawn()
                    .expect("start lakedeck-server gateway");
                (url_of(&mut gw, "the gateway"), Some(Killed(gw)))
            }
        };

        let driver_port = free_port();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let driver = Killed(
            Command::new(chromedriver)
                .arg(format!("--port={driver_port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let profile = unique_dir("chrome");
        let mut args: Vec<String> = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=1400,1000",
        ]
        .map(String::from)
        .to_vec();
        args.push(format!("--user-data-dir={}", profile.display()));
        let lang = extra.lang.unwrap_or_else(|| "en-US".into());
        let primary = lang.split('-').next().unwrap_or("en").to_string();
        args.push(format!("--lang={lang}"));
        args.push(format!("--accept-lang={lang},{primary}"));
        args.extend(extra.chrome_args);
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": args,
                "prefs": { "intl": { "accept_languages": format!("{lang},{primary}") } }
            }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let deadline = Instant::now() + WAIT;
        let client = loop {
            let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            builder.capabilities(caps.clone());
            match builder.connect(&format!("http://127.0.0.1:{driver_port}")).await {
                Ok(c) => break c,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("chromedriver did not start a session: {e}"),
            }
        };
        Harness { client, base, sandbox_base, data_dir, _server: server, _gateway: gateway, _driver: driver, launch }
    }

    /// Stops the sandbox the way a crash or a lost network would look to the page: killed, nothing
    /// answers on its address any more.
    pub fn stop_server(&mut self) {
        let _ = self._server.0.kill();
        let _ = self._server.0.wait();
    }

    /// Starts the sandbox again on the same address with the same data dir (after
    /// [`Harness::stop_server`]).
    pub fn restart_server(&mut self) {
        let listen = self.sandbox_base.trim_start_matches("http://").to_string();
        let (server, base) = spawn_sandbox(&self.launch, &self.data_dir, &listen);
        assert_eq!(base, self.sandbox_base, "the sandbox came back on another address");
        self._server = Killed(server);
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{}", self.base, path)).await.expect("navigate");
    }

    /// Waits until `css` matches an element.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` within {WAIT:?}: {e}"))
    }

    /// Clicks `css` after scrolling it to the middle of the window: WebDriver scrolls only until the
    /// element is in view, where a sticky bar (the forms' action bars) may still cover it.
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        let arg = serde_json::to_value(&el).expect("element reference");
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", vec![arg])
            .await
            .unwrap_or_else(|e| panic!("scroll to `{css}`: {e}"));
        el.click().await.unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// Replaces the content of an input, as a user selecting all and typing would.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap_or_else(|e| panic!("clear `{css}`: {e}"));
        el.send_keys(text).await.unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_else(|e| panic!("text of `{css}`: {e}"))
    }

    /// Waits until the text of `css` satisfies `pred`; returns it.
    pub async fn wait_text(&self, css: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if pred(&t) {
                        return t;
                    }
                    last = t;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("`{css}` never showed {what}; last text: {last:?}");
    }

    /// Waits until `css` matches nothing.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if self.client.find_all(Locator::Css(css)).await.map(|v| v.is_empty()).unwrap_or(false) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("`{css}` was still there after {WAIT:?}");
    }

    /// Waits until the page's URL path satisfies `pred`; returns the path.
    pub async fn wait_path(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_url(what, |path, _| pred(path)).await.0
    }

    /// Waits until the page's URL query (without `?`) satisfies `pred`; returns it.
    pub async fn wait_query(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_url(what, |_, query| pred(query)).await.1
    }

    /// Waits until the page's URL (path, query) satisfies `pred`; returns them.
    async fn wait_url(&self, what: &str, pred: impl Fn(&str, &str) -> bool) -> (String, String) {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.client.current_url().await.unwrap_or_else(|e| panic!("no URL: {e}"));
            let (path, query) = (url.path().to_string(), url.query().unwrap_or_default().to_string());
            if pred(&path, &query) {
                return (path, query);
            }
            assert!(Instant::now() < deadline, "never reached {what}; at {path}?{query}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn eval(&self, js: &str) -> serde_json::Value {
        self.client.execute(js, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// The sandbox store, for tests that plant records the API would refuse.
    pub fn db(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.data_dir.join("sandbox.db")).expect("open sandbox.db");
        conn.busy_timeout(Duration::from_secs(5)).expect("busy timeout");
        conn
    }

    pub async fn close(self) {
        let Harness { client, .. } = self;
        let _ = client.close().await;
    }
}

/// What a [`StaticSite`] answers under a path prefix (the longest matching prefix wins).
#[derive(Clone, Debug)]
pub enum Mount {
    /// Files of a directory; an unknown path that accepts HTML gets the directory's `index.html`, as
    /// a CDN's SPA rule does.
    Dir(PathBuf),
    /// One file for every path under the prefix (a host page that owns those URLs).
    File(PathBuf),
    /// A fixed body with its content type.
    Body(&'static str, Vec<u8>),
}

/// A plain static web server on another loopback port: a second origin for cross-origin tests (a
/// page of "another web site", a portal embedding the console, or the console hosted as on a CDN).
/// It can send a Content-Security-Policy with its HTML pages and records the violation reports
/// browsers POST to `/csp-reports`.
pub struct StaticSite {
    pub url: String,
    reports: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StaticSite {
    /// Serves `dir` on `host` (e.g. `localhost`, so the origin differs from the sandbox's `127.0.0.1`).
    pub fn serve(dir: &Path, host: &str) -> StaticSite {
        StaticSite::serve_mounts(host, vec![("/", Mount::Dir(dir.to_path_buf()))], None)
    }

    /// Serves `mounts` on `host`, with `csp` (if any) on every HTML answer.
    pub fn serve_mounts(host: &str, mounts: Vec<(&str, Mount)>, csp: Option<String>) -> StaticSite {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind static site");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let reports = Arc::new(Mutex::new(Vec::new()));
        let mut mounts: Vec<(String, Mount)> = mounts.into_iter().map(|(p, m)| (p.to_string(), m)).collect();
        mounts.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let site = Arc::new((mounts, csp, reports.clone()));
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let Ok((conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                // One thread per connection: a browser's idle preconnect must not hold up the others.
                let site = site.clone();
                std::thread::spawn(move || answer(conn, &site.0, site.1.as_deref(), &site.2));
            }
        });
        StaticSite { url: format!("http://{host}:{port}"), reports, stop }
    }

    /// The bodies of the CSP violation reports received so far.
    pub fn reports(&self) -> Vec<String> {
        self.reports.lock().unwrap().clone()
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn answer(
    mut conn: std::net::TcpStream,
    mounts: &[(String, Mount)],
    csp: Option<&str>,
    reports: &std::sync::Mutex<Vec<String>>,
) {
    use std::io::{Read, Write};
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut words = head.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let path = words.next().unwrap_or("/").split(['?', '#']).next().unwrap_or("/").to_string();
    let header = |name: &str| {
        head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()))
    };
    let respond = |conn: &mut std::net::TcpStream, status: &str, kind: &str, body: &[u8]| {
        let policy = if kind.starts_with("text/html") { csp.map(|c| format!("Content-Security-Policy: {c}\r\n")) } else { None };
        let _ = conn.write_all(
            format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n{}Connection: close\r\n\r\n",
                body.len(),
                policy.unwrap_or_default()
            )
            .as_bytes(),
        );
        let _ = conn.write_all(body);
    };
    if method == "POST" && path == "/csp-reports" {
        let len: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = data[head_end..].to_vec();
        while body.len() < len {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => body.extend_from_slice(&buf[..n]),
            }
        }
        reports.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
        return respond(&mut conn, "204 No Content", "text/plain", b"");
    }
    let wants_html = header("accept").is_some_and(|a| a.contains("text/html"));
    for (prefix, mount) in mounts {
        let rest = if prefix == "/" {
            Some(path.as_str())
        } else {
            path.strip_prefix(prefix.as_str()).filter(|r| r.is_empty() || r.starts_with('/'))
        };
        let Some(rest) = rest else { continue };
        let file = match mount {
            Mount::Body(kind, body) => return respond(&mut conn, "200 OK", kind, body),
            Mount::File(file) => file.clone(),
            Mount::Dir(dir) => {
                let rel = rest.trim_start_matches('/');
                let file = if rel.is_empty() { dir.join("index.html") } else { dir.join(rel) };
                if !rel.split('/').any(|s| s == "..") && file.is_file() {
                    file
                } else if wants_html {
                    dir.join("index.html")
                } else {
                    break;
                }
            }
        };
        if let Ok(body) = std::fs::read(&file) {
            return respond(&mut conn, "200 OK", content_type(&file), &body);
        }
        break;
    }
    respond(&mut conn, "404 Not Found", "text/plain", b"not found\n")
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A fresh temporary directory for a test's files.
pub fn temp_site_dir(tag: &str) -> PathBuf {
    unique_dir(tag)
}

/// The release bundle the harness serves (`DIST_DIR`, default `dist/`).
pub fn dist_dir() -> PathBuf {
    std::env::var_os("DIST_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("dist"))
}

// ---------------------------------------------------------------------------------------------
// Accessibility: axe-core (npm, pinned in tools/package.json) injected into the page under test.

/// One axe-core rule a page breaks, with the elements that break it.
#[derive(Clone, Debug)]
pub struct AxeViolation {
    pub id: String,
    /// critical, serious, moderate or minor.
    pub impact: String,
    pub help: String,
    /// CSS selector and HTML of each element, as axe reports them.
    pub nodes: Vec<String>,
}

impl AxeViolation {
    /// What fails the axe stage: critical and serious violations.
    pub fn is_blocking(&self) -> bool {
        matches!(self.impact.as_str(), "critical" | "serious")
    }
}

impl std::fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "[{}] {}: {} ({} elements)", self.impact, self.id, self.help, self.nodes.len())?;
        for n in self.nodes.iter().take(6) {
            writeln!(f, "    {n}")?;
        }
        Ok(())
    }
}

fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = workspace_root().join("tools/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} missing ({e}): run `cd tools && npm ci` (scripts/setup.sh does)", path.display()))
    })
}

impl Harness {
    /// Runs axe-core over the whole document as it is now (WCAG 2.x A and AA rules and axe's best
    /// practices) and returns every violation.
    pub async fn axe(&self) -> Vec<AxeViolation> {
        let loaded = self.eval("return typeof window.axe === 'object'").await;
        if loaded.as_bool() != Some(true) {
            // A WebDriver script is not subject to the page's Content-Security-Policy.
            self.client
                .execute(&format!("{}\n;return typeof window.axe;", axe_source()), vec![])
                .await
                .unwrap_or_else(|e| panic!("injecting axe-core failed: {e}"));
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {
                   runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                   resultTypes: ['violations']
                 }).then(r => done(r.violations.map(v => ({
                   id: v.id, impact: v.impact || '', help: v.help,
                   nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160))
                 }))), e => done({ error: String(e) }));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
        if let Some(err) = result.get("error") {
            panic!("axe.run failed: {err}");
        }
        let list = result.as_array().cloned().unwrap_or_default();
        list.iter()
            .map(|v| AxeViolation {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                impact: v["impact"].as_str().unwrap_or_default().to_string(),
                help: v["help"].as_str().unwrap_or_default().to_string(),
                nodes: v["nodes"].as_array().map(|n| n.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default(),
            })
            .collect()
    }

    /// Picks the console's theme (`light`, `dark` or `system`) as the header's control does.
    pub async fn set_theme(&self, theme: &str) {
        let js = format!(
            "const s = document.getElementById('theme-select'); if (!s) return false;
             s.value = '{theme}'; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
        );
        assert_eq!(self.eval(&js).await.as_bool(), Some(true), "no theme control on the page");
        // Let the theme apply and transitions end before colours are measured.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }

    /// The page as it is now, in the light and in the dark theme, has no critical or serious axe-core
    /// violation; panics listing them (with `state` naming what the page shows). Leaves the light theme.
    pub async fn assert_accessible(&self, state: &str) {
        let report = self.accessibility_report(state).await;
        assert!(report.is_empty(), "axe-core: critical or serious violations:\n{report}");
    }

    /// The critical and serious axe-core violations of the page as it is now, in the dark and in the
    /// light theme, one block per theme headed by `state`; empty when there are none. Leaves the light
    /// theme. A test visiting many states collects these and fails once with all of them.
    pub async fn accessibility_report(&self, state: &str) -> String {
        let mut report = String::new();
        for theme in ["dark", "light"] {
            self.set_theme(theme).await;
            for v in self.axe().await.into_iter().filter(AxeViolation::is_blocking) {
                report.push_str(&format!("{state}, {theme}: {v}"));
            }
        }
        report
    }
}

/// Prints a benchmark's samples (a JSON array of milliseconds): count, p50, p95 and max.
pub fn print_timings(label: &str, samples: &serde_json::Value) {
    let mut xs: Vec<f64> = samples.as_array().map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect()).unwrap_or_default();
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        println!("{label:<40} (no samples)");
        return;
    }
    let at = |p: f64| xs[((xs.len() as f64 - 1.0) * p).round() as usize];
    println!("{label:<40} n={:<3} p50 {:>7.1} ms   p95 {:>7.1} ms   max {:>7.1} ms", xs.len(), at(0.5), at(0.95), xs[xs.len() - 1]);
}

/// Prints, per phase of a view benchmark, the longest frame and the long tasks its page script
/// collected: `result.frames[key]` is `[longest ms, frame count]`, `result.longTasks[key]` the
/// long tasks' durations. `phases` pairs each key with the words printed after "while".
pub fn print_main_thread(result: &serde_json::Value, phases: &[(&str, &str)]) {
    for (key, words) in phases {
        let f = &result["frames"][key];
        let long: Vec<f64> =
            result["longTasks"][key].as_array().map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect()).unwrap_or_default();
        println!(
            "{:<40} longest frame {:>6.1} ms over {} frames; {} long task(s) over 50 ms {:?}",
            format!("while {words}"),
            f[0].as_f64().unwrap_or(0.0),
            f[1],
            long.len(),
            long
        );
    }
}
