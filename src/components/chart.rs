//! A zoomable time-series chart: uPlot, through the small static helper `js/chart.js`, which
//! fetches uPlot's file the first time a chart is drawn (views that do not chart never load it).
//!
//! One time axis in a zone given by its offset (the cluster's zone, named next to the chart), series
//! on up to two value scales, and markers (decisions, events) drawn as lines with a symbol. Zoom by
//! dragging over the plot, with the mouse wheel, or with the buttons; double-click or Reset shows
//! everything. The chart draws on a canvas, so a view lists what it shows as text beside it; every
//! label handed to uPlot is the console's own text.

use leptos::prelude::*;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{t, tr};

/// uPlot's file in the bundle (`scripts/vendor-js.py` copies it from `tools/node_modules`, the
/// version pinned in `tools/package.json`).
pub const UPLOT_FILE: &str = "uplot-1.6.32.js";

#[wasm_bindgen(module = "/js/chart.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadUplot)]
    fn load_uplot(file: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = makeChart)]
    fn make_chart(
        file: &str,
        el: &web_sys::HtmlElement,
        spec: &str,
        data: &js_sys::Array,
        mx: &js_sys::Float64Array,
        mk: &js_sys::Uint8Array,
        on_range: &js_sys::Function,
    ) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setChartData)]
    fn set_chart_data(state: &JsValue, data: &js_sys::Array, mx: &js_sys::Float64Array, mk: &js_sys::Uint8Array);
    #[wasm_bindgen(js_name = setChartRange)]
    fn set_chart_range(state: &JsValue, min: f64, max: f64);
    #[wasm_bindgen(js_name = zoomChart)]
    fn zoom_chart(state: &JsValue, factor: f64);
    #[wasm_bindgen(js_name = resetChart)]
    fn reset_chart(state: &JsValue);
    #[wasm_bindgen(js_name = destroyChart)]
    fn destroy_chart(state: &JsValue);
}

/// Starts fetching uPlot (e.g. when a view that charts is about to show).
pub fn preload_chart() {
    let _ = load_uplot(UPLOT_FILE);
}

/// One line of a chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesSpec {
    pub label: String,
    /// The value scale it is drawn on (a key of [`ChartSpec::scales`]).
    pub scale: &'static str,
    /// A CSS custom property holding its colour (read from the chart's element, so themes apply).
    pub stroke: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dash: Option<[f64; 2]>,
    /// Drawn as steps (a count that holds until the next sample).
    pub stepped: bool,
    pub width: f64,
}

/// A value scale: its axis label and side (1 = right, 3 = left, as uPlot numbers them).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleSpec {
    pub label: String,
    pub side: u8,
}

/// What a chart draws, apart from the numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartSpec {
    pub series: Vec<SeriesSpec>,
    pub scales: std::collections::BTreeMap<&'static str, ScaleSpec>,
    /// The zone the time axis is read in, minutes east of UTC.
    pub offset_minutes: i32,
    pub time_label: String,
    pub height: u32,
}

/// The numbers: times (epoch seconds), one column per series (NaN where there is no value), and
/// markers as (time, kind code) — see `lakedeck_api::replay::MarkerKind::code`, plus 4 for what
/// was recorded rather than predicted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub x: Vec<f64>,
    pub series: Vec<Vec<f64>>,
    pub markers: Vec<(f64, u8)>,
}

impl ChartData {
    fn to_js(&self) -> (js_sys::Array, js_sys::Float64Array, js_sys::Uint8Array) {
        let cols = js_sys::Array::new();
        cols.push(&js_sys::Float64Array::from(self.x.as_slice()));
        for s in &self.series {
            cols.push(&js_sys::Float64Array::from(s.as_slice()));
        }
        let mx: Vec<f64> = self.markers.iter().map(|m| m.0).collect();
        let mk: Vec<u8> = self.markers.iter().map(|m| m.1).collect();
        (cols, js_sys::Float64Array::from(mx.as_slice()), js_sys::Uint8Array::from(mk.as_slice()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Loading,
    Ready,
    Failed,
}

/// Commands a view can send to its chart (e.g. zoom to a decision picked in a list).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChartCommand {
    Range(f64, f64),
}

#[component]
pub fn TimeChart(
    /// DOM id of the chart's element (buttons get `<id>-zoom-in`, …).
    #[prop(into)]
    id: String,
    #[prop(into)] spec: Signal<ChartSpec>,
    #[prop(into)] data: Signal<ChartData>,
    /// The visible time range (epoch seconds), as the user zooms.
    #[prop(optional)]
    range: Option<RwSignal<Option<(f64, f64)>>>,
    #[prop(optional)] command: Option<Signal<Option<ChartCommand>>>,
    /// Accessible name of the chart.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    let chart = StoredValue::new_local(None::<JsValue>);
    let on_range = StoredValue::new_local(None::<Closure<dyn FnMut(f64, f64)>>);
    let status = RwSignal::new(Status::Loading);
    // Each build gets a number, so a build that finishes after a newer one started is dropped.
    let generation = StoredValue::new(0u32);

    let destroy = move || {
        if let Some(Some(state)) = chart.try_update_value(|c| c.take()) {
            destroy_chart(&state);
        }
    };

    // (Re)build when the element is there and whenever the spec changes (labels follow the
    // language); new numbers alone only replace the data.
    crate::state::run_effect(move || {
        let Some(el) = host.get() else { return };
        let spec_json = spec.with(|s| serde_json::to_string(s).unwrap_or_default());
        let el: web_sys::HtmlElement = el.unchecked_into();
        destroy();
        status.set(Status::Loading);
        generation.update_value(|g| *g += 1);
        let gen = generation.get_value();
        let (cols, mx, mk) = data.with_untracked(ChartData::to_js);
        let cb: Closure<dyn FnMut(f64, f64)> = Closure::new(move |min: f64, max: f64| {
            if let Some(r) = range {
                let _ = r.try_set(Some((min, max)));
            }
        });
        let promise = make_chart(UPLOT_FILE, &el, &spec_json, &cols, &mx, &mk, cb.as_ref().unchecked_ref());
        on_range.set_value(Some(cb));
        leptos::task::spawn_local(async move {
            let built = wasm_bindgen_futures::JsFuture::from(promise).await;
            if generation.try_get_value() != Some(gen) {
                if let Ok(state) = built {
                    destroy_chart(&state);
                }
                return;
            }
            match built {
                Ok(state) => {
                    chart.set_value(Some(state));
                    let _ = status.try_set(Status::Ready);
                }
                Err(e) => {
                    leptos::logging::warn!("chart: {e:?}");
                    let _ = status.try_set(Status::Failed);
                }
            }
        });
    });
    crate::state::run_effect(move || {
        let (cols, mx, mk) = data.with(ChartData::to_js);
        if status.get() != Status::Ready {
            return;
        }
        chart.with_value(|c| {
            if let Some(state) = c {
                set_chart_data(state, &cols, &mx, &mk);
            }
        });
    });
    if let Some(command) = command {
        crate::state::run_effect(move || {
            let Some(ChartCommand::Range(a, b)) = command.get() else { return };
            if status.get() == Status::Ready {
                chart.with_value(|c| c.as_ref().map(|s| set_chart_range(s, a, b)));
            }
        });
    }
    on_cleanup(move || {
        destroy();
        let _ = on_range.try_update_value(|c| c.take());
    });

    let act = move |f: fn(&JsValue)| {
        move |_| {
            chart.with_value(|c| {
                if let Some(s) = c {
                    f(s)
                }
            })
        }
    };
    let ready = move || status.get() == Status::Ready;
    let points = move || data.with(|d| d.x.len()).to_string();
    // Each series' newest value (empty where it has none), for tests and tools that read the chart.
    let last = move || {
        data.with(|d| d.series.iter().map(|s| s.last().filter(|v| !v.is_nan()).map(f64::to_string).unwrap_or_default()).collect::<Vec<_>>().join(","))
    };
    view! {
        <figure class="chart" id=id.clone() data-points=points data-last=last
            data-status=move || match status.get() { Status::Loading => "loading", Status::Ready => "ready", Status::Failed => "failed" }>
            <div class="chart-tools" role="toolbar" aria-label=tr!(chart.tools)>
                <button type="button" class="btn btn-sm" id=format!("{id}-zoom-in") disabled=move || !ready()
                    on:click=act(|s| zoom_chart(s, 0.5))>{tr!(chart.zoom_in)}</button>
                <button type="button" class="btn btn-sm" id=format!("{id}-zoom-out") disabled=move || !ready()
                    on:click=act(|s| zoom_chart(s, 2.0))>{tr!(chart.zoom_out)}</button>
                <button type="button" class="btn btn-sm" id=format!("{id}-reset") disabled=move || !ready()
                    on:click=act(reset_chart)>{tr!(chart.reset)}</button>
                <span class="hint">{tr!(chart.zoom_hint)}</span>
            </div>
            <div class="chart-plot" node_ref=host role="img" aria-label=move || label.get()></div>
            {move || match status.get() {
                Status::Loading => Some(view! { <p class="hint chart-note">{tr!(chart.loading)}</p> }.into_any()),
                Status::Failed => Some(view! { <p class="field-error chart-note" role="alert">{tr!(chart.failed)}</p> }.into_any()),
                Status::Ready => None,
            }}
            <figcaption class="visually-hidden">{move || t!(chart.points, count = data.with(|d| d.x.len()))}</figcaption>
        </figure>
    }
}
