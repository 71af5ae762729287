//! The workers' page stores: fixed-size pages of cached files as real files on disk, one row per
//! page in the coordinator database, and the rules that decide what stays.
//!
//! A file's id is the first 128 bits of SHA-256 over its canonical UFS URI; page `i` holds bytes
//! `[i × page_size, (i+1) × page_size)` and lives at
//! `workers/<worker>/pages/<page_size>/<file_id mod 1000>/<file_id>/<i>`.
//!
//! Admission ([`admit`]) runs inside one database transaction per batch: a page is first written
//! to the worker's `tmp/` directory (outside the lock, that is the slow part), then the
//! transaction makes room — evicting pages of the same or a lower priority, least recently used
//! first, on the worker (capacity) and under every quota containing the file (quota) — renames it
//! into place and records it. When not enough can be evicted (everything left has a higher
//! priority), the page is not cached, as Alluxio's priority eviction does. Page files are
//! deleted inside the transaction that removes their rows, so a row always has its file; a reader
//! that loses a race with eviction sees a missing file and treats it as a miss.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use super::policy::Policies;
use super::{Cache, CacheError, CacheResult};
use crate::lang::Text;
use crate::text;

pub fn file_id(ufs: &str) -> String {
    lakedeck_api::sign::sha256_hex(ufs.as_bytes())[..32].to_string()
}

pub fn page_count(len: u64, page_size: u64) -> u64 {
    len.div_ceil(page_size)
}

/// Size of page `index` of a file of `len` bytes.
pub fn page_len(len: u64, page_size: u64, index: u64) -> u64 {
    len.saturating_sub(index * page_size).min(page_size)
}

fn bucket(file_id: &str) -> u64 {
    u64::from_str_radix(&file_id[..8.min(file_id.len())], 16).unwrap_or(0) % 1000
}

impl Cache {
    pub fn page_path(&self, worker: &str, file_id: &str, index: u64) -> PathBuf {
        self.worker_dir(worker)
            .join("pages")
            .join(self.page_size().to_string())
            .join(format!("{:03}", bucket(file_id)))
            .join(file_id)
            .join(index.to_string())
    }

    pub fn tmp_dir(&self, worker: &str) -> PathBuf {
        self.worker_dir(worker).join("tmp")
    }
}

/// A cached file's metadata row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileRow {
    pub file_id: String,
    pub ufs: String,
    pub length: i64,
    pub mtime_ms: i64,
    /// When the metadata was last read from the UFS.
    pub meta_ms: i64,
    /// When the cached data was last confirmed to match the UFS.
    pub valid_ms: i64,
    pub replicas: i64,
}

pub fn file_row(conn: &Connection, ufs: &str) -> CacheResult<Option<FileRow>> {
    Ok(conn
        .prepare_cached("SELECT file_id, ufs, length, mtime_ms, meta_ms, valid_ms, replicas FROM files WHERE ufs = ?1")?
        .query_row([ufs], |r| {
            Ok(FileRow {
                file_id: r.get(0)?,
                ufs: r.get(1)?,
                length: r.get(2)?,
                mtime_ms: r.get(3)?,
                meta_ms: r.get(4)?,
                valid_ms: r.get(5)?,
                replicas: r.get(6)?,
            })
        })
        .optional()?)
}

pub fn upsert_file(conn: &Connection, f: &FileRow) -> CacheResult<()> {
    conn.prepare_cached(
        "INSERT INTO files (file_id, ufs, length, mtime_ms, meta_ms, valid_ms, replicas) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(file_id) DO UPDATE SET length = ?3, mtime_ms = ?4, meta_ms = ?5, valid_ms = ?6, replicas = ?7",
    )?
    .execute(params![f.file_id, f.ufs, f.length, f.mtime_ms, f.meta_ms, f.valid_ms, f.replicas])?;
    Ok(())
}

/// SQL condition "file `f.ufs` is `?1` or below it" (range scans on the unique index).
const UNDER: &str = "(f.ufs = ?1 OR (f.ufs >= ?1 || '/' AND f.ufs < ?1 || '0'))";

/// Cached bytes of the files at or below `ufs`, every replica counted.
pub fn bytes_under(conn: &Connection, ufs: &str) -> CacheResult<i64> {
    Ok(conn
        .prepare_cached(&format!("SELECT COALESCE(SUM(p.size), 0) FROM files f JOIN pages p ON p.file_id = f.file_id WHERE {UNDER}"))?
        .query_row([ufs], |r| r.get(0))?)
}

/// Pages a worker holds of a file.
pub fn pages_on(conn: &Connection, worker: &str, file_id: &str) -> CacheResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM pages WHERE worker_id = ?1 AND file_id = ?2")?
        .query_row(params![worker, file_id], |r| r.get(0))?)
}

/// Why a page left the cache (counted per worker; a free is not an eviction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Capacity,
    Ttl,
    Quota,
    /// Free, prune, stale-cache cleaning, invalidation: not counted as an eviction.
    Removed,
}

/// Deletes one page (row, file, the worker's usage) and counts it.
pub fn remove_page(cache: &Cache, conn: &Connection, worker: &str, file_id: &str, index: i64, size: i64, reason: Reason) -> CacheResult<()> {
    let n = conn
        .prepare_cached("DELETE FROM pages WHERE worker_id = ?1 AND file_id = ?2 AND page_index = ?3")?
        .execute(params![worker, file_id, index])?;
    if n == 0 {
        return Ok(());
    }
    let _ = std::fs::remove_file(cache.page_path(worker, file_id, index as u64));
    let column = match reason {
        Reason::Capacity => Some("evicted_capacity"),
        Reason::Ttl => Some("evicted_ttl"),
        Reason::Quota => Some("evicted_quota"),
        Reason::Removed => None,
    };
    match column {
        Some(c) => conn
            .prepare_cached(&format!(
                "UPDATE workers SET used = used - ?2, pages = pages - 1, {c} = {c} + 1, evicted_bytes = evicted_bytes + ?2 WHERE id = ?1"
            ))?
            .execute(params![worker, size])?,
        None => conn.prepare_cached("UPDATE workers SET used = used - ?2, pages = pages - 1 WHERE id = ?1")?.execute(params![worker, size])?,
    };
    Ok(())
}

/// Removes every page of a file (on one worker or all); returns (pages, bytes).
pub fn remove_file_pages(cache: &Cache, conn: &Connection, file_id: &str, only: Option<&str>) -> CacheResult<(i64, i64)> {
    let rows: Vec<(String, i64, i64)> = conn
        .prepare_cached("SELECT worker_id, page_index, size FROM pages WHERE file_id = ?1")?
        .query_map([file_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let (mut n, mut bytes) = (0, 0);
    for (w, i, size) in rows.into_iter().filter(|(w, _, _)| only.is_none_or(|o| o == w)) {
        remove_page(cache, conn, &w, file_id, i, size, Reason::Removed)?;
        n += 1;
        bytes += size;
    }
    if only.is_some() {
        let dir = cache.page_path(only.unwrap_or(""), file_id, 0);
        if let Some(d) = dir.parent() {
            let _ = std::fs::remove_dir(d);
        }
    }
    Ok((n, bytes))
}

/// A page written to a worker's `tmp/`, waiting for admission.
#[derive(Debug)]
pub struct Staged {
    pub file_id: String,
    pub ufs: String,
    pub index: u64,
    pub size: u64,
    pub tmp: PathBuf,
    pub priority: u8,
}

impl Staged {
    pub fn discard(&self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes bytes `[offset, offset + len)` of `src` into a new temporary page file of `worker`.
pub fn stage_from(cache: &Cache, worker: &str, src: &File, offset: u64, len: u64) -> std::io::Result<PathBuf> {
    let dir = cache.tmp_dir(worker);
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(crate::util::hex(&crate::util::random_bytes::<12>()));
    let dst = File::create(&tmp)?;
    if let Err(e) = copy_range(src, offset, len, &dst) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Writes `bytes` into a new temporary page file of `worker`.
pub fn stage_bytes(cache: &Cache, worker: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let dir = cache.tmp_dir(worker);
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(crate::util::hex(&crate::util::random_bytes::<12>()));
    std::fs::write(&tmp, bytes)?;
    Ok(tmp)
}

/// Copies `len` bytes at `offset` of `src` to the start of `dst`: `copy_file_range(2)` where the
/// file systems allow it (the kernel moves the data, as `cp` does), plain reads and writes
/// otherwise.
pub fn copy_range(src: &File, offset: u64, len: u64, dst: &File) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let mut off_in = offset as libc::loff_t;
        let mut off_out: libc::loff_t = 0;
        let mut left = len;
        while left > 0 {
            // SAFETY: both descriptors are open files owned by the caller for the duration of
            // the call, and the offsets are valid pointers to locals.
            let n = unsafe { libc::copy_file_range(src.as_raw_fd(), &mut off_in, dst.as_raw_fd(), &mut off_out, left as usize, 0) };
            if n < 0 {
                let err = std::io::Error::last_os_error();
                match err.raw_os_error() {
                    Some(libc::EXDEV | libc::ENOSYS | libc::EINVAL | libc::EOPNOTSUPP) if off_out == 0 => break,
                    _ => return Err(err),
                }
            }
            if n == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file is shorter than its recorded length"));
            }
            left -= n as u64;
        }
        if left == 0 {
            return Ok(());
        }
    }
    copy_range_plain(src, offset, len, dst)
}

fn copy_range_plain(src: &File, offset: u64, len: u64, mut dst: &File) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; (len as usize).min(1 << 20)];
    let mut done = 0u64;
    while done < len {
        let want = ((len - done) as usize).min(buf.len());
        let n = src.read_at(&mut buf[..want], offset + done)?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file is shorter than its recorded length"));
        }
        dst.write_all(&buf[..n])?;
        done += n as u64;
    }
    Ok(())
}

/// Reads `len` bytes at `offset` of a file.
pub fn read_at(path: &Path, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let f = File::open(path)?;
    let mut buf = vec![0u8; len as usize];
    f.read_exact_at(&mut buf, offset)?;
    Ok(buf)
}

type Victim = (String, String, i64, i64, String);

/// Pages evictable for a page of `priority` on `worker`, least valuable first.
fn worker_victims(conn: &Connection, worker: &str, priority: u8, keep: (&str, i64)) -> CacheResult<Vec<Victim>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.worker_id, p.file_id, p.page_index, p.size, f.ufs FROM pages p JOIN files f ON f.file_id = p.file_id
             WHERE p.worker_id = ?1 AND p.priority <= ?2 AND NOT (p.file_id = ?3 AND p.page_index = ?4)
             ORDER BY p.priority, p.access_ms, p.file_id, p.page_index LIMIT 64",
        )?
        .query_map(params![worker, priority, keep.0, keep.1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?)
}

fn quota_victims(conn: &Connection, ufs: &str, priority: u8, keep: (&str, i64)) -> CacheResult<Vec<Victim>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT p.worker_id, p.file_id, p.page_index, p.size, f.ufs FROM files f JOIN pages p ON p.file_id = f.file_id
             WHERE {UNDER} AND p.priority <= ?2 AND NOT (p.file_id = ?3 AND p.page_index = ?4)
             ORDER BY p.priority, p.access_ms, p.file_id, p.page_index LIMIT 64"
        ))?
        .query_map(params![ufs, priority, keep.0, keep.1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?)
}

fn evictable_on(conn: &Connection, worker: &str, priority: u8) -> CacheResult<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(SUM(size), 0) FROM pages WHERE worker_id = ?1 AND priority <= ?2")?
        .query_row(params![worker, priority], |r| r.get(0))?)
}

fn evictable_under(conn: &Connection, ufs: &str, priority: u8) -> CacheResult<i64> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT COALESCE(SUM(p.size), 0) FROM files f JOIN pages p ON p.file_id = f.file_id WHERE {UNDER} AND p.priority <= ?2"
        ))?
        .query_row(params![ufs, priority], |r| r.get(0))?)
}

fn human(n: i64) -> String {
    lakedeck_api::alluxio::format_size(n.max(0) as u64)
}

/// Admits a staged page on `worker` inside the caller's transaction. `Ok(Some(reason))` when it
/// cannot be cached (the staged file is removed).
pub fn admit(cache: &Cache, conn: &Connection, policies: &Policies, worker: &str, page: &Staged, now: i64) -> CacheResult<Option<Text>> {
    let size = page.size as i64;
    let index = page.index as i64;
    let keep = (page.file_id.as_str(), index);
    let existing: Option<i64> = conn
        .prepare_cached("SELECT size FROM pages WHERE worker_id = ?1 AND file_id = ?2 AND page_index = ?3")?
        .query_row(params![worker, page.file_id, index], |r| r.get(0))
        .optional()?;
    let refuse = |reason: Text| {
        page.discard();
        Ok(Some(reason))
    };
    let (used, capacity): (i64, i64) = match conn
        .prepare_cached("SELECT used, capacity, state FROM workers WHERE id = ?1")?
        .query_row([worker], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .optional()?
    {
        Some(v) => v,
        None => return refuse(text!("Worker {worker} no longer exists.", "工作节点 {worker} 已不存在。")),
    };
    let used = used - existing.unwrap_or(0);
    if size > capacity {
        let (s, c) = (human(size), human(capacity));
        return refuse(text!("A page of {s} does not fit in worker {worker}'s capacity of {c}.", "{s} 的页面放不进工作节点 {worker} 的容量 {c}。"));
    }
    let need = used + size - capacity;
    if need > 0 && evictable_on(conn, worker, page.priority)? - existing.unwrap_or(0) < need {
        return refuse(text!(
            "Worker {worker} is full and everything it holds has a higher eviction priority.",
            "工作节点 {worker} 已满，且其中的数据驱逐优先级都更高。"
        ));
    }
    let quotas: Vec<_> = if cache.config().disabled.quota { Vec::new() } else { policies.quotas_over(&page.ufs).collect() };
    for q in &quotas {
        if size > q.bytes {
            let path = q.path.clone();
            return refuse(text!("The quota of {path} is smaller than one page.", "{path} 的配额小于一个页面。"));
        }
        let q_need = bytes_under(conn, &q.ufs)? - existing.unwrap_or(0) + size - q.bytes;
        if q_need > 0 && evictable_under(conn, &q.ufs, page.priority)? < q_need {
            let path = q.path.clone();
            return refuse(text!(
                "The quota of {path} is used up by data with a higher eviction priority.",
                "{path} 的配额已被驱逐优先级更高的数据占满。"
            ));
        }
    }
    // Room on the worker.
    let mut need = need;
    while need > 0 {
        let victims = worker_victims(conn, worker, page.priority, keep)?;
        if victims.is_empty() {
            return refuse(text!("Worker {worker} is full.", "工作节点 {worker} 已满。"));
        }
        for (w, f, i, s, _) in victims {
            if need <= 0 {
                break;
            }
            remove_page(cache, conn, &w, &f, i, s, Reason::Capacity)?;
            need -= s;
        }
    }
    // Room under each quota.
    for q in &quotas {
        let mut q_need = bytes_under(conn, &q.ufs)? - existing.unwrap_or(0) + size - q.bytes;
        while q_need > 0 {
            let victims = quota_victims(conn, &q.ufs, page.priority, keep)?;
            if victims.is_empty() {
                let path = q.path.clone();
                return refuse(text!("The quota of {path} is full.", "{path} 的配额已满。"));
            }
            for (w, f, i, s, _) in victims {
                if q_need <= 0 {
                    break;
                }
                remove_page(cache, conn, &w, &f, i, s, Reason::Quota)?;
                q_need -= s;
            }
        }
    }
    let dest = cache.page_path(worker, &page.file_id, page.index);
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CacheError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    }
    if let Err(e) = std::fs::rename(&page.tmp, &dest) {
        page.discard();
        return Err(CacheError::Internal(format!("cannot place a page at {}: {e}", dest.display())));
    }
    conn.prepare_cached(
        "INSERT INTO pages (worker_id, file_id, page_index, size, cached_ms, access_ms, priority) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
         ON CONFLICT(worker_id, file_id, page_index) DO UPDATE SET size = ?4, cached_ms = ?5, access_ms = ?5, priority = ?6",
    )?
    .execute(params![worker, page.file_id, index, size, now, page.priority])?;
    conn.prepare_cached("UPDATE workers SET used = used + ?2, pages = pages + ?3 WHERE id = ?1")?.execute(params![
        worker,
        size - existing.unwrap_or(0),
        if existing.is_some() { 0 } else { 1 }
    ])?;
    Ok(None)
}

/// Evicts pages older than their TTL (the most specific rule over each file).
pub fn expire_ttl(cache: &Cache, policies: &Policies, now: i64) -> CacheResult<usize> {
    cache.db().tx(|conn| {
        let mut n = 0;
        for rule in &policies.ttls {
            let rows: Vec<(String, String, i64, i64, i64, String)> = conn
                .prepare_cached(&format!(
                    "SELECT p.worker_id, p.file_id, p.page_index, p.size, p.cached_ms, f.ufs FROM files f JOIN pages p ON p.file_id = f.file_id
                     WHERE {UNDER} AND p.cached_ms < ?2"
                ))?
                .query_map(params![rule.ufs, now - rule.ms], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<Result<_, _>>()?;
            for (w, f, i, size, cached, ufs) in rows {
                if policies.ttl_ms(&ufs).is_some_and(|ttl| cached < now - ttl) {
                    remove_page(cache, conn, &w, &f, i, size, Reason::Ttl)?;
                    n += 1;
                }
            }
        }
        Ok(n)
    })
}

/// Evicts down to every quota (the lowest priority, least recently used pages first).
pub fn enforce_quotas(cache: &Cache, policies: &Policies) -> CacheResult<usize> {
    if cache.config().disabled.quota {
        return Ok(0);
    }
    cache.db().tx(|conn| {
        let mut n = 0;
        for q in &policies.quotas {
            let mut over = bytes_under(conn, &q.ufs)? - q.bytes;
            while over > 0 {
                let victims = quota_victims(conn, &q.ufs, u8::MAX, ("", -1))?;
                if victims.is_empty() {
                    break;
                }
                for (w, f, i, s, _) in victims {
                    if over <= 0 {
                        break;
                    }
                    remove_page(cache, conn, &w, &f, i, s, Reason::Quota)?;
                    over -= s;
                    n += 1;
                }
            }
        }
        Ok(n)
    })
}

/// Evicts down to each worker's capacity (after the capacity was lowered).
pub fn enforce_capacity(cache: &Cache) -> CacheResult<usize> {
    cache.db().tx(|conn| {
        let mut n = 0;
        for w in super::workers(conn)?.into_iter().filter(|w| w.used > w.capacity) {
            let mut over = w.used - w.capacity;
            while over > 0 {
                let victims = worker_victims(conn, &w.id, u8::MAX, ("", -1))?;
                if victims.is_empty() {
                    break;
                }
                for (wid, f, i, s, _) in victims {
                    if over <= 0 {
                        break;
                    }
                    remove_page(cache, conn, &wid, &f, i, s, Reason::Capacity)?;
                    over -= s;
                    n += 1;
                }
            }
        }
        Ok(n)
    })
}

/// Gives every cached page the priority its file has under the current rules.
pub fn restamp_priorities(cache: &Cache, policies: &Policies) -> CacheResult<()> {
    cache.db().tx(|conn| {
        let files: Vec<(String, String)> = conn
            .prepare("SELECT DISTINCT f.file_id, f.ufs FROM files f JOIN pages p ON p.file_id = f.file_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt = conn.prepare_cached("UPDATE pages SET priority = ?2 WHERE file_id = ?1 AND priority != ?2")?;
        for (id, ufs) in files {
            stmt.execute(params![id, policies.priority(&ufs)])?;
        }
        Ok(())
    })
}

/// Removes every page and file record at or below `ufs` (the mount went away).
pub fn drop_under(cache: &Cache, ufs: &str) -> CacheResult<()> {
    cache.db().tx(|conn| {
        let ids: Vec<String> = conn
            .prepare(&format!("SELECT f.file_id FROM files f WHERE {UNDER}"))?
            .query_map([ufs], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ids {
            remove_file_pages(cache, conn, &id, None)?;
            conn.execute("DELETE FROM files WHERE file_id = ?1", [&id])?;
        }
        Ok(())
    })
}

/// Cached files at or below `ufs` with the bytes they hold (all replicas).
pub fn cached_files_under(conn: &Connection, ufs: &str) -> CacheResult<Vec<(FileRow, i64)>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT f.file_id, f.ufs, f.length, f.mtime_ms, f.meta_ms, f.valid_ms, f.replicas, COALESCE(SUM(p.size), 0)
             FROM files f LEFT JOIN pages p ON p.file_id = f.file_id WHERE {UNDER} GROUP BY f.file_id ORDER BY f.ufs"
        ))?
        .query_map([ufs], |r| {
            Ok((
                FileRow {
                    file_id: r.get(0)?,
                    ufs: r.get(1)?,
                    length: r.get(2)?,
                    mtime_ms: r.get(3)?,
                    meta_ms: r.get(4)?,
                    valid_ms: r.get(5)?,
                    replicas: r.get(6)?,
                },
                r.get(7)?,
            ))
        })?
        .collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_geometry() {
        assert_eq!(page_count(0, 1024), 0);
        assert_eq!(page_count(1, 1024), 1);
        assert_eq!(page_count(2048, 1024), 2);
        assert_eq!(page_count(2049, 1024), 3);
        assert_eq!(page_len(2049, 1024, 2), 1);
        assert_eq!(page_len(2049, 1024, 0), 1024);
        assert_eq!(file_id("obs://b/x").len(), 32);
        assert_ne!(file_id("obs://b/x"), file_id("obs://b/y"));
        assert!(bucket(&file_id("obs://b/x")) < 1000);
    }

    #[test]
    fn ranges_copy_exactly() {
        let dir = std::env::temp_dir().join(format!("lakedeck-pages-{}", crate::util::uuid_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.join("src"), &data).unwrap();
        let src = File::open(dir.join("src")).unwrap();
        let dst = File::create(dir.join("dst")).unwrap();
        copy_range(&src, 1234, 4096, &dst).unwrap();
        assert_eq!(std::fs::read(dir.join("dst")).unwrap(), &data[1234..1234 + 4096]);
        let dst2 = File::create(dir.join("dst2")).unwrap();
        copy_range_plain(&src, 9000, 1000, &dst2).unwrap();
        assert_eq!(std::fs::read(dir.join("dst2")).unwrap(), &data[9000..]);
        let short = File::create(dir.join("dst3")).unwrap();
        assert!(copy_range(&src, 9500, 1000, &short).is_err(), "reading past the end is an error");
        assert_eq!(read_at(&dir.join("src"), 10, 5).unwrap(), &data[10..15]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
