//! Alibaba Cloud EMR data development (`Flow*` of `2016-04-08`, RPC style; emr-api.md §2 and seed
//! 003): the response shapes (PascalCase, XML-style list wrappers, the odd lowercase `mode` and
//! `pending`), CreateFlowJob's rules, and the substitution of `ParamConf`/`CustomVariables` into a
//! job's `Params` (dates such as `${yyyy-MM-dd}` included).
//!
//! Rules return [`Problem`]s with `flow.*` keys; a key ending in `.missing` is answered
//! `MissingParameter`, the rest `InvalidParameter` ([`crate::emr::acs_code`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::problem::Problem;
use crate::sign::civil_from_days;

pub const API_VERSION: &str = "2016-04-08";
pub const MAX_RETRY: i64 = 5;
pub const MAX_RETRY_INTERVAL: i64 = 300;
/// RetryInterval when a job does not say (the seed's example).
pub const DEFAULT_RETRY_INTERVAL: i64 = 200;
pub const MAX_NAME_LEN: usize = 128;
pub const MAX_ENV_CONF_BYTES: usize = 1024;
pub const MAX_PARAMS_BYTES: usize = 1 << 20;
pub const DEFAULT_PAGE_SIZE: i64 = 20;
pub const MAX_PAGE_SIZE: i64 = 100;

/// Every job type the API knows (CreateFlowJob's list, ListFlowJobHistory's additions, ZEPPELIN).
pub const JOB_TYPES: [&str; 15] = [
    "MR",
    "SPARK",
    "HIVE_SQL",
    "HIVE",
    "PIG",
    "SQOOP",
    "SPARK_SQL",
    "SPARK_STREAMING",
    "SHELL",
    "FLINK",
    "STREAMING_SQL",
    "IMPALA_SQL",
    "PRESTO_SQL",
    "SPARK_SHELL",
    "ZEPPELIN",
];

/// A job type in its canonical casing (`hive_sql`, `Hive_SQL` → `HIVE_SQL`).
pub fn parse_job_type(s: &str) -> Option<&'static str> {
    JOB_TYPES.iter().copied().find(|t| t.eq_ignore_ascii_case(s.trim()))
}

/// Node-instance statuses (ListFlowJobHistory's `StatusList`).
pub const STATUSES: [&str; 6] = ["SUBMITTED", "RUNNING", "SUCCESS", "FAILED", "KILL_FAILED", "KILL_SUCCESS"];

pub fn parse_status(s: &str) -> Option<&'static str> {
    STATUSES.iter().copied().find(|t| t.eq_ignore_ascii_case(s.trim()))
}

pub fn is_final_status(s: &str) -> bool {
    matches!(s, "SUCCESS" | "FAILED" | "KILL_SUCCESS")
}

// ---------------------------------------------------------------------------------------------
// Response shapes

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Resource {
    pub path: String,
    pub alias: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ResourceList {
    pub resource: Vec<Resource>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct FlowProject {
    pub id: String,
    pub name: String,
    pub description: String,
    pub user_id: String,
    pub gmt_create: i64,
    pub gmt_modified: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct FlowCategory {
    pub id: String,
    pub name: String,
    pub parent_id: String,
    pub project_id: String,
    /// FLOW, JOB or ADHOC: the tree the folder belongs to.
    #[serde(rename = "Type")]
    pub kind: String,
    /// FOLDER (the sandbox's categories are folders).
    pub category_type: String,
    pub object_type: String,
    pub object_id: String,
    pub gmt_create: i64,
    pub gmt_modified: i64,
}

/// A flow job as DescribeFlowJob and ListFlowJob show it (`Adhoc` a string, `mode` lowercase).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct FlowJob {
    pub id: String,
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub description: String,
    pub category_id: String,
    pub adhoc: String,
    pub fail_act: String,
    pub max_retry: i64,
    pub retry_interval: i64,
    pub retry_policy: String,
    pub max_running_time_sec: i64,
    pub params: String,
    pub param_conf: String,
    pub custom_variables: String,
    pub env_conf: String,
    pub run_conf: String,
    pub monitor_conf: String,
    pub alert_conf: String,
    pub last_instance_id: String,
    pub last_instance_detail: String,
    pub edit_lock_detail: String,
    pub gmt_create: i64,
    pub gmt_modified: i64,
    pub resource_list: ResourceList,
    #[serde(rename = "mode")]
    pub mode: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ClusterInfo {
    pub id: String,
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub status: String,
    pub charge_type: String,
    pub create_time: i64,
    pub running_time: i64,
    pub expired_time: i64,
    pub period: i64,
    pub has_uncompleted_order: bool,
    pub create_resource: String,
    pub order_list: String,
    #[serde(rename = "K8sClusterId")]
    pub k8s_cluster_id: String,
}

/// A job instance (node instance) as ListFlowJobHistory lists it: `MaxRetry` and
/// `RetryInterval` are numbers here, `pending` lowercase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeInstanceSummary {
    pub id: String,
    pub job_id: String,
    pub job_name: String,
    pub job_type: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub node_name: String,
    pub project_id: String,
    pub cluster_id: String,
    pub host_name: String,
    pub status: String,
    pub external_id: String,
    pub external_status: String,
    pub external_info: String,
    pub start_time: i64,
    pub end_time: i64,
    pub gmt_create: i64,
    pub gmt_modified: i64,
    pub retries: i64,
    pub max_retry: i64,
    pub retry_interval: i64,
    pub fail_act: String,
    pub job_params: String,
    pub param_conf: String,
    pub env_conf: String,
    pub run_conf: String,
    #[serde(rename = "pending")]
    pub pending: bool,
}

/// DescribeFlowNodeInstance: flat, `MaxRetry`/`RetryInterval` strings, `Pending` capitalised.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeInstance {
    pub id: String,
    pub status: String,
    pub job_id: String,
    pub job_name: String,
    pub job_type: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub node_name: String,
    pub flow_id: String,
    pub flow_instance_id: String,
    pub project_id: String,
    pub cluster_id: String,
    pub cluster_name: String,
    pub host_name: String,
    pub adhoc: bool,
    pub mode: String,
    pub pending: bool,
    pub start_time: i64,
    pub end_time: i64,
    pub duration: i64,
    pub retries: i64,
    pub max_retry: String,
    pub retry_interval: String,
    pub retry_policy: String,
    pub fail_act: String,
    pub external_id: String,
    pub external_sub_id: String,
    pub external_child_ids: String,
    pub external_status: String,
    pub external_info: String,
    pub job_params: String,
    pub param_conf: String,
    pub env_conf: String,
    pub run_conf: String,
    pub monitor_conf: String,
    pub gmt_create: i64,
    pub gmt_modified: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct LogEntry {
    pub content: String,
}

// ---------------------------------------------------------------------------------------------
// CreateFlowJob / ModifyFlowJob rules

/// A job's settings after the rules, canonical casing, defaults filled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowJobSpec {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub fail_act: String,
    pub max_retry: i64,
    pub retry_interval: i64,
    pub retry_policy: String,
    pub max_running_time_sec: i64,
    pub params: String,
    pub param_conf: String,
    pub custom_variables: String,
    pub env_conf: String,
    pub run_conf: String,
    pub monitor_conf: String,
    pub mode: String,
    pub parent_category: String,
    pub resources: Vec<Resource>,
    pub adhoc: bool,
    pub cluster_id: String,
    pub alert_conf: String,
}

fn missing(name: &str) -> Problem {
    Problem::new("flow.missing").with("name", name)
}

/// Reads `ResourceList.N.Path` / `.Alias` (N from 1, in N order; gaps allowed).
pub fn resource_list(get_all: &[(String, String)]) -> Result<Option<Vec<Resource>>, Problem> {
    let mut by_n: BTreeMap<u32, Resource> = BTreeMap::new();
    let mut seen = false;
    for (k, v) in get_all {
        let Some(rest) = k.strip_prefix("ResourceList.") else { continue };
        seen = true;
        let (n, field) = rest.split_once('.').ok_or_else(|| Problem::new("flow.resource_param").with("name", k))?;
        let n: u32 = n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| Problem::new("flow.resource_param").with("name", k))?;
        let slot = by_n.entry(n).or_default();
        match field {
            "Path" => slot.path = v.trim().to_string(),
            "Alias" => slot.alias = v.trim().to_string(),
            _ => return Err(Problem::new("flow.resource_param").with("name", k)),
        }
    }
    if !seen {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (n, r) in by_n {
        if r.path.is_empty() {
            return Err(Problem::new("flow.missing").with("name", format!("ResourceList.{n}.Path")));
        }
        let lower = r.path.to_ascii_lowercase();
        if !["oss://", "ossref://", "hdfs://"].iter().any(|p| lower.starts_with(p)) {
            return Err(Problem::new("flow.resource_path").with("path", &r.path));
        }
        out.push(r);
    }
    Ok(Some(out))
}

fn json_object(name: &str, raw: &str) -> Result<serde_json::Map<String, serde_json::Value>, Problem> {
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| Problem::new("flow.bad_json").with("name", name).with("error", e))?;
    match v {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(Problem::new("flow.json_object").with("name", name)),
    }
}

/// ParamConf: a JSON object of scalar values → variables.
pub fn param_conf(raw: &str) -> Result<BTreeMap<String, String>, Problem> {
    if raw.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    let m = json_object("ParamConf", raw)?;
    m.into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            serde_json::Value::Number(n) => Ok((k, n.to_string())),
            serde_json::Value::Bool(b) => Ok((k, b.to_string())),
            _ => Err(Problem::new("flow.param_conf_value").with("name", k)),
        })
        .collect()
}

/// One custom variable; `password` ones are masked wherever the sandbox shows a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomVariable {
    pub name: String,
    pub value: String,
    pub password: bool,
}

/// CustomVariables, in either documented form: `{"scope","entityId","variables":[…]}` or the
/// bare array `[{"name","value","properties":{"password":bool}}]`.
pub fn custom_variables(raw: &str) -> Result<Vec<CustomVariable>, Problem> {
    if raw.trim().is_empty() {
        return Ok(Vec::new());
    }
    let bad = |e: String| Problem::new("flow.bad_json").with("name", "CustomVariables").with("error", e);
    let v: serde_json::Value = serde_json::from_str(raw).map_err(|e| bad(e.to_string()))?;
    let list = match &v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("variables") {
            Some(serde_json::Value::Array(a)) => a,
            None => return Ok(Vec::new()),
            _ => return Err(Problem::new("flow.custom_variables")),
        },
        _ => return Err(Problem::new("flow.custom_variables")),
    };
    let mut out = Vec::new();
    for item in list {
        let name = item.get("name").and_then(|n| n.as_str()).map(str::trim).filter(|n| !n.is_empty());
        let Some(name) = name else { return Err(Problem::new("flow.custom_variables")) };
        let value = match item.get("value") {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::Bool(b)) => b.to_string(),
            _ => return Err(Problem::new("flow.custom_variables")),
        };
        let password = item.get("properties").and_then(|p| p.get("password")).is_some_and(|p| match p {
            serde_json::Value::Bool(b) => *b,
            serde_json::Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        });
        out.push(CustomVariable { name: name.to_string(), value, password });
    }
    Ok(out)
}

/// RunConf: `{"priority":1,"userName":"hadoop","memory":2048,"cores":1}`, each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunConf {
    pub priority: Option<i64>,
    pub user_name: Option<String>,
    pub memory_mb: Option<i64>,
    pub cores: Option<i64>,
}

pub fn run_conf(raw: &str) -> Result<RunConf, Problem> {
    if raw.trim().is_empty() {
        return Ok(RunConf::default());
    }
    let m = json_object("RunConf", raw)?;
    let int = |k: &str, min: i64, max: i64| -> Result<Option<i64>, Problem> {
        match m.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => {
                let n = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
                n.filter(|n| (min..=max).contains(n))
                    .map(Some)
                    .ok_or_else(|| Problem::new("flow.run_conf").with("key", k).with("min", min).with("max", max))
            }
        }
    };
    let user_name = match m.get("userName") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(Problem::new("flow.run_conf_user")),
    };
    Ok(RunConf { priority: int("priority", 1, 10)?, user_name, memory_mb: int("memory", 1, 1 << 20)?, cores: int("cores", 1, 1024)? })
}

/// EnvConf: a JSON object of environment variables, the whole text at most 1024 bytes.
pub fn env_conf(raw: &str) -> Result<BTreeMap<String, String>, Problem> {
    if raw.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    if raw.len() > MAX_ENV_CONF_BYTES {
        return Err(Problem::new("flow.env_conf_size").with("max", MAX_ENV_CONF_BYTES));
    }
    let m = json_object("EnvConf", raw)?;
    m.into_iter()
        .map(|(k, v)| {
            let valid_name = !k.is_empty()
                && !k.starts_with(|c: char| c.is_ascii_digit())
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid_name {
                return Err(Problem::new("flow.env_name").with("name", k));
            }
            match v {
                serde_json::Value::String(s) => Ok((k, s)),
                serde_json::Value::Number(n) => Ok((k, n.to_string())),
                serde_json::Value::Bool(b) => Ok((k, b.to_string())),
                _ => Err(Problem::new("flow.env_value").with("name", k)),
            }
        })
        .collect()
}

/// Reads and checks a CreateFlowJob request (`get` returns a parameter's value; empty = absent).
/// `existing` is the job being modified (ModifyFlowJob): absent parameters keep its values and
/// nothing is required.
pub fn check_flow_job(
    get: &dyn Fn(&str) -> Option<String>,
    all: &[(String, String)],
    existing: Option<&FlowJobSpec>,
) -> Result<FlowJobSpec, Problem> {
    let modify = existing.is_some();
    let mut spec = existing.cloned().unwrap_or_else(|| FlowJobSpec {
        fail_act: "STOP".into(),
        retry_interval: DEFAULT_RETRY_INTERVAL,
        mode: "YARN".into(),
        ..Default::default()
    });
    let required = |name: &str| -> Result<Option<String>, Problem> {
        match get(name) {
            Some(v) => Ok(Some(v)),
            None if modify => Ok(None),
            None => Err(missing(name)),
        }
    };
    if let Some(name) = required("Name")? {
        let name = name.trim().to_string();
        if name.chars().count() > MAX_NAME_LEN {
            return Err(Problem::new("flow.name_too_long").with("max", MAX_NAME_LEN));
        }
        spec.name = name;
    }
    if let Some(d) = required("Description")? {
        spec.description = d;
    }
    // ModifyFlowJob did not take Type in the legacy model; a job keeps its type.
    if !modify {
        let t = required("Type")?.unwrap_or_default();
        spec.kind = parse_job_type(&t)
            .ok_or_else(|| Problem::new("flow.job_type").with("value", &t).with("allowed", JOB_TYPES.join(", ")))?
            .to_string();
    }
    if let Some(v) = get("FailAct") {
        spec.fail_act = match v.trim().to_ascii_uppercase().as_str() {
            a @ ("CONTINUE" | "STOP") => a.to_string(),
            _ => return Err(Problem::new("flow.fail_act").with("value", v)),
        };
    }
    let int = |name: &str, min: i64, max: i64| -> Result<Option<i64>, Problem> {
        match get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(Some)
                .ok_or_else(|| Problem::new("flow.int_range").with("name", name).with("min", min).with("max", max).with("value", v)),
        }
    };
    if let Some(n) = int("MaxRetry", 0, MAX_RETRY)? {
        spec.max_retry = n;
    }
    if let Some(n) = int("RetryInterval", 0, MAX_RETRY_INTERVAL)? {
        spec.retry_interval = n;
    }
    if let Some(n) = int("MaxRunningTimeSec", 0, 7 * 24 * 3600)? {
        spec.max_running_time_sec = n;
    }
    if let Some(v) = get("RetryPolicy") {
        spec.retry_policy = v;
    }
    if let Some(v) = get("Params") {
        if v.len() > MAX_PARAMS_BYTES {
            return Err(Problem::new("flow.params_size").with("max", MAX_PARAMS_BYTES));
        }
        spec.params = v;
    }
    if let Some(v) = get("ParamConf") {
        param_conf(&v)?;
        spec.param_conf = v;
    }
    if let Some(v) = get("CustomVariables") {
        custom_variables(&v)?;
        spec.custom_variables = v;
    }
    if let Some(v) = get("EnvConf") {
        env_conf(&v)?;
        spec.env_conf = v;
    }
    if let Some(v) = get("RunConf") {
        run_conf(&v)?;
        spec.run_conf = v;
    }
    if let Some(v) = get("MonitorConf") {
        let m = json_object("MonitorConf", &v)?;
        for side in ["inputs", "outputs"] {
            if m.get(side).is_some_and(|x| !x.is_array()) {
                return Err(Problem::new("flow.monitor_conf").with("key", side));
            }
        }
        spec.monitor_conf = v;
    }
    if !spec.monitor_conf.trim().is_empty() && spec.kind != "SPARK_STREAMING" {
        let empty = json_object("MonitorConf", &spec.monitor_conf).map(|m| m.is_empty()).unwrap_or(false);
        if !empty {
            return Err(Problem::new("flow.monitor_conf_type").with("type", &spec.kind));
        }
    }
    if let Some(v) = get("AlertConf") {
        json_object("AlertConf", &v)?;
        spec.alert_conf = v;
    }
    if let Some(v) = get("Mode") {
        spec.mode = match v.trim().to_ascii_uppercase().as_str() {
            m @ ("YARN" | "LOCAL") => m.to_string(),
            _ => return Err(Problem::new("flow.mode").with("value", v)),
        };
    }
    if let Some(v) = get("ParentCategory") {
        spec.parent_category = v.trim().to_string();
    }
    if let Some(v) = get("ClusterId") {
        spec.cluster_id = v.trim().to_string();
    }
    if let Some(v) = get("Adhoc") {
        spec.adhoc = match v.trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(Problem::new("flow.bool").with("name", "Adhoc").with("value", v)),
        };
    }
    if let Some(list) = resource_list(all)? {
        spec.resources = list;
    }
    Ok(spec)
}

// ---------------------------------------------------------------------------------------------
// Variables

/// `yyyy`, `yy`, `MM`, `dd`, `HH`, `mm`, `ss` of a UTC time (`SSS` for milliseconds); any other
/// character is kept.
pub fn format_date(pattern: &str, ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let (h, mi, se) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::new();
    let b = pattern.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|&&c| c == b[i]).count();
        let piece = match (b[i], run) {
            (b'y', 4) => format!("{y:04}"),
            (b'y', 2) => format!("{:02}", y.rem_euclid(100)),
            (b'M', 2) => format!("{mo:02}"),
            (b'd', 2) => format!("{d:02}"),
            (b'H', 2) => format!("{h:02}"),
            (b'm', 2) => format!("{mi:02}"),
            (b's', 2) => format!("{se:02}"),
            (b'S', 3) => format!("{:03}", ms.rem_euclid(1000)),
            _ => pattern[i..i + run].to_string(),
        };
        out.push_str(&piece);
        i += run;
    }
    out
}

/// Adds `n` months to a UTC time, clamping the day to the month's length.
fn add_months(ms: i64, n: i64) -> i64 {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + (m - 1) + n;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let next_first = if nm == 12 { crate::sign::days_from_civil(ny + 1, 1, 1) } else { crate::sign::days_from_civil(ny, nm + 1, 1) };
    let len = next_first - crate::sign::days_from_civil(ny, nm, 1);
    let nd = d.min(len);
    let new_days = crate::sign::days_from_civil(ny, nm, nd);
    ms + (new_days - days) * 86_400_000
}

/// A date expression `pattern[+-N unit]` (units `y`, `M`, `d`, `h`/`H`, `m`, `s`): `yyyy-MM-dd`,
/// `yyyyMMdd-1d`, `yyyy-MM-dd HH:mm:ss+2h`. `None` when the text holds no date letters.
pub fn date_expression(expr: &str, now_ms: i64) -> Option<String> {
    let (pattern, at) = match split_offset(expr) {
        Some((p, sign, n, unit)) => {
            let n = sign * n;
            let at = match unit {
                'y' => add_months(now_ms, 12 * n),
                'M' => add_months(now_ms, n),
                'd' => now_ms + n * 86_400_000,
                'h' | 'H' => now_ms + n * 3_600_000,
                'm' => now_ms + n * 60_000,
                _ => now_ms + n * 1000,
            };
            (p, at)
        }
        None => (expr, now_ms),
    };
    let letters_ok = pattern.bytes().all(|c| matches!(c, b'y' | b'M' | b'd' | b'H' | b'm' | b's' | b'S') || !c.is_ascii_alphabetic());
    let has_date = ["yyyy", "yy", "MM", "dd", "HH", "mm", "ss"].iter().any(|t| pattern.contains(t));
    (letters_ok && has_date).then(|| format_date(pattern, at))
}

fn split_offset(expr: &str) -> Option<(&str, i64, i64, char)> {
    let unit = expr.chars().last()?;
    if !matches!(unit, 'y' | 'M' | 'd' | 'h' | 'H' | 'm' | 's') {
        return None;
    }
    let body = &expr[..expr.len() - 1];
    let digits = body.bytes().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let sign_at = body.len() - digits - 1;
    let sign = match body.as_bytes().get(sign_at)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let n: i64 = body[sign_at + 1..].parse().ok()?;
    Some((&body[..sign_at], sign, n, unit))
}

/// What substitution did: the text, the names it could not resolve, and the text with password
/// variables masked (for logs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    pub shown: String,
    pub unresolved: Vec<String>,
}

/// Replaces `${name}` in `text` by the job's variables — CustomVariables, then ParamConf (whose
/// values may themselves be date expressions, as in `{"date":"${yyyy-MM-dd}"}`) — and `${…}` date
/// expressions by the time `now_ms` (UTC). Unknown names stay as written and are reported.
pub fn substitute(text: &str, param_conf_raw: &str, custom_raw: &str, now_ms: i64) -> Result<Substituted, Problem> {
    let mut vars: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for v in custom_variables(custom_raw)? {
        vars.insert(v.name, (v.value, v.password));
    }
    for (k, v) in param_conf(param_conf_raw)? {
        let value = expand(&v, &BTreeMap::new(), now_ms, &mut Vec::new(), false);
        vars.insert(k, (value, false));
    }
    let mut unresolved = Vec::new();
    let out = expand(text, &vars, now_ms, &mut unresolved, false);
    let shown = expand(text, &vars, now_ms, &mut Vec::new(), true);
    Ok(Substituted { text: out, shown, unresolved })
}

fn expand(text: &str, vars: &BTreeMap<String, (String, bool)>, now_ms: i64, unresolved: &mut Vec<String>, mask: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        match vars.get(name.trim()) {
            Some((_, true)) if mask => out.push_str("******"),
            Some((v, _)) => out.push_str(v),
            None => match date_expression(name.trim(), now_ms) {
                Some(d) => out.push_str(&d),
                None => {
                    if !unresolved.iter().any(|u| u == name) {
                        unresolved.push(name.to_string());
                    }
                    out.push_str(&rest[start..start + 2 + end + 1]);
                }
            },
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// ListFlowJobHistory's `TimeRange`: `{"type":"range","from":ms,"to":ms}` (either end optional).
pub fn time_range(raw: &str) -> Result<(Option<i64>, Option<i64>), Problem> {
    let m = json_object("TimeRange", raw)?;
    let get = |k: &str| -> Result<Option<i64>, Problem> {
        match m.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .map(Some)
                .ok_or_else(|| Problem::new("flow.time_range")),
        }
    };
    let (from, to) = (get("from")?, get("to")?);
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(Problem::new("flow.time_range"));
        }
    }
    Ok((from, to))
}

// ---------------------------------------------------------------------------------------------
// Whole answers (what a client reads): PascalCase, lists wrapped the XML way

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Projects {
    pub project: Vec<FlowProject>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ListFlowProjectResponse {
    pub request_id: String,
    pub page_number: i64,
    pub page_size: i64,
    pub total: i64,
    pub projects: Projects,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct JobList {
    pub job: Vec<FlowJob>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ListFlowJobResponse {
    pub request_id: String,
    pub page_number: i64,
    pub page_size: i64,
    pub total: i64,
    pub job_list: JobList,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Clusters {
    pub cluster_info: Vec<ClusterInfo>,
}

/// ListFlowCluster counts in `TotalCount`, unlike the other lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ListFlowClusterResponse {
    pub request_id: String,
    pub page_number: i64,
    pub page_size: i64,
    pub total_count: i64,
    pub clusters: Clusters,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct Categories {
    pub category: Vec<FlowCategory>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ListFlowCategoryResponse {
    pub request_id: String,
    pub page_number: i64,
    pub page_size: i64,
    pub total: i64,
    pub categories: Categories,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct NodeInstances {
    pub node_instance: Vec<NodeInstanceSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct ListFlowJobHistoryResponse {
    pub request_id: String,
    pub page_number: i64,
    pub page_size: i64,
    pub total: i64,
    pub node_instances: NodeInstances,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct LogEntrys {
    pub log_entry: Vec<LogEntry>,
}

/// DescribeFlowNodeInstanceLauncherLog (the API's spelling, `LogEntrys`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct LauncherLogResponse {
    pub request_id: String,
    pub log_end: bool,
    pub log_entrys: LogEntrys,
}

/// Create* and SubmitFlowJob: the new object's id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct IdResponse {
    pub request_id: String,
    pub id: String,
}

/// Delete*, ModifyFlowJob, KillFlowJob.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct DataResponse {
    pub request_id: String,
    pub data: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn check(pairs: &[(&str, &str)]) -> Result<FlowJobSpec, Problem> {
        let all = params(pairs);
        let get = |k: &str| all.iter().find(|(n, v)| n == k && !v.is_empty()).map(|(_, v)| v.clone());
        check_flow_job(&get, &all, None)
    }

    const BASE: [(&str, &str); 3] = [("Name", "my_shell_job"), ("Description", "d"), ("Type", "shell")];

    fn with(extra: &[(&str, &str)]) -> Result<FlowJobSpec, Problem> {
        // An extra value replaces the base one of the same name.
        let mut v: Vec<(&str, &str)> = BASE.iter().copied().filter(|(k, _)| !extra.iter().any(|(e, _)| e == k)).collect();
        v.extend_from_slice(extra);
        check(&v)
    }

    #[test]
    fn create_flow_job_rules() {
        let s = with(&[]).unwrap();
        assert_eq!((s.kind.as_str(), s.fail_act.as_str(), s.mode.as_str(), s.max_retry, s.retry_interval), ("SHELL", "STOP", "YARN", 0, 200));
        for (t, want) in [("spark_sql", "SPARK_SQL"), ("ZEPPELIN", "ZEPPELIN"), ("impala_sql", "IMPALA_SQL"), ("mr", "MR")] {
            assert_eq!(check(&[("Name", "n"), ("Description", "d"), ("Type", t)]).unwrap().kind, want);
        }
        assert_eq!(check(&[("Name", "n"), ("Description", "d"), ("Type", "Hive_SQL")]).unwrap().kind, "HIVE_SQL");
        let p = check(&[("Name", "n"), ("Description", "d"), ("Type", "JAVA")]).unwrap_err();
        assert_eq!(p.key, "flow.job_type");
        for (missing_name, pairs) in [
            ("Name", vec![("Description", "d"), ("Type", "SHELL")]),
            ("Description", vec![("Name", "n"), ("Type", "SHELL")]),
            ("Type", vec![("Name", "n"), ("Description", "d")]),
        ] {
            let p = check(&pairs).unwrap_err();
            assert_eq!((p.key, p.param("name")), ("flow.missing", Some(missing_name)));
            assert_eq!(crate::emr::acs_code(&p), "MissingParameter");
        }
        assert_eq!(with(&[("FailAct", "continue")]).unwrap().fail_act, "CONTINUE");
        assert_eq!(with(&[("FailAct", "skip")]).unwrap_err().key, "flow.fail_act");
        assert_eq!(with(&[("MaxRetry", "5"), ("RetryInterval", "0")]).unwrap().max_retry, 5);
        for (k, v) in [("MaxRetry", "6"), ("MaxRetry", "-1"), ("RetryInterval", "301"), ("RetryInterval", "x"), ("MaxRunningTimeSec", "-1")] {
            assert_eq!(with(&[(k, v)]).unwrap_err().key, "flow.int_range", "{k}={v}");
        }
        assert_eq!(with(&[("Mode", "local")]).unwrap().mode, "LOCAL");
        assert_eq!(with(&[("Mode", "k8s")]).unwrap_err().key, "flow.mode");
        assert!(with(&[("Adhoc", "True")]).unwrap().adhoc);
        assert_eq!(with(&[("Adhoc", "maybe")]).unwrap_err().key, "flow.bool");
        assert_eq!(with(&[("Name", &"n".repeat(129))]).unwrap_err().key, "flow.name_too_long");
    }

    #[test]
    fn json_fields_are_parsed_and_refused_when_malformed() {
        assert!(with(&[("ParamConf", r#"{"date":"${yyyy-MM-dd}","n":3}"#)]).is_ok());
        assert_eq!(with(&[("ParamConf", "{date:1}")]).unwrap_err().key, "flow.bad_json");
        assert_eq!(with(&[("ParamConf", "[1]")]).unwrap_err().key, "flow.json_object");
        assert_eq!(with(&[("ParamConf", r#"{"a":{"b":1}}"#)]).unwrap_err().key, "flow.param_conf_value");
        assert!(with(&[("CustomVariables", r#"{"scope":"PROJECT","entityId":"FP-1","variables":[{"name":"v1","value":"1","properties":{"password":true}}]}"#)]).is_ok());
        assert!(with(&[("CustomVariables", r#"[{"name":"v1","value":"1"}]"#)]).is_ok());
        assert_eq!(with(&[("CustomVariables", r#"[{"value":"1"}]"#)]).unwrap_err().key, "flow.custom_variables");
        assert_eq!(with(&[("CustomVariables", "[")]).unwrap_err().key, "flow.bad_json");
        assert!(with(&[("EnvConf", r#"{"KEY":"value"}"#)]).is_ok());
        assert_eq!(with(&[("EnvConf", r#"{"1X":"v"}"#)]).unwrap_err().key, "flow.env_name");
        let long = format!(r#"{{"K":"{}"}}"#, "v".repeat(1100));
        assert_eq!(with(&[("EnvConf", &long)]).unwrap_err().key, "flow.env_conf_size");
        assert!(with(&[("RunConf", r#"{"priority":1,"userName":"hadoop","memory":2048,"cores":1}"#)]).is_ok());
        assert_eq!(with(&[("RunConf", r#"{"memory":-1}"#)]).unwrap_err().key, "flow.run_conf");
        assert_eq!(with(&[("RunConf", r#"{"userName":5}"#)]).unwrap_err().key, "flow.run_conf_user");
        let monitor = r#"{"inputs":[{"type":"KAFKA","clusterId":"C-1","topics":"t"}],"outputs":[]}"#;
        assert!(with(&[("Type", "SPARK_STREAMING"), ("MonitorConf", monitor)]).is_ok());
        assert_eq!(with(&[("MonitorConf", monitor)]).unwrap_err().key, "flow.monitor_conf_type");
        assert!(with(&[("MonitorConf", "{}")]).is_ok());
        assert_eq!(with(&[("Type", "SPARK_STREAMING"), ("MonitorConf", r#"{"inputs":1}"#)]).unwrap_err().key, "flow.monitor_conf");
        assert_eq!(with(&[("AlertConf", "nope")]).unwrap_err().key, "flow.bad_json");
    }

    #[test]
    fn resource_lists() {
        let s = with(&[("ResourceList.2.Path", "oss://b/c.jar"), ("ResourceList.1.Path", "oss://b/a.jar"), ("ResourceList.1.Alias", "a.jar")]).unwrap();
        assert_eq!(s.resources, vec![Resource { path: "oss://b/a.jar".into(), alias: "a.jar".into() }, Resource { path: "oss://b/c.jar".into(), alias: String::new() }]);
        assert_eq!(with(&[("ResourceList.1.Alias", "a")]).unwrap_err().param("name"), Some("ResourceList.1.Path"));
        assert_eq!(with(&[("ResourceList.1.Path", "/etc/passwd")]).unwrap_err().key, "flow.resource_path");
        assert_eq!(with(&[("ResourceList.0.Path", "oss://b/a")]).unwrap_err().key, "flow.resource_param");
        assert_eq!(with(&[("ResourceList.1.Size", "1")]).unwrap_err().key, "flow.resource_param");
    }

    #[test]
    fn modify_keeps_what_is_not_sent() {
        let base = with(&[("MaxRetry", "3")]).unwrap();
        let all = params(&[("MaxRetry", "1"), ("Type", "HIVE")]);
        let get = |k: &str| all.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let m = check_flow_job(&get, &all, Some(&base)).unwrap();
        assert_eq!((m.name.as_str(), m.max_retry, m.kind.as_str()), ("my_shell_job", 1, "SHELL"));
    }

    // 2024-02-29 13:05:09.123 UTC
    const NOW: i64 = 1_709_211_909_123;

    #[test]
    fn dates_and_offsets() {
        assert_eq!(format_date("yyyy-MM-dd HH:mm:ss.SSS", NOW), "2024-02-29 13:05:09.123");
        assert_eq!(date_expression("yyyyMMdd", NOW).as_deref(), Some("20240229"));
        assert_eq!(date_expression("yyyy-MM-dd-1d", NOW).as_deref(), Some("2024-02-28"));
        assert_eq!(date_expression("yyyy-MM-dd+1d", NOW).as_deref(), Some("2024-03-01"));
        assert_eq!(date_expression("yyyy-MM-dd-1y", NOW).as_deref(), Some("2023-02-28"));
        assert_eq!(date_expression("yyyy-MM-1M", NOW).as_deref(), Some("2024-01"));
        assert_eq!(date_expression("HH:mm+2h", NOW).as_deref(), Some("15:05"));
        assert_eq!(date_expression("yyMMdd-30m", NOW).as_deref(), Some("240229"));
        assert_eq!(date_expression("name", NOW), None);
        assert_eq!(date_expression("v1", NOW), None);
    }

    #[test]
    fn substitution() {
        let s = substitute(
            "hive -e \"select * from t where dt='${date}' and v=${v1} and p=${secret}\" ${yyyy-MM-dd-1d} ${missing}",
            r#"{"date":"${yyyyMMdd}"}"#,
            r#"{"scope":"PROJECT","entityId":"FP-1","variables":[{"name":"v1","value":"1"},{"name":"secret","value":"s3","properties":{"password":true}}]}"#,
            NOW,
        )
        .unwrap();
        assert_eq!(s.text, "hive -e \"select * from t where dt='20240229' and v=1 and p=s3\" 2024-02-28 ${missing}");
        assert!(s.shown.contains("p=******") && !s.shown.contains("s3"));
        assert_eq!(s.unresolved, vec!["missing".to_string()]);
        assert_eq!(substitute("no vars ${", "", "", NOW).unwrap().text, "no vars ${");
        assert_eq!(substitute("x", "{bad", "", NOW).unwrap_err().key, "flow.bad_json");
    }

    #[test]
    fn list_answers_read_the_wrappers() {
        let r: ListFlowJobResponse = serde_json::from_str(r#"{"RequestId":"R","PageNumber":1,"PageSize":20,"Total":1,"JobList":{"Job":[{"Id":"FJ-1","Type":"SHELL","mode":"YARN","Adhoc":"false","ResourceList":{"Resource":[{"Path":"oss://b/a"}]}}]}}"#).unwrap();
        assert_eq!((r.total, r.job_list.job[0].mode.as_str(), r.job_list.job[0].resource_list.resource[0].path.as_str()), (1, "YARN", "oss://b/a"));
        let c: ListFlowClusterResponse = serde_json::from_str(r#"{"TotalCount":3,"Clusters":{"ClusterInfo":[{"Id":"C-1","Status":"IDLE"}]}}"#).unwrap();
        assert_eq!((c.total_count, c.clusters.cluster_info[0].status.as_str()), (3, "IDLE"));
        let h: ListFlowJobHistoryResponse = serde_json::from_str(r#"{"Total":1,"NodeInstances":{"NodeInstance":[{"Id":"FJI-1","pending":true}]}}"#).unwrap();
        assert!(h.node_instances.node_instance[0].pending);
        let l: LauncherLogResponse = serde_json::from_str(r#"{"LogEnd":true,"LogEntrys":{"LogEntry":[{"Content":"a"}]}}"#).unwrap();
        assert_eq!((l.log_end, l.log_entrys.log_entry[0].content.as_str()), (true, "a"));
    }

    #[test]
    fn wire_shapes() {
        let j = serde_json::to_value(FlowJob { mode: "YARN".into(), kind: "SHELL".into(), ..Default::default() }).unwrap();
        assert_eq!((j["mode"].as_str(), j["Type"].as_str()), (Some("YARN"), Some("SHELL")));
        assert!(j.get("ResourceList").unwrap().get("Resource").is_some());
        let n = serde_json::to_value(NodeInstanceSummary { pending: true, ..Default::default() }).unwrap();
        assert_eq!(n["pending"], true);
        assert!(n.get("Pending").is_none());
        let d = serde_json::to_value(NodeInstance::default()).unwrap();
        assert_eq!((d["Pending"].as_bool(), d["MaxRetry"].as_str()), (Some(false), Some("")));
        assert_eq!(parse_status("kill_success"), Some("KILL_SUCCESS"));
        assert_eq!(time_range(r#"{"type":"range","from":1,"to":2}"#).unwrap(), (Some(1), Some(2)));
        assert_eq!(time_range(r#"{"from":3,"to":2}"#).unwrap_err().key, "flow.time_range");
    }
}
