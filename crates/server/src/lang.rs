//! STAND-IN for main's "Server: bilingual texts" (crates/server/src/lang.rs), which had not
//! landed when the cache work started; replaced by main's version at merge.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    en: String,
    zh: String,
}

tokio::task_local! {
    static CHINESE: bool;
}

impl Text {
    pub fn pair(en: String, zh: String) -> Text {
        Text { en, zh }
    }

    pub fn en(&self) -> &str {
        &self.en
    }

    pub fn zh(&self) -> &str {
        &self.zh
    }

    /// The text in the current request's language.
    pub fn current(&self) -> String {
        if CHINESE.try_with(|c| *c).unwrap_or(false) {
            self.zh.clone()
        } else {
            self.en.clone()
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text { en: s.clone(), zh: s }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// Runs `f` with the language of a request's headers.
pub async fn scope<F: std::future::Future>(headers: &axum::http::HeaderMap, f: F) -> F::Output {
    let pick = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(|v| v.to_ascii_lowercase());
    let zh = match pick("x-language") {
        Some(l) => l.starts_with("zh"),
        None => pick("accept-language").is_some_and(|l| l.trim_start().starts_with("zh")),
    };
    CHINESE.scope(zh, f).await
}

#[macro_export]
macro_rules! text {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::lang::Text::pair(format!($en), format!($zh))
    };
}
