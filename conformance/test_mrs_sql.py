"""The sandbox's V2 SQL-execution API (ExecuteSql, ShowSqlResult, CancelSql), driven by the official
huaweicloudsdkmrs v2 client."""

import time

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkmrs.v1 import ListClustersRequest
from huaweicloudsdkmrs.v2 import CancelSqlRequest, ExecuteSqlRequest, ShowSqlResultRequest, SqlExecutionReq

CROSS_JOIN = "SELECT sum(a.l_quantity * b.l_quantity) AS s FROM lineitem a CROSS JOIN lineitem b"


@pytest.fixture(scope="module")
def cluster_id(v1):
    clusters = v1.list_clusters(ListClustersRequest(cluster_state="running", page_size="50")).clusters
    return next(c.cluster_id for c in clusters if c.cluster_name == "analytics-prod")


def execute(v2, cluster_id, sql, **extra):
    body = SqlExecutionReq(sql_type=extra.pop("sql_type", "presto"), sql_content=sql, **extra)
    resp = v2.execute_sql(ExecuteSqlRequest(cluster_id=cluster_id, body=body))
    assert resp.status_code == 200
    return resp


def wait(v2, cluster_id, sql_id, done=("FINISHED", "FAILED"), timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        resp = v2.show_sql_result(ShowSqlResultRequest(cluster_id=cluster_id, sql_id=sql_id))
        assert resp.status_code == 200
        if resp.status in done:
            return resp
        time.sleep(0.05)
    raise AssertionError(f"statement {sql_id} did not reach {done}")


def test_execute_then_show_counts_lineitem(v2, cluster_id):
    resp = execute(v2, cluster_id, "SELECT count(*) AS n FROM lineitem", database="default")
    assert resp.id and resp.status == "QUEUED"
    assert resp.statement == "SELECT count(*) AS n FROM lineitem"
    done = wait(v2, cluster_id, resp.id)
    assert done.status == "FINISHED", done.message
    assert done.content == [["n"], ["60175"]]
    assert done.result_location.startswith("obs://lakedeck-sql-results/") and done.result_location.endswith(".csv")


def test_bad_sql_fails_with_the_engine_message(v2, cluster_id):
    resp = execute(v2, cluster_id, "SELECT no_such_column FROM nation", sql_type="spark")
    done = wait(v2, cluster_id, resp.id)
    assert done.status == "FAILED"
    assert "no_such_column" in done.message


@pytest.mark.parametrize("sql,words", [("SELECT 1; SELECT 2", "multiple statements"), ("SELECT 1;", "';'")])
def test_one_statement_without_semicolon(v2, cluster_id, sql, words):
    with pytest.raises(ClientRequestException) as e:
        execute(v2, cluster_id, sql)
    assert (e.value.status_code, e.value.error_code) == (400, "MRS.0011")
    assert words in e.value.error_msg


def test_missing_cluster_and_unknown_statement(v2, cluster_id):
    with pytest.raises(ClientRequestException) as e:
        execute(v2, "no-such-cluster", "SELECT 1")
    assert (e.value.status_code, e.value.error_code) == (400, "12000003")
    with pytest.raises(ClientRequestException) as e:
        v2.show_sql_result(ShowSqlResultRequest(cluster_id=cluster_id, sql_id="no-such-sql"))
    assert (e.value.status_code, e.value.error_code) == (400, "MRS.0011")
    with pytest.raises(ClientRequestException) as e:
        v2.cancel_sql(CancelSqlRequest(cluster_id=cluster_id, sql_id="no-such-sql"))
    assert e.value.status_code == 400
    assert "does not exist" in e.value.error_msg


def test_cancel_stops_a_running_statement(v2, cluster_id):
    sql_id = execute(v2, cluster_id, CROSS_JOIN).id
    wait(v2, cluster_id, sql_id, done=("RUNNING",))
    resp = v2.cancel_sql(CancelSqlRequest(cluster_id=cluster_id, sql_id=sql_id))
    assert (resp.status_code, resp.status, resp.message) == (200, "SUCCEED", None)
    done = v2.show_sql_result(ShowSqlResultRequest(cluster_id=cluster_id, sql_id=sql_id))
    assert (done.status, done.message) == ("FAILED", "cancelled by user")
    again = v2.cancel_sql(CancelSqlRequest(cluster_id=cluster_id, sql_id=sql_id))
    assert (again.status_code, again.status) == (200, "SUCCEED")
