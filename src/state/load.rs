//! Page data in `LocalResource`s. Every page keeps its answer in the same resource type
//! ([`LoadResult`]) and its fetcher behind one boxed closure: a `LocalResource` compiles its async
//! machinery once per value type and fetcher type, so one shared type keeps one copy in the bundle
//! (measured on the release bundle). Pages read their variant in memos.

use std::future::Future;
use std::pin::Pin;

use lakedeck_api::mrs::{Cluster, ListClustersResponse, ListNodesResponse};
use lakedeck_api::mrs_jobs::{JobQueryBean, ListFilesResponse, SqlResults};
use lakedeck_api::mrs_meta::{FlavorsResponse, Subnet, VersionMetadata, Vpc, ZonesResponse};
use leptos::prelude::{LocalResource, Memo, With};

use crate::api::jobs::JobsPage;
use crate::api::ApiError;

/// What a page loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    Clusters(ListClustersResponse),
    Cluster(Box<Cluster>),
    Nodes(ListNodesResponse),
    Jobs(JobsPage),
    Job(Box<JobQueryBean>),
    Files(ListFilesResponse),
    SqlResult(SqlResults),
    /// What the create wizard offers (see pages/clusters/create.rs).
    Versions(Vec<String>),
    VersionMeta(Box<VersionMetadata>),
    Flavors(FlavorsResponse),
    Zones(ZonesResponse),
    Vpcs(Vec<Vpc>),
    Subnets(Vec<Subnet>),
    /// Nothing to load yet (a choice it depends on is not made).
    Nothing,
}

pub type LoadResult = Result<Loaded, ApiError>;

/// A boxed fetch of page data.
pub type Fetch = Pin<Box<dyn Future<Output = LoadResult>>>;

/// `LocalResource::new` for page data: signals read by `fetch` (before its future starts) are
/// tracked, so the data reloads when they change.
pub fn load(fetch: impl Fn() -> Fetch + 'static) -> LocalResource<LoadResult> {
    let fetch: Box<dyn Fn() -> Fetch> = Box::new(fetch);
    LocalResource::new(fetch)
}

/// The error of the last load, if it failed (kept apart so an error panel re-renders only when
/// the error changes, not on every refresh).
pub fn load_error(data: LocalResource<LoadResult>) -> Memo<Option<ApiError>> {
    Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())))
}
