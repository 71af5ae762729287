//! SQLite persistence. Cluster rows are read on every request (no cache): the end-to-end suite
//! edits `clusters.data` behind the server's back and expects to see its edits at once.
//!
//! Contract with other tools: table `clusters(project_id, cluster_id PRIMARY KEY, data)` where
//! `data` is the V1.1 `Cluster` JSON. The extra columns are the sandbox's own bookkeeping and are
//! nullable, so a row inserted with only the three contract columns is a complete, idle cluster.
//!
//! Jobs: table `jobs(job_id PRIMARY KEY, project_id, cluster_id, state, submitted_ms, data)` where
//! `data` is the sandbox's job record JSON (engine/jobs.rs `JobRecord`) and `state` mirrors its
//! `job_state` so the scheduler can find unfinished jobs without decoding every row. RunJobFlow
//! steps wait in `job_flows(cluster_id PRIMARY KEY, project_id, done, data)`.
//!
//! ShowJobList runs in SQL over columns derived from `data` (nullable, added to older databases
//! by [`migrate_jobs`]): `seq`, `job_type` (the listed type: SparkPython is SparkSubmit),
//! `result`, `user`, `queue`, `name_lower` (the name lowercased the way Rust does it) and
//! `listed` (1: the row decodes and the columns are filled; 0: unreadable, never listed; NULL:
//! not derived yet). A row inserted with only the contract columns has `listed` NULL and gets its
//! columns at the next start or the next job list (engine/jobs.rs `derive_pending`).
//!
//! SQL executions (ExecuteSql): `sql_executions(sql_id PRIMARY KEY, project_id, cluster_id,
//! status, created_ms, data)`, `data` being engine/sqlexec.rs `SqlRecord` JSON.
//!
//! Tags and auto scaling: cluster tags are the `tags` of the cluster record; `default_tags`
//! holds the SwitchClusterTags switch (engine/tags.rs); `scaling_policies` the policies and the
//! autoscaler's memory (engine/scaling.rs); `metric_samples(cluster_id, at_ms, project_id,
//! clock_ms, data)` one row per cluster and metric period, `data` being autoscaler.rs
//! `StoredSample` JSON (values in `Metric::ALL` order), 8,640 periods kept per cluster; and
//! `scaling_events(seq, project_id, cluster_id, at_ms, data)` the autoscaler's decisions
//! (`ScalingEvent` JSON), 10,000 kept per cluster.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use lakedeck_api::mrs::Cluster;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::lifecycle::Op;
use super::EngineError;

/// Node numbers per node group (`GroupName` → sorted 1-based indices). Kept so that removing a
/// node from the middle of a group, and adding one later, never renames the survivors.
pub type Slots = BTreeMap<String, Vec<u32>>;

pub struct ClusterRow {
    pub project_id: String,
    pub cluster: Cluster,
    pub op: Option<Op>,
    pub slots: Slots,
}

pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS clusters (
    project_id TEXT NOT NULL,
    cluster_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    op TEXT,
    slots TEXT
);
CREATE INDEX IF NOT EXISTS clusters_by_project ON clusters(project_id);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_ms INTEGER NOT NULL,
    data TEXT NOT NULL,
    seq INTEGER,
    job_type TEXT,
    result TEXT,
    user TEXT,
    queue TEXT,
    name_lower TEXT,
    listed INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_cluster ON jobs(project_id, cluster_id);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state);
CREATE TABLE IF NOT EXISTS job_flows (
    cluster_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    done INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sql_executions (
    sql_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sql_executions_by_status ON sql_executions(status);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS default_tags (
    cluster_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    done_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS scaling_policies (
    project_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    node_group TEXT NOT NULL,
    resource_pool TEXT NOT NULL,
    data TEXT NOT NULL,
    state TEXT,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (project_id, cluster_id, node_group, resource_pool)
);
CREATE TABLE IF NOT EXISTS metric_samples (
    cluster_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    project_id TEXT NOT NULL,
    clock_ms INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (cluster_id, at_ms)
);
CREATE TABLE IF NOT EXISTS scaling_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scaling_events_by_cluster ON scaling_events(project_id, cluster_id, seq);
";

impl Store {
    pub fn open(path: &Path) -> Result<Store, String> {
        let conn = open_wal(path)?;
        conn.execute_batch(SCHEMA).map_err(|e| format!("cannot create the schema: {e}"))?;
        migrate_jobs(&conn).map_err(|e| format!("cannot migrate the jobs table: {e}"))?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// Runs `f` in a read transaction: a consistent snapshot that does not hold up writers
    /// (WAL readers never block the end-to-end suite's direct writes).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, EngineError>) -> Result<T, EngineError> {
        let mut guard = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = guard.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one IMMEDIATE transaction: a check-then-write (duplicate names, state checks)
    /// cannot interleave with another writer, and an error leaves nothing half-written.
    pub fn tx<T>(&self, f: impl FnOnce(&Connection) -> Result<T, EngineError>) -> Result<T, EngineError> {
        let mut guard = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = guard.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Opens a SQLite database the way every sandbox store is opened: WAL (the end-to-end suite
/// writes while the server reads), a busy timeout so either side waits for the other's short
/// transactions instead of failing, and `synchronous=NORMAL`.
pub fn open_wal(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| e.to_string())?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| format!("cannot enable WAL: {e}"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("SQLite refused WAL mode (got {mode}) for {}", path.display()));
    }
    conn.execute_batch("PRAGMA synchronous=NORMAL;").map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Columns ShowJobList filters and sorts on, added after the first release.
const JOB_LIST_COLUMNS: [(&str, &str); 7] = [
    ("seq", "INTEGER"),
    ("job_type", "TEXT"),
    ("result", "TEXT"),
    ("user", "TEXT"),
    ("queue", "TEXT"),
    ("name_lower", "TEXT"),
    ("listed", "INTEGER"),
];

/// Adds the job-list columns to a database made by an older version (idempotent, one
/// transaction) and creates their indexes. The values are derived from `data` by the engine.
fn migrate_jobs(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let run = || -> rusqlite::Result<()> {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('jobs')")?;
        let have = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        for (name, ty) in JOB_LIST_COLUMNS {
            if !have.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                conn.execute_batch(&format!("ALTER TABLE jobs ADD COLUMN {name} {ty}"))?;
            }
        }
        // Covering, in list order: counts and pages of a cluster never touch the JSON. The
        // next two narrow the scan to one job type or one state, still in list order; the narrow
        // last one counts a cluster's jobs (or a time range of them) in half the pages.
        conn.execute_batch(
            "CREATE INDEX IF NOT EXISTS jobs_list ON jobs(project_id, cluster_id, submitted_ms, seq, state, job_type, result, user, queue, name_lower) WHERE listed = 1;
             CREATE INDEX IF NOT EXISTS jobs_list_by_type ON jobs(project_id, cluster_id, job_type, submitted_ms, seq, state, result, user, queue, name_lower) WHERE listed = 1;
             CREATE INDEX IF NOT EXISTS jobs_list_by_state ON jobs(project_id, cluster_id, state, submitted_ms, seq, job_type, result, user, queue, name_lower) WHERE listed = 1;
             CREATE INDEX IF NOT EXISTS jobs_count ON jobs(project_id, cluster_id, submitted_ms) WHERE listed = 1;
             CREATE INDEX IF NOT EXISTS jobs_underived ON jobs(project_id) WHERE listed IS NULL;",
        )
    };
    match run() {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn decode_row(
    project_id: String,
    cluster_id: String,
    data: String,
    op: Option<String>,
    slots: Option<String>,
) -> Option<ClusterRow> {
    let mut cluster: Cluster = match serde_json::from_str(&data) {
        Ok(c) => c,
        Err(e) => {
            // A row someone broke by hand must not take the whole list down with it.
            eprintln!("warning: skipping cluster {cluster_id}: its data is not a cluster ({e})");
            return None;
        }
    };
    cluster.cluster_id = cluster_id;
    let op = op.and_then(|s| serde_json::from_str(&s).ok());
    let slots = slots.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    Some(ClusterRow { project_id, cluster, op, slots })
}

type RawRow = (String, String, String, Option<String>, Option<String>);

fn raw(r: &rusqlite::Row) -> rusqlite::Result<RawRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

const COLUMNS: &str = "project_id, cluster_id, data, op, slots";

pub fn project_clusters(conn: &Connection, project_id: &str) -> Result<Vec<ClusterRow>, EngineError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM clusters WHERE project_id = ?1"))?;
    let rows = stmt.query_map([project_id], raw)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().filter_map(|(p, c, d, o, s)| decode_row(p, c, d, o, s)).collect())
}

pub fn cluster(conn: &Connection, project_id: &str, cluster_id: &str) -> Result<Option<ClusterRow>, EngineError> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM clusters WHERE project_id = ?1 AND cluster_id = ?2"))?;
    let row = stmt.query_row([project_id, cluster_id], raw).optional()?;
    Ok(row.and_then(|(p, c, d, o, s)| decode_row(p, c, d, o, s)))
}

/// Every cluster of every project (the job scheduler and the warehouse seeder look at all).
pub fn all_clusters(conn: &Connection) -> Result<Vec<ClusterRow>, EngineError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM clusters"))?;
    let rows = stmt.query_map([], raw)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().filter_map(|(p, c, d, o, s)| decode_row(p, c, d, o, s)).collect())
}

pub fn any_busy(conn: &Connection) -> Result<bool, EngineError> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM clusters WHERE op IS NOT NULL)", [], |r| r.get(0))?)
}

/// Rows with a lifecycle operation in flight, across all projects.
pub fn busy_clusters(conn: &Connection) -> Result<Vec<ClusterRow>, EngineError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM clusters WHERE op IS NOT NULL"))?;
    let rows = stmt.query_map([], raw)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().filter_map(|(p, c, d, o, s)| decode_row(p, c, d, o, s)).collect())
}

fn encode(row: &ClusterRow) -> Result<(String, Option<String>, String), EngineError> {
    let data = serde_json::to_string(&row.cluster).map_err(|e| EngineError::Internal(e.to_string()))?;
    let op = row.op.as_ref().map(serde_json::to_string).transpose().map_err(|e| EngineError::Internal(e.to_string()))?;
    let slots = serde_json::to_string(&row.slots).map_err(|e| EngineError::Internal(e.to_string()))?;
    Ok((data, op, slots))
}

pub fn insert(conn: &Connection, row: &ClusterRow) -> Result<(), EngineError> {
    let (data, op, slots) = encode(row)?;
    conn.execute(
        "INSERT INTO clusters (project_id, cluster_id, data, op, slots) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![row.project_id, row.cluster.cluster_id, data, op, slots],
    )?;
    Ok(())
}

pub fn save(conn: &Connection, row: &ClusterRow) -> Result<(), EngineError> {
    let (data, op, slots) = encode(row)?;
    conn.execute(
        "UPDATE clusters SET data = ?3, op = ?4, slots = ?5 WHERE project_id = ?1 AND cluster_id = ?2",
        params![row.project_id, row.cluster.cluster_id, data, op, slots],
    )?;
    Ok(())
}

pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>, EngineError> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), EngineError> {
    conn.execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2", [key, value])?;
    Ok(())
}
