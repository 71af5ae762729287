//! Light / dark / system theme, kept in localStorage (with the SQL drafts; never the token).

const KEY: &str = "lakedeck.theme";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }

    /// The theme's name in the current language (tracked).
    pub fn label(self) -> String {
        match self {
            Theme::Light => crate::t!(theme.light),
            Theme::Dark => crate::t!(theme.dark),
            Theme::System => crate::t!(theme.system),
        }
    }

    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The stored choice (System when nothing is stored or storage is unavailable).
    pub fn load() -> Theme {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .map(|v| Theme::parse(&v))
            .unwrap_or_default()
    }

    pub fn store(self) {
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(KEY, self.as_str());
        }
    }

    /// Sets `data-theme` on `<html>` (`light`/`dark`); System removes it so the CSS follows
    /// `prefers-color-scheme`.
    pub fn apply(self) {
        let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return;
        };
        let _ = match self {
            Theme::System => root.remove_attribute("data-theme"),
            t => root.set_attribute("data-theme", t.as_str()),
        };
    }
}
