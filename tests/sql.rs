//! SQL editor pieces in headless Chromium: the workspace's tabs and history, highlighting runs,
//! error positions mapped into the editor, catalog names for completion, and the editor widget.

use std::collections::BTreeMap;

use lakedeck::pages::sql::editor::{highlight_runs, CodeEditor};
use lakedeck::pages::sql::page::error_offset;
use lakedeck::pages::sql::schema::{catalog_names, Catalog};
use lakedeck::state::sql::{EditorTab, HistoryEntry, Workspace, MAX_CLOSED, MAX_HISTORY};
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
fn highlighting_covers_the_text_and_merges_runs() {
    support::english();
    let text = "SELECT 'a;b', 42 -- done\nFROM t";
    let runs = highlight_runs(text);
    assert_eq!(runs.iter().map(|(_, s)| s.as_str()).collect::<String>(), text, "every byte is shown once");
    let class_of = |needle: &str| runs.iter().find(|(_, s)| s.contains(needle)).map(|(c, _)| *c).unwrap();
    assert_eq!(class_of("SELECT"), "tok-kw");
    assert_eq!(class_of("'a;b'"), "tok-str");
    assert_eq!(class_of("42"), "tok-num");
    assert_eq!(class_of("-- done"), "tok-com");
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
fn completion_names_list_tables_then_columns_once() {
    support::english();
    let mut c: Catalog = BTreeMap::new();
    let tables = c.entry("public".into()).or_default();
    tables.insert("nation".into(), vec![("n_name".into(), "Utf8".into()), ("id".into(), "Int64".into())]);
    tables.insert("region".into(), vec![("r_name".into(), "Utf8".into()), ("id".into(), "Int64".into())]);
    assert_eq!(catalog_names(&c), ["nation", "region", "n_name", "id", "r_name"]);
}

#[wasm_bindgen_test]
async fn the_editor_runs_on_ctrl_enter_and_completes_names() {
    support::english();
    let el = host();
    let text = RwSignal::new(String::new());
    let runs = RwSignal::new(Vec::<bool>::new());
    let area = NodeRef::new();
    let _h = mount_to(el.clone(), move || view! {
        <CodeEditor text=text on_input=Callback::new(move |t| text.set(t))
            names=Signal::derive(|| vec!["lineitem".to_string(), "l_quantity".to_string()])
            on_run=Callback::new(move |script| runs.update(|r| r.push(script))) area=area/>
    });
    tick().await;
    let ta: web_sys::HtmlTextAreaElement = el.query_selector("#sql-text").unwrap().unwrap().unchecked_into();
    ta.set_value("SELECT l_q");
    ta.set_selection_range(10, 10).unwrap();
    ta.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
    assert_eq!(text.get_untracked(), "SELECT l_q");
    let options = el.query_selector_all("#sql-suggest li").unwrap();
    assert_eq!(options.length(), 1);
    assert_eq!(options.item(0).unwrap().text_content().unwrap(), "l_quantity");
    let key = |k: &str, ctrl: bool, shift: bool| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_ctrl_key(ctrl);
        init.set_shift_key(shift);
        init.set_bubbles(true);
        init.set_cancelable(true);
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
    };
    ta.dispatch_event(&key("Tab", false, false)).unwrap();
    tick().await;
    assert_eq!(text.get_untracked(), "SELECT l_quantity", "Tab accepts the completion");
    ta.dispatch_event(&key("Enter", true, false)).unwrap();
    ta.dispatch_event(&key("Enter", true, true)).unwrap();
    tick().await;
    assert_eq!(runs.get_untracked(), vec![false, true]);
    // The highlight layer shows the same text, keyword coloured.
    let kw = el.query_selector(".code-highlight .tok-kw").unwrap().unwrap();
    assert_eq!(kw.text_content().unwrap(), "SELECT");
    assert_eq!(el.query_selector(".code-gutter").unwrap().unwrap().text_content().unwrap(), "1");
}
