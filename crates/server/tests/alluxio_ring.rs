//! Placement on the consistent hash ring and what a ring change moves: pages land on the owners
//! the ring names (byte for byte equal to the UFS), adding a worker and rebalancing moves exactly
//! the files whose arcs the new worker took, a worker that leaves and returns leaves stale copies
//! that clear-stale-cache removes, lowered replicas leave orphans, and free cannot reach an
//! OFFLINE worker.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use lakedeck_api::sign::sha256_hex;
use serde_json::json;
use support::alluxio::{eventually, load, mount, node, ok, owners, start, submit, wait_job, worker_ids, write_obs, PAGE};
use support::Server;

fn file_id(ufs: &str) -> String {
    sha256_hex(ufs.as_bytes())[..32].to_string()
}

/// The page files of `ufs` on `worker`, by page index.
fn pages_on(s: &Server, worker: &str, ufs: &str) -> BTreeMap<u64, PathBuf> {
    let fid = file_id(ufs);
    let bucket = u64::from_str_radix(&fid[..8], 16).unwrap() % 1000;
    let dir = s.data_dir.join(format!("alluxio/workers/{worker}/pages/{PAGE}/{bucket:03}/{fid}"));
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            out.insert(e.file_name().to_string_lossy().parse::<u64>().unwrap(), e.path());
        }
    }
    out
}

/// The bytes a worker caches of a file, pages concatenated.
fn cached_bytes(s: &Server, worker: &str, ufs: &str) -> Vec<u8> {
    pages_on(s, worker, ufs).values().flat_map(|p| std::fs::read(p).unwrap()).collect()
}

fn holders(s: &Server, ufs: &str) -> Vec<String> {
    worker_ids(s).into_iter().filter(|w| !pages_on(s, w, ufs).is_empty()).collect()
}

#[test]
fn placement_rebalance_and_stale_cache() {
    let s = start("alluxio-ring", "32MB", &[]);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..40 {
        let bytes = write_obs(&s, &format!("ring/data/f{i:02}.bin"), 2 * PAGE as usize - 100, i as u8);
        files.push((format!("obs://ring/data/f{i:02}.bin"), bytes));
    }
    let big = write_obs(&s, "ring/data/big.bin", 5 * PAGE as usize, 99);
    files.push(("obs://ring/data/big.bin".into(), big));
    mount(&s, "/ring", "obs://ring/data");

    // Every file on its owner, byte for byte, and nowhere else.
    let p = load(&s, json!({"paths": ["/ring"], "options": {"batchSize": 7}}));
    assert_eq!((p["loadedNonEmptyFiles"].as_i64(), p["failedFiles"].as_i64()), (Some(41), Some(0)), "{p}");
    let mut owner_before = BTreeMap::new();
    for (ufs, bytes) in &files {
        let o = owners(&s, ufs);
        assert_eq!(o.len(), 1);
        assert_eq!(&cached_bytes(&s, &o[0], ufs), bytes, "{ufs} on {}", o[0]);
        assert_eq!(holders(&s, ufs), vec![o[0].clone()], "{ufs} only on its owner");
        owner_before.insert(ufs.clone(), o[0].clone());
    }
    let pages: i64 = 40 * 2 + 5;
    assert_eq!(worker_ids(&s).iter().map(|w| node(&s, w)["pageCount"].as_i64().unwrap()).sum::<i64>(), pages);
    let used: i64 = worker_ids(&s).iter().map(|w| node(&s, w)["usedBytes"].as_i64().unwrap()).sum();
    assert_eq!(used, files.iter().map(|(_, b)| b.len() as i64).sum::<i64>());

    // A fourth worker takes some arcs: only the files on those arcs change owner.
    let new = ok(&s, "POST", "/api/v1/sandbox/workers", None)["id"].as_str().unwrap().to_string();
    let mut moved = Vec::new();
    for (ufs, _) in &files {
        let o = owners(&s, ufs)[0].clone();
        if o == new {
            moved.push(ufs.clone());
        } else {
            assert_eq!(o, owner_before[ufs], "{ufs} changed owner although the new worker does not own it");
        }
    }
    assert!(!moved.is_empty() && moved.len() < files.len(), "the new worker owns some files: {}", moved.len());
    let moved_bytes: i64 = files.iter().filter(|(u, _)| moved.contains(u)).map(|(_, b)| b.len() as i64).sum();
    let mtimes_before: Vec<_> = files
        .iter()
        .filter(|(u, _)| !moved.contains(u))
        .map(|(u, _)| pages_on(&s, &owner_before[u], u).values().map(|p| std::fs::metadata(p).unwrap().modified().unwrap()).collect::<Vec<_>>())
        .collect();

    let id = submit(&s, "rebalance", json!({"target": "ALL"}));
    let (r, _) = wait_job(&s, "rebalance", &id);
    assert_eq!(r["state"], "SUCCEEDED", "{r}");
    assert_eq!((r["loadedBytes"].as_i64(), r["prunedBytes"].as_i64()), (Some(moved_bytes), Some(moved_bytes)), "{r}");
    for (ufs, bytes) in &files {
        if moved.contains(ufs) {
            assert_eq!(&cached_bytes(&s, &new, ufs), bytes, "{ufs} copied to the new owner");
            assert_eq!(holders(&s, ufs), vec![new.clone()], "{ufs} pruned from its old owner");
        } else {
            assert_eq!(holders(&s, ufs), vec![owner_before[ufs].clone()]);
        }
    }
    let mtimes_after: Vec<_> = files
        .iter()
        .filter(|(u, _)| !moved.contains(u))
        .map(|(u, _)| pages_on(&s, &owner_before[u], u).values().map(|p| std::fs::metadata(p).unwrap().modified().unwrap()).collect::<Vec<_>>())
        .collect();
    assert_eq!(mtimes_before, mtimes_after, "pages of files that kept their owner were not rewritten");

    // The new worker leaves: its files go to stand-ins on the next load; when it returns, the
    // stand-ins' copies are stale and clearing stale cache removes exactly those.
    ok(&s, "POST", "/api/v1/sandbox/workers/stop", Some(json!({"id": new})));
    for u in &moved {
        assert_ne!(owners(&s, u)[0], new);
    }
    let p = load(&s, json!({"paths": ["/ring"], "options": {"skipIfExists": true}}));
    assert_eq!(p["loadedBytes"].as_i64(), Some(moved_bytes), "{p}");
    let standins: BTreeMap<String, String> = moved.iter().map(|u| (u.clone(), owners(&s, u)[0].clone())).collect();
    ok(&s, "POST", "/api/v1/sandbox/workers/start", Some(json!({"id": new})));
    for u in &moved {
        assert_eq!(owners(&s, u)[0], new, "the returning worker gets its arcs back");
        assert_eq!(holders(&s, u).len(), 2, "{u}: the owner's copy and the stand-in's");
    }
    let report = ok(&s, "POST", "/api/v1/cache", Some(json!({})));
    assert_eq!(report["errors"], json!({}));
    eventually("stale cache cleared", || ok(&s, "GET", "/api/v1/cache", None)["state"] == "SUCCEEDED");
    let done = ok(&s, "GET", "/api/v1/cache", None);
    let deleted: i64 = done["workers"].as_object().unwrap().values().map(|w| w["deletedBytes"].as_i64().unwrap()).sum();
    assert_eq!(deleted, moved_bytes, "{done}");
    for u in &moved {
        assert_eq!(holders(&s, u), vec![new.clone()], "{u}: the stand-in {} dropped its copy", standins[u]);
    }

    // Replicas: two copies on two distinct owners; lowering to one leaves an orphan that stale
    // cleaning removes.
    let (ufs0, bytes0) = files[0].clone();
    let p = load(&s, json!({"paths": ["/ring/f00.bin"], "options": {"replicas": 2}}));
    assert_eq!(p["replicas"], 2);
    let two = owners(&s, &ufs0);
    assert_eq!(two.len(), 2, "the ring reports the file's replica count");
    for w in &two {
        assert_eq!(&cached_bytes(&s, w, &ufs0), &bytes0);
    }
    load(&s, json!({"paths": ["/ring/f00.bin"], "options": {"replicas": 1}}));
    assert_eq!(holders(&s, &ufs0).len(), 2);
    ok(&s, "POST", "/api/v1/cache", Some(json!({})));
    eventually("orphan replica removed", || holders(&s, &ufs0) == vec![two[0].clone()]);

    // A free cannot reach an OFFLINE worker: its files count as failed and keep their pages.
    let down = owner_before[&files[1].0].clone();
    ok(&s, "POST", "/api/v1/sandbox/workers/stop", Some(json!({"id": down})));
    let id = submit(&s, "free", json!({"paths": ["/ring"]}));
    let (f, _) = wait_job(&s, "free", &id);
    let on_down: Vec<&String> = files.iter().map(|(u, _)| u).filter(|u| holders(&s, u).contains(&down)).collect();
    assert!(!on_down.is_empty());
    assert_eq!(f["failedFiles"].as_i64(), Some(on_down.len() as i64), "{f}");
    assert!(f["errorMessage"].as_object().unwrap().values().all(|m| m.as_str().unwrap().contains("OFFLINE")), "{f}");
    assert_eq!(f["freedFiles"].as_i64().unwrap() + f["failedFiles"].as_i64().unwrap(), f["totalFiles"].as_i64().unwrap());
    for (u, _) in &files {
        let h = holders(&s, u);
        assert!(h.is_empty() || h == vec![down.clone()], "{u} freed everywhere it could be: {h:?}");
    }
    assert!(f["failedBytes"].as_i64().unwrap() > 0);
    let list = std::fs::read_to_string(f["failedFileListPath"].as_str().unwrap()).unwrap();
    assert_eq!(list.lines().count(), on_down.len(), "{list}");
    assert!(list.lines().all(|l| l.starts_with("obs://ring/data/") && l.contains("OFFLINE")), "{list}");
    let with_list = ok(&s, "GET", &format!("/api/v1/free?id={id}&fileList=true"), None);
    assert_eq!(with_list["failedFileList"].as_array().unwrap().len(), on_down.len());
}
