//! MRS cluster tags (mrs-api.md §11): wire types of the V1.1 and V2 tag APIs, and the rules and
//! semantics of ListClustersByTags, shared by the sandbox and the console's filter builder.
//! The rules of one tag are `rules::validate_tag`.

use serde::{Deserialize, Serialize};

use crate::lenient;
use crate::mrs::Tag;
use crate::problem::Problem;
use crate::rules::{FieldError, INVALID_PARAM};

/// A tag key that does not exist on the cluster (DeleteClusterTag).
pub const TAG_NOT_FOUND: &str = "12005003";
/// V2 tag errors (the documented example is "insufficient tag quota").
pub const TAG_V2_ERROR: &str = "MRS.00000000";
/// Tags an ECS node can carry: the cluster's, the default ones and its policy's share this.
pub const NODE_TAG_QUOTA: usize = 20;
/// Default tags a node gets when SwitchClusterTags turned them on (see [`default_node_tags`]).
pub const DEFAULT_NODE_TAGS: usize = 3;
pub const SEARCH_MAX_KEYS: usize = 10;
pub const SEARCH_MAX_VALUES: usize = 10;
pub const SEARCH_MAX_KEY: usize = 127;
pub const SEARCH_MAX_VALUE: usize = 255;
pub const SEARCH_MAX_LIMIT: i64 = 1000;
pub const SEARCH_MAX_NAME: usize = 64;

/// A tag in a request, both parts optional so a missing one is named.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagReq {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// CreateClusterTag body `{"tag": {...}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateTagReq {
    pub tag: Option<TagReq>,
}

/// `POST …/tags/action` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchTagsReq {
    pub action: Option<String>,
    pub tags: Option<Vec<TagReq>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListTagsResponse {
    pub tags: Vec<Tag>,
}

/// One key of ListAllTags with every value it has in the project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagValues {
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllTagsResponse {
    pub tags: Vec<TagValues>,
}

/// One filter of ListClustersByTags: a key and the values it may have (none = any value).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagFilter {
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameMatch {
    pub key: String,
    pub value: String,
}

/// ListClustersByTags body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagSearchReq {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagFilter>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags_any: Option<Vec<TagFilter>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_tags: Option<Vec<TagFilter>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_tags_any: Option<Vec<TagFilter>>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(deserialize_with = "lenient::opt_int", skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<NameMatch>>,
}

/// One cluster found by tags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagResource {
    pub resource_id: String,
    pub resource_name: String,
    /// Always `null` for clusters.
    pub resource_detail: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagSearchResponse {
    pub resources: Vec<TagResource>,
    pub total_count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagCountResponse {
    pub total_count: i64,
}

/// SwitchClusterTags body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SwitchTagsReq {
    pub action: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagStatusResponse {
    /// `processing`, `succeed` or `failed`.
    pub status: String,
    pub default_tags_enable: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagQuotaResponse {
    pub total_quota: i64,
    pub available_quota: i64,
}

/// The tags SwitchClusterTags puts on every node of a cluster.
pub fn default_node_tags(cluster_id: &str, cluster_name: &str, node_group: &str) -> Vec<Tag> {
    vec![
        Tag { key: "mrs_cluster_id".into(), value: cluster_id.into() },
        Tag { key: "mrs_cluster_name".into(), value: cluster_name.into() },
        Tag { key: "mrs_node_group".into(), value: node_group.into() },
    ]
}

/// A search ready to run: `filter` lists, `count` only counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagSearch {
    pub count: bool,
    pub tags: Vec<TagFilter>,
    pub tags_any: Vec<TagFilter>,
    pub not_tags: Vec<TagFilter>,
    pub not_tags_any: Vec<TagFilter>,
    /// `None`: no name condition; `Some("")` matches only an empty name (exact match).
    pub name: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

fn filter_matches(f: &TagFilter, tags: &[Tag]) -> bool {
    tags.iter().any(|t| t.key == f.key && (f.values.is_empty() || f.values.contains(&t.value)))
}

impl TagSearch {
    /// Whether a cluster named `name` with `tags` is found: all of `tags`, any of `tags_any`, not
    /// all of `not_tags`, none of `not_tags_any` (an empty list adds no condition), and the name
    /// containing `matches` (case-insensitive).
    pub fn matches(&self, name: &str, tags: &[Tag]) -> bool {
        let all = |fs: &[TagFilter]| fs.iter().all(|f| filter_matches(f, tags));
        let any = |fs: &[TagFilter]| fs.iter().any(|f| filter_matches(f, tags));
        let name_ok = match self.name.as_deref() {
            None => true,
            Some("") => name.is_empty(),
            Some(n) => name.to_lowercase().contains(&n.to_lowercase()),
        };
        name_ok
            && all(&self.tags)
            && (self.tags_any.is_empty() || any(&self.tags_any))
            && (self.not_tags.is_empty() || !all(&self.not_tags))
            && !any(&self.not_tags_any)
    }
}

/// Checks a ListClustersByTags body and turns it into a [`TagSearch`], or every problem.
pub fn parse_search(req: &TagSearchReq) -> Result<TagSearch, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut bad = |field: String, problem: Problem| out.push(FieldError { field, code: INVALID_PARAM, problem });
    let count = match req.action.as_deref() {
        Some("filter") => false,
        Some("count") => true,
        Some(other) => {
            bad("action".into(), Problem::new("tag.search_action").with("value", other));
            false
        }
        None => {
            bad("action".into(), Problem::new("tag.search_action").with("value", ""));
            false
        }
    };
    let mut lists = Vec::new();
    for (name, list) in [("tags", &req.tags), ("tags_any", &req.tags_any), ("not_tags", &req.not_tags), ("not_tags_any", &req.not_tags_any)] {
        let list = list.clone().unwrap_or_default();
        if list.len() > SEARCH_MAX_KEYS {
            bad(name.into(), Problem::new("tag.search_too_many_keys").with("max", SEARCH_MAX_KEYS).with("count", list.len()));
        }
        for (i, f) in list.iter().enumerate() {
            let field = format!("{name}[{i}]");
            if f.key.is_empty() {
                bad(format!("{field}.key"), Problem::new("tag.key_required"));
            } else if f.key.chars().count() > SEARCH_MAX_KEY {
                bad(format!("{field}.key"), Problem::new("tag.key_too_long").with("max", SEARCH_MAX_KEY));
            } else if list[..i].iter().any(|o| o.key == f.key) {
                bad(format!("{field}.key"), Problem::new("tag.key_twice").with("key", &f.key));
            }
            if f.values.len() > SEARCH_MAX_VALUES {
                bad(format!("{field}.values"), Problem::new("tag.search_too_many_values").with("max", SEARCH_MAX_VALUES).with("count", f.values.len()));
            }
            if let Some(j) = f.values.iter().position(|v| v.chars().count() > SEARCH_MAX_VALUE) {
                bad(format!("{field}.values[{j}]"), Problem::new("tag.value_too_long").with("max", SEARCH_MAX_VALUE));
            }
        }
        lists.push(list);
    }
    let limit = req.limit.unwrap_or(SEARCH_MAX_LIMIT);
    if !count && !(1..=SEARCH_MAX_LIMIT).contains(&limit) {
        bad("limit".into(), Problem::new("tag.search_limit").with("max", SEARCH_MAX_LIMIT).with("value", limit));
    }
    let offset = req.offset.unwrap_or(0);
    if !count && offset < 0 {
        bad("offset".into(), Problem::new("tag.search_offset").with("value", offset));
    }
    let mut name = None;
    for (i, m) in req.matches.as_deref().unwrap_or_default().iter().enumerate() {
        if m.key != "resource_name" {
            bad(format!("matches[{i}].key"), Problem::new("tag.search_match_key").with("value", &m.key));
        } else if m.value.chars().count() > SEARCH_MAX_NAME {
            bad(format!("matches[{i}].value"), Problem::new("tag.search_match_value").with("max", SEARCH_MAX_NAME));
        } else {
            name = Some(m.value.clone());
        }
    }
    if !out.is_empty() {
        return Err(out);
    }
    let mut lists = lists.into_iter();
    let mut next = || lists.next().unwrap_or_default();
    Ok(TagSearch {
        count,
        tags: next(),
        tags_any: next(),
        not_tags: next(),
        not_tags_any: next(),
        name,
        limit: limit.clamp(1, SEARCH_MAX_LIMIT) as usize,
        offset: offset.max(0) as usize,
    })
}

/// ListAllTags: each key once (sorted), with its distinct values (sorted).
pub fn all_tags<'a>(tag_sets: impl IntoIterator<Item = &'a [Tag]>) -> Vec<TagValues> {
    let mut keys: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> = Default::default();
    for set in tag_sets {
        for t in set {
            keys.entry(&t.key).or_default().insert(&t.value);
        }
    }
    keys.into_iter()
        .map(|(k, vs)| TagValues { key: k.to_string(), values: vs.into_iter().map(str::to_string).collect() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(k: &str, v: &str) -> Tag {
        Tag { key: k.into(), value: v.into() }
    }

    fn search(v: serde_json::Value) -> Result<TagSearch, Vec<(String, &'static str)>> {
        let req: TagSearchReq = serde_json::from_value(v).unwrap();
        parse_search(&req).map_err(|e| e.into_iter().map(|p| (p.field, p.problem.key)).collect())
    }

    #[test]
    fn search_semantics() {
        let prod = [t("env", "prod"), t("team", "data")];
        let dev = [t("env", "dev")];
        let none: [Tag; 0] = [];
        let s = search(json!({"action": "filter", "tags": [{"key": "env", "values": ["prod", "qa"]}]})).unwrap();
        assert!(s.matches("a", &prod) && !s.matches("a", &dev) && !s.matches("a", &none));
        let s = search(json!({"action": "filter", "tags": [{"key": "env", "values": []}, {"key": "team", "values": []}]})).unwrap();
        assert!(s.matches("a", &prod) && !s.matches("a", &dev));
        let s = search(json!({"action": "filter", "tags_any": [{"key": "team", "values": []}, {"key": "env", "values": ["dev"]}]})).unwrap();
        assert!(s.matches("a", &prod) && s.matches("a", &dev) && !s.matches("a", &none));
        let s = search(json!({"action": "filter", "not_tags": [{"key": "env", "values": ["prod"]}, {"key": "team", "values": []}]})).unwrap();
        assert!(!s.matches("a", &prod) && s.matches("a", &dev) && s.matches("a", &none));
        let s = search(json!({"action": "filter", "not_tags_any": [{"key": "team", "values": []}, {"key": "env", "values": ["dev"]}]})).unwrap();
        assert!(!s.matches("a", &prod) && !s.matches("a", &dev) && s.matches("a", &none));
        let s = search(json!({"action": "count", "matches": [{"key": "resource_name", "value": "PROD"}]})).unwrap();
        assert!(s.count && s.matches("analytics-prod", &none) && !s.matches("dev", &prod));
        let s = search(json!({"action": "filter", "matches": [{"key": "resource_name", "value": ""}]})).unwrap();
        assert!(!s.matches("x", &none));
        let s = search(json!({"action": "filter", "limit": "2", "offset": "1"})).unwrap();
        assert_eq!((s.limit, s.offset), (2, 1));
        assert_eq!(search(json!({"action": "filter"})).unwrap().limit, 1000);
    }

    #[test]
    fn search_rules() {
        let err = |v| search(v).unwrap_err();
        assert_eq!(err(json!({})), [("action".to_string(), "tag.search_action")]);
        assert_eq!(err(json!({"action": "list"})), [("action".to_string(), "tag.search_action")]);
        let eleven: Vec<_> = (0..11).map(|i| json!({"key": format!("k{i}"), "values": []})).collect();
        assert_eq!(err(json!({"action": "filter", "tags_any": eleven})), [("tags_any".to_string(), "tag.search_too_many_keys")]);
        assert_eq!(err(json!({"action": "filter", "tags": [{"key": "", "values": []}]})), [("tags[0].key".to_string(), "tag.key_required")]);
        assert_eq!(
            err(json!({"action": "filter", "not_tags": [{"key": "k", "values": []}, {"key": "k", "values": []}]})),
            [("not_tags[1].key".to_string(), "tag.key_twice")]
        );
        let values: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        assert_eq!(err(json!({"action": "filter", "tags": [{"key": "k", "values": values}]})), [("tags[0].values".to_string(), "tag.search_too_many_values")]);
        assert_eq!(err(json!({"action": "filter", "tags": [{"key": "k", "values": ["v".repeat(256)]}]})), [("tags[0].values[0]".to_string(), "tag.value_too_long")]);
        assert_eq!(err(json!({"action": "filter", "limit": 0})), [("limit".to_string(), "tag.search_limit")]);
        assert_eq!(err(json!({"action": "filter", "limit": 1001})), [("limit".to_string(), "tag.search_limit")]);
        assert_eq!(err(json!({"action": "filter", "offset": -1})), [("offset".to_string(), "tag.search_offset")]);
        assert_eq!(err(json!({"action": "filter", "matches": [{"key": "name", "value": "x"}]})), [("matches[0].key".to_string(), "tag.search_match_key")]);
        assert_eq!(err(json!({"action": "filter", "matches": [{"key": "resource_name", "value": "x".repeat(65)}]})), [("matches[0].value".to_string(), "tag.search_match_value")]);
        // limit and offset do not apply to count.
        assert!(search(json!({"action": "count", "limit": 0, "offset": -5})).is_ok());
    }

    #[test]
    fn all_tags_groups_values() {
        let a = [t("env", "prod"), t("team", "data")];
        let b = [t("env", "dev"), t("env", "prod")];
        let got = all_tags([&a[..], &b[..]]);
        assert_eq!(got, vec![
            TagValues { key: "env".into(), values: vec!["dev".into(), "prod".into()] },
            TagValues { key: "team".into(), values: vec!["data".into()] },
        ]);
        assert_eq!(serde_json::to_value(TagResource { resource_id: "i".into(), ..Default::default() }).unwrap()["resource_detail"], json!(null));
    }
}
