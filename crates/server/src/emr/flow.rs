//! Classic EMR data-development handlers (RPC, `2016-04-08`; emr-api.md §2): one entry point at `/`
//! that dispatches on `Action`, PascalCase answers with `RequestId`, list wrappers
//! (`Projects.Project`, `JobList.Job`, `NodeInstances.NodeInstance`, …) as the SDK reads them.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lakedeck_api::emr_flow::{self as wire, FlowJobSpec, LogEntry};
use serde_json::json;

use super::{ok, problem, run, AcsCall, AcsError};
use crate::engine::emr_flow::{self as engine, Page};
use crate::engine::EngineError;
use crate::http::Shared;
use crate::text;

pub const VERSION: &str = wire::API_VERSION;

/// `/`: an RPC call when the layer made one of the request, else the console's page.
pub async fn root(State(st): State<Shared>, req: Request) -> Response {
    match req.extensions().get::<AcsCall>().cloned() {
        Some(call) => dispatch(st, call).await,
        None => crate::http::serve_static(&st.dist, &st.assets, &st.console, "/", req.headers()).await,
    }
}

async fn dispatch(st: Shared, call: AcsCall) -> Response {
    if call.action.is_empty() {
        return call.missing("Action").into_response();
    }
    if call.get("RegionId").is_none() {
        return call.missing("RegionId").into_response();
    }
    let result = match call.action.as_str() {
        "CreateFlowProject" => create_project(&st, &call).await,
        "ListFlowProject" => list_projects(&st, &call).await,
        "DescribeFlowProject" => describe_project(&st, &call).await,
        "DeleteFlowProject" => delete_project(&st, &call).await,
        "CreateFlowCategory" => create_category(&st, &call).await,
        "ListFlowCategory" => list_categories(&st, &call).await,
        "DeleteFlowCategory" => delete_category(&st, &call).await,
        "CreateFlowJob" => create_job(&st, &call).await,
        "ModifyFlowJob" => modify_job(&st, &call).await,
        "DescribeFlowJob" => describe_job(&st, &call).await,
        "ListFlowJob" => list_jobs(&st, &call).await,
        "DeleteFlowJob" => delete_job(&st, &call).await,
        "ListFlowCluster" => list_clusters(&st, &call).await,
        "SubmitFlowJob" => submit_job(&st, &call).await,
        "KillFlowJob" => kill_job(&st, &call).await,
        "ListFlowJobHistory" => history(&st, &call).await,
        "DescribeFlowNodeInstance" => describe_instance(&st, &call).await,
        "DescribeFlowNodeInstanceLauncherLog" => launcher_log(&st, &call).await,
        _ => {
            let action = &call.action;
            return call
                .error(StatusCode::NOT_FOUND, "InvalidAction.NotFound", text!(
                    "Specified api is not found, please check your url and method. ({action} is not an action of EMR 2016-04-08 the sandbox serves.)",
                    "指定的 API 不存在，请检查 URL 和请求方法。（{action} 不是沙箱提供的 EMR 2016-04-08 接口。）"
                ))
                .into_response();
        }
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

type Answer = Result<Response, AcsError>;

fn engine_err(call: &AcsCall) -> impl Fn(EngineError) -> AcsError + '_ {
    move |e| call.engine(e)
}

/// `PageNumber` (from 1) and `PageSize` (1–100, default 20).
fn paging(call: &AcsCall) -> Result<(i64, i64), AcsError> {
    Ok((call.int("PageNumber", 1, 1, i64::from(i32::MAX))?, call.int("PageSize", wire::DEFAULT_PAGE_SIZE, 1, wire::MAX_PAGE_SIZE)?))
}

fn listed<T, U: serde::Serialize>(call: &AcsCall, outer: &str, inner: &str, p: Page<T>, number: i64, size: i64, f: impl Fn(&T) -> U) -> Response {
    let items: Vec<U> = p.items.iter().map(f).collect();
    ok(call, &json!({"PageNumber": number, "PageSize": size, "Total": p.total, outer: {inner: items}}))
}

async fn create_project(st: &Shared, call: &AcsCall) -> Answer {
    let name = call.required("Name")?;
    let description = call.required("Description")?;
    if name.chars().count() > wire::MAX_NAME_LEN {
        return Err(problem(call, &lakedeck_api::problem::Problem::new("flow.name_too_long").with("max", wire::MAX_NAME_LEN)));
    }
    let user = call.caller.clone();
    let id = run(st, move |e| e.flow_create_project(&name, &description, &user)).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Id": id})))
}

async fn list_projects(st: &Shared, call: &AcsCall) -> Answer {
    let (number, size) = paging(call)?;
    let (id, name) = (call.get("ProjectId"), call.get("Name"));
    let p = run(st, move |e| e.flow_projects(id.as_deref(), name.as_deref(), number, size)).await.map_err(engine_err(call))?;
    Ok(listed(call, "Projects", "Project", p, number, size, |p| p.wire()))
}

async fn describe_project(st: &Shared, call: &AcsCall) -> Answer {
    let id = call.required("ProjectId")?;
    let p = run(st, move |e| e.flow_project(&id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &p.wire()))
}

async fn delete_project(st: &Shared, call: &AcsCall) -> Answer {
    let id = call.required("ProjectId")?;
    run(st, move |e| e.flow_delete_project(&id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Data": true})))
}

async fn create_category(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let name = call.required("Name")?;
    let kind_raw = call.required("Type")?;
    let kind = match kind_raw.to_ascii_uppercase().as_str() {
        k @ ("FLOW" | "JOB" | "ADHOC") => k.to_string(),
        _ => {
            return Err(call.fail(engine::INVALID, text!("Type must be FLOW, JOB or ADHOC, not '{kind_raw}'.", "Type 必须是 FLOW、JOB 或 ADHOC，而不是 '{kind_raw}'。")));
        }
    };
    let parent = call.get("ParentId");
    let id = run(st, move |e| e.flow_create_category(&project, &name, &kind, parent.as_deref())).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Id": id})))
}

async fn list_categories(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let (number, size) = paging(call)?;
    let root = call.bool("Root")?.unwrap_or(false);
    let parent = call.get("ParentId");
    let p = run(st, move |e| e.flow_categories(&project, parent.as_deref(), root, number, size)).await.map_err(engine_err(call))?;
    Ok(listed(call, "Categories", "Category", p, number, size, |c| c.wire()))
}

async fn delete_category(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("Id")?;
    run(st, move |e| e.flow_delete_category(&project, &id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Data": true})))
}

fn check_spec(call: &AcsCall, existing: Option<&FlowJobSpec>) -> Result<FlowJobSpec, AcsError> {
    let get = |k: &str| call.get(k);
    wire::check_flow_job(&get, &call.params, existing).map_err(|p| problem(call, &p))
}

async fn create_job(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let spec = check_spec(call, None)?;
    let id = run(st, move |e| e.flow_create_job(&project, spec)).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Id": id})))
}

async fn modify_job(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("Id")?;
    let current = {
        let (p, i) = (project.clone(), id.clone());
        run(st, move |e| e.flow_job(&p, &i)).await.map_err(engine_err(call))?
    };
    let spec = check_spec(call, Some(&current.spec))?;
    run(st, move |e| e.flow_modify_job(&project, &id, |_| Ok(spec))).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Data": true})))
}

async fn describe_job(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("Id")?;
    let j = run(st, move |e| e.flow_job(&project, &id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &j.wire()))
}

async fn list_jobs(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let (number, size) = paging(call)?;
    let kind = match call.get("Type") {
        None => None,
        Some(t) => Some(
            wire::parse_job_type(&t)
                .ok_or_else(|| problem(call, &lakedeck_api::problem::Problem::new("flow.job_type").with("value", &t).with("allowed", wire::JOB_TYPES.join(", "))))?
                .to_string(),
        ),
    };
    let adhoc = call.bool("Adhoc")?;
    let (id, name) = (call.get("Id"), call.get("Name"));
    let q = engine::JobQuery { id, name, kind, adhoc };
    let p = run(st, move |e| e.flow_jobs(&project, &q, number, size)).await.map_err(engine_err(call))?;
    Ok(listed(call, "JobList", "Job", p, number, size, |j| j.wire()))
}

async fn delete_job(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("Id")?;
    run(st, move |e| e.flow_delete_job(&project, &id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Data": true})))
}

async fn list_clusters(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let (number, size) = paging(call)?;
    let p = run(st, move |e| e.flow_clusters(&project, number, size)).await.map_err(engine_err(call))?;
    let now = crate::util::now_ms();
    let items: Vec<_> = p.items.iter().map(|c| c.wire(now)).collect();
    Ok(ok(call, &json!({"PageNumber": number, "PageSize": size, "TotalCount": p.total, "Clusters": {"ClusterInfo": items}})))
}

async fn submit_job(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let job = call.required("JobId")?;
    let cluster = call.required("ClusterId")?;
    let (conf, instance) = (call.get("Conf"), call.get("JobInstanceId"));
    let id = run(st, move |e| e.flow_submit(&project, &job, &cluster, conf.as_deref(), instance.as_deref())).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Id": id})))
}

async fn kill_job(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("JobInstanceId")?;
    run(st, move |e| e.flow_kill(&project, &id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &json!({"Data": true})))
}

/// `StatusList.N` values (N from 1), checked.
fn status_list(call: &AcsCall) -> Result<Vec<&'static str>, AcsError> {
    let mut numbered: Vec<(u32, String)> = Vec::new();
    for (k, v) in &call.params {
        if let Some(n) = k.strip_prefix("StatusList.") {
            let n: u32 = n.parse().map_err(|_| {
                call.fail(engine::INVALID, text!("'{k}' is not a parameter; use StatusList.1, StatusList.2, …", "'{k}' 不是参数；请使用 StatusList.1、StatusList.2、…"))
            })?;
            numbered.push((n, v.clone()));
        }
    }
    numbered.sort();
    numbered
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(_, v)| {
            wire::parse_status(&v).ok_or_else(|| {
                let allowed = wire::STATUSES.join(", ");
                call.fail(engine::INVALID, text!("'{v}' is not an instance status; use one of {allowed}.", "'{v}' 不是实例状态；请使用 {allowed} 之一。"))
            })
        })
        .collect()
}

async fn history(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let (number, size) = paging(call)?;
    let statuses = status_list(call)?;
    let (from, to) = match call.get("TimeRange") {
        None => (None, None),
        Some(raw) => wire::time_range(&raw).map_err(|p| problem(call, &p))?,
    };
    let job_type = match call.get("JobType") {
        None => None,
        Some(t) => Some(
            wire::parse_job_type(&t)
                .ok_or_else(|| problem(call, &lakedeck_api::problem::Problem::new("flow.job_type").with("value", &t).with("allowed", wire::JOB_TYPES.join(", "))))?
                .to_string(),
        ),
    };
    let q = engine::HistoryQuery { job_id: call.get("Id"), instance_id: call.get("InstanceId"), job_type, statuses, from, to };
    let p = run(st, move |e| e.flow_history(&project, &q, number, size)).await.map_err(engine_err(call))?;
    Ok(listed(call, "NodeInstances", "NodeInstance", p, number, size, |i| i.summary()))
}

async fn describe_instance(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("Id")?;
    let i = run(st, move |e| e.flow_instance(&project, &id)).await.map_err(engine_err(call))?;
    Ok(ok(call, &i.detail(crate::util::now_ms())))
}

async fn launcher_log(st: &Shared, call: &AcsCall) -> Answer {
    let project = call.required("ProjectId")?;
    let id = call.required("NodeInstanceId")?;
    let offset = call.int("Offset", 0, 0, i64::MAX)?;
    let length = match (call.get("Length"), call.get("Lines")) {
        (Some(_), _) => Some(call.int("Length", 0, 0, 10_000)?),
        (None, Some(_)) => Some(call.int("Lines", 0, 0, 10_000)?),
        _ => None,
    };
    let reverse = call.bool("Reverse")?.unwrap_or(false);
    let (lines, end) = run(st, move |e| e.flow_launcher_log(&project, &id, offset, length, reverse)).await.map_err(engine_err(call))?;
    let entries: Vec<LogEntry> = lines.into_iter().map(|content| LogEntry { content }).collect();
    Ok(ok(call, &json!({"LogEnd": end, "LogEntrys": {"LogEntry": entries}})))
}
