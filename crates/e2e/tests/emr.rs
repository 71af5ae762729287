//! Alibaba EMR as a user meets it in the console: submit a SQL job run from the form (its checks
//! first), follow its driver log to Success and read its rows, find it with a state and a tag
//! filter, cancel a long run from the list; create a flow job (a bad JSON field refused as it is
//! typed), run it on a cluster and see the instance succeed with its log.

use lakedeck_e2e::Harness;

async fn query(h: &Harness) -> String {
    h.client.current_url().await.unwrap().query().unwrap_or_default().to_string()
}

/// The seeded workspace `lakedeck-sandbox`.
fn workspace(h: &Harness) -> String {
    h.db()
        .query_row("SELECT workspace_id FROM emr_workspaces WHERE json_extract(data, '$.name') = 'lakedeck-sandbox'", [], |r| r.get(0))
        .expect("seeded workspace lakedeck-sandbox")
}

/// Opens the submit form on `ws` and fills a SQL run.
async fn fill_sql_run(h: &Harness, ws: &str, name: &str, sql: &str, tags: &str) {
    h.goto(&format!("/emr/runs/submit?ws={ws}")).await;
    h.find(&format!("#run-workspace option[value='{ws}']")).await;
    h.find("#run-queue option[value='dev_queue']").await;
    h.type_into("#run-name", name).await;
    h.type_into("#run-sql", sql).await;
    h.type_into("#run-tags", tags).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sql_run_from_the_form_succeeds_is_found_by_state_and_tag_and_a_long_run_is_cancelled() {
    let h = Harness::start(300).await;
    let ws = workspace(&h);

    // The form checks like the service: a tag that is not key=value, a timeout over a week.
    fill_sql_run(&h, &ws, "nations-e2e", "SELECT n_name FROM nation ORDER BY n_name", "e2e").await;
    h.type_into("#run-timeout", "99999999").await;
    h.click("#run-submit").await;
    h.wait_text(".field-error[data-field='run-tags']", "the tag error", |t| t.contains("key=value")).await;
    h.wait_text(".field-error[data-field='run-timeout']", "the timeout error", |t| t.contains("executionTimeoutSeconds")).await;
    assert!(h.client.current_url().await.unwrap().path().ends_with("/emr/runs/submit"), "nothing was sent");

    // Corrected, it is accepted and the page follows the run to its end.
    h.type_into("#run-tags", "e2e=yes, team=data").await;
    h.type_into("#run-timeout", "600").await;
    h.find("#run-queue").await.select_by_value("dev_queue").await.unwrap();
    h.wait_gone(".field-error").await;
    h.click("#run-submit").await;
    let path = h.wait_path("the run's page", |p| p.starts_with(&format!("/emr/runs/{ws}/jr-"))).await;
    let run_id = path.rsplit('/').next().unwrap().to_string();
    h.wait_text("#run-id", "the run id", |t| t.trim() == run_id).await;
    h.wait_text("#run-detail .run-status .state-chip", "Success", |t| t.contains("Success")).await;
    assert_eq!(h.find("#run-timeline li[data-step='Running']").await.attr("class").await.unwrap().as_deref(), Some("step step-done"));
    assert_eq!(h.text("#run-queue").await.trim(), "dev_queue");
    let log = h.wait_text("#run-log", "the statement in stderr", |t| t.contains("Fetched 25 row(s)")).await;
    assert!(log.contains("SELECT n_name FROM nation"), "{log}");
    h.wait_text("#run-log-status", "a complete log", |t| t.contains("Complete")).await;
    // The driver's stdout as a table (the grid holds the 25 rows; those in view are in the DOM).
    let table = h.wait_text("#sql-output", "the rows", |t| t.contains("ALGERIA") && t.contains("ARGENTINA")).await;
    assert!(table.contains("Statement 1: 25 rows") && table.contains("n_name"), "{table}");
    h.wait_text("#run-usage", "the usage", |t| !t.is_empty()).await;
    h.click("#run-log-tab-stdout").await;
    h.wait_text("#run-log", "stdout", |t| t.starts_with("n_name") && t.contains("ARGENTINA")).await;

    // Found in the list by state and tag, and the filters live in the URL.
    h.eval("window.scrollTo(0, 0); return 0").await;
    h.click("#back-to-runs").await;
    let row = format!("tr[data-run-id='{run_id}']");
    h.find(&row).await;
    h.click("#run-state-chips button[data-state='Success']").await;
    h.wait_text("#run-state-chips button[data-state='Success']", "pressed", |_| true).await;
    h.type_into("#run-tags-filter", "e2e=yes\n").await;
    h.wait_text("#runs-pager .pager-range", "one run", |t| t.contains("of 1")).await;
    h.find(&row).await;
    let q = query(&h).await;
    assert!(q.contains("states=Success") && q.contains("tags=e2e%3Dyes"), "{q}");
    // A state it is not in hides it.
    h.click("#run-state-chips button[data-state='Success']").await;
    h.click("#run-state-chips button[data-state='Failed']").await;
    h.wait_gone(&row).await;
    h.wait_text("#runs-view tbody", "the filtered empty state", |t| t.contains("No runs match")).await;
    // A bad filter is shown next to its field and nothing is sent.
    h.click("#clear-run-filters").await;
    h.type_into("#run-min-duration", "soon\n").await;
    h.wait_text(".field-error[data-field='min']", "the duration error", |t| t.contains("soon")).await;
    h.find("#runs-filter-problem").await;
    h.type_into("#run-min-duration", "\n").await;

    // A long run, cancelled from the list with the service's answer.
    fill_sql_run(&h, &ws, "cross-join-e2e", "SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b", "e2e=long").await;
    h.click("#run-submit").await;
    let path = h.wait_path("the long run's page", |p| p.starts_with(&format!("/emr/runs/{ws}/jr-"))).await;
    let long_id = path.rsplit('/').next().unwrap().to_string();
    h.wait_text("#run-detail .run-status .state-chip", "Running", |t| t.contains("Running")).await;
    h.goto(&format!("/emr/runs?ws={ws}&tags=e2e%3Dlong")).await;
    let long_row = format!("tr[data-run-id='{long_id}']");
    h.click(&format!("{long_row} .cancel-run")).await;
    h.click("#cancel-run-confirm").await;
    h.wait_text("#runs-outcome", "the service's answer", |t| t.contains("cross-join-e2e") && t.contains("request")).await;
    h.wait_text(&format!("{long_row} .state-chip"), "Cancelled", |t| t.contains("Cancelled")).await;
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_job_is_created_run_on_a_cluster_and_its_instance_succeeds() {
    let h = Harness::start(300).await;
    h.goto("/emr/flows").await;
    h.wait_text("#flow-project", "the seeded project", |t| t.contains("default")).await;
    h.find("tr[data-flow-job-id]").await;
    h.click("#new-flow-job").await;
    h.wait_path("the new-job form", |p| p.ends_with("/jobs/new")).await;

    h.type_into("#flow-name", "nation-count-e2e").await;
    h.type_into("#flow-description", "Counts the nations").await;
    h.find("#flow-kind").await.select_by_value("SPARK_SQL").await.unwrap();
    h.type_into("#flow-params", "SELECT count(*) AS n FROM nation WHERE n_regionkey = ${region}").await;
    // A JSON field is checked as it is typed.
    h.type_into("#flow-param-conf", "{region:1").await;
    h.wait_text(".field-error[data-field='flow-param-conf']", "the JSON error", |t| t.contains("ParamConf")).await;
    h.type_into("#flow-param-conf", r#"{"region":"1"}"#).await;
    h.wait_gone(".field-error[data-field='flow-param-conf']").await;
    h.click("#add-resource").await;
    h.type_into("#resource-path-0", "oss://lakedeck-demo/scripts/tpch_q1.sql").await;
    h.type_into("#resource-alias-0", "q1.sql").await;
    h.type_into("#flow-max-retry", "1").await;
    h.click("#flow-job-save").await;
    let path = h.wait_path("the job's page", |p| p.contains("/jobs/FJ-")).await;
    let job_id = path.rsplit('/').next().unwrap().to_string();
    h.wait_text("#flow-job-title", "the job", |t| t.contains(&job_id)).await;
    assert_eq!(h.find("#resource-alias-0").await.prop("value").await.unwrap().as_deref(), Some("q1.sql"));

    // Run on the idle cluster.
    let cluster: String = h
        .db()
        .query_row("SELECT cluster_id FROM flow_clusters WHERE json_extract(data, '$.name') = 'emr-spark-dev'", [], |r| r.get(0))
        .expect("seeded cluster emr-spark-dev");
    h.find(&format!("#flow-run-cluster option[value='{cluster}']")).await;
    h.find("#flow-run-cluster").await.select_by_value(&cluster).await.unwrap();
    h.click("#flow-job-run").await;
    let path = h.wait_path("the instance's page", |p| p.contains("/instances/FJI-")).await;
    let instance = path.rsplit('/').next().unwrap().to_string();
    h.wait_text("#instance-status", "SUCCESS", |t| t.contains("Succeeded")).await;
    assert_eq!(h.find("#instance-status .state-chip").await.attr("data-state").await.unwrap().as_deref(), Some("SUCCESS"));
    assert!(h.text("#instance-params").await.contains("n_regionkey = 1"), "variables filled in");
    h.wait_text("#instance-log", "the rows in the launcher log", |t| t.contains("n_regionkey = 1") && t.contains("\nn\n5\n")).await;
    h.wait_text("#instance-log-status", "a complete log", |t| t.contains("Complete")).await;

    // The history lists it, and a status filter that excludes it hides it.
    h.eval("window.scrollTo(0, 0); return 0").await;
    h.click("#back-to-instances").await;
    let row = format!("tr[data-instance-id='{instance}']");
    h.wait_text(&row, "the instance in the history", |t| t.contains("nation-count-e2e")).await;
    h.click("#instance-status-filter button[data-state='FAILED']").await;
    h.wait_gone(&row).await;
    assert!(query(&h).await.contains("status=FAILED"));
    h.close().await;
}
