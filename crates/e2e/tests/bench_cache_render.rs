//! Console half of the cache benchmark (issue 10 §5): the Cache Jobs view holding 10,000 jobs
//! (`BENCH_CACHE_JOBS`). Prints figures; asserts only that the pages rendered. Run through
//! `scripts/bench-cache.sh`, or directly:
//!
//! ```text
//! cargo test -p lakedeck-e2e --test bench_cache_render -- --ignored --nocapture
//! ```
//!
//! The jobs go straight into the coordinator's job table (`DATA_DIR/alluxio/coordinator.db`) (finished loads, frees and rebalances of the
//! last six days, the shape the coordinator keeps for a week). Headless Chromium opens the view
//! from the Overview's tab, pages forward ten times, narrows by type and by state, and refreshes,
//! while a `requestAnimationFrame` loop and a long-task observer watch the main thread. It does so
//! twice: at the view's default of 20 rows per page, then at 50 (the largest size it offers, picked
//! in the pager before paging). Printed per phase: click to rows, the part after the last list
//! answer arrived (the console's own work: parsing, sorting, filtering, rendering), the list
//! requests, the longest frame and every long task (over 50 ms). Goals: the view renders in 100 ms
//! or less, no frame over 50 ms.

use lakedeck_e2e::{print_main_thread, print_timings, Harness};
use serde_json::json;

const SCRIPT: &str = r##"
const done = arguments[arguments.length - 1];
const size = arguments[0];
const phases = ['open', 'pages', 'filters', 'refresh'];
const frames = Object.fromEntries(phases.map(p => [p, []]));
const longTasks = Object.fromEntries(phases.map(p => [p, []]));
let phase = 'open';
let last = performance.now(), watching = true;
const loop = t => { frames[phase].push(t - last); last = t; if (watching) requestAnimationFrame(loop); };
requestAnimationFrame(loop);
const observer = new PerformanceObserver(list => list.getEntries().forEach(e => longTasks[phase].push(e.duration)));
observer.observe({ type: 'longtask' });
const rows = () => document.querySelectorAll('#cache-jobs tr[data-job]').length;
const firstKey = () => (document.querySelector('#cache-jobs tr[data-job]') || {}).getAttribute?.('data-job');
const range = () => (document.querySelector('#jobs-pager .pager-range') || {}).textContent || '';
const until = (cond) => new Promise((resolve, reject) => {
  const start = performance.now();
  const poll = () => cond() ? resolve() : performance.now() - start > 60000 ? reject(new Error('timeout in ' + phase + ': ' + rows() + ' rows, range ' + range())) : setTimeout(poll, 1);
  poll();
});
const frame = () => new Promise(r => requestAnimationFrame(() => r()));
const idle = () => new Promise(r => setTimeout(r, 200));
const lists = (since) => performance.getEntriesByType('resource')
  .filter(e => /\/api\/v1\/(load|free|rebalance)\?/.test(e.name) && e.startTime >= since);
const select = (id, value) => {
  const s = document.getElementById(id);
  s.value = value;
  s.dispatchEvent(new Event('change', { bubbles: true }));
};
(async () => {
  const out = { open: {}, pages: [], filters: [], refresh: {} };
  {
    const t0 = performance.now();
    document.getElementById('cache-tab-jobs').click();
    await until(() => rows() === 20 && range() !== '');
    await frame();
    const t1 = performance.now();
    const reqs = lists(t0);
    const lastEnd = Math.max(...reqs.map(e => e.responseEnd));
    out.open = { total: t1 - t0, afterData: t1 - lastEnd, requests: reqs.length,
      bytes: reqs.reduce((a, e) => a + (e.decodedBodySize || 0), 0), transfer: reqs.reduce((a, e) => a + (e.transferSize || 0), 0),
      fetch: lastEnd - t0, range: range() };
  }
  if (size !== 20) {
    select('jobs-pager-size', String(size));
    await until(() => rows() === size);
  }
  phase = 'pages';
  await idle();
  last = performance.now();
  for (let i = 0; i < 10; i++) {
    const before = firstKey();
    const t0 = performance.now();
    document.querySelector('#jobs-pager button:nth-of-type(2)').click();
    await until(() => firstKey() !== before && rows() === size);
    await frame();
    out.pages.push(performance.now() - t0);
    await idle();
  }
  phase = 'filters';
  await idle();
  last = performance.now();
  for (const [id, value] of [['job-type-filter', 'load'], ['job-state-filter', 'FAILED'], ['job-type-filter', '']]) {
    const before = range();
    const t0 = performance.now();
    select(id, value);
    await until(() => range() !== before && rows() > 0);
    await frame();
    out.filters.push(performance.now() - t0);
    await idle();
  }
  phase = 'refresh';
  await idle();
  last = performance.now();
  {
    const expected = out.open.requests;
    const t0 = performance.now();
    [...document.querySelectorAll('#cache-jobs .page-actions button')][0].click();
    await until(() => lists(t0).length >= expected);
    await idle();
    const reqs = lists(t0);
    out.refresh = { requests: reqs.length, fetch: Math.max(...reqs.map(e => e.responseEnd)) - t0 };
  }
  watching = false;
  observer.disconnect();
  const max = xs => Math.max(0, ...xs.slice(1));
  out.frames = Object.fromEntries(phases.map(p => [p, [max(frames[p]), frames[p].length]]));
  out.longTasks = longTasks;
  done(out);
})().catch(e => done({ error: String(e) }));
"##;

/// Writes `n` finished jobs in the record format the sandbox's cache engine keeps.
fn insert_jobs(h: &Harness, n: u64) {
    let mut db = rusqlite::Connection::open(h.data_dir.join("alluxio/coordinator.db")).expect("the coordinator's database");
    db.busy_timeout(std::time::Duration::from_secs(10)).expect("busy timeout");
    let tx = db.transaction().expect("transaction");
    let base: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM jobs", [], |r| r.get(0)).expect("jobs table");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let span = 6 * 86_400_000_i64;
    {
        let mut stmt = tx
            .prepare("INSERT INTO jobs (id, seq, kind, state, key, alias, run, finished_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)")
            .expect("prepare");
        for i in 0..n {
            let kind = match i % 20 {
                0 => "REBALANCE",
                1..=5 => "FREE",
                _ => "LOAD",
            };
            let state = match i % 49 {
                7 => "FAILED",
                13 => "STOPPED",
                _ => "SUCCEEDED",
            };
            let id = format!("{:08x}-b3c4-4d5e-8f60-{:012x}", i, i * 7919);
            let created = now - span + (span / n as i64) * i as i64;
            let elapsed = 500 + (i as i64 * 37) % 60_000;
            let total = (1 + i as i64 % 97) << 20;
            let (alias, paths, ufs, target, key) = if kind == "REBALANCE" {
                (String::new(), vec![], vec![], "ALL".to_string(), "REBALANCE:ALL".to_string())
            } else {
                let dir = format!("/bench/day-{}/part-{:05}", i % 6, i);
                let ufs = format!("obs://bench/day-{}/part-{:05}", i % 6, i);
                (format!("{}-{}", kind.to_lowercase(), &id[..8]), vec![dir], vec![ufs.clone()], String::new(), format!("{kind}:paths:{ufs}"))
            };
            let failed = if state == "FAILED" { 3 } else { 0 };
            let data = json!({
                "id": id, "seq": base + 1 + i as i64, "kind": kind, "state": state, "run": 1, "alias": alias,
                "paths": paths, "ufs_paths": ufs, "target": target,
                "created_ms": created, "start_ms": created, "elapsed_ms": elapsed, "finished_ms": created + elapsed, "saved_ms": created + elapsed,
                "c": {
                    "loaded_bytes": if kind == "FREE" { 0 } else { total }, "total_bytes": total, "freed_bytes": if kind == "FREE" { total } else { 0 },
                    "scanned_files": 1 + i as i64 % 40, "loaded_files": 1 + i as i64 % 40, "failed_files": failed, "processed_files": 1 + i as i64 % 40
                }
            });
            stmt.execute(rusqlite::params![id, base + 1 + i as i64, kind, state, key, alias, created + elapsed, data.to_string()]).expect("insert job");
        }
    }
    tx.commit().expect("commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture (scripts/bench-cache.sh)"]
async fn bench_cache_jobs_view_render() {
    let n: u64 = std::env::var("BENCH_CACHE_JOBS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let h = Harness::start(1000).await;
    // The Overview first: the coordinator is up (its database is DATA_DIR/alluxio/coordinator.db).
    h.goto("/cache").await;
    h.find("#cache-tab-jobs").await;
    let t = std::time::Instant::now();
    insert_jobs(&h, n);
    println!("inserted {n} finished cache jobs in {} ms", t.elapsed().as_millis());
    // The Jobs view's chunk and its texts are loaded once before measuring (the first visit of
    // any view pays for those; bench_bundle.rs measures them).
    h.goto("/cache/jobs?type=rebalance&state=STOPPED").await;
    h.find("#jobs-pager").await;

    let wait = Some(std::time::Duration::from_secs(300));
    h.client.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(wait, wait, wait)).await.expect("script timeout");
    for size in [20, 50] {
        h.goto("/cache").await;
        h.find("#cache-tab-jobs").await;
        let r = h.client.execute_async(SCRIPT, vec![json!(size)]).await.expect("benchmark script");
        assert!(r.get("error").is_none(), "benchmark script failed: {r}");
        let open = &r["open"];
        println!("\n{size} rows per page{}", if size == 20 { " (the default)" } else { ", picked in the pager after opening" });
        println!("view: /cache/jobs, {} ({} list requests, {:.0} kB JSON, {:.0} kB on the wire)",
            open["range"].as_str().unwrap_or(""), open["requests"], open["bytes"].as_f64().unwrap_or(0.0) / 1e3, open["transfer"].as_f64().unwrap_or(0.0) / 1e3);
        println!("{:<40} {:>7.1} ms", "open (tab click to 20 rows painted)", open["total"].as_f64().unwrap_or(0.0));
        println!("{:<40} {:>7.1} ms", "  of which the list requests", open["fetch"].as_f64().unwrap_or(0.0));
        println!("{:<40} {:>7.1} ms", "  render after the last answer", open["afterData"].as_f64().unwrap_or(0.0));
        print_timings("next page (click to new rows)", &r["pages"]);
        print_timings("type, state, all types (select to rows)", &r["filters"]);
        println!("{:<40} {:>7.1} ms ({} requests)", "refresh (click to last answer)", r["refresh"]["fetch"].as_f64().unwrap_or(0.0), r["refresh"]["requests"]);
        print_main_thread(&r, &[("open", "opening"), ("pages", "paging"), ("filters", "filtering"), ("refresh", "refreshing")]);
    }
    if let Some(secs) = std::env::var("BENCH_CACHE_HOLD_SECS").ok().and_then(|v| v.parse().ok()) {
        // Keeps the server up for a profiler or a look by hand.
        println!("holding {} for {secs} s", h.base);
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
    }
    h.close().await;
}
