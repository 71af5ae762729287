//! The gateway's configuration file (TOML) and the secrets it names. Everything is checked at
//! start-up so a wrong file fails loudly before the first user arrives; the keys themselves are
//! only ever read from the environment variables the file names.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::config::{parse_host, parse_origin};

/// What a console user may do: read, or read and change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
        }
    }

    pub fn may_write(self) -> bool {
        self == Role::Operator
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// Lower-case hex SHA-256 of the user's token; `None` for users known only through the
    /// trusted header (their role comes from here, they have no token).
    pub token_sha256: Option<String>,
    pub role: Role,
}

/// A secret read from the environment. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }

    #[cfg(test)]
    pub fn new(s: &str) -> Secret {
        Secret(s.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// An upstream base URL: scheme, authority and an optional path prefix without a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub https: bool,
    /// `host[:port]` exactly as it goes into the `Host` header (and into signatures).
    pub authority: String,
    pub base_path: String,
}

impl Endpoint {
    pub fn parse(raw: &str, key: &str) -> Result<Endpoint, String> {
        let bad = |why: &str| format!("{key} must be an http(s) URL such as https://mrs.cn-north-4.myhuaweicloud.com ({why}), not '{raw}'");
        let raw = raw.trim();
        let (https, rest) = if let Some(r) = raw.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = raw.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(bad("the scheme is http or https"));
        };
        if rest.contains(['?', '#', '@', ' ', '\\']) {
            return Err(bad("no query, fragment, user name or spaces"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let authority = parse_host(authority).map_err(|_| bad("the host is a name or an address with an optional port"))?;
        Ok(Endpoint { https, authority, base_path: path.trim_end_matches('/').to_string() })
    }

    pub fn url(&self) -> String {
        format!("{}://{}{}", if self.https { "https" } else { "http" }, self.authority, self.base_path)
    }

    /// The first label of the host (`mrs` of `mrs.cn-north-4.myhuaweicloud.com`) and the rest.
    fn split_service(&self) -> Option<(&str, &str)> {
        let host = self.authority.split(':').next().unwrap_or("");
        host.split_once('.')
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    pub access_key: Secret,
    pub secret_key: Secret,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mrs {
    pub endpoint: Endpoint,
    /// The Huawei VPC service (VPC and subnet lists for the create wizard).
    pub vpc_endpoint: Endpoint,
    pub project_id: String,
    pub region: String,
    pub keys: Keys,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emr {
    pub region: String,
    /// EMR Serverless Spark (ROA, `/api/v1/workspaces…`).
    pub serverless_endpoint: Option<Endpoint>,
    /// Classic EMR (RPC at `/`: the Flow* data-development API).
    pub endpoint: Option<Endpoint>,
    pub keys: Keys,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alluxio {
    pub endpoint: Endpoint,
    /// Sent as `Authorization: Bearer …` when the coordinator sits behind an authenticating proxy.
    pub bearer: Option<Secret>,
}

/// An address range in CIDR notation (a bare address is one host).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Result<Cidr, String> {
        let bad = || format!("trusted_proxies entries are addresses or CIDR ranges such as 10.0.0.0/8 or ::1, not '{raw}'");
        let (addr, prefix) = match raw.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        Ok(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // A v4 peer may arrive as a v4-mapped v6 address on a dual-stack socket.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trusted {
    /// Lower-case header name, e.g. `x-forwarded-user`.
    pub header: String,
    pub proxies: Vec<Cidr>,
    /// Role of a user the header names who is not in `users`; `None` refuses such users.
    pub default_role: Option<Role>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body forwarded.
    pub max_body_bytes: usize,
    /// Time to connect to an upstream.
    pub connect_timeout: Duration,
    /// Time from sending a request to the upstream's response head.
    pub response_timeout: Duration,
    /// Longest pause between two pieces of an upstream's response body.
    pub idle_timeout: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayConfig {
    pub listen: SocketAddr,
    pub dist: PathBuf,
    /// Extra `Host` names browsers use (a reverse proxy's public name).
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub audit_log: Option<PathBuf>,
    pub users: Vec<User>,
    pub trusted: Option<Trusted>,
    pub limits: Limits,
    pub mrs: Option<Mrs>,
    pub emr: Option<Emr>,
    pub alluxio: Option<Alluxio>,
}

// ---------------------------------------------------------------------------------------------
// The file as written

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    dist: Option<PathBuf>,
    #[serde(default)]
    allowed_hosts: Vec<String>,
    #[serde(default)]
    allowed_origins: Vec<String>,
    audit_log: Option<PathBuf>,
    trusted_header: Option<String>,
    #[serde(default)]
    trusted_proxies: Vec<String>,
    default_role: Option<Role>,
    max_body_bytes: Option<u64>,
    connect_timeout_secs: Option<u64>,
    timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    #[serde(default)]
    users: Vec<RawUser>,
    mrs: Option<RawMrs>,
    emr: Option<RawEmr>,
    alluxio: Option<RawAlluxio>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name: String,
    token_sha256: Option<String>,
    role: Role,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMrs {
    endpoint: String,
    project_id: String,
    region: Option<String>,
    vpc_endpoint: Option<String>,
    access_key_env: String,
    secret_key_env: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmr {
    region: String,
    serverless_endpoint: Option<String>,
    endpoint: Option<String>,
    access_key_env: String,
    secret_key_env: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlluxio {
    endpoint: String,
    token_env: Option<String>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";
pub const DEFAULT_MAX_BODY: u64 = 2 * 1024 * 1024;

/// Names a region can have (`cn-north-4`, `ap-southeast-1`).
fn valid_region(r: &str) -> bool {
    !r.is_empty() && r.len() <= 64 && r.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn valid_env_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !n.as_bytes()[0].is_ascii_digit()
}

fn secret_from_env(env: &dyn Fn(&str) -> Option<String>, name: &str, key: &str) -> Result<Secret, String> {
    if !valid_env_name(name) {
        return Err(format!("{key} must name an environment variable (letters, digits and _), not '{name}'"));
    }
    match env(name).map(|v| v.trim().to_string()) {
        Some(v) if !v.is_empty() => Ok(Secret(v)),
        _ => Err(format!(
            "the environment variable {name} (named by {key}) is not set: export it before starting the gateway"
        )),
    }
}

fn keys(env: &dyn Fn(&str) -> Option<String>, section: &str, ak: &str, sk: &str) -> Result<Keys, String> {
    Ok(Keys {
        access_key: secret_from_env(env, ak, &format!("{section}.access_key_env"))?,
        secret_key: secret_from_env(env, sk, &format!("{section}.secret_key_env"))?,
    })
}

fn secs(v: Option<u64>, default: u64, key: &str, max: u64) -> Result<Duration, String> {
    let v = v.unwrap_or(default);
    if !(1..=max).contains(&v) {
        return Err(format!("{key} must be 1 to {max} seconds, not {v}"));
    }
    Ok(Duration::from_secs(v))
}

/// Reads and checks the file at `path`. Relative `dist` and `audit_log` are taken relative to the
/// file's own directory, so the gateway behaves the same whatever directory it is started from.
pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<GatewayConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the gateway configuration {}: {e}", path.display()))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse(&text, &base, env).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(text: &str, base: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<GatewayConfig, String> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
    let listen_raw = raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
    let listen: SocketAddr =
        listen_raw.parse().map_err(|_| format!("listen must be ADDRESS:PORT such as 127.0.0.1:8443, not '{listen_raw}'"))?;
    let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };

    let mut users: Vec<User> = Vec::new();
    for (i, u) in raw.users.into_iter().enumerate() {
        let name = u.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(|c| c.is_control() || c == '"') {
            return Err(format!("users[{i}].name must be 1 to 64 printable characters, not '{}'", u.name.escape_debug()));
        }
        if users.iter().any(|o| o.name == name) {
            return Err(format!("users[{i}].name '{name}' is used twice"));
        }
        let token_sha256 = match u.token_sha256 {
            None => None,
            Some(h) => {
                let h = h.trim().to_ascii_lowercase();
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(format!(
                        "users[{i}].token_sha256 must be the 64 hex digits of the token's SHA-256 (e.g. `printf %s \"$TOKEN\" | sha256sum`)"
                    ));
                }
                if users.iter().any(|o| o.token_sha256.as_deref() == Some(h.as_str())) {
                    return Err(format!("users[{i}] ('{name}') has the same token as another user"));
                }
                Some(h)
            }
        };
        users.push(User { name, token_sha256, role: u.role });
    }

    let trusted = match raw.trusted_header {
        None => {
            if !raw.trusted_proxies.is_empty() || raw.default_role.is_some() {
                return Err("trusted_proxies and default_role only apply with trusted_header".into());
            }
            None
        }
        Some(h) => {
            let header = h.trim().to_ascii_lowercase();
            if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() || header.is_empty() {
                return Err(format!("trusted_header must be an HTTP header name such as X-Forwarded-User, not '{h}'"));
            }
            if matches!(header.as_str(), "x-auth-token" | "authorization" | "host" | "cookie" | "origin" | "content-type") {
                return Err(format!("trusted_header cannot be {h}: use a header only your proxy sets, such as X-Forwarded-User"));
            }
            if raw.trusted_proxies.is_empty() {
                return Err(
                    "trusted_header needs trusted_proxies (the addresses of the proxies that set it): from anyone else the header is ignored, and anyone can send a header"
                        .into(),
                );
            }
            let proxies = raw.trusted_proxies.iter().map(|p| Cidr::parse(p)).collect::<Result<Vec<_>, _>>()?;
            Some(Trusted { header, proxies, default_role: raw.default_role })
        }
    };
    if users.iter().all(|u| u.token_sha256.is_none()) && trusted.is_none() {
        return Err("nobody could sign in: add [[users]] with token_sha256, or a trusted_header with trusted_proxies".into());
    }

    let max_body = raw.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY);
    if !(1024..=64 * 1024 * 1024).contains(&max_body) {
        return Err(format!("max_body_bytes must be 1024 to 67108864, not {max_body}"));
    }
    let limits = Limits {
        max_body_bytes: max_body as usize,
        connect_timeout: secs(raw.connect_timeout_secs, 10, "connect_timeout_secs", 300)?,
        response_timeout: secs(raw.timeout_secs, 60, "timeout_secs", 3600)?,
        idle_timeout: secs(raw.idle_timeout_secs, 60, "idle_timeout_secs", 3600)?,
    };

    let mrs = match raw.mrs {
        None => None,
        Some(m) => {
            let endpoint = Endpoint::parse(&m.endpoint, "mrs.endpoint")?;
            if !crate::util::is_valid_project_id(m.project_id.trim()) {
                return Err(format!("mrs.project_id must be 1 to 64 letters and digits, not '{}'", m.project_id));
            }
            // Huawei endpoints are `mrs.<region>.<domain>`; the VPC service is `vpc.<region>.<domain>`.
            let derived = endpoint.split_service().filter(|(svc, _)| *svc == "mrs").map(|(_, rest)| rest.to_string());
            let region = match m.region.map(|r| r.trim().to_string()) {
                Some(r) => r,
                None => derived
                    .as_deref()
                    .and_then(|rest| rest.split('.').next())
                    .map(str::to_string)
                    .ok_or("mrs.region is required when mrs.endpoint is not of the form https://mrs.<region>.<domain>")?,
            };
            if !valid_region(&region) {
                return Err(format!("mrs.region must be a region id such as cn-north-4, not '{region}'"));
            }
            let vpc_endpoint = match m.vpc_endpoint {
                Some(v) => Endpoint::parse(&v, "mrs.vpc_endpoint")?,
                None => match derived {
                    Some(rest) => Endpoint { authority: format!("vpc.{rest}"), ..endpoint.clone() },
                    // A sandbox (or anything not named mrs.…) answers the VPC paths itself.
                    None => endpoint.clone(),
                },
            };
            Some(Mrs {
                keys: keys(env, "mrs", &m.access_key_env, &m.secret_key_env)?,
                endpoint,
                vpc_endpoint,
                project_id: m.project_id.trim().to_string(),
                region,
            })
        }
    };
    let emr = match raw.emr {
        None => None,
        Some(e) => {
            let region = e.region.trim().to_string();
            if !valid_region(&region) {
                return Err(format!("emr.region must be a region id such as cn-hangzhou, not '{region}'"));
            }
            let serverless_endpoint = e.serverless_endpoint.map(|s| Endpoint::parse(&s, "emr.serverless_endpoint")).transpose()?;
            let endpoint = e.endpoint.map(|s| Endpoint::parse(&s, "emr.endpoint")).transpose()?;
            if serverless_endpoint.is_none() && endpoint.is_none() {
                return Err("[emr] needs serverless_endpoint, endpoint or both".into());
            }
            Some(Emr { keys: keys(env, "emr", &e.access_key_env, &e.secret_key_env)?, region, serverless_endpoint, endpoint })
        }
    };
    let alluxio = match raw.alluxio {
        None => None,
        Some(a) => Some(Alluxio {
            endpoint: Endpoint::parse(&a.endpoint, "alluxio.endpoint")?,
            bearer: a.token_env.map(|n| secret_from_env(env, &n, "alluxio.token_env")).transpose()?,
        }),
    };
    if mrs.is_none() && emr.is_none() && alluxio.is_none() {
        return Err("configure at least one service: [mrs], [emr] or [alluxio]".into());
    }

    Ok(GatewayConfig {
        listen,
        dist: rel(raw.dist.unwrap_or_else(|| PathBuf::from("dist"))),
        allowed_hosts: raw.allowed_hosts.iter().map(|h| parse_host(h).map_err(|e| e.replace("--allowed-host", "allowed_hosts"))).collect::<Result<_, _>>()?,
        allowed_origins: raw
            .allowed_origins
            .iter()
            .map(|o| parse_origin(o, "allowed_origins"))
            .collect::<Result<_, _>>()?,
        audit_log: raw.audit_log.map(rel),
        users,
        trusted,
        limits,
        mrs,
        emr,
        alluxio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn env(name: &str) -> Option<String> {
        match name {
            "AK" => Some("ak-value".into()),
            "SK" => Some("sk-value".into()),
            "EMPTY" => Some("  ".into()),
            _ => None,
        }
    }

    fn full() -> String {
        format!(
            r#"
listen = "0.0.0.0:9443"
dist = "web"
allowed_hosts = ["lakedeck.example.com"]
allowed_origins = ["https://portal.example.com"]
audit_log = "/var/log/lakedeck/audit.jsonl"
trusted_header = "X-Forwarded-User"
trusted_proxies = ["10.0.0.0/8", "::1"]
default_role = "viewer"
timeout_secs = 30

[[users]]
name = "alice"
token_sha256 = "{}"
role = "operator"

[[users]]
name = "bob"
role = "viewer"

[mrs]
endpoint = "https://mrs.cn-north-4.myhuaweicloud.com"
project_id = "0123456789abcdef0123456789abcdef"
access_key_env = "AK"
secret_key_env = "SK"

[emr]
region = "cn-hangzhou"
serverless_endpoint = "https://emr-serverless-spark.cn-hangzhou.aliyuncs.com"
endpoint = "https://emr.aliyuncs.com"
access_key_env = "AK"
secret_key_env = "SK"

[alluxio]
endpoint = "http://alluxio-coordinator:19999"
"#,
            HASH.to_uppercase()
        )
    }

    #[test]
    fn a_complete_file() {
        let c = parse(&full(), Path::new("/etc/lakedeck"), &env).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:9443");
        assert_eq!(c.dist, PathBuf::from("/etc/lakedeck/web"));
        assert_eq!(c.audit_log, Some(PathBuf::from("/var/log/lakedeck/audit.jsonl")));
        assert_eq!(c.users[0].token_sha256.as_deref(), Some(HASH), "stored lower-case");
        assert_eq!(c.users[1].token_sha256, None);
        let t = c.trusted.as_ref().unwrap();
        assert_eq!((t.header.as_str(), t.default_role), ("x-forwarded-user", Some(Role::Viewer)));
        assert_eq!(c.limits.response_timeout, Duration::from_secs(30));
        let m = c.mrs.as_ref().unwrap();
        assert_eq!(m.region, "cn-north-4");
        assert_eq!(m.vpc_endpoint.url(), "https://vpc.cn-north-4.myhuaweicloud.com");
        assert_eq!(m.keys.access_key.expose(), "ak-value");
        assert!(!format!("{c:?}").contains("sk-value"), "secrets stay out of Debug output");
        assert_eq!(c.alluxio.as_ref().unwrap().endpoint.authority, "alluxio-coordinator:19999");
        assert_eq!(c.allowed_origins, vec!["https://portal.example.com"]);
    }

    #[test]
    fn defaults() {
        let text = format!("[[users]]\nname = \"a\"\ntoken_sha256 = \"{HASH}\"\nrole = \"viewer\"\n[alluxio]\nendpoint = \"http://127.0.0.1:19999/\"\n");
        let c = parse(&text, Path::new("conf"), &env).unwrap();
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.dist, PathBuf::from("conf/dist"));
        assert_eq!(c.limits.max_body_bytes, 2 * 1024 * 1024);
        assert_eq!(c.alluxio.unwrap().endpoint.url(), "http://127.0.0.1:19999");
        assert!(c.mrs.is_none() && c.trusted.is_none() && c.audit_log.is_none());
    }

    #[test]
    fn refusals_name_the_key() {
        let base = full();
        let cases: Vec<(String, &str)> = vec![
            (base.replace("access_key_env = \"AK\"", "access_key_env = \"MISSING\""), "MISSING (named by mrs.access_key_env) is not set"),
            (base.replace("secret_key_env = \"SK\"\n\n[emr]", "secret_key_env = \"EMPTY\"\n\n[emr]"), "EMPTY (named by mrs.secret_key_env)"),
            (base.replace("role = \"operator\"", "role = \"admin\""), "unknown variant `admin`"),
            (base.replace("timeout_secs = 30", "timeout = 30"), "unknown field `timeout`"),
            (base.replace(&HASH.to_uppercase(), "abc"), "64 hex digits"),
            (base.replace("name = \"bob\"", "name = \"alice\""), "used twice"),
            (base.replace("\"10.0.0.0/8\", ", "\"10.0.0.0/33\", "), "trusted_proxies"),
            (base.replace("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n", ""), "trusted_header needs trusted_proxies"),
            (base.replace("X-Forwarded-User", "X-Auth-Token"), "trusted_header cannot be"),
            (base.replace("https://portal.example.com", "*"), "allowed_origins must be one exact origin"),
            (base.replace("0123456789abcdef0123456789abcdef", "not-a-project"), "mrs.project_id"),
            (base.replace("https://mrs.cn-north-4.myhuaweicloud.com", "ftp://x"), "mrs.endpoint must be an http(s) URL"),
            (base.replace("https://mrs.cn-north-4.myhuaweicloud.com", "http://127.0.0.1:9000"), "mrs.region is required"),
            (base.replace("listen = \"0.0.0.0:9443\"", "listen = \"nowhere\""), "listen must be"),
            (base.replace("timeout_secs = 30", "timeout_secs = 0"), "timeout_secs must be"),
            ("listen = [".to_string(), "TOML parse error"),
            ("[[users]]\nname = \"a\"\nrole = \"viewer\"\n[alluxio]\nendpoint = \"http://a:1\"\n".to_string(), "nobody could sign in"),
            (format!("[[users]]\nname = \"a\"\ntoken_sha256 = \"{HASH}\"\nrole = \"viewer\"\n"), "at least one service"),
        ];
        for (text, want) in cases {
            let err = parse(&text, Path::new("."), &env).unwrap_err();
            assert!(err.contains(want), "wanted {want:?} in {err:?}");
            assert!(!err.contains("sk-value") && !err.contains("ak-value"), "{err}");
        }
    }

    #[test]
    fn cidrs() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()), "v4-mapped peers match v4 ranges");
        let one = Cidr::parse("::1").unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("::2".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.1/").is_err());
        assert!(Cidr::parse("host/8").is_err());
    }

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("https://h.example.com:8443/base/", "k").unwrap();
        assert_eq!((e.https, e.authority.as_str(), e.base_path.as_str()), (true, "h.example.com:8443", "/base"));
        for bad in ["h.example.com", "https://", "https://h?x=1", "https://u@h", "https://h#f"] {
            assert!(Endpoint::parse(bad, "k").is_err(), "{bad}");
        }
    }
}
