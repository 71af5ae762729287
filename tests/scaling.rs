//! The scaling policy editor, its week timeline and the simulator's replay, in a real DOM.

use lakedeck::pages::scaling::editor::{rule_sentence, PolicyEditor};
use lakedeck::pages::scaling::simulator::{chart_data, decision_text, run_replay, Series};
use lakedeck_api::autoscale::{MetricValues, Sample, PERIOD_MS};
use lakedeck_api::mrs::ClusterType;
use lakedeck_api::mrs_scaling::Metric;
use lakedeck_api::scaling_edit::{target, PlanDraft, PolicyDraft, RuleDraft};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::host;

wasm_bindgen_test_configure!(run_in_browser);

fn q(root: &web_sys::Element, sel: &str) -> Option<web_sys::Element> {
    root.query_selector(sel).unwrap()
}

fn count(root: &web_sys::Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

fn field_error(root: &web_sys::Element, id: &str) -> Option<String> {
    q(root, &format!(".field-error[data-field=\"{id}\"]")).and_then(|e| e.text_content())
}

async fn type_into(root: &web_sys::Element, sel: &str, value: &str) {
    let el: web_sys::HtmlInputElement = q(root, sel).unwrap_or_else(|| panic!("no {sel}")).unchecked_into();
    el.set_value(value);
    el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
}

async fn key(root: &web_sys::Element, sel: &str, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    q(root, sel).unwrap_or_else(|| panic!("no {sel}")).dispatch_event(&ev).unwrap();
    tick().await;
}

/// Mounts the editor on `draft` for an analysis cluster's task group, problems computed as the page does.
fn mount_editor(draft: RwSignal<PolicyDraft>) -> (web_sys::HtmlElement, impl Sized) {
    let el = host();
    let handle = mount_to(el.clone(), move || {
        let groups = vec!["task_node_analysis_group".to_string()];
        let g2 = groups.clone();
        let problems = Memo::new(move |_| draft.with(|d| d.problems(&target(ClusterType::Analysis, &g2, false))));
        view! {
            <PolicyEditor draft=draft problems=problems kind=ClusterType::Analysis groups=groups scripts_allowed=false
                zone="UTC+08:00".to_string()/>
        }
    });
    (el, handle)
}

#[wasm_bindgen_test]
async fn editor_shows_each_problem_next_to_its_field_and_keeps_the_input() {
    support::english();
    // An enabled policy needs a rule or a plan: start with one rule, as a user adding a rule first would.
    let mut d = PolicyDraft::default();
    d.rules.push(RuleDraft::new("scale_out", "YARNAppPending", &[]));
    let draft = RwSignal::new(d);
    let (el, _h) = mount_editor(draft);
    tick().await;
    let root: &web_sys::Element = &el;
    let range_errors = |root: &web_sys::Element| {
        [field_error(root, "auto_scaling_policy-min_capacity"), field_error(root, "auto_scaling_policy-max_capacity"), q(root, "#policy-error").and_then(|e| e.text_content())]
    };
    assert_eq!(range_errors(root), [None, None, None], "the default range 0–5 is fine");

    // min > max: refused next to the field, the typed value stays.
    type_into(root, "#auto_scaling_policy-min_capacity", "7").await;
    let shown = range_errors(root);
    assert!(shown.iter().flatten().any(|m| !m.is_empty() && !m.contains('{')), "min above max is explained: {shown:?}");
    assert_eq!(draft.with_untracked(|d| d.min.clone()), "7");
    let input: web_sys::HtmlInputElement = q(root, "#auto_scaling_policy-min_capacity").unwrap().unchecked_into();
    assert_eq!(input.value(), "7");
    type_into(root, "#auto_scaling_policy-min_capacity", "1").await;
    assert_eq!(range_errors(root), [None, None, None], "fixed: the problem is gone");

    // A rule: the metric list is the analysis cluster's YARN metrics; a bad value is named on the field.
    let metric = q(root, "#auto_scaling_policy-rules-0-trigger-metric_name").expect("the metric select");
    assert!(metric.inner_html().contains("YARNAppPending"), "YARN metrics offered");
    type_into(root, "#auto_scaling_policy-rules-0-trigger-evaluation_periods", "0").await;
    assert!(field_error(root, "auto_scaling_policy-rules-0-trigger-evaluation_periods").is_some(), "0 periods is refused on its field");
    type_into(root, "#auto_scaling_policy-rules-0-trigger-evaluation_periods", "2").await;
    assert!(field_error(root, "auto_scaling_policy-rules-0-trigger-evaluation_periods").is_none());
    type_into(root, "#auto_scaling_policy-rules-0-trigger-metric_value", "abc").await;
    assert!(field_error(root, "auto_scaling_policy-rules-0-trigger-metric_value").is_some(), "a non-number threshold is refused");
    type_into(root, "#auto_scaling_policy-rules-0-trigger-metric_value", "1").await;

    // A second scale-out rule gets a name of its own; renaming it to the first's is refused.
    q(root, "#add-scale-out-rule").unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    tick().await;
    let names = draft.with_untracked(|d| d.rules.iter().map(|r| r.name.clone()).collect::<Vec<_>>());
    assert_eq!(names, ["scale-out-1", "scale-out-2"]);
    type_into(root, "#auto_scaling_policy-rules-1-name", "scale-out-1").await;
    assert!(field_error(root, "auto_scaling_policy-rules-1-name").is_some(), "duplicate rule names are refused on the field");
    let sentence = q(root, "#rule-0-sentence").unwrap().text_content().unwrap();
    assert!(sentence.contains("YARNAppPending"), "the rule in words: {sentence}");
    assert_eq!(sentence, draft.with_untracked(|d| rule_sentence(&d.rules[0])));
}

#[wasm_bindgen_test]
async fn timeline_draws_each_plan_per_day_moves_by_keyboard_and_refuses_overlaps() {
    support::english();
    let mut d = PolicyDraft::default();
    // Monday and Tuesday 9:00–12:00, and Monday 13:00–15:00.
    d.plans.push(PlanDraft { start: "9:00".into(), end: "12:00".into(), min: "1".into(), max: "3".into(), days: 0b11 });
    d.plans.push(PlanDraft { start: "13:00".into(), end: "15:00".into(), min: "2".into(), max: "4".into(), days: 0b1 });
    let draft = RwSignal::new(d);
    let (el, _h) = mount_editor(draft);
    tick().await;
    let root: &web_sys::Element = &el;
    assert_eq!(count(root, "#plan-timeline .tl-bar"), 3, "one bar per plan and day");
    assert_eq!(count(root, "#plan-timeline .tl-track[data-day=\"0\"] .tl-bar"), 2);
    assert_eq!(count(root, "#plan-timeline .tl-bar.clash"), 0);
    let left = q(root, ".tl-bar[data-plan=\"1\"]").unwrap().unchecked_into::<web_sys::HtmlElement>().style().get_property_value("left").unwrap();
    assert_eq!(left, "54.1667%", "13:00 is 13/24 of the day");

    // Arrow right moves the whole window by 15 minutes, in the draft's fields too.
    key(root, ".tl-bar[data-plan=\"1\"]", "ArrowRight").await;
    assert_eq!(draft.with_untracked(|d| (d.plans[1].start.clone(), d.plans[1].end.clone())), ("13:15".into(), "15:15".into()));
    let start: web_sys::HtmlInputElement = q(root, "#auto_scaling_policy-resources_plans-1-start_time").unwrap().unchecked_into();
    assert_eq!(start.value(), "13:15");

    // Moving it left into the first plan stops at the first plan's end: an overlap is never produced.
    for _ in 0..12 {
        key(root, ".tl-bar[data-plan=\"1\"]", "ArrowLeft").await;
    }
    let (s, _) = draft.with_untracked(|d| (d.plans[1].start.clone(), d.plans[1].end.clone()));
    let (h, m) = s.split_once(':').expect("H:mm");
    let minute: u32 = h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap();
    assert!((12 * 60..13 * 60 + 15).contains(&minute), "moved left, but never before the first plan's end 12:00: {s}");
    assert_eq!(count(root, "#plan-timeline .tl-bar.clash"), 0, "dragging never makes a clash");

    // Typing an overlapping time is refused next to the field, and the bars show the clash.
    type_into(root, "#auto_scaling_policy-resources_plans-1-start_time", "10:00").await;
    assert!(count(root, "#plan-timeline .tl-bar.clash") > 0, "typed overlap shown on the timeline");
    assert!(count(root, "#plan-0 .field-error, #plan-1 .field-error, .policy-plans .field-error") > 0, "typed overlap refused in words");
}

fn sample(i: i64, pending: f64) -> Sample {
    let mut values = MetricValues::default();
    values.set(Metric::YarnAppPending, pending);
    Sample { time_ms: 1_764_000_000_000 + i * PERIOD_MS, values }
}

#[wasm_bindgen_test]
async fn simulator_replays_the_edited_policy_and_words_each_decision() {
    support::english();
    let mut d = PolicyDraft { min: "1".into(), max: "6".into(), ..PolicyDraft::default() };
    let mut out = RuleDraft::new("scale_out", "YARNAppPending", &[]);
    out.value = "1".into();
    out.adjustment = "2".into();
    out.cool_down = "0".into();
    d.rules.push(out);
    let mut inn = RuleDraft::new("scale_in", "YARNAppPending", &d.rule_names());
    inn.value = "0".into();
    inn.periods = "3".into();
    inn.cool_down = "0".into();
    d.rules.push(inn);
    let (policy, problems) = d.to_policy();
    assert!(problems.is_empty(), "a valid draft: {problems:?}");

    // Four busy periods, then six quiet ones; the recorded cluster stayed at 2 nodes.
    let samples: Vec<Sample> = (0..10).map(|i| sample(i, if i < 4 { 3.0 } else { 0.0 })).collect();
    let series = Series { recorded: Some(vec![2; samples.len()]), metrics: vec![Metric::YarnAppPending], samples };
    let timed = run_replay(&policy, 480, &series, 2);
    let sim = &timed.replay.simulation;
    assert_eq!(sim.nodes.len(), 10);
    assert_eq!(sim.nodes.iter().copied().max(), Some(6), "grows by 2 per busy period up to max 6");
    assert!(sim.nodes.iter().all(|n| (1..=6).contains(n)), "never past min/max: {:?}", sim.nodes);
    assert!(sim.nodes.last().unwrap() < &6, "shrinks once quiet for 3 periods: {:?}", sim.nodes);
    assert!(timed.ms >= 0.0);
    let words = decision_text(&sim.decisions[0], 480);
    assert!(words.contains("scale-out-1"), "the decision names its rule: {words}");
    assert!(!words.contains('{'), "every placeholder filled: {words}");

    // The chart's data: one x per sample, the predicted and recorded node counts side by side.
    let data = chart_data(&series, &timed, Some(Metric::YarnAppPending), &[]);
    assert_eq!(data.x.len(), 10);
    assert_eq!(data.x[1] - data.x[0], PERIOD_MS as f64 / 1000.0, "x in seconds");
    assert!(data.series.iter().all(|s| s.len() == 10), "every series has one value per sample");
    assert!(data.series.iter().any(|s| s.iter().copied().eq(sim.nodes.iter().map(|&n| n as f64))), "the predicted node count is drawn");
    assert!(data.series.iter().any(|s| s.iter().all(|&v| v == 2.0)), "the recorded node count is drawn");
    assert_eq!(data.markers.len(), sim.decisions.len(), "a marker per predicted decision");
}
