//! V2 SQL execution handlers (mrs-api.md §8): ExecuteSql, ShowSqlResult and CancelSql answer 200;
//! CancelSql's failure is its own 400 body `{"status":"FAILED","message":...}`. Plus the
//! sandbox-only paged read of an archived result for the console's result grid.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use lakedeck_api::mrs_sql::{check_sql_request, CancelSqlResponse, SqlExecutionReq, MAX_PAGE_ROWS};

use super::{engine_error, parse_body, path_params, run, ClusterPath, Family, QueryPairs, V2_INVALID};
use crate::engine::sqlexec::CancelOutcome;
use crate::engine::EngineError;
use crate::http::{json, ApiError, Shared};

/// `{project_id}`, `{cluster_id}` and `{sql_id}` of the path.
pub struct SqlPath {
    pub project: String,
    pub cluster: String,
    pub sql: String,
}

impl<S: Send + Sync> FromRequestParts<S> for SqlPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        Ok(SqlPath { project: get("project_id"), cluster: get("cluster_id"), sql: get("sql_id") })
    }
}

fn v2(e: EngineError) -> ApiError {
    engine_error(e, Family::V2)
}

/// ExecuteSql. Answers the stored statement (status QUEUED); poll ShowSqlResult for the end.
/// Sandbox-only extension: `?wait_ms=N` (0 to 2000) holds the answer until the statement has
/// ended or N ms have passed, so a short statement's result comes back in the one answer.
pub async fn execute(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery, body: Bytes) -> Result<Response, ApiError> {
    let wait = wait_ms(q)?;
    let req: SqlExecutionReq = parse_body(&body)?;
    let checked = check_sql_request(&req).map_err(|e| ApiError::bad(e.code, e.problem))?;
    // execute_sql starts the statement on the job runtime, which needs the engine's Arc.
    let engine = st.engine.clone();
    let (project, cluster) = (ids.project.clone(), ids.cluster.clone());
    let answer = tokio::task::spawn_blocking(move || engine.execute_sql(&project, &cluster, &checked))
        .await
        .unwrap_or_else(|e| Err(EngineError::Internal(format!("worker failed: {e}"))))
        .map_err(v2)?;
    if wait == 0 || matches!(answer.status.as_str(), "FINISHED" | "FAILED") {
        return Ok(json(StatusCode::OK, &answer));
    }
    let at = SqlPath { project: ids.project, cluster: ids.cluster, sql: answer.id };
    held(&st, at, wait).await
}

/// The longest `wait_ms` ExecuteSql and ShowSqlResult accept.
pub const MAX_STATUS_WAIT_MS: i64 = 2000;

fn wait_ms(q: Option<String>) -> Result<u64, ApiError> {
    Ok(QueryPairs::parse(q).bounded("wait_ms", 0, 0, MAX_STATUS_WAIT_MS, V2_INVALID)? as u64)
}

/// ShowSqlResult. Sandbox-only extension: `?wait_ms=N` (0 to 2000) holds the answer until the
/// statement has ended or N ms have passed, so a client learns of the end at once instead of at
/// its next poll (the console uses it when its config says `sandbox`).
pub async fn show(State(st): State<Shared>, ids: SqlPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let wait = wait_ms(q)?;
    held(&st, ids, wait).await
}

/// The statement's record once it has ended, or as it is after `wait` ms.
async fn held(st: &Shared, ids: SqlPath, wait: u64) -> Result<Response, ApiError> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(wait);
    let ids = std::sync::Arc::new(ids);
    let engine = st.engine.clone();
    loop {
        let ended = engine.sql_ended().notified();
        let mut ended = std::pin::pin!(ended);
        ended.as_mut().enable();
        let at = ids.clone();
        let record = run(st, move |e| e.sql_execution(&at.project, &at.cluster, &at.sql)).await.map_err(v2)?;
        if record.is_final() || tokio::time::Instant::now() >= deadline {
            return Ok(json(StatusCode::OK, &record.wire()));
        }
        let _ = tokio::time::timeout_at(deadline, ended).await;
    }
}

/// CancelSql.
pub async fn cancel(State(st): State<Shared>, ids: SqlPath) -> Result<Response, ApiError> {
    let outcome = run(&st, move |e| e.cancel_sql(&ids.project, &ids.cluster, &ids.sql)).await.map_err(v2)?;
    Ok(match outcome {
        CancelOutcome::Succeed => json(StatusCode::OK, &CancelSqlResponse { status: "SUCCEED".into(), message: None }),
        CancelOutcome::Failed(message) => {
            json(StatusCode::BAD_REQUEST, &CancelSqlResponse { status: "FAILED".into(), message: Some(message.current().to_string()) })
        }
    })
}

/// Sandbox-only (no vendor counterpart): `GET .../sql-execution/{sql_id}/rows?offset=N&limit=M`,
/// rows of the archived CSV result from row index `offset` (0-based, header not counted), at most
/// `limit` (1 to 10000, default 100) of them: `{"total_rows","offset","columns","rows"}`.
pub async fn rows(State(st): State<Shared>, ids: SqlPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let offset = q.bounded("offset", 0, 0, i64::MAX, V2_INVALID)? as u64;
    let limit = q.bounded("limit", 100, 1, MAX_PAGE_ROWS, V2_INVALID)? as u64;
    let page = run(&st, move |e| e.sql_rows(&ids.project, &ids.cluster, &ids.sql, offset, limit)).await.map_err(v2)?;
    Ok(json(StatusCode::OK, &page))
}
