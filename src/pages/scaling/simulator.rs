//! The simulator beside the policy editor: the policy being edited replayed by the shared evaluator
//! (`lakedeck_api::replay`, the code the sandbox's autoscaler steps) over the cluster's recorded
//! metric history (sandbox) or a CSV file the user drops in, charted against the node count that
//! really ran, with a marker where each rule fired and why — before anything is saved.
//!
//! In the sandbox the history follows the autoscaler live: new samples and events are fetched every
//! metric period and the chart, the replay and the lists move with them.

use std::collections::BTreeMap;
use std::time::Duration;

use lakedeck_api::autoscale::{format_local_time, zone_name, Decision, Sample, PERIOD_MS};
use lakedeck_api::metric_csv::{self, CsvProblem, CsvSeries};
use lakedeck_api::mrs::ClusterType;
use lakedeck_api::mrs_scaling::{metrics_for, AutoScalingPolicy, Metric};
use lakedeck_api::replay::{replay, MarkerKind, Replay};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::editor::{metric_description, unit_label};
use crate::api::scaling::{events, metric_history, MetricHistory, ScalingEvent};
use crate::api::ApiError;
use crate::components::chart::{ChartCommand, ChartData, ChartSpec, ScaleSpec, SeriesSpec, TimeChart};
use crate::components::{Column, DataTable, ErrorPanel, Pager, Spinner, When};
use crate::i18n::{format, problem};
use crate::state::session::SessionExt;
use crate::state::{use_polling, use_session};
use crate::{t, tr};

/// Samples the sandbox keeps per cluster (30 MRS days of five-minute periods).
pub const HISTORY: u32 = 8640;
const EVENTS: u32 = 200;
const DECISIONS_PAGE: u32 = 10;

/// Where the replayed series comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    History,
    Csv { name: String, series: CsvSeries },
}

/// The series a replay runs over, whatever its source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub samples: Vec<Sample>,
    /// The node count that really ran at each sample, when known.
    pub recorded: Option<Vec<i64>>,
    pub metrics: Vec<Metric>,
}

impl Series {
    pub fn from_history(h: &MetricHistory, group: &str) -> Series {
        Series {
            samples: h.samples.clone(),
            recorded: Some(h.nodes.get(group).cloned().unwrap_or_else(|| vec![0; h.samples.len()])),
            metrics: h.metrics.iter().map(|(m, _, _)| *m).collect(),
        }
    }

    pub fn from_csv(c: &CsvSeries) -> Series {
        Series {
            samples: c.samples.clone(),
            // A gap in the file's node column carries the last known count.
            recorded: c.nodes.as_ref().map(|n| {
                let mut last = 0;
                n.iter().map(|v| { last = v.unwrap_or(last); last }).collect()
            }),
            metrics: c.metrics.clone(),
        }
    }
}

/// A replay and how long it took (ms, in this browser).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timed {
    pub replay: Replay,
    pub ms: f64,
    pub start_nodes: i64,
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// Replays `policy` over `series` from `start_nodes`, timed.
pub fn run_replay(policy: &AutoScalingPolicy, zone_offset: i32, series: &Series, start_nodes: i64) -> Timed {
    let t0 = now_ms();
    let replay = replay(policy, zone_offset, &series.samples, start_nodes, series.recorded.as_deref());
    Timed { replay, ms: now_ms() - t0, start_nodes }
}

/// What the chart draws for a replay: recorded and predicted node counts, one metric, and markers
/// (predicted decisions at the top, recorded events at the bottom).
pub fn chart_data(series: &Series, timed: &Timed, metric: Option<Metric>, recorded_events: &[ScalingEvent]) -> ChartData {
    let x: Vec<f64> = series.samples.iter().map(|s| s.time_ms as f64 / 1000.0).collect();
    let recorded = series.recorded.as_ref().map(|r| r.iter().map(|n| *n as f64).collect()).unwrap_or_else(|| vec![f64::NAN; x.len()]);
    let predicted = timed.replay.simulation.nodes.iter().map(|n| *n as f64).collect();
    let values = series.samples.iter().map(|s| metric.and_then(|m| s.values.get(m)).unwrap_or(f64::NAN)).collect();
    let (first, last) = (x.first().copied().unwrap_or(0.0), x.last().copied().unwrap_or(0.0));
    let mut markers: Vec<(f64, u8)> = timed.replay.simulation.decisions.iter().map(|d| (d.time_ms as f64 / 1000.0, MarkerKind::of(d).code())).collect();
    markers.extend(
        recorded_events
            .iter()
            .map(|e| (e.clock as f64 / 1000.0, MarkerKind::of_event(&e.action, &e.result).code() | 4))
            .filter(|(t, _)| *t >= first && *t <= last),
    );
    ChartData { x, series: vec![recorded, predicted, values], markers }
}

fn chart_spec(metric: Option<Metric>, zone_offset: i32, group: &str) -> ChartSpec {
    let mut scales = BTreeMap::new();
    scales.insert("nodes", ScaleSpec { label: t!(scaling.chart_nodes, group = group), side: 3 });
    scales.insert("metric", ScaleSpec { label: metric.map(|m| format!("{} ({})", m.name(), unit_label(m.unit()))).unwrap_or_default(), side: 1 });
    ChartSpec {
        series: vec![
            SeriesSpec { label: t!(scaling.series_recorded), scale: "nodes", stroke: "--chart-recorded", dash: None, stepped: true, width: 2.0 },
            SeriesSpec { label: t!(scaling.series_predicted), scale: "nodes", stroke: "--chart-predicted", dash: Some([6.0, 4.0]), stepped: true, width: 2.0 },
            SeriesSpec {
                label: metric.map(|m| m.name().to_string()).unwrap_or_else(|| t!(scaling.series_metric)),
                scale: "metric",
                stroke: "--chart-metric",
                dash: None,
                stepped: false,
                width: 1.0,
            },
        ],
        scales,
        offset_minutes: zone_offset,
        time_label: t!(scaling.chart_time, zone = zone_name(zone_offset)),
        height: 320,
    }
}

/// A decision in words (tracked).
pub fn decision_text(d: &Decision, zone_offset: i32) -> String {
    problem(&d.problem(zone_offset))
}

fn kind_label(k: MarkerKind) -> String {
    match k {
        MarkerKind::ScaleOut => t!(scaling.kind_out),
        MarkerKind::ScaleIn => t!(scaling.kind_in),
        MarkerKind::Skipped => t!(scaling.skipped),
        MarkerKind::Plan => t!(scaling.plan_change),
    }
}

fn kind_tone(k: MarkerKind) -> &'static str {
    match k {
        MarkerKind::ScaleOut => "ok",
        MarkerKind::ScaleIn => "busy",
        MarkerKind::Skipped => "bad",
        MarkerKind::Plan => "muted",
    }
}

/// The sandbox's history and events, kept up to date while the view is open.
#[derive(Clone, Debug, Default, PartialEq)]
struct Live {
    history: MetricHistory,
    events: Vec<ScalingEvent>,
    events_total: i64,
}

fn merge(live: &mut Live, more: MetricHistory, newer: Vec<ScalingEvent>, total: i64) {
    let h = &mut live.history;
    let known = h.times.len();
    for (i, t) in more.times.iter().enumerate() {
        if h.times.last().is_some_and(|last| t <= last) {
            continue;
        }
        h.times.push(*t);
        h.samples.push(more.samples[i]);
        for (group, col) in &more.nodes {
            h.nodes.entry(group.clone()).or_insert_with(|| vec![0; known]).push(col[i]);
        }
        let n = h.times.len();
        for col in h.nodes.values_mut() {
            col.resize(n, 0);
        }
    }
    let over = h.times.len().saturating_sub(HISTORY as usize);
    if over > 0 {
        h.times.drain(..over);
        h.samples.drain(..over);
        for col in h.nodes.values_mut() {
            col.drain(..over);
        }
    }
    h.clock_now = more.clock_now.or(h.clock_now);
    for e in newer {
        if !live.events.iter().any(|x| x.id == e.id) {
            live.events.push(e);
        } else if let Some(x) = live.events.iter_mut().find(|x| x.id == e.id) {
            *x = e;
        }
    }
    live.events.sort_by_key(|e| std::cmp::Reverse(e.id));
    live.events.truncate(EVENTS as usize);
    live.events_total = total;
}

#[component]
pub fn Simulator(
    #[prop(into)] cluster_id: Signal<String>,
    #[prop(into)] kind: Signal<ClusterType>,
    /// The node group of the policy being edited.
    #[prop(into)]
    group: Signal<String>,
    /// Its node count now (the start of a replay over a CSV without a `nodes` column).
    #[prop(into)]
    nodes_now: Signal<i64>,
    /// The cluster's zone (minutes east of UTC), when no history says it.
    #[prop(into)]
    zone_offset: Signal<i32>,
    /// The policy as edited (parts that do not parse are left out of the replay).
    #[prop(into)]
    policy: Signal<AutoScalingPolicy>,
    /// The console talks to a sandbox (which records history).
    #[prop(into)]
    sandbox: Signal<bool>,
) -> impl IntoView {
    let session = use_session();
    let source = RwSignal::new(Source::History);
    let live = RwSignal::new(None::<Result<Live, ApiError>>);
    let fetching = StoredValue::new(false);

    // The whole history once, then what is new every metric period.
    let period = Memo::new(move |_| live.with(|l| l.as_ref().and_then(|l| l.as_ref().ok()).map(|l| l.history.period_ms).unwrap_or(5000)));
    let tick = use_polling(Duration::from_secs(2), move || sandbox.get_untracked());
    let last_fetch = StoredValue::new(0f64);
    crate::state::run_effect(move || {
        tick.track();
        let id = cluster_id.get();
        if !sandbox.get() || id.is_empty() || fetching.get_value() {
            return;
        }
        let now = js_sys::Date::now();
        let have = live.with_untracked(|l| matches!(l, Some(Ok(_))));
        if have && now - last_fetch.get_value() < (period.get_untracked() as f64).max(1000.0) {
            return;
        }
        last_fetch.set_value(now);
        fetching.set_value(true);
        let client = session.client_untracked();
        let since = live.with_untracked(|l| l.as_ref().and_then(|l| l.as_ref().ok()).and_then(|l| l.history.times.last().copied()));
        leptos::task::spawn_local(async move {
            let hist = match since {
                Some(t) => crate::api::scaling::metric_history_since(&client, &id, t + 1).await,
                None => metric_history(&client, &id, HISTORY).await,
            };
            let ev = events(&client, &id, if since.is_some() { 50 } else { EVENTS }, 0).await;
            let _ = fetching.try_set_value(false);
            match (hist, ev) {
                (Ok(h), Ok(e)) => {
                    let _ = live.try_update(|l| match l {
                        Some(Ok(cur)) if since.is_some() => merge(cur, h, e.events, e.total),
                        _ => *l = Some(Ok(Live { history: h, events: e.events, events_total: e.total })),
                    });
                }
                (Err(e), _) | (_, Err(e)) => {
                    // A failed refresh keeps what was loaded; a failed first load shows the error.
                    if since.is_none() {
                        let _ = live.try_set(Some(Err(e)));
                    }
                }
            }
        });
    });
    let history = Memo::new(move |_| live.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.history.clone())));
    let recorded_events = Memo::new(move |_| live.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.events.clone()).unwrap_or_default()));
    let history_error = Memo::new(move |_| live.with(|l| l.as_ref().and_then(|r| r.as_ref().err().cloned())));

    let zone = Memo::new(move |_| history.with(|h| h.as_ref().map(|h| h.zone_offset_minutes)).unwrap_or_else(|| zone_offset.get()));
    let series = Memo::new(move |_| match source.get() {
        Source::Csv { series, .. } => Some(Series::from_csv(&series)),
        Source::History => history.with(|h| h.as_ref().map(|h| Series::from_history(h, &group.get()))),
    });
    let start_nodes = Memo::new(move |_| {
        series.with(|s| s.as_ref().and_then(|s| s.recorded.as_ref().and_then(|r| r.first().copied()))).unwrap_or_else(|| nodes_now.get())
    });
    let timed = Memo::new(move |_| {
        series.with(|s| s.as_ref().map(|s| policy.with(|p| run_replay(p, zone.get(), s, start_nodes.get()))))
    });

    // The metric drawn: the user's pick, else the first rule's, else the first the cluster measures.
    let picked_metric = RwSignal::new(None::<Metric>);
    let available = Memo::new(move |_| series.with(|s| s.as_ref().map(|s| s.metrics.clone())).unwrap_or_else(|| metrics_for(kind.get())));
    let metric = Memo::new(move |_| {
        picked_metric.get().filter(|m| available.with(|a| a.contains(m))).or_else(|| {
            policy.with(|p| p.rules.as_ref().and_then(|r| r.iter().find_map(|r| r.trigger.as_ref()?.metric_name.as_deref().and_then(Metric::parse))))
                .filter(|m| available.with(|a| a.contains(m)))
        }).or_else(|| available.with(|a| a.first().copied()))
    });
    let data = Memo::new(move |_| match (series.get(), timed.get()) {
        (Some(s), Some(t)) => recorded_events.with(|ev| chart_data(&s, &t, metric.get(), if matches!(source.get(), Source::History) { ev } else { &[] })),
        _ => ChartData::default(),
    });
    let spec = Memo::new(move |_| chart_spec(metric.get(), zone.get(), &group.get()));
    let command = RwSignal::new(None::<ChartCommand>);
    let visible = RwSignal::new(None::<(f64, f64)>);

    // CSV in.
    let csv_problems = RwSignal::new(Vec::<CsvProblem>::new());
    let read_file = move |file: web_sys::File| {
        let name = file.name();
        let promise = file.text();
        leptos::task::spawn_local(async move {
            let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await else { return };
            let text = text.as_string().unwrap_or_default();
            match metric_csv::parse(&text, kind.get_untracked(), zone.get_untracked()) {
                Ok(series) => {
                    csv_problems.set(Vec::new());
                    source.set(Source::Csv { name, series });
                }
                Err(p) => csv_problems.set(p),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            read_file(f);
        }
        input.set_value("");
    };
    let dragging_over = RwSignal::new(false);
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging_over.set(false);
        if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0)) {
            read_file(f);
        }
    };
    let download = move |_| {
        let Some(h) = history.get_untracked() else { return };
        let g = group.get_untracked();
        let metrics: Vec<Metric> = h.metrics.iter().map(|(m, _, _)| *m).collect();
        let nodes: Option<Vec<Option<i64>>> = h.nodes.get(&g).map(|c| c.iter().map(|n| Some(*n)).collect());
        let text = metric_csv::write(&metrics, &h.samples, nodes.as_deref(), h.zone_offset_minutes);
        let _ = offer_download(&format!("{}-metrics.csv", cluster_id.get_untracked()), &text);
    };

    let summary = move || {
        let (Some(s), Some(t)) = (series.get(), timed.get()) else { return String::new() };
        let z = zone.get();
        let (from, to) = (s.samples.first().map(|x| format_local_time(x.time_ms, z)), s.samples.last().map(|x| format_local_time(x.time_ms, z)));
        let sm = &t.replay.summary;
        t!(scaling.sim_summary, periods = sm.periods, from = from.unwrap_or_default(), to = to.unwrap_or_default(),
            outs = sm.scale_outs, ins = sm.scale_ins, skipped = sm.skipped, peak = sm.peak_predicted,
            hours = format::number((sm.node_hours_predicted * 10.0).round() / 10.0))
    };
    let recorded_summary = move || {
        let t = timed.get()?;
        let sm = t.replay.summary;
        Some(t!(scaling.sim_recorded, peak = sm.peak_recorded?, hours = format::number((sm.node_hours_recorded? * 10.0).round() / 10.0)))
    };
    let latest = move || {
        let h = history.get()?;
        let i = h.samples.len().checked_sub(1)?;
        let g = group.get();
        let nodes = h.nodes.get(&g).and_then(|c| c.get(i)).copied().unwrap_or(0);
        let m = metric.get();
        let value = m.and_then(|m| h.samples[i].values.get(m)).map(format::number).unwrap_or_else(|| "—".into());
        Some(t!(scaling.latest_sample, time = format_local_time(h.samples[i].time_ms, h.zone_offset_minutes), group = g, nodes = nodes,
            metric = m.map(|m| m.name()).unwrap_or(""), value = value))
    };
    let visible_text = move || {
        let (a, b) = visible.get()?;
        let z = zone.get();
        Some(t!(scaling.visible_range, from = format_local_time((a * 1000.0) as i64, z), to = format_local_time((b * 1000.0) as i64, z)))
    };
    let speed = move || {
        let h = history.get()?;
        (h.period_ms > 0 && h.mrs_period_ms > 0).then(|| t!(scaling.clock_speed, factor = format::number((h.mrs_period_ms as f64 / h.period_ms as f64).round()), period = format::duration_ms(h.period_ms)))
    };

    view! {
        <section class="card simulator" aria-labelledby="simulator-title" id="simulator"
            data-sim-ms=move || timed.with(|t| t.as_ref().map(|t| format!("{:.3}", t.ms)).unwrap_or_default())
            data-decisions=move || timed.with(|t| t.as_ref().map(|t| t.replay.simulation.decisions.len().to_string()).unwrap_or_default())>
            <div class="card-head">
                <h2 id="simulator-title">{tr!(scaling.simulator)}</h2>
                <span class="muted">{move || t!(scaling.zone_named, zone = zone_name(zone.get()))}</span>
            </div>
            <p class="hint">{tr!(scaling.simulator_hint)}</p>
            <div class="sim-source" role="group" aria-label=tr!(scaling.source)>
                <When when=move || sandbox.get()>
                    <label class="check">
                        <input type="radio" name="sim-source" id="source-history" prop:checked=move || matches!(source.get(), Source::History)
                            on:change=move |_| source.set(Source::History)/>
                        {tr!(scaling.source_history)}
                    </label>
                </When>
                {move || match source.get() {
                    Source::Csv { name, series } => {
                        let rows = series.samples.len();
                        let note = series.interval_note();
                        Some(view! {
                            <span class="tag" id="csv-name">{name}</span>
                            <span class="muted">{move || t!(scaling.csv_rows, count = rows)}</span>
                            {note.map(|p| view! { <p class="notice" role="status">{move || problem(&p)}</p> })}
                        }.into_any())
                    }
                    Source::History => None,
                }}
                <div class="drop-zone" class:over=move || dragging_over.get()
                    on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging_over.set(true); }
                    on:dragleave=move |_| dragging_over.set(false)
                    on:drop=on_drop>
                    <label for="csv-file" class="link-btn">{tr!(scaling.csv_pick)}</label>
                    <input type="file" id="csv-file" class="visually-hidden" accept=".csv,text/csv,text/plain" on:change=on_file/>
                    <span class="hint">{tr!(scaling.csv_hint)}</span>
                </div>
                <When when=move || history.with(Option::is_some)>
                    <button type="button" class="btn btn-sm" id="download-history" on:click=download>{tr!(scaling.csv_download)}</button>
                </When>
            </div>
            <When when=move || csv_problems.with(|p| !p.is_empty())>
                <div class="error-panel" role="alert" id="csv-problems">
                    <strong>{tr!(scaling.csv_refused)}</strong>
                    <ul>
                        {move || csv_problems.get().into_iter().map(|p| {
                            let line = p.line;
                            view! { <li>{move || if line == 0 { problem(&p.problem) } else { t!(scaling.csv_line, line = line, message = problem(&p.problem)) }}</li> }
                        }).collect_view()}
                    </ul>
                </div>
            </When>
            {move || history_error.get().filter(|_| matches!(source.get(), Source::History)).map(|e| view! {
                <ErrorPanel error=e title=tr!(scaling.history_failed)/>
            })}
            <When when=move || !sandbox.get() && matches!(source.get(), Source::History)>
                <p class="notice" id="no-history">{tr!(scaling.no_history)}</p>
            </When>
            <When when=move || sandbox.get() && series.with(Option::is_none) && history_error.with(Option::is_none) && matches!(source.get(), Source::History)>
                <Spinner label=tr!(scaling.history_loading)/>
            </When>
            <When when=move || series.with(|s| s.as_ref().is_some_and(|s| !s.samples.is_empty()))>
                <p id="sim-summary" role="status">{summary}</p>
                <p class="muted" id="sim-recorded">{recorded_summary}</p>
                <p class="muted" id="sim-time">{move || timed.with(|t| t.as_ref().map(|t| t!(scaling.sim_time, ms = format::number((t.ms * 10.0).round() / 10.0), start = t.start_nodes)))}</p>
                <div class="field sim-metric">
                    <label class="label" for="sim-metric">{tr!(scaling.chart_metric)}</label>
                    <select id="sim-metric" class="input" on:change=move |ev| picked_metric.set(Metric::parse(&event_target_value(&ev)))>
                        {move || available.get().into_iter().map(|m| view! {
                            <option value=m.name() selected=move || metric.get() == Some(m)>{format!("{} — {}", m.name(), metric_description(m))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <TimeChart id="sim-chart" spec=spec data=data range=visible command=Signal::derive(move || command.get())
                    label=Signal::derive(move || t!(scaling.chart_label, group = group.get()))/>
                <ul class="chart-legend" aria-hidden="true">
                    <li><span class="swatch swatch-recorded"></span>{tr!(scaling.series_recorded)}</li>
                    <li><span class="swatch swatch-predicted"></span>{tr!(scaling.series_predicted)}</li>
                    <li><span class="marker marker-out">"▲"</span>{tr!(scaling.kind_out)}</li>
                    <li><span class="marker marker-in">"▼"</span>{tr!(scaling.kind_in)}</li>
                    <li><span class="marker marker-skip">"○"</span>{tr!(scaling.skipped)}</li>
                    <li><span class="marker marker-plan">"●"</span>{tr!(scaling.plan_change)}</li>
                    <li class="hint">{tr!(scaling.markers_hint)}</li>
                </ul>
                <p class="hint" id="visible-range">{visible_text}</p>
                <p class="muted" id="latest-sample">{latest}</p>
                <p class="hint">{speed}</p>
                <Decisions timed=timed zone=zone command=command/>
            </When>
            <When when=move || sandbox.get()>
                <RecordedEvents events=recorded_events total=Signal::derive(move || live.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.events_total).unwrap_or(0)))
                    group=group zone=zone command=command/>
            </When>
        </section>
    }
}

/// Offers `text` as a file download (a Blob URL on a temporary link).
fn offer_download(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a = document().create_element("a")?;
    a.set_attribute("href", &url)?;
    a.set_attribute("download", name)?;
    a.unchecked_ref::<web_sys::HtmlElement>().click();
    // Revoking at once can cancel the download in some browsers.
    set_timeout(move || { let _ = web_sys::Url::revoke_object_url(&url); }, Duration::from_secs(30));
    Ok(())
}

/// The replay's decisions, newest first, each with a button that zooms the chart to it.
#[component]
fn Decisions(timed: Memo<Option<Timed>>, zone: Memo<i32>, command: RwSignal<Option<ChartCommand>>) -> impl IntoView {
    let page = RwSignal::new(1u32);
    let all = Memo::new(move |_| {
        timed.with(|t| t.as_ref().map(|t| t.replay.simulation.decisions.iter().rev().cloned().enumerate().collect::<Vec<_>>()).unwrap_or_default())
    });
    let rows = Memo::new(move |_| {
        let p = page.get().max(1) as usize;
        all.with(|a| a.iter().skip((p - 1) * DECISIONS_PAGE as usize).take(DECISIONS_PAGE as usize).cloned().collect::<Vec<_>>())
    });
    let zoom = move |t: i64| {
        let s = t as f64 / 1000.0;
        let span = (PERIOD_MS * 24) as f64 / 1000.0;
        command.set(Some(ChartCommand::Range(s - span, s + span)));
    };
    let columns = vec![
        Column::new(tr!(scaling.col_time), move |(_, d): &(usize, Decision)| {
            let t = d.time_ms;
            move || format_local_time(t, zone.get())
        }),
        Column::new(tr!(scaling.col_decision), |(_, d): &(usize, Decision)| {
            let k = MarkerKind::of(d);
            view! { <span class=format!("state-chip tone-{}", kind_tone(k))><span class="dot" aria-hidden="true"></span>{move || kind_label(k)}</span> }
        }),
        Column::new(tr!(scaling.col_nodes), |(_, d): &(usize, Decision)| format!("{} → {}", d.from, d.to)).class("num"),
        Column::new(tr!(scaling.col_reason), move |(_, d): &(usize, Decision)| {
            let d = d.clone();
            view! { <span class="decision-reason">{move || decision_text(&d, zone.get())}</span> }
        }),
        Column::new(String::new, move |(_, d): &(usize, Decision)| {
            let t = d.time_ms;
            view! { <button type="button" class="btn btn-sm show-decision" on:click=move |_| zoom(t)>{tr!(scaling.show_in_chart)}</button> }
        })
        .class("col-actions"),
    ];
    view! {
        <h3 id="decisions-title">{tr!(scaling.decisions)}</h3>
        <DataTable rows=rows columns=columns row_key=|(i, d): &(usize, Decision)| format!("{i}-{}", d.time_ms) key_attr="data-decision"
            caption=tr!(scaling.decisions) empty=move || t!(scaling.no_decisions) class="decisions"/>
        <Pager id="decisions-pager" page=page page_size=Signal::derive(|| DECISIONS_PAGE) total=Signal::derive(move || all.with(Vec::len) as i64)
            on_page=Callback::new(move |n| page.set(n))/>
    }
}

/// What the sandbox's autoscaler did, newest first (sandbox only).
#[component]
fn RecordedEvents(
    events: Memo<Vec<ScalingEvent>>,
    total: Signal<i64>,
    group: Signal<String>,
    zone: Memo<i32>,
    command: RwSignal<Option<ChartCommand>>,
) -> impl IntoView {
    let page = RwSignal::new(1u32);
    let mine = Memo::new(move |_| {
        let g = group.get();
        events.with(|e| e.iter().filter(|e| e.node_group == g || e.node_group.is_empty()).cloned().collect::<Vec<_>>())
    });
    let rows = Memo::new(move |_| {
        let p = page.get().max(1) as usize;
        mine.with(|a| a.iter().skip((p - 1) * DECISIONS_PAGE as usize).take(DECISIONS_PAGE as usize).cloned().collect::<Vec<_>>())
    });
    // The catalog words an event in the current language; the server's own text is the fallback.
    let word = |m: &crate::api::scaling::EventMessage| -> String {
        crate::i18n::problem_by_key(&m.key, &m.params).unwrap_or_else(|| m.message.clone())
    };
    let columns = vec![
        Column::new(tr!(scaling.col_time), move |e: &ScalingEvent| {
            let (real, clock) = (e.time as f64, e.clock);
            view! { <span title=move || t!(scaling.real_time, time = format::datetime(real))>{move || format_local_time(clock, zone.get())}</span> }
        }),
        Column::new(tr!(scaling.col_decision), |e: &ScalingEvent| {
            let k = MarkerKind::of_event(&e.action, &e.result);
            view! { <span class=format!("state-chip tone-{}", kind_tone(k))><span class="dot" aria-hidden="true"></span>{move || kind_label(k)}</span> }
        }),
        Column::new(tr!(scaling.col_nodes), |e: &ScalingEvent| format!("{} → {}", e.from, e.to)).class("num"),
        Column::new(tr!(scaling.col_result), |e: &ScalingEvent| {
            let (r, shown) = (e.result.clone(), e.result.clone());
            view! { <span class="event-result" data-result=r>{move || result_label(&shown)}</span> }
        }),
        Column::new(tr!(scaling.col_reason), move |e: &ScalingEvent| {
            let (reason, notes) = (e.reason.clone(), e.notes.clone());
            view! {
                <span class="decision-reason">{move || word(&reason)}</span>
                <ul class="event-notes">{notes.into_iter().map(|n| view! { <li>{move || word(&n)}</li> }).collect_view()}</ul>
            }
        }),
        Column::new(String::new, move |e: &ScalingEvent| {
            let t = e.clock;
            view! { <button type="button" class="btn btn-sm" on:click=move |_| {
                let s = t as f64 / 1000.0;
                let span = (PERIOD_MS * 24) as f64 / 1000.0;
                command.set(Some(ChartCommand::Range(s - span, s + span)));
            }>{tr!(scaling.show_in_chart)}</button> }
        })
        .class("col-actions"),
    ];
    view! {
        <h3 id="events-title">{tr!(scaling.recorded_events)}</h3>
        <p class="hint">{move || t!(scaling.recorded_events_hint, count = total.get())}</p>
        <DataTable rows=rows columns=columns row_key=|e: &ScalingEvent| e.id.to_string() key_attr="data-event-id"
            caption=tr!(scaling.recorded_events) empty=move || t!(scaling.no_events) class="recorded-events"/>
        <Pager id="events-pager" page=page page_size=Signal::derive(|| DECISIONS_PAGE) total=Signal::derive(move || mine.with(Vec::len) as i64)
            on_page=Callback::new(move |n| page.set(n))/>
    }
}

fn result_label(r: &str) -> String {
    match r {
        "in_progress" => t!(scaling.result_in_progress),
        "succeeded" => t!(scaling.result_succeeded),
        "failed" => t!(scaling.result_failed),
        "skipped" => t!(scaling.skipped),
        "info" => t!(scaling.result_info),
        other => other.to_string(),
    }
}
