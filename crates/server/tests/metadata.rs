//! The APIs the create wizard fills its pickers from: MRS versions, version metadata, flavors,
//! availability zones, and the VPC service's VPC and subnet lists — answered from the sandbox's
//! catalog data, the same offer create requests are checked against.

mod support;

use serde_json::Value;
use support::{create_body, Server};

fn names(v: &Value, list: &str, key: &str) -> Vec<String> {
    v[list].as_array().unwrap().iter().map(|x| x[key].as_str().unwrap().to_string()).collect()
}

#[test]
fn metadata_and_vpc_lists_come_from_the_catalog() {
    let s = Server::start("metadata");
    let p = s.project.clone();

    let r = s.get(&format!("/v2/{p}/metadata/versions"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["cluster_versions"], serde_json::json!(["MRS 3.1.0", "MRS 3.1.5", "MRS 3.2.0-LTS.1", "MRS 3.3.0-LTS.1"]));
    assert_eq!(s.request("GET", &format!("/v2/{p}/metadata/versions"), &[], None).status, 401, "authenticated like every MRS call");

    let meta = s.get(&format!("/v1.1/{p}/metadata/versions/MRS%203.2.0-LTS.1")).json();
    assert_eq!(meta["name"], "MRS 3.2.0-LTS.1");
    assert_eq!(meta["version_type"], "LTS");
    let hadoop = meta["components"].as_array().unwrap().iter().find(|c| c["name"] == "Hadoop").unwrap();
    assert_eq!(hadoop["version"], "3.1.1");
    assert!(hadoop["valid_roles"].as_array().unwrap().iter().any(|r| r == "NameNode"));
    let namenode = meta["role_deploy_meta"].as_array().unwrap().iter().find(|r| r["name"] == "NameNode").unwrap();
    assert_eq!((namenode["component"].as_str(), namenode["node_preference"].as_str()), (Some("Hadoop"), Some("master")));
    s.get(&format!("/v1.1/{p}/metadata/versions/MRS%209.9")).assert_error(400, "0093");

    let fl = s.get(&format!("/v2/{p}/metadata/version/MRS%203.1.0/available-flavor")).json();
    assert_eq!(fl["version_name"], "MRS 3.1.0");
    let azs = names(&fl, "available_flavors", "az_code");
    assert!(azs.contains(&"cn-north-4a".to_string()) && azs.contains(&"cn-east-3b".to_string()), "{azs:?}");
    let one = s.get(&format!("/v2/{p}/metadata/version/MRS%203.1.0/available-flavor?availability_zone=cn-north-4b")).json();
    assert_eq!(names(&one, "available_flavors", "az_code"), vec!["cn-north-4b"]);
    let core = names(&one["available_flavors"][0], "core", "flavor_name");
    assert!(core.contains(&"c6.4xlarge.4.linux.bigdata".to_string()));
    s.get(&format!("/v2/{p}/metadata/version/MRS%203.1.0/available-flavor?availability_zone=mars-1a")).assert_error(400, "MRS.0002");
    s.get(&format!("/v2/{p}/metadata/version/nope/available-flavor")).assert_error(400, "0093");

    let z = s.get("/v1.1/cn-north-4/available-zones").json();
    assert_eq!(names(&z, "available_zones", "az_code"), vec!["cn-north-4a", "cn-north-4b", "cn-north-4c"]);
    assert_eq!((z["default_az_code"].as_str(), z["available_zones"][0]["status"].as_str()), (Some("cn-north-4a"), Some("available")));
    assert_eq!(z["available_zones"][0]["region_id"], "cn-north-4");
    s.get("/v1.1/moon-1/available-zones").assert_error(400, "12000002");

    let v = s.get(&format!("/v1/{p}/vpcs")).json();
    assert_eq!(names(&v, "vpcs", "name"), vec!["vpc-lakedeck", "vpc-analytics"]);
    let first = v["vpcs"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(names(&s.get(&format!("/v1/{p}/vpcs?limit=1")).json(), "vpcs", "name"), vec!["vpc-lakedeck"]);
    assert_eq!(names(&s.get(&format!("/v1/{p}/vpcs?limit=1&marker={first}")).json(), "vpcs", "name"), vec!["vpc-analytics"]);
    assert_eq!(names(&s.get(&format!("/v1/{p}/vpcs?id={first}")).json(), "vpcs", "name"), vec!["vpc-lakedeck"]);
    s.get(&format!("/v1/{p}/vpcs?marker=nope")).assert_error(400, "VPC.0002");
    s.get(&format!("/v1/{p}/vpcs?limit=0")).assert_error(400, "VPC.0002");

    let sub = s.get(&format!("/v1/{p}/subnets?vpc_id={first}")).json();
    assert_eq!(names(&sub, "subnets", "name"), vec!["subnet-data", "subnet-mgmt"]);
    assert_eq!(sub["subnets"][0]["vpc_id"], first.as_str());
    assert_eq!(s.get(&format!("/v1/{p}/subnets")).json()["subnets"].as_array().unwrap().len(), 3);

    // What the lists offer is what create accepts, and nothing else.
    let mut body = create_body("from_the_lists");
    body["availability_zone"] = z["available_zones"][2]["az_code"].clone();
    body["subnet_id"] = sub["subnets"][1]["id"].clone();
    let r = s.api("POST", &format!("/v2/{p}/clusters"), Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let mut bad = create_body("not_offered");
    bad["node_groups"][1]["node_size"] = "x9.99xlarge.1".into();
    let msg = s.api("POST", &format!("/v2/{p}/clusters"), Some(&bad)).assert_error(400, "MRS.0002");
    assert!(msg.contains("x9.99xlarge.1"), "{msg}");
}
