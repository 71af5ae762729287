//! Cluster tags. The tags live in the cluster record itself (`tags`, `k=v,k2=v2` — the shared tag
//! rules forbid `=` and `,` in keys and values, so the string form is lossless), so CreateCluster,
//! the V1.1 ListClusters `tags` filter and the tag APIs read and write one store.
//!
//! Default node tags (SwitchClusterTags) are a per-cluster switch in `default_tags`: the switch
//! answers at once and completes after two lifecycle steps (`processing` → `succeed`), as the real
//! service's asynchronous task does.

use lakedeck_api::mrs::{tag_string, Cluster, Tag};
use lakedeck_api::mrs_tags::{
    self as wire, all_tags, TagResource, TagSearch, TagStatusResponse, TagValues, DEFAULT_NODE_TAGS, NODE_TAG_QUOTA,
};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::{self, FieldError, MAX_TAGS};
use rusqlite::{params, Connection, OptionalExtension};

use super::clusters::V11_INVALID;
use super::store::{self, ClusterRow};
use super::{scaling, Engine, EngineError};
use crate::problems::problem_text;
use crate::util;

/// A field problem as the V1.1 family answers it: `<field>: <message>`, generic code 12000002.
pub fn field_refusal(fp: &FieldError) -> EngineError {
    let code = if fp.code == rules::INVALID_PARAM { V11_INVALID } else { fp.code };
    EngineError::invalid(code, problem_text(&fp.problem).prefixed(&format!("{}: ", fp.field)))
}

fn load(conn: &Connection, project: &str, id: &str) -> Result<ClusterRow, EngineError> {
    super::jobs::load_cluster(conn, project, id)
}

/// The default-tag switch of a cluster: (enabled, MRS status) at `now_ms`.
pub(super) fn default_tags_state(conn: &Connection, cluster_id: &str, now_ms: i64) -> Result<(bool, &'static str), EngineError> {
    let row: Option<(i64, i64)> = conn
        .query_row("SELECT enabled, done_ms FROM default_tags WHERE cluster_id = ?1", [cluster_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        None => (false, "succeed"),
        Some((enabled, done)) => (enabled != 0, if now_ms < done { "processing" } else { "succeed" }),
    })
}

/// Tags a node of the cluster could carry besides the cluster's own: the default tags when
/// switched on (or being switched on) and the largest policy tag set.
fn node_tag_extras(conn: &Connection, project: &str, cluster_id: &str, default_on: bool) -> Result<(usize, usize), EngineError> {
    let default = if default_on { DEFAULT_NODE_TAGS } else { 0 };
    let policy = scaling::policies(conn, project, cluster_id)?
        .iter()
        .map(|p| p.policy.tags.as_ref().map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    Ok((default, policy))
}

/// Refuses a tag set that no longer fits on a node (ECS nodes carry at most 20 tags).
pub(super) fn check_node_quota(conn: &Connection, project: &str, cluster_id: &str, cluster_tags: usize, default_on: bool, policy_tags: Option<usize>) -> Result<(), EngineError> {
    let (default, stored_policy) = node_tag_extras(conn, project, cluster_id, default_on)?;
    let policy = policy_tags.map_or(stored_policy, |p| p.max(stored_policy));
    let total = cluster_tags + default + policy;
    if total > NODE_TAG_QUOTA {
        let p = Problem::new("tag.node_quota")
            .with("max", NODE_TAG_QUOTA)
            .with("cluster", cluster_tags)
            .with("default", default)
            .with("policy", policy)
            .with("total", total);
        return Err(EngineError::invalid(wire::TAG_V2_ERROR, problem_text(&p)));
    }
    Ok(())
}

fn save_tags(conn: &Connection, row: &mut ClusterRow, tags: &[Tag]) -> Result<(), EngineError> {
    if tags.len() > MAX_TAGS {
        let p = Problem::new("tag.too_many").with("max", MAX_TAGS).with("count", tags.len());
        return Err(EngineError::invalid(rules::TOO_MANY_TAGS, problem_text(&p).prefixed("tags: ")));
    }
    let (default_on, _) = default_tags_state(conn, &row.cluster.cluster_id, util::now_ms())?;
    check_node_quota(conn, &row.project_id, &row.cluster.cluster_id, tags.len(), default_on, None)?;
    row.cluster.tags = tag_string(tags);
    row.cluster.update_at = util::now_secs().to_string();
    store::save(conn, row)
}

fn upsert(tags: &mut Vec<Tag>, tag: Tag) {
    match tags.iter_mut().find(|t| t.key == tag.key) {
        Some(t) => t.value = tag.value,
        None => tags.push(tag),
    }
}

/// A request tag with both parts, checked by the shared rules.
fn checked_tag(req: &wire::TagReq, field: &str) -> Result<Tag, EngineError> {
    let refuse = |code: &'static str, problem: Problem| field_refusal(&FieldError { field: field.to_string(), code, problem });
    let key = req.key.clone().ok_or_else(|| refuse(rules::BAD_TAG, Problem::new("tag.key_required")))?;
    let value = req.value.clone().ok_or_else(|| refuse(rules::INVALID_PARAM, Problem::new("tag.value_required")))?;
    let tag = Tag { key, value };
    rules::validate_tag(&tag).map_err(|p| refuse(rules::BAD_TAG, p))?;
    Ok(tag)
}

/// Live clusters are the resources a tag search sees; deleted ones carry no tags any more.
fn searchable(c: &Cluster) -> bool {
    !c.cluster_state.is_history()
}

impl Engine {
    pub fn cluster_tags(&self, project: &str, id: &str) -> Result<Vec<Tag>, EngineError> {
        self.store.read(|conn| load(conn, project, id)).map(|r| r.cluster.tag_pairs())
    }

    /// CreateClusterTag: adds the tag or overwrites the value of its key.
    pub fn create_tag(&self, project: &str, id: &str, req: &wire::TagReq) -> Result<(), EngineError> {
        let tag = checked_tag(req, "tag")?;
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            let mut tags = row.cluster.tag_pairs();
            upsert(&mut tags, tag);
            save_tags(conn, &mut row, &tags)
        })
    }

    /// DeleteClusterTag: 404 12005003 when the key is not there.
    pub fn delete_tag(&self, project: &str, id: &str, key: &str) -> Result<(), EngineError> {
        self.store.tx(|conn| {
            let mut row = load(conn, project, id)?;
            let mut tags = row.cluster.tag_pairs();
            let before = tags.len();
            tags.retain(|t| t.key != key);
            if tags.len() == before {
                return Err(EngineError::invalid(wire::TAG_NOT_FOUND, problem_text(&Problem::new("tag.not_found").with("key", key))));
            }
            save_tags(conn, &mut row, &tags)
        })
    }

    /// The batch action: every tag is checked before anything is written, so a refused batch
    /// changes nothing. `create` upserts; `delete` removes the keys present (a value, when given
    /// and not empty, must match) and ignores the others.
    pub fn batch_tags(&self, project: &str, id: &str, req: &wire::BatchTagsReq) -> Result<(), EngineError> {
        let create = match req.action.as_deref() {
            Some("create") => true,
            Some("delete") => false,
            other => {
                let p = Problem::new("tag.action").with("value", other.unwrap_or(""));
                return Err(field_refusal(&FieldError { field: "action".into(), code: rules::INVALID_PARAM, problem: p }));
            }
        };
        let list = req.tags.clone().unwrap_or_default();
        if list.is_empty() {
            return Err(field_refusal(&FieldError { field: "tags".into(), code: rules::INVALID_PARAM, problem: Problem::new("tag.tags_required") }));
        }
        if create {
            let mut given = Vec::new();
            for (i, t) in list.iter().enumerate() {
                let tag = checked_tag(t, &format!("tags[{i}]"))?;
                if given.iter().any(|g: &Tag| g.key == tag.key) {
                    let p = Problem::new("tag.key_twice").with("key", &tag.key);
                    return Err(field_refusal(&FieldError { field: format!("tags[{i}]"), code: rules::BAD_TAG, problem: p }));
                }
                given.push(tag);
            }
            self.store.tx(|conn| {
                let mut row = load(conn, project, id)?;
                let mut tags = row.cluster.tag_pairs();
                for t in given {
                    upsert(&mut tags, t);
                }
                save_tags(conn, &mut row, &tags)
            })
        } else {
            for (i, t) in list.iter().enumerate() {
                if t.key.as_deref().unwrap_or("").is_empty() {
                    let p = Problem::new("tag.key_required");
                    return Err(field_refusal(&FieldError { field: format!("tags[{i}].key"), code: rules::BAD_TAG, problem: p }));
                }
            }
            self.store.tx(|conn| {
                let mut row = load(conn, project, id)?;
                let mut tags = row.cluster.tag_pairs();
                tags.retain(|t| {
                    !list.iter().any(|d| {
                        d.key.as_deref() == Some(t.key.as_str())
                            && d.value.as_deref().filter(|v| !v.is_empty()).is_none_or(|v| v == t.value)
                    })
                });
                save_tags(conn, &mut row, &tags)
            })
        }
    }

    /// ListAllTags over the project's live clusters.
    pub fn all_tags(&self, project: &str) -> Result<Vec<TagValues>, EngineError> {
        let rows = self.store.read(|conn| store::project_clusters(conn, project))?;
        let sets: Vec<Vec<Tag>> = rows.iter().filter(|r| searchable(&r.cluster)).map(|r| r.cluster.tag_pairs()).collect();
        Ok(all_tags(sets.iter().map(Vec::as_slice)))
    }

    /// ListClustersByTags: the total that match and the page (newest first).
    pub fn search_by_tags(&self, project: &str, search: &TagSearch) -> Result<(i64, Vec<TagResource>), EngineError> {
        let mut found: Vec<Cluster> = self
            .store
            .read(|conn| store::project_clusters(conn, project))?
            .into_iter()
            .map(|r| r.cluster)
            .filter(|c| searchable(c) && search.matches(&c.cluster_name, &c.tag_pairs()))
            .collect();
        found.sort_by(|a, b| b.created_unix().cmp(&a.created_unix()).then_with(|| a.cluster_name.cmp(&b.cluster_name)));
        let total = found.len() as i64;
        let page = found
            .into_iter()
            .skip(search.offset)
            .take(search.limit)
            .map(|c| TagResource { tags: c.tag_pairs(), resource_id: c.cluster_id, resource_name: c.cluster_name, resource_detail: None })
            .collect();
        Ok((total, page))
    }

    /// SwitchClusterTags: turns the default node tags on (`create`) or off (`delete`).
    pub fn switch_default_tags(&self, project: &str, id: &str, action: Option<&str>) -> Result<(), EngineError> {
        let enable = match action {
            Some("create") => true,
            Some("delete") => false,
            other => {
                let p = Problem::new("tag.switch_action").with("value", other.unwrap_or(""));
                return Err(EngineError::invalid(rules::INVALID_PARAM, problem_text(&p).prefixed("action: ")));
            }
        };
        self.store.tx(|conn| {
            let row = load(conn, project, id)?;
            let now = util::now_ms();
            let (_, status) = default_tags_state(conn, id, now)?;
            if status == "processing" {
                return Err(EngineError::invalid(wire::TAG_V2_ERROR, problem_text(&Problem::new("tag.switch_busy"))));
            }
            if enable {
                check_node_quota(conn, project, id, row.cluster.tag_pairs().len(), true, None)?;
            }
            let done = now + 2 * self.step_ms() as i64;
            conn.execute(
                "INSERT INTO default_tags (cluster_id, project_id, enabled, done_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(cluster_id) DO UPDATE SET enabled = ?3, done_ms = ?4",
                params![id, project, enable as i64, done],
            )?;
            Ok(())
        })
    }

    pub fn tag_status(&self, project: &str, id: &str) -> Result<TagStatusResponse, EngineError> {
        self.store.read(|conn| {
            load(conn, project, id)?;
            let (enabled, status) = default_tags_state(conn, id, util::now_ms())?;
            Ok(TagStatusResponse { status: status.into(), default_tags_enable: enabled })
        })
    }

    /// ShowTagQuota: the cluster's own tags (10), or with `policy` the room a scaling policy's
    /// tags have on a node (20 less the cluster's and the default tags).
    pub fn tag_quota(&self, project: &str, id: &str, policy: bool) -> Result<(i64, i64), EngineError> {
        self.store.read(|conn| {
            let row = load(conn, project, id)?;
            let used = row.cluster.tag_pairs().len();
            if !policy {
                return Ok((MAX_TAGS as i64, MAX_TAGS.saturating_sub(used) as i64));
            }
            let (default_on, _) = default_tags_state(conn, id, util::now_ms())?;
            let (default, _) = node_tag_extras(conn, project, id, default_on)?;
            Ok((NODE_TAG_QUOTA as i64, NODE_TAG_QUOTA.saturating_sub(used + default) as i64))
        })
    }

    /// Tags each node shows besides the cluster's: the default tags (when on) and its group's
    /// policy tags, by node group.
    pub fn node_extra_tags(&self, project: &str, cluster: &Cluster) -> Result<Vec<(String, Vec<Tag>)>, EngineError> {
        self.store.read(|conn| {
            let (default_on, _) = default_tags_state(conn, &cluster.cluster_id, util::now_ms())?;
            let policies = scaling::policies(conn, project, &cluster.cluster_id)?;
            Ok(cluster
                .all_node_groups()
                .map(|g| {
                    let mut tags = if default_on {
                        wire::default_node_tags(&cluster.cluster_id, &cluster.cluster_name, &g.group_name)
                    } else {
                        Vec::new()
                    };
                    for p in policies.iter().filter(|p| p.node_group == g.group_name) {
                        tags.extend(p.policy.tags.clone().unwrap_or_default());
                    }
                    (g.group_name.clone(), tags)
                })
                .collect())
        })
    }
}
