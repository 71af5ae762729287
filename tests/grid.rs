//! The result grid in headless Chromium: windowing both ways, scrolling, sort, filter, selection
//! and copy, export, column resize, ARIA, and the reset when a new result arrives.

use std::sync::Arc;

use lakedeck::components::ResultGrid;
use lakedeck_api::grid::ResultSet;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod support;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    support::with_grid_css();
    support::host_styled("width: 700px")
}

fn q(root: &web_sys::Element, sel: &str) -> web_sys::Element {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no element {sel}"))
}

fn all(root: &web_sys::Element, sel: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().unchecked_into()).collect()
}

fn text(el: &web_sys::Element) -> String {
    el.text_content().unwrap_or_default()
}

fn attr(el: &web_sys::Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_else(|| panic!("no {name} on {}", el.outer_html()))
}

/// A `getBoundingClientRect()` field (the DomRect binding is not among the enabled web-sys features).
fn rect(el: &web_sys::Element, field: &str) -> f64 {
    let f: js_sys::Function = js_sys::Reflect::get(el, &"getBoundingClientRect".into()).unwrap().unchecked_into();
    js_sys::Reflect::get(&f.call0(el).unwrap(), &field.into()).unwrap().as_f64().unwrap()
}

fn click(el: &web_sys::Element) {
    el.unchecked_ref::<web_sys::HtmlElement>().click();
}

/// Body rows as (aria-rowindex, first rendered cell's text), top to bottom.
fn body_rows(root: &web_sys::Element) -> Vec<(usize, String)> {
    all(root, ".grid-body [role=row]")
        .iter()
        .map(|r| (attr(r, "aria-rowindex").parse().unwrap(), text(&q(r, "[role=gridcell]"))))
        .collect()
}

/// Text of column `col` (0-based) down the rendered rows.
fn column_text(root: &web_sys::Element, col: usize) -> Vec<String> {
    all(root, &format!(".grid-body [role=gridcell][aria-colindex=\"{}\"]", col + 1)).iter().map(text).collect()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Lets the grid measure itself (it does so in an animation frame after mounting).
async fn settle() {
    sleep(50).await;
    tick().await;
}

async fn scroll(grid: &web_sys::Element, top: i32, left: i32) {
    grid.set_scroll_top(top);
    grid.set_scroll_left(left);
    grid.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    tick().await;
}

fn synthetic(rows: usize, cols: usize) -> Arc<ResultSet> {
    let mut set = ResultSet::new((0..cols).map(|c| format!("col{c}")).collect());
    for r in 0..rows {
        let cells: Vec<String> = (0..cols).map(|c| format!("r{r}c{c}")).collect();
        set.push_row(&cells);
    }
    Arc::new(set)
}

fn table(header: &[&str], rows: &[&[&str]]) -> Arc<ResultSet> {
    let mut set = ResultSet::new(header.iter().map(|s| s.to_string()).collect());
    for r in rows {
        set.push_row(r);
    }
    Arc::new(set)
}

type Mounted = leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>;

/// The grid in a fresh host; it stays mounted while the handle lives.
fn mount(data: RwSignal<Arc<ResultSet>>, truncated: RwSignal<Option<String>>) -> (web_sys::Element, Mounted) {
    let el = host();
    let h = mount_to(el.clone(), move || view! { <ResultGrid data=data truncated=truncated id="g"/> }.into_any());
    (el.unchecked_into(), h)
}

#[wasm_bindgen_test]
async fn a_large_result_renders_only_a_window_of_rows_and_columns() {
    support::english();
    let data = RwSignal::new(synthetic(100_000, 40));
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    let grid = q(&root, "#g");
    assert_eq!(attr(&grid, "role"), "grid");
    assert_eq!(attr(&grid, "aria-rowcount"), "100001", "rows plus the header row");
    assert_eq!(attr(&grid, "aria-colcount"), "40");
    let rows = body_rows(&root);
    assert!(rows.len() > 10 && rows.len() < 40, "{} rows rendered", rows.len());
    assert_eq!(rows[0], (2, "r0c0".to_string()), "the header is row 1");
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), (2..2 + rows.len()).collect::<Vec<_>>());
    let headers = all(&root, "[role=columnheader]");
    assert!(headers.len() > 1 && headers.len() < 15, "{} columns rendered", headers.len());
    assert_eq!(attr(&headers[0], "aria-colindex"), "1");
    assert_eq!(text(&headers[0]).trim(), "col0");
    assert_eq!(attr(&q(&root, ".grid-head [role=row]"), "aria-rowindex"), "1");
    let cells = all(&root, ".grid-body [role=row]:first-child [role=gridcell]");
    assert_eq!(cells.len(), headers.len(), "body and header show the same columns");
    assert_eq!(attr(&cells[1], "aria-colindex"), "2");
    assert_eq!(attr(&cells[1], "aria-selected"), "false");
    assert_eq!(text(&q(&root, ".grid-count")), "100,000 rows");
    // The spacer gives the scrollbar the whole result.
    assert!(grid.scroll_height() > 100_000 * 28, "{}", grid.scroll_height());
}

#[wasm_bindgen_test]
async fn scrolling_moves_the_window_both_ways() {
    support::english();
    let data = RwSignal::new(synthetic(100_000, 40));
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    let grid = q(&root, "#g");
    scroll(&grid, 28 * 50_000, 0).await;
    let rows = body_rows(&root);
    let visible = rows.iter().find(|r| r.0 == 50_002).unwrap_or_else(|| panic!("row 50,002 not rendered: {rows:?}"));
    assert_eq!(visible.1, "r50000c0");
    assert!(rows.len() < 40 && rows[0].0 >= 49_990, "{:?}", rows.first());
    assert!(body_rows(&root).iter().all(|r| r.0 > 1000), "rows from the top are gone");
    // The rows are drawn where the scrolled viewport is.
    let first = q(&root, &format!(".grid-body [role=row][aria-rowindex=\"{}\"]", 50_002));
    let top = rect(&first, "top") - rect(&grid, "top");
    assert!((27.0..=30.0).contains(&top), "row 50,000 should sit under the header, at {top}px");

    scroll(&grid, 28 * 50_000, 4000).await;
    let headers = all(&root, "[role=columnheader]");
    let first_col: usize = attr(&headers[0], "aria-colindex").parse().unwrap();
    assert!(first_col > 10, "columns from the left are gone: starts at {first_col}");
    let row_cell = q(&root, &format!(".grid-body [role=row][aria-rowindex=\"50002\"] [role=gridcell][aria-colindex=\"{first_col}\"]"));
    assert_eq!(text(&row_cell), format!("r50000c{}", first_col - 1));

    // Past the end of a capped spacer (a million rows is taller than browsers can scroll), the
    // last row is reachable.
    data.set(synthetic(1_000_000, 2));
    tick().await;
    scroll(&grid, i32::MAX / 2, 0).await;
    let rows = body_rows(&root);
    assert_eq!(rows.last().unwrap(), &(1_000_001, "r999999c0".to_string()));
    assert_eq!(attr(&grid, "aria-rowcount"), "1000001");
}

#[wasm_bindgen_test]
async fn the_window_follows_the_size_of_the_grid() {
    support::english();
    let (root, _mounted) = mount(RwSignal::new(synthetic(10_000, 3)), RwSignal::new(None));
    root.set_attribute("style", "width: 700px; --grid-height: 200px").unwrap();
    settle().await;
    let small = body_rows(&root).len();
    root.set_attribute("style", "width: 700px; --grid-height: 900px").unwrap();
    settle().await;
    let big = body_rows(&root).len();
    assert!(big >= small + 20, "{small} rows at 200px, {big} at 900px");
}

#[wasm_bindgen_test]
async fn sorting_is_numeric_and_cycles_up_down_off() {
    support::english();
    let data = RwSignal::new(table(&["n", "name"], &[&["10", "ten"], &["9", "nine"], &["100", "hundred"], &["null", "none"], &["-1.5", "minus"], &["2", "two"]]));
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    let header = || q(&root, "[role=columnheader][aria-colindex=\"1\"]");
    assert_eq!(attr(&header(), "aria-sort"), "none");
    click(&q(&header(), ".grid-sort"));
    tick().await;
    assert_eq!(attr(&header(), "aria-sort"), "ascending");
    assert_eq!(column_text(&root, 0), ["-1.5", "2", "9", "10", "100", "null"]);
    assert_eq!(column_text(&root, 1)[0], "minus", "whole rows move");
    click(&q(&header(), ".grid-sort"));
    tick().await;
    assert_eq!(attr(&header(), "aria-sort"), "descending");
    assert_eq!(column_text(&root, 0), ["null", "100", "10", "9", "2", "-1.5"]);
    click(&q(&header(), ".grid-sort"));
    tick().await;
    assert_eq!(attr(&header(), "aria-sort"), "none");
    assert_eq!(column_text(&root, 0), ["10", "9", "100", "null", "-1.5", "2"]);
    // Sorting another column takes over.
    click(&q(&header(), ".grid-sort"));
    click(&q(&root, "[role=columnheader][aria-colindex=\"2\"] .grid-sort"));
    tick().await;
    assert_eq!(attr(&header(), "aria-sort"), "none");
    assert_eq!(column_text(&root, 1), ["hundred", "minus", "nine", "none", "ten", "two"]);
}

#[wasm_bindgen_test]
async fn the_filter_narrows_rows_after_a_pause_and_a_new_result_resets_everything() {
    support::english();
    let data = RwSignal::new(table(&["id", "city"], &[&["1", "Oslo"], &["2", "Lisbon"], &["3", "osaka"], &["4", "Rome"], &["5", "Bern"]]));
    let truncated = RwSignal::new(None);
    let (root, _mounted) = mount(data, truncated);
    settle().await;
    assert_eq!(text(&q(&root, ".grid-count")), "5 rows");
    let input: web_sys::HtmlInputElement = q(&root, "input.grid-filter").unchecked_into();
    assert_eq!(attr(&q(&root, "label.grid-filter-label"), "for"), input.id(), "the filter is labelled");
    input.set_value("OS");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
    assert_eq!(text(&q(&root, ".grid-count")), "5 rows", "debounced: nothing yet");
    sleep(250).await;
    tick().await;
    assert_eq!(text(&q(&root, ".grid-count")), "2 of 5 rows");
    assert_eq!(column_text(&root, 1), ["Oslo", "osaka"]);
    assert_eq!(attr(&q(&root, "#g"), "aria-rowcount"), "3");

    click(&q(&root, "[role=columnheader][aria-colindex=\"1\"] .grid-sort"));
    click(&q(&root, "[role=columnheader][aria-colindex=\"1\"] .grid-sort"));
    tick().await;
    assert_eq!(column_text(&root, 1), ["osaka", "Oslo"]);

    input.set_value("zzz");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    sleep(250).await;
    tick().await;
    assert_eq!(text(&q(&root, ".grid-count")), "0 of 5 rows");
    assert!(text(&q(&root, ".grid-empty")).contains("zzz"));

    // A new result: no sort, no filter, the box emptied.
    truncated.set(Some("Showing the first 3 of 9 rows (row limit)".into()));
    data.set(table(&["n"], &[&["3"], &["1"], &["2"]]));
    tick().await;
    tick().await;
    assert_eq!(text(&q(&root, ".grid-count")), "3 rows");
    assert_eq!(input.value(), "");
    assert_eq!(attr(&q(&root, "[role=columnheader]"), "aria-sort"), "none");
    assert_eq!(column_text(&root, 0), ["3", "1", "2"]);
    assert_eq!(all(&root, "[role=columnheader]").len(), 1);
    assert_eq!(text(&q(&root, ".grid-truncated")), "Showing the first 3 of 9 rows (row limit)");
    assert!(root.query_selector(".grid-empty").unwrap().is_none());

    data.set(table(&["n"], &[]));
    tick().await;
    assert_eq!(text(&q(&root, ".grid-empty")), "No rows.");
    assert_eq!(text(&q(&root, ".grid-count")), "0 rows");
}

#[wasm_bindgen_test]
async fn cells_are_text_never_markup() {
    support::english();
    let data = RwSignal::new(table(&["<i>h</i>"], &[&["<b>bold</b><img src=x onerror=alert(1)>"]]));
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    assert_eq!(column_text(&root, 0), ["<b>bold</b><img src=x onerror=alert(1)>"]);
    assert!(all(&root, "#g b, #g img, #g i").is_empty());
}

/// Replaces the clipboard with one that records what it is given.
fn fake_clipboard() {
    js_sys::eval(
        "window.__copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true, \
         value: { writeText: t => { window.__copied = t; return Promise.resolve(); } } });",
    )
    .unwrap();
}

fn copied() -> Option<String> {
    js_sys::Reflect::get(&window(), &"__copied".into()).unwrap().as_string()
}

fn key(target: &web_sys::Element, key: &str, ctrl: bool, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

fn shift_click(el: &web_sys::Element) {
    js_sys::Reflect::set(&window(), &"__target".into(), el).unwrap();
    js_sys::eval("window.__target.dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }))").unwrap();
}

fn cell(root: &web_sys::Element, row: usize, col: usize) -> web_sys::Element {
    q(root, &format!(".grid-body [aria-rowindex=\"{}\"] [aria-colindex=\"{}\"]", row + 2, col + 1))
}

#[wasm_bindgen_test]
async fn click_and_shift_click_select_a_rectangle_that_copies_as_tsv() {
    support::english();
    let data = RwSignal::new(table(&["a", "b", "c"], &[&["1", "x\ty", "p"], &["2", "z", "q"], &["3", "w", "r"]]));
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    fake_clipboard();
    let grid = q(&root, "#g");

    // Nothing selected: Copy takes every row shown, with headers.
    click(&q(&root, ".grid-copy"));
    sleep(10).await;
    assert_eq!(copied().as_deref(), Some("a\tb\tc\n1\tx y\tp\n2\tz\tq\n3\tw\tr\n"));

    click(&cell(&root, 0, 1));
    tick().await;
    shift_click(&cell(&root, 1, 2));
    tick().await;
    let selected: Vec<String> = all(&root, "[role=gridcell][aria-selected=\"true\"]").iter().map(text).collect();
    assert_eq!(selected, ["x\ty", "p", "z", "q"]);
    assert_eq!(attr(&grid, "aria-activedescendant"), cell(&root, 1, 2).id());
    assert_eq!(document().active_element().unwrap().id(), "g", "clicking a cell focuses the grid");
    key(&grid, "c", true, false);
    sleep(10).await;
    assert_eq!(copied().as_deref(), Some("b\tc\nx y\tp\nz\tq\n"));
    assert!(text(&q(&root, ".grid-status")).contains("4 cells"));

    // Keys move and extend the selection; the Copy button copies it too.
    key(&grid, "ArrowDown", false, false);
    tick().await;
    key(&grid, "ArrowLeft", false, true);
    tick().await;
    click(&q(&root, ".grid-copy"));
    sleep(10).await;
    assert_eq!(copied().as_deref(), Some("b\tc\nw\tr\n"));

    // A new sort makes the old positions meaningless: the selection goes.
    click(&q(&root, "[role=columnheader][aria-colindex=\"3\"] .grid-sort"));
    tick().await;
    assert!(all(&root, "[aria-selected=\"true\"]").is_empty());
    assert!(grid.get_attribute("aria-activedescendant").is_none());
}

#[wasm_bindgen_test]
async fn export_downloads_the_rows_in_view_order_as_the_archive_csv() {
    support::english();
    let set = table(&["id", "note"], &[&["2", "a,b"], &["1", "say \"hi\""], &["3", "plain"]]);
    let data = RwSignal::new(set.clone());
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    js_sys::eval(
        "window.__blob = null; const make = URL.createObjectURL; \
         URL.createObjectURL = b => { window.__blob = b; return make.call(URL, b); }; \
         HTMLAnchorElement.prototype.click = function () { window.__download = this.getAttribute('download'); };",
    )
    .unwrap();
    click(&q(&root, "[role=columnheader][aria-colindex=\"1\"] .grid-sort"));
    tick().await;
    click(&q(&root, ".grid-export"));
    let blob = js_sys::Reflect::get(&window(), &"__blob".into()).unwrap();
    assert!(!blob.is_null(), "no Blob was made");
    let text_fn: js_sys::Function = js_sys::Reflect::get(&blob, &"text".into()).unwrap().unchecked_into();
    let csv = JsFuture::from(text_fn.call0(&blob).unwrap().unchecked_into::<js_sys::Promise>()).await.unwrap();
    assert_eq!(csv.as_string().unwrap(), set.to_csv(&[1, 0, 2]));
    assert_eq!(csv.as_string().unwrap(), "id,note\n1,\"say \"\"hi\"\"\"\n2,\"a,b\"\n3,plain\n");
    let name = js_sys::Reflect::get(&window(), &"__download".into()).unwrap();
    assert_eq!(name, JsValue::from_str("result.csv"));
}

#[wasm_bindgen_test]
async fn columns_resize_by_keyboard_and_pointer_but_not_below_48px() {
    support::english();
    let data = RwSignal::new(table(&["name", "b"], &[&["x", "y"]]));
    let (root, _mounted) = mount(data, RwSignal::new(None));
    settle().await;
    let width = |col: usize| rect(&q(&root, &format!("[role=columnheader][aria-colindex=\"{col}\"]")), "width");
    let handle = q(&root, "[role=columnheader][aria-colindex=\"1\"] .grid-resize");
    assert_eq!(attr(&handle, "tabindex"), "0");
    assert_eq!(attr(&handle, "aria-label"), "Resize column name");
    let w0 = width(1);
    key(&handle, "ArrowRight", false, false);
    tick().await;
    assert_eq!(width(1), w0 + 16.0);
    assert_eq!(attr(&handle, "aria-valuenow"), (w0 + 16.0).to_string());
    assert_eq!(rect(&cell(&root, 0, 0), "width"), w0 + 16.0, "body cells follow");
    for _ in 0..40 {
        key(&handle, "ArrowLeft", false, false);
    }
    tick().await;
    assert_eq!(width(1), 48.0);

    js_sys::Reflect::set(&window(), &"__target".into(), &handle).unwrap();
    js_sys::eval(
        "const h = window.__target, o = { bubbles: true, pointerId: 7, button: 0 };\
         h.dispatchEvent(new PointerEvent('pointerdown', { ...o, clientX: 100 }));\
         h.dispatchEvent(new PointerEvent('pointermove', { ...o, clientX: 160 }));\
         h.dispatchEvent(new PointerEvent('pointerup', { ...o, clientX: 160 }));\
         h.dispatchEvent(new PointerEvent('pointermove', { ...o, clientX: 400 }));",
    )
    .unwrap();
    tick().await;
    assert_eq!(width(1), 108.0, "dragged 60px; moves after release are ignored");
}
