//! `/jobs/submit?cluster=…&type=…`: one form whose argument fields follow the job type, checked
//! with the service's rules (`lakedeck_api::mrs_jobs::validate_job`) before it is sent; paths can
//! be picked from the cluster's files.

use std::collections::BTreeMap;

use lakedeck_api::mrs_jobs::{validate_job, JobExecution, JobType};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::FieldError;
use lakedeck_api::units::parent_path;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::jobs::submit_job;
use crate::api::mrs::cluster_choices;
use crate::api::ApiError;
use crate::components::{described_by, ErrorPanel, FormField, SelectField, TextField};
use crate::pages::files::FilePicker;
use crate::state::session::SessionExt;
use crate::i18n::problem;
use crate::state::use_session;
use crate::{t, tr};

/// What the arguments of a job type are, shown under the type (tracked).
pub fn type_help(kind: JobType) -> String {
    match kind {
        JobType::SparkSql | JobType::HiveSql => t!(submit.help_sql),
        JobType::SparkScript | JobType::HiveScript => t!(submit.help_script),
        JobType::DistCp => t!(submit.help_distcp),
        JobType::SparkSubmit => t!(submit.help_spark_submit),
        JobType::SparkPython => t!(submit.help_spark_python),
        JobType::MapReduce => t!(submit.help_mapreduce),
        JobType::Flink => t!(submit.help_flink),
    }
}

/// The form's inputs, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobDraft {
    pub cluster: String,
    pub job_type: String,
    pub name: String,
    pub sql: String,
    pub script: String,
    pub source: String,
    pub target: String,
    /// One argument per line.
    pub args: String,
    /// `name=value` per line.
    pub properties: String,
}

impl JobDraft {
    /// The request body and every problem the form can see, with the service's messages.
    pub fn build(&self) -> (JobExecution, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut invalid = |field: &str, problem: Problem| errors.push(FieldError::new(field, "INVALID", problem));
        if self.cluster.is_empty() {
            invalid("cluster", Problem::new("job.cluster_required"));
        }
        let kind = JobType::parse(&self.job_type);
        let arguments: Vec<String> = match kind {
            Some(JobType::SparkSql | JobType::HiveSql) => vec![self.sql.trim().to_string()],
            Some(JobType::SparkScript | JobType::HiveScript) => vec![self.script.trim().to_string()],
            Some(JobType::DistCp) => vec![self.source.trim().to_string(), self.target.trim().to_string()],
            _ => self.args.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
        };
        let mut properties = BTreeMap::new();
        for (i, line) in self.properties.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match line.split_once('=') {
                Some((k, v)) => {
                    properties.insert(k.trim().to_string(), v.trim().to_string());
                }
                None => invalid("properties", Problem::new("job.property_line").with("line", i + 1)),
            }
        }
        let job = JobExecution {
            job_type: Some(self.job_type.clone()),
            job_name: Some(self.name.trim().to_string()),
            arguments: Some(arguments),
            properties: (!properties.is_empty()).then_some(properties),
        };
        errors.extend(validate_job(&job));
        (job, errors)
    }
}

/// The first problem for `field`, counting `field[i]` and `field.key` as the field.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<Problem> {
    errors
        .iter()
        .find(|e| e.field == field || e.field.strip_prefix(field).is_some_and(|rest| rest.starts_with(['[', '.'])))
        .map(|e| e.problem.clone())
}

#[component]
pub fn SubmitJob() -> impl IntoView {
    let read_only = crate::state::use_read_only();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let initial = query.with_untracked(|q| JobDraft {
        cluster: q.get("cluster").unwrap_or_default(),
        job_type: q.get("type").filter(|t| JobType::parse(t).is_some()).unwrap_or_else(|| "SparkSql".into()),
        ..Default::default()
    });
    let draft = RwSignal::new(initial);
    let shown_errors = RwSignal::new(Vec::<FieldError>::new());
    let tried = RwSignal::new(false);
    // After the first attempt, errors follow the input as it is corrected.
    crate::state::run_effect(move || {
        let d = draft.get();
        if tried.get_untracked() {
            shown_errors.set(d.build().1);
        }
    });
    let err = move |field: &'static str| Signal::derive(move || shown_errors.with(|e| error_for(e, field)).map(|p| problem(&p)));

    let clusters = LocalResource::new(move || {
        let client = session.client();
        async move { cluster_choices(&client, "running").await }
    });
    let cluster_options = Signal::derive(move || {
        let mut opts = vec![(String::new(), t!(submit.choose_cluster))];
        if let Some(Ok(list)) = clusters.get() {
            opts.extend(list);
        }
        opts
    });
    let type_options = Signal::derive(|| JobType::ALL.iter().map(|t| (t.as_str().to_string(), t.as_str().to_string())).collect::<Vec<_>>());
    let kind = Memo::new(move |_| draft.with(|d| JobType::parse(&d.job_type)).unwrap_or(JobType::SparkSql));
    let set = move |f: fn(&mut JobDraft, String)| Callback::new(move |v: String| draft.update(|d| f(d, v)));
    let value = move |f: fn(&JobDraft) -> String| Signal::derive(move || draft.with(f));

    // File picking: which field receives the path.
    let picking = RwSignal::new(None::<&'static str>);
    let on_pick = Callback::new(move |path: String| {
        match picking.get_untracked() {
            Some("script") => draft.update(|d| d.script = path),
            Some("source") => draft.update(|d| d.source = path),
            Some("target") => draft.update(|d| d.target = path),
            Some(_) => draft.update(|d| {
                if !d.args.is_empty() && !d.args.ends_with('\n') {
                    d.args.push('\n');
                }
                d.args.push_str(&path);
            }),
            None => {}
        }
        picking.set(None);
    });
    let picker_start = Signal::derive(move || {
        let current = draft.with(|d| match picking.get() {
            Some("script") => d.script.clone(),
            Some("source") => d.source.clone(),
            Some("target") => d.target.clone(),
            _ => String::new(),
        });
        if current.starts_with('/') { parent_path(&current) } else { "/".into() }
    });
    let browse = move |field: &'static str, id: &'static str| {
        view! {
            <button type="button" class="btn btn-sm" id=id disabled=move || draft.with(|d| d.cluster.is_empty())
                title=tr!(submit.browse_title) on:click=move |_| picking.set(Some(field))>
                {tr!(submit.browse)}
            </button>
        }
    };
    let path_field = move |field: &'static str, id: &'static str, label: fn() -> String, hint: fn() -> String, get: fn(&JobDraft) -> String, put: fn(&mut JobDraft, String), error: Signal<Option<String>>| {
        view! {
            <FormField id=id label=label error=error hint=hint required=true>
                <div class="input-with-button">
                    <input id=id class="input mono" type="text" placeholder=tr!(submit.path_placeholder)
                        prop:value=move || draft.with(get)
                        aria-invalid=move || error.with(Option::is_some).to_string()
                        aria-describedby=described_by(id)
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| put(d, v)); }/>
                    {browse(field, match field { "script" => "browse-script", "source" => "browse-source", _ => "browse-target" })}
                </div>
            </FormField>
        }
    };
    let textarea = move |id: &'static str, label: fn() -> String, hint: fn() -> String, rows: &'static str, get: fn(&JobDraft) -> String, put: fn(&mut JobDraft, String), error: Signal<Option<String>>, required: bool| {
        view! {
            <FormField id=id label=label error=error hint=hint required=required>
                <textarea id=id class="input mono" rows=rows spellcheck="false"
                    prop:value=move || draft.with(get)
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby=described_by(id)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| put(d, v)); }></textarea>
            </FormField>
        }
    };
    let argument_fields = move || match kind.get() {
        JobType::SparkSql | JobType::HiveSql => textarea(
            "job-sql", || t!(submit.sql), || t!(submit.sql_hint),
            "6", |d| d.sql.clone(), |d, v| d.sql = v, err("arguments"), true,
        ).into_any(),
        JobType::SparkScript | JobType::HiveScript => path_field(
            "script", "job-script", || t!(submit.script), || t!(submit.script_hint), |d| d.script.clone(), |d, v| d.script = v, err("arguments"),
        ).into_any(),
        JobType::DistCp => view! {
            {path_field("source", "job-source", || t!(submit.source), || t!(submit.source_hint), |d| d.source.clone(), |d, v| d.source = v, err("arguments"))}
            {path_field("target", "job-target", || t!(submit.target), || t!(submit.target_hint), |d| d.target.clone(), |d, v| d.target = v, Signal::derive(|| None))}
        }.into_any(),
        _ => view! {
            {textarea("job-args", || t!(submit.args), || t!(submit.args_hint), "6", |d| d.args.clone(), |d, v| d.args = v, err("arguments"), true)}
            <p><button type="button" class="btn btn-sm" id="browse-args" disabled=move || draft.with(|d| d.cluster.is_empty())
                on:click=move |_| picking.set(Some("args"))>{tr!(submit.insert_path)}</button></p>
        }.into_any(),
    };

    let submit = Action::new_local(move |job: &(String, JobExecution)| {
        let (client, (cluster, job)) = (session.client(), job.clone());
        async move { submit_job(&client, &cluster, &job).await.map(|id| (cluster, id)) }
    });
    let server_error = RwSignal::new(None::<ApiError>);
    crate::state::run_effect(move || match submit.value().get() {
        Some(Ok((cluster, id))) => navigate(&format!("/clusters/{cluster}/jobs/{id}"), Default::default()),
        Some(Err(e)) => {
            server_error.set(Some(e));
            focus_id("submit-server-error");
        }
        None => {}
    });
    // Where a field's error sends the user (the summary's links and the first focus).
    let dom_id = move |field: &str| -> &'static str {
        match field {
            "cluster" => "job-cluster",
            "job_type" => "job_type",
            "job_name" => "job_name",
            f if f.starts_with("properties") => "job-properties",
            _ => match kind.get_untracked() {
                JobType::SparkSql | JobType::HiveSql => "job-sql",
                JobType::SparkScript | JobType::HiveScript => "job-script",
                JobType::DistCp => "job-source",
                _ => "job-args",
            },
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        let d = draft.get_untracked();
        let (job, errors) = d.build();
        shown_errors.set(errors.clone());
        if errors.is_empty() {
            submit.dispatch((d.cluster, job));
        } else {
            // As the wizard does: the summary of what to fix takes the focus (it links to each field).
            focus_id("submit-summary");
        }
    };
    let summary = move || {
        let errs = shown_errors.get();
        (tried.get() && !errs.is_empty()).then(|| {
            let n = errs.len();
            view! {
                <div class="error-summary" id="submit-summary" role="alert" tabindex="-1">
                    <strong>{move || t!(submit.fix_problems, count = n)}</strong>
                    <ul>
                        {errs.into_iter().map(|e| {
                            let id = dom_id(&e.field);
                            let p = e.problem.clone();
                            view! { <li><a href=format!("#{id}") on:click=move |ev| { ev.prevent_default(); focus_id(id); }>{move || problem(&p)}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    };

    view! {
        <section class="page" aria-labelledby="submit-title">
            <header class="page-head"><h1 id="submit-title">{tr!(submit.title)}</h1></header>
            <form class="card form" id="submit-job-form" novalidate=true on:submit=on_submit>
                {summary}
                {move || clusters.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(common.clusters_failed)/> })}
                <SelectField id="job-cluster" label=tr!(jobs.cluster) value=value(|d| d.cluster.clone()) options=cluster_options
                    on_change=set(|d, v| d.cluster = v) error=err("cluster") required=true
                    hint=tr!(submit.cluster_hint)/>
                <SelectField id="job_type" label=tr!(submit.job_type) value=value(|d| d.job_type.clone()) options=type_options
                    on_change=set(|d, v| d.job_type = v) error=err("job_type") required=true/>
                <p class="hint" id="job-type-help">{move || type_help(kind.get())}</p>
                <TextField id="job_name" label=tr!(submit.job_name) value=value(|d| d.name.clone()) on_input=set(|d, v| d.name = v)
                    error=err("job_name") required=true hint=tr!(submit.job_name_hint)/>
                <span id="job-arguments-anchor"></span>
                {argument_fields}
                {textarea("job-properties", || t!(job.properties), || t!(submit.properties_hint), "3",
                    |d| d.properties.clone(), |d, v| d.properties = v, err("properties"), false)}
                {move || server_error.get().map(|e| view! {
                    <div id="submit-server-error" tabindex="-1"><ErrorPanel error=e title=tr!(submit.refused)/></div>
                })}
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="job-submit"
                        disabled=move || submit.pending().get() || read_only.with(Option::is_some) title=move || read_only.get()>
                        {move || if submit.pending().get() { t!(common.submitting) } else { t!(submit.button) }}
                    </button>

                </div>
            </form>
            <FilePicker
                open=Signal::derive(move || picking.with(Option::is_some))
                cluster_id=Memo::new(move |_| draft.with(|d| d.cluster.clone()))
                start=picker_start
                on_pick=on_pick
                on_close=Callback::new(move |_| picking.set(None))
            />
        </section>
    }
}

/// Moves the focus to the element with `id` once it is in the page (it may be rendered by the same
/// change).
fn focus_id(id: &'static str) {
    set_timeout(
        move || {
            if let Some(el) = document().get_element_by_id(id) {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}
