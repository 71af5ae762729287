//! The console in Chinese, in a real Chromium started with `--lang=zh-CN`: navigation, the
//! clusters list with its dates, a field error and the service's own error in Chinese, then a
//! switch to English that keeps the form's input and re-writes the dates, and the choice kept
//! in Settings across a reload.

use lakedeck_e2e::{Extra, Harness};

fn chinese() -> Extra {
    Extra { lang: Some("zh-CN".into()), ..Default::default() }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

async fn select(h: &Harness, css: &str, value: &str) {
    h.find(css).await.select_by_value(value).await.unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_speaks_chinese_and_switches_to_english_without_losing_input() {
    let h = Harness::start_with(700, chinese()).await;
    h.goto("/").await;
    assert_eq!(
        h.eval("return navigator.languages[0]").await,
        serde_json::json!("zh-CN"),
        "the browser is set up in Chinese"
    );

    // Navigation, title and the clusters list in Chinese.
    h.wait_text("#nav-clusters", "集群", |t| t.ends_with("集群")).await;
    assert!(h.text("#nav-jobs").await.ends_with("作业"));
    assert!(h.text("#nav-sql").await.ends_with("SQL 编辑器"));
    assert_eq!(h.eval("return document.documentElement.lang").await, serde_json::json!("zh-CN"));
    h.wait_text("tbody", "the seeded clusters", |t| t.contains("analytics-prod")).await;
    assert_eq!(h.eval("return document.title").await, serde_json::json!("集群 · Lakedeck"));
    let head = h.text("#clusters-panel thead").await;
    assert!(head.contains("名称") && head.contains("状态") && head.contains("创建时间"), "{head}");
    let running = "tr:has(.cluster-name) .state-chip[data-state='running'] .state-label";
    assert_eq!(h.text(running).await, "运行中");
    let created_zh = h.text("tbody tr:first-child time").await;
    assert!(created_zh.contains('年') && created_zh.contains("GMT"), "a date in Chinese with its zone: {created_zh}");
    // A new cluster: the sandbox answers its lifecycle stages in Chinese too (X-Language: zh-cn).
    h.click("#create-cluster").await;
    h.type_into("#cluster_name", "zh_cluster").await;
    h.click("#wizard-next:not([disabled])").await;
    h.find("#region").await;
    h.click("#wizard-next:not([disabled])").await;
    h.type_into("#node_keypair_name", "KeyPair-lakedeck").await;
    h.type_into("#manager_admin_password", "Admin@12345").await;
    h.type_into("#manager_admin_password_confirm", "Admin@12345").await;
    h.click("#wizard-submit:not([disabled])").await;
    let stage = h.wait_text("#cluster-state .stage", "a stage of the creation", |t| !t.is_empty()).await;
    assert!(has_cjk(&stage), "the service's stage text follows the language: {stage}");
    assert_eq!(h.text("#cluster-state .state-label").await, "启动中");

    // The create wizard: a field error from the shared rules, in Chinese.
    h.click("#nav-clusters").await;
    h.click("#create-cluster").await;
    h.wait_text("#wizard-title", "创建集群", |t| t == "创建集群").await;
    h.type_into("#cluster_name", "bad name!").await;
    let err = h.wait_text(".field-error[data-field='cluster_name']", "the name error", |t| !t.is_empty()).await;
    assert!(err.starts_with("集群名称只能包含"), "{err}");

    // A name the rules accept but the service refuses (it exists): the service's error in Chinese.
    h.type_into("#cluster_name", "analytics-prod").await;
    h.click("#wizard-next:not([disabled])").await;
    h.find("#region").await;
    h.click("#wizard-next:not([disabled])").await;
    h.type_into("#node_keypair_name", "KeyPair-lakedeck").await;
    h.type_into("#manager_admin_password", "Admin@12345").await;
    h.type_into("#manager_admin_password_confirm", "Admin@12345").await;
    h.click("#wizard-submit:not([disabled])").await;
    let panel = h.wait_text("#wizard-server-error", "the service's refusal", |t| t.contains("12000043")).await;
    assert!(panel.contains("服务拒绝创建集群"), "{panel}");
    let message = h.text("#wizard-server-error .error-message").await;
    assert!(message.contains("analytics-prod") && has_cjk(&message), "the service's own words in Chinese: {message}");

    // Switch to English in the header's settings: nothing typed is lost, the texts change.
    select(&h, "#lang-select", "en").await;
    h.wait_text("#wizard-title", "the English title", |t| t == "Create cluster").await;
    assert_eq!(h.eval("return document.documentElement.lang").await, serde_json::json!("en"));
    let panel = h.text("#wizard-server-error .error-title").await;
    assert_eq!(panel, "The service refused to create the cluster");
    assert_eq!(h.find("#manager_admin_password").await.prop("value").await.unwrap().as_deref(), Some("Admin@12345"));
    h.click("#wizard-back").await;
    h.click("#wizard-back").await;
    assert_eq!(h.find("#cluster_name").await.prop("value").await.unwrap().as_deref(), Some("analytics-prod"));
    assert!(h.text("label[for='cluster_name']").await.starts_with("Cluster name"));

    // Dates are written again in English; the choice is kept in this browser.
    h.click("#nav-clusters").await;
    h.wait_text("#clusters-panel thead", "English headers", |t| t.to_lowercase().contains("created")).await;
    let created_en = h.text("tbody tr:first-child time").await;
    assert!(!created_en.contains('年') && created_en.contains("GMT"), "{created_en}");
    assert_ne!(created_en, created_zh);
    h.goto("/settings").await;
    h.wait_text("#settings-title", "Settings", |t| t == "Settings").await;
    assert_eq!(h.find("#settings-language").await.prop("value").await.unwrap().as_deref(), Some("en"));

    // Automatic follows the browser again, without a reload.
    select(&h, "#settings-language", "auto").await;
    h.wait_text("#settings-title", "设置", |t| t == "设置").await;
    h.goto("/clusters").await;
    h.wait_text("#nav-clusters", "集群", |t| t.ends_with("集群")).await;
    h.close().await;
}
