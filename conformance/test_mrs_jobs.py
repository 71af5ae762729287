"""The sandbox's V2 job and file APIs, driven by the official huaweicloudsdkmrs v2 client."""

import time
import uuid

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkmrs.v1 import ListClustersRequest
from huaweicloudsdkmrs.v2 import (
    BatchDeleteJobsRequest, ChargeInfo, CreateExecuteJobRequest, JobBatchDelete, JobExecution, NodeGroupV2,
    RunJobFlowCommand, RunJobFlowRequest, ShowHdfsFileListRequest, ShowJobExeListNewRequest,
    ShowSingleJobExeRequest, ShowSqlResultWithJobRequest, StepConfig, StopJobRequest, Volume)

FINAL = ("FINISHED", "FAILED", "KILLED")


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def cluster_id(v1):
    clusters = v1.list_clusters(ListClustersRequest(cluster_state="running", page_size="50")).clusters
    return next(c.cluster_id for c in clusters if c.cluster_name == "analytics-prod")


def submit(v2, cluster_id, job_type, name, arguments, properties=None):
    resp = v2.create_execute_job(CreateExecuteJobRequest(
        cluster_id=cluster_id,
        body=JobExecution(job_type=job_type, job_name=name, arguments=arguments, properties=properties)))
    assert resp.status_code == 202
    assert resp.job_submit_result.state == "COMPLETE"
    return resp.job_submit_result.job_id


def wait_final(v2, cluster_id, job_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = v2.show_single_job_exe(ShowSingleJobExeRequest(cluster_id=cluster_id, job_execution_id=job_id)).job_detail
        if job.job_state in FINAL:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end")


def test_sql_job_counts_lineitem_and_returns_its_result(v2, cluster_id):
    job_id = submit(v2, cluster_id, "SparkSql", unique("count"), ["SELECT count(*) AS n FROM lineitem"],
                    {"spark.yarn.queue": "etl"})
    job = wait_final(v2, cluster_id, job_id)
    assert (job.job_state, job.job_result, job.job_type) == ("FINISHED", "SUCCEEDED", "SparkSql")
    assert job.arguments == "[SELECT count(*) AS n FROM lineitem]"
    assert job.properties == "{spark.yarn.queue=etl}"
    assert job.queue == "etl" and job.job_progress == 100.0
    assert isinstance(job.submitted_time, int) and job.finished_time >= job.started_time >= job.submitted_time
    assert job.launcher_id.startswith("application_") and job.app_id.startswith("application_")
    assert job.tracking_url.startswith("http://") and job_id in job.tracking_url
    resp = v2.show_sql_result_with_job(ShowSqlResultWithJobRequest(cluster_id=cluster_id, job_execution_id=job_id))
    assert resp.status_code == 202
    assert resp.sql_results == {"0": [{"n": "60175"}]}


def test_script_job_and_sql_result_rules(v2, cluster_id):
    job_id = submit(v2, cluster_id, "SparkScript", unique("script"), ["obs://lakedeck-demo/scripts/revenue_by_nation.sql"])
    assert wait_final(v2, cluster_id, job_id).job_state == "FINISHED"
    results = v2.show_sql_result_with_job(
        ShowSqlResultWithJobRequest(cluster_id=cluster_id, job_execution_id=job_id)).sql_results
    assert results["0"] == [{"report": "revenue; by nation"}]
    assert len(results["1"]) == 5 and set(results["1"][0]) == {"nation", "revenue"}
    hive = submit(v2, cluster_id, "HiveSql", unique("hive"), ["SELECT 1"])
    wait_final(v2, cluster_id, hive)
    with pytest.raises(ClientRequestException) as e:
        v2.show_sql_result_with_job(ShowSqlResultWithJobRequest(cluster_id=cluster_id, job_execution_id=hive))
    assert (e.value.status_code, e.value.error_code) == (400, "0179")


def test_distcp_and_file_list(v2, cluster_id):
    job_id = submit(v2, cluster_id, "DistCp", unique("copy"), ["/tmp/demo/nation.csv", "/tmp/conformance/nation.csv"])
    assert wait_final(v2, cluster_id, job_id).job_state == "FINISHED"
    resp = v2.show_hdfs_file_list(ShowHdfsFileListRequest(cluster_id=cluster_id, path="/tmp/conformance"))
    assert resp.status_code == 200
    assert resp.total_count == 1
    f = resp.files[0]
    assert (f.path_suffix, f.type, f.owner, f.group) == ("nation.csv", "FILE", "hdfs", "hadoop")
    assert f.length > 1000 and f.replication == 3 and f.block_size == 134217728
    tables = v2.show_hdfs_file_list(ShowHdfsFileListRequest(
        cluster_id=cluster_id, path="/user/hive/warehouse", limit="3", offset="2", sort_key="path_suffix", order="asc"))
    assert tables.total_count >= 8
    assert [t.path_suffix for t in tables.files] == ["orders", "part", "partsupp"]
    assert all(t.type == "DIRECTORY" for t in tables.files)
    with pytest.raises(ClientRequestException) as e:
        v2.show_hdfs_file_list(ShowHdfsFileListRequest(cluster_id=cluster_id, path="/no/such/dir"))
    assert (e.value.status_code, e.value.error_code) == (404, "12000057")
    with pytest.raises(ClientRequestException) as e:
        v2.show_hdfs_file_list(ShowHdfsFileListRequest(cluster_id=cluster_id, path="/tmp/a:b"))
    assert e.value.status_code == 400


def test_list_filters_and_paging(v2, cluster_id):
    tag = uuid.uuid4().hex[:6]
    ids = [submit(v2, cluster_id, "SparkSql", f"list_{tag}_{i}", [f"SELECT {i}"]) for i in range(3)]
    for job_id in ids:
        wait_final(v2, cluster_id, job_id)
    resp = v2.show_job_exe_list_new(ShowJobExeListNewRequest(
        cluster_id=cluster_id, job_name=f"list_{tag}", sort_by="asc", limit="2", offset="1"))
    assert resp.status_code == 202
    assert resp.total_record == 3
    assert [j.job_id for j in resp.job_list] == ids[:2]
    page2 = v2.show_job_exe_list_new(ShowJobExeListNewRequest(
        cluster_id=cluster_id, job_name=f"list_{tag}", sort_by="asc", limit="2", offset="2"))
    assert [j.job_id for j in page2.job_list] == ids[2:]
    newest = v2.show_job_exe_list_new(ShowJobExeListNewRequest(cluster_id=cluster_id, job_name=f"list_{tag}"))
    assert newest.job_list[0].job_id == ids[2], "newest first by default"
    first = wait_final(v2, cluster_id, ids[0])
    window = v2.show_job_exe_list_new(ShowJobExeListNewRequest(
        cluster_id=cluster_id, job_name=f"list_{tag}", job_type="SparkSql", job_state="FINISHED",
        job_result="SUCCEEDED", user="sandbox", queue="default",
        submitted_time_begin=first.submitted_time, submitted_time_end=first.submitted_time))
    assert [j.job_id for j in window.job_list] == [ids[0]]
    with pytest.raises(ClientRequestException) as e:
        v2.show_job_exe_list_new(ShowJobExeListNewRequest(cluster_id=cluster_id, job_state="DONE"))
    assert e.value.status_code == 400


def test_stop_and_batch_delete(v2, cluster_id):
    job_id = submit(v2, cluster_id, "SparkSql", unique("cross"),
                    ["SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b"])
    with pytest.raises(ClientRequestException) as e:
        v2.batch_delete_jobs(BatchDeleteJobsRequest(cluster_id=cluster_id, body=JobBatchDelete(job_id_list=[job_id])))
    assert (e.value.status_code, e.value.error_code) == (400, "0183")
    resp = v2.stop_job(StopJobRequest(cluster_id=cluster_id, job_execution_id=job_id))
    assert resp.status_code == 202
    job = v2.show_single_job_exe(ShowSingleJobExeRequest(cluster_id=cluster_id, job_execution_id=job_id)).job_detail
    assert (job.job_state, job.job_result) == ("KILLED", "KILLED")
    resp = v2.batch_delete_jobs(BatchDeleteJobsRequest(cluster_id=cluster_id, body=JobBatchDelete(job_id_list=[job_id])))
    assert resp.status_code == 202
    with pytest.raises(ClientRequestException) as e:
        v2.show_single_job_exe(ShowSingleJobExeRequest(cluster_id=cluster_id, job_execution_id=job_id))
    assert (e.value.status_code, e.value.error_code) == (400, "0176")


def test_create_refusals(v2, cluster_id):
    with pytest.raises(ClientRequestException) as e:
        submit(v2, cluster_id, "SparkSql", "bad name", ["SELECT 1"])
    assert e.value.status_code == 400
    with pytest.raises(ClientRequestException) as e:
        submit(v2, cluster_id, "SparkSubmit", unique("bad"), ["a;b"])
    assert e.value.status_code == 400


def test_run_job_flow_runs_steps_and_deletes_the_cluster(v1, v2):
    def group(name, count):
        return NodeGroupV2(group_name=name, node_num=count, node_size="c6.4xlarge.4.linux.bigdata",
                           root_volume=Volume(type="SAS", size=480), data_volume=Volume(type="SAS", size=600),
                           data_volume_count=1)
    body = RunJobFlowCommand(
        cluster_version="MRS 3.1.0", cluster_name=unique("flow"), cluster_type="ANALYSIS",
        charge_info=ChargeInfo(charge_mode="postPaid"), region="cn-north-4", availability_zone="cn-north-4a",
        vpc_name="vpc-lakedeck", subnet_name="subnet-data", components="Hadoop,Spark2x,Hive",
        safe_mode="SIMPLE", manager_admin_password="Admin@12345", login_mode="KEYPAIR",
        node_keypair_name="KeyPair-lakedeck",
        node_groups=[group("master_node_default_group", 1), group("core_node_analysis_group", 1)],
        delete_when_no_steps=True,
        steps=[StepConfig(job_execution=JobExecution(job_type="SparkSql", job_name="step1",
                                                      arguments=["SELECT count(*) AS n FROM nation"]))])
    resp = v2.run_job_flow(RunJobFlowRequest(body=body))
    assert resp.status_code == 200
    cluster_id = resp.cluster_id
    from huaweicloudsdkmrs.v1 import ShowClusterDetailsRequest
    deadline = time.time() + 90
    while v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cluster_id)).cluster.cluster_state != "terminated":
        assert time.time() < deadline, "the job flow's cluster was never deleted"
        time.sleep(0.1)
    jobs = v2.show_job_exe_list_new(ShowJobExeListNewRequest(cluster_id=cluster_id)).job_list
    assert [(j.job_name, j.job_state) for j in jobs] == [("step1", "FINISHED")]
    results = v2.show_sql_result_with_job(
        ShowSqlResultWithJobRequest(cluster_id=cluster_id, job_execution_id=jobs[0].job_id)).sql_results
    assert results == {"0": [{"n": "25"}]}
