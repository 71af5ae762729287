//! Cluster state chip: colour plus text (never colour only), with the current stage while the
//! cluster is changing.

use lakedeck_api::mrs::ClusterState;
use leptos::prelude::*;

pub fn state_label(s: ClusterState) -> &'static str {
    match s {
        ClusterState::Starting => "Starting",
        ClusterState::Running => "Running",
        ClusterState::Terminated => "Terminated",
        ClusterState::Failed => "Failed",
        ClusterState::Abnormal => "Abnormal",
        ClusterState::Terminating => "Terminating",
        ClusterState::Frozen => "Frozen",
        ClusterState::ScalingOut => "Scaling out",
        ClusterState::ScalingIn => "Scaling in",
        ClusterState::Other => "Unknown",
    }
}

fn tone(s: ClusterState) -> &'static str {
    match s {
        ClusterState::Running => "ok",
        ClusterState::Failed | ClusterState::Abnormal => "bad",
        ClusterState::Terminated | ClusterState::Frozen | ClusterState::Other => "muted",
        _ => "busy",
    }
}

/// `data-state` carries the wire value (`running`, `scaling-out`, …). The stage text shows for
/// transitional and failed states.
#[component]
pub fn StateChip(
    #[prop(into)] state: Signal<ClusterState>,
    #[prop(optional, into)] stage: Signal<String>,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let stage_text = move || {
        let s = state.get();
        let show = s.is_transitional() || matches!(s, ClusterState::Failed | ClusterState::Abnormal);
        let text = stage.get();
        (show && !text.trim().is_empty()).then(|| view! { <span class="stage">{text}</span> }.into_any())
    };
    view! {
        <span
            class=move || format!("state-chip tone-{}", tone(state.get()))
            data-state=move || state.get().as_str()
            id=id
        >
            <span class="dot" aria-hidden="true"></span>
            <span class="state-label">{move || state_label(state.get())}</span>
            {move || stage_text()}
        </span>
    }
}
