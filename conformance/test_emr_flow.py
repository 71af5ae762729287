"""Classic EMR data development (Flow*, 2016-04-08) in the sandbox, driven by the official
alibabacloud-emr20160408 client: ACS3-HMAC-SHA256 signatures and the v2 (RPC v1) mode."""

import time

import pytest
from alibabacloud_emr20160408 import models as em

from conftest import alibaba_error

REGION = "cn-hangzhou"


@pytest.fixture(scope="module")
def project_id(emr):
    body = emr.list_flow_project(em.ListFlowProjectRequest(region_id=REGION, name="default")).body
    assert body.request_id and body.total == 1
    return body.projects.project[0].id


@pytest.fixture(scope="module")
def cluster_id(emr, project_id):
    clusters = emr.list_flow_cluster(em.ListFlowClusterRequest(region_id=REGION, project_id=project_id)).body.clusters.cluster_info
    return next(c.id for c in clusters if c.name == "emr-hadoop-prod")


def wait(client, project_id, instance_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        inst = client.describe_flow_node_instance(em.DescribeFlowNodeInstanceRequest(
            region_id=REGION, project_id=project_id, id=instance_id)).body
        if inst.status in ("SUCCESS", "FAILED", "KILL_SUCCESS"):
            return inst
        time.sleep(0.05)
    raise AssertionError(f"instance {instance_id} did not end")


def test_projects_and_categories(emr):
    pid = emr.create_flow_project(em.CreateFlowProjectRequest(region_id=REGION, name="conformance", description="SDK")).body.id
    assert pid.startswith("FP-")
    assert emr.describe_flow_project(em.DescribeFlowProjectRequest(region_id=REGION, project_id=pid)).body.name == "conformance"
    cid = emr.create_flow_category(em.CreateFlowCategoryRequest(region_id=REGION, project_id=pid, name="jobs", type="JOB")).body.id
    cats = emr.list_flow_category(em.ListFlowCategoryRequest(region_id=REGION, project_id=pid, root=True)).body
    assert [c.id for c in cats.categories.category] == [cid]
    assert emr.delete_flow_project(em.DeleteFlowProjectRequest(region_id=REGION, project_id=pid)).body.data is True


def test_create_submit_and_read_a_flow_job(emr, project_id, cluster_id):
    req = em.CreateFlowJobRequest(
        region_id=REGION, project_id=project_id, name="conformance-sql", description="TPC-H nations", type="spark_sql",
        fail_act="STOP", max_retry=1, retry_interval=5, mode="YARN", adhoc=False, cluster_id=cluster_id,
        params="SELECT n_name FROM nation WHERE n_regionkey = ${region} ORDER BY n_name LIMIT 2",
        param_conf='{"date":"${yyyy-MM-dd}"}', custom_variables='[{"name":"region","value":"1"}]',
        env_conf='{"K":"v"}', run_conf='{"priority":1,"userName":"hadoop","memory":2048,"cores":1}',
        resource_list=[em.CreateFlowJobRequestResourceList(path="oss://lakedeck-demo/scripts/tpch_q1.sql", alias="q1.sql")])
    job_id = emr.create_flow_job(req).body.id
    job = emr.describe_flow_job(em.DescribeFlowJobRequest(region_id=REGION, project_id=project_id, id=job_id)).body
    assert (job.type, job.mode, job.max_retry, job.adhoc) == ("SPARK_SQL", "YARN", 1, "false")
    assert job.resource_list.resource[0].alias == "q1.sql"
    listed = emr.list_flow_job(em.ListFlowJobRequest(region_id=REGION, project_id=project_id, type="SPARK_SQL", page_size=50)).body
    assert job_id in [j.id for j in listed.job_list.job]

    inst_id = emr.submit_flow_job(em.SubmitFlowJobRequest(region_id=REGION, project_id=project_id, job_id=job_id, cluster_id=cluster_id)).body.id
    inst = wait(emr, project_id, inst_id)
    assert inst.status == "SUCCESS" and inst.cluster_id == cluster_id and inst.retries == 0
    log = emr.describe_flow_node_instance_launcher_log(em.DescribeFlowNodeInstanceLauncherLogRequest(
        region_id=REGION, project_id=project_id, node_instance_id=inst_id)).body
    text = "".join(e.content for e in log.log_entrys.log_entry)
    assert log.log_end is True and "n_name\nARGENTINA\nBRAZIL\n" in text
    history = emr.list_flow_job_history(em.ListFlowJobHistoryRequest(
        region_id=REGION, project_id=project_id, id=job_id, status_list=["SUCCESS"],
        time_range='{"type":"range","from":%d,"to":%d}' % ((time.time() - 600) * 1000, (time.time() + 60) * 1000))).body
    assert [n.id for n in history.node_instances.node_instance] == [inst_id]
    assert history.node_instances.node_instance[0].pending is False


def test_kill_and_v2_signature_mode(emr_v2, project_id, cluster_id):
    job_id = emr_v2.create_flow_job(em.CreateFlowJobRequest(
        region_id=REGION, project_id=project_id, name="conformance long", description="cross join", type="HIVE_SQL",
        params="SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b")).body.id
    inst_id = emr_v2.submit_flow_job(em.SubmitFlowJobRequest(region_id=REGION, project_id=project_id, job_id=job_id, cluster_id=cluster_id)).body.id
    assert emr_v2.kill_flow_job(em.KillFlowJobRequest(region_id=REGION, project_id=project_id, job_instance_id=inst_id)).body.data is True
    assert wait(emr_v2, project_id, inst_id).status == "KILL_SUCCESS"
    assert emr_v2.delete_flow_job(em.DeleteFlowJobRequest(region_id=REGION, project_id=project_id, id=job_id)).body.data is True


def test_vendor_errors(emr, project_id):
    with pytest.raises(Exception) as e:
        emr.create_flow_job(em.CreateFlowJobRequest(region_id=REGION, project_id=project_id, name="bad", description="d", type="JAVA"))
    assert alibaba_error(e.value) == (400, "InvalidParameter")
    with pytest.raises(Exception) as e:
        emr.create_flow_job(em.CreateFlowJobRequest(region_id=REGION, project_id=project_id, name="bad", description="d", type="SHELL", max_retry=6))
    assert alibaba_error(e.value) == (400, "InvalidParameter")
    with pytest.raises(Exception) as e:
        emr.describe_flow_job(em.DescribeFlowJobRequest(region_id=REGION, project_id=project_id, id="FJ-0000000000000000"))
    assert alibaba_error(e.value) == (404, "InvalidJobId.NotFound")
