//! The session: where the APIs are (config.json, possibly edited in Settings), the token and the
//! theme. The token lives in memory and in sessionStorage (gone when the tab closes), never in
//! localStorage.

use lakedeck_api::config::ConsoleConfig;
use leptos::prelude::*;
use reactive_stores::Store;
use serde::{Deserialize, Serialize};

use super::Theme;
use crate::api::wire::WhoAmI;
use crate::api::{ApiClient, ApiError};

const TOKEN_KEY: &str = "lakedeck.token";
const OVERRIDES_KEY: &str = "lakedeck.settings";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigStatus {
    #[default]
    Loading,
    Loaded,
    /// config.json is missing or invalid.
    Failed(ApiError),
}

/// Who a gateway signed in (`GET /gateway/whoami`); nothing to ask a sandbox or a cloud endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Who {
    /// Not a gateway, or not asked yet.
    #[default]
    Unknown,
    User(WhoAmI),
    /// The gateway refused the credentials (or could not be asked).
    Refused(ApiError),
}

#[derive(Clone, Debug, Default, Store)]
pub struct SessionState {
    pub config: ConsoleConfig,
    /// Empty when there is none.
    pub token: String,
    pub config_status: ConfigStatus,
    pub theme: Theme,
    pub who: Who,
}

/// Why this user can change nothing here (a gateway viewer), for disabled write buttons; `None`
/// when writes are allowed (or the service will decide).
pub fn read_only_reason(who: &Who) -> Option<String> {
    match who {
        Who::User(w) if !w.can_write => Some(crate::t!(session.read_only, role = w.role)),
        _ => None,
    }
}

/// [`read_only_reason`] of the current session, tracked.
pub fn use_read_only() -> Signal<Option<String>> {
    let session = use_session();
    Signal::derive(move || session.who().with(read_only_reason))
}

/// [`use_read_only`] where a session may be absent (a form or card mounted on its own, as in the
/// component tests): `None` there, so such a component stays usable in isolation.
pub fn use_write_block() -> Signal<Option<String>> {
    if use_context::<Session>().is_some() {
        use_read_only()
    } else {
        Signal::derive(|| None)
    }
}

pub type Session = Store<SessionState>;

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Endpoints, region and project edited in Settings, kept for the tab's lifetime. The EMR fields
/// are absent in what older consoles stored: absent leaves config.json's value in force.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overrides {
    pub mrs: String,
    pub project_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emr_serverless: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emr_region: Option<String>,
}

impl crate::api::wire::FromWire for Overrides {
    fn from_wire(v: &serde_json::Value) -> Self {
        use crate::api::wire::{opt_s, s};
        Overrides {
            mrs: s(&v["mrs"]),
            project_id: s(&v["project_id"]),
            emr_serverless: opt_s(&v["emr_serverless"]),
            emr: opt_s(&v["emr"]),
            emr_region: opt_s(&v["emr_region"]),
        }
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

pub fn stored_token() -> Option<String> {
    session_storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten()).filter(|t| !t.is_empty())
}

pub fn stored_overrides() -> Option<Overrides> {
    session_storage()
        .and_then(|s| s.get_item(OVERRIDES_KEY).ok().flatten())
        .and_then(|v| crate::api::wire::decode(&v).ok())
}

/// Applies overrides from Settings on top of the served config.
pub fn apply_overrides(mut config: ConsoleConfig, o: Option<&Overrides>) -> ConsoleConfig {
    if let Some(o) = o {
        config.endpoints.mrs = o.mrs.clone();
        config.project_id = o.project_id.clone();
        if let Some(v) = &o.emr_serverless {
            config.endpoints.emr_serverless = v.clone();
        }
        if let Some(v) = &o.emr {
            config.endpoints.emr = v.clone();
        }
        if let Some(v) = &o.emr_region {
            config.emr_region = v.clone();
        }
    }
    config
}

impl SessionState {
    pub fn new(theme: Theme) -> SessionState {
        SessionState { theme, ..Default::default() }
    }
}

/// Session operations on the store.
pub trait SessionExt {
    /// A snapshot for one request; tracked, so a resource re-fetches when Settings or the
    /// language change.
    fn client(&self) -> ApiClient;
    fn client_untracked(&self) -> ApiClient;
    /// config.json arrived (or failed): merge with what this tab stored.
    fn finish_loading(&self, loaded: Result<ConsoleConfig, ApiError>);
    /// Settings saved: endpoint, project and token.
    /// Keeps the edited endpoints, region and project (trimmed) and the token for this tab.
    fn save_settings(&self, o: Overrides, token: String);
    fn set_theme(&self, theme: Theme);
    /// Asks a gateway who is signed in (after config.json and after Settings change the token).
    fn refresh_who(&self);
}

impl SessionExt for Session {
    fn client(&self) -> ApiClient {
        // The language is tracked too: a switch reloads the views, so the services' own texts
        // (stages, messages) come back in the new language.
        ApiClient::new(self.config().get(), Some(self.token().get()), crate::i18n::lang())
    }

    fn client_untracked(&self) -> ApiClient {
        ApiClient::new(self.config().get_untracked(), Some(self.token().get_untracked()), crate::i18n::lang_untracked())
    }

    fn finish_loading(&self, loaded: Result<ConsoleConfig, ApiError>) {
        let overrides = stored_overrides();
        let (config, status) = match loaded {
            Ok(c) => (c, ConfigStatus::Loaded),
            Err(e) => (ConsoleConfig::default(), ConfigStatus::Failed(e)),
        };
        let token = stored_token().or_else(|| config.token.clone()).unwrap_or_default();
        let config = apply_overrides(config, overrides.as_ref());
        self.config().set(config);
        self.token().set(token);
        self.config_status().set(status);
    }

    fn save_settings(&self, o: Overrides, token: String) {
        let trim = |v: Option<String>| v.map(|v| v.trim().to_string());
        let o = Overrides {
            mrs: o.mrs.trim().to_string(),
            project_id: o.project_id.trim().to_string(),
            emr_serverless: trim(o.emr_serverless),
            emr: trim(o.emr),
            emr_region: trim(o.emr_region),
        };
        if let Some(s) = session_storage() {
            if let Ok(v) = serde_json::to_string(&o) {
                let _ = s.set_item(OVERRIDES_KEY, &v);
            }
            let token = token.trim();
            let _ = if token.is_empty() { s.remove_item(TOKEN_KEY) } else { s.set_item(TOKEN_KEY, token) };
        }
        self.config().update(|c| *c = apply_overrides(std::mem::take(c), Some(&o)));
        self.token().set(token.trim().to_string());
    }

    fn set_theme(&self, theme: Theme) {
        theme.store();
        self.theme().set(theme);
    }

    fn refresh_who(&self) {
        if !self.config().with_untracked(|c| c.gateway) {
            self.who().set(Who::Unknown);
            return;
        }
        let client = self.client_untracked();
        let who = self.who();
        leptos::task::spawn_local(async move {
            let answer = crate::api::meta::whoami(&client).await;
            let _ = who.try_set(match answer {
                Ok(w) => Who::User(w),
                Err(e) => Who::Refused(e),
            });
        });
    }
}
