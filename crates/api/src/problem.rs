//! Broken rules as data. A shared rule (validation in this crate) does not word its refusal: it
//! returns a [`Problem`] — a message key and named parameters — and each side words it in the
//! user's language from the catalogs in `crates/api/locales/` (`en.json`, `zh-CN.json`: flat maps
//! of key → [`template`](crate::template) with `{name}` placeholders and plurals). The server reads
//! them through [`Catalog`]; the console fetches the same files at run time with its own strings,
//! so neither language is compiled into the bundle.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::template::{self, Builtin, Value};

/// One broken rule: which one (`key`, e.g. `tag.key_too_long`) and the values its message shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn new(key: &'static str) -> Problem {
        Problem { key, params: Vec::new() }
    }

    /// Adds the value shown for `{name}`.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Problem {
        self.params.push((name, value.to_string()));
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

/// Fills `template` with `params` by the plural rules of English or Chinese; unknown names are
/// left as written so a missing parameter shows up in review instead of vanishing.
pub fn fill_in(template: &str, params: &[(&'static str, String)], chinese: bool) -> String {
    let lookup = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, v)| Value::Text(v.as_str()));
    template::render(template, &lookup, &Builtin { chinese })
}

/// [`fill_in`] with English rules.
pub fn fill(template: &str, params: &[(&'static str, String)]) -> String {
    fill_in(template, params, false)
}

/// The English catalog of rule messages.
pub const EN_JSON: &str = include_str!("../locales/en.json");
/// The Simplified Chinese catalog of rule messages.
pub const ZH_CN_JSON: &str = include_str!("../locales/zh-CN.json");

/// A parsed catalog (key → template) of one language.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    messages: HashMap<String, String>,
    chinese: bool,
}

impl Catalog {
    /// An English catalog (English plural rules).
    pub fn parse(json: &str) -> Result<Catalog, String> {
        Catalog::parse_lang(json, false)
    }

    /// A catalog whose messages follow Chinese (`chinese`) or English plural rules.
    pub fn parse_lang(json: &str, chinese: bool) -> Result<Catalog, String> {
        let messages = serde_json::from_str(json).map_err(|e| format!("invalid message catalog: {e}"))?;
        Ok(Catalog { messages, chinese })
    }

    /// The built-in English catalog, parsed once.
    pub fn english() -> &'static Catalog {
        static C: OnceLock<Catalog> = OnceLock::new();
        C.get_or_init(|| Catalog::parse_lang(EN_JSON, false).expect("locales/en.json parses"))
    }

    /// The built-in Simplified Chinese catalog, parsed once.
    pub fn chinese() -> &'static Catalog {
        static C: OnceLock<Catalog> = OnceLock::new();
        C.get_or_init(|| Catalog::parse_lang(ZH_CN_JSON, true).expect("locales/zh-CN.json parses"))
    }

    /// The problem in this catalog's language; the key itself when the catalog lacks it (a test
    /// keeps both catalogs complete).
    pub fn word(&self, p: &Problem) -> String {
        match self.messages.get(p.key) {
            Some(t) => fill_in(t, &p.params, self.chinese),
            None => p.key.to_string(),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.messages.get(key).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_placeholders() {
        let p = Problem::new("x").with("max", 36).with("char", "'='");
        assert_eq!(fill("at most {max}, not {char}", &p.params), "at most 36, not '='");
        assert_eq!(fill("{missing} and {", &p.params), "{missing} and {");
        assert_eq!(p.param("max"), Some("36"));
    }

    #[test]
    fn catalogs_parse_and_have_the_same_keys_and_placeholders() {
        let en = Catalog::parse(EN_JSON).unwrap();
        let zh = Catalog::parse(ZH_CN_JSON).unwrap();
        let mut a: Vec<&str> = en.keys().collect();
        let mut b: Vec<&str> = zh.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "every key in both languages");
        for k in a {
            template::check_pair(k, en.get(k).unwrap(), zh.get(k).unwrap()).unwrap();
        }
    }

    #[test]
    fn plurals_follow_the_catalog_language() {
        let en = Catalog::parse_lang(r#"{"k": "{n, plural, one {# tag} other {# tags}}"}"#, false).unwrap();
        let zh = Catalog::parse_lang(r#"{"k": "{n} 个标签"}"#, true).unwrap();
        let p = |n: i64| Problem::new("k").with("n", n);
        assert_eq!((en.word(&p(1)), en.word(&p(2))), ("1 tag".to_string(), "2 tags".to_string()));
        assert_eq!(zh.word(&p(1)), "1 个标签");
        assert_eq!(Catalog::english().word(&Problem::new("no.such.key")), "no.such.key");
    }
}
