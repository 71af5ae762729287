"""Every MRS tag and auto-scaling operation of the sandbox, driven by the official huaweicloudsdkmrs v1 and v2
clients (AK/SK signed)."""

import json
import time
import uuid

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkmrs.v1 import (
    AutoScalingPolicy, AutoScalingPolicyReqV11, BatchCreateClusterTagsReq, BatchCreateClusterTagsRequest,
    BatchDeleteClusterTagsReq, BatchDeleteClusterTagsRequest, CreateClusterTagRequest, CreateScalingPolicyRequest,
    CreateTagReq, DeleteClusterTagRequest, ListAllTagsRequest, ListClustersByTagsRequest, ListClusterTagsRequest,
    ListResourceReq, Match, ShowClusterDetailsRequest, TagWithMultiValue)
from huaweicloudsdkmrs.v1 import ResourcesPlan as ResourcesPlanV1
from huaweicloudsdkmrs.v1 import Rule as RuleV1
from huaweicloudsdkmrs.v1 import ScaleScript
from huaweicloudsdkmrs.v1 import Tag as TagV1
from huaweicloudsdkmrs.v1 import Trigger as TriggerV1
from huaweicloudsdkmrs.v2 import (
    AutoScalingPolicyDeleteReq, AutoScalingPolicyInfo, AutoScalingPolicyV2, ChargeInfo, CreateAutoScalingPolicyRequest,
    CreateClusterReqV2, CreateClusterRequest, DeleteAutoScalingPolicyRequest, ModifyDefaultTagsRequestBody, NodeGroupV2,
    ResourcesPlan, Rule, ShowAutoScalingPolicyRequest, ShowTagQuotaRequest, ShowTagStatusRequest, SwitchClusterTagsRequest,
    Tag, Trigger, UpdateAutoScalingPolicyRequest, Volume)


@pytest.fixture(scope="module")
def cluster(v1, v2):
    """A running cluster of this module's own, with no Task nodes and one tag."""
    group = lambda name, n: NodeGroupV2(group_name=name, node_num=n, node_size="c6.4xlarge.4.linux.bigdata",
                                        root_volume=Volume(type="SAS", size=480), data_volume_count=0)
    body = CreateClusterReqV2(
        cluster_version="MRS 3.1.0", cluster_name=f"tags_{uuid.uuid4().hex[:8]}", cluster_type="ANALYSIS",
        charge_info=ChargeInfo(charge_mode="postPaid"), region="cn-north-4", availability_zone="cn-north-4a",
        vpc_name="vpc-lakedeck", subnet_name="subnet-data", components="Hadoop,Spark2x,Hive", safe_mode="SIMPLE",
        manager_admin_password="Admin@12345", login_mode="KEYPAIR", node_keypair_name="KeyPair-lakedeck",
        tags=[Tag(key="suite", value="conformance")],
        node_groups=[group("master_node_default_group", 2), group("core_node_analysis_group", 3)])
    cid = v2.create_cluster(CreateClusterRequest(body=body)).cluster_id
    deadline = time.time() + 30
    while v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cid)).cluster.cluster_state != "running":
        assert time.time() < deadline, "the cluster never started"
        time.sleep(0.05)
    return cid


def tags_of(v1, cid):
    return [(t.key, t.value) for t in v1.list_cluster_tags(ListClusterTagsRequest(cluster_id=cid)).tags]


def refused(call, status, code):
    with pytest.raises(ClientRequestException) as e:
        call()
    assert (e.value.status_code, e.value.error_code) == (status, code), e.value.error_msg
    return e.value.error_msg


def test_cluster_tags_create_list_delete(v1, cluster):
    assert tags_of(v1, cluster) == [("suite", "conformance")]
    resp = v1.create_cluster_tag(CreateClusterTagRequest(cluster_id=cluster, body=CreateTagReq(tag=TagV1(key="owner", value="alice"))))
    assert resp.status_code == 204
    v1.create_cluster_tag(CreateClusterTagRequest(cluster_id=cluster, body=CreateTagReq(tag=TagV1(key="owner", value="bob"))))
    v1.create_cluster_tag(CreateClusterTagRequest(cluster_id=cluster, body=CreateTagReq(tag=TagV1(key="cost center", value=""))))
    assert tags_of(v1, cluster) == [("suite", "conformance"), ("owner", "bob"), ("cost center", "")]
    detail = v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cluster)).cluster
    assert detail.tags == "suite=conformance,owner=bob,cost center="
    assert v1.delete_cluster_tag(DeleteClusterTagRequest(cluster_id=cluster, key="cost center")).status_code == 204
    assert v1.delete_cluster_tag(DeleteClusterTagRequest(cluster_id=cluster, key="owner")).status_code == 204
    refused(lambda: v1.delete_cluster_tag(DeleteClusterTagRequest(cluster_id=cluster, key="owner")), 404, "12005003")
    msg = refused(lambda: v1.create_cluster_tag(CreateClusterTagRequest(
        cluster_id=cluster, body=CreateTagReq(tag=TagV1(key="a=b", value="x")))), 400, "12005002")
    assert msg.startswith("tag: ")
    assert tags_of(v1, cluster) == [("suite", "conformance")]


def test_batch_create_and_delete(v1, cluster):
    resp = v1.batch_create_cluster_tags(BatchCreateClusterTagsRequest(cluster_id=cluster, body=BatchCreateClusterTagsReq(
        action="create", tags=[TagV1(key="team", value="data"), TagV1(key="tier", value="gold")])))
    assert resp.status_code == 204
    assert tags_of(v1, cluster) == [("suite", "conformance"), ("team", "data"), ("tier", "gold")]
    # A refused batch writes nothing.
    refused(lambda: v1.batch_create_cluster_tags(BatchCreateClusterTagsRequest(cluster_id=cluster, body=BatchCreateClusterTagsReq(
        action="create", tags=[TagV1(key="ok", value="1"), TagV1(key="bad/key", value="2")]))), 400, "12005002")
    refused(lambda: v1.batch_create_cluster_tags(BatchCreateClusterTagsRequest(cluster_id=cluster, body=BatchCreateClusterTagsReq(
        action="create", tags=[TagV1(key=f"k{i}", value="v") for i in range(8)]))), 400, "12005001")
    assert tags_of(v1, cluster) == [("suite", "conformance"), ("team", "data"), ("tier", "gold")]
    resp = v1.batch_delete_cluster_tags(BatchDeleteClusterTagsRequest(cluster_id=cluster, body=BatchDeleteClusterTagsReq(
        action="delete", tags=[TagV1(key="tier", value="gold"), TagV1(key="absent", value="x")])))
    assert resp.status_code == 204
    assert tags_of(v1, cluster) == [("suite", "conformance"), ("team", "data")]


def test_list_all_tags_and_search(v1, cluster):
    all_tags = {t.key: t.values for t in v1.list_all_tags(ListAllTagsRequest()).tags}
    assert "conformance" in all_tags["suite"]
    assert all_tags["env"] == sorted(all_tags["env"])
    body = ListResourceReq(action="filter", tags=[TagWithMultiValue(key="suite", values=["conformance"])], limit=100, offset=0)
    found = v1.list_clusters_by_tags(ListClustersByTagsRequest(body=body))
    assert cluster in [r.resource_id for r in found.resources]
    assert found.total_count == len(found.resources)
    mine = next(r for r in found.resources if r.resource_id == cluster)
    assert ("suite", "conformance") in [(t.key, t.value) for t in mine.tags]
    name = mine.resource_name
    by_name = v1.list_clusters_by_tags(ListClustersByTagsRequest(body=ListResourceReq(
        action="filter", matches=[Match(key="resource_name", value=name)])))
    assert [r.resource_id for r in by_name.resources] == [cluster]
    counted = v1.list_clusters_by_tags(ListClustersByTagsRequest(body=ListResourceReq(
        action="count", tags=[TagWithMultiValue(key="suite", values=[])],
        not_tags_any=[TagWithMultiValue(key="team", values=["data"])])))
    assert counted.total_count == found.total_count - 1
    assert counted.resources is None
    refused(lambda: v1.list_clusters_by_tags(ListClustersByTagsRequest(body=ListResourceReq(action="filter", limit=0))),
            400, "12000002")


def test_default_tags_switch_status_and_quota(v2, cluster):
    assert v2.show_tag_quota(ShowTagQuotaRequest(cluster_id=cluster)).available_quota == 8
    resp = v2.switch_cluster_tags(SwitchClusterTagsRequest(cluster_id=cluster, body=ModifyDefaultTagsRequestBody(action="create")))
    assert resp.status_code == 202
    deadline = time.time() + 10
    seen = []
    while time.time() < deadline:
        st = v2.show_tag_status(ShowTagStatusRequest(cluster_id=cluster))
        seen.append(st.status)
        if st.status == "succeed":
            break
        time.sleep(0.05)
    assert seen[-1] == "succeed" and st.default_tags_enable is True, seen
    q = v2.show_tag_quota(ShowTagQuotaRequest(cluster_id=cluster, auto_scaling_policy_tags=True))
    assert (q.total_quota, q.available_quota) == (20, 20 - 2 - 3)
    refused(lambda: v2.switch_cluster_tags(SwitchClusterTagsRequest(
        cluster_id=cluster, body=ModifyDefaultTagsRequestBody(action="on"))), 400, "MRS.0002")


def v2_info(**overrides):
    info = dict(
        auto_scaling_enable=True, min_capacity=0, max_capacity=3,
        resources_plans=[ResourcesPlan(period_type="daily", start_time="2:00", end_time="3:00", min_capacity=0,
                                       max_capacity=1, effective_days=["SUNDAY"])],
        rules=[Rule(name="flood", adjustment_type="scale_out", cool_down_minutes=5, scaling_adjustment=1,
                    trigger=Trigger(metric_name="YARNAppPending", metric_value="100", comparison_operator="GTOE",
                                    evaluation_periods=3))],
        tags=[Tag(key="scaled", value="yes")])
    info.update(overrides)
    return AutoScalingPolicyInfo(**info)


def test_v2_policy_create_show_update_delete(v2, cluster):
    req = AutoScalingPolicyV2(node_group_name="task_node_analysis_group", resource_pool_name="default",
                              auto_scaling_policy=v2_info())
    resp = v2.create_auto_scaling_policy(CreateAutoScalingPolicyRequest(cluster_id=cluster, body=req))
    assert resp.status_code == 200
    shown = v2.show_auto_scaling_policy(ShowAutoScalingPolicyRequest(cluster_id=cluster)).body
    assert len(shown) == 1
    p = shown[0]
    assert (p.node_group_name, p.resource_pool_name) == ("task_node_analysis_group", "default")
    assert p.auto_scaling_policy.rules[0].trigger.metric_value == "100"
    assert p.auto_scaling_policy.resources_plans[0].effective_days == ["SUNDAY"]
    assert [(t.key, t.value) for t in p.auto_scaling_policy.tags] == [("scaled", "yes")]
    refused(lambda: v2.create_auto_scaling_policy(CreateAutoScalingPolicyRequest(cluster_id=cluster, body=req)), 400, "MRS.0002")

    upd = AutoScalingPolicyV2(node_group_name="task_node_analysis_group", resource_pool_name="default",
                              auto_scaling_policy=AutoScalingPolicyInfo(max_capacity=2))
    assert v2.update_auto_scaling_policy(UpdateAutoScalingPolicyRequest(cluster_id=cluster, body=upd)).status_code == 200
    p = v2.show_auto_scaling_policy(ShowAutoScalingPolicyRequest(cluster_id=cluster)).body[0].auto_scaling_policy
    assert (p.max_capacity, p.rules[0].name) == (2, "flood")
    msg = refused(lambda: v2.update_auto_scaling_policy(UpdateAutoScalingPolicyRequest(cluster_id=cluster, body=AutoScalingPolicyV2(
        node_group_name="task_node_analysis_group", resource_pool_name="default",
        auto_scaling_policy=AutoScalingPolicyInfo(min_capacity=3)))), 400, "MRS.0002")
    assert msg.startswith("auto_scaling_policy.min_capacity: ")

    gone = AutoScalingPolicyDeleteReq(node_group_name="task_node_analysis_group", resource_pool_name="default")
    assert v2.delete_auto_scaling_policy(DeleteAutoScalingPolicyRequest(cluster_id=cluster, body=gone)).status_code == 200
    empty = v2.show_auto_scaling_policy(ShowAutoScalingPolicyRequest(cluster_id=cluster))
    # The SDK leaves `body` unset for an empty array; the wire has the bare array.
    assert (empty.body or [], json.loads(empty.raw_content)) == ([], [])
    refused(lambda: v2.delete_auto_scaling_policy(DeleteAutoScalingPolicyRequest(cluster_id=cluster, body=gone)), 400, "MRS.00005016")
    refused(lambda: v2.update_auto_scaling_policy(UpdateAutoScalingPolicyRequest(cluster_id=cluster, body=upd)), 400, "MRS.00005016")


def test_v11_policy_create_overwrites_and_shows_in_detail(v1, v2, cluster):
    policy = AutoScalingPolicy(
        auto_scaling_enable=True, min_capacity=0, max_capacity=4,
        resources_plans=[ResourcesPlanV1(period_type="daily", start_time="22:00", end_time="23:30", min_capacity=0, max_capacity=2)],
        rules=[RuleV1(name="idle", adjustment_type="scale_in", cool_down_minutes=20, scaling_adjustment=1,
                      trigger=TriggerV1(metric_name="YARNMemoryAvailablePercentage", metric_value="90.5",
                                        comparison_operator="GT", evaluation_periods=6))],
        exec_scripts=[ScaleScript(name="notify", uri="obs://lakedeck-demo/scripts/notify.sh", parameters="${mrs_scale_type}",
                                  nodes=["Task"], active_master=False, fail_action="continue", action_stage="after_scale_in")])
    body = AutoScalingPolicyReqV11(node_group="task_node_default_group", auto_scaling_policy=policy)
    resp = v1.create_scaling_policy(CreateScalingPolicyRequest(cluster_id=cluster, body=body))
    assert (resp.status_code, resp.result) == (200, "succeeded")
    shown = v2.show_auto_scaling_policy(ShowAutoScalingPolicyRequest(cluster_id=cluster)).body
    assert [(p.node_group_name, p.auto_scaling_policy.max_capacity) for p in shown] == [("task_node_analysis_group", 4)]
    # The SDK's node group model has no policy field: read the detail's raw JSON.
    raw = json.loads(v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cluster)).raw_content)
    group = raw["cluster"]["taskNodeGroups"][0]
    assert (group["GroupName"], group["NodeNum"]) == ("task_node_analysis_group", 0)
    assert group["AutoScalingPolicy"]["exec_scripts"][0]["name"] == "notify"
    policy.max_capacity = 5
    v1.create_scaling_policy(CreateScalingPolicyRequest(cluster_id=cluster, body=body))
    shown = v2.show_auto_scaling_policy(ShowAutoScalingPolicyRequest(cluster_id=cluster)).body
    assert [p.auto_scaling_policy.max_capacity for p in shown] == [5]
    policy.rules[0].trigger.metric_name = "StormSlotUsed"
    msg = refused(lambda: v1.create_scaling_policy(CreateScalingPolicyRequest(cluster_id=cluster, body=body)), 400, "12000002")
    assert msg.startswith("auto_scaling_policy.rules[0].trigger.metric_name: ")
    refused(lambda: v1.create_scaling_policy(CreateScalingPolicyRequest(cluster_id=str(uuid.uuid4()), body=body)), 400, "12000003")
