//! Cluster state chip: colour plus text (never colour only), with the current stage while the
//! cluster is changing.

use lakedeck_api::mrs::ClusterState;
use leptos::prelude::*;

use crate::t;

/// The state's name in the current language (tracked).
pub fn state_label(s: ClusterState) -> String {
    match s {
        ClusterState::Starting => t!(cluster_state.starting),
        ClusterState::Running => t!(cluster_state.running),
        ClusterState::Terminated => t!(cluster_state.terminated),
        ClusterState::Failed => t!(cluster_state.failed),
        ClusterState::Abnormal => t!(cluster_state.abnormal),
        ClusterState::Terminating => t!(cluster_state.terminating),
        ClusterState::Frozen => t!(cluster_state.frozen),
        ClusterState::ScalingOut => t!(cluster_state.scaling_out),
        ClusterState::ScalingIn => t!(cluster_state.scaling_in),
        ClusterState::Other => t!(cluster_state.unknown),
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

/// `data-state` carries the wire value (`running`, `scaling-out`, …). The stage text (the
/// service's, in the language the console asked for) shows for transitional and failed states.
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
