//! Cache management (the Alluxio coordinator, `endpoints.alluxio`): **Overview** (`/cache`: workers
//! and the hash ring), **Jobs** (`/cache/jobs`: load, free and rebalance with their submit forms,
//! and `/cache/jobs/:kind/:id`), **Namespace** (`/cache/namespace`: mounts and a mount's browser),
//! **Policies** (`/cache/policies`: quota, TTL, priority, cache filter, file index) and
//! **Maintenance** (`/cache/maintenance`: stale cache, decommission). Each view is its own file;
//! the route components are re-exported here so the shell can load them as one chunk. What they
//! share is here: the tabs, job state chips, usage meters and links.

pub mod job_detail;
pub mod jobs;
pub mod maintenance;
pub mod namespace;
pub mod overview;
pub mod policies;

pub use job_detail::CacheJobDetail;
pub use jobs::CacheJobs;
pub use maintenance::CacheMaintenance;
pub use namespace::CacheNamespace;
pub use overview::CacheOverview;
pub use policies::CachePolicies;

use leptos::prelude::*;

use crate::api::alluxio::JobKind;
use crate::app::href;
use crate::i18n::format;
use crate::{t, tr};

/// `/cache/jobs/<kind>/<id>`.
pub fn job_href(kind: JobKind, id: &str) -> String {
    href(&format!("/cache/jobs/{}/{}", kind.resource(), crate::api::encode_component(id)))
}

/// A job type in the user's language (tracked).
pub fn kind_label(kind: JobKind) -> String {
    match kind {
        JobKind::Load => t!(cache.kind_load),
        JobKind::Free => t!(cache.kind_free),
        JobKind::Rebalance => t!(cache.kind_rebalance),
    }
}

/// A job state in the user's language (tracked); the wire value stays in `data-state`.
pub fn job_state_label(state: &str) -> String {
    match state {
        "WAITING" => t!(cache.state_waiting),
        "RUNNING" => t!(cache.state_running),
        "VERIFYING" => t!(cache.state_verifying),
        "SUCCEEDED" => t!(cache.state_succeeded),
        "FAILED" => t!(cache.state_failed),
        "STOPPED" => t!(cache.state_stopped),
        other => other.to_string(),
    }
}

pub fn job_tone(state: &str) -> &'static str {
    match state {
        "SUCCEEDED" => "ok",
        "FAILED" => "bad",
        "STOPPED" => "muted",
        _ => "busy",
    }
}

/// A job's state chip: colour and text (never colour only).
#[component]
pub fn JobStateChip(#[prop(into)] state: Signal<String>) -> impl IntoView {
    view! {
        <span class=move || format!("state-chip tone-{}", job_tone(&state.get())) data-state=move || state.get()>
            <span class="dot" aria-hidden="true"></span>
            <span class="state-label">{move || job_state_label(&state.get())}</span>
        </span>
    }
}

/// A meter from 0 to 1 with its figure as text (`label` says what it measures, for screen
/// readers); `text` is shown beside it.
#[component]
pub fn UsageMeter(
    #[prop(into)] fraction: Signal<f64>,
    #[prop(into)] text: Signal<String>,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] class: Option<String>,
    /// Colours a nearly full meter as a warning (capacity and quotas, not progress).
    #[prop(optional)]
    warn: bool,
) -> impl IntoView {
    let pct = move || (fraction.get() * 100.0).clamp(0.0, 100.0);
    let tone = move || if warn && fraction.get() >= 0.95 { "meter-fill meter-full" } else { "meter-fill" };
    view! {
        <span class=format!("job-progress {}", class.unwrap_or_default())>
            <span class="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || format!("{:.0}", pct()) aria-label=label>
                <span class=tone style:width=move || format!("{:.1}%", pct())></span>
            </span>
            <span class="meter-text">{text}</span>
        </span>
    }
}

/// A coordinator time (ISO 8601 with an offset) shown as the console shows times, with its zone.
#[component]
pub fn IsoTime(#[prop(into)] iso: String) -> impl IntoView {
    let ms = js_sys::Date::parse(&iso);
    let epoch = if ms.is_finite() && ms > 0.0 { format!("{}", ms as i64) } else { String::new() };
    view! { <crate::components::Timestamp epoch=epoch/> }
}

/// A fraction from 0 to 1 as a percentage in the user's language (`42%`).
pub fn pct(fraction: f64) -> String {
    format::percent(fraction * 100.0)
}

/// `used / capacity (pct)`.
pub fn usage_text(used: i64, capacity: i64) -> String {
    let share = lakedeck_api::alluxio_view::usage_fraction(used, capacity);
    t!(cache.usage_of, used = format::bytes(used), capacity = format::bytes(capacity), pct = pct(share))
}

/// The Cache views' tabs (links, so each view has its own address); `current` is `overview`,
/// `jobs`, `namespace`, `policies` or `maintenance`.
#[component]
pub fn CacheTabs(current: &'static str) -> impl IntoView {
    type Tab = (&'static str, &'static str, fn() -> String);
    let tabs: [Tab; 5] = [
        ("overview", "/cache", || t!(cache.tab_overview)),
        ("jobs", "/cache/jobs", || t!(cache.tab_jobs)),
        ("namespace", "/cache/namespace", || t!(cache.tab_namespace)),
        ("policies", "/cache/policies", || t!(cache.tab_policies)),
        ("maintenance", "/cache/maintenance", || t!(cache.tab_maintenance)),
    ];
    view! {
        <nav class="tabs cluster-tabs cache-tabs" aria-label=tr!(cache.tabs)>
            {tabs.into_iter().map(|(key, path, label)| view! {
                <a class="tab" id=format!("cache-tab-{key}") href=href(path) aria-current=(key == current).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
    }
}
