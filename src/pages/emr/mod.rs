//! Alibaba EMR views: Serverless Spark **job runs** (`/emr/runs`, a run's detail, the submit form)
//! and EMR **flow jobs** (`/emr/flows`: projects, jobs, the job form, instances and their logs).
//! Each view is its own file and its own chunk of the bundle; what they share is here: state chips,
//! links, the followed log and the reading of `datetime-local` filters.

pub mod flow_instance;
pub mod flow_job;
pub mod flows;
pub mod instances;
pub mod run_detail;
pub mod runs;
pub mod submit;

pub use flow_instance::FlowInstance;
pub use flow_job::FlowJobPage;
pub use flows::FlowJobs;
pub use instances::FlowInstances;
pub use run_detail::RunDetail;
pub use runs::JobRuns;
pub use submit::SubmitRun;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::{query_string, ApiError};
use crate::app::href;
use crate::components::{parse_local_datetime, ErrorPanel};
use crate::state::{run_effect, use_polling};
use crate::{t, tr};

/// A `datetime-local` value in the browser's zone as epoch milliseconds.
pub fn local_ms(value: &str) -> Option<i64> {
    parse_local_datetime(value).map(|ms| ms as i64)
}

/// `/emr/runs?…` with the given query pairs.
pub fn runs_href(query: &[(&str, String)]) -> String {
    href(&format!("/emr/runs{}", query_string(query)))
}

/// The runs of `workspace`, unfiltered.
pub fn runs_link(workspace: &str) -> String {
    runs_href(&[("ws", workspace.to_string())])
}

pub fn run_href(workspace: &str, run: &str) -> String {
    href(&format!("/emr/runs/{}/{}", crate::api::encode_component(workspace), crate::api::encode_component(run)))
}

pub fn flows_href(query: &[(&str, String)]) -> String {
    href(&format!("/emr/flows{}", query_string(query)))
}

pub fn flow_job_href(project: &str, job: &str) -> String {
    href(&format!("/emr/flows/{}/jobs/{}", crate::api::encode_component(project), crate::api::encode_component(job)))
}

pub fn instances_href(project: &str, query: &[(&str, String)]) -> String {
    href(&format!("/emr/flows/{}/instances{}", crate::api::encode_component(project), query_string(query)))
}

pub fn instance_href(project: &str, instance: &str) -> String {
    href(&format!("/emr/flows/{}/instances/{}", crate::api::encode_component(project), crate::api::encode_component(instance)))
}

// ---------------------------------------------------------------------------------------------
// Job run states

/// A run state in the user's language (tracked); the wire name stays in `data-state`.
pub fn run_state_label(state: &str) -> String {
    match state {
        "Submitted" => t!(emr.state_submitted),
        "Pending" => t!(emr.state_pending),
        "Running" => t!(emr.state_running),
        "Success" => t!(emr.state_success),
        "Failed" => t!(emr.state_failed),
        "Cancelling" => t!(emr.state_cancelling),
        "Cancelled" => t!(emr.state_cancelled),
        "CancelFailed" => t!(emr.state_cancel_failed),
        other => other.to_string(),
    }
}

pub fn run_tone(state: &str) -> &'static str {
    match state {
        "Success" => "ok",
        "Failed" | "CancelFailed" => "bad",
        "Cancelled" => "muted",
        _ => "busy",
    }
}

/// A run's state chip: colour and text (never colour only).
#[component]
pub fn RunStateChip(#[prop(into)] state: Signal<String>) -> impl IntoView {
    view! {
        <span class=move || format!("state-chip tone-{}", run_tone(&state.get())) data-state=move || state.get()>
            <span class="dot" aria-hidden="true"></span>
            <span class="state-label">{move || run_state_label(&state.get())}</span>
        </span>
    }
}

// ---------------------------------------------------------------------------------------------
// Flow instance statuses

pub fn flow_status_label(status: &str) -> String {
    match status {
        "SUBMITTED" => t!(emr.status_submitted),
        "RUNNING" => t!(emr.status_running),
        "SUCCESS" => t!(emr.status_success),
        "FAILED" => t!(emr.status_failed),
        "KILL_FAILED" => t!(emr.status_kill_failed),
        "KILL_SUCCESS" => t!(emr.status_killed),
        other => other.to_string(),
    }
}

fn flow_tone(status: &str) -> &'static str {
    match status {
        "SUCCESS" => "ok",
        "FAILED" | "KILL_FAILED" => "bad",
        "KILL_SUCCESS" => "muted",
        _ => "busy",
    }
}

/// A flow instance's status chip; `pending` marks an instance waiting for a retry or for room.
#[component]
pub fn FlowStatusChip(#[prop(into)] status: Signal<String>, #[prop(optional, into)] pending: Signal<bool>) -> impl IntoView {
    view! {
        <span class=move || format!("state-chip tone-{}", flow_tone(&status.get())) data-state=move || status.get()>
            <span class="dot" aria-hidden="true"></span>
            <span class="state-label">{move || flow_status_label(&status.get())}</span>
            {move || pending.get().then(|| view! { <span class="stage">{tr!(emr.pending_mark)}</span> })}
        </span>
    }
}

// ---------------------------------------------------------------------------------------------
// A log followed while it grows

/// Lines of a log from a line offset, and whether the log is known to be complete.
pub type LogRead = Pin<Box<dyn Future<Output = Result<(Vec<String>, bool), ApiError>>>>;
/// Reads lines of the log named by a key (a file path, an instance id) from a line offset.
pub type LogSource = Rc<dyn Fn(String, i64) -> LogRead>;

/// Text kept in the page; older lines are dropped past this many bytes.
const LOG_KEEP: usize = 512 * 1024;
/// Lines asked for at once (ListLogContents takes at most 10,000).
pub const LOG_CHUNK: i64 = 2_000;

/// A log read by line offsets, every 1.5 s while `live` (the run or instance is still going) and
/// then until a read brings nothing new (or the service says the end is reached). "Follow" keeps
/// the newest line in view. `source` changing (another file) starts over.
#[component]
pub fn FollowedLog(
    /// Which log (empty: none yet); a new key starts the log over.
    #[prop(into)]
    key: Signal<String>,
    source: StoredValue<LogSource, LocalStorage>,
    #[prop(into)] live: Signal<bool>,
    /// DOM id of the `<pre>`.
    #[prop(into)]
    id: String,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let offset = StoredValue::new(0i64);
    let complete = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let follow = RwSignal::new(true);
    let reading = StoredValue::new(false);
    let generation = StoredValue::new(0u64);
    let pre = NodeRef::<leptos::html::Pre>::new();

    let read = move || {
        let which = key.get_untracked();
        if which.is_empty() || complete.get_untracked() || reading.get_value() {
            return;
        }
        let src = source.get_value();
        reading.set_value(true);
        let gen = generation.get_value();
        let was_live = live.get_untracked();
        leptos::task::spawn_local(async move {
            let result = src(which, offset.get_value()).await;
            // A newer log replaced this one while the read was out.
            if generation.try_get_value() != Some(gen) {
                return;
            }
            match result {
                Ok((lines, end)) => {
                    let n = lines.len() as i64;
                    offset.set_value(offset.get_value() + n);
                    if n > 0 {
                        let _ = text.try_update(|t| {
                            for l in &lines {
                                t.push_str(l.strip_suffix('\n').unwrap_or(l));
                                t.push('\n');
                            }
                            if t.len() > LOG_KEEP {
                                let cut = t.len() - LOG_KEEP;
                                let cut = (cut..t.len()).find(|i| t.is_char_boundary(*i)).unwrap_or(t.len());
                                t.replace_range(..cut, "");
                            }
                        });
                    }
                    // Done once the producer has stopped and nothing more came (or the service says so).
                    let _ = complete.try_set(end || (!was_live && n < LOG_CHUNK));
                    let _ = error.try_set(None);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            reading.set_value(false);
        });
    };
    // A new log: start over.
    run_effect(move || {
        key.track();
        generation.set_value(generation.get_value() + 1);
        offset.set_value(0);
        reading.set_value(false);
        text.set(String::new());
        complete.set(false);
        error.set(None);
        read();
    });
    let tick = use_polling(Duration::from_millis(1500), move || !complete.get_untracked());
    run_effect(move || {
        tick.track();
        live.track();
        read();
    });
    run_effect(move || {
        text.track();
        if follow.get() {
            if let Some(el) = pre.get() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });
    let status_id = format!("{id}-status");
    let follow_id = format!("{id}-follow");
    view! {
        <div class="log-panel">
            <div class="card-head">
                <span class="hint" id=status_id aria-live="polite">
                    {move || if complete.get() { t!(emr.log_complete) } else { t!(emr.log_following) }}
                </span>
                <label class="check">
                    <input type="checkbox" id=follow_id prop:checked=move || follow.get()
                        on:change=move |ev| follow.set(event_target_checked(&ev))/>
                    {tr!(emr.log_follow)}
                </label>
            </div>
            {move || error.get().map(|e| view! { <ErrorPanel error=e title=tr!(emr.log_failed)/> })}
            <pre class="log" id=id node_ref=pre tabindex="0" aria-label=label>{move || text.get()}</pre>
        </div>
    }
}

/// Tags as small chips (`key=value`).
#[component]
pub fn TagChips(tags: Vec<(String, String)>) -> impl IntoView {
    view! {
        <span class="tag-chips">
            {tags.into_iter().map(|(k, v)| {
                let text = if v.is_empty() { k } else { format!("{k}={v}") };
                let title = text.clone();
                view! { <span class="tag-chip" title=title>{text}</span> }
            }).collect_view()}
        </span>
    }
}

/// Why this user may not write (a viewer behind a gateway), tracked.
pub use crate::state::use_write_block as write_block;
