//! Load, free and rebalance jobs (alluxio-api.md §2, §5, §6), run for real in the background.
//!
//! Lifecycle: WAITING → RUNNING → (VERIFYING when `verify`) → SUCCEEDED | FAILED | STOPPED. At
//! most [`MAX_RUNNING_JOBS`](super::MAX_RUNNING_JOBS) run at once; the rest wait. One job is
//! active per (type, paths | index) or (rebalance, target): submitting it again while it is
//! active answers 409 with its id; submitting a STOPPED or FAILED one resumes it (same id).
//!
//! Load: the paths are listed from the UFS (sorted by URI) and processed in chunks of
//! `batchSize` files per online worker. Each file goes to its owners on the ring (`replicas`
//! distinct workers), which copy its pages from the UFS and admit them (capacity, priority and
//! quota apply); a chunk's worker batches run in parallel and each commits in one transaction.
//! Progress (counters and the position in the listing) is saved after every chunk, so a stop, a
//! resume or a sandbox restart continues where the last chunk ended. `totalBytes` is the UFS size
//! of the matched files (replicas not multiplied), `loadedBytes` the bytes of the files loaded.
//! A job FAILS when more than 100 files and more than 5 % failed (DORA's rule), when every file
//! failed, or before it starts when a path is missing or the quota pre-check fails.
//!
//! Free: removes every cached page of the files at or below the paths (or listed by the index),
//! with their metadata. Pages held by an OFFLINE worker cannot be reached: they count as failed.
//!
//! Rebalance: for the target worker(s), LOADING copies the pages of the files they now own but
//! lack (from another online worker holding them, else from the UFS), then PRUNING removes the
//! pages they hold but no longer own (skipped with `skipPrune`). Bandwidths are bytes per second
//! per worker.
//!
//! Restart: jobs that were WAITING, RUNNING or VERIFYING resume (WAITING first) from their last
//! saved chunk; finished jobs are kept for the retention window (7 days).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lakedeck_api::alluxio::{
    check_batch_size, check_load_policy, check_replicas, check_size, is_final_job_state, FailedFile, JobProgress, JobSubmit, JobSubmitted, LoadOptions, QuotaHeadroom,
    RebalanceOptions,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::namespace::UfsFile;
use super::pages::{self, file_id, page_count, page_len, FileRow, Staged};
use super::policy::{self, Decision};
use super::{iso_time, lock, workers, Cache, CacheError, CacheResult, Run, JOB_RETENTION_MS, MAX_RUNNING_JOBS};
use crate::lang::Text;
use crate::text;
use crate::util;

/// Default files per worker batch (`alluxio.job.batch.size`).
pub const DEFAULT_BATCH: i64 = 200;
/// Failed files kept in the record (all of them go to the failed-file list).
const KEPT_FAILURES: usize = 1000;
const ACTIVE: [&str; 3] = ["WAITING", "RUNNING", "VERIFYING"];

pub use crate::lang::Msg;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Opts {
    pub batch_size: i64,
    pub file_filter_regex: String,
    pub replicas: i64,
    pub skip_if_exists: bool,
    pub if_changed: bool,
    pub metadata_only: bool,
    pub verify: bool,
    pub bandwidth: i64,
    pub skip_prune: bool,
    pub load_bandwidth: i64,
    pub prune_bandwidth: i64,
    /// Which optional fields the client set (echoed in the progress).
    pub given: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counters {
    pub loaded_bytes: i64,
    pub skipped_bytes: i64,
    pub total_bytes: i64,
    pub loaded_files: i64,
    pub failed_files: i64,
    pub scanned_files: i64,
    pub processed_files: i64,
    pub freed_bytes: i64,
    pub failed_bytes: i64,
    pub freed_files: i64,
    pub total_files: i64,
    pub pruned_bytes: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobRecord {
    pub id: String,
    pub seq: i64,
    /// LOAD, FREE or REBALANCE
    pub kind: String,
    pub state: String,
    pub run: i64,
    pub alias: String,
    pub paths: Vec<String>,
    /// The paths as canonical UFS URIs (the job's identity).
    pub ufs_paths: Vec<String>,
    pub index: String,
    pub index_ufs: String,
    pub target: String,
    pub opts: Opts,
    pub created_ms: i64,
    pub start_ms: i64,
    /// Time spent running in earlier runs.
    pub elapsed_ms: i64,
    pub run_started_ms: i64,
    pub running_state: String,
    /// Files of the sorted listing already processed.
    pub cursor: i64,
    pub c: Counters,
    pub errors: BTreeMap<String, Msg>,
    pub failed: Vec<(String, Msg)>,
    pub quota: Option<QuotaHeadroom>,
    pub quota_check_error: Option<Msg>,
    pub finished_ms: i64,
    /// When progress was last saved (the elapsed time a restart can account for).
    pub saved_ms: i64,
}

impl JobRecord {
    fn key(&self) -> String {
        match self.kind.as_str() {
            "REBALANCE" => format!("REBALANCE:{}", self.target),
            k if !self.index_ufs.is_empty() => format!("{k}:index:{}", self.index_ufs),
            k => format!("{k}:paths:{}", self.ufs_paths.join("\n")),
        }
    }

    fn elapsed(&self, now: i64) -> i64 {
        self.elapsed_ms + if self.run_started_ms > 0 { (now - self.run_started_ms).max(0) } else { 0 }
    }

    fn fail_file(&mut self, path: &str, reason: Msg) {
        self.c.failed_files += 1;
        if self.failed.len() < KEPT_FAILURES {
            self.failed.push((path.to_string(), reason.clone()));
        }
        if self.errors.len() < 100 {
            self.errors.insert(path.to_string(), reason);
        }
    }
}

fn decode(data: &str) -> Option<JobRecord> {
    serde_json::from_str(data).map_err(|e| eprintln!("warning: skipping an unreadable cache job record: {e}")).ok()
}

fn save(conn: &Connection, r: &JobRecord) -> CacheResult<()> {
    let data = serde_json::to_string(r).map_err(|e| CacheError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO jobs (id, seq, kind, state, key, alias, run, finished_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(id) DO UPDATE SET state = ?4, key = ?5, alias = ?6, run = ?7, finished_ms = ?8, data = ?9",
        params![r.id, r.seq, r.kind, r.state, r.key(), r.alias, r.run, r.finished_ms, data],
    )?;
    Ok(())
}

fn by_id(conn: &Connection, id: &str) -> CacheResult<Option<JobRecord>> {
    let data: Option<String> = conn.query_row("SELECT data FROM jobs WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    Ok(data.as_deref().and_then(decode))
}

fn latest_where(conn: &Connection, kind: &str, column: &str, value: &str) -> CacheResult<Option<JobRecord>> {
    let data: Option<String> = conn
        .query_row(&format!("SELECT data FROM jobs WHERE kind = ?1 AND {column} = ?2 ORDER BY seq DESC LIMIT 1"), params![kind, value], |r| r.get(0))
        .optional()?;
    Ok(data.as_deref().and_then(decode))
}

/// Saves progress of the current run; false when the job was stopped or resumed meanwhile.
fn save_progress(conn: &Connection, r: &mut JobRecord) -> CacheResult<bool> {
    r.saved_ms = util::now_ms();
    let data = serde_json::to_string(r).map_err(|e| CacheError::Internal(e.to_string()))?;
    let n = conn.execute(
        "UPDATE jobs SET data = ?3, state = ?4 WHERE id = ?1 AND run = ?2 AND state IN ('RUNNING', 'VERIFYING')",
        params![r.id, r.run, data, r.state],
    )?;
    Ok(n == 1)
}

fn bad(t: Text) -> CacheError {
    CacheError::BadRequest(t)
}

fn no_job(kind: &str) -> CacheError {
    let k = kind.to_lowercase();
    CacheError::NotFound(text!("No {k} job found for this selector.", "没有找到符合条件的 {k} 作业。"))
}

fn bandwidth(raw: Option<&str>, field: &'static str) -> CacheResult<i64> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(s) => Ok(check_size(field, s)? as i64),
    }
}

/// Which job a GET or DELETE names.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    pub id: Option<String>,
    pub index: Option<String>,
    pub alias: Option<String>,
    pub target: Option<String>,
    pub paths: Option<Vec<String>>,
}

impl Selector {
    pub fn is_empty(&self) -> bool {
        self.id.is_none() && self.index.is_none() && self.alias.is_none() && self.target.is_none() && self.paths.is_none()
    }

    fn count(&self) -> usize {
        [self.id.is_some(), self.index.is_some(), self.alias.is_some(), self.target.is_some(), self.paths.is_some()]
            .iter()
            .filter(|b| **b)
            .count()
    }
}

/// Throttles a stream of bytes to `rate` bytes per second (0: unlimited).
struct Throttle {
    rate: i64,
    start: Instant,
    bytes: u64,
}

impl Throttle {
    fn new(rate: i64) -> Throttle {
        Throttle { rate, start: Instant::now(), bytes: 0 }
    }

    fn add(&mut self, n: u64, cancel: &AtomicBool) {
        if self.rate <= 0 {
            return;
        }
        self.bytes += n;
        let due = Duration::from_secs_f64(self.bytes as f64 / self.rate as f64);
        while self.start.elapsed() < due && !cancel.load(Ordering::Relaxed) {
            std::thread::sleep((due - self.start.elapsed()).min(Duration::from_millis(50)));
        }
    }
}

enum Outcome {
    Loaded { bytes: u64 },
    Skipped,
    Failed(Msg),
}

impl Cache {
    // -----------------------------------------------------------------------------------------
    // Submission

    fn validate_load_options(&self, o: &LoadOptions, kind: &str) -> CacheResult<Opts> {
        let workers = self.db().read(workers)?.len() as i64;
        let mut opts = Opts { batch_size: DEFAULT_BATCH, replicas: 1, ..Default::default() };
        let mut given = Vec::new();
        if let Some(b) = o.batch_size {
            opts.batch_size = check_batch_size("batchSize", b)?;
            given.push("batchSize".to_string());
        }
        if let Some(r) = o.replicas {
            opts.replicas = check_replicas(r, workers)?;
            given.push("replicas".to_string());
        }
        if let Some(re) = o.file_filter_regex.as_deref().filter(|s| !s.is_empty()) {
            policy::compile_pattern(re)
                .map_err(|e| bad(text!("fileFilterRegex is not a valid regular expression: {e}", "fileFilterRegex 不是有效的正则表达式：{e}")))?;
            opts.file_filter_regex = re.to_string();
            given.push("fileFilterRegex".to_string());
        }
        if let Some(p) = o.load_policy.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            check_load_policy(p)?;
            opts.if_changed = true;
            given.push("loadPolicy".to_string());
        }
        for (flag, value, name) in [
            (&mut opts.skip_if_exists, o.skip_if_exists, "skipIfExists"),
            (&mut opts.metadata_only, o.load_metadata_only, "loadMetadataOnly"),
            (&mut opts.verify, o.verify, "verify"),
        ] {
            if let Some(v) = value {
                *flag = v;
                given.push(name.to_string());
            }
        }
        opts.bandwidth = bandwidth(o.bandwidth.as_deref(), "bandwidth")?;
        if kind == "FREE" {
            // Free takes no options but an emulator should not refuse what a client sends.
            opts.given.clear();
            return Ok(opts);
        }
        opts.given = given;
        Ok(opts)
    }

    /// POST /api/v1/load and /api/v1/free.
    pub fn submit(self: &Arc<Self>, kind: &str, req: &JobSubmit) -> CacheResult<JobSubmitted> {
        let index = req.index.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let paths: Option<Vec<String>> = req.paths.as_ref().map(|v| v.iter().map(|p| p.trim().to_string()).collect());
        let mut rec = match (index, paths) {
            (Some(_), Some(_)) => {
                return Err(bad(text!("Give either index or paths, not both.", "index 与 paths 只能给出一个。")));
            }
            (None, None) => return Err(bad(text!("The request must name paths (a list of UFS paths) or an index.", "请求必须给出 paths（UFS 路径列表）或 index。"))),
            (None, Some(p)) if p.is_empty() || p.iter().any(String::is_empty) => {
                return Err(bad(text!("paths must be a non-empty list of non-empty paths.", "paths 必须是非空的路径列表，且每项都不能为空。")));
            }
            (Some(ix), None) => {
                let (ufs, _) = self.index_files(ix)?;
                JobRecord { index: ix.to_string(), index_ufs: ufs, ..Default::default() }
            }
            (None, Some(p)) => {
                let mut ufs = Vec::new();
                for path in &p {
                    ufs.push(self.locate(path)?.ufs);
                }
                ufs.sort();
                ufs.dedup();
                JobRecord { paths: p, ufs_paths: ufs, ..Default::default() }
            }
        };
        rec.kind = kind.to_string();
        rec.opts = self.validate_load_options(&req.options.clone().unwrap_or_default(), kind)?;
        rec.alias = req.alias.as_deref().map(str::trim).unwrap_or("").to_string();
        self.submit_record(rec)
    }

    /// POST /api/v1/rebalance.
    pub fn submit_rebalance(self: &Arc<Self>, target: Option<&str>, o: &RebalanceOptions) -> CacheResult<JobSubmitted> {
        let target = target.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
            bad(text!("The request must name a target: a worker id or ALL.", "请求必须给出 target：工作节点 ID 或 ALL。"))
        })?;
        let target = if target.eq_ignore_ascii_case("ALL") { "ALL".to_string() } else { target.to_string() };
        if target != "ALL" {
            let w = self.db().read(|conn| super::worker(conn, &target))?.ok_or_else(|| {
                bad(text!("Worker {target} not found; use a worker id from GET /api/v1/nodes or ALL.", "工作节点 {target} 不存在；请使用 GET /api/v1/nodes 中的节点 ID 或 ALL。"))
            })?;
            if !w.online() {
                return Err(bad(text!("Worker {target} is OFFLINE; only online workers can be rebalanced.", "工作节点 {target} 处于 OFFLINE 状态；只能对在线节点重平衡。")));
            }
        }
        let mut opts = Opts { batch_size: DEFAULT_BATCH, replicas: 1, ..Default::default() };
        if let Some(b) = o.load_batch_size {
            opts.batch_size = check_batch_size("loadBatchSize", b)?;
            opts.given.push("loadBatchSize".into());
        }
        opts.load_bandwidth = bandwidth(o.load_bandwidth.as_deref(), "loadBandwidth")?;
        opts.prune_bandwidth = bandwidth(o.prune_bandwidth.as_deref(), "pruneBandwidth")?;
        opts.skip_prune = o.skip_prune.unwrap_or(false);
        let rec = JobRecord { kind: "REBALANCE".into(), target, opts, ..Default::default() };
        self.submit_record(rec)
    }

    fn submit_record(self: &Arc<Self>, mut rec: JobRecord) -> CacheResult<JobSubmitted> {
        let now = util::now_ms();
        let answer = self.db().tx(|conn| {
            let key = rec.key();
            let same: Option<JobRecord> = {
                let data: Option<String> = conn
                    .query_row("SELECT data FROM jobs WHERE key = ?1 ORDER BY seq DESC LIMIT 1", [&key], |r| r.get(0))
                    .optional()?;
                data.as_deref().and_then(decode)
            };
            if let Some(prev) = &same {
                if ACTIVE.contains(&prev.state.as_str()) {
                    let (kind, id) = (prev.kind.to_lowercase(), prev.id.clone());
                    return Err(CacheError::Conflict {
                        text: text!(
                            "A {kind} job for the same paths is already scheduled ({id}); poll it or stop it first.",
                            "相同路径的 {kind} 作业已在调度中（{id}）；请查询其进度或先停止它。"
                        ),
                        id: Some(prev.id.clone()),
                    });
                }
            }
            if !rec.alias.is_empty() {
                if let Some(other) = latest_where(conn, &rec.kind, "alias", &rec.alias)? {
                    if ACTIVE.contains(&other.state.as_str()) && other.key() != key {
                        let (alias, id) = (rec.alias.clone(), other.id.clone());
                        return Err(CacheError::Conflict {
                            text: text!(
                                "The alias {alias} names another active job ({id}) with different paths.",
                                "别名 {alias} 已被另一个路径不同的活动作业（{id}）使用。"
                            ),
                            id: Some(other.id.clone()),
                        });
                    }
                }
            }
            match same {
                Some(mut prev) if matches!(prev.state.as_str(), "STOPPED" | "FAILED") => {
                    // Resume: same id, new options, counters and position kept.
                    prev.state = "WAITING".into();
                    prev.opts = rec.opts.clone();
                    prev.quota_check_error = None;
                    prev.finished_ms = 0;
                    prev.running_state.clear();
                    if !rec.alias.is_empty() {
                        prev.alias = rec.alias.clone();
                    }
                    save(conn, &prev)?;
                    Ok(JobSubmitted { id: prev.id.clone(), alias: prev.alias.clone(), target: target_of(&prev), resumed: true })
                }
                _ => {
                    let seq: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs", [], |r| r.get(0))?;
                    rec.id = util::uuid_v4();
                    rec.seq = seq;
                    rec.state = "WAITING".into();
                    rec.created_ms = now;
                    if rec.alias.is_empty() && rec.kind != "REBALANCE" {
                        rec.alias = format!("{}-{}", rec.kind.to_lowercase(), &rec.id[..8]);
                    }
                    save(conn, &rec)?;
                    Ok(JobSubmitted { id: rec.id.clone(), alias: rec.alias.clone(), target: target_of(&rec), resumed: false })
                }
            }
        })?;
        self.schedule();
        Ok(answer)
    }

    // -----------------------------------------------------------------------------------------
    // Queries and stop

    fn find(&self, kind: &str, sel: &Selector) -> CacheResult<Option<JobRecord>> {
        if sel.count() > 1 {
            return Err(bad(text!(
                "Name the job by one of id, target, index or alias, not several.",
                "只能用 id、target、index、alias 中的一个来指定作业。"
            )));
        }
        let id_of_target = |t: &str| t.strip_prefix("job-").unwrap_or(t).to_string();
        self.db().read(|conn| {
            let found = if let Some(id) = &sel.id {
                by_id(conn, id.trim())?
            } else if let Some(t) = &sel.target {
                if kind == "REBALANCE" {
                    let t = if t.eq_ignore_ascii_case("ALL") { "ALL".to_string() } else { t.trim().to_string() };
                    latest_where(conn, kind, "key", &format!("REBALANCE:{t}"))?
                } else {
                    by_id(conn, &id_of_target(t.trim()))?
                }
            } else if let Some(a) = &sel.alias {
                latest_where(conn, kind, "alias", a.trim())?
            } else if let Some(ix) = &sel.index {
                let ufs = self.locate(ix).map(|l| l.ufs).unwrap_or_default();
                let ufs = conn
                    .query_row("SELECT path FROM file_index WHERE alias = ?1 AND alias != ''", [ix.trim()], |r| r.get::<_, String>(0))
                    .optional()?
                    .unwrap_or(ufs);
                latest_where(conn, kind, "key", &format!("{kind}:index:{ufs}"))?
            } else if let Some(p) = &sel.paths {
                let mut ufs: Vec<String> = p.iter().filter_map(|x| self.locate(x).ok().map(|l| l.ufs)).collect();
                ufs.sort();
                ufs.dedup();
                latest_where(conn, kind, "key", &format!("{kind}:paths:{}", ufs.join("\n")))?
            } else {
                None
            };
            Ok(found.filter(|r| r.kind == kind))
        })
    }

    /// GET with a selector.
    pub fn job_progress(&self, kind: &str, sel: &Selector, file_list: bool) -> CacheResult<JobProgress> {
        let rec = self.find(kind, sel)?.ok_or_else(|| no_job(kind))?;
        Ok(self.progress(&rec, file_list))
    }

    pub fn job_by_id(&self, id: &str) -> CacheResult<Option<JobProgress>> {
        Ok(self.db().read(|conn| by_id(conn, id))?.map(|r| self.progress(&r, false)))
    }

    /// GET without a selector: jobs of `kind` in submission order, after `last_key` (a job id or
    /// alias from an earlier page), at most `count`.
    pub fn list_jobs(&self, kind: &str, last_key: Option<&str>, count: Option<usize>) -> CacheResult<Vec<JobProgress>> {
        let rows = self.db().read(|conn| {
            let after: i64 = match last_key {
                Some(k) => conn
                    .query_row("SELECT seq FROM jobs WHERE kind = ?1 AND (id = ?2 OR alias = ?2) ORDER BY seq DESC LIMIT 1", params![kind, k], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| {
                        bad(text!("lastKey {k} is not a job of this list.", "lastKey {k} 不是此列表中的作业。"))
                    })?,
                None => 0,
            };
            let limit = count.map(|c| c as i64).unwrap_or(-1);
            let mut stmt = conn.prepare("SELECT data FROM jobs WHERE kind = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")?;
            let rows = stmt.query_map(params![kind, after, limit], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        Ok(rows.iter().filter_map(|d| decode(d)).map(|r| self.progress(&r, false)).collect())
    }

    /// DELETE: stops an active job. 410 when there is no such job or it already ended.
    pub fn stop_job(&self, kind: &str, sel: &Selector) -> CacheResult<JobProgress> {
        if sel.is_empty() {
            return Err(bad(text!(
                "The request must name the job: id, target, index, alias or paths.",
                "请求必须指定作业：id、target、index、alias 或 paths。"
            )));
        }
        let gone = || {
            CacheError::Gone(text!(
                "The job does not exist or has already finished.",
                "作业不存在或已经结束。"
            ))
        };
        let rec = self.find(kind, sel)?.ok_or_else(gone)?;
        let now = util::now_ms();
        let stopped = self.db().tx(|conn| {
            let Some(mut r) = by_id(conn, &rec.id)? else { return Err(gone()) };
            if is_final_job_state(&r.state) {
                return Err(gone());
            }
            r.elapsed_ms = r.elapsed(now);
            r.run_started_ms = 0;
            r.state = "STOPPED".into();
            r.running_state.clear();
            r.finished_ms = now;
            save(conn, &r)?;
            Ok(r)
        })?;
        if let Some(run) = lock(&self.runs).get(&stopped.id) {
            run.cancel.store(true, Ordering::SeqCst);
        }
        self.write_failed_list(&stopped);
        Ok(self.progress(&stopped, false))
    }

    /// The wire progress of a record.
    pub fn progress(&self, r: &JobRecord, file_list: bool) -> JobProgress {
        let now = util::now_ms();
        let given = |k: &str| r.opts.given.iter().any(|g| g == k);
        let mut p = JobProgress {
            id: r.id.clone(),
            job_type: r.kind.clone(),
            alias: r.alias.clone(),
            target: target_of(r),
            start_time: iso_time(if r.start_ms > 0 { r.start_ms } else { r.created_ms }),
            state: r.state.clone(),
            running_state: r.running_state.clone(),
            error_message: r.errors.iter().map(|(k, v)| (k.clone(), v.current())).collect(),
            paths: r.paths.clone(),
            index: r.index.clone(),
            time_elapsed_milliseconds: r.elapsed(now),
            total_bytes: r.c.total_bytes,
            failed_files: r.c.failed_files,
            ..Default::default()
        };
        if !r.failed.is_empty() && is_final_job_state(&r.state) {
            // Written when the job ends.
            p.failed_file_list_path = self.job_dir(&r.id).join("failed-files.txt").display().to_string();
        }
        match r.kind.as_str() {
            "LOAD" => {
                p.skip_if_exists = Some(r.opts.skip_if_exists);
                p.load_metadata_only = Some(r.opts.metadata_only);
                p.verify = Some(r.opts.verify);
                p.bandwidth = Some(r.opts.bandwidth);
                p.replicas = Some(r.opts.replicas);
                p.batch_size = given("batchSize").then_some(r.opts.batch_size);
                p.file_filter_regex = given("fileFilterRegex").then(|| r.opts.file_filter_regex.clone());
                p.load_policy = r.opts.if_changed.then(|| "IF_CHANGED".to_string());
                p.loaded_bytes = Some(r.c.loaded_bytes);
                p.skipped_bytes = Some(r.c.skipped_bytes);
                p.loaded_non_empty_files = Some(r.c.loaded_files);
                p.scanned_files = Some(r.c.scanned_files);
                p.quota = Some(r.quota.unwrap_or_default());
                p.quota_check_error = r.quota_check_error.as_ref().map(|m| m.current());
            }
            "FREE" => {
                p.freed_bytes = Some(r.c.freed_bytes);
                p.failed_bytes = Some(r.c.failed_bytes);
                p.freed_files = Some(r.c.freed_files);
                p.total_files = Some(r.c.total_files);
            }
            _ => {
                p.loaded_bytes = Some(r.c.loaded_bytes);
                p.pruned_bytes = Some(r.c.pruned_bytes);
                p.scanned_files = Some(r.c.scanned_files);
                p.skip_prune = Some(r.opts.skip_prune);
                p.load_batch_size = given("loadBatchSize").then_some(r.opts.batch_size);
                p.load_bandwidth = Some(r.opts.load_bandwidth);
                p.prune_bandwidth = Some(r.opts.prune_bandwidth);
            }
        }
        if file_list {
            p.failed_file_list =
                Some(r.failed.iter().map(|(path, m)| FailedFile { path: path.clone(), reason: m.current() }).collect());
        }
        p
    }

    // -----------------------------------------------------------------------------------------
    // Scheduling

    /// Starts waiting jobs while fewer than MAX_RUNNING_JOBS run.
    pub fn schedule(self: &Arc<Self>) {
        if self.stopping.load(Ordering::Relaxed) {
            return;
        }
        let mut runs = lock(&self.runs);
        let free = MAX_RUNNING_JOBS.saturating_sub(runs.len());
        if free == 0 {
            return;
        }
        let now = util::now_ms();
        let started = self.db().tx(|conn| {
            let mut stmt = conn.prepare("SELECT data FROM jobs WHERE state = 'WAITING' ORDER BY seq LIMIT ?1")?;
            let rows = stmt.query_map([free as i64], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::new();
            for mut r in rows.iter().filter_map(|d| decode(d)) {
                if runs.contains_key(&r.id) {
                    continue;
                }
                r.state = "RUNNING".into();
                r.run += 1;
                r.run_started_ms = now;
                if r.start_ms == 0 {
                    r.start_ms = now;
                }
                save(conn, &r)?;
                out.push(r);
            }
            Ok(out)
        });
        let started = match started {
            Ok(s) => s,
            Err(e) => {
                eprintln!("warning: cannot start cache jobs: {e:?}");
                return;
            }
        };
        for rec in started {
            let cancel = Arc::new(AtomicBool::new(false));
            runs.insert(rec.id.clone(), Run { cancel: cancel.clone() });
            let cache = self.clone();
            let id = rec.id.clone();
            let spawned = std::thread::Builder::new().name(format!("alluxio-job-{}", &id[..8])).spawn(move || cache.execute(rec, cancel));
            if let Err(e) = spawned {
                eprintln!("warning: cannot start a thread for cache job {id}: {e}");
                runs.remove(&id);
            }
        }
    }

    fn execute(self: Arc<Self>, mut rec: JobRecord, cancel: Arc<AtomicBool>) {
        let result = match rec.kind.as_str() {
            "LOAD" => self.run_load(&mut rec, &cancel),
            "FREE" => self.run_free(&mut rec, &cancel),
            _ => self.run_rebalance(&mut rec, &cancel),
        };
        let now = util::now_ms();
        let finished = match result {
            // Stopped (or the process is shutting down): the stop already wrote the record.
            Ok(false) => None,
            Ok(true) => {
                let processed = rec.c.processed_files.max(rec.c.total_files).max(1);
                let too_many = rec.c.failed_files > 100 && rec.c.failed_files * 100 > processed * 5;
                let all_failed = rec.c.failed_files > 0 && rec.c.failed_files >= rec.c.processed_files.max(rec.c.total_files);
                Some(if too_many || all_failed { "FAILED" } else { "SUCCEEDED" })
            }
            Err(e) => {
                if let CacheError::Internal(detail) = &e {
                    eprintln!("warning: cache job {} failed: {detail}", rec.id);
                }
                let key = rec.paths.first().cloned().or_else(|| (!rec.index.is_empty()).then(|| rec.index.clone())).unwrap_or_else(|| rec.target.clone());
                rec.errors.insert(key, Msg::from(e.text()));
                Some("FAILED")
            }
        };
        if let Some(state) = finished {
            rec.state = state.into();
            rec.running_state.clear();
            rec.elapsed_ms = rec.elapsed(now);
            rec.run_started_ms = 0;
            rec.finished_ms = now;
            self.write_failed_list(&rec);
            let result = self.db().tx(|conn| {
                let current = by_id(conn, &rec.id)?;
                if current.is_some_and(|c| c.run == rec.run && ACTIVE.contains(&c.state.as_str())) {
                    save(conn, &rec)?;
                }
                Ok(())
            });
            if let Err(e) = result {
                eprintln!("warning: cannot record the end of cache job {}: {e:?}", rec.id);
            }
        }
        lock(&self.runs).remove(&rec.id);
        self.schedule();
    }

    fn write_failed_list(&self, rec: &JobRecord) {
        if rec.failed.is_empty() {
            return;
        }
        let dir = self.job_dir(&rec.id);
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(mut f) = std::fs::File::create(dir.join("failed-files.txt")) {
            for (path, m) in &rec.failed {
                let _ = writeln!(f, "{path}\t{}", m.en);
            }
        }
    }

    /// Saves progress; Ok(false) when the job was stopped meanwhile.
    fn checkpoint(&self, rec: &mut JobRecord, cancel: &AtomicBool) -> CacheResult<bool> {
        if cancel.load(Ordering::Relaxed) {
            return Ok(false);
        }
        self.db().tx(|conn| save_progress(conn, rec))
    }

    // -----------------------------------------------------------------------------------------
    // Load

    /// The files a load or free names, sorted; a missing path fails the job.
    /// Index entries missing from the UFS are returned apart (they fail the file, not the job).
    fn job_files(&self, rec: &JobRecord) -> CacheResult<(Vec<UfsFile>, Vec<String>)> {
        let mut files = Vec::new();
        let mut missing = Vec::new();
        if !rec.index_ufs.is_empty() {
            let (_, entries) = self.index_files(&rec.index)?;
            for e in entries {
                match self.ufs_stat(&e)? {
                    Some(f) => files.push(f),
                    None => missing.push(e),
                }
            }
        } else {
            for (p, ufs) in rec.paths.clone().iter().zip(rec.ufs_paths.clone()) {
                match self.ufs_files(&ufs)? {
                    Some(list) => files.extend(list),
                    None => {
                        return Err(bad(text!("{p} does not exist in the UFS.", "{p} 在 UFS 中不存在。")));
                    }
                }
            }
        }
        files.sort_by(|a, b| a.ufs.cmp(&b.ufs));
        files.dedup_by(|a, b| a.ufs == b.ufs);
        Ok((files, missing))
    }

    fn run_load(self: &Arc<Self>, rec: &mut JobRecord, cancel: &Arc<AtomicBool>) -> CacheResult<bool> {
        rec.running_state = "LOADING".into();
        let policies = self.policies();
        let fresh_start = rec.cursor == 0 && rec.c == Counters::default();
        let (mut files, missing) = self.job_files(rec)?;
        if !rec.opts.file_filter_regex.is_empty() {
            let re = policy::compile_pattern(&rec.opts.file_filter_regex).map_err(|e| CacheError::BadRequest(Text::from(e)))?;
            files.retain(|f| re.is_match(&f.ufs));
        }
        if fresh_start {
            rec.c.scanned_files = (files.len() + missing.len()) as i64;
            rec.c.total_bytes = files.iter().map(|f| f.len as i64).sum();
            for m in missing {
                rec.c.processed_files += 1;
                rec.fail_file(&m, text!("The file does not exist in the UFS.", "文件在 UFS 中不存在。").into());
            }
        }
        // Quota pre-check: data that could never fit under a quota is refused before any byte moves.
        let quota_on = !self.config().disabled.quota;
        if quota_on && !rec.opts.metadata_only {
            for q in &policies.quotas {
                let need: i64 = files.iter().filter(|f| super::namespace::below(&f.ufs, &q.ufs).is_some()).map(|f| f.len as i64).sum::<i64>()
                    * rec.opts.replicas;
                if need > q.bytes {
                    let (path, n, b) = (q.path.clone(), lakedeck_api::alluxio::format_size(need.max(0) as u64), lakedeck_api::alluxio::format_size(q.bytes.max(0) as u64));
                    let msg = text!(
                        "Loading {n} under {path} exceeds its quota of {b}.",
                        "在 {path} 下加载 {n} 超出了其 {b} 的配额。"
                    );
                    rec.quota = Some(self.db().read(|conn| policy::headroom(conn, &policies, &rec.ufs_paths))?);
                    rec.quota_check_error = Some(msg.clone().into());
                    return Err(bad(msg));
                }
            }
        }
        let probe: Vec<String> = if rec.ufs_paths.is_empty() { files.first().map(|f| vec![f.ufs.clone()]).unwrap_or_default() } else { rec.ufs_paths.clone() };
        rec.quota = Some(if quota_on { self.db().read(|conn| policy::headroom(conn, &policies, &probe))? } else { QuotaHeadroom::default() });
        if !self.checkpoint(rec, cancel)? {
            return Ok(false);
        }
        let data_filter_on = !self.config().disabled.cache_filter;
        let mut at = rec.cursor.max(0) as usize;
        while at < files.len() {
            let ring = self.ring();
            let chunk_len = (rec.opts.batch_size as usize).saturating_mul(ring.workers().len().max(1));
            let chunk = &files[at..(at + chunk_len).min(files.len())];
            if ring.is_empty() {
                for f in chunk {
                    rec.fail_file(&f.ufs, text!("No worker is ONLINE to cache the file (MEMBERSHIP_CHANGED).", "没有在线的工作节点可缓存该文件（MEMBERSHIP_CHANGED）。").into());
                    rec.c.processed_files += 1;
                }
            } else {
                // Files changed in the UFS since they were cached lose their stale pages first.
                let mut todo: Vec<(&UfsFile, Vec<String>)> = Vec::new();
                // Files not to copy: under a skipCache data rule, or cached as they were (below).
                let mut skip: HashSet<&str> = HashSet::new();
                let now = util::now_ms();
                self.db().tx(|conn| {
                    for f in chunk {
                        let loc = self.locate(&f.ufs).unwrap_or(super::namespace::Location { ufs: f.ufs.clone(), alluxio: String::new() });
                        if data_filter_on && policies.filters.data.decide(&loc) == Decision::SkipCache {
                            skip.insert(&f.ufs);
                            continue;
                        }
                        let row = pages::file_row(conn, &f.ufs)?;
                        let changed = row.as_ref().is_some_and(|r| r.length != f.len as i64 || r.mtime_ms != f.mtime_ms);
                        if changed && rec.opts.skip_if_exists && !rec.opts.if_changed {
                            // Cached as it was: skipped, and the record keeps the old version so
                            // a later IF_CHANGED load still sees the change.
                            let fid = file_id(&f.ufs);
                            let want = page_count(row.as_ref().map(|r| r.length).unwrap_or(0) as u64, self.page_size()) as i64;
                            let owners = ring.owners(&f.ufs, rec.opts.replicas as usize);
                            let mut all = true;
                            for w in owners {
                                all &= pages::pages_on(conn, w, &fid)? == want;
                            }
                            if all {
                                skip.insert(&f.ufs);
                                continue;
                            }
                        }
                        if changed {
                            pages::remove_file_pages(self, conn, &file_id(&f.ufs), None)?;
                        }
                        let replicas = rec.opts.replicas;
                        let valid = if changed { now } else { row.as_ref().map(|r| r.valid_ms).unwrap_or(now) };
                        pages::upsert_file(
                            conn,
                            &FileRow { file_id: file_id(&f.ufs), ufs: f.ufs.clone(), length: f.len as i64, mtime_ms: f.mtime_ms, meta_ms: now, valid_ms: valid, replicas },
                        )?;
                    }
                    Ok(())
                })?;
                for f in chunk {
                    if skip.contains(f.ufs.as_str()) {
                        rec.c.skipped_bytes += f.len as i64;
                        rec.c.processed_files += 1;
                        continue;
                    }
                    let owners: Vec<String> = ring.owners(&f.ufs, rec.opts.replicas as usize).into_iter().map(String::from).collect();
                    todo.push((f, owners));
                }
                let mut per_worker: HashMap<String, Vec<&UfsFile>> = HashMap::new();
                for (f, owners) in &todo {
                    for w in owners {
                        per_worker.entry(w.clone()).or_default().push(f);
                    }
                }
                // Every worker loads its batch at the same time, as real workers do; the work is
                // mostly I/O (the kernel copies the pages) and one short transaction per batch.
                let batches: Vec<(String, Vec<&UfsFile>)> = per_worker.into_iter().collect();
                let results: Vec<(String, Vec<(String, Outcome)>)> = std::thread::scope(|s| {
                    let handles: Vec<_> = batches
                        .iter()
                        .map(|(w, fs)| {
                            let (policies, rec_ref) = (&policies, &*rec);
                            s.spawn(move || (w.clone(), self.load_batch(w, fs, rec_ref, policies, cancel)))
                        })
                        .collect();
                    handles.into_iter().filter_map(|h| h.join().ok()).collect()
                });
                if cancel.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                // A file counts once: loaded when every owner has it, failed when one failed.
                let mut per_file: BTreeMap<String, Vec<Outcome>> = BTreeMap::new();
                for (_, outs) in results {
                    for (ufs, o) in outs {
                        per_file.entry(ufs).or_default().push(o);
                    }
                }
                for (f, _) in &todo {
                    rec.c.processed_files += 1;
                    let outs = per_file.remove(&f.ufs).unwrap_or_default();
                    if let Some(Outcome::Failed(m)) = outs.iter().find(|o| matches!(o, Outcome::Failed(_))) {
                        rec.fail_file(&f.ufs, m.clone());
                    } else if outs.iter().all(|o| matches!(o, Outcome::Skipped)) && !outs.is_empty() {
                        rec.c.skipped_bytes += f.len as i64;
                    } else if rec.opts.metadata_only {
                        // Metadata only: nothing counted as loaded.
                    } else {
                        let bytes = outs.iter().find_map(|o| if let Outcome::Loaded { bytes } = o { Some(*bytes) } else { None }).unwrap_or(0);
                        rec.c.loaded_bytes += bytes as i64;
                        if bytes > 0 {
                            rec.c.loaded_files += 1;
                        }
                    }
                }
            }
            at += chunk.len();
            rec.cursor = at as i64;
            if !self.checkpoint(rec, cancel)? {
                return Ok(false);
            }
        }
        if rec.opts.verify && !rec.opts.metadata_only {
            rec.state = "VERIFYING".into();
            rec.running_state = "VERIFYING".into();
            if !self.checkpoint(rec, cancel)? {
                return Ok(false);
            }
            self.verify(rec, &files, cancel)?;
        }
        Ok(!cancel.load(Ordering::Relaxed))
    }

    /// Copies the pages of `files` onto `worker` and admits them in one transaction.
    fn load_batch(&self, worker: &str, files: &[&UfsFile], rec: &JobRecord, policies: &policy::Policies, cancel: &AtomicBool) -> Vec<(String, Outcome)> {
        let ps = self.page_size();
        let mut throttle = Throttle::new(rec.opts.bandwidth);
        let mut out: Vec<(String, Outcome)> = Vec::with_capacity(files.len());
        let mut staged: Vec<(usize, Vec<Staged>)> = Vec::new();
        for f in files {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            let fid = file_id(&f.ufs);
            if rec.opts.metadata_only {
                out.push((f.ufs.clone(), Outcome::Loaded { bytes: 0 }));
                continue;
            }
            if rec.opts.skip_if_exists {
                let have = self.db().read(|conn| pages::pages_on(conn, worker, &fid)).unwrap_or(-1);
                if have as u64 == page_count(f.len, ps) {
                    out.push((f.ufs.clone(), Outcome::Skipped));
                    continue;
                }
            }
            let priority = if self.config().disabled.priority { policy::DEFAULT_PRIORITY } else { policies.priority(&f.ufs) };
            let src = match std::fs::File::open(&f.local) {
                Ok(s) => s,
                Err(e) => {
                    let reason = e.to_string();
                    out.push((f.ufs.clone(), Outcome::Failed(text!("Cannot read the file from the UFS: {reason}", "无法从 UFS 读取文件：{reason}").into())));
                    continue;
                }
            };
            let mut pages_of_file = Vec::new();
            let mut failed = None;
            for i in 0..page_count(f.len, ps) {
                let len = page_len(f.len, ps, i);
                match pages::stage_from(self, worker, &src, i * ps, len) {
                    Ok(tmp) => pages_of_file.push(Staged { file_id: fid.clone(), ufs: f.ufs.clone(), index: i, size: len, tmp, priority }),
                    Err(e) => {
                        let reason = e.to_string();
                        failed = Some(text!("Cannot copy page {i} from the UFS: {reason}", "无法从 UFS 复制第 {i} 页：{reason}"));
                        break;
                    }
                }
                throttle.add(len, cancel);
                if cancel.load(Ordering::Relaxed) {
                    break;
                }
            }
            if let Some(reason) = failed {
                pages_of_file.iter().for_each(Staged::discard);
                out.push((f.ufs.clone(), Outcome::Failed(reason.into())));
                continue;
            }
            staged.push((out.len(), pages_of_file));
            out.push((f.ufs.clone(), Outcome::Loaded { bytes: f.len }));
        }
        if cancel.load(Ordering::Relaxed) {
            staged.iter().flat_map(|(_, p)| p).for_each(Staged::discard);
            return out;
        }
        let now = util::now_ms();
        let committed = self.db().tx(|conn| {
            let mut refused: Vec<(usize, Text)> = Vec::new();
            for (slot, file_pages) in &staged {
                let mut it = file_pages.iter();
                for p in it.by_ref() {
                    if let Some(reason) = pages::admit(self, conn, policies, worker, p, now)? {
                        refused.push((*slot, reason));
                        break;
                    }
                }
                it.for_each(Staged::discard);
            }
            Ok(refused)
        });
        match committed {
            Ok(refused) => {
                for (slot, reason) in refused {
                    out[slot].1 = Outcome::Failed(reason.into());
                }
            }
            Err(e) => {
                staged.iter().flat_map(|(_, p)| p).for_each(Staged::discard);
                let reason = e.text();
                for (slot, _) in &staged {
                    out[*slot].1 = Outcome::Failed(text!("Cannot record the pages: {reason}", "无法记录页面：{reason}").into());
                }
            }
        }
        out
    }

    /// VERIFYING: every cached page of the loaded files must equal the UFS bytes.
    fn verify(&self, rec: &mut JobRecord, files: &[UfsFile], cancel: &AtomicBool) -> CacheResult<()> {
        let ps = self.page_size();
        let ring = self.ring();
        for f in files {
            if cancel.load(Ordering::Relaxed) {
                return Ok(());
            }
            let fid = file_id(&f.ufs);
            for w in ring.owners(&f.ufs, rec.opts.replicas as usize) {
                let held = self.db().read(|conn| pages::pages_on(conn, w, &fid))?;
                if held == 0 {
                    continue;
                }
                for i in 0..page_count(f.len, ps) {
                    let len = page_len(f.len, ps, i);
                    let cached = pages::read_at(&self.page_path(w, &fid, i), 0, len);
                    let ufs = pages::read_at(&f.local, i * ps, len);
                    if cached.is_err() || ufs.is_err() || cached.ok() != ufs.ok() {
                        rec.fail_file(&f.ufs, text!("Verification failed: page {i} on {w} differs from the UFS.", "校验失败：{w} 上的第 {i} 页与 UFS 不一致。").into());
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Free

    fn run_free(self: &Arc<Self>, rec: &mut JobRecord, cancel: &Arc<AtomicBool>) -> CacheResult<bool> {
        rec.running_state = "FREEING".into();
        let targets: Vec<(FileRow, i64)> = self.db().read(|conn| {
            if !rec.index_ufs.is_empty() {
                let (_, entries) = self.index_files(&rec.index)?;
                let mut out = Vec::new();
                for e in entries {
                    out.extend(pages::cached_files_under(conn, &e)?.into_iter().filter(|(f, _)| f.ufs == e));
                }
                Ok(out)
            } else {
                let mut out = Vec::new();
                for p in &rec.ufs_paths {
                    out.extend(pages::cached_files_under(conn, p)?);
                }
                out.sort_by(|a, b| a.0.ufs.cmp(&b.0.ufs));
                out.dedup_by(|a, b| a.0.ufs == b.0.ufs);
                Ok(out)
            }
        })?;
        if rec.c.total_files == 0 && rec.c.freed_files == 0 {
            rec.c.total_files = targets.len() as i64;
            rec.c.total_bytes = targets.iter().map(|(_, b)| b).sum();
        }
        let online: Vec<String> = self.db().read(workers)?.into_iter().filter(|w| w.online()).map(|w| w.id).collect();
        for chunk in targets.chunks(rec.opts.batch_size.max(1) as usize) {
            if cancel.load(Ordering::Relaxed) {
                return Ok(false);
            }
            let outcome: Vec<(String, i64, i64, Option<String>)> = self.db().tx(|conn| {
                let mut out = Vec::new();
                for (f, _) in chunk {
                    let holders: Vec<(String, i64)> = conn
                        .prepare_cached("SELECT worker_id, SUM(size) FROM pages WHERE file_id = ?1 GROUP BY worker_id")?
                        .query_map([&f.file_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<Result<_, _>>()?;
                    let mut freed = 0;
                    let mut unreachable = 0;
                    let mut offline = None;
                    for (w, bytes) in holders {
                        if online.contains(&w) {
                            freed += pages::remove_file_pages(self, conn, &f.file_id, Some(&w))?.1;
                        } else {
                            unreachable += bytes;
                            offline = Some(w);
                        }
                    }
                    if offline.is_none() {
                        conn.execute("DELETE FROM files WHERE file_id = ?1", [&f.file_id])?;
                    }
                    out.push((f.ufs.clone(), freed, unreachable, offline));
                }
                Ok(out)
            })?;
            for (ufs, freed, unreachable, offline) in outcome {
                rec.c.processed_files += 1;
                rec.c.freed_bytes += freed;
                match offline {
                    Some(w) => {
                        rec.c.failed_bytes += unreachable;
                        rec.fail_file(&ufs, text!("Worker {w} is OFFLINE; its copy cannot be freed.", "工作节点 {w} 处于 OFFLINE 状态；无法释放其上的副本。").into());
                    }
                    None => rec.c.freed_files += 1,
                }
            }
            if !self.checkpoint(rec, cancel)? {
                return Ok(false);
            }
        }
        Ok(!cancel.load(Ordering::Relaxed))
    }

    // -----------------------------------------------------------------------------------------
    // Rebalance

    fn run_rebalance(self: &Arc<Self>, rec: &mut JobRecord, cancel: &Arc<AtomicBool>) -> CacheResult<bool> {
        let ring = self.ring();
        let all = self.db().read(workers)?;
        let targets: Vec<String> = if rec.target == "ALL" {
            all.iter().filter(|w| w.online()).map(|w| w.id.clone()).collect()
        } else {
            match all.iter().find(|w| w.id == rec.target) {
                Some(w) if w.online() => vec![w.id.clone()],
                Some(_) => {
                    let t = rec.target.clone();
                    return Err(bad(text!("Worker {t} went OFFLINE.", "工作节点 {t} 已离线。")));
                }
                None => return Err(super::unknown_worker(&rec.target)),
            }
        };
        if rec.target == "ALL" {
            for w in all.iter().filter(|w| !w.online()) {
                rec.errors.insert(w.id.clone(), text!("UNAVAILABLE: the worker is OFFLINE and was not rebalanced.", "UNAVAILABLE：该节点离线，未参与重平衡。").into());
            }
        }
        let ps = self.page_size();
        // Every cached file with its holders.
        let files: Vec<(FileRow, Vec<(String, i64)>)> = self.db().read(|conn| {
            let all_rows: Vec<FileRow> = conn
                .prepare("SELECT DISTINCT f.file_id, f.ufs, f.length, f.mtime_ms, f.meta_ms, f.valid_ms, f.replicas FROM files f JOIN pages p ON p.file_id = f.file_id ORDER BY f.ufs")?
                .query_map([], |r| {
                    Ok(FileRow { file_id: r.get(0)?, ufs: r.get(1)?, length: r.get(2)?, mtime_ms: r.get(3)?, meta_ms: r.get(4)?, valid_ms: r.get(5)?, replicas: r.get(6)? })
                })?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for f in all_rows {
                let holders: Vec<(String, i64)> = conn
                    .prepare_cached("SELECT worker_id, COUNT(*) FROM pages WHERE file_id = ?1 GROUP BY worker_id")?
                    .query_map([&f.file_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                out.push((f, holders));
            }
            Ok(out)
        })?;
        // Plan: (file, target worker lacking it) pairs.
        let mut plan: Vec<(&FileRow, String, Option<String>)> = Vec::new();
        let mut prune: Vec<(&FileRow, String)> = Vec::new();
        for (f, holders) in &files {
            let owners: Vec<&str> = ring.owners(&f.ufs, f.replicas.max(1) as usize);
            let pages_total = page_count(f.length as u64, ps) as i64;
            for t in &targets {
                let held = holders.iter().find(|(w, _)| w == t).map(|(_, n)| *n).unwrap_or(0);
                if owners.contains(&t.as_str()) {
                    if held < pages_total {
                        let source = holders
                            .iter()
                            .find(|(w, n)| *n == pages_total && w != t && targets.iter().chain(all.iter().filter(|x| x.online()).map(|x| &x.id)).any(|o| o == w))
                            .map(|(w, _)| w.clone());
                        plan.push((f, t.clone(), source));
                    }
                } else if held > 0 && !rec.opts.skip_prune {
                    prune.push((f, t.clone()));
                }
            }
        }
        if rec.cursor == 0 {
            rec.c.scanned_files = files.len() as i64;
            rec.c.total_bytes = plan.iter().map(|(f, _, _)| f.length).sum();
            rec.c.total_files = plan.len() as i64;
        }
        rec.running_state = "LOADING".into();
        if !self.checkpoint(rec, cancel)? {
            return Ok(false);
        }
        let policies = self.policies();
        let mut throttles: HashMap<String, Throttle> = HashMap::new();
        for chunk in plan.chunks(rec.opts.batch_size.max(1) as usize) {
            for (f, t, source) in chunk {
                if cancel.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                let throttle = throttles.entry(t.clone()).or_insert_with(|| Throttle::new(rec.opts.load_bandwidth));
                rec.c.processed_files += 1;
                match self.copy_file_to(f, t, source.as_deref(), &policies, throttle, cancel) {
                    Ok(bytes) => rec.c.loaded_bytes += bytes,
                    Err(m) => rec.fail_file(&f.ufs, m),
                }
            }
            if !self.checkpoint(rec, cancel)? {
                return Ok(false);
            }
        }
        if !rec.opts.skip_prune {
            rec.running_state = "PRUNING".into();
            for (f, w) in prune {
                if cancel.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                let (_, bytes) = self.db().tx(|conn| pages::remove_file_pages(self, conn, &f.file_id, Some(&w)))?;
                rec.c.pruned_bytes += bytes;
                throttles.entry(format!("prune:{w}")).or_insert_with(|| Throttle::new(rec.opts.prune_bandwidth)).add(bytes as u64, cancel);
            }
        }
        Ok(!cancel.load(Ordering::Relaxed))
    }

    /// Copies every page of a file onto `target`, from `source`'s pages or from the UFS.
    fn copy_file_to(&self, f: &FileRow, target: &str, source: Option<&str>, policies: &policy::Policies, throttle: &mut Throttle, cancel: &AtomicBool) -> Result<i64, Msg> {
        let ps = self.page_size();
        let len = f.length as u64;
        let priority = policies.priority(&f.ufs);
        let local = self.local_path(&f.ufs).map_err(|e| Msg::from(e.text()))?;
        let ufs_file = if source.is_none() {
            Some(std::fs::File::open(&local).map_err(|e| {
                let reason = e.to_string();
                Msg::from(text!("Cannot read the file from the UFS: {reason}", "无法从 UFS 读取文件：{reason}"))
            })?)
        } else {
            None
        };
        let mut staged = Vec::new();
        for i in 0..page_count(len, ps) {
            let plen = page_len(len, ps, i);
            let tmp = match (source, &ufs_file) {
                (Some(s), _) => std::fs::File::open(self.page_path(s, &f.file_id, i)).and_then(|src| pages::stage_from(self, target, &src, 0, plen)),
                (None, Some(src)) => pages::stage_from(self, target, src, i * ps, plen),
                (None, None) => unreachable!("the UFS file is open when there is no source worker"),
            };
            match tmp {
                Ok(tmp) => staged.push(Staged { file_id: f.file_id.clone(), ufs: f.ufs.clone(), index: i, size: plen, tmp, priority }),
                Err(e) => {
                    staged.iter().for_each(Staged::discard);
                    let reason = e.to_string();
                    return Err(text!("Cannot copy page {i}: {reason}", "无法复制第 {i} 页：{reason}").into());
                }
            }
            throttle.add(plen, cancel);
        }
        let now = util::now_ms();
        let refused = self
            .db()
            .tx(|conn| {
                let mut it = staged.iter();
                for p in it.by_ref() {
                    if let Some(reason) = pages::admit(self, conn, policies, target, p, now)? {
                        it.for_each(Staged::discard);
                        return Ok(Some(reason));
                    }
                }
                Ok(None)
            })
            .map_err(|e| Msg::from(e.text()))?;
        match refused {
            Some(reason) => Err(reason.into()),
            None => Ok(f.length),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Restart and retention

    /// Jobs unfinished at the last stop go back to WAITING and resume from their last chunk.
    pub fn recover_jobs(self: &Arc<Self>) -> CacheResult<usize> {
        let now = util::now_ms();
        self.db().tx(|conn| {
            let mut stmt = conn.prepare("SELECT data FROM jobs WHERE state IN ('WAITING', 'RUNNING', 'VERIFYING')")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            let mut n = 0;
            for mut r in rows.iter().filter_map(|d| decode(d)) {
                if r.run_started_ms > 0 {
                    // The time up to the last saved chunk is all that is known to have run.
                    r.elapsed_ms += (r.saved_ms.min(now) - r.run_started_ms).max(0);
                    r.run_started_ms = 0;
                }
                r.state = "WAITING".into();
                r.running_state.clear();
                save(conn, &r)?;
                n += 1;
            }
            Ok(n)
        })
    }
}

/// Drops finished jobs older than the retention window, with their files.
pub fn purge_old(cache: &Cache, now: i64) -> CacheResult<()> {
    let ids: Vec<String> = cache.db().tx(|conn| {
        let mut stmt = conn.prepare("SELECT id FROM jobs WHERE state IN ('SUCCEEDED', 'FAILED', 'STOPPED') AND finished_ms > 0 AND finished_ms < ?1")?;
        let ids = stmt.query_map([now - JOB_RETENTION_MS], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        for id in &ids {
            conn.execute("DELETE FROM jobs WHERE id = ?1", [id])?;
        }
        Ok(ids)
    })?;
    for id in ids {
        let _ = std::fs::remove_dir_all(cache.job_dir(&id));
    }
    Ok(())
}

fn target_of(r: &JobRecord) -> String {
    if r.kind == "REBALANCE" {
        r.target.clone()
    } else {
        format!("job-{}", r.id)
    }
}
