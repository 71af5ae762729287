//! Loading indicators.

use leptos::prelude::*;

use super::When;
use crate::t;

/// A thin indeterminate bar shown while `busy` (keeps its height so nothing jumps).
#[component]
pub fn ProgressBar(#[prop(into)] busy: Signal<bool>, #[prop(optional, into)] label: Option<Signal<String>>) -> impl IntoView {
    let label = move || label.map(|l| l.get()).unwrap_or_else(|| t!(common.loading));
    view! {
        <div class="progress-track" aria-hidden=move || (!busy.get()).to_string()>
            <When when=move || busy.get()>
                <div class="progress-bar" role="progressbar" aria-label=label aria-busy="true"></div>
            </When>
        </div>
    }
}

/// A spinner with visible text, for first loads.
#[component]
pub fn Spinner(#[prop(optional, into)] label: Option<Signal<String>>) -> impl IntoView {
    let label = move || label.map(|l| l.get()).unwrap_or_else(|| t!(common.loading_ellipsis));
    view! {
        <div class="loading" role="status" aria-busy="true" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}
