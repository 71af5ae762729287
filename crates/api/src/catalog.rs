//! What a cloud account offers a new cluster, as data: versions and their components, flavors,
//! regions and zones, VPCs and subnets, key pairs. Nothing here is compiled-in knowledge of an
//! account: the sandbox loads its offer from a data file, the console builds one from the APIs a
//! real console reads (ShowMrsVersionList, ShowMrsVersionMetadata, ShowMrsFlavors,
//! ListAvailableZones, the VPC service's VPC and subnet lists), and the shared validation in
//! `rules.rs` takes it as input — so both sides refuse the same inputs with the same words.
//!
//! What stays compiled are the service's own rules (disk types, charge and login modes, the node
//! group names of each cluster type), which are the same for every account.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Catalog {
    pub versions: Vec<VersionInfo>,
    pub flavors: Vec<FlavorInfo>,
    pub regions: Vec<RegionInfo>,
    pub vpcs: Vec<VpcInfo>,
    /// ECS key pairs; `None` when they cannot be listed (the console has no key-pair API), in
    /// which case any name passes here and the service has the last word.
    pub key_pairs: Option<Vec<String>>,
}

/// One MRS release and the components it ships.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionInfo {
    pub name: String,
    pub hadoop_version: String,
    pub components: Vec<ComponentInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentInfo {
    pub name: String,
    pub version: String,
    /// Suffix of the MRS `componentId` (`<version>_<id>`).
    pub id: String,
    pub description: String,
    /// Roles the component deploys, and the node types they prefer (ShowMrsVersionMetadata's
    /// role layout).
    pub roles: Vec<RoleInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleInfo {
    pub name: String,
    /// `master`, `core` and/or `task`.
    pub nodes: Vec<String>,
}

/// An ECS flavor offered for MRS nodes. `roles` names the node roles (`master`, `core`, `task`)
/// it may be used for; empty means all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlavorInfo {
    pub name: String,
    pub roles: Vec<String>,
}

impl FlavorInfo {
    pub fn allows(&self, role: &str) -> bool {
        self.roles.is_empty() || self.roles.iter().any(|r| r.eq_ignore_ascii_case(role))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionInfo {
    pub id: String,
    pub zones: Vec<ZoneInfo>,
    /// The region's time zone, minutes east of UTC (auto-scaling resource plans are read in it).
    pub utc_offset_minutes: i32,
}

impl Default for RegionInfo {
    fn default() -> RegionInfo {
        RegionInfo { id: String::new(), zones: Vec::new(), utc_offset_minutes: DEFAULT_UTC_OFFSET_MINUTES }
    }
}

/// The zone of a region that does not say (a record written by hand): UTC+8, where the Chinese
/// regions are.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 480;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ZoneInfo {
    /// `cn-north-4a`: what requests carry.
    pub code: String,
    /// `AZ1`: what people read.
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VpcInfo {
    pub id: String,
    pub name: String,
    pub cidr: String,
    pub subnets: Vec<SubnetInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubnetInfo {
    pub id: String,
    pub name: String,
    pub cidr: String,
    pub gateway_ip: String,
    pub availability_zone: String,
}

impl Catalog {
    pub fn version(&self, name: &str) -> Option<&VersionInfo> {
        self.versions.iter().find(|v| v.name == name)
    }

    pub fn flavor(&self, name: &str) -> Option<&FlavorInfo> {
        self.flavors.iter().find(|f| f.name == name)
    }

    pub fn region(&self, id: &str) -> Option<&RegionInfo> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn vpc(&self, name: &str) -> Option<&VpcInfo> {
        self.vpcs.iter().find(|v| v.name == name)
    }
}

impl VersionInfo {
    pub fn component(&self, name: &str) -> Option<&ComponentInfo> {
        self.components.iter().find(|c| c.name == name)
    }
}

impl RegionInfo {
    pub fn has_zone(&self, code: &str) -> bool {
        self.zones.iter().any(|z| z.code == code)
    }
}

impl VpcInfo {
    pub fn subnet_by_id(&self, id: &str) -> Option<&SubnetInfo> {
        self.subnets.iter().find(|s| s.id == id)
    }

    pub fn subnet_by_name(&self, name: &str) -> Option<&SubnetInfo> {
        self.subnets.iter().find(|s| s.name == name)
    }
}

/// vCPUs and memory (GiB) of a Huawei ECS flavor, read from its name the way Huawei names them:
/// `<family>.<size>.<memory per vCPU>[.…]`, where the size is `medium` (1 vCPU), `large` (2),
/// `xlarge` (4) or `<n>xlarge` (4·n) — `c6.2xlarge.4` is 8 vCPUs and 32 GiB. `None` for names that
/// do not follow it.
pub fn flavor_size(name: &str) -> Option<(u32, u32)> {
    let mut parts = name.split('.');
    let _family = parts.next()?;
    let size = parts.next()?;
    let ratio: u32 = parts.next()?.parse().ok()?;
    let vcpus = match size {
        "medium" => 1,
        "large" => 2,
        "xlarge" => 4,
        other => 4 * other.strip_suffix("xlarge")?.parse::<u32>().ok()?,
    };
    (ratio > 0 && vcpus > 0).then_some((vcpus, vcpus * ratio))
}

/// Components a cluster type needs at the least (a Hadoop base; Kafka for streaming).
pub fn required_components(cluster_type: &str) -> &'static [&'static str] {
    match cluster_type {
        "ANALYSIS" => &["Hadoop"],
        "STREAMING" => &["Kafka", "ZooKeeper"],
        "MIXED" => &["Hadoop", "Kafka", "ZooKeeper"],
        _ => &[],
    }
}

pub const VOLUME_TYPES: &[&str] = &["SATA", "SAS", "SSD", "GPSSD"];
pub const CHARGE_MODES: &[&str] = &["postPaid", "prePaid"];
pub const SAFE_MODES: &[&str] = &["SIMPLE", "KERBEROS"];
pub const LOGIN_MODES: &[&str] = &["PASSWORD", "KEYPAIR"];
pub const CUSTOM_TEMPLATES: &[&str] =
    &["mgmt_control_combined_v2", "mgmt_control_separated_v2", "mgmt_control_data_separated_v2"];

/// The fixed node group names per cluster type, with whether the group is required.
pub fn standard_groups(cluster_type: &str) -> &'static [(&'static str, bool)] {
    match cluster_type {
        "ANALYSIS" => &[
            ("master_node_default_group", true),
            ("core_node_analysis_group", true),
            ("task_node_analysis_group", false),
        ],
        "STREAMING" => &[
            ("master_node_default_group", true),
            ("core_node_streaming_group", true),
            ("task_node_streaming_group", false),
        ],
        "MIXED" => &[
            ("master_node_default_group", true),
            ("core_node_analysis_group", true),
            ("core_node_streaming_group", true),
            ("task_node_analysis_group", false),
            ("task_node_streaming_group", false),
        ],
        _ => &[],
    }
}

/// Node role of a group name: "Master", "Core" or "Task" (CUSTOM groups `node_groupN` count as Core).
pub fn group_role(group_name: &str) -> &'static str {
    if group_name.starts_with("master") {
        "Master"
    } else if group_name.starts_with("task") {
        "Task"
    } else {
        "Core"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_group_set_has_one_master_and_a_core() {
        for t in ["ANALYSIS", "STREAMING", "MIXED"] {
            let groups = standard_groups(t);
            assert_eq!(groups.iter().filter(|(g, _)| group_role(g) == "Master").count(), 1);
            assert!(groups.iter().any(|(g, req)| *req && group_role(g) == "Core"));
        }
        assert!(standard_groups("CUSTOM").is_empty());
    }

    #[test]
    fn flavor_sizes_from_names() {
        assert_eq!(flavor_size("c6.2xlarge.4.linux.bigdata"), Some((8, 32)));
        assert_eq!(flavor_size("m6.4xlarge.8.linux.bigdata"), Some((16, 128)));
        assert_eq!(flavor_size("c3.xlarge.2"), Some((4, 8)));
        assert_eq!(flavor_size("s6.large.2"), Some((2, 4)));
        assert_eq!(flavor_size("custom-flavor"), None);
        assert_eq!(flavor_size("c6.hugexlarge.4"), None);
    }

    #[test]
    fn lookups_and_the_wire_shape() {
        let c: Catalog = serde_json::from_str(
            r#"{"versions":[{"name":"MRS 3.1.0","components":[{"name":"Hadoop","version":"3.1.1"}]}],
                "flavors":[{"name":"c6.2xlarge.4","roles":["core"]}],
                "regions":[{"id":"r1","zones":[{"code":"r1a","name":"AZ1"}]}],
                "vpcs":[{"id":"v1","name":"vpc","subnets":[{"id":"s1","name":"sub"}]}]}"#,
        )
        .unwrap();
        assert_eq!(c.version("MRS 3.1.0").unwrap().component("Hadoop").unwrap().version, "3.1.1");
        assert!(c.flavor("c6.2xlarge.4").unwrap().allows("Core") && !c.flavor("c6.2xlarge.4").unwrap().allows("master"));
        assert!(c.region("r1").unwrap().has_zone("r1a"));
        assert_eq!(c.vpc("vpc").unwrap().subnet_by_id("s1").unwrap().name, "sub");
        assert_eq!(c.key_pairs, None, "absent key pairs are unknown, not none");
    }
}
