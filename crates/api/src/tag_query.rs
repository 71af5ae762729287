//! The Tags view's filter as pure logic: the four condition lists of ListClustersByTags and a name
//! match, kept in the page's URL (so a filtered view can be bookmarked or shared), turned into the
//! request body; and the per-key, per-value cluster counts the view lists.
//!
//! In the URL each list is one parameter: `all=env=prod|qa,team` means "has tag env with value prod
//! or qa, and has tag team with any value"; `key=` is the empty value. `%`, `,`, `|` and `=` inside a
//! key or value are percent-escaped (tag rules forbid the last three, but a typed filter may hold
//! them and must survive a reload).

use std::collections::BTreeMap;

use crate::mrs::Tag;
use crate::mrs_tags::{parse_search, NameMatch, TagFilter, TagResource, TagSearchReq, TagValues};
use crate::rules::FieldError;

/// How a list of tag conditions combines (the four lists of ListClustersByTags).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Combine {
    /// `tags`: has every one.
    All,
    /// `tags_any`: has at least one.
    Any,
    /// `not_tags`: does not have every one (may have some).
    NotAll,
    /// `not_tags_any`: has none of them.
    NoneOf,
}

impl Combine {
    pub const ALL: [Combine; 4] = [Combine::All, Combine::Any, Combine::NotAll, Combine::NoneOf];

    /// The URL parameter.
    pub fn param(self) -> &'static str {
        match self {
            Combine::All => "all",
            Combine::Any => "any",
            Combine::NotAll => "notall",
            Combine::NoneOf => "none",
        }
    }

    /// The request field (and the field path its problems carry).
    pub fn field(self) -> &'static str {
        match self {
            Combine::All => "tags",
            Combine::Any => "tags_any",
            Combine::NotAll => "not_tags",
            Combine::NoneOf => "not_tags_any",
        }
    }
}

/// The filter of the Tags view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagQuery {
    pub all: Vec<TagFilter>,
    pub any: Vec<TagFilter>,
    pub not_all: Vec<TagFilter>,
    pub none: Vec<TagFilter>,
    /// Part of the cluster name (case-insensitive); empty: no name condition.
    pub name: String,
    /// 1-based page of the result list.
    pub page: usize,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            ',' => out.push_str("%2C"),
            '|' => out.push_str("%7C"),
            '=' => out.push_str("%3D"),
            c => out.push(c),
        }
    }
    out
}

/// `env=prod|qa,team` from filters.
pub fn encode_filters(filters: &[TagFilter]) -> String {
    filters
        .iter()
        .map(|f| {
            if f.values.is_empty() {
                escape(&f.key)
            } else {
                format!("{}={}", escape(&f.key), f.values.iter().map(|v| escape(v)).collect::<Vec<_>>().join("|"))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Filters from `env=prod|qa,team`; empty parts are skipped.
pub fn decode_filters(s: &str) -> Vec<TagFilter> {
    let un = crate::sign::percent_decode;
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => TagFilter { key: un(k), values: v.split('|').map(un).collect() },
            None => TagFilter { key: un(p), values: Vec::new() },
        })
        .collect()
}

impl TagQuery {
    pub fn list(&self, c: Combine) -> &Vec<TagFilter> {
        match c {
            Combine::All => &self.all,
            Combine::Any => &self.any,
            Combine::NotAll => &self.not_all,
            Combine::NoneOf => &self.none,
        }
    }

    pub fn list_mut(&mut self, c: Combine) -> &mut Vec<TagFilter> {
        match c {
            Combine::All => &mut self.all,
            Combine::Any => &mut self.any,
            Combine::NotAll => &mut self.not_all,
            Combine::NoneOf => &mut self.none,
        }
    }

    /// The filter in a URL (`get` reads a decoded query parameter).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> TagQuery {
        let mut q = TagQuery { name: get("name").unwrap_or_default(), ..Default::default() };
        for c in Combine::ALL {
            *q.list_mut(c) = get(c.param()).map(|s| decode_filters(&s)).unwrap_or_default();
        }
        q.page = get("page").and_then(|p| p.trim().parse().ok()).filter(|p| *p >= 1).unwrap_or(1);
        q
    }

    /// The URL parameters of the filter (empty ones left out, page 1 not written).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> =
            Combine::ALL.iter().map(|c| (c.param(), encode_filters(self.list(*c)))).filter(|(_, v)| !v.is_empty()).collect();
        if !self.name.trim().is_empty() {
            out.push(("name", self.name.clone()));
        }
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        out
    }

    /// Whether the filter has any condition.
    pub fn is_empty(&self) -> bool {
        Combine::ALL.iter().all(|c| self.list(*c).is_empty()) && self.name.trim().is_empty()
    }

    /// The ListClustersByTags body for one page of `size` (or, with `count`, the count).
    pub fn request(&self, count: bool, size: usize) -> TagSearchReq {
        let list = |c: Combine| {
            let l = self.list(c);
            (!l.is_empty()).then(|| l.clone())
        };
        TagSearchReq {
            action: Some(if count { "count" } else { "filter" }.into()),
            tags: list(Combine::All),
            tags_any: list(Combine::Any),
            not_tags: list(Combine::NotAll),
            not_tags_any: list(Combine::NoneOf),
            limit: (!count).then_some(size as i64),
            offset: (!count).then(|| (self.page.max(1) - 1).saturating_mul(size) as i64),
            matches: (!self.name.trim().is_empty()).then(|| vec![NameMatch { key: "resource_name".into(), value: self.name.trim().to_string() }]),
        }
    }

    /// What the service would refuse in the filter (the shared rules of ListClustersByTags), with
    /// field paths of the request (`tags_any[1].key`).
    pub fn problems(&self, size: usize) -> Vec<FieldError> {
        parse_search(&self.request(false, size)).err().unwrap_or_default()
    }
}

/// A tag key with its values and how many of the listed clusters carry each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyCount {
    pub key: String,
    /// Clusters with the key (any value).
    pub clusters: usize,
    pub values: Vec<(String, usize)>,
}

/// Counts per key and value over `clusters`, listing every key and value of `all` (ListAllTags,
/// values nobody uses any more show 0) and any the clusters have besides.
pub fn count_tags(all: &[TagValues], clusters: &[TagResource]) -> Vec<KeyCount> {
    let mut keys: BTreeMap<&str, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for k in all {
        let e = keys.entry(&k.key).or_default();
        for v in &k.values {
            e.1.entry(v).or_default();
        }
    }
    for c in clusters {
        let mut seen: Vec<&str> = Vec::new();
        for t in &c.tags {
            let e = keys.entry(&t.key).or_default();
            *e.1.entry(&t.value).or_default() += 1;
            if !seen.contains(&t.key.as_str()) {
                e.0 += 1;
                seen.push(&t.key);
            }
        }
    }
    keys.into_iter()
        .map(|(k, (n, vs))| KeyCount { key: k.into(), clusters: n, values: vs.into_iter().map(|(v, c)| (v.into(), c)).collect() })
        .collect()
}

/// A cluster's tags after a batch create (each key added, or its value replaced).
pub fn after_upsert(current: &[Tag], add: &[Tag]) -> Vec<Tag> {
    let mut out = current.to_vec();
    for t in add {
        match out.iter_mut().find(|o| o.key == t.key) {
            Some(o) => o.value = t.value.clone(),
            None => out.push(t.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn f(key: &str, values: &[&str]) -> TagFilter {
        TagFilter { key: key.into(), values: values.iter().map(|v| v.to_string()).collect() }
    }

    #[test]
    fn the_url_round_trips_every_filter() {
        let q = TagQuery {
            all: vec![f("env", &["prod", "qa"]), f("team", &[])],
            any: vec![f("cost center", &[""])],
            not_all: vec![f("a,b|c=d%", &["x|y", ""])],
            none: vec![],
            name: "etl".into(),
            page: 3,
        };
        let params = q.to_params();
        assert_eq!(params[0], ("all", "env=prod|qa,team".to_string()));
        assert_eq!(params[1], ("any", "cost center=".to_string()));
        let map: HashMap<&str, String> = params.iter().cloned().collect();
        let back = TagQuery::from_params(|k| map.get(k).cloned());
        assert_eq!(back, q);
        assert_eq!(TagQuery::from_params(|_| None), TagQuery { page: 1, ..Default::default() });
        assert!(TagQuery::from_params(|_| None).is_empty());
        assert_eq!(TagQuery::from_params(|k| (k == "page").then(|| "0".into())).page, 1);
    }

    #[test]
    fn the_request_and_its_problems() {
        let q = TagQuery { any: vec![f("env", &["prod"])], none: vec![f("legacy", &[])], name: " prod ".into(), page: 2, ..Default::default() };
        let r = q.request(false, 20);
        assert_eq!((r.limit, r.offset), (Some(20), Some(20)));
        assert_eq!(r.tags, None);
        assert_eq!(r.tags_any, Some(vec![f("env", &["prod"])]));
        assert_eq!(r.not_tags_any, Some(vec![f("legacy", &[])]));
        assert_eq!(r.matches.unwrap()[0].value, "prod");
        let c = q.request(true, 20);
        assert_eq!((c.action.as_deref(), c.limit, c.offset), (Some("count"), None, None));
        assert!(q.problems(20).is_empty());
        let bad = TagQuery { all: vec![f("", &[]), f("k", &[]), f("k", &[])], ..Default::default() };
        let got: Vec<(String, &str)> = bad.problems(20).into_iter().map(|p| (p.field, p.problem.key)).collect();
        assert_eq!(got, [("tags[0].key".to_string(), "tag.key_required"), ("tags[2].key".to_string(), "tag.key_twice")]);
    }

    #[test]
    fn counts_per_key_and_value() {
        let t = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
        let all = vec![
            TagValues { key: "env".into(), values: vec!["dev".into(), "old".into(), "prod".into()] },
            TagValues { key: "team".into(), values: vec!["data".into()] },
        ];
        let clusters = vec![
            TagResource { resource_id: "a".into(), tags: vec![t("env", "prod"), t("team", "data")], ..Default::default() },
            TagResource { resource_id: "b".into(), tags: vec![t("env", "prod")], ..Default::default() },
            TagResource { resource_id: "c".into(), tags: vec![t("env", "dev"), t("new", "")], ..Default::default() },
        ];
        let got = count_tags(&all, &clusters);
        assert_eq!(got.iter().map(|k| (k.key.as_str(), k.clusters)).collect::<Vec<_>>(), [("env", 3), ("new", 1), ("team", 1)]);
        assert_eq!(got[0].values, [("dev".to_string(), 1), ("old".to_string(), 0), ("prod".to_string(), 2)]);
        assert_eq!(got[1].values, [(String::new(), 1)]);
        let up = after_upsert(&[t("env", "prod"), t("team", "data")], &[t("env", "dev"), t("x", "")]);
        assert_eq!(up, [t("env", "dev"), t("team", "data"), t("x", "")]);
    }
}
