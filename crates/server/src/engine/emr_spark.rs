//! EMR Serverless Spark: workspaces, queues, release versions and job runs (emr-api.md §1), with
//! runs that really execute — SQL on DataFusion over the workspace's TPC-H warehouse, JAR and
//! PYTHON through `spark-submit` from the PATH.
//!
//! Storage (SQLite, [`SCHEMA`]): `emr_workspaces` (seeded once), `emr_runs` (one row per run: the
//! columns ListJobRuns filters and orders on, and the record JSON in `data`) and `emr_run_attrs`
//! (tags, Spark settings and spark-submit options of each run, one row per pair, indexed for the
//! `tags`, `applicationConfigs` and `runtimeConfigs` filters).
//!
//! States: a run is `Submitted`, moves to `Pending` after half a lifecycle step, and to `Running`
//! when its queue has room: a queue runs runs while the cores and memory they were allocated (the
//! driver plus executors, emr.rs `resources`) fit in its `maxResource`. `Running` ends `Success`
//! or `Failed`; `executionTimeoutSeconds` ends it `Failed` (code `ExecutionTimeout`). Cancel moves
//! any unfinished run to `Cancelling` and, once its work has stopped, to `Cancelled`.
//!
//! Ownership of a run's end, as for MRS jobs: a run being executed is in the in-memory `running`
//! map, and whoever removes it (the executor finishing, the cancel watchdog) writes the end inside a
//! store transaction, so two ends never both land.
//!
//! Logs: a run's driver logs are files in the sandbox's OSS (`oss://<workspace bucket>/logs/<run>/
//! driver/{stdout,stderr,syslog,startup}`), named in `log`; ListLogContents reads them by line.
//! A SQL run writes each statement's rows to stdout, tab-separated after a header line of column
//! names (tabs and line breaks inside values escaped as `\t`, `\n`, `\r`), as `spark-sql -e` prints.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lakedeck_api::emr::{
    self as wire, CheckedRun, Configuration, JobDriver, JobRun, JobRunFilter, JobRunSummary, LogContent, LogLine, Resources,
    RunLog, SparkSubmit, SqlSource, StateChangeReason, Tag,
};
use lakedeck_api::sqltext::split_statements;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::hdfs::ClusterFs;
use super::jobs::lock;
use super::process::{self, find_on_path, kill_group, tee};
use super::sql::{Ran, RowSink, Session};
use super::{store, Engine, EngineError};
use crate::lang::Text;
use crate::{text, util};

pub const WORKSPACE_NOT_FOUND: &str = "InvalidWorkspaceId.NotFound";
pub const RUN_NOT_FOUND: &str = "InvalidJobRunId.NotFound";
pub const QUEUE_NOT_FOUND: &str = "InvalidQueueName.NotFound";
pub const INCORRECT_STATE: &str = "IncorrectJobRunState";
pub const INVALID: &str = "InvalidParameter";

/// How long a run waits for its workspace's warehouse to be seeded before failing.
const WAREHOUSE_WAIT: Duration = Duration::from_secs(120);
/// How long a cancelled run's work may take to stop before it is abandoned.
const CANCEL_GRACE_MS: i64 = 10_000;
/// Lines ListLogContents returns when `length` is not given, and at most.
const DEFAULT_LOG_LINES: i64 = 9999;
const MAX_LOG_LINES: i64 = 10_000;
pub const REGION: &str = "cn-hangzhou";
/// The resource group every sandbox workspace belongs to.
pub const RESOURCE_GROUP: &str = "rg-lakedeck-default";

/// Tables of this module (created at start, idempotent). ListJobRuns runs in SQL on these indexes
/// (see `list_runs`): `emr_runs_list` covers every filtered column in list order, so a page is read
/// in order without touching the JSON; `emr_runs_by_state` does the same within states;
/// `emr_runs_count` is the narrow one the count of a time window scans; `emr_runs_took` (finished
/// runs by duration) and `emr_runs_open` (unfinished runs by start) answer a minimum duration by
/// index ranges; tags and settings are looked up by (workspace, kind, key, value) in
/// `emr_run_attrs`, in list order, and joined by the runs' integer ids. Triggers keep
/// `emr_run_counts` (runs per workspace and state) and `emr_run_facets` (runs per workspace, state,
/// queue, workflow flag, creator and name) in step with every insert, state change and delete,
/// whoever writes the rows: a total that depends on the states alone is read, and one that depends
/// only on those columns (a name substring included) sums the facets, one row per distinct
/// combination instead of one per run.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS emr_workspaces (
    workspace_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS emr_runs (
    id INTEGER PRIMARY KEY,
    job_run_id TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    submit_ms INTEGER NOT NULL,
    start_ms INTEGER,
    end_ms INTEGER,
    state TEXT NOT NULL,
    queue TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    creator TEXT NOT NULL,
    code_type TEXT NOT NULL,
    job_id TEXT NOT NULL,
    workflow INTEGER NOT NULL,
    client_token TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS emr_runs_list ON emr_runs(workspace_id, submit_ms, seq, state, queue, creator, workflow, end_ms, start_ms, job_id, name_lower);
CREATE INDEX IF NOT EXISTS emr_runs_by_state ON emr_runs(workspace_id, state, submit_ms, seq, queue, creator, workflow, end_ms, start_ms, job_id, name_lower);
CREATE INDEX IF NOT EXISTS emr_runs_count ON emr_runs(workspace_id, submit_ms);
DROP INDEX IF EXISTS emr_runs_names;
DROP INDEX IF EXISTS emr_runs_durations;
CREATE INDEX IF NOT EXISTS emr_runs_took ON emr_runs(workspace_id, end_ms - start_ms, state);
CREATE INDEX IF NOT EXISTS emr_runs_open ON emr_runs(workspace_id, start_ms, state) WHERE end_ms IS NULL;
CREATE INDEX IF NOT EXISTS emr_runs_active ON emr_runs(state) WHERE state IN ('Submitted', 'Pending', 'Running', 'Cancelling');
CREATE INDEX IF NOT EXISTS emr_runs_token ON emr_runs(workspace_id, client_token) WHERE client_token <> '';
CREATE TABLE IF NOT EXISTS emr_run_attrs (
    run INTEGER NOT NULL,
    workspace_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    submit_ms INTEGER NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS emr_run_attrs_lookup ON emr_run_attrs(workspace_id, kind, key, value, submit_ms, seq, run);
CREATE TABLE IF NOT EXISTS emr_run_counts (
    workspace_id TEXT NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, state)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS emr_runs_counted AFTER INSERT ON emr_runs BEGIN
    INSERT INTO emr_run_counts (workspace_id, state, n) VALUES (NEW.workspace_id, NEW.state, 1)
        ON CONFLICT (workspace_id, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS emr_runs_recounted AFTER UPDATE OF state ON emr_runs WHEN OLD.state <> NEW.state BEGIN
    UPDATE emr_run_counts SET n = n - 1 WHERE workspace_id = OLD.workspace_id AND state = OLD.state;
    INSERT INTO emr_run_counts (workspace_id, state, n) VALUES (NEW.workspace_id, NEW.state, 1)
        ON CONFLICT (workspace_id, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS emr_runs_uncounted AFTER DELETE ON emr_runs BEGIN
    UPDATE emr_run_counts SET n = n - 1 WHERE workspace_id = OLD.workspace_id AND state = OLD.state;
END;
CREATE TABLE IF NOT EXISTS emr_run_facets (
    workspace_id TEXT NOT NULL,
    state TEXT NOT NULL,
    queue TEXT NOT NULL,
    workflow INTEGER NOT NULL,
    creator TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, state, queue, workflow, creator, name_lower)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS emr_runs_faceted AFTER INSERT ON emr_runs BEGIN
    INSERT INTO emr_run_facets VALUES (NEW.workspace_id, NEW.state, NEW.queue, NEW.workflow, NEW.creator, NEW.name_lower, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS emr_runs_refaceted AFTER UPDATE OF state ON emr_runs WHEN OLD.state <> NEW.state BEGIN
    UPDATE emr_run_facets SET n = n - 1 WHERE workspace_id = OLD.workspace_id AND state = OLD.state AND queue = OLD.queue
        AND workflow = OLD.workflow AND creator = OLD.creator AND name_lower = OLD.name_lower;
    INSERT INTO emr_run_facets VALUES (NEW.workspace_id, NEW.state, NEW.queue, NEW.workflow, NEW.creator, NEW.name_lower, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    DELETE FROM emr_run_facets WHERE n = 0 AND workspace_id = OLD.workspace_id AND state = OLD.state AND queue = OLD.queue
        AND workflow = OLD.workflow AND creator = OLD.creator AND name_lower = OLD.name_lower;
END;
CREATE TRIGGER IF NOT EXISTS emr_runs_unfaceted AFTER DELETE ON emr_runs BEGIN
    UPDATE emr_run_facets SET n = n - 1 WHERE workspace_id = OLD.workspace_id AND state = OLD.state AND queue = OLD.queue
        AND workflow = OLD.workflow AND creator = OLD.creator AND name_lower = OLD.name_lower;
    DELETE FROM emr_run_facets WHERE n = 0 AND workspace_id = OLD.workspace_id AND state = OLD.state AND queue = OLD.queue
        AND workflow = OLD.workflow AND creator = OLD.creator AND name_lower = OLD.name_lower;
END;
-- A database from before the facets: count its runs once (idempotent: only while the table is empty).
INSERT INTO emr_run_facets
    SELECT workspace_id, state, queue, workflow, creator, name_lower, count(*) FROM emr_runs
    WHERE NOT EXISTS (SELECT 1 FROM emr_run_facets) GROUP BY 1, 2, 3, 4, 5, 6;
";

pub use crate::lang::Msg;

// ---------------------------------------------------------------------------------------------
// Static catalog: release versions and queues

pub struct Release {
    pub version: &'static str,
    pub display: &'static str,
    pub community: &'static str,
    pub scala: &'static str,
    pub fusion: bool,
    pub state: &'static str,
    pub kind: &'static str,
    pub created_ms: i64,
}

/// The engine versions a run may ask for. Every one runs on the sandbox's engines (DataFusion for
/// SQL, the local spark-submit for JAR/PYTHON); the version is recorded as asked.
pub const RELEASES: [Release; 4] = [
    Release { version: "esr-4.1.0 (Spark 3.5.2, Scala 2.12)", display: "esr-4.1.0 (Spark 3.5.2, Scala 2.12)", community: "Spark 3.5.2", scala: "2.12", fusion: false, state: "ONLINE", kind: "stable", created_ms: 1_735_689_600_000 },
    Release { version: "esr-4.0.0 (Spark 3.5.2, Scala 2.12)", display: "esr-4.0.0 (Spark 3.5.2, Scala 2.12)", community: "Spark 3.5.2", scala: "2.12", fusion: false, state: "ONLINE", kind: "stable", created_ms: 1_727_740_800_000 },
    Release { version: "esr-3.3.1 (Spark 3.4.4, Scala 2.12, Native Runtime)", display: "esr-3.3.1 (Spark 3.4.4, Scala 2.12)", community: "Spark 3.4.4", scala: "2.12", fusion: true, state: "ONLINE", kind: "stable", created_ms: 1_719_792_000_000 },
    Release { version: "esr-2.5.1 (Spark 3.3.1, Scala 2.12)", display: "esr-2.5.1 (Spark 3.3.1, Scala 2.12)", community: "Spark 3.3.1", scala: "2.12", fusion: false, state: "OFFLINE", kind: "stable", created_ms: 1_704_067_200_000 },
];

/// The release named by `s`: its full version, its display version, or its `esr-x.y.z` prefix.
pub fn find_release(s: &str) -> Option<&'static Release> {
    let s = s.trim();
    RELEASES.iter().find(|r| {
        r.version == s || r.display == s || r.version.split_whitespace().next() == Some(s)
    })
}

/// A queue of a workspace: its name and the most it may hold at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueSpec {
    pub name: String,
    pub max_cores: i64,
    pub max_memory_mb: i64,
    pub environments: Vec<String>,
    pub queue_type: String,
    pub created_ms: i64,
}

// ---------------------------------------------------------------------------------------------
// Records

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkspaceRecord {
    pub workspace_id: String,
    pub name: String,
    pub status: String,
    /// The OSS bucket runs write their logs to.
    pub bucket: String,
    pub created_ms: i64,
    pub resource_spec: String,
    pub payment_type: String,
    pub release_type: String,
    pub tags: Vec<(String, String)>,
    pub queues: Vec<QueueSpec>,
}

impl WorkspaceRecord {
    pub fn queue(&self, name: &str) -> Option<&QueueSpec> {
        self.queues.iter().find(|q| q.name == name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunRecord {
    pub workspace_id: String,
    pub job_run_id: String,
    pub seq: i64,
    pub name: String,
    pub state: String,
    pub reason_code: String,
    pub reason: Msg,
    pub submit_ms: i64,
    pub start_ms: i64,
    pub end_ms: i64,
    pub code_type: String,
    pub creator: String,
    pub release_version: String,
    pub display_release_version: String,
    pub queue: String,
    pub timeout_s: i64,
    pub fusion: bool,
    pub spark_submit: SparkSubmit,
    pub configurations: Vec<Configuration>,
    pub tags: Vec<Tag>,
    pub job_id: String,
    pub client_token: String,
    pub cores: i64,
    pub memory_mb: i64,
    /// When Submitted moves to Pending, or a cancel gives up waiting for the work to stop.
    pub deadline_ms: i64,
    pub log: RunLog,
}

impl RunRecord {
    fn resources(&self) -> Resources {
        Resources { cores: self.cores, memory_mb: self.memory_mb }
    }

    fn duration_ms(&self, now: i64) -> i64 {
        match (self.start_ms, self.end_ms) {
            (0, _) => 0,
            (s, 0) => now - s,
            (s, e) => e - s,
        }
    }

    fn reason(&self) -> StateChangeReason {
        StateChangeReason { code: self.reason_code.clone(), message: self.reason.text().current().to_string() }
    }

    /// GetJobRun's shape. Call inside the request (the reason is worded in its language).
    pub fn view(&self) -> JobRun {
        JobRun {
            workspace_id: self.workspace_id.clone(),
            job_run_id: self.job_run_id.clone(),
            name: self.name.clone(),
            state: self.state.clone(),
            state_change_reason: self.reason(),
            submit_time: self.submit_ms,
            end_time: self.end_ms,
            code_type: self.code_type.clone(),
            job_driver: JobDriver { spark_submit: Some(self.spark_submit.clone()) },
            configuration_overrides: wire::ConfigurationOverrides { configurations: self.configurations.clone() },
            release_version: self.release_version.clone(),
            display_release_version: self.display_release_version.clone(),
            resource_queue_id: self.queue.clone(),
            resource_owner_id: self.creator.clone(),
            execution_timeout_seconds: self.timeout_s,
            fusion: self.fusion,
            priority: String::new(),
            web_ui: String::new(),
            log: self.log.clone(),
            tags: self.tags.clone(),
            environment_id: String::new(),
        }
    }

    /// ListJobRuns' shape, with usage up to `now` for a run still going.
    pub fn summary(&self, now: i64) -> JobRunSummary {
        let u = wire::usage(self.resources(), self.duration_ms(now));
        JobRunSummary {
            workspace_id: self.workspace_id.clone(),
            job_run_id: self.job_run_id.clone(),
            name: self.name.clone(),
            state: self.state.clone(),
            state_change_reason: self.reason(),
            submit_time: self.submit_ms,
            end_time: self.end_ms,
            code_type: self.code_type.clone(),
            creator: self.creator.clone(),
            release_version: self.release_version.clone(),
            display_release_version: self.display_release_version.clone(),
            resource_queue_id: self.queue.clone(),
            execution_timeout_seconds: self.timeout_s,
            fusion: self.fusion,
            priority: String::new(),
            web_ui: String::new(),
            log: self.log.clone(),
            tags: self.tags.clone(),
            vcore_seconds: u.vcore_seconds,
            mb_seconds: u.mb_seconds,
            cu_hours: u.cu_hours,
        }
    }

    fn end(&mut self, state: &str, code: &str, reason: Text, now: i64) {
        self.state = state.into();
        self.reason_code = code.into();
        self.reason = reason.into();
        self.end_ms = now;
    }
}

/// Where StartJobRun puts a run and who asked (the body's fields besides the run itself).
pub struct Placement<'a> {
    pub release: Option<&'a str>,
    pub queue: Option<&'a str>,
    pub job_id: Option<&'a str>,
    pub client_token: Option<&'a str>,
    pub creator: &'a str,
}

/// A page of ListJobRuns.
pub struct RunPage {
    pub total: i64,
    pub runs: Vec<RunRecord>,
    pub next_token: String,
    pub aggregations: Option<BTreeMap<String, String>>,
}

/// A run whose work is under way.
struct Handle {
    cancel: Arc<AtomicBool>,
    abort: Option<tokio::task::AbortHandle>,
    pgid: Option<i32>,
}

#[derive(Default)]
pub struct EmrRuntime {
    running: Mutex<HashMap<String, Handle>>,
    /// Set when a run's timeout fired (its end is then Failed/ExecutionTimeout).
    timed_out: Mutex<std::collections::HashSet<String>>,
}

// ---------------------------------------------------------------------------------------------
// Storage

fn decode_ws(data: &str) -> Option<WorkspaceRecord> {
    serde_json::from_str(data).map_err(|e| eprintln!("warning: skipping an unreadable workspace record: {e}")).ok()
}

fn decode_run(data: &str) -> Option<RunRecord> {
    serde_json::from_str(data).map_err(|e| eprintln!("warning: skipping an unreadable job run record: {e}")).ok()
}

fn workspaces(conn: &Connection) -> Result<Vec<WorkspaceRecord>, EngineError> {
    let mut stmt = conn.prepare("SELECT data FROM emr_workspaces ORDER BY seq")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.iter().filter_map(|d| decode_ws(d)).collect())
}

fn workspace(conn: &Connection, id: &str) -> Result<WorkspaceRecord, EngineError> {
    let data: Option<String> =
        conn.query_row("SELECT data FROM emr_workspaces WHERE workspace_id = ?1", [id], |r| r.get(0)).optional()?;
    data.as_deref().and_then(decode_ws).ok_or_else(|| {
        EngineError::invalid(WORKSPACE_NOT_FOUND, text!("The workspace {id} does not exist.", "工作空间 {id} 不存在。"))
    })
}

fn save_run(conn: &Connection, r: &RunRecord, insert: bool) -> Result<(), EngineError> {
    let data = serde_json::to_string(r).map_err(|e| EngineError::Internal(e.to_string()))?;
    let start = (r.start_ms != 0).then_some(r.start_ms);
    let end = (r.end_ms != 0).then_some(r.end_ms);
    if insert {
        conn.execute(
            "INSERT INTO emr_runs (job_run_id, workspace_id, seq, submit_ms, start_ms, end_ms, state, queue, name_lower, creator,
             code_type, job_id, workflow, client_token, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                r.job_run_id,
                r.workspace_id,
                r.seq,
                r.submit_ms,
                start,
                end,
                r.state,
                r.queue,
                r.name.to_lowercase(),
                r.creator,
                r.code_type,
                r.job_id,
                wire::is_workflow(&r.tags) as i64,
                r.client_token,
                data
            ],
        )?;
    } else {
        conn.execute(
            "UPDATE emr_runs SET start_ms = ?2, end_ms = ?3, state = ?4, data = ?5 WHERE job_run_id = ?1",
            params![r.job_run_id, start, end, r.state, data],
        )?;
    }
    Ok(())
}

fn run_by_id(conn: &Connection, id: &str) -> Result<Option<RunRecord>, EngineError> {
    let data: Option<String> =
        conn.query_row("SELECT data FROM emr_runs WHERE job_run_id = ?1", [id], |r| r.get(0)).optional()?;
    Ok(data.as_deref().and_then(decode_run))
}

fn run_in(conn: &Connection, ws: &str, id: &str) -> Result<RunRecord, EngineError> {
    workspace(conn, ws)?;
    run_by_id(conn, id)?.filter(|r| r.workspace_id == ws).ok_or_else(|| {
        EngineError::invalid(RUN_NOT_FOUND, text!("The job run {id} does not exist in workspace {ws}.", "工作空间 {ws} 中不存在作业运行 {id}。"))
    })
}

fn active_runs(conn: &Connection) -> Result<Vec<RunRecord>, EngineError> {
    let mut stmt = conn.prepare(
        "SELECT data FROM emr_runs INDEXED BY emr_runs_active WHERE state IN ('Submitted', 'Pending', 'Running', 'Cancelling')",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.iter().filter_map(|d| decode_run(d)).collect())
}

/// Inserts a run's filterable pairs (tags, Spark settings, spark-submit options).
fn insert_attrs(conn: &Connection, r: &RunRecord, checked: &CheckedRun) -> Result<(), EngineError> {
    let run: i64 = conn.query_row("SELECT id FROM emr_runs WHERE job_run_id = ?1", [&r.job_run_id], |row| row.get(0))?;
    let mut stmt =
        conn.prepare("INSERT INTO emr_run_attrs (run, workspace_id, kind, key, value, submit_ms, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
    let pairs = r
        .tags
        .iter()
        .map(|t| ("tag", t.key.clone(), t.value.clone()))
        .chain(checked.application_configs().into_iter().map(|(k, v)| ("app", k, v)))
        .chain(checked.runtime_configs().into_iter().map(|(k, v)| ("rt", k, v)));
    for (kind, k, v) in pairs {
        stmt.execute(params![run, r.workspace_id, kind, k, v, r.submit_ms, r.seq])?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Paging tokens: the position after the last run of a page, (submit time, sequence).

fn token(submit_ms: i64, seq: i64) -> String {
    format!("{submit_ms:x}.{seq:x}")
}

fn parse_token(t: &str) -> Option<(i64, i64)> {
    let (a, b) = t.split_once('.')?;
    Some((i64::from_str_radix(a, 16).ok()?, i64::from_str_radix(b, 16).ok()?))
}

/// The WHERE clause of a filter (without the token) and its arguments, its run columns prefixed
/// with `r` (`"r."` inside a join). `with_states: false` leaves the states out (groupByState);
/// `skip_attr` leaves out the attribute filter a join already applies.
fn where_clause(ws: &str, f: &JobRunFilter, now: i64, with_states: bool, r: &str, skip_attr: Option<usize>) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut sql = format!("{r}workspace_id = ?");
    let mut args: Vec<Value> = vec![ws.to_string().into()];
    for (column, value) in [("job_run_id", &f.job_run_id), ("creator", &f.creator), ("queue", &f.resource_queue_id), ("job_id", &f.job_run_deployment_id)] {
        if let Some(v) = value {
            sql.push_str(&format!(" AND {r}{column} = ?"));
            args.push(v.clone().into());
        }
    }
    // `name_lower` is the name lowercased by Rust, so this is a case-insensitive substring test.
    if let Some(n) = &f.name {
        sql.push_str(&format!(" AND instr({r}name_lower, ?) > 0"));
        args.push(n.to_lowercase().into());
    }
    if with_states && !f.states.is_empty() {
        sql.push_str(&format!(" AND {r}state IN ({})", vec!["?"; f.states.len()].join(", ")));
        args.extend(f.states.iter().map(|s| Value::from(s.to_string())));
    }
    if let Some(w) = f.is_workflow {
        sql.push_str(&format!(" AND {r}workflow = ?"));
        args.push((w as i64).into());
    }
    for (column, range) in [("submit_ms", f.submit_time), ("end_ms", f.end_time)] {
        if let Some(a) = range.start {
            sql.push_str(&format!(" AND {r}{column} >= ?"));
            args.push(a.into());
        }
        if let Some(b) = range.end {
            sql.push_str(&format!(" AND {r}{column} <= ?"));
            args.push(b.into());
        }
    }
    if let Some(d) = f.min_duration_ms {
        sql.push_str(&format!(" AND {r}start_ms IS NOT NULL AND coalesce({r}end_ms, ?) - {r}start_ms >= ?"));
        args.push(now.into());
        args.push(d.into());
    }
    for (i, (kind, k, v)) in attr_filters(f).enumerate() {
        if skip_attr == Some(i) {
            continue;
        }
        sql.push_str(&format!(" AND {r}id IN (SELECT run FROM emr_run_attrs WHERE workspace_id = ? AND kind = ? AND key = ? AND value = ?)"));
        args.push(ws.to_string().into());
        args.push(kind.to_string().into());
        args.push(k.clone().into());
        args.push(v.clone().into());
    }
    (sql, args)
}

fn attr_filters(f: &JobRunFilter) -> impl Iterator<Item = (&'static str, &String, &String)> {
    f.tags
        .iter()
        .map(|t| ("tag", &t.key, &t.value))
        .chain(f.application_configs.iter().map(|(k, v)| ("app", k, v)))
        .chain(f.runtime_configs.iter().map(|(k, v)| ("rt", k, v)))
}

/// Whether the filter has conditions besides the workspace and the states (and paging).
fn narrows_beyond_states(f: &JobRunFilter) -> bool {
    f.job_run_id.is_some()
        || f.name.is_some()
        || f.creator.is_some()
        || f.resource_queue_id.is_some()
        || f.job_run_deployment_id.is_some()
        || f.is_workflow.is_some()
        || f.submit_time != Default::default()
        || f.end_time != Default::default()
        || f.min_duration_ms.is_some()
        || attr_filters(f).next().is_some()
}

/// Whether the filter narrows only by columns `emr_run_facets` keeps (states, queue, workflow
/// flag, creator, name): then its totals are sums over the facets.
fn faceted(f: &JobRunFilter) -> bool {
    let mut g = f.clone();
    g.name = None;
    g.creator = None;
    g.resource_queue_id = None;
    g.is_workflow = None;
    !narrows_beyond_states(&g)
}

/// Whether a minimum duration (with or without states) is the filter's only condition.
fn only_min_duration(f: &JobRunFilter) -> bool {
    let mut g = f.clone();
    g.min_duration_ms = None;
    f.min_duration_ms.is_some() && !narrows_beyond_states(&g)
}

/// Runs of a workspace that lasted at least `d` ms (running ones until `now`), in `states` if
/// any: finished runs are a range of `emr_runs_took`, unfinished ones of `emr_runs_open`, so
/// neither scans the workspace.
fn count_min_duration(conn: &Connection, ws: &str, states: &[&str], d: i64, now: i64) -> Result<i64, EngineError> {
    use rusqlite::types::Value;
    let in_states = if states.is_empty() { String::new() } else { format!(" AND state IN ({})", vec!["?"; states.len()].join(", ")) };
    let state_args = states.iter().map(|s| Value::from(s.to_string()));
    let finished: i64 = conn.query_row(
        &format!("SELECT count(*) FROM emr_runs INDEXED BY emr_runs_took WHERE workspace_id = ? AND end_ms - start_ms >= ?{in_states}"),
        rusqlite::params_from_iter([Value::from(ws.to_string()), Value::from(d)].into_iter().chain(state_args.clone())),
        |r| r.get(0),
    )?;
    let open: i64 = conn.query_row(
        &format!("SELECT count(*) FROM emr_runs INDEXED BY emr_runs_open WHERE workspace_id = ? AND end_ms IS NULL AND start_ms <= ?{in_states}"),
        rusqlite::params_from_iter([Value::from(ws.to_string()), Value::from(now.saturating_sub(d))].into_iter().chain(state_args)),
        |r| r.get(0),
    )?;
    Ok(finished + open)
}

/// Which index a ListJobRuns count or page reads (`INDEXED BY`: left to itself the planner may
/// pick a narrow index and then read every row's JSON).
fn index_for(f: &JobRunFilter, counting: bool) -> &'static str {
    if f.job_run_id.is_some() {
        return "";
    }
    let only_time = f.end_time == Default::default() && f.min_duration_ms.is_none() && {
        let mut g = f.clone();
        g.submit_time = Default::default();
        g.end_time = Default::default();
        !narrows_beyond_states(&g) && g.states.is_empty()
    };
    if counting && only_time {
        " INDEXED BY emr_runs_count"
    } else if !f.states.is_empty() && (counting || f.states.len() == 1) {
        // One state keeps list order inside the state index; several would need a sort there.
        " INDEXED BY emr_runs_by_state"
    } else {
        " INDEXED BY emr_runs_list"
    }
}

/// Runs per state from the trigger-kept counters (`states` empty: all).
fn counted(conn: &Connection, ws: &str, states: &[&str]) -> Result<BTreeMap<String, i64>, EngineError> {
    let mut stmt = conn.prepare("SELECT state, n FROM emr_run_counts WHERE workspace_id = ?1 AND n > 0")?;
    let rows = stmt.query_map([ws], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().filter(|(s, _)| states.is_empty() || states.contains(&s.as_str())).collect())
}

fn list_runs(conn: &Connection, ws: &str, f: &JobRunFilter, now: i64) -> Result<RunPage, EngineError> {
    let attrs: Vec<(&str, &String, &String)> = attr_filters(f).collect();
    let total: i64 = if !narrows_beyond_states(f) {
        counted(conn, ws, &f.states)?.values().sum()
    } else if faceted(f) {
        let (filter, args) = where_clause(ws, f, now, true, "", None);
        conn.query_row(&format!("SELECT coalesce(sum(n), 0) FROM emr_run_facets WHERE {filter}"), rusqlite::params_from_iter(&args), |r| r.get(0))?
    } else if let (true, Some(d)) = (only_min_duration(f), f.min_duration_ms) {
        count_min_duration(conn, ws, &f.states, d, now)?
    } else if attrs.len() == 1 && !narrows_beyond_states(&JobRunFilter { tags: vec![], application_configs: vec![], runtime_configs: vec![], ..f.clone() }) && f.states.is_empty() {
        // One tag or setting and nothing else: its index range is the answer.
        let (kind, k, v) = attrs[0];
        conn.query_row(
            "SELECT count(*) FROM emr_run_attrs WHERE workspace_id = ?1 AND kind = ?2 AND key = ?3 AND value = ?4",
            params![ws, kind, k, v],
            |r| r.get(0),
        )?
    } else {
        let (filter, args) = where_clause(ws, f, now, true, "", None);
        conn.query_row(&format!("SELECT count(*) FROM emr_runs{} WHERE {filter}", index_for(f, true)), rusqlite::params_from_iter(&args), |r| r.get(0))?
    };
    let position = match &f.next_token {
        None => None,
        Some(t) => Some(parse_token(t).ok_or_else(|| {
            EngineError::invalid(INVALID, text!("nextToken '{t}' is not a token this service gave out.", "nextToken '{t}' 不是本服务返回的令牌。"))
        })?),
    };
    let (mut page_sql, mut page_args, order) = match attrs.first() {
        // A tag or setting leads: its index is in list order, each match joins its run by id.
        Some(&(kind, k, v)) if f.job_run_id.is_none() => {
            let (filter, mut args) = where_clause(ws, f, now, true, "r.", Some(0));
            let mut sql = String::from(
                "SELECT r.data, a.submit_ms, a.seq FROM emr_run_attrs a JOIN emr_runs r ON r.id = a.run
                 WHERE a.workspace_id = ? AND a.kind = ? AND a.key = ? AND a.value = ? AND ",
            );
            sql.push_str(&filter);
            let mut lead: Vec<rusqlite::types::Value> = vec![ws.to_string().into(), kind.to_string().into(), k.clone().into(), v.clone().into()];
            lead.append(&mut args);
            (sql, lead, "a.")
        }
        _ => {
            let (filter, args) = where_clause(ws, f, now, true, "", None);
            (format!("SELECT data, submit_ms, seq FROM emr_runs{} WHERE {filter}", index_for(f, false)), args, "")
        }
    };
    if let Some((submit, seq)) = position {
        page_sql.push_str(&format!(" AND ({order}submit_ms, {order}seq) < (?, ?)"));
        page_args.push(submit.into());
        page_args.push(seq.into());
    }
    page_sql.push_str(&format!(" ORDER BY {order}submit_ms DESC, {order}seq DESC LIMIT ?"));
    page_args.push((f.max_results + 1).into());
    let mut stmt = conn.prepare(&page_sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(&page_args), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() as i64 > f.max_results;
    let kept = &rows[..rows.len().min(f.max_results as usize)];
    let next_token = match kept.last() {
        Some((_, submit, seq)) if more => token(*submit, *seq),
        _ => String::new(),
    };
    let aggregations = if !f.group_by_state {
        None
    } else if !narrows_beyond_states(f) {
        // Every filter but the states, so a console can show the count behind each state chip.
        Some(counted(conn, ws, &[])?.into_iter().map(|(s, n)| (s, n.to_string())).collect())
    } else if faceted(f) {
        let (filter, args) = where_clause(ws, f, now, false, "", None);
        let mut stmt = conn.prepare(&format!("SELECT state, sum(n) FROM emr_run_facets WHERE {filter} GROUP BY state HAVING sum(n) > 0"))?;
        let counts = stmt
            .query_map(rusqlite::params_from_iter(&args), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Some(counts.into_iter().map(|(s, n)| (s, n.to_string())).collect())
    } else {
        let (filter, args) = where_clause(ws, f, now, false, "", None);
        let index = if f.job_run_id.is_some() { "" } else { " INDEXED BY emr_runs_by_state" };
        let mut stmt = conn.prepare(&format!("SELECT state, count(*) FROM emr_runs{index} WHERE {filter} GROUP BY state"))?;
        let counts = stmt
            .query_map(rusqlite::params_from_iter(&args), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Some(counts.into_iter().map(|(s, n)| (s, n.to_string())).collect())
    };
    Ok(RunPage { total, runs: kept.iter().filter_map(|(d, _, _)| decode_run(d)).collect(), next_token, aggregations })
}

// ---------------------------------------------------------------------------------------------
// Seed

struct SeedWorkspace {
    name: &'static str,
    spec: &'static str,
    tags: &'static [(&'static str, &'static str)],
    age_days: i64,
}

const SEED_WORKSPACES: [SeedWorkspace; 2] = [
    SeedWorkspace { name: "lakedeck-sandbox", spec: "12cu", tags: &[("env", "dev"), ("team", "data")], age_days: 30 },
    SeedWorkspace { name: "analytics-lab", spec: "12cu", tags: &[("env", "prod")], age_days: 9 },
];

fn seed_queues(created_ms: i64) -> Vec<QueueSpec> {
    vec![
        QueueSpec {
            name: "root_queue".into(),
            max_cores: 8,
            max_memory_mb: 32 * 1024,
            environments: vec!["production".into()],
            queue_type: "instance".into(),
            created_ms,
        },
        QueueSpec {
            name: "dev_queue".into(),
            max_cores: 4,
            max_memory_mb: 16 * 1024,
            environments: vec!["dev".into()],
            queue_type: "instanceChildren".into(),
            created_ms,
        },
    ]
}

/// The demo SQL script every workspace can run (`-f oss://lakedeck-demo/scripts/tpch_q1.sql`).
pub const DEMO_SQL: &str = "-- TPC-H Q1 (pricing summary), run me as a SQL job run with -f.
SELECT l_returnflag, l_linestatus,
       sum(l_quantity) AS sum_qty,
       count(*) AS count_order
FROM lineitem
WHERE l_shipdate <= DATE '1998-09-02'
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus;
";

fn random_id(prefix: &str) -> String {
    format!("{prefix}{}", util::hex(&util::random_bytes::<8>()))
}

// ---------------------------------------------------------------------------------------------
// API operations

impl Engine {
    pub fn oss_fs(&self, tree: &str) -> ClusterFs {
        ClusterFs::new(&self.data_dir, tree)
    }

    /// Seeds the workspaces once per data directory.
    pub fn emr_seed(&self) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            if store::meta(conn, "seeded:emr-serverless")?.is_some() {
                return Ok(());
            }
            let now = util::now_ms();
            for (i, s) in SEED_WORKSPACES.iter().enumerate() {
                let id = random_id("w-");
                let created = now - s.age_days * 86_400_000;
                let ws = WorkspaceRecord {
                    workspace_id: id.clone(),
                    name: s.name.into(),
                    status: "RUNNING".into(),
                    bucket: format!("lakedeck-{id}"),
                    created_ms: created,
                    resource_spec: s.spec.into(),
                    payment_type: "PayAsYouGo".into(),
                    release_type: "PRO".into(),
                    tags: s.tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
                    queues: seed_queues(created),
                };
                let data = serde_json::to_string(&ws).map_err(|e| EngineError::Internal(e.to_string()))?;
                conn.execute("INSERT INTO emr_workspaces (workspace_id, seq, data) VALUES (?1, ?2, ?3)", params![id, i as i64, data])?;
            }
            store::set_meta(conn, "seeded:emr-serverless", &now.to_string())
        })?;
        // The demo script lives in the shared OSS; writing it again is harmless.
        let demo = self.oss_fs("").resolve("oss://lakedeck-demo/scripts/tpch_q1.sql").map_err(|e| EngineError::Internal(e.en.into_owned()))?;
        if let Some(dir) = demo.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(&demo, DEMO_SQL).map_err(|e| EngineError::Internal(format!("cannot write the demo script: {e}")))?;
        Ok(())
    }

    pub fn emr_workspaces(&self) -> Result<Vec<WorkspaceRecord>, EngineError> {
        self.store.read(workspaces)
    }

    pub fn emr_workspace(&self, id: &str) -> Result<WorkspaceRecord, EngineError> {
        self.store.read(|conn| workspace(conn, id))
    }

    /// Cores and memory in use per queue of a workspace (runs that hold resources: Running and
    /// Cancelling ones whose work has not stopped).
    pub fn emr_queue_usage(&self, ws: &str) -> Result<BTreeMap<String, Resources>, EngineError> {
        self.store.read(|conn| {
            workspace(conn, ws)?;
            let mut out: BTreeMap<String, Resources> = BTreeMap::new();
            for r in active_runs(conn)?.into_iter().filter(|r| r.workspace_id == ws && r.start_ms != 0) {
                let e = out.entry(r.queue.clone()).or_insert(Resources { cores: 0, memory_mb: 0 });
                e.cores += r.cores;
                e.memory_mb += r.memory_mb;
            }
            Ok(out)
        })
    }

    /// StartJobRun: checks the run against its workspace (queue, release, room) and stores it
    /// Submitted. A repeated `clientToken` answers the run it started before.
    pub fn emr_start_run(&self, ws: &str, run: &CheckedRun, place: &Placement) -> Result<String, EngineError> {
        let (release, queue, job_id, client_token, creator) = (place.release, place.queue, place.job_id, place.client_token, place.creator);
        self.store.tx(|conn| {
            let w = workspace(conn, ws)?;
            if let Some(ct) = client_token.filter(|c| !c.is_empty()) {
                let existing: Option<String> = conn
                    .query_row("SELECT job_run_id FROM emr_runs WHERE workspace_id = ?1 AND client_token = ?2", [ws, ct], |r| r.get(0))
                    .optional()?;
                if let Some(id) = existing {
                    return Ok(id);
                }
            }
            let queue_name = queue.map(str::trim).filter(|q| !q.is_empty()).unwrap_or("root_queue");
            let q = w.queue(queue_name).ok_or_else(|| {
                let names: Vec<&str> = w.queues.iter().map(|q| q.name.as_str()).collect();
                let names = names.join(", ");
                EngineError::invalid(QUEUE_NOT_FOUND, text!(
                    "The queue {queue_name} does not exist in workspace {ws}; its queues are {names}.",
                    "工作空间 {ws} 中不存在队列 {queue_name}；其队列为 {names}。"
                ))
            })?;
            let r = run.resources;
            if r.cores > q.max_cores || r.memory_mb > q.max_memory_mb {
                let (cores, mem, qc, qm) = (r.cores, r.memory_mb, q.max_cores, q.max_memory_mb);
                return Err(EngineError::invalid(INVALID, text!(
                    "The run asks for {cores} cores and {mem} MiB (driver and executors) but queue {queue_name} holds at most {qc} cores and {qm} MiB.",
                    "该运行需要 {cores} 核、{mem} MiB（驱动与执行器），但队列 {queue_name} 最多 {qc} 核、{qm} MiB。"
                )));
            }
            let release = match release.map(str::trim).filter(|s| !s.is_empty()) {
                None => &RELEASES[0],
                Some(v) => {
                    let rel = find_release(v).ok_or_else(|| {
                        EngineError::invalid(INVALID, text!(
                            "releaseVersion '{v}' is not a release of this service; ListReleaseVersions lists them.",
                            "releaseVersion '{v}' 不是本服务的版本；请用 ListReleaseVersions 查看。"
                        ))
                    })?;
                    if rel.state != "ONLINE" {
                        let ver = rel.version;
                        return Err(EngineError::invalid(INVALID, text!(
                            "The release {ver} is offline; choose an ONLINE release.",
                            "版本 {ver} 已下线；请选择 ONLINE 状态的版本。"
                        )));
                    }
                    rel
                }
            };
            let seq = store::meta(conn, "emr:runseq")?.and_then(|s| s.parse::<i64>().ok()).unwrap_or(0) + 1;
            store::set_meta(conn, "emr:runseq", &seq.to_string())?;
            let id = random_id("jr-");
            let base = format!("oss://{}/logs/{id}/driver", w.bucket);
            let now = util::now_ms();
            let record = RunRecord {
                workspace_id: ws.into(),
                job_run_id: id.clone(),
                seq,
                name: run.name.clone(),
                state: "Submitted".into(),
                submit_ms: now,
                code_type: run.code_type.into(),
                creator: creator.into(),
                release_version: release.version.into(),
                display_release_version: release.display.into(),
                queue: queue_name.into(),
                timeout_s: run.execution_timeout_seconds,
                fusion: run.fusion,
                spark_submit: run.spark_submit.clone(),
                configurations: run.configurations.clone(),
                tags: run.tags.clone(),
                job_id: job_id.unwrap_or("").trim().into(),
                client_token: client_token.unwrap_or("").into(),
                cores: r.cores,
                memory_mb: r.memory_mb,
                deadline_ms: now + self.emr_state_step(),
                log: RunLog {
                    driver_startup: format!("{base}/startup"),
                    driver_std_error: format!("{base}/stderr"),
                    driver_std_out: format!("{base}/stdout"),
                    driver_syslog: format!("{base}/syslog"),
                },
                ..Default::default()
            };
            save_run(conn, &record, true)?;
            insert_attrs(conn, &record, run)?;
            Ok(id)
        })
        .inspect(|id| {
            if let Ok(r) = self.emr_run(ws, id) {
                self.emr_syslog(&r, &format!("Job run {} submitted to queue {} ({} cores, {} MiB).", r.job_run_id, r.queue, r.cores, r.memory_mb));
            }
        })
    }

    pub fn emr_run(&self, ws: &str, id: &str) -> Result<RunRecord, EngineError> {
        self.store.read(|conn| run_in(conn, ws, id))
    }

    pub fn emr_list_runs(&self, ws: &str, f: &JobRunFilter) -> Result<RunPage, EngineError> {
        let now = util::now_ms();
        self.store.read(|conn| {
            workspace(conn, ws)?;
            list_runs(conn, ws, f, now)
        })
    }

    /// CancelJobRun: an unfinished run becomes Cancelling; its work is stopped and it ends
    /// Cancelled (a run that has not started ends at the next scheduler round).
    pub fn emr_cancel_run(&self, ws: &str, id: &str) -> Result<(), EngineError> {
        let was = self.store.tx(|conn| {
            let mut r = run_in(conn, ws, id)?;
            if wire::is_final_state(&r.state) || r.state == "Cancelling" {
                let state = r.state.clone();
                return Err(EngineError::invalid(INCORRECT_STATE, text!(
                    "The job run {id} is {state}; only a run that is Submitted, Pending or Running can be cancelled.",
                    "作业运行 {id} 的状态为 {state}；只有 Submitted、Pending 或 Running 的运行可以取消。"
                )));
            }
            let was = r.state.clone();
            let now = util::now_ms();
            r.state = "Cancelling".into();
            r.reason_code = "CancelledByUser".into();
            r.reason = text!("Cancelled at the user's request.", "用户请求取消。").into();
            r.deadline_ms = now + if was == "Running" { CANCEL_GRACE_MS } else { self.emr_state_step() };
            if let Some(h) = lock(&self.emr.running).get(id) {
                h.cancel.store(true, Ordering::SeqCst);
                if let Some(pgid) = h.pgid {
                    kill_group(pgid);
                }
            }
            save_run(conn, &r, false)?;
            Ok((was, r))
        })?;
        self.emr_syslog(&was.1, &format!("Cancel requested while the run was {}.", was.0));
        Ok(())
    }

    /// ListLogContents: lines `offset..offset+length` of one of a run's log files, which must be
    /// in the workspace's bucket.
    pub fn emr_log(&self, ws: &str, file: &str, offset: i64, length: Option<i64>) -> Result<LogContent, EngineError> {
        let w = self.emr_workspace(ws)?;
        let prefix = format!("oss://{}/", w.bucket);
        if !file.starts_with(&prefix) {
            let bucket = &w.bucket;
            return Err(EngineError::invalid(INVALID, text!(
                "fileName must be a log of this workspace (oss://{bucket}/…), as GetJobRun's log names them; '{file}' is not.",
                "fileName 必须是本工作空间的日志（oss://{bucket}/…，即 GetJobRun 的 log 所列路径）；'{file}' 不是。"
            )));
        }
        let path = self.oss_fs(ws).resolve(file).map_err(|e| EngineError::invalid(INVALID, e))?;
        let length = length.unwrap_or(DEFAULT_LOG_LINES).clamp(0, MAX_LOG_LINES);
        let Ok(f) = std::fs::File::open(&path) else {
            return Err(EngineError::invalid(INVALID, text!(
                "The log file {file} does not exist (yet): a run writes its logs once it starts.",
                "日志文件 {file} 不存在（或尚未生成）：运行开始后才会写日志。"
            )));
        };
        let mut total = 0i64;
        let mut contents = Vec::new();
        let mut reader = BufReader::new(f);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(|e| EngineError::Internal(format!("reading {}: {e}", path.display())))?;
            if n == 0 {
                break;
            }
            if total >= offset && (contents.len() as i64) < length {
                contents.push(LogLine { line_content: String::from_utf8_lossy(&buf).into_owned() });
            }
            total += 1;
        }
        Ok(LogContent { total_length: total, contents })
    }

    /// GetCuHours: CU-hours the queue's runs used in each hour from `from_ms` to `to_ms` (UTC),
    /// rendered as the service does (`{2025-01-09 00:00:00=2.033333, …}`).
    pub fn emr_cu_hours(&self, ws: &str, queue: &str, from_ms: i64, to_ms: i64) -> Result<String, EngineError> {
        let now = util::now_ms();
        let runs = self.store.read(|conn| {
            let w = workspace(conn, ws)?;
            if w.queue(queue).is_none() {
                return Err(EngineError::invalid(QUEUE_NOT_FOUND, text!(
                    "The queue {queue} does not exist in workspace {ws}.",
                    "工作空间 {ws} 中不存在队列 {queue}。"
                )));
            }
            let mut stmt = conn.prepare(
                "SELECT data FROM emr_runs WHERE workspace_id = ?1 AND queue = ?2 AND start_ms IS NOT NULL AND start_ms < ?3
                 AND coalesce(end_ms, ?4) > ?5",
            )?;
            let rows = stmt.query_map(params![ws, queue, to_ms, now, from_ms], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows.iter().filter_map(|d| decode_run(d)).collect::<Vec<_>>())
        })?;
        let first = from_ms.div_euclid(3_600_000) * 3_600_000;
        let mut parts = Vec::new();
        let mut hour = first;
        while hour < to_ms {
            let (h0, h1) = (hour.max(from_ms), (hour + 3_600_000).min(to_ms));
            let mut cu = 0.0;
            for r in &runs {
                let (s, e) = (r.start_ms, if r.end_ms == 0 { now } else { r.end_ms });
                let overlap = (e.min(h1) - s.max(h0)).max(0);
                cu += wire::cu_hours_of(r.resources(), overlap as f64 / 1000.0);
            }
            parts.push(format!("{}={cu:.6}", &util::iso_utc(hour)[..19]));
            hour += 3_600_000;
        }
        Ok(format!("{{{}}}", parts.join(", ")))
    }

    /// Called once at start: runs in flight died with the old process.
    pub fn emr_recover(&self) -> Result<usize, EngineError> {
        let now = util::now_ms();
        let lost = self.store.tx(|conn| {
            let mut out = Vec::new();
            for mut r in active_runs(conn)? {
                let was = r.state.clone();
                if was == "Cancelling" {
                    r.end("Cancelled", "CancelledByUser", r.reason.text(), now);
                } else {
                    r.end("Failed", "SandboxRestarted", text!(
                        "The sandbox restarted while this run was {was}; its work was lost. Start it again.",
                        "运行处于 {was} 状态时沙箱重启，工作已丢失。请重新启动。"
                    ), now);
                }
                save_run(conn, &r, false)?;
                out.push(r);
            }
            Ok(out)
        })?;
        for r in &lost {
            self.emr_syslog(r, &format!("Ended {} after a sandbox restart.", r.state));
        }
        Ok(lost.len())
    }

    fn emr_state_step(&self) -> i64 {
        (self.step_ms() as i64 / 2).max(1)
    }

    fn emr_log_path(&self, r: &RunRecord, uri: &str) -> Option<PathBuf> {
        self.oss_fs(&r.workspace_id).resolve(uri).ok()
    }

    fn emr_append(&self, r: &RunRecord, uri: &str, line: &str) {
        let Some(p) = self.emr_log_path(r, uri) else { return };
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&p) {
            let _ = f.write_all(line.as_bytes());
        }
    }

    /// A timestamped line in the run's syslog (the scheduler's account of the run).
    fn emr_syslog(&self, r: &RunRecord, message: &str) {
        self.emr_append(r, &r.log.driver_syslog, &format!("{} INFO {message}\n", util::iso_utc(util::now_ms())));
    }

    fn emr_stderr(&self, r: &RunRecord, message: &str) {
        self.emr_append(r, &r.log.driver_std_error, &format!("{} {message}\n", util::iso_utc(util::now_ms())));
    }
}

// ---------------------------------------------------------------------------------------------
// Scheduler

impl Engine {
    /// One round: Submitted → Pending, Pending → Running where the queue has room, cancels that
    /// are due. Called on every lifecycle tick.
    pub fn emr_pump(self: &Arc<Self>) -> Result<(), EngineError> {
        let busy: bool = self.store.read(|conn| {
            Ok(conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM emr_runs INDEXED BY emr_runs_active WHERE state IN ('Submitted', 'Pending', 'Running', 'Cancelling'))",
                [],
                |r| r.get(0),
            )?)
        })?;
        if !busy {
            return Ok(());
        }
        let (to_start, notes) = self.store.tx(|conn| self.emr_advance(conn))?;
        for (r, note) in notes {
            self.emr_syslog(&r, &note);
        }
        for (r, cancel) in to_start {
            self.emr_start(r, cancel);
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn emr_advance(&self, conn: &Connection) -> Result<(Vec<(RunRecord, Arc<AtomicBool>)>, Vec<(RunRecord, String)>), EngineError> {
        let now = util::now_ms();
        let mut runs = active_runs(conn)?;
        runs.sort_by_key(|r| (r.submit_ms, r.seq));
        // Resources held per (workspace, queue).
        let mut used: HashMap<(String, String), Resources> = HashMap::new();
        for r in runs.iter().filter(|r| r.start_ms != 0) {
            let e = used.entry((r.workspace_id.clone(), r.queue.clone())).or_insert(Resources { cores: 0, memory_mb: 0 });
            e.cores += r.cores;
            e.memory_mb += r.memory_mb;
        }
        let mut limits: HashMap<String, WorkspaceRecord> = HashMap::new();
        let mut to_start = Vec::new();
        let mut notes = Vec::new();
        for mut r in runs {
            match r.state.as_str() {
                "Submitted" if r.deadline_ms <= now => {
                    r.state = "Pending".into();
                    save_run(conn, &r, false)?;
                    notes.push((r, "Pending: waiting for room in the queue.".to_string()));
                }
                "Pending" => {
                    if !limits.contains_key(&r.workspace_id) {
                        limits.insert(r.workspace_id.clone(), workspace(conn, &r.workspace_id)?);
                    }
                    let Some(q) = limits.get(&r.workspace_id).and_then(|w| w.queue(&r.queue)).cloned() else { continue };
                    let held = used.entry((r.workspace_id.clone(), r.queue.clone())).or_insert(Resources { cores: 0, memory_mb: 0 });
                    if held.cores + r.cores > q.max_cores || held.memory_mb + r.memory_mb > q.max_memory_mb {
                        continue;
                    }
                    held.cores += r.cores;
                    held.memory_mb += r.memory_mb;
                    r.state = "Running".into();
                    r.start_ms = now;
                    let cancel = Arc::new(AtomicBool::new(false));
                    // Registered before the commit: a cancel right after it finds the work to stop.
                    lock(&self.emr.running).insert(r.job_run_id.clone(), Handle { cancel: cancel.clone(), abort: None, pgid: None });
                    save_run(conn, &r, false)?;
                    let note = format!("Running: {} cores and {} MiB of queue {} ({} of {} cores now in use).", r.cores, r.memory_mb, r.queue, held.cores, q.max_cores);
                    notes.push((r.clone(), note));
                    to_start.push((r, cancel));
                }
                "Cancelling" if r.deadline_ms <= now => {
                    if let Some(h) = lock(&self.emr.running).remove(&r.job_run_id) {
                        // The work did not stop in time: abandon it.
                        h.cancel.store(true, Ordering::SeqCst);
                        if let Some(a) = h.abort {
                            a.abort();
                        }
                        if let Some(pgid) = h.pgid {
                            kill_group(pgid);
                        }
                    } else if r.start_ms != 0 {
                        // Its executor is finishing and will write the end.
                        continue;
                    }
                    let reason = r.reason.text();
                    r.end("Cancelled", "CancelledByUser", reason, now);
                    save_run(conn, &r, false)?;
                    notes.push((r, "Cancelled.".to_string()));
                }
                _ => {}
            }
        }
        Ok((to_start, notes))
    }

    fn emr_start(self: &Arc<Self>, run: RunRecord, cancel: Arc<AtomicBool>) {
        let engine = self.clone();
        let id = run.job_run_id.clone();
        let task = self.jobs_handle().spawn(async move {
            let work = engine.emr_execute(&run, &cancel);
            let outcome = if run.timeout_s > 0 {
                match tokio::time::timeout(Duration::from_secs(run.timeout_s as u64), work).await {
                    Ok(o) => o,
                    Err(_) => {
                        lock(&engine.emr.timed_out).insert(run.job_run_id.clone());
                        cancel.store(true, Ordering::SeqCst);
                        if let Some(pgid) = lock(&engine.emr.running).get(&run.job_run_id).and_then(|h| h.pgid) {
                            kill_group(pgid);
                        }
                        let t = run.timeout_s;
                        Err(text!(
                            "The run exceeded its executionTimeoutSeconds ({t} s) and was stopped.",
                            "运行超过 executionTimeoutSeconds（{t} 秒），已被停止。"
                        ))
                    }
                }
            } else {
                work.await
            };
            let e = engine.clone();
            let _ = tokio::task::spawn_blocking(move || e.emr_finish(&run.job_run_id, outcome)).await;
        });
        if let Some(h) = lock(&self.emr.running).get_mut(&id) {
            h.abort = Some(task.abort_handle());
        }
    }

    fn emr_finish(&self, id: &str, outcome: Result<Text, Text>) -> Result<(), EngineError> {
        let timed_out = lock(&self.emr.timed_out).remove(id);
        let ended = self.store.tx(|conn| {
            if lock(&self.emr.running).remove(id).is_none() {
                // Abandoned by the cancel watchdog, which wrote the end.
                return Ok(None);
            }
            let Some(mut r) = run_by_id(conn, id)? else { return Ok(None) };
            let now = util::now_ms();
            if r.state == "Cancelling" {
                let reason = r.reason.text();
                r.end("Cancelled", "CancelledByUser", reason, now);
            } else if timed_out {
                let t = r.timeout_s;
                let m = outcome.err().unwrap_or_else(|| text!("The run exceeded its executionTimeoutSeconds ({t} s).", "运行超过 executionTimeoutSeconds（{t} 秒）。"));
                r.end("Failed", "ExecutionTimeout", m, now);
            } else {
                match outcome {
                    Ok(m) => r.end("Success", "0", m, now),
                    Err(m) => r.end("Failed", "JobRunFailed", m, now),
                }
            }
            save_run(conn, &r, false)?;
            Ok(Some(r))
        })?;
        if let Some(r) = ended {
            self.emr_syslog(&r, &format!("Ended {} ({}): {}", r.state, r.reason_code, r.reason.en));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Executors

fn no_log() -> Text {
    text!("The run's log files cannot be placed in the sandbox's OSS.", "无法在沙箱的 OSS 中放置该运行的日志文件。")
}

/// Escapes what would break a tab-separated line.
fn tsv_field(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

/// Writes rows to the driver's stdout as `spark-sql` prints them (tab-separated), with a header.
struct TsvSink {
    out: std::io::BufWriter<std::fs::File>,
    rows: u64,
}

impl RowSink for TsvSink {
    fn columns(&mut self, names: Vec<String>) -> Result<(), String> {
        let line: Vec<String> = names.iter().map(|n| tsv_field(n)).collect();
        writeln!(self.out, "{}", line.join("\t")).map_err(|e| format!("cannot write the driver's stdout: {e}"))
    }

    fn row(&mut self, values: Vec<String>) -> Result<(), String> {
        self.rows += 1;
        let line: Vec<String> = values.iter().map(|v| tsv_field(v)).collect();
        writeln!(self.out, "{}", line.join("\t")).map_err(|e| format!("cannot write the driver's stdout: {e}"))
    }
}

impl Engine {
    async fn emr_execute(self: &Arc<Self>, run: &RunRecord, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let ws = run.workspace_id.clone();
        self.emr_append(
            run,
            &run.log.driver_startup,
            &format!(
                "{} Starting the driver of {} on {} ({} cores, {} MiB in all, queue {}).\n",
                util::iso_utc(util::now_ms()),
                run.job_run_id,
                run.release_version,
                run.cores,
                run.memory_mb,
                run.queue
            ),
        );
        let waited = std::time::Instant::now();
        let mut said = false;
        while !self.warehouse_ready(&ws) {
            self.start_seeding(&ws);
            if waited.elapsed() > WAREHOUSE_WAIT || self.seed_failed(&ws) {
                return Err(text!(
                    "The workspace's catalog (TPC-H warehouse) could not be prepared; see the sandbox's output.",
                    "工作空间的数据目录（TPC-H 数据仓库）无法准备；请查看沙箱输出。"
                ));
            }
            if !said {
                self.emr_stderr(run, "Waiting for the workspace's catalog (TPC-H warehouse) to be seeded.");
                said = true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        match run.code_type.as_str() {
            "SQL" => self.emr_run_sql(run, cancel).await,
            _ => self.emr_spark_submit(run).await,
        }
    }

    async fn emr_run_sql(self: &Arc<Self>, run: &RunRecord, cancel: &Arc<AtomicBool>) -> Result<Text, Text> {
        let fs = self.oss_fs(&run.workspace_id);
        let checked = wire::check_start(&wire::StartJobRunRequest {
            code_type: Some("SQL".into()),
            job_driver: Some(JobDriver { spark_submit: Some(run.spark_submit.clone()) }),
            ..Default::default()
        });
        let source = checked.ok().and_then(|c| c.sql).ok_or_else(|| text!("The run has no SQL to run.", "该运行没有可执行的 SQL。"))?;
        let text = match source {
            SqlSource::Inline(s) => s,
            SqlSource::File(uri) => {
                let path = fs.resolve(&uri)?;
                let t = tokio::fs::read_to_string(&path).await.map_err(|e| {
                    let e = e.to_string();
                    text!("Cannot read the SQL file {uri}: {e}", "无法读取 SQL 文件 {uri}：{e}")
                })?;
                self.emr_stderr(run, &format!("SQL file {uri}: {} bytes.", t.len()));
                t
            }
        };
        let statements = split_statements(&text);
        if statements.is_empty() {
            return Err(text!("The SQL text has no statement to run.", "SQL 文本中没有可执行的语句。"));
        }
        let stdout = self.emr_log_path(run, &run.log.driver_std_out).ok_or_else(no_log)?;
        if let Some(dir) = stdout.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Text::from(e.to_string()))?;
        }
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&stdout).map_err(|e| Text::from(e.to_string()))?;
        let mut sink = TsvSink { out: std::io::BufWriter::new(file), rows: 0 };
        let mut session = Session::new(fs, cancel.clone(), self.tables.clone());
        let n = statements.len();
        for (i, stmt) in statements.iter().enumerate() {
            self.emr_stderr(run, &format!("Statement {}: {stmt}", i + 1));
            let started = std::time::Instant::now();
            let before = sink.rows;
            let ran = session.execute(stmt, &mut sink).await;
            let _ = sink.out.flush();
            let secs = started.elapsed().as_secs_f64();
            match ran {
                Ok(Ran::Rows(total)) => self.emr_stderr(run, &format!("Time taken: {secs:.3} seconds, Fetched {total} row(s)")),
                Ok(Ran::Done(summary)) => {
                    debug_assert_eq!(sink.rows, before);
                    self.emr_stderr(run, &format!("Time taken: {secs:.3} seconds ({summary})"))
                }
                Err(e) => {
                    if cancel.load(Ordering::SeqCst) {
                        return Err(text!("Stopped.", "已停止。"));
                    }
                    self.emr_stderr(run, &format!("Error in statement {}: {e}", i + 1));
                    let k = i + 1;
                    return Err(text!("Statement {k} of {n} failed: {e}", "第 {k} 条语句（共 {n} 条）失败：{e}"));
                }
            }
        }
        let rows = sink.rows;
        Ok(text!("{n} statement(s) ran, {rows} row(s) written to the driver's stdout.", "{n} 条语句已执行，{rows} 行写入驱动的 stdout。"))
    }

    async fn emr_spark_submit(self: &Arc<Self>, run: &RunRecord) -> Result<Text, Text> {
        let Some(exe) = find_on_path("spark-submit") else {
            let code = &run.code_type;
            return Err(text!(
                "spark-submit is not on the sandbox's PATH, so {code} job runs cannot run here. Install PySpark (pip install pyspark; it needs a Java runtime) so spark-submit is on the PATH, then restart the sandbox.",
                "沙箱的 PATH 中没有 spark-submit，因此无法运行 {code} 作业。请安装 PySpark（pip install pyspark，需要 Java 运行环境）使 spark-submit 在 PATH 中，然后重启沙箱。"
            ));
        };
        let fs = self.oss_fs(&run.workspace_id);
        let local = |a: &str| -> Result<String, Text> {
            if ["oss://", "hdfs://"].iter().any(|p| a.starts_with(p)) {
                fs.resolve(a).map(|p| p.display().to_string())
            } else {
                Ok(a.to_string())
            }
        };
        let params = wire::parse_submit_parameters(&run.spark_submit.spark_submit_parameters)
            .map_err(|p| crate::emr::problem_text(&p))?;
        let mut args = vec!["--name".to_string(), run.name.clone()];
        for (k, v) in &params.options {
            args.push(format!("--{k}"));
            // Comma lists of OSS files (--jars, --py-files, --files) point at the local copies.
            let mapped: Result<Vec<String>, Text> = v.split(',').map(|p| local(p.trim())).collect();
            args.push(if v.contains("://") { mapped?.join(",") } else { v.clone() });
        }
        for c in &run.configurations {
            args.push("--conf".into());
            args.push(format!("{}={}", c.config_item_key, c.config_item_value));
        }
        for (k, v) in &params.conf {
            args.push("--conf".into());
            args.push(format!("{k}={v}"));
        }
        args.push(local(&run.spark_submit.entry_point)?);
        for a in &run.spark_submit.entry_point_arguments {
            args.push(local(a)?);
        }
        let dir = self.data_dir.join("emr-runs").join(&run.job_run_id);
        std::fs::create_dir_all(&dir).map_err(|e| Text::from(e.to_string()))?;
        self.emr_stderr(run, &format!("Starting {} {}", exe.display(), args.join(" ")));
        let mut cmd = process::user_command(&exe, &dir);
        cmd.args(&args)
            .env("LAKEDECK_JOB_RUN_ID", &run.job_run_id)
            .env("LAKEDECK_OSS_ROOT", super::hdfs::oss_root(&self.data_dir));
        let mut child = cmd.spawn().map_err(|e| {
            let e = e.to_string();
            text!("Cannot start spark-submit: {e}", "无法启动 spark-submit：{e}")
        })?;
        if let Some(pid) = child.id() {
            let mut running = lock(&self.emr.running);
            match running.get_mut(&run.job_run_id) {
                Some(h) if !h.cancel.load(Ordering::SeqCst) => h.pgid = Some(pid as i32),
                _ => kill_group(pid as i32),
            }
        }
        let out = self.emr_log_path(run, &run.log.driver_std_out).ok_or_else(no_log)?;
        let err = self.emr_log_path(run, &run.log.driver_std_error).ok_or_else(no_log)?;
        let tees = [
            child.stdout.take().map(|s| tokio::spawn(tee(s, out.clone(), dir.join("stdout.copy")))),
            child.stderr.take().map(|s| tokio::spawn(tee(s, err.clone(), dir.join("stderr.copy")))),
        ];
        let status = child.wait().await.map_err(|e| Text::from(e.to_string()))?;
        for t in tees.into_iter().flatten() {
            let _ = t.await;
        }
        let _ = std::fs::remove_dir_all(&dir);
        if status.success() {
            Ok(text!("spark-submit exited with status 0.", "spark-submit 以状态 0 退出。"))
        } else {
            let s = status.to_string();
            Err(text!("spark-submit exited with {s}; see the driver's stderr.", "spark-submit 以 {s} 退出；请查看驱动的 stderr。"))
        }
    }
}

/// `util::iso_utc` without milliseconds, for GetCuHours keys and the `yyyy-MM-dd HH:mm:ss` inputs.
pub fn parse_hour_time(s: &str) -> Option<i64> {
    let t = s.trim();
    let b = t.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    lakedeck_api::acs::parse_iso8601(&format!("{}T{}Z", &t[..10], &t[11..])).map(|s| s * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(parse_token(&token(1_717_000_000_000, 42)), Some((1_717_000_000_000, 42)));
        assert_eq!(parse_token("zz.1"), None);
        assert_eq!(parse_token("12"), None);
    }

    #[test]
    fn releases_and_times() {
        assert_eq!(find_release("esr-4.0.0").map(|r| r.version), Some("esr-4.0.0 (Spark 3.5.2, Scala 2.12)"));
        assert_eq!(find_release("esr-3.3.1 (Spark 3.4.4, Scala 2.12)").map(|r| r.fusion), Some(true));
        assert!(find_release("esr-9").is_none());
        assert_eq!(parse_hour_time("2025-01-09 01:00:00"), Some(1_736_384_400_000));
        assert_eq!(parse_hour_time("2025-01-09T01:00:00"), None);
        assert_eq!(tsv_field("a\tb\nc\\"), "a\\tb\\nc\\\\");
    }

    /// The facets follow inserts, state changes and deletes, and a database from before them gets
    /// them counted when the schema is applied again (at start).
    #[test]
    fn facets_follow_runs_and_backfill() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        let insert = |id: &str, state: &str, name: &str| {
            conn.execute(
                "INSERT INTO emr_runs (job_run_id, workspace_id, seq, submit_ms, state, queue, name_lower, creator, code_type, job_id, workflow, client_token, data)
                 VALUES (?1, 'w-1', 1, 1, ?2, 'root_queue', ?3, 'u', 'SQL', '', 0, '', '{}')",
                params![id, state, name],
            )
            .unwrap();
        };
        let facets = || -> Vec<(String, String, i64)> {
            let mut stmt = conn.prepare("SELECT state, name_lower, n FROM emr_run_facets ORDER BY 1, 2").unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
        };
        insert("jr-1", "Pending", "etl");
        insert("jr-2", "Pending", "etl");
        insert("jr-3", "Running", "report");
        conn.execute("UPDATE emr_runs SET state = 'Success' WHERE job_run_id = 'jr-1'", []).unwrap();
        conn.execute("UPDATE emr_runs SET state = 'Success' WHERE job_run_id = 'jr-3'", []).unwrap();
        conn.execute("DELETE FROM emr_runs WHERE job_run_id = 'jr-2'", []).unwrap();
        let want = vec![("Success".to_string(), "etl".to_string(), 1), ("Success".to_string(), "report".to_string(), 1)];
        assert_eq!(facets(), want);
        conn.execute("DELETE FROM emr_run_facets", []).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        assert_eq!(facets(), want);
        conn.execute_batch(SCHEMA).unwrap();
        assert_eq!(facets(), want, "applying the schema again counts nothing twice");
    }
}
