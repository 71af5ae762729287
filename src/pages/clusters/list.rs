//! `/clusters`: Active/History tabs, search, state and tag filters, sort, paging — all in the URL
//! query so back/forward and deep links work. Live refresh while clusters change.

use std::time::Duration;

use lakedeck_api::mrs::{Cluster, ClusterState, StateFilter};
use lakedeck_api::paging::{is_page_size, parse_bounded};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use super::cluster_type_label;
use crate::api::mrs::{list_clusters, ListClustersQuery};
use crate::api::query_string;
use crate::app::href;
use crate::components::{
    state_label, Column, DataTable, ErrorPanel, Pager, ProgressBar, ShortId, Spinner, StateChip, Timestamp, When,
};
use crate::state::session::SessionExt;
use crate::state::{load, load_error, run_effect, use_adaptive_polling, use_session, LoadResult, Loaded, RefreshBus};
use crate::{t, tr};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Active,
    History,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Created,
    State,
}

impl SortKey {
    pub fn parse(s: &str) -> Option<SortKey> {
        match s {
            "name" => Some(SortKey::Name),
            "created" => Some(SortKey::Created),
            "state" => Some(SortKey::State),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Created => "created",
            SortKey::State => "state",
        }
    }
}

/// Everything the list view shows, as it appears in the URL query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListParams {
    pub tab: Tab,
    pub search: String,
    /// A concrete state or empty for all states of the tab.
    pub state: String,
    pub tags: String,
    pub sort: Option<(SortKey, bool)>,
    pub page: u32,
    pub size: u32,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams { tab: Tab::Active, search: String::new(), state: String::new(), tags: String::new(), sort: None, page: 1, size: 10 }
    }
}

impl ListParams {
    /// Reads `tab, q, state, tags, sort, dir, page, size`; anything invalid falls back to the default.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> ListParams {
        let d = ListParams::default();
        let tab = if get("tab").as_deref() == Some("history") { Tab::History } else { Tab::Active };
        let state = get("state")
            .filter(|s| ClusterState::parse(s).is_some_and(|st| tab_filter(tab).matches(st)))
            .unwrap_or_default();
        let sort = get("sort").and_then(|s| SortKey::parse(&s)).map(|k| (k, get("dir").as_deref() != Some("desc")));
        let size = get("size")
            .and_then(|s| parse_bounded(&s, 1, 50))
            .filter(|&n| is_page_size(n))
            .map(|n| n as u32)
            .unwrap_or(d.size);
        let page = get("page").and_then(|s| parse_bounded(&s, 1, 1_000_000)).map(|n| n as u32).unwrap_or(1);
        ListParams { tab, search: get("q").unwrap_or_default(), state, tags: get("tags").unwrap_or_default(), sort, page, size }
    }

    pub fn from_map(map: &ParamsMap) -> ListParams {
        ListParams::from_pairs(|k| map.get(k))
    }

    /// `?tab=…&q=…` with defaults left out (so `/clusters` is the default view).
    pub fn to_query(&self) -> String {
        let (sort, dir) = match self.sort {
            Some((k, asc)) => (k.as_str().to_string(), if asc { String::new() } else { "desc".into() }),
            None => (String::new(), String::new()),
        };
        query_string(&[
            ("tab", if self.tab == Tab::History { "history".into() } else { String::new() }),
            ("q", self.search.trim().to_string()),
            ("state", self.state.clone()),
            ("tags", self.tags.trim().to_string()),
            ("sort", sort),
            ("dir", dir),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
            ("size", if self.size != 10 { self.size.to_string() } else { String::new() }),
        ])
    }

    /// The API query: a chosen state wins, else the tab's `existing`/`history`.
    pub fn api_query(&self) -> ListClustersQuery {
        ListClustersQuery {
            page_size: self.size,
            current_page: self.page,
            cluster_name: self.search.trim().to_string(),
            cluster_state: if self.state.is_empty() { tab_filter(self.tab).as_query().to_string() } else { self.state.clone() },
            tags: self.tags.trim().to_string(),
        }
    }

    pub fn has_filters(&self) -> bool {
        !self.search.trim().is_empty() || !self.state.is_empty() || !self.tags.trim().is_empty()
    }
}

fn tab_filter(tab: Tab) -> StateFilter {
    match tab {
        Tab::Active => StateFilter::Existing,
        Tab::History => StateFilter::History,
    }
}

/// Sorts one page of clusters in place (the API has no sort parameter).
pub fn sort_clusters(rows: &mut [Cluster], sort: Option<(SortKey, bool)>) {
    let Some((key, asc)) = sort else { return };
    rows.sort_unstable_by(|a, b| {
        let o = match key {
            SortKey::Name => a.cluster_name.to_ascii_lowercase().cmp(&b.cluster_name.to_ascii_lowercase()),
            SortKey::Created => a.created_unix().cmp(&b.created_unix()),
            SortKey::State => a.cluster_state.as_str().cmp(b.cluster_state.as_str()),
        }
        .then_with(|| a.cluster_id.cmp(&b.cluster_id));
        if asc { o } else { o.reverse() }
    });
}

#[component]
pub fn ClustersList() -> impl IntoView {
    let read_only = crate::state::use_read_only();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(ListParams::from_map));
    let navigate = use_navigate();
    let go = Callback::new(move |p: ListParams| navigate(&format!("/clusters{}", p.to_query()), Default::default()));
    let update = move |f: &dyn Fn(&mut ListParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        go.run(p);
    };

    // Live refresh: every 3 s while something is changing, every 15 s otherwise; paused while hidden.
    let transitional = RwSignal::new(false);
    let tick = use_adaptive_polling(Duration::from_secs(3), transitional);
    let data = load(move || {
        tick.track();
        refresh.track();
        let q = params.with(ListParams::api_query);
        let client = session.client();
        Box::pin(async move { list_clusters(&client, &q).await.map(Loaded::Clusters) })
    });
    let refreshing = RwSignal::new(false);

    // Search: applies on Enter and after a pause in typing.
    let search_text = RwSignal::new(params.get_untracked().search);
    run_effect(move || search_text.set(params.with(|p| p.search.clone())));
    let search_gen = StoredValue::new(0u32);
    let apply_search = move || {
        let q = search_text.get_untracked();
        if q.trim() != params.with_untracked(|p| p.search.trim().to_string()) {
            update(&|p| {
                p.search = q.clone();
                p.page = 1;
            });
        }
    };
    let on_search_input = move |ev: leptos::ev::Event| {
        search_text.set(event_target_value(&ev));
        search_gen.update_value(|g| *g += 1);
        let gen = search_gen.get_value();
        set_timeout(
            move || {
                if search_gen.try_get_value() == Some(gen) {
                    apply_search();
                }
            },
            Duration::from_millis(450),
        );
    };
    let tags_text = RwSignal::new(params.get_untracked().tags);
    run_effect(move || tags_text.set(params.with(|p| p.tags.clone())));
    let apply_tags = move || {
        let t = tags_text.get_untracked();
        if t.trim() != params.with_untracked(|p| p.tags.trim().to_string()) {
            update(&|p| {
                p.tags = t.clone();
                p.page = 1;
            });
        }
    };

    let select_tab = move |tab: Tab| {
        if params.with_untracked(|p| p.tab) != tab {
            update(&|p| {
                p.tab = tab;
                p.state.clear();
                p.page = 1;
            });
        }
    };
    let tab_keys = move |ev: leptos::ev::KeyboardEvent| {
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowLeft" => Some(if params.with_untracked(|p| p.tab) == Tab::Active { Tab::History } else { Tab::Active }),
            _ => None,
        };
        if let Some(t) = next {
            ev.prevent_default();
            select_tab(t);
            let id = if t == Tab::Active { "tab-active" } else { "tab-history" };
            if let Some(el) = document().get_element_by_id(id) {
                use wasm_bindgen::JsCast;
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    };
    let tab_button = move |tab: Tab, id: &'static str, label: fn() -> String| {
        let selected = move || params.with(|p| p.tab == tab);
        view! {
            <button type="button" role="tab" id=id class="tab"
                aria-selected=move || selected().to_string()
                aria-controls="clusters-panel"
                tabindex=move || if selected() { "0" } else { "-1" }
                on:click=move |_| select_tab(tab)
                on:keydown=tab_keys>
                {label}
            </button>
        }
    };

    let state_options = move || {
        let tab = params.with(|p| p.tab);
        ClusterState::ALL.into_iter().filter(move |s| tab_filter(tab).matches(*s)).collect::<Vec<_>>()
    };
    let on_sort = Callback::new(move |key: String| {
        let Some(k) = SortKey::parse(&key) else { return };
        update(&|p| {
            p.sort = match p.sort {
                Some((cur, asc)) if cur == k => Some((k, !asc)),
                _ => Some((k, true)),
            };
        });
    });

    view! {
        <section class="page" aria-labelledby="clusters-title">
            <header class="page-head">
                <h1 id="clusters-title">{tr!(nav.clusters)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" id="refresh-clusters" on:click=move |_| refresh.bump()
                        title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                    {move || match read_only.get() {
                        None => view! {
                            <a id="create-cluster" class="btn btn-primary" href=href("/clusters/create") title=tr!(clusters.create_title)>
                                {tr!(view.create_cluster)}
                            </a>
                        }.into_any(),
                        Some(reason) => view! {
                            <button type="button" id="create-cluster" class="btn btn-primary" disabled=true title=reason>{tr!(view.create_cluster)}</button>
                        }.into_any(),
                    }}
                </div>
            </header>

            <div class="tabs" role="tablist" aria-label=tr!(clusters.lists_label)>
                {tab_button(Tab::Active, "tab-active", || t!(clusters.tab_active))}
                {tab_button(Tab::History, "tab-history", || t!(clusters.tab_history))}
            </div>

            <div class="filters" role="search">
                <div class="filter">
                    <label for="cluster-search">
                        {tr!(clusters.search)}<kbd class="key-hint" aria-hidden="true" title=tr!(clusters.search_key_title)>"/"</kbd>
                    </label>
                    <input id="cluster-search" type="search" class="input" placeholder=tr!(clusters.search_placeholder)
                        aria-describedby="cluster-search-hint"
                        prop:value=move || search_text.get()
                        on:input=on_search_input
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); apply_search(); } />
                    <span id="cluster-search-hint" class="visually-hidden">{tr!(clusters.search_hint)}</span>
                </div>
                <div class="filter">
                    <label for="state-filter">{tr!(clusters.col_state)}</label>
                    <select id="state-filter" class="input" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        update(&|p| { p.state = v.clone(); p.page = 1; });
                    }>
                        <option value="" selected=move || params.with(|p| p.state.is_empty())>{tr!(common.all_states)}</option>
                        {move || state_options().into_iter().map(|s| view! {
                            <option value=s.as_str() selected=move || params.with(|p| p.state == s.as_str())>{move || state_label(s)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="filter filter-wide">
                    <label for="tag-filter">{tr!(clusters.col_tags)}</label>
                    // i18n-allow: an example of the filter syntax (tag names are the user's data).
                    <input id="tag-filter" type="text" class="input" placeholder="env*prod,team"
                        aria-describedby="tag-filter-hint"
                        prop:value=move || tags_text.get()
                        on:input=move |ev| tags_text.set(event_target_value(&ev))
                        on:change=move |_| apply_tags()
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); apply_tags(); } />
                    <span id="tag-filter-hint" class="hint">{tr!(clusters.tags_hint)}</span>
                </div>
                <When when=move || params.with(ListParams::has_filters)>
                    <button type="button" class="btn btn-ghost" id="clear-filters" on:click=move |_| update(&|p| {
                        p.search.clear(); p.state.clear(); p.tags.clear(); p.page = 1;
                    })>{tr!(common.clear_filters)}</button>
                </When>
            </div>

            <ProgressBar busy=refreshing label=tr!(clusters.refreshing)/>
            <div role="tabpanel" id="clusters-panel" aria-labelledby=move || if params.with(|p| p.tab == Tab::Active) { "tab-active" } else { "tab-history" }>
                <Transition fallback=|| view! { <Spinner label=tr!(clusters.loading)/> } set_pending=refreshing.write_only()>
                    <ClusterRows data=data params=params go=go on_sort=on_sort transitional=transitional busy=refreshing/>
                </Transition>
            </div>
        </section>
    }
}

/// The table, empty state, error and pager. Built once; its memos read the resource inside the
/// Transition so the first load shows the fallback and later loads keep the table.
#[component]
fn ClusterRows(
    data: LocalResource<LoadResult>,
    params: Memo<ListParams>,
    go: Callback<ListParams>,
    on_sort: Callback<String>,
    transitional: RwSignal<bool>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let refresh = expect_context::<RefreshBus>();
    let rows = Memo::new(move |_| {
        let mut v = data.with(|d| match d {
            Some(Ok(Loaded::Clusters(r))) => r.clusters.clone(),
            _ => Vec::new(),
        });
        sort_clusters(&mut v, params.with(|p| p.sort));
        v
    });
    let total = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Loaded::Clusters(r))) => r.cluster_total,
        _ => 0,
    }));
    let error = load_error(data);
    let loaded = Memo::new(move |_| data.with(|d| matches!(d, Some(Ok(_)))));
    run_effect(move || {
        let t = rows.with(|r| r.iter().any(|c| c.cluster_state.is_transitional()));
        transitional.set(t);
    });

    let columns = vec![
        Column::new(tr!(clusters.col_name), |c: &Cluster| {
            view! { <a class="cluster-name" href=href(&format!("/clusters/{}", c.cluster_id))>{c.cluster_name.clone()}</a> }
        })
        .sortable("name")
        .class("col-name"),
        Column::new(tr!(clusters.col_id), |c: &Cluster| {
            view! {
                <ShortId id=c.cluster_id.clone() label=tr!(clusters.copy_id)/>
            }
        })
        .class("col-id"),
        Column::new(tr!(clusters.col_state), |c: &Cluster| view! { <StateChip state=c.cluster_state stage=c.stage_desc.clone()/> }).sortable("state"),
        Column::text(tr!(clusters.col_version), |c: &Cluster| c.cluster_version.clone()),
        Column::new(tr!(clusters.col_type), |c: &Cluster| {
            let code = c.cluster_type;
            move || cluster_type_label(code)
        }),
        Column::text(tr!(clusters.col_nodes), |c: &Cluster| c.total_node_num.clone()).class("num"),
        Column::new(tr!(clusters.col_tags), |c: &Cluster| {
            let tags = c.tag_pairs();
            view! {
                <ul class="tag-list">
                    {tags.into_iter().map(|t| view! {
                        <li class="tag">{if t.value.is_empty() { t.key } else { format!("{}={}", t.key, t.value) }}</li>
                    }).collect_view()}
                </ul>
            }
        }),
        Column::new(tr!(clusters.col_created), |c: &Cluster| view! { <Timestamp epoch=c.create_at.clone()/> }).sortable("created"),
    ];
    let columns = StoredValue::new(columns);
    let sort = Signal::derive(move || params.with(|p| p.sort.map(|(k, asc)| (k.as_str().to_string(), asc))));

    let empty_view = move || {
        let filtered = params.with(ListParams::has_filters);
        let history = params.with(|p| p.tab == Tab::History);
        view! {
            <div class="empty-state" id="clusters-empty">
                {if filtered {
                    view! { <p>{tr!(clusters.empty_filtered)}</p> }.into_any()
                } else if history {
                    view! { <p>{tr!(clusters.empty_history)}</p> }.into_any()
                } else {
                    view! {
                        <p>{tr!(clusters.empty)}</p>
                        <p><a class="btn btn-primary" href=href("/clusters/create")>{tr!(clusters.create_first)}</a></p>
                    }.into_any()
                }}
            </div>
        }
    };

    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(clusters.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || loaded.get()>
            <When when=move || rows.with(|r| !r.is_empty()) fallback=empty_view>
                <DataTable
                    rows=rows
                    columns=columns.get_value()
                    row_key=|c: &Cluster| c.cluster_id.clone()
                    key_attr="data-cluster-id"
                    caption=tr!(nav.clusters)
                    sort=sort
                    on_sort=on_sort
                    busy=busy
                />
            </When>
            <div class="table-foot">
                <p class="hint">
                    {move || if params.with(|p| p.sort.is_some()) {
                        t!(clusters.sort_hint_sorted)
                    } else {
                        t!(clusters.sort_hint)
                    }}
                </p>
                <Pager
                    id="clusters-pager"
                    label=tr!(clusters.pages)

                    page=Signal::derive(move || params.with(|p| p.page))
                    page_size=Signal::derive(move || params.with(|p| p.size))
                    total=total
                    on_page=Callback::new(move |n| { let mut p = params.get_untracked(); p.page = n; go.run(p); })
                    on_size=Callback::new(move |n| { let mut p = params.get_untracked(); p.size = n; p.page = 1; go.run(p); })
                />
            </div>
        </When>
    }
}
