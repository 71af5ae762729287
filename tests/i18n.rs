//! The translation layer in headless Chromium: catalogs that fit the build, the order in which
//! the language is chosen, plurals and numbers from `Intl`, the shared rules' problems in both
//! languages, and views that are re-worded on a switch without losing what was typed.

use lakedeck::i18n::{self, format, resolve, Choice, Lang};
use lakedeck::pages::clusters::CreateCluster;
use lakedeck::state::{RefreshBus, Session, SessionState, Theme};
use lakedeck::{t, App};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::validate_cluster_name;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use leptos_router::components::Router;
use reactive_stores::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{chinese, english, host};

wasm_bindgen_test_configure!(run_in_browser);

const EN: &str = include_str!("../locales/en.json");
const PROBLEMS_EN: &str = include_str!("../crates/api/locales/en.json");

fn html_lang() -> String {
    document().document_element().unwrap().get_attribute("lang").unwrap_or_default()
}

#[wasm_bindgen_test]
fn only_catalogs_of_this_build_are_installed() {
    english();
    // One key less, one key more, or not an object: refused, and English stays.
    let mut map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(EN).unwrap();
    let first = map.keys().next().unwrap().clone();
    map.remove(&first);
    let fewer = serde_json::to_string(&map).unwrap();
    assert!(i18n::install(Lang::ZhCn, &fewer, PROBLEMS_EN).is_err());
    let mut map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(EN).unwrap();
    map.insert("zz.extra".into(), "x".into());
    assert!(i18n::install(Lang::ZhCn, &serde_json::to_string(&map).unwrap(), PROBLEMS_EN).is_err());
    assert!(i18n::install(Lang::ZhCn, "[]", PROBLEMS_EN).is_err());
    assert_eq!(i18n::lang_untracked(), Lang::En);
    assert_eq!(t!(nav.clusters), "Clusters");
}

#[wasm_bindgen_test]
fn catalogs_are_beside_the_page_or_under_the_bundle_a_mount_names() {
    let p = i18n::catalog_paths(Lang::ZhCn);
    assert!(p.initial.starts_with("locales/zh-CN.initial.json?v="), "{}", p.initial);
    assert!(p.views.starts_with("locales/zh-CN.views.json?v="), "{}", p.views);
    assert!(p.problems.starts_with("locales/problems/zh-CN.json?v="), "{}", p.problems);
    // What lakedeck.js passes as `assetBase` for a portal's page in another directory.
    i18n::set_catalog_base("https://portal.example.com/lakedeck/");
    let p = i18n::catalog_paths(Lang::En);
    i18n::set_catalog_base("");
    assert!(p.initial.starts_with("https://portal.example.com/lakedeck/locales/en.initial.json?v="), "{}", p.initial);
    assert!(p.views.starts_with("https://portal.example.com/lakedeck/locales/en.views.json?v="), "{}", p.views);
    assert!(p.problems.starts_with("https://portal.example.com/lakedeck/locales/problems/en.json?v="), "{}", p.problems);
}

#[wasm_bindgen_test]
fn language_tags_and_the_order_of_choices() {
    assert_eq!(Lang::from_tag("zh-Hans-CN"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_tag("zh_tw"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_tag("ZH"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
    assert_eq!(Lang::from_tag("fr-FR"), None);
    // Settings beat the host, the host beats the browser, English last.
    assert_eq!(resolve(Choice::Fixed(Lang::En), Some(Lang::ZhCn), Some(Lang::ZhCn)), Lang::En);
    assert_eq!(resolve(Choice::Auto, Some(Lang::ZhCn), Some(Lang::En)), Lang::ZhCn);
    assert_eq!(resolve(Choice::Auto, None, Some(Lang::ZhCn)), Lang::ZhCn);
    assert_eq!(resolve(Choice::Auto, None, None), Lang::En);
    for c in [Choice::Auto, Choice::Fixed(Lang::En), Choice::Fixed(Lang::ZhCn)] {
        assert_eq!(Choice::parse(c.as_str()), c);
    }
    assert_eq!((Lang::ZhCn.x_language(), Lang::En.x_language()), ("zh-cn", "en-us"));
    assert!(Lang::ZhCn.accept_language().starts_with("zh-CN"));
}

#[wasm_bindgen_test]
fn messages_plurals_and_numbers_follow_the_language() {
    english();
    assert_eq!(html_lang(), "en");
    assert_eq!(t!(grid.count, total = 1), "1 row");
    assert_eq!(t!(grid.count, total = 2), "2 rows");
    assert_eq!(t!(grid.count, total = 52113), "52,113 rows");
    assert_eq!(t!(pager.range, start = 1, end = 10, total = 1234), "1–10 of 1,234");
    assert_eq!(t!(wizard.nodes_in_groups, nodes = 1, groups = 2), "1 node in 2 groups");
    chinese();
    assert_eq!(html_lang(), "zh-CN");
    assert_eq!(t!(nav.clusters), "集群");
    assert_eq!(t!(grid.count, total = 1), "1 行");
    assert_eq!(t!(grid.count, total = 52113), "52,113 行");
    assert_eq!(t!(pager.range, start = 1, end = 10, total = 1234), "第 1–10 条，共 1,234 条");
    english();
}

#[wasm_bindgen_test]
fn the_shared_rules_problems_read_in_both_languages() {
    english();
    let p = validate_cluster_name("bad name!").unwrap_err();
    assert_eq!(p.key, "cluster.name_bad_char");
    let en = i18n::problem(&p);
    assert!(en.contains("' ' is not allowed"), "{en}");
    let many = |n: i64| Problem::new("tag.too_many").with("max", 10).with("count", n);
    assert!(i18n::problem(&many(1)).ends_with("1 was given."), "{}", i18n::problem(&many(1)));
    assert!(i18n::problem(&many(11)).ends_with("11 were given."), "{}", i18n::problem(&many(11)));
    chinese();
    let zh = i18n::problem(&p);
    assert_eq!(zh, "集群名称只能包含字母、数字、中划线（-）和下划线（_），不能包含“ ”。");
    assert_eq!(i18n::problem(&many(11)), "一个集群最多可添加 10 个标签，当前为 11 个。");
    // A key the catalog lacks shows itself with its parameters rather than nothing.
    assert_eq!(i18n::problem(&Problem::new("no.such.key").with("x", 1)), "no.such.key x=1");
    english();
}

#[wasm_bindgen_test]
fn intl_writes_numbers_sizes_durations_and_lists() {
    english();
    assert_eq!(format::number(1_234_567.0), "1,234,567");
    assert_eq!(format::percent(42.4), "42%");
    assert_eq!(format::bytes(512), "512 byte");
    assert_eq!(format::bytes(1_500), "1.5 kB");
    assert_eq!(format::bytes(3_000_000_000), "3 GB");
    assert_eq!(format::duration_ms(850), "850 ms");
    assert_eq!(format::duration_ms(12_400), "12.4 sec");
    assert_eq!(format::duration_ms(185_000), "3 min 5 sec");
    assert_eq!(format::duration_ms(7_620_000), "2 hr 7 min");
    assert_eq!(format::list(&["a".into(), "b".into(), "c".into()]), "a, b, and c");
    let zone = format::zone();
    assert!(zone.contains("GMT") || zone.contains("UTC"), "{zone}");
    chinese();
    assert_eq!(format::number(1_234_567.0), "1,234,567");
    assert_eq!(format::duration_ms(185_000), "3分钟5秒");
    assert_eq!(format::duration_ms(850), "850毫秒");
    assert!(format::bytes(1_500).starts_with("1.5"), "{}", format::bytes(1_500));
    assert_eq!(format::list(&["a".into(), "b".into(), "c".into()]), "a、b和c");
    english();
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn input(root: &web_sys::Element, sel: &str) -> web_sys::HtmlInputElement {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).unchecked_into()
}

fn text(root: &web_sys::Element, sel: &str) -> String {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_view_is_reworded_on_a_switch_and_keeps_what_was_typed() {
    chinese();
    let el = host();
    let _h = mount_to(el.clone(), || {
        let session: Session = Store::new(SessionState::new(Theme::System));
        provide_context(session);
        provide_context(RefreshBus::new());
        view! { <Router><CreateCluster/></Router> }
    });
    tick().await;
    let root: &web_sys::Element = &el;
    assert_eq!(text(root, "#wizard-title"), "创建集群");
    assert!(text(root, "#wizard-step-title").contains("软件配置"), "{}", text(root, "#wizard-step-title"));
    assert_eq!(text(root, "label[for=cluster_name]").trim_end_matches(" *"), "集群名称");
    let name = input(root, "#cluster_name");
    name.set_value("bad name!");
    name.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
    let err = text(root, ".field-error[data-field=cluster_name]");
    assert!(err.starts_with("集群名称只能包含"), "{err}");

    english();
    tick().await;
    assert_eq!(text(root, "#wizard-title"), "Create cluster");
    assert!(text(root, "#wizard-step-title").contains("Software"));
    let err = text(root, ".field-error[data-field=cluster_name]");
    assert!(err.starts_with("The cluster name may contain only"), "{err}");
    let same = input(root, "#cluster_name");
    assert!(name.is_same_node(Some(&same)), "the field was not rebuilt");
    assert_eq!(same.value(), "bad name!", "what was typed is kept");
}

#[wasm_bindgen_test]
async fn the_shell_names_views_and_shortcuts_in_chinese() {
    chinese();
    let el = host();
    let _h = mount_to(el.clone(), App);
    tick().await;
    tick().await;
    let root: &web_sys::Element = &el;
    assert_eq!(text(root, "#nav-clusters").trim_start_matches('▦'), "集群");
    assert_eq!(text(root, "#nav-jobs").trim_start_matches('≡'), "作业");
    assert_eq!(text(root, "#nav-settings").trim_start_matches('⚙'), "设置");
    assert_eq!(text(root, ".skip-link"), "跳到正文");
    // config.json is not served here, so the console goes to Settings, named in the tab's title
    // (the landing view names itself first, until the failed configuration redirects).
    for _ in 0..100 {
        if document().title() == "设置 · Lakedeck" {
            break;
        }
        sleep(20).await;
    }
    assert_eq!(document().title(), "设置 · Lakedeck");
    root.query_selector("button[aria-haspopup=dialog]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>().click();
    // The sheet's body is a chunk of its own (a plain function in this unsplit build), shown once it is in.
    let sheet_text = || root.query_selector("#shortcut-sheet").ok().flatten().and_then(|e| e.text_content()).unwrap_or_default();
    for _ in 0..100 {
        if sheet_text().contains("再按") {
            break;
        }
        sleep(20).await;
    }
    let sheet = text(root, "#shortcut-sheet");
    assert!(sheet.contains("键盘快捷键") && sheet.contains("再按") && sheet.contains("转到“集群”"), "{sheet}");
    // The language select names every language in itself.
    let options = text(root, "#lang-select");
    assert!(options.contains("English") && options.contains("简体中文"), "{options}");
    english();
    tick().await;
    assert_eq!(text(root, "#nav-clusters").trim_start_matches('▦'), "Clusters");
    assert!(text(root, "#shortcut-sheet").contains("Go to Clusters"));
}
