//! A user's path through the MRS cluster views, in a real Chromium against the real server and bundle.

use lakedeck_e2e::{Harness, PROJECT};

fn row(id: &str) -> String {
    format!("tr[data-cluster-id=\"{id}\"]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_watch_rename_expand_delete_and_find_in_history() {
    // One-second lifecycle steps: slow enough to watch a state change, fast enough for CI.
    let h = Harness::start(1000).await;

    // The console opens on the seeded sandbox clusters with nothing to type.
    h.goto("/").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;

    // Create a cluster in the wizard: its pickers fill from the sandbox's metadata and VPC APIs, so
    // only a name, a key pair and a password are needed.
    h.click("#create-cluster").await;
    h.type_into("#cluster_name", "e2e_cluster").await;
    h.click("#wizard-next:not([disabled])").await;
    h.find("#region").await;
    h.wait_text("#availability_zone", "zones from ListAvailableZones", |t| t.contains("cn-north-4")).await;
    h.click("#wizard-next:not([disabled])").await;
    h.type_into("#node_keypair_name", "KeyPair-lakedeck").await;
    h.type_into("#manager_admin_password", "Admin@12345").await;
    h.type_into("#manager_admin_password_confirm", "Admin@12345").await;
    h.click("#wizard-submit:not([disabled])").await;

    let detail = h.find("#cluster-detail").await;
    let id = detail.attr("data-cluster-id").await.unwrap().expect("detail carries the cluster id");
    assert!(!id.is_empty());
    h.wait_text("#cluster-title", "the new cluster's name", |t| t == "e2e_cluster").await;

    // Watch it walk from starting to running in the list.
    h.click("#nav-clusters").await;
    let chip = format!("{} .state-chip", row(&id));
    h.wait_text(&format!("{} .cluster-name", row(&id)), "the new cluster", |t| t == "e2e_cluster").await;
    let mut seen_starting = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(40);
    loop {
        let state = h.find(&chip).await.attr("data-state").await.unwrap().unwrap_or_default();
        seen_starting |= state == "starting";
        if state == "running" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "cluster never reached running; last state {state}");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    assert!(seen_starting, "the list should show the cluster starting before it runs");

    // Rename it inline on the detail page.
    h.click(&format!("{} .cluster-name", row(&id))).await;
    h.find(&format!("#cluster-detail[data-cluster-id=\"{id}\"]")).await;
    h.click("#rename-cluster").await;
    h.type_into("#rename-input", "e2e_renamed").await;
    h.click("#rename-save").await;
    h.wait_text("#cluster-title", "the new name", |t| t == "e2e_renamed").await;

    // Expand the core group by two nodes and see the count follow once scaling is done.
    let core = "tr[data-group=\"core_node_analysis_group\"]";
    let before: i64 = h.text(&format!("{core} .node-num")).await.trim().parse().expect("node count is a number");
    // The nodes table's pager says "1–5 of 5": its total, to see the table follow without a Refresh.
    let nodes_total = |t: &str| t.split(" of ").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|n| n.parse::<i64>().ok());
    let nodes_before = h.wait_text("#nodes-pager", "the nodes' total", |t| nodes_total(t).is_some()).await;
    let nodes_before = nodes_total(&nodes_before).unwrap();
    h.click(&format!("{core} .expand-group")).await;
    h.type_into("#scale-count", "2").await;
    h.click("#scale-confirm").await;
    h.wait_text(&format!("{core} .node-num"), "the expanded count", |t| t.trim() == (before + 2).to_string()).await;
    h.wait_text("#nodes-pager", "the nodes table with the new nodes", |t| nodes_total(t) == Some(nodes_before + 2)).await;
    h.find("#cluster-state[data-state=\"running\"]").await;

    // Delete with typed-name confirmation.
    h.click("#delete-cluster").await;
    h.type_into("#delete-confirm-name", "e2e_renamed").await;
    h.click("#delete-confirm").await;
    h.find("#cluster-state[data-state=\"terminated\"]").await;

    // Gone from Active, present under History.
    h.click("#nav-clusters").await;
    h.click("#tab-active").await;
    h.wait_text("tbody", "the active list", |t| t.contains("analytics-prod")).await;
    h.wait_gone(&row(&id)).await;
    h.click("#tab-history").await;
    h.find(&format!("{} .state-chip[data-state=\"terminated\"]", row(&id))).await;
    assert_eq!(h.text(&format!("{} .cluster-name", row(&id))).await, "e2e_renamed");
    let url = h.client.current_url().await.unwrap();
    assert!(url.as_str().contains("history"), "the tab is kept in the URL: {url}");
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_in_a_stored_cluster_renders_as_text() {
    let h = Harness::start(300).await;
    const PAYLOAD: &str = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
    let id: String = {
        let db = h.db();
        let id: String = db
            .query_row(
                "SELECT cluster_id FROM clusters WHERE project_id = ?1 AND json_extract(data, '$.clusterName') = 'analytics-prod'",
                [PROJECT],
                |r| r.get(0),
            )
            .expect("the seeded cluster analytics-prod exists in the store");
        let changed = db
            .execute(
                "UPDATE clusters SET data = json_set(data, '$.clusterName', ?1, '$.remark', ?1) WHERE cluster_id = ?2",
                [PAYLOAD, id.as_str()],
            )
            .expect("plant the payload");
        assert_eq!(changed, 1);
        id
    };

    h.goto("/clusters").await;
    let shown = h.wait_text(&format!("{} .cluster-name", row(&id)), "the planted name", |t| t.contains("<img")).await;
    assert_eq!(shown, PAYLOAD, "the name is shown literally");
    h.click(&format!("{} .cluster-name", row(&id))).await;
    assert_eq!(h.wait_text("#cluster-title", "the planted name", |t| t.contains("<img")).await, PAYLOAD);

    let injected = h
        .eval("return [document.querySelectorAll('img[src=\"x\"]').length, document.querySelectorAll('#cluster-detail script, tbody script').length, window.__pwned === undefined]")
        .await;
    assert_eq!(injected, serde_json::json!([0, 0, true]), "nothing from the payload became markup or ran");
    h.close().await;
}
