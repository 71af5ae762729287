//! EMR Serverless Spark handlers (ROA, `2023-08-08`; emr-api.md §1): parse the call the vendor's
//! way, ask the engine (engine/emr_spark.rs), answer camelCase with `requestId`.

use std::collections::HashMap;

use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lakedeck_api::emr::{
    self as wire, ListJobRunsResponse, LogContent, Queue, ReleaseVersion, Resources, StartJobRunRequest, Workspace, WorkspaceTag,
};
use serde_json::json;

use super::{ok, problem, run, AcsCall, AcsError};
use crate::engine::emr_spark::{self as engine, RELEASES, REGION};
use crate::http::Shared;
use crate::text;

pub const VERSION: &str = wire::API_VERSION;
/// GetCuHours answers at most this many hours at once (a month).
const MAX_CU_HOURS_SPAN_MS: i64 = 31 * 24 * 3_600_000;

/// Unknown paths under `/api/`, and known paths with another method.
/// What a handler answers: the vendor's body, or its error.
type Answer = Result<Response, AcsError>;

pub async fn not_found(Extension(call): Extension<AcsCall>) -> AcsError {
    call.error(StatusCode::NOT_FOUND, "InvalidAction.NotFound", text!(
        "Specified api is not found, please check your url and method.",
        "指定的 API 不存在，请检查 URL 和请求方法。"
    ))
}

pub async fn method_not_found(Extension(call): Extension<AcsCall>) -> AcsError {
    not_found(Extension(call)).await
}

/// Offset paging for the short lists (workspaces): the token is the next item's index.
fn offset(call: &AcsCall) -> Result<usize, AcsError> {
    match call.get("nextToken") {
        None => Ok(0),
        Some(t) => t.trim().parse::<usize>().map_err(|_| {
            call.fail(engine::INVALID, text!("nextToken '{t}' is not a token this service gave out.", "nextToken '{t}' 不是本服务返回的令牌。"))
        }),
    }
}

pub async fn list_workspaces(State(st): State<Shared>, Extension(call): Extension<AcsCall>) -> Answer {
    let max = call.int("maxResults", 20, 1, wire::MAX_RESULTS)? as usize;
    let start = offset(&call)?;
    let tags = match call.get("tag") {
        None => Vec::new(),
        Some(raw) => wire::parse_key_values("tag", &raw).map_err(|p| problem(&call, &p))?,
    };
    let all = run(&st, |e| e.emr_workspaces()).await.map_err(|e| call.engine(e))?;
    let name = call.get("name").map(|n| n.to_lowercase());
    let state = call.get("state");
    let group = call.get("resourceGroupId");
    let matching: Vec<_> = all
        .into_iter()
        .filter(|w| name.as_deref().is_none_or(|n| w.name.to_lowercase().contains(n)))
        .filter(|w| state.as_deref().is_none_or(|s| w.status.eq_ignore_ascii_case(s)))
        .filter(|_| group.as_deref().is_none_or(|g| g == engine::RESOURCE_GROUP))
        .filter(|w| tags.iter().all(|(k, v)| w.tags.iter().any(|(tk, tv)| tk == k && tv == v)))
        .collect();
    let total = matching.len();
    let page: Vec<Workspace> = matching
        .iter()
        .skip(start)
        .take(max)
        .map(|w| Workspace {
            workspace_id: w.workspace_id.clone(),
            workspace_name: w.name.clone(),
            workspace_status: w.status.clone(),
            region_id: REGION.into(),
            create_time: w.created_ms,
            payment_type: w.payment_type.clone(),
            payment_status: "NORMAL".into(),
            resource_spec: w.resource_spec.clone(),
            storage: w.bucket.clone(),
            dlf_catalog_id: String::new(),
            resource_group_id: engine::RESOURCE_GROUP.into(),
            release_type: w.release_type.clone(),
            fail_reason: String::new(),
            state_change_reason: Default::default(),
            tags: w.tags.iter().map(|(k, v)| WorkspaceTag { tag_key: k.clone(), tag_value: v.clone() }).collect(),
        })
        .collect();
    let next = if start + page.len() < total { (start + page.len()).to_string() } else { String::new() };
    Ok(ok(&call, &json!({"totalCount": total, "maxResults": max, "nextToken": next, "workspaces": page})))
}

pub async fn list_release_versions(State(st): State<Shared>, Extension(call): Extension<AcsCall>) -> Answer {
    if let Some(ws) = call.get("workspaceId") {
        run(&st, move |e| e.emr_workspace(&ws)).await.map_err(|e| call.engine(e))?;
    }
    let kind = call.get("releaseType");
    let version = call.get("releaseVersion");
    let status = call.get("releaseVersionStatus");
    let list: Vec<ReleaseVersion> = RELEASES
        .iter()
        .filter(|r| kind.as_deref().is_none_or(|k| r.kind.eq_ignore_ascii_case(k)))
        .filter(|r| version.as_deref().is_none_or(|v| engine::find_release(v).is_some_and(|f| f.version == r.version)))
        .filter(|r| status.as_deref().is_none_or(|s| r.state.eq_ignore_ascii_case(s)))
        .map(|r| ReleaseVersion {
            release_version: r.version.into(),
            display_release_version: r.display.into(),
            community_version: r.community.into(),
            scala_version: r.scala.into(),
            fusion: r.fusion,
            state: r.state.into(),
            kind: r.kind.into(),
            iaas_type: "ASI".into(),
            gmt_create: r.created_ms,
            cpu_architectures: vec!["x86".into()],
        })
        .collect();
    Ok(ok(&call, &json!({"totalCount": list.len(), "maxResults": list.len(), "nextToken": "", "releaseVersions": list})))
}

pub async fn list_queues(State(st): State<Shared>, Path(ws): Path<String>, Extension(call): Extension<AcsCall>) -> Answer {
    let id = ws.clone();
    let (w, used) = run(&st, move |e| Ok((e.emr_workspace(&id)?, e.emr_queue_usage(&id)?))).await.map_err(|e| call.engine(e))?;
    let env = call.get("environment");
    let queues: Vec<Queue> = w
        .queues
        .iter()
        .filter(|q| env.as_deref().is_none_or(|e| q.environments.iter().any(|x| x.eq_ignore_ascii_case(e))))
        .map(|q| Queue {
            queue_name: q.name.clone(),
            queue_status: "RUNNING".into(),
            queue_type: q.queue_type.clone(),
            queue_category: "CPU".into(),
            queue_scope: r#"{"arch":"x86"}"#.into(),
            payment_type: "PayAsYouGo".into(),
            max_resource: wire::resource_text(Resources { cores: q.max_cores, memory_mb: q.max_memory_mb }),
            min_resource: wire::resource_text(Resources { cores: 0, memory_mb: 0 }),
            used_resource: wire::resource_text(used.get(&q.name).copied().unwrap_or(Resources { cores: 0, memory_mb: 0 })),
            environments: q.environments.clone(),
            creator: call.caller.clone(),
            create_time: q.created_ms,
            region_id: REGION.into(),
            workspace_id: ws.clone(),
            preheat: false,
        })
        .collect();
    Ok(ok(&call, &json!({"totalCount": queues.len(), "maxResults": queues.len(), "nextToken": "", "queues": queues})))
}

pub async fn start_job_run(State(st): State<Shared>, Path(ws): Path<String>, Extension(call): Extension<AcsCall>) -> Answer {
    let body: &[u8] = if call.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &call.body };
    let req: StartJobRunRequest = serde_json::from_slice(body).map_err(|e| {
        let e = e.to_string();
        call.fail(engine::INVALID, text!("The request body is not a valid StartJobRun body: {e}", "请求体不是有效的 StartJobRun 请求：{e}"))
    })?;
    let checked = wire::check_start(&req).map_err(|p| problem(&call, &p))?;
    let creator = call.caller.clone();
    let id = run(&st, move |e| {
        let placement = engine::Placement {
            release: req.release_version.as_deref().or(req.display_release_version.as_deref()),
            queue: req.resource_queue_id.as_deref(),
            job_id: req.job_id.as_deref(),
            client_token: req.client_token.as_deref(),
            creator: &creator,
        };
        e.emr_start_run(&ws, &checked, &placement)
    })
    .await
    .map_err(|e| call.engine(e))?;
    Ok(ok(&call, &json!({"jobRunId": id})))
}

pub async fn get_job_run(State(st): State<Shared>, Path((ws, id)): Path<(String, String)>, Extension(call): Extension<AcsCall>) -> Answer {
    let r = run(&st, move |e| e.emr_run(&ws, &id)).await.map_err(|e| call.engine(e))?;
    Ok(ok(&call, &json!({"jobRun": r.view()})))
}

pub async fn cancel_job_run(State(st): State<Shared>, Path((ws, id)): Path<(String, String)>, Extension(call): Extension<AcsCall>) -> Answer {
    let run_id = id.clone();
    run(&st, move |e| e.emr_cancel_run(&ws, &run_id)).await.map_err(|e| call.engine(e))?;
    Ok(ok(&call, &json!({"jobRunId": id})))
}

pub async fn list_job_runs(State(st): State<Shared>, Path(ws): Path<String>, Extension(call): Extension<AcsCall>) -> Answer {
    let filter = wire::parse_job_run_filter(&call.params).map_err(|p| problem(&call, &p))?;
    let max = filter.max_results;
    let page = run(&st, move |e| e.emr_list_runs(&ws, &filter)).await.map_err(|e| call.engine(e))?;
    let now = crate::util::now_ms();
    let body = ListJobRunsResponse {
        request_id: call.request_id.clone(),
        job_runs: page.runs.iter().map(|r| r.summary(now)).collect(),
        next_token: page.next_token,
        max_results: max,
        total_count: page.total,
        aggregations: page.aggregations,
    };
    Ok(ok(&call, &body))
}

pub async fn list_log_contents(State(st): State<Shared>, Path(ws): Path<String>, Extension(call): Extension<AcsCall>) -> Answer {
    let file = call.required("fileName")?;
    let offset = call.int("offset", 0, 0, i64::MAX)?;
    let length = match call.get("length") {
        None => None,
        Some(_) => Some(call.int("length", 0, 0, 10_000)?),
    };
    let c = run(&st, move |e| e.emr_log(&ws, &file, offset, length)).await.map_err(|e| call.engine(e))?;
    Ok(ok(&call, &json!({"listLogContent": LogContent { total_length: c.total_length, contents: c.contents }})))
}

pub async fn get_cu_hours(
    State(st): State<Shared>,
    Path(p): Path<HashMap<String, String>>,
    Extension(call): Extension<AcsCall>,
) -> Answer {
    let (ws, queue) = (p.get("workspace_id").cloned().unwrap_or_default(), p.get("queue").cloned().unwrap_or_default());
    // Both must be there before either is read.
    let raws = [call.required("startTime")?, call.required("endTime")?];
    let mut bounds = [0i64; 2];
    for (i, name) in ["startTime", "endTime"].iter().enumerate() {
        let raw = &raws[i];
        bounds[i] = engine::parse_hour_time(raw).ok_or_else(|| {
            call.fail(engine::INVALID, text!(
                "{name} must be a time as yyyy-MM-dd HH:mm:ss (UTC), not '{raw}'.",
                "{name} 必须是 yyyy-MM-dd HH:mm:ss 格式的时间（UTC），而不是 '{raw}'。"
            ))
        })?;
    }
    let [from, to] = bounds;
    if from >= to || to - from > MAX_CU_HOURS_SPAN_MS {
        return Err(call.fail(engine::INVALID, text!(
            "startTime must be before endTime, at most 31 days apart.",
            "startTime 必须早于 endTime，且相隔不超过 31 天。"
        )));
    }
    let s = run(&st, move |e| e.emr_cu_hours(&ws, &queue, from, to)).await.map_err(|e| call.engine(e))?;
    Ok(ok(&call, &json!({"data": {"cuHours": s}})))
}
