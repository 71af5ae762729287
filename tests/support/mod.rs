//! Helpers the browser test files share (each includes this module; not every file uses all).
#![allow(dead_code)]

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// A fresh element in the page to mount a component into; `style` sizes it ("" for none).
pub fn host_styled(style: &str) -> web_sys::HtmlElement {
    let doc = document();
    let el = doc.create_element("div").unwrap();
    if !style.is_empty() {
        el.set_attribute("style", style).unwrap();
    }
    doc.body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

pub fn host() -> web_sys::HtmlElement {
    host_styled("")
}

/// Adds the grid's stylesheet to the page once: its layout lives there, without it nothing scrolls.
pub fn with_grid_css() {
    let doc = document();
    if doc.get_element_by_id("grid-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("grid-css");
        style.set_text_content(Some(include_str!("../../style/grid.css")));
        doc.head().unwrap().append_child(&style).unwrap();
        // The console's rules apply under its root element (`.lakedeck`); here the page is the root.
        doc.body().unwrap().set_class_name("lakedeck");
    }
}

/// The decoded `key=value` pairs of a `?query`, as a lookup for the views' `from_pairs`.
pub fn query_lookup(query: &str) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), js_sys::decode_uri_component(v).unwrap().as_string().unwrap())
        })
        .collect();
    move |k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone())
}

/// Waits `ms` milliseconds (a timer, so fetches and effects run meanwhile).
pub async fn sleep_ms(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Replaces `window.fetch` with canned answers: the first route whose text occurs in the URL
/// answers 200 with its JSON; anything else is a 404 with an MRS error body.
pub fn stub_fetch(routes: &[(&str, &str)]) {
    let table: Vec<String> = routes
        .iter()
        .map(|(part, body)| format!("[{}, {}]", serde_json::to_string(part).unwrap(), serde_json::to_string(body).unwrap()))
        .collect();
    let js = format!(
        "window.__stubRoutes = [{}]; window.fetch = async function(input) {{ \
           const url = typeof input === 'string' ? input : input.url; \
           for (const [part, body] of window.__stubRoutes) {{ \
             if (url.includes(part)) return new Response(body, {{status: 200, headers: {{'Content-Type': 'application/json', 'X-Request-Id': 'stub'}}}}); \
           }} \
           return new Response(JSON.stringify({{error_code: 'STUB', error_msg: 'no stub for ' + url}}), {{status: 404}}); \
         }};",
        table.join(",")
    );
    js_sys::eval(&js).unwrap();
}

/// What the sandbox's metadata and VPC APIs answer, trimmed: for the create wizard's pickers.
pub const OFFER_ROUTES: &[(&str, &str)] = &[
    ("/metadata/versions/", r#"{"name":"MRS 3.1.0","components":[{"name":"Hadoop","version":"3.1.1"},{"name":"Spark2x","version":"3.1.1"},{"name":"Hive","version":"3.1.0"},{"name":"Tez","version":"0.9.2"},{"name":"ZooKeeper","version":"3.6.3"},{"name":"Kafka","version":"2.4.0"}],"role_deploy_meta":[{"name":"NameNode","component":"Hadoop","node_preference":"master"}]}"#),
    ("/metadata/versions", r#"{"cluster_versions":["MRS 3.0.5","MRS 3.1.0"]}"#),
    ("/available-flavor", r#"{"version_name":"MRS 3.1.0","available_flavors":[{"az_code":"cn-north-4b","az_name":"AZ2","master":[{"flavor_name":"c6.4xlarge.4.linux.bigdata"}],"core":[{"flavor_name":"c6.4xlarge.4.linux.bigdata"},{"flavor_name":"c6.2xlarge.4.linux.bigdata"}],"task":[{"flavor_name":"c6.2xlarge.4.linux.bigdata"}]}]}"#),
    ("/available-zones", r#"{"available_zones":[{"az_code":"cn-north-4a","az_name":"AZ1"},{"az_code":"cn-north-4b","az_name":"AZ2"}],"default_az_code":"cn-north-4b"}"#),
    ("/vpcs", r#"{"vpcs":[{"id":"v1","name":"vpc-team","cidr":"10.0.0.0/16"},{"id":"v2","name":"vpc-other","cidr":"10.1.0.0/16"}]}"#),
    ("/subnets", r#"{"subnets":[{"id":"s1","name":"subnet-a","cidr":"10.0.1.0/24","vpc_id":"v1"},{"id":"s2","name":"subnet-b","cidr":"10.0.2.0/24","vpc_id":"v1"}]}"#),
];

/// Makes English the console's language, with the catalogs this build ships (included here;
/// the console fetches them at run time).
pub fn english() {
    lakedeck::i18n::install(
        lakedeck::i18n::Lang::En,
        include_str!("../../locales/en.json"),
        include_str!("../../crates/api/locales/en.json"),
    )
    .expect("the English catalogs fit this build");
}

/// Makes Simplified Chinese the console's language.
pub fn chinese() {
    lakedeck::i18n::install(
        lakedeck::i18n::Lang::ZhCn,
        include_str!("../../locales/zh-CN.json"),
        include_str!("../../crates/api/locales/zh-CN.json"),
    )
    .expect("the Chinese catalogs fit this build");
}
