//! Clear stale cache (POST/DELETE/GET `/api/v1/cache`, alluxio-api.md §7): every ONLINE worker
//! scans its page store and deletes what it no longer owns under the current ring and the file's
//! replica count (copies left by a lowered replica count, by a worker that left and came back, by
//! a cluster that grew), plus page files no record points to. It takes no paths and does not go
//! through the job scheduler: it starts on all workers at once, in the background. An OFFLINE
//! worker cannot be reached; it is reported in `errors`.
//!
//! The last report is kept in the coordinator database; a clean interrupted by a restart reads
//! STOPPED afterwards with the reason in `errors`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use lakedeck_api::alluxio::{StaleCacheReport, StaleWorker};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::jobs::Msg;
use super::pages::{self, Reason};
use super::{iso_time, lock, meta, set_meta, workers, Cache, CacheError, CacheResult};
use crate::lang::Text;
use crate::text;
use crate::util;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StaleState {
    /// "" (never ran), RUNNING, SUCCEEDED, STOPPED
    pub state: String,
    pub start_ms: i64,
    pub workers: BTreeMap<String, StaleWorker>,
    pub errors: BTreeMap<String, Msg>,
    #[serde(skip)]
    pub cancel: Option<Arc<AtomicBool>>,
}

/// The operation types `/api/v1/cache` knows (`opType`; absent means this one).
fn known_op(op: &str) -> bool {
    let norm: String = op.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    matches!(norm.as_str(), "clearstale" | "clearstalecache" | "stale" | "clear")
}

impl Cache {
    fn stale_enabled(&self, op: Option<&str>) -> CacheResult<()> {
        if self.config().disabled.stale_cache {
            return Err(CacheError::NotImplemented(text!(
                "Clearing stale cache is not enabled on this cluster.",
                "本集群未启用清理过期缓存。"
            )));
        }
        if let Some(op) = op.filter(|o| !o.trim().is_empty()) {
            if !known_op(op) {
                return Err(CacheError::NotImplemented(text!(
                    "The operation type {op} is not implemented; /api/v1/cache implements clearStaleCache.",
                    "操作类型 {op} 未实现；/api/v1/cache 只实现了 clearStaleCache。"
                )));
            }
        }
        Ok(())
    }

    fn stale_report(&self, st: &StaleState, status: &str, message: Text) -> StaleCacheReport {
        StaleCacheReport {
            status: status.into(),
            message: message.current().to_string(),
            state: st.state.clone(),
            start_time: if st.start_ms > 0 { iso_time(st.start_ms) } else { String::new() },
            workers: st.workers.clone(),
            errors: st.errors.iter().map(|(k, v)| (k.clone(), v.current())).collect(),
        }
    }

    fn persist_stale(&self, st: &StaleState) {
        if let Ok(json) = serde_json::to_string(st) {
            if let Err(e) = self.db().tx(|conn| set_meta(conn, "stale_report", &json)) {
                eprintln!("warning: cannot save the stale-cache report: {e:?}");
            }
        }
    }

    /// At start: a clean the restart interrupted reads STOPPED.
    pub fn recover_stale(&self) {
        let stored = self.db().read(|conn| meta(conn, "stale_report")).ok().flatten();
        let Some(mut st) = stored.and_then(|s| serde_json::from_str::<StaleState>(&s).ok()) else { return };
        if st.state == "RUNNING" {
            st.state = "STOPPED".into();
            st.errors.insert(
                String::new(),
                text!("The sandbox restarted while stale cache was being cleared; submit it again.", "清理过期缓存期间沙箱重启了；请重新提交。").into(),
            );
            self.persist_stale(&st);
        }
        *lock(&self.stale) = st;
    }

    /// GET /api/v1/cache
    pub fn stale_status(&self) -> CacheResult<StaleCacheReport> {
        self.stale_enabled(None)?;
        let st = lock(&self.stale).clone();
        let message = match st.state.as_str() {
            "" => text!("Stale cache has not been cleared yet.", "尚未清理过期缓存。"),
            "RUNNING" => text!("Clearing stale cache.", "正在清理过期缓存。"),
            _ => text!("The last clean has ended.", "上一次清理已结束。"),
        };
        Ok(self.stale_report(&st, &st.state.to_lowercase(), message))
    }

    /// POST /api/v1/cache: starts clearing stale cache on every online worker.
    pub fn clear_stale(self: &Arc<Self>, op: Option<&str>) -> CacheResult<StaleCacheReport> {
        self.stale_enabled(op)?;
        let all = self.db().read(workers)?;
        let mut st = lock(&self.stale);
        if st.state == "RUNNING" {
            let report = self.stale_report(&st, "running", text!("Stale cache is already being cleared.", "已在清理过期缓存。"));
            return Ok(report);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        *st = StaleState { state: "RUNNING".into(), start_ms: util::now_ms(), cancel: Some(cancel.clone()), ..Default::default() };
        let mut online = Vec::new();
        for w in &all {
            if w.online() {
                st.workers.insert(w.id.clone(), StaleWorker { state: "RUNNING".into(), ..Default::default() });
                online.push(w.id.clone());
            } else {
                st.errors.insert(
                    w.id.clone(),
                    text!("UNAVAILABLE: the worker is OFFLINE and cannot be reached.", "UNAVAILABLE：该节点离线，无法连接。").into(),
                );
            }
        }
        let (status, message) = if st.errors.is_empty() {
            ("submitted", text!("Clearing stale cache was submitted to every worker.", "已向所有工作节点提交清理过期缓存。"))
        } else {
            ("partially submitted", text!("Clearing stale cache could not be submitted to some workers; see errors.", "部分工作节点未能提交清理过期缓存；见 errors。"))
        };
        let report = self.stale_report(&st, status, message);
        self.persist_stale(&st);
        drop(st);
        let cache = self.clone();
        std::thread::Builder::new()
            .name("alluxio-stale".into())
            .spawn(move || cache.run_stale(online, cancel))
            .map_err(|e| CacheError::Internal(format!("cannot start the stale-cache thread: {e}")))?;
        Ok(report)
    }

    /// DELETE /api/v1/cache: tells the workers to stop.
    pub fn stop_stale(&self, op: Option<&str>) -> CacheResult<StaleCacheReport> {
        self.stale_enabled(op)?;
        let all = self.db().read(workers)?;
        let mut st = lock(&self.stale);
        if st.state != "RUNNING" {
            let mut errors = BTreeMap::new();
            for w in all.iter().filter(|w| !w.online()) {
                errors.insert(w.id.clone(), text!("UNAVAILABLE: the worker is OFFLINE and cannot be notified.", "UNAVAILABLE：该节点离线，无法通知。").current().to_string());
            }
            let mut report = self.stale_report(&st, "not running", text!("No stale-cache clean is running.", "当前没有正在运行的过期缓存清理。"));
            report.errors = errors;
            return Ok(report);
        }
        if let Some(c) = &st.cancel {
            c.store(true, Ordering::SeqCst);
        }
        st.state = "STOPPED".into();
        for w in st.workers.values_mut().filter(|w| w.state == "RUNNING") {
            w.state = "STOPPED".into();
        }
        for w in all.iter().filter(|w| !w.online()) {
            st.errors.insert(
                w.id.clone(),
                text!("UNAVAILABLE: the worker is OFFLINE and cannot be notified.", "UNAVAILABLE：该节点离线，无法通知。").into(),
            );
        }
        let (status, message) = if st.errors.is_empty() {
            ("stopped", text!("Every worker was told to stop clearing stale cache.", "已通知所有工作节点停止清理过期缓存。"))
        } else {
            ("partially stopped", text!("Some workers could not be notified; see errors.", "部分工作节点未能收到通知；见 errors。"))
        };
        let report = self.stale_report(&st, status, message);
        self.persist_stale(&st);
        Ok(report)
    }

    fn run_stale(self: Arc<Self>, online: Vec<String>, cancel: Arc<AtomicBool>) {
        for w in online {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            let outcome = self.clean_worker(&w, &cancel);
            let mut st = lock(&self.stale);
            if !cancel.load(Ordering::Relaxed) || st.state == "RUNNING" {
                match outcome {
                    Ok(report) => {
                        st.workers.insert(w.clone(), report);
                    }
                    Err(e) => {
                        if let Some(x) = st.workers.get_mut(&w) {
                            x.state = "FAILED".into();
                        }
                        st.errors.insert(w.clone(), e.text().into());
                    }
                }
            }
            let snapshot = st.clone();
            drop(st);
            self.persist_stale(&snapshot);
        }
        let mut st = lock(&self.stale);
        if st.state == "RUNNING" {
            st.state = "SUCCEEDED".into();
        }
        let snapshot = st.clone();
        drop(st);
        self.persist_stale(&snapshot);
    }

    /// One worker: pages it does not own under the current ring, and page files without a record.
    fn clean_worker(&self, worker: &str, cancel: &AtomicBool) -> CacheResult<StaleWorker> {
        let ring = self.ring();
        let ps = self.page_size();
        let base = self.worker_dir(worker).join("pages");
        self.db().tx(|conn| {
            let mut report = StaleWorker { state: "SUCCEEDED".into(), ..Default::default() };
            let rows: Vec<(String, i64, i64, String, i64)> = conn
                .prepare(
                    "SELECT p.file_id, p.page_index, p.size, f.ufs, f.replicas FROM pages p JOIN files f ON f.file_id = p.file_id WHERE p.worker_id = ?1",
                )?
                .query_map([worker], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<Result<_, _>>()?;
            let mut known: HashSet<(String, i64)> = HashSet::new();
            for (fid, index, size, ufs, replicas) in rows {
                report.scanned_pages += 1;
                if cancel.load(Ordering::Relaxed) {
                    report.state = "STOPPED".into();
                    return Ok(report);
                }
                if ring.owners(&ufs, replicas.max(1) as usize).contains(&worker) {
                    known.insert((fid, index));
                } else {
                    pages::remove_page(self, conn, worker, &fid, index, size, Reason::Removed)?;
                    report.deleted_pages += 1;
                    report.deleted_bytes += size;
                }
            }
            // Page files no record points to (a crash between writing and recording, an older
            // page size): the store's own garbage.
            for (path, fid, index, size) in page_files(&base) {
                let current = path.starts_with(base.join(ps.to_string()));
                if current && known.contains(&(fid.clone(), index)) {
                    continue;
                }
                let recorded: bool = current
                    && conn
                        .query_row("SELECT 1 FROM pages WHERE worker_id = ?1 AND file_id = ?2 AND page_index = ?3", params![worker, fid, index], |_| Ok(()))
                        .is_ok();
                if recorded {
                    continue;
                }
                report.scanned_pages += 1;
                if std::fs::remove_file(&path).is_ok() {
                    report.deleted_pages += 1;
                    report.deleted_bytes += size;
                }
            }
            Ok(report)
        })
    }
}

/// Every page file under a worker's `pages/` directory: (path, file id, page index, size).
fn page_files(base: &Path) -> Vec<(std::path::PathBuf, String, i64, i64)> {
    let mut out = Vec::new();
    let mut stack = vec![base.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let Ok(meta) = e.path().symlink_metadata() else { continue };
            if meta.is_dir() {
                stack.push(e.path());
            } else if meta.is_file() {
                let index = e.file_name().to_string_lossy().parse::<i64>().unwrap_or(-1);
                let fid = e.path().parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                out.push((e.path(), fid, index, meta.len() as i64));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_types() {
        assert!(known_op("clearStaleCache"));
        assert!(known_op("CLEAR_STALE_CACHE"));
        assert!(known_op("clear-stale"));
        assert!(!known_op("compact"));
    }
}
