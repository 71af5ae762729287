//! The console's policy editor, as pure logic: a policy as the user types it ([`PolicyDraft`]:
//! text where a number is expected, so nothing typed is lost), the problems of a draft (the shared
//! rules of `mrs_scaling` plus "not a number"), the week × 24 h timeline of resource plans (spans,
//! overlaps, drag limits), and the diff of an edited policy against the saved one.
//!
//! Field paths are those of `mrs_scaling::validate_policy` (`auto_scaling_policy.rules[1].name`), so
//! a problem found here and one the service answers land next to the same field.

use serde_json::Value;

use crate::mrs::{ClusterType, Tag};
use crate::mrs_scaling::{
    day_bits, parse_clock, validate_policy, AutoScalingPolicy, PolicyTarget, ResourcesPlan, Rule, ScaleScript, Trigger, DAYS,
    MIN_PLAN_MINUTES,
};
use crate::problem::Problem;
use crate::rules::{FieldError, INVALID_PARAM};

/// Field paths of a policy start with this (as the service names them).
pub const PREFIX: &str = "auto_scaling_policy";
/// The last minute a resource plan may end at (`23:59`).
pub const DAY_END: u32 = 23 * 60 + 59;
pub const EVERY_DAY: u8 = 0b111_1111;

/// A resource plan as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanDraft {
    pub start: String,
    pub end: String,
    pub min: String,
    pub max: String,
    /// Weekdays as bits (bit 0 = Monday); all seven = every day (sent without `effective_days`).
    pub days: u8,
}

impl Default for PlanDraft {
    fn default() -> PlanDraft {
        PlanDraft { start: "9:00".into(), end: "18:00".into(), min: "0".into(), max: "1".into(), days: EVERY_DAY }
    }
}

/// A rule as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDraft {
    pub name: String,
    pub description: String,
    /// `scale_out` or `scale_in`.
    pub kind: String,
    pub metric: String,
    /// `LT`, `GT`, `LTOE` or `GTOE`.
    pub operator: String,
    pub value: String,
    pub periods: String,
    pub cool_down: String,
    pub adjustment: String,
}

impl RuleDraft {
    /// A new rule of `kind` on `metric`, named so it does not clash with `taken`.
    pub fn new(kind: &str, metric: &str, taken: &[String]) -> RuleDraft {
        let base = if kind == "scale_in" { "scale-in" } else { "scale-out" };
        let name = (1..).map(|n| format!("{base}-{n}")).find(|n| !taken.contains(n)).unwrap_or_default();
        RuleDraft {
            name,
            description: String::new(),
            kind: kind.into(),
            metric: metric.into(),
            operator: if kind == "scale_in" { "LTOE" } else { "GTOE" }.into(),
            value: if kind == "scale_in" { "0" } else { "1" }.into(),
            periods: "1".into(),
            cool_down: "5".into(),
            adjustment: "1".into(),
        }
    }
}

/// A script as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptDraft {
    pub name: String,
    pub uri: String,
    pub parameters: String,
    pub nodes: Vec<String>,
    pub active_master: bool,
    pub fail_action: String,
    pub stage: String,
}

impl Default for ScriptDraft {
    fn default() -> ScriptDraft {
        ScriptDraft {
            name: String::new(),
            uri: String::new(),
            parameters: String::new(),
            nodes: vec!["Task".into()],
            active_master: false,
            fail_action: "continue".into(),
            stage: "before_scale_out".into(),
        }
    }
}

/// A policy as typed in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDraft {
    pub enabled: bool,
    pub min: String,
    pub max: String,
    pub plans: Vec<PlanDraft>,
    pub rules: Vec<RuleDraft>,
    pub scripts: Vec<ScriptDraft>,
    pub tags: Vec<Tag>,
}

impl Default for PolicyDraft {
    fn default() -> PolicyDraft {
        PolicyDraft {
            enabled: true,
            min: "0".into(),
            max: "5".into(),
            plans: Vec::new(),
            rules: Vec::new(),
            scripts: Vec::new(),
            tags: Vec::new(),
        }
    }
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// A number field: `None` when empty (the rules then say "required"), the problem when it is not
/// a whole number.
fn parse_int(raw: &str) -> Result<Option<i64>, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>().map(Some).map_err(|_| Problem::new("scaling.whole_number").with("value", t))
}

fn opt_text(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl PolicyDraft {
    /// The draft of a saved policy (or of a new one when there is none).
    pub fn from_policy(p: &AutoScalingPolicy) -> PolicyDraft {
        PolicyDraft {
            enabled: p.auto_scaling_enable.unwrap_or(false),
            min: num(p.min_capacity),
            max: num(p.max_capacity),
            plans: p
                .resources_plans
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|r| PlanDraft {
                    start: r.start_time.clone().unwrap_or_default(),
                    end: r.end_time.clone().unwrap_or_default(),
                    min: num(r.min_capacity),
                    max: num(r.max_capacity),
                    days: day_bits(r.effective_days.as_deref()),
                })
                .collect(),
            rules: p
                .rules
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let t = r.trigger.clone().unwrap_or_default();
                    RuleDraft {
                        name: r.name.clone().unwrap_or_default(),
                        description: r.description.clone().unwrap_or_default(),
                        kind: r.adjustment_type.clone().unwrap_or_default(),
                        metric: t.metric_name.unwrap_or_default(),
                        operator: t.comparison_operator.unwrap_or_default(),
                        value: t.metric_value.unwrap_or_default(),
                        periods: num(t.evaluation_periods),
                        cool_down: num(r.cool_down_minutes),
                        adjustment: num(r.scaling_adjustment),
                    }
                })
                .collect(),
            scripts: p
                .exec_scripts
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|s| ScriptDraft {
                    name: s.name.clone().unwrap_or_default(),
                    uri: s.uri.clone().unwrap_or_default(),
                    parameters: s.parameters.clone().unwrap_or_default(),
                    nodes: s.nodes.clone().unwrap_or_default(),
                    active_master: s.active_master.unwrap_or(false),
                    fail_action: s.fail_action.clone().unwrap_or_default(),
                    stage: s.action_stage.clone().unwrap_or_default(),
                })
                .collect(),
            tags: p.tags.clone().unwrap_or_default(),
        }
    }

    /// The policy the draft stands for, and the fields that are not numbers where one is needed
    /// (those are left out of the policy, so the shared rules call them required).
    pub fn to_policy(&self) -> (AutoScalingPolicy, Vec<FieldError>) {
        let mut bad = Vec::new();
        let mut int = |raw: &str, field: String| match parse_int(raw) {
            Ok(v) => v,
            Err(problem) => {
                bad.push(FieldError { field: format!("{PREFIX}.{field}"), code: INVALID_PARAM, problem });
                None
            }
        };
        let min_capacity = int(&self.min, "min_capacity".into());
        let max_capacity = int(&self.max, "max_capacity".into());
        let resources_plans = self
            .plans
            .iter()
            .enumerate()
            .map(|(i, p)| ResourcesPlan {
                period_type: Some("daily".into()),
                start_time: Some(p.start.trim().to_string()),
                end_time: Some(p.end.trim().to_string()),
                min_capacity: int(&p.min, format!("resources_plans[{i}].min_capacity")),
                max_capacity: int(&p.max, format!("resources_plans[{i}].max_capacity")),
                effective_days: (p.days & EVERY_DAY != EVERY_DAY)
                    .then(|| DAYS.iter().enumerate().filter(|(d, _)| p.days & (1 << d) != 0).map(|(_, n)| n.to_string()).collect()),
            })
            .collect();
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| Rule {
                name: Some(r.name.trim().to_string()),
                description: opt_text(&r.description),
                adjustment_type: Some(r.kind.clone()),
                cool_down_minutes: int(&r.cool_down, format!("rules[{i}].cool_down_minutes")),
                scaling_adjustment: int(&r.adjustment, format!("rules[{i}].scaling_adjustment")),
                trigger: Some(Trigger {
                    metric_name: Some(r.metric.clone()),
                    metric_value: Some(r.value.trim().to_string()),
                    comparison_operator: Some(r.operator.clone()),
                    evaluation_periods: int(&r.periods, format!("rules[{i}].trigger.evaluation_periods")),
                }),
            })
            .collect();
        let exec_scripts = (!self.scripts.is_empty()).then(|| {
            self.scripts
                .iter()
                .map(|s| ScaleScript {
                    name: Some(s.name.clone()),
                    uri: Some(s.uri.trim().to_string()),
                    parameters: opt_text(s.parameters.trim()),
                    nodes: Some(s.nodes.clone()),
                    active_master: Some(s.active_master),
                    fail_action: Some(s.fail_action.clone()),
                    action_stage: Some(s.stage.clone()),
                })
                .collect()
        });
        let policy = AutoScalingPolicy {
            auto_scaling_enable: Some(self.enabled),
            min_capacity,
            max_capacity,
            resources_plans: Some(resources_plans),
            rules: Some(rules),
            exec_scripts,
            tags: (!self.tags.is_empty()).then(|| self.tags.clone()),
        };
        (policy, bad)
    }

    /// Every problem of the draft, at most one per field (a number that does not parse is reported
    /// as such, not also as missing), in field order of the shared rules.
    pub fn problems(&self, target: &PolicyTarget) -> Vec<FieldError> {
        let (policy, mut out) = self.to_policy();
        for p in validate_policy(&policy, target, PREFIX) {
            if !out.iter().any(|o| o.field == p.field) {
                out.push(p);
            }
        }
        out
    }

    /// Plans whose times parse, for the timeline and the drag limits.
    pub fn windows(&self) -> Vec<Window> {
        self.plans
            .iter()
            .enumerate()
            .filter_map(|(plan, p)| {
                Some(Window { plan, days: if p.days == 0 { EVERY_DAY } else { p.days }, start: parse_clock(p.start.trim())?, end: parse_clock(p.end.trim())? })
            })
            .collect()
    }

    /// Names of the rules, for a new rule's default name.
    pub fn rule_names(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.name.clone()).collect()
    }
}

/// Whether the policy must be saved through the V1.1 API: only it carries `exec_scripts` (and it
/// replaces the whole policy), so a policy that has or had scripts goes that way; V2 (which
/// carries `tags`) otherwise.
pub fn needs_v11(edited: &PolicyDraft, saved: Option<&AutoScalingPolicy>) -> bool {
    !edited.scripts.is_empty() || saved.is_some_and(|s| s.exec_scripts.as_ref().is_some_and(|x| !x.is_empty()))
}

/// What a draft is checked against for a cluster.
pub fn target<'a>(kind: ClusterType, node_groups: &'a [String], v11: bool) -> PolicyTarget<'a> {
    PolicyTarget { cluster_type: kind, node_groups, v2: !v11 }
}

// ---------------------------------------------------------------------------------------------
// The week × 24 h timeline

/// A plan whose times parse: the weekdays it applies to and `[start, end)` in minutes of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub plan: usize,
    pub days: u8,
    pub start: u32,
    pub end: u32,
}

impl Window {
    fn overlaps(&self, days: u8, start: u32, end: u32) -> bool {
        self.days & days != 0 && start < self.end && self.start < end
    }
}

/// One bar of the timeline: a plan on one weekday (0 = Monday).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub plan: usize,
    pub day: usize,
    pub start: u32,
    pub end: u32,
    /// Another plan covers part of this one on this day (the rules refuse that).
    pub clash: bool,
}

/// The bars to draw: each plan on each of its days, marked where it overlaps another.
pub fn spans(windows: &[Window]) -> Vec<Span> {
    let mut out = Vec::new();
    for w in windows {
        for day in 0..7 {
            if w.days & (1 << day) == 0 {
                continue;
            }
            let clash = windows.iter().any(|o| o.plan != w.plan && o.overlaps(1 << day, w.start, w.end));
            out.push(Span { plan: w.plan, day, start: w.start, end: w.end, clash });
        }
    }
    out
}

/// The first other plan `[start, end)` on `days` would overlap, and the first weekday they share.
pub fn overlap(windows: &[Window], plan: usize, days: u8, start: u32, end: u32) -> Option<(usize, usize)> {
    windows
        .iter()
        .find(|o| o.plan != plan && o.overlaps(days, start, end))
        .map(|o| (o.plan, (o.days & days).trailing_zeros() as usize))
}

/// What a drag moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
    /// The whole window (by the pointer's movement).
    Both,
}

/// The room a plan has on its days: from the end of the nearest plan before it to the start of the
/// nearest one after it (0:00 and 23:59 when there is none). Plans that already overlap it are
/// ignored (the rules report those).
fn room(windows: &[Window], plan: usize, days: u8, start: u32, end: u32) -> (u32, u32) {
    let others = windows.iter().filter(|o| o.plan != plan && o.days & days != 0 && !o.overlaps(days, start, end));
    let mut lo = 0;
    let mut hi = DAY_END;
    for o in others {
        if o.end <= start {
            lo = lo.max(o.end);
        } else if o.start >= end {
            hi = hi.min(o.start);
        }
    }
    (lo, hi)
}

/// Where a drag of `edge` to `minute` (or, for [`Edge::Both`], by `minute` minutes) leaves the
/// plan: never over another plan of a shared day, never shorter than 30 minutes, within 0:00–23:59.
/// `None` when the plan's times do not parse.
pub fn drag(windows: &[Window], plan: usize, edge: Edge, minute: i64) -> Option<(u32, u32)> {
    let w = windows.iter().find(|w| w.plan == plan)?;
    let (lo, hi) = room(windows, plan, w.days, w.start, w.end);
    let (lo, hi) = (i64::from(lo), i64::from(hi));
    let (start, end) = (i64::from(w.start), i64::from(w.end));
    let min_len = i64::from(MIN_PLAN_MINUTES);
    let (s, e) = match edge {
        Edge::Start => (minute.min(end - min_len).max(lo), end),
        Edge::End => (start, minute.max(start + min_len).min(hi)),
        Edge::Both => {
            let len = end - start;
            let s = (start + minute).max(lo).min(hi - len);
            (s.max(lo), s.max(lo) + len)
        }
    };
    // A window already shorter than 30 minutes (typed so) keeps what it has rather than jumping.
    let (s, e) = if e - s < min_len && edge != Edge::Both { (start, end) } else { (s, e) };
    Some((s.clamp(0, i64::from(DAY_END)) as u32, e.clamp(0, i64::from(DAY_END)) as u32))
}

/// The window a new plan drawn from `minute` on `day` gets: one hour (or what fits, at least 30
/// minutes) in the free room around it; `None` when another plan covers that minute or the room
/// is too small.
pub fn new_window(windows: &[Window], day: usize, minute: u32) -> Option<(u32, u32)> {
    let days = 1u8 << day;
    let minute = minute.min(DAY_END - MIN_PLAN_MINUTES);
    if windows.iter().any(|o| o.overlaps(days, minute, minute + 1)) {
        return None;
    }
    let (lo, hi) = room(windows, usize::MAX, days, minute, minute + 1);
    let start = minute.max(lo);
    let end = (start + 60).min(hi);
    if end < start + MIN_PLAN_MINUTES {
        let start = hi.checked_sub(MIN_PLAN_MINUTES).filter(|s| *s >= lo)?;
        return Some((start, hi));
    }
    Some((start, end))
}

/// `H:mm`, the form plans are written in.
pub fn clock_text(minute: u32) -> String {
    format!("{}:{:02}", minute / 60, minute % 60)
}

/// Rounds a minute to a multiple of `step` (the timeline's drag grid).
pub fn snap(minute: f64, step: u32) -> i64 {
    let step = f64::from(step.max(1));
    ((minute / step).round() * step) as i64
}

// ---------------------------------------------------------------------------------------------
// Diff

/// One difference between the saved and the edited policy: a field path and its value before and
/// after as JSON text (`None`: absent on that side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The saved policy in the form an unchanged editor would send: every list present, numbers as
/// numbers, `effective_days` absent for every day. Comparing two policies in this form shows only
/// what the user changed.
pub fn canonical(p: &AutoScalingPolicy) -> AutoScalingPolicy {
    PolicyDraft::from_policy(p).to_policy().0
}

/// What Save would change, field by field (lists compared position by position).
pub fn diff(saved: Option<&AutoScalingPolicy>, edited: &AutoScalingPolicy) -> Vec<Change> {
    let before = saved.map(|s| serde_json::to_value(canonical(s)).unwrap_or(Value::Null)).unwrap_or(Value::Null);
    let after = serde_json::to_value(edited).unwrap_or(Value::Null);
    let mut out = Vec::new();
    walk("", &before, &after, &mut out);
    out
}

fn text(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                walk(&join(k), x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                walk(&format!("{path}[{i}]"), x.get(i).unwrap_or(&Value::Null), y.get(i).unwrap_or(&Value::Null), out);
            }
        }
        // A whole new (or removed) object or list is one change, not one per field.
        _ if a != b => out.push(Change { path: path.to_string(), before: text(a), after: text(b) }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mrs_scaling::Metric;
    use serde_json::json;

    fn groups() -> Vec<String> {
        vec!["master_node_default_group".into(), "core_node_analysis_group".into(), "task_node_analysis_group".into()]
    }

    fn saved() -> AutoScalingPolicy {
        serde_json::from_value(json!({
            "auto_scaling_enable": true, "min_capacity": 0, "max_capacity": 4,
            "resources_plans": [
                {"period_type": "daily", "start_time": "9:00", "end_time": "17:00", "min_capacity": 2, "max_capacity": 3,
                 "effective_days": ["MONDAY", "TUESDAY"]},
                {"period_type": "daily", "start_time": "17:00", "end_time": "23:59", "min_capacity": 0, "max_capacity": 1, "effective_days": []}
            ],
            "rules": [
                {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 2,
                 "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GTOE", "evaluation_periods": 1}}
            ],
            "exec_scripts": [],
            "tags": []
        }))
        .unwrap()
    }

    fn fields(problems: &[FieldError]) -> Vec<(String, &'static str)> {
        problems.iter().map(|p| (p.field.clone(), p.problem.key)).collect()
    }

    #[test]
    fn a_saved_policy_round_trips_and_an_untouched_editor_changes_nothing() {
        let d = PolicyDraft::from_policy(&saved());
        assert_eq!(d.plans[0].days, 0b11);
        assert_eq!(d.plans[1].days, EVERY_DAY);
        let g = groups();
        assert!(d.problems(&target(ClusterType::Analysis, &g, false)).is_empty());
        let (p, bad) = d.to_policy();
        assert!(bad.is_empty());
        assert_eq!(p.resources_plans.as_ref().unwrap()[1].effective_days, None);
        assert_eq!(diff(Some(&saved()), &p), vec![]);
        // The evaluator sees the same policy either way.
        assert_eq!(crate::mrs_scaling::compile(&p), crate::mrs_scaling::compile(&saved()));
    }

    #[test]
    fn what_does_not_parse_is_kept_and_named_once() {
        let mut d = PolicyDraft::from_policy(&saved());
        d.min = "two".into();
        d.rules[0].cool_down = "5m".into();
        d.rules[0].periods = String::new();
        d.rules[0].value = "1.5".into();
        let g = groups();
        let got = fields(&d.problems(&target(ClusterType::Analysis, &g, false)));
        assert_eq!(
            got,
            vec![
                ("auto_scaling_policy.min_capacity".into(), "scaling.whole_number"),
                ("auto_scaling_policy.rules[0].cool_down_minutes".into(), "scaling.whole_number"),
                ("auto_scaling_policy.rules[0].trigger.metric_value".into(), "scaling.metric_value_integer"),
                ("auto_scaling_policy.rules[0].trigger.evaluation_periods".into(), "scaling.required"),
            ]
        );
        // The text typed is still there.
        assert_eq!(d.min, "two");
    }

    #[test]
    fn metrics_follow_the_cluster_type_and_v2_refuses_scripts() {
        let mut d = PolicyDraft::from_policy(&saved());
        let g = groups();
        let got = fields(&d.problems(&target(ClusterType::Streaming, &g, false)));
        assert_eq!(got, vec![("auto_scaling_policy.rules[0].trigger.metric_name".into(), "scaling.metric_not_on_type")]);
        d.rules.push(RuleDraft::new("scale_in", Metric::YarnAppRunning.name(), &d.rule_names()));
        assert_eq!(d.rules[1].name, "scale-in-1");
        d.scripts.push(ScriptDraft { name: "warm".into(), uri: "/scripts/warm.sh".into(), ..Default::default() });
        assert!(d.problems(&target(ClusterType::Analysis, &g, true)).is_empty());
        let got = fields(&d.problems(&target(ClusterType::Analysis, &g, false)));
        assert_eq!(got, vec![("auto_scaling_policy.exec_scripts".into(), "scaling.scripts_not_v2")]);
        assert!(needs_v11(&d, None));
        d.scripts.clear();
        assert!(!needs_v11(&d, Some(&saved())));
        let mut with_scripts = saved();
        with_scripts.exec_scripts = Some(vec![ScaleScript::default()]);
        assert!(needs_v11(&d, Some(&with_scripts)), "removing the last script needs the API that replaces them");
    }

    #[test]
    fn diff_names_each_change() {
        let mut d = PolicyDraft::from_policy(&saved());
        d.max = "6".into();
        d.rules[0].value = "2".into();
        d.plans.remove(1);
        d.rules.push(RuleDraft::new("scale_in", "YARNAppRunning", &[]));
        let (p, _) = d.to_policy();
        let ch = diff(Some(&saved()), &p);
        let paths: Vec<&str> = ch.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["max_capacity", "resources_plans[1]", "rules[0].trigger.metric_value", "rules[1]"]);
        assert_eq!((ch[0].before.as_deref(), ch[0].after.as_deref()), (Some("4"), Some("6")));
        assert_eq!((ch[2].before.as_deref(), ch[2].after.as_deref()), (Some("\"1\""), Some("\"2\"")));
        assert!(ch[1].after.is_none() && ch[3].before.is_none());
        // Nothing saved yet: the whole policy is new.
        let new = diff(None, &p);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].path, "");
    }

    fn w(plan: usize, days: u8, start: u32, end: u32) -> Window {
        Window { plan, days, start, end }
    }

    #[test]
    fn timeline_spans_and_clashes() {
        let ws = [w(0, 0b11, 540, 1020), w(1, EVERY_DAY, 1000, 1439)];
        let s = spans(&ws);
        assert_eq!(s.len(), 2 + 7);
        assert!(s.iter().filter(|x| x.clash).all(|x| x.day < 2));
        assert_eq!(s.iter().filter(|x| x.clash).count(), 4);
        assert_eq!(overlap(&ws, 1, EVERY_DAY, 1000, 1439), Some((0, 0)));
        assert_eq!(overlap(&ws, 1, 0b100, 1000, 1439), None);
        // Back to back is fine.
        assert_eq!(overlap(&ws, 1, EVERY_DAY, 1020, 1439), None);
    }

    #[test]
    fn drags_stop_at_neighbours_and_at_thirty_minutes() {
        // Plan 0 Monday 9:00–12:00, plan 1 Monday+Tuesday 13:00–15:00, plan 2 Wednesday 8:00–20:00.
        let ws = [w(0, 1, 540, 720), w(1, 0b11, 780, 900), w(2, 0b100, 480, 1200)];
        // Plan 0's end dragged to 14:00 stops at 13:00 (plan 1 on Monday).
        assert_eq!(drag(&ws, 0, Edge::End, 840), Some((540, 780)));
        // Its end dragged before its start stops 30 minutes after the start.
        assert_eq!(drag(&ws, 0, Edge::End, 500), Some((540, 570)));
        // Plan 1's start dragged to 10:00 stops at 12:00 (plan 0 on Monday).
        assert_eq!(drag(&ws, 1, Edge::Start, 600), Some((720, 900)));
        assert_eq!(drag(&ws, 1, Edge::Start, 880), Some((870, 900)));
        assert_eq!(drag(&ws, 1, Edge::Start, 750), Some((750, 900)));
        // Plan 2 (Wednesday only) moves freely; moved by +5 h it stops at 23:59.
        assert_eq!(drag(&ws, 2, Edge::Both, 300), Some((719, 1439)));
        assert_eq!(drag(&ws, 2, Edge::Both, -600), Some((0, 720)));
        // Plan 1 moved back by 2 h stops at plan 0's end.
        assert_eq!(drag(&ws, 1, Edge::Both, -120), Some((720, 840)));
        assert_eq!(drag(&ws, 9, Edge::Both, 0), None);
        // A new plan on Monday at 12:10 fits 12:10–13:00; at 10:00 it is inside plan 0.
        assert_eq!(new_window(&ws, 0, 730), Some((730, 780)));
        assert_eq!(new_window(&ws, 0, 600), None);
        assert_eq!(new_window(&ws, 0, 760), Some((750, 780)));
        assert_eq!(new_window(&ws, 3, 1430), Some((1409, 1439)));
        assert_eq!(clock_text(545), "9:05");
        assert_eq!(snap(547.0, 5), 545);
        assert_eq!(snap(548.0, 5), 550);
    }

    #[test]
    fn typed_windows_that_do_not_parse_are_left_out() {
        let mut d = PolicyDraft::from_policy(&saved());
        d.plans[0].start = "9".into();
        assert_eq!(d.windows().len(), 1);
        assert_eq!(d.windows()[0].plan, 1);
    }
}
