//! What the sandbox sends is compressed when the client accepts it: the console bundle from copies
//! made once in the background (brotli 11 and gzip 9 — the files never change under their names
//! and every browser reads them), API answers of a kilobyte or more on the fly (brotli 4 or gzip 6,
//! fast enough to cost less than the bytes they save on any real link).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::http::{header, HeaderMap};

/// Smaller answers are not worth a content coding.
pub const MIN_SIZE: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Br,
    Gzip,
}

impl Coding {
    pub fn token(self) -> &'static str {
        match self {
            Coding::Br => "br",
            Coding::Gzip => "gzip",
        }
    }
}

/// The coding to answer with: brotli when accepted, else gzip, honouring `q=0` refusals.
pub fn negotiate(headers: &HeaderMap) -> Option<Coding> {
    let accept = headers.get(header::ACCEPT_ENCODING)?.to_str().ok()?;
    let mut br = false;
    let mut gzip = false;
    for part in accept.split(',') {
        let mut bits = part.split(';');
        let name = bits.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = bits.any(|p| {
            p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
        });
        match name.as_str() {
            "br" => br = !refused,
            "gzip" | "x-gzip" => gzip = !refused,
            "*" if !refused => {
                br = true;
                gzip = true;
            }
            _ => {}
        }
    }
    if br {
        Some(Coding::Br)
    } else if gzip {
        Some(Coding::Gzip)
    } else {
        None
    }
}

pub fn encode(coding: Coding, data: &[u8], best: bool) -> Vec<u8> {
    match coding {
        Coding::Br => {
            let mut out = Vec::with_capacity(data.len() / 3);
            let params = brotli::enc::BrotliEncoderParams {
                quality: if best { 11 } else { 4 },
                lgwin: 22,
                ..Default::default()
            };
            // Writing into a Vec cannot fail.
            let _ = brotli::BrotliCompress(&mut &data[..], &mut out, &params);
            out
        }
        Coding::Gzip => {
            let level = if best { 9 } else { 6 };
            let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::new(level));
            let _ = enc.write_all(data);
            enc.finish().unwrap_or_default()
        }
    }
}

/// Content types worth compressing (images other than SVG are compressed already).
pub fn compressible(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or("").trim();
    t.starts_with("text/") || matches!(t, "application/json" | "application/wasm" | "image/svg+xml" | "application/manifest+json")
}

struct Compressed {
    len: u64,
    modified: Option<SystemTime>,
    br: Arc<Vec<u8>>,
    gz: Arc<Vec<u8>>,
}

/// Compressed copies of the console bundle's files, keyed by path and checked against the file's
/// size and modification time so a rebuilt bundle is never answered with stale bytes.
#[derive(Default)]
pub struct AssetCache {
    entries: Mutex<HashMap<PathBuf, Arc<Compressed>>>,
    pending: Mutex<Vec<PathBuf>>,
}

impl AssetCache {
    /// Compresses every file of `dist` (recursively) in a background thread.
    pub fn warm(self: &Arc<Self>, dist: &Path) {
        let mut files = Vec::new();
        collect(dist, &mut files);
        self.compress_later(files);
    }

    fn compress_later(self: &Arc<Self>, files: Vec<PathBuf>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let fresh: Vec<PathBuf> = files.into_iter().filter(|f| !pending.contains(f)).collect();
        if fresh.is_empty() {
            return;
        }
        pending.extend(fresh.iter().cloned());
        drop(pending);
        let cache = self.clone();
        std::thread::spawn(move || {
            for file in fresh {
                cache.compress(&file);
                cache.pending.lock().unwrap_or_else(|p| p.into_inner()).retain(|f| f != &file);
            }
        });
    }

    fn compress(&self, file: &Path) {
        let Ok(meta) = std::fs::metadata(file) else { return };
        let Ok(data) = std::fs::read(file) else { return };
        if data.len() < MIN_SIZE || meta.len() != data.len() as u64 {
            return;
        }
        let entry = Compressed {
            len: meta.len(),
            modified: meta.modified().ok(),
            br: Arc::new(encode(Coding::Br, &data, true)),
            gz: Arc::new(encode(Coding::Gzip, &data, true)),
        };
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).insert(file.to_path_buf(), Arc::new(entry));
    }

    /// The compressed bytes of `file` as it is on disk now, if ready; otherwise `None` (the caller
    /// sends the file as it is) and the file is compressed in the background for the next time.
    pub fn get(self: &Arc<Self>, file: &Path, meta: &std::fs::Metadata, coding: Coding) -> Option<Arc<Vec<u8>>> {
        if meta.len() < MIN_SIZE as u64 {
            return None;
        }
        let found = self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(file).cloned();
        match found {
            Some(e) if e.len == meta.len() && e.modified == meta.modified().ok() => Some(match coding {
                Coding::Br => e.br.clone(),
                Coding::Gzip => e.gz.clone(),
            }),
            _ => {
                self.compress_later(vec![file.to_path_buf()]);
                None
            }
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(&p, out),
            Ok(t) if t.is_file() => {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if compressible(crate::http::content_type(name)) {
                    out.push(p);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::io::Read;

    fn accept(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(&HeaderMap::new()), None);
        assert_eq!(negotiate(&accept("gzip, deflate, br, zstd")), Some(Coding::Br));
        assert_eq!(negotiate(&accept("gzip, deflate")), Some(Coding::Gzip));
        assert_eq!(negotiate(&accept("br;q=0, gzip;q=0.5")), Some(Coding::Gzip));
        assert_eq!(negotiate(&accept("identity")), None);
        assert_eq!(negotiate(&accept("*")), Some(Coding::Br));
    }

    #[test]
    fn round_trips() {
        let data: Vec<u8> = (0..20_000u32).flat_map(|i| format!("row {i},").into_bytes()).collect();
        let gz = encode(Coding::Gzip, &data, false);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
        let br = encode(Coding::Br, &data, true);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, data);
        assert!(br.len() < data.len() / 4 && gz.len() < data.len() / 3);
    }
}
