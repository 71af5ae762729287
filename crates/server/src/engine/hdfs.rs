//! The sandbox's file systems. Each cluster's HDFS is a directory tree of its own
//! (`DATA_DIR/hdfs/<cluster_id>/...`) and OBS is one tree shared by every cluster
//! (`DATA_DIR/obs/<bucket>/<key>`), so a DistCp to OBS on one cluster is readable from another,
//! as on the real service.
//!
//! `hdfs://host:port/p`, `hdfs:///p` and plain `/p` all name `/p` of the cluster's tree;
//! `obs://bucket/key` names the shared tree. Alibaba's OSS (`oss://bucket/key`, and EMR's
//! `ossref://bucket/key`) is a third tree, `DATA_DIR/oss/<bucket>/<key>`, shared by every EMR
//! workspace and cluster. `..` segments are refused rather than resolved: a job must never reach
//! outside the data directory.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

use lakedeck_api::mrs_jobs::FileStatusV2;

use crate::lang::Text;
use crate::text;

/// HDFS defaults the file list reports (the sandbox has no real blocks or replicas).
const BLOCK_SIZE: i64 = 128 * 1024 * 1024;
const REPLICATION: i64 = 3;

pub fn hdfs_root(data_dir: &Path, cluster_id: &str) -> PathBuf {
    data_dir.join("hdfs").join(cluster_id)
}

pub fn obs_root(data_dir: &Path) -> PathBuf {
    data_dir.join("obs")
}

/// Alibaba Cloud OSS, shared the same way by every workspace and EMR cluster
/// (`DATA_DIR/oss/<bucket>/<key>` for `oss://bucket/key`; `ossref://` is EMR's name for the same).
pub fn oss_root(data_dir: &Path) -> PathBuf {
    data_dir.join("oss")
}

pub fn warehouse_dir(data_dir: &Path, cluster_id: &str) -> PathBuf {
    hdfs_root(data_dir, cluster_id).join("user/hive/warehouse")
}

/// Joins the `/`-separated `rel` onto `root`, refusing `.`/`..` segments.
fn join_checked(root: PathBuf, rel: &str) -> Result<PathBuf, Text> {
    let mut out = root;
    for seg in rel.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." || seg == "." {
            return Err(text!("Paths cannot contain '{seg}' segments.", "路径不能包含“{seg}”段。"));
        }
        out.push(seg);
    }
    Ok(out)
}

/// Where the paths of one cluster may lead: its own HDFS tree and the shared OBS tree. Every path a
/// request, a job argument or a SQL statement names goes through [`ClusterFs::resolve`], which
/// refuses `..`, other schemes and relative paths, and then checks the *real* path (after
/// symbolic links) so a link planted in a tree cannot lead outside the data directory.
#[derive(Clone, Debug)]
pub struct ClusterFs {
    pub data_dir: PathBuf,
    pub cluster_id: String,
}

impl ClusterFs {
    pub fn new(data_dir: &Path, cluster_id: &str) -> ClusterFs {
        ClusterFs { data_dir: data_dir.to_path_buf(), cluster_id: cluster_id.to_string() }
    }

    pub fn hdfs_root(&self) -> PathBuf {
        hdfs_root(&self.data_dir, &self.cluster_id)
    }

    pub fn warehouse(&self) -> PathBuf {
        warehouse_dir(&self.data_dir, &self.cluster_id)
    }

    /// The local path behind `uri` (`/p`, `hdfs://…/p`, `obs://bucket/key`), checked.
    pub fn resolve(&self, uri: &str) -> Result<PathBuf, Text> {
        let local = lexical(&self.data_dir, &self.cluster_id, uri)?;
        self.confine(&local, uri)?;
        Ok(local)
    }

    /// Refuses `local` when its real path is outside both trees.
    pub fn confine(&self, local: &Path, shown: &str) -> Result<(), Text> {
        let real = real_path(local).map_err(|e| Text::new(format!("'{shown}' cannot be used: {}", e.en), format!("“{shown}”不能使用：{}", e.zh)))?;
        let inside = [self.hdfs_root(), obs_root(&self.data_dir), oss_root(&self.data_dir)]
            .iter()
            .any(|root| real_path(root).is_ok_and(|r| real.starts_with(&r)));
        if inside {
            Ok(())
        } else {
            Err(text!(
                "'{shown}' leads outside the cluster's HDFS and the sandbox's OBS and OSS (through a symbolic link); it is refused.",
                "“{shown}”（通过符号链接）指向集群 HDFS 和沙箱 OBS、OSS 之外，已拒绝。"
            ))
        }
    }

    /// Checks every symbolic link under `local` (a file or a directory tree) the way [`confine`]
    /// checks one path: readers such as DataFusion's listing and DistCp follow links.
    pub fn confine_tree(&self, local: &Path, shown: &str) -> Result<(), Text> {
        self.confine(local, shown)?;
        let Ok(meta) = std::fs::metadata(local) else { return Ok(()) };
        if !meta.is_dir() {
            return Ok(());
        }
        let mut stack = vec![local.to_path_buf()];
        let mut seen = 0usize;
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| text!("cannot read '{shown}': {e}", "无法读取“{shown}”：{e}"))?;
            for entry in entries.flatten() {
                seen += 1;
                if seen > 1_000_000 {
                    return Err(text!("'{shown}' holds more than a million entries; it is refused.", "“{shown}”包含超过一百万个条目，已拒绝。"));
                }
                let path = entry.path();
                let Ok(kind) = entry.file_type() else { continue };
                if kind.is_symlink() {
                    self.confine(&path, shown)?;
                    // A link to a directory inside the trees is walked like the directory.
                    if path.is_dir() {
                        stack.push(path);
                    }
                } else if kind.is_dir() {
                    stack.push(path);
                }
            }
        }
        Ok(())
    }
}

/// The real path of `p` (links resolved) even when its last components do not exist yet, as for
/// a file about to be written: the deepest existing ancestor is canonicalized and the rest appended.
/// A dangling link is refused: where it would write cannot be checked.
pub fn real_path(p: &Path) -> Result<PathBuf, Text> {
    let mut existing = p.to_path_buf();
    let mut missing = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        match existing.file_name() {
            Some(name) => {
                missing.push(name.to_os_string());
                existing.pop();
            }
            None => break,
        }
    }
    let mut real = std::fs::canonicalize(&existing)
        .map_err(|e| text!("it goes through a link that cannot be followed ({e})", "它经过一个无法跟随的链接（{e}）"))?;
    for name in missing.iter().rev() {
        real.push(name);
    }
    Ok(real)
}

/// The local path behind a job's path argument, checked (see [`ClusterFs::resolve`]).
pub fn resolve(data_dir: &Path, cluster_id: &str, uri: &str) -> Result<PathBuf, Text> {
    ClusterFs::new(data_dir, cluster_id).resolve(uri)
}

/// Maps `uri` onto the trees by its text alone.
fn lexical(data_dir: &Path, cluster_id: &str, uri: &str) -> Result<PathBuf, Text> {
    let uri = uri.trim();
    if uri.contains('\0') {
        return Err(text!("Paths cannot contain NUL characters.", "路径不能包含 NUL 字符。"));
    }
    if let Some(rest) = uri.strip_prefix("obs://") {
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() || bucket == ".." || bucket == "." {
            return Err(text!("'{uri}' names no OBS bucket; use obs://bucket/key.", "“{uri}”没有指定 OBS 桶，请使用 obs://bucket/key。"));
        }
        return join_checked(obs_root(data_dir).join(bucket), key);
    }
    if let Some(rest) = uri.strip_prefix("oss://").or_else(|| uri.strip_prefix("ossref://")) {
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() || bucket == ".." || bucket == "." {
            return Err(text!("'{uri}' names no OSS bucket; use oss://bucket/key.", "“{uri}”没有指定 OSS 桶，请使用 oss://bucket/key。"));
        }
        return join_checked(oss_root(data_dir).join(bucket), key);
    }
    let path = if let Some(rest) = uri.strip_prefix("hdfs://") {
        // hdfs://namenode:port/path and hdfs:///path: the authority is the cluster's own name node.
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        }
    } else if uri.starts_with('/') {
        uri
    } else {
        return Err(text!(
            "'{uri}' is not an HDFS, OBS or OSS path; use /path, hdfs:///path, obs://bucket/key or oss://bucket/key.",
            "“{uri}”不是 HDFS、OBS 或 OSS 路径，请使用 /path、hdfs:///path、obs://bucket/key 或 oss://bucket/key。"
        ));
    };
    join_checked(hdfs_root(data_dir, cluster_id), path)
}

fn millis(t: std::io::Result<std::time::SystemTime>) -> i64 {
    t.ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(unix)]
fn permission(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    format!("{:o}", meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permission(meta: &std::fs::Metadata) -> String {
    if meta.is_dir() { "755" } else { "644" }.to_string()
}

/// HDFS's usual owners: the warehouse belongs to `hive`, everything else to `hdfs`.
fn owner_of(hdfs_path: &str) -> &'static str {
    if hdfs_path == "/user/hive" || hdfs_path.starts_with("/user/hive/") {
        "hive"
    } else {
        "hdfs"
    }
}

/// The status of `local` as HDFS would report it; `hdfs_path` is its path inside the cluster.
pub fn status(local: &Path, name: &str, hdfs_path: &str) -> Option<FileStatusV2> {
    let meta = std::fs::metadata(local).ok()?;
    let dir = meta.is_dir();
    let children = if dir { std::fs::read_dir(local).map(|d| d.count() as i64).unwrap_or(0) } else { 0 };
    Some(FileStatusV2 {
        path_suffix: name.to_string(),
        owner: owner_of(hdfs_path).into(),
        group: "hadoop".into(),
        permission: permission(&meta),
        replication: if dir { 0 } else { REPLICATION },
        block_size: if dir { 0 } else { BLOCK_SIZE },
        length: if dir { 0 } else { meta.len() as i64 },
        file_type: if dir { "DIRECTORY" } else { "FILE" }.into(),
        children_num: children,
        // HDFS keeps no access time for directories.
        access_time: if dir { 0 } else { millis(meta.accessed()) },
        modification_time: millis(meta.modified()),
    })
}

/// The entries of the directory `hdfs_path` of a cluster, unsorted; `None` when it does not exist.
/// A file path lists the file itself, as WebHDFS LISTSTATUS does.
pub fn list(data_dir: &Path, cluster_id: &str, hdfs_path: &str) -> Result<Option<Vec<FileStatusV2>>, Text> {
    let fs = ClusterFs::new(data_dir, cluster_id);
    let local = join_checked(fs.hdfs_root(), hdfs_path)?;
    let Ok(meta) = std::fs::metadata(&local) else { return Ok(None) };
    fs.confine(&local, hdfs_path)?;
    let base = hdfs_path.trim_end_matches('/');
    if !meta.is_dir() {
        let name = base.rsplit('/').next().unwrap_or("");
        return Ok(status(&local, name, base).map(|s| vec![s]));
    }
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&local).map_err(|e| text!("cannot read {hdfs_path}: {e}", "无法读取 {hdfs_path}：{e}"))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // A link leading outside the trees is not shown: its target's size and times are not ours to tell.
        if entry.file_type().is_ok_and(|t| t.is_symlink()) && fs.confine(&entry.path(), &name).is_err() {
            continue;
        }
        if let Some(s) = status(&entry.path(), &name, &format!("{base}/{name}")) {
            out.push(s);
        }
    }
    Ok(Some(out))
}

/// Every file under `path` (itself when a file) with its size, in a stable order.
pub fn files_under(path: &Path) -> std::io::Result<Vec<(PathBuf, u64)>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![(path.to_path_buf(), meta.len())]);
    }
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(path)?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for e in entries {
        out.extend(files_under(&e)?);
    }
    Ok(out)
}

/// DistCp's copy: `source` (a file or a directory tree) to `target`, where an existing target
/// directory receives the source under its own name (the `hadoop distcp` rule). Counts copied
/// bytes into `done` and stops between chunks when `cancel` is set. Returns the bytes copied.
pub fn copy_tree(source: &Path, target: &Path, done: &AtomicU64, cancel: &AtomicBool) -> Result<u64, String> {
    let files = files_under(source).map_err(|e| format!("cannot read the source {}: {e}", source.display()))?;
    let dest_root = if target.is_dir() {
        target.join(source.file_name().ok_or("the source has no name")?)
    } else {
        target.to_path_buf()
    };
    let mut total = 0;
    let mut buf = vec![0u8; 256 * 1024];
    for (file, _) in &files {
        let rel = file.strip_prefix(source).unwrap_or(Path::new(""));
        let dest = if rel.as_os_str().is_empty() { dest_root.clone() } else { dest_root.join(rel) };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut input = std::fs::File::open(file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
        // Unlink first: the target may be a hard link into the shared TPC-H cache, which
        // truncating in place would corrupt for every cluster.
        let _ = std::fs::remove_file(&dest);
        let mut output = std::fs::File::create(&dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err("cancelled".into());
            }
            let n = input.read(&mut buf).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            if n == 0 {
                break;
            }
            output.write_all(&buf[..n]).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
            total += n as u64;
            done.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
    if files.is_empty() {
        // An empty source directory still arrives as a directory.
        std::fs::create_dir_all(&dest_root).map_err(|e| format!("cannot create {}: {e}", dest_root.display()))?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_resolve_inside_their_trees() {
        let d = Path::new("/data");
        assert_eq!(resolve(d, "c1", "/tmp/x").unwrap(), PathBuf::from("/data/hdfs/c1/tmp/x"));
        assert_eq!(resolve(d, "c1", "hdfs:///tmp/x").unwrap(), PathBuf::from("/data/hdfs/c1/tmp/x"));
        assert_eq!(resolve(d, "c1", "hdfs://nn:8020/tmp/x").unwrap(), PathBuf::from("/data/hdfs/c1/tmp/x"));
        assert_eq!(resolve(d, "c1", "obs://bkt/a/b.sql").unwrap(), PathBuf::from("/data/obs/bkt/a/b.sql"));
        assert!(resolve(d, "c1", "/tmp/../../etc").is_err());
        assert!(resolve(d, "c1", "obs://../x").is_err());
        assert!(resolve(d, "c1", "obs://b/../../x").is_err());
        assert!(resolve(d, "c1", "relative/x").is_err());
        assert!(resolve(d, "c1", "s3://b/x").is_err());
        assert_eq!(resolve(d, "w-1", "oss://bkt/logs/x").unwrap(), PathBuf::from("/data/oss/bkt/logs/x"));
        assert_eq!(resolve(d, "C-1", "ossref://bkt/a.jar").unwrap(), PathBuf::from("/data/oss/bkt/a.jar"));
        assert!(resolve(d, "c1", "oss://../x").is_err());
        assert!(resolve(d, "c1", "oss:///x").is_err());
        assert!(resolve(d, "c1", "oss://b/a/../../../x").is_err());
    }

    #[test]
    fn copy_into_existing_directories_and_cancel() {
        let root = std::env::temp_dir().join(format!("lakedeck-hdfs-{}", crate::util::uuid_v4()));
        let src = root.join("src");
        std::fs::create_dir_all(src.join("sub")).unwrap();
        std::fs::write(src.join("a.txt"), b"hello").unwrap();
        std::fs::write(src.join("sub/b.txt"), b"world!").unwrap();
        let done = AtomicU64::new(0);
        let no = AtomicBool::new(false);
        assert_eq!(copy_tree(&src, &root.join("dst"), &done, &no).unwrap(), 11);
        assert_eq!(std::fs::read(root.join("dst/sub/b.txt")).unwrap(), b"world!");
        std::fs::create_dir_all(root.join("into")).unwrap();
        copy_tree(&src, &root.join("into"), &done, &no).unwrap();
        assert_eq!(std::fs::read(root.join("into/src/a.txt")).unwrap(), b"hello");
        copy_tree(&src.join("a.txt"), &root.join("into"), &done, &no).unwrap();
        assert!(root.join("into/a.txt").is_file());
        assert_eq!(done.load(Ordering::Relaxed), 27);
        assert!(copy_tree(&src, &root.join("x"), &done, &AtomicBool::new(true)).is_err());
        assert!(copy_tree(&root.join("missing"), &root.join("y"), &done, &no).unwrap_err().contains("source"));
        std::fs::remove_dir_all(root).unwrap();
    }
}
