//! Command line and sandbox credentials.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::util;

pub const USAGE: &str = "\
Usage: lakedeck-server [--listen ADDR:PORT] [--data-dir DIR] [--dist DIR] [--step-ms N]
                       [--allowed-host HOST[:PORT]]... [--allow-origin ORIGIN]...

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
  -h, --help          print this help

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
}

#[derive(Debug, PartialEq)]
pub enum ArgsOutcome {
    Run(Args),
    Help,
}

pub const DEFAULT_STEP_MS: u64 = 700;

fn parse_step(raw: &str, origin: &str) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(n) if (1..=3_600_000).contains(&n) => Ok(n),
        _ => Err(format!("{origin} must be a whole number of milliseconds from 1 to 3600000, not '{raw}'")),
    }
}

/// A `Host` header value: a DNS name or IP literal (IPv6 in brackets), optionally with a port.
fn parse_host(raw: &str) -> Result<String, String> {
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
fn parse_origin(raw: &str) -> Result<String, String> {
    let o = raw.trim();
    let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
    match rest {
        Some(host) if !host.contains('/') && parse_host(host).is_ok() => Ok(o.to_ascii_lowercase()),
        _ => Err(format!(
            "--allow-origin must be one exact origin such as https://cdn.example.com or http://localhost:3000 (scheme, host, optional port; no path, no '*'), not '{raw}'"
        )),
    }
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
        if !matches!(flag, "--listen" | "--data-dir" | "--dist" | "--step-ms" | "--allowed-host" | "--allow-origin") {
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
            "--allow-origin" => out.allow_origins.push(parse_origin(&value)?),
            _ => out.step_ms = parse_step(&value, "--step-ms")?,
        }
        i += 1;
    }
    Ok(ArgsOutcome::Run(out))
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
