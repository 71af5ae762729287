//! `lakedeck-server gateway`: the piece a team runs to use the console against the real clouds.
//!
//! The vendors' APIs send no CORS headers and their keys must never reach a browser, so the
//! console talks to this server instead, at the same vendor paths as the sandbox. It
//! authenticates the console's users (a token whose SHA-256 is in the configuration, or a header
//! set by a trusted proxy), forwards only the operations the console uses (allow.rs) to the
//! configured project, lets viewers only read, signs each forwarded request with the keys named
//! in the configuration (SDK-HMAC-SHA256 for Huawei, ACS3-HMAC-SHA256 for Alibaba, nothing for
//! Alluxio), streams the answer back unchanged and writes an audit line for every write.
//!
//! It keeps the sandbox's browser rules (issue 8): a `Host` allow-list against DNS rebinding,
//! CORS only for exact configured origins, a same-origin `config.json` that never carries a secret.

pub mod allow;
pub mod audit;
pub mod config;
mod forward;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use lakedeck_api::config::{ConsoleConfig, Endpoints};
use lakedeck_api::sign;
use serde::Serialize;

use crate::compress::AssetCache;
use crate::http::{self as edge, Access, OriginKind};
use crate::lang::{Lang, Text};
use crate::{text, util};
use config::{GatewayConfig, Role};

pub const USAGE: &str = "\
Usage: lakedeck-server gateway --config FILE [--listen ADDR:PORT] [--dist DIR]

Runs the Lakedeck gateway: serves the console and forwards its calls, signed, to the real MRS,
EMR and Alluxio endpoints named in FILE (TOML; see the README's \"Deploy for your team\").

Options:
  --config FILE       the gateway configuration (required)
  --listen ADDR:PORT  overrides `listen` from the file (default 127.0.0.1:8443)
  --dist DIR          overrides `dist` from the file: the built console bundle
  -h, --help          print this help

Access keys are read from the environment variables the file names; a missing one stops the
gateway at start-up.";

#[derive(Debug, PartialEq, Eq)]
pub struct Args {
    pub config: PathBuf,
    pub listen: Option<SocketAddr>,
    pub dist: Option<PathBuf>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ArgsOutcome {
    Run(Args),
    Help,
}

/// Parses the arguments after `gateway`.
pub fn parse_args(args: &[String]) -> Result<ArgsOutcome, String> {
    let (mut config, mut listen, mut dist) = (None, None, None);
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(ArgsOutcome::Help);
        }
        if !matches!(flag, "--config" | "--listen" | "--dist") {
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
            "--config" => config = Some(PathBuf::from(value)),
            "--listen" => {
                listen = Some(value.parse().map_err(|_| format!("--listen must be ADDRESS:PORT such as 127.0.0.1:8443, not '{value}'"))?)
            }
            _ => dist = Some(PathBuf::from(value)),
        }
        i += 1;
    }
    let config = config.ok_or("--config FILE is required")?;
    Ok(ArgsOutcome::Run(Args { config, listen, dist }))
}

/// A signed-in console user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    /// `token` or `header`.
    pub via: &'static str,
}

enum Auth {
    User(Principal),
    /// No credential at all.
    Missing,
    /// A token that is nobody's.
    BadToken,
    /// The trusted header names someone with no role here.
    NoRole(String),
}

pub struct Gateway {
    pub cfg: GatewayConfig,
    access: Access,
    client: forward::Client,
    audit: Option<audit::Audit>,
    /// Compressed copies of the console bundle, as the sandbox serves them.
    assets: Arc<AssetCache>,
}

/// Which API family a request belongs to; it decides the shape of the gateway's own error bodies,
/// so every client reads them the way it reads its service's errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `/v1`, `/v1.1`, `/v2`: Huawei MRS and VPC (`error_code`/`error_msg`).
    Huawei,
    /// `/api/v1/workspaces…`, `/api/v1/releaseVersions`, `/api/interactive/…`: EMR Serverless Spark.
    AcsRoa,
    /// `POST /` (or `GET /` with an `Action`): classic EMR RPC.
    AcsRpc,
    /// `/api/v1/<coordinator resource>`: Alluxio (`{"status": …}`).
    Alluxio,
    /// `/gateway/…`: the gateway's own endpoints.
    Gateway,
}

const ALLUXIO_RESOURCES: [&str; 11] =
    ["load", "free", "rebalance", "cache", "mount", "quota", "ttl", "priority", "nodes", "file_index", "cache-filter"];

impl Family {
    pub fn of(method: &Method, path: &str, query: Option<&str>, headers: &HeaderMap) -> Option<Family> {
        let under = |p: &str| path == p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/'));
        if under("/gateway") {
            return Some(Family::Gateway);
        }
        if ["/v1", "/v1.1", "/v2"].iter().any(|p| under(p)) {
            return Some(Family::Huawei);
        }
        if let Some(rest) = path.strip_prefix("/api/v1/") {
            let first = rest.split('/').next().unwrap_or("");
            if ALLUXIO_RESOURCES.contains(&first) {
                return Some(Family::Alluxio);
            }
        }
        if under("/api") {
            return Some(Family::AcsRoa);
        }
        if path == "/" {
            let action_query = query.is_some_and(|q| sign::parse_query(q).iter().any(|(k, v)| k == "Action" && !v.is_empty()));
            let action_header = headers.get("x-acs-action").is_some_and(|v| !v.is_empty());
            if *method == Method::POST || *method == Method::OPTIONS || action_query || action_header {
                return Some(Family::AcsRpc);
            }
        }
        None
    }
}

/// The gateway's own refusals and failures, in the family's error shape.
pub struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Text,
}

pub const UNAUTHORIZED: &str = "Gateway.Unauthorized";
pub const ROLE_DENIED: &str = "Gateway.RoleDenied";
pub const NOT_ALLOWED: &str = "Gateway.NotAllowed";
pub const SCOPE_DENIED: &str = "Gateway.ScopeDenied";
pub const ORIGIN_DENIED: &str = "Gateway.OriginDenied";
pub const BODY_TOO_LARGE: &str = "Gateway.BodyTooLarge";
pub const UPSTREAM_FAILED: &str = "Gateway.UpstreamFailed";
pub const UPSTREAM_TIMEOUT: &str = "Gateway.UpstreamTimeout";

impl Refusal {
    pub fn new(status: StatusCode, code: &'static str, message: Text) -> Refusal {
        Refusal { status, code, message }
    }

    pub fn respond(&self, family: Family, request_id: &str) -> Response {
        let msg = self.message.current();
        let body = match family {
            Family::Huawei | Family::Gateway => serde_json::json!({"error_code": self.code, "error_msg": msg}),
            Family::AcsRoa => serde_json::json!({"requestId": request_id, "code": self.code, "message": msg}),
            Family::AcsRpc => serde_json::json!({"RequestId": request_id, "HostId": "lakedeck-gateway", "Code": self.code, "Message": msg}),
            // Alluxio's coordinator answers `{"status": <message>}`; the code rides along for the console.
            Family::Alluxio => serde_json::json!({"status": msg, "code": self.code}),
        };
        let mut r = edge::json(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("X-Auth-Token realm=\"lakedeck\""));
        }
        r
    }
}

/// Marks a response as the upstream's own, so the edge does not stamp its id as `X-Request-Id`.
#[derive(Clone, Copy)]
pub(crate) struct Forwarded;

const ALLOW_HEADERS: &str = "Content-Type, Accept, X-Auth-Token, X-Language, x-acs-action, x-acs-version";
const EXPOSE_HEADERS: &str = "X-Request-Id, X-Gateway-Request-Id, x-acs-request-id";

impl Gateway {
    pub fn new(cfg: GatewayConfig, access: Access) -> Result<Gateway, String> {
        let audit = cfg.audit_log.as_deref().map(audit::Audit::open).transpose()?;
        let client = forward::client(&cfg.limits)?;
        let assets = Arc::new(AssetCache::default());
        assets.warm(&cfg.dist);
        Ok(Gateway { cfg, access, client, audit, assets })
    }

    fn authenticate(&self, headers: &HeaderMap, peer: SocketAddr) -> Auth {
        if let Some(token) = headers.get("x-auth-token") {
            let hash = sign::sha256_hex(token.as_bytes());
            // Every user is compared, matched or not, in constant time: the answer's timing says
            // nothing about which hash (or how much of one) was close.
            let mut found: Option<&config::User> = None;
            for u in &self.cfg.users {
                if let Some(h) = &u.token_sha256 {
                    if sign::constant_time_eq(&hash, h) {
                        found = Some(u);
                    }
                }
            }
            return match found {
                Some(u) => Auth::User(Principal { name: u.name.clone(), role: u.role, via: "token" }),
                None => Auth::BadToken,
            };
        }
        if let Some(t) = &self.cfg.trusted {
            // Only a configured proxy may say who the user is; from anyone else the header is noise.
            if t.proxies.iter().any(|c| c.contains(peer.ip())) {
                let name = headers.get(t.header.as_str()).and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
                if !name.is_empty() && name.chars().count() <= 128 && !name.chars().any(char::is_control) {
                    let role = self.cfg.users.iter().find(|u| u.name == name).map(|u| u.role).or(t.default_role);
                    return match role {
                        Some(role) => Auth::User(Principal { name: name.to_string(), role, via: "header" }),
                        None => Auth::NoRole(name.to_string()),
                    };
                }
            }
        }
        Auth::Missing
    }

    fn principal(&self, headers: &HeaderMap, peer: SocketAddr) -> Result<Principal, Refusal> {
        match self.authenticate(headers, peer) {
            Auth::User(p) => Ok(p),
            Auth::Missing => Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                UNAUTHORIZED,
                text!(
                    "Sign in: send your Lakedeck gateway token in X-Auth-Token (Settings in the console).",
                    "请登录：在 X-Auth-Token 中发送您的 Lakedeck 网关令牌（控制台的“设置”）。"
                ),
            )),
            Auth::BadToken => Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                UNAUTHORIZED,
                text!(
                    "The token is not valid for this gateway: sign in again with your current token.",
                    "该令牌对此网关无效：请使用当前令牌重新登录。"
                ),
            )),
            Auth::NoRole(name) => Err(Refusal::new(
                StatusCode::FORBIDDEN,
                ROLE_DENIED,
                text!(
                    "User {name} has no role on this gateway: ask its administrator to add you to the configuration.",
                    "用户 {name} 在此网关上没有角色：请联系管理员将您加入配置。"
                ),
            )),
        }
    }

    /// The generated `config.json`: every service at this origin, no token, no key.
    fn console_config(&self) -> ConsoleConfig {
        ConsoleConfig {
            endpoints: Endpoints::default(),
            project_id: self.cfg.mrs.as_ref().map(|m| m.project_id.clone()).unwrap_or_default(),
            region: self
                .cfg
                .mrs
                .as_ref()
                .map(|m| m.region.clone())
                .or_else(|| self.cfg.emr.as_ref().map(|e| e.region.clone()))
                .unwrap_or_default(),
            emr_region: self.cfg.emr.as_ref().map(|e| e.region.clone()).unwrap_or_default(),
            token: None,
            sandbox: false,
            gateway: true,
            // No portal frames the console behind the gateway (its page says `frame-ancestors 'none'`).
            embed: Default::default(),
        }
    }

    pub fn services(&self) -> Vec<&'static str> {
        let mut s = Vec::new();
        if self.cfg.mrs.is_some() {
            s.extend(["mrs", "vpc"]);
        }
        if let Some(e) = &self.cfg.emr {
            if e.serverless_endpoint.is_some() {
                s.push("emr-serverless");
            }
            if e.endpoint.is_some() {
                s.push("emr");
            }
        }
        if self.cfg.alluxio.is_some() {
            s.push("alluxio");
        }
        s
    }
}

pub fn app(gw: Arc<Gateway>) -> Router {
    Router::new().fallback(handle).with_state(gw)
}

#[derive(Serialize)]
struct WhoAmI<'a> {
    user: &'a str,
    role: &'a str,
    /// How the user was recognised: `token` or `header`.
    auth: &'a str,
    can_write: bool,
    services: Vec<&'static str>,
}

async fn handle(State(gw): State<Arc<Gateway>>, ConnectInfo(peer): ConnectInfo<SocketAddr>, req: Request) -> Response {
    let request_id = util::uuid_v4();
    let lang = Lang::from_headers(req.headers());
    let family = Family::of(req.method(), req.uri().path(), req.uri().query(), req.headers());
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    let kind = gw.access.classify(origin.as_deref());
    let mut resp = lang.scope(dispatch(&gw, req, peer, family, kind, &request_id)).await;
    let forwarded = resp.extensions().get::<Forwarded>().is_some();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        if !forwarded {
            h.insert(HeaderName::from_static("x-request-id"), v.clone());
        }
        h.insert(HeaderName::from_static("x-gateway-request-id"), v);
    }
    if family.is_some() && !gw.access.cors_origins.is_empty() {
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        if kind == OriginKind::Granted {
            if let Some(v) = origin.as_deref().and_then(|o| HeaderValue::from_str(o).ok()) {
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
                h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
            }
        }
    }
    resp
}

async fn dispatch(gw: &Arc<Gateway>, req: Request, peer: SocketAddr, family: Option<Family>, kind: OriginKind, request_id: &str) -> Response {
    if !gw.access.host_allowed(req.headers()) {
        return edge::plain(StatusCode::MISDIRECTED_REQUEST, "misdirected request: this server does not answer for that Host\n");
    }
    if req.method() == Method::OPTIONS {
        return if family.is_some() && kind == OriginKind::Granted {
            let mut r = StatusCode::NO_CONTENT.into_response();
            let h = r.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(edge::ALLOW_METHODS));
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
            r
        } else {
            edge::plain(StatusCode::FORBIDDEN, "cross-origin requests are not allowed from this origin\n")
        };
    }
    let path = req.uri().path().to_string();
    if let Some(family) = family {
        if kind == OriginKind::Foreign {
            return Refusal::new(
                StatusCode::FORBIDDEN,
                ORIGIN_DENIED,
                text!(
                    "Requests from this web origin are not allowed (the gateway's allowed_origins lists the portals that may call it).",
                    "不允许来自此网页来源的请求（网关配置中的 allowed_origins 列出了可以调用它的门户）。"
                ),
            )
            .respond(family, request_id);
        }
        if family == Family::Gateway {
            return gateway_endpoint(gw, &req, peer, &path, request_id);
        }
        let principal = match gw.principal(req.headers(), peer) {
            Ok(p) => p,
            Err(r) => return r.respond(family, request_id),
        };
        return forward::proxy(gw, family, req, &principal, request_id).await;
    }
    match path.as_str() {
        "/healthz" => return "ok".into_response(),
        "/config.json" => {
            if matches!(kind, OriginKind::Foreign | OriginKind::Granted) {
                return edge::plain(StatusCode::FORBIDDEN, "config.json is only served to the console's own origin\n");
            }
            let mut r = edge::json(StatusCode::OK, &gw.console_config());
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            return r;
        }
        _ => {}
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
    }
    // At the root, framed by no page: the policy of README "Content-Security-Policy" with connect-src 'self'.
    edge::serve_static(&gw.cfg.dist, &gw.assets, &edge::ConsoleSite::default(), &path, req.headers()).await
}

fn gateway_endpoint(gw: &Gateway, req: &Request, peer: SocketAddr, path: &str, request_id: &str) -> Response {
    if path != "/gateway/whoami" {
        return Refusal::new(StatusCode::NOT_FOUND, NOT_ALLOWED, text!("Unknown gateway endpoint {path}.", "未知的网关接口 {path}。"))
            .respond(Family::Gateway, request_id);
    }
    if req.method() != Method::GET {
        return Refusal::new(StatusCode::METHOD_NOT_ALLOWED, NOT_ALLOWED, text!("Use GET /gateway/whoami.", "请使用 GET /gateway/whoami。"))
            .respond(Family::Gateway, request_id);
    }
    match gw.principal(req.headers(), peer) {
        Ok(p) => edge::json(
            StatusCode::OK,
            &WhoAmI { user: &p.name, role: p.role.as_str(), auth: p.via, can_write: p.role.may_write(), services: gw.services() },
        ),
        Err(r) => r.respond(Family::Gateway, request_id),
    }
}

/// The names browsers may use: the listening address's, and each `allowed_hosts` entry as written —
/// behind a TLS proxy the `Host` is the public name without a port (or with :443/:80, which a
/// bare entry also covers), unlike the sandbox's `--allowed-host`, which means the listening port.
pub fn gateway_access(bound: SocketAddr, allowed_hosts: &[String], origins: &[String]) -> Access {
    let mut access = Access::new(bound, &[], origins);
    for h in allowed_hosts {
        let bare = !h.ends_with(']') && !h.rsplit_once(':').is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()));
        let mut names = vec![h.clone()];
        if bare {
            names.extend([format!("{h}:443"), format!("{h}:80")]);
        }
        for n in names {
            if !access.hosts.contains(&n) {
                access.hosts.push(n);
            }
        }
    }
    access
}

/// Loads the configuration, binds and serves until Ctrl-C.
pub async fn run(args: Args) -> Result<(), String> {
    let mut cfg = config::load(&args.config, &|k| std::env::var(k).ok())?;
    if let Some(l) = args.listen {
        cfg.listen = l;
    }
    if let Some(d) = args.dist {
        cfg.dist = d;
    }
    let listener =
        tokio::net::TcpListener::bind(cfg.listen).await.map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let access = gateway_access(bound, &cfg.allowed_hosts, &cfg.allowed_origins);
    let gw = Arc::new(Gateway::new(cfg, access)?);

    let mut out = std::io::stdout().lock();
    // Tests read the first line. Keys and tokens are never printed; endpoints and names are not secret.
    let _ = writeln!(out, "Lakedeck gateway listening on http://{bound}");
    let c = &gw.cfg;
    if let Some(m) = &c.mrs {
        let _ = writeln!(out, "mrs: {} (project {}, region {}); vpc: {}", m.endpoint.url(), m.project_id, m.region, m.vpc_endpoint.url());
    }
    if let Some(e) = &c.emr {
        let url = |e: &Option<config::Endpoint>| e.as_ref().map(|e| e.url()).unwrap_or_else(|| "-".into());
        let _ = writeln!(out, "emr: serverless {}, classic {} (region {})", url(&e.serverless_endpoint), url(&e.endpoint), e.region);
    }
    if let Some(a) = &c.alluxio {
        let _ = writeln!(out, "alluxio: {}", a.endpoint.url());
    }
    let tokens = c.users.iter().filter(|u| u.token_sha256.is_some()).count();
    let _ = writeln!(out, "users with a token: {tokens}");
    if let Some(t) = &c.trusted {
        let _ = writeln!(out, "trusted header: {} from {} proxy range(s)", t.header, t.proxies.len());
    }
    match &gw.audit {
        Some(a) => {
            let _ = writeln!(out, "audit log: {}", a.path().display());
        }
        None => {
            let _ = writeln!(out, "audit log: none (set audit_log to record every write)");
        }
    }
    if !bound.ip().is_loopback() {
        let _ = writeln!(
            out,
            "note: this serves plain HTTP on {bound}; put a TLS reverse proxy in front of it so tokens never cross a network in clear text"
        );
    }
    let _ = out.flush();
    drop(out);

    axum::serve(listener, app(gw).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(
            parse_args(&args(&["--config", "g.toml", "--listen=127.0.0.1:0", "--dist", "d"])).unwrap(),
            ArgsOutcome::Run(Args { config: "g.toml".into(), listen: Some("127.0.0.1:0".parse().unwrap()), dist: Some("d".into()) })
        );
        assert_eq!(parse_args(&args(&["-h"])).unwrap(), ArgsOutcome::Help);
        assert!(parse_args(&[]).unwrap_err().contains("--config FILE is required"));
        assert!(parse_args(&args(&["--config"])).unwrap_err().contains("needs a value"));
        assert!(parse_args(&args(&["--data-dir", "x"])).unwrap_err().contains("unknown argument"));
        assert!(parse_args(&args(&["--config", "c", "--listen", "x"])).is_err());
    }

    #[test]
    fn hosts_behind_a_proxy() {
        let a = gateway_access("127.0.0.1:8443".parse().unwrap(), &["lakedeck.example.com".into(), "lan.test:9000".into()], &[]);
        for ok in ["127.0.0.1:8443", "localhost:8443", "lakedeck.example.com", "lakedeck.example.com:443", "lan.test:9000"] {
            assert!(a.hosts.iter().any(|h| h == ok), "{ok} in {:?}", a.hosts);
        }
        assert!(!a.hosts.iter().any(|h| h == "lan.test" || h == "lakedeck.example.com:8443"));
    }

    #[test]
    fn families() {
        let h = HeaderMap::new();
        let f = |m: Method, p: &str, q: Option<&str>| Family::of(&m, p, q, &h);
        assert_eq!(f(Method::GET, "/v1.1/p/cluster_infos", None), Some(Family::Huawei));
        assert_eq!(f(Method::GET, "/v1/p/vpcs", None), Some(Family::Huawei));
        assert_eq!(f(Method::GET, "/api/v1/load", None), Some(Family::Alluxio));
        assert_eq!(f(Method::GET, "/api/v1/workspaces", None), Some(Family::AcsRoa));
        assert_eq!(f(Method::GET, "/api/interactive/v1/workspace/w/statement/s", None), Some(Family::AcsRoa));
        assert_eq!(f(Method::POST, "/", None), Some(Family::AcsRpc));
        assert_eq!(f(Method::GET, "/", Some("Action=ListFlowJob")), Some(Family::AcsRpc));
        assert_eq!(f(Method::GET, "/", None), None, "the console's index page");
        assert_eq!(f(Method::GET, "/clusters/abc", None), None);
        assert_eq!(f(Method::GET, "/v2x", None), None);
        assert_eq!(f(Method::GET, "/gateway/whoami", None), Some(Family::Gateway));
    }
}
