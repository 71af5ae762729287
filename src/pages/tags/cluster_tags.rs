//! The Tags card of a cluster's detail page: the cluster's tags with inline edit and remove, a row
//! to add one (checked with the shared tag rules as you type), the quota, and the default-tags
//! switch with its live status (SwitchClusterTags finishes asynchronously: ShowTagStatus is polled
//! while it says `processing`).

use std::time::Duration;

use lakedeck_api::mrs::Tag;
use lakedeck_api::mrs_tags::{TagQuotaResponse, TagStatusResponse};
use lakedeck_api::rules::{validate_tag, MAX_TAGS};
use leptos::prelude::*;

use crate::api::tags::{delete_cluster_tag, list_cluster_tags, set_cluster_tag, switch_default_tags, tag_quota, tag_status};
use crate::api::ApiError;
use crate::components::{ErrorPanel, Spinner, When};
use crate::i18n::problem;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_polling, use_session};
use crate::{t, tr};

#[derive(Clone, Debug, PartialEq)]
struct TagsState {
    tags: Vec<Tag>,
    status: Option<TagStatusResponse>,
    quota: Option<TagQuotaResponse>,
}

/// The status word of the default-tags switch.
fn status_text(s: &str) -> String {
    match s {
        "processing" => t!(tags.status_processing),
        "succeed" => t!(tags.status_succeed),
        "failed" => t!(tags.status_failed),
        other => other.to_string(),
    }
}

#[component]
pub fn ClusterTags(#[prop(into)] cluster_id: Signal<String>, #[prop(into)] editable: Signal<bool>) -> impl IntoView {
    let read_only = crate::state::use_write_block();
    let editable = Signal::derive(move || editable.get() && read_only.with(Option::is_none));
    let session = use_session();
    let version = RwSignal::new(0u32);
    let processing = RwSignal::new(false);
    let tick = use_polling(Duration::from_secs(1), move || processing.get_untracked());
    let data = LocalResource::new(move || {
        version.track();
        tick.track();
        let id = cluster_id.get();
        let client = session.client();
        async move {
            let tags = list_cluster_tags(&client, &id).await?;
            // Status and quota are V2 operations a real region may not offer; their absence leaves the
            // tags usable.
            let (status, quota) = futures_util::future::join(tag_status(&client, &id), tag_quota(&client, &id)).await;
            Ok::<_, ApiError>(TagsState { tags, status: status.ok(), quota: quota.ok() })
        }
    });
    let state = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let load_error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    run_effect(move || processing.set(state.with(|s| s.as_ref().and_then(|s| s.status.as_ref()).is_some_and(|st| st.status == "processing"))));
    let tags = Memo::new(move |_| state.with(|s| s.as_ref().map(|s| s.tags.clone()).unwrap_or_default()));

    // One change at a time: its error shows until the next one.
    let op_error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let run = move |f: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>, after: Box<dyn Fn()>| {
        busy.set(true);
        op_error.set(None);
        leptos::task::spawn_local(async move {
            let r = f.await;
            let _ = busy.try_set(false);
            match r {
                Ok(()) => after(),
                Err(e) => {
                    let _ = op_error.try_set(Some(e));
                }
            }
            let _ = version.try_update(|v| *v += 1);
        });
    };

    // Adding (or, for an existing key, replacing its value).
    let new_key = RwSignal::new(String::new());
    let new_value = RwSignal::new(String::new());
    let add_touched = RwSignal::new(false);
    let add_error = Memo::new(move |_| {
        if !add_touched.get() {
            return None;
        }
        let t = Tag { key: new_key.get(), value: new_value.get() };
        if let Err(p) = validate_tag(&t) {
            return Some(problem(&p));
        }
        let exists = tags.with(|ts| ts.iter().any(|x| x.key == t.key));
        (!exists && tags.with(Vec::len) >= MAX_TAGS).then(|| t!(tags.full, max = MAX_TAGS))
    });
    let replaces = Memo::new(move |_| new_key.with(|k| tags.with(|ts| ts.iter().find(|x| &x.key == k).map(|x| x.value.clone()))));
    let add = move || {
        add_touched.set(true);
        if add_error.get_untracked().is_some() || busy.get_untracked() {
            return;
        }
        let tag = Tag { key: new_key.get_untracked(), value: new_value.get_untracked() };
        let (client, id) = (session.client_untracked(), cluster_id.get_untracked());
        run(
            Box::pin(async move { set_cluster_tag(&client, &id, &tag).await }),
            Box::new(move || {
                let _ = new_key.try_set(String::new());
                let _ = new_value.try_set(String::new());
                let _ = add_touched.try_set(false);
            }),
        );
    };

    // Editing one value in place.
    let editing = RwSignal::new(None::<String>);
    let edit_value = RwSignal::new(String::new());
    let edit_error = Memo::new(move |_| {
        let key = editing.get()?;
        validate_tag(&Tag { key, value: edit_value.get() }).err().map(|p| problem(&p))
    });
    let save_edit = move || {
        let Some(key) = editing.get_untracked() else { return };
        if edit_error.get_untracked().is_some() || busy.get_untracked() {
            return;
        }
        let tag = Tag { key, value: edit_value.get_untracked() };
        let (client, id) = (session.client_untracked(), cluster_id.get_untracked());
        run(Box::pin(async move { set_cluster_tag(&client, &id, &tag).await }), Box::new(move || {
            let _ = editing.try_set(None);
        }));
    };
    let confirm_remove = RwSignal::new(None::<String>);
    let remove = move |key: String| {
        let (client, id) = (session.client_untracked(), cluster_id.get_untracked());
        run(Box::pin(async move { delete_cluster_tag(&client, &id, &key).await }), Box::new(move || {
            let _ = confirm_remove.try_set(None);
        }));
    };

    // The default tags on the cluster's nodes.
    let default_on = Memo::new(move |_| state.with(|s| s.as_ref().and_then(|s| s.status.as_ref()).map(|st| st.default_tags_enable)));
    let status_word = Memo::new(move |_| state.with(|s| s.as_ref().and_then(|s| s.status.as_ref()).map(|st| st.status.clone())));
    let switch = move |on: bool| {
        let (client, id) = (session.client_untracked(), cluster_id.get_untracked());
        processing.set(true);
        run(Box::pin(async move { switch_default_tags(&client, &id, on).await }), Box::new(|| {}));
    };

    let status_class = move || {
        let tone = match status_word.get().as_deref() {
            Some("processing") => "busy",
            Some("failed") => "bad",
            Some(_) => "ok",
            None => "muted",
        };
        format!("state-chip tone-{tone}")
    };
    let rows = move || {
        tags.get()
            .into_iter()
            .map(|tag| {
                let key = tag.key.clone();
                let (k1, k2, k4) = (key.clone(), key.clone(), key.clone());
                let key_sv = StoredValue::new(key.clone());
                let is_editing = Memo::new(move |_| editing.with(|e| e.as_deref() == Some(k1.as_str())));
                let is_removing = Memo::new(move |_| confirm_remove.with(|e| e.as_deref() == Some(k2.as_str())));
                let value = tag.value.clone();
                view! {
                    <tr data-tag-key=key.clone()>
                        <th scope="row"><code>{key.clone()}</code></th>
                        <td>
                            <When when=move || is_editing.get() fallback={ let v = value.clone(); move || view! { <span class="tag-value">{v.clone()}</span> } }>
                                <form class="inline-edit" on:submit=move |ev| { ev.prevent_default(); save_edit(); }>
                                    <input class="input input-sm" id="tag-edit-value" aria-label=move || t!(tags.value_of, key = key_sv.get_value())
                                        aria-invalid=move || edit_error.with(Option::is_some).to_string()
                                        prop:value=move || edit_value.get()
                                        on:input=move |ev| edit_value.set(event_target_value(&ev))
                                        on:keydown=move |ev| if ev.key() == "Escape" { ev.prevent_default(); editing.set(None); }/>
                                    <button type="submit" class="btn btn-sm btn-primary" id="tag-edit-save" disabled=move || busy.get()>{tr!(common.save)}</button>
                                    <button type="button" class="btn btn-sm" on:click=move |_| editing.set(None)>{tr!(common.cancel)}</button>
                                    {move || edit_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                                </form>
                            </When>
                        </td>
                        <td class="col-actions">
                            <When when=move || editable.get() && !is_editing.get()>
                                <When when=move || is_removing.get() fallback={
                                    let (k, v) = (k4.clone(), tag.value.clone());
                                    move || {
                                        let (k, k2, v) = (k.clone(), k.clone(), v.clone());
                                        view! {
                                            <span class="row-actions">
                                                <button type="button" class="btn btn-sm edit-tag" on:click=move |_| { edit_value.set(v.clone()); editing.set(Some(k.clone())); }>{tr!(tags.edit)}</button>
                                                <button type="button" class="btn btn-sm btn-ghost remove-tag" on:click=move |_| confirm_remove.set(Some(k2.clone()))>{tr!(common.remove)}</button>
                                            </span>
                                        }
                                    }
                                }>
                                    <span class="row-actions" role="group">
                                        <span>{tr!(tags.remove_confirm)}</span>
                                        <button type="button" class="btn btn-sm btn-danger confirm-remove-tag" disabled=move || busy.get()
                                            on:click=move |_| remove(key_sv.get_value())>{tr!(common.remove)}</button>
                                        <button type="button" class="btn btn-sm" on:click=move |_| confirm_remove.set(None)>{tr!(common.cancel)}</button>
                                    </span>
                                </When>
                            </When>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <section class="card cluster-tags" aria-labelledby="cluster-tags-title" id="cluster-tags">
            <div class="card-head">
                <h2 id="cluster-tags-title">{tr!(tags.title)}</h2>
                <span class="muted" id="tag-quota">
                    {move || state.with(|s| s.as_ref().map(|s| match &s.quota {
                        Some(q) => t!(tags.quota, used = q.total_quota - q.available_quota, total = q.total_quota),
                        None => t!(tags.count, used = s.tags.len(), total = MAX_TAGS),
                    }))}
                </span>
            </div>
            {move || load_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(tags.load_failed) on_retry=Callback::new(move |_| version.update(|v| *v += 1))/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <When when=move || state.with(Option::is_some)>
                    <When when=move || tags.with(|t| !t.is_empty()) fallback=|| view! { <p class="muted" id="cluster-tags-empty">{tr!(tags.none_yet)}</p> }>
                        <table class="data-table tag-table" id="cluster-tag-table">
                            <caption class="visually-hidden">{tr!(tags.title)}</caption>
                            <thead><tr>
                                <th scope="col">{tr!(tags.key)}</th><th scope="col">{tr!(tags.value)}</th><th scope="col"><span class="visually-hidden">{tr!(tags.actions)}</span></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </When>
                </When>
            </Transition>
            {move || read_only.get().map(|reason| view! { <p class="hint" id="cluster-tags-read-only">{reason}</p> })}
            <When when=move || editable.get()>
                <form class="tag-add" on:submit=move |ev| { ev.prevent_default(); add(); }>
                    <div class="tag-row" class:invalid=move || add_error.with(Option::is_some)>
                        <input id="new-tag-key" class="input" placeholder=tr!(tags.key_placeholder) aria-label=tr!(tags.new_key)
                            aria-invalid=move || add_error.with(Option::is_some).to_string() aria-describedby="new-tag-error new-tag-note"
                            prop:value=move || new_key.get() on:input=move |ev| { new_key.set(event_target_value(&ev)); add_touched.set(true); }/>
                        <input id="new-tag-value" class="input" placeholder=tr!(tags.value_placeholder) aria-label=tr!(tags.new_value)
                            aria-invalid=move || add_error.with(Option::is_some).to_string() aria-describedby="new-tag-error new-tag-note"
                            prop:value=move || new_value.get() on:input=move |ev| { new_value.set(event_target_value(&ev)); add_touched.set(true); }/>
                        <button type="submit" class="btn btn-sm btn-primary" id="add-cluster-tag" disabled=move || busy.get()>
                            {move || if replaces.with(Option::is_some) { t!(tags.replace) } else { t!(tags.add) }}
                        </button>
                        {move || add_error.get().map(|m| view! { <p class="field-error" id="new-tag-error">{m}</p> })}
                    </div>
                    <p class="hint" id="new-tag-note">
                        {move || match replaces.get() {
                            Some(old) => t!(tags.replaces_value, value = old),
                            None => t!(tags.rules_hint, max = MAX_TAGS),
                        }}
                    </p>
                </form>
            </When>
            {move || op_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(tags.change_failed)/> })}
            <div class="default-tags" id="default-tags">
                <label class="check">
                    <input type="checkbox" id="default-tags-switch"
                        disabled=move || !editable.get() || busy.get() || processing.get() || default_on.get().is_none()
                        prop:checked=move || default_on.get().unwrap_or(false)
                        on:change=move |ev| switch(event_target_checked(&ev))/>
                    {tr!(tags.default_tags)}
                </label>
                <span class=status_class
                    id="default-tags-status" data-status=move || status_word.get().unwrap_or_default() role="status">
                    <span class="dot" aria-hidden="true"></span>
                    {move || status_word.get().map(|s| status_text(&s)).unwrap_or_else(|| t!(tags.status_unknown))}
                </span>
                <p class="hint">{tr!(tags.default_tags_hint)}</p>
            </div>
        </section>
    }
}
