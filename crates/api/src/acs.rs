//! Alibaba Cloud request signing, as the official SDKs compute it (emr-api.md §3):
//! - V3 `ACS3-HMAC-SHA256` (the default of the Tea/Darabonba SDKs, RPC and ROA alike),
//! - RPC v1 (`Signature` query parameter, HMAC-SHA1 over the sorted parameters),
//! - ROA v1 (`Authorization: acs AK:signature`, HMAC-SHA1 over method, headers and resource).
//!
//! Pure functions over already-parsed requests: the sandbox verifies with them and the gateway
//! will sign with them. Nothing here knows about HTTP libraries or clocks.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::sign::{civil_from_days, days_from_civil, percent_decode, sha256_hex, uri_encode};

pub const ACS3: &str = "ACS3-HMAC-SHA256";
/// Hex SHA-256 of an empty body (`x-acs-content-sha256` of a GET).
pub const EMPTY_SHA256: &str = crate::sign::EMPTY_BODY_SHA256;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding (what the SDKs put in v1 signatures).
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

/// The SDKs' "percent encode": UTF-8 bytes, `A-Za-z0-9-_.~` kept, the rest `%XX` upper-case.
pub fn pct(s: &str) -> String {
    uri_encode(s)
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space (Python's SDKs send
/// spaces that way in queries and form bodies alike), then `%XX`.
pub fn form_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

/// Splits a query string or a form body into decoded pairs, keeping order and repeated keys.
pub fn parse_form(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (form_decode(k), form_decode(v)),
            None => (form_decode(p), String::new()),
        })
        .collect()
}

/// Encodes pairs as a form body / query string (the inverse of [`parse_form`]).
pub fn to_form(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", pct(k), pct(v))).collect::<Vec<_>>().join("&")
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Compares two signatures without leaking where they differ.
pub fn same_signature(a: &str, b: &str) -> bool {
    crate::sign::constant_time_eq(a, b)
}

// ---------------------------------------------------------------------------------------------
// V3: ACS3-HMAC-SHA256

/// What a V3 signature covers.
pub struct V3Input<'a> {
    pub method: &'a str,
    /// The path as sent on the wire (already percent-encoded); `/` for RPC.
    pub path: &'a str,
    /// Decoded query pairs.
    pub query: &'a [(String, String)],
    /// Every header of the request (any case, repeats allowed); only `signed_headers` are used.
    pub headers: &'a [(String, String)],
    /// Lower-case names, as listed in the Authorization header.
    pub signed_headers: &'a [String],
    /// Lower-hex SHA-256 of the exact body bytes.
    pub payload_hash: &'a str,
}

/// Sorted `pct(k)=pct(v)` pairs joined with `&` (an empty value still gives `k=`).
pub fn v3_canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query.iter().map(|(k, v)| (pct(k), pct(v))).collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

pub fn v3_canonical_request(input: &V3Input) -> String {
    let mut names: Vec<String> = input.signed_headers.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    let mut canonical_headers = String::new();
    for name in &names {
        let mut values: Vec<&str> =
            input.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()).collect();
        values.sort_unstable();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let path = if input.path.is_empty() { "/" } else { input.path };
    format!(
        "{}\n{path}\n{}\n{canonical_headers}\n{}\n{}",
        input.method.to_ascii_uppercase(),
        v3_canonical_query(input.query),
        names.join(";"),
        input.payload_hash
    )
}

pub fn v3_string_to_sign(canonical_request: &str) -> String {
    format!("{ACS3}\n{}", sha256_hex(canonical_request.as_bytes()))
}

pub fn v3_signature(secret: &str, string_to_sign: &str) -> String {
    hex(&hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`.
#[derive(Debug, PartialEq, Eq)]
pub struct V3Authorization {
    pub access_key_id: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses a V3 Authorization value; `None` when it is not one or a part is missing.
pub fn parse_v3_authorization(value: &str) -> Option<V3Authorization> {
    let rest = value.trim().strip_prefix(ACS3)?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (mut ak, mut sh, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        let v = v.trim();
        match k.trim() {
            "Credential" => ak = Some(v.to_string()),
            "SignedHeaders" => {
                sh = Some(v.split(';').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect())
            }
            "Signature" => sig = Some(v.to_ascii_lowercase()),
            _ => {}
        }
    }
    let auth = V3Authorization { access_key_id: ak?, signed_headers: sh?, signature: sig? };
    (!auth.access_key_id.is_empty() && !auth.signature.is_empty()).then_some(auth)
}

/// The Authorization header value a client sends for `input`.
pub fn v3_authorization(access_key_id: &str, secret: &str, input: &V3Input) -> String {
    let sts = v3_string_to_sign(&v3_canonical_request(input));
    let mut names: Vec<String> = input.signed_headers.iter().map(|h| h.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    format!("{ACS3} Credential={access_key_id},SignedHeaders={},Signature={}", names.join(";"), v3_signature(secret, &sts))
}

/// Lower-hex SHA-256 of a body, for `x-acs-content-sha256`.
pub fn content_sha256(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

// ---------------------------------------------------------------------------------------------
// RPC v1

/// `METHOD&%2F&pct(sorted pct(k)=pct(v) joined by &)`. `params` are every query and form
/// parameter except `Signature`, decoded.
pub fn rpc_string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").map(|(k, v)| (pct(k), pct(v))).collect();
    pairs.sort();
    let canonical = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    format!("{}&{}&{}", method.to_ascii_uppercase(), pct("/"), pct(&canonical))
}

/// base64(HMAC-SHA1(secret + "&", string to sign)).
pub fn rpc_signature(secret: &str, string_to_sign: &str) -> String {
    base64(&hmac_sha1(format!("{secret}&").as_bytes(), string_to_sign.as_bytes()))
}

// ---------------------------------------------------------------------------------------------
// ROA v1

/// What a ROA v1 signature covers.
pub struct RoaInput<'a> {
    pub method: &'a str,
    /// The path as sent (percent-encoded segments stay encoded, as the SDK signs them).
    pub path: &'a str,
    /// Decoded query pairs.
    pub query: &'a [(String, String)],
    /// Every header of the request; `accept`, `content-md5`, `content-type`, `date` and the
    /// `x-acs-*` ones are used.
    pub headers: &'a [(String, String)],
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).unwrap_or("")
}

pub fn roa_string_to_sign(input: &RoaInput) -> String {
    let mut out = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        input.method.to_ascii_uppercase(),
        header(input.headers, "accept"),
        header(input.headers, "content-md5"),
        header(input.headers, "content-type"),
        header(input.headers, "date"),
    );
    let mut acs: Vec<(String, &str)> = input
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .filter(|(k, _)| k.starts_with("x-acs-"))
        .collect();
    acs.sort();
    acs.dedup_by(|a, b| a.0 == b.0);
    for (k, v) in acs {
        out.push_str(&format!("{k}:{v}\n"));
    }
    out.push_str(input.path);
    if !input.query.is_empty() {
        let mut pairs: Vec<&(String, String)> = input.query.iter().collect();
        pairs.sort();
        let parts: Vec<String> =
            pairs.iter().map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k}={v}") }).collect();
        out.push('?');
        out.push_str(&parts.join("&"));
    }
    out
}

/// base64(HMAC-SHA1(secret, string to sign)) — no `&` after the secret, unlike RPC.
pub fn roa_signature(secret: &str, string_to_sign: &str) -> String {
    base64(&hmac_sha1(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// `acs AK:signature` → (AK, signature).
pub fn parse_roa_authorization(value: &str) -> Option<(String, String)> {
    let rest = value.trim().strip_prefix("acs ")?.trim();
    let (ak, sig) = rest.rsplit_once(':')?;
    (!ak.is_empty() && !sig.is_empty()).then(|| (ak.to_string(), sig.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Dates

/// `yyyy-MM-ddTHH:mm:ssZ` (optionally with `.fff`) in UTC → Unix seconds.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || !s.ends_with('Z') {
        return None;
    }
    let frac = &s[19..s.len() - 1];
    if !(frac.is_empty() || (frac.starts_with('.') && frac.len() > 1 && frac[1..].bytes().all(|c| c.is_ascii_digit()))) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    civil_seconds(num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?)
}

fn civil_seconds(y: i64, mo: i64, d: i64, h: i64, mi: i64, se: i64) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Unix seconds → `yyyy-MM-ddTHH:mm:ssZ`.
pub fn format_iso8601(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// `Mon, 23 Nov 2026 10:16:32 GMT` (RFC 1123, what ROA v1 clients put in `Date`) → Unix seconds.
pub fn parse_rfc1123(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, zone] = parts.as_slice() else { return None };
    if !matches!(*zone, "GMT" | "UTC") {
        return None;
    }
    let mo = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as i64 + 1;
    let hms: Vec<i64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, mi, se] = hms.as_slice() else { return None };
    civil_seconds(year.parse().ok()?, mo, day.parse().ok()?, *h, *mi, *se)
}

pub fn format_rfc1123(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let s = unix.rem_euclid(86_400);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        v.to_string()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(k, v)| (s(k), s(v))).collect()
    }

    #[test]
    fn sha256_of_test() {
        assert_eq!(content_sha256(b"test"), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assert_eq!(content_sha256(b""), EMPTY_SHA256);
    }

    /// darabonba-openapi's unit test: repeated headers joined sorted, empty query value kept.
    #[test]
    fn v3_darabonba_vector() {
        let query = pairs(&[("test", "ok"), ("empty", "")]);
        let headers = pairs(&[("x-acs-test", "http"), ("x-acs-TEST", "https")]);
        let signed = vec![s("x-acs-test")];
        let input = V3Input {
            method: "GET",
            path: "/",
            query: &query,
            headers: &headers,
            signed_headers: &signed,
            payload_hash: "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
        };
        assert_eq!(
            v3_canonical_request(&input),
            "GET\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"
        );
        assert_eq!(
            v3_authorization("acesskey", "secret", &input),
            "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=d16b30a7699ae9e43875b13195b2f81bcc3ed10c14a9b5eb780e51619aa50be1"
        );
    }

    fn roa_v3_headers(body_hash: &str) -> Vec<(String, String)> {
        pairs(&[
            ("content-type", "application/json; charset=utf-8"),
            ("host", "emr-serverless-spark.cn-hangzhou.aliyuncs.com"),
            ("x-acs-action", "StartJobRun"),
            ("x-acs-version", "2023-08-08"),
            ("x-acs-date", "2024-01-01T00:00:00Z"),
            ("x-acs-signature-nonce", "0123456789abcdef"),
            ("x-acs-content-sha256", body_hash),
            // Not signed: must not change anything.
            ("user-agent", "AlibabaCloud"),
        ])
    }

    #[test]
    fn v3_roa_vector() {
        let body = br#"{"codeType":"SQL","name":"job1"}"#;
        let hash = content_sha256(body);
        assert_eq!(hash, "8a1186d4fbb3a98104cd14283e1a3031ea734a590f320b0ead4e8d6ba7ca1092");
        let headers = roa_v3_headers(&hash);
        let signed: Vec<String> =
            "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
                .split(';')
                .map(s)
                .collect();
        let query = pairs(&[("regionId", "cn-hangzhou")]);
        let input = V3Input {
            method: "POST",
            path: "/api/v1/workspaces/w-abc/jobRuns",
            query: &query,
            headers: &headers,
            signed_headers: &signed,
            payload_hash: &hash,
        };
        let canonical = v3_canonical_request(&input);
        assert_eq!(sha256_hex(canonical.as_bytes()), "d144ca0a3b302f77212e20cb83c7c09c8f5fafe65e1d9d366d5c9e0c35a2b358");
        let sig = v3_signature("testsecret", &v3_string_to_sign(&canonical));
        assert_eq!(sig, "f08a15cb9fe34551b33da90185e9e27588ade60fa6c8de23a3795f7be3a4046f");
        let header = v3_authorization("testid", "testsecret", &input);
        let parsed = parse_v3_authorization(&header).unwrap();
        assert_eq!(parsed, V3Authorization { access_key_id: s("testid"), signed_headers: signed.clone(), signature: sig });
    }

    #[test]
    fn v3_rpc_vector() {
        let headers = pairs(&[
            ("host", "emr.cn-hangzhou.aliyuncs.com"),
            ("x-acs-action", "DescribeFlowJob"),
            ("x-acs-version", "2016-04-08"),
            ("x-acs-date", "2024-01-01T00:00:00Z"),
            ("x-acs-signature-nonce", "0123456789abcdef"),
            ("x-acs-content-sha256", EMPTY_SHA256),
        ]);
        let signed: Vec<String> =
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version".split(';').map(s).collect();
        let query = parse_form("Id=FJ-1&ProjectId=FP-1&RegionId=cn-hangzhou");
        let input = V3Input { method: "POST", path: "/", query: &query, headers: &headers, signed_headers: &signed, payload_hash: EMPTY_SHA256 };
        assert_eq!(
            v3_signature("testsecret", &v3_string_to_sign(&v3_canonical_request(&input))),
            "f6c652b4570afbe172982594b82b3752e3cdfc1974e6a195883ee5a99958408a"
        );
    }

    #[test]
    fn v3_authorization_parsing() {
        assert!(parse_v3_authorization("acs AK:sig").is_none());
        assert!(parse_v3_authorization("ACS3-HMAC-SHA256 Credential=a,Signature=b").is_none());
        assert!(parse_v3_authorization("ACS3-HMAC-SHA256Credential=a,SignedHeaders=h,Signature=b").is_none());
        assert!(parse_v3_authorization("ACS3-HMAC-SHA256 Credential=,SignedHeaders=h,Signature=b").is_none());
        let a = parse_v3_authorization("ACS3-HMAC-SHA256 Credential=AK, SignedHeaders=Host;X-Acs-Date, Signature=ABC").unwrap();
        assert_eq!(a.signed_headers, vec![s("host"), s("x-acs-date")]);
        assert_eq!(a.signature, "abc");
    }

    /// Alibaba's published example (DescribeRegions).
    #[test]
    fn rpc_published_vector() {
        let params = pairs(&[
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
            ("Signature", "ignored"),
        ]);
        let sts = rpc_string_to_sign("GET", &params);
        assert_eq!(
            sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(rpc_signature("testsecret", &sts), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }

    #[test]
    fn rpc_darabonba_vector() {
        let sts = rpc_string_to_sign("GET", &pairs(&[("query", "test"), ("body", "test")]));
        assert_eq!(sts, "GET&%2F&body%3Dtest%26query%3Dtest");
        assert_eq!(rpc_signature("secret", &sts), "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
    }

    #[test]
    fn rpc_emr_vector() {
        let params = pairs(&[
            ("Action", "ListFlowProject"),
            ("Format", "JSON"),
            ("Version", "2016-04-08"),
            ("Timestamp", "2024-01-01T00:00:00Z"),
            ("SignatureNonce", "0123456789abcdef"),
            ("RegionId", "cn-hangzhou"),
            ("PageNumber", "1"),
            ("PageSize", "20"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("AccessKeyId", "testid"),
        ]);
        assert_eq!(rpc_signature("testsecret", &rpc_string_to_sign("GET", &params)), "KKPN2zEkvaJS/CStB60sJBKPIvY=");
    }

    #[test]
    fn roa_vectors() {
        let empty = RoaInput { method: "GET", path: "", query: &[], headers: &[] };
        assert_eq!(roa_string_to_sign(&empty), "GET\n\n\n\n\n");
        assert_eq!(roa_signature("secret", "GET\n\n\n\n\n"), "XGXDWA78AEvx/wmfxKoVCq/afWw=");
        let headers = pairs(&[
            ("Accept", "application/octet-stream"),
            ("Date", "2018-12-04T03:55:31Z"),
            ("x-acs-signature-version", "1.0"),
            ("x-acs-signature-method", "HMAC-SHA1"),
            ("Host", "ignored"),
        ]);
        let input = RoaInput { method: "GET", path: "/", query: &[], headers: &headers };
        let sts = roa_string_to_sign(&input);
        assert_eq!(sts, "GET\napplication/octet-stream\n\n\n2018-12-04T03:55:31Z\nx-acs-signature-method:HMAC-SHA1\nx-acs-signature-version:1.0\n/");
        assert_eq!(roa_signature("access_key_secret", &sts), "HKCpm41tJg6b3EYdtGMbNuwALZU=");
    }

    /// The captured ROA v1 resource: decoded values, sorted keys, a bare key for an empty value.
    #[test]
    fn roa_resource_uses_decoded_values() {
        let query = parse_form("states=%5B%22Running%22%5D&name=a+b&maxResults=20&nextToken=");
        let input = RoaInput { method: "GET", path: "/api/v1/workspaces/w-abc/jobRuns", query: &query, headers: &[] };
        assert!(roa_string_to_sign(&input)
            .ends_with("\n/api/v1/workspaces/w-abc/jobRuns?maxResults=20&name=a b&nextToken&states=[\"Running\"]"));
        assert_eq!(parse_roa_authorization("acs testid:abc+/="), Some((s("testid"), s("abc+/="))));
        assert_eq!(parse_roa_authorization("ACS3-HMAC-SHA256 x"), None);
        assert_eq!(parse_roa_authorization("acs :x"), None);
    }

    #[test]
    fn forms_and_base64() {
        assert_eq!(parse_form("Name=job+1&X=%2B&Y"), pairs(&[("Name", "job 1"), ("X", "+"), ("Y", "")]));
        assert_eq!(to_form(&pairs(&[("a b", "c&d"), ("e", "~*")])), "a%20b=c%26d&e=~%2A");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_iso8601("2024-01-01T00:00:00Z"), Some(1_704_067_200));
        assert_eq!(parse_iso8601("2024-01-01T00:00:00.123Z"), Some(1_704_067_200));
        assert_eq!(format_iso8601(1_704_067_200), "2024-01-01T00:00:00Z");
        assert_eq!(parse_iso8601("2024-01-01 00:00:00Z"), None);
        assert_eq!(parse_iso8601("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_iso8601("2024-01-01T00:00:00"), None);
        assert_eq!(parse_iso8601("2024-01-01T00:00:0xZ"), None);
        let t = parse_rfc1123("Mon, 23 Nov 2026 10:16:32 GMT").unwrap();
        assert_eq!(format_rfc1123(t), "Mon, 23 Nov 2026 10:16:32 GMT");
        assert_eq!(format_rfc1123(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(parse_rfc1123("Mon, 23 Nov 2026 10:16:32 CET"), None);
        assert_eq!(parse_rfc1123("2018-12-04T03:55:31Z"), None);
    }
}
