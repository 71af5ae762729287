//! A browser's view of the sandbox's doors: a page on another origin cannot read the token or call
//! the API, a rebound DNS name gets nothing, and a console hosted on an origin granted with
//! `--allow-origin` works.

use lakedeck_e2e::{dist_dir, temp_site_dir, Extra, Harness, StaticSite, PROJECT, TOKEN};

/// The page "another web site" serves: it tries the two steps of the takeover the issue describes.
fn attack_page(sandbox: &str) -> String {
    format!(
        r#"<!doctype html><html><body><pre id="out">running</pre><script>
(async () => {{
  const out = {{}};
  try {{ const r = await fetch("{sandbox}/config.json"); out.config = "read: " + await r.text(); }}
  catch (e) {{ out.config = "blocked: " + e; }}
  try {{
    const r = await fetch("{sandbox}/v1.1/{PROJECT}/cluster_infos", {{ headers: {{ "X-Auth-Token": "{TOKEN}" }} }});
    out.api = "read: " + await r.text();
  }} catch (e) {{ out.api = "blocked: " + e; }}
  try {{
    await fetch("{sandbox}/v2/{PROJECT}/clusters", {{ method: "POST", mode: "no-cors", body: "{{}}" }});
    out.blind = "sent";
  }} catch (e) {{ out.blind = "blocked: " + e; }}
  document.getElementById("out").textContent = JSON.stringify(out);
  document.body.dataset.done = "1";
}})();
</script></body></html>"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_origin_cannot_read_the_token_or_call_the_api() {
    let h = Harness::start_with(
        700,
        Extra { chrome_args: vec!["--host-resolver-rules=MAP rebind.test 127.0.0.1".into()], ..Default::default() },
    )
    .await;
    let site_dir = temp_site_dir("attacker");
    std::fs::write(site_dir.join("index.html"), attack_page(&h.base)).unwrap();
    // `localhost` is another origin than the sandbox's `127.0.0.1`, though both are this machine.
    let site = StaticSite::serve(&site_dir, "localhost");
    h.client.goto(&format!("{}/index.html", site.url)).await.unwrap();
    h.find("body[data-done='1']").await;
    let out: serde_json::Value = serde_json::from_str(&h.text("#out").await).unwrap();
    for step in ["config", "api"] {
        let v = out[step].as_str().unwrap();
        assert!(v.starts_with("blocked"), "{step}: {v}");
    }
    // A blind write (no headers, so no preflight) carries no credentials: nothing was created.
    let count: i64 = h.db().query_row("SELECT count(*) FROM clusters", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 5, "the seeded clusters only");

    // DNS rebinding: a hostile name that resolves to 127.0.0.1 is refused outright.
    let port = h.base.rsplit(':').next().unwrap().to_string();
    h.client.goto(&format!("http://rebind.test:{port}/config.json")).await.unwrap();
    let body = h.text("body").await;
    assert!(body.contains("misdirected") && !body.contains(TOKEN), "{body}");

    // The console itself, on its own origin, keeps working with the token from config.json.
    h.goto("/clusters").await;
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;
    h.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_on_a_granted_origin_works() {
    // The bundle as a CDN would host it, with its own config.json pointing at the sandbox.
    let site_dir = temp_site_dir("cdn");
    copy_tree(&dist_dir(), &site_dir);
    let site = StaticSite::serve(&site_dir, "localhost");
    let h = Harness::start_with(
        700,
        Extra { server_args: vec!["--allow-origin".into(), site.url.clone()], ..Default::default() },
    )
    .await;
    let config = serde_json::json!({"endpoints": {"mrs": h.base}, "project_id": PROJECT, "region": "cn-north-4", "sandbox": true});
    std::fs::write(site_dir.join("config.json"), config.to_string()).unwrap();

    // No token comes with a CDN's config.json: the user enters it in Settings.
    h.client.goto(&format!("{}/settings", site.url)).await.unwrap();
    h.type_into("#settings-token", TOKEN).await;
    h.click("#settings-save").await;
    h.click("#nav-clusters").await;
    h.wait_text("tbody", "the clusters, through CORS", |t| t.contains("analytics-prod")).await;
    h.close().await;
}

/// Copies a bundle directory with its subdirectories (the translation catalogs live in `locales/`).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
