//! Lakedeck console: a Leptos client-side app for data-lake clusters (MRS first).
//!
//! Layout: `api` (the only HTTP code), `state` (session store, polling, how the console is hosted),
//! `components` (reusable widgets), `pages/<area>` (one file per view), `app` (router, shell and the
//! views loaded on demand), `embed` (iframe protocol, in-page style sheets), `i18n` (the translation
//! layer: every user-visible string goes through `t!`/`tr!`).
//!
//! Loading the module mounts nothing. The stand-alone page (`index.html`) calls `start()`; a host page
//! calls `mount(element, options)` and keeps the returned handle. Those JavaScript exports live in the
//! binary (src/main.rs) over [`start_page`] and [`mount_console`] here, so that test binaries, which
//! link this library but not the binary, do not pull in the app's lazily loaded views (only a split
//! build can load those).

pub mod api;
pub mod app;
pub mod components;
pub mod embed;
pub mod i18n;
pub mod pages;
pub mod state;

pub use app::App;

use std::cell::Cell;

use js_sys::Reflect;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::state::host::{ConfigSource, Host, HostMode};
use crate::state::Theme;

type Mounted = leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>;

thread_local! {
    // The router listens on `window` and the base path is page-global: one console at a time.
    static MOUNTED: Cell<bool> = const { Cell::new(false) };
}

/// A console mounted into a host page. Unmounting (or dropping) it removes it with everything it
/// added to the page (nodes, style sheets, listeners, timers).
pub struct Console {
    mounted: Option<Mounted>,
    /// The parent of the app's owner. Dropping the mount handle cleans up the app's owner only once
    /// nothing else holds it, and pending tasks (a route's data, the router's own) do: the router's
    /// `click` and `popstate` listeners on `window` stayed behind (found by the in-page e2e test).
    /// Cleaning up this parent cleans up the app's owner at once, whoever still holds it.
    owner: Owner,
    host: Host,
    styles: embed::AddedStyles,
}

impl Console {
    /// Removes the console from the page.
    pub fn unmount(mut self) {
        self.unmount_now();
    }

    /// Hands over a new token (kept in memory only), e.g. after the host refreshed it.
    pub fn set_token(&self, token: &str) {
        self.host.set_token(token);
    }

    /// `light`, `dark` or `system`.
    pub fn set_theme(&self, theme: &str) {
        self.host.set_theme(Theme::parse(theme));
    }

    /// Goes to a console path such as `/jobs` (relative to the console's base path).
    pub fn navigate(&self, path: &str) {
        self.host.navigate(path);
    }

    fn unmount_now(&mut self) {
        if let Some(m) = self.mounted.take() {
            drop(m);
            self.owner.cleanup();
            self.host.uninstall();
            self.styles.remove();
            crate::app::remove_view_styles();
            MOUNTED.with(|c| c.set(false));
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.unmount_now();
    }
}

fn string_option(options: &JsValue, key: &str) -> Option<String> {
    Reflect::get(options, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).filter(|s| !s.trim().is_empty())
}

/// Mounts a console into `element` (an in-page embedding). Options (all optional):
/// - `config`: the configuration object (as in config.json) or the URL of a config.json
///   (resolved like `fetch`, against the page); default `"config.json"`;
/// - `basePath`: the path prefix whose URLs the console owns (e.g. `/portal/lakedeck`); links and the
///   history stay inside it; default: the document's `<base href>` path;
/// - `token`: the MRS token (kept in memory only); `theme`: `light`, `dark` or `system`;
///   `locale`: `en` or `zh-CN`;
/// - `styles`: style sheet URLs to add to the page while mounted (`lakedeck.js` passes the bundle's own);
/// - `assetBase`: the bundle's URL, ending in `/`, where the language catalogs are (`lakedeck.js` passes
///   it); default: relative to the page.
pub fn mount_console(element: web_sys::HtmlElement, options: JsValue) -> Result<Console, JsValue> {
    let options = if options.is_object() { options } else { js_sys::Object::new().into() };
    let config = Reflect::get(&options, &JsValue::from_str("config")).unwrap_or(JsValue::UNDEFINED);
    let config = if let Some(url) = config.as_string() {
        ConfigSource::Url(url)
    } else if config.is_object() {
        let text: String = js_sys::JSON::stringify(&config)?.into();
        // i18n-allow: an exception for the host page's developer, not for the console's user.
        let parsed = api::wire::decode(&text).map_err(|e| JsValue::from_str(&format!("options.config: {e}")))?;
        ConfigSource::Inline(parsed)
    } else {
        ConfigSource::Url("config.json".into())
    };
    let base = match string_option(&options, "basePath") {
        Some(b) => state::host::normalize_base(&b),
        None => state::host::document_base_path(),
    };
    let styles: Vec<String> = Reflect::get(&options, &JsValue::from_str("styles"))
        .ok()
        .filter(js_sys::Array::is_array)
        .map(|v| js_sys::Array::from(&v).iter().filter_map(|s| s.as_string()).collect())
        .unwrap_or_default();
    if let Some(assets) = string_option(&options, "assetBase") {
        i18n::set_catalog_base(&assets);
    }
    let host = Host::new(HostMode::Inline, base, config);
    host.preset(
        string_option(&options, "token"),
        string_option(&options, "theme").map(|t| Theme::parse(&t)),
        string_option(&options, "locale"),
    );
    start_console(element, host, &styles)
}

/// Starts the stand-alone console (what index.html runs): it fills the page's `<body>`, under the
/// document's `<base href>`; with `?embed=1` it runs as an iframe of a portal (README "Embedding").
pub fn start_page() -> Result<(), JsValue> {
    // The hook's message formatting costs ~0.6 kB brotli in the release bundle; release builds
    // abort on panic with the browser's plain "unreachable" trap instead.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let mode = if embed::embed_requested() { HostMode::Frame } else { HostMode::Page };
    let host = Host::new(mode, state::host::document_base_path(), ConfigSource::Url("config.json".into()));
    let body = document().body().ok_or_else(|| JsValue::from_str("the page has no <body>"))?;
    // The stand-alone console lives as long as the page.
    std::mem::forget(start_console(body, host, &[])?);
    Ok(())
}

fn start_console(element: web_sys::HtmlElement, host: Host, styles: &[String]) -> Result<Console, JsValue> {
    if MOUNTED.with(|c| c.replace(true)) {
        return Err(JsValue::from_str("a Lakedeck console is already mounted in this page: unmount it first"));
    }
    host.install();
    let styles = embed::AddedStyles::add(styles);
    let owner = Owner::new();
    let mounted = owner.with(|| leptos::mount::mount_to(element, || view! { <App/> }.into_any()));
    Ok(Console { mounted: Some(mounted), owner, host, styles })
}
