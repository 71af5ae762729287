//! `/emr/flows/:project/instances`: the instance history of a project's flow jobs
//! (ListFlowJobHistory) — job, instance, type, statuses and submit-time window, paged, all in the
//! URL — refreshed while an instance is going, with Kill for the ones still running.

use std::time::Duration;

use lakedeck_api::emr_flow::{is_final_status, ListFlowJobHistoryResponse, NodeInstanceSummary, JOB_TYPES, STATUSES};
use lakedeck_api::emr_view::{problem_for, FieldProblem, HistoryFilters};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{flow_job_href, flow_status_label, flows_href, instance_href, local_ms, FlowStatusChip};
use crate::api::emr::{history, kill_instance};
use crate::api::{query_string, ApiError};
use crate::components::{Column, CopyButton, DataTable, Dialog, ErrorPanel, Pager, ProgressBar, Spinner, Timestamp, When};
use crate::i18n::{format, problem};
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_adaptive_polling, use_session, RefreshBus};
use crate::{t, tr};

/// How long an instance has run: from its start to its end, or to now while it runs.
pub fn instance_duration_ms(i: &NodeInstanceSummary, now_ms: i64) -> Option<i64> {
    if i.start_time <= 0 {
        return None;
    }
    let end = if i.end_time > 0 { i.end_time } else if is_final_status(&i.status) { return None } else { now_ms };
    Some((end - i.start_time).max(0))
}

#[component]
pub fn FlowInstances() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let query = use_query_map();
    let project = Memo::new(move |_| params.with(|p| p.get("project").unwrap_or_default()));
    let filters = Memo::new(move |_| {
        let project = project.get();
        query.with(|m| HistoryFilters { project, ..HistoryFilters::from_query(|k| m.get(k)) })
    });
    let navigate = use_navigate();
    let go = Callback::new(move |f: HistoryFilters| {
        let q: Vec<(&str, String)> = f.to_query().into_iter().filter(|(k, _)| *k != "project").collect();
        navigate(&format!("/emr/flows/{}/instances{}", crate::api::encode_component(&f.project), query_string(&q)), Default::default());
    });
    let problems = Memo::new(move |_| filters.with(|f| f.api_params(&local_ms).err().unwrap_or_default()));
    let running = RwSignal::new(false);
    let tick = use_adaptive_polling(Duration::from_secs(2), running);
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let (client, f) = (session.client(), filters.get());
        async move {
            match f.api_params(&local_ms) {
                Ok(p) if !f.project.is_empty() => history(&client, &p).await.map(Some),
                _ => Ok(None),
            }
        }
    });
    let busy = RwSignal::new(false);
    view! {
        <section class="page" aria-labelledby="instances-title" id="instances-view">
            <p class="breadcrumbs"><a href=move || flows_href(&[("project", project.get())])>{tr!(emr_job.back)}</a></p>
            <header class="page-head">
                <h1 id="instances-title">{move || t!(emr_inst.title, project = project.get())}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" id="refresh-instances" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <HistoryFilterBar filters=filters problems=problems on_change=go/>
            <ProgressBar busy=busy label=tr!(emr_inst.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(emr_inst.loading)/> } set_pending=busy.write_only()>
                <InstanceRows data=data filters=filters go=go running=running busy=busy/>
            </Transition>
        </section>
    }
}

/// Filters of the history: ids on Enter or leaving the field, the rest at once.
#[component]
pub fn HistoryFilterBar(
    #[prop(into)] filters: Signal<HistoryFilters>,
    #[prop(into)] problems: Signal<Vec<FieldProblem>>,
    on_change: Callback<HistoryFilters>,
) -> impl IntoView {
    let draft = RwSignal::new(filters.get_untracked());
    run_effect(move || draft.set(filters.get()));
    let apply = move || {
        let d = draft.get_untracked();
        if d != filters.get_untracked() {
            on_change.run(HistoryFilters { page: 1, ..d });
        }
    };
    let set_now = move |f: &dyn Fn(&mut HistoryFilters)| {
        let mut d = draft.get_untracked();
        f(&mut d);
        d.page = 1;
        draft.set(d.clone());
        on_change.run(d);
    };
    let err = move |field: &'static str| Signal::derive(move || problems.with(|p| problem_for(p, field).map(problem)));
    let id_filter = move |id: &'static str, label: fn() -> String, get: fn(&HistoryFilters) -> String, put: fn(&mut HistoryFilters, String)| {
        view! {
            <div class="filter">
                <label for=id>{label}</label>
                <input id=id type="search" class="input" prop:value=move || draft.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| put(d, v)); }
                    on:change=move |_| apply()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); apply(); }/>
            </div>
        }
    };
    let time_filter = move |id: &'static str, field: &'static str, label: fn() -> String, get: fn(&HistoryFilters) -> String, put: fn(&mut HistoryFilters, String)| {
        let error = err(field);
        let error_id = format!("{id}-error");
        view! {
            <div class="filter" class:invalid=move || error.with(Option::is_some)>
                <label for=id>{label}</label>
                <input id=id type="datetime-local" class="input" aria-describedby=format!("instances-zone-hint {error_id}")
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    prop:value=move || draft.with(get)
                    on:change=move |ev| { let v = event_target_value(&ev); set_now(&|d| put(d, v.clone())); }/>
                {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone() data-field=field>{m}</p> })}
            </div>
        }
    };
    view! {
        <div class="filters" role="search" id="instance-filters">
            {id_filter("instance-job-filter", || t!(emr_flows.col_id), |f| f.job.clone(), |f, v| f.job = v)}
            {id_filter("instance-id-filter", || t!(emr_inst.instance_id), |f| f.instance.clone(), |f, v| f.instance = v)}
            <div class="filter">
                <label for="instance-type-filter">{tr!(emr_runs.col_type)}</label>
                <select id="instance-type-filter" class="input" on:change=move |ev| { let v = event_target_value(&ev); set_now(&|d| d.kind = v.clone()); }>
                    <option value="" selected=move || filters.with(|f| f.kind.is_empty())>{tr!(emr_flows.all_types)}</option>
                    {JOB_TYPES.iter().map(|&k| view! { <option value=k selected=move || filters.with(|f| f.kind == k)>{k}</option> }).collect_view()}
                </select>
            </div>
            {time_filter("instance-from", "from", || t!(emr_runs.submitted_from), |f| f.from.clone(), |f, v| f.from = v)}
            {time_filter("instance-to", "to", || t!(emr_runs.submitted_to), |f| f.to.clone(), |f, v| f.to = v)}
            <div class="state-totals" id="instance-status-filter" role="group" aria-label=tr!(emr_inst.statuses)>
                {STATUSES.iter().map(|&status| {
                    let pressed = move || filters.with(|f| f.statuses.contains(&status));
                    view! {
                        <button type="button" class="state-toggle" class:active=pressed data-state=status aria-pressed=move || pressed().to_string()
                            on:click=move |_| set_now(&|d| {
                                if let Some(i) = d.statuses.iter().position(|s| *s == status) {
                                    d.statuses.remove(i);
                                } else {
                                    d.statuses.push(status);
                                    d.statuses.sort_by_key(|s| STATUSES.iter().position(|k| k == s));
                                }
                            })>
                            <span class="state-label">{move || flow_status_label(status)}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
            <span id="instances-zone-hint" class="hint">{move || t!(emr_runs.zone_hint, zone = format::zone())}</span>
            <When when=move || filters.with(HistoryFilters::has_filters)>
                <button type="button" class="btn btn-ghost" id="clear-instance-filters" on:click=move |_| {
                    let f = filters.get_untracked();
                    on_change.run(HistoryFilters { project: f.project, size: f.size, ..HistoryFilters::from_query(|_| None) });
                }>{tr!(common.clear_filters)}</button>
            </When>
        </div>
    }
}

#[component]
fn InstanceRows(
    data: LocalResource<Result<Option<ListFlowJobHistoryResponse>, ApiError>>,
    filters: Memo<HistoryFilters>,
    go: Callback<HistoryFilters>,
    running: RwSignal<bool>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let ro = super::write_block();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let answer = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned()).flatten()));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let rows = Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.node_instances.node_instance.clone()).unwrap_or_default()));
    run_effect(move || running.set(rows.with(|r| r.iter().any(|i| !is_final_status(&i.status)))));
    let now = RwSignal::new(js_sys::Date::now() as i64);
    run_effect(move || {
        rows.track();
        now.set(js_sys::Date::now() as i64);
    });
    let project = Memo::new(move |_| filters.with(|f| f.project.clone()));

    let kill_target = RwSignal::new(None::<NodeInstanceSummary>);
    let outcome = RwSignal::new(None::<Result<(String, String), ApiError>>);
    let kill = Action::new_local(move |i: &NodeInstanceSummary| {
        let (client, i, p) = (session.client(), i.clone(), project.get_untracked());
        async move { kill_instance(&client, &p, &i.id).await.map(|r| (i.id, r.request_id)) }
    });
    run_effect(move || {
        if let Some(r) = kill.value().get() {
            kill_target.set(None);
            outcome.set(Some(r));
            refresh.bump();
        }
    });
    let columns = vec![
        Column::new(|| t!(emr_inst.instance_id), move |i: &NodeInstanceSummary| view! {
            <span class="id-cell">
                <a class="mono instance-link" href=instance_href(&project.get_untracked(), &i.id)>{i.id.clone()}</a>
                <CopyButton text=i.id.clone() label=tr!(emr_inst.instance_id)/>
            </span>
        }),
        Column::new(|| t!(emr_inst.job), move |i: &NodeInstanceSummary| view! {
            <a href=flow_job_href(&project.get_untracked(), &i.job_id) title=i.job_id.clone()>{i.job_name.clone()}</a>
        }),
        Column::text(|| t!(emr_runs.col_type), |i: &NodeInstanceSummary| i.job_type.clone()),
        Column::new(|| t!(emr_runs.col_state), |i: &NodeInstanceSummary| view! { <FlowStatusChip status=i.status.clone() pending=i.pending/> }),
        Column::text(|| t!(emr_inst.cluster), |i: &NodeInstanceSummary| i.cluster_id.clone()),
        Column::new(|| t!(emr_inst.started), |i: &NodeInstanceSummary| view! { <Timestamp epoch=i.start_time.to_string()/> }),
        Column::new(|| t!(emr_runs.col_duration), move |i: &NodeInstanceSummary| {
            let i = i.clone();
            move || instance_duration_ms(&i, now.get()).map(format::duration_ms).unwrap_or_else(|| "—".into())
        })
        .class("num"),
        Column::new(|| t!(emr_inst.retries), |i: &NodeInstanceSummary| {
            let (n, max) = (i.retries, i.max_retry);
            move || t!(emr_inst.retries_of, n = n, max = max)
        })
        .class("num"),
        Column::new(String::new, move |i: &NodeInstanceSummary| {
            let inst = i.clone();
            (!is_final_status(&i.status)).then(|| view! {
                <button type="button" class="btn btn-sm btn-danger kill-instance" disabled=move || ro.with(Option::is_some) title=move || ro.get() on:click=move |_| {
                    outcome.set(None);
                    kill_target.set(Some(inst.clone()));
                }>{tr!(emr_inst.kill)}</button>
            })
        })
        .class("col-actions"),
    ];
    let columns = StoredValue::new(columns);
    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(emr_inst.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        {move || outcome.get().map(|r| match r {
            Ok((id, request)) => view! {
                <p class="notice notice-ok" role="status" id="instances-outcome">{move || t!(emr_inst.kill_accepted, id = id, request = request)}</p>
            }.into_any(),
            Err(e) => view! { <ErrorPanel error=e title=tr!(emr_inst.kill_refused)/> }.into_any(),
        })}
        <When when=move || answer.with(Option::is_some)>
            <DataTable
                rows=rows
                columns=columns.get_value()
                row_key=|i: &NodeInstanceSummary| i.id.clone()
                key_attr="data-instance-id"
                caption=tr!(emr_inst.caption)
                empty=Signal::derive(move || if filters.with(HistoryFilters::has_filters) { t!(emr_inst.empty_filtered) } else { t!(emr_inst.empty) })
                busy=busy
            />
            <div class="table-foot">
                <p class="hint">{tr!(emr_runs.order_hint)}</p>
                <Pager
                    id="instances-pager"
                    label=tr!(emr_inst.pages)
                    page=Signal::derive(move || filters.with(|f| f.page as u32))
                    page_size=Signal::derive(move || filters.with(|f| f.size as u32))
                    total=Signal::derive(move || answer.with(|a| a.as_ref().map(|a| a.total).unwrap_or(0)))
                    on_page=Callback::new(move |n: u32| go.run(HistoryFilters { page: n as i64, ..filters.get_untracked() }))
                    on_size=Callback::new(move |n: u32| go.run(HistoryFilters { size: n as i64, page: 1, ..filters.get_untracked() }))
                />
            </div>
        </When>
        <KillDialog target=kill_target pending=Signal::derive(move || kill.pending().get())
            on_confirm=Callback::new(move |i: NodeInstanceSummary| { kill.dispatch(i); })/>
    }
}

/// Asks before killing an instance.
#[component]
fn KillDialog(target: RwSignal<Option<NodeInstanceSummary>>, #[prop(into)] pending: Signal<bool>, on_confirm: Callback<NodeInstanceSummary>) -> impl IntoView {
    view! {
        <Dialog open=Signal::derive(move || target.with(Option::is_some)) on_close=Callback::new(move |_| target.set(None))
            title=tr!(emr_inst.kill_title) id="kill-instance-dialog" initial_focus="#kill-instance-keep">
            <p>{move || t!(emr_inst.kill_text, id = target.with(|t| t.as_ref().map(|i| i.id.clone()).unwrap_or_default()))}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="kill-instance-keep" on:click=move |_| target.set(None)>{tr!(emr_runs.keep_running)}</button>
                <button type="button" class="btn btn-danger" id="kill-instance-confirm" disabled=move || pending.get()
                    on:click=move |_| if let Some(i) = target.get_untracked() { on_confirm.run(i); }>
                    {move || if pending.get() { t!(emr_inst.killing) } else { t!(emr_inst.kill) }}
                </button>
            </div>
        </Dialog>
    }
}
