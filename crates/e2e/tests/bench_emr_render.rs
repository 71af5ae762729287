//! Console half of the ListJobRuns benchmark (prints figures; asserts only that the pages
//! rendered). Run through `scripts/bench-emr.sh`, or directly:
//!
//! ```text
//! cargo test -p lakedeck-e2e --test bench_emr_render -- --ignored --nocapture
//! ```
//!
//! 100,000 job runs (`BENCH_RUNS`) go into the seeded workspace `lakedeck-sandbox`; headless
//! Chromium opens the Job runs view, pages forward twenty times by `nextToken` and back ten times by
//! the remembered tokens, then narrows the list by a state chip and a tag filter, while a
//! `requestAnimationFrame` loop and a long-task observer watch the main thread. Printed: the first
//! load, each page change (click to new rows in the DOM, request included), each way back, the
//! filter changes, the server's share of each list request (Resource Timing), and per phase the
//! longest frame and every long task (over 50 ms).

#[path = "../../server/tests/support/emr_runs.rs"]
#[allow(dead_code)] // T0 is for the server benchmark.
mod emr_runs;

use lakedeck_e2e::{print_main_thread, print_timings, Harness};

const SCRIPT: &str = r##"
const done = arguments[arguments.length - 1];
const frames = { forward: [], back: [], filters: [] };
let phase = 'forward';
const scriptStart = performance.now();
let last = performance.now(), watching = true;
const loop = t => { frames[phase].push(t - last); last = t; if (watching) requestAnimationFrame(loop); };
requestAnimationFrame(loop);
const longTasks = { forward: [], back: [], filters: [] };
const observer = new PerformanceObserver(list => list.getEntries().forEach(e => longTasks[phase].push(e.duration)));
observer.observe({ type: 'longtask' });
const firstKey = () => (document.querySelector('tr[data-run-id]') || {}).getAttribute?.('data-run-id');
const rows = () => document.querySelectorAll('tr[data-run-id]').length;
const range = () => (document.querySelector('#runs-pager .pager-range') || {}).textContent || '';
const until = (cond) => new Promise((resolve, reject) => {
  const start = performance.now();
  const poll = () => cond() ? resolve() : performance.now() - start > 20000 ? reject(new Error('timeout')) : setTimeout(poll, 1);
  poll();
});
const idle = () => new Promise(r => setTimeout(r, 150));
const pagerButton = (n) => document.querySelector(`#runs-pager button:nth-of-type(${n})`);
(async () => {
  const forward = [], back = [], filters = [];
  for (let i = 0; i < 20; i++) {
    const before = firstKey();
    const t0 = performance.now();
    pagerButton(2).click();
    await until(() => firstKey() !== before && rows() === 50);
    forward.push(performance.now() - t0);
    await idle();
  }
  phase = 'back';
  await idle();
  last = performance.now();
  for (let i = 0; i < 10; i++) {
    const before = firstKey();
    const t0 = performance.now();
    pagerButton(1).click();
    await until(() => firstKey() !== before && rows() === 50);
    back.push(performance.now() - t0);
    await idle();
  }
  phase = 'filters';
  await idle();
  last = performance.now();
  {
    const before = range();
    const t0 = performance.now();
    document.querySelector("#run-state-chips button[data-state='Failed']").click();
    await until(() => range() !== before && rows() > 0);
    filters.push(performance.now() - t0);
    await idle();
  }
  {
    const before = range();
    const input = document.querySelector('#run-tags-filter');
    input.value = 'team=data';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const t0 = performance.now();
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => range() !== before && rows() > 0);
    filters.push(performance.now() - t0);
  }
  watching = false;
  observer.disconnect();
  const server = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/jobRuns') && e.startTime > scriptStart)
    .map(e => e.responseStart - e.requestStart);
  const max = xs => Math.max(0, ...xs.slice(1));
  done({ forward, back, filters, server, range: range(),
    frames: { forward: [max(frames.forward), frames.forward.length], back: [max(frames.back), frames.back.length], filters: [max(frames.filters), frames.filters.length] },
    longTasks });
})().catch(e => done({ error: String(e) }));
"##;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture (scripts/bench-emr.sh)"]
async fn bench_job_runs_view_render() {
    let n: u64 = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let h = Harness::start(1000).await;
    let ws: String = h
        .db()
        .query_row("SELECT workspace_id FROM emr_workspaces WHERE json_extract(data, '$.name') = 'lakedeck-sandbox'", [], |r| r.get(0))
        .expect("seeded workspace");
    let t = std::time::Instant::now();
    emr_runs::insert_runs(&h.data_dir.join("sandbox.db"), &ws, n);
    println!("inserted {n} job runs into workspace {ws} in {} ms", t.elapsed().as_millis());

    let page = format!("/emr/runs?ws={ws}&size=50");
    h.goto(&page).await;
    h.find("tr[data-run-id]").await;
    let first = h
        .eval("return performance.now() - (performance.getEntriesByType('navigation')[0] || {startTime: 0}).startTime")
        .await;
    let total = h.text("#runs-pager .pager-range").await;
    println!("page: /emr/runs?ws=<lakedeck-sandbox>&size=50  ({total})");
    println!("{:<36} {:>7.1} ms (navigation to rows, bundle and view chunk included)", "first load", first.as_f64().unwrap_or(0.0));

    let r = h.client.execute_async(SCRIPT, vec![]).await.expect("benchmark script");
    assert!(r.get("error").is_none(), "benchmark script failed: {r}");
    print_timings("next page (click to new rows)", &r["forward"]);
    print_timings("previous page (remembered token)", &r["back"]);
    print_timings("state chip, then tag filter", &r["filters"]);
    print_timings("server, request to first byte", &r["server"]);
    println!("{:<36} {}", "after the filters", r["range"].as_str().unwrap_or(""));
    print_main_thread(&r, &[("forward", "forward"), ("back", "back"), ("filters", "filters")]);
    h.close().await;
}
