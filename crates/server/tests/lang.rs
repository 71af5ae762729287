//! The sandbox answers in the client's language: `X-Language: zh-cn | en-us` (the MRS
//! convention) or `Accept-Language`, for error messages (its own and the shared rules'),
//! lifecycle stage texts, component descriptions and SQL execution messages.

mod support;

use serde_json::{json, Value};
use support::{analytics, create_body, Server};

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// An API call with the sandbox token and extra headers.
fn call(s: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> support::Resp {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    let mut all = vec![("X-Auth-Token", s.token.as_str()), ("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    s.request(method, path, &all, bytes.as_deref())
}

const ZH: &[(&str, &str)] = &[("X-Language", "zh-cn")];
const EN: &[(&str, &str)] = &[("X-Language", "en-us")];

#[test]
fn answers_follow_the_request_language() {
    // Steps long enough that a new cluster is still in its first stage when it is read.
    let s = Server::start_step("lang", 60_000);

    // A missing cluster (V1.1 camelCase body): the sandbox's own words.
    let missing = s.v11("cluster_infos/00000000-0000-0000-0000-000000000000");
    let zh = call(&s, "GET", &missing, ZH, None).json();
    assert_eq!(zh["errorMsg"], "集群 00000000-0000-0000-0000-000000000000 不存在。");
    let en = call(&s, "GET", &missing, EN, None).json();
    assert_eq!(en["errorMsg"], "The cluster 00000000-0000-0000-0000-000000000000 does not exist.");
    // Accept-Language alone, and X-Language winning over it.
    let by_accept = call(&s, "GET", &missing, &[("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")], None).json();
    assert!(has_cjk(by_accept["errorMsg"].as_str().unwrap()), "{by_accept}");
    let both = call(&s, "GET", &missing, &[("X-Language", "en-us"), ("Accept-Language", "zh-CN")], None).json();
    assert_eq!(both["errorMsg"], en["errorMsg"]);
    // No language at all: English.
    assert_eq!(s.get(&missing).json()["errorMsg"], en["errorMsg"]);

    // The shared rules' problems, worded from crates/api/locales.
    let create = s.v2("clusters");
    let mut bad = create_body("bad name!");
    bad["manager_admin_password"] = "short".into();
    let r = call(&s, "POST", &create, ZH, Some(&bad));
    let msg = r.assert_error(400, "MRS.0002");
    assert!(msg.starts_with("cluster_name: 集群名称只能包含"), "{msg}");
    let r = call(&s, "POST", &create, EN, Some(&bad));
    assert!(r.assert_error(400, "MRS.0002").starts_with("cluster_name: The cluster name may contain only"));

    // A rule of the service itself: the duplicate name.
    let r = call(&s, "POST", &create, ZH, Some(&create_body("analytics-prod")));
    assert_eq!(r.assert_error(400, "12000043"), "cluster_name: 名为 analytics-prod 的集群已存在。");

    // Authentication failures too.
    let r = s.request("GET", &s.v11("cluster_infos"), &[("X-Auth-Token", "wrong"), ("X-Language", "zh-cn")], None);
    assert_eq!(r.status, 401);
    assert!(has_cjk(r.json()["error_msg"].as_str().unwrap_or_default()), "{}", r.text());

    // Stage texts and component descriptions of a new cluster.
    let r = call(&s, "POST", &create, EN, Some(&create_body("lang_demo")));
    assert_eq!(r.status, 200, "{}", r.text());
    let id = r.json()["cluster_id"].as_str().unwrap().to_string();
    let detail = s.v11(&format!("cluster_infos/{id}"));
    let zh = call(&s, "GET", &detail, ZH, None).json()["cluster"].clone();
    let en = call(&s, "GET", &detail, EN, None).json()["cluster"].clone();
    assert_eq!((en["stageDesc"].as_str(), zh["stageDesc"].as_str()), (Some("Verifying cluster parameters"), Some("校验集群参数")));
    let desc = |c: &Value| c["componentList"][0]["componentDesc"].as_str().unwrap_or_default().to_string();
    assert!(!has_cjk(&desc(&en)) && has_cjk(&desc(&zh)), "{} / {}", desc(&en), desc(&zh));
    let listed = call(&s, "GET", &s.v11("cluster_infos?clusterName=lang_demo"), ZH, None).json();
    assert_eq!(listed["clusters"][0]["stageDesc"], "校验集群参数");

    // SQL execution messages are stored in both languages and answered in the reader's.
    let cluster = analytics(&s);
    let base = s.v2(&format!("clusters/{cluster}/sql-execution"));
    let r = call(&s, "POST", &base, ZH, Some(&json!({"sql_content": "SELECT 1 AS one"})));
    assert_eq!(r.status, 200, "{}", r.text());
    let sql_id = r.json()["id"].as_str().unwrap().to_string();
    let show = format!("{base}/{sql_id}");
    let start = std::time::Instant::now();
    let zh = loop {
        let v = call(&s, "GET", &show, ZH, None).json();
        if v["status"] == "FINISHED" || v["status"] == "FAILED" {
            break v;
        }
        assert!(start.elapsed() < support::RUN_TIMEOUT, "{v}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(zh["status"], "FINISHED", "{zh}");
    assert_eq!(zh["message"], "共 1 行；content 含列名和该行");
    let en = call(&s, "GET", &show, EN, None).json();
    assert_eq!(en["message"], "1 row; content holds the column names and the row");
    // A request rule of ExecuteSql in Chinese.
    let r = call(&s, "POST", &base, ZH, Some(&json!({"sql_content": "SELECT 1; SELECT 2"})));
    assert!(r.text().contains("多条语句"), "{}", r.text());
}
