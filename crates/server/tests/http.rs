//! End-to-end HTTP tests of the sandbox binary: auth, the MRS cluster APIs, lifecycles, the
//! console bundle and persistence.

mod support;

use lakedeck_api::mrs::{CREATE_STAGES, EXPAND_STAGES};
use lakedeck_api::sign;
use serde_json::{json, Value};
use support::{create_body, env_credentials, now_secs, temp_dir, Options, Server};

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

// ---------------------------------------------------------------------------------------------
// Start-up, health, request ids

#[test]
fn startup_prints_generated_credentials_and_serves_health() {
    let root = temp_dir("gen");
    let s = Server::start_with(&root, Options::default());
    assert!(s.url.starts_with("http://127.0.0.1:"), "{}", s.url);
    assert_eq!(s.project.len(), 32);
    assert!(s.project.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{}", s.project);
    assert!(s.token.len() >= 16 && s.ak.len() >= 16 && s.sk.len() >= 32);
    let creds: Value = serde_json::from_str(&std::fs::read_to_string(s.data_dir.join("credentials.json")).unwrap()).unwrap();
    assert_eq!(creds["token"], s.token.as_str());
    assert!(s.data_dir.join("sandbox.db").exists());

    let r = s.request("GET", "/healthz", &[], None);
    assert_eq!((r.status, r.text().as_str()), (200, "ok"));
    assert!(is_uuid(r.header("x-request-id").unwrap()));
    // Generated credentials work and the seed lives in the generated project.
    assert_eq!(s.clusters("")["clusterTotal"], 5);
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn environment_credentials_win() {
    let s = Server::start("env");
    assert_eq!(s.project, "0123456789abcdef0123456789abcdef");
    assert_eq!((s.token.as_str(), s.ak.as_str(), s.sk.as_str()), ("test-token-0123456789abcdef", "TESTAK0000000000", "TESTSK-secret-key"));
}

#[test]
fn usage_errors_and_help() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lakedeck-server")).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown argument '--bogus'") && err.contains("Usage: lakedeck-server"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lakedeck-server")).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--step-ms"));
}

// ---------------------------------------------------------------------------------------------
// Authentication

/// Who signs and when: (access key, secret key, X-Sdk-Date).
struct Signer<'a>(&'a str, &'a str, &'a str);

fn signed(s: &Server, method: &str, path: &str, query: &str, body: &[u8], signer: Signer) -> support::Resp {
    let Signer(ak, sk, date) = signer;
    let headers = vec![
        ("Content-Type".to_string(), "application/json;charset=UTF-8".to_string()),
        ("Host".to_string(), s.addr.clone()),
        ("User-Agent".to_string(), "huaweicloud-usdk-python/3.0".to_string()),
        ("X-Project-Id".to_string(), s.project.clone()),
        ("X-Sdk-Date".to_string(), date.to_string()),
    ];
    let signed: Vec<String> = ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"].map(String::from).to_vec();
    let q = sign::parse_query(query);
    let input = sign::SigningInput { method, path, query: &q, headers: &headers, signed_headers: &signed, body };
    let auth = sign::authorization_header(ak, sk, &input, date);
    let full = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    let hdrs: Vec<(&str, &str)> = vec![
        ("Content-Type", "application/json;charset=UTF-8"),
        ("User-Agent", "huaweicloud-usdk-python/3.0"),
        ("X-Project-Id", &s.project),
        ("X-Sdk-Date", date),
        ("Authorization", &auth),
    ];
    s.request(method, &full, &hdrs, if body.is_empty() { None } else { Some(body) })
}

#[test]
fn authentication_refusals_and_signatures() {
    let s = Server::start("auth");
    let list = s.v11("cluster_infos");

    let r = s.request("GET", &list, &[], None);
    assert!(r.assert_error(401, "12000001").contains("Missing credentials"));
    assert!(r.header("x-request-id").is_some());
    let r = s.request("GET", &list, &[("X-Auth-Token", "wrong")], None);
    assert!(r.assert_error(401, "12000001").contains("Invalid X-Auth-Token"));
    // Auth comes before routing: unknown API paths do not leak their existence.
    s.request("GET", "/v2/x/nothing", &[], None).assert_error(401, "12000001");

    let now = sign::format_sdk_date(now_secs());
    let r = signed(&s, "GET", &list, "pageSize=2&clusterState=existing", b"", Signer(&s.ak, &s.sk, &now));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["clusters"].as_array().unwrap().len(), 2);

    let r = signed(&s, "GET", &list, "", b"", Signer(&s.ak, "not-the-secret", &now));
    assert!(r.assert_error(401, "12000001").contains("Signature mismatch"));
    let r = signed(&s, "GET", &list, "", b"", Signer("OTHERAK", &s.sk, &now));
    assert!(r.assert_error(401, "12000001").contains("Unknown access key"));
    let old = sign::format_sdk_date(now_secs() - 16 * 60);
    let r = signed(&s, "GET", &list, "", b"", Signer(&s.ak, &s.sk, &old));
    assert!(r.assert_error(401, "12000001").contains("Clock skew"));
    let r = s.request("GET", &list, &[("Authorization", "Bearer abc")], None);
    assert!(r.assert_error(401, "12000001").contains("Malformed Authorization"));

    // A signed write with a body and a query (spaces as %20) goes through.
    let body = serde_json::to_vec(&create_body("signed-create")).unwrap();
    let r = signed(&s, "POST", &s.v2("clusters"), "note=a%20b&x=1", &body, Signer(&s.ak, &s.sk, &now));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(is_uuid(r.json()["cluster_id"].as_str().unwrap()));

    // Changing the body after signing breaks the signature.
    let q = sign::parse_query("");
    let headers = vec![("Host".to_string(), s.addr.clone()), ("X-Sdk-Date".to_string(), now.clone())];
    let sh = vec!["host".to_string(), "x-sdk-date".to_string()];
    let path = s.v2("clusters");
    let input = sign::SigningInput { method: "POST", path: &path, query: &q, headers: &headers, signed_headers: &sh, body: b"{}" };
    let auth = sign::authorization_header(&s.ak, &s.sk, &input, &now);
    let r = s.request("POST", &path, &[("X-Sdk-Date", &now), ("Authorization", &auth)], Some(b"{ }"));
    assert!(r.assert_error(401, "12000001").contains("Signature mismatch"));
    let r = s.request("POST", &path, &[("X-Sdk-Date", &now), ("Authorization", &auth)], Some(b"{}"));
    // The signature is fine; the empty create request then fails validation, not auth.
    assert_eq!(r.status, 400, "{}", r.text());
    assert_ne!(r.json()["error_code"], "12000001");
}

// ---------------------------------------------------------------------------------------------
// ListClusters and ShowClusterDetails

#[test]
fn list_filters_sorting_and_paging() {
    let s = Server::start_frozen("list");
    let all = s.clusters("");
    assert_eq!(all["clusterTotal"], 5);
    assert_eq!(
        s.names("pageSize=10"),
        ["etl-nightly", "streaming-dev", "warehouse-abnormal", "analytics-prod", "legacy-batch"],
        "sorted by createAt, newest first"
    );
    let created: Vec<i64> =
        all["clusters"].as_array().unwrap().iter().map(|c| c["createAt"].as_str().unwrap().parse().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));

    assert_eq!(s.names("clusterState=existing").len(), 4);
    assert_eq!(s.names("clusterState=history"), ["legacy-batch"]);
    assert_eq!(s.names("clusterState=starting"), ["etl-nightly"]);
    assert_eq!(s.names("clusterState=abnormal"), ["warehouse-abnormal"]);
    assert_eq!(s.names("clusterState=running"), ["streaming-dev", "analytics-prod"]);
    assert_eq!(s.names("clusterState=scaling-out"), Vec::<String>::new());
    let c = s.clusters("clusterState=terminated");
    assert_eq!((c["clusterTotal"].as_i64(), c["clusters"][0]["clusterName"].as_str()), (Some(1), Some("legacy-batch")));

    assert_eq!(s.names("clusterName=PROD"), ["analytics-prod"], "case-insensitive substring");
    assert_eq!(s.names("clusterName=-"), s.names(""));
    let id = s.id_of("streaming-dev");
    assert_eq!(s.names(&format!("clusterName={id}")), ["streaming-dev"], "exact id matches");
    assert_eq!(s.names(&format!("clusterName={}", &id[..8])), Vec::<String>::new(), "partial ids do not");
    assert_eq!(s.names("clusterName=nothing-like-this"), Vec::<String>::new());

    assert_eq!(s.names("tags=env*prod"), ["analytics-prod", "legacy-batch"]);
    assert_eq!(s.names("tags=env*prod,team*data"), ["analytics-prod"]);
    assert_eq!(s.names("tags=team"), ["etl-nightly", "analytics-prod", "legacy-batch"]);
    assert_eq!(s.names("tags=env*prod&clusterState=existing"), ["analytics-prod"]);
    assert_eq!(s.names("enterpriseProjectId=0").len(), 5);

    let page = s.clusters("pageSize=2&currentPage=2");
    assert_eq!(page["clusterTotal"], 5);
    assert_eq!(s.names("pageSize=2&currentPage=2"), ["warehouse-abnormal", "analytics-prod"]);
    assert_eq!(s.names("pageSize=2&currentPage=3"), ["legacy-batch"]);
    assert_eq!(s.names("pageSize=2&currentPage=4"), Vec::<String>::new());
    assert_eq!(s.clusters("pageSize=2&currentPage=9")["clusterTotal"], 5);

    for bad in ["pageSize=0", "pageSize=abc", "pageSize=2147483647", "currentPage=0", "currentPage=-1", "clusterState=bogus"] {
        let r = s.get(&s.v11(&format!("cluster_infos?{bad}")));
        r.assert_error(400, "12000002");
    }

    // Every well-formed project id is its own (empty) namespace; a malformed one is refused.
    let r = s.get("/v1.1/otherproject42/cluster_infos");
    assert_eq!((r.status, r.json()["clusterTotal"].as_i64()), (200, Some(0)));
    s.get("/v1.1/bad-project!/cluster_infos").assert_error(400, "12000002");
}

#[test]
fn detail_shape_and_not_found() {
    let s = Server::start_frozen("detail");
    let c = s.detail(&s.id_of("analytics-prod"));
    assert_eq!(c["clusterState"], "running");
    assert_eq!(c["clusterType"], 0);
    assert_eq!(c["safeMode"], 1);
    assert_eq!(c["tags"], "env=prod,team=data");
    assert_eq!((c["totalNodeNum"].as_str(), c["masterNodeNum"].as_str(), c["coreNodeNum"].as_str()), (Some("8"), Some("2"), Some("4")));
    assert_eq!(c["isMrsManagerFinish"], true);
    assert_eq!(c["nodeGroups"][0]["GroupName"], "master_node_default_group");
    assert_eq!(c["nodeGroups"][0]["NodeNum"], 2);
    assert_eq!(c["nodeGroups"][1]["GroupName"], "core_node_analysis_group");
    assert_eq!(c["taskNodeGroups"][0]["GroupName"], "task_node_analysis_group");
    assert_eq!(c["taskNodeGroups"][0]["NodeNum"], 2);
    assert!(c["nodeGroups"][0].get("group_name").is_none() && c["nodeGroups"][0].get("groupName").is_none());
    assert_eq!(c["componentList"][0]["componentId"], "MRS 3.2.0-LTS.1_001");
    assert_eq!(c["componentList"][0]["componentName"], "Hadoop");
    assert_eq!(c["billingType"], "Metered");
    assert_eq!(c["dataCenter"], "cn-north-4");
    assert!(c["masterNodeIp"].as_str().unwrap().starts_with("192.168."));
    assert!(c["createAt"].as_str().unwrap().parse::<i64>().unwrap() < now_secs() - 20 * 86_400);

    let abnormal = s.detail(&s.id_of("warehouse-abnormal"));
    assert_eq!(abnormal["clusterState"], "abnormal");
    let starting = s.detail(&s.id_of("etl-nightly"));
    assert_eq!((starting["clusterState"].as_str(), starting["stageDesc"].as_str()), (Some("starting"), Some(CREATE_STAGES[0])));
    assert_eq!(starting["isMrsManagerFinish"], false);
    // Terminated clusters stay readable.
    assert_eq!(s.detail(&s.id_of("legacy-batch"))["clusterState"], "terminated");

    let r = s.get(&s.v11("cluster_infos/no-such-cluster"));
    let v = r.json();
    assert_eq!((r.status, v["errorCode"].as_str()), (400, Some("12000003")), "{}", r.text());
    assert!(!v["errorMsg"].as_str().unwrap().is_empty());
    assert!(v.get("error_code").is_none(), "V1.1 cluster errors are camelCase");
    // Another project's cluster is not visible.
    let other = s.get(&format!("/v1.1/otherproject/cluster_infos/{}", s.id_of("analytics-prod")));
    assert_eq!(other.json()["errorCode"], "12000003");
}

// ---------------------------------------------------------------------------------------------
// CreateCluster

#[test]
fn create_refuses_bad_requests_without_writing() {
    let s = Server::start_frozen("create-errors");
    let path = s.v2("clusters");
    let before = s.clusters("")["clusterTotal"].clone();

    let r = s.request("POST", &path, &[("X-Auth-Token", &s.token), ("Content-Type", "application/json")], Some(b"{\"cluster_name\":"));
    r.assert_error(400, "MRS.0002");
    let r = s.request("POST", &path, &[("X-Auth-Token", &s.token)], Some(b"[1,2]"));
    r.assert_error(400, "MRS.0002");
    let r = s.request("POST", &path, &[("X-Auth-Token", &s.token)], None);
    r.assert_error(400, "MRS.0002");

    let case = |edit: &dyn Fn(&mut Value), code: &str, field: &str| {
        let mut body = create_body("bad-one");
        edit(&mut body);
        let r = s.api("POST", &path, Some(&body));
        let msg = r.assert_error(400, code);
        assert!(msg.starts_with(&format!("{field}: ")), "{msg}");
    };
    case(&|b| { b.as_object_mut().unwrap().remove("cluster_name"); }, "MRS.0002", "cluster_name");
    case(&|b| b["cluster_name"] = json!("has space"), "MRS.0002", "cluster_name");
    case(&|b| b["cluster_version"] = json!("MRS 0.1"), "MRS.0002", "cluster_version");
    case(&|b| b["cluster_type"] = json!("BATCH"), "MRS.0002", "cluster_type");
    case(&|b| b["vpc_name"] = json!("vpc-missing"), "12000105", "vpc_name");
    case(&|b| { b.as_object_mut().unwrap().remove("vpc_name"); }, "12000209", "vpc_name");
    case(&|b| { b.as_object_mut().unwrap().remove("subnet_id"); }, "12000210", "subnet_id");
    case(&|b| b["node_keypair_name"] = json!("nope"), "12000059", "node_keypair_name");
    case(&|b| b["manager_admin_password"] = json!("weak"), "MRS.0002", "manager_admin_password");
    case(&|b| b["availability_zone"] = json!("cn-east-3a"), "MRS.0002", "availability_zone");
    case(&|b| b["tags"] = json!((0..11).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect::<Vec<_>>()), "12005001", "tags");
    case(&|b| b["tags"] = json!([{"key": "a=b", "value": "v"}]), "12005002", "tags[0]");
    case(&|b| b["node_groups"][0]["node_num"] = json!(3), "MRS.0002", "node_groups[0].node_num");
    case(&|b| { b["node_groups"][1]["node_num"] = json!(300); b["node_groups"][2]["node_num"] = json!(201); }, "12000028", "node_groups");
    case(&|b| b["node_groups"][1]["node_size"] = json!("x1.tiny"), "MRS.0002", "node_groups[1].node_size");

    // Duplicate of a live cluster; terminated names are free again.
    let r = s.api("POST", &path, Some(&create_body("analytics-prod")));
    assert!(r.assert_error(400, "12000043").contains("analytics-prod"));
    assert_eq!(s.clusters("")["clusterTotal"], before, "nothing was written");
    let r = s.api("POST", &path, Some(&create_body("legacy-batch")));
    assert_eq!(r.status, 200, "{}", r.text());

    // At most 10 clusters starting at once: etl-nightly + legacy-batch are starting already.
    for i in 0..8 {
        let r = s.api("POST", &path, Some(&create_body(&format!("burst-{i}"))));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    s.api("POST", &path, Some(&create_body("one-too-many"))).assert_error(400, "12000030");
    assert_eq!(s.names("clusterState=starting").len(), 10);
}

#[test]
fn create_builds_a_full_record_and_walks_to_running() {
    let s = Server::start_step("create", 200);
    let r = s.api("POST", &s.v2("clusters"), Some(&create_body("fresh_cluster-1")));
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["cluster_id"].as_str().unwrap().to_string();
    assert!(is_uuid(&id));

    let c = s.detail(&id);
    assert_eq!(c["clusterName"], "fresh_cluster-1");
    assert_eq!(c["clusterVersion"], "MRS 3.1.0");
    assert_eq!((c["clusterType"].as_i64(), c["safeMode"].as_i64()), (Some(0), Some(1)));
    assert_eq!((c["totalNodeNum"].as_str(), c["masterNodeNum"].as_str(), c["coreNodeNum"].as_str()), (Some("6"), Some("2"), Some("3")));
    assert_eq!(c["masterNodeSize"], "c6.4xlarge.4.linux.bigdata");
    assert_eq!(c["coreNodeSize"], "c6.8xlarge.4.linux.bigdata");
    assert_eq!((c["coreDataVolumeType"].as_str(), c["coreDataVolumeSize"].as_i64(), c["coreDataVolumeCount"].as_i64()), (Some("SSD"), Some(1000), Some(2)));
    assert_eq!(c["vpc"], "vpc-lakedeck");
    assert_eq!(c["vpcId"], "0b5f4c2a-7d1e-4e52-9a64-3c2f3e1d0a01");
    assert_eq!((c["subnetId"].as_str(), c["subnetName"].as_str()), (Some("7e1a0c55-2b8f-4f0e-8c7d-5d9a6b1c2e02"), Some("subnet-mgmt")));
    assert_eq!((c["azCode"].as_str(), c["azName"].as_str()), (Some("cn-north-4b"), Some("cn-north-4b")));
    assert_eq!(c["dataCenter"], "cn-north-4");
    assert_eq!(c["billingType"], "Metered");
    assert_eq!(c["hadoopVersion"], "3.1.1");
    assert_eq!(c["tags"], "env=qa,owner=tests");
    assert_eq!(c["nodePublicCertName"], "KeyPair-ops");
    assert_eq!(c["logCollection"], 1);
    assert_eq!(c["tenantId"], s.project.as_str());
    let comps: Vec<(&str, &str)> = c["componentList"].as_array().unwrap().iter()
        .map(|x| (x["componentName"].as_str().unwrap(), x["componentId"].as_str().unwrap())).collect();
    assert_eq!(comps, [("Hadoop", "MRS 3.1.0_001"), ("Spark2x", "MRS 3.1.0_004"), ("Hive", "MRS 3.1.0_003"), ("ZooKeeper", "MRS 3.1.0_019")]);
    let groups: Vec<(&str, i64)> = c["nodeGroups"].as_array().unwrap().iter()
        .map(|g| (g["GroupName"].as_str().unwrap(), g["NodeNum"].as_i64().unwrap())).collect();
    assert_eq!(groups, [("master_node_default_group", 2), ("core_node_analysis_group", 3)]);
    assert_eq!(c["taskNodeGroups"][0]["GroupName"], "task_node_analysis_group");
    assert_eq!(c["taskNodeGroups"][0]["DataVolumeCount"], 0);
    assert_eq!(c["nodeGroups"][1]["RootVolumeSize"], 480);
    assert_eq!(c["masterNodeIp"], c["internalIp"]);
    let created: i64 = c["createAt"].as_str().unwrap().parse().unwrap();
    assert!((created - now_secs()).abs() < 60);

    let (done, seen) = s.wait_for(&id, "running", |c| c["clusterState"] == "running");
    assert_eq!(seen[0].0, "starting");
    assert!(seen.iter().filter(|(st, _)| st == "starting").all(|(_, stage)| CREATE_STAGES.contains(&stage.as_str())), "{seen:?}");
    assert!(seen.len() >= 3, "several stages observed: {seen:?}");
    assert_eq!(done["stageDesc"], "");
    assert_eq!(done["isMrsManagerFinish"], true);
    assert!(done["updateAt"].as_str().unwrap().parse::<i64>().unwrap() >= created);
}

// ---------------------------------------------------------------------------------------------
// UpdateClusterName

#[test]
fn rename_rules() {
    let s = Server::start_frozen("rename");
    let id = s.id_of("streaming-dev");
    let path = s.v2(&format!("clusters/{id}/cluster-name"));
    let r = s.api("PUT", &path, Some(&json!({"cluster_name": "streaming-qa"})));
    assert_eq!((r.status, r.json()), (200, json!({"result": "succeeded"})));
    assert_eq!(s.detail(&id)["clusterName"], "streaming-qa");
    // Renaming to its own name is fine.
    assert_eq!(s.api("PUT", &path, Some(&json!({"cluster_name": "streaming-qa"}))).status, 200);

    s.api("PUT", &path, Some(&json!({"cluster_name": "bad name!"}))).assert_error(400, "MRS.0002");
    s.api("PUT", &path, Some(&json!({}))).assert_error(400, "MRS.0002");
    s.api("PUT", &path, Some(&json!({"cluster_name": "analytics-prod"}))).assert_error(400, "12000043");
    // Taking the name of a terminated cluster is allowed.
    assert_eq!(s.api("PUT", &path, Some(&json!({"cluster_name": "legacy-batch"}))).status, 200);
    let r = s.request("PUT", &path, &[("X-Auth-Token", &s.token)], Some(b"not json"));
    r.assert_error(400, "MRS.0002");

    let legacy = s.cluster_by_name("legacy-batch");
    let legacy_id = legacy["clusterId"].as_str().unwrap();
    let legacy_id = if legacy["clusterState"] == "terminated" { legacy_id.to_string() } else {
        s.clusters("clusterState=history")["clusters"][0]["clusterId"].as_str().unwrap().to_string()
    };
    s.api("PUT", &s.v2(&format!("clusters/{legacy_id}/cluster-name")), Some(&json!({"cluster_name": "revived"})))
        .assert_error(400, "12000360");
    let r = s.api("PUT", &s.v2("clusters/missing/cluster-name"), Some(&json!({"cluster_name": "x"})));
    r.assert_error(400, "12000003");
    assert!(r.json().get("errorCode").is_none(), "V2 answers snake_case");
}

// ---------------------------------------------------------------------------------------------
// Expand / shrink (V2) and resize (V1.1)

fn group_num(c: &Value, group: &str) -> i64 {
    c["nodeGroups"].as_array().unwrap().iter().chain(c["taskNodeGroups"].as_array().unwrap())
        .find(|g| g["GroupName"] == group).map(|g| g["NodeNum"].as_i64().unwrap()).unwrap_or(-1)
}

fn node_names(s: &Server, id: &str, query: &str) -> Vec<String> {
    let r = s.get(&s.v2(&format!("clusters/{id}/nodes?limit=100&{query}")));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["nodes"].as_array().unwrap().iter().map(|n| n["node_name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn expand_and_shrink_change_nodes() {
    let s = Server::start_step("scale", 400);
    let id = s.id_of("analytics-prod");
    let expand = s.v2(&format!("clusters/{id}/expand"));
    let shrink = s.v2(&format!("clusters/{id}/shrink"));
    let cores_before = node_names(&s, &id, "node_group=core_node_analysis_group");
    assert_eq!(cores_before.len(), 4);

    let r = s.api("POST", &expand, Some(&json!({"node_group_name": "core_node_analysis_group", "count": 2})));
    assert_eq!((r.status, r.json()), (200, json!({"result": "succeeded"})));
    let c = s.detail(&id);
    assert_eq!((c["clusterState"].as_str(), c["scale"].as_str()), (Some("scaling-out"), Some("scaling-out")));
    assert!(EXPAND_STAGES.contains(&c["stageDesc"].as_str().unwrap()), "{}", c["stageDesc"]);
    s.api("POST", &expand, Some(&json!({"node_group_name": "core_node_analysis_group", "count": 1}))).assert_error(400, "12000018");
    s.api("POST", &shrink, Some(&json!({"node_group_name": "core_node_analysis_group", "count": 1}))).assert_error(400, "12000018");
    let (c, seen) = s.wait_for(&id, "expand", |c| c["clusterState"] == "running");
    assert!(seen.iter().any(|(_, st)| st == "Adding node to the cluster"), "{seen:?}");
    assert_eq!((c["coreNodeNum"].as_str(), c["totalNodeNum"].as_str(), c["scale"].as_str()), (Some("6"), Some("10"), Some("")));
    assert_eq!(group_num(&c, "core_node_analysis_group"), 6);
    let cores_after = node_names(&s, &id, "node_group=core_node_analysis_group");
    assert_eq!(cores_after.len(), 6);
    assert_eq!(&cores_after[..4], &cores_before[..], "existing nodes keep their names");

    // Shrink by count removes the newest nodes.
    let r = s.api("POST", &shrink, Some(&json!({"node_group_name": "core_node_analysis_group", "count": "1"})));
    assert_eq!((r.status, r.json()), (200, json!({"result": "succeeded"})));
    assert_eq!(s.detail(&id)["scale"], "scaling-in");
    let (c, seen) = s.wait_for(&id, "shrink", |c| c["clusterState"] == "running");
    assert!(seen.iter().any(|(st, stage)| st == "scaling-in" && stage == "Decommissioning instance"), "{seen:?}");
    assert_eq!((c["coreNodeNum"].as_str(), c["totalNodeNum"].as_str()), (Some("5"), Some("9")));
    assert_eq!(node_names(&s, &id, "node_group=core_node_analysis_group"), &cores_after[..5]);

    // Core groups keep 3 nodes.
    let msg = s.api("POST", &shrink, Some(&json!({"node_group_name": "core_node_analysis_group", "count": 3}))).assert_error(400, "12000013");
    assert!(msg.contains("At most 2"), "{msg}");

    // Shrink named nodes of the task group.
    let nodes = s.get(&s.v2(&format!("clusters/{id}/nodes?node_group=task_node_analysis_group"))).json();
    let first = nodes["nodes"][0].clone();
    let r = s.api("POST", &shrink, Some(&json!({"node_group_name": "task_node_analysis_group", "resource_ids": [first["resource_id"]]})));
    assert_eq!(r.status, 200, "{}", r.text());
    let (c, _) = s.wait_for(&id, "named shrink", |c| c["clusterState"] == "running");
    assert_eq!(group_num(&c, "task_node_analysis_group"), 1);
    let left = node_names(&s, &id, "node_group=task_node_analysis_group");
    assert_eq!(left, [nodes["nodes"][1]["node_name"].as_str().unwrap()]);

    // Refusals.
    s.api("POST", &expand, Some(&json!({"node_group_name": "no_such_group", "count": 1}))).assert_error(400, "MRS.0002");
    s.api("POST", &expand, Some(&json!({"node_group_name": "master_node_default_group", "count": 1}))).assert_error(400, "MRS.0002");
    s.api("POST", &expand, Some(&json!({"node_group_name": "core_node_analysis_group"}))).assert_error(400, "MRS.0002");
    s.api("POST", &expand, Some(&json!({"node_group_name": "core_node_analysis_group", "count": 0}))).assert_error(400, "MRS.0002");
    s.api("POST", &expand, Some(&json!({"node_group_name": "core_node_analysis_group", "count": 495}))).assert_error(400, "12000028");
    s.api("POST", &shrink, Some(&json!({"node_group_name": "task_node_analysis_group", "resource_ids": ["nope"]}))).assert_error(400, "MRS.0002");
    s.api("POST", &shrink, Some(&json!({"node_group_name": "core_node_analysis_group"}))).assert_error(400, "MRS.0002");
    s.api("POST", &shrink, Some(&json!({"node_group_name": "master_node_default_group", "count": 1}))).assert_error(400, "MRS.0002");
    let abnormal = s.id_of("warehouse-abnormal");
    s.api("POST", &s.v2(&format!("clusters/{abnormal}/expand")), Some(&json!({"node_group_name": "core_node_analysis_group", "count": 1})))
        .assert_error(400, "12000017");
    s.api("POST", &s.v2("clusters/missing/expand"), Some(&json!({"node_group_name": "x", "count": 1}))).assert_error(400, "12000003");
    let r = s.request("POST", &expand, &[("X-Auth-Token", &s.token)], Some(b"{"));
    r.assert_error(400, "MRS.0002");

    // First Task nodes of a streaming cluster through V2.
    let dev = s.id_of("streaming-dev");
    let r = s.api("POST", &s.v2(&format!("clusters/{dev}/expand")), Some(&json!({"node_group_name": "task_node_streaming_group", "count": 2})));
    assert_eq!(r.status, 200, "{}", r.text());
    let (c, _) = s.wait_for(&dev, "task group", |c| c["clusterState"] == "running");
    assert_eq!(group_num(&c, "task_node_streaming_group"), 2);
    assert_eq!(c["totalNodeNum"], "7");
    assert_eq!(node_names(&s, &dev, "node_group=task_node_streaming_group").len(), 2);
}

#[test]
fn v11_resize() {
    let s = Server::start_step("resize", 150);
    let id = s.id_of("analytics-prod");
    let path = s.v11(&format!("cluster_infos/{id}"));
    let body = |scale_type: &str, group: &str, instances: Value| {
        json!({"service_id": "", "plan_id": "", "previous_values": {"plan_id": ""},
               "parameters": {"order_id": "", "scale_type": scale_type, "node_id": "node_orderadd",
                              "node_group": group, "instances": instances, "skip_bootstrap_scripts": false}})
    };
    let r = s.api("PUT", &path, Some(&body("scale_out", "core_node_default_group", json!("1"))));
    assert_eq!((r.status, r.json()), (200, json!({"result": "succeeded"})));
    let (c, seen) = s.wait_for(&id, "resize out", |c| c["clusterState"] == "running");
    assert!(seen.iter().any(|(st, _)| st == "scaling-out"), "{seen:?}");
    assert_eq!((c["coreNodeNum"].as_str(), c["totalNodeNum"].as_str()), (Some("5"), Some("9")));

    let r = s.api("PUT", &path, Some(&body("scale_in", "task_node_default_group", json!(2))));
    assert_eq!(r.status, 200, "{}", r.text());
    let (c, _) = s.wait_for(&id, "resize in", |c| c["clusterState"] == "running");
    assert_eq!(group_num(&c, "task_node_analysis_group"), 0);
    assert_eq!(c["totalNodeNum"], "7");

    s.api("PUT", &path, Some(&body("scale_sideways", "core_node_default_group", json!(1)))).assert_error(400, "12000002");
    s.api("PUT", &path, Some(&body("scale_out", "master_node_default_group", json!(1)))).assert_error(400, "12000002");
    s.api("PUT", &path, Some(&body("scale_out", "core_node_default_group", json!(0)))).assert_error(400, "12000002");
    s.api("PUT", &path, Some(&json!({"parameters": {"scale_type": "scale_out", "node_id": "other", "instances": 1}}))).assert_error(400, "12000002");
    s.api("PUT", &path, Some(&json!({"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd"}}))).assert_error(400, "12000002");
    s.api("PUT", &path, Some(&json!({}))).assert_error(400, "12000002");
    s.api("PUT", &path, Some(&body("scale_in", "core_node_default_group", json!(3)))).assert_error(400, "12000013");

    // The first Task nodes of a cluster need task_node_info.
    let dev = s.id_of("streaming-dev");
    let dev_path = s.v11(&format!("cluster_infos/{dev}"));
    s.api("PUT", &dev_path, Some(&body("scale_out", "task_node_default_group", json!(1)))).assert_error(400, "12000002");
    let mut with_info = body("scale_out", "task_node_default_group", json!(3));
    with_info["parameters"]["task_node_info"] =
        json!({"node_size": "c6.2xlarge.4.linux.bigdata", "data_volume_type": "SATA", "data_volume_count": 1, "data_volume_size": 200});
    assert_eq!(s.api("PUT", &dev_path, Some(&with_info)).status, 200);
    let (c, _) = s.wait_for(&dev, "task group", |c| c["clusterState"] == "running");
    let task = &c["taskNodeGroups"][0];
    assert_eq!((task["GroupName"].as_str(), task["NodeNum"].as_i64()), (Some("task_node_streaming_group"), Some(3)));
    assert_eq!((task["NodeSize"].as_str(), task["DataVolumeSize"].as_i64()), (Some("c6.2xlarge.4.linux.bigdata"), Some(200)));

    let abnormal = s.id_of("warehouse-abnormal");
    s.api("PUT", &s.v11(&format!("cluster_infos/{abnormal}")), Some(&body("scale_out", "core_node_default_group", json!(1))))
        .assert_error(400, "12000017");
    let r = s.api("PUT", &s.v11("cluster_infos/missing"), Some(&body("scale_out", "core_node_default_group", json!(1))));
    assert_eq!((r.status, r.json()["errorCode"].as_str()), (400, Some("12000003")));
}

// ---------------------------------------------------------------------------------------------
// DeleteCluster

#[test]
fn delete_walks_to_history() {
    let s = Server::start_step("delete", 250);
    let id = s.id_of("analytics-prod");
    let path = s.v11(&format!("clusters/{id}"));
    let r = s.api("DELETE", &path, None);
    assert_eq!((r.status, r.body.len()), (204, 0));
    assert_eq!(s.detail(&id)["clusterState"], "terminating");
    s.api("DELETE", &path, None).assert_error(400, "12000021");
    let (c, seen) = s.wait_for(&id, "terminated", |c| c["clusterState"] == "terminated");
    assert!(seen.iter().any(|(st, _)| st == "terminating"), "{seen:?}");
    assert_eq!(c["stageDesc"], "");
    assert!(s.names("clusterState=history").contains(&"analytics-prod".to_string()));
    assert!(!s.names("clusterState=existing").contains(&"analytics-prod".to_string()));
    let msg = s.api("DELETE", &path, None).assert_error(400, "12000021");
    assert!(msg.contains("terminated"), "{msg}");
    s.api("PUT", &s.v2(&format!("clusters/{id}/cluster-name")), Some(&json!({"cluster_name": "x"}))).assert_error(400, "12000360");
    let hosts = s.get(&s.v11(&format!("clusters/{id}/hosts"))).json();
    assert_eq!(hosts["total"], 0, "a terminated cluster has no machines");

    // Abnormal clusters can be deleted; unknown ones are 12000003 (camelCase, V1.1).
    let abnormal = s.id_of("warehouse-abnormal");
    assert_eq!(s.api("DELETE", &s.v11(&format!("clusters/{abnormal}")), None).status, 204);
    let r = s.api("DELETE", &s.v11("clusters/missing"), None);
    assert_eq!((r.status, r.json()["errorCode"].as_str()), (400, Some("12000003")));
}

#[test]
fn starting_clusters_cannot_be_deleted_or_scaled() {
    let s = Server::start_frozen("busy");
    let id = s.id_of("etl-nightly");
    s.api("DELETE", &s.v11(&format!("clusters/{id}")), None).assert_error(400, "12000021");
    s.api("POST", &s.v2(&format!("clusters/{id}/expand")), Some(&json!({"node_group_name": "core_node_analysis_group", "count": 1})))
        .assert_error(400, "12000017");
    // Renaming a starting cluster is allowed.
    assert_eq!(s.api("PUT", &s.v2(&format!("clusters/{id}/cluster-name")), Some(&json!({"cluster_name": "etl-2"}))).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Hosts and nodes

#[test]
fn hosts_and_nodes_paging_and_filters() {
    let s = Server::start_frozen("nodes");
    let id = s.id_of("analytics-prod");
    let hosts = s.get(&s.v11(&format!("clusters/{id}/hosts?pageSize=100"))).json();
    assert_eq!(hosts["total"], 8);
    let list = hosts["hosts"].as_array().unwrap();
    let count = |t: &str| list.iter().filter(|h| h["type"] == t).count();
    assert_eq!((count("Master"), count("Core"), count("Task")), (2, 4, 2));
    let h = &list[0];
    assert_eq!((h["status"].as_str(), h["name"].as_str().map(|n| n.starts_with("node-master1-"))), (Some("ACTIVE"), Some(true)));
    assert_eq!((h["mem"].as_str(), h["cpu"].as_str(), h["root_volume_size"].as_str()), (Some("65536"), Some("16"), Some("480")));
    assert!(h["ip"].as_str().unwrap().starts_with("192.168."));
    assert_eq!(h["id"], h["resource_id"]);
    assert_eq!(h["node_group_name"], "master_node_default_group");
    let page = s.get(&s.v11(&format!("clusters/{id}/hosts?pageSize=3&currentPage=3"))).json();
    assert_eq!((page["total"].as_i64(), page["hosts"].as_array().unwrap().len()), (Some(8), 2));
    assert_eq!(page["hosts"][0]["name"], list[6]["name"]);
    assert_eq!(s.get(&s.v11(&format!("clusters/{id}/hosts"))).json()["hosts"].as_array().unwrap().len(), 8);
    s.get(&s.v11(&format!("clusters/{id}/hosts?pageSize=0"))).assert_error(400, "12000002");
    assert_eq!(s.get(&s.v11("clusters/missing/hosts")).json()["errorCode"], "12000003");

    let nodes_path = |q: &str| s.v2(&format!("clusters/{id}/nodes?{q}"));
    let all = s.get(&nodes_path("limit=100")).json();
    assert_eq!(all["node_total"], 8);
    let names: Vec<&str> = all["nodes"].as_array().unwrap().iter().map(|n| n["node_name"].as_str().unwrap()).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8);
    assert_eq!(all, s.get(&nodes_path("limit=100")).json(), "stable across calls");
    let n = &all["nodes"][2];
    assert_eq!((n["node_type"].as_str(), n["node_group_name"].as_str()), (Some("Core"), Some("core_node_analysis_group")));
    assert_eq!(n["server_info"]["internal_ip"], list[2]["ip"]);
    assert_eq!(n["server_info"]["data_volumes"][0]["count"], 2);
    assert!(n.get("node_detail").is_none());

    let default_page = s.get(&nodes_path("")).json();
    assert_eq!((default_page["node_total"].as_i64(), default_page["nodes"].as_array().unwrap().len()), (Some(8), 8));
    let p3 = s.get(&nodes_path("limit=3&offset=3")).json();
    assert_eq!(p3["nodes"].as_array().unwrap().len(), 2, "offset is a page number");
    assert_eq!(p3["nodes"][0]["node_name"], names[6]);
    assert_eq!(s.get(&nodes_path("limit=3&offset=2")).json()["nodes"][0]["node_name"], names[3]);
    assert_eq!(s.get(&nodes_path("node_group=core_node_analysis_group")).json()["node_total"], 4);
    assert_eq!(s.get(&nodes_path("node_name=MASTER")).json()["node_total"], 2);
    let desc = s.get(&nodes_path("limit=100&sort_key=node_name&sort_dir=desc")).json();
    let desc_names: Vec<&str> = desc["nodes"].as_array().unwrap().iter().map(|n| n["node_name"].as_str().unwrap()).collect();
    let mut expected = names.clone();
    expected.sort();
    expected.reverse();
    assert_eq!(desc_names, expected);
    let detail = s.get(&nodes_path("limit=1&query_node_detail=true")).json();
    let d = &detail["nodes"][0]["node_detail"];
    assert_eq!(d["total_memory"], "65536");
    assert!(d["cpu_usage"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    assert!(d["available_hard_disk_space"].as_str().unwrap().parse::<i64>().unwrap() > 0);

    for bad in ["limit=0", "offset=0", "offset=x", "sort_key=ip", "sort_dir=up", "query_node_detail=maybe"] {
        s.get(&nodes_path(bad)).assert_error(400, "MRS.0002");
    }
    s.get(&s.v2("clusters/missing/nodes")).assert_error(400, "12000003");
}

// ---------------------------------------------------------------------------------------------
// Routing, CORS, console bundle

#[test]
fn unknown_paths_methods_and_cors() {
    let s = Server::start("routing");
    let r = s.get(&s.v2("clusters/x/unknown-thing"));
    assert!(r.assert_error(404, "12000002").contains("unknown API"));
    let r = s.get("/v1.1/p/whatever");
    r.assert_error(404, "12000002");
    let r = s.api("POST", &s.v11("cluster_infos"), Some(&json!({})));
    r.assert_error(405, "12000002");
    let r = s.api("GET", &s.v2("clusters"), None);
    r.assert_error(405, "12000002");
    // CORS is off unless --allow-origin names an origin (security.rs covers it).
    assert_eq!(r.header("access-control-allow-origin"), None);

    // Every answer carries a fresh request id.
    let a = s.get(&s.v11("cluster_infos"));
    let b = s.get(&s.v11("cluster_infos"));
    assert!(is_uuid(a.header("x-request-id").unwrap()));
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
}

#[test]
fn console_bundle_and_config() {
    let s = Server::start("static");
    std::fs::write(s.dist.join("index.html"), "<html>console</html>").unwrap();
    std::fs::write(s.dist.join("lakedeck-0123456789abcdef.js"), "export{}").unwrap();
    std::fs::write(s.dist.join("lakedeck-0123456789abcdef_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(s.dist.join("style-fedcba9876543210.css"), "body{}").unwrap();
    std::fs::write(s.dist.join("logo.svg"), "<svg/>").unwrap();
    std::fs::write(s.dist.join("config.json"), "{\"from\":\"dist\"}").unwrap();

    let html = [("Accept", "text/html,application/xhtml+xml")];
    let r = s.request("GET", "/", &html, None);
    assert_eq!((r.status, r.text().as_str()), (200, "<html>console</html>"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.header("x-request-id").is_some());
    let r = s.request("GET", "/clusters/abc/nodes", &html, None);
    assert_eq!((r.status, r.text().as_str()), (200, "<html>console</html>"), "SPA fallback");
    let r = s.request("GET", "/missing.js", &[("Accept", "*/*")], None);
    assert_eq!(r.status, 404);

    let r = s.request("GET", "/lakedeck-0123456789abcdef_bg.wasm", &[], None);
    assert_eq!((r.status, r.header("content-type")), (200, Some("application/wasm")));
    assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(r.body, b"\0asm\x01\0\0\0");
    let r = s.request("GET", "/lakedeck-0123456789abcdef.js", &[], None);
    assert!(r.header("content-type").unwrap().starts_with("text/javascript"));
    assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let r = s.request("GET", "/style-fedcba9876543210.css", &[], None);
    assert!(r.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let r = s.request("GET", "/logo.svg", &[], None);
    assert_eq!(r.header("content-type"), Some("image/svg+xml"));
    assert_ne!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let r = s.request("GET", "/../data/credentials.json", &[], None);
    assert_eq!(r.status, 404);
    let r = s.request("GET", "/%2e%2e/data/credentials.json", &[], None);
    assert_eq!(r.status, 404);

    let r = s.request("GET", "/config.json", &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    assert_eq!(
        r.json(),
        json!({"endpoints": {"mrs": "", "vpc": "", "emr_serverless": "", "emr": "", "alluxio": ""}, "project_id": s.project, "region": "cn-north-4",
               "emr_region": "cn-hangzhou", "token": s.token, "sandbox": true, "gateway": false, "embed": {"allowed_parents": []}})
    );
}

#[test]
fn bundle_files_and_api_answers_are_compressed_when_accepted() {
    use std::io::Read;
    let s = Server::start("compress");
    let script: String = (0..4000).map(|i| format!("export const v{i} = {i};\n")).collect();
    std::fs::write(s.dist.join("lakedeck-00112233445566778899.js"), &script).unwrap();
    std::fs::write(s.dist.join("tiny.css"), "body{}").unwrap();
    let get = |path: &str, accept: &str| s.request("GET", path, &[("Accept-Encoding", accept)], None);
    // Copies are made in the background: the first answers may be plain, never wrong.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let br = loop {
        let r = get("/lakedeck-00112233445566778899.js", "gzip, deflate, br");
        assert_eq!(r.header("vary"), Some("Accept-Encoding"));
        if r.header("content-encoding") == Some("br") {
            break r;
        }
        assert_eq!(r.text(), script, "a plain answer is the file itself");
        assert!(std::time::Instant::now() < deadline, "no brotli copy within 30 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &br.body[..], &mut plain).unwrap();
    assert_eq!(plain, script.as_bytes());
    assert!(br.body.len() * 5 < script.len(), "{} of {}", br.body.len(), script.len());
    assert_eq!(br.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let gz = get("/lakedeck-00112233445566778899.js", "gzip");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&gz.body[..]).read_to_string(&mut plain).unwrap();
    assert_eq!(plain, script);
    assert_eq!(get("/lakedeck-00112233445566778899.js", "identity").header("content-encoding"), None);
    assert_eq!(get("/lakedeck-00112233445566778899.js", "br;q=0").header("content-encoding"), None);
    assert_eq!(get("/tiny.css", "br").header("content-encoding"), None, "too small to be worth it");

    // API answers of a kilobyte or more, on the fly.
    let list = s.request("GET", &s.v11("cluster_infos"), &[("X-Auth-Token", &s.token), ("Accept-Encoding", "gzip")], None);
    assert_eq!((list.status, list.header("content-encoding")), (200, Some("gzip")));
    let mut json = String::new();
    flate2::read::GzDecoder::new(&list.body[..]).read_to_string(&mut json).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["clusterTotal"].as_i64(), Some(5), "{json}");
    let small = s.request("GET", &s.v11("cluster_infos/missing"), &[("X-Auth-Token", &s.token), ("Accept-Encoding", "gzip")], None);
    assert_eq!(small.header("content-encoding"), None);
    assert_eq!(s.get(&s.v11("cluster_infos")).header("content-encoding"), None, "only when asked");
}

#[test]
fn not_built_page_and_token_withheld_off_loopback() {
    let root = temp_dir("wide");
    let s = Server::start_with(&root, Options { listen: "0.0.0.0:0", env: env_credentials(), ..Default::default() });
    assert!(s.url.starts_with("http://0.0.0.0:"));
    let r = s.request("GET", "/", &[], None);
    assert_eq!(r.status, 200);
    let text = r.text();
    assert!(text.contains("not built") && text.contains("trunk build"), "{text}");
    let r = s.request("GET", "/some/page", &[("Accept", "text/html")], None);
    assert_eq!(r.status, 200);
    let cfg = s.request("GET", "/config.json", &[], None).json();
    assert_eq!(cfg["project_id"], s.project.as_str());
    assert_eq!(cfg["sandbox"], true);
    assert!(cfg.get("token").is_none(), "token only on loopback: {cfg}");
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Persistence and the database contract

#[test]
fn restart_keeps_state_and_credentials() {
    let root = temp_dir("restart");
    let first = Server::start_with(&root, Options::default());
    let creds = (first.project.clone(), first.token.clone(), first.ak.clone(), first.sk.clone());
    let r = first.api("POST", &first.v2("clusters"), Some(&create_body("survivor")));
    let id = r.json()["cluster_id"].as_str().unwrap().to_string();
    let renamed = first.id_of("streaming-dev");
    assert_eq!(first.api("PUT", &first.v2(&format!("clusters/{renamed}/cluster-name")), Some(&json!({"cluster_name": "renamed"}))).status, 200);
    let nodes_before = node_names(&first, &renamed, "");
    first.stop();

    let second = Server::start_with(&root, Options::default());
    assert_eq!((second.project.clone(), second.token.clone(), second.ak.clone(), second.sk.clone()), creds);
    assert_eq!(second.clusters("")["clusterTotal"], 6, "seed not repeated, created cluster kept");
    assert_eq!(second.detail(&id)["clusterName"], "survivor");
    assert_eq!(second.detail(&renamed)["clusterName"], "renamed");
    assert_eq!(node_names(&second, &renamed, ""), nodes_before);
    // The lifecycle of the created cluster carries on after the restart.
    second.wait_for(&id, "running after restart", |c| c["clusterState"] == "running");
    drop(second);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn rows_written_directly_are_served_as_they_are() {
    let s = Server::start_frozen("contract");
    let db = rusqlite::Connection::open(s.data_dir.join("sandbox.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let data = json!({
        "clusterId": "hand-1", "clusterName": "<img src=x onerror=alert(1)>", "remark": "\"quotes\" & <tags>",
        "clusterState": "running", "clusterType": 0, "createAt": (now_secs() + 100).to_string(),
        "nodeGroups": [{"GroupName": "master_node_default_group", "NodeNum": 1, "NodeSize": "c6.4xlarge.4.linux.bigdata"},
                       {"GroupName": "core_node_analysis_group", "NodeNum": 3, "NodeSize": "c6.4xlarge.4.linux.bigdata"}]
    });
    db.execute(
        "INSERT INTO clusters (project_id, cluster_id, data) VALUES (?1, 'hand-1', ?2)",
        rusqlite::params![s.project, data.to_string()],
    )
    .unwrap();
    assert_eq!(s.names("")[0], "<img src=x onerror=alert(1)>");
    let c = s.detail("hand-1");
    assert_eq!(c["remark"], "\"quotes\" & <tags>");
    assert_eq!(s.get(&s.v11("clusters/hand-1/hosts")).json()["total"], 4);

    // No cache: an edit to the row is visible on the next request.
    db.execute(
        "UPDATE clusters SET data = json_set(data, '$.clusterName', 'edited', '$.nodeGroups[1].NodeNum', 5) WHERE cluster_id = 'hand-1'",
        [],
    )
    .unwrap();
    assert_eq!(s.detail("hand-1")["clusterName"], "edited");
    assert_eq!(s.get(&s.v11("clusters/hand-1/hosts")).json()["total"], 6);
    // The name check of create sees hand-written rows too.
    s.api("POST", &s.v2("clusters"), Some(&create_body("edited"))).assert_error(400, "12000043");
    // Scaling works on it.
    let r = s.api("POST", &s.v2("clusters/hand-1/expand"), Some(&json!({"node_group_name": "core_node_analysis_group", "count": 1})));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.detail("hand-1")["clusterState"], "scaling-out");
    // A row whose data is not a cluster is skipped, not fatal.
    db.execute("INSERT INTO clusters (project_id, cluster_id, data) VALUES (?1, 'broken', 'not json')", [&s.project]).unwrap();
    assert_eq!(s.clusters("")["clusterTotal"], 6);
}
