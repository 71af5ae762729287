//! The languages the sandbox answers in. MRS clients send `X-Language: zh-cn` or `en-us`; browsers
//! send `Accept-Language`. Every message a client can read is a [`Text`] carrying both languages,
//! and the one to send is picked when the response is written, from the request's language, which
//! the HTTP edge keeps in a task-local for the duration of the request.
//!
//! Engines run on the blocking pool, outside that task, so they never pick: they build `Text`s and
//! the handler's response (inside the task) chooses.

use std::borrow::Cow;
use std::fmt;

use axum::http::HeaderMap;
use lakedeck_api::problem::Problem;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

tokio::task_local! {
    static LANG: Lang;
}

impl Lang {
    /// `X-Language` wins (the MRS convention: `zh-cn`, `en-us`); then the first `Accept-Language`
    /// tag that names Chinese or English; English otherwise.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
        if let Some(l) = Lang::from_tag(header("x-language")) {
            return l;
        }
        header("accept-language")
            .split(',')
            .map(|part| part.split(';').next().unwrap_or("").trim())
            .find_map(Lang::from_tag)
            .unwrap_or_default()
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the request being answered (English outside a request).
    pub fn current() -> Lang {
        LANG.try_with(|l| *l).unwrap_or_default()
    }

    /// Runs `f` as the handling of a request in `self`.
    pub async fn scope<F: std::future::Future>(self, f: F) -> F::Output {
        LANG.scope(self, f).await
    }
}

/// A client-visible message in English and Simplified Chinese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub en: Cow<'static, str>,
    pub zh: Cow<'static, str>,
}

impl Text {
    pub fn new(en: impl Into<Cow<'static, str>>, zh: impl Into<Cow<'static, str>>) -> Text {
        Text { en: en.into(), zh: zh.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    /// The message in the current request's language.
    pub fn current(&self) -> &str {
        self.get(Lang::current())
    }
}

/// A [`Text`] stored with a record (an Alluxio job, an EMR run or flow instance): owned and
/// serializable; the request that reads the record picks the language.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Msg {
    pub en: String,
    pub zh: String,
}

impl From<Text> for Msg {
    fn from(t: Text) -> Msg {
        Msg { en: t.en.into_owned(), zh: t.zh.into_owned() }
    }
}

impl Msg {
    pub fn text(&self) -> Text {
        Text::new(self.en.clone(), self.zh.clone())
    }

    /// In the language of the request being answered.
    pub fn current(&self) -> String {
        self.text().current().to_owned()
    }
}

/// Text that has only one form in either language: an engine's own words (DataFusion's parse
/// errors, an OS error) that the sandbox passes on unchanged.
impl From<String> for Text {
    fn from(s: String) -> Text {
        Text { zh: Cow::Owned(s.clone()), en: Cow::Owned(s) }
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Text {
        Text { en: Cow::Borrowed(s), zh: Cow::Borrowed(s) }
    }
}

/// A shared rule's problem, worded from both catalogs (`crates/api/locales`).
impl From<&Problem> for Text {
    fn from(p: &Problem) -> Text {
        crate::problems::problem_text(p)
    }
}

impl From<Problem> for Text {
    fn from(p: Problem) -> Text {
        Text::from(&p)
    }
}

impl Text {
    /// `field: message` in both languages (how the vendor's create errors name the field).
    pub fn at_field(field: &str, p: &Problem) -> Text {
        Text::from(p).prefixed(&format!("{field}: "))
    }
}

/// Displays the English text: for logs and for code that has no request (tests, start-up).
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// `text!("Cluster {id} not found.", "集群 {id} 不存在。")`: both languages, each formatted like
/// `format!` (inline arguments are captured from the scope).
#[macro_export]
macro_rules! text {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::lang::Text::new(format!($en), format!($zh))
    };
    ($en:literal, $zh:literal, $($arg:tt)+) => {
        $crate::lang::Text::new(format!($en, $($arg)+), format!($zh, $($arg)+))
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn language_from_headers() {
        assert_eq!(Lang::from_headers(&headers(&[])), Lang::En);
        assert_eq!(Lang::from_headers(&headers(&[("x-language", "zh-cn")])), Lang::Zh);
        assert_eq!(Lang::from_headers(&headers(&[("x-language", "en-us"), ("accept-language", "zh-CN")])), Lang::En);
        assert_eq!(Lang::from_headers(&headers(&[("accept-language", "fr-FR,zh-CN;q=0.8,en;q=0.5")])), Lang::Zh);
        assert_eq!(Lang::from_headers(&headers(&[("accept-language", "de")])), Lang::En);
        assert_eq!(Lang::from_headers(&headers(&[("x-language", "bogus"), ("accept-language", "zh_TW")])), Lang::Zh);
    }

    #[test]
    fn texts_follow_the_request_language() {
        let id = "c-1";
        let t = text!("Cluster {id} not found.", "集群 {id} 不存在。");
        assert_eq!(t.current(), "Cluster c-1 not found.");
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert_eq!(rt.block_on(Lang::Zh.scope(async { t.current().to_string() })), "集群 c-1 不存在。");
        let n = 3;
        let u = text!("{} of {n}", "{} / {n}", 1);
        assert_eq!((u.get(Lang::En), u.get(Lang::Zh)), ("1 of 3", "1 / 3"));
    }
}
