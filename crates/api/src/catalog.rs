//! What the sandbox offers: versions, components, flavors, regions, networks and key pairs.
//! The console's create wizard fills its pickers from here and the server validates against it,
//! so both refuse the same inputs with the same words.

/// One MRS release the sandbox can install, with the components it ships (name, version).
pub struct VersionInfo {
    pub name: &'static str,
    pub hadoop_version: &'static str,
    pub components: &'static [(&'static str, &'static str, &'static str)],
}

/// Components: (name, version, MRS component id suffix as in `componentId` = `<version>_<suffix>`).
const MRS3_COMPONENTS: &[(&str, &str, &str)] = &[
    ("Hadoop", "3.1.1", "001"),
    ("HBase", "2.2.3", "002"),
    ("Hive", "3.1.0", "003"),
    ("Spark2x", "3.1.1", "004"),
    ("Flink", "1.12.2", "006"),
    ("Kafka", "2.4.0", "008"),
    ("Flume", "1.9.0", "009"),
    ("Hue", "4.7.0", "014"),
    ("Oozie", "5.1.0", "015"),
    ("ZooKeeper", "3.6.3", "019"),
    ("Ranger", "2.0.0", "022"),
    ("Tez", "0.9.2", "024"),
    ("ClickHouse", "21.3.4.25", "025"),
];

pub const VERSIONS: &[VersionInfo] = &[
    VersionInfo { name: "MRS 3.1.0", hadoop_version: "3.1.1", components: MRS3_COMPONENTS },
    VersionInfo { name: "MRS 3.1.5", hadoop_version: "3.1.1", components: MRS3_COMPONENTS },
    VersionInfo { name: "MRS 3.2.0-LTS.1", hadoop_version: "3.3.1", components: MRS3_COMPONENTS },
    VersionInfo { name: "MRS 3.3.0-LTS.1", hadoop_version: "3.3.1", components: MRS3_COMPONENTS },
];

pub fn version(name: &str) -> Option<&'static VersionInfo> {
    VERSIONS.iter().find(|v| v.name == name)
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

/// An ECS flavor: name, vCPUs, memory in GiB.
pub struct Flavor {
    pub name: &'static str,
    pub vcpus: u32,
    pub mem_gb: u32,
}

pub const FLAVORS: &[Flavor] = &[
    Flavor { name: "c6.2xlarge.4.linux.bigdata", vcpus: 8, mem_gb: 32 },
    Flavor { name: "c6.4xlarge.4.linux.bigdata", vcpus: 16, mem_gb: 64 },
    Flavor { name: "c6.8xlarge.4.linux.bigdata", vcpus: 32, mem_gb: 128 },
    Flavor { name: "m6.4xlarge.8.linux.bigdata", vcpus: 16, mem_gb: 128 },
    Flavor { name: "c3.4xlarge.2.linux.bigdata", vcpus: 16, mem_gb: 32 },
];

pub fn flavor(name: &str) -> Option<&'static Flavor> {
    FLAVORS.iter().find(|f| f.name == name)
}

pub struct Region {
    pub id: &'static str,
    pub zones: &'static [&'static str],
    /// The region's time zone, minutes east of UTC (auto-scaling resource plans are read in it).
    pub utc_offset_minutes: i32,
}

/// Beijing (cn-north-4), Shanghai (cn-east-3) and Hong Kong (ap-southeast-1) are all UTC+8.
pub const REGIONS: &[Region] = &[
    Region { id: "cn-north-4", zones: &["cn-north-4a", "cn-north-4b", "cn-north-4c"], utc_offset_minutes: 480 },
    Region { id: "cn-east-3", zones: &["cn-east-3a", "cn-east-3b"], utc_offset_minutes: 480 },
    Region { id: "ap-southeast-1", zones: &["ap-southeast-1a", "ap-southeast-1b"], utc_offset_minutes: 480 },
];

/// The zone of a cluster whose region is not in the catalog (a record written by hand).
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 480;

pub fn region(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// A VPC and its subnets (name, id).
pub struct Vpc {
    pub name: &'static str,
    pub id: &'static str,
    pub subnets: &'static [(&'static str, &'static str)],
}

pub const VPCS: &[Vpc] = &[
    Vpc {
        name: "vpc-lakedeck",
        id: "0b5f4c2a-7d1e-4e52-9a64-3c2f3e1d0a01",
        subnets: &[
            ("subnet-data", "7e1a0c55-2b8f-4f0e-8c7d-5d9a6b1c2e01"),
            ("subnet-mgmt", "7e1a0c55-2b8f-4f0e-8c7d-5d9a6b1c2e02"),
        ],
    },
    Vpc {
        name: "vpc-analytics",
        id: "0b5f4c2a-7d1e-4e52-9a64-3c2f3e1d0a02",
        subnets: &[("subnet-analytics", "7e1a0c55-2b8f-4f0e-8c7d-5d9a6b1c2e03")],
    },
];

pub fn vpc(name: &str) -> Option<&'static Vpc> {
    VPCS.iter().find(|v| v.name == name)
}

/// ECS key pairs that exist in the sandbox (any other name is 12000059).
pub const KEY_PAIRS: &[&str] = &["KeyPair-lakedeck", "KeyPair-ops"];

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
    fn lookups() {
        assert!(version("MRS 3.1.0").is_some());
        assert!(version("MRS 9").is_none());
        assert_eq!(flavor("c6.4xlarge.4.linux.bigdata").unwrap().vcpus, 16);
        assert!(region("cn-north-4").unwrap().zones.contains(&"cn-north-4a"));
        assert_eq!(vpc("vpc-lakedeck").unwrap().subnets.len(), 2);
    }
}
