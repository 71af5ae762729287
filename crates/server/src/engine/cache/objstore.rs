//! `alluxio://` for DataFusion: an [`ObjectStore`] registered for the `alluxio` scheme whose reads
//! go through the cache client ([`Cache::read_range`]), so `CREATE EXTERNAL TABLE … LOCATION
//! 'alluxio:///obs/tpch/lineitem/'` in a SQL job or ExecuteSql reads pages on a hit and the UFS
//! (admitting pages) on a miss, and a load visibly speeds up the next query.
//!
//! Object paths are Alluxio paths without the leading `/` (`alluxio:///obs/x.parquet` →
//! `obs/x.parquet`). Listings come from the UFS. The store is read-only: SQL writes go to the
//! warehouse, and the cache fills itself from reads and loads.

use std::fmt::{Display, Formatter};
use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use datafusion::object_store::path::Path;
use datafusion::object_store::{
    CopyOptions, Error, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};
use futures::stream::{self, BoxStream, StreamExt};

use super::read::FileStat;
use super::{Cache, CacheError};

const STORE: &str = "alluxio";

#[derive(Clone)]
pub struct AlluxioStore {
    cache: Arc<Cache>,
}

impl std::fmt::Debug for AlluxioStore {
    fn fmt(&self, f: &mut Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlluxioStore")
    }
}

impl Display for AlluxioStore {
    fn fmt(&self, f: &mut Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlluxioStore(the sandbox's cache cluster)")
    }
}

impl AlluxioStore {
    pub fn new(cache: Arc<Cache>) -> AlluxioStore {
        AlluxioStore { cache }
    }
}

/// `obs/x.parquet` → `/obs/x.parquet` (object paths are percent-encoded).
fn alluxio_path(location: &Path) -> String {
    format!("/{}", lakedeck_api::sign::percent_decode(location.as_ref()))
}

fn object_path(alluxio: &str) -> Path {
    Path::from(alluxio.trim_start_matches('/'))
}

fn to_error(e: CacheError, path: &str) -> Error {
    let message = e.text().en.into_owned();
    match e {
        CacheError::NotFound(_) => Error::NotFound { path: path.to_string(), source: message.into() },
        _ => Error::Generic { store: STORE, source: message.into() },
    }
}

fn read_only() -> Error {
    Error::NotSupported {
        source: "alluxio:// is read-only in the sandbox: write to the warehouse or to the UFS path (obs://, hdfs://) instead".into(),
    }
}

fn meta_of(st: &FileStat) -> ObjectMeta {
    ObjectMeta {
        location: object_path(&st.alluxio),
        last_modified: DateTime::<Utc>::from_timestamp_millis(st.mtime_ms).unwrap_or_default(),
        size: st.len,
        e_tag: Some(format!("{:x}-{:x}", st.mtime_ms, st.len)),
        version: None,
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Generic { store: STORE, source: Box::new(e) })?
}

impl AlluxioStore {
    /// Files under `prefix` (everything mounted when `None`).
    fn files(&self, prefix: Option<&Path>) -> Result<Vec<FileStat>> {
        match prefix {
            Some(p) if !p.as_ref().is_empty() => {
                let path = alluxio_path(p);
                self.cache.list_files(&path).map_err(|e| to_error(e, &path))
            }
            _ => {
                let mut out = Vec::new();
                for m in self.cache.mounts().iter() {
                    out.extend(self.cache.list_files(&m.norm).map_err(|e| to_error(e, &m.norm))?);
                }
                Ok(out)
            }
        }
    }
}

#[async_trait]
impl ObjectStore for AlluxioStore {
    async fn put_opts(&self, _location: &Path, _payload: PutPayload, _opts: PutOptions) -> Result<PutResult> {
        Err(read_only())
    }

    async fn put_multipart_opts(&self, _location: &Path, _opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        Err(read_only())
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let path = alluxio_path(location);
        let cache = self.cache.clone();
        let (meta, range, bytes) = blocking(move || {
            let st = cache.stat(&path).map_err(|e| to_error(e, &path))?;
            let meta = meta_of(&st);
            options.check_preconditions(&meta)?;
            let range: Range<u64> = match &options.range {
                Some(r) => r.as_range(st.len).map_err(|e| Error::Generic { store: STORE, source: Box::new(e) })?,
                None => 0..st.len,
            };
            let bytes = if options.head { Vec::new() } else { cache.read_range(&path, range.clone()).map_err(|e| to_error(e, &path))? };
            Ok((meta, range, bytes))
        })
        .await?;
        let payload = GetResultPayload::Stream(stream::once(async move { Ok(Bytes::from(bytes)) }).boxed());
        Ok(GetResult { payload, meta, range, attributes: Default::default() })
    }

    fn delete_stream(&self, locations: BoxStream<'static, Result<Path>>) -> BoxStream<'static, Result<Path>> {
        locations.map(|_| Err(read_only())).boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        let me = self.clone();
        let prefix = prefix.cloned();
        stream::once(async move { blocking(move || me.files(prefix.as_ref())).await })
            .flat_map(|r| match r {
                Ok(list) => stream::iter(list.into_iter().map(|f| Ok(meta_of(&f)))).boxed(),
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            })
            .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let me = self.clone();
        let owned = prefix.cloned();
        let files = blocking(move || me.files(owned.as_ref())).await?;
        let base: Vec<String> = prefix.map(|p| p.parts().map(|x| x.as_ref().to_string()).collect()).unwrap_or_default();
        let mut objects = Vec::new();
        let mut dirs: Vec<Path> = Vec::new();
        for f in files {
            let meta = meta_of(&f);
            let parts: Vec<String> = meta.location.parts().map(|x| x.as_ref().to_string()).collect();
            if parts.len() == base.len() + 1 {
                objects.push(meta);
            } else if parts.len() > base.len() + 1 {
                // The parts are already encoded: parse, do not encode again.
                let dir = Path::parse(parts[..=base.len()].join("/")).map_err(|e| Error::InvalidPath { source: e })?;
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
        Ok(ListResult { common_prefixes: dirs, objects })
    }

    async fn copy_opts(&self, _from: &Path, _to: &Path, _options: CopyOptions) -> Result<()> {
        Err(read_only())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        assert_eq!(alluxio_path(&object_path("/obs/a b/x.parquet")), "/obs/a b/x.parquet");
        assert_eq!(object_path("/obs/x").as_ref(), "obs/x");
    }
}
