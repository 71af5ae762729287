//! Component and api-layer tests in headless Chromium (wasm-bindgen-test).

use lakedeck::api::mrs::ListClustersQuery;
use lakedeck::api::{decode_success, fetch_static, query_string, request, ApiClient, ApiError, Detail, Method, Service, NETWORK};
use lakedeck::components::{Column, DataTable, Dialog, ErrorPanel, StateChip, Timestamp};
use lakedeck::i18n::Lang;
use lakedeck::pages::clusters::create::{flavor_label, settle, Draft};
use lakedeck::pages::clusters::list::{ListParams, SortKey, Tab};
use lakedeck_api::config::ConsoleConfig;
use lakedeck_api::mrs::{ClusterState, ListClustersResponse};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{host, query_lookup};

wasm_bindgen_test_configure!(run_in_browser);


fn q(root: &web_sys::Element, sel: &str) -> Option<web_sys::Element> {
    root.query_selector(sel).unwrap()
}

fn text(root: &web_sys::Element, sel: &str) -> String {
    q(root, sel).unwrap_or_else(|| panic!("no element {sel}")).text_content().unwrap_or_default()
}

fn count(root: &web_sys::Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

fn sample_error() -> ApiError {
    ApiError {
        status: 400,
        code: "12000003".into(),
        detail: Detail::Service("<b>bold</b><img src=x onerror=alert(1)> not found".into()),
        request_id: Some("req-123".into()),
    }
}

#[wasm_bindgen_test]
async fn error_panel_renders_api_strings_as_text() {
    support::english();
    let el = host();
    let retried = RwSignal::new(0);
    let _h = mount_to(el.clone(), move || {
        view! { <ErrorPanel error=sample_error() title="Could not load" on_retry=Callback::new(move |_| retried.update(|n| *n += 1))/> }
    });
    tick().await;
    let root: &web_sys::Element = &el;
    assert_eq!(q(root, ".error-panel").unwrap().get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(text(root, ".error-code"), "12000003");
    assert_eq!(text(root, ".request-id"), "req-123");
    assert_eq!(text(root, ".error-message"), "<b>bold</b><img src=x onerror=alert(1)> not found");
    assert_eq!(count(root, ".error-panel b, .error-panel img"), 0, "API text must never become markup");
    assert_eq!(text(root, ".error-status"), "400");
    q(root, ".error-retry").unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    tick().await;
    assert_eq!(retried.get_untracked(), 1);
}

#[wasm_bindgen_test]
async fn error_panel_without_retry_has_no_button() {
    support::english();
    let el = host();
    let _h = mount_to(el.clone(), || view! { <ErrorPanel error=ApiError::network("offline")/> });
    tick().await;
    assert_eq!(count(&el, ".error-retry"), 0);
    assert_eq!(text(&el, ".error-code"), NETWORK);
    assert_eq!(text(&el, ".request-id"), "—");
}

#[wasm_bindgen_test]
async fn state_chip_shows_stage_only_while_changing() {
    support::english();
    let el = host();
    let state = RwSignal::new(ClusterState::Starting);
    let _h = mount_to(el.clone(), move || view! { <StateChip state=state stage="Creating VM" id="chip"/> });
    tick().await;
    let chip = q(&el, "#chip.state-chip").unwrap();
    assert_eq!(chip.get_attribute("data-state").as_deref(), Some("starting"));
    assert!(chip.text_content().unwrap().contains("Starting"));
    assert!(chip.text_content().unwrap().contains("Creating VM"));
    state.set(ClusterState::Running);
    tick().await;
    let chip = q(&el, "#chip").unwrap();
    assert_eq!(chip.get_attribute("data-state").as_deref(), Some("running"));
    assert!(!chip.text_content().unwrap().contains("Creating VM"));
    state.set(ClusterState::ScalingOut);
    tick().await;
    assert_eq!(q(&el, "#chip").unwrap().get_attribute("data-state").as_deref(), Some("scaling-out"));
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: String,
    name: String,
}

#[wasm_bindgen_test]
async fn table_renders_keyed_rows_and_updates_cells_in_place() {
    support::english();
    let el = host();
    let rows = RwSignal::new(vec![Row { id: "a".into(), name: "alpha".into() }, Row { id: "b".into(), name: "beta".into() }]);
    let _h = mount_to(el.clone(), move || {
        let columns = vec![
            Column::text(|| "Id".to_string(), |r: &Row| r.id.clone()),
            Column::new(|| "Name".to_string(), |r: &Row| view! { <span class="name">{r.name.clone()}</span> }),
        ];
        view! { <DataTable rows=rows columns=columns row_key=|r: &Row| r.id.clone() key_attr="data-row-id" caption="Rows" empty="none here"/> }
    });
    tick().await;
    assert_eq!(count(&el, "tbody tr[data-row-id]"), 2);
    assert_eq!(text(&el, "tr[data-row-id=\"b\"] .name"), "beta");
    assert_eq!(count(&el, "thead th"), 2);
    let before = q(&el, "tr[data-row-id=\"a\"]").unwrap();
    rows.update(|r| r[0].name = "ALPHA".into());
    tick().await;
    let after = q(&el, "tr[data-row-id=\"a\"]").unwrap();
    assert_eq!(text(&el, "tr[data-row-id=\"a\"] .name"), "ALPHA");
    assert!(before.is_same_node(Some(&after)), "a changed row keeps its <tr>");
    rows.set(vec![]);
    tick().await;
    assert_eq!(count(&el, "tbody tr[data-row-id]"), 0);
    assert!(text(&el, "tbody").contains("none here"));
}

#[wasm_bindgen_test]
async fn timestamps_show_their_zone_in_the_language_of_the_page() {
    support::english();
    let el = host();
    let _h = mount_to(el.clone(), || view! { <Timestamp epoch="1700000000"/> <Timestamp epoch=""/> });
    tick().await;
    let t = q(&el, "time").unwrap();
    assert_eq!(t.get_attribute("datetime").as_deref(), Some("2023-11-14T22:13:20.000Z"));
    let en = t.text_content().unwrap();
    assert!(en.contains("GMT") || en.contains("UTC"), "the zone is named: {en}");
    assert!(en.contains("2023") && en.contains("Nov"), "{en}");
    assert_eq!(count(&el, "time"), 1, "an empty time shows a dash, not a date");
    // The same element is re-written in Chinese when the language changes.
    support::chinese();
    tick().await;
    let t2 = q(&el, "time").unwrap();
    assert!(t.is_same_node(Some(&t2)), "switching the language keeps the element");
    let zh = t2.text_content().unwrap();
    assert!(zh.contains("2023年11月"), "{zh}");
    assert!(zh.contains("GMT") || zh.contains("UTC"), "{zh}");
    support::english();
}

#[wasm_bindgen_test]
fn api_errors_map_every_vendor_shape() {
    support::english();
    let e = ApiError::from_response(400, r#"{"errorCode":"12000003","errorMsg":"gone"}"#, Some("rid-1".into()));
    assert_eq!((e.status, e.code.as_str(), e.message().as_str(), e.request_id.as_deref()), (400, "12000003", "gone", Some("rid-1")));
    let e = ApiError::from_response(401, r#"{"error":{"code":"APIGW.0301","message":"auth"}}"#, None);
    assert_eq!(e.code, "APIGW.0301");
    assert!(e.is_auth());
    let h = ApiError::from_response(404, "<!DOCTYPE html><h1>Not found</h1>", None);
    assert!(!h.message().contains("<h1>"), "{}", h.message());
    assert!(h.message().contains("404"), "{}", h.message());
    let e = ApiError::from_response(502, "", Some("  ".into()));
    assert_eq!(e.code, "502");
    assert_eq!(e.request_id, None);
    assert!(e.is_retryable());
    decode_success::<()>(204, "", None).unwrap();
    let d = decode_success::<ListClustersResponse>(200, "true", Some("r".into())).unwrap_err();
    assert_eq!((d.code.as_str(), d.request_id.as_deref()), ("DECODE", Some("r")));
}

#[wasm_bindgen_test]
fn queries_are_encoded() {
    support::english();
    assert_eq!(query_string(&[("a", "x y".into()), ("b", String::new()), ("c", "k*v,k2".into())]), "?a=x%20y&c=k%2Av%2Ck2");
    assert_eq!(query_string(&[("a", String::new())]), "");
    let q = ListClustersQuery { page_size: 20, current_page: 2, cluster_name: " demo ".into(), cluster_state: "existing".into(), tags: String::new() };
    assert_eq!(q.to_query(), "?pageSize=20&currentPage=2&clusterName=demo&clusterState=existing");
}

#[wasm_bindgen_test]
fn list_params_round_trip_through_the_url() {
    support::english();
    let p = ListParams {
        tab: Tab::History,
        search: "etl".into(),
        state: "terminated".into(),
        tags: "env*prod".into(),
        sort: Some((SortKey::Created, false)),
        page: 3,
        size: 20,
    };
    let back = ListParams::from_pairs(query_lookup(&p.to_query()));
    assert_eq!(back, p);
    assert_eq!(back.api_query().cluster_state, "terminated");
    assert_eq!(ListParams::default().to_query(), "");
    assert_eq!(ListParams::default().api_query().cluster_state, "existing");
    // A state that does not belong to the tab, or a bad page size, falls back to the default.
    let odd = ListParams::from_pairs(|k| match k {
        "state" => Some("terminated".into()),
        "size" => Some("7".into()),
        "page" => Some("0".into()),
        _ => None,
    });
    assert_eq!((odd.state.as_str(), odd.size, odd.page), ("", 10, 1));
}

#[wasm_bindgen_test]
async fn request_reads_json_and_reports_network_errors() {
    support::english();
    // A data: URL stands in for the server: base "data:application/json," + a JSON "path".
    let client = ApiClient::new(
        ConsoleConfig { endpoints: lakedeck_api::config::Endpoints { mrs: "data:application/json,".into(), ..Default::default() }, ..Default::default() },
        Some("tok".into()),
        Lang::En,
    );
    let body = js_sys::encode_uri_component(r#"{"clusterTotal":1,"clusters":[{"clusterId":"c1","clusterState":"running"}]}"#);
    let r: ListClustersResponse = request::<_, ()>(&client, Service::Mrs, Method::Get, &String::from(body), None).await.unwrap();
    assert_eq!(r.cluster_total, 1);
    assert_eq!(r.clusters[0].cluster_state, ClusterState::Running);

    let cfg: ConsoleConfig = fetch_static("data:application/json,%7B%22project_id%22%3A%22p1%22%2C%22sandbox%22%3Atrue%7D").await.unwrap();
    assert_eq!((cfg.project_id.as_str(), cfg.sandbox), ("p1", true));

    let offline = ApiClient::new(
        ConsoleConfig { endpoints: lakedeck_api::config::Endpoints { mrs: "http://127.0.0.1:9".into(), ..Default::default() }, ..Default::default() },
        None,
        Lang::ZhCn,
    );
    let e = request::<ListClustersResponse, ()>(&offline, Service::Mrs, Method::Get, "/v1.1/p/cluster_infos", None).await.unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (0, NETWORK));
}

#[wasm_bindgen_test]
async fn dialog_focuses_inside_and_closes_on_escape() {
    support::english();
    let el = host();
    let open = RwSignal::new(false);
    let _h = mount_to(el.clone(), move || {
        view! {
            <button id="opener" on:click=move |_| open.set(true)>"open"</button>
            <Dialog open=open on_close=Callback::new(move |_| open.set(false)) title="Test dialog" id="test-dialog">
                <input id="dialog-input"/>
            </Dialog>
        }
    });
    tick().await;
    assert!(q(&el, "[role=dialog]").is_none());
    let opener = q(&el, "#opener").unwrap().unchecked_into::<web_sys::HtmlElement>();
    opener.focus().unwrap();
    opener.click();
    tick().await;
    tick().await;
    let dlg = q(&el, "#test-dialog").expect("dialog open");
    assert_eq!(dlg.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(dlg.get_attribute("aria-modal").as_deref(), Some("true"));
    let title_id = dlg.get_attribute("aria-labelledby").unwrap();
    assert_eq!(document().get_element_by_id(&title_id).unwrap().text_content().as_deref(), Some("Test dialog"));
    assert_eq!(document().active_element().map(|e| e.id()).as_deref(), Some("dialog-input"));
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    q(&el, "#dialog-input").unwrap().dispatch_event(&ev).unwrap();
    tick().await;
    tick().await;
    assert!(q(&el, "[role=dialog]").is_none());
    assert!(!open.get_untracked());
    assert_eq!(document().active_element().map(|e| e.id()).as_deref(), Some("opener"), "focus goes back");
}

#[wasm_bindgen_test]
fn draft_defaults_come_from_the_offer_and_need_a_name_a_password_and_a_key_pair() {
    support::english();
    let offer: lakedeck_api::catalog::Catalog = serde_json::from_value(serde_json::json!({
        "versions": [{"name": "MRS 3.1.0", "components": [
            {"name": "Hadoop"}, {"name": "Spark2x"}, {"name": "Hive"}, {"name": "ZooKeeper"}, {"name": "Tez"}]}],
        "flavors": [{"name": "c6.4xlarge.4.linux.bigdata"}, {"name": "s6.large.2", "roles": ["task"]}],
        "regions": [{"id": "cn-north-4", "zones": [{"code": "cn-north-4a"}, {"code": "cn-north-4b"}]}],
        "vpcs": [{"id": "v1", "name": "vpc-team", "subnets": [{"id": "s1", "name": "subnet-a"}]}]
    }))
    .unwrap();
    let mut d = Draft { region: "cn-north-4".into(), ..Default::default() };
    assert_eq!(d.cluster_version, "", "nothing about an account is compiled in");
    settle(&mut d, &offer, "cn-north-4b");
    assert_eq!((d.cluster_version.as_str(), d.availability_zone.as_str()), ("MRS 3.1.0", "cn-north-4b"));
    assert_eq!((d.vpc_name.as_str(), d.subnet_name.as_str()), ("vpc-team", "subnet-a"));
    let fields: Vec<String> = d.errors(&offer).into_iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["cluster_name", "manager_admin_password", "node_keypair_name"]);
    d.cluster_name = "demo_01".into();
    d.manager_admin_password = "Admin@12345".into();
    d.manager_admin_password_confirm = "Admin@12345".into();
    d.node_keypair_name = "my-key".into();
    assert_eq!(d.errors(&offer), vec![], "a key pair the console cannot list is the service's to check");
    let req = d.to_request(&offer);
    assert_eq!(req.components.as_deref(), Some("Hadoop,Spark2x,Hive,ZooKeeper,Tez"));
    assert_eq!(req.subnet_id.as_deref(), Some("s1"));
    assert_eq!(req.node_groups.as_ref().unwrap().len(), 2, "the optional task group is left out");
    // Enabling the task group and breaking it maps the wire index back to the draft's group.
    d.groups[2].enabled = true;
    d.groups[2].node_size = "nope".into();
    let e = d.errors(&offer);
    assert_eq!(e[0].field, "node_groups[2].node_size");
    assert_eq!(d.dom_id_for(&e[0].field), "node_groups-2-node_size");
    assert_eq!(d.dom_id_for("subnet_id"), "subnet_name");
    // A flavor offered only for task nodes is refused for a core group, and settle replaces it.
    d.groups[1].node_size = "s6.large.2".into();
    assert!(d.errors(&offer).iter().any(|e| e.field == "node_groups[1].node_size"));
    settle(&mut d, &offer, "");
    assert_eq!(d.groups[1].node_size, "c6.4xlarge.4.linux.bigdata");
    assert_eq!(flavor_label("c6.4xlarge.4.linux.bigdata"), "c6.4xlarge.4.linux.bigdata (16 vCPU, 64 GiB)");
}

/// Replaces every default leaf (empty string, 0, false) with a distinct value, so a reader that
/// skips or misnames a field is caught by the comparison below.
fn fill(v: &mut serde_json::Value, n: &mut i64) {
    use serde_json::Value;
    match v {
        Value::Object(m) => m.values_mut().for_each(|x| fill(x, n)),
        Value::Array(a) => a.iter_mut().for_each(|x| fill(x, n)),
        Value::String(s) => {
            *n += 1;
            *s = format!("v{n}");
        }
        Value::Number(_) => {
            *n += 1;
            *v = (*n).into();
        }
        Value::Bool(b) => *b = true,
        Value::Null => {}
    }
}

fn filled<T: serde::Serialize>(t: &T, n: &mut i64) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap();
    fill(&mut v, n);
    v
}

#[wasm_bindgen_test]
fn wire_readers_match_the_shared_decoders() {
    support::english();
    use lakedeck::api::wire::decode;
    use lakedeck_api::mrs::{
        BootstrapScript, Cluster, ClusterNode, ComponentAmb, ListNodesResponse, NodeDetail, NodeGroupV10, NodeVolume, Tag,
    };
    let n = &mut 0;
    // A cluster with every field set, nested lists included (as the server sends them).
    let mut c = filled(&Cluster::default(), n);
    c["componentList"] = serde_json::json!([filled(&ComponentAmb::default(), n)]);
    c["nodeGroups"] = serde_json::json!([filled(&NodeGroupV10::default(), n), filled(&NodeGroupV10::default(), n)]);
    c["taskNodeGroups"] = serde_json::json!([filled(&NodeGroupV10::default(), n)]);
    let mut script = filled(&BootstrapScript::default(), n);
    script["nodes"] = serde_json::json!(["master1", "core2"]);
    c["bootstrapScripts"] = serde_json::json!([script]);
    c["clusterState"] = "scaling-out".into();
    let list = serde_json::json!({ "clusterTotal": 7, "clusters": [c.clone(), { "clusterId": "c2", "clusterState": "new-state" }] });
    let want: ListClustersResponse = serde_json::from_value(list.clone()).unwrap();
    let got: ListClustersResponse = decode(&list.to_string()).unwrap();
    assert_ne!(want.clusters[0], Cluster::default());
    assert_eq!(got, want);
    assert_eq!(got.clusters[1].cluster_state, ClusterState::Other, "unknown states read as Other");
    assert_eq!(got.clusters[0].task_node_groups.len(), 1);

    let mut node = filled(&ClusterNode::default(), n);
    node["tags"] = serde_json::json!([filled(&Tag::default(), n)]);
    node["node_detail"] = filled(&NodeDetail::default(), n);
    node["server_info"]["data_volumes"] = serde_json::json!([filled(&NodeVolume::default(), n)]);
    let nodes = serde_json::json!({ "nodes": [node], "node_total": 1 });
    let want: ListNodesResponse = serde_json::from_value(nodes.clone()).unwrap();
    assert_eq!(decode::<ListNodesResponse>(&nodes.to_string()).unwrap(), want);

    let cfg = serde_json::json!({ "endpoints": { "mrs": "http://h:1", "emr_serverless": "http://h:2", "emr": "http://h:3" }, "project_id": "p", "region": "r", "emr_region": "cn-hangzhou", "token": "t", "sandbox": true });
    let want: ConsoleConfig = serde_json::from_value(cfg.clone()).unwrap();
    assert_eq!(decode::<ConsoleConfig>(&cfg.to_string()).unwrap(), want);
    // Missing fields read as defaults; numbers sent as strings are accepted; the answer must be an object.
    let sparse: ListClustersResponse = decode(r#"{"clusterTotal":"3"}"#).unwrap();
    assert_eq!((sparse.cluster_total, sparse.clusters.len()), (3, 0));
    assert!(decode::<ListClustersResponse>("[1]").is_err());
    assert!(decode::<ListClustersResponse>("{").is_err());
    decode::<()>("null").unwrap();
}

#[wasm_bindgen_test]
fn list_ids_are_shortened_and_detail_counts_task_nodes() {
    support::english();
    use lakedeck::pages::clusters::detail::node_summary;
    use lakedeck::components::short_id;
    use lakedeck_api::mrs::{Cluster, NodeGroupV10};
    assert_eq!(short_id("328b8a3e-a4e1-401f-a8fb-39bcf9aa44e5"), "328b8a3e…");
    assert_eq!(short_id("abc"), "abc");
    let group = |name: &str, n: i64| NodeGroupV10 { group_name: name.into(), node_num: n, ..Default::default() };
    let mut c = Cluster {
        total_node_num: "8".into(),
        master_node_num: "2".into(),
        core_node_num: "4".into(),
        node_groups: vec![group("master_node_default_group", 2), group("core_node_analysis_group", 4)],
        ..Default::default()
    };
    assert_eq!(node_summary(&c), "8 in all (2 master, 4 core)");
    c.task_node_groups = vec![group("task_node_analysis_group", 2)];
    assert_eq!(node_summary(&c), "8 in all (2 master, 4 core, 2 task)");
    support::chinese();
    assert_eq!(node_summary(&c), "共 8 个（Master 2 个，Core 4 个，Task 2 个）");
    support::english();
}

#[wasm_bindgen_test]
fn hosting_paths_and_view_titles() {
    use lakedeck::app::view_title;
    support::english();
    use lakedeck::state::host::{normalize_base, url_path};
    assert_eq!(normalize_base("/"), "");
    assert_eq!(normalize_base(""), "");
    assert_eq!(normalize_base("/console/"), "/console");
    assert_eq!(normalize_base("ops/tools/lakedeck"), "/ops/tools/lakedeck");
    assert_eq!(url_path("https://h.example/ops/x/?a=1#f").as_deref(), Some("/ops/x/"));
    assert_eq!(url_path("http://h:8080").as_deref(), Some("/"));
    assert_eq!(view_title("/clusters?tab=history"), "Clusters");
    assert_eq!(view_title("/"), "Clusters");
    assert_eq!(view_title("/clusters/create"), "Create cluster");
    assert_eq!(view_title("/clusters/abc/jobs/j1"), "Job");
    assert_eq!(view_title("/jobs/submit?cluster=c"), "Submit a job");
    assert_eq!(view_title("/nope/x"), "Page not found");
    support::chinese();
    assert_eq!(view_title("/clusters/abc"), "集群");
    assert_eq!(view_title("/clusters/abc/jobs/j1"), "作业");
    support::english();
    use lakedeck::embed::without_embed;
    assert_eq!(without_embed("embed=1"), "");
    assert_eq!(without_embed("?embed=1&tab=history"), "tab=history");
    assert_eq!(without_embed("tab=history&embedded=x&embed"), "tab=history&embedded=x");
}

#[wasm_bindgen_test]
fn refused_calls_say_why() {
    use lakedeck::api::ApiError;
    let body = |code: &str| format!("{{\"error_code\":\"{code}\",\"error_msg\":\"m\"}}");
    support::english();
    let advice = |status: u16, code: &str| ApiError::from_response(status, &body(code), None).auth_advice().unwrap_or_default();
    assert!(advice(401, "Gateway.Unauthorized").contains("sign in again"));
    assert!(advice(401, "12000001").contains("sign in again"));
    assert!(advice(403, "Gateway.RoleDenied").contains("Not allowed for your role"));
    assert!(advice(403, "Gateway.NotAllowed").contains("allowlist"));
    assert!(advice(403, "Gateway.ScopeDenied").contains("project"));
    assert!(advice(403, "APIGW.0302").contains("refused"));
    assert_eq!(ApiError::from_response(400, &body("MRS.0002"), None).auth_advice(), None);
    let viewer = lakedeck::state::Who::User(lakedeck::api::wire::WhoAmI { user: "vic".into(), role: "viewer".into(), auth: "token".into(), can_write: false });
    assert!(lakedeck::state::session::read_only_reason(&viewer).unwrap().contains("operator role"));
    let operator = lakedeck::state::Who::User(lakedeck::api::wire::WhoAmI { can_write: true, ..Default::default() });
    assert_eq!(lakedeck::state::session::read_only_reason(&operator), None);
    assert_eq!(lakedeck::state::session::read_only_reason(&lakedeck::state::Who::Unknown), None);
}
