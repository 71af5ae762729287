//! Cache management (Alluxio) as a user meets it: mount an OBS path from the Namespace view (a bad
//! mount point refused next to its field first), load it from the Jobs view and watch the job reach
//! 100 %, see the bytes on the workers, run SQL over `alluxio://` (a SparkScript job) and see the hit counter rise, set a
//! quota below the cached size and watch eviction, free the path and see the cache empty.

use std::path::Path;
use std::time::{Duration, Instant};

use lakedeck_e2e::Harness;

/// dbgen's lineitem row count at scale factor 0.01 (the sandbox's warehouse).
const LINEITEM_ROWS: &str = "60175";

fn analytics(h: &Harness) -> String {
    h.db()
        .query_row("SELECT cluster_id FROM clusters WHERE json_extract(data, '$.clusterName') = 'analytics-prod'", [], |r| r.get(0))
        .expect("seeded cluster analytics-prod")
}

/// Copies the parquet files of `from` into `to` (the OBS tree), once the warehouse has them.
fn copy_parquet(from: &Path, to: &Path) -> u64 {
    let started = Instant::now();
    loop {
        let files: Vec<_> = std::fs::read_dir(from)
            .map(|d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "parquet")).collect())
            .unwrap_or_default();
        if !files.is_empty() {
            std::fs::create_dir_all(to).unwrap();
            return files.iter().map(|f| std::fs::copy(f.path(), to.join(f.file_name())).unwrap()).sum();
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the TPC-H warehouse never appeared in {}", from.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A sum over the workers' table, read from the elements' `data-*` attribute.
async fn sum(h: &Harness, css: &str, attr: &str) -> i64 {
    let js = format!("return [...document.querySelectorAll('{css}')].reduce((a, e) => a + Number(e.dataset.{attr} || 0), 0)");
    h.eval(&js).await.as_i64().unwrap_or(0)
}

/// Waits until the sum over the Overview's workers satisfies `pred` (the view refreshes itself).
async fn wait_sum(h: &Harness, css: &str, attr: &str, what: &str, pred: impl Fn(i64) -> bool) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = sum(h, css, attr).await;
        if pred(v) {
            return v;
        }
        assert!(Instant::now() < deadline, "the workers never showed {what}; last {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Submits the open job form and waits for the job's page to show it SUCCEEDED at 100 %.
async fn submit_and_finish(h: &Harness, kind: &str) -> String {
    h.click("#job-submit").await;
    let path = h.wait_path(&format!("the {kind} job's page"), |p| p.starts_with(&format!("/cache/jobs/{kind}/"))).await;
    h.wait_text("#cache-job-state", "Succeeded", |t| t.contains("Succeeded")).await;
    h.wait_text("#cache-job-progress", "100 %", |t| t.contains("100%")).await;
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_load_query_quota_and_free_from_the_cache_views() {
    let h = Harness::start(300).await;
    let c = analytics(&h);
    let bytes = copy_parquet(&h.data_dir.join(format!("hdfs/{c}/user/hive/warehouse/lineitem")), &h.data_dir.join("obs/e2e/lineitem"));
    assert!(bytes > 1 << 20, "lineitem is more than a page ({bytes} bytes)");

    // Mount: the root is refused next to the field, /e2e → obs://e2e is taken.
    h.goto("/cache/namespace").await;
    h.type_into("#mount-path", "/").await;
    h.type_into("#mount-ufs", "obs://e2e").await;
    h.click("#mount-submit").await;
    h.wait_text(".field-error[data-field='mount-path']", "the root refused", |t| t.contains("root")).await;
    h.type_into("#mount-path", "/e2e").await;
    h.wait_gone(".field-error").await;
    h.click("#mount-submit").await;
    h.wait_text(".cache-mounts tr[data-mount='/e2e']", "the new mount", |t| t.contains("obs://e2e")).await;
    // Its browser shows the table directory with nothing cached yet.
    h.click(".cache-mounts tr[data-mount='/e2e'] a.mount-path").await;
    h.wait_text("#mount-browser", "the lineitem directory", |t| t.contains("lineitem/") && t.contains("0%")).await;
    h.assert_accessible("cache namespace with a mount's browser").await;

    // Load it from the Jobs view and follow it to 100 %.
    h.goto("/cache/jobs").await;
    h.click("#open-load-form").await;
    h.find("#job-pick-mount option[value='/e2e']").await;
    h.find("#job-pick-mount").await.select_by_value("/e2e").await.unwrap();
    let picked = h.find("#job-paths").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(picked.trim(), "/e2e", "picking a mount adds its path");
    h.type_into("#job-paths", "/e2e/lineitem").await;
    h.type_into("#job-alias", "e2e-li").await;
    h.assert_accessible("cache load form").await;
    submit_and_finish(&h, "load").await;
    h.goto("/cache/jobs?type=load&state=SUCCEEDED").await;
    h.wait_text(".cache-jobs-table", "the load in the filtered list", |t| t.contains("e2e-li")).await;
    assert_eq!(h.find("#job-type-filter").await.prop("value").await.unwrap().as_deref(), Some("load"));
    // The pager counts what the filters leave (its pages are in the URL too: bench_cache_render.rs pages 10,000 jobs).
    let range = h.text("#jobs-pager .pager-range").await;
    assert_eq!(range.trim(), "1–1 of 1", "one load job matches");
    // The page size is picked in the pager and kept in the URL with the filters.
    assert_eq!(h.find("#jobs-pager-size").await.prop("value").await.unwrap().as_deref(), Some("20"), "20 rows per page by default");
    h.find("#jobs-pager-size").await.select_by_value("50").await.unwrap();
    let query = h.wait_query("50 rows a page in the URL", |q| q.contains("size=50")).await;
    assert_eq!(h.text("#jobs-pager .pager-range").await.trim(), "1–1 of 1", "the same job at 50 rows per page");
    assert!(query.contains("size=50") && query.contains("type=load") && query.contains("state=SUCCEEDED"), "size and filters in the URL: {query}");
    h.goto("/cache/jobs?type=free").await;
    h.wait_text(".cache-jobs-table", "no load among the free jobs", |t| !t.contains("e2e-li")).await;

    // The workers hold the bytes (the Overview refreshes itself).
    h.goto("/cache").await;
    h.find("#cache-ring path.ring-arc").await;
    // The arcs are drawn (the console's reset of host styles must not strip SVG presentation attributes).
    let drawn = h.eval("const b = document.querySelector('#cache-ring path.ring-arc').getBBox(); return b.width > 0 && b.height > 0").await;
    assert_eq!(drawn, serde_json::json!(true), "the hash ring's arcs have a size");
    let used = wait_sum(&h, ".cache-workers [data-used]", "used", "the loaded bytes", |v| v >= bytes as i64).await;
    assert!(used >= bytes as i64, "every loaded byte is on a worker: {used} of {bytes}");
    // What leaving would move, in both themes as axe sees them.
    h.click(".ring-legend-item").await;
    h.wait_text("#ring-moves", "what would move", |t| t.contains("takes")).await;
    h.assert_accessible("cache overview, light").await;
    h.set_theme("dark").await;
    h.assert_accessible("cache overview, dark").await;
    h.set_theme("light").await;

    // SQL over alluxio:// reads the loaded pages (a SparkScript job from the Jobs form: the sandbox's
    // ExecuteSql runs one statement per call, and the table is needed by the next): the hit counter rises.
    let hits = sum(&h, ".hit-ratio", "hits").await;
    let script = "CREATE EXTERNAL TABLE e2e_li STORED AS PARQUET LOCATION 'alluxio:///e2e/lineitem/';\n\
                  SELECT count(*) AS n FROM e2e_li;\n";
    std::fs::write(h.data_dir.join("obs/e2e/li.sql"), script).unwrap();
    h.goto("/jobs").await;
    h.click("#submit-job").await;
    let select = h.find("#job-cluster").await;
    h.find(&format!("#job-cluster option[value='{c}']")).await;
    select.select_by_value(&c).await.unwrap();
    h.find("#job_type").await.select_by_value("SparkScript").await.unwrap();
    h.type_into("#job_name", "alluxio_read").await;
    h.type_into("#job-script", "obs://e2e/li.sql").await;
    h.click("#job-submit").await;
    h.find("#job-detail .job-status .state-chip[data-state='FINISHED']").await;
    h.wait_text("#sql-results", "the rows read through the cache", |t| t.contains(LINEITEM_ROWS)).await;
    h.goto("/cache").await;
    wait_sum(&h, ".hit-ratio", "hits", "more hits", |v| v > hits).await;

    // A quota below the cached size evicts down to it.
    h.goto("/cache/policies").await;
    h.type_into("#quota-path", "/e2e/lineitem").await;
    h.type_into("#quota-value", "1MB").await;
    h.click("#quota-submit").await;
    h.wait_text(".cache-quotas tr[data-quota='/e2e/lineitem']", "the quota", |t| !t.is_empty()).await;
    h.assert_accessible("cache policies").await;
    h.goto("/cache").await;
    wait_sum(&h, ".evictions", "evictions", "evictions", |v| v > 0).await;
    wait_sum(&h, ".cache-workers [data-used]", "used", "usage under the quota", |v| v <= 1 << 20).await;

    // Free the mount: nothing of it stays cached.
    h.goto("/cache/jobs?submit=free").await;
    h.type_into("#job-paths", "/e2e").await;
    submit_and_finish(&h, "free").await;
    h.goto("/cache").await;
    wait_sum(&h, ".cache-workers [data-used]", "used", "an empty cache", |v| v == 0).await;
    h.goto("/cache/maintenance").await;
    h.click("#clear-stale").await;
    h.wait_text("#stale-status", "the clean's answer", |t| !t.trim().is_empty()).await;
    h.assert_accessible("cache maintenance").await;
    h.close().await;
}
