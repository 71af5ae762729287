//! Copy-to-clipboard button.

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
