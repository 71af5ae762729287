//! `config.json`: what the console reads at start-up beside its `index.html` to know where each API
//! lives. The server writes it for the sandbox; a CDN deployment ships its own. Nothing about where the
//! console talks to is decided at compile time.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Endpoints {
    /// Base URL of the MRS API (`https://mrs.cn-north-4.myhuaweicloud.com`); empty = same origin.
    pub mrs: String,
    /// Base URL of Alibaba EMR Serverless Spark (`https://emr-serverless-spark.cn-hangzhou.aliyuncs.com`,
    /// ROA paths under `/api/`); empty = same origin.
    pub emr_serverless: String,
    /// Base URL of Alibaba EMR's classic API (`https://emr.aliyuncs.com`, RPC calls to `/`, where the
    /// Flow jobs live); empty = same origin.
    pub emr: String,
    /// Base URL of the Huawei VPC API (`https://vpc.cn-north-4.myhuaweicloud.com`), where the create
    /// wizard lists VPCs and subnets; empty = same origin.
    pub vpc: String,
    /// Base URL of the Alluxio coordinator REST API (`http://alluxio-coordinator:19999`, paths
    /// `/api/v1/load`, `/api/v1/mount`, …); empty = same origin (the sandbox serves it on its own
    /// listener, a gateway passes it through).
    pub alluxio: String,
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
    /// Alibaba Cloud region of the EMR APIs (`cn-hangzhou`): sent as `regionId`/`RegionId`.
    pub emr_region: String,
    /// Only served by a sandbox listening on loopback, so a new user lands on a working console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// True when the endpoints are a Lakedeck sandbox (the console labels it so).
    pub sandbox: bool,
    pub embed: EmbedConfig,
    /// True when the endpoints are a `lakedeck-server gateway`: the console asks it who is signed
    /// in (`GET /gateway/whoami`) and shows the user's role.
    pub gateway: bool,
}

impl ConsoleConfig {
    /// Joins an API path onto the MRS base URL, tolerating a trailing slash on the base.
    pub fn mrs_url(&self, path: &str) -> String {
        format!("{}{}", self.endpoints.mrs.trim_end_matches('/'), path)
    }

    /// Joins a Serverless Spark path (`/api/v1/…`) onto its base URL.
    pub fn emr_serverless_url(&self, path: &str) -> String {
        format!("{}{}", self.endpoints.emr_serverless.trim_end_matches('/'), path)
    }

    /// Joins an EMR RPC request (`/?Action=…`) onto its base URL.
    pub fn emr_url(&self, path: &str) -> String {
        format!("{}{}", self.endpoints.emr.trim_end_matches('/'), path)
    }

    /// Joins a coordinator path (`/api/v1/…`) onto the Alluxio base URL.
    pub fn alluxio_url(&self, path: &str) -> String {
        format!("{}{}", self.endpoints.alluxio.trim_end_matches('/'), path)
    }

    /// Joins an API path onto the VPC base URL.
    pub fn vpc_url(&self, path: &str) -> String {
        format!("{}{}", self.endpoints.vpc.trim_end_matches('/'), path)
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
        assert_eq!(c.emr_url("/?Action=ListFlowProject"), "/?Action=ListFlowProject");
        c.endpoints.emr_serverless = "https://emr-serverless-spark.cn-hangzhou.aliyuncs.com/".into();
        assert_eq!(c.emr_serverless_url("/api/v1/workspaces"), "https://emr-serverless-spark.cn-hangzhou.aliyuncs.com/api/v1/workspaces");
        let v = serde_json::to_value(&c).unwrap();
        assert!(v["endpoints"].get("emr").is_some() && v.get("emr_region").is_some());
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

    #[test]
    fn alluxio_endpoint_defaults_to_same_origin_and_joins() {
        let mut c: ConsoleConfig = serde_json::from_str(r#"{"endpoints": {"mrs": "http://m"}}"#).unwrap();
        assert_eq!(c.endpoints.alluxio, "");
        assert_eq!(c.alluxio_url("/api/v1/nodes"), "/api/v1/nodes");
        c.endpoints.alluxio = "http://alluxio-coordinator:19999/".into();
        assert_eq!(c.alluxio_url("/api/v1/load?alias=a"), "http://alluxio-coordinator:19999/api/v1/load?alias=a");
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["endpoints"]["alluxio"], "http://alluxio-coordinator:19999/");
    }
}
