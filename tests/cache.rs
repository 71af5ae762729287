//! The Cache views in headless Chromium: the hash ring drawn from the shared placement code (each
//! worker's arcs, and what moves when one leaves), the jobs table (progress by bytes, state chips,
//! stop/resume, read-only for a gateway viewer, in both languages), the mount table against a
//! canned coordinator (secrets masked, a bad mount refused next to its field), and the
//! coordinator's `{"status"}` error bodies in the error panel.

use lakedeck::api::ApiError;
use lakedeck::api::wire::WhoAmI;
use lakedeck::pages::cache::jobs::JobsTable;
use lakedeck::pages::cache::overview::RingView;
use lakedeck::pages::cache::CacheNamespace;
use lakedeck::state::{ConfigStatus, RefreshBus, Session, SessionState, Theme, Who};
use lakedeck_api::alluxio::JobProgress;
use lakedeck_api::alluxio_ring::Ring;
use lakedeck_api::config::ConsoleConfig;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use leptos_router::components::Router;
use reactive_stores::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{chinese, english, host, sleep_ms, stub_fetch};

wasm_bindgen_test_configure!(run_in_browser);

fn q(root: &web_sys::Element, sel: &str) -> Option<web_sys::Element> {
    root.query_selector(sel).unwrap()
}

fn all(root: &web_sys::Element, sel: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().unchecked_into()).collect()
}

fn text(root: &web_sys::Element, sel: &str) -> String {
    q(root, sel).and_then(|e| e.text_content()).unwrap_or_default()
}

fn click(root: &web_sys::Element, sel: &str) {
    let el: web_sys::HtmlElement = q(root, sel).unwrap_or_else(|| panic!("no {sel}")).unchecked_into();
    el.click();
}

fn session(who: Who) -> Session {
    Store::new(SessionState { config: ConsoleConfig::default(), token: "tok".into(), config_status: ConfigStatus::Loaded, theme: Theme::System, who })
}

fn viewer() -> Who {
    Who::User(WhoAmI { user: "vera".into(), role: "viewer".into(), auth: "token".into(), can_write: false })
}

async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..100 {
        if f() {
            return;
        }
        sleep_ms(20).await;
    }
    panic!("never saw {what}");
}

#[wasm_bindgen_test]
async fn the_ring_shows_each_workers_arcs_and_what_moves_when_one_leaves() {
    english();
    let workers: Vec<String> = ["w-a", "w-b", "w-c"].iter().map(|s| s.to_string()).collect();
    let root = host();
    let leaving = RwSignal::new(None::<String>);
    let ring = Ring::new(&workers, 200);
    let expected_arcs = lakedeck_api::alluxio_ring::merge_bins(&ring.bins(360)).len();
    let _h = mount_to(root.clone(), move || view! { <RingView ring=ring all=workers.clone() leaving=leaving/> });
    tick().await;
    let arcs = all(&root, "path.ring-arc");
    assert_eq!(arcs.len(), expected_arcs, "one path per merged arc");
    for w in ["w-a", "w-b", "w-c"] {
        assert!(arcs.iter().any(|a| a.get_attribute("data-owner").as_deref() == Some(w)), "{w} owns arcs");
    }
    assert_eq!(all(&root, ".ring-legend-item").len(), 3);
    assert!(q(&root, "#ring-moves").is_none() && q(&root, ".ring-moved").is_none());

    click(&root, ".ring-legend-item[data-worker='w-b']");
    tick().await;
    assert_eq!(q(&root, ".ring-legend-item[data-worker='w-b']").unwrap().get_attribute("aria-pressed").as_deref(), Some("true"));
    let moves = text(&root, "#ring-moves");
    assert!(moves.contains("If w-b leaves") && moves.contains("w-a takes") && moves.contains("w-c takes"), "{moves}");
    let moved = all(&root, "path.ring-moved");
    assert!(!moved.is_empty(), "the inner ring shows the moving arcs");
    assert!(moved.iter().all(|m| m.get_attribute("data-heir").as_deref() != Some("w-b")), "nothing moves to the leaving worker");
    // The other workers' arcs are dimmed, the leaving worker's are not.
    assert!(all(&root, "path.ring-dim").iter().all(|a| a.get_attribute("data-owner").as_deref() != Some("w-b")));
    click(&root, ".ring-legend-item[data-worker='w-b']");
    tick().await;
    assert!(q(&root, "#ring-moves").is_none(), "picking it again clears the preview");
}

fn jobs() -> Vec<JobProgress> {
    vec![
        JobProgress {
            id: "1".into(),
            job_type: "LOAD".into(),
            alias: "nightly".into(),
            state: "RUNNING".into(),
            paths: vec!["/obs/tpch".into()],
            total_bytes: 2_000_000,
            loaded_bytes: Some(600_000),
            skipped_bytes: Some(400_000),
            scanned_files: Some(12),
            failed_files: 1,
            time_elapsed_milliseconds: 4000,
            ..Default::default()
        },
        JobProgress { id: "2".into(), job_type: "FREE".into(), state: "STOPPED".into(), paths: vec!["/obs/old".into()], ..Default::default() },
        JobProgress { id: "3".into(), job_type: "REBALANCE".into(), state: "SUCCEEDED".into(), target: "ALL".into(), ..Default::default() },
    ]
}

#[wasm_bindgen_test]
async fn the_jobs_table_shows_progress_by_bytes_and_offers_stop_and_resume() {
    english();
    let root = host();
    let _h = mount_to(root.clone(), || {
        provide_context(session(Who::Unknown));
        provide_context(RefreshBus::new());
        view! { <JobsTable rows=Signal::derive(jobs)/> }
    });
    tick().await;
    let running = q(&root, "tr[data-job='LOAD:1']").expect("the load's row");
    let row = |sel: &str| text(&running, sel);
    assert!(row(".job-link").contains("nightly"));
    assert_eq!(q(&running, ".state-chip").unwrap().get_attribute("data-state").as_deref(), Some("RUNNING"));
    assert!(row(".state-chip").contains("Running"));
    // 600 kB loaded + 400 kB skipped of 2 MB: half done, at 150 kB/s.
    assert_eq!(q(&running, "[role=meter]").unwrap().get_attribute("aria-valuenow").as_deref(), Some("50"));
    let progress = row(".meter-text");
    assert!(progress.contains("50%") && progress.contains("2 MB"), "{progress}");
    assert!(row(".job-files").contains("12 scanned, 1 failed"), "{}", row(".job-files"));
    assert!(running.text_content().unwrap().contains("150 kB/s"), "{}", running.text_content().unwrap());
    assert!(q(&running, ".job-stop").is_some() && q(&running, ".job-resume").is_none());
    let stopped = q(&root, "tr[data-job='FREE:2']").unwrap();
    assert!(q(&stopped, ".job-resume").is_some() && q(&stopped, ".job-stop").is_none());
    let done = q(&root, "tr[data-job='REBALANCE:3']").unwrap();
    assert!(text(&done, ".meter-text").contains("100%") && q(&done, "button").is_none());
    assert!(text(&done, ".job-link").contains('3'));

    chinese();
    tick().await;
    assert!(text(&running, ".state-chip").contains("运行中"), "{}", text(&running, ".state-chip"));
    english();
}

#[wasm_bindgen_test]
async fn a_gateway_viewer_sees_jobs_but_cannot_stop_them() {
    english();
    let root = host();
    let _h = mount_to(root.clone(), || {
        provide_context(session(viewer()));
        provide_context(RefreshBus::new());
        view! { <JobsTable rows=Signal::derive(jobs)/> }
    });
    tick().await;
    let stop: web_sys::HtmlButtonElement = q(&root, "tr[data-job='LOAD:1'] .job-stop").unwrap().unchecked_into();
    assert!(stop.disabled(), "a viewer cannot stop");
    assert!(stop.title().contains("viewer"), "{}", stop.title());
    let resume: web_sys::HtmlButtonElement = q(&root, "tr[data-job='FREE:2'] .job-resume").unwrap().unchecked_into();
    assert!(resume.disabled());
}

#[wasm_bindgen_test]
async fn the_mount_table_masks_secrets_and_a_bad_mount_is_refused_next_to_its_field() {
    english();
    stub_fetch(&[(
        "/api/v1/mount",
        r#"[{"path":"/obs","ufs":"obs://lake/tpch","options":{"fs.obs.secret.key":"S3CR3T","fs.obs.endpoint":"obs.local"}}]"#,
    )]);
    let root = host();
    let _h = mount_to(root.clone(), || {
        provide_context(session(Who::Unknown));
        provide_context(RefreshBus::new());
        view! { <Router><CacheNamespace/></Router> }
    });
    until("the mount", || q(&root, "tr[data-mount='/obs']").is_some()).await;
    let options = text(&root, "tr[data-mount='/obs'] .mount-options");
    assert!(options.contains("fs.obs.endpoint=obs.local") && options.contains("fs.obs.secret.key=••••••••"), "{options}");
    assert!(!root.inner_html().contains("S3CR3T"), "the secret is nowhere in the page");

    // The same mount point again, and a UFS of another cloud: both refused before sending.
    let set = |sel: &str, v: &str| {
        let el: web_sys::HtmlInputElement = q(&root, sel).unwrap().unchecked_into();
        el.set_value(v);
        el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    };
    set("#mount-path", "/obs/");
    set("#mount-ufs", "s3://elsewhere");
    click(&root, "#mount-submit");
    tick().await;
    assert!(text(&root, ".field-error[data-field='mount-path']").contains("already mounted"));
    assert!(text(&root, ".field-error[data-field='mount-ufs']").contains("s3://elsewhere"));
    // Corrected as it is typed: the errors follow the input.
    set("#mount-path", "/lake");
    tick().await;
    assert!(q(&root, ".field-error[data-field='mount-path']").is_none());
}

#[wasm_bindgen_test]
fn coordinator_status_bodies_become_status_and_message() {
    english();
    let e = ApiError::from_alluxio_response(409, r#"{"status": "Load job for the same paths already exists", "id": "42"}"#, Some("rid-1".into()));
    assert_eq!((e.status, e.code.as_str(), e.request_id.as_deref()), (409, "409", Some("rid-1")));
    assert_eq!(e.message(), "Load job for the same paths already exists (42)");
    // A proxy's page in front of the coordinator is still read as one.
    let e = ApiError::from_alluxio_response(502, "<html>bad gateway</html>", None);
    assert_eq!(e.code, "502");
    assert!(e.message().contains("502"), "{}", e.message());
}
