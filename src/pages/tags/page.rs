//! `/tags`: every tag key with its values and how many clusters carry each; a filter builder over
//! ListClustersByTags (has all of / any of / not all of / none of, and a name match) whose state is
//! in the URL; the matching clusters with their tags, and bulk add or remove of tags on the selected
//! clusters with the service's answer per cluster.

use std::collections::BTreeMap;

use lakedeck_api::mrs::Tag;
use lakedeck_api::mrs_tags::{TagFilter, TagResource, TagSearchReq, TagSearchResponse, TagValues, SEARCH_MAX_LIMIT};
use lakedeck_api::rules::{validate_tags, MAX_TAGS};
use lakedeck_api::tag_query::{count_tags, Combine, KeyCount, TagQuery};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::tags::{all_tags, batch_tags, search};
use crate::api::{query_string, ApiError};
use crate::app::href;
use crate::components::{field_dom_id, tag_row_errors, Column, DataTable, Dialog, ErrorPanel, Pager, Spinner, TagRows, When};
use crate::i18n::problem;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session, RefreshBus};
use crate::{t, tr};

/// Clusters per page of the result list.
pub const PAGE_SIZE: usize = 20;
/// Clusters read for the counts (pages of 1,000 up to this many).
const COUNT_LIMIT: usize = 10_000;

/// How a condition group is called on screen.
pub fn combine_label(c: Combine) -> String {
    match c {
        Combine::All => t!(tags.has_all),
        Combine::Any => t!(tags.has_any),
        Combine::NotAll => t!(tags.not_all),
        Combine::NoneOf => t!(tags.has_none),
    }
}

fn combine_hint(c: Combine) -> String {
    match c {
        Combine::All => t!(tags.has_all_hint),
        Combine::Any => t!(tags.has_any_hint),
        Combine::NotAll => t!(tags.not_all_hint),
        Combine::NoneOf => t!(tags.has_none_hint),
    }
}

/// `key=value`, or the key alone for an empty value.
pub fn tag_text(t: &Tag) -> String {
    if t.value.is_empty() { t.key.clone() } else { format!("{}={}", t.key, t.value) }
}

/// Every cluster with its tags (for the counts), newest first, in pages of 1,000.
async fn every_cluster(client: &crate::api::ApiClient) -> Result<Vec<TagResource>, ApiError> {
    let mut out = Vec::new();
    loop {
        let body = TagSearchReq {
            action: Some("filter".into()),
            limit: Some(SEARCH_MAX_LIMIT),
            offset: Some(out.len() as i64),
            ..Default::default()
        };
        let page = search(client, &body).await?;
        let n = page.resources.len();
        out.extend(page.resources);
        if n == 0 || out.len() as i64 >= page.total_count || out.len() >= COUNT_LIMIT {
            return Ok(out);
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Overview {
    keys: Vec<KeyCount>,
    values: Vec<TagValues>,
    clusters: usize,
}

#[component]
pub fn TagsView() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|m| TagQuery::from_params(|k| m.get(k))));
    let navigate = use_navigate();
    let go = Callback::new(move |q: TagQuery| {
        let pairs: Vec<(&str, String)> = q.to_params();
        navigate(&format!("/tags{}", query_string(&pairs)), Default::default());
    });

    // What the builder shows: the URL's filter until the user edits it; Apply puts it in the URL.
    let draft = RwSignal::new(query.get_untracked());
    run_effect(move || draft.set(query.get()));

    let overview = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move {
            let (values, clusters) = futures_util::future::join(all_tags(&client), every_cluster(&client)).await;
            let (values, clusters) = (values?, clusters?);
            Ok::<_, ApiError>(Overview { keys: count_tags(&values, &clusters), values, clusters: clusters.len() })
        }
    });
    let results = LocalResource::new(move || {
        refresh.track();
        let body = query.with(|q| q.request(false, PAGE_SIZE));
        let problems = query.with(|q| q.problems(PAGE_SIZE));
        let client = session.client();
        async move {
            if !problems.is_empty() {
                // The builder shows them next to the fields; nothing is sent.
                return Ok(None);
            }
            search(&client, &body).await.map(Some)
        }
    });

    let apply = move || {
        let mut q = draft.get_untracked();
        if !q.problems(PAGE_SIZE).is_empty() {
            return;
        }
        q.page = 1;
        go.run(q);
    };
    let add_condition = move |c: Combine, key: String, value: Option<String>| {
        let mut q = query.get_untracked();
        let list = q.list_mut(c);
        match list.iter_mut().find(|f| f.key == key) {
            Some(f) => {
                if let Some(v) = value {
                    if !f.values.contains(&v) {
                        f.values.push(v);
                    }
                } else {
                    f.values.clear();
                }
            }
            None => list.push(TagFilter { key, values: value.into_iter().collect() }),
        }
        q.page = 1;
        go.run(q);
    };

    let known_values = Memo::new(move |_| overview.with(|o| match o {
        Some(Ok(o)) => o.values.clone(),
        _ => Vec::new(),
    }));

    view! {
        <section class="page" aria-labelledby="tags-title" id="tags-view">
            <header class="page-head">
                <h1 id="tags-title">{tr!(tags.title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" id="refresh-tags" on:click=move |_| refresh.bump()
                        title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <p class="hint">{tr!(tags.intro)}</p>
            <datalist id="tag-keys">
                {move || known_values.with(|v| v.iter().map(|k| view! { <option value=k.key.clone()></option> }).collect_view())}
            </datalist>
            <div class="tags-layout">
                <KeyList overview=overview on_pick=Callback::new(move |(k, v): (String, Option<String>)| add_condition(Combine::All, k, v))/>
                <div class="tags-main">
                    <FilterBuilder draft=draft known=known_values on_apply=Callback::new(move |_| apply())
                        on_clear=Callback::new(move |_| go.run(TagQuery { page: 1, ..Default::default() }))/>
                    <Results results=results query=query go=go/>
                </div>
            </div>
        </section>
    }
}

/// The keys with their values and counts; a click on one adds it to "has all of".
#[component]
fn KeyList(overview: LocalResource<Result<Overview, ApiError>>, on_pick: Callback<(String, Option<String>)>) -> impl IntoView {
    let refresh = expect_context::<RefreshBus>();
    let data = Memo::new(move |_| overview.with(|o| o.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let error = Memo::new(move |_| overview.with(|o| o.as_ref().and_then(|r| r.as_ref().err().cloned())));
    view! {
        <section class="card tag-keys" aria-labelledby="tag-keys-title">
            <h2 id="tag-keys-title">{tr!(tags.keys_title)}</h2>
            {move || error.get().map(|e| view! {
                <ErrorPanel error=e title=tr!(tags.keys_failed) on_retry=Callback::new(move |_| refresh.bump())/>
            })}
            <Transition fallback=|| view! { <Spinner/> }>
                {move || data.get().map(|o| {
                    let total = o.clusters;
                    let n_keys = o.keys.len();
                    if o.keys.is_empty() {
                        return view! { <p class="empty-state" id="tag-keys-empty">{tr!(tags.no_keys)}</p> }.into_any();
                    }
                    view! {
                        <p class="hint">{move || t!(tags.keys_summary, keys = n_keys, clusters = total)}</p>
                        <ul class="key-list" id="tag-key-list">
                            {o.keys.into_iter().map(|k| {
                                let key = k.key.clone();
                                let key2 = k.key.clone();
                                let n = k.clusters;
                                view! {
                                    <li class="key-item" data-key=k.key.clone()>
                                        <button type="button" class="link-btn key-name" title=tr!(tags.pick_key)
                                            on:click=move |_| on_pick.run((key.clone(), None))>
                                            <code>{k.key.clone()}</code>
                                        </button>
                                        <span class="muted key-count">{move || t!(tags.cluster_count, count = n)}</span>
                                        <ul class="tag-list">
                                            {k.values.into_iter().map(|(v, c)| {
                                                let (key, value) = (key2.clone(), v.clone());
                                                let shown = if v.is_empty() { None } else { Some(v.clone()) };
                                                view! {
                                                    <li>
                                                        <button type="button" class="tag tag-pick" data-value=v.clone()
                                                            title=tr!(tags.pick_value)
                                                            on:click=move |_| on_pick.run((key.clone(), Some(value.clone())))>
                                                            {match shown {
                                                                Some(s) => view! { <span>{s}</span> }.into_any(),
                                                                None => view! { <em>{tr!(tags.empty_value)}</em> }.into_any(),
                                                            }}
                                                            " " <span class="count">{c}</span>
                                                        </button>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// The four condition groups and the name match, with the service's rules checked as you type.
#[component]
fn FilterBuilder(draft: RwSignal<TagQuery>, known: Memo<Vec<TagValues>>, on_apply: Callback<()>, on_clear: Callback<()>) -> impl IntoView {
    let problems = Memo::new(move |_| {
        draft.with(|q| q.problems(PAGE_SIZE)).into_iter().map(|p| (field_dom_id(&p.field), p.problem)).collect::<Vec<_>>()
    });
    // The first problem of a field (its DOM id) or of anything inside it (`tags-0` covers `tags-0-key`).
    let error_at = move |prefix: String| {
        let inside = format!("{prefix}-");
        Signal::derive(move || {
            problems.with(|ps| ps.iter().filter(|(f, _)| *f == prefix || f.starts_with(&inside)).map(|(_, p)| problem(p)).next())
        })
    };
    let error_exact = move |field: &'static str| {
        Signal::derive(move || problems.with(|ps| ps.iter().filter(|(f, _)| f == field).map(|(_, p)| problem(p)).next()))
    };
    let group = move |c: Combine| {
        let count = Memo::new(move |_| draft.with(|q| q.list(c).len()));
        let field = c.field();
        let rows = move || {
            (0..count.get())
                .map(|i| {
                    let id = format!("{field}-{i}");
                    let key = Memo::new(move |_| draft.with(|q| q.list(c).get(i).map(|f| f.key.clone()).unwrap_or_default()));
                    let values = Memo::new(move |_| draft.with(|q| q.list(c).get(i).map(|f| f.values.clone()).unwrap_or_default()));
                    // The values offered: the key's known ones and any already chosen.
                    let offered = Memo::new(move |_| {
                        let k = key.get();
                        let mut v: Vec<String> = known.with(|all| all.iter().find(|x| x.key == k).map(|x| x.values.clone()).unwrap_or_default());
                        for chosen in values.get() {
                            if !v.contains(&chosen) {
                                v.push(chosen);
                            }
                        }
                        v
                    });
                    let err = error_at(id.clone());
                    let key_id = format!("{id}-key");
                    view! {
                        <div class="condition" class:invalid=move || err.with(Option::is_some) data-combine=c.param()>
                            <input id=key_id.clone() class="input condition-key" list="tag-keys" placeholder=tr!(tags.key_placeholder)
                                aria-label=move || t!(tags.condition_key, group = combine_label(c), n = i + 1)
                                aria-invalid=move || err.with(Option::is_some).to_string()
                                prop:value=move || key.get()
                                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|q| if let Some(f) = q.list_mut(c).get_mut(i) { f.key = v }); }
                                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); on_apply.run(()); }/>
                            <div class="condition-values" role="group" aria-label=move || t!(tags.condition_values, key = key.get())>
                                {move || if offered.with(Vec::is_empty) {
                                    view! { <span class="muted">{tr!(tags.any_value)}</span> }.into_any()
                                } else {
                                    offered.get().into_iter().map(|v| {
                                        let v2 = v.clone();
                                        let v3 = v.clone();
                                        view! {
                                            <label class="check value-check">
                                                <input type="checkbox" prop:checked=move || values.with(|vs| vs.contains(&v2))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        let v = v3.clone();
                                                        draft.update(|q| if let Some(f) = q.list_mut(c).get_mut(i) {
                                                            f.values.retain(|x| x != &v);
                                                            if on { f.values.push(v); }
                                                        });
                                                    }/>
                                                {if v.is_empty() { view! { <em>{tr!(tags.empty_value)}</em> }.into_any() } else { view! { <span>{v}</span> }.into_any() }}
                                            </label>
                                        }
                                    }).collect_view().into_any()
                                }}
                                <span class="hint">{move || if values.with(Vec::is_empty) { t!(tags.any_value_hint) } else { String::new() }}</span>
                            </div>
                            <button type="button" class="btn btn-sm btn-ghost" aria-label=move || t!(tags.remove_condition, n = i + 1)
                                on:click=move |_| draft.update(|q| { let l = q.list_mut(c); if i < l.len() { l.remove(i); } })>{tr!(common.remove)}</button>
                            {move || err.get().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    }
                })
                .collect_view()
        };
        let group_err = error_exact(field);
        view! {
            <fieldset class="condition-group" id=format!("cond-{}", c.param())>
                <legend>{move || combine_label(c)}</legend>
                <p class="hint">{move || combine_hint(c)}</p>
                {rows}
                {move || group_err.get().map(|m| view! { <p class="field-error">{m}</p> })}
                <button type="button" class="btn btn-sm add-condition" id=format!("add-{}", c.param())
                    on:click=move |_| {
                        draft.update(|q| q.list_mut(c).push(TagFilter::default()));
                        let focus = format!("{field}-{}-key", count.get_untracked().saturating_sub(1));
                        request_animation_frame(move || {
                            use wasm_bindgen::JsCast;
                            if let Some(el) = document().get_element_by_id(&focus) {
                                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                            }
                        });
                    }>{tr!(tags.add_condition)}</button>
            </fieldset>
        }
    };
    let name_err = error_at("matches".into());
    view! {
        <form class="card tag-filter" role="search" aria-labelledby="tag-filter-title"
            on:submit=move |ev| { ev.prevent_default(); on_apply.run(()); }>
            <h2 id="tag-filter-title">{tr!(tags.filter_title)}</h2>
            <div class="condition-groups">
                {Combine::ALL.into_iter().map(group).collect_view()}
            </div>
            <div class="field">
                <label class="label" for="tag-name-match">{tr!(tags.name_match)}</label>
                <input id="tag-name-match" class="input" type="search" autocomplete="off"
                    aria-invalid=move || name_err.with(Option::is_some).to_string()
                    prop:value=move || draft.with(|q| q.name.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|q| q.name = v); }/>
                <p class="hint">{tr!(tags.name_match_hint)}</p>
                {move || name_err.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="apply-tag-filter"
                    disabled=move || problems.with(|p| !p.is_empty())>{tr!(tags.apply)}</button>
                <button type="button" class="btn btn-ghost" id="clear-tag-filter" on:click=move |_| on_clear.run(())>{tr!(common.clear_filters)}</button>
            </div>
        </form>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bulk {
    Add,
    Remove,
}

/// The answer for one cluster of a bulk change.
#[derive(Clone, Debug, PartialEq)]
struct BulkResult {
    id: String,
    name: String,
    outcome: Result<(), ApiError>,
}

#[component]
fn Results(results: LocalResource<Result<Option<TagSearchResponse>, ApiError>>, query: Memo<TagQuery>, go: Callback<TagQuery>) -> impl IntoView {
    let read_only = crate::state::use_write_block();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let page = Memo::new(move |_| results.with(|r| match r {
        Some(Ok(Some(p))) => Some(p.clone()),
        _ => None,
    }));
    let error = Memo::new(move |_| results.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned())));
    let rows = Memo::new(move |_| page.with(|p| p.as_ref().map(|p| p.resources.clone()).unwrap_or_default()));
    let total = Memo::new(move |_| page.with(|p| p.as_ref().map(|p| p.total_count).unwrap_or(0)));

    // Selected clusters (id → name); kept across pages and filters until cleared.
    let selected = RwSignal::new(BTreeMap::<String, String>::new());
    let toggle = move |id: String, name: String, on: bool| {
        selected.update(|s| {
            if on {
                s.insert(id, name);
            } else {
                s.remove(&id);
            }
        })
    };
    let page_selected = move || rows.with(|r| !r.is_empty() && selected.with(|s| r.iter().all(|c| s.contains_key(&c.resource_id))));

    let bulk = RwSignal::new(None::<Bulk>);
    let bulk_tags = RwSignal::new(Vec::<Tag>::new());
    let bulk_touched = RwSignal::new(false);
    let bulk_results = RwSignal::new(Vec::<BulkResult>::new());
    let bulk_problems = Memo::new(move |_| {
        let tags = bulk_tags.get();
        if bulk.get() == Some(Bulk::Remove) {
            // Removing needs keys only; the service ignores keys a cluster does not have.
            return tags
                .iter()
                .enumerate()
                .filter(|(_, t)| t.key.is_empty())
                .map(|(i, _)| lakedeck_api::rules::FieldError::new(format!("tags[{i}]"), "", lakedeck_api::problem::Problem::new("tag.key_required")))
                .collect::<Vec<_>>();
        }
        validate_tags(&tags, MAX_TAGS)
    });
    let bulk_errors = Signal::derive(move || if bulk_touched.get() { tag_row_errors(&bulk_problems.get()) } else { Vec::new() });
    let run_bulk = Action::new_local(move |(mode, tags, targets): &(Bulk, Vec<Tag>, Vec<(String, String)>)| {
        let (client, mode, tags, targets) = (session.client(), *mode, tags.clone(), targets.clone());
        async move {
            let mut out = Vec::new();
            for (id, name) in targets {
                let outcome = batch_tags(&client, &id, mode == Bulk::Remove, &tags).await;
                out.push(BulkResult { id, name, outcome });
            }
            out
        }
    });
    run_effect(move || {
        if let Some(r) = run_bulk.value().get() {
            // Clusters whose change went through leave the selection; refused ones stay to retry.
            selected.update(|s| {
                for b in r.iter().filter(|b| b.outcome.is_ok()) {
                    s.remove(&b.id);
                }
            });
            bulk_results.set(r);
            refresh.bump();
        }
    });
    let open_bulk = move |mode: Bulk| {
        bulk_tags.set(vec![Tag::default()]);
        bulk_touched.set(false);
        bulk_results.set(Vec::new());
        bulk.set(Some(mode));
    };
    let submit_bulk = move || {
        bulk_touched.set(true);
        let Some(mode) = bulk.get_untracked() else { return };
        if !bulk_problems.with_untracked(Vec::is_empty) || run_bulk.pending().get_untracked() {
            return;
        }
        let targets: Vec<(String, String)> = selected.get_untracked().into_iter().collect();
        bulk_results.set(Vec::new());
        run_bulk.dispatch((mode, bulk_tags.get_untracked(), targets));
    };

    let columns = vec![
        Column::new(tr!(tags.col_select), move |c: &TagResource| {
            let (id, name) = (c.resource_id.clone(), c.resource_name.clone());
            let id2 = id.clone();
            let label_name = name.clone();
            view! {
                <input type="checkbox" class="row-select" aria-label=move || t!(tags.select_cluster, name = label_name)
                    prop:checked=move || selected.with(|s| s.contains_key(&id2))
                    on:change=move |ev| toggle(id.clone(), name.clone(), event_target_checked(&ev))/>
            }
        })
        .class("col-select"),
        Column::new(tr!(clusters.col_name), |c: &TagResource| {
            view! { <a class="cluster-name" href=href(&format!("/clusters/{}", c.resource_id))>{c.resource_name.clone()}</a> }
        }),
        Column::new(tr!(clusters.col_id), |c: &TagResource| view! { <code class="mono">{c.resource_id.clone()}</code> }),
        Column::new(tr!(clusters.col_tags), |c: &TagResource| {
            view! {
                <ul class="tag-list">
                    {c.tags.iter().map(|t| view! { <li class="tag">{tag_text(t)}</li> }).collect_view()}
                </ul>
            }
        }),
    ];
    let columns = StoredValue::new(columns);
    let mode_title = move || match bulk.get() {
        Some(Bulk::Remove) => t!(tags.bulk_remove_title, count = selected.with(BTreeMap::len)),
        _ => t!(tags.bulk_add_title, count = selected.with(BTreeMap::len)),
    };
    let failures = move || bulk_results.with(|r| r.iter().filter(|b| b.outcome.is_err()).count());

    view! {
        <section class="card tag-results" aria-labelledby="tag-results-title">
            <h2 id="tag-results-title">{tr!(tags.results_title)}</h2>
            {move || error.get().map(|e| view! {
                <ErrorPanel error=e title=tr!(tags.search_failed) on_retry=Callback::new(move |_| refresh.bump())/>
            })}
            <p class="hint" id="tag-match-count" role="status">
                {move || if query.with(TagQuery::is_empty) { t!(tags.all_clusters, count = total.get()) } else { t!(tags.matching, count = total.get()) }}
            </p>
            <div class="bulk-bar">
                <label class="check">
                    <input type="checkbox" id="select-page" prop:checked=page_selected on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        rows.with_untracked(|r| for c in r { toggle(c.resource_id.clone(), c.resource_name.clone(), on) });
                    }/>
                    {tr!(tags.select_page)}
                </label>
                <span class="muted" id="selected-count">{move || t!(tags.selected, count = selected.with(BTreeMap::len))}</span>
                <span class="row-actions">
                    <button type="button" class="btn" id="bulk-add" disabled=move || selected.with(BTreeMap::is_empty) || read_only.with(Option::is_some)
                        title=move || read_only.get() on:click=move |_| open_bulk(Bulk::Add)>{tr!(tags.bulk_add)}</button>
                    <button type="button" class="btn" id="bulk-remove" disabled=move || selected.with(BTreeMap::is_empty) || read_only.with(Option::is_some)
                        title=move || read_only.get() on:click=move |_| open_bulk(Bulk::Remove)>{tr!(tags.bulk_remove)}</button>
                    <button type="button" class="btn btn-ghost" id="clear-selection" disabled=move || selected.with(BTreeMap::is_empty)
                        on:click=move |_| selected.set(BTreeMap::new())>{tr!(tags.clear_selection)}</button>
                </span>
            </div>
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable
                    rows=rows
                    columns=columns.get_value()
                    row_key=|c: &TagResource| c.resource_id.clone()
                    key_attr="data-cluster-id"
                    caption=tr!(tags.results_title)
                    empty=move || t!(tags.no_match)
                />
            </Transition>
            <div class="table-foot">
                <span></span>
                <Pager
                    id="tag-results-pager"
                    label=tr!(clusters.pages)
                    page=Signal::derive(move || query.with(|q| q.page as u32))
                    page_size=Signal::derive(|| PAGE_SIZE as u32)
                    total=total
                    on_page=Callback::new(move |n: u32| { let mut q = query.get_untracked(); q.page = n as usize; go.run(q); })
                />
            </div>
        </section>
        <Dialog open=Signal::derive(move || bulk.with(Option::is_some)) on_close=Callback::new(move |_| bulk.set(None))
            title=Signal::derive(mode_title) id="bulk-dialog" initial_focus="#bulk-tags-0-key">
            <form on:submit=move |ev| { ev.prevent_default(); submit_bulk(); }>
                <p class="dialog-lead">
                    {move || if bulk.get() == Some(Bulk::Remove) { t!(tags.bulk_remove_lead) } else { t!(tags.bulk_add_lead, max = MAX_TAGS) }}
                </p>
                <ul class="tag-list bulk-targets">
                    {move || selected.get().into_values().map(|n| view! { <li class="tag">{n}</li> }).collect_view()}
                </ul>
                <TagRows id="bulk-tags" tags=bulk_tags set_tags=Callback::new(move |t| bulk_tags.set(t)) errors=bulk_errors keys_only=bulk.get_untracked() == Some(Bulk::Remove)
                    key_list="tag-keys"/>
                <When when=move || bulk_results.with(|r| !r.is_empty())>
                    <p class="notice" class:notice-ok=move || failures() == 0 class:notice-bad=move || { failures() > 0 } role="status" id="bulk-summary">
                        {move || t!(tags.bulk_summary, ok = bulk_results.with(Vec::len) - failures(), failed = failures())}
                    </p>
                    <table class="data-table bulk-results" id="bulk-results">
                        <caption class="visually-hidden">{tr!(tags.bulk_results)}</caption>
                        <thead><tr><th scope="col">{tr!(clusters.col_name)}</th><th scope="col">{tr!(tags.col_result)}</th></tr></thead>
                        <tbody>
                            {move || bulk_results.get().into_iter().map(|b| {
                                let ok = b.outcome.is_ok();
                                view! {
                                    <tr data-cluster-id=b.id.clone() data-ok=ok.to_string()>
                                        <td>{b.name.clone()}</td>
                                        <td>{match b.outcome {
                                            Ok(()) => view! { <span class="state-chip tone-ok">{tr!(tags.bulk_ok)}</span> }.into_any(),
                                            Err(e) => view! {
                                                <span class="state-chip tone-bad">{e.code.clone()}</span>
                                                " " <span class="bulk-error">{move || e.message()}</span>
                                            }.into_any(),
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </When>
                <div class="dialog-actions">
                    <button type="button" class="btn" id="bulk-close" on:click=move |_| bulk.set(None)>{tr!(common.close)}</button>
                    <button type="submit" class="btn btn-primary" id="bulk-apply"
                        disabled=move || run_bulk.pending().get() || selected.with(BTreeMap::is_empty) || read_only.with(Option::is_some)>
                        {move || if run_bulk.pending().get() { t!(common.saving) } else if bulk.get() == Some(Bulk::Remove) { t!(tags.bulk_remove) } else { t!(tags.bulk_add) }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
