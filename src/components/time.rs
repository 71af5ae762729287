//! Timestamps always show their zone: `Nov 23, 2026, 12:04:05 GMT+1` in the browser's zone,
//! written by `Intl` for the current language.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::i18n::format;

/// Epoch seconds (or milliseconds: 13+ digits) as a number, from the wire's strings. None for
/// empty, zero or malformed values.
pub fn parse_epoch(raw: &str) -> Option<f64> {
    let v: i64 = raw.trim().parse().ok()?;
    if v <= 0 {
        return None;
    }
    Some(if v >= 100_000_000_000 { v as f64 } else { v as f64 * 1000.0 })
}

fn date(ms: f64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(ms))
}

/// A `datetime-local` value (`2026-11-23T10:15`, browser time) as epoch milliseconds.
pub fn parse_local_datetime(value: &str) -> Option<f64> {
    let v = value.trim();
    // Date-only or other forms would parse as UTC or not at all; insist on the control's format.
    if v.len() < 16 || v.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let ms = js_sys::Date::new(&JsValue::from_str(v)).get_time();
    ms.is_finite().then_some(ms)
}

/// A `<time>` element for an epoch string of the API; "—" when there is no time.
#[component]
pub fn Timestamp(#[prop(into)] epoch: String) -> impl IntoView {
    match parse_epoch(&epoch) {
        Some(ms) => {
            let iso = String::from(date(ms).to_iso_string());
            view! { <time datetime=iso.clone() title=iso>{move || format::datetime(ms)}</time> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
