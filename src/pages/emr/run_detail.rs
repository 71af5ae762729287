//! `/emr/runs/:ws/:run`: one job run — its state timeline with the reason of the last change, its
//! usage, its configuration as submitted, its driver logs followed while it runs (ListLogContents)
//! and, for a SQL run, each statement's rows as a table. Cancel asks first and shows the answer.

use std::sync::Arc;
use std::time::Duration;

use lakedeck_api::emr::{is_final_state, JobRun, JobRunSummary};
use lakedeck_api::emr_view::{parse_sql_output, syslog_transitions, StatementOutput};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{runs_link, FollowedLog, LogSource, RunStateChip, TagChips, LOG_CHUNK};
use crate::api::emr::{cancel_job_run, get_job_run, list_job_runs, list_log_contents};
use crate::api::{ApiClient, ApiError};
use crate::components::{CopyButton, Dialog, ErrorPanel, ProgressBar, ResultGrid, Spinner, Timestamp, When};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_polling, use_session, RefreshBus};
use crate::{t, tr};

/// Lines of a SQL run's output read for its tables; past this the tables say they are cut.
const SQL_OUTPUT_LINES: i64 = 200_000;
/// ListLogContents' largest page.
const MAX_PAGE: i64 = 10_000;

/// What the detail view shows of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunView {
    pub run: JobRun,
    /// Usage figures (from the run's row of ListJobRuns; GetJobRun has none).
    pub usage: Option<JobRunSummary>,
    /// When each state was reached, from the driver's syslog.
    pub transitions: Vec<(&'static str, i64)>,
}

async fn read_lines(client: &ApiClient, ws: &str, file: &str, max: i64) -> Result<(Vec<String>, i64), ApiError> {
    let mut out = Vec::new();
    let mut total = 0;
    while (out.len() as i64) < max {
        let chunk = list_log_contents(client, ws, file, out.len() as i64, MAX_PAGE.min(max - out.len() as i64)).await?;
        total = chunk.total_length;
        let n = chunk.contents.len();
        out.extend(chunk.contents.into_iter().map(|l| l.line_content));
        if n == 0 || out.len() as i64 >= total {
            break;
        }
    }
    Ok((out, total))
}

async fn fetch_run(client: ApiClient, ws: String, id: String) -> Result<RunView, ApiError> {
    let run = get_job_run(&client, &ws, &id).await?;
    let q = [("maxResults", "1".to_string()), ("jobRunId", id.clone())];
    // Usage and the timeline are extras: the run shows without them.
    let usage = list_job_runs(&client, &ws, &q).await.ok().and_then(|r| r.job_runs.into_iter().next());
    let transitions = if run.log.driver_syslog.is_empty() {
        Vec::new()
    } else {
        read_lines(&client, &ws, &run.log.driver_syslog, 1000).await.map(|(l, _)| syslog_transitions(&l)).unwrap_or_default()
    };
    Ok(RunView { run, usage, transitions })
}

#[component]
pub fn RunDetail() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let ws = Memo::new(move |_| params.with(|p| p.get("ws").unwrap_or_default()));
    let id = Memo::new(move |_| params.with(|p| p.get("run").unwrap_or_default()));
    let live = RwSignal::new(true);
    let tick = use_polling(Duration::from_secs(2), move || live.get_untracked());
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let (client, ws, id) = (session.client(), ws.get(), id.get());
        fetch_run(client, ws, id)
    });
    let busy = RwSignal::new(false);
    view! {
        <section class="page" id="run-detail" data-run-id=move || id.get()>
            <p class="breadcrumbs"><a href=move || runs_link(&ws.get()) id="back-to-runs">{tr!(emr_run.back)}</a></p>
            <ProgressBar busy=busy label=tr!(emr_run.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(emr_run.loading)/> } set_pending=busy.write_only()>
                <RunBody data=data ws=ws live=live/>
            </Transition>
        </section>
    }
}

/// A step of the timeline: its state, and the states that mean it was passed.
const STEPS: [(&str, &[&str]); 4] = [
    ("Submitted", &["Submitted", "Pending", "Running", "Success", "Failed", "Cancelling", "Cancelled", "CancelFailed"]),
    ("Pending", &["Pending", "Running", "Success", "Failed", "Cancelling", "Cancelled", "CancelFailed"]),
    ("Running", &["Running", "Success", "Failed"]),
    ("Ended", &["Success", "Failed", "Cancelled", "CancelFailed"]),
];

#[component]
fn RunBody(data: LocalResource<Result<RunView, ApiError>>, ws: Memo<String>, live: RwSignal<bool>) -> impl IntoView {
    let ro = super::write_block();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let view_data = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let run = Memo::new(move |_| view_data.with(|v| v.as_ref().map(|v| v.run.clone())));
    let state = Memo::new(move |_| run.with(|r| r.as_ref().map(|r| r.state.clone()).unwrap_or_default()));
    run_effect(move || live.set(run.with(|r| r.as_ref().is_none_or(|r| !is_final_state(&r.state)))));
    let field = move |f: fn(&JobRun) -> String| Signal::derive(move || run.with(|r| r.as_ref().map(f).unwrap_or_default()));

    // Cancel, then the service's answer.
    let cancel_open = RwSignal::new(false);
    let cancel_outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let cancel = Action::new_local(move |_: &()| {
        let client = session.client();
        let (w, id) = (ws.get_untracked(), run.with_untracked(|r| r.as_ref().map(|r| r.job_run_id.clone()).unwrap_or_default()));
        async move { cancel_job_run(&client, &w, &id).await.map(|r| r.request_id) }
    });
    run_effect(move || {
        if let Some(r) = cancel.value().get() {
            cancel_open.set(false);
            cancel_outcome.set(Some(r));
            refresh.bump();
        }
    });
    let cancellable = move || run.with(|r| r.as_ref().is_some_and(|r| !is_final_state(&r.state) && r.state != "Cancelling"));

    let timeline = move || {
        let (st, times) = view_data.with(|v| {
            v.as_ref().map(|v| (v.run.state.clone(), v.transitions.clone())).unwrap_or_default()
        });
        let submit = run.with(|r| r.as_ref().map(|r| r.submit_time).unwrap_or(0));
        let end = run.with(|r| r.as_ref().map(|r| r.end_time).unwrap_or(0));
        let cancelled_path = matches!(st.as_str(), "Cancelling" | "Cancelled" | "CancelFailed");
        let mut steps: Vec<(&str, bool)> = STEPS.iter().map(|(s, by)| (*s, by.contains(&st.as_str()))).collect();
        if cancelled_path {
            // Cancelled from Running: that step was passed too, as the log says.
            steps[2].1 = times.iter().any(|(s, _)| *s == "Running");
            steps.insert(3, ("Cancelling", true));
        }
        let n = steps.len();
        let current = steps.iter().rposition(|(_, reached)| *reached).unwrap_or(0);
        steps
            .into_iter()
            .enumerate()
            .map(|(i, (step, reached))| {
                let ended = step == "Ended";
                let label = if ended && reached { super::run_state_label(&st) } else if ended { t!(emr_run.step_ended) } else { super::run_state_label(step) };
                let at = match step {
                    "Submitted" if submit > 0 => Some(submit),
                    "Ended" if end > 0 => Some(end),
                    "Ended" => times.iter().find(|(s, _)| *s == st).map(|(_, t)| *t),
                    s => times.iter().find(|(k, _)| *k == s).map(|(_, t)| *t),
                };
                let bad = ended && reached && matches!(st.as_str(), "Failed" | "CancelFailed");
                let class = match (reached, i == current, bad) {
                    (_, _, true) => "step step-bad",
                    (true, true, _) if i + 1 < n || !ended => "step step-current",
                    (true, _, _) => "step step-done",
                    _ => "step",
                };
                view! {
                    <li class=class data-step=step aria-current=(reached && i == current).then_some("step")>
                        <span class="step-label">{label}</span>
                        {at.map(|ms| view! { <span class="step-time"><Timestamp epoch=ms.to_string()/></span> })}
                    </li>
                }
            })
            .collect_view()
    };

    let facts = move || run.get().map(|r| {
        let fact = |label: fn() -> String, value: AnyView| view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> };
        let duration = if r.submit_time > 0 {
            let end = if r.end_time > 0 { r.end_time } else { js_sys::Date::now() as i64 };
            format::duration_ms(end - r.submit_time)
        } else {
            "—".into()
        };
        let timeout = if r.execution_timeout_seconds > 0 { format::duration_ms(r.execution_timeout_seconds * 1000) } else { t!(emr_run.no_limit) };
        let release = if r.display_release_version.is_empty() { r.release_version.clone() } else { r.display_release_version.clone() };
        view! {
            <dl class="facts">
                {fact(|| t!(emr_runs.run_id), view! { <span class="id-cell"><code class="mono" id="run-id">{r.job_run_id.clone()}</code><CopyButton text=r.job_run_id.clone() label=tr!(emr_runs.run_id)/></span> }.into_any())}
                {fact(|| t!(emr_runs.workspace), view! { <code class="mono">{r.workspace_id.clone()}</code> }.into_any())}
                {fact(|| t!(emr_runs.col_type), view! { <span id="run-code-type">{r.code_type.clone()}</span> }.into_any())}
                {fact(|| t!(emr_runs.queue), view! { <span id="run-queue">{r.resource_queue_id.clone()}</span> }.into_any())}
                {fact(|| t!(emr_run.release), release.into_any())}
                {fact(|| t!(emr_runs.creator), r.resource_owner_id.clone().into_any())}
                {fact(|| t!(emr_runs.col_submitted), view! { <Timestamp epoch=r.submit_time.to_string()/> }.into_any())}
                {fact(|| t!(emr_run.ended), view! { <Timestamp epoch=r.end_time.to_string()/> }.into_any())}
                {fact(|| t!(emr_runs.col_duration), view! { <span id="run-duration">{duration}</span> }.into_any())}
                {fact(|| t!(emr_run.timeout), timeout.into_any())}
                {fact(|| t!(emr_run.fusion), (if r.fusion { t!(emr_run.yes) } else { t!(emr_run.no) }).into_any())}
            </dl>
        }
    });
    let usage = move || view_data.with(|v| v.as_ref().and_then(|v| v.usage.clone())).map(|u| view! {
        <dl class="facts" id="run-usage">
            <div class="fact"><dt>{tr!(emr_runs.col_cu_hours)}</dt><dd id="run-cu-hours">{move || format::number(u.cu_hours)}</dd></div>
            <div class="fact"><dt>{tr!(emr_run.vcore_seconds)}</dt><dd>{move || format::count(u.vcore_seconds)}</dd></div>
            <div class="fact"><dt>{tr!(emr_run.mb_seconds)}</dt><dd>{move || format::count(u.mb_seconds)}</dd></div>
        </dl>
    });
    let reason = move || run.with(|r| r.as_ref().map(|r| r.state_change_reason.clone())).filter(|r| !r.code.is_empty() || !r.message.is_empty());

    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(emr_run.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || run.with(Option::is_some)>
            <header class="page-head">
                <h1 id="run-title">{field(|r| r.name.clone())}</h1>
                <div class="page-actions">
                    <When when=cancellable>
                        <button type="button" class="btn btn-danger" id="cancel-run" disabled=move || ro.with(Option::is_some) title=move || ro.get()
                            on:click=move |_| { cancel_outcome.set(None); cancel_open.set(true); }>{tr!(emr_runs.cancel)}</button>
                    </When>
                </div>
            </header>
            {move || cancel_outcome.get().map(|r| match r {
                Ok(request) => view! {
                    <p class="notice notice-ok" role="status" id="cancel-outcome">{move || t!(emr_run.cancel_accepted, request = request)}</p>
                }.into_any(),
                Err(e) => view! { <ErrorPanel error=e title=tr!(emr_runs.cancel_refused)/> }.into_any(),
            })}
            <div class="card run-status">
                <div class="job-status-line"><RunStateChip state=state/></div>
                <ol class="timeline" aria-label=tr!(emr_run.timeline) id="run-timeline">{timeline}</ol>
                {move || reason().map(|r| view! {
                    <div class="state-reason" id="run-reason">
                        <span class="muted">{tr!(emr_run.reason)}</span>
                        <code class="mono" id="run-reason-code">{r.code}</code>
                        <span id="run-reason-message">{r.message}</span>
                    </div>
                })}
            </div>
            <section class="card" aria-labelledby="run-facts-title">
                <h2 id="run-facts-title">{tr!(emr_run.details)}</h2>
                {facts}
                <h3>{tr!(emr_run.usage)}</h3>
                {usage}
                <p class="hint">{tr!(emr_run.usage_hint)}</p>
            </section>
            <RunConfiguration run=run/>
            <RunLogs run=run ws=ws live=live/>
            <When when=move || run.with(|r| r.as_ref().is_some_and(|r| r.code_type == "SQL" && is_final_state(&r.state)))>
                <SqlOutput run=run ws=ws/>
            </When>
        </When>
        <Dialog open=cancel_open on_close=Callback::new(move |_| cancel_open.set(false)) title=tr!(emr_runs.cancel_title)
            id="cancel-run-dialog" initial_focus="#cancel-run-keep">
            <p>{move || t!(emr_runs.cancel_text, name = run.with(|r| r.as_ref().map(|r| r.name.clone()).unwrap_or_default()))}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="cancel-run-keep" on:click=move |_| cancel_open.set(false)>{tr!(emr_runs.keep_running)}</button>
                <button type="button" class="btn btn-danger" id="cancel-run-confirm" disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(()); }>
                    {move || if cancel.pending().get() { t!(emr_runs.cancelling) } else { t!(emr_runs.cancel_run) }}
                </button>
            </div>
        </Dialog>
    }
}

/// What the run was submitted with.
#[component]
fn RunConfiguration(run: Memo<Option<JobRun>>) -> impl IntoView {
    let body = move || run.get().map(|r| {
        let submit = r.job_driver.spark_submit.clone().unwrap_or_default();
        let sql = (r.code_type == "SQL")
            .then(|| submit.entry_point_arguments.windows(2).find(|w| w[0] == "-e").map(|w| w[1].clone()))
            .flatten();
        let args = submit.entry_point_arguments.clone();
        let configs = r.configuration_overrides.configurations.clone();
        let tags: Vec<(String, String)> = r.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
        view! {
            <dl class="facts">
                <div class="fact"><dt>{tr!(emr_run.entry_point)}</dt><dd><code class="mono">{if submit.entry_point.is_empty() { "—".to_string() } else { submit.entry_point.clone() }}</code></dd></div>
                <div class="fact"><dt>{tr!(emr_run.submit_parameters)}</dt><dd><code class="mono" id="run-submit-parameters">{if submit.spark_submit_parameters.is_empty() { "—".to_string() } else { submit.spark_submit_parameters.clone() }}</code></dd></div>
                <div class="fact"><dt>{tr!(emr_runs.col_tags)}</dt><dd id="run-tags"><TagChips tags=tags/></dd></div>
            </dl>
            {match sql {
                Some(sql) => view! { <h3>{tr!(emr_run.sql)}</h3><pre class="code-block" id="run-sql">{sql}</pre> }.into_any(),
                None => view! { <h3>{tr!(emr_run.arguments)}</h3><pre class="code-block" id="run-arguments">{args.join("\n")}</pre> }.into_any(),
            }}
            <h3>{tr!(emr_run.configurations)}</h3>
            {if configs.is_empty() {
                view! { <p class="muted">{tr!(emr_run.no_configurations)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table" id="run-configurations">
                            <caption class="visually-hidden">{tr!(emr_run.configurations)}</caption>
                            <thead><tr>
                                <th scope="col">{tr!(emr_run.config_file)}</th>
                                <th scope="col">{tr!(emr_run.config_key)}</th>
                                <th scope="col">{tr!(emr_run.config_value)}</th>
                            </tr></thead>
                            <tbody>
                                {configs.into_iter().map(|c| view! {
                                    <tr><td>{c.config_file_name}</td><td><code class="mono">{c.config_item_key}</code></td><td>{c.config_item_value}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        }
    });
    view! {
        <section class="card" aria-labelledby="run-config-title">
            <h2 id="run-config-title">{tr!(emr_run.configuration)}</h2>
            {body}
        </section>
    }
}

/// The driver's four logs, one shown at a time and followed while the run goes.
#[component]
fn RunLogs(run: Memo<Option<JobRun>>, ws: Memo<String>, live: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    // stderr first: it says what ran and how it went.
    let which = RwSignal::new("stderr");
    let file = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map(|r| match which.get() {
                    "stdout" => r.log.driver_std_out.clone(),
                    "syslog" => r.log.driver_syslog.clone(),
                    "startup" => r.log.driver_startup.clone(),
                    _ => r.log.driver_std_error.clone(),
                })
                .unwrap_or_default()
        })
    });
    let source: LogSource = std::rc::Rc::new(move |file: String, offset: i64| {
        let (client, ws) = (session.client_untracked(), ws.get_untracked());
        Box::pin(async move { list_log_contents(&client, &ws, &file, offset, LOG_CHUNK).await.map(|c| {
            (c.contents.into_iter().map(|l| l.line_content).collect(), false)
        }) })
    });
    let source = StoredValue::new_local(source);
    let tab = move |key: &'static str, label: fn() -> String| {
        view! {
            <button type="button" role="tab" class="tab" id=format!("run-log-tab-{key}")
                aria-selected=move || (which.get() == key).to_string() on:click=move |_| which.set(key)>
                {label}
            </button>
        }
    };
    view! {
        <section class="card" aria-labelledby="run-logs-title">
            <h2 id="run-logs-title">{tr!(emr_run.logs)}</h2>
            <div class="tabs" role="tablist" aria-label=tr!(emr_run.logs)>
                {tab("stderr", || t!(emr_run.log_stderr))}
                {tab("stdout", || t!(emr_run.log_stdout))}
                {tab("syslog", || t!(emr_run.log_syslog))}
                {tab("startup", || t!(emr_run.log_startup))}
            </div>
            <p class="hint mono" id="run-log-file">{move || file.get()}</p>
            <FollowedLog key=file source=source live=live id="run-log" label=tr!(emr_run.logs)/>
        </section>
    }
}

/// A SQL run's results: each statement's rows read back from the driver's stdout (the counts and
/// statements from its stderr).
#[component]
fn SqlOutput(run: Memo<Option<JobRun>>, ws: Memo<String>) -> impl IntoView {
    let session = use_session();
    let files = Memo::new(move |_| run.with(|r| r.as_ref().map(|r| (r.log.driver_std_out.clone(), r.log.driver_std_error.clone())).unwrap_or_default()));
    let data = LocalResource::new(move || {
        let (client, ws, (out, err)) = (session.client(), ws.get(), files.get());
        async move {
            let (stdout, total) = read_lines(&client, &ws, &out, SQL_OUTPUT_LINES).await?;
            let (stderr, _) = read_lines(&client, &ws, &err, SQL_OUTPUT_LINES).await?;
            let cut = total > stdout.len() as i64;
            Ok::<_, ApiError>((parse_sql_output(&stdout, &stderr), cut))
        }
    });
    let body = move || data.with(|d| match d {
        None => view! { <Spinner label=tr!(emr_run.sql_loading)/> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e.clone() title=tr!(emr_run.sql_failed)/> }.into_any(),
        Some(Ok((statements, cut))) if statements.is_empty() => {
            let _ = cut;
            view! { <p class="muted" id="sql-output-empty">{tr!(emr_run.sql_none)}</p> }.into_any()
        }
        Some(Ok((statements, cut))) => {
            let cut = *cut;
            statements.iter().enumerate().map(|(i, s)| statement_view(i, s.clone(), cut)).collect_view().into_any()
        }
    });
    view! {
        <section class="card" aria-labelledby="sql-output-title" id="sql-output">
            <h2 id="sql-output-title">{tr!(emr_run.sql_output)}</h2>
            {body}
        </section>
    }
}

fn statement_view(i: usize, s: StatementOutput, cut: bool) -> AnyView {
    let n = i + 1;
    let sql = s.sql.clone();
    match s.rows {
        Some(rows) => {
            let count = rows.len();
            let fetched = s.fetched.unwrap_or(count as u64);
            let data = Signal::derive({
                let rows = Arc::new(rows);
                move || rows.clone()
            });
            let truncated = Signal::derive(move || {
                (cut || (count as u64) < fetched).then(|| t!(emr_run.sql_cut, shown = count, total = fetched))
            });
            view! {
                <div class="sql-statement" data-statement=n.to_string()>
                    <h3>{move || t!(emr_run.statement, n = n, rows = fetched)}</h3>
                    <pre class="code-block">{sql}</pre>
                    <ResultGrid data=data truncated=truncated id=format!("sql-output-{n}")/>
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="sql-statement" data-statement=n.to_string()>
                <h3>{move || t!(emr_run.statement_no_rows, n = n)}</h3>
                <pre class="code-block">{sql}</pre>
            </div>
        }
        .into_any(),
    }
}
