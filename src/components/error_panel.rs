//! The one error panel: vendor code, message, HTTP status and request id, all as text.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::{t, tr};

/// Shows an [`ApiError`]. `on_retry` adds a Retry button (only pass it where repeating the same
/// request makes sense). API strings are rendered as text nodes, never as HTML.
#[component]
pub fn ErrorPanel(
    #[prop(into)] error: Signal<ApiError>,
    /// Heading, e.g. "Could not load clusters".
    #[prop(optional, into)]
    title: Option<Signal<String>>,
    #[prop(optional)] on_retry: Option<Callback<()>>,
    /// Extra guidance under the message (e.g. "Check the token in Settings").
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
) -> impl IntoView {
    let title = move || title.map(|t| t.get()).unwrap_or_else(|| t!(error.panel.title));
    let auth_hint = move || error.with(|e| e.auth_advice()).map(|advice| view! { <p class="error-hint error-advice">{advice}</p> });
    view! {
        <div class="error-panel" role="alert">
            <div class="error-head">
                <span class="error-icon" aria-hidden="true">"!"</span>
                <strong class="error-title">{title}</strong>
            </div>
            <p class="error-message">{move || error.with(|e| e.message())}</p>
            <dl class="error-facts">
                <dt>{tr!(error.panel.code)}</dt>
                <dd><code class="error-code">{move || error.with(|e| e.code.clone())}</code></dd>
                <dt>{tr!(error.panel.status)}</dt>
                <dd class="error-status">
                    {move || error.with(|e| if e.status == 0 { t!(error.panel.no_answer) } else { e.status.to_string() })}
                </dd>
                <dt>{tr!(error.panel.request_id)}</dt>
                <dd>
                    <code class="request-id">
                        {move || error.with(|e| e.request_id.clone().unwrap_or_else(|| "—".into()))}
                    </code>
                </dd>
            </dl>
            {hint.map(|h| view! { <p class="error-hint">{h}</p> })}
            {auth_hint}
            {on_retry.map(|cb| view! {
                <button type="button" class="btn error-retry" on:click=move |_| cb.run(())>{tr!(common.retry)}</button>
            })}
        </div>
    }
}
