// Time-series charts of the Scaling views, drawn by uPlot (npm `uplot`, pinned in tools/package.json).
//
// This stub is a wasm-bindgen snippet (it ships with the main module, so it stays small): uPlot and the
// drawing code (js/chart-draw.js) are one separate file of the bundle (scripts/vendor-js.py), fetched by
// dynamic import the first time a view charts, so they cost nothing to views that do not. No inline
// script, no eval, no style attributes (uPlot sizes its canvas through the CSSOM), so it runs under the
// console's strict Content-Security-Policy.
//
// Every text the chart shows (series names, axis labels) comes from the console's catalogs; API strings
// (rule names, reasons) are never handed to uPlot: the console lists them as text next to the chart.

let loading = null;

// wasm-bindgen puts snippets at <bundle>/snippets/<crate>-<hash>/js/chart.js: the bundle's root is three
// levels up, whatever URL the bundle is served under.
const ROOT = new URL("../../../", import.meta.url);

function uplot(file) {
  if (!loading) {
    loading = import(new URL(file, ROOT).href).catch((e) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}

/** Fetches uPlot (`file`, relative to the bundle's root) ahead of a chart; a failure is retried later. */
export function loadUplot(file) {
  return uplot(file).then(() => undefined);
}

/**
 * Draws a chart into `el` once uPlot (`file`) is loaded. `spec` (JSON text): {series: [{label, scale, stroke: css var, dash, stepped}],
 * scales: {name: {label, side}}, offset_minutes}. `data`: [x seconds, ...series], Float64Arrays with NaN
 * for gaps. `mx`/`mk`: marker times (seconds) and kinds. `onRange(min, max)` hears every zoom.
 */
export function makeChart(file, el, spec, data, mx, mk, onRange) {
  const s = JSON.parse(spec);
  return uplot(file).then((lib) => {
    const state = lib.build(lib.default, el, s, data, mx, mk, onRange);
    state.lib = lib;
    return state;
  });
}

/** Replaces the chart's data (same series) and markers, keeping the zoom when it still fits. */
export function setChartData(state, data, mx, mk) {
  state.lib.setChartData(state, data, mx, mk);
}

/** Zooms to [min, max] seconds (kept within the data, at least six periods wide). */
export function setChartRange(state, min, max) {
  state.lib.setChartRange(state, min, max);
}

/** Zooms in (`factor` < 1) or out (> 1) around the middle of the visible range. */
export function zoomChart(state, factor) {
  state.lib.zoomChart(state, factor);
}

export function resetChart(state) {
  state.lib.resetChart(state);
}

export function destroyChart(state) {
  state.lib.destroyChart(state);
}
