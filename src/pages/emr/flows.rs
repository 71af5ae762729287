//! `/emr/flows?project=…`: EMR data-development projects and their flow jobs — name and type
//! filters, paging, all in the URL — with a new project, a new job and the project's instance
//! history one click away.

use lakedeck_api::emr_flow::{FlowJob, FlowProject, JOB_TYPES};
use lakedeck_api::emr_view::FlowJobFilters;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{flow_job_href, instances_href};
use crate::api::emr::{create_project, list_jobs, list_projects};
use crate::api::{query_string, ApiError};
use crate::app::href;
use crate::components::{Column, CopyButton, DataTable, Dialog, ErrorPanel, Pager, ProgressBar, Spinner, TextField, Timestamp, When};
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session, RefreshBus};
use crate::{t, tr};

fn go_to(navigate: &impl Fn(&str, leptos_router::NavigateOptions), f: &FlowJobFilters, replace: bool) {
    navigate(&format!("/emr/flows{}", query_string(&f.to_query())), leptos_router::NavigateOptions { replace, ..Default::default() });
}

#[component]
pub fn FlowJobs() -> impl IntoView {
    let ro = super::write_block();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|m| FlowJobFilters::from_query(|k| m.get(k))));
    let navigate = use_navigate();
    let go = {
        let navigate = navigate.clone();
        Callback::new(move |f: FlowJobFilters| go_to(&navigate, &f, false))
    };
    let projects = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { list_projects(&client, 1, 100).await.map(|r| r.projects.project) }
    });
    // No project in the address: the first one.
    run_effect(move || {
        if !filters.with(|f| f.project.is_empty()) {
            return;
        }
        if let Some(Ok(list)) = projects.get() {
            if let Some(p) = list.first() {
                go_to(&navigate, &FlowJobFilters { project: p.id.clone(), ..filters.get_untracked() }, true);
            }
        }
    });
    let data = LocalResource::new(move || {
        refresh.track();
        let (client, f) = (session.client(), filters.get());
        async move { if f.project.is_empty() { Ok(None) } else { list_jobs(&client, &f.api_params()).await.map(Some) } }
    });
    let busy = RwSignal::new(false);
    let project = Memo::new(move |_| filters.with(|f| f.project.clone()));

    // New project.
    let creating = RwSignal::new(false);
    let new_name = RwSignal::new(String::new());
    let new_description = RwSignal::new(String::new());
    let create = Action::new_local(move |_: &()| {
        let (client, name, description) = (session.client(), new_name.get_untracked(), new_description.get_untracked());
        async move { create_project(&client, name.trim(), &description).await }
    });
    let create_error = RwSignal::new(None::<ApiError>);
    run_effect(move || match create.value().get() {
        Some(Ok(id)) => {
            creating.set(false);
            new_name.set(String::new());
            new_description.set(String::new());
            projects.refetch();
            go.run(FlowJobFilters { project: id, name: String::new(), kind: String::new(), page: 1, size: filters.get_untracked().size });
        }
        Some(Err(e)) => create_error.set(Some(e)),
        None => {}
    });

    let project_list = move || projects.get().and_then(Result::ok).unwrap_or_default();
    let project_name = move || {
        let id = project.get();
        project_list().into_iter().find(|p| p.id == id).map(|p| p.name).unwrap_or(id)
    };
    view! {
        <section class="page" aria-labelledby="flows-title" id="flows-view">
            <header class="page-head">
                <h1 id="flows-title">{tr!(emr_flows.title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" id="refresh-flows" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                    <button type="button" class="btn" id="new-project" disabled=move || ro.with(Option::is_some) title=move || ro.get() on:click=move |_| { create_error.set(None); creating.set(true); }>{tr!(emr_flows.new_project)}</button>
                    <a class="btn" id="flow-instances" href=move || instances_href(&project.get(), &[])>{tr!(emr_flows.instances)}</a>
                    <a class="btn btn-primary" id="new-flow-job" href=move || href(&format!("/emr/flows/{}/jobs/new", crate::api::encode_component(&project.get())))>
                        {tr!(emr_flows.new_job)}
                    </a>
                </div>
            </header>
            {move || projects.get().and_then(Result::err).map(|e| view! {
                <ErrorPanel error=e title=tr!(emr_flows.projects_failed) on_retry=Callback::new(move |_| projects.refetch())/>
            })}
            <div class="filters" role="search">
                <div class="filter">
                    <label for="flow-project">{tr!(emr_flows.project)}</label>
                    <select id="flow-project" class="input" on:change=move |ev| {
                        go.run(FlowJobFilters { project: event_target_value(&ev), name: String::new(), kind: String::new(), page: 1, size: filters.get_untracked().size });
                    }>
                        {move || project_list().into_iter().map(|p: FlowProject| {
                            let sel = p.id.clone();
                            view! { <option value=p.id.clone() selected=move || project.get() == sel>{p.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <FlowJobFilterBar filters=filters on_change=go/>
            </div>
            <p class="hint" id="flow-project-name">{move || t!(emr_flows.project_hint, name = project_name(), id = project.get())}</p>
            <ProgressBar busy=busy label=tr!(emr_flows.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(emr_flows.loading)/> } set_pending=busy.write_only()>
                <FlowJobRows data=data filters=filters go=go busy=busy/>
            </Transition>
            <Dialog open=creating on_close=Callback::new(move |_| creating.set(false)) title=tr!(emr_flows.new_project) id="new-project-dialog">
                <form novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); create_error.set(None); create.dispatch(()); }>
                    <TextField id="project-name" label=tr!(emr_flows.project_name) value=new_name on_input=Callback::new(move |v| new_name.set(v)) required=true/>
                    <TextField id="project-description" label=tr!(emr_flows.project_description) value=new_description
                        on_input=Callback::new(move |v| new_description.set(v))/>
                    {move || create_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(emr_flows.project_refused)/> })}
                    <div class="dialog-actions">
                        <button type="button" class="btn" on:click=move |_| creating.set(false)>{tr!(common.cancel)}</button>
                        <button type="submit" class="btn btn-primary" id="create-project" disabled=move || create.pending().get()>{tr!(emr_flows.create)}</button>
                    </div>
                </form>
            </Dialog>
        </section>
    }
}

/// Name (on Enter or leaving the field) and type (at once) filters of the jobs list.
#[component]
pub fn FlowJobFilterBar(#[prop(into)] filters: Signal<FlowJobFilters>, on_change: Callback<FlowJobFilters>) -> impl IntoView {
    let name = RwSignal::new(filters.get_untracked().name);
    run_effect(move || name.set(filters.with(|f| f.name.clone())));
    let apply = move || {
        let n = name.get_untracked().trim().to_string();
        if n != filters.with_untracked(|f| f.name.clone()) {
            on_change.run(FlowJobFilters { name: n, page: 1, ..filters.get_untracked() });
        }
    };
    view! {
        <div class="filter">
            <label for="flow-name-filter">{tr!(emr_runs.name)}</label>
            <input id="flow-name-filter" type="search" class="input" placeholder=tr!(emr_runs.name_placeholder)
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) on:change=move |_| apply()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); apply(); }/>
        </div>
        <div class="filter">
            <label for="flow-type-filter">{tr!(emr_runs.col_type)}</label>
            <select id="flow-type-filter" class="input" on:change=move |ev| {
                on_change.run(FlowJobFilters { kind: event_target_value(&ev), page: 1, ..filters.get_untracked() });
            }>
                <option value="" selected=move || filters.with(|f| f.kind.is_empty())>{tr!(emr_flows.all_types)}</option>
                {JOB_TYPES.iter().map(|&k| view! { <option value=k selected=move || filters.with(|f| f.kind == k)>{k}</option> }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn FlowJobRows(
    data: LocalResource<Result<Option<lakedeck_api::emr_flow::ListFlowJobResponse>, ApiError>>,
    filters: Memo<FlowJobFilters>,
    go: Callback<FlowJobFilters>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let refresh = expect_context::<RefreshBus>();
    let answer = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned()).flatten()));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let rows = Memo::new(move |_| answer.with(|a| a.as_ref().map(|a| a.job_list.job.clone()).unwrap_or_default()));
    let project = Memo::new(move |_| filters.with(|f| f.project.clone()));
    let columns = vec![
        Column::new(|| t!(emr_runs.col_name), move |j: &FlowJob| {
            view! { <a class="flow-job-name" href=flow_job_href(&project.get_untracked(), &j.id)>{j.name.clone()}</a> }
        }),
        Column::new(|| t!(emr_flows.col_id), |j: &FlowJob| view! {
            <span class="id-cell"><code class="mono">{j.id.clone()}</code><CopyButton text=j.id.clone() label=tr!(emr_flows.col_id)/></span>
        }),
        Column::text(|| t!(emr_runs.col_type), |j: &FlowJob| j.kind.clone()),
        Column::text(|| t!(emr_flows.col_description), |j: &FlowJob| j.description.clone()),
        Column::new(|| t!(emr_flows.col_modified), |j: &FlowJob| view! { <Timestamp epoch=j.gmt_modified.to_string()/> }),
        Column::new(String::new, move |j: &FlowJob| {
            let q = [("job", j.id.clone())];
            view! { <a class="btn btn-sm" href=instances_href(&project.get_untracked(), &q)>{tr!(emr_flows.instances)}</a> }
        })
        .class("col-actions"),
    ];
    let columns = StoredValue::new(columns);
    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(emr_flows.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || answer.with(Option::is_some)>
            <DataTable
                rows=rows
                columns=columns.get_value()
                row_key=|j: &FlowJob| j.id.clone()
                key_attr="data-flow-job-id"
                caption=tr!(emr_flows.title)
                empty=Signal::derive(move || {
                    if filters.with(|f| !f.name.is_empty() || !f.kind.is_empty()) { t!(emr_flows.empty_filtered) } else { t!(emr_flows.empty) }
                })
                busy=busy
            />
            <div class="table-foot">
                <Pager
                    id="flow-jobs-pager"
                    label=tr!(emr_flows.pages)
                    page=Signal::derive(move || filters.with(|f| f.page as u32))
                    page_size=Signal::derive(move || filters.with(|f| f.size as u32))
                    total=Signal::derive(move || answer.with(|a| a.as_ref().map(|a| a.total).unwrap_or(0)))
                    on_page=Callback::new(move |n: u32| go.run(FlowJobFilters { page: n as i64, ..filters.get_untracked() }))
                    on_size=Callback::new(move |n: u32| go.run(FlowJobFilters { size: n as i64, page: 1, ..filters.get_untracked() }))
                />
            </div>
        </When>
    }
}
