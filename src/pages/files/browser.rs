//! `/clusters/:id/files`: breadcrumbs, a sortable, paged listing (ShowHdfsFileList), human sizes,
//! open a directory, copy a path. [`FilePicker`] is the same browser in a dialog that hands a
//! chosen path to a form.

use lakedeck_api::mrs_jobs::{validate_file_list_path, FileStatusV2};
use lakedeck_api::paging::parse_bounded;
use lakedeck_api::problem::Problem;
use lakedeck_api::units::{breadcrumbs, join_path, parent_path};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::jobs::{list_files, FilesQuery};
use crate::api::query_string;
use crate::components::{Column, CopyButton, DataTable, Dialog, ErrorPanel, FormField, Pager, ProgressBar, Spinner, Timestamp, When};
use crate::pages::clusters::ClusterHeader;
use crate::state::session::SessionExt;
use crate::i18n::{format, problem};
use crate::state::{load, load_error, run_effect, use_session, Loaded, RefreshBus};
use crate::{t, tr};

const SORT_KEYS: [&str; 3] = ["path_suffix", "length", "modification_time"];

/// The browser's state from the URL query (`path, sort, dir, page, size`).
pub fn files_query_from(get: impl Fn(&str) -> Option<String>) -> FilesQuery {
    FilesQuery {
        path: get("path").filter(|p| validate_file_list_path(p).is_ok()).unwrap_or_else(|| "/".into()),
        sort_key: get("sort").filter(|k| SORT_KEYS.contains(&k.as_str())).unwrap_or_else(|| "path_suffix".into()),
        descending: get("dir").as_deref() == Some("desc"),
        limit: get("size").and_then(|s| parse_bounded(&s, 1, 50)).map(|n| n as u32).filter(|n| [10, 20, 50].contains(n)).unwrap_or(20),
        page: get("page").and_then(|s| parse_bounded(&s, 1, 1_000_000)).map(|n| n as u32).unwrap_or(1),
    }
}

pub fn files_query_string(q: &FilesQuery) -> String {
    query_string(&[
        ("path", if q.path == "/" { String::new() } else { q.path.clone() }),
        ("sort", if q.sort_key == "path_suffix" { String::new() } else { q.sort_key.clone() }),
        ("dir", if q.descending { "desc".into() } else { String::new() }),
        ("page", if q.page > 1 { q.page.to_string() } else { String::new() }),
        ("size", if q.limit != 20 { q.limit.to_string() } else { String::new() }),
    ])
}

/// `/clusters/:id/files`.
#[component]
pub fn ClusterFiles() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let query = use_query_map();
    let state = Memo::new(move |_| query.with(|m| files_query_from(|k| m.get(k))));
    let navigate = use_navigate();
    let on_change = Callback::new(move |q: FilesQuery| {
        navigate(&format!("/clusters/{}/files{}", id.get_untracked(), files_query_string(&q)), Default::default())
    });
    view! {
        <section class="page" aria-labelledby="files-title" id="files-view">
            <ClusterHeader cluster_id=id current="files"/>
            <header class="page-head"><h1 id="files-title">{tr!(files.title)}</h1></header>
            <FileBrowser cluster_id=id state=state on_change=on_change/>
        </section>
    }
}

/// A dialog with the browser; choosing "Select" on a row hands its full path to `on_pick`.
#[component]
pub fn FilePicker(
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] cluster_id: Signal<String>,
    /// Where browsing starts (a directory).
    #[prop(into)]
    start: Signal<String>,
    on_pick: Callback<String>,
    on_close: Callback<()>,
) -> impl IntoView {
    let state = RwSignal::new(FilesQuery { path: "/".into(), sort_key: "path_suffix".into(), limit: 20, page: 1, descending: false });
    run_effect(move || {
        if open.get() {
            let dir = start.get_untracked();
            let dir = if validate_file_list_path(&dir).is_ok() { dir } else { "/".into() };
            state.update(|s| {
                s.path = dir;
                s.page = 1;
            });
        }
    });
    view! {
        <Dialog open=open on_close=on_close title=tr!(files.pick_title) id="file-picker" class="dialog-wide">
            <When when=move || open.get()>
                <FileBrowser cluster_id=cluster_id state=state on_change=Callback::new(move |q| state.set(q)) on_pick=on_pick/>
            </When>
        </Dialog>
    }
}

/// The listing itself; `state` is the directory, sort and page, changed only through `on_change`.
#[component]
pub fn FileBrowser(
    #[prop(into)] cluster_id: Signal<String>,
    #[prop(into)] state: Signal<FilesQuery>,
    on_change: Callback<FilesQuery>,
    #[prop(optional)] on_pick: Option<Callback<String>>,
) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let data = load(move || {
        refresh.track();
        let (id, q) = (cluster_id.get(), state.get());
        let client = session.client();
        Box::pin(async move { list_files(&client, &id, &q).await.map(Loaded::Files) })
    });
    let busy = RwSignal::new(false);
    let change = move |f: &dyn Fn(&mut FilesQuery)| {
        let mut q = state.get_untracked();
        f(&mut q);
        on_change.run(q);
    };
    let open_dir = move |path: String| change(&|q| {
        q.path = path.clone();
        q.page = 1;
    });

    let goto_text = RwSignal::new(String::new());
    let goto_error = RwSignal::new(None::<Problem>);
    run_effect(move || {
        goto_text.set(state.with(|s| s.path.clone()));
        goto_error.set(None);
    });
    let go_to = move || {
        let p = goto_text.get_untracked().trim().to_string();
        match validate_file_list_path(&p) {
            Ok(()) => open_dir(p),
            Err(e) => goto_error.set(Some(e)),
        }
    };

    let rows = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Loaded::Files(r))) => r.files.clone(),
        _ => Vec::new(),
    }));
    let total = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Loaded::Files(r))) => r.total_count,
        _ => 0,
    }));
    let error = load_error(data);
    let loaded = Memo::new(move |_| data.with(|d| d.is_some()));

    let full = move |f: &FileStatusV2| join_path(&state.with_untracked(|s| s.path.clone()), &f.path_suffix);
    let mut columns = vec![
        Column::new(tr!(clusters.col_name), move |f: &FileStatusV2| {
            let path = full(f);
            if f.file_type == "DIRECTORY" {
                view! {
                    <button type="button" class="link-btn file-dir" on:click=move |_| open_dir(path.clone())>
                        <span class="file-icon" aria-hidden="true">"▸ "</span>{f.path_suffix.clone()}"/"
                    </button>
                }
                .into_any()
            } else {
                view! { <span class="file-name"><span class="file-icon" aria-hidden="true">"· "</span>{f.path_suffix.clone()}</span> }.into_any()
            }
        })
        .sortable("path_suffix"),
        Column::new(tr!(files.col_size), |f: &FileStatusV2| {
            let (dir, children, length) = (f.file_type == "DIRECTORY", f.children_num, f.length);
            move || if dir { t!(files.items, count = children) } else { format::bytes(length) }
        })
        .sortable("length")
        .class("num"),
        Column::new(tr!(files.col_modified), |f: &FileStatusV2| view! { <Timestamp epoch=f.modification_time.to_string()/> }).sortable("modification_time"),
        Column::text(tr!(files.col_owner), |f: &FileStatusV2| format!("{}:{}", f.owner, f.group)),
        Column::new(tr!(files.col_permission), |f: &FileStatusV2| view! { <code class="mono">{f.permission.clone()}</code> }),
        Column::text(tr!(files.col_replication), |f: &FileStatusV2| f.replication.to_string()).class("num"),
        Column::new(String::new, move |f: &FileStatusV2| view! { <CopyButton text=full(f) label=tr!(files.copy_path)/> }).class("col-actions"),
    ];
    if let Some(pick) = on_pick {
        columns.push(
            Column::new(String::new, move |f: &FileStatusV2| {
                let path = full(f);
                view! { <button type="button" class="btn btn-sm btn-primary pick-path" on:click=move |_| pick.run(path.clone())>{tr!(files.select)}</button> }
            })
            .class("col-actions"),
        );
    }
    let columns = StoredValue::new(columns);
    let sort = Signal::derive(move || state.with(|s| Some((s.sort_key.clone(), !s.descending))));
    let on_sort = Callback::new(move |key: String| change(&|q| {
        q.descending = q.sort_key == key && !q.descending;
        q.sort_key = key.clone();
        q.page = 1;
    }));

    view! {
        <div class="file-browser" data-path=move || state.with(|s| s.path.clone())>
            <div class="file-toolbar">
                <nav class="breadcrumb file-crumbs" aria-label=tr!(files.directory)>
                    {move || {
                        let crumbs = breadcrumbs(&state.with(|s| s.path.clone()));
                        let last = crumbs.len() - 1;
                        crumbs.into_iter().enumerate().map(|(i, (label, path))| {
                            let sep = (i > 1).then_some(view! { <span aria-hidden="true">" / "</span> });
                            if i == last {
                                view! { {sep}<span class="crumb" aria-current="location">{label}</span> }.into_any()
                            } else {
                                view! { {sep}<button type="button" class="link-btn crumb" on:click=move |_| open_dir(path.clone())>{label}</button> }.into_any()
                            }
                        }).collect_view()
                    }}
                </nav>
                <button type="button" class="btn btn-sm" id="files-up" disabled=move || state.with(|s| s.path == "/")
                    on:click=move |_| open_dir(parent_path(&state.get_untracked().path))>{tr!(files.up)}</button>
                <CopyButton text=Signal::derive(move || state.with(|s| s.path.clone())) label=tr!(files.copy_dir)/>
                <button type="button" class="btn btn-sm" id="files-refresh" title=tr!(common.refresh_title) on:click=move |_| refresh.bump()>{tr!(common.refresh)}</button>
            </div>
            <FormField id="files-goto" label=tr!(files.goto) error=move || goto_error.with(|e| e.as_ref().map(problem))>
                <input id="files-goto" class="input" type="text" prop:value=move || goto_text.get()
                    aria-describedby="files-goto-error" aria-invalid=move || goto_error.with(Option::is_some).to_string()
                    on:input=move |ev| { goto_text.set(event_target_value(&ev)); goto_error.set(None); }
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); go_to(); }/>
            </FormField>
            <ProgressBar busy=busy label=tr!(files.loading_bar)/>
            <Transition fallback=|| view! { <Spinner label=tr!(files.loading)/> } set_pending=busy.write_only()>
                {move || error.get().map(|e| view! {
                    <ErrorPanel error=e title=tr!(files.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
                })}
                // A listing that failed shows its error only (not also "This directory is empty").
                <When when=move || loaded.get() && error.with(Option::is_none)>
                    <DataTable
                        rows=rows
                        columns=columns.get_value()
                        row_key=|f: &FileStatusV2| f.path_suffix.clone()
                        key_attr="data-name"
                        caption=tr!(files.caption)
                        empty=tr!(files.empty)
                        sort=sort
                        on_sort=on_sort
                        busy=busy
                    />
                    <div class="table-foot">
                        <Pager
                            id="files-pager"
                            label=tr!(files.pages)
                            page=Signal::derive(move || state.with(|s| s.page))
                            page_size=Signal::derive(move || state.with(|s| s.limit))
                            total=total
                            on_page=Callback::new(move |n| change(&|q| q.page = n))
                            on_size=Callback::new(move |n| change(&|q| { q.limit = n; q.page = 1; }))
                        />
                    </div>
                </When>
            </Transition>
        </div>
    }
}
