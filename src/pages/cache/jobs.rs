//! `/cache/jobs`: load, free and rebalance jobs in one table — state, progress by bytes, files
//! scanned and failed, elapsed time and throughput — filtered by type and state and paged, all in
//! the URL (`?type=load&state=RUNNING&page=2&size=50`), refreshed every two seconds while a job runs (and only now and
//! then otherwise, never while the tab is hidden). Stop and resume from the row; `?submit=load`
//! (`free`, `rebalance`) opens the submit form of that type, with the mounts to pick paths from.

use std::time::Duration;

use lakedeck_api::alluxio::{JobProgress, MountPoint, WorkerNode, JOB_STATES};
use lakedeck_api::alluxio_view::{
    any_active, can_resume, can_stop, job_fraction, problem_for, scanned_files, sort_newest_first, throughput, FieldProblem, JobDraft,
    JobFilters, RebalanceDraft,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{job_href, job_state_label, kind_label, CacheTabs, JobStateChip, UsageMeter};
use crate::api::alluxio::{list_jobs, list_mounts, list_nodes, resume_job, stop_job, submit_job, submit_rebalance, JobKind};
use crate::api::{query_string, ApiError};
use crate::components::{described_by, Column, DataTable, ErrorPanel, FormField, Pager, ProgressBar, SelectField, Spinner, TextField};
use crate::i18n::{format, problem};
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_adaptive_polling, use_session, use_write_block, RefreshBus};
use crate::{t, tr};

/// The job's type as an enum (LOAD when the coordinator does not say).
pub fn kind_of(job: &JobProgress) -> JobKind {
    JobKind::parse(&job.job_type).unwrap_or(JobKind::Load)
}

/// What a job works on: its paths, its index, or (rebalance) its target worker.
pub fn job_subject(job: &JobProgress) -> String {
    if !job.paths.is_empty() {
        job.paths.join(", ")
    } else if !job.index.is_empty() {
        t!(cache.index_subject, index = job.index)
    } else {
        job.target.clone()
    }
}

/// `loaded of total` by bytes, with the percentage.
pub fn progress_text(job: &JobProgress) -> String {
    let done = lakedeck_api::alluxio_view::done_bytes(job);
    match job_fraction(job) {
        Some(f) if job.total_bytes > 0 => {
            t!(cache.progress_of, done = format::bytes(done), total = format::bytes(job.total_bytes), pct = super::pct(f))
        }
        Some(f) => super::pct(f),
        None => "—".into(),
    }
}

/// Every job of every type, newest first (each type is its own list: one failing does not hide
/// the others' jobs, its error is shown).
async fn all_jobs(client: crate::api::ApiClient) -> (Vec<JobProgress>, Vec<ApiError>) {
    let mut jobs = Vec::new();
    let mut errors = Vec::new();
    for kind in JobKind::ALL {
        match list_jobs(&client, kind).await {
            Ok(mut list) => {
                for j in &mut list {
                    if j.job_type.is_empty() {
                        j.job_type = kind.resource().to_ascii_uppercase();
                    }
                }
                jobs.extend(list);
            }
            Err(e) => errors.push(e),
        }
    }
    sort_newest_first(&mut jobs);
    (jobs, errors)
}

#[component]
pub fn CacheJobs() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let navigate = use_navigate();
    let filters = Memo::new(move |_| query.with(|m| JobFilters::from_query(|k| m.get(k))));
    let submit_kind = Memo::new(move |_| query.with(|m| m.get("submit").and_then(|k| JobKind::parse(&k))));
    let go = {
        let navigate = navigate.clone();
        Callback::new(move |(f, submit): (JobFilters, Option<JobKind>)| {
            let mut q = f.to_query();
            q.push(("submit", submit.map(|k| k.resource().to_string()).unwrap_or_default()));
            navigate(&format!("/cache/jobs{}", query_string(&q)), Default::default());
        })
    };
    let running = RwSignal::new(false);
    let tick = use_adaptive_polling(Duration::from_secs(2), running);
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        all_jobs(session.client())
    });
    run_effect(move || data.with(|d| if let Some((jobs, _)) = d { running.set(any_active(jobs)) }));
    // Only the page's rows are cloned and compared, so a poll that changed nothing on this page
    // touches no DOM.
    let page = Memo::new(move |_| {
        let f = filters.get();
        data.with(|d| d.as_ref().map(|(jobs, _)| f.page_of(jobs)).unwrap_or_default())
    });
    let rows = Signal::derive(move || page.with(|(rows, _)| rows.clone()));
    let total = Signal::derive(move || page.with(|(_, total)| *total as i64));
    let errors = Memo::new(move |_| data.with(|d| d.as_ref().map(|(_, e)| e.clone()).unwrap_or_default()));
    let busy = RwSignal::new(false);
    let ro = use_write_block();
    let open_form = move |kind: JobKind| go.run((filters.get_untracked(), Some(kind)));

    view! {
        <section class="page" aria-labelledby="cache-jobs-title" id="cache-jobs">
            <header class="page-head">
                <h1 id="cache-jobs-title">{tr!(cache.jobs_title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                    {JobKind::ALL.into_iter().map(|k| view! {
                        <button type="button" class="btn" id=format!("open-{}-form", k.resource())
                            disabled=move || ro.with(Option::is_some) title=move || ro.get()
                            on:click=move |_| open_form(k)>{move || t!(cache.new_job, kind = kind_label(k))}</button>
                    }).collect_view()}
                </div>
            </header>
            <CacheTabs current="jobs"/>
            {move || submit_kind.get().map(|k| view! {
                <JobForm kind=k on_close=Callback::new(move |_| go.run((filters.get_untracked(), None)))/>
            })}
            <JobFiltersBar filters=filters on_change=Callback::new(move |f| go.run((f, submit_kind.get_untracked())))/>
            {move || errors.get().into_iter().map(|e| view! { <ErrorPanel error=e title=tr!(cache.jobs_failed) on_retry=Callback::new(move |_| refresh.bump())/> }).collect_view()}
            <ProgressBar busy=busy/>
            <Transition fallback=|| view! { <Spinner/> } set_pending=busy.write_only()>
                {move || data.with(|_| ())}
                <JobsTable rows=rows/>
                <div class="table-foot">
                    <Pager id="jobs-pager" label=tr!(cache.job_pages) page=Signal::derive(move || filters.with(|f| f.page) as u32)
                        page_size=Signal::derive(move || filters.with(|f| f.size) as u32) total=total
                        on_page=Callback::new(move |n: u32| go.run((JobFilters { page: n as usize, ..filters.get_untracked() }, submit_kind.get_untracked())))
                        on_size=Callback::new(move |n: u32| go.run((filters.get_untracked().resized(n as usize), submit_kind.get_untracked())))/>
                </div>
            </Transition>
        </section>
    }
}

/// Type and state selects; each applies at once (the URL changes).
#[component]
fn JobFiltersBar(#[prop(into)] filters: Signal<JobFilters>, on_change: Callback<JobFilters>) -> impl IntoView {
    let types = Signal::derive(|| {
        let mut o = vec![(String::new(), t!(cache.all_types))];
        o.extend(JobKind::ALL.map(|k| (k.resource().to_string(), kind_label(k))));
        o
    });
    let states = Signal::derive(|| {
        let mut o = vec![(String::new(), t!(cache.all_states))];
        o.extend(JOB_STATES.map(|s| (s.to_string(), job_state_label(s))));
        o
    });
    view! {
        <div class="filters" role="search">
            <SelectField id="job-type-filter" label=tr!(cache.filter_type) value=Signal::derive(move || filters.with(|f| f.job_type.clone()))
                options=types on_change=Callback::new(move |v: String| on_change.run(filters.with_untracked(|f| f.refined(Some(v), None))))/>
            <SelectField id="job-state-filter" label=tr!(cache.filter_state) value=Signal::derive(move || filters.with(|f| f.state.clone()))
                options=states on_change=Callback::new(move |v: String| on_change.run(filters.with_untracked(|f| f.refined(None, Some(v)))))/>
        </div>
    }
}

/// The jobs table with stop and resume on each row.
#[component]
pub fn JobsTable(#[prop(into)] rows: Signal<Vec<JobProgress>>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let outcome = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |input: &(JobProgress, bool)| {
        let client = session.client_untracked();
        let (job, stop) = input.clone();
        async move {
            let kind = kind_of(&job);
            if stop {
                stop_job(&client, kind, &job.id).await.map(|_| ())
            } else {
                resume_job(&client, kind, &job).await.map(|_| ())
            }
        }
    });
    run_effect(move || {
        if let Some(r) = act.value().get() {
            outcome.set(r.err());
            refresh.bump();
        }
    });
    let columns = vec![
        Column::new(tr!(cache.col_job), |j: &JobProgress| {
            let kind = kind_of(j);
            let name = if j.alias.is_empty() { j.id.clone() } else { j.alias.clone() };
            view! {
                <a class="job-link" href=job_href(kind, &j.id)>{name}</a>
                <span class="muted small">" "{move || kind_label(kind)}</span>
            }
        }),
        Column::new(tr!(cache.col_subject), |j: &JobProgress| {
            let s = job_subject(j);
            let title = s.clone();
            view! { <span class="mono ellipsis" title=title>{s}</span> }
        }),
        Column::new(tr!(cache.col_state), |j: &JobProgress| {
            let state = j.state.clone();
            let running = j.running_state.clone();
            view! { <JobStateChip state=state/> {(!running.is_empty()).then(|| view! { <span class="muted small">" "{running}</span> })} }
        }),
        Column::new(tr!(cache.col_progress), |j: &JobProgress| {
            let f = job_fraction(j).unwrap_or(0.0);
            let text = progress_text(j);
            let id = j.id.clone();
            view! { <UsageMeter fraction=f text=text label=Signal::derive(move || t!(cache.progress_label, id = id)) class="job-meter"/> }
        }),
        Column::new(tr!(cache.col_files), |j: &JobProgress| {
            let (s, f) = (scanned_files(j), j.failed_files);
            view! {
                <span class="job-files" data-failed=f.to_string()>{move || t!(cache.files_text, scanned = format::count(s), failed = format::count(f))}</span>
            }
        }),
        Column::new(tr!(cache.col_elapsed), |j: &JobProgress| format::duration_ms(j.time_elapsed_milliseconds)).class("num"),
        Column::new(tr!(cache.col_throughput), |j: &JobProgress| {
            throughput(j).map(|b| t!(cache.per_second, bytes = format::bytes(b as i64))).unwrap_or_else(|| "—".into())
        })
        .class("num"),
        Column::new(String::new, move |j: &JobProgress| {
            let (stop, resume) = (can_stop(j), can_resume(j));
            let (j1, j2) = (j.clone(), j.clone());
            view! {
                {stop.then(|| view! {
                    <button type="button" class="btn btn-sm job-stop" disabled=move || ro.with(Option::is_some) || act.pending().get()
                        title=move || ro.get() on:click=move |_| { act.dispatch((j1.clone(), true)); }>{tr!(cache.stop)}</button>
                })}
                {resume.then(|| view! {
                    <button type="button" class="btn btn-sm job-resume" disabled=move || ro.with(Option::is_some) || act.pending().get()
                        title=move || ro.get() on:click=move |_| { act.dispatch((j2.clone(), false)); }>{tr!(cache.resume)}</button>
                })}
            }
        })
        .class("col-actions"),
    ];
    view! {
        {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.job_action_failed)/> })}
        <DataTable rows=rows columns=columns row_key=|j: &JobProgress| format!("{}:{}", j.job_type, j.id) key_attr="data-job"
            caption=tr!(cache.jobs_title) empty=tr!(cache.no_jobs) class="cache-jobs-table"/>
    }
}

/// The submit form of one job type. Problems show after the first attempt and then follow the
/// input; the coordinator's refusal (a 409 for a job already running on the paths) shows below.
#[component]
fn JobForm(kind: JobKind, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let ro = use_write_block();
    let mounts = LocalResource::new(move || {
        let client = session.client();
        async move { list_mounts(&client).await }
    });
    let nodes = LocalResource::new(move || {
        let client = session.client();
        async move { list_nodes(&client).await }
    });
    let mount_list = Signal::derive(move || mounts.get().and_then(Result::ok).unwrap_or_default());
    let node_list = Signal::derive(move || nodes.get().and_then(Result::ok).unwrap_or_default());
    let online = Signal::derive(move || node_list.with(|n| n.iter().filter(|n| n.state == "ONLINE").count() as i64));

    let draft = RwSignal::new(JobDraft::default());
    let rdraft = RwSignal::new(RebalanceDraft::default());
    let tried = RwSignal::new(false);
    let shown = RwSignal::new(Vec::<FieldProblem>::new());
    let check = move || -> Vec<FieldProblem> {
        match kind {
            JobKind::Rebalance => rdraft.get().build().1,
            k => draft.get().build(k == JobKind::Load, online.get()).1,
        }
    };
    run_effect(move || {
        let p = check();
        if tried.get_untracked() {
            shown.set(p);
        }
    });
    let server_error = RwSignal::new(None::<ApiError>);
    let send = Action::new_local(move |_: &()| {
        let client = session.client_untracked();
        let (d, r, workers) = (draft.get_untracked(), rdraft.get_untracked(), online.get_untracked());
        async move {
            match kind {
                JobKind::Rebalance => submit_rebalance(&client, &r.build().0).await,
                k => submit_job(&client, k, &d.build(k == JobKind::Load, workers).0).await,
            }
        }
    });
    {
        let navigate = navigate.clone();
        run_effect(move || {
            if let Some(r) = send.value().get() {
                match r {
                    Ok(done) => navigate(&format!("/cache/jobs/{}/{}", kind.resource(), crate::api::encode_component(&done.id)), Default::default()),
                    Err(e) => server_error.set(Some(e)),
                }
            }
        });
    }
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        let p = check();
        shown.set(p.clone());
        if p.is_empty() {
            send.dispatch(());
        }
    };
    let err = move |field: &'static str| Signal::derive(move || shown.with(|p| problem_for(p, field).map(problem)));
    let set = move |f: fn(&mut JobDraft, String)| Callback::new(move |v: String| draft.update(|d| f(d, v)));
    let value = move |f: fn(&JobDraft) -> String| Signal::derive(move || draft.with(f));
    let check_box = move |id: &'static str, label: fn() -> String, hint: fn() -> String, get: fn(&JobDraft) -> bool, put: fn(&mut JobDraft, bool)| {
        view! {
            <div class="field">
                <label class="check">
                    <input type="checkbox" id=id prop:checked=move || draft.with(get) aria-describedby=format!("{id}-hint")
                        on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| put(d, on)); }/>
                    {label}
                </label>
                <p class="hint" id=format!("{id}-hint")>{hint}</p>
            </div>
        }
    };
    // Picking a mount adds its path (or UFS) as a line.
    let mount_options = Signal::derive(move || {
        let mut o = vec![(String::new(), t!(cache.pick_mount))];
        mount_list.with(|l: &Vec<MountPoint>| {
            for m in l {
                o.push((m.path.clone(), t!(cache.mount_option, path = m.path, ufs = m.ufs)));
                o.push((m.ufs.clone(), m.ufs.clone()));
            }
        });
        o
    });
    let add_path = Callback::new(move |v: String| {
        if !v.is_empty() {
            draft.update(|d| {
                if !d.paths.is_empty() && !d.paths.ends_with('\n') {
                    d.paths.push('\n');
                }
                d.paths.push_str(&v);
            })
        }
    });
    let targets = Signal::derive(move || {
        let mut o = vec![(String::new(), t!(cache.target_all))];
        node_list.with(|l: &Vec<WorkerNode>| o.extend(l.iter().filter(|n| n.state == "ONLINE").map(|n| (n.id.clone(), n.id.clone()))));
        o
    });
    let rset = move |f: fn(&mut RebalanceDraft, String)| Callback::new(move |v: String| rdraft.update(|d| f(d, v)));
    let rvalue = move |f: fn(&RebalanceDraft) -> String| Signal::derive(move || rdraft.with(f));

    let fields = match kind {
        JobKind::Rebalance => view! {
            <p class="hint">{tr!(cache.rebalance_help)}</p>
            <SelectField id="job-target" label=tr!(cache.target) value=rvalue(|d| d.target.clone()) options=targets
                on_change=rset(|d, v| d.target = v) hint=tr!(cache.target_hint)/>
            <TextField id="job-load-batch-size" label=tr!(cache.load_batch_size) value=rvalue(|d| d.load_batch_size.clone())
                on_input=rset(|d, v| d.load_batch_size = v) error=err("load_batch_size") hint=tr!(cache.batch_size_hint) input_type="number" min="1"/>
            <TextField id="job-load-bandwidth" label=tr!(cache.load_bandwidth) value=rvalue(|d| d.load_bandwidth.clone())
                on_input=rset(|d, v| d.load_bandwidth = v) error=err("load_bandwidth") hint=tr!(cache.bandwidth_hint) placeholder=tr!(cache.bandwidth_placeholder)/>
            <TextField id="job-prune-bandwidth" label=tr!(cache.prune_bandwidth) value=rvalue(|d| d.prune_bandwidth.clone())
                on_input=rset(|d, v| d.prune_bandwidth = v) error=err("prune_bandwidth") hint=tr!(cache.bandwidth_hint) placeholder=tr!(cache.bandwidth_placeholder)/>
            <div class="field">
                <label class="check">
                    <input type="checkbox" id="job-skip-prune" prop:checked=move || rdraft.with(|d| d.skip_prune) aria-describedby="job-skip-prune-hint"
                        on:change=move |ev| { let on = event_target_checked(&ev); rdraft.update(|d| d.skip_prune = on); }/>
                    {tr!(cache.skip_prune)}
                </label>
                <p class="hint" id="job-skip-prune-hint">{tr!(cache.skip_prune_hint)}</p>
            </div>
        }
        .into_any(),
        k => {
            let load = k == JobKind::Load;
            let paths_error = err("paths");
            view! {
                <p class="hint">{move || if load { t!(cache.load_help) } else { t!(cache.free_help) }}</p>
                // Back to its prompt after each pick, so the same mount can be picked again.
                <FormField id="job-pick-mount" label=tr!(cache.pick_mount_label) hint=tr!(cache.pick_mount_hint)>
                    <select id="job-pick-mount" class="input" aria-describedby=described_by("job-pick-mount")
                        on:change=move |ev| {
                            let el = event_target::<web_sys::HtmlSelectElement>(&ev);
                            add_path.run(el.value());
                            el.set_value("");
                        }>
                        {move || mount_options.get().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                </FormField>
                <FormField id="job-paths" label=tr!(cache.paths) error=paths_error hint=tr!(cache.paths_hint) required=true>
                    <textarea id="job-paths" class="input mono" rows="3" spellcheck="false" prop:value=move || draft.with(|d| d.paths.clone())
                        aria-invalid=move || paths_error.with(Option::is_some).to_string() aria-describedby=described_by("job-paths")
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.paths = v); }></textarea>
                </FormField>
                <TextField id="job-alias" label=tr!(cache.alias) value=value(|d| d.alias.clone()) on_input=set(|d, v| d.alias = v)
                    error=err("alias") hint=tr!(cache.alias_hint)/>
                {load.then(|| view! {
                    <TextField id="job-replicas" label=tr!(cache.replicas) value=value(|d| d.replicas.clone()) on_input=set(|d, v| d.replicas = v)
                        error=err("replicas") hint=Signal::derive(move || t!(cache.replicas_hint, workers = online.get())) input_type="number" min="1"/>
                    <TextField id="job-batch-size" label=tr!(cache.batch_size) value=value(|d| d.batch_size.clone()) on_input=set(|d, v| d.batch_size = v)
                        error=err("batch_size") hint=tr!(cache.batch_size_hint) input_type="number" min="1"/>
                    <TextField id="job-filter-regex" label=tr!(cache.file_filter_regex) value=value(|d| d.file_filter_regex.clone())
                        on_input=set(|d, v| d.file_filter_regex = v) hint=tr!(cache.file_filter_regex_hint) placeholder=Signal::derive(|| r".*\.parquet".to_string())/>
                    <TextField id="job-bandwidth" label=tr!(cache.bandwidth) value=value(|d| d.bandwidth.clone()) on_input=set(|d, v| d.bandwidth = v)
                        error=err("bandwidth") hint=tr!(cache.bandwidth_hint) placeholder=tr!(cache.bandwidth_placeholder)/>
                    {check_box("job-skip-if-exists", || t!(cache.skip_if_exists), || t!(cache.skip_if_exists_hint), |d| d.skip_if_exists, |d, v| d.skip_if_exists = v)}
                    {check_box("job-if-changed", || t!(cache.if_changed), || t!(cache.if_changed_hint), |d| d.if_changed, |d, v| d.if_changed = v)}
                    {check_box("job-metadata-only", || t!(cache.metadata_only), || t!(cache.metadata_only_hint), |d| d.metadata_only, |d, v| d.metadata_only = v)}
                    {check_box("job-verify", || t!(cache.verify), || t!(cache.verify_hint), |d| d.verify, |d, v| d.verify = v)}
                })}
            }
            .into_any()
        }
    };
    view! {
        <form class="card form cache-job-form" id="cache-job-form" data-kind=kind.resource() novalidate=true on:submit=on_submit>
            <div class="card-head">
                <h2>{move || t!(cache.new_job, kind = kind_label(kind))}</h2>
                <button type="button" class="btn btn-sm" id="close-job-form" on:click=move |_| on_close.run(())>{tr!(cache.close)}</button>
            </div>
            {move || mounts.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.mounts_failed)/> })}
            {fields}
            {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.submit_refused)/> })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="job-submit" disabled=move || send.pending().get() || ro.with(Option::is_some) title=move || ro.get()>
                    {move || if send.pending().get() { t!(cache.submitting) } else { t!(cache.submit) }}
                </button>
            </div>
        </form>
    }
}
