//! SQL editor pieces in headless Chromium: the workspace's tabs, history, row limit and editor
//! height; error positions mapped into the editor; the catalog completion reads; the editor widget
//! (with a stand-in for the CodeMirror module: the real one is driven by the end-to-end tests); the
//! results pane (statuses, a lost connection, the true total of a cut, one tab per statement, no
//! row of an earlier run).

use std::collections::BTreeMap;
use std::sync::Arc;

use lakedeck::pages::sql::codemirror::{completion_json, use_module_url};
use lakedeck::pages::sql::editor::{CodeEditor, EditorHandle};
use lakedeck::pages::sql::page::{error_offset, error_span};
use lakedeck::pages::sql::results::{ErrorAt, Results};
use lakedeck::pages::sql::run::{RunFailure, StatementRun, Step};
use lakedeck::pages::sql::schema::{completion_catalog, Catalog};
use lakedeck::state::sql::{EditorTab, HistoryEntry, Workspace, DEFAULT_ROW_LIMIT, MAX_CLOSED, MAX_HISTORY};
use lakedeck_api::grid::ResultSet;
use lakedeck_api::sqledit::CompletionCatalog;
use lakedeck_api::sqlrun::RowTotal;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::host;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn tabs_close_reopen_and_never_run_out() {
    support::english();
    let mut ws = Workspace::default();
    ws.active_tab_mut().text = "SELECT 1".into();
    let second = ws.new_tab("SELECT 2".into(), "c1".into());
    assert_eq!(ws.active, second);
    ws.close_tab(second);
    assert_eq!(ws.active_tab().text, "SELECT 1", "the neighbour becomes active");
    assert!(ws.reopen());
    assert_eq!((ws.active, ws.active_tab().text.as_str(), ws.active_tab().cluster.as_str()), (second, "SELECT 2", "c1"));
    assert!(!ws.reopen(), "nothing left to reopen");
    // Closing the last tab leaves a fresh one in the same cluster.
    let ids: Vec<u64> = ws.tabs.iter().map(|t| t.id).collect();
    for id in ids {
        ws.close_tab(id);
    }
    assert_eq!(ws.tabs.len(), 1);
    assert!(ws.active_tab().text.is_empty());
    for i in 0..MAX_CLOSED + 5 {
        let id = ws.new_tab(format!("q{i}"), String::new());
        ws.close_tab(id);
    }
    assert_eq!(ws.closed.len(), MAX_CLOSED);
    for i in 0..MAX_HISTORY + 3 {
        ws.record(HistoryEntry { text: format!("h{i}"), ..Default::default() });
    }
    assert_eq!((ws.history.len(), ws.history[0].text.as_str()), (MAX_HISTORY, "h202"));
}

#[wasm_bindgen_test]
fn the_workspace_survives_a_reload_through_local_storage() {
    support::english();
    let mut ws = Workspace::default();
    ws.new_tab("SELECT 'draft'".into(), "c9".into());
    ws.save();
    let back = Workspace::load();
    assert_eq!(back, ws);
    // A damaged entry gives a fresh workspace instead of breaking the page.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item("lakedeck.sql.v1", "{not json").unwrap();
    assert_eq!(Workspace::load().tabs.len(), 1);
    storage.remove_item("lakedeck.sql.v1").unwrap();
}

#[wasm_bindgen_test]
fn tab_titles_come_from_the_first_code_line() {
    support::english();
    let t = |text: &str| EditorTab { id: 3, text: text.into(), cluster: String::new() }.title();
    assert_eq!(t(""), "Query 3");
    assert_eq!(t("-- note\n\nSELECT a FROM b"), "SELECT a FROM b");
    assert_eq!(t("SELECT a_very_long_column_name FROM t"), "SELECT a_very_long_colum…");
}

#[wasm_bindgen_test]
fn engine_errors_point_into_the_tab() {
    support::english();
    let tab = "SELECT 1;\n\nSELECT n_name\nFROM nation\nWHERE n_name = = 1";
    let stmt = "SELECT n_name\nFROM nation\nWHERE n_name = = 1";
    let offset = tab.find(stmt);
    let msg = "SQL error: ParserError(\"Expected: an expression, found: = at Line: 3, Column: 16\")";
    let (line, col, byte) = error_offset(tab, stmt, offset, msg).unwrap();
    assert_eq!((line, col), (3, 16));
    assert_eq!(&tab[byte..byte + 1], "=");
    assert_eq!(byte, tab.len() - 3);
    assert_eq!(error_offset(tab, stmt, offset, "table not found"), None);
    assert_eq!(error_offset(tab, "SELECT other", Some(0), msg), None, "a statement not found where expected is not placed");
}

#[wasm_bindgen_test]
fn the_row_limit_and_editor_height_are_kept_and_checked() {
    support::english();
    let mut ws = Workspace::default();
    assert_eq!(ws.row_limit, DEFAULT_ROW_LIMIT);
    ws.row_limit = 100;
    ws.editor_height = 420;
    ws.save();
    let back = Workspace::load();
    assert_eq!((back.row_limit, back.editor_height), (100, 420));
    // A limit the view does not offer (edited by hand, an older version) falls back to the default.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item("lakedeck.sql.v1", r#"{"row_limit": 7}"#).unwrap();
    assert_eq!(Workspace::load().row_limit, DEFAULT_ROW_LIMIT);
    storage.remove_item("lakedeck.sql.v1").unwrap();
}

#[wasm_bindgen_test]
fn errors_underline_the_token_they_point_at() {
    let t = "SELECT n_name\nFROM nation\nWHERE n_name = = 1";
    let at = t.rfind("= 1").unwrap();
    assert_eq!(&t[error_span(t, at)], "=");
    let at = t.find("nation").unwrap() + 2;
    assert_eq!(&t[error_span(t, at)], "nation");
    assert_eq!(error_span(t, t.len()), t.len()..t.len(), "past the end: nothing to underline");
}

#[wasm_bindgen_test]
fn the_catalog_feeds_completion_in_utf16_offsets() {
    let mut c: Catalog = BTreeMap::new();
    let tables = c.entry("public".into()).or_default();
    tables.insert("nation".into(), vec![("n_name".into(), "Utf8".into()), ("n_nationkey".into(), "Int64".into())]);
    c.entry("other".into()).or_default().insert("nation".into(), vec![("x".into(), "Int64".into())]);
    let cat = completion_catalog(&c);
    assert_eq!(cat.tables.len(), 1, "a table in two databases is offered once");
    // "é" is one UTF-16 unit and two bytes: offsets on the JS side are UTF-16.
    let text = "SELECT 'é', n.n_n FROM nation n";
    let at = text.encode_utf16().count() - " FROM nation n".len();
    let json: serde_json::Value = serde_json::from_str(&completion_json(text, at as u32, false, &cat)).unwrap();
    assert_eq!(json["from"], at as u64 - 3);
    assert_eq!(json["to"], at as u64);
    let labels: Vec<&str> = json["options"].as_array().unwrap().iter().map(|o| o["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["n_name", "n_nationkey"]);
    assert_eq!(json["options"][0]["type"], "property");
    assert_eq!(json["options"][0]["detail"], "Utf8");
    assert_eq!(cat.tables[0].columns.len(), 3, "the columns of both");
    // A complete word answers nothing, so nothing opens.
    assert_eq!(completion_json("SELECT 1 DESC", 13, false, &cat), "");
}

/// A stand-in for the CodeMirror module with the same API, over a textarea.
const FAKE_EDITOR: &str = r#"
export function createSqlEditor(parent, o) {
  const ta = document.createElement("textarea");
  ta.className = "fake-editor";
  ta.value = o.text || "";
  ta.setAttribute("aria-label", o.label);
  parent.appendChild(ta);
  ta.addEventListener("input", () => o.onChange(ta.value));
  const loaded = [];
  const api = {
    loaded,
    text: () => ta.value,
    load(key, text) { loaded.push(key); ta.value = text; },
    forget() {},
    replaceAll(text) { ta.value = text; o.onChange(text); },
    insert(text) { const at = ta.selectionStart; ta.value = ta.value.slice(0, at) + text + ta.value.slice(at); o.onChange(ta.value); },
    cursor: () => ta.selectionStart,
    select(from, to) { ta.setSelectionRange(from, to); },
    setError(from, to, message) { ta.dataset.error = `${from}-${to}:${message}`; },
    clearError() { delete ta.dataset.error; },
    setPhrases(map, label) { ta.setAttribute("aria-label", label); },
    focus() { ta.focus(); },
    destroy() { ta.remove(); },
    complete: (at, explicit) => o.complete(ta.value, at, explicit),
    run: (script) => o.onRun(script),
    format: () => o.onFormat(),
  };
  parent.lakedeckSqlEditor = api;
  return api;
}
"#;

fn fake_module_url() -> String {
    format!("data:text/javascript,{}", String::from(js_sys::encode_uri_component(FAKE_EDITOR)))
}

async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        gloo_timers_sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn call(obj: &wasm_bindgen::JsValue, method: &str, args: &[wasm_bindgen::JsValue]) -> wasm_bindgen::JsValue {
    let f: js_sys::Function = js_sys::Reflect::get(obj, &method.into()).unwrap().unchecked_into();
    f.apply(obj, &args.iter().cloned().collect::<js_sys::Array>()).unwrap()
}

#[wasm_bindgen_test]
async fn the_editor_loads_follows_tabs_and_calls_back() {
    support::english();
    use_module_url(Some(fake_module_url()));
    let el = host();
    let tab = RwSignal::new(1u64);
    let text = RwSignal::new("SELECT n.n FROM nation n".to_string());
    let runs = RwSignal::new(Vec::<bool>::new());
    let formats = RwSignal::new(0);
    let catalog = RwSignal::new(CompletionCatalog {
        tables: vec![lakedeck_api::sqledit::CatalogTable { name: "nation".into(), columns: vec![("n_name".into(), "Utf8".into())] }],
    });
    let handle = EditorHandle::new();
    let _h = mount_to(el.clone(), move || view! {
        <CodeEditor tab=tab text=text on_input=Callback::new(move |t| text.set(t)) catalog=catalog
            on_run=Callback::new(move |script| runs.update(|r| r.push(script)))
            on_format=Callback::new(move |_| formats.update(|n| *n += 1)) handle=handle/>
    });
    // The module loads, then the editor replaces the loading note.
    until("the editor", || el.query_selector(".fake-editor").unwrap().is_some()).await;
    until("the loading note to go", || el.query_selector(".code-editor-status").unwrap().is_none()).await;
    let api = js_sys::Reflect::get(&el.query_selector("#sql-editor").unwrap().unwrap(), &"lakedeckSqlEditor".into()).unwrap();
    let ta: web_sys::HtmlTextAreaElement = el.query_selector(".fake-editor").unwrap().unwrap().unchecked_into();
    assert_eq!(ta.value(), "SELECT n.n FROM nation n");
    assert_eq!(ta.get_attribute("aria-label").as_deref(), Some("SQL text"));
    // Typing reaches the page; completion asks the shared rules with the editor's text.
    ta.set_value("SELECT n.n_ FROM nation n");
    ta.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    assert_eq!(text.get_untracked(), "SELECT n.n_ FROM nation n");
    let answer = call(&api, "complete", &[11.into(), false.into()]).as_string().unwrap();
    assert!(answer.contains("\"n_name\""), "{answer}");
    call(&api, "run", &[false.into()]);
    call(&api, "run", &[true.into()]);
    call(&api, "format", &[]);
    assert_eq!(runs.get_untracked(), vec![false, true]);
    assert_eq!(formats.get_untracked(), 1);
    // The page's handle reaches the editor; another tab loads that tab's text.
    handle.with(|e| e.replace_all("SELECT 2")).unwrap();
    assert_eq!(text.get_untracked(), "SELECT 2");
    handle.with(|e| e.set_error("SELECT 2", 7, 8, "bad")).unwrap();
    assert_eq!(ta.dataset().get("error").as_deref(), Some("7-8:bad"));
    text.set("SELECT 'other tab'".into());
    tab.set(2);
    tick().await;
    tick().await;
    assert_eq!(ta.value(), "SELECT 'other tab'");
    let loaded: Vec<String> = js_sys::Array::from(&js_sys::Reflect::get(&api, &"loaded".into()).unwrap()).iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(loaded.last().map(String::as_str), Some("2"));
    use_module_url(None);
}

#[wasm_bindgen_test]
async fn an_editor_that_cannot_load_says_so_and_retries() {
    support::english();
    use_module_url(Some("data:text/javascript,throw%20new%20Error('offline')".into()));
    let el = host();
    let handle = EditorHandle::new();
    let _h = mount_to(el.clone(), move || view! {
        <CodeEditor tab=Signal::derive(|| 1u64) text=Signal::derive(String::new) on_input=Callback::new(|_| ()) catalog=Signal::derive(CompletionCatalog::default)
            on_run=Callback::new(|_| ()) on_format=Callback::new(|_| ()) handle=handle/>
    });
    until("the failure", || el.query_selector("#sql-editor-failed").unwrap().is_some()).await;
    assert!(el.query_selector("#sql-editor-failed").unwrap().unwrap().text_content().unwrap().contains("draft is kept"));
    use_module_url(Some(fake_module_url()));
    el.query_selector("#sql-editor-failed .error-retry").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    until("the editor after a retry", || el.query_selector(".fake-editor").unwrap().is_some()).await;
    assert!(el.query_selector("#sql-editor-failed").unwrap().is_none());
    use_module_url(None);
}

fn rows(n: usize) -> Arc<ResultSet> {
    let mut set = ResultSet::new(vec!["c_custkey".into(), "c_name".into()]);
    for i in 0..n {
        set.push_row(&[i.to_string(), format!("Customer#{i}")]);
    }
    Arc::new(set)
}

fn statement(text: &str, step: Step) -> StatementRun {
    StatementRun { text: text.into(), step, limit: 1000, ..Default::default() }
}

fn mount_results(el: &web_sys::HtmlElement, statements: RwSignal<Vec<StatementRun>>, run_id: RwSignal<u64>, shown: RwSignal<usize>) -> impl Drop {
    mount_to(el.clone(), move || view! {
        <Results statements run_id shown now=Signal::derive(|| 0.0)
            error_at=Callback::new(|_| Some(ErrorAt { line: 1, col: 8, tab_line: 1, tab_col: 8, byte: 7 }))
            on_show_error=Callback::new(|_| ()) on_retry_rows=Callback::new(|_| ())/>
    })
}

fn visible_text(el: &web_sys::Element) -> String {
    // Text of the panels that are not hidden.
    let panels = el.query_selector_all(".sql-result:not([hidden])").unwrap();
    (0..panels.length()).map(|i| panels.item(i).unwrap().text_content().unwrap_or_default()).collect()
}

#[wasm_bindgen_test]
async fn a_cut_result_says_its_true_total() {
    support::english();
    support::with_grid_css();
    let el = host();
    let mut s = statement("SELECT * FROM customer", Step::Finished);
    s.rows = Some(rows(1000));
    s.total = Some(RowTotal::Exact(1500));
    let statements = RwSignal::new(vec![s]);
    let _h = mount_results(&el, statements, RwSignal::new(1), RwSignal::new(0));
    tick().await;
    let note = el.query_selector(".grid-truncated").unwrap().expect("a cut is announced").text_content().unwrap();
    assert!(note.contains("1,000") && note.contains("1,500"), "{note}");
    assert_eq!(el.query_selector("#sql-statements tbody td:nth-child(5)").unwrap().unwrap().text_content().unwrap(), "1,500");
    // Without the count from the service, it says there are more.
    let mut s = statement("SELECT * FROM customer", Step::Finished);
    s.rows = Some(rows(1000));
    s.total = Some(RowTotal::AtLeast(1000));
    statements.set(vec![s]);
    tick().await;
    let note = el.query_selector(".grid-truncated").unwrap().unwrap().text_content().unwrap();
    assert!(note.contains("has more"), "{note}");
    // A whole result has no note.
    let mut s = statement("SELECT * FROM nation", Step::Finished);
    s.rows = Some(rows(25));
    s.total = Some(RowTotal::Exact(25));
    statements.set(vec![s]);
    tick().await;
    assert!(el.query_selector(".grid-truncated").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_lost_connection_is_status_unknown_never_not_run() {
    support::english();
    let el = host();
    let mut s = statement("INSERT INTO t SELECT * FROM u", Step::Lost);
    s.sql_id = "sql-7".into();
    s.lost_tries = 3;
    let statements = RwSignal::new(vec![s]);
    let _h = mount_results(&el, statements, RwSignal::new(1), RwSignal::new(0));
    tick().await;
    let shown = visible_text(&el);
    assert!(shown.contains("Connection lost — status unknown") && shown.contains("sql-7") && shown.contains("try 3"), "{shown}");
    assert!(!shown.to_lowercase().contains("not run") && !shown.contains("did not run"), "{shown}");
    assert!(el.query_selector("#sql-statements tr[data-status='LOST']").unwrap().is_some());
    // No answer at all to ExecuteSql: unknown, with the reason and a warning to check first.
    let mut s = statement("INSERT INTO t SELECT * FROM u", Step::Unknown);
    s.error = Some(RunFailure::NoAnswer(lakedeck::api::ApiError::network("Failed to fetch")));
    statements.set(vec![s]);
    tick().await;
    let shown = visible_text(&el);
    assert!(shown.contains("Status unknown") && shown.contains("may or may not have run"), "{shown}");
    // A refusal is the one case that did not run.
    let mut s = statement("SELECT 1; SELECT 2", Step::Failed);
    s.error = Some(RunFailure::Refused(lakedeck::api::ApiError::from_response(400, r#"{"error_code":"MRS.0011","error_msg":"one statement"}"#, None)));
    statements.set(vec![s]);
    tick().await;
    assert!(visible_text(&el).contains("It did not run."));
}

#[wasm_bindgen_test]
async fn each_statement_has_its_tab_and_a_new_run_leaves_no_old_rows() {
    support::english();
    support::with_grid_css();
    let el = host();
    let mut first = statement("SELECT * FROM nation", Step::Finished);
    first.rows = Some(rows(25));
    first.total = Some(RowTotal::Exact(25));
    let mut second = statement("SELECT n_name FROM nation WHERE", Step::Failed);
    second.message = "SQL error: ParserError(\"Expected: an expression, found: EOF at Line: 1, Column: 8\")".into();
    let third = statement("SELECT 3", Step::Skipped);
    let statements = RwSignal::new(vec![first, second, third]);
    let run_id = RwSignal::new(1);
    let shown = RwSignal::new(1usize);
    let _h = mount_results(&el, statements, run_id, shown);
    tick().await;
    // Three tabs; the failed one shows its error and where it points, and only its panel is shown.
    assert_eq!(el.query_selector_all("[role=tab]").unwrap().length(), 3);
    assert!(el.query_selector("[role=tablist]").unwrap().unwrap().get_attribute("hidden").is_none());
    let shown_text = visible_text(&el);
    assert!(shown_text.contains("The statement failed") && shown_text.contains("Line 1, column 8"), "{shown_text}");
    assert!(!shown_text.contains("Customer#"), "the rows of another statement are not on this tab");
    // Clicking the first statement in the status table shows its rows.
    el.query_selector("#sql-statements tr[data-index='0'] .sql-show").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    tick().await;
    assert_eq!(shown.get_untracked(), 0);
    assert!(visible_text(&el).contains("Customer#0"));
    assert_eq!(el.query_selector("#sql-result-tab-0").unwrap().unwrap().get_attribute("aria-selected").as_deref(), Some("true"));
    // Arrow keys move between tabs.
    let key = web_sys::KeyboardEventInit::new();
    key.set_key("ArrowRight");
    key.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &key).unwrap();
    el.query_selector("#sql-result-tab-0").unwrap().unwrap().dispatch_event(&ev).unwrap();
    tick().await;
    assert_eq!(shown.get_untracked(), 1);
    // A new run replaces everything: the old rows, their Copy and Export are gone.
    statements.set(vec![statement("SELECT broken", Step::Running)]);
    run_id.set(2);
    shown.set(0);
    tick().await;
    assert!(el.query_selector(".grid-copy").unwrap().is_none() && el.query_selector(".grid-export").unwrap().is_none());
    assert!(!el.text_content().unwrap().contains("Customer#"));
    assert!(el.query_selector("[role=tablist]").unwrap().unwrap().get_attribute("hidden").is_some(), "one statement: no tabs");
}
