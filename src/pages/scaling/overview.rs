//! `/scaling`: every existing cluster's Task node groups with their auto-scaling policies (as the
//! V1.1 cluster list shows them), searchable by name and paged, each linking to its editor.

use lakedeck_api::paging::parse_bounded;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::query_string;
use crate::api::scaling::{overview, GroupPolicy, OverviewPage};
use crate::app::href;
use crate::components::{Column, DataTable, ErrorPanel, Pager, Spinner};
use crate::pages::clusters::cluster_type_label;
use crate::state::session::SessionExt;
use crate::state::{use_session, RefreshBus};
use crate::{t, tr};

const PAGE_SIZE: u32 = 20;

fn rules_of(p: &lakedeck_api::mrs_scaling::AutoScalingPolicy, kind: &str) -> usize {
    p.rules.as_deref().unwrap_or_default().iter().filter(|r| r.adjustment_type.as_deref() == Some(kind)).count()
}

#[component]
pub fn ScalingOverview() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let navigate = use_navigate();
    let name = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| parse_bounded(&p, 1, 1_000_000)).unwrap_or(1) as u32));
    let go = Callback::new(move |(q, p): (String, u32)| {
        let qs = query_string(&[("q", q.trim().to_string()), ("page", if p > 1 { p.to_string() } else { String::new() })]);
        navigate(&format!("/scaling{qs}"), Default::default());
    });
    let data = LocalResource::new(move || {
        refresh.track();
        let (n, p) = (name.get(), page.get());
        let client = session.client();
        async move { overview(&client, PAGE_SIZE, p, &n).await }
    });
    let result = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned())).unwrap_or_default());
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let rows = Memo::new(move |_| result.with(|r: &OverviewPage| r.rows.clone()));
    let search = RwSignal::new(name.get_untracked());

    let columns = vec![
        Column::new(tr!(clusters.col_name), |r: &GroupPolicy| {
            view! { <a class="cluster-name" href=href(&format!("/clusters/{}", r.cluster_id))>{r.cluster_name.clone()}</a> }
        }),
        Column::new(tr!(clusters.col_type), |r: &GroupPolicy| {
            let code = r.cluster_type.map(|k| k.code()).unwrap_or(-1);
            move || cluster_type_label(code)
        }),
        Column::new(tr!(scaling.node_group), |r: &GroupPolicy| {
            if r.group.is_empty() {
                view! { <span class="muted">{tr!(scaling.no_task_group_short)}</span> }.into_any()
            } else {
                view! { <code class="mono">{r.group.clone()}</code> }.into_any()
            }
        }),
        Column::new(tr!(clusters.col_nodes), |r: &GroupPolicy| r.nodes.to_string()).class("num"),
        Column::new(tr!(scaling.col_policy), |r: &GroupPolicy| {
            let (tone, on) = match r.policy.as_ref().map(|p| p.auto_scaling_enable == Some(true)) {
                Some(true) => ("ok", Some(true)),
                Some(false) => ("muted", Some(false)),
                None => ("muted", None),
            };
            view! {
                <span class=format!("state-chip tone-{tone}") data-policy=match on { Some(true) => "on", Some(false) => "off", None => "none" }>
                    <span class="dot" aria-hidden="true"></span>
                    {move || match on { Some(true) => t!(scaling.state_on), Some(false) => t!(scaling.state_off), None => t!(scaling.state_none) }}
                </span>
            }
        }),
        Column::new(tr!(scaling.col_range), |r: &GroupPolicy| {
            r.policy.as_ref().map(|p| format!("{}–{}", p.min_capacity.unwrap_or(0), p.max_capacity.unwrap_or(0))).unwrap_or_else(|| "—".into())
        })
        .class("num"),
        Column::new(tr!(scaling.col_plans), |r: &GroupPolicy| {
            r.policy.as_ref().map(|p| p.resources_plans.as_ref().map_or(0, Vec::len).to_string()).unwrap_or_else(|| "—".into())
        })
        .class("num"),
        Column::new(tr!(scaling.col_rules), |r: &GroupPolicy| {
            let p = r.policy.clone();
            move || p.as_ref().map(|p| t!(scaling.rules_out_in, outs = rules_of(p, "scale_out"), ins = rules_of(p, "scale_in"))).unwrap_or_else(|| "—".into())
        }),
        Column::new(String::new, |r: &GroupPolicy| {
            let target = if r.group.is_empty() {
                format!("/clusters/{}/scaling", r.cluster_id)
            } else {
                format!("/clusters/{}/scaling?group={}", r.cluster_id, crate::api::encode_component(&r.group))
            };
            let has = r.policy.is_some();
            view! { <a class="btn btn-sm edit-policy" href=href(&target)>{move || if has { t!(scaling.edit) } else { t!(scaling.create) }}</a> }
        })
        .class("col-actions"),
    ];

    view! {
        <section class="page" aria-labelledby="scaling-overview-title" id="scaling-overview">
            <header class="page-head">
                <h1 id="scaling-overview-title">{tr!(scaling.overview_title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <p class="hint">{tr!(scaling.overview_hint)}</p>
            <form class="filters" role="search" on:submit=move |ev| { ev.prevent_default(); go.run((search.get_untracked(), 1)); }>
                <div class="filter">
                    <label for="scaling-search">{tr!(clusters.search)}</label>
                    <input id="scaling-search" type="search" class="input" placeholder=tr!(clusters.search_placeholder)
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                </div>
            </form>
            {move || error.get().map(|e| view! {
                <ErrorPanel error=e title=tr!(clusters.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
            })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=rows columns=columns row_key=|r: &GroupPolicy| format!("{}/{}", r.cluster_id, r.group) key_attr="data-row"
                    caption=tr!(scaling.overview_title) empty=move || t!(clusters.empty_filtered)/>
            </Transition>
            <div class="table-foot">
                <span></span>
                <Pager id="scaling-pager" label=tr!(clusters.pages) page=page page_size=Signal::derive(|| PAGE_SIZE)
                    total=Signal::derive(move || result.with(|r| r.total))
                    on_page=Callback::new(move |p| go.run((name.get_untracked(), p)))/>
            </div>
        </section>
    }
}
