//! Cluster views: list, detail, create wizard.

pub mod create;
pub mod detail;
pub mod header;
pub mod list;

pub use create::CreateCluster;
pub use detail::ClusterDetail;
pub use header::{ClusterHeader, ClusterTabs};
pub use list::ClustersList;

use lakedeck_api::mrs::ClusterType;

/// "ANALYSIS" etc. for the V1.1 integer cluster type.
pub fn cluster_type_label(code: i32) -> String {
    ClusterType::from_code(code).map(|t| t.as_str().to_string()).unwrap_or_else(|| format!("type {code}"))
}
