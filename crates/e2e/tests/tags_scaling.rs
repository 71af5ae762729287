//! A user's path through the Tags and Scaling views, in a real Chromium against the real server and bundle:
//! tag two clusters in bulk and filter by the tag; edit a cluster's scaling policy, see the simulator's
//! replay (uPlot, loaded from the bundle only by the view that charts), save it and find it in the overview;
//! then submit more jobs than the cluster has slots, watch the task node count rise in the chart and the
//! queued jobs start, cancel them and watch it fall back.

use std::time::{Duration, Instant};

use lakedeck_e2e::{Extra, Harness, PROJECT, TOKEN};
use serde_json::Value;

/// A directory with a stand-in `spark-submit` that sleeps for its second argument: SparkSubmit jobs
/// that hold a slot without using the CPU.
fn fake_spark() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lakedeck-e2e-spark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("spark-submit");
    std::fs::write(&script, "#!/bin/sh\nsleep \"$2\"\necho done\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Calls the sandbox's MRS API from the page, as the console does (token in `X-Auth-Token`).
async fn api(h: &Harness, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| serde_json::to_string(&b.to_string()).unwrap()).unwrap_or_else(|| "undefined".into());
    h.eval(&format!(
        "return fetch('/v2/{PROJECT}/{path}', {{ method: '{method}', body: {body},
           headers: {{ 'X-Auth-Token': '{TOKEN}', 'Content-Type': 'application/json' }} }})
         .then(async r => ({{ status: r.status, body: await r.json().catch(() => null) }}));"
    ))
    .await
}

/// The task node count the chart draws last (its recorded series), once the chart has data.
async fn charted_nodes(h: &Harness) -> Option<i64> {
    let last = h.find("#sim-chart").await.attr("data-last").await.unwrap().unwrap_or_default();
    last.split(',').next().and_then(|v| v.parse::<f64>().ok()).map(|v| v as i64)
}

async fn wait_nodes(h: &Harness, what: &str, pred: impl Fn(i64) -> bool) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n = charted_nodes(h).await;
        if let Some(n) = n.filter(|n| pred(*n)) {
            return n;
        }
        assert!(Instant::now() < deadline, "the chart never showed {what}; last: {n:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn cluster_id(h: &Harness, name: &str) -> String {
    h.db()
        .query_row(
            "SELECT cluster_id FROM clusters WHERE project_id = ?1 AND json_extract(data, '$.clusterName') = ?2",
            [PROJECT, name],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("the seeded cluster {name} exists in the store: {e}"))
}

fn row(id: &str) -> String {
    format!("tr[data-cluster-id=\"{id}\"]")
}

async fn uplot_loaded(h: &Harness) -> bool {
    h.eval("return performance.getEntriesByType('resource').some(e => e.name.includes('/uplot-'))")
        .await
        .as_bool()
        .expect("a boolean")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_in_bulk_filter_then_edit_simulate_and_save_a_policy() {
    // Short metric periods, so the sandbox has a recorded history for the simulator within a second.
    let path = format!("{}:{}", fake_spark().display(), std::env::var("PATH").unwrap_or_default());
    let extra = Extra {
        server_args: vec!["--metric-period-ms".into(), "200".into()],
        server_env: vec![("PATH".into(), path)],
        ..Extra::default()
    };
    let h = Harness::start_with(300, extra).await;
    let (prod, dev) = (cluster_id(&h, "analytics-prod"), cluster_id(&h, "streaming-dev"));

    // The cluster list does not load the charting library.
    h.goto("/clusters").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;
    assert!(!uplot_loaded(&h).await, "uPlot is fetched only by the views that chart");

    // ---- Tags: select two clusters, add a tag to both, see a result per cluster.
    h.click("#nav-tags").await;
    h.find(&row(&prod)).await;
    h.click(&format!("{} .row-select", row(&prod))).await;
    h.click(&format!("{} .row-select", row(&dev))).await;
    h.wait_text("#selected-count", "two selected", |t| t.contains('2')).await;
    h.click("#bulk-add").await;
    h.type_into("#bulk-tags-0-key", "e2e-team").await;
    h.type_into("#bulk-tags-0-value", "lake_e2e").await;
    h.click("#bulk-apply").await;
    h.find("#bulk-summary").await;
    h.find(&format!("#bulk-results tr[data-cluster-id=\"{prod}\"][data-ok=\"true\"]")).await;
    h.find(&format!("#bulk-results tr[data-cluster-id=\"{dev}\"][data-ok=\"true\"]")).await;
    h.click("#bulk-close").await;

    // Filter by the new tag from the key list: exactly the two clusters match, and the filter is in the URL.
    h.goto("/tags").await;
    h.click("li[data-key=\"e2e-team\"] .tag-pick[data-value=\"lake_e2e\"]").await;
    h.wait_text("#tag-match-count", "two matches", |t| t.contains('2')).await;
    h.find(&row(&prod)).await;
    h.find(&row(&dev)).await;
    let shown = h.eval("return document.querySelectorAll('.tag-results tbody tr[data-cluster-id]').length").await;
    assert_eq!(shown, serde_json::json!(2), "only the tagged clusters are listed");
    let tags = h.text(&format!("{} .tag-list", row(&prod))).await;
    assert!(tags.contains("e2e-team=lake_e2e"), "the new tag is listed with the cluster: {tags:?}");
    let url = h.client.current_url().await.unwrap();
    assert!(url.as_str().contains("e2e-team"), "the filter is kept in the URL: {url}");
    // Reloading the URL gives the same result.
    h.client.refresh().await.unwrap();
    h.wait_text("#tag-match-count", "two matches after a reload", |t| t.contains('2')).await;

    // ---- Scaling: a scale-out and a scale-in rule on analytics-prod's task group.
    h.goto(&format!("/clusters/{prod}/scaling")).await;
    h.find("#policy-editor").await;
    h.type_into("#auto_scaling_policy-max_capacity", "6").await;
    h.click("#add-scale-out-rule").await;
    h.find("#auto_scaling_policy-rules-0-trigger-metric_name").await.select_by_value("YARNAppPending").await.unwrap();
    h.type_into("#auto_scaling_policy-rules-0-trigger-metric_value", "1").await;
    h.type_into("#auto_scaling_policy-rules-0-scaling_adjustment", "2").await;
    h.click("#add-scale-in-rule").await;
    h.find("#auto_scaling_policy-rules-1-trigger-metric_name").await.select_by_value("YARNAppPending").await.unwrap();
    h.wait_text("#rule-0-sentence", "the rule in words", |t| t.contains("YARNAppPending")).await;
    h.find("#unsaved").await;

    // A bad value is refused next to its field, and nothing is lost.
    h.type_into("#auto_scaling_policy-rules-0-trigger-evaluation_periods", "0").await;
    h.wait_text("#problem-count", "one problem", |t| !t.trim().is_empty()).await;
    assert!(h.find("#review-policy").await.attr("disabled").await.unwrap().is_some(), "no review with a problem");
    h.type_into("#auto_scaling_policy-rules-0-trigger-evaluation_periods", "1").await;
    h.wait_text("#problem-count", "no problem", |t| t.trim().is_empty()).await;

    // The simulator replays the edited policy on the recorded history: with no job queued, the
    // scale-in rule fires, and the chart is drawn by uPlot from the bundle.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let n = h.find("#simulator").await.attr("data-decisions").await.unwrap().unwrap_or_default();
        if n.parse::<u32>().is_ok_and(|n| n > 0) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the simulator never predicted a decision; data-decisions={n:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    h.find("#sim-chart canvas").await;
    assert!(uplot_loaded(&h).await, "the chart's library came from the bundle");

    // Review the diff, save, and see it saved.
    h.click("#review-policy").await;
    h.wait_text("#policy-diff", "the new rules in the diff", |t| t.contains("YARNAppPending")).await;
    h.click("#save-policy").await;
    h.find("#scaling-notice").await;
    h.wait_gone("#unsaved").await;

    // The overview lists it, enabled, with its range.
    h.click("#nav-scaling").await;
    let listed = format!("tr[data-row=\"{prod}/task_node_analysis_group\"]");
    h.find(&format!("{listed} [data-policy=\"on\"]")).await;
    h.wait_text(&listed, "the saved range", |t| t.contains("0–6")).await;

    // And the server has it, as the V2 API returns it.
    let stored: String = h
        .db()
        .query_row("SELECT COUNT(*) FROM scaling_policies WHERE cluster_id = ?1", [&prod], |r| r.get::<_, i64>(0))
        .map(|n| n.to_string())
        .unwrap_or_else(|e| format!("error {e}"));
    assert_eq!(stored, "1", "one policy stored for the cluster");

    // ---- Load. With nothing queued the scale-in rule takes the task group down to its minimum;
    // then 10 jobs (the sandbox's limit of unfinished jobs per cluster) on 4 Core slots: 6 queue, the
    // scale-out rule adds Task nodes two at a time up to the maximum of 6, and the queued jobs start on them. Cancelled, they leave and the group shrinks.
    h.goto(&format!("/clusters/{prod}/scaling")).await;
    h.find("#sim-chart[data-status='ready']").await;
    let low = wait_nodes(&h, "the idle task group at its minimum", |n| n == 0).await;
    let jobs_path = format!("clusters/{prod}/job-executions");
    let mut ids = Vec::new();
    for i in 0..10 {
        let r = api(&h, "POST", &jobs_path, Some(serde_json::json!({"job_type": "SparkSubmit", "job_name": format!("load-{i}"), "arguments": ["hold", "120"]}))).await;
        assert_eq!(r["status"], 202, "{r}");
        ids.push(r["body"]["job_submit_result"]["job_id"].as_str().unwrap_or_else(|| panic!("a job id: {r}")).to_string());
    }
    let high = wait_nodes(&h, "the task group grown to its maximum", |n| n >= 6).await;
    assert!(high > low, "the task node count rose in the chart ({low} → {high})");
    let running = || async {
        let r = api(&h, "GET", &format!("{jobs_path}?limit=50&job_state=RUNNING"), None).await;
        r["body"]["job_list"].as_array().map(|l| l.iter().filter(|j| j["job_state"] == "RUNNING" && ids.iter().any(|id| j["job_id"] == id.as_str())).count()).unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut n = running().await;
    while n <= 4 {
        assert!(Instant::now() < deadline, "the queued jobs never started on the new task nodes ({n} running)");
        tokio::time::sleep(Duration::from_millis(250)).await;
        n = running().await;
    }
    // (The recorded-events list shows the newest decisions first: with a 200 ms period, the periods
    // skipped at the maximum soon push the scale-out rows off it, so the chart's count is what is checked.)

    for id in &ids {
        let r = api(&h, "POST", &format!("{jobs_path}/{id}/kill"), None).await;
        assert!(r["status"].as_i64().is_some_and(|s| (200..300).contains(&s)), "kill {id}: {r}");
    }
    let back = wait_nodes(&h, "the task group back at its minimum", |n| n == 0).await;
    assert!(back < high, "the task node count fell back in the chart ({high} → {back})");
    h.close().await;
}
