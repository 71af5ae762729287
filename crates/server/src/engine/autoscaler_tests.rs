//! The autoscaler driven with an injected clock and injected samples: the sandbox path (store,
//! evaluator state round trips, lifecycle, node choice) against the shared evaluator's replay,
//! drains, plan windows and scripts.

use std::collections::HashMap;

use lakedeck_api::autoscale::{self, Action, MetricValues, Sample, PERIOD_MS};
use lakedeck_api::mrs::{ClusterState, CreateClusterReq, NodeGroupV2, Tag, Volume};
use lakedeck_api::mrs_jobs::JobExecution;
use lakedeck_api::mrs_scaling::{
    compile, validate_policy, AutoScalingPolicy, Metric, PolicyReqV11, PolicyTarget, ResourcesPlan, Rule, ScaleScript,
    Trigger, DAYS, V11_NODE_GROUP,
};

use super::*;
use crate::engine::clusters::build_cluster;
use crate::engine::jobs::{job_by_id, save_job};
use crate::engine::lifecycle;
use crate::engine::store::{self, ClusterRow};
use crate::engine::Engine;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// 2026-03-02T00:00:00Z, a Monday.
const MONDAY: i64 = 1_772_409_600_000;
const MINUTE: i64 = 60_000;

fn engine(config: AutoscaleConfig) -> (Engine, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("lakedeck-autoscale-{}", util::uuid_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = Engine::open(&dir, &dir.join("cache"), 1).unwrap().with_autoscaler(config);
    (e, dir)
}

/// A running analysis cluster with `core` Core nodes and `task` Task nodes (no Task group at 0).
fn cluster(e: &Engine, core: i64, task: i64) -> String {
    let group = |name: &str, n: i64| NodeGroupV2 {
        group_name: name.into(),
        node_num: n,
        node_size: "c6.2xlarge.4.linux.bigdata".into(),
        root_volume: Some(Volume { volume_type: "SAS".into(), size: 480 }),
        data_volume_count: Some(0),
        ..Default::default()
    };
    let mut groups = vec![group("master_node_default_group", 2), group("core_node_analysis_group", core)];
    if task > 0 {
        groups.push(group("task_node_analysis_group", task));
    }
    let req = CreateClusterReq {
        cluster_version: Some("MRS 3.1.0".into()),
        cluster_name: Some(format!("c{}", &util::uuid_v4()[..8])),
        cluster_type: Some("ANALYSIS".into()),
        region: Some("cn-north-4".into()),
        availability_zone: Some("cn-north-4a".into()),
        node_groups: Some(groups),
        tags: Some(vec![Tag { key: "env".into(), value: "test".into() }]),
        ..Default::default()
    };
    let id = util::uuid_v4();
    let (mut c, slots) = build_cluster(PROJECT, &id, &req, MONDAY / 1000);
    c.cluster_state = ClusterState::Running;
    e.store.tx(|conn| store::insert(conn, &ClusterRow { project_id: PROJECT.into(), cluster: c, op: None, slots })).unwrap();
    id
}

fn task_nodes(e: &Engine, id: &str) -> Vec<Node> {
    let row = e.store.read(|conn| super::super::jobs::load_cluster(conn, PROJECT, id)).unwrap();
    group_nodes(&row, "task_node_analysis_group")
}

/// Runs lifecycle steps until the cluster settles (the test's stand-in for time passing).
fn settle(e: &Engine) {
    for k in 0..20 {
        if !e.store.read(store::any_busy).unwrap() {
            return;
        }
        // Far enough ahead that every stage's deadline has passed, later each step.
        e.store.tx(|conn| lifecycle::tick(conn, util::now_ms() + 1_000_000 * (k + 1), 1)).unwrap();
    }
    panic!("the cluster never settled");
}

fn events(e: &Engine, id: &str) -> Vec<ScalingEvent> {
    let (_, mut list) = e.scaling_events(PROJECT, id, None, None, 1000, 0).unwrap();
    list.reverse();
    list
}

#[allow(clippy::too_many_arguments)]
fn rule(name: &str, out: bool, metric: Metric, op: &str, value: &str, periods: i64, adj: i64, cool: i64) -> Rule {
    Rule {
        name: Some(name.into()),
        description: None,
        adjustment_type: Some(if out { "scale_out" } else { "scale_in" }.into()),
        cool_down_minutes: Some(cool),
        scaling_adjustment: Some(adj),
        trigger: Some(Trigger {
            metric_name: Some(metric.name().into()),
            metric_value: Some(value.into()),
            comparison_operator: Some(op.into()),
            evaluation_periods: Some(periods),
        }),
    }
}

fn set_policy(e: &Engine, id: &str, policy: AutoScalingPolicy) {
    let req = PolicyReqV11 { node_group: Some(V11_NODE_GROUP.into()), auto_scaling_policy: Some(policy) };
    e.set_policy_v11(PROJECT, id, &req).unwrap();
}

fn values(pairs: &[(Metric, f64)]) -> MetricValues {
    let mut v = MetricValues::default();
    for (m, x) in pairs {
        v.set(*m, *x);
    }
    v
}

/// One period of the sandbox path with an injected sample (recorded in the history like a
/// measured one), then the lifecycle runs to the end.
fn period(e: &Engine, id: &str, mrs_ms: i64, v: MetricValues) {
    let now = util::now_ms();
    e.store
        .tx(|conn| {
            let row = super::super::jobs::load_cluster(conn, PROJECT, id)?;
            store_sample(conn, &row, now + mrs_ms / PERIOD_MS, mrs_ms, &v, false)
        })
        .unwrap();
    let samples = HashMap::from([(id.to_string(), v)]);
    e.autoscale_round(now, mrs_ms, &samples).unwrap();
    settle(e);
}

/// A round without samples: only what ended is finished.
fn finish_round(e: &Engine) {
    e.autoscale_round(util::now_ms(), 0, &HashMap::new()).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Property: the sandbox path decides what the evaluator's replay decides

/// xorshift64*: a reproducible stream for the generated cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const METRICS: [Metric; 5] =
    [Metric::YarnAppPending, Metric::YarnAppRunning, Metric::YarnMemoryAvailablePercentage, Metric::YarnContainerPendingRatio, Metric::YarnCpuAllocated];

fn random_policy(r: &mut Rng) -> AutoScalingPolicy {
    let min = r.range(0, 3);
    let max = r.range(min, min + 6);
    // Plans: distinct two-hour slots of the day, on random days.
    let mut slots: Vec<i64> = (0..12).collect();
    let mut plans = Vec::new();
    for _ in 0..r.range(0, 3) {
        let slot = slots.remove(r.below(slots.len() as u64) as usize);
        let lo = r.range(0, 4);
        let days: Vec<String> = DAYS.iter().filter(|_| r.below(3) == 0).map(|d| d.to_string()).collect();
        plans.push(ResourcesPlan {
            period_type: Some("daily".into()),
            start_time: Some(format!("{}:00", slot * 2)),
            end_time: Some(format!("{}:{:02}", slot * 2 + 1, r.pick(&[0, 30, 59]))),
            min_capacity: Some(lo),
            max_capacity: Some(lo + r.range(0, 4)),
            effective_days: Some(days),
        });
    }
    let mut rules = Vec::new();
    for i in 0..r.range(0, 5) {
        let metric = r.pick(&METRICS);
        let value = match metric {
            Metric::YarnMemoryAvailablePercentage => format!("{}.5", r.range(0, 99)),
            Metric::YarnContainerPendingRatio => format!("{}.25", r.range(0, 3)),
            _ => r.range(0, 4).to_string(),
        };
        rules.push(rule(
            &format!("rule-{i}"),
            r.below(2) == 0,
            metric,
            r.pick(&["LT", "GT", "LTOE", "GTOE"]),
            &value,
            r.range(1, 3),
            r.range(1, 4),
            r.pick(&[0, 5, 10, 25]),
        ));
    }
    AutoScalingPolicy {
        auto_scaling_enable: Some(r.below(8) != 0 && !(plans.is_empty() && rules.is_empty())),
        min_capacity: Some(min),
        max_capacity: Some(max),
        resources_plans: Some(plans),
        rules: Some(rules),
        ..Default::default()
    }
}

fn random_series(r: &mut Rng, n: usize) -> Vec<Sample> {
    // Start somewhere in a week, on a period boundary; now and then a period is missing.
    let mut t = MONDAY + r.range(0, 7 * 288) * PERIOD_MS;
    (0..n)
        .map(|_| {
            t += if r.below(15) == 0 { 2 * PERIOD_MS } else { PERIOD_MS };
            let mut v = MetricValues::default();
            for m in METRICS {
                let x = match m {
                    Metric::YarnMemoryAvailablePercentage => r.range(0, 100) as f64,
                    Metric::YarnContainerPendingRatio => r.range(0, 12) as f64 / 4.0,
                    _ => r.range(0, 4) as f64,
                };
                if r.below(20) != 0 {
                    v.set(m, x);
                }
            }
            Sample { time_ms: t, values: v }
        })
        .collect()
}

/// What both paths are compared on: the period, the action, the counts and why.
fn summary(time: i64, d: &autoscale::Decision) -> (i64, Action, i64, i64, String) {
    (time, d.action, d.from, d.to, format!("{:?}/{:?}", d.cause, d.outcome))
}

#[test]
fn the_sandbox_path_equals_the_evaluator_replay() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    // What the cases exercised, so the property cannot hold vacuously.
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let groups: Vec<String> = vec!["master_node_default_group".into(), "core_node_analysis_group".into(), "task_node_analysis_group".into()];
    for case in 0..60 {
        let policy = random_policy(&mut r);
        let target = PolicyTarget { cluster_type: lakedeck_api::mrs::ClusterType::Analysis, node_groups: &groups, v2: false };
        assert_eq!(validate_policy(&policy, &target, "p"), vec![], "case {case}: the generator made an invalid policy");
        let start = r.range(0, 4);
        // A sandbox per case: a round steps every policy of the sandbox.
        let (e, dir) = engine(AutoscaleConfig::default());
        let id = cluster(&e, 3, start);
        set_policy(&e, &id, policy.clone());
        let series = random_series(&mut r, 40);

        let expected = autoscale::simulate(&compile(&policy), 480, &series, start);
        for d in &expected.decisions {
            let kind = match (&d.outcome, &d.cause) {
                (autoscale::Outcome::Act, autoscale::Cause::Rule { .. }) => "rule action",
                (autoscale::Outcome::Act, _) => "bounds action",
                (autoscale::Outcome::PlanChanged, _) => "plan",
                _ => "skip",
            };
            *seen.entry(kind).or_default() += 1;
        }
        let mut seen_nodes = Vec::new();
        for s in &series {
            period(&e, &id, s.time_ms, s.values);
            seen_nodes.push(task_nodes(&e, &id).len() as i64);
        }
        finish_round(&e);
        let got: Vec<_> = events(&e, &id).iter().map(|ev| summary(ev.clock, ev.decision.as_ref().unwrap())).collect();
        let want: Vec<_> = expected.decisions.iter().map(|d| summary(d.time_ms, d)).collect();
        assert_eq!(got, want, "case {case}: decisions differ for {policy:?}");
        assert_eq!(seen_nodes, expected.nodes, "case {case}: node counts differ");
        for ev in events(&e, &id).iter().filter(|ev| ev.action != "none") {
            assert_eq!(ev.result, "succeeded", "case {case}: {ev:?}");
            assert_eq!(ev.nodes, Some(ev.to), "case {case}: {ev:?}");
        }
        drop(e);
        std::fs::remove_dir_all(dir).unwrap();
    }
    for kind in ["rule action", "bounds action", "plan", "skip"] {
        assert!(seen.get(kind).copied().unwrap_or(0) >= 10, "too few {kind} decisions: {seen:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Scenarios

fn job_on(e: &Engine, cluster: &str, node: &Node) -> String {
    let id = e.create_job(PROJECT, cluster, &JobExecution { job_type: Some("SparkSql".into()), job_name: Some("hold".into()), arguments: Some(vec!["SELECT 1".into()]), ..Default::default() }).unwrap();
    e.store
        .tx(|conn| {
            let mut j = job_by_id(conn, &id)?.unwrap();
            j.job_state = "RUNNING".into();
            j.node = node.resource_id.clone();
            j.node_name = node.name.clone();
            save_job(conn, &j)
        })
        .unwrap();
    id
}

fn end_job(e: &Engine, job: &str) {
    e.store
        .tx(|conn| {
            let mut j = job_by_id(conn, job)?.unwrap();
            j.job_state = "FINISHED".into();
            j.job_result = "SUCCEEDED".into();
            save_job(conn, &j)
        })
        .unwrap();
}

#[test]
fn scale_in_removes_idle_nodes_and_drains_busy_ones_first() {
    let (e, dir) = engine(AutoscaleConfig::default());
    let id = cluster(&e, 3, 3);
    let nodes = task_nodes(&e, &id);
    // Task nodes 2 and 3 run jobs; node 1 is idle.
    let j2 = job_on(&e, &id, &nodes[1]);
    let j3 = job_on(&e, &id, &nodes[2]);
    set_policy(&e, &id, AutoScalingPolicy {
        auto_scaling_enable: Some(true),
        min_capacity: Some(0),
        max_capacity: Some(5),
        rules: Some(vec![rule("shrink", false, Metric::YarnAppPending, "LTOE", "0", 1, 2, 0)]),
        ..Default::default()
    });
    let quiet = values(&[(Metric::YarnAppPending, 0.0)]);
    period(&e, &id, MONDAY, quiet);
    // 3 → 1: the idle node 1 went at once; node 3 (the highest busy one) is draining.
    let left: Vec<u32> = task_nodes(&e, &id).iter().map(|n| n.index).collect();
    assert_eq!(left, [2, 3]);
    let ev = &events(&e, &id)[0];
    assert_eq!((ev.action.as_str(), ev.from, ev.to, ev.result.as_str()), ("scale_in", 3, 1, "in_progress"));
    assert!(ev.notes.iter().any(|n| n.key == "scaling.event.draining" && n.en.contains(&nodes[2].name)), "{:?}", ev.notes);
    let row = e.store.read(|conn| super::super::jobs::load_cluster(conn, PROJECT, &id)).unwrap();
    let leaving = e.store.read(|conn| leaving_nodes(conn, &row)).unwrap();
    assert_eq!(leaving, HashSet::from([nodes[2].resource_id.clone()]), "the drained node takes no new job");
    // The evaluator already counts the draining node as gone: at 1 node, −2 stops at min 0.
    period(&e, &id, MONDAY + PERIOD_MS, quiet);
    assert_eq!(task_nodes(&e, &id).len(), 2, "busy nodes stay while their jobs run");
    // Node 3's job ends: it leaves at the next period; node 2 (chosen by the second scale-in) too once idle.
    end_job(&e, &j3);
    period(&e, &id, MONDAY + 2 * PERIOD_MS, quiet);
    period(&e, &id, MONDAY + 3 * PERIOD_MS, quiet);
    let left: Vec<u32> = task_nodes(&e, &id).iter().map(|n| n.index).collect();
    assert_eq!(left, [2]);
    end_job(&e, &j2);
    period(&e, &id, MONDAY + 4 * PERIOD_MS, quiet);
    period(&e, &id, MONDAY + 5 * PERIOD_MS, quiet);
    assert!(task_nodes(&e, &id).is_empty());
    finish_round(&e);
    let all = events(&e, &id);
    assert!(all.iter().filter(|ev| ev.action == "scale_in").all(|ev| ev.result == "succeeded"), "{all:#?}");
    assert!(all.iter().any(|ev| ev.notes.iter().any(|n| n.key == "scaling.event.drained")));
    // A scale-out keeps a draining node instead of adding one.
    let id = cluster(&e, 3, 2);
    let nodes = task_nodes(&e, &id);
    job_on(&e, &id, &nodes[0]);
    job_on(&e, &id, &nodes[1]);
    set_policy(&e, &id, AutoScalingPolicy {
        auto_scaling_enable: Some(true),
        min_capacity: Some(0),
        max_capacity: Some(2),
        rules: Some(vec![
            rule("grow", true, Metric::YarnAppPending, "GTOE", "1", 1, 1, 0),
            rule("shrink", false, Metric::YarnAppPending, "LTOE", "0", 1, 1, 0),
        ]),
        ..Default::default()
    });
    period(&e, &id, MONDAY, quiet);
    assert_eq!(task_nodes(&e, &id).len(), 2, "node 2 drains");
    period(&e, &id, MONDAY + PERIOD_MS, values(&[(Metric::YarnAppPending, 3.0)]));
    let last = events(&e, &id).pop().unwrap();
    assert_eq!((last.action.as_str(), last.result.as_str()), ("scale_out", "succeeded"));
    assert!(last.notes.iter().any(|n| n.key == "scaling.event.undrained"), "{:?}", last.notes);
    assert_eq!(task_nodes(&e, &id).len(), 2, "no new node: the drained one stayed");
    let row = e.store.read(|conn| super::super::jobs::load_cluster(conn, PROJECT, &id)).unwrap();
    assert!(e.store.read(|conn| leaving_nodes(conn, &row)).unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn plan_windows_hold_across_midnight_and_days_and_the_group_is_created() {
    let (e, dir) = engine(AutoscaleConfig::default());
    let id = cluster(&e, 3, 0);
    let plan = |start: &str, end: &str, n: i64, day: &str| ResourcesPlan {
        period_type: Some("daily".into()),
        start_time: Some(start.into()),
        end_time: Some(end.into()),
        min_capacity: Some(n),
        max_capacity: Some(n),
        effective_days: Some(vec![day.into()]),
    };
    set_policy(&e, &id, AutoScalingPolicy {
        auto_scaling_enable: Some(true),
        min_capacity: Some(0),
        max_capacity: Some(10),
        resources_plans: Some(vec![plan("22:00", "23:59", 2, "MONDAY"), plan("0:00", "1:00", 4, "TUESDAY")]),
        ..Default::default()
    });
    // Monday 21:50 in the cluster's zone (UTC+8) is 13:50 UTC.
    let start = MONDAY + (13 * 60 + 50) * MINUTE;
    let mut counts = Vec::new();
    for i in 0..40 {
        period(&e, &id, start + i * PERIOD_MS, MetricValues::default());
        counts.push(task_nodes(&e, &id).len());
    }
    // 21:50, 21:55: nothing; 22:00 Monday: 2; 00:00 Tuesday: 4; after 01:00 the policy's 0–10 keep 4.
    assert_eq!(&counts[..2], [0, 0]);
    assert!(counts[2..26].iter().all(|c| *c == 2), "{counts:?}");
    assert!(counts[26..].iter().all(|c| *c == 4), "{counts:?}");
    let all = events(&e, &id);
    let first_out = all.iter().find(|ev| ev.action == "scale_out").unwrap();
    assert!(first_out.notes.iter().any(|n| n.key == "scaling.event.group_created"), "{:?}", first_out.notes);
    let plans: Vec<&str> = all.iter().filter(|ev| ev.result == "info").map(|ev| ev.reason.key.as_str()).collect();
    assert_eq!(plans, ["scaling.event.plan_started", "scaling.event.plan_started", "scaling.event.plan_ended"]);
    assert!(all[0].reason.zh.contains("资源计划"), "{:?}", all[0].reason);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn consecutive_periods_cool_down_and_bounds_are_recorded_with_reasons() {
    let (e, dir) = engine(AutoscaleConfig::default());
    let id = cluster(&e, 3, 1);
    set_policy(&e, &id, AutoScalingPolicy {
        auto_scaling_enable: Some(true),
        min_capacity: Some(1),
        max_capacity: Some(3),
        rules: Some(vec![rule("grow", true, Metric::YarnAppPending, "GTOE", "2", 2, 1, 10)]),
        ..Default::default()
    });
    let busy = values(&[(Metric::YarnAppPending, 2.0)]);
    let mut counts = Vec::new();
    for i in 0..8 {
        period(&e, &id, MONDAY + i * PERIOD_MS, busy);
        counts.push(task_nodes(&e, &id).len());
    }
    // Held twice → +1 at period 1; cool-down 10 min blocks periods 2 and 3; +1 at 4; then at max.
    assert_eq!(counts, [1, 2, 2, 3, 3, 3, 3, 3]);
    let reasons: Vec<(String, String)> = events(&e, &id).iter().map(|ev| (ev.result.clone(), ev.reason.key.clone())).collect();
    assert_eq!(reasons, [
        ("succeeded".into(), "scaling.event.rule_out".into()),
        ("skipped".into(), "scaling.event.cooling_down".into()),
        ("succeeded".into(), "scaling.event.rule_out".into()),
        ("skipped".into(), "scaling.event.at_max".into()),
    ]);
    let all = events(&e, &id);
    assert_eq!(all[0].values, [2.0, 2.0], "the values the trigger held on");
    assert!(all[1].reason.en.contains("no action before 2026-03-02 08:15 UTC+08:00"), "{}", all[1].reason.en);
    assert!(all[3].reason.en.contains("at max_capacity (3)"), "{}", all[3].reason.en);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn scripts_run_only_when_allowed_and_errorout_stops_the_action() {
    for allowed in [false, true] {
        let (e, dir) = engine(AutoscaleConfig { allow_scripts: allowed, ..Default::default() });
        let id = cluster(&e, 3, 1);
        let bucket = dir.join("obs/scripts");
        std::fs::create_dir_all(&bucket).unwrap();
        std::fs::write(bucket.join("note.sh"), "echo \"$@\" >> scaled.txt\n").unwrap();
        std::fs::write(bucket.join("fail.sh"), "echo nope >&2\nexit 3\n").unwrap();
        let script = |name: &str, uri: &str, stage: &str, fail: &str| ScaleScript {
            name: Some(name.into()),
            uri: Some(uri.into()),
            parameters: Some("${mrs_scale_type} ${mrs_scale_node_num} ${mrs_scale_rule_name} ${mrs_scale_node_hostnames}".into()),
            nodes: Some(vec!["Task".into()]),
            active_master: Some(false),
            fail_action: Some(fail.into()),
            action_stage: Some(stage.into()),
        };
        set_policy(&e, &id, AutoScalingPolicy {
            auto_scaling_enable: Some(true),
            min_capacity: Some(0),
            max_capacity: Some(4),
            rules: Some(vec![
                rule("grow", true, Metric::YarnAppPending, "GTOE", "1", 1, 1, 0),
                rule("shrink", false, Metric::YarnAppPending, "LTOE", "0", 1, 1, 0),
            ]),
            exec_scripts: Some(vec![
                script("before out", "obs://scripts/note.sh", "before_scale_out", "errorout"),
                script("after out", "obs://scripts/note.sh", "after_scale_out", "continue"),
                script("guard", "obs://scripts/fail.sh", "before_scale_in", "errorout"),
            ]),
            ..Default::default()
        });
        period(&e, &id, MONDAY, values(&[(Metric::YarnAppPending, 1.0)]));
        period(&e, &id, MONDAY + PERIOD_MS, MetricValues::default());
        let out = &events(&e, &id)[0];
        assert_eq!((out.action.as_str(), out.result.as_str()), ("scale_out", "succeeded"));
        let keys: Vec<&str> = out.notes.iter().map(|n| n.key.as_str()).collect();
        let log = dir.join("scaling").join(&id).join("scaled.txt");
        if allowed {
            assert_eq!(keys, ["scaling.event.script_ok", "scaling.event.script_ok", "scaling.event.finished"]);
            let text = std::fs::read_to_string(&log).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[0], "scale_out 1 grow", "before the nodes exist no host names");
            assert!(lines[1].starts_with("scale_out 1 grow node-ana-task2-"), "{text}");
        } else {
            assert_eq!(keys, ["scaling.event.script_skipped", "scaling.event.script_skipped", "scaling.event.finished"]);
            assert!(out.notes[0].en.contains("--allow-scripts"));
            assert!(!log.exists());
        }
        // The scale-in's guard script: skipped (the node goes) or failing with errorout (it stays).
        period(&e, &id, MONDAY + 2 * PERIOD_MS, values(&[(Metric::YarnAppPending, 0.0)]));
        finish_round(&e);
        let inn = events(&e, &id).into_iter().find(|ev| ev.action == "scale_in").unwrap();
        if allowed {
            assert_eq!(inn.result, "failed");
            assert!(inn.notes.iter().any(|n| n.key == "scaling.event.script_exit" && n.en.contains("exited with status 3: nope")), "{:?}", inn.notes);
            assert!(inn.notes.iter().any(|n| n.zh.contains("退出状态 3")), "{:?}", inn.notes);
            assert_eq!(task_nodes(&e, &id).len(), 2);
        } else {
            assert_eq!(inn.result, "succeeded");
            assert_eq!(task_nodes(&e, &id).len(), 1);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn metrics_follow_the_jobs_on_the_nodes() {
    let (e, dir) = engine(AutoscaleConfig::default());
    let id = cluster(&e, 2, 1);
    let row = e.store.read(|conn| super::super::jobs::load_cluster(conn, PROJECT, &id)).unwrap();
    let workers = worker_nodes(&row);
    assert_eq!(workers.len(), 3);
    let running = |n: &Node| JobRecord { job_state: "RUNNING".into(), node: n.resource_id.clone(), ..Default::default() };
    let pending = JobRecord { job_state: "ACCEPTED".into(), ..Default::default() };
    let jobs = vec![running(&workers[0]), running(&workers[1]), pending.clone(), pending];
    let v = measure(&row, &HashSet::new(), &jobs);
    // c6.2xlarge: 8 vCPUs, 32 GiB per node.
    assert_eq!(v.get(Metric::YarnAppRunning), Some(2.0));
    assert_eq!(v.get(Metric::YarnAppPending), Some(2.0));
    assert_eq!(v.get(Metric::YarnAppPendingRatio), Some(1.0));
    assert_eq!(v.get(Metric::YarnMemoryAllocated), Some(65536.0));
    assert_eq!(v.get(Metric::YarnMemoryAvailable), Some(32768.0));
    assert_eq!(v.get(Metric::YarnMemoryAvailablePercentage), Some(33.33));
    assert_eq!(v.get(Metric::YarnCpuAllocated), Some(16.0));
    assert_eq!(v.get(Metric::YarnCpuPending), Some(16.0));
    assert_eq!(v.get(Metric::YarnMemoryPending), Some(65536.0));
    assert_eq!(v.get(Metric::StormSlotUsed), None, "an analysis cluster has no Storm metrics");
    // A leaving idle node no longer counts.
    let leaving = HashSet::from([workers[2].resource_id.clone()]);
    let v = measure(&row, &leaving, &jobs);
    assert_eq!(v.get(Metric::YarnMemoryAvailablePercentage), Some(0.0));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_clock_scales_time_and_continues_across_starts() {
    let (e, dir) = engine(AutoscaleConfig { period_ms: 1000, clock_start_ms: Some(MONDAY), ..Default::default() });
    let c = e.start_clock(10_000).unwrap();
    assert_eq!(c.period(10_000), (0, MONDAY));
    assert_eq!(c.period(12_500), (2, MONDAY + 2 * PERIOD_MS));
    assert_eq!(c.mrs_time(10_500), MONDAY + PERIOD_MS / 2);
    assert_eq!(c.period(9_999), (-1, MONDAY - PERIOD_MS));
    // The next start (no --clock-start) continues where the clock would be.
    let e2 = Engine::open(&dir, &dir.join("cache"), 1).unwrap().with_autoscaler(AutoscaleConfig { period_ms: 500, ..Default::default() });
    let c2 = e2.start_clock(20_000).unwrap();
    assert_eq!(c2.mrs_time(20_000), MONDAY + 10 * PERIOD_MS);
    assert_eq!(c2.mrs_time(20_500), MONDAY + 11 * PERIOD_MS);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_draining_node_removed_by_hand_ends_its_scale_in() {
    let (e, dir) = engine(AutoscaleConfig::default());
    let id = cluster(&e, 3, 2);
    let nodes = task_nodes(&e, &id);
    job_on(&e, &id, &nodes[0]);
    job_on(&e, &id, &nodes[1]);
    set_policy(&e, &id, AutoScalingPolicy {
        auto_scaling_enable: Some(true),
        min_capacity: Some(1),
        max_capacity: Some(2),
        rules: Some(vec![rule("shrink", false, Metric::YarnAppPending, "LTOE", "0", 1, 1, 0)]),
        ..Default::default()
    });
    period(&e, &id, MONDAY, values(&[(Metric::YarnAppPending, 0.0)]));
    assert_eq!(events(&e, &id)[0].result, "in_progress", "node 2 drains");
    e.shrink_cluster(PROJECT, &id, "task_node_analysis_group", ShrinkBy::Resources(vec![nodes[1].resource_id.clone()])).unwrap();
    settle(&e);
    period(&e, &id, MONDAY + PERIOD_MS, values(&[(Metric::YarnAppPending, 0.0)]));
    let ev = &events(&e, &id)[0];
    assert_eq!((ev.result.as_str(), ev.nodes), ("succeeded", Some(1)));
    let row = e.store.read(|conn| super::super::jobs::load_cluster(conn, PROJECT, &id)).unwrap();
    assert!(e.store.read(|conn| leaving_nodes(conn, &row)).unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}
