//! The sandbox's Alluxio cache cluster: workers that are directories with a capacity and a page
//! store, a coordinator with a mount table, policies (quota, TTL, priority, cache filter, file
//! index) and load/free/rebalance jobs that move real bytes, and a read path (`alluxio://`) that
//! serves pages on a hit and reads the UFS and admits pages on a miss.
//!
//! Layout under `DATA_DIR/alluxio/`:
//! - `coordinator.db` — SQLite (WAL): workers and their counters, file metadata, one row per cached
//!   page (worker, file, page index, size, cached-at, last access, priority), mounts, policies,
//!   the file index and job records. Everything survives a restart.
//! - `workers/<worker-id>/pages/<page size>/<bucket>/<file id>/<page index>` — the page files,
//!   Alluxio's local page-store layout (bucket = file id mod 1000).
//! - `jobs/<job-id>/failed-files.txt` — the failed-file list of a job.
//!
//! Module map: [`ring`] (placement), [`namespace`] (mounts, UFS paths), [`policy`] (quota, TTL,
//! priority, cache filter, file index), [`pages`] (page files, admission, eviction), [`read`]
//! (the cache client: stat, list, read), [`jobs`] (load, free, rebalance), [`stale`] (clear stale
//! cache), [`objstore`] (the `alluxio://` object store DataFusion reads through).

pub mod jobs;
pub mod namespace;
pub mod objstore;
pub mod pages;
pub mod policy;
pub mod read;
pub mod ring;
pub mod stale;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use lakedeck_api::alluxio::{self as wire, parse_duration_ms, parse_size};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::lang::Text;
use crate::text;
use crate::util;

use namespace::Mount;
use policy::Policies;
use ring::Ring;

/// Workers a new cache cluster starts with.
pub const INITIAL_WORKERS: usize = 3;
/// Default worker capacity: small, so eviction is easy to see.
pub const DEFAULT_CAPACITY: u64 = 64 << 20;
/// Alluxio's default page size (`alluxio.worker.page.store.page.size=1MB`).
pub const DEFAULT_PAGE_SIZE: u64 = 1 << 20;
/// Alluxio EE 3.8's `…consistent.hash.virtual.node.count.per.worker`.
pub const DEFAULT_VIRTUAL_NODES: u32 = 2000;
/// How often TTL and quota are enforced in the background.
pub const DEFAULT_CHECK_MS: u64 = 1000;
/// Completed jobs are kept this long (`alluxio.job.retention.time` default 7d).
pub const JOB_RETENTION_MS: i64 = 7 * 86_400_000;
/// Jobs running at once; the rest wait in WAITING.
pub const MAX_RUNNING_JOBS: usize = 2;
/// The version string nodes report.
pub const VERSION: &str = concat!("lakedeck-sandbox-", env!("CARGO_PKG_VERSION"));

/// Features an operator can switch off (Alluxio's `alluxio.quota.enabled` and friends), so the
/// coordinator's "not enabled" answers exist in the sandbox too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disabled {
    pub quota: bool,
    pub ttl: bool,
    pub priority: bool,
    pub cache_filter: bool,
    pub file_index: bool,
    /// A static mount table: the mount API answers 501.
    pub mount_api: bool,
    /// Clear-stale-cache answers 501.
    pub stale_cache: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CacheConfig {
    pub page_size: u64,
    /// Capacity given to every worker at start when set; new workers get it too.
    pub capacity: Option<u64>,
    pub virtual_nodes: u32,
    pub check_ms: u64,
    pub disabled: Disabled,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            page_size: DEFAULT_PAGE_SIZE,
            capacity: None,
            virtual_nodes: DEFAULT_VIRTUAL_NODES,
            check_ms: DEFAULT_CHECK_MS,
            disabled: Disabled::default(),
        }
    }
}

impl CacheConfig {
    /// Reads `LAKEDECK_ALLUXIO_*` through `env` (see the README's option table).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<CacheConfig, String> {
        let env = |k: &str| env(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut cfg = CacheConfig::default();
        if let Some(v) = env("LAKEDECK_ALLUXIO_PAGE_SIZE") {
            cfg.page_size = parse_size(&v)
                .filter(|n| (4096..=(64 << 20)).contains(n))
                .ok_or_else(|| format!("LAKEDECK_ALLUXIO_PAGE_SIZE must be a size from 4KB to 64MB, not '{v}'"))?;
        }
        if let Some(v) = env("LAKEDECK_ALLUXIO_CAPACITY") {
            cfg.capacity = Some(
                parse_size(&v)
                    .filter(|n| *n >= 1 << 20)
                    .ok_or_else(|| format!("LAKEDECK_ALLUXIO_CAPACITY must be a size of at least 1MB, such as 64MB or 2GB, not '{v}'"))?,
            );
        }
        if let Some(v) = env("LAKEDECK_ALLUXIO_VIRTUAL_NODES") {
            cfg.virtual_nodes = v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| format!("LAKEDECK_ALLUXIO_VIRTUAL_NODES must be a whole number from 1 to 10000, not '{v}'"))?;
        }
        if let Some(v) = env("LAKEDECK_ALLUXIO_CHECK_INTERVAL") {
            cfg.check_ms = parse_duration_ms(&v)
                .filter(|ms| *ms >= 50)
                .ok_or_else(|| format!("LAKEDECK_ALLUXIO_CHECK_INTERVAL must be a duration of at least 50ms, such as 1s, not '{v}'"))?;
        }
        if let Some(v) = env("LAKEDECK_ALLUXIO_DISABLED") {
            for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let d = &mut cfg.disabled;
                match name {
                    "quota" => d.quota = true,
                    "ttl" => d.ttl = true,
                    "priority" => d.priority = true,
                    "cache-filter" => d.cache_filter = true,
                    "file-index" => d.file_index = true,
                    "mount-api" => d.mount_api = true,
                    "stale-cache" => d.stale_cache = true,
                    other => {
                        return Err(format!(
                            "LAKEDECK_ALLUXIO_DISABLED: unknown feature '{other}' (known: quota, ttl, priority, cache-filter, file-index, mount-api, stale-cache)"
                        ))
                    }
                }
            }
        }
        Ok(cfg)
    }
}

/// An answer the coordinator API turns into a status and `{"status": message}`.
#[derive(Debug)]
pub enum CacheError {
    BadRequest(Text),
    NotFound(Text),
    /// 409; `id` is the job the submission collided with.
    Conflict { text: Text, id: Option<String> },
    Gone(Text),
    NotImplemented(Text),
    /// Storage failed: logged, answered 500.
    Internal(String),
}

impl From<rusqlite::Error> for CacheError {
    fn from(e: rusqlite::Error) -> CacheError {
        CacheError::Internal(format!("coordinator database error: {e}"))
    }
}

/// A broken shared rule (crates/api `alluxio::check_*`) is the caller's mistake: 400.
impl From<lakedeck_api::problem::Problem> for CacheError {
    fn from(p: lakedeck_api::problem::Problem) -> CacheError {
        CacheError::BadRequest(Text::from(p))
    }
}

impl CacheError {
    /// For callers outside the API (job logs, SQL): the message in `text` form.
    pub fn text(&self) -> Text {
        match self {
            CacheError::BadRequest(t) | CacheError::NotFound(t) | CacheError::Gone(t) | CacheError::NotImplemented(t) => t.clone(),
            CacheError::Conflict { text, .. } => text.clone(),
            CacheError::Internal(detail) => Text::from(detail.clone()),
        }
    }
}

pub type CacheResult<T> = Result<T, CacheError>;

// ---------------------------------------------------------------------------------------------
// Storage

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS workers (
    id TEXT PRIMARY KEY,
    ordinal INTEGER NOT NULL,
    state TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    started_ms INTEGER NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    misses INTEGER NOT NULL DEFAULT 0,
    hit_bytes INTEGER NOT NULL DEFAULT 0,
    miss_bytes INTEGER NOT NULL DEFAULT 0,
    evicted_bytes INTEGER NOT NULL DEFAULT 0,
    evicted_capacity INTEGER NOT NULL DEFAULT 0,
    evicted_ttl INTEGER NOT NULL DEFAULT 0,
    evicted_quota INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY,
    ufs TEXT NOT NULL UNIQUE,
    length INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    meta_ms INTEGER NOT NULL,
    valid_ms INTEGER NOT NULL,
    replicas INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS pages (
    worker_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    page_index INTEGER NOT NULL,
    size INTEGER NOT NULL,
    cached_ms INTEGER NOT NULL,
    access_ms INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    PRIMARY KEY (worker_id, file_id, page_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pages_lru ON pages(worker_id, priority, access_ms);
CREATE INDEX IF NOT EXISTS pages_by_file ON pages(file_id);
CREATE INDEX IF NOT EXISTS pages_by_age ON pages(cached_ms);
CREATE TABLE IF NOT EXISTS mounts (
    norm TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    ufs TEXT NOT NULL UNIQUE,
    options TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS quotas (norm TEXT PRIMARY KEY, path TEXT NOT NULL, ufs TEXT NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ttls (norm TEXT PRIMARY KEY, path TEXT NOT NULL, ufs TEXT NOT NULL, time TEXT NOT NULL, ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS priorities (norm TEXT PRIMARY KEY, path TEXT NOT NULL, ufs TEXT NOT NULL, level TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cache_filters (
    scope TEXT NOT NULL,
    pattern TEXT NOT NULL,
    type TEXT NOT NULL,
    time TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (scope, pattern)
);
CREATE TABLE IF NOT EXISTS file_index (path TEXT PRIMARY KEY, alias TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS file_index_entries (
    index_path TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (index_path, entry)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    key TEXT NOT NULL,
    alias TEXT NOT NULL,
    run INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_kind ON jobs(kind, seq);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    fn open(path: &Path) -> Result<Db, String> {
        let conn = crate::engine::store::open_wal(path)?;
        conn.execute_batch(SCHEMA).map_err(|e| format!("cannot create the coordinator schema: {e}"))?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> CacheResult<T>) -> CacheResult<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = guard.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// One IMMEDIATE transaction; an error rolls everything back.
    pub fn tx<T>(&self, f: impl FnOnce(&Connection) -> CacheResult<T>) -> CacheResult<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = guard.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

pub fn meta(conn: &Connection, key: &str) -> CacheResult<Option<String>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> CacheResult<()> {
    conn.execute("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2", [key, value])?;
    Ok(())
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// ISO-8601 with milliseconds and a zone offset (`2024-11-21T12:58:26.957+00:00`), the
/// coordinator's time format; the sandbox reports UTC.
pub fn iso_time(ms: i64) -> String {
    let t = util::iso_utc(ms);
    format!("{}T{}+00:00", &t[..10], &t[11..])
}

// ---------------------------------------------------------------------------------------------
// The cluster

/// A worker row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Worker {
    pub id: String,
    pub ordinal: i64,
    pub state: String,
    pub capacity: i64,
    pub used: i64,
    pub pages: i64,
    pub started_ms: i64,
    pub hits: i64,
    pub misses: i64,
    pub hit_bytes: i64,
    pub miss_bytes: i64,
    pub evicted_bytes: i64,
    pub evicted_capacity: i64,
    pub evicted_ttl: i64,
    pub evicted_quota: i64,
}

impl Worker {
    pub fn online(&self) -> bool {
        self.state == "ONLINE"
    }
}

const WORKER_COLUMNS: &str = "id, ordinal, state, capacity, used, pages, started_ms, hits, misses, hit_bytes, miss_bytes, evicted_bytes, evicted_capacity, evicted_ttl, evicted_quota";

fn worker_row(r: &rusqlite::Row) -> rusqlite::Result<Worker> {
    Ok(Worker {
        id: r.get(0)?,
        ordinal: r.get(1)?,
        state: r.get(2)?,
        capacity: r.get(3)?,
        used: r.get(4)?,
        pages: r.get(5)?,
        started_ms: r.get(6)?,
        hits: r.get(7)?,
        misses: r.get(8)?,
        hit_bytes: r.get(9)?,
        miss_bytes: r.get(10)?,
        evicted_bytes: r.get(11)?,
        evicted_capacity: r.get(12)?,
        evicted_ttl: r.get(13)?,
        evicted_quota: r.get(14)?,
    })
}

pub fn workers(conn: &Connection) -> CacheResult<Vec<Worker>> {
    let mut stmt = conn.prepare(&format!("SELECT {WORKER_COLUMNS} FROM workers ORDER BY ordinal"))?;
    let rows = stmt.query_map([], worker_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn worker(conn: &Connection, id: &str) -> CacheResult<Option<Worker>> {
    Ok(conn.query_row(&format!("SELECT {WORKER_COLUMNS} FROM workers WHERE id = ?1"), [id], worker_row).optional()?)
}

type ClusterCheck = Box<dyn Fn(&str) -> bool + Send + Sync>;

/// A job being executed: its stop flag.
struct Run {
    cancel: Arc<AtomicBool>,
}

pub struct Cache {
    db: Db,
    /// `DATA_DIR/alluxio`
    root: PathBuf,
    data_dir: PathBuf,
    cfg: CacheConfig,
    /// The page size the cluster was created with (kept across restarts).
    page_size: u64,
    ring: RwLock<Arc<Ring>>,
    mounts: RwLock<Arc<Vec<Mount>>>,
    policies: RwLock<Arc<Policies>>,
    runs: Mutex<HashMap<String, Run>>,
    stale: Mutex<stale::StaleState>,
    /// Whether an HDFS UFS names an existing cluster (the MRS store answers).
    cluster_exists: OnceLock<ClusterCheck>,
    stopping: AtomicBool,
}

impl Cache {
    /// Opens (or creates, with three workers) the cache cluster under `DATA_DIR/alluxio`.
    pub fn open(data_dir: &Path, cfg: CacheConfig) -> Result<Cache, String> {
        let root = data_dir.join("alluxio");
        std::fs::create_dir_all(root.join("workers")).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        let db = Db::open(&root.join("coordinator.db"))?;
        let page_size = db
            .tx(|conn| {
                let stored = meta(conn, "page_size")?.and_then(|v| v.parse::<u64>().ok());
                let size = match stored {
                    Some(s) => {
                        if s != cfg.page_size {
                            eprintln!(
                                "note: the cache cluster keeps its page size of {s} bytes (LAKEDECK_ALLUXIO_PAGE_SIZE applies to a new data dir)"
                            );
                        }
                        s
                    }
                    None => {
                        set_meta(conn, "page_size", &cfg.page_size.to_string())?;
                        cfg.page_size
                    }
                };
                if workers(conn)?.is_empty() {
                    for _ in 0..INITIAL_WORKERS {
                        insert_worker(conn, cfg.capacity.unwrap_or(DEFAULT_CAPACITY))?;
                    }
                }
                if let Some(cap) = cfg.capacity {
                    conn.execute("UPDATE workers SET capacity = ?1", [cap as i64])?;
                }
                Ok(size)
            })
            .map_err(|e| format!("cannot open the cache cluster: {e:?}"))?;
        let cache = Cache {
            db,
            root,
            data_dir: data_dir.to_path_buf(),
            cfg,
            page_size,
            ring: RwLock::new(Arc::new(Ring::default())),
            mounts: RwLock::new(Arc::new(Vec::new())),
            policies: RwLock::new(Arc::new(Policies::default())),
            runs: Mutex::new(HashMap::new()),
            stale: Mutex::new(stale::StaleState::default()),
            cluster_exists: OnceLock::new(),
            stopping: AtomicBool::new(false),
        };
        cache.reload().map_err(|e| format!("cannot read the cache cluster's state: {e:?}"))?;
        for w in cache.db.read(workers).map_err(|e| format!("{e:?}"))? {
            std::fs::create_dir_all(cache.worker_dir(&w.id)).map_err(|e| format!("cannot create the worker directory: {e}"))?;
            // Pages being written when the process stopped were never recorded.
            let _ = std::fs::remove_dir_all(cache.tmp_dir(&w.id));
        }
        Ok(cache)
    }

    /// Lets the cache check `hdfs://<cluster_id>/…` mounts against the MRS store.
    pub fn set_cluster_check(&self, check: impl Fn(&str) -> bool + Send + Sync + 'static) {
        let _ = self.cluster_exists.set(Box::new(check));
    }

    fn cluster_exists(&self, id: &str) -> bool {
        self.cluster_exists.get().is_some_and(|f| f(id))
    }

    /// Starts the background work: jobs unfinished at the last stop resume, the TTL/quota
    /// enforcer runs every `check_ms`. Returns how many jobs resumed.
    pub fn start(self: &Arc<Self>) -> Result<usize, String> {
        let resumed = self.recover_jobs().map_err(|e| format!("cannot recover the cache jobs: {e:?}"))?;
        self.recover_stale();
        let cache = self.clone();
        std::thread::Builder::new()
            .name("alluxio-maintenance".into())
            .spawn(move || {
                while !cache.stopping.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(cache.cfg.check_ms));
                    if let Err(e) = cache.maintain() {
                        eprintln!("warning: cache maintenance failed: {e:?}");
                    }
                }
            })
            .map_err(|e| format!("cannot start the cache maintenance thread: {e}"))?;
        self.schedule();
        Ok(resumed)
    }

    pub fn config(&self) -> &CacheConfig {
        &self.cfg
    }

    pub fn page_size(&self) -> u64 {
        self.page_size
    }

    pub fn worker_dir(&self, id: &str) -> PathBuf {
        self.root.join("workers").join(id)
    }

    pub fn job_dir(&self, id: &str) -> PathBuf {
        self.root.join("jobs").join(id)
    }

    pub fn ring(&self) -> Arc<Ring> {
        self.ring.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn mounts(&self) -> Arc<Vec<Mount>> {
        self.mounts.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn policies(&self) -> Arc<Policies> {
        self.policies.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Re-reads the ring, the mount table and the policies after a change.
    pub fn reload(&self) -> CacheResult<()> {
        let (online, mounts, policies) = self.db.read(|conn| {
            let online: Vec<String> = workers(conn)?.into_iter().filter(Worker::online).map(|w| w.id).collect();
            Ok((online, namespace::load_mounts(conn)?, policy::load(conn)?))
        })?;
        *self.ring.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Ring::new(&online, self.cfg.virtual_nodes));
        *self.mounts.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(mounts);
        *self.policies.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(policies);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Nodes

    pub fn node(&self, w: &Worker, ring: &Ring, cached_files: i64) -> wire::WorkerNode {
        let share = if w.online() { ring.shares().into_iter().find(|(id, _)| *id == w.id).map(|(_, s)| s).unwrap_or(0.0) } else { 0.0 };
        wire::WorkerNode {
            id: w.id.clone(),
            host: "127.0.0.1".into(),
            state: w.state.clone(),
            capacity_bytes: w.capacity,
            used_bytes: w.used,
            page_count: w.pages,
            cached_files,
            start_time: iso_time(w.started_ms),
            version: VERSION.into(),
            hits: w.hits,
            misses: w.misses,
            hit_bytes: w.hit_bytes,
            miss_bytes: w.miss_bytes,
            evictions: w.evicted_capacity + w.evicted_ttl + w.evicted_quota,
            evicted_bytes: w.evicted_bytes,
            evicted_by_capacity: w.evicted_capacity,
            evicted_by_ttl: w.evicted_ttl,
            evicted_by_quota: w.evicted_quota,
            ring_share: share,
        }
    }

    /// GET /api/v1/nodes
    pub fn nodes(&self) -> CacheResult<Vec<wire::WorkerNode>> {
        let ring = self.ring();
        let (list, files) = self.db.read(|conn| {
            let list = workers(conn)?;
            let mut stmt = conn.prepare("SELECT worker_id, COUNT(DISTINCT file_id) FROM pages GROUP BY worker_id")?;
            let files: HashMap<String, i64> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            Ok((list, files))
        })?;
        Ok(list.iter().map(|w| self.node(w, &ring, files.get(&w.id).copied().unwrap_or(0))).collect())
    }

    /// GET /api/v1/nodes?id=
    pub fn node_by_id(&self, id: &str) -> CacheResult<wire::WorkerNode> {
        self.nodes()?.into_iter().find(|n| n.id == id).ok_or_else(|| unknown_worker(id))
    }

    /// DELETE /api/v1/nodes?id= — removes a stopped worker from the membership for good, with
    /// its page store. An ONLINE worker is refused: stop it first (alluxio-api.md §9).
    pub fn decommission(&self, id: &str) -> CacheResult<()> {
        self.db.tx(|conn| {
            let w = worker(conn, id)?.ok_or_else(|| unknown_worker(id))?;
            if w.online() {
                return Err(CacheError::Conflict {
                    text: text!(
                        "Worker {id} is ONLINE; stop it before decommissioning (a worker leaves the ring only when it is down).",
                        "工作节点 {id} 处于 ONLINE 状态；请先停止它再下线（只有停止的节点才能移出哈希环）。"
                    ),
                    id: None,
                });
            }
            conn.execute("DELETE FROM pages WHERE worker_id = ?1", [id])?;
            conn.execute("DELETE FROM workers WHERE id = ?1", [id])?;
            Ok(())
        })?;
        // Rows are gone; the directory follows (a crash in between leaves only an orphan folder
        // that nothing references).
        let _ = std::fs::remove_dir_all(self.worker_dir(id));
        self.reload()
    }

    /// Sandbox only: adds an ONLINE worker.
    pub fn add_worker(&self, capacity: Option<u64>) -> CacheResult<wire::WorkerNode> {
        let cap = capacity.or(self.cfg.capacity).unwrap_or(DEFAULT_CAPACITY);
        let id = self.db.tx(|conn| insert_worker(conn, cap))?;
        std::fs::create_dir_all(self.worker_dir(&id)).map_err(|e| CacheError::Internal(format!("cannot create the worker directory: {e}")))?;
        self.reload()?;
        self.node_by_id(&id)
    }

    /// Sandbox only: a worker goes down (OFFLINE: off the ring, its pages kept) or comes back.
    pub fn set_worker_state(&self, id: &str, online: bool) -> CacheResult<wire::WorkerNode> {
        self.db.tx(|conn| {
            worker(conn, id)?.ok_or_else(|| unknown_worker(id))?;
            let state = if online { "ONLINE" } else { "OFFLINE" };
            conn.execute(
                "UPDATE workers SET state = ?2, started_ms = CASE WHEN state = ?2 THEN started_ms ELSE ?3 END WHERE id = ?1",
                params![id, state, util::now_ms()],
            )?;
            Ok(())
        })?;
        self.reload()?;
        self.node_by_id(id)
    }

    // -----------------------------------------------------------------------------------------
    // Background enforcement

    /// TTL and quota enforcement, and the job retention window.
    pub fn maintain(&self) -> CacheResult<()> {
        let now = util::now_ms();
        let policies = self.policies();
        if !self.cfg.disabled.ttl && !policies.ttls.is_empty() {
            pages::expire_ttl(self, &policies, now)?;
        }
        if !self.cfg.disabled.quota && !policies.quotas.is_empty() {
            pages::enforce_quotas(self, &policies)?;
        }
        pages::enforce_capacity(self)?;
        jobs::purge_old(self, now)?;
        Ok(())
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

fn insert_worker(conn: &Connection, capacity: u64) -> CacheResult<String> {
    let id = format!("worker-{}", util::uuid_v4());
    let ordinal: i64 = conn.query_row("SELECT COALESCE(MAX(ordinal), 0) + 1 FROM workers", [], |r| r.get(0))?;
    conn.execute(
        "INSERT INTO workers (id, ordinal, state, capacity, started_ms) VALUES (?1, ?2, 'ONLINE', ?3, ?4)",
        params![id, ordinal, capacity as i64, util::now_ms()],
    )?;
    Ok(id)
}

pub fn unknown_worker(id: &str) -> CacheError {
    CacheError::NotFound(text!("Worker {id} not found.", "工作节点 {id} 不存在。"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_from_env() {
        let cfg = CacheConfig::from_env(|_| None).unwrap();
        assert_eq!(cfg, CacheConfig::default());
        let cfg = CacheConfig::from_env(|k| match k {
            "LAKEDECK_ALLUXIO_CAPACITY" => Some("1GB".into()),
            "LAKEDECK_ALLUXIO_PAGE_SIZE" => Some("256KB".into()),
            "LAKEDECK_ALLUXIO_DISABLED" => Some("quota, ttl".into()),
            "LAKEDECK_ALLUXIO_CHECK_INTERVAL" => Some("200ms".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!((cfg.capacity, cfg.page_size, cfg.check_ms), (Some(1 << 30), 256 << 10, 200));
        assert!(cfg.disabled.quota && cfg.disabled.ttl && !cfg.disabled.priority);
        assert!(CacheConfig::from_env(|k| (k == "LAKEDECK_ALLUXIO_DISABLED").then(|| "nope".into())).is_err());
        assert!(CacheConfig::from_env(|k| (k == "LAKEDECK_ALLUXIO_PAGE_SIZE").then(|| "1".into())).is_err());
    }

    #[test]
    fn coordinator_times() {
        assert_eq!(iso_time(1_718_454_245_006), "2024-06-15T12:24:05.006+00:00");
    }
}
