//! `/cache/jobs/:kind/:id`: one load, free or rebalance job — state, progress by bytes, files,
//! elapsed time and throughput, the options it runs with, the coordinator's error map and the
//! failed files with their reasons (`fileList=true`). Refreshed every two seconds until it ends;
//! stop (asked first) and resume.

use std::time::Duration;

use lakedeck_api::alluxio::{is_final_job_state, JobProgress};
use lakedeck_api::alluxio_view::{can_resume, can_stop, job_fraction, scanned_files, throughput};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::jobs::{job_subject, progress_text};
use super::{kind_label, CacheTabs, JobStateChip, UsageMeter};
use crate::api::alluxio::{job, resume_job, stop_job, JobKind};
use crate::api::ApiError;
use crate::app::href;
use crate::components::{Column, DataTable, Dialog, ErrorPanel, ProgressBar, Spinner, When};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_polling, use_session, use_write_block, RefreshBus};
use crate::{t, tr};

/// The options a job shows as `name = value` facts (only those it was given).
pub fn job_options(j: &JobProgress) -> Vec<(&'static str, String)> {
    let mut o: Vec<(&'static str, String)> = Vec::new();
    let mut put = |k: &'static str, v: Option<String>| {
        if let Some(v) = v {
            o.push((k, v));
        }
    };
    put("replicas", j.replicas.map(|v| v.to_string()));
    put("batchSize", j.batch_size.map(|v| v.to_string()));
    put("fileFilterRegex", j.file_filter_regex.clone());
    put("loadPolicy", j.load_policy.clone());
    // Switches show only when on (the coordinator reports every one, most of them false).
    let on = |b: Option<bool>| (b == Some(true)).then(|| "true".to_string());
    let rate = |b: Option<i64>| b.filter(|b| *b > 0).map(|b| t!(cache.per_second, bytes = format::bytes(b)));
    put("skipIfExists", on(j.skip_if_exists));
    put("loadMetadataOnly", on(j.load_metadata_only));
    put("verify", on(j.verify));
    put("bandwidth", rate(j.bandwidth));
    put("skipPrune", on(j.skip_prune));
    put("loadBatchSize", j.load_batch_size.map(|v| v.to_string()));
    put("loadBandwidth", rate(j.load_bandwidth));
    put("pruneBandwidth", rate(j.prune_bandwidth));
    o
}

#[component]
pub fn CacheJobDetail() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let kind = Memo::new(move |_| params.with(|p| p.get("kind").and_then(|k| JobKind::parse(&k)).unwrap_or(JobKind::Load)));
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let live = RwSignal::new(true);
    let tick = use_polling(Duration::from_secs(2), move || live.get_untracked());
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let (client, k, id) = (session.client(), kind.get(), id.get());
        async move { job(&client, k, &id, true).await }
    });
    run_effect(move || data.with(|d| if let Some(Ok(j)) = d { live.set(!is_final_job_state(&j.state)) }));
    let job = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let busy = RwSignal::new(false);

    // Stop (asked first) and resume live here, so a refresh never closes the dialog.
    let ro = use_write_block();
    let confirm = RwSignal::new(false);
    let outcome = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |stop: &bool| {
        let client = session.client_untracked();
        let (stop, k, j) = (*stop, kind.get_untracked(), job.get_untracked());
        async move {
            let Some(j) = j else { return Ok(()) };
            if stop {
                stop_job(&client, k, &j.id).await.map(|_| ())
            } else {
                resume_job(&client, k, &j).await.map(|_| ())
            }
        }
    });
    run_effect(move || {
        if let Some(r) = act.value().get() {
            confirm.set(false);
            outcome.set(r.err());
            refresh.bump();
        }
    });
    let stoppable = move || job.with(|j| j.as_ref().is_some_and(can_stop));
    let resumable = move || job.with(|j| j.as_ref().is_some_and(can_resume));
    let title = move || job.with(|j| j.as_ref().map(|j| if j.alias.is_empty() { j.id.clone() } else { format!("{} ({})", j.alias, j.id) }).unwrap_or_default());
    view! {
        <section class="page" id="cache-job-detail" data-job-id=move || id.get()>
            <p class="breadcrumbs"><a href=href("/cache/jobs") id="back-to-cache-jobs">{tr!(cache.back_to_jobs)}</a></p>
            <header class="page-head">
                <h1 id="cache-job-title">{move || kind_label(kind.get())}": "<span class="mono">{title}</span></h1>
                <div class="page-actions">
                    <When when=stoppable>
                        <button type="button" class="btn btn-danger" id="job-stop" disabled=move || ro.with(Option::is_some) title=move || ro.get()
                            on:click=move |_| confirm.set(true)>{tr!(cache.stop)}</button>
                    </When>
                    <When when=resumable>
                        <button type="button" class="btn" id="job-resume" disabled=move || ro.with(Option::is_some) || act.pending().get() title=move || ro.get()
                            on:click=move |_| { act.dispatch(false); }>{tr!(cache.resume)}</button>
                    </When>
                </div>
            </header>
            <CacheTabs current="jobs"/>
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.job_action_failed)/> })}
            {move || error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.job_failed_load) on_retry=Callback::new(move |_| refresh.bump())/> })}
            <ProgressBar busy=busy/>
            <Transition fallback=|| view! { <Spinner/> } set_pending=busy.write_only()>
                {move || data.with(|_| ())}
                {move || job.get().map(|j| view! { <JobBody job=j/> })}
            </Transition>
            <Dialog open=confirm on_close=Callback::new(move |_| confirm.set(false)) title=tr!(cache.stop_title) id="stop-job-dialog">
                <p>{tr!(cache.stop_text)}</p>
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| confirm.set(false)>{tr!(common.cancel)}</button>
                    <button type="button" class="btn btn-danger" id="confirm-stop-job" disabled=move || act.pending().get()
                        on:click=move |_| { act.dispatch(true); }>{tr!(cache.stop)}</button>
                </div>
            </Dialog>
        </section>
    }
}

#[component]
fn JobBody(job: JobProgress) -> impl IntoView {
    let fraction = job_fraction(&job).unwrap_or(0.0);
    let progress = progress_text(&job);
    let (scanned, failed) = (scanned_files(&job), job.failed_files);
    let rate = throughput(&job);
    let elapsed = job.time_elapsed_milliseconds;
    let errors: Vec<(String, String)> = job.error_message.clone().into_iter().collect();
    let failed_list = job.failed_file_list.clone().unwrap_or_default();
    let options = job_options(&job);
    let quota_error = job.quota_check_error.clone().filter(|e| !e.is_empty());
    let extra = job
        .quota
        .filter(|q| q.total_bytes > 0)
        .map(|q| (q.total_bytes, q.remaining));

    let error_columns = vec![
        Column::text(tr!(cache.col_where), |e: &(String, String)| e.0.clone()).class("mono"),
        Column::text(tr!(cache.col_reason), |e: &(String, String)| e.1.clone()),
    ];
    let failed_columns = vec![
        Column::text(tr!(cache.col_file), |f: &lakedeck_api::alluxio::FailedFile| f.path.clone()).class("mono"),
        Column::text(tr!(cache.col_reason), |f: &lakedeck_api::alluxio::FailedFile| f.reason.clone()),
    ];
    let has_errors = !errors.is_empty();
    let has_failed = !failed_list.is_empty();
    let failed_path = job.failed_file_list_path.clone();
    view! {
        <div class="card job-status" id="cache-job-status">
            <div class="job-status-line">
                <span id="cache-job-state"><JobStateChip state=job.state.clone()/></span>
                {(!job.running_state.is_empty()).then(|| view! { <span class="muted">{job.running_state.clone()}</span> })}
                <UsageMeter fraction=fraction text=progress.clone() label=tr!(cache.col_progress) class="job-detail-meter"/>
            </div>
            <dl class="facts">
                <dt>{tr!(cache.col_subject)}</dt><dd class="mono" id="cache-job-subject">{job_subject(&job)}</dd>
                <dt>{tr!(cache.started)}</dt><dd><super::IsoTime iso=job.start_time.clone()/></dd>
                <dt>{tr!(cache.col_progress)}</dt><dd id="cache-job-progress">{progress}</dd>
                <dt>{tr!(cache.col_files)}</dt><dd id="cache-job-files">{move || t!(cache.files_text, scanned = format::count(scanned), failed = format::count(failed))}</dd>
                <dt>{tr!(cache.col_elapsed)}</dt><dd>{format::duration_ms(elapsed)}</dd>
                <dt>{tr!(cache.col_throughput)}</dt><dd>{move || rate.map(|b| t!(cache.per_second, bytes = format::bytes(b as i64))).unwrap_or_else(|| "—".into())}</dd>
                {extra.map(|(total, remaining)| view! {
                    <dt>{tr!(cache.quota_headroom)}</dt>
                    <dd>{move || t!(cache.quota_headroom_text, remaining = format::bytes(remaining), total = format::bytes(total))}</dd>
                })}
                {options.into_iter().map(|(k, v)| view! { <dt><code>{k}</code></dt><dd class="mono">{v}</dd> }).collect_view()}
            </dl>
            {quota_error.map(|e| view! { <p class="notice notice-bad" id="cache-job-quota-error">{e}</p> })}
        </div>
        <div class="card">
            <h2>{tr!(cache.error_map)}</h2>
            {if has_errors {
                view! { <DataTable rows=Signal::derive(move || errors.clone()) columns=error_columns row_key=|e: &(String, String)| e.0.clone()
                    caption=tr!(cache.error_map) class="cache-job-errors"/> }.into_any()
            } else {
                view! { <p class="muted" id="cache-job-no-errors">{tr!(cache.no_errors)}</p> }.into_any()
            }}
        </div>
        <div class="card">
            <h2>{tr!(cache.failed_files)}</h2>
            {(!failed_path.is_empty()).then(|| view! { <p class="hint">{move || t!(cache.failed_list_path, path = failed_path)}</p> })}
            {if has_failed {
                view! { <DataTable rows=Signal::derive(move || failed_list.clone()) columns=failed_columns
                    row_key=|f: &lakedeck_api::alluxio::FailedFile| f.path.clone() caption=tr!(cache.failed_files) class="cache-failed-files"/> }.into_any()
            } else {
                view! { <p class="muted">{tr!(cache.no_failed_files)}</p> }.into_any()
            }}
        </div>
    }
}
