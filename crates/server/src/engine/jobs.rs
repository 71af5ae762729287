//! V2 jobs: records in SQLite (`jobs`), a scheduler that walks them through YARN's states, and
//! executors that really do the work: SQL on DataFusion, DistCp over the sandbox file systems,
//! and external programs (`spark-submit`, `hadoop`, `flink`) when they are on the PATH.
//!
//! Scheduling: a job spends half a lifecycle step in each of NEW, NEW_SAVING and SUBMITTED, then
//! waits in ACCEPTED for a slot. A cluster has one slot per Core and Task node (at least one), so
//! a bigger cluster runs more jobs at once and scaling out drains the queue. The scheduler runs on
//! every lifecycle tick ([`Engine::pump`]).
//!
//! Ownership of a running job's end: the job is in the in-memory `running` map while it runs.
//! Whoever removes it from the map (the executor finishing, a kill, the cluster going away) writes
//! the final state, always inside a store transaction, so a kill and a finish never both land.
//!
//! Restart: work in flight is lost with the process, so at start every unfinished job becomes
//! FAILED with a message saying so ([`Engine::recover_jobs`]); records are never lost.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use lakedeck_api::mrs::{ClusterState, CreateClusterReq};
use lakedeck_api::mrs_jobs::{
    self as wire, is_final_state, java_list, java_map, JobExecution, JobLogChunk, JobQueryBean, JobType, SqlResults,
};
use lakedeck_api::rules;
use lakedeck_api::sqltext::split_statements;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::lifecycle::{self, Op, OpKind};
use super::nodes::Node;
use super::store::{self, ClusterRow};
use super::process::{self, find_on_path, kill_group, tee};
use super::{autoscaler, hdfs, sql, warehouse, Engine, EngineError};
use crate::lang::Text;
use crate::{text, util};

/// The IAM user jobs are reported as (the sandbox has one identity).
pub const USER: &str = "sandbox";
pub const ACTIVE_STATES: [&str; 5] = ["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING"];
/// How long a SQL job waits for its cluster's warehouse to be seeded before failing.
const WAREHOUSE_WAIT: Duration = Duration::from_secs(120);
/// Largest slice of a log returned by one read.
const LOG_CHUNK: u64 = 256 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobRecord {
    pub job_id: String,
    pub project_id: String,
    pub cluster_id: String,
    /// Per-cluster submission number (application ids and a stable order within one millisecond).
    pub seq: i64,
    pub user: String,
    pub job_name: String,
    /// As submitted: SparkPython stays SparkPython here and is listed as SparkSubmit.
    pub job_type: String,
    pub job_state: String,
    pub job_result: String,
    pub job_progress: f64,
    pub arguments: Vec<String>,
    pub properties: BTreeMap<String, String>,
    pub submitted_time: i64,
    pub started_time: i64,
    pub finished_time: i64,
    pub launcher_id: String,
    pub app_id: String,
    pub queue: String,
    /// Unguessable key that authorises the tracking URL (a browser link carries no token).
    pub log_key: String,
    /// Why the job ended the way it did (also in its log), in English and Chinese.
    pub message: String,
    pub message_zh: String,
    /// When NEW, NEW_SAVING or SUBMITTED move on.
    pub state_deadline_ms: i64,
    /// The Core/Task node a running job occupies (`resource_id`; empty on a cluster without
    /// Core/Task nodes, which runs one job at a time).
    pub node: String,
    pub node_name: String,
}

impl JobRecord {
    pub fn kind(&self) -> Option<JobType> {
        JobType::parse(&self.job_type)
    }

    pub fn listed_type(&self) -> String {
        self.kind().map(|k| k.listed().as_str().to_string()).unwrap_or_else(|| self.job_type.clone())
    }

    pub fn tracking_path(&self) -> String {
        format!("/sandbox/clusters/{}/jobs/{}/log?key={}", self.cluster_id, self.job_id, self.log_key)
    }

    /// The wire record. `base_url` (`http://host:port`) makes the tracking URL absolute.
    pub fn bean(&self, base_url: &str, now_ms: i64) -> JobQueryBean {
        let elapsed = match (self.started_time, self.finished_time) {
            (0, _) => 0,
            (s, 0) => now_ms - s,
            (s, f) => f - s,
        };
        JobQueryBean {
            job_id: self.job_id.clone(),
            user: self.user.clone(),
            job_name: self.job_name.clone(),
            job_result: self.job_result.clone(),
            job_state: self.job_state.clone(),
            job_progress: self.job_progress,
            job_type: self.listed_type(),
            started_time: self.started_time,
            submitted_time: self.submitted_time,
            finished_time: self.finished_time,
            elapsed_time: elapsed.max(0),
            arguments: java_list(&self.arguments),
            launcher_id: self.launcher_id.clone(),
            properties: java_map(&self.properties),
            app_id: self.app_id.clone(),
            tracking_url: format!("{base_url}{}", self.tracking_path()),
            queue: self.queue.clone(),
        }
    }

    fn end(&mut self, state: &str, result: &str, message: impl Into<Text>, now_ms: i64) {
        let message = message.into();
        self.job_state = state.into();
        self.job_result = result.into();
        self.message = message.en.into_owned();
        self.message_zh = message.zh.into_owned();
        self.finished_time = now_ms;
        if state == "FINISHED" {
            self.job_progress = 100.0;
        }
    }
}

/// ShowJobList's filters, already validated.
#[derive(Default)]
pub struct JobFilter {
    /// Case-insensitive substring.
    pub job_name: Option<String>,
    pub job_id: Option<String>,
    pub user: Option<String>,
    /// Compared with the listed type (SparkPython is searched as SparkSubmit).
    pub job_type: Option<String>,
    pub job_state: Option<String>,
    pub job_result: Option<String>,
    pub queue: Option<String>,
    pub submitted_begin: Option<i64>,
    pub submitted_end: Option<i64>,
    pub ascending: bool,
}

#[cfg(test)]
impl JobFilter {
    /// The reference semantics `list_page` implements in SQL.
    fn matches(&self, j: &JobRecord) -> bool {
        let eq = |f: &Option<String>, v: &str| f.as_deref().is_none_or(|f| f == v);
        self.job_name.as_deref().is_none_or(|n| j.job_name.to_lowercase().contains(&n.to_lowercase()))
            && eq(&self.job_id, &j.job_id)
            && eq(&self.user, &j.user)
            && eq(&self.job_type, &j.listed_type())
            && eq(&self.job_state, &j.job_state)
            && eq(&self.job_result, &j.job_result)
            && eq(&self.queue, &j.queue)
            && self.submitted_begin.is_none_or(|b| j.submitted_time >= b)
            && self.submitted_end.is_none_or(|e| j.submitted_time <= e)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Flow {
    project_id: String,
    cluster_id: String,
    steps: Vec<JobExecution>,
    delete_when_no_steps: bool,
    /// Index of the next step to submit.
    next: usize,
    /// The step job running now.
    current: Option<String>,
}

/// A job whose work is under way.
struct Running {
    cancel: Arc<AtomicBool>,
    abort: Option<tokio::task::AbortHandle>,
    /// Process group of an external program.
    pgid: Option<i32>,
}

impl Running {
    fn stop(self) {
        self.cancel.store(true, Ordering::SeqCst);
        if let Some(a) = self.abort {
            a.abort();
        }
        if let Some(pgid) = self.pgid {
            kill_group(pgid);
        }
    }
}

/// In-memory side of the job engine.
#[derive(Default)]
pub struct JobRuntime {
    /// A runtime of its own, so CPU-heavy queries cannot starve the HTTP server's workers.
    handle: OnceLock<tokio::runtime::Handle>,
    running: Mutex<HashMap<String, Running>>,
    seeding: warehouse::Seeding,
    seeded: Mutex<HashSet<String>>,
    /// Clusters whose seeding failed: not retried until the next start (the error is logged once).
    seed_failed: Mutex<HashSet<String>>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Storage

fn decode(data: &str) -> Option<JobRecord> {
    serde_json::from_str(data).map_err(|e| eprintln!("warning: skipping an unreadable job record: {e}")).ok()
}

/// The job-list columns of a record (store.rs): seq, listed type, result, user, queue, lowercased name.
type Derived = (i64, String, String, String, String, String);

fn derived(j: &JobRecord) -> Derived {
    (j.seq, j.listed_type(), j.job_result.clone(), j.user.clone(), j.queue.clone(), j.job_name.to_lowercase())
}

pub(super) fn insert_job(conn: &Connection, j: &JobRecord) -> Result<(), EngineError> {
    let data = serde_json::to_string(j).map_err(|e| EngineError::Internal(e.to_string()))?;
    let (seq, ty, result, user, queue, name) = derived(j);
    conn.execute(
        "INSERT INTO jobs (job_id, project_id, cluster_id, state, submitted_ms, data, seq, job_type, result, user, queue, name_lower, listed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)",
        params![j.job_id, j.project_id, j.cluster_id, j.job_state, j.submitted_time, data, seq, ty, result, user, queue, name],
    )?;
    Ok(())
}

pub(super) fn save_job(conn: &Connection, j: &JobRecord) -> Result<(), EngineError> {
    let data = serde_json::to_string(j).map_err(|e| EngineError::Internal(e.to_string()))?;
    let (seq, ty, result, user, queue, name) = derived(j);
    conn.execute(
        "UPDATE jobs SET state = ?2, data = ?3, seq = ?4, job_type = ?5, result = ?6, user = ?7, queue = ?8, name_lower = ?9,
         listed = 1 WHERE job_id = ?1",
        params![j.job_id, j.job_state, data, seq, ty, result, user, queue, name],
    )?;
    Ok(())
}

/// Whether some row still lacks its job-list columns (inserted by another tool or an older version).
fn any_underived(conn: &Connection) -> Result<bool, EngineError> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM jobs WHERE listed IS NULL)", [], |r| r.get(0))?)
}

/// Fills the job-list columns of rows that lack them; a row that does not decode is marked
/// unreadable (`listed = 0`) and stays out of lists, as it always has.
fn derive_pending(conn: &Connection) -> Result<usize, EngineError> {
    let mut stmt = conn.prepare("SELECT rowid, data FROM jobs WHERE listed IS NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    let mut set = conn.prepare(
        "UPDATE jobs SET seq = ?2, job_type = ?3, result = ?4, user = ?5, queue = ?6, name_lower = ?7, listed = 1 WHERE rowid = ?1",
    )?;
    for (rowid, data) in &rows {
        match decode(data) {
            Some(j) => {
                let (seq, ty, result, user, queue, name) = derived(&j);
                set.execute(params![rowid, seq, ty, result, user, queue, name])?;
            }
            None => {
                conn.execute("UPDATE jobs SET listed = 0 WHERE rowid = ?1", [rowid])?;
            }
        }
    }
    Ok(rows.len())
}

/// One ShowJobList page: the total that match (paging aside) and the page's records.
fn list_page(
    conn: &Connection,
    project: &str,
    cluster: &str,
    filter: &JobFilter,
    limit: i64,
    page: i64,
) -> Result<(i64, Vec<JobRecord>), EngineError> {
    use rusqlite::types::Value;
    // INDEXED BY: the covering list indexes (store.rs) answer counts and pages without reading
    // the JSON, in list order; left to itself the planner may pick a narrower index and then read
    // every row. A job type is the narrower of the two equality filters that have an index of
    // their own. A job id names at most one row: the primary key finds it.
    let index = if filter.job_id.is_some() {
        ""
    } else if filter.job_type.is_some() {
        " INDEXED BY jobs_list_by_type"
    } else if filter.job_state.is_some() {
        " INDEXED BY jobs_list_by_state"
    } else {
        " INDEXED BY jobs_list"
    };
    let mut sql = String::from("WHERE project_id = ? AND cluster_id = ? AND listed = 1");
    let mut args: Vec<Value> = vec![project.to_string().into(), cluster.to_string().into()];
    let text = [
        ("job_id", &filter.job_id),
        ("user", &filter.user),
        ("job_type", &filter.job_type),
        ("state", &filter.job_state),
        ("result", &filter.job_result),
        ("queue", &filter.queue),
    ];
    for (column, value) in text {
        if let Some(v) = value {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(v.clone().into());
        }
    }
    if let Some(b) = filter.submitted_begin {
        sql.push_str(" AND submitted_ms >= ?");
        args.push(b.into());
    }
    if let Some(e) = filter.submitted_end {
        sql.push_str(" AND submitted_ms <= ?");
        args.push(e.into());
    }
    // `name_lower` is the name lowercased by Rust, so this is exactly a case-insensitive
    // substring test (an empty needle matches everything).
    if let Some(n) = filter.job_name.as_deref().filter(|n| !n.is_empty()) {
        sql.push_str(" AND instr(name_lower, ?) > 0");
        args.push(n.to_lowercase().into());
    }
    let only_time = [&filter.job_id, &filter.user, &filter.job_type, &filter.job_state, &filter.job_result, &filter.queue]
        .iter()
        .all(|f| f.is_none())
        && filter.job_name.as_deref().is_none_or(str::is_empty);
    let count_index = if only_time { " INDEXED BY jobs_count" } else { index };
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM jobs{count_index} {sql}"), rusqlite::params_from_iter(&args), |r| r.get(0))?;
    let skip = (page.max(1) - 1).saturating_mul(limit.max(1));
    if skip >= total {
        return Ok((total, Vec::new()));
    }
    let end = skip.saturating_add(limit.max(1)).min(total);
    // Oldest first is (submitted, seq); newest first is its reverse. A page past the middle is
    // read from the other end, so the last page costs what the first does.
    let from_end = skip > total - end;
    let dir = if filter.ascending != from_end { "ASC" } else { "DESC" };
    let offset = if from_end { total - end } else { skip };
    let mut stmt = conn.prepare(&format!("SELECT data FROM jobs{index} {sql} ORDER BY submitted_ms {dir}, seq {dir} LIMIT ? OFFSET ?"))?;
    args.push((end - skip).into());
    args.push(offset.into());
    let mut rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    if from_end {
        rows.reverse();
    }
    Ok((total, rows.iter().filter_map(|d| decode(d)).collect()))
}

pub(super) fn job_by_id(conn: &Connection, job_id: &str) -> Result<Option<JobRecord>, EngineError> {
    let data: Option<String> = conn.query_row("SELECT data FROM jobs WHERE job_id = ?1", [job_id], |r| r.get(0)).optional()?;
    Ok(data.as_deref().and_then(decode))
}

fn cluster_jobs(conn: &Connection, project: &str, cluster: &str) -> Result<Vec<JobRecord>, EngineError> {
    let mut stmt = conn.prepare("SELECT data FROM jobs WHERE project_id = ?1 AND cluster_id = ?2")?;
    let rows = stmt.query_map([project, cluster], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.iter().filter_map(|d| decode(d)).collect())
}

pub(super) fn active_jobs(conn: &Connection) -> Result<Vec<JobRecord>, EngineError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT data FROM jobs WHERE state IN ({})",
        ACTIVE_STATES.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
    ))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.iter().filter_map(|d| decode(d)).collect())
}

fn open_flows(conn: &Connection) -> Result<Vec<Flow>, EngineError> {
    let mut stmt = conn.prepare("SELECT data FROM job_flows WHERE done = 0")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.iter().filter_map(|d| serde_json::from_str(d).ok()).collect())
}

fn save_flow(conn: &Connection, f: &Flow, done: bool) -> Result<(), EngineError> {
    let data = serde_json::to_string(f).map_err(|e| EngineError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO job_flows (cluster_id, project_id, done, data) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(cluster_id) DO UPDATE SET done = ?3, data = ?4",
        params![f.cluster_id, f.project_id, done as i64, data],
    )?;
    Ok(())
}

fn job_not_found(id: &str) -> EngineError {
    EngineError::invalid(wire::JOB_NOT_FOUND, text!("The job {id} does not exist in this cluster.", "此集群中不存在作业 {id}。"))
}

/// Clusters that accept and run jobs (scaling does not stop YARN).
pub(super) fn runs_jobs(state: ClusterState) -> bool {
    matches!(state, ClusterState::Running | ClusterState::ScalingOut | ClusterState::ScalingIn)
}

pub(super) fn load_cluster(conn: &Connection, project: &str, id: &str) -> Result<ClusterRow, EngineError> {
    store::cluster(conn, project, id)?.ok_or_else(|| EngineError::NotFound(text!("The cluster {id} does not exist.", "集群 {id} 不存在。")))
}

// ---------------------------------------------------------------------------------------------
// Job logs

/// `DATA_DIR/jobs/<job_id>/`: `job.log` (sandbox messages and program output, interleaved as
/// they happened), `stdout.log`/`stderr.log` of programs, `sql-results.json`.
struct JobLog {
    dir: PathBuf,
}

impl JobLog {
    fn path(&self) -> PathBuf {
        self.dir.join("job.log")
    }

    fn append(&self, message: &str) {
        let _ = std::fs::create_dir_all(&self.dir);
        let line = format!("{} {message}\n", util::iso_utc(util::now_ms()));
        let file = std::fs::OpenOptions::new().create(true).append(true).open(self.path());
        if let Ok(mut f) = file {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// API operations

impl Engine {
    pub fn job_dir(&self, job_id: &str) -> PathBuf {
        // Ids are the sandbox's own UUIDs; anything else must not become a path segment.
        let safe = !job_id.is_empty() && job_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        self.data_dir.join("jobs").join(if safe { job_id } else { "invalid-job-id" })
    }

    fn job_log(&self, job_id: &str) -> JobLog {
        JobLog { dir: self.job_dir(job_id) }
    }

    pub(super) fn jobs_handle(&self) -> tokio::runtime::Handle {
        self.jobs
            .handle
            .get_or_init(|| {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("lakedeck-jobs")
                    .enable_all()
                    .build()
                    .expect("cannot start the job runtime");
                // The runtime lives as long as the process: dropping a runtime from inside
                // another one panics, and the server never shuts the engine down before exit.
                let handle = rt.handle().clone();
                std::mem::forget(rt);
                handle
            })
            .clone()
    }

    /// Checks and stores a new job (state NEW). Used by CreateExecuteJob and RunJobFlow steps.
    fn insert_new_job(
        &self,
        conn: &Connection,
        row: &ClusterRow,
        req: &JobExecution,
        now: i64,
    ) -> Result<String, EngineError> {
        let cluster = &row.cluster;
        let jobs = cluster_jobs(conn, &row.project_id, &cluster.cluster_id)?;
        if jobs.iter().filter(|j| !is_final_state(&j.job_state)).count() >= wire::MAX_ACTIVE_JOBS {
            return Err(EngineError::invalid(
                wire::TOO_MANY_JOBS,
                {
                    let max = wire::MAX_ACTIVE_JOBS;
                    text!(
                        "The cluster already has {max} jobs that have not finished; wait for one to end.",
                        "集群已有 {max} 个未结束的作业，请等待其中一个结束。"
                    )
                },
            ));
        }
        let seq_key = format!("jobseq:{}", cluster.cluster_id);
        let seq = store::meta(conn, &seq_key)?.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0) + 1;
        store::set_meta(conn, &seq_key, &seq.to_string())?;
        let properties = req.properties.clone().unwrap_or_default();
        let queue = ["spark.yarn.queue", "mapreduce.job.queuename", "queue"]
            .iter()
            .find_map(|k| properties.get(*k).filter(|v| !v.is_empty()).cloned())
            .unwrap_or_else(|| "default".into());
        let job = JobRecord {
            job_id: util::uuid_v4(),
            project_id: row.project_id.clone(),
            cluster_id: cluster.cluster_id.clone(),
            seq,
            user: USER.into(),
            job_name: req.job_name.clone().unwrap_or_default(),
            job_type: req.job_type.clone().unwrap_or_default(),
            job_state: "NEW".into(),
            job_result: "UNDEFINED".into(),
            job_progress: 0.0,
            arguments: req.arguments.clone().unwrap_or_default(),
            properties,
            submitted_time: now,
            launcher_id: format!("application_{}_{:04}", cluster.created_unix() * 1000, seq * 2 - 1),
            queue,
            log_key: util::hex(&util::random_bytes::<16>()),
            state_deadline_ms: now + self.state_step_ms(),
            ..Default::default()
        };
        insert_job(conn, &job)?;
        let log = self.job_log(&job.job_id);
        log.append(&format!(
            "Job {} ({}, {}) submitted to cluster {} by {USER}, queue {}.",
            job.job_id, job.job_name, job.job_type, cluster.cluster_name, job.queue
        ));
        Ok(job.job_id)
    }

    fn state_step_ms(&self) -> i64 {
        (self.step_ms() as i64 / 2).max(1)
    }

    pub fn create_job(&self, project: &str, cluster_id: &str, req: &JobExecution) -> Result<String, EngineError> {
        self.store.tx(|conn| {
            let row = load_cluster(conn, project, cluster_id)?;
            let state = row.cluster.cluster_state;
            if !runs_jobs(state) {
                let state = state.as_str();
                return Err(EngineError::invalid(
                    wire::CLUSTER_NOT_RUNNING,
                    text!(
                        "Jobs cannot be submitted to a cluster in state {state}; the cluster must be running.",
                        "不能向状态为 {state} 的集群提交作业，集群须处于运行中。"
                    ),
                ));
            }
            if let Some(fe) = wire::validate_job(req).into_iter().next() {
                return Err(EngineError::invalid(fe.code, Text::at_field(&fe.field, &fe.problem)));
            }
            self.insert_new_job(conn, &row, req, util::now_ms())
        })
    }

    /// ShowJobList: page `page` (1-based) of `limit` records, and how many match in all.
    pub fn list_jobs(
        &self,
        project: &str,
        cluster_id: &str,
        filter: &JobFilter,
        limit: i64,
        page: i64,
    ) -> Result<(i64, Vec<JobRecord>), EngineError> {
        let underived = self.store.read(|conn| {
            load_cluster(conn, project, cluster_id)?;
            any_underived(conn)
        })?;
        if underived {
            self.store.tx(derive_pending)?;
        }
        self.store.read(|conn| {
            load_cluster(conn, project, cluster_id)?;
            list_page(conn, project, cluster_id, filter, limit, page)
        })
    }

    pub fn job(&self, project: &str, cluster_id: &str, job_id: &str) -> Result<JobRecord, EngineError> {
        self.store.read(|conn| {
            load_cluster(conn, project, cluster_id)?;
            job_by_id(conn, job_id)?
                .filter(|j| j.project_id == project && j.cluster_id == cluster_id)
                .ok_or_else(|| job_not_found(job_id))
        })
    }

    /// StopJob: a job that has not started yet is simply marked KILLED; running work is cancelled
    /// (DataFusion task aborted, process group killed) before the answer goes out.
    pub fn kill_job(&self, project: &str, cluster_id: &str, job_id: &str) -> Result<(), EngineError> {
        let state = self.store.tx(|conn| {
            load_cluster(conn, project, cluster_id)?;
            let mut job = job_by_id(conn, job_id)?
                .filter(|j| j.project_id == project && j.cluster_id == cluster_id)
                .ok_or_else(|| job_not_found(job_id))?;
            if is_final_state(&job.job_state) {
                let state = &job.job_state;
                return Err(EngineError::invalid(
                    wire::KILL_FAILED,
                    text!(
                        "The job has already ended ({state}); only a job that has not ended can be stopped.",
                        "作业已结束（{state}），只能停止尚未结束的作业。"
                    ),
                ));
            }
            if let Some(r) = lock(&self.jobs.running).remove(job_id) {
                r.stop();
            }
            let was = job.job_state.clone();
            job.end("KILLED", "KILLED", text!("Killed at the user's request.", "已按用户请求终止。"), util::now_ms());
            save_job(conn, &job)?;
            Ok(was)
        })?;
        self.job_log(job_id).append(&format!("Job killed at the user's request (it was {state})."));
        Ok(())
    }

    /// BatchDeleteJobs. All or nothing: a job that has not ended is refused (0183) rather than
    /// killed behind the caller's back, and so is an unknown id (0176).
    pub fn delete_jobs(&self, project: &str, cluster_id: &str, ids: &[String]) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            load_cluster(conn, project, cluster_id)?;
            for id in ids {
                let job = job_by_id(conn, id)?
                    .filter(|j| j.project_id == project && j.cluster_id == cluster_id)
                    .ok_or_else(|| job_not_found(id))?;
                if !is_final_state(&job.job_state) {
                    let state = &job.job_state;
                    return Err(EngineError::invalid(
                        wire::JOB_RUNNING,
                        text!("The job {id} is {state}; stop it before deleting it.", "作业 {id} 的状态为 {state}，请先停止再删除。"),
                    ));
                }
            }
            for id in ids {
                conn.execute("DELETE FROM jobs WHERE job_id = ?1", [id])?;
            }
            Ok(())
        })?;
        for id in ids {
            let _ = std::fs::remove_dir_all(self.job_dir(id));
        }
        Ok(())
    }

    pub fn sql_result(&self, project: &str, cluster_id: &str, job_id: &str) -> Result<SqlResults, EngineError> {
        let job = self.job(project, cluster_id, job_id)?;
        if !job.kind().is_some_and(JobType::has_sql_result) {
            let kind = job.listed_type();
            return Err(EngineError::invalid(
                wire::NOT_SQL_JOB,
                text!(
                    "The job is a {kind} job; only SparkSql and SparkScript jobs have SQL results.",
                    "该作业为 {kind} 作业，只有 SparkSql 和 SparkScript 作业有 SQL 结果。"
                ),
            ));
        }
        let path = self.job_dir(job_id).join("sql-results.json");
        let results: Option<SqlResults> =
            std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok());
        match results {
            Some(r) if !r.0.is_empty() => Ok(r),
            _ => {
                let state = &job.job_state;
                let (en, zh) = if job.message.is_empty() {
                    (String::new(), String::new())
                } else {
                    let zh = if job.message_zh.is_empty() { &job.message } else { &job.message_zh };
                    (format!(": {}", job.message), format!("：{zh}"))
                };
                Err(EngineError::invalid(
                    wire::SQL_RESULT_EMPTY,
                    text!("The job has no SQL result (it is {state}{en}).", "该作业没有 SQL 结果（状态为 {state}{zh}）。"),
                ))
            }
        }
    }

    /// A slice of the job's log from byte `offset`, cut at a character boundary.
    pub fn read_job_log(&self, project: &str, cluster_id: &str, job_id: &str, offset: u64) -> Result<JobLogChunk, EngineError> {
        let job = self.job(project, cluster_id, job_id)?;
        let (content, next, size) = read_log_slice(&self.job_log(job_id).path(), offset);
        Ok(JobLogChunk {
            job_id: job_id.to_string(),
            offset,
            next_offset: next,
            complete: is_final_state(&job.job_state) && next >= size,
            content,
        })
    }

    /// The tracking page's text, when `key` is the job's key.
    pub fn tracking_log(&self, cluster_id: &str, job_id: &str, key: &str) -> Result<Option<String>, EngineError> {
        let job = self.store.read(|conn| job_by_id(conn, job_id))?;
        let Some(job) = job.filter(|j| j.cluster_id == cluster_id) else { return Ok(None) };
        if key.is_empty() || !lakedeck_api::sign::constant_time_eq(key, &job.log_key) {
            return Ok(None);
        }
        let log = std::fs::read_to_string(self.job_log(job_id).path()).unwrap_or_default();
        let header = format!(
            "Job {} ({}, {}) on cluster {}\nState: {} / {}, progress {:.0}%\n{}\n\n",
            job.job_id,
            job.job_name,
            job.listed_type(),
            job.cluster_id,
            job.job_state,
            job.job_result,
            job.job_progress,
            if job.message.is_empty() { String::new() } else { format!("Message: {}", job.message) }
        );
        Ok(Some(header + &log))
    }

    /// ShowHdfsFileList: the entries of `path` on the cluster's HDFS, `None` when it does not exist.
    pub fn list_files(&self, project: &str, cluster_id: &str, path: &str) -> Result<Option<Vec<wire::FileStatusV2>>, EngineError> {
        let row = self.store.read(|conn| load_cluster(conn, project, cluster_id))?;
        if row.cluster.cluster_state == ClusterState::Terminated {
            return Ok(None);
        }
        // Every live cluster has at least an empty root, even before its warehouse is seeded.
        let _ = std::fs::create_dir_all(hdfs::hdfs_root(&self.data_dir, cluster_id));
        hdfs::list(&self.data_dir, cluster_id, path).map_err(|m| EngineError::invalid(rules::INVALID_PARAM, m))
    }

    /// RunJobFlow: validates the steps first (a bad step creates nothing), then creates the
    /// cluster; the steps run one after another once it is running.
    pub fn run_job_flow(&self, project: &str, cluster: &CreateClusterReq, steps: &[JobExecution], delete: bool) -> Result<String, EngineError> {
        if cluster.charge_info.as_ref().is_some_and(|c| c.charge_mode == "prePaid") {
            return Err(EngineError::invalid(
                rules::INVALID_PARAM,
                text!(
                    "charge_info.charge_mode: prePaid is not supported by run-job-flow.",
                    "charge_info.charge_mode: run-job-flow 不支持包年/包月（prePaid）。"
                ),
            ));
        }
        for (i, step) in steps.iter().enumerate() {
            if let Some(fe) = wire::validate_job(step).into_iter().next() {
                return Err(EngineError::invalid(fe.code, Text::at_field(&format!("steps[{i}].job_execution.{}", fe.field), &fe.problem)));
            }
        }
        let cluster_id = self.create_cluster(project, cluster)?;
        let flow = Flow {
            project_id: project.into(),
            cluster_id: cluster_id.clone(),
            steps: steps.to_vec(),
            delete_when_no_steps: delete,
            next: 0,
            current: None,
        };
        self.store.tx(|conn| save_flow(conn, &flow, false))?;
        Ok(cluster_id)
    }

    /// Called once at start, before the scheduler: work that was in flight died with the old process.
    pub fn recover_jobs(&self) -> Result<usize, EngineError> {
        // Rows another tool or an older version wrote get their job-list columns now, not on
        // the first list.
        self.store.tx(derive_pending)?;
        let now = util::now_ms();
        let recovered = self.store.tx(|conn| {
            let mut ids = Vec::new();
            for mut job in active_jobs(conn)? {
                let was = job.job_state.clone();
                job.end(
                    "FAILED",
                    "FAILED",
                    text!(
                        "The sandbox restarted while this job was {was}; its work was lost. Submit it again.",
                        "作业处于 {was} 状态时沙箱重启，其工作已丢失，请重新提交。"
                    ),
                    now,
                );
                save_job(conn, &job)?;
                ids.push((job.job_id, job.message));
            }
            Ok(ids)
        })?;
        for (id, message) in &recovered {
            self.job_log(id).append(message);
        }
        Ok(recovered.len())
    }
}

fn read_log_slice(path: &Path, offset: u64) -> (String, u64, u64) {
    let Ok(mut f) = std::fs::File::open(path) else { return (String::new(), offset, 0) };
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    if offset >= size || f.seek(SeekFrom::Start(offset)).is_err() {
        return (String::new(), offset.min(size), size);
    }
    let mut buf = Vec::new();
    let _ = f.take(LOG_CHUNK).read_to_end(&mut buf);
    let text = match std::str::from_utf8(&buf) {
        Ok(t) => t.to_string(),
        // A character cut by the chunk limit is left for the next read.
        Err(e) if e.error_len().is_none() => {
            buf.truncate(e.valid_up_to());
            String::from_utf8_lossy(&buf).into_owned()
        }
        Err(_) => String::from_utf8_lossy(&buf).into_owned(),
    };
    (text, offset + buf.len() as u64, size)
}

// ---------------------------------------------------------------------------------------------
// Scheduler

impl Engine {
    /// Whether seeding this cluster's warehouse failed (it is not retried until a restart).
    pub(super) fn seed_failed(&self, cluster_id: &str) -> bool {
        lock(&self.jobs.seed_failed).contains(cluster_id)
    }

    pub(super) fn warehouse_ready(&self, cluster_id: &str) -> bool {
        if lock(&self.jobs.seeded).contains(cluster_id) {
            return true;
        }
        let key = format!("warehouse:{cluster_id}");
        let ready = self.store.read(|conn| store::meta(conn, &key)).ok().flatten().is_some();
        if ready {
            lock(&self.jobs.seeded).insert(cluster_id.to_string());
        }
        ready
    }

    pub(super) fn start_seeding(self: &Arc<Self>, cluster_id: &str) {
        if lock(&self.jobs.seed_failed).contains(cluster_id) || !self.jobs.seeding.begin(cluster_id) {
            return;
        }
        let engine = self.clone();
        let id = cluster_id.to_string();
        self.jobs_handle().spawn_blocking(move || {
            match warehouse::seed_cluster(&engine.data_dir, &engine.cache_dir, &id) {
                Ok(()) => {
                    let key = format!("warehouse:{id}");
                    let stored = engine.store.tx(|conn| store::set_meta(conn, &key, &util::now_ms().to_string()));
                    if stored.is_ok() {
                        lock(&engine.jobs.seeded).insert(id.clone());
                    }
                }
                Err(e) => {
                    eprintln!("warning: cannot seed the warehouse of cluster {id}: {e}");
                    lock(&engine.jobs.seed_failed).insert(id.clone());
                }
            }
            engine.jobs.seeding.end(&id);
        });
    }

    /// One scheduler round: seeds new running clusters, removes the HDFS of terminated ones,
    /// moves jobs through their states, starts queued jobs on free slots and runs flow steps.
    pub fn pump(self: &Arc<Self>) -> Result<(), EngineError> {
        let clusters = self.store.read(store::all_clusters)?;
        for row in &clusters {
            let id = &row.cluster.cluster_id;
            match row.cluster.cluster_state {
                s if runs_jobs(s) && !self.warehouse_ready(id) => self.start_seeding(id),
                ClusterState::Terminated if hdfs::hdfs_root(&self.data_dir, id).exists() => {
                    let _ = std::fs::remove_dir_all(hdfs::hdfs_root(&self.data_dir, id));
                }
                _ => {}
            }
        }
        let (busy, flows) = self.store.read(|conn| Ok((!active_jobs(conn)?.is_empty(), !open_flows(conn)?.is_empty())))?;
        if flows {
            self.store.tx(|conn| self.advance_flows(conn))?;
        }
        if busy {
            let to_start = self.store.tx(|conn| self.advance_jobs(conn))?;
            for (job, cancel) in to_start {
                self.start(job, cancel);
            }
        }
        Ok(())
    }

    fn advance_jobs(&self, conn: &Connection) -> Result<Vec<(JobRecord, Arc<AtomicBool>)>, EngineError> {
        let now = util::now_ms();
        let mut by_cluster: BTreeMap<(String, String), Vec<JobRecord>> = BTreeMap::new();
        for j in active_jobs(conn)? {
            by_cluster.entry((j.project_id.clone(), j.cluster_id.clone())).or_default().push(j);
        }
        let mut to_start = Vec::new();
        for ((project, cluster_id), mut jobs) in by_cluster {
            let row = store::cluster(conn, &project, &cluster_id)?;
            let state = row.as_ref().map(|r| r.cluster.cluster_state);
            if !state.is_some_and(runs_jobs) {
                let why = match state {
                    Some(s) => {
                        let s = s.as_str();
                        text!("The cluster became {s}; its jobs cannot run.", "集群状态变为 {s}，其作业无法运行。")
                    }
                    None => text!("The cluster no longer exists.", "集群已不存在。"),
                };
                for mut j in jobs {
                    if let Some(r) = lock(&self.jobs.running).remove(&j.job_id) {
                        r.stop();
                    }
                    j.end("FAILED", "FAILED", why.clone(), now);
                    save_job(conn, &j)?;
                    self.job_log(&j.job_id).append(&why.en);
                }
                continue;
            }
            let Some(row) = row else { continue };
            // One job per Core/Task node. Nodes being drained or removed take no new job; free
            // nodes are handed out in node order (Core groups first, low numbers first), so the
            // highest Task nodes, which a scale-in removes first, are the last to get work.
            let leaving = autoscaler::leaving_nodes(conn, &row)?;
            let workers = autoscaler::worker_nodes(&row);
            let busy: HashSet<String> = jobs.iter().filter(|j| j.job_state == "RUNNING").map(|j| j.node.clone()).collect();
            let mut free: std::collections::VecDeque<&Node> =
                workers.iter().filter(|n| !leaving.contains(&n.resource_id) && !busy.contains(&n.resource_id)).collect();
            let no_workers = workers.is_empty();
            let capacity = if no_workers { 1 } else { workers.iter().filter(|n| !leaving.contains(&n.resource_id)).count() };
            let mut running = jobs.iter().filter(|j| j.job_state == "RUNNING").count();
            jobs.sort_by_key(|j| (j.submitted_time, j.seq));
            for mut j in jobs {
                let next = match j.job_state.as_str() {
                    "NEW" => "NEW_SAVING",
                    "NEW_SAVING" => "SUBMITTED",
                    "SUBMITTED" => "ACCEPTED",
                    "ACCEPTED" if (no_workers && running < 1) || !free.is_empty() => "RUNNING",
                    _ => continue,
                };
                if next != "RUNNING" && j.state_deadline_ms > now {
                    continue;
                }
                j.job_state = next.into();
                j.state_deadline_ms = now + self.state_step_ms();
                if next == "ACCEPTED" {
                    self.job_log(&j.job_id).append(&format!(
                        "Accepted by YARN as {}; waiting for a free slot ({capacity} on this cluster: one per Core/Task node).",
                        j.launcher_id
                    ));
                }
                if next == "RUNNING" {
                    running += 1;
                    if let Some(n) = free.pop_front() {
                        j.node = n.resource_id.clone();
                        j.node_name = n.name.clone();
                    }
                    j.started_time = now;
                    j.app_id = format!("application_{}_{:04}", row.cluster.created_unix() * 1000, j.seq * 2);
                    let cancel = Arc::new(AtomicBool::new(false));
                    // Registered before the commit: a kill right after it finds the job to stop.
                    lock(&self.jobs.running).insert(j.job_id.clone(), Running { cancel: cancel.clone(), abort: None, pgid: None });
                    to_start.push((j.clone(), cancel));
                }
                save_job(conn, &j)?;
            }
        }
        Ok(to_start)
    }

    fn advance_flows(&self, conn: &Connection) -> Result<(), EngineError> {
        for mut flow in open_flows(conn)? {
            let Some(mut row) = store::cluster(conn, &flow.project_id, &flow.cluster_id)? else {
                save_flow(conn, &flow, true)?;
                continue;
            };
            let state = row.cluster.cluster_state;
            if matches!(state, ClusterState::Terminated | ClusterState::Terminating | ClusterState::Failed) {
                save_flow(conn, &flow, true)?;
                continue;
            }
            if state != ClusterState::Running {
                continue;
            }
            if let Some(id) = &flow.current {
                if job_by_id(conn, id)?.is_some_and(|j| !is_final_state(&j.job_state)) {
                    continue;
                }
            }
            if let Some(step) = flow.steps.get(flow.next).cloned() {
                let id = self.insert_new_job(conn, &row, &step, util::now_ms())?;
                flow.next += 1;
                flow.current = Some(id);
                save_flow(conn, &flow, false)?;
            } else {
                if flow.delete_when_no_steps {
                    lifecycle::begin(&mut row, Op::new(OpKind::Delete, util::now_ms(), self.step_ms()));
                    store::save(conn, &row)?;
                }
                save_flow(conn, &flow, true)?;
            }
        }
        Ok(())
    }

    fn start(self: &Arc<Self>, job: JobRecord, cancel: Arc<AtomicBool>) {
        let engine = self.clone();
        let job_id = job.job_id.clone();
        let task = self.jobs_handle().spawn(async move {
            let log = engine.job_log(&job.job_id);
            if job.node_name.is_empty() {
                log.append(&format!("Running as {}.", job.app_id));
            } else {
                log.append(&format!("Running as {} on node {}.", job.app_id, job.node_name));
            }
            let outcome = engine.execute(&job, &log, &cancel).await;
            match &outcome {
                Ok(m) => log.append(&format!("Job finished: {m}")),
                Err(m) => log.append(&format!("Job failed: {m}")),
            }
            let e = engine.clone();
            let id = job.job_id.clone();
            let _ = tokio::task::spawn_blocking(move || e.finish_job(&id, outcome)).await;
        });
        if let Some(r) = lock(&self.jobs.running).get_mut(&job_id) {
            r.abort = Some(task.abort_handle());
        }
    }

    fn finish_job(&self, job_id: &str, outcome: Result<Text, Text>) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            if lock(&self.jobs.running).remove(job_id).is_none() {
                // Killed or failed by the scheduler: that path wrote the end already.
                return Ok(());
            }
            let Some(mut job) = job_by_id(conn, job_id)? else { return Ok(()) };
            let now = util::now_ms();
            match outcome {
                Ok(m) => job.end("FINISHED", "SUCCEEDED", m, now),
                Err(m) => job.end("FAILED", "FAILED", m, now),
            }
            save_job(conn, &job)
        })
    }

    fn set_progress(&self, job_id: &str, percent: f64) {
        let _ = self.store.tx(|conn| {
            if let Some(mut job) = job_by_id(conn, job_id)?.filter(|j| j.job_state == "RUNNING") {
                job.job_progress = (percent * 10.0).round() / 10.0;
                save_job(conn, &job)?;
            }
            Ok(())
        });
    }

    async fn progress(self: &Arc<Self>, job_id: &str, percent: f64) {
        let e = self.clone();
        let id = job_id.to_string();
        let _ = tokio::task::spawn_blocking(move || e.set_progress(&id, percent)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Executors

impl Engine {
    async fn execute(self: &Arc<Self>, job: &JobRecord, log: &JobLog, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let Some(kind) = job.kind() else {
            let t = &job.job_type;
            return Err(text!("Unknown job type {t}.", "未知的作业类型 {t}。"));
        };
        // Every job sees the cluster's file system as seeded (a cluster that just reached running
        // is seeded in the background; this is a short wait, not a failure).
        let waited = std::time::Instant::now();
        let mut said = false;
        while !self.warehouse_ready(&job.cluster_id) {
            if waited.elapsed() > WAREHOUSE_WAIT || lock(&self.jobs.seed_failed).contains(&job.cluster_id) {
                return Err(text!(
                    "The cluster's file system (TPC-H warehouse, demo files) could not be prepared; see the sandbox's output.",
                    "无法准备集群的文件系统（TPC-H 数据仓库、示例文件），请查看沙箱的输出。"
                ));
            }
            if !said {
                log.append("Waiting for the cluster's file system (TPC-H warehouse, demo files) to be seeded.");
                said = true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        match kind {
            k if k.is_sql() => self.run_sql(job, kind, log, cancel).await,
            JobType::DistCp => self.run_distcp(job, log, cancel).await,
            JobType::SparkSubmit | JobType::SparkPython => self.run_program(job, log, "spark-submit", &[]).await,
            JobType::MapReduce => self.run_program(job, log, "hadoop", &["jar"]).await,
            JobType::Flink => self.run_program(job, log, "flink", &["run"]).await,
            _ => {
                let k = kind.as_str();
                Err(text!("{k} jobs are not supported by the sandbox.", "沙箱不支持 {k} 作业。"))
            }
        }
    }

    async fn run_sql(self: &Arc<Self>, job: &JobRecord, kind: JobType, log: &JobLog, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let (last, conf) = job.arguments.split_last().ok_or_else(|| text!("The job has no SQL argument.", "作业没有 SQL 参数。"))?;
        for pair in conf.chunks(2) {
            log.append(&format!("Configuration {} = {} (recorded; the sandbox engine does not use it).", pair[0], pair.get(1).map(String::as_str).unwrap_or("")));
        }
        let text = if kind.is_script() && is_alluxio(last) {
            // Read through the cache cluster, like any alluxio:// read.
            let (cache, uri) = (self.cache().clone(), last.clone());
            let bytes = tokio::task::spawn_blocking(move || cache.read_all(&uri))
                .await
                .map_err(|e| text!("Cannot read the script {last}: {e}", "无法读取脚本 {last}：{e}"))?
                .map_err(|e| {
                    let reason = e.text();
                    Text::new(format!("Cannot read the script {last}: {}", reason.en), format!("无法读取脚本 {last}：{}", reason.zh))
                })?;
            let text = String::from_utf8(bytes).map_err(|_| text!("The script {last} is not UTF-8 text.", "脚本 {last} 不是 UTF-8 文本。"))?;
            log.append(&format!("Script {last} (read through the Alluxio cache): {} bytes.", text.len()));
            text
        } else if kind.is_script() {
            let path = hdfs::resolve(&self.data_dir, &job.cluster_id, last)?;
            let text = tokio::fs::read_to_string(&path).await.map_err(|e| text!("Cannot read the script {last}: {e}", "无法读取脚本 {last}：{e}"))?;
            log.append(&format!("Script {last}: {} bytes.", text.len()));
            text
        } else {
            last.clone()
        };
        let statements = split_statements(&text);
        if statements.is_empty() {
            return Err(text!("The SQL text has no statement to run.", "SQL 文本中没有可执行的语句。"));
        }
        log.append(&format!(
            "{} statement(s) to run on DataFusion over {}; at most {} rows of each result are kept.",
            statements.len(),
            "/user/hive/warehouse",
            sql::MAX_ROWS_KEPT
        ));
        let results_path = self.job_dir(&job.job_id).join("sql-results.json");
        let mut session = sql::Session::new(hdfs::ClusterFs::new(&self.data_dir, &job.cluster_id), cancel.clone(), self.tables.clone())
            .with_alluxio(self.cache().clone());
        let mut results = SqlResults::default();
        let n = statements.len();
        for (i, stmt) in statements.iter().enumerate() {
            log.append(&format!("Statement {i}: {stmt}"));
            let started = std::time::Instant::now();
            let deadline = self.limits.deadline();
            session.set_deadline(deadline.clone());
            let outcome = match tokio::time::timeout(self.limits.sql_timeout, session.run(stmt)).await {
                Ok(o) => o,
                Err(_) => Err(self.limits.timeout_message()),
            };
            let outcome = outcome.map_err(|e| if std::time::Instant::now() >= deadline.at { self.limits.timeout_message() } else { e });
            match outcome {
                Ok(o) => {
                    log.append(&format!("Statement {i} succeeded in {} ms: {}.", started.elapsed().as_millis(), o.summary));
                    results.0.push((i.to_string(), o.rows));
                    let _ = std::fs::write(&results_path, serde_json::to_vec(&results).unwrap_or_default());
                    self.progress(&job.job_id, (i + 1) as f64 * 100.0 / n as f64).await;
                }
                Err(e) => {
                    log.append(&format!("Statement {i} failed: {e}"));
                    return Err(text!("Statement {i} failed: {e}", "第 {i} 条语句失败：{e}"));
                }
            }
        }
        Ok(text!("{n} statement(s) ran.", "已执行 {n} 条语句。"))
    }

    async fn run_distcp(self: &Arc<Self>, job: &JobRecord, log: &JobLog, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let [src_uri, dst_uri] = job.arguments.as_slice() else {
            return Err(text!("DistCp takes exactly two arguments: source and target.", "DistCp 须恰好有两个参数：源路径和目标路径。"));
        };
        let fs = hdfs::ClusterFs::new(&self.data_dir, &job.cluster_id);
        if is_alluxio(dst_uri) {
            return Err(text!(
                "DistCp cannot write to alluxio://: the cache fills itself from reads and loads. Copy to an obs:// or hdfs:// path.",
                "DistCp 不能写入 alluxio://：缓存只由读取和加载填充。请复制到 obs:// 或 hdfs:// 路径。"
            ));
        }
        if is_alluxio(src_uri) {
            return self.distcp_from_cache(job, log, cancel, &fs, src_uri, dst_uri).await;
        }
        let src = fs.resolve(src_uri)?;
        let dst = fs.resolve(dst_uri)?;
        if !src.exists() {
            return Err(text!("The source {src_uri} does not exist.", "源路径 {src_uri} 不存在。"));
        }
        // The copy follows links on both sides: every link must stay inside the trees.
        fs.confine_tree(&src, src_uri)?;
        fs.confine_tree(&dst, dst_uri)?;
        let files = hdfs::files_under(&src).map_err(|e| text!("Cannot read {src_uri}: {e}", "无法读取 {src_uri}：{e}"))?;
        let total: u64 = files.iter().map(|(_, n)| n).sum();
        log.append(&format!("Copying {} file(s), {total} bytes, from {src_uri} to {dst_uri}.", files.len()));
        let done = Arc::new(AtomicU64::new(0));
        let (d, c) = (done.clone(), cancel.clone());
        let mut copy = tokio::task::spawn_blocking(move || hdfs::copy_tree(&src, &dst, &d, &c));
        let copied = loop {
            match tokio::time::timeout(Duration::from_millis(200), &mut copy).await {
                Ok(r) => break r.map_err(|e| text!("The copy failed: {e}", "复制失败：{e}"))?.map_err(Text::from)?,
                Err(_) => {
                    let pct = if total == 0 { 0.0 } else { done.load(Ordering::Relaxed) as f64 * 100.0 / total as f64 };
                    self.progress(&job.job_id, pct.min(99.9)).await;
                }
            }
        };
        Ok(text!("Copied {copied} bytes from {src_uri} to {dst_uri}.", "已从 {src_uri} 复制 {copied} 字节到 {dst_uri}。"))
    }

    /// DistCp from `alluxio://`: every byte is read through the cache cluster (hits from pages,
    /// misses from the UFS, admitted as they pass).
    async fn distcp_from_cache(
        self: &Arc<Self>,
        job: &JobRecord,
        log: &JobLog,
        cancel: &Arc<AtomicBool>,
        fs: &hdfs::ClusterFs,
        src_uri: &str,
        dst_uri: &str,
    ) -> Result<Text, Text> {
        let dst = fs.resolve(dst_uri)?;
        fs.confine_tree(&dst, dst_uri)?;
        let cache = self.cache().clone();
        let uri = src_uri.to_string();
        let files = tokio::task::spawn_blocking(move || cache.list_files(&uri))
            .await
            .map_err(|e| text!("Cannot list {src_uri}: {e}", "无法列出 {src_uri}：{e}"))?
            .map_err(|e| e.text())?;
        if files.is_empty() {
            return Err(text!("The source {src_uri} does not exist.", "源路径 {src_uri} 不存在。"));
        }
        let total: u64 = files.iter().map(|f| f.len).sum();
        log.append(&format!("Copying {} file(s), {total} bytes, from {src_uri} (through the Alluxio cache) to {dst_uri}.", files.len()));
        let done = Arc::new(AtomicU64::new(0));
        let (cache, d, c, uri) = (self.cache().clone(), done.clone(), cancel.clone(), src_uri.to_string());
        let mut copy = tokio::task::spawn_blocking(move || cache.copy_out(&uri, &files, &dst, &d, &c));
        let copied = loop {
            match tokio::time::timeout(Duration::from_millis(200), &mut copy).await {
                Ok(r) => break r.map_err(|e| text!("The copy failed: {e}", "复制失败：{e}"))??,
                Err(_) => {
                    let pct = if total == 0 { 0.0 } else { done.load(Ordering::Relaxed) as f64 * 100.0 / total as f64 };
                    self.progress(&job.job_id, pct.min(99.9)).await;
                }
            }
        };
        Ok(text!("Copied {copied} bytes from {src_uri} to {dst_uri}.", "已从 {src_uri} 复制 {copied} 字节到 {dst_uri}。"))
    }

    /// Runs `program` (found on the server's PATH) with the job's arguments; stdout and stderr go
    /// to `stdout.log`/`stderr.log` and, interleaved, to `job.log`.
    ///
    /// `spark-submit` comes with the `pyspark` package (`pip install pyspark`, needs a Java
    /// runtime); SparkSubmit/SparkPython jobs run in local mode with it. `hadoop` and `flink`
    /// come from their distributions. Properties become `--conf k=v` for spark-submit and are
    /// recorded only for the others. `obs://` and `hdfs://` arguments are rewritten to the local
    /// files behind them, so a program can open them.
    async fn run_program(self: &Arc<Self>, job: &JobRecord, log: &JobLog, program: &str, prefix: &[&str]) -> Result<Text, Text> {
        let Some(exe) = find_on_path(program) else {
            let hint = match program {
                "spark-submit" => text!(
                    " Install PySpark (pip install pyspark; it needs a Java runtime) so spark-submit is on the PATH of the sandbox, then restart it.",
                    "请安装 PySpark（pip install pyspark，需要 Java 运行环境），使 spark-submit 位于沙箱的 PATH 中，然后重启沙箱。"
                ),
                "hadoop" => text!(
                    " Install a Hadoop distribution and put its bin directory on the PATH of the sandbox.",
                    "请安装 Hadoop 发行版，并将其 bin 目录加入沙箱的 PATH。"
                ),
                _ => text!(
                    " Install Apache Flink and put its bin directory on the PATH of the sandbox.",
                    "请安装 Apache Flink，并将其 bin 目录加入沙箱的 PATH。"
                ),
            };
            let kind = job.listed_type();
            return Err(Text::new(
                format!("{program} is not on the sandbox's PATH, so {kind} jobs cannot run here.{}", hint.en),
                format!("{program} 不在沙箱的 PATH 中，因此无法在此运行 {kind} 作业。{}", hint.zh),
            ));
        };
        let mut args: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
        if program == "spark-submit" {
            for (k, v) in &job.properties {
                args.push("--conf".into());
                args.push(format!("{k}={v}"));
            }
        } else if !job.properties.is_empty() {
            log.append(&format!("Properties {} are recorded only; {program} does not receive them.", java_map(&job.properties)));
        }
        for a in &job.arguments {
            if is_alluxio(a) {
                // An external program cannot use the sandbox's cache client: it gets the UFS file.
                let cache = self.cache();
                let local = cache.locate(a).and_then(|loc| cache.local_path(&loc.ufs)).map_err(|e| e.text())?;
                args.push(local.display().to_string());
            } else if a.starts_with("obs://") || a.starts_with("hdfs://") {
                let local = hdfs::resolve(&self.data_dir, &job.cluster_id, a)?;
                args.push(local.display().to_string());
            } else {
                args.push(a.clone());
            }
        }
        let dir = self.job_dir(&job.job_id);
        let _ = std::fs::create_dir_all(&dir);
        log.append(&format!("Starting {} {}", exe.display(), args.join(" ")));
        let mut cmd = process::user_command(&exe, &dir);
        cmd.args(&args)
            .env("LAKEDECK_JOB_ID", &job.job_id)
            .env("LAKEDECK_HDFS_ROOT", hdfs::hdfs_root(&self.data_dir, &job.cluster_id))
            .env("LAKEDECK_OBS_ROOT", hdfs::obs_root(&self.data_dir));
        let mut child = cmd.spawn().map_err(|e| text!("Cannot start {program}: {e}", "无法启动 {program}：{e}"))?;
        if let Some(pid) = child.id() {
            let mut running = lock(&self.jobs.running);
            match running.get_mut(&job.job_id) {
                Some(r) => r.pgid = Some(pid as i32),
                // Killed between the scheduler's start and here.
                None => kill_group(pid as i32),
            }
        }
        let tees = [
            child.stdout.take().map(|s| tokio::spawn(tee(s, dir.join("stdout.log"), log.path()))),
            child.stderr.take().map(|s| tokio::spawn(tee(s, dir.join("stderr.log"), log.path()))),
        ];
        let status = child.wait().await.map_err(|e| text!("Cannot wait for {program}: {e}", "无法等待 {program} 结束：{e}"))?;
        for t in tees.into_iter().flatten() {
            let _ = t.await;
        }
        if status.success() {
            Ok(text!("{program} exited with status 0.", "{program} 已退出，状态码 0。"))
        } else {
            Err(text!("{program} exited with {status}.", "{program} 已退出：{status}。"))
        }
    }
}

fn is_alluxio(uri: &str) -> bool {
    uri.trim_start().get(..10).is_some_and(|p| p.eq_ignore_ascii_case("alluxio://"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beans_render_the_vendor_way() {
        let j = JobRecord {
            job_id: "j1".into(),
            cluster_id: "c1".into(),
            job_type: "SparkPython".into(),
            arguments: vec!["--master".into(), "yarn".into()],
            log_key: "k".into(),
            started_time: 1_000,
            ..Default::default()
        };
        let b = j.bean("http://h:1", 4_000);
        assert_eq!((b.job_type.as_str(), b.arguments.as_str(), b.properties.as_str()), ("SparkSubmit", "[--master, yarn]", "{}"));
        assert_eq!(b.elapsed_time, 3_000);
        assert_eq!(b.tracking_url, "http://h:1/sandbox/clusters/c1/jobs/j1/log?key=k");
        let done = JobRecord { finished_time: 1_500, ..j };
        assert_eq!(done.bean("", 9_999).elapsed_time, 500);
    }

    #[test]
    fn filters() {
        let j = JobRecord { job_name: "Nightly_ETL".into(), job_type: "SparkPython".into(), submitted_time: 50, ..Default::default() };
        assert!(JobFilter { job_name: Some("etl".into()), ..Default::default() }.matches(&j));
        assert!(JobFilter { job_type: Some("SparkSubmit".into()), ..Default::default() }.matches(&j));
        assert!(!JobFilter { job_type: Some("SparkPython".into()), ..Default::default() }.matches(&j));
        assert!(JobFilter { submitted_begin: Some(50), submitted_end: Some(50), ..Default::default() }.matches(&j));
        assert!(!JobFilter { submitted_begin: Some(51), ..Default::default() }.matches(&j));
    }

    /// The reference: decode everything, filter with `matches`, sort, page.
    fn reference(all: &[JobRecord], f: &JobFilter, limit: i64, page: i64) -> (i64, Vec<String>) {
        let mut jobs: Vec<&JobRecord> = all.iter().filter(|j| f.matches(j)).collect();
        jobs.sort_by_key(|j| (j.submitted_time, j.seq));
        if !f.ascending {
            jobs.reverse();
        }
        let range = lakedeck_api::paging::page_range(jobs.len(), limit as usize, page as usize);
        (jobs.len() as i64, jobs[range].iter().map(|j| j.job_id.clone()).collect())
    }

    #[test]
    fn sql_lists_match_the_reference_semantics() {
        let dir = std::env::temp_dir().join(format!("lakedeck-joblist-{}", util::uuid_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("sandbox.db");
        // An older database: only the contract columns, one row written by another tool.
        {
            let c = Connection::open(&db).unwrap();
            c.execute_batch(
                "CREATE TABLE jobs (job_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, cluster_id TEXT NOT NULL,
                 state TEXT NOT NULL, submitted_ms INTEGER NOT NULL, data TEXT NOT NULL);",
            )
            .unwrap();
            let old = JobRecord {
                job_id: "old".into(),
                project_id: "p".into(),
                cluster_id: "c".into(),
                seq: 0,
                job_name: "Old ETL".into(),
                job_type: "SparkPython".into(),
                job_state: "FINISHED".into(),
                job_result: "SUCCEEDED".into(),
                submitted_time: 5,
                ..Default::default()
            };
            c.execute(
                "INSERT INTO jobs VALUES ('old', 'p', 'c', 'FINISHED', 5, ?1)",
                [serde_json::to_string(&old).unwrap()],
            )
            .unwrap();
            c.execute("INSERT INTO jobs VALUES ('broken', 'p', 'c', 'FINISHED', 6, 'not json')", []).unwrap();
        }
        let store = store::Store::open(&db).unwrap();
        assert_eq!(store.tx(derive_pending).unwrap(), 2);
        let names = ["Nightly_ETL", "etl", "report", "ÉTL-Ünïcode", "K\u{212A}elvin", ""];
        let types = ["SparkSql", "SparkSubmit", "SparkPython", "HiveSql", "DistCp"];
        let states = [("FINISHED", "SUCCEEDED"), ("FAILED", "FAILED"), ("KILLED", "KILLED"), ("RUNNING", "UNDEFINED")];
        let mut all = Vec::new();
        store
            .tx(|conn| {
                for i in 0..300i64 {
                    let (state, result) = states[(i % 4) as usize];
                    let j = JobRecord {
                        job_id: format!("j{i:03}"),
                        project_id: "p".into(),
                        cluster_id: if i % 10 == 9 { "other".into() } else { "c".into() },
                        seq: i + 1,
                        user: if i % 7 == 0 { "alice".into() } else { USER.into() },
                        job_name: format!("{}{}", names[(i % 6) as usize], i % 3),
                        job_type: types[(i % 5) as usize].into(),
                        job_state: state.into(),
                        job_result: result.into(),
                        queue: if i % 3 == 0 { "etl".into() } else { "default".into() },
                        // Many share a millisecond: the order then comes from seq.
                        submitted_time: 10 + i / 4,
                        ..Default::default()
                    };
                    insert_job(conn, &j)?;
                    all.push(j);
                }
                // A state change after insertion keeps the columns in step.
                let mut j = all[3].clone();
                j.end("FINISHED", "SUCCEEDED", "done", 99);
                save_job(conn, &j)?;
                all[3] = j;
                Ok(())
            })
            .unwrap();
        let old = store.read(|conn| job_by_id(conn, "old")).unwrap().unwrap();
        all.push(old);
        let all: Vec<JobRecord> = all.into_iter().filter(|j| j.cluster_id == "c").collect();
        let s = |v: &str| Some(v.to_string());
        let filters = vec![
            JobFilter::default(),
            JobFilter { ascending: true, ..Default::default() },
            JobFilter { job_name: s("ETL"), ..Default::default() },
            JobFilter { job_name: s("étl"), ascending: true, ..Default::default() },
            JobFilter { job_name: s("kelvin"), ..Default::default() },
            JobFilter { job_name: s(""), ..Default::default() },
            JobFilter { job_type: s("SparkSubmit"), ..Default::default() },
            JobFilter { job_type: s("SparkPython"), ..Default::default() },
            JobFilter { job_state: s("FINISHED"), job_result: s("SUCCEEDED"), ascending: true, ..Default::default() },
            JobFilter { user: s("alice"), queue: s("etl"), ..Default::default() },
            JobFilter { job_id: s("j004"), ..Default::default() },
            JobFilter { submitted_begin: Some(20), submitted_end: Some(40), ..Default::default() },
            JobFilter { submitted_begin: Some(5), submitted_end: Some(5), ..Default::default() },
        ];
        for (k, f) in filters.iter().enumerate() {
            for (limit, page) in [(10, 1), (7, 3), (50, 2), (1000, 1), (10, 1000), (7, 30), (50, 5), (10, 25), (1, 200), (3, 90)] {
                let (total, jobs) = store.read(|conn| list_page(conn, "p", "c", f, limit, page)).unwrap();
                let ids: Vec<String> = jobs.into_iter().map(|j| j.job_id).collect();
                assert_eq!((total, ids), reference(&all, f, limit, page), "filter {k}, limit {limit}, page {page}");
            }
        }
        drop(store);
        // Opening again is a no-op for the migration.
        store::Store::open(&db).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn log_slices_stop_at_character_boundaries() {
        let p = std::env::temp_dir().join(format!("lakedeck-log-{}", util::uuid_v4()));
        std::fs::write(&p, "aé").unwrap();
        assert_eq!(read_log_slice(&p, 0), ("aé".to_string(), 3, 3));
        assert_eq!(read_log_slice(&p, 3), (String::new(), 3, 3));
        assert_eq!(read_log_slice(&p, 99), (String::new(), 3, 3));
        std::fs::remove_file(&p).unwrap();
        assert_eq!(read_log_slice(&p, 0), (String::new(), 0, 0));
    }
}
