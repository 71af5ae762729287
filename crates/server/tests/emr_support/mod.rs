//! Alibaba Cloud clients for the EMR test files: requests signed exactly as the official SDKs sign
//! them (ACS3-HMAC-SHA256 by default, the v1 signatures on request), over the plain-socket harness.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use lakedeck_api::acs;
use serde_json::Value;

use crate::support::{now_secs, Resp, Server};

pub const SPARK_VERSION: &str = "2023-08-08";
pub const EMR_VERSION: &str = "2016-04-08";
pub const RUN_TIMEOUT: Duration = Duration::from_secs(90);

pub fn nonce() -> String {
    format!("{:x}{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos(), std::process::id())
}

fn query_string(pairs: &[(String, String)]) -> String {
    acs::to_form(pairs)
}

pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The headers a V3 client sends and signs, with the Authorization; `date` overrides the time.
/// Every input of the signature is a parameter so a test can break exactly one of them.
#[allow(clippy::too_many_arguments)]
pub fn v3_headers(
    s: &Server,
    method: &str,
    path: &str,
    query: &[(String, String)],
    action: &str,
    version: &str,
    body: &[u8],
    content_type: Option<&str>,
    secret: &str,
    date: Option<&str>,
    nonce_value: Option<&str>,
) -> Vec<(String, String)> {
    let hash = acs::content_sha256(body);
    let mut headers = vec![
        ("host".to_string(), s.addr.clone()),
        ("x-acs-action".to_string(), action.to_string()),
        ("x-acs-version".to_string(), version.to_string()),
        ("x-acs-date".to_string(), date.map(str::to_string).unwrap_or_else(|| acs::format_iso8601(now_secs()))),
        ("x-acs-signature-nonce".to_string(), nonce_value.map(str::to_string).unwrap_or_else(nonce)),
        ("x-acs-content-sha256".to_string(), hash.clone()),
    ];
    if let Some(ct) = content_type {
        headers.push(("content-type".to_string(), ct.to_string()));
    }
    let signed: Vec<String> = headers.iter().map(|(k, _)| k.clone()).collect();
    let input = acs::V3Input { method, path, query, headers: &headers, signed_headers: &signed, payload_hash: &hash };
    let auth = acs::v3_authorization(&s.ak, secret, &input);
    headers.push(("authorization".to_string(), auth));
    headers
}

pub fn send(s: &Server, method: &str, path: &str, query: &[(String, String)], headers: &[(String, String)], body: Option<&[u8]>) -> Resp {
    let target = if query.is_empty() { path.to_string() } else { format!("{path}?{}", query_string(query)) };
    // The harness adds its own Host; the signed one is the same value.
    let hs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    s.request(method, &target, &hs, body)
}

/// A Serverless Spark call signed with ACS3-HMAC-SHA256.
pub fn roa(s: &Server, method: &str, path: &str, query: &[(&str, &str)], body: Option<&Value>) -> Resp {
    let query = pairs(query);
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let ct = body.map(|_| "application/json; charset=utf-8");
    let h = v3_headers(s, method, path, &query, "Sandbox", SPARK_VERSION, &bytes, ct, &s.sk, None, None);
    send(s, method, path, &query, &h, body.map(|_| bytes.as_slice()))
}

/// A Serverless Spark call with the console's token.
pub fn roa_token(s: &Server, method: &str, path: &str, query: &[(&str, &str)], body: Option<&Value>) -> Resp {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    let mut h = vec![("X-Auth-Token".to_string(), s.token.clone())];
    if body.is_some() {
        h.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    send(s, method, path, &pairs(query), &h, bytes.as_deref())
}

/// A ROA v1 (`acs AK:signature`) call.
pub fn roa_v1(s: &Server, method: &str, path: &str, query: &[(&str, &str)]) -> Resp {
    let query = pairs(query);
    let mut headers = vec![
        ("accept".to_string(), "application/json".to_string()),
        ("date".to_string(), acs::format_rfc1123(now_secs())),
        ("x-acs-signature-method".to_string(), "HMAC-SHA1".to_string()),
        ("x-acs-signature-version".to_string(), "1.0".to_string()),
        ("x-acs-signature-nonce".to_string(), nonce()),
        ("x-acs-version".to_string(), SPARK_VERSION.to_string()),
    ];
    let sts = acs::roa_string_to_sign(&acs::RoaInput { method, path, query: &query, headers: &headers });
    headers.push(("authorization".to_string(), format!("acs {}:{}", s.ak, acs::roa_signature(&s.sk, &sts))));
    send(s, method, path, &query, &headers, None)
}

/// An EMR RPC call signed with ACS3: `Action` only in the header, short parameters in the query,
/// `form` in a form body (as the SDK splits them).
pub fn rpc(s: &Server, action: &str, query: &[(&str, &str)], form: &[(&str, &str)]) -> Resp {
    let mut q = pairs(query);
    if !q.iter().any(|(k, _)| k == "RegionId") {
        q.push(("RegionId".into(), "cn-hangzhou".into()));
    }
    let body = acs::to_form(&pairs(form));
    let ct = (!form.is_empty()).then_some("application/x-www-form-urlencoded");
    let h = v3_headers(s, "POST", "/", &q, action, EMR_VERSION, body.as_bytes(), ct, &s.sk, None, None);
    send(s, "POST", "/", &q, &h, (!form.is_empty()).then_some(body.as_bytes()))
}

/// An EMR RPC call signed the v1 way (every parameter in the query, `Signature` last).
pub fn rpc_v1(s: &Server, method: &str, action: &str, params: &[(&str, &str)], secret: &str, nonce_value: Option<&str>, ts: Option<&str>) -> Resp {
    let mut q = pairs(&[
        ("Action", action),
        ("Format", "JSON"),
        ("Version", EMR_VERSION),
        ("AccessKeyId", &s.ak),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("RegionId", "cn-hangzhou"),
    ]);
    q.push(("SignatureNonce".into(), nonce_value.map(str::to_string).unwrap_or_else(nonce)));
    q.push(("Timestamp".into(), ts.map(str::to_string).unwrap_or_else(|| acs::format_iso8601(now_secs()))));
    q.extend(pairs(params));
    let sig = acs::rpc_signature(secret, &acs::rpc_string_to_sign(method, &q));
    q.push(("Signature".into(), sig));
    send(s, method, "/", &q, &[], None)
}

pub fn ok_json(r: &Resp) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let id = v.get("requestId").or_else(|| v.get("RequestId")).and_then(Value::as_str).unwrap_or("");
    assert!(!id.is_empty(), "a request id in {v}");
    assert_eq!(r.header("x-acs-request-id"), Some(id));
    v
}

/// Asserts a ROA error (camelCase) and returns its message.
pub fn roa_error(r: &Resp, status: u16, code: &str) -> String {
    let v = r.json();
    assert_eq!((r.status, v["code"].as_str()), (status, Some(code)), "{}", r.text());
    assert!(v["requestId"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    v["message"].as_str().unwrap().to_string()
}

/// Asserts an RPC error (PascalCase) and returns its message.
pub fn rpc_error(r: &Resp, status: u16, code: &str) -> String {
    let v = r.json();
    assert_eq!((r.status, v["Code"].as_str()), (status, Some(code)), "{}", r.text());
    assert!(v["RequestId"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert!(v.get("HostId").is_some(), "{v}");
    v["Message"].as_str().unwrap().to_string()
}

pub fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < RUN_TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
