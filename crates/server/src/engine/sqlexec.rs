//! V2 SQL execution (ExecuteSql, ShowSqlResult, CancelSql; mrs-api.md §8) on the same DataFusion
//! [`Session`] as SQL jobs, so CTAS, INSERT and DROP behave exactly as they do in a SparkSql job.
//!
//! Records live in SQLite (`sql_executions`, see store.rs) so ShowSqlResult survives a restart;
//! a statement in flight when the process stopped is FAILED at the next start ("sandbox restarted").
//!
//! Status walk: QUEUED (stored; also while the cluster's warehouse is still being seeded) →
//! RUNNING (planning and execution; the sandbox does not report PLANNING separately) → FINISHED or
//! FAILED. The SDK has no CANCELLED status, so a cancelled statement ends FAILED with the message
//! "cancelled by user".
//!
//! Results: a row-returning statement streams every row into a CSV file (header line of column
//! names, then the rows, RFC 4180 quoting) under the request's `archive_path` (an OBS folder,
//! `DATA_DIR/obs/<bucket>/<key>`; default `obs://lakedeck-sql-results/<project>`), named
//! `<sql_id>.csv`; `result_location` is its obs:// URI. `content` holds the same strings: a header
//! row, then at most MAX_INLINE_ROWS rows. The file is written under a hidden name and renamed when
//! complete, so a reader never sees half a result.
//!
//! Ownership of the end, as for jobs: the statement is in the in-memory `running` map while it
//! runs, and whoever removes it (the executor finishing, a cancel) writes the final state inside a
//! store transaction, so a cancel and a finish never both land.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lakedeck_api::mrs_sql::{self as wire, CheckedSql, SqlExecution, SqlRowsPage, CANCELLED_MESSAGE, CANCELLED_MESSAGE_ZH, MAX_INLINE_ROWS};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::jobs::{load_cluster, lock, runs_jobs};
use super::sql::{Ran, RowSink, Session};
use super::{hdfs, Engine, EngineError};
use crate::lang::{Lang, Text};
use crate::{text, util};

/// How long a statement waits in QUEUED for its cluster's warehouse to be seeded.
const WAREHOUSE_WAIT: Duration = Duration::from_secs(120);

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqlRecord {
    pub sql_id: String,
    pub project_id: String,
    pub cluster_id: String,
    pub statement: String,
    pub sql_type: String,
    pub database: String,
    pub status: String,
    /// The message in English, and in Chinese when it differs.
    pub message: String,
    pub message_zh: String,
    /// The OBS folder results are archived in (`obs://bucket/dir`).
    pub archive_path: String,
    /// `obs://.../<sql_id>.csv` once a row-returning statement finished.
    pub result_location: String,
    pub content: Vec<Vec<String>>,
    pub columns: Vec<String>,
    pub total_rows: u64,
    pub created_ms: i64,
    pub finished_ms: i64,
}

fn cancelled() -> Text {
    Text::new(CANCELLED_MESSAGE, CANCELLED_MESSAGE_ZH)
}

impl SqlRecord {
    fn set_message(&mut self, t: impl Into<Text>) {
        let t = t.into();
        self.message = t.en.into_owned();
        self.message_zh = t.zh.into_owned();
    }

    /// The wire record, its message in the language of the request being answered.
    pub fn wire(&self) -> SqlExecution {
        let zh = Lang::current() == Lang::Zh && !self.message_zh.is_empty();
        SqlExecution {
            id: self.sql_id.clone(),
            message: if zh { self.message_zh.clone() } else { self.message.clone() },
            statement: self.statement.clone(),
            status: self.status.clone(),
            result_location: self.result_location.clone(),
            content: self.content.clone(),
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(self.status.as_str(), "FINISHED" | "FAILED")
    }
}

struct Running {
    cancel: Arc<AtomicBool>,
    abort: Option<tokio::task::AbortHandle>,
}

#[derive(Default)]
pub struct SqlRuntime {
    running: Mutex<HashMap<String, Running>>,
    /// Woken whenever a statement ends, for ShowSqlResult's sandbox-only `wait_ms`.
    ended: tokio::sync::Notify,
}

// ---------------------------------------------------------------------------------------------
// Storage

fn decode(data: &str) -> Option<SqlRecord> {
    serde_json::from_str(data).map_err(|e| eprintln!("warning: skipping an unreadable SQL record: {e}")).ok()
}

fn save(conn: &Connection, r: &SqlRecord) -> Result<(), EngineError> {
    let data = serde_json::to_string(r).map_err(|e| EngineError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO sql_executions (sql_id, project_id, cluster_id, status, created_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(sql_id) DO UPDATE SET status = ?4, data = ?6",
        params![r.sql_id, r.project_id, r.cluster_id, r.status, r.created_ms, data],
    )?;
    Ok(())
}

fn by_id(conn: &Connection, sql_id: &str) -> Result<Option<SqlRecord>, EngineError> {
    let data: Option<String> =
        conn.query_row("SELECT data FROM sql_executions WHERE sql_id = ?1", [sql_id], |r| r.get(0)).optional()?;
    Ok(data.as_deref().and_then(decode))
}

fn not_found(id: &str) -> Text {
    text!("The SQL execution {id} does not exist in this cluster.", "此集群中不存在 SQL 执行 {id}。")
}

/// The record `sql_id` of this project's cluster (the cluster itself must exist: 12000003 first).
fn load(conn: &Connection, project: &str, cluster: &str, sql_id: &str) -> Result<Option<SqlRecord>, EngineError> {
    load_cluster(conn, project, cluster)?;
    Ok(by_id(conn, sql_id)?.filter(|r| r.project_id == project && r.cluster_id == cluster))
}

// ---------------------------------------------------------------------------------------------
// The CSV archive

/// Streams rows into the archive file and keeps the first MAX_INLINE_ROWS for `content`.
struct CsvSink {
    tmp: PathBuf,
    file: Option<BufWriter<std::fs::File>>,
    columns: Vec<String>,
    inline: Vec<Vec<String>>,
    /// Bytes written so far, and the most the archive may hold.
    written: u64,
    max_bytes: u64,
}

impl CsvSink {
    fn write_line(&mut self, fields: &[String]) -> Result<(), String> {
        let line = wire::csv_line(fields);
        self.written += line.len() as u64 + 1;
        if self.written > self.max_bytes {
            // Worded in both languages by the caller, which sees `written` past the limit.
            return Err("the result is larger than the sandbox's limit".into());
        }
        let file = self.file.as_mut().ok_or("the result has no columns")?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.write_all(b"\n"))
            .map_err(|e| format!("cannot write the result archive: {e}"))
    }
}

impl RowSink for CsvSink {
    fn columns(&mut self, names: Vec<String>) -> Result<(), String> {
        if let Some(dir) = self.tmp.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the archive folder: {e}"))?;
        }
        let file = std::fs::File::create(&self.tmp).map_err(|e| format!("cannot create the result archive: {e}"))?;
        self.file = Some(BufWriter::new(file));
        self.write_line(&names)?;
        self.columns = names;
        Ok(())
    }

    fn row(&mut self, values: Vec<String>) -> Result<(), String> {
        self.write_line(&values)?;
        if self.inline.len() < MAX_INLINE_ROWS {
            self.inline.push(values);
        }
        Ok(())
    }
}

/// Reads the next CSV record from `reader` (a quoted field may span lines). `None` at the end.
fn next_record(reader: &mut impl BufRead) -> std::io::Result<Option<Vec<String>>> {
    let mut buf = Vec::new();
    loop {
        let n = reader.read_until(b'\n', &mut buf)?;
        // Complete when the quotes are balanced (doubled quotes count twice, so parity works).
        if n == 0 || buf.iter().filter(|&&b| b == b'"').count() % 2 == 0 {
            break;
        }
    }
    if buf.is_empty() {
        return Ok(None);
    }
    Ok(wire::csv_record(&buf, 0).map(|(fields, _)| fields))
}

// ---------------------------------------------------------------------------------------------
// API operations

/// CancelSql's two answers besides errors of the cluster itself.
pub enum CancelOutcome {
    Succeed,
    Failed(Text),
}

impl Engine {
    fn archive_dir(&self, cluster: &str, uri: &str) -> Result<PathBuf, Text> {
        hdfs::resolve(&self.data_dir, cluster, uri)
    }

    /// ExecuteSql: checks the cluster, stores the statement QUEUED and starts it; answers the
    /// stored record. Every statement gets an id (the vendor only gives SELECT/SHOW/DESC one) so
    /// any statement can be polled and cancelled.
    pub fn execute_sql(self: &Arc<Self>, project: &str, cluster: &str, req: &CheckedSql) -> Result<SqlExecution, EngineError> {
        let archive_path = req.archive_path.clone().unwrap_or_else(|| wire::default_archive_path(project));
        let record = self.store.tx(|conn| {
            let row = load_cluster(conn, project, cluster)?;
            let state = row.cluster.cluster_state;
            if !runs_jobs(state) {
                let state = state.as_str();
                return Err(EngineError::invalid(
                    wire::SQL_REJECTED,
                    text!(
                        "The cluster is {state}; SQL can only be executed on a running cluster.",
                        "集群状态为 {state}，只能在运行中的集群上执行 SQL。"
                    ),
                ));
            }
            self.archive_dir(cluster, &archive_path).map_err(|e| {
                EngineError::invalid(lakedeck_api::rules::INVALID_PARAM, Text::new(format!("archive_path: {}", e.en), format!("archive_path: {}", e.zh)))
            })?;
            let record = SqlRecord {
                sql_id: util::uuid_v4(),
                project_id: project.to_string(),
                cluster_id: cluster.to_string(),
                statement: req.statement.clone(),
                sql_type: req.sql_type.clone(),
                database: req.database.clone(),
                status: "QUEUED".into(),
                archive_path: archive_path.clone(),
                created_ms: util::now_ms(),
                ..Default::default()
            };
            save(conn, &record)?;
            // Registered before the commit: a cancel right after the answer finds it.
            lock(&self.sql.running)
                .insert(record.sql_id.clone(), Running { cancel: Arc::new(AtomicBool::new(false)), abort: None });
            Ok(record)
        })?;
        self.start_sql(record.clone());
        Ok(record.wire())
    }

    /// Woken each time any statement ends (finished, failed or cancelled). Register interest
    /// (`Notified::enable`) before reading the record, so an end in between is not missed.
    pub fn sql_ended(&self) -> &tokio::sync::Notify {
        &self.sql.ended
    }

    pub fn sql_execution(&self, project: &str, cluster: &str, sql_id: &str) -> Result<SqlRecord, EngineError> {
        self.store
            .read(|conn| load(conn, project, cluster, sql_id))?
            .ok_or_else(|| EngineError::invalid(wire::SQL_REJECTED, not_found(sql_id)))
    }

    /// CancelSql: stops a statement that has not ended (its DataFusion query really stops: the
    /// cancel flag ends every operator and the task is aborted). An ended one answers SUCCEED.
    pub fn cancel_sql(&self, project: &str, cluster: &str, sql_id: &str) -> Result<CancelOutcome, EngineError> {
        let tmp = self.store.tx(|conn| {
            let Some(mut record) = load(conn, project, cluster, sql_id)? else {
                return Ok(Err(not_found(sql_id)));
            };
            if record.is_final() {
                return Ok(Ok(None));
            }
            if let Some(r) = lock(&self.sql.running).remove(sql_id) {
                r.cancel.store(true, Ordering::SeqCst);
                if let Some(a) = r.abort {
                    a.abort();
                }
            }
            record.status = "FAILED".into();
            record.set_message(cancelled());
            record.finished_ms = util::now_ms();
            save(conn, &record)?;
            Ok(Ok(self.archive_dir(cluster, &record.archive_path).ok().map(|d| tmp_name(&d, sql_id))))
        })?;
        self.sql.ended.notify_waiters();
        match tmp {
            Err(message) => Ok(CancelOutcome::Failed(message)),
            Ok(tmp) => {
                // The aborted task may have left its half-written archive.
                if let Some(t) = tmp {
                    let _ = std::fs::remove_file(t);
                }
                Ok(CancelOutcome::Succeed)
            }
        }
    }

    /// Sandbox-only: rows `offset..offset+limit` of a finished statement's archived CSV, read
    /// record by record (the file is never loaded whole).
    pub fn sql_rows(&self, project: &str, cluster: &str, sql_id: &str, offset: u64, limit: u64) -> Result<SqlRowsPage, EngineError> {
        let record = self.sql_execution(project, cluster, sql_id)?;
        if record.status != "FINISHED" || record.result_location.is_empty() {
            let status = &record.status;
            return Err(EngineError::invalid(
                wire::SQL_REJECTED,
                text!(
                    "The SQL execution {sql_id} has no archived result (status {status}; only finished row-returning statements have one).",
                    "SQL 执行 {sql_id} 没有归档结果（状态为 {status}；只有已完成且返回行的语句才有）。"
                ),
            ));
        }
        let path = self.archive_dir(cluster, &record.result_location).map_err(|e| EngineError::Internal(e.en.into_owned()))?;
        let file = std::fs::File::open(&path).map_err(|e| {
            let location = &record.result_location;
            EngineError::invalid(wire::SQL_REJECTED, text!("The result archive {location} cannot be read: {e}", "无法读取结果归档 {location}：{e}"))
        })?;
        let mut reader = BufReader::new(file);
        let io = |e: std::io::Error| EngineError::Internal(format!("reading {}: {e}", path.display()));
        let columns = next_record(&mut reader).map_err(io)?.unwrap_or_default();
        for _ in 0..offset {
            if next_record(&mut reader).map_err(io)?.is_none() {
                break;
            }
        }
        let mut rows = Vec::new();
        while (rows.len() as u64) < limit {
            match next_record(&mut reader).map_err(io)? {
                Some(r) => rows.push(r),
                None => break,
            }
        }
        Ok(SqlRowsPage { total_rows: record.total_rows, offset, columns, rows })
    }

    /// Called once at start: statements in flight died with the old process.
    pub fn recover_sql(&self) -> Result<usize, EngineError> {
        self.store.tx(|conn| {
            let mut stmt = conn.prepare("SELECT data FROM sql_executions WHERE status NOT IN ('FINISHED', 'FAILED')")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            let mut n = 0;
            for mut r in rows.iter().filter_map(|d| decode(d)) {
                let status = r.status.clone();
                r.set_message(text!(
                    "sandbox restarted while the statement was {status}; run it again",
                    "语句处于 {status} 状态时沙箱重启，请重新执行"
                ));
                r.status = "FAILED".into();
                r.finished_ms = util::now_ms();
                save(conn, &r)?;
                n += 1;
            }
            Ok(n)
        })
    }
}

fn tmp_name(dir: &Path, sql_id: &str) -> PathBuf {
    dir.join(format!(".{sql_id}.csv.tmp"))
}

// ---------------------------------------------------------------------------------------------
// Executor

/// What a statement produced.
struct Finished {
    message: Text,
    result_location: String,
    columns: Vec<String>,
    content: Vec<Vec<String>>,
    total_rows: u64,
}

impl Engine {
    fn start_sql(self: &Arc<Self>, record: SqlRecord) {
        let Some(cancel) = lock(&self.sql.running).get(&record.sql_id).map(|r| r.cancel.clone()) else { return };
        let engine = self.clone();
        let id = record.sql_id.clone();
        let task = self.jobs_handle().spawn(async move {
            let outcome = engine.sql_work(&record, &cancel).await;
            let outcome = if cancel.load(Ordering::SeqCst) { Err(cancelled()) } else { outcome };
            let e = engine.clone();
            let _ = tokio::task::spawn_blocking(move || e.finish_sql(&record, outcome)).await;
        });
        if let Some(r) = lock(&self.sql.running).get_mut(&id) {
            r.abort = Some(task.abort_handle());
        }
    }

    async fn set_sql_status(self: &Arc<Self>, sql_id: &str, status: &'static str) {
        let e = self.clone();
        let id = sql_id.to_string();
        let _ = tokio::task::spawn_blocking(move || {
            e.store.tx(|conn| {
                if let Some(mut r) = by_id(conn, &id)?.filter(|r| !r.is_final()) {
                    r.status = status.into();
                    save(conn, &r)?;
                }
                Ok(())
            })
        })
        .await;
    }

    async fn sql_work(self: &Arc<Self>, record: &SqlRecord, cancel: &Arc<AtomicBool>) -> Result<Finished, Text> {
        let waited = std::time::Instant::now();
        while !self.warehouse_ready(&record.cluster_id) {
            if waited.elapsed() > WAREHOUSE_WAIT || self.seed_failed(&record.cluster_id) {
                return Err(text!(
                    "The cluster's warehouse (TPC-H tables) could not be prepared; see the sandbox's output.",
                    "无法准备集群的数据仓库（TPC-H 表），请查看沙箱的输出。"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.set_sql_status(&record.sql_id, "RUNNING").await;
        let dir = self.archive_dir(&record.cluster_id, &record.archive_path)?;
        let mut sink = CsvSink {
            tmp: tmp_name(&dir, &record.sql_id),
            file: None,
            columns: Vec::new(),
            inline: Vec::new(),
            written: 0,
            max_bytes: self.limits.max_result_bytes,
        };
        let mut session = Session::new(hdfs::ClusterFs::new(&self.data_dir, &record.cluster_id), cancel.clone(), self.tables.clone())
            .with_alluxio(self.cache().clone());
        // Past the limit the plan's operators stop on their next batch; the timer is the backstop
        // for a statement that produces none.
        let deadline = self.limits.deadline();
        session.set_deadline(deadline.clone());
        let ran = match tokio::time::timeout(self.limits.sql_timeout, session.execute(&record.statement, &mut sink)).await {
            Ok(ran) => ran,
            Err(_) => Err(self.limits.timeout_message()),
        };
        // A limit that stopped the statement is worded as the limit, in both languages.
        let ran = ran.map_err(|e| {
            if sink.written > sink.max_bytes {
                self.limits.result_too_large()
            } else if std::time::Instant::now() >= deadline.at {
                self.limits.timeout_message()
            } else {
                e
            }
        });
        let flushed = match sink.file.take() {
            Some(mut f) => f.flush().map_err(|e| text!("cannot write the result archive: {e}", "无法写入结果归档：{e}")),
            None => Ok(()),
        };
        let result = ran.and_then(|r| flushed.map(|()| r));
        match result {
            Ok(Ran::Done(summary)) => {
                let _ = std::fs::remove_file(&sink.tmp);
                Ok(Finished { message: summary, result_location: String::new(), columns: Vec::new(), content: Vec::new(), total_rows: 0 })
            }
            Ok(Ran::Rows(total)) => {
                let name = format!("{}.csv", record.sql_id);
                std::fs::rename(&sink.tmp, dir.join(&name)).map_err(|e| text!("cannot store the result archive: {e}", "无法保存结果归档：{e}"))?;
                let location = format!("{}/{name}", record.archive_path);
                let message = if total as usize > MAX_INLINE_ROWS {
                    text!(
                        "{total} rows; content holds the column names and the first {MAX_INLINE_ROWS} rows, result_location all of them",
                        "共 {total} 行；content 含列名和前 {MAX_INLINE_ROWS} 行，result_location 含全部行"
                    )
                } else if total == 1 {
                    text!("1 row; content holds the column names and the row", "共 1 行；content 含列名和该行")
                } else {
                    text!("{total} rows; content holds the column names and every row", "共 {total} 行；content 含列名和全部行")
                };
                let mut content = Vec::with_capacity(sink.inline.len() + 1);
                content.push(sink.columns.clone());
                content.append(&mut sink.inline);
                Ok(Finished { message, result_location: location, columns: sink.columns, content, total_rows: total })
            }
            Err(e) => {
                let _ = std::fs::remove_file(&sink.tmp);
                Err(e)
            }
        }
    }

    fn finish_sql(&self, record: &SqlRecord, outcome: Result<Finished, Text>) -> Result<(), EngineError> {
        let dir = self.archive_dir(&record.cluster_id, &record.archive_path).ok();
        let kept = self.store.tx(|conn| {
            if lock(&self.sql.running).remove(&record.sql_id).is_none() {
                // Cancelled: that path wrote the end already.
                return Ok(false);
            }
            let Some(mut r) = by_id(conn, &record.sql_id)? else { return Ok(false) };
            r.finished_ms = util::now_ms();
            match outcome {
                Ok(f) => {
                    r.status = "FINISHED".into();
                    r.set_message(f.message);
                    r.result_location = f.result_location;
                    r.columns = f.columns;
                    r.content = f.content;
                    r.total_rows = f.total_rows;
                }
                Err(m) => {
                    r.status = "FAILED".into();
                    r.set_message(m);
                }
            }
            save(conn, &r)?;
            Ok(true)
        })?;
        self.sql.ended.notify_waiters();
        if !kept {
            // A cancel won the race with the end of the query: its archive is not part of any record.
            if let Some(d) = dir {
                let _ = std::fs::remove_file(d.join(format!("{}.csv", record.sql_id)));
            }
        }
        Ok(())
    }
}
