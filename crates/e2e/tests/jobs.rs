//! Jobs and files as a user meets them: submit a SparkSql job from the form and read its results,
//! kill a running job and delete its record, browse a cluster's files and start a DistCp from
//! picked paths.

use std::time::{Duration, Instant};

use lakedeck_e2e::Harness;

/// dbgen's lineitem row count at scale factor 0.01 (the sandbox's warehouse).
const LINEITEM_ROWS: &str = "60175";

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

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Opens the submit form for `cluster` and picks `job_type` the way a user does.
async fn open_form(h: &Harness, cluster: &str, job_type: &str) {
    h.goto("/jobs").await;
    h.click("#submit-job").await;
    let select = h.find("#job-cluster").await;
    h.find(&format!("#job-cluster option[value='{cluster}']")).await;
    select.select_by_value(cluster).await.expect("choose the cluster");
    h.find("#job_type").await.select_by_value(job_type).await.expect("choose the type");
}

/// Waits until the job detail shows `state` (the wire value, in `data-state`).
async fn job_state(h: &Harness, state: &str) {
    h.find(&format!("#job-detail .job-status .state-chip[data-state='{state}']")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sparksql_job_from_the_form_runs_and_shows_its_rows() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    open_form(&h, &cluster, "SparkSql").await;

    // The form checks like the service: no name, and a forbidden character in the SQL.
    h.type_into("#job-sql", "SELECT count(*) AS n FROM lineitem;").await;
    h.click("#job-submit").await;
    h.wait_text(".field-error[data-field='job_name']", "the name error", |t| t.contains("required")).await;
    h.wait_text(".field-error[data-field='job-sql']", "the forbidden character", |t| t.contains("';'")).await;
    assert!(h.client.current_url().await.unwrap().path().ends_with("/jobs/submit"), "nothing was sent");

    // Corrected, it is accepted and the page follows the job to its end.
    h.type_into("#job_name", "count_lineitem").await;
    h.type_into("#job-sql", "SELECT count(*) AS n FROM lineitem").await;
    h.wait_gone(".field-error").await;
    h.click("#job-submit").await;
    let path = h.wait_path("the job's page", |p| p.contains(&format!("/clusters/{cluster}/jobs/"))).await;
    let job_id = path.rsplit('/').next().unwrap().to_string();
    assert_eq!(h.text("#job-id").await.trim(), job_id);
    job_state(&h, "FINISHED").await;
    let chip = h.find("#job-detail .job-status .state-chip").await;
    assert_eq!(chip.attr("data-result").await.unwrap().as_deref(), Some("SUCCEEDED"));
    assert!(chip.text().await.unwrap().contains("Succeeded"), "the result in words");
    h.wait_text("#job-log", "the end of the log", |t| t.contains("Job finished")).await;
    h.wait_text("#job-log-status", "a complete log", |t| t.contains("Complete")).await;
    let rows = h.wait_text("#sql-results", "the result rows", |t| t.contains(LINEITEM_ROWS)).await;
    assert!(rows.contains("Statement 0: 1 row"), "{rows}");
    assert_eq!(h.text("#sql-results th").await.trim().to_ascii_lowercase(), "n");

    // The list across all clusters shows it, finished, with the cluster it ran on.
    h.click("#nav-jobs").await;
    let row = format!("tr[data-job-key='{cluster}/{job_id}']");
    h.wait_text(&row, "the job in the list", |t| t.contains("count_lineitem") && t.contains("analytics-prod")).await;
    assert_eq!(h.find(&format!("{row} .state-chip")).await.attr("data-state").await.unwrap().as_deref(), Some("FINISHED"));
    // `/` focuses the view's search field.
    h.find("body").await.send_keys("/").await.unwrap();
    assert_eq!(h.eval("return document.activeElement.id").await, "job-name-filter");
    // A type filter that excludes it empties the list, and lives in the URL.
    h.find("#job-type-filter").await.select_by_value("DistCp").await.unwrap();
    h.wait_gone(&row).await;
    assert!(h.client.current_url().await.unwrap().query().unwrap_or_default().contains("type=DistCp"));
    h.wait_text("#jobs-view tbody", "the filtered empty state", |t| t.contains("No jobs match these filters")).await;
    // A cluster id in the URL that no cluster has: the service's error, and the filter shows that id (it
    // showed "All clusters").
    h.goto("/jobs?cluster=no-such-cluster").await;
    h.find("#jobs-view .error-panel").await;
    h.wait_text("#job-cluster-filter option:checked", "the unknown id", |t| t.contains("no-such-cluster")).await;
    h.close().await;
}

/// The row's Kill button is inside the window and inside every box that clips it, and the
/// element at its centre is the button (nothing covers it). `LAKEDECK_E2E_SHOTS` names a directory
/// for a screenshot of the page.
async fn kill_button_whole(h: &Harness, row: &str, list: &str) {
    let css = format!("{row} .kill-job");
    h.find(&css).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let check = h
        .eval(&format!(
            "const b = document.querySelector({sel}); b.scrollIntoView({{block: 'center', inline: 'nearest'}});
             const r = b.getBoundingClientRect();
             let whole = r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth && r.top >= 0 && r.bottom <= window.innerHeight;
             for (let p = b.parentElement; p && p !== document.body; p = p.parentElement) {{
               const s = getComputedStyle(p);
               if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {{
                 const c = p.getBoundingClientRect();
                 if (r.left < c.left - 0.5 || r.right > c.right + 0.5 || r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5) whole = false;
               }}
             }}
             const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             return {{ whole, reached: !!at && (at === b || b.contains(at)), rect: [r.left, r.right, r.top, r.bottom],
                       width: window.innerWidth, page: document.documentElement.scrollWidth - document.documentElement.clientWidth }};",
            sel = serde_json::to_string(&css).unwrap()
        ))
        .await;
    if let Some(dir) = std::env::var_os("LAKEDECK_E2E_SHOTS") {
        let png = h.client.screenshot().await.unwrap();
        let name = format!("kill-1440-{}.png", list.replace(' ', "-").replace('\'', ""));
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
    assert_eq!(check["width"], serde_json::json!(1440), "the window is 1440 px wide: {check}");
    assert_eq!(check["whole"], serde_json::json!(true), "{list}: the Kill button is whole on screen at 1440 px: {check}");
    assert_eq!(check["reached"], serde_json::json!(true), "{list}: a click at the Kill button's centre reaches it: {check}");
    assert_eq!(check["page"], serde_json::json!(0), "{list}: no sideways page scroll at 1440 px: {check}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_job_is_killed_from_the_list_then_deleted() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    open_form(&h, &cluster, "SparkSql").await;
    h.type_into("#job_name", "cross_join").await;
    h.type_into("#job-sql", "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b").await;
    h.click("#job-submit").await;
    let path = h.wait_path("the job's page", |p| p.contains("/jobs/") && !p.ends_with("/submit")).await;
    let job_id = path.rsplit('/').next().unwrap().to_string();
    job_state(&h, "RUNNING").await;

    h.click("#cluster-tab-jobs").await;
    let row = format!("tr[data-job-key='{cluster}/{job_id}']");
    h.find(&format!("{row} .state-chip[data-state='RUNNING']")).await;
    h.wait_text(&row, "the running job", |t| t.contains("Running")).await;
    // A running job cannot be selected for deletion.
    assert_eq!(h.find(&format!("{row} .row-select")).await.prop("disabled").await.unwrap().as_deref(), Some("true"));
    // Nor can "select all ended jobs" be ticked while no job on the page has ended.
    assert_eq!(h.find("#select-all-jobs").await.prop("disabled").await.unwrap().as_deref(), Some("true"));
    // Issue 14: at 1440 px the Kill button was cut off. In the cluster's list and in the list of
    // every cluster's jobs it is whole on screen and it is what a click at its centre reaches.
    h.client.set_window_size(1440, 900).await.unwrap();
    kill_button_whole(&h, &row, "the cluster's jobs").await;
    h.click("#nav-jobs").await;
    kill_button_whole(&h, &row, "all jobs").await;
    h.client.back().await.unwrap();
    h.find(&format!("{row} .kill-job")).await;
    h.click(&format!("{row} .kill-job")).await;
    h.wait_text("#kill-dialog", "the confirmation", |t| t.contains("cross_join")).await;
    h.click("#kill-confirm").await;
    h.wait_text("#jobs-outcome", "the service's answer", |t| t.contains("accepted")).await;
    h.find(&format!("{row} .state-chip[data-state='KILLED']")).await;
    h.wait_text(&format!("{row} .state-chip"), "Killed", |t| t.contains("Killed")).await;
    assert_eq!(h.find("#select-all-jobs").await.prop("disabled").await.unwrap().as_deref(), Some("false"), "an ended job can be selected");

    h.click(&format!("{row} .row-select")).await;
    h.wait_text("#delete-jobs", "one selected", |t| t.contains("(1)")).await;
    h.click("#delete-jobs").await;
    h.click("#delete-jobs-confirm").await;
    h.wait_text("#jobs-outcome", "the deletion", |t| t.contains("Deleted 1")).await;
    h.wait_gone(&row).await;
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_browsed_and_a_distcp_copies_picked_paths() {
    let h = Harness::start(300).await;
    let cluster = analytics(&h);
    // The sandbox seeds the demo files in the background on its first start.
    let demo = h.data_dir.join(format!("hdfs/{cluster}/tmp/demo"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_dir(&demo).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the sandbox never seeded {}", demo.display());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    h.goto(&format!("/clusters/{cluster}")).await;
    h.click("#cluster-tab-files").await;
    h.click("tr[data-name='tmp'] .file-dir").await;
    h.click("tr[data-name='demo'] .file-dir").await;
    let listing = h.wait_text("#files-view tbody", "the demo files", |t| t.contains(".csv")).await;
    assert!(listing.contains(" byte") || listing.contains(" kB"), "sizes are human-readable: {listing}");
    assert!(h.client.current_url().await.unwrap().query().unwrap_or_default().contains("path=%2Ftmp%2Fdemo"));
    // Sorting by size puts the largest first when reversed.
    h.click("th:nth-child(2) .sort-btn").await;
    h.click("th:nth-child(2) .sort-btn").await;
    h.wait_text("th[aria-sort='descending']", "a descending sort", |t| t.to_ascii_lowercase().contains("size")).await;
    // A bad path is refused next to the field; the listing stays.
    h.type_into("#files-goto", "/tmp/bad|name").await;
    h.find("#files-goto").await.send_keys("\u{E007}").await.unwrap();
    h.wait_text(".field-error[data-field='files-goto']", "the path error", |t| t.contains("'|'")).await;
    assert!(h.text("#files-view tbody").await.contains(".csv"));
    let demo_names: Vec<String> = std::fs::read_dir(h.data_dir.join(format!("hdfs/{cluster}/tmp/demo")))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();

    // DistCp from a path picked in the browser to a typed target.
    open_form(&h, &cluster, "DistCp").await;
    h.type_into("#job_name", "copy_demo").await;
    h.click("#browse-source").await;
    h.find("#file-picker").await;
    h.click("#file-picker tr[data-name='tmp'] .file-dir").await;
    h.click("#file-picker tr[data-name='demo'] .pick-path").await;
    h.wait_gone("#file-picker").await;
    assert_eq!(h.find("#job-source").await.prop("value").await.unwrap().as_deref(), Some("/tmp/demo"));
    h.type_into("#job-target", "/tmp/demo_copy").await;
    h.click("#job-submit").await;
    h.wait_path("the job's page", |p| p.contains("/jobs/") && !p.ends_with("/submit")).await;
    job_state(&h, "FINISHED").await;

    h.click("#cluster-tab-files").await;
    h.click("tr[data-name='tmp'] .file-dir").await;
    h.click("tr[data-name='demo_copy'] .file-dir").await;
    for name in &demo_names {
        h.find(&format!("#files-view tr[data-name='{name}']")).await;
    }
    let copied = h.data_dir.join(format!("hdfs/{cluster}/tmp/demo_copy"));
    assert_eq!(tree(&copied), tree(&demo), "every file copied byte for byte");
    h.close().await;
}
