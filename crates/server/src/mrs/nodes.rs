//! Node listings: V1.1 hosts (camel family, snake_case HostModel) and V2 nodes.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use lakedeck_api::mrs::{
    Cluster, ClusterNode, ClusterState, ComponentInfo, Host, ListHostsResponse, ListNodesResponse, NodeDetail,
    NodeVolume, ServerInfo, Tag,
};
use lakedeck_api::paging::page_range;

use super::{engine_error, run, ClusterPath, Family, QueryPairs, V11_INVALID, V2_INVALID};
use crate::engine::nodes::Node;
use crate::http::{json, ApiError, Shared};
use crate::util::{stable_hash, stable_uuid};

const MAX_PAGE: i64 = 2_147_483_646;

pub async fn hosts(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let page_size = q.bounded("pageSize", 10, 1, MAX_PAGE, V11_INVALID)?;
    let page = q.bounded("currentPage", 1, 1, MAX_PAGE, V11_INVALID)?;
    let (cluster, nodes, extra) = run(&st, move |e| node_data(e, &ids.project, &ids.cluster)).await.map_err(|e| engine_error(e, Family::V11))?;
    let range = page_range(nodes.len(), page_size as usize, page as usize);
    let hosts = nodes[range].iter().map(|n| host(&cluster, n, &extra)).collect();
    Ok(json(StatusCode::OK, &ListHostsResponse { hosts, total: nodes.len() as i64 }))
}

/// Tags of a node's group besides the cluster's (default tags, policy tags), by group.
type ExtraTags = Vec<(String, Vec<Tag>)>;

fn node_data(e: &crate::engine::Engine, project: &str, cluster: &str) -> Result<(Cluster, Vec<Node>, ExtraTags), crate::engine::EngineError> {
    let (c, nodes) = e.cluster_nodes(project, cluster)?;
    let extra = e.node_extra_tags(project, &c)?;
    Ok((c, nodes, extra))
}

/// A node's tags: the cluster's, then its group's default and policy tags.
fn node_tags(c: &Cluster, n: &Node, extra: &ExtraTags) -> Vec<Tag> {
    let mut tags = c.tag_pairs();
    if let Some((_, more)) = extra.iter().find(|(g, _)| *g == n.group_name) {
        tags.extend(more.iter().cloned());
    }
    tags
}

fn host(c: &Cluster, n: &Node, extra: &ExtraTags) -> Host {
    Host {
        id: n.resource_id.clone(),
        name: n.name.clone(),
        ip: n.ip.clone(),
        availability_zone_id: c.az_code.clone(),
        tags: node_tags(c, n, extra),
        status: "ACTIVE".into(),
        resource_id: n.resource_id.clone(),
        flavor: n.flavor.clone(),
        host_type: n.role.into(),
        mem: n.mem_mb.to_string(),
        cpu: n.vcpus.to_string(),
        root_volume_size: n.root_volume_size.to_string(),
        data_volume_type: n.data_volume_type.clone(),
        data_volume_size: n.data_volume_size,
        data_volume_count: n.data_volume_count,
        node_group_name: n.group_name.clone(),
    }
}

pub async fn list(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let limit = q.bounded("limit", 10, 1, MAX_PAGE, V2_INVALID)?;
    // `offset` is a page number here, not an item offset (mrs-api.md §15.4).
    let page = q.bounded("offset", 1, 1, MAX_PAGE, V2_INVALID)?;
    if let Some(k) = q.get("sort_key").filter(|k| *k != "node_name") {
        return Err(ApiError::bad(V2_INVALID, crate::text!("sort_key can only be node_name, not '{k}'.", "sort_key 只能为 node_name，不能是“{k}”。")));
    }
    let descending = match q.get("sort_dir") {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::bad(V2_INVALID, crate::text!("sort_dir must be asc or desc, not '{other}'.", "sort_dir 须为 asc 或 desc，不能是“{other}”。")))
        }
    };
    let detail = match q.get("query_node_detail").map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::bad(V2_INVALID, crate::text!("query_node_detail must be true or false.", "query_node_detail 须为 true 或 false。"))),
    };
    let group = q.get("node_group").map(str::to_string);
    let name = q.get("node_name").map(str::to_lowercase);
    let ip = q.get("internal_ip").map(str::to_string);
    let sorted = q.get("sort_key").is_some() || q.get("sort_dir").is_some();

    let (cluster, nodes, extra) = run(&st, move |e| node_data(e, &ids.project, &ids.cluster)).await.map_err(|e| engine_error(e, Family::V2))?;
    let mut nodes: Vec<Node> = nodes
        .into_iter()
        .filter(|n| group.as_ref().is_none_or(|g| &n.group_name == g))
        .filter(|n| name.as_ref().is_none_or(|s| n.name.to_lowercase().contains(s)))
        .filter(|n| ip.as_ref().is_none_or(|ip| &n.ip == ip))
        .collect();
    if sorted {
        nodes.sort_by(|a, b| if descending { b.name.cmp(&a.name) } else { a.name.cmp(&b.name) });
    }
    let range = page_range(nodes.len(), limit as usize, page as usize);
    let page_nodes = nodes[range].iter().map(|n| cluster_node(&cluster, n, detail, &extra)).collect();
    Ok(json(StatusCode::OK, &ListNodesResponse { nodes: page_nodes, node_total: nodes.len() as i64 }))
}

/// Roles the node runs, after the usual MRS placement (masters run the managers, cores the data).
fn roles(c: &Cluster, role: &str) -> Vec<(&'static str, &'static str)> {
    let has = |name: &str| c.component_list.iter().any(|x| x.component_name == name);
    let mut out = Vec::new();
    let mut add = |component: &str, service: &'static str, list: &[&'static str]| {
        if has(component) {
            out.extend(list.iter().map(|r| (service, *r)));
        }
    };
    match role {
        "Master" => {
            add("Hadoop", "HDFS", &["NameNode", "JournalNode"]);
            add("Hadoop", "Yarn", &["ResourceManager"]);
            add("ZooKeeper", "ZooKeeper", &["quorumpeer"]);
            add("HBase", "HBase", &["HMaster"]);
            add("Hive", "Hive", &["MetaStore", "HiveServer"]);
        }
        "Core" => {
            add("Hadoop", "HDFS", &["DataNode"]);
            add("Hadoop", "Yarn", &["NodeManager"]);
            add("Kafka", "Kafka", &["Broker"]);
            add("HBase", "HBase", &["RegionServer"]);
        }
        _ => add("Hadoop", "Yarn", &["NodeManager"]),
    }
    out
}

fn cluster_node(c: &Cluster, n: &Node, detail: bool, extra: &ExtraTags) -> ClusterNode {
    let h = stable_hash(&[&n.resource_id, "usage"]);
    let pct = |shift: u32, lo: u64, span: u64| format!("{:.2}", (lo + (h >> shift) % span) as f64 + ((h >> (shift + 8)) % 100) as f64 / 100.0);
    let total_disk = n.root_volume_size + n.data_volume_size * n.data_volume_count;
    let disk_used = ((h >> 24) % 60 + 10) as i64;
    let mem_used = (h >> 16) % 60 + 20;
    let starting = c.cluster_state == ClusterState::Starting;
    ClusterNode {
        node_name: n.name.clone(),
        resource_id: n.resource_id.clone(),
        node_group_name: n.group_name.clone(),
        node_type: n.role.into(),
        billing_type: if c.billing_type == "Metered" { "on-quantity" } else { "on-period" }.into(),
        deployment_type: "Server".into(),
        server_info: ServerInfo {
            server_id: n.resource_id.clone(),
            server_name: n.name.clone(),
            server_type: "ECS".into(),
            data_volumes: if n.data_volume_count > 0 {
                vec![NodeVolume { volume_type: n.data_volume_type.clone(), size: n.data_volume_size, count: n.data_volume_count }]
            } else {
                vec![]
            },
            root_volume: NodeVolume { volume_type: n.root_volume_type.clone(), size: n.root_volume_size, count: 1 },
            cpu_type: "x86".into(),
            cpu: n.vcpus.to_string(),
            mem: n.mem_mb.to_string(),
            internal_ip: n.ip.clone(),
        },
        tags: node_tags(c, n, extra),
        node_detail: detail.then(|| NodeDetail {
            running_status: if starting { "Installing" } else { "Good" }.into(),
            cpu_usage: pct(0, 3, 70),
            memory_usage: format!("{mem_used}.00"),
            disk_usage: format!("{disk_used}.00"),
            total_memory: n.mem_mb.to_string(),
            available_memory: (n.mem_mb * (100 - mem_used) / 100).to_string(),
            total_hard_disk_space: total_disk.to_string(),
            available_hard_disk_space: (total_disk * (100 - disk_used) / 100).to_string(),
            network_read: ((h >> 32) % 5_000_000).to_string(),
            network_write: ((h >> 40) % 3_000_000).to_string(),
        }),
        node_status: if starting { "creating" } else { "normal" }.into(),
        component_infos: roles(c, n.role)
            .into_iter()
            .map(|(service, role)| ComponentInfo {
                id: stable_uuid(&[&n.resource_id, role]),
                name: role.into(),
                running_status: if starting { "Unknown" } else { "Normal" }.into(),
                role_name: role.into(),
                service_name: service.into(),
            })
            .collect(),
    }
}
