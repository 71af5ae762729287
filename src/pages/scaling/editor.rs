//! The policy editor: min/max, resource plans (with the week timeline), rules, scripts and node
//! tags, every field checked with the service's own rules (`lakedeck_api::scaling_edit`) as you
//! type, the problem next to its field. The draft keeps whatever was typed.

use lakedeck_api::mrs::ClusterType;
use lakedeck_api::mrs_scaling::{
    metrics_for, Comparison, Metric, Unit, MAX_PLANS, MAX_RULES_PER_KIND, MAX_SCRIPTS, SCRIPT_STAGES, SCRIPT_VARIABLES,
};
use lakedeck_api::rules::FieldError;
use lakedeck_api::scaling_edit::{PlanDraft, PolicyDraft, RuleDraft, ScriptDraft, PREFIX};
use leptos::prelude::*;

use super::timeline::PlanTimeline;
use crate::components::{field_dom_id, tag_row_errors, SelectField, TagRows, TextField, When};
use crate::i18n::{format, problem};
use crate::{t, tr};

/// Weekday names, Monday first (tracked).
pub fn day_short(d: usize) -> String {
    match d {
        0 => t!(scaling.day_mon),
        1 => t!(scaling.day_tue),
        2 => t!(scaling.day_wed),
        3 => t!(scaling.day_thu),
        4 => t!(scaling.day_fri),
        5 => t!(scaling.day_sat),
        _ => t!(scaling.day_sun),
    }
}

/// What a metric measures, in a few words (tracked).
pub fn metric_description(m: Metric) -> String {
    match m {
        Metric::YarnAppPending => t!(metric.yarn_app_pending),
        Metric::YarnAppPendingRatio => t!(metric.yarn_app_pending_ratio),
        Metric::YarnAppRunning => t!(metric.yarn_app_running),
        Metric::YarnContainerAllocated => t!(metric.yarn_container_allocated),
        Metric::YarnContainerPending => t!(metric.yarn_container_pending),
        Metric::YarnContainerPendingRatio => t!(metric.yarn_container_pending_ratio),
        Metric::YarnCpuAllocated => t!(metric.yarn_cpu_allocated),
        Metric::YarnCpuAvailable => t!(metric.yarn_cpu_available),
        Metric::YarnCpuAvailablePercentage => t!(metric.yarn_cpu_available_percentage),
        Metric::YarnCpuPending => t!(metric.yarn_cpu_pending),
        Metric::YarnMemoryAllocated => t!(metric.yarn_memory_allocated),
        Metric::YarnMemoryAvailable => t!(metric.yarn_memory_available),
        Metric::YarnMemoryAvailablePercentage => t!(metric.yarn_memory_available_percentage),
        Metric::YarnMemoryPending => t!(metric.yarn_memory_pending),
        Metric::StormSlotAvailable => t!(metric.storm_slot_available),
        Metric::StormSlotAvailablePercentage => t!(metric.storm_slot_available_percentage),
        Metric::StormSlotUsed => t!(metric.storm_slot_used),
        Metric::StormSlotUsedPercentage => t!(metric.storm_slot_used_percentage),
        Metric::StormSupervisorMemAverageUsage => t!(metric.storm_supervisor_mem_average_usage),
        Metric::StormSupervisorMemAverageUsagePercentage => t!(metric.storm_supervisor_mem_average_usage_percentage),
        Metric::StormSupervisorCpuAverageUsagePercentage => t!(metric.storm_supervisor_cpu_average_usage_percentage),
    }
}

/// A metric's unit as shown (tracked).
pub fn unit_label(u: Unit) -> String {
    match u {
        Unit::Count => t!(scaling.unit_count),
        Unit::Ratio => t!(scaling.unit_ratio),
        Unit::Megabytes => "MB".into(),
        Unit::Vcores => "vCPU".into(),
        Unit::Percent => "%".into(),
    }
}

/// "count, whole numbers from 0 to 2,147,483,646" (tracked).
pub fn metric_range(m: Metric) -> String {
    let max = format::number(m.max_value());
    if m.unit().integral() {
        t!(scaling.metric_range_whole, unit = unit_label(m.unit()), max = max)
    } else {
        t!(scaling.metric_range, unit = unit_label(m.unit()), max = max)
    }
}

pub fn operator_label(c: Comparison) -> String {
    format!("{} ({})", c.symbol(), c.as_str())
}

fn stage_label(s: &str) -> String {
    match s {
        "before_scale_out" => t!(scaling.stage_before_out),
        "before_scale_in" => t!(scaling.stage_before_in),
        "after_scale_out" => t!(scaling.stage_after_out),
        "after_scale_in" => t!(scaling.stage_after_in),
        other => other.to_string(),
    }
}

/// The first problem at exactly `path` (a wire field path), worded (tracked).
fn problem_at(problems: Memo<Vec<FieldError>>, path: String) -> Signal<Option<String>> {
    Signal::derive(move || problems.with(|ps| ps.iter().find(|p| p.field == path).map(|p| problem(&p.problem))))
}

fn path(rest: &str) -> String {
    if rest.is_empty() { PREFIX.to_string() } else { format!("{PREFIX}.{rest}") }
}

/// A text input bound to one string of the draft.
fn text_field(
    draft: RwSignal<PolicyDraft>,
    problems: Memo<Vec<FieldError>>,
    field: String,
    label: Signal<String>,
    hint: Option<Signal<String>>,
    get: impl Fn(&PolicyDraft) -> Option<String> + Send + Sync + 'static,
    set: impl Fn(&mut PolicyDraft, String) + Send + Sync + 'static,
) -> impl IntoView {
    let id = field_dom_id(&path(&field));
    let error = problem_at(problems, path(&field));
    let value = Signal::derive(move || draft.with(|d| get(d).unwrap_or_default()));
    let on_input = Callback::new(move |v: String| draft.update(|d| set(d, v)));
    match hint {
        Some(h) => view! { <TextField id=id label=label value=value on_input=on_input error=error hint=h/> }.into_any(),
        None => view! { <TextField id=id label=label value=value on_input=on_input error=error/> }.into_any(),
    }
}

#[component]
pub fn PolicyEditor(
    draft: RwSignal<PolicyDraft>,
    problems: Memo<Vec<FieldError>>,
    #[prop(into)] kind: Signal<ClusterType>,
    /// Node group names a script may run on.
    #[prop(into)]
    groups: Signal<Vec<String>>,
    /// Scripts can be saved for this group (only the V1.1 API carries them, for the cluster's Task group).
    #[prop(into)]
    scripts_allowed: Signal<bool>,
    /// The cluster's zone, as named next to times (`UTC+08:00`).
    #[prop(into)]
    zone: Signal<String>,
) -> impl IntoView {
    let section_error = move |rest: &'static str| problem_at(problems, path(rest));
    let general = view! {
        <section class="card policy-general" aria-labelledby="policy-general-title">
            <h2 id="policy-general-title">{tr!(scaling.general)}</h2>
            <label class="check">
                <input type="checkbox" id="policy-enabled" prop:checked=move || draft.with(|d| d.enabled)
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.enabled = on); }/>
                {tr!(scaling.enabled)}
            </label>
            <p class="hint">{tr!(scaling.enabled_hint)}</p>
            <div class="grid-2">
                {text_field(draft, problems, "min_capacity".into(), Signal::derive(|| t!(scaling.min_nodes)), None, |d| Some(d.min.clone()), |d, v| d.min = v)}
                {text_field(draft, problems, "max_capacity".into(), Signal::derive(|| t!(scaling.max_nodes)), None, |d| Some(d.max.clone()), |d, v| d.max = v)}
            </div>
            {move || section_error("").get().map(|m| view! { <p class="field-error" id="policy-error">{m}</p> })}
        </section>
    };

    view! {
        <div class="policy-editor" id="policy-editor">
            {general}
            <Plans draft=draft problems=problems zone=zone/>
            <Rules draft=draft problems=problems kind=kind/>
            <Scripts draft=draft problems=problems groups=groups allowed=scripts_allowed/>
            <PolicyTags draft=draft problems=problems allowed=Signal::derive(move || !draft.with(|d| !d.scripts.is_empty()))/>
        </div>
    }
}

#[component]
fn Plans(draft: RwSignal<PolicyDraft>, problems: Memo<Vec<FieldError>>, zone: Signal<String>) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| d.plans.len()));
    let list_error = problem_at(problems, path("resources_plans"));
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let f = move |name: &str| format!("resources_plans[{i}].{name}");
                let days_error = Signal::derive(move || {
                    problems.with(|ps| ps.iter().find(|p| p.field.starts_with(&path(&format!("resources_plans[{i}].effective_days")))).map(|p| problem(&p.problem)))
                });
                let plan = move |d: &PolicyDraft| d.plans.get(i).cloned();
                view! {
                    <fieldset class="plan" id=format!("plan-{i}") data-plan=i>
                        <legend>{move || t!(scaling.plan_n, n = i + 1)}</legend>
                        <div class="plan-fields">
                            {text_field(draft, problems, f("start_time"), Signal::derive(|| t!(scaling.start)), None,
                                move |d| plan(d).map(|p| p.start), move |d, v| if let Some(p) = d.plans.get_mut(i) { p.start = v })}
                            {text_field(draft, problems, f("end_time"), Signal::derive(|| t!(scaling.end)), None,
                                move |d| plan(d).map(|p| p.end), move |d, v| if let Some(p) = d.plans.get_mut(i) { p.end = v })}
                            {text_field(draft, problems, f("min_capacity"), Signal::derive(|| t!(scaling.min_nodes)), None,
                                move |d| plan(d).map(|p| p.min), move |d, v| if let Some(p) = d.plans.get_mut(i) { p.min = v })}
                            {text_field(draft, problems, f("max_capacity"), Signal::derive(|| t!(scaling.max_nodes)), None,
                                move |d| plan(d).map(|p| p.max), move |d, v| if let Some(p) = d.plans.get_mut(i) { p.max = v })}
                        </div>
                        <div class="plan-days" role="group" aria-label=move || t!(scaling.plan_days, n = i + 1)>
                            {(0..7).map(|day| view! {
                                <label class="check day-check">
                                    <input type="checkbox" id=format!("plan-{i}-day-{day}")
                                        prop:checked=move || draft.with(|d| d.plans.get(i).is_some_and(|p| p.days & (1 << day) != 0))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            draft.update(|d| if let Some(p) = d.plans.get_mut(i) {
                                                if on { p.days |= 1 << day } else { p.days &= !(1 << day) }
                                            });
                                        }/>
                                    {move || day_short(day)}
                                </label>
                            }).collect_view()}
                            <span class="hint">{move || if draft.with(|d| d.plans.get(i).is_some_and(|p| p.days == 0)) { t!(scaling.no_day) } else { String::new() }}</span>
                            {move || days_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                        <button type="button" class="btn btn-sm btn-ghost remove-plan" aria-label=move || t!(scaling.remove_plan, n = i + 1)
                            on:click=move |_| draft.update(|d| { if i < d.plans.len() { d.plans.remove(i); } })>{tr!(common.remove)}</button>
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card policy-plans" aria-labelledby="policy-plans-title">
            <h2 id="policy-plans-title">{tr!(scaling.plans)}</h2>
            <p class="hint">{move || t!(scaling.plans_hint, zone = zone.get(), max = MAX_PLANS)}</p>
            <PlanTimeline draft=draft/>
            {rows}
            {move || list_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            <button type="button" class="btn btn-sm" id="add-plan" disabled=move || { count.get() >= MAX_PLANS }
                on:click=move |_| draft.update(|d| {
                    let mut p = PlanDraft::default();
                    // Start where there is room on every day, if anywhere: after the last plan.
                    if let Some(w) = d.windows().iter().map(|w| w.end).max() {
                        if w + 90 <= lakedeck_api::scaling_edit::DAY_END {
                            p.start = lakedeck_api::scaling_edit::clock_text(w);
                            p.end = lakedeck_api::scaling_edit::clock_text((w + 60).min(lakedeck_api::scaling_edit::DAY_END));
                        }
                    }
                    d.plans.push(p);
                })>{tr!(scaling.add_plan)}</button>
        </section>
    }
}

#[component]
fn Rules(draft: RwSignal<PolicyDraft>, problems: Memo<Vec<FieldError>>, kind: Signal<ClusterType>) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| d.rules.len()));
    let list_error = problem_at(problems, path("rules"));
    let n_kind = move |k: &str| draft.with(|d| d.rules.iter().filter(|r| r.kind == k).count());
    let metrics = Memo::new(move |_| metrics_for(kind.get()));
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let f = move |name: &str| format!("rules[{i}].{name}");
                let rule = move |d: &PolicyDraft| d.rules.get(i).cloned();
                let metric = Memo::new(move |_| draft.with(|d| d.rules.get(i).and_then(|r| Metric::parse(&r.metric))));
                let out = Memo::new(move |_| draft.with(|d| d.rules.get(i).is_some_and(|r| r.kind == "scale_out")));
                let kind_options = Signal::derive(|| vec![("scale_out".to_string(), t!(scaling.kind_out)), ("scale_in".to_string(), t!(scaling.kind_in))]);
                let metric_options = Signal::derive(move || {
                    let mut o: Vec<(String, String)> = metrics.get().into_iter().map(|m| (m.name().to_string(), format!("{} — {}", m.name(), metric_description(m)))).collect();
                    // A metric the cluster does not measure stays selectable, so the problem shows instead of the choice vanishing.
                    if let Some(cur) = draft.with(|d| d.rules.get(i).map(|r| r.metric.clone())) {
                        if !o.iter().any(|(v, _)| *v == cur) {
                            o.insert(0, (cur.clone(), cur));
                        }
                    }
                    o
                });
                let op_options = Signal::derive(|| Comparison::ALL.into_iter().map(|c| (c.as_str().to_string(), operator_label(c))).collect::<Vec<_>>());
                let periods_hint = Signal::derive(move || {
                    let n: i64 = draft.with(|d| d.rules.get(i).and_then(|r| r.periods.trim().parse().ok()).unwrap_or(0));
                    t!(scaling.periods_hint, minutes = n.max(0) * 5)
                });
                let value_hint = Signal::derive(move || metric.get().map(metric_range).unwrap_or_default());
                let sel = |field: String, label: Signal<String>, options: Signal<Vec<(String, String)>>, get: fn(&RuleDraft) -> String, set: fn(&mut RuleDraft, String)| {
                    let id = field_dom_id(&path(&field));
                    let error = problem_at(problems, path(&field));
                    view! {
                        <SelectField id=id label=label options=options error=error
                            value=Signal::derive(move || draft.with(|d| d.rules.get(i).map(get).unwrap_or_default()))
                            on_change=Callback::new(move |v: String| draft.update(|d| if let Some(r) = d.rules.get_mut(i) { set(r, v) }))/>
                    }
                };
                view! {
                    <fieldset class="rule" id=format!("rule-{i}") data-rule=i class:rule-out=move || out.get()>
                        <legend>{move || draft.with(|d| d.rules.get(i).map(|r| r.name.clone()).unwrap_or_default())}</legend>
                        <div class="rule-grid">
                            {text_field(draft, problems, f("name"), Signal::derive(|| t!(scaling.rule_name)), None,
                                move |d| rule(d).map(|r| r.name), move |d, v| if let Some(r) = d.rules.get_mut(i) { r.name = v })}
                            {sel(f("adjustment_type"), Signal::derive(|| t!(scaling.rule_kind)), kind_options, |r| r.kind.clone(), |r, v| r.kind = v)}
                            {sel(f("trigger.metric_name"), Signal::derive(|| t!(scaling.metric)), metric_options, |r| r.metric.clone(), |r, v| r.metric = v)}
                            {sel(f("trigger.comparison_operator"), Signal::derive(|| t!(scaling.operator)), op_options, |r| r.operator.clone(), |r, v| r.operator = v)}
                            {text_field(draft, problems, f("trigger.metric_value"), Signal::derive(|| t!(scaling.threshold)), Some(value_hint),
                                move |d| rule(d).map(|r| r.value), move |d, v| if let Some(r) = d.rules.get_mut(i) { r.value = v })}
                            {text_field(draft, problems, f("trigger.evaluation_periods"), Signal::derive(|| t!(scaling.periods)), Some(periods_hint),
                                move |d| rule(d).map(|r| r.periods), move |d, v| if let Some(r) = d.rules.get_mut(i) { r.periods = v })}
                            {text_field(draft, problems, f("scaling_adjustment"), Signal::derive(move || if out.get() { t!(scaling.add_nodes) } else { t!(scaling.remove_nodes) }), None,
                                move |d| rule(d).map(|r| r.adjustment), move |d, v| if let Some(r) = d.rules.get_mut(i) { r.adjustment = v })}
                            {text_field(draft, problems, f("cool_down_minutes"), Signal::derive(|| t!(scaling.cool_down)), Some(Signal::derive(|| t!(scaling.cool_down_hint))),
                                move |d| rule(d).map(|r| r.cool_down), move |d, v| if let Some(r) = d.rules.get_mut(i) { r.cool_down = v })}
                        </div>
                        {text_field(draft, problems, f("description"), Signal::derive(|| t!(scaling.description)), None,
                            move |d| rule(d).map(|r| r.description), move |d, v| if let Some(r) = d.rules.get_mut(i) { r.description = v })}
                        <p class="rule-sentence" id=format!("rule-{i}-sentence")>{move || draft.with(|d| d.rules.get(i).map(rule_sentence)).unwrap_or_default()}</p>
                        <div class="row-actions">
                            <button type="button" class="btn btn-sm" disabled=move || i == 0
                                aria-label=move || t!(scaling.move_up_n, n = i + 1)
                                on:click=move |_| draft.update(|d| if i > 0 && i < d.rules.len() { d.rules.swap(i - 1, i) })>{tr!(scaling.move_up)}</button>
                            <button type="button" class="btn btn-sm" disabled=move || { i + 1 >= count.get() }
                                aria-label=move || t!(scaling.move_down_n, n = i + 1)
                                on:click=move |_| draft.update(|d| if i + 1 < d.rules.len() { d.rules.swap(i, i + 1) })>{tr!(scaling.move_down)}</button>
                            <button type="button" class="btn btn-sm btn-ghost remove-rule" aria-label=move || t!(scaling.remove_rule_n, n = i + 1)
                                on:click=move |_| draft.update(|d| { if i < d.rules.len() { d.rules.remove(i); } })>{tr!(common.remove)}</button>
                        </div>
                    </fieldset>
                }
            })
            .collect_view()
    };
    let add = move |k: &'static str| {
        move |_: leptos::ev::MouseEvent| {
            let first = metrics.with_untracked(|m| m.first().copied()).unwrap_or(Metric::YarnAppPending);
            draft.update(|d| {
                let names = d.rule_names();
                d.rules.push(RuleDraft::new(k, first.name(), &names));
            })
        }
    };
    view! {
        <section class="card policy-rules" aria-labelledby="policy-rules-title">
            <h2 id="policy-rules-title">{tr!(scaling.rules)}</h2>
            <p class="hint">{tr!(scaling.rules_hint)}</p>
            {rows}
            {move || list_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            <div class="row-actions">
                <button type="button" class="btn btn-sm" id="add-scale-out-rule" disabled=move || { n_kind("scale_out") >= MAX_RULES_PER_KIND }
                    on:click=add("scale_out")>{tr!(scaling.add_out_rule)}</button>
                <button type="button" class="btn btn-sm" id="add-scale-in-rule" disabled=move || { n_kind("scale_in") >= MAX_RULES_PER_KIND }
                    on:click=add("scale_in")>{tr!(scaling.add_in_rule)}</button>
            </div>
        </section>
    }
}

/// "When YARNAppPending ≥ 1 for 1 period (5 min): add 2 nodes, then wait 5 min." (tracked)
pub fn rule_sentence(r: &RuleDraft) -> String {
    let op = Comparison::parse(&r.operator).map(|c| c.symbol()).unwrap_or("?");
    let periods: i64 = r.periods.trim().parse().unwrap_or(0);
    if r.kind == "scale_in" {
        t!(scaling.sentence_in, metric = r.metric, op = op, value = r.value, periods = periods, minutes = periods * 5, nodes = r.adjustment, cool = r.cool_down)
    } else {
        t!(scaling.sentence_out, metric = r.metric, op = op, value = r.value, periods = periods, minutes = periods * 5, nodes = r.adjustment, cool = r.cool_down)
    }
}

#[component]
fn Scripts(draft: RwSignal<PolicyDraft>, problems: Memo<Vec<FieldError>>, groups: Signal<Vec<String>>, allowed: Signal<bool>) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| d.scripts.len()));
    let list_error = problem_at(problems, path("exec_scripts"));
    let stage_options = Signal::derive(|| SCRIPT_STAGES.iter().map(|s| (s.to_string(), stage_label(s))).collect::<Vec<_>>());
    let fail_options = Signal::derive(|| vec![("continue".to_string(), t!(scaling.fail_continue)), ("errorout".to_string(), t!(scaling.fail_errorout))]);
    let variables = SCRIPT_VARIABLES.iter().map(|v| format!("${{{v}}}")).collect::<Vec<_>>().join(" ");
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let f = move |name: &str| format!("exec_scripts[{i}].{name}");
                let script = move |d: &PolicyDraft| d.scripts.get(i).cloned();
                let nodes_error = Signal::derive(move || {
                    problems.with(|ps| ps.iter().find(|p| p.field.starts_with(&path(&format!("exec_scripts[{i}].nodes")))).map(|p| problem(&p.problem)))
                });
                let sel = |field: String, label: Signal<String>, options: Signal<Vec<(String, String)>>, get: fn(&ScriptDraft) -> String, set: fn(&mut ScriptDraft, String)| {
                    let id = field_dom_id(&path(&field));
                    let error = problem_at(problems, path(&field));
                    view! {
                        <SelectField id=id label=label options=options error=error
                            value=Signal::derive(move || draft.with(|d| d.scripts.get(i).map(get).unwrap_or_default()))
                            on_change=Callback::new(move |v: String| draft.update(|d| if let Some(s) = d.scripts.get_mut(i) { set(s, v) }))/>
                    }
                };
                let choices = Signal::derive(move || {
                    let mut c: Vec<String> = vec!["Master".into(), "Core".into(), "Task".into()];
                    c.extend(groups.get());
                    c
                });
                view! {
                    <fieldset class="script" id=format!("script-{i}")>
                        <legend>{move || t!(scaling.script_n, n = i + 1)}</legend>
                        <div class="grid-2">
                            {text_field(draft, problems, f("name"), Signal::derive(|| t!(scaling.script_name)), None,
                                move |d| script(d).map(|s| s.name), move |d, v| if let Some(s) = d.scripts.get_mut(i) { s.name = v })}
                            {text_field(draft, problems, f("uri"), Signal::derive(|| t!(scaling.script_uri)), Some(Signal::derive(|| t!(scaling.script_uri_hint))),
                                move |d| script(d).map(|s| s.uri), move |d, v| if let Some(s) = d.scripts.get_mut(i) { s.uri = v })}
                            {sel(f("action_stage"), Signal::derive(|| t!(scaling.script_stage)), stage_options, |s| s.stage.clone(), |s, v| s.stage = v)}
                            {sel(f("fail_action"), Signal::derive(|| t!(scaling.fail_action)), fail_options, |s| s.fail_action.clone(), |s, v| s.fail_action = v)}
                        </div>
                        {text_field(draft, problems, f("parameters"), Signal::derive(|| t!(scaling.script_parameters)),
                            Some(Signal::derive({ let v = variables.clone(); move || t!(scaling.script_parameters_hint, variables = v.clone()) })),
                            move |d| script(d).map(|s| s.parameters), move |d, v| if let Some(s) = d.scripts.get_mut(i) { s.parameters = v })}
                        <div class="script-nodes" role="group" aria-label=tr!(scaling.script_nodes)>
                            <span class="label">{tr!(scaling.script_nodes)}</span>
                            {move || choices.get().into_iter().map(|g| {
                                let (g1, g2) = (g.clone(), g.clone());
                                view! {
                                    <label class="check">
                                        <input type="checkbox" prop:checked=move || draft.with(|d| d.scripts.get(i).is_some_and(|s| s.nodes.contains(&g1)))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let g = g2.clone();
                                                draft.update(|d| if let Some(s) = d.scripts.get_mut(i) {
                                                    s.nodes.retain(|x| x != &g);
                                                    if on { s.nodes.push(g); }
                                                });
                                            }/>
                                        <code>{g}</code>
                                    </label>
                                }
                            }).collect_view()}
                            {move || nodes_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || draft.with(|d| d.scripts.get(i).is_some_and(|s| s.active_master))
                                on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| if let Some(s) = d.scripts.get_mut(i) { s.active_master = on }); }/>
                            {tr!(scaling.active_master)}
                        </label>
                        <button type="button" class="btn btn-sm btn-ghost" aria-label=move || t!(scaling.remove_script, n = i + 1)
                            on:click=move |_| draft.update(|d| { if i < d.scripts.len() { d.scripts.remove(i); } })>{tr!(common.remove)}</button>
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card policy-scripts" aria-labelledby="policy-scripts-title">
            <h2 id="policy-scripts-title">{tr!(scaling.scripts)}</h2>
            <p class="hint">{move || if allowed.get() { t!(scaling.scripts_hint) } else { t!(scaling.scripts_not_here) }}</p>
            {rows}
            {move || list_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            <button type="button" class="btn btn-sm" id="add-script" disabled=move || { !allowed.get() || count.get() >= MAX_SCRIPTS }
                on:click=move |_| draft.update(|d| d.scripts.push(ScriptDraft::default()))>{tr!(scaling.add_script)}</button>
        </section>
    }
}

#[component]
fn PolicyTags(draft: RwSignal<PolicyDraft>, problems: Memo<Vec<FieldError>>, allowed: Signal<bool>) -> impl IntoView {
    let tags = Signal::derive(move || draft.with(|d| d.tags.clone()));
    let set_tags = Callback::new(move |t: Vec<lakedeck_api::mrs::Tag>| draft.update(|d| d.tags = t));
    let errors = Signal::derive(move || {
        let ps: Vec<FieldError> = problems.with(|ps| ps.iter().filter(|p| p.field.starts_with(&path("tags"))).cloned().collect());
        tag_row_errors(&ps)
    });
    view! {
        <section class="card policy-tags" aria-labelledby="policy-tags-title">
            <h2 id="policy-tags-title">{tr!(scaling.node_tags)}</h2>
            <p class="hint">{move || if allowed.get() { t!(scaling.node_tags_hint) } else { t!(scaling.node_tags_not_with_scripts) }}</p>
            <When when=move || allowed.get() || tags.with(|t| !t.is_empty())>
                <TagRows id="policy-tags" tags=tags set_tags=set_tags errors=errors max=lakedeck_api::mrs_scaling::MAX_POLICY_TAGS/>
            </When>
        </section>
    }
}
