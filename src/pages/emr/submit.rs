//! `/emr/runs/submit?ws=…`: the StartJobRun form for SQL, JAR and PYTHON runs — entry point,
//! arguments, spark-submit parameters, configuration overrides, tags, queue, engine version and
//! timeout — checked field by field with the service's own rules (`lakedeck_api::emr_view::RunDraft`)
//! before it is sent. A client token makes a repeated click start one run, not two.

use lakedeck_api::emr::{Queue, ReleaseVersion, StartJobRunRequest, CODE_TYPES};
use lakedeck_api::emr_view::{problem_for, FieldProblem, RunDraft, SqlFrom};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::runs::queue_label;
use super::runs_link;
use crate::api::emr::{list_queues, list_release_versions, list_workspaces, start_job_run};
use crate::api::ApiError;
use crate::components::{described_by, ErrorPanel, FormField, SelectField, TextField};
use crate::i18n::problem;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session};
use crate::{t, tr};

/// A fresh idempotency token for one submission.
fn client_token() -> String {
    let r = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("lakedeck-{:08x}{:08x}{:08x}", r(), r(), js_sys::Date::now() as u64 & 0xffff_ffff)
}

/// What each code type runs, shown under the type (tracked).
pub fn code_type_help(code_type: &str) -> String {
    match code_type {
        "JAR" => t!(emr_submit.help_jar),
        "PYTHON" => t!(emr_submit.help_python),
        _ => t!(emr_submit.help_sql),
    }
}

/// `(value, label)` of the engine versions a run can use (offline ones are left out).
fn release_options(list: &[ReleaseVersion]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), t!(emr_submit.release_default))];
    out.extend(list.iter().filter(|r| !r.state.eq_ignore_ascii_case("OFFLINE")).map(|r| {
        let label = if r.display_release_version.is_empty() { r.release_version.clone() } else { r.display_release_version.clone() };
        (r.release_version.clone(), label)
    }));
    out
}

fn queue_options(list: &[Queue]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), t!(emr_submit.queue_default))];
    out.extend(list.iter().map(|q| (q.queue_name.clone(), queue_label(q))));
    out
}

#[component]
pub fn SubmitRun() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let initial = query.with_untracked(|q| RunDraft {
        workspace: q.get("ws").unwrap_or_default(),
        code_type: q.get("type").filter(|t| CODE_TYPES.contains(&t.as_str())).unwrap_or_else(|| "SQL".into()),
        queue: q.get("queue").unwrap_or_default(),
        ..Default::default()
    });
    let draft = RwSignal::new(initial);
    let workspaces = LocalResource::new(move || {
        let client = session.client();
        async move { list_workspaces(&client).await }
    });
    // No workspace given: the first one.
    run_effect(move || {
        if let Some(Ok(list)) = workspaces.get() {
            if draft.with_untracked(|d| d.workspace.is_empty()) {
                if let Some(w) = list.first() {
                    draft.update(|d| d.workspace = w.workspace_id.clone());
                }
            }
        }
    });
    let workspace = Memo::new(move |_| draft.with(|d| d.workspace.clone()));
    let queues = LocalResource::new(move || {
        let (client, ws) = (session.client(), workspace.get());
        async move { if ws.is_empty() { Ok(Vec::new()) } else { list_queues(&client, &ws).await } }
    });
    let releases = LocalResource::new(move || {
        let (client, ws) = (session.client(), workspace.get());
        async move { if ws.is_empty() { Ok(Vec::new()) } else { list_release_versions(&client, &ws).await } }
    });

    let submit: SubmitFn = std::rc::Rc::new(move |ws: String, req: StartJobRunRequest| {
        let client = session.client_untracked();
        let navigate = navigate.clone();
        Box::pin(async move {
            let id = start_job_run(&client, &ws, &req).await?;
            navigate(&format!("/emr/runs/{}/{}", crate::api::encode_component(&ws), crate::api::encode_component(&id)), Default::default());
            Ok(())
        })
    });
    view! {
        <section class="page" aria-labelledby="submit-run-title">
            <p class="breadcrumbs"><a href=move || runs_link(&workspace.get())>{tr!(emr_run.back)}</a></p>
            <header class="page-head"><h1 id="submit-run-title">{tr!(emr_submit.title)}</h1></header>
            {move || workspaces.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(emr_runs.workspaces_failed)/> })}
            <RunForm
                draft=draft
                workspaces=Signal::derive(move || workspaces.get().and_then(Result::ok).map(|l| {
                    l.iter().map(|w| (w.workspace_id.clone(), format!("{} ({})", w.workspace_name, w.workspace_id))).collect::<Vec<_>>()
                }).unwrap_or_default())
                queues=Signal::derive(move || queues.get().and_then(Result::ok).unwrap_or_default())
                releases=Signal::derive(move || releases.get().and_then(Result::ok).unwrap_or_default())
                submit=submit
            />
        </section>
    }
}

/// The form itself: pickers from the caller, the request sent by `submit` (which answers the
/// service's refusal, shown under the form). Problems show after the first attempt and then
/// follow the input as it is corrected.
/// Sends a checked request to a workspace; `Err` is the service's refusal.
pub type SubmitFn = std::rc::Rc<dyn Fn(String, StartJobRunRequest) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>>;

#[component]
pub fn RunForm(
    draft: RwSignal<RunDraft>,
    #[prop(into)] workspaces: Signal<Vec<(String, String)>>,
    #[prop(into)] queues: Signal<Vec<Queue>>,
    #[prop(into)] releases: Signal<Vec<ReleaseVersion>>,
    submit: SubmitFn,
) -> impl IntoView {
    let ro = super::write_block();
    let shown = RwSignal::new(Vec::<FieldProblem>::new());
    let tried = RwSignal::new(false);
    run_effect(move || {
        let d = draft.get();
        if tried.get_untracked() {
            shown.set(d.build().1);
        }
    });
    let token = StoredValue::new(client_token());
    // Another input is another request: a new token.
    run_effect(move || {
        draft.track();
        token.set_value(client_token());
    });
    let server_error = RwSignal::new(None::<ApiError>);
    let send = Action::new_local(move |input: &(String, StartJobRunRequest)| submit(input.0.clone(), input.1.clone()));
    run_effect(move || {
        if let Some(r) = send.value().get() {
            server_error.set(r.err());
        }
    });

    let err = move |field: &'static str| Signal::derive(move || shown.with(|p| problem_for(p, field).map(problem)));
    let set = move |f: fn(&mut RunDraft, String)| Callback::new(move |v: String| draft.update(|d| f(d, v)));
    let value = move |f: fn(&RunDraft) -> String| Signal::derive(move || draft.with(f));
    let code_type = Memo::new(move |_| draft.with(|d| d.code_type.clone()));
    let sql_from = Memo::new(move |_| draft.with(|d| d.sql_from));
    let textarea = move |id: &'static str, field: &'static str, label: fn() -> String, hint: fn() -> String, rows: &'static str, get: fn(&RunDraft) -> String, put: fn(&mut RunDraft, String), required: bool| {
        let error = err(field);
        view! {
            <FormField id=id label=Signal::derive(label) error=error hint=Signal::derive(hint) required=required>
                <textarea id=id class="input mono" rows=rows spellcheck="false"
                    prop:value=move || draft.with(get)
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby=described_by(id)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| put(d, v)); }></textarea>
            </FormField>
        }
    };
    let entry_fields = move || match code_type.get().as_str() {
        "SQL" => view! {
            <FormField id="run-sql-from" label=tr!(emr_submit.sql_from) group=true>
                <div class="radio-row" role="radiogroup" aria-labelledby="run-sql-from-label">
                    <label class="check">
                        <input type="radio" name="run-sql-from" id="run-sql-from-text" prop:checked=move || sql_from.get() == SqlFrom::Text
                            on:change=move |_| draft.update(|d| d.sql_from = SqlFrom::Text)/>
                        {tr!(emr_submit.sql_from_text)}
                    </label>
                    <label class="check">
                        <input type="radio" name="run-sql-from" id="run-sql-from-file" prop:checked=move || sql_from.get() == SqlFrom::File
                            on:change=move |_| draft.update(|d| d.sql_from = SqlFrom::File)/>
                        {tr!(emr_submit.sql_from_file)}
                    </label>
                </div>
            </FormField>
            {move || match sql_from.get() {
                SqlFrom::Text => textarea("run-sql", "sql", || t!(emr_submit.sql), || t!(emr_submit.sql_hint), "8",
                    |d| d.sql.clone(), |d, v| d.sql = v, true).into_any(),
                SqlFrom::File => view! {
                    <TextField id="run-sql-file" label=tr!(emr_submit.sql_file) value=value(|d| d.sql_file.clone())
                        on_input=set(|d, v| d.sql_file = v) error=err("sql_file") hint=tr!(emr_submit.sql_file_hint)
                        placeholder=tr!(emr_submit.sql_file_placeholder) required=true/>
                }.into_any(),
            }}
        }.into_any(),
        _ => view! {
            <TextField id="run-entry-point" label=tr!(emr_run.entry_point) value=value(|d| d.entry_point.clone())
                on_input=set(|d, v| d.entry_point = v) error=err("entry_point") required=true
                hint=Signal::derive(move || if code_type.get() == "JAR" { t!(emr_submit.entry_jar_hint) } else { t!(emr_submit.entry_py_hint) })
                placeholder=Signal::derive(move || if code_type.get() == "JAR" { t!(emr_submit.jar_placeholder) } else { t!(emr_submit.py_placeholder) })/>
            {textarea("run-arguments", "arguments", || t!(emr_run.arguments), || t!(emr_submit.arguments_hint), "4",
                |d| d.arguments.clone(), |d, v| d.arguments = v, false)}
        }.into_any(),
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        let d = draft.get_untracked();
        let (mut req, problems) = d.build();
        shown.set(problems.clone());
        if let Some((field, _)) = problems.first() {
            let id = match *field {
                "workspace" => "run-workspace",
                "code_type" => "run-code-type",
                "sql" => "run-sql",
                "sql_file" => "run-sql-file",
                "entry_point" => "run-entry-point",
                "arguments" => "run-arguments",
                "submit_parameters" => "run-submit-parameters",
                "configurations" => "run-configurations",
                "tags" => "run-tags",
                "timeout" => "run-timeout",
                _ => "run-name",
            };
            if let Some(el) = document().get_element_by_id(id) {
                el.scroll_into_view();
            }
            return;
        }
        req.client_token = Some(token.get_value());
        send.dispatch((d.workspace, req));
    };
    let types = Signal::derive(|| CODE_TYPES.iter().map(|c| (c.to_string(), c.to_string())).collect::<Vec<_>>());
    view! {
        <form class="card form" id="submit-run-form" novalidate=true on:submit=on_submit>
            <SelectField id="run-workspace" label=tr!(emr_runs.workspace) value=value(|d| d.workspace.clone())
                options=workspaces on_change=set(|d, v| { d.workspace = v; d.queue.clear(); d.release.clear(); })
                error=err("workspace") required=true/>
            <TextField id="run-name" label=tr!(emr_runs.name) value=value(|d| d.name.clone()) on_input=set(|d, v| d.name = v)
                error=err("name") hint=tr!(emr_submit.name_hint)/>
            <SelectField id="run-code-type" label=tr!(emr_submit.code_type) value=value(|d| d.code_type.clone()) options=types
                on_change=set(|d, v| d.code_type = v) error=err("code_type") required=true/>
            <p class="hint" id="run-code-type-help">{move || code_type_help(&code_type.get())}</p>
            {entry_fields}
            <TextField id="run-submit-parameters" label=tr!(emr_run.submit_parameters) value=value(|d| d.submit_parameters.clone())
                on_input=set(|d, v| d.submit_parameters = v) error=err("submit_parameters") hint=tr!(emr_submit.submit_parameters_hint)
                placeholder=tr!(emr_submit.submit_parameters_placeholder)/>
            {textarea("run-configurations", "configurations", || t!(emr_run.configurations), || t!(emr_submit.configurations_hint), "3",
                |d| d.configurations.clone(), |d, v| d.configurations = v, false)}
            {textarea("run-tags", "tags", || t!(emr_runs.tags), || t!(emr_submit.tags_hint), "2",
                |d| d.tags.clone(), |d, v| d.tags = v, false)}
            <SelectField id="run-queue" label=tr!(emr_runs.queue) value=value(|d| d.queue.clone())
                options=Signal::derive(move || queue_options(&queues.get())) on_change=set(|d, v| d.queue = v)
                hint=tr!(emr_submit.queue_hint)/>
            <SelectField id="run-release" label=tr!(emr_run.release) value=value(|d| d.release.clone())
                options=Signal::derive(move || release_options(&releases.get())) on_change=set(|d, v| d.release = v)/>
            <TextField id="run-timeout" label=tr!(emr_submit.timeout) value=value(|d| d.timeout.clone()) on_input=set(|d, v| d.timeout = v)
                error=err("timeout") hint=tr!(emr_submit.timeout_hint) input_type="number" min="0"/>
            <label class="check">
                <input type="checkbox" id="run-fusion" prop:checked=move || draft.with(|d| d.fusion)
                    on:change=move |ev| draft.update(|d| d.fusion = event_target_checked(&ev))/>
                {tr!(emr_submit.fusion)}
            </label>
            {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(emr_submit.refused)/> })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="run-submit" disabled=move || send.pending().get() || ro.with(Option::is_some) title=move || ro.get()>
                    {move || if send.pending().get() { t!(emr_submit.submitting) } else { t!(emr_runs.submit) }}
                </button>
            </div>
        </form>
    }
}
