//! The Huawei VPC service's two list calls the create wizard needs — `GET /v1/{project_id}/vpcs`
//! and `GET /v1/{project_id}/subnets` — answered from the sandbox's catalog, with the service's
//! `limit`/`marker` paging (the marker is the id of the last item already seen) and filters.

use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use lakedeck_api::mrs_meta::{Subnet, SubnetsResponse, Vpc, VpcsResponse};

use crate::engine::catalog as offer;
use crate::http::{json, ApiError, Shared};
use crate::mrs::{ProjectPath, QueryPairs};
use crate::text;

/// Invalid parameter. The VPC service's own codes are not in our references; this is the sandbox's
/// choice (README), in the `error_code`/`error_msg` body the Huawei SDK reads.
pub const INVALID: &str = "VPC.0002";
pub const MAX_LIMIT: i64 = 2000;

pub fn routes() -> Router<Shared> {
    Router::new().route("/v1/{project_id}/vpcs", get(vpcs)).route("/v1/{project_id}/subnets", get(subnets))
}

/// The page of `items` after `marker`, at most `limit` long.
fn page<T: Clone>(items: Vec<T>, id: impl Fn(&T) -> &str, q: &QueryPairs) -> Result<Vec<T>, ApiError> {
    let limit = q.bounded("limit", MAX_LIMIT, 1, MAX_LIMIT, INVALID)? as usize;
    let start = match q.get("marker") {
        None => 0,
        Some(m) => {
            items.iter().position(|x| id(x) == m).map(|i| i + 1).ok_or_else(|| {
                ApiError::bad(INVALID, text!("marker: no resource has the id {m}.", "marker：不存在 ID 为 {m} 的资源。"))
            })?
        }
    };
    Ok(items.into_iter().skip(start).take(limit).collect())
}

async fn vpcs(ProjectPath(_project): ProjectPath, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(raw);
    let all: Vec<Vpc> = offer::get()
        .vpcs
        .iter()
        .filter(|v| q.get("id").is_none_or(|id| id == v.id))
        .filter(|_| q.get("enterprise_project_id").is_none_or(|e| e == "0" || e == "all_granted_eps"))
        .map(|v| Vpc {
            id: v.id.clone(),
            name: v.name.clone(),
            cidr: v.cidr.clone(),
            status: "OK".into(),
            enterprise_project_id: "0".into(),
            ..Default::default()
        })
        .collect();
    Ok(json(StatusCode::OK, &VpcsResponse { vpcs: page(all, |v| &v.id, &q)? }))
}

async fn subnets(ProjectPath(_project): ProjectPath, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(raw);
    let all: Vec<Subnet> = offer::get()
        .vpcs
        .iter()
        .filter(|v| q.get("vpc_id").is_none_or(|id| id == v.id))
        .flat_map(|v| {
            v.subnets.iter().map(move |s| Subnet {
                id: s.id.clone(),
                name: s.name.clone(),
                cidr: s.cidr.clone(),
                gateway_ip: s.gateway_ip.clone(),
                vpc_id: v.id.clone(),
                status: "ACTIVE".into(),
                availability_zone: s.availability_zone.clone(),
                dhcp_enable: true,
                primary_dns: "100.125.1.250".into(),
                secondary_dns: "100.125.129.250".into(),
                neutron_network_id: s.id.clone(),
                neutron_subnet_id: crate::util::stable_uuid(&["neutron-subnet", &s.id]),
                description: String::new(),
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &SubnetsResponse { subnets: page(all, |s| &s.id, &q)? }))
}
