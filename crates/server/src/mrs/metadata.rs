//! What the create wizard reads before it offers a choice (mrs-api.md §4, §12): ShowMrsVersionList,
//! ShowMrsVersionMetadata (components and role layout), ShowMrsFlavors and ListAvailableZones —
//! all answered from the sandbox's catalog (engine/catalog.rs), the same data create requests
//! are checked against.

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use lakedeck_api::catalog::{Catalog, VersionInfo};
use lakedeck_api::mrs_meta::{
    AvailableZone, AzFlavors, AzTags, FlavorName, FlavorsResponse, MetaComponent, MetaFlavors, RoleDeployMeta, VersionListResponse,
    VersionMetadata, ZonesResponse,
};

use super::{ProjectPath, QueryPairs, V11_INVALID, V2_INVALID};
use crate::engine::catalog as offer;
use crate::http::{json, ApiError};
use crate::{text, util};

/// "Version metadata missing" (mrs-api.md §3).
pub const VERSION_UNKNOWN: &str = "0093";
const CLUSTER_TYPES: [&str; 4] = ["ANALYSIS", "STREAMING", "MIXED", "CUSTOM"];

fn version<'a>(c: &'a Catalog, name: &str) -> Result<&'a VersionInfo, ApiError> {
    c.version(name).ok_or_else(|| {
        let known = c.versions.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ");
        ApiError::bad(
            VERSION_UNKNOWN,
            text!("The metadata of version {name} does not exist; versions: {known}.", "版本 {name} 的元数据不存在；可用版本：{known}。"),
        )
    })
}

fn flavors_for(c: &Catalog, role: &str) -> Vec<FlavorName> {
    c.flavors.iter().filter(|f| f.allows(role)).map(|f| FlavorName { flavor_name: f.name.clone() }).collect()
}

fn flavor_names(c: &Catalog, role: &str) -> Vec<String> {
    c.flavors.iter().filter(|f| f.allows(role)).map(|f| f.name.clone()).collect()
}

/// ShowMrsVersionList.
pub async fn versions(ProjectPath(_project): ProjectPath) -> Response {
    let list = VersionListResponse { cluster_versions: offer::get().versions.iter().map(|v| v.name.clone()).collect() };
    json(StatusCode::OK, &list)
}

/// ShowMrsVersionMetadata. `{version_name}` arrives percent-decoded (`MRS%203.1.0`).
pub async fn version_metadata(ProjectPath(_project): ProjectPath, Path(params): Path<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let name = params.iter().find(|(k, _)| k == "version_name").map(|(_, v)| v.as_str()).unwrap_or("");
    let c = offer::get();
    let v = version(c, name)?;
    let components = v
        .components
        .iter()
        .map(|comp| MetaComponent {
            name: comp.name.clone(),
            version: comp.version.clone(),
            description: comp.description.clone(),
            // The sandbox installs any component on any cluster type (the types' own minimums aside).
            available_cluster_types: CLUSTER_TYPES.iter().map(|t| t.to_string()).collect(),
            valid_roles: comp.roles.iter().map(|r| r.name.clone()).collect(),
            visible: true,
            ..Default::default()
        })
        .collect();
    let role_deploy_meta = v
        .components
        .iter()
        .flat_map(|comp| {
            comp.roles.iter().map(move |r| RoleDeployMeta {
                name: r.name.clone(),
                code_name: r.name.clone(),
                component: comp.name.clone(),
                node_preference: r.nodes.join(","),
                // Master roles run active/standby on the two master nodes; the rest on every node of their kind.
                count: if r.nodes == ["master"] { "2" } else { "-1" }.into(),
                multi_instance: i64::from(r.nodes.len() > 1),
                role_kind: "service".into(),
                ..Default::default()
            })
        })
        .collect();
    let constraints = serde_json::json!({
        "node_constraint": {
            "master": {"min_node_num": 1, "max_node_num": 2},
            "core": {"min_node_num": 1, "max_node_num": lakedeck_api::rules::MAX_CORE_TASK_NODES},
            "task": {"min_node_num": 0, "max_node_num": lakedeck_api::rules::MAX_CORE_TASK_NODES}
        },
        "safe_mode_kerberos_exclude_components": []
    });
    let meta = VersionMetadata {
        name: v.name.clone(),
        template_type: "default".into(),
        image_id: util::stable_uuid(&["image", &v.name]),
        status: "normal".into(),
        cluster_types: CLUSTER_TYPES.iter().map(|t| t.to_string()).collect(),
        version_type: if v.name.contains("LTS") { "LTS" } else { "Normal" }.into(),
        components,
        constraints,
        flavors: MetaFlavors { master: flavor_names(c, "master"), core: flavor_names(c, "core"), task: flavor_names(c, "task") },
        role_deploy_meta,
        ..Default::default()
    };
    Ok(json(StatusCode::OK, &meta))
}

/// ShowMrsFlavors: every zone of the sandbox (or the one `availability_zone` names) with the
/// flavors each node role may use.
pub async fn flavors(ProjectPath(_project): ProjectPath, Path(params): Path<Vec<(String, String)>>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let name = params.iter().find(|(k, _)| k == "version_name").map(|(_, v)| v.as_str()).unwrap_or("");
    let c = offer::get();
    let v = version(c, name)?;
    let q = QueryPairs::parse(q);
    let wanted = q.get("availability_zone");
    let zones: Vec<AzFlavors> = c
        .regions
        .iter()
        .flat_map(|r| r.zones.iter())
        .filter(|z| wanted.is_none_or(|w| w == z.code))
        .map(|z| AzFlavors {
            az_code: z.code.clone(),
            az_name: z.name.clone(),
            master: flavors_for(c, "master"),
            core: flavors_for(c, "core"),
            task: flavors_for(c, "task"),
        })
        .collect();
    if let (Some(w), true) = (wanted, zones.is_empty()) {
        return Err(ApiError::bad(V2_INVALID, text!("availability_zone: zone {w} does not exist.", "availability_zone：可用区 {w} 不存在。")));
    }
    Ok(json(StatusCode::OK, &FlavorsResponse { version_name: v.name.clone(), available_flavors: zones }))
}

/// ListAvailableZones: `/v1.1/{region_id}/available-zones` (a region id in the path, not a project;
/// the router names the segment `project_id` like its neighbours).
pub async fn zones(Path(params): Path<Vec<(String, String)>>) -> Result<Response, ApiError> {
    let region_id = params.into_iter().next().map(|(_, v)| v).unwrap_or_default();
    let c = offer::get();
    let region = c.region(&region_id).ok_or_else(|| {
        let known = c.regions.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ");
        ApiError::bad(V11_INVALID, text!("Region {region_id} is not available; regions: {known}.", "区域 {region_id} 不可用；可用区域：{known}。"))
    })?;
    let zones: Vec<AvailableZone> = region
        .zones
        .iter()
        .map(|z| AvailableZone {
            id: util::stable_uuid(&["az", &z.code]).replace('-', ""),
            az_code: z.code.clone(),
            az_name: z.name.clone(),
            az_id: z.code.clone(),
            status: "available".into(),
            region_id: region.id.clone(),
            az_group_id: String::new(),
            az_type: "Core".into(),
            az_tags: AzTags { mode: "shard".into(), alias: z.name.clone(), public_border_group: "center".into() },
            az_category: 0,
            charge_policy: "charge".into(),
        })
        .collect();
    let default_az_code = zones.first().map(|z| z.az_code.clone()).unwrap_or_default();
    Ok(json(StatusCode::OK, &ZonesResponse { available_zones: zones, default_az_code, support_physical_az_group: false }))
}
