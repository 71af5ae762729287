//! Cluster handlers: V1.1 list/detail/resize/delete and V2 create/rename/expand/shrink.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lakedeck_api::mrs::{
    parse_tag_filter, ClusterScalingReq, CreateClusterReq, CreateClusterResponse, ExpandClusterReq,
    ExpandClusterResponse, ListClustersResponse, ResultResponse, ShowClusterResponse, ShrinkClusterReq, StateFilter,
    UpdateClusterNameReq,
};
use lakedeck_api::paging::page_range;

use super::{engine_error, parse_body, run, ClusterPath, Family, ProjectPath, QueryPairs, V11_INVALID, V2_INVALID};
use crate::engine::clusters::{ListFilter, ShrinkBy};
use crate::http::{json, ApiError, Shared};
use lakedeck_api::rules::required_problem;

/// Page sizes and numbers of the V1.1 family go up to 2147483646 (mrs-api.md §6.1).
const MAX_PAGE: i64 = 2_147_483_646;

fn succeeded() -> Response {
    json(StatusCode::OK, &ResultResponse { result: "succeeded".into() })
}

pub async fn list(State(st): State<Shared>, ProjectPath(project): ProjectPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let page_size = q.bounded("pageSize", 10, 1, MAX_PAGE, V11_INVALID)?;
    let page = q.bounded("currentPage", 1, 1, MAX_PAGE, V11_INVALID)?;
    let state = match q.get("clusterState") {
        None => None,
        Some(s) => Some(StateFilter::parse(s).ok_or_else(|| {
            ApiError::bad(
                V11_INVALID,
                crate::text!(
                    "clusterState '{s}' is not a cluster state, existing or history.",
                    "clusterState“{s}”不是集群状态，也不是 existing 或 history。"
                ),
            )
        })?),
    };
    // enterpriseProjectId is accepted and ignored: the sandbox has a single enterprise project.
    let filter = ListFilter {
        name: q.get("clusterName").map(str::to_string),
        state,
        tags: q.get("tags").map(parse_tag_filter).unwrap_or_default(),
    };
    let (total, clusters) = run(&st, move |e| {
        let all = e.list_clusters(&project, &filter)?;
        let range = page_range(all.len(), page_size as usize, page as usize);
        let mut clusters = all[range].to_vec();
        e.attach_policies(&project, &mut clusters)?;
        Ok((all.len() as i64, clusters))
    })
    .await
    .map_err(|e| engine_error(e, Family::V11))?;
    let clusters = clusters.into_iter().map(super::localize::cluster).collect();
    Ok(json(StatusCode::OK, &ListClustersResponse { cluster_total: total, clusters }))
}

pub async fn show(State(st): State<Shared>, ids: ClusterPath) -> Result<Response, ApiError> {
    let cluster =
        run(&st, move |e| e.cluster_with_policies(&ids.project, &ids.cluster)).await.map_err(|e| engine_error(e, Family::V11))?;
    Ok(json(StatusCode::OK, &ShowClusterResponse { cluster: super::localize::cluster(cluster) }))
}

pub async fn resize(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: ClusterScalingReq = parse_body(&body)?;
    let params = req.parameters.ok_or_else(|| ApiError::bad(V11_INVALID, required_problem("parameters")))?;
    run(&st, move |e| e.resize_cluster(&ids.project, &ids.cluster, &params)).await.map_err(|e| engine_error(e, Family::V11))?;
    Ok(succeeded())
}

pub async fn delete(State(st): State<Shared>, ids: ClusterPath) -> Result<Response, ApiError> {
    run(&st, move |e| e.delete_cluster(&ids.project, &ids.cluster)).await.map_err(|e| engine_error(e, Family::V11))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn create(State(st): State<Shared>, ProjectPath(project): ProjectPath, body: Bytes) -> Result<Response, ApiError> {
    let req: CreateClusterReq = parse_body(&body)?;
    let cluster_id = run(&st, move |e| e.create_cluster(&project, &req)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &CreateClusterResponse { cluster_id }))
}

pub async fn rename(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: UpdateClusterNameReq = parse_body(&body)?;
    let name = req.cluster_name.unwrap_or_default();
    run(&st, move |e| e.rename_cluster(&ids.project, &ids.cluster, &name)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(succeeded())
}

fn required_group(name: Option<String>) -> Result<String, ApiError> {
    name.filter(|n| !n.trim().is_empty()).ok_or_else(|| ApiError::bad(V2_INVALID, required_problem("node_group_name")))
}

pub async fn expand(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: ExpandClusterReq = parse_body(&body)?;
    let group = required_group(req.node_group_name)?;
    let count = req.count.ok_or_else(|| ApiError::bad(V2_INVALID, required_problem("count")))?;
    run(&st, move |e| e.expand_cluster(&ids.project, &ids.cluster, &group, count)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &ExpandClusterResponse { result: "succeeded".into(), order_id: None }))
}

pub async fn shrink(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: ShrinkClusterReq = parse_body(&body)?;
    let group = required_group(req.node_group_name)?;
    // Named nodes win over a count: that is the force-remove form of the API.
    let by = match (req.resource_ids, req.count) {
        (Some(ids), _) if !ids.is_empty() => ShrinkBy::Resources(ids),
        (_, Some(n)) => ShrinkBy::Count(n),
        _ => return Err(ApiError::bad(V2_INVALID, crate::text!("count or resource_ids is required.", "count 和 resource_ids 须至少填写一个。"))),
    };
    run(&st, move |e| e.shrink_cluster(&ids.project, &ids.cluster, &group, by)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(succeeded())
}
