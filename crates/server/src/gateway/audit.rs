//! The audit log: one JSON line per write a console user attempted — forwarded or refused —
//! appended to a file. It names who, what and the outcome, never a token, key or request body.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// UTC, RFC 3339 with milliseconds.
    pub time: String,
    pub user: &'a str,
    pub role: &'a str,
    pub service: &'a str,
    pub operation: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// The HTTP status the user got (the upstream's, or the gateway's own refusal).
    pub status: u16,
    /// The gateway's request id (the `X-Gateway-Request-Id` the console shows).
    pub request_id: &'a str,
    /// The service's own request id, when it answered.
    pub upstream_request_id: Option<&'a str>,
}

pub struct Audit {
    path: PathBuf,
    file: Mutex<File>,
}

impl Audit {
    /// Opens (creating) the file for appending; failing here stops the gateway at start-up rather
    /// than losing the record of writes later.
    pub fn open(path: &Path) -> Result<Audit, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the audit log's directory {}: {e}", dir.display()))?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o640);
        }
        let file = options.open(path).map_err(|e| format!("cannot open the audit log {} for appending: {e}", path.display()))?;
        Ok(Audit { path: path.to_path_buf(), file: Mutex::new(file) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line. A line is written with a single `write` call on an `O_APPEND` file, so
    /// concurrent gateways sharing the file do not interleave inside a line.
    pub fn record(&self, entry: &Entry) {
        let mut line = match serde_json::to_vec(entry) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot encode an audit entry: {e}");
                return;
            }
        };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = file.write_all(&line).and_then(|()| file.flush()) {
            eprintln!("error: cannot append to the audit log {}: {e}", self.path.display());
        }
    }
}

/// `2026-11-26T13:04:37.123Z`.
pub fn rfc3339(ms: i64) -> String {
    let (y, m, d) = lakedeck_api::sign::civil_from_days(ms.div_euclid(86_400_000));
    let rem = ms.rem_euclid(86_400_000);
    let (h, mi, s, milli) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_appended_as_json() {
        let dir = std::env::temp_dir().join(format!("lakedeck-audit-{}", crate::util::uuid_v4()));
        let path = dir.join("sub/audit.jsonl");
        let audit = Audit::open(&path).unwrap();
        for status in [200, 403] {
            audit.record(&Entry {
                time: rfc3339(951_782_400_123),
                user: "alice",
                role: "operator",
                service: "mrs",
                operation: "CreateCluster",
                method: "POST",
                path: "/v2/p/clusters",
                status,
                request_id: "g-1",
                upstream_request_id: (status == 200).then_some("u-1"),
            });
        }
        drop(audit);
        let again = Audit::open(&path).unwrap();
        drop(again);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["time"], "2000-02-29T00:00:00.123Z");
        assert_eq!(lines[0]["upstream_request_id"], "u-1");
        assert_eq!(lines[1]["status"], 403);
        assert!(lines[1]["upstream_request_id"].is_null());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
