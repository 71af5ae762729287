//! `/cache/namespace`: the mount table — add a mount (checked next to each field with the
//! coordinator's own rules before it is sent), remove one (asked first), option values that look
//! like credentials masked — and a browser of a mount (`?browse=/obs/tpch`) showing for each file
//! and directory how much of it is in the cache.

use lakedeck_api::alluxio::{BrowseEntry, MountPoint};
use lakedeck_api::alluxio_view::{problem_for, shown_option, usage_fraction, FieldProblem, MountDraft};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{CacheTabs, UsageMeter};
use crate::api::alluxio::{add_mount, browse, list_mounts, remove_mount};
use crate::api::{query_string, ApiError};
use crate::app::href;
use crate::components::{described_by, Column, DataTable, Dialog, ErrorPanel, FormField, Spinner, TextField};
use crate::i18n::{format, problem};
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session, use_write_block, RefreshBus};
use crate::{t, tr};

/// `/cache/namespace?browse=<path>`.
pub fn browse_href(path: &str) -> String {
    href(&format!("/cache/namespace{}", query_string(&[("browse", path.to_string())])))
}

/// The parent of an Alluxio path (`/` has none).
pub fn parent_path(path: &str) -> Option<String> {
    if path == "/" || path.is_empty() {
        return None;
    }
    let cut = path.trim_end_matches('/').rfind('/')?;
    Some(if cut == 0 { "/".into() } else { path[..cut].to_string() })
}

/// Options as `key=value` with secrets masked.
pub fn options_text(m: &MountPoint) -> String {
    m.options.iter().map(|(k, v)| format!("{k}={}", shown_option(k, v))).collect::<Vec<_>>().join(", ")
}

#[component]
pub fn CacheNamespace() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let browsing = Memo::new(move |_| query.with(|q| q.get("browse").filter(|p| !p.is_empty())));
    let mounts = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { list_mounts(&client).await }
    });
    let list = Signal::derive(move || mounts.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section class="page" aria-labelledby="cache-ns-title" id="cache-namespace">
            <header class="page-head">
                <h1 id="cache-ns-title">{tr!(cache.namespace_title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <CacheTabs current="namespace"/>
            <p class="hint">{tr!(cache.namespace_hint)}</p>
            {move || mounts.get().and_then(Result::err).map(|e| view! {
                <ErrorPanel error=e title=tr!(cache.mounts_failed) on_retry=Callback::new(move |_| refresh.bump())/>
            })}
            <div class="card" id="cache-mounts">
                <h2>{tr!(cache.mounts)}</h2>
                <Transition fallback=|| view! { <Spinner/> }>
                    {move || mounts.with(|_| ())}
                    <MountsTable mounts=list/>
                </Transition>
            </div>
            <MountForm mounts=list/>
            {move || browsing.get().map(|p| view! { <Browser path=p/> })}
        </section>
    }
}

#[component]
fn MountsTable(#[prop(into)] mounts: Signal<Vec<MountPoint>>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let removing = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<ApiError>);
    let remove = Action::new_local(move |path: &String| {
        let client = session.client_untracked();
        let path = path.clone();
        async move { remove_mount(&client, &path).await.map(|_| ()) }
    });
    run_effect(move || {
        if let Some(r) = remove.value().get() {
            removing.set(None);
            outcome.set(r.err());
            refresh.bump();
        }
    });
    let columns = vec![
        Column::new(tr!(cache.col_path), |m: &MountPoint| view! { <a class="mono mount-path" href=browse_href(&m.path)>{m.path.clone()}</a> }),
        Column::text(tr!(cache.col_ufs), |m: &MountPoint| m.ufs.clone()).class("mono"),
        Column::new(tr!(cache.col_options), |m: &MountPoint| {
            let text = options_text(m);
            view! { <span class="mono mount-options">{if text.is_empty() { "—".to_string() } else { text }}</span> }
        }),
        Column::new(String::new, move |m: &MountPoint| {
            let (p1, p2) = (m.path.clone(), m.path.clone());
            view! {
                <a class="btn btn-sm" href=browse_href(&p1)>{tr!(cache.browse)}</a>
                " "
                <button type="button" class="btn btn-sm mount-remove" data-path=p2.clone() disabled=move || ro.with(Option::is_some) title=move || ro.get()
                    on:click=move |_| removing.set(Some(p2.clone()))>{tr!(common.remove)}</button>
            }
        })
        .class("col-actions"),
    ];
    view! {
        {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.remove_failed)/> })}
        <DataTable rows=mounts columns=columns row_key=|m: &MountPoint| m.path.clone() key_attr="data-mount"
            caption=tr!(cache.mounts) empty=tr!(cache.no_mounts) class="cache-mounts"/>
        <Dialog open=Signal::derive(move || removing.with(Option::is_some)) on_close=Callback::new(move |_| removing.set(None))
            title=tr!(cache.remove_mount_title) id="remove-mount-dialog">
            <p>{move || t!(cache.remove_mount_text, path = removing.get().unwrap_or_default())}</p>
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| removing.set(None)>{tr!(common.cancel)}</button>
                <button type="button" class="btn btn-danger" id="confirm-remove-mount" disabled=move || remove.pending().get()
                    on:click=move |_| { if let Some(p) = removing.get_untracked() { remove.dispatch(p); } }>{tr!(common.remove)}</button>
            </div>
        </Dialog>
    }
}

/// Adds a mount; the fields are checked as they are typed after the first attempt.
#[component]
fn MountForm(#[prop(into)] mounts: Signal<Vec<MountPoint>>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let draft = RwSignal::new(MountDraft::default());
    let tried = RwSignal::new(false);
    let shown = RwSignal::new(Vec::<FieldProblem>::new());
    run_effect(move || {
        let p = mounts.with(|m| draft.with(|d| d.build(m).1));
        if tried.get_untracked() {
            shown.set(p);
        }
    });
    let server_error = RwSignal::new(None::<ApiError>);
    let send = Action::new_local(move |m: &MountPoint| {
        let client = session.client_untracked();
        let m = m.clone();
        async move { add_mount(&client, &m).await.map(|_| ()) }
    });
    run_effect(move || {
        if let Some(r) = send.value().get() {
            match r {
                Ok(()) => {
                    draft.set(MountDraft::default());
                    tried.set(false);
                    shown.set(Vec::new());
                    refresh.bump();
                }
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        let (m, p) = mounts.with_untracked(|list| draft.with_untracked(|d| d.build(list)));
        shown.set(p.clone());
        if p.is_empty() {
            send.dispatch(m);
        }
    };
    let err = move |field: &'static str| Signal::derive(move || shown.with(|p| problem_for(p, field).map(problem)));
    let options_error = err("options");
    view! {
        <form class="card form" id="mount-form" novalidate=true on:submit=on_submit>
            <h2>{tr!(cache.add_mount)}</h2>
            <TextField id="mount-path" label=tr!(cache.col_path) value=Signal::derive(move || draft.with(|d| d.path.clone()))
                on_input=Callback::new(move |v| draft.update(|d| d.path = v)) error=err("path") hint=tr!(cache.mount_path_hint)
                placeholder=Signal::derive(|| "/obs".to_string()) required=true/>
            <TextField id="mount-ufs" label=tr!(cache.col_ufs) value=Signal::derive(move || draft.with(|d| d.ufs.clone()))
                on_input=Callback::new(move |v| draft.update(|d| d.ufs = v)) error=err("ufs") hint=tr!(cache.mount_ufs_hint)
                placeholder=Signal::derive(|| "obs://bucket/prefix".to_string()) required=true/>
            <FormField id="mount-options" label=tr!(cache.col_options) error=options_error hint=tr!(cache.mount_options_hint)>
                <textarea id="mount-options" class="input mono" rows="2" spellcheck="false" prop:value=move || draft.with(|d| d.options.clone())
                    aria-invalid=move || options_error.with(Option::is_some).to_string() aria-describedby=described_by("mount-options")
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.options = v); }></textarea>
            </FormField>
            {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.mount_refused)/> })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="mount-submit" disabled=move || send.pending().get() || ro.with(Option::is_some) title=move || ro.get()>
                    {move || if send.pending().get() { t!(common.saving) } else { t!(cache.add_mount) }}
                </button>
            </div>
        </form>
    }
}

/// A mount directory's entries with the cached share of each.
#[component]
fn Browser(path: String) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let p = path.clone();
    let data = LocalResource::new(move || {
        refresh.track();
        let (client, p) = (session.client(), p.clone());
        async move { browse(&client, &p).await }
    });
    let columns = vec![
        Column::new(tr!(cache.col_name), |e: &BrowseEntry| {
            if e.entry_type == "DIRECTORY" {
                view! { <a class="mono browse-dir" href=browse_href(&e.path)>{format!("{}/", e.name)}</a> }.into_any()
            } else {
                view! { <span class="mono browse-file">{e.name.clone()}</span> }.into_any()
            }
        }),
        Column::new(tr!(cache.col_size), |e: &BrowseEntry| format::bytes(e.length)).class("num"),
        Column::new(tr!(cache.col_cached), |e: &BrowseEntry| {
            let (c, l, name) = (e.cached_bytes, e.length, e.name.clone());
            view! {
                <UsageMeter fraction=usage_fraction(c, l) text=Signal::derive(move || t!(cache.cached_of, cached = format::bytes(c), pct = super::pct(usage_fraction(c, l))))
                    label=Signal::derive(move || t!(cache.cached_label, name = name)) class="cached-meter"/>
            }
        }),
    ];
    let up = parent_path(&path);
    view! {
        <div class="card" id="mount-browser" data-path=path.clone()>
            <div class="card-head">
                <h2>{tr!(cache.browser_title)}" "<code class="mono">{path.clone()}</code></h2>
                {up.map(|u| view! { <a class="btn btn-sm" id="browse-up" href=browse_href(&u)>{tr!(cache.up)}</a> })}
            </div>
            <Transition fallback=|| view! { <Spinner/> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e title=tr!(cache.browse_failed)/> }.into_any(),
                    Ok(l) => view! {
                        <p class="hint mono">{l.ufs.clone()}</p>
                        <DataTable rows=Signal::derive(move || l.entries.clone()) columns=columns.clone() row_key=|e: &BrowseEntry| e.path.clone()
                            key_attr="data-entry" caption=tr!(cache.browser_title) empty=tr!(cache.empty_dir) class="cache-browse"/>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}
