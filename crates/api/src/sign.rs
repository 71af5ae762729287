//! Huawei Cloud `SDK-HMAC-SHA256` request signing, exactly as `huaweicloudsdkcore/signer/signer.py` does it.
//! The sandbox verifies signatures with it; the gateway (later) will sign with it.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// RFC 3986 encoding as the SDK does it: only `A-Za-z0-9-._~` stay as they are; spaces become `%20`.
pub fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding of a path segment or query component. `+` stays a plus: the SDK encodes
/// spaces as `%20`, so a `+` on the wire is a literal plus.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let h = (bytes[i + 1] as char).to_digit(16);
            let l = (bytes[i + 2] as char).to_digit(16);
            if let (Some(h), Some(l)) = (h, l) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a raw query string (`a=x%20y&b=2`) into decoded pairs, keeping repeated keys.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// The canonical URI: the decoded path, each segment re-encoded, always ending in `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode(path);
    let mut uri = decoded.split('/').map(uri_encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Sorted `k=v` pairs joined with `&`, keys and values encoded.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        pairs.iter().map(|(k, v)| (uri_encode(k), uri_encode(v))).collect();
    encoded.sort();
    encoded.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// What a signature covers. `headers` are the request's headers (any case); only those named in
/// `signed_headers` (lower-case) are used.
pub struct SigningInput<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
    pub signed_headers: &'a [String],
    pub body: &'a [u8],
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

pub fn canonical_request(input: &SigningInput) -> String {
    let mut canonical_headers = String::new();
    for name in input.signed_headers {
        let value = header(input.headers, name).unwrap_or("").trim();
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let body_hash = match header(input.headers, "x-sdk-content-sha256") {
        Some(UNSIGNED_PAYLOAD) => UNSIGNED_PAYLOAD.to_string(),
        _ if input.body.is_empty() => EMPTY_BODY_SHA256.to_string(),
        _ => sha256_hex(input.body),
    };
    [
        input.method.to_ascii_uppercase(),
        canonical_uri(input.path),
        canonical_query(input.query),
        canonical_headers,
        input.signed_headers.join(";"),
        body_hash,
    ]
    .join("\n")
}

pub fn string_to_sign(canonical_request: &str, sdk_date: &str) -> String {
    format!("{ALGORITHM}\n{sdk_date}\n{}", sha256_hex(canonical_request.as_bytes()))
}

pub fn signature(secret_key: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` header.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?.trim();
    let (mut ak, mut sh, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Access" => ak = Some(v.trim().to_string()),
            "SignedHeaders" => sh = Some(v.trim().split(';').map(|h| h.to_ascii_lowercase()).collect()),
            "Signature" => sig = Some(v.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    Some(Authorization { access_key: ak?, signed_headers: sh?, signature: sig? })
}

/// Compares two hex signatures without leaking where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Parses `YYYYMMDDTHHMMSSZ` into Unix seconds, for the clock-skew check.
pub fn parse_sdk_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01
/// (Howard Hinnant's algorithm; the inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Formats Unix seconds as `YYYYMMDDTHHMMSSZ`.
pub fn format_sdk_date(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Signs a request the way the SDK does; returns the `Authorization` header value.
pub fn authorization_header(access_key: &str, secret_key: &str, input: &SigningInput, sdk_date: &str) -> String {
    let sts = string_to_sign(&canonical_request(input), sdk_date);
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={}",
        input.signed_headers.join(";"),
        signature(secret_key, &sts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        v.to_string()
    }

    /// The reference vector from mrs-api.md §2.2 (computed with the SDK's own signer).
    #[test]
    fn matches_the_sdk_test_vector() {
        let query = parse_query("a=x%20y&b=2&flag=true");
        let headers = vec![
            (s("Content-Type"), s("application/json;charset=UTF-8")),
            (s("Host"), s("127.0.0.1:8080")),
            (s("User-Agent"), s("ua")),
            (s("X-Project-Id"), s("pid")),
            (s("X-Sdk-Date"), s("20260820T091500Z")),
        ];
        let signed: Vec<String> =
            ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"].map(s).to_vec();
        let input = SigningInput {
            method: "PUT",
            path: "/v2/pid/clusters/cid/cluster-name",
            query: &query,
            headers: &headers,
            signed_headers: &signed,
            body: br#"{"cluster_name":"x"}"#,
        };
        let header = authorization_header("AKTEST", "SKTEST", &input, "20260820T091500Z");
        assert_eq!(
            header,
            "SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, \
             Signature=e153ec50886af1535848d4973b9419238506ac0b021271556e50781c2af167ac"
        );
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(parsed.access_key, "AKTEST");
        assert_eq!(parsed.signed_headers, signed);
        assert_eq!(parsed.signature, "e153ec50886af1535848d4973b9419238506ac0b021271556e50781c2af167ac");
    }

    #[test]
    fn canonical_parts() {
        assert_eq!(canonical_uri("/v2/p/clusters"), "/v2/p/clusters/");
        assert_eq!(canonical_uri("/v2/p/a%20b/"), "/v2/p/a%20b/");
        assert_eq!(canonical_query(&parse_query("b=2&a=x%20y")), "a=x%20y&b=2");
        assert_eq!(canonical_query(&[]), "");
        assert_eq!(percent_decode("a+b%2Bc%zz%"), "a+b+c%zz%");
    }

    #[test]
    fn refuses_malformed_authorization() {
        assert!(parse_authorization("Bearer x").is_none());
        assert!(parse_authorization("SDK-HMAC-SHA256 Access=a, Signature=b").is_none());
    }

    #[test]
    fn sdk_dates_round_trip() {
        let t = parse_sdk_date("20260820T091500Z").unwrap();
        assert_eq!(t, 1_787_217_300);
        assert_eq!(format_sdk_date(t), "20260820T091500Z");
        assert_eq!(format_sdk_date(0), "19700101T000000Z");
        assert!(parse_sdk_date("2026-08-20T09:15:00Z").is_none());
        assert!(parse_sdk_date("20261320T091500Z").is_none());
        for days in [-800_000, -1, 0, 59, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
