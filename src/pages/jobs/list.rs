//! `/jobs` (every cluster of the project) and `/clusters/:id/jobs` (one cluster): filters, sort by
//! submit time, paging — all in the URL query — live progress while jobs run, kill with
//! confirmation and batch delete of the selected rows.

use std::collections::BTreeMap;
use std::time::Duration;

use lakedeck_api::mrs_jobs::{is_final_state, JobType, ListJobsResponse, JOB_RESULTS, JOB_STATES};
use lakedeck_api::paging::parse_bounded;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{job_href, job_result_label, job_state_label, killable, JobProgress, JobStateChip};
use crate::api::jobs::{delete_jobs, list_jobs, stop_job, JobNote, JobRow, JobsPage, JobsQuery};
use crate::api::mrs::cluster_choices;
use crate::api::{query_string, ApiClient, ApiError, Detail};
use crate::i18n::format;
use crate::app::href;
use crate::components::{
    parse_local_datetime, Column, DataTable, Dialog, ErrorPanel, Pager, ProgressBar, ShortId, Spinner, Timestamp,
    When,
};
use crate::pages::clusters::ClusterHeader;
use crate::state::session::SessionExt;
use crate::state::{load, load_error, run_effect, use_adaptive_polling, use_session, LoadResult, Loaded, RefreshBus};
use crate::{t, tr};

/// Across all clusters a page is merged from each cluster's first `page × size` jobs; past this
/// many the view asks for one cluster instead of fetching ever larger lists.
pub const MAX_MERGED: u32 = 500;

/// The jobs view's state as it appears in the URL query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobParams {
    /// Only on `/jobs`: one cluster, or empty for all.
    pub cluster: String,
    pub name: String,
    pub id: String,
    pub job_type: String,
    pub state: String,
    pub result: String,
    /// `datetime-local` values (browser time).
    pub from: String,
    pub to: String,
    pub ascending: bool,
    pub page: u32,
    pub size: u32,
}

impl Default for JobParams {
    fn default() -> Self {
        JobParams {
            cluster: String::new(),
            name: String::new(),
            id: String::new(),
            job_type: String::new(),
            state: String::new(),
            result: String::new(),
            from: String::new(),
            to: String::new(),
            ascending: false,
            page: 1,
            size: 10,
        }
    }
}

impl JobParams {
    /// Reads `cluster, name, id, type, state, result, from, to, dir, page, size`; values that are
    /// not valid fall back to their default.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> JobParams {
        let one_of = |key: &str, allowed: &[&str]| get(key).filter(|v| allowed.contains(&v.as_str())).unwrap_or_default();
        let types: Vec<&str> = JobType::ALL.iter().map(|t| t.as_str()).collect();
        JobParams {
            cluster: get("cluster").unwrap_or_default(),
            name: get("name").unwrap_or_default(),
            id: get("id").unwrap_or_default(),
            job_type: one_of("type", &types),
            state: one_of("state", &JOB_STATES),
            result: one_of("result", &JOB_RESULTS),
            from: get("from").unwrap_or_default(),
            to: get("to").unwrap_or_default(),
            ascending: get("dir").as_deref() == Some("asc"),
            page: get("page").and_then(|s| parse_bounded(&s, 1, 1_000_000)).map(|n| n as u32).unwrap_or(1),
            size: get("size")
                .and_then(|s| parse_bounded(&s, 1, 50))
                .map(|n| n as u32)
                .filter(|n| [10, 20, 50].contains(n))
                .unwrap_or(10),
        }
    }

    pub fn to_query(&self) -> String {
        query_string(&[
            ("cluster", self.cluster.clone()),
            ("name", self.name.trim().to_string()),
            ("id", self.id.trim().to_string()),
            ("type", self.job_type.clone()),
            ("state", self.state.clone()),
            ("result", self.result.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("dir", if self.ascending { "asc".into() } else { String::new() }),
            ("page", if self.page > 1 { self.page.to_string() } else { String::new() }),
            ("size", if self.size != 10 { self.size.to_string() } else { String::new() }),
        ])
    }

    pub fn has_filters(&self) -> bool {
        [&self.name, &self.id, &self.job_type, &self.state, &self.result, &self.from, &self.to]
            .iter()
            .any(|v| !v.trim().is_empty())
    }

    /// The API query for a page of `limit` rows numbered `page`; times are read in the browser's zone.
    pub fn api_query(&self, limit: u32, page: u32) -> JobsQuery {
        JobsQuery {
            job_name: self.name.clone(),
            job_id: self.id.clone(),
            job_type: self.job_type.clone(),
            job_state: self.state.clone(),
            job_result: self.result.clone(),
            submitted_begin: parse_local_datetime(&self.from).map(|t| t as i64),
            // The end of the chosen minute is still inside the range.
            submitted_end: parse_local_datetime(&self.to).map(|t| t as i64 + 59_999),
            ascending: self.ascending,
            limit,
            page,
        }
    }
}

/// Merges the first pages of several clusters (each sorted by submit time like `ascending`) into
/// page `page` of `size` rows of the whole project.
pub fn merge_job_lists(lists: Vec<(String, String, ListJobsResponse)>, ascending: bool, page: u32, size: u32) -> JobsPage {
    let total = lists.iter().map(|(_, _, l)| l.total_record).sum();
    let mut rows: Vec<JobRow> = lists
        .into_iter()
        .flat_map(|(cluster_id, cluster_name, l)| {
            l.job_list.into_iter().map(move |job| JobRow { cluster_id: cluster_id.clone(), cluster_name: cluster_name.clone(), job })
        })
        .collect();
    rows.sort_by(|a, b| {
        let o = a.job.submitted_time.cmp(&b.job.submitted_time).then_with(|| a.job.job_id.cmp(&b.job.job_id));
        if ascending { o } else { o.reverse() }
    });
    let start = ((page.max(1) - 1) * size) as usize;
    let rows = rows.into_iter().skip(start).take(size as usize).collect();
    JobsPage { rows, total, note: None }
}

async fn fetch_jobs(client: ApiClient, fixed_cluster: Option<String>, p: JobParams) -> LoadResult {
    for t in [&p.from, &p.to] {
        if !t.is_empty() && parse_local_datetime(t).is_none() {
            return Err(ApiError {
                status: 0,
                code: crate::api::REQUEST.into(),
                detail: Detail::BadDateTime(t.clone()),
                request_id: None,
            });
        }
    }
    let cluster = fixed_cluster.unwrap_or_else(|| p.cluster.clone());
    if !cluster.is_empty() {
        let list = list_jobs(&client, &cluster, &p.api_query(p.size, p.page)).await?;
        let rows = list.job_list.into_iter().map(|job| JobRow { cluster_id: cluster.clone(), cluster_name: String::new(), job }).collect();
        return Ok(Loaded::Jobs(JobsPage { rows, total: list.total_record, note: None }));
    }
    let clusters = running_clusters(&client).await?;
    let wanted = p.page * p.size;
    let limit = wanted.min(MAX_MERGED);
    let mut lists = Vec::new();
    for (id, name) in clusters {
        let list = list_jobs(&client, &id, &p.api_query(limit, 1)).await?;
        lists.push((id, name, list));
    }
    let mut page = merge_job_lists(lists, p.ascending, p.page, p.size);
    if wanted > MAX_MERGED {
        page.rows.clear();
        page.note = Some(JobNote::MergeLimit(MAX_MERGED));
    }
    Ok(Loaded::Jobs(page))
}

/// Clusters whose jobs can be listed: every existing one (jobs of deleted clusters are gone).
async fn running_clusters(client: &ApiClient) -> Result<Vec<(String, String)>, ApiError> {
    cluster_choices(client, "existing").await
}

/// `/jobs`.
#[component]
pub fn JobsList() -> impl IntoView {
    view! { <JobsView fixed_cluster=None/> }
}

/// `/clusters/:id/jobs`.
#[component]
pub fn ClusterJobs() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <ClusterHeader cluster_id=id current="jobs"/>
        {move || view! { <JobsView fixed_cluster=Some(id.get())/> }}
    }
}

#[component]
fn JobsView(fixed_cluster: Option<String>) -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|m| JobParams::from_pairs(|k| m.get(k))));
    let navigate = use_navigate();
    let base = match &fixed_cluster {
        Some(c) => format!("/clusters/{c}/jobs"),
        None => "/jobs".to_string(),
    };
    let go = Callback::new(move |p: JobParams| navigate(&format!("{base}{}", p.to_query()), Default::default()));
    let update = move |f: &dyn Fn(&mut JobParams)| {
        let mut p = params.get_untracked();
        f(&mut p);
        go.run(p);
    };

    // Every 2 s while a job on the page is still going, every 10 s otherwise; paused while hidden.
    let running = RwSignal::new(false);
    let tick = use_adaptive_polling(Duration::from_secs(2), running);
    let fixed = fixed_cluster.clone();
    let data = load(move || {
        tick.track();
        refresh.track();
        let p = params.get();
        let client = session.client();
        let fixed = fixed.clone();
        Box::pin(fetch_jobs(client, fixed, p))
    });
    let busy = RwSignal::new(false);

    // Clusters for the filter on `/jobs`.
    let clusters = LocalResource::new(move || {
        let client = session.client();
        async move { running_clusters(&client).await.unwrap_or_default() }
    });

    let name_text = RwSignal::new(params.get_untracked().name);
    let id_text = RwSignal::new(params.get_untracked().id);
    run_effect(move || {
        let p = params.get();
        name_text.set(p.name);
        id_text.set(p.id);
    });
    let apply_text = move || {
        let (n, i) = (name_text.get_untracked(), id_text.get_untracked());
        update(&|p| {
            if p.name.trim() != n.trim() || p.id.trim() != i.trim() {
                p.name = n.trim().to_string();
                p.id = i.trim().to_string();
                p.page = 1;
            }
        });
    };
    let on_enter = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            apply_text();
        }
    };
    let select_filter = move |label: fn() -> String, id: &'static str, all: fn() -> String, options: Vec<&'static str>, name: fn(&str) -> String, get: fn(&JobParams) -> &String, set: fn(&mut JobParams, String)| {
        view! {
            <div class="filter">
                <label for=id>{label}</label>
                <select id=id class="input" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    update(&|p| { set(p, v.clone()); p.page = 1; });
                }>
                    <option value="" selected=move || params.with(|p| get(p).is_empty())>{all}</option>
                    {options.into_iter().map(|o| view! {
                        <option value=o selected=move || params.with(|p| get(p) == o)>{move || name(o)}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let time_filter = move |label: fn() -> String, id: &'static str, get: fn(&JobParams) -> &String, set: fn(&mut JobParams, String)| {
        view! {
            <div class="filter">
                <label for=id>{label}</label>
                <input id=id type="datetime-local" class="input" aria-describedby="jobs-zone-hint"
                    prop:value=move || params.with(|p| get(p).clone())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        update(&|p| { set(p, v.clone()); p.page = 1; });
                    }/>
            </div>
        }
    };
    let types: Vec<&'static str> = JobType::ALL.iter().map(|t| t.as_str()).collect();
    let cluster_filter = fixed_cluster.is_none().then(|| view! {
        <div class="filter">
            <label for="job-cluster-filter">{tr!(jobs.cluster)}</label>
            <select id="job-cluster-filter" class="input" on:change=move |ev| {
                let v = event_target_value(&ev);
                update(&|p| { p.cluster = v.clone(); p.page = 1; });
            }>
                <option value="" selected=move || params.with(|p| p.cluster.is_empty())>{tr!(jobs.all_clusters)}</option>
                {move || clusters.get().unwrap_or_default().into_iter().map(|(id, name)| {
                    let sel = id.clone();
                    view! { <option value=id selected=move || params.with(|p| p.cluster == sel)>{name}</option> }
                }).collect_view()}
                // A cluster id from the URL that is not among the running clusters listed (one that is not
                // running, or none at all): the select shows that id, not "All clusters" over a filtered list.
                {move || {
                    let wanted = params.with(|p| p.cluster.clone());
                    let unknown = !wanted.is_empty() && clusters.with(|l| l.as_ref().is_some_and(|l| !l.iter().any(|(id, _)| *id == wanted)));
                    unknown.then(|| view! { <option value=wanted.clone() selected=true>{t!(jobs.cluster_unknown, id = wanted)}</option> })
                }}
            </select>
        </div>
    });
    let submit_href = {
        let fixed = fixed_cluster.clone();
        move || {
            let c = fixed.clone().unwrap_or_else(|| params.with(|p| p.cluster.clone()));
            href(&format!("/jobs/submit{}", query_string(&[("cluster", c)])))
        }
    };
    let one_cluster = fixed_cluster.is_some();

    view! {
        <section class="page" aria-labelledby="jobs-title" id="jobs-view">
            <header class="page-head">
                <h1 id="jobs-title">{move || if one_cluster { t!(jobs.title_cluster) } else { t!(nav.jobs) }}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" id="refresh-jobs" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                    <a id="submit-job" class="btn btn-primary" href=submit_href>{tr!(submit.button)}</a>
                </div>
            </header>
            <div class="filters" role="search">
                {cluster_filter}
                <div class="filter">
                    <label for="job-name-filter">{tr!(clusters.col_name)}</label>
                    <input id="job-name-filter" type="search" class="input" placeholder=tr!(jobs.name_placeholder)
                        prop:value=move || name_text.get() on:input=move |ev| name_text.set(event_target_value(&ev))
                        on:change=move |_| apply_text() on:keydown=on_enter/>
                </div>
                <div class="filter">
                    <label for="job-id-filter">{tr!(jobs.col_id)}</label>
                    <input id="job-id-filter" type="search" class="input" placeholder=tr!(jobs.id_placeholder)
                        prop:value=move || id_text.get() on:input=move |ev| id_text.set(event_target_value(&ev))
                        on:change=move |_| apply_text() on:keydown=on_enter/>
                </div>
                {select_filter(|| t!(clusters.col_type), "job-type-filter", || t!(jobs.all_types), types, str::to_string, |p| &p.job_type, |p, v| p.job_type = v)}
                {select_filter(|| t!(clusters.col_state), "job-state-filter", || t!(common.all_states), JOB_STATES.to_vec(), job_state_label, |p| &p.state, |p, v| p.state = v)}
                {select_filter(|| t!(jobs.result), "job-result-filter", || t!(jobs.all_results), JOB_RESULTS.to_vec(), job_result_label, |p| &p.result, |p, v| p.result = v)}
                {time_filter(|| t!(jobs.submitted_from), "job-from", |p| &p.from, |p, v| p.from = v)}
                {time_filter(|| t!(jobs.submitted_to), "job-to", |p| &p.to, |p, v| p.to = v)}
                <span id="jobs-zone-hint" class="hint">{move || t!(jobs.zone_hint, zone = format::zone())}</span>
                <When when=move || params.with(JobParams::has_filters)>
                    <button type="button" class="btn btn-ghost" id="clear-job-filters" on:click=move |_| update(&|p| {
                        *p = JobParams { cluster: p.cluster.clone(), size: p.size, ascending: p.ascending, ..Default::default() };
                    })>{tr!(common.clear_filters)}</button>
                </When>
            </div>
            <ProgressBar busy=busy label=tr!(jobs.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(jobs.loading)/> } set_pending=busy.write_only()>
                <JobRows data=data params=params go=go running=running busy=busy show_cluster=fixed_cluster.is_none()/>
            </Transition>
        </section>
    }
}

/// A job picked for an action, with the cluster it runs on.
type Picked = (String, String);

#[component]
fn JobRows(
    data: LocalResource<LoadResult>,
    params: Memo<JobParams>,
    go: Callback<JobParams>,
    running: RwSignal<bool>,
    busy: RwSignal<bool>,
    show_cluster: bool,
) -> impl IntoView {
    let read_only = crate::state::use_read_only();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let page = Memo::new(move |_| data.with(|d| match d {
        Some(Ok(Loaded::Jobs(p))) => p.clone(),
        _ => JobsPage::default(),
    }));
    let rows = Memo::new(move |_| page.with(|p| p.rows.clone()));
    let error = load_error(data);
    let loaded = Memo::new(move |_| data.with(|d| matches!(d, Some(Ok(_)))));
    run_effect(move || running.set(rows.with(|r| r.iter().any(|j| !is_final_state(&j.job.job_state)))));

    // Selection survives refreshes; rows that are gone drop out of it.
    let selected = RwSignal::new(Vec::<Picked>::new());
    run_effect(move || {
        let present: Vec<Picked> = rows.with(|r| r.iter().map(|j| (j.cluster_id.clone(), j.job.job_id.clone())).collect());
        selected.update(|s| s.retain(|k| present.contains(k)));
    });
    let toggle = move |k: Picked, on: bool| {
        selected.update(|s| {
            s.retain(|x| x != &k);
            if on {
                s.push(k);
            }
        })
    };
    let all_selected = move || {
        let n = selected.with(Vec::len);
        n > 0 && rows.with(|r| r.iter().filter(|j| is_final_state(&j.job.job_state)).count()) == n
    };

    // Kill: the row picked, then the service's answer.
    let kill_target = RwSignal::new(None::<JobRow>);
    let outcome = RwSignal::new(None::<Result<Outcome, ApiError>>);
    let kill = Action::new_local(move |row: &JobRow| {
        let (client, row) = (session.client(), row.clone());
        async move { stop_job(&client, &row.cluster_id, &row.job.job_id).await.map(|_| Outcome::KillAccepted(row.job.job_name)) }
    });
    run_effect(move || {
        if let Some(r) = kill.value().get() {
            kill_target.set(None);
            outcome.set(Some(r));
            refresh.bump();
        }
    });

    // Batch delete, one call per cluster.
    let delete_open = RwSignal::new(false);
    let delete = Action::new_local(move |picked: &Vec<Picked>| {
        let (client, picked) = (session.client(), picked.clone());
        async move {
            let mut by_cluster: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (c, j) in picked {
                by_cluster.entry(c).or_default().push(j);
            }
            let mut n = 0;
            for (c, ids) in by_cluster {
                let count = ids.len();
                delete_jobs(&client, &c, ids).await?;
                n += count;
            }
            Ok(Outcome::Deleted(n))
        }
    });
    run_effect(move || {
        if let Some(r) = delete.value().get() {
            delete_open.set(false);
            if r.is_ok() {
                selected.set(Vec::new());
            }
            outcome.set(Some(r));
            refresh.bump();
        }
    });

    let mut columns = vec![
        Column::new(
            tr!(jobs.col_select),
            move |j: &JobRow| {
                let k: Picked = (j.cluster_id.clone(), j.job.job_id.clone());
                let k2 = k.clone();
                let ended = is_final_state(&j.job.job_state);
                let name = j.job.job_name.clone();
                view! {
                    <input type="checkbox" class="row-select" disabled=!ended
                        title=move || if ended { t!(jobs.select_title) } else { t!(jobs.select_running) }
                        aria-label=move || t!(jobs.select_job, name = name)
                        prop:checked=move || selected.with(|s| s.contains(&k))
                        on:change=move |ev| toggle(k2.clone(), event_target_checked(&ev))/>
                }
            },
        )
        .class("col-select"),
        Column::new(tr!(clusters.col_name), |j: &JobRow| {
            view! { <a class="job-name" href=job_href(&j.cluster_id, &j.job.job_id)>{j.job.job_name.clone()}</a> }
        }),
        Column::new(tr!(jobs.col_id), |j: &JobRow| {
            view! {
                <ShortId id=j.job.job_id.clone() label=tr!(jobs.copy_id)/>
            }
        }),
        Column::text(tr!(clusters.col_type), |j: &JobRow| j.job.job_type.clone()),
        Column::new(tr!(clusters.col_state), |j: &JobRow| view! { <JobStateChip state=j.job.job_state.clone() result=j.job.job_result.clone()/> }),
        Column::new(tr!(jobs.col_progress), |j: &JobRow| {
            let name = j.job.job_name.clone();
            view! { <JobProgress percent=j.job.job_progress state=j.job.job_state.clone() label=move || t!(jobs.progress_of, name = name)/> }
        }),
        Column::new(tr!(jobs.col_submitted), |j: &JobRow| view! { <Timestamp epoch=j.job.submitted_time.to_string()/> }).sortable("submitted"),
        Column::new(tr!(jobs.col_duration), |j: &JobRow| {
            let (started, elapsed) = (j.job.started_time > 0, j.job.elapsed_time);
            move || if started { format::duration_ms(elapsed) } else { "—".into() }
        })
        .class("num"),
        Column::new(String::new, move |j: &JobRow| {
            let row = j.clone();
            killable(&j.job).then(|| view! {
                <button type="button" class="btn btn-sm btn-danger kill-job"
                    disabled=move || read_only.with(Option::is_some) title=move || read_only.get()
                    on:click=move |_| {
                    outcome.set(None);
                    kill_target.set(Some(row.clone()));
                }>{tr!(jobs.kill)}</button>
            })
        })
        .class("col-actions"),
    ];
    if show_cluster {
        columns.insert(3, Column::new(tr!(jobs.cluster), |j: &JobRow| {
            view! { <a href=href(&format!("/clusters/{}/jobs", j.cluster_id))>{j.cluster_name.clone()}</a> }
        }));
    }
    let columns = StoredValue::new(columns);
    let sort = Signal::derive(move || Some(("submitted".to_string(), params.with(|p| p.ascending))));
    let on_sort = Callback::new(move |_: String| {
        let mut p = params.get_untracked();
        p.ascending = !p.ascending;
        p.page = 1;
        go.run(p);
    });

    let kill_name = move || kill_target.with(|t| t.as_ref().map(|r| r.job.job_name.clone()).unwrap_or_default());
    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(jobs.load_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        {move || outcome.get().map(|r| match r {
            Ok(o) => view! { <p class="notice notice-ok" role="status" id="jobs-outcome">{move || o.text()}</p> }.into_any(),
            Err(e) => view! { <ErrorPanel error=e title=tr!(jobs.refused)/> }.into_any(),
        })}
        <When when=move || loaded.get()>
            {move || page.with(|p| p.note.clone()).map(|n| view! { <p class="notice" role="status">{move || n.text()}</p> })}
            <div class="bulk-bar">
                <label class="check">
                    <input type="checkbox" id="select-all-jobs" prop:checked=all_selected
                        disabled=move || !rows.with(|r| r.iter().any(|j| is_final_state(&j.job.job_state))) on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.set(if on {
                            rows.with(|r| r.iter().filter(|j| is_final_state(&j.job.job_state))
                                .map(|j| (j.cluster_id.clone(), j.job.job_id.clone())).collect())
                        } else { Vec::new() });
                    }/>
                    {tr!(jobs.select_all)}
                </label>
                <button type="button" class="btn btn-danger" id="delete-jobs"
                    disabled=move || selected.with(Vec::is_empty) || read_only.with(Option::is_some) title=move || read_only.get()
                    on:click=move |_| { outcome.set(None); delete_open.set(true); }>
                    {move || t!(jobs.delete_selected, count = selected.with(Vec::len))}
                </button>
            </div>
            <DataTable
                rows=rows
                columns=columns.get_value()
                row_key=|j: &JobRow| format!("{}/{}", j.cluster_id, j.job.job_id)
                key_attr="data-job-key"
                caption=tr!(nav.jobs)
                empty=move || {
                    if params.with(JobParams::has_filters) { t!(jobs.empty_filtered) } else { t!(jobs.empty) }
                }
                sort=sort
                on_sort=on_sort
                busy=busy
            />
            <div class="table-foot">
                <p class="hint">{tr!(jobs.sort_hint)}</p>
                <Pager
                    id="jobs-pager"
                    label=tr!(jobs.pages)
                    page=Signal::derive(move || params.with(|p| p.page))
                    page_size=Signal::derive(move || params.with(|p| p.size))
                    total=Signal::derive(move || page.with(|p| p.total))
                    on_page=Callback::new(move |n| { let mut p = params.get_untracked(); p.page = n; go.run(p); })
                    on_size=Callback::new(move |n| { let mut p = params.get_untracked(); p.size = n; p.page = 1; go.run(p); })
                />
            </div>
        </When>
        <Dialog open=Signal::derive(move || kill_target.with(Option::is_some)) on_close=Callback::new(move |_| kill_target.set(None))
            title=tr!(job.kill_title) id="kill-dialog" initial_focus="#kill-cancel">
            <p>{tr!(job.kill_before)} <strong>{kill_name}</strong> {tr!(jobs.kill_after)}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="kill-cancel" on:click=move |_| kill_target.set(None)>{tr!(common.cancel)}</button>
                <button type="button" class="btn btn-danger" id="kill-confirm" disabled=move || kill.pending().get()
                    on:click=move |_| if let Some(r) = kill_target.get_untracked() { kill.dispatch(r); }>
                    {move || if kill.pending().get() { t!(job.killing) } else { t!(job.kill_title) }}
                </button>
            </div>
        </Dialog>
        <Dialog open=delete_open on_close=Callback::new(move |_| delete_open.set(false)) title=tr!(jobs.delete_title) id="delete-jobs-dialog"
            initial_focus="#delete-jobs-cancel">
            <p>{move || t!(jobs.delete_text, count = selected.with(Vec::len))}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="delete-jobs-cancel" on:click=move |_| delete_open.set(false)>{tr!(common.cancel)}</button>
                <button type="button" class="btn btn-danger" id="delete-jobs-confirm" disabled=move || delete.pending().get()
                    on:click=move |_| { delete.dispatch(selected.get_untracked()); }>
                    {move || if delete.pending().get() { t!(common.deleting) } else { t!(common.delete) }}
                </button>

            </div>
        </Dialog>
    }
}

/// What a kill or a delete of the list achieved, worded when shown.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    KillAccepted(String),
    Deleted(usize),
}

impl Outcome {
    fn text(&self) -> String {
        match self {
            Outcome::KillAccepted(name) => t!(jobs.kill_accepted, name = name),
            Outcome::Deleted(n) => t!(jobs.deleted, count = *n),
        }
    }
}
