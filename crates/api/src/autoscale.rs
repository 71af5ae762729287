//! The auto-scaling evaluator: a policy, a series of metric samples and a clock in, decisions out.
//!
//! One implementation for both sides: the sandbox steps it once per metric period with what its
//! job engine measured, and the console's simulator replays a whole recorded series (or a CSV)
//! through the same [`Evaluator::step`], so a prediction and what the sandbox does never disagree.
//! Pure: no I/O, no threads, no clock of its own (every sample carries its time), so it runs in
//! wasm32 unchanged.
//!
//! Semantics (mrs-api.md §10, the choices written down in the README):
//! - Time is MRS time: one evaluation period is five minutes ([`PERIOD_MS`]); `cool_down_minutes`
//!   and resource-plan windows are read in that time. Plans are matched in the cluster's zone
//!   (`zone_offset_minutes` east of UTC), on the weekdays of `effective_days` (none = every day),
//!   over `[start_time, end_time)`; the first plan in force sets min/max, else the policy's.
//! - A rule's trigger holds when the metric compares true with the threshold; the rule fires once
//!   it held for `evaluation_periods` consecutive samples. A missing sample (a gap longer than one
//!   and a half periods, or time going backwards) restarts every count; a missing metric value
//!   does not hold.
//! - Each period at most one action: first the bounds (below min → scale out to min, above max →
//!   scale in to max, cool-down not applied), then the rules in order, scale-out rules first; the
//!   first rule that fires decides the period. A fired rule that cannot act (at max, at min, in
//!   cool-down, cluster busy) is recorded as skipped, once per rule and reason until that changes.
//! - After a rule's action no rule acts until `cool_down_minutes` have passed; counts keep running
//!   through the cool-down, so a trigger that still holds acts again as soon as it ends.
//! - A disabled policy decides nothing and keeps no counts.

use serde::{Deserialize, Serialize};

use crate::mrs_scaling::{Comparison, Metric, METRIC_COUNT};
use crate::problem::Problem;

/// One evaluation period of MRS: five minutes.
pub const PERIOD_MS: i64 = 5 * 60 * 1000;
const MINUTE_MS: i64 = 60 * 1000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// The value of every metric at one period; NaN where a metric was not measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricValues(pub [f64; METRIC_COUNT]);

impl Default for MetricValues {
    fn default() -> MetricValues {
        MetricValues([f64::NAN; METRIC_COUNT])
    }
}

impl MetricValues {
    pub fn get(&self, m: Metric) -> Option<f64> {
        let v = self.0[m.index()];
        (!v.is_nan()).then_some(v)
    }

    pub fn set(&mut self, m: Metric, v: f64) {
        self.0[m.index()] = v;
    }
}

/// What was measured at one period: `time_ms` is MRS time (epoch milliseconds).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    pub time_ms: i64,
    pub values: MetricValues,
}

/// A resource plan ready to match: weekdays as bits (bit 0 = Monday), minutes of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanWindow {
    /// Position in the policy's `resources_plans`.
    pub index: usize,
    pub days: u8,
    pub start_minute: u32,
    pub end_minute: u32,
    pub min: i64,
    pub max: i64,
}

impl PlanWindow {
    pub const EVERY_DAY: u8 = 0b111_1111;

    /// Whether the plan is in force at `time_ms`, read in a zone `offset_minutes` east of UTC.
    pub fn covers(&self, time_ms: i64, offset_minutes: i32) -> bool {
        let local = time_ms + i64::from(offset_minutes) * MINUTE_MS;
        let day = local.div_euclid(DAY_MS);
        // 1970-01-01 was a Thursday: weekday 3 counting Monday as 0.
        let weekday = (day + 3).rem_euclid(7) as u32;
        let minute = (local.rem_euclid(DAY_MS) / MINUTE_MS) as u32;
        self.days & (1 << weekday) != 0 && self.start_minute <= minute && minute < self.end_minute
    }
}

/// A rule ready to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSpec {
    /// Position in the policy's `rules`.
    pub index: usize,
    pub name: String,
    pub scale_out: bool,
    pub adjustment: i64,
    pub cool_down_minutes: i64,
    pub metric: Metric,
    pub comparison: Comparison,
    pub threshold: f64,
    pub periods: u32,
}

/// A policy in the evaluator's terms (built by `mrs_scaling::compile` from a valid policy).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvalPolicy {
    pub enabled: bool,
    pub min: i64,
    pub max: i64,
    pub plans: Vec<PlanWindow>,
    pub rules: Vec<RuleSpec>,
}

impl EvalPolicy {
    /// The first plan in force at `time_ms`.
    pub fn plan_at(&self, time_ms: i64, offset_minutes: i32) -> Option<&PlanWindow> {
        self.plans.iter().find(|p| p.covers(time_ms, offset_minutes))
    }

    /// Rules in evaluation order: scale-out rules first, each kind in policy order.
    fn ordered_rules(&self) -> impl Iterator<Item = (usize, &RuleSpec)> {
        let outs = self.rules.iter().enumerate().filter(|(_, r)| r.scale_out);
        let ins = self.rules.iter().enumerate().filter(|(_, r)| !r.scale_out);
        outs.chain(ins)
    }
}

/// What the evaluator remembers between periods. The sandbox stores it with the policy (and
/// resets it when the policy changes); the simulator keeps it in memory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvalState {
    pub last_time_ms: Option<i64>,
    /// Consecutive samples each rule's trigger held, in policy order.
    pub streaks: Vec<u32>,
    /// No rule acts before this MRS time.
    pub cooldown_until_ms: i64,
    /// The resource plan in force at the last step (`None`: the policy's own min/max).
    pub plan: Option<usize>,
    /// The last skip recorded, so a trigger that keeps holding is not recorded every period.
    pub held: Option<Held>,
}

/// Which decision was skipped for which reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub cause: String,
    pub reason: String,
}

/// What a decision does to the node count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ScaleOut,
    ScaleIn,
    /// A decision that changes nothing now: a skipped action, or a resource plan starting/ending.
    None,
}

/// Why the decision was taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    Rule {
        index: usize,
        name: String,
        metric: Metric,
        comparison: Comparison,
        threshold: f64,
        /// The metric's value at this period (the last of the samples the trigger held for).
        value: f64,
        periods: u32,
    },
    /// The node count was outside the bounds in force.
    Bounds { min: i64, max: i64, plan: Option<usize> },
    /// A resource plan started (`plan` set) or the last one ended.
    Plan { plan: Option<usize>, min: i64, max: i64 },
}

impl Cause {
    fn id(&self) -> String {
        match self {
            Cause::Rule { index, .. } => format!("rule:{index}"),
            Cause::Bounds { .. } => "bounds".into(),
            Cause::Plan { plan, .. } => format!("plan:{plan:?}"),
        }
    }
}

/// Why an action was taken or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The action goes ahead.
    Act,
    /// A plan started or ended (no action by itself).
    PlanChanged,
    AtMax { max: i64 },
    AtMin { min: i64 },
    CoolingDown { until_ms: i64 },
    /// The cluster is in the middle of something (`what`: its state, e.g. `scaling-out`).
    Busy { what: String },
}

impl Outcome {
    fn key(&self) -> &'static str {
        match self {
            Outcome::Act => "act",
            Outcome::PlanChanged => "plan",
            Outcome::AtMax { .. } => "at_max",
            Outcome::AtMin { .. } => "at_min",
            Outcome::CoolingDown { .. } => "cooling_down",
            Outcome::Busy { .. } => "busy",
        }
    }
}

/// One decision of one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// MRS time of the period.
    pub time_ms: i64,
    pub action: Action,
    pub from: i64,
    pub to: i64,
    pub cause: Cause,
    pub outcome: Outcome,
}

impl Decision {
    /// The decision as a message key and parameters, worded by either side's catalog
    /// (`scaling.event.*`); times are shown in the cluster's zone.
    pub fn problem(&self, zone_offset_minutes: i32) -> Problem {
        let rule = match &self.cause {
            Cause::Rule { name, .. } => Some(name.as_str()),
            _ => None,
        };
        match (&self.outcome, &self.cause) {
            (Outcome::Act, Cause::Rule { name, metric, comparison, threshold, value, periods, .. }) => {
                Problem::new(if self.action == Action::ScaleOut { "scaling.event.rule_out" } else { "scaling.event.rule_in" })
                    .with("rule", name)
                    .with("metric", metric.name())
                    .with("operator", comparison.symbol())
                    .with("threshold", format_number(*threshold))
                    .with("value", format_number(*value))
                    .with("periods", periods)
            }
            (Outcome::Act, Cause::Bounds { min, .. }) if self.action == Action::ScaleOut => {
                Problem::new("scaling.event.below_min").with("min", min)
            }
            (Outcome::Act, Cause::Bounds { max, .. }) => Problem::new("scaling.event.above_max").with("max", max),
            (_, Cause::Plan { plan: Some(i), min, max }) => {
                Problem::new("scaling.event.plan_started").with("plan", i + 1).with("min", min).with("max", max)
            }
            (_, Cause::Plan { plan: None, min, max }) => Problem::new("scaling.event.plan_ended").with("min", min).with("max", max),
            (Outcome::AtMax { max }, _) => Problem::new("scaling.event.at_max").with("rule", rule.unwrap_or("")).with("max", max),
            (Outcome::AtMin { min }, _) => Problem::new("scaling.event.at_min").with("rule", rule.unwrap_or("")).with("min", min),
            (Outcome::CoolingDown { until_ms }, _) => Problem::new("scaling.event.cooling_down")
                .with("rule", rule.unwrap_or(""))
                .with("until", format_local_time(*until_ms, zone_offset_minutes)),
            (Outcome::Busy { what }, Cause::Bounds { min, max, .. }) => {
                Problem::new("scaling.event.busy_bounds").with("min", min).with("max", max).with("state", what)
            }
            (Outcome::Busy { what }, _) => Problem::new("scaling.event.busy").with("rule", rule.unwrap_or("")).with("state", what),
            // Bounds and plans always act or wait; nothing else is decided.
            (Outcome::PlanChanged, _) => Problem::new("scaling.event.plan_ended").with("min", "").with("max", ""),
        }
    }
}

/// `YYYY-MM-DD HH:MM UTC+08:00`: an MRS time in a zone `offset_minutes` east of UTC.
pub fn format_local_time(time_ms: i64, offset_minutes: i32) -> String {
    let local = time_ms + i64::from(offset_minutes) * MINUTE_MS;
    let (y, m, d) = crate::sign::civil_from_days(local.div_euclid(DAY_MS));
    let minute = local.rem_euclid(DAY_MS) / MINUTE_MS;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} {}", minute / 60, minute % 60, zone_name(offset_minutes))
}

/// `UTC+08:00`, `UTC-03:30`, `UTC`.
pub fn zone_name(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".into();
    }
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let a = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 60, a % 60)
}

/// Numbers as a policy writes them: no trailing zeros, at most two decimals.
pub fn format_number(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// What the evaluator is told besides the sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Nodes in the policy's node group now (nodes already on their way out not counted).
    pub nodes: i64,
    /// `Some(state)` when the cluster cannot start a scaling action now.
    pub busy: Option<String>,
}

/// Steps a policy through samples.
pub struct Evaluator<'a> {
    pub policy: &'a EvalPolicy,
    pub zone_offset_minutes: i32,
}

impl Evaluator<'_> {
    /// One period: updates `state` with `sample` and returns what was decided (a plan change
    /// and at most one action or skip).
    pub fn step(&self, state: &mut EvalState, sample: &Sample, obs: &Observation) -> Vec<Decision> {
        let p = self.policy;
        let t = sample.time_ms;
        if !p.enabled {
            *state = EvalState { last_time_ms: Some(t), ..EvalState::default() };
            return Vec::new();
        }
        let continuous = state.last_time_ms.is_some_and(|last| t > last && t - last <= PERIOD_MS * 3 / 2);
        if !continuous || state.streaks.len() != p.rules.len() {
            state.streaks = vec![0; p.rules.len()];
        }
        for (streak, rule) in state.streaks.iter_mut().zip(&p.rules) {
            let holds = sample.values.get(rule.metric).is_some_and(|v| rule.comparison.holds(v, rule.threshold));
            *streak = if holds { streak.saturating_add(1) } else { 0 };
        }
        state.last_time_ms = Some(t);

        let plan = p.plan_at(t, self.zone_offset_minutes);
        let (min, max) = plan.map(|w| (w.min, w.max)).unwrap_or((p.min, p.max));
        let plan_index = plan.map(|w| w.index);
        let mut out = Vec::new();
        let nodes = obs.nodes;
        if plan_index != state.plan {
            state.plan = plan_index;
            out.push(Decision {
                time_ms: t,
                action: Action::None,
                from: nodes,
                to: nodes,
                cause: Cause::Plan { plan: plan_index, min, max },
                outcome: Outcome::PlanChanged,
            });
        }

        let wanted = if nodes < min {
            Some((Action::ScaleOut, min, Cause::Bounds { min, max, plan: plan_index }, Outcome::Act))
        } else if nodes > max {
            Some((Action::ScaleIn, max, Cause::Bounds { min, max, plan: plan_index }, Outcome::Act))
        } else {
            p.ordered_rules().find(|(i, r)| state.streaks[*i] >= r.periods).map(|(_, r)| {
                let cause = Cause::Rule {
                    index: r.index,
                    name: r.name.clone(),
                    metric: r.metric,
                    comparison: r.comparison,
                    threshold: r.threshold,
                    value: sample.values.get(r.metric).unwrap_or(f64::NAN),
                    periods: r.periods,
                };
                let (action, target, blocked) = if r.scale_out {
                    (Action::ScaleOut, (nodes + r.adjustment).min(max), (nodes >= max).then_some(Outcome::AtMax { max }))
                } else {
                    (Action::ScaleIn, (nodes - r.adjustment).max(min), (nodes <= min).then_some(Outcome::AtMin { min }))
                };
                let outcome = blocked.unwrap_or(if t < state.cooldown_until_ms {
                    Outcome::CoolingDown { until_ms: state.cooldown_until_ms }
                } else {
                    Outcome::Act
                });
                (action, target, cause, outcome)
            })
        };
        let Some((action, target, cause, mut outcome)) = wanted else {
            state.held = None;
            return out;
        };
        if outcome == Outcome::Act {
            if let Some(what) = &obs.busy {
                outcome = Outcome::Busy { what: what.clone() };
            }
        }
        if outcome == Outcome::Act {
            if let Cause::Rule { index, .. } = &cause {
                state.cooldown_until_ms = t + p.rules[*index].cool_down_minutes * MINUTE_MS;
            }
            state.held = None;
            out.push(Decision { time_ms: t, action, from: nodes, to: target, cause, outcome });
        } else {
            let held = Held { cause: cause.id(), reason: outcome.key().into() };
            if state.held.as_ref() != Some(&held) {
                state.held = Some(held);
                out.push(Decision { time_ms: t, action: Action::None, from: nodes, to: nodes, cause, outcome });
            }
        }
        out
    }
}

/// What a replay produced: the node count after each sample and every decision.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Simulation {
    pub nodes: Vec<i64>,
    pub decisions: Vec<Decision>,
}

/// Replays `samples` (oldest first) through the policy from `start_nodes`, actions taking effect
/// before the next sample (the simulator's model: no scaling takes longer than a period).
pub fn simulate(policy: &EvalPolicy, zone_offset_minutes: i32, samples: &[Sample], start_nodes: i64) -> Simulation {
    let ev = Evaluator { policy, zone_offset_minutes };
    let mut state = EvalState::default();
    let mut nodes = start_nodes;
    let mut sim = Simulation { nodes: Vec::with_capacity(samples.len()), decisions: Vec::new() };
    for s in samples {
        for d in ev.step(&mut state, s, &Observation { nodes, busy: None }) {
            if d.action != Action::None {
                nodes = d.to;
            }
            sim.decisions.push(d);
        }
        sim.nodes.push(nodes);
    }
    sim
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONDAY_0000_UTC: i64 = 1_772_409_600_000; // 2026-03-02T00:00:00Z, a Monday

    #[allow(clippy::too_many_arguments)]
    fn rule(index: usize, out: bool, metric: Metric, cmp: Comparison, threshold: f64, periods: u32, adj: i64, cool: i64) -> RuleSpec {
        RuleSpec {
            index,
            name: format!("r{index}"),
            scale_out: out,
            adjustment: adj,
            cool_down_minutes: cool,
            metric,
            comparison: cmp,
            threshold,
            periods,
        }
    }

    fn pending(time_ms: i64, v: f64) -> Sample {
        let mut values = MetricValues::default();
        values.set(Metric::YarnAppPending, v);
        Sample { time_ms, values }
    }

    fn series(start: i64, values: &[f64]) -> Vec<Sample> {
        values.iter().enumerate().map(|(i, v)| pending(start + i as i64 * PERIOD_MS, *v)).collect()
    }

    fn policy(rules: Vec<RuleSpec>) -> EvalPolicy {
        EvalPolicy { enabled: true, min: 0, max: 5, plans: vec![], rules }
    }

    #[test]
    fn weekday_and_minute_in_the_zone() {
        let w = PlanWindow { index: 0, days: 1, start_minute: 0, end_minute: 60, min: 0, max: 0 };
        // Monday 00:30 UTC is Monday 08:30 in UTC+8: outside 00:00–01:00.
        assert!(w.covers(MONDAY_0000_UTC + 30 * MINUTE_MS, 0));
        assert!(!w.covers(MONDAY_0000_UTC + 30 * MINUTE_MS, 480));
        // Sunday 16:30 UTC is Monday 00:30 in UTC+8.
        assert!(w.covers(MONDAY_0000_UTC - 7 * 60 * MINUTE_MS - 30 * MINUTE_MS, 480));
        // The end minute is outside the window.
        assert!(!w.covers(MONDAY_0000_UTC + 60 * MINUTE_MS, 0));
        let tuesday = PlanWindow { days: 2, ..w };
        assert!(tuesday.covers(MONDAY_0000_UTC + DAY_MS, 0));
        assert!(!tuesday.covers(MONDAY_0000_UTC, 0));
        // Before 1970 too.
        assert!(PlanWindow { days: PlanWindow::EVERY_DAY, ..w }.covers(-DAY_MS + MINUTE_MS, 0));
    }

    #[test]
    fn a_rule_fires_after_its_consecutive_periods() {
        let p = policy(vec![rule(0, true, Metric::YarnAppPending, Comparison::Gtoe, 1.0, 3, 2, 0)]);
        let sim = simulate(&p, 0, &series(MONDAY_0000_UTC, &[1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0]), 0);
        assert_eq!(sim.nodes, [0, 0, 0, 0, 0, 2, 2]);
        assert_eq!(sim.decisions.len(), 1);
        let d = &sim.decisions[0];
        assert_eq!((d.action, d.from, d.to, d.time_ms), (Action::ScaleOut, 0, 2, MONDAY_0000_UTC + 5 * PERIOD_MS));
        assert_eq!(d.problem(0).key, "scaling.event.rule_out");
        assert_eq!(d.problem(0).param("value"), Some("1"));
    }

    #[test]
    fn a_gap_restarts_the_count() {
        let p = policy(vec![rule(0, true, Metric::YarnAppPending, Comparison::Gt, 0.0, 2, 1, 0)]);
        let mut s = series(MONDAY_0000_UTC, &[1.0, 1.0]);
        s[1].time_ms += PERIOD_MS; // one period missing
        assert!(simulate(&p, 0, &s, 0).decisions.is_empty());
        let mut m = series(MONDAY_0000_UTC, &[1.0, 1.0]);
        m[1].values = MetricValues::default(); // metric not measured: does not hold
        assert!(simulate(&p, 0, &m, 0).decisions.is_empty());
    }

    #[test]
    fn cool_down_blocks_and_is_recorded_once() {
        let p = policy(vec![rule(0, true, Metric::YarnAppPending, Comparison::Gtoe, 1.0, 1, 1, 15)]);
        let sim = simulate(&p, 0, &series(MONDAY_0000_UTC, &[1.0; 6]), 0);
        // Acts at 0, cools down for 15 min (three periods: 1, 2 blocked), acts again at 3.
        assert_eq!(sim.nodes, [1, 1, 1, 2, 2, 2]);
        let kinds: Vec<&str> = sim.decisions.iter().map(|d| d.outcome.key()).collect();
        assert_eq!(kinds, ["act", "cooling_down", "act", "cooling_down"]);
    }

    #[test]
    fn bounds_clamp_and_rules_stop_at_them() {
        let p = EvalPolicy {
            enabled: true,
            min: 1,
            max: 3,
            plans: vec![],
            rules: vec![
                rule(0, true, Metric::YarnAppPending, Comparison::Gtoe, 1.0, 1, 5, 0),
                rule(1, false, Metric::YarnAppPending, Comparison::Lt, 1.0, 1, 10, 0),
            ],
        };
        let sim = simulate(&p, 0, &series(MONDAY_0000_UTC, &[0.0, 4.0, 4.0, 4.0, 0.0, 0.0]), 5);
        // 5 > max: clamp to 3; then +5 clamps at 3 (already at max: skipped once); then −10 stops at 1.
        assert_eq!(sim.nodes, [3, 3, 3, 3, 1, 1]);
        let kinds: Vec<(&str, Action)> = sim.decisions.iter().map(|d| (d.outcome.key(), d.action)).collect();
        assert_eq!(kinds, [("act", Action::ScaleIn), ("at_max", Action::None), ("act", Action::ScaleIn), ("at_min", Action::None)]);
        assert_eq!(sim.decisions[0].problem(0).key, "scaling.event.above_max");
        assert_eq!(sim.decisions[1].problem(0).param("rule"), Some("r0"));
    }

    #[test]
    fn scale_out_rules_come_first_and_the_first_decides() {
        let p = policy(vec![
            rule(0, false, Metric::YarnAppPending, Comparison::Gtoe, 0.0, 1, 1, 0),
            rule(1, true, Metric::YarnAppPending, Comparison::Gtoe, 0.0, 1, 2, 0),
            rule(2, true, Metric::YarnAppPending, Comparison::Gtoe, 0.0, 1, 3, 0),
        ]);
        let sim = simulate(&p, 0, &series(MONDAY_0000_UTC, &[1.0]), 1);
        assert_eq!(sim.nodes, [3]);
        assert!(matches!(sim.decisions[0].cause, Cause::Rule { index: 1, .. }));
    }

    #[test]
    fn plans_set_bounds_across_midnight_and_days() {
        // UTC+8: Monday 22:00–24:00 local keeps 2 nodes, Tuesday 00:00–01:00 keeps 4.
        let p = EvalPolicy {
            enabled: true,
            min: 0,
            max: 10,
            plans: vec![
                PlanWindow { index: 0, days: 1, start_minute: 22 * 60, end_minute: 23 * 60 + 59, min: 2, max: 2 },
                PlanWindow { index: 1, days: 2, start_minute: 0, end_minute: 60, min: 4, max: 4 },
            ],
            rules: vec![],
        };
        // Monday 21:50 local = Monday 13:50 UTC; 40 periods = 3 h 20 min.
        let start = MONDAY_0000_UTC + (13 * 60 + 50) * MINUTE_MS;
        let sim = simulate(&p, 480, &series(start, &[0.0; 40]), 0);
        let at = |local_minutes_after_2150: i64| sim.nodes[(local_minutes_after_2150 / 5) as usize];
        assert_eq!(at(0), 0);
        assert_eq!(at(10), 2, "22:00 Monday");
        assert_eq!(at(125), 2, "23:55 Monday");
        assert_eq!(at(130), 4, "00:00 Tuesday");
        assert_eq!(at(185), 4, "00:55 Tuesday");
        // 01:00: the plan ends; the policy's 0–10 allow 4 nodes to stay.
        assert_eq!(at(190), 4);
        let plans: Vec<Option<usize>> = sim
            .decisions
            .iter()
            .filter_map(|d| match d.cause {
                Cause::Plan { plan, .. } => Some(plan),
                _ => None,
            })
            .collect();
        assert_eq!(plans, [Some(0), Some(1), None]);
        // The same series in UTC sees no plan at all.
        assert_eq!(simulate(&p, 0, &series(start, &[0.0; 40]), 0).nodes.iter().max(), Some(&0));
    }

    #[test]
    fn busy_clusters_skip_and_disabled_policies_do_nothing() {
        let p = policy(vec![rule(0, true, Metric::YarnAppPending, Comparison::Gtoe, 1.0, 1, 1, 0)]);
        let ev = Evaluator { policy: &p, zone_offset_minutes: 0 };
        let mut st = EvalState::default();
        let busy = Observation { nodes: 0, busy: Some("scaling-out".into()) };
        let d = ev.step(&mut st, &pending(MONDAY_0000_UTC, 1.0), &busy);
        assert_eq!(d[0].outcome, Outcome::Busy { what: "scaling-out".into() });
        assert!(ev.step(&mut st, &pending(MONDAY_0000_UTC + PERIOD_MS, 1.0), &busy).is_empty(), "recorded once");
        let d = ev.step(&mut st, &pending(MONDAY_0000_UTC + 2 * PERIOD_MS, 1.0), &Observation { nodes: 0, busy: None });
        assert_eq!((d[0].action, d[0].to), (Action::ScaleOut, 1));
        let off = EvalPolicy { enabled: false, ..p.clone() };
        assert!(simulate(&off, 0, &series(MONDAY_0000_UTC, &[1.0; 5]), 0).decisions.is_empty());
    }

    #[test]
    fn state_round_trips() {
        let st = EvalState {
            last_time_ms: Some(5),
            streaks: vec![1, 2],
            cooldown_until_ms: 9,
            plan: Some(1),
            held: Some(Held { cause: "rule:0".into(), reason: "at_max".into() }),
        };
        let back: EvalState = serde_json::from_str(&serde_json::to_string(&st).unwrap()).unwrap();
        assert_eq!(back, st);
        assert_eq!(serde_json::from_str::<EvalState>("{}").unwrap(), EvalState::default());
        assert_eq!(format_number(2.50), "2.5");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.126), "0.13");
        assert_eq!(format_local_time(MONDAY_0000_UTC + 90 * MINUTE_MS, 480), "2026-03-02 09:30 UTC+08:00");
        assert_eq!(format_local_time(MONDAY_0000_UTC, -210), "2026-03-01 20:30 UTC-03:30");
    }
}
