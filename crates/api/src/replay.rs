//! The console's simulator around the shared evaluator: a policy replayed over a metric series
//! (the sandbox's recorded history or a CSV), with what the Scaling view charts and lists — the
//! predicted node count, markers where the evaluator decided, and a summary against what really
//! ran. The decisions themselves are `autoscale::simulate`'s, the same code the sandbox steps.

use crate::autoscale::{simulate, Action, Decision, Outcome, Sample, Simulation, PERIOD_MS};
use crate::mrs_scaling::{compile, AutoScalingPolicy};

/// What a chart marker stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    ScaleOut,
    ScaleIn,
    /// A rule or bound that could not act (at max, at min, cooling down, cluster busy).
    Skipped,
    /// A resource plan started or ended.
    Plan,
}

impl MarkerKind {
    /// The code the chart helper draws by (its low two bits).
    pub fn code(self) -> u8 {
        match self {
            MarkerKind::ScaleOut => 0,
            MarkerKind::ScaleIn => 1,
            MarkerKind::Skipped => 2,
            MarkerKind::Plan => 3,
        }
    }

    pub fn of(d: &Decision) -> MarkerKind {
        match (&d.outcome, d.action) {
            (Outcome::PlanChanged, _) => MarkerKind::Plan,
            (Outcome::Act, Action::ScaleOut) => MarkerKind::ScaleOut,
            (Outcome::Act, Action::ScaleIn) => MarkerKind::ScaleIn,
            _ => MarkerKind::Skipped,
        }
    }

    /// A recorded scaling event's kind from its `action` and `result`.
    pub fn of_event(action: &str, result: &str) -> MarkerKind {
        match (action, result) {
            (_, "info") => MarkerKind::Plan,
            (_, "skipped") => MarkerKind::Skipped,
            ("scale_out", _) => MarkerKind::ScaleOut,
            ("scale_in", _) => MarkerKind::ScaleIn,
            _ => MarkerKind::Skipped,
        }
    }
}

/// Figures of a replay next to what was recorded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub periods: usize,
    pub scale_outs: usize,
    pub scale_ins: usize,
    pub skipped: usize,
    pub peak_predicted: i64,
    pub peak_recorded: Option<i64>,
    /// Node-hours: each sample stands for one five-minute period.
    pub node_hours_predicted: f64,
    pub node_hours_recorded: Option<f64>,
}

/// A replay of a policy over a series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replay {
    pub simulation: Simulation,
    pub summary: Summary,
}

fn node_hours(nodes: impl Iterator<Item = i64>) -> f64 {
    nodes.map(|n| n as f64).sum::<f64>() * PERIOD_MS as f64 / 3_600_000.0
}

/// Replays `policy` (as edited: parts that do not parse are left out) over `samples` in a zone
/// `zone_offset_minutes` east of UTC, from `start_nodes`; `recorded` is the node count that really
/// ran at each sample, when known.
pub fn replay(policy: &AutoScalingPolicy, zone_offset_minutes: i32, samples: &[Sample], start_nodes: i64, recorded: Option<&[i64]>) -> Replay {
    let simulation = simulate(&compile(policy), zone_offset_minutes, samples, start_nodes);
    let mut summary = Summary {
        periods: samples.len(),
        peak_predicted: simulation.nodes.iter().copied().max().unwrap_or(start_nodes),
        node_hours_predicted: node_hours(simulation.nodes.iter().copied()),
        peak_recorded: recorded.and_then(|r| r.iter().copied().max()),
        node_hours_recorded: recorded.map(|r| node_hours(r.iter().copied())),
        ..Default::default()
    };
    for d in &simulation.decisions {
        match MarkerKind::of(d) {
            MarkerKind::ScaleOut => summary.scale_outs += 1,
            MarkerKind::ScaleIn => summary.scale_ins += 1,
            MarkerKind::Skipped => summary.skipped += 1,
            MarkerKind::Plan => {}
        }
    }
    Replay { simulation, summary }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoscale::MetricValues;
    use crate::mrs_scaling::Metric;
    use serde_json::json;

    const T0: i64 = 1_772_409_600_000;

    fn series(values: &[f64]) -> Vec<Sample> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut values = MetricValues::default();
                values.set(Metric::YarnAppPending, *v);
                Sample { time_ms: T0 + i as i64 * PERIOD_MS, values }
            })
            .collect()
    }

    #[test]
    fn a_replay_counts_and_sums() {
        let p: AutoScalingPolicy = serde_json::from_value(json!({
            "auto_scaling_enable": true, "min_capacity": 0, "max_capacity": 4,
            "rules": [
                {"name": "queue", "adjustment_type": "scale_out", "cool_down_minutes": 0, "scaling_adjustment": 2,
                 "trigger": {"metric_name": "YARNAppPending", "metric_value": "1", "comparison_operator": "GTOE", "evaluation_periods": 1}},
                {"name": "idle", "adjustment_type": "scale_in", "cool_down_minutes": 0, "scaling_adjustment": 4,
                 "trigger": {"metric_name": "YARNAppPending", "metric_value": "0", "comparison_operator": "LTOE", "evaluation_periods": 2}}
            ]
        }))
        .unwrap();
        let r = replay(&p, 480, &series(&[0.0, 3.0, 3.0, 3.0, 0.0, 0.0, 0.0]), 0, Some(&[0, 0, 2, 2, 2, 2, 0]));
        assert_eq!(r.simulation.nodes, [0, 2, 4, 4, 4, 0, 0]);
        assert_eq!((r.summary.scale_outs, r.summary.scale_ins, r.summary.skipped), (2, 1, 2));
        assert_eq!((r.summary.peak_predicted, r.summary.peak_recorded), (4, Some(2)));
        assert!((r.summary.node_hours_predicted - 14.0 / 12.0).abs() < 1e-9);
        assert!((r.summary.node_hours_recorded.unwrap() - 8.0 / 12.0).abs() < 1e-9);
        let kinds: Vec<MarkerKind> = r.simulation.decisions.iter().map(MarkerKind::of).collect();
        assert_eq!(kinds, [MarkerKind::ScaleOut, MarkerKind::ScaleOut, MarkerKind::Skipped, MarkerKind::ScaleIn, MarkerKind::Skipped]);
        assert_eq!(MarkerKind::of_event("scale_out", "succeeded"), MarkerKind::ScaleOut);
        assert_eq!(MarkerKind::of_event("none", "info"), MarkerKind::Plan);
        assert_eq!(MarkerKind::of_event("scale_in", "skipped"), MarkerKind::Skipped);
    }
}
