//! Settings, the error panel and keyboard shortcuts, as a user meets them in a real browser.

use fantoccini::key::Key;
use fantoccini::Locator;
use lakedeck_e2e::{Harness, TOKEN};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_shows_the_vendor_error_and_settings_recover() {
    let h = Harness::start(700).await;
    h.goto("/clusters").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;

    // `?` opens the shortcut sheet, Escape closes it; `g s` goes to Settings.
    let body = h.client.find(Locator::Css("body")).await.unwrap();
    body.send_keys("?").await.unwrap();
    h.wait_text("#shortcut-sheet", "the shortcut list", |t| t.contains("Show or hide this list")).await;
    body.send_keys(&char::from(Key::Escape).to_string()).await.unwrap();
    h.wait_gone("#shortcut-sheet").await;
    body.send_keys("gs").await.unwrap();
    h.find("#settings-token").await;
    assert!(h.client.current_url().await.unwrap().path().ends_with("/settings"));

    // A token the sandbox refuses: the list shows MRS's code, message and request id.
    h.type_into("#settings-token", "not-the-token").await;
    h.click("#settings-save").await;
    h.click("#nav-clusters").await;
    assert_eq!(h.wait_text(".error-panel .error-code", "the vendor code", |t| t.contains("12000001")).await.trim(), "12000001");
    assert!(!h.text(".error-panel .error-message").await.trim().is_empty());
    let request_id = h.text(".error-panel .request-id").await;
    assert!(request_id.chars().filter(|c| c.is_ascii_hexdigit()).count() >= 32, "request id shown: {request_id:?}");

    // The token lives in sessionStorage only, never in localStorage.
    let stored = h
        .eval("return [sessionStorage.length > 0 && Object.values(sessionStorage).some(v => v.includes('not-the-token')), Object.values(localStorage).some(v => v.includes('not-the-token'))]")
        .await;
    assert_eq!(stored, serde_json::json!([true, false]));

    // Putting the right token back recovers the list without a reload.
    h.click("#nav-settings").await;
    h.type_into("#settings-token", TOKEN).await;
    h.click("#settings-save").await;
    h.click("#nav-clusters").await;
    h.wait_text("tbody", "the clusters again", |t| t.contains("analytics-prod")).await;
    h.wait_gone(".error-panel").await;
    h.close().await;
}
