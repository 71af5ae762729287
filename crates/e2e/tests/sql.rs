//! The SQL editor as a user meets it, in the real CodeMirror editor: typing with completion (a
//! complete word never swallows Enter), Format then undo, run with the keyboard (a quick statement
//! shows its result with no "running" state first), a three-statement
//! script with a result tab per statement, an error that points into the editor, a cut result with
//! the true total and the row limit kept, an error after rows leaving no old rows, cancel of a long
//! query, drafts that survive a reload, a CSV export equal to the server's archive, and the server
//! stopped while a statement runs and started again.

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use lakedeck_e2e::{Harness, PROJECT};

/// WebDriver key chords: modifiers stay down until the NULL key.
fn chord(keys: &[Key]) -> String {
    let mut s: String = keys.iter().map(|k| char::from(*k)).collect();
    s.push(char::from(Key::Null));
    s
}

fn analytics(h: &Harness) -> String {
    h.db()
        .query_row("SELECT cluster_id FROM clusters WHERE json_extract(data, '$.clusterName') = 'analytics-prod'", [], |r| r.get(0))
        .expect("seeded cluster analytics-prod")
}

const EDITOR: &str = "document.getElementById('sql-editor').lakedeckSqlEditor";

/// Opens the editor on `cluster` with `text` in the active tab.
async fn editor(h: &Harness, cluster: &str, text: &str) {
    let select = h.find("#sql-cluster").await;
    h.find(&format!("#sql-cluster option[value='{cluster}']")).await;
    select.select_by_value(cluster).await.expect("choose the cluster");
    set_text(h, text).await;
}

/// Replaces the editor's text (one change, as a paste would).
async fn set_text(h: &Harness, text: &str) {
    h.find("#sql-editor .cm-content").await;
    h.eval(&format!("{EDITOR}.replaceAll({}); {EDITOR}.focus();", serde_json::to_string(text).unwrap())).await;
}

async fn text(h: &Harness) -> String {
    h.eval(&format!("return {EDITOR}.text()")).await.as_str().unwrap_or_default().to_string()
}

/// Puts the cursor at UTF-16 offset `at`.
async fn cursor_to(h: &Harness, at: usize) {
    h.eval(&format!("{EDITOR}.select({at}, {at});")).await;
}

/// Types into the editor as a user would (each key through the browser).
async fn type_keys(h: &Harness, keys: &str) {
    h.find("#sql-editor .cm-content").await.send_keys(keys).await.unwrap();
}

async fn press(h: &Harness, keys: &[Key]) {
    type_keys(h, &chord(keys)).await;
}

/// Modifiers held while `key` is typed (Ctrl+Z…).
async fn press_with(h: &Harness, modifiers: &[Key], key: char) {
    let mut s: String = modifiers.iter().map(|k| char::from(*k)).collect();
    s.push(key);
    s.push(char::from(Key::Null));
    type_keys(h, &s).await;
}

/// Opens the editor on analytics-prod, runs a query of the 25 nations with Ctrl+Enter and waits
/// for its rows.
async fn run_nations(h: &Harness, query: &str) {
    let cluster = analytics(h);
    h.goto("/sql").await;
    editor(h, &cluster, query).await;
    press(h, &[Key::Control, Key::Enter]).await;
    h.find("#sql-statements tr[data-status='FINISHED']").await;
    h.wait_text("#sql-grid-0-count", "25 rows", |t| t.contains("25")).await;
}

/// Times each Ctrl+Enter to its new first row (`window.__run.ms`) and notes whether anything
/// showed the run as running in between (`window.__run.running`).
const WATCH_QUICK_RUN: &str = r##"
const SEL = "#sql-grid-0 .grid-row[aria-rowindex='2'] .grid-cell";
const RUNNING = ".sql-running, .sql-toolbar .spinner, #sql-statements tr:is([data-status='WAITING'], [data-status='QUEUED'], [data-status='RUNNING'])";
let start = null, before = null, seen = false;
window.__run = null;
document.addEventListener('keydown', e => {
  if (e.key === 'Enter' && e.ctrlKey) { start = performance.now(); before = document.querySelector(SEL); seen = false; window.__run = null; }
}, true);
new MutationObserver(() => {
  if (start === null) return;
  if (document.querySelector(RUNNING)) seen = true;
  const cell = document.querySelector(SEL);
  if (cell && cell !== before) { window.__run = { ms: performance.now() - start, running: seen }; start = null; }
}).observe(document.body, { childList: true, subtree: true, attributes: true });
"##;

async fn completion_open(h: &Harness) -> bool {
    h.eval("return !!document.querySelector('.cm-tooltip-autocomplete')").await.as_bool() == Some(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_completes_names_and_never_swallows_enter() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    h.goto("/sql").await;
    editor(&h, &cluster, "").await;
    // Wait for the catalog, which completion offers.
    h.wait_text("#schema-browser", "the warehouse tables", |t| t.contains("orders")).await;

    // The defect: `DESC` then Enter became `DESCRIBE`. A complete word opens nothing; Enter is a new line.
    type_keys(&h, "SELECT o_orderkey FROM orders ORDER BY o_totalprice DESC").await;
    assert!(!completion_open(&h).await, "nothing opens on the complete keyword DESC");
    type_keys(&h, &format!("{}LIMIT 5", char::from(Key::Enter))).await;
    let t = text(&h).await;
    assert!(t.contains("DESC\n") && t.trim_end().ends_with("LIMIT 5") && !t.contains("DESCRIBE"), "{t:?}");

    // Even with a list open, Enter starts a new line until the user moves into the list.
    set_text(&h, "").await;
    type_keys(&h, "SELECT * FROM orders WHERE o_orderkey IN (1) OR").await;
    assert!(!completion_open(&h).await, "OR is complete: orders is not offered");
    set_text(&h, "").await;
    type_keys(&h, "SELECT * FROM ord").await;
    h.find(".cm-tooltip-autocomplete").await;
    type_keys(&h, &char::from(Key::Enter).to_string()).await;
    assert_eq!(text(&h).await.lines().next(), Some("SELECT * FROM ord"), "Enter did not take a completion");

    // Tab takes the first completion; ↓ then Enter takes the one chosen.
    set_text(&h, "").await;
    type_keys(&h, "SELECT * FROM nat").await;
    h.find(".cm-tooltip-autocomplete").await;
    type_keys(&h, &char::from(Key::Tab).to_string()).await;
    assert_eq!(text(&h).await, "SELECT * FROM nation");
    type_keys(&h, " n WHERE n.n_").await;
    h.wait_text(".cm-tooltip-autocomplete", "the alias's columns", |t| t.contains("n_name") && t.contains("n_regionkey")).await;
    type_keys(&h, &format!("{}{}", char::from(Key::Down), char::from(Key::Enter))).await;
    let t = text(&h).await;
    assert!(t.starts_with("SELECT * FROM nation n WHERE n.n_") && !t.ends_with("n.n_"), "a column was taken: {t:?}");

    // The list stays on screen at the end of a long line.
    set_text(&h, &format!("SELECT {} AS x, * FROM nat", "1 + ".repeat(120))).await;
    cursor_to(&h, text(&h).await.len()).await;
    type_keys(&h, "i").await;
    h.find(".cm-tooltip-autocomplete").await;
    let inside = h
        .eval("const r = document.querySelector('.cm-tooltip-autocomplete').getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight;")
        .await;
    assert_eq!(inside.as_bool(), Some(true), "the completion list is within the window");
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_and_scripts_run_from_the_keyboard() {
    let h = Harness::start(300).await;
    run_nations(&h, "SELECT n_nationkey, n_name FROM nation ORDER BY n_nationkey").await;
    h.wait_text("#sql-grid-0", "the first nation", |t| t.contains("ALGERIA")).await;
    // Numbers are right-aligned.
    h.find("#sql-grid-0 .grid-cell.num").await;

    // A quick statement replaces the last result in one step: the page shows a run as running only
    // once it has taken 100 ms (before, a "running" frame came first and the answer waited behind it).
    set_text(&h, "SELECT 1 AS one").await;
    h.eval(WATCH_QUICK_RUN).await;
    let mut quick = 0;
    for attempt in 0..8 {
        press(&h, &[Key::Control, Key::Enter]).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        let run = loop {
            let run = h.eval("return window.__run").await;
            if !run.is_null() {
                break run;
            }
            assert!(Instant::now() < deadline, "run {attempt}: no new row");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let (ms, shown_running) = (run["ms"].as_f64().unwrap(), run["running"].as_bool().unwrap());
        // setTimeout never fires early: a run shown as running took at least the delay.
        assert!(!shown_running || ms >= 95.0, "run {attempt} ended after {ms:.0} ms and was shown as running first");
        if ms < 95.0 {
            quick += 1;
            if quick == 3 {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(quick > 0, "no SELECT 1 ended within 95 ms: the check above did not happen");

    // The cursor picks the statement: two statements, cursor in the first.
    set_text(&h, "SELECT 'first' AS which;\nSELECT 'second' AS which").await;
    cursor_to(&h, 3).await;
    press(&h, &[Key::Control, Key::Enter]).await;
    h.wait_text("#sql-grid-0", "the first statement's row", |t| t.contains("first") && !t.contains("second")).await;

    // A three-statement script runs one by one, each with its status and its own result tab.
    set_text(
        &h,
        "CREATE TABLE e2e_keys AS SELECT n_nationkey AS k FROM nation;\n\
         INSERT INTO e2e_keys SELECT n_nationkey + 100 FROM nation;\n\
         SELECT count(*) AS c FROM e2e_keys",
    )
    .await;
    press(&h, &[Key::Shift, Key::Control, Key::Enter]).await;
    h.wait_text("#sql-statements", "three finished statements", |t| t.matches("Finished").count() == 3).await;
    h.wait_text("#sql-grid-2", "the count after the insert", |t| t.contains("50")).await;
    assert_eq!(h.client.find_all(fantoccini::Locator::Css("#sql-results [role=tab]")).await.unwrap().len(), 3);
    // Clicking a statement in the status table shows its result.
    h.click("#sql-statements tr[data-index='0'] .sql-show").await;
    h.find("#sql-result-0:not([hidden])").await;
    h.find("#sql-result-2[hidden]").await;
    h.find("#sql-result-tab-0[aria-selected='true']").await;
    // The new table reached the schema browser (read again after CREATE).
    h.wait_text("#schema-browser", "the new table", |t| t.contains("e2e_keys")).await;

    // An engine error points at its line and column, underlined in the editor, and the editor can show it.
    set_text(&h, "SELECT n_name\nFROM nation\nWHERE n_name = = 1").await;
    press(&h, &[Key::Control, Key::Enter]).await;
    h.wait_text("#sql-error-0 .error-position", "the error's position", |t| t.contains("Line 3, column 16")).await;
    h.find("#sql-editor .cm-lintRange-error").await;
    h.click("#sql-show-error-0").await;
    let caret = h.eval(&format!("return {EDITOR}.cursor()")).await;
    assert_eq!(caret.as_u64(), Some("SELECT n_name\nFROM nation\nWHERE n_name = ".len() as u64));

    // Format rewrites the text as one change: Ctrl+Z brings the old text back, and Ctrl+Shift+Z redoes it.
    let original = "select n_name from nation where n_regionkey = 1";
    set_text(&h, original).await;
    h.click("#sql-format").await;
    let formatted = text(&h).await;
    assert!(formatted.starts_with("SELECT") && formatted.contains("\nFROM") && formatted.contains("\nWHERE"), "{formatted}");
    press_with(&h, &[Key::Control], 'z').await;
    assert_eq!(text(&h).await, original, "Ctrl+Z undoes Format");
    press_with(&h, &[Key::Control, Key::Shift], 'z').await;
    assert_eq!(text(&h).await, formatted, "and redo brings it back");
    // Explain shows the plan of the statement at the cursor.
    h.click("#sql-explain").await;
    h.wait_text("#sql-plan-0", "the plan", |t| t.contains("Projection") && t.contains("nation")).await;
    // Nothing to run is said next to the editor, not silently ignored.
    set_text(&h, "-- only a comment").await;
    h.click("#sql-run").await;
    h.wait_text("#sql-notice", "the reason nothing ran", |t| t.contains("no statement")).await;

    // History keeps every run and can be searched.
    h.click("#sql-side-history").await;
    h.wait_text("#sql-history", "the script's statements", |t| t.contains("e2e_keys")).await;
    h.type_into("#sql-history-search", "INSERT INTO").await;
    h.wait_text("#sql-history", "only the insert", |t| t.contains("INSERT INTO") && !t.contains("ALGERIA") && !t.contains("n_nationkey, n_name")).await;
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cut_results_say_the_true_total_and_errors_leave_no_old_rows() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    h.goto("/sql").await;
    // 1,500 customers at a limit of 1,000: the notice gives the true total (the defect said "1,000 rows").
    h.find("#sql-row-limit").await.select_by_value("1000").await.unwrap();
    editor(&h, &cluster, "SELECT * FROM customer").await;
    press(&h, &[Key::Control, Key::Enter]).await;
    h.wait_text("#sql-results .grid-truncated", "the cut with the total", |t| t.contains("1,000") && t.contains("1,500")).await;
    h.wait_text("#sql-statements", "the total in the status table", |t| t.contains("1,500")).await;
    // At 100 it said "of 1000": the table has 1,500.
    h.find("#sql-row-limit").await.select_by_value("100").await.unwrap();
    press(&h, &[Key::Control, Key::Enter]).await;
    h.wait_text("#sql-results .grid-truncated", "100 of 1,500", |t| t.contains("first 100 ") && t.contains("1,500")).await;
    h.wait_text("#sql-grid-0-count", "100 rows held", |t| t.contains("100")).await;
    // The limit is remembered across a reload.
    h.client.refresh().await.unwrap();
    h.find("#sql-editor .cm-content").await;
    let limit = h.find("#sql-row-limit").await.prop("value").await.unwrap();
    assert_eq!(limit.as_deref(), Some("100"));

    // An error after rows: the old rows, their Copy and Export are gone; only the error shows.
    press(&h, &[Key::Control, Key::Enter]).await;
    h.find("#sql-grid-0").await;
    set_text(&h, "SELECT no_such_column FROM customer").await;
    press(&h, &[Key::Control, Key::Enter]).await;
    h.find("#sql-error-0").await;
    h.wait_gone("#sql-grid-0").await;
    h.wait_gone(".grid-copy").await;
    h.wait_gone(".grid-export").await;
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_is_status_unknown_and_polling_resumes() {
    let mut h = Harness::start(300).await;
    let cluster = analytics(&h);
    h.goto("/sql").await;
    editor(&h, &cluster, "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b").await;
    h.click("#sql-run").await;
    h.find("#sql-statements tr[data-status='RUNNING']").await;
    // The server goes away while the statement runs (it had an id).
    h.stop_server();
    h.find("#sql-statements tr[data-status='LOST']").await;
    let lost = h.wait_text("#sql-lost-0", "the lost connection", |t| t.contains("Connection lost — status unknown")).await;
    assert!(!lost.contains("not run") && !lost.contains("did not run"), "{lost}");
    // Cancel stays offered; the console keeps asking, backing off.
    assert_eq!(h.find("#sql-cancel").await.attr("disabled").await.unwrap(), None);
    h.wait_text("#sql-lost-0", "a later try", |t| t.contains("try 2") || t.contains("try 3")).await;
    // The server comes back: the poll finds the statement's real outcome (the sandbox ends what a
    // stop interrupted as failed and says so).
    h.restart_server();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = h.find("#sql-statements tbody tr").await.attr("data-status").await.unwrap().unwrap_or_default();
        if status == "FAILED" || status == "FINISHED" {
            break;
        }
        assert!(Instant::now() < deadline, "the status never came back after the restart (still {status})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(h.client.find(fantoccini::Locator::Css("#sql-lost-0")).await.is_err(), "the lost notice is gone");
    assert_eq!(h.find("#sql-cancel").await.attr("disabled").await.unwrap().as_deref(), Some("true"));
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_query_is_cancelled_and_drafts_survive_a_reload() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    h.goto("/sql").await;
    editor(&h, &cluster, "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b").await;
    h.click("#sql-run").await;
    h.find("#sql-statements tr[data-status='RUNNING']").await;
    let first = h.wait_text("#sql-elapsed", "a running clock", |t| !t.is_empty()).await;
    h.wait_text("#sql-elapsed", "the clock moving", |t| t != first).await;
    h.click("#sql-cancel").await;
    h.wait_text("#sql-cancel-outcome", "the service's confirmation", |t| t.contains("SUCCEED")).await;
    h.find("#sql-statements tr[data-status='CANCELLED']").await;

    // A second tab with a draft; both survive a reload, and a closed tab can be reopened.
    h.click("#sql-new-tab").await;
    set_text(&h, "SELECT 42 AS answer").await;
    h.client.refresh().await.unwrap();
    h.wait_text(".sql-tabs", "both tabs", |t| t.contains("SELECT 42 AS answer") && t.contains("SELECT sum(")).await;
    h.find("#sql-editor .cm-content").await;
    h.wait_text("#sql-editor .cm-content", "the draft", |t| t == "SELECT 42 AS answer").await;
    h.click(".sql-tab.active .sql-tab-close").await;
    h.wait_gone(".sql-tab[data-tab-id='2']").await;
    h.click("#sql-reopen-tab").await;
    h.find(".sql-tab.active[data-tab-id='2']").await;
    h.wait_text("#sql-editor .cm-content", "the reopened draft", |t| t == "SELECT 42 AS answer").await;
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exported_csv_equals_the_servers_archive() {
    let h = Harness::start(300).await;
    // Comments hold commas, so the CSV needs quoting.
    run_nations(&h, "SELECT * FROM nation").await;
    // The status table shows the id cut to 8 characters, whole in its title and its Copy button.
    let sql_id = h.find("#sql-statements .sql-id").await.attr("title").await.unwrap().expect("the whole id in the title");
    assert!(h.text("#sql-statements .sql-id").await.trim().ends_with('…'), "a cut id");
    h.find("#sql-statements .id-cell .copy").await;
    // Capture what the download would save.
    h.eval(
        "window.__csv = null; const orig = URL.createObjectURL;
         URL.createObjectURL = b => { b.text().then(t => window.__csv = t); return orig.call(URL, b); };",
    )
    .await;
    h.click("#sql-grid-0-export").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let csv = loop {
        if let Some(s) = h.eval("return window.__csv").await.as_str() {
            break s.to_string();
        }
        assert!(Instant::now() < deadline, "no CSV was exported");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let archive = std::fs::read_to_string(h.data_dir.join(format!("obs/lakedeck-sql-results/{PROJECT}/{sql_id}.csv"))).expect("archive file");
    assert_eq!(csv, archive);
    h.close().await;
}
