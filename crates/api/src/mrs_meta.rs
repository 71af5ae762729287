//! What a console reads before it offers a create form (mrs-api.md §4, §12): MRS versions and their
//! metadata (components, role layout), flavors per availability zone, the region's zones, and the
//! Huawei VPC service's VPC and subnet lists — the wire shapes, and [`offer`], which turns the
//! answers into the [`Catalog`] the shared rules check a create request against.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{Catalog, ComponentInfo, FlavorInfo, RegionInfo, RoleInfo, SubnetInfo, VersionInfo, VpcInfo, ZoneInfo};

/// ShowMrsVersionList: `GET /v2/{project_id}/metadata/versions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionListResponse {
    pub cluster_versions: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlavorName {
    pub flavor_name: String,
}

/// One availability zone's flavors per node role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AzFlavors {
    pub az_code: String,
    pub az_name: String,
    pub master: Vec<FlavorName>,
    pub core: Vec<FlavorName>,
    pub task: Vec<FlavorName>,
}

/// ShowMrsFlavors: `GET /v2/{project_id}/metadata/version/{version_name}/available-flavor`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlavorsResponse {
    pub version_name: String,
    pub available_flavors: Vec<AzFlavors>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AzTags {
    pub mode: String,
    pub alias: String,
    pub public_border_group: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AvailableZone {
    pub id: String,
    pub az_code: String,
    pub az_name: String,
    pub az_id: String,
    pub status: String,
    pub region_id: String,
    pub az_group_id: String,
    pub az_type: String,
    pub az_tags: AzTags,
    pub az_category: i64,
    pub charge_policy: String,
}

/// ListAvailableZones: `GET /v1.1/{region_id}/available-zones`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ZonesResponse {
    pub available_zones: Vec<AvailableZone>,
    pub default_az_code: String,
    pub support_physical_az_group: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetaComponent {
    pub name: String,
    pub version: String,
    pub depend_on: Vec<String>,
    pub description: String,
    pub available_cluster_types: Vec<String>,
    pub external_datasources: Vec<Value>,
    pub resource_requirement: Vec<String>,
    pub valid_roles: Vec<String>,
    pub visible: bool,
    pub children_components: Vec<String>,
    pub multi_az_support_status: String,
}

/// Flavor names per node role (plain strings here, unlike ShowMrsFlavors).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetaFlavors {
    pub master: Vec<String>,
    pub core: Vec<String>,
    pub task: Vec<String>,
}

/// One role of the layout: which component it belongs to and which node types it goes on. The
/// SDK types `node_preference` and `count` as strings and `multi_instance` as a number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleDeployMeta {
    pub name: String,
    pub code_name: String,
    pub component: String,
    /// Node types, comma-separated (`master`, `core,task`).
    pub node_preference: String,
    pub count: String,
    pub affinity: String,
    pub affinity_target: String,
    pub multi_instance: i64,
    pub role_kind: String,
    pub constraints: Vec<String>,
}

/// ShowMrsVersionMetadata: `GET /v1.1/{project_id}/metadata/versions/{version_name}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionMetadata {
    pub name: String,
    pub template_type: String,
    pub image_id: String,
    pub status: String,
    pub features: Vec<String>,
    pub cluster_types: Vec<String>,
    pub version_type: String,
    pub components: Vec<MetaComponent>,
    pub resource_requirement: Vec<String>,
    pub constraints: Value,
    pub flavors: MetaFlavors,
    pub role_deploy_meta: Vec<RoleDeployMeta>,
}

/// A VPC as the VPC service's `GET /v1/{project_id}/vpcs` lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Vpc {
    pub id: String,
    pub name: String,
    pub cidr: String,
    pub status: String,
    pub description: String,
    pub enterprise_project_id: String,
    pub routes: Vec<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcsResponse {
    pub vpcs: Vec<Vpc>,
}

/// A subnet as `GET /v1/{project_id}/subnets` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Subnet {
    pub id: String,
    pub name: String,
    pub description: String,
    pub cidr: String,
    pub gateway_ip: String,
    pub vpc_id: String,
    pub status: String,
    pub availability_zone: String,
    pub dhcp_enable: bool,
    pub primary_dns: String,
    pub secondary_dns: String,
    pub neutron_network_id: String,
    pub neutron_subnet_id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubnetsResponse {
    pub subnets: Vec<Subnet>,
}

/// What the console has read, as the catalog the create rules take. `versions` names every
/// version offered; `metadata` holds those whose components were read (the chosen one, at
/// least); `flavors` the flavor answer for the chosen version and zone. Key pairs cannot be
/// listed through these APIs, so they are left unchecked.
pub fn offer(
    region: &str,
    versions: &[String],
    metadata: &[VersionMetadata],
    flavors: Option<&FlavorsResponse>,
    zones: &ZonesResponse,
    vpcs: &[Vpc],
    subnets: &[Subnet],
) -> Catalog {
    let versions = versions
        .iter()
        .map(|name| {
            let meta = metadata.iter().find(|m| &m.name == name);
            VersionInfo {
                name: name.clone(),
                hadoop_version: String::new(),
                components: meta
                    .map(|m| {
                        m.components
                            .iter()
                            .map(|c| ComponentInfo {
                                name: c.name.clone(),
                                version: c.version.clone(),
                                id: String::new(),
                                description: c.description.clone(),
                                roles: m
                                    .role_deploy_meta
                                    .iter()
                                    .filter(|r| r.component == c.name)
                                    .map(|r| RoleInfo {
                                        name: r.name.clone(),
                                        nodes: r.node_preference.split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect(),
                                    })
                                    .collect(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut flavor_list: Vec<FlavorInfo> = Vec::new();
    for az in flavors.map(|f| f.available_flavors.as_slice()).unwrap_or_default() {
        for (role, list) in [("master", &az.master), ("core", &az.core), ("task", &az.task)] {
            for f in list {
                match flavor_list.iter_mut().find(|x| x.name == f.flavor_name) {
                    Some(x) if !x.roles.iter().any(|r| r == role) => x.roles.push(role.to_string()),
                    Some(_) => {}
                    None => flavor_list.push(FlavorInfo { name: f.flavor_name.clone(), roles: vec![role.to_string()] }),
                }
            }
        }
    }
    let region = RegionInfo {
        id: region.to_string(),
        zones: zones.available_zones.iter().map(|z| ZoneInfo { code: z.az_code.clone(), name: z.az_name.clone() }).collect(),
        ..Default::default()
    };
    let vpcs = vpcs
        .iter()
        .map(|v| VpcInfo {
            id: v.id.clone(),
            name: v.name.clone(),
            cidr: v.cidr.clone(),
            subnets: subnets
                .iter()
                .filter(|s| s.vpc_id == v.id)
                .map(|s| SubnetInfo {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    cidr: s.cidr.clone(),
                    gateway_ip: s.gateway_ip.clone(),
                    availability_zone: s.availability_zone.clone(),
                })
                .collect(),
        })
        .collect();
    Catalog { versions, flavors: flavor_list, regions: vec![region], vpcs, key_pairs: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_become_the_catalog_the_rules_take() {
        let meta: VersionMetadata = serde_json::from_value(serde_json::json!({
            "name": "MRS 3.1.0",
            "components": [{"name": "Hadoop", "version": "3.1.1"}, {"name": "Hive", "version": "3.1.0"}],
            "role_deploy_meta": [{"name": "NameNode", "component": "Hadoop", "node_preference": "master"}]
        }))
        .unwrap();
        let flavors: FlavorsResponse = serde_json::from_value(serde_json::json!({
            "version_name": "MRS 3.1.0",
            "available_flavors": [{"az_code": "r-1a", "master": [{"flavor_name": "big"}], "core": [{"flavor_name": "big"}, {"flavor_name": "small"}], "task": []}]
        }))
        .unwrap();
        let zones: ZonesResponse =
            serde_json::from_value(serde_json::json!({"available_zones": [{"az_code": "r-1a", "az_name": "AZ1"}], "default_az_code": "r-1a"})).unwrap();
        let vpcs = vec![Vpc { id: "v1".into(), name: "net".into(), ..Default::default() }];
        let subnets = vec![
            Subnet { id: "s1".into(), name: "a".into(), vpc_id: "v1".into(), ..Default::default() },
            Subnet { id: "s9".into(), name: "other".into(), vpc_id: "v9".into(), ..Default::default() },
        ];
        let c = offer("r-1", &["MRS 3.1.0".into(), "MRS 3.2.0".into()], &[meta], Some(&flavors), &zones, &vpcs, &subnets);
        assert_eq!(c.versions.len(), 2);
        let v = c.version("MRS 3.1.0").unwrap();
        assert_eq!(v.component("Hadoop").unwrap().roles[0].name, "NameNode");
        assert!(c.version("MRS 3.2.0").unwrap().components.is_empty(), "not read yet");
        assert_eq!(c.flavor("big").unwrap().roles, vec!["master", "core"]);
        assert!(!c.flavor("small").unwrap().allows("master"));
        assert!(c.region("r-1").unwrap().has_zone("r-1a"));
        assert_eq!(c.vpc("net").unwrap().subnets.len(), 1);
        assert_eq!(c.key_pairs, None);
    }
}
