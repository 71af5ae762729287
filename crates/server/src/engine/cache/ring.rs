//! Worker placement: the consistent hash ring lives in `lakedeck_api::alluxio_ring`, so the
//! console draws the same arcs the sandbox places pages on.

pub use lakedeck_api::alluxio_ring::*;
