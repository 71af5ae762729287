//! Embedding: the postMessage protocol of a console framed by a portal (`index.html?embed=1`), and the
//! style sheets an in-page console adds to its host page while mounted.
//!
//! Protocol (README "Embedding"), every message an object with a `type`:
//! - portal → console: `lakedeck:token {token}`, `lakedeck:theme {theme}`, `lakedeck:locale {locale}`,
//!   `lakedeck:navigate {path}`;
//! - console → portal: `lakedeck:ready {version}`, `lakedeck:location {path}`, `lakedeck:title {title}`,
//!   `lakedeck:height {height}`, `lakedeck:token-expired {status}`.
//!
//! The console talks only to its parent, and only when the parent's origin is listed in config.json's
//! `embed.allowed_parents`: it accepts messages whose origin is that origin and whose source is the
//! parent window, and posts with that origin as the target, so a page navigated into the parent frame
//! by anyone else receives nothing.

use std::rc::Rc;

use js_sys::{Object, Reflect};
use lakedeck_api::config::EmbedConfig;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::host::Host;
use crate::state::Theme;

/// The protocol's version, sent with `ready`.
pub const PROTOCOL_VERSION: u32 = 1;

const EMBED_KEY: &str = "lakedeck.embed";

/// Whether the page runs as an embedded console: opened with `?embed=1`, or reloaded inside the frame
/// that was (the console's own links drop the query; this tab's sessionStorage remembers).
pub fn embed_requested() -> bool {
    let win = window();
    let framed = win.parent().ok().flatten().is_some_and(|p| p != win);
    let storage = win.session_storage().ok().flatten();
    let search = win.location().search().unwrap_or_default();
    if search.trim_start_matches('?').split('&').any(|kv| kv == "embed=1" || kv == "embed=true") {
        if let (true, Some(s)) = (framed, &storage) {
            let _ = s.set_item(EMBED_KEY, "1");
        }
        return true;
    }
    framed && storage.and_then(|s| s.get_item(EMBED_KEY).ok().flatten()).is_some()
}

/// A query string without the `embed` marker (`embed=1&tab=history` → `tab=history`): the portal is
/// told the view's own state.
pub fn without_embed(search: &str) -> String {
    search.trim_start_matches('?').split('&').filter(|kv| !kv.is_empty() && *kv != "embed" && !kv.starts_with("embed=")).collect::<Vec<_>>().join("&")
}

/// The origin of the page framing this one: `location.ancestorOrigins[0]` where the browser has it,
/// else the origin of `document.referrer` (the parent page that set the frame's `src`).
fn parent_origin() -> Option<String> {
    let win = window();
    if win.parent().ok().flatten().is_none_or(|p| p == win) {
        return None;
    }
    let ancestors = Reflect::get(&win.location(), &JsValue::from_str("ancestorOrigins")).ok();
    if let Some(first) = ancestors
        .filter(|a| !a.is_undefined() && !a.is_null())
        .and_then(|a| Reflect::get(&a, &JsValue::from_f64(0.0)).ok())
        .and_then(|o| o.as_string())
    {
        return Some(first);
    }
    let referrer = document().referrer();
    web_sys::Url::new(&referrer).ok().map(|u| u.origin()).filter(|o| o != "null")
}

/// A message to the portal: `{type: "lakedeck:<kind>", <fields>}`.
fn message(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let obj = Object::new();
    let _ = Reflect::set(&obj, &JsValue::from_str("type"), &JsValue::from_str(&format!("lakedeck:{kind}")));
    for (k, v) in fields {
        let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
    }
    obj.into()
}

/// The portal end of the protocol, once the parent's origin is known to be allowed.
#[derive(Clone)]
pub struct Portal {
    origin: Rc<str>,
}

impl Portal {
    /// The portal, if this console is framed by a page of an allowed origin.
    pub fn connect(embed: &EmbedConfig) -> Option<Portal> {
        let origin = parent_origin()?;
        if !embed.allows(&origin) {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                // i18n-allow: a deployment message for the portal's developer, in the browser's console.
                "Lakedeck: the framing page's origin {origin} is not in config.json embed.allowed_parents; postMessage is off"
            )));
            return None;
        }
        Some(Portal { origin: origin.into() })
    }

    pub fn post(&self, kind: &str, fields: &[(&str, JsValue)]) {
        if let Ok(Some(parent)) = window().parent() {
            let _ = parent.post_message(&message(kind, fields), &self.origin);
        }
    }

    /// Listens to the portal's messages until the owner is cleaned up.
    pub fn listen(&self, host: Host) {
        let origin = self.origin.clone();
        let handle = window_event_listener_untyped("message", move |ev| {
            let Ok(ev) = ev.dyn_into::<web_sys::MessageEvent>() else { return };
            let from_parent = match (ev.source(), window().parent().ok().flatten()) {
                (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent),
                _ => false,
            };
            if ev.origin() != *origin || !from_parent {
                return;
            }
            let data = ev.data();
            let field = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
            match field("type").as_deref() {
                Some("lakedeck:token") => {
                    if let Some(token) = field("token") {
                        host.set_token(&token);
                    }
                }
                Some("lakedeck:theme") => {
                    if let Some(theme) = field("theme") {
                        host.set_theme(Theme::parse(&theme));
                    }
                }
                Some("lakedeck:locale") => {
                    if let Some(locale) = field("locale") {
                        host.set_locale(&locale);
                    }
                }
                Some("lakedeck:navigate") => {
                    if let Some(path) = field("path") {
                        host.navigate(&path);
                    }
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }

    /// Reports the console's height (CSS pixels of `root`'s content) whenever it changes.
    pub fn report_height(&self, root: web_sys::Element) {
        let portal = self.clone();
        let last = std::cell::Cell::new(0i32);
        let target = root.clone();
        let callback = Closure::<dyn Fn()>::new(move || {
            let h = target.scroll_height();
            if h != last.replace(h) {
                portal.post("height", &[("height", JsValue::from(h))]);
            }
        });
        let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) else { return };
        observer.observe(&root);
        // `on_cleanup` wants `Send`; both stay on the browser's main thread.
        let observer = SendWrapper::new(observer);
        let callback = SendWrapper::new(callback);
        on_cleanup(move || {
            observer.disconnect();
            drop(callback);
        });
    }
}

/// Style sheets an in-page console added to the host page's `<head>` (only those not there already);
/// removed again on unmount.
pub struct AddedStyles(Vec<web_sys::Element>);

impl AddedStyles {
    pub fn add(urls: &[String]) -> AddedStyles {
        let doc = document();
        let mut added = Vec::new();
        let Some(head) = doc.head() else { return AddedStyles(added) };
        for url in urls {
            let present = doc.query_selector_all("link[rel=stylesheet]").ok().is_some_and(|list| {
                (0..list.length()).any(|i| {
                    list.item(i)
                        .and_then(|n| n.dyn_into::<web_sys::HtmlLinkElement>().ok())
                        .is_some_and(|l| l.href() == *url)
                })
            });
            if present {
                continue;
            }
            if let Ok(link) = doc.create_element("link") {
                let _ = link.set_attribute("rel", "stylesheet");
                let _ = link.set_attribute("href", url);
                let _ = link.set_attribute("data-lakedeck", "");
                if head.append_child(&link).is_ok() {
                    added.push(link);
                }
            }
        }
        AddedStyles(added)
    }

    pub fn remove(&mut self) {
        for el in self.0.drain(..) {
            el.remove();
        }
    }
}
