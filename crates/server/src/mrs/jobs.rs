//! V2 job handlers (`.../job-executions`, answers 202 even for reads), RunJobFlow, the HDFS file
//! list, and the sandbox's own job-log pages.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::header::{self, HeaderMap};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lakedeck_api::mrs::CreateClusterResponse;
use lakedeck_api::mrs_jobs::{
    valid_job_id, valid_job_user, validate_file_list_path, BatchDeleteJobsReq, CreateJobResponse, FileStatusV2,
    JobExecution, JobSubmitResult, JobType, ListFilesResponse, ListJobsResponse, RunJobFlowReq, ShowJobResponse,
    SqlResultResponse, DIR_NOT_FOUND, JOB_RESULTS, JOB_STATES,
};
use lakedeck_api::paging::page_range;

use super::{engine_error, parse_body, path_params, run, ClusterPath, Family, ProjectPath, QueryPairs, V2_INVALID};
use crate::engine::jobs::JobFilter;
use crate::http::{json, ApiError, Shared};
use crate::lang::Text;
use crate::{text, util};
use lakedeck_api::rules::required_problem;

const MAX_PAGE: i64 = 2_147_483_646;

/// `{project_id}`, `{cluster_id}` and `{job_execution_id}` of the path.
pub struct JobPath {
    pub project: String,
    pub cluster: String,
    pub job: String,
}

impl<S: Send + Sync> FromRequestParts<S> for JobPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        Ok(JobPath { project: get("project_id"), cluster: get("cluster_id"), job: get("job_execution_id") })
    }
}

/// `http://host:port` as the caller reached us, so tracking URLs open from where the caller is.
fn base_url(headers: &HeaderMap) -> String {
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(|h| format!("http://{h}")).unwrap_or_default()
}

fn accepted<T: serde::Serialize>(body: &T) -> Response {
    json(StatusCode::ACCEPTED, body)
}

pub async fn create(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: JobExecution = parse_body(&body)?;
    let job_id =
        run(&st, move |e| e.create_job(&ids.project, &ids.cluster, &req)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(accepted(&CreateJobResponse { job_submit_result: JobSubmitResult { job_id, state: "COMPLETE".into() } }))
}

fn bad(message: impl Into<Text>) -> ApiError {
    ApiError::bad(V2_INVALID, message)
}

fn text_param(q: &QueryPairs, key: &str, max: usize) -> Result<Option<String>, ApiError> {
    match q.get(key) {
        Some(v) if v.chars().count() > max => Err(bad(text!("{key} can have at most {max} characters.", "{key} 最多 {max} 个字符。"))),
        v => Ok(v.map(str::to_string)),
    }
}

fn time_param(q: &QueryPairs, key: &str) -> Result<Option<i64>, ApiError> {
    q.get(key)
        .map(|v| {
            lakedeck_api::paging::parse_bounded(v, 0, i64::MAX)
                .ok_or_else(|| {
                    bad(text!(
                        "{key} must be a time in milliseconds since 1970 (a whole number), not '{v}'.",
                        "{key} 须为自 1970 年起的毫秒数（整数），不能是“{v}”。"
                    ))
                })
        })
        .transpose()
}

fn job_filter(q: &QueryPairs) -> Result<JobFilter, ApiError> {
    let job_type = match q.get("job_type") {
        None => None,
        Some(t) => Some(
            JobType::parse(t)
                .ok_or_else(|| bad(text!("job_type '{t}' is not a job type.", "“{t}”不是有效的作业类型（job_type）。")))?
                .listed()
                .as_str()
                .to_string(),
        ),
    };
    let one_of = |key: &str, allowed: &[&str]| -> Result<Option<String>, ApiError> {
        match q.get(key) {
            Some(v) if !allowed.contains(&v) => {
                let allowed = allowed.join(", ");
                Err(bad(text!("{key} must be one of {allowed}, not '{v}'.", "{key} 须为以下之一：{allowed}，不能是“{v}”。")))
            }
            v => Ok(v.map(str::to_string)),
        }
    };
    if let Some(u) = q.get("user").filter(|u| !valid_job_user(u)) {
        return Err(bad(text!(
            "user '{u}' is not valid: 1 to 32 letters, digits, '-', '_' or '.', not starting with a digit.",
            "user“{u}”无效：须为 1–32 个字母、数字、“-”、“_”或“.”，且不能以数字开头。"
        )));
    }
    if let Some(id) = q.get("job_id").filter(|id| !valid_job_id(id)) {
        return Err(bad(text!("job_id '{id}' is not valid: 1 to 64 letters, digits or '-'.", "job_id“{id}”无效：须为 1–64 个字母、数字或“-”。")));
    }
    let ascending = match q.get("sort_by") {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(o) => return Err(bad(text!("sort_by must be asc or desc, not '{o}'.", "sort_by 须为 asc 或 desc，不能是“{o}”。"))),
    };
    let begin = time_param(q, "submitted_time_begin")?;
    let end = time_param(q, "submitted_time_end")?;
    if let (Some(b), Some(e)) = (begin, end) {
        if b > e {
            return Err(bad(text!(
                "submitted_time_begin must not be later than submitted_time_end.",
                "submitted_time_begin 不能晚于 submitted_time_end。"
            )));
        }
    }
    Ok(JobFilter {
        job_name: text_param(q, "job_name", 128)?,
        job_id: q.get("job_id").map(str::to_string),
        user: q.get("user").map(str::to_string),
        job_type,
        job_state: one_of("job_state", &JOB_STATES)?,
        job_result: one_of("job_result", &JOB_RESULTS)?,
        queue: text_param(q, "queue", 64)?,
        submitted_begin: begin,
        submitted_end: end,
        ascending,
    })
}

pub async fn list(State(st): State<Shared>, ids: ClusterPath, headers: HeaderMap, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let limit = q.bounded("limit", 10, 1, MAX_PAGE, V2_INVALID)?;
    // A page number, not an item offset (mrs-api.md §7.2).
    let page = q.bounded("offset", 1, 1, MAX_PAGE, V2_INVALID)?;
    let filter = job_filter(&q)?;
    let (total, jobs) = run(&st, move |e| e.list_jobs(&ids.project, &ids.cluster, &filter, limit, page))
        .await
        .map_err(|e| engine_error(e, Family::V2))?;
    let (base, now) = (base_url(&headers), util::now_ms());
    let job_list = jobs.iter().map(|j| j.bean(&base, now)).collect();
    Ok(accepted(&ListJobsResponse { total_record: total, job_list }))
}

pub async fn show(State(st): State<Shared>, ids: JobPath, headers: HeaderMap) -> Result<Response, ApiError> {
    let job = run(&st, move |e| e.job(&ids.project, &ids.cluster, &ids.job)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(accepted(&ShowJobResponse { job_detail: job.bean(&base_url(&headers), util::now_ms()) }))
}

pub async fn stop(State(st): State<Shared>, ids: JobPath) -> Result<Response, ApiError> {
    run(&st, move |e| e.kill_job(&ids.project, &ids.cluster, &ids.job)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn batch_delete(State(st): State<Shared>, ids: ClusterPath, body: Bytes) -> Result<Response, ApiError> {
    let req: BatchDeleteJobsReq = parse_body(&body)?;
    let list = req
        .job_id_list
        .filter(|l| !l.is_empty())
        .ok_or_else(|| bad(text!("job_id_list is required and cannot be empty.", "job_id_list 不能为空。")))?;
    run(&st, move |e| e.delete_jobs(&ids.project, &ids.cluster, &list)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn sql_result(State(st): State<Shared>, ids: JobPath) -> Result<Response, ApiError> {
    let sql_results =
        run(&st, move |e| e.sql_result(&ids.project, &ids.cluster, &ids.job)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(accepted(&SqlResultResponse { sql_results }))
}

/// Sandbox extension for the console: the job log from byte `offset` (follow by passing back
/// `next_offset` until `complete`). Authenticated like every `/v2` call.
pub async fn log(State(st): State<Shared>, ids: JobPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let offset = q.bounded("offset", 0, 0, i64::MAX, V2_INVALID)? as u64;
    let chunk =
        run(&st, move |e| e.read_job_log(&ids.project, &ids.cluster, &ids.job, offset)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &chunk))
}

/// The job's `tracking_url`: its log as plain text. A browser link carries no token, so the URL
/// itself is the credential: it holds a random per-job key (128 bits) that only an authenticated
/// job read reveals. A wrong key answers like a missing job.
pub async fn tracking(State(st): State<Shared>, Path((cluster, job)): Path<(String, String)>, RawQuery(q): RawQuery) -> Response {
    let key = QueryPairs::parse(q).get("key").unwrap_or("").to_string();
    let text = run(&st, move |e| e.tracking_log(&cluster, &job, &key)).await;
    match text {
        Ok(Some(t)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
            t,
        )
            .into_response(),
        Ok(None) => {
            let body = text!("no such job log\n", "没有这个作业日志\n").current().to_string();
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
        }
        Err(e) => engine_error(e, Family::V2).into_response(),
    }
}

pub async fn run_job_flow(State(st): State<Shared>, ProjectPath(project): ProjectPath, body: Bytes) -> Result<Response, ApiError> {
    let req: RunJobFlowReq = parse_body(&body)?;
    let steps = req.steps.ok_or_else(|| bad(required_problem("steps")))?;
    let steps = steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.job_execution.ok_or_else(|| bad(required_problem(&format!("steps[{i}].job_execution")))))
        .collect::<Result<Vec<_>, _>>()?;
    let delete = req.delete_when_no_steps.unwrap_or(false);
    let cluster = req.cluster;
    let cluster_id =
        run(&st, move |e| e.run_job_flow(&project, &cluster, &steps, delete)).await.map_err(|e| engine_error(e, Family::V2))?;
    Ok(json(StatusCode::OK, &CreateClusterResponse { cluster_id }))
}

/// ShowHdfsFileList. `order` defaults to asc, as the SDK documents (the prose docs say desc).
pub async fn files(State(st): State<Shared>, ids: ClusterPath, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = QueryPairs::parse(q);
    let path = q.get("path").ok_or_else(|| bad(required_problem("path")))?.to_string();
    validate_file_list_path(&path).map_err(|p| ApiError::bad(V2_INVALID, p))?;
    let page = q.bounded("offset", 1, 1, MAX_PAGE, V2_INVALID)?;
    let limit = q.bounded("limit", 100, 1, 1000, V2_INVALID)?;
    let key = q.get("sort_key").unwrap_or("path_suffix").to_string();
    if !["path_suffix", "length", "modification_time"].contains(&key.as_str()) {
        return Err(bad(text!(
            "sort_key must be path_suffix, length or modification_time, not '{key}'.",
            "sort_key 须为 path_suffix、length 或 modification_time，不能是“{key}”。"
        )));
    }
    let descending = match q.get("order") {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(o) => return Err(bad(text!("order must be asc or desc, not '{o}'.", "order 须为 asc 或 desc，不能是“{o}”。"))),
    };
    let shown = path.clone();
    let listed =
        run(&st, move |e| e.list_files(&ids.project, &ids.cluster, &path)).await.map_err(|e| engine_error(e, Family::V2))?;
    let Some(mut files) = listed else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, DIR_NOT_FOUND, text!("The directory {shown} does not exist.", "目录 {shown} 不存在。")));

    };
    let by = |f: &FileStatusV2| match key.as_str() {
        "length" => (f.length, f.path_suffix.clone()),
        "modification_time" => (f.modification_time, f.path_suffix.clone()),
        _ => (0, f.path_suffix.clone()),
    };
    files.sort_by_key(by);
    if descending {
        files.reverse();
    }
    let range = page_range(files.len(), limit as usize, page as usize);
    Ok(json(StatusCode::OK, &ListFilesResponse { total_count: files.len() as i64, files: files[range].to_vec() }))
}
