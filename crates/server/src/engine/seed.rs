//! First-start data for the sandbox project: a handful of clusters in different states so every
//! console screen has something to show. Other projects start empty.

use lakedeck_api::mrs::{ClusterState, CreateClusterReq, NodeGroupV2, Tag, Volume};

use super::clusters::build_cluster;
use super::lifecycle::{self, Op, OpKind};
use super::store::{self, ClusterRow};
use super::{Engine, EngineError};
use crate::util;

const DAY: i64 = 86_400;

struct Seed {
    name: &'static str,
    kind: &'static str,
    version: &'static str,
    components: &'static str,
    groups: &'static [(&'static str, i64)],
    tags: &'static [(&'static str, &'static str)],
    state: ClusterState,
    age_secs: i64,
}

const SEEDS: &[Seed] = &[
    Seed {
        name: "analytics-prod",
        kind: "ANALYSIS",
        version: "MRS 3.2.0-LTS.1",
        components: "Hadoop,Spark2x,Hive,Tez,ZooKeeper,Ranger",
        groups: &[("master_node_default_group", 2), ("core_node_analysis_group", 4), ("task_node_analysis_group", 2)],
        tags: &[("env", "prod"), ("team", "data")],
        state: ClusterState::Running,
        age_secs: 21 * DAY + 3600,
    },
    Seed {
        name: "streaming-dev",
        kind: "STREAMING",
        version: "MRS 3.1.5",
        components: "Kafka,ZooKeeper,Flink,Flume",
        groups: &[("master_node_default_group", 2), ("core_node_streaming_group", 3)],
        tags: &[("env", "dev")],
        state: ClusterState::Running,
        age_secs: 6 * DAY + 7200,
    },
    Seed {
        name: "etl-nightly",
        kind: "MIXED",
        version: "MRS 3.3.0-LTS.1",
        components: "Hadoop,Spark2x,Hive,Kafka,ZooKeeper",
        groups: &[("master_node_default_group", 2), ("core_node_analysis_group", 3), ("core_node_streaming_group", 3)],
        tags: &[("env", "staging"), ("team", "etl")],
        state: ClusterState::Starting,
        age_secs: 60,
    },
    Seed {
        name: "legacy-batch",
        kind: "ANALYSIS",
        version: "MRS 3.1.0",
        components: "Hadoop,Hive,Spark2x,Oozie",
        groups: &[("master_node_default_group", 1), ("core_node_analysis_group", 3)],
        tags: &[("env", "prod"), ("team", "legacy")],
        state: ClusterState::Terminated,
        age_secs: 45 * DAY,
    },
    Seed {
        name: "warehouse-abnormal",
        kind: "ANALYSIS",
        version: "MRS 3.1.5",
        components: "Hadoop,Hive,HBase,ZooKeeper",
        groups: &[("master_node_default_group", 2), ("core_node_analysis_group", 3)],
        tags: &[("env", "test")],
        state: ClusterState::Abnormal,
        age_secs: 9 * DAY + 600,
    },
];

fn request(s: &Seed) -> CreateClusterReq {
    let group = |(name, n): &(&str, i64)| NodeGroupV2 {
        group_name: name.to_string(),
        node_num: *n,
        node_size: if name.starts_with("master") { "c6.4xlarge.4.linux.bigdata" } else { "c6.8xlarge.4.linux.bigdata" }.into(),
        root_volume: Some(Volume { volume_type: "SAS".into(), size: 480 }),
        data_volume: Some(Volume { volume_type: "SSD".into(), size: 600 }),
        data_volume_count: Some(if name.starts_with("master") { 1 } else { 2 }),
        ..Default::default()
    };
    CreateClusterReq {
        cluster_version: Some(s.version.into()),
        cluster_name: Some(s.name.into()),
        cluster_type: Some(s.kind.into()),
        region: Some("cn-north-4".into()),
        availability_zone: Some("cn-north-4a".into()),
        vpc_name: Some("vpc-lakedeck".into()),
        subnet_name: Some("subnet-data".into()),
        components: Some(s.components.into()),
        safe_mode: Some(if s.name == "analytics-prod" { "KERBEROS" } else { "SIMPLE" }.into()),
        manager_admin_password: Some("Sandbox@2024".into()),
        login_mode: Some("KEYPAIR".into()),
        node_keypair_name: Some("KeyPair-lakedeck".into()),
        tags: Some(s.tags.iter().map(|(k, v)| Tag { key: k.to_string(), value: v.to_string() }).collect()),
        node_groups: Some(s.groups.iter().map(group).collect()),
        ..Default::default()
    }
}

impl Engine {
    /// Seeds `project` once per data directory; a later start (or clusters deleted by the user)
    /// never brings the seed back.
    pub fn seed(&self, project: &str) -> Result<bool, EngineError> {
        let key = format!("seeded:{project}");
        let step_ms = self.step_ms();
        self.store.tx(|conn| {
            if store::meta(conn, &key)?.is_some() {
                return Ok(false);
            }
            let now_ms = util::now_ms();
            for s in SEEDS {
                let req = request(s);
                debug_assert!(lakedeck_api::rules::validate_create_cluster(&req, super::catalog::get()).is_empty(), "seed {} is invalid", s.name);
                let created = now_ms / 1000 - s.age_secs;
                let (mut cluster, slots) = build_cluster(project, &util::uuid_v4(), &req, created);
                cluster.cluster_state = s.state;
                cluster.is_mrs_manager_finish = s.state != ClusterState::Starting;
                cluster.update_at = match s.state {
                    ClusterState::Terminated => (created + 24 * DAY).to_string(),
                    ClusterState::Abnormal => (now_ms / 1000 - 2 * DAY).to_string(),
                    _ => cluster.update_at,
                };
                if s.state == ClusterState::Abnormal {
                    cluster.error_info = "Heartbeat lost from a Core node; some services are unavailable.".into();
                }
                let mut row = ClusterRow { project_id: project.to_string(), cluster, op: None, slots };
                if s.state == ClusterState::Starting {
                    lifecycle::begin(&mut row, Op::new(OpKind::Create, now_ms, step_ms));
                    row.cluster.update_at = created.to_string();
                }
                store::insert(conn, &row)?;
            }
            store::set_meta(conn, &key, &util::now_secs().to_string())?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_passes_the_create_rules() {
        for s in SEEDS {
            assert_eq!(lakedeck_api::rules::validate_create_cluster(&request(s), crate::engine::catalog::get()), vec![], "{}", s.name);
        }
    }
}
