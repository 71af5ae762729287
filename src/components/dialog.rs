//! The one modal dialog: `role="dialog"`, `aria-modal`, labelled by its title; focus moves into
//! it when it opens, Tab cycles inside it, Esc and the close button close it, and focus returns to
//! the element that had it before.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::When;
use crate::tr;

const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let mut out = Vec::new();
    if let Ok(list) = root.query_selector_all(FOCUSABLE) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                out.push(el);
            }
        }
    }
    out
}

fn active_element() -> Option<web_sys::HtmlElement> {
    document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

#[component]
pub fn Dialog(
    #[prop(into)] open: Signal<bool>,
    on_close: Callback<()>,
    #[prop(into)] title: Signal<String>,
    /// DOM id of the dialog element (stable selector).
    #[prop(optional, into)]
    id: Option<String>,
    /// CSS selector of the element to focus first (default: the first focusable control).
    #[prop(optional, into)]
    initial_focus: Option<String>,
    #[prop(optional, into)] class: Option<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    let restore = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let title_id = format!("{}-title", id.clone().unwrap_or_else(|| "dialog".into()));
    let initial_focus = StoredValue::new(initial_focus);

    // Remember who had focus when opening; give it back when closing.
    let was_open = StoredValue::new(false);
    crate::state::run_effect(move || {
        let is_open = open.get();
        let was = was_open.get_value();
        was_open.set_value(is_open);
        if is_open && !was {
            restore.set_value(active_element());
        }
        if !is_open && was {
            if let Some(el) = restore.get_value() {
                let _ = el.focus();
            }
        }
    });
    // Move focus inside once the panel is in the DOM.
    crate::state::run_effect(move || {
        if let Some(el) = panel.get() {
            let el: web_sys::Element = el.into();
            let target = initial_focus
                .get_value()
                .and_then(|sel| el.query_selector(&sel).ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                .or_else(|| {
                    el.query_selector(".dialog-body").ok().flatten().and_then(|b| focusables(&b).into_iter().next())
                })
                .or_else(|| focusables(&el).into_iter().next());
            if let Some(t) = target {
                let _ = t.focus();
            }
        }
    });

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            on_close.run(());
        } else if ev.key() == "Tab" {
            let Some(root) = panel.get_untracked() else { return };
            let root: web_sys::Element = root.into();
            let items = focusables(&root);
            let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
            let active = active_element();
            if ev.shift_key() && active.as_ref() == Some(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && active.as_ref() == Some(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
    };
    let class = format!("dialog {}", class.unwrap_or_default());
    let title_id = StoredValue::new(title_id);
    let id = StoredValue::new(id);
    let class = StoredValue::new(class);

    view! {
        <When when=move || open.get()>
            <div class="dialog-backdrop" on:mousedown=move |ev| {
                if ev.target() == ev.current_target() { on_close.run(()) }
            }>
                <div
                    class=class.get_value()
                    id=id.get_value()
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby=title_id.get_value()
                    tabindex="-1"
                    node_ref=panel
                    on:keydown=on_keydown
                >
                    <div class="dialog-head">
                        <h2 id=title_id.get_value()>{title}</h2>
                        <button type="button" class="btn-icon dialog-close" aria-label=tr!(common.close) on:click=move |_| on_close.run(())>
                            "×"
                        </button>
                    </div>
                    <div class="dialog-body">{children()}</div>
                </div>
            </div>
        </When>
    }
}
