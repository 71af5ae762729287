//! Alibaba Cloud EMR Serverless Spark (`2023-08-08`, ROA style; emr-api.md §1): wire types and the
//! rules both the console and the sandbox apply to them — StartJobRun's body, ListJobRuns' filters,
//! where a SQL run's text comes from, what a run is allocated and what that costs in CU-hours.
//!
//! Rules return [`Problem`]s (keys `emr.*` in `locales/`); [`acs_code`] says which Alibaba error
//! code a problem is answered with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::problem::Problem;

pub const API_VERSION: &str = "2023-08-08";
/// ListJobRuns refuses a larger page (seed 002: "The maximum value is 100").
pub const MAX_RESULTS: i64 = 100;
pub const DEFAULT_MAX_RESULTS: i64 = 20;
/// Longest `executionTimeoutSeconds` accepted: a week.
pub const MAX_TIMEOUT_SECONDS: i64 = 7 * 24 * 3600;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_LEN: usize = 128;
pub const MAX_NAME_LEN: usize = 256;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SparkSubmit {
    pub entry_point: String,
    pub entry_point_arguments: Vec<String>,
    pub spark_submit_parameters: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JobDriver {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spark_submit: Option<SparkSubmit>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Configuration {
    pub config_file_name: String,
    pub config_item_key: String,
    pub config_item_value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConfigurationOverrides {
    pub configurations: Vec<Configuration>,
}

/// OSS paths of a run's driver logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RunLog {
    pub driver_startup: String,
    pub driver_std_error: String,
    pub driver_std_out: String,
    pub driver_syslog: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StateChangeReason {
    pub code: String,
    pub message: String,
}

/// StartJobRun's JSON body. Every field is optional on the wire (the Chinese reference marks all
/// "否"); [`check_start`] decides what a runnable request needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StartJobRunRequest {
    pub name: Option<String>,
    pub code_type: Option<String>,
    pub job_driver: Option<JobDriver>,
    pub configuration_overrides: Option<ConfigurationOverrides>,
    pub release_version: Option<String>,
    pub display_release_version: Option<String>,
    pub resource_queue_id: Option<String>,
    pub tags: Option<Vec<Tag>>,
    #[serde(deserialize_with = "lenient::opt_int")]
    pub execution_timeout_seconds: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub fusion: Option<bool>,
    pub job_id: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StartJobRunResponse {
    pub request_id: String,
    pub job_run_id: String,
}

/// GetJobRun's `jobRun` (note `resourceOwnerId` where the list says `creator`, and no usage).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JobRun {
    pub workspace_id: String,
    pub job_run_id: String,
    pub name: String,
    pub state: String,
    pub state_change_reason: StateChangeReason,
    pub submit_time: i64,
    pub end_time: i64,
    pub code_type: String,
    pub job_driver: JobDriver,
    pub configuration_overrides: ConfigurationOverrides,
    pub release_version: String,
    pub display_release_version: String,
    pub resource_queue_id: String,
    pub resource_owner_id: String,
    pub execution_timeout_seconds: i64,
    pub fusion: bool,
    pub priority: String,
    #[serde(rename = "webUI")]
    pub web_ui: String,
    pub log: RunLog,
    pub tags: Vec<Tag>,
    pub environment_id: String,
}

/// One row of ListJobRuns (usage figures instead of the driver and overrides).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JobRunSummary {
    pub workspace_id: String,
    pub job_run_id: String,
    pub name: String,
    pub state: String,
    pub state_change_reason: StateChangeReason,
    pub submit_time: i64,
    pub end_time: i64,
    pub code_type: String,
    pub creator: String,
    pub release_version: String,
    pub display_release_version: String,
    pub resource_queue_id: String,
    pub execution_timeout_seconds: i64,
    pub fusion: bool,
    pub priority: String,
    #[serde(rename = "webUI")]
    pub web_ui: String,
    pub log: RunLog,
    pub tags: Vec<Tag>,
    pub vcore_seconds: i64,
    pub mb_seconds: i64,
    pub cu_hours: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListJobRunsResponse {
    pub request_id: String,
    pub job_runs: Vec<JobRunSummary>,
    pub next_token: String,
    pub max_results: i64,
    pub total_count: i64,
    /// Runs per state (counts as strings, the SDK's `Dict[str, str]`), with `groupByState`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregations: Option<BTreeMap<String, String>>,
}

/// One line of ListLogContents (the capitalised key is the SDK's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    #[serde(rename = "LineContent")]
    pub line_content: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LogContent {
    pub total_length: i64,
    pub contents: Vec<LogLine>,
}

/// ListWorkspaces' tags use `tagKey`/`tagValue`, unlike job runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkspaceTag {
    pub tag_key: String,
    pub tag_value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Workspace {
    pub workspace_id: String,
    pub workspace_name: String,
    pub workspace_status: String,
    pub region_id: String,
    pub create_time: i64,
    pub payment_type: String,
    pub payment_status: String,
    pub resource_spec: String,
    pub storage: String,
    pub dlf_catalog_id: String,
    pub resource_group_id: String,
    pub release_type: String,
    pub fail_reason: String,
    pub state_change_reason: StateChangeReason,
    pub tags: Vec<WorkspaceTag>,
}

/// A queue; resources are JSON texts such as `{"cpu":"8","memory":"32Gi"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Queue {
    pub queue_name: String,
    pub queue_status: String,
    pub queue_type: String,
    pub queue_category: String,
    pub queue_scope: String,
    pub payment_type: String,
    pub max_resource: String,
    pub min_resource: String,
    pub used_resource: String,
    pub environments: Vec<String>,
    pub creator: String,
    pub create_time: i64,
    pub region_id: String,
    pub workspace_id: String,
    pub preheat: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReleaseVersion {
    pub release_version: String,
    pub display_release_version: String,
    pub community_version: String,
    pub scala_version: String,
    pub fusion: bool,
    pub state: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub iaas_type: String,
    pub gmt_create: i64,
    pub cpu_architectures: Vec<String>,
}

/// `{"cpu":"8","memory":"32Gi"}` for `cores` and `memory_mb` (memory in whole GiB when it divides).
pub fn resource_text(r: Resources) -> String {
    let mem = if r.memory_mb % 1024 == 0 { format!("{}Gi", r.memory_mb / 1024) } else { format!("{}Mi", r.memory_mb) };
    serde_json::json!({"cpu": r.cores.to_string(), "memory": mem}).to_string()
}

// ---------------------------------------------------------------------------------------------
// States and code types

pub const STATES: [&str; 8] = ["Submitted", "Pending", "Running", "Success", "Failed", "Cancelling", "Cancelled", "CancelFailed"];

/// A state name in its canonical casing (`running` → `Running`).
pub fn parse_state(s: &str) -> Option<&'static str> {
    STATES.iter().copied().find(|k| k.eq_ignore_ascii_case(s.trim()))
}

/// Final states: pollers stop there (`CancelFailed` included, so none spins forever).
pub fn is_final_state(s: &str) -> bool {
    matches!(s, "Success" | "Failed" | "Cancelled" | "CancelFailed")
}

pub const CODE_TYPES: [&str; 3] = ["SQL", "JAR", "PYTHON"];

pub fn parse_code_type(s: &str) -> Option<&'static str> {
    CODE_TYPES.iter().copied().find(|k| k.eq_ignore_ascii_case(s.trim()))
}

/// Which Alibaba error code answers a problem: a missing value is `MissingParameter`, the rest
/// `InvalidParameter`.
pub fn acs_code(p: &Problem) -> &'static str {
    if p.key.ends_with(".missing") {
        "MissingParameter"
    } else {
        "InvalidParameter"
    }
}

// ---------------------------------------------------------------------------------------------
// Command lines

/// Splits a command line the way a POSIX shell splits words: whitespace separates, single quotes
/// keep everything, double quotes keep all but `\"` and `\\`, a backslash escapes the next character.
pub fn shell_words(s: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(Problem::new("emr.unclosed_quote").with("text", s)),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => cur.push(n),
                            Some(n) => {
                                cur.push('\\');
                                cur.push(n);
                            }
                            None => return Err(Problem::new("emr.unclosed_quote").with("text", s)),
                        },
                        Some(c) => cur.push(c),
                        None => return Err(Problem::new("emr.unclosed_quote").with("text", s)),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// `--opt value` / `--opt=value` pairs and `--conf k=v` settings of `sparkSubmitParameters`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubmitParameters {
    /// Options other than `--conf`, without the dashes (`class`, `driver-memory`, …), in order.
    pub options: Vec<(String, String)>,
    pub conf: Vec<(String, String)>,
}

/// spark-submit options that take no value.
const FLAGS: [&str; 3] = ["verbose", "supervise", "version"];

pub fn parse_submit_parameters(text: &str) -> Result<SubmitParameters, Problem> {
    let words = shell_words(text)?;
    let mut out = SubmitParameters::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let Some(opt) = w.strip_prefix("--") else {
            return Err(Problem::new("emr.submit_parameter").with("word", w));
        };
        let (name, inline) = match opt.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (opt.to_string(), None),
        };
        if name.is_empty() {
            return Err(Problem::new("emr.submit_parameter").with("word", w));
        }
        let value = if FLAGS.contains(&name.as_str()) {
            inline.unwrap_or_else(|| "true".into())
        } else if let Some(v) = inline {
            v
        } else {
            i += 1;
            words.get(i).cloned().ok_or_else(|| Problem::new("emr.submit_parameter_value").with("option", w))?
        };
        if name == "conf" {
            let (k, v) = value.split_once('=').ok_or_else(|| Problem::new("emr.submit_conf").with("value", &value))?;
            out.conf.push((k.trim().to_string(), v.trim().to_string()));
        } else {
            out.options.push((name, value));
        }
        i += 1;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// StartJobRun

/// Where a SQL run's statements come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlSource {
    /// `entryPointArguments: ["-e", "<sql>"]`.
    Inline(String),
    /// `["-f", "oss://…sql"]`, or an `entryPoint` ending in `.sql`.
    File(String),
}

/// A StartJobRun request that passed the rules, with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedRun {
    pub name: String,
    pub code_type: &'static str,
    pub spark_submit: SparkSubmit,
    pub submit: SubmitParameters,
    pub configurations: Vec<Configuration>,
    /// Only for SQL runs.
    pub sql: Option<SqlSource>,
    pub tags: Vec<Tag>,
    /// 0: no limit.
    pub execution_timeout_seconds: i64,
    pub fusion: bool,
    pub resources: Resources,
}

fn sql_source(driver: &SparkSubmit) -> Result<SqlSource, Problem> {
    let args = &driver.entry_point_arguments;
    for (i, a) in args.iter().enumerate() {
        if a == "-e" || a == "-f" {
            let value = args.get(i + 1).filter(|v| !v.trim().is_empty());
            let value = value.ok_or_else(|| Problem::new("emr.sql_argument").with("flag", a))?;
            return Ok(if a == "-e" { SqlSource::Inline(value.clone()) } else { SqlSource::File(value.clone()) });
        }
    }
    let entry = driver.entry_point.trim();
    if entry.to_ascii_lowercase().ends_with(".sql") {
        return Ok(SqlSource::File(entry.to_string()));
    }
    Err(Problem::new("emr.sql_missing"))
}

fn infer_code_type(driver: &SparkSubmit) -> Option<&'static str> {
    let entry = driver.entry_point.trim().to_ascii_lowercase();
    if entry.ends_with(".jar") {
        Some("JAR")
    } else if entry.ends_with(".py") {
        Some("PYTHON")
    } else if entry.ends_with(".sql") || driver.entry_point_arguments.iter().any(|a| a == "-e" || a == "-f") {
        Some("SQL")
    } else {
        None
    }
}

pub fn check_tags(tags: &[Tag]) -> Result<(), Problem> {
    if tags.len() > MAX_TAGS {
        return Err(Problem::new("emr.too_many_tags").with("max", MAX_TAGS));
    }
    for t in tags {
        if t.key.trim().is_empty() {
            return Err(Problem::new("emr.tag_key_empty"));
        }
        if t.key.chars().count() > MAX_TAG_LEN || t.value.chars().count() > MAX_TAG_LEN {
            return Err(Problem::new("emr.tag_too_long").with("key", &t.key).with("max", MAX_TAG_LEN));
        }
    }
    Ok(())
}

/// StartJobRun's rules. The code type may be left out when the entry point says it (`.jar`,
/// `.py`, `.sql`, or `-e`/`-f` arguments).
pub fn check_start(req: &StartJobRunRequest) -> Result<CheckedRun, Problem> {
    let driver = req.job_driver.as_ref().and_then(|d| d.spark_submit.clone()).unwrap_or_default();
    let code_type = match req.code_type.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => parse_code_type(c).ok_or_else(|| Problem::new("emr.code_type").with("value", c))?,
        None => infer_code_type(&driver).ok_or_else(|| Problem::new("emr.code_type.missing"))?,
    };
    let sql = if code_type == "SQL" { Some(sql_source(&driver)?) } else { None };
    if code_type != "SQL" {
        let entry = driver.entry_point.trim();
        if entry.is_empty() {
            return Err(Problem::new("emr.entry_point.missing").with("code_type", code_type));
        }
        let ext = if code_type == "JAR" { ".jar" } else { ".py" };
        if !entry.to_ascii_lowercase().ends_with(ext) {
            return Err(Problem::new("emr.entry_point_kind").with("code_type", code_type).with("ext", ext).with("value", entry));
        }
    }
    let name = req.name.as_deref().map(str::trim).unwrap_or("");
    if name.chars().count() > MAX_NAME_LEN {
        return Err(Problem::new("emr.name_too_long").with("max", MAX_NAME_LEN));
    }
    let name = if name.is_empty() {
        // The console names an unnamed run after its entry point, as spark-submit does.
        driver.entry_point.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("spark-job").to_string()
    } else {
        name.to_string()
    };
    let timeout = req.execution_timeout_seconds.unwrap_or(0);
    if !(0..=MAX_TIMEOUT_SECONDS).contains(&timeout) {
        return Err(Problem::new("emr.timeout").with("max", MAX_TIMEOUT_SECONDS).with("value", timeout));
    }
    let tags = req.tags.clone().unwrap_or_default();
    check_tags(&tags)?;
    let configurations = req.configuration_overrides.clone().unwrap_or_default().configurations;
    for c in &configurations {
        if c.config_item_key.trim().is_empty() {
            return Err(Problem::new("emr.config_key_empty"));
        }
    }
    let submit = parse_submit_parameters(&driver.spark_submit_parameters)?;
    let resources = resources(&configurations, &submit)?;
    Ok(CheckedRun {
        name,
        code_type,
        spark_submit: driver,
        submit,
        configurations,
        sql,
        tags,
        execution_timeout_seconds: timeout,
        fusion: req.fusion.unwrap_or(false),
        resources,
    })
}

impl CheckedRun {
    /// Spark settings of the run: `configurationOverrides` then `--conf` (the later wins), as
    /// ListJobRuns' `applicationConfigs` filter sees them.
    pub fn application_configs(&self) -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> =
            self.configurations.iter().map(|c| (c.config_item_key.clone(), c.config_item_value.clone())).collect();
        m.extend(self.submit.conf.iter().cloned());
        m
    }

    /// spark-submit options of the run (`mainClass` for `--class`), as the `runtimeConfigs`
    /// filter sees them.
    pub fn runtime_configs(&self) -> BTreeMap<String, String> {
        self.submit
            .options
            .iter()
            .map(|(k, v)| (if k == "class" { "mainClass".to_string() } else { k.clone() }, v.clone()))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Resources and usage

/// What a run is allocated: the driver plus its executors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resources {
    pub cores: i64,
    pub memory_mb: i64,
}

/// Defaults when a run says nothing: a 1-core 4 GiB driver and one 1-core 4 GiB executor (2 CU).
pub const DEFAULT_DRIVER: Resources = Resources { cores: 1, memory_mb: 4096 };
pub const DEFAULT_EXECUTOR: Resources = Resources { cores: 1, memory_mb: 4096 };
pub const DEFAULT_EXECUTORS: i64 = 1;

/// Spark's memory strings: `4g`, `512m`, `2048` (MiB when no unit), `1t`, `1024k`.
pub fn parse_memory_mb(s: &str) -> Option<i64> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult): (&str, f64) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 1.0 / 1024.0),
        'm' => (&t[..t.len() - 1], 1.0),
        'g' => (&t[..t.len() - 1], 1024.0),
        't' => (&t[..t.len() - 1], 1024.0 * 1024.0),
        _ => (t, 1.0),
    };
    let n: f64 = num.trim().parse().ok()?;
    let mb = (n * mult).ceil();
    (n > 0.0 && mb.is_finite() && mb <= 1e9).then_some(mb as i64)
}

/// Driver + executors from `spark.driver.cores`, `spark.driver.memory`, `spark.executor.cores`,
/// `spark.executor.memory`, `spark.executor.instances` (configurations, then `--conf`) and the
/// spark-submit options `--driver-cores`, `--driver-memory`, `--executor-cores`,
/// `--executor-memory`, `--num-executors` (which win, as in spark-submit).
pub fn resources(configurations: &[Configuration], submit: &SubmitParameters) -> Result<Resources, Problem> {
    let mut conf: BTreeMap<&str, &str> =
        configurations.iter().map(|c| (c.config_item_key.trim(), c.config_item_value.as_str())).collect();
    for (k, v) in &submit.conf {
        conf.insert(k.as_str(), v.as_str());
    }
    for (opt, key) in [
        ("driver-cores", "spark.driver.cores"),
        ("driver-memory", "spark.driver.memory"),
        ("executor-cores", "spark.executor.cores"),
        ("executor-memory", "spark.executor.memory"),
        ("num-executors", "spark.executor.instances"),
    ] {
        if let Some((_, v)) = submit.options.iter().rev().find(|(k, _)| k == opt) {
            conf.insert(key, v.as_str());
        }
    }
    let count = |key: &str, default: i64, min: i64| -> Result<i64, Problem> {
        match conf.get(key) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=1024).contains(n))
                .ok_or_else(|| Problem::new("emr.resource").with("key", key).with("value", v)),
        }
    };
    let memory = |key: &str, default: i64| -> Result<i64, Problem> {
        match conf.get(key) {
            None => Ok(default),
            Some(v) => parse_memory_mb(v).ok_or_else(|| Problem::new("emr.resource").with("key", key).with("value", v)),
        }
    };
    let driver = Resources { cores: count("spark.driver.cores", DEFAULT_DRIVER.cores, 1)?, memory_mb: memory("spark.driver.memory", DEFAULT_DRIVER.memory_mb)? };
    let executor =
        Resources { cores: count("spark.executor.cores", DEFAULT_EXECUTOR.cores, 1)?, memory_mb: memory("spark.executor.memory", DEFAULT_EXECUTOR.memory_mb)? };
    let n = count("spark.executor.instances", DEFAULT_EXECUTORS, 0)?;
    Ok(Resources { cores: driver.cores + n * executor.cores, memory_mb: driver.memory_mb + n * executor.memory_mb })
}

/// A run's usage figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Usage {
    pub vcore_seconds: i64,
    pub mb_seconds: i64,
    pub cu_hours: f64,
}

/// `vcoreSeconds` = cores × seconds, `mbSeconds` = MiB × seconds (both rounded), and
/// `cuHours` = max(vcoreSeconds, mbSeconds / 4096) / 3600 — one CU is 1 core + 4 GiB, billed on
/// whichever of the two the run used more of (emr-api.md §1.8, without the ratio discount),
/// rounded to 6 decimals.
pub fn usage(r: Resources, duration_ms: i64) -> Usage {
    let ms = duration_ms.max(0) as f64;
    let vcore_seconds = (r.cores as f64 * ms / 1000.0).round() as i64;
    let mb_seconds = (r.memory_mb as f64 * ms / 1000.0).round() as i64;
    Usage { vcore_seconds, mb_seconds, cu_hours: cu_hours_of(r, ms / 1000.0) }
}

/// CU-hours of `seconds` at allocation `r`, rounded to 6 decimals.
pub fn cu_hours_of(r: Resources, seconds: f64) -> f64 {
    let cu = (r.cores as f64).max(r.memory_mb as f64 / 4096.0);
    (cu * seconds / 3600.0 * 1e6).round() / 1e6
}

// ---------------------------------------------------------------------------------------------
// ListJobRuns

/// A `{startTime, endTime}` window in ms; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

/// ListJobRuns' query, decoded and checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobRunFilter {
    pub max_results: i64,
    pub next_token: Option<String>,
    /// Case-insensitive substring of the name.
    pub name: Option<String>,
    pub job_run_id: Option<String>,
    pub creator: Option<String>,
    /// Canonical state names; empty = any.
    pub states: Vec<&'static str>,
    /// Every tag must be on the run.
    pub tags: Vec<Tag>,
    pub submit_time: TimeRange,
    pub end_time: TimeRange,
    pub resource_queue_id: Option<String>,
    pub job_run_deployment_id: Option<String>,
    pub min_duration_ms: Option<i64>,
    pub is_workflow: Option<bool>,
    pub runtime_configs: Vec<(String, String)>,
    pub application_configs: Vec<(String, String)>,
    pub group_by_state: bool,
}

/// `True`, `false`, `TRUE`: Python's SDK capitalises booleans.
pub fn parse_bool(name: &str, raw: &str) -> Result<bool, Problem> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Problem::new("emr.bool").with("name", name).with("value", raw)),
    }
}

pub fn parse_int(name: &str, raw: &str, min: i64, max: i64) -> Result<i64, Problem> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| Problem::new("emr.int_range").with("name", name).with("min", min).with("max", max).with("value", raw))
}

fn bad_json(name: &str, raw: &str, shape: &str) -> Problem {
    Problem::new("emr.bad_json").with("name", name).with("shape", shape).with("value", raw)
}

fn json_int(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `{"startTime":ms,"endTime":ms}` (either may be left out).
pub fn parse_time_range(name: &str, raw: &str) -> Result<TimeRange, Problem> {
    let shape = r#"{"startTime":<ms>,"endTime":<ms>}"#;
    let v: serde_json::Value = serde_json::from_str(raw).map_err(|_| bad_json(name, raw, shape))?;
    let obj = v.as_object().ok_or_else(|| bad_json(name, raw, shape))?;
    let get = |k: &str| -> Result<Option<i64>, Problem> {
        match obj.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(x) => json_int(x).map(Some).ok_or_else(|| bad_json(name, raw, shape)),
        }
    };
    let r = TimeRange { start: get("startTime")?, end: get("endTime")? };
    if let (Some(a), Some(b)) = (r.start, r.end) {
        if a > b {
            return Err(Problem::new("emr.time_range").with("name", name));
        }
    }
    Ok(r)
}

/// `[{"key":"k","value":"v"}]`.
pub fn parse_key_values(name: &str, raw: &str) -> Result<Vec<(String, String)>, Problem> {
    let shape = r#"[{"key":"…","value":"…"}]"#;
    let v: serde_json::Value = serde_json::from_str(raw).map_err(|_| bad_json(name, raw, shape))?;
    let arr = v.as_array().ok_or_else(|| bad_json(name, raw, shape))?;
    arr.iter()
        .map(|item| {
            let key = item.get("key").and_then(|k| k.as_str()).filter(|k| !k.is_empty());
            let value = match item.get("value") {
                None | Some(serde_json::Value::Null) => Some(String::new()),
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
                _ => None,
            };
            match (key, value) {
                (Some(k), Some(v)) => Ok((k.to_string(), v)),
                _ => Err(bad_json(name, raw, shape)),
            }
        })
        .collect()
}

/// `["Running","Submitted"]`; a bare `Running` is taken too.
pub fn parse_states(raw: &str) -> Result<Vec<&'static str>, Problem> {
    let names: Vec<String> = if raw.trim_start().starts_with('[') {
        let v: serde_json::Value =
            serde_json::from_str(raw).map_err(|_| bad_json("states", raw, r#"["Running","Success"]"#))?;
        let arr = v.as_array().ok_or_else(|| bad_json("states", raw, r#"["Running","Success"]"#))?;
        arr.iter()
            .map(|s| s.as_str().map(str::to_string).ok_or_else(|| bad_json("states", raw, r#"["Running","Success"]"#)))
            .collect::<Result<_, _>>()?
    } else {
        raw.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    };
    let mut out = Vec::new();
    for n in names {
        let s = parse_state(&n).ok_or_else(|| Problem::new("emr.state").with("value", &n).with("allowed", STATES.join(", ")))?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// Parses ListJobRuns' query (decoded pairs; an empty value counts as absent).
pub fn parse_job_run_filter(pairs: &[(String, String)]) -> Result<JobRunFilter, Problem> {
    let get = |k: &str| pairs.iter().rev().find(|(n, v)| n == k && !v.trim().is_empty()).map(|(_, v)| v.as_str());
    let text = |k: &str| get(k).map(|v| v.trim().to_string());
    let mut f = JobRunFilter {
        max_results: DEFAULT_MAX_RESULTS,
        next_token: text("nextToken"),
        name: text("name"),
        job_run_id: text("jobRunId"),
        creator: text("creator"),
        resource_queue_id: text("resourceQueueId"),
        job_run_deployment_id: text("jobRunDeploymentId"),
        ..Default::default()
    };
    if let Some(v) = get("maxResults") {
        f.max_results = parse_int("maxResults", v, 1, MAX_RESULTS)?;
    }
    if let Some(v) = get("states") {
        f.states = parse_states(v)?;
    }
    if let Some(v) = get("tags") {
        f.tags = parse_key_values("tags", v)?.into_iter().map(|(key, value)| Tag { key, value }).collect();
    }
    if let Some(v) = get("startTime") {
        f.submit_time = parse_time_range("startTime", v)?;
    }
    if let Some(v) = get("endTime") {
        f.end_time = parse_time_range("endTime", v)?;
    }
    if let Some(v) = get("minDuration") {
        f.min_duration_ms = Some(parse_int("minDuration", v, 0, i64::MAX)?);
    }
    if let Some(v) = get("isWorkflow") {
        f.is_workflow = Some(parse_bool("isWorkflow", v)?);
    }
    if let Some(v) = get("runtimeConfigs") {
        f.runtime_configs = parse_key_values("runtimeConfigs", v)?;
    }
    if let Some(v) = get("applicationConfigs") {
        f.application_configs = parse_key_values("applicationConfigs", v)?;
    }
    if let Some(v) = get("groupByState") {
        f.group_by_state = parse_bool("groupByState", v)?;
    }
    Ok(f)
}

/// The tag that marks a run started by a workflow scheduler (DolphinScheduler's plugin sends
/// `workflow=true`); ListJobRuns' `isWorkflow` filters on it.
pub fn is_workflow(tags: &[Tag]) -> bool {
    tags.iter().any(|t| t.key == "workflow" && t.value.eq_ignore_ascii_case("true"))
}

// ---------------------------------------------------------------------------------------------
// Whole answers (what a client reads)

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListWorkspacesResponse {
    pub request_id: String,
    pub workspaces: Vec<Workspace>,
    pub total_count: i64,
    pub max_results: i64,
    pub next_token: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListWorkspaceQueuesResponse {
    pub request_id: String,
    pub queues: Vec<Queue>,
    pub total_count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListReleaseVersionsResponse {
    pub request_id: String,
    pub release_versions: Vec<ReleaseVersion>,
    pub total_count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetJobRunResponse {
    pub request_id: String,
    pub job_run: JobRun,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CancelJobRunResponse {
    pub request_id: String,
    pub job_run_id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListLogContentsResponse {
    pub request_id: String,
    pub list_log_content: LogContent,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn sql_run(args: &[&str], entry: &str) -> StartJobRunRequest {
        StartJobRunRequest {
            job_driver: Some(JobDriver {
                spark_submit: Some(SparkSubmit {
                    entry_point: entry.into(),
                    entry_point_arguments: args.iter().map(|s| s.to_string()).collect(),
                    spark_submit_parameters: String::new(),
                }),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn sql_sources_and_code_types() {
        let r = check_start(&sql_run(&["-e", "select 1"], "")).unwrap();
        assert_eq!((r.code_type, r.sql), ("SQL", Some(SqlSource::Inline("select 1".into()))));
        let r = check_start(&sql_run(&["-f", "oss://b/q.sql"], "")).unwrap();
        assert_eq!(r.sql, Some(SqlSource::File("oss://b/q.sql".into())));
        let r = check_start(&sql_run(&[], "oss://b/x/q.SQL")).unwrap();
        assert_eq!((r.sql, r.name.as_str()), (Some(SqlSource::File("oss://b/x/q.SQL".into())), "q.SQL"));
        let mut req = sql_run(&[], "oss://b/a.jar");
        assert_eq!(check_start(&req).unwrap().code_type, "JAR");
        req.code_type = Some("sql".into());
        assert_eq!(check_start(&req).unwrap_err().key, "emr.sql_missing");
        req.code_type = Some("python".into());
        assert_eq!(check_start(&req).unwrap_err().key, "emr.entry_point_kind");
        req.code_type = Some("SCALA".into());
        assert_eq!(check_start(&req).unwrap_err().key, "emr.code_type");
        assert_eq!(check_start(&sql_run(&["-e"], "")).unwrap_err().key, "emr.sql_argument");
        let p = check_start(&StartJobRunRequest::default()).unwrap_err();
        assert_eq!((p.key, acs_code(&p)), ("emr.code_type.missing", "MissingParameter"));
        let p = check_start(&StartJobRunRequest { code_type: Some("JAR".into()), ..Default::default() }).unwrap_err();
        assert_eq!(acs_code(&p), "MissingParameter");
    }

    #[test]
    fn timeouts_tags_and_names() {
        let mut req = sql_run(&["-e", "select 1"], "");
        req.execution_timeout_seconds = Some(-1);
        assert_eq!(check_start(&req).unwrap_err().key, "emr.timeout");
        req.execution_timeout_seconds = Some(60);
        req.tags = Some(vec![Tag { key: " ".into(), value: "v".into() }]);
        assert_eq!(check_start(&req).unwrap_err().key, "emr.tag_key_empty");
        req.tags = Some(vec![Tag { key: "k".into(), value: "v".repeat(129) }]);
        assert_eq!(check_start(&req).unwrap_err().key, "emr.tag_too_long");
        req.tags = Some((0..21).map(|i| Tag { key: format!("k{i}"), value: String::new() }).collect());
        assert_eq!(check_start(&req).unwrap_err().key, "emr.too_many_tags");
        req.tags = None;
        req.name = Some("x".repeat(257));
        assert_eq!(check_start(&req).unwrap_err().key, "emr.name_too_long");
        req.name = Some(" etl ".into());
        assert_eq!(check_start(&req).unwrap().name, "etl");
    }

    #[test]
    fn body_accepts_the_sdk_json() {
        let body = r#"{"clientToken":"ct-1","codeType":"JAR","configurationOverrides":{"configurations":[{"configFileName":"spark-defaults.conf","configItemKey":"spark.app.name","configItemValue":"x"}]},"executionTimeoutSeconds":3600,"jobDriver":{"sparkSubmit":{"entryPoint":"oss://b/app.jar","entryPointArguments":["1","2"],"sparkSubmitParameters":"--class org.Foo --conf spark.executor.cores=2 --num-executors 3"}},"name":"job1","releaseVersion":"esr-4.0.0 (Spark 3.5.2, Scala 2.12)","resourceQueueId":"root_queue","tags":[{"key":"env","value":"dev"}],"fusion":"True"}"#;
        let req: StartJobRunRequest = serde_json::from_str(body).unwrap();
        let r = check_start(&req).unwrap();
        assert_eq!(r.resources, Resources { cores: 1 + 3 * 2, memory_mb: 4096 * 4 });
        assert!(r.fusion);
        assert_eq!(r.runtime_configs().get("mainClass").map(String::as_str), Some("org.Foo"));
        assert_eq!(r.application_configs().get("spark.app.name").map(String::as_str), Some("x"));
        assert_eq!(r.application_configs().get("spark.executor.cores").map(String::as_str), Some("2"));
        assert!(serde_json::from_str::<StartJobRunRequest>(r#"{"executionTimeoutSeconds":"abc"}"#).is_err());
    }

    #[test]
    fn command_lines() {
        assert_eq!(shell_words(r#"a 'b c' "d \"e\"" f\ g"#).unwrap(), vec!["a", "b c", "d \"e\"", "f g"]);
        assert_eq!(shell_words("  ").unwrap(), Vec::<String>::new());
        assert_eq!(shell_words("'open").unwrap_err().key, "emr.unclosed_quote");
        let p = parse_submit_parameters("--class A --conf k=v --verbose --driver-memory=2g").unwrap();
        assert_eq!(p.options, vec![("class".into(), "A".into()), ("verbose".into(), "true".into()), ("driver-memory".into(), "2g".into())]);
        assert_eq!(p.conf, vec![("k".into(), "v".into())]);
        assert_eq!(parse_submit_parameters("oops").unwrap_err().key, "emr.submit_parameter");
        assert_eq!(parse_submit_parameters("--class").unwrap_err().key, "emr.submit_parameter_value");
        assert_eq!(parse_submit_parameters("--conf novalue").unwrap_err().key, "emr.submit_conf");
    }

    #[test]
    fn resources_and_usage() {
        let none = resources(&[], &SubmitParameters::default()).unwrap();
        assert_eq!(none, Resources { cores: 2, memory_mb: 8192 });
        let submit = parse_submit_parameters("--driver-cores 2 --executor-memory 8g --num-executors 0").unwrap();
        assert_eq!(resources(&[], &submit).unwrap(), Resources { cores: 2, memory_mb: 4096 });
        let bad = parse_submit_parameters("--conf spark.executor.instances=-1").unwrap();
        assert_eq!(resources(&[], &bad).unwrap_err().key, "emr.resource");
        assert_eq!(parse_memory_mb("4g"), Some(4096));
        assert_eq!(parse_memory_mb("512M"), Some(512));
        assert_eq!(parse_memory_mb("2048"), Some(2048));
        assert_eq!(parse_memory_mb("1gb"), Some(1024));
        assert_eq!(parse_memory_mb("lots"), None);
        assert_eq!(parse_memory_mb("0"), None);
        // 2 cores, 8 GiB for one hour: 2 CU-hours.
        let u = usage(none, 3_600_000);
        assert_eq!((u.vcore_seconds, u.mb_seconds, u.cu_hours), (7200, 8192 * 3600, 2.0));
        // Memory-heavy: 1 core with 16 GiB counts 4 CU.
        assert_eq!(usage(Resources { cores: 1, memory_mb: 16384 }, 1_800_000).cu_hours, 2.0);
        assert_eq!(usage(none, -5).vcore_seconds, 0);
    }

    #[test]
    fn list_filters_parse_the_sdk_query() {
        let f = parse_job_run_filter(&q(&[
            ("maxResults", "20"),
            ("name", "n1"),
            ("nextToken", "tok"),
            ("startTime", r#"{"endTime":1710432000000,"startTime":1709740800000}"#),
            ("states", r#"["Running","submitted"]"#),
            ("tags", r#"[{"key":"k1","value":"v1"}]"#),
            ("isWorkflow", "True"),
            ("groupByState", "TRUE"),
            ("minDuration", "60000"),
            ("runtimeConfigs", r#"[{"key":"mainClass","value":"yourClass"}]"#),
            ("applicationConfigs", r#"[{"key":"spark.app.name","value":"test"}]"#),
            ("creator", ""),
        ]))
        .unwrap();
        assert_eq!(f.states, vec!["Running", "Submitted"]);
        assert_eq!(f.submit_time, TimeRange { start: Some(1_709_740_800_000), end: Some(1_710_432_000_000) });
        assert_eq!(f.tags, vec![Tag { key: "k1".into(), value: "v1".into() }]);
        assert_eq!((f.is_workflow, f.group_by_state, f.min_duration_ms), (Some(true), true, Some(60_000)));
        assert_eq!(f.runtime_configs, vec![("mainClass".into(), "yourClass".into())]);
        assert_eq!((f.creator, f.next_token.as_deref()), (None, Some("tok")));
        assert_eq!(parse_job_run_filter(&[]).unwrap().max_results, 20);
        for (k, v, key) in [
            ("maxResults", "101", "emr.int_range"),
            ("maxResults", "0", "emr.int_range"),
            ("maxResults", "x", "emr.int_range"),
            ("states", "[\"Running\"", "emr.bad_json"),
            ("states", "[\"Sleeping\"]", "emr.state"),
            ("tags", "{\"key\":\"k\"}", "emr.bad_json"),
            ("tags", "[{\"value\":\"v\"}]", "emr.bad_json"),
            ("startTime", "[1,2]", "emr.bad_json"),
            ("endTime", "{\"startTime\":\"x\"}", "emr.bad_json"),
            ("endTime", "{\"startTime\":5,\"endTime\":4}", "emr.time_range"),
            ("isWorkflow", "yes", "emr.bool"),
            ("minDuration", "-1", "emr.int_range"),
        ] {
            let p = parse_job_run_filter(&q(&[(k, v)])).unwrap_err();
            assert_eq!((p.key, acs_code(&p)), (key, "InvalidParameter"), "{k}={v}");
        }
        assert_eq!(parse_states("Running,Failed").unwrap(), vec!["Running", "Failed"]);
    }

    #[test]
    fn states_and_wire_shapes() {
        assert_eq!(parse_state("cancelfailed"), Some("CancelFailed"));
        assert!(is_final_state("CancelFailed") && !is_final_state("Cancelling"));
        let s = serde_json::to_value(JobRunSummary { web_ui: "u".into(), ..Default::default() }).unwrap();
        for k in ["jobRunId", "webUI", "vcoreSeconds", "cuHours", "stateChangeReason", "resourceQueueId"] {
            assert!(s.get(k).is_some(), "{k}");
        }
        let l = serde_json::to_value(LogContent { total_length: 1, contents: vec![LogLine { line_content: "a\n".into() }] }).unwrap();
        assert_eq!(l, serde_json::json!({"totalLength": 1, "contents": [{"LineContent": "a\n"}]}));
        let r = serde_json::to_value(ListJobRunsResponse::default()).unwrap();
        assert!(r.get("aggregations").is_none());
        assert!(is_workflow(&[Tag { key: "workflow".into(), value: "True".into() }]));
        assert_eq!(resource_text(Resources { cores: 8, memory_mb: 32768 }), r#"{"cpu":"8","memory":"32Gi"}"#);
        assert_eq!(resource_text(Resources { cores: 1, memory_mb: 1500 }), r#"{"cpu":"1","memory":"1500Mi"}"#);
        let rv = serde_json::to_value(ReleaseVersion { kind: "stable".into(), ..Default::default() }).unwrap();
        assert_eq!(rv["type"], "stable");
    }
}
