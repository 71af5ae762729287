//! Alibaba Cloud EMR: Serverless Spark (ROA: REST paths under `/api/`, camelCase JSON) and the
//! classic data-development API (RPC: `POST /?Action=…`, parameters as a form, PascalCase answers).
//! Thin: paths, queries and bodies only. The console never holds an AccessKey: every call carries
//! the session's token (`X-Auth-Token`), which the sandbox (or a signing gateway) accepts.
//!
//! Answers are read with the shared types' derived decoders: this module is only in the EMR views'
//! chunks, so their size does not count against the initial load.

use lakedeck_api::emr::{
    CancelJobRunResponse, GetJobRunResponse, JobRun, ListJobRunsResponse, ListLogContentsResponse, ListReleaseVersionsResponse,
    ListWorkspaceQueuesResponse, ListWorkspacesResponse, LogContent, Queue, ReleaseVersion, StartJobRunRequest,
    StartJobRunResponse, Workspace,
};
use lakedeck_api::emr_flow::{
    DataResponse, FlowJob, IdResponse, LauncherLogResponse, ListFlowCategoryResponse, ListFlowClusterResponse,
    ListFlowJobHistoryResponse, ListFlowJobResponse, ListFlowProjectResponse, NodeInstance,
};
use serde::de::DeserializeOwned;

use super::{encode_component as enc, query_string, send_body, ApiClient, ApiError, Method, Service};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

fn read<T: DeserializeOwned>(status: u16, text: &str, request_id: Option<String>) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::decode(status, e.to_string(), request_id))
}

/// `?k=v…` with `regionId` added when the configuration names a region.
fn roa_query(c: &ApiClient, pairs: &[(&str, String)]) -> String {
    let mut all: Vec<(&str, String)> = pairs.to_vec();
    all.push(("regionId", c.config.emr_region.clone()));
    query_string(&all)
}

async fn roa<T: DeserializeOwned>(c: &ApiClient, method: Method, path: &str, body: Option<String>) -> Result<T, ApiError> {
    let body = body.map(|b| (b, JSON));
    let (status, text, request_id) = send_body(c, Service::EmrServerless, method, path, body).await?;
    read(status, &text, request_id)
}

fn workspace_path(ws: &str) -> String {
    format!("/api/v1/workspaces/{}", enc(ws))
}

// ---------------------------------------------------------------------------------------------
// Serverless Spark

/// Every workspace (the first 100, which is as many as an account has).
pub async fn list_workspaces(c: &ApiClient) -> Result<Vec<Workspace>, ApiError> {
    let path = format!("/api/v1/workspaces{}", roa_query(c, &[("maxResults", "100".into())]));
    roa::<ListWorkspacesResponse>(c, Method::Get, &path, None).await.map(|r| r.workspaces)
}

pub async fn list_queues(c: &ApiClient, ws: &str) -> Result<Vec<Queue>, ApiError> {
    let path = format!("{}/queues{}", workspace_path(ws), roa_query(c, &[]));
    roa::<ListWorkspaceQueuesResponse>(c, Method::Get, &path, None).await.map(|r| r.queues)
}

pub async fn list_release_versions(c: &ApiClient, ws: &str) -> Result<Vec<ReleaseVersion>, ApiError> {
    let path = format!("/api/v1/releaseVersions{}", roa_query(c, &[("workspaceId", ws.to_string())]));
    roa::<ListReleaseVersionsResponse>(c, Method::Get, &path, None).await.map(|r| r.release_versions)
}

/// ListJobRuns with a query made by `RunFilters::api_query`.
pub async fn list_job_runs(c: &ApiClient, ws: &str, query: &[(&str, String)]) -> Result<ListJobRunsResponse, ApiError> {
    let path = format!("{}/jobRuns{}", workspace_path(ws), roa_query(c, query));
    roa(c, Method::Get, &path, None).await
}

pub async fn get_job_run(c: &ApiClient, ws: &str, run: &str) -> Result<JobRun, ApiError> {
    let path = format!("{}/jobRuns/{}{}", workspace_path(ws), enc(run), roa_query(c, &[]));
    roa::<GetJobRunResponse>(c, Method::Get, &path, None).await.map(|r| r.job_run)
}

/// StartJobRun; answers the new run's id. `client_token` makes a retried submit start one run.
pub async fn start_job_run(c: &ApiClient, ws: &str, req: &StartJobRunRequest) -> Result<String, ApiError> {
    let path = format!("{}/jobRuns{}", workspace_path(ws), roa_query(c, &[]));
    let body = serde_json::to_string(req).map_err(|e| ApiError::decode(0, e.to_string(), None))?;
    roa::<StartJobRunResponse>(c, Method::Post, &path, Some(body)).await.map(|r| r.job_run_id)
}

/// CancelJobRun (DELETE); answers the service's request id, for the user to quote.
pub async fn cancel_job_run(c: &ApiClient, ws: &str, run: &str) -> Result<CancelJobRunResponse, ApiError> {
    let path = format!("{}/jobRuns/{}{}", workspace_path(ws), enc(run), roa_query(c, &[]));
    roa(c, Method::Delete, &path, None).await
}

/// Lines `offset..offset + length` of a log file the run's `log` names.
pub async fn list_log_contents(c: &ApiClient, ws: &str, file: &str, offset: i64, length: i64) -> Result<LogContent, ApiError> {
    let q = roa_query(c, &[("fileName", file.to_string()), ("offset", offset.to_string()), ("length", length.to_string())]);
    let path = format!("{}/action/listLogContents{q}", workspace_path(ws));
    roa::<ListLogContentsResponse>(c, Method::Get, &path, None).await.map(|r| r.list_log_content)
}

// ---------------------------------------------------------------------------------------------
// Classic EMR (RPC): the Flow jobs

/// One RPC call: `Action`, `Version` and `RegionId` in the query (as the SDK's v1 signing puts
/// them), every other parameter in a form body (long values such as a job's script fit there).
pub async fn rpc<T: DeserializeOwned>(c: &ApiClient, action: &str, params: &[(String, String)]) -> Result<T, ApiError> {
    let path = format!(
        "/{}",
        query_string(&[
            ("Action", action.to_string()),
            ("Version", lakedeck_api::emr_flow::API_VERSION.to_string()),
            ("RegionId", c.config.emr_region.clone()),
        ])
    );
    let form = lakedeck_api::acs::to_form(params);
    let (status, text, request_id) = send_body(c, Service::Emr, Method::Post, &path, Some((form, FORM))).await?;
    read(status, &text, request_id)
}

fn p(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

pub async fn list_projects(c: &ApiClient, page: i64, size: i64) -> Result<ListFlowProjectResponse, ApiError> {
    rpc(c, "ListFlowProject", &[p("PageNumber", page.to_string()), p("PageSize", size.to_string())]).await
}

pub async fn create_project(c: &ApiClient, name: &str, description: &str) -> Result<String, ApiError> {
    rpc::<IdResponse>(c, "CreateFlowProject", &[p("Name", name), p("Description", description)]).await.map(|r| r.id)
}

/// ListFlowJob with parameters made by `FlowJobFilters::api_params`.
pub async fn list_jobs(c: &ApiClient, params: &[(String, String)]) -> Result<ListFlowJobResponse, ApiError> {
    rpc(c, "ListFlowJob", params).await
}

pub async fn describe_job(c: &ApiClient, project: &str, job: &str) -> Result<FlowJob, ApiError> {
    rpc(c, "DescribeFlowJob", &[p("ProjectId", project), p("Id", job)]).await
}

/// CreateFlowJob with parameters made by `FlowJobDraft::to_params`; answers the new job's id.
pub async fn create_job(c: &ApiClient, project: &str, params: &[(String, String)]) -> Result<String, ApiError> {
    let mut all = vec![p("ProjectId", project)];
    all.extend_from_slice(params);
    rpc::<IdResponse>(c, "CreateFlowJob", &all).await.map(|r| r.id)
}

pub async fn modify_job(c: &ApiClient, project: &str, job: &str, params: &[(String, String)]) -> Result<DataResponse, ApiError> {
    let mut all = vec![p("ProjectId", project), p("Id", job)];
    all.extend_from_slice(params);
    rpc(c, "ModifyFlowJob", &all).await
}

pub async fn delete_job(c: &ApiClient, project: &str, job: &str) -> Result<DataResponse, ApiError> {
    rpc(c, "DeleteFlowJob", &[p("ProjectId", project), p("Id", job)]).await
}

pub async fn list_clusters(c: &ApiClient, project: &str) -> Result<ListFlowClusterResponse, ApiError> {
    rpc(c, "ListFlowCluster", &[p("ProjectId", project), p("PageSize", "100")]).await
}

/// The job folders of a project (`Type` JOB).
pub async fn list_categories(c: &ApiClient, project: &str) -> Result<ListFlowCategoryResponse, ApiError> {
    rpc(c, "ListFlowCategory", &[p("ProjectId", project), p("PageSize", "100")]).await
}

/// SubmitFlowJob on `cluster`; `params` (when not empty) overrides the job's Params for this run.
/// Answers the instance id.
pub async fn submit_job(c: &ApiClient, project: &str, job: &str, cluster: &str, params: &str) -> Result<String, ApiError> {
    let mut all = vec![p("ProjectId", project), p("JobId", job), p("ClusterId", cluster)];
    if !params.trim().is_empty() {
        all.push(p("Conf", serde_json::json!({ "params": params }).to_string()));
    }
    rpc::<IdResponse>(c, "SubmitFlowJob", &all).await.map(|r| r.id)
}

pub async fn kill_instance(c: &ApiClient, project: &str, instance: &str) -> Result<DataResponse, ApiError> {
    rpc(c, "KillFlowJob", &[p("ProjectId", project), p("JobInstanceId", instance)]).await
}

/// ListFlowJobHistory with parameters made by `HistoryFilters::api_params`.
pub async fn history(c: &ApiClient, params: &[(String, String)]) -> Result<ListFlowJobHistoryResponse, ApiError> {
    rpc(c, "ListFlowJobHistory", params).await
}

pub async fn describe_instance(c: &ApiClient, project: &str, instance: &str) -> Result<NodeInstance, ApiError> {
    rpc(c, "DescribeFlowNodeInstance", &[p("ProjectId", project), p("Id", instance)]).await
}

/// Launcher log lines from `offset` (at most `length`).
pub async fn launcher_log(c: &ApiClient, project: &str, instance: &str, offset: i64, length: i64) -> Result<LauncherLogResponse, ApiError> {
    rpc(
        c,
        "DescribeFlowNodeInstanceLauncherLog",
        &[p("ProjectId", project), p("NodeInstanceId", instance), p("Offset", offset.to_string()), p("Length", length.to_string())],
    )
    .await
}
