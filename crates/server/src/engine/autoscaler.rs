//! The sandbox's autoscaler: YARN-style metrics sampled from the job engine once per metric
//! period, a bounded history of them, and every enabled policy stepped through the shared
//! evaluator (`lakedeck_api::autoscale`) with its actions carried out by the cluster lifecycle.
//!
//! Time. One metric period (`--metric-period-ms`, default 5000 ms) stands for one MRS evaluation
//! period of five minutes. The autoscaler keeps an *MRS clock* that runs at that rate (300,000 /
//! period times real time; 60× by default): sample `k` after the clock's anchor is stamped with
//! MRS time `anchor + k × 5 min`, and policies read cool-downs and resource-plan windows in it.
//! The anchor is taken at each start (continuing the previous run's clock, or at
//! `--clock-start`), so MRS time never jumps while the sandbox runs.
//!
//! Metrics. Every Core and Task node serves one job at a time with its whole flavor (its vCPUs
//! and memory are the YARN node's resources); a job waiting in ACCEPTED is a pending application
//! asking for one container the size of a node. Nodes being drained or removed take no new job
//! and stop counting once idle. Storm metrics of streaming clusters derive from the same slots.
//!
//! Actions. A scale-out first keeps nodes that were being drained, then expands the group through
//! the same lifecycle as ExpandCluster (creating the Task group from the first Core group's
//! flavor when the cluster has none). A scale-in removes idle nodes at once and drains busy ones:
//! they take no new job and are removed when their job ends. Exec scripts run at their stage with
//! `bash` when the sandbox was started with `--allow-scripts`, and are recorded as skipped
//! otherwise. Every decision is a row in `scaling_events`; samples go to `metric_samples`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lakedeck_api::autoscale::{self, Action, Decision, EvalPolicy, Evaluator, MetricValues, Observation, Outcome, Sample, PERIOD_MS};
use lakedeck_api::catalog;
use lakedeck_api::mrs::ClusterState;
use lakedeck_api::mrs_scaling::{compile, metrics_for, Metric, ScaleScript};
use lakedeck_api::problem::Problem;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::clusters::ShrinkBy;
use super::jobs::{active_jobs, runs_jobs, JobRecord};
use super::lifecycle::OpKind;
use super::nodes::{self, Node};
use super::scaling::{self, Drain, Pending, StoredPolicy};
use super::store::{self, ClusterRow};
use super::{hdfs, Engine, EngineError};
use crate::lang::Text;
use crate::problems::problem_text;
use crate::util;

pub const DEFAULT_PERIOD_MS: u64 = 5000;
/// Samples kept per cluster: 30 days of five-minute periods.
pub const HISTORY_PERIODS: i64 = 8640;
/// Events kept per cluster.
pub const HISTORY_EVENTS: i64 = 10_000;
/// A script that runs longer than this is killed and counts as failed.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
pub struct AutoscaleConfig {
    pub period_ms: u64,
    /// Whether exec scripts may run (`--allow-scripts`: shell scripts may run on this machine).
    pub allow_scripts: bool,
    /// `--clock-start`: the MRS time the clock starts at (epoch ms); otherwise it continues.
    pub clock_start_ms: Option<i64>,
}

impl Default for AutoscaleConfig {
    fn default() -> Self {
        AutoscaleConfig { period_ms: DEFAULT_PERIOD_MS, allow_scripts: false, clock_start_ms: None }
    }
}

/// Real time ↔ MRS time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    pub anchor_real_ms: i64,
    pub anchor_mrs_ms: i64,
    pub period_ms: i64,
}

impl Clock {
    /// The MRS time at real time `now_ms`.
    pub fn mrs_time(&self, now_ms: i64) -> i64 {
        let elapsed = i128::from(now_ms - self.anchor_real_ms) * i128::from(PERIOD_MS) / i128::from(self.period_ms.max(1));
        self.anchor_mrs_ms.saturating_add(elapsed as i64)
    }

    /// The period real time `now_ms` falls in, and that period's MRS time.
    pub fn period(&self, now_ms: i64) -> (i64, i64) {
        let k = (now_ms - self.anchor_real_ms).div_euclid(self.period_ms.max(1));
        (k, self.anchor_mrs_ms + k * PERIOD_MS)
    }
}

/// In-memory side of the autoscaler.
#[derive(Default)]
pub struct AutoscaleRuntime {
    pub config: AutoscaleConfig,
    clock: Mutex<Option<Clock>>,
    last_period: Mutex<Option<i64>>,
}

/// The cluster's time zone offset (plans are read in it).
pub fn zone_offset(region: &str) -> i32 {
    super::catalog::get().region(region).map_or(catalog::DEFAULT_UTC_OFFSET_MINUTES, |r| r.utc_offset_minutes)
}

// ---------------------------------------------------------------------------------------------
// Events

/// A message both as a key with parameters (for the console's catalog) and worded in both languages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Message {
    pub key: String,
    pub params: BTreeMap<String, String>,
    pub en: String,
    pub zh: String,
    /// Real time (epoch ms) of a note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
}

impl Message {
    pub fn of(p: &Problem) -> Message {
        let t = problem_text(p);
        Message {
            key: p.key.to_string(),
            params: p.params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            en: t.en.into_owned(),
            zh: t.zh.into_owned(),
            time: None,
        }
    }

    fn note(p: &Problem) -> Message {
        Message { time: Some(util::now_ms()), ..Message::of(p) }
    }

    /// A message that is an engine's own words (an error from the lifecycle rules).
    fn text(key: &str, t: &Text) -> Message {
        Message { key: key.into(), en: t.en.to_string(), zh: t.zh.to_string(), time: Some(util::now_ms()), ..Default::default() }
    }

    pub fn current(&self) -> String {
        Text::new(self.en.clone(), self.zh.clone()).current().to_string()
    }
}

/// One scaling event: a decision of the evaluator and what became of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScalingEvent {
    pub id: i64,
    /// Real time (epoch ms) and MRS time of the period.
    pub time: i64,
    pub clock: i64,
    pub node_group: String,
    pub resource_pool: String,
    /// `scale_out`, `scale_in` or `none`.
    pub action: String,
    pub from: i64,
    pub to: i64,
    /// `in_progress`, `succeeded`, `failed`, `skipped` or `info` (a resource plan started or ended).
    pub result: String,
    pub decision: Option<Decision>,
    /// The triggering metric's values over the periods it held (oldest first), for rules.
    pub values: Vec<f64>,
    pub reason: Message,
    pub notes: Vec<Message>,
    /// Real time the action ended, and the group's node count then.
    pub finished: Option<i64>,
    pub nodes: Option<i64>,
}

fn insert_event(conn: &Connection, project: &str, cluster: &str, ev: &mut ScalingEvent) -> Result<i64, EngineError> {
    let data = serde_json::to_string(ev).map_err(|e| EngineError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO scaling_events (project_id, cluster_id, at_ms, data) VALUES (?1, ?2, ?3, ?4)",
        params![project, cluster, ev.time, data],
    )?;
    ev.id = conn.last_insert_rowid();
    save_event(conn, ev)?;
    conn.execute(
        "DELETE FROM scaling_events WHERE project_id = ?1 AND cluster_id = ?2 AND seq <= (
           SELECT seq FROM scaling_events WHERE project_id = ?1 AND cluster_id = ?2 ORDER BY seq DESC LIMIT 1 OFFSET ?3)",
        params![project, cluster, HISTORY_EVENTS],
    )?;
    Ok(ev.id)
}

fn save_event(conn: &Connection, ev: &ScalingEvent) -> Result<(), EngineError> {
    let data = serde_json::to_string(ev).map_err(|e| EngineError::Internal(e.to_string()))?;
    conn.execute("UPDATE scaling_events SET data = ?2 WHERE seq = ?1", params![ev.id, data])?;
    Ok(())
}

fn load_event(conn: &Connection, id: i64) -> Result<Option<ScalingEvent>, EngineError> {
    let data: Option<String> = conn.query_row("SELECT data FROM scaling_events WHERE seq = ?1", [id], |r| r.get(0)).optional()?;
    Ok(data.and_then(|d| serde_json::from_str(&d).ok()))
}

/// Changes a stored event in place (a note, its end).
fn update_event(conn: &Connection, id: i64, f: impl FnOnce(&mut ScalingEvent)) -> Result<(), EngineError> {
    if let Some(mut ev) = load_event(conn, id)? {
        f(&mut ev);
        save_event(conn, &ev)?;
    }
    Ok(())
}

fn note_events(conn: &Connection, ids: &[i64], note: &Message) -> Result<(), EngineError> {
    for id in ids {
        update_event(conn, *id, |ev| ev.notes.push(note.clone()))?;
    }
    Ok(())
}

fn finish_event(conn: &Connection, id: i64, result: &str, nodes: i64) -> Result<(), EngineError> {
    update_event(conn, id, |ev| {
        if ev.result == "in_progress" {
            ev.result = result.into();
            ev.finished = Some(util::now_ms());
            ev.nodes = Some(nodes);
            if result == "succeeded" {
                ev.notes.push(Message::note(&Problem::new("scaling.event.finished").with("nodes", nodes)));
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Samples

/// A recorded period: the metrics and the node count of each group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredSample {
    /// Values in `Metric::ALL` order; `null` for metrics the cluster does not measure.
    pub values: Vec<Option<f64>>,
    pub nodes: BTreeMap<String, i64>,
}

/// A sample read back: real time, MRS time and what was measured.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    pub time: i64,
    pub clock: i64,
    pub sample: StoredSample,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Node ids a job may not start on: nodes being drained and nodes an operation is removing.
pub(super) fn leaving_nodes(conn: &Connection, row: &ClusterRow) -> Result<HashSet<String>, EngineError> {
    let mut out: HashSet<String> = scaling::policies(conn, &row.project_id, &row.cluster.cluster_id)?
        .into_iter()
        .flat_map(|p| p.runtime.draining.into_iter().map(|d| d.resource_id))
        .collect();
    if let Some(op) = row.op.as_ref().filter(|op| op.kind == OpKind::Shrink) {
        let group: Vec<Node> = nodes::nodes(&row.cluster, &row.slots).into_iter().filter(|n| n.group_name == op.group).collect();
        if op.remove.is_empty() {
            let keep = group.len().saturating_sub(op.count.max(0) as usize);
            out.extend(group[keep..].iter().map(|n| n.resource_id.clone()));
        } else {
            out.extend(group.iter().filter(|n| op.remove.contains(&n.index)).map(|n| n.resource_id.clone()));
        }
    }
    Ok(out)
}

/// Nodes that run jobs: every Core and Task node.
pub(super) fn worker_nodes(row: &ClusterRow) -> Vec<Node> {
    nodes::nodes(&row.cluster, &row.slots).into_iter().filter(|n| n.role != "Master").collect()
}

/// The metrics of one cluster now, from its nodes and its unfinished jobs.
pub(super) fn measure(row: &ClusterRow, leaving: &HashSet<String>, jobs: &[JobRecord]) -> MetricValues {
    let workers = worker_nodes(row);
    let running: Vec<&JobRecord> = jobs.iter().filter(|j| j.job_state == "RUNNING").collect();
    let busy: HashSet<&str> = running.iter().map(|j| j.node.as_str()).collect();
    let pending = jobs.iter().filter(|j| j.job_state == "ACCEPTED").count() as f64;
    let serving: Vec<&Node> = workers.iter().filter(|n| !leaving.contains(&n.resource_id) || busy.contains(n.resource_id.as_str())).collect();
    let cap_mem: f64 = serving.iter().map(|n| n.mem_mb as f64).sum();
    let cap_cpu: f64 = serving.iter().map(|n| f64::from(n.vcpus)).sum();
    // A container is a whole node: the size of the nodes that serve (the first one's flavor).
    let (box_mem, box_cpu) = serving.first().copied().or(workers.first()).map_or((0.0, 0.0), |n| (n.mem_mb as f64, f64::from(n.vcpus)));
    let (mut alloc_mem, mut alloc_cpu) = (0.0, 0.0);
    for j in &running {
        match workers.iter().find(|n| n.resource_id == j.node) {
            Some(n) => {
                alloc_mem += n.mem_mb as f64;
                alloc_cpu += f64::from(n.vcpus);
            }
            None => {
                alloc_mem += box_mem;
                alloc_cpu += box_cpu;
            }
        }
    }
    let alloc_mem = alloc_mem.min(cap_mem);
    let alloc_cpu = alloc_cpu.min(cap_cpu);
    let run = running.len() as f64;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { a };
    let pct = |a: f64, b: f64| if b > 0.0 { a / b * 100.0 } else { 0.0 };
    let slots = serving.len() as f64;
    let kind = row.cluster.kind().unwrap_or(lakedeck_api::mrs::ClusterType::Analysis);
    let mut v = MetricValues::default();
    for m in metrics_for(kind) {
        let x = match m {
            Metric::YarnAppPending | Metric::YarnContainerPending => pending,
            Metric::YarnAppRunning | Metric::YarnContainerAllocated => run,
            Metric::YarnAppPendingRatio | Metric::YarnContainerPendingRatio => ratio(pending, run),
            Metric::YarnCpuAllocated => alloc_cpu,
            Metric::YarnCpuAvailable => cap_cpu - alloc_cpu,
            Metric::YarnCpuAvailablePercentage => pct(cap_cpu - alloc_cpu, cap_cpu),
            Metric::YarnCpuPending => pending * box_cpu,
            Metric::YarnMemoryAllocated => alloc_mem,
            Metric::YarnMemoryAvailable => cap_mem - alloc_mem,
            Metric::YarnMemoryAvailablePercentage => pct(cap_mem - alloc_mem, cap_mem),
            Metric::YarnMemoryPending => pending * box_mem,
            Metric::StormSlotAvailable => (slots - run).max(0.0),
            Metric::StormSlotAvailablePercentage => pct((slots - run).max(0.0), slots),
            Metric::StormSlotUsed => run.min(slots),
            Metric::StormSlotUsedPercentage => pct(run.min(slots), slots),
            Metric::StormSupervisorMemAverageUsage => if slots > 0.0 { alloc_mem / slots } else { 0.0 },
            Metric::StormSupervisorMemAverageUsagePercentage => pct(alloc_mem, cap_mem),
            Metric::StormSupervisorCpuAverageUsagePercentage => pct(alloc_cpu, cap_cpu),
        };
        v.set(m, round2(x));
    }
    v
}

fn group_counts(row: &ClusterRow) -> BTreeMap<String, i64> {
    let slots = nodes::reconcile(&row.cluster, &row.slots);
    row.cluster.all_node_groups().map(|g| (g.group_name.clone(), slots.get(&g.group_name).map_or(0, |s| s.len() as i64))).collect()
}

fn store_sample(conn: &Connection, row: &ClusterRow, now_ms: i64, mrs_ms: i64, values: &MetricValues, prune: bool) -> Result<(), EngineError> {
    let stored = StoredSample {
        values: Metric::ALL.iter().map(|m| values.get(*m)).collect(),
        nodes: group_counts(row),
    };
    let data = serde_json::to_string(&stored).map_err(|e| EngineError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT OR REPLACE INTO metric_samples (cluster_id, at_ms, project_id, clock_ms, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![row.cluster.cluster_id, now_ms, row.project_id, mrs_ms, data],
    )?;
    if prune {
        conn.execute(
            "DELETE FROM metric_samples WHERE cluster_id = ?1 AND at_ms < (
               SELECT at_ms FROM metric_samples WHERE cluster_id = ?1 ORDER BY at_ms DESC LIMIT 1 OFFSET ?2)",
            params![row.cluster.cluster_id, HISTORY_PERIODS - 1],
        )?;
    }
    Ok(())
}

/// The last `n` recorded values of `metric` for a cluster, oldest first.
fn recent_values(conn: &Connection, cluster: &str, metric: Metric, n: u32) -> Result<Vec<f64>, EngineError> {
    let mut stmt = conn.prepare("SELECT data FROM metric_samples WHERE cluster_id = ?1 ORDER BY at_ms DESC LIMIT ?2")?;
    let rows = stmt.query_map(params![cluster, n], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    let mut out: Vec<f64> = rows
        .iter()
        .filter_map(|d| serde_json::from_str::<StoredSample>(d).ok())
        .filter_map(|s| s.values.get(metric.index()).copied().flatten())
        .collect();
    out.reverse();
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Scripts

/// What a stage's scripts are told (`${mrs_scale_*}`).
#[derive(Clone, Debug, Default)]
struct ScriptContext {
    stage: &'static str,
    scale_out: bool,
    count: i64,
    hostnames: Vec<String>,
    ips: Vec<String>,
    rule: String,
}

fn substitute(parameters: &str, ctx: &ScriptContext) -> Vec<String> {
    let vars = [
        ("${mrs_scale_node_num}", ctx.count.to_string()),
        ("${mrs_scale_type}", if ctx.scale_out { "scale_out" } else { "scale_in" }.to_string()),
        ("${mrs_scale_node_hostnames}", ctx.hostnames.join(",")),
        ("${mrs_scale_node_ips}", ctx.ips.join(",")),
        ("${mrs_scale_rule_name}", ctx.rule.clone()),
    ];
    // Substituted words that come out empty are dropped, as a shell drops an empty unquoted expansion.
    parameters
        .split_whitespace()
        .map(|word| vars.iter().fold(word.to_string(), |w, (k, v)| w.replace(k, v)))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The end of a program's error output, for a failure message.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    let start = text.char_indices().rev().nth(199).map_or(0, |(i, _)| i);
    text[start..].to_string()
}

impl Engine {
    /// Runs (or records as skipped) the policy's scripts of one stage. Returns the notes and
    /// whether a failing `errorout` script stops the action.
    fn run_scripts(&self, cluster_id: &str, scripts: &[ScaleScript], ctx: &ScriptContext) -> (Vec<Message>, bool) {
        let mut notes = Vec::new();
        for s in scripts.iter().filter(|s| s.action_stage.as_deref() == Some(ctx.stage)) {
            let name = s.name.clone().unwrap_or_default();
            let with = |p: Problem| p.with("script", &name).with("stage", ctx.stage);
            if !self.autoscale.config.allow_scripts {
                notes.push(Message::note(&with(Problem::new("scaling.event.script_skipped"))));
                continue;
            }
            match self.run_script(cluster_id, s, ctx) {
                Ok(()) => notes.push(Message::note(&with(Problem::new("scaling.event.script_ok")))),
                Err(failure) => {
                    notes.push(Message::note(&with(failure)));
                    if s.fail_action.as_deref() == Some("errorout") {
                        notes.push(Message::note(&with(Problem::new("scaling.event.script_aborted"))));
                        return (notes, true);
                    }
                }
            }
        }
        (notes, false)
    }

    /// Runs one script; a failure is the note's problem (without the script's name and stage).
    fn run_script(&self, cluster_id: &str, s: &ScaleScript, ctx: &ScriptContext) -> Result<(), Problem> {
        // Words of the OS or of the path rules, passed on as they are.
        let failed = |reason: String| Problem::new("scaling.event.script_failed").with("reason", reason);
        let uri = s.uri.as_deref().unwrap_or_default();
        // The same checked resolver as job arguments: inside the cluster's HDFS or the OBS tree,
        // links included.
        let path = hdfs::ClusterFs::new(&self.data_dir, cluster_id).resolve(uri).map_err(|t| failed(t.en.into_owned()))?;
        if !path.is_file() {
            return Err(Problem::new("scaling.event.script_missing").with("uri", uri));
        }
        let work: PathBuf = self.data_dir.join("scaling").join(cluster_id);
        std::fs::create_dir_all(&work).map_err(|e| failed(e.to_string()))?;
        let mut cmd = super::process::user_command_blocking(Path::new("bash"), &work);
        cmd.arg(&path)
            .args(substitute(s.parameters.as_deref().unwrap_or_default(), ctx))
            .env("LAKEDECK_CLUSTER_ID", cluster_id)
            .env("LAKEDECK_HDFS_ROOT", hdfs::hdfs_root(&self.data_dir, cluster_id))
            .env("LAKEDECK_OBS_ROOT", hdfs::obs_root(&self.data_dir));
        let mut child = cmd.spawn().map_err(|e| Problem::new("scaling.event.script_no_bash").with("reason", e))?;
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if started.elapsed() > SCRIPT_TIMEOUT => {
                    #[cfg(unix)]
                    // SAFETY: kill(2) has no memory-safety preconditions; a stale id only yields ESRCH.
                    unsafe {
                        libc::kill(-(child.id() as i32), libc::SIGKILL);
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Problem::new("scaling.event.script_timeout").with("seconds", SCRIPT_TIMEOUT.as_secs()));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(failed(e.to_string())),
            }
        }
        let out = child.wait_with_output().map_err(|e| failed(e.to_string()))?;
        if out.status.success() {
            return Ok(());
        }
        Err(match out.status.code() {
            Some(code) => Problem::new("scaling.event.script_exit").with("status", code).with("stderr", tail(&out.stderr)),
            None => Problem::new("scaling.event.script_killed").with("stderr", tail(&out.stderr)),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Rounds

/// An action the evaluator decided, to carry out after the before-stage scripts.
struct Planned {
    event: i64,
    scale_out: bool,
    count: i64,
    rule: String,
}

fn same_policy(a: &StoredPolicy, b: &StoredPolicy) -> bool {
    a.project_id == b.project_id && a.cluster_id == b.cluster_id && a.node_group == b.node_group && a.resource_pool == b.resource_pool
}

fn reload(conn: &Connection, p: &StoredPolicy) -> Result<Option<StoredPolicy>, EngineError> {
    Ok(scaling::policies(conn, &p.project_id, &p.cluster_id)?.into_iter().find(|q| same_policy(q, p)))
}

fn group_nodes(row: &ClusterRow, group: &str) -> Vec<Node> {
    nodes::nodes(&row.cluster, &row.slots).into_iter().filter(|n| n.group_name == group).collect()
}

/// Node ids running a job now.
fn busy_nodes(conn: &Connection, cluster_id: &str) -> Result<HashSet<String>, EngineError> {
    Ok(active_jobs(conn)?
        .into_iter()
        .filter(|j| j.cluster_id == cluster_id && j.job_state == "RUNNING" && !j.node.is_empty())
        .map(|j| j.node)
        .collect())
}

impl Engine {
    pub fn with_autoscaler(mut self, config: AutoscaleConfig) -> Engine {
        self.autoscale.config = config;
        self
    }

    /// Sets the MRS clock at start: continues the last run's clock, or starts at `--clock-start`.
    pub fn start_clock(&self, now_ms: i64) -> Result<Clock, EngineError> {
        let cfg = &self.autoscale.config;
        let clock = self.store.tx(|conn| {
            let previous: Option<Clock> = store::meta(conn, "autoscale_clock")?.and_then(|s| serde_json::from_str(&s).ok());
            let mrs = cfg.clock_start_ms.or(previous.map(|c| c.mrs_time(now_ms))).unwrap_or(now_ms);
            let clock = Clock { anchor_real_ms: now_ms, anchor_mrs_ms: mrs, period_ms: cfg.period_ms as i64 };
            store::set_meta(conn, "autoscale_clock", &serde_json::to_string(&clock).map_err(|e| EngineError::Internal(e.to_string()))?)?;
            Ok(clock)
        })?;
        *super::jobs::lock(&self.autoscale.clock) = Some(clock);
        Ok(clock)
    }

    pub fn metric_period_ms(&self) -> u64 {
        self.autoscale.config.period_ms
    }

    pub fn clock(&self) -> Option<Clock> {
        *super::jobs::lock(&self.autoscale.clock)
    }

    /// Samples and evaluates once per metric period.
    pub fn spawn_autoscaler(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        let period = Duration::from_millis(self.autoscale.config.period_ms.max(1));
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                interval.tick().await;
                let engine = self.clone();
                match tokio::task::spawn_blocking(move || engine.autoscale_tick(util::now_ms())).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => eprintln!("warning: autoscaler round failed: {e:?}"),
                    Err(e) => eprintln!("warning: autoscaler round panicked: {e}"),
                }
            }
        })
    }

    /// One round at real time `now_ms`, if a new period began since the last one.
    pub fn autoscale_tick(&self, now_ms: i64) -> Result<(), EngineError> {
        let clock = match self.clock() {
            Some(c) => c,
            None => self.start_clock(now_ms)?,
        };
        let (k, mrs) = clock.period(now_ms);
        {
            let mut last = super::jobs::lock(&self.autoscale.last_period);
            if last.is_some_and(|l| l >= k) {
                return Ok(());
            }
            *last = Some(k);
        }
        let samples = self.store.tx(|conn| {
            let jobs = active_jobs(conn)?;
            let mut out = HashMap::new();
            for row in store::all_clusters(conn)? {
                if !runs_jobs(row.cluster.cluster_state) {
                    continue;
                }
                let leaving = leaving_nodes(conn, &row)?;
                let mine: Vec<JobRecord> = jobs.iter().filter(|j| j.cluster_id == row.cluster.cluster_id).cloned().collect();
                let values = measure(&row, &leaving, &mine);
                store_sample(conn, &row, now_ms, mrs, &values, k % 64 == 0)?;
                out.insert(row.cluster.cluster_id.clone(), values);
            }
            Ok(out)
        })?;
        self.autoscale_round(now_ms, mrs, &samples)
    }

    /// Steps every enabled policy with this period's samples (by cluster id) and carries out
    /// what it decides. Clusters without a sample (not running jobs) are left alone.
    pub fn autoscale_round(&self, now_ms: i64, mrs_ms: i64, samples: &HashMap<String, MetricValues>) -> Result<(), EngineError> {
        let policies = self.store.read(scaling::all_policies)?;
        for p in policies {
            if let Err(e) = self.step_policy(&p, now_ms, mrs_ms, samples.get(&p.cluster_id)) {
                eprintln!("warning: auto scaling of cluster {} ({}) failed: {e:?}", p.cluster_id, p.node_group);
            }
        }
        Ok(())
    }

    fn step_policy(&self, p: &StoredPolicy, now_ms: i64, mrs_ms: i64, values: Option<&MetricValues>) -> Result<(), EngineError> {
        // A: an action that ended: after-stage scripts, then its events end.
        if let Some((pending, row)) = self.store.tx(|conn| self.collect_finished(conn, p))? {
            self.finish_pending(p, &pending, &row)?;
        }
        let Some(values) = values else { return Ok(()) };
        // B: the evaluator's decisions, recorded.
        let planned = self.store.tx(|conn| self.evaluate(conn, p, now_ms, mrs_ms, values))?;
        // C: the action, after the before-stage scripts.
        let started = match planned {
            Some(plan) => {
                self.carry_out(p, plan)?;
                true
            }
            None => false,
        };
        // D: drained nodes that became idle leave.
        if !started {
            self.store.tx(|conn| self.remove_drained(conn, p))?;
        }
        Ok(())
    }

    /// If the policy's action has ended, takes it off the policy and returns it.
    fn collect_finished(&self, conn: &Connection, p: &StoredPolicy) -> Result<Option<(Pending, ClusterRow)>, EngineError> {
        let Some(mut p) = reload(conn, p)? else { return Ok(None) };
        let row = store::cluster(conn, &p.project_id, &p.cluster_id)?;
        // Nodes that are gone (removed by hand, cluster deleted) are no longer drained.
        let members: HashSet<String> =
            row.as_ref().map(|r| group_nodes(r, &p.node_group).into_iter().map(|n| n.resource_id).collect()).unwrap_or_default();
        let (kept, gone): (Vec<Drain>, Vec<Drain>) = p.runtime.draining.iter().cloned().partition(|d| members.contains(&d.resource_id));
        let changed = !gone.is_empty();
        p.runtime.draining = kept;
        // A scale-in whose last draining node went another way (a manual shrink) is over.
        let waiting: HashSet<i64> = p.runtime.draining.iter().map(|d| d.event).chain(p.runtime.pending.iter().flat_map(|x| x.events.clone())).collect();
        for id in gone.iter().map(|d| d.event).collect::<HashSet<_>>() {
            if !waiting.contains(&id) {
                let nodes = row.as_ref().map_or(0, |r| group_nodes(r, &p.node_group).len() as i64);
                finish_event(conn, id, "succeeded", nodes)?;
            }
        }
        let Some(pending) = p.runtime.pending.clone() else {
            if changed {
                scaling::save_runtime(conn, &p)?;
            }
            return Ok(None);
        };
        let Some(row) = row else {
            p.runtime.pending = None;
            scaling::save_runtime(conn, &p)?;
            return Ok(None);
        };
        let state = row.cluster.cluster_state;
        if row.op.is_some() && runs_jobs(state) {
            if changed {
                scaling::save_runtime(conn, &p)?;
            }
            return Ok(None);
        }
        p.runtime.pending = None;
        scaling::save_runtime(conn, &p)?;
        if state != ClusterState::Running {
            let why = Message::note(&Problem::new("scaling.event.failed").with("reason", state.as_str()));
            note_events(conn, &pending.events, &why)?;
            for id in &pending.events {
                finish_event(conn, *id, "failed", group_nodes(&row, &p.node_group).len() as i64)?;
            }
            return Ok(None);
        }
        Ok(Some((pending, row)))
    }

    fn finish_pending(&self, p: &StoredPolicy, pending: &Pending, row: &ClusterRow) -> Result<(), EngineError> {
        let members = group_nodes(row, &p.node_group);
        let (stage, hosts, ips, count) = if pending.scale_out {
            let added: Vec<&Node> = members.iter().skip(pending.before.max(0) as usize).collect();
            ("after_scale_out", added.iter().map(|n| n.name.clone()).collect(), added.iter().map(|n| n.ip.clone()).collect(), added.len() as i64)
        } else {
            let (h, i): (Vec<String>, Vec<String>) = pending.removed.iter().cloned().unzip();
            ("after_scale_in", h, i, pending.removed.len() as i64)
        };
        let ctx = ScriptContext { stage, scale_out: pending.scale_out, count, hostnames: hosts, ips, rule: pending.rule.clone() };
        let (notes, _) = self.run_scripts(&p.cluster_id, p.policy.exec_scripts.as_deref().unwrap_or_default(), &ctx);
        self.store.tx(|conn| {
            let draining: Vec<i64> = reload(conn, p)?.map(|q| q.runtime.draining.iter().map(|d| d.event).collect()).unwrap_or_default();
            for n in &notes {
                note_events(conn, &pending.events, n)?;
            }
            for id in &pending.events {
                if !draining.contains(id) {
                    finish_event(conn, *id, "succeeded", members.len() as i64)?;
                }
            }
            Ok(())
        })
    }

    fn evaluate(&self, conn: &Connection, p: &StoredPolicy, now_ms: i64, mrs_ms: i64, values: &MetricValues) -> Result<Option<Planned>, EngineError> {
        let Some(mut p) = reload(conn, p)? else { return Ok(None) };
        let Some(row) = store::cluster(conn, &p.project_id, &p.cluster_id)? else { return Ok(None) };
        let compiled: EvalPolicy = compile(&p.policy);
        let zone = zone_offset(&row.cluster.data_center);
        let nodes = group_nodes(&row, &p.node_group).len() as i64 - p.runtime.draining.len() as i64;
        let busy = if row.op.is_some() || row.cluster.cluster_state != ClusterState::Running || p.runtime.pending.is_some() {
            Some(row.cluster.cluster_state.as_str().to_string())
        } else {
            None
        };
        let ev = Evaluator { policy: &compiled, zone_offset_minutes: zone };
        let decisions = ev.step(&mut p.runtime.eval, &Sample { time_ms: mrs_ms, values: *values }, &Observation { nodes, busy });
        let mut planned = None;
        for d in decisions {
            let result = match d.outcome {
                Outcome::Act => "in_progress",
                Outcome::PlanChanged => "info",
                _ => "skipped",
            };
            let values = match &d.cause {
                autoscale::Cause::Rule { metric, periods, .. } => recent_values(conn, &p.cluster_id, *metric, *periods)?,
                _ => Vec::new(),
            };
            let rule = match &d.cause {
                autoscale::Cause::Rule { name, .. } => name.clone(),
                _ => String::new(),
            };
            let mut event = ScalingEvent {
                time: now_ms,
                clock: mrs_ms,
                node_group: p.node_group.clone(),
                resource_pool: p.resource_pool.clone(),
                action: match d.action {
                    Action::ScaleOut => "scale_out",
                    Action::ScaleIn => "scale_in",
                    Action::None => "none",
                }
                .into(),
                from: d.from,
                to: d.to,
                result: result.into(),
                values,
                reason: Message::of(&d.problem(zone)),
                decision: Some(d.clone()),
                ..Default::default()
            };
            let id = insert_event(conn, &p.project_id, &p.cluster_id, &mut event)?;
            if d.action != Action::None && d.to != d.from {
                planned = Some(Planned { event: id, scale_out: d.action == Action::ScaleOut, count: (d.to - d.from).abs(), rule });
            } else if d.outcome == Outcome::Act {
                finish_event(conn, id, "succeeded", d.to)?;
            }
        }
        scaling::save_runtime(conn, &p)?;
        Ok(planned)
    }

    fn carry_out(&self, p: &StoredPolicy, plan: Planned) -> Result<(), EngineError> {
        let scripts = p.policy.exec_scripts.clone().unwrap_or_default();
        let stage = if plan.scale_out { "before_scale_out" } else { "before_scale_in" };
        let has_scripts = scripts.iter().any(|s| s.action_stage.as_deref() == Some(stage));
        if has_scripts {
            // The nodes a scale-in would remove are named to the before-scripts as chosen now.
            let (hosts, ips) = if plan.scale_out {
                (Vec::new(), Vec::new())
            } else {
                self.store.read(|conn| {
                    let Some(row) = store::cluster(conn, &p.project_id, &p.cluster_id)? else { return Ok((vec![], vec![])) };
                    let chosen = self.choose_removals(conn, p, &row, plan.count)?;
                    Ok(chosen.iter().map(|n| (n.name.clone(), n.ip.clone())).unzip())
                })?
            };
            let ctx = ScriptContext { stage, scale_out: plan.scale_out, count: plan.count, hostnames: hosts, ips, rule: plan.rule.clone() };
            let (notes, abort) = self.run_scripts(&p.cluster_id, &scripts, &ctx);
            let aborted = self.store.tx(|conn| {
                update_event(conn, plan.event, |ev| ev.notes.extend(notes.iter().cloned()))?;
                if abort {
                    finish_event(conn, plan.event, "failed", plan_nodes(conn, p)?)?;
                }
                Ok(abort)
            })?;
            if aborted {
                return Ok(());
            }
        }
        self.store.tx(|conn| {
            let Some(mut policy) = reload(conn, p)? else { return Ok(()) };
            let Some(mut row) = store::cluster(conn, &p.project_id, &p.cluster_id)? else { return Ok(()) };
            if row.op.is_some() || row.cluster.cluster_state != ClusterState::Running {
                let why = Message::note(&Problem::new("scaling.event.busy").with("rule", &plan.rule).with("state", row.cluster.cluster_state.as_str()));
                note_events(conn, &[plan.event], &why)?;
                return finish_event(conn, plan.event, "failed", group_nodes(&row, &p.node_group).len() as i64);
            }
            let result = if plan.scale_out {
                self.scale_out(conn, &mut policy, &mut row, &plan)
            } else {
                self.scale_in(conn, &mut policy, &mut row, &plan)
            };
            match result {
                Ok(()) => scaling::save_runtime(conn, &policy),
                Err(EngineError::Invalid { message, .. }) | Err(EngineError::NotFound(message)) => {
                    note_events(conn, &[plan.event], &Message::text("scaling.event.failed", &message))?;
                    finish_event(conn, plan.event, "failed", group_nodes(&row, &p.node_group).len() as i64)
                }
                Err(e) => Err(e),
            }
        })
    }

    fn scale_out(&self, conn: &Connection, p: &mut StoredPolicy, row: &mut ClusterRow, plan: &Planned) -> Result<(), EngineError> {
        // Nodes being drained are kept before new ones are added (most recently chosen first).
        let keep = (plan.count as usize).min(p.runtime.draining.len());
        let kept: Vec<Drain> = p.runtime.draining.split_off(p.runtime.draining.len() - keep);
        if !kept.is_empty() {
            let names: Vec<String> = kept.iter().map(|d| d.node_name.clone()).collect();
            let note = Message::note(&Problem::new("scaling.event.undrained").with("count", kept.len()).with("nodes", names.join(", ")));
            note_events(conn, &[plan.event], &note)?;
            // The scale-ins that chose them are over: those nodes stay.
            let mut ended: Vec<i64> = kept.iter().map(|d| d.event).collect();
            ended.dedup();
            for id in ended {
                if !p.runtime.draining.iter().any(|d| d.event == id) {
                    finish_event(conn, id, "succeeded", group_nodes(row, &p.node_group).len() as i64 - p.runtime.draining.len() as i64)?;
                }
            }
        }
        let add = plan.count - keep as i64;
        if add <= 0 {
            finish_event(conn, plan.event, "succeeded", group_nodes(row, &p.node_group).len() as i64 - p.runtime.draining.len() as i64)?;
            return Ok(());
        }
        let before = group_nodes(row, &p.node_group).len() as i64;
        let new_group = if row.cluster.all_node_groups().any(|g| g.group_name == p.node_group) {
            None
        } else {
            let g = scaling::new_task_group(&row.cluster, &p.node_group);
            let from = row.cluster.node_groups.iter().find(|g| catalog::group_role(&g.group_name) == "Core").map(|g| g.group_name.clone()).unwrap_or_default();
            note_events(conn, &[plan.event], &Message::note(&Problem::new("scaling.event.group_created").with("group", &p.node_group).with("from", from)))?;
            Some(g)
        };
        self.begin_expand(conn, row, &p.node_group, add, new_group)?;
        p.runtime.pending = Some(Pending { events: vec![plan.event], scale_out: true, rule: plan.rule.clone(), removed: vec![], before });
        Ok(())
    }

    /// Idle nodes of the group to remove for a scale-in of `count`, highest numbers first.
    fn choose_removals(&self, conn: &Connection, p: &StoredPolicy, row: &ClusterRow, count: i64) -> Result<Vec<Node>, EngineError> {
        let busy = busy_nodes(conn, &p.cluster_id)?;
        let draining: HashSet<&str> = p.runtime.draining.iter().map(|d| d.resource_id.as_str()).collect();
        let mut members: Vec<Node> = group_nodes(row, &p.node_group).into_iter().filter(|n| !draining.contains(n.resource_id.as_str())).collect();
        members.sort_by_key(|n| std::cmp::Reverse(n.index));
        let (idle, _): (Vec<Node>, Vec<Node>) = members.into_iter().partition(|n| !busy.contains(&n.resource_id));
        Ok(idle.into_iter().take(count.max(0) as usize).collect())
    }

    fn scale_in(&self, conn: &Connection, p: &mut StoredPolicy, row: &mut ClusterRow, plan: &Planned) -> Result<(), EngineError> {
        let busy = busy_nodes(conn, &p.cluster_id)?;
        let mut remove = self.choose_removals(conn, p, row, plan.count)?;
        let short = plan.count as usize - remove.len();
        if short > 0 {
            let draining: HashSet<String> = p.runtime.draining.iter().map(|d| d.resource_id.clone()).collect();
            let mut members: Vec<Node> = group_nodes(row, &p.node_group)
                .into_iter()
                .filter(|n| busy.contains(&n.resource_id) && !draining.contains(&n.resource_id))
                .collect();
            members.sort_by_key(|n| std::cmp::Reverse(n.index));
            let chosen: Vec<Node> = members.into_iter().take(short).collect();
            if !chosen.is_empty() {
                let names: Vec<String> = chosen.iter().map(|n| n.name.clone()).collect();
                let note = Message::note(&Problem::new("scaling.event.draining").with("count", chosen.len()).with("nodes", names.join(", ")));
                note_events(conn, &[plan.event], &note)?;
                p.runtime.draining.extend(chosen.into_iter().map(|n| Drain { resource_id: n.resource_id, node_name: n.name, event: plan.event }));
            }
        }
        // Nodes drained earlier that are idle now leave with these.
        let mut events = vec![plan.event];
        let idle_drained: Vec<Drain> = p.runtime.draining.iter().filter(|d| !busy.contains(&d.resource_id)).cloned().collect();
        if !idle_drained.is_empty() {
            let members = group_nodes(row, &p.node_group);
            p.runtime.draining.retain(|d| busy.contains(&d.resource_id));
            for d in idle_drained {
                if let Some(n) = members.iter().find(|n| n.resource_id == d.resource_id) {
                    remove.push(n.clone());
                }
                if !events.contains(&d.event) {
                    events.push(d.event);
                }
            }
        }
        if remove.is_empty() {
            return Ok(());
        }
        let removed: Vec<(String, String)> = remove.iter().map(|n| (n.name.clone(), n.ip.clone())).collect();
        self.begin_shrink(conn, row, &p.node_group, ShrinkBy::Resources(remove.into_iter().map(|n| n.resource_id).collect()))?;
        p.runtime.pending = Some(Pending { events, scale_out: false, rule: plan.rule.clone(), removed, before: 0 });
        Ok(())
    }

    /// Drained nodes whose jobs have ended leave the cluster (one shrink for all of them).
    fn remove_drained(&self, conn: &Connection, p: &StoredPolicy) -> Result<(), EngineError> {
        let Some(mut p) = reload(conn, p)? else { return Ok(()) };
        if p.runtime.draining.is_empty() || p.runtime.pending.is_some() {
            return Ok(());
        }
        let Some(mut row) = store::cluster(conn, &p.project_id, &p.cluster_id)? else { return Ok(()) };
        if row.op.is_some() || row.cluster.cluster_state != ClusterState::Running {
            return Ok(());
        }
        let busy = busy_nodes(conn, &p.cluster_id)?;
        let (idle, still): (Vec<Drain>, Vec<Drain>) = p.runtime.draining.iter().cloned().partition(|d| !busy.contains(&d.resource_id));
        if idle.is_empty() {
            return Ok(());
        }
        let members = group_nodes(&row, &p.node_group);
        let leaving: Vec<&Node> = members.iter().filter(|n| idle.iter().any(|d| d.resource_id == n.resource_id)).collect();
        let removed: Vec<(String, String)> = leaving.iter().map(|n| (n.name.clone(), n.ip.clone())).collect();
        let ids: Vec<String> = leaving.iter().map(|n| n.resource_id.clone()).collect();
        let mut events: Vec<i64> = idle.iter().map(|d| d.event).collect();
        events.sort_unstable();
        events.dedup();
        let note = Message::note(&Problem::new("scaling.event.drained").with("nodes", removed.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")));
        note_events(conn, &events, &note)?;
        self.begin_shrink(conn, &mut row, &p.node_group, ShrinkBy::Resources(ids))?;
        p.runtime.draining = still;
        p.runtime.pending = Some(Pending { events, scale_out: false, rule: String::new(), removed, before: 0 });
        scaling::save_runtime(conn, &p)
    }

    // -----------------------------------------------------------------------------------------
    // Sandbox read endpoints

    /// Recorded samples of a cluster between two real times (inclusive), the newest `limit`,
    /// oldest first.
    pub fn metric_history(&self, project: &str, cluster: &str, since: Option<i64>, until: Option<i64>, limit: i64) -> Result<(lakedeck_api::mrs::Cluster, Vec<HistoryRow>), EngineError> {
        self.store.read(|conn| {
            let row = super::jobs::load_cluster(conn, project, cluster)?;
            let mut stmt = conn.prepare(
                "SELECT at_ms, clock_ms, data FROM metric_samples WHERE cluster_id = ?1 AND project_id = ?2 AND at_ms >= ?3 AND at_ms <= ?4
                 ORDER BY at_ms DESC LIMIT ?5",
            )?;
            let rows = stmt
                .query_map(params![cluster, project, since.unwrap_or(i64::MIN), until.unwrap_or(i64::MAX), limit], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out: Vec<HistoryRow> = rows
                .into_iter()
                .filter_map(|(time, clock, data)| serde_json::from_str(&data).ok().map(|sample| HistoryRow { time, clock, sample }))
                .collect();
            out.reverse();
            Ok((row.cluster, out))
        })
    }

    /// Scaling events of a cluster, newest first: how many match, and the page.
    pub fn scaling_events(&self, project: &str, cluster: &str, since: Option<i64>, until: Option<i64>, limit: i64, offset: i64) -> Result<(i64, Vec<ScalingEvent>), EngineError> {
        self.store.read(|conn| {
            super::jobs::load_cluster(conn, project, cluster)?;
            let (lo, hi) = (since.unwrap_or(i64::MIN), until.unwrap_or(i64::MAX));
            let total: i64 = conn.query_row(
                "SELECT COUNT(*) FROM scaling_events WHERE project_id = ?1 AND cluster_id = ?2 AND at_ms >= ?3 AND at_ms <= ?4",
                params![project, cluster, lo, hi],
                |r| r.get(0),
            )?;
            let mut stmt = conn.prepare(
                "SELECT data FROM scaling_events WHERE project_id = ?1 AND cluster_id = ?2 AND at_ms >= ?3 AND at_ms <= ?4
                 ORDER BY seq DESC LIMIT ?5 OFFSET ?6",
            )?;
            let rows = stmt
                .query_map(params![project, cluster, lo, hi, limit, offset], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((total, rows.iter().filter_map(|d| serde_json::from_str(d).ok()).collect()))
        })
    }
}

fn plan_nodes(conn: &Connection, p: &StoredPolicy) -> Result<i64, EngineError> {
    Ok(store::cluster(conn, &p.project_id, &p.cluster_id)?.map_or(0, |row| group_nodes(&row, &p.node_group).len() as i64))
}

#[cfg(test)]
#[path = "autoscaler_tests.rs"]
mod tests;
