//! The console through `lakedeck-server gateway` in front of a sandbox whose token nobody knows: only
//! the gateway's signed requests get in. An operator signs in with a token, lists clusters and
//! creates one in the wizard (filled from the metadata and VPC APIs through the gateway); a viewer
//! sees the write buttons disabled with the reason, and the gateway refuses a viewer's write.

use lakedeck_e2e::{Extra, Harness, PROJECT};

const OPERATOR: &str = "olga-token-4c1d8e2f9a7b6035";
const VIEWER: &str = "vic-token-0b9e7d6c5a4f3e21";

async fn sign_in(h: &Harness, token: &str) {
    h.goto("/settings").await;
    h.type_into("#settings-token", token).await;
    h.click("#settings-save").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_lists_and_creates_viewer_is_refused() {
    let users = vec![
        ("olga".to_string(), OPERATOR.to_string(), "operator".to_string()),
        ("vic".to_string(), VIEWER.to_string(), "viewer".to_string()),
    ];
    let h = Harness::start_with(200, Extra { gateway_users: Some(users), ..Default::default() }).await;
    assert_ne!(h.base, h.sandbox_base);

    // No token yet: the refused call says to sign in again.
    h.goto("/clusters").await;
    h.wait_text(".error-panel", "the gateway's 401 with advice", |t| t.contains("Gateway.Unauthorized") && t.contains("sign in again")).await;

    // Settings names the backend; signing in shows who and which role.
    sign_in(&h, OPERATOR).await;
    h.wait_text("#settings-sandbox", "the gateway backend", |t| t.contains("gateway")).await;
    h.wait_text("#settings-who", "the signed-in user", |t| t.contains("olga") && t.contains("operator")).await;

    // The list comes through the gateway, signed.
    h.click("#nav-clusters").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;

    // Create through the wizard: every picker from the service, through the gateway.
    h.click("#create-cluster").await;
    h.type_into("#cluster_name", "through_gateway").await;
    h.click("#wizard-next:not([disabled])").await;
    h.wait_text("#vpc_name", "VPCs from the VPC service", |t| t.contains("vpc-lakedeck")).await;
    h.click("#wizard-next:not([disabled])").await;
    h.type_into("#node_keypair_name", "KeyPair-ops").await;
    h.type_into("#manager_admin_password", "Admin@12345").await;
    h.type_into("#manager_admin_password_confirm", "Admin@12345").await;
    h.click("#wizard-submit:not([disabled])").await;
    h.wait_text("#cluster-title", "the new cluster", |t| t == "through_gateway").await;

    // A viewer: read-only notice, write buttons disabled with the reason.
    sign_in(&h, VIEWER).await;
    h.wait_text("#settings-who", "the viewer", |t| t.contains("vic") && t.contains("viewer")).await;
    h.click("#nav-clusters").await;
    h.wait_text("#read-only-notice", "the read-only notice", |t| t.contains("viewer")).await;
    h.wait_text("tbody", "the clusters, readable", |t| t.contains("through_gateway")).await;
    let create = h.find("#create-cluster").await;
    assert_eq!(create.attr("disabled").await.unwrap().as_deref(), Some("true"));
    assert!(create.attr("title").await.unwrap().unwrap_or_default().contains("operator role"));

    // And the gateway itself refuses the viewer's write, whatever the page does.
    let answer = h
        .eval(&format!(
            "return fetch('/v2/{PROJECT}/clusters', {{method: 'POST', headers: {{'X-Auth-Token': '{VIEWER}', 'Content-Type': 'application/json'}}, body: '{{}}'}})\
               .then(r => r.json().then(b => [r.status, b.error_code]))"
        ))
        .await;
    assert_eq!(answer, serde_json::json!([403, "Gateway.RoleDenied"]));
    h.close().await;
}
