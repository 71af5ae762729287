//! Timestamps always show their zone: `2026-11-23 12:04:05 UTC+01:00` in the browser's zone.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// `UTC+01:00` for 60 minutes east of UTC, `UTC-05:30` for -330, `UTC+00:00` for 0.
pub fn format_offset(minutes_east: i32) -> String {
    let sign = if minutes_east < 0 { '-' } else { '+' };
    let m = minutes_east.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

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

/// Local wall-clock time with an explicit UTC offset.
pub fn format_epoch_ms(ms: f64) -> String {
    let d = date(ms);
    let offset = -(d.get_timezone_offset() as i32);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        format_offset(offset)
    )
}

/// A `datetime-local` value (`2026-11-23T10:15`, browser time) as epoch milliseconds.
pub fn parse_local_datetime(value: &str) -> Option<f64> {
    let v = value.trim();
    // Date-only or other forms would parse as UTC or not at all; insist on the control's format.
    if v.len() < 16 || v.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let ms = date_from_str(v).get_time();
    ms.is_finite().then_some(ms)
}

fn date_from_str(v: &str) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_str(v))
}

pub fn format_epoch_secs(secs: i64) -> String {
    format_epoch_ms(secs as f64 * 1000.0)
}

/// A `<time>` element for an epoch string of the API; "—" when there is no time.
#[component]
pub fn Timestamp(#[prop(into)] epoch: String) -> impl IntoView {
    match parse_epoch(&epoch) {
        Some(ms) => {
            let iso = String::from(date(ms).to_iso_string());
            let text = format_epoch_ms(ms);
            view! { <time datetime=iso.clone() title=iso>{text}</time> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
