//! Validation rules of the MRS APIs. The sandbox answers the first error with its vendor code; the
//! console shows every error next to its field. Field paths use wire names (`node_groups[1].node_num`).
//! Errors are [`Problem`]s (a message key and parameters), worded on each side from
//! `crates/api/locales` in the user's language.

use crate::catalog::{self, Catalog as Offer};
use crate::mrs::{ClusterState, CreateClusterReq, NodeGroupV2, Tag, Volume};
use crate::problem::Problem;

/// Generic invalid-parameter code of the V2 cluster APIs (doc example of CreateCluster).
pub const INVALID_PARAM: &str = "MRS.0002";
pub const DUPLICATE_NAME: &str = "12000043";
pub const KEYPAIR_MISSING: &str = "12000059";
pub const VPC_MISSING: &str = "12000105";
pub const VPC_REQUIRED: &str = "12000209";
pub const SUBNET_REQUIRED: &str = "12000210";
pub const TOO_MANY_NODES: &str = "12000028";
pub const TOO_MANY_TAGS: &str = "12005001";
pub const BAD_TAG: &str = "12005002";

/// Most Core+Task nodes a cluster may have.
pub const MAX_CORE_TASK_NODES: i64 = 500;
/// Core nodes a scale-in must leave (only the excess above this can be removed).
pub const MIN_CORE_AFTER_SHRINK: i64 = 3;
/// Master nodes per cluster (1 = no HA, 2 = active/standby). Sandbox choice, see README.
pub const MASTER_NODES: std::ops::RangeInclusive<i64> = 1..=2;
pub const MAX_TAGS: usize = 10;
pub const MAX_NAME: usize = 64;

/// A broken rule at a wire field, with the vendor code the service answers it with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, problem: Problem) -> FieldError {
        FieldError { field: field.into(), code, problem }
    }
}

/// `field` is missing or empty.
pub fn required_problem(field: &str) -> Problem {
    Problem::new("field.required").with("field", field)
}

/// Cluster and node-group names: 1–64 letters, digits, `-` or `_`.
pub fn validate_cluster_name(name: &str) -> Result<(), Problem> {
    if name.is_empty() {
        return Err(Problem::new("cluster.name_required"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Problem::new("cluster.name_too_long").with("max", MAX_NAME));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(Problem::new("cluster.name_bad_char").with("char", bad));
    }
    Ok(())
}

pub const PASSWORD_SPECIALS: &str = "!@$%^-_=+[{}]:,./?";

/// Manager and node passwords: 8–26 characters with upper, lower, digit and a special from
/// `!@$%^-_=+[{}]:,./?`, no other characters, not the user name forwards or backwards.
pub fn validate_password(password: &str, user: &str) -> Result<(), Problem> {
    let n = password.chars().count();
    if !(8..=26).contains(&n) {
        return Err(Problem::new("password.length").with("min", 8).with("max", 26));
    }
    if password.contains(' ') {
        return Err(Problem::new("password.space"));
    }
    if let Some(bad) =
        password.chars().find(|c| !(c.is_ascii_alphanumeric() || PASSWORD_SPECIALS.contains(*c)))
    {
        return Err(Problem::new("password.bad_char").with("char", bad).with("specials", PASSWORD_SPECIALS));
    }
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    if !has(char::is_ascii_uppercase)
        || !has(char::is_ascii_lowercase)
        || !has(char::is_ascii_digit)
        || !password.chars().any(|c| PASSWORD_SPECIALS.contains(c))
    {
        return Err(Problem::new("password.weak").with("specials", PASSWORD_SPECIALS));
    }
    let reversed: String = user.chars().rev().collect();
    if password.eq_ignore_ascii_case(user) || password.eq_ignore_ascii_case(&reversed) {
        return Err(Problem::new("password.is_user").with("user", user));
    }
    Ok(())
}

pub const TAG_FORBIDDEN: &str = "=*<>\\,|/";
pub const MAX_TAG_KEY: usize = 36;
pub const MAX_TAG_VALUE: usize = 43;

fn shown_char(c: char) -> String {
    if (c as u32) < 32 {
        format!("U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}

fn check_tag_text(key: bool, s: &str) -> Result<(), Problem> {
    if let Some(bad) = s.chars().find(|c| (*c as u32) < 32 || TAG_FORBIDDEN.contains(*c)) {
        let k = if key { "tag.key_forbidden_char" } else { "tag.value_forbidden_char" };
        return Err(Problem::new(k).with("char", shown_char(bad)));
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return Err(Problem::new(if key { "tag.key_edge_space" } else { "tag.value_edge_space" }));
    }
    Ok(())
}

/// A tag key: 1–36 characters, no `= * < > \ , | /` or control characters, no edge spaces.
pub fn validate_tag_key(key: &str) -> Result<(), Problem> {
    let k = key.chars().count();
    if k == 0 {
        return Err(Problem::new("tag.key_required"));
    }
    if k > MAX_TAG_KEY {
        return Err(Problem::new("tag.key_too_long").with("max", MAX_TAG_KEY));
    }
    check_tag_text(true, key)
}

/// One tag: the key rules, and a value of 0–43 characters under the same character rules.
pub fn validate_tag(tag: &Tag) -> Result<(), Problem> {
    validate_tag_key(&tag.key)?;
    if tag.value.chars().count() > MAX_TAG_VALUE {
        return Err(Problem::new("tag.value_too_long").with("max", MAX_TAG_VALUE));
    }
    check_tag_text(false, &tag.value)
}

/// A tag set: at most `max` tags (12005001), each valid with its key used once (12005002).
pub fn validate_tags(tags: &[Tag], max: usize) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if tags.len() > max {
        errors.push(FieldError::new("tags", TOO_MANY_TAGS, Problem::new("tag.too_many").with("max", max).with("count", tags.len())));
    }
    for (i, t) in tags.iter().enumerate() {
        let problem = match validate_tag(t) {
            Err(p) => p,
            Ok(()) if tags[..i].iter().any(|o| o.key == t.key) => Problem::new("tag.key_twice").with("key", &t.key),
            Ok(()) => continue,
        };
        errors.push(FieldError::new(format!("tags[{i}]"), BAD_TAG, problem));
    }
    errors
}

fn validate_volume(field: &str, v: &Volume, errors: &mut Vec<FieldError>) {
    if !catalog::VOLUME_TYPES.contains(&v.volume_type.as_str()) {
        errors.push(FieldError::new(
            format!("{field}.type"),
            INVALID_PARAM,
            Problem::new("volume.bad_type").with("types", catalog::VOLUME_TYPES.join(", ")),
        ));
    }
    if !(10..=32768).contains(&v.size) {
        errors.push(FieldError::new(format!("{field}.size"), INVALID_PARAM, Problem::new("volume.bad_size").with("min", 10).with("max", 32768)));
    }
}

fn validate_group(i: usize, g: &NodeGroupV2, cluster_type: &str, offer: &Offer, errors: &mut Vec<FieldError>) {
    let f = |s: &str| format!("node_groups[{i}].{s}");
    let custom = cluster_type == "CUSTOM";
    let allowed: Vec<&str> = catalog::standard_groups(cluster_type).iter().map(|(n, _)| *n).collect();
    let name_ok = if custom {
        g.group_name == "master_node_default_group"
            || g.group_name
                .strip_prefix("node_group")
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (1..=9).contains(&n))
    } else {
        allowed.contains(&g.group_name.as_str())
    };
    if g.group_name.is_empty() {
        errors.push(FieldError::new(f("group_name"), INVALID_PARAM, Problem::new("group.name_required")));
    } else if !name_ok {
        let p = if custom {
            Problem::new("group.bad_name_custom").with("name", &g.group_name)
        } else {
            Problem::new("group.bad_name").with("name", &g.group_name).with("cluster_type", cluster_type).with("expected", allowed.join(", "))
        };
        errors.push(FieldError::new(f("group_name"), INVALID_PARAM, p));
    }
    let role = catalog::group_role(&g.group_name);
    let range = match role {
        "Master" => MASTER_NODES,
        "Core" => 1..=MAX_CORE_TASK_NODES,
        _ => 0..=MAX_CORE_TASK_NODES,
    };
    if !range.contains(&g.node_num) {
        errors.push(FieldError::new(
            f("node_num"),
            INVALID_PARAM,
            Problem::new("group.node_count").with("role", role).with("min", range.start()).with("max", range.end()),
        ));
    }
    if g.node_size.is_empty() {
        errors.push(FieldError::new(f("node_size"), INVALID_PARAM, Problem::new("group.flavor_required")));
    } else {
        match offer.flavor(&g.node_size) {
            None => errors.push(FieldError::new(f("node_size"), INVALID_PARAM, Problem::new("group.flavor_unknown").with("flavor", &g.node_size))),
            Some(fl) if !fl.allows(role) => errors.push(FieldError::new(
                f("node_size"),
                INVALID_PARAM,
                Problem::new("group.flavor_not_for_role").with("flavor", &g.node_size).with("role", role),
            )),
            Some(_) => {}
        }
    }
    match &g.root_volume {
        Some(v) => validate_volume(&f("root_volume"), v, errors),
        None => errors.push(FieldError::new(f("root_volume"), INVALID_PARAM, Problem::new("group.root_volume_required"))),
    }
    let count = g.data_volume_count.unwrap_or(0);
    if !(0..=20).contains(&count) {
        errors.push(FieldError::new(f("data_volume_count"), INVALID_PARAM, Problem::new("group.data_disk_count").with("min", 0).with("max", 20)));
    }
    match (&g.data_volume, count > 0) {
        (Some(v), true) => validate_volume(&f("data_volume"), v, errors),
        (None, true) => errors.push(FieldError::new(f("data_volume"), INVALID_PARAM, Problem::new("group.data_volume_required"))),
        _ => {}
    }
    if custom && g.assigned_roles.as_ref().is_none_or(|r| r.is_empty()) {
        errors.push(FieldError::new(f("assigned_roles"), INVALID_PARAM, Problem::new("group.custom_roles")));
    }
}

fn required<'a>(v: &'a Option<String>, field: &str, code: &'static str, errors: &mut Vec<FieldError>) -> Option<&'a str> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Some(s),
        _ => {
            errors.push(FieldError::new(field, code, required_problem(field)));
            None
        }
    }
}

/// Every problem of a CreateCluster request against what the account offers (`offer`), in field
/// order. Does not know other clusters, so the duplicate-name check (12000043) is the caller's.
pub fn validate_create_cluster(req: &CreateClusterReq, offer: &Offer) -> Vec<FieldError> {
    let mut e = Vec::new();
    let version = required(&req.cluster_version, "cluster_version", INVALID_PARAM, &mut e);
    let version_info = version.and_then(|v| offer.version(v));
    if let (Some(v), None) = (version, version_info) {
        let known: Vec<&str> = offer.versions.iter().map(|v| v.name.as_str()).collect();
        e.push(FieldError::new(
            "cluster_version",
            INVALID_PARAM,
            Problem::new("cluster.version_unsupported").with("version", v).with("known", known.join(", ")),
        ));
    }
    match req.cluster_name.as_deref() {
        None => e.push(FieldError::new("cluster_name", INVALID_PARAM, required_problem("cluster_name"))),
        Some(n) => {
            if let Err(p) = validate_cluster_name(n) {
                e.push(FieldError::new("cluster_name", INVALID_PARAM, p));
            }
        }
    }
    let cluster_type = required(&req.cluster_type, "cluster_type", INVALID_PARAM, &mut e);
    if let Some(t) = cluster_type {
        if crate::mrs::ClusterType::parse(t).is_none() {
            e.push(FieldError::new("cluster_type", INVALID_PARAM, Problem::new("cluster.type_invalid").with("value", t)));
        }
    }
    if let Some(ci) = &req.charge_info {
        if !catalog::CHARGE_MODES.contains(&ci.charge_mode.as_str()) {
            e.push(FieldError::new("charge_info.charge_mode", INVALID_PARAM, Problem::new("charge.mode_invalid")));
        } else if ci.charge_mode == "prePaid" {
            let ok = match (ci.period_type.as_deref(), ci.period_num) {
                (Some("month"), Some(n)) => (1..=9).contains(&n),
                (Some("year"), Some(n)) => (1..=3).contains(&n),
                _ => false,
            };
            if !ok {
                e.push(FieldError::new("charge_info.period_num", INVALID_PARAM, Problem::new("charge.period_invalid")));
            }
        }
    }
    let region = required(&req.region, "region", INVALID_PARAM, &mut e);
    let region_info = region.and_then(|r| offer.region(r));
    if let (Some(r), None) = (region, region_info) {
        e.push(FieldError::new("region", INVALID_PARAM, Problem::new("region.unavailable").with("region", r)));
    }
    if let Some(az) = required(&req.availability_zone, "availability_zone", INVALID_PARAM, &mut e) {
        if let Some(r) = region_info {
            if !r.has_zone(az) {
                let zones: Vec<&str> = r.zones.iter().map(|z| z.code.as_str()).collect();
                e.push(FieldError::new(
                    "availability_zone",
                    INVALID_PARAM,
                    Problem::new("zone.not_in_region").with("zone", az).with("region", &r.id).with("zones", zones.join(", ")),
                ));
            }
        }
    }
    let vpc = required(&req.vpc_name, "vpc_name", VPC_REQUIRED, &mut e).and_then(|name| {
        let v = offer.vpc(name);
        if v.is_none() {
            e.push(FieldError::new("vpc_name", VPC_MISSING, Problem::new("vpc.missing").with("name", name)));
        }
        v
    });
    let subnet_id = req.subnet_id.as_deref().filter(|s| !s.is_empty());
    let subnet_name = req.subnet_name.as_deref().filter(|s| !s.is_empty());
    if subnet_id.is_none() && subnet_name.is_none() {
        e.push(FieldError::new("subnet_id", SUBNET_REQUIRED, Problem::new("subnet.required")));
    } else if let Some(v) = vpc {
        let by_id = subnet_id.map(|id| v.subnet_by_id(id));
        let by_name = subnet_name.map(|n| v.subnet_by_name(n));
        let not_in = |s: &str| Problem::new("subnet.not_in_vpc").with("subnet", s).with("vpc", &v.name);
        match (by_id, by_name) {
            (Some(None), _) => e.push(FieldError::new("subnet_id", INVALID_PARAM, not_in(subnet_id.unwrap_or_default()))),
            (_, Some(None)) => e.push(FieldError::new("subnet_name", INVALID_PARAM, not_in(subnet_name.unwrap_or_default()))),
            (Some(Some(a)), Some(Some(b))) if a != b => {
                e.push(FieldError::new("subnet_name", INVALID_PARAM, Problem::new("subnet.conflict")))
            }
            _ => {}
        }
    }
    if let Some(list) = required(&req.components, "components", INVALID_PARAM, &mut e) {
        let names: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if let Some(v) = version_info {
            for (i, n) in names.iter().enumerate() {
                if v.component(n).is_none() {
                    e.push(FieldError::new(
                        "components",
                        INVALID_PARAM,
                        Problem::new("component.not_in_version").with("component", n).with("version", &v.name),
                    ));
                } else if names[..i].contains(n) {
                    e.push(FieldError::new("components", INVALID_PARAM, Problem::new("component.duplicate").with("component", n)));
                }
            }
        }
        for need in catalog::required_components(cluster_type.unwrap_or_default()) {
            if !names.contains(need) {
                e.push(FieldError::new(
                    "components",
                    INVALID_PARAM,
                    Problem::new("component.required").with("cluster_type", cluster_type.unwrap_or_default()).with("component", need),
                ));
            }
        }
    }
    if let Some(m) = required(&req.safe_mode, "safe_mode", INVALID_PARAM, &mut e) {
        if !catalog::SAFE_MODES.contains(&m) {
            e.push(FieldError::new("safe_mode", INVALID_PARAM, Problem::new("safe_mode.invalid")));
        }
    }
    match req.manager_admin_password.as_deref() {
        None | Some("") => e.push(FieldError::new("manager_admin_password", INVALID_PARAM, required_problem("manager_admin_password"))),
        Some(p) => {
            if let Err(p) = validate_password(p, "admin") {
                e.push(FieldError::new("manager_admin_password", INVALID_PARAM, p));
            }
        }
    }
    match required(&req.login_mode, "login_mode", INVALID_PARAM, &mut e) {
        Some("PASSWORD") => match req.node_root_password.as_deref() {
            None | Some("") => e.push(FieldError::new("node_root_password", INVALID_PARAM, Problem::new("login.root_password_required"))),
            Some(p) => {
                if let Err(p) = validate_password(p, "root") {
                    e.push(FieldError::new("node_root_password", INVALID_PARAM, p));
                }
            }
        },
        Some("KEYPAIR") => match req.node_keypair_name.as_deref() {
            None | Some("") => e.push(FieldError::new("node_keypair_name", INVALID_PARAM, Problem::new("login.keypair_required"))),
            Some(k) if offer.key_pairs.as_ref().is_some_and(|known| !known.iter().any(|x| x == k)) => {
                e.push(FieldError::new("node_keypair_name", KEYPAIR_MISSING, Problem::new("login.keypair_missing").with("name", k)))
            }
            _ => {}
        },
        Some(other) => e.push(FieldError::new("login_mode", INVALID_PARAM, Problem::new("login.mode_invalid").with("value", other))),
        None => {}
    }
    if req.eip_address.as_deref().is_some_and(|s| !s.is_empty()) && req.eip_id.as_deref().is_none_or(str::is_empty) {
        e.push(FieldError::new("eip_id", INVALID_PARAM, Problem::new("eip.id_required")));
    }
    if let Some(a) = req.mrs_ecs_default_agency.as_deref() {
        if !a.is_empty() && a != "MRS_ECS_DEFAULT_AGENCY" {
            e.push(FieldError::new("mrs_ecs_default_agency", INVALID_PARAM, Problem::new("agency.invalid")));
        }
    }
    if let Some(l) = req.log_collection {
        if !(0..=1).contains(&l) {
            e.push(FieldError::new("log_collection", INVALID_PARAM, Problem::new("log_collection.invalid")));
        }
    }
    if cluster_type == Some("CUSTOM") {
        match req.template_id.as_deref() {
            Some(t) if catalog::CUSTOM_TEMPLATES.contains(&t) => {}
            _ => e.push(FieldError::new(
                "template_id",
                INVALID_PARAM,
                Problem::new("cluster.template_required").with("templates", catalog::CUSTOM_TEMPLATES.join(", ")),
            )),
        }
    }
    if let Some(tags) = &req.tags {
        e.extend(validate_tags(tags, MAX_TAGS));
    }
    validate_node_groups(req.node_groups.as_deref(), cluster_type.unwrap_or_default(), offer, &mut e);
    e
}

fn validate_node_groups(groups: Option<&[NodeGroupV2]>, cluster_type: &str, offer: &Offer, e: &mut Vec<FieldError>) {
    let groups = match groups {
        Some(g) if !g.is_empty() => g,
        _ => {
            e.push(FieldError::new("node_groups", INVALID_PARAM, required_problem("node_groups")));
            return;
        }
    };
    for (i, g) in groups.iter().enumerate() {
        validate_group(i, g, cluster_type, offer, e);
        if groups[..i].iter().any(|o| o.group_name == g.group_name) {
            e.push(FieldError::new(
                format!("node_groups[{i}].group_name"),
                INVALID_PARAM,
                Problem::new("group.duplicate").with("name", &g.group_name),
            ));
        }
    }
    let missing = |name: &str| Problem::new("group.missing").with("cluster_type", cluster_type).with("name", name);
    for (name, needed) in catalog::standard_groups(cluster_type) {
        if *needed && !groups.iter().any(|g| g.group_name == *name) {
            e.push(FieldError::new("node_groups", INVALID_PARAM, missing(name)));
        }
    }
    if cluster_type == "CUSTOM" && !groups.iter().any(|g| g.group_name == "master_node_default_group") {
        e.push(FieldError::new("node_groups", INVALID_PARAM, missing("master_node_default_group")));
    }
    let core_task: i64 = groups.iter().filter(|g| catalog::group_role(&g.group_name) != "Master").map(|g| g.node_num.max(0)).sum();
    if core_task > MAX_CORE_TASK_NODES {
        e.push(FieldError::new(
            "node_groups",
            TOO_MANY_NODES,
            Problem::new("cluster.too_many_nodes").with("count", core_task).with("max", MAX_CORE_TASK_NODES),
        ));
    }
}

/// Expand: a positive count that keeps Core+Task within 500. `core_task_now` is the cluster's current total.
pub fn validate_expand(group_role: &str, count: i64, core_task_now: i64) -> Result<(), FieldError> {
    if group_role == "Master" {
        return Err(FieldError::new("node_group_name", INVALID_PARAM, Problem::new("scale.master")));
    }
    if count < 1 {
        return Err(FieldError::new("count", INVALID_PARAM, Problem::new("scale.count_min").with("min", 1)));
    }
    if core_task_now + count > MAX_CORE_TASK_NODES {
        return Err(FieldError::new(
            "count",
            TOO_MANY_NODES,
            Problem::new("scale.too_many").with("count", count).with("total", core_task_now + count).with("max", MAX_CORE_TASK_NODES),
        ));
    }
    Ok(())
}

/// Shrink: Core groups keep at least 3 nodes, Task groups can go to 0, Master cannot shrink.
pub fn validate_shrink(group_role: &str, count: i64, group_nodes_now: i64) -> Result<(), FieldError> {
    if group_role == "Master" {
        return Err(FieldError::new("node_group_name", INVALID_PARAM, Problem::new("scale.master")));
    }
    if count < 1 {
        return Err(FieldError::new("count", INVALID_PARAM, Problem::new("scale.count_min").with("min", 1)));
    }
    let floor = if group_role == "Core" { MIN_CORE_AFTER_SHRINK.min(group_nodes_now) } else { 0 };
    let removable = group_nodes_now - floor;
    if count > removable {
        let p = if group_role == "Core" {
            Problem::new("scale.shrink_core").with("removable", removable).with("min", MIN_CORE_AFTER_SHRINK)
        } else {
            Problem::new("scale.shrink_empty").with("removable", removable)
        };
        return Err(FieldError::new("count", "12000013", p));
    }
    Ok(())
}

/// Rename: the name rules, and not on terminating or terminated clusters (12000360).
pub fn validate_rename(state: ClusterState, new_name: &str) -> Result<(), FieldError> {
    if !state.can_rename() {
        return Err(FieldError::new("cluster_name", "12000360", Problem::new("cluster.rename_state").with("state", state.as_str())));
    }
    validate_cluster_name(new_name).map_err(|p| FieldError::new("cluster_name", INVALID_PARAM, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mrs::{NodeGroupV2, Volume};

    pub fn valid_request() -> CreateClusterReq {
        let group = |name: &str, n: i64| NodeGroupV2 {
            group_name: name.into(),
            node_num: n,
            node_size: "c6.4xlarge.4.linux.bigdata".into(),
            root_volume: Some(Volume { volume_type: "SAS".into(), size: 480 }),
            data_volume: Some(Volume { volume_type: "SAS".into(), size: 600 }),
            data_volume_count: Some(1),
            ..Default::default()
        };
        CreateClusterReq {
            cluster_version: Some("MRS 3.1.0".into()),
            cluster_name: Some("demo_01".into()),
            cluster_type: Some("ANALYSIS".into()),
            region: Some("cn-north-4".into()),
            availability_zone: Some("cn-north-4a".into()),
            vpc_name: Some("vpc-lakedeck".into()),
            subnet_name: Some("subnet-data".into()),
            components: Some("Hadoop,Spark2x,Hive".into()),
            safe_mode: Some("SIMPLE".into()),
            manager_admin_password: Some("Admin@12345".into()),
            login_mode: Some("KEYPAIR".into()),
            node_keypair_name: Some("KeyPair-lakedeck".into()),
            tags: Some(vec![Tag { key: "env".into(), value: "dev".into() }]),
            node_groups: Some(vec![group("master_node_default_group", 2), group("core_node_analysis_group", 3)]),
            ..Default::default()
        }
    }

    /// A small offer in the sandbox's shape.
    pub fn offer() -> Offer {
        serde_json::from_str(
            r#"{"versions": [{"name": "MRS 3.1.0", "components": [
                    {"name": "Hadoop"}, {"name": "Spark2x"}, {"name": "Hive"}, {"name": "Kafka"}, {"name": "ZooKeeper"}]}],
                "flavors": [{"name": "c6.4xlarge.4.linux.bigdata"}, {"name": "c6.2xlarge.4.linux.bigdata", "roles": ["core", "task"]}],
                "regions": [{"id": "cn-north-4", "zones": [{"code": "cn-north-4a"}, {"code": "cn-north-4b"}]},
                            {"id": "cn-east-3", "zones": [{"code": "cn-east-3a"}]}],
                "vpcs": [{"name": "vpc-lakedeck", "id": "v1", "subnets": [{"name": "subnet-data", "id": "s1"}]},
                         {"name": "vpc-analytics", "id": "v2", "subnets": [{"name": "subnet-analytics", "id": "s3"}]}],
                "key_pairs": ["KeyPair-lakedeck", "KeyPair-ops"]}"#,
        )
        .unwrap()
    }

    fn validate(req: &CreateClusterReq) -> Vec<FieldError> {
        validate_create_cluster(req, &offer())
    }

    fn fields(req: &CreateClusterReq) -> Vec<String> {
        validate(req).into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_request_passes() {
        assert_eq!(validate(&valid_request()), vec![]);
    }

    #[test]
    fn missing_fields_are_named() {
        let f = fields(&CreateClusterReq::default());
        for name in ["cluster_version", "cluster_name", "cluster_type", "region", "availability_zone", "vpc_name", "subnet_id", "components", "safe_mode", "manager_admin_password", "login_mode", "node_groups"] {
            assert!(f.contains(&name.to_string()), "{name} missing from {f:?}");
        }
        let e = validate(&CreateClusterReq::default());
        assert_eq!(e.iter().find(|e| e.field == "vpc_name").unwrap().code, VPC_REQUIRED);
        assert_eq!(e.iter().find(|e| e.field == "subnet_id").unwrap().code, SUBNET_REQUIRED);
    }

    #[test]
    fn names() {
        assert!(validate_cluster_name("ok-Name_1").is_ok());
        assert!(validate_cluster_name("").is_err());
        assert!(validate_cluster_name(&"a".repeat(65)).is_err());
        assert!(validate_cluster_name(&"a".repeat(64)).is_ok());
        assert!(validate_cluster_name("has space").is_err());
        assert!(validate_cluster_name("<script>").is_err());
    }

    #[test]
    fn passwords() {
        assert!(validate_password("Admin@12345", "admin").is_ok());
        assert!(validate_password("Short@1", "admin").is_err());
        assert!(validate_password("nouppercase@1", "admin").is_err());
        assert!(validate_password("NoSpecial123", "admin").is_err());
        assert!(validate_password("Has Space@1x", "admin").is_err());
        assert!(validate_password("Bad#Char123", "admin").is_err());
        assert!(validate_password(&format!("A@1{}", "a".repeat(24)), "admin").is_err());
        assert!(validate_password("Toor@1234", "root").is_ok());
    }

    #[test]
    fn tags() {
        let t = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
        let key = |k: &str, v: &str| validate_tag(&t(k, v)).err().map(|p| p.key);
        assert_eq!(key("env", ""), None);
        assert_eq!(key(&"k".repeat(36), &"v".repeat(43)), None);
        assert_eq!(key("环境", "生产"), None);
        assert_eq!(key("", "x"), Some("tag.key_required"));
        assert_eq!(key(&"k".repeat(37), ""), Some("tag.key_too_long"));
        assert_eq!(key("a=b", "x"), Some("tag.key_forbidden_char"));
        assert_eq!(key(" lead", "x"), Some("tag.key_edge_space"));
        assert_eq!(key("k", "trail "), Some("tag.value_edge_space"));
        assert_eq!(key("k", &"v".repeat(44)), Some("tag.value_too_long"));
        assert_eq!(key("k\u{1}", "v"), Some("tag.key_forbidden_char"));
        assert_eq!(key("k", "a/b"), Some("tag.value_forbidden_char"));
        assert_eq!(validate_tag(&t("k", "a|b")).unwrap_err().param("char"), Some("'|'"));
        assert_eq!(validate_tag(&t("k\u{7}", "")).unwrap_err().param("char"), Some("U+0007"));
        let many: Vec<Tag> = (0..11).map(|i| t(&format!("k{i}"), "v")).collect();
        assert_eq!(validate_tags(&many, MAX_TAGS)[0].code, TOO_MANY_TAGS);
        let twice = validate_tags(&[t("a", "1"), t("a", "2")], MAX_TAGS);
        assert_eq!((twice[0].field.as_str(), twice[0].code, twice[0].problem.key), ("tags[1]", BAD_TAG, "tag.key_twice"));
        // The create rules report tag problems at their field.
        let mut r = valid_request();
        r.tags = Some(vec![t("a*b", "1")]);
        let e = validate(&r);
        assert_eq!((e[0].field.as_str(), e[0].code, e[0].problem.param("char")), ("tags[0]", BAD_TAG, Some("'*'")));
    }

    #[test]
    fn node_group_rules() {
        let mut r = valid_request();
        r.node_groups.as_mut().unwrap()[1].group_name = "core_node_streaming_group".into();
        let f = fields(&r);
        assert!(f.contains(&"node_groups[1].group_name".to_string()));
        assert!(f.contains(&"node_groups".to_string()), "missing required core group is reported");

        let mut r = valid_request();
        r.node_groups.as_mut().unwrap()[0].node_num = 3;
        assert_eq!(fields(&r), vec!["node_groups[0].node_num"]);

        let mut r = valid_request();
        r.node_groups.as_mut().unwrap()[1].node_num = 501;
        let e = validate(&r);
        assert!(e.iter().any(|e| e.code == TOO_MANY_NODES));

        let mut r = valid_request();
        r.node_groups.as_mut().unwrap()[1].data_volume = None;
        assert_eq!(fields(&r), vec!["node_groups[1].data_volume"]);
    }

    #[test]
    fn network_and_login_rules() {
        let mut r = valid_request();
        r.vpc_name = Some("nope".into());
        assert_eq!(validate(&r)[0].code, VPC_MISSING);
        let mut r = valid_request();
        r.subnet_name = Some("subnet-analytics".into());
        assert_eq!(fields(&r), vec!["subnet_name"]);
        let mut r = valid_request();
        r.node_keypair_name = Some("missing".into());
        assert_eq!(validate(&r)[0].code, KEYPAIR_MISSING);
        let mut unknown_pairs = offer();
        unknown_pairs.key_pairs = None;
        assert!(validate_create_cluster(&r, &unknown_pairs).is_empty(), "key pairs that cannot be listed are not checked");
        let mut r = valid_request();
        r.login_mode = Some("PASSWORD".into());
        assert_eq!(fields(&r), vec!["node_root_password"]);
        r.node_root_password = Some("Root@12345".into());
        assert!(fields(&r).is_empty());
        let mut r = valid_request();
        r.availability_zone = Some("cn-east-3a".into());
        assert_eq!(fields(&r), vec!["availability_zone"]);
        let mut r = valid_request();
        r.components = Some("Spark2x".into());
        assert_eq!(fields(&r), vec!["components"]);
        let mut r = valid_request();
        r.node_groups.as_mut().unwrap()[0].node_size = "c6.2xlarge.4.linux.bigdata".into();
        let e = validate(&r);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].problem.key, e[0].problem.param("role")), ("group.flavor_not_for_role", Some("Master")), "{e:?}");
        let mut r = valid_request();
        r.cluster_version = Some("MRS 9.9.9".into());
        assert_eq!(validate(&r)[0].problem.param("known"), Some("MRS 3.1.0"));
    }

    #[test]
    fn scaling_rules() {
        assert!(validate_expand("Core", 2, 3).is_ok());
        assert!(validate_expand("Master", 1, 3).is_err());
        assert!(validate_expand("Task", 0, 3).is_err());
        assert_eq!(validate_expand("Task", 498, 3).unwrap_err().code, TOO_MANY_NODES);
        assert!(validate_shrink("Core", 1, 4).is_ok());
        assert!(validate_shrink("Core", 2, 4).is_err());
        assert!(validate_shrink("Task", 2, 2).is_ok());
        assert!(validate_shrink("Task", 3, 2).is_err());
        assert!(validate_shrink("Master", 1, 2).is_err());
    }

    #[test]
    fn rename_rules() {
        assert!(validate_rename(ClusterState::Running, "new_name").is_ok());
        assert_eq!(validate_rename(ClusterState::Terminated, "x").unwrap_err().code, "12000360");
        assert!(validate_rename(ClusterState::Running, "bad name").is_err());
    }
}
