//! Policies (alluxio-api.md §8.2–§8.6): quota, TTL, priority eviction, the cache filter and the
//! global file index. Definitions live in the coordinator database; the cluster keeps a compiled
//! copy ([`Policies`]) that the read path, the jobs and the enforcer consult.
//!
//! Rules name a directory by Alluxio path or UFS URI; each is keyed by the canonical UFS URI it
//! locates to, so both spellings of one directory are one rule. Where rules nest, TTL and
//! priority take the most specific (longest) one; every quota that contains a file applies.
//! Files under no priority rule are MEDIUM, so a rule can both protect (HIGH) and sacrifice (LOW).
//!
//! Cache filter: rules are regular expressions matched against the whole UFS URI or the whole
//! Alluxio path of a file. Alluxio's filter file groups rules by type, so order between types
//! cannot be expressed; when several rules match, `skipCache` wins over `maxAge`, which wins over
//! `immutable`; otherwise the scope's default applies (immutable unless changed).

use std::collections::BTreeSet;

use lakedeck_api::alluxio::{
    self as wire, check_duration, check_filter_rule, check_filter_scope, check_filter_type, check_priority, check_required,
    check_size, filter_type, parse_duration_ms, priority_rank, CacheFilterChange, CacheFilterDoc, CacheFilterMatch, CacheFilterScope,
    FileIndexCount, FileIndexEntry, PriorityRule, QuotaStatus, TtlRule,
};
use regex::Regex;
use rusqlite::{params, Connection};

use super::namespace::{below, Location};
use super::{iso_time, meta, set_meta, Cache, CacheError, CacheResult};
use crate::text;
use crate::util;

/// Rank of files under no priority rule.
pub const DEFAULT_PRIORITY: u8 = 1;
/// Longest cache-filter pattern accepted.
const MAX_PATTERN: usize = 1000;
/// Entries one index file may list.
const MAX_INDEX_ENTRIES: usize = 1_000_000;

#[derive(Clone, Debug)]
pub struct QuotaRule {
    pub path: String,
    pub ufs: String,
    pub bytes: i64,
}

#[derive(Clone, Debug)]
pub struct TtlPolicy {
    pub path: String,
    pub ufs: String,
    pub time: String,
    pub ms: i64,
}

#[derive(Clone, Debug)]
pub struct PriorityPolicy {
    pub path: String,
    pub ufs: String,
    pub level: String,
    pub rank: u8,
}

#[derive(Clone, Debug, Copy, PartialEq, Eq)]
pub enum Decision {
    Immutable,
    SkipCache,
    /// Fresh for this many milliseconds after it was cached or last validated.
    MaxAge(i64),
}

#[derive(Clone, Debug)]
pub struct FilterRule {
    pub rule_type: &'static str,
    pub pattern: String,
    pub regex: Regex,
    pub time: String,
    pub ms: i64,
}

#[derive(Clone, Debug)]
pub struct ScopeFilter {
    pub rules: Vec<FilterRule>,
    pub default_type: &'static str,
    pub default_time: String,
    pub default_ms: i64,
}

impl Default for ScopeFilter {
    fn default() -> Self {
        ScopeFilter { rules: Vec::new(), default_type: "immutable", default_time: String::new(), default_ms: 0 }
    }
}

fn decision(rule_type: &str, ms: i64) -> Decision {
    match rule_type {
        "skipCache" => Decision::SkipCache,
        "maxAge" => Decision::MaxAge(ms),
        _ => Decision::Immutable,
    }
}

impl ScopeFilter {
    /// The rule `loc` falls under (`None`: the default).
    pub fn rule_for(&self, loc: &Location) -> Option<&FilterRule> {
        ["skipCache", "maxAge", "immutable"].iter().find_map(|t| {
            self.rules.iter().find(|r| r.rule_type == *t && (r.regex.is_match(&loc.ufs) || r.regex.is_match(&loc.alluxio)))
        })
    }

    pub fn decide(&self, loc: &Location) -> Decision {
        match self.rule_for(loc) {
            Some(r) => decision(r.rule_type, r.ms),
            None => decision(self.default_type, self.default_ms),
        }
    }

    fn wire(&self) -> CacheFilterScope {
        let mut out = CacheFilterScope {
            default_type: self.default_type.to_string(),
            default_time: self.default_time.clone(),
            ..Default::default()
        };
        for r in &self.rules {
            match r.rule_type {
                "skipCache" => out.skip_cache.push(r.pattern.clone()),
                "maxAge" => {
                    out.max_age.insert(r.pattern.clone(), r.time.clone());
                }
                _ => out.immutable.push(r.pattern.clone()),
            }
        }
        out
    }

    fn explain(&self, loc: &Location) -> CacheFilterMatch {
        match self.rule_for(loc) {
            Some(r) => CacheFilterMatch { rule_type: r.rule_type.into(), pattern: r.pattern.clone(), time: r.time.clone(), default: false },
            None => CacheFilterMatch { rule_type: self.default_type.into(), pattern: String::new(), time: self.default_time.clone(), default: true },
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub data: ScopeFilter,
    pub metadata: ScopeFilter,
}

#[derive(Clone, Debug, Default)]
pub struct Policies {
    pub quotas: Vec<QuotaRule>,
    pub ttls: Vec<TtlPolicy>,
    pub priorities: Vec<PriorityPolicy>,
    pub filters: Filters,
}

impl Policies {
    /// The most specific TTL over `ufs`, in milliseconds.
    pub fn ttl_ms(&self, ufs: &str) -> Option<i64> {
        self.ttls.iter().filter(|t| below(ufs, &t.ufs).is_some()).max_by_key(|t| t.ufs.len()).map(|t| t.ms)
    }

    pub fn priority(&self, ufs: &str) -> u8 {
        self.priorities.iter().filter(|p| below(ufs, &p.ufs).is_some()).max_by_key(|p| p.ufs.len()).map(|p| p.rank).unwrap_or(DEFAULT_PRIORITY)
    }

    /// Every quota containing `ufs`.
    pub fn quotas_over<'a>(&'a self, ufs: &'a str) -> impl Iterator<Item = &'a QuotaRule> + 'a {
        self.quotas.iter().filter(move |q| below(ufs, &q.ufs).is_some())
    }
}

/// Compiles a cache-filter pattern as a whole-string match, with a size limit so a pathological
/// pattern cannot exhaust memory.
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$")).size_limit(1 << 20).build().map_err(|e| e.to_string())
}

fn parse_default(raw: &str) -> (&'static str, String, i64) {
    let (t, time) = raw.split_once(':').unwrap_or((raw, ""));
    let t = filter_type(t).unwrap_or("immutable");
    let ms = parse_duration_ms(time).map(|m| m as i64).unwrap_or(0);
    (t, time.to_string(), ms)
}

pub fn load(conn: &Connection) -> CacheResult<Policies> {
    let mut p = Policies::default();
    let mut stmt = conn.prepare("SELECT path, ufs, bytes FROM quotas ORDER BY norm")?;
    p.quotas = stmt.query_map([], |r| Ok(QuotaRule { path: r.get(0)?, ufs: r.get(1)?, bytes: r.get(2)? }))?.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare("SELECT path, ufs, time, ms FROM ttls ORDER BY norm")?;
    p.ttls = stmt
        .query_map([], |r| Ok(TtlPolicy { path: r.get(0)?, ufs: r.get(1)?, time: r.get(2)?, ms: r.get(3)? }))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare("SELECT path, ufs, level FROM priorities ORDER BY norm")?;
    p.priorities = stmt
        .query_map([], |r| {
            let level: String = r.get(2)?;
            let rank = priority_rank(&level).unwrap_or(DEFAULT_PRIORITY);
            Ok(PriorityPolicy { path: r.get(0)?, ufs: r.get(1)?, level, rank })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare("SELECT scope, pattern, type, time FROM cache_filters ORDER BY seq")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (scope, pattern, rule_type, time) in rows {
        let (Some(rule_type), Ok(regex)) = (filter_type(&rule_type), compile_pattern(&pattern)) else { continue };
        let ms = parse_duration_ms(&time).map(|m| m as i64).unwrap_or(0);
        let rule = FilterRule { rule_type, pattern, regex, time, ms };
        if scope == "metadata" {
            p.filters.metadata.rules.push(rule);
        } else {
            p.filters.data.rules.push(rule);
        }
    }
    for (scope, target) in [("data", &mut p.filters.data), ("metadata", &mut p.filters.metadata)] {
        if let Some(raw) = meta(conn, &format!("filter_default:{scope}"))? {
            (target.default_type, target.default_time, target.default_ms) = parse_default(&raw);
        }
    }
    Ok(p)
}

fn bad(t: crate::lang::Text) -> CacheError {
    CacheError::BadRequest(t)
}

fn required(field: &'static str) -> CacheError {
    lakedeck_api::problem::Problem::new("alluxio.required").with("field", field).into()
}

impl Cache {
    /// A policy path: located under a mount and, for quotas and TTLs, existing in the UFS.
    fn policy_location(&self, path: &str, must_exist: bool) -> CacheResult<Location> {
        let loc = self.locate(path).map_err(|e| match e {
            CacheError::BadRequest(t) => bad(text!(
                "The path must be bound to a mounted UFS: {t}",
                "路径必须属于已挂载的 UFS：{t}"
            )),
            other => other,
        })?;
        if must_exist && !self.local_path(&loc.ufs)?.exists() {
            return Err(bad(text!("{path} does not exist in the UFS.", "{path} 在 UFS 中不存在。")));
        }
        Ok(loc)
    }

    fn feature(&self, off: bool, en: &'static str, zh: &'static str) -> CacheResult<()> {
        if off {
            return Err(CacheError::NotImplemented(text!("{en} is not enabled on this cluster.", "本集群未启用{zh}。")));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Quota

    fn quota_enabled(&self) -> CacheResult<()> {
        self.feature(self.config().disabled.quota, "Quota", "配额")
    }

    fn quota_status(&self, conn: &Connection, q: &QuotaRule) -> CacheResult<QuotaStatus> {
        Ok(QuotaStatus { path: q.path.clone(), quota_bytes: q.bytes, used_bytes: super::pages::bytes_under(conn, &q.ufs)? })
    }

    /// GET /api/v1/quota
    pub fn list_quotas(&self) -> CacheResult<Vec<QuotaStatus>> {
        self.quota_enabled()?;
        let p = self.policies();
        self.db().read(|conn| p.quotas.iter().map(|q| self.quota_status(conn, q)).collect())
    }

    /// GET /api/v1/quota?path=
    pub fn quota(&self, path: &str) -> CacheResult<QuotaStatus> {
        self.quota_enabled()?;
        let loc = self.locate(path).map_err(|_| no_quota(path))?;
        let p = self.policies();
        let q = p.quotas.iter().find(|q| q.ufs == loc.ufs).ok_or_else(|| no_quota(path))?;
        self.db().read(|conn| self.quota_status(conn, q))
    }

    /// POST /api/v1/quota: adds or updates; cached bytes above the new quota are evicted now.
    pub fn set_quota(&self, path: Option<&str>, size: Option<&str>) -> CacheResult<QuotaStatus> {
        self.quota_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let size = size.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("size"))?;
        let bytes = check_size("size", size)?;
        let loc = self.policy_location(path, true)?;
        self.db().tx(|conn| {
            conn.execute(
                "INSERT INTO quotas (norm, path, ufs, bytes) VALUES (?1, ?2, ?1, ?3)
                 ON CONFLICT(norm) DO UPDATE SET path = ?2, bytes = ?3",
                params![loc.ufs, path, bytes as i64],
            )?;
            Ok(())
        })?;
        self.reload()?;
        super::pages::enforce_quotas(self, &self.policies())?;
        self.quota(path)
    }

    /// DELETE /api/v1/quota
    pub fn remove_quota(&self, path: Option<&str>) -> CacheResult<QuotaStatus> {
        self.quota_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let status = self.quota(path).map_err(|e| match e {
            CacheError::NotFound(t) => bad(t),
            other => other,
        })?;
        let loc = self.locate(path)?;
        self.db().tx(|conn| Ok(conn.execute("DELETE FROM quotas WHERE norm = ?1", [&loc.ufs])?))?;
        self.reload()?;
        Ok(status)
    }

    // -----------------------------------------------------------------------------------------
    // TTL

    fn ttl_enabled(&self) -> CacheResult<()> {
        self.feature(self.config().disabled.ttl, "The TTL policy", "TTL 策略")
    }

    pub fn list_ttls(&self) -> CacheResult<Vec<TtlRule>> {
        self.ttl_enabled()?;
        Ok(self.policies().ttls.iter().map(|t| TtlRule { path: t.path.clone(), time: t.time.clone() }).collect())
    }

    pub fn ttl(&self, path: &str) -> CacheResult<TtlRule> {
        self.ttl_enabled()?;
        let not_found = || CacheError::NotFound(text!("No TTL is set on {path}.", "{path} 没有设置 TTL。"));
        let loc = self.locate(path).map_err(|_| not_found())?;
        self.policies()
            .ttls
            .iter()
            .find(|t| t.ufs == loc.ufs)
            .map(|t| TtlRule { path: t.path.clone(), time: t.time.clone() })
            .ok_or_else(not_found)
    }

    /// POST /api/v1/ttl. Pages already older than the new TTL are evicted at the next check.
    pub fn set_ttl(&self, path: Option<&str>, time: Option<&str>) -> CacheResult<TtlRule> {
        self.ttl_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let time = time.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("time"))?;
        let ms = check_duration("time", time)?;
        let loc = self.policy_location(path, true)?;
        self.db().tx(|conn| {
            conn.execute(
                "INSERT INTO ttls (norm, path, ufs, time, ms) VALUES (?1, ?2, ?1, ?3, ?4)
                 ON CONFLICT(norm) DO UPDATE SET path = ?2, time = ?3, ms = ?4",
                params![loc.ufs, path, time, ms as i64],
            )?;
            Ok(())
        })?;
        self.reload()?;
        Ok(TtlRule { path: path.to_string(), time: time.to_string() })
    }

    pub fn remove_ttl(&self, path: Option<&str>) -> CacheResult<TtlRule> {
        self.ttl_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let rule = self.ttl(path).map_err(|e| match e {
            CacheError::NotFound(t) => bad(t),
            other => other,
        })?;
        let loc = self.locate(path)?;
        self.db().tx(|conn| Ok(conn.execute("DELETE FROM ttls WHERE norm = ?1", [&loc.ufs])?))?;
        self.reload()?;
        Ok(rule)
    }

    // -----------------------------------------------------------------------------------------
    // Priority

    fn priority_enabled(&self) -> CacheResult<()> {
        self.feature(self.config().disabled.priority, "Priority eviction", "优先级驱逐")
    }

    pub fn list_priorities(&self) -> CacheResult<Vec<PriorityRule>> {
        self.priority_enabled()?;
        Ok(self.policies().priorities.iter().map(|p| PriorityRule { path: p.path.clone(), priority: p.level.clone() }).collect())
    }

    pub fn priority(&self, path: &str) -> CacheResult<PriorityRule> {
        self.priority_enabled()?;
        let not_found = || CacheError::NotFound(text!("No eviction priority is set on {path}.", "{path} 没有设置驱逐优先级。"));
        let loc = self.locate(path).map_err(|_| not_found())?;
        self.policies()
            .priorities
            .iter()
            .find(|p| p.ufs == loc.ufs)
            .map(|p| PriorityRule { path: p.path.clone(), priority: p.level.clone() })
            .ok_or_else(not_found)
    }

    /// POST /api/v1/priority: cached pages take the new level at once.
    pub fn set_priority(&self, path: Option<&str>, level: Option<&str>) -> CacheResult<PriorityRule> {
        self.priority_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let level = level.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("priority"))?;
        let level = check_priority(level)?;
        let loc = self.policy_location(path, false)?;
        self.db().tx(|conn| {
            conn.execute(
                "INSERT INTO priorities (norm, path, ufs, level) VALUES (?1, ?2, ?1, ?3)
                 ON CONFLICT(norm) DO UPDATE SET path = ?2, level = ?3",
                params![loc.ufs, path, level],
            )?;
            Ok(())
        })?;
        self.reload()?;
        super::pages::restamp_priorities(self, &self.policies())?;
        Ok(PriorityRule { path: path.to_string(), priority: level.to_string() })
    }

    /// DELETE /api/v1/priority (an unknown path is a no-op, as the coordinator lists no 404).
    pub fn remove_priority(&self, path: Option<&str>) -> CacheResult<Option<PriorityRule>> {
        self.priority_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let loc = self.locate(path)?;
        let rule = self.priority(path).ok();
        self.db().tx(|conn| Ok(conn.execute("DELETE FROM priorities WHERE norm = ?1", [&loc.ufs])?))?;
        self.reload()?;
        super::pages::restamp_priorities(self, &self.policies())?;
        Ok(rule)
    }

    // -----------------------------------------------------------------------------------------
    // Cache filter

    fn filter_enabled(&self) -> CacheResult<()> {
        self.feature(self.config().disabled.cache_filter, "The cache filter", "缓存过滤器")
    }

    /// GET /api/v1/cache-filter
    pub fn cache_filter(&self) -> CacheResult<CacheFilterDoc> {
        self.filter_enabled()?;
        let p = self.policies();
        Ok(CacheFilterDoc { api_version: 1, data: p.filters.data.wire(), metadata: p.filters.metadata.wire() })
    }

    /// GET /api/v1/cache-filter?path=: which rule a path falls under.
    pub fn cache_filter_test(&self, path: &str) -> CacheResult<wire::CacheFilterTest> {
        self.filter_enabled()?;
        let loc = self.locate(path)?;
        let p = self.policies();
        Ok(wire::CacheFilterTest {
            path: loc.alluxio.clone(),
            ufs: loc.ufs.clone(),
            data: p.filters.data.explain(&loc),
            metadata: p.filters.metadata.explain(&loc),
        })
    }

    /// POST /api/v1/cache-filter: adds (or replaces) a rule, or changes a scope's default.
    pub fn change_cache_filter(&self, c: &CacheFilterChange) -> CacheResult<CacheFilterDoc> {
        self.filter_enabled()?;
        let op_default = c.update_default == Some(true) || c.op.as_deref().is_some_and(|o| o.eq_ignore_ascii_case("updateDefault"));
        if let Some(op) = c.op.as_deref().filter(|o| !o.eq_ignore_ascii_case("updateDefault") && !o.eq_ignore_ascii_case("add")) {
            return Err(bad(text!("op '{op}' is not supported: use add or updateDefault.", "不支持 op '{op}'：请使用 add 或 updateDefault。")));
        }
        let type_raw = if op_default { c.default_type.as_deref().or(c.rule_type.as_deref()) } else { c.rule_type.as_deref() };
        let (rule_type, scope, time) = check_filter_rule(type_raw, c.scope.as_deref(), c.time.as_deref())?;
        let time = time.as_str();
        if op_default {
            let value = if time.is_empty() { rule_type.to_string() } else { format!("{rule_type}:{time}") };
            self.db().tx(|conn| set_meta(conn, &format!("filter_default:{scope}"), &value))?;
        } else {
            let pattern = c.pattern.as_deref().filter(|p| !p.trim().is_empty()).ok_or_else(|| required("pattern"))?;
            if pattern.len() > MAX_PATTERN {
                return Err(bad(text!("The pattern is longer than 1000 characters.", "pattern 超过 1000 个字符。")));
            }
            compile_pattern(pattern).map_err(|e| {
                bad(text!("pattern is not a valid regular expression: {e}", "pattern 不是有效的正则表达式：{e}"))
            })?;
            self.db().tx(|conn| {
                let seq: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM cache_filters", [], |r| r.get(0))?;
                conn.execute(
                    "INSERT INTO cache_filters (scope, pattern, type, time, seq) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(scope, pattern) DO UPDATE SET type = ?3, time = ?4",
                    params![scope, pattern, rule_type, time, seq],
                )?;
                Ok(())
            })?;
        }
        self.reload()?;
        self.cache_filter()
    }

    /// DELETE /api/v1/cache-filter: removes a rule (the default cannot be removed, only changed).
    pub fn remove_cache_filter(&self, c: &CacheFilterChange) -> CacheResult<CacheFilterDoc> {
        self.filter_enabled()?;
        if c.update_default == Some(true) || c.op.as_deref().is_some_and(|o| o.eq_ignore_ascii_case("updateDefault")) {
            return Err(bad(text!(
                "The default rule cannot be removed; change it with updateDefault instead.",
                "默认规则不能删除；请用 updateDefault 修改它。"
            )));
        }
        let scope = check_filter_scope(check_required("scope", c.scope.as_deref())?)?;
        let pattern = c.pattern.as_deref().filter(|p| !p.trim().is_empty()).ok_or_else(|| required("pattern"))?;
        let wanted_type = match c.rule_type.as_deref() {
            Some(t) => Some(check_filter_type(t)?),
            None => None,
        };        let removed = self.db().tx(|conn| {
            let n = match wanted_type {
                Some(t) => conn.execute("DELETE FROM cache_filters WHERE scope = ?1 AND pattern = ?2 AND type = ?3", params![scope, pattern, t])?,
                None => conn.execute("DELETE FROM cache_filters WHERE scope = ?1 AND pattern = ?2", params![scope, pattern])?,
            };
            Ok(n)
        })?;
        if removed == 0 {
            return Err(bad(text!(
                "No {scope} rule has the pattern {pattern}.",
                "{scope} 中没有 pattern 为 {pattern} 的规则。"
            )));
        }
        self.reload()?;
        self.cache_filter()
    }

    // -----------------------------------------------------------------------------------------
    // Global file index

    fn index_enabled(&self) -> CacheResult<()> {
        if self.config().disabled.file_index {
            return Err(CacheError::NotFound(text!(
                "The global file index is not enabled on this cluster.",
                "本集群未启用全局文件索引。"
            )));
        }
        Ok(())
    }

    /// Reads an index file from the UFS: one path per line (Alluxio path or UFS URI); blank
    /// lines and lines starting with `#` are skipped. Every entry must be under a mount.
    pub fn read_index_file(&self, ufs: &str) -> CacheResult<Vec<String>> {
        let local = self.local_path(ufs)?;
        let text = std::fs::read_to_string(&local).map_err(|e| {
            let reason = e.to_string();
            bad(text!("The index file {ufs} cannot be read: {reason}", "无法读取索引文件 {ufs}：{reason}"))
        })?;
        self.index_entries_of(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')))
    }

    fn index_entries_of<'a>(&self, lines: impl Iterator<Item = &'a str>) -> CacheResult<Vec<String>> {
        let mut out = BTreeSet::new();
        for (n, line) in lines.enumerate() {
            if out.len() >= MAX_INDEX_ENTRIES {
                return Err(bad(text!("An index lists at most 1,000,000 files.", "一个索引最多列出 1,000,000 个文件。")));
            }
            let loc = self.locate(line).map_err(|e| {
                let (no, reason) = (n + 1, e.text());
                bad(text!("Index entry {no} ({line}): {reason}", "索引第 {no} 项（{line}）：{reason}"))
            })?;
            out.insert(loc.ufs);
        }
        Ok(out.into_iter().collect())
    }

    /// The files a job's `index` names: a registered index (by path or alias), else the index
    /// file itself, read from the UFS.
    pub fn index_files(&self, index: &str) -> CacheResult<(String, Vec<String>)> {
        let registered = if self.config().disabled.file_index {
            None
        } else {
            let ufs = self.locate(index).ok().map(|l| l.ufs);
            self.db().read(|conn| {
                let key: Option<String> = match &ufs {
                    Some(u) => conn.query_row("SELECT path FROM file_index WHERE path = ?1", [u], |r| r.get(0)).ok(),
                    None => None,
                };
                let key = key.or_else(|| conn.query_row("SELECT path FROM file_index WHERE alias = ?1 AND alias != ''", [index], |r| r.get(0)).ok());
                match key {
                    Some(k) => {
                        let mut stmt = conn.prepare("SELECT entry FROM file_index_entries WHERE index_path = ?1 ORDER BY entry")?;
                        let entries = stmt.query_map([&k], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
                        Ok(Some((k, entries)))
                    }
                    None => Ok(None),
                }
            })?
        };
        if let Some(found) = registered {
            return Ok(found);
        }
        let loc = self.locate(index)?;
        let entries = self.read_index_file(&loc.ufs)?;
        Ok((loc.ufs, entries))
    }

    fn index_row(conn: &Connection, path: &str) -> CacheResult<Option<FileIndexEntry>> {
        let row = conn
            .query_row("SELECT alias, created_ms FROM file_index WHERE path = ?1", [path], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .ok();
        let Some((alias, created)) = row else { return Ok(None) };
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM file_index_entries WHERE index_path = ?1", [path], |r| r.get(0))?;
        Ok(Some(FileIndexEntry { path: path.to_string(), alias, entry_count: count, created_time: iso_time(created), entries: None }))
    }

    /// GET /api/v1/file_index
    pub fn list_file_index(&self) -> CacheResult<Vec<FileIndexEntry>> {
        self.index_enabled()?;
        self.db().read(|conn| {
            let mut stmt = conn.prepare("SELECT path FROM file_index ORDER BY path")?;
            let paths = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::new();
            for p in paths {
                out.extend(Self::index_row(conn, &p)?);
            }
            Ok(out)
        })
    }

    /// GET /api/v1/file_index?path=: one index with its entries.
    pub fn file_index(&self, path: &str) -> CacheResult<FileIndexEntry> {
        self.index_enabled()?;
        let key = self.locate(path).map(|l| l.ufs).unwrap_or_else(|_| path.to_string());
        self.db().read(|conn| {
            let Some(mut e) = Self::index_row(conn, &key)? else {
                return Err(CacheError::NotFound(text!("{path} is not in the global file index.", "{path} 不在全局文件索引中。")));
            };
            let mut stmt = conn.prepare("SELECT entry FROM file_index_entries WHERE index_path = ?1 ORDER BY entry")?;
            e.entries = Some(stmt.query_map([&key], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?);
            Ok(e)
        })
    }

    /// POST /api/v1/file_index: registers an index file (its entries read from the UFS, or given
    /// as `entries`); answers how many entries were added.
    pub fn add_file_index(&self, path: Option<&str>, alias: Option<&str>, entries: Option<&[String]>) -> CacheResult<FileIndexCount> {
        self.index_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let loc = self.locate(path)?;
        let entries = match entries {
            Some(list) => self.index_entries_of(list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()))?,
            None => self.read_index_file(&loc.ufs)?,
        };
        let alias = alias.map(str::trim).unwrap_or("").to_string();
        let added = self.db().tx(|conn| {
            if !alias.is_empty() {
                let other: Option<String> =
                    conn.query_row("SELECT path FROM file_index WHERE alias = ?1 AND path != ?2", params![alias, loc.ufs], |r| r.get(0)).ok();
                if let Some(other) = other {
                    return Err(bad(text!(
                        "The alias {alias} already names the index {other}.",
                        "别名 {alias} 已被索引 {other} 使用。"
                    )));
                }
            }
            conn.execute(
                "INSERT INTO file_index (path, alias, created_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT(path) DO UPDATE SET alias = CASE WHEN ?2 = '' THEN alias ELSE ?2 END",
                params![loc.ufs, alias, util::now_ms()],
            )?;
            let mut added = 0;
            let mut stmt = conn.prepare("INSERT OR IGNORE INTO file_index_entries (index_path, entry) VALUES (?1, ?2)")?;
            for e in &entries {
                added += stmt.execute(params![loc.ufs, e])? as i64;
            }
            Ok(added)
        })?;
        Ok(FileIndexCount { path: path.to_string(), added: Some(added), removed: None })
    }

    /// DELETE /api/v1/file_index: removes the given entries, or the whole index.
    pub fn remove_file_index(&self, path: Option<&str>, entries: Option<&[String]>) -> CacheResult<FileIndexCount> {
        self.index_enabled()?;
        let path = path.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| required("path"))?;
        let key = self.locate(path).map(|l| l.ufs).unwrap_or_else(|_| path.to_string());
        let wanted: Option<Vec<String>> = entries.map(|list| {
            list.iter().map(|e| self.locate(e).map(|l| l.ufs).unwrap_or_else(|_| e.trim().to_string())).collect()
        });
        let removed = self.db().tx(|conn| {
            let n = match &wanted {
                Some(list) => {
                    let mut stmt = conn.prepare("DELETE FROM file_index_entries WHERE index_path = ?1 AND entry = ?2")?;
                    let mut n = 0;
                    for e in list {
                        n += stmt.execute(params![key, e])? as i64;
                    }
                    n
                }
                None => {
                    let n = conn.execute("DELETE FROM file_index_entries WHERE index_path = ?1", [&key])? as i64;
                    conn.execute("DELETE FROM file_index WHERE path = ?1", [&key])?;
                    n
                }
            };
            Ok(n)
        })?;
        Ok(FileIndexCount { path: path.to_string(), added: None, removed: Some(removed) })
    }
}

fn no_quota(path: &str) -> CacheError {
    CacheError::NotFound(text!("No quota is set on {path}.", "{path} 没有设置配额。"))
}

/// Quota headroom for a load of `ufs_paths`: the most specific quota over the first path.
pub fn headroom(conn: &Connection, policies: &Policies, ufs_paths: &[String]) -> CacheResult<wire::QuotaHeadroom> {
    let Some(first) = ufs_paths.first() else { return Ok(wire::QuotaHeadroom::default()) };
    let q = policies
        .quotas
        .iter()
        .filter(|q| below(first, &q.ufs).is_some() || below(&q.ufs, first).is_some())
        .max_by_key(|q| q.ufs.len());
    Ok(match q {
        Some(q) => {
            let used = super::pages::bytes_under(conn, &q.ufs)?;
            wire::QuotaHeadroom { total_bytes: q.bytes, remaining: (q.bytes - used).max(0) }
        }
        None => wire::QuotaHeadroom::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(ufs: &str, alluxio: &str) -> Location {
        Location { ufs: ufs.into(), alluxio: alluxio.into() }
    }

    fn rule(t: &'static str, pattern: &str, time: &str) -> FilterRule {
        FilterRule {
            rule_type: t,
            pattern: pattern.into(),
            regex: compile_pattern(pattern).unwrap(),
            time: time.into(),
            ms: parse_duration_ms(time).unwrap_or(0) as i64,
        }
    }

    #[test]
    fn filter_precedence_and_defaults() {
        let f = ScopeFilter {
            rules: vec![rule("immutable", ".*/tables/.*", ""), rule("maxAge", ".*/tables/daily/.*", "10s"), rule("skipCache", ".*/tmp/.*", "")],
            ..Default::default()
        };
        assert_eq!(f.decide(&loc("obs://b/tables/x", "/o/tables/x")), Decision::Immutable);
        assert_eq!(f.decide(&loc("obs://b/tables/daily/x", "/o/tables/daily/x")), Decision::MaxAge(10_000));
        assert_eq!(f.decide(&loc("obs://b/tables/daily/tmp/x", "/o/x")), Decision::SkipCache);
        assert_eq!(f.decide(&loc("obs://b/other", "/o/other")), Decision::Immutable, "the default");
        // Whole-string matches only: "tables" alone does not match ".*/tables/.*".
        assert!(f.rule_for(&loc("obs://b/tables", "/o/tables")).is_none());
        // Either the UFS URI or the Alluxio path may match.
        let g = ScopeFilter { rules: vec![rule("skipCache", "/o/scratch/.*", "")], ..Default::default() };
        assert_eq!(g.decide(&loc("obs://b/s/x", "/o/scratch/x")), Decision::SkipCache);
        assert!(compile_pattern("(unclosed").is_err());
    }

    #[test]
    fn most_specific_rules_win() {
        let p = Policies {
            ttls: vec![
                TtlPolicy { path: "/o".into(), ufs: "obs://b".into(), time: "1h".into(), ms: 3_600_000 },
                TtlPolicy { path: "/o/tmp".into(), ufs: "obs://b/tmp".into(), time: "10m".into(), ms: 600_000 },
            ],
            priorities: vec![PriorityPolicy { path: "/o/models".into(), ufs: "obs://b/models".into(), level: "HIGH".into(), rank: 2 }],
            quotas: vec![
                QuotaRule { path: "/o".into(), ufs: "obs://b".into(), bytes: 100 },
                QuotaRule { path: "/o/tmp".into(), ufs: "obs://b/tmp".into(), bytes: 10 },
            ],
            ..Default::default()
        };
        assert_eq!(p.ttl_ms("obs://b/tmp/x"), Some(600_000));
        assert_eq!(p.ttl_ms("obs://b/tmpx"), Some(3_600_000));
        assert_eq!(p.ttl_ms("obs://c/x"), None);
        assert_eq!(p.priority("obs://b/models/llama"), 2);
        assert_eq!(p.priority("obs://b/x"), DEFAULT_PRIORITY);
        assert_eq!(p.quotas_over("obs://b/tmp/x").count(), 2);
        assert_eq!(p.quotas_over("obs://b/x").count(), 1);
    }
}
