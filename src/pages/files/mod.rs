//! HDFS file views: the per-cluster browser, and the same browser as a path picker for job forms.

pub mod browser;

pub use browser::{ClusterFiles, FileBrowser, FilePicker};
