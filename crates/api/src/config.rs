//! `config.json`: what the console reads at start-up beside its `index.html` to know where each API
//! lives. The server writes it for the sandbox; a CDN deployment ships its own. Nothing about where the
//! console talks to is decided at compile time.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Endpoints {
    /// Base URL of the MRS API (`https://mrs.cn-north-4.myhuaweicloud.com`); empty = same origin.
    pub mrs: String,
}

/// Embedding in a portal's iframe (`index.html?embed=1`, README "Embedding").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmbedConfig {
    /// Origins (`https://portal.example.com`) whose pages may frame the console and talk to it through
    /// postMessage; the console ignores messages from any other origin and posts only to its parent's
    /// origin when it is listed. Empty: no postMessage at all.
    pub allowed_parents: Vec<String>,
}

impl EmbedConfig {
    /// Whether `origin` is listed (exact match, as browsers serialize origins: no trailing slash).
    pub fn allows(&self, origin: &str) -> bool {
        !origin.is_empty() && origin != "null" && self.allowed_parents.iter().any(|o| o.trim_end_matches('/') == origin)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsoleConfig {
    pub endpoints: Endpoints,
    pub project_id: String,
    pub region: String,
    /// Only served by a sandbox listening on loopback, so a new user lands on a working console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// True when the endpoints are a Lakedeck sandbox (the console labels it so).
    pub sandbox: bool,
    pub embed: EmbedConfig,
}

impl ConsoleConfig {
    /// Joins an API path onto the MRS base URL, tolerating a trailing slash on the base.
    pub fn mrs_url(&self, path: &str) -> String {
        format!("{}{}", self.endpoints.mrs.trim_end_matches('/'), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_omitted_when_absent_and_urls_join() {
        let mut c = ConsoleConfig { project_id: "p".into(), ..Default::default() };
        let v = serde_json::to_value(&c).unwrap();
        assert!(v.get("token").is_none());
        assert_eq!(c.mrs_url("/v2/p/clusters"), "/v2/p/clusters");
        c.endpoints.mrs = "http://h:1/".into();
        assert_eq!(c.mrs_url("/v2/p/clusters"), "http://h:1/v2/p/clusters");
        let parsed: ConsoleConfig = serde_json::from_str(r#"{"project_id":"x"}"#).unwrap();
        assert_eq!(parsed.project_id, "x");
        assert!(parsed.embed.allowed_parents.is_empty());
    }

    #[test]
    fn embed_origins_match_exactly() {
        let e = EmbedConfig { allowed_parents: vec!["https://portal.example.com/".into(), "http://127.0.0.1:9000".into()] };
        assert!(e.allows("https://portal.example.com"));
        assert!(e.allows("http://127.0.0.1:9000"));
        assert!(!e.allows("https://portal.example.com.evil.test"));
        assert!(!e.allows("http://127.0.0.1:9001"));
        assert!(!e.allows("null"));
        assert!(!e.allows(""));
        assert!(!EmbedConfig::default().allows("https://portal.example.com"));
    }
}
