//! The console inside other people's pages, with the example portal pages of `examples/embed/`:
//! framed by a portal and driven through postMessage, and mounted into a portal's own page through the
//! module API, then unmounted without a trace.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lakedeck_e2e::{dist_dir, Extra, Harness, Mount, StaticSite, PROJECT, TOKEN};
use serde_json::{json, Value};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/embed").canonicalize().expect("examples/embed")
}

/// Waits up to `secs` for `cond` on the collected reports.
async fn reports_until(site: &StaticSite, secs: u64, cond: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let r = site.reports();
        if cond(&r) || Instant::now() > deadline {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_frames_the_console_and_drives_it_by_postmessage() {
    // The portal on its own origin (`localhost`, the sandbox is `127.0.0.1`); it also collects the
    // CSP reports of the framed console.
    let portal = StaticSite::serve_mounts("localhost", vec![("/embed", Mount::Dir(examples()))], None);
    let h = Harness::start_with(
        700,
        Extra {
            server_args: vec![
                "--embed-origin".into(),
                portal.url.clone(),
                "--csp-report-uri".into(),
                format!("{}/csp-reports", portal.url),
            ],
            ..Default::default()
        },
    )
    .await;
    h.client.goto(&format!("{}/embed/iframe.html?console={}/#/clusters", portal.url, h.base)).await.unwrap();

    // ready → the portal sends its theme and learns where the console is, its title and height.
    h.wait_text("#portal-notice", "the console's ready message", |t| t == "console ready").await;
    h.wait_text("#portal-location", "the console's location", |t| t == "/clusters").await;
    h.wait_text("#portal-title", "the view's title", |t| t == "Clusters").await;
    let height: i64 = h.wait_text("#portal-height", "a height", |t| t.parse::<i64>().is_ok_and(|n| n > 100)).await.parse().unwrap();
    assert!(height > 100);

    // Inside the frame: no header or side navigation, the clusters listed.
    h.client.enter_frame(0).await.unwrap();
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;
    let chrome = h.eval("return document.querySelectorAll('.app-header, .side-nav').length").await;
    assert_eq!(chrome, json!(0), "an embedded console has no header or side navigation");
    h.client.enter_parent_frame().await.unwrap();

    // A token the service refuses, handed over by the portal: the console says so to the portal.
    h.type_into("#portal-token", "not-the-token").await;
    h.click("#portal-send-token").await;
    h.wait_text("#portal-notice", "token expired", |t| t.contains("token expired")).await;
    h.client.enter_frame(0).await.unwrap();
    h.wait_text(".error-panel .error-code", "the vendor's code", |t| t.contains("12000001")).await;
    h.client.enter_parent_frame().await.unwrap();
    // The right one lists the clusters again, without a reload.
    h.type_into("#portal-token", TOKEN).await;
    h.click("#portal-send-token").await;
    h.client.enter_frame(0).await.unwrap();
    h.wait_gone(".error-panel").await;
    h.wait_text("tbody", "the clusters again", |t| t.contains("analytics-prod")).await;

    // Navigation inside the console is mirrored by the portal (its view and its URL fragment).
    let id = h.eval("return document.querySelector('tr[data-cluster-id]').getAttribute('data-cluster-id')").await;
    let id = id.as_str().unwrap().to_string();
    h.click(&format!("tr[data-cluster-id='{id}'] a.cluster-name")).await;
    h.find(".detail-head").await;
    h.client.enter_parent_frame().await.unwrap();
    let want = format!("/clusters/{id}");
    h.wait_text("#portal-location", "the cluster's path", |t| t == want).await;
    h.wait_text("#portal-title", "the detail title", |t| t == "Cluster").await;
    assert!(h.client.current_url().await.unwrap().fragment() == Some(want.as_str()));

    // The portal navigates the console, and sets its theme.
    h.click("#portal-show-jobs").await;
    h.wait_text("#portal-location", "the jobs view", |t| t == "/jobs").await;
    h.client.execute("const s = document.getElementById('portal-theme'); s.value = 'dark'; s.dispatchEvent(new Event('change'));", vec![]).await.unwrap();
    h.client.enter_frame(0).await.unwrap();
    h.find("#job-name-filter").await;
    h.find(".lakedeck[data-theme='dark']").await;
    h.client.enter_parent_frame().await.unwrap();

    // The portal's language: the console's texts and the title it reports switch without a reload.
    h.client.execute("const s = document.getElementById('portal-locale'); s.value = 'zh-CN'; s.dispatchEvent(new Event('change'));", vec![]).await.unwrap();
    h.wait_text("#portal-title", "the title in Chinese", |t| t == "作业").await;
    h.client.enter_frame(0).await.unwrap();
    h.wait_text("label[for='job-name-filter']", "the filter's label in Chinese", |t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))).await;
    h.client.enter_parent_frame().await.unwrap();

    // Nothing the console did violated its Content-Security-Policy.
    let reports = reports_until(&portal, 2, |r| !r.is_empty()).await;
    assert!(reports.is_empty(), "CSP violations: {reports:?}");

    // A page of an origin not listed with --embed-origin cannot frame the console (frame-ancestors),
    // so it never hears from it.
    let stranger = StaticSite::serve_mounts("localhost", vec![("/embed", Mount::Dir(examples()))], None);
    h.client.goto(&format!("{}/embed/iframe.html?console={}/", stranger.url, h.base)).await.unwrap();
    let reports = reports_until(&portal, 10, |r| r.iter().any(|x| x.contains("frame-ancestors"))).await;
    assert!(reports.iter().any(|r| r.contains("frame-ancestors")), "the framing was refused and reported: {reports:?}");
    let notice = h.text("#portal-notice").await;
    assert!(notice.is_empty(), "no ready message reached the stranger: {notice:?}");
    h.close().await;
}

/// Installed in the portal page before mounting: counts the event listeners on the page's long-lived
/// targets (window, document, <html>, <body>, the portal's mount element) and the running intervals.
const COUNTERS: &str = r#"
const targets = [window, document, document.documentElement, document.body, document.getElementById('console-root')];
const names = ['window', 'document', 'html', 'body', 'console-root'];
const active = new Map();
const key = (t, type, fn, opts) => `${names[targets.indexOf(t)]}:${type}:${typeof opts === 'boolean' ? opts : !!(opts && opts.capture)}`;
const ids = new WeakMap();
let next = 0;
const id = fn => { if (!ids.has(fn)) ids.set(fn, ++next); return ids.get(fn); };
const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
EventTarget.prototype.addEventListener = function (type, fn, opts) {
  if (fn && targets.includes(this)) active.set(`${key(this, type, fn, opts)}#${id(fn)}`, 1);
  return add.call(this, type, fn, opts);
};
EventTarget.prototype.removeEventListener = function (type, fn, opts) {
  if (fn && targets.includes(this)) active.delete(`${key(this, type, fn, opts)}#${id(fn)}`);
  return remove.call(this, type, fn, opts);
};
const intervals = new Set();
const setI = window.setInterval, clearI = window.clearInterval;
window.setInterval = function (...a) { const i = setI.apply(this, a); intervals.add(i); return i; };
window.clearInterval = function (i) { intervals.delete(i); return clearI.call(this, i); };
window.__lakedeckCounts = () => ({
  listeners: [...active.keys()].map(k => k.split('#')[0]).sort(),
  intervals: intervals.size,
  nodes: document.querySelectorAll('*').length,
  head: document.head.children.length,
  inRoot: document.getElementById('console-root').childNodes.length,
  styles: document.querySelectorAll('link[data-lakedeck]').length,
});
"#;

async fn counts(h: &Harness) -> Value {
    h.eval("return window.__lakedeckCounts()").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_mounts_and_unmounts_the_console_in_its_page() {
    // The portal serves its page for every path under /inpage/, the console bundle under /lakedeck/
    // with its own config.json naming the sandbox, and a strict CSP of its own on its pages.
    let dir = lakedeck_e2e::temp_site_dir("inpage");
    let config_file = dir.join("config.json");
    let csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' http://127.0.0.1:*; \
               img-src 'self' data:; report-uri /csp-reports";
    let portal = StaticSite::serve_mounts(
        "localhost",
        vec![
            ("/embed", Mount::Dir(examples())),
            ("/inpage", Mount::File(examples().join("inpage.html"))),
            ("/lakedeck", Mount::Dir(dist_dir())),
            ("/lakedeck/config.json", Mount::File(config_file.clone())),
        ],
        Some(csp.into()),
    );
    let h = Harness::start_with(700, Extra { server_args: vec!["--allow-origin".into(), portal.url.clone()], ..Default::default() }).await;
    let config = json!({"endpoints": {"mrs": h.base}, "project_id": PROJECT, "region": "cn-north-4", "sandbox": true});
    std::fs::write(&config_file, config.to_string()).unwrap();

    // Loading the module mounts nothing.
    h.client.goto(&format!("{}/inpage/", portal.url)).await.unwrap();
    h.wait_text("#portal-status", "the module loaded", |t| t.contains("module loaded")).await;
    assert_eq!(h.eval("return document.querySelectorAll('.lakedeck').length").await, json!(0));
    h.client.execute(COUNTERS, vec![]).await.unwrap();
    let before = counts(&h).await;
    assert_eq!(before["inRoot"], json!(0));

    for round in 1..=2 {
        // Mount with the token and a theme from the portal: the clusters are listed in the portal's
        // element, and the console moved the URL into its own space under /inpage/console.
        let theme = if round == 1 { "light" } else { "dark" };
        h.client
            .execute(&format!("const s = document.getElementById('portal-theme'); s.value = '{theme}';"), vec![])
            .await
            .unwrap();
        h.type_into("#portal-token", TOKEN).await;
        h.click("#portal-mount").await;
        h.wait_text("#console-root tbody", "the clusters in the portal's page", |t| t.contains("analytics-prod")).await;
        h.find(&format!("#console-root > .lakedeck.lakedeck-inline[data-theme='{theme}']")).await;
        assert_eq!(h.client.current_url().await.unwrap().path(), "/inpage/console/clusters");
        assert_eq!(counts(&h).await["styles"], json!(1), "the console's style sheet, added by mount()");

        // Styles: the portal's rules (serif font, square dark buttons, purple table borders) do not
        // reach into the console, and the console's do not reach out.
        let style = h
            .eval(
                "const cs = (el) => getComputedStyle(el);
                 const root = document.querySelector('.lakedeck');
                 const btn = root.querySelector('.btn');
                 const td = root.querySelector('td');
                 const h1 = document.querySelector('.portal-bar h1');
                 return { font: cs(root).fontFamily, btnBg: cs(btn).backgroundColor, btnRadius: cs(btn).borderTopLeftRadius,
                          tdBorder: cs(td).borderLeftWidth, portalH1: cs(h1).color, portalFont: cs(document.body).fontFamily,
                          portalH1Size: cs(h1).fontSize };",
            )
            .await;
        assert!(!style["font"].as_str().unwrap().contains("Georgia"), "{style}");
        assert_ne!(style["btnBg"], json!("rgb(59, 47, 47)"), "{style}");
        assert_ne!(style["btnRadius"], json!("0px"), "{style}");
        assert_eq!(style["tdBorder"], json!("0px"), "{style}");
        assert_eq!(style["portalH1"], json!("rgb(138, 43, 226)"), "{style}");
        assert!(style["portalFont"].as_str().unwrap().contains("Georgia"), "{style}");
        assert_eq!(style["portalH1Size"], json!("19.2px"), "{style}");

        // Routing stays in the console's base path: its links move the portal's URL inside it.
        h.click("#console-root #nav-jobs").await;
        h.find("#console-root #job-name-filter").await;
        assert_eq!(h.client.current_url().await.unwrap().path(), "/inpage/console/jobs");
        // The first view loaded on demand brought the views' style sheet (taken away again by unmount).
        assert_eq!(h.eval("return document.querySelectorAll('link[data-lakedeck-views]').length").await, json!(1));
        h.click("#console-root #nav-clusters").await;
        h.find("#console-root tr[data-cluster-id]").await;

        // Unmount: no node, style sheet, listener or interval of the console is left.
        h.click("#portal-unmount").await;
        h.wait_text("#portal-status", "unmounted", |t| t.contains("unmounted")).await;
        let after = counts(&h).await;
        assert_eq!(after, before, "round {round}: what the page holds after unmount vs before mount");
    }

    // The portal's own routes are the portal's: a link outside the console's base path is a normal
    // navigation, not intercepted by a console that is no longer there, nor by a mounted one.
    h.click("#portal-mount").await;
    h.wait_text("#console-root tbody", "the clusters", |t| t.contains("analytics-prod")).await;
    h.client.execute("window.__sameDocument = true;", vec![]).await.unwrap();
    h.click("#portal-reports").await;
    h.wait_text("#portal-path", "the portal's reports page", |t| t == "/inpage/reports").await;
    assert_eq!(h.eval("return window.__sameDocument === undefined").await, json!(true), "a real navigation");

    let reports = reports_until(&portal, 2, |r| !r.is_empty()).await;
    assert!(reports.is_empty(), "CSP violations in the portal's page: {reports:?}");
    h.close().await;
}
