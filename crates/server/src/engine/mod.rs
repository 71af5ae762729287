//! The sandbox's engines: state, rules and time, with no HTTP in them. Handlers translate
//! requests into calls here and `EngineError`s into vendor error bodies.

pub mod autoscaler;
pub mod cache;
pub mod catalog;
pub mod clusters;
pub mod emr_flow;
pub mod emr_spark;
pub mod hdfs;
pub mod jobs;
pub mod lifecycle;
pub mod nodes;
pub mod process;
pub mod scaling;
pub mod seed;
pub mod sql;
pub mod sqlexec;
pub mod store;
pub mod tags;
pub mod warehouse;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use store::Store;

use crate::lang::Text;

#[derive(Debug, PartialEq)]
pub enum EngineError {
    /// The cluster does not exist in this project (12000003).
    NotFound(Text),
    /// A business rule refused the request, with the vendor code to answer.
    Invalid { code: String, message: Text },
    /// Storage failed: the only kind that becomes a 500.
    Internal(String),
}

impl EngineError {
    pub fn invalid(code: impl Into<String>, message: impl Into<Text>) -> EngineError {
        EngineError::Invalid { code: code.into(), message: message.into() }
    }
}

impl From<rusqlite::Error> for EngineError {
    fn from(e: rusqlite::Error) -> EngineError {
        EngineError::Internal(format!("database error: {e}"))
    }
}

/// How much one statement may take: time, and bytes of result written to its archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub sql_timeout: Duration,
    pub max_result_bytes: u64,
}

pub const DEFAULT_SQL_TIMEOUT_SECS: u64 = 600;
pub const DEFAULT_MAX_RESULT_MB: u64 = 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits { sql_timeout: Duration::from_secs(DEFAULT_SQL_TIMEOUT_SECS), max_result_bytes: DEFAULT_MAX_RESULT_MB * 1024 * 1024 }
    }
}

impl Limits {
    /// The deadline of a statement starting now.
    pub fn deadline(&self) -> sql::Deadline {
        sql::Deadline { at: std::time::Instant::now() + self.sql_timeout, message: self.timeout_message().en.as_ref().into() }
    }

    /// The refusal a statement gets when it runs past `sql_timeout` (jobs and SQL execution alike).
    pub fn timeout_message(&self) -> Text {
        let secs = self.sql_timeout.as_secs();
        crate::text!(
            "The statement ran longer than the sandbox's limit of {secs} s and was stopped (start the sandbox with a larger --sql-timeout to allow more).",
            "语句运行时间超过沙箱 {secs} 秒的上限，已被停止（可用更大的 --sql-timeout 启动沙箱）。"
        )
    }

    /// The refusal a statement gets when its result archive would pass `max_result_bytes`.
    pub fn result_too_large(&self) -> Text {
        let mib = self.max_result_bytes / (1024 * 1024);
        crate::text!(
            "The result is larger than the sandbox's limit of {mib} MiB and was not kept; narrow it with WHERE, LIMIT or an aggregate (or start the sandbox with a larger --max-result-mb).",
            "结果超过沙箱 {mib} MiB 的上限，未予保留；请用 WHERE、LIMIT 或聚合缩小结果（或用更大的 --max-result-mb 启动沙箱）。"
        )
    }
}

pub struct Engine {
    store: Store,
    step_ms: u64,
    limits: Limits,
    /// Root of the cluster file systems (`hdfs/`, `obs/`) and job files (`jobs/`).
    data_dir: PathBuf,
    /// Where the generated TPC-H dataset is kept (see warehouse.rs).
    cache_dir: PathBuf,
    jobs: jobs::JobRuntime,
    sql: sqlexec::SqlRuntime,
    /// The Alluxio cache cluster (engine/cache).
    cache: Arc<cache::Cache>,
    /// Opened warehouse tables, shared by SQL jobs and SQL execution.
    tables: Arc<sql::TableCache>,
    autoscale: autoscaler::AutoscaleRuntime,
    emr: emr_spark::EmrRuntime,
    flow: emr_flow::FlowRuntime,
    /// `--allow-scripts`: whether EMR SHELL jobs may run commands on this machine.
    allow_scripts: std::sync::atomic::AtomicBool,
}

impl Engine {
    /// In-process tests: the cache cluster with its default settings.
    #[cfg(test)]
    pub fn open(data_dir: &Path, cache_dir: &Path, step_ms: u64) -> Result<Engine, String> {
        Engine::open_with_cache(data_dir, cache_dir, step_ms, cache::CacheConfig::default())
    }

    /// Opens the sandbox's state with the cache cluster's settings (`LAKEDECK_ALLUXIO_*`).
    pub fn open_with_cache(data_dir: &Path, cache_dir: &Path, step_ms: u64, cache_cfg: cache::CacheConfig) -> Result<Engine, String> {
        let store = Store::open(&data_dir.join("sandbox.db"))?;
        store
            .tx(|conn| Ok(conn.execute_batch(emr_spark::SCHEMA).and_then(|()| conn.execute_batch(emr_flow::SCHEMA))?))
            .map_err(|e| format!("cannot create the EMR tables: {e:?}"))?;
        let cache = Arc::new(cache::Cache::open(data_dir, cache_cfg)?);
        Ok(Engine {
            store,
            step_ms,
            limits: Limits::default(),
            data_dir: data_dir.to_path_buf(),
            cache_dir: cache_dir.to_path_buf(),
            jobs: jobs::JobRuntime::default(),
            sql: sqlexec::SqlRuntime::default(),
            cache,
            tables: Arc::default(),
            autoscale: autoscaler::AutoscaleRuntime::default(),
            emr: emr_spark::EmrRuntime::default(),
            flow: emr_flow::FlowRuntime::default(),
            allow_scripts: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn cache(&self) -> &Arc<cache::Cache> {
        &self.cache
    }

    /// Starts the cache cluster's background work; `hdfs://<cluster>` mounts are checked against
    /// this engine's clusters. Returns how many cache jobs resumed.
    pub fn start_cache(self: &Arc<Self>) -> Result<usize, String> {
        let engine = Arc::downgrade(self);
        self.cache.set_cluster_check(move |id| {
            engine.upgrade().is_some_and(|e| {
                e.store
                    .read(|conn| Ok(store::all_clusters(conn)?.iter().any(|c| c.cluster.cluster_id == id)))
                    .unwrap_or(false)
            })
        });
        self.cache.start()
    }

    /// `--allow-scripts`: lets EMR SHELL jobs run `bash` on this machine.
    pub fn set_allow_scripts(&self, allow: bool) {
        self.allow_scripts.store(allow, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn allow_scripts(&self) -> bool {
        self.allow_scripts.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn step_ms(&self) -> u64 {
        self.step_ms
    }

    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    pub fn tick(&self) -> Result<usize, EngineError> {
        // Most ticks have nothing to do; only take the write lock when something is in flight.
        if !self.store.read(store::any_busy)? {
            return Ok(0);
        }
        let now = crate::util::now_ms();
        self.store.tx(|conn| lifecycle::tick(conn, now, self.step_ms))
    }

    /// Advances lifecycles and the job scheduler in the background, a few times per step so
    /// stage changes show up close to their deadline.
    pub fn spawn_ticker(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        let period = Duration::from_millis((self.step_ms / 4).clamp(10, 150));
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let engine = self.clone();
                // SQLite calls block; keep them off the async workers that answer requests.
                match tokio::task::spawn_blocking(move || {
                    engine.tick().and_then(|n| {
                        engine.pump()?;
                        engine.emr_pump()?;
                        engine.flow_pump().map(|()| n)
                    })
                }).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => eprintln!("warning: lifecycle tick failed: {e:?}"),
                    Err(e) => eprintln!("warning: lifecycle tick panicked: {e}"),
                }
            }
        })
    }
}
