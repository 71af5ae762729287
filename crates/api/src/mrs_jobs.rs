//! MRS V2 jobs and the HDFS file list: wire types (mrs-api.md §5.2, §7, §9) and their rules.
//! Job records render `arguments`/`properties` as Java `toString()` strings and times as epoch
//! milliseconds, because that is what the service answers and what the SDK models declare.

use std::collections::BTreeMap;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::mrs::CreateClusterReq;
use crate::problem::Problem;
use crate::rules::{required_problem, FieldError, INVALID_PARAM};

pub const JOB_NOT_FOUND: &str = "0176";
pub const TOO_MANY_JOBS: &str = "0177";
pub const NOT_SQL_JOB: &str = "0179";
pub const SQL_RESULT_EMPTY: &str = "0181";
pub const JOB_RUNNING: &str = "0183";
pub const KILL_FAILED: &str = "0175";
pub const CLUSTER_NOT_RUNNING: &str = "12000062";
pub const DIR_NOT_FOUND: &str = "12000057";

/// Jobs that have not ended, per cluster (§7: "at most 10 running jobs per cluster").
pub const MAX_ACTIVE_JOBS: usize = 10;
pub const MAX_JOB_NAME: usize = 64;
/// Total characters of all arguments together (current docs; older ones said 4096).
pub const MAX_ARGUMENTS_CHARS: usize = 150_000;
/// Total characters of all property keys and values together.
pub const MAX_PROPERTIES_CHARS: usize = 2048;
pub const ARGUMENT_FORBIDDEN: &str = ";|&>'<$!\"\\";
pub const PROPERTY_FORBIDDEN: &str = "><|'`&!\\";
/// Characters a file-list path segment may not contain (§9).
pub const PATH_FORBIDDEN: &str = ":*?\"<>|\\;&,'`!{}[]$%+";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobType {
    MapReduce,
    SparkSubmit,
    SparkPython,
    HiveScript,
    HiveSql,
    DistCp,
    SparkScript,
    SparkSql,
    Flink,
}

impl JobType {
    pub const ALL: [JobType; 9] = [
        JobType::MapReduce,
        JobType::SparkSubmit,
        JobType::SparkPython,
        JobType::HiveScript,
        JobType::HiveSql,
        JobType::DistCp,
        JobType::SparkScript,
        JobType::SparkSql,
        JobType::Flink,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobType::MapReduce => "MapReduce",
            JobType::SparkSubmit => "SparkSubmit",
            JobType::SparkPython => "SparkPython",
            JobType::HiveScript => "HiveScript",
            JobType::HiveSql => "HiveSql",
            JobType::DistCp => "DistCp",
            JobType::SparkScript => "SparkScript",
            JobType::SparkSql => "SparkSql",
            JobType::Flink => "Flink",
        }
    }

    pub fn parse(s: &str) -> Option<JobType> {
        JobType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The type a job is stored and listed as: the service reports SparkPython jobs as SparkSubmit.
    pub fn listed(self) -> JobType {
        if self == JobType::SparkPython {
            JobType::SparkSubmit
        } else {
            self
        }
    }

    /// Types whose work is SQL text run by the warehouse engine.
    pub fn is_sql(self) -> bool {
        matches!(self, JobType::HiveScript | JobType::HiveSql | JobType::SparkScript | JobType::SparkSql)
    }

    /// Types that answer ShowSqlResultWithJob (others get 0179).
    pub fn has_sql_result(self) -> bool {
        matches!(self, JobType::SparkScript | JobType::SparkSql)
    }

    /// Types whose last argument names a `.sql` file instead of holding the SQL text.
    pub fn is_script(self) -> bool {
        matches!(self, JobType::HiveScript | JobType::SparkScript)
    }
}

pub const JOB_STATES: [&str; 8] = ["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING", "FINISHED", "FAILED", "KILLED"];
pub const JOB_RESULTS: [&str; 4] = ["SUCCEEDED", "FAILED", "KILLED", "UNDEFINED"];

/// Whether a job in `state` has ended.
pub fn is_final_state(state: &str) -> bool {
    matches!(state, "FINISHED" | "FAILED" | "KILLED")
}

/// `POST .../job-executions` body, and one RunJobFlow step. Fields are `Option` so a missing one
/// gets its own error message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobExecution {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobSubmitResult {
    pub job_id: String,
    pub state: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateJobResponse {
    pub job_submit_result: JobSubmitResult,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobQueryBean {
    pub job_id: String,
    pub user: String,
    pub job_name: String,
    pub job_result: String,
    pub job_state: String,
    /// Percent, 0 to 100.
    pub job_progress: f64,
    pub job_type: String,
    pub started_time: i64,
    pub submitted_time: i64,
    pub finished_time: i64,
    pub elapsed_time: i64,
    pub arguments: String,
    pub launcher_id: String,
    pub properties: String,
    pub app_id: String,
    pub tracking_url: String,
    pub queue: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListJobsResponse {
    pub total_record: i64,
    pub job_list: Vec<JobQueryBean>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShowJobResponse {
    pub job_detail: JobQueryBean,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchDeleteJobsReq {
    pub job_id_list: Option<Vec<String>>,
}

/// One result row: column name → value as text, in the query's column order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SqlRow(pub Vec<(String, String)>);

/// `sql_results`: statement index (`"0"`, `"1"`, ...) → rows, in statement order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SqlResults(pub Vec<(String, Vec<SqlRow>)>);

fn serialize_pairs<S: Serializer, V: Serialize>(pairs: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

struct PairsVisitor<V>(std::marker::PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for PairsVisitor<V> {
    type Value = Vec<(String, V)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, V>()? {
            out.push((k, v));
        }
        Ok(out)
    }
}

impl Serialize for SqlRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for SqlRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Values are strings on the wire; anything else (a number from another producer) is kept as its JSON text.
        let pairs = d.deserialize_map(PairsVisitor::<serde_json::Value>(std::marker::PhantomData))?;
        Ok(SqlRow(
            pairs
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
                .collect(),
        ))
    }
}

impl Serialize for SqlResults {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_pairs(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for SqlResults {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SqlResults(d.deserialize_map(PairsVisitor::<Vec<SqlRow>>(std::marker::PhantomData))?))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqlResultResponse {
    pub sql_results: SqlResults,
}

/// The result of a statement that returns no rows.
pub fn succeed_row() -> SqlRow {
    SqlRow(vec![("result".into(), "succeed".into())])
}

/// A slice of a job's log, for following it (sandbox extension, not an MRS API).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobLogChunk {
    pub job_id: String,
    /// Byte offset of `content` in the log.
    pub offset: u64,
    /// Where the next read should start.
    pub next_offset: u64,
    /// The job has ended and `next_offset` is the end of its log: nothing more will come.
    pub complete: bool,
    pub content: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepConfig {
    pub job_execution: Option<JobExecution>,
}

/// `POST /v2/{p}/run-job-flow`: a create-cluster request plus the jobs to run once it is running.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunJobFlowReq {
    #[serde(flatten)]
    pub cluster: CreateClusterReq,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<StepConfig>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_when_no_steps: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileStatusV2 {
    pub path_suffix: String,
    pub owner: String,
    pub group: String,
    /// Octal, as WebHDFS answers it (`"755"`).
    pub permission: String,
    pub replication: i64,
    pub block_size: i64,
    pub length: i64,
    #[serde(rename = "type")]
    pub file_type: String,
    pub children_num: i64,
    pub access_time: i64,
    pub modification_time: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilesResponse {
    pub total_count: i64,
    pub files: Vec<FileStatusV2>,
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// Java's `List.toString()`: `[a, b]`, `[]` when empty.
pub fn java_list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// Java's `Map.toString()`: `{k=v, k2=v2}`, `{}` when empty.
pub fn java_map(map: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Rules

/// Job names: 1–64 letters, digits, `-` or `_` (duplicates are allowed).
pub fn validate_job_name(name: &str) -> Result<(), Problem> {
    if name.is_empty() {
        return Err(Problem::new("job.name_required"));
    }
    if name.chars().count() > MAX_JOB_NAME {
        return Err(Problem::new("job.name_too_long").with("max", MAX_JOB_NAME));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(Problem::new("job.name_bad_char").with("char", bad));
    }
    Ok(())
}

fn forbidden_in(text: &str, forbidden: &str) -> Option<char> {
    text.chars().find(|c| forbidden.contains(*c))
}

/// Checks a job the way the service does before accepting it. The first error is the answer;
/// the console shows them all.
pub fn validate_job(job: &JobExecution) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, problem: Problem| errors.push(FieldError::new(field, INVALID_PARAM, problem));
    let kind = match job.job_type.as_deref() {
        None | Some("") => {
            err("job_type", required_problem("job_type"));
            None
        }
        Some(t) => {
            let kind = JobType::parse(t);
            if kind.is_none() {
                let all: Vec<&str> = JobType::ALL.iter().map(|t| t.as_str()).collect();
                err("job_type", Problem::new("job.type_unknown").with("value", t).with("types", all.join(", ")));
            }
            kind
        }
    };
    if let Err(p) = validate_job_name(job.job_name.as_deref().unwrap_or("")) {
        err("job_name", p);
    }
    let args = job.arguments.as_deref().unwrap_or(&[]);
    let mut total = 0;
    for (i, a) in args.iter().enumerate() {
        total += a.chars().count();
        if let Some(c) = forbidden_in(a, ARGUMENT_FORBIDDEN) {
            err(&format!("arguments[{i}]"), Problem::new("job.argument_bad_char").with("char", c).with("forbidden", ARGUMENT_FORBIDDEN));
        }
    }
    if total > MAX_ARGUMENTS_CHARS {
        err("arguments", Problem::new("job.arguments_too_long").with("max", MAX_ARGUMENTS_CHARS).with("count", total));
    }
    let props = job.properties.clone().unwrap_or_default();
    let mut total = 0;
    for (k, v) in &props {
        total += k.chars().count() + v.chars().count();
        if let Some(c) = forbidden_in(k, PROPERTY_FORBIDDEN).or_else(|| forbidden_in(v, PROPERTY_FORBIDDEN)) {
            err(&format!("properties.{k}"), Problem::new("job.property_bad_char").with("char", c).with("forbidden", PROPERTY_FORBIDDEN));
        }
        if k.trim().is_empty() {
            err("properties", Problem::new("job.property_name_empty"));
        }
    }
    if total > MAX_PROPERTIES_CHARS {
        err("properties", Problem::new("job.properties_too_long").with("max", MAX_PROPERTIES_CHARS).with("count", total));
    }
    if let Some(kind) = kind {
        if let Some(p) = arguments_problem(kind, args) {
            err("arguments", p);
        }
    }
    errors
}

/// What the arguments of `kind` must look like (§7.1 conventions).
fn arguments_problem(kind: JobType, args: &[String]) -> Option<Problem> {
    let last = args.last().map(|s| s.trim()).unwrap_or("");
    let of = |key: &'static str| Some(Problem::new(key).with("job_type", kind.as_str()));
    match kind {
        JobType::SparkSql | JobType::HiveSql if last.is_empty() => of("job.sql_missing"),
        JobType::SparkScript | JobType::HiveScript if !last.to_ascii_lowercase().ends_with(".sql") => of("job.script_missing"),
        JobType::SparkSql | JobType::SparkScript if args.len().is_multiple_of(2) => of("job.config_pairs"),
        JobType::DistCp if args.len() != 2 || args.iter().any(|a| a.trim().is_empty()) => Some(Problem::new("job.distcp_args")),
        JobType::MapReduce | JobType::SparkSubmit | JobType::SparkPython | JobType::Flink if args.is_empty() => of("job.program_missing"),
        _ => None,
    }
}

/// ShowJobList's `user`: 1–32 letters, digits, `-`, `_` or `.`, not starting with a digit.
pub fn valid_job_user(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// ShowJobList's `job_id`: 1–64 letters, digits or `-`.
pub fn valid_job_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A directory path for ShowHdfsFileList: absolute, each segment non-empty, not starting or
/// ending with `.`, at most 255 bytes, free of the §9 characters. `/` itself is allowed.
pub fn validate_file_list_path(path: &str) -> Result<(), Problem> {
    if !path.starts_with('/') {
        return Err(Problem::new("path.not_absolute").with("path", path));
    }
    if path == "/" {
        return Ok(());
    }
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    for seg in trimmed[1..].split('/') {
        if seg.is_empty() {
            return Err(Problem::new("path.empty_segment").with("path", path));
        }
        if seg.starts_with('.') || seg.ends_with('.') {
            return Err(Problem::new("path.dot_segment").with("segment", seg));
        }
        if seg.len() > 255 {
            return Err(Problem::new("path.segment_too_long").with("segment", &seg[..seg.floor_char_boundary(20)]).with("max", 255));
        }
        if let Some(c) = forbidden_in(seg, PATH_FORBIDDEN) {
            return Err(Problem::new("path.bad_char").with("char", c).with("forbidden", PATH_FORBIDDEN));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(t: &str, args: &[&str]) -> JobExecution {
        JobExecution {
            job_type: Some(t.into()),
            job_name: Some("job_1".into()),
            arguments: Some(args.iter().map(|s| s.to_string()).collect()),
            properties: None,
        }
    }

    fn fields(j: &JobExecution) -> Vec<String> {
        validate_job(j).into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn job_types_and_listing() {
        assert_eq!(JobType::parse("SparkPython").unwrap().listed(), JobType::SparkSubmit);
        assert_eq!(JobType::parse("HiveSql").unwrap().listed(), JobType::HiveSql);
        assert_eq!(JobType::parse("sparksql"), None, "case-sensitive like the service");
        assert!(JobType::SparkSql.has_sql_result() && !JobType::HiveSql.has_sql_result());
        assert!(JobType::HiveScript.is_sql() && JobType::HiveScript.is_script());
        assert!(is_final_state("KILLED") && !is_final_state("ACCEPTED"));
    }

    #[test]
    fn valid_jobs_pass() {
        assert_eq!(fields(&job("SparkSql", &["select count(*) from lineitem"])), Vec::<String>::new());
        assert_eq!(fields(&job("SparkSql", &["spark.sql.shuffle.partitions", "4", "select 1"])), Vec::<String>::new());
        assert_eq!(fields(&job("HiveScript", &["obs://b/q.sql"])), Vec::<String>::new());
        assert_eq!(fields(&job("DistCp", &["/tmp/a", "obs://b/a"])), Vec::<String>::new());
        assert_eq!(fields(&job("SparkSubmit", &["--class", "Main", "/app.jar"])), Vec::<String>::new());
    }

    #[test]
    fn names_types_and_required_fields() {
        let mut j = job("SparkSql", &["select 1"]);
        j.job_name = Some("bad name".into());
        assert_eq!(fields(&j), ["job_name"]);
        j.job_name = Some("x".repeat(65));
        assert_eq!(fields(&j), ["job_name"]);
        j.job_name = Some("a".repeat(64));
        assert!(fields(&j).is_empty());
        j.job_name = None;
        assert_eq!(fields(&j), ["job_name"]);
        assert_eq!(fields(&job("Pig", &["x"])), ["job_type"]);
        let mut j = job("SparkSql", &["select 1"]);
        j.job_type = None;
        assert_eq!(fields(&j), ["job_type"]);
        let e = validate_job(&job("Pig", &[]));
        assert!(e[0].problem.param("types").is_some_and(|t| t.contains("SparkSql")) && e[0].code == INVALID_PARAM, "{e:?}");
    }

    #[test]
    fn forbidden_characters_and_lengths() {
        for c in [";", "|", "&", ">", "'", "<", "$", "!", "\"", "\\"] {
            let j = job("SparkSubmit", &["--x", &format!("a{c}b")]);
            assert_eq!(fields(&j), ["arguments[1]"], "{c}");
        }
        assert!(fields(&job("SparkSubmit", &["a`b"])).is_empty(), "backquote is allowed in arguments");
        let mut j = job("SparkSubmit", &["a"]);
        for c in [">", "<", "|", "'", "`", "&", "!", "\\"] {
            j.properties = Some(BTreeMap::from([("k".to_string(), format!("v{c}"))]));
            assert_eq!(fields(&j), ["properties.k"], "{c}");
        }
        j.properties = Some(BTreeMap::from([("spark.x".to_string(), "a;b$c".to_string())]));
        assert!(fields(&j).is_empty(), "; and $ are allowed in properties");
        j.properties = Some(BTreeMap::from([("k".to_string(), "v".repeat(2048))]));
        assert_eq!(fields(&j), ["properties"]);
        let long = "a".repeat(MAX_ARGUMENTS_CHARS);
        assert_eq!(fields(&job("SparkSubmit", &[&long, "b"])), ["arguments"]);
    }

    #[test]
    fn argument_shapes_per_type() {
        assert_eq!(fields(&job("SparkSql", &[])), ["arguments"]);
        assert_eq!(fields(&job("SparkSql", &["k", "select 1"])), ["arguments"], "unpaired conf");
        assert_eq!(fields(&job("HiveSql", &["  "])), ["arguments"]);
        assert_eq!(fields(&job("SparkScript", &["obs://b/q.txt"])), ["arguments"]);
        assert_eq!(fields(&job("DistCp", &["/a"])), ["arguments"]);
        assert_eq!(fields(&job("DistCp", &["/a", "/b", "/c"])), ["arguments"]);
        assert_eq!(fields(&job("MapReduce", &[])), ["arguments"]);
    }

    #[test]
    fn java_rendering() {
        assert_eq!(java_list(&["--class".into(), "x".into(), "obs://b/app.jar".into()]), "[--class, x, obs://b/app.jar]");
        assert_eq!(java_list(&[]), "[]");
        assert_eq!(java_map(&BTreeMap::new()), "{}");
        let m = BTreeMap::from([("b".to_string(), "2".to_string()), ("a".to_string(), "1".to_string())]);
        assert_eq!(java_map(&m), "{a=1, b=2}");
    }

    #[test]
    fn list_query_values() {
        assert!(valid_job_user("admin.x-1_y"));
        assert!(!valid_job_user("1admin") && !valid_job_user("") && !valid_job_user("a b") && !valid_job_user(&"a".repeat(33)));
        assert!(valid_job_id("4b6b0a4c-5e1a-4c0b-8d6d-9f2f7c1e2a3b"));
        assert!(!valid_job_id("a_b") && !valid_job_id(""));
    }

    #[test]
    fn file_list_paths() {
        for ok in ["/", "/tmp", "/tmp/", "/user/hive/warehouse", "/a-b/c_d/e.f", "/日本"] {
            assert_eq!(validate_file_list_path(ok), Ok(()), "{ok}");
        }
        for bad in ["", "tmp", "/tmp//x", "/.hidden", "/x.", "/a/../b", "/a:b", "/a*b", "/a b?", "/a{b}", "/a%2e", "/a+b", "/a,b"] {
            assert!(validate_file_list_path(bad).is_err(), "{bad}");
        }
        assert_eq!(validate_file_list_path(&format!("/{}", "a".repeat(256))).unwrap_err().key, "path.segment_too_long");
        assert_eq!(validate_file_list_path(&format!("/{}", "a".repeat(255))), Ok(()));
    }

    #[test]
    fn sql_results_keep_order_and_round_trip() {
        let r = SqlResultResponse {
            sql_results: SqlResults(vec![
                ("0".into(), vec![succeed_row()]),
                ("1".into(), vec![SqlRow(vec![("z".into(), "1".into()), ("a".into(), "x".into())])]),
            ]),
        };
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(text, r#"{"sql_results":{"0":[{"result":"succeed"}],"1":[{"z":"1","a":"x"}]}}"#);
        assert_eq!(serde_json::from_str::<SqlResultResponse>(&text).unwrap(), r);
    }

    #[test]
    fn run_job_flow_flattens_the_create_request() {
        let body = r#"{"cluster_name":"c1","node_groups":[],"delete_when_no_steps":true,
            "steps":[{"job_execution":{"job_type":"SparkSql","job_name":"s","arguments":["select 1"]}}]}"#;
        let r: RunJobFlowReq = serde_json::from_str(body).unwrap();
        assert_eq!(r.cluster.cluster_name.as_deref(), Some("c1"));
        assert_eq!(r.delete_when_no_steps, Some(true));
        assert_eq!(r.steps.unwrap()[0].job_execution.as_ref().unwrap().job_type.as_deref(), Some("SparkSql"));
    }

    #[test]
    fn file_status_uses_the_wire_key_type() {
        let f = FileStatusV2 { file_type: "FILE".into(), ..Default::default() };
        assert!(serde_json::to_string(&f).unwrap().contains(r#""type":"FILE""#));
    }
}
