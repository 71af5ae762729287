//! Auto-scaling policies (mrs-api.md §10): storage, the V1.1 and V2 operations, and how a policy
//! shows in ShowClusterDetails. The autoscaler that runs them is `autoscaler.rs`.
//!
//! Table `scaling_policies(project_id, cluster_id, node_group, resource_pool, data, state,
//! updated_ms)`: `data` is the policy (`AutoScalingPolicy` JSON, normalized), `state` what the
//! autoscaler remembers between periods ([`Runtime`]). A policy's identity is (cluster, node
//! group, resource pool); node groups are stored under the cluster's real group name (the V1.1
//! `task_node_default_group` stands for the cluster's Task group).

use lakedeck_api::autoscale::EvalState;
use lakedeck_api::catalog;
use lakedeck_api::mrs::{Cluster, ClusterState, ClusterType, NodeGroupV10};
pub use lakedeck_api::mrs_scaling::resolve_group;
use lakedeck_api::mrs_scaling::{
    validate_policy, validate_pool_name, AutoScalingPolicy, AutoScalingPolicyV2, PolicyDeleteReq, PolicyReqV11,
    PolicyTarget, DEFAULT_POOL, POLICY_MISSING, V11_NODE_GROUP,
};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::{self, FieldError};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::clusters::V11_INVALID;
use super::store::ClusterRow;
use super::{tags, Engine, EngineError};
use crate::problems::problem_text;
use crate::util;

/// A node the autoscaler is draining: it runs a job, takes no new one, and is removed once idle.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Drain {
    pub resource_id: String,
    pub node_name: String,
    /// The scaling event that chose it.
    pub event: i64,
}

/// A scaling action under way: the lifecycle operation it started, and what to do when it ends.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pending {
    /// Events that finish with this operation.
    pub events: Vec<i64>,
    pub scale_out: bool,
    /// Rule name for the scripts' `${mrs_scale_rule_name}` (empty for bounds and plans).
    pub rule: String,
    /// Nodes removed (scale-in): name and address, for the after-scale-in scripts.
    pub removed: Vec<(String, String)>,
    /// Node count of the group before a scale-out (the new nodes are the ones above it).
    pub before: i64,
}

/// What the autoscaler keeps per policy between periods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Runtime {
    pub eval: EvalState,
    pub draining: Vec<Drain>,
    pub pending: Option<Pending>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredPolicy {
    pub project_id: String,
    pub cluster_id: String,
    pub node_group: String,
    pub resource_pool: String,
    pub policy: AutoScalingPolicy,
    pub runtime: Runtime,
}

fn decode(row: (String, String, String, String, String, Option<String>)) -> Option<StoredPolicy> {
    let (project_id, cluster_id, node_group, resource_pool, data, state) = row;
    let policy = match serde_json::from_str(&data) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("warning: skipping the scaling policy of cluster {cluster_id} / {node_group}: {e}");
            return None;
        }
    };
    let runtime = state.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    Some(StoredPolicy { project_id, cluster_id, node_group, resource_pool, policy, runtime })
}

fn query(conn: &Connection, filter: &str, args: &[&str]) -> Result<Vec<StoredPolicy>, EngineError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT project_id, cluster_id, node_group, resource_pool, data, state FROM scaling_policies {filter}
         ORDER BY project_id, cluster_id, node_group, resource_pool"
    ))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().filter_map(decode).collect())
}

/// A cluster's policies, by node group and pool.
pub fn policies(conn: &Connection, project: &str, cluster: &str) -> Result<Vec<StoredPolicy>, EngineError> {
    query(conn, "WHERE project_id = ?1 AND cluster_id = ?2", &[project, cluster])
}

pub fn project_policies(conn: &Connection, project: &str) -> Result<Vec<StoredPolicy>, EngineError> {
    query(conn, "WHERE project_id = ?1", &[project])
}

pub fn all_policies(conn: &Connection) -> Result<Vec<StoredPolicy>, EngineError> {
    query(conn, "", &[])
}

fn encode<T: Serialize>(v: &T) -> Result<String, EngineError> {
    serde_json::to_string(v).map_err(|e| EngineError::Internal(e.to_string()))
}

pub fn save(conn: &Connection, p: &StoredPolicy) -> Result<(), EngineError> {
    conn.execute(
        "INSERT INTO scaling_policies (project_id, cluster_id, node_group, resource_pool, data, state, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(project_id, cluster_id, node_group, resource_pool) DO UPDATE SET data = ?5, state = ?6, updated_ms = ?7",
        params![p.project_id, p.cluster_id, p.node_group, p.resource_pool, encode(&p.policy)?, encode(&p.runtime)?, util::now_ms()],
    )?;
    Ok(())
}

/// Stores only what the autoscaler remembers (the policy may have been replaced meanwhile:
/// then nothing is written).
pub fn save_runtime(conn: &Connection, p: &StoredPolicy) -> Result<(), EngineError> {
    conn.execute(
        "UPDATE scaling_policies SET state = ?5
         WHERE project_id = ?1 AND cluster_id = ?2 AND node_group = ?3 AND resource_pool = ?4 AND data = ?6",
        params![p.project_id, p.cluster_id, p.node_group, p.resource_pool, encode(&p.runtime)?, encode(&p.policy)?],
    )?;
    Ok(())
}

fn remove(conn: &Connection, project: &str, cluster: &str, group: &str, pool: &str) -> Result<bool, EngineError> {
    let n = conn.execute(
        "DELETE FROM scaling_policies WHERE project_id = ?1 AND cluster_id = ?2 AND node_group = ?3 AND resource_pool = ?4",
        params![project, cluster, group, pool],
    )?;
    Ok(n > 0)
}

/// The definition of a Task group the cluster does not have yet: the first Core group's flavor
/// and disks (as the V2 expand creates it), no nodes.
pub fn new_task_group(c: &Cluster, name: &str) -> NodeGroupV10 {
    let core = c.node_groups.iter().find(|g| catalog::group_role(&g.group_name) == "Core").cloned().unwrap_or_default();
    NodeGroupV10 { group_name: name.to_string(), node_num: 0, auto_scaling_policy: None, ..core }
}

/// Puts each policy on its node group, as ShowClusterDetails shows it. A policy for a Task group
/// that has no nodes yet shows on that group with `NodeNum` 0 (the group its first scale-out creates).
pub fn attach(c: &mut Cluster, policies: &[StoredPolicy]) {
    for p in policies.iter().filter(|p| p.cluster_id == c.cluster_id && p.resource_pool == DEFAULT_POOL) {
        let shown = Some(p.policy.normalized());
        match c.task_node_groups.iter_mut().find(|g| g.group_name == p.node_group) {
            Some(g) => g.auto_scaling_policy = shown,
            None => {
                let mut g = new_task_group(c, &p.node_group);
                g.auto_scaling_policy = shown;
                c.task_node_groups.push(g);
            }
        }
    }
}

fn refusal(fp: &FieldError, v11: bool) -> EngineError {
    if v11 {
        return tags::field_refusal(fp);
    }
    EngineError::invalid(fp.code, problem_text(&fp.problem).prefixed(&format!("{}: ", fp.field)))
}

fn invalid(field: &str, problem: Problem, v11: bool) -> EngineError {
    refusal(&FieldError { field: field.into(), code: rules::INVALID_PARAM, problem }, v11)
}

fn missing(group: &str, pool: &str) -> EngineError {
    EngineError::invalid(POLICY_MISSING, problem_text(&Problem::new("scaling.policy_missing").with("group", group).with("pool", pool)))
}

/// Policies can be set while a cluster exists; not on one being deleted or gone.
fn check_state(row: &ClusterRow, v11: bool) -> Result<(), EngineError> {
    let s = row.cluster.cluster_state;
    if matches!(s, ClusterState::Terminating | ClusterState::Terminated | ClusterState::Failed) {
        let code = if v11 { V11_INVALID } else { rules::INVALID_PARAM };
        return Err(EngineError::invalid(code, problem_text(&Problem::new("scaling.cluster_state").with("state", s.as_str()))));
    }
    Ok(())
}

/// Checks a policy for a cluster: node group, pool, every rule of §10.1 and the node tag quota.
/// Returns the real node group name.
fn check(
    conn: &Connection,
    row: &ClusterRow,
    group: Option<&str>,
    pool: &str,
    policy: &AutoScalingPolicy,
    v11: bool,
) -> Result<String, EngineError> {
    check_state(row, v11)?;
    let (group_field, pool_field) = if v11 { ("node_group", "resource_pool_name") } else { ("node_group_name", "resource_pool_name") };
    let name = group.filter(|g| !g.is_empty()).ok_or_else(|| invalid(group_field, Problem::new("scaling.required"), v11))?;
    if v11 && name != V11_NODE_GROUP {
        return Err(invalid(group_field, Problem::new("scaling.v11_node_group").with("value", name), v11));
    }
    let real = resolve_group(&row.cluster, name).map_err(|p| invalid(group_field, p, v11))?;
    if let Some(p) = validate_pool_name(pool) {
        return Err(invalid(pool_field, p, v11));
    }
    if pool != DEFAULT_POOL {
        return Err(invalid(pool_field, Problem::new("scaling.resource_pool_unknown").with("value", pool), v11));
    }
    let mut groups: Vec<String> = row.cluster.all_node_groups().map(|g| g.group_name.clone()).collect();
    if !groups.contains(&real) {
        groups.push(real.clone());
    }
    let kind = row.cluster.kind().unwrap_or(ClusterType::Analysis);
    let target = PolicyTarget { cluster_type: kind, node_groups: &groups, v2: !v11 };
    if let Some(fp) = validate_policy(policy, &target, "auto_scaling_policy").into_iter().next() {
        return Err(refusal(&fp, v11));
    }
    if let Some(t) = policy.tags.as_ref().filter(|t| !t.is_empty()) {
        let (default_on, _) = tags::default_tags_state(conn, &row.cluster.cluster_id, util::now_ms())?;
        tags::check_node_quota(conn, &row.project_id, &row.cluster.cluster_id, row.cluster.tag_pairs().len(), default_on, Some(t.len()))?;
    }
    Ok(real)
}

fn load(conn: &Connection, project: &str, id: &str) -> Result<ClusterRow, EngineError> {
    super::jobs::load_cluster(conn, project, id)
}

impl Engine {
    /// V1.1 create: stores the policy of the cluster's Task group, replacing any before it.
    pub fn set_policy_v11(&self, project: &str, cluster: &str, req: &PolicyReqV11) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let row = load(conn, project, cluster)?;
            let policy = req.auto_scaling_policy.clone().ok_or_else(|| invalid("auto_scaling_policy", Problem::new("scaling.required"), true))?;
            let group = check(conn, &row, req.node_group.as_deref(), DEFAULT_POOL, &policy, true)?;
            let old = policies(conn, project, cluster)?.into_iter().find(|p| p.node_group == group && p.resource_pool == DEFAULT_POOL);
            save(conn, &fresh(project, cluster, &group, DEFAULT_POOL, policy.normalized(), old))
        })
    }

    /// V2 GET: every policy of the cluster.
    pub fn policies_v2(&self, project: &str, cluster: &str) -> Result<Vec<AutoScalingPolicyV2>, EngineError> {
        self.store.read(|conn| {
            load(conn, project, cluster)?;
            Ok(policies(conn, project, cluster)?
                .into_iter()
                .map(|p| AutoScalingPolicyV2 {
                    node_group_name: Some(p.node_group),
                    resource_pool_name: Some(p.resource_pool),
                    auto_scaling_policy: Some(p.policy.normalized()),
                })
                .collect())
        })
    }

    /// V2 POST (`update = false`) and PUT (`update = true`). A create for an existing identity is
    /// refused (PUT changes it); an update merges the given fields over the stored policy.
    pub fn put_policy_v2(&self, project: &str, cluster: &str, req: &AutoScalingPolicyV2, update: bool) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let row = load(conn, project, cluster)?;
            check_state(&row, false)?;
            let name = req.node_group_name.clone().filter(|n| !n.is_empty()).ok_or_else(|| invalid("node_group_name", Problem::new("scaling.required"), false))?;
            let group = resolve_group(&row.cluster, &name).map_err(|p| invalid("node_group_name", p, false))?;
            let pool = req.resource_pool_name.clone().ok_or_else(|| invalid("resource_pool_name", Problem::new("scaling.required"), false))?;
            if let Some(p) = validate_pool_name(&pool) {
                return Err(invalid("resource_pool_name", p, false));
            }
            if pool != DEFAULT_POOL {
                return Err(invalid("resource_pool_name", Problem::new("scaling.resource_pool_unknown").with("value", &pool), false));
            }
            let given = req.auto_scaling_policy.clone().ok_or_else(|| invalid("auto_scaling_policy", Problem::new("scaling.required"), false))?;
            let existing = policies(conn, project, cluster)?.into_iter().find(|p| p.node_group == group && p.resource_pool == pool);
            let policy = match (&existing, update) {
                (Some(_), false) => {
                    let p = Problem::new("scaling.policy_exists").with("group", &name).with("pool", &pool);
                    return Err(invalid("node_group_name", p, false));
                }
                (None, true) => return Err(missing(&name, &pool)),
                (Some(stored), true) => given.merged_over(&stored.policy),
                (None, false) => given,
            };
            let group = check(conn, &row, Some(&name), &pool, &policy, false)?;
            save(conn, &fresh(project, cluster, &group, &pool, policy.normalized(), existing))
        })
    }

    /// V2 DELETE. The policy's draining nodes go back to work.
    pub fn delete_policy_v2(&self, project: &str, cluster: &str, req: &PolicyDeleteReq) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let row = load(conn, project, cluster)?;
            let name = req.node_group_name.clone().filter(|n| !n.is_empty()).ok_or_else(|| invalid("node_group_name", Problem::new("scaling.required"), false))?;
            let pool = req.resource_pool_name.clone().filter(|n| !n.is_empty()).ok_or_else(|| invalid("resource_pool_name", Problem::new("scaling.required"), false))?;
            let group = resolve_group(&row.cluster, &name).unwrap_or(name.clone());
            if !remove(conn, project, cluster, &group, &pool)? {
                return Err(missing(&name, &pool));
            }
            Ok(())
        })
    }

    /// The V1.1 cluster with its policies on their node groups (ShowClusterDetails).
    pub fn cluster_with_policies(&self, project: &str, id: &str) -> Result<Cluster, EngineError> {
        self.store.read(|conn| {
            let mut c = load(conn, project, id)?.cluster;
            attach(&mut c, &policies(conn, project, id)?);
            Ok(c)
        })
    }

    /// ListClusters' clusters with their policies.
    pub fn attach_policies(&self, project: &str, clusters: &mut [Cluster]) -> Result<(), EngineError> {
        let all = self.store.read(|conn| project_policies(conn, project))?;
        if !all.is_empty() {
            for c in clusters.iter_mut() {
                attach(c, &all);
            }
        }
        Ok(())
    }
}

/// A newly stored policy starts with a clean evaluation; nodes being drained and an action under
/// way carry over (they are facts about the cluster, not about the old rules).
fn fresh(project: &str, cluster: &str, group: &str, pool: &str, policy: AutoScalingPolicy, old: Option<StoredPolicy>) -> StoredPolicy {
    let runtime = old.map(|o| Runtime { eval: EvalState::default(), ..o.runtime }).unwrap_or_default();
    StoredPolicy {
        project_id: project.into(),
        cluster_id: cluster.into(),
        node_group: group.into(),
        resource_pool: pool.into(),
        policy,
        runtime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lakedeck_api::mrs::NodeGroupV10;

    fn cluster(kind: ClusterType, task: bool) -> Cluster {
        let mut c = Cluster {
            cluster_id: "c".into(),
            cluster_type: kind.code(),
            node_groups: vec![
                NodeGroupV10 { group_name: "master_node_default_group".into(), node_num: 2, ..Default::default() },
                NodeGroupV10 { group_name: "core_node_analysis_group".into(), node_num: 3, node_size: "c6.8xlarge.4.linux.bigdata".into(), ..Default::default() },
            ],
            ..Default::default()
        };
        if task {
            c.task_node_groups.push(NodeGroupV10 { group_name: "task_node_analysis_group".into(), node_num: 1, ..Default::default() });
        }
        c
    }

    #[test]
    fn node_groups_resolve_to_task_groups() {
        let c = cluster(ClusterType::Analysis, false);
        assert_eq!(resolve_group(&c, V11_NODE_GROUP).unwrap(), "task_node_analysis_group");
        assert_eq!(resolve_group(&c, "task_node_analysis_group").unwrap(), "task_node_analysis_group");
        assert_eq!(resolve_group(&c, "core_node_analysis_group").unwrap_err().key, "scaling.node_group");
        assert!(resolve_group(&c, "task_node_streaming_group").is_err());
        assert_eq!(resolve_group(&cluster(ClusterType::Streaming, false), V11_NODE_GROUP).unwrap(), "task_node_streaming_group");
        assert!(resolve_group(&cluster(ClusterType::Custom, false), V11_NODE_GROUP).is_err());
    }

    #[test]
    fn detail_shows_the_policy_on_its_group() {
        let policy = |group: &str| StoredPolicy {
            project_id: "p".into(),
            cluster_id: "c".into(),
            node_group: group.into(),
            resource_pool: DEFAULT_POOL.into(),
            policy: AutoScalingPolicy { auto_scaling_enable: Some(false), min_capacity: Some(0), max_capacity: Some(3), ..Default::default() },
            runtime: Runtime::default(),
        };
        let mut c = cluster(ClusterType::Analysis, true);
        attach(&mut c, &[policy("task_node_analysis_group")]);
        assert_eq!(c.task_node_groups.len(), 1);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["taskNodeGroups"][0]["AutoScalingPolicy"]["max_capacity"], 3);
        assert_eq!(v["taskNodeGroups"][0]["AutoScalingPolicy"]["rules"], serde_json::json!([]));
        assert!(v["nodeGroups"][0].get("AutoScalingPolicy").is_none());
        let mut c = cluster(ClusterType::Analysis, false);
        attach(&mut c, &[policy("task_node_analysis_group")]);
        assert_eq!((c.task_node_groups[0].node_num, c.task_node_groups[0].node_size.as_str()), (0, "c6.8xlarge.4.linux.bigdata"));
    }
}
