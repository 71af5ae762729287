//! Settings: MRS endpoint, project id and token for this tab. Shows whether the endpoints are a
//! Lakedeck sandbox.

use leptos::prelude::*;

use crate::components::{TextField, When};
use crate::state::session::SessionExt;
use crate::state::{use_session, ConfigStatus, RefreshBus, SessionStateStoreFields, Who};

#[component]
pub fn Settings() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let mrs = RwSignal::new(session.config().with_untracked(|c| c.endpoints.mrs.clone()));
    let project = RwSignal::new(session.config().with_untracked(|c| c.project_id.clone()));
    let token = RwSignal::new(session.token().get_untracked());
    let show_token = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let tried = RwSignal::new(false);

    let project_error = Signal::derive(move || {
        (tried.get() && project.with(|p| p.trim().is_empty())).then(|| "The project id is required.".to_string())
    });
    let endpoint_error = Signal::derive(move || {
        mrs.with(|m| {
            let m = m.trim();
            (!(m.is_empty() || m.starts_with("http://") || m.starts_with("https://") || m.starts_with('/')))
                .then(|| "Use an absolute URL (https://…), a path starting with /, or leave it empty for this origin.".to_string())
        })
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if project_error.get_untracked().is_some() || endpoint_error.get_untracked().is_some() {
            return;
        }
        session.save_settings(mrs.get_untracked(), project.get_untracked(), token.get_untracked());
        session.refresh_who();
        refresh.bump();
        saved.set(true);
    };

    let sandbox = move || session.config().with(|c| c.sandbox);
    let gateway = move || session.config().with(|c| c.gateway);
    let who = move || match session.who().get() {
        Who::User(w) => {
            let via = if w.auth == "header" { "your portal's sign-in" } else { "your token" };
            let can = if w.can_write { "reads and changes" } else { "reads only" };
            view! {
                <span id="settings-user">{w.user.clone()}</span>" · "
                <span class="badge" id="settings-role">{w.role.clone()}</span>
                {format!(" ({can}; signed in with {via})")}
            }
            .into_any()
        }
        Who::Refused(e) => view! {
            <span id="settings-user-error">{e.auth_advice().unwrap_or("The gateway could not tell who you are.").to_string()}</span>
            " " <span class="muted small">{format!("({} {})", e.status, e.code)}</span>
        }
        .into_any(),
        Who::Unknown => view! { <span class="muted">"Checking…"</span> }.into_any(),
    };
    let status = move || match session.config_status().get() {
        ConfigStatus::Loading => "Loading config.json…".to_string(),
        ConfigStatus::Loaded => "Loaded from config.json (edits below apply to this tab only).".to_string(),
        ConfigStatus::Failed(_) => "config.json could not be loaded; enter the values by hand.".to_string(),
    };

    view! {
        <section class="page page-narrow" aria-labelledby="settings-title">
            <header class="page-head">
                <h1 id="settings-title">"Settings"</h1>
            </header>
            <div class="card">
                <dl class="facts">
                    <dt>"Configuration"</dt>
                    <dd id="settings-config-status">{status}</dd>
                    <dt>"Environment"</dt>
                    <dd id="settings-sandbox">
                        {move || if sandbox() {
                            view! { <span class="badge badge-sandbox">"sandbox"</span> " A local Lakedeck sandbox: data is simulated." }.into_any()
                        } else if gateway() {
                            view! {
                                <span class="badge" id="settings-backend">"gateway"</span>
                                " A Lakedeck gateway: it signs your requests to the real services, which may cost money."
                            }.into_any()
                        } else {
                            view! { <span class="badge">"cloud"</span> " Requests go to the real service and may cost money." }.into_any()
                        }}
                    </dd>
                    <When when=gateway>
                        <dt>"Signed in as"</dt>
                        <dd id="settings-who">{who}</dd>
                    </When>
                </dl>
            </div>
            <form class="card form" on:submit=on_submit novalidate=true>
                <TextField
                    id="settings-mrs"
                    label="MRS endpoint"
                    value=mrs
                    on_input=Callback::new(move |v| { mrs.set(v); saved.set(false); })
                    error=endpoint_error
                    placeholder="https://mrs.cn-north-4.myhuaweicloud.com"
                    hint="Base URL of the MRS API. Empty means the same origin as the console."
                    input_type="url"
                />
                <TextField
                    id="settings-project"
                    label="Project id"
                    value=project
                    on_input=Callback::new(move |v| { project.set(v); saved.set(false); })
                    error=project_error
                    required=true
                />
                <div class="field-row">
                    <TextField
                        id="settings-token"
                        label="Token (X-Auth-Token)"
                        value=token
                        on_input=Callback::new(move |v| { token.set(v); saved.set(false); })
                        input_type="password"
                        autocomplete="off"
                        hint="Kept in memory and in this tab's sessionStorage only; it is gone when the tab closes."
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
                        "Show token"
                    </label>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="settings-save">"Save"</button>
                    <When when=move || saved.get()>
                        <span class="saved" role="status">"Saved. Views reload with the new settings."</span>
                    </When>
                </div>
            </form>
        </section>
    }
}
