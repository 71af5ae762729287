//! What the console's Alibaba EMR views decide without the network: the Job runs view's filters as
//! they live in the URL and as ListJobRuns' query, the tokens that page it forward and back, the
//! submit form's draft checked with StartJobRun's own rules ([`crate::emr::check_start`]), a SQL
//! run's driver output read back into tables, and the Flow views' job form (checked with
//! CreateFlowJob's rules, [`crate::emr_flow::check_flow_job`]) and instance-history filters.
//!
//! Nothing here words a message: problems are [`Problem`]s with `emr.*` / `flow.*` keys, attached
//! to the form field they concern.

use crate::emr::{self, Configuration, ConfigurationOverrides, JobDriver, SparkSubmit, StartJobRunRequest, Tag};
use crate::emr_flow::{self, FlowJob, Resource};
use crate::grid::ResultSet;
use crate::problem::Problem;

/// A problem and the form field (or filter control) it belongs to.
pub type FieldProblem = (&'static str, Problem);

/// Rows per page of the Job runs view until the user picks another of `paging::PAGE_SIZES` (the
/// console's pager; ListJobRuns takes up to 100).
pub const DEFAULT_RUN_PAGE_SIZE: i64 = 20;

/// The configuration file a `key=value` override goes to when the line names none.
pub const DEFAULT_CONFIG_FILE: &str = "spark-defaults.conf";

// ---------------------------------------------------------------------------------------------
// Small parsers

/// `key=value` pairs separated by commas or line breaks (`env=dev, team=data`). A pair without
/// `=` is a problem; an empty value is allowed (`key=`). Keys are trimmed; values are trimmed too.
pub fn parse_pairs(field: &'static str, text: &str) -> Result<Vec<(String, String)>, FieldProblem> {
    let mut out = Vec::new();
    for part in text.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => out.push((k.trim().to_string(), v.trim().to_string())),
            _ => return Err((field, Problem::new("emr.pair").with("text", part))),
        }
    }
    Ok(out)
}

/// `k=v, k2=v2` from pairs (the inverse of [`parse_pairs`] for keys and values without commas).
pub fn format_pairs(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

/// A duration as people type it: `90s`, `5m`, `1h30m`, `2d`, `1500ms`; a bare number is seconds.
/// Milliseconds, or `None` when the text is not a duration.
pub fn parse_duration_ms(text: &str) -> Option<i64> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    if let Ok(secs) = t.parse::<i64>() {
        return (secs >= 0).then(|| secs.checked_mul(1000)).flatten();
    }
    let mut total: i64 = 0;
    let mut rest = t.as_str();
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 12 {
            return None;
        }
        let n: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let (unit_ms, len) = if rest.starts_with("ms") {
            (1, 2)
        } else {
            match rest.as_bytes().first()? {
                b's' => (1000, 1),
                b'm' => (60_000, 1),
                b'h' => (3_600_000, 1),
                b'd' => (86_400_000, 1),
                _ => return None,
            }
        };
        total = total.checked_add(n.checked_mul(unit_ms)?)?;
        rest = rest[len..].trim_start();
    }
    Some(total)
}

/// Reads a queue resource text of ListWorkspaceQueues (`{"cpu":"8","memory":"32Gi"}`) as cores
/// and MiB; `None` when it is not that shape.
pub fn parse_queue_resource(text: &str) -> Option<(f64, f64)> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let num = |x: &serde_json::Value| match x {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let cpu = num(v.get("cpu")?)?;
    let mem = v.get("memory")?;
    let memory_mb = match mem {
        serde_json::Value::String(s) => {
            let s = s.trim();
            let (n, mult) = if let Some(n) = s.strip_suffix("Gi") {
                (n, 1024.0)
            } else if let Some(n) = s.strip_suffix("Mi") {
                (n, 1.0)
            } else if let Some(n) = s.strip_suffix("Ti") {
                (n, 1024.0 * 1024.0)
            } else {
                (s, 1.0 / (1024.0 * 1024.0))
            };
            n.trim().parse::<f64>().ok()? * mult
        }
        other => num(other)? / (1024.0 * 1024.0),
    };
    Some((cpu, memory_mb))
}

// ---------------------------------------------------------------------------------------------
// Job runs: filters in the URL and ListJobRuns' query

/// The Job runs view's state as it appears in the URL. Text filters are kept as typed (so the
/// address shows what the user wrote); [`RunFilters::api_query`] turns them into ListJobRuns'
/// parameters. Times are `datetime-local` values in the browser's zone; the caller converts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunFilters {
    pub workspace: String,
    /// `resourceQueueId`.
    pub queue: String,
    /// Substring of the name.
    pub name: String,
    pub run_id: String,
    pub creator: String,
    /// Canonical state names.
    pub states: Vec<&'static str>,
    /// `key=value, …`: every tag must be on the run.
    pub tags: String,
    pub submitted_from: String,
    pub submitted_to: String,
    pub ended_from: String,
    pub ended_to: String,
    /// A duration (`5m`); runs that ran at least this long.
    pub min_duration: String,
    /// `true`, `false` or empty (either).
    pub workflow: String,
    pub deployment: String,
    /// `key=value, …` of spark-submit options (`mainClass=org.Foo`).
    pub runtime: String,
    /// `key=value, …` of Spark settings.
    pub app_conf: String,
    pub size: i64,
    /// The page number shown (1-based) and the token that loads it (empty for the first page).
    pub page: u32,
    pub token: String,
}

impl Default for RunFilters {
    fn default() -> Self {
        RunFilters {
            workspace: String::new(),
            queue: String::new(),
            name: String::new(),
            run_id: String::new(),
            creator: String::new(),
            states: Vec::new(),
            tags: String::new(),
            submitted_from: String::new(),
            submitted_to: String::new(),
            ended_from: String::new(),
            ended_to: String::new(),
            min_duration: String::new(),
            workflow: String::new(),
            deployment: String::new(),
            runtime: String::new(),
            app_conf: String::new(),
            size: DEFAULT_RUN_PAGE_SIZE,
            page: 1,
            token: String::new(),
        }
    }
}

/// The URL keys of [`RunFilters`], in the order they are written.
const RUN_KEYS: [&str; 19] = [
    "ws", "queue", "name", "id", "creator", "states", "tags", "from", "to", "ended_from", "ended_to", "min", "workflow",
    "deployment", "runtime", "conf", "size", "page", "token",
];

impl RunFilters {
    /// Reads the URL query (`get` answers a parameter's value). Values that cannot be meant
    /// (unknown states, a page size the view does not offer) fall back to their default; text
    /// filters are kept as written and checked by [`RunFilters::problems`].
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> RunFilters {
        let text = |k: &str| get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        let states = text("states").split(',').filter_map(emr::parse_state).fold(Vec::new(), |mut acc, s| {
            if !acc.contains(&s) {
                acc.push(s);
            }
            acc
        });
        let workflow = match text("workflow").to_ascii_lowercase().as_str() {
            w @ ("true" | "false") => w.to_string(),
            _ => String::new(),
        };
        let size = text("size").parse().ok().filter(|&n| crate::paging::is_page_size(n)).unwrap_or(DEFAULT_RUN_PAGE_SIZE);
        let token = text("token");
        let page = text("page").parse::<u32>().ok().filter(|p| *p >= 1).unwrap_or(1);
        RunFilters {
            workspace: text("ws"),
            queue: text("queue"),
            name: text("name"),
            run_id: text("id"),
            creator: text("creator"),
            states,
            tags: text("tags"),
            submitted_from: text("from"),
            submitted_to: text("to"),
            ended_from: text("ended_from"),
            ended_to: text("ended_to"),
            min_duration: text("min"),
            workflow,
            deployment: text("deployment"),
            runtime: text("runtime"),
            app_conf: text("conf"),
            size,
            // Without its token a later page cannot be loaded: it is the first page.
            page: if token.is_empty() { 1 } else { page.max(2) },
            token,
        }
    }

    /// The URL query pairs (empty and default values left out), in a stable order.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let values = [
            self.workspace.clone(),
            self.queue.clone(),
            self.name.trim().to_string(),
            self.run_id.trim().to_string(),
            self.creator.trim().to_string(),
            self.states.join(","),
            self.tags.trim().to_string(),
            self.submitted_from.clone(),
            self.submitted_to.clone(),
            self.ended_from.clone(),
            self.ended_to.clone(),
            self.min_duration.trim().to_string(),
            self.workflow.clone(),
            self.deployment.trim().to_string(),
            self.runtime.trim().to_string(),
            self.app_conf.trim().to_string(),
            if self.size != DEFAULT_RUN_PAGE_SIZE { self.size.to_string() } else { String::new() },
            if self.page > 1 && !self.token.is_empty() { self.page.to_string() } else { String::new() },
            if self.page > 1 { self.token.clone() } else { String::new() },
        ];
        RUN_KEYS.iter().copied().zip(values).filter(|(_, v)| !v.is_empty()).collect()
    }

    /// What selects the runs (everything but the page): pages fetched under one key belong to
    /// one list, so a change of key starts again at the first page.
    pub fn selection_key(&self) -> String {
        let mut f = self.clone();
        f.page = 1;
        f.token.clear();
        f.to_query().into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
    }

    /// The same selection at its first page.
    pub fn first_page(&self) -> RunFilters {
        RunFilters { page: 1, token: String::new(), ..self.clone() }
    }

    /// Whether anything narrows the list (the workspace and page size do not count).
    pub fn has_filters(&self) -> bool {
        !self.states.is_empty()
            || [
                &self.queue,
                &self.name,
                &self.run_id,
                &self.creator,
                &self.tags,
                &self.submitted_from,
                &self.submitted_to,
                &self.ended_from,
                &self.ended_to,
                &self.min_duration,
                &self.workflow,
                &self.deployment,
                &self.runtime,
                &self.app_conf,
            ]
            .iter()
            .any(|v| !v.trim().is_empty())
    }

    /// The filters cleared, keeping the workspace and the page size.
    pub fn cleared(&self) -> RunFilters {
        RunFilters { workspace: self.workspace.clone(), size: self.size, ..Default::default() }
    }

    /// Every filter that cannot be sent as it is written, with the control it belongs to.
    /// `local_ms` reads a `datetime-local` value in the browser's zone.
    pub fn problems(&self, local_ms: &dyn Fn(&str) -> Option<i64>) -> Vec<FieldProblem> {
        self.api_query(local_ms).err().unwrap_or_default()
    }

    /// ListJobRuns' query for this page: JSON texts where the API wants them (`states`, `tags`,
    /// `startTime`, `endTime`, `runtimeConfigs`, `applicationConfigs`), totals by state asked for.
    pub fn api_query(&self, local_ms: &dyn Fn(&str) -> Option<i64>) -> Result<Vec<(&'static str, String)>, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut q: Vec<(&'static str, String)> = vec![("maxResults", self.size.to_string())];
        if self.page > 1 && !self.token.is_empty() {
            q.push(("nextToken", self.token.clone()));
        }
        for (key, value) in [
            ("name", &self.name),
            ("jobRunId", &self.run_id),
            ("creator", &self.creator),
            ("resourceQueueId", &self.queue),
            ("jobRunDeploymentId", &self.deployment),
        ] {
            if !value.trim().is_empty() {
                q.push((key, value.trim().to_string()));
            }
        }
        if !self.states.is_empty() {
            q.push(("states", serde_json::to_string(&self.states).unwrap_or_default()));
        }
        match parse_pairs("tags", &self.tags) {
            Ok(pairs) if !pairs.is_empty() => {
                let tags: Vec<Tag> = pairs.into_iter().map(|(key, value)| Tag { key, value }).collect();
                q.push(("tags", serde_json::to_string(&tags).unwrap_or_default()));
            }
            Ok(_) => {}
            Err(p) => problems.push(p),
        }
        for (key, from_field, to_field, from, to) in [
            ("startTime", "from", "to", &self.submitted_from, &self.submitted_to),
            ("endTime", "ended_from", "ended_to", &self.ended_from, &self.ended_to),
        ] {
            let mut read = |field: &'static str, text: &str, end_of_minute: bool| -> Option<i64> {
                if text.trim().is_empty() {
                    return None;
                }
                match local_ms(text.trim()) {
                    // The chosen minute is inside the window up to its last millisecond.
                    Some(ms) => Some(if end_of_minute { ms + 59_999 } else { ms }),
                    None => {
                        problems.push((field, Problem::new("emr.datetime").with("value", text.trim())));
                        None
                    }
                }
            };
            let (a, b) = (read(from_field, from, false), read(to_field, to, true));
            if let (Some(a), Some(b)) = (a, b) {
                if a > b {
                    problems.push((to_field, Problem::new("emr.window_order")));
                    continue;
                }
            }
            let mut window = serde_json::Map::new();
            if let Some(a) = a {
                window.insert("startTime".into(), a.into());
            }
            if let Some(b) = b {
                window.insert("endTime".into(), b.into());
            }
            if !window.is_empty() {
                q.push((key, serde_json::Value::Object(window).to_string()));
            }
        }
        if !self.min_duration.trim().is_empty() {
            match parse_duration_ms(&self.min_duration) {
                Some(ms) => q.push(("minDuration", ms.to_string())),
                None => problems.push(("min", Problem::new("emr.duration").with("value", self.min_duration.trim()))),
            }
        }
        if !self.workflow.is_empty() {
            q.push(("isWorkflow", self.workflow.clone()));
        }
        for (key, field, text) in [("runtimeConfigs", "runtime", &self.runtime), ("applicationConfigs", "conf", &self.app_conf)] {
            match parse_pairs(field, text) {
                Ok(pairs) if !pairs.is_empty() => {
                    let list: Vec<serde_json::Value> =
                        pairs.into_iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect();
                    q.push((key, serde_json::Value::Array(list).to_string()));
                }
                Ok(_) => {}
                Err(p) => problems.push(p),
            }
        }
        q.push(("groupByState", "true".into()));
        if problems.is_empty() {
            Ok(q)
        } else {
            Err(problems)
        }
    }
}

/// `aggregations` of ListJobRuns (counts as strings) as numbers per state, in the order of
/// [`emr::STATES`]; states the answer does not name count 0.
pub fn state_totals(aggregations: Option<&std::collections::BTreeMap<String, String>>) -> Vec<(&'static str, i64)> {
    emr::STATES
        .iter()
        .map(|s| {
            let n = aggregations
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(s)).map(|(_, v)| v.trim().parse().unwrap_or(0)))
                .unwrap_or(0);
            (*s, n)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Token paging

/// The tokens that led to each page of one list, so the view can go back as well as forward
/// (`nextToken` only leads forward). `tokens[i]` loads page `i + 1`; the first page's is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenTrail {
    /// The [`RunFilters::selection_key`] the tokens belong to.
    pub key: String,
    pub tokens: Vec<String>,
}

impl TokenTrail {
    pub fn new(key: &str) -> TokenTrail {
        TokenTrail { key: key.to_string(), tokens: vec![String::new()] }
    }

    /// The trail for `key`: this one when it belongs to it, else a new one (another selection's
    /// tokens mean nothing here).
    pub fn for_key(self, key: &str) -> TokenTrail {
        if self.key == key && !self.tokens.is_empty() {
            self
        } else {
            TokenTrail::new(key)
        }
    }

    /// The token that loads `page` (1-based), when known.
    pub fn token_of(&self, page: u32) -> Option<&str> {
        (page >= 1).then(|| self.tokens.get(page as usize - 1).map(String::as_str)).flatten()
    }

    /// Page `page` was loaded with `token` and answered `next_token` (empty on the last page).
    /// What came after it before is forgotten when it no longer matches: lists change.
    pub fn record(&mut self, page: u32, token: &str, next_token: &str) {
        if page == 0 {
            return;
        }
        let i = page as usize - 1;
        if self.tokens.len() <= i {
            // Reached by a link: the pages in between are unknown.
            self.tokens.resize(i + 1, String::new());
            // An unknown token is not the first page's empty one; mark the gap as unknown.
            for t in &mut self.tokens[1..i] {
                if t.is_empty() {
                    *t = UNKNOWN.to_string();
                }
            }
        }
        self.tokens[i] = token.to_string();
        let next = i + 1;
        if next_token.is_empty() {
            self.tokens.truncate(next);
        } else if self.tokens.get(next).map(String::as_str) != Some(next_token) {
            self.tokens.truncate(next);
            self.tokens.push(next_token.to_string());
        }
    }

    /// The token of the page before `page`, when the trail knows it (`Some("")` for the first page).
    pub fn previous(&self, page: u32) -> Option<&str> {
        if page <= 1 {
            return None;
        }
        self.token_of(page - 1).filter(|t| *t != UNKNOWN)
    }

    /// The token of the page after `page`, when there is one.
    pub fn next(&self, page: u32) -> Option<&str> {
        self.token_of(page + 1).filter(|t| !t.is_empty() && *t != UNKNOWN)
    }

    /// How many pages the trail knows to exist (the pages seen and the one after the last).
    pub fn known_pages(&self) -> u32 {
        self.tokens.len() as u32
    }

    /// Compact text for keeping the trail in the tab's storage: the key, then one token per line.
    pub fn to_text(&self) -> String {
        let mut s = self.key.replace('\n', " ");
        for t in &self.tokens {
            s.push('\n');
            s.push_str(&t.replace('\n', " "));
        }
        s
    }

    pub fn from_text(text: &str) -> TokenTrail {
        let mut lines = text.split('\n');
        let key = lines.next().unwrap_or("").to_string();
        let tokens: Vec<String> = lines.map(str::to_string).collect();
        if tokens.first().is_some_and(|t| t.is_empty()) {
            TokenTrail { key, tokens }
        } else {
            TokenTrail::new(&key)
        }
    }
}

/// Stands for a page whose token the trail never saw (a link led past it).
const UNKNOWN: &str = "\u{0}unknown";

// ---------------------------------------------------------------------------------------------
// The submit form

/// Where a SQL run's statements are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqlFrom {
    /// Typed in the form (`-e`).
    #[default]
    Text,
    /// A `.sql` file in OSS (`-f`).
    File,
}

/// The submit form's inputs, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct RunDraft {
    pub workspace: String,
    pub name: String,
    /// SQL, JAR or PYTHON.
    pub code_type: String,
    pub sql_from: SqlFrom,
    pub sql: String,
    pub sql_file: String,
    /// The JAR or .py file (JAR / PYTHON runs).
    pub entry_point: String,
    /// One argument per line (JAR / PYTHON runs).
    pub arguments: String,
    pub submit_parameters: String,
    /// One `key=value` per line, optionally `file:key=value` (default `spark-defaults.conf`).
    pub configurations: String,
    /// One `key=value` per line (or comma-separated).
    pub tags: String,
    pub queue: String,
    pub release: String,
    /// Seconds; empty for no limit.
    pub timeout: String,
    pub fusion: bool,
}

impl Default for RunDraft {
    fn default() -> Self {
        RunDraft {
            workspace: String::new(),
            name: String::new(),
            code_type: "SQL".into(),
            sql_from: SqlFrom::Text,
            sql: String::new(),
            sql_file: String::new(),
            entry_point: String::new(),
            arguments: String::new(),
            submit_parameters: String::new(),
            configurations: String::new(),
            tags: String::new(),
            queue: String::new(),
            release: String::new(),
            timeout: String::new(),
            fusion: false,
        }
    }
}

/// Reads the configuration lines: `key=value` or `file:key=value`.
pub fn parse_configurations(text: &str) -> Result<Vec<Configuration>, FieldProblem> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let Some((left, value)) = line.split_once('=') else {
            return Err(("configurations", Problem::new("emr.config_line").with("text", line)));
        };
        let (file, key) = match left.split_once(':') {
            Some((f, k)) => (f.trim(), k.trim()),
            None => (DEFAULT_CONFIG_FILE, left.trim()),
        };
        if key.is_empty() || file.is_empty() {
            return Err(("configurations", Problem::new("emr.config_line").with("text", line)));
        }
        out.push(Configuration {
            config_file_name: file.to_string(),
            config_item_key: key.to_string(),
            config_item_value: value.trim().to_string(),
        });
    }
    Ok(out)
}

/// Which form field a StartJobRun rule's problem belongs to.
fn start_field(key: &str, code_type: &str) -> &'static str {
    match key {
        "emr.code_type" | "emr.code_type.missing" => "code_type",
        "emr.sql_missing" | "emr.sql_argument" => "sql",
        "emr.entry_point.missing" | "emr.entry_point_kind" => "entry_point",
        "emr.too_many_tags" | "emr.tag_key_empty" | "emr.tag_too_long" => "tags",
        "emr.name_too_long" => "name",
        "emr.timeout" => "timeout",
        "emr.config_key_empty" => "configurations",
        "emr.unclosed_quote" | "emr.submit_parameter" | "emr.submit_parameter_value" | "emr.submit_conf" => "submit_parameters",
        "emr.resource" => "submit_parameters",
        _ if code_type == "SQL" => "sql",
        _ => "entry_point",
    }
}

impl RunDraft {
    /// StartJobRun's body and every problem the form can see, each with its field. The rules are
    /// the service's (`check_start`), applied field by field so that each field shows its own.
    pub fn build(&self) -> (StartJobRunRequest, Vec<FieldProblem>) {
        let mut problems: Vec<FieldProblem> = Vec::new();
        if self.workspace.trim().is_empty() {
            problems.push(("workspace", Problem::new("emr.workspace.missing")));
        }
        let code_type = emr::parse_code_type(&self.code_type).unwrap_or("SQL");
        let (entry_point, arguments) = match (code_type, self.sql_from) {
            ("SQL", SqlFrom::Text) => (String::new(), vec!["-e".to_string(), self.sql.trim().to_string()]),
            ("SQL", SqlFrom::File) => (String::new(), vec!["-f".to_string(), self.sql_file.trim().to_string()]),
            _ => (
                self.entry_point.trim().to_string(),
                self.arguments.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
            ),
        };
        if code_type == "SQL" && arguments.get(1).is_none_or(|s| s.is_empty()) {
            let field = if self.sql_from == SqlFrom::File { "sql_file" } else { "sql" };
            problems.push((field, Problem::new("emr.sql_missing")));
        }
        if code_type == "SQL" && self.sql_from == SqlFrom::File && !self.sql_file.trim().is_empty() {
            let lower = self.sql_file.trim().to_ascii_lowercase();
            if !lower.starts_with("oss://") {
                problems.push(("sql_file", Problem::new("emr.oss_path").with("value", self.sql_file.trim())));
            }
        }
        let tags = match parse_pairs("tags", &self.tags) {
            Ok(pairs) => pairs.into_iter().map(|(key, value)| Tag { key, value }).collect::<Vec<_>>(),
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
        };
        if let Err(p) = emr::check_tags(&tags) {
            problems.push(("tags", p));
        }
        let configurations = match parse_configurations(&self.configurations) {
            Ok(c) => c,
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
        };
        if let Err(p) = emr::parse_submit_parameters(&self.submit_parameters) {
            problems.push(("submit_parameters", p));
        }
        let timeout = if self.timeout.trim().is_empty() {
            None
        } else {
            match emr::parse_int("executionTimeoutSeconds", &self.timeout, 0, emr::MAX_TIMEOUT_SECONDS) {
                Ok(n) => Some(n),
                Err(p) => {
                    problems.push(("timeout", p));
                    None
                }
            }
        };
        let name = self.name.trim();
        let req = StartJobRunRequest {
            name: (!name.is_empty()).then(|| name.to_string()),
            code_type: Some(code_type.to_string()),
            job_driver: Some(JobDriver {
                spark_submit: Some(SparkSubmit {
                    entry_point,
                    entry_point_arguments: arguments,
                    spark_submit_parameters: self.submit_parameters.trim().to_string(),
                }),
            }),
            configuration_overrides: (!configurations.is_empty()).then_some(ConfigurationOverrides { configurations }),
            release_version: (!self.release.trim().is_empty()).then(|| self.release.trim().to_string()),
            display_release_version: None,
            resource_queue_id: (!self.queue.trim().is_empty()).then(|| self.queue.trim().to_string()),
            tags: (!tags.is_empty()).then_some(tags),
            execution_timeout_seconds: timeout,
            fusion: self.fusion.then_some(true),
            job_id: None,
            client_token: None,
        };
        // The service's rules on the whole request; a problem already shown on its field is not repeated.
        if let Err(p) = emr::check_start(&req) {
            let field = start_field(p.key, code_type);
            let field = if field == "sql" && self.sql_from == SqlFrom::File { "sql_file" } else { field };
            if !problems.iter().any(|(f, _)| *f == field) {
                problems.push((field, p));
            }
        }
        (req, problems)
    }
}

/// The first problem of `field`.
pub fn problem_for<'a>(problems: &'a [FieldProblem], field: &str) -> Option<&'a Problem> {
    problems.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
}

// ---------------------------------------------------------------------------------------------
// A SQL run's output

/// One statement of a SQL run as the driver's logs tell it: its text and, for a statement that
/// returned rows, the rows (column names first).
#[derive(Clone, Debug, PartialEq)]
pub struct StatementOutput {
    pub sql: String,
    /// `None` for a statement that returns no rows (DDL, INSERT…).
    pub rows: Option<ResultSet>,
    /// How many rows the driver says it fetched.
    pub fetched: Option<u64>,
}

/// Undoes the driver's escaping of tab-separated values (`\t`, `\n`, `\r`, `\\`).
pub fn unescape_tsv(field: &str) -> String {
    if !field.contains('\\') {
        return field.to_string();
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn split_tsv(line: &str) -> Vec<String> {
    line.split('\t').map(unescape_tsv).collect()
}

/// `2026-11-23 10:00:00.123 ` (the sandbox's log lines) or `2026-11-23T10:00:00…`: the text after
/// a leading timestamp, or `None` when the line does not start with one.
fn after_timestamp(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let date_ok = b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[13] == b':';
    if !date_ok {
        return None;
    }
    let rest = &line[19..];
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == 'Z');
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// Reads a SQL run's results from its driver logs: `stderr` says which statements ran and how
/// many rows each fetched (`Statement N: …`, `Time taken: … Fetched N row(s)`, as `spark-sql`
/// prints), `stdout` holds each result as a header line of column names and tab-separated rows.
/// When `stderr` says nothing usable, all of `stdout` is read as one result. A result cut short
/// (the run is still writing it) holds the rows there are.
pub fn parse_sql_output(stdout: &[String], stderr: &[String]) -> Vec<StatementOutput> {
    struct Seen {
        sql: String,
        fetched: Option<u64>,
    }
    let mut seen: Vec<Seen> = Vec::new();
    let mut in_statement = false;
    for line in stderr {
        match after_timestamp(line) {
            Some(rest) => {
                in_statement = false;
                if let Some(s) = rest.strip_prefix("Statement ") {
                    if let Some((n, sql)) = s.split_once(": ") {
                        if n.bytes().all(|b| b.is_ascii_digit()) {
                            seen.push(Seen { sql: sql.to_string(), fetched: None });
                            in_statement = true;
                        }
                    }
                } else if rest.starts_with("Time taken:") {
                    if let (Some(last), Some(i)) = (seen.last_mut(), rest.find("Fetched ")) {
                        let n = rest[i + 8..].split(' ').next().and_then(|d| d.parse().ok());
                        if last.fetched.is_none() {
                            last.fetched = n;
                        }
                    }
                }
            }
            None if in_statement => {
                if let Some(last) = seen.last_mut() {
                    last.sql.push('\n');
                    last.sql.push_str(line);
                }
            }
            None => {}
        }
    }
    let mut lines = stdout.iter().map(|l| l.strip_suffix('\n').unwrap_or(l)).map(|l| l.strip_suffix('\r').unwrap_or(l));
    if !seen.iter().any(|s| s.fetched.is_some()) {
        // Nothing to go by: the whole output is one result.
        let mut rest = lines.filter(|l| !l.is_empty());
        let Some(header) = rest.next() else { return Vec::new() };
        let mut set = ResultSet::new(split_tsv(header));
        for l in rest {
            set.push_row(&split_tsv(l));
        }
        let fetched = Some(set.len() as u64);
        return vec![StatementOutput { sql: seen.into_iter().map(|s| s.sql).collect::<Vec<_>>().join(";\n"), rows: Some(set), fetched }];
    }
    let mut out = Vec::new();
    for s in seen {
        let rows = match s.fetched {
            Some(n) => match lines.next() {
                Some(header) => {
                    let mut set = ResultSet::new(split_tsv(header));
                    for l in lines.by_ref().take(n as usize) {
                        set.push_row(&split_tsv(l));
                    }
                    Some(set)
                }
                None => Some(ResultSet::new(Vec::new())),
            },
            None => None,
        };
        out.push(StatementOutput { sql: s.sql, rows, fetched: s.fetched });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Timeline of a run

/// `2026-11-23 10:00:01.000` (or with a `T`, optional fraction and `Z`), read as UTC: epoch ms.
pub fn parse_log_time(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('Z');
    let b = t.as_bytes();
    if b.len() < 19 || !(b[10] == b' ' || b[10] == b'T') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<i64>().ok());
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let frac = t.get(19..).and_then(|f| f.strip_prefix('.')).map(|f| {
        let digits: String = f.chars().take(3).collect();
        digits.parse::<i64>().unwrap_or(0) * 10i64.pow(3 - digits.len() as u32)
    });
    let days = crate::sign::days_from_civil(y, mo, d);
    Some(((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + frac.unwrap_or(0))
}

/// When a run reached each state, as far as its driver's syslog tells (`<time> INFO Pending: …`,
/// `Running: …`, `Cancel requested …`, `Ended <state> …`): epoch ms (the log writes UTC).
pub fn syslog_transitions(syslog: &[String]) -> Vec<(&'static str, i64)> {
    let mut out: Vec<(&'static str, i64)> = Vec::new();
    for line in syslog {
        let Some(rest) = after_timestamp(line) else { continue };
        let Some(time) = parse_log_time(&line[..line.len() - rest.len()]) else { continue };
        let msg = rest.strip_prefix("INFO ").unwrap_or(rest);
        let state = if msg.starts_with("Job run ") && msg.contains(" submitted") {
            Some("Submitted")
        } else if msg.starts_with("Pending") {
            Some("Pending")
        } else if msg.starts_with("Running") {
            Some("Running")
        } else if msg.starts_with("Cancel requested") {
            Some("Cancelling")
        } else if let Some(r) = msg.strip_prefix("Ended ") {
            emr::parse_state(r.split([' ', '(']).next().unwrap_or(""))
        } else if msg.starts_with("Cancelled") {
            Some("Cancelled")
        } else {
            None
        };
        if let Some(s) = state {
            if !out.iter().any(|(k, _)| *k == s) {
                out.push((s, time));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Flow jobs: the job form

/// The flow job form's inputs, as typed (numbers as text so a bad one can be shown).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowJobDraft {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub fail_act: String,
    pub max_retry: String,
    pub retry_interval: String,
    pub retry_policy: String,
    pub max_running_time_sec: String,
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

/// The JSON fields of a flow job, with the wire name each is checked under.
pub const FLOW_JSON_FIELDS: [(&str, &str); 6] = [
    ("param_conf", "ParamConf"),
    ("custom_variables", "CustomVariables"),
    ("env_conf", "EnvConf"),
    ("run_conf", "RunConf"),
    ("monitor_conf", "MonitorConf"),
    ("alert_conf", "AlertConf"),
];

/// Which form field a CreateFlowJob problem belongs to.
fn flow_field(p: &Problem) -> &'static str {
    let named = p.param("name").unwrap_or("");
    match p.key {
        "flow.job_type" => "kind",
        "flow.fail_act" => "fail_act",
        "flow.mode" => "mode",
        "flow.name_too_long" => "name",
        "flow.params_size" => "params",
        "flow.param_conf_value" => "param_conf",
        "flow.custom_variables" => "custom_variables",
        "flow.run_conf" | "flow.run_conf_user" => "run_conf",
        "flow.env_conf_size" | "flow.env_name" | "flow.env_value" => "env_conf",
        "flow.monitor_conf" | "flow.monitor_conf_type" => "monitor_conf",
        "flow.resource_param" | "flow.resource_path" => "resources",
        _ => match named {
            "Name" => "name",
            "Description" => "description",
            "Type" => "kind",
            "MaxRetry" => "max_retry",
            "RetryInterval" => "retry_interval",
            "MaxRunningTimeSec" => "max_running_time_sec",
            "Adhoc" => "adhoc",
            n if n.starts_with("ResourceList.") => "resources",
            n => FLOW_JSON_FIELDS.iter().find(|(_, w)| *w == n).map(|(f, _)| *f).unwrap_or("params"),
        },
    }
}

/// The single-value settings of a flow job checked one by one, with their wire names.
const FLOW_SINGLE_FIELDS: [(&str, &str); 5] = [
    ("fail_act", "FailAct"),
    ("max_retry", "MaxRetry"),
    ("retry_interval", "RetryInterval"),
    ("max_running_time_sec", "MaxRunningTimeSec"),
    ("mode", "Mode"),
];

/// Checks one JSON field as the service will (`field` is the form's name, e.g. `param_conf`);
/// `kind` is the job type (MonitorConf is for SPARK_STREAMING only).
pub fn check_flow_json(field: &str, text: &str, kind: &str) -> Option<Problem> {
    let (_, wire) = FLOW_JSON_FIELDS.iter().find(|(f, _)| *f == field)?;
    check_flow_param(wire, text, kind)
}

/// Checks one parameter of CreateFlowJob on its own, as the service would with it.
fn check_flow_param(wire: &str, text: &str, kind: &str) -> Option<Problem> {
    if text.trim().is_empty() {
        return None;
    }
    let pairs = vec![
        ("Name".to_string(), "x".to_string()),
        ("Description".to_string(), "x".to_string()),
        ("Type".to_string(), if kind.trim().is_empty() { "SHELL".to_string() } else { kind.to_string() }),
        (wire.to_string(), text.to_string()),
    ];
    let get = |k: &str| pairs.iter().find(|(n, v)| n == k && !v.is_empty()).map(|(_, v)| v.clone());
    emr_flow::check_flow_job(&get, &pairs, None).err().filter(|p| p.key != "flow.job_type")
}

impl FlowJobDraft {
    /// A new job's form: the API's defaults shown.
    pub fn new_job() -> FlowJobDraft {
        FlowJobDraft {
            kind: "SPARK_SQL".into(),
            fail_act: "STOP".into(),
            max_retry: "0".into(),
            retry_interval: emr_flow::DEFAULT_RETRY_INTERVAL.to_string(),
            max_running_time_sec: "0".into(),
            mode: "YARN".into(),
            ..Default::default()
        }
    }

    /// The form filled from a job as DescribeFlowJob shows it.
    pub fn from_job(j: &FlowJob) -> FlowJobDraft {
        FlowJobDraft {
            name: j.name.clone(),
            description: j.description.clone(),
            kind: j.kind.clone(),
            fail_act: j.fail_act.clone(),
            max_retry: j.max_retry.to_string(),
            retry_interval: j.retry_interval.to_string(),
            retry_policy: j.retry_policy.clone(),
            max_running_time_sec: j.max_running_time_sec.to_string(),
            params: j.params.clone(),
            param_conf: j.param_conf.clone(),
            custom_variables: j.custom_variables.clone(),
            env_conf: j.env_conf.clone(),
            run_conf: j.run_conf.clone(),
            monitor_conf: j.monitor_conf.clone(),
            mode: j.mode.clone(),
            parent_category: j.category_id.clone(),
            resources: j.resource_list.resource.clone(),
            adhoc: j.adhoc.eq_ignore_ascii_case("true"),
            cluster_id: String::new(),
            alert_conf: j.alert_conf.clone(),
        }
    }

    /// The request parameters of CreateFlowJob (or, with `modify`, ModifyFlowJob: no `Type`,
    /// which the legacy API did not take). Empty fields are left out: the service reads an empty
    /// value as absent.
    pub fn to_params(&self, modify: bool) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| {
            if !v.trim().is_empty() {
                out.push((k.to_string(), v.to_string()));
            }
        };
        put("Name", self.name.trim());
        put("Description", &self.description);
        if !modify {
            put("Type", self.kind.trim());
        }
        put("FailAct", self.fail_act.trim());
        put("MaxRetry", self.max_retry.trim());
        put("RetryInterval", self.retry_interval.trim());
        put("RetryPolicy", self.retry_policy.trim());
        put("MaxRunningTimeSec", self.max_running_time_sec.trim());
        put("Params", &self.params);
        put("ParamConf", &self.param_conf);
        put("CustomVariables", &self.custom_variables);
        put("EnvConf", &self.env_conf);
        put("RunConf", &self.run_conf);
        put("MonitorConf", &self.monitor_conf);
        put("Mode", self.mode.trim());
        put("ParentCategory", self.parent_category.trim());
        put("ClusterId", self.cluster_id.trim());
        put("AlertConf", &self.alert_conf);
        if !modify || self.adhoc {
            put("Adhoc", if self.adhoc { "true" } else { "false" });
        }
        for (i, r) in self.resources.iter().enumerate().filter(|(_, r)| !(r.path.trim().is_empty() && r.alias.trim().is_empty())) {
            let n = i + 1;
            out.push((format!("ResourceList.{n}.Path"), r.path.trim().to_string()));
            if !r.alias.trim().is_empty() {
                out.push((format!("ResourceList.{n}.Alias"), r.alias.trim().to_string()));
            }
        }
        out
    }

    /// Every problem the form can see, with its field: the service's CreateFlowJob rules, each
    /// JSON field checked on its own (so several can show at once) and the resource rows.
    pub fn problems(&self, modify: bool) -> Vec<FieldProblem> {
        let mut out: Vec<FieldProblem> = Vec::new();
        for (field, wire) in FLOW_SINGLE_FIELDS.iter().chain(FLOW_JSON_FIELDS.iter()) {
            if let Some(p) = check_flow_param(wire, self.field(field), &self.kind) {
                out.push((field, p));
            }
        }
        for (i, r) in self.resources.iter().enumerate() {
            if r.path.trim().is_empty() && !r.alias.trim().is_empty() {
                out.push(("resources", Problem::new("flow.missing").with("name", format!("ResourceList.{}.Path", i + 1))));
            }
        }
        let params = self.to_params(modify);
        let get = |k: &str| params.iter().find(|(n, v)| n == k && !v.is_empty()).map(|(_, v)| v.clone());
        let existing = modify.then(|| emr_flow::FlowJobSpec { kind: self.kind.clone(), ..Default::default() });
        if let Err(p) = emr_flow::check_flow_job(&get, &params, existing.as_ref()) {
            let field = flow_field(&p);
            if !out.iter().any(|(f, _)| *f == field) {
                out.push((field, p));
            }
        }
        if !modify && self.name.trim().is_empty() && !out.iter().any(|(f, _)| *f == "name") {
            out.push(("name", Problem::new("flow.missing").with("name", "Name")));
        }
        out
    }

    fn field(&self, field: &str) -> &str {
        match field {
            "fail_act" => &self.fail_act,
            "max_retry" => &self.max_retry,
            "retry_interval" => &self.retry_interval,
            "max_running_time_sec" => &self.max_running_time_sec,
            "mode" => &self.mode,
            "param_conf" => &self.param_conf,
            "custom_variables" => &self.custom_variables,
            "env_conf" => &self.env_conf,
            "run_conf" => &self.run_conf,
            "monitor_conf" => &self.monitor_conf,
            "alert_conf" => &self.alert_conf,
            _ => "",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Flow views: jobs list and instance history in the URL

/// A flow list's page size from the URL: one of `paging::PAGE_SIZES` (PageSize ≤ 100), else the default.
fn flow_size(raw: Option<String>) -> i64 {
    raw.and_then(|s| s.trim().parse().ok()).filter(|&n| crate::paging::is_page_size(n)).unwrap_or(emr_flow::DEFAULT_PAGE_SIZE)
}

fn flow_page(raw: Option<String>) -> i64 {
    raw.and_then(|s| s.trim().parse().ok()).filter(|n: &i64| (1..=1_000_000).contains(n)).unwrap_or(1)
}

/// The flow jobs list of one project: name and type filters, page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowJobFilters {
    pub project: String,
    pub name: String,
    /// Canonical job type or empty.
    pub kind: String,
    pub page: i64,
    pub size: i64,
}

impl FlowJobFilters {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> FlowJobFilters {
        FlowJobFilters {
            project: get("project").map(|s| s.trim().to_string()).unwrap_or_default(),
            name: get("name").map(|s| s.trim().to_string()).unwrap_or_default(),
            kind: get("type").and_then(|t| emr_flow::parse_job_type(&t)).unwrap_or("").to_string(),
            page: flow_page(get("page")),
            size: flow_size(get("size")),
        }
    }

    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let v = [
            ("project", self.project.clone()),
            ("name", self.name.trim().to_string()),
            ("type", self.kind.clone()),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
            ("size", if self.size != emr_flow::DEFAULT_PAGE_SIZE { self.size.to_string() } else { String::new() }),
        ];
        v.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    }

    /// ListFlowJob's parameters (without RegionId).
    pub fn api_params(&self) -> Vec<(String, String)> {
        let mut p = vec![("ProjectId".to_string(), self.project.clone())];
        if !self.name.trim().is_empty() {
            p.push(("Name".into(), self.name.trim().to_string()));
        }
        if !self.kind.is_empty() {
            p.push(("Type".into(), self.kind.clone()));
        }
        p.push(("PageNumber".into(), self.page.to_string()));
        p.push(("PageSize".into(), self.size.to_string()));
        p
    }
}

/// The instance history of one project: job, instance, type, statuses, submit window, page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryFilters {
    pub project: String,
    pub job: String,
    pub instance: String,
    pub kind: String,
    pub statuses: Vec<&'static str>,
    /// `datetime-local` values in the browser's zone.
    pub from: String,
    pub to: String,
    pub page: i64,
    pub size: i64,
}

impl HistoryFilters {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> HistoryFilters {
        let text = |k: &str| get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        let mut statuses = Vec::new();
        for s in text("status").split(',').filter_map(emr_flow::parse_status) {
            if !statuses.contains(&s) {
                statuses.push(s);
            }
        }
        HistoryFilters {
            project: text("project"),
            job: text("job"),
            instance: text("instance"),
            kind: emr_flow::parse_job_type(&text("type")).unwrap_or("").to_string(),
            statuses,
            from: text("from"),
            to: text("to"),
            page: flow_page(get("page")),
            size: flow_size(get("size")),
        }
    }

    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let v = [
            ("project", self.project.clone()),
            ("job", self.job.trim().to_string()),
            ("instance", self.instance.trim().to_string()),
            ("type", self.kind.clone()),
            ("status", self.statuses.join(",")),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
            ("size", if self.size != emr_flow::DEFAULT_PAGE_SIZE { self.size.to_string() } else { String::new() }),
        ];
        v.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    }

    pub fn has_filters(&self) -> bool {
        !self.statuses.is_empty() || [&self.job, &self.instance, &self.kind, &self.from, &self.to].iter().any(|v| !v.is_empty())
    }

    /// ListFlowJobHistory's parameters (without RegionId); `local_ms` reads a `datetime-local`.
    pub fn api_params(&self, local_ms: &dyn Fn(&str) -> Option<i64>) -> Result<Vec<(String, String)>, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut p = vec![("ProjectId".to_string(), self.project.clone())];
        for (k, v) in [("Id", &self.job), ("InstanceId", &self.instance), ("JobType", &self.kind)] {
            if !v.trim().is_empty() {
                p.push((k.into(), v.trim().to_string()));
            }
        }
        for (i, s) in self.statuses.iter().enumerate() {
            p.push((format!("StatusList.{}", i + 1), s.to_string()));
        }
        let mut read = |field: &'static str, text: &str, end: bool| {
            if text.trim().is_empty() {
                return None;
            }
            let ms = local_ms(text.trim()).map(|ms| if end { ms + 59_999 } else { ms });
            if ms.is_none() {
                problems.push((field, Problem::new("emr.datetime").with("value", text.trim())));
            }
            ms
        };
        let (from, to) = (read("from", &self.from, false), read("to", &self.to, true));
        if let (Some(a), Some(b)) = (from, to) {
            if a > b {
                problems.push(("to", Problem::new("emr.window_order")));
            }
        }
        if from.is_some() || to.is_some() {
            let mut m = serde_json::Map::new();
            m.insert("type".into(), "range".into());
            if let Some(a) = from {
                m.insert("from".into(), a.into());
            }
            if let Some(b) = to {
                m.insert("to".into(), b.into());
            }
            p.push(("TimeRange".into(), serde_json::Value::Object(m).to_string()));
        }
        p.push(("PageNumber".into(), self.page.to_string()));
        p.push(("PageSize".into(), self.size.to_string()));
        if problems.is_empty() {
            Ok(p)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> Option<i64> {
        // A fixed zone for the tests: the day of the month counts days from 0 ("2024-03-01T10:00" is 34 h).
        let (d, t) = s.split_once('T')?;
        let day: i64 = d.rsplit('-').next()?.parse().ok()?;
        let (h, m) = t.split_once(':')?;
        Some(((day * 24 + h.parse::<i64>().ok()?) * 60 + m.parse::<i64>().ok()?) * 60_000)
    }

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn small_parsers() {
        assert_eq!(parse_pairs("tags", "env=dev, team = data ,x=").unwrap(), vec![
            ("env".into(), "dev".into()),
            ("team".into(), "data".into()),
            ("x".into(), String::new())
        ]);
        assert_eq!(parse_pairs("tags", " ").unwrap(), vec![]);
        let (f, p) = parse_pairs("tags", "env=dev,oops").unwrap_err();
        assert_eq!((f, p.key, p.param("text")), ("tags", "emr.pair", Some("oops")));
        assert!(parse_pairs("tags", "=v").is_err());
        assert_eq!(format_pairs(&[("a".into(), "1".into()), ("b".into(), "".into())]), "a=1, b=");
        for (t, ms) in [("90s", 90_000), ("5m", 300_000), ("1h30m", 5_400_000), ("2d", 172_800_000), ("1500ms", 1500), ("60", 60_000), ("1m 30s", 90_000)] {
            assert_eq!(parse_duration_ms(t), Some(ms), "{t}");
        }
        for t in ["", "abc", "5x", "-5", "m", "1.5h"] {
            assert_eq!(parse_duration_ms(t), None, "{t}");
        }
        assert_eq!(parse_queue_resource(r#"{"cpu":"8","memory":"32Gi"}"#), Some((8.0, 32768.0)));
        assert_eq!(parse_queue_resource(r#"{"cpu":2,"memory":"1500Mi"}"#), Some((2.0, 1500.0)));
        assert_eq!(parse_queue_resource("nope"), None);
    }

    #[test]
    fn run_filters_round_trip_through_the_url() {
        let f = RunFilters::from_query(query(&[
            ("ws", "w-1"),
            ("states", "running,Success,bogus,Running"),
            ("tags", "env=dev"),
            ("min", "5m"),
            ("workflow", "TRUE"),
            ("size", "50"),
            ("page", "3"),
            ("token", "t3"),
        ]));
        assert_eq!(f.states, vec!["Running", "Success"]);
        assert_eq!((f.workflow.as_str(), f.size, f.page, f.token.as_str()), ("true", 50, 3, "t3"));
        let back = RunFilters::from_query(|k| f.to_query().into_iter().find(|(n, _)| *n == k).map(|(_, v)| v));
        assert_eq!(back, f);
        // A page number without its token is the first page; a size the view does not offer is the default.
        let f = RunFilters::from_query(query(&[("page", "7"), ("size", "33")]));
        assert_eq!((f.page, f.size), (1, 20));
        assert!(f.to_query().is_empty());
        assert!(!f.has_filters());
        let f = RunFilters::from_query(query(&[("ws", "w"), ("name", "etl"), ("size", "50"), ("token", "x"), ("page", "2")]));
        assert!(f.has_filters());
        assert_eq!(f.cleared(), RunFilters { workspace: "w".into(), size: 50, ..Default::default() });
        assert_eq!(f.first_page().page, 1);
        assert_eq!(f.selection_key(), f.first_page().selection_key());
        assert_ne!(f.selection_key(), f.cleared().selection_key());
    }

    #[test]
    fn run_filters_make_the_api_query() {
        let f = RunFilters {
            workspace: "w".into(),
            queue: "dev_queue".into(),
            name: " etl ".into(),
            states: vec!["Running", "Failed"],
            tags: "env=dev, team=data".into(),
            submitted_from: "2024-03-01T10:00".into(),
            submitted_to: "2024-03-01T11:00".into(),
            ended_from: "2024-03-02T00:00".into(),
            min_duration: "1m".into(),
            workflow: "false".into(),
            runtime: "mainClass=org.Foo".into(),
            app_conf: "spark.app.name=x".into(),
            page: 2,
            token: "tok".into(),
            ..Default::default()
        };
        let q = f.api_query(&local).unwrap();
        let get = |k: &str| q.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("maxResults"), Some("20"));
        assert_eq!(get("nextToken"), Some("tok"));
        assert_eq!(get("name"), Some("etl"));
        assert_eq!(get("resourceQueueId"), Some("dev_queue"));
        assert_eq!(get("states"), Some(r#"["Running","Failed"]"#));
        assert_eq!(get("tags"), Some(r#"[{"key":"env","value":"dev"},{"key":"team","value":"data"}]"#));
        let json = |k: &str| serde_json::from_str::<serde_json::Value>(get(k).unwrap()).unwrap();
        assert_eq!(json("startTime"), serde_json::json!({"startTime": 122_400_000, "endTime": 126_059_999}));
        assert_eq!(json("endTime"), serde_json::json!({"startTime": 172_800_000}));
        assert_eq!(get("minDuration"), Some("60000"));
        assert_eq!(get("isWorkflow"), Some("false"));
        assert_eq!(get("runtimeConfigs"), Some(r#"[{"key":"mainClass","value":"org.Foo"}]"#));
        assert_eq!(get("applicationConfigs"), Some(r#"[{"key":"spark.app.name","value":"x"}]"#));
        assert_eq!(get("groupByState"), Some("true"));
        assert_eq!(get("creator"), None);
        // The query is what the server's own parser accepts.
        let pairs: Vec<(String, String)> = q.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let parsed = emr::parse_job_run_filter(&pairs).unwrap();
        assert_eq!(parsed.tags.len(), 2);
        assert_eq!(parsed.submit_time.start, Some(122_400_000));
        assert!(parsed.group_by_state);
        // Bad inputs, each on its control.
        let bad = RunFilters {
            tags: "env".into(),
            submitted_from: "yesterday".into(),
            ended_from: "2024-03-02T00:00".into(),
            ended_to: "2024-03-01T00:00".into(),
            min_duration: "soon".into(),
            runtime: "x".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = bad.problems(&local).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["tags", "from", "ended_to", "min", "runtime"]);
        assert!(RunFilters::default().problems(&local).is_empty());
    }

    #[test]
    fn totals_by_state() {
        let mut m = std::collections::BTreeMap::new();
        m.insert("Running".to_string(), "3".to_string());
        m.insert("success".to_string(), "10".to_string());
        let t = state_totals(Some(&m));
        assert_eq!(t.len(), 8);
        assert_eq!(t[2], ("Running", 3));
        assert_eq!(t[3], ("Success", 10));
        assert_eq!(t[0], ("Submitted", 0));
        assert!(state_totals(None).iter().all(|(_, n)| *n == 0));
    }

    #[test]
    fn token_trail_pages_forward_and_back() {
        let mut t = TokenTrail::new("k");
        assert_eq!((t.token_of(1), t.previous(1), t.next(1)), (Some(""), None, None));
        t.record(1, "", "a");
        assert_eq!(t.next(1), Some("a"));
        t.record(2, "a", "b");
        t.record(3, "b", "");
        assert_eq!((t.previous(3), t.previous(2), t.next(3)), (Some("a"), Some(""), None));
        assert_eq!(t.known_pages(), 3);
        // Back to page 1 and forward again with the same answer keeps what was known.
        t.record(1, "", "a");
        assert_eq!(t.known_pages(), 3);
        // The list changed: page 1 now leads elsewhere, and the old pages are forgotten.
        t.record(1, "", "z");
        assert_eq!((t.known_pages(), t.next(1)), (2, Some("z")));
        // A trail of another selection is not used.
        assert_eq!(t.clone().for_key("other"), TokenTrail::new("other"));
        assert_eq!(t.clone().for_key("k"), t);
        // A link to page 4: the pages before it are unknown, so previous is unknown but first is not.
        let mut d = TokenTrail::new("k");
        d.record(4, "d", "e");
        assert_eq!((d.previous(4), d.token_of(1), d.next(4)), (None, Some(""), Some("e")));
        d.record(3, "c", "d");
        assert_eq!(d.previous(4), Some("c"));
        // Kept as text across reloads.
        assert_eq!(TokenTrail::from_text(&t.to_text()), t);
        assert_eq!(TokenTrail::from_text(&d.to_text()), d);
        assert_eq!(TokenTrail::from_text("garbage"), TokenTrail::new("garbage"));
    }

    #[test]
    fn run_draft_builds_the_body_with_the_services_rules() {
        let d = RunDraft {
            workspace: "w".into(),
            name: "nations".into(),
            sql: "SELECT n_name FROM nation".into(),
            tags: "env=dev\nteam=data".into(),
            configurations: "spark.executor.memory=4g\ncommon.conf:hive.metastore.type=USER_RDS".into(),
            queue: "dev_queue".into(),
            timeout: "600".into(),
            ..Default::default()
        };
        let (req, problems) = d.build();
        assert!(problems.is_empty(), "{problems:?}");
        let body = serde_json::to_value(&req).unwrap();
        assert_eq!(body["jobDriver"]["sparkSubmit"]["entryPointArguments"], serde_json::json!(["-e", "SELECT n_name FROM nation"]));
        assert_eq!(body["codeType"], "SQL");
        assert_eq!(body["executionTimeoutSeconds"], 600);
        assert_eq!(body["tags"][1]["key"], "team");
        assert_eq!(body["configurationOverrides"]["configurations"][1]["configFileName"], "common.conf");
        assert_eq!(body["configurationOverrides"]["configurations"][0]["configFileName"], "spark-defaults.conf");
        assert!(emr::check_start(&req).is_ok());

        let jar = RunDraft {
            workspace: "w".into(),
            code_type: "JAR".into(),
            entry_point: "oss://b/app.jar".into(),
            arguments: "1\n\n2".into(),
            submit_parameters: "--class org.Foo --num-executors 2".into(),
            ..Default::default()
        };
        let (req, problems) = jar.build();
        assert!(problems.is_empty());
        assert_eq!(req.job_driver.unwrap().spark_submit.unwrap().entry_point_arguments, vec!["1", "2"]);

        let fields = |d: &RunDraft| d.build().1.iter().map(|(f, p)| (*f, p.key)).collect::<Vec<_>>();
        assert_eq!(fields(&RunDraft::default()), vec![("workspace", "emr.workspace.missing"), ("sql", "emr.sql_missing")]);
        let mut bad = RunDraft {
            workspace: "w".into(),
            code_type: "PYTHON".into(),
            entry_point: "oss://b/app.jar".into(),
            tags: "oops".into(),
            configurations: "no equals".into(),
            submit_parameters: "--class".into(),
            timeout: "-1".into(),
            ..Default::default()
        };
        assert_eq!(fields(&bad), vec![
            ("tags", "emr.pair"),
            ("configurations", "emr.config_line"),
            ("submit_parameters", "emr.submit_parameter_value"),
            ("timeout", "emr.int_range"),
            ("entry_point", "emr.entry_point_kind"),
        ]);
        bad = RunDraft { workspace: "w".into(), sql_from: SqlFrom::File, sql_file: "/etc/x.sql".into(), ..Default::default() };
        assert_eq!(fields(&bad), vec![("sql_file", "emr.oss_path")]);
        bad.sql_file = String::new();
        assert_eq!(fields(&bad), vec![("sql_file", "emr.sql_missing")]);
        bad = RunDraft { workspace: "w".into(), sql: "select 1".into(), name: "n".repeat(300), ..Default::default() };
        assert_eq!(fields(&bad), vec![("name", "emr.name_too_long")]);
        bad.name = String::new();
        bad.submit_parameters = "--conf spark.executor.instances=-1".into();
        assert_eq!(fields(&bad), vec![("submit_parameters", "emr.resource")]);
        assert_eq!(problem_for(&bad.build().1, "submit_parameters").map(|p| p.key), Some("emr.resource"));
    }

    #[test]
    fn sql_output_is_read_back_into_tables() {
        let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
        let stderr = lines(
            "2026-11-23 10:00:00.001 Statement 1: CREATE TABLE t AS\nSELECT 1 AS a\n2026-11-23 10:00:00.101 Time taken: 0.1 seconds (done)\n\
             2026-11-23 10:00:00.102 Statement 2: SELECT n_name, n_comment FROM nation\n2026-11-23 10:00:00.200 Time taken: 0.098 seconds, Fetched 2 row(s)\n\
             2026-11-23 10:00:00.201 Statement 3: SELECT 1 AS x WHERE false\n2026-11-23 10:00:00.300 Time taken: 0.01 seconds, Fetched 0 row(s)\n\
             2026-11-23 10:00:00.301 Statement 4: SELECT 2 AS y\n",
        );
        let stdout = lines("n_name\tn_comment\nALGERIA\ta\\tb\\nc\nARGENTINA\tback\\\\slash\nx\ny");
        let out = parse_sql_output(&stdout, &stderr);
        assert_eq!(out.len(), 4);
        assert_eq!((out[0].sql.as_str(), out[0].rows.is_none()), ("CREATE TABLE t AS\nSELECT 1 AS a", true));
        let r = out[1].rows.as_ref().unwrap();
        assert_eq!(r.column_names(), ["n_name", "n_comment"]);
        assert_eq!((r.len(), r.cell(0, 1), r.cell(1, 1)), (2, "a\tb\nc", "back\\slash"));
        assert_eq!((out[2].rows.as_ref().unwrap().column_names(), out[2].rows.as_ref().unwrap().len()), (&["x".to_string()][..], 0));
        // Still running: no count yet, so no rows read for it.
        assert_eq!((out[3].fetched, out[3].rows.is_none()), (None, true));
        // Without stderr, stdout is one result.
        let one = parse_sql_output(&lines("a\tb\n1\t2\n"), &[]);
        assert_eq!((one.len(), one[0].rows.as_ref().unwrap().len()), (1, 1));
        assert!(parse_sql_output(&[], &[]).is_empty());
        assert_eq!(unescape_tsv("a\\qb\\"), "a\\qb\\");
    }

    #[test]
    fn syslog_gives_the_timeline() {
        let log: Vec<String> = [
            "2026-11-23 10:00:00.000 INFO Job run jr-1 submitted to queue dev_queue (2 cores, 8192 MiB).",
            "2026-11-23 10:00:00.500 INFO Pending: waiting for room in the queue.",
            "2026-11-23 10:00:01.000 INFO Running: 2 cores and 8192 MiB of queue dev_queue (2 of 4 cores now in use).",
            "2026-11-23 10:00:02.000 INFO Cancel requested while the run was Running.",
            "2026-11-23 10:00:02.100 INFO Ended Cancelled (CancelledByUser): Cancelled by the user.",
            "not a log line",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let t = syslog_transitions(&log);
        let states: Vec<&str> = t.iter().map(|(s, _)| *s).collect();
        assert_eq!(states, vec!["Submitted", "Pending", "Running", "Cancelling", "Cancelled"]);
        assert_eq!(t[2].1 - t[0].1, 1000);
        assert_eq!(parse_log_time("1970-01-02 00:00:01.5"), Some(86_401_500));
        assert_eq!(parse_log_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_log_time("2026-13-01 00:00:00"), None);
        assert_eq!(parse_log_time("yesterday"), None);
    }

    #[test]
    fn flow_job_draft_uses_create_flow_jobs_rules() {
        let mut d = FlowJobDraft::new_job();
        d.name = "orders".into();
        d.description = "d".into();
        d.params = "SELECT 1".into();
        d.resources = vec![Resource { path: "oss://b/a.jar".into(), alias: "a.jar".into() }, Resource::default()];
        d.cluster_id = "C-1".into();
        assert!(d.problems(false).is_empty(), "{:?}", d.problems(false));
        let p = d.to_params(false);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!((get("Type"), get("Adhoc"), get("ResourceList.1.Alias"), get("ResourceList.2.Path")), (Some("SPARK_SQL"), Some("false"), Some("a.jar"), None));
        assert_eq!(get("RetryInterval"), Some("200"));
        // Modify: no Type.
        assert_eq!(d.to_params(true).iter().find(|(k, _)| k == "Type"), None);
        assert!(d.problems(true).is_empty());

        d.param_conf = "{date:1}".into();
        d.env_conf = r#"{"1X":"v"}"#.into();
        d.monitor_conf = r#"{"inputs":[]}"#.into();
        d.max_retry = "9".into();
        d.resources.push(Resource { path: String::new(), alias: "lonely".into() });
        let fields: Vec<(&str, &str)> = d.problems(false).iter().map(|(f, p)| (*f, p.key)).collect();
        assert_eq!(fields, vec![
            ("max_retry", "flow.int_range"),
            ("param_conf", "flow.bad_json"),
            ("env_conf", "flow.env_name"),
            ("monitor_conf", "flow.monitor_conf_type"),
            ("resources", "flow.missing"),
        ]);
        assert_eq!(check_flow_json("run_conf", r#"{"memory":-1}"#, "SHELL").map(|p| p.key), Some("flow.run_conf"));
        assert_eq!(check_flow_json("monitor_conf", r#"{"inputs":[]}"#, "SPARK_STREAMING"), None);
        assert_eq!(check_flow_json("custom_variables", "", "SHELL"), None);
        let empty = FlowJobDraft::new_job();
        let fields: Vec<&str> = empty.problems(false).iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["name"]);
        let bad_path = FlowJobDraft { name: "n".into(), description: "d".into(), resources: vec![Resource { path: "/etc/passwd".into(), alias: String::new() }], ..FlowJobDraft::new_job() };
        assert_eq!(bad_path.problems(false).iter().map(|(f, p)| (*f, p.key)).collect::<Vec<_>>(), vec![("resources", "flow.resource_path")]);

        let job = FlowJob { name: "j".into(), kind: "SHELL".into(), adhoc: "True".into(), max_retry: 2, mode: "LOCAL".into(), category_id: "FC-1".into(), ..Default::default() };
        let back = FlowJobDraft::from_job(&job);
        assert_eq!((back.adhoc, back.max_retry.as_str(), back.mode.as_str(), back.parent_category.as_str()), (true, "2", "LOCAL", "FC-1"));
    }

    #[test]
    fn flow_lists_in_the_url() {
        let f = FlowJobFilters::from_query(query(&[("project", "FP-1"), ("type", "spark_sql"), ("page", "2"), ("size", "50"), ("name", "x")]));
        assert_eq!((f.kind.as_str(), f.page, f.size), ("SPARK_SQL", 2, 50));
        let back = FlowJobFilters::from_query(|k| f.to_query().into_iter().find(|(n, _)| *n == k).map(|(_, v)| v));
        assert_eq!(back, f);
        assert_eq!(f.api_params().last().unwrap(), &("PageSize".to_string(), "50".to_string()));
        assert_eq!(FlowJobFilters::from_query(query(&[("type", "JAVA"), ("page", "0"), ("size", "7")])).to_query(), vec![]);

        let h = HistoryFilters::from_query(query(&[("project", "FP-1"), ("status", "success,failed,nope"), ("from", "2024-03-01T10:00"), ("to", "2024-03-01T10:30"), ("job", "FJ-1")]));
        assert_eq!(h.statuses, vec!["SUCCESS", "FAILED"]);
        assert!(h.has_filters());
        let p = h.api_params(&local).unwrap();
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!((get("StatusList.1"), get("StatusList.2"), get("Id")), (Some("SUCCESS"), Some("FAILED"), Some("FJ-1")));
        let range = get("TimeRange").unwrap();
        assert_eq!(emr_flow::time_range(range).unwrap(), (Some(122_400_000), Some(124_259_999)));
        let back = HistoryFilters::from_query(|k| h.to_query().into_iter().find(|(n, _)| *n == k).map(|(_, v)| v));
        assert_eq!(back, h);
        let bad = HistoryFilters { to: "2024-03-01T09:00".into(), from: "2024-03-01T10:00".into(), ..h.clone() };
        assert_eq!(bad.api_params(&local).unwrap_err()[0].0, "to");
    }
}
