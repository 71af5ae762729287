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

/// A cluster type's name in the current language (tracked), from its wire name (`ANALYSIS`…).
pub fn type_name(wire: &str) -> String {
    match ClusterType::parse(wire) {
        Some(ClusterType::Analysis) => crate::t!(cluster_type.analysis),
        Some(ClusterType::Streaming) => crate::t!(cluster_type.streaming),
        Some(ClusterType::Mixed) => crate::t!(cluster_type.mixed),
        Some(ClusterType::Custom) => crate::t!(cluster_type.custom),
        None => wire.to_string(),
    }
}

/// The V1.1 integer cluster type's name in the current language (tracked).
pub fn cluster_type_label(code: i32) -> String {
    match ClusterType::from_code(code) {
        Some(t) => type_name(t.as_str()),
        None => crate::t!(cluster_type.other, code = code),
    }
}
