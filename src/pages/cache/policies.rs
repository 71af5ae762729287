//! `/cache/policies`: what decides what stays in the cache — quotas (with how much of each is
//! used), TTL rules, eviction priorities, the cache filter (with a "test a path" box that shows
//! which rule applies) and the file index. Each section lists its rules, adds one with the
//! coordinator's own checks next to the fields, and removes one.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use lakedeck_api::alluxio::{
    check_alluxio_path, check_duration, check_filter_rule, check_priority, check_size, canonical_ufs, CacheFilterChange, CacheFilterMatch,
    CacheFilterScope, FileIndexChange, FileIndexEntry, PriorityRule, QuotaStatus, TtlRule, FILTER_SCOPES, FILTER_TYPES, PRIORITIES,
};
use lakedeck_api::alluxio_view::usage_fraction;
use lakedeck_api::problem::Problem;
use leptos::prelude::*;

use super::{usage_text, CacheTabs, UsageMeter};
use crate::api::alluxio::{
    add_file_index, cache_filter, change_cache_filter, list_file_indexes, list_priorities, list_quotas, list_ttls, remove_cache_filter,
    remove_file_index, remove_priority, remove_quota, remove_ttl, set_priority, set_quota, set_ttl, test_cache_filter,
};
use crate::api::ApiError;
use crate::components::{Column, DataTable, ErrorPanel, SelectField, Spinner, TextField};
use crate::i18n::{format, problem};
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_polling, use_session, use_write_block, RefreshBus};
use crate::{t, tr};

type Pending = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;
/// Sends `(path, value)`; `Err` is the coordinator's refusal.
type SendFn = Rc<dyn Fn(String, String) -> Pending>;
/// Removes the rule of a path.
type RemoveAction = Action<String, Result<(), ApiError>>;

/// A rule's path: an Alluxio path or a UFS URI.
pub fn check_rule_path(raw: &str) -> Result<String, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Problem::new("alluxio.required").with("field", "path"));
    }
    if raw.contains("://") {
        canonical_ufs(raw).ok_or_else(|| Problem::new("alluxio.ufs_invalid").with("ufs", raw))
    } else {
        check_alluxio_path(raw)
    }
}

/// The rule of a cache-filter test in words (tracked).
pub fn filter_match_text(m: &CacheFilterMatch) -> String {
    let kind = match m.rule_type.as_str() {
        "skipCache" => t!(cache.filter_skip),
        "maxAge" => t!(cache.filter_max_age, time = m.time),
        _ => t!(cache.filter_immutable),
    };
    if m.default {
        t!(cache.filter_by_default, rule = kind)
    } else {
        t!(cache.filter_by_pattern, rule = kind, pattern = m.pattern)
    }
}

/// Every rule of a filter scope as `(type, pattern, time)`.
pub fn scope_rules(s: &CacheFilterScope) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    out.extend(s.skip_cache.iter().map(|p| ("skipCache".to_string(), p.clone(), String::new())));
    out.extend(s.max_age.iter().map(|(p, t)| ("maxAge".to_string(), p.clone(), t.clone())));
    out.extend(s.immutable.iter().map(|p| ("immutable".to_string(), p.clone(), String::new())));
    out
}

#[component]
pub fn CachePolicies() -> impl IntoView {
    let refresh = expect_context::<RefreshBus>();
    view! {
        <section class="page" aria-labelledby="cache-policies-title" id="cache-policies">
            <header class="page-head">
                <h1 id="cache-policies-title">{tr!(cache.policies_title)}</h1>
                <div class="page-actions">
                    <button type="button" class="btn" on:click=move |_| refresh.bump() title=tr!(common.refresh_title)>{tr!(common.refresh)}</button>
                </div>
            </header>
            <CacheTabs current="policies"/>
            <Quotas/>
            <Ttls/>
            <Priorities/>
            <CacheFilter/>
            <FileIndex/>
        </section>
    }
}

/// A path + value form: `check` words a bad value next to its field; `choices` makes the value a select.
#[component]
fn PathValueForm(
    id: &'static str,
    #[prop(into)] value_label: Signal<String>,
    #[prop(into)] value_hint: Signal<String>,
    check: fn(&str) -> Result<(), Problem>,
    #[prop(optional)] choices: Option<Vec<(String, String)>>,
    /// The value may be left empty (an index's alias).
    #[prop(optional)]
    value_optional: bool,
    send: SendFn,
    #[prop(into)] submit_label: Signal<String>,
) -> impl IntoView {
    let ro = use_write_block();
    let path = RwSignal::new(String::new());
    let value = RwSignal::new(choices.as_ref().and_then(|c| c.first()).map(|c| c.0.clone()).unwrap_or_default());
    let tried = RwSignal::new(false);
    let problems = Memo::new(move |_| {
        let p = check_rule_path(&path.get()).err();
        let v = check(&value.get()).err();
        (p, v)
    });
    let server_error = RwSignal::new(None::<ApiError>);
    let action = Action::new_local(move |input: &(String, String)| send(input.0.clone(), input.1.clone()));
    run_effect(move || {
        if let Some(r) = action.value().get() {
            match r {
                Ok(()) => {
                    path.set(String::new());
                    tried.set(false);
                }
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        let (p, v) = problems.get_untracked();
        if p.is_none() && v.is_none() {
            action.dispatch((path.get_untracked().trim().to_string(), value.get_untracked().trim().to_string()));
        }
    };
    let path_error = Signal::derive(move || if tried.get() { problems.with(|(p, _)| p.as_ref().map(problem)) } else { None });
    let value_error = Signal::derive(move || if tried.get() { problems.with(|(_, v)| v.as_ref().map(problem)) } else { None });
    let value_field = match choices {
        Some(c) => view! {
            <SelectField id=format!("{id}-value") label=value_label value=value options=Signal::derive(move || c.clone())
                on_change=Callback::new(move |v| value.set(v)) error=value_error hint=value_hint/>
        }
        .into_any(),
        None => view! {
            <TextField id=format!("{id}-value") label=value_label value=value on_input=Callback::new(move |v| value.set(v))
                error=value_error hint=value_hint required=!value_optional/>
        }
        .into_any(),
    };
    view! {
        <form class="form inline-form" id=format!("{id}-form") novalidate=true on:submit=on_submit>
            <TextField id=format!("{id}-path") label=tr!(cache.col_path) value=path on_input=Callback::new(move |v| path.set(v))
                error=path_error hint=tr!(cache.rule_path_hint) placeholder=Signal::derive(|| "/obs/tpch".to_string()) required=true/>
            {value_field}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id=format!("{id}-submit") disabled=move || action.pending().get() || ro.with(Option::is_some) title=move || ro.get()>
                    {submit_label}
                </button>
            </div>
            {move || server_error.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.rule_refused)/> })}
        </form>
    }
}

/// A remove button for a row, disabled for viewers; errors go to `outcome`.
fn remove_button(id: &'static str, key: String, remove: RemoveAction) -> impl IntoView {
    let ro = use_write_block();
    view! {
        <button type="button" class=format!("btn btn-sm {id}-remove") data-path=key.clone() disabled=move || ro.with(Option::is_some) || remove.pending().get()
            title=move || ro.get() on:click=move |_| { remove.dispatch(key.clone()); }>{tr!(common.remove)}</button>
    }
}

/// An action that removes by key, then refreshes; its error is kept in the returned signal.
fn remover(f: fn(crate::api::ApiClient, String) -> Pending) -> (RemoveAction, RwSignal<Option<ApiError>>) {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let outcome = RwSignal::new(None::<ApiError>);
    let action = Action::new_local(move |key: &String| f(session.client_untracked(), key.clone()));
    run_effect(move || {
        if let Some(r) = action.value().get() {
            outcome.set(r.err());
            refresh.bump();
        }
    });
    (action, outcome)
}

/// A sender that runs `f` and refreshes after success.
fn sender(f: fn(crate::api::ApiClient, String, String) -> Pending) -> SendFn {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    Rc::new(move |p, v| {
        let client = session.client_untracked();
        let fut = f(client, p, v);
        Box::pin(async move {
            fut.await?;
            refresh.bump();
            Ok(())
        })
    })
}

#[component]
fn Quotas() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    // Usage changes as the cache fills and evicts: refreshed every few seconds while visible.
    let tick = use_polling(Duration::from_secs(3), || true);
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let client = session.client();
        async move { list_quotas(&client).await }
    });
    let (remove, outcome) = remover(|c, p| Box::pin(async move { remove_quota(&c, &p).await.map(|_| ()) }));
    let columns = vec![
        Column::text(tr!(cache.col_path), |q: &QuotaStatus| q.path.clone()).class("mono"),
        Column::new(tr!(cache.col_quota), |q: &QuotaStatus| format::bytes(q.quota_bytes)).class("num"),
        Column::new(tr!(cache.col_usage), |q: &QuotaStatus| {
            let (u, c, p) = (q.used_bytes, q.quota_bytes, q.path.clone());
            view! {
                <UsageMeter fraction=usage_fraction(u, c) text=Signal::derive(move || usage_text(u, c))
                    label=Signal::derive(move || t!(cache.quota_usage_label, path = p)) class="quota-usage" warn=true/>
            }
        }),
        Column::new(String::new, move |q: &QuotaStatus| remove_button("quota", q.path.clone(), remove)).class("col-actions"),
    ];
    let send = sender(|c, p, v| Box::pin(async move { set_quota(&c, &p, &v).await.map(|_| ()) }));
    view! {
        <div class="card" id="cache-quotas">
            <h2>{tr!(cache.quotas)}</h2>
            <p class="hint">{tr!(cache.quotas_hint)}</p>
            {move || data.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.policy_failed)/> })}
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.remove_failed)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=Signal::derive(move || data.get().and_then(Result::ok).unwrap_or_default()) columns=columns
                    row_key=|q: &QuotaStatus| q.path.clone() key_attr="data-quota" caption=tr!(cache.quotas) empty=tr!(cache.no_rules) class="cache-quotas"/>
            </Transition>
            <PathValueForm id="quota" value_label=tr!(cache.col_quota) value_hint=tr!(cache.quota_size_hint)
                check=|v| check_size("size", v).map(|_| ()) send=send submit_label=tr!(cache.set_quota)/>
        </div>
    }
}

#[component]
fn Ttls() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let data = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { list_ttls(&client).await }
    });
    let (remove, outcome) = remover(|c, p| Box::pin(async move { remove_ttl(&c, &p).await.map(|_| ()) }));
    let columns = vec![
        Column::text(tr!(cache.col_path), |r: &TtlRule| r.path.clone()).class("mono"),
        Column::text(tr!(cache.col_ttl), |r: &TtlRule| r.time.clone()).class("num"),
        Column::new(String::new, move |r: &TtlRule| remove_button("ttl", r.path.clone(), remove)).class("col-actions"),
    ];
    let send = sender(|c, p, v| Box::pin(async move { set_ttl(&c, &TtlRule { path: p, time: v }).await.map(|_| ()) }));
    view! {
        <div class="card" id="cache-ttls">
            <h2>{tr!(cache.ttls)}</h2>
            <p class="hint">{tr!(cache.ttls_hint)}</p>
            {move || data.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.policy_failed)/> })}
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.remove_failed)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=Signal::derive(move || data.get().and_then(Result::ok).unwrap_or_default()) columns=columns
                    row_key=|r: &TtlRule| r.path.clone() key_attr="data-ttl" caption=tr!(cache.ttls) empty=tr!(cache.no_rules) class="cache-ttls"/>
            </Transition>
            <PathValueForm id="ttl" value_label=tr!(cache.col_ttl) value_hint=tr!(cache.ttl_hint)
                check=|v| check_duration("time", v).map(|_| ()) send=send submit_label=tr!(cache.set_ttl)/>
        </div>
    }
}

/// A priority level in the user's language (tracked).
pub fn priority_label(p: &str) -> String {
    match p {
        "HIGH" => t!(cache.priority_high),
        "LOW" => t!(cache.priority_low),
        _ => t!(cache.priority_medium),
    }
}

#[component]
fn Priorities() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let data = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { list_priorities(&client).await }
    });
    let (remove, outcome) = remover(|c, p| Box::pin(async move { remove_priority(&c, &p).await.map(|_| ()) }));
    let columns = vec![
        Column::text(tr!(cache.col_path), |r: &PriorityRule| r.path.clone()).class("mono"),
        Column::new(tr!(cache.col_priority), |r: &PriorityRule| {
            let p = r.priority.clone();
            move || priority_label(&p)
        }),
        Column::new(String::new, move |r: &PriorityRule| remove_button("priority", r.path.clone(), remove)).class("col-actions"),
    ];
    let send = sender(|c, p, v| Box::pin(async move { set_priority(&c, &PriorityRule { path: p, priority: v }).await.map(|_| ()) }));
    let choices: Vec<(String, String)> = PRIORITIES.iter().rev().map(|p| (p.to_string(), priority_label(p))).collect();
    view! {
        <div class="card" id="cache-priorities">
            <h2>{tr!(cache.priorities)}</h2>
            <p class="hint">{tr!(cache.priorities_hint)}</p>
            {move || data.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.policy_failed)/> })}
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.remove_failed)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=Signal::derive(move || data.get().and_then(Result::ok).unwrap_or_default()) columns=columns
                    row_key=|r: &PriorityRule| r.path.clone() key_attr="data-priority" caption=tr!(cache.priorities) empty=tr!(cache.no_rules) class="cache-priority"/>
            </Transition>
            <PathValueForm id="priority" value_label=tr!(cache.col_priority) value_hint=tr!(cache.priority_hint)
                check=|v| check_priority(v).map(|_| ()) choices=choices send=send submit_label=tr!(cache.set_priority)/>
        </div>
    }
}

#[component]
fn CacheFilter() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let ro = use_write_block();
    let data = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { cache_filter(&client).await }
    });
    let outcome = RwSignal::new(None::<ApiError>);
    let change = Action::new_local(move |input: &(CacheFilterChange, bool)| {
        let client = session.client_untracked();
        let (c, add) = input.clone();
        async move {
            if add {
                change_cache_filter(&client, &c).await.map(|_| ())
            } else {
                remove_cache_filter(&client, &c).await.map(|_| ())
            }
        }
    });
    run_effect(move || {
        if let Some(r) = change.value().get() {
            outcome.set(r.err());
            refresh.bump();
        }
    });
    // The rules of both scopes in one table.
    let rows = Signal::derive(move || {
        data.get()
            .and_then(Result::ok)
            .map(|d| {
                let mut out: Vec<(String, String, String, String)> = Vec::new();
                for (scope, s) in [("data", &d.data), ("metadata", &d.metadata)] {
                    out.extend(scope_rules(s).into_iter().map(|(t, p, time)| (scope.to_string(), t, p, time)));
                    out.push((scope.to_string(), format!("default:{}", s.default_type), String::new(), s.default_time.clone()));
                }
                out
            })
            .unwrap_or_default()
    });
    let columns = vec![
        Column::text(tr!(cache.col_scope), |r: &(String, String, String, String)| r.0.clone()),
        Column::new(tr!(cache.col_rule), |r: &(String, String, String, String)| {
            let t = r.1.clone();
            move || match t.strip_prefix("default:") {
                Some(d) => t!(cache.filter_default_rule, rule = d),
                None => t.clone(),
            }
        }),
        Column::text(tr!(cache.col_pattern), |r: &(String, String, String, String)| r.2.clone()).class("mono"),
        Column::text(tr!(cache.col_ttl), |r: &(String, String, String, String)| r.3.clone()),
        Column::new(String::new, move |r: &(String, String, String, String)| {
            let is_default = r.1.starts_with("default:");
            let c = CacheFilterChange { rule_type: Some(r.1.clone()), scope: Some(r.0.clone()), pattern: Some(r.2.clone()), ..Default::default() };
            (!is_default).then(|| view! {
                <button type="button" class="btn btn-sm filter-remove" disabled=move || ro.with(Option::is_some) || change.pending().get() title=move || ro.get()
                    on:click=move |_| { change.dispatch((c.clone(), false)); }>{tr!(common.remove)}</button>
            })
        })
        .class("col-actions"),
    ];
    // Adding a rule.
    let rule_type = RwSignal::new("skipCache".to_string());
    let scope = RwSignal::new("data".to_string());
    let pattern = RwSignal::new(String::new());
    let time = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let rule_problem = Memo::new(move |_| {
        let p = if pattern.with(|p| p.trim().is_empty()) { Some(("pattern", Problem::new("alluxio.required").with("field", "pattern"))) } else { None };
        p.or_else(|| check_filter_rule(Some(&rule_type.get()), Some(&scope.get()), Some(&time.get())).err().map(|e| ("time", e)))
    });
    let err = move |f: &'static str| Signal::derive(move || if tried.get() { rule_problem.with(|p| p.as_ref().filter(|(x, _)| *x == f).map(|(_, e)| problem(e))) } else { None });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if rule_problem.get_untracked().is_none() {
            let t = rule_type.get_untracked();
            let c = CacheFilterChange {
                rule_type: Some(t.clone()),
                scope: Some(scope.get_untracked()),
                pattern: Some(pattern.get_untracked().trim().to_string()),
                time: (t == "maxAge").then(|| time.get_untracked().trim().to_string()),
                ..Default::default()
            };
            change.dispatch((c, true));
        }
    };
    let type_options = Signal::derive(|| FILTER_TYPES.iter().map(|t| (t.to_string(), t.to_string())).collect::<Vec<_>>());
    let scope_options = Signal::derive(|| FILTER_SCOPES.iter().map(|t| (t.to_string(), t.to_string())).collect::<Vec<_>>());
    // Test a path.
    let test_path = RwSignal::new(String::new());
    let test = Action::new_local(move |p: &String| {
        let client = session.client_untracked();
        let p = p.clone();
        async move { test_cache_filter(&client, &p).await }
    });
    view! {
        <div class="card" id="cache-filter">
            <h2>{tr!(cache.filter_title)}</h2>
            <p class="hint">{tr!(cache.filter_hint)}</p>
            {move || data.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.policy_failed)/> })}
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.rule_refused)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=rows columns=columns row_key=|r: &(String, String, String, String)| format!("{}|{}|{}", r.0, r.1, r.2)
                    caption=tr!(cache.filter_title) empty=tr!(cache.no_rules) class="cache-filter-rules"/>
            </Transition>
            <form class="form inline-form" id="filter-form" novalidate=true on:submit=add>
                <SelectField id="filter-type" label=tr!(cache.col_rule) value=rule_type options=type_options on_change=Callback::new(move |v| rule_type.set(v))
                    hint=tr!(cache.filter_type_hint)/>
                <SelectField id="filter-scope" label=tr!(cache.col_scope) value=scope options=scope_options on_change=Callback::new(move |v| scope.set(v))/>
                <TextField id="filter-pattern" label=tr!(cache.col_pattern) value=pattern on_input=Callback::new(move |v| pattern.set(v))
                    error=err("pattern") hint=tr!(cache.filter_pattern_hint) placeholder=Signal::derive(|| ".*/tmp/.*".to_string()) required=true/>
                <TextField id="filter-time" label=tr!(cache.col_ttl) value=time on_input=Callback::new(move |v| time.set(v)) error=err("time")
                    hint=tr!(cache.filter_time_hint) disabled=Signal::derive(move || rule_type.get() != "maxAge")/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="filter-submit" disabled=move || change.pending().get() || ro.with(Option::is_some) title=move || ro.get()>
                        {tr!(cache.add_rule)}
                    </button>
                </div>
            </form>
            <form class="form inline-form filter-test" id="filter-test-form" role="search"
                on:submit=move |ev| { ev.prevent_default(); let p = test_path.get_untracked(); if !p.trim().is_empty() { test.dispatch(p.trim().to_string()); } }>
                <TextField id="filter-test-path" label=tr!(cache.test_path) value=test_path on_input=Callback::new(move |v| test_path.set(v))
                    hint=tr!(cache.test_path_hint) placeholder=Signal::derive(|| "/obs/tpch/lineitem/part-0.parquet".to_string())/>
                <div class="form-actions"><button type="submit" class="btn" id="filter-test-submit">{tr!(cache.test)}</button></div>
            </form>
            {move || test.value().get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e title=tr!(cache.test_failed)/> }.into_any(),
                Ok(res) => view! {
                    <dl class="facts" id="filter-test-result">
                        <dt>{tr!(cache.col_ufs)}</dt><dd class="mono">{res.ufs.clone()}</dd>
                        <dt>{tr!(cache.scope_data)}</dt><dd id="filter-test-data">{move || filter_match_text(&res.data)}</dd>
                        <dt>{tr!(cache.scope_metadata)}</dt><dd id="filter-test-metadata">{move || filter_match_text(&res.metadata)}</dd>
                    </dl>
                }.into_any(),
            })}
        </div>
    }
}

#[component]
fn FileIndex() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let data = LocalResource::new(move || {
        refresh.track();
        let client = session.client();
        async move { list_file_indexes(&client).await }
    });
    let (remove, outcome) = remover(|c, p| Box::pin(async move { remove_file_index(&c, &p).await.map(|_| ()) }));
    let columns = vec![
        Column::text(tr!(cache.col_path), |e: &FileIndexEntry| e.path.clone()).class("mono"),
        Column::text(tr!(cache.alias), |e: &FileIndexEntry| e.alias.clone()),
        Column::new(tr!(cache.col_entries), |e: &FileIndexEntry| format::count(e.entry_count)).class("num"),
        Column::new(tr!(cache.created), |e: &FileIndexEntry| view! { <super::IsoTime iso=e.created_time.clone()/> }),
        Column::new(String::new, move |e: &FileIndexEntry| remove_button("index", e.path.clone(), remove)).class("col-actions"),
    ];
    let send = sender(|c, p, v| {
        Box::pin(async move {
            let change = FileIndexChange { path: Some(p), alias: Some(v).filter(|a| !a.is_empty()), entries: None };
            add_file_index(&c, &change).await.map(|_| ())
        })
    });
    view! {
        <div class="card" id="cache-file-index">
            <h2>{tr!(cache.file_index)}</h2>
            <p class="hint">{tr!(cache.file_index_hint)}</p>
            {move || data.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(cache.policy_failed)/> })}
            {move || outcome.get().map(|e| view! { <ErrorPanel error=e title=tr!(cache.remove_failed)/> })}
            <Transition fallback=|| view! { <Spinner/> }>
                <DataTable rows=Signal::derive(move || data.get().and_then(Result::ok).unwrap_or_default()) columns=columns
                    row_key=|e: &FileIndexEntry| e.path.clone() key_attr="data-index" caption=tr!(cache.file_index) empty=tr!(cache.no_rules) class="cache-index"/>
            </Transition>
            <PathValueForm id="index" value_label=tr!(cache.alias) value_hint=tr!(cache.index_alias_hint)
                check=|_| Ok(()) send=send submit_label=tr!(cache.add_index) value_optional=true/>
        </div>
    }
}
