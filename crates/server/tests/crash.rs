//! kill -9 with writes in flight: clusters created and renamed, jobs submitted, SQL executed from
//! several threads; the server is killed (SIGKILL) in the middle and started again on the same
//! data dir. Every write it acknowledged must be there, each record whole, the database intact.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{create_body, env_credentials, temp_dir, try_raw_request, Options, Server};

/// What the server confirmed before it died.
#[derive(Default)]
struct Acked {
    /// cluster id → names in the order they were set; the last acknowledged one is `names[acked]`,
    /// and one more may have been in flight.
    clusters: HashMap<String, (Vec<String>, usize)>,
    jobs: Vec<String>,
    sql: Vec<String>,
}

struct Client {
    addr: String,
    token: String,
    project: String,
}

impl Client {
    fn send(&self, method: &str, path: &str, body: &Value) -> Option<(u16, Value)> {
        let bytes = serde_json::to_vec(body).unwrap();
        let r = try_raw_request(&self.addr, method, path, &[("X-Auth-Token", &self.token), ("Content-Type", "application/json")], Some(&bytes)).ok()?;
        Some((r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null)))
    }
}

fn writer(kind: usize, c: &Client, analytics: &str, stop: &AtomicBool, acked: &Mutex<Acked>) {
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        match kind {
            0 | 1 => {
                let name = format!("crash_{kind}_{i}");
                let Some((200, v)) = c.send("POST", &format!("/v2/{}/clusters", c.project), &create_body(&name)) else { continue };
                let id = v["cluster_id"].as_str().unwrap().to_string();
                acked.lock().unwrap().clusters.insert(id.clone(), (vec![name.clone()], 0));
                for r in 1..=2 {
                    let new = format!("{name}_r{r}");
                    acked.lock().unwrap().clusters.get_mut(&id).unwrap().0.push(new.clone());
                    let path = format!("/v2/{}/clusters/{id}/cluster-name", c.project);
                    if let Some((200, _)) = c.send("PUT", &path, &json!({"cluster_name": new})) {
                        acked.lock().unwrap().clusters.get_mut(&id).unwrap().1 = r;
                    } else {
                        break;
                    }
                }
            }
            2 => {
                let path = format!("/v2/{}/clusters/{analytics}/job-executions", c.project);
                let body = json!({"job_name": format!("crash_{i}"), "job_type": "SparkSql", "arguments": ["SELECT count(*) FROM nation"]});
                if let Some((202, v)) = c.send("POST", &path, &body) {
                    acked.lock().unwrap().jobs.push(v["job_submit_result"]["job_id"].as_str().unwrap().to_string());
                }
            }
            _ => {
                let path = format!("/v2/{}/clusters/{analytics}/sql-execution", c.project);
                if let Some((200, v)) = c.send("POST", &path, &json!({"sql_type": "spark", "sql_content": "SELECT n_name FROM nation"})) {
                    acked.lock().unwrap().sql.push(v["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
}

#[test]
#[ignore = "the crash stage of scripts/test.sh runs it (cargo test --test crash -- --ignored)"]
fn every_acknowledged_write_survives_a_kill() {
    let root = temp_dir("crash");
    let opts = || Options { env: env_credentials(), step_ms: 20, ..Default::default() };
    let s = Server::start_with(&root, opts());
    let analytics = support::analytics(&s);
    let client = Arc::new(Client { addr: s.addr.clone(), token: s.token.clone(), project: s.project.clone() });
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Acked::default()));
    let threads: Vec<_> = (0..4)
        .map(|kind| {
            let (c, stop, acked, analytics) = (client.clone(), stop.clone(), acked.clone(), analytics.clone());
            std::thread::spawn(move || writer(kind, &c, &analytics, &stop, &acked))
        })
        .collect();
    // Let the writers get going, then kill the server under them.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        let a = acked.lock().unwrap();
        if a.clusters.len() >= 6 && a.jobs.len() >= 6 && a.sql.len() >= 6 {
            break;
        }
        drop(a);
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(150));
    drop(s); // Child::kill is SIGKILL: no shutdown, no flush
    stop.store(true, Ordering::SeqCst);
    for t in threads {
        t.join().unwrap();
    }
    let acked = Arc::try_unwrap(acked).ok().unwrap().into_inner().unwrap();
    assert!(acked.clusters.len() >= 3 && acked.jobs.len() >= 3 && acked.sql.len() >= 3, "too few writes acknowledged to mean anything");

    let s = Server::start_with(&root, opts());
    for (id, (names, last)) in &acked.clusters {
        let c = s.detail(id);
        let name = c["clusterName"].as_str().unwrap();
        let allowed = &names[*last..(*last + 2).min(names.len())];
        assert!(allowed.iter().any(|n| n == name), "cluster {id} is named {name}; acknowledged {:?}", &names[..=*last]);
    }
    let jobs = s.v2(&format!("clusters/{analytics}/job-executions"));
    for id in &acked.jobs {
        let r = s.get(&format!("{jobs}/{id}"));
        assert_eq!(r.status, 202, "acknowledged job {id}: {}", r.text());
        assert!(r.json()["job_detail"]["job_state"].is_string());
    }
    let sqls = s.v2(&format!("clusters/{analytics}/sql-execution"));
    for id in &acked.sql {
        let r = s.get(&format!("{sqls}/{id}"));
        assert_eq!(r.status, 200, "acknowledged statement {id}: {}", r.text());
    }
    // Every record reads whole: the lists, each cluster's detail, nodes and jobs.
    let list = s.clusters("pageSize=100&clusterState=existing");
    for c in list["clusters"].as_array().unwrap() {
        let id = c["clusterId"].as_str().unwrap();
        assert_eq!(s.get(&s.v11(&format!("cluster_infos/{id}"))).status, 200);
        assert_eq!(s.get(&s.v2(&format!("clusters/{id}/nodes"))).status, 200);
        assert_eq!(s.get(&s.v2(&format!("clusters/{id}/job-executions?limit=100"))).status, 202);
    }
    let conn = rusqlite::Connection::open_with_flags(s.data_dir.join("sandbox.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    drop(s);
    let _ = std::fs::remove_dir_all(root);
}
