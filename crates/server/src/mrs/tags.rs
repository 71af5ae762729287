//! Tag handlers: V1.1 cluster tags (writes answer 204), ListAllTags, ListClustersByTags, and the
//! V2 default-tag switch (202), its status and the tag quota.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lakedeck_api::mrs_tags::{
    parse_search, AllTagsResponse, BatchTagsReq, CreateTagReq, ListTagsResponse, SwitchTagsReq, TagCountResponse,
    TagQuotaResponse, TagSearchReq, TagSearchResponse,
};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::FieldError;

use super::{engine_error, parse_body_v11, path_params, run, ClusterPath, Family, ProjectPath, QueryPairs, V2_INVALID};
use crate::engine::tags::field_refusal;
use crate::http::{json, ApiError, Shared};
use crate::problems::problem_text;

/// `{project_id}`, `{cluster_id}` and `{key}` of DeleteClusterTag (the key percent-decoded).
pub struct TagPath {
    pub project: String,
    pub cluster: String,
    pub key: String,
}

impl<S: Send + Sync> FromRequestParts<S> for TagPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        Ok(TagPath { project: get("project_id"), cluster: get("cluster_id"), key: get("key") })
    }
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn v11(e: crate::engine::EngineError) -> ApiError {
    engine_error(e, Family::V11)
}

pub async fn create(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: CreateTagReq = parse_body_v11(&body)?;
    let tag = req.tag.ok_or_else(|| v11(field_refusal(&FieldError { field: "tag".into(), code: lakedeck_api::rules::INVALID_PARAM, problem: Problem::new("tag.tag_required") })))?;
    run(&st, move |e| e.create_tag(&ids.project, &ids.cluster, &tag)).await.map_err(v11)?;
    Ok(no_content())
}

pub async fn list(State(st): State<Shared>, ids: ClusterPath) -> Result<Response, ApiError> {
    let tags = run(&st, move |e| e.cluster_tags(&ids.project, &ids.cluster)).await.map_err(v11)?;
    Ok(json(StatusCode::OK, &ListTagsResponse { tags }))
}

pub async fn delete(State(st): State<Shared>, ids: TagPath) -> Result<Response, ApiError> {
    run(&st, move |e| e.delete_tag(&ids.project, &ids.cluster, &ids.key)).await.map_err(|e| {
        let mut err = v11(e);
        if err.code == lakedeck_api::mrs_tags::TAG_NOT_FOUND {
            err.status = StatusCode::NOT_FOUND;
        }
        err
    })?;
    Ok(no_content())
}

pub async fn batch(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: BatchTagsReq = parse_body_v11(&body)?;
    run(&st, move |e| e.batch_tags(&ids.project, &ids.cluster, &req)).await.map_err(v11)?;
    Ok(no_content())
}

pub async fn all(State(st): State<Shared>, ProjectPath(project): ProjectPath) -> Result<Response, ApiError> {
    let tags = run(&st, move |e| e.all_tags(&project)).await.map_err(v11)?;
    Ok(json(StatusCode::OK, &AllTagsResponse { tags }))
}

pub async fn search(State(st): State<Shared>, ProjectPath(project): ProjectPath, body: Bytes) -> Result<Response, ApiError> {
    let req: TagSearchReq = parse_body_v11(&body)?;
    let search = parse_search(&req).map_err(|problems| v11(field_refusal(&problems[0])))?;
    let count = search.count;
    let (total, resources) = run(&st, move |e| e.search_by_tags(&project, &search)).await.map_err(v11)?;
    if count {
        return Ok(json(StatusCode::OK, &TagCountResponse { total_count: total }));
    }
    Ok(json(StatusCode::OK, &TagSearchResponse { resources, total_count: total }))
}

pub async fn switch(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: SwitchTagsReq = super::parse_body(&body)?;
    run(&st, move |e| e.switch_default_tags(&ids.project, &ids.cluster, req.action.as_deref()))
        .await
        .map_err(|e| engine_error(e, Family::V2))?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn status(State(st): State<Shared>, ids: ClusterPath) -> Result<Response, ApiError> {
    let s = run(&st, move |e| e.tag_status(&ids.project, &ids.cluster)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &s))
}

pub async fn quota(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let policy = match q.get("auto_scaling_policy_tags").map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            let p = Problem::new("tag.quota_flag").with("value", other);
            return Err(ApiError::bad(V2_INVALID, problem_text(&p).prefixed("auto_scaling_policy_tags: ")));
        }
    };
    let (total, available) =
        run(&st, move |e| e.tag_quota(&ids.project, &ids.cluster, policy)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &TagQuotaResponse { total_quota: total, available_quota: available }))
}
