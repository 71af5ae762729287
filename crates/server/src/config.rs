//! Command line and sandbox credentials.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::util;

pub const USAGE: &str = "\
Usage: lakedeck-server [--listen ADDR:PORT] [--data-dir DIR] [--dist DIR] [--step-ms N]
                       [--allowed-host HOST[:PORT]]... [--allow-origin ORIGIN]...
                       [--metric-period-ms N] [--clock-start TIME] [--allow-scripts]
                       [--base-path PATH] [--embed-origin ORIGIN]... [--csp-report-uri URL]
                       [--sql-timeout SECS] [--max-result-mb MB]
       lakedeck-server gateway --config FILE [--listen ADDR:PORT] [--dist DIR]   (see gateway --help)

Runs the Lakedeck sandbox: the console bundle plus a local emulation of the MRS APIs.

Options:
  --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080; port 0 picks a free port)
  --data-dir DIR      where the SQLite state and credentials live (default ./sandbox-data)
  --dist DIR          the built console bundle to serve (default ./dist)
  --step-ms N         duration of each cluster lifecycle step in milliseconds (default 700;
                      env LAKEDECK_SANDBOX_STEP_MS)
  --allowed-host H    another name browsers use for this server (e.g. a LAN name behind
                      --listen 0.0.0.0:8080); without a port it means that name on the listening
                      port. Requests whose Host is not the listening address (127.0.0.1, localhost,
                      [::1] on loopback) or an allowed host are refused (421). Repeatable.
  --allow-origin O    let a console served from the web origin O (e.g. https://cdn.example.com)
                      call the APIs: CORS answers that exact origin on the API paths only, never
                      config.json. Off by default. Repeatable.
  --metric-period-ms N  one autoscaler metric period in milliseconds, standing for MRS's five
                      minutes (default 5000; env LAKEDECK_SANDBOX_METRIC_PERIOD_MS)
  --clock-start TIME  start the autoscaler's MRS clock at TIME (2026-03-02T21:50:00+08:00 or
                      epoch milliseconds); without it the clock continues from the last run
  --allow-scripts     shell scripts may run on this machine, as the sandbox's user: auto-scaling
                      exec scripts and EMR SHELL flow jobs run with bash (off by default: scripts
                      are recorded as skipped and SHELL jobs end FAILED saying so)
  --base-path PATH    serve the console under PATH (e.g. /ops/lakedeck) instead of /: the same
                      bundle, with index.html's <base href> set to it; the APIs stay where the
                      vendor has them. Default /.
  --embed-origin O    let pages of the web origin O frame the console (?embed=1) and talk to it by
                      postMessage: O goes into the CSP's frame-ancestors and into config.json's
                      embed.allowed_parents. Default: no framing. Repeatable.
  --csp-report-uri U  add `report-uri U` to the console's Content-Security-Policy (browsers POST
                      what the policy blocked there)
  --sql-timeout SECS  longest a SQL statement (ExecuteSql or a SQL job's statement) may run
                      before it is stopped and reported FAILED (default 600)
  --max-result-mb MB  largest result archive one ExecuteSql statement may write (default 1024)
  -h, --help          print this help

Bound to any address other than loopback, the sandbox starts only when LAKEDECK_SANDBOX_TOKEN
is set to a secret of at least 24 characters.

Credentials come from LAKEDECK_SANDBOX_TOKEN, LAKEDECK_SANDBOX_AK, LAKEDECK_SANDBOX_SK and
LAKEDECK_SANDBOX_PROJECT_ID; any not set is generated once and kept in DATA_DIR/credentials.json.";

#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub dist: PathBuf,
    pub step_ms: u64,
    pub allowed_hosts: Vec<String>,
    pub allow_origins: Vec<String>,
    pub sql_timeout_secs: u64,
    pub max_result_mb: u64,
    /// `--metric-period-ms` (the environment's value applies when absent: [`metric_period`]).
    pub metric_period_ms: Option<u64>,
    pub clock_start_ms: Option<i64>,
    /// `--allow-scripts`: shell scripts (auto-scaling exec scripts, EMR SHELL jobs) may run on this machine.
    pub allow_scripts: bool,
    /// "" or `/ops/lakedeck` (no trailing slash).
    pub base_path: String,
    pub embed_origins: Vec<String>,
    pub csp_report_uri: Option<String>,
}

#[derive(Debug, PartialEq)]
pub enum ArgsOutcome {
    Run(Box<Args>),
    Help,
}

pub const DEFAULT_STEP_MS: u64 = 700;

fn parse_step(raw: &str, origin: &str) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(n) if (1..=3_600_000).contains(&n) => Ok(n),
        _ => Err(format!("{origin} must be a whole number of milliseconds from 1 to 3600000, not '{raw}'")),
    }
}

fn parse_bounded(raw: &str, flag: &str, min: u64, max: u64) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{flag} must be a whole number from {min} to {max}, not '{raw}'")),
    }
}

/// Shortest `LAKEDECK_SANDBOX_TOKEN` accepted when the sandbox listens beyond loopback.
pub const MIN_EXPOSED_TOKEN: usize = 24;

/// A token holder runs programs on this machine (spark-submit jobs), so a sandbox other machines
/// can reach must have a token someone chose on purpose — not one generated and stored in a file —
/// and one long enough not to be guessed.
pub fn check_exposure(listen: SocketAddr, env_token: Option<&str>) -> Result<(), String> {
    if listen.ip().is_loopback() {
        return Ok(());
    }
    let token = env_token.map(str::trim).unwrap_or("");
    if token.chars().count() >= MIN_EXPOSED_TOKEN {
        return Ok(());
    }
    let why = if token.is_empty() { "it is not set".to_string() } else { format!("it has only {} characters", token.chars().count()) };
    Err(format!(
        "listening on {listen} lets other machines reach the sandbox, so LAKEDECK_SANDBOX_TOKEN must be set to a secret of at least \
         {MIN_EXPOSED_TOKEN} characters ({why}); anyone with the token can run programs on this machine. \
         Generate one with: export LAKEDECK_SANDBOX_TOKEN=$(head -c 24 /dev/urandom | base64)"
    ))
}

pub const DEFAULT_METRIC_PERIOD_MS: u64 = 5000;

fn parse_period(raw: &str, origin: &str) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(n) if (10..=3_600_000).contains(&n) => Ok(n),
        _ => Err(format!("{origin} must be a whole number of milliseconds from 10 to 3600000, not '{raw}'")),
    }
}

/// The metric period: the flag, else LAKEDECK_SANDBOX_METRIC_PERIOD_MS, else 5000 ms.
pub fn metric_period(flag: Option<u64>, env: Option<&str>) -> Result<u64, String> {
    match (flag, env.filter(|s| !s.trim().is_empty())) {
        (Some(n), _) => Ok(n),
        (None, Some(raw)) => parse_period(raw, "LAKEDECK_SANDBOX_METRIC_PERIOD_MS"),
        (None, None) => Ok(DEFAULT_METRIC_PERIOD_MS),
    }
}

/// `--clock-start`: epoch milliseconds, or `YYYY-MM-DDTHH:MM[:SS]` with `Z` or `±HH:MM`.
fn parse_clock_start(raw: &str) -> Result<i64, String> {
    let bad = || format!("--clock-start must be a time such as 2026-03-02T21:50:00+08:00 or epoch milliseconds, not '{raw}'");
    let s = raw.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| bad());
    }
    let num = |t: &str| -> Result<i64, String> {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    let (date, rest) = s.split_once('T').ok_or_else(bad)?;
    let (time, offset_minutes) = if let Some(t) = rest.strip_suffix('Z') {
        (t, 0)
    } else {
        let at = rest.rfind(['+', '-']).ok_or_else(bad)?;
        let (t, off) = rest.split_at(at);
        let (h, m) = off[1..].split_once(':').ok_or_else(bad)?;
        let minutes = num(h)? * 60 + num(m)?;
        (t, if off.starts_with('-') { -minutes } else { minutes })
    };
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    if d.len() != 3 || !(2..=3).contains(&t.len()) {
        return Err(bad());
    }
    let (y, mo, day) = (num(d[0])?, num(d[1])?, num(d[2])?);
    let (h, mi, sec) = (num(t[0])?, num(t[1])?, t.get(2).map_or(Ok(0), |x| num(x))?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 59 || offset_minutes.abs() > 14 * 60 {
        return Err(bad());
    }
    let days = lakedeck_api::sign::days_from_civil(y, mo, day);
    Ok(((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_minutes * 60) * 1000)
}

/// A `Host` header value: a DNS name or IP literal (IPv6 in brackets), optionally with a port.
pub(crate) fn parse_host(raw: &str) -> Result<String, String> {
    let h = raw.trim();
    let (name, port) = match h.rsplit_once(':') {
        Some((n, p)) if !h.ends_with(']') => (n, Some(p)),
        _ => (h, None),
    };
    let name_ok = if let Some(v6) = name.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty() && name.len() <= 253 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if !name_ok || !port_ok {
        return Err(format!("--allowed-host must be a host name or address with an optional port, such as lakedeck.lan or lakedeck.lan:8080, not '{raw}'"));
    }
    Ok(h.to_ascii_lowercase())
}

/// A web origin exactly as browsers send it: `http(s)://host[:port]`, no path, no wildcard.
pub(crate) fn parse_origin(raw: &str, flag: &str) -> Result<String, String> {
    let o = raw.trim();
    let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
    match rest {
        Some(host) if !host.contains('/') && parse_host(host).is_ok() => Ok(o.to_ascii_lowercase()),
        _ => Err(format!(
            "{flag} must be one exact origin such as https://cdn.example.com or http://localhost:3000 (scheme, host, optional port; no path, no '*'), not '{raw}'"
        )),
    }
}

/// A URL path prefix: `/`, `/console`, `/ops/tools/lakedeck/`; letters, digits and `-._~` between
/// slashes (it is written into index.html and matched against request paths). Returned without the
/// trailing slash, "" for the root.
fn parse_base_path(raw: &str) -> Result<String, String> {
    let p = raw.trim();
    let segments: Vec<&str> = p.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let ok = p.starts_with('/')
        && !p.contains("//")
        && segments.iter().all(|s| *s != "." && *s != ".." && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
    if !ok {
        return Err(format!("--base-path must be a path such as /console or /ops/tools/lakedeck/ (letters, digits, -._~ between slashes), not '{raw}'"));
    }
    Ok(segments.iter().map(|s| format!("/{s}")).collect())
}

/// Where browsers send CSP violation reports: an absolute http(s) URL or a path on this server.
fn parse_report_uri(raw: &str) -> Result<String, String> {
    let u = raw.trim();
    let ok = (u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/'))
        && !u.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b';' || b == b',' || b == b'\'');
    if !ok {
        return Err(format!("--csp-report-uri must be an http(s) URL or a path without spaces, ';' or ',', not '{raw}'"));
    }
    Ok(u.to_string())
}

/// Parses the arguments after the program name. `env_step` is LAKEDECK_SANDBOX_STEP_MS; the flag wins.
pub fn parse_args(args: &[String], env_step: Option<&str>) -> Result<ArgsOutcome, String> {
    let mut out = Args {
        listen: "127.0.0.1:8080".parse().expect("valid default address"),
        data_dir: PathBuf::from("./sandbox-data"),
        dist: PathBuf::from("./dist"),
        step_ms: DEFAULT_STEP_MS,
        allowed_hosts: Vec::new(),
        allow_origins: Vec::new(),
        sql_timeout_secs: crate::engine::DEFAULT_SQL_TIMEOUT_SECS,
        max_result_mb: crate::engine::DEFAULT_MAX_RESULT_MB,
        metric_period_ms: None,
        clock_start_ms: None,
        allow_scripts: false,
        base_path: String::new(),
        embed_origins: Vec::new(),
        csp_report_uri: None,
    };
    if let Some(raw) = env_step.filter(|s| !s.trim().is_empty()) {
        out.step_ms = parse_step(raw, "LAKEDECK_SANDBOX_STEP_MS")?;
    }
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        // Both `--flag value` and `--flag=value` are accepted.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(ArgsOutcome::Help);
        }
        if flag == "--allow-scripts" {
            if inline.is_some() {
                return Err("--allow-scripts takes no value".into());
            }
            out.allow_scripts = true;
            i += 1;
            continue;
        }
        if !matches!(
            flag,
            "--listen" | "--data-dir" | "--dist" | "--step-ms" | "--allowed-host" | "--allow-origin" | "--metric-period-ms" | "--clock-start"
                | "--base-path" | "--embed-origin" | "--csp-report-uri"
                | "--sql-timeout"
                | "--max-result-mb"
        ) {
            return Err(format!("unknown argument '{arg}'"));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i).cloned().ok_or_else(|| format!("{flag} needs a value"))?
            }
        };
        match flag {
            "--listen" => {
                out.listen = value
                    .parse()
                    .map_err(|_| format!("--listen must be ADDRESS:PORT such as 127.0.0.1:8080, not '{value}'"))?
            }
            "--data-dir" => out.data_dir = PathBuf::from(value),
            "--dist" => out.dist = PathBuf::from(value),
            "--allowed-host" => out.allowed_hosts.push(parse_host(&value)?),
            "--allow-origin" => out.allow_origins.push(parse_origin(&value, "--allow-origin")?),
            "--sql-timeout" => out.sql_timeout_secs = parse_bounded(&value, flag, 1, 86_400)?,
            "--max-result-mb" => out.max_result_mb = parse_bounded(&value, flag, 1, 1_048_576)?,
            "--metric-period-ms" => out.metric_period_ms = Some(parse_period(&value, "--metric-period-ms")?),
            "--clock-start" => out.clock_start_ms = Some(parse_clock_start(&value)?),
            "--base-path" => out.base_path = parse_base_path(&value)?,
            "--embed-origin" => out.embed_origins.push(parse_origin(&value, "--embed-origin")?),
            "--csp-report-uri" => out.csp_report_uri = Some(parse_report_uri(&value)?),
            _ => out.step_ms = parse_step(&value, "--step-ms")?,
        }
        i += 1;
    }
    Ok(ArgsOutcome::Run(Box::new(out)))
}

/// The sandbox's one identity: a token for `X-Auth-Token`, an AK/SK pair for signed calls and the
/// project the seed data lives in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub project_id: String,
    pub token: String,
    pub access_key: String,
    pub secret_key: String,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct StoredCredentials {
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_key: Option<String>,
}

const ALNUM_UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Values from the environment win; the rest come from `credentials.json`, or are generated and
/// saved there so that a restart keeps working with the same console and scripts. Values given
/// through the environment are not written to the file: whoever set them owns them.
pub fn load_credentials(data_dir: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Credentials, String> {
    let path = data_dir.join("credentials.json");
    let mut stored: StoredCredentials = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{} is not valid: {e}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoredCredentials::default(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty()).map(|v| v.trim().to_string());
    let mut changed = false;
    let mut pick = |env_value: Option<String>, slot: &mut Option<String>, generate: &dyn Fn() -> String| {
        if let Some(v) = env_value {
            return v;
        }
        slot.get_or_insert_with(|| {
            changed = true;
            generate()
        })
        .clone()
    };
    let creds = Credentials {
        project_id: pick(env("LAKEDECK_SANDBOX_PROJECT_ID"), &mut stored.project_id, &|| {
            util::hex(&util::random_bytes::<16>())
        }),
        token: pick(env("LAKEDECK_SANDBOX_TOKEN"), &mut stored.token, &|| {
            format!("sbx-{}", util::hex(&util::random_bytes::<24>()))
        }),
        access_key: pick(env("LAKEDECK_SANDBOX_AK"), &mut stored.access_key, &|| util::random_string(20, ALNUM_UPPER)),
        secret_key: pick(env("LAKEDECK_SANDBOX_SK"), &mut stored.secret_key, &|| util::random_string(40, ALNUM)),
    };
    if !util::is_valid_project_id(&creds.project_id) {
        return Err(format!("the project id must be 1 to 64 letters and digits, not '{}'", creds.project_id));
    }
    if changed {
        let text = serde_json::to_string_pretty(&stored).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        restrict_permissions(&path);
    }
    Ok(creds)
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: the file holds a secret key, but a filesystem without modes must not stop the sandbox.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_flags_and_errors() {
        let ArgsOutcome::Run(a) = parse_args(&[], None).unwrap() else { panic!() };
        assert_eq!(a.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(a.step_ms, 700);
        let ArgsOutcome::Run(a) =
            parse_args(&args(&["--listen", "0.0.0.0:9", "--dist=d", "--step-ms", "50"]), Some("900")).unwrap()
        else {
            panic!()
        };
        assert_eq!((a.listen.port(), a.dist, a.step_ms), (9, PathBuf::from("d"), 50));
        let ArgsOutcome::Run(a) = parse_args(&[], Some("900")).unwrap() else { panic!() };
        assert_eq!(a.step_ms, 900);
        assert_eq!(parse_args(&args(&["--help"]), None).unwrap(), ArgsOutcome::Help);
        assert!(parse_args(&args(&["--listen"]), None).unwrap_err().contains("needs a value"));
        assert!(parse_args(&args(&["--bogus"]), None).unwrap_err().contains("unknown argument"));
        assert!(parse_args(&args(&["--listen", "nope"]), None).is_err());
        assert!(parse_args(&args(&["--step-ms", "0"]), None).is_err());
        assert!(parse_args(&[], Some("x")).is_err());
        let ArgsOutcome::Run(a) = parse_args(
            &args(&["--allowed-host", "Lake.lan", "--allowed-host=lake.lan:9000", "--allow-origin", "https://cdn.example.com"]),
            None,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(a.allowed_hosts, vec!["lake.lan", "lake.lan:9000"]);
        assert_eq!(a.allow_origins, vec!["https://cdn.example.com"]);
        for bad in ["*", "https://*", "https://a.com/path", "a.com", "ftp://a.com", "https://a.com:0", ""] {
            assert!(parse_args(&args(&["--allow-origin", bad]), None).is_err(), "{bad}");
        }
        for bad in ["a b", "http://x", "x:99999", "x/y", ""] {
            assert!(parse_args(&args(&["--allowed-host", bad]), None).is_err(), "{bad}");
        }
        assert!(parse_args(&args(&["--allowed-host", "[::1]:8080"]), None).is_ok());
        let ArgsOutcome::Run(a) = parse_args(&args(&["--sql-timeout", "5", "--max-result-mb=2"]), None).unwrap() else { panic!() };
        assert_eq!((a.sql_timeout_secs, a.max_result_mb), (5, 2));
        assert!(parse_args(&args(&["--sql-timeout", "0"]), None).is_err());
        assert!(parse_args(&args(&["--max-result-mb", "x"]), None).is_err());
        let ArgsOutcome::Run(a) = parse_args(&args(&["--allow-scripts", "--step-ms", "5"]), None).unwrap() else { panic!() };
        assert!(a.allow_scripts && a.step_ms == 5);
        assert!(!parse_args(&[], None).map(|o| matches!(o, ArgsOutcome::Run(a) if a.allow_scripts)).unwrap());
        assert!(parse_args(&args(&["--allow-scripts=yes"]), None).is_err());
    }

    #[test]
    fn autoscaler_options() {
        let ArgsOutcome::Run(a) = parse_args(&[], None).unwrap() else { panic!() };
        assert_eq!((a.metric_period_ms, a.clock_start_ms, a.allow_scripts), (None, None, false));
        assert_eq!(metric_period(None, None), Ok(5000));
        assert_eq!(metric_period(None, Some("250")), Ok(250));
        assert_eq!(metric_period(Some(100), Some("250")), Ok(100), "the flag wins");
        assert!(metric_period(None, Some("5")).is_err());
        let ArgsOutcome::Run(a) = parse_args(
            &args(&["--metric-period-ms", "200", "--allow-scripts", "--clock-start=2026-03-02T21:50:00+08:00", "--step-ms", "9"]),
            None,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!((a.metric_period_ms, a.allow_scripts, a.step_ms), (Some(200), true, 9));
        assert_eq!(a.clock_start_ms, Some(1_772_459_400_000));
        assert_eq!(parse_clock_start("2026-03-02T13:50Z"), Ok(1_772_459_400_000));
        assert!(parse_clock_start("2026-03-01T20:20:00-17:30").is_err());
        assert_eq!(parse_clock_start("1772459400000"), Ok(1_772_459_400_000));
        for bad in ["", "yesterday", "2026-03-02", "2026-13-02T00:00Z", "2026-03-02T24:00Z", "2026-03-02T10:00+8"] {
            assert!(parse_clock_start(bad).is_err(), "{bad}");
        }
        assert!(parse_args(&args(&["--allow-scripts=yes"]), None).is_err());
        assert!(parse_args(&args(&["--metric-period-ms", "1"]), None).is_err());
    }

    #[test]
    fn base_path_embedding_and_reports() {
        let run = |a: &[&str]| match parse_args(&args(a), None) {
            Ok(ArgsOutcome::Run(r)) => Ok(*r),
            Ok(ArgsOutcome::Help) => panic!("help"),
            Err(e) => Err(e),
        };
        assert_eq!(run(&[]).unwrap().base_path, "");
        assert_eq!(run(&["--base-path", "/"]).unwrap().base_path, "");
        assert_eq!(run(&["--base-path", "/console/"]).unwrap().base_path, "/console");
        assert_eq!(run(&["--base-path=/ops/tools/lakedeck"]).unwrap().base_path, "/ops/tools/lakedeck");
        for bad in ["console", "/a/../b", "/a//b", "/a b", "/<x>", "/a\"b"] {
            assert!(run(&["--base-path", bad]).unwrap_err().contains("--base-path"), "{bad}");
        }
        let a = run(&["--embed-origin", "https://Portal.example.com", "--embed-origin", "http://127.0.0.1:9000"]).unwrap();
        assert_eq!(a.embed_origins, vec!["https://portal.example.com", "http://127.0.0.1:9000"]);
        assert!(run(&["--embed-origin", "*"]).unwrap_err().contains("--embed-origin"));
        assert_eq!(run(&["--csp-report-uri", "/csp"]).unwrap().csp_report_uri.as_deref(), Some("/csp"));
        for bad in ["javascript:x", "/a; script-src *", "http://x/ y"] {
            assert!(run(&["--csp-report-uri", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn exposure_needs_a_chosen_long_token() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let wide: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let lan: SocketAddr = "192.168.1.5:8080".parse().unwrap();
        assert!(check_exposure(lo, None).is_ok());
        assert!(check_exposure("[::1]:1".parse().unwrap(), None).is_ok());
        let e = check_exposure(wide, None).unwrap_err();
        assert!(e.contains("LAKEDECK_SANDBOX_TOKEN") && e.contains("not set"), "{e}");
        assert!(check_exposure(lan, Some("short-token")).unwrap_err().contains("only 11 characters"));
        assert!(check_exposure(lan, Some("   ")).is_err());
        assert!(check_exposure(wide, Some("abcdefghijklmnopqrstuvwx")).is_ok());
    }

    #[test]
    fn credentials_are_generated_once_and_env_wins() {
        let dir = std::env::temp_dir().join(format!("lakedeck-cred-{}", util::uuid_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = load_credentials(&dir, |_| None).unwrap();
        assert_eq!(first.project_id.len(), 32);
        assert!(first.project_id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let again = load_credentials(&dir, |_| None).unwrap();
        assert_eq!(first, again);
        let with_env = load_credentials(&dir, |k| (k == "LAKEDECK_SANDBOX_TOKEN").then(|| "tok".to_string())).unwrap();
        assert_eq!(with_env.token, "tok");
        assert_eq!(load_credentials(&dir, |_| None).unwrap().token, first.token, "env values are not persisted");
        assert!(load_credentials(&dir, |k| (k == "LAKEDECK_SANDBOX_PROJECT_ID").then(|| "bad-id".to_string())).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
