//! Wire types and pure rules shared by the Lakedeck console (wasm32) and `lakedeck-server` (native).
//!
//! Nothing in this crate does I/O: it describes what goes over the wire for each vendor API and the
//! rules both sides must agree on (validation, paging, request signing), so the console can refuse a
//! bad input next to the field with exactly the message the sandbox would answer.

pub mod acs;
pub mod alluxio;
pub mod alluxio_ring;
pub mod alluxio_view;
pub mod autoscale;
pub mod catalog;
pub mod config;
pub mod emr;
pub mod emr_flow;
pub mod emr_view;
pub mod error;
pub mod grid;
pub mod lenient;
pub mod metric_csv;
pub mod mrs;
pub mod mrs_jobs;
pub mod mrs_meta;
pub mod mrs_scaling;
pub mod mrs_sql;
pub mod mrs_tags;
pub mod paging;
pub mod problem;
pub mod replay;
pub mod rules;
pub mod scaling_edit;
pub mod sign;
pub mod sqledit;
pub mod sqlrun;
pub mod sqltext;
pub mod tag_query;
pub mod template;
pub mod units;
