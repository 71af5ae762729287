//! Auto-scaling handlers: V1.1 create, V2 GET (bare array) / POST / PUT / DELETE (JSON body),
//! and the sandbox's own read endpoints for the metric history and the scaling events.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lakedeck_api::autoscale::{zone_name, PERIOD_MS};
use lakedeck_api::mrs::ResultResponse;
use lakedeck_api::mrs_scaling::{metrics_for, AutoScalingPolicyV2, Metric, PolicyDeleteReq, PolicyReqV11};
use lakedeck_api::problem::Problem;
use serde_json::{json, Map, Value};

use super::{engine_error, parse_body, parse_body_v11, run, ClusterPath, Family, QueryPairs, V2_INVALID};
use crate::engine::autoscaler::{self, Message, HISTORY_PERIODS};
use crate::http::{json, ApiError, Shared};
use crate::problems::problem_text;

pub async fn create_v11(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: PolicyReqV11 = parse_body_v11(&body)?;
    run(&st, move |e| e.set_policy_v11(&ids.project, &ids.cluster, &req)).await.map_err(|e| engine_error(e, Family::V11))?;
    Ok(json(StatusCode::OK, &ResultResponse { result: "succeeded".into() }))
}

pub async fn show_v2(State(st): State<Shared>, ids: ClusterPath) -> Result<Response, ApiError> {
    let list = run(&st, move |e| e.policies_v2(&ids.project, &ids.cluster)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &list))
}

pub async fn create_v2(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: AutoScalingPolicyV2 = parse_body(&body)?;
    run(&st, move |e| e.put_policy_v2(&ids.project, &ids.cluster, &req, false)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(StatusCode::OK.into_response())
}

pub async fn update_v2(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: AutoScalingPolicyV2 = parse_body(&body)?;
    run(&st, move |e| e.put_policy_v2(&ids.project, &ids.cluster, &req, true)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(StatusCode::OK.into_response())
}

pub async fn delete_v2(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: PolicyDeleteReq = parse_body(&body)?;
    run(&st, move |e| e.delete_policy_v2(&ids.project, &ids.cluster, &req)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(StatusCode::OK.into_response())
}

// ---------------------------------------------------------------------------------------------
// Sandbox only

fn bounded(q: &QueryPairs, name: &'static str, default: Option<i64>, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
    match q.get(name) {
        None => Ok(default),
        Some(raw) => lakedeck_api::paging::parse_bounded(raw, min, max).map(Some).ok_or_else(|| {
            let p = Problem::new("scaling.query").with("name", name).with("min", min).with("max", max).with("value", raw);
            ApiError::bad(V2_INVALID, problem_text(&p))
        }),
    }
}

fn message(m: &Message) -> Value {
    let mut v = json!({"key": m.key, "params": m.params, "message": m.current()});
    if let Some(t) = m.time {
        v["time"] = json!(t);
    }
    v
}

/// `GET /v2/{p}/autoscaling-policy/{c}/metrics?since=&until=&limit=&metrics=a,b`: the recorded
/// samples (real time `time`, MRS time `clock`), oldest first, with what a reader needs to
/// replay them (period, zone).
pub async fn metrics(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let since = bounded(&q, "since", None, 0, i64::MAX)?;
    let until = bounded(&q, "until", None, 0, i64::MAX)?;
    let limit = bounded(&q, "limit", Some(HISTORY_PERIODS), 1, HISTORY_PERIODS)?.unwrap_or(HISTORY_PERIODS);
    let wanted: Option<Vec<String>> = q.get("metrics").map(|m| m.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
    let period_ms = st.engine.metric_period_ms();
    let clock_now = st.engine.clock().map(|c| c.mrs_time(crate::util::now_ms()));
    let (cluster, rows) =
        run(&st, move |e| e.metric_history(&ids.project, &ids.cluster, since, until, limit)).await.map_err(|e| engine_error(e, Family::V2))?;
    let kind = cluster.kind().unwrap_or(lakedeck_api::mrs::ClusterType::Analysis);
    let mut metrics: Vec<Metric> = metrics_for(kind);
    if let Some(names) = &wanted {
        for n in names {
            if !metrics.iter().any(|m| m.name() == n) {
                let all: Vec<&str> = metrics.iter().map(|m| m.name()).collect();
                let p = Problem::new("scaling.query_metric").with("value", n).with("metrics", all.join(", "));
                return Err(ApiError::bad(V2_INVALID, problem_text(&p).prefixed("metrics: ")));
            }
        }
        metrics.retain(|m| names.iter().any(|n| n == m.name()));
    }
    let samples: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut values = Map::new();
            for m in &metrics {
                values.insert(m.name().into(), r.sample.values.get(m.index()).copied().flatten().map_or(Value::Null, |x| json!(x)));
            }
            json!({"time": r.time, "clock": r.clock, "values": values, "nodes": r.sample.nodes})
        })
        .collect();
    let zone = autoscaler::zone_offset(&cluster.data_center);
    Ok(json(
        StatusCode::OK,
        &json!({
            "cluster_id": cluster.cluster_id,
            "period_ms": period_ms,
            "mrs_period_ms": PERIOD_MS,
            "clock_now": clock_now,
            "zone_offset_minutes": zone,
            "zone": zone_name(zone),
            "metrics": metrics.iter().map(|m| json!({"name": m.name(), "unit": m.unit().as_str(), "max": m.max_value()})).collect::<Vec<_>>(),
            "samples": samples,
        }),
    ))
}

/// `GET /v2/{p}/autoscaling-policy/{c}/events?since=&until=&limit=&offset=`: the autoscaler's
/// decisions, newest first; `offset` counts events (0-based).
pub async fn events(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let since = bounded(&q, "since", None, 0, i64::MAX)?;
    let until = bounded(&q, "until", None, 0, i64::MAX)?;
    let limit = bounded(&q, "limit", Some(100), 1, 1000)?.unwrap_or(100);
    let offset = bounded(&q, "offset", Some(0), 0, i64::MAX)?.unwrap_or(0);
    let (total, list) = run(&st, move |e| e.scaling_events(&ids.project, &ids.cluster, since, until, limit, offset))
        .await
        .map_err(|e| engine_error(e, Family::V2))?;
    let events: Vec<Value> = list
        .iter()
        .map(|ev| {
            json!({
                "id": ev.id,
                "time": ev.time,
                "clock": ev.clock,
                "node_group": ev.node_group,
                "resource_pool": ev.resource_pool,
                "action": ev.action,
                "from": ev.from,
                "to": ev.to,
                "result": ev.result,
                "cause": ev.decision.as_ref().map(|d| json!(d.cause)),
                "outcome": ev.decision.as_ref().map(|d| json!(d.outcome)),
                "values": ev.values,
                "reason": message(&ev.reason),
                "notes": ev.notes.iter().map(message).collect::<Vec<_>>(),
                "finished": ev.finished,
                "nodes": ev.nodes,
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({"total": total, "events": events})))
}
