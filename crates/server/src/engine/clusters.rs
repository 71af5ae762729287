//! Cluster operations: the rules of lakedeck_api::rules applied against stored state, and the
//! V1.1 cluster record a create request turns into.

use lakedeck_api::catalog;
use lakedeck_api::mrs::{
    tag_filter_matches, tag_string, Cluster, ClusterScalingParams, ClusterState, ClusterType, ComponentAmb,
    CreateClusterReq, NodeGroupV10, NodeGroupV2, StateFilter,
};
use lakedeck_api::mrs_scaling::{validate_policy, AutoScalingPolicy, PolicyTarget, DEFAULT_POOL};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::{self, FieldError};
use rusqlite::Connection;

use super::lifecycle::{self, Op, OpKind};
use super::nodes::{self, Node};
use super::store::{self, ClusterRow, Slots};
use super::{scaling, Engine, EngineError};
use crate::lang::Text;
use crate::problems::problem_text;
use crate::{text, util};

pub const NOT_FOUND: &str = "12000003";
pub const SCALE_NOT_RUNNING: &str = "12000017";
pub const SCALE_IN_PROGRESS: &str = "12000018";
pub const CANNOT_TERMINATE: &str = "12000021";
/// The docs allow at most 10 clusters being created at once but name no code for it; 12000030 is
/// the first of the quota-exceeded family, the closest match.
pub const TOO_MANY_STARTING: &str = "12000030";
pub const MAX_STARTING: usize = 10;
/// V1.1 family's generic invalid-parameter code (V2 uses `rules::INVALID_PARAM`, MRS.0002).
pub const V11_INVALID: &str = "12000002";

#[derive(Default)]
pub struct ListFilter {
    /// Case-insensitive substring of the name, or the exact cluster id.
    pub name: Option<String>,
    pub state: Option<StateFilter>,
    pub tags: Vec<(String, Option<String>)>,
}

impl ListFilter {
    fn matches(&self, c: &Cluster) -> bool {
        // The console's search box sends "name or id" in clusterName, so an exact id matches too.
        let name_ok = self.name.as_deref().filter(|n| !n.is_empty()).is_none_or(|n| {
            c.cluster_id == n || c.cluster_name.to_lowercase().contains(&n.to_lowercase())
        });
        name_ok
            && self.state.is_none_or(|s| s.matches(c.cluster_state))
            && (self.tags.is_empty() || tag_filter_matches(&self.tags, &c.tag_pairs()))
    }
}

/// How a shrink names what to remove.
pub enum ShrinkBy {
    Count(i64),
    /// `resource_id`s of nodes in the group.
    Resources(Vec<String>),
}

fn field_error(fe: FieldError, invalid_code: &str) -> EngineError {
    // The shared rules speak V2 (MRS.0002); the V1.1 family answers the same problem with 12000002.
    let code = if fe.code == rules::INVALID_PARAM { invalid_code.to_string() } else { fe.code.to_string() };
    EngineError::invalid(code, fe.problem)
}

fn load(conn: &Connection, project: &str, id: &str) -> Result<ClusterRow, EngineError> {
    store::cluster(conn, project, id)?
        .ok_or_else(|| EngineError::NotFound(text!("The cluster {id} does not exist.", "集群 {id} 不存在。")))
}

fn name_taken(conn: &Connection, project: &str, name: &str, except: Option<&str>) -> Result<bool, EngineError> {
    Ok(store::project_clusters(conn, project)?.iter().any(|r| {
        !r.cluster.cluster_state.is_history()
            && r.cluster.cluster_name == name
            && Some(r.cluster.cluster_id.as_str()) != except
    }))
}

fn no_group(group: &str) -> Text {
    text!("The node group {group} does not exist in this cluster.", "此集群中不存在节点组 {group}。")
}

fn check_scalable(state: ClusterState) -> Result<(), EngineError> {
    if matches!(state, ClusterState::ScalingOut | ClusterState::ScalingIn) {
        return Err(EngineError::invalid(
            SCALE_IN_PROGRESS,
            text!("A scaling operation is already in progress on this cluster.", "此集群正在进行扩缩容操作。"),
        ));
    }
    if !state.can_scale() {
        let state = state.as_str();
        return Err(EngineError::invalid(
            SCALE_NOT_RUNNING,
            text!("The cluster is {state}; only running clusters can be scaled.", "集群状态为 {state}，只有运行中的集群才能扩缩容。"),
        ));
    }
    Ok(())
}

pub fn core_task_nodes(c: &Cluster) -> i64 {
    c.all_node_groups().filter(|g| catalog::group_role(&g.group_name) != "Master").map(|g| g.node_num.max(0)).sum()
}

fn find_group<'a>(c: &'a Cluster, name: &str) -> Option<&'a NodeGroupV10> {
    c.all_node_groups().find(|g| g.group_name == name)
}

impl Engine {
    pub fn list_clusters(&self, project: &str, filter: &ListFilter) -> Result<Vec<Cluster>, EngineError> {
        let mut clusters: Vec<Cluster> = self
            .store
            .read(|conn| store::project_clusters(conn, project))?
            .into_iter()
            .map(|r| r.cluster)
            .filter(|c| filter.matches(c))
            .collect();
        clusters.sort_by(|a, b| {
            b.created_unix().cmp(&a.created_unix()).then_with(|| a.cluster_name.cmp(&b.cluster_name))
        });
        Ok(clusters)
    }

    pub fn cluster_nodes(&self, project: &str, id: &str) -> Result<(Cluster, Vec<Node>), EngineError> {
        let row = self.store.read(|conn| load(conn, project, id))?;
        let nodes = nodes::nodes(&row.cluster, &row.slots);
        Ok((row.cluster, nodes))
    }

    /// Validates with the shared rules (first error wins), then checks the name against the
    /// project's live clusters and the concurrent-create limit inside the same transaction.
    pub fn create_cluster(&self, project: &str, req: &CreateClusterReq) -> Result<String, EngineError> {
        if let Some(fe) = rules::validate_create_cluster(req, super::catalog::get()).into_iter().next() {
            return Err(EngineError::invalid(fe.code, Text::at_field(&fe.field, &fe.problem)));
        }
        let policies = create_policies(req)?;
        let name = req.cluster_name.clone().unwrap_or_default();
        self.store.tx(|conn| {
            let rows = store::project_clusters(conn, project)?;
            if rows.iter().any(|r| !r.cluster.cluster_state.is_history() && r.cluster.cluster_name == name) {
                return Err(EngineError::invalid(
                    rules::DUPLICATE_NAME,
                    text!("cluster_name: A cluster named {name} already exists.", "cluster_name: 名为 {name} 的集群已存在。"),
                ));
            }
            if rows.iter().filter(|r| r.cluster.cluster_state == ClusterState::Starting).count() >= MAX_STARTING {
                return Err(EngineError::invalid(
                    TOO_MANY_STARTING,
                    text!(
                        "At most {MAX_STARTING} clusters can be created at the same time; wait for one to finish starting.",
                        "最多可同时创建 {MAX_STARTING} 个集群，请等待其中一个启动完成。"
                    ),
                ));
            }
            let now = util::now_ms();
            let (cluster, slots) = build_cluster(project, &util::uuid_v4(), req, now / 1000);
            let mut row = ClusterRow { project_id: project.to_string(), cluster, op: None, slots };
            lifecycle::begin(&mut row, Op::new(OpKind::Create, now, self.step_ms));
            store::insert(conn, &row)?;
            for (group, policy) in policies {
                scaling::save(conn, &scaling::StoredPolicy {
                    project_id: project.to_string(),
                    cluster_id: row.cluster.cluster_id.clone(),
                    node_group: group,
                    resource_pool: DEFAULT_POOL.to_string(),
                    policy: policy.normalized(),
                    runtime: Default::default(),
                })?;
            }
            Ok(row.cluster.cluster_id)
        })
    }

    pub fn rename_cluster(&self, project: &str, id: &str, new_name: &str) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            rules::validate_rename(row.cluster.cluster_state, new_name).map_err(|fe| field_error(fe, rules::INVALID_PARAM))?;
            if name_taken(conn, project, new_name, Some(id))? {
                return Err(EngineError::invalid(
                    rules::DUPLICATE_NAME,
                    text!("A cluster named {new_name} already exists.", "名为 {new_name} 的集群已存在。"),
                ));
            }
            row.cluster.cluster_name = new_name.to_string();
            row.cluster.update_at = util::now_secs().to_string();
            store::save(conn, &row)
        })
    }

    pub fn delete_cluster(&self, project: &str, id: &str) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            let state = row.cluster.cluster_state;
            if !state.can_delete() {
                let state = state.as_str();
                return Err(EngineError::invalid(
                    CANNOT_TERMINATE,
                    text!(
                        "The cluster is {state} and cannot be terminated; only running or abnormal clusters can.",
                        "集群状态为 {state}，不能删除；只能删除运行中或异常的集群。"
                    ),
                ));
            }
            lifecycle::begin(&mut row, Op::new(OpKind::Delete, util::now_ms(), self.step_ms));
            store::save(conn, &row)
        })
    }

    /// V2 expand. Expanding a standard Task group the cluster does not have yet creates it with
    /// the first Core group's flavor and disks (V2 carries no specification for it).
    pub fn expand_cluster(&self, project: &str, id: &str, group: &str, count: i64) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            check_scalable(row.cluster.cluster_state)?;
            let c = &row.cluster;
            let type_name = c.kind().map(ClusterType::as_str).unwrap_or_default();
            let new_group = if find_group(c, group).is_some() {
                None
            } else if catalog::standard_groups(type_name).iter().any(|(g, _)| *g == group) && catalog::group_role(group) == "Task" {
                let core = c.node_groups.iter().find(|g| catalog::group_role(&g.group_name) == "Core").cloned().unwrap_or_default();
                Some(NodeGroupV10 { group_name: group.to_string(), node_num: 0, ..core })
            } else {
                return Err(EngineError::invalid(rules::INVALID_PARAM, no_group(group)));
            };
            self.start_expand(conn, &mut row, group, count, new_group, rules::INVALID_PARAM)
        })
    }

    /// Starts an expand inside an open transaction: the autoscaler's way into the same lifecycle
    /// as ExpandCluster. `new_group` defines a group the cluster does not have yet.
    pub(super) fn begin_expand(
        &self,
        conn: &Connection,
        row: &mut ClusterRow,
        group: &str,
        count: i64,
        new_group: Option<NodeGroupV10>,
    ) -> Result<(), EngineError> {
        check_scalable(row.cluster.cluster_state)?;
        self.start_expand(conn, row, group, count, new_group, rules::INVALID_PARAM)
    }

    /// Starts a shrink inside an open transaction (the autoscaler's scale-in of chosen nodes).
    pub(super) fn begin_shrink(&self, conn: &Connection, row: &mut ClusterRow, group: &str, by: ShrinkBy) -> Result<(), EngineError> {
        check_scalable(row.cluster.cluster_state)?;
        self.start_shrink(conn, row, group, by, rules::INVALID_PARAM)
    }

    fn start_expand(
        &self,
        conn: &Connection,
        row: &mut ClusterRow,
        group: &str,
        count: i64,
        new_group: Option<NodeGroupV10>,
        invalid_code: &str,
    ) -> Result<(), EngineError> {
        rules::validate_expand(catalog::group_role(group), count, core_task_nodes(&row.cluster))
            .map_err(|fe| field_error(fe, invalid_code))?;
        let mut op = Op::new(OpKind::Expand, util::now_ms(), self.step_ms);
        op.group = group.to_string();
        op.count = count;
        op.new_group = new_group;
        lifecycle::begin(row, op);
        store::save(conn, row)
    }

    pub fn shrink_cluster(&self, project: &str, id: &str, group: &str, by: ShrinkBy) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            check_scalable(row.cluster.cluster_state)?;
            if find_group(&row.cluster, group).is_none() {
                return Err(EngineError::invalid(rules::INVALID_PARAM, no_group(group)));
            }
            self.start_shrink(conn, &mut row, group, by, rules::INVALID_PARAM)
        })
    }

    fn start_shrink(
        &self,
        conn: &Connection,
        row: &mut ClusterRow,
        group: &str,
        by: ShrinkBy,
        invalid_code: &str,
    ) -> Result<(), EngineError> {
        let members: Vec<Node> =
            nodes::nodes(&row.cluster, &row.slots).into_iter().filter(|n| n.group_name == group).collect();
        let (count, remove) = match by {
            ShrinkBy::Count(n) => (n, Vec::new()),
            ShrinkBy::Resources(ids) => {
                let mut remove = Vec::new();
                for id in &ids {
                    let node = members.iter().find(|n| &n.resource_id == id).ok_or_else(|| {
                        EngineError::invalid(invalid_code, text!("Node {id} is not in node group {group}.", "节点 {id} 不在节点组 {group} 中。"))
                    })?;
                    if !remove.contains(&node.index) {
                        remove.push(node.index);
                    }
                }
                (remove.len() as i64, remove)
            }
        };
        rules::validate_shrink(catalog::group_role(group), count, members.len() as i64)
            .map_err(|fe| field_error(fe, invalid_code))?;
        let mut op = Op::new(OpKind::Shrink, util::now_ms(), self.step_ms);
        op.group = group.to_string();
        op.count = count;
        op.remove = remove;
        lifecycle::begin(row, op);
        store::save(conn, row)
    }

    /// V1.1 resize: `core_node_default_group` / `task_node_default_group` stand for the cluster's
    /// own Core / Task group. Scaling out Task nodes on a cluster without a Task group creates one
    /// from `task_node_info`.
    pub fn resize_cluster(&self, project: &str, id: &str, p: &ClusterScalingParams) -> Result<(), EngineError> {
        let bad = |m: Text| EngineError::invalid(V11_INVALID, m);
        let scale_out = match p.scale_type.as_str() {
            "scale_out" => true,
            "scale_in" => false,
            other => {
                return Err(bad(text!(
                    "parameters.scale_type must be scale_in or scale_out, not '{other}'.",
                    "parameters.scale_type 须为 scale_in 或 scale_out，不能是“{other}”。"
                )))
            }
        };
        if p.node_id != "node_orderadd" {
            let id = &p.node_id;
            return Err(bad(text!("parameters.node_id must be node_orderadd, not '{id}'.", "parameters.node_id 须为 node_orderadd，不能是“{id}”。")));
        }
        let task = match p.node_group.as_deref().unwrap_or("") {
            "" | "core_node_default_group" => false,
            "task_node_default_group" => true,
            other => {
                return Err(bad(text!(
                    "parameters.node_group must be core_node_default_group or task_node_default_group, not '{other}'.",
                    "parameters.node_group 须为 core_node_default_group 或 task_node_default_group，不能是“{other}”。"
                )))
            }
        };
        let instances = p.instances.ok_or_else(|| bad(rules::required_problem("parameters.instances").into()))?;
        if instances < 1 {
            return Err(bad(text!("parameters.instances must be at least 1.", "parameters.instances 至少为 1。")));
        }
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            check_scalable(row.cluster.cluster_state)?;
            let c = &row.cluster;
            let role = if task { "Task" } else { "Core" };
            let existing = c.all_node_groups().find(|g| catalog::group_role(&g.group_name) == role).map(|g| g.group_name.clone());
            match (existing, scale_out) {
                (Some(group), true) => self.start_expand(conn, &mut row, &group, instances, None, V11_INVALID),
                (Some(group), false) => {
                    let by = match &p.server_ids {
                        Some(ids) if task && !ids.is_empty() => ShrinkBy::Resources(ids.clone()),
                        _ => ShrinkBy::Count(instances),
                    };
                    self.start_shrink(conn, &mut row, &group, by, V11_INVALID)
                }
                (None, true) if task => {
                    let new_group = new_task_group(c, p)?;
                    let name = new_group.group_name.clone();
                    self.start_expand(conn, &mut row, &name, instances, Some(new_group), V11_INVALID)
                }
                (None, _) => Err(bad(text!("The cluster has no {role} node group.", "集群没有 {role} 节点组。"))),
            }
        })
    }
}

/// Policies given on Task node groups at create (`node_groups[i].auto_scaling_policy`, the V1.1
/// policy shape), checked like a V1.1 policy; a refusal creates nothing.
fn create_policies(req: &CreateClusterReq) -> Result<Vec<(String, AutoScalingPolicy)>, EngineError> {
    let kind = req.cluster_type.as_deref().and_then(ClusterType::parse).unwrap_or(ClusterType::Analysis);
    let groups: Vec<String> = req.node_groups.iter().flatten().map(|g| g.group_name.clone()).collect();
    let mut out = Vec::new();
    for (i, g) in req.node_groups.iter().flatten().enumerate() {
        let Some(raw) = g.auto_scaling_policy.as_ref().filter(|v| !v.is_null()) else { continue };
        let field = format!("node_groups[{i}].auto_scaling_policy");
        if catalog::group_role(&g.group_name) != "Task" {
            let p = Problem::new("scaling.node_group").with("value", &g.group_name).with("groups", "task_node_analysis_group, task_node_streaming_group");
            return Err(EngineError::invalid(rules::INVALID_PARAM, problem_text(&p).prefixed(&format!("{field}: "))));
        }
        let policy: AutoScalingPolicy = serde_json::from_value(raw.clone())
            .map_err(|e| EngineError::invalid(rules::INVALID_PARAM, format!("{field}: {e}")))?;
        let target = PolicyTarget { cluster_type: kind, node_groups: &groups, v2: false };
        if let Some(fp) = validate_policy(&policy, &target, &field).into_iter().next() {
            return Err(EngineError::invalid(fp.code, problem_text(&fp.problem).prefixed(&format!("{}: ", fp.field))));
        }
        out.push((g.group_name.clone(), policy));
    }
    Ok(out)
}

fn new_task_group(c: &Cluster, p: &ClusterScalingParams) -> Result<NodeGroupV10, EngineError> {
    let bad = |m: Text| EngineError::invalid(V11_INVALID, m);
    let name = match c.kind() {
        Some(ClusterType::Streaming) => "task_node_streaming_group",
        Some(ClusterType::Analysis | ClusterType::Mixed) => "task_node_analysis_group",
        _ => {
            return Err(bad(text!(
                "Task nodes can be added to this cluster type only through a node group of its own.",
                "此类型的集群只能通过其自身的节点组添加 Task 节点。"
            )))
        }
    };
    let info = p.task_node_info.as_ref().ok_or_else(|| {
        bad(text!(
            "parameters.task_node_info is required to add the first Task nodes (node_size, data_volume_type, data_volume_count, data_volume_size).",
            "添加第一批 Task 节点时须填写 parameters.task_node_info（node_size、data_volume_type、data_volume_count、data_volume_size）。"
        ))
    })?;
    if super::catalog::get().flavor(&info.node_size).is_none_or(|f| !f.allows("task")) {
        let flavor = &info.node_size;
        return Err(bad(text!("task_node_info.node_size: Flavor '{flavor}' is not available.", "task_node_info.node_size: 规格“{flavor}”不可用。")));
    }
    if !catalog::VOLUME_TYPES.contains(&info.data_volume_type.as_str()) {
        let types = catalog::VOLUME_TYPES.join(", ");
        return Err(bad(text!("task_node_info.data_volume_type must be one of {types}.", "task_node_info.data_volume_type 须为以下之一：{types}。")));
    }
    if !(0..=20).contains(&info.data_volume_count) {
        return Err(bad(text!("task_node_info.data_volume_count must be 0 to 20.", "task_node_info.data_volume_count 须为 0–20。")));
    }
    if !(100..=32000).contains(&info.data_volume_size) {
        return Err(bad(text!("task_node_info.data_volume_size must be 100 to 32000 GB.", "task_node_info.data_volume_size 须为 100–32000 GB。")));
    }

    let root = c.node_groups.iter().find(|g| catalog::group_role(&g.group_name) == "Core");
    Ok(v10_group(
        &c.cluster_id,
        name,
        0,
        &info.node_size,
        root.map(|g| (g.root_volume_type.clone(), g.root_volume_size)).unwrap_or(("SAS".into(), 480)),
        (info.data_volume_type.clone(), info.data_volume_size, info.data_volume_count),
    ))
}

fn v10_group(
    cluster_id: &str,
    name: &str,
    node_num: i64,
    flavor: &str,
    root: (String, i64),
    data: (String, i64, i64),
) -> NodeGroupV10 {
    let id = |what: &str| util::hex(&util::stable_hash(&[cluster_id, name, what]).to_be_bytes());
    let spec = |t: &str| if t.is_empty() { String::new() } else { format!("{}.mrs", t.to_ascii_lowercase()) };
    NodeGroupV10 {
        group_name: name.to_string(),
        node_num,
        node_size: flavor.to_string(),
        node_spec_id: id("spec"),
        vm_product_id: id("vm-product"),
        vm_spec_code: flavor.to_string(),
        node_product_id: id("node-product"),
        root_volume_size: root.1,
        root_volume_product_id: id("root-product"),
        root_volume_resource_spec_code: spec(&root.0),
        root_volume_resource_type: "hws.resource.type.volume".into(),
        root_volume_type: root.0,
        data_volume_resource_spec_code: spec(&data.0),
        data_volume_type: data.0,
        data_volume_size: data.1,
        data_volume_count: data.2,
        data_volume_product_id: id("data-product"),
        data_volume_resource_type: "hws.resource.type.volume".into(),
        auto_scaling_policy: None,
    }
}

fn v10_from_v2(cluster_id: &str, g: &NodeGroupV2) -> NodeGroupV10 {
    let root = g.root_volume.as_ref().map(|v| (v.volume_type.clone(), v.size)).unwrap_or(("SAS".into(), 480));
    let count = g.data_volume_count.unwrap_or(0);
    let data = match (&g.data_volume, count > 0) {
        (Some(v), true) => (v.volume_type.clone(), v.size, count),
        _ => (String::new(), 0, 0),
    };
    v10_group(cluster_id, &g.group_name, g.node_num, &g.node_size, root, data)
}

/// The V1.1 record of a new cluster (state fields are set by the lifecycle). Assumes `req`
/// passed `rules::validate_create_cluster`; anything missing simply stays empty.
pub fn build_cluster(project: &str, cluster_id: &str, req: &CreateClusterReq, now_secs: i64) -> (Cluster, Slots) {
    let version = req.cluster_version.clone().unwrap_or_default();
    let offer = super::catalog::get();
    let version_info = offer.version(&version);
    let kind = req.cluster_type.as_deref().and_then(ClusterType::parse).unwrap_or(ClusterType::Analysis);
    let groups = req.node_groups.clone().unwrap_or_default();
    let (task_groups, main_groups): (Vec<&NodeGroupV2>, Vec<&NodeGroupV2>) =
        groups.iter().partition(|g| catalog::group_role(&g.group_name) == "Task");
    let mut main_groups = main_groups;
    // Master first, as the service lists them.
    main_groups.sort_by_key(|g| catalog::group_role(&g.group_name) != "Master");
    let master = main_groups.iter().find(|g| catalog::group_role(&g.group_name) == "Master");
    let core = main_groups.iter().find(|g| catalog::group_role(&g.group_name) == "Core");

    let vpc = req.vpc_name.as_deref().and_then(|n| offer.vpc(n));
    let subnet = vpc.and_then(|v| {
        v.subnets.iter().find(|s| req.subnet_id.as_deref() == Some(s.id.as_str()) || req.subnet_name.as_deref() == Some(s.name.as_str()))
    });
    let az = req.availability_zone.clone().unwrap_or_default();
    let components: Vec<ComponentAmb> = req
        .components
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            let found = version_info.and_then(|v| v.component(name));
            let (ver, suffix, desc) = found.map(|c| (c.version.clone(), c.id.clone(), c.description.clone())).unwrap_or_default();
            ComponentAmb {
                component_id: format!("{version}_{suffix}"),
                component_name: name.to_string(),
                component_version: ver,
                component_desc: desc,
            }
        })
        .collect();
    let prepaid = req.charge_info.as_ref().is_some_and(|c| c.charge_mode == "prePaid");
    let security_group = req
        .security_groups_id
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| util::stable_uuid(&[cluster_id, "security-group"]));
    let vol = |g: Option<&&NodeGroupV2>| {
        g.and_then(|g| g.data_volume.as_ref().filter(|_| g.data_volume_count.unwrap_or(0) > 0).map(|v| (v.volume_type.clone(), v.size, g.data_volume_count.unwrap_or(0))))
            .unwrap_or_default()
    };
    let (master_vol, core_vol) = (vol(master), vol(core));

    let mut c = Cluster {
        cluster_id: cluster_id.to_string(),
        cluster_name: req.cluster_name.clone().unwrap_or_default(),
        cluster_version: version.clone(),
        cluster_type: kind.code(),
        safe_mode: i32::from(req.safe_mode.as_deref() == Some("KERBEROS")),
        tenant_id: project.to_string(),
        enterprise_project_id: req.enterprise_project_id.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "0".into()),
        deployment_id: util::stable_uuid(&[cluster_id, "deployment"]),
        instance_id: cluster_id.to_string(),
        total_node_num: String::new(),
        master_node_size: master.map(|g| g.node_size.clone()).unwrap_or_default(),
        core_node_size: core.map(|g| g.node_size.clone()).unwrap_or_default(),
        volume_size: core_vol.1,
        volume_type: core_vol.0.clone(),
        master_data_volume_type: master_vol.0,
        master_data_volume_size: master_vol.1,
        master_data_volume_count: master_vol.2,
        core_data_volume_type: core_vol.0,
        core_data_volume_size: core_vol.1,
        core_data_volume_count: core_vol.2,
        create_at: now_secs.to_string(),
        update_at: now_secs.to_string(),
        charging_start_time: now_secs.to_string(),
        billing_type: if prepaid { "Yearly/Monthly".into() } else { "Metered".into() },
        duration: req.charge_info.as_ref().and_then(|c| c.period_num).filter(|_| prepaid).map(|n| n.to_string()).unwrap_or_default(),
        period_type: i32::from(req.charge_info.as_ref().and_then(|c| c.period_type.as_deref()) == Some("year")),
        data_center: req.region.clone().unwrap_or_default(),
        vpc: vpc.map(|v| v.name.to_string()).unwrap_or_default(),
        vpc_id: vpc.map(|v| v.id.to_string()).unwrap_or_default(),
        subnet_id: subnet.map(|s| s.id.clone()).unwrap_or_default(),
        subnet_name: subnet.map(|s| s.name.clone()).unwrap_or_default(),
        security_groups_id: security_group.clone(),
        slave_security_groups_id: security_group,
        external_ip: req.eip_address.clone().unwrap_or_default(),
        eip_id: req.eip_id.clone().unwrap_or_default(),
        eip_address: req.eip_address.clone().unwrap_or_default(),
        az_id: util::stable_uuid(&[&az, "az"]).replace('-', ""),
        az_name: az.clone(),
        az_code: az.clone(),
        availability_zone_id: util::stable_uuid(&[&az, "az"]).replace('-', ""),
        hadoop_version: version_info.map(|v| v.hadoop_version.to_string()).unwrap_or_default(),
        component_list: components,
        node_public_cert_name: if req.login_mode.as_deref() == Some("KEYPAIR") {
            req.node_keypair_name.clone().unwrap_or_default()
        } else {
            String::new()
        },
        log_collection: req.log_collection.unwrap_or(1) as i32,
        tags: tag_string(req.tags.as_deref().unwrap_or_default()),
        bootstrap_scripts: req.bootstrap_scripts.clone().unwrap_or_default(),
        node_groups: main_groups.iter().map(|g| v10_from_v2(cluster_id, g)).collect(),
        task_node_groups: task_groups.iter().map(|g| v10_from_v2(cluster_id, g)).collect(),
        ..Default::default()
    };
    lifecycle::recount(&mut c);
    let slots = nodes::reconcile(&c, &Slots::new());
    let ip = nodes::first_master_ip(&c, &slots);
    c.master_node_ip = ip.clone();
    c.internal_ip = ip.clone();
    c.private_ip_first = ip;
    (c, slots)
}
