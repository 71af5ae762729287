//! `/clusters/:id`: overview, node groups with expand/shrink, nodes (V2 ListNodes, paged), inline
//! rename and delete with typed-name confirmation. Polls while the cluster is changing.

use std::time::Duration;

use lakedeck_api::catalog::group_role;
use lakedeck_api::mrs::{Cluster, ClusterNode, ClusterState, NodeGroupV10};
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
use crate::state::{load, load_error, run_effect, use_adaptive_polling, use_session, LoadResult, Loaded, RefreshBus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleKind {
    Expand,
    Shrink,
}

/// Core + Task nodes of a cluster (what the 500-node limit counts).
pub fn core_task_nodes(c: &Cluster) -> i64 {
    c.all_node_groups().filter(|g| group_role(&g.group_name) != "Master").map(|g| g.node_num.max(0)).sum()
}

/// Why a cluster cannot be deleted right now, or None when it can.
pub fn delete_blocked_reason(state: ClusterState) -> Option<String> {
    (!state.can_delete()).then(|| {
        format!("A {} cluster cannot be deleted; only running or abnormal clusters can.", state.as_str())
    })
}

/// Why a group cannot be scaled right now, or None when it can.
pub fn scale_blocked_reason(state: ClusterState, group: &str) -> Option<String> {
    if group_role(group) == "Master" {
        Some("Master node groups cannot be scaled.".into())
    } else if !state.can_scale() {
        Some(format!("Only running clusters can be scaled; this one is {}.", state.as_str()))
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
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <a href=href("/clusters")>"Clusters"</a>
                <span aria-hidden="true">" / "</span>
                <span aria-current="page">{move || cluster_id.get()}</span>
            </nav>
            <super::ClusterTabs cluster_id=cluster_id current="overview"/>
            <ProgressBar busy=refreshing label="Refreshing cluster"/>
            <Transition fallback=|| view! { <Spinner label="Loading cluster…"/> } set_pending=refreshing.write_only()>
                <DetailBody data=data cluster_id=cluster_id transitional=transitional/>
            </Transition>
        </section>
    }
}

#[component]
fn DetailBody(
    data: LocalResource<LoadResult>,
    cluster_id: Memo<String>,
    transitional: RwSignal<bool>,
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
            <ErrorPanel error=e title="Could not load the cluster" on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || cluster.with(Option::is_some)>
            <header class="page-head detail-head">
                <div class="title-block">
                    <RenameTitle cluster_id=cluster_id name=name state=state/>
                    <StateChip state=state stage=stage id="cluster-state"/>
                </div>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title="Refresh (r)">"Refresh"</button>
                    <DeleteButton cluster_id=cluster_id name=name state=state/>
                </div>
            </header>
            {move || cluster.with(|c| c.as_ref().and_then(|c| (!c.error_info.is_empty()).then(|| c.error_info.clone())))
                .map(|info| view! { <p class="notice notice-bad" role="status">{info}</p> }.into_any())}
            <Overview cluster=cluster/>
            <NodeGroups cluster=cluster cluster_id=cluster_id/>
            <Nodes cluster_id=cluster_id/>
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
        validate_rename(state.get(), &draft.get()).err().map(|e| e.message)
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
                    title=move || read_only.get().unwrap_or_else(|| if state.get().can_rename() { "Rename the cluster".to_string() } else { format!("A {} cluster cannot be renamed.", state.get().as_str()) })
                    on:click=start>
                    "Rename"
                </button>
            }
        >
            <form class="rename-form" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <FormField id="rename-input" label="New cluster name" error=field_error>
                    <input id="rename-input" class="input" type="text" autocomplete="off"
                        aria-describedby=described_by("rename-input")
                        aria-invalid=move || field_error.with(|e| e.is_some()).to_string()
                        prop:value=move || draft.get()
                        on:input=move |ev| { draft.set(event_target_value(&ev)); touched.set(true); }
                        on:keydown=move |ev| if ev.key() == "Escape" { ev.prevent_default(); cancel(); } />
                </FormField>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary btn-sm" id="rename-save"
                        disabled=move || saving.get()>{move || if saving.get() { "Saving…" } else { "Save" }}</button>
                    <button type="button" class="btn btn-sm" id="rename-cancel" on:click=move |_| cancel()>"Cancel"</button>
                </div>
                {move || server_error.get().map(|e| view! { <ErrorPanel error=e title="The cluster was not renamed"/> })}
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
            "Delete"
        </button>
        <span id="delete-reason" class="hint delete-reason">{move || reason.get()}</span>
        <Dialog open=open on_close=Callback::new(move |_| open.set(false)) title="Delete cluster" id="delete-dialog"
            initial_focus="#delete-confirm-name">
            <form on:submit=move |ev| { ev.prevent_default(); confirm(); }>
                <p>
                    "This deletes the cluster " <strong>{move || name.get()}</strong>
                    " and all its nodes and data. It cannot be undone."
                </p>
                <FormField id="delete-confirm-name" label="Type the cluster name to confirm">
                    <input id="delete-confirm-name" class="input" type="text" autocomplete="off"
                        aria-describedby=described_by("delete-confirm-name")
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))/>
                </FormField>
                {move || error.get().map(|e| view! { <ErrorPanel error=e title="The cluster was not deleted"/> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-danger" id="delete-confirm"
                        disabled=move || !matches() || busy.get()>
                        {move || if busy.get() { "Deleting…" } else { "Delete cluster" }}
                    </button>
                    <button type="button" class="btn" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Dialog>
    }
}

fn fact(label: &'static str, value: impl IntoView + 'static) -> impl IntoView {
    view! { <dt>{label}</dt><dd>{value}</dd> }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() { "—".into() } else { s.to_string() }
}

/// "8 total (2 master, 4 core, 2 task)"; the task part only when task groups hold nodes.
pub fn node_summary(c: &Cluster) -> String {
    let task: i64 = c.task_node_groups.iter().map(|g| g.node_num.max(0)).sum();
    let task = if task > 0 { format!(", {task} task") } else { String::new() };
    format!("{} total ({} master, {} core{task})", or_dash(&c.total_node_num), or_dash(&c.master_node_num), or_dash(&c.core_node_num))
}

#[component]
fn Overview(cluster: Memo<Option<Cluster>>) -> impl IntoView {
    move || {
        cluster.get().map(|c| {
            let safe = if c.safe_mode == 1 { "Kerberos (security mode)" } else { "Normal (no Kerberos)" };
            let az = if c.az_code.is_empty() { c.az_name.clone() } else { c.az_code.clone() };
            let ips = [("Manager EIP", &c.eip_address), ("External IP", &c.external_ip), ("Internal IP", &c.internal_ip), ("Master node IP", &c.master_node_ip)]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>();
            let billing = [c.billing_type.clone(), if c.charging_start_time.is_empty() { String::new() } else { "since".into() }]
                .join(" ");
            let tags = c.tag_pairs();
            let components = c.component_list.clone();
            view! {
                <div class="grid-2">
                    <section class="card" aria-labelledby="overview-title">
                        <h2 id="overview-title">"Overview"</h2>
                        <dl class="facts">
                            {fact("Cluster id", view! { <span class="id-cell"><code class="mono">{c.cluster_id.clone()}</code><CopyButton text=c.cluster_id.clone() label="cluster id"/></span> })}
                            {fact("Version", c.cluster_version.clone())}
                            {fact("Type", cluster_type_label(c.cluster_type))}
                            {fact("Safe mode", safe)}
                            {fact("Region / AZ", format!("{} / {}", or_dash(&c.data_center), or_dash(&az)))}
                            {fact("VPC / subnet", format!("{} / {}", or_dash(&c.vpc), or_dash(&c.subnet_name)))}
                            {fact("IP addresses", if ips.is_empty() { "—".to_string() } else { ips.join(", ") })}
                            {fact("Key pair", or_dash(&c.node_public_cert_name))}
                            {fact("Nodes", node_summary(&c))}
                            {fact("Billing", view! { {or_dash(billing.trim())} " " <Timestamp epoch=c.charging_start_time.clone()/> })}
                            {fact("Log collection", if c.log_collection == 1 { "On" } else { "Off" })}
                            {fact("Created", view! { <Timestamp epoch=c.create_at.clone()/> })}
                            {fact("Updated", view! { <Timestamp epoch=c.update_at.clone()/> })}
                            {fact("Tags", view! {
                                <ul class="tag-list">
                                    {if tags.is_empty() { Some(view! { <li class="muted">"none"</li> }) } else { None }}
                                    {tags.into_iter().map(|t| view! { <li class="tag">{format!("{}={}", t.key, t.value)}</li> }).collect_view()}
                                </ul>
                            })}
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="components-title">
                        <h2 id="components-title">"Components"</h2>
                        <ul class="component-list">
                            {if components.is_empty() { Some(view! { <li class="muted">"No components reported."</li> }) } else { None }}
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

fn disk(kind: &str, size: i64, count: Option<i64>) -> String {
    if size <= 0 {
        return "—".into();
    }
    match count {
        Some(n) if n <= 0 => "none".into(),
        Some(n) => format!("{n} × {kind} {size} GB"),
        None => format!("{kind} {size} GB"),
    }
}

#[component]
fn NodeGroups(cluster: Memo<Option<Cluster>>, cluster_id: Memo<String>) -> impl IntoView {
    let groups = Memo::new(move |_| cluster.with(|c| c.as_ref().map(|c| c.all_node_groups().cloned().collect::<Vec<_>>()).unwrap_or_default()));
    let state = Signal::derive(move || cluster.with(|c| c.as_ref().map(|c| c.cluster_state).unwrap_or_default()));
    let read_only = crate::state::use_read_only();
    let scale = RwSignal::new(None::<(ScaleKind, String)>);

    let columns = vec![
        Column::new("Group", |g: &NodeGroupV10| view! { <code class="mono">{g.group_name.clone()}</code> }),
        Column::text("Role", |g: &NodeGroupV10| group_role(&g.group_name).to_string()),
        Column::new("Nodes", |g: &NodeGroupV10| view! { <span class="node-num">{g.node_num}</span> }).class("num"),
        Column::text("Flavor", |g: &NodeGroupV10| or_dash(&g.node_size)),
        Column::text("System disk", |g: &NodeGroupV10| disk(&g.root_volume_type, g.root_volume_size, None)),
        Column::text("Data disks", |g: &NodeGroupV10| disk(&g.data_volume_type, g.data_volume_size, Some(g.data_volume_count))),
        Column::new("Scale", move |g: &NodeGroupV10| {
            let name = g.group_name.clone();
            let n1 = name.clone();
            let n2 = name.clone();
            let reason = Signal::derive(move || read_only.get().or_else(|| scale_blocked_reason(state.get(), &name)));
            view! {
                <span class="row-actions">
                    <button type="button" class="btn btn-sm expand-group" disabled=move || reason.with(Option::is_some)
                        title=move || reason.get().unwrap_or_else(|| "Add nodes".into())
                        aria-label=format!("Add nodes to {n1}")
                        on:click={ let n = n1.clone(); move |_| scale.set(Some((ScaleKind::Expand, n.clone()))) }>
                        "+ Add"
                    </button>
                    <button type="button" class="btn btn-sm shrink-group" disabled=move || reason.with(Option::is_some)
                        title=move || reason.get().unwrap_or_else(|| "Remove nodes".into())
                        aria-label=format!("Remove nodes from {n2}")
                        on:click={ let n = n2.clone(); move |_| scale.set(Some((ScaleKind::Shrink, n.clone()))) }>
                        "− Remove"
                    </button>
                </span>
            }
        }),
    ];

    view! {
        <section class="card" aria-labelledby="groups-title">
            <h2 id="groups-title">"Node groups"</h2>
            <DataTable rows=groups columns=columns row_key=|g: &NodeGroupV10| g.group_name.clone() key_attr="data-group"
                caption="Node groups" empty="No node groups."/>
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
        let n: i64 = count.get().trim().parse().map_err(|_| "Enter a whole number of nodes.".to_string())?;
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
        .map_err(|e| e.message)?;
        Ok((kind, group, n))
    };
    let field_error = Signal::derive(move || if touched.get() { check().err().filter(|e| !e.is_empty()) } else { None });
    let title = move || match scale.get() {
        Some((ScaleKind::Expand, g)) => format!("Add nodes to {g}"),
        Some((ScaleKind::Shrink, g)) => format!("Remove nodes from {g}"),
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
            title="Scale node group" id="scale-dialog" initial_focus="#scale-count">
            <form on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <p class="dialog-lead">{move || title()}</p>
                <p class="hint">{move || current().map(|n| format!("The group has {n} nodes now."))}</p>
                <TextField id="scale-count" label="Number of nodes" value=count input_type="number" min="1"
                    on_input=Callback::new(move |v| { count.set(v); touched.set(true); })
                    error=field_error required=true/>
                {move || server_error.get().map(|e| view! { <ErrorPanel error=e title="The group was not scaled"/> })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="scale-confirm" disabled=move || busy.get()>
                        {move || if busy.get() { "Submitting…" } else { "Confirm" }}
                    </button>
                    <button type="button" class="btn" on:click=move |_| scale.set(None)>"Cancel"</button>
                </div>
            </form>
        </Dialog>
    }
}

#[component]
fn Nodes(cluster_id: Memo<String>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let page = RwSignal::new(1u32);
    let size = RwSignal::new(10u32);
    let nodes = load(move || {
        refresh.track();
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
        Column::new("Node", |n: &ClusterNode| view! { <code class="mono">{n.node_name.clone()}</code> }),
        Column::text("Group", |n: &ClusterNode| n.node_group_name.clone()),
        Column::text("Type", |n: &ClusterNode| n.node_type.clone()),
        Column::text("Internal IP", |n: &ClusterNode| or_dash(&n.server_info.internal_ip)),
        Column::text("CPU / memory", |n: &ClusterNode| {
            format!("{} vCPU / {} MB", or_dash(&n.server_info.cpu), or_dash(&n.server_info.mem))
        }),
        Column::text("Status", |n: &ClusterNode| or_dash(&n.node_status)),
        Column::new("Resource id", |n: &ClusterNode| view! { <code class="mono small">{n.resource_id.clone()}</code> }),
    ];
    view! {
        <section class="card" aria-labelledby="nodes-title">
            <h2 id="nodes-title">"Nodes"</h2>
            {move || error.get().map(|e| view! {
                <ErrorPanel error=e title="Could not load nodes" on_retry=Callback::new(move |_| nodes.refetch())/>
            })}
            <DataTable rows=rows columns=columns row_key=|n: &ClusterNode| n.resource_id.clone() key_attr="data-node"
                caption="Nodes" empty="No nodes reported."/>
            <Pager id="nodes-pager" label="Node pages" page=page page_size=size total=total
                on_page=Callback::new(move |p| page.set(p))
                on_size=Callback::new(move |s| { size.set(s); page.set(1); })/>
        </section>
    }
}
