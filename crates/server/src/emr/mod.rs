//! Alibaba Cloud E-MapReduce on the sandbox's listener: EMR Serverless Spark (ROA style, paths under
//! `/api/`) and the classic EMR data-development API (RPC style: `POST /` or `GET /` with `Action`
//! in the query or `x-acs-action`; query and form body merged). A browser's plain `GET /` still
//! gets the console.
//!
//! Every call goes through [`acs_layer`]: it reads the body, merges the parameters, verifies the
//! credentials (auth.rs) and hands the handlers an [`AcsCall`]. Errors are Alibaba's: RPC bodies
//! PascalCase (`RequestId`, `HostId`, `Code`, `Message` — the old Python SDK reads only those),
//! ROA bodies camelCase (`requestId`, `code`, `message`), `RequestId` always, and the same id in
//! the `x-acs-request-id` header.

pub mod auth;
pub mod flow;
pub mod spark;

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, on, MethodFilter};
use axum::Router;
use lakedeck_api::acs;
use lakedeck_api::problem::Problem;
use serde::Serialize;

use crate::engine::{Engine, EngineError};
use crate::http::Shared;
use crate::lang::Text;
use crate::{text, util};

/// Largest request body accepted (a CreateFlowJob with a long script is the biggest).
const BODY_LIMIT: usize = 2 * 1024 * 1024;
pub const HOST_ID: &str = "emr.aliyuncs.com";

/// Which of the two API styles a request uses (it decides the error body's casing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Rpc,
    Roa,
}

/// An Alibaba error answer.
#[derive(Debug)]
pub struct AcsError {
    pub status: StatusCode,
    pub code: String,
    pub message: Text,
    pub style: Style,
    pub request_id: String,
}

impl AcsError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<Text>) -> AcsError {
        AcsError { status, code: code.into(), message: message.into(), style: Style::Roa, request_id: String::new() }
    }

    pub fn bad(style: Style, code: impl Into<String>, message: impl Into<Text>) -> AcsError {
        AcsError::new(StatusCode::BAD_REQUEST, code, message).style(style)
    }

    pub fn style(mut self, style: Style) -> AcsError {
        self.style = style;
        self
    }

    pub fn id(mut self, request_id: &str) -> AcsError {
        self.request_id = request_id.to_string();
        self
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RpcErrorBody<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoaErrorBody<'a> {
    request_id: &'a str,
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for AcsError {
    fn into_response(self) -> Response {
        let id = if self.request_id.is_empty() { new_request_id() } else { self.request_id.clone() };
        let message = self.message.current();
        let body = match self.style {
            Style::Rpc => serde_json::to_vec(&RpcErrorBody { request_id: &id, host_id: HOST_ID, code: &self.code, message }),
            Style::Roa => serde_json::to_vec(&RoaErrorBody { request_id: &id, code: &self.code, message }),
        };
        respond(self.status, &id, body.unwrap_or_default())
    }
}

/// Alibaba request ids are upper-case UUIDs.
pub fn new_request_id() -> String {
    util::uuid_v4().to_ascii_uppercase()
}

fn respond(status: StatusCode, request_id: &str, body: Vec<u8>) -> Response {
    let mut r = (status, [(header::CONTENT_TYPE, "application/json;charset=utf-8")], body).into_response();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-acs-request-id", v);
    }
    r
}

/// A 200 answer: `body` serialized with the request id added under `RequestId` (RPC) or
/// `requestId` (ROA).
pub fn ok<T: Serialize>(call: &AcsCall, body: &T) -> Response {
    let mut v = match serde_json::to_value(body) {
        Ok(v) => v,
        Err(e) => return internal(call, format!("cannot encode a response: {e}")).into_response(),
    };
    if let Some(obj) = v.as_object_mut() {
        let key = if call.style == Style::Rpc { "RequestId" } else { "requestId" };
        obj.insert(key.to_string(), serde_json::Value::String(call.request_id.clone()));
    }
    respond(StatusCode::OK, &call.request_id, serde_json::to_vec(&v).unwrap_or_default())
}

fn internal(call: &AcsCall, detail: String) -> AcsError {
    eprintln!("error: {detail}");
    call.error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", text!(
        "The request processing has failed due to some unknown error; see the sandbox's output.",
        "请求处理因未知错误失败；请查看沙箱输出。"
    ))
}

/// Engine errors in Alibaba's words: the code says the status (`….NotFound` is 404).
pub fn engine_error(call: &AcsCall, e: EngineError) -> AcsError {
    match e {
        EngineError::Invalid { code, message } => {
            let status = if code.ends_with(".NotFound") { StatusCode::NOT_FOUND } else { StatusCode::BAD_REQUEST };
            call.error(status, &code, message)
        }
        EngineError::NotFound(message) => call.error(StatusCode::NOT_FOUND, "NotFound", message),
        EngineError::Internal(detail) => internal(call, detail),
    }
}

/// The answer to a broken shared rule, worded from the message catalogs.
pub fn problem(call: &AcsCall, p: &Problem) -> AcsError {
    let code = lakedeck_api::emr::acs_code(p);
    call.fail(code, problem_text(p))
}

/// A shared rule's problem in both languages, from the catalogs in `crates/api/locales/`.
pub use crate::problems::problem_text;

// ---------------------------------------------------------------------------------------------
// The call a handler sees

/// A verified Alibaba call: parameters decoded (`+` is a space), RPC's query and form merged.
#[derive(Clone, Debug)]
pub struct AcsCall {
    pub request_id: String,
    pub style: Style,
    pub params: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// RPC: `Action` (query) or `x-acs-action` (header).
    pub action: String,
    /// The caller's account UID (the sandbox has one account).
    pub caller: String,
}

impl AcsCall {
    /// The last non-empty value of `name` (an empty value counts as absent).
    pub fn get(&self, name: &str) -> Option<String> {
        self.params.iter().rev().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.clone())
    }

    pub fn error(&self, status: StatusCode, code: &str, message: Text) -> AcsError {
        AcsError::new(status, code, message).style(self.style).id(&self.request_id)
    }

    pub fn fail(&self, code: &str, message: Text) -> AcsError {
        self.error(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn missing(&self, name: &str) -> AcsError {
        self.fail("MissingParameter", text!(
            "The input parameter \"{name}\" that is mandatory for processing this request is not supplied.",
            "处理该请求所必需的输入参数 \"{name}\" 未提供。"
        ))
    }

    pub fn required(&self, name: &str) -> Result<String, AcsError> {
        self.get(name).map(|v| v.trim().to_string()).ok_or_else(|| self.missing(name))
    }

    /// A whole number within `min..=max`, `default` when absent.
    pub fn int(&self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, AcsError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => lakedeck_api::emr::parse_int(name, &v, min, max).map_err(|p| problem(self, &p)),
        }
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, AcsError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => lakedeck_api::emr::parse_bool(name, &v).map(Some).map_err(|p| problem(self, &p)),
        }
    }

    pub fn engine(&self, e: EngineError) -> AcsError {
        engine_error(self, e)
    }
}

/// The sandbox account's UID (what `creator` and `UserId` show): a stable 16-digit number derived
/// from the access key, so it survives restarts.
pub fn account_uid(access_key: &str) -> String {
    format!("{:016}", util::stable_hash(&["alibaba-uid", access_key]) % 10_000_000_000_000_000)
}

/// Runs engine work on the blocking pool (SQLite waits on locks).
pub async fn run<T: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&Arc<Engine>) -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    let engine = st.engine.clone();
    tokio::task::spawn_blocking(move || f(&engine))
        .await
        .unwrap_or_else(|e| Err(EngineError::Internal(format!("worker failed: {e}"))))
}

// ---------------------------------------------------------------------------------------------
// Routing and the authentication layer

/// Whether a request to `/` is an RPC call (`Action` in the query or an `x-acs-action` header).
pub fn is_rpc_call(method: &Method, query: Option<&str>, headers: &HeaderMap) -> bool {
    let has_action = query.is_some_and(|q| acs::parse_form(q).iter().any(|(k, v)| k == "Action" && !v.is_empty()));
    let header_action = headers.get("x-acs-action").is_some_and(|v| !v.is_empty());
    (method == Method::GET || method == Method::POST) && (has_action || header_action)
}

/// Paths of the Serverless Spark API.
pub fn is_roa_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

pub fn routes(state: Shared) -> Router<Shared> {
    let roa = |m: axum::routing::MethodRouter<Shared>| m.fallback(spark::method_not_found);
    Router::new()
        .route("/", on(MethodFilter::GET.or(MethodFilter::POST), flow::root))
        .route("/api/v1/workspaces", roa(get(spark::list_workspaces)))
        .route("/api/v1/releaseVersions", roa(get(spark::list_release_versions)))
        .route("/api/v1/workspaces/{workspace_id}/queues", roa(get(spark::list_queues)))
        .route("/api/v1/workspaces/{workspace_id}/jobRuns", roa(get(spark::list_job_runs).post(spark::start_job_run)))
        .route("/api/v1/workspaces/{workspace_id}/jobRuns/{job_run_id}", roa(get(spark::get_job_run).merge(delete(spark::cancel_job_run))))
        .route("/api/v1/workspaces/{workspace_id}/action/listLogContents", roa(get(spark::list_log_contents)))
        .route("/api/v1/workspaces/{workspace_id}/metric/cuHours/{queue}", roa(get(spark::get_cu_hours)))
        .route("/api", any(spark::not_found))
        .route("/api/{*rest}", any(spark::not_found))
        .layer(middleware::from_fn_with_state(state, acs_layer))
}

/// Verifies every Alibaba call before its handler runs; a plain `GET /` passes through to the
/// console.
pub async fn acs_layer(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let style = if is_roa_path(&path) { Style::Roa } else { Style::Rpc };
    if style == Style::Rpc && req.method() == Method::GET && !is_rpc_call(req.method(), req.uri().query(), req.headers()) {
        return next.run(req).await;
    }
    let request_id = req
        .extensions()
        .get::<crate::http::RequestId>()
        .map(|r| r.0.to_ascii_uppercase())
        .unwrap_or_else(new_request_id);
    let (mut parts, body) = req.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return AcsError::new(StatusCode::PAYLOAD_TOO_LARGE, "InvalidParameter", text!(
                "The request body is larger than 2 MiB.",
                "请求体超过 2 MiB。"
            ))
            .style(style)
            .id(&request_id)
            .into_response()
        }
    };
    let query = acs::parse_form(parts.uri.query().unwrap_or(""));
    let mut params = query.clone();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if style == Style::Rpc && is_form {
        params.extend(acs::parse_form(&String::from_utf8_lossy(&bytes)));
    }
    let presented = auth::Presented {
        style,
        method: &parts.method,
        path: parts.uri.path(),
        query: &query,
        params: &params,
        headers: &parts.headers,
        body: &bytes,
    };
    if let Err(e) = auth::verify(&st.creds, &st.acs_nonces, &presented, util::now_secs()) {
        return e.id(&request_id).into_response();
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let param = |name: &str| params.iter().rev().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone());
    let (want_version, version) = match style {
        Style::Rpc => (flow::VERSION, param("Version").or_else(|| header("x-acs-version"))),
        Style::Roa => (spark::VERSION, header("x-acs-version")),
    };
    if let Some(v) = version.filter(|v| v != want_version) {
        return AcsError::bad(style, "InvalidVersion", text!(
            "Specified parameter Version {v} is not valid; this API is version {want_version}.",
            "指定的参数 Version {v} 无效；本 API 的版本为 {want_version}。"
        ))
        .id(&request_id)
        .into_response();
    }
    let action = match style {
        Style::Rpc => param("Action").or_else(|| header("x-acs-action")).unwrap_or_default(),
        Style::Roa => header("x-acs-action").unwrap_or_default(),
    };
    let call = AcsCall { request_id, style, params, body: bytes.to_vec(), action, caller: account_uid(&st.creds.access_key) };
    parts.extensions.insert(call);
    next.run(Request::from_parts(parts, Body::empty())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpc_detection_and_paths() {
        let h = HeaderMap::new();
        assert!(is_rpc_call(&Method::POST, Some("Action=ListFlowProject&RegionId=cn-hangzhou"), &h));
        assert!(!is_rpc_call(&Method::GET, None, &h));
        assert!(!is_rpc_call(&Method::GET, Some("Action="), &h));
        let mut x = HeaderMap::new();
        x.insert("x-acs-action", HeaderValue::from_static("ListFlowJob"));
        assert!(is_rpc_call(&Method::POST, None, &x));
        assert!(!is_rpc_call(&Method::DELETE, None, &x));
        assert!(is_roa_path("/api/v1/workspaces") && is_roa_path("/api") && !is_roa_path("/apix"));
        assert_eq!(account_uid("AK").len(), 16);
        assert_eq!(account_uid("AK"), account_uid("AK"));
    }
}
