//! The cache client: how `alluxio://` reads (SQL tables, job scripts, DistCp sources) and the
//! namespace browser see files.
//!
//! Metadata: a file's length and modification time come from its cached record while the
//! metadata filter rule allows it (immutable: always; maxAge: for that long after the last UFS
//! check; skipCache: never cached) and from the UFS otherwise. A check that finds the file changed
//! drops its cached pages.
//!
//! Data: the pages a read covers are served by the file's owners on the ring (`replicas` of them;
//! any owner holding a page is a hit). A missing, expired (TTL) or unreadable page is a miss: the
//! page is read from the UFS, served, and admitted on the primary owner unless the data filter
//! says skipCache (admission may evict, or be refused by priority and quota; see pages.rs). Under
//! a maxAge data rule, data older than the age is revalidated against the UFS before use. Hits and
//! misses (pages and bytes) are counted on the worker that served or would have served them.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use lakedeck_api::alluxio::{BrowseEntry, BrowseListing};
use rusqlite::params;

use super::namespace::Location;
use super::pages::{self, file_id, page_len, FileRow, Reason, Staged};
use super::policy::Decision;
use super::{Cache, CacheError, CacheResult};
use crate::lang::Text;
use crate::text;
use crate::util;

/// A file as the cache client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStat {
    pub alluxio: String,
    pub ufs: String,
    pub len: u64,
    pub mtime_ms: i64,
}

fn not_found(path: &str) -> CacheError {
    CacheError::NotFound(text!("{path} does not exist.", "{path} 不存在。"))
}

impl Cache {
    fn decisions(&self, loc: &Location) -> (Decision, Decision) {
        if self.config().disabled.cache_filter {
            return (Decision::Immutable, Decision::Immutable);
        }
        let p = self.policies();
        (p.filters.metadata.decide(loc), p.filters.data.decide(loc))
    }

    /// The file's record, from the cache when the metadata rule allows, else from the UFS (and
    /// recorded). A change seen in the UFS drops the file's pages.
    fn file_record(&self, loc: &Location, meta_rule: Decision, now: i64) -> CacheResult<FileRow> {
        let row = self.db().read(|conn| pages::file_row(conn, &loc.ufs))?;
        if let Some(r) = &row {
            let fresh = match meta_rule {
                Decision::Immutable => true,
                Decision::MaxAge(ms) => now - r.meta_ms <= ms,
                Decision::SkipCache => false,
            };
            if fresh {
                return Ok(r.clone());
            }
        }
        let stat = self.ufs_stat(&loc.ufs)?.ok_or_else(|| not_found(&loc.alluxio))?;
        self.record_stat(loc, row, stat.len as i64, stat.mtime_ms, meta_rule != Decision::SkipCache, now)
    }

    fn record_stat(&self, loc: &Location, row: Option<FileRow>, len: i64, mtime: i64, keep: bool, now: i64) -> CacheResult<FileRow> {
        let changed = row.as_ref().is_some_and(|r| r.length != len || r.mtime_ms != mtime);
        let fresh = FileRow {
            file_id: file_id(&loc.ufs),
            ufs: loc.ufs.clone(),
            length: len,
            mtime_ms: mtime,
            meta_ms: now,
            valid_ms: if changed || row.is_none() { now } else { row.as_ref().map(|r| r.valid_ms).unwrap_or(now) },
            replicas: row.as_ref().map(|r| r.replicas).unwrap_or(1),
        };
        if keep || changed {
            self.db().tx(|conn| {
                if changed {
                    pages::remove_file_pages(self, conn, &fresh.file_id, None)?;
                }
                if keep {
                    pages::upsert_file(conn, &fresh)?;
                }
                Ok(())
            })?;
        }
        Ok(fresh)
    }

    /// Length and modification time of a file (`path`: Alluxio path, `alluxio://` URI or UFS URI).
    pub fn stat(&self, path: &str) -> CacheResult<FileStat> {
        let loc = self.locate(path)?;
        let (meta_rule, _) = self.decisions(&loc);
        let row = self.file_record(&loc, meta_rule, util::now_ms())?;
        Ok(FileStat { alluxio: loc.alluxio, ufs: loc.ufs, len: row.length as u64, mtime_ms: row.mtime_ms })
    }

    /// Every file at or below `path`, sorted (listings always come from the UFS).
    pub fn list_files(&self, path: &str) -> CacheResult<Vec<FileStat>> {
        let loc = self.locate(path)?;
        let files = self.ufs_files(&loc.ufs)?.unwrap_or_default();
        Ok(files
            .into_iter()
            .map(|f| {
                let rest = super::namespace::below(&f.ufs, &loc.ufs).unwrap_or("");
                let alluxio = if rest.is_empty() { loc.alluxio.clone() } else { format!("{}/{rest}", loc.alluxio.trim_end_matches('/')) };
                FileStat { alluxio, ufs: f.ufs, len: f.len, mtime_ms: f.mtime_ms }
            })
            .collect())
    }

    /// Reads a whole file through the cache.
    pub fn read_all(&self, path: &str) -> CacheResult<Vec<u8>> {
        let st = self.stat(path)?;
        self.read_range(path, 0..st.len)
    }

    /// Reads `range` of a file through the cache (clamped to the file's length).
    pub fn read_range(&self, path: &str, range: Range<u64>) -> CacheResult<Vec<u8>> {
        let now = util::now_ms();
        let loc = self.locate(path)?;
        let (meta_rule, data_rule) = self.decisions(&loc);
        let mut row = self.file_record(&loc, meta_rule, now)?;
        let len = row.length as u64;
        let (start, end) = (range.start.min(len), range.end.min(len));
        if start >= end {
            return Ok(Vec::new());
        }
        if let Decision::MaxAge(ms) = data_rule {
            if now - row.valid_ms > ms {
                let stat = self.ufs_stat(&loc.ufs)?.ok_or_else(|| not_found(&loc.alluxio))?;
                let old = Some(row.clone());
                row = self.record_stat(&loc, old, stat.len as i64, stat.mtime_ms, true, now)?;
                if row.valid_ms != now {
                    // Unchanged: the cached data is good for another max-age.
                    row.valid_ms = now;
                    self.db().tx(|conn| pages::upsert_file(conn, &row))?;
                }
                if row.length as u64 != len {
                    return self.read_range(path, range);
                }
            }
        }
        let ps = self.page_size();
        let ring = self.ring();
        let owners: Vec<String> = ring.owners(&loc.ufs, row.replicas.max(1) as usize).into_iter().map(String::from).collect();
        let primary = owners.first().cloned();
        let ttl = if self.config().disabled.ttl { None } else { self.policies().ttl_ms(&loc.ufs) };
        let priority = if self.config().disabled.priority { super::policy::DEFAULT_PRIORITY } else { self.policies().priority(&loc.ufs) };
        let fid = row.file_id.clone();
        let (first, last) = (start / ps, (end - 1) / ps);
        // Which owner holds each page (fresh under the TTL).
        let held: Vec<(i64, String, i64)> = self.db().read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT page_index, worker_id, cached_ms FROM pages WHERE file_id = ?1 AND page_index BETWEEN ?2 AND ?3",
            )?;
            let rows = stmt.query_map(params![fid, first as i64, last as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        let mut out = Vec::with_capacity((end - start) as usize);
        let mut hits: Vec<(String, i64, u64)> = Vec::new();
        let mut misses: Vec<(String, u64)> = Vec::new();
        let mut staged: Vec<(String, Staged)> = Vec::new();
        let mut expired: Vec<(String, i64)> = Vec::new();
        let local = self.local_path(&loc.ufs)?;
        for i in first..=last {
            let plen = page_len(len, ps, i);
            let (lo, hi) = (start.max(i * ps) - i * ps, end.min(i * ps + plen) - i * ps);
            let holder = owners.iter().find_map(|w| {
                held.iter().find(|(pi, hw, _)| *pi == i as i64 && hw == w).map(|(_, _, cached)| (w.clone(), *cached))
            });
            let mut served = false;
            if let Some((w, cached)) = holder {
                if ttl.is_some_and(|t| cached < now - t) {
                    expired.push((w.clone(), i as i64));
                } else if let Ok(bytes) = pages::read_at(&self.page_path(&w, &fid, i), lo, hi - lo) {
                    out.extend_from_slice(&bytes);
                    hits.push((w, i as i64, hi - lo));
                    served = true;
                }
            }
            if served {
                continue;
            }
            let page = pages::read_at(&local, i * ps, plen).map_err(|e| {
                let (p, reason) = (loc.alluxio.clone(), e.to_string());
                CacheError::Internal(format!("reading {p} from its UFS: {reason} (did the file change while it was read?)"))
            })?;
            out.extend_from_slice(&page[lo as usize..hi as usize]);
            if let Some(w) = &primary {
                misses.push((w.clone(), hi - lo));
                if data_rule != Decision::SkipCache {
                    if let Ok(tmp) = pages::stage_bytes(self, w, &page) {
                        staged.push((w.clone(), Staged { file_id: fid.clone(), ufs: loc.ufs.clone(), index: i, size: plen, tmp, priority }));
                    }
                }
            }
        }
        if hits.is_empty() && misses.is_empty() && staged.is_empty() && expired.is_empty() {
            return Ok(out);
        }
        let policies = self.policies();
        let keep_record = data_rule != Decision::SkipCache && !staged.is_empty();
        self.db().tx(|conn| {
            for (w, i) in &expired {
                let size: Option<i64> = conn
                    .query_row("SELECT size FROM pages WHERE worker_id = ?1 AND file_id = ?2 AND page_index = ?3", params![w, fid, i], |r| r.get(0))
                    .ok();
                if let Some(size) = size {
                    pages::remove_page(self, conn, w, &fid, *i, size, Reason::Ttl)?;
                }
            }
            if keep_record && pages::file_row(conn, &loc.ufs)?.is_none() {
                pages::upsert_file(conn, &row)?;
            }
            for (w, page) in &staged {
                pages::admit(self, conn, &policies, w, page, now)?;
            }
            let mut touch = conn.prepare_cached("UPDATE pages SET access_ms = ?4 WHERE worker_id = ?1 AND file_id = ?2 AND page_index = ?3")?;
            let mut count = conn.prepare_cached(
                "UPDATE workers SET hits = hits + ?2, hit_bytes = hit_bytes + ?3, misses = misses + ?4, miss_bytes = miss_bytes + ?5 WHERE id = ?1",
            )?;
            for (w, i, n) in &hits {
                touch.execute(params![w, fid, i, now])?;
                count.execute(params![w, 1, *n as i64, 0, 0])?;
            }
            for (w, n) in &misses {
                count.execute(params![w, 0, 0, 1, *n as i64])?;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// DistCp from `alluxio://`: copies `files` (listed under `src`) to `dst` reading every page
    /// through the cache, with DistCp's rule that an existing target directory receives the
    /// source under its own name. Counts bytes into `done`; stops when `cancel` is set.
    pub fn copy_out(&self, src: &str, files: &[FileStat], dst: &std::path::Path, done: &AtomicU64, cancel: &AtomicBool) -> Result<u64, Text> {
        use std::io::Write;
        let loc = self.locate(src).map_err(|e| e.text())?;
        let name = loc.alluxio.rsplit('/').next().unwrap_or("copy").to_string();
        let root = if dst.is_dir() { dst.join(&name) } else { dst.to_path_buf() };
        let single = files.len() == 1 && files[0].alluxio == loc.alluxio;
        let ps = self.page_size();
        let mut total = 0;
        for f in files {
            let rel = super::namespace::below(&f.alluxio, &loc.alluxio).unwrap_or("");
            let target = if single || rel.is_empty() { root.clone() } else { root.join(rel) };
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Text::from(format!("cannot create {}: {e}", parent.display())))?;
            }
            // Unlink first: the target may be a hard link into the shared TPC-H cache.
            let _ = std::fs::remove_file(&target);
            let mut out = std::fs::File::create(&target).map_err(|e| Text::from(format!("cannot create {}: {e}", target.display())))?;
            let mut at = 0;
            while at < f.len {
                if cancel.load(Ordering::Relaxed) {
                    return Err(text!("cancelled", "已取消"));
                }
                let end = (at + ps).min(f.len);
                let bytes = self.read_range(&f.alluxio, at..end).map_err(|e| e.text())?;
                if bytes.is_empty() {
                    let p = &f.alluxio;
                    return Err(text!("{p} ended early (did it change while it was copied?)", "{p} 提前结束（复制期间文件被修改了吗？）"));
                }
                out.write_all(&bytes).map_err(|e| Text::from(format!("cannot write {}: {e}", target.display())))?;
                at += bytes.len() as u64;
                total += bytes.len() as u64;
                done.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            }
        }
        Ok(total)
    }

    /// Sandbox only: one directory of a mount with how much of each entry is cached.
    pub fn browse(&self, path: &str) -> CacheResult<BrowseListing> {
        let loc = self.locate(path)?;
        let local = self.local_path(&loc.ufs)?;
        let meta = std::fs::symlink_metadata(&local).map_err(|_| not_found(&loc.alluxio))?;
        let names: Vec<String> = if meta.is_dir() {
            let mut v: Vec<String> = std::fs::read_dir(&local)
                .map_err(|e| CacheError::Internal(format!("cannot list {}: {e}", local.display())))?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        } else {
            Vec::new()
        };
        let mut entries = Vec::new();
        let targets: Vec<(String, String, String)> = if meta.is_dir() {
            names
                .into_iter()
                .map(|n| (n.clone(), format!("{}/{n}", loc.alluxio.trim_end_matches('/')), format!("{}/{n}", loc.ufs)))
                .collect()
        } else {
            let name = loc.alluxio.rsplit('/').next().unwrap_or("").to_string();
            vec![(name, loc.alluxio.clone(), loc.ufs.clone())]
        };
        for (name, alluxio, ufs) in targets {
            let Some(files) = self.ufs_files(&ufs)? else { continue };
            let Ok(m) = std::fs::symlink_metadata(self.local_path(&ufs)?) else { continue };
            if !(m.is_dir() || m.is_file()) {
                continue;
            }
            let cached = self.db().read(|conn| distinct_cached_bytes(conn, &ufs))?;
            entries.push(BrowseEntry {
                name,
                path: alluxio,
                ufs,
                entry_type: if m.is_dir() { "DIRECTORY" } else { "FILE" }.into(),
                length: files.iter().map(|f| f.len as i64).sum(),
                cached_bytes: cached,
                modification_time: m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_millis() as i64).unwrap_or(0),
            });
        }
        Ok(BrowseListing { path: loc.alluxio, ufs: loc.ufs, entries })
    }
}

/// Cached bytes at or below `ufs`, each page counted once however many replicas hold it.
pub fn distinct_cached_bytes(conn: &rusqlite::Connection, ufs: &str) -> CacheResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(SUM(size), 0) FROM (SELECT MAX(p.size) AS size FROM files f JOIN pages p ON p.file_id = f.file_id
             WHERE (f.ufs = ?1 OR (f.ufs >= ?1 || '/' AND f.ufs < ?1 || '0')) GROUP BY p.file_id, p.page_index)",
        )?
        .query_row([ufs], |r| r.get(0))?)
}
