//! Auto scaling: the overview of every cluster's policies (`/scaling`) and a cluster's policy
//! editor with the simulator (`/clusters/<id>/scaling`).

pub mod editor;
pub mod overview;
pub mod page;
pub mod simulator;
pub mod timeline;

pub use overview::ScalingOverview;
pub use page::ClusterScaling;
