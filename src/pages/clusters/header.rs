//! The header the cluster-scoped views share: breadcrumb with the cluster's name and the tabs
//! Overview · Jobs · Files · Scaling (links, so each view has its own address).

use leptos::prelude::*;

use crate::api::mrs::get_cluster;
use crate::app::href;
use crate::state::session::SessionExt;
use crate::state::{load, use_session, Loaded};
use crate::tr;

/// Tabs of a cluster's views; `current` is `overview`, `jobs`, `files` or `scaling`.
#[component]
pub fn ClusterTabs(#[prop(into)] cluster_id: Signal<String>, current: &'static str) -> impl IntoView {
    let tab = move |key: &'static str, label: fn() -> String, suffix: &'static str| {
        view! {
            <a class="tab" id=format!("cluster-tab-{key}") href=move || href(&format!("/clusters/{}{suffix}", cluster_id.get()))
                aria-current=(key == current).then_some("page")>{label}</a>
        }
    };
    view! {
        <nav class="tabs cluster-tabs" aria-label=tr!(cluster.tabs_label)>
            {tab("overview", || crate::t!(cluster.tab_overview), "")}
            {tab("jobs", || crate::t!(nav.jobs), "/jobs")}
            {tab("files", || crate::t!(files.title), "/files")}
            {tab("scaling", || crate::t!(scaling.title), "/scaling")}
        </nav>
    }
}

/// Breadcrumb (Clusters / name) and tabs for the views below a cluster's overview.
#[component]
pub fn ClusterHeader(#[prop(into)] cluster_id: Signal<String>, current: &'static str) -> impl IntoView {
    let session = use_session();
    let cluster = load(move || {
        let id = cluster_id.get();
        let client = session.client();
        Box::pin(async move { get_cluster(&client, &id).await.map(|c| Loaded::Cluster(Box::new(c))) })
    });
    let name = move || {
        cluster.with(|c| match c {
            Some(Ok(Loaded::Cluster(c))) if !c.cluster_name.is_empty() => c.cluster_name.clone(),
            _ => cluster_id.get(),
        })
    };
    view! {
        <nav class="breadcrumb" aria-label=tr!(common.breadcrumb)>
            <a href=href("/clusters")>{tr!(nav.clusters)}</a>
            <span aria-hidden="true">" / "</span>
            <a id="crumb-cluster" href=move || href(&format!("/clusters/{}", cluster_id.get()))>{name}</a>
        </nav>
        <ClusterTabs cluster_id=cluster_id current=current/>
    }
}
