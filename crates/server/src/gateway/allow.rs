//! What the gateway forwards: the operations the console uses, each a (method, path template) of
//! one service, marked read or write. Anything else is refused before it reaches a cloud, so a
//! stolen console token can do no more than the console can — and a viewer's token only reads.

use lakedeck_api::sign::percent_decode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Huawei MRS (V1.1 and V2), SDK-HMAC-SHA256.
    Mrs,
    /// Huawei VPC (the create wizard's VPC and subnet lists), SDK-HMAC-SHA256.
    Vpc,
    /// Alibaba EMR Serverless Spark (ROA), ACS3-HMAC-SHA256.
    EmrServerless,
    /// Alibaba EMR classic data development (RPC at `/`), ACS3-HMAC-SHA256.
    EmrFlow,
    /// The Alluxio coordinator, unsigned.
    Alluxio,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Mrs => "mrs",
            Service::Vpc => "vpc",
            Service::EmrServerless => "emr-serverless",
            Service::EmrFlow => "emr",
            Service::Alluxio => "alluxio",
        }
    }
}

/// One allowed operation. In `path`, `{project_id}` must be the configured project and
/// `{region_id}` the configured region; any other `{name}` is one non-empty path segment.
#[derive(Debug, PartialEq, Eq)]
pub struct Op {
    pub service: Service,
    pub method: &'static str,
    pub path: &'static str,
    /// The vendor's operation name (the SDK method / `x-acs-action`); audit lines carry it.
    pub name: &'static str,
    pub write: bool,
}

const fn op(service: Service, method: &'static str, path: &'static str, name: &'static str, write: bool) -> Op {
    Op { service, method, path, name, write }
}

use Service::{Alluxio, EmrServerless, Mrs, Vpc};

const R: bool = false;
const W: bool = true;

/// Huawei MRS and VPC: clusters, nodes, jobs, files, SQL, metadata for the create wizard, tags and
/// auto-scaling policies, plus the sandbox read extensions the console uses (job log, paged SQL
/// rows, the autoscaler's metrics and events; a real MRS answers them 404).
pub const HUAWEI: &[Op] = &[
    op(Mrs, "GET", "/v1.1/{project_id}/cluster_infos", "ListClusters", R),
    op(Mrs, "GET", "/v1.1/{project_id}/cluster_infos/{cluster_id}", "ShowClusterDetails", R),
    op(Mrs, "PUT", "/v1.1/{project_id}/cluster_infos/{cluster_id}", "UpdateClusterScaling", W),
    op(Mrs, "DELETE", "/v1.1/{project_id}/clusters/{cluster_id}", "DeleteCluster", W),
    op(Mrs, "GET", "/v1.1/{project_id}/clusters/{cluster_id}/hosts", "ListHosts", R),
    op(Mrs, "GET", "/v1.1/{project_id}/clusters/tags", "ListAllTags", R),
    op(Mrs, "POST", "/v1.1/{project_id}/clusters/resource_instances/action", "ListClustersByTags", R),
    op(Mrs, "GET", "/v1.1/{project_id}/clusters/{cluster_id}/tags", "ListClusterTags", R),
    op(Mrs, "POST", "/v1.1/{project_id}/clusters/{cluster_id}/tags", "CreateClusterTag", W),
    op(Mrs, "POST", "/v1.1/{project_id}/clusters/{cluster_id}/tags/action", "BatchCreateOrDeleteClusterTags", W),
    op(Mrs, "DELETE", "/v1.1/{project_id}/clusters/{cluster_id}/tags/{key}", "DeleteClusterTag", W),
    op(Mrs, "POST", "/v1.1/{project_id}/autoscaling-policy/{cluster_id}", "CreateScalingPolicy", W),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/tags/switch", "SwitchClusterTags", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/tags/status", "ShowTagStatus", R),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/tags/quota", "ShowTagQuota", R),
    op(Mrs, "GET", "/v1.1/{project_id}/metadata/versions/{version_name}", "ShowMrsVersionMetadata", R),
    op(Mrs, "GET", "/v1.1/{region_id}/available-zones", "ListAvailableZones", R),
    op(Mrs, "POST", "/v2/{project_id}/clusters", "CreateCluster", W),
    op(Mrs, "PUT", "/v2/{project_id}/clusters/{cluster_id}/cluster-name", "UpdateClusterName", W),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/expand", "ExpandCluster", W),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/shrink", "ShrinkCluster", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/nodes", "ListNodes", R),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/files", "ShowHdfsFileList", R),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/job-executions", "CreateExecuteJob", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/job-executions", "ShowJobExeListNew", R),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/job-executions/batch-delete", "BatchDeleteJobs", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}", "ShowSingleJobExe", R),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/kill", "StopJob", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/sql-result", "ShowSqlResultWithJob", R),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/job-executions/{job_execution_id}/log", "ShowJobLog", R),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/sql-execution", "ExecuteSql", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/sql-execution/{sql_id}", "ShowSqlResult", R),
    op(Mrs, "POST", "/v2/{project_id}/clusters/{cluster_id}/sql-execution/{sql_id}/cancel", "CancelSql", W),
    op(Mrs, "GET", "/v2/{project_id}/clusters/{cluster_id}/sql-execution/{sql_id}/rows", "ShowSqlRows", R),
    op(Mrs, "GET", "/v2/{project_id}/autoscaling-policy/{cluster_id}", "ShowAutoScalingPolicy", R),
    op(Mrs, "POST", "/v2/{project_id}/autoscaling-policy/{cluster_id}", "CreateAutoScalingPolicy", W),
    op(Mrs, "PUT", "/v2/{project_id}/autoscaling-policy/{cluster_id}", "UpdateAutoScalingPolicy", W),
    op(Mrs, "DELETE", "/v2/{project_id}/autoscaling-policy/{cluster_id}", "DeleteAutoScalingPolicy", W),
    // Sandbox extensions the scaling views read (the autoscaler's metric history and decisions).
    op(Mrs, "GET", "/v2/{project_id}/autoscaling-policy/{cluster_id}/metrics", "ShowScalingMetrics", R),
    op(Mrs, "GET", "/v2/{project_id}/autoscaling-policy/{cluster_id}/events", "ShowScalingEvents", R),
    op(Mrs, "GET", "/v2/{project_id}/metadata/versions", "ShowMrsVersionList", R),
    op(Mrs, "GET", "/v2/{project_id}/metadata/version/{version_name}/available-flavor", "ShowMrsFlavors", R),
    op(Vpc, "GET", "/v1/{project_id}/vpcs", "ListVpcs", R),
    op(Vpc, "GET", "/v1/{project_id}/subnets", "ListSubnets", R),
];

/// EMR Serverless Spark (ROA, emr-api.md §1.2): workspaces, queues, release versions, job runs,
/// their logs and CU usage.
pub const EMR_SERVERLESS: &[Op] = &[
    op(EmrServerless, "GET", "/api/v1/workspaces", "ListWorkspaces", R),
    op(EmrServerless, "GET", "/api/v1/releaseVersions", "ListReleaseVersions", R),
    op(EmrServerless, "GET", "/api/v1/workspaces/{workspaceId}/queues", "ListWorkspaceQueues", R),
    op(EmrServerless, "GET", "/api/v1/workspaces/{workspaceId}/jobRuns", "ListJobRuns", R),
    op(EmrServerless, "POST", "/api/v1/workspaces/{workspaceId}/jobRuns", "StartJobRun", W),
    op(EmrServerless, "GET", "/api/v1/workspaces/{workspaceId}/jobRuns/{jobRunId}", "GetJobRun", R),
    op(EmrServerless, "DELETE", "/api/v1/workspaces/{workspaceId}/jobRuns/{jobRunId}", "CancelJobRun", W),
    op(EmrServerless, "GET", "/api/v1/workspaces/{workspaceId}/action/listLogContents", "ListLogContents", R),
    op(EmrServerless, "GET", "/api/v1/workspaces/{workspaceId}/metric/cuHours/{queue}", "GetCuHours", R),
];

/// Classic EMR data development (RPC, emr-api.md §2): `Action` → write?
pub const EMR_FLOW_ACTIONS: &[(&str, bool)] = &[
    ("ListFlowProject", R),
    ("DescribeFlowProject", R),
    ("CreateFlowProject", W),
    ("DeleteFlowProject", W),
    ("ListFlowCategory", R),
    ("CreateFlowCategory", W),
    ("DeleteFlowCategory", W),
    ("ListFlowJob", R),
    ("DescribeFlowJob", R),
    ("CreateFlowJob", W),
    ("ModifyFlowJob", W),
    ("DeleteFlowJob", W),
    ("SubmitFlowJob", W),
    ("KillFlowJob", W),
    ("ListFlowCluster", R),
    ("ListFlowJobHistory", R),
    ("DescribeFlowNodeInstance", R),
    ("DescribeFlowNodeInstanceLauncherLog", R),
];

/// The Alluxio coordinator (alluxio-api.md §10): every resource reads with GET and changes with
/// POST/DELETE; nodes only read and remove.
pub const ALLUXIO: &[Op] = &[
    op(Alluxio, "GET", "/api/v1/load", "GetLoad", R),
    op(Alluxio, "POST", "/api/v1/load", "SubmitLoad", W),
    op(Alluxio, "DELETE", "/api/v1/load", "StopLoad", W),
    op(Alluxio, "GET", "/api/v1/free", "GetFree", R),
    op(Alluxio, "POST", "/api/v1/free", "SubmitFree", W),
    op(Alluxio, "DELETE", "/api/v1/free", "StopFree", W),
    op(Alluxio, "GET", "/api/v1/rebalance", "GetRebalance", R),
    op(Alluxio, "POST", "/api/v1/rebalance", "SubmitRebalance", W),
    op(Alluxio, "DELETE", "/api/v1/rebalance", "StopRebalance", W),
    op(Alluxio, "GET", "/api/v1/cache", "GetStaleCacheClear", R),
    op(Alluxio, "POST", "/api/v1/cache", "ClearStaleCache", W),
    op(Alluxio, "DELETE", "/api/v1/cache", "StopStaleCacheClear", W),
    op(Alluxio, "GET", "/api/v1/mount", "ListMounts", R),
    op(Alluxio, "POST", "/api/v1/mount", "Mount", W),
    op(Alluxio, "DELETE", "/api/v1/mount", "Unmount", W),
    op(Alluxio, "GET", "/api/v1/quota", "ListQuotas", R),
    op(Alluxio, "POST", "/api/v1/quota", "SetQuota", W),
    op(Alluxio, "DELETE", "/api/v1/quota", "RemoveQuota", W),
    op(Alluxio, "GET", "/api/v1/ttl", "ListTtlRules", R),
    op(Alluxio, "POST", "/api/v1/ttl", "SetTtlRule", W),
    op(Alluxio, "DELETE", "/api/v1/ttl", "RemoveTtlRule", W),
    op(Alluxio, "GET", "/api/v1/priority", "ListPriorityRules", R),
    op(Alluxio, "POST", "/api/v1/priority", "SetPriorityRule", W),
    op(Alluxio, "DELETE", "/api/v1/priority", "RemovePriorityRule", W),
    op(Alluxio, "GET", "/api/v1/nodes", "ListNodes", R),
    op(Alluxio, "DELETE", "/api/v1/nodes", "RemoveNode", W),
    op(Alluxio, "GET", "/api/v1/file_index", "GetFileIndex", R),
    op(Alluxio, "POST", "/api/v1/file_index", "SetFileIndex", W),
    op(Alluxio, "DELETE", "/api/v1/file_index", "RemoveFileIndex", W),
    op(Alluxio, "GET", "/api/v1/cache-filter", "GetCacheFilter", R),
    op(Alluxio, "POST", "/api/v1/cache-filter", "SetCacheFilter", W),
    op(Alluxio, "DELETE", "/api/v1/cache-filter", "RemoveCacheFilter", W),
];

/// The scope values a path's `{project_id}` and `{region_id}` must carry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'a> {
    pub project_id: Option<&'a str>,
    pub region: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    Op(&'static Op),
    /// The operation is allowed, but for another project or region than the gateway's.
    OtherScope { op: &'static Op, what: &'static str, given: String },
    NotAllowed,
}

/// The path's segments, percent-decoded, or `None` when one could change what the upstream
/// resolves: empty (`//`), `.`/`..` (also encoded), an encoded `/` or `\`, a control character,
/// or broken percent-encoding.
pub fn segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    for raw in rest.split('/') {
        let bytes = raw.as_bytes();
        let hex_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_hexdigit);
        if bytes.iter().enumerate().any(|(i, b)| *b == b'%' && !(hex_at(i + 1) && hex_at(i + 2))) {
            return None;
        }
        let seg = percent_decode(raw);
        if seg.is_empty() || seg == "." || seg == ".." || seg.contains(['/', '\\']) || seg.chars().any(char::is_control) {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

/// Finds the allowed operation `method path` names among `ops`.
pub fn find(ops: &'static [Op], method: &str, path: &str, scope: Scope) -> Found {
    let Some(segs) = segments(path) else { return Found::NotAllowed };
    let mut other_scope = None;
    'ops: for op in ops {
        if op.method != method {
            continue;
        }
        let tmpl: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        if tmpl.len() != segs.len() {
            continue;
        }
        let mut scope_miss = None;
        for (t, s) in tmpl.iter().zip(&segs) {
            let wanted = match *t {
                "{project_id}" => Some(("project", scope.project_id)),
                "{region_id}" => Some(("region", scope.region)),
                _ => None,
            };
            match wanted {
                Some((what, Some(v))) => {
                    if s != v && scope_miss.is_none() {
                        scope_miss = Some((what, s.clone()));
                    }
                }
                // The service has no such scope configured: nothing can match it.
                Some((_, None)) => continue 'ops,
                None if t.starts_with('{') => {}
                None => {
                    if t != s {
                        continue 'ops;
                    }
                }
            }
        }
        match scope_miss {
            None => return Found::Op(op),
            Some((what, given)) => {
                other_scope.get_or_insert(Found::OtherScope { op, what, given });
            }
        }
    }
    other_scope.unwrap_or(Found::NotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "0123456789abcdef0123456789abcdef";

    fn scope() -> Scope<'static> {
        Scope { project_id: Some(P), region: Some("cn-north-4") }
    }

    #[test]
    fn finds_operations_and_checks_scope() {
        let f = |m: &str, p: &str| find(HUAWEI, m, p, scope());
        assert!(matches!(f("GET", &format!("/v1.1/{P}/cluster_infos")), Found::Op(op) if op.name == "ListClusters" && !op.write));
        assert!(matches!(f("POST", &format!("/v2/{P}/clusters")), Found::Op(op) if op.name == "CreateCluster" && op.write));
        assert!(matches!(f("GET", &format!("/v2/{P}/metadata/version/MRS%203.1.0/available-flavor")), Found::Op(op) if op.name == "ShowMrsFlavors"));
        assert!(matches!(f("GET", "/v1.1/cn-north-4/available-zones"), Found::Op(op) if op.name == "ListAvailableZones"));
        assert!(matches!(f("POST", &format!("/v1.1/{P}/clusters/resource_instances/action")), Found::Op(op) if !op.write));
        assert!(matches!(f("GET", &format!("/v1/{P}/vpcs")), Found::Op(op) if op.service == Service::Vpc));
        match f("GET", "/v1.1/ffffffffffffffffffffffffffffffff/cluster_infos") {
            Found::OtherScope { what, given, .. } => assert_eq!((what, given.as_str()), ("project", "ffffffffffffffffffffffffffffffff")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(f("GET", "/v1.1/cn-east-3/available-zones"), Found::OtherScope { what: "region", .. }));
        assert_eq!(f("POST", &format!("/v1.1/{P}/cluster_infos")), Found::NotAllowed, "method matters");
        assert_eq!(f("POST", &format!("/v2/{P}/run-job-flow")), Found::NotAllowed, "not used by the console");
        assert_eq!(f("GET", &format!("/v2/{P}/clusters/c1/nodes/extra")), Found::NotAllowed);
        let none = Scope::default();
        assert_eq!(find(HUAWEI, "GET", &format!("/v1.1/{P}/cluster_infos"), none), Found::NotAllowed);
    }

    #[test]
    fn refuses_paths_that_could_be_resolved_elsewhere() {
        for bad in [
            format!("/v2/{P}/clusters/../../x/clusters"),
            format!("/v2/{P}/clusters/%2e%2e/nodes"),
            format!("/v2/{P}/clusters/a%2Fb/nodes"),
            format!("/v2/{P}/clusters/a%5Cb/nodes"),
            format!("/v2/{P}/clusters//nodes"),
            format!("/v2/{P}/clusters/%zz/nodes"),
            format!("/v2/{P}/clusters/a%0a/nodes"),
            format!("/v2/{P}/clusters/abc%/nodes"),
        ] {
            assert_eq!(find(HUAWEI, "GET", &bad, scope()), Found::NotAllowed, "{bad}");
        }
        assert_eq!(segments("/a/b%20c").unwrap(), vec!["a", "b c"]);
        assert!(segments("a").is_none());
    }

    #[test]
    fn tables_are_consistent() {
        for table in [HUAWEI, EMR_SERVERLESS, ALLUXIO] {
            for (i, op) in table.iter().enumerate() {
                assert!(["GET", "POST", "PUT", "DELETE"].contains(&op.method), "{op:?}");
                assert_eq!(op.write, op.method != "GET" && op.name != "ListClustersByTags", "{op:?}: reads are GETs");
                assert!(table[..i].iter().all(|o| (o.method, o.path) != (op.method, op.path)), "duplicate {op:?}");
                assert!(segments(&op.path.replace(['{', '}'], "")).is_some(), "{op:?}");
            }
        }
        let flow = |a: &str| EMR_FLOW_ACTIONS.iter().find(|(n, _)| *n == a).map(|(_, w)| *w);
        assert_eq!(flow("CreateFlowJob"), Some(true));
        assert_eq!(flow("ListFlowJob"), Some(false));
        assert_eq!(flow("DescribeClusterV2"), None);
        for (i, (a, w)) in EMR_FLOW_ACTIONS.iter().enumerate() {
            assert_eq!(*w, !(a.starts_with("List") || a.starts_with("Describe")), "{a}: reads are List*/Describe*");
            assert!(EMR_FLOW_ACTIONS[..i].iter().all(|(b, _)| b != a), "duplicate {a}");
        }
        let ws = find(EMR_SERVERLESS, "DELETE", "/api/v1/workspaces/w-1/jobRuns/jr-2", Scope::default());
        assert!(matches!(ws, Found::Op(op) if op.name == "CancelJobRun" && op.write));
        assert!(matches!(find(ALLUXIO, "GET", "/api/v1/load", Scope::default()), Found::Op(op) if op.name == "GetLoad"));
        assert_eq!(find(ALLUXIO, "GET", "/api/v1/sandbox/ring", Scope::default()), Found::NotAllowed);
    }
}
