//! `/cache/maintenance`: clear stale cache (pages a worker no longer owns under the current ring)
//! on every online worker, with what each worker removed and the per-worker errors; decommission
//! a stopped worker (removes it and its page store for good, asked first).

use lakedeck_api::alluxio::{StaleWorker, WorkerNode};
use leptos::prelude::*;

use super::CacheTabs;
use crate::api::alluxio::{clear_stale_cache, decommission, list_nodes, stale_cache_status};
use crate::api::ApiError;
use crate::components::{Column, DataTable, Dialog, ErrorPanel, Spinner};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session, use_write_block, RefreshBus};
use crate::{t, tr};

#[component]
pub fn CacheMaintenance() -> impl IntoView {
    let refresh = expect_context::<RefreshBus>();
    view! {
        <section class="page" aria-labelledby="cache-maint-title" id="cache-maintenance">
            <header class="page-head">
                <h1 id="cache-maint-title">{tr!(cache.maintenance_title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <CacheTabs current="maintenance"/>
            <StaleCache/>
            <Decommission/>
        </section>
    }
}

#[component]
fn StaleCache() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let status = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { stale_cache_status(&client).await }
    });
    let run = Action::new_local(move |_: &()| {
        let client = session.client_untracked();
        async move { clear_stale_cache(&client).await }
    });
    let run_error = RwSignal::new(None::<ApiError>);
    run_effect(move || {
        if let Some(r) = run.value().get() {
            run_error.set(r.err());
            refresh.bump();
        }
    });
    let worker_columns = vec![
        Column::text(tr!(cache.col_worker), |w: &(String, StaleWorker)| w.0.clone()).class("mono"),
        Column::text(tr!(cache.col_state), |w: &(String, StaleWorker)| w.1.state.clone()),
        Column::new(tr!(cache.col_scanned_pages), |w: &(String, StaleWorker)| format::count(w.1.scanned_pages)).class("num"),
        Column::new(tr!(cache.col_deleted), |w: &(String, StaleWorker)| {
            let (p, b) = (w.1.deleted_pages, w.1.deleted_bytes);
            move || t!(cache.deleted_text, pages = format::count(p), bytes = format::bytes(b))
        })
        .class("num"),
    ];
    let error_columns = vec![
        Column::text(tr!(cache.col_worker), |e: &(String, String)| e.0.clone()).class("mono"),
        Column::text(tr!(cache.col_reason), |e: &(String, String)| e.1.clone()),
    ];
    view! {
        <div class="card" id="stale-cache">
            <div class="card-head">
                <h2>{tr!(cache.stale_title)}</h2>
                <button type="button" class="btn btn-primary" id="clear-stale" disabled=move || ro.with(Option::is_some) || run.pending().get() title=move || ro.get()
                    on:click=move |_| { run.dispatch(()); }>{tr!(cache.clear_stale)}</button>
            </div>
            <p class="hint">{tr!(cache.stale_hint)}</p>
            {move || run_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.stale_failed)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                {move || status.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e title=tr!(cache.stale_failed)/> }.into_any(),
                    Ok(rep) => {
                        let workers: Vec<(String, StaleWorker)> = rep.workers.clone().into_iter().collect();
                        let errors: Vec<(String, String)> = rep.errors.clone().into_iter().collect();
                        let has_errors = !errors.is_empty();
                        view! {
                            <p id="stale-status"><strong>{rep.status.clone()}</strong>" "{rep.message.clone()}" "
                                <span class="muted">{(!rep.start_time.is_empty()).then(|| view! { <super::IsoTime iso=rep.start_time.clone()/> })}</span></p>
                            <DataTable rows=Signal::derive(move || workers.clone()) columns=worker_columns.clone() row_key=|w: &(String, StaleWorker)| w.0.clone()
                                caption=tr!(cache.stale_title) empty=tr!(cache.stale_never) class="stale-workers"/>
                            <h3>{tr!(cache.stale_errors)}</h3>
                            {if has_errors {
                                view! { <DataTable rows=Signal::derive(move || errors.clone()) columns=error_columns.clone() row_key=|e: &(String, String)| e.0.clone()
                                    caption=tr!(cache.stale_errors) class="stale-errors"/> }.into_any()
                            } else {
                                view! { <p class="muted" id="stale-no-errors">{tr!(cache.no_errors)}</p> }.into_any()
                            }}
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Decommission() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let nodes = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { list_nodes(&client).await }
    });
    let chosen = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |id: &String| {
        let client = session.client_untracked();
        let id = id.clone();
        async move { decommission(&client, &id).await.map(|_| ()) }
    });
    run_effect(move || {
        if let Some(r) = act.value().get() {
            chosen.set(None);
            outcome.set(r.err());
            refresh.bump();
        }
    });
    let columns = vec![
        Column::text(tr!(cache.col_worker), |n: &WorkerNode| n.id.clone()).class("mono"),
        Column::new(tr!(cache.col_state), |n: &WorkerNode| {
            let on = n.state == "ONLINE";
            move || if on { t!(cache.online) } else { t!(cache.offline) }
        }),
        Column::new(tr!(cache.col_usage), |n: &WorkerNode| format::bytes(n.used_bytes)).class("num"),
        Column::new(String::new, move |n: &WorkerNode| {
            let (id, on) = (n.id.clone(), n.state == "ONLINE");
            view! {
                <button type="button" class="btn btn-sm btn-danger decommission" data-worker=id.clone()
                    disabled=move || on || ro.with(Option::is_some)
                    title=move || ro.get().unwrap_or_else(|| if on { t!(cache.decommission_online) } else { t!(cache.decommission_title) })
                    on:click=move |_| chosen.set(Some(id.clone()))>{tr!(cache.decommission)}</button>
            }
        })
        .class("col-actions"),
    ];
    view! {
        <div class="card" id="decommission">
            <h2>{tr!(cache.decommission)}</h2>
            <p class="hint">{tr!(cache.decommission_hint)}</p>
            {move || nodes.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.nodes_failed)/> })}
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.decommission_failed)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=Signal::derive(move || nodes.get().and_then(Result::ok).unwrap_or_default()) columns=columns
                    row_key=|n: &WorkerNode| n.id.clone() key_attr="data-worker" caption=tr!(cache.workers) empty=tr!(cache.no_workers) class="decommission-workers"/>
            </Transition>
            <Dialog open=Signal::derive(move || chosen.with(Option::is_some)) on_close=Callback::new(move |_| chosen.set(None))
                title=tr!(cache.decommission) id="decommission-dialog">
                <p>{move || t!(cache.decommission_text, worker = chosen.get().unwrap_or_default())}</p>
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| chosen.set(None)>{tr!(common.cancel)}</button>
                    <button type="button" class="btn btn-danger" id="confirm-decommission" disabled=move || act.pending().get()
                        on:click=move |_| { if let Some(id) = chosen.get_untracked() { act.dispatch(id); } }>{tr!(cache.decommission)}</button>
                </div>
            </Dialog>
        </div>
    }
}
