//! The SQL editor's result grid: a million rows held in the browser, virtualised both ways.
//!
//! Only the rows and columns in view (plus a little overscan) exist in the DOM. Rows are a fixed
//! set of slots: scrolling changes which result row a slot shows, so a scroll step rewrites a few
//! hundred text nodes instead of building and dropping elements. Sorting, filtering and export
//! work on row numbers over the columnar [`ResultSet`]; nothing here re-runs a query.
//!
//! Sort, filter, widths and selection belong to one result: each is stored with the generation of
//! the data (or of the row order) it was made for and ignored once that changes, which resets them
//! without an effect writing signals.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lakedeck_api::grid::{self as logic, ResultSet};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::{t, tr};

const ROW_H: f64 = 28.0;
/// The header row is as tall as a body row (see `style/grid.css`).
const HEAD_H: f64 = 28.0;
const OVERSCAN_ROWS: usize = 4;
const OVERSCAN_COLS: usize = 1;
const MIN_W: f64 = 48.0;
const MAX_W: f64 = 2000.0;
const KEY_STEP: f64 = 16.0;
/// Copying with nothing selected takes the rows in view order up to this many.
const COPY_LIMIT: usize = 10_000;
const FILTER_DEBOUNCE: Duration = Duration::from_millis(150);
/// Export builds the CSV in pieces of this size so wasm memory never holds the whole file.
const CSV_CHUNK: usize = 4 << 20;
/// Used until the grid has been laid out (and when it is hidden), so the first render fills a screen.
const FALLBACK_VIEW: (f64, f64) = (600.0, 1200.0);

static GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// Row numbers in view order. Equal when they come from the same computation: comparing a million
/// entries to learn that a new sort differs from the last would cost more than it saves.
#[derive(Clone)]
struct Rows {
    id: u64,
    rows: Arc<Vec<u32>>,
}

impl Rows {
    fn new(rows: Vec<u32>) -> Rows {
        Rows { id: next_generation(), rows: Arc::new(rows) }
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.id == other.id
    }
}

/// A rectangle of cells in view positions (not result rows), for one row order.
#[derive(Clone, Copy, PartialEq)]
struct Selection {
    order: u64,
    anchor: (usize, usize),
    focus: (usize, usize),
}

impl Selection {
    fn rows(&self) -> Range<usize> {
        self.anchor.0.min(self.focus.0)..self.anchor.0.max(self.focus.0) + 1
    }

    fn cols(&self) -> Range<usize> {
        self.anchor.1.min(self.focus.1)..self.anchor.1.max(self.focus.1) + 1
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Viewport {
    top: f64,
    left: f64,
    height: f64,
    width: f64,
}

/// What the body renders: view positions, columns, and where the first rendered row sits.
#[derive(Clone, PartialEq)]
struct Window {
    rows: Range<usize>,
    cols: Range<usize>,
    body_top: f64,
}

/// Starting widths from the header and the first rows, so short columns don't waste the screen.
fn initial_widths(data: &ResultSet) -> Vec<f64> {
    (0..data.column_count())
        .map(|c| {
            let header = data.column_names()[c].chars().count() + 2;
            let longest = (0..data.len().min(200)).map(|r| data.cell(r, c).chars().count()).max().unwrap_or(0);
            (header.max(longest) as f64 * 7.8 + 20.0).clamp(64.0, 320.0).round()
        })
        .collect()
}

fn px(v: f64) -> String {
    format!("{v}px")
}

/// What the last copy or export did (worded when shown, so it follows the language).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    CopiedCells(usize),
    /// Rows copied, and whether only the first ones were.
    CopiedRows(usize, bool),
    Exported(usize),
    NoClipboard,
    CopyFailed,
    ExportFailed,
}

impl Status {
    fn text(self) -> String {
        match self {
            Status::CopiedCells(n) => t!(grid.copied_cells, n = n),
            Status::CopiedRows(n, false) => t!(grid.copied_rows, n = n),
            Status::CopiedRows(n, true) => t!(grid.copied_first_rows, n = n),
            Status::Exported(n) => t!(grid.exported, n = n),
            Status::NoClipboard => t!(grid.no_clipboard),
            Status::CopyFailed => t!(grid.copy_failed),
            Status::ExportFailed => t!(grid.export_failed),
        }
    }
}

/// Writes `text` to the clipboard and reports how it went in `status`. The clipboard is missing
/// on plain-http origins, so it is looked up rather than called blindly.
fn copy_to_clipboard(text: String, done: Status, status: RwSignal<Option<Status>>) {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).unwrap_or(JsValue::UNDEFINED);
    if clipboard.is_undefined() {
        status.set(Some(Status::NoClipboard));
        return;
    }
    let promise = clipboard.unchecked_into::<web_sys::Clipboard>().write_text(&text);
    spawn_local(async move {
        let outcome = wasm_bindgen_futures::JsFuture::from(promise).await;
        let _ = status.try_set(Some(if outcome.is_ok() { done } else { Status::CopyFailed }));
    });
}

/// Offers `rows` as `result.csv` through a Blob (Blob and URL are reached through `Reflect`
/// because their web-sys features are not enabled in this crate). Each chunk becomes a Blob at
/// once, so neither wasm memory nor the JS heap ever holds the whole file.
fn download_csv(data: &ResultSet, rows: &[u32]) -> Result<(), JsValue> {
    let global = js_sys::global();
    let blob_ctor: js_sys::Function = js_sys::Reflect::get(&global, &"Blob".into())?.dyn_into()?;
    let parts = js_sys::Array::new();
    let mut failed = None;
    data.csv_chunks(rows, CSV_CHUNK, |chunk| {
        if failed.is_some() {
            return;
        }
        let bytes = js_sys::Array::of1(&js_sys::Uint8Array::from(chunk.as_bytes()));
        match js_sys::Reflect::construct(&blob_ctor, &js_sys::Array::of1(&bytes)) {
            Ok(part) => {
                parts.push(&part);
            }
            Err(e) => failed = Some(e),
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"type".into(), &"text/csv;charset=utf-8".into())?;
    let blob = js_sys::Reflect::construct(&blob_ctor, &js_sys::Array::of2(&parts, &options))?;
    let url_ns = js_sys::Reflect::get(&global, &"URL".into())?;
    let create: js_sys::Function = js_sys::Reflect::get(&url_ns, &"createObjectURL".into())?.dyn_into()?;
    let href = create.call1(&url_ns, &blob)?;
    let a = document().create_element("a")?;
    a.set_attribute("href", &href.as_string().unwrap_or_default())?;
    a.set_attribute("download", "result.csv")?;
    a.unchecked_ref::<web_sys::HtmlElement>().click();
    // Revoking at once can cancel the download in some browsers; the Blob is freed a little later.
    set_timeout(
        move || {
            if let Ok(revoke) = js_sys::Reflect::get(&url_ns, &"revokeObjectURL".into()) {
                let _ = revoke.unchecked_into::<js_sys::Function>().call1(&url_ns, &href);
            }
        },
        Duration::from_secs(30),
    );
    Ok(())
}

/// `target.name(arg)` for a method without a web-sys binding here.
fn call_method(target: &JsValue, name: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(target, &name.into())?.dyn_into()?;
    f.call1(target, arg)
}

/// View position and column of the grid cell an event happened in, from its ARIA indices.
fn cell_at(target: Option<web_sys::EventTarget>) -> Option<(usize, usize)> {
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    let cell = el.closest("[role=gridcell]").ok()??;
    let row = cell.parent_element()?;
    let pos = row.get_attribute("aria-rowindex")?.parse::<usize>().ok()?.checked_sub(2)?;
    let col = cell.get_attribute("aria-colindex")?.parse::<usize>().ok()?.checked_sub(1)?;
    Some((pos, col))
}

#[component]
pub fn ResultGrid(
    /// The rows held in the browser; replaced as a whole when a new result arrives.
    #[prop(into)]
    data: Signal<Arc<ResultSet>>,
    /// Shown above the grid when the result held is not the whole result (e.g. "Showing the first
    /// 10,000 of 52,113 rows"); a closure that words it with `t!` follows the language.
    #[prop(optional, into)]
    truncated: Signal<Option<String>>,
    /// DOM id of the grid root.
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let grid: NodeRef<leptos::html::Div> = NodeRef::new();
    let filter_input: NodeRef<leptos::html::Input> = NodeRef::new();

    // A fresh number every time `data` is replaced.
    let data_gen = Memo::new(move |_| {
        data.track();
        next_generation()
    });
    let sort_state = RwSignal::new(None::<(u64, usize, bool)>);
    let sort = Memo::new(move |_| sort_state.get().filter(|s| s.0 == data_gen.get()).map(|s| (s.1, s.2)));
    let filter_state = RwSignal::new((0u64, String::new()));
    let filter = Memo::new(move |_| {
        let gen = data_gen.get();
        filter_state.with(|(g, f)| if *g == gen { f.clone() } else { String::new() })
    });
    let width_state = RwSignal::new((0u64, Vec::<f64>::new()));
    let widths = Memo::new(move |_| {
        let gen = data_gen.get();
        width_state.with(|(g, w)| if *g == gen { w.clone() } else { data.with(|d| initial_widths(d)) })
    });
    let offsets = Memo::new(move |_| widths.with(|w| logic::column_offsets(w)));
    let total_width = Memo::new(move |_| offsets.with(|o| o.last().copied().unwrap_or(0.0)));

    let filtered = Memo::new(move |_| {
        let needle = filter.get();
        data.with(|d| {
            let all: Vec<u32> = (0..d.len() as u32).collect();
            Rows::new(if needle.is_empty() { all } else { d.filter_rows(&all, &needle) })
        })
    });
    let order = Memo::new(move |_| match sort.get() {
        None => filtered.get(),
        Some((col, ascending)) => Rows::new(filtered.with(|f| data.with(|d| d.sort_order(&f.rows, col, ascending)))),
    });
    let shown = Memo::new(move |_| order.with(|o| o.rows.len()));
    let total = Memo::new(move |_| data.with(|d| d.len()));
    let ncols = Memo::new(move |_| data.with(|d| d.column_count()));
    // Columns of numbers are right-aligned, as numbers are read (judged on the first rows).
    let numeric = Memo::new(move |_| data.with(|d| (0..d.column_count()).map(|c| d.column_looks_numeric(c, 1000)).collect::<Vec<_>>()));
    let is_numeric = move |c: usize| numeric.with(|n| n.get(c).copied().unwrap_or(false));

    let sel_state = RwSignal::new(None::<Selection>);
    let selection = Memo::new(move |_| sel_state.get().filter(|s| s.order == order.with(|o| o.id)));

    let viewport = RwSignal::new(Viewport { top: 0.0, left: 0.0, height: FALLBACK_VIEW.0, width: FALLBACK_VIEW.1 });
    // Also called from a frame callback and the ResizeObserver, which may fire after the grid was
    // removed (a new run replaced it): then there is nothing to measure.
    let measure = move || {
        let Some(el) = grid.try_get_untracked().flatten() else { return };
        let (h, w) = (el.client_height() as f64, el.client_width() as f64);
        let next = Viewport {
            top: el.scroll_top() as f64,
            left: el.scroll_left() as f64,
            height: if h > 0.0 { h } else { FALLBACK_VIEW.0 },
            width: if w > 0.0 { w } else { FALLBACK_VIEW.1 },
        };
        if viewport.try_get_untracked().is_some_and(|v| v != next) {
            viewport.set(next);
        }
    };
    // Split panes and window resizes change the grid's size without scrolling it. ResizeObserver
    // is reached through `Reflect` (its web-sys feature is not enabled in this crate).
    let observer = StoredValue::new_local(None::<(JsValue, Closure<dyn FnMut()>)>);
    grid.on_load(move |el| {
        request_animation_frame(measure);
        let callback = Closure::<dyn FnMut()>::new(measure);
        let ctor = js_sys::Reflect::get(&js_sys::global(), &"ResizeObserver".into()).and_then(|c| c.dyn_into::<js_sys::Function>());
        if let Ok(ctor) = ctor {
            if let Ok(obs) = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(callback.as_ref())) {
                let _ = call_method(&obs, "observe", &el);
                observer.set_value(Some((obs, callback)));
            }
        }
    });
    on_cleanup(move || {
        if let Some((obs, _callback)) = observer.try_update_value(|o| o.take()).flatten() {
            let _ = call_method(&obs, "disconnect", &JsValue::UNDEFINED);
        }
    });

    let win = Memo::new(move |_| {
        let v = viewport.get();
        let count = shown.get();
        let body_view = (v.height - HEAD_H).max(0.0);
        let content = count as f64 * ROW_H;
        let offset = logic::content_offset(v.top, body_view, content);
        let rows = logic::visible_range(offset, body_view, ROW_H, OVERSCAN_ROWS, count);
        let cols = widths.with(|w| logic::visible_columns(v.left, v.width, w, OVERSCAN_COLS));
        let body_top = v.top - offset + rows.start as f64 * ROW_H;
        Window { rows, cols, body_top }
    });
    let pad_left = Memo::new(move |_| win.with(|w| offsets.with(|o| o.get(w.cols.start).copied().unwrap_or(0.0))));
    let slots = Memo::new(move |_| win.with(|w| w.rows.len()));
    let cols = Memo::new(move |_| win.with(|w| w.cols.clone()));

    // A new result starts at the top with an empty filter box. These are DOM writes; the state
    // itself resets through the generations above.
    let filter_seq = StoredValue::new(0u64);
    // What the last copy or export did; it speaks of the previous result once a new one arrives.
    let status = RwSignal::new(None::<Status>);
    Effect::watch(
        move || data_gen.get(),
        move |_, _, _| {
            status.set(None);
            filter_seq.update_value(|s| *s += 1);
            if let Some(input) = filter_input.get_untracked() {
                input.set_value("");
            }
            if let Some(el) = grid.get_untracked() {
                el.set_scroll_top(0);
                el.set_scroll_left(0);
            }
        },
        false,
    );

    let on_filter_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let gen = data_gen.get_untracked();
        filter_seq.update_value(|s| *s += 1);
        let mine = filter_seq.get_value();
        set_timeout(
            move || {
                if filter_seq.try_get_value() != Some(mine) {
                    return;
                }
                filter_state.set((gen, value));
                if let Some(el) = grid.get_untracked() {
                    el.set_scroll_top(0);
                }
            },
            FILTER_DEBOUNCE,
        );
    };

    let copy_selection = move || -> bool {
        let Some(sel) = selection.get_untracked() else { return false };
        let (text, n) = order.with_untracked(|o| {
            let end = sel.rows().end.min(o.rows.len());
            let rows = &o.rows[sel.rows().start.min(end)..end];
            (data.with_untracked(|d| d.to_tsv(rows, sel.cols())), rows.len())
        });
        let cells = n * sel.cols().len();
        copy_to_clipboard(text, Status::CopiedCells(cells), status);
        true
    };
    let on_copy = move |_| {
        if copy_selection() {
            return;
        }
        let (text, n) = order.with_untracked(|o| {
            let rows = &o.rows[..o.rows.len().min(COPY_LIMIT)];
            (data.with_untracked(|d| d.to_tsv(rows, 0..d.column_count())), rows.len())
        });
        copy_to_clipboard(text, Status::CopiedRows(n, n < shown.get_untracked()), status);
    };
    let on_export = move |_| {
        let result = order.with_untracked(|o| data.with_untracked(|d| download_csv(d, &o.rows)));
        status.set(Some(match result {
            Ok(()) => Status::Exported(shown.get_untracked()),
            Err(_) => Status::ExportFailed,
        }));
    };

    // Keeps view position `pos`, column `col` on screen (keyboard selection).
    let reveal = move |pos: usize, col: usize| {
        let Some(el) = grid.get_untracked() else { return };
        let v = viewport.get_untracked();
        let body_view = (v.height - HEAD_H).max(0.0);
        let content = shown.get_untracked() as f64 * ROW_H;
        let offset = logic::content_offset(v.top, body_view, content);
        let (row_top, row_bottom) = (pos as f64 * ROW_H, (pos + 1) as f64 * ROW_H);
        let target = if row_top < offset {
            Some(row_top)
        } else if row_bottom > offset + body_view {
            Some(row_bottom - body_view)
        } else {
            None
        };
        if let Some(t) = target {
            el.set_scroll_top(logic::scroll_top_for(t, body_view, content).round() as i32);
        }
        let (left, right) = offsets.with_untracked(|o| (o.get(col).copied().unwrap_or(0.0), o.get(col + 1).copied().unwrap_or(0.0)));
        if left < v.left {
            el.set_scroll_left(left as i32);
        } else if right > v.left + v.width {
            el.set_scroll_left((right - v.width).ceil() as i32);
        }
    };

    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((pos, col)) = cell_at(ev.target()) else { return };
        let current = order.with_untracked(|o| o.id);
        sel_state.set(Some(match selection.get_untracked() {
            Some(s) if ev.shift_key() => Selection { focus: (pos, col), ..s },
            _ => Selection { order: current, anchor: (pos, col), focus: (pos, col) },
        }));
        if let Some(el) = grid.get_untracked() {
            let _ = el.focus();
        }
    };
    // Shift+click would otherwise extend the page's text selection across the grid.
    let on_mousedown = move |ev: leptos::ev::MouseEvent| {
        if ev.shift_key() && cell_at(ev.target()).is_some() {
            ev.prevent_default();
        }
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && key.eq_ignore_ascii_case("c") {
            if copy_selection() {
                ev.prevent_default();
            }
            return;
        }
        // Arrow keys on a sort button or a resize handle are theirs, not the selection's.
        let on_grid = ev.target().zip(grid.get_untracked()).is_some_and(|(t, g)| JsValue::from(t) == JsValue::from(g));
        let Some(sel) = selection.get_untracked().filter(|_| on_grid) else { return };
        if key == "Escape" {
            sel_state.set(None);
            return;
        }
        let (last_row, last_col) = (shown.get_untracked().saturating_sub(1), ncols.get_untracked().saturating_sub(1));
        let page = ((viewport.get_untracked().height - HEAD_H) / ROW_H).floor().max(1.0) as usize;
        let (r, c) = sel.focus;
        let to = match key.as_str() {
            "ArrowUp" => (r.saturating_sub(1), c),
            "ArrowDown" => ((r + 1).min(last_row), c),
            "ArrowLeft" => (r, c.saturating_sub(1)),
            "ArrowRight" => (r, (c + 1).min(last_col)),
            "PageUp" => (r.saturating_sub(page), c),
            "PageDown" => ((r + page).min(last_row), c),
            "Home" if ev.ctrl_key() => (0, 0),
            "End" if ev.ctrl_key() => (last_row, last_col),
            "Home" => (r, 0),
            "End" => (r, last_col),
            _ => return,
        };
        ev.prevent_default();
        sel_state.set(Some(if ev.shift_key() { Selection { focus: to, ..sel } } else { Selection { anchor: to, focus: to, ..sel } }));
        reveal(to.0, to.1);
    };

    let cycle_sort = move |col: usize| {
        let gen = data_gen.get_untracked();
        sort_state.set(match sort.get_untracked() {
            Some((c, true)) if c == col => Some((gen, col, false)),
            Some((c, false)) if c == col => None,
            _ => Some((gen, col, true)),
        });
    };
    let set_width = move |col: usize, w: f64| {
        let mut next = widths.get_untracked();
        if let Some(slot) = next.get_mut(col) {
            *slot = w.clamp(MIN_W, MAX_W).round();
            width_state.set((data_gen.get_untracked(), next));
        }
    };

    let grid_id = id.clone();
    let cell_id = move |pos: usize, col: usize| format!("{grid_id}-r{pos}-c{col}");
    let cell_id_active = cell_id.clone();

    let header_cell = move |c: usize| {
        let name = move || data.with(|d| d.column_names().get(c).cloned().unwrap_or_default());
        let width = move || widths.with(|w| w.get(c).copied().unwrap_or(0.0));
        let aria_sort = move || match sort.get() {
            Some((s, true)) if s == c => "ascending",
            Some((s, false)) if s == c => "descending",
            _ => "none",
        };
        let arrow = move || match sort.get() {
            Some((s, true)) if s == c => "▲",
            Some((s, false)) if s == c => "▼",
            _ => "",
        };
        // Pointer id, start x and start width while the handle is dragged.
        let drag = StoredValue::new(None::<(i32, f64, f64)>);
        let on_down = move |ev: leptos::ev::PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            ev.prevent_default();
            if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            drag.set_value(Some((ev.pointer_id(), ev.client_x() as f64, width())));
        };
        let on_move = move |ev: leptos::ev::PointerEvent| {
            if let Some((id, x0, w0)) = drag.get_value() {
                if id == ev.pointer_id() {
                    set_width(c, w0 + ev.client_x() as f64 - x0);
                }
            }
        };
        let on_up = move |_: leptos::ev::PointerEvent| drag.set_value(None);
        let on_key = move |ev: leptos::ev::KeyboardEvent| {
            let step = match ev.key().as_str() {
                "ArrowLeft" => -KEY_STEP,
                "ArrowRight" => KEY_STEP,
                _ => return,
            };
            // The grid's own arrow keys move the selection; these belong to the handle.
            ev.prevent_default();
            ev.stop_propagation();
            set_width(c, width() + step);
        };
        view! {
            <div role="columnheader" class="grid-th" class:num=move || is_numeric(c) aria-colindex=c + 1 aria-sort=aria_sort style:width=move || px(width())>
                <button type="button" class="grid-sort" on:click=move |_| cycle_sort(c)>
                    <span class="grid-th-name">{name}</span>
                    <span class="grid-sort-arrow" aria-hidden="true">{arrow}</span>
                </button>
                <div
                    class="grid-resize"
                    role="separator"
                    aria-orientation="vertical"
                    tabindex="0"
                    aria-label=move || t!(grid.resize_column, name = name())
                    aria-valuemin=MIN_W
                    aria-valuemax=MAX_W
                    aria-valuenow=width
                    on:pointerdown=on_down
                    on:pointermove=on_move
                    on:pointerup=on_up
                    on:pointercancel=on_up
                    on:keydown=on_key
                ></div>
            </div>
        }
    };

    let body_row = move |slot: usize| {
        let pos = Memo::new(move |_| win.with(|w| w.rows.start + slot));
        let row = Memo::new(move |_| order.with(|o| o.rows.get(pos.get()).map(|&r| r as usize)));
        // The selected columns of this row and its active cell. Cells listen to this instead of
        // the selection and the position, so a scroll step re-runs nothing in a cell but its text.
        let picked = Memo::new(move |_| {
            let pos = pos.get();
            selection.with(|s| s.filter(|s| s.rows().contains(&pos)).map(|s| (s.cols(), (s.focus.0 == pos).then_some((pos, s.focus.1)))))
        });
        let cell_id = cell_id.clone();
        let cell = move |c: usize| {
            let cell_id = cell_id.clone();
            let selected = move || picked.with(|p| p.as_ref().is_some_and(|(cols, _)| cols.contains(&c)));
            // Only the active cell carries an id, for aria-activedescendant (and the outline).
            let active = move || picked.with(|p| p.as_ref().and_then(|(_, a)| a.filter(|a| a.1 == c)).map(|(pos, c)| cell_id(pos, c)));
            let text = move || row.get().map(|r| data.with(|d| d.cell(r, c).to_owned())).unwrap_or_default();
            view! {
                <div
                    role="gridcell"
                    class="grid-cell"
                    class:num=move || is_numeric(c)
                    aria-colindex=c + 1
                    aria-selected=move || if selected() { "true" } else { "false" }
                    id=active
                    style:width=move || px(widths.with(|w| w.get(c).copied().unwrap_or(0.0)))
                >
                    {text}
                </div>
            }
        };
        view! {
            <div role="row" class="grid-row" aria-rowindex=move || pos.get() + 2 style:padding-left=move || px(pad_left.get())>
                <For each=move || cols.get() key=|c| *c children=cell.clone() />
            </div>
        }
    };

    let filter_id = format!("{id}-filter");
    view! {
        <div class="result-grid">
            {move || truncated.get().map(|t| view! { <p class="grid-truncated" role="note">{t}</p> })}
            <div class="grid-toolbar">
                <label class="grid-filter-label" for=filter_id.clone()>{tr!(grid.filter)}</label>
                <input
                    id=filter_id.clone()
                    class="input input-sm grid-filter"
                    type="search"
                    placeholder=tr!(grid.filter_placeholder)
                    autocomplete="off"
                    spellcheck="false"
                    aria-controls=id.clone()
                    node_ref=filter_input
                    on:input=on_filter_input
                />
                <span class="grid-count" id=format!("{id}-count") aria-live="polite">
                    {move || {
                        let (shown, total) = (shown.get(), total.get());
                        if shown == total { t!(grid.count, total = total) } else { t!(grid.count_filtered, shown = shown, total = total) }
                    }}
                </span>
                <span class="grid-status" id=format!("{id}-status") role="status">{move || status.get().map(Status::text)}</span>
                <button type="button" class="btn btn-sm grid-copy" id=format!("{id}-copy") on:click=on_copy
                    title=tr!(grid.copy_title)>
                    {tr!(grid.copy)}
                </button>
                <button type="button" class="btn btn-sm grid-export" id=format!("{id}-export") on:click=on_export
                    title=tr!(grid.export_title)>
                    {tr!(grid.export)}
                </button>
            </div>
            <div
                id=id.clone()
                class="grid"
                class:grid-is-empty=move || shown.get() == 0
                role="grid"
                aria-label=tr!(grid.label)
                aria-rowcount=move || shown.get() + 1
                aria-colcount=move || ncols.get()
                aria-multiselectable="true"
                aria-activedescendant=move || selection.get().map(|s| cell_id_active(s.focus.0, s.focus.1))
                tabindex="0"
                node_ref=grid
                on:scroll=move |_| measure()
                on:click=on_click
                on:mousedown=on_mousedown
                on:keydown=on_keydown
            >
                <div
                    class="grid-spacer"
                    aria-hidden="true"
                    style:height=move || px(HEAD_H + logic::spacer_height(shown.get() as f64 * ROW_H))
                    style:width=move || px(total_width.get())
                ></div>
                <div role="rowgroup" class="grid-head" style:width=move || px(total_width.get())>
                    <div role="row" class="grid-row" aria-rowindex="1" style:padding-left=move || px(pad_left.get())>
                        <For each=move || cols.get() key=|c| *c children=header_cell />
                    </div>
                </div>
                <div
                    role="rowgroup"
                    class="grid-body"
                    style:width=move || px(total_width.get())
                    style:transform=move || format!("translateY({}px)", win.with(|w| w.body_top))
                >
                    <For each=move || 0..slots.get() key=|i| *i children=body_row />
                </div>
            </div>
            {move || (shown.get() == 0).then(|| {
                let text = move || if total.get() == 0 { t!(grid.no_rows) } else { t!(grid.no_match, filter = filter.get()) };
                view! { <p class="grid-empty">{text}</p> }
            })}
        </div>
    }
}
