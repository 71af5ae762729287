//! Huawei MRS wire types (V1.1 cluster family in camelCase with PascalCase node groups; V2 in snake_case).
//! Field names are exact: the SDK deserialises key-exactly, so a wrong case silently becomes `None` there.
//! Response structs default every field so a console built today keeps reading a server that adds fields.

use serde::{Deserialize, Serialize};

use crate::lenient;

// ---------------------------------------------------------------------------------------------
// Cluster states

/// `clusterState` values. Unknown states from a newer service deserialize as `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterState {
    #[default]
    Starting,
    Running,
    Terminated,
    Failed,
    Abnormal,
    Terminating,
    Frozen,
    ScalingOut,
    ScalingIn,
    #[serde(other)]
    Other,
}

impl ClusterState {
    pub const ALL: [ClusterState; 9] = [
        ClusterState::Starting,
        ClusterState::Running,
        ClusterState::Terminated,
        ClusterState::Failed,
        ClusterState::Abnormal,
        ClusterState::Terminating,
        ClusterState::Frozen,
        ClusterState::ScalingOut,
        ClusterState::ScalingIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClusterState::Starting => "starting",
            ClusterState::Running => "running",
            ClusterState::Terminated => "terminated",
            ClusterState::Failed => "failed",
            ClusterState::Abnormal => "abnormal",
            ClusterState::Terminating => "terminating",
            ClusterState::Frozen => "frozen",
            ClusterState::ScalingOut => "scaling-out",
            ClusterState::ScalingIn => "scaling-in",
            ClusterState::Other => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<ClusterState> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Deleted clusters (the `history` list filter); everything else is `existing`.
    pub fn is_history(self) -> bool {
        matches!(self, ClusterState::Terminated)
    }

    /// States that keep changing on their own, so a view showing them should poll.
    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            ClusterState::Starting | ClusterState::Terminating | ClusterState::ScalingOut | ClusterState::ScalingIn
        )
    }

    /// Only running or abnormal clusters can be deleted (others: 12000021).
    pub fn can_delete(self) -> bool {
        matches!(self, ClusterState::Running | ClusterState::Abnormal)
    }

    /// Only running clusters can be scaled (others: 12000017).
    pub fn can_scale(self) -> bool {
        self == ClusterState::Running
    }

    /// Terminating and terminated clusters cannot be renamed (12000360).
    pub fn can_rename(self) -> bool {
        !matches!(self, ClusterState::Terminating | ClusterState::Terminated)
    }
}

/// `stageDesc` texts while a cluster is created, in order (MRS SDK documentation).
pub const CREATE_STAGES: &[&str] = &[
    "Verifying cluster parameters",
    "Applying for cluster resources",
    "Creating VM",
    "Initializing VM",
    "Installing MRS Manager",
    "Deploying cluster",
];
/// `stageDesc` texts of a scale-out, in order.
pub const EXPAND_STAGES: &[&str] =
    &["Preparing for cluster expansion", "Creating VM", "Initializing VM", "Adding node to the cluster"];
/// `stageDesc` texts of a scale-in, in order.
pub const SHRINK_STAGES: &[&str] =
    &["Preparing for cluster shrink", "Decommissioning instance", "Deleting VM", "Deleting node from the cluster"];
/// The service documents no stage texts for deletion; these are the sandbox's own wording.
pub const DELETE_STAGES: &[&str] = &["Deleting cluster", "Deleting VM", "Releasing cluster resources"];

/// Which step of its current operation a stage text is, as `(step, of)` counted from 1, for progress bars.
pub fn stage_progress(stage_desc: &str) -> Option<(usize, usize)> {
    [CREATE_STAGES, EXPAND_STAGES, SHRINK_STAGES, DELETE_STAGES]
        .iter()
        .find_map(|stages| stages.iter().position(|s| *s == stage_desc).map(|i| (i + 1, stages.len())))
}

/// Cluster type as a string in V2 requests and as an int (0–3) in V1.1 responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClusterType {
    Analysis,
    Streaming,
    Mixed,
    Custom,
}

impl ClusterType {
    pub const ALL: [ClusterType; 4] =
        [ClusterType::Analysis, ClusterType::Streaming, ClusterType::Mixed, ClusterType::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            ClusterType::Analysis => "ANALYSIS",
            ClusterType::Streaming => "STREAMING",
            ClusterType::Mixed => "MIXED",
            ClusterType::Custom => "CUSTOM",
        }
    }

    pub fn parse(s: &str) -> Option<ClusterType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn code(self) -> i32 {
        match self {
            ClusterType::Analysis => 0,
            ClusterType::Streaming => 1,
            ClusterType::Mixed => 2,
            ClusterType::Custom => 3,
        }
    }

    pub fn from_code(code: i32) -> Option<ClusterType> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

// ---------------------------------------------------------------------------------------------
// V1.1 cluster family (camelCase)

/// One entry of `componentList`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComponentAmb {
    pub component_id: String,
    pub component_name: String,
    pub component_version: String,
    pub component_desc: String,
}

/// NodeGroupV10: the node groups inside a V1.1 cluster, with PascalCase keys.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NodeGroupV10 {
    pub group_name: String,
    pub node_num: i64,
    pub node_size: String,
    pub node_spec_id: String,
    pub vm_product_id: String,
    pub vm_spec_code: String,
    pub node_product_id: String,
    pub root_volume_size: i64,
    pub root_volume_product_id: String,
    pub root_volume_type: String,
    pub root_volume_resource_spec_code: String,
    pub root_volume_resource_type: String,
    pub data_volume_type: String,
    pub data_volume_count: i64,
    pub data_volume_size: i64,
    pub data_volume_product_id: String,
    pub data_volume_resource_spec_code: String,
    pub data_volume_resource_type: String,
    /// The group's auto-scaling policy (Task groups; snake_case inside, as the service sends it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_policy: Option<crate::mrs_scaling::AutoScalingPolicy>,
}

/// Bootstrap script (snake_case even inside the camelCase V1.1 cluster).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BootstrapScript {
    pub name: String,
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
    pub nodes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_master: Option<bool>,
    pub fail_action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_component_start: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_stages: Option<Vec<String>>,
}

/// The V1.1 `Cluster` object of ListClusters and ShowClusterDetails. Counts and epoch-second
/// timestamps are strings on the wire, as the real service sends them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Cluster {
    pub cluster_id: String,
    pub cluster_name: String,
    pub cluster_version: String,
    pub cluster_type: i32,
    pub safe_mode: i32,
    pub tenant_id: String,
    pub enterprise_project_id: String,
    pub order_id: String,
    pub instance_id: String,
    pub deployment_id: String,
    pub remark: String,
    pub error_info: String,
    pub cluster_state: ClusterState,
    pub stage_desc: String,
    pub scale: String,
    #[serde(rename = "isMrsManagerFinish")]
    pub is_mrs_manager_finish: bool,
    pub total_node_num: String,
    pub master_node_num: String,
    pub core_node_num: String,
    pub master_node_size: String,
    pub core_node_size: String,
    pub volume_size: i64,
    pub volume_type: String,
    pub master_data_volume_type: String,
    pub master_data_volume_size: i64,
    pub master_data_volume_count: i64,
    pub core_data_volume_type: String,
    pub core_data_volume_size: i64,
    pub core_data_volume_count: i64,
    pub create_at: String,
    pub update_at: String,
    pub charging_start_time: String,
    pub billing_type: String,
    pub duration: String,
    pub fee: String,
    pub period_type: i32,
    pub data_center: String,
    pub vpc: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub subnet_name: String,
    pub security_groups_id: String,
    pub slave_security_groups_id: String,
    pub external_ip: String,
    pub external_alternate_ip: String,
    pub internal_ip: String,
    pub master_node_ip: String,
    pub private_ip_first: String,
    pub eip_id: String,
    pub eip_address: String,
    pub az_id: String,
    pub az_name: String,
    pub az_code: String,
    pub availability_zone_id: String,
    pub hadoop_version: String,
    pub component_list: Vec<ComponentAmb>,
    pub node_public_cert_name: String,
    pub log_collection: i32,
    /// `k1=v1,k2=v2`
    pub tags: String,
    pub bootstrap_scripts: Vec<BootstrapScript>,
    pub node_groups: Vec<NodeGroupV10>,
    pub task_node_groups: Vec<NodeGroupV10>,
}

impl Cluster {
    /// `createAt` as Unix seconds (0 if absent or malformed).
    pub fn created_unix(&self) -> i64 {
        self.create_at.parse().unwrap_or(0)
    }

    pub fn updated_unix(&self) -> i64 {
        self.update_at.parse().unwrap_or(0)
    }

    /// `tags` parsed into pairs; `k` without `=` is a key with an empty value.
    pub fn tag_pairs(&self) -> Vec<Tag> {
        parse_tag_string(&self.tags)
    }

    pub fn kind(&self) -> Option<ClusterType> {
        ClusterType::from_code(self.cluster_type)
    }

    /// All node groups, core/master first then task groups, as the detail page lists them.
    pub fn all_node_groups(&self) -> impl Iterator<Item = &NodeGroupV10> {
        self.node_groups.iter().chain(self.task_node_groups.iter())
    }
}

pub fn parse_tag_string(s: &str) -> Vec<Tag> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => Tag { key: k.to_string(), value: v.to_string() },
            None => Tag { key: p.to_string(), value: String::new() },
        })
        .collect()
}

pub fn tag_string(tags: &[Tag]) -> String {
    tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>().join(",")
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListClustersResponse {
    pub cluster_total: i64,
    pub clusters: Vec<Cluster>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShowClusterResponse {
    pub cluster: Cluster,
}

/// The list filter `clusterState` query parameter: a concrete state, or `existing` / `history`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateFilter {
    Existing,
    History,
    Only(ClusterState),
}

impl StateFilter {
    pub fn parse(s: &str) -> Option<StateFilter> {
        match s {
            "existing" => Some(StateFilter::Existing),
            "history" => Some(StateFilter::History),
            other => ClusterState::parse(other).map(StateFilter::Only),
        }
    }

    pub fn as_query(self) -> &'static str {
        match self {
            StateFilter::Existing => "existing",
            StateFilter::History => "history",
            StateFilter::Only(s) => s.as_str(),
        }
    }

    pub fn matches(self, state: ClusterState) -> bool {
        match self {
            StateFilter::Existing => !state.is_history(),
            StateFilter::History => state.is_history(),
            StateFilter::Only(s) => s == state,
        }
    }
}

/// The `tags` list filter: `k1*v1,k2*v2` (a bare `k1` matches any value); all must match.
pub fn parse_tag_filter(s: &str) -> Vec<(String, Option<String>)> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('*') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (p.to_string(), None),
        })
        .collect()
}

pub fn tag_filter_matches(filter: &[(String, Option<String>)], tags: &[Tag]) -> bool {
    filter.iter().all(|(k, v)| {
        tags.iter().any(|t| &t.key == k && v.as_ref().is_none_or(|v| &t.value == v))
    })
}

/// Body of the V1.1 resize `PUT /v1.1/{p}/cluster_infos/{c}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterScalingReq {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_values: Option<serde_json::Value>,
    pub parameters: Option<ClusterScalingParams>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterScalingParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    pub scale_type: String,
    pub node_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_group: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub instances: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub skip_bootstrap_scripts: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub scale_without_start: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_node_info: Option<TaskNodeInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskNodeInfo {
    pub node_size: String,
    pub data_volume_type: String,
    #[serde(deserialize_with = "lenient::int")]
    pub data_volume_count: i64,
    #[serde(deserialize_with = "lenient::int")]
    pub data_volume_size: i64,
}

/// `{"result": "succeeded"}` answers of resize, rename, shrink.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResultResponse {
    pub result: String,
}

/// HostModel of `GET /v1.1/{p}/clusters/{c}/hosts` (snake_case; mem/cpu/root size as strings).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Host {
    pub id: String,
    pub name: String,
    pub ip: String,
    pub availability_zone_id: String,
    pub tags: Vec<Tag>,
    pub status: String,
    pub resource_id: String,
    pub flavor: String,
    #[serde(rename = "type")]
    pub host_type: String,
    pub mem: String,
    pub cpu: String,
    pub root_volume_size: String,
    pub data_volume_type: String,
    pub data_volume_size: i64,
    pub data_volume_count: i64,
    pub node_group_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListHostsResponse {
    pub hosts: Vec<Host>,
    pub total: i64,
}

// ---------------------------------------------------------------------------------------------
// V2 (snake_case)

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChargeInfo {
    pub charge_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub period_num: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub is_auto_pay: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Volume {
    #[serde(rename = "type")]
    pub volume_type: String,
    #[serde(deserialize_with = "lenient::int")]
    pub size: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeGroupV2 {
    pub group_name: String,
    #[serde(deserialize_with = "lenient::int")]
    pub node_num: i64,
    pub node_size: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_volume: Option<Volume>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_volume: Option<Volume>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub data_volume_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_info: Option<ChargeInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_policy: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_roles: Option<Vec<String>>,
}

/// `POST /v2/{p}/clusters` body. Required fields are `Option` here so a request missing one still
/// parses and can be answered with the precise "X is required" error instead of a generic one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateClusterReq {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_dec_project: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_info: Option<ChargeInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_groups_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_create_default_security_group: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_admin_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_root_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_keypair_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eip_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrs_ecs_default_agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub log_collection: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_groups: Option<Vec<NodeGroupV2>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap_scripts: Option<Vec<BootstrapScript>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_configs: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_datasources: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smn_notify: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_jobs: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateClusterResponse {
    pub cluster_id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateClusterNameReq {
    pub cluster_name: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpandClusterReq {
    pub node_group_name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int")]
    pub count: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub skip_bootstrap_scripts: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub scale_without_start: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpandClusterResponse {
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShrinkClusterReq {
    pub node_group_name: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_ids: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeVolume {
    #[serde(rename = "type")]
    pub volume_type: String,
    pub size: i64,
    pub count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerInfo {
    pub server_id: String,
    pub server_name: String,
    pub server_type: String,
    pub data_volumes: Vec<NodeVolume>,
    pub root_volume: NodeVolume,
    pub cpu_type: String,
    pub cpu: String,
    pub mem: String,
    pub internal_ip: String,
}

/// `node_detail`: all strings on the wire.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeDetail {
    pub running_status: String,
    pub cpu_usage: String,
    pub memory_usage: String,
    pub disk_usage: String,
    pub total_memory: String,
    pub available_memory: String,
    pub total_hard_disk_space: String,
    pub available_hard_disk_space: String,
    pub network_read: String,
    pub network_write: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentInfo {
    pub id: String,
    pub name: String,
    pub running_status: String,
    pub role_name: String,
    pub service_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterNode {
    pub node_name: String,
    pub resource_id: String,
    pub node_group_name: String,
    pub node_type: String,
    pub billing_type: String,
    pub deployment_type: String,
    pub server_info: ServerInfo,
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_detail: Option<NodeDetail>,
    pub node_status: String,
    pub component_infos: Vec<ComponentInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListNodesResponse {
    pub nodes: Vec<ClusterNode>,
    pub node_total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v11_cluster_uses_vendor_casing() {
        let wire = json!({
            "clusterId": "c1", "clusterName": "demo", "clusterState": "scaling-out", "clusterType": 0,
            "totalNodeNum": "5", "createAt": "1700000000", "isMrsManagerFinish": true,
            "tags": "env=dev,team=", "nodeGroups": [{"GroupName": "master_node_default_group", "NodeNum": 2,
            "NodeSize": "c6.4xlarge.4.linux.bigdata", "RootVolumeSize": 480, "DataVolumeCount": 1}],
            "componentList": [{"componentId": "MRS 3.1.0_001", "componentName": "Hadoop",
            "componentVersion": "3.1.1", "componentDesc": "d"}], "somethingNew": 1
        });
        let c: Cluster = serde_json::from_value(wire).unwrap();
        assert_eq!(c.cluster_state, ClusterState::ScalingOut);
        assert_eq!(c.total_node_num, "5");
        assert_eq!(c.created_unix(), 1_700_000_000);
        assert!(c.is_mrs_manager_finish);
        assert_eq!(c.node_groups[0].node_num, 2);
        assert_eq!(c.tag_pairs(), vec![
            Tag { key: "env".into(), value: "dev".into() },
            Tag { key: "team".into(), value: String::new() }
        ]);
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["clusterState"], "scaling-out");
        assert_eq!(back["isMrsManagerFinish"], true);
        assert_eq!(back["nodeGroups"][0]["GroupName"], "master_node_default_group");
        assert_eq!(back["componentList"][0]["componentId"], "MRS 3.1.0_001");
        assert!(back.get("cluster_id").is_none());
    }

    #[test]
    fn stage_progress_counts_steps() {
        assert_eq!(stage_progress("Verifying cluster parameters"), Some((1, 6)));
        assert_eq!(stage_progress("Adding node to the cluster"), Some((4, 4)));
        assert_eq!(stage_progress("Deleting cluster"), Some((1, 3)));
        assert_eq!(stage_progress(""), None);
    }

    #[test]
    fn unknown_state_is_other() {
        let c: Cluster = serde_json::from_value(json!({"clusterState": "stopping"})).unwrap();
        assert_eq!(c.cluster_state, ClusterState::Other);
    }

    #[test]
    fn create_request_accepts_doc_style_strings() {
        let body = json!({
            "cluster_version": "MRS 3.1.0", "cluster_name": "demo_01", "cluster_type": "ANALYSIS",
            "log_collection": "1",
            "node_groups": [{"group_name": "core_node_analysis_group", "node_num": "3",
                "node_size": "c6.4xlarge.4.linux.bigdata", "root_volume": {"type": "SAS", "size": "480"},
                "data_volume_count": 1}]
        });
        let r: CreateClusterReq = serde_json::from_value(body).unwrap();
        let g = &r.node_groups.as_ref().unwrap()[0];
        assert_eq!((g.node_num, g.root_volume.as_ref().unwrap().size), (3, 480));
        assert_eq!(r.log_collection, Some(1));
        let back = serde_json::to_value(&r).unwrap();
        assert!(back.get("tags").is_none(), "absent optional fields are not sent");
    }

    #[test]
    fn scaling_request_reads_doc_example() {
        let body = json!({"service_id": "", "plan_id": "", "previous_values": {"plan_id": ""},
            "parameters": {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd",
            "instances": "1", "skip_bootstrap_scripts": false, "scale_without_start": false}});
        let r: ClusterScalingReq = serde_json::from_value(body).unwrap();
        let p = r.parameters.unwrap();
        assert_eq!((p.scale_type.as_str(), p.instances), ("scale_out", Some(1)));
    }

    #[test]
    fn list_and_nodes_round_trip() {
        let list = ListClustersResponse { cluster_total: 1, clusters: vec![Cluster::default()] };
        let v = serde_json::to_value(&list).unwrap();
        assert_eq!(v["clusterTotal"], 1);
        let nodes = ListNodesResponse { nodes: vec![ClusterNode::default()], node_total: 1 };
        let v = serde_json::to_value(&nodes).unwrap();
        assert_eq!(v["node_total"], 1);
        assert!(v["nodes"][0]["server_info"]["root_volume"].get("type").is_some());
        let hosts: ListHostsResponse =
            serde_json::from_value(json!({"hosts": [{"type": "Core", "mem": "16384"}], "total": 1})).unwrap();
        assert_eq!(hosts.hosts[0].host_type, "Core");
    }

    #[test]
    fn state_and_tag_filters() {
        assert!(StateFilter::parse("existing").unwrap().matches(ClusterState::Running));
        assert!(!StateFilter::parse("existing").unwrap().matches(ClusterState::Terminated));
        assert!(StateFilter::parse("history").unwrap().matches(ClusterState::Terminated));
        assert_eq!(StateFilter::parse("scaling-in"), Some(StateFilter::Only(ClusterState::ScalingIn)));
        assert_eq!(StateFilter::parse("bogus"), None);
        let tags = parse_tag_string("env=dev,team=data");
        assert!(tag_filter_matches(&parse_tag_filter("env*dev,team"), &tags));
        assert!(!tag_filter_matches(&parse_tag_filter("env*prod"), &tags));
        assert_eq!(tag_string(&tags), "env=dev,team=data");
    }
}
