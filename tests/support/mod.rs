//! Helpers the browser test files share (each includes this module; not every file uses all).
#![allow(dead_code)]

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// A fresh element in the page to mount a component into; `style` sizes it ("" for none).
pub fn host_styled(style: &str) -> web_sys::HtmlElement {
    let doc = document();
    let el = doc.create_element("div").unwrap();
    if !style.is_empty() {
        el.set_attribute("style", style).unwrap();
    }
    doc.body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

pub fn host() -> web_sys::HtmlElement {
    host_styled("")
}

/// Adds the grid's stylesheet to the page once: its layout lives there, without it nothing scrolls.
pub fn with_grid_css() {
    let doc = document();
    if doc.get_element_by_id("grid-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("grid-css");
        style.set_text_content(Some(include_str!("../../style/grid.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
}

/// The decoded `key=value` pairs of a `?query`, as a lookup for the views' `from_pairs`.
pub fn query_lookup(query: &str) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), js_sys::decode_uri_component(v).unwrap().as_string().unwrap())
        })
        .collect();
    move |k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone())
}

/// Makes English the console's language, with the catalogs this build ships (included here;
/// the console fetches them at run time).
pub fn english() {
    lakedeck::i18n::install(
        lakedeck::i18n::Lang::En,
        include_str!("../../locales/en.json"),
        include_str!("../../crates/api/locales/en.json"),
    )
    .expect("the English catalogs fit this build");
}

/// Makes Simplified Chinese the console's language.
pub fn chinese() {
    lakedeck::i18n::install(
        lakedeck::i18n::Lang::ZhCn,
        include_str!("../../locales/zh-CN.json"),
        include_str!("../../crates/api/locales/zh-CN.json"),
    )
    .expect("the Chinese catalogs fit this build");
}
