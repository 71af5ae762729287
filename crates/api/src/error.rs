//! Vendor error bodies. MRS answers `{"error_code","error_msg"}` on most APIs and
//! `{"errorCode","errorMsg"}` on the v1.1 cluster family; the SDK accepts either (and `code`/`message`).
//! Alibaba answers `{"requestId","code","message"}` (ROA) or `{"RequestId","HostId","Code","Message"}` (RPC).

use serde::{Deserialize, Serialize};

/// Standard MRS error body (v2 and most v1.1 APIs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrsErrorBody {
    pub error_code: String,
    pub error_msg: String,
}

/// Error body of the v1.1 cluster resources (cluster not found, for instance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MrsCamelErrorBody {
    pub error_code: String,
    pub error_msg: String,
}

/// Vendor code and message pulled out of any error body the vendors use, searched the way the
/// Huawei SDK does: `error_code`/`error_msg`, `errorCode`/`errorMsg`, `code`/`message`, then nested objects.
pub fn parse_vendor_error(body: &str) -> Option<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    find_code(&value)
}

/// An Alluxio coordinator error body: `{"status": "<message>"}` (the reference's generic body), or
/// `{"status": "<state>", "message": "<text>"}` as some 3.x handlers answer; a 409 adds the active
/// job's `"id"`. Answers `(code, message)`: the code is the HTTP status (the coordinator has no
/// error codes), the message the body's text, with the active job named when the body names one.
pub fn parse_alluxio_error(status: u16, body: &str) -> Option<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let obj = value.as_object()?;
    let state = obj.get("status").and_then(as_text).filter(|s| !s.trim().is_empty());
    let message = obj.get("message").and_then(as_text).filter(|s| !s.trim().is_empty());
    let text = match (state, message) {
        (Some(s), Some(m)) if s != m => format!("{s}: {m}"),
        (_, Some(m)) => m,
        (Some(s), None) => s,
        (None, None) => return None,
    };
    let text = match obj.get("id").and_then(as_text).filter(|s| !s.trim().is_empty()) {
        Some(id) if !text.contains(&id) => format!("{text} ({id})"),
        _ => text,
    };
    Some((status.to_string(), text))
}

/// The request id an error body carries: Alibaba's `requestId` (ROA) or `RequestId` (RPC), or
/// `request_id`. The console shows it when no `X-Request-Id` header came (a gateway or CORS may
/// hide headers; Alibaba's own is `x-acs-request-id`).
pub fn parse_vendor_request_id(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let obj = value.as_object()?;
    ["requestId", "RequestId", "request_id"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(as_text))
        .filter(|s| !s.trim().is_empty())
}

fn as_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn find_code(v: &serde_json::Value) -> Option<(String, String)> {
    let obj = v.as_object()?;
    for (code_key, msg_key) in [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
        ("Code", "Message"),
    ] {
        if let Some(code) = obj.get(code_key).and_then(as_text) {
            let msg = obj.get(msg_key).and_then(as_text).unwrap_or_default();
            return Some((code, msg));
        }
    }
    obj.values().find_map(find_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_vendor_shape() {
        assert_eq!(
            parse_vendor_error(r#"{"error_code":"MRS.0002","error_msg":"bad"}"#),
            Some(("MRS.0002".into(), "bad".into()))
        );
        assert_eq!(
            parse_vendor_error(r#"{"errorCode":"12000003","errorMsg":"gone"}"#),
            Some(("12000003".into(), "gone".into()))
        );
        assert_eq!(
            parse_vendor_error(r#"{"error":{"code":"APIGW.0301","message":"auth"}}"#),
            Some(("APIGW.0301".into(), "auth".into()))
        );
        assert_eq!(
            parse_vendor_error(r#"{"requestId":"A1","code":"InvalidParameter","message":"maxResults"}"#),
            Some(("InvalidParameter".into(), "maxResults".into()))
        );
        assert_eq!(
            parse_vendor_error(r#"{"RequestId":"B2","HostId":"emr.aliyuncs.com","Code":"MissingParameter","Message":"RegionId"}"#),
            Some(("MissingParameter".into(), "RegionId".into()))
        );
        assert_eq!(parse_vendor_request_id(r#"{"requestId":"A1","code":"X"}"#).as_deref(), Some("A1"));
        assert_eq!(parse_vendor_request_id(r#"{"RequestId":"B2"}"#).as_deref(), Some("B2"));
        assert_eq!(parse_vendor_request_id(r#"{"error_code":"MRS.1"}"#), None);
        assert_eq!(parse_vendor_error("not json"), None);
        assert_eq!(parse_vendor_error(r#"{"a":1}"#), None);
    }

    #[test]
    fn camel_body_round_trips_with_exact_keys() {
        let b = MrsCamelErrorBody { error_code: "12000003".into(), error_msg: "m".into() };
        assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"errorCode":"12000003","errorMsg":"m"}"#);
    }

    #[test]
    fn alluxio_status_bodies_read_as_status_and_message() {
        assert_eq!(parse_alluxio_error(404, r#"{"status": "No job found"}"#), Some(("404".into(), "No job found".into())));
        assert_eq!(
            parse_alluxio_error(409, r#"{"status": "Load job for the same paths already exists", "id": "7"}"#),
            Some(("409".into(), "Load job for the same paths already exists (7)".into()))
        );
        assert_eq!(parse_alluxio_error(500, r#"{"status": "FAILED", "message": "disk full"}"#), Some(("500".into(), "FAILED: disk full".into())));
        assert_eq!(parse_alluxio_error(502, "<html>"), None);
        assert_eq!(parse_alluxio_error(400, r#"{"other": 1}"#), None);
    }
}
