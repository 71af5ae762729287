//! What the console's Cache views compute from the coordinator's answers, kept pure so it is
//! tested on the host: job filters in the URL, progress by bytes and throughput, hit ratios,
//! masking of credential-looking mount options, the submit forms' checks (the same rules the
//! sandbox applies, `crate::alluxio::check_*`) and the ring's geometry.

use std::collections::BTreeMap;

use crate::alluxio::{
    check_alluxio_path, check_batch_size, check_mount_path, check_replicas, check_size, check_ufs, is_final_job_state, JobProgress,
    JobSubmit, LoadOptions, MountPoint, RebalanceOptions, RebalanceSubmit, WorkerNode,
};
use crate::problem::Problem;

/// A problem with the form field it belongs to.
pub type FieldProblem = (&'static str, Problem);

/// The job types as they appear in a progress object's `type` and in the view's URL (lower case).
pub const JOB_TYPES: [&str; 3] = ["load", "free", "rebalance"];

/// Rows per page of the Jobs view until the user picks another of `paging::PAGE_SIZES`: the EMR
/// views' default. The coordinator keeps finished jobs a week, which can be thousands; only one
/// page is ever in the DOM, and 20 rows keep a page change within one frame budget with 10,000
/// jobs listed (the README's cache benchmark).
pub const JOBS_PAGE_SIZE: usize = 20;

/// The Jobs view's filters, page and page size, kept in the URL
/// (`?type=load&state=RUNNING&page=2&size=50`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobFilters {
    /// `load`, `free` or `rebalance`; empty = all.
    pub job_type: String,
    /// A job state (`RUNNING`…); empty = all.
    pub state: String,
    /// 1-based page of the filtered, newest-first list.
    pub page: usize,
    /// Rows per page, one of `paging::PAGE_SIZES`.
    pub size: usize,
}

impl Default for JobFilters {
    fn default() -> JobFilters {
        JobFilters { job_type: String::new(), state: String::new(), page: 1, size: JOBS_PAGE_SIZE }
    }
}

impl JobFilters {
    /// Reads the URL; values it does not know are dropped (a hand-edited address shows all).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> JobFilters {
        let job_type = get("type").map(|t| t.to_ascii_lowercase()).filter(|t| JOB_TYPES.contains(&t.as_str())).unwrap_or_default();
        let state = get("state")
            .map(|s| s.to_ascii_uppercase())
            .filter(|s| crate::alluxio::JOB_STATES.contains(&s.as_str()))
            .unwrap_or_default();
        let page = get("page").and_then(|p| crate::paging::parse_bounded(&p, 1, 1_000_000)).unwrap_or(1) as usize;
        let size = get("size")
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|&n| crate::paging::is_page_size(n))
            .map_or(JOBS_PAGE_SIZE, |n| n as usize);
        JobFilters { job_type, state, page, size }
    }

    /// The URL's parameters; page 1 and the default size are left out.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let page = if self.page > 1 { self.page.to_string() } else { String::new() };
        let size = if self.size != JOBS_PAGE_SIZE { self.size.to_string() } else { String::new() };
        vec![("type", self.job_type.clone()), ("state", self.state.clone()), ("page", page), ("size", size)]
    }

    /// The same filters on another type or state start again at page 1.
    pub fn refined(&self, job_type: Option<String>, state: Option<String>) -> JobFilters {
        JobFilters {
            job_type: job_type.unwrap_or_else(|| self.job_type.clone()),
            state: state.unwrap_or_else(|| self.state.clone()),
            page: 1,
            size: self.size,
        }
    }

    /// Another page size starts again at page 1 (the old page number would point elsewhere).
    pub fn resized(&self, size: usize) -> JobFilters {
        let size = if crate::paging::is_page_size(size as i64) { size } else { JOBS_PAGE_SIZE };
        JobFilters { page: 1, size, ..self.clone() }
    }

    /// The rows of the current page out of the filtered list, and the filtered count. A page
    /// past the end (jobs aged out since the link was made) shows the last page.
    pub fn page_of(&self, jobs: &[JobProgress]) -> (Vec<JobProgress>, usize) {
        let matching: Vec<&JobProgress> = jobs.iter().filter(|j| self.matches(j)).collect();
        let total = matching.len();
        let page = self.page.min(crate::paging::page_count(total, self.size));
        let range = crate::paging::page_range(total, self.size, page);
        (matching[range].iter().map(|j| (*j).clone()).collect(), total)
    }

    pub fn matches(&self, job: &JobProgress) -> bool {
        (self.job_type.is_empty() || job.job_type.eq_ignore_ascii_case(&self.job_type))
            && (self.state.is_empty() || job.state == self.state)
    }
}

/// Bytes a job has dealt with so far: loaded (or skipped as already cached), freed, or copied by
/// a rebalance.
pub fn done_bytes(job: &JobProgress) -> i64 {
    match job.job_type.as_str() {
        "FREE" => job.freed_bytes.unwrap_or(0) + job.failed_bytes.unwrap_or(0),
        "REBALANCE" => job.loaded_bytes.unwrap_or(0),
        _ => job.loaded_bytes.unwrap_or(0) + job.skipped_bytes.unwrap_or(0),
    }
}

/// Progress by bytes from 0 to 1; `None` while the total is not known. A SUCCEEDED job is 1 even
/// when it had nothing to do.
pub fn job_fraction(job: &JobProgress) -> Option<f64> {
    if job.state == "SUCCEEDED" {
        return Some(1.0);
    }
    if job.total_bytes <= 0 {
        return None;
    }
    Some((done_bytes(job) as f64 / job.total_bytes as f64).clamp(0.0, 1.0))
}

/// Bytes per second over the job's elapsed time; `None` before a second has passed.
pub fn throughput(job: &JobProgress) -> Option<f64> {
    let bytes = match job.job_type.as_str() {
        "FREE" => job.freed_bytes.unwrap_or(0),
        _ => job.loaded_bytes.unwrap_or(0),
    };
    (job.time_elapsed_milliseconds >= 1000).then(|| bytes as f64 * 1000.0 / job.time_elapsed_milliseconds as f64)
}

/// Files looked at so far (load/rebalance `scannedFiles`, free `freedFiles + failedFiles`).
pub fn scanned_files(job: &JobProgress) -> i64 {
    match job.job_type.as_str() {
        "FREE" => job.freed_files.unwrap_or(0) + job.failed_files,
        _ => job.scanned_files.unwrap_or(0),
    }
}

/// Whether the job can be stopped (it has not ended).
pub fn can_stop(job: &JobProgress) -> bool {
    !is_final_job_state(&job.state)
}

/// Whether submitting it again resumes it (the coordinator resumes STOPPED and FAILED jobs).
pub fn can_resume(job: &JobProgress) -> bool {
    matches!(job.state.as_str(), "STOPPED" | "FAILED")
}

/// Whether any job in the list is still going (the view then refreshes every few seconds).
pub fn any_active(jobs: &[JobProgress]) -> bool {
    jobs.iter().any(can_stop)
}

/// Jobs of every type, newest first (by start time, then id).
pub fn sort_newest_first(jobs: &mut [JobProgress]) {
    jobs.sort_by(|a, b| b.start_time.cmp(&a.start_time).then_with(|| b.id.cmp(&a.id)));
}

/// Share of cache reads that were hits (pages); `None` before any read.
pub fn hit_ratio(node: &WorkerNode) -> Option<f64> {
    let reads = node.hits + node.misses;
    (reads > 0).then(|| node.hits as f64 / reads as f64)
}

/// `used / capacity` from 0 to 1 (0 for an unknown capacity).
pub fn usage_fraction(used: i64, capacity: i64) -> f64 {
    if capacity <= 0 {
        0.0
    } else {
        (used as f64 / capacity as f64).clamp(0.0, 1.0)
    }
}

/// Whether a mount option's key names a secret (an access key, a password, a token…).
pub fn is_secret_option(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["secret", "password", "passwd", "token", "credential", "accesskey", "access.key", "access_key", "sk", "ak", "session"]
        .iter()
        .any(|w| k == *w || k.contains(w) && w.len() > 2)
}

/// A mount option's value as shown: secrets masked (their length is not shown either).
pub fn shown_option(key: &str, value: &str) -> String {
    if is_secret_option(key) {
        "••••••••".to_string()
    } else {
        value.to_string()
    }
}

/// The mount form: an Alluxio path, a UFS URI and `key=value` option lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountDraft {
    pub path: String,
    pub ufs: String,
    pub options: String,
}

impl MountDraft {
    /// The request and the problems next to each field (`path`, `ufs`, `options`). A path
    /// already mounted is refused here as the coordinator would (409).
    pub fn build(&self, existing: &[MountPoint]) -> (MountPoint, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let path = match check_mount_path(&self.path) {
            Ok(p) => {
                if existing.iter().any(|m| m.path == p) {
                    problems.push(("path", Problem::new("cache.mount_exists").with("path", &p)));
                }
                p
            }
            Err(p) => {
                problems.push(("path", p));
                String::new()
            }
        };
        let ufs = check_ufs(&self.ufs).unwrap_or_else(|p| {
            problems.push(("ufs", p));
            String::new()
        });
        let mut options = BTreeMap::new();
        for line in self.options.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    options.insert(k.trim().to_string(), v.trim().to_string());
                }
                _ => {
                    problems.push(("options", Problem::new("cache.option_line").with("line", line)));
                    break;
                }
            }
        }
        (MountPoint { path, ufs, options }, problems)
    }
}

/// The submit form of a load or free job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobDraft {
    /// One Alluxio path or UFS URI per line.
    pub paths: String,
    pub alias: String,
    pub replicas: String,
    pub batch_size: String,
    pub file_filter_regex: String,
    pub skip_if_exists: bool,
    pub if_changed: bool,
    pub metadata_only: bool,
    pub verify: bool,
    pub bandwidth: String,
}

impl Default for JobDraft {
    fn default() -> Self {
        JobDraft {
            paths: String::new(),
            alias: String::new(),
            replicas: "1".into(),
            batch_size: String::new(),
            file_filter_regex: String::new(),
            skip_if_exists: false,
            if_changed: false,
            metadata_only: false,
            verify: false,
            bandwidth: String::new(),
        }
    }
}

fn whole(field: &'static str, raw: &str, problems: &mut Vec<FieldProblem>, key: &'static str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            problems.push((key, Problem::new("cache.not_whole").with("field", field).with("value", raw)));
            None
        }
    }
}

impl JobDraft {
    /// A load (`load = true`) or free request and the problems per field (`paths`, `alias`,
    /// `replicas`, `batch_size`, `bandwidth`). `workers` bounds `replicas`.
    pub fn build(&self, load: bool, workers: i64) -> (JobSubmit, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let mut paths = Vec::new();
        for line in self.paths.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.contains("://") {
                match crate::alluxio::canonical_ufs(line) {
                    Some(u) => paths.push(u),
                    None => problems.push(("paths", Problem::new("alluxio.ufs_invalid").with("ufs", line))),
                }
            } else {
                match check_alluxio_path(line) {
                    Ok(p) => paths.push(p),
                    Err(p) => problems.push(("paths", p)),
                }
            }
        }
        if paths.is_empty() && !problems.iter().any(|(f, _)| *f == "paths") {
            problems.push(("paths", Problem::new("alluxio.required").with("field", "paths")));
        }
        let alias = self.alias.trim();
        if alias.chars().any(|c| c.is_whitespace() || c == '/') {
            problems.push(("alias", Problem::new("cache.alias_invalid").with("value", alias)));
        }
        let mut options = None;
        if load {
            let replicas = whole("replicas", &self.replicas, &mut problems, "replicas");
            if let Some(n) = replicas {
                if let Err(p) = check_replicas(n, workers) {
                    problems.push(("replicas", p));
                }
            }
            let batch = whole("batchSize", &self.batch_size, &mut problems, "batch_size");
            if let Some(n) = batch {
                if let Err(p) = check_batch_size("batchSize", n) {
                    problems.push(("batch_size", p));
                }
            }
            let bandwidth = self.bandwidth.trim();
            if !bandwidth.is_empty() {
                if let Err(p) = check_size("bandwidth", bandwidth) {
                    problems.push(("bandwidth", p));
                }
            }
            let regex = self.file_filter_regex.trim();
            options = Some(LoadOptions {
                batch_size: batch,
                file_filter_regex: (!regex.is_empty()).then(|| regex.to_string()),
                replicas,
                skip_if_exists: self.skip_if_exists.then_some(true),
                load_policy: self.if_changed.then(|| "IF_CHANGED".to_string()),
                load_metadata_only: self.metadata_only.then_some(true),
                verify: self.verify.then_some(true),
                bandwidth: (!bandwidth.is_empty()).then(|| bandwidth.to_string()),
                sync: None,
            });
        }
        let body = JobSubmit { index: None, paths: Some(paths), alias: (!alias.is_empty()).then(|| alias.to_string()), options };
        (body, problems)
    }
}

/// The rebalance form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebalanceDraft {
    /// A worker id or `ALL` (empty = ALL).
    pub target: String,
    pub load_batch_size: String,
    pub load_bandwidth: String,
    pub prune_bandwidth: String,
    pub skip_prune: bool,
}

impl RebalanceDraft {
    pub fn build(&self) -> (RebalanceSubmit, Vec<FieldProblem>) {
        let mut problems = Vec::new();
        let batch = whole("loadBatchSize", &self.load_batch_size, &mut problems, "load_batch_size");
        if let Some(n) = batch {
            if let Err(p) = check_batch_size("loadBatchSize", n) {
                problems.push(("load_batch_size", p));
            }
        }
        let mut size = |field: &'static str, key: &'static str, raw: &str| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            if let Err(p) = check_size(field, raw) {
                problems.push((key, p));
            }
            Some(raw.to_string())
        };
        let load_bandwidth = size("loadBandwidth", "load_bandwidth", &self.load_bandwidth);
        let prune_bandwidth = size("pruneBandwidth", "prune_bandwidth", &self.prune_bandwidth);
        let target = if self.target.trim().is_empty() { "ALL".to_string() } else { self.target.trim().to_string() };
        let body = RebalanceSubmit {
            target: Some(target),
            options: Some(RebalanceOptions { load_batch_size: batch, load_bandwidth, prune_bandwidth, skip_prune: self.skip_prune.then_some(true) }),
        };
        (body, problems)
    }
}

/// The problem of one field, if any.
pub fn problem_for<'a>(problems: &'a [FieldProblem], field: &str) -> Option<&'a Problem> {
    problems.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
}

/// An SVG path of a ring segment from `start` to `end` (fractions of a turn, clockwise from the
/// top) between radii `inner` and `outer`, around `(c, c)`.
pub fn ring_segment(c: f64, inner: f64, outer: f64, start: f64, end: f64) -> String {
    let point = |r: f64, f: f64| {
        let a = f * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        (c + r * a.cos(), c + r * a.sin())
    };
    // A full turn cannot be one arc: stop just short of it.
    let end = if end - start >= 1.0 { start + 0.99999 } else { end };
    let large = if end - start > 0.5 { 1 } else { 0 };
    let (x0, y0) = point(outer, start);
    let (x1, y1) = point(outer, end);
    let (x2, y2) = point(inner, end);
    let (x3, y3) = point(inner, start);
    format!(
        "M{x0:.2} {y0:.2}A{outer:.2} {outer:.2} 0 {large} 1 {x1:.2} {y1:.2}L{x2:.2} {y2:.2}A{inner:.2} {inner:.2} 0 {large} 0 {x3:.2} {y3:.2}Z"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(t: &str, state: &str) -> JobProgress {
        JobProgress { job_type: t.into(), state: state.into(), ..Default::default() }
    }

    #[test]
    fn filters_round_trip_and_drop_unknown_values() {
        let f = JobFilters::from_query(|k| match k {
            "type" => Some("LOAD".into()),
            "state" => Some("running".into()),
            _ => None,
        });
        assert_eq!(f, JobFilters { job_type: "load".into(), state: "RUNNING".into(), page: 1, size: JOBS_PAGE_SIZE });
        assert!(f.matches(&job("LOAD", "RUNNING")));
        assert!(!f.matches(&job("FREE", "RUNNING")));
        assert!(!f.matches(&job("LOAD", "SUCCEEDED")));
        assert_eq!(JobFilters::from_query(|_| Some("bogus".into())), JobFilters::default());
        assert_eq!(
            f.to_query(),
            vec![("type", "load".to_string()), ("state", "RUNNING".to_string()), ("page", String::new()), ("size", String::new())]
        );
    }

    #[test]
    fn pages_of_the_filtered_list() {
        let jobs: Vec<JobProgress> = (0..120)
            .map(|i| JobProgress { id: format!("j{i}"), ..job(if i % 2 == 0 { "LOAD" } else { "FREE" }, "SUCCEEDED") })
            .collect();
        let f = JobFilters::from_query(|k| match k {
            "page" => Some("2".to_string()),
            "size" => Some("50".to_string()),
            _ => None,
        });
        assert_eq!((f.page, f.size), (2, 50));
        assert_eq!(f.to_query()[2..], [("page", "2".to_string()), ("size", "50".to_string())]);
        let (rows, total) = f.page_of(&jobs);
        assert_eq!((rows.len(), total), (50, 120));
        assert_eq!(rows[0].id, "j50");
        // Narrowing to LOAD leaves 60 jobs: page 2 holds the last 10 of them; a new filter starts at page 1.
        let loads = JobFilters { job_type: "load".into(), ..f.clone() };
        let (rows, total) = loads.page_of(&jobs);
        assert_eq!((rows.len(), total, rows[0].id.as_str()), (10, 60, "j100"));
        let refined = f.refined(Some("load".into()), None);
        assert_eq!((refined.page, refined.size), (1, 50));
        // Another size starts at page 1; a size the view does not offer is the default.
        assert_eq!(f.resized(10), JobFilters { page: 1, size: 10, ..f.clone() });
        assert_eq!(f.resized(7).size, JOBS_PAGE_SIZE);
        assert_eq!(JobFilters::from_query(|k| (k == "size").then(|| "1000".to_string())).size, JOBS_PAGE_SIZE);
        // The default size: 120 jobs are six pages of 20.
        let (rows, total) = JobFilters { page: 6, ..JobFilters::default() }.page_of(&jobs);
        assert_eq!((rows.len(), total, rows[0].id.as_str()), (JOBS_PAGE_SIZE, 120, "j100"));
        // A page past the end shows the last one; a bad page number is page 1.
        let far = JobFilters { page: 99, size: 50, ..JobFilters::default() };
        assert_eq!(far.page_of(&jobs).0[0].id, "j100");
        assert_eq!(JobFilters::from_query(|k| (k == "page").then(|| "0".to_string())).page, 1);
        assert_eq!(JobFilters::default().page_of(&[]), (vec![], 0));
    }

    #[test]
    fn progress_and_throughput_by_bytes() {
        let mut j = job("LOAD", "RUNNING");
        assert_eq!(job_fraction(&j), None);
        j.total_bytes = 1000;
        j.loaded_bytes = Some(300);
        j.skipped_bytes = Some(200);
        assert_eq!(job_fraction(&j), Some(0.5));
        assert_eq!(throughput(&j), None);
        j.time_elapsed_milliseconds = 2000;
        assert_eq!(throughput(&j), Some(150.0));
        let mut f = job("FREE", "RUNNING");
        f.total_bytes = 100;
        f.freed_bytes = Some(25);
        f.freed_files = Some(2);
        f.failed_files = 1;
        assert_eq!(job_fraction(&f), Some(0.25));
        assert_eq!(scanned_files(&f), 3);
        assert_eq!(job_fraction(&job("REBALANCE", "SUCCEEDED")), Some(1.0));
        assert!(can_stop(&job("LOAD", "WAITING")) && !can_stop(&job("LOAD", "STOPPED")));
        assert!(can_resume(&job("LOAD", "FAILED")) && !can_resume(&job("LOAD", "SUCCEEDED")));
    }

    #[test]
    fn secrets_are_masked_and_plain_options_shown() {
        for k in ["fs.obs.secret.key", "fs.obs.access.key", "aws.accessKeyId", "password", "s3a.session.token", "credentials"] {
            assert!(is_secret_option(k), "{k}");
        }
        for k in ["fs.obs.endpoint", "readonly", "shared", "region"] {
            assert!(!is_secret_option(k), "{k}");
        }
        assert_eq!(shown_option("secretKey", "abc"), "••••••••");
        assert_eq!(shown_option("endpoint", "obs.example"), "obs.example");
    }

    #[test]
    fn mount_form_checks_each_field() {
        let existing = vec![MountPoint { path: "/obs".into(), ufs: "obs://b".into(), options: Default::default() }];
        let d = MountDraft { path: "/".into(), ufs: "s3://x".into(), options: "ok=1\nnot a pair".into() };
        let (_, p) = d.build(&existing);
        assert_eq!(problem_for(&p, "path").unwrap().key, "alluxio.mount_root");
        assert_eq!(problem_for(&p, "ufs").unwrap().key, "alluxio.ufs_invalid");
        assert_eq!(problem_for(&p, "options").unwrap().key, "cache.option_line");
        let (_, p) = MountDraft { path: "/obs/".into(), ufs: "obs://b/x".into(), options: String::new() }.build(&existing);
        assert_eq!(problem_for(&p, "path").unwrap().key, "cache.mount_exists");
        let (m, p) = MountDraft { path: "/data//x".into(), ufs: "obs://bucket/a/".into(), options: "k = v".into() }.build(&existing);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!((m.path.as_str(), m.ufs.as_str(), m.options.get("k").map(String::as_str)), ("/data/x", "obs://bucket/a", Some("v")));
    }

    #[test]
    fn job_form_checks_each_field() {
        let d = JobDraft { paths: "\n".into(), replicas: "9".into(), batch_size: "x".into(), bandwidth: "fast".into(), alias: "a b".into(), ..Default::default() };
        let (_, p) = d.build(true, 3);
        for f in ["paths", "replicas", "batch_size", "bandwidth", "alias"] {
            assert!(problem_for(&p, f).is_some(), "{f}: {p:?}");
        }
        let d = JobDraft { paths: "/obs/tpch\nobs://b/x/".into(), alias: "tp".into(), skip_if_exists: true, if_changed: true, ..Default::default() };
        let (body, p) = d.build(true, 3);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(body.paths.unwrap(), vec!["/obs/tpch".to_string(), "obs://b/x".to_string()]);
        let o = body.options.unwrap();
        assert_eq!((o.replicas, o.skip_if_exists, o.load_policy.as_deref()), (Some(1), Some(true), Some("IF_CHANGED")));
        let (body, p) = JobDraft { paths: "/obs".into(), ..Default::default() }.build(false, 3);
        assert!(p.is_empty() && body.options.is_none());
        let (r, p) = RebalanceDraft { load_bandwidth: "10MB".into(), ..Default::default() }.build();
        assert!(p.is_empty());
        assert_eq!(r.target.as_deref(), Some("ALL"));
        assert_eq!(RebalanceDraft { load_batch_size: "0".into(), ..Default::default() }.build().1[0].0, "load_batch_size");
    }

    #[test]
    fn ring_segments_are_svg_paths() {
        let p = ring_segment(100.0, 60.0, 90.0, 0.0, 0.25);
        assert!(p.starts_with("M100.00 10.00A90.00 90.00 0 0 1 190.00 100.00"), "{p}");
        assert!(ring_segment(100.0, 60.0, 90.0, 0.0, 1.0).contains(" 0 1 1 "), "a whole turn is a large arc");
        assert_eq!(usage_fraction(5, 10), 0.5);
        assert_eq!(usage_fraction(5, 0), 0.0);
        let n = WorkerNode { hits: 3, misses: 1, ..Default::default() };
        assert_eq!(hit_ratio(&n), Some(0.75));
        assert_eq!(hit_ratio(&WorkerNode::default()), None);
    }
}
