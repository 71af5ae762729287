//! Cluster nodes, derived from the node groups in the cluster's data plus the per-group node
//! numbers in `slots`. Deriving (rather than storing node rows) keeps a cluster row written by
//! hand complete, and the same inputs always give the same names, ids and addresses.

use lakedeck_api::catalog;
use lakedeck_api::mrs::{Cluster, ClusterState, NodeGroupV10};

use super::store::Slots;
use crate::util::{stable_hash, stable_uuid};

/// Groups larger than this in hand-edited data are cut here, so a typo cannot exhaust memory.
const MAX_GROUP_NODES: i64 = 5000;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub name: String,
    pub resource_id: String,
    pub group_name: String,
    /// `Master`, `Core` or `Task`.
    pub role: &'static str,
    pub index: u32,
    pub flavor: String,
    pub vcpus: u32,
    pub mem_mb: u64,
    pub ip: String,
    pub root_volume_type: String,
    pub root_volume_size: i64,
    pub data_volume_type: String,
    pub data_volume_size: i64,
    pub data_volume_count: i64,
}

/// The node numbers of each group, reconciled with `NodeNum` in case the data was edited:
/// extra numbers are dropped from the top, missing ones added above the highest in use.
pub fn reconcile(cluster: &Cluster, slots: &Slots) -> Slots {
    let mut out = Slots::new();
    for g in cluster.all_node_groups() {
        let want = g.node_num.clamp(0, MAX_GROUP_NODES) as usize;
        let mut list: Vec<u32> = slots.get(&g.group_name).cloned().unwrap_or_default();
        list.retain(|i| *i > 0);
        list.sort_unstable();
        list.dedup();
        list.truncate(want);
        let mut next = list.last().copied().unwrap_or(0) + 1;
        while list.len() < want {
            list.push(next);
            next += 1;
        }
        out.insert(g.group_name.clone(), list);
    }
    out
}

/// The short form of a group name inside node names, after the real service's `node-ana-core…`.
fn group_short(group: &str) -> String {
    match group {
        "master_node_default_group" => "master".into(),
        "core_node_analysis_group" => "ana-core".into(),
        "core_node_streaming_group" => "str-core".into(),
        "task_node_analysis_group" => "ana-task".into(),
        "task_node_streaming_group" => "str-task".into(),
        other => other.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase(),
    }
}

fn suffix(cluster_id: &str) -> String {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = stable_hash(&[cluster_id, "node-suffix"]);
    (0..4)
        .map(|_| {
            let c = alphabet[(h % alphabet.len() as u64) as usize] as char;
            h /= alphabet.len() as u64;
            c
        })
        .collect()
}

/// 192.168.x.y addresses: one block per cluster, a range per group, never .0, .1 or .255.
fn address(cluster_id: &str, group_ordinal: usize, index: u32) -> String {
    let base = stable_hash(&[cluster_id, "subnet"]) % 200;
    let n = group_ordinal as u64 * 1000 + u64::from(index);
    let third = (base + n / 250) % 256;
    let fourth = n % 250 + 2;
    format!("192.168.{third}.{fourth}")
}

fn group_nodes(cluster: &Cluster, ordinal: usize, g: &NodeGroupV10, numbers: &[u32], suffix: &str) -> Vec<Node> {
    let (vcpus, mem_gb) = super::catalog::flavor_size(&g.node_size);
    let short = group_short(&g.group_name);
    numbers
        .iter()
        .map(|&i| Node {
            name: format!("node-{short}{i}-{suffix}"),
            resource_id: stable_uuid(&[&cluster.cluster_id, &g.group_name, &i.to_string()]),
            group_name: g.group_name.clone(),
            role: catalog::group_role(&g.group_name),
            index: i,
            flavor: g.node_size.clone(),
            vcpus,
            mem_mb: u64::from(mem_gb) * 1024,
            ip: address(&cluster.cluster_id, ordinal, i),
            root_volume_type: g.root_volume_type.clone(),
            root_volume_size: g.root_volume_size,
            data_volume_type: g.data_volume_type.clone(),
            data_volume_size: g.data_volume_size,
            data_volume_count: g.data_volume_count,
        })
        .collect()
}

/// Every node of the cluster in group order (master and core groups, then task groups).
/// A terminated cluster has released its machines and has none.
pub fn nodes(cluster: &Cluster, slots: &Slots) -> Vec<Node> {
    if cluster.cluster_state == ClusterState::Terminated {
        return Vec::new();
    }
    let slots = reconcile(cluster, slots);
    let suffix = suffix(&cluster.cluster_id);
    cluster
        .all_node_groups()
        .enumerate()
        .flat_map(|(ordinal, g)| {
            let numbers = slots.get(&g.group_name).map(Vec::as_slice).unwrap_or_default();
            group_nodes(cluster, ordinal, g, numbers, &suffix)
        })
        .collect()
}

/// The address of the first master node (`masterNodeIp` / `internalIp` of the cluster).
pub fn first_master_ip(cluster: &Cluster, slots: &Slots) -> String {
    let mut alive = cluster.clone();
    alive.cluster_state = ClusterState::Running;
    nodes(&alive, slots).into_iter().find(|n| n.role == "Master").map(|n| n.ip).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster() -> Cluster {
        Cluster {
            cluster_id: "c1".into(),
            cluster_state: ClusterState::Running,
            node_groups: vec![
                NodeGroupV10 { group_name: "master_node_default_group".into(), node_num: 2, ..Default::default() },
                NodeGroupV10 { group_name: "core_node_analysis_group".into(), node_num: 3, ..Default::default() },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn names_are_stable_and_unique() {
        let c = cluster();
        let a = nodes(&c, &Slots::new());
        assert_eq!(a.len(), 5);
        assert_eq!(a, nodes(&c, &Slots::new()));
        assert!(a[0].name.starts_with("node-master1-"));
        let mut names: Vec<_> = a.iter().map(|n| n.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 5);
        let ips: std::collections::HashSet<_> = a.iter().map(|n| n.ip.clone()).collect();
        assert_eq!(ips.len(), 5);
    }

    #[test]
    fn reconcile_keeps_survivors() {
        let c = cluster();
        let mut slots = Slots::new();
        slots.insert("core_node_analysis_group".into(), vec![1, 3, 4, 9]);
        let r = reconcile(&c, &slots);
        assert_eq!(r["core_node_analysis_group"], vec![1, 3, 4]);
        assert_eq!(r["master_node_default_group"], vec![1, 2]);
        slots.insert("core_node_analysis_group".into(), vec![2]);
        assert_eq!(reconcile(&c, &slots)["core_node_analysis_group"], vec![2, 3, 4]);
    }
}
