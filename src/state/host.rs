//! How the console is hosted: a page of its own, an iframe in a portal (`?embed=1`) or mounted into a
//! host page's element; the path prefix it owns (from `<base href>` or the mount options); where its
//! configuration comes from; and the levers a host pulls from outside the view tree (token, theme,
//! navigation). One console per page at a time (the router listens on `window`), so these live in
//! thread-locals set when a console mounts.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use lakedeck_api::config::ConsoleConfig;
use leptos::prelude::*;

use super::session::SessionExt;
use super::{Session, SessionStateStoreFields, Theme};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostMode {
    /// index.html: the console is the page.
    Page,
    /// index.html?embed=1 inside a portal's iframe: no header or side navigation, the portal talks to
    /// it through postMessage (`crate::embed`).
    Frame,
    /// `mount(element, options)` from a host page's script.
    Inline,
}

#[derive(Clone, Debug)]
pub enum ConfigSource {
    /// A config.json to fetch (relative URLs resolve against the page, as `fetch` does).
    Url(String),
    Inline(ConsoleConfig),
}

/// Navigation inside the console, as the router does it.
pub type NavigateFn = Rc<dyn Fn(&str)>;

struct Inner {
    mode: HostMode,
    base: String,
    config: ConfigSource,
    token: RefCell<Option<String>>,
    theme: Cell<Option<Theme>>,
    locale: RefCell<Option<String>>,
    session: Cell<Option<Session>>,
    navigate: RefCell<Option<NavigateFn>>,
}

/// The hosting of the mounted console; cheap to clone.
#[derive(Clone)]
pub struct Host(Rc<Inner>);

thread_local! {
    static CURRENT: RefCell<Option<Host>> = const { RefCell::new(None) };
    static BASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The host of the mounted console (a stand-alone page's when none is mounted, e.g. in component tests).
pub fn current() -> Host {
    CURRENT.with(|c| c.borrow().clone())
        .unwrap_or_else(|| Host::new(HostMode::Page, String::new(), ConfigSource::Url("config.json".into())))
}

/// The path prefix the console is hosted under ("" at the root, `/ops/lakedeck` under a sub-path).
pub fn base_path() -> String {
    BASE.with(|b| b.borrow().clone())
}

/// How the mounted console is hosted.
pub fn mode() -> HostMode {
    CURRENT.with(|c| c.borrow().as_ref().map(|h| h.mode()).unwrap_or(HostMode::Page))
}

/// `/console/` or `console` → `/console`; `/` → "".
pub fn normalize_base(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// The path of the document's base URL: `<base href="/console/">` → `/console`; "" without one.
pub fn document_base_path() -> String {
    let doc = document();
    if doc.query_selector("base[href]").ok().flatten().is_none() {
        return String::new();
    }
    let Some(uri) = doc.base_uri().ok().flatten() else { return String::new() };
    url_path(&uri).map(|p| normalize_base(&p)).unwrap_or_default()
}

/// `scheme://host/path/?q#f` → `/path/`.
pub fn url_path(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://")?.1;
    let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    Some(path.split(['?', '#']).next().unwrap_or("/").to_string())
}

impl Host {
    pub fn new(mode: HostMode, base: String, config: ConfigSource) -> Host {
        Host(Rc::new(Inner {
            mode,
            base,
            config,
            token: RefCell::new(None),
            theme: Cell::new(None),
            locale: RefCell::new(None),
            session: Cell::new(None),
            navigate: RefCell::new(None),
        }))
    }

    /// Makes this the mounted console's host (`current()`, `base_path()`).
    pub fn install(&self) {
        BASE.with(|b| *b.borrow_mut() = self.0.base.clone());
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
    }

    /// The console unmounted: forget it (and its session store).
    pub fn uninstall(&self) {
        CURRENT.with(|c| {
            if c.borrow().as_ref().is_some_and(|h| Rc::ptr_eq(&h.0, &self.0)) {
                *c.borrow_mut() = None;
            }
        });
        BASE.with(|b| b.borrow_mut().clear());
        self.0.session.set(None);
        self.0.navigate.borrow_mut().take();
    }

    pub fn mode(&self) -> HostMode {
        self.0.mode
    }

    pub fn base_path(&self) -> &str {
        &self.0.base
    }

    pub fn config_source(&self) -> &ConfigSource {
        &self.0.config
    }

    /// Values a host gives before the console has started (mount options).
    pub fn preset(&self, token: Option<String>, theme: Option<Theme>, locale: Option<String>) {
        *self.0.token.borrow_mut() = token;
        self.0.theme.set(theme);
        crate::i18n::set_host_locale(locale.as_deref());
        *self.0.locale.borrow_mut() = locale;
    }

    /// The token the host handed over, if any (it wins over config.json and this tab's Settings).
    pub fn token(&self) -> Option<String> {
        self.0.token.borrow().clone()
    }

    pub fn theme(&self) -> Option<Theme> {
        self.0.theme.get()
    }

    /// The locale the host asked for (`en`, `zh-CN`), if any.
    pub fn locale(&self) -> Option<String> {
        self.0.locale.borrow().clone()
    }

    /// Called by the app once its session store exists.
    pub fn attach_session(&self, session: Session) {
        self.0.session.set(Some(session));
    }

    /// Called by the shell once the router exists.
    pub fn attach_navigate(&self, navigate: NavigateFn) {
        *self.0.navigate.borrow_mut() = Some(navigate);
    }

    pub fn set_token(&self, token: &str) {
        let token = token.trim().to_string();
        *self.0.token.borrow_mut() = Some(token.clone()).filter(|t| !t.is_empty());
        if let Some(session) = self.0.session.get() {
            session.token().set(token);
        }
    }

    pub fn set_theme(&self, theme: Theme) {
        self.0.theme.set(Some(theme));
        if let Some(session) = self.0.session.get() {
            session.set_theme(theme);
        }
    }

    /// The host's language: used unless the user chose one in Settings (switches without a reload).
    pub fn set_locale(&self, locale: &str) {
        crate::i18n::set_host_locale(Some(locale));
        *self.0.locale.borrow_mut() = Some(locale.to_string());
    }

    /// Goes to a console path (`/jobs`); ignored until the router is up or for paths that do not start
    /// with `/` (a host cannot send the console elsewhere).
    pub fn navigate(&self, path: &str) {
        if !path.starts_with('/') || path.starts_with("//") {
            return;
        }
        let navigate = self.0.navigate.borrow().clone();
        if let Some(navigate) = navigate {
            navigate(path);
        }
    }
}
