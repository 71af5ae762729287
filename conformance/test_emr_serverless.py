"""EMR Serverless Spark (2023-08-08) in the sandbox, driven by the official
alibabacloud-emr-serverless-spark20230808 client: ACS3-HMAC-SHA256 signatures and the v2 mode."""

import time

import pytest
from alibabacloud_emr_serverless_spark20230808 import models as sm

from conftest import alibaba_error

CROSS_JOIN = "SELECT sum(a.l_quantity * b.l_quantity) AS s FROM lineitem a CROSS JOIN lineitem b"


@pytest.fixture(scope="module")
def workspace_id(spark):
    resp = spark.list_workspaces(sm.ListWorkspacesRequest(name="lakedeck-sandbox", max_results=10))
    assert resp.status_code == 200 and resp.body.request_id
    return resp.body.workspaces[0].workspace_id


def sql_run(name, sql, **extra):
    return sm.StartJobRunRequest(
        name=name, code_type="SQL",
        job_driver=sm.JobDriver(spark_submit=sm.JobDriverSparkSubmit(entry_point="", entry_point_arguments=["-e", sql])),
        **extra)


def wait(client, ws, run_id, done=("Success", "Failed", "Cancelled"), timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = client.get_job_run(ws, run_id, sm.GetJobRunRequest()).body.job_run
        if run.state in done:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not reach {done}")


def test_workspaces_queues_and_releases(spark, workspace_id):
    body = spark.list_workspaces(sm.ListWorkspacesRequest(tag=[sm.ListWorkspacesRequestTag(key="env", value="dev")])).body
    assert [w.workspace_name for w in body.workspaces] == ["lakedeck-sandbox"]
    assert body.workspaces[0].tags[0].tag_key == "env" and body.total_count == 1
    queues = spark.list_workspace_queues(workspace_id, sm.ListWorkspaceQueuesRequest()).body.queues
    assert {q.queue_name for q in queues} == {"root_queue", "dev_queue"}
    assert all(q.max_resource.startswith('{"cpu"') for q in queues)
    releases = spark.list_release_versions(sm.ListReleaseVersionsRequest(release_version_status="ONLINE")).body
    assert releases.total_count == 3 and releases.release_versions[0].release_version.startswith("esr-")


def test_sql_run_to_success_with_rows_in_the_driver_log(spark, workspace_id):
    req = sql_run("conformance-nations", "SELECT n_name FROM nation ORDER BY n_nationkey LIMIT 2",
                  tags=[sm.Tag(key="suite", value="conformance")], resource_queue_id="root_queue",
                  release_version="esr-4.0.0 (Spark 3.5.2, Scala 2.12)", execution_timeout_seconds=600,
                  configuration_overrides=sm.StartJobRunRequestConfigurationOverrides(configurations=[
                      sm.StartJobRunRequestConfigurationOverridesConfigurations(
                          config_file_name="spark-defaults.conf", config_item_key="spark.app.name", config_item_value="nations")]))
    run_id = spark.start_job_run(workspace_id, req).body.job_run_id
    run = wait(spark, workspace_id, run_id)
    assert run.state == "Success", run.state_change_reason.message
    assert run.resource_queue_id == "root_queue" and run.tags[0].key == "suite"
    logs = spark.list_log_contents(workspace_id, sm.ListLogContentsRequest(file_name=run.log.driver_std_out, offset=0, length=10)).body
    assert [c.line_content for c in logs.list_log_content.contents] == ["n_name\n", "ALGERIA\n", "ARGENTINA\n"]
    assert logs.list_log_content.total_length == 3

    # Found by the list with its filters (JSON-string query parameters, capitalised booleans).
    now = int(time.time() * 1000)
    listed = spark.list_job_runs(workspace_id, sm.ListJobRunsRequest(
        max_results=10, name="conformance-nations", states=["Success"], tags=[sm.Tag(key="suite", value="conformance")],
        start_time=sm.ListJobRunsRequestStartTime(start_time=now - 600_000, end_time=now + 60_000),
        end_time=sm.ListJobRunsRequestEndTime(start_time=now - 600_000, end_time=now + 60_000),
        resource_queue_id="root_queue", is_workflow="false", min_duration=0,
        application_configs='[{"key":"spark.app.name","value":"nations"}]', group_by_state=True)).body
    assert [r.job_run_id for r in listed.job_runs] == [run_id]
    assert listed.total_count == 1 and listed.next_token == "" and listed.aggregations == {"Success": "1"}
    row = listed.job_runs[0]
    assert row.vcore_seconds >= 0 and row.mb_seconds >= 0 and row.cu_hours >= 0 and row.creator

    hours = spark.get_cu_hours(workspace_id, "root_queue", sm.GetCuHoursRequest(
        start_time=time.strftime("%Y-%m-%d %H:00:00", time.gmtime(time.time() - 3600)),
        end_time=time.strftime("%Y-%m-%d %H:00:00", time.gmtime(time.time() + 3600)))).body
    assert hours.data.cu_hours.startswith("{") and hours.data.cu_hours.count("=") == 2


def test_cancel_a_long_run(spark, workspace_id):
    run_id = spark.start_job_run(workspace_id, sql_run("conformance-long", CROSS_JOIN)).body.job_run_id
    wait(spark, workspace_id, run_id, done=("Running",))
    assert spark.cancel_job_run(workspace_id, run_id, sm.CancelJobRunRequest()).body.job_run_id == run_id
    run = wait(spark, workspace_id, run_id)
    assert run.state == "Cancelled" and run.state_change_reason.code == "CancelledByUser"


def test_v2_signature_mode(spark_v2, workspace_id):
    run_id = spark_v2.start_job_run(workspace_id, sql_run("conformance v2", "SELECT 1 AS one")).body.job_run_id
    assert wait(spark_v2, workspace_id, run_id).state == "Success"
    listed = spark_v2.list_job_runs(workspace_id, sm.ListJobRunsRequest(
        name="conformance v2", states=["Success", "Failed"], max_results=5)).body
    assert [r.job_run_id for r in listed.job_runs] == [run_id]
    assert spark_v2.list_workspace_queues(workspace_id, sm.ListWorkspaceQueuesRequest(environment="dev")).body.queues[0].queue_name == "dev_queue"


def test_vendor_errors(spark, workspace_id):
    with pytest.raises(Exception) as e:
        spark.list_job_runs(workspace_id, sm.ListJobRunsRequest(max_results=101))
    assert alibaba_error(e.value) == (400, "InvalidParameter")
    with pytest.raises(Exception) as e:
        spark.get_job_run(workspace_id, "jr-0000000000000000", sm.GetJobRunRequest())
    assert alibaba_error(e.value) == (404, "InvalidJobRunId.NotFound")
    with pytest.raises(Exception) as e:
        spark.start_job_run(workspace_id, sm.StartJobRunRequest(name="x", code_type="JAR"))
    assert alibaba_error(e.value) == (400, "MissingParameter")
