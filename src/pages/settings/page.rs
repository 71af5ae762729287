//! Settings: the console's language (kept in this browser), and the MRS endpoint, project id,
//! Alibaba EMR endpoints and region, and token for this tab. Shows whether the endpoints are a
//! Lakedeck sandbox.

use leptos::prelude::*;

use crate::components::{SelectField, TextField, When};
use crate::i18n::{self, Choice, Lang};
use crate::state::session::{Overrides, SessionExt};
use crate::state::{use_session, ConfigStatus, RefreshBus, SessionStateStoreFields, Who};
use crate::{t, tr};

/// An endpoint the console can call: an absolute http(s) URL, a path on this origin, or empty
/// (this origin).
fn endpoint_ok(v: &str) -> bool {
    let v = v.trim();
    v.is_empty() || v.starts_with("http://") || v.starts_with("https://") || v.starts_with('/')
}

/// An Alibaba Cloud region id (`cn-hangzhou`, `ap-southeast-1`), or empty (the service's default).
fn region_ok(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || (v.split('-').count() >= 2
            && v.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            && v.as_bytes()[0].is_ascii_lowercase())
}

#[component]
pub fn Settings() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let mrs = RwSignal::new(session.config().with_untracked(|c| c.endpoints.mrs.clone()));
    let project = RwSignal::new(session.config().with_untracked(|c| c.project_id.clone()));
    let emr_serverless = RwSignal::new(session.config().with_untracked(|c| c.endpoints.emr_serverless.clone()));
    let emr = RwSignal::new(session.config().with_untracked(|c| c.endpoints.emr.clone()));
    let emr_region = RwSignal::new(session.config().with_untracked(|c| c.emr_region.clone()));
    let token = RwSignal::new(session.token().get_untracked());
    let show_token = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let tried = RwSignal::new(false);

    let project_error = Signal::derive(move || (tried.get() && project.with(|p| p.trim().is_empty())).then(|| t!(settings.project_required)));
    let endpoint_check = |field: RwSignal<String>| Signal::derive(move || field.with(|v| (!endpoint_ok(v)).then(|| t!(settings.endpoint_invalid))));
    let endpoint_error = endpoint_check(mrs);
    let emr_serverless_error = endpoint_check(emr_serverless);
    let emr_error = endpoint_check(emr);
    let region_error = Signal::derive(move || emr_region.with(|v| (!region_ok(v)).then(|| t!(settings.emr_region_invalid))));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        // The first field with a problem takes the focus; nothing is saved until all are right.
        let checks = [
            ("settings-mrs", endpoint_error),
            ("settings-project", project_error),
            ("settings-emr-serverless", emr_serverless_error),
            ("settings-emr", emr_error),
            ("settings-emr-region", region_error),
        ];
        if let Some((id, _)) = checks.iter().find(|(_, e)| e.get_untracked().is_some()) {
            if let Some(el) = document().get_element_by_id(id).and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok()) {
                let _ = el.focus();
            }
            return;
        }
        let overrides = Overrides {
            mrs: mrs.get_untracked(),
            project_id: project.get_untracked(),
            emr_serverless: Some(emr_serverless.get_untracked()),
            emr: Some(emr.get_untracked()),
            emr_region: Some(emr_region.get_untracked()),
        };
        session.save_settings(overrides, token.get_untracked());
        session.refresh_who();
        refresh.bump();
        saved.set(true);
    };

    let sandbox = move || session.config().with(|c| c.sandbox);
    let gateway = move || session.config().with(|c| c.gateway);
    let who = move || match session.who().get() {
        Who::User(w) => {
            let access = if w.can_write { t!(settings.can_write) } else { t!(settings.can_read) };
            let via = if w.auth == "header" { t!(settings.via_header) } else { t!(settings.via_token) };
            view! {
                <span id="settings-user">{w.user.clone()}</span>" · "
                <span class="badge" id="settings-role">{w.role.clone()}</span>
                " " {t!(settings.who_detail, access = access, via = via)}
            }
            .into_any()
        }
        Who::Refused(e) => view! {
            <span id="settings-user-error">{e.auth_advice().unwrap_or_else(|| t!(settings.who_unknown))}</span>
            " " <span class="muted small">{format!("({} {})", e.status, e.code)}</span>
        }
        .into_any(),
        Who::Unknown => view! { <span class="muted">{tr!(settings.checking)}</span> }.into_any(),
    };
    let status = move || match session.config_status().get() {
        ConfigStatus::Loading => t!(settings.config_loading),
        ConfigStatus::Loaded => t!(settings.config_loaded),
        ConfigStatus::Failed(_) => t!(settings.config_failed),
    };

    // The language: chosen here it is kept in this browser; "automatic" follows the embedding
    // host, then the browser.
    let lang_options = move || {
        let mut v = vec![("auto".to_string(), t!(app.language_auto, language = i18n::lang().native_name()))];
        v.extend(Lang::ALL.iter().map(|l| (l.tag().to_string(), l.native_name().to_string())));
        v
    };

    view! {
        <section class="page page-narrow" aria-labelledby="settings-title">
            <header class="page-head">
                <h1 id="settings-title">{tr!(nav.settings)}</h1>
            </header>
            <div class="card">
                <SelectField id="settings-language" label=tr!(app.language) value=move || i18n::choice().as_str().to_string()
                    options=lang_options on_change=Callback::new(move |v: String| i18n::choose(Choice::parse(&v)))
                    hint=tr!(settings.language_hint)/>
                <dl class="facts">
                    <dt>{tr!(settings.configuration)}</dt>
                    <dd id="settings-config-status">{status}</dd>
                    <dt>{tr!(settings.environment)}</dt>
                    <dd id="settings-sandbox">
                        {move || if sandbox() {
                            view! { <span class="badge badge-sandbox">{tr!(app.sandbox)}</span> " " {tr!(settings.sandbox_text)} }.into_any()
                        } else if gateway() {
                            view! { <span class="badge" id="settings-backend">{tr!(settings.gateway)}</span> " " {tr!(settings.gateway_text)} }.into_any()
                        } else {
                            view! { <span class="badge">{tr!(settings.cloud)}</span> " " {tr!(settings.cloud_text)} }.into_any()
                        }}
                    </dd>
                    <When when=gateway>
                        <dt>{tr!(settings.signed_in_as)}</dt>
                        <dd id="settings-who">{who}</dd>
                    </When>
                </dl>
            </div>
            <form class="card form" on:submit=on_submit novalidate=true>
                <TextField
                    id="settings-mrs"
                    label=tr!(settings.endpoint)
                    value=mrs
                    on_input=Callback::new(move |v| { mrs.set(v); saved.set(false); })
                    error=endpoint_error
                    placeholder=tr!(settings.endpoint_placeholder)
                    hint=tr!(settings.endpoint_hint)
                    input_type="url"
                />
                <TextField
                    id="settings-project"
                    label=tr!(settings.project)
                    value=project
                    on_input=Callback::new(move |v| { project.set(v); saved.set(false); })
                    error=project_error
                    required=true
                />
                <fieldset class="form-group" id="settings-emr-group">
                    <legend>{tr!(settings.emr_title)}</legend>
                    <TextField
                        id="settings-emr-serverless"
                        label=tr!(settings.emr_serverless)
                        value=emr_serverless
                        on_input=Callback::new(move |v| { emr_serverless.set(v); saved.set(false); })
                        error=emr_serverless_error
                        placeholder=tr!(settings.emr_serverless_placeholder)
                        hint=tr!(settings.emr_serverless_hint)
                        input_type="url"
                    />
                    <TextField
                        id="settings-emr"
                        label=tr!(settings.emr)
                        value=emr
                        on_input=Callback::new(move |v| { emr.set(v); saved.set(false); })
                        error=emr_error
                        placeholder=tr!(settings.emr_placeholder)
                        hint=tr!(settings.emr_hint)
                        input_type="url"
                    />
                    <TextField
                        id="settings-emr-region"
                        label=tr!(settings.emr_region)
                        value=emr_region
                        on_input=Callback::new(move |v| { emr_region.set(v); saved.set(false); })
                        error=region_error
                        placeholder=tr!(settings.emr_region_placeholder)
                        hint=tr!(settings.emr_region_hint)
                    />
                </fieldset>
                <div class="field-row">
                    <TextField
                        id="settings-token"
                        label=tr!(settings.token)
                        value=token
                        on_input=Callback::new(move |v| { token.set(v); saved.set(false); })
                        input_type="password"
                        autocomplete="off"
                        hint=tr!(settings.token_hint)
                    />
                    <label class="check">
                        <input type="checkbox" id="settings-show-token"
                            prop:checked=move || show_token.get()
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                show_token.set(on);
                                if let Some(el) = document().get_element_by_id("settings-token") {
                                    let _ = el.set_attribute("type", if on { "text" } else { "password" });
                                }
                            }/>
                        {tr!(settings.show_token)}
                    </label>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="settings-save">{tr!(common.save)}</button>
                    <When when=move || saved.get()>
                        <span class="saved" role="status">{tr!(settings.saved)}</span>

                    </When>
                </div>
            </form>
        </section>
    }
}
