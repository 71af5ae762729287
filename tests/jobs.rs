//! Jobs and files views: URL state, cross-cluster merging, the submit form's rules, wire readers
//! for the job answers, and the job widgets, in headless Chromium.

use lakedeck::api::jobs::JobRow;
use lakedeck::api::wire::decode;
use lakedeck::pages::files::browser::{files_query_from, files_query_string};
use lakedeck::pages::jobs::detail::{result_columns, safe_link};
use lakedeck::pages::jobs::list::{merge_job_lists, JobParams};
use lakedeck::pages::jobs::submit::{error_for, JobDraft};
use lakedeck::pages::jobs::{JobProgress, JobStateChip};
use lakedeck_api::mrs_jobs::{JobQueryBean, ListFilesResponse, ListJobsResponse, SqlResultResponse};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen_test::*;

use lakedeck::i18n::problem;

mod support;
use support::{host, query_lookup};

wasm_bindgen_test_configure!(run_in_browser);


fn job(id: &str, submitted: i64) -> JobQueryBean {
    JobQueryBean { job_id: id.into(), job_name: id.into(), submitted_time: submitted, ..Default::default() }
}

#[wasm_bindgen_test]
fn job_params_round_trip_through_the_url() {
    support::english();
    let p = JobParams {
        cluster: "c1".into(),
        name: "etl".into(),
        job_type: "SparkSql".into(),
        state: "RUNNING".into(),
        from: "2026-11-23T10:00".into(),
        ascending: true,
        page: 3,
        size: 20,
        ..Default::default()
    };
    let back = JobParams::from_pairs(query_lookup(&p.to_query()));
    assert_eq!(back, p);
    assert_eq!(JobParams::default().to_query(), "", "defaults stay out of the URL");
    // Values outside the API's vocabulary fall back instead of reaching the server.
    let odd = JobParams::from_pairs(|k| match k {
        "type" => Some("Bogus".into()),
        "state" => Some("running".into()),
        "size" => Some("13".into()),
        _ => None,
    });
    assert_eq!((odd.job_type.as_str(), odd.state.as_str(), odd.size), ("", "", 10));
    // The time range is sent in epoch milliseconds, the end minute included.
    let api = p.api_query(20, 3);
    let from = js_sys::Date::new(&"2026-11-23T10:00".into()).get_time() as i64;
    assert_eq!(api.submitted_begin, Some(from));
    assert!(api.to_query().contains(&format!("submitted_time_begin={from}")));
    assert!(api.to_query().contains("sort_by=asc") && api.to_query().contains("offset=3"));
}

#[wasm_bindgen_test]
fn pages_across_clusters_merge_by_submit_time() {
    support::english();
    let a = ListJobsResponse { total_record: 3, job_list: vec![job("a3", 30), job("a2", 20), job("a1", 10)] };
    let b = ListJobsResponse { total_record: 2, job_list: vec![job("b2", 25), job("b1", 5)] };
    let lists = || vec![("ca".to_string(), "A".to_string(), a.clone()), ("cb".to_string(), "B".to_string(), b.clone())];
    let ids = |rows: &[JobRow]| rows.iter().map(|r| r.job.job_id.clone()).collect::<Vec<_>>();
    let page1 = merge_job_lists(lists(), false, 1, 2);
    assert_eq!(page1.total, 5);
    assert_eq!(ids(&page1.rows), ["a3", "b2"]);
    assert_eq!(page1.rows[1].cluster_name, "B");
    assert_eq!(ids(&merge_job_lists(lists(), false, 2, 2).rows), ["a2", "a1"]);
    assert_eq!(ids(&merge_job_lists(lists(), false, 3, 2).rows), ["b1"]);
}

#[wasm_bindgen_test]
fn the_submit_form_builds_each_type_and_checks_like_the_service() {
    support::english();
    let base = JobDraft { cluster: "c".into(), name: "j1".into(), ..Default::default() };
    let sql = JobDraft { job_type: "SparkSql".into(), sql: " SELECT 1 ".into(), ..base.clone() };
    let (job, errors) = sql.build();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(job.arguments.unwrap(), ["SELECT 1"]);

    let copy = JobDraft { job_type: "DistCp".into(), source: "/tmp/a".into(), target: "obs://b/a".into(), ..base.clone() };
    assert_eq!(copy.build().0.arguments.unwrap(), ["/tmp/a", "obs://b/a"]);
    let half = JobDraft { target: String::new(), ..copy };
    let said = |errors: &[lakedeck_api::rules::FieldError], field: &str| error_for(errors, field).map(|p| problem(&p)).unwrap_or_default();
    assert!(said(&half.build().1, "arguments").contains("exactly two"));

    let submit = JobDraft {
        job_type: "SparkSubmit".into(),
        args: "--class\norg.Main\n\n/apps/app.jar\n".into(),
        properties: "spark.executor.memory = 2g\nnot a pair".into(),
        ..base.clone()
    };
    let (job, errors) = submit.build();
    assert_eq!(job.arguments.unwrap(), ["--class", "org.Main", "/apps/app.jar"]);
    assert_eq!(job.properties.unwrap()["spark.executor.memory"], "2g");
    assert!(said(&errors, "properties").contains("Line 2"));

    let bad = JobDraft { cluster: String::new(), name: "bad name".into(), job_type: "HiveScript".into(), script: "/x.txt".into(), ..base };
    let errors = bad.build().1;
    assert!(error_for(&errors, "cluster").is_some());
    assert!(said(&errors, "job_name").contains("' '"));
    assert!(said(&errors, "arguments").contains(".sql"));
    // The same problems read in Chinese.
    support::chinese();
    assert!(said(&errors, "job_name").contains("作业名称只能包含"), "{}", said(&errors, "job_name"));
    assert_eq!(said(&errors, "cluster"), "请选择运行作业的集群。");
    support::english();
    // `arguments[0]` counts as the arguments field.
    let semicolon = JobDraft { job_type: "HiveSql".into(), sql: "SELECT 1;".into(), name: "ok".into(), cluster: "c".into(), ..Default::default() };
    assert!(said(&semicolon.build().1, "arguments").contains("';'"));
}

#[wasm_bindgen_test]
fn job_answers_read_like_the_shared_decoders() {
    support::english();
    let list = serde_json::json!({"total_record": 2, "job_list": [{
        "job_id": "j1", "user": "u", "job_name": "n", "job_result": "SUCCEEDED", "job_state": "FINISHED",
        "job_progress": 100.0, "job_type": "SparkSql", "started_time": 2, "submitted_time": 1, "finished_time": 3,
        "elapsed_time": 1, "arguments": "[a]", "launcher_id": "l", "properties": "{}", "app_id": "app",
        "tracking_url": "/t", "queue": "default"
    }]});
    let want: ListJobsResponse = serde_json::from_value(list.clone()).unwrap();
    assert_eq!(decode::<ListJobsResponse>(&list.to_string()).unwrap(), want);
    let files = serde_json::json!({"total_count": 1, "files": [{
        "path_suffix": "a.csv", "owner": "o", "group": "g", "permission": "644", "replication": 3,
        "block_size": 128, "length": 10, "type": "FILE", "children_num": 0, "access_time": 1, "modification_time": 2
    }]});
    let want: ListFilesResponse = serde_json::from_value(files.clone()).unwrap();
    assert_eq!(decode::<ListFilesResponse>(&files.to_string()).unwrap(), want);
    // Result columns keep the query's order, not alphabetical order.
    let r: SqlResultResponse = serde_json::from_str(r#"{"sql_results":{"0":[{"z":"1","a":"2"}]}}"#).unwrap();
    assert_eq!(result_columns(&r.sql_results.0[0].1), ["z", "a"]);
}

#[wasm_bindgen_test]
fn only_web_links_become_links_and_file_state_round_trips() {
    support::english();
    assert_eq!(safe_link("https://yarn/app").as_deref(), Some("https://yarn/app"));
    assert_eq!(safe_link("/sandbox/clusters/c/jobs/j/log?key=k").as_deref(), Some("/sandbox/clusters/c/jobs/j/log?key=k"));
    assert_eq!(safe_link("javascript:alert(1)"), None);
    assert_eq!(safe_link("//evil.example"), None);
    let q = files_query_from(|k| match k {
        "path" => Some("/tmp/demo".into()),
        "sort" => Some("length".into()),
        "dir" => Some("desc".into()),
        "page" => Some("2".into()),
        _ => None,
    });
    assert_eq!((q.path.as_str(), q.sort_key.as_str(), q.descending, q.page, q.limit), ("/tmp/demo", "length", true, 2, 20));
    assert_eq!(files_query_string(&q), "?path=%2Ftmp%2Fdemo&sort=length&dir=desc&page=2");
    assert_eq!(files_query_from(|k| (k == "path").then(|| "relative/x".into())).path, "/", "invalid paths fall back to the root");
}

#[wasm_bindgen_test]
async fn job_widgets_show_state_result_and_progress() {
    support::english();
    let el = host();
    let state = RwSignal::new("RUNNING".to_string());
    let progress = RwSignal::new(42.4);
    let _h = mount_to(el.clone(), move || view! {
        <JobStateChip state=state result="UNDEFINED"/>
        <JobProgress percent=progress state=state label="p"/>
    });
    tick().await;
    let chip = el.query_selector(".state-chip").unwrap().unwrap();
    assert_eq!(chip.get_attribute("data-state").as_deref(), Some("RUNNING"));
    assert!(chip.class_name().contains("tone-busy"));
    assert!(chip.text_content().unwrap().contains("Running"), "the state in words");
    assert!(!chip.text_content().unwrap().contains("Undefined"), "no result while running");
    let bar = el.query_selector("[role=progressbar]").unwrap().unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("42"));
    // A running job that reported nothing yet (one SQL statement) runs, it is not at 0 %.
    progress.set(0.0);
    tick().await;
    assert_eq!(bar.get_attribute("aria-valuenow"), None);
    assert_eq!(bar.get_attribute("aria-valuetext").as_deref(), Some("Running"));
    assert_eq!(el.query_selector(".meter-text").unwrap().unwrap().text_content().unwrap(), "Running");
    assert!(el.query_selector(".job-progress-unknown").unwrap().is_some());
    state.set("FAILED".into());
    progress.set(100.0);
    tick().await;
    assert!(chip.class_name().contains("tone-bad"));
    assert_eq!(el.query_selector(".meter-text").unwrap().unwrap().text_content().unwrap(), "100%");
    support::chinese();
    tick().await;
    assert!(chip.text_content().unwrap().contains("已失败"), "{:?}", chip.text_content());
    support::english();
}
