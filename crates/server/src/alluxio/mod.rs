//! The Alluxio coordinator REST API (alluxio-api.md §2–§10, seeds/004) over the sandbox's cache
//! cluster (engine/cache). Paths are the coordinator's own, under `/api/v1/`; errors are
//! `{"status": "<message>"}` in the request's language (a 409 also carries the colliding job's
//! `id`). The coordinator has no authentication; the sandbox requires its token in `X-Auth-Token`
//! or `Authorization: Bearer`, else 401.
//!
//! Sandbox-only additions under `/api/v1/sandbox/`: add, stop and start workers (so the ring can
//! change), a picture of the ring, and a namespace browser with cached bytes per entry.

// Handlers answer `Result<_, Response>` (axum's idiom); the error is a whole response by design.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use lakedeck_api::alluxio::{
    is_final_job_state, CacheFilterChange, FileIndexChange, JobList, JobSubmit, QuotaSet, RebalanceSubmit, RingPlacement, RingView,
    RingWorker, WorkerChange,
};
use lakedeck_api::sign;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::cache::jobs::Selector;
use crate::engine::cache::{Cache, CacheError};
use crate::http::{json as json_response, Shared};
use crate::lang::Text;
use crate::text;

/// The coordinator resources this module answers (second path segment after `/api/v1`).
pub const RESOURCES: [&str; 12] =
    ["load", "free", "rebalance", "cache", "mount", "quota", "ttl", "priority", "nodes", "file_index", "cache-filter", "sandbox"];

/// Whether `path` is one of this API's paths (`/api/v1/<resource>` or below it). Only these
/// second segments are this module's: other services live under `/api/v1/` too.
pub fn is_alluxio_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1/") else { return false };
    let first = rest.split('/').next().unwrap_or("");
    RESOURCES.contains(&first)
}

pub fn routes(state: Shared) -> Router<Shared> {
    let mut r = Router::new()
        .route("/api/v1/load", job_routes("LOAD"))
        .route("/api/v1/free", job_routes("FREE"))
        .route("/api/v1/rebalance", job_routes("REBALANCE"))
        .route("/api/v1/cache", get(stale_get).post(stale_post).delete(stale_delete).fallback(not_allowed))
        .route("/api/v1/mount", get(mount_get).post(mount_post).delete(mount_delete).fallback(not_allowed))
        .route("/api/v1/quota", get(quota_get).post(quota_post).delete(quota_delete).fallback(not_allowed))
        .route("/api/v1/ttl", get(ttl_get).post(ttl_post).delete(ttl_delete).fallback(not_allowed))
        .route("/api/v1/priority", get(priority_get).post(priority_post).delete(priority_delete).fallback(not_allowed))
        .route("/api/v1/nodes", get(nodes_get).delete(nodes_delete).fallback(not_allowed))
        .route("/api/v1/file_index", get(index_get).post(index_post).delete(index_delete).fallback(not_allowed))
        .route("/api/v1/cache-filter", get(filter_get).post(filter_post).delete(filter_delete).fallback(not_allowed))
        .route("/api/v1/sandbox/workers", get(nodes_get).post(worker_add).fallback(not_allowed))
        .route("/api/v1/sandbox/workers/stop", post(worker_stop).fallback(not_allowed))
        .route("/api/v1/sandbox/workers/start", post(worker_start).fallback(not_allowed))
        .route("/api/v1/sandbox/ring", get(ring).fallback(not_allowed))
        .route("/api/v1/sandbox/browse", get(browse).fallback(not_allowed));
    for res in RESOURCES {
        r = r.route(&format!("/api/v1/{res}/{{*rest}}"), any(unknown));
    }
    r.route_layer(middleware::from_fn_with_state(state, auth))
}

// ---------------------------------------------------------------------------------------------
// Answers

#[derive(Serialize)]
struct StatusBody {
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

fn status(code: StatusCode, text: Text) -> Response {
    json_response(code, &StatusBody { status: text.current().to_string(), id: None })
}

pub fn error(e: CacheError) -> Response {
    match e {
        CacheError::BadRequest(t) => status(StatusCode::BAD_REQUEST, t),
        CacheError::NotFound(t) => status(StatusCode::NOT_FOUND, t),
        CacheError::Conflict { text, id } => json_response(StatusCode::CONFLICT, &StatusBody { status: text.current().to_string(), id }),
        CacheError::Gone(t) => status(StatusCode::GONE, t),
        CacheError::NotImplemented(t) => status(StatusCode::NOT_IMPLEMENTED, t),
        CacheError::Internal(detail) => {
            eprintln!("error: {detail}");
            status(StatusCode::INTERNAL_SERVER_ERROR, text!("Internal error; see the sandbox log.", "内部错误；请查看沙箱日志。"))
        }
    }
}

fn ok<T: Serialize>(body: &T) -> Response {
    json_response(StatusCode::OK, body)
}

type Answer = Result<Response, Response>;

/// Runs cache work on the blocking pool (SQLite and file I/O).
async fn run<T: Send + 'static>(st: &Shared, f: impl FnOnce(&Arc<Cache>) -> Result<T, CacheError> + Send + 'static) -> Result<T, Response> {
    let cache = st.engine.cache().clone();
    tokio::task::spawn_blocking(move || f(&cache))
        .await
        .unwrap_or_else(|e| Err(CacheError::Internal(format!("worker failed: {e}"))))
        .map_err(error)
}

fn bad(t: Text) -> Response {
    status(StatusCode::BAD_REQUEST, t)
}

/// A required JSON object body: 400 when absent, not JSON or not the expected shape.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Response> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad(text!("The request has no body: send a JSON object.", "请求没有正文：请发送 JSON 对象。")));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let e = e.to_string();
        bad(text!("The body is not valid JSON: {e}", "请求正文不是有效的 JSON：{e}"))
    })?;
    if !value.is_object() {
        return Err(bad(text!("The body must be a JSON object.", "请求正文必须是 JSON 对象。")));
    }
    serde_json::from_value(value).map_err(|e| {
        let e = e.to_string();
        bad(text!("The body has a field of the wrong type: {e}", "请求正文中有字段类型错误：{e}"))
    })
}

/// An optional body (`{}` when absent).
fn optional_body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, Response> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    body(bytes)
}

struct Query(Vec<(String, String)>);

impl Query {
    fn parse(uri: &axum::http::Uri) -> Query {
        Query(sign::parse_query(uri.query().unwrap_or("")))
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string())
    }

    fn flag(&self, key: &str) -> Result<bool, Response> {
        match self.get(key).map(|v| v.to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if v == "true" || v == "1" => Ok(true),
            Some(v) if v == "false" || v == "0" => Ok(false),
            Some(v) => Err(bad(text!("{key} must be true or false, not '{v}'.", "{key} 必须是 true 或 false，不能是 '{v}'。"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication and fallbacks

async fn auth(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let given = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .map(|t| t.trim().to_string())
        });
    match given {
        Some(t) if sign::constant_time_eq(&t, &st.creds.token) => next.run(req).await,
        Some(_) => status(
            StatusCode::UNAUTHORIZED,
            text!("The token is not this sandbox's token.", "令牌不是本沙箱的令牌。"),
        ),
        None => status(
            StatusCode::UNAUTHORIZED,
            text!(
                "Missing credentials: send the sandbox token in X-Auth-Token or Authorization: Bearer.",
                "缺少凭证：请在 X-Auth-Token 或 Authorization: Bearer 中发送沙箱令牌。"
            ),
        ),
    }
}

/// The edge's answer to a browser page of a foreign origin (see http.rs `edge`).
pub fn forbidden_origin() -> Response {
    status(
        StatusCode::FORBIDDEN,
        text!(
            "Requests from this web origin are not allowed (start the sandbox with --allow-origin to permit one).",
            "不允许来自此网页来源的请求（可用 --allow-origin 启动沙箱以允许某个来源）。"
        ),
    )
}

async fn not_allowed(method: Method, uri: axum::http::Uri) -> Response {
    let path = uri.path().to_string();
    let m = method.to_string();
    status(StatusCode::METHOD_NOT_ALLOWED, text!("Method {m} is not allowed on {path}.", "{path} 不支持 {m} 方法。"))
}

async fn unknown(method: Method, uri: axum::http::Uri) -> Response {
    let path = uri.path().to_string();
    let m = method.to_string();
    status(StatusCode::NOT_FOUND, text!("Unknown API {m} {path}.", "未知的 API：{m} {path}。"))
}

// ---------------------------------------------------------------------------------------------
// Jobs: load, free, rebalance

fn job_routes(kind: &'static str) -> MethodRouter<Shared> {
    get(move |st: State<Shared>, uri: axum::http::Uri| job_get(st, uri, kind))
        .post(move |st: State<Shared>, b: Bytes| job_post(st, b, kind))
        .delete(move |st: State<Shared>, uri: axum::http::Uri, b: Bytes| job_delete(st, uri, b, kind))
        .fallback(not_allowed)
}

fn selector_from_query(q: &Query) -> Selector {
    Selector { id: q.get("id"), index: q.get("index"), alias: q.get("alias"), target: q.get("target"), paths: None }
}

async fn job_get(State(st): State<Shared>, uri: axum::http::Uri, kind: &'static str) -> Response {
    let q = Query::parse(&uri);
    let sel = selector_from_query(&q);
    let answer: Answer = async {
        let file_list = q.flag("fileList")?;
        if !sel.is_empty() {
            let p = run(&st, move |c| c.job_progress(kind, &sel, file_list)).await?;
            return Ok(ok(&p));
        }
        let count = match q.get("count") {
            None => None,
            Some(raw) => Some(raw.parse::<usize>().ok().filter(|n| (1..=100_000).contains(n)).ok_or_else(|| {
                bad(text!("count must be a whole number from 1 to 100000, not '{raw}'.", "count 必须是 1 到 100000 之间的整数，不能是 '{raw}'。"))
            })?),
        };
        let last = q.get("lastKey");
        let results = run(&st, move |c| c.list_jobs(kind, last.as_deref(), count)).await?;
        Ok(ok(&JobList { results }))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn job_post(State(st): State<Shared>, bytes: Bytes, kind: &'static str) -> Response {
    let answer: Answer = async {
        let (submitted, sync) = if kind == "REBALANCE" {
            let req: RebalanceSubmit = body(&bytes)?;
            let o = req.options.clone().unwrap_or_default();
            (run(&st, move |c| c.submit_rebalance(req.target.as_deref(), &o)).await?, false)
        } else {
            let req: JobSubmit = body(&bytes)?;
            let sync = req.options.as_ref().and_then(|o| o.sync).unwrap_or(false);
            (run(&st, move |c| c.submit(kind, &req)).await?, sync)
        };
        if !sync {
            return Ok(ok(&submitted));
        }
        // 3.6 `sync`: answer the final progress.
        let id = submitted.id.clone();
        loop {
            let i = id.clone();
            let p = run(&st, move |c| c.job_by_id(&i)).await?;
            match p {
                Some(p) if is_final_job_state(&p.state) => return Ok(ok(&p)),
                Some(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                None => return Err(error(CacheError::Internal(format!("job {id} disappeared")))),
            }
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn job_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes, kind: &'static str) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let sel = if bytes.iter().all(u8::is_ascii_whitespace) {
            let s = selector_from_query(&q);
            if s.is_empty() {
                return Err(bad(text!(
                    "The request has no body: send a JSON object naming the job (id, target, index, alias or paths).",
                    "请求没有正文：请发送指定作业的 JSON 对象（id、target、index、alias 或 paths）。"
                )));
            }
            s
        } else {
            let b: lakedeck_api::alluxio::JobSelector = body(&bytes)?;
            Selector { id: b.id, index: b.index, alias: b.alias, target: b.target, paths: b.paths }
        };
        let p = run(&st, move |c| c.stop_job(kind, &sel)).await?;
        Ok(ok(&p))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// Clear stale cache

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct CacheOp {
    op_type: Option<String>,
}

async fn stale_get(State(st): State<Shared>) -> Response {
    run(&st, |c| c.stale_status()).await.map(|r| ok(&r)).unwrap_or_else(|e| e)
}

async fn stale_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let op: CacheOp = body(&bytes)?;
        let r = run(&st, move |c| c.clear_stale(op.op_type.as_deref())).await?;
        Ok(ok(&r))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn stale_delete(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let op: CacheOp = body(&bytes)?;
        let r = run(&st, move |c| c.stop_stale(op.op_type.as_deref())).await?;
        Ok(ok(&r))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// Mount table

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MountReq {
    path: Option<String>,
    ufs: Option<String>,
    options: Option<BTreeMap<String, Value>>,
}

/// `path` from the JSON body, else from `?path=`.
fn path_of(bytes: &Bytes, q: &Query) -> Result<Option<String>, Response> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return match q.get("path") {
            Some(p) => Ok(Some(p)),
            None => Err(bad(text!("The request has no body: send a JSON object with the path.", "请求没有正文：请发送包含 path 的 JSON 对象。"))),
        };
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct P {
        path: Option<String>,
    }
    let p: P = body(bytes)?;
    Ok(p.path.filter(|s| !s.trim().is_empty()))
}

fn required(field: &'static str) -> Response {
    bad(lakedeck_api::problem::Problem::new("alluxio.required").with("field", field).into())
}

async fn mount_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("path") {
            Some(p) => Ok(ok(&run(&st, move |c| c.mount_info(&p)).await?)),
            None => Ok(ok(&run(&st, |c| Ok(c.list_mounts())).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn mount_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: MountReq = body(&bytes)?;
        let path = req.path.filter(|s| !s.trim().is_empty()).ok_or_else(|| required("path"))?;
        let ufs = req.ufs.filter(|s| !s.trim().is_empty()).ok_or_else(|| required("ufs"))?;
        let mut options = BTreeMap::new();
        for (k, v) in req.options.unwrap_or_default() {
            let v = match v {
                Value::String(s) => s,
                Value::Number(_) | Value::Bool(_) => v.to_string(),
                _ => {
                    return Err(bad(text!(
                        "Mount option {k} must be a string, number or boolean.",
                        "挂载选项 {k} 必须是字符串、数字或布尔值。"
                    )))
                }
            };
            options.insert(k, v);
        }
        Ok(ok(&run(&st, move |c| c.add_mount(&path, &ufs, options)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn mount_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let path = path_of(&bytes, &q)?.ok_or_else(|| required("path"))?;
        Ok(ok(&run(&st, move |c| c.remove_mount(&path)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// Quota, TTL, priority

async fn quota_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("path") {
            Some(p) => Ok(ok(&run(&st, move |c| c.quota(&p)).await?)),
            None => Ok(ok(&run(&st, |c| c.list_quotas()).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn quota_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: QuotaSet = body(&bytes)?;
        Ok(ok(&run(&st, move |c| c.set_quota(req.path.as_deref(), req.size.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn quota_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let path = path_of(&bytes, &q)?;
        Ok(ok(&run(&st, move |c| c.remove_quota(path.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct TtlReq {
    path: Option<String>,
    /// `alluxioPath` as the CLI echo names it.
    alluxio_path: Option<String>,
    time: Option<String>,
}

async fn ttl_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("path") {
            Some(p) => Ok(ok(&run(&st, move |c| c.ttl(&p)).await?)),
            None => Ok(ok(&run(&st, |c| c.list_ttls()).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn ttl_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: TtlReq = body(&bytes)?;
        let path = req.path.or(req.alluxio_path);
        Ok(ok(&run(&st, move |c| c.set_ttl(path.as_deref(), req.time.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn ttl_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let path = path_of(&bytes, &q)?;
        Ok(ok(&run(&st, move |c| c.remove_ttl(path.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PriorityReq {
    path: Option<String>,
    priority: Option<String>,
}

async fn priority_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("path") {
            Some(p) => Ok(ok(&run(&st, move |c| c.priority(&p)).await?)),
            None => Ok(ok(&run(&st, |c| c.list_priorities()).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn priority_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: PriorityReq = body(&bytes)?;
        Ok(ok(&run(&st, move |c| c.set_priority(req.path.as_deref(), req.priority.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn priority_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let path = path_of(&bytes, &q)?;
        let p = path.clone().unwrap_or_default();
        let removed = run(&st, move |c| c.remove_priority(path.as_deref())).await?;
        Ok(match removed {
            Some(rule) => ok(&rule),
            None => ok(&json!({ "path": p })),
        })
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// Nodes

async fn nodes_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("id") {
            Some(id) => Ok(ok(&run(&st, move |c| c.node_by_id(&id)).await?)),
            None => Ok(ok(&run(&st, |c| c.nodes()).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

/// `id` from `?id=`, else from a JSON body.
fn id_of(bytes: &Bytes, q: &Query) -> Result<String, Response> {
    if let Some(id) = q.get("id") {
        return Ok(id);
    }
    let b: WorkerChange = optional_body(bytes)?;
    b.id.filter(|s| !s.trim().is_empty()).map(|s| s.trim().to_string()).ok_or_else(|| required("id"))
}

async fn nodes_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let id = id_of(&bytes, &q)?;
        let i = id.clone();
        run(&st, move |c| c.decommission(&i)).await?;
        Ok(ok(&json!({ "id": id, "status": "DECOMMISSIONED" })))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// File index

async fn index_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("path") {
            Some(p) => Ok(ok(&run(&st, move |c| c.file_index(&p)).await?)),
            None => Ok(ok(&run(&st, |c| c.list_file_index()).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn index_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: FileIndexChange = body(&bytes)?;
        Ok(ok(&run(&st, move |c| c.add_file_index(req.path.as_deref(), req.alias.as_deref(), req.entries.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn index_delete(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let req: FileIndexChange = if bytes.iter().all(u8::is_ascii_whitespace) {
            FileIndexChange { path: Some(path_of(&bytes, &q)?.unwrap_or_default()), ..Default::default() }
        } else {
            body(&bytes)?
        };
        Ok(ok(&run(&st, move |c| c.remove_file_index(req.path.as_deref(), req.entries.as_deref())).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// Cache filter

async fn filter_get(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        match q.get("path") {
            Some(p) => Ok(ok(&run(&st, move |c| c.cache_filter_test(&p)).await?)),
            None => Ok(ok(&run(&st, |c| c.cache_filter()).await?)),
        }
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn filter_post(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: CacheFilterChange = body(&bytes)?;
        Ok(ok(&run(&st, move |c| c.change_cache_filter(&req)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn filter_delete(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: CacheFilterChange = body(&bytes)?;
        Ok(ok(&run(&st, move |c| c.remove_cache_filter(&req)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

// ---------------------------------------------------------------------------------------------
// Sandbox only

async fn worker_add(State(st): State<Shared>, bytes: Bytes) -> Response {
    let answer: Answer = async {
        let req: WorkerChange = optional_body(&bytes)?;
        let capacity = match req.capacity.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => {
                let n = lakedeck_api::alluxio::check_size("capacity", raw).map_err(|p| bad(p.into()))?;
                if n < 1 << 20 {
                    return Err(bad(text!("capacity must be at least 1MB, not {raw}.", "capacity 至少为 1MB，不能是 {raw}。")));
                }
                Some(n)
            }
        };
        Ok(ok(&run(&st, move |c| c.add_worker(capacity)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn worker_state(st: Shared, uri: axum::http::Uri, bytes: Bytes, online: bool) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let id = id_of(&bytes, &q)?;
        Ok(ok(&run(&st, move |c| c.set_worker_state(&id, online)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn worker_stop(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    worker_state(st, uri, bytes, false).await
}

async fn worker_start(State(st): State<Shared>, uri: axum::http::Uri, bytes: Bytes) -> Response {
    worker_state(st, uri, bytes, true).await
}

async fn ring(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let bins = match q.get("bins") {
            None => 360,
            Some(raw) => raw.parse::<u32>().ok().filter(|n| (1..=3600).contains(n)).ok_or_else(|| {
                bad(text!("bins must be a whole number from 1 to 3600, not '{raw}'.", "bins 必须是 1 到 3600 之间的整数，不能是 '{raw}'。"))
            })?,
        };
        let path = q.get("path");
        let view = run(&st, move |c| {
            let ring = c.ring();
            let placement = match &path {
                Some(p) => {
                    let loc = c.locate(p)?;
                    let replicas = c.db().read(|conn| Ok(crate::engine::cache::pages::file_row(conn, &loc.ufs)?.map(|r| r.replicas).unwrap_or(1)))?;
                    Some(RingPlacement {
                        position: crate::engine::cache::ring::key_hash(&loc.ufs),
                        owners: ring.owners(&loc.ufs, replicas.max(1) as usize).into_iter().map(String::from).collect(),
                        path: loc.alluxio,
                        ufs: loc.ufs,
                    })
                }
                None => None,
            };
            Ok(RingView {
                hash: "murmur3_x86_32".into(),
                virtual_nodes_per_worker: i64::from(c.config().virtual_nodes),
                page_size: c.page_size() as i64,
                workers: ring.shares().into_iter().map(|(id, share)| RingWorker { id, share }).collect(),
                bins: ring.bins(bins).into_iter().map(|o| o.unwrap_or("").to_string()).collect(),
                placement,
            })
        })
        .await?;
        Ok(ok(&view))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

async fn browse(State(st): State<Shared>, uri: axum::http::Uri) -> Response {
    let q = Query::parse(&uri);
    let answer: Answer = async {
        let path = q.get("path").ok_or_else(|| required("path"))?;
        Ok(ok(&run(&st, move |c| c.browse(&path)).await?))
    }
    .await;
    answer.unwrap_or_else(|e| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_paths_only() {
        assert!(is_alluxio_path("/api/v1/load"));
        assert!(is_alluxio_path("/api/v1/cache-filter"));
        assert!(is_alluxio_path("/api/v1/sandbox/ring"));
        assert!(is_alluxio_path("/api/v1/load/extra"));
        assert!(!is_alluxio_path("/api/v1/workspaces"));
        assert!(!is_alluxio_path("/api/v1/releaseVersions"));
        assert!(!is_alluxio_path("/api/v1"));
        assert!(!is_alluxio_path("/api/v1/loadx"));
    }
}
