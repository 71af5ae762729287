"""Every MRS cluster operation of the sandbox, driven by the official huaweicloudsdkmrs v1 and v2 clients."""

import time
import uuid

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkmrs.v1 import (
    ClusterScalingParams, ClusterScalingReq, DeleteClusterRequest, ListClustersRequest, ListHostsRequest,
    ShowClusterDetailsRequest, UpdateClusterScalingRequest)
from huaweicloudsdkmrs.v2 import (
    ChargeInfo, CreateClusterReqV2, CreateClusterRequest, ExpandClusterRequest, ExpandParam, ListNodesRequest,
    NodeGroupV2, ShrinkClusterRequest, ShrinkParam, Tag, UpdateClusterNameRequest, UpdateClusterReq, Volume)


def group(name, count):
    return NodeGroupV2(group_name=name, node_num=count, node_size="c6.4xlarge.4.linux.bigdata",
                       root_volume=Volume(type="SAS", size=480), data_volume=Volume(type="SAS", size=600),
                       data_volume_count=1)


def create_body(name, core=3, **overrides):
    body = dict(
        cluster_version="MRS 3.1.0", cluster_name=name, cluster_type="ANALYSIS",
        charge_info=ChargeInfo(charge_mode="postPaid"), region="cn-north-4", availability_zone="cn-north-4a",
        vpc_name="vpc-lakedeck", subnet_name="subnet-data", components="Hadoop,Spark2x,Hive,Tez,ZooKeeper",
        safe_mode="SIMPLE", manager_admin_password="Admin@12345", login_mode="KEYPAIR",
        node_keypair_name="KeyPair-lakedeck", tags=[Tag(key="suite", value="conformance")],
        node_groups=[group("master_node_default_group", 2), group("core_node_analysis_group", core)])
    body.update(overrides)
    return CreateClusterReqV2(**body)


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def wait_state(v1, cluster_id, state, timeout=30):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        c = v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cluster_id)).cluster
        if not seen or seen[-1] != c.cluster_state:
            seen.append(c.cluster_state)
        if c.cluster_state == state:
            return c, seen
        time.sleep(0.05)
    raise AssertionError(f"cluster {cluster_id} never reached {state}; states seen: {seen}")


@pytest.fixture(scope="module")
def running_cluster(v1, v2):
    resp = v2.create_cluster(CreateClusterRequest(body=create_body(unique("conf"), core=4)))
    assert resp.status_code == 200
    cluster, _ = wait_state(v1, resp.cluster_id, "running")
    return cluster


def test_list_clusters_shows_the_seeded_project(v1):
    resp = v1.list_clusters(ListClustersRequest(page_size="50", current_page="1"))
    assert resp.status_code == 200
    names = {c.cluster_name for c in resp.clusters}
    assert "analytics-prod" in names
    assert resp.cluster_total == len(resp.clusters)
    running = v1.list_clusters(ListClustersRequest(cluster_state="running", page_size="50"))
    assert running.clusters and all(c.cluster_state == "running" for c in running.clusters)
    history = v1.list_clusters(ListClustersRequest(cluster_state="history", page_size="50"))
    assert all(c.cluster_state == "terminated" for c in history.clusters)
    existing = v1.list_clusters(ListClustersRequest(cluster_state="existing", page_size="50"))
    assert all(c.cluster_state != "terminated" for c in existing.clusters)


def test_list_clusters_pages_and_filters(v1):
    everything = v1.list_clusters(ListClustersRequest(page_size="100"))
    page1 = v1.list_clusters(ListClustersRequest(page_size="2", current_page="1"))
    page2 = v1.list_clusters(ListClustersRequest(page_size="2", current_page="2"))
    assert page1.cluster_total == everything.cluster_total
    assert len(page1.clusters) == 2
    assert not {c.cluster_id for c in page1.clusters} & {c.cluster_id for c in page2.clusters}
    by_name = v1.list_clusters(ListClustersRequest(cluster_name="analytics-prod"))
    assert [c.cluster_name for c in by_name.clusters] == ["analytics-prod"]
    tagged = v1.list_clusters(ListClustersRequest(tags="env*prod", page_size="100"))
    assert tagged.clusters and all("env=prod" in c.tags.split(",") for c in tagged.clusters)


def test_list_clusters_refuses_a_bad_page_size(v1):
    with pytest.raises(ClientRequestException) as err:
        v1.list_clusters(ListClustersRequest(page_size="0"))
    assert err.value.status_code == 400
    assert err.value.error_code == "12000002"


def test_wrong_secret_key_is_refused(wrong_sk_v1):
    with pytest.raises(ClientRequestException) as err:
        wrong_sk_v1.list_clusters(ListClustersRequest())
    assert err.value.status_code == 401
    assert err.value.error_code == "12000001"


def test_create_cluster_walks_to_running(v1, v2):
    name = unique("walk")
    resp = v2.create_cluster(CreateClusterRequest(body=create_body(name)))
    assert resp.status_code == 200 and resp.cluster_id
    cluster, seen = wait_state(v1, resp.cluster_id, "running")
    assert seen[0] == "starting", seen
    assert cluster.cluster_name == name
    assert cluster.cluster_type == 0 and cluster.safe_mode == 0
    assert cluster.core_node_num == "3" and cluster.master_node_num == "2" and cluster.total_node_num == "5"
    assert "suite=conformance" in cluster.tags
    assert {g.group_name for g in cluster.node_groups} >= {"master_node_default_group", "core_node_analysis_group"}
    assert int(cluster.create_at) > 1_600_000_000
    assert any(c.component_name == "Hadoop" for c in cluster.component_list)


def test_create_cluster_refuses_bad_input_with_vendor_codes(v2):
    cases = [
        (dict(cluster_name="bad name!"), "MRS.0002"),
        (dict(manager_admin_password="password"), "MRS.0002"),
        (dict(vpc_name="no-such-vpc"), "12000105"),
        (dict(node_keypair_name="missing-key"), "12000059"),
        (dict(tags=[Tag(key="a=b", value="x")]), "12005002"),
        (dict(node_groups=[group("master_node_default_group", 2), group("core_node_streaming_group", 3)]), "MRS.0002"),
    ]
    for overrides, code in cases:
        with pytest.raises(ClientRequestException) as err:
            v2.create_cluster(CreateClusterRequest(body=create_body(unique("bad"), **overrides)))
        assert err.value.status_code == 400, overrides
        assert err.value.error_code == code, (overrides, err.value.error_msg)
        assert err.value.error_msg


def test_create_cluster_refuses_a_duplicate_name(v2):
    with pytest.raises(ClientRequestException) as err:
        v2.create_cluster(CreateClusterRequest(body=create_body("analytics-prod")))
    assert err.value.error_code == "12000043"


def test_show_unknown_cluster_is_12000003(v1):
    with pytest.raises(ClientRequestException) as err:
        v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id="no-such-cluster"))
    assert err.value.status_code == 400
    assert err.value.error_code == "12000003"


def test_rename(v1, v2, running_cluster):
    new_name = unique("renamed")
    resp = v2.update_cluster_name(UpdateClusterNameRequest(
        cluster_id=running_cluster.cluster_id, body=UpdateClusterReq(cluster_name=new_name)))
    assert resp.status_code == 200 and resp.result == "succeeded"
    detail = v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=running_cluster.cluster_id)).cluster
    assert detail.cluster_name == new_name
    with pytest.raises(ClientRequestException) as err:
        v2.update_cluster_name(UpdateClusterNameRequest(
            cluster_id=running_cluster.cluster_id, body=UpdateClusterReq(cluster_name="has space")))
    assert err.value.status_code == 400


def test_expand_and_shrink_change_nodes(v1, v2, running_cluster):
    cid = running_cluster.cluster_id
    resp = v2.expand_cluster(ExpandClusterRequest(
        cluster_id=cid, body=ExpandParam(node_group_name="core_node_analysis_group", count=2)))
    assert resp.status_code == 200 and resp.result == "succeeded"
    _, seen = wait_state(v1, cid, "running")
    detail = v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cid)).cluster
    assert detail.core_node_num == "6", seen
    nodes = v2.list_nodes(ListNodesRequest(cluster_id=cid, node_group="core_node_analysis_group", limit=100))
    assert nodes.node_total == 6 and len(nodes.nodes) == 6

    resp = v2.shrink_cluster(ShrinkClusterRequest(
        cluster_id=cid, body=ShrinkParam(node_group_name="core_node_analysis_group", count=1)))
    assert resp.status_code == 200 and resp.result == "succeeded"
    wait_state(v1, cid, "running")
    detail = v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cid)).cluster
    assert detail.core_node_num == "5"

    with pytest.raises(ClientRequestException) as err:
        v2.shrink_cluster(ShrinkClusterRequest(
            cluster_id=cid, body=ShrinkParam(node_group_name="master_node_default_group", count=1)))
    assert err.value.status_code == 400


def test_v11_resize(v1, running_cluster):
    cid = running_cluster.cluster_id
    before = int(v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cid)).cluster.core_node_num)
    body = ClusterScalingReq(service_id="", plan_id="", previous_values={"plan_id": ""},
                             parameters=ClusterScalingParams(order_id="", scale_type="scale_out",
                                                             node_id="node_orderadd", instances="1"))
    resp = v1.update_cluster_scaling(UpdateClusterScalingRequest(cluster_id=cid, body=body))
    assert resp.status_code == 200 and resp.result == "succeeded"
    wait_state(v1, cid, "running")
    after = int(v1.show_cluster_details(ShowClusterDetailsRequest(cluster_id=cid)).cluster.core_node_num)
    assert after == before + 1


def test_nodes_and_hosts_page_by_page_number(v1, v2, running_cluster):
    cid = running_cluster.cluster_id
    all_nodes = v2.list_nodes(ListNodesRequest(cluster_id=cid, limit=100, offset=1))
    assert all_nodes.node_total == len(all_nodes.nodes) >= 6
    first = v2.list_nodes(ListNodesRequest(cluster_id=cid, limit=2, offset=1, sort_key="node_name", sort_dir="asc"))
    second = v2.list_nodes(ListNodesRequest(cluster_id=cid, limit=2, offset=2, sort_key="node_name", sort_dir="asc"))
    names = [n.node_name for n in first.nodes + second.nodes]
    assert len(names) == 4 and names == sorted(names) and len(set(names)) == 4
    hosts = v1.list_hosts(ListHostsRequest(cluster_id=cid, page_size="3", current_page="1"))
    assert hosts.total == all_nodes.node_total and len(hosts.hosts) == 3
    assert {h.type for h in v1.list_hosts(ListHostsRequest(cluster_id=cid, page_size="100")).hosts} >= {"Master", "Core"}


def test_delete_goes_to_history(v1, v2):
    resp = v2.create_cluster(CreateClusterRequest(body=create_body(unique("gone"))))
    cid = resp.cluster_id
    wait_state(v1, cid, "running")
    deleted = v1.delete_cluster(DeleteClusterRequest(cluster_id=cid))
    assert deleted.status_code == 204
    _, seen = wait_state(v1, cid, "terminated")
    assert "terminating" in seen or seen == ["terminated"]
    history = v1.list_clusters(ListClustersRequest(cluster_state="history", page_size="100"))
    assert cid in {c.cluster_id for c in history.clusters}
    with pytest.raises(ClientRequestException) as err:
        v1.delete_cluster(DeleteClusterRequest(cluster_id=cid))
    assert err.value.error_code == "12000021"
