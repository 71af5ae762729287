//! `/clusters/:id/jobs/:job`: state timeline, progress, arguments and properties, timings with
//! their zone, the log (followed while the job runs) and, for SQL jobs, the results as tables.

use std::time::Duration;

use lakedeck_api::mrs_jobs::{is_final_state, JobQueryBean, JobType, SqlRow};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{job_state_label, killable, JobProgress, JobStateChip};
use crate::api::jobs::{get_job, job_log, sql_result, stop_job};
use crate::api::ApiError;
use crate::components::{CopyButton, Dialog, ErrorPanel, ProgressBar, Spinner, Timestamp, When};
use crate::pages::clusters::ClusterHeader;
use crate::state::session::SessionExt;
use crate::i18n::format;
use crate::state::{load, load_error, run_effect, use_polling, use_session, LoadResult, Loaded, RefreshBus};
use crate::{t, tr};

/// The log kept in the page; older text is dropped past this many bytes.
const LOG_KEEP: usize = 512 * 1024;

/// A step of the timeline: its label, and the job states that mean it is reached.
type Step = (fn() -> String, &'static [&'static str]);

const STEPS: [Step; 4] = [
    (|| t!(job.step_submitted), &["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING", "FINISHED", "FAILED", "KILLED"]),
    (|| t!(job.step_accepted), &["ACCEPTED", "RUNNING", "FINISHED", "FAILED", "KILLED"]),
    (|| t!(job.step_running), &["RUNNING", "FINISHED", "FAILED", "KILLED"]),
    (|| t!(job.step_ended), &["FINISHED", "FAILED", "KILLED"]),
];

/// Only http(s) tracking links become links (an API string never becomes a `javascript:` URL).
pub fn safe_link(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || (lower.starts_with('/') && !lower.starts_with("//")))
        .then(|| url.trim().to_string())
}

#[component]
pub fn JobDetail() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let cluster_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let job_id = Memo::new(move |_| params.with(|p| p.get("job").unwrap_or_default()));

    let running = RwSignal::new(true);
    let tick = use_polling(Duration::from_secs(2), move || running.get_untracked());
    let data = load(move || {
        tick.track();
        refresh.track();
        let (c, j) = (cluster_id.get(), job_id.get());
        let client = session.client();
        Box::pin(async move { get_job(&client, &c, &j).await.map(|j| Loaded::Job(Box::new(j))) })
    });
    let busy = RwSignal::new(false);
    view! {
        <section class="page" id="job-detail" data-job-id=move || job_id.get()>
            <ClusterHeader cluster_id=cluster_id current="jobs"/>
            <ProgressBar busy=busy label=tr!(job.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(job.loading)/> } set_pending=busy.write_only()>
                <JobBody data=data cluster_id=cluster_id running=running/>
            </Transition>
        </section>
    }
}

#[component]
fn JobBody(data: LocalResource<LoadResult>, cluster_id: Memo<String>, running: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let job = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Loaded::Job(j))) => Some(JobQueryBean::clone(j)),
        _ => None,
    }));
    let error = load_error(data);
    let field = move |f: fn(&JobQueryBean) -> String| Signal::derive(move || job.with(|j| j.as_ref().map(f).unwrap_or_default()));
    // A memo: the job is re-read every 2 s while it runs, and the log and results must not restart.
    let job_id = Memo::new(move |_| job.with(|j| j.as_ref().map(|j| j.job_id.clone()).unwrap_or_default()));
    let state = field(|j| j.job_state.clone());
    let result = field(|j| j.job_result.clone());
    run_effect(move || running.set(job.with(|j| j.as_ref().is_none_or(|j| !is_final_state(&j.job_state)))));

    let kill_open = RwSignal::new(false);
    let read_only = crate::state::use_read_only();
    let kill_outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let kill = Action::new_local(move |_: &()| {
        let client = session.client();
        let (c, j) = (cluster_id.get_untracked(), job.with_untracked(|j| j.as_ref().map(|j| j.job_id.clone()).unwrap_or_default()));
        async move { stop_job(&client, &c, &j).await }
    });
    run_effect(move || {
        if let Some(r) = kill.value().get() {
            kill_open.set(false);
            kill_outcome.set(Some(r));
            refresh.bump();
        }
    });

    let header = move || job.get().map(|j| {
        let tracking = safe_link(&j.tracking_url);
        view! {
            <header class="page-head">
                <h1 id="job-title">{j.job_name.clone()}</h1>
                <div class="page-actions">
                    {tracking.map(|u| view! { <a class="btn" href=u target="_blank" rel="noopener noreferrer" id="job-tracking">{tr!(job.tracking)}</a> })}
                    <When when=move || job.with(|j| j.as_ref().is_some_and(killable))>
                        <button type="button" class="btn btn-danger" id="kill-job"
                            disabled=move || read_only.with(Option::is_some) title=move || read_only.get() on:click=move |_| { kill_outcome.set(None); kill_open.set(true); }>{tr!(jobs.kill)}</button>
                    </When>
                </div>
            </header>
        }
    });
    let timeline = move || {
        let st = state.get();
        let failed_at_end = matches!(st.as_str(), "FAILED" | "KILLED");
        STEPS.iter().enumerate().map(|(i, (label, reached_by))| {
            let reached = reached_by.contains(&st.as_str());
            let current = reached && !STEPS.get(i + 1).is_some_and(|(_, next)| next.contains(&st.as_str()));
            let label = if i == 3 && reached { t!(job.step_ended_as, state = job_state_label(&st)) } else { label() };
            let class = match (reached, current, failed_at_end && i == 3) {
                (_, _, true) => "step step-bad",
                (true, true, _) => "step step-current",
                (true, false, _) => "step step-done",
                _ => "step",
            };
            view! { <li class=class aria-current=current.then_some("step")>{label}</li> }
        }).collect_view()
    };
    let facts = move || job.get().map(|j| {
        let fact = |label: fn() -> String, value: AnyView| view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> };
        let (started, elapsed) = (j.started_time > 0, j.elapsed_time);
        let duration = move || if started { format::duration_ms(elapsed) } else { t!(job.not_started) };
        view! {
            <dl class="facts">
                {fact(|| t!(jobs.col_id), view! { <span class="id-cell"><code class="mono" id="job-id">{j.job_id.clone()}</code><CopyButton text=j.job_id.clone() label=tr!(jobs.copy_id)/></span> }.into_any())}
                {fact(|| t!(clusters.col_type), view! { <span id="job-type">{j.job_type.clone()}</span> }.into_any())}
                {fact(|| t!(job.user), j.user.clone().into_any())}
                {fact(|| t!(job.queue), j.queue.clone().into_any())}
                {fact(|| t!(job.app_id), view! { <code class="mono">{j.app_id.clone()}</code> }.into_any())}
                {fact(|| t!(jobs.col_submitted), view! { <Timestamp epoch=j.submitted_time.to_string()/> }.into_any())}
                {fact(|| t!(job.started), view! { <Timestamp epoch=j.started_time.to_string()/> }.into_any())}
                {fact(|| t!(job.finished), view! { <Timestamp epoch=j.finished_time.to_string()/> }.into_any())}
                {fact(|| t!(jobs.col_duration), view! { <span id="job-duration">{duration}</span> }.into_any())}
            </dl>
        }
    });

    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(job.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        {header}
        {move || kill_outcome.get().map(|r| match r {
            Ok(()) => view! { <p class="notice notice-ok" role="status" id="kill-outcome">{tr!(job.kill_accepted)}</p> }.into_any(),
            Err(e) => view! { <ErrorPanel error=e title=tr!(job.kill_failed)/> }.into_any(),
        })}
        <When when=move || job.with(Option::is_some)>
            <div class="card job-status">
                <div class="job-status-line">
                    <JobStateChip state=state result=result/>
                    <JobProgress percent=Signal::derive(move || job.with(|j| j.as_ref().map(|j| j.job_progress).unwrap_or(0.0))) state=state label=tr!(job.progress)/>
                </div>
                <ol class="timeline" aria-label=tr!(job.timeline)>{timeline}</ol>
            </div>
            <section class="card" aria-labelledby="job-facts-title">
                <h2 id="job-facts-title">{tr!(job.details)}</h2>
                {facts}
                <h3>{tr!(submit.args)}</h3>
                <pre class="code-block" id="job-arguments">{move || job.with(|j| j.as_ref().map(|j| j.arguments.clone()))}</pre>
                <h3>{tr!(job.properties)}</h3>
                <pre class="code-block" id="job-properties">{move || job.with(|j| j.as_ref().map(|j| j.properties.clone()))}</pre>
            </section>
            <JobLog cluster_id=cluster_id job_id=job_id/>
            <When when=move || job.with(|j| j.as_ref().is_some_and(|j| {
                JobType::parse(&j.job_type).is_some_and(JobType::has_sql_result) && j.job_state == "FINISHED"
            }))>
                <SqlResultTables cluster_id=cluster_id job_id=job_id/>
            </When>
        </When>
        <Dialog open=kill_open on_close=Callback::new(move |_| kill_open.set(false)) title=tr!(job.kill_title) id="kill-dialog" initial_focus="#kill-cancel">
            <p>{tr!(job.kill_before)} <strong>{move || job.with(|j| j.as_ref().map(|j| j.job_name.clone()))}</strong> {tr!(job.kill_after)}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="kill-cancel" on:click=move |_| kill_open.set(false)>{tr!(common.cancel)}</button>
                <button type="button" class="btn btn-danger" id="kill-confirm" disabled=move || kill.pending().get()
                    on:click=move |_| { kill.dispatch(()); }>
                    {move || if kill.pending().get() { t!(job.killing) } else { t!(job.kill_title) }}
                </button>
            </div>
        </Dialog>
    }
}

/// The job's log, read from the sandbox's log endpoint from the last offset every second until the
/// job has ended; "Follow" keeps the newest line in view.
#[component]
fn JobLog(cluster_id: Memo<String>, job_id: Memo<String>) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let complete = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let follow = RwSignal::new(true);
    let offset = StoredValue::new(0u64);
    let reading = StoredValue::new(false);
    let pre = NodeRef::<leptos::html::Pre>::new();

    let read = move || {
        let j = job_id.get_untracked();
        if j.is_empty() || complete.get_untracked() || reading.get_value() {
            return;
        }
        reading.set_value(true);
        let client = session.client();
        let c = cluster_id.get_untracked();
        leptos::task::spawn_local(async move {
            match job_log(&client, &c, &j, offset.get_value()).await {
                Ok(chunk) => {
                    offset.set_value(chunk.next_offset);
                    if !chunk.content.is_empty() {
                        let _ = text.try_update(|t| {
                            t.push_str(&chunk.content);
                            if t.len() > LOG_KEEP {
                                let cut = t.len() - LOG_KEEP;
                                let cut = (cut..t.len()).find(|i| t.is_char_boundary(*i)).unwrap_or(t.len());
                                t.replace_range(..cut, "");
                            }
                        });
                    }
                    let _ = complete.try_set(chunk.complete);
                    let _ = error.try_set(None);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            reading.set_value(false);
        });
    };
    let tick = use_polling(Duration::from_secs(1), move || !complete.get_untracked());
    run_effect(move || {
        tick.track();
        job_id.track();
        read();
    });
    // Keep the end in view while following.
    run_effect(move || {
        text.track();
        if follow.get() {
            if let Some(el) = pre.get() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="job-log-title">
            <div class="card-head">
                <h2 id="job-log-title">{tr!(job.log)}</h2>
                <span class="hint" id="job-log-status" aria-live="polite">
                    {move || if complete.get() { t!(job.log_complete) } else { t!(job.log_following) }}
                </span>
                <label class="check">
                    <input type="checkbox" id="job-log-follow" prop:checked=move || follow.get()
                        on:change=move |ev| follow.set(event_target_checked(&ev))/>
                    {tr!(job.follow)}
                </label>
            </div>
            {move || error.get().map(|e| view! { <ErrorPanel error=e title=tr!(job.log_failed)/> })}
            <pre class="log" id="job-log" node_ref=pre tabindex="0" aria-label=tr!(job.log_label)>{move || text.get()}</pre>
        </section>
    }
}

/// Column names of a statement's rows (from the first row; the service keys values by column).
pub fn result_columns(rows: &[SqlRow]) -> Vec<String> {
    rows.first().map(|r| r.0.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default()
}

#[component]
fn SqlResultTables(cluster_id: Memo<String>, job_id: Memo<String>) -> impl IntoView {
    let session = use_session();
    let data = load(move || {
        let (c, j) = (cluster_id.get(), job_id.get());
        let client = session.client();
        Box::pin(async move { sql_result(&client, &c, &j).await.map(Loaded::SqlResult) })
    });
    let body = move || data.with(|d| match d {
        None => view! { <Spinner label=tr!(job.results_loading)/> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e.clone() title=tr!(job.results_failed)/> }.into_any(),
        Some(Ok(Loaded::SqlResult(r))) => r.0.iter().map(|(index, rows)| {
            let cols = result_columns(rows);
            let (index_text, count) = (index.clone(), rows.len());
            let caption = move || t!(job.statement_rows, index = index_text, count = count);
            view! {
                <div class="table-wrap sql-result" data-statement=index.clone()>
                    <table class="data-table">
                        <caption>{caption}</caption>
                        <thead><tr>{cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.iter().map(|r| view! {
                                <tr>{r.0.iter().map(|(_, v)| view! { <td>{v.clone()}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
        }).collect_view().into_any(),
        Some(Ok(_)) => ().into_any(),
    });
    view! {
        <section class="card" aria-labelledby="sql-results-title" id="sql-results">
            <h2 id="sql-results-title">{tr!(job.results)}</h2>

            {body}
        </section>
    }
}
