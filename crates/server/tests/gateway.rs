//! `lakedeck-server gateway` in front of a sandbox that only accepts correctly signed requests
//! (its token is random and nobody is told it), and in front of a stand-in upstream that records
//! what reaches it. Every refusal path: no credential, a wrong token, a viewer's write, another
//! project, an operation off the allowlist, paths that could resolve elsewhere, a body over the
//! limit, a foreign Host or Origin, an unreachable or silent upstream.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use support::gateway::{sha256_hex, Gateway};
use support::{create_body, env_credentials, temp_dir, Options, Server};

const ALICE: &str = "alice-token-5f1c0a9b7e3d";
const BOB: &str = "bob-token-29d84c6e1f07";
const PORTAL: &str = "http://portal.test:9000";
const AK: &str = "TESTAK0000000000";
const SK: &str = "TESTSK-secret-key";
const BEARER: &str = "alluxio-bearer-77a1";

/// The sandbox, started with a token nobody knows: only signatures by the AK/SK get through.
fn sandbox(root: &Path) -> Server {
    let mut env = env_credentials();
    let unknown = format!("unknown-{}", lakedeck_api::sign::sha256_hex(root.to_string_lossy().as_bytes()));
    env.iter_mut().find(|(k, _)| *k == "LAKEDECK_SANDBOX_TOKEN").unwrap().1 = unknown;
    Server::start_with(root, Options { env, ..Default::default() })
}

/// A stand-in upstream: records every request (head and body) and answers by path — `/api/v1/mount`
/// after 5 s, `/api/v1/ttl` by closing the connection, anything else 200 with a body in two chunks.
struct Upstream {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn upstream() -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let record = record.clone();
            std::thread::spawn(move || serve_one(stream, &record));
        }
    });
    Upstream { url, seen }
}

fn serve_one(mut stream: TcpStream, record: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let len = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()))
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let path = head.split(' ').nth(1).unwrap_or("").to_string();
    record.lock().unwrap().push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
    if path.starts_with("/api/v1/ttl") {
        return;
    }
    if path.starts_with("/api/v1/mount") {
        std::thread::sleep(Duration::from_secs(5));
    }
    let chunks = ["{\"results\":", "[]}"];
    let mut out = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: upstream-7\r\nSet-Cookie: session=x\r\n\
         Access-Control-Allow-Origin: *\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    );
    for c in chunks {
        out.push_str(&format!("{:x}\r\n{c}\r\n", c.len()));
    }
    out.push_str("0\r\n\r\n");
    let _ = stream.write_all(out.as_bytes());
}

fn config(sandbox: &Server, alluxio: &str, extra: &str) -> String {
    format!(
        r#"
allowed_origins = ["{PORTAL}"]
allowed_hosts = ["lakedeck.test"]
audit_log = "audit/audit.jsonl"
timeout_secs = 2
max_body_bytes = 4096
{extra}

[[users]]
name = "alice"
token_sha256 = "{alice}"
role = "operator"

[[users]]
name = "bob"
token_sha256 = "{bob}"
role = "viewer"

[mrs]
endpoint = "{url}"
project_id = "{project}"
region = "cn-north-4"
access_key_env = "GW_TEST_AK"
secret_key_env = "GW_TEST_SK"

[emr]
region = "cn-hangzhou"
serverless_endpoint = "{url}"
endpoint = "{url}"
access_key_env = "GW_TEST_AK"
secret_key_env = "GW_TEST_SK"

[alluxio]
endpoint = "{alluxio}"
token_env = "GW_TEST_ALLUXIO"
"#,
        alice = sha256_hex(ALICE),
        bob = sha256_hex(BOB),
        url = sandbox.url,
        project = sandbox.project,
    )
}

const ENV: [(&str, &str); 3] = [("GW_TEST_AK", AK), ("GW_TEST_SK", SK), ("GW_TEST_ALLUXIO", BEARER)];

fn audit_lines(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("audit/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn code(r: &support::Resp) -> String {
    r.json()["error_code"].as_str().unwrap_or("").to_string()
}

#[test]
fn forwards_signed_requests_and_refuses_the_rest() {
    let root = temp_dir("gateway");
    let s = sandbox(&root.join("sandbox"));
    let up = upstream();
    let dir = root.join("gw");
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    std::fs::write(dir.join("dist/index.html"), "<html>console</html>").unwrap();
    let gw = Gateway::start(&dir, &config(&s, &up.url, ""), &ENV);
    let printed = gw.banner.join("\n");
    for secret in [AK, SK, ALICE, BOB, BEARER, &sha256_hex(ALICE)] {
        assert!(!printed.contains(secret), "the banner shows no key or token: {printed}");
    }
    let p = s.project.clone();
    let list = format!("/v1.1/{p}/cluster_infos?pageSize=10&currentPage=1&clusterName=analytics");

    // The sandbox itself refuses anything but a signature.
    s.request("GET", &list, &[("X-Auth-Token", ALICE)], None).assert_error(401, "12000001");

    // config.json: every service at this origin, no token, gateway on.
    let c = gw.request("GET", "/config.json", &[], None);
    assert_eq!(c.status, 200);
    let cfg = c.json();
    assert_eq!((cfg["project_id"].as_str(), cfg["gateway"].as_bool(), cfg["sandbox"].as_bool()), (Some(p.as_str()), Some(true), Some(false)));
    assert_eq!(cfg["endpoints"], json!({"mrs": "", "vpc": "", "emr_serverless": "", "emr": "", "alluxio": ""}));
    assert_eq!(cfg["emr_region"], "cn-hangzhou", "the console sends the gateway's EMR region as regionId");
    assert!(cfg.get("token").is_none() && !c.text().contains(AK));
    assert_eq!(gw.request("GET", "/config.json", &[("Origin", PORTAL)], None).status, 403, "same origin only");
    let index = gw.request("GET", "/clusters/x", &[("Accept", "text/html")], None);
    assert_eq!((index.status, index.text().as_str()), (200, "<html>console</html>"));
    // The console's page under the strict policy (README "Content-Security-Policy"), framed by no portal.
    let csp = index.header("content-security-policy").unwrap_or_default().to_string();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");

    // Who is signed in.
    let r = gw.request("GET", "/gateway/whoami", &[], None);
    assert_eq!((r.status, code(&r).as_str()), (401, "Gateway.Unauthorized"));
    let r = gw.request("GET", "/gateway/whoami", &[("X-Auth-Token", "nope")], None);
    assert_eq!((r.status, code(&r).as_str()), (401, "Gateway.Unauthorized"));
    let me = gw.call(ALICE, "GET", "/gateway/whoami", None).json();
    assert_eq!(
        me,
        json!({"user": "alice", "role": "operator", "auth": "token", "can_write": true, "services": ["mrs", "vpc", "emr-serverless", "emr", "alluxio"]})
    );
    assert_eq!(gw.call(BOB, "GET", "/gateway/whoami", None).json()["role"], "viewer");

    // Reads go through, signed, with the sandbox's own request id and the gateway's.
    let r = gw.call(BOB, "GET", &list, None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["clusters"][0]["clusterName"], "analytics-prod");
    let (up_id, gw_id) = (r.header("x-request-id").unwrap(), r.header("x-gateway-request-id").unwrap());
    assert_ne!(up_id, gw_id);
    assert_eq!(gw.call(BOB, "GET", &format!("/v2/{p}/metadata/versions"), None).status, 200);
    let r = gw.request("GET", &list, &[], None);
    assert_eq!((r.status, code(&r).as_str()), (401, "Gateway.Unauthorized"));
    assert_eq!(r.header("x-request-id"), r.header("x-gateway-request-id"), "the gateway's own answer carries its id");

    // A write by the operator: signed body, audited with both request ids.
    let r = gw.call(ALICE, "POST", &format!("/v2/{p}/clusters"), Some(&create_body("through_gateway")));
    assert_eq!(r.status, 200, "{}", r.text());
    let created_id = r.header("x-request-id").unwrap().to_string();
    let cluster = r.json()["cluster_id"].as_str().unwrap().to_string();
    assert_eq!(s.detail(&cluster)["clusterName"], "through_gateway");

    // The viewer cannot write, and the attempt is recorded.
    let r = gw.call(BOB, "PUT", &format!("/v2/{p}/clusters/{cluster}/cluster-name"), Some(&json!({"cluster_name": "renamed"})));
    assert_eq!((r.status, code(&r).as_str()), (403, "Gateway.RoleDenied"), "{}", r.text());
    assert!(r.json()["error_msg"].as_str().unwrap().contains("viewer"));
    assert_eq!(s.detail(&cluster)["clusterName"], "through_gateway");
    let r = gw.request("PUT", &format!("/v2/{p}/clusters/{cluster}/cluster-name"), &[("X-Auth-Token", BOB), ("X-Language", "zh-cn")], Some(b"{}"));
    assert!(r.json()["error_msg"].as_str().unwrap().contains("角色"), "refusals follow the request's language");

    // Another project, operations off the allowlist, paths that could resolve elsewhere.
    let other = "ffffffffffffffffffffffffffffffff";
    let r = gw.call(ALICE, "GET", &format!("/v1.1/{other}/cluster_infos"), None);
    assert_eq!((r.status, code(&r).as_str()), (403, "Gateway.ScopeDenied"));
    let r = gw.call(ALICE, "GET", "/v1.1/cn-east-3/available-zones", None);
    assert_eq!((r.status, code(&r).as_str()), (403, "Gateway.ScopeDenied"));
    for (method, path) in [
        ("POST", format!("/v2/{p}/run-job-flow")),
        ("GET", format!("/v2/{p}/clusters/{cluster}/../../{other}/clusters")),
        ("GET", format!("/v2/{p}/clusters/%2e%2e/nodes")),
        ("GET", format!("/v2/{p}/clusters/a%2Fb/nodes")),
        ("GET", "/api/v1/sandbox/ring".to_string()),
        ("DELETE", format!("/v1.1/{p}/cluster_infos/{cluster}")),
    ] {
        let r = gw.call(ALICE, method, &path, None);
        assert_eq!(r.status, 403, "{method} {path}: {}", r.text());
        assert!(r.text().contains("Gateway.NotAllowed"), "{method} {path}: {}", r.text());
    }
    assert_eq!(gw.call(ALICE, "POST", "/v3/auth/tokens", None).status, 405, "no other vendor path is forwarded");

    // EMR: ACS3-signed ROA and RPC calls, the region checked, RPC actions allowlisted.
    let r = gw.call(BOB, "GET", "/api/v1/workspaces?regionId=cn-hangzhou&maxResults=5", None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["requestId"].is_string() && r.header("x-acs-request-id").is_some());
    let r = gw.call(BOB, "GET", "/api/v1/workspaces?regionId=cn-beijing", None);
    assert_eq!((r.status, r.json()["code"].as_str()), (403, Some("Gateway.ScopeDenied")), "{}", r.text());
    let r = gw.call(BOB, "GET", "/api/v1/workspaces/w-1/sessionClusters", None);
    assert_eq!((r.status, r.json()["code"].as_str()), (403, Some("Gateway.NotAllowed")));
    let form = |token: &str, body: &str| {
        gw.request("POST", "/", &[("X-Auth-Token", token), ("Content-Type", "application/x-www-form-urlencoded")], Some(body.as_bytes()))
    };
    let r = form(BOB, "Action=ListFlowProject&RegionId=cn-hangzhou&PageNumber=1&PageSize=5");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["RequestId"].is_string());
    let create = "Action=CreateFlowProject&Version=2016-04-08&RegionId=cn-hangzhou&Name=gw_project&Description=through%20the%20gateway";
    let r = form(BOB, create);
    assert_eq!((r.status, r.json()["Code"].as_str()), (403, Some("Gateway.RoleDenied")), "{}", r.text());
    let r = form(ALICE, create);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = gw.request("POST", "/?Action=ListFlowProject&RegionId=cn-hangzhou", &[("X-Auth-Token", BOB)], None);
    assert_eq!(r.status, 200, "Action in the query: {}", r.text());
    let listed = r.json().to_string();
    assert!(listed.contains("gw_project"), "{listed}");
    let r = form(ALICE, "Action=DescribeClusterV2&RegionId=cn-hangzhou");
    assert_eq!((r.status, r.json()["Code"].as_str()), (403, Some("Gateway.NotAllowed")));
    let r = form(ALICE, "Action=ListFlowProject&RegionId=cn-shanghai");
    assert_eq!((r.status, r.json()["Code"].as_str()), (403, Some("Gateway.ScopeDenied")));

    // Body limit.
    let big = json!({"cluster_name": "x".repeat(5000)});
    let r = gw.call(ALICE, "PUT", &format!("/v2/{p}/clusters/{cluster}/cluster-name"), Some(&big));
    assert_eq!((r.status, code(&r).as_str()), (413, "Gateway.BodyTooLarge"));

    // Browser rules of the sandbox: Host allow-list, exact CORS, foreign origins refused.
    let port = gw.addr.rsplit(':').next().unwrap();
    assert_eq!(gw.request("GET", "/config.json", &[("Host", &format!("evil.test:{port}"))], None).status, 421);
    // Behind a TLS proxy: the public name without a port, and its https origin as the console's own.
    let proxied = gw.request("GET", "/config.json", &[("Host", "lakedeck.test"), ("Origin", "https://lakedeck.test")], None);
    assert_eq!(proxied.status, 200, "{}", proxied.text());
    let pre = gw.request("OPTIONS", &list, &[("Origin", PORTAL), ("Access-Control-Request-Method", "GET")], None);
    assert_eq!((pre.status, pre.header("access-control-allow-origin")), (204, Some(PORTAL)));
    assert!(pre.header("access-control-allow-headers").unwrap().contains("X-Auth-Token"));
    assert_eq!(gw.request("OPTIONS", &list, &[("Origin", "http://evil.test")], None).status, 403);
    let r = gw.request("GET", &list, &[("X-Auth-Token", BOB), ("Origin", PORTAL)], None);
    assert_eq!((r.status, r.header("access-control-allow-origin")), (200, Some(PORTAL)));
    assert!(r.header("access-control-expose-headers").unwrap().contains("X-Gateway-Request-Id"));
    let r = gw.request("GET", &list, &[("X-Auth-Token", BOB), ("Origin", "http://evil.test")], None);
    assert_eq!((r.status, code(&r).as_str()), (403, "Gateway.OriginDenied"));

    // Alluxio: unsigned, the configured bearer instead of the user's token; cookies, forwarding
    // headers and the user's token stay at the gateway; the answer streams back unchanged.
    let r = gw.request(
        "GET",
        "/api/v1/load?lastKey=a%20b&count=5",
        &[("X-Auth-Token", BOB), ("Cookie", "portal=1"), ("X-Forwarded-For", "1.2.3.4"), ("Accept-Language", "zh-CN")],
        None,
    );
    assert_eq!((r.status, r.text().as_str()), (200, "{\"results\":[]}"));
    assert_eq!(r.header("x-request-id"), Some("upstream-7"));
    assert!(r.header("set-cookie").is_none() && r.header("access-control-allow-origin").is_none());
    let seen = up.seen.lock().unwrap().last().unwrap().to_ascii_lowercase();
    assert!(seen.starts_with("get /api/v1/load?lastkey=a%20b&count=5 http/1.1"), "{seen}");
    assert!(seen.contains(&format!("authorization: bearer {}", BEARER.to_ascii_lowercase())), "{seen}");
    assert!(seen.contains("accept-language: zh-cn"), "{seen}");
    for leaked in [ALICE.to_ascii_lowercase(), BOB.to_ascii_lowercase(), "cookie".into(), "x-forwarded-for".into(), "x-auth-token".into()] {
        assert!(!seen.contains(&leaked), "{leaked} reached the upstream: {seen}");
    }
    let r = gw.call(BOB, "POST", "/api/v1/load", Some(&json!({"paths": ["/a"]})));
    assert_eq!((r.status, r.json()["code"].as_str()), (403, Some("Gateway.RoleDenied")));
    assert_eq!(gw.call(ALICE, "POST", "/api/v1/load", Some(&json!({"paths": ["/a"]}))).status, 200);
    assert!(up.seen.lock().unwrap().last().unwrap().ends_with("{\"paths\":[\"/a\"]}"), "the body is forwarded as sent");

    // An upstream that stops answering or hangs up.
    let r = gw.call(ALICE, "GET", "/api/v1/mount", None);
    assert_eq!((r.status, r.json()["code"].as_str()), (504, Some("Gateway.UpstreamTimeout")));
    let r = gw.call(ALICE, "POST", "/api/v1/ttl", Some(&json!({"path": "/a"})));
    assert_eq!((r.status, r.json()["code"].as_str()), (502, Some("Gateway.UpstreamFailed")));

    // The audit log: one line per write attempt, who and what, never a token.
    let lines = audit_lines(&dir);
    let text = std::fs::read_to_string(dir.join("audit/audit.jsonl")).unwrap();
    for secret in [ALICE, BOB, AK, SK, BEARER] {
        assert!(!text.contains(secret));
    }
    let create = lines.iter().find(|l| l["operation"] == "CreateCluster").expect("create audited");
    assert_eq!((create["user"].as_str(), create["role"].as_str(), create["status"].as_u64()), (Some("alice"), Some("operator"), Some(200)));
    assert_eq!(create["upstream_request_id"].as_str(), Some(created_id.as_str()));
    assert_eq!(create["service"], "mrs");
    assert!(create["time"].as_str().unwrap().ends_with('Z'));
    let denied = lines.iter().find(|l| l["operation"] == "UpdateClusterName" && l["user"] == "bob").expect("refusal audited");
    assert_eq!(denied["status"], 403);
    assert!(lines.iter().any(|l| l["path"].as_str().unwrap().ends_with("/run-job-flow") && l["status"] == 403));
    assert!(lines.iter().any(|l| l["operation"] == "SetTtlRule" && l["status"] == 502));
    assert!(!lines.iter().any(|l| l["method"] == "GET"), "reads are not audited: {lines:?}");
    let flow = lines.iter().find(|l| l["operation"] == "CreateFlowProject" && l["status"] == 200).expect("RPC write audited");
    assert_eq!((flow["service"].as_str(), flow["user"].as_str()), (Some("emr"), Some("alice")));
    assert!(flow["upstream_request_id"].is_string());
    drop(gw);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn trusted_header_only_from_trusted_proxies() {
    let root = temp_dir("gateway-trust");
    let up = upstream();
    let alluxio_only = |proxies: &str| {
        format!(
            "trusted_header = \"X-Forwarded-User\"\ntrusted_proxies = [{proxies}]\ndefault_role = \"viewer\"\n\
             [[users]]\nname = \"carol\"\nrole = \"operator\"\n[alluxio]\nendpoint = \"{}\"\n",
            up.url
        )
    };
    let gw = Gateway::start(&root, &alluxio_only("\"127.0.0.0/8\""), &[]);
    let who = |user: &str| gw.request("GET", "/gateway/whoami", &[("X-Forwarded-User", user)], None);
    assert_eq!(who("carol").json()["role"], "operator", "a configured user keeps the role given to them");
    let dave = who("dave").json();
    assert_eq!((dave["user"].as_str(), dave["role"].as_str(), dave["auth"].as_str()), (Some("dave"), Some("viewer"), Some("header")));
    assert_eq!(gw.request("GET", "/gateway/whoami", &[], None).status, 401);
    let r = gw.request("POST", "/api/v1/load", &[("X-Forwarded-User", "dave")], Some(b"{}"));
    assert_eq!(r.status, 403, "the default role only reads");
    assert_eq!(gw.request("POST", "/api/v1/load", &[("X-Forwarded-User", "carol")], Some(b"{}")).status, 200);
    drop(gw);

    // The same header from an address that is not a configured proxy counts for nothing.
    let gw = Gateway::start(&root, &alluxio_only("\"10.0.0.0/8\", \"::2\""), &[]);
    let r = gw.request("GET", "/gateway/whoami", &[("X-Forwarded-User", "carol")], None);
    assert_eq!(r.status, 401);
    drop(gw);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn refuses_to_start_on_a_bad_configuration() {
    let root = temp_dir("gateway-config");
    let base = format!(
        "[[users]]\nname = \"a\"\ntoken_sha256 = \"{}\"\nrole = \"operator\"\n\
         [mrs]\nendpoint = \"https://mrs.cn-north-4.myhuaweicloud.com\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\n\
         access_key_env = \"GW_TEST_AK\"\nsecret_key_env = \"GW_TEST_SK\"\n",
        sha256_hex(ALICE)
    );
    let err = Gateway::refuse_to_start(&root, &base, &[("GW_TEST_AK", AK)]);
    assert!(err.contains("GW_TEST_SK (named by mrs.secret_key_env) is not set"), "{err}");
    let err = Gateway::refuse_to_start(&root, &base.replace("role = \"operator\"", "role = \"root\""), &ENV);
    assert!(err.contains("refused.toml") && err.contains("unknown variant"), "{err}");
    let err = Gateway::refuse_to_start(&root, &format!("allowed_origins = [\"*\"]\n{base}"), &ENV);
    assert!(err.contains("allowed_origins must be one exact origin"), "{err}");
    let missing = root.join("absent.toml");
    let out = Gateway::command(&missing, &ENV).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the gateway configuration"));
    // A good file with the keys set starts, and says where it forwards.
    let gw = Gateway::start(&root, &base, &ENV);
    assert!(gw.banner.iter().any(|l| l.contains("mrs: https://mrs.cn-north-4.myhuaweicloud.com") && l.contains("vpc: https://vpc.cn-north-4")));
    let _ = std::fs::remove_dir_all(&root);
}
