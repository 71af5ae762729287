//! MRS cluster operations (API reference sections 5–6). Thin: paths, queries and bodies only.

use lakedeck_api::mrs::{
    Cluster, CreateClusterReq, CreateClusterResponse, ExpandClusterReq, ExpandClusterResponse,
    ListClustersResponse, ListHostsResponse, ListNodesResponse, ResultResponse, ShowClusterResponse,
    ShrinkClusterReq, UpdateClusterNameReq,
};

use super::{encode_component as enc, query_string, request, ApiClient, ApiError, Method, Service};

/// Query of `GET /v1.1/{p}/cluster_infos`. Empty strings are not sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListClustersQuery {
    pub page_size: u32,
    pub current_page: u32,
    /// Substring of the name, or an exact cluster id.
    pub cluster_name: String,
    /// `existing`, `history` or a concrete state.
    pub cluster_state: String,
    /// `k1*v1,k2` syntax.
    pub tags: String,
}

impl ListClustersQuery {
    pub fn to_query(&self) -> String {
        query_string(&[
            ("pageSize", self.page_size.max(1).to_string()),
            ("currentPage", self.current_page.max(1).to_string()),
            ("clusterName", self.cluster_name.trim().to_string()),
            ("clusterState", self.cluster_state.clone()),
            ("tags", self.tags.trim().to_string()),
        ])
    }
}

fn project(c: &ApiClient) -> String {
    enc(c.project_id())
}

pub async fn list_clusters(c: &ApiClient, q: &ListClustersQuery) -> Result<ListClustersResponse, ApiError> {
    let path = format!("/v1.1/{}/cluster_infos{}", project(c), q.to_query());
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

pub async fn get_cluster(c: &ApiClient, cluster_id: &str) -> Result<Cluster, ApiError> {
    let path = format!("/v1.1/{}/cluster_infos/{}", project(c), enc(cluster_id));
    request::<ShowClusterResponse, ()>(c, Service::Mrs, Method::Get, &path, None).await.map(|r| r.cluster)
}

pub async fn create_cluster(c: &ApiClient, req: &CreateClusterReq) -> Result<String, ApiError> {
    let path = format!("/v2/{}/clusters", project(c));
    request::<CreateClusterResponse, _>(c, Service::Mrs, Method::Post, &path, Some(req)).await.map(|r| r.cluster_id)
}

pub async fn rename_cluster(c: &ApiClient, cluster_id: &str, new_name: &str) -> Result<ResultResponse, ApiError> {
    let path = format!("/v2/{}/clusters/{}/cluster-name", project(c), enc(cluster_id));
    let body = UpdateClusterNameReq { cluster_name: Some(new_name.to_string()) };
    request(c, Service::Mrs, Method::Put, &path, Some(&body)).await
}

pub async fn expand_cluster(c: &ApiClient, cluster_id: &str, group: &str, count: i64) -> Result<ExpandClusterResponse, ApiError> {
    let path = format!("/v2/{}/clusters/{}/expand", project(c), enc(cluster_id));
    let body = ExpandClusterReq { node_group_name: Some(group.to_string()), count: Some(count), ..Default::default() };
    request(c, Service::Mrs, Method::Post, &path, Some(&body)).await
}

pub async fn shrink_cluster(c: &ApiClient, cluster_id: &str, group: &str, count: i64) -> Result<ResultResponse, ApiError> {
    let path = format!("/v2/{}/clusters/{}/shrink", project(c), enc(cluster_id));
    let body = ShrinkClusterReq { node_group_name: Some(group.to_string()), count: Some(count), resource_ids: None };
    request(c, Service::Mrs, Method::Post, &path, Some(&body)).await
}

/// `DELETE /v1.1/{p}/clusters/{c}` answers 204 without a body.
pub async fn delete_cluster(c: &ApiClient, cluster_id: &str) -> Result<(), ApiError> {
    let path = format!("/v1.1/{}/clusters/{}", project(c), enc(cluster_id));
    request::<(), ()>(c, Service::Mrs, Method::Delete, &path, None).await
}

/// `(id, name)` of the clusters in `state` (`running`, `existing`, …), for pickers; the first 100.
pub async fn cluster_choices(c: &ApiClient, state: &str) -> Result<Vec<(String, String)>, ApiError> {
    let q = ListClustersQuery { page_size: 100, current_page: 1, cluster_state: state.into(), ..Default::default() };
    let r = list_clusters(c, &q).await?;
    Ok(r.clusters.into_iter().map(|c| (c.cluster_id, c.cluster_name)).collect())
}

/// V1.1 hosts; `page` is a page number.
pub async fn list_hosts(c: &ApiClient, cluster_id: &str, page_size: u32, page: u32) -> Result<ListHostsResponse, ApiError> {
    let q = query_string(&[("pageSize", page_size.to_string()), ("currentPage", page.max(1).to_string())]);
    let path = format!("/v1.1/{}/clusters/{}/hosts{q}", project(c), enc(cluster_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// V2 ListNodes; `offset` is a page number (1-based), not an item offset.
pub async fn list_nodes(c: &ApiClient, cluster_id: &str, limit: u32, page: u32) -> Result<ListNodesResponse, ApiError> {
    let q = query_string(&[("limit", limit.max(1).to_string()), ("offset", page.max(1).to_string())]);
    let path = format!("/v2/{}/clusters/{}/nodes{q}", project(c), enc(cluster_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}
