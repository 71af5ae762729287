//! Copy-to-clipboard button, and the short id with one that every list shows.

use std::time::Duration;

use leptos::prelude::*;

use crate::{t, tr};

/// `label` names what is copied ("cluster id"), for the button's accessible name.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(optional, into)] label: Option<Signal<String>>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let aria = move || match label {
        Some(l) => t!(copy.aria_named, what = l.get()),
        None => t!(copy.aria),
    };
    let on_click = move |_| {
        let Some(w) = web_sys::window() else { return };
        let _ = w.navigator().clipboard().write_text(&text.get_untracked());
        copied.set(true);
        set_timeout(move || { let _ = copied.try_set(false); }, Duration::from_millis(1500));
    };
    view! {
        <button type="button" class="btn-icon copy" aria-label=aria title=tr!(copy.title) on:click=on_click>
            {move || if copied.get() { t!(copy.done) } else { t!(copy.button) }}
        </button>
    }
}

/// The first 8 characters of an id followed by "…" (ids of 9 characters or fewer stay whole).
pub fn short_id(id: &str) -> String {
    if id.chars().count() <= 9 {
        return id.to_string();
    }
    let mut s: String = id.chars().take(8).collect();
    s.push('…');
    s
}

/// A list cell's id: cut by [`short_id`], whole in its tooltip and in what its Copy button copies.
/// `label` names the id for the button ("cluster id"); `class` is added to the `<code>`.
#[component]
pub fn ShortId(#[prop(into)] id: String, #[prop(into)] label: Signal<String>, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <span class="id-cell">
            <code class=if class.is_empty() { "mono".to_string() } else { format!("mono {class}") } title=id.clone()>{short_id(&id)}</code>
            <CopyButton text=id label=label/>
        </span>
    }
}
