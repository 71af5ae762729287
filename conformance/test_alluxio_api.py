"""The sandbox's Alluxio coordinator REST API, driven with plain HTTP (urllib, no SDK exists) the way
operators' scripts drive a real coordinator: mount a UFS, submit a job, poll its progress until it
ends (the reference's Python clients poll every 10 s; these poll every 0.3 s to keep the suite short),
then read the workers. The data is the seeded TPC-H warehouse of the analytics-prod cluster."""

import json
import time
import urllib.error
import urllib.request

import pytest
from huaweicloudsdkmrs.v1 import ListClustersRequest
from huaweicloudsdkmrs.v2 import ShowHdfsFileListRequest

TOKEN = "conformance-token"  # LAKEDECK_SANDBOX_TOKEN of the session server (conftest.py)
FINAL = ("SUCCEEDED", "FAILED", "STOPPED")


def call(server, method, path, body=None, token=TOKEN, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def ok(server, method, path, body=None):
    status, value = call(server, method, path, body)
    assert status == 200, (method, path, status, value)
    return value


def poll(server, kind, job_id, every=0.3, timeout=120):
    deadline = time.time() + timeout
    states = []
    while time.time() < deadline:
        progress = ok(server, "GET", f"/api/v1/{kind}?id={job_id}")
        if not states or states[-1] != progress["state"]:
            states.append(progress["state"])
        if progress["state"] in FINAL:
            return progress, states
        time.sleep(every)
    raise AssertionError(f"{kind} job {job_id} did not end in {timeout} s; states {states}")


@pytest.fixture(scope="module")
def warehouse(server, v1, v2):
    """Mounts the analytics-prod warehouse at /tpch once its TPC-H tables exist."""
    clusters = v1.list_clusters(ListClustersRequest(cluster_state="running", page_size="50")).clusters
    cluster = next(c.cluster_id for c in clusters if c.cluster_name == "analytics-prod")
    deadline = time.time() + 120
    while True:
        try:
            files = v2.show_hdfs_file_list(ShowHdfsFileListRequest(cluster_id=cluster, path="/user/hive/warehouse/region")).files
            if files:
                break
        except Exception:  # the warehouse is still being generated
            pass
        assert time.time() < deadline, "the TPC-H warehouse never appeared"
        time.sleep(0.5)
    ok(server, "POST", "/api/v1/mount", {"path": "/tpch", "ufs": f"hdfs://{cluster}/user/hive/warehouse"})
    return cluster


def test_the_token_is_required(server):
    status, body = call(server, "GET", "/api/v1/nodes", token=None)
    assert status == 401 and "X-Auth-Token" in body["status"]
    status, _ = call(server, "GET", "/api/v1/nodes", token="wrong")
    assert status == 401
    status, body = call(server, "GET", "/api/v1/nodes", token=None, headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and len(body) >= 3


def test_load_poll_then_free(server, warehouse):
    submitted = ok(server, "POST", "/api/v1/load", {
        "paths": ["/tpch/nation", "/tpch/region"], "alias": "dims",
        "options": {"replicas": "1", "batchSize": "100", "skipIfExists": "false"}})
    assert submitted["target"] == f"job-{submitted['id']}"
    progress, states = poll(server, "load", submitted["id"])
    assert progress["state"] == "SUCCEEDED", progress
    assert progress["loadedBytes"] == progress["totalBytes"] > 0
    assert progress["scannedFiles"] >= 2 and progress["failedFiles"] == 0
    assert set(states) <= {"WAITING", "RUNNING", "SUCCEEDED"}
    assert ok(server, "GET", "/api/v1/load?alias=dims")["id"] == submitted["id"]
    assert submitted["id"] in [j["id"] for j in ok(server, "GET", "/api/v1/load")["results"]]
    nodes = ok(server, "GET", "/api/v1/nodes")
    assert sum(n["usedBytes"] for n in nodes) >= progress["loadedBytes"]

    # Loading again with skipIfExists moves nothing.
    again = ok(server, "POST", "/api/v1/load", {"paths": ["/tpch/nation", "/tpch/region"], "options": {"skipIfExists": True}})
    progress2, _ = poll(server, "load", again["id"])
    assert progress2["skippedBytes"] == progress["totalBytes"] and progress2["loadedBytes"] == 0

    freed = ok(server, "POST", "/api/v1/free", {"paths": ["/tpch/nation", "/tpch/region"], "alias": "free-dims"})
    done, _ = poll(server, "free", freed["id"])
    assert done["state"] == "SUCCEEDED" and done["freedBytes"] == progress["loadedBytes"], done
    status, _ = call(server, "DELETE", "/api/v1/free", {"alias": "free-dims"})
    assert status == 410


def test_a_second_submission_while_running_conflicts_and_stop_resumes(server, warehouse):
    body = {"paths": ["/tpch/lineitem"], "options": {"bandwidth": "64KB"}}
    first = ok(server, "POST", "/api/v1/load", body)
    status, conflict = call(server, "POST", "/api/v1/load", body)
    assert status == 409 and conflict["id"] == first["id"]
    stopped = ok(server, "DELETE", "/api/v1/load", {"id": first["id"]})
    assert stopped["state"] == "STOPPED"
    resumed = ok(server, "POST", "/api/v1/load", {"paths": ["/tpch/lineitem"]})
    assert resumed["id"] == first["id"] and resumed["resumed"] is True
    progress, _ = poll(server, "load", first["id"])
    assert progress["state"] == "SUCCEEDED", progress


def test_bad_requests_get_the_documented_statuses(server, warehouse):
    assert call(server, "POST", "/api/v1/load")[0] == 400
    assert call(server, "POST", "/api/v1/load", {"paths": ["/not-mounted/x"]})[0] == 400
    assert call(server, "GET", "/api/v1/load?alias=never-submitted")[0] == 404
    assert call(server, "DELETE", "/api/v1/load", {"id": "00000000-0000-4000-8000-000000000000"})[0] == 410
    assert call(server, "POST", "/api/v1/mount", {"path": "/tpch", "ufs": "obs://elsewhere/"})[0] == 409
    assert call(server, "DELETE", "/api/v1/mount", {"path": "/never"})[0] == 410
    assert call(server, "GET", "/api/v1/nodes?id=worker-none")[0] == 404
    assert call(server, "POST", "/api/v1/cache", {"opType": "defragment"})[0] == 501
    status, body = call(server, "POST", "/api/v1/quota", {"path": "/tpch", "size": "a lot"}, headers={"X-Language": "zh-cn"})
    assert status == 400 and "有效" in body["status"]


def test_policies_round_trip(server, warehouse):
    quota = ok(server, "POST", "/api/v1/quota", {"path": "/tpch/orders", "size": "64MB"})
    assert quota == {"path": "/tpch/orders", "quotaBytes": 64 << 20, "usedBytes": 0}
    assert ok(server, "POST", "/api/v1/ttl", {"path": "/tpch/orders", "time": "2h"}) == {"path": "/tpch/orders", "time": "2h"}
    assert ok(server, "POST", "/api/v1/priority", {"path": "/tpch/orders", "priority": "low"})["priority"] == "LOW"
    doc = ok(server, "POST", "/api/v1/cache-filter", {"type": "maxAge", "scope": "data", "pattern": ".*/orders/.*", "time": "10min"})
    assert doc["data"]["maxAge"][".*/orders/.*"] == "10min"
    assert ok(server, "GET", "/api/v1/cache-filter?path=/tpch/orders/x.parquet")["data"]["type"] == "maxAge"
    for res in ("quota", "ttl", "priority"):
        assert len(ok(server, "GET", f"/api/v1/{res}")) >= 1
        ok(server, "DELETE", f"/api/v1/{res}", {"path": "/tpch/orders"})
    ok(server, "DELETE", "/api/v1/cache-filter", {"type": "maxAge", "scope": "data", "pattern": ".*/orders/.*"})


def test_a_new_worker_then_rebalance(server, warehouse):
    load = ok(server, "POST", "/api/v1/load", {"paths": ["/tpch/part"]})
    assert poll(server, "load", load["id"])[0]["state"] == "SUCCEEDED"
    worker = ok(server, "POST", "/api/v1/sandbox/workers", {"capacity": "64MB"})
    job = ok(server, "POST", "/api/v1/rebalance", {"target": worker["id"], "options": {"loadBatchSize": 50}})
    progress, _ = poll(server, "rebalance", job["id"])
    assert progress["state"] == "SUCCEEDED", progress
    assert ok(server, "GET", f"/api/v1/rebalance?target={worker['id']}")["id"] == job["id"]
    node = ok(server, "GET", f"/api/v1/nodes?id={worker['id']}")
    assert node["usedBytes"] == progress["loadedBytes"]
    ok(server, "POST", "/api/v1/sandbox/workers/stop", {"id": worker["id"]})
    assert call(server, "DELETE", f"/api/v1/nodes?id={worker['id']}")[0] == 200
