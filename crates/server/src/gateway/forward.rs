//! Forwarding: pick the allowed operation, check the user's role, read the body within the limit,
//! rebuild the request for the upstream from a fixed set of headers (never the user's token,
//! cookies or forwarding headers), sign it, and stream the answer back unchanged.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use lakedeck_api::{acs, sign};

use super::allow::{self, Found, Op, Scope, Service};
use super::audit::{self, Entry};
use super::config::{Endpoint, Keys, Limits};
use super::{Family, Forwarded, Gateway, Principal, Refusal};
use super::{BODY_TOO_LARGE, NOT_ALLOWED, ROLE_DENIED, SCOPE_DENIED, UPSTREAM_FAILED, UPSTREAM_TIMEOUT};
use crate::lang::Text;
use crate::{text, util};

/// API versions the ACS3 signature names.
pub const EMR_SERVERLESS_VERSION: &str = "2023-08-08";
pub const EMR_FLOW_VERSION: &str = "2016-04-08";

pub type Client = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// One HTTP/1.1 client for every upstream: rustls with the webpki root set (no system store, no
/// OpenSSL), plain http allowed for endpoints configured as `http://` (a sandbox, an in-cluster
/// Alluxio coordinator).
pub fn client(limits: &Limits) -> Result<Client, String> {
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(limits.connect_timeout));
    http.set_nodelay(true);
    http.enforce_http(false);
    let https = HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().wrap_connector(http);
    Ok(hyper_util::client::legacy::Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(https))
}

/// Where an allowed request goes.
struct Target<'a> {
    service: Service,
    operation: &'static str,
    write: bool,
    endpoint: &'a Endpoint,
}

/// Request headers passed on to the upstream; everything else (the user's token, cookies,
/// `Authorization`, `X-Forwarded-*`, the trusted header) stays here.
const PASSED_ON: [&str; 4] = ["content-type", "accept", "x-language", "accept-language"];

/// Response headers that describe this hop, not the answer, or that must not reach the browser
/// from another origin's service (cookies, the service's own CORS).
const DROPPED: [&str; 15] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "set-cookie",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
];

fn short(path: &str) -> String {
    let mut s: String = path.chars().take(200).collect();
    if s.len() < path.len() {
        s.push('…');
    }
    s
}

fn not_configured(section: &str) -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        NOT_ALLOWED,
        text!(
            "This gateway does not forward to this service: its configuration has no [{section}] section.",
            "此网关不转发到该服务：其配置中没有 [{section}] 部分。"
        ),
    )
}

fn not_allowed(method: &str, path: &str) -> Refusal {
    let path = short(path);
    Refusal::new(
        StatusCode::FORBIDDEN,
        NOT_ALLOWED,
        text!(
            "{method} {path} is not on the gateway's allowlist: it forwards only the operations the console uses.",
            "{method} {path} 不在网关的允许列表中：网关只转发控制台使用的操作。"
        ),
    )
}

fn from_found<'a>(found: Found, method: &str, path: &str, endpoint: impl Fn(&Op) -> &'a Endpoint) -> Result<Target<'a>, Refusal> {
    match found {
        Found::Op(op) => Ok(Target { service: op.service, operation: op.name, write: op.write, endpoint: endpoint(op) }),
        Found::OtherScope { what, given, .. } => {
            let given = short(&given);
            Err(Refusal::new(
                StatusCode::FORBIDDEN,
                SCOPE_DENIED,
                if what == "project" {
                    text!(
                        "This gateway serves one project; {given} is not it (use the project id from Settings).",
                        "此网关只服务一个项目；{given} 不是该项目（请使用“设置”中的项目 ID）。"
                    )
                } else {
                    text!("This gateway serves one region; {given} is not it.", "此网关只服务一个区域；{given} 不是该区域。")
                },
            ))
        }
        Found::NotAllowed => Err(not_allowed(method, path)),
    }
}

fn resolve<'a>(gw: &'a Gateway, family: Family, method: &str, path: &str) -> Result<Target<'a>, Refusal> {
    match family {
        Family::Huawei => {
            let m = gw.cfg.mrs.as_ref().ok_or_else(|| not_configured("mrs"))?;
            let scope = Scope { project_id: Some(&m.project_id), region: Some(&m.region) };
            from_found(allow::find(allow::HUAWEI, method, path, scope), method, path, |op| {
                if op.service == Service::Vpc {
                    &m.vpc_endpoint
                } else {
                    &m.endpoint
                }
            })
        }
        Family::Alluxio => {
            let a = gw.cfg.alluxio.as_ref().ok_or_else(|| not_configured("alluxio"))?;
            from_found(allow::find(allow::ALLUXIO, method, path, Scope::default()), method, path, |_| &a.endpoint)
        }
        Family::AcsRoa => {
            let e = gw.cfg.emr.as_ref().ok_or_else(|| not_configured("emr"))?;
            let ep = e.serverless_endpoint.as_ref().ok_or_else(|| not_configured("emr] serverless_endpoint in [emr"))?;
            from_found(allow::find(allow::EMR_SERVERLESS, method, path, Scope::default()), method, path, |_| ep)
        }
        // RPC operations are named by their Action, found in the request (see `rpc_target`).
        Family::AcsRpc => Err(not_allowed(method, path)),
        Family::Gateway => Err(not_allowed(method, path)),
    }
}

/// Parameters of the Alibaba v1 signature and the RPC operation selectors: the gateway signs with
/// ACS3, where Action and Version travel as headers, so a caller's copies are dropped.
const ACS_CONTROL_PARAMS: [&str; 10] = [
    "Action",
    "Version",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "SecurityToken",
];

/// A classic-EMR RPC call: its Action (the `x-acs-action` header, else `Action` in the query or
/// the form body) must be an allowed one.
fn rpc_target<'a>(gw: &'a Gateway, method: &str, headers: &HeaderMap, params: &[(String, String)]) -> Result<Target<'a>, Refusal> {
    let e = gw.cfg.emr.as_ref().ok_or_else(|| not_configured("emr"))?;
    let ep = e.endpoint.as_ref().ok_or_else(|| not_configured("emr] endpoint in [emr"))?;
    let action = headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| params.iter().find(|(k, _)| k == "Action").map(|(_, v)| v.clone()))
        .unwrap_or_default();
    if method != "POST" && method != "GET" {
        return Err(not_allowed(method, "/"));
    }
    match allow::EMR_FLOW_ACTIONS.iter().find(|(a, _)| *a == action) {
        Some((name, write)) => Ok(Target { service: Service::EmrFlow, operation: name, write: *write, endpoint: ep }),
        None => {
            let shown = short(&action);
            Err(Refusal::new(
                StatusCode::FORBIDDEN,
                NOT_ALLOWED,
                text!(
                    "The action '{shown}' is not on the gateway's allowlist: it forwards only the operations the console uses.",
                    "操作 '{shown}' 不在网关的允许列表中：网关只转发控制台使用的操作。"
                ),
            ))
        }
    }
}

/// An EMR call names a region in `regionId`/`RegionId`; it must be the gateway's.
fn check_region(gw: &Gateway, params: &[(String, String)]) -> Result<(), Refusal> {
    let Some(e) = &gw.cfg.emr else { return Ok(()) };
    for (k, v) in params {
        if (k == "regionId" || k == "RegionId") && !v.is_empty() && *v != e.region {
            let (given, region) = (short(v), e.region.clone());
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                SCOPE_DENIED,
                text!("This gateway serves region {region}; {given} is not it.", "此网关只服务区域 {region}；{given} 不是该区域。"),
            ));
        }
    }
    Ok(())
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// The request as it will go to the upstream: what the signers cover.
pub struct Outgoing<'a> {
    pub method: &'a str,
    /// The upstream path, percent-encoded as sent (base path included).
    pub path: &'a str,
    /// The raw query string, as sent.
    pub query: &'a str,
    pub body: &'a [u8],
    /// Lower-case names; `host` first.
    pub headers: Vec<(String, String)>,
}

/// Huawei `SDK-HMAC-SHA256`, as the SDK signs: the project header and the date are added, then
/// content type (when there is one), host, project and date are signed over the exact body.
pub fn sign_huawei(out: &mut Outgoing, keys: &Keys, project_id: &str, now: i64) {
    let date = sign::format_sdk_date(now);
    out.headers.push(("x-project-id".into(), project_id.into()));
    out.headers.push(("x-sdk-date".into(), date.clone()));
    let mut signed: Vec<String> = out
        .headers
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| matches!(k.as_str(), "content-type" | "host" | "x-project-id" | "x-sdk-date"))
        .collect();
    signed.sort();
    let query = sign::parse_query(out.query);
    let input =
        sign::SigningInput { method: out.method, path: out.path, query: &query, headers: &out.headers, signed_headers: &signed, body: out.body };
    let authorization = sign::authorization_header(keys.access_key.expose(), keys.secret_key.expose(), &input, &date);
    out.headers.push(("authorization".into(), authorization));
}

/// Alibaba `ACS3-HMAC-SHA256` as the SDKs sign: action, version, date, nonce and the body's hash
/// as `x-acs-*` headers, signed with the host and the content type over the exact body.
pub fn sign_acs3(out: &mut Outgoing, keys: &Keys, action: &str, version: &str, date: &str, nonce: &str) {
    let payload_hash = acs::content_sha256(out.body);
    for (k, v) in [
        ("x-acs-action", action),
        ("x-acs-version", version),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-content-sha256", payload_hash.as_str()),
    ] {
        out.headers.push((k.into(), v.into()));
    }
    let mut signed: Vec<String> = out
        .headers
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| k == "host" || k == "content-type" || k.starts_with("x-acs-"))
        .collect();
    signed.sort();
    signed.dedup();
    let query = acs::parse_form(out.query);
    let input = acs::V3Input {
        method: out.method,
        path: out.path,
        query: &query,
        headers: &out.headers,
        signed_headers: &signed,
        payload_hash: &payload_hash,
    };
    let authorization = acs::v3_authorization(keys.access_key.expose(), keys.secret_key.expose(), &input);
    out.headers.push(("authorization".into(), authorization));
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Streams the upstream body, ending it with an error when the upstream pauses longer than `idle`.
fn stream_body(incoming: hyper::body::Incoming, idle: Duration) -> Body {
    let stream = futures::stream::unfold(Some(incoming), move |state| async move {
        let mut body = state?;
        loop {
            match tokio::time::timeout(idle, body.frame()).await {
                Ok(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => return Some((Ok::<Bytes, io::Error>(data), Some(body))),
                    // Trailers: nothing a browser reads; keep going.
                    Err(_) => continue,
                },
                Ok(Some(Err(e))) => return Some((Err(io::Error::other(e)), None)),
                Ok(None) => return None,
                Err(_) => return Some((Err(io::Error::new(io::ErrorKind::TimedOut, "the upstream stopped sending")), None)),
            }
        }
    });
    Body::from_stream(stream)
}

struct Attempt<'a> {
    gw: &'a Gateway,
    who: &'a Principal,
    method: &'a str,
    path: &'a str,
    request_id: &'a str,
}

impl Attempt<'_> {
    fn audit(&self, service: &str, operation: &str, status: StatusCode, upstream_request_id: Option<&str>) {
        if let Some(a) = &self.gw.audit {
            a.record(&Entry {
                time: audit::rfc3339(util::now_ms()),
                user: &self.who.name,
                role: self.who.role.as_str(),
                service,
                operation,
                method: self.method,
                path: self.path,
                status: status.as_u16(),
                request_id: self.request_id,
                upstream_request_id,
            });
        }
    }
}

async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, Refusal> {
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            BODY_TOO_LARGE,
            text!("The request body is larger than the gateway's limit of {limit} bytes.", "请求体超过网关的上限 {limit} 字节。"),
        )
    };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(e) => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            UPSTREAM_FAILED,
            Text::from(format!("The request body could not be read: {e}")),
        )),
    }
}

pub async fn proxy(gw: &Arc<Gateway>, family: Family, req: Request, who: &Principal, request_id: &str) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let attempt = Attempt { gw, who, method, path, request_id };

    // An RPC call says what it is in its parameters, which may be in the body.
    let (early_body, body) = if family == Family::AcsRpc {
        match read_body(body, &parts.headers, gw.cfg.limits.max_body_bytes).await {
            Ok(b) => (Some(b), None),
            Err(r) => return r.respond(family, request_id),
        }
    } else {
        (None, Some(body))
    };
    let mut params: Vec<(String, String)> = Vec::new();
    if matches!(family, Family::AcsRpc | Family::AcsRoa) {
        params = acs::parse_form(query);
        if let Some(b) = early_body.as_ref().filter(|_| is_form(&parts.headers)) {
            params.extend(acs::parse_form(&String::from_utf8_lossy(b)));
        }
    }
    let resolved = if family == Family::AcsRpc { rpc_target(gw, method, &parts.headers, &params) } else { resolve(gw, family, method, path) };
    let resolved = resolved.and_then(|t| check_region(gw, &params).map(|()| t));
    let target = match resolved {
        Ok(t) => t,
        Err(r) => {
            if method != "GET" {
                // A change nobody may make here is still worth a line in the record.
                attempt.audit(family_service(family), "-", r.status, None);
            }
            return r.respond(family, request_id);
        }
    };
    if target.write && !who.role.may_write() {
        let role = who.role.as_str();
        let op = target.operation;
        let r = Refusal::new(
            StatusCode::FORBIDDEN,
            ROLE_DENIED,
            text!(
                "Your role ({role}) can only read: {op} changes something, which needs the operator role.",
                "您的角色（{role}）只能读取：{op} 会修改数据，需要 operator 角色。"
            ),
        );
        attempt.audit(target.service.name(), target.operation, r.status, None);
        return r.respond(family, request_id);
    }
    let body = match (early_body, body) {
        (Some(b), _) => b,
        (None, body) => match read_body(body.unwrap_or_default(), &parts.headers, gw.cfg.limits.max_body_bytes).await {
            Ok(b) => b,
            Err(r) => {
                if target.write {
                    attempt.audit(target.service.name(), target.operation, r.status, None);
                }
                return r.respond(family, request_id);
            }
        },
    };
    // RPC with ACS3: Action and Version become headers, so the caller's copies (and any v1
    // signature parameters) leave the query and the form body.
    let (query, body): (String, Bytes) = if target.service == Service::EmrFlow {
        let keep = |pairs: Vec<(String, String)>| -> Vec<(String, String)> {
            pairs.into_iter().filter(|(k, _)| !ACS_CONTROL_PARAMS.contains(&k.as_str())).collect()
        };
        let form = is_form(&parts.headers);
        let body = if form { Bytes::from(acs::to_form(&keep(acs::parse_form(&String::from_utf8_lossy(&body))))) } else { body };
        (acs::to_form(&keep(acs::parse_form(query))), body)
    } else {
        (query.to_string(), body)
    };

    let endpoint = target.endpoint;
    let upstream_path = format!("{}{}", endpoint.base_path, path);
    let mut out = Outgoing { method, path: &upstream_path, query: &query, body: &body, headers: vec![("host".into(), endpoint.authority.clone())] };
    for name in PASSED_ON {
        if let Some(v) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            out.headers.push((name.to_string(), v.to_string()));
        }
    }
    if target.service == Service::EmrFlow && !body.is_empty() && !out.headers.iter().any(|(k, _)| k == "content-type") {
        out.headers.push(("content-type".into(), "application/x-www-form-urlencoded".into()));
    }
    out.headers.push(("user-agent".into(), concat!("lakedeck-gateway/", env!("CARGO_PKG_VERSION")).into()));
    match target.service {
        Service::Mrs | Service::Vpc => {
            let m = gw.cfg.mrs.as_ref().expect("resolved to an MRS operation");
            sign_huawei(&mut out, &m.keys, &m.project_id, util::now_secs());
        }
        Service::Alluxio => {
            if let Some(b) = gw.cfg.alluxio.as_ref().and_then(|a| a.bearer.as_ref()) {
                out.headers.push(("authorization".into(), format!("Bearer {}", b.expose())));
            }
        }
        Service::EmrServerless | Service::EmrFlow => {
            let e = gw.cfg.emr.as_ref().expect("resolved to an EMR operation");
            let version = if target.service == Service::EmrFlow { EMR_FLOW_VERSION } else { EMR_SERVERLESS_VERSION };
            let nonce = util::hex(&util::random_bytes::<16>());
            sign_acs3(&mut out, &e.keys, target.operation, version, &acs::format_iso8601(util::now_secs()), &nonce);
        }
    }

    let scheme = if endpoint.https { "https" } else { "http" };
    let q = if query.is_empty() { String::new() } else { format!("?{query}") };
    let url = format!("{scheme}://{}{upstream_path}{q}", endpoint.authority);
    let mut builder = hyper::Request::builder().method(parts.method.clone()).uri(&url);
    for (k, v) in &out.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let upstream_req = match builder.body(Full::new(body.clone())) {
        Ok(r) => r,
        Err(e) => {
            return Refusal::new(StatusCode::BAD_REQUEST, UPSTREAM_FAILED, Text::from(format!("The request could not be forwarded: {e}")))
                .respond(family, request_id)
        }
    };

    let service = target.service.name();
    let endpoint_url = endpoint.url();
    let limits = &gw.cfg.limits;
    let answer = match tokio::time::timeout(limits.response_timeout, gw.client.request(upstream_req)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            let detail = error_chain(&e);
            eprintln!("gateway: {service} {} {}: {detail} [request {request_id}]", method, short(path));
            let r = Refusal::new(
                StatusCode::BAD_GATEWAY,
                UPSTREAM_FAILED,
                text!("The {service} endpoint {endpoint_url} could not be reached: {detail}", "无法连接 {service} 服务地址 {endpoint_url}：{detail}"),
            );
            if target.write {
                attempt.audit(service, target.operation, r.status, None);
            }
            return r.respond(family, request_id);
        }
        Err(_) => {
            let secs = limits.response_timeout.as_secs();
            let r = Refusal::new(
                StatusCode::GATEWAY_TIMEOUT,
                UPSTREAM_TIMEOUT,
                text!(
                    "The {service} endpoint did not answer within {secs} s; the operation may still complete — check before retrying a change.",
                    "{service} 服务在 {secs} 秒内没有响应；操作可能仍会完成，重试修改操作前请先确认。"
                ),
            );
            if target.write {
                attempt.audit(service, target.operation, r.status, None);
            }
            return r.respond(family, request_id);
        }
    };

    let (head, incoming) = answer.into_parts();
    let upstream_id = ["x-request-id", "x-acs-request-id"]
        .iter()
        .find_map(|h| head.headers.get(*h).and_then(|v| v.to_str().ok()))
        .map(str::to_string);
    if target.write {
        attempt.audit(service, target.operation, head.status, upstream_id.as_deref());
    }
    let mut resp = Response::new(stream_body(incoming, limits.idle_timeout));
    *resp.status_mut() = head.status;
    for (name, value) in &head.headers {
        if !DROPPED.contains(&name.as_str()) {
            resp.headers_mut().append(name.clone(), value.clone());
        }
    }
    resp.headers_mut().entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    resp.extensions_mut().insert(Forwarded);
    resp
}

fn family_service(family: Family) -> &'static str {
    match family {
        Family::Huawei => "mrs",
        Family::AcsRoa => "emr-serverless",
        Family::AcsRpc => "emr",
        Family::Alluxio => "alluxio",
        Family::Gateway => "gateway",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::config::Secret;

    /// The gateway's own header set and signing, against huaweicloudsdkcore's signatures of the
    /// same requests (crates/api/tests/fixtures/signatures.json).
    #[test]
    fn huawei_requests_are_signed_as_the_sdk_signs_them() {
        let text = include_str!("../../../api/tests/fixtures/signatures.json");
        let all: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut checked = 0;
        for case in all["huawei"].as_array().unwrap() {
            let headers: Vec<(String, String)> = case["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().to_ascii_lowercase(), h[1].as_str().unwrap().to_string()))
                .collect();
            // Only the requests whose headers are the ones the gateway sends.
            if headers.iter().any(|(k, _)| !matches!(k.as_str(), "content-type" | "host" | "x-project-id" | "x-sdk-date")) {
                continue;
            }
            let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            let mut out = Outgoing {
                method: case["method"].as_str().unwrap(),
                path: case["path"].as_str().unwrap(),
                query: case["query"].as_str().unwrap(),
                body: case["body"].as_str().unwrap().as_bytes(),
                headers: vec![("host".into(), get("host").unwrap())],
            };
            if let Some(ct) = get("content-type") {
                out.headers.push(("content-type".into(), ct));
            }
            let keys = Keys { access_key: Secret::new(case["ak"].as_str().unwrap()), secret_key: Secret::new(case["sk"].as_str().unwrap()) };
            let now = sign::parse_sdk_date(&get("x-sdk-date").unwrap()).unwrap();
            sign_huawei(&mut out, &keys, &get("x-project-id").unwrap(), now);
            let auth = out.headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.as_str());
            assert_eq!(auth, case["authorization"].as_str(), "case {}", case["name"]);
            checked += 1;
        }
        assert!(checked >= 6, "only {checked} cases used the gateway's header set");
    }

    /// The gateway's ACS3 header set and signing, against alibabacloud_tea_openapi's signatures
    /// of the same requests (fixed date and nonce).
    #[test]
    fn alibaba_requests_are_signed_as_the_sdk_signs_them() {
        let text = include_str!("../../../api/tests/fixtures/signatures.json");
        let all: serde_json::Value = serde_json::from_str(text).unwrap();
        let cases = all["acs3"].as_array().unwrap();
        for case in cases {
            let get = |name: &str| {
                case["headers"].as_array().unwrap().iter().find(|h| h[0] == name).map(|h| h[1].as_str().unwrap().to_string())
            };
            let mut out = Outgoing {
                method: case["method"].as_str().unwrap(),
                path: case["path"].as_str().unwrap(),
                query: case["query"].as_str().unwrap(),
                body: case["body"].as_str().unwrap().as_bytes(),
                headers: vec![("host".into(), get("host").unwrap())],
            };
            if let Some(ct) = get("content-type") {
                out.headers.push(("content-type".into(), ct));
            }
            let keys = Keys { access_key: Secret::new(case["ak"].as_str().unwrap()), secret_key: Secret::new(case["sk"].as_str().unwrap()) };
            let version = get("x-acs-version").unwrap();
            assert!(version == EMR_FLOW_VERSION || version == EMR_SERVERLESS_VERSION);
            sign_acs3(&mut out, &keys, &get("x-acs-action").unwrap(), &version, &get("x-acs-date").unwrap(), &get("x-acs-signature-nonce").unwrap());
            let auth = out.headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.as_str());
            assert_eq!(auth, case["authorization"].as_str(), "case {}", case["name"]);
        }
        assert!(cases.len() >= 6);
    }
}
