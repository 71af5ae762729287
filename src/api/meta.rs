//! What the create wizard offers, read from the service (mrs-api.md §4, §12): versions, a version's
//! components and role layout, flavors per zone, the region's zones, and the VPC service's VPC and
//! subnet lists. Nothing about an account is compiled into the bundle.

use lakedeck_api::mrs_meta::{FlavorsResponse, Subnet, SubnetsResponse, VersionListResponse, VersionMetadata, Vpc, VpcsResponse, ZonesResponse};

use super::{encode_component as enc, query_string, request, ApiClient, ApiError, Method, Service};

/// ShowMrsVersionList.
pub async fn versions(c: &ApiClient) -> Result<Vec<String>, ApiError> {
    let path = format!("/v2/{}/metadata/versions", enc(c.project_id()));
    request::<VersionListResponse, ()>(c, Service::Mrs, Method::Get, &path, None).await.map(|r| r.cluster_versions)
}

/// ShowMrsVersionMetadata: components and role layout of `version`.
pub async fn version_metadata(c: &ApiClient, version: &str) -> Result<VersionMetadata, ApiError> {
    let path = format!("/v1.1/{}/metadata/versions/{}", enc(c.project_id()), enc(version));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// ShowMrsFlavors of `version` in zone `az`.
pub async fn flavors(c: &ApiClient, version: &str, az: &str) -> Result<FlavorsResponse, ApiError> {
    let q = query_string(&[("availability_zone", az.to_string())]);
    let path = format!("/v2/{}/metadata/version/{}/available-flavor{q}", enc(c.project_id()), enc(version));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// ListAvailableZones of `region`.
pub async fn zones(c: &ApiClient, region: &str) -> Result<ZonesResponse, ApiError> {
    let path = format!("/v1.1/{}/available-zones", enc(region));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// The project's VPCs (the first 2,000, the service's largest page).
pub async fn vpcs(c: &ApiClient) -> Result<Vec<Vpc>, ApiError> {
    let path = format!("/v1/{}/vpcs?limit=2000", enc(c.project_id()));
    request::<VpcsResponse, ()>(c, Service::Vpc, Method::Get, &path, None).await.map(|r| r.vpcs)
}

/// The subnets of one VPC.
pub async fn subnets(c: &ApiClient, vpc_id: &str) -> Result<Vec<Subnet>, ApiError> {
    let q = query_string(&[("vpc_id", vpc_id.to_string()), ("limit", "2000".into())]);
    let path = format!("/v1/{}/subnets{q}", enc(c.project_id()));
    request::<SubnetsResponse, ()>(c, Service::Vpc, Method::Get, &path, None).await.map(|r| r.subnets)
}

/// `GET /gateway/whoami`: the signed-in user and role, when the console talks to a gateway.
pub async fn whoami(c: &ApiClient) -> Result<super::wire::WhoAmI, ApiError> {
    request::<_, ()>(c, Service::Mrs, Method::Get, "/gateway/whoami", None).await
}
