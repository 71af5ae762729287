//! Numbers, byte sizes, durations, dates and times in the current language, written by the
//! browser's `Intl` (no hand-written tables). Every function reads the language tracked, so a
//! text built in a reactive closure is re-written on a language switch. The formatters are built
//! once per language and kept.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::{lang, Lang};

thread_local! {
    static FORMATTERS: RefCell<HashMap<(Lang, &'static str), JsValue>> = RefCell::new(HashMap::new());
}

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn locales(l: Lang) -> Array {
    Array::of1(&s(l.tag()))
}

/// A cached `Intl` object, built by `make` the first time `name` is asked for in this language.
fn cached(name: &'static str, make: impl FnOnce(Lang) -> JsValue) -> JsValue {
    let l = lang();
    let key = (l, name);
    if let Some(v) = FORMATTERS.with(|f| f.borrow().get(&key).cloned()) {
        return v;
    }
    let v = make(l);
    FORMATTERS.with(|f| f.borrow_mut().insert(key, v.clone()));
    v
}

fn number_format(name: &'static str, opts: &[(&str, JsValue)]) -> js_sys::Intl::NumberFormat {
    let opts: Vec<(String, JsValue)> = opts.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    cached(name, move |l| {
        let pairs: Vec<(&str, JsValue)> = opts.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        js_sys::Intl::NumberFormat::new(&locales(l), &options(&pairs)).into()
    })
    .unchecked_into()
}

fn call_format(f: &Function, v: &JsValue) -> String {
    f.call1(&JsValue::UNDEFINED, v).ok().and_then(|r| r.as_string()).unwrap_or_default()
}

fn format_number_with(nf: &js_sys::Intl::NumberFormat, n: f64) -> String {
    call_format(&nf.format(), &JsValue::from_f64(n))
}

/// `12,345` / `12,345.6` (at most 2 decimals).
pub fn number(n: f64) -> String {
    let nf = number_format("number", &[("maximumFractionDigits", JsValue::from_f64(2.0))]);
    format_number_with(&nf, n)
}

/// An integer count with grouping.
pub fn count(n: impl super::Count) -> String {
    number(n.count())
}

/// `42%` from 0–100.
pub fn percent(p: f64) -> String {
    let nf = number_format("percent", &[("style", s("percent")), ("maximumFractionDigits", JsValue::from_f64(0.0))]);
    format_number_with(&nf, p / 100.0)
}

/// CLDR plural category of `n` in the current language (`one`, `other`, …).
pub fn plural_category(n: f64) -> &'static str {
    let rules: js_sys::Intl::PluralRules =
        cached("plural", |l| js_sys::Intl::PluralRules::new(&locales(l), &Object::new()).into()).unchecked_into();
    match String::from(rules.select(n)).as_str() {
        "zero" => "zero",
        "one" => "one",
        "two" => "two",
        "few" => "few",
        "many" => "many",
        _ => "other",
    }
}

fn unit(name: &'static str, unit: &str, max_fraction: f64, display: &str) -> js_sys::Intl::NumberFormat {
    number_format(
        name,
        &[
            ("style", s("unit")),
            ("unit", s(unit)),
            ("unitDisplay", s(display)),
            ("maximumFractionDigits", JsValue::from_f64(max_fraction)),
        ],
    )
}

/// Byte sizes in decimal units, as `Intl` names them: `512 byte`, `1.5 kB`, `3 MB` (`1.5 kB` is
/// 1,500 bytes; `Intl` has no binary units).
pub fn bytes(n: i64) -> String {
    const UNITS: [(&str, &str); 6] = [
        ("byte", "u-byte"),
        ("kilobyte", "u-kilobyte"),
        ("megabyte", "u-megabyte"),
        ("gigabyte", "u-gigabyte"),
        ("terabyte", "u-terabyte"),
        ("petabyte", "u-petabyte"),
    ];
    let mut v = n as f64;
    let mut i = 0;
    while v.abs() >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    let (u, key) = UNITS[i];
    let nf = unit(key, u, if i == 0 { 0.0 } else { 1.0 }, "short");
    format_number_with(&nf, v)
}

/// Durations: `850 ms`, `12.4 sec`, `3 min 5 sec`, `2 hr 7 min` (`Intl` units, joined with
/// `Intl.ListFormat`'s unit style).
pub fn duration_ms(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format_number_with(&unit("d-ms", "millisecond", 0.0, "short"), ms as f64);
    }
    if ms < 60_000 {
        return format_number_with(&unit("d-s1", "second", 1.0, "short"), ms as f64 / 1000.0);
    }
    let secs = ms / 1000;
    let (big, big_unit, small, small_unit) = if secs < 3600 {
        (secs / 60, ("d-min", "minute"), secs % 60, ("d-sec", "second"))
    } else {
        (secs / 3600, ("d-hr", "hour"), (secs % 3600) / 60, ("d-min", "minute"))
    };
    let a = format_number_with(&unit(big_unit.0, big_unit.1, 0.0, "short"), big as f64);
    if small == 0 {
        return a;
    }
    let b = format_number_with(&unit(small_unit.0, small_unit.1, 0.0, "short"), small as f64);
    let lf = cached("units-list", |l| {
        js_sys::Intl::ListFormat::new(&locales(l), &options(&[("type", s("unit")), ("style", s("narrow"))])).into()
    })
    .unchecked_into::<js_sys::Intl::ListFormat>();
    lf.format(&Array::of2(&s(&a), &s(&b))).into()
}

fn date_time_format() -> js_sys::Intl::DateTimeFormat {
    cached("datetime", |l| {
        let two = || s("2-digit");
        js_sys::Intl::DateTimeFormat::new(
            &locales(l),
            &options(&[
                ("year", s("numeric")),
                ("month", s("short")),
                ("day", s("numeric")),
                ("hour", two()),
                ("minute", two()),
                ("second", two()),
                ("hourCycle", s("h23")),
                ("timeZoneName", s("shortOffset")),
            ]),
        )
        .into()
    })
    .unchecked_into()
}

/// `Nov 23, 2026, 12:04:05 GMT+1` / `2026年11月23日 12:04:05 GMT+1`: the browser's time zone,
/// always named.
pub fn datetime(ms: f64) -> String {
    call_format(&date_time_format().format(), &Date::new(&JsValue::from_f64(ms)))
}

/// The browser's time zone as the user knows it: `Europe/Berlin (GMT+01:00)`, or just the offset
/// when the browser does not name a zone.
pub fn zone() -> String {
    let f: js_sys::Intl::DateTimeFormat = cached("zone", |l| {
        js_sys::Intl::DateTimeFormat::new(&locales(l), &options(&[("timeZoneName", s("longOffset"))])).into()
    })
    .unchecked_into();
    let parts = f.format_to_parts(&Date::new_0());
    let offset = parts
        .iter()
        .find(|p| Reflect::get(p, &s("type")).ok().and_then(|t| t.as_string()).as_deref() == Some("timeZoneName"))
        .and_then(|p| Reflect::get(&p, &s("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let name = Reflect::get(&f.resolved_options(), &s("timeZone")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    if name.is_empty() {
        offset
    } else {
        format!("{name} ({offset})")
    }
}

/// `a, b and c` / `a、b和c`.
pub fn list(items: &[String]) -> String {
    let lf: js_sys::Intl::ListFormat = cached("list", |l| {
        js_sys::Intl::ListFormat::new(&locales(l), &options(&[("type", s("conjunction"))])).into()
    })
    .unchecked_into();
    let arr = Array::new();
    for i in items {
        arr.push(&s(i));
    }
    lf.format(&arr).into()
}
