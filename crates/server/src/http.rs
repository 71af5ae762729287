//! The HTTP edge: routing, request ids, Host/Origin checks and CORS, the request's language,
//! authentication, vendor error bodies, the console bundle and its generated `config.json`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use lakedeck_api::config::{ConsoleConfig, EmbedConfig, Endpoints};
use lakedeck_api::error::{MrsCamelErrorBody, MrsErrorBody};
use lakedeck_api::sign;
use serde::Serialize;

use crate::compress::{self, AssetCache};
use crate::config::Credentials;
use crate::lang::{Lang, Text};
use crate::text;
use crate::engine::Engine;
use crate::{alluxio, emr, mrs, util, vpc};

pub struct AppState {
    pub engine: Arc<Engine>,
    pub creds: Credentials,
    pub dist: PathBuf,
    /// Whether `config.json` may hand out the token: only when nothing but this machine can connect.
    pub expose_token: bool,
    pub access: Access,
    pub console: ConsoleSite,
    /// Compressed copies of the bundle's files.
    pub assets: Arc<AssetCache>,
    /// Signature nonces already used by Alibaba-signed calls (emr/auth.rs).
    pub acs_nonces: crate::emr::auth::Nonces,
}

/// Where and how the console bundle is served: its path prefix, who may frame it, and the
/// Content-Security-Policy its page runs under.
#[derive(Clone, Debug, Default)]
pub struct ConsoleSite {
    /// "" (the root) or `/ops/lakedeck`, without the trailing slash.
    pub base: String,
    /// Origins whose pages may frame the console and talk to it (`--embed-origin`).
    pub embed_origins: Vec<String>,
    pub csp_report_uri: Option<String>,
}

impl ConsoleSite {
    /// The policy of the console's page (README "Content-Security-Policy"): scripts from this origin
    /// only, no inline script or style, no eval (`'wasm-unsafe-eval'` compiles WebAssembly and
    /// nothing else), API calls to this origin (the sandbox is the endpoint config.json names), and
    /// framing only by the `--embed-origin` pages.
    pub fn csp(&self) -> String {
        let ancestors = if self.embed_origins.is_empty() { "'none'".to_string() } else { self.embed_origins.join(" ") };
        let mut policy = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
             img-src 'self' data:; frame-ancestors {ancestors}"
        );
        if let Some(uri) = &self.csp_report_uri {
            policy.push_str(&format!("; report-uri {uri}"));
        }
        policy
    }

    pub fn config_path(&self) -> String {
        format!("{}/config.json", self.base)
    }

    /// The part of a request path inside the console's base path (`/ops/x/clusters` → `/clusters`).
    fn strip<'a>(&self, path: &'a str) -> Option<&'a str> {
        if self.base.is_empty() {
            return Some(path);
        }
        path.strip_prefix(self.base.as_str()).filter(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

pub type Shared = Arc<AppState>;

/// The request's id (also sent as `X-Request-Id`), for services that put it in their bodies.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Largest request body accepted (the biggest real one, a create request, is a few KiB).
const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Signed requests older or newer than this are refused. Huawei does not publish its gateway's
/// tolerance; 15 minutes is the usual cloud-signature window (AWS SigV4 uses the same) and is
/// wide enough for a laptop clock that is a little off.
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;
pub const AUTH_FAILED: &str = "12000001";
pub const INTERNAL: &str = "12000004";

pub fn app(state: Shared) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(&state.console.config_path(), get(config_json))
        .merge(mrs::routes())
        .merge(vpc::routes())
        .merge(emr::routes(state.clone()))
        .merge(alluxio::routes(state.clone()))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), edge))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// Responses

/// An MRS error answer. `camel` selects the `errorCode`/`errorMsg` body of the V1.1 cluster family.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: Text,
    pub camel: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<Text>) -> ApiError {
        ApiError { status, code: code.into(), message: message.into(), camel: false }
    }

    pub fn bad(code: impl Into<String>, message: impl Into<Text>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn unauthorized(message: impl Into<Text>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, AUTH_FAILED, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error_msg = self.message.current().to_string();
        if self.camel {
            json(self.status, &MrsCamelErrorBody { error_code: self.code, error_msg })
        } else {
            json(self.status, &MrsErrorBody { error_code: self.code, error_msg })
        }
    }
}

pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => {
            eprintln!("error: cannot encode a response: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "application/json")],
             format!(r#"{{"error_code":"{INTERNAL}","error_msg":"internal error"}}"#))
                .into_response()
        }
    }
}

pub fn is_api_path(path: &str) -> bool {
    ["/v1", "/v1.1", "/v2"].iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

// ---------------------------------------------------------------------------------------------
// Edge middleware: request id, Host and Origin checks, CORS, language, authentication

pub(crate) const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "Content-Type, X-Auth-Token, X-Project-Id, X-Sdk-Date, Authorization, X-Language, Accept-Language";

/// Who may reach the sandbox from a browser. The API takes a bearer token, so two things must
/// hold for a page on another site: it must not be able to read that token from `config.json`, and
/// it must not be able to call the API. Browsers enforce both through the same-origin policy — as
/// long as the server answers no CORS to strangers and refuses `Host` names that are not its own
/// (otherwise DNS rebinding makes a hostile name resolve to 127.0.0.1 and become "same origin").
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// `host[:port]` values (lower case) the `Host` header may carry.
    pub hosts: Vec<String>,
    /// Origins (`scheme://host[:port]`) granted CORS on the API paths, from `--allow-origin`.
    pub cors_origins: Vec<String>,
}

impl Access {
    /// The names a browser uses for `listen` (with its real port) plus the `--allowed-host` extras;
    /// a name given without a port stands for that name on the listening port.
    pub fn new(listen: std::net::SocketAddr, extra_hosts: &[String], cors_origins: &[String]) -> Access {
        let port = listen.port();
        let mut names: Vec<String> = Vec::new();
        let ip = listen.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            names.extend(["127.0.0.1", "localhost", "[::1]"].map(String::from));
        }
        if !ip.is_loopback() && !ip.is_unspecified() {
            names.push(match ip {
                std::net::IpAddr::V4(v4) => v4.to_string(),
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            });
        }
        let mut hosts = Vec::new();
        let mut add = |h: String| {
            if !hosts.contains(&h) {
                hosts.push(h);
            }
        };
        for name in names {
            add(format!("{name}:{port}"));
            if port == 80 {
                add(name);
            }
        }
        for extra in extra_hosts {
            let extra = extra.to_ascii_lowercase();
            if host_has_port(&extra) {
                add(extra);
            } else {
                add(format!("{extra}:{port}"));
                if port == 80 {
                    add(extra);
                }
            }
        }
        Access { hosts, cors_origins: cors_origins.to_vec() }
    }

    pub fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("").trim().to_ascii_lowercase();
        !host.is_empty() && self.hosts.contains(&host)
    }

    /// The sandbox's own origins: its allowed hosts over http, or https behind a TLS proxy.
    fn is_own_origin(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        ["http://", "https://"]
            .iter()
            .any(|scheme| origin.strip_prefix(scheme).is_some_and(|host| self.hosts.iter().any(|h| h == host)))
    }

    pub(crate) fn classify(&self, origin: Option<&str>) -> OriginKind {
        match origin {
            None => OriginKind::None,
            Some(o) if self.is_own_origin(o) => OriginKind::Own,
            Some(o) if self.cors_origins.iter().any(|c| c == o) => OriginKind::Granted,
            Some(_) => OriginKind::Foreign,
        }
    }
}

/// `host:port` or `[v6]:port` (a bare IPv6 literal in brackets has no port).
fn host_has_port(h: &str) -> bool {
    match h.rsplit_once(':') {
        Some((before, port)) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && (!before.starts_with('[') || before.ends_with(']')),
        None => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum OriginKind {
    /// No `Origin` header: not a cross-origin browser request (SDKs, curl, same-origin GETs).
    None,
    Own,
    /// Listed with `--allow-origin`: gets CORS on the API paths.
    Granted,
    Foreign,
}

pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn edge(State(st): State<Shared>, mut req: Request, next: Next) -> Response {
    let request_id = util::uuid_v4();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let lang = Lang::from_headers(req.headers());
    let path = req.uri().path().to_string();
    // The Alluxio coordinator API (/api/v1/<its resources>) and Alibaba's APIs (emr/; the rest of
    // /api/) authenticate in their own layers and answer in their own formats; the Origin and CORS
    // rules here cover them like the MRS paths.
    let alluxio_api = alluxio::is_alluxio_path(&path);
    let acs = !alluxio_api
        && (emr::is_roa_path(&path) || (path == "/" && emr::is_rpc_call(req.method(), req.uri().query(), req.headers())));
    let api = is_api_path(&path) || acs || alluxio_api;
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    let kind = st.access.classify(origin.as_deref());
    let coding = if api { compress::negotiate(req.headers()) } else { None };
    let resp = lang
        .scope(async {
            if !st.access.host_allowed(req.headers()) {
                // DNS rebinding: a page whose name resolves to this machine is still on a foreign Host.
                return plain(StatusCode::MISDIRECTED_REQUEST, "misdirected request: this server does not answer for that Host\n");
            }
            if req.method() == Method::OPTIONS {
                // A preflight carries no credentials; only granted origins get an answer they can use.
                return if api && kind == OriginKind::Granted {
                    let mut r = StatusCode::NO_CONTENT.into_response();
                    let h = r.headers_mut();
                    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOW_METHODS));
                    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
                    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
                    r
                } else {
                    plain(StatusCode::FORBIDDEN, "cross-origin requests are not allowed from this origin\n")
                };
            }
            let foreign = kind == OriginKind::Foreign;
            if api {
                if foreign && alluxio_api {
                    return alluxio::forbidden_origin();
                }
                if alluxio_api {
                    return next.run(req).await;
                }
                if foreign && acs {
                    let style = if emr::is_roa_path(&path) { emr::Style::Roa } else { emr::Style::Rpc };
                    return emr::AcsError::new(
                        StatusCode::FORBIDDEN,
                        "Forbidden",
                        text!(
                            "Requests from this web origin are not allowed (start the sandbox with --allow-origin to permit one).",
                            "不允许来自此网页来源的请求（可用 --allow-origin 启动沙箱以允许某个来源）。"
                        ),
                    )
                    .style(style)
                    .id(&request_id.to_ascii_uppercase())
                    .into_response();
                }
                if foreign {
                    return ApiError::new(
                        StatusCode::FORBIDDEN,
                        AUTH_FAILED,
                        text!(
                            "Requests from this web origin are not allowed (start the sandbox with --allow-origin to permit one).",
                            "不允许来自此网页来源的请求（可用 --allow-origin 启动沙箱以允许某个来源）。"
                        ),
                    )
                    .into_response();
                }
                if acs {
                    return next.run(req).await;
                }
                return match authenticate(&st, req).await {
                    Ok(req) => next.run(req).await,
                    Err(e) => e.into_response(),
                };
            }
            if path == st.console.config_path() && (foreign || kind == OriginKind::Granted) {
                // The configuration may carry the token: same origin only, whatever CORS allows.
                return plain(StatusCode::FORBIDDEN, "config.json is only served to the console's own origin\n");
            }
            next.run(req).await
        })
        .await;
    let mut resp = compress_api(resp, coding).await;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert(HeaderName::from_static("x-request-id"), v);
    }
    if api && !st.access.cors_origins.is_empty() {
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        if kind == OriginKind::Granted {
            if let Some(v) = origin.as_deref().and_then(|o| HeaderValue::from_str(o).ok()) {
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
                h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("X-Request-Id"));
            }
        }
    }
    resp
}

/// Accepts the sandbox token in `X-Auth-Token`, or an `SDK-HMAC-SHA256` signature by the sandbox
/// access key. Returns the request with its body restored (signature checks need to read it).
async fn authenticate(st: &AppState, req: Request) -> Result<Request, ApiError> {
    let (parts, body) = req.into_parts();
    if let Some(token) = parts.headers.get("x-auth-token") {
        let token = token.to_str().unwrap_or("");
        return if sign::constant_time_eq(token, &st.creds.token) {
            let bytes = read_body(body, &parts.headers).await?;
            Ok(Request::from_parts(parts, Body::from(bytes)))
        } else {
            Err(ApiError::unauthorized(text!("Invalid X-Auth-Token: it is not this sandbox's token.", "X-Auth-Token 无效：不是此沙箱的令牌。")))
        };
    }
    let Some(authorization) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(text!(
            "Missing credentials: send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header.",
            "缺少认证信息：请发送 X-Auth-Token 或 SDK-HMAC-SHA256 的 Authorization 头。"
        )));
    };
    let authorization = authorization.to_str().unwrap_or("").to_string();
    let bytes = read_body(body, &parts.headers).await?;
    verify_signature(&st.creds, &parts, &authorization, &bytes, util::now_secs())?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The whole request body, refused with the vendor's error past `BODY_LIMIT` (declared or sent).
async fn read_body(body: Body, headers: &HeaderMap) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "12000002",
            text!("The request body is larger than the limit of {BODY_LIMIT} bytes.", "请求体超过 {BODY_LIMIT} 字节的上限。"),
        )
    };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    to_bytes(body, BODY_LIMIT).await.map_err(|_| too_large())
}

fn verify_signature(
    creds: &Credentials,
    parts: &axum::http::request::Parts,
    authorization: &str,
    body: &[u8],
    now: i64,
) -> Result<(), ApiError> {
    let auth = sign::parse_authorization(authorization).ok_or_else(|| {
        ApiError::unauthorized(text!(
            "Malformed Authorization header: expected SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>.",
            "Authorization 头格式错误：应为 SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>。"
        ))
    })?;
    if auth.access_key != creds.access_key {
        let ak = &auth.access_key;
        return Err(ApiError::unauthorized(text!("Unknown access key {ak}.", "未知的访问密钥 {ak}。")));
    }
    let date = parts.headers.get("x-sdk-date").and_then(|v| v.to_str().ok()).unwrap_or("");
    if date.is_empty() {
        return Err(ApiError::unauthorized(text!(
            "Missing X-Sdk-Date header: signed requests must carry their signing time.",
            "缺少 X-Sdk-Date 头：签名请求须带上签名时间。"
        )));
    }
    let signed_at = sign::parse_sdk_date(date)
        .ok_or_else(|| ApiError::unauthorized(text!("Invalid X-Sdk-Date '{date}': expected YYYYMMDDTHHMMSSZ.", "X-Sdk-Date“{date}”无效：应为 YYYYMMDDTHHMMSSZ。")))?;
    let skew = (now - signed_at).abs();
    if skew > MAX_CLOCK_SKEW_SECS {
        return Err(ApiError::unauthorized(text!(
            "Clock skew too large: X-Sdk-Date {date} is {skew} s from the server's time (at most {MAX_CLOCK_SKEW_SECS} s allowed).",
            "时钟偏差过大：X-Sdk-Date {date} 与服务器时间相差 {skew} 秒（最多允许 {MAX_CLOCK_SKEW_SECS} 秒）。"
        )));
    }
    if !auth.signed_headers.iter().any(|h| h == "x-sdk-date") {
        return Err(ApiError::unauthorized(text!(
            "Signature mismatch: SignedHeaders must include x-sdk-date.",
            "签名不匹配：SignedHeaders 须包含 x-sdk-date。"
        )));
    }
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let query = sign::parse_query(parts.uri.query().unwrap_or(""));
    let input = sign::SigningInput {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: &query,
        headers: &headers,
        signed_headers: &auth.signed_headers,
        body,
    };
    let expected = sign::signature(&creds.secret_key, &sign::string_to_sign(&sign::canonical_request(&input), date));
    if !sign::constant_time_eq(&expected, &auth.signature) {
        return Err(ApiError::unauthorized(text!(
            "Signature mismatch: the signature does not match the request (check the secret key, the signed headers and the body).",
            "签名不匹配：签名与请求不符（请检查私有访问密钥、参与签名的头和请求体）。"
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Fallbacks

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    if is_api_path(uri.path()) {
        let path = uri.path();
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "12000002", text!("Method {method} is not allowed on {path}.", "{path} 不允许 {method} 方法。"))
            .into_response()
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response()
    }
}

async fn fallback(State(st): State<Shared>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if is_api_path(path) {
        return ApiError::new(StatusCode::NOT_FOUND, "12000002", text!("unknown API {method} {path}", "未知的 API：{method} {path}")).into_response();

    }
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
    }
    serve_static(&st.dist, &st.assets, &st.console, path, &headers).await
}

// ---------------------------------------------------------------------------------------------
// config.json and the console bundle

async fn config_json(State(st): State<Shared>) -> Response {
    let cfg = ConsoleConfig {
        endpoints: Endpoints::default(),
        project_id: st.creds.project_id.clone(),
        region: "cn-north-4".into(),
        emr_region: crate::engine::emr_spark::REGION.into(),
        token: st.expose_token.then(|| st.creds.token.clone()),
        sandbox: true,
        embed: EmbedConfig { allowed_parents: st.console.embed_origins.clone() },
        gateway: false,
    };
    let mut r = json(StatusCode::OK, &cfg);
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

const NOT_BUILT: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lakedeck sandbox</title></head>
<body>
<h1>Lakedeck sandbox is running</h1>
<p>The console bundle is not built yet, so there is nothing to show here. The MRS APIs under
<code>/v1.1/</code> and <code>/v2/</code> work already.</p>
<p>From the repository root, <code>./scripts/run.sh</code> builds the console and starts the sandbox
(see the README). To build the bundle alone:</p>
<pre>trunk build --release</pre>
<p>then restart the server with <code>--dist</code> pointing at the output folder (default <code>./dist</code>).</p>
</body></html>
";

pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Trunk names bundle files `name-<hash>.js`, `name-<hash>_bg.wasm`, `style-<hash>.css`; their
/// content never changes under the same name, so browsers may keep them for good.
pub fn is_hashed_asset(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    if !matches!(ext, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Maps a URL path to a file under `dist`, refusing anything that could leave it.
fn resolve(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = sign::percent_decode(url_path);
    let mut out = dist.to_path_buf();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." || seg.contains(['\\', ':', '\0']) {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

/// A file of the bundle, compressed when the client accepts it and a compressed copy is ready.
fn file_response(bytes: Vec<u8>, name: &str, encoded: Option<(compress::Coding, Arc<Vec<u8>>)>) -> Response {
    let cache = if is_hashed_asset(name) { "public, max-age=31536000, immutable" } else { "no-cache" };
    let kind = content_type(name);
    let mut r = match encoded {
        Some((coding, data)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, cache), (header::CONTENT_ENCODING, coding.token())],
            Body::from(data.as_ref().clone()),
        )
            .into_response(),
        None => (StatusCode::OK, [(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, cache)], bytes).into_response(),
    };
    let h = r.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if compress::compressible(kind) {
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    r
}

async fn send_file(assets: &Arc<AssetCache>, file: &Path, headers: &HeaderMap) -> Option<Response> {
    let meta = tokio::fs::metadata(file).await.ok().filter(|m| m.is_file())?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let encoded = compress::negotiate(headers)
        .filter(|_| compress::compressible(content_type(name)))
        .and_then(|c| assets.get(file, &meta, c).map(|d| (c, d)));
    if let Some(enc) = encoded {
        return Some(file_response(Vec::new(), name, Some(enc)));
    }
    let bytes = tokio::fs::read(file).await.ok()?;
    Some(file_response(bytes, name, None))
}

/// `index.html` with its `<base href>` set to where it is served, so the one bundle works under any
/// base path (compressed per request: it is a kilobyte), and the console's Content-Security-Policy.
async fn index_page(dist: &Path, site: &ConsoleSite, headers: &HeaderMap) -> Response {
    let mut r = match tokio::fs::read_to_string(dist.join("index.html")).await {
        Ok(html) => {
            let html = with_base_href(&html, &format!("{}/", site.base)).into_bytes();
            match compress::negotiate(headers) {
                Some(c) => file_response(Vec::new(), "index.html", Some((c, Arc::new(compress::encode(c, &html, false))))),
                None => file_response(html, "index.html", None),
            }
        }
        Err(_) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
            NOT_BUILT,
        )
            .into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&site.csp()) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

/// Replaces the `href` of the first `<base>` tag (quoted or not, as a minifier leaves it) with `href`,
/// or adds a `<base>` at the start of `<head>` when there is none (and `href` is not the root).
pub fn with_base_href(html: &str, href: &str) -> String {
    let tag = format!("<base href=\"{href}\">");
    let lower = html.to_ascii_lowercase();
    if let Some(start) = lower.find("<base").filter(|&i| lower[i + 5..].starts_with([' ', '>', '/', '\t', '\n'])) {
        if let Some(len) = html[start..].find('>') {
            return format!("{}{}{}", &html[..start], tag, &html[start + len + 1..]);
        }
    }
    if href == "/" {
        return html.to_string();
    }
    match lower.find("<head>") {
        Some(i) => format!("{}{}{}", &html[..i + 6], tag, &html[i + 6..]),
        None => format!("{tag}{html}"),
    }
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(v) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The console bundle from `dist` under `site`'s base path (the sandbox's and the gateway's),
/// compressed copies from `assets`.
pub(crate) async fn serve_static(dist: &Path, assets: &Arc<AssetCache>, site: &ConsoleSite, path: &str, headers: &HeaderMap) -> Response {
    let Some(path) = site.strip(path) else {
        // Outside the base path: the root leads to the console, anything else is not ours.
        return if path == "/" {
            redirect(&format!("{}/", site.base))
        } else {
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found\n").into_response()
        };
    };
    if path.is_empty() {
        return redirect(&format!("{}/", site.base));
    }
    if path == "/" || path == "/index.html" {
        return index_page(dist, site, headers).await;
    }
    if let Some(file) = resolve(dist, path) {
        if let Some(r) = send_file(assets, &file, headers).await {
            return r;
        }
    }
    // Client-side routes (`/clusters/abc`) are pages of the single-page app; a missing script or
    // image stays a 404 so a broken bundle is visible.
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html {
        return index_page(dist, site, headers).await;
    }
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "not found\n").into_response()
}

/// Compresses an API answer of `MIN_SIZE` bytes or more when the client accepts a coding.
async fn compress_api(resp: Response, coding: Option<compress::Coding>) -> Response {
    let Some(coding) = coding else { return resp };
    let kind = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !compress::compressible(kind) || resp.headers().contains_key(header::CONTENT_ENCODING) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // API answers are built in memory; a body past the limit is sent as it is.
    let Ok(bytes) = to_bytes(body, 64 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if bytes.len() < compress::MIN_SIZE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let encoded = tokio::task::spawn_blocking(move || compress::encode(coding, &bytes, false)).await.unwrap_or_default();
    parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding.token()));
    parts.headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets() {
        assert!(is_hashed_asset("lakedeck-3f2a9c1b0d4e5f67.js"));
        assert!(is_hashed_asset("lakedeck-3f2a9c1b0d4e5f67_bg.wasm"));
        assert!(is_hashed_asset("style-0123456789abcdef0123.css"));
        assert!(!is_hashed_asset("lakedeck-3f2a9c1b.js"));
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("logo-3f2a9c1b0d4e5f67.png"));
    }

    #[test]
    fn base_href_and_paths() {
        let min = "<!doctype html><html><head><base href=/><link href=./a.css rel=stylesheet>";
        assert_eq!(with_base_href(min, "/ops/x/"), "<!doctype html><html><head><base href=\"/ops/x/\"><link href=./a.css rel=stylesheet>");
        let pretty = "<head>\n<base href=\"/\" />\n<baseline>";
        assert_eq!(with_base_href(pretty, "/c/"), "<head>\n<base href=\"/c/\">\n<baseline>");
        assert_eq!(with_base_href("<html><head><title>t</title>", "/c/"), "<html><head><base href=\"/c/\"><title>t</title>");
        assert_eq!(with_base_href("<html>console</html>", "/"), "<html>console</html>");
        let site = ConsoleSite { base: "/ops/x".into(), ..Default::default() };
        assert_eq!(site.strip("/ops/x/clusters"), Some("/clusters"));
        assert_eq!(site.strip("/ops/x"), Some(""));
        assert_eq!(site.strip("/ops/xy"), None);
        assert_eq!(site.strip("/clusters"), None);
        assert_eq!(site.config_path(), "/ops/x/config.json");
        assert_eq!(ConsoleSite::default().strip("/a"), Some("/a"));
        let csp = ConsoleSite { embed_origins: vec!["https://p.example".into()], csp_report_uri: Some("/r".into()), ..Default::default() }.csp();
        assert!(csp.contains("frame-ancestors https://p.example; report-uri /r"), "{csp}");
        assert!(ConsoleSite::default().csp().contains("frame-ancestors 'none'"));
        for bad in ["'unsafe-inline'", "'unsafe-eval'", "*"] {
            assert!(!ConsoleSite::default().csp().contains(bad), "{bad}");
        }
    }

    #[test]
    fn api_paths_and_resolution() {
        assert!(is_api_path("/v1.1/p/cluster_infos"));
        assert!(is_api_path("/v2"));
        assert!(is_api_path("/v1/p/vpcs"));
        assert!(!is_api_path("/v2x/a"));
        assert!(!is_api_path("/clusters"));
        let d = Path::new("/d");
        assert_eq!(resolve(d, "/a/b.js"), Some(PathBuf::from("/d/a/b.js")));
        assert_eq!(resolve(d, "/a/%2e%2e/x"), None);
        assert_eq!(resolve(d, "/../x"), None);
    }
}
