//! The SQL editor as a user meets it: run with the keyboard, a three-statement script, an error
//! that points into the editor, cancel of a long query, drafts that survive a reload, and a CSV
//! export equal to the server's archive.

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

/// Opens the editor on `cluster` with `text` in the active tab.
async fn editor(h: &Harness, cluster: &str, text: &str) {
    let select = h.find("#sql-cluster").await;
    h.find(&format!("#sql-cluster option[value='{cluster}']")).await;
    select.select_by_value(cluster).await.expect("choose the cluster");
    set_text(h, text).await;
}

async fn set_text(h: &Harness, text: &str) {
    let area = h.find("#sql-text").await;
    area.clear().await.unwrap();
    area.send_keys(text).await.unwrap();
}

async fn press(h: &Harness, keys: &[Key]) {
    h.find("#sql-text").await.send_keys(&chord(keys)).await.unwrap();
}

/// Opens the editor on analytics-prod, runs a query of the 25 nations with Ctrl+Enter and waits
/// for its rows.
async fn run_nations(h: &Harness, query: &str) {
    let cluster = analytics(h);
    h.goto("/sql").await;
    editor(h, &cluster, query).await;
    press(h, &[Key::Control, Key::Enter]).await;
    h.find("#sql-statements tr[data-status='FINISHED']").await;
    h.wait_text("#sql-grid-count", "25 rows", |t| t.contains("25")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_and_scripts_run_from_the_keyboard() {
    let h = Harness::start(300).await;
    run_nations(&h, "SELECT n_nationkey, n_name FROM nation ORDER BY n_nationkey").await;
    h.wait_text("#sql-grid", "the first nation", |t| t.contains("ALGERIA")).await;

    // The cursor picks the statement: two statements, cursor in the first.
    set_text(&h, "SELECT 'first' AS which;\nSELECT 'second' AS which").await;
    h.eval("const a = document.getElementById('sql-text'); a.focus(); a.setSelectionRange(3, 3);").await;
    press(&h, &[Key::Control, Key::Enter]).await;
    h.wait_text("#sql-grid", "the first statement's row", |t| t.contains("first") && !t.contains("second")).await;

    // A three-statement script runs one by one with a status each.
    set_text(
        &h,
        "CREATE TABLE e2e_keys AS SELECT n_nationkey AS k FROM nation;\n\
         INSERT INTO e2e_keys SELECT n_nationkey + 100 FROM nation;\n\
         SELECT count(*) AS c FROM e2e_keys",
    )
    .await;
    press(&h, &[Key::Shift, Key::Control, Key::Enter]).await;
    h.wait_text("#sql-statements", "three finished statements", |t| t.matches("Finished").count() == 3).await;
    h.wait_text("#sql-grid", "the count after the insert", |t| t.contains("50")).await;

    // An engine error points at its line and column, and the editor can show it.
    set_text(&h, "SELECT n_name\nFROM nation\nWHERE n_name = = 1").await;
    press(&h, &[Key::Control, Key::Enter]).await;
    h.wait_text("#sql-error .error-position", "the error's position", |t| t.contains("Line 3, column 16")).await;
    h.click("#sql-show-error").await;
    let caret = h.eval("return document.getElementById('sql-text').selectionStart").await;
    assert_eq!(caret.as_u64(), Some("SELECT n_name\nFROM nation\nWHERE n_name = ".len() as u64));

    // Format rewrites the text; Explain shows the plan of the statement at the cursor.
    set_text(&h, "select n_name from nation where n_regionkey = 1").await;
    h.click("#sql-format").await;
    let formatted = h.find("#sql-text").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(formatted.starts_with("SELECT") && formatted.contains("\nFROM") && formatted.contains("\nWHERE"), "{formatted}");
    h.click("#sql-explain").await;
    h.wait_text("#sql-plan", "the plan", |t| t.contains("Projection") && t.contains("nation")).await;
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
    let draft = h.find("#sql-text").await.prop("value").await.unwrap();
    assert_eq!(draft.as_deref(), Some("SELECT 42 AS answer"));
    h.click(".sql-tab.active .sql-tab-close").await;
    h.wait_gone(".sql-tab[data-tab-id='2']").await;
    h.click("#sql-reopen-tab").await;
    h.find(".sql-tab.active[data-tab-id='2']").await;
    assert_eq!(h.find("#sql-text").await.prop("value").await.unwrap().as_deref(), Some("SELECT 42 AS answer"));
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exported_csv_equals_the_servers_archive() {
    let h = Harness::start(300).await;
    // Comments hold commas, so the CSV needs quoting.
    run_nations(&h, "SELECT * FROM nation").await;
    let sql_id = h.text("#sql-statements .sql-id").await.trim().to_string();
    // Capture what the download would save.
    h.eval(
        "window.__csv = null; const orig = URL.createObjectURL;
         URL.createObjectURL = b => { b.text().then(t => window.__csv = t); return orig.call(URL, b); };",
    )
    .await;
    h.click("#sql-grid-export").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let csv = loop {
        if let Some(s) = h.eval("return window.__csv").await.as_str() {
            break s.to_string();
        }
        assert!(std::time::Instant::now() < deadline, "no CSV was exported");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let archive = std::fs::read_to_string(h.data_dir.join(format!("obs/lakedeck-sql-results/{PROJECT}/{sql_id}.csv"))).expect("archive file");
    assert_eq!(csv, archive);
    h.close().await;
}
