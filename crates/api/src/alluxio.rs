//! The Alluxio 3.x coordinator REST API (`/api/v1/load`, `/free`, `/rebalance`, `/cache`, `/mount`,
//! `/quota`, `/ttl`, `/priority`, `/nodes`, `/file_index`, `/cache-filter`; alluxio-api.md §2–§10):
//! wire shapes and the pure rules both the console and the sandbox apply (sizes, durations,
//! priorities, Alluxio paths).
//!
//! Field names follow the reference; where it marks a field UNCONFIRMED the shapes are its §8–§10
//! reconstruction (see the README's Alluxio section for every such choice). Requests are lenient
//! the way the coordinator is: option values may be JSON numbers/booleans or strings
//! (`"replicas": "1"`, as the 3.3-era examples send them).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::lenient;
use crate::problem::Problem;

/// Job states (alluxio-api.md §4.1: 3.8 lifecycle, plus VERIFYING from the OSS enum).
pub const JOB_STATES: [&str; 6] = ["WAITING", "RUNNING", "VERIFYING", "SUCCEEDED", "FAILED", "STOPPED"];

pub fn is_final_job_state(state: &str) -> bool {
    matches!(state, "SUCCEEDED" | "FAILED" | "STOPPED")
}

/// Priority levels, evicted in this order (LOW first).
pub const PRIORITIES: [&str; 3] = ["LOW", "MEDIUM", "HIGH"];

/// Cache-filter rule types and scopes (alluxio-api.md §8.5).
pub const FILTER_TYPES: [&str; 3] = ["immutable", "skipCache", "maxAge"];
pub const FILTER_SCOPES: [&str; 2] = ["data", "metadata"];

fn empty(s: &str) -> bool {
    s.is_empty()
}

fn none_or_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// A string option that may arrive as a JSON string, number or boolean.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

// ---------------------------------------------------------------------------------------------
// Jobs: load, free, rebalance

/// `options` of a load submission (alluxio-api.md §2.3). Unknown options are ignored, as the
/// coordinator does.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadOptions {
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_filter_regex: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub skip_if_exists: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_policy: Option<String>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub load_metadata_only: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub verify: Option<bool>,
    /// Bytes per second per worker (`"10MB"` or a number); 0 or absent = unlimited.
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<String>,
    /// Run in the request and answer the final progress (3.6 `sync`).
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub sync: Option<bool>,
}

/// `options` of a rebalance submission (seeds/004).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RebalanceOptions {
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub load_batch_size: Option<i64>,
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub load_bandwidth: Option<String>,
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub prune_bandwidth: Option<String>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub skip_prune: Option<bool>,
}

/// POST `/api/v1/load` and `/api/v1/free`: `index`, or `paths` (+ `alias`), and `options`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSubmit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<LoadOptions>,
}

/// POST `/api/v1/rebalance`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RebalanceSubmit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<RebalanceOptions>,
}

/// DELETE `/api/v1/load|free|rebalance` (and the progress selectors of GET): which job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSelector {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// 3.8: `job-<uuid>` as returned by the submission; rebalance: the target worker or `ALL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// A resubmitted load/free names its job by its paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
}

/// 200 answer of a submission: every identifier a later call may use (alluxio-api.md §2.3).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSubmitted {
    pub id: String,
    #[serde(skip_serializing_if = "empty")]
    pub alias: String,
    pub target: String,
    /// True when the submission resumed a stopped or failed job with the same paths.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

/// `quota` of a load progress: headroom of the quota that covers the load's paths (0/0: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuotaHeadroom {
    pub total_bytes: i64,
    pub remaining: i64,
}

/// A file a job could not process, with the reason (`fileList=true` on GET).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FailedFile {
    pub path: String,
    pub reason: String,
}

/// Progress of a load, free or rebalance job. Empty strings and empty lists are omitted (the
/// coordinator's "empty value will be omitted"); numbers, booleans and objects are always there.
/// Fields that belong to another job type are absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobProgress {
    pub id: String,
    /// `LOAD`, `FREE` or `REBALANCE` (the console lists all three in one table).
    #[serde(rename = "type")]
    pub job_type: String,
    #[serde(skip_serializing_if = "empty")]
    pub alias: String,
    /// Load/free: `job-<id>` (3.8 `target=`); rebalance: the target worker id or `ALL`.
    #[serde(skip_serializing_if = "empty")]
    pub target: String,
    /// ISO-8601 with milliseconds and offset, as the coordinator prints it.
    pub start_time: String,
    pub state: String,
    /// While running: `LOADING`, `RETRYING`, `VERIFYING`, `PRUNING`.
    #[serde(skip_serializing_if = "empty")]
    pub running_state: String,
    /// Path (or worker) → reason.
    pub error_message: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "empty")]
    pub failed_file_list_path: String,
    #[serde(skip_serializing_if = "none_or_empty")]
    pub paths: Vec<String>,
    #[serde(skip_serializing_if = "empty")]
    pub index: String,
    pub time_elapsed_milliseconds: i64,

    // load
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_if_exists: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_metadata_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_filter_regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_non_empty_files: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scanned_files: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaHeadroom>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_check_error: Option<String>,

    // free
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freed_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freed_files: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_files: Option<i64>,

    // rebalance
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pruned_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_prune: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_batch_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_bandwidth: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prune_bandwidth: Option<i64>,

    // all
    pub total_bytes: i64,
    pub failed_files: i64,
    /// `fileList=true`: the files that failed, with reasons (at most 1,000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_file_list: Option<Vec<FailedFile>>,
}

/// GET list answer: `{"results": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobList {
    pub results: Vec<JobProgress>,
}

// ---------------------------------------------------------------------------------------------
// Clear stale cache

/// One worker's part of a stale-cache clean.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StaleWorker {
    pub state: String,
    pub scanned_pages: i64,
    pub deleted_pages: i64,
    pub deleted_bytes: i64,
}

/// Answer of POST/DELETE/GET `/api/v1/cache`: `errors` maps a worker id to why it could not be
/// reached (empty: every worker took the command).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StaleCacheReport {
    pub status: String,
    #[serde(skip_serializing_if = "empty")]
    pub message: String,
    #[serde(skip_serializing_if = "empty")]
    pub state: String,
    #[serde(skip_serializing_if = "empty")]
    pub start_time: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub workers: BTreeMap<String, StaleWorker>,
    pub errors: BTreeMap<String, String>,
}

// ---------------------------------------------------------------------------------------------
// Namespace and policies

/// A mount point (§8.1). `options` is omitted when empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MountPoint {
    pub path: String,
    pub ufs: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// POST `/api/v1/quota`: `size` is a byte count or a size string (`"1TB"`, `"64MiB"`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuotaSet {
    pub path: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub size: Option<String>,
}

/// A quota with the usage the coordinator aggregated from the workers (§8.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuotaStatus {
    pub path: String,
    pub quota_bytes: i64,
    pub used_bytes: i64,
}

/// A TTL rule (§8.3): `time` such as `"1h"`, `"10m"`, `"5s"`, `"1d"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TtlRule {
    pub path: String,
    pub time: String,
}

/// A priority-eviction rule (§8.4): `priority` is HIGH, MEDIUM or LOW.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PriorityRule {
    pub path: String,
    pub priority: String,
}

/// POST/DELETE `/api/v1/cache-filter` (§8.5): a rule `{type, scope, pattern, time}`, or a new
/// default with `"op": "updateDefault"` (or `"updateDefault": true`) and `defaultType`/`type`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CacheFilterChange {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub rule_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub update_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_type: Option<String>,
}

/// One scope of the cache-filter document, in the shape of Alluxio's filter config file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CacheFilterScope {
    pub immutable: Vec<String>,
    pub skip_cache: Vec<String>,
    /// pattern → age
    pub max_age: BTreeMap<String, String>,
    pub default_type: String,
    /// The age of a `maxAge` default.
    #[serde(skip_serializing_if = "empty")]
    pub default_time: String,
}

/// GET `/api/v1/cache-filter`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CacheFilterDoc {
    pub api_version: i64,
    pub data: CacheFilterScope,
    pub metadata: CacheFilterScope,
}

/// The rule a path falls under in one scope (GET `/api/v1/cache-filter?path=`, a sandbox addition
/// for the console's "test a path" box).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CacheFilterMatch {
    #[serde(rename = "type")]
    pub rule_type: String,
    /// The matching rule's pattern; empty when the default rule applies.
    #[serde(skip_serializing_if = "empty")]
    pub pattern: String,
    #[serde(skip_serializing_if = "empty")]
    pub time: String,
    pub default: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CacheFilterTest {
    pub path: String,
    pub ufs: String,
    pub data: CacheFilterMatch,
    pub metadata: CacheFilterMatch,
}

/// A registered index file of the global file index (§8.6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileIndexEntry {
    pub path: String,
    #[serde(skip_serializing_if = "empty")]
    pub alias: String,
    pub entry_count: i64,
    pub created_time: String,
    /// GET `?path=`: the files it lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<String>>,
}

/// POST/DELETE `/api/v1/file_index`: the index file `path` (read from the UFS when `entries` is
/// absent on POST; DELETE without `entries` removes the whole index).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileIndexChange {
    pub path: Option<String>,
    pub alias: Option<String>,
    pub entries: Option<Vec<String>>,
}

/// Answers of the file index writes: the number of entries added or removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileIndexCount {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// A worker (§9): membership, capacity and the sandbox's cache counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkerNode {
    pub id: String,
    pub host: String,
    /// ONLINE or OFFLINE.
    pub state: String,
    pub capacity_bytes: i64,
    pub used_bytes: i64,
    pub page_count: i64,
    pub cached_files: i64,
    pub start_time: String,
    pub version: String,
    pub hits: i64,
    pub misses: i64,
    pub hit_bytes: i64,
    pub miss_bytes: i64,
    /// Pages evicted for room, by TTL or by quota (not pages freed by a free job).
    pub evictions: i64,
    pub evicted_bytes: i64,
    pub evicted_by_capacity: i64,
    pub evicted_by_ttl: i64,
    pub evicted_by_quota: i64,
    /// The share of the hash ring this worker owns as primary (0 while OFFLINE).
    pub ring_share: f64,
}

/// Sandbox only: POST `/api/v1/sandbox/workers` adds a worker; `.../stop` and `.../start` take
/// `{"id"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkerChange {
    pub id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub capacity: Option<String>,
}

/// Sandbox only: GET `/api/v1/sandbox/ring` — how the hash space is split.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RingView {
    pub hash: String,
    pub virtual_nodes_per_worker: i64,
    pub page_size: i64,
    /// Online workers with their share of the hash space.
    pub workers: Vec<RingWorker>,
    /// Owner of each of `bins` equal slices of the hash space, clockwise from 0.
    pub bins: Vec<String>,
    /// `?path=`: the file's position and its owners (replica order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<RingPlacement>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RingWorker {
    pub id: String,
    pub share: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RingPlacement {
    pub path: String,
    pub ufs: String,
    pub position: u32,
    pub owners: Vec<String>,
}

/// Sandbox only: GET `/api/v1/sandbox/browse?path=` — a mount's directory with what is cached.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrowseEntry {
    pub name: String,
    pub path: String,
    pub ufs: String,
    /// FILE or DIRECTORY
    #[serde(rename = "type")]
    pub entry_type: String,
    /// Bytes in the UFS (a directory: of every file below it).
    pub length: i64,
    /// Bytes of it in the cache, counting each replica once.
    pub cached_bytes: i64,
    pub modification_time: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrowseListing {
    pub path: String,
    pub ufs: String,
    pub entries: Vec<BrowseEntry>,
}

// ---------------------------------------------------------------------------------------------
// Pure rules

/// Files per worker batch a load or rebalance accepts (`batchSize`, `loadBatchSize`).
pub const MAX_BATCH_SIZE: i64 = 100_000;

/// Parses a size: a whole number of bytes, or a number with a unit — `B`, `KB`/`K`, `MB`/`M`,
/// `GB`/`G`, `TB`/`T`, `PB`/`P`, with or without `i` (`MiB`), case-insensitive. Alluxio's sizes
/// are binary (`1MB` = 1,048,576 bytes, as in `alluxio.worker.page.store.page.size=1MB`), so
/// both spellings mean powers of 1024. Fractions are allowed (`1.5GB`).
pub fn parse_size(raw: &str) -> Option<u64> {
    let s = raw.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = (&s[..split], s[split..].trim());
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1 {
        return None;
    }
    let unit = unit.to_ascii_lowercase();
    let unit = unit.strip_suffix("ib").map(|u| u.to_string()).or_else(|| unit.strip_suffix('b').map(|u| u.to_string())).unwrap_or(unit);
    let shift = match unit.as_str() {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        "p" => 50,
        _ => return None,
    };
    if !num.contains('.') {
        return num.parse::<u64>().ok()?.checked_mul(1u64 << shift);
    }
    let v: f64 = num.parse().ok()?;
    let bytes = v * (1u64 << shift) as f64;
    (bytes.is_finite() && bytes < 9.0e18).then_some(bytes.round() as u64)
}

/// A size the way Alluxio prints one (`640.00MB`, binary units; below 1 KB exact: `512B`); what
/// [`parse_size`] reads back.
pub fn format_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if n < 1024 {
        return format!("{n}B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.2}{}", UNITS[unit])
}

/// Parses a duration as Alluxio writes them: a whole number and a unit — `ms`, `s`/`sec`,
/// `m`/`min`, `h`/`hr`/`hour`, `d`/`day` (plural and case-insensitive). A bare number is
/// milliseconds, as in Alluxio's properties. Returns milliseconds; zero is refused.
pub fn parse_duration_ms(raw: &str) -> Option<u64> {
    let s = raw.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = (&s[..split], s[split..].trim().to_ascii_lowercase());
    let n: u64 = num.parse().ok()?;
    let unit = unit.strip_suffix('s').filter(|u| !u.is_empty() && *u != "m").unwrap_or(&unit);
    let factor: u64 = match unit {
        "" | "ms" | "millisecond" => 1,
        "s" | "sec" | "second" => 1000,
        "m" | "min" | "minute" => 60_000,
        "h" | "hr" | "hour" => 3_600_000,
        "d" | "day" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(factor).filter(|ms| *ms > 0)
}

/// `HIGH`/`MEDIUM`/`LOW` in any case → its rank (0 = LOW, evicted first).
pub fn priority_rank(raw: &str) -> Option<u8> {
    PRIORITIES.iter().position(|p| p.eq_ignore_ascii_case(raw.trim())).map(|i| i as u8)
}

/// The canonical spelling of a cache-filter type (`skipcache` → `skipCache`).
pub fn filter_type(raw: &str) -> Option<&'static str> {
    FILTER_TYPES.iter().copied().find(|t| t.eq_ignore_ascii_case(raw.trim()))
}

pub fn filter_scope(raw: &str) -> Option<&'static str> {
    FILTER_SCOPES.iter().copied().find(|t| t.eq_ignore_ascii_case(raw.trim()))
}

/// An Alluxio path in canonical form: leading `/`, no empty, `.` or `..` segments, no trailing
/// `/` (except the root). `None` when it is not an absolute path or climbs with `..`.
pub fn normalize_alluxio_path(raw: &str) -> Option<String> {
    let p = raw.trim();
    let p = p.strip_prefix("alluxio://").map(|rest| rest.find('/').map(|i| &rest[i..]).unwrap_or("/")).unwrap_or(p);
    if !p.starts_with('/') || p.contains(['\\', '\0']) {
        return None;
    }
    let mut out = String::new();
    for seg in p.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." {
            return None;
        }
        out.push('/');
        out.push_str(seg);
    }
    Some(if out.is_empty() { "/".into() } else { out })
}

/// `obs://bucket/a//b/` → `obs://bucket/a/b`; `hdfs://<cluster>/p` likewise: the sandbox's UFS
/// URIs in canonical form (no trailing `/`). `None` for other schemes, a missing bucket or
/// cluster, and `.`/`..` segments.
pub fn canonical_ufs(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (scheme, rest) = if let Some(r) = raw.strip_prefix("obs://") {
        ("obs", r)
    } else if let Some(r) = raw.strip_prefix("hdfs://") {
        ("hdfs", r)
    } else {
        return None;
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let authority_ok = !authority.is_empty()
        && authority != "."
        && authority != ".."
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !authority_ok {
        return None;
    }
    let mut out = format!("{scheme}://{authority}");
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." || seg.contains(['\\', '\0']) {
            return None;
        }
        out.push('/');
        out.push_str(seg);
    }
    Some(out)
}

// Field rules with the coordinator's wording keys (`alluxio.*` in locales/): the console checks a
// form with them before sending, the sandbox refuses the same inputs with the same words.

/// A required field.
pub fn check_required<'a>(field: &'static str, value: Option<&'a str>) -> Result<&'a str, Problem> {
    value.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| Problem::new("alluxio.required").with("field", field))
}

/// A size field (`size`, `capacity`, `bandwidth`): see [`parse_size`].
pub fn check_size(field: &'static str, raw: &str) -> Result<u64, Problem> {
    parse_size(raw)
        .filter(|n| *n <= i64::MAX as u64)
        .ok_or_else(|| Problem::new("alluxio.size_invalid").with("field", field).with("value", raw.trim()))
}

/// A duration field (`time`): see [`parse_duration_ms`].
pub fn check_duration(field: &'static str, raw: &str) -> Result<u64, Problem> {
    parse_duration_ms(raw)
        .filter(|n| *n <= i64::MAX as u64)
        .ok_or_else(|| Problem::new("alluxio.duration_invalid").with("field", field).with("value", raw.trim()))
}

/// HIGH, MEDIUM or LOW in any case; answers the canonical spelling.
pub fn check_priority(raw: &str) -> Result<&'static str, Problem> {
    priority_rank(raw).map(|r| PRIORITIES[r as usize]).ok_or_else(|| Problem::new("alluxio.priority_invalid").with("value", raw.trim()))
}

pub fn check_filter_type(raw: &str) -> Result<&'static str, Problem> {
    filter_type(raw).ok_or_else(|| Problem::new("alluxio.filter_type_invalid").with("value", raw.trim()))
}

pub fn check_filter_scope(raw: &str) -> Result<&'static str, Problem> {
    filter_scope(raw).ok_or_else(|| Problem::new("alluxio.filter_scope_invalid").with("value", raw.trim()))
}

/// An Alluxio path (canonical form answered).
pub fn check_alluxio_path(raw: &str) -> Result<String, Problem> {
    normalize_alluxio_path(raw).ok_or_else(|| Problem::new("alluxio.path_invalid").with("path", raw.trim()))
}

/// A mount point: an Alluxio path other than the root.
pub fn check_mount_path(raw: &str) -> Result<String, Problem> {
    let p = check_alluxio_path(raw)?;
    if p == "/" {
        return Err(Problem::new("alluxio.mount_root"));
    }
    Ok(p)
}

/// A UFS URI of the sandbox (canonical form answered).
pub fn check_ufs(raw: &str) -> Result<String, Problem> {
    canonical_ufs(raw).ok_or_else(|| Problem::new("alluxio.ufs_invalid").with("ufs", raw.trim()))
}

/// `batchSize` / `loadBatchSize`: 1 to [`MAX_BATCH_SIZE`].
pub fn check_batch_size(field: &'static str, n: i64) -> Result<i64, Problem> {
    if (1..=MAX_BATCH_SIZE).contains(&n) {
        Ok(n)
    } else {
        Err(Problem::new("alluxio.batch_size_range").with("field", field).with("max", MAX_BATCH_SIZE).with("value", n))
    }
}

/// `replicas`: 1 to the number of workers.
pub fn check_replicas(n: i64, workers: i64) -> Result<i64, Problem> {
    if n >= 1 && n <= workers.max(1) {
        Ok(n)
    } else {
        Err(Problem::new("alluxio.replicas_range").with("max", workers.max(1)).with("value", n))
    }
}

/// `loadPolicy`: only IF_CHANGED.
pub fn check_load_policy(raw: &str) -> Result<(), Problem> {
    if raw.trim().eq_ignore_ascii_case("IF_CHANGED") {
        Ok(())
    } else {
        Err(Problem::new("alluxio.load_policy_invalid").with("value", raw.trim()))
    }
}

/// A cache-filter rule's type, scope and time (the pattern's syntax is checked by the server's
/// regular-expression engine). Answers (type, scope, time) canonical.
pub fn check_filter_rule(rule_type: Option<&str>, scope: Option<&str>, time: Option<&str>) -> Result<(&'static str, &'static str, String), Problem> {
    let scope = check_filter_scope(check_required("scope", scope)?)?;
    let rule_type = check_filter_type(check_required("type", rule_type)?)?;
    let time = time.map(str::trim).unwrap_or("");
    if rule_type != "maxAge" {
        return Ok((rule_type, scope, String::new()));
    }
    if time.is_empty() {
        return Err(Problem::new("alluxio.max_age_needs_time"));
    }
    check_duration("time", time)?;
    Ok((rule_type, scope, time.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_rules_name_their_problem() {
        assert_eq!(check_size("size", "1GB"), Ok(1 << 30));
        assert_eq!(check_size("size", "lots").unwrap_err().key, "alluxio.size_invalid");
        assert_eq!(check_duration("time", "0s").unwrap_err().param("value"), Some("0s"));
        assert_eq!(check_priority("low"), Ok("LOW"));
        assert_eq!(check_priority("urgent").unwrap_err().key, "alluxio.priority_invalid");
        assert_eq!(check_mount_path("/").unwrap_err().key, "alluxio.mount_root");
        assert_eq!(check_mount_path("/a//b/"), Ok("/a/b".into()));
        assert_eq!(check_ufs("s3://x").unwrap_err().key, "alluxio.ufs_invalid");
        assert_eq!(check_batch_size("batchSize", 0).unwrap_err().param("max"), Some("100000"));
        assert_eq!(check_replicas(4, 3).unwrap_err().param("max"), Some("3"));
        assert!(check_load_policy("if_changed").is_ok());
        assert_eq!(check_required("path", Some("  ")).unwrap_err().param("field"), Some("path"));
        assert_eq!(check_filter_rule(Some("maxage"), Some("DATA"), Some("10min")), Ok(("maxAge", "data", "10min".into())));
        assert_eq!(check_filter_rule(Some("maxAge"), Some("data"), None).unwrap_err().key, "alluxio.max_age_needs_time");
        assert_eq!(check_filter_rule(Some("skipCache"), Some("disk"), None).unwrap_err().key, "alluxio.filter_scope_invalid");
        assert_eq!(check_filter_rule(Some("skipCache"), Some("data"), Some("1h")), Ok(("skipCache", "data", String::new())));
        // Every key these rules use is in both catalogs.
        let en = crate::problem::Catalog::parse(crate::problem::EN_JSON).unwrap();
        for key in [
            "alluxio.required", "alluxio.size_invalid", "alluxio.duration_invalid", "alluxio.priority_invalid",
            "alluxio.filter_type_invalid", "alluxio.filter_scope_invalid", "alluxio.path_invalid", "alluxio.mount_root",
            "alluxio.ufs_invalid", "alluxio.batch_size_range", "alluxio.replicas_range", "alluxio.load_policy_invalid",
            "alluxio.max_age_needs_time",
        ] {
            assert!(en.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn canonical_ufs_uris() {
        assert_eq!(canonical_ufs("obs://bkt/a//b/").as_deref(), Some("obs://bkt/a/b"));
        assert_eq!(canonical_ufs("obs://bkt").as_deref(), Some("obs://bkt"));
        assert_eq!(canonical_ufs("hdfs://c1/").as_deref(), Some("hdfs://c1"));
        assert_eq!(canonical_ufs("obs://bkt/a/../b"), None);
        assert_eq!(canonical_ufs("obs://../x"), None);
        assert_eq!(canonical_ufs("obs:///x"), None);
        assert_eq!(canonical_ufs("s3://bkt/x"), None);
        assert_eq!(canonical_ufs("/local"), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("64MB"), Some(64 << 20));
        assert_eq!(parse_size("64 MiB"), Some(64 << 20));
        assert_eq!(parse_size("1tb"), Some(1 << 40));
        assert_eq!(parse_size("1.5GB"), Some(3 << 29));
        assert_eq!(parse_size("10k"), Some(10240));
        assert_eq!(parse_size("0"), Some(0));
        for bad in ["", "MB", "1.2.3MB", "-5", "5XB", "1e3", ".5MB", "99999999999999999999"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn sizes_print_the_alluxio_way() {
        assert_eq!(format_size(512), "512B");
        assert_eq!(format_size(64 << 20), "64.00MB");
        assert_eq!(format_size(1536), "1.50KB");
        assert_eq!(parse_size(&format_size(3 << 30)), Some(3 << 30));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("1h"), Some(3_600_000));
        assert_eq!(parse_duration_ms("10m"), Some(600_000));
        assert_eq!(parse_duration_ms("10min"), Some(600_000));
        assert_eq!(parse_duration_ms("5s"), Some(5000));
        assert_eq!(parse_duration_ms("1d"), Some(86_400_000));
        assert_eq!(parse_duration_ms("2 days"), Some(172_800_000));
        assert_eq!(parse_duration_ms("250ms"), Some(250));
        assert_eq!(parse_duration_ms("1500"), Some(1500));
        assert_eq!(parse_duration_ms("3 hours"), Some(10_800_000));
        for bad in ["", "h", "0s", "1.5h", "-1h", "1w", "1 fortnight"] {
            assert_eq!(parse_duration_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn priorities_filters_and_paths() {
        assert_eq!(priority_rank("high"), Some(2));
        assert_eq!(priority_rank("LOW"), Some(0));
        assert_eq!(priority_rank("urgent"), None);
        assert_eq!(filter_type("SKIPCACHE"), Some("skipCache"));
        assert_eq!(filter_scope("Data"), Some("data"));
        assert_eq!(normalize_alluxio_path("/s3//a/b/"), Some("/s3/a/b".into()));
        assert_eq!(normalize_alluxio_path("alluxio:///s3/a"), Some("/s3/a".into()));
        assert_eq!(normalize_alluxio_path("alluxio://host:19998/s3/a"), Some("/s3/a".into()));
        assert_eq!(normalize_alluxio_path("/"), Some("/".into()));
        assert_eq!(normalize_alluxio_path("/a/../b"), None);
        assert_eq!(normalize_alluxio_path("a/b"), None);
    }

    #[test]
    fn progress_omits_empty_values() {
        let p = JobProgress { id: "x".into(), job_type: "LOAD".into(), state: "RUNNING".into(), loaded_bytes: Some(0), ..Default::default() };
        let v = serde_json::to_value(&p).unwrap();
        assert!(v.get("alias").is_none() && v.get("paths").is_none() && v.get("freedBytes").is_none());
        assert_eq!(v["loadedBytes"], 0);
        assert_eq!(v["errorMessage"], serde_json::json!({}));
        let opts: LoadOptions = serde_json::from_str(r#"{"replicas":"2","batchSize":200,"skipIfExists":"true","bandwidth":1048576}"#).unwrap();
        assert_eq!((opts.replicas, opts.batch_size, opts.skip_if_exists), (Some(2), Some(200), Some(true)));
        assert_eq!(opts.bandwidth.as_deref(), Some("1048576"));
    }
}
