//! A horizontal split handle between two panes stacked one above the other: drag it, or focus it and
//! press ↑/↓ (PageUp/PageDown for larger steps, Home/End for the limits), to change the height of
//! the pane above. A WAI-ARIA window splitter (`role="separator"` with a value).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

const KEY_STEP: f64 = 16.0;
const PAGE_STEP: f64 = 96.0;

/// The height a drag or a key gives, kept within `min..=max` (`max` wins when they cross).
pub fn clamp_size(size: f64, min: f64, max: f64) -> f64 {
    size.min(max).max(min.min(max)).round()
}

#[component]
pub fn Splitter(
    /// Height of the pane above, in CSS pixels.
    size: RwSignal<f64>,
    #[prop(into)] min: Signal<f64>,
    #[prop(into)] max: Signal<f64>,
    /// Accessible name, e.g. "Resize the editor".
    #[prop(into)]
    label: Signal<String>,
    /// DOM id of the pane it sizes.
    #[prop(into)]
    controls: String,
    #[prop(optional, into)] id: Option<String>,
    /// Called with the final height when a drag ends or a key changed it (to remember it).
    #[prop(optional)]
    on_commit: Option<Callback<f64>>,
) -> impl IntoView {
    let set = move |v: f64| size.set(clamp_size(v, min.get_untracked(), max.get_untracked()));
    let commit = move || {
        if let Some(cb) = on_commit {
            cb.run(size.get_untracked());
        }
    };
    // Pointer id, start y and start height while dragged.
    let drag = StoredValue::new(None::<(i32, f64, f64)>);
    let on_down = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        drag.set_value(Some((ev.pointer_id(), ev.client_y() as f64, size.get_untracked())));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if let Some((pid, y0, h0)) = drag.get_value() {
            if pid == ev.pointer_id() {
                set(h0 + ev.client_y() as f64 - y0);
            }
        }
    };
    let on_up = move |_: leptos::ev::PointerEvent| {
        if drag.get_value().is_some() {
            drag.set_value(None);
            commit();
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let now = size.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowUp" => now - KEY_STEP,
            "ArrowDown" => now + KEY_STEP,
            "PageUp" => now - PAGE_STEP,
            "PageDown" => now + PAGE_STEP,
            "Home" => min.get_untracked(),
            "End" => max.get_untracked(),
            _ => return,
        };
        ev.prevent_default();
        set(next);
        commit();
    };
    view! {
        <div
            id=id
            class="splitter"
            role="separator"
            tabindex="0"
            aria-orientation="horizontal"
            aria-label=move || label.get()
            aria-controls=controls
            aria-valuemin=move || min.get().round()
            aria-valuemax=move || max.get().round()
            aria-valuenow=move || size.get().round()
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:keydown=on_key
        >
            <span class="splitter-grip" aria-hidden="true"></span>
        </div>
    }
}
