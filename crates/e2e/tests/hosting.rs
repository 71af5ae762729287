//! One bundle for any host path, under the strict Content-Security-Policy: the sandbox serving the
//! console under `--base-path`, the same dist/ copied to a static host's sub-path with only
//! `<base href>` edited, and every view opened under the policy with no violation.

use std::time::{Duration, Instant};

use lakedeck_e2e::{dist_dir, temp_site_dir, Extra, Harness, Mount, StaticSite, PROJECT, TOKEN};
use serde_json::json;

/// Registered after a page load: every `securitypolicyviolation` event from then on.
const WATCH: &str = "window.__violations = []; \
    document.addEventListener('securitypolicyviolation', e => window.__violations.push(`${location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_runs_under_the_policy_without_a_violation() {
    // Reports of the page's CSP go to a collector (the sandbox sends the policy by default).
    let collector = StaticSite::serve_mounts("localhost", vec![], None);
    let h = Harness::start_with(
        700,
        Extra { server_args: vec!["--csp-report-uri".into(), format!("{}/csp-reports", collector.url)], ..Default::default() },
    )
    .await;
    h.goto("/clusters").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;
    h.client.execute(WATCH, vec![]).await.unwrap();
    let id = h.eval("return document.querySelector('tr[data-cluster-id]').getAttribute('data-cluster-id')").await;
    let id = id.as_str().unwrap().to_string();

    // Pointing at a link fetches its view's chunk before the click.
    let fetched = "return performance.getEntriesByType('resource').some(e => e.name.includes('/split_sql_editor-'))";
    assert_eq!(h.eval(fetched).await, json!(false), "the SQL editor's chunk is not part of the first load");
    h.client
        .execute("document.getElementById('nav-sql').dispatchEvent(new PointerEvent('pointerover', {bubbles: true}))", vec![])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.eval(fetched).await != json!(true) {
        assert!(Instant::now() < deadline, "hovering the SQL editor's link did not fetch its chunk");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Every view, reached the way a user does (links, so the views' chunks load under the policy),
    // then each again by a fresh page load (a deep link).
    let views = [
        ("#nav-jobs", "/jobs", "#job-name-filter"),
        ("#nav-sql", "/sql", ".code-editor"),
        ("#nav-settings", "/settings", "#settings-token"),
        ("#nav-tags", "/tags", "#tags-title"),
        ("#nav-scaling", "/scaling", "#scaling-overview-title"),
        ("#nav-emr-runs", "/emr/runs", "#runs-title"),
        ("#nav-emr-flows", "/emr/flows", "#flows-title"),
        ("#nav-cache", "/cache", "#cache-title"),
        ("#nav-clusters", "/clusters", "tr[data-cluster-id]"),
    ];
    for (link, _, ready) in views {
        h.click(link).await;
        h.find(ready).await;
    }
    let deep = [
        ("/clusters/create".to_string(), "#wizard-title"),
        (format!("/clusters/{id}"), ".detail-head"),
        (format!("/clusters/{id}/jobs"), "#job-name-filter"),
        (format!("/clusters/{id}/jobs/no-such-job"), "#job-detail"),
        (format!("/clusters/{id}/files?path=/tmp/demo"), ".file-toolbar"),
        (format!("/jobs/submit?cluster={id}"), "#submit-job-form"),
        ("/sql".to_string(), ".code-editor"),
        ("/settings".to_string(), "#settings-token"),
        ("/jobs".to_string(), "#job-name-filter"),
        ("/tags".to_string(), "#tags-title"),
        ("/scaling".to_string(), "#scaling-overview-title"),
        // The scaling page charts the cluster's recorded load with uPlot (a vendored script).
        (format!("/clusters/{id}/scaling"), "#scaling-title"),
        ("/emr/runs".to_string(), "#runs-title"),
        ("/emr/runs/submit".to_string(), "#submit-run-title"),
        ("/emr/flows".to_string(), "#flows-title"),
        // The Cache views draw the hash ring (SVG) and meters.
        ("/cache".to_string(), "#cache-ring"),
        ("/cache/jobs".to_string(), "#cache-jobs-title"),
        ("/cache/namespace".to_string(), "#cache-ns-title"),
        ("/cache/policies".to_string(), "#cache-policies-title"),
        ("/cache/maintenance".to_string(), "#cache-maint-title"),
        ("/no/such/view".to_string(), ".page h1"),
    ];
    let mut events = Vec::new();
    for (path, ready) in &deep {
        let before: Vec<String> = serde_json::from_value(h.eval("return window.__violations || []").await).unwrap();
        events.extend(before);
        h.goto(path).await;
        h.find(ready).await;
        h.client.execute(WATCH, vec![]).await.unwrap();
        // The shortcut sheet (a dialog) and the theme switch set styles and attributes at run time.
        if path == "/sql" {
            h.client.execute("document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '?', bubbles: true}))", vec![]).await.unwrap();
            h.find("#shortcut-sheet").await;
        }
    }
    let last: Vec<String> = serde_json::from_value(h.eval("return window.__violations || []").await).unwrap();
    events.extend(last);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(events.is_empty(), "securitypolicyviolation events: {events:?}");
    let reports = collector.reports();
    assert!(reports.is_empty(), "CSP reports: {reports:?}");

    // The watch can fail: an inline style attribute is a violation the page and the collector see.
    h.client.execute(WATCH, vec![]).await.unwrap();
    h.client.execute("document.body.setAttribute('style', 'color: red')", vec![]).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while collector.reports().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let seen: Vec<String> = serde_json::from_value(h.eval("return window.__violations").await).unwrap();
    assert!(seen.iter().any(|v| v.contains(": style-src")), "{seen:?}");
    assert!(collector.reports().iter().any(|r| r.contains("style-src")), "{:?}", collector.reports());
    h.close().await;
}

/// `dist/` as a deployment copies it: every file, the language catalogs under `locales/` too.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else if path.is_file() {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_bundle_runs_under_a_sub_path() {
    // The sandbox with --base-path: deep links, reloads, chunks and config.json under it.
    let h = Harness::start_with(700, Extra { server_args: vec!["--base-path".into(), "/ops/tools/lakedeck".into()], ..Default::default() }).await;
    h.goto("/ops/tools/lakedeck/clusters?tab=history").await;
    h.wait_text("tbody", "the terminated cluster under History", |t| t.contains("legacy-batch")).await;
    h.click("#nav-settings").await;
    h.find("#settings-token").await;
    assert_eq!(h.client.current_url().await.unwrap().path(), "/ops/tools/lakedeck/settings");
    h.client.back().await.unwrap();
    h.wait_text("tbody", "History again", |t| t.contains("legacy-batch")).await;
    h.click("#nav-clusters").await;
    h.wait_text("tbody", "the active clusters", |t| t.contains("analytics-prod")).await;
    h.click("tr[data-cluster-id] a.cluster-name").await;
    h.find(".detail-head").await;
    let detail = h.client.current_url().await.unwrap();
    assert!(detail.path().starts_with("/ops/tools/lakedeck/clusters/"), "{detail}");
    h.client.refresh().await.unwrap();
    h.find(".detail-head").await;
    let paths: Vec<String> = serde_json::from_value(
        h.eval("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)").await,
    )
    .unwrap();
    for p in paths.iter().filter(|p| p.ends_with(".wasm") || p.ends_with(".js") || p.ends_with(".json")) {
        assert!(p.starts_with("/ops/tools/lakedeck/") || p.starts_with("/v1.1/") || p.starts_with("/v2/"), "{p} outside the base path");
    }
    assert!(paths.iter().any(|p| p.starts_with("/ops/tools/lakedeck/split_cluster_detail-")), "{paths:?}");
    h.goto("/").await;
    h.find("tr[data-cluster-id]").await;
    assert_eq!(h.client.current_url().await.unwrap().path(), "/ops/tools/lakedeck/clusters");

    // The same dist/ on a plain static host at /console/, only index.html's <base href> edited.
    let site_dir = temp_site_dir("subpath");
    let console_dir = site_dir.join("console");
    copy_tree(&dist_dir(), &console_dir);
    let index = std::fs::read_to_string(console_dir.join("index.html")).unwrap();
    assert!(index.contains("<base href=/>"), "dist/index.html's base: {index}");
    std::fs::write(console_dir.join("index.html"), index.replace("<base href=/>", "<base href=/console/>")).unwrap();
    let site = StaticSite::serve_mounts("localhost", vec![("/console", Mount::Dir(console_dir.clone()))], None);
    h.close().await;
    let h = Harness::start_with(700, Extra { server_args: vec!["--allow-origin".into(), site.url.clone()], ..Default::default() }).await;
    let config = json!({"endpoints": {"mrs": h.base}, "project_id": PROJECT, "region": "cn-north-4", "sandbox": true});
    std::fs::write(console_dir.join("config.json"), config.to_string()).unwrap();
    h.client.goto(&format!("{}/console/settings", site.url)).await.unwrap();
    h.type_into("#settings-token", TOKEN).await;
    h.click("#settings-save").await;
    h.click("#nav-clusters").await;
    h.wait_text("tbody", "the clusters from a sub-path", |t| t.contains("analytics-prod")).await;
    h.client.goto(&format!("{}/console/jobs", site.url)).await.unwrap();
    h.find("#job-name-filter").await;
    h.close().await;
}
