//! Tags: the `/tags` view (keys, filter builder, bulk changes) and the tag card of a cluster's
//! detail page.

pub mod cluster_tags;
pub mod page;

pub use cluster_tags::ClusterTags;
pub use page::TagsView;
