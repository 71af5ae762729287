"""Starts a real lakedeck-server for the session and builds the official vendor SDK clients against it:
Huawei MRS (v1, v2) and Alibaba Cloud EMR Serverless Spark and EMR (2016-04-08), the Alibaba ones both
with their default ACS3-HMAC-SHA256 signature and in the legacy v2 signature mode."""

import os
import pathlib
import subprocess
import tempfile
import threading

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkmrs.v1 import MrsClient as MrsClientV1
from huaweicloudsdkmrs.v2 import MrsClient as MrsClientV2
from alibabacloud_emr20160408.client import Client as EmrClient
from alibabacloud_emr_serverless_spark20230808.client import Client as SparkClient
from alibabacloud_tea_openapi import models as open_api_models

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROJECT_ID = "5a3314075bfa49b9ae360f4ecd333695"
AK = "CONFORMANCEAK"
SK = "conformance-secret-key"


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("LAKEDECK_SERVER_BIN", str(ROOT / "target" / "debug" / "lakedeck-server"))
    assert pathlib.Path(binary).exists(), f"{binary} missing: build it with `cargo build -p lakedeck-server`"
    data_dir = tempfile.mkdtemp(prefix="lakedeck-conformance-")
    env = dict(os.environ,
               LAKEDECK_SANDBOX_PROJECT_ID=PROJECT_ID,
               LAKEDECK_SANDBOX_AK=AK,
               LAKEDECK_SANDBOX_SK=SK,
               LAKEDECK_SANDBOX_TOKEN="conformance-token",
               # Shared with the Rust suites: the TPC-H dataset is generated once, not per run.
               LAKEDECK_SANDBOX_CACHE_DIR=os.path.join(tempfile.gettempdir(), "lakedeck-test-tpch-cache"))
    proc = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--data-dir", data_dir, "--dist", data_dir, "--step-ms", "100"],
        stdout=subprocess.PIPE, text=True, env=env)
    url = None
    for line in proc.stdout:
        words = [w for w in line.split() if w.startswith("http://")]
        if words:
            url = words[0].rstrip("/")
            break
    assert url, "lakedeck-server exited before printing its URL"
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _config():
    cfg = HttpConfig.get_default_config()
    cfg.timeout = (5, 30)
    cfg.retry_times = 0
    return cfg


@pytest.fixture(scope="session")
def v1(server):
    creds = BasicCredentials(ak=AK, sk=SK, project_id=PROJECT_ID)
    return (MrsClientV1.new_builder().with_http_config(_config()).with_credentials(creds)
            .with_endpoints([server]).build())


@pytest.fixture(scope="session")
def v2(server):
    creds = BasicCredentials(ak=AK, sk=SK, project_id=PROJECT_ID)
    return (MrsClientV2.new_builder().with_http_config(_config()).with_credentials(creds)
            .with_endpoints([server]).build())


@pytest.fixture(scope="session")
def wrong_sk_v1(server):
    creds = BasicCredentials(ak=AK, sk="not-the-secret", project_id=PROJECT_ID)
    return (MrsClientV1.new_builder().with_http_config(_config()).with_credentials(creds)
            .with_endpoints([server]).build())


def _alibaba_config(server, signature_algorithm=None):
    # endpoint is host:port without a scheme (sent as Host and signed); protocol overrides HTTPS.
    cfg = open_api_models.Config(access_key_id=AK, access_key_secret=SK, endpoint=server.split("://", 1)[1],
                                 protocol="http", region_id="cn-hangzhou", connect_timeout=5000, read_timeout=30000)
    if signature_algorithm:
        cfg.signature_algorithm = signature_algorithm
    return cfg


@pytest.fixture(scope="session")
def spark(server):
    """EMR Serverless Spark client, ACS3-HMAC-SHA256 signatures (the SDK's default)."""
    return SparkClient(_alibaba_config(server))


@pytest.fixture(scope="session")
def spark_v2(server):
    """EMR Serverless Spark client in the legacy signature mode (ROA v1, HMAC-SHA1)."""
    return SparkClient(_alibaba_config(server, "v2"))


@pytest.fixture(scope="session")
def emr(server):
    """Classic EMR (Flow*) client, ACS3-HMAC-SHA256 signatures."""
    return EmrClient(_alibaba_config(server))


@pytest.fixture(scope="session")
def emr_v2(server):
    """Classic EMR client in the legacy signature mode (RPC v1, HMAC-SHA1)."""
    return EmrClient(_alibaba_config(server, "v2"))


def alibaba_error(exc):
    """(HTTP status, code) of an Alibaba SDK exception, whichever generation raised it."""
    status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None)
    data = getattr(exc, "data", None)
    if status is None and isinstance(data, dict):
        status = data.get("statusCode")
    return status, getattr(exc, "code", None)
