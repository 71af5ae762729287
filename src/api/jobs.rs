//! MRS V2 job and HDFS file operations (API reference §7 and §9), plus the sandbox's log read.
//! Thin: paths, queries and bodies only.

use lakedeck_api::mrs_jobs::{
    BatchDeleteJobsReq, CreateJobResponse, JobExecution, JobLogChunk, JobQueryBean, ListFilesResponse,
    ListJobsResponse, SqlResultResponse, SqlResults, ShowJobResponse,
};

use super::{encode_component as enc, query_string, request, send, ApiClient, ApiError, Method, Service};

/// Query of ShowJobList. Empty strings are not sent; `page` is a page number (the API's `offset`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobsQuery {
    pub job_name: String,
    pub job_id: String,
    pub job_type: String,
    pub job_state: String,
    pub job_result: String,
    /// Epoch milliseconds, inclusive.
    pub submitted_begin: Option<i64>,
    pub submitted_end: Option<i64>,
    pub ascending: bool,
    pub limit: u32,
    pub page: u32,
}

impl JobsQuery {
    pub fn to_query(&self) -> String {
        let time = |t: Option<i64>| t.map(|t| t.to_string()).unwrap_or_default();
        query_string(&[
            ("job_name", self.job_name.trim().to_string()),
            ("job_id", self.job_id.trim().to_string()),
            ("job_type", self.job_type.clone()),
            ("job_state", self.job_state.clone()),
            ("job_result", self.job_result.clone()),
            ("submitted_time_begin", time(self.submitted_begin)),
            ("submitted_time_end", time(self.submitted_end)),
            ("sort_by", if self.ascending { "asc".into() } else { "desc".into() }),
            ("offset", self.page.max(1).to_string()),
            ("limit", self.limit.max(1).to_string()),
        ])
    }
}

fn jobs_path(c: &ApiClient, cluster_id: &str) -> String {
    format!("/v2/{}/clusters/{}/job-executions", enc(c.project_id()), enc(cluster_id))
}

pub async fn list_jobs(c: &ApiClient, cluster_id: &str, q: &JobsQuery) -> Result<ListJobsResponse, ApiError> {
    let path = format!("{}{}", jobs_path(c, cluster_id), q.to_query());
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

pub async fn get_job(c: &ApiClient, cluster_id: &str, job_id: &str) -> Result<JobQueryBean, ApiError> {
    let path = format!("{}/{}", jobs_path(c, cluster_id), enc(job_id));
    request::<ShowJobResponse, ()>(c, Service::Mrs, Method::Get, &path, None).await.map(|r| r.job_detail)
}

/// CreateExecuteJob; answers the new job's id.
pub async fn submit_job(c: &ApiClient, cluster_id: &str, job: &JobExecution) -> Result<String, ApiError> {
    let path = jobs_path(c, cluster_id);
    request::<CreateJobResponse, _>(c, Service::Mrs, Method::Post, &path, Some(job))
        .await
        .map(|r| r.job_submit_result.job_id)
}

/// StopJob: the service answers an empty 202 once the kill is accepted.
pub async fn stop_job(c: &ApiClient, cluster_id: &str, job_id: &str) -> Result<(), ApiError> {
    let path = format!("{}/{}/kill", jobs_path(c, cluster_id), enc(job_id));
    request::<(), ()>(c, Service::Mrs, Method::Post, &path, None).await
}

pub async fn delete_jobs(c: &ApiClient, cluster_id: &str, job_ids: Vec<String>) -> Result<(), ApiError> {
    let path = format!("{}/batch-delete", jobs_path(c, cluster_id));
    let body = BatchDeleteJobsReq { job_id_list: Some(job_ids) };
    request::<(), _>(c, Service::Mrs, Method::Post, &path, Some(&body)).await
}

/// ShowSqlResultWithJob. Read with the typed decoder, not the `Value` readers: a row's columns
/// must keep the query's order, which a `serde_json::Value` object does not.
pub async fn sql_result(c: &ApiClient, cluster_id: &str, job_id: &str) -> Result<SqlResults, ApiError> {
    let path = format!("{}/{}/sql-result", jobs_path(c, cluster_id), enc(job_id));
    let (status, text, request_id) = send(c, Service::Mrs, Method::Get, &path, None).await?;
    serde_json::from_str::<SqlResultResponse>(&text)
        .map(|r| r.sql_results)
        .map_err(|e| ApiError::decode(status, e.to_string(), request_id))
}

/// Sandbox-only: the job's log from byte `offset`.
pub async fn job_log(c: &ApiClient, cluster_id: &str, job_id: &str, offset: u64) -> Result<JobLogChunk, ApiError> {
    let path = format!("{}/{}/log?offset={offset}", jobs_path(c, cluster_id), enc(job_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// Query of ShowHdfsFileList; `page` is a page number (the API's `offset`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilesQuery {
    pub path: String,
    /// `path_suffix`, `length` or `modification_time`.
    pub sort_key: String,
    pub descending: bool,
    pub limit: u32,
    pub page: u32,
}

pub async fn list_files(c: &ApiClient, cluster_id: &str, q: &FilesQuery) -> Result<ListFilesResponse, ApiError> {
    let query = query_string(&[
        ("path", q.path.clone()),
        ("sort_key", q.sort_key.clone()),
        ("order", if q.descending { "desc".into() } else { "asc".into() }),
        ("offset", q.page.max(1).to_string()),
        ("limit", q.limit.max(1).to_string()),
    ]);
    let path = format!("/v2/{}/clusters/{}/files{query}", enc(c.project_id()), enc(cluster_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// One row of a jobs view: the job and the cluster it runs on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobRow {
    pub cluster_id: String,
    pub cluster_name: String,
    pub job: JobQueryBean,
}

/// One page of a jobs view. `note` explains a limit of the view (e.g. paging across clusters).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobsPage {
    pub rows: Vec<JobRow>,
    pub total: i64,
    pub note: Option<JobNote>,
}

/// A limit of a jobs view, worded when shown.
#[derive(Clone, Debug, PartialEq)]
pub enum JobNote {
    /// Across all clusters the list stops after this many jobs.
    MergeLimit(u32),
}

impl JobNote {
    pub fn text(&self) -> String {
        match self {
            JobNote::MergeLimit(n) => crate::t!(jobs.merge_limit, max = *n),
        }
    }
}

