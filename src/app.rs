//! Router and shell: header (product, project, theme), side navigation, keyboard shortcuts, start-up
//! (configuration → session store), and the views loaded on demand.
//!
//! Only the clusters list (the landing view) is in the main wasm module. Every other view is a lazy
//! route whose code `scripts/split-bundle.py` moves into its own chunk, fetched when the view is first
//! visited, or earlier when the pointer or focus reaches a link to it.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, ChooseView};
use reactive_stores::Store;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{fetch_static, ApiError, Detail, NETWORK};
use crate::components::{ErrorPanel, Spinner, When};
use crate::embed::Portal;
use crate::i18n::{self, Choice, Lang};
use crate::pages::clusters::ClustersList;
use crate::pages::NotFound;
use crate::state::host::{ConfigSource, Host, HostMode};
use crate::state::session::SessionExt;
use crate::state::{use_session, ConfigStatus, RefreshBus, Session, SessionState, SessionStateStoreFields, Theme};
use crate::{t, tr};

/// The path prefix the console is hosted under ("" at the root).
pub fn base_path() -> String {
    crate::state::host::base_path()
}

/// An in-app link target: `href("/clusters")` → `/console/clusters` when hosted under `/console/`.
pub fn href(path: &str) -> String {
    format!("{}{}", base_path(), path)
}

/// The search or filter field `/` focuses, whichever the current view has (first match wins).
const SEARCH_FIELDS: &str =
    "#cluster-search, #job-name-filter, #run-name-filter, #flow-name-filter, #files-goto, .grid-filter, #sql-history-search";

// The shortcut sheet (what the handler below implements, and the keys of the editor and the grid) is in
// `crate::pages::shortcuts`, a chunk of its own fetched when the sheet is first opened.

// ---------------------------------------------------------------------------------------------
// Views loaded on demand

/// A view's chunk could not be fetched or instantiated (network, server, or a stale page after a deploy).
pub struct ChunkError;

impl From<SplitLoaderError> for ChunkError {
    fn from(_: SplitLoaderError) -> ChunkError {
        ChunkError
    }
}

/// Split points: each function's body (the view and everything only it uses) moves to the chunk named
/// by the first argument of `wasm_split`. `fallible`: a failed fetch is an error to show, not a panic
/// (which would abort the whole console); a later visit fetches again.
///
/// Only with the `split` feature (what index.html builds): a split point imports its loader from a
/// placeholder module that only `wasm-split-cli` replaces, so an unsplit wasm — the wasm-bindgen
/// component tests, which mount `App` — could not even be instantiated. Without the feature the
/// views are plain functions of the one module.
mod chunks {
    use leptos::prelude::*;
    #[cfg(feature = "split")]
    use leptos::wasm_split::wasm_split;

    use super::{ChunkError, LazyView};
    use crate::pages;

    #[cfg(feature = "split")]
    macro_rules! split_view {
        ($chunk:ident, $render:ident, $preload:ident, $view:path) => {
            #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload))]
            pub fn $render() -> Result<AnyView, ChunkError> {
                Ok(view! { <$view/> }.into_any())
            }
        };
    }

    #[cfg(not(feature = "split"))]
    macro_rules! split_view {
        ($chunk:ident, $render:ident, $preload:ident, $view:path) => {
            pub async fn $render() -> Result<AnyView, ChunkError> {
                Ok(view! { <$view/> }.into_any())
            }
            pub async fn $preload() -> Result<(), ChunkError> {
                Ok(())
            }
        };
    }

    /// One split point per area: the views of an area share a chunk, and the area's function picks the
    /// view inside it (each split point costs the main module a loader and a stub of its own).
    #[cfg(feature = "split")]
    macro_rules! split_area {
        ($chunk:ident, $render:ident, $preload:ident, $pick:ident) => {
            #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload))]
            pub fn $render(view: LazyView) -> Result<AnyView, ChunkError> {
                Ok($pick(view))
            }
        };
    }

    #[cfg(not(feature = "split"))]
    macro_rules! split_area {
        ($chunk:ident, $render:ident, $preload:ident, $pick:ident) => {
            pub async fn $render(view: LazyView) -> Result<AnyView, ChunkError> {
                Ok($pick(view))
            }
            pub async fn $preload() -> Result<(), ChunkError> {
                Ok(())
            }
        };
    }

    split_view!(cluster_create, create, preload_create, pages::clusters::CreateCluster);
    split_view!(cluster_detail, detail, preload_detail, pages::clusters::ClusterDetail);
    split_area!(jobs_list, jobs, preload_jobs, jobs_view);
    split_view!(job_detail, job, preload_job, pages::jobs::JobDetail);
    split_view!(job_submit, submit, preload_submit, pages::jobs::SubmitJob);
    split_view!(cluster_files, files, preload_files, pages::files::ClusterFiles);
    split_view!(sql_editor, sql, preload_sql, pages::sql::SqlEditor);
    split_view!(settings, settings, preload_settings, pages::settings::Settings);
    split_view!(shortcuts, shortcut_sheet, preload_shortcut_sheet, pages::shortcuts::ShortcutSheet);
    split_area!(scaling, scaling, preload_scaling, scaling_view);
    split_view!(tags, tags, preload_tags, pages::tags::TagsView);
    split_area!(emr_runs, emr_runs, preload_emr_runs, emr_runs_view);
    split_area!(emr_flows, emr_flows, preload_emr_flows, emr_flows_view);
    split_area!(cache, cache, preload_cache, cache_view);

    // The areas' views (only their split functions call these, so each moves into its area's chunk).

    /// The two job lists: one file of code.
    fn jobs_view(view: LazyView) -> AnyView {
        match view {
            LazyView::ClusterJobs => view! { <pages::jobs::ClusterJobs/> }.into_any(),
            _ => view! { <pages::jobs::JobsList/> }.into_any(),
        }
    }

    /// The two scaling views share the editor, simulator and chart code.
    fn scaling_view(view: LazyView) -> AnyView {
        match view {
            LazyView::ClusterScaling => view! { <pages::scaling::ClusterScaling/> }.into_any(),
            _ => view! { <pages::scaling::ScalingOverview/> }.into_any(),
        }
    }

    /// Job runs (list, detail, submit) share the EMR reader and filter code.
    fn emr_runs_view(view: LazyView) -> AnyView {
        match view {
            LazyView::EmrSubmit => view! { <pages::emr::SubmitRun/> }.into_any(),
            LazyView::EmrRun => view! { <pages::emr::RunDetail/> }.into_any(),
            _ => view! { <pages::emr::JobRuns/> }.into_any(),
        }
    }

    /// Flow jobs: projects and jobs, a job, instances, an instance.
    fn emr_flows_view(view: LazyView) -> AnyView {
        match view {
            LazyView::EmrFlowJob => view! { <pages::emr::FlowJobPage/> }.into_any(),
            LazyView::EmrInstances => view! { <pages::emr::FlowInstances/> }.into_any(),
            LazyView::EmrInstance => view! { <pages::emr::FlowInstance/> }.into_any(),
            _ => view! { <pages::emr::FlowJobs/> }.into_any(),
        }
    }

    /// The Cache views (Alluxio) share their reader, meters and forms.
    fn cache_view(view: LazyView) -> AnyView {
        match view {
            LazyView::CacheJobs => view! { <pages::cache::CacheJobs/> }.into_any(),
            LazyView::CacheJobDetail => view! { <pages::cache::CacheJobDetail/> }.into_any(),
            LazyView::CacheNamespace => view! { <pages::cache::CacheNamespace/> }.into_any(),
            LazyView::CachePolicies => view! { <pages::cache::CachePolicies/> }.into_any(),
            LazyView::CacheMaintenance => view! { <pages::cache::CacheMaintenance/> }.into_any(),
            _ => view! { <pages::cache::CacheOverview/> }.into_any(),
        }
    }
}

/// What a lazy view shows when its chunk did not arrive.
fn chunk_view(loaded: Result<AnyView, ChunkError>) -> AnyView {
    loaded.unwrap_or_else(|ChunkError| {
        let error = ApiError { status: 0, code: NETWORK.into(), detail: Detail::ViewCode, request_id: None };
        view! {
            <section class="page">
                <ErrorPanel
                    error=error
                    title=tr!(app.view_failed)
                    hint=tr!(app.view_failed_hint)
                />
                <p><button type="button" class="btn btn-primary" id="chunk-reload"
                    on:click=|_| { let _ = window().location().reload(); }>{tr!(app.reload)}</button></p>
            </section>
        }
        .into_any()
    })
}

/// The views loaded on demand, as one route view type for all of them: a Leptos `Lazy<T>` per view put
/// a copy of the route's async machinery into the main module for each (the initial load has a budget).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LazyView {
    CreateCluster,
    ClusterDetail,
    ClusterJobs,
    JobDetail,
    ClusterFiles,
    ClusterScaling,
    Tags,
    Scaling,
    Jobs,
    SubmitJob,
    EmrRuns,
    EmrSubmit,
    EmrRun,
    EmrFlows,
    EmrFlowJob,
    EmrInstances,
    EmrInstance,
    Sql,
    Settings,
    CacheOverview,
    CacheJobs,
    CacheJobDetail,
    CacheNamespace,
    CachePolicies,
    CacheMaintenance,
}

impl LazyView {
    /// The view at `path` (relative to the base), as the routes below match it.
    pub fn at(path: &str) -> Option<LazyView> {
        Some(match segments(path).as_slice() {
            ["clusters", "create"] => LazyView::CreateCluster,
            ["clusters", _] => LazyView::ClusterDetail,
            ["clusters", _, "jobs"] => LazyView::ClusterJobs,
            ["clusters", _, "jobs", _] => LazyView::JobDetail,
            ["clusters", _, "files"] => LazyView::ClusterFiles,
            ["clusters", _, "scaling"] => LazyView::ClusterScaling,
            ["tags"] => LazyView::Tags,
            ["scaling"] => LazyView::Scaling,
            ["jobs"] => LazyView::Jobs,
            ["jobs", "submit"] => LazyView::SubmitJob,
            ["emr", "runs"] => LazyView::EmrRuns,
            ["emr", "runs", "submit"] => LazyView::EmrSubmit,
            ["emr", "runs", _, _] => LazyView::EmrRun,
            ["emr", "flows"] => LazyView::EmrFlows,
            ["emr", "flows", _, "jobs", _] => LazyView::EmrFlowJob,
            ["emr", "flows", _, "instances"] => LazyView::EmrInstances,
            ["emr", "flows", _, "instances", _] => LazyView::EmrInstance,
            ["sql"] => LazyView::Sql,
            ["settings"] => LazyView::Settings,
            ["cache"] => LazyView::CacheOverview,
            ["cache", "jobs"] => LazyView::CacheJobs,
            ["cache", "jobs", _, _] => LazyView::CacheJobDetail,
            ["cache", "namespace"] => LazyView::CacheNamespace,
            ["cache", "policies"] => LazyView::CachePolicies,
            ["cache", "maintenance"] => LazyView::CacheMaintenance,
            _ => return None,
        })
    }

    async fn render(self) -> Result<AnyView, ChunkError> {
        match self {
            LazyView::CreateCluster => chunks::create().await,
            LazyView::ClusterDetail => chunks::detail().await,
            LazyView::ClusterJobs | LazyView::Jobs => chunks::jobs(self).await,
            LazyView::JobDetail => chunks::job().await,
            LazyView::ClusterFiles => chunks::files().await,
            LazyView::ClusterScaling | LazyView::Scaling => chunks::scaling(self).await,
            LazyView::Tags => chunks::tags().await,
            LazyView::SubmitJob => chunks::submit().await,
            LazyView::EmrRuns | LazyView::EmrSubmit | LazyView::EmrRun => chunks::emr_runs(self).await,
            LazyView::EmrFlows | LazyView::EmrFlowJob | LazyView::EmrInstances | LazyView::EmrInstance => {
                chunks::emr_flows(self).await
            }
            LazyView::Sql => chunks::sql().await,
            LazyView::Settings => chunks::settings().await,
            LazyView::CacheOverview
            | LazyView::CacheJobs
            | LazyView::CacheJobDetail
            | LazyView::CacheNamespace
            | LazyView::CachePolicies
            | LazyView::CacheMaintenance => chunks::cache(self).await,
        }
    }

    /// Fetches the view's chunk (a failure shows when the view is opened).
    async fn fetch(self) {
        let _ = match self {
            LazyView::CreateCluster => chunks::preload_create().await,
            LazyView::ClusterDetail => chunks::preload_detail().await,
            LazyView::ClusterJobs | LazyView::Jobs => chunks::preload_jobs().await,
            LazyView::JobDetail => chunks::preload_job().await,
            LazyView::ClusterFiles => chunks::preload_files().await,
            LazyView::ClusterScaling | LazyView::Scaling => chunks::preload_scaling().await,
            LazyView::Tags => chunks::preload_tags().await,
            LazyView::SubmitJob => chunks::preload_submit().await,
            LazyView::EmrRuns | LazyView::EmrSubmit | LazyView::EmrRun => chunks::preload_emr_runs().await,
            LazyView::EmrFlows | LazyView::EmrFlowJob | LazyView::EmrInstances | LazyView::EmrInstance => {
                chunks::preload_emr_flows().await
            }
            LazyView::Sql => chunks::preload_sql().await,
            LazyView::Settings => chunks::preload_settings().await,
            LazyView::CacheOverview
            | LazyView::CacheJobs
            | LazyView::CacheJobDetail
            | LazyView::CacheNamespace
            | LazyView::CachePolicies
            | LazyView::CacheMaintenance => chunks::preload_cache().await,
        };
    }
}

impl ChooseView for LazyView {
    async fn choose(self) -> AnyView {
        // The views' texts, styles and the shared rules' messages travel with the views, not the landing view.
        let (loaded, (), ()) =
            futures_util::future::join3(self.render(), crate::i18n::need_view_texts(), need_view_styles()).await;
        chunk_view(loaded)
    }

    async fn preload(&self) {
        self.fetch().await;
    }
}

thread_local! {
    /// Settles once `views.css` has loaded (or failed to).
    static VIEW_STYLES: std::cell::RefCell<Option<js_sys::Promise>> = const { std::cell::RefCell::new(None) };
}

/// The styles only the views loaded on demand use (`views.css`, written by scripts/lazy-assets.py): added
/// to the document's head by the first of them, which waits for it so that no view shows unstyled. A
/// sheet that fails to load is logged by the browser and the view shows all the same.
async fn need_view_styles() {
    let settled = VIEW_STYLES.with(|cell| cell.borrow_mut().get_or_insert_with(add_view_styles).clone());
    let _ = wasm_bindgen_futures::JsFuture::from(settled).await;
}

fn add_view_styles() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        let doc = document();
        let (Ok(link), Some(head)) = (doc.create_element("link"), doc.head()) else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", &crate::i18n::asset_url("views.css"));
        let _ = link.set_attribute("data-lakedeck-views", "");
        let done: js_sys::Function = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        })
        .unchecked_into();
        let _ = link.add_event_listener_with_callback("load", &done);
        let _ = link.add_event_listener_with_callback("error", &done);
        let _ = head.append_child(&link);
    })
}

/// Takes `views.css` off the page (an in-page console being unmounted); the next view adds it again.
pub fn remove_view_styles() {
    VIEW_STYLES.with(|cell| cell.borrow_mut().take());
    if let Ok(links) = document().query_selector_all("link[data-lakedeck-views]") {
        for i in 0..links.length() {
            if let Some(node) = links.item(i) {
                if let Some(parent) = node.parent_node() {
                    let _ = parent.remove_child(&node);
                }
            }
        }
    }
}

/// The segments of a console path (relative to the base, without query).
fn segments(path: &str) -> Vec<&str> {
    path.split(['?', '#']).next().unwrap_or("").split('/').filter(|s| !s.is_empty()).collect()
}

/// Whether the keyboard shortcut sheet is open (the shell's `?`; the sheet's chunk reads it).
#[derive(Clone, Copy)]
pub struct SheetOpen(pub RwSignal<bool>);

/// Starts fetching the shortcut sheet's chunk (pointer or focus on its button).
fn preload_sheet() {
    leptos::task::spawn_local(async {
        let _ = chunks::preload_shortcut_sheet().await;
    });
}

/// Starts fetching the chunk of the view at `path` (relative to the base).
fn preload_view(path: &str) {
    if let Some(view) = LazyView::at(path) {
        leptos::task::spawn_local(view.fetch());
    }
}

/// The name of the view at `path` (relative to the base), in the current language: the document's
/// title in a page of its own, the portal's in an iframe.
pub fn view_title(path: &str) -> String {
    match segments(path).as_slice() {
        [] | ["clusters"] => t!(nav.clusters),
        ["clusters", "create"] => t!(view.create_cluster),
        ["clusters", _] => t!(view.cluster),
        ["clusters", _, "jobs"] | ["jobs"] => t!(nav.jobs),
        ["clusters", _, "jobs", _] => t!(view.job),
        ["clusters", _, "files"] => t!(view.files),
        ["clusters", _, "scaling"] | ["scaling"] => t!(nav.scaling),
        ["tags"] => t!(nav.tags),
        ["jobs", "submit"] => t!(view.submit_job),
        ["emr", "runs"] | ["emr", "runs", _, _] => t!(nav.emr_runs),
        ["emr", "runs", "submit"] => t!(view.emr_submit),
        ["emr", "flows", ..] => t!(nav.emr_flows),
        ["sql"] => t!(nav.sql),
        ["settings"] => t!(nav.settings),
        ["cache", ..] => t!(nav.cache),
        _ => t!(not_found.title),
    }
}

/// `path` without the base path, or None when it is outside it.
fn within_base<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    if base.is_empty() {
        return Some(path);
    }
    path.strip_prefix(base).filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

// ---------------------------------------------------------------------------------------------
// App and shell

/// The console: the host (`crate::state::host::current`) says how it is hosted.
#[component]
pub fn App() -> impl IntoView {
    let host = crate::state::host::current();
    let theme = host.theme().unwrap_or_else(Theme::load);
    let session: Session = Store::new(SessionState::new(theme));
    provide_context(session);
    provide_context(RefreshBus::new());
    host.attach_session(session);

    let source = host.config_source().clone();
    let host_token = host.token();
    leptos::task::spawn_local(async move {
        let loaded = match source {
            ConfigSource::Inline(config) => Ok(config),
            ConfigSource::Url(url) => fetch_static::<lakedeck_api::config::ConsoleConfig>(&url).await,
        };
        session.finish_loading(loaded);
        // A token the host handed over wins over config.json's and this tab's.
        if let Some(token) = host_token {
            session.token().set(token);
        }
        session.refresh_who();
    });
    // The texts of the language to show, fetched beside config.json; nothing is shown before them.
    let texts_error = RwSignal::new(None);
    if !i18n::is_ready_untracked() {
        leptos::task::spawn_local(async move {
            if let Err(e) = i18n::start().await {
                texts_error.set(Some(e));
            }
        });
    }

    let base = base_path();
    view! {
        <When when=i18n::is_ready fallback=move || texts_error.get().map(|e| view! {
            // No catalog could be loaded, so this one message is in both languages.
            <div class="error-panel" role="alert" lang="en">
                // i18n-allow: shown when no catalog could be loaded.
                <strong class="error-title">"The console's texts could not be loaded. 无法加载控制台的界面文本。"</strong>
                <p class="error-message">{format!("{}: {:?}", e.code, e.detail)}</p>
            </div>
        })>
            <Router base=base.clone()>
                <Shell/>
            </Router>
        </When>
    }
}

fn is_typing_target(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
}

#[component]
fn Shell() -> impl IntoView {
    let host = crate::state::host::current();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let navigate = use_navigate();
    let location = use_location();
    let sheet_open = RwSignal::new(false);
    provide_context(SheetOpen(sheet_open));
    let sheet_wanted = Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || sheet_open.get());
    let mode = host.mode();
    let root = NodeRef::<leptos::html::Div>::new();

    {
        let navigate = navigate.clone();
        host.attach_navigate(Rc::new(move |path: &str| navigate(path, Default::default())));
    }

    // In-page: start inside the console's own URLs (the portal mounted it, so it is the console's turn).
    if mode == HostMode::Inline && within_base(&window().location().pathname().unwrap_or_default(), &base_path()).is_none() {
        let navigate = navigate.clone();
        request_animation_frame(move || navigate("/clusters", leptos_router::NavigateOptions { replace: true, ..Default::default() }));
    }

    // config.json failed: open Settings so the user can enter the endpoint by hand.
    {
        let navigate = navigate.clone();
        // Runs until the configuration is settled, then reads nothing more (and so never reruns).
        let done = StoredValue::new(false);
        crate::state::run_effect(move || {
            if done.get_value() {
                return;
            }
            match session.config_status().get() {
                ConfigStatus::Failed(_) => {
                    let path = location.pathname.get_untracked();
                    let at_root = path.trim_end_matches('/') == base_path();
                    // The root route redirects by itself (RedirectTo below knows about the failure).
                    if !at_root && !path.ends_with("/settings") {
                        navigate("/settings", Default::default());
                    }
                    done.set_value(true);
                }
                ConfigStatus::Loaded => done.set_value(true),
                ConfigStatus::Loading => {}
            }
        });
    }

    // The view's title: the document's in a page of its own, the portal's when framed.
    let current = Memo::new(move |_| {
        let path = location.pathname.get();
        let rel = within_base(&path, &base_path()).unwrap_or("").to_string();
        let search = crate::embed::without_embed(&location.search.get());
        if search.is_empty() { rel } else { format!("{rel}?{search}") }
    });
    if mode == HostMode::Page {
        crate::state::run_effect(move || {
            document().set_title(&format!("{} · Lakedeck", view_title(&current.get())));
        });
    }

    // Framed by a portal: the postMessage protocol, once the configuration says who may talk to us.
    // Its listeners and effects belong to the shell (cleaned up with it), not to the effect that waits.
    if mode == HostMode::Frame {
        let owner = Owner::current().expect("the shell runs inside the app's owner");
        let started = StoredValue::new(false);
        let host = host.clone();
        crate::state::run_effect(move || {
            if started.get_value() || session.config_status().with(|s| *s == ConfigStatus::Loading) {
                return;
            }
            started.set_value(true);
            let host = host.clone();
            owner.with(move || start_portal(host, session, root, current));
        });
    }

    // Keyboard shortcuts (the sheet lists them: crate::pages::shortcuts::SHORTCUTS): the whole window in a page of its own or a frame; inside the
    // console only when mounted into a host page, whose own keys stay its own.
    let g_pending = StoredValue::new(0f64);
    let nav = navigate.clone();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() || is_typing_target(&ev) {
            return;
        }
        let key = ev.key();
        let now = js_sys::Date::now();
        let after_g = now - g_pending.get_value() < 1500.0;
        g_pending.set_value(0.0);
        let modal_open = document().query_selector("[role=dialog]:not(#shortcut-sheet)").ok().flatten().is_some();
        if modal_open {
            return;
        }
        match key.as_str() {
            "?" => {
                ev.prevent_default();
                sheet_open.update(|o| *o = !*o);
            }
            "Escape" => sheet_open.set(false),
            _ if sheet_open.get_untracked() => {}
            "g" => g_pending.set_value(now),
            "c" if after_g => nav("/clusters", Default::default()),
            "j" if after_g => nav("/jobs", Default::default()),
            "e" if after_g => nav("/emr/runs", Default::default()),
            "f" if after_g => nav("/emr/flows", Default::default()),
            "q" if after_g => nav("/sql", Default::default()),
            "s" if after_g => nav("/settings", Default::default()),
            "n" => nav("/clusters/create", Default::default()),
            "r" => refresh.bump(),
            "/" => {
                if let Some(el) = document()
                    .query_selector(SEARCH_FIELDS)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    ev.prevent_default();
                    let _ = el.focus();
                }
            }
            _ => {}
        }
    };
    let inline = mode == HostMode::Inline;
    if !inline {
        let on_key = on_key.clone();
        let handle = window_event_listener(leptos::ev::keydown, on_key);
        on_cleanup(move || handle.remove());
    }

    // Fetch a view's chunk as soon as the pointer or focus reaches a link to it.
    let last_hint = StoredValue::new(String::new());
    let hint = move |target: Option<web_sys::EventTarget>| {
        let Some(link) = target
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let Ok(url) = web_sys::Url::new_with_base(&link.get_attribute("href").unwrap_or_default(), &document().base_uri().ok().flatten().unwrap_or_default()) else {
            return;
        };
        let path = url.pathname();
        if last_hint.with_value(|l| *l == path) {
            return;
        }
        if let Some(rel) = within_base(&path, &base_path()) {
            preload_view(rel);
        }
        last_hint.set_value(path);
    };

    let project = move || {
        let p = session.config().with(|c| c.project_id.clone());
        if p.is_empty() { t!(app.no_project) } else { p }
    };
    let sandbox = move || session.config().with(|c| c.sandbox);
    let on_theme = move |ev: leptos::ev::Event| session.set_theme(Theme::parse(&event_target_value(&ev)));
    let on_lang = move |ev: leptos::ev::Event| i18n::choose(Choice::parse(&event_target_value(&ev)));

    let config_error = move || match session.config_status().get() {
        ConfigStatus::Failed(e) => Some(view! {
            <ErrorPanel error=e title=tr!(app.config_failed) hint=tr!(app.config_failed_hint)/>
        }.into_any()),
        _ => None,
    };
    let loading = move || session.config_status().with(|s| *s == ConfigStatus::Loading);
    // Side navigation: plain links (the router handles their clicks) marked `aria-current="page"`
    // while the location is inside their section, as the router's `<A>` does.
    let nav_current = move |section: &str| {
        let target = href(section);
        location.pathname.with(|p| p == &target || p.starts_with(&format!("{target}/"))).then_some("page")
    };
    let mode_class = match mode {
        HostMode::Page => "lakedeck lakedeck-page",
        HostMode::Frame => "lakedeck lakedeck-frame",
        HostMode::Inline => "lakedeck lakedeck-inline",
    };
    let chrome = mode != HostMode::Frame;

    view! {
        <div class=mode_class node_ref=root data-theme=move || session.theme().get().attr()
            on:keydown=move |ev| if inline { on_key(ev) }
            on:pointerover=move |ev| hint(ev.target())
            on:focusin=move |ev| hint(ev.target())
        >
        <a class="skip-link" href="#main">{tr!(app.skip)}</a>
        <When when=move || chrome>
        <header class="app-header">
            <a class="brand" href=href("/clusters")>
                <span class="brand-mark" aria-hidden="true"></span>
                <span class="brand-name">"Lakedeck"</span>
            </a>
            <div class="header-project" title=tr!(app.project_title)>
                <span class="muted">{tr!(app.project)}</span>
                <code id="header-project" title=project>{move || project()}</code>
                <When when=sandbox>
                    <span class="badge badge-sandbox" title=tr!(app.sandbox_title)>{tr!(app.sandbox)}</span>
                </When>
                {move || match session.who().get() {
                    crate::state::Who::User(w) => Some(view! {
                        <span class="badge" id="header-user" title=tr!(app.user_title)>{format!("{} · {}", w.user, w.role)}</span>
                    }),
                    _ => None,
                }}
            </div>
            <div class="header-tools">
                <label class="theme-label" for="lang-select">{tr!(app.language)}</label>
                <select id="lang-select" class="input input-sm" on:change=on_lang
                    aria-busy=move || i18n::pending().is_some().to_string()>
                    <option value="auto" selected=move || i18n::choice() == Choice::Auto>
                        {move || t!(app.language_auto, language = i18n::lang().native_name())}
                    </option>
                    {Lang::ALL.into_iter().map(|l| view! {
                        <option value=l.tag() lang=l.tag() selected=move || i18n::choice() == Choice::Fixed(l)>{l.native_name()}</option>
                    }).collect_view()}
                </select>
                <label class="theme-label" for="theme-select">{tr!(app.theme)}</label>
                <select id="theme-select" class="input input-sm" on:change=on_theme>
                    {Theme::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=move || session.theme().get() == t>{move || t.label()}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="btn-icon" aria-label=tr!(app.shortcuts) title=tr!(app.shortcuts_title)
                    aria-haspopup="dialog" on:click=move |_| sheet_open.set(true)
                    on:pointerenter=|_| preload_sheet() on:focus=|_| preload_sheet()>
                    "?"
                </button>
            </div>
        </header>
        </When>
        <div class="layout">
            <When when=move || chrome>
            <nav class="side-nav" aria-label=tr!(app.main_nav)>
                <ul>
                    <li><a href=href("/clusters") id="nav-clusters" aria-current=move || nav_current("/clusters")>
                        <span class="nav-icon" aria-hidden="true">"▦"</span>{tr!(nav.clusters)}
                    </a></li>
                    <li><a href=href("/jobs") id="nav-jobs" aria-current=move || nav_current("/jobs")>
                        <span class="nav-icon" aria-hidden="true">"≡"</span>{tr!(nav.jobs)}
                    </a></li>
                    <li><a href=href("/emr/runs") id="nav-emr-runs" aria-current=move || nav_current("/emr/runs")>
                        <span class="nav-icon" aria-hidden="true">"▶"</span>{tr!(nav.emr_runs)}
                    </a></li>
                    <li><a href=href("/emr/flows") id="nav-emr-flows" aria-current=move || nav_current("/emr/flows")>
                        <span class="nav-icon" aria-hidden="true">"⇢"</span>{tr!(nav.emr_flows)}
                    </a></li>
                    <li><a href=href("/cache") id="nav-cache" aria-current=move || nav_current("/cache")>
                        <span class="nav-icon" aria-hidden="true">"◎"</span>{tr!(nav.cache)}
                    </a></li>
                    <li><a href=href("/sql") id="nav-sql" aria-current=move || nav_current("/sql")>
                        <span class="nav-icon" aria-hidden="true">"⌨"</span>{tr!(nav.sql)}
                    </a></li>
                    <li><a href=href("/tags") id="nav-tags" aria-current=move || nav_current("/tags")>
                        <span class="nav-icon" aria-hidden="true">"#"</span>{tr!(nav.tags)}
                    </a></li>
                    <li><a href=href("/scaling") id="nav-scaling" aria-current=move || nav_current("/scaling")>
                        <span class="nav-icon" aria-hidden="true">"⇅"</span>{tr!(nav.scaling)}
                    </a></li>
                    <li><a href=href("/settings") id="nav-settings" aria-current=move || nav_current("/settings")>
                        <span class="nav-icon" aria-hidden="true">"⚙"</span>{tr!(nav.settings)}
                    </a></li>
                </ul>
            </nav>
            </When>
            <main id="main" class="content" tabindex="-1">
                {move || config_error()}
                {move || session.who().with(crate::state::session::read_only_reason).map(|reason| view! {
                    <p class="notice" id="read-only-notice" role="status">{reason}</p>
                })}
                <When when=move || !loading() fallback=|| view! { <Spinner label=tr!(app.loading_config)/> }>
                    <FlatRoutes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/") view=|| view! { <RedirectTo path="/clusters"/> }/>
                        <Route path=path!("/clusters") view=ClustersList/>
                        <Route path=path!("/clusters/create") view=LazyView::CreateCluster/>
                        <Route path=path!("/clusters/:id") view=LazyView::ClusterDetail/>
                        <Route path=path!("/clusters/:id/jobs") view=LazyView::ClusterJobs/>
                        <Route path=path!("/clusters/:id/jobs/:job") view=LazyView::JobDetail/>
                        <Route path=path!("/clusters/:id/files") view=LazyView::ClusterFiles/>
                        <Route path=path!("/clusters/:id/scaling") view=LazyView::ClusterScaling/>
                        <Route path=path!("/tags") view=LazyView::Tags/>
                        <Route path=path!("/scaling") view=LazyView::Scaling/>
                        <Route path=path!("/jobs") view=LazyView::Jobs/>
                        <Route path=path!("/jobs/submit") view=LazyView::SubmitJob/>
                        <Route path=path!("/emr/runs") view=LazyView::EmrRuns/>
                        <Route path=path!("/emr/runs/submit") view=LazyView::EmrSubmit/>
                        <Route path=path!("/emr/runs/:ws/:run") view=LazyView::EmrRun/>
                        <Route path=path!("/emr/flows") view=LazyView::EmrFlows/>
                        <Route path=path!("/emr/flows/:project/jobs/:job") view=LazyView::EmrFlowJob/>
                        <Route path=path!("/emr/flows/:project/instances") view=LazyView::EmrInstances/>
                        <Route path=path!("/emr/flows/:project/instances/:instance") view=LazyView::EmrInstance/>
                        <Route path=path!("/cache") view=LazyView::CacheOverview/>
                        <Route path=path!("/cache/jobs") view=LazyView::CacheJobs/>
                        <Route path=path!("/cache/jobs/:kind/:id") view=LazyView::CacheJobDetail/>
                        <Route path=path!("/cache/namespace") view=LazyView::CacheNamespace/>
                        <Route path=path!("/cache/policies") view=LazyView::CachePolicies/>
                        <Route path=path!("/cache/maintenance") view=LazyView::CacheMaintenance/>
                        <Route path=path!("/sql") view=LazyView::Sql/>
                        <Route path=path!("/settings") view=LazyView::Settings/>
                    </FlatRoutes>
                </When>
            </main>
        </div>
        // The sheet (its dialog too) is a chunk of its own, fetched when it is first opened; it stays
        // mounted after that, so the dialog gives focus back when it closes.
        {move || sheet_wanted.get().then(|| view! {
            <Suspense fallback=|| ()>
                {Suspend::new(send_wrapper::SendWrapper::new(async {
                    let (loaded, (), ()) = futures_util::future::join3(
                        chunks::shortcut_sheet(),
                        crate::i18n::need_view_texts(),
                        need_view_styles(),
                    )
                    .await;
                    chunk_view(loaded)
                }))}
            </Suspense>
        })}
        </div>
    }
}

/// The portal end of an embedded console (`crate::embed`): listens to the portal, then tells it that
/// the console is ready, where it is, what the view is called, how tall it is and when the token failed.
fn start_portal(host: Host, session: Session, root: NodeRef<leptos::html::Div>, current: Memo<String>) {
    let Some(portal) = session.config().with_untracked(|c| Portal::connect(&c.embed)) else { return };
    portal.listen(host);
    {
        let portal = portal.clone();
        crate::api::on_unauthorized(Some(Rc::new(move || portal.post("token-expired", &[("status", 401.into())]))));
        on_cleanup(|| crate::api::on_unauthorized(None));
    }
    if let Some(el) = root.get_untracked() {
        portal.report_height(el.into());
    }
    portal.post("ready", &[("version", crate::embed::PROTOCOL_VERSION.into())]);
    crate::state::run_effect(move || {
        let at = current.get();
        portal.post("location", &[("path", at.as_str().into())]);
        portal.post("title", &[("title", view_title(&at).into())]);
    });
}

/// Client-side redirect (replaces the history entry); goes to Settings instead when the
/// configuration could not be loaded.
#[component]
fn RedirectTo(path: &'static str) -> impl IntoView {
    let navigate = use_navigate();
    let session = use_session();
    crate::state::run_effect(move || {
        let failed = matches!(session.config_status().get_untracked(), ConfigStatus::Failed(_));
        let to = if failed { "/settings" } else { path };
        navigate(to, leptos_router::NavigateOptions { replace: true, ..Default::default() });
    });
}
