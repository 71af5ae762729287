//! Job views: the jobs list (all clusters, or one cluster's), job detail, the submit form.

pub mod detail;
pub mod list;
pub mod submit;

pub use detail::JobDetail;
pub use list::{ClusterJobs, JobsList};
pub use submit::SubmitJob;

use lakedeck_api::mrs_jobs::{is_final_state, JobQueryBean};
use leptos::prelude::*;

use crate::app::href;
use crate::t;

/// A job state's name in the current language (tracked); unknown states stay as the service wrote them.
pub fn job_state_label(state: &str) -> String {
    match state {
        "NEW" => t!(job_state.new),
        "NEW_SAVING" => t!(job_state.new_saving),
        "SUBMITTED" => t!(job_state.submitted),
        "ACCEPTED" => t!(job_state.accepted),
        "RUNNING" => t!(job_state.running),
        "FINISHED" => t!(job_state.finished),
        "FAILED" => t!(job_state.failed),
        "KILLED" => t!(job_state.killed),
        other => other.to_string(),
    }
}

/// A job result's name in the current language (tracked).
pub fn job_result_label(result: &str) -> String {
    match result {
        "SUCCEEDED" => t!(job_result.succeeded),
        "FAILED" => t!(job_result.failed),
        "KILLED" => t!(job_result.killed),
        "UNDEFINED" => t!(job_result.undefined),
        other => other.to_string(),
    }
}

/// Link target of a job's detail view.
pub fn job_href(cluster_id: &str, job_id: &str) -> String {
    href(&format!("/clusters/{cluster_id}/jobs/{job_id}"))
}

fn job_tone(state: &str, result: &str) -> &'static str {
    match (state, result) {
        ("FINISHED", "SUCCEEDED") | ("FINISHED", "") => "ok",
        ("FAILED", _) | (_, "FAILED") => "bad",
        ("KILLED", _) | (_, "KILLED") => "muted",
        ("FINISHED", _) => "muted",
        _ => "busy",
    }
}

/// State chip of a job: the state, and the result once it has ended (`FINISHED · SUCCEEDED`).
/// `data-state` carries the wire state.
#[component]
pub fn JobStateChip(#[prop(into)] state: Signal<String>, #[prop(into)] result: Signal<String>) -> impl IntoView {
    view! {
        <span class=move || format!("state-chip tone-{}", job_tone(&state.get(), &result.get()))
            data-state=move || state.get() data-result=move || result.get()>
            <span class="dot" aria-hidden="true"></span>
            <span class="state-label">{move || job_state_label(&state.get())}</span>
            {move || {
                let r = result.get();
                (is_final_state(&state.get()) && !r.is_empty() && r != "UNDEFINED")
                    .then(|| view! { <span class="stage">{move || job_result_label(&r)}</span> })
            }}
        </span>
    }
}

/// A job's progress: a bar with its percentage, or, while a running job has reported none yet (a
/// single SQL statement reports only when it ends), a moving bar saying it runs instead of "0 %".
#[component]
pub fn JobProgress(
    #[prop(into)] percent: Signal<f64>,
    #[prop(into)] label: Signal<String>,
    /// The job's state (RUNNING, FINISHED…).
    #[prop(into)]
    state: Signal<String>,
) -> impl IntoView {
    let pct = move || percent.get().clamp(0.0, 100.0);
    let unknown = move || pct() == 0.0 && state.with(|s| s == "RUNNING");
    view! {
        <span class="job-progress" class:job-progress-unknown=unknown>
            <span class="meter" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=move || (!unknown()).then(|| format!("{:.0}", pct()))
                aria-valuetext=move || unknown().then(|| crate::t!(jobs.progress_unknown))>
                <span class="meter-fill" style:width=move || if unknown() { String::new() } else { format!("{:.1}%", pct()) }></span>
            </span>
            <span class="meter-text">{move || if unknown() { crate::t!(jobs.progress_unknown) } else { crate::i18n::format::percent(pct()) }}</span>
        </span>
    }
}

/// Whether a job can still be killed.
pub fn killable(job: &JobQueryBean) -> bool {
    !is_final_state(&job.job_state)
}
