"""Writes crates/api/tests/fixtures/signatures.json: request signatures computed by the vendors'
own Python signers for fixed keys, dates and nonces, so the Rust signers (crates/api/src/sign.rs,
crates/api/src/acs.rs) and the gateway's request building are checked against the SDKs byte for byte.

Run it again only when a case is added; the output is committed:

    python3 -m venv .venv && .venv/bin/pip install -r conformance/requirements.txt
    .venv/bin/python conformance/signature_fixtures.py

Huawei: huaweicloudsdkcore's Signer (SDK-HMAC-SHA256). Alibaba: alibabacloud_tea_openapi's
Utils.get_authorization (ACS3-HMAC-SHA256), the function its clients call for every request.
"""

import hashlib
import json
import pathlib
from urllib.parse import quote

from alibabacloud_tea_openapi.utils import Utils
from darabonba.request import DaraRequest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/api/tests/fixtures/signatures.json"
PROJECT = "0123456789abcdef0123456789abcdef"
AK, SK = "HWAKFIXTURE00000", "hw-secret/Fixture+Key=="
ALI_AK, ALI_SK = "LTAIfixture0000", "ali-secret-fixture"
SDK_DATE = "20261126T130437Z"
ACS_DATE = "2026-11-26T13:04:37Z"
NONCE = "3f8c1a9e5b7d4c2f"


def huawei(name, method, host, path, query, headers, body=""):
    """`path` is the resource path as the SDK builds it (segments already encoded)."""
    req = SdkRequest(
        method=method,
        schema="https",
        host=host,
        resource_path=path,
        query_params=list(query),
        header_params=dict(headers, **{"X-Sdk-Date": SDK_DATE}),
        body=body.encode("utf-8") if body else "",
    )
    Signer(BasicCredentials(AK, SK, PROJECT)).sign(req)
    wire = req.uri
    wire_path, _, wire_query = wire.partition("?")
    return {
        "name": name,
        "ak": AK,
        "sk": SK,
        "method": method,
        "path": wire_path,
        "query": wire_query,
        "headers": [[k, v] for k, v in req.header_params.items() if k != "Authorization"],
        "body": body,
        "authorization": req.header_params["Authorization"],
    }


def acs3(name, method, host, path, query, action, version, body="", content_type=None):
    """ACS3 as the gateway sends it: host, the x-acs-* headers and the content type are signed."""
    payload = hashlib.sha256(body.encode("utf-8")).hexdigest()
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": ACS_DATE,
        "x-acs-signature-nonce": NONCE,
        "x-acs-content-sha256": payload,
    }
    if content_type:
        headers["content-type"] = content_type
    req = DaraRequest()
    req.method = method
    req.pathname = path
    req.query = dict(query)
    req.headers = dict(headers)
    auth = Utils.get_authorization(req, "ACS3-HMAC-SHA256", payload, ALI_AK, ALI_SK)
    wire_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in query)
    return {
        "name": name,
        "ak": ALI_AK,
        "sk": ALI_SK,
        "method": method,
        "path": path,
        "query": wire_query,
        "headers": sorted([k, v] for k, v in headers.items()),
        "body": body,
        "authorization": auth,
    }


def main():
    mrs = "mrs.cn-north-4.myhuaweicloud.com"
    json_ct = {"Content-Type": "application/json"}
    gateway = lambda extra=None: dict(json_ct, **{"Host": mrs, "X-Project-Id": PROJECT}, **(extra or {}))
    huawei_cases = [
        huawei("list clusters, filters with spaces and stars", "GET", mrs, f"/v1.1/{PROJECT}/cluster_infos",
               [("pageSize", "10"), ("currentPage", "1"), ("clusterName", "a b"), ("tags", "env*prod,team")], gateway()),
        huawei("create cluster, unicode body", "POST", mrs, f"/v2/{PROJECT}/clusters", [], gateway(),
               json.dumps({"cluster_name": "etl_01", "tags": [{"key": "owner", "value": "数据组"}]}, ensure_ascii=False)),
        huawei("delete without a content type", "DELETE", mrs, f"/v1.1/{PROJECT}/clusters/c-123", [],
               {"Host": mrs, "X-Project-Id": PROJECT}),
        huawei("flavors of a version with a space", "GET", mrs,
               f"/v2/{PROJECT}/metadata/version/MRS%203.1.0/available-flavor", [("availability_zone", "cn-north-4a")], gateway()),
        huawei("repeated, empty and unicode query values", "PUT", mrs, f"/v2/{PROJECT}/clusters/c-1/cluster-name",
               [("a", "1"), ("a", "0"), ("empty", ""), ("u", "中文 ~*")], gateway(), '{"cluster_name":"x"}'),
        huawei("the SDK's own header set (user agent signed)", "GET", mrs, f"/v2/{PROJECT}/clusters/c-1/nodes",
               [("limit", "10"), ("offset", "1")], gateway({"User-Agent": "huaweicloud-usdk-python/3.0"})),
        huawei("vpc subnets", "GET", "vpc.cn-north-4.myhuaweicloud.com", f"/v1/{PROJECT}/subnets",
               [("vpc_id", "0b5f4c2a-7d1e-4e52-9a64-3c2f3e1d0a01")],
               dict(json_ct, **{"Host": "vpc.cn-north-4.myhuaweicloud.com", "X-Project-Id": PROJECT})),
        huawei("a sandbox on a port", "POST", "127.0.0.1:8080", f"/v2/{PROJECT}/clusters/c-1/job-executions", [],
               dict(json_ct, **{"Host": "127.0.0.1:8080", "X-Project-Id": PROJECT}),
               '{"job_name":"q","job_type":"SparkSql","arguments":["SELECT 1"]}'),
    ]
    spark = "emr-serverless-spark.cn-hangzhou.aliyuncs.com"
    emr = "emr.aliyuncs.com"
    json_utf8 = "application/json; charset=utf-8"
    form = "application/x-www-form-urlencoded"
    acs_cases = [
        acs3("ROA list job runs, JSON in the query", "GET", spark, "/api/v1/workspaces/w-abc/jobRuns",
             [("maxResults", "20"), ("regionId", "cn-hangzhou"), ("states", '["Running","Submitted"]'),
              ("startTime", '{"endTime":1710432000000,"startTime":1709740800000}'), ("name", "n 1")],
             "ListJobRuns", "2023-08-08"),
        acs3("ROA start a job run", "POST", spark, "/api/v1/workspaces/w-abc/jobRuns", [("regionId", "cn-hangzhou")],
             "StartJobRun", "2023-08-08",
             '{"codeType":"JAR","jobDriver":{"sparkSubmit":{"entryPoint":"oss://b/a.jar"}},"name":"作业"}', json_utf8),
        acs3("ROA cancel a job run", "DELETE", spark, "/api/v1/workspaces/w-abc/jobRuns/jr-93d98d2f", [("regionId", "cn-hangzhou")],
             "CancelJobRun", "2023-08-08"),
        acs3("RPC create a flow job, form body", "POST", emr, "/", [("ProjectId", "FP-1"), ("RegionId", "cn-hangzhou"), ("Type", "SHELL")],
             "CreateFlowJob", "2016-04-08",
             "Name=nightly%20etl&Description=%E6%AF%8F%E6%97%A5%20run&Params=echo%20%22a%2Bb%22&ResourceList.1.Path=oss%3A%2F%2Fb%2Fa.jar", form),
        acs3("RPC describe a flow job, query only", "POST", emr, "/", [("Id", "FJ-1"), ("ProjectId", "FP-1"), ("RegionId", "cn-hangzhou")],
             "DescribeFlowJob", "2016-04-08"),
        acs3("RPC on a sandbox port", "POST", "127.0.0.1:8080", "/", [("PageNumber", "1"), ("PageSize", "20"), ("RegionId", "cn-hangzhou")],
             "ListFlowProject", "2016-04-08"),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "generated_by": "conformance/signature_fixtures.py (huaweicloudsdkcore 3.1.219, alibabacloud-tea-openapi 0.4.6)",
        "huawei": huawei_cases,
        "acs3": acs_cases,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(huawei_cases)} Huawei and {len(acs_cases)} ACS3 cases to {OUT}")


if __name__ == "__main__":
    main()
