//! Alluxio worker placement (shared by the sandbox, which places pages with it, and the console,
//! which draws it): a consistent hash ring over the ONLINE workers with virtual nodes, as
//! Alluxio's DORA client does it (`alluxio.user.dynamic.consistent.hash.ring.enabled=true`).
//!
//! - Hash: MurmurHash3 x86_32 with seed 0 (the hash Alluxio's Java ring and alluxio-py use).
//! - Virtual node `i` of worker `w` sits at `murmur3("<w>#<i>")`; a file's key is its UFS URI and
//!   sits at `murmur3(uri)`. The owner is the first virtual node clockwise at or after the key
//!   (wrapping at 2^32); with `replicas = n` the walk continues to the next distinct workers.
//! - Only online workers are on the ring, so a worker that stops hands its arcs to the workers
//!   after them, and taking it back returns exactly those arcs: nothing else moves.

/// MurmurHash3 x86 32-bit.
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, b) in tail.iter().enumerate() {
            k |= u32::from(*b) << (8 * i);
        }
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

pub fn key_hash(key: &str) -> u32 {
    murmur3_32(key.as_bytes(), 0)
}

#[derive(Clone, Debug, Default)]
pub struct Ring {
    /// (position, index into `workers`), sorted by position then worker id.
    points: Vec<(u32, usize)>,
    workers: Vec<String>,
}

impl Ring {
    /// The ring of `workers` (the online ones), each with `vnodes` virtual nodes.
    pub fn new(workers: &[String], vnodes: u32) -> Ring {
        let mut workers = workers.to_vec();
        workers.sort();
        workers.dedup();
        let mut points = Vec::with_capacity(workers.len() * vnodes as usize);
        for (w, id) in workers.iter().enumerate() {
            for i in 0..vnodes {
                points.push((key_hash(&format!("{id}#{i}")), w));
            }
        }
        // Ties (two virtual nodes on one position) go to the smaller worker id, deterministically.
        points.sort_unstable();
        Ring { points, workers }
    }

    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }

    pub fn workers(&self) -> &[String] {
        &self.workers
    }

    /// The first `n` distinct workers clockwise from `key` (fewer when fewer are online).
    pub fn owners(&self, key: &str, n: usize) -> Vec<&str> {
        self.owners_at(key_hash(key), n)
    }

    pub fn owners_at(&self, pos: u32, n: usize) -> Vec<&str> {
        let want = n.min(self.workers.len());
        let mut out: Vec<&str> = Vec::with_capacity(want);
        if want == 0 {
            return out;
        }
        let start = self.points.partition_point(|(p, _)| *p < pos);
        for k in 0..self.points.len() {
            let (_, w) = self.points[(start + k) % self.points.len()];
            let id = self.workers[w].as_str();
            if !out.contains(&id) {
                out.push(id);
                if out.len() == want {
                    break;
                }
            }
        }
        out
    }

    /// The share of the hash space each worker owns as primary (sums to 1 when non-empty).
    pub fn shares(&self) -> Vec<(String, f64)> {
        let mut owned = vec![0u64; self.workers.len()];
        let n = self.points.len();
        for i in 0..n {
            // The arc (previous point, this point] belongs to this point's worker.
            let (pos, w) = self.points[i];
            let prev = if i == 0 { self.points[n - 1].0 } else { self.points[i - 1].0 };
            let len = if i == 0 { (u64::from(pos) + (1u64 << 32)) - u64::from(prev) } else { u64::from(pos) - u64::from(prev) };
            owned[w] += if n == 1 { 1u64 << 32 } else { len };
        }
        self.workers.iter().cloned().zip(owned.into_iter().map(|o| o as f64 / (1u64 << 32) as f64)).collect()
    }

    /// The primary owner of the middle of each of `bins` equal slices of the hash space: a coarse
    /// picture of the ring to draw.
    pub fn bins(&self, bins: u32) -> Vec<Option<&str>> {
        let bins = bins.max(1);
        let step = (1u64 << 32) / u64::from(bins);
        (0..u64::from(bins)).map(|b| self.owners_at((b * step + step / 2) as u32, 1).first().copied()).collect()
    }
}

/// One stretch of the hash space drawn as an arc: slices `start..end` (of `bins` equal slices,
/// clockwise from 0) with one primary owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BinArc {
    pub start: usize,
    pub end: usize,
    pub owner: String,
}

/// Adjacent slices of one owner merged into arcs (an arc crossing 0 is split there; the drawing
/// cannot tell). Slices without an owner (no worker online) are left out.
pub fn merge_bins<S: AsRef<str>>(bins: &[Option<S>]) -> Vec<BinArc> {
    let mut out: Vec<BinArc> = Vec::new();
    for (i, b) in bins.iter().enumerate() {
        let Some(owner) = b.as_ref().map(AsRef::as_ref) else { continue };
        match out.last_mut() {
            Some(last) if last.end == i && last.owner == owner => last.end = i + 1,
            _ => out.push(BinArc { start: i, end: i + 1, owner: owner.to_string() }),
        }
    }
    out
}

impl Ring {
    /// Virtual nodes per worker (0 for an empty ring).
    pub fn points_per_worker(&self) -> u32 {
        if self.workers.is_empty() {
            0
        } else {
            (self.points.len() / self.workers.len()) as u32
        }
    }

    /// What happens to `leaving`'s primary arcs when it leaves the ring: the share of the whole
    /// hash space each remaining worker takes over (largest first). Exact: every arc of the
    /// leaving worker goes to the next point clockwise that is not its own, and nothing else moves.
    pub fn leave_moves(&self, leaving: &str) -> Vec<(String, f64)> {
        let Some(w) = self.workers.iter().position(|x| x == leaving) else { return Vec::new() };
        let n = self.points.len();
        if self.workers.len() < 2 {
            return Vec::new();
        }
        let mut taken = vec![0u64; self.workers.len()];
        for i in 0..n {
            let (pos, owner) = self.points[i];
            if owner != w {
                continue;
            }
            let prev = if i == 0 { self.points[n - 1].0 } else { self.points[i - 1].0 };
            let len = if i == 0 { (u64::from(pos) + (1u64 << 32)) - u64::from(prev) } else { u64::from(pos) - u64::from(prev) };
            let heir = (1..n).map(|k| self.points[(i + k) % n].1).find(|o| *o != w).unwrap_or(w);
            taken[heir] += len;
        }
        let mut out: Vec<(String, f64)> = self
            .workers
            .iter()
            .zip(taken)
            .filter(|(_, t)| *t > 0)
            .map(|(id, t)| (id.clone(), t as f64 / (1u64 << 32) as f64))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_matches_the_reference_vectors() {
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
        assert_eq!(murmur3_32(b"The quick brown fox jumps over the lazy dog", 0), 0x2e4f_f723);
        assert_eq!(murmur3_32(b"abc", 0), 0xb3dd_93fa);
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("worker-{i:02}")).collect()
    }

    #[test]
    fn owners_are_distinct_and_stable() {
        let ring = Ring::new(&ids(3), 200);
        let o = ring.owners("obs://b/a.parquet", 3);
        assert_eq!(o.len(), 3);
        assert!(o[0] != o[1] && o[1] != o[2] && o[0] != o[2]);
        assert_eq!(ring.owners("obs://b/a.parquet", 5).len(), 3, "never more owners than workers");
        assert_eq!(Ring::new(&ids(3), 200).owners("obs://b/a.parquet", 2), o[..2].to_vec());
        assert!(Ring::new(&[], 200).owners("x", 1).is_empty());
        let total: f64 = ring.shares().iter().map(|(_, s)| s).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert!(ring.shares().iter().all(|(_, s)| *s > 0.2 && *s < 0.5), "{:?}", ring.shares());
        assert_eq!(ring.bins(360).len(), 360);
    }

    #[test]
    fn only_the_arcs_of_a_leaving_worker_move() {
        let before = Ring::new(&ids(4), 500);
        let after = Ring::new(&ids(3), 500);
        let (mut moved, mut kept) = (0, 0);
        for i in 0..5000 {
            let key = format!("obs://bucket/data/file-{i}.bin");
            let a = before.owners(&key, 1)[0];
            let b = after.owners(&key, 1)[0];
            if a == "worker-03" {
                assert_ne!(b, "worker-03");
                moved += 1;
            } else {
                assert_eq!(a, b, "{key} moved although its owner stayed");
                kept += 1;
            }
        }
        assert!(moved > 800 && kept > 3000, "moved {moved} kept {kept}");
    }

    #[test]
    fn leave_moves_match_a_ring_without_the_worker() {
        let before = Ring::new(&ids(3), 300);
        let moves = before.leave_moves("worker-01");
        let share_01 = before.shares().into_iter().find(|(id, _)| id == "worker-01").unwrap().1;
        let total: f64 = moves.iter().map(|(_, s)| s).sum();
        assert!((total - share_01).abs() < 1e-9, "{moves:?} vs {share_01}");
        assert!(moves.iter().all(|(id, _)| id != "worker-01"));
        // The shares the others gain are what they own on the ring without it.
        let after = Ring::new(&["worker-00".to_string(), "worker-02".to_string()], 300);
        for (id, share) in after.shares() {
            let old = before.shares().into_iter().find(|(w, _)| *w == id).unwrap().1;
            let gained = moves.iter().find(|(w, _)| *w == id).map(|m| m.1).unwrap_or(0.0);
            assert!((old + gained - share).abs() < 1e-9, "{id}: {old} + {gained} != {share}");
        }
        assert!(before.leave_moves("nobody").is_empty());
        assert!(Ring::new(&ids(1), 10).leave_moves("worker-00").is_empty(), "nowhere to go");
    }

    #[test]
    fn bins_merge_into_arcs() {
        let arcs = merge_bins::<&str>(&[Some("a"), Some("a"), Some("b"), None, Some("b"), Some("a")]);
        assert_eq!(
            arcs,
            vec![
                BinArc { start: 0, end: 2, owner: "a".into() },
                BinArc { start: 2, end: 3, owner: "b".into() },
                BinArc { start: 4, end: 5, owner: "b".into() },
                BinArc { start: 5, end: 6, owner: "a".into() },
            ]
        );
        let ring = Ring::new(&ids(2), 50);
        let arcs = merge_bins(&ring.bins(360));
        assert_eq!(arcs.iter().map(|a| a.end - a.start).sum::<usize>(), 360);
    }
}
