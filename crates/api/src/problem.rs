//! Broken rules as data. A shared rule (validation in this crate) does not word its refusal: it
//! returns a [`Problem`] — a message key and named parameters — and each side words it in the
//! user's language from the catalogs in `crates/api/locales/` (`en.json`, `zh-CN.json`: flat maps
//! of key → template with `{name}` placeholders). The server reads them through [`Catalog`]; the
//! console loads the same files at run time with its own strings, so neither language is compiled
//! into the bundle.

use std::collections::HashMap;

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

/// Replaces each `{name}` in `template` with its value; unknown names are left as written so a
/// missing parameter shows up in review instead of vanishing.
pub fn fill(template: &str, params: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The English catalog of rule messages.
pub const EN_JSON: &str = include_str!("../locales/en.json");
/// The Simplified Chinese catalog of rule messages.
pub const ZH_CN_JSON: &str = include_str!("../locales/zh-CN.json");

/// A parsed catalog (key → template).
#[derive(Clone, Debug, Default)]
pub struct Catalog(HashMap<String, String>);

impl Catalog {
    pub fn parse(json: &str) -> Result<Catalog, String> {
        serde_json::from_str(json).map(Catalog).map_err(|e| format!("invalid message catalog: {e}"))
    }

    /// The problem in this catalog's language; the key itself when the catalog lacks it (a test
    /// keeps both catalogs complete).
    pub fn word(&self, p: &Problem) -> String {
        match self.0.get(p.key) {
            Some(t) => fill(t, &p.params),
            None => p.key.to_string(),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
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
        let names = |t: &str| {
            let mut v: Vec<String> =
                t.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string())).collect();
            v.sort();
            v
        };
        for k in a {
            assert_eq!(names(en.get(k).unwrap()), names(zh.get(k).unwrap()), "placeholders of {k}");
        }
    }
}
