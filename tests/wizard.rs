//! The create wizard in a real DOM: field errors next to fields, values kept across steps.

use lakedeck::pages::clusters::CreateCluster;
use lakedeck::state::{RefreshBus, Session, SessionState, Theme};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use leptos_router::components::Router;
use reactive_stores::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{host, sleep_ms, stub_fetch, OFFER_ROUTES};

wasm_bindgen_test_configure!(run_in_browser);


fn input(root: &web_sys::Element, sel: &str) -> web_sys::HtmlInputElement {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).unchecked_into()
}

async fn type_into(root: &web_sys::Element, sel: &str, value: &str) {
    let el = input(root, sel);
    el.set_value(value);
    el.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
}

async fn click(root: &web_sys::Element, sel: &str) {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).unchecked_into::<web_sys::HtmlElement>().click();
    tick().await;
    tick().await;
}

fn field_error(root: &web_sys::Element, field: &str) -> Option<String> {
    root.query_selector(&format!(".field-error[data-field=\"{field}\"]")).unwrap().and_then(|e| e.text_content())
}

fn visible_step(root: &web_sys::Element) -> String {
    root.query_selector("#wizard-step-title").unwrap().unwrap().text_content().unwrap()
}

#[wasm_bindgen_test]
async fn wizard_validates_fields_and_keeps_values_between_steps() {
    support::english();
    stub_fetch(OFFER_ROUTES);
    let el = host();
    let _h = mount_to(el.clone(), || {
        let mut state = SessionState::new(Theme::System);
        state.config.project_id = "0123456789abcdef0123456789abcdef".into();
        state.config.region = "cn-north-4".into();
        let session: Session = Store::new(state);
        provide_context(session);
        provide_context(RefreshBus::new());
        view! { <Router><CreateCluster/></Router> }
    });
    let root: &web_sys::Element = &el;
    // The pickers fill from the service's answers: versions, components, zones, flavors, networks.
    for _ in 0..100 {
        if !input(root, "#subnet_name").value().is_empty() && input(root, "#node_groups-0-node_size").value().starts_with("c6") {
            break;
        }
        sleep_ms(20).await;
    }
    assert!(visible_step(root).contains("Software"));
    assert_eq!(input(root, "#cluster_version").value(), "MRS 3.1.0", "the newest version the service lists");
    assert_eq!(input(root, "#cluster_type").value(), "ANALYSIS");
    assert!(root.query_selector("#component-kafka").unwrap().is_some(), "components of the version, from its metadata");
    assert_eq!(input(root, "#availability_zone").value(), "cn-north-4b", "the region's default zone");
    assert_eq!((input(root, "#vpc_name").value(), input(root, "#subnet_name").value()), ("vpc-team".to_string(), "subnet-a".to_string()));

    // A bad name shows its error next to the field, tied with aria-describedby.
    type_into(root, "#cluster_name", "bad name!").await;
    let msg = field_error(root, "cluster_name").expect("name error shown");
    assert!(msg.contains("letters, digits"), "{msg}");
    assert_eq!(input(root, "#cluster_name").get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(input(root, "#cluster_name").get_attribute("aria-describedby").unwrap().contains("cluster_name-error"));

    // Next refuses while the step has errors.
    click(root, "#wizard-next").await;
    assert!(visible_step(root).contains("Software"));
    assert!(root.query_selector("#wizard-summary").unwrap().is_some());

    type_into(root, "#cluster_name", "demo_01").await;
    assert_eq!(field_error(root, "cluster_name"), None);
    click(root, "#wizard-next").await;
    assert!(visible_step(root).contains("Hardware"), "{}", visible_step(root));
    assert_eq!(input(root, "#region").value(), "cn-north-4");
    assert_eq!(input(root, "#node_groups-1-node_num").value(), "3");

    // A hardware error maps to its node-group field.
    type_into(root, "#node_groups-0-node_num", "5").await;
    assert!(field_error(root, "node_groups-0-node_num").is_some());
    type_into(root, "#node_groups-0-node_num", "2").await;
    click(root, "#wizard-next").await;
    assert!(visible_step(root).contains("Advanced"));

    type_into(root, "#manager_admin_password", "Admin@12345").await;
    type_into(root, "#manager_admin_password_confirm", "Admin@1234").await;
    assert!(field_error(root, "manager_admin_password_confirm").is_some());

    // Back twice: everything typed is still there.
    click(root, "#wizard-back").await;
    assert_eq!(input(root, "#node_groups-0-node_num").value(), "2");
    click(root, "#wizard-back").await;
    assert!(visible_step(root).contains("Software"));
    assert_eq!(input(root, "#cluster_name").value(), "demo_01");
    click(root, "#wizard-next").await;
    click(root, "#wizard-next").await;
    assert_eq!(input(root, "#manager_admin_password").value(), "Admin@12345");
    assert_eq!(input(root, "#node_keypair_name").value(), "", "the key pair is the user's to name");
}
