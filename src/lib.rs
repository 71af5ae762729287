//! Lakedeck console: a Leptos client-side app for data-lake clusters (MRS first).
//!
//! Layout: `api` (the only HTTP code), `state` (session store, polling), `components` (reusable
//! widgets), `pages/<area>` (one file per view), `app` (router and shell), `i18n` (the
//! translation layer: every user-visible string goes through `t!`/`tr!`).
//!
//! Embedding: `main` mounts into `<body>`; a host page can call the exported [`mount`] with an
//! element id and keep the returned handle (dropping/freeing it unmounts the console). The host's
//! language goes to [`i18n::set_host_locale`].

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod state;

pub use app::App;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// A mounted console; free it (or drop it) to unmount.
#[wasm_bindgen]
pub struct ConsoleHandle {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

/// Mounts the console into the element with id `element_id`.
#[wasm_bindgen]
pub fn mount(element_id: &str) -> Result<ConsoleHandle, JsValue> {
    let el = document()
        .get_element_by_id(element_id)
        .ok_or_else(|| JsValue::from_str(&format!("no element with id '{element_id}'")))?
        .dyn_into::<web_sys::HtmlElement>()?;
    let handle = leptos::mount::mount_to(el, || view! { <App/> }.into_any());
    Ok(ConsoleHandle { _handle: handle })
}

/// Entry point of the stand-alone console: panic hook (debug builds), then mount into `<body>` for good.
pub fn run() {
    // The hook's message formatting costs ~0.6 kB brotli in the release bundle; release builds
    // abort on panic with the browser's plain "unreachable" trap instead.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
