//! Classic EMR data development (Flow*, RPC) over HTTP: the RPC entry point at `/` next to the
//! console, both signatures, Alibaba's PascalCase errors, projects, categories, CreateFlowJob's
//! rules, clusters, and job instances that really run — with variables, retries, kill and history.

mod emr_support;
mod support;

use emr_support::*;
use serde_json::Value;
use support::{now_secs, Server};

fn project(s: &Server) -> String {
    let v = ok_json(&rpc(s, "ListFlowProject", &[("Name", "default")], &[]));
    v["Projects"]["Project"][0]["Id"].as_str().unwrap().to_string()
}

fn cluster(s: &Server, p: &str, name: &str) -> String {
    let v = ok_json(&rpc(s, "ListFlowCluster", &[("ProjectId", p)], &[]));
    let list = v["Clusters"]["ClusterInfo"].as_array().unwrap();
    list.iter().find(|c| c["Name"] == name).unwrap_or_else(|| panic!("no cluster {name}: {v}"))["Id"].as_str().unwrap().to_string()
}

fn create_job(s: &Server, p: &str, query: &[(&str, &str)], form: &[(&str, &str)]) -> String {
    let mut q = vec![("ProjectId", p)];
    q.extend_from_slice(query);
    let v = ok_json(&rpc(s, "CreateFlowJob", &q, form));
    v["Id"].as_str().unwrap().to_string()
}

fn instance(s: &Server, p: &str, id: &str) -> Value {
    ok_json(&rpc(s, "DescribeFlowNodeInstance", &[("ProjectId", p), ("Id", id)], &[]))
}

fn wait_instance(s: &Server, p: &str, id: &str) -> Value {
    poll(&format!("instance {id}"), || {
        let v = instance(s, p, id);
        ["SUCCESS", "FAILED", "KILL_SUCCESS"].contains(&v["Status"].as_str().unwrap()).then_some(v)
    })
}

fn launcher_log(s: &Server, p: &str, id: &str) -> String {
    let v = ok_json(&rpc(s, "DescribeFlowNodeInstanceLauncherLog", &[("ProjectId", p), ("NodeInstanceId", id)], &[]));
    v["LogEntrys"]["LogEntry"].as_array().unwrap().iter().map(|e| e["Content"].as_str().unwrap()).collect()
}

#[test]
fn rpc_entry_point_and_errors() {
    let s = Server::start("flow-rpc");
    // A browser's GET / is the console; an RPC call at the same place is not.
    let page = s.request("GET", "/", &[("Accept", "text/html")], None);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<html"), "{}", page.text());
    // ACS3 (Action in a header) and RPC v1 (GET and POST, everything in the query) both work.
    ok_json(&rpc(&s, "ListFlowProject", &[], &[]));
    let v = ok_json(&rpc_v1(&s, "GET", "ListFlowProject", &[("PageSize", "5")], &s.sk, None, None));
    assert_eq!((v["PageSize"].as_i64(), v["Total"].as_i64()), (Some(5), Some(1)));
    ok_json(&rpc_v1(&s, "POST", "ListFlowProject", &[], &s.sk, None, None));
    // Errors are PascalCase with RequestId and HostId.
    let m = rpc_error(&rpc_v1(&s, "GET", "ListFlowProject", &[], "wrong", None, None), 400, "SignatureDoesNotMatch");
    assert!(m.split(':').nth(1).unwrap().starts_with("GET&%2F&AccessKeyId%3D"), "{m}");
    ok_json(&rpc_v1(&s, "GET", "ListFlowProject", &[], &s.sk, Some("n-1"), None));
    rpc_error(&rpc_v1(&s, "GET", "ListFlowProject", &[], &s.sk, Some("n-1"), None), 400, "SignatureNonceUsed");
    rpc_error(&rpc_v1(&s, "GET", "ListFlowProject", &[], &s.sk, None, Some("2020-01-01T00:00:00Z")), 400, "InvalidTimeStamp.Expired");
    rpc_error(&rpc(&s, "NoSuchAction", &[], &[]), 404, "InvalidAction.NotFound");
    rpc_error(&rpc(&s, "ListFlowProject", &[("PageSize", "101")], &[]), 400, "InvalidParameter");
    rpc_error(&s.request("POST", "/", &[("X-Auth-Token", &s.token)], None), 400, "MissingParameter");
    rpc_error(&send(&s, "POST", "/", &pairs(&[("Action", "ListFlowProject")]), &[("X-Auth-Token".into(), s.token.clone())], None), 400, "MissingParameter");
    ok_json(&send(&s, "POST", "/", &pairs(&[("Action", "ListFlowProject"), ("RegionId", "cn-hangzhou")]), &[("X-Auth-Token".into(), s.token.clone())], None));
    rpc_error(&send(&s, "POST", "/", &pairs(&[("Action", "ListFlowProject"), ("RegionId", "cn-hangzhou")]), &[], None), 400, "IncompleteSignature");
    rpc_error(&send(&s, "POST", "/", &pairs(&[("Action", "ListFlowProject"), ("RegionId", "cn-hangzhou"), ("Version", "2021-03-20")]), &[("X-Auth-Token".into(), s.token.clone())], None), 400, "InvalidVersion");

    // Projects and categories.
    rpc_error(&rpc(&s, "CreateFlowProject", &[("Name", "etl")], &[]), 400, "MissingParameter");
    let p = ok_json(&rpc(&s, "CreateFlowProject", &[("Name", "etl"), ("Description", "nightly loads")], &[]))["Id"].as_str().unwrap().to_string();
    assert!(p.starts_with("FP-") && p.len() == 19, "{p}");
    rpc_error(&rpc(&s, "CreateFlowProject", &[("Name", "etl"), ("Description", "again")], &[]), 400, "InvalidParameter");
    let d = ok_json(&rpc(&s, "DescribeFlowProject", &[("ProjectId", &p)], &[]));
    assert_eq!((d["Name"].as_str(), d["Description"].as_str()), (Some("etl"), Some("nightly loads")));
    let l = ok_json(&rpc(&s, "ListFlowProject", &[("PageSize", "1"), ("PageNumber", "2")], &[]));
    assert_eq!((l["Total"].as_i64(), l["Projects"]["Project"].as_array().unwrap().len()), (Some(2), 1));
    let folder = ok_json(&rpc(&s, "CreateFlowCategory", &[("ProjectId", &p), ("Name", "daily"), ("Type", "job")], &[]))["Id"].as_str().unwrap().to_string();
    let sub = ok_json(&rpc(&s, "CreateFlowCategory", &[("ProjectId", &p), ("Name", "sub"), ("Type", "JOB"), ("ParentId", &folder)], &[]))["Id"].as_str().unwrap().to_string();
    rpc_error(&rpc(&s, "CreateFlowCategory", &[("ProjectId", &p), ("Name", "x"), ("Type", "FLOW"), ("ParentId", &folder)], &[]), 400, "InvalidParameter");
    let cats = ok_json(&rpc(&s, "ListFlowCategory", &[("ProjectId", &p), ("Root", "true")], &[]));
    assert_eq!(cats["Categories"]["Category"].as_array().unwrap().len(), 1);
    let kids = ok_json(&rpc(&s, "ListFlowCategory", &[("ProjectId", &p), ("ParentId", &folder)], &[]));
    assert_eq!(kids["Categories"]["Category"][0]["Id"], sub.as_str());
    rpc_error(&rpc(&s, "DeleteFlowCategory", &[("ProjectId", &p), ("Id", &folder)], &[]), 400, "IncorrectStatus");
    ok_json(&rpc(&s, "DeleteFlowCategory", &[("ProjectId", &p), ("Id", &sub)], &[]));
    rpc_error(&rpc(&s, "DescribeFlowProject", &[("ProjectId", "FP-0000000000000000")], &[]), 404, "InvalidProjectId.NotFound");

    // CreateFlowJob: every parameter, checked; short ones in the query, long ones in the form body.
    let base = [("Name", "job 1"), ("Type", "shell")];
    let body = [("Description", "d"), ("Params", "ls -l")];
    let job = |q: &[(&str, &str)], f: &[(&str, &str)]| {
        let mut qq = vec![("ProjectId", p.as_str())];
        qq.extend(base.iter().filter(|(k, _)| !q.iter().any(|(x, _)| x == k)));
        qq.extend_from_slice(q);
        let mut ff: Vec<(&str, &str)> = body.iter().filter(|(k, _)| !f.iter().any(|(x, _)| x == k)).copied().collect();
        ff.extend_from_slice(f);
        rpc(&s, "CreateFlowJob", &qq, &ff)
    };
    for (q, f, code) in [
        (vec![("Type", "JAVA")], vec![], "InvalidParameter"),
        (vec![("MaxRetry", "6")], vec![], "InvalidParameter"),
        (vec![("RetryInterval", "301")], vec![], "InvalidParameter"),
        (vec![("FailAct", "SKIP")], vec![], "InvalidParameter"),
        (vec![("Mode", "K8S")], vec![], "InvalidParameter"),
        (vec![("Adhoc", "perhaps")], vec![], "InvalidParameter"),
        (vec![], vec![("ParamConf", "{date:")], "InvalidParameter"),
        (vec![], vec![("CustomVariables", "[{\"value\":1}]")], "InvalidParameter"),
        (vec![], vec![("EnvConf", "[1]")], "InvalidParameter"),
        (vec![], vec![("RunConf", "{\"memory\":\"lots\"}")], "InvalidParameter"),
        (vec![], vec![("MonitorConf", "{\"inputs\":[{\"type\":\"KAFKA\"}]}")], "InvalidParameter"),
        (vec![], vec![("ResourceList.1.Path", "/etc/passwd")], "InvalidParameter"),
        (vec![], vec![("ResourceList.2.Alias", "a.jar")], "MissingParameter"),
        (vec![], vec![("Description", "")], "MissingParameter"),
        (vec![("ParentCategory", "FC-0000000000000000")], vec![], "InvalidCategoryId.NotFound"),
        (vec![("ClusterId", "C-0000000000000000")], vec![], "InvalidClusterId.NotFound"),
    ] {
        let r = job(&q, &f);
        let status = if code.ends_with(".NotFound") { 404 } else { 400 };
        rpc_error(&r, status, code);
    }
    let id = ok_json(&job(
        &[("FailAct", "continue"), ("MaxRetry", "2"), ("RetryInterval", "30"), ("Mode", "local"), ("Adhoc", "False"), ("ParentCategory", &folder)],
        &[
            ("ParamConf", r#"{"date":"${yyyy-MM-dd}"}"#),
            ("CustomVariables", r#"{"scope":"PROJECT","entityId":"FP-1","variables":[{"name":"v1","value":"1","properties":{"password":true}}]}"#),
            ("EnvConf", r#"{"KEY":"value"}"#),
            ("RunConf", r#"{"priority":1,"userName":"hadoop","memory":2048,"cores":1}"#),
            ("ResourceList.1.Path", "oss://b/a.jar"),
            ("ResourceList.1.Alias", "a.jar"),
            ("ResourceList.2.Path", "oss://b/c.jar"),
        ],
    ))["Id"]
        .as_str()
        .unwrap()
        .to_string();
    rpc_error(&job(&[], &[]), 400, "InvalidParameter");
    let d = ok_json(&rpc(&s, "DescribeFlowJob", &[("ProjectId", &p), ("Id", &id)], &[]));
    assert_eq!((d["Type"].as_str(), d["FailAct"].as_str(), d["mode"].as_str(), d["Adhoc"].as_str()), (Some("SHELL"), Some("CONTINUE"), Some("LOCAL"), Some("false")));
    assert_eq!((d["MaxRetry"].as_i64(), d["RetryInterval"].as_i64(), d["CategoryId"].as_str()), (Some(2), Some(30), Some(folder.as_str())));
    assert_eq!(d["ResourceList"]["Resource"][0], serde_json::json!({"Path": "oss://b/a.jar", "Alias": "a.jar"}));
    assert_eq!(d["Name"], "job 1");
    ok_json(&rpc(&s, "ModifyFlowJob", &[("ProjectId", &p), ("Id", &id), ("MaxRetry", "4")], &[("Params", "echo hi")]));
    let d = ok_json(&rpc(&s, "DescribeFlowJob", &[("ProjectId", &p), ("Id", &id)], &[]));
    assert_eq!((d["MaxRetry"].as_i64(), d["Params"].as_str(), d["Description"].as_str()), (Some(4), Some("echo hi"), Some("d")));
    rpc_error(&rpc(&s, "ModifyFlowJob", &[("ProjectId", &p), ("Id", &id), ("MaxRetry", "9")], &[]), 400, "InvalidParameter");
    for n in 2..=5 {
        let name = format!("extra {n}");
        create_job(&s, &p, &[("Name", &name), ("Type", if n % 2 == 0 { "HIVE_SQL" } else { "SPARK" })], &[("Description", "x")]);
    }
    let page = ok_json(&rpc(&s, "ListFlowJob", &[("ProjectId", &p), ("PageSize", "2"), ("PageNumber", "3")], &[]));
    assert_eq!((page["Total"].as_i64(), page["JobList"]["Job"].as_array().unwrap().len()), (Some(5), 1));
    let hive = ok_json(&rpc(&s, "ListFlowJob", &[("ProjectId", &p), ("Type", "hive_sql")], &[]));
    assert_eq!(hive["Total"], 2);
    let named = ok_json(&rpc(&s, "ListFlowJob", &[("ProjectId", &p), ("Name", "EXTRA")], &[]));
    assert_eq!(named["Total"], 4);
    assert!(named["JobList"]["Job"][0].get("mode").is_some());
    ok_json(&rpc(&s, "DeleteFlowJob", &[("ProjectId", &p), ("Id", &id)], &[]));
    rpc_error(&rpc(&s, "DescribeFlowJob", &[("ProjectId", &p), ("Id", &id)], &[]), 404, "InvalidJobId.NotFound");
    ok_json(&rpc(&s, "DeleteFlowProject", &[("ProjectId", &p)], &[]));
    rpc_error(&rpc(&s, "ListFlowJob", &[("ProjectId", &p)], &[]), 404, "InvalidProjectId.NotFound");
}

#[test]
fn instances_run_retry_and_are_killed() {
    let s = Server::start("flow-run");
    let p = project(&s);
    let prod = cluster(&s, &p, "emr-hadoop-prod");
    let released = cluster(&s, &p, "emr-legacy-etl");
    let clusters = ok_json(&rpc(&s, "ListFlowCluster", &[("ProjectId", &p)], &[]));
    assert_eq!(clusters["TotalCount"], 3);

    // A Spark SQL job with a date variable: SUBMITTED → RUNNING → SUCCESS, rows in the launcher log.
    let sql = "SELECT n_name FROM nation WHERE n_nationkey < ${v1} AND '${date}' <> '' ORDER BY n_nationkey";
    let job = create_job(&s, &p, &[("Name", "nations"), ("Type", "SPARK_SQL"), ("ClusterId", &prod)], &[
        ("Description", "d"),
        ("Params", sql),
        ("ParamConf", r#"{"date":"${yyyyMMdd-1d}"}"#),
        ("CustomVariables", r#"[{"name":"v1","value":"3"}]"#),
    ]);
    let fji = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &job), ("ClusterId", &prod)], &[]))["Id"].as_str().unwrap().to_string();
    assert!(fji.starts_with("FJI-"), "{fji}");
    let done = wait_instance(&s, &p, &fji);
    assert_eq!(done["Status"], "SUCCESS", "{}", launcher_log(&s, &p, &fji));
    assert_eq!((done["Retries"].as_i64(), done["Pending"].as_bool(), done["ClusterName"].as_str()), (Some(0), Some(false), Some("emr-hadoop-prod")));
    assert!(done["Duration"].as_i64().unwrap() >= 0 && done["ExternalId"].as_str().unwrap().starts_with("application_"));
    let yesterday = {
        let t = lakedeck_api::acs::format_iso8601(now_secs() - 86_400);
        format!("{}{}{}", &t[0..4], &t[5..7], &t[8..10])
    };
    assert!(done["JobParams"].as_str().unwrap().contains(&format!("'{yesterday}'")), "{done}");
    let log = launcher_log(&s, &p, &fji);
    assert!(log.contains("n_name\nALGERIA\nARGENTINA\nBRAZIL\n"), "{log}");
    assert!(log.contains("n_nationkey < 3"), "{log}");
    let tail = ok_json(&rpc(&s, "DescribeFlowNodeInstanceLauncherLog", &[("ProjectId", &p), ("NodeInstanceId", &fji), ("Lines", "1"), ("Reverse", "true")], &[]));
    assert_eq!((tail["LogEnd"].as_bool(), tail["LogEntrys"]["LogEntry"].as_array().unwrap().len()), (Some(true), 1));
    let d = ok_json(&rpc(&s, "DescribeFlowJob", &[("ProjectId", &p), ("Id", &job)], &[]));
    assert_eq!(d["LastInstanceId"], fji.as_str());

    // Retries: a failing HIVE_SQL job runs 1 + MaxRetry times, then FAILED.
    let bad = create_job(&s, &p, &[("Name", "broken"), ("Type", "HIVE_SQL"), ("MaxRetry", "2"), ("RetryInterval", "0")], &[("Description", "d"), ("Params", "SELECT * FROM no_such_table")]);
    let b = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &bad), ("ClusterId", &prod)], &[]))["Id"].as_str().unwrap().to_string();
    let r = wait_instance(&s, &p, &b);
    assert_eq!((r["Status"].as_str(), r["Retries"].as_i64(), r["MaxRetry"].as_str()), (Some("FAILED"), Some(2), Some("2")), "{r}");
    let log = launcher_log(&s, &p, &b);
    assert_eq!(log.matches("failed: Statement 1 of 1 failed").count(), 3, "{log}");
    assert!(log.contains("FailAct STOP"), "{log}");

    // Conf overrides the Params of one run; SHELL without --allow-scripts fails saying so.
    let sh = create_job(&s, &p, &[("Name", "shell"), ("Type", "SHELL")], &[("Description", "d"), ("Params", "echo hi")]);
    let i = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &sh), ("ClusterId", &prod)], &[("Conf", r#"{"params":"echo other"}"#)]))["Id"].as_str().unwrap().to_string();
    let r = wait_instance(&s, &p, &i);
    assert_eq!(r["Status"], "FAILED");
    assert!(r["ExternalInfo"].as_str().unwrap().contains("--allow-scripts") && r["JobParams"] == "echo other", "{r}");
    // Unsupported types fail with a reason; a released cluster refuses jobs.
    let mr = create_job(&s, &p, &[("Name", "mr"), ("Type", "MR")], &[("Description", "d")]);
    let i = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &mr), ("ClusterId", &prod)], &[]))["Id"].as_str().unwrap().to_string();
    assert!(wait_instance(&s, &p, &i)["ExternalInfo"].as_str().unwrap().contains("MR jobs cannot run"));
    rpc_error(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &mr), ("ClusterId", &released)], &[]), 400, "IncorrectStatus");
    rpc_error(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &mr)], &[]), 400, "MissingParameter");

    // Kill: one running instance per job; kill ends it KILL_SUCCESS; killing again is refused.
    let long = create_job(&s, &p, &[("Name", "long"), ("Type", "SPARK_SQL")], &[("Description", "d"), ("Params", "-e \"SELECT sum(a.l_quantity * b.l_quantity) FROM lineitem a CROSS JOIN lineitem b\"")]);
    let k = ok_json(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &long), ("ClusterId", &prod)], &[]))["Id"].as_str().unwrap().to_string();
    rpc_error(&rpc(&s, "SubmitFlowJob", &[("ProjectId", &p), ("JobId", &long), ("ClusterId", &prod)], &[]), 400, "IncorrectStatus");
    poll("running", || (instance(&s, &p, &k)["Status"] == "RUNNING").then_some(()));
    rpc_error(&rpc(&s, "DeleteFlowJob", &[("ProjectId", &p), ("Id", &long)], &[]), 400, "IncorrectStatus");
    let v = ok_json(&rpc(&s, "KillFlowJob", &[("ProjectId", &p), ("JobInstanceId", &k)], &[]));
    assert_eq!(v["Data"], true);
    assert_eq!(wait_instance(&s, &p, &k)["Status"], "KILL_SUCCESS");
    rpc_error(&rpc(&s, "KillFlowJob", &[("ProjectId", &p), ("JobInstanceId", &k)], &[]), 400, "IncorrectStatus");

    // History: newest first, by job, status list, type and time range, paged.
    let all = ok_json(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("PageSize", "2")], &[]));
    assert_eq!(all["Total"], 5);
    let first = &all["NodeInstances"]["NodeInstance"][0];
    assert_eq!(first["Id"], k.as_str());
    assert!(first.get("pending").is_some() && first["MaxRetry"].is_i64(), "{first}");
    let failed = ok_json(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("StatusList.1", "FAILED"), ("StatusList.2", "kill_success")], &[]));
    assert_eq!(failed["Total"], 4);
    let one = ok_json(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("Id", &job)], &[]));
    assert_eq!(one["NodeInstances"]["NodeInstance"][0]["Id"], fji.as_str());
    let typed = ok_json(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("JobType", "hive_sql")], &[]));
    assert_eq!(typed["Total"], 1);
    let range = format!(r#"{{"type":"range","from":0,"to":{}}}"#, (now_secs() - 3600) * 1000);
    assert_eq!(ok_json(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("TimeRange", &range)], &[]))["Total"], 0);
    rpc_error(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("StatusList.1", "DONE")], &[]), 400, "InvalidParameter");
    rpc_error(&rpc(&s, "ListFlowJobHistory", &[("ProjectId", &p), ("TimeRange", "{\"from\":2,\"to\":1}")], &[]), 400, "InvalidParameter");
}
