//! The console's translation layer.
//!
//! - Keys are checked at compile time: `build.rs` reads `locales/en.json` and `locales/zh-CN.json`,
//!   fails the build when a key is missing in one language or the two translations of a message use
//!   different parameters, and generates one module per key ([`keys`]). [`t!`](crate::t) turns a
//!   key path into a call of that module, so a misspelt key or a missing or unknown parameter does
//!   not compile.
//! - Only the current language's strings are in memory: they are fetched at start-up (and on a
//!   switch) from `locales/<lang>.json`, with the shared rules' messages from
//!   `locales/problems/<lang>.json` (`crates/api/locales`, one source for the console and the server).
//! - Templates are `lakedeck_api::template`s: `{name}` parameters and ICU-style plurals, with plural
//!   categories and numbers from the browser's `Intl`.
//! - The strings live in one signal: every text read through [`t!`](crate::t) inside a reactive
//!   closure follows a language switch without rebuilding any view, so no state is lost.
//!
//! Which language: the choice made in Settings (localStorage), else the embedding host's
//! ([`set_host_locale`]), else the browser's `navigator.languages`, else English.

pub mod format;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::{Arc, Mutex, OnceLock};

use lakedeck_api::problem::Problem;
use lakedeck_api::template::{self, Value};
use leptos::prelude::*;

#[allow(clippy::all, dead_code)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));
}

/// One module per key of `locales/en.json` (`a.b.c` → `keys::a::b::c`), each with a function `t`
/// and, when the message has parameters, its `Args`.
pub use generated::keys;
use generated::{COUNT, KEYS_HASH, VERSION};

/// A message of the console's catalog: `t!(nav.clusters)`, `t!(pager.range, start = 1, end = 10,
/// total = n)`. Reads the current language (tracked: call it inside a reactive closure, or use
/// [`tr!`](crate::tr) for one).
#[macro_export]
macro_rules! t {
    ($($seg:ident).+) => {
        $crate::i18n::keys::$($seg)::+::t()
    };
    ($($seg:ident).+, $($name:ident = $val:expr),+ $(,)?) => {
        $crate::i18n::keys::$($seg)::+::t(&$crate::i18n::keys::$($seg)::+::Args { $($name: &$val),+ })
    };
}

/// `move || t!(…)`: a message as a reactive closure, for view text and attributes. Messages
/// without parameters all share one closure type ([`tr`](crate::i18n::tr)), so the bundle holds one
/// copy of the code that renders them.
#[macro_export]
macro_rules! tr {
    ($($seg:ident).+) => {
        $crate::i18n::tr($crate::i18n::keys::$($seg)::+::I)
    };
    ($($seg:ident).+, $($rest:tt)+) => {
        move || $crate::t!($($seg).+, $($rest)+)
    };
}

/// The languages of the console.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// BCP 47 tag: `<html lang>`, `Intl`, the catalog file name.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The MRS `X-Language` header value.
    pub fn x_language(self) -> &'static str {
        match self {
            Lang::En => "en-us",
            Lang::ZhCn => "zh-cn",
        }
    }

    /// `Accept-Language` for the vendors' APIs (English as the fallback of Chinese).
    pub fn accept_language(self) -> &'static str {
        match self {
            Lang::En => "en-US,en;q=0.9",
            Lang::ZhCn => "zh-CN,zh;q=0.9,en;q=0.5",
        }
    }

    /// The language's own name, shown the same in every locale so a reader can find theirs.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            // i18n-allow: a language is named in itself, whatever the page's language.
            Lang::ZhCn => "简体中文",
        }
    }

    /// A language tag as the browser, a host page or a user writes it: `zh`, `zh-CN`, `zh-Hans-CN`,
    /// `zh_cn`, `en-GB`… Chinese of any region maps to the Simplified Chinese catalog (the only
    /// Chinese one); other languages have no catalog.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }
}

/// What the user picked in Settings: a language, or "automatic" (host, then browser).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Choice {
    #[default]
    Auto,
    Fixed(Lang),
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Auto => "auto",
            Choice::Fixed(l) => l.tag(),
        }
    }

    pub fn parse(s: &str) -> Choice {
        match s {
            "en" => Choice::Fixed(Lang::En),
            "zh-CN" => Choice::Fixed(Lang::ZhCn),
            _ => Choice::Auto,
        }
    }
}

const CHOICE_KEY: &str = "lakedeck.locale";

/// The strings of one language.
struct Bundle {
    lang: Lang,
    /// Indexed as the generated keys (sorted key order).
    strings: Vec<String>,
    problems: HashMap<String, String>,
}

#[derive(Clone)]
struct State {
    bundle: ArcRwSignal<Arc<Bundle>>,
    choice: ArcRwSignal<Choice>,
    host: ArcRwSignal<Option<Lang>>,
    /// A language being fetched for a switch.
    pending: ArcRwSignal<Option<Lang>>,
    /// The languages fetched so far (a switch back is immediate).
    cache: Arc<Mutex<HashMap<Lang, Arc<Bundle>>>>,
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| State {
        bundle: ArcRwSignal::new(Arc::new(Bundle { lang: Lang::En, strings: Vec::new(), problems: HashMap::new() })),
        choice: ArcRwSignal::new(stored_choice()),
        host: ArcRwSignal::new(None),
        pending: ArcRwSignal::new(None),
        cache: Arc::new(Mutex::new(HashMap::new())),
    })
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn stored_choice() -> Choice {
    local_storage().and_then(|s| s.get_item(CHOICE_KEY).ok().flatten()).map(|v| Choice::parse(&v)).unwrap_or_default()
}

/// `navigator.languages` (or `navigator.language`), first one with a catalog.
pub fn browser_lang() -> Option<Lang> {
    let nav = web_sys::window()?.navigator();
    let list = nav.languages();
    let from_list = list.iter().filter_map(|v| v.as_string()).find_map(|t| Lang::from_tag(&t));
    from_list.or_else(|| nav.language().and_then(|t| Lang::from_tag(&t)))
}

/// The language to show: Settings, else the host's, else the browser's, else English.
pub fn resolve(choice: Choice, host: Option<Lang>, browser: Option<Lang>) -> Lang {
    match choice {
        Choice::Fixed(l) => l,
        Choice::Auto => host.or(browser).unwrap_or_default(),
    }
}

fn wanted_lang() -> Lang {
    let s = state();
    resolve(s.choice.get_untracked(), s.host.get_untracked(), browser_lang())
}

/// The language on screen (tracked).
pub fn lang() -> Lang {
    state().bundle.with(|b| b.lang)
}

pub fn lang_untracked() -> Lang {
    state().bundle.with_untracked(|b| b.lang)
}

/// The Settings choice (tracked).
pub fn choice() -> Choice {
    state().choice.get()
}

/// The language being loaded for a switch, if any (tracked).
pub fn pending() -> Option<Lang> {
    state().pending.get()
}

/// Whether strings are installed (the shell waits for them).
pub fn is_ready() -> bool {
    state().bundle.with(|b| !b.strings.is_empty())
}

/// Message `index` of the console catalog in the current language (tracked).
pub fn text(index: usize) -> String {
    state().bundle.with(|b| b.strings.get(index).cloned().unwrap_or_default())
}

/// Message `index` as a reactive closure (what `tr!` gives for a message without parameters).
pub fn tr(index: usize) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || text(index)
}

/// A parameter of a message: text, or a number (formatted for the locale, and able to pick a plural).
pub enum Arg<'a> {
    Text(&'a dyn Display),
    Count(f64),
}

/// Numbers a plural can be chosen by.
pub trait Count {
    fn count(&self) -> f64;
}

macro_rules! count_impl {
    ($($t:ty),*) => { $(impl Count for $t { fn count(&self) -> f64 { *self as f64 } })* };
}
count_impl!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

impl<T: Count + ?Sized> Count for &T {
    fn count(&self) -> f64 {
        (**self).count()
    }
}

/// The plural rules and number format of the current language, from `Intl`.
struct IntlLocale;

impl template::Locale for IntlLocale {
    fn plural(&self, n: f64) -> &'static str {
        format::plural_category(n)
    }

    fn number(&self, n: f64) -> String {
        format::number(n)
    }
}

fn render(template: &str, args: &[(&str, Arg<'_>)]) -> String {
    let texts: Vec<(&str, Option<String>, f64)> = args
        .iter()
        .map(|(name, a)| match a {
            Arg::Text(d) => (*name, Some(d.to_string()), 0.0),
            Arg::Count(n) => (*name, None, *n),
        })
        .collect();
    let lookup = |name: &str| {
        texts.iter().find(|(n, _, _)| *n == name).map(|(_, t, n)| match t {
            Some(t) => Value::Text(t.as_str()),
            None => Value::Number(*n),
        })
    };
    template::render(template, &lookup, &IntlLocale)
}

/// Message `index` with its parameters (tracked).
pub fn format(index: usize, args: &[(&str, Arg<'_>)]) -> String {
    let template = text(index);
    render(&template, args)
}

/// A shared rule's problem in the current language (tracked). A key the catalog lacks shows
/// itself with its parameters, so nothing is silently blank.
pub fn problem(p: &Problem) -> String {
    let template = state().bundle.with(|b| b.problems.get(p.key).cloned());
    let args: Vec<(&str, Arg<'_>)> = p.params.iter().map(|(k, v)| (*k, Arg::Text(v as &dyn Display))).collect();
    match template {
        Some(t) => render(&t, &args),
        None => {
            let params: Vec<String> = p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{} {}", p.key, params.join(" ")).trim().to_string()
        }
    }
}

/// 64-bit FNV-1a, the same as `build.rs` computes over the sorted keys.
fn fnv1a(data: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for s in data {
        for b in s.bytes().chain(std::iter::once(b'\n')) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A catalog file as sorted pairs; the errors are details for the catalog error (for the people
/// who deploy the console).
fn flat_map(json: &str, what: &str) -> Result<Vec<(String, String)>, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("{what}: {e}"))?;
    // i18n-allow: a deployment detail inside the catalog error.
    let serde_json::Value::Object(map) = value else { return Err(format!("{what}: not a JSON object")) };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        match v {
            serde_json::Value::String(s) => out.push((k, s)),
            // i18n-allow: a deployment detail inside the catalog error.
            _ => return Err(format!("{what}: the value of {k} is not a string")),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Parses a language's catalogs. The console catalog must hold exactly the keys this build was
/// compiled with (a stale cached file is refused instead of showing wrong texts).
fn parse_bundle(lang: Lang, console_json: &str, problems_json: &str) -> Result<Bundle, String> {
    let console = flat_map(console_json, &format!("locales/{}.json", lang.tag()))?;
    let keys: Vec<&str> = console.iter().map(|(k, _)| k.as_str()).collect();
    if console.len() != COUNT || fnv1a(&keys) != KEYS_HASH {
        return Err(format!("locales/{}.json does not match this build of the console", lang.tag()));
    }
    let problems = flat_map(problems_json, &format!("locales/problems/{}.json", lang.tag()))?;
    Ok(Bundle { lang, strings: console.into_iter().map(|(_, v)| v).collect(), problems: problems.into_iter().collect() })
}

/// Makes `lang` current with the given catalogs (what a fetch would deliver); used at start-up
/// and by tests, which include the files instead of fetching them.
pub fn install(lang: Lang, console_json: &str, problems_json: &str) -> Result<(), String> {
    let bundle = Arc::new(parse_bundle(lang, console_json, problems_json)?);
    let s = state();
    if let Ok(mut c) = s.cache.lock() {
        c.insert(lang, bundle.clone());
    }
    show(bundle);
    Ok(())
}

fn show(bundle: Arc<Bundle>) {
    let s = state();
    let lang = bundle.lang;
    s.bundle.set(bundle);
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Where a language's catalogs are, relative to the page (`?v=` changes with their content, so a
/// cache never serves a previous build's texts).
pub fn catalog_paths(lang: Lang) -> (String, String) {
    (format!("locales/{}.json?v={VERSION}", lang.tag()), format!("locales/problems/{}.json?v={VERSION}", lang.tag()))
}

async fn fetch_bundle(lang: Lang) -> Result<Arc<Bundle>, crate::api::ApiError> {
    if let Some(b) = state().cache.lock().ok().and_then(|c| c.get(&lang).cloned()) {
        return Ok(b);
    }
    let (console, problems) = catalog_paths(lang);
    let (console, problems) =
        futures_util::future::join(crate::api::fetch_text_file(&console), crate::api::fetch_text_file(&problems)).await;
    let bundle = parse_bundle(lang, &console?, &problems?).map_err(crate::api::ApiError::catalog)?;
    let bundle = Arc::new(bundle);
    if let Ok(mut c) = state().cache.lock() {
        c.insert(lang, bundle.clone());
    }
    Ok(bundle)
}

/// Start-up: loads the language to show (English when that one cannot be loaded). Errors only
/// when no catalog could be loaded at all.
pub async fn start() -> Result<(), crate::api::ApiError> {
    let wanted = wanted_lang();
    match fetch_bundle(wanted).await {
        Ok(b) => {
            show(b);
            Ok(())
        }
        Err(e) if wanted != Lang::En => {
            leptos::logging::warn!("{}: {e}", wanted.tag());
            let b = fetch_bundle(Lang::En).await?;
            show(b);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Switches to whatever language the choice, the host and the browser now ask for. The current
/// texts stay until the new ones have arrived.
fn apply() {
    let wanted = wanted_lang();
    let s = state();
    if wanted == lang_untracked() && s.pending.get_untracked().is_none() {
        return;
    }
    s.pending.set(Some(wanted));
    leptos::task::spawn_local(async move {
        let result = fetch_bundle(wanted).await;
        let s = state();
        // A later switch wins over this one.
        if s.pending.get_untracked() != Some(wanted) {
            return;
        }
        s.pending.set(None);
        match result {
            Ok(b) => show(b),
            Err(e) => leptos::logging::warn!("could not load the {} texts: {e}", wanted.tag()),
        }
    });
}

/// Settings: remember the choice in localStorage and switch now, without a reload.
pub fn choose(choice: Choice) {
    if let Some(s) = local_storage() {
        let _ = match choice {
            Choice::Auto => s.remove_item(CHOICE_KEY),
            c => s.set_item(CHOICE_KEY, c.as_str()),
        };
    }
    state().choice.set(choice);
    apply();
}

/// The embedding host's language (the `locale` of the mount API or of a `postMessage`), used
/// unless the user chose one in Settings. Accepts any BCP 47 tag (`zh-CN`, `zh`, `en-US`);
/// `None` or a language without a catalog goes back to the browser's. Safe to call before or
/// after the console has started.
pub fn set_host_locale(tag: Option<&str>) {
    state().host.set(tag.and_then(Lang::from_tag));
    if is_ready_untracked() {
        apply();
    }
}

pub fn is_ready_untracked() -> bool {
    state().bundle.with_untracked(|b| !b.strings.is_empty())
}

/// A user-visible text: a message of the console's catalog, a shared rule's problem, or text
/// that comes from elsewhere (a service's answer, a name) shown as it is. Worded when shown, so
/// a language switch re-words it.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Problem(Problem),
    Raw(String),
}

impl Msg {
    /// The text in the current language (tracked).
    pub fn text(&self) -> String {
        match self {
            Msg::Problem(p) => problem(p),
            Msg::Raw(s) => s.clone(),
        }
    }
}

impl From<Problem> for Msg {
    fn from(p: Problem) -> Msg {
        Msg::Problem(p)
    }
}
