//! The console's translation layer.
//!
//! - Keys are checked at compile time: `build.rs` reads `locales/en.json` and `locales/zh-CN.json`,
//!   fails the build when a key is missing in one language or the two translations of a message use
//!   different parameters, and generates one module per key ([`keys`]). [`t!`](crate::t) turns a
//!   key path into a call of that module, so a misspelt key or a missing or unknown parameter does
//!   not compile.
//! - Only the current language's strings are in memory, fetched in two parts (README "Bundle size"):
//!   at start-up (and on a switch) `locales/<lang>.initial.json`, the keys whose prefix
//!   `src/i18n/initial.json` lists (the shell and the clusters list: build.rs checks that they use
//!   no other), and with the first view loaded on demand `locales/<lang>.views.json`, the rest
//!   ([`need_view_texts`]). `scripts/lazy-assets.py` (a trunk hook) cuts `locales/<lang>.json`,
//!   the file translators edit, in two. The shared rules' messages (`locales/problems/<lang>.json`,
//!   from `crates/api/locales`, one source for the console and the server) are fetched when a view
//!   that checks input is first loaded (also [`need_view_texts`]), not with the landing view: bytes
//!   that the initial load of /clusters (budget 250 kB, issue 13) does not need.
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
use std::sync::atomic::{AtomicBool, Ordering};
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
use generated::{COUNT, INITIAL_COUNT, INITIAL_HASH, INITIAL_PREFIXES, KEYS_HASH, VERSION, VIEWS_HASH};

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
    /// The initial part, indexed as the generated keys (sorted key order within the part).
    strings: Vec<String>,
    /// The part that comes with the views loaded on demand (index − `INITIAL_COUNT`), once wanted.
    views: Option<Arc<Vec<String>>>,
    /// The shared rules' messages, once a view needs them ([`need_view_texts`]).
    problems: Option<Arc<HashMap<String, String>>>,
}

#[derive(Clone)]
struct State {
    bundle: ArcRwSignal<Arc<Bundle>>,
    /// The rules' messages of the language on screen. A signal of their own: their late arrival
    /// ([`need_view_texts`], while the router swaps views) re-words only the texts that show a rule's
    /// message. Replacing `bundle` then re-ran every text of the outgoing view after the router
    /// had disposed its signals, a panic that stopped the console.
    problems: ArcRwSignal<Option<Arc<HashMap<String, String>>>>,
    /// The views' part of the language on screen: a signal of its own for the same reason.
    views: ArcRwSignal<Option<Arc<Vec<String>>>>,
    choice: ArcRwSignal<Choice>,
    host: ArcRwSignal<Option<Lang>>,
    /// A language being fetched for a switch.
    pending: ArcRwSignal<Option<Lang>>,
    /// The languages fetched so far (a switch back is immediate).
    cache: Arc<Mutex<HashMap<Lang, Arc<Bundle>>>>,
    /// Whether the views' texts and the rules' messages are wanted (every language fetched from then
    /// on brings them).
    want_views: Arc<AtomicBool>,
    /// Where the catalogs are (the bundle's URL with a slash): empty for a page of the bundle's own,
    /// whose `<base href>` is the bundle; an in-page mount gets it from `lakedeck.js`.
    catalog_base: Arc<Mutex<String>>,
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| State {
        bundle: ArcRwSignal::new(Arc::new(Bundle { lang: Lang::En, strings: Vec::new(), views: None, problems: None })),
        problems: ArcRwSignal::new(None),
        views: ArcRwSignal::new(None),
        choice: ArcRwSignal::new(stored_choice()),
        host: ArcRwSignal::new(None),
        pending: ArcRwSignal::new(None),
        cache: Arc::new(Mutex::new(HashMap::new())),
        want_views: Arc::new(AtomicBool::new(false)),
        catalog_base: Arc::new(Mutex::new(String::new())),
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
    if index < INITIAL_COUNT {
        state().bundle.with(|b| b.strings.get(index).cloned().unwrap_or_default())
    } else {
        state().views.with(|v| v.as_ref().and_then(|v| v.get(index - INITIAL_COUNT).cloned()).unwrap_or_default())
    }
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
    let template = state().problems.with(|m| m.as_ref().and_then(|m| m.get(p.key).cloned()));
    let args: Vec<(&str, Arg<'_>)> = p.params.iter().map(|(k, v)| (*k, Arg::Text(v as &dyn Display))).collect();
    match template {
        Some(t) => render(&t, &args),
        None => {
            let params: Vec<String> = p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{} {}", p.key, params.join(" ")).trim().to_string()
        }
    }
}

/// A shared-rule message named by a key that came over the wire (e.g. a sandbox scaling event's
/// reason) with its parameters, in the current language (tracked); `None` when the catalog lacks
/// the key.
pub fn problem_by_key(key: &str, params: &[(String, String)]) -> Option<String> {
    let template = state().problems.with(|m| m.as_ref().and_then(|m| m.get(key).cloned()))?;
    let args: Vec<(&str, Arg<'_>)> = params.iter().map(|(k, v)| (k.as_str(), Arg::Text(v as &dyn Display))).collect();
    Some(render(&template, &args))
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

/// Whether a console key belongs to the initial part.
fn is_initial(key: &str) -> bool {
    INITIAL_PREFIXES.contains(&key.split('.').next().unwrap_or(""))
}

/// One part of the console catalog, sorted, which must hold exactly the keys this build was
/// compiled with (a stale cached file is refused instead of showing wrong texts).
fn check_part(pairs: Vec<(String, String)>, count: usize, hash: u64, what: &str) -> Result<Vec<String>, String> {
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    if pairs.len() != count || fnv1a(&keys) != hash {
        return Err(format!("{what} does not match this build of the console"));
    }
    Ok(pairs.into_iter().map(|(_, v)| v).collect())
}

fn parse_initial(lang: Lang, json: &str) -> Result<Vec<String>, String> {
    let what = format!("locales/{}.initial.json", lang.tag());
    check_part(flat_map(json, &what)?, INITIAL_COUNT, INITIAL_HASH, &what)
}

fn parse_views(lang: Lang, json: &str) -> Result<Vec<String>, String> {
    let what = format!("locales/{}.views.json", lang.tag());
    check_part(flat_map(json, &what)?, COUNT - INITIAL_COUNT, VIEWS_HASH, &what)
}

/// Parses a whole `locales/<lang>.json` (what translators edit) into both parts.
fn parse_whole(lang: Lang, console_json: &str, problems_json: &str) -> Result<Bundle, String> {
    let what = format!("locales/{}.json", lang.tag());
    let pairs = flat_map(console_json, &what)?;
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    if pairs.len() != COUNT || fnv1a(&keys) != KEYS_HASH {
        return Err(format!("{what} does not match this build of the console"));
    }
    let (initial, views): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| is_initial(k));
    Ok(Bundle {
        lang,
        strings: check_part(initial, INITIAL_COUNT, INITIAL_HASH, &what)?,
        views: Some(Arc::new(check_part(views, COUNT - INITIAL_COUNT, VIEWS_HASH, &what)?)),
        problems: Some(Arc::new(parse_problems(lang, problems_json)?)),
    })
}

fn parse_problems(lang: Lang, json: &str) -> Result<HashMap<String, String>, String> {
    Ok(flat_map(json, &format!("locales/problems/{}.json", lang.tag()))?.into_iter().collect())
}

/// Makes `lang` current with the given catalogs (what a fetch would deliver); used at start-up
/// and by tests, which include the files instead of fetching them.
pub fn install(lang: Lang, console_json: &str, problems_json: &str) -> Result<(), String> {
    let bundle = Arc::new(parse_whole(lang, console_json, problems_json)?);
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
    s.problems.set(bundle.problems.clone());
    s.views.set(bundle.views.clone());
    s.bundle.set(bundle);
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// The catalogs are under `base` (a URL ending in `/`, the bundle's) instead of relative to the
/// page: a portal's page that mounts the console is not in the bundle's directory.
pub fn set_catalog_base(base: &str) {
    if let Ok(mut b) = state().catalog_base.lock() {
        *b = base.to_string();
    }
}

/// A file of this build beside the catalogs (`views.css`), relative to the page or under
/// [`set_catalog_base`]'s URL, with `?v=` naming the build.
pub fn asset_url(name: &str) -> String {
    let base = state().catalog_base.lock().map(|b| b.clone()).unwrap_or_default();
    format!("{base}{name}?v={VERSION}")
}

/// Where a language's catalogs are, relative to the page or under [`set_catalog_base`]'s URL (`?v=`
/// changes with their content, so a cache never serves a previous build's texts).
pub struct CatalogPaths {
    pub initial: String,
    pub views: String,
    pub problems: String,
}

pub fn catalog_paths(lang: Lang) -> CatalogPaths {
    let base = state().catalog_base.lock().map(|b| b.clone()).unwrap_or_default();
    let tag = lang.tag();
    CatalogPaths {
        initial: format!("{base}locales/{tag}.initial.json?v={VERSION}"),
        views: format!("{base}locales/{tag}.views.json?v={VERSION}"),
        problems: format!("{base}locales/problems/{tag}.json?v={VERSION}"),
    }
}

/// Fetches `path` when `needed`, parsed by `parse`.
async fn fetch_part<T>(needed: bool, path: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, crate::api::ApiError> {
    if !needed {
        return Ok(None);
    }
    let text = crate::api::fetch_text_file(path).await?;
    parse(&text).map(Some).map_err(crate::api::ApiError::catalog)
}

/// The catalogs of `lang` (from the cache when it has every part wanted): the initial part, and
/// once [`need_view_texts`] ran, the views' part and the rules' messages, fetched side by side.
async fn fetch_bundle(lang: Lang) -> Result<Arc<Bundle>, crate::api::ApiError> {
    let want_views = state().want_views.load(Ordering::Relaxed);
    let cached = state().cache.lock().ok().and_then(|c| c.get(&lang).cloned());
    if let Some(b) = &cached {
        if !want_views || (b.views.is_some() && b.problems.is_some()) {
            return Ok(b.clone());
        }
    }
    let paths = catalog_paths(lang);
    let have = |f: fn(&Bundle) -> bool| cached.as_deref().is_some_and(f);
    let (initial, views, problems) = futures_util::future::join3(
        fetch_part(!have(|b| !b.strings.is_empty()), &paths.initial, |t| parse_initial(lang, t)),
        fetch_part(want_views && !have(|b| b.views.is_some()), &paths.views, |t| parse_views(lang, t)),
        fetch_part(want_views && !have(|b| b.problems.is_some()), &paths.problems, |t| parse_problems(lang, t)),
    )
    .await;
    let bundle = Arc::new(Bundle {
        lang,
        strings: match initial? {
            Some(s) => s,
            None => cached.as_ref().map(|b| b.strings.clone()).unwrap_or_default(),
        },
        views: views?.map(Arc::new).or_else(|| cached.as_ref().and_then(|b| b.views.clone())),
        problems: problems?.map(Arc::new).or_else(|| cached.as_ref().and_then(|b| b.problems.clone())),
    });
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

/// A view loaded on demand is about to render: fetches the views' part of the catalog and the
/// shared rules' messages for the language on screen (once; later switches bring them along). The
/// lazy route waits for them beside the view's code. A failure is logged; the view's texts stay
/// empty and the rules' messages show their keys.
pub async fn need_view_texts() {
    let s = state();
    if s.want_views.swap(true, Ordering::Relaxed) || !is_ready_untracked() {
        return;
    }
    let lang = lang_untracked();
    match fetch_bundle(lang).await {
        // Unless a switch happened meanwhile (it fetched them too). Only the parts' own signals
        // change, not the initial texts' (see `State::problems`).
        Ok(b) if lang_untracked() == lang && s.pending.get_untracked().is_none() => {
            s.views.set(b.views.clone());
            s.problems.set(b.problems.clone());
        }
        Ok(_) => {}
        Err(e) => leptos::logging::warn!("could not load the {} texts of the views: {e}", lang.tag()),
    }
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
