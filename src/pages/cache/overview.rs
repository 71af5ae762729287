//! `/cache`: the cache cluster at a glance — every worker with its capacity and use, state, hit
//! ratio and evictions, and the consistent hash ring drawn as a ring: which worker owns which arc
//! and, for a worker picked in the legend, which arcs move (and to whom) if it leaves. The ring is
//! computed here with the placement code the sandbox uses (`lakedeck_api::alluxio_ring`).

use std::time::Duration;

use lakedeck_api::alluxio::WorkerNode;
use lakedeck_api::alluxio_ring::{merge_bins, Ring};
use lakedeck_api::alluxio_view::{hit_ratio, ring_segment, usage_fraction};
use leptos::prelude::*;

use super::{usage_text, CacheTabs, UsageMeter};
use crate::api::alluxio::{add_worker, list_nodes, ring, set_worker_online};
use crate::api::ApiError;
use crate::components::{Column, DataTable, ErrorPanel, ProgressBar, Spinner};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_polling, use_session, use_write_block, RefreshBus, SessionStateStoreFields};
use crate::{t, tr};

/// Alluxio 3.8's default virtual nodes per worker, used when the coordinator does not say.
pub const DEFAULT_VIRTUAL_NODES: u32 = 2000;
/// Slices the ring is drawn with (one degree each).
pub const RING_BINS: u32 = 360;

/// The colour slot of a worker (stable: by its place among all workers, sorted).
pub fn colour_slot(all: &[String], id: &str) -> usize {
    all.iter().position(|w| w == id).unwrap_or(0) % 8
}

#[component]
pub fn CacheOverview() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let tick = use_polling(Duration::from_secs(3), || true);
    let nodes = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let client = session.client();
        async move { list_nodes(&client).await }
    });
    // The virtual-node count: the sandbox says it; a real coordinator uses Alluxio's default.
    let vnodes = LocalResource::new(move || {
        let client = session.client();
        async move { ring(&client).await.ok().map(|r| r.virtual_nodes_per_worker as u32).filter(|n| *n > 0).unwrap_or(DEFAULT_VIRTUAL_NODES) }
    });
    let busy = RwSignal::new(false);
    let list = Memo::new(move |_| nodes.with(|r| r.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let error = Memo::new(move |_| nodes.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned())));
    // The ring changes only when the online workers do; the picked worker survives refreshes.
    let online = Memo::new(move |_| {
        list.with(|l| l.as_ref().map(|l| l.iter().filter(|n| n.state == "ONLINE").map(|n| n.id.clone()).collect::<Vec<_>>()))
    });
    let all_ids = Memo::new(move |_| {
        let mut ids: Vec<String> = list.with(|l| l.as_ref().map(|l| l.iter().map(|n| n.id.clone()).collect()).unwrap_or_default());
        ids.sort();
        ids
    });
    let leaving = RwSignal::new(None::<String>);
    let vn = Signal::derive(move || vnodes.get().unwrap_or(DEFAULT_VIRTUAL_NODES));
    view! {
        <section class="page" aria-labelledby="cache-title" id="cache-overview">
            <header class="page-head">
                <h1 id="cache-title">{tr!(cache.title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <CacheTabs current="overview"/>
            <p class="hint">{tr!(cache.overview_hint)}</p>
            {move || error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.nodes_failed) on_retry=Callback::new(move |_| refresh.bump())/> })}
            <ProgressBar busy=busy/>
            <Transition fallback=|| view! { <Spinner/> } set_pending=busy.write_only()>
                {move || nodes.with(|_| ())}
                <Workers nodes=Signal::derive(move || list.get().unwrap_or_default())/>
                <div class="card ring-card" id="cache-ring">
                    <div class="card-head">
                        <h2>{tr!(cache.ring_title)}</h2>
                        <span class="hint">{move || t!(cache.ring_hint, vnodes = format::count(vn.get()))}</span>
                    </div>
                    {move || online.get().map(|ids| {
                        let ring = Ring::new(&ids, vn.get());
                        if leaving.with_untracked(|l| l.as_ref().is_some_and(|w| !ids.contains(w))) {
                            leaving.set(None);
                        }
                        view! { <RingView ring=ring all=all_ids.get() leaving=leaving/> }
                    })}
                </div>
            </Transition>
        </section>
    }
}

/// The workers table, with the sandbox's add/stop/start controls.
#[component]
fn Workers(#[prop(into)] nodes: Signal<Vec<WorkerNode>>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let sandbox = move || session.config().with(|c| c.sandbox);
    let outcome = RwSignal::new(None::<ApiError>);
    let change = Action::new_local(move |input: &(Option<String>, bool)| {
        let client = session.client_untracked();
        let (id, start) = input.clone();
        async move {
            match id {
                Some(id) => set_worker_online(&client, &id, start).await.map(|_| ()),
                None => add_worker(&client).await.map(|_| ()),
            }
        }
    });
    run_effect(move || {
        if let Some(r) = change.value().get() {
            outcome.set(r.err());
            refresh.bump();
        }
    });
    let total_cap = Signal::derive(move || nodes.with(|l| l.iter().map(|n| n.capacity_bytes).sum::<i64>()));
    let total_used = Signal::derive(move || nodes.with(|l| l.iter().map(|n| n.used_bytes).sum::<i64>()));
    let online = Signal::derive(move || nodes.with(|l| l.iter().filter(|n| n.state == "ONLINE").count()));
    let count = Signal::derive(move || nodes.with(Vec::len));
    let columns = vec![
        Column::new(tr!(cache.col_worker), |n: &WorkerNode| view! { <code class="mono worker-id">{n.id.clone()}</code> <span class="muted small worker-host">{n.host.clone()}</span> }),
        Column::new(tr!(cache.col_state), |n: &WorkerNode| {
            let on = n.state == "ONLINE";
            view! {
                <span class=if on { "state-chip tone-ok" } else { "state-chip tone-muted" } data-state=n.state.clone()>
                    <span class="dot" aria-hidden="true"></span>
                    {move || if on { t!(cache.online) } else { t!(cache.offline) }}
                </span>
            }
        }),
        Column::new(tr!(cache.col_usage), |n: &WorkerNode| {
            let (used, cap, id) = (n.used_bytes, n.capacity_bytes, n.id.clone());
            view! {
                <span data-used=used.to_string()>
                    <UsageMeter fraction=usage_fraction(used, cap) text=Signal::derive(move || usage_text(used, cap))
                        label=Signal::derive(move || t!(cache.usage_label, worker = id)) class="worker-usage" warn=true/>
                </span>
            }
        }),
        Column::new(tr!(cache.col_pages), |n: &WorkerNode| {
            let (p, f) = (n.page_count, n.cached_files);
            move || t!(cache.pages_files, pages = format::count(p), files = format::count(f))
        }),
        Column::new(tr!(cache.col_hits), |n: &WorkerNode| {
            let (ratio, hits, misses) = (hit_ratio(n), n.hits, n.misses);
            view! {
                <span class="hit-ratio" data-hits=hits.to_string() title=move || t!(cache.hits_title, hits = format::count(hits), misses = format::count(misses))>
                    {move || ratio.map(super::pct).unwrap_or_else(|| "—".into())}
                    " "<span class="muted small">{move || t!(cache.hits_misses, hits = format::count(hits), misses = format::count(misses))}</span>
                </span>
            }
        }),
        Column::new(tr!(cache.col_evictions), |n: &WorkerNode| {
            let (e, b, cap, ttl, quota) = (n.evictions, n.evicted_bytes, n.evicted_by_capacity, n.evicted_by_ttl, n.evicted_by_quota);
            view! {
                <span class="evictions" data-evictions=e.to_string()
                    title=move || t!(cache.evictions_title, capacity = format::count(cap), ttl = format::count(ttl), quota = format::count(quota))>
                    {move || t!(cache.evictions_text, count = format::count(e), bytes = format::bytes(b))}
                </span>
            }
        }),
        Column::new(tr!(cache.col_share), |n: &WorkerNode| super::pct(n.ring_share)).class("num"),
        Column::new(String::new, move |n: &WorkerNode| {
            let (id, on) = (n.id.clone(), n.state == "ONLINE");
            let id2 = id.clone();
            view! {
                <button type="button" class="btn btn-sm worker-toggle" data-worker=id2 hidden=move || !sandbox()
                    disabled=move || ro.with(Option::is_some) || change.pending().get() title=move || ro.get().unwrap_or_else(|| t!(cache.toggle_title))
                    on:click=move |_| { change.dispatch((Some(id.clone()), !on)); }>
                    {move || if on { t!(cache.stop_worker) } else { t!(cache.start_worker) }}
                </button>
            }
        })
        .class("col-actions"),
    ];
    view! {
        <div class="card cache-summary" id="cache-summary">
            <div class="card-head">
                <h2>{tr!(cache.workers)}</h2>
                <span class="hint">{move || t!(cache.workers_summary, online = online.get(), count = count.get())}</span>
                <UsageMeter fraction=Signal::derive(move || usage_fraction(total_used.get(), total_cap.get()))
                    text=Signal::derive(move || usage_text(total_used.get(), total_cap.get()))
                    label=tr!(cache.total_usage) class="total-usage" warn=true/>
                <button type="button" class="btn btn-sm" id="add-worker" hidden=move || !sandbox()
                    disabled=move || ro.with(Option::is_some) || change.pending().get() title=move || ro.get().unwrap_or_else(|| t!(cache.add_worker_title))
                    on:click=move |_| { change.dispatch((None, true)); }>
                    {tr!(cache.add_worker)}
                </button>
            </div>
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.worker_change_failed)/> })}
            <DataTable rows=nodes columns=columns row_key=|n: &WorkerNode| n.id.clone() key_attr="data-worker"
                caption=tr!(cache.workers) empty=tr!(cache.no_workers) class="cache-workers"/>
        </div>
    }
}

/// The ring drawing: an outer ring of primary owners; with a worker picked, an inner ring shows
/// the arcs that would move and the worker that would take each, and the list says how much.
#[component]
pub fn RingView(ring: Ring, all: Vec<String>, leaving: RwSignal<Option<String>>) -> impl IntoView {
    const C: f64 = 120.0;
    let bins: Vec<Option<String>> = ring.bins(RING_BINS).into_iter().map(|b| b.map(str::to_string)).collect();
    let arcs = merge_bins(&bins);
    let n = f64::from(RING_BINS);
    let all_s = StoredValue::new(all.clone());
    let outer = arcs
        .iter()
        .map(|a| {
            let d = ring_segment(C, 82.0, 112.0, a.start as f64 / n, a.end as f64 / n);
            let slot = colour_slot(&all, &a.owner);
            let owner = a.owner.clone();
            let owner2 = owner.clone();
            view! {
                <path d=d class=move || {
                    let dim = leaving.with(|l| l.as_ref().is_some_and(|w| *w != owner));
                    format!("ring-arc ring-c{slot}{}", if dim { " ring-dim" } else { "" })
                } data-owner=owner2></path>
            }
        })
        .collect_view();
    let shares = ring.shares();
    let ring_s = StoredValue::new(ring);
    let moved = Memo::new(move |_| leaving.get().map(|w| ring_s.with_value(|r| (w.clone(), r.leave_moves(&w)))));
    // The inner ring: the arcs of the leaving worker, coloured by their heir.
    let inner = move || {
        let Some((w, _)) = moved.get() else { return ().into_any() };
        let online: Vec<String> = ring_s.with_value(|r| r.workers().iter().filter(|x| **x != w).cloned().collect());
        let vn = ring_s.with_value(|r| r.points_per_worker());
        let after = Ring::new(&online, vn);
        let after_bins = after.bins(RING_BINS);
        let heirs: Vec<Option<&str>> =
            bins.iter().zip(&after_bins).map(|(b, a)| if b.as_deref() == Some(w.as_str()) { *a } else { None }).collect();
        merge_bins(&heirs)
            .into_iter()
            .map(|a| {
                let d = ring_segment(C, 58.0, 78.0, a.start as f64 / n, a.end as f64 / n);
                let slot = all_s.with_value(|all| colour_slot(all, &a.owner));
                view! { <path d=d class=format!("ring-arc ring-moved ring-c{slot}") data-heir=a.owner></path> }
            })
            .collect_view()
            .into_any()
    };
    let legend = shares
        .into_iter()
        .map(|(id, share)| {
            let slot = all_s.with_value(|all| colour_slot(all, &id));
            let (id2, id3, id4) = (id.clone(), id.clone(), id.clone());
            view! {
                <li>
                    <button type="button" class="ring-legend-item" data-worker=id4
                        aria-pressed=move || leaving.with(|l| l.as_deref() == Some(id2.as_str())).to_string()
                        on:click=move |_| leaving.update(|l| *l = if l.as_deref() == Some(id3.as_str()) { None } else { Some(id3.clone()) })>
                        <span class=format!("swatch ring-c{slot}") aria-hidden="true"></span>
                        <code class="mono">{id}</code>
                        <span class="muted">{super::pct(share)}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let empty = ring_s.with_value(Ring::is_empty);
    let moves_text = move || {
        moved.get().map(|(w, moves)| {
            let parts: Vec<String> = moves.iter().map(|(to, share)| t!(cache.ring_move_part, worker = to, share = super::pct(*share))).collect();
            let text = if parts.is_empty() { t!(cache.ring_move_nowhere, worker = w) } else { t!(cache.ring_moves, worker = w, parts = format::list(&parts)) };
            view! { <p class="ring-moves" id="ring-moves" aria-live="polite">{text}</p> }
        })
    };
    view! {
        <div class="ring-layout">
            <svg class="ring-svg" viewBox="0 0 240 240" role="img" aria-labelledby="ring-svg-title">
                <title id="ring-svg-title">{tr!(cache.ring_svg_title)}</title>
                {outer}
                {inner}
                <text x="120" y="116" class="ring-center" text-anchor="middle">{move || if empty { t!(cache.ring_empty) } else { t!(cache.ring_center) }}</text>
                <text x="120" y="134" class="ring-center-sub" text-anchor="middle">"0 … 2³²"</text>
            </svg>
            <div class="ring-side">
                <p class="hint">{tr!(cache.ring_pick)}</p>
                <ul class="ring-legend" aria-label=tr!(cache.ring_legend)>{legend}</ul>
                {moves_text}
            </div>
        </div>
    }
}
