//! `/emr/flows/:project/jobs/new` and `/emr/flows/:project/jobs/:job`: a flow job's form with
//! every CreateFlowJob parameter and what it does, JSON fields checked as they are typed, a
//! resource list editor, checked with the service's rules (`FlowJobDraft`) before sending; for a
//! saved job, running it on a chosen cluster and deleting it.

use lakedeck_api::emr_flow::{ClusterInfo, FlowCategory, Resource, JOB_TYPES};
use lakedeck_api::emr_view::{check_flow_json, problem_for, FieldProblem, FlowJobDraft};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{flows_href, instance_href, instances_href};
use crate::api::emr::{create_job, delete_job, describe_job, list_categories, list_clusters, modify_job, submit_job};
use crate::api::ApiError;
use crate::components::{described_by, Dialog, ErrorPanel, FormField, SelectField, Spinner, TextField, When};
use crate::i18n::problem;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_session};
use crate::{t, tr};

/// What a job type's Params are (tracked).
pub fn params_help(kind: &str) -> String {
    match kind {
        "MR" => t!(emr_job.help_mr),
        "SPARK" => t!(emr_job.help_spark),
        "SPARK_SQL" | "HIVE_SQL" | "HIVE" => t!(emr_job.help_sql),
        "PIG" => t!(emr_job.help_pig),
        "SQOOP" => t!(emr_job.help_sqoop),
        "SPARK_STREAMING" => t!(emr_job.help_streaming),
        "SHELL" => t!(emr_job.help_shell),
        "FLINK" => t!(emr_job.help_flink),
        "STREAMING_SQL" => t!(emr_job.help_streaming_sql),
        "IMPALA_SQL" | "PRESTO_SQL" => t!(emr_job.help_engine_sql),
        "SPARK_SHELL" => t!(emr_job.help_spark_shell),
        "ZEPPELIN" => t!(emr_job.help_zeppelin),
        _ => String::new(),
    }
}

/// A cluster as a choice: `emr-spark-dev (IDLE)`.
fn cluster_options(list: &[ClusterInfo], empty: String) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), empty)];
    out.extend(list.iter().map(|c| (c.id.clone(), format!("{} ({}, {})", c.name, c.id, c.status))));
    out
}

#[component]
pub fn FlowJobPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let project = Memo::new(move |_| params.with(|p| p.get("project").unwrap_or_default()));
    let job = Memo::new(move |_| params.with(|p| p.get("job").unwrap_or_default()).filter_new());
    let existing = LocalResource::new(move || {
        let (client, p, j) = (session.client(), project.get(), job.get());
        async move { if j.is_empty() { Ok(None) } else { describe_job(&client, &p, &j).await.map(Some) } }
    });
    let clusters = LocalResource::new(move || {
        let (client, p) = (session.client(), project.get());
        async move { list_clusters(&client, &p).await.map(|r| r.clusters.cluster_info) }
    });
    let folders = LocalResource::new(move || {
        let (client, p) = (session.client(), project.get());
        async move { list_categories(&client, &p).await.map(|r| r.categories.category.into_iter().filter(|c| c.kind == "JOB").collect::<Vec<_>>()) }
    });
    let body = move || {
        let is_new = job.with(String::is_empty);
        match existing.get() {
            None => view! { <Spinner label=tr!(emr_job.loading)/> }.into_any(),
            Some(Err(e)) => view! { <ErrorPanel error=e title=tr!(emr_job.load_failed)/> }.into_any(),
            Some(Ok(found)) => {
                let last = found.as_ref().map(|j| j.last_instance_id.clone()).unwrap_or_default();
                let draft = found.as_ref().map(FlowJobDraft::from_job).unwrap_or_else(FlowJobDraft::new_job);
                let draft = RwSignal::new(draft);
                view! {
                    <JobForm
                        project=project
                        job=job
                        draft=draft
                        clusters=Signal::derive(move || clusters.get().and_then(Result::ok).unwrap_or_default())
                        folders=Signal::derive(move || folders.get().and_then(Result::ok).unwrap_or_default())
                    />
                    {(!is_new).then(|| view! {
                        <RunPanel project=project job=job clusters=Signal::derive(move || clusters.get().and_then(Result::ok).unwrap_or_default())
                            last_instance=last.clone()/>
                    })}
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="page" aria-labelledby="flow-job-title" id="flow-job-page">
            <p class="breadcrumbs"><a href=move || flows_href(&[("project", project.get())]) id="back-to-flows">{tr!(emr_job.back)}</a></p>
            <header class="page-head">
                <h1 id="flow-job-title">{move || if job.with(String::is_empty) { t!(emr_job.title_new) } else { t!(emr_job.title_edit, id = job.get()) }}</h1>
            </header>
            {body}
        </section>
    }
}

/// `new` in the path is the new-job form, not a job id.
trait FilterNew {
    fn filter_new(self) -> String;
}

impl FilterNew for String {
    fn filter_new(self) -> String {
        if self == "new" { String::new() } else { self }
    }
}

/// The job form; `job` empty creates, otherwise saves changes (ModifyFlowJob).
#[component]
pub fn JobForm(
    project: Memo<String>,
    #[prop(into)] job: Signal<String>,
    draft: RwSignal<FlowJobDraft>,
    #[prop(into)] clusters: Signal<Vec<ClusterInfo>>,
    #[prop(into)] folders: Signal<Vec<FlowCategory>>,
) -> impl IntoView {
    let ro = super::write_block();
    let session = use_session();
    let navigate = use_navigate();
    let modify = Memo::new(move |_| !job.with(String::is_empty));
    let tried = RwSignal::new(false);
    let shown = RwSignal::new(Vec::<FieldProblem>::new());
    run_effect(move || {
        let d = draft.get();
        if tried.get_untracked() {
            shown.set(d.problems(modify.get_untracked()));
        }
    });
    let err = move |field: &'static str| Signal::derive(move || shown.with(|p| problem_for(p, field).map(problem)));
    // JSON fields are checked as they are typed, whether or not the form was sent.
    let json_err = move |field: &'static str| {
        Signal::derive(move || draft.with(|d| {
            let text = match field {
                "param_conf" => &d.param_conf,
                "custom_variables" => &d.custom_variables,
                "env_conf" => &d.env_conf,
                "run_conf" => &d.run_conf,
                "monitor_conf" => &d.monitor_conf,
                _ => &d.alert_conf,
            };
            check_flow_json(field, text, &d.kind).map(|p| problem(&p))
        }))
    };
    let set = move |f: fn(&mut FlowJobDraft, String)| Callback::new(move |v: String| draft.update(|d| f(d, v)));
    let value = move |f: fn(&FlowJobDraft) -> String| Signal::derive(move || draft.with(f));
    let kind = Memo::new(move |_| draft.with(|d| d.kind.clone()));

    let saved = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(move |_: &()| {
        let (client, p, j, d) = (session.client(), project.get_untracked(), job.get_untracked(), draft.get_untracked());
        async move {
            if j.is_empty() {
                create_job(&client, &p, &d.to_params(false)).await.map(Some)
            } else {
                modify_job(&client, &p, &j, &d.to_params(true)).await.map(|_| None)
            }
        }
    });
    run_effect(move || match save.value().get() {
        Some(Ok(Some(id))) => navigate(
            &format!("/emr/flows/{}/jobs/{}", crate::api::encode_component(&project.get_untracked()), crate::api::encode_component(&id)),
            Default::default(),
        ),
        Some(Ok(None)) => saved.set(true),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    run_effect(move || {
        draft.track();
        saved.set(false);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        let problems = draft.with_untracked(|d| d.problems(modify.get_untracked()));
        shown.set(problems.clone());
        match problems.first() {
            Some((field, _)) => {
                let id = format!("flow-{}", field.replace('_', "-"));
                if let Some(el) = document().get_element_by_id(&id) {
                    el.scroll_into_view();
                }
            }
            None => {
                save.dispatch(());
            }
        }
    };

    let textarea = move |id: &'static str, label: fn() -> String, hint: fn() -> String, rows: &'static str, error: Signal<Option<String>>, get: fn(&FlowJobDraft) -> String, put: fn(&mut FlowJobDraft, String)| {
        view! {
            <FormField id=id label=Signal::derive(label) error=error hint=Signal::derive(hint)>
                <textarea id=id class="input mono" rows=rows spellcheck="false"
                    prop:value=move || draft.with(get)
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby=described_by(id)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| put(d, v)); }></textarea>
            </FormField>
        }
    };
    let types = Signal::derive(|| JOB_TYPES.iter().map(|t| (t.to_string(), t.to_string())).collect::<Vec<_>>());
    let fail_acts = Signal::derive(|| vec![("STOP".to_string(), t!(emr_job.fail_stop)), ("CONTINUE".to_string(), t!(emr_job.fail_continue))]);
    let modes = Signal::derive(|| vec![("YARN".to_string(), t!(emr_job.mode_yarn)), ("LOCAL".to_string(), t!(emr_job.mode_local))]);
    let folder_options = Signal::derive(move || {
        let mut out = vec![(String::new(), t!(emr_job.no_folder))];
        out.extend(folders.get().into_iter().map(|f| (f.id.clone(), f.name.clone())));
        out
    });
    view! {
        <form class="card form" id="flow-job-form" novalidate=true on:submit=on_submit>
            <TextField id="flow-name" label=tr!(emr_runs.name) value=value(|d| d.name.clone()) on_input=set(|d, v| d.name = v)
                error=err("name") required=true hint=tr!(emr_job.name_hint)/>
            <TextField id="flow-description" label=tr!(emr_flows.col_description) value=value(|d| d.description.clone())
                on_input=set(|d, v| d.description = v) error=err("description") required=true hint=tr!(emr_job.description_hint)/>
            <SelectField id="flow-kind" label=tr!(emr_runs.col_type) value=value(|d| d.kind.clone()) options=types
                on_change=set(|d, v| d.kind = v) error=err("kind") required=true disabled=modify hint=tr!(emr_job.type_hint)/>
            {textarea("flow-params", || t!(emr_job.params), || t!(emr_job.params_hint, example = "${name}"), "8", err("params"), |d| d.params.clone(), |d, v| d.params = v)}
            <p class="hint" id="flow-params-help">{move || params_help(&kind.get())}</p>
            <SelectField id="flow-cluster-id" label=tr!(emr_job.cluster) value=value(|d| d.cluster_id.clone())
                options=Signal::derive(move || cluster_options(&clusters.get(), t!(emr_job.no_cluster)))
                on_change=set(|d, v| d.cluster_id = v) hint=tr!(emr_job.cluster_hint)/>
            <SelectField id="flow-parent-category" label=tr!(emr_job.folder) value=value(|d| d.parent_category.clone())
                options=folder_options on_change=set(|d, v| d.parent_category = v) disabled=modify/>
            <fieldset class="form-group">
                <legend>{tr!(emr_job.on_failure)}</legend>
                <SelectField id="flow-fail-act" label=tr!(emr_job.fail_act) value=value(|d| d.fail_act.clone()) options=fail_acts
                    on_change=set(|d, v| d.fail_act = v) error=err("fail_act") hint=tr!(emr_job.fail_act_hint)/>
                <TextField id="flow-max-retry" label=tr!(emr_job.max_retry) value=value(|d| d.max_retry.clone()) on_input=set(|d, v| d.max_retry = v)
                    error=err("max_retry") input_type="number" min="0" max="5" hint=tr!(emr_job.max_retry_hint)/>
                <TextField id="flow-retry-interval" label=tr!(emr_job.retry_interval) value=value(|d| d.retry_interval.clone())
                    on_input=set(|d, v| d.retry_interval = v) error=err("retry_interval") input_type="number" min="0" max="300" hint=tr!(emr_job.retry_interval_hint)/>
                <TextField id="flow-retry-policy" label=tr!(emr_job.retry_policy) value=value(|d| d.retry_policy.clone())
                    on_input=set(|d, v| d.retry_policy = v) hint=tr!(emr_job.reserved_hint)/>
                <TextField id="flow-max-running-time-sec" label=tr!(emr_job.max_running_time) value=value(|d| d.max_running_time_sec.clone())
                    on_input=set(|d, v| d.max_running_time_sec = v) error=err("max_running_time_sec") input_type="number" min="0" hint=tr!(emr_job.max_running_time_hint)/>
            </fieldset>
            <SelectField id="flow-mode" label=tr!(emr_job.mode) value=value(|d| d.mode.clone()) options=modes on_change=set(|d, v| d.mode = v)
                error=err("mode") hint=tr!(emr_job.mode_hint)/>
            <label class="check">
                <input type="checkbox" id="flow-adhoc" prop:checked=move || draft.with(|d| d.adhoc)
                    on:change=move |ev| draft.update(|d| d.adhoc = event_target_checked(&ev))/>
                {tr!(emr_job.adhoc)}
            </label>
            <ResourceEditor draft=draft error=err("resources")/>
            <fieldset class="form-group">
                <legend>{tr!(emr_job.settings_json)}</legend>
                <p class="hint">{tr!(emr_job.json_hint)}</p>
                {textarea("flow-param-conf", || t!(emr_job.param_conf), || t!(emr_job.param_conf_hint, example = r#"{"date":"${yyyy-MM-dd}"}"#, date = "${yyyyMMdd-1d}"), "3", json_err("param_conf"), |d| d.param_conf.clone(), |d, v| d.param_conf = v)}
                {textarea("flow-custom-variables", || t!(emr_job.custom_variables), || t!(emr_job.custom_variables_hint, example = r#"[{"name":"v1","value":"1","properties":{"password":true}}]"#), "3", json_err("custom_variables"), |d| d.custom_variables.clone(), |d, v| d.custom_variables = v)}
                {textarea("flow-env-conf", || t!(emr_job.env_conf), || t!(emr_job.env_conf_hint, example = r#"{"KEY":"value"}"#), "2", json_err("env_conf"), |d| d.env_conf.clone(), |d, v| d.env_conf = v)}
                {textarea("flow-run-conf", || t!(emr_job.run_conf), || t!(emr_job.run_conf_hint, example = r#"{"priority":1,"userName":"hadoop","memory":2048,"cores":1}"#), "2", json_err("run_conf"), |d| d.run_conf.clone(), |d, v| d.run_conf = v)}
                {textarea("flow-monitor-conf", || t!(emr_job.monitor_conf), || t!(emr_job.monitor_conf_hint, example = r#"{"inputs":[{"type":"KAFKA","clusterId":"C-…","topics":"t"}],"outputs":[]}"#), "2", json_err("monitor_conf"), |d| d.monitor_conf.clone(), |d, v| d.monitor_conf = v)}
                {textarea("flow-alert-conf", || t!(emr_job.alert_conf), || t!(emr_job.reserved_hint), "2", json_err("alert_conf"), |d| d.alert_conf.clone(), |d, v| d.alert_conf = v)}
            </fieldset>
            {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(emr_job.refused)/> })}
            <When when=move || saved.get()>
                <p class="notice notice-ok" role="status" id="flow-job-saved">{tr!(emr_job.saved)}</p>
            </When>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="flow-job-save" disabled=move || save.pending().get() || ro.with(Option::is_some) title=move || ro.get()>
                    {move || match (save.pending().get(), modify.get()) {
                        (true, _) => t!(common.saving),
                        (false, true) => t!(common.save),
                        (false, false) => t!(emr_job.create),
                    }}
                </button>
            </div>
        </form>
    }
}

/// ResourceList: files the job needs (OSS or HDFS) with the name they get.
#[component]
fn ResourceEditor(draft: RwSignal<FlowJobDraft>, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| d.resources.len()));
    let row = move |i: usize| {
        let path_id = format!("resource-path-{i}");
        let alias_id = format!("resource-alias-{i}");
        view! {
            <div class="resource-row" data-row=i.to_string()>
                <label class="visually-hidden" for=path_id.clone()>{move || t!(emr_job.resource_path_n, n = i + 1)}</label>
                <input id=path_id class="input mono" type="text" placeholder=tr!(emr_job.path_placeholder)
                    prop:value=move || draft.with(|d| d.resources.get(i).map(|r| r.path.clone()).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(r) = d.resources.get_mut(i) { r.path = v }); }/>
                <label class="visually-hidden" for=alias_id.clone()>{move || t!(emr_job.resource_alias_n, n = i + 1)}</label>
                <input id=alias_id class="input mono" type="text" placeholder=tr!(emr_job.alias_placeholder)
                    prop:value=move || draft.with(|d| d.resources.get(i).map(|r| r.alias.clone()).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(r) = d.resources.get_mut(i) { r.alias = v }); }/>
                <button type="button" class="btn btn-sm btn-ghost remove-resource" aria-label=move || t!(emr_job.remove_resource, n = i + 1)
                    on:click=move |_| draft.update(|d| { if i < d.resources.len() { d.resources.remove(i); } })>
                    {tr!(common.remove)}
                </button>
            </div>
        }
    };
    view! {
        <FormField id="flow-resources" label=tr!(emr_job.resources) error=error hint=tr!(emr_job.resources_hint) group=true>
            <div class="resource-list" id="flow-resource-list">
                {move || (0..count.get()).map(row).collect_view()}
            </div>
            <button type="button" class="btn btn-sm" id="add-resource"
                on:click=move |_| draft.update(|d| d.resources.push(Resource::default()))>{tr!(emr_job.add_resource)}</button>
        </FormField>
    }
}

/// Run a saved job on a cluster (with its Params overridden for this run if wanted), go to its
/// instances, or delete it.
#[component]
fn RunPanel(project: Memo<String>, job: Memo<String>, #[prop(into)] clusters: Signal<Vec<ClusterInfo>>, last_instance: String) -> impl IntoView {
    let ro = super::write_block();
    let session = use_session();
    let navigate = use_navigate();
    let cluster = RwSignal::new(String::new());
    let override_params = RwSignal::new(String::new());
    // The first cluster that takes jobs, once the list is there.
    run_effect(move || {
        if cluster.with_untracked(String::is_empty) {
            if let Some(c) = clusters.with(|l| l.iter().find(|c| c.status != "RELEASED").map(|c| c.id.clone())) {
                cluster.set(c);
            }
        }
    });
    let run_error = RwSignal::new(None::<ApiError>);
    let run = Action::new_local(move |_: &()| {
        let (client, p, j, c, o) = (session.client(), project.get_untracked(), job.get_untracked(), cluster.get_untracked(), override_params.get_untracked());
        async move { submit_job(&client, &p, &j, &c, &o).await }
    });
    {
        let navigate = navigate.clone();
        run_effect(move || match run.value().get() {
            Some(Ok(id)) => navigate(
                &format!("/emr/flows/{}/instances/{}", crate::api::encode_component(&project.get_untracked()), crate::api::encode_component(&id)),
                Default::default(),
            ),
            Some(Err(e)) => run_error.set(Some(e)),
            None => {}
        });
    }
    let delete_open = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<ApiError>);
    let delete = Action::new_local(move |_: &()| {
        let (client, p, j) = (session.client(), project.get_untracked(), job.get_untracked());
        async move { delete_job(&client, &p, &j).await }
    });
    run_effect(move || match delete.value().get() {
        Some(Ok(_)) => navigate(&format!("/emr/flows?project={}", crate::api::encode_component(&project.get_untracked())), Default::default()),
        Some(Err(e)) => {
            delete_open.set(false);
            delete_error.set(Some(e));
        }
        None => {}
    });
    let last = (!last_instance.is_empty()).then(move || {
        let id = last_instance.clone();
        view! { <p><a id="flow-last-instance" href=move || instance_href(&project.get(), &id)>{move || t!(emr_job.last_instance, id = last_instance.clone())}</a></p> }
    });
    view! {
        <section class="card" aria-labelledby="flow-run-title" id="flow-run">
            <h2 id="flow-run-title">{tr!(emr_job.run_title)}</h2>
            <SelectField id="flow-run-cluster" label=tr!(emr_job.run_cluster) value=cluster
                options=Signal::derive(move || cluster_options(&clusters.get(), t!(emr_job.choose_cluster)))
                on_change=Callback::new(move |v| cluster.set(v)) hint=tr!(emr_job.run_cluster_hint)/>
            <FormField id="flow-run-params" label=tr!(emr_job.run_params) hint=tr!(emr_job.run_params_hint)>
                <textarea id="flow-run-params" class="input mono" rows="3" spellcheck="false" aria-describedby=described_by("flow-run-params")
                    prop:value=move || override_params.get() on:input=move |ev| override_params.set(event_target_value(&ev))></textarea>
            </FormField>
            {move || run_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(emr_job.run_refused)/> })}
            {move || delete_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(emr_job.delete_refused)/> })}
            <div class="form-actions">
                <button type="button" class="btn btn-primary" id="flow-job-run" disabled=move || run.pending().get() || cluster.with(String::is_empty) || ro.with(Option::is_some) title=move || ro.get()
                    on:click=move |_| { run_error.set(None); run.dispatch(()); }>
                    {move || if run.pending().get() { t!(emr_job.starting) } else { t!(emr_job.run) }}
                </button>
                <a class="btn" id="flow-job-instances" href=move || instances_href(&project.get(), &[("job", job.get())])>{tr!(emr_job.instances)}</a>
                <button type="button" class="btn btn-danger" id="flow-job-delete" disabled=move || ro.with(Option::is_some) title=move || ro.get() on:click=move |_| { delete_error.set(None); delete_open.set(true); }>
                    {tr!(common.delete)}
                </button>
            </div>
            {last}
            <p class="hint">{tr!(emr_job.variables_hint)}</p>
        </section>
        <Dialog open=delete_open on_close=Callback::new(move |_| delete_open.set(false)) title=tr!(emr_job.delete_title) id="delete-flow-job-dialog"
            initial_focus="#delete-flow-job-cancel">
            <p>{move || t!(emr_job.delete_text, id = job.get())}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="delete-flow-job-cancel" on:click=move |_| delete_open.set(false)>{tr!(common.cancel)}</button>
                <button type="button" class="btn btn-danger" id="delete-flow-job-confirm" disabled=move || delete.pending().get()
                    on:click=move |_| { delete.dispatch(()); }>
                    {move || if delete.pending().get() { t!(common.deleting) } else { t!(common.delete) }}
                </button>
            </div>
        </Dialog>
    }
}
