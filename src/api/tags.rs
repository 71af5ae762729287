//! MRS tag operations (API reference section 11). Thin: paths, bodies and the readers of the answers.

use lakedeck_api::mrs::Tag;
use lakedeck_api::mrs_tags::{
    AllTagsResponse, BatchTagsReq, CreateTagReq, ListTagsResponse, SwitchTagsReq, TagQuotaResponse, TagReq, TagResource,
    TagSearchReq, TagSearchResponse, TagStatusResponse, TagValues,
};
use serde_json::Value;

use super::wire::{boolean, int, list, s, FromWire};
use super::{encode_component as enc, request, ApiClient, ApiError, Method, Service};

fn v11(c: &ApiClient, rest: &str) -> String {
    format!("/v1.1/{}/{rest}", enc(c.project_id()))
}

fn v2(c: &ApiClient, rest: &str) -> String {
    format!("/v2/{}/{rest}", enc(c.project_id()))
}

impl FromWire for ListTagsResponse {
    fn from_wire(v: &Value) -> Self {
        ListTagsResponse { tags: list(&v["tags"]) }
    }
}

impl FromWire for TagValues {
    fn from_wire(v: &Value) -> Self {
        TagValues { key: s(&v["key"]), values: list(&v["values"]) }
    }
}

impl FromWire for AllTagsResponse {
    fn from_wire(v: &Value) -> Self {
        AllTagsResponse { tags: list(&v["tags"]) }
    }
}

impl FromWire for TagResource {
    fn from_wire(v: &Value) -> Self {
        TagResource {
            resource_id: s(&v["resource_id"]),
            resource_name: s(&v["resource_name"]),
            resource_detail: v["resource_detail"].as_str().map(str::to_string),
            tags: list(&v["tags"]),
        }
    }
}

impl FromWire for TagSearchResponse {
    fn from_wire(v: &Value) -> Self {
        TagSearchResponse { resources: list(&v["resources"]), total_count: int(&v["total_count"]) }
    }
}

impl FromWire for TagStatusResponse {
    fn from_wire(v: &Value) -> Self {
        TagStatusResponse { status: s(&v["status"]), default_tags_enable: boolean(&v["default_tags_enable"]) }
    }
}

impl FromWire for TagQuotaResponse {
    fn from_wire(v: &Value) -> Self {
        TagQuotaResponse { total_quota: int(&v["total_quota"]), available_quota: int(&v["available_quota"]) }
    }
}

fn req(t: &Tag) -> TagReq {
    TagReq { key: Some(t.key.clone()), value: Some(t.value.clone()) }
}

pub async fn list_cluster_tags(c: &ApiClient, cluster_id: &str) -> Result<Vec<Tag>, ApiError> {
    let path = v11(c, &format!("clusters/{}/tags", enc(cluster_id)));
    request::<ListTagsResponse, ()>(c, Service::Mrs, Method::Get, &path, None).await.map(|r| r.tags)
}

/// CreateClusterTag: adds the tag, or replaces the value of its key.
pub async fn set_cluster_tag(c: &ApiClient, cluster_id: &str, tag: &Tag) -> Result<(), ApiError> {
    let path = v11(c, &format!("clusters/{}/tags", enc(cluster_id)));
    request(c, Service::Mrs, Method::Post, &path, Some(&CreateTagReq { tag: Some(req(tag)) })).await
}

pub async fn delete_cluster_tag(c: &ApiClient, cluster_id: &str, key: &str) -> Result<(), ApiError> {
    let path = v11(c, &format!("clusters/{}/tags/{}", enc(cluster_id), enc(key)));
    request::<(), ()>(c, Service::Mrs, Method::Delete, &path, None).await
}

/// Batch create (`delete = false`: upserts) or delete (absent keys ignored) of one cluster's tags.
pub async fn batch_tags(c: &ApiClient, cluster_id: &str, delete: bool, tags: &[Tag]) -> Result<(), ApiError> {
    let path = v11(c, &format!("clusters/{}/tags/action", enc(cluster_id)));
    let body = BatchTagsReq { action: Some(if delete { "delete" } else { "create" }.into()), tags: Some(tags.iter().map(req).collect()) };
    request(c, Service::Mrs, Method::Post, &path, Some(&body)).await
}

pub async fn all_tags(c: &ApiClient) -> Result<Vec<TagValues>, ApiError> {
    request::<AllTagsResponse, ()>(c, Service::Mrs, Method::Get, &v11(c, "clusters/tags"), None).await.map(|r| r.tags)
}

/// ListClustersByTags with `action` filter (the body says which page).
pub async fn search(c: &ApiClient, body: &TagSearchReq) -> Result<TagSearchResponse, ApiError> {
    request(c, Service::Mrs, Method::Post, &v11(c, "clusters/resource_instances/action"), Some(body)).await
}

/// SwitchClusterTags: default tags on the cluster's nodes on or off (finishes asynchronously).
pub async fn switch_default_tags(c: &ApiClient, cluster_id: &str, on: bool) -> Result<(), ApiError> {
    let path = v2(c, &format!("clusters/{}/tags/switch", enc(cluster_id)));
    let body = SwitchTagsReq { action: Some(if on { "create" } else { "delete" }.into()) };
    request(c, Service::Mrs, Method::Post, &path, Some(&body)).await
}

pub async fn tag_status(c: &ApiClient, cluster_id: &str) -> Result<TagStatusResponse, ApiError> {
    let path = v2(c, &format!("clusters/{}/tags/status", enc(cluster_id)));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

pub async fn tag_quota(c: &ApiClient, cluster_id: &str) -> Result<TagQuotaResponse, ApiError> {
    let path = v2(c, &format!("clusters/{}/tags/quota", enc(cluster_id)));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}
