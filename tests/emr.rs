//! The Alibaba EMR views in headless Chromium, against a fake service behind `window.fetch` (the
//! one request path calls it): the Job runs view's filters and pages in the URL, `nextToken`
//! paging forward and back by the remembered tokens, a filter that cannot be sent; the submit form
//! and the flow job form checked field by field, JSON checked as it is typed, and the requests
//! they send.

use lakedeck::pages::emr::runs::JobRuns;
use lakedeck::pages::emr::{FlowStatusChip, RunStateChip};
use lakedeck::pages::emr::submit::{RunForm, SubmitFn};
use lakedeck::pages::emr::flow_job::JobForm;
use lakedeck::state::{ConfigStatus, RefreshBus, Session, SessionState, Theme};
use lakedeck_api::config::ConsoleConfig;
use lakedeck_api::emr::{Queue, StartJobRunRequest};
use lakedeck_api::emr_view::{FlowJobDraft, RunDraft};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos_router::components::Router;
use reactive_stores::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{chinese, english, host};

wasm_bindgen_test_configure!(run_in_browser);

/// A fake EMR service: 45 job runs in workspace `w-test` (newest first, `run-<n>`, every third
/// one Success, the rest Running), ListJobRuns with `name`, `states`, `maxResults` and a numeric
/// `nextToken`, the workspace and its queue, and CreateFlowJob. Every request is kept in
/// `window.__fake.requests` as `METHOD url` plus its body.
const FAKE: &str = r#"
window.__fake = { requests: [] };
const runs = Array.from({ length: 45 }, (_, i) => ({
  workspaceId: 'w-test', jobRunId: 'jr-' + String(i).padStart(3, '0'), name: 'run-' + i,
  state: i % 3 === 0 ? 'Success' : 'Running', submitTime: 1780000000000 - i * 60000,
  endTime: i % 3 === 0 ? 1780000000000 - i * 60000 + 30000 : 0, codeType: 'SQL', resourceQueueId: 'dev_queue',
  tags: [{ key: 'team', value: i % 2 ? 'ml' : 'data' }], vcoreSeconds: 60, mbSeconds: 245760, cuHours: 0.016667,
}));
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
window.fetch = async (req) => {
  const url = new URL(req.url, location.href);
  const body = req.method === 'GET' ? '' : await req.text();
  window.__fake.requests.push({ method: req.method, url: url.pathname + url.search, body, token: req.headers.get('X-Auth-Token') });
  const q = url.searchParams;
  if (url.pathname === '/api/v1/workspaces') {
    return json({ requestId: 'R1', totalCount: 1, workspaces: [{ workspaceId: 'w-test', workspaceName: 'test-ws' }] });
  }
  if (url.pathname === '/api/v1/workspaces/w-test/queues') {
    return json({ requestId: 'R2', totalCount: 1, queues: [{ queueName: 'dev_queue', maxResource: '{"cpu":"4","memory":"16Gi"}', usedResource: '{"cpu":"2","memory":"8Gi"}' }] });
  }
  if (url.pathname === '/api/v1/workspaces/w-test/jobRuns') {
    let list = runs;
    if (q.get('name')) list = list.filter(r => r.name.includes(q.get('name')));
    const counts = {};
    list.forEach(r => counts[r.state] = String((+counts[r.state] || 0) + 1));
    if (q.get('states')) { const s = JSON.parse(q.get('states')); list = list.filter(r => s.includes(r.state)); }
    const max = +(q.get('maxResults') || 20), from = +(q.get('nextToken') || 0);
    const next = from + max < list.length ? String(from + max) : '';
    return json({ requestId: 'R3', jobRuns: list.slice(from, from + max), nextToken: next, maxResults: max, totalCount: list.length,
      aggregations: q.get('groupByState') ? counts : undefined });
  }
  if (url.pathname === '/' && q.get('Action') === 'CreateFlowJob') {
    return json({ RequestId: 'R4', Id: 'FJ-NEW' });
  }
  return json({ requestId: 'R0', code: 'InvalidAction.NotFound', message: 'not faked: ' + url.pathname }, 404);
};
"#;

fn install_fake() {
    js_sys::eval(FAKE).expect("install the fake service");
}

fn requests() -> Vec<(String, String, String)> {
    let v = js_sys::eval("JSON.stringify(window.__fake.requests)").unwrap().as_string().unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_str(&v).unwrap();
    list.iter()
        .map(|r| (r["method"].as_str().unwrap().to_string(), r["url"].as_str().unwrap().to_string(), r["body"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn decode(s: &str) -> String {
    js_sys::decode_uri_component(&s.replace('+', " ")).unwrap().as_string().unwrap()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Waits (at most 5 s) for `cond`.
async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..250 {
        if cond() {
            return;
        }
        sleep(20).await;
    }
    panic!("never saw {what}");
}

fn q(root: &web_sys::HtmlElement, css: &str) -> Option<web_sys::Element> {
    root.query_selector(css).unwrap()
}

fn text(root: &web_sys::HtmlElement, css: &str) -> String {
    q(root, css).and_then(|e| e.text_content()).unwrap_or_default()
}

fn click(root: &web_sys::HtmlElement, css: &str) {
    q(root, css).unwrap_or_else(|| panic!("no {css}")).unchecked_into::<web_sys::HtmlElement>().click();
}

/// Types into an input or textarea as a user does: the value, then `input` and `change`.
fn type_into(root: &web_sys::HtmlElement, css: &str, value: &str) {
    let el = q(root, css).unwrap_or_else(|| panic!("no {css}"));
    js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
    for kind in ["input", "change"] {
        el.dispatch_event(&web_sys::Event::new(kind).unwrap()).unwrap();
    }
}

/// Puts the page at `path` (the router reads the address when it starts).
fn go_to(path: &str) {
    js_sys::eval(&format!("history.replaceState(null, '', {path:?})")).unwrap();
}

fn first_run(root: &web_sys::HtmlElement) -> String {
    q(root, "tr[data-run-id]").and_then(|e| e.get_attribute("data-run-id")).unwrap_or_default()
}

fn row_count(root: &web_sys::HtmlElement) -> u32 {
    root.query_selector_all("tr[data-run-id]").unwrap().length()
}

fn search() -> String {
    decode(&web_sys::window().unwrap().location().search().unwrap())
}

fn session() -> Session {
    let config = ConsoleConfig { emr_region: "cn-hangzhou".into(), ..Default::default() };
    Store::new(SessionState { config, token: "tok".into(), config_status: ConfigStatus::Loaded, theme: Theme::System, who: Default::default() })
}

#[wasm_bindgen_test]
async fn job_runs_keep_filters_and_pages_in_the_url_and_page_back_by_remembered_tokens() {
    english();
    install_fake();
    web_sys::window().unwrap().session_storage().unwrap().unwrap().clear().unwrap();
    go_to("/emr/runs?ws=w-test");
    let root = host();
    let _h = mount_to(root.clone(), || {
        provide_context(session());
        provide_context(RefreshBus::new());
        view! { <Router><JobRuns/></Router> }
    });
    until("the first page", || row_count(&root) == 20).await;
    assert_eq!(first_run(&root), "jr-000");
    assert!(text(&root, "#runs-pager .pager-range").contains("45"), "{}", text(&root, "#runs-pager .pager-range"));
    // Totals by state come from groupByState; the queue picker says what it holds.
    assert!(text(&root, "#run-state-chips button[data-state='Success']").contains("15"));
    until("the queue", || text(&root, "#run-queue").contains("2 of 4")).await;
    let list = requests();
    let (_, url, _) = list.iter().rev().find(|(_, u, _)| u.contains("/jobRuns")).unwrap();
    let url = decode(url);
    assert!(url.contains("groupByState=true") && url.contains("maxResults=20") && url.contains("regionId=cn-hangzhou"), "{url}");

    // Forward by nextToken; the token and page are in the address.
    click(&root, "#runs-pager button:nth-of-type(2)");
    until("page 2", || first_run(&root) == "jr-020").await;
    assert!(search().contains("page=2") && search().contains("token=20"), "{}", search());
    click(&root, "#runs-pager button:nth-of-type(2)");
    until("page 3", || first_run(&root) == "jr-040" && row_count(&root) == 5).await;
    // Back by the token remembered for page 2, then to the first page.
    click(&root, "#runs-pager button:nth-of-type(1)");
    until("page 2 again", || first_run(&root) == "jr-020").await;
    let (_, url, _) = requests().into_iter().rev().find(|(_, u, _)| u.contains("/jobRuns")).unwrap();
    assert!(decode(&url).contains("nextToken=20"), "{url}");
    click(&root, "#runs-pager button:nth-of-type(1)");
    until("page 1 again", || first_run(&root) == "jr-000").await;
    assert!(!search().contains("token="), "{}", search());

    // A state chip and a name filter narrow the list and live in the URL, back to page 1.
    click(&root, "#run-state-chips button[data-state='Success']");
    until("only Success", || row_count(&root) == 15 && text(&root, "#runs-pager .pager-range").contains("15")).await;
    assert!(search().contains("states=Success"), "{}", search());
    type_into(&root, "#run-name-filter", "run-3");
    until("the name filter", || search().contains("name=run-3")).await;
    until("runs named run-3*", || row_count(&root) > 0 && first_run(&root) == "jr-003").await;
    let (_, url, _) = requests().into_iter().rev().find(|(_, u, _)| u.contains("/jobRuns")).unwrap();
    let url = decode(&url);
    assert!(url.contains(r#"states=["Success"]"#) && url.contains("name=run-3"), "{url}");

    // A minimum duration that is not one is shown next to its field, and nothing is sent.
    let sent = requests().len();
    type_into(&root, "#run-min-duration", "soon");
    until("the duration problem", || text(&root, ".field-error[data-field='min']").contains("soon")).await;
    assert!(q(&root, "#runs-filter-problem").is_some());
    sleep(100).await;
    assert!(requests()[sent..].iter().all(|(_, u, _)| !u.contains("/jobRuns")), "no list request with a bad filter");
}

#[wasm_bindgen_test]
async fn the_submit_form_checks_every_field_before_sending_the_services_body() {
    english();
    let root = host();
    let sent: RwSignal<Option<(String, StartJobRunRequest)>, LocalStorage> = RwSignal::new_local(None);
    let submit: SubmitFn = std::rc::Rc::new(move |ws, req| {
        sent.set(Some((ws, req)));
        Box::pin(async { Ok(()) })
    });
    let draft = RwSignal::new(RunDraft { workspace: "w-test".into(), ..Default::default() });
    let _h = mount_to(root.clone(), move || {
        let queue = Queue { queue_name: "dev_queue".into(), ..Default::default() };
        view! {
            <RunForm draft=draft workspaces=vec![("w-test".to_string(), "test-ws".to_string())] queues=vec![queue]
                releases=Vec::new() submit=submit/>
        }
    });
    leptos::task::tick().await;
    // Nothing typed: the SQL is missing, and nothing is sent.
    click(&root, "#run-submit");
    until("the SQL problem", || q(&root, ".field-error[data-field='run-sql']").is_some()).await;
    assert!(sent.get_untracked().is_none());
    // Bad tags, configurations and timeout, each on its field.
    type_into(&root, "#run-sql", "SELECT n_name FROM nation");
    type_into(&root, "#run-tags", "env");
    type_into(&root, "#run-configurations", "no equals here");
    type_into(&root, "#run-timeout", "-1");
    click(&root, "#run-submit");
    until("three problems", || root.query_selector_all(".field-error").unwrap().length() == 3).await;
    assert!(text(&root, ".field-error[data-field='run-tags']").contains("key=value"));
    assert!(text(&root, ".field-error[data-field='run-configurations']").contains("no equals here"));
    assert!(text(&root, ".field-error[data-field='run-timeout']").contains("executionTimeoutSeconds"));
    assert!(sent.get_untracked().is_none());
    // Corrected: the problems go as the input changes, and the request is the service's body.
    type_into(&root, "#run-tags", "env=dev, team=data");
    type_into(&root, "#run-configurations", "spark.executor.memory=4g\ncommon.conf:hive.metastore.type=USER_RDS");
    type_into(&root, "#run-timeout", "600");
    until("no problems", || q(&root, ".field-error").is_none()).await;
    click(&root, "#run-submit");
    until("the request", || sent.with_untracked(Option::is_some)).await;
    let (ws, req) = sent.get_untracked().unwrap();
    assert_eq!(ws, "w-test");
    let body = serde_json::to_value(&req).unwrap();
    assert_eq!(body["codeType"], "SQL");
    assert_eq!(body["jobDriver"]["sparkSubmit"]["entryPointArguments"], serde_json::json!(["-e", "SELECT n_name FROM nation"]));
    assert_eq!(body["tags"], serde_json::json!([{"key": "env", "value": "dev"}, {"key": "team", "value": "data"}]));
    assert_eq!(body["configurationOverrides"]["configurations"][1]["configFileName"], "common.conf");
    assert_eq!(body["executionTimeoutSeconds"], 600);
    assert!(req.client_token.as_deref().is_some_and(|t| t.starts_with("lakedeck-")), "a client token");
    // A JAR run asks for its entry point, which must be a .jar.
    draft.update(|d| d.code_type = "JAR".into());
    leptos::task::tick().await;
    type_into(&root, "#run-entry-point", "oss://b/app.py");
    click(&root, "#run-submit");
    until("the entry point problem", || text(&root, ".field-error[data-field='run-entry-point']").contains(".jar")).await;
}

#[wasm_bindgen_test]
async fn the_flow_job_form_checks_json_as_typed_and_creates_the_job_with_every_field() {
    english();
    install_fake();
    go_to("/emr/flows/FP-1/jobs/new");
    let root = host();
    let draft = RwSignal::new(FlowJobDraft::new_job());
    let _h = mount_to(root.clone(), move || {
        provide_context(session());
        provide_context(RefreshBus::new());
        let project = Memo::new(|_| "FP-1".to_string());
        view! { <Router><JobForm project=project job=String::new() draft=draft clusters=Vec::new() folders=Vec::new()/></Router> }
    });
    leptos::task::tick().await;
    // A JSON field is refused as it is typed, before anything is sent.
    type_into(&root, "#flow-param-conf", "{date:1");
    until("the ParamConf problem", || text(&root, ".field-error[data-field='flow-param-conf']").contains("ParamConf")).await;
    type_into(&root, "#flow-env-conf", r#"{"1X":"v"}"#);
    until("the EnvConf problem", || text(&root, ".field-error[data-field='flow-env-conf']").contains("1X")).await;
    type_into(&root, "#flow-param-conf", r#"{"date":"${yyyy-MM-dd}"}"#);
    type_into(&root, "#flow-env-conf", r#"{"KEY":"v"}"#);
    until("the JSON problems gone", || q(&root, ".field-error").is_none()).await;
    // Required fields and ranges after a first attempt.
    type_into(&root, "#flow-max-retry", "9");
    click(&root, "#flow-job-save");
    until("the name and retry problems", || {
        q(&root, ".field-error[data-field='flow-name']").is_some() && q(&root, ".field-error[data-field='flow-max-retry']").is_some()
    })
    .await;
    assert!(!requests().iter().any(|(_, u, _)| u.contains("CreateFlowJob")));
    // Filled in, with a resource row: CreateFlowJob carries every field.
    type_into(&root, "#flow-name", "orders");
    type_into(&root, "#flow-description", "Counts orders");
    type_into(&root, "#flow-params", "SELECT count(*) FROM orders WHERE o_orderdate = '${date}'");
    type_into(&root, "#flow-max-retry", "2");
    click(&root, "#add-resource");
    until("a resource row", || q(&root, "#resource-path-0").is_some()).await;
    type_into(&root, "#resource-path-0", "oss://b/udf.jar");
    type_into(&root, "#resource-alias-0", "udf.jar");
    until("no problems", || q(&root, ".field-error").is_none()).await;
    click(&root, "#flow-job-save");
    until("the CreateFlowJob request", || requests().iter().any(|(_, u, _)| u.contains("CreateFlowJob"))).await;
    let (method, url, body) = requests().into_iter().find(|(_, u, _)| u.contains("CreateFlowJob")).unwrap();
    assert_eq!(method, "POST");
    assert!(url.contains("Version=2016-04-08") && url.contains("RegionId=cn-hangzhou"), "{url}");
    let form = lakedeck_api::acs::parse_form(&body);
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("ProjectId"), Some("FP-1"));
    assert_eq!((get("Name"), get("Type"), get("MaxRetry"), get("FailAct")), (Some("orders"), Some("SPARK_SQL"), Some("2"), Some("STOP")));
    assert_eq!((get("ResourceList.1.Path"), get("ResourceList.1.Alias")), (Some("oss://b/udf.jar"), Some("udf.jar")));
    assert_eq!(get("ParamConf"), Some(r#"{"date":"${yyyy-MM-dd}"}"#));
    // Created: the job's own page.
    until("the job's page", || web_sys::window().unwrap().location().pathname().unwrap() == "/emr/flows/FP-1/jobs/FJ-NEW").await;
}

#[wasm_bindgen_test]
async fn states_read_in_both_languages_and_keep_their_wire_names() {
    chinese();
    let root = host();
    let _h = mount_to(root.clone(), || {
        view! { <RunStateChip state="Success".to_string()/> <FlowStatusChip status="KILL_SUCCESS".to_string() pending=true/> }
    });
    leptos::task::tick().await;
    assert_eq!(text(&root, "[data-state='Success'] .state-label"), "成功");
    assert_eq!(text(&root, "[data-state='KILL_SUCCESS'] .state-label"), "已终止");
    assert!(text(&root, "[data-state='KILL_SUCCESS']").contains("等待中"));
    english();
    leptos::task::tick().await;
    assert_eq!(text(&root, "[data-state='Success'] .state-label"), "Success");
    assert_eq!(text(&root, "[data-state='KILL_SUCCESS'] .state-label"), "Killed");
}

fn value_of(root: &web_sys::HtmlElement, css: &str) -> String {
    q(root, css).unwrap_or_else(|| panic!("no {css}")).unchecked_into::<web_sys::HtmlInputElement>().value()
}

#[wasm_bindgen_test]
async fn settings_edit_the_emr_endpoints_and_region_with_problems_next_to_the_fields() {
    use lakedeck::pages::settings::Settings;
    use lakedeck::state::session::{apply_overrides, stored_overrides, Overrides};
    use lakedeck::state::SessionStateStoreFields;
    english();
    let storage = web_sys::window().unwrap().session_storage().unwrap().unwrap();
    storage.clear().unwrap();
    let root = host();
    let s = session();
    let _h = mount_to(root.clone(), move || {
        provide_context(s);
        provide_context(RefreshBus::new());
        view! { <Settings/> }
    });
    // The fields start from config.json's values.
    until("the region from config.json", || q(&root, "#settings-emr-region").is_some() && value_of(&root, "#settings-emr-region") == "cn-hangzhou").await;
    assert_eq!(value_of(&root, "#settings-emr-serverless"), "");
    // Problems show next to their field as they are typed; Save keeps nothing and moves the focus.
    type_into(&root, "#settings-project", "p-1");
    type_into(&root, "#settings-emr-serverless", "emr-serverless-spark.cn-shanghai.aliyuncs.com");
    type_into(&root, "#settings-emr", "ftp://emr.example");
    type_into(&root, "#settings-emr-region", "CN_Shanghai");
    until("the problems", || q(&root, ".field-error[data-field='settings-emr-region']").is_some()).await;
    assert!(text(&root, ".field-error[data-field='settings-emr-serverless']").contains("https://"));
    assert!(q(&root, ".field-error[data-field='settings-emr']").is_some());
    assert!(text(&root, ".field-error[data-field='settings-emr-region']").contains("cn-hangzhou"));
    assert!(q(&root, ".field-error[data-field='settings-mrs']").is_none(), "an empty endpoint is this origin");
    click(&root, "#settings-save");
    sleep(20).await;
    assert!(stored_overrides().is_none(), "nothing is kept while a field is wrong");
    assert_eq!(s.config().with_untracked(|c| c.emr_region.clone()), "cn-hangzhou");
    let focused = document().active_element().map(|e| e.id()).unwrap_or_default();
    assert_eq!(focused, "settings-emr-serverless", "the first wrong field takes the focus");
    // Nothing typed is lost; fixed, the values apply to the session and are kept for the tab.
    assert_eq!(value_of(&root, "#settings-emr"), "ftp://emr.example");
    type_into(&root, "#settings-emr-serverless", " https://emr-serverless-spark.cn-shanghai.aliyuncs.com/ ");
    type_into(&root, "#settings-emr", "/emr-proxy");
    type_into(&root, "#settings-emr-region", "cn-shanghai");
    until("no problems", || q(&root, ".field-error").is_none()).await;
    click(&root, "#settings-save");
    until("saved", || q(&root, ".saved").is_some()).await;
    let c = s.config().get_untracked();
    assert_eq!(c.emr_serverless_url("/api/v1/workspaces"), "https://emr-serverless-spark.cn-shanghai.aliyuncs.com/api/v1/workspaces");
    assert_eq!(c.emr_url("/?Action=ListFlowProject"), "/emr-proxy/?Action=ListFlowProject");
    assert_eq!((c.emr_region.as_str(), c.project_id.as_str()), ("cn-shanghai", "p-1"));
    // A reload applies what was kept on top of config.json.
    let kept = stored_overrides().expect("kept for the tab");
    let reloaded = apply_overrides(ConsoleConfig { emr_region: "cn-hangzhou".into(), ..Default::default() }, Some(&kept));
    assert_eq!((reloaded.endpoints.emr.as_str(), reloaded.emr_region.as_str()), ("/emr-proxy", "cn-shanghai"));
    // What an older console kept (no EMR fields) leaves config.json's EMR values in force.
    let old: Overrides = serde_json::from_str(r#"{"mrs":"","project_id":"p-0"}"#).unwrap();
    let c = apply_overrides(ConsoleConfig { emr_region: "cn-beijing".into(), ..Default::default() }, Some(&old));
    assert_eq!((c.emr_region.as_str(), c.project_id.as_str()), ("cn-beijing", "p-0"));
    storage.clear().unwrap();
}
