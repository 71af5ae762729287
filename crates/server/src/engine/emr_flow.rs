//! Classic EMR data development (Flow* of 2016-04-08; emr-api.md §2): projects, categories,
//! flow jobs, the clusters jobs run on, and job instances that really run — SPARK_SQL, HIVE_SQL
//! and HIVE on DataFusion over the cluster's TPC-H warehouse, SPARK through `spark-submit` from
//! the PATH, SHELL through `bash` when the sandbox was started with `--allow-scripts`.
//!
//! Storage: `flow_projects`, `flow_categories`, `flow_jobs`, `flow_instances`, `flow_clusters`
//! (store.rs), each row's record as JSON in `data`. The lists are per project and small, so they
//! are filtered in memory after one indexed read.
//!
//! Instances walk SUBMITTED (pending) → RUNNING → SUCCESS | FAILED, or KILL_SUCCESS when killed.
//! A cluster runs as many instances at once as it has slots; the rest wait SUBMITTED. A failed
//! attempt with retries left (MaxRetry) goes back to SUBMITTED for RetryInterval seconds and runs
//! again, `Retries` counting the retries made. Before every attempt `ParamConf` and
//! `CustomVariables` are substituted into `Params` (`${yyyy-MM-dd}` dates at the attempt's start,
//! UTC). `MaxRunningTimeSec` (> 0) limits each attempt.
//!
//! Logs: each instance has a launcher log (`DATA_DIR/emr-flow/<instance>/launcher.log`): the
//! sandbox's account of every attempt, the program's output, and for SQL the rows of each
//! statement, tab-separated after a header line, as the Hive and Spark SQL command lines print them.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lakedeck_api::emr::shell_words;
use lakedeck_api::emr_flow::{
    self as wire, ClusterInfo, FlowCategory, FlowJob, FlowJobSpec, FlowProject, NodeInstance, NodeInstanceSummary, ResourceList,
};
use lakedeck_api::sqltext::split_statements;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::emr_spark::Msg;
use super::hdfs::ClusterFs;
use super::jobs::lock;
use super::process::{self, find_on_path, kill_group, tee};
use super::sql::{Ran, RowSink, Session};
use super::{store, Engine, EngineError};
use crate::lang::Text;
use crate::{text, util};

pub const PROJECT_NOT_FOUND: &str = "InvalidProjectId.NotFound";
pub const JOB_NOT_FOUND: &str = "InvalidJobId.NotFound";
pub const CATEGORY_NOT_FOUND: &str = "InvalidCategoryId.NotFound";
pub const CLUSTER_NOT_FOUND: &str = "InvalidClusterId.NotFound";
pub const INSTANCE_NOT_FOUND: &str = "InvalidNodeInstanceId.NotFound";
pub const INCORRECT_STATUS: &str = "IncorrectStatus";
pub const INVALID: &str = "InvalidParameter";

/// Rows of one statement printed into the launcher log; the rest are counted.
const MAX_LOG_ROWS: u64 = 10_000;
const WAREHOUSE_WAIT: Duration = Duration::from_secs(120);
/// Lines DescribeFlowNodeInstanceLauncherLog returns when asked for no length, and at most.
const DEFAULT_LOG_LINES: i64 = 1000;
const MAX_LOG_LINES: i64 = 10_000;

/// Tables of this module (created at start, idempotent).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS flow_projects (project_id TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flow_categories (category_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS flow_categories_by_project ON flow_categories(project_id);
CREATE TABLE IF NOT EXISTS flow_jobs (job_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, created_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS flow_jobs_by_project ON flow_jobs(project_id, created_ms);
CREATE TABLE IF NOT EXISTS flow_instances (instance_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, job_id TEXT NOT NULL, status TEXT NOT NULL,
    created_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS flow_instances_by_project ON flow_instances(project_id, created_ms);
CREATE INDEX IF NOT EXISTS flow_instances_by_job ON flow_instances(job_id, status);
CREATE INDEX IF NOT EXISTS flow_instances_open ON flow_instances(status) WHERE status IN ('SUBMITTED', 'RUNNING');
CREATE TABLE IF NOT EXISTS flow_clusters (cluster_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL);
";

// ---------------------------------------------------------------------------------------------
// Records

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectRecord {
    pub id: String,
    pub name: String,
    pub description: String,
    pub user_id: String,
    pub created_ms: i64,
    pub modified_ms: i64,
}

impl ProjectRecord {
    pub fn wire(&self) -> FlowProject {
        FlowProject {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            user_id: self.user_id.clone(),
            gmt_create: self.created_ms,
            gmt_modified: self.modified_ms,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryRecord {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub parent_id: String,
    pub kind: String,
    pub created_ms: i64,
    pub modified_ms: i64,
}

impl CategoryRecord {
    pub fn wire(&self) -> FlowCategory {
        FlowCategory {
            id: self.id.clone(),
            name: self.name.clone(),
            parent_id: self.parent_id.clone(),
            project_id: self.project_id.clone(),
            kind: self.kind.clone(),
            category_type: "FOLDER".into(),
            object_type: String::new(),
            object_id: String::new(),
            gmt_create: self.created_ms,
            gmt_modified: self.modified_ms,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobRecord {
    pub id: String,
    pub project_id: String,
    pub spec: FlowJobSpec,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub last_instance_id: String,
}

impl JobRecord {
    pub fn wire(&self) -> FlowJob {
        let s = &self.spec;
        FlowJob {
            id: self.id.clone(),
            name: s.name.clone(),
            kind: s.kind.clone(),
            description: s.description.clone(),
            category_id: s.parent_category.clone(),
            adhoc: s.adhoc.to_string(),
            fail_act: s.fail_act.clone(),
            max_retry: s.max_retry,
            retry_interval: s.retry_interval,
            retry_policy: s.retry_policy.clone(),
            max_running_time_sec: s.max_running_time_sec,
            params: s.params.clone(),
            param_conf: s.param_conf.clone(),
            custom_variables: s.custom_variables.clone(),
            env_conf: s.env_conf.clone(),
            run_conf: s.run_conf.clone(),
            monitor_conf: s.monitor_conf.clone(),
            alert_conf: s.alert_conf.clone(),
            last_instance_id: self.last_instance_id.clone(),
            last_instance_detail: String::new(),
            edit_lock_detail: String::new(),
            gmt_create: self.created_ms,
            gmt_modified: self.modified_ms,
            resource_list: ResourceList { resource: s.resources.clone() },
            mode: s.mode.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterRecord {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub created_ms: i64,
    /// Instances it runs at once.
    pub slots: i64,
}

impl ClusterRecord {
    pub fn wire(&self, now: i64) -> ClusterInfo {
        let live = self.accepts_jobs();
        ClusterInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            status: self.status.clone(),
            charge_type: "PostPaid".into(),
            create_time: self.created_ms,
            running_time: if live { (now - self.created_ms) / 1000 } else { 0 },
            ..Default::default()
        }
    }

    pub fn accepts_jobs(&self) -> bool {
        matches!(self.status.as_str(), "RUNNING" | "IDLE")
    }

    pub fn host(&self) -> String {
        format!("emr-header-1.cluster-{}", self.id.trim_start_matches("C-").to_ascii_lowercase())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceRecord {
    pub id: String,
    pub project_id: String,
    pub job_id: String,
    pub job_name: String,
    pub job_type: String,
    pub cluster_id: String,
    pub cluster_name: String,
    pub host_name: String,
    pub status: String,
    pub external_status: String,
    pub external_id: String,
    pub external_info: Msg,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub start_ms: i64,
    pub end_ms: i64,
    pub retries: i64,
    /// The job's settings when it was submitted (a later edit does not change a run).
    pub spec: FlowJobSpec,
    /// Params as submitted (SubmitFlowJob's Conf `params` overrides the job's).
    pub params: String,
    /// Params after substitution, password variables masked.
    pub job_params: String,
    pub pending: bool,
    /// When a SUBMITTED instance may start (after a retry interval).
    pub not_before_ms: i64,
    pub seq: i64,
}

impl InstanceRecord {
    fn info(&self) -> String {
        self.external_info.text().current().to_string()
    }

    pub fn summary(&self) -> NodeInstanceSummary {
        let s = &self.spec;
        NodeInstanceSummary {
            id: self.id.clone(),
            job_id: self.job_id.clone(),
            job_name: self.job_name.clone(),
            job_type: self.job_type.clone(),
            kind: "JOB".into(),
            node_name: self.job_name.clone(),
            project_id: self.project_id.clone(),
            cluster_id: self.cluster_id.clone(),
            host_name: self.host_name.clone(),
            status: self.status.clone(),
            external_id: self.external_id.clone(),
            external_status: self.external_status.clone(),
            external_info: self.info(),
            start_time: self.start_ms,
            end_time: self.end_ms,
            gmt_create: self.created_ms,
            gmt_modified: self.modified_ms,
            retries: self.retries,
            max_retry: s.max_retry,
            retry_interval: s.retry_interval,
            fail_act: s.fail_act.clone(),
            job_params: self.job_params.clone(),
            param_conf: s.param_conf.clone(),
            env_conf: s.env_conf.clone(),
            run_conf: s.run_conf.clone(),
            pending: self.pending,
        }
    }

    pub fn detail(&self, now: i64) -> NodeInstance {
        let s = &self.spec;
        let duration = match (self.start_ms, self.end_ms) {
            (0, _) => 0,
            (a, 0) => now - a,
            (a, b) => b - a,
        };
        NodeInstance {
            id: self.id.clone(),
            status: self.status.clone(),
            job_id: self.job_id.clone(),
            job_name: self.job_name.clone(),
            job_type: self.job_type.clone(),
            kind: "JOB".into(),
            node_name: self.job_name.clone(),
            project_id: self.project_id.clone(),
            cluster_id: self.cluster_id.clone(),
            cluster_name: self.cluster_name.clone(),
            host_name: self.host_name.clone(),
            adhoc: s.adhoc,
            mode: s.mode.clone(),
            pending: self.pending,
            start_time: self.start_ms,
            end_time: self.end_ms,
            duration,
            retries: self.retries,
            max_retry: s.max_retry.to_string(),
            retry_interval: s.retry_interval.to_string(),
            retry_policy: s.retry_policy.clone(),
            fail_act: s.fail_act.clone(),
            external_id: self.external_id.clone(),
            external_sub_id: if self.external_id.is_empty() { String::new() } else { format!("container_{}_01_000001", self.external_id.trim_start_matches("application_")) },
            external_status: self.external_status.clone(),
            external_info: self.info(),
            job_params: self.job_params.clone(),
            param_conf: s.param_conf.clone(),
            env_conf: s.env_conf.clone(),
            run_conf: s.run_conf.clone(),
            monitor_conf: s.monitor_conf.clone(),
            gmt_create: self.created_ms,
            gmt_modified: self.modified_ms,
            ..Default::default()
        }
    }

    fn finish(&mut self, status: &str, external: &str, info: Text, now: i64) {
        self.status = status.into();
        self.external_status = external.into();
        self.external_info = info.into();
        self.pending = false;
        self.end_ms = now;
        self.modified_ms = now;
    }
}

/// ListFlowJob's filters: `name` a case-insensitive substring, `kind` any casing.
pub struct JobQuery {
    pub id: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub adhoc: Option<bool>,
}

/// ListFlowJobHistory's filters; the time range applies to when an instance was submitted.
pub struct HistoryQuery {
    pub job_id: Option<String>,
    pub instance_id: Option<String>,
    pub job_type: Option<String>,
    pub statuses: Vec<&'static str>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// Paging of the Flow lists: 1-based page numbers.
pub struct Page<T> {
    pub total: i64,
    pub items: Vec<T>,
}

fn page<T>(items: Vec<T>, number: i64, size: i64) -> Page<T> {
    let total = items.len() as i64;
    let range = lakedeck_api::paging::page_range(items.len(), size as usize, number as usize);
    Page { total, items: items.into_iter().skip(range.start).take(range.len()).collect() }
}

struct Handle {
    cancel: Arc<AtomicBool>,
    abort: Option<tokio::task::AbortHandle>,
    pgid: Option<i32>,
}

#[derive(Default)]
pub struct FlowRuntime {
    running: Mutex<HashMap<String, Handle>>,
    timed_out: Mutex<HashSet<String>>,
}

// ---------------------------------------------------------------------------------------------
// Storage

fn decode<T: serde::de::DeserializeOwned>(what: &str, data: &str) -> Option<T> {
    serde_json::from_str(data).map_err(|e| eprintln!("warning: skipping an unreadable {what} record: {e}")).ok()
}

fn encode<T: Serialize>(v: &T) -> Result<String, EngineError> {
    serde_json::to_string(v).map_err(|e| EngineError::Internal(e.to_string()))
}

fn rows(conn: &Connection, sql: &str, arg: &str) -> Result<Vec<String>, EngineError> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt.query_map([arg], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

fn one(conn: &Connection, sql: &str, arg: &str) -> Result<Option<String>, EngineError> {
    Ok(conn.query_row(sql, [arg], |r| r.get(0)).optional()?)
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", util::hex(&util::random_bytes::<8>()).to_ascii_uppercase())
}

fn project(conn: &Connection, id: &str) -> Result<ProjectRecord, EngineError> {
    one(conn, "SELECT data FROM flow_projects WHERE project_id = ?1", id)?
        .and_then(|d| decode("project", &d))
        .ok_or_else(|| EngineError::invalid(PROJECT_NOT_FOUND, text!("Project does not exist [{id}].", "项目不存在 [{id}]。")))
}

fn save_project(conn: &Connection, p: &ProjectRecord) -> Result<(), EngineError> {
    conn.execute(
        "INSERT INTO flow_projects (project_id, name, created_ms, data) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(project_id) DO UPDATE SET name = ?2, data = ?4",
        params![p.id, p.name, p.created_ms, encode(p)?],
    )?;
    Ok(())
}

fn categories(conn: &Connection, project: &str) -> Result<Vec<CategoryRecord>, EngineError> {
    Ok(rows(conn, "SELECT data FROM flow_categories WHERE project_id = ?1", project)?.iter().filter_map(|d| decode("category", d)).collect())
}

fn save_category(conn: &Connection, c: &CategoryRecord) -> Result<(), EngineError> {
    conn.execute(
        "INSERT INTO flow_categories (category_id, project_id, data) VALUES (?1, ?2, ?3) ON CONFLICT(category_id) DO UPDATE SET data = ?3",
        params![c.id, c.project_id, encode(c)?],
    )?;
    Ok(())
}

fn jobs_of(conn: &Connection, project: &str) -> Result<Vec<JobRecord>, EngineError> {
    Ok(rows(conn, "SELECT data FROM flow_jobs WHERE project_id = ?1 ORDER BY created_ms DESC, job_id", project)?
        .iter()
        .filter_map(|d| decode("flow job", d))
        .collect())
}

fn job(conn: &Connection, project_id: &str, id: &str) -> Result<JobRecord, EngineError> {
    project(conn, project_id)?;
    one(conn, "SELECT data FROM flow_jobs WHERE job_id = ?1", id)?
        .and_then(|d| decode::<JobRecord>("flow job", &d))
        .filter(|j| j.project_id == project_id)
        .ok_or_else(|| EngineError::invalid(JOB_NOT_FOUND, text!("Job does not exist [{id}] in project {project_id}.", "项目 {project_id} 中不存在作业 [{id}]。")))
}

fn save_job(conn: &Connection, j: &JobRecord) -> Result<(), EngineError> {
    conn.execute(
        "INSERT INTO flow_jobs (job_id, project_id, created_ms, data) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(job_id) DO UPDATE SET data = ?4",
        params![j.id, j.project_id, j.created_ms, encode(j)?],
    )?;
    Ok(())
}

fn clusters(conn: &Connection) -> Result<Vec<ClusterRecord>, EngineError> {
    let mut stmt = conn.prepare("SELECT data FROM flow_clusters ORDER BY seq")?;
    let out = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(out.iter().filter_map(|d| decode("cluster", d)).collect())
}

fn cluster(conn: &Connection, id: &str) -> Result<ClusterRecord, EngineError> {
    one(conn, "SELECT data FROM flow_clusters WHERE cluster_id = ?1", id)?
        .and_then(|d| decode("cluster", &d))
        .ok_or_else(|| EngineError::invalid(CLUSTER_NOT_FOUND, text!("Cluster does not exist [{id}].", "集群不存在 [{id}]。")))
}

fn instance_by_id(conn: &Connection, id: &str) -> Result<Option<InstanceRecord>, EngineError> {
    Ok(one(conn, "SELECT data FROM flow_instances WHERE instance_id = ?1", id)?.and_then(|d| decode("job instance", &d)))
}

fn instance(conn: &Connection, project_id: &str, id: &str) -> Result<InstanceRecord, EngineError> {
    project(conn, project_id)?;
    instance_by_id(conn, id)?.filter(|i| i.project_id == project_id).ok_or_else(|| {
        EngineError::invalid(INSTANCE_NOT_FOUND, text!("Job instance does not exist [{id}] in project {project_id}.", "项目 {project_id} 中不存在作业实例 [{id}]。"))
    })
}

fn save_instance(conn: &Connection, i: &InstanceRecord) -> Result<(), EngineError> {
    conn.execute(
        "INSERT INTO flow_instances (instance_id, project_id, job_id, status, created_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(instance_id) DO UPDATE SET status = ?4, data = ?6",
        params![i.id, i.project_id, i.job_id, i.status, i.created_ms, encode(i)?],
    )?;
    Ok(())
}

fn open_instances(conn: &Connection) -> Result<Vec<InstanceRecord>, EngineError> {
    let mut stmt = conn.prepare("SELECT data FROM flow_instances WHERE status IN ('SUBMITTED', 'RUNNING')")?;
    let out = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(out.iter().filter_map(|d| decode("job instance", d)).collect())
}

// ---------------------------------------------------------------------------------------------
// Seed

struct SeedCluster {
    name: &'static str,
    kind: &'static str,
    status: &'static str,
    slots: i64,
    age_days: i64,
}

const SEED_CLUSTERS: [SeedCluster; 3] = [
    SeedCluster { name: "emr-hadoop-prod", kind: "HADOOP", status: "RUNNING", slots: 4, age_days: 40 },
    SeedCluster { name: "emr-spark-dev", kind: "HADOOP", status: "IDLE", slots: 2, age_days: 12 },
    SeedCluster { name: "emr-legacy-etl", kind: "HADOOP", status: "RELEASED", slots: 2, age_days: 200 },
];

/// A job every new sandbox has, so the Flow views have something real to run.
const SAMPLE_SQL: &str = "SELECT n.n_name AS nation, count(*) AS orders
FROM orders o JOIN customer c ON o.o_custkey = c.c_custkey JOIN nation n ON c.c_nationkey = n.n_nationkey
WHERE o.o_orderdate < DATE '${date}'
GROUP BY n.n_name ORDER BY orders DESC LIMIT 5;";

// ---------------------------------------------------------------------------------------------
// API operations

/// CreateFlowProject and friends; `user` is the caller's account UID.
impl Engine {
    pub fn flow_seed(&self, user: &str) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            if store::meta(conn, "seeded:emr-flow")?.is_some() {
                return Ok(());
            }
            let now = util::now_ms();
            let mut first_cluster = String::new();
            for (i, c) in SEED_CLUSTERS.iter().enumerate() {
                let rec = ClusterRecord {
                    id: new_id("C-"),
                    name: c.name.into(),
                    kind: c.kind.into(),
                    status: c.status.into(),
                    created_ms: now - c.age_days * 86_400_000,
                    slots: c.slots,
                };
                if i == 0 {
                    first_cluster = rec.id.clone();
                }
                conn.execute("INSERT INTO flow_clusters (cluster_id, seq, data) VALUES (?1, ?2, ?3)", params![rec.id, i as i64, encode(&rec)?])?;
            }
            let created = now - 7 * 86_400_000;
            let p = ProjectRecord {
                id: new_id("FP-"),
                name: "default".into(),
                description: "Data development on the sandbox's EMR clusters.".into(),
                user_id: user.into(),
                created_ms: created,
                modified_ms: created,
            };
            save_project(conn, &p)?;
            let folder = CategoryRecord {
                id: new_id("FC-"),
                project_id: p.id.clone(),
                name: "examples".into(),
                parent_id: String::new(),
                kind: "JOB".into(),
                created_ms: created,
                modified_ms: created,
            };
            save_category(conn, &folder)?;
            let job = JobRecord {
                id: new_id("FJ-"),
                project_id: p.id.clone(),
                spec: FlowJobSpec {
                    name: "tpch-orders-by-nation".into(),
                    description: "Top five nations by orders placed before today (TPC-H, Spark SQL).".into(),
                    kind: "SPARK_SQL".into(),
                    fail_act: "STOP".into(),
                    max_retry: 1,
                    retry_interval: 5,
                    params: SAMPLE_SQL.into(),
                    param_conf: r#"{"date":"${yyyy-MM-dd}"}"#.into(),
                    mode: "YARN".into(),
                    parent_category: folder.id.clone(),
                    cluster_id: first_cluster,
                    ..Default::default()
                },
                created_ms: created,
                modified_ms: created,
                last_instance_id: String::new(),
            };
            save_job(conn, &job)?;
            store::set_meta(conn, "seeded:emr-flow", &now.to_string())
        })
    }

    pub fn flow_create_project(&self, name: &str, description: &str, user: &str) -> Result<String, EngineError> {
        self.store.tx(|conn| {
            let taken: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM flow_projects WHERE name = ?1)", [name], |r| r.get(0))?;
            if taken {
                return Err(EngineError::invalid(INVALID, text!("A project named {name} already exists.", "名为 {name} 的项目已存在。")));
            }
            let now = util::now_ms();
            let p = ProjectRecord { id: new_id("FP-"), name: name.into(), description: description.into(), user_id: user.into(), created_ms: now, modified_ms: now };
            save_project(conn, &p)?;
            Ok(p.id)
        })
    }

    /// ListFlowProject: newest first, `name` a case-insensitive substring.
    pub fn flow_projects(&self, id: Option<&str>, name: Option<&str>, number: i64, size: i64) -> Result<Page<ProjectRecord>, EngineError> {
        let all = self.store.read(|conn| {
            let mut stmt = conn.prepare("SELECT data FROM flow_projects ORDER BY created_ms DESC, project_id")?;
            let out = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(out.iter().filter_map(|d| decode::<ProjectRecord>("project", d)).collect::<Vec<_>>())
        })?;
        let needle = name.map(str::to_lowercase);
        let items = all
            .into_iter()
            .filter(|p| id.is_none_or(|i| p.id == i))
            .filter(|p| needle.as_deref().is_none_or(|n| p.name.to_lowercase().contains(n)))
            .collect();
        Ok(page(items, number, size))
    }

    pub fn flow_project(&self, id: &str) -> Result<ProjectRecord, EngineError> {
        self.store.read(|conn| project(conn, id))
    }

    /// DeleteFlowProject: the project with its categories, jobs and their history. Refused while
    /// one of its job instances has not ended.
    pub fn flow_delete_project(&self, id: &str) -> Result<(), EngineError> {
        let instances = self.store.tx(|conn| {
            project(conn, id)?;
            let busy: Option<String> = one(
                conn,
                "SELECT instance_id FROM flow_instances WHERE project_id = ?1 AND status IN ('SUBMITTED', 'RUNNING') LIMIT 1",
                id,
            )?;
            if let Some(i) = busy {
                return Err(EngineError::invalid(INCORRECT_STATUS, text!(
                    "The project has a job instance that has not ended ({i}); kill it or wait before deleting the project.",
                    "项目中有未结束的作业实例（{i}）；请先终止或等待其结束再删除项目。"
                )));
            }
            let ids = rows(conn, "SELECT instance_id FROM flow_instances WHERE project_id = ?1", id)?;
            for t in ["flow_instances", "flow_jobs", "flow_categories", "flow_projects"] {
                conn.execute(&format!("DELETE FROM {t} WHERE project_id = ?1"), [id])?;
            }
            Ok(ids)
        })?;
        for i in instances {
            let _ = std::fs::remove_dir_all(self.flow_instance_dir(&i));
        }
        Ok(())
    }

    pub fn flow_create_category(&self, project_id: &str, name: &str, kind: &str, parent: Option<&str>) -> Result<String, EngineError> {
        self.store.tx(|conn| {
            project(conn, project_id)?;
            let all = categories(conn, project_id)?;
            let parent_id = match parent {
                None => String::new(),
                Some(pid) => {
                    let p = all.iter().find(|c| c.id == pid).ok_or_else(|| {
                        EngineError::invalid(CATEGORY_NOT_FOUND, text!("Category does not exist [{pid}].", "目录不存在 [{pid}]。"))
                    })?;
                    if p.kind != kind {
                        let pk = &p.kind;
                        return Err(EngineError::invalid(INVALID, text!(
                            "The parent category {pid} holds {pk} items, not {kind}.",
                            "父目录 {pid} 存放 {pk} 类条目，而不是 {kind}。"
                        )));
                    }
                    pid.to_string()
                }
            };
            if all.iter().any(|c| c.parent_id == parent_id && c.name == name && c.kind == kind) {
                return Err(EngineError::invalid(INVALID, text!(
                    "A category named {name} already exists there.",
                    "该位置已存在名为 {name} 的目录。"
                )));
            }
            let now = util::now_ms();
            let c = CategoryRecord { id: new_id("FC-"), project_id: project_id.into(), name: name.into(), parent_id, kind: kind.into(), created_ms: now, modified_ms: now };
            save_category(conn, &c)?;
            Ok(c.id)
        })
    }

    /// ListFlowCategory: `parent` narrows to one folder's children, `root` to top-level ones.
    pub fn flow_categories(&self, project_id: &str, parent: Option<&str>, root: bool, number: i64, size: i64) -> Result<Page<CategoryRecord>, EngineError> {
        let mut all = self.store.read(|conn| {
            project(conn, project_id)?;
            categories(conn, project_id)
        })?;
        all.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        let items = all
            .into_iter()
            .filter(|c| parent.is_none_or(|p| c.parent_id == p))
            .filter(|c| !root || c.parent_id.is_empty())
            .collect();
        Ok(page(items, number, size))
    }

    /// DeleteFlowCategory: only an empty folder (no sub-folders, no jobs) can go.
    pub fn flow_delete_category(&self, project_id: &str, id: &str) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            project(conn, project_id)?;
            let all = categories(conn, project_id)?;
            if !all.iter().any(|c| c.id == id) {
                return Err(EngineError::invalid(CATEGORY_NOT_FOUND, text!("Category does not exist [{id}].", "目录不存在 [{id}]。")));
            }
            let used = all.iter().any(|c| c.parent_id == id) || jobs_of(conn, project_id)?.iter().any(|j| j.spec.parent_category == id);
            if used {
                return Err(EngineError::invalid(INCORRECT_STATUS, text!(
                    "The category {id} is not empty; move or delete what it holds first.",
                    "目录 {id} 不为空；请先移走或删除其中的内容。"
                )));
            }
            conn.execute("DELETE FROM flow_categories WHERE category_id = ?1", [id])?;
            Ok(())
        })
    }

    /// The references of a job spec must exist: its folder and its default cluster.
    fn check_refs(conn: &Connection, project_id: &str, spec: &FlowJobSpec) -> Result<(), EngineError> {
        if !spec.parent_category.is_empty() {
            let id = &spec.parent_category;
            let found = categories(conn, project_id)?.into_iter().find(|c| &c.id == id).ok_or_else(|| {
                EngineError::invalid(CATEGORY_NOT_FOUND, text!("Category does not exist [{id}].", "目录不存在 [{id}]。"))
            })?;
            if found.kind == "FLOW" {
                return Err(EngineError::invalid(INVALID, text!(
                    "The category {id} holds flows; put jobs in a JOB or ADHOC category.",
                    "目录 {id} 存放工作流；请把作业放在 JOB 或 ADHOC 目录中。"
                )));
            }
        }
        if !spec.cluster_id.is_empty() {
            cluster(conn, &spec.cluster_id)?;
        }
        Ok(())
    }

    pub fn flow_create_job(&self, project_id: &str, spec: FlowJobSpec) -> Result<String, EngineError> {
        self.store.tx(|conn| {
            project(conn, project_id)?;
            Self::check_refs(conn, project_id, &spec)?;
            if jobs_of(conn, project_id)?.iter().any(|j| j.spec.name == spec.name) {
                let name = &spec.name;
                return Err(EngineError::invalid(INVALID, text!(
                    "A job named {name} already exists in this project.",
                    "本项目中已存在名为 {name} 的作业。"
                )));
            }
            let now = util::now_ms();
            let j = JobRecord { id: new_id("FJ-"), project_id: project_id.into(), spec, created_ms: now, modified_ms: now, last_instance_id: String::new() };
            save_job(conn, &j)?;
            Ok(j.id)
        })
    }

    pub fn flow_job(&self, project_id: &str, id: &str) -> Result<JobRecord, EngineError> {
        self.store.read(|conn| job(conn, project_id, id))
    }

    /// ModifyFlowJob: `check` turns the stored spec into the new one (the shared rules).
    pub fn flow_modify_job(
        &self,
        project_id: &str,
        id: &str,
        check: impl FnOnce(&FlowJobSpec) -> Result<FlowJobSpec, EngineError>,
    ) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let mut j = job(conn, project_id, id)?;
            let spec = check(&j.spec)?;
            Self::check_refs(conn, project_id, &spec)?;
            if spec.name != j.spec.name && jobs_of(conn, project_id)?.iter().any(|o| o.spec.name == spec.name) {
                let name = &spec.name;
                return Err(EngineError::invalid(INVALID, text!(
                    "A job named {name} already exists in this project.",
                    "本项目中已存在名为 {name} 的作业。"
                )));
            }
            j.spec = spec;
            j.modified_ms = util::now_ms();
            save_job(conn, &j)
        })
    }

    /// ListFlowJob: newest first; `name` a case-insensitive substring, `kind` any casing.
    pub fn flow_jobs(&self, project_id: &str, q: &JobQuery, number: i64, size: i64) -> Result<Page<JobRecord>, EngineError> {
        let (id, name, kind, adhoc) = (q.id.as_deref(), q.name.as_deref(), q.kind.as_deref(), q.adhoc);
        let all = self.store.read(|conn| {
            project(conn, project_id)?;
            jobs_of(conn, project_id)
        })?;
        let needle = name.map(str::to_lowercase);
        let items = all
            .into_iter()
            .filter(|j| id.is_none_or(|i| j.id == i))
            .filter(|j| needle.as_deref().is_none_or(|n| j.spec.name.to_lowercase().contains(n)))
            .filter(|j| kind.is_none_or(|k| j.spec.kind.eq_ignore_ascii_case(k)))
            .filter(|j| adhoc.is_none_or(|a| j.spec.adhoc == a))
            .collect();
        Ok(page(items, number, size))
    }

    /// DeleteFlowJob: refused while an instance of the job has not ended; its history goes with it.
    pub fn flow_delete_job(&self, project_id: &str, id: &str) -> Result<(), EngineError> {
        let ids = self.store.tx(|conn| {
            job(conn, project_id, id)?;
            let insts: Vec<InstanceRecord> = rows(conn, "SELECT data FROM flow_instances WHERE job_id = ?1", id)?
                .iter()
                .filter_map(|d| decode("job instance", d))
                .collect();
            if let Some(i) = insts.iter().find(|i| !wire::is_final_status(&i.status)) {
                let iid = &i.id;
                return Err(EngineError::invalid(INCORRECT_STATUS, text!(
                    "The job has an instance that has not ended ({iid}); kill it or wait before deleting the job.",
                    "该作业有未结束的实例（{iid}）；请先终止或等待其结束再删除作业。"
                )));
            }
            conn.execute("DELETE FROM flow_instances WHERE job_id = ?1", [id])?;
            conn.execute("DELETE FROM flow_jobs WHERE job_id = ?1", [id])?;
            Ok(insts.into_iter().map(|i| i.id).collect::<Vec<_>>())
        })?;
        for i in ids {
            let _ = std::fs::remove_dir_all(self.flow_instance_dir(&i));
        }
        Ok(())
    }

    /// ListFlowCluster: every cluster is usable by every project in the sandbox.
    pub fn flow_clusters(&self, project_id: &str, number: i64, size: i64) -> Result<Page<ClusterRecord>, EngineError> {
        let all = self.store.read(|conn| {
            project(conn, project_id)?;
            clusters(conn)
        })?;
        Ok(page(all, number, size))
    }

    /// SubmitFlowJob: a new instance of the job on `cluster_id`, SUBMITTED. `conf` (JSON) may
    /// override the job's Params with its `params` key.
    pub fn flow_submit(&self, project_id: &str, job_id: &str, cluster_id: &str, conf: Option<&str>, instance_id: Option<&str>) -> Result<String, EngineError> {
        let params_override = match conf.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                let v: serde_json::Value = serde_json::from_str(c).map_err(|e| {
                    let e = e.to_string();
                    EngineError::invalid(INVALID, text!("Conf is not valid JSON: {e}", "Conf 不是有效的 JSON：{e}"))
                })?;
                let obj = v.as_object().ok_or_else(|| EngineError::invalid(INVALID, text!("Conf must be a JSON object.", "Conf 必须是 JSON 对象。")))?;
                match obj.get("params") {
                    None => None,
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(_) => return Err(EngineError::invalid(INVALID, text!("Conf: params must be a string.", "Conf：params 必须是字符串。"))),
                }
            }
        };
        let id = match instance_id.map(str::trim).filter(|s| !s.is_empty()) {
            None => new_id("FJI-"),
            Some(i) => {
                let ok = i.strip_prefix("FJI-").is_some_and(|h| (1..=32).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_alphanumeric()));
                if !ok {
                    return Err(EngineError::invalid(INVALID, text!(
                        "JobInstanceId must look like FJI-0123456789ABCDEF, not '{i}'.",
                        "JobInstanceId 应形如 FJI-0123456789ABCDEF，而不是 '{i}'。"
                    )));
                }
                i.to_string()
            }
        };
        self.store.tx(|conn| {
            let mut j = job(conn, project_id, job_id)?;
            let c = cluster(conn, cluster_id)?;
            if !c.accepts_jobs() {
                let st = &c.status;
                return Err(EngineError::invalid(INCORRECT_STATUS, text!(
                    "The cluster {cluster_id} is {st}; jobs run on RUNNING or IDLE clusters.",
                    "集群 {cluster_id} 的状态为 {st}；作业只能在 RUNNING 或 IDLE 的集群上运行。"
                )));
            }
            if instance_by_id(conn, &id)?.is_some() {
                return Err(EngineError::invalid(INVALID, text!("The job instance {id} already exists.", "作业实例 {id} 已存在。")));
            }
            let running: Option<String> = conn
                .query_row(
                    "SELECT instance_id FROM flow_instances WHERE job_id = ?1 AND status IN ('SUBMITTED', 'RUNNING') LIMIT 1",
                    [job_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = running {
                return Err(EngineError::invalid(INCORRECT_STATUS, text!(
                    "The job {job_id} already has a running instance ({other}); a job runs one instance at a time.",
                    "作业 {job_id} 已有运行中的实例（{other}）；一个作业同一时间只能运行一个实例。"
                )));
            }
            let seq = store::meta(conn, "flow:instanceseq")?.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0) + 1;
            store::set_meta(conn, "flow:instanceseq", &seq.to_string())?;
            let now = util::now_ms();
            let inst = InstanceRecord {
                id: id.clone(),
                project_id: project_id.into(),
                job_id: job_id.into(),
                job_name: j.spec.name.clone(),
                job_type: j.spec.kind.clone(),
                cluster_id: c.id.clone(),
                cluster_name: c.name.clone(),
                host_name: c.host(),
                status: "SUBMITTED".into(),
                external_status: "SUBMITTED".into(),
                created_ms: now,
                modified_ms: now,
                spec: j.spec.clone(),
                params: params_override.unwrap_or_else(|| j.spec.params.clone()),
                pending: true,
                not_before_ms: now + (self.step_ms() as i64 / 2).max(1),
                seq,
                ..Default::default()
            };
            save_instance(conn, &inst)?;
            j.last_instance_id = id.clone();
            save_job(conn, &j)?;
            Ok(())
        })?;
        let inst = self.flow_instance(project_id, &id)?;
        self.flow_launcher(&inst, &format!("Job {} ({}) submitted to cluster {} ({}).", inst.job_name, inst.job_type, inst.cluster_name, inst.cluster_id));
        Ok(id)
    }

    pub fn flow_instance(&self, project_id: &str, id: &str) -> Result<InstanceRecord, EngineError> {
        self.store.read(|conn| instance(conn, project_id, id))
    }

    /// KillFlowJob: the instance's work stops and it ends KILL_SUCCESS.
    pub fn flow_kill(&self, project_id: &str, id: &str) -> Result<(), EngineError> {
        let inst = self.store.tx(|conn| {
            let mut i = instance(conn, project_id, id)?;
            if wire::is_final_status(&i.status) {
                let st = &i.status;
                return Err(EngineError::invalid(INCORRECT_STATUS, text!(
                    "The job instance {id} has already ended ({st}).",
                    "作业实例 {id} 已经结束（{st}）。"
                )));
            }
            if let Some(h) = lock(&self.flow.running).remove(id) {
                h.cancel.store(true, Ordering::SeqCst);
                if let Some(a) = h.abort {
                    a.abort();
                }
                if let Some(pgid) = h.pgid {
                    kill_group(pgid);
                }
            }
            i.finish("KILL_SUCCESS", "KILL_SUCCESS", text!("Killed at the user's request.", "用户请求终止。"), util::now_ms());
            save_instance(conn, &i)?;
            Ok(i)
        })?;
        self.flow_launcher(&inst, "Killed at the user's request.");
        Ok(())
    }

    /// ListFlowJobHistory: newest first.
    pub fn flow_history(&self, project_id: &str, q: &HistoryQuery, number: i64, size: i64) -> Result<Page<InstanceRecord>, EngineError> {
        let (job_id, instance_id, job_type) = (q.job_id.as_deref(), q.instance_id.as_deref(), q.job_type.as_deref());
        let (statuses, from, to) = (&q.statuses, q.from, q.to);
        let mut all: Vec<InstanceRecord> = self.store.read(|conn| {
            project(conn, project_id)?;
            if let Some(j) = job_id {
                job(conn, project_id, j)?;
            }
            Ok(rows(conn, "SELECT data FROM flow_instances WHERE project_id = ?1", project_id)?
                .iter()
                .filter_map(|d| decode("job instance", d))
                .collect())
        })?;
        all.sort_by_key(|i| std::cmp::Reverse((i.created_ms, i.seq)));
        let items = all
            .into_iter()
            .filter(|i| job_id.is_none_or(|j| i.job_id == j))
            .filter(|i| instance_id.is_none_or(|x| i.id == x))
            .filter(|i| job_type.is_none_or(|t| i.job_type.eq_ignore_ascii_case(t)))
            .filter(|i| statuses.is_empty() || statuses.contains(&i.status.as_str()))
            .filter(|i| from.is_none_or(|f| i.created_ms >= f))
            .filter(|i| to.is_none_or(|t| i.created_ms <= t))
            .collect();
        Ok(page(items, number, size))
    }

    /// The launcher log: lines from `offset` (0-based), at most `length`; `reverse` counts
    /// from the end. Answers the lines and whether the log is complete (the instance ended and
    /// the last line was read).
    pub fn flow_launcher_log(&self, project_id: &str, id: &str, offset: i64, length: Option<i64>, reverse: bool) -> Result<(Vec<String>, bool), EngineError> {
        let inst = self.flow_instance(project_id, id)?;
        let text = std::fs::read_to_string(self.flow_instance_dir(id).join("launcher.log")).unwrap_or_default();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let n = lines.len() as i64;
        let length = length.unwrap_or(DEFAULT_LOG_LINES).clamp(0, MAX_LOG_LINES);
        let (start, end) = if reverse {
            let end = (n - offset).max(0);
            ((end - length).max(0), end)
        } else {
            (offset.min(n), (offset + length).min(n))
        };
        let out = lines[start as usize..end as usize].iter().map(|l| l.to_string()).collect();
        let done = wire::is_final_status(&inst.status) && (reverse || end >= n);
        Ok((out, done))
    }

    /// Called once at start: instances in flight died with the old process.
    pub fn flow_recover(&self) -> Result<usize, EngineError> {
        let lost = self.store.tx(|conn| {
            let now = util::now_ms();
            let mut out = Vec::new();
            for mut i in open_instances(conn)? {
                let was = i.status.clone();
                i.finish("FAILED", "FAIL", text!(
                    "The sandbox restarted while this instance was {was}; its work was lost. Submit the job again.",
                    "实例处于 {was} 状态时沙箱重启，工作已丢失。请重新提交作业。"
                ), now);
                save_instance(conn, &i)?;
                out.push(i);
            }
            Ok(out)
        })?;
        for i in &lost {
            self.flow_launcher(i, "FAILED: the sandbox restarted while the instance was in flight.");
        }
        Ok(lost.len())
    }

    fn flow_instance_dir(&self, id: &str) -> PathBuf {
        self.data_dir.join("emr-flow").join(id)
    }

    fn flow_launcher_raw(&self, i: &InstanceRecord, text: &str) {
        let dir = self.flow_instance_dir(&i.id);
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("launcher.log")) {
            let _ = f.write_all(text.as_bytes());
        }
    }

    fn flow_launcher(&self, i: &InstanceRecord, message: &str) {
        self.flow_launcher_raw(i, &format!("{} INFO {message}\n", util::iso_utc(util::now_ms())));
    }
}

// ---------------------------------------------------------------------------------------------
// Scheduler

impl Engine {
    /// Seeds the running clusters' warehouses and starts instances that may run.
    pub fn flow_pump(self: &Arc<Self>) -> Result<(), EngineError> {
        let (cs, busy) = self.store.read(|conn| {
            let busy: bool = conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM flow_instances WHERE status IN ('SUBMITTED', 'RUNNING'))",
                [],
                |r| r.get(0),
            )?;
            Ok((clusters(conn)?, busy))
        })?;
        for c in cs.iter().filter(|c| c.accepts_jobs()) {
            if !self.warehouse_ready(&c.id) {
                self.start_seeding(&c.id);
            }
        }
        if !busy {
            return Ok(());
        }
        let (to_start, notes) = self.store.tx(|conn| {
            let now = util::now_ms();
            let all = open_instances(conn)?;
            let mut used: HashMap<String, i64> = HashMap::new();
            for i in all.iter().filter(|i| i.status == "RUNNING") {
                *used.entry(i.cluster_id.clone()).or_default() += 1;
            }
            let slots: HashMap<String, ClusterRecord> = cs.iter().map(|c| (c.id.clone(), c.clone())).collect();
            let mut waiting: Vec<InstanceRecord> = all.into_iter().filter(|i| i.status == "SUBMITTED").collect();
            waiting.sort_by_key(|i| (i.not_before_ms, i.seq));
            let mut to_start = Vec::new();
            let mut notes = Vec::new();
            for mut i in waiting {
                if i.not_before_ms > now {
                    continue;
                }
                let Some(c) = slots.get(&i.cluster_id) else { continue };
                if !c.accepts_jobs() {
                    let st = c.status.clone();
                    i.finish("FAILED", "FAIL", text!("The cluster became {st}.", "集群状态变为 {st}。"), now);
                    save_instance(conn, &i)?;
                    notes.push((i, format!("FAILED: the cluster became {st}.")));
                    continue;
                }
                let n = used.entry(i.cluster_id.clone()).or_default();
                if *n >= c.slots {
                    continue;
                }
                *n += 1;
                i.status = "RUNNING".into();
                i.external_status = "RUNNING".into();
                i.pending = false;
                if i.start_ms == 0 {
                    i.start_ms = now;
                }
                i.modified_ms = now;
                i.external_id = format!("application_{}_{:04}", c.created_ms, i.seq * 10 + i.retries);
                let cancel = Arc::new(AtomicBool::new(false));
                lock(&self.flow.running).insert(i.id.clone(), Handle { cancel: cancel.clone(), abort: None, pgid: None });
                save_instance(conn, &i)?;
                to_start.push((i, cancel));
            }
            Ok((to_start, notes))
        })?;
        for (i, n) in notes {
            self.flow_launcher(&i, &n);
        }
        for (i, cancel) in to_start {
            self.flow_start(i, cancel);
        }
        Ok(())
    }

    fn flow_start(self: &Arc<Self>, inst: InstanceRecord, cancel: Arc<AtomicBool>) {
        let engine = self.clone();
        let id = inst.id.clone();
        let task = self.jobs_handle().spawn(async move {
            let attempt = inst.retries + 1;
            engine.flow_launcher(&inst, &format!("Attempt {attempt} started as {} on {}.", inst.external_id, inst.host_name));
            let limit = inst.spec.max_running_time_sec;
            let work = engine.flow_execute(&inst, &cancel);
            let outcome = if limit > 0 {
                match tokio::time::timeout(Duration::from_secs(limit as u64), work).await {
                    Ok(o) => o,
                    Err(_) => {
                        lock(&engine.flow.timed_out).insert(inst.id.clone());
                        cancel.store(true, Ordering::SeqCst);
                        if let Some(pgid) = lock(&engine.flow.running).get(&inst.id).and_then(|h| h.pgid) {
                            kill_group(pgid);
                        }
                        Err(text!(
                            "The attempt ran longer than MaxRunningTimeSec ({limit} s) and was stopped.",
                            "本次尝试运行超过 MaxRunningTimeSec（{limit} 秒），已被停止。"
                        ))
                    }
                }
            } else {
                work.await
            };
            match &outcome {
                Ok(m) => engine.flow_launcher(&inst, &format!("Attempt {attempt} succeeded: {}", m.en)),
                Err(m) => engine.flow_launcher(&inst, &format!("Attempt {attempt} failed: {}", m.en)),
            }
            let e = engine.clone();
            let _ = tokio::task::spawn_blocking(move || e.flow_finish(&inst.id, outcome)).await;
        });
        if let Some(h) = lock(&self.flow.running).get_mut(&id) {
            h.abort = Some(task.abort_handle());
        }
    }

    fn flow_finish(&self, id: &str, outcome: Result<Text, Text>) -> Result<(), EngineError> {
        lock(&self.flow.timed_out).remove(id);
        let ended = self.store.tx(|conn| {
            if lock(&self.flow.running).remove(id).is_none() {
                // Killed: that path wrote the end.
                return Ok(None);
            }
            let Some(mut i) = instance_by_id(conn, id)? else { return Ok(None) };
            let now = util::now_ms();
            let note = match outcome {
                Ok(m) => {
                    i.finish("SUCCESS", "SUCCESS", m, now);
                    "SUCCESS.".to_string()
                }
                Err(m) if i.retries < i.spec.max_retry => {
                    i.retries += 1;
                    i.status = "SUBMITTED".into();
                    i.external_status = "SUBMITTED".into();
                    i.external_info = m.into();
                    i.pending = true;
                    i.not_before_ms = now + i.spec.retry_interval * 1000;
                    i.modified_ms = now;
                    format!("Retrying in {} s (retry {} of {}).", i.spec.retry_interval, i.retries, i.spec.max_retry)
                }
                Err(m) => {
                    i.finish("FAILED", "FAIL", m, now);
                    let act = if i.spec.fail_act == "CONTINUE" {
                        "FailAct CONTINUE: a flow running this job would go on with its next node."
                    } else {
                        "FailAct STOP: a flow running this job would stop here."
                    };
                    format!("FAILED after {} attempt(s). {act}", i.retries + 1)
                }
            };
            save_instance(conn, &i)?;
            Ok(Some((i, note)))
        })?;
        if let Some((i, note)) = ended {
            self.flow_launcher(&i, &note);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Executors

/// What a SQL job's Params ask for.
enum SqlInput {
    Text(String),
    File(String),
}

/// SPARK_SQL / HIVE_SQL / HIVE Params: SQL text, or command-line arguments as the `hive` and
/// `spark-sql` commands take them (`-e <sql>`, `-f <file>`; `--hiveconf`/`--conf`/`--hivevar`/
/// `-d` settings are recorded only).
fn sql_input(params: &str) -> Result<(SqlInput, Vec<String>), Text> {
    let trimmed = params.trim();
    if !trimmed.starts_with('-') {
        return Ok((SqlInput::Text(params.to_string()), Vec::new()));
    }
    let words = shell_words(trimmed).map_err(|p| crate::emr::problem_text(&p))?;
    let mut notes = Vec::new();
    let mut input = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let value = words.get(i + 1).cloned();
        match w {
            "-e" | "-f" => {
                let v = value.ok_or_else(|| text!("Params: {w} needs a value.", "Params：{w} 需要一个值。"))?;
                input = Some(if w == "-e" { SqlInput::Text(v) } else { SqlInput::File(v) });
                i += 2;
            }
            "--hiveconf" | "--conf" | "--hivevar" | "-d" | "--define" | "--database" => {
                notes.push(format!("{w} {} (recorded; the sandbox engine does not use it)", value.unwrap_or_default()));
                i += 2;
            }
            other => {
                notes.push(format!("{other} ignored"));
                i += 1;
            }
        }
    }
    let input = input.ok_or_else(|| text!("Params: give the SQL with -e \"…\" or -f <file>, or write the SQL itself.", "Params：请用 -e \"…\" 或 -f <文件> 给出 SQL，或直接写 SQL。"))?;
    Ok((input, notes))
}

/// Rows into the launcher log, tab-separated after a header line.
struct LogSink {
    lines: Vec<String>,
    rows: u64,
}

impl RowSink for LogSink {
    fn columns(&mut self, names: Vec<String>) -> Result<(), String> {
        self.lines.push(names.join("\t"));
        Ok(())
    }

    fn row(&mut self, values: Vec<String>) -> Result<(), String> {
        self.rows += 1;
        if self.rows <= MAX_LOG_ROWS {
            let v: Vec<String> = values.iter().map(|s| s.replace(['\t', '\n', '\r'], " ")).collect();
            self.lines.push(v.join("\t"));
        }
        Ok(())
    }
}

impl Engine {
    async fn flow_execute(self: &Arc<Self>, inst: &InstanceRecord, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let now = util::now_ms();
        let s = wire::substitute(&inst.params, &inst.spec.param_conf, &inst.spec.custom_variables, now)
            .map_err(|p| crate::emr::problem_text(&p))?;
        self.flow_launcher(inst, &format!("Params: {}", s.shown));
        if !s.unresolved.is_empty() {
            self.flow_launcher(inst, &format!("Warning: no value for {}; left as written.", s.unresolved.iter().map(|u| format!("${{{u}}}")).collect::<Vec<_>>().join(", ")));
        }
        let shown = s.shown.clone();
        let _ = self.store.tx(|conn| {
            if let Some(mut i) = instance_by_id(conn, &inst.id)? {
                i.job_params = shown;
                save_instance(conn, &i)?;
            }
            Ok(())
        });
        let fs = ClusterFs::new(&self.data_dir, &inst.cluster_id);
        match inst.job_type.as_str() {
            "SPARK_SQL" | "HIVE_SQL" | "HIVE" => self.flow_sql(inst, &fs, &s.text, cancel).await,
            "SPARK" => {
                let args = shell_words(&s.text).map_err(|p| crate::emr::problem_text(&p))?;
                self.flow_program(inst, &fs, "spark-submit", args).await
            }
            "SHELL" => {
                if !self.allow_scripts() {
                    return Err(text!(
                        "SHELL jobs run commands on the sandbox's machine, so they only run when the sandbox is started with --allow-scripts.",
                        "SHELL 作业会在沙箱所在机器上执行命令，只有以 --allow-scripts 启动沙箱时才会运行。"
                    ));
                }
                self.flow_program(inst, &fs, "bash", vec!["-c".into(), s.text.clone()]).await
            }
            other => Err(text!(
                "{other} jobs cannot run in the sandbox: it runs SPARK_SQL, HIVE_SQL and HIVE on its SQL engine, SPARK through spark-submit and SHELL (with --allow-scripts).",
                "沙箱不能运行 {other} 作业：它用 SQL 引擎运行 SPARK_SQL、HIVE_SQL 和 HIVE，用 spark-submit 运行 SPARK，并在 --allow-scripts 时运行 SHELL。"
            )),
        }
    }

    async fn flow_sql(self: &Arc<Self>, inst: &InstanceRecord, fs: &ClusterFs, params: &str, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let (input, notes) = sql_input(params)?;
        for n in notes {
            self.flow_launcher(inst, &n);
        }
        let sql = match input {
            SqlInput::Text(t) => t,
            SqlInput::File(f) => {
                let uri = f.replacen("ossref://", "oss://", 1);
                let path = fs.resolve(&uri)?;
                tokio::fs::read_to_string(&path).await.map_err(|e| {
                    let e = e.to_string();
                    text!("Cannot read the SQL file {f}: {e}", "无法读取 SQL 文件 {f}：{e}")
                })?
            }
        };
        let statements = split_statements(&sql);
        if statements.is_empty() {
            return Err(text!("The SQL text has no statement to run.", "SQL 文本中没有可执行的语句。"));
        }
        let waited = std::time::Instant::now();
        while !self.warehouse_ready(&inst.cluster_id) {
            self.start_seeding(&inst.cluster_id);
            if waited.elapsed() > WAREHOUSE_WAIT || self.seed_failed(&inst.cluster_id) {
                return Err(text!(
                    "The cluster's warehouse (TPC-H tables) could not be prepared; see the sandbox's output.",
                    "集群的数据仓库（TPC-H 表）无法准备；请查看沙箱输出。"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut session = Session::new(fs.clone(), cancel.clone(), self.tables.clone());
        let n = statements.len();
        for (k, stmt) in statements.iter().enumerate() {
            self.flow_launcher(inst, &format!("Statement {}: {stmt}", k + 1));
            let started = std::time::Instant::now();
            let mut sink = LogSink { lines: Vec::new(), rows: 0 };
            let ran = session.execute(stmt, &mut sink).await;
            if !sink.lines.is_empty() {
                let mut block = sink.lines.join("\n");
                block.push('\n');
                self.flow_launcher_raw(inst, &block);
            }
            let secs = started.elapsed().as_secs_f64();
            match ran {
                Ok(Ran::Rows(total)) => {
                    if total > MAX_LOG_ROWS {
                        self.flow_launcher(inst, &format!("{} more row(s) not printed.", total - MAX_LOG_ROWS));
                    }
                    self.flow_launcher(inst, &format!("Time taken: {secs:.3} seconds, Fetched: {total} row(s)"));
                }
                Ok(Ran::Done(summary)) => self.flow_launcher(inst, &format!("Time taken: {secs:.3} seconds ({summary})")),
                Err(e) => {
                    let i = k + 1;
                    return Err(text!("Statement {i} of {n} failed: {e}", "第 {i} 条语句（共 {n} 条）失败：{e}"));
                }
            }
        }
        Ok(text!("{n} statement(s) ran.", "{n} 条语句已执行。"))
    }

    /// Runs `program` with `args` in the instance's work directory: ResourceList files are
    /// copied there under their alias, `oss://`/`ossref://`/`hdfs://` arguments point at the local
    /// files, EnvConf becomes the environment. Output goes to the launcher log.
    async fn flow_program(self: &Arc<Self>, inst: &InstanceRecord, fs: &ClusterFs, program: &str, args: Vec<String>) -> Result<Text, Text> {
        let Some(exe) = find_on_path(program) else {
            return Err(text!(
                "{program} is not on the sandbox's PATH, so this job cannot run here (for spark-submit: pip install pyspark, with a Java runtime).",
                "沙箱的 PATH 中没有 {program}，因此无法运行此作业（spark-submit 可通过 pip install pyspark 安装，需要 Java 运行环境）。"
            ));
        };
        let dir = self.flow_instance_dir(&inst.id).join(format!("work-{}", inst.retries + 1));
        std::fs::create_dir_all(&dir).map_err(|e| Text::from(e.to_string()))?;
        let local = |a: &str| -> Result<String, Text> {
            let uri = a.replacen("ossref://", "oss://", 1);
            if uri.starts_with("oss://") || uri.starts_with("hdfs://") {
                fs.resolve(&uri).map(|p| p.display().to_string())
            } else {
                Ok(a.to_string())
            }
        };
        for r in &inst.spec.resources {
            let src = PathBuf::from(local(&r.path)?);
            let name = if r.alias.is_empty() { r.path.rsplit('/').next().unwrap_or("resource").to_string() } else { r.alias.clone() };
            if name.contains('/') || name == ".." || name == "." || name.is_empty() {
                return Err(text!("Resource alias '{name}' is not a file name.", "资源别名 '{name}' 不是文件名。"));
            }
            std::fs::copy(&src, dir.join(&name)).map_err(|e| {
                let (p, e) = (&r.path, e.to_string());
                text!("Cannot fetch the resource {p}: {e}", "无法获取资源 {p}：{e}")
            })?;
            self.flow_launcher(inst, &format!("Resource {} → ./{name}", r.path));
        }
        let args: Vec<String> = if program == "bash" {
            args
        } else {
            // spark-submit: options pass through, paths are made local.
            args.iter().map(|a| local(a)).collect::<Result<_, _>>()?
        };
        let env = wire::env_conf(&inst.spec.env_conf).map_err(|p| crate::emr::problem_text(&p))?;
        let shown: Vec<String> = if program == "bash" { vec!["-c".into(), "<Params>".into()] } else { args.clone() };
        self.flow_launcher(inst, &format!("Starting {} {}", exe.display(), shown.join(" ")));
        let mut cmd = process::user_command(&exe, &dir);
        cmd.args(&args)
            .envs(env)
            .env("LAKEDECK_JOB_INSTANCE_ID", &inst.id)
            .env("LAKEDECK_HDFS_ROOT", fs.hdfs_root())
            .env("LAKEDECK_OSS_ROOT", super::hdfs::oss_root(&self.data_dir));
        let mut child = cmd.spawn().map_err(|e| {
            let e = e.to_string();
            text!("Cannot start {program}: {e}", "无法启动 {program}：{e}")
        })?;
        if let Some(pid) = child.id() {
            let mut running = lock(&self.flow.running);
            match running.get_mut(&inst.id) {
                Some(h) if !h.cancel.load(Ordering::SeqCst) => h.pgid = Some(pid as i32),
                _ => kill_group(pid as i32),
            }
        }
        let log = self.flow_instance_dir(&inst.id).join("launcher.log");
        let tees = [
            child.stdout.take().map(|s| tokio::spawn(tee(s, dir.join("stdout"), log.clone()))),
            child.stderr.take().map(|s| tokio::spawn(tee(s, dir.join("stderr"), log.clone()))),
        ];
        let status = child.wait().await.map_err(|e| Text::from(e.to_string()))?;
        for t in tees.into_iter().flatten() {
            let _ = t.await;
        }
        if status.success() {
            Ok(text!("{program} exited with status 0.", "{program} 以状态 0 退出。"))
        } else {
            let s = status.to_string();
            Err(text!("{program} exited with {s}.", "{program} 以 {s} 退出。"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_params() {
        let (i, _) = sql_input("select 1").ok().unwrap();
        assert!(matches!(i, SqlInput::Text(t) if t == "select 1"));
        let (i, notes) = sql_input("--hiveconf a=b -f ossref://b/q.sql").ok().unwrap();
        assert!(matches!(i, SqlInput::File(f) if f == "ossref://b/q.sql"));
        assert_eq!(notes.len(), 1);
        let (i, _) = sql_input(r#"-e "select 'a b'""#).ok().unwrap();
        assert!(matches!(i, SqlInput::Text(t) if t == "select 'a b'"));
        assert!(sql_input("-v").is_err());
        assert!(sql_input("-e").is_err());
    }

    #[test]
    fn pages() {
        let p = page((0..25).collect::<Vec<_>>(), 3, 10);
        assert_eq!((p.total, p.items), (25, vec![20, 21, 22, 23, 24]));
        assert!(page((0..5).collect::<Vec<_>>(), 9, 10).items.is_empty());
    }
}
