//! Cluster lifecycles that run in real time: create, expand, shrink and delete each walk their
//! stages (`stageDesc`), one per step, then settle. The in-flight operation is stored in the row
//! (`clusters.op`) with the deadline of its current step, so a restart resumes where it was.

use lakedeck_api::mrs::{Cluster, ClusterState, NodeGroupV10};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::nodes;
use super::store::{self, ClusterRow};
use super::EngineError;
use crate::util;

use lakedeck_api::mrs::{CREATE_STAGES, DELETE_STAGES, EXPAND_STAGES, SHRINK_STAGES};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Create,
    Expand,
    Shrink,
    Delete,
}

impl OpKind {
    pub fn stages(self) -> &'static [&'static str] {
        match self {
            OpKind::Create => CREATE_STAGES,
            OpKind::Expand => EXPAND_STAGES,
            OpKind::Shrink => SHRINK_STAGES,
            OpKind::Delete => DELETE_STAGES,
        }
    }

    /// The state a cluster shows while this operation runs.
    pub fn state(self) -> ClusterState {
        match self {
            OpKind::Create => ClusterState::Starting,
            OpKind::Expand => ClusterState::ScalingOut,
            OpKind::Shrink => ClusterState::ScalingIn,
            OpKind::Delete => ClusterState::Terminating,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub kind: OpKind,
    pub step: usize,
    pub deadline_ms: i64,
    /// Expand/shrink: the node group.
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub count: i64,
    /// Shrink of named nodes: their node numbers within the group.
    #[serde(default)]
    pub remove: Vec<u32>,
    /// Expand into a group the cluster does not have yet (first Task nodes): its definition.
    #[serde(default)]
    pub new_group: Option<NodeGroupV10>,
}

impl Op {
    pub fn new(kind: OpKind, now_ms: i64, step_ms: u64) -> Op {
        Op { kind, step: 0, deadline_ms: now_ms + step_ms as i64, group: String::new(), count: 0, remove: vec![], new_group: None }
    }
}

/// Puts `row` into the first stage of `op`.
pub fn begin(row: &mut ClusterRow, op: Op) {
    let c = &mut row.cluster;
    c.cluster_state = op.kind.state();
    c.stage_desc = op.kind.stages()[0].to_string();
    c.scale = match op.kind {
        OpKind::Expand => "scaling-out".into(),
        OpKind::Shrink => "scaling-in".into(),
        _ => String::new(),
    };
    c.update_at = util::now_secs().to_string();
    row.op = Some(op);
}

/// Node counts (strings on the wire) from the groups.
pub fn recount(c: &mut Cluster) {
    let sum = |role: &str, c: &Cluster| -> i64 {
        c.all_node_groups().filter(|g| lakedeck_api::catalog::group_role(&g.group_name) == role).map(|g| g.node_num.max(0)).sum()
    };
    let (m, core, task) = (sum("Master", c), sum("Core", c), sum("Task", c));
    c.master_node_num = m.to_string();
    c.core_node_num = core.to_string();
    c.total_node_num = (m + core + task).to_string();
}

fn finish(row: &mut ClusterRow, op: &Op) {
    let mut slots = nodes::reconcile(&row.cluster, &row.slots);
    let c = &mut row.cluster;
    match op.kind {
        OpKind::Create => c.is_mrs_manager_finish = true,
        OpKind::Expand => {
            if !c.all_node_groups().any(|g| g.group_name == op.group) {
                if let Some(g) = &op.new_group {
                    let mut g = g.clone();
                    g.node_num = 0;
                    c.task_node_groups.push(g);
                }
            }
            let group = c.node_groups.iter_mut().chain(c.task_node_groups.iter_mut()).find(|g| g.group_name == op.group);
            if let Some(g) = group {
                g.node_num += op.count;
                let list = slots.entry(op.group.clone()).or_default();
                let first = list.last().copied().unwrap_or(0) + 1;
                list.extend((first..).take(op.count.max(0) as usize));
            }
        }
        OpKind::Shrink => {
            let group = c.node_groups.iter_mut().chain(c.task_node_groups.iter_mut()).find(|g| g.group_name == op.group);
            if let Some(g) = group {
                let list = slots.entry(op.group.clone()).or_default();
                if op.remove.is_empty() {
                    let keep = list.len().saturating_sub(op.count.max(0) as usize);
                    list.truncate(keep);
                } else {
                    list.retain(|i| !op.remove.contains(i));
                }
                g.node_num = list.len() as i64;
            }
        }
        OpKind::Delete => c.cluster_state = ClusterState::Terminated,
    }
    if op.kind != OpKind::Delete {
        c.cluster_state = ClusterState::Running;
    }
    c.stage_desc.clear();
    c.scale.clear();
    recount(c);
    row.slots = slots;
    row.op = None;
}

/// Advances every operation whose step deadline has passed by one step. One step per tick (not
/// a catch-up loop) so that every stage is visible at least once, even after a pause.
pub fn tick(conn: &Connection, now_ms: i64, step_ms: u64) -> Result<usize, EngineError> {
    let mut changed = 0;
    for mut row in store::busy_clusters(conn)? {
        let Some(mut op) = row.op.take() else { continue };
        if row.cluster.cluster_state != op.kind.state() {
            // Someone moved the cluster on by hand (or it was edited to another state): the
            // operation no longer applies.
            store::save(conn, &row)?;
            changed += 1;
            continue;
        }
        if op.deadline_ms > now_ms {
            row.op = Some(op);
            continue;
        }
        op.step += 1;
        row.cluster.update_at = (now_ms / 1000).to_string();
        if let Some(stage) = op.kind.stages().get(op.step) {
            row.cluster.stage_desc = stage.to_string();
            op.deadline_ms = now_ms + step_ms as i64;
            row.op = Some(op);
        } else {
            finish(&mut row, &op);
        }
        store::save(conn, &row)?;
        changed += 1;
    }
    Ok(changed)
}
