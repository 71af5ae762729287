//! Result grid benchmark (run by `scripts/bench-grid.sh`; `#[ignore]`d so the normal test run
//! skips it). Mounts `ResultGrid` over synthetic results of 8 columns, 100,000 and then 1,000,000
//! rows, in headless Chromium, and prints figures next to the goals. It never fails on slowness.
//!
//! The smaller size goes first: wasm memory never shrinks, so it would otherwise report the peak
//! of the million-row run.

use std::fmt::Write;
use std::sync::Arc;

use lakedeck::components::ResultGrid;
use lakedeck_api::grid::{group_digits, ResultSet};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod support;

wasm_bindgen_test_configure!(run_in_browser);

const FRAME_GOAL_MS: f64 = 16.0;
const SORT_GOAL_MS: f64 = 500.0;
const HEAP_GOAL_MB: f64 = 300.0;
const SCROLL_STEPS: usize = 300;
const SCROLL_STEP_PX: i32 = 400;

/// `performance.now()` (the Performance binding is not among the enabled web-sys features).
fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().unchecked_into();
    f.call0(&perf).unwrap().as_f64().unwrap()
}

fn mb(bytes: f64) -> f64 {
    bytes / 1_048_576.0
}

/// `performance.memory.usedJSHeapSize` (Chromium only; rounded by the browser) and the size of
/// the wasm linear memory, which lives outside the JS heap figure.
fn memory() -> (f64, f64) {
    let perf = js_sys::Reflect::get(&window(), &"performance".into()).unwrap();
    let js = js_sys::Reflect::get(&perf, &"memory".into())
        .and_then(|m| js_sys::Reflect::get(&m, &"usedJSHeapSize".into()))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN);
    let buffer = js_sys::Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap();
    let wasm = js_sys::Reflect::get(&buffer, &"byteLength".into()).unwrap().as_f64().unwrap();
    (js, wasm)
}

/// Resolves at the next animation frame with its timestamp.
async fn frame() -> f64 {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window().request_animation_frame(&resolve).unwrap();
    });
    JsFuture::from(p).await.unwrap().as_f64().unwrap()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// p50, p95 and max.
fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(v, 0.5), percentile(v, 0.95), v[v.len() - 1])
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "OVER GOAL"
    }
}

/// Eight columns shaped like a query result: ids, names, amounts, dates, short categories.
fn synthetic(rows: usize) -> ResultSet {
    const STATUS: [&str; 4] = ["ok", "failed", "pending", "null"];
    const REGION: [&str; 6] = ["eu-west-101", "eu-north-1", "ap-southeast-1", "cn-north-4", "af-south-1", "la-south-2"];
    let names = ["id", "user", "amount", "created", "status", "region", "items", "note"];
    let mut set = ResultSet::new(names.iter().map(|s| s.to_string()).collect());
    let mut cells: [String; 8] = Default::default();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for r in 0..rows {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        for c in &mut cells {
            c.clear();
        }
        let _ = write!(cells[0], "{}", r + 1);
        let _ = write!(cells[1], "user_{:05}", seed % 50_000);
        let _ = write!(cells[2], "{}.{:02}", (seed >> 20) % 100_000, (seed >> 8) % 100);
        let _ = write!(cells[3], "2026-{:02}-{:02}", (seed >> 30) % 12 + 1, (seed >> 34) % 28 + 1);
        cells[4].push_str(STATUS[(seed >> 40) as usize % 4]);
        cells[5].push_str(REGION[(seed >> 44) as usize % 6]);
        let _ = write!(cells[6], "{}", (seed >> 50) % 1000);
        let _ = write!(cells[7], "batch {} of {}", (seed >> 54) % 64, r % 977);
        set.push_row(&cells);
    }
    set.shrink_to_fit();
    set
}

/// A console-sized grid; the export stays a Blob instead of a real download.
fn host() -> web_sys::Element {
    support::with_grid_css();
    js_sys::eval("HTMLAnchorElement.prototype.click = function () { window.__download = this.getAttribute('download'); };").unwrap();
    support::host_styled("width: 1100px; --grid-height: 640px").into()
}

fn q(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no element {sel}"))
}

fn first_cell(root: &web_sys::Element, col: usize) -> String {
    q(root, &format!(".grid-body [role=row] [aria-colindex=\"{}\"]", col + 1)).text_content().unwrap_or_default()
}

async fn run(rows: usize) {
    let label = group_digits(rows);
    console_log!("--- ResultGrid, {label} rows x 8 columns ---");
    let (js0, wasm0) = memory();

    let t = now();
    let set = Arc::new(synthetic(rows));
    let build_ms = now() - t;
    let (_, wasm_built) = memory();
    console_log!(
        "build ResultSet           {build_ms:8.1} ms   ({:.1} MB of cells; wasm memory +{:.1} MB)",
        mb(set.heap_bytes() as f64),
        mb(wasm_built - wasm0)
    );

    let root = host();
    let data = RwSignal::new(set.clone());
    let t = now();
    let handle = mount_to(root.clone().unchecked_into(), move || view! { <ResultGrid data=data id="bench-grid"/> }.into_any());
    let rendered = root.query_selector_all(".grid-body [role=row]").unwrap().length();
    let dom_ms = now() - t;
    frame().await;
    let paint_ms = now() - t;
    console_log!("first rows in the DOM     {dom_ms:8.1} ms   ({rendered} rows; first frame after {paint_ms:.1} ms)");
    // Let the grid measure itself before scrolling.
    frame().await;
    let grid: web_sys::HtmlElement = q(&root, "#bench-grid").unchecked_into();

    // Forces style and layout of the rows, as painting the frame would.
    let layout = |grid: &web_sys::HtmlElement| {
        let _ = grid.query_selector(".grid-body [role=row]").unwrap().map(|r| r.unchecked_into::<web_sys::HtmlElement>().offset_top());
    };
    // Frames with nothing to do: the floor under the figures below.
    let mut idle = Vec::new();
    for _ in 0..60 {
        let stamp = frame().await;
        layout(&grid);
        idle.push(now() - stamp);
    }
    // Real scrolling: scrollTop is set in one frame; the browser fires `scroll` at the start of
    // the next, the grid updates before that frame's animation callbacks, then layout is forced.
    // Work = frame start to the end of that layout: all of the frame's main-thread work but paint.
    // The first 30 steps warm up the wasm tiers and are not counted.
    let mut work = Vec::with_capacity(SCROLL_STEPS);
    let mut deltas = Vec::with_capacity(SCROLL_STEPS);
    let mut last = frame().await;
    let mut top = 0;
    for step in 0..SCROLL_STEPS + 30 {
        top += SCROLL_STEP_PX;
        grid.set_scroll_top(top);
        let stamp = frame().await;
        layout(&grid);
        if step >= 30 {
            work.push(now() - stamp);
            deltas.push(stamp - last);
        }
        last = stamp;
    }
    let rowindex = q(&root, ".grid-body [role=row]").get_attribute("aria-rowindex").unwrap_or_default();
    // The grid's share: a synthetic scroll event to the end of the reactive update, then layout.
    let (mut update, mut relayout) = (Vec::new(), Vec::new());
    for _ in 0..100 {
        top += SCROLL_STEP_PX;
        frame().await;
        let t = now();
        grid.set_scroll_top(top);
        grid.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
        tick().await;
        let t2 = now();
        layout(&grid);
        update.push(t2 - t);
        relayout.push(now() - t2);
    }
    let (w50, w95, wmax) = stats(&mut work);
    console_log!(
        "scroll frame work         p50 {w50:.2} / p95 {w95:.2} / max {wmax:.2} ms over {SCROLL_STEPS} steps of {SCROLL_STEP_PX}px   goal p95 <= {FRAME_GOAL_MS} ms: {}",
        verdict(w95 <= FRAME_GOAL_MS)
    );
    let (u50, u95, _) = stats(&mut update);
    let (l50, l95, _) = stats(&mut relayout);
    let (i50, i95, _) = stats(&mut idle);
    console_log!("  grid update p50 {u50:.2} / p95 {u95:.2}; layout p50 {l50:.2} / p95 {l95:.2}; idle frame p50 {i50:.2} / p95 {i95:.2} ms");
    let (d50, d95, dmax) = stats(&mut deltas);
    console_log!(
        "frame interval (rAF)      p50 {d50:.2} / p95 {d95:.2} / max {dmax:.2} ms   (16.7 at 60 Hz = no frame dropped; scrolled to row {rowindex})"
    );

    // A jump like a scrollbar drag to the middle: every slot changes.
    let t = now();
    grid.set_scroll_top(grid.scroll_height() / 2);
    grid.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    tick().await;
    let _ = grid.offset_height();
    console_log!("jump to the middle        {:8.1} ms", now() - t);
    grid.set_scroll_top(0);
    grid.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    tick().await;

    // Sort: click to sorted rows in the DOM (amount is numeric, user is text).
    for (col, name) in [(2usize, "amount (numeric)"), (1, "user (text)")] {
        let button: web_sys::HtmlElement = q(&root, &format!("[role=columnheader][aria-colindex=\"{}\"] .grid-sort", col + 1)).unchecked_into();
        let t = now();
        button.click();
        tick().await;
        let ms = now() - t;
        let shown = first_cell(&root, col);
        console_log!("sort {name:<20} {ms:8.1} ms   goal <= {SORT_GOAL_MS} ms: {}   (first: {shown})", verdict(ms <= SORT_GOAL_MS));
        let t = now();
        button.click();
        tick().await;
        console_log!("  descending              {:8.1} ms   (first: {})", now() - t, first_cell(&root, col));
        button.click();
        tick().await;
    }

    // Filter: the debounce timer was registered first, so a timer of the same delay fires after
    // the filter has run; the difference is the filter's cost.
    let input: web_sys::HtmlInputElement = q(&root, "input.grid-filter").unchecked_into();
    input.set_value("user_0424");
    let t = now();
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    sleep(150).await;
    tick().await;
    let filter_ms = now() - t - 150.0;
    console_log!("filter \"user_0424\"        {filter_ms:8.1} ms   ({})", q(&root, ".grid-count").text_content().unwrap_or_default());
    input.set_value("");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    sleep(200).await;

    let (js, wasm) = memory();
    let total = mb(js) + mb(wasm);
    console_log!(
        "memory                    JS heap {:.1} MB (+{:.1}) + wasm memory {:.1} MB (+{:.1}) = {total:.1} MB   goal <= {HEAP_GOAL_MB} MB: {}",
        mb(js),
        mb(js - js0),
        mb(wasm),
        mb(wasm - wasm0),
        verdict(total <= HEAP_GOAL_MB)
    );

    let t = now();
    q(&root, ".grid-export").unchecked_into::<web_sys::HtmlElement>().click();
    let export_ms = now() - t;
    let (js, wasm) = memory();
    console_log!("export CSV (Blob)         {export_ms:8.1} ms   (then JS heap {:.1} MB + wasm memory {:.1} MB, before collection)", mb(js), mb(wasm));
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by scripts/bench-grid.sh"]
async fn bench_result_grid() {
    support::english();
    run(100_000).await;
    // Let the first run's garbage go before measuring the second.
    sleep(500).await;
    run(1_000_000).await;
}
