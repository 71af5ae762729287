//! The mount table (alluxio-api.md §8.1) and how a path names a file.
//!
//! A mount maps an Alluxio path (`/obs-data`) to a UFS of the sandbox: `obs://bucket/prefix` (the
//! shared OBS tree) or `hdfs://<cluster_id>/path` (that cluster's HDFS tree). Paths in requests may
//! be Alluxio paths (`/obs-data/x`, `alluxio:///obs-data/x`) or UFS URIs (`obs://bucket/prefix/x`);
//! both locate the same file, whose cache key is its canonical UFS URI. Local files behind a UFS
//! URI are found only through the engine's checked resolver, so nothing outside the data dir can
//! be reached. Mount points do not nest, and a UFS is mounted at most once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

use lakedeck_api::alluxio::{check_alluxio_path, check_mount_path, check_ufs, normalize_alluxio_path, MountPoint};
use rusqlite::{params, Connection};

use super::{Cache, CacheError, CacheResult};
use crate::engine::hdfs::ClusterFs;
use crate::text;
use crate::util;

#[derive(Clone, Debug, PartialEq)]
pub struct Mount {
    /// Canonical Alluxio path (`/obs-data`).
    pub norm: String,
    /// As the client wrote it (`/obs-data/`).
    pub path: String,
    /// Canonical UFS URI without a trailing slash.
    pub ufs: String,
    pub options: BTreeMap<String, String>,
}

impl Mount {
    pub fn wire(&self) -> MountPoint {
        MountPoint { path: self.path.clone(), ufs: self.ufs_display(), options: self.options.clone() }
    }

    /// The UFS as a directory URI (`obs://bucket/prefix/`).
    pub fn ufs_display(&self) -> String {
        format!("{}/", self.ufs)
    }
}

/// Where a path points: the file's Alluxio path and its UFS URI (the cache key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub alluxio: String,
    pub ufs: String,
}

/// A file found in the UFS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UfsFile {
    pub ufs: String,
    pub local: PathBuf,
    pub len: u64,
    pub mtime_ms: i64,
}

pub fn is_ufs_uri(s: &str) -> bool {
    let s = s.trim();
    s.contains("://") && !s.starts_with("alluxio://")
}

/// The part of `child` below `parent` (`""` when equal), at a `/` boundary.
pub fn below<'a>(child: &'a str, parent: &str) -> Option<&'a str> {
    if child == parent {
        return Some("");
    }
    if parent == "/" {
        return child.strip_prefix('/');
    }
    child.strip_prefix(parent).and_then(|r| r.strip_prefix('/'))
}

fn join(base: &str, rest: &str) -> String {
    if rest.is_empty() {
        base.to_string()
    } else if base.ends_with('/') {
        format!("{base}{rest}")
    } else {
        format!("{base}/{rest}")
    }
}

pub fn load_mounts(conn: &Connection) -> CacheResult<Vec<Mount>> {
    let mut stmt = conn.prepare("SELECT norm, path, ufs, options FROM mounts ORDER BY created_ms, norm")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .map(|(norm, path, ufs, options)| Mount { norm, path, ufs, options: serde_json::from_str(&options).unwrap_or_default() })
        .collect())
}

/// Finds the mount of an Alluxio path or a UFS URI.
pub fn locate_in(mounts: &[Mount], input: &str) -> CacheResult<Location> {
    let input = input.trim();
    if input.is_empty() {
        return Err(CacheError::BadRequest(text!("The path is empty.", "路径为空。")));
    }
    if is_ufs_uri(input) {
        let ufs = check_ufs(input)?;
        for m in mounts {
            if let Some(rest) = below(&ufs, &m.ufs) {
                return Ok(Location { alluxio: join(&m.norm, rest), ufs });
            }
        }
        return Err(CacheError::BadRequest(text!(
            "{input} is not under any mount point; mount its UFS first (POST /api/v1/mount).",
            "{input} 不在任何挂载点之下；请先挂载它的 UFS（POST /api/v1/mount）。"
        )));
    }
    let path = normalize_alluxio_path(input).ok_or_else(|| {
        CacheError::BadRequest(text!(
            "'{input}' is not a valid path: use an Alluxio path such as /obs/data (no '..') or a UFS URI such as obs://bucket/data.",
            "'{input}' 不是有效路径：请使用 /obs/data 这样的 Alluxio 路径（不能含 '..'），或 obs://bucket/data 这样的 UFS URI。"
        ))
    })?;
    for m in mounts {
        if let Some(rest) = below(&path, &m.norm) {
            return Ok(Location { ufs: join(&m.ufs, rest), alluxio: path });
        }
    }
    Err(CacheError::BadRequest(text!(
        "{path} is not under any mount point (GET /api/v1/mount lists them).",
        "{path} 不在任何挂载点之下（GET /api/v1/mount 可列出挂载点）。"
    )))
}

fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl Cache {
    /// Locates `input` through the current mount table.
    pub fn locate(&self, input: &str) -> CacheResult<Location> {
        locate_in(&self.mounts(), input)
    }

    /// The local file or directory behind a canonical UFS URI, through the engine's checked
    /// resolver (inside the data dir, no `..`, no symlink leading out).
    pub fn local_path(&self, ufs: &str) -> CacheResult<PathBuf> {
        let resolved = if let Some(rest) = ufs.strip_prefix("hdfs://") {
            let (cluster, path) = rest.split_once('/').unwrap_or((rest, ""));
            ClusterFs::new(self.data_dir(), cluster).resolve(&format!("/{path}"))
        } else {
            // obs:// only ever resolves into the shared OBS tree, whichever cluster asks.
            ClusterFs::new(self.data_dir(), "").resolve(ufs)
        };
        resolved.map_err(CacheError::BadRequest)
    }

    /// The files at or below a UFS URI, sorted by URI. Symbolic links are not followed. `None`
    /// when nothing exists there.
    pub fn ufs_files(&self, ufs: &str) -> CacheResult<Option<Vec<UfsFile>>> {
        let local = self.local_path(ufs)?;
        let Ok(meta) = std::fs::symlink_metadata(&local) else { return Ok(None) };
        let mut out = Vec::new();
        if meta.is_file() {
            out.push(UfsFile { ufs: ufs.to_string(), local, len: meta.len(), mtime_ms: mtime_ms(&meta) });
            return Ok(Some(out));
        }
        if !meta.is_dir() {
            return Ok(None);
        }
        let mut stack = vec![(local, ufs.to_string())];
        while let Some((dir, uri)) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| CacheError::Internal(format!("cannot list {}: {e}", dir.display())))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Ok(meta) = entry.path().symlink_metadata() else { continue };
                let child = format!("{uri}/{name}");
                if meta.is_dir() {
                    stack.push((entry.path(), child));
                } else if meta.is_file() {
                    out.push(UfsFile { ufs: child, local: entry.path(), len: meta.len(), mtime_ms: mtime_ms(&meta) });
                }
            }
        }
        out.sort_by(|a, b| a.ufs.cmp(&b.ufs));
        Ok(Some(out))
    }

    /// One file's UFS status; `None` when it is missing or not a regular file.
    pub fn ufs_stat(&self, ufs: &str) -> CacheResult<Option<UfsFile>> {
        let local = self.local_path(ufs)?;
        Ok(std::fs::symlink_metadata(&local)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| UfsFile { ufs: ufs.to_string(), local, len: m.len(), mtime_ms: mtime_ms(&m) }))
    }

    fn mount_api_enabled(&self) -> CacheResult<()> {
        if self.config().disabled.mount_api {
            return Err(CacheError::NotImplemented(text!(
                "The mount table is static (alluxio.mount.table.source is not ETCD) and cannot be managed through the API.",
                "挂载表为静态配置（alluxio.mount.table.source 不是 ETCD），不能通过 API 管理。"
            )));
        }
        Ok(())
    }

    /// GET /api/v1/mount
    pub fn list_mounts(&self) -> Vec<MountPoint> {
        self.mounts().iter().map(Mount::wire).collect()
    }

    /// GET /api/v1/mount?path=
    pub fn mount_info(&self, path: &str) -> CacheResult<MountPoint> {
        let norm = check_alluxio_path(path)?;
        self.mounts().iter().find(|m| m.norm == norm).map(Mount::wire).ok_or_else(|| {
            CacheError::NotFound(text!("{path} is not a mount point.", "{path} 不是挂载点。"))
        })
    }

    /// POST /api/v1/mount
    pub fn add_mount(&self, path: &str, ufs: &str, options: BTreeMap<String, String>) -> CacheResult<MountPoint> {
        self.mount_api_enabled()?;
        let norm = check_mount_path(path)?;
        let canon = check_ufs(ufs)?;
        if let Some(rest) = canon.strip_prefix("hdfs://") {
            let cluster = rest.split('/').next().unwrap_or("");
            if !self.cluster_exists(cluster) {
                return Err(CacheError::BadRequest(text!(
                    "Cluster {cluster} does not exist, so hdfs://{cluster}/ cannot be mounted.",
                    "集群 {cluster} 不存在，无法挂载 hdfs://{cluster}/。"
                )));
            }
        }
        let local = self.local_path(&canon)?;
        if std::fs::symlink_metadata(&local).is_ok_and(|m| !m.is_dir()) {
            return Err(CacheError::BadRequest(text!(
                "{ufs} is a file; a mount point maps a directory.",
                "{ufs} 是文件；挂载点只能映射目录。"
            )));
        }
        let mount = Mount { norm: norm.clone(), path: path.trim().to_string(), ufs: canon.clone(), options };
        self.db().tx(|conn| {
            for m in load_mounts(conn)? {
                let (other, other_ufs) = (m.norm.clone(), m.ufs_display());
                if m.norm == norm {
                    return Err(conflict(text!(
                        "{norm} is already mounted (to {other_ufs}).",
                        "{norm} 已经挂载（指向 {other_ufs}）。"
                    )));
                }
                if below(&norm, &m.norm).is_some() || below(&m.norm, &norm).is_some() {
                    return Err(conflict(text!(
                        "{norm} would nest with the mount point {other}; mount points cannot contain one another.",
                        "{norm} 与挂载点 {other} 嵌套；挂载点之间不能互相包含。"
                    )));
                }
                if below(&canon, &m.ufs).is_some() || below(&m.ufs, &canon).is_some() {
                    return Err(conflict(text!(
                        "The UFS {ufs} is already mounted at {other} (or overlaps its UFS {other_ufs}).",
                        "UFS {ufs} 已挂载在 {other}（或与其 UFS {other_ufs} 重叠）。"
                    )));
                }
            }
            let options = serde_json::to_string(&mount.options).map_err(|e| CacheError::Internal(e.to_string()))?;
            conn.execute(
                "INSERT INTO mounts (norm, path, ufs, options, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![mount.norm, mount.path, mount.ufs, options, util::now_ms()],
            )?;
            Ok(())
        })?;
        self.reload()?;
        Ok(mount.wire())
    }

    /// DELETE /api/v1/mount. The cached pages of the UFS go with it (nothing can reach them).
    pub fn remove_mount(&self, path: &str) -> CacheResult<MountPoint> {
        self.mount_api_enabled()?;
        let norm = check_alluxio_path(path)?;
        let mount = self.db().tx(|conn| {
            let Some(m) = load_mounts(conn)?.into_iter().find(|m| m.norm == norm) else {
                return Err(CacheError::Gone(text!("{path} is not mounted to any UFS.", "{path} 没有挂载任何 UFS。")));
            };
            conn.execute("DELETE FROM mounts WHERE norm = ?1", [&norm])?;
            Ok(m)
        })?;
        self.reload()?;
        super::pages::drop_under(self, &mount.ufs)?;
        Ok(mount.wire())
    }
}

fn conflict(text: crate::lang::Text) -> CacheError {
    CacheError::Conflict { text, id: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mounts() -> Vec<Mount> {
        vec![
            Mount { norm: "/obs".into(), path: "/obs/".into(), ufs: "obs://bkt/data".into(), options: BTreeMap::new() },
            Mount { norm: "/warehouse".into(), path: "/warehouse".into(), ufs: "hdfs://c1/user/hive".into(), options: BTreeMap::new() },
        ]
    }

    #[test]
    fn paths_locate_through_mounts() {
        let m = mounts();
        let a = locate_in(&m, "/obs/x/y.parquet").unwrap();
        assert_eq!((a.alluxio.as_str(), a.ufs.as_str()), ("/obs/x/y.parquet", "obs://bkt/data/x/y.parquet"));
        let b = locate_in(&m, "obs://bkt/data/x/y.parquet").unwrap();
        assert_eq!(a, b);
        assert_eq!(locate_in(&m, "alluxio:///obs").unwrap().ufs, "obs://bkt/data");
        assert_eq!(locate_in(&m, "hdfs://c1/user/hive/t").unwrap().alluxio, "/warehouse/t");
        assert!(locate_in(&m, "/obsx/y").is_err());
        assert!(locate_in(&m, "obs://bkt/datax/y").is_err());
        assert!(locate_in(&m, "/obs/../etc").is_err());
        assert!(locate_in(&m, "obs://bkt/data/../../x").is_err());
        assert!(locate_in(&m, "relative").is_err());
        assert_eq!(below("/a/b", "/a"), Some("b"));
        assert_eq!(below("/ab", "/a"), None);
        assert_eq!(below("/a", "/"), Some("a"));
    }
}
