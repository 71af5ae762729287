//! `/clusters/<id>/scaling?group=<node group>&pool=<resource pool>`: the auto-scaling policy of one
//! Task node group and resource pool — the editor, the simulator beside it, a diff against the saved
//! policy before Save, and delete with confirmation.
//!
//! Saving picks the API that can carry the policy: V2 (create, or update with every field) unless
//! the policy has or had scripts, which only the V1.1 API (the cluster's Task group, pool `default`)
//! carries and replaces as a whole.

use lakedeck_api::catalog::DEFAULT_UTC_OFFSET_MINUTES;
use lakedeck_api::mrs::{Cluster, ClusterState, ClusterType};
use lakedeck_api::mrs_scaling::{resolve_group, task_groups, AutoScalingPolicy, AutoScalingPolicyV2, DEFAULT_POOL, V11_NODE_GROUP};
use lakedeck_api::scaling_edit::{diff, needs_v11, target, Change, PolicyDraft};
use lakedeck_api::autoscale::zone_name;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::editor::PolicyEditor;
use super::simulator::Simulator;
use crate::api::mrs::get_cluster;
use crate::api::scaling::{delete_policy, policies, put_policy, put_policy_v11};
use crate::api::{query_string, ApiError};
use crate::app::href;
use crate::components::{Dialog, ErrorPanel, Spinner, When};
use crate::pages::clusters::ClusterTabs;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session, RefreshBus, SessionStateStoreFields};
use crate::{t, tr};

#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    cluster: Cluster,
    policies: Vec<AutoScalingPolicyV2>,
}

/// What a field path of the diff is called on screen: the wire path as it is (the vendors' API
/// reference and this console's errors name fields the same way).
fn change_path(c: &Change) -> String {
    if c.path.is_empty() { t!(scaling.diff_whole) } else { c.path.clone() }
}

#[component]
pub fn ClusterScaling() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let cluster_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let sandbox = Signal::derive(move || session.config().with(|c| c.sandbox));

    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        version.track();
        refresh.track();
        let id = cluster_id.get();
        let client = session.client();
        async move {
            let (cluster, pols) = futures_util::future::join(get_cluster(&client, &id), policies(&client, &id)).await;
            Ok::<_, ApiError>(Loaded { cluster: cluster?, policies: pols? })
        }
    });
    let loaded = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let cluster = Memo::new(move |_| loaded.with(|l| l.as_ref().map(|l| l.cluster.clone())));
    let kind = Memo::new(move |_| cluster.with(|c| c.as_ref().and_then(Cluster::kind)).unwrap_or(ClusterType::Analysis));
    let groups = Memo::new(move |_| cluster.with(|c| c.as_ref().map(task_groups).unwrap_or_default()));
    let all_groups = Memo::new(move |_| cluster.with(|c| c.as_ref().map(|c| c.all_node_groups().map(|g| g.group_name.clone()).collect::<Vec<_>>()).unwrap_or_default()));
    let v11_group = Memo::new(move |_| cluster.with(|c| c.as_ref().and_then(|c| resolve_group(c, V11_NODE_GROUP).ok())));
    // The region catalog now comes from the service and carries no time zone the console can read: plans
    // are shown in UTC+8 (the regions' zone), and the simulator uses the zone the sandbox's history names.
    let zone_offset = Memo::new(move |_| DEFAULT_UTC_OFFSET_MINUTES);

    // The (group, pool) shown: the URL's, else the first with a policy, else the first Task group.
    let selection = Memo::new(move |_| {
        let g = query.with(|q| q.get("group")).filter(|g| !g.is_empty());
        let p = query.with(|q| q.get("pool")).filter(|p| !p.is_empty()).unwrap_or_else(|| DEFAULT_POOL.to_string());
        let first_policy = loaded.with(|l| {
            l.as_ref().and_then(|l| l.policies.first().map(|p| (p.node_group_name.clone().unwrap_or_default(), p.resource_pool_name.clone().unwrap_or_default())))
        });
        match g {
            Some(g) => (g, p),
            None => first_policy.unwrap_or_else(|| (groups.with(|gs| gs.first().cloned()).unwrap_or_default(), DEFAULT_POOL.to_string())),
        }
    });
    let group = Signal::derive(move || selection.with(|s| s.0.clone()));
    let pool = Signal::derive(move || selection.with(|s| s.1.clone()));
    let select = Callback::new(move |(g, p): (String, String)| {
        let q = query_string(&[("group", g), ("pool", if p == DEFAULT_POOL { String::new() } else { p })]);
        navigate(&format!("/clusters/{}/scaling{q}", cluster_id.get_untracked()), Default::default());
    });
    let saved = Memo::new(move |_| {
        let (g, p) = selection.get();
        loaded.with(|l| {
            l.as_ref().and_then(|l| {
                l.policies
                    .iter()
                    .find(|x| x.node_group_name.as_deref() == Some(g.as_str()) && x.resource_pool_name.as_deref() == Some(p.as_str()))
                    .and_then(|x| x.auto_scaling_policy.clone())
            })
        })
    });
    let baseline = Memo::new(move |_| saved.with(|s| s.as_ref().map(PolicyDraft::from_policy).unwrap_or_default()));
    let draft = RwSignal::new(PolicyDraft::default());
    // A new selection or a newly saved policy starts the editor from what is stored.
    run_effect(move || draft.set(baseline.get()));
    let dirty = Memo::new(move |_| draft.with(|d| baseline.with(|b| d != b)));

    let scripts_allowed = Memo::new(move |_| pool.with(|p| p == DEFAULT_POOL) && v11_group.with(|g| g.as_deref() == Some(group.get().as_str())));
    let v11 = Memo::new(move |_| draft.with(|d| saved.with(|s| needs_v11(d, s.as_ref()))));
    let problems = Memo::new(move |_| {
        let (k, gs, v) = (kind.get(), all_groups.get(), v11.get());
        draft.with(|d| d.problems(&target(k, &gs, v)))
    });
    let edited = Memo::new(move |_| draft.with(|d| d.to_policy().0));
    let changes = Memo::new(move |_| saved.with(|s| edited.with(|e| diff(s.as_ref(), e))));
    let nodes_now = Signal::derive(move || {
        let g = group.get();
        cluster.with(|c| c.as_ref().and_then(|c| c.task_node_groups.iter().find(|x| x.group_name == g).map(|x| x.node_num))).unwrap_or(0)
    });
    let read_only = crate::state::use_write_block();
    let editable = Memo::new(move |_| {
        cluster.with(|c| c.as_ref().is_some_and(|c| !matches!(c.cluster_state, ClusterState::Terminating | ClusterState::Terminated | ClusterState::Failed)))
    });

    // Save: review the diff, then write through the API that carries the policy.
    let review = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let save = Action::new_local(move |policy: &AutoScalingPolicy| {
        let (client, id, g, p, policy) = (session.client(), cluster_id.get_untracked(), group.get_untracked(), pool.get_untracked(), policy.clone());
        let (through_v11, exists) = (v11.get_untracked(), saved.with_untracked(Option::is_some));
        async move {
            if through_v11 {
                put_policy_v11(&client, &id, &policy).await
            } else {
                put_policy(&client, &id, &g, &p, &policy, exists).await
            }
        }
    });
    run_effect(move || {
        if let Some(r) = save.value().get() {
            if r.is_ok() {
                review.set(false);
                notice.set(Some(t!(scaling.saved)));
                version.update(|v| *v += 1);
            }
        }
    });
    let delete_open = RwSignal::new(false);
    let delete = Action::new_local(move |_: &()| {
        let (client, id, g, p) = (session.client(), cluster_id.get_untracked(), group.get_untracked(), pool.get_untracked());
        async move { delete_policy(&client, &id, &g, &p).await }
    });
    run_effect(move || {
        if let Some(r) = delete.value().get() {
            if r.is_ok() {
                delete_open.set(false);
                notice.set(Some(t!(scaling.deleted)));
                version.update(|v| *v += 1);
            }
        }
    });
    let save_error = Memo::new(move |_| save.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let delete_error = Memo::new(move |_| delete.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let can_review = move || editable.get() && dirty.get() && problems.with(Vec::is_empty);

    let group_options = move || {
        let (g, p) = selection.get();
        let mut opts: Vec<(String, String)> = groups.get().into_iter().map(|x| (x, DEFAULT_POOL.to_string())).collect();
        loaded.with(|l| {
            if let Some(l) = l {
                for x in &l.policies {
                    let k = (x.node_group_name.clone().unwrap_or_default(), x.resource_pool_name.clone().unwrap_or_default());
                    if !opts.contains(&k) {
                        opts.push(k);
                    }
                }
            }
        });
        if !g.is_empty() && !opts.contains(&(g.clone(), p.clone())) {
            opts.push((g, p));
        }
        opts
    };
    let policy_state = move |g: &str, p: &str| -> String {
        loaded.with(|l| {
            match l.as_ref().and_then(|l| l.policies.iter().find(|x| x.node_group_name.as_deref() == Some(g) && x.resource_pool_name.as_deref() == Some(p))) {
                Some(x) if x.auto_scaling_policy.as_ref().and_then(|a| a.auto_scaling_enable) == Some(true) => t!(scaling.state_on),
                Some(_) => t!(scaling.state_off),
                None => t!(scaling.state_none),
            }
        })
    };

    view! {
        <section class="page scaling-page" id="cluster-scaling" data-cluster-id=move || cluster_id.get()>
            <nav class="breadcrumb" aria-label=tr!(common.breadcrumb)>
                <a href=href("/clusters")>{tr!(nav.clusters)}</a>
                <span aria-hidden="true">" / "</span>
                <a href=move || href(&format!("/clusters/{}", cluster_id.get()))>
                    {move || cluster.with(|c| c.as_ref().map(|c| c.cluster_name.clone())).unwrap_or_else(|| cluster_id.get())}
                </a>
                <span aria-hidden="true">" / "</span>
                <span aria-current="page">{tr!(scaling.title)}</span>
            </nav>
            <ClusterTabs cluster_id=cluster_id current="scaling"/>
            {move || error.get().map(|e| view! {
                <ErrorPanel error=e title=tr!(scaling.load_failed) on_retry=Callback::new(move |_| version.update(|v| *v += 1))/>
            })}
            <Transition fallback=|| view! { <Spinner/> }>
                <When when=move || loaded.with(Option::is_some)>
                    <header class="page-head">
                        <div class="title-block">
                            <h1 id="scaling-title">{tr!(scaling.title)}</h1>
                            <When when=move || dirty.get()>
                                <span class="badge" id="unsaved">{tr!(scaling.unsaved)}</span>
                            </When>
                        </div>
                        <div class="page-actions">
                            <div class="field field-inline">
                                <label class="label" for="policy-target">{tr!(scaling.node_group)}</label>
                                <select id="policy-target" class="input" on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some((g, p)) = v.split_once('\u{1f}') { select.run((g.to_string(), p.to_string())); }
                                }>
                                    {move || group_options().into_iter().map(|(g, p)| {
                                        let value = format!("{g}\u{1f}{p}");
                                        let selected = selection.with(|s| s.0 == g && s.1 == p);
                                        let text = format!("{g} · {p} · {}", policy_state(&g, &p));
                                        view! { <option value=value selected=selected>{text}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        </div>
                    </header>
                    <When when=move || groups.with(Vec::is_empty)>
                        <p class="notice" id="no-task-group">{tr!(scaling.no_task_group)}</p>
                    </When>
                    <When when=move || !editable.get()>
                        <p class="notice notice-bad">{tr!(scaling.not_editable)}</p>
                    </When>
                    <p class="hint" id="policy-api">
                        {move || if v11.get() { t!(scaling.api_v11) } else if saved.with(Option::is_some) { t!(scaling.api_v2_update) } else { t!(scaling.api_v2_create) }}
                    </p>
                    {move || notice.get().map(|n| view! { <p class="notice notice-ok" role="status" id="scaling-notice">{n}</p> })}
                    <div class="scaling-layout">
                        <div class="scaling-editor">
                            <PolicyEditor draft=draft problems=problems kind=kind groups=all_groups scripts_allowed=scripts_allowed
                                zone=Signal::derive(move || zone_name(zone_offset.get()))/>
                            <div class="form-actions sticky-actions">
                                <span class="muted" id="problem-count">
                                    {move || { let n = problems.with(Vec::len); if n == 0 { String::new() } else { t!(scaling.problem_count, count = n) } }}
                                </span>
                                {move || read_only.get().map(|reason| view! { <span class="hint" id="scaling-read-only">{reason}</span> })}
                                <button type="button" class="btn btn-primary" id="review-policy" disabled=move || !can_review()
                                    on:click=move |_| { notice.set(None); review.set(true); }>{tr!(scaling.review)}</button>
                                <button type="button" class="btn" id="discard-policy" disabled=move || !dirty.get()
                                    on:click=move |_| draft.set(baseline.get_untracked())>{tr!(scaling.discard)}</button>
                                <When when=move || saved.with(Option::is_some)>
                                    <button type="button" class="btn btn-danger" id="delete-policy" disabled=move || !editable.get() || read_only.with(Option::is_some)
                                        title=move || read_only.get()
                                        on:click=move |_| { notice.set(None); delete_open.set(true); }>{tr!(scaling.delete)}</button>
                                </When>
                            </div>
                        </div>
                        <div class="scaling-sim">
                            <Simulator cluster_id=cluster_id kind=kind group=group nodes_now=nodes_now zone_offset=zone_offset
                                policy=edited sandbox=sandbox/>
                        </div>
                    </div>
                </When>
            </Transition>
            <Dialog open=review on_close=Callback::new(move |_| review.set(false)) title=tr!(scaling.review_title) id="review-dialog"
                initial_focus="#save-policy" class="dialog-wide">
                <p class="dialog-lead">{move || t!(scaling.review_lead, group = group.get(), pool = pool.get(), count = changes.with(Vec::len))}</p>
                <table class="data-table diff-table" id="policy-diff">
                    <caption class="visually-hidden">{tr!(scaling.review_title)}</caption>
                    <thead><tr>
                        <th scope="col">{tr!(scaling.diff_field)}</th><th scope="col">{tr!(scaling.diff_before)}</th><th scope="col">{tr!(scaling.diff_after)}</th>
                    </tr></thead>
                    <tbody>
                        {move || changes.get().into_iter().map(|c| {
                            let kind = match (&c.before, &c.after) { (None, _) => "added", (_, None) => "removed", _ => "changed" };
                            view! {
                                <tr class=format!("diff-{kind}") data-path=c.path.clone()>
                                    <th scope="row"><code>{change_path(&c)}</code></th>
                                    <td><code class="diff-before">{c.before.clone().unwrap_or_else(|| "—".into())}</code></td>
                                    <td><code class="diff-after">{c.after.clone().unwrap_or_else(|| "—".into())}</code></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || save_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(scaling.save_failed)/> })}
                <div class="dialog-actions">
                    <button type="button" class="btn" on:click=move |_| review.set(false)>{tr!(common.cancel)}</button>
                    <button type="button" class="btn btn-primary" id="save-policy" disabled=move || save.pending().get() || read_only.with(Option::is_some)
                        title=move || read_only.get()
                        on:click=move |_| { save.dispatch(edited.get_untracked()); }>
                        {move || if save.pending().get() { t!(common.saving) } else { t!(common.save) }}
                    </button>
                </div>
            </Dialog>
            <Dialog open=delete_open on_close=Callback::new(move |_| delete_open.set(false)) title=tr!(scaling.delete_title) id="delete-policy-dialog"
                initial_focus="#delete-policy-cancel">
                <p>{move || t!(scaling.delete_text, group = group.get(), pool = pool.get())}</p>
                {move || delete_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(scaling.delete_failed)/> })}
                <div class="dialog-actions">
                    <button type="button" class="btn" id="delete-policy-cancel" on:click=move |_| delete_open.set(false)>{tr!(common.cancel)}</button>
                    <button type="button" class="btn btn-danger" id="delete-policy-confirm" disabled=move || delete.pending().get() || read_only.with(Option::is_some)
                        on:click=move |_| { delete.dispatch(()); }>
                        {move || if delete.pending().get() { t!(common.deleting) } else { t!(scaling.delete) }}
                    </button>
                </div>
            </Dialog>
        </section>
    }
}
