//! Console half of the job-list benchmark (prints figures; asserts only that the pages rendered).
//! Run through `scripts/bench-jobs.sh`, or directly:
//!
//! ```text
//! cargo test -p lakedeck-e2e --test bench_jobs_render -- --ignored --nocapture
//! ```
//!
//! 100,000 job records (`BENCH_JOBS`) go into the seeded `analytics-prod` cluster; headless
//! Chromium opens that cluster's Jobs view on a filtered, sorted page of 50 and then pages forward
//! and refreshes ten times each, while a `requestAnimationFrame` loop and a long-task observer
//! watch the main thread. Printed: the first load, each page change (click to new rows in the
//! DOM), each refresh, the server's share of each list request (from Resource Timing), and per
//! phase the longest frame and every long task (over 50 ms).

#[path = "../../server/tests/support/records.rs"]
#[allow(dead_code)] // T0 is for the server benchmark.
mod records;

use lakedeck_e2e::{print_main_thread, print_timings, Harness, PROJECT};

const PAGE: &str = "?state=FINISHED&type=SparkSql&name=etl&dir=asc&page=3&size=50";

/// Runs in the page: pages forward and refreshes, measuring each render and every frame.
const SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const frames = { pages: [], refreshes: [] };
let phase = 'pages';
const scriptStart = performance.now();
let last = performance.now(), watching = true;
const loop = t => { frames[phase].push(t - last); last = t; if (watching) requestAnimationFrame(loop); };
requestAnimationFrame(loop);
const longTasks = { pages: [], refreshes: [] };
const observer = new PerformanceObserver(list => list.getEntries().forEach(e => longTasks[phase].push(e.duration)));
observer.observe({ type: 'longtask' });
const firstKey = () => (document.querySelector('tr[data-job-key]') || {}).getAttribute?.('data-job-key');
const rows = () => document.querySelectorAll('tr[data-job-key]').length;
const until = (cond) => new Promise((resolve, reject) => {
  const start = performance.now();
  const poll = () => cond() ? resolve() : performance.now() - start > 20000 ? reject(new Error('timeout')) : setTimeout(poll, 1);
  poll();
});
const idle = () => new Promise(r => setTimeout(r, 150));
(async () => {
  const pages = [], refreshes = [];
  for (let i = 0; i < 10; i++) {
    const before = firstKey();
    const t0 = performance.now();
    document.querySelector('#jobs-pager button:nth-of-type(2)').click();
    await until(() => firstKey() !== before && rows() === 50);
    pages.push(performance.now() - t0);
    await idle();
  }
  phase = 'refreshes';
  await idle();
  last = performance.now();
  for (let i = 0; i < 10; i++) {
    const table = document.querySelector('.data-table');
    const t0 = performance.now();
    document.querySelector('#refresh-jobs').click();
    await until(() => table.getAttribute('aria-busy') === 'true');
    await until(() => table.getAttribute('aria-busy') === 'false');
    refreshes.push(performance.now() - t0);
    await idle();
  }
  watching = false;
  observer.disconnect();
  const server = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/job-executions') && e.startTime > scriptStart)
    .map(e => e.responseStart - e.requestStart);
  const max = xs => Math.max(0, ...xs.slice(1));
  done({ pages, refreshes, server, frames: { pages: [max(frames.pages), frames.pages.length], refreshes: [max(frames.refreshes), frames.refreshes.length] }, longTasks });
})().catch(e => done({ error: String(e) }));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture (scripts/bench-jobs.sh)"]
async fn bench_jobs_view_render() {
    let n: u64 = std::env::var("BENCH_JOBS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let h = Harness::start(1000).await;
    let cluster: String = h
        .db()
        .query_row("SELECT cluster_id FROM clusters WHERE json_extract(data, '$.clusterName') = 'analytics-prod'", [], |r| r.get(0))
        .expect("seeded cluster");
    let t = std::time::Instant::now();
    records::insert_jobs(&h.data_dir.join("sandbox.db"), PROJECT, &cluster, n);
    println!("inserted {n} job records for cluster {cluster} in {} ms", t.elapsed().as_millis());

    h.goto(&format!("/clusters/{cluster}/jobs{PAGE}")).await;
    h.find("tr[data-job-key]").await;
    let first = h
        .eval("return performance.now() - (performance.getEntriesByType('navigation')[0] || {startTime: 0}).startTime")
        .await;
    let total = h.text("#jobs-pager .pager-range").await;
    println!("page: /clusters/<analytics-prod>/jobs{PAGE}  ({total})");
    println!("{:<34} {:>7.1} ms (navigation to rows, bundle start included)", "first load", first.as_f64().unwrap_or(0.0));

    let r = h.client.execute_async(SCRIPT, vec![]).await.expect("benchmark script");
    assert!(r.get("error").is_none(), "benchmark script failed: {r}");
    print_timings("page change (click to new rows)", &r["pages"]);
    print_timings("refresh (click to settled table)", &r["refreshes"]);
    print_timings("server, request to first byte", &r["server"]);
    print_main_thread(&r, &[("pages", "paging"), ("refreshes", "refreshing")]);
    h.close().await;
}
