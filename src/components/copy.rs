//! Copy-to-clipboard button.

use std::time::Duration;

use leptos::prelude::*;

#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(optional, into)] label: Option<String>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let what = label.unwrap_or_else(|| "value".into());
    let aria = format!("Copy {what}");
    let on_click = move |_| {
        let Some(w) = web_sys::window() else { return };
        let _ = w.navigator().clipboard().write_text(&text.get_untracked());
        copied.set(true);
        set_timeout(move || { let _ = copied.try_set(false); }, Duration::from_millis(1500));
    };
    view! {
        <button type="button" class="btn-icon copy" aria-label=aria title="Copy to clipboard" on:click=on_click>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
