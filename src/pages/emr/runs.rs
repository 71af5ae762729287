//! `/emr/runs`: EMR Serverless Spark job runs of a workspace. Every ListJobRuns filter is a control
//! and lives in the URL; pages follow `nextToken` forward and the remembered tokens back; chips
//! show the runs per state (`groupByState`) and filter by state; the list refreshes itself while a
//! run on the page is still going; Cancel asks first and shows what the service answered.

use std::time::Duration;

use lakedeck_api::emr::{is_final_state, JobRunSummary, ListJobRunsResponse, Queue, Workspace, STATES};
use lakedeck_api::emr_view::{parse_queue_resource, problem_for, state_totals, FieldProblem, RunFilters, TokenTrail};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{local_ms, run_href, run_state_label, RunStateChip, TagChips};
use crate::api::emr::{cancel_job_run, list_job_runs, list_queues, list_workspaces};
use crate::api::ApiError;
use crate::app::href;
use crate::components::{Column, DataTable, Dialog, ErrorPanel, Pager, ProgressBar, ShortId, Spinner, Timestamp, When};
use crate::i18n::{format, problem};
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_adaptive_polling, use_session, RefreshBus};
use crate::{t, tr};

const TRAIL_KEY: &str = "lakedeck.emr.trail";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The token trail of the last list paged in this tab (kept across reloads, gone with the tab).
fn stored_trail() -> TokenTrail {
    session_storage().and_then(|s| s.get_item(TRAIL_KEY).ok().flatten()).map(|t| TokenTrail::from_text(&t)).unwrap_or_default()
}

fn store_trail(t: &TokenTrail) {
    if let Some(s) = session_storage() {
        let _ = s.set_item(TRAIL_KEY, &t.to_text());
    }
}

/// One page as loaded: the filters it was loaded with, and the answer.
pub type RunsPage = Option<(RunFilters, ListJobRunsResponse)>;

/// How long a run has taken so far: from submission to its end, or to now while it goes.
pub fn run_duration_ms(r: &JobRunSummary, now_ms: i64) -> Option<i64> {
    if r.submit_time <= 0 {
        return None;
    }
    let end = if r.end_time > 0 { r.end_time } else if is_final_state(&r.state) { return None } else { now_ms };
    Some((end - r.submit_time).max(0))
}

/// `(value, label)` options of the workspace picker.
fn workspace_options(list: &[Workspace]) -> Vec<(String, String)> {
    list.iter().map(|w| (w.workspace_id.clone(), format!("{} ({})", w.workspace_name, w.workspace_id))).collect()
}

/// A queue's label with what it holds now: `dev_queue — 2 of 4 cores in use`.
pub fn queue_label(q: &Queue) -> String {
    match (parse_queue_resource(&q.max_resource), parse_queue_resource(&q.used_resource)) {
        (Some((max, _)), Some((used, _))) => {
            t!(emr_runs.queue_usage, queue = q.queue_name, used = format::number(used), max = format::number(max))
        }
        _ => q.queue_name.clone(),
    }
}

#[component]
pub fn JobRuns() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|m| RunFilters::from_query(|k| m.get(k))));
    let navigate = use_navigate();
    let go = Callback::new(move |f: RunFilters| navigate(&format!("/emr/runs{}", crate::api::query_string(&f.to_query())), Default::default()));

    let workspaces = LocalResource::new(move || {
        let client = session.client();
        async move { list_workspaces(&client).await }
    });
    // No workspace in the address: the first one.
    {
        let navigate = use_navigate();
        run_effect(move || {
            if !filters.with(|f| f.workspace.is_empty()) {
                return;
            }
            if let Some(Ok(list)) = workspaces.get() {
                if let Some(w) = list.first() {
                    let f = RunFilters { workspace: w.workspace_id.clone(), ..filters.get_untracked() };
                    let url = format!("/emr/runs{}", crate::api::query_string(&f.to_query()));
                    navigate(&url, leptos_router::NavigateOptions { replace: true, ..Default::default() });
                }
            }
        });
    }
    let workspace = Memo::new(move |_| filters.with(|f| f.workspace.clone()));
    let queues = LocalResource::new(move || {
        let (client, ws) = (session.client(), workspace.get());
        async move { if ws.is_empty() { Ok(Vec::new()) } else { list_queues(&client, &ws).await } }
    });

    let problems = Memo::new(move |_| filters.with(|f| f.problems(&local_ms)));
    let running = RwSignal::new(false);
    let tick = use_adaptive_polling(Duration::from_secs(3), running);
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let f = filters.get();
        let client = session.client();
        async move {
            if f.workspace.is_empty() {
                return Ok(None);
            }
            let Ok(q) = f.api_query(&local_ms) else { return Ok(None) };
            list_job_runs(&client, &f.workspace, &q).await.map(|r| Some((f, r)))
        }
    });
    let trail = StoredValue::new(stored_trail());
    // Each page loaded tells the token of the next one.
    run_effect(move || {
        data.with(|d| {
            if let Some(Ok(Some((f, r)))) = d {
                let mut t = trail.get_value().for_key(&f.selection_key());
                t.record(f.page, &f.token, &r.next_token);
                store_trail(&t);
                trail.set_value(t);
            }
        })
    });
    let busy = RwSignal::new(false);
    let submit_href = move || href(&format!("/emr/runs/submit{}", crate::api::query_string(&[("ws", workspace.get())])));

    view! {
        <section class="page" aria-labelledby="runs-title" id="runs-view">
            <header class="page-head">
                <h1 id="runs-title">{tr!(emr_runs.title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" id="refresh-runs" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>
                        {tr!(common.refresh)}
                    </button>
                    <a id="submit-run" class="btn btn-primary" href=submit_href>{tr!(emr_runs.submit)}</a>
                </div>
            </header>
            {move || workspaces.get().and_then(Result::err).map(|e| view! {
                <ErrorPanel error=e title=tr!(emr_runs.workspaces_failed) on_retry=Callback::new(move |_| workspaces.refetch())/>
            })}
            <RunFiltersBar
                filters=filters
                problems=problems
                workspaces=Signal::derive(move || workspaces.get().and_then(Result::ok).map(|l| workspace_options(&l)).unwrap_or_default())
                queues=Signal::derive(move || queues.get().and_then(Result::ok).unwrap_or_default())
                on_change=go
            />
            <ProgressBar busy=busy label=tr!(emr_runs.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(emr_runs.loading)/> } set_pending=busy.write_only()>
                <RunRows data=data filters=filters problems=problems trail=trail go=go running=running busy=busy/>
            </Transition>
        </section>
    }
}

/// The filter controls. Selects, times and state chips apply at once; text filters on Enter or
/// when the field is left. A filter that cannot be sent shows why next to it.
#[component]
pub fn RunFiltersBar(
    #[prop(into)] filters: Signal<RunFilters>,
    #[prop(into)] problems: Signal<Vec<FieldProblem>>,
    #[prop(into)] workspaces: Signal<Vec<(String, String)>>,
    #[prop(into)] queues: Signal<Vec<Queue>>,
    on_change: Callback<RunFilters>,
) -> impl IntoView {
    // What is typed but not applied yet.
    let draft = RwSignal::new(filters.get_untracked());
    run_effect(move || draft.set(filters.get()));
    let apply = move || {
        let d = draft.get_untracked();
        if d.selection_key() != filters.with_untracked(|f| f.selection_key()) {
            on_change.run(d.first_page());
        }
    };
    let set_now = move |f: &dyn Fn(&mut RunFilters)| {
        let mut d = draft.get_untracked();
        f(&mut d);
        draft.set(d.clone());
        on_change.run(d.first_page());
    };
    let err = move |field: &'static str| Signal::derive(move || problems.with(|p| problem_for(p, field).map(problem)));
    let text_filter = move |id: &'static str, field: &'static str, label: fn() -> String, placeholder: fn() -> String, get: fn(&RunFilters) -> String, put: fn(&mut RunFilters, String)| {
        let error = err(field);
        let error_id = format!("{id}-error");
        view! {
            <div class="filter" class:invalid=move || error.with(Option::is_some)>
                <label for=id>{label}</label>
                <input id=id type="search" class="input" placeholder=placeholder
                    aria-invalid=move || error.with(Option::is_some).to_string() aria-describedby=error_id.clone()
                    prop:value=move || draft.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| put(d, v)); }
                    on:change=move |_| apply()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); apply(); }/>
                {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone() data-field=field>{m}</p> })}
            </div>
        }
    };
    let time_filter = move |id: &'static str, field: &'static str, label: fn() -> String, get: fn(&RunFilters) -> String, put: fn(&mut RunFilters, String)| {
        let error = err(field);
        let error_id = format!("{id}-error");
        view! {
            <div class="filter" class:invalid=move || error.with(Option::is_some)>
                <label for=id>{label}</label>
                <input id=id type="datetime-local" class="input" aria-describedby=format!("runs-zone-hint {error_id}")
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    prop:value=move || draft.with(get)
                    on:change=move |ev| { let v = event_target_value(&ev); set_now(&|d| put(d, v.clone())); }/>
                {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone() data-field=field>{m}</p> })}
            </div>
        }
    };
    let advanced_set = move || {
        filters.with(|f| [&f.creator, &f.ended_from, &f.ended_to, &f.deployment, &f.runtime, &f.app_conf].iter().any(|v| !v.is_empty()))
    };
    view! {
        <div class="filters" role="search" id="run-filters">
            <div class="filter">
                <label for="run-workspace">{tr!(emr_runs.workspace)}</label>
                <select id="run-workspace" class="input" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    // Another workspace: its own queues, so the queue filter goes.
                    set_now(&|d| { d.workspace = v.clone(); d.queue.clear(); });
                }>
                    {move || workspaces.get().into_iter().map(|(id, label)| {
                        let sel = id.clone();
                        view! { <option value=id selected=move || filters.with(|f| f.workspace == sel)>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for="run-queue">{tr!(emr_runs.queue)}</label>
                <select id="run-queue" class="input" on:change=move |ev| { let v = event_target_value(&ev); set_now(&|d| d.queue = v.clone()); }>
                    <option value="" selected=move || filters.with(|f| f.queue.is_empty())>{tr!(emr_runs.all_queues)}</option>
                    {move || queues.get().into_iter().map(|q| {
                        let sel = q.queue_name.clone();
                        view! { <option value=q.queue_name.clone() selected=move || filters.with(|f| f.queue == sel)>{queue_label(&q)}</option> }
                    }).collect_view()}
                </select>
            </div>
            {text_filter("run-name-filter", "name", || t!(emr_runs.name), || t!(emr_runs.name_placeholder), |f| f.name.clone(), |f, v| f.name = v)}
            {text_filter("run-id-filter", "id", || t!(emr_runs.run_id), || t!(emr_runs.run_id_placeholder), |f| f.run_id.clone(), |f, v| f.run_id = v)}
            {text_filter("run-tags-filter", "tags", || t!(emr_runs.tags), || t!(emr_runs.tags_placeholder), |f| f.tags.clone(), |f, v| f.tags = v)}
            {time_filter("run-from", "from", || t!(emr_runs.submitted_from), |f| f.submitted_from.clone(), |f, v| f.submitted_from = v)}
            {time_filter("run-to", "to", || t!(emr_runs.submitted_to), |f| f.submitted_to.clone(), |f, v| f.submitted_to = v)}
            {text_filter("run-min-duration", "min", || t!(emr_runs.min_duration), || t!(emr_runs.min_duration_placeholder), |f| f.min_duration.clone(), |f, v| f.min_duration = v)}
            <div class="filter">
                <label for="run-workflow">{tr!(emr_runs.workflow)}</label>
                <select id="run-workflow" class="input" on:change=move |ev| { let v = event_target_value(&ev); set_now(&|d| d.workflow = v.clone()); }>
                    <option value="" selected=move || filters.with(|f| f.workflow.is_empty())>{tr!(emr_runs.workflow_any)}</option>
                    <option value="true" selected=move || filters.with(|f| f.workflow == "true")>{tr!(emr_runs.workflow_yes)}</option>
                    <option value="false" selected=move || filters.with(|f| f.workflow == "false")>{tr!(emr_runs.workflow_no)}</option>
                </select>
            </div>
            <details class="more-filters" id="run-more-filters" open=advanced_set>
                <summary>{tr!(emr_runs.more_filters)}</summary>
                <div class="filters">
                    {text_filter("run-creator", "creator", || t!(emr_runs.creator), || t!(emr_runs.creator_placeholder), |f| f.creator.clone(), |f, v| f.creator = v)}
                    {time_filter("run-ended-from", "ended_from", || t!(emr_runs.ended_from), |f| f.ended_from.clone(), |f, v| f.ended_from = v)}
                    {time_filter("run-ended-to", "ended_to", || t!(emr_runs.ended_to), |f| f.ended_to.clone(), |f, v| f.ended_to = v)}
                    {text_filter("run-deployment", "deployment", || t!(emr_runs.deployment), || t!(emr_runs.deployment_placeholder), |f| f.deployment.clone(), |f, v| f.deployment = v)}
                    {text_filter("run-runtime", "runtime", || t!(emr_runs.runtime), || t!(emr_runs.runtime_placeholder), |f| f.runtime.clone(), |f, v| f.runtime = v)}
                    {text_filter("run-app-conf", "conf", || t!(emr_runs.app_conf), || t!(emr_runs.app_conf_placeholder), |f| f.app_conf.clone(), |f, v| f.app_conf = v)}
                </div>
            </details>
            <span id="runs-zone-hint" class="hint">{move || t!(emr_runs.zone_hint, zone = format::zone())}</span>
            <When when=move || filters.with(RunFilters::has_filters)>
                <button type="button" class="btn btn-ghost" id="clear-run-filters"
                    on:click=move |_| { let c = filters.get_untracked().cleared(); draft.set(c.clone()); on_change.run(c); }>
                    {tr!(common.clear_filters)}
                </button>
            </When>
        </div>
    }
}

/// Chips with the runs per state under the other filters; a chip toggles its state in the filter.
#[component]
pub fn StateTotals(
    #[prop(into)] totals: Signal<Vec<(&'static str, i64)>>,
    #[prop(into)] filters: Signal<RunFilters>,
    on_change: Callback<RunFilters>,
) -> impl IntoView {
    let toggle = move |state: &'static str| {
        let mut f = filters.get_untracked().first_page();
        if let Some(i) = f.states.iter().position(|s| *s == state) {
            f.states.remove(i);
        } else {
            f.states.push(state);
            // Keep the API's order, so the address does not depend on the order of clicks.
            f.states.sort_by_key(|s| STATES.iter().position(|k| k == s));
        }
        on_change.run(f);
    };
    view! {
        <div class="state-totals" id="run-state-chips" role="group" aria-label=tr!(emr_runs.states)>
            {STATES.iter().map(|&state| {
                let count = move || totals.with(|t| t.iter().find(|(s, _)| *s == state).map(|(_, n)| *n).unwrap_or(0));
                let pressed = move || filters.with(|f| f.states.contains(&state));
                view! {
                    <button type="button" class=move || format!("state-toggle tone-{}", super::run_tone(state))
                        class:active=pressed data-state=state aria-pressed=move || pressed().to_string()
                        on:click=move |_| toggle(state)>
                        <span class="dot" aria-hidden="true"></span>
                        <span class="state-label">{move || run_state_label(state)}</span>
                        <span class="count">{move || format::count(count())}</span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn RunRows(
    data: LocalResource<Result<RunsPage, ApiError>>,
    filters: Memo<RunFilters>,
    problems: Memo<Vec<FieldProblem>>,
    trail: StoredValue<TokenTrail>,
    go: Callback<RunFilters>,
    running: RwSignal<bool>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = super::write_block();
    let answer = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Some((_, r)))) => Some(r.clone()),
        _ => None,
    }));
    let rows = Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.job_runs.clone()).unwrap_or_default()));
    let total = Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.total_count).unwrap_or(0)));
    let totals = Memo::new(move |_| answer.with(|a| state_totals(a.as_ref().and_then(|a| a.aggregations.as_ref()))));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    run_effect(move || running.set(rows.with(|r| r.iter().any(|j| !is_final_state(&j.state)))));
    let now = RwSignal::new(js_sys::Date::now() as i64);
    run_effect(move || {
        rows.track();
        now.set(js_sys::Date::now() as i64);
    });

    // Cancel: the run picked, then the service's answer.
    let cancel_target = RwSignal::new(None::<JobRunSummary>);
    let outcome = RwSignal::new(None::<Result<(String, String), ApiError>>);
    let cancel = Action::new_local(move |run: &JobRunSummary| {
        let (client, run) = (session.client(), run.clone());
        async move { cancel_job_run(&client, &run.workspace_id, &run.job_run_id).await.map(|r| (run.name, r.request_id)) }
    });
    run_effect(move || {
        if let Some(r) = cancel.value().get() {
            cancel_target.set(None);
            outcome.set(Some(r));
            refresh.bump();
        }
    });

    let columns = vec![
        Column::new(|| t!(emr_runs.col_name), |r: &JobRunSummary| {
            view! { <a class="run-name" title=r.name.clone() href=run_href(&r.workspace_id, &r.job_run_id)>{r.name.clone()}</a> }
        }),
        Column::new(|| t!(emr_runs.col_id), |r: &JobRunSummary| {
            view! {
                <ShortId id=r.job_run_id.clone() label=tr!(emr_runs.run_id)/>
            }
        }),
        Column::new(|| t!(emr_runs.col_state), |r: &JobRunSummary| view! { <RunStateChip state=r.state.clone()/> }),
        Column::text(|| t!(emr_runs.col_type), |r: &JobRunSummary| r.code_type.clone()),
        Column::text(|| t!(emr_runs.col_queue), |r: &JobRunSummary| r.resource_queue_id.clone()),
        Column::new(|| t!(emr_runs.col_submitted), |r: &JobRunSummary| view! { <Timestamp epoch=r.submit_time.to_string()/> }),
        Column::new(|| t!(emr_runs.col_duration), move |r: &JobRunSummary| {
            let r = r.clone();
            move || run_duration_ms(&r, now.get()).map(format::duration_ms).unwrap_or_else(|| "—".into())
        })
        .class("num"),
        Column::new(|| t!(emr_runs.col_cu_hours), |r: &JobRunSummary| {
            let (cu, vcore, mb) = (r.cu_hours, r.vcore_seconds, r.mb_seconds);
            view! {
                <span class="cu-hours" title=move || t!(emr_runs.cu_title, vcore = format::count(vcore), mb = format::count(mb))>
                    {move || format::number(cu)}
                </span>
            }
        })
        .class("num"),
        Column::new(|| t!(emr_runs.col_tags), |r: &JobRunSummary| {
            let tags: Vec<(String, String)> = r.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
            view! { <TagChips tags=tags/> }
        }),
        Column::new(String::new, move |r: &JobRunSummary| {
            let run = r.clone();
            (!is_final_state(&r.state) && r.state != "Cancelling").then(|| view! {
                <button type="button" class="btn btn-sm btn-danger cancel-run" disabled=move || ro.with(Option::is_some) title=move || ro.get() on:click=move |_| {
                    outcome.set(None);
                    cancel_target.set(Some(run.clone()));
                }>{tr!(emr_runs.cancel)}</button>
            })
        })
        .class("col-actions"),
    ];
    let columns = StoredValue::new(columns);
    let on_page = Callback::new(move |n: u32| {
        let f = filters.get_untracked();
        let t = trail.get_value().for_key(&f.selection_key());
        let target = if n > f.page {
            t.next(f.page).map(|tok| RunFilters { page: f.page + 1, token: tok.to_string(), ..f.clone() })
        } else {
            // Back: the remembered token, or the first page when a link led past the pages before.
            Some(match t.previous(f.page) {
                Some(tok) if n > 1 => RunFilters { page: n, token: tok.to_string(), ..f.clone() },
                _ => f.first_page(),
            })
        };
        if let Some(target) = target {
            go.run(target);
        }
    });
    let cancel_name = move || cancel_target.with(|t| t.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(emr_runs.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || problems.with(|p| !p.is_empty())>
            <p class="notice" role="status" id="runs-filter-problem">{tr!(emr_runs.fix_filters)}</p>
        </When>
        {move || outcome.get().map(|r| match r {
            Ok((name, request_id)) => view! {
                <p class="notice notice-ok" role="status" id="runs-outcome">{move || t!(emr_runs.cancel_accepted, name = name, request = request_id)}</p>
            }.into_any(),
            Err(e) => view! { <ErrorPanel error=e title=tr!(emr_runs.cancel_refused)/> }.into_any(),
        })}
        <When when=move || answer.with(Option::is_some)>
            <StateTotals totals=totals filters=filters on_change=go/>
            <DataTable
                rows=rows
                columns=columns.get_value()
                row_key=|r: &JobRunSummary| r.job_run_id.clone()
                key_attr="data-run-id"
                caption=tr!(emr_runs.title)
                empty=Signal::derive(move || {
                    if filters.with(RunFilters::has_filters) { t!(emr_runs.empty_filtered) } else { t!(emr_runs.empty) }
                })
                busy=busy
            />
            <div class="table-foot">
                <p class="hint">{tr!(emr_runs.order_hint)}</p>
                <Pager
                    id="runs-pager"
                    label=tr!(emr_runs.pages)
                    page=Signal::derive(move || filters.with(|f| f.page))
                    page_size=Signal::derive(move || filters.with(|f| f.size as u32))
                    total=total
                    on_page=on_page
                    on_size=Callback::new(move |n: u32| go.run(RunFilters { size: n as i64, ..filters.get_untracked().first_page() }))
                />
            </div>
        </When>
        <Dialog open=Signal::derive(move || cancel_target.with(Option::is_some)) on_close=Callback::new(move |_| cancel_target.set(None))
            title=tr!(emr_runs.cancel_title) id="cancel-run-dialog" initial_focus="#cancel-run-keep">
            <p>{move || t!(emr_runs.cancel_text, name = cancel_name())}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="cancel-run-keep" on:click=move |_| cancel_target.set(None)>{tr!(emr_runs.keep_running)}</button>
                <button type="button" class="btn btn-danger" id="cancel-run-confirm" disabled=move || cancel.pending().get()
                    on:click=move |_| if let Some(r) = cancel_target.get_untracked() { cancel.dispatch(r); }>
                    {move || if cancel.pending().get() { t!(emr_runs.cancelling) } else { t!(emr_runs.cancel_run) }}
                </button>
            </div>
        </Dialog>
    }
}
