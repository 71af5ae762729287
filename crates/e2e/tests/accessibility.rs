//! The axe-core stage: every view and the states a user reaches in it (lists, details, forms with
//! their errors, dialogs, the SQL editor with results and with an error, the shortcut sheet), in the
//! dark and the light theme, with no critical or serious violation; and every view usable at 390 px
//! (no sideways page scroll, the header tools on screen) with the SQL editor first at 800 px. The
//! Tags, Scaling, EMR and Cache views are in both checks too.

use fantoccini::key::Key;
use lakedeck_e2e::Harness;

/// The id of the seeded running cluster `analytics-prod`.
fn analytics(h: &Harness) -> String {
    h.db()
        .query_row(
            "SELECT cluster_id FROM clusters WHERE json_extract(data, '$.clusterName') = 'analytics-prod'",
            [],
            |r| r.get(0),
        )
        .expect("seeded cluster analytics-prod")
}

/// Checks the page as it is now and adds what axe finds to `report`.
async fn check(h: &Harness, report: &mut String, state: &str) {
    report.push_str(&h.accessibility_report(state).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_has_no_critical_or_serious_violation_in_either_theme() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    let mut report = String::new();

    // Clusters: list, the create wizard with its error summary, a detail with the scale dialog,
    // the shortcut sheet.
    h.goto("/clusters").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;
    check(&h, &mut report, "clusters list").await;
    h.goto("/clusters/create").await;
    h.find("#cluster_name").await;
    check(&h, &mut report, "create wizard").await;
    h.click("#wizard-next").await;
    h.find("#wizard-summary").await;
    check(&h, &mut report, "create wizard with errors").await;

    h.goto(&format!("/clusters/{cluster}")).await;
    h.wait_text("#cluster-title", "the cluster's name", |t| t == "analytics-prod").await;
    h.find("#nodes-title").await;
    check(&h, &mut report, "cluster detail").await;
    h.find("body").await.send_keys("?").await.unwrap();
    h.find("#shortcut-sheet").await;
    check(&h, &mut report, "shortcut sheet").await;
    h.find("body").await.send_keys(&char::from(Key::Escape).to_string()).await.unwrap();
    h.wait_gone("#shortcut-sheet[open]").await;

    // Jobs: the submit form with its errors, the job it sends (its detail page, running and done),
    // the cluster's jobs and the list across clusters.
    h.goto(&format!("/jobs/submit?cluster={cluster}")).await;
    h.find(&format!("#job-cluster option[value='{cluster}']")).await;
    h.find("#job-cluster").await.select_by_value(&cluster).await.unwrap();
    h.find("#job_type").await.select_by_value("SparkSql").await.unwrap();
    check(&h, &mut report, "submit job").await;
    h.click("#job-submit").await;
    h.find("#submit-summary").await;
    check(&h, &mut report, "submit job with errors").await;
    h.type_into("#job_name", "axe_job").await;
    h.type_into("#job-sql", "SELECT count(*) AS n FROM lineitem").await;
    h.click("#job-submit").await;
    h.find("#job-detail").await;
    h.find("#job-detail .job-status .state-chip[data-state='FINISHED']").await;
    check(&h, &mut report, "job detail").await;
    h.goto(&format!("/clusters/{cluster}/jobs")).await;
    h.find("tbody .job-name").await;
    check(&h, &mut report, "cluster jobs").await;
    h.goto("/jobs").await;
    h.find("tbody .job-name").await;
    check(&h, &mut report, "jobs list").await;

    // Files: the root of a cluster's file system and a directory that cannot be listed.
    h.goto(&format!("/clusters/{cluster}/files")).await;
    h.find("tbody tr").await;
    check(&h, &mut report, "files").await;
    h.goto(&format!("/clusters/{cluster}/files?path=/no/such/dir")).await;
    h.find(".error-panel").await;
    check(&h, &mut report, "files, missing directory").await;

    // SQL: the editor, a script's results with a tab per statement, an error.
    h.goto("/sql").await;
    h.find("#sql-editor .cm-content").await;
    h.find("#sql-cluster").await.select_by_value(&cluster).await.unwrap();
    h.wait_text("#schema-browser", "the warehouse tables", |t| t.contains("orders")).await;
    check(&h, &mut report, "sql editor").await;
    let editor = "document.getElementById('sql-editor').lakedeckSqlEditor";
    h.eval(&format!("{editor}.replaceAll('SELECT n_name FROM nation;\\nSELECT 1 AS one'); {editor}.focus();")).await;
    h.find("#sql-editor .cm-content").await.send_keys(&format!("{}{}{}{}", char::from(Key::Shift), char::from(Key::Control), char::from(Key::Enter), char::from(Key::Null))).await.unwrap();
    h.wait_text("#sql-statements", "two finished statements", |t| t.matches("Finished").count() == 2).await;
    check(&h, &mut report, "sql results").await;
    h.eval(&format!("{editor}.replaceAll('SELECT no_such_column FROM nation'); {editor}.focus();")).await;
    h.click("#sql-run").await;
    h.find("#sql-error-0").await;
    check(&h, &mut report, "sql error").await;

    h.goto("/settings").await;
    h.find("#settings-title").await;
    check(&h, &mut report, "settings").await;

    // The views added after the MRS ones: tags, scaling, EMR and the cache (whose forms and
    // states crates/e2e/tests/cache.rs checks as it goes).
    for (path, ready, state) in later_views(&cluster) {
        h.goto(&path).await;
        h.find(ready).await;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        check(&h, &mut report, state).await;
    }

    assert!(report.is_empty(), "axe-core: critical or serious violations:\n{report}");
    h.close().await;
}

/// The Tags, Scaling, EMR and Cache views: path, an element that shows the view is there, a name.
fn later_views(cluster: &str) -> Vec<(String, &'static str, &'static str)> {
    vec![
        ("/tags".to_string(), "#tags-view tbody tr", "tags"),
        ("/scaling".to_string(), "#scaling-overview tbody tr", "scaling overview"),
        (format!("/clusters/{cluster}/scaling"), "#cluster-scaling", "a cluster's scaling policy"),
        ("/emr/runs".to_string(), "#runs-view", "EMR job runs"),
        ("/emr/runs/submit".to_string(), "#submit-run-title", "EMR submit form"),
        ("/emr/flows".to_string(), "#flows-view", "EMR flow jobs"),
        ("/cache".to_string(), "#cache-overview tbody tr", "cache overview"),
        ("/cache/jobs".to_string(), "#jobs-pager", "cache jobs"),
        ("/cache/namespace".to_string(), "#cache-namespace", "cache namespace"),
        ("/cache/policies".to_string(), "#cache-policies", "cache policies"),
        ("/cache/maintenance".to_string(), "#cache-maintenance", "cache maintenance"),
    ]
}

/// Where the cluster names in the list wrap: `midWord` lists every name cut inside a word (shown as
/// "etl-nigh|tly"), except the one longer than the 14em cap; `longCapped` says that one is at most 14em wide;
/// `tableFits` that the list's table needs no sideways scroll of its own.
const NAME_BREAKS: &str = r#"
const midWord = []; let longCapped = false;
for (const a of document.querySelectorAll('tbody .cluster-name')) {
  const node = a.firstChild, text = a.textContent;
  const em = parseFloat(getComputedStyle(a).fontSize);
  if (text.length === 64) { longCapped = a.getBoundingClientRect().width <= 14 * em + 1; continue; }
  if (!node || node.nodeType !== Node.TEXT_NODE) continue;
  const r = document.createRange(); let top = null;
  for (let i = 0; i < text.length; i++) {
    r.setStart(node, i); r.setEnd(node, i + 1);
    const t = r.getBoundingClientRect().top;
    if (top !== null && t > top + 2 && !/[-\s]/.test(text[i - 1])) midWord.push(text.slice(0, i) + '|' + text.slice(i));
    top = t;
  }
}
const wrap = document.querySelector('tbody .cluster-name').closest('.table-wrap');
return { midWord, longCapped, tableFits: wrap.scrollWidth <= wrap.clientWidth };
"#;

/// The elements that reach past the window's right edge outside any box that scrolls or clips them
/// (what makes the page scroll sideways), for an assertion's message.
async fn past_the_edge(h: &Harness) -> serde_json::Value {
    h.eval(
        "const w = document.documentElement.clientWidth, out = [];
         for (const e of document.querySelectorAll('body *')) {
           const r = e.getBoundingClientRect();
           if (r.right <= w + 1) continue;
           let clipped = false;
           for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
             if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
           }
           if (!clipped) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + String(e.className).split(' ').join('.') + ' ' + Math.round(r.right));
         }
         return out.slice(0, 12);",
    )
    .await
}

/// How far the page scrolls sideways (0 when it fits the window).
async fn sideways(h: &Harness) -> i64 {
    // clientWidth, not innerWidth: the vertical scrollbar is inside innerWidth but is no page content.
    h.eval("const d = document.documentElement; return d.scrollWidth - d.clientWidth").await.as_i64().unwrap_or(i64::MAX)
}

// Issue 14, "any screen": at 390 px the header used to widen every page to 796 px (406 px of sideways
// scroll); it wraps now and cuts the project id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_fits_a_phone_and_the_editor_comes_first_at_800_px() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    // A cluster named with the most characters allowed (64) is in every list and picker below: it must
    // not widen any page (a select as wide as its longest option made the SQL view 578 px wide).
    let long = format!("streaming-{}", "x".repeat(54));
    h.db()
        .execute(
            "UPDATE clusters SET data = json_set(data, '$.clusterName', ?1) WHERE json_extract(data, '$.clusterName') = 'streaming-dev'",
            [&long],
        )
        .expect("rename a seeded cluster to 64 characters");
    h.client.set_window_size(390, 844).await.unwrap();
    for (path, ready) in [
        ("/clusters".to_string(), "tbody .cluster-name"),
        (format!("/clusters/{cluster}"), "#nodes-title"),
        (format!("/clusters/{cluster}/files"), "tbody tr"),
        ("/jobs".to_string(), "#submit-job"),
        ("/jobs/submit".to_string(), "#job-submit"),
        ("/sql".to_string(), "#sql-editor .cm-content"),
        ("/settings".to_string(), "#settings-title"),
    ]
    .into_iter()
    .chain(later_views(&cluster).into_iter().map(|(path, ready, _)| (path, ready)))
    {
        h.goto(&path).await;
        h.find(ready).await;
        // Let late content (tables, the editor) lay out.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let wide = sideways(&h).await;
        assert_eq!(wide, 0, "{path} scrolls sideways at 390 px: {}", past_the_edge(&h).await);
        let tools_visible = h
            .eval("const r = document.getElementById('theme-select').getBoundingClientRect(); return r.right <= window.innerWidth && r.left >= 0;")
            .await;
        assert_eq!(tools_visible.as_bool(), Some(true), "{path}: the theme control is on screen at 390 px");
    }

    // Names break where words and hyphens do: at 390 px `overflow-wrap: anywhere` cut "etl-nightly" into
    // "etl-nigh" / "tly". Only the 64-character name may break inside itself, within its 14em cap.
    for (width, height) in [(390, 844), (1440, 900)] {
        h.client.set_window_size(width, height).await.unwrap();
        h.goto("/clusters").await;
        h.wait_text("tbody", "the 64-character name", |t| t.contains(&long)).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let names = h.eval(NAME_BREAKS).await;
        assert_eq!(names["midWord"], serde_json::json!([]), "names broken inside a word at {width} px: {names}");
        assert_eq!(names["longCapped"], serde_json::json!(true), "the 64-character name stays within 14em at {width} px: {names}");
        if width == 1440 {
            assert_eq!(names["tableFits"], serde_json::json!(true), "the clusters table fits 1440 px with the 64-character name: {names}");
        }
        assert_eq!(sideways(&h).await, 0, "/clusters with a 64-character name scrolls sideways at {width} px");
    }

    // 800 px: the editor is on the first screen, above the schema panel.
    h.client.set_window_size(800, 900).await.unwrap();
    h.goto("/sql").await;
    h.find("#sql-editor .cm-content").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let placed = h
        .eval(
            "const e = document.getElementById('sql-editor').getBoundingClientRect();
             const s = document.getElementById('sql-side');
             const below = !s || s.hidden || s.getBoundingClientRect().top >= e.top;
             return e.top < window.innerHeight && below;",
        )
        .await;
    assert_eq!(placed.as_bool(), Some(true), "at 800 px the editor is on the first screen and above the schema");
    assert_eq!(sideways(&h).await, 0, "/sql scrolls sideways at 800 px");

    // A script's results at 390 px: its result tabs made the page 694 px wide.
    h.client.set_window_size(390, 844).await.unwrap();
    h.find(&format!("#sql-cluster option[value='{cluster}']")).await;
    h.find("#sql-cluster").await.select_by_value(&cluster).await.unwrap();
    let editor = "document.getElementById('sql-editor').lakedeckSqlEditor";
    h.eval(&format!(
        "{editor}.replaceAll('SELECT n_name, count(*) AS n FROM nation GROUP BY n_name;\\nSELECT 1 AS one;\\nSELECT no_such_column FROM region'); {editor}.focus();"
    ))
    .await;
    let script: String = [Key::Shift, Key::Control, Key::Enter, Key::Null].into_iter().map(char::from).collect();
    h.find("#sql-editor .cm-content").await.send_keys(&script).await.unwrap();
    h.wait_text("#sql-statements", "two finished statements and a failed one", |t| t.matches("Finished").count() == 2 && t.contains("Failed")).await;
    h.find("#sql-error-2").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let wide = sideways(&h).await;
    assert_eq!(wide, 0, "/sql with a script's three results scrolls sideways at 390 px: {}", past_the_edge(&h).await);
    h.close().await;
}
