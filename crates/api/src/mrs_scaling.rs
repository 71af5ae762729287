//! MRS auto scaling (mrs-api.md §10): policy wire types, the metric catalog and the policy rules.
//! The sandbox checks a policy with [`validate_policy`] before storing anything and the console
//! shows the same problems next to each field; [`compile`] turns a valid policy into what the
//! evaluator (`autoscale`) runs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::autoscale::{EvalPolicy, PlanWindow, RuleSpec};
use crate::lenient;
use crate::catalog;
use crate::mrs::{Cluster, ClusterType, Tag};
use crate::problem::Problem;
use crate::rules::{validate_tags, FieldError, INVALID_PARAM};

/// V2: no policy for this (cluster, node group, resource pool) [TF].
pub const POLICY_MISSING: &str = "MRS.00005016";
pub const MAX_CAPACITY: i64 = 500;
pub const MAX_PLANS: usize = 5;
pub const MAX_RULES_PER_KIND: usize = 5;
pub const MAX_COOL_DOWN_MINUTES: i64 = 10_080;
pub const MAX_ADJUSTMENT: i64 = 100;
pub const MAX_EVALUATION_PERIODS: i64 = 288;
pub const MIN_PLAN_MINUTES: u32 = 30;
pub const MAX_DESCRIPTION: usize = 1024;
pub const MAX_NAME: usize = 64;
/// The documentation gives no limit on scripts; the sandbox allows ten per policy.
pub const MAX_SCRIPTS: usize = 10;
/// Tags of a V2 policy [TF].
pub const MAX_POLICY_TAGS: usize = 20;
/// The only node group name of the V1.1 API: it stands for the cluster's Task node group.
pub const V11_NODE_GROUP: &str = "task_node_default_group";
/// The resource pool of every sandbox cluster.
pub const DEFAULT_POOL: &str = "default";
pub const DAYS: [&str; 7] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
pub const SCRIPT_STAGES: [&str; 4] = ["before_scale_out", "before_scale_in", "after_scale_out", "after_scale_in"];
pub const FAIL_ACTIONS: [&str; 2] = ["continue", "errorout"];
/// Variables a script's `parameters` may use; the sandbox substitutes them before the run.
pub const SCRIPT_VARIABLES: [&str; 5] =
    ["mrs_scale_node_num", "mrs_scale_type", "mrs_scale_node_hostnames", "mrs_scale_node_ips", "mrs_scale_rule_name"];

// ---------------------------------------------------------------------------------------------
// Wire types. Required fields are `Option` so a request missing one is answered "X is required"
// naming the field, not with a parse error; numbers may arrive as strings (§15.2).

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoScalingPolicy {
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub auto_scaling_enable: Option<bool>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub min_capacity: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources_plans: Option<Vec<ResourcesPlan>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<Rule>>,
    /// V1.1 and the V2 create-cluster node group only (AutoScalingPolicyInfo has no scripts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec_scripts: Option<Vec<ScaleScript>>,
    /// V2 only: tags the policy's nodes get.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourcesPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub min_capacity: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_days: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjustment_type: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub cool_down_minutes: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub scaling_adjustment: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Trigger {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// A string on the wire ("2", "80.5"); a JSON number is accepted and kept as its text.
    #[serde(deserialize_with = "opt_text", skip_serializing_if = "Option::is_none")]
    pub metric_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<String>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub evaluation_periods: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScaleScript {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient::opt_bool", skip_serializing_if = "Option::is_none")]
    pub active_master: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_stage: Option<String>,
}

/// `POST /v1.1/{p}/autoscaling-policy/{c}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyReqV11 {
    pub node_group: Option<String>,
    pub auto_scaling_policy: Option<AutoScalingPolicy>,
}

/// `AutoScalingPolicyV2`: V2 POST/PUT body and each element of the V2 GET array.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoScalingPolicyV2 {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_pool_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_policy: Option<AutoScalingPolicy>,
}

/// V2 DELETE body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyDeleteReq {
    pub node_group_name: Option<String>,
    pub resource_pool_name: Option<String>,
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(other) => return Err(serde::de::Error::custom(format!("expected a string or a number, got {other}"))),
    })
}

impl AutoScalingPolicy {
    /// The stored form of a policy as the services answer it: every list present.
    pub fn normalized(&self) -> AutoScalingPolicy {
        AutoScalingPolicy {
            resources_plans: Some(self.resources_plans.clone().unwrap_or_default()),
            rules: Some(self.rules.clone().unwrap_or_default()),
            exec_scripts: self.exec_scripts.clone().filter(|s| !s.is_empty()),
            tags: Some(self.tags.clone().unwrap_or_default()),
            ..self.clone()
        }
    }

    /// V2 PUT: the fields given replace the stored ones, the rest stay.
    pub fn merged_over(&self, stored: &AutoScalingPolicy) -> AutoScalingPolicy {
        AutoScalingPolicy {
            auto_scaling_enable: self.auto_scaling_enable.or(stored.auto_scaling_enable),
            min_capacity: self.min_capacity.or(stored.min_capacity),
            max_capacity: self.max_capacity.or(stored.max_capacity),
            resources_plans: self.resources_plans.clone().or_else(|| stored.resources_plans.clone()),
            rules: self.rules.clone().or_else(|| stored.rules.clone()),
            exec_scripts: self.exec_scripts.clone().or_else(|| stored.exec_scripts.clone()),
            tags: self.tags.clone().or_else(|| stored.tags.clone()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Metrics

/// Which service a metric comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricFamily {
    Yarn,
    Storm,
}

/// What a metric's number counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Count,
    Ratio,
    Megabytes,
    Vcores,
    Percent,
}

impl Unit {
    /// Whether thresholds must be whole numbers.
    pub fn integral(self) -> bool {
        matches!(self, Unit::Count | Unit::Megabytes | Unit::Vcores)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Ratio => "ratio",
            Unit::Megabytes => "MB",
            Unit::Vcores => "vCPU",
            Unit::Percent => "%",
        }
    }
}

macro_rules! metrics {
    ($($variant:ident = $name:literal, $family:ident, $unit:ident, $max:expr;)+) => {
        /// The metrics a trigger can name (§10.1), in the order the sandbox stores them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Metric { $($variant),+ }

        impl Metric {
            pub const ALL: [Metric; METRIC_COUNT] = [$(Metric::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Metric::$variant => $name),+ }
            }

            pub fn family(self) -> MetricFamily {
                match self { $(Metric::$variant => MetricFamily::$family),+ }
            }

            pub fn unit(self) -> Unit {
                match self { $(Metric::$variant => Unit::$unit),+ }
            }

            /// Largest threshold a trigger may use.
            pub fn max_value(self) -> f64 {
                match self { $(Metric::$variant => $max),+ }
            }
        }
    };
}

/// Integer metrics and ratios range up to this (§10.1).
const INT_MAX: f64 = 2_147_483_646.0;
pub const METRIC_COUNT: usize = 21;

metrics! {
    YarnAppPending = "YARNAppPending", Yarn, Count, INT_MAX;
    YarnAppPendingRatio = "YARNAppPendingRatio", Yarn, Ratio, INT_MAX;
    YarnAppRunning = "YARNAppRunning", Yarn, Count, INT_MAX;
    YarnContainerAllocated = "YARNContainerAllocated", Yarn, Count, INT_MAX;
    YarnContainerPending = "YARNContainerPending", Yarn, Count, INT_MAX;
    YarnContainerPendingRatio = "YARNContainerPendingRatio", Yarn, Ratio, INT_MAX;
    YarnCpuAllocated = "YARNCPUAllocated", Yarn, Vcores, INT_MAX;
    YarnCpuAvailable = "YARNCPUAvailable", Yarn, Vcores, INT_MAX;
    YarnCpuAvailablePercentage = "YARNCPUAvailablePercentage", Yarn, Percent, 100.0;
    YarnCpuPending = "YARNCPUPending", Yarn, Vcores, INT_MAX;
    YarnMemoryAllocated = "YARNMemoryAllocated", Yarn, Megabytes, INT_MAX;
    YarnMemoryAvailable = "YARNMemoryAvailable", Yarn, Megabytes, INT_MAX;
    YarnMemoryAvailablePercentage = "YARNMemoryAvailablePercentage", Yarn, Percent, 100.0;
    YarnMemoryPending = "YARNMemoryPending", Yarn, Megabytes, INT_MAX;
    StormSlotAvailable = "StormSlotAvailable", Storm, Count, INT_MAX;
    StormSlotAvailablePercentage = "StormSlotAvailablePercentage", Storm, Percent, 100.0;
    StormSlotUsed = "StormSlotUsed", Storm, Count, INT_MAX;
    StormSlotUsedPercentage = "StormSlotUsedPercentage", Storm, Percent, 100.0;
    StormSupervisorMemAverageUsage = "StormSupervisorMemAverageUsage", Storm, Megabytes, INT_MAX;
    StormSupervisorMemAverageUsagePercentage = "StormSupervisorMemAverageUsagePercentage", Storm, Percent, 100.0;
    StormSupervisorCpuAverageUsagePercentage = "StormSupervisorCPUAverageUsagePercentage", Storm, Percent, 6000.0;
}

impl Metric {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn parse(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether a cluster of this type measures the metric: YARN for analysis (and custom)
    /// clusters, Storm for streaming ones, both for hybrid ones.
    pub fn available_on(self, kind: ClusterType) -> bool {
        match kind {
            ClusterType::Analysis | ClusterType::Custom => self.family() == MetricFamily::Yarn,
            ClusterType::Streaming => self.family() == MetricFamily::Storm,
            ClusterType::Mixed => true,
        }
    }
}

/// Metrics of a cluster type, in catalog order.
pub fn metrics_for(kind: ClusterType) -> Vec<Metric> {
    Metric::ALL.into_iter().filter(|m| m.available_on(kind)).collect()
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let s = String::deserialize(d)?;
        Metric::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown metric {s}")))
    }
}

/// `comparison_operator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = "LT")]
    Lt,
    #[serde(rename = "GT")]
    Gt,
    #[serde(rename = "LTOE")]
    Ltoe,
    #[serde(rename = "GTOE")]
    Gtoe,
}

impl Comparison {
    pub const ALL: [Comparison; 4] = [Comparison::Lt, Comparison::Gt, Comparison::Ltoe, Comparison::Gtoe];

    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::Lt => "LT",
            Comparison::Gt => "GT",
            Comparison::Ltoe => "LTOE",
            Comparison::Gtoe => "GTOE",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Gt => ">",
            Comparison::Ltoe => "≤",
            Comparison::Gtoe => "≥",
        }
    }

    pub fn parse(s: &str) -> Option<Comparison> {
        Comparison::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::Lt => value < threshold,
            Comparison::Gt => value > threshold,
            Comparison::Ltoe => value <= threshold,
            Comparison::Gtoe => value >= threshold,
        }
    }
}

/// A `metric_value`: an unsigned integer or a number with one or two decimals.
pub fn parse_metric_value(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || int.len() > 12 || frac.is_some_and(|f| !digits(f) || f.len() > 2) {
        return None;
    }
    s.parse().ok()
}

/// `H:mm` / `HH:mm` from 0:00 to 23:59, as minutes of the day.
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let ok = |t: &str, len: std::ops::RangeInclusive<usize>| len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    if !ok(h, 1..=2) || !ok(m, 2..=2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// `effective_days` as weekday bits (bit 0 = Monday); none or empty = every day.
pub fn day_bits(days: Option<&[String]>) -> u8 {
    match days {
        Some(d) if !d.is_empty() => {
            d.iter().filter_map(|n| DAYS.iter().position(|x| x == n)).fold(0u8, |acc, i| acc | (1 << i))
        }
        _ => PlanWindow::EVERY_DAY,
    }
}

// ---------------------------------------------------------------------------------------------
// Rules

/// What a policy is checked against.
pub struct PolicyTarget<'a> {
    pub cluster_type: ClusterType,
    /// The cluster's node group names (a script's `nodes` may name them).
    pub node_groups: &'a [String],
    /// V2 bodies may carry `tags` and no `exec_scripts`.
    pub v2: bool,
}

fn is_name(s: &str, extra: &[char]) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || extra.contains(&c))
}

struct Check {
    prefix: String,
    out: Vec<FieldError>,
}

impl Check {
    fn push(&mut self, field: &str, problem: Problem) {
        let field = if field.is_empty() { self.prefix.clone() } else { format!("{}.{field}", self.prefix) };
        self.out.push(FieldError { problem, field, code: INVALID_PARAM });
    }

    fn required<'a, T>(&mut self, v: &'a Option<T>, field: &str) -> Option<&'a T> {
        if v.is_none() {
            self.push(field, Problem::new("scaling.required"));
        }
        v.as_ref()
    }

    fn capacity(&mut self, v: &Option<i64>, field: &str) -> Option<i64> {
        let n = *self.required(v, field)?;
        if !(0..=MAX_CAPACITY).contains(&n) {
            self.push(field, Problem::new("scaling.capacity_range").with("max", MAX_CAPACITY).with("value", n));
            return None;
        }
        Some(n)
    }

    fn bounded(&mut self, v: &Option<i64>, field: &str, min: i64, max: i64) -> Option<i64> {
        let n = *self.required(v, field)?;
        if !(min..=max).contains(&n) {
            self.push(field, Problem::new("scaling.range").with("min", min).with("max", max).with("value", n));
            return None;
        }
        Some(n)
    }
}

/// Every problem of a policy, in field order; field paths start with `prefix`
/// (`auto_scaling_policy`). Nothing here knows other policies: the caller checks identity.
pub fn validate_policy(p: &AutoScalingPolicy, t: &PolicyTarget, prefix: &str) -> Vec<FieldError> {
    let mut c = Check { prefix: prefix.to_string(), out: Vec::new() };
    let enabled = c.required(&p.auto_scaling_enable, "auto_scaling_enable").copied();
    let min = c.capacity(&p.min_capacity, "min_capacity");
    let max = c.capacity(&p.max_capacity, "max_capacity");
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            c.push("min_capacity", Problem::new("scaling.min_gt_max").with("min", lo).with("max", hi));
        }
    }
    let plans = p.resources_plans.as_deref().unwrap_or_default();
    let rules = p.rules.as_deref().unwrap_or_default();
    if enabled == Some(true) && plans.is_empty() && rules.is_empty() {
        c.push("", Problem::new("scaling.enabled_without_plan_or_rule"));
    }
    validate_plans(&mut c, plans);
    validate_rules(&mut c, rules, t.cluster_type);
    if let Some(scripts) = &p.exec_scripts {
        if t.v2 {
            c.push("exec_scripts", Problem::new("scaling.scripts_not_v2"));
        } else {
            validate_scripts(&mut c, scripts, t.node_groups);
        }
    }
    if let Some(tags) = &p.tags {
        if !t.v2 {
            c.push("tags", Problem::new("scaling.tags_not_v11"));
        } else if tags.len() > MAX_POLICY_TAGS {
            c.push("tags", Problem::new("tag.too_many").with("max", MAX_POLICY_TAGS).with("count", tags.len()));
        } else {
            for fp in validate_tags(tags, usize::MAX) {
                c.out.push(FieldError { field: format!("{prefix}.{}", fp.field), ..fp });
            }
        }
    }
    c.out
}

fn validate_plans(c: &mut Check, plans: &[ResourcesPlan]) {
    if plans.len() > MAX_PLANS {
        c.push("resources_plans", Problem::new("scaling.too_many_plans").with("max", MAX_PLANS).with("count", plans.len()));
    }
    // Each checked plan as (position, days, start, end) for the overlap test.
    let mut windows: Vec<(usize, u8, u32, u32)> = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let f = |s: &str| format!("resources_plans[{i}].{s}");
        if let Some(pt) = c.required(&plan.period_type, &f("period_type")) {
            if pt != "daily" {
                c.push(&f("period_type"), Problem::new("scaling.plan_period_type").with("value", pt));
            }
        }
        let clock = |c: &mut Check, v: &Option<String>, field: &str| -> Option<u32> {
            let s = c.required(v, field)?;
            let m = parse_clock(s);
            if m.is_none() {
                c.push(field, Problem::new("scaling.plan_time").with("value", s));
            }
            m
        };
        let start = clock(c, &plan.start_time, &f("start_time"));
        let end = clock(c, &plan.end_time, &f("end_time"));
        let lo = c.capacity(&plan.min_capacity, &f("min_capacity"));
        let hi = c.capacity(&plan.max_capacity, &f("max_capacity"));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                c.push(&f("min_capacity"), Problem::new("scaling.min_gt_max").with("min", lo).with("max", hi));
            }
        }
        let mut days_ok = true;
        for (j, d) in plan.effective_days.as_deref().unwrap_or_default().iter().enumerate() {
            let field = format!("resources_plans[{i}].effective_days[{j}]");
            if !DAYS.contains(&d.as_str()) {
                c.push(&field, Problem::new("scaling.plan_day").with("value", d));
                days_ok = false;
            } else if plan.effective_days.as_deref().unwrap_or_default()[..j].contains(d) {
                c.push(&field, Problem::new("scaling.plan_day_twice").with("day", d));
                days_ok = false;
            }
        }
        let (Some(start), Some(end)) = (start, end) else { continue };
        if end < start + MIN_PLAN_MINUTES {
            let (s, e) = (plan.start_time.clone().unwrap_or_default(), plan.end_time.clone().unwrap_or_default());
            c.push(&f("end_time"), Problem::new("scaling.plan_too_short").with("start", s).with("end", e).with("minutes", MIN_PLAN_MINUTES));
            continue;
        }
        if !days_ok {
            continue;
        }
        let days = day_bits(plan.effective_days.as_deref());
        if let Some((other, shared, _, _)) = windows
            .iter()
            .map(|(j, d, s, e)| (*j, d & days, *s, *e))
            .find(|(_, shared, s, e)| *shared != 0 && start < *e && *s < end)
        {
            let day = DAYS[shared.trailing_zeros() as usize];
            c.push(&f("start_time"), Problem::new("scaling.plans_overlap").with("other", other + 1).with("day", day));
        }
        windows.push((i, days, start, end));
    }
}

fn validate_rules(c: &mut Check, rules: &[Rule], kind: ClusterType) {
    for (label, out) in [("scale_out", true), ("scale_in", false)] {
        let n = rules.iter().filter(|r| (r.adjustment_type.as_deref() == Some("scale_out")) == out && r.adjustment_type.is_some()).count();
        if n > MAX_RULES_PER_KIND {
            c.push("rules", Problem::new("scaling.too_many_rules").with("max", MAX_RULES_PER_KIND).with("kind", label).with("count", n));
        }
    }
    for (i, r) in rules.iter().enumerate() {
        let f = |s: &str| format!("rules[{i}].{s}");
        if let Some(name) = c.required(&r.name, &f("name")) {
            if name.is_empty() || name.chars().count() > MAX_NAME || !is_name(name, &[]) {
                c.push(&f("name"), Problem::new("scaling.rule_name").with("value", name));
            } else if rules[..i].iter().any(|o| o.name.as_deref() == Some(name.as_str())) {
                c.push(&f("name"), Problem::new("scaling.rule_name_twice").with("name", name));
            }
        }
        if r.description.as_deref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
            c.push(&f("description"), Problem::new("scaling.description_too_long").with("max", MAX_DESCRIPTION));
        }
        if let Some(a) = c.required(&r.adjustment_type, &f("adjustment_type")) {
            if a != "scale_out" && a != "scale_in" {
                c.push(&f("adjustment_type"), Problem::new("scaling.adjustment_type").with("value", a));
            }
        }
        c.bounded(&r.cool_down_minutes, &f("cool_down_minutes"), 0, MAX_COOL_DOWN_MINUTES);
        c.bounded(&r.scaling_adjustment, &f("scaling_adjustment"), 1, MAX_ADJUSTMENT);
        let Some(tr) = c.required(&r.trigger, &f("trigger")) else { continue };
        let f = |s: &str| format!("rules[{i}].trigger.{s}");
        let metric = c.required(&tr.metric_name, &f("metric_name")).and_then(|name| {
            let names = || metrics_for(kind).iter().map(|m| m.name()).collect::<Vec<_>>().join(", ");
            match Metric::parse(name) {
                Some(m) if m.available_on(kind) => Some(m),
                Some(m) => {
                    c.push(&f("metric_name"), Problem::new("scaling.metric_not_on_type").with("metric", m.name()).with("type", kind.as_str()).with("metrics", names()));
                    None
                }
                None => {
                    c.push(&f("metric_name"), Problem::new("scaling.metric_unknown").with("value", name).with("type", kind.as_str()).with("metrics", names()));
                    None
                }
            }
        });
        if let Some(raw) = c.required(&tr.metric_value, &f("metric_value")) {
            match parse_metric_value(raw) {
                None => c.push(&f("metric_value"), Problem::new("scaling.metric_value").with("value", raw)),
                Some(v) => {
                    if let Some(m) = metric {
                        if m.unit().integral() && raw.contains('.') {
                            c.push(&f("metric_value"), Problem::new("scaling.metric_value_integer").with("metric", m.name()).with("value", raw));
                        } else if v > m.max_value() {
                            c.push(
                                &f("metric_value"),
                                Problem::new("scaling.metric_value_range").with("metric", m.name()).with("max", crate::autoscale::format_number(m.max_value())).with("value", raw),
                            );
                        }
                    }
                }
            }
        }
        if let Some(op) = c.required(&tr.comparison_operator, &f("comparison_operator")) {
            if Comparison::parse(op).is_none() {
                c.push(&f("comparison_operator"), Problem::new("scaling.operator").with("value", op));
            }
        }
        c.bounded(&tr.evaluation_periods, &f("evaluation_periods"), 1, MAX_EVALUATION_PERIODS);
    }
}

fn validate_scripts(c: &mut Check, scripts: &[ScaleScript], groups: &[String]) {
    if scripts.len() > MAX_SCRIPTS {
        c.push("exec_scripts", Problem::new("scaling.too_many_scripts").with("max", MAX_SCRIPTS).with("count", scripts.len()));
    }
    for (i, s) in scripts.iter().enumerate() {
        let f = |x: &str| format!("exec_scripts[{i}].{x}");
        if let Some(name) = c.required(&s.name, &f("name")) {
            if name.is_empty() || name.chars().count() > MAX_NAME || name.starts_with(' ') || !is_name(name, &[' ']) {
                c.push(&f("name"), Problem::new("scaling.script_name").with("value", name));
            } else if scripts[..i].iter().any(|o| o.name.as_deref() == Some(name.as_str())) {
                c.push(&f("name"), Problem::new("scaling.script_name_twice").with("name", name));
            }
        }
        if let Some(uri) = c.required(&s.uri, &f("uri")) {
            let obs = uri.strip_prefix("obs://").is_some_and(|rest| rest.split_once('/').is_some_and(|(b, k)| !b.is_empty() && !k.is_empty()));
            let ok = (obs || uri.starts_with('/'))
                && uri.ends_with(".sh")
                && !uri.split('/').any(|seg| seg == ".." || seg == ".")
                && !uri.chars().any(|ch| (ch as u32) < 32);
            if !ok {
                c.push(&f("uri"), Problem::new("scaling.script_uri").with("value", uri));
            }
        }
        if let Some(nodes) = c.required(&s.nodes, &f("nodes")) {
            if nodes.is_empty() {
                c.push(&f("nodes"), Problem::new("scaling.required"));
            }
            for (j, n) in nodes.iter().enumerate() {
                if !["Master", "Core", "Task"].contains(&n.as_str()) && !groups.contains(n) {
                    c.push(&format!("exec_scripts[{i}].nodes[{j}]"), Problem::new("scaling.script_node").with("value", n).with("groups", groups.join(", ")));
                }
            }
        }
        let stage = c.required(&s.action_stage, &f("action_stage")).cloned();
        if let Some(st) = &stage {
            if !SCRIPT_STAGES.contains(&st.as_str()) {
                c.push(&f("action_stage"), Problem::new("scaling.script_stage").with("value", st));
            }
        }
        if let Some(fa) = c.required(&s.fail_action, &f("fail_action")) {
            if !FAIL_ACTIONS.contains(&fa.as_str()) {
                c.push(&f("fail_action"), Problem::new("scaling.fail_action").with("value", fa));
            } else if stage.as_deref() == Some("after_scale_in") && fa != "continue" {
                c.push(&f("fail_action"), Problem::new("scaling.fail_action_after_scale_in"));
            }
        }
    }
}

/// The standard Task group of a cluster type (what `task_node_default_group` becomes when the
/// cluster has no Task group yet).
pub fn standard_task_group(kind: Option<ClusterType>) -> Option<&'static str> {
    match kind? {
        ClusterType::Analysis | ClusterType::Mixed => Some("task_node_analysis_group"),
        ClusterType::Streaming => Some("task_node_streaming_group"),
        ClusterType::Custom => None,
    }
}

/// The Task groups a policy may name: the cluster's own and the standard ones of its type.
pub fn task_groups(c: &Cluster) -> Vec<String> {
    let mut out: Vec<String> = c.task_node_groups.iter().map(|g| g.group_name.clone()).collect();
    let kind = c.kind().map(ClusterType::as_str).unwrap_or_default();
    for (g, _) in catalog::standard_groups(kind) {
        if catalog::group_role(g) == "Task" && !out.iter().any(|o| o == g) {
            out.push(g.to_string());
        }
    }
    out
}

/// The real group a policy's node group names (`task_node_default_group`: the cluster's Task
/// group, or the standard one its first scale-out creates).
pub fn resolve_group(c: &Cluster, name: &str) -> Result<String, Problem> {
    if name == V11_NODE_GROUP {
        if let Some(g) = c.task_node_groups.first() {
            return Ok(g.group_name.clone());
        }
        if let Some(g) = standard_task_group(c.kind()) {
            return Ok(g.to_string());
        }
    } else if task_groups(c).iter().any(|g| g == name) {
        return Ok(name.to_string());
    }
    Err(Problem::new("scaling.node_group").with("value", name).with("groups", task_groups(c).join(", ")))
}

/// `resource_pool_name`: 1–50 letters, digits, `-` or `_`.
pub fn validate_pool_name(pool: &str) -> Option<Problem> {
    (pool.is_empty() || pool.chars().count() > 50 || !is_name(pool, &[]))
        .then(|| Problem::new("scaling.resource_pool").with("value", pool))
}

/// The evaluator's form of a policy that passed [`validate_policy`]. Parts that do not parse
/// (a policy edited in the store by hand) are left out rather than guessed.
pub fn compile(p: &AutoScalingPolicy) -> EvalPolicy {
    let plans = p
        .resources_plans
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(index, plan)| {
            Some(PlanWindow {
                index,
                days: day_bits(plan.effective_days.as_deref()),
                start_minute: parse_clock(plan.start_time.as_deref()?)?,
                end_minute: parse_clock(plan.end_time.as_deref()?)?,
                min: plan.min_capacity?,
                max: plan.max_capacity?,
            })
        })
        .collect();
    let rules = p
        .rules
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(index, r)| {
            let t = r.trigger.as_ref()?;
            Some(RuleSpec {
                index,
                name: r.name.clone().unwrap_or_default(),
                scale_out: match r.adjustment_type.as_deref()? {
                    "scale_out" => true,
                    "scale_in" => false,
                    _ => return None,
                },
                adjustment: r.scaling_adjustment?.max(0),
                cool_down_minutes: r.cool_down_minutes.unwrap_or(0).max(0),
                metric: Metric::parse(t.metric_name.as_deref()?)?,
                comparison: Comparison::parse(t.comparison_operator.as_deref()?)?,
                threshold: parse_metric_value(t.metric_value.as_deref()?)?,
                periods: t.evaluation_periods?.clamp(1, MAX_EVALUATION_PERIODS) as u32,
            })
        })
        .collect();
    EvalPolicy {
        enabled: p.auto_scaling_enable.unwrap_or(false),
        min: p.min_capacity.unwrap_or(0),
        max: p.max_capacity.unwrap_or(MAX_CAPACITY),
        plans,
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> AutoScalingPolicy {
        serde_json::from_value(v).unwrap()
    }

    fn valid() -> serde_json::Value {
        json!({
            "auto_scaling_enable": true, "min_capacity": "0", "max_capacity": 4,
            "resources_plans": [
                {"period_type": "daily", "start_time": "9:00", "end_time": "17:00", "min_capacity": 2, "max_capacity": 3,
                 "effective_days": ["MONDAY", "TUESDAY"]},
                {"period_type": "daily", "start_time": "17:00", "end_time": "23:59", "min_capacity": 0, "max_capacity": 1}
            ],
            "rules": [
                {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 2,
                 "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GTOE", "evaluation_periods": 1}},
                {"name": "shrink", "adjustment_type": "scale_in", "cool_down_minutes": "20", "scaling_adjustment": 1,
                 "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": 70.5, "comparison_operator": "GT", "evaluation_periods": 3}}
            ],
            "exec_scripts": [
                {"name": "before out", "uri": "obs://lakedeck-demo/scripts/prepare.sh", "parameters": "${mrs_scale_node_num} x",
                 "nodes": ["task_node_analysis_group"], "active_master": false, "fail_action": "errorout", "action_stage": "before_scale_out"}
            ]
        })
    }

    fn target() -> (Vec<String>, ClusterType) {
        (vec!["master_node_default_group".into(), "core_node_analysis_group".into(), "task_node_analysis_group".into()], ClusterType::Analysis)
    }

    fn problems(v: serde_json::Value) -> Vec<(String, &'static str)> {
        let (groups, kind) = target();
        validate_policy(&parse(v), &PolicyTarget { cluster_type: kind, node_groups: &groups, v2: false }, "auto_scaling_policy")
            .into_iter()
            .map(|p| (p.field, p.problem.key))
            .collect()
    }

    fn with(mut base: serde_json::Value, path: &[&str], value: serde_json::Value) -> serde_json::Value {
        let mut at = &mut base;
        for (i, k) in path.iter().enumerate() {
            let slot = match k.parse::<usize>() {
                Ok(n) => &mut at[n],
                Err(_) => &mut at[*k],
            };
            if i == path.len() - 1 {
                *slot = value.clone();
                break;
            }
            at = slot;
        }
        base
    }

    #[test]
    fn a_valid_policy_passes_and_compiles() {
        assert_eq!(problems(valid()), vec![]);
        let p = compile(&parse(valid()));
        assert!(p.enabled);
        assert_eq!((p.min, p.max), (0, 4));
        assert_eq!(p.plans[0].days, 0b11);
        assert_eq!((p.plans[0].start_minute, p.plans[0].end_minute), (540, 1020));
        assert_eq!(p.plans[1].days, PlanWindow::EVERY_DAY);
        assert_eq!(p.rules[1].threshold, 70.5);
        assert_eq!(p.rules[1].cool_down_minutes, 20);
        assert!(p.rules[0].scale_out && !p.rules[1].scale_out);
        // The wire form keeps metric_value a string.
        let back = serde_json::to_value(parse(valid())).unwrap();
        assert_eq!(back["rules"][1]["trigger"]["metric_value"], "70.5");
        assert_eq!(back["min_capacity"], 0);
    }

    #[test]
    fn each_rule_of_section_10_names_its_field() {
        let cases: Vec<(Vec<&str>, serde_json::Value, &str, &str)> = vec![
            (vec!["min_capacity"], json!(501), "auto_scaling_policy.min_capacity", "scaling.capacity_range"),
            (vec!["min_capacity"], json!(5), "auto_scaling_policy.min_capacity", "scaling.min_gt_max"),
            (vec!["auto_scaling_enable"], json!(null), "auto_scaling_policy.auto_scaling_enable", "scaling.required"),
            (vec!["resources_plans", "0", "period_type"], json!("weekly"), "auto_scaling_policy.resources_plans[0].period_type", "scaling.plan_period_type"),
            (vec!["resources_plans", "0", "start_time"], json!("24:00"), "auto_scaling_policy.resources_plans[0].start_time", "scaling.plan_time"),
            (vec!["resources_plans", "0", "start_time"], json!("9:5"), "auto_scaling_policy.resources_plans[0].start_time", "scaling.plan_time"),
            (vec!["resources_plans", "0", "end_time"], json!("9:29"), "auto_scaling_policy.resources_plans[0].end_time", "scaling.plan_too_short"),
            (vec!["resources_plans", "0", "effective_days", "1"], json!("FUNDAY"), "auto_scaling_policy.resources_plans[0].effective_days[1]", "scaling.plan_day"),
            (vec!["resources_plans", "0", "effective_days", "1"], json!("MONDAY"), "auto_scaling_policy.resources_plans[0].effective_days[1]", "scaling.plan_day_twice"),
            (vec!["resources_plans", "1", "start_time"], json!("16:30"), "auto_scaling_policy.resources_plans[1].start_time", "scaling.plans_overlap"),
            (vec!["resources_plans", "1", "max_capacity"], json!(-1), "auto_scaling_policy.resources_plans[1].max_capacity", "scaling.capacity_range"),
            (vec!["rules", "1", "name"], json!("grow"), "auto_scaling_policy.rules[1].name", "scaling.rule_name_twice"),
            (vec!["rules", "1", "name"], json!("no spaces"), "auto_scaling_policy.rules[1].name", "scaling.rule_name"),
            (vec!["rules", "1", "description"], json!("d".repeat(1025)), "auto_scaling_policy.rules[1].description", "scaling.description_too_long"),
            (vec!["rules", "1", "adjustment_type"], json!("scale_up"), "auto_scaling_policy.rules[1].adjustment_type", "scaling.adjustment_type"),
            (vec!["rules", "1", "cool_down_minutes"], json!(10081), "auto_scaling_policy.rules[1].cool_down_minutes", "scaling.range"),
            (vec!["rules", "1", "scaling_adjustment"], json!(0), "auto_scaling_policy.rules[1].scaling_adjustment", "scaling.range"),
            (vec!["rules", "1", "trigger", "metric_name"], json!("StormSlotUsed"), "auto_scaling_policy.rules[1].trigger.metric_name", "scaling.metric_not_on_type"),
            (vec!["rules", "1", "trigger", "metric_name"], json!("CPUHot"), "auto_scaling_policy.rules[1].trigger.metric_name", "scaling.metric_unknown"),
            (vec!["rules", "1", "trigger", "metric_value"], json!("70.555"), "auto_scaling_policy.rules[1].trigger.metric_value", "scaling.metric_value"),
            (vec!["rules", "1", "trigger", "metric_value"], json!("80%"), "auto_scaling_policy.rules[1].trigger.metric_value", "scaling.metric_value"),
            (vec!["rules", "1", "trigger", "metric_value"], json!("101"), "auto_scaling_policy.rules[1].trigger.metric_value", "scaling.metric_value_range"),
            (vec!["rules", "0", "trigger", "metric_value"], json!("1.5"), "auto_scaling_policy.rules[0].trigger.metric_value", "scaling.metric_value_integer"),
            (vec!["rules", "1", "trigger", "comparison_operator"], json!("GE"), "auto_scaling_policy.rules[1].trigger.comparison_operator", "scaling.operator"),
            (vec!["rules", "1", "trigger", "evaluation_periods"], json!(289), "auto_scaling_policy.rules[1].trigger.evaluation_periods", "scaling.range"),
            (vec!["rules", "1", "trigger"], json!(null), "auto_scaling_policy.rules[1].trigger", "scaling.required"),
            (vec!["exec_scripts", "0", "name"], json!(" lead"), "auto_scaling_policy.exec_scripts[0].name", "scaling.script_name"),
            (vec!["exec_scripts", "0", "uri"], json!("/tmp/x.py"), "auto_scaling_policy.exec_scripts[0].uri", "scaling.script_uri"),
            (vec!["exec_scripts", "0", "uri"], json!("/tmp/../x.sh"), "auto_scaling_policy.exec_scripts[0].uri", "scaling.script_uri"),
            (vec!["exec_scripts", "0", "nodes", "0"], json!("gpu_group"), "auto_scaling_policy.exec_scripts[0].nodes[0]", "scaling.script_node"),
            (vec!["exec_scripts", "0", "fail_action"], json!("retry"), "auto_scaling_policy.exec_scripts[0].fail_action", "scaling.fail_action"),
            (vec!["exec_scripts", "0", "action_stage"], json!("during"), "auto_scaling_policy.exec_scripts[0].action_stage", "scaling.script_stage"),
            (vec!["exec_scripts", "0", "action_stage"], json!("after_scale_in"), "auto_scaling_policy.exec_scripts[0].fail_action", "scaling.fail_action_after_scale_in"),
        ];
        for (path, value, field, key) in cases {
            let got = problems(with(valid(), &path, value.clone()));
            assert_eq!(got, vec![(field.to_string(), key)], "{path:?} = {value}");
        }
    }

    #[test]
    fn counts_and_enabled_policies_need_something_to_do() {
        let v = json!({"auto_scaling_enable": true, "min_capacity": 0, "max_capacity": 2});
        assert_eq!(problems(v), vec![("auto_scaling_policy".to_string(), "scaling.enabled_without_plan_or_rule")]);
        assert_eq!(problems(json!({"auto_scaling_enable": false, "min_capacity": 0, "max_capacity": 2})), vec![]);
        let plan = |h: u32| json!({"period_type": "daily", "start_time": format!("{h}:00"), "end_time": format!("{h}:30"), "min_capacity": 0, "max_capacity": 1});
        let six: Vec<_> = (0..6).map(plan).collect();
        let got = problems(with(valid(), &["resources_plans"], json!(six)));
        assert_eq!(got, vec![("auto_scaling_policy.resources_plans".to_string(), "scaling.too_many_plans")]);
        let rule = |i: usize| {
            json!({"name": format!("r{i}"), "adjustment_type": "scale_in", "cool_down_minutes": 0, "scaling_adjustment": 1,
                   "trigger": {"metric_name": "YARNAppRunning", "metric_value": "0", "comparison_operator": "LTOE", "evaluation_periods": 1}})
        };
        let six: Vec<_> = (0..6).map(rule).collect();
        let got = problems(with(valid(), &["rules"], json!(six)));
        assert_eq!(got, vec![("auto_scaling_policy.rules".to_string(), "scaling.too_many_rules")]);
        // Plans on different days do not overlap; the same hours on a shared day do.
        let a = json!({"period_type": "daily", "start_time": "8:00", "end_time": "10:00", "min_capacity": 0, "max_capacity": 1, "effective_days": ["SATURDAY"]});
        let b = json!({"period_type": "daily", "start_time": "9:00", "end_time": "11:00", "min_capacity": 0, "max_capacity": 1, "effective_days": ["SUNDAY"]});
        assert_eq!(problems(with(valid(), &["resources_plans"], json!([a, b]))), vec![]);
        let c = json!({"period_type": "daily", "start_time": "9:30", "end_time": "10:00", "min_capacity": 0, "max_capacity": 1});
        let got = problems(with(valid(), &["resources_plans"], json!([a, c])));
        assert_eq!(got, vec![("auto_scaling_policy.resources_plans[1].start_time".to_string(), "scaling.plans_overlap")]);
        // Back to back is not an overlap.
        let d = json!({"period_type": "daily", "start_time": "10:00", "end_time": "10:30", "min_capacity": 0, "max_capacity": 1});
        assert_eq!(problems(with(valid(), &["resources_plans"], json!([a, d]))), vec![]);
    }

    #[test]
    fn v2_takes_tags_not_scripts_and_streaming_takes_storm() {
        let (groups, _) = target();
        let mut p = parse(valid());
        let t = PolicyTarget { cluster_type: ClusterType::Analysis, node_groups: &groups, v2: true };
        let keys: Vec<&str> = validate_policy(&p, &t, "auto_scaling_policy").iter().map(|p| p.problem.key).collect();
        assert_eq!(keys, ["scaling.scripts_not_v2"]);
        p.exec_scripts = None;
        p.tags = Some(vec![Tag { key: "a=b".into(), value: "x".into() }]);
        let got = validate_policy(&p, &t, "auto_scaling_policy");
        assert_eq!((got[0].field.as_str(), got[0].problem.key), ("auto_scaling_policy.tags[0]", "tag.key_forbidden_char"));
        let streaming = PolicyTarget { cluster_type: ClusterType::Streaming, node_groups: &groups, v2: true };
        p.tags = None;
        let keys: Vec<&str> = validate_policy(&p, &streaming, "p").iter().map(|p| p.problem.key).collect();
        assert_eq!(keys, ["scaling.metric_not_on_type", "scaling.metric_not_on_type"]);
        assert_eq!(metrics_for(ClusterType::Mixed).len(), METRIC_COUNT);
        assert_eq!(metrics_for(ClusterType::Analysis).len(), 14);
        assert!(validate_pool_name("default").is_none());
        assert!(validate_pool_name("bad pool").is_some());
    }

    #[test]
    fn values_clocks_and_merges() {
        assert_eq!(parse_metric_value("12"), Some(12.0));
        assert_eq!(parse_metric_value("0.05"), Some(0.05));
        for bad in ["", "-1", "1.", ".5", "1.234", "1e3", " 1", "abc"] {
            assert_eq!(parse_metric_value(bad), None, "{bad}");
        }
        assert_eq!(parse_clock("0:00"), Some(0));
        assert_eq!(parse_clock("23:59"), Some(1439));
        assert_eq!(parse_clock("09:05"), Some(545));
        for bad in ["24:00", "9", "9:60", "123:00", ":30", "9:5"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        let stored = parse(valid());
        let update = AutoScalingPolicy { auto_scaling_enable: Some(false), ..Default::default() };
        let m = update.merged_over(&stored);
        assert_eq!(m.auto_scaling_enable, Some(false));
        assert_eq!(m.rules, stored.rules);
        let n = AutoScalingPolicy::default().normalized();
        assert_eq!((n.rules, n.resources_plans, n.exec_scripts), (Some(vec![]), Some(vec![]), None));
        assert_eq!(serde_json::to_value(Comparison::Gtoe).unwrap(), "GTOE");
        assert_eq!(serde_json::to_value(Metric::YarnCpuAllocated).unwrap(), "YARNCPUAllocated");
        assert!(Comparison::Ltoe.holds(1.0, 1.0) && !Comparison::Lt.holds(1.0, 1.0));
    }
}
