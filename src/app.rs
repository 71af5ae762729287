//! Router and shell: header (product, project, theme), side navigation, keyboard shortcuts, and
//! start-up (config.json → session store).

use std::sync::OnceLock;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;
use reactive_stores::Store;
use wasm_bindgen::JsCast;

use crate::api::fetch_static;
use crate::components::{Dialog, ErrorPanel, Spinner, When};
use crate::i18n::{self, Choice, Lang};
use crate::pages::clusters::{ClusterDetail, ClustersList, CreateCluster};
use crate::pages::files::ClusterFiles;
use crate::pages::jobs::{ClusterJobs, JobDetail, JobsList, SubmitJob};
use crate::pages::settings::Settings;
use crate::pages::sql::SqlEditor;
use crate::pages::scaling::{ClusterScaling, ScalingOverview};
use crate::pages::tags::TagsView;
use crate::pages::NotFound;
use crate::state::session::SessionExt;
use crate::state::{use_session, ConfigStatus, RefreshBus, Session, SessionState, SessionStateStoreFields, Theme};
use crate::{t, tr};

static BASE: OnceLock<String> = OnceLock::new();

/// The path prefix the console is hosted under ("" at the root), from `<base href>` if present.
pub fn base_path() -> &'static str {
    BASE.get_or_init(|| {
        let doc = document();
        let has_base = doc.query_selector("base[href]").ok().flatten().is_some();
        if !has_base {
            return String::new();
        }
        let Some(uri) = doc.base_uri().ok().flatten() else { return String::new() };
        // scheme://host/path/ → /path
        let after_scheme = uri.split_once("://").map(|(_, r)| r).unwrap_or(&uri);
        let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
        let path = path.split(['?', '#']).next().unwrap_or("/");
        path.trim_end_matches('/').to_string()
    })
}

/// An in-app link target: `href("/clusters")` → `/console/clusters` when hosted under `/console/`.
pub fn href(path: &str) -> String {
    format!("{}{}", base_path(), path)
}

/// The search or filter field `/` focuses, whichever the current view has (first match wins).
const SEARCH_FIELDS: &str =
    "#cluster-search, #job-name-filter, #run-name-filter, #flow-name-filter, #files-goto, .grid-filter, #sql-history-search";

/// A shortcut: its keys (typed one after the other) and what it does, in the current language.
pub type Shortcut = (&'static [&'static str], fn() -> String);

/// The shortcut list shown in the sheet; the handler below implements exactly these.
pub const SHORTCUTS: &[Shortcut] = &[
    (&["?"], || t!(shortcuts.toggle_sheet)),
    (&["Esc"], || t!(shortcuts.close)),
    (&["g", "c"], || t!(shortcuts.go_clusters)),
    (&["g", "j"], || t!(shortcuts.go_jobs)),
    (&["g", "e"], || t!(shortcuts.go_emr_runs)),
    (&["g", "f"], || t!(shortcuts.go_emr_flows)),
    (&["g", "q"], || t!(shortcuts.go_sql)),
    (&["g", "s"], || t!(shortcuts.go_settings)),
    (&["/"], || t!(shortcuts.focus_search)),
    (&["n"], || t!(shortcuts.new_cluster)),
    (&["r"], || t!(shortcuts.refresh)),
];

/// Keys of the SQL editor (bound in tools/editor/sql-editor.js), listed in the sheet for reference.
pub const EDITOR_KEYS: &[Shortcut] = &[
    (&["Ctrl+Enter"], || t!(shortcuts.sql_run)),
    (&["Ctrl+Shift+Enter"], || t!(shortcuts.sql_run_script)),
    (&["Ctrl+Shift+F"], || t!(shortcuts.sql_format)),
    (&["Ctrl+Space"], || t!(shortcuts.sql_complete)),
    (&["Tab"], || t!(shortcuts.sql_accept)),
    (&["↓", "Enter"], || t!(shortcuts.sql_choose)),
    (&["Ctrl+Z"], || t!(shortcuts.sql_undo)),
    (&["Ctrl+Shift+Z"], || t!(shortcuts.sql_redo)),
    (&["Ctrl+F"], || t!(shortcuts.sql_search)),
];

/// Keys of a result grid (src/components/grid.rs), listed in the sheet for reference.
pub const GRID_KEYS: &[Shortcut] = &[
    (&["← ↑ → ↓"], || t!(shortcuts.grid_move)),
    (&["Shift+← ↑ → ↓"], || t!(shortcuts.grid_extend)),
    (&["PageUp", "PageDown"], || t!(shortcuts.grid_page)),
    (&["Home", "End"], || t!(shortcuts.grid_row_ends)),
    (&["Ctrl+Home", "Ctrl+End"], || t!(shortcuts.grid_corners)),
    (&["Ctrl+C"], || t!(shortcuts.grid_copy)),
];

/// One table of the shortcut sheet: `keys` typed one after the other ("then" between them) unless
/// `alternatives`, when each key alone does it ("or" between them).
fn shortcut_table(
    caption: impl Fn() -> String + Send + Sync + Copy + 'static,
    list: &'static [Shortcut],
    alternatives: bool,
) -> impl IntoView {
    view! {
        <table class="shortcut-table">
            <caption class="shortcut-caption">{caption}</caption>
            <tbody>
                {list.iter().map(|(keys, what)| {
                    let keys = keys.iter().enumerate().map(|(i, k)| view! {
                        {(i > 0).then(|| {
                            let joint = if alternatives { tr!(shortcuts.or) } else { tr!(shortcuts.then) };
                            view! { " " {joint} " " }
                        })}<kbd>{*k}</kbd>
                    }).collect_view();
                    view! { <tr><th scope="row">{keys}</th><td>{move || what()}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The document title for a path: the view's name, then the product.
fn view_title(path: &str) -> String {
    let rest = path.strip_prefix(base_path()).unwrap_or(path);
    let mut parts = rest.split('/').filter(|s| !s.is_empty());
    let view = match (parts.next(), parts.next(), parts.next()) {
        (Some("clusters"), Some("create"), _) => t!(wizard.title),
        (Some("clusters"), Some(_), Some("jobs")) | (Some("jobs"), None, _) => t!(nav.jobs),
        (Some("clusters"), Some(_), Some("files")) => t!(files.title),
        (Some("clusters"), _, _) => t!(nav.clusters),
        (Some("jobs"), Some("submit"), _) => t!(submit.title),
        (Some("sql"), _, _) => t!(nav.sql),
        (Some("settings"), _, _) => t!(nav.settings),
        _ => return "Lakedeck".into(),
    };
    format!("{view} · Lakedeck")
}

#[component]
pub fn App() -> impl IntoView {
    let theme = Theme::load();
    theme.apply();
    let session: Session = Store::new(SessionState::new(theme));
    provide_context(session);
    provide_context(RefreshBus::new());

    leptos::task::spawn_local(async move {
        let loaded = fetch_static::<lakedeck_api::config::ConsoleConfig>("config.json").await;
        session.finish_loading(loaded);
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

    let base = base_path().to_string();
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
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let navigate = use_navigate();
    let sheet_open = RwSignal::new(false);

    // config.json failed: open Settings so the user can enter the endpoint by hand.
    {
        let navigate = navigate.clone();
        let location = use_location();
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

    // Keyboard shortcuts (see SHORTCUTS).
    let g_pending = StoredValue::new(0f64);
    let nav = navigate.clone();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
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
    });
    on_cleanup(move || handle.remove());

    let project = move || {
        let p = session.config().with(|c| c.project_id.clone());
        if p.is_empty() { t!(app.no_project) } else { p }
    };
    let sandbox = move || session.config().with(|c| c.sandbox);
    let on_theme = move |ev: leptos::ev::Event| session.set_theme(Theme::parse(&event_target_value(&ev)));
    let on_lang = move |ev: leptos::ev::Event| i18n::choose(Choice::parse(&event_target_value(&ev)));

    // The tab's title names the view, in the current language.
    {
        let location = use_location();
        crate::state::run_effect(move || {
            let title = location.pathname.with(|p| view_title(p));
            document().set_title(&title);
        });
    }

    let config_error = move || match session.config_status().get() {
        ConfigStatus::Failed(e) => Some(view! {
            <ErrorPanel error=e title=tr!(app.config_failed) hint=tr!(app.config_failed_hint)/>
        }.into_any()),
        _ => None,
    };
    let loading = move || session.config_status().with(|s| *s == ConfigStatus::Loading);
    // Side navigation: plain links (the router handles their clicks) marked `aria-current="page"`
    // while the location is inside their section, as the router's `<A>` does.
    let location = use_location();
    let nav_current = move |section: &str| {
        let target = href(section);
        location.pathname.with(|p| p == &target || p.starts_with(&format!("{target}/"))).then_some("page")
    };

    view! {
        <a class="skip-link" href="#main">{tr!(app.skip)}</a>
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
                    aria-haspopup="dialog" on:click=move |_| sheet_open.set(true)>
                    "?"
                </button>
            </div>
        </header>
        <div class="layout">
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
                        <span class="nav-icon" aria-hidden="true">"◎"</span>{tr!(cache.nav)}
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
            <main id="main" class="content" tabindex="-1">
                {move || config_error()}
                {move || session.who().with(crate::state::session::read_only_reason).map(|reason| view! {
                    <p class="notice" id="read-only-notice" role="status">{reason}</p>
                })}
                <When when=move || !loading() fallback=|| view! { <Spinner label=tr!(app.loading_config)/> }>
                    <FlatRoutes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/") view=|| view! { <RedirectTo path="/clusters"/> }/>
                        <Route path=path!("/clusters") view=ClustersList/>
                        <Route path=path!("/clusters/create") view=CreateCluster/>
                        <Route path=path!("/clusters/:id") view=ClusterDetail/>
                        <Route path=path!("/clusters/:id/jobs") view=ClusterJobs/>
                        <Route path=path!("/clusters/:id/jobs/:job") view=JobDetail/>
                        <Route path=path!("/clusters/:id/files") view=ClusterFiles/>
                        <Route path=path!("/clusters/:id/scaling") view=ClusterScaling/>
                        <Route path=path!("/tags") view=TagsView/>
                        <Route path=path!("/scaling") view=ScalingOverview/>
                        <Route path=path!("/jobs") view=JobsList/>
                        <Route path=path!("/jobs/submit") view=SubmitJob/>
                        <Route path=path!("/emr/runs") view=crate::pages::emr::JobRuns/>
                        <Route path=path!("/emr/runs/submit") view=crate::pages::emr::SubmitRun/>
                        <Route path=path!("/emr/runs/:ws/:run") view=crate::pages::emr::RunDetail/>
                        <Route path=path!("/emr/flows") view=crate::pages::emr::FlowJobs/>
                        <Route path=path!("/emr/flows/:project/jobs/:job") view=crate::pages::emr::FlowJobPage/>
                        <Route path=path!("/emr/flows/:project/instances") view=crate::pages::emr::FlowInstances/>
                        <Route path=path!("/emr/flows/:project/instances/:instance") view=crate::pages::emr::FlowInstance/>
                        <Route path=path!("/cache") view=crate::pages::cache::CacheOverview/>
                        <Route path=path!("/cache/jobs") view=crate::pages::cache::CacheJobs/>
                        <Route path=path!("/cache/jobs/:kind/:id") view=crate::pages::cache::CacheJobDetail/>
                        <Route path=path!("/cache/namespace") view=crate::pages::cache::CacheNamespace/>
                        <Route path=path!("/cache/policies") view=crate::pages::cache::CachePolicies/>
                        <Route path=path!("/cache/maintenance") view=crate::pages::cache::CacheMaintenance/>
                        <Route path=path!("/sql") view=SqlEditor/>
                        <Route path=path!("/settings") view=Settings/>
                    </FlatRoutes>
                </When>
            </main>
        </div>
        <Dialog
            open=sheet_open
            on_close=Callback::new(move |_| sheet_open.set(false))
            title=tr!(app.shortcuts)
            id="shortcut-sheet"
        >
            {shortcut_table(tr!(shortcuts.general_title), SHORTCUTS, false)}
            {shortcut_table(tr!(shortcuts.sql_title), EDITOR_KEYS, false)}
            {shortcut_table(tr!(shortcuts.grid_title), GRID_KEYS, true)}
            <p class="hint">{tr!(shortcuts.typing_hint)} {tr!(shortcuts.mac_hint)}</p>
        </Dialog>
    }
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
