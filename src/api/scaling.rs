//! MRS auto-scaling operations (API reference section 10) and the sandbox's read-only metric
//! history and scaling events. Thin: paths, bodies and the readers of the answers.

use std::collections::BTreeMap;

use lakedeck_api::autoscale::{MetricValues, Sample};
use lakedeck_api::mrs::ClusterType;
use lakedeck_api::mrs_scaling::{
    AutoScalingPolicy, AutoScalingPolicyV2, Metric, PolicyDeleteReq, PolicyReqV11, ResourcesPlan, Rule, ScaleScript, Trigger,
    V11_NODE_GROUP,
};
use serde_json::Value;

use super::wire::{int, list, opt_bool, opt_int, opt_s, s, FromWire};
use super::{encode_component as enc, query_string, request, ApiClient, ApiError, Method, Service};

fn opt_list<T: FromWire>(v: &Value) -> Option<Vec<T>> {
    v.is_array().then(|| list(v))
}

impl FromWire for Trigger {
    fn from_wire(v: &Value) -> Self {
        Trigger {
            metric_name: opt_s(&v["metric_name"]),
            metric_value: opt_s(&v["metric_value"]),
            comparison_operator: opt_s(&v["comparison_operator"]),
            evaluation_periods: opt_int(&v["evaluation_periods"]),
        }
    }
}

impl FromWire for Rule {
    fn from_wire(v: &Value) -> Self {
        Rule {
            name: opt_s(&v["name"]),
            description: opt_s(&v["description"]),
            adjustment_type: opt_s(&v["adjustment_type"]),
            cool_down_minutes: opt_int(&v["cool_down_minutes"]),
            scaling_adjustment: opt_int(&v["scaling_adjustment"]),
            trigger: v["trigger"].is_object().then(|| Trigger::from_wire(&v["trigger"])),
        }
    }
}

impl FromWire for ResourcesPlan {
    fn from_wire(v: &Value) -> Self {
        ResourcesPlan {
            period_type: opt_s(&v["period_type"]),
            start_time: opt_s(&v["start_time"]),
            end_time: opt_s(&v["end_time"]),
            min_capacity: opt_int(&v["min_capacity"]),
            max_capacity: opt_int(&v["max_capacity"]),
            effective_days: opt_list(&v["effective_days"]),
        }
    }
}

impl FromWire for ScaleScript {
    fn from_wire(v: &Value) -> Self {
        ScaleScript {
            name: opt_s(&v["name"]),
            uri: opt_s(&v["uri"]),
            parameters: opt_s(&v["parameters"]),
            nodes: opt_list(&v["nodes"]),
            active_master: opt_bool(&v["active_master"]),
            fail_action: opt_s(&v["fail_action"]),
            action_stage: opt_s(&v["action_stage"]),
        }
    }
}

impl FromWire for AutoScalingPolicy {
    fn from_wire(v: &Value) -> Self {
        AutoScalingPolicy {
            auto_scaling_enable: opt_bool(&v["auto_scaling_enable"]),
            min_capacity: opt_int(&v["min_capacity"]),
            max_capacity: opt_int(&v["max_capacity"]),
            resources_plans: opt_list(&v["resources_plans"]),
            rules: opt_list(&v["rules"]),
            exec_scripts: opt_list(&v["exec_scripts"]),
            tags: opt_list(&v["tags"]),
        }
    }
}

impl FromWire for AutoScalingPolicyV2 {
    fn from_wire(v: &Value) -> Self {
        AutoScalingPolicyV2 {
            node_group_name: opt_s(&v["node_group_name"]),
            resource_pool_name: opt_s(&v["resource_pool_name"]),
            auto_scaling_policy: v["auto_scaling_policy"].is_object().then(|| AutoScalingPolicy::from_wire(&v["auto_scaling_policy"])),
        }
    }
}

/// ShowAutoScalingPolicy answers a bare JSON array.
pub struct Policies(pub Vec<AutoScalingPolicyV2>);

impl FromWire for Policies {
    const OBJECT: bool = false;
    fn from_wire(v: &Value) -> Self {
        // The OTC example wraps the list in an object; read that too.
        let arr = if v.is_array() { v } else { &v["auto_scaling_policies"] };
        Policies(list(arr))
    }
}

fn path(c: &ApiClient, version: &str, cluster_id: &str) -> String {
    format!("/{version}/{}/autoscaling-policy/{}", enc(c.project_id()), enc(cluster_id))
}

pub async fn policies(c: &ApiClient, cluster_id: &str) -> Result<Vec<AutoScalingPolicyV2>, ApiError> {
    request::<Policies, ()>(c, Service::Mrs, Method::Get, &path(c, "v2", cluster_id), None).await.map(|p| p.0)
}

/// V2 create (`update = false`) or update: the whole policy is sent, so an update replaces every field.
pub async fn put_policy(c: &ApiClient, cluster_id: &str, group: &str, pool: &str, policy: &AutoScalingPolicy, update: bool) -> Result<(), ApiError> {
    let body = AutoScalingPolicyV2 {
        node_group_name: Some(group.into()),
        resource_pool_name: Some(pool.into()),
        auto_scaling_policy: Some(AutoScalingPolicy { exec_scripts: None, ..policy.clone() }),
    };
    let method = if update { Method::Put } else { Method::Post };
    request(c, Service::Mrs, method, &path(c, "v2", cluster_id), Some(&body)).await
}

/// V1.1 create: replaces the policy of the cluster's Task group, scripts included (the only API
/// that carries them).
pub async fn put_policy_v11(c: &ApiClient, cluster_id: &str, policy: &AutoScalingPolicy) -> Result<(), ApiError> {
    let body = PolicyReqV11 {
        node_group: Some(V11_NODE_GROUP.into()),
        auto_scaling_policy: Some(AutoScalingPolicy { tags: None, ..policy.clone() }),
    };
    request::<(), _>(c, Service::Mrs, Method::Post, &path(c, "v1.1", cluster_id), Some(&body)).await
}

pub async fn delete_policy(c: &ApiClient, cluster_id: &str, group: &str, pool: &str) -> Result<(), ApiError> {
    let body = PolicyDeleteReq { node_group_name: Some(group.into()), resource_pool_name: Some(pool.into()) };
    request(c, Service::Mrs, Method::Delete, &path(c, "v2", cluster_id), Some(&body)).await
}

// ---------------------------------------------------------------------------------------------
// Sandbox only

/// The sandbox's recorded metric history of a cluster, column by column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricHistory {
    /// Real milliseconds of one period, and of the MRS period it stands for (5 minutes).
    pub period_ms: i64,
    pub mrs_period_ms: i64,
    /// MRS time now (the sandbox's clock), if it runs.
    pub clock_now: Option<i64>,
    pub zone_offset_minutes: i32,
    pub zone: String,
    /// The metrics the cluster measures, with their unit (`count`, `%`, …) and largest value.
    pub metrics: Vec<(Metric, String, f64)>,
    /// Real time of each sample (epoch ms).
    pub times: Vec<i64>,
    /// MRS time and values of each sample, as the evaluator reads them.
    pub samples: Vec<Sample>,
    /// Node count of each node group at each sample (0 where a group did not exist yet).
    pub nodes: BTreeMap<String, Vec<i64>>,
}

impl FromWire for MetricHistory {
    fn from_wire(v: &Value) -> Self {
        let metrics: Vec<(Metric, String, f64)> = v["metrics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|m| Some((Metric::parse(m["name"].as_str()?)?, s(&m["unit"]), m["max"].as_f64().unwrap_or(0.0))))
                    .collect()
            })
            .unwrap_or_default();
        let raw = v["samples"].as_array().map(Vec::as_slice).unwrap_or_default();
        let mut h = MetricHistory {
            period_ms: int(&v["period_ms"]),
            mrs_period_ms: int(&v["mrs_period_ms"]),
            clock_now: opt_int(&v["clock_now"]),
            zone_offset_minutes: int(&v["zone_offset_minutes"]) as i32,
            zone: s(&v["zone"]),
            metrics,
            times: Vec::with_capacity(raw.len()),
            samples: Vec::with_capacity(raw.len()),
            nodes: BTreeMap::new(),
        };
        for (i, r) in raw.iter().enumerate() {
            h.times.push(int(&r["time"]));
            let mut values = MetricValues::default();
            if let Some(obj) = r["values"].as_object() {
                for (m, _, _) in &h.metrics {
                    if let Some(x) = obj.get(m.name()).and_then(Value::as_f64) {
                        values.set(*m, x);
                    }
                }
            }
            h.samples.push(Sample { time_ms: int(&r["clock"]), values });
            if let Some(obj) = r["nodes"].as_object() {
                for (group, n) in obj {
                    let col = h.nodes.entry(group.clone()).or_insert_with(|| vec![0; i]);
                    col.push(int(n));
                }
            }
            for col in h.nodes.values_mut() {
                col.resize(i + 1, 0);
            }
        }
        h
    }
}

pub async fn metric_history(c: &ApiClient, cluster_id: &str, limit: u32) -> Result<MetricHistory, ApiError> {
    let q = query_string(&[("limit", limit.to_string())]);
    let p = format!("{}/metrics{q}", path(c, "v2", cluster_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &p, None).await
}

/// The samples recorded after real time `since` (epoch ms), oldest first.
pub async fn metric_history_since(c: &ApiClient, cluster_id: &str, since: i64) -> Result<MetricHistory, ApiError> {
    let q = query_string(&[("since", since.to_string()), ("limit", "8640".into())]);
    let p = format!("{}/metrics{q}", path(c, "v2", cluster_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &p, None).await
}

/// A message the sandbox recorded: its key and parameters (worded in the reader's language) and
/// the text the server wrote in the request's language.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventMessage {
    pub key: String,
    pub params: Vec<(String, String)>,
    pub message: String,
}

impl FromWire for EventMessage {
    fn from_wire(v: &Value) -> Self {
        let params = v["params"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| Some((p.get(0)?.as_str()?.to_string(), s(p.get(1)?)))).collect())
            .or_else(|| v["params"].as_object().map(|o| o.iter().map(|(k, x)| (k.clone(), s(x))).collect()))
            .unwrap_or_default();
        EventMessage { key: s(&v["key"]), params, message: s(&v["message"]) }
    }
}

/// One decision the sandbox's autoscaler recorded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScalingEvent {
    pub id: i64,
    /// Real time and MRS time (epoch ms).
    pub time: i64,
    pub clock: i64,
    pub node_group: String,
    pub resource_pool: String,
    /// `scale_out`, `scale_in` or `none`.
    pub action: String,
    pub from: i64,
    pub to: i64,
    /// `in_progress`, `succeeded`, `failed`, `skipped` or `info`.
    pub result: String,
    /// The rule that fired, if a rule did.
    pub rule: Option<String>,
    pub values: Vec<f64>,
    pub reason: EventMessage,
    pub notes: Vec<EventMessage>,
    pub nodes: Option<i64>,
}

impl FromWire for ScalingEvent {
    fn from_wire(v: &Value) -> Self {
        ScalingEvent {
            id: int(&v["id"]),
            time: int(&v["time"]),
            clock: int(&v["clock"]),
            node_group: s(&v["node_group"]),
            resource_pool: s(&v["resource_pool"]),
            action: s(&v["action"]),
            from: int(&v["from"]),
            to: int(&v["to"]),
            result: s(&v["result"]),
            rule: (v["cause"]["kind"] == "rule").then(|| s(&v["cause"]["name"])),
            values: v["values"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default(),
            reason: EventMessage::from_wire(&v["reason"]),
            notes: list(&v["notes"]),
            nodes: opt_int(&v["nodes"]),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventsPage {
    pub total: i64,
    pub events: Vec<ScalingEvent>,
}

impl FromWire for EventsPage {
    fn from_wire(v: &Value) -> Self {
        EventsPage { total: int(&v["total"]), events: list(&v["events"]) }
    }
}

/// Events newest first; `offset` counts events from 0.
pub async fn events(c: &ApiClient, cluster_id: &str, limit: u32, offset: u32) -> Result<EventsPage, ApiError> {
    let q = query_string(&[("limit", limit.to_string()), ("offset", offset.to_string())]);
    let p = format!("{}/events{q}", path(c, "v2", cluster_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &p, None).await
}

// ---------------------------------------------------------------------------------------------
// Overview

/// One Task node group of a cluster and the policy ShowClusterDetails shows on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupPolicy {
    pub cluster_id: String,
    pub cluster_name: String,
    pub cluster_state: String,
    pub cluster_type: Option<ClusterType>,
    pub group: String,
    pub nodes: i64,
    pub policy: Option<AutoScalingPolicy>,
}

/// A page of ListClusters read for the overview: each cluster's Task groups with their policies
/// (the V1.1 cluster family carries them as `taskNodeGroups[].AutoScalingPolicy`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverviewPage {
    pub total: i64,
    pub rows: Vec<GroupPolicy>,
}

impl FromWire for OverviewPage {
    fn from_wire(v: &Value) -> Self {
        let mut rows = Vec::new();
        for c in v["clusters"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let base = GroupPolicy {
                cluster_id: s(&c["clusterId"]),
                cluster_name: s(&c["clusterName"]),
                cluster_state: s(&c["clusterState"]),
                cluster_type: ClusterType::from_code(int(&c["clusterType"]) as i32),
                ..Default::default()
            };
            let groups = c["taskNodeGroups"].as_array().map(Vec::as_slice).unwrap_or_default();
            if groups.is_empty() {
                rows.push(base);
                continue;
            }
            for g in groups {
                rows.push(GroupPolicy {
                    group: s(&g["GroupName"]),
                    nodes: int(&g["NodeNum"]),
                    policy: g["AutoScalingPolicy"].is_object().then(|| AutoScalingPolicy::from_wire(&g["AutoScalingPolicy"])),
                    ..base.clone()
                });
            }
        }
        OverviewPage { total: int(&v["clusterTotal"]), rows }
    }
}

/// The clusters of a page of ListClusters (existing clusters, optionally by name) with their
/// Task groups' policies.
pub async fn overview(c: &ApiClient, page_size: u32, page: u32, name: &str) -> Result<OverviewPage, ApiError> {
    let q = super::mrs::ListClustersQuery {
        page_size,
        current_page: page,
        cluster_name: name.into(),
        cluster_state: "existing".into(),
        ..Default::default()
    };
    let p = format!("/v1.1/{}/cluster_infos{}", enc(c.project_id()), q.to_query());
    request::<_, ()>(c, Service::Mrs, Method::Get, &p, None).await
}
