//! `/clusters/:id`: overview, node groups with expand/shrink, nodes (V2 ListNodes, paged), inline
//! rename and delete with typed-name confirmation. Polls while the cluster is changing.

use std::time::Duration;

use lakedeck_api::catalog::group_role;
use lakedeck_api::mrs::{Cluster, ClusterNode, ClusterState, NodeGroupV10};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::{validate_expand, validate_rename, validate_shrink};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::cluster_type_label;
use crate::api::mrs::{delete_cluster, expand_cluster, get_cluster, list_nodes, rename_cluster, shrink_cluster};
use crate::api::ApiError;
use crate::app::href;
use crate::components::{
    described_by, Column, CopyButton, DataTable, Dialog, ErrorPanel, FormField, Pager, ProgressBar, Spinner, StateChip,
    TextField, Timestamp, When,
};
use crate::state::session::SessionExt;
use crate::i18n::problem;
use crate::state::{load, load_error, run_effect, use_adaptive_polling, use_session, LoadResult, Loaded, RefreshBus};
use crate::{t, tr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleKind {
    Expand,
    Shrink,
}

/// Core + Task nodes of a cluster (what the 500-node limit counts).
pub fn core_task_nodes(c: &Cluster) -> i64 {
    c.all_node_groups().filter(|g| group_role(&g.group_name) != "Master").map(|g| g.node_num.max(0)).sum()
}

/// Why a cluster cannot be deleted right now, or None when it can (tracked).
pub fn delete_blocked_reason(state: ClusterState) -> Option<String> {
    (!state.can_delete()).then(|| t!(cluster.delete_blocked, state = crate::components::state_label(state)))
}

/// Why a group cannot be scaled right now, or None when it can (tracked).
pub fn scale_blocked_reason(state: ClusterState, group: &str) -> Option<String> {
    if group_role(group) == "Master" {
        Some(problem(&Problem::new("scale.master")))
    } else if !state.can_scale() {
        Some(t!(cluster.scale_blocked, state = crate::components::state_label(state)))
    } else {
        None
    }
}

#[component]
pub fn ClusterDetail() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let cluster_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));

    let transitional = RwSignal::new(false);
    let tick = use_adaptive_polling(Duration::from_secs(3), transitional);
    let data = load(move || {
        tick.track();
        refresh.track();
        let id = cluster_id.get();
        let client = session.client();
        Box::pin(async move { get_cluster(&client, &id).await.map(|c| Loaded::Cluster(Box::new(c))) })
    });
    let refreshing = RwSignal::new(false);

    view! {
        <section class="page" id="cluster-detail" data-cluster-id=move || cluster_id.get()>
            <nav class="breadcrumb" aria-label=tr!(common.breadcrumb)>
                <a href=href("/clusters")>{tr!(nav.clusters)}</a>
                <span aria-hidden="true">" / "</span>
                <span aria-current="page" id="crumb-cluster">{move || data.with(|d| match d {
                    Some(Ok(Loaded::Cluster(c))) if !c.cluster_name.is_empty() => c.cluster_name.clone(),
                    _ => cluster_id.get(),
                })}</span>
            </nav>
            <super::ClusterTabs cluster_id=cluster_id current="overview"/>
            <ProgressBar busy=refreshing label=tr!(cluster.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(cluster.loading)/> } set_pending=refreshing.write_only()>
                <DetailBody data=data cluster_id=cluster_id transitional=transitional tick=tick/>
            </Transition>
        </section>
    }
}

#[component]
fn DetailBody(
    data: LocalResource<LoadResult>,
    cluster_id: Memo<String>,
    transitional: RwSignal<bool>,
    /// The page's polling tick: every panel reloads on it, so none shows an older state than another.
    tick: RwSignal<u64>,
) -> impl IntoView {
    let refresh = expect_context::<RefreshBus>();
    let cluster = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Loaded::Cluster(c))) => Some(Cluster::clone(c)),
        _ => None,
    }));
    let error = load_error(data);
    run_effect(move || transitional.set(cluster.with(|c| c.as_ref().is_some_and(|c| c.cluster_state.is_transitional()))));

    let state = Signal::derive(move || cluster.with(|c| c.as_ref().map(|c| c.cluster_state).unwrap_or_default()));
    let stage = Signal::derive(move || cluster.with(|c| c.as_ref().map(|c| c.stage_desc.clone()).unwrap_or_default()));
    let name = Signal::derive(move || cluster.with(|c| c.as_ref().map(|c| c.cluster_name.clone()).unwrap_or_default()));

    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(cluster.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || cluster.with(Option::is_some)>
            <header class="page-head detail-head">
                <div class="title-block">
                    <RenameTitle cluster_id=cluster_id name=name state=state/>
                    <StateChip state=state stage=stage id="cluster-state"/>
                </div>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                    <DeleteButton cluster_id=cluster_id name=name state=state/>
                </div>
            </header>
            {move || cluster.with(|c| c.as_ref().and_then(|c| (!c.error_info.is_empty()).then(|| c.error_info.clone())))
                .map(|info| view! { <p class="notice notice-bad" role="status">{info}</p> }.into_any())}
            <Overview cluster=cluster/>
            <NodeGroups cluster=cluster cluster_id=cluster_id/>
            <crate::pages::tags::ClusterTags cluster_id=cluster_id
                editable=Signal::derive(move || !matches!(state.get(), ClusterState::Terminating | ClusterState::Terminated | ClusterState::Failed))/>
            <Nodes cluster_id=cluster_id tick=tick/>
        </When>
    }
}

/// Title with inline rename. Validation uses the shared rules; a server refusal shows the vendor
/// error and keeps the typed name.
#[component]
fn RenameTitle(cluster_id: Memo<String>, name: Signal<String>, state: Signal<ClusterState>) -> impl IntoView {
    let read_only = crate::state::use_read_only();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);

    let field_error = Signal::derive(move || {
        if !touched.get() {
            return None;
        }
        validate_rename(state.get(), &draft.get()).err().map(|e| problem(&e.problem))
    });
    let start = move |_| {
        draft.set(name.get_untracked());
        touched.set(false);
        server_error.set(None);
        editing.set(true);
        request_focus("rename-input");
    };
    let cancel = move || {
        editing.set(false);
        server_error.set(None);
        request_focus("rename-cluster");
    };
    let save = move || {
        touched.set(true);
        let new_name = draft.get_untracked();
        if validate_rename(state.get_untracked(), &new_name).is_err() || saving.get_untracked() {
            return;
        }
        if new_name == name.get_untracked() {
            editing.set(false);
            return;
        }
        let client = session.client_untracked();
        let id = cluster_id.get_untracked();
        saving.set(true);
        server_error.set(None);
        leptos::task::spawn_local(async move {
            let res = rename_cluster(&client, &id, &new_name).await;
            let _ = saving.try_set(false);
            match res {
                Ok(_) => {
                    let _ = editing.try_set(false);
                    refresh.bump();
                    request_focus("rename-cluster");
                }
                Err(e) => {
                    let _ = server_error.try_set(Some(e));
                }
            }
        });
    };

    view! {
        <When
            when=move || editing.get()
            fallback=move || view! {
                <h1 id="cluster-title">{move || name.get()}</h1>
                <button type="button" class="btn btn-sm" id="rename-cluster"
                    disabled=move || !state.get().can_rename() || read_only.with(Option::is_some)
                    title=move || read_only.get().unwrap_or_else(|| if state.get().can_rename() { t!(cluster.rename_title) } else { t!(cluster.rename_blocked, state = crate::components::state_label(state.get())) })
                    on:click=start>
                    {tr!(cluster.rename)}
                </button>
            }
        >
            <form class="rename-form" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <FormField id="rename-input" label=tr!(cluster.new_name) error=field_error>
                    <input id="rename-input" class="input" type="text" autocomplete="off"
                        aria-describedby=described_by("rename-input")
                        aria-invalid=move || field_error.with(|e| e.is_some()).to_string()
                        prop:value=move || draft.get()
                        on:input=move |ev| { draft.set(event_target_value(&ev)); touched.set(true); }
                        on:keydown=move |ev| if ev.key() == "Escape" { ev.prevent_default(); cancel(); } />
                </FormField>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary btn-sm" id="rename-save"
                        disabled=move || saving.get()>{move || if saving.get() { t!(common.saving) } else { t!(common.save) }}</button>
                    <button type="button" class="btn btn-sm" id="rename-cancel" on:click=move |_| cancel()>{tr!(common.cancel)}</button>
                </div>
                {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cluster.rename_failed)/> })}
            </form>
        </When>
    }
}

/// Focuses an element by id after the current render.
fn request_focus(id: &'static str) {
    set_timeout(
        move || {
            use wasm_bindgen::JsCast;
            if let Some(el) = document().get_element_by_id(id) {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        },
        Duration::from_millis(0),
    );
}

#[component]
fn DeleteButton(cluster_id: Memo<String>, name: Signal<String>, state: Signal<ClusterState>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let read_only = crate::state::use_read_only();
    let reason = Signal::derive(move || read_only.get().or_else(|| delete_blocked_reason(state.get())));
    let matches = move || typed.with(|t| t == &name.get());

    let confirm = move || {
        if !matches() || busy.get_untracked() {
            return;
        }
        let client = session.client_untracked();
        let id = cluster_id.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let res = delete_cluster(&client, &id).await;
            let _ = busy.try_set(false);
            match res {
                Ok(()) => {
                    let _ = open.try_set(false);
                    refresh.bump();
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
        });
    };

    view! {
        <button type="button" class="btn btn-danger" id="delete-cluster"
            disabled=move || reason.with(Option::is_some)
            aria-describedby="delete-reason"
            on:click=move |_| { typed.set(String::new()); error.set(None); open.set(true); }>
            {tr!(common.delete)}
        </button>
        <span id="delete-reason" class="hint delete-reason">{move || reason.get()}</span>
        <Dialog open=open on_close=Callback::new(move |_| open.set(false)) title=tr!(cluster.delete_title) id="delete-dialog"
            initial_focus="#delete-confirm-name">
            <form on:submit=move |ev| { ev.prevent_default(); confirm(); }>
                <p>
                    {tr!(cluster.delete_text_before)} <strong>{move || name.get()}</strong>
                    {tr!(cluster.delete_text_after)}
                </p>
                <FormField id="delete-confirm-name" label=tr!(cluster.delete_confirm_label)>
                    <input id="delete-confirm-name" class="input" type="text" autocomplete="off"
                        aria-describedby=described_by("delete-confirm-name")
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))/>
                </FormField>
                {move || error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cluster.delete_failed)/> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-danger" id="delete-confirm"
                        disabled=move || !matches() || busy.get()>
                        {move || if busy.get() { t!(common.deleting) } else { t!(cluster.delete_title) }}
                    </button>
                    <button type="button" class="btn" on:click=move |_| open.set(false)>{tr!(common.cancel)}</button>
                </div>
            </form>
        </Dialog>
    }
}

fn fact(label: fn() -> String, value: impl IntoView + 'static) -> impl IntoView {
    view! { <dt>{label}</dt><dd>{value}</dd> }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() { "—".into() } else { s.to_string() }
}

/// "8 in all (2 master, 4 core, 2 task)"; the task part only when task groups hold nodes (tracked).
pub fn node_summary(c: &Cluster) -> String {
    let task: i64 = c.task_node_groups.iter().map(|g| g.node_num.max(0)).sum();
    let (total, master, core) = (or_dash(&c.total_node_num), or_dash(&c.master_node_num), or_dash(&c.core_node_num));
    if task > 0 {
        t!(cluster.nodes_summary_task, total = total, master = master, core = core, task = task)
    } else {
        t!(cluster.nodes_summary, total = total, master = master, core = core)
    }
}

#[component]
fn Overview(cluster: Memo<Option<Cluster>>) -> impl IntoView {
    move || {
        cluster.get().map(|c| {
            let kerberos = c.safe_mode == 1;
            let az = if c.az_code.is_empty() { c.az_name.clone() } else { c.az_code.clone() };
            let ips = [
                (1, c.eip_address.clone()),
                (2, c.external_ip.clone()),
                (3, c.internal_ip.clone()),
                (4, c.master_node_ip.clone()),
            ];
            let ips = move || {
                let list: Vec<String> = ips
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| match k {
                        1 => t!(cluster.ip_manager, ip = v),
                        2 => t!(cluster.ip_external, ip = v),
                        3 => t!(cluster.ip_internal, ip = v),
                        _ => t!(cluster.ip_master, ip = v),
                    })
                    .collect();
                if list.is_empty() { "—".to_string() } else { crate::i18n::format::list(&list) }
            };
            let billing_type = c.billing_type.clone();
            let billing_since = !c.charging_start_time.is_empty();
            let billing = move || match (billing_type.trim().is_empty(), billing_since) {
                (true, _) => "—".to_string(),
                (false, true) => t!(cluster.billing_since, billing = billing_type.trim()),
                (false, false) => billing_type.trim().to_string(),
            };
            let tags = c.tag_pairs();
            let components = c.component_list.clone();
            let code = c.cluster_type;
            let summary = c.clone();
            let log_on = c.log_collection == 1;
            view! {
                <div class="grid-2">
                    <section class="card" aria-labelledby="overview-title">
                        <h2 id="overview-title">{tr!(cluster.tab_overview)}</h2>
                        <dl class="facts">
                            {fact(|| t!(clusters.col_id), view! { <span class="id-cell"><code class="mono">{c.cluster_id.clone()}</code><CopyButton text=c.cluster_id.clone() label=tr!(clusters.copy_id)/></span> })}
                            {fact(|| t!(clusters.col_version), c.cluster_version.clone())}
                            {fact(|| t!(clusters.col_type), move || cluster_type_label(code))}
                            {fact(|| t!(cluster.safe_mode), move || if kerberos { t!(cluster.safe_kerberos) } else { t!(cluster.safe_normal) })}
                            {fact(|| t!(cluster.region_az), format!("{} / {}", or_dash(&c.data_center), or_dash(&az)))}
                            {fact(|| t!(cluster.vpc_subnet), format!("{} / {}", or_dash(&c.vpc), or_dash(&c.subnet_name)))}
                            {fact(|| t!(cluster.ips), ips)}
                            {fact(|| t!(cluster.key_pair), or_dash(&c.node_public_cert_name))}
                            {fact(|| t!(clusters.col_nodes), move || node_summary(&summary))}
                            {fact(|| t!(cluster.billing), view! { {billing} " " <Timestamp epoch=c.charging_start_time.clone()/> })}
                            {fact(|| t!(cluster.log_collection), move || if log_on { t!(common.on) } else { t!(common.off) })}
                            {fact(|| t!(clusters.col_created), view! { <Timestamp epoch=c.create_at.clone()/> })}
                            {fact(|| t!(cluster.updated), view! { <Timestamp epoch=c.update_at.clone()/> })}
                            {fact(|| t!(clusters.col_tags), view! {
                                <ul class="tag-list">
                                    {if tags.is_empty() { Some(view! { <li class="muted">{tr!(common.none)}</li> }) } else { None }}
                                    {tags.into_iter().map(|t| view! { <li class="tag">{format!("{}={}", t.key, t.value)}</li> }).collect_view()}
                                </ul>
                            })}
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="components-title">
                        <h2 id="components-title">{tr!(cluster.components)}</h2>
                        <ul class="component-list">
                            {if components.is_empty() { Some(view! { <li class="muted">{tr!(cluster.no_components)}</li> }) } else { None }}
                            {components.into_iter().map(|comp| view! {
                                <li><span class="comp-name">{comp.component_name}</span> " " <span class="muted">{comp.component_version}</span></li>
                            }).collect_view()}
                        </ul>
                    </section>
                </div>
            }
        })
    }
}

/// `2 × SAS 600 GB` (tracked).
fn disk(kind: &str, size: i64, count: Option<i64>) -> String {
    if size <= 0 {
        return "—".into();
    }
    match count {
        Some(n) if n <= 0 => t!(common.none),
        Some(n) => t!(cluster.disks, count = n, kind = kind, size = size),
        None => t!(cluster.disk, kind = kind, size = size),
    }
}

#[component]
fn NodeGroups(cluster: Memo<Option<Cluster>>, cluster_id: Memo<String>) -> impl IntoView {
    let groups = Memo::new(move |_| cluster.with(|c| c.as_ref().map(|c| c.all_node_groups().cloned().collect::<Vec<_>>()).unwrap_or_default()));
    let state = Signal::derive(move || cluster.with(|c| c.as_ref().map(|c| c.cluster_state).unwrap_or_default()));
    let read_only = crate::state::use_read_only();
    let scale = RwSignal::new(None::<(ScaleKind, String)>);

    let columns = vec![
        Column::new(tr!(cluster.col_group), |g: &NodeGroupV10| view! { <code class="mono">{g.group_name.clone()}</code> }),
        Column::text(tr!(cluster.col_role), |g: &NodeGroupV10| group_role(&g.group_name).to_string()),
        Column::new(tr!(clusters.col_nodes), |g: &NodeGroupV10| view! { <span class="node-num">{g.node_num}</span> }).class("num"),
        Column::text(tr!(cluster.col_flavor), |g: &NodeGroupV10| or_dash(&g.node_size)),
        Column::new(tr!(cluster.col_system_disk), |g: &NodeGroupV10| {
            let (kind, size) = (g.root_volume_type.clone(), g.root_volume_size);
            move || disk(&kind, size, None)
        }),
        Column::new(tr!(cluster.col_data_disks), |g: &NodeGroupV10| {
            let (kind, size, count) = (g.data_volume_type.clone(), g.data_volume_size, g.data_volume_count);
            move || disk(&kind, size, Some(count))
        }),
        Column::new(tr!(cluster.col_scale), move |g: &NodeGroupV10| {
            let name = g.group_name.clone();
            let n1 = name.clone();
            let n2 = name.clone();
            let reason = Signal::derive(move || read_only.get().or_else(|| scale_blocked_reason(state.get(), &name)));
            view! {
                <span class="row-actions">
                    <button type="button" class="btn btn-sm expand-group" disabled=move || reason.with(Option::is_some)
                        title=move || reason.get().unwrap_or_else(|| t!(cluster.add_nodes))
                        aria-label={ let n = n1.clone(); move || t!(cluster.add_nodes_to, group = n) }
                        on:click={ let n = n1.clone(); move |_| scale.set(Some((ScaleKind::Expand, n.clone()))) }>
                        {tr!(cluster.add)}
                    </button>
                    <button type="button" class="btn btn-sm shrink-group" disabled=move || reason.with(Option::is_some)
                        title=move || reason.get().unwrap_or_else(|| t!(cluster.remove_nodes))
                        aria-label={ let n = n2.clone(); move || t!(cluster.remove_nodes_from, group = n) }
                        on:click={ let n = n2.clone(); move |_| scale.set(Some((ScaleKind::Shrink, n.clone()))) }>
                        {tr!(cluster.remove)}
                    </button>
                </span>
            }
        }),
    ];

    view! {
        <section class="card" aria-labelledby="groups-title">
            <h2 id="groups-title">{tr!(cluster.node_groups)}</h2>
            <DataTable rows=groups columns=columns row_key=|g: &NodeGroupV10| g.group_name.clone() key_attr="data-group"
                caption=tr!(cluster.node_groups) empty=tr!(cluster.no_node_groups)/>
        </section>
        <ScaleDialog scale=scale cluster=cluster cluster_id=cluster_id/>
    }
}

#[component]
fn ScaleDialog(scale: RwSignal<Option<(ScaleKind, String)>>, cluster: Memo<Option<Cluster>>, cluster_id: Memo<String>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let count = RwSignal::new("1".to_string());
    let touched = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);
    run_effect(move || {
        if scale.with(Option::is_some) {
            count.set("1".into());
            touched.set(false);
            server_error.set(None);
        }
    });

    let check = move || -> Result<(ScaleKind, String, i64), String> {
        let Some((kind, group)) = scale.get() else { return Err(String::new()) };
        let n: i64 = count.get().trim().parse().map_err(|_| t!(cluster.count_not_number))?;
        let role = group_role(&group);
        let (now_group, now_core_task) = cluster.with(|c| {
            c.as_ref()
                .map(|c| (c.all_node_groups().find(|g| g.group_name == group).map(|g| g.node_num).unwrap_or(0), core_task_nodes(c)))
                .unwrap_or((0, 0))
        });
        match kind {
            ScaleKind::Expand => validate_expand(role, n, now_core_task),
            ScaleKind::Shrink => validate_shrink(role, n, now_group),
        }
        .map_err(|e| problem(&e.problem))?;
        Ok((kind, group, n))
    };
    let field_error = Signal::derive(move || if touched.get() { check().err().filter(|e| !e.is_empty()) } else { None });
    let title = move || match scale.get() {
        Some((ScaleKind::Expand, g)) => t!(cluster.add_nodes_to, group = g),
        Some((ScaleKind::Shrink, g)) => t!(cluster.remove_nodes_from, group = g),
        None => String::new(),
    };
    let current = move || {
        scale.get().map(|(_, g)| {
            cluster.with(|c| c.as_ref().and_then(|c| c.all_node_groups().find(|x| x.group_name == g).map(|x| x.node_num)).unwrap_or(0))
        })
    };
    let submit = move || {
        touched.set(true);
        let Ok((kind, group, n)) = check() else { return };
        if busy.get_untracked() {
            return;
        }
        let client = session.client_untracked();
        let id = cluster_id.get_untracked();
        busy.set(true);
        server_error.set(None);
        leptos::task::spawn_local(async move {
            let res = match kind {
                ScaleKind::Expand => expand_cluster(&client, &id, &group, n).await.map(|_| ()),
                ScaleKind::Shrink => shrink_cluster(&client, &id, &group, n).await.map(|_| ()),
            };
            let _ = busy.try_set(false);
            match res {
                Ok(()) => {
                    let _ = scale.try_set(None);
                    refresh.bump();
                }
                Err(e) => {
                    let _ = server_error.try_set(Some(e));
                }
            }
        });
    };

    view! {
        <Dialog open=Signal::derive(move || scale.with(Option::is_some)) on_close=Callback::new(move |_| scale.set(None))
            title=tr!(cluster.scale_title) id="scale-dialog" initial_focus="#scale-count">
            <form on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <p class="dialog-lead">{move || title()}</p>
                <p class="hint">{move || current().map(|n| t!(cluster.group_has, count = n))}</p>
                <TextField id="scale-count" label=tr!(cluster.count_label) value=count input_type="number" min="1"
                    on_input=Callback::new(move |v| { count.set(v); touched.set(true); })
                    error=field_error required=true/>
                {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cluster.scale_failed)/> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="scale-confirm" disabled=move || busy.get()>
                        {move || if busy.get() { t!(common.submitting) } else { t!(common.confirm) }}
                    </button>
                    <button type="button" class="btn" on:click=move |_| scale.set(None)>{tr!(common.cancel)}</button>
                </div>
            </form>
        </Dialog>
    }
}

#[component]
fn Nodes(cluster_id: Memo<String>, tick: RwSignal<u64>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let page = RwSignal::new(1u32);
    let size = RwSignal::new(10u32);
    // Read again with the overview and node groups (the page's tick and refresh), so after an
    // expand or shrink the nodes follow the cluster as it scales instead of waiting for Refresh.
    let nodes = load(move || {
        refresh.track();
        tick.track();
        let (id, p, s) = (cluster_id.get(), page.get(), size.get());
        let client = session.client();
        Box::pin(async move { list_nodes(&client, &id, s, p).await.map(Loaded::Nodes) })
    });
    let rows = Memo::new(move |_| nodes.with(|n| match n {
        Some(Ok(Loaded::Nodes(r))) => r.nodes.clone(),
        _ => Vec::new(),
    }));
    let total = Memo::new(move |_| nodes.with(|n| match n {
        Some(Ok(Loaded::Nodes(r))) => r.node_total,
        _ => 0,
    }));
    let error = load_error(nodes);
    let columns = vec![
        Column::new(tr!(cluster.col_node), |n: &ClusterNode| view! { <code class="mono">{n.node_name.clone()}</code> }),
        Column::text(tr!(cluster.col_group), |n: &ClusterNode| n.node_group_name.clone()),
        Column::text(tr!(clusters.col_type), |n: &ClusterNode| n.node_type.clone()),
        Column::text(tr!(cluster.col_internal_ip), |n: &ClusterNode| or_dash(&n.server_info.internal_ip)),
        Column::new(tr!(cluster.col_cpu_mem), |n: &ClusterNode| {
            let (cpu, mem) = (or_dash(&n.server_info.cpu), or_dash(&n.server_info.mem));
            move || t!(cluster.cpu_mem, cpu = cpu, mem = mem)
        }),
        Column::text(tr!(cluster.col_status), |n: &ClusterNode| or_dash(&n.node_status)),
        Column::new(tr!(cluster.col_resource_id), |n: &ClusterNode| view! { <code class="mono small">{n.resource_id.clone()}</code> }),
    ];
    view! {
        <section class="card" aria-labelledby="nodes-title">
            <h2 id="nodes-title">{tr!(cluster.nodes)}</h2>
            {move || error.get().map(|e| view! {
                <ErrorPanel error=e title=tr!(cluster.nodes_failed) on_retry=Callback::new(move |_| nodes.refetch())/>
            })}
            <DataTable rows=rows columns=columns row_key=|n: &ClusterNode| n.resource_id.clone() key_attr="data-node"
                caption=tr!(cluster.nodes) empty=tr!(cluster.no_nodes)/>
            <div class="table-foot">
                <Pager id="nodes-pager" label=tr!(cluster.node_pages) page=page page_size=size total=total
                    on_page=Callback::new(move |p| page.set(p))
                    on_size=Callback::new(move |s| { size.set(s); page.set(1); })/>
            </div>
        </section>
    }
}
