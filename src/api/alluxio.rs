//! The Alluxio coordinator REST API (`endpoints.alluxio`): jobs (`/api/v1/load`, `/free`,
//! `/rebalance`), stale-cache cleaning (`/cache`), the mount table, quota, TTL, priority, cache
//! filter, file index and nodes, plus the sandbox's own calls (`/api/v1/sandbox/…`: the ring,
//! a mount's browser, adding and stopping workers). Thin: paths, queries and bodies only; the
//! session's token goes in `X-Auth-Token` like every other service, and `{"status": …}` error
//! bodies become the error panel's status and message (see `ApiError::from_alluxio_response`).
//!
//! Answers are read with the shared types' derived decoders: this module is only in the Cache
//! views' chunks.

use lakedeck_api::alluxio::{
    BrowseListing, CacheFilterChange, CacheFilterDoc, CacheFilterTest, FileIndexChange, FileIndexCount, FileIndexEntry,
    JobList, JobProgress, JobSelector, JobSubmit, JobSubmitted, MountPoint, PriorityRule, QuotaStatus, RebalanceSubmit,
    RingView, StaleCacheReport, TtlRule, WorkerChange, WorkerNode,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{query_string, send, ApiClient, ApiError, Method, Service};

/// The three job resources, listed together in the Jobs view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    Load,
    Free,
    Rebalance,
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [JobKind::Load, JobKind::Free, JobKind::Rebalance];

    /// The resource name (`/api/v1/<name>`), also the value in the view's URL.
    pub fn resource(self) -> &'static str {
        match self {
            JobKind::Load => "load",
            JobKind::Free => "free",
            JobKind::Rebalance => "rebalance",
        }
    }

    /// From a URL value or a progress object's `type` (`LOAD`, `load`).
    pub fn parse(raw: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.resource().eq_ignore_ascii_case(raw.trim()))
    }
}

fn read<T: DeserializeOwned>(status: u16, text: &str, request_id: Option<String>) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::decode(status, e.to_string(), request_id))
}

async fn call<T: DeserializeOwned>(c: &ApiClient, method: Method, path: &str, body: Option<String>) -> Result<T, ApiError> {
    let (status, text, request_id) = send(c, Service::Alluxio, method, path, body).await?;
    read(status, &text, request_id)
}

fn json(body: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(ApiError::not_built)
}

async fn get<T: DeserializeOwned>(c: &ApiClient, path: &str) -> Result<T, ApiError> {
    call(c, Method::Get, path, None).await
}

async fn post<T: DeserializeOwned>(c: &ApiClient, path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    call(c, Method::Post, path, Some(json(body)?)).await
}

async fn delete<T: DeserializeOwned>(c: &ApiClient, path: &str, body: &impl Serialize) -> Result<T, ApiError> {
    call(c, Method::Delete, path, Some(json(body)?)).await
}

fn path_body(path: &str) -> serde_json::Value {
    serde_json::json!({ "path": path })
}

// ---------------------------------------------------------------------------------------------
// Jobs

/// Jobs asked for per request while paging through a list.
const LIST_PAGE: usize = 2000;
/// Where paging stops even if the coordinator keeps answering (a week of jobs is far fewer).
const LIST_LIMIT: usize = 100_000;

/// Every job of one kind, in submission order: the coordinator answers at most `count` per
/// request, so this follows `lastKey` (the last job's id) until a short page.
pub async fn list_jobs(c: &ApiClient, kind: JobKind) -> Result<Vec<JobProgress>, ApiError> {
    let mut all: Vec<JobProgress> = Vec::new();
    loop {
        let mut q = vec![("count", LIST_PAGE.to_string())];
        if let Some(last) = all.last() {
            q.push(("lastKey", last.id.clone()));
        }
        let page: JobList = get(c, &format!("/api/v1/{}{}", kind.resource(), query_string(&q))).await?;
        let short = page.results.len() < LIST_PAGE;
        // A coordinator that ignored `lastKey` would answer the same page again.
        let repeated = !all.is_empty() && page.results.last().map(|j| &j.id) == all.last().map(|j| &j.id);
        if !repeated {
            all.extend(page.results);
        }
        if short || repeated || all.len() >= LIST_LIMIT {
            return Ok(all);
        }
    }
}

/// One job's progress by id, with the failed files when `file_list`.
pub async fn job(c: &ApiClient, kind: JobKind, id: &str, file_list: bool) -> Result<JobProgress, ApiError> {
    let mut q = vec![("id", id.to_string())];
    if file_list {
        q.push(("fileList", "true".into()));
    }
    get(c, &format!("/api/v1/{}{}", kind.resource(), query_string(&q))).await
}

/// Submits (or resumes, for a stopped or failed job with the same paths) a load or free.
pub async fn submit_job(c: &ApiClient, kind: JobKind, body: &JobSubmit) -> Result<JobSubmitted, ApiError> {
    post(c, &format!("/api/v1/{}", kind.resource()), body).await
}

pub async fn submit_rebalance(c: &ApiClient, body: &RebalanceSubmit) -> Result<JobSubmitted, ApiError> {
    post(c, "/api/v1/rebalance", body).await
}

/// Stops a job by id; answers its progress.
pub async fn stop_job(c: &ApiClient, kind: JobKind, id: &str) -> Result<JobProgress, ApiError> {
    let sel = JobSelector { id: Some(id.to_string()), ..Default::default() };
    delete(c, &format!("/api/v1/{}", kind.resource()), &sel).await
}

/// A stopped or failed job submitted again with what it was submitted with: the coordinator
/// resumes it under the same id.
pub async fn resume_job(c: &ApiClient, kind: JobKind, job: &JobProgress) -> Result<JobSubmitted, ApiError> {
    if kind == JobKind::Rebalance {
        let body = RebalanceSubmit { target: Some(job.target.clone()).filter(|t| !t.is_empty()), options: None };
        return submit_rebalance(c, &body).await;
    }
    let body = JobSubmit {
        index: Some(job.index.clone()).filter(|i| !i.is_empty()),
        paths: (job.index.is_empty()).then(|| job.paths.clone()),
        alias: Some(job.alias.clone()).filter(|a| !a.is_empty()),
        options: None,
    };
    submit_job(c, kind, &body).await
}

// ---------------------------------------------------------------------------------------------
// Stale cache, nodes

/// Starts a stale-cache clean on every online worker.
pub async fn clear_stale_cache(c: &ApiClient) -> Result<StaleCacheReport, ApiError> {
    post(c, "/api/v1/cache", &serde_json::json!({ "opType": "clearStaleCache" })).await
}

/// The last (or running) stale-cache clean.
pub async fn stale_cache_status(c: &ApiClient) -> Result<StaleCacheReport, ApiError> {
    get(c, "/api/v1/cache").await
}

pub async fn list_nodes(c: &ApiClient) -> Result<Vec<WorkerNode>, ApiError> {
    get(c, "/api/v1/nodes").await
}

/// Removes a stopped worker and its page store for good (409 while it is ONLINE).
pub async fn decommission(c: &ApiClient, id: &str) -> Result<serde_json::Value, ApiError> {
    call(c, Method::Delete, &format!("/api/v1/nodes{}", query_string(&[("id", id.to_string())])), None).await
}

// ---------------------------------------------------------------------------------------------
// Namespace and policies

pub async fn list_mounts(c: &ApiClient) -> Result<Vec<MountPoint>, ApiError> {
    get(c, "/api/v1/mount").await
}

pub async fn add_mount(c: &ApiClient, mount: &MountPoint) -> Result<serde_json::Value, ApiError> {
    post(c, "/api/v1/mount", mount).await
}

pub async fn remove_mount(c: &ApiClient, path: &str) -> Result<serde_json::Value, ApiError> {
    delete(c, "/api/v1/mount", &path_body(path)).await
}

pub async fn list_quotas(c: &ApiClient) -> Result<Vec<QuotaStatus>, ApiError> {
    get(c, "/api/v1/quota").await
}

pub async fn set_quota(c: &ApiClient, path: &str, size: &str) -> Result<serde_json::Value, ApiError> {
    post(c, "/api/v1/quota", &serde_json::json!({ "path": path, "size": size })).await
}

pub async fn remove_quota(c: &ApiClient, path: &str) -> Result<serde_json::Value, ApiError> {
    delete(c, "/api/v1/quota", &path_body(path)).await
}

pub async fn list_ttls(c: &ApiClient) -> Result<Vec<TtlRule>, ApiError> {
    get(c, "/api/v1/ttl").await
}

pub async fn set_ttl(c: &ApiClient, rule: &TtlRule) -> Result<serde_json::Value, ApiError> {
    post(c, "/api/v1/ttl", rule).await
}

pub async fn remove_ttl(c: &ApiClient, path: &str) -> Result<serde_json::Value, ApiError> {
    delete(c, "/api/v1/ttl", &path_body(path)).await
}

pub async fn list_priorities(c: &ApiClient) -> Result<Vec<PriorityRule>, ApiError> {
    get(c, "/api/v1/priority").await
}

pub async fn set_priority(c: &ApiClient, rule: &PriorityRule) -> Result<serde_json::Value, ApiError> {
    post(c, "/api/v1/priority", rule).await
}

pub async fn remove_priority(c: &ApiClient, path: &str) -> Result<serde_json::Value, ApiError> {
    delete(c, "/api/v1/priority", &path_body(path)).await
}

pub async fn cache_filter(c: &ApiClient) -> Result<CacheFilterDoc, ApiError> {
    get(c, "/api/v1/cache-filter").await
}

/// Which rule applies to a path (the sandbox's `?path=`).
pub async fn test_cache_filter(c: &ApiClient, path: &str) -> Result<CacheFilterTest, ApiError> {
    get(c, &format!("/api/v1/cache-filter{}", query_string(&[("path", path.to_string())]))).await
}

pub async fn change_cache_filter(c: &ApiClient, change: &CacheFilterChange) -> Result<serde_json::Value, ApiError> {
    post(c, "/api/v1/cache-filter", change).await
}

pub async fn remove_cache_filter(c: &ApiClient, change: &CacheFilterChange) -> Result<serde_json::Value, ApiError> {
    delete(c, "/api/v1/cache-filter", change).await
}

pub async fn list_file_indexes(c: &ApiClient) -> Result<Vec<FileIndexEntry>, ApiError> {
    get(c, "/api/v1/file_index").await
}

pub async fn add_file_index(c: &ApiClient, change: &FileIndexChange) -> Result<FileIndexCount, ApiError> {
    post(c, "/api/v1/file_index", change).await
}

pub async fn remove_file_index(c: &ApiClient, path: &str) -> Result<FileIndexCount, ApiError> {
    delete(c, "/api/v1/file_index", &path_body(path)).await
}

// ---------------------------------------------------------------------------------------------
// Sandbox only

/// How the hash space is split (the virtual-node count is what the console needs to draw it).
pub async fn ring(c: &ApiClient) -> Result<RingView, ApiError> {
    get(c, &format!("/api/v1/sandbox/ring{}", query_string(&[("bins", "1".into())]))).await
}

/// A mount directory's entries with their UFS length and cached bytes.
pub async fn browse(c: &ApiClient, path: &str) -> Result<BrowseListing, ApiError> {
    get(c, &format!("/api/v1/sandbox/browse{}", query_string(&[("path", path.to_string())]))).await
}

pub async fn add_worker(c: &ApiClient) -> Result<WorkerNode, ApiError> {
    post(c, "/api/v1/sandbox/workers", &WorkerChange::default()).await
}

/// Stops (`start = false`) or starts a worker: it leaves or rejoins the ring.
pub async fn set_worker_online(c: &ApiClient, id: &str, start: bool) -> Result<WorkerNode, ApiError> {
    let path = if start { "/api/v1/sandbox/workers/start" } else { "/api/v1/sandbox/workers/stop" };
    post(c, path, &WorkerChange { id: Some(id.to_string()), capacity: None }).await
}
