//! Reading API answers: the shared `lakedeck_api` types' own derived `Deserialize` impls, one source
//! of truth with the server that writes them (vendor quirks such as numbers sent as strings are
//! handled there, in `lakedeck_api::lenient`, once for both sides).
//!
//! Decision (issue 13), measured on the release bundle with `scripts/bench-bundle.sh`: before views
//! were loaded on demand, one derived decoder per answer type cost 28 kB brotli of a bundle that was
//! already over its budget, so this file held hand-written readers over a parsed `serde_json::Value`.
//! With the views split into chunks, each view's decoders travel in its own chunk and only the landing
//! view's (the cluster list and config.json) are in the initial load. Derived decoders measured
//! 219,264 B brotli of initial load for /clusters against 203,169 B with the readers (+16,095 B, inside
//! the 250,000 B budget); the whole bundle 603,660 B against 572,161 B; the jobs-list and job-detail
//! chunks got smaller (77 and 64 kB against 87 and 76 kB), the cluster-detail chunk larger (68 against
//! 59 kB). They fit, so the readers are gone.

use serde::de::DeserializeOwned;

/// Parses an API answer (or config.json) into `T`. A missing or `null` field reads as its default
/// (`#[serde(default)]` on the shared types). A top-level array is refused even where serde would
/// read a struct from one: no answer of these APIs is an array.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.trim_start().starts_with('[') {
        return Err("expected a JSON object, found an array".into());
    }
    serde_json::from_str(text).map_err(|e| e.to_string())
}
