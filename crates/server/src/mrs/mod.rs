//! MRS API handlers: parse the request the vendor's way, call the engine, answer with the
//! vendor's shapes and codes. Paths, casing and codes follow shared/reference/mrs-api.md.

pub mod clusters;
pub mod jobs;
pub mod localize;
pub mod metadata;
pub mod nodes;
pub mod scaling;
pub mod sql;
pub mod tags;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::engine::{Engine, EngineError};
use crate::http::{ApiError, Shared, INTERNAL};
use crate::util;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1.1/{project_id}/cluster_infos", get(clusters::list))
        .route("/v1.1/{project_id}/cluster_infos/{cluster_id}", get(clusters::show).put(clusters::resize))
        .route("/v1.1/{project_id}/clusters/{cluster_id}", delete(clusters::delete))
        .route("/v1.1/{project_id}/clusters/{cluster_id}/hosts", get(nodes::hosts))
        .route("/v2/{project_id}/clusters", post(clusters::create))
        .route("/v2/{project_id}/clusters/{cluster_id}/cluster-name", put(clusters::rename))
        .route("/v2/{project_id}/clusters/{cluster_id}/expand", post(clusters::expand))
        .route("/v2/{project_id}/clusters/{cluster_id}/shrink", post(clusters::shrink))
        .route("/v2/{project_id}/clusters/{cluster_id}/nodes", get(nodes::list))
        .route("/v2/{project_id}/clusters/{cluster_id}/files", get(jobs::files))
        .route("/v2/{project_id}/run-job-flow", post(jobs::run_job_flow))
        .route("/v2/{project_id}/metadata/versions", get(metadata::versions))
        .route("/v2/{project_id}/metadata/version/{version_name}/available-flavor", get(metadata::flavors))
        .route("/v1.1/{project_id}/metadata/versions/{version_name}", get(metadata::version_metadata))
        // ListAvailableZones takes a region id where its neighbours take a project id.
        .route("/v1.1/{project_id}/available-zones", get(metadata::zones))
        .route("/v2/{project_id}/clusters/{cluster_id}/job-executions", post(jobs::create).get(jobs::list))
        .route("/v2/{project_id}/clusters/{cluster_id}/job-executions/batch-delete", post(jobs::batch_delete))
        .route("/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}", get(jobs::show))
        .route("/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/kill", post(jobs::stop))
        .route("/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/sql-result", get(jobs::sql_result))
        .route("/v2/{project_id}/clusters/{cluster_id}/sql-execution", post(sql::execute))
        .route("/v2/{project_id}/clusters/{cluster_id}/sql-execution/{sql_id}", get(sql::show))
        .route("/v2/{project_id}/clusters/{cluster_id}/sql-execution/{sql_id}/cancel", post(sql::cancel))
        // Sandbox extension: paged rows of an archived SQL result (the console's result grid).
        .route("/v2/{project_id}/clusters/{cluster_id}/sql-execution/{sql_id}/rows", get(sql::rows))
        // Sandbox extensions: the raw log for the console (token-authenticated under /v2) and
        // the tracking page a browser opens (authorised by the key in its URL).
        .route("/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/log", get(jobs::log))
        .route("/sandbox/clusters/{cluster_id}/jobs/{job_id}/log", get(jobs::tracking))
        // Tags (mrs-api.md §11).
        .route("/v1.1/{project_id}/clusters/{cluster_id}/tags", post(tags::create).get(tags::list))
        .route("/v1.1/{project_id}/clusters/{cluster_id}/tags/action", post(tags::batch))
        .route("/v1.1/{project_id}/clusters/{cluster_id}/tags/{key}", delete(tags::delete))
        .route("/v1.1/{project_id}/clusters/tags", get(tags::all))
        .route("/v1.1/{project_id}/clusters/resource_instances/action", post(tags::search))
        .route("/v2/{project_id}/clusters/{cluster_id}/tags/switch", post(tags::switch))
        .route("/v2/{project_id}/clusters/{cluster_id}/tags/status", get(tags::status))
        .route("/v2/{project_id}/clusters/{cluster_id}/tags/quota", get(tags::quota))
        // Auto scaling (§10).
        .route("/v1.1/{project_id}/autoscaling-policy/{cluster_id}", post(scaling::create_v11))
        .route(
            "/v2/{project_id}/autoscaling-policy/{cluster_id}",
            get(scaling::show_v2).post(scaling::create_v2).put(scaling::update_v2).delete(scaling::delete_v2),
        )
        // Sandbox extensions: the autoscaler's metric history and decisions.
        .route("/v2/{project_id}/autoscaling-policy/{cluster_id}/metrics", get(scaling::metrics))
        .route("/v2/{project_id}/autoscaling-policy/{cluster_id}/events", get(scaling::events))
}

/// Generic invalid-parameter code of the V1.1 family.
pub const V11_INVALID: &str = crate::engine::clusters::V11_INVALID;
/// Generic invalid-parameter code of the V2 family.
pub const V2_INVALID: &str = lakedeck_api::rules::INVALID_PARAM;

async fn path_params<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<Vec<(String, String)>, ApiError> {
    let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
        .await
        .map_err(|e| {
            let detail = e.body_text();
            ApiError::bad(V11_INVALID, crate::text!("Invalid path: {detail}", "路径无效：{detail}"))
        })?;
    let project = params.iter().find(|(k, _)| k == "project_id").map(|(_, v)| v.as_str()).unwrap_or("");
    if !util::is_valid_project_id(project) {
        return Err(ApiError::bad(V11_INVALID, crate::text!("The project id must be 1 to 64 letters and digits.", "项目 ID 须为 1–64 个字母或数字。")));
    }
    Ok(params)
}

/// `{project_id}` of the path, checked.
pub struct ProjectPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ProjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        Ok(ProjectPath(params.into_iter().find(|(k, _)| k == "project_id").map(|(_, v)| v).unwrap_or_default()))
    }
}

/// `{project_id}` and `{cluster_id}` of the path.
pub struct ClusterPath {
    pub project: String,
    pub cluster: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ClusterPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        Ok(ClusterPath { project: get("project_id"), cluster: get("cluster_id") })
    }
}

/// Decoded query pairs, read the way the SDK signs them (`+` is a literal plus).
pub struct QueryPairs(Vec<(String, String)>);

impl QueryPairs {
    pub fn parse(raw: Option<String>) -> QueryPairs {
        QueryPairs(lakedeck_api::sign::parse_query(raw.as_deref().unwrap_or("")))
    }

    /// The first non-empty value of `key`; an empty value counts as absent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// A whole number within `min..=max`, `default` when absent.
    pub fn bounded(&self, key: &str, default: i64, min: i64, max: i64, code: &str) -> Result<i64, ApiError> {
        match self.get(key) {
            None => Ok(default),
            Some(raw) => lakedeck_api::paging::parse_bounded(raw, min, max)
                .ok_or_else(|| {
                    ApiError::bad(
                        code,
                        crate::text!(
                            "{key} must be a whole number from {min} to {max}, not '{raw}'.",
                            "{key} 须为 {min}–{max} 之间的整数，不能是“{raw}”。"
                        ),
                    )
                }),
        }
    }
}

/// Parses a JSON body; any failure is the V2 invalid-parameter answer with serde's own words.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad(V2_INVALID, crate::text!("Invalid request body: {e}", "请求体无效：{e}")))
}

/// Like [`parse_body`], answered with the V1.1 family's invalid-parameter code.
pub fn parse_body_v11<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad(V11_INVALID, crate::text!("Invalid request body: {e}", "请求体无效：{e}")))
}

/// Runs engine work on the blocking pool: SQLite calls wait on locks (the end-to-end suite writes
/// to the same database) and must not stall the workers that answer other requests.
pub async fn run<T: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&Engine) -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    let engine = st.engine.clone();
    tokio::task::spawn_blocking(move || f(&engine))
        .await
        .unwrap_or_else(|e| Err(EngineError::Internal(format!("worker failed: {e}"))))
}

/// Which casing a "cluster not found" answer uses: the V1.1 cluster family answers camelCase.
#[derive(Clone, Copy)]
pub enum Family {
    V11,
    V2,
}

pub fn engine_error(e: EngineError, family: Family) -> ApiError {
    match e {
        EngineError::NotFound(message) => {
            let mut err = ApiError::bad(crate::engine::clusters::NOT_FOUND, message);
            err.camel = matches!(family, Family::V11);
            err
        }
        EngineError::Invalid { code, message } => ApiError::bad(code, message),
        EngineError::Internal(detail) => {
            eprintln!("error: {detail}");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL, crate::text!("Internal error; see the sandbox log.", "内部错误，请查看沙箱日志。"))
        }
    }
}
