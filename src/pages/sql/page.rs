//! `/sql`: the SQL editor. Tabs with autosaved drafts, run the statement at the cursor
//! (Ctrl/Cmd+Enter) or the whole script (Shift+Ctrl/Cmd+Enter) through MRS ExecuteSql, one
//! statement at a time with a status each; cancel through CancelSql; elapsed time; results in the
//! virtualized grid up to a row limit; EXPLAIN; format; schema browser; history.

use std::sync::Arc;
use std::time::Duration;

use lakedeck_api::grid::ResultSet;
use lakedeck_api::mrs_sql::{is_cancelled_message, SqlExecution, MAX_INLINE_ROWS, MAX_PAGE_ROWS};
use lakedeck_api::sqledit::{error_position, line_col_to_byte};
use lakedeck_api::sqltext::{format_sql, split_statements, statement_at};
use leptos::html::Textarea;
use leptos::prelude::*;

use super::editor::{cursor_byte, select_bytes, CodeEditor};
use super::schema::SchemaBrowser;
use crate::api::mrs::cluster_choices;
use crate::api::sql::{cancel_sql, execute_sql, show_sql, sql_rows};
use crate::api::{ApiClient, ApiError};
use crate::components::{ErrorPanel, ResultGrid, Timestamp, When};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::sql::{HistoryEntry, Workspace};
use crate::state::{run_effect, use_session};
use crate::{t, tr};

pub const ROW_LIMITS: [u64; 5] = [100, 1_000, 10_000, 100_000, 1_000_000];
const DEFAULT_ROW_LIMIT: u64 = 10_000;

/// One statement of a run and how it went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatementRun {
    pub text: String,
    /// Byte offset of the statement in the tab's text, when it could be placed.
    pub offset: Option<usize>,
    /// QUEUED, RUNNING, FINISHED, FAILED, CANCELLED, or WAITING / SKIPPED for script steps.
    pub status: String,
    pub sql_id: String,
    pub duration_ms: f64,
    pub rows: Option<u64>,
    pub message: String,
    pub error: Option<ApiError>,
}

/// A statement status in the current language (tracked).
pub fn status_label(status: &str) -> String {
    match status {
        "WAITING" => t!(sql.status.waiting),
        "QUEUED" => t!(sql.status.queued),
        "RUNNING" => t!(sql.status.running),
        "FINISHED" => t!(sql.status.finished),
        "FAILED" => t!(sql.status.failed),
        "CANCELLED" => t!(sql.status.cancelled),
        "SKIPPED" => t!(sql.status.skipped),
        other => other.to_string(),
    }
}

/// Colour of a statement status chip.
fn status_tone(status: &str) -> &'static str {
    match status {
        "FINISHED" => "ok",
        "FAILED" => "bad",
        "QUEUED" | "RUNNING" => "busy",
        _ => "muted",
    }
}

/// Sleeps without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Runs one statement to its end: ExecuteSql, then ShowSqlResult until it is final. `on_id` gets
/// the statement id as soon as it is known (so it can be cancelled).
pub async fn run_statement(client: &ApiClient, cluster: &str, statement: &str, on_id: &dyn Fn(&str)) -> Result<SqlExecution, ApiError> {
    let mut exec = execute_sql(client, cluster, statement).await?;
    on_id(&exec.id);
    let mut wait = 100;
    while !matches!(exec.status.as_str(), "FINISHED" | "FAILED") {
        sleep(wait).await;
        wait = (wait + 100).min(500);
        exec = show_sql(client, cluster, &exec.id).await?;
    }
    Ok(exec)
}

/// Reads a finished statement's rows, up to `limit`: the inline `content` when it holds them all,
/// else the paged read. Returns the rows and the total the result has.
pub async fn fetch_rows(client: &ApiClient, cluster: &str, exec: &SqlExecution, limit: u64) -> Result<(ResultSet, u64), ApiError> {
    let mut content = exec.content.iter();
    let columns = content.next().cloned().unwrap_or_default();
    let inline = exec.content.len().saturating_sub(1) as u64;
    // The inline rows are the whole result unless they fill the inline maximum.
    let complete = inline < MAX_INLINE_ROWS as u64 || exec.result_location.is_empty();
    let mut set = ResultSet::new(columns);
    if complete || inline >= limit {
        for row in content.take(limit as usize) {
            set.push_row(row);
        }
        return Ok((set, inline));
    }
    let mut offset = 0u64;
    let mut total = u64::MAX;
    while offset < limit.min(total) {
        let page = sql_rows(client, cluster, &exec.id, offset, (limit - offset).min(MAX_PAGE_ROWS as u64)).await?;
        total = page.total_rows;
        if page.rows.is_empty() {
            break;
        }
        offset += page.rows.len() as u64;
        for row in &page.rows {
            set.push_row(row);
        }
    }
    // Growth leaves up to half of each column buffer unused; give it back before holding it.
    set.shrink_to_fit();
    Ok((set, total.min(u64::MAX - 1)))
}

/// Where in the tab's text an engine error points: byte offset of the statement start plus the
/// line and column the message names (relative to the statement as sent).
pub fn error_offset(tab_text: &str, statement: &str, statement_offset: Option<usize>, message: &str) -> Option<(usize, usize, usize)> {
    let (line, col) = error_position(message)?;
    let within = line_col_to_byte(statement, line, col);
    let base = statement_offset.filter(|o| tab_text.get(*o..*o + statement.len()) == Some(statement))?;
    Some((line, col, base + within))
}

#[component]
pub fn SqlEditor() -> impl IntoView {
    let read_only = crate::state::use_read_only();
    let session = use_session();
    let ws = RwSignal::new(Workspace::load());
    // localStorage writes are synchronous and the workspace carries the history, so typing saves
    // after a short pause, and leaving or hiding the page saves at once.
    let save_seq = StoredValue::new(0u64);
    // `try_`: it also runs while the page's owner is being disposed.
    let save_now = move || {
        let _ = save_seq.try_update_value(|s| *s += 1);
        let _ = ws.try_with_untracked(Workspace::save);
    };
    let save = move || {
        save_seq.update_value(|s| *s += 1);
        let mine = save_seq.get_value();
        set_timeout(
            move || {
                if save_seq.try_get_value() == Some(mine) {
                    ws.with_untracked(Workspace::save);
                }
            },
            Duration::from_millis(250),
        );
    };
    let flush = window_event_listener_untyped("pagehide", move |_| save_now());
    let flush_hidden = window_event_listener_untyped("visibilitychange", move |_| save_now());
    on_cleanup(move || {
        flush.remove();
        flush_hidden.remove();
        save_now();
    });
    let area = NodeRef::<Textarea>::new();
    // Memos, not derived signals: the workspace changes on every keystroke, and what reads the
    // cluster (the schema browser's catalog query) must rerun only when the cluster does.
    let text = Memo::new(move |_| ws.with(|w| w.active_tab().text.clone()));
    let cluster = Memo::new(move |_| ws.with(|w| w.active_tab().cluster.clone()));
    let row_limit = RwSignal::new(DEFAULT_ROW_LIMIT);

    // Running clusters; a tab without one takes the first.
    let clusters = LocalResource::new(move || {
        let client = session.client();
        async move { cluster_choices(&client, "running").await }
    });
    run_effect(move || {
        if let Some(Ok(list)) = clusters.get() {
            let known = |id: &str| list.iter().any(|(c, _)| c == id);
            if !known(&cluster.get_untracked()) {
                if let Some((first, _)) = list.first() {
                    ws.update(|w| w.active_tab_mut().cluster = first.clone());
                    save();
                }
            }
        }
    });

    // The current run.
    let statements = RwSignal::new(Vec::<StatementRun>::new());
    let running = RwSignal::new(false);
    let started = RwSignal::new(0f64);
    let now = RwSignal::new(0f64);
    let current_id = RwSignal::new(None::<(String, String)>);
    let cancel_wanted = StoredValue::new(false);
    let cancel_outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let result = RwSignal::new(Arc::new(ResultSet::default()));
    // Rows held, rows in the result, the row limit.
    let truncated = RwSignal::new(None::<(u64, u64, u64)>);
    let plan = RwSignal::new(None::<String>);
    let has_result = RwSignal::new(false);
    if let Ok(h) = set_interval_with_handle(move || if running.get_untracked() { now.set(js_sys::Date::now()) }, Duration::from_millis(100)) {
        on_cleanup(move || h.clear());
    }
    let elapsed = move || {
        let end = if running.get() { now.get() } else { now.get().max(started.get()) };
        if started.get() == 0.0 { String::new() } else { format::duration_ms((end - started.get()).max(0.0) as i64) }
    };

    let set_step = move |i: usize, f: &dyn Fn(&mut StatementRun)| statements.update(|s| if let Some(st) = s.get_mut(i) { f(st) });

    // Runs `list` one after the other; stops at the first failure or a cancel.
    let notice = RwSignal::new(None::<fn() -> String>);
    let run = move |list: Vec<(String, Option<usize>)>, explain: bool| {
        if running.get_untracked() {
            return;
        }
        let c = cluster.get_untracked();
        let problem: Option<fn() -> String> = if c.is_empty() {
            Some(|| t!(sql.no_cluster))
        } else if list.is_empty() {
            Some(|| t!(sql.no_statement))
        } else {
            None
        };
        notice.set(problem);
        if problem.is_some() {
            return;
        }
        let client = session.client();
        let limit = row_limit.get_untracked();
        statements.set(list.iter().map(|(t, o)| StatementRun { text: t.clone(), offset: *o, status: "WAITING".into(), ..Default::default() }).collect());
        cancel_outcome.set(None);
        plan.set(None);
        cancel_wanted.set_value(false);
        running.set(true);
        started.set(js_sys::Date::now());
        now.set(js_sys::Date::now());
        leptos::task::spawn_local(async move {
            for (i, (stmt, _)) in list.iter().enumerate() {
                if cancel_wanted.get_value() {
                    set_step(i, &|s| s.status = "SKIPPED".into());
                    continue;
                }
                let t0 = js_sys::Date::now();
                set_step(i, &|s| s.status = "QUEUED".into());
                let sent = if explain { format!("EXPLAIN {stmt}") } else { stmt.clone() };
                let on_id = |id: &str| {
                    current_id.set(Some((c.clone(), id.to_string())));
                    let id = id.to_string();
                    set_step(i, &|s| {
                        s.sql_id = id.clone();
                        s.status = "RUNNING".into();
                    });
                };
                let outcome = match run_statement(&client, &c, &sent, &on_id).await {
                    Ok(exec) if exec.status == "FINISHED" => {
                        current_id.set(None);
                        fetch_rows(&client, &c, &exec, limit).await.map(|rows| (exec, Some(rows)))
                    }
                    other => other.map(|exec| (exec, None)),
                };
                current_id.set(None);
                let (status, message, rows, error) = match &outcome {
                    Err(e) => ("FAILED", e.message(), None, Some(e.clone())),
                    Ok((exec, None)) => {
                        let cancelled = is_cancelled_message(&exec.message);
                        (if cancelled { "CANCELLED" } else { "FAILED" }, exec.message.clone(), None, None)
                    }
                    Ok((exec, Some((_, total)))) => ("FINISHED", exec.message.clone(), Some(*total), None),
                };
                set_step(i, &|s| {
                    s.status = status.into();
                    s.message = message.clone();
                    s.rows = rows;
                    s.error = error.clone();
                });
                let mut entry = HistoryEntry {
                    text: sent.clone(),
                    cluster: c.clone(),
                    at_ms: t0,
                    status: status.into(),
                    rows,
                    message: message.clone(),
                    ..Default::default()
                };
                if let Ok((_, Some((set, total)))) = outcome {
                    if explain {
                        let cells = |r: usize| (0..set.column_count()).map(|col| set.cell(r, col)).collect::<Vec<_>>().join("\n");
                        plan.set(Some((0..set.len()).map(cells).collect::<Vec<_>>().join("\n\n")));
                    } else {
                        let held = set.len() as u64;
                        truncated.set((held < total).then_some((held, total, limit)));
                        result.set(Arc::new(set));
                        has_result.set(true);
                    }
                }
                let ok = status == "FINISHED";
                let d = js_sys::Date::now() - t0;
                entry.duration_ms = d;
                set_step(i, &|s| s.duration_ms = d);
                ws.update(|w| w.record(entry.clone()));
                save();
                if !ok {
                    cancel_wanted.set_value(true);
                }
            }
            now.set(js_sys::Date::now());
            running.set(false);
        });
    };

    let run_at_cursor = move |explain: bool| {
        let t = text.get_untracked();
        let cursor = area.get_untracked().map(|a| cursor_byte(&a, &t)).unwrap_or(0);
        let picked = statement_at(&t, cursor).map(|(range, stmt)| {
            let offset = (t.get(range.clone()) == Some(stmt.as_str())).then_some(range.start);
            (stmt, offset)
        });
        run(picked.into_iter().collect(), explain);
    };
    let run_script = move || {
        let t = text.get_untracked();
        let list = split_statements(&t).into_iter().map(|s| {
            let offset = t.find(&s);
            (s, offset)
        });
        run(list.collect(), false);
    };
    let on_run = Callback::new(move |script: bool| if script { run_script() } else { run_at_cursor(false) });

    let cancel = move |_| {
        let Some((c, id)) = current_id.get_untracked() else { return };
        cancel_wanted.set_value(true);
        let client = session.client();
        leptos::task::spawn_local(async move {
            let r = cancel_sql(&client, &c, &id).await.map(|r| r.status);
            cancel_outcome.set(Some(r));
        });
    };

    let on_input = Callback::new(move |t: String| {
        ws.update(|w| w.active_tab_mut().text = t);
        save();
    });
    let insert = Callback::new(move |name: String| {
        let Some(a) = area.get_untracked() else { return };
        let t = text.get_untracked();
        let at = cursor_byte(&a, &t);
        let new_text = format!("{}{}{}", &t[..at], name, &t[at..]);
        on_input.run(new_text.clone());
        a.set_value(&new_text);
        select_bytes(&a, &new_text, at + name.len(), at + name.len());
    });
    let format_text = move |_| {
        let t = text.get_untracked();
        on_input.run(format_sql(&t));
    };

    // Catalog names for completion, filled by the schema browser.
    let names = RwSignal::new(Vec::<String>::new());

    let tab_buttons = move || {
        let active = ws.with(|w| w.active);
        ws.with(|w| w.tabs.iter().map(|t| (t.id, t.title())).collect::<Vec<_>>())
            .into_iter()
            .map(|(id, title)| {
                let selected = id == active;
                view! {
                    <div class="sql-tab" class:active=selected data-tab-id=id.to_string()>
                        <button type="button" role="tab" class="sql-tab-name" aria-selected=selected.to_string()
                            on:click=move |_| { ws.update(|w| w.active = id); save(); }>{title.clone()}</button>
                        <button type="button" class="btn-icon sql-tab-close" aria-label=move || t!(sql.close_tab, title = title)
                            on:click=move |_| { ws.update(|w| w.close_tab(id)); save(); }>"×"</button>
                    </div>
                }
            })
            .collect_view()
    };
    let cluster_options = move || {
        let current = cluster.get();
        clusters.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|(id, name)| {
            let selected = id == current;
            view! { <option value=id selected=selected>{name}</option> }
        }).collect_view()
    };
    let status_rows = move || {
        statements.get().into_iter().enumerate().map(|(i, s)| {
            let tone = status_tone(&s.status);
            let rows = s.rows.map(format::count).unwrap_or_default();
            let duration = if s.duration_ms > 0.0 { format::duration_ms(s.duration_ms as i64) } else { String::new() };
            let mut short: String = s.text.chars().take(80).collect();
            if s.text.chars().count() > 80 {
                short.push('…');
            }
            view! {
                <tr data-index=i.to_string() data-status=s.status.clone()>
                    <td class="num">{(i + 1).to_string()}</td>
                    <td><code class="mono" title=s.text.clone()>{short}</code></td>
                    <td><span class=format!("state-chip tone-{tone}")><span class="dot" aria-hidden="true"></span><span class="state-label">{status_label(&s.status)}</span></span></td>
                    <td class="num">{duration}</td>
                    <td class="num">{rows}</td>
                    <td><code class="mono sql-id">{s.sql_id.clone()}</code></td>
                    <td class="sql-message">{s.message.clone()}</td>
                </tr>
            }
        }).collect_view()
    };
    // The first failure, with where it points in the editor.
    let failure = move || {
        statements.with(|list| list.iter().find(|s| s.status == "FAILED").cloned()).map(|s| {
            if let Some(e) = s.error.clone() {
                return view! { <ErrorPanel error=e title=tr!(sql.not_run)/> }.into_any();
            }
            let t = text.get_untracked();
            let at = error_offset(&t, &s.text, s.offset, &s.message);
            let position = at.map(|(line, col, byte)| {
                let (tl, tc) = lakedeck_api::sqledit::byte_to_line_col(&t, byte);
                view! {
                    <p class="error-position">
                        {t!(sql.error_position, line = line, col = col, editor_line = tl, editor_col = tc)} " "
                        <button type="button" class="btn btn-sm" id="sql-show-error" on:click=move |_| {
                            if let Some(a) = area.get_untracked() { select_bytes(&a, &text.get_untracked(), byte, byte + 1); }
                        }>{tr!(sql.show_in_editor)}</button>
                    </p>
                }
            });
            view! {
                <div class="error-panel" role="alert" id="sql-error">
                    <h2 class="error-title">{tr!(sql.failed)}</h2>
                    <p class="error-message">{s.message.clone()}</p>
                    {position}
                </div>
            }
            .into_any()
        })
    };

    let new_tab = move |_| {
        let c = cluster.get_untracked();
        ws.update(|w| { w.new_tab(String::new(), c); });
        save();
        if let Some(a) = area.get_untracked() { let _ = a.focus(); }
    };
    let reopen = move |_| {
        ws.update(|w| { w.reopen(); });
        save();
    };
    let side = RwSignal::new("schema");

    view! {
        <section class="page sql-page" aria-labelledby="sql-title">
            <header class="page-head">
                <h1 id="sql-title">{tr!(nav.sql)}</h1>
                <div class="page-actions sql-settings">
                    <label for="sql-cluster">{tr!(jobs.cluster)}</label>
                    <select id="sql-cluster" class="input input-sm" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        ws.update(|w| w.active_tab_mut().cluster = v);
                        save();
                    }>{cluster_options}</select>
                    <label for="sql-row-limit">{tr!(sql.row_limit)}</label>
                    <select id="sql-row-limit" class="input input-sm" on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse() { row_limit.set(n) }
                    }>
                        {ROW_LIMITS.into_iter().map(|n| view! {
                            <option value=n.to_string() selected=move || row_limit.get() == n>{move || format::count(n)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </header>
            {move || clusters.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(common.clusters_failed)/> })}
            <div class="sql-layout">
                <aside class="card sql-side" aria-label=tr!(sql.side_label)>
                    <div class="tabs" role="tablist">
                        <button type="button" role="tab" class="tab" id="sql-side-schema" aria-selected=move || (side.get() == "schema").to_string()
                            on:click=move |_| side.set("schema")>{tr!(sql.schema)}</button>
                        <button type="button" role="tab" class="tab" id="sql-side-history" aria-selected=move || (side.get() == "history").to_string()
                            on:click=move |_| side.set("history")>{tr!(sql.history)}</button>
                    </div>
                    // Kept mounted while History shows, so switching back does not read the catalog again.
                    <div hidden=move || side.get() != "schema">
                        <SchemaBrowser cluster=cluster on_insert=insert names=names/>
                    </div>
                    <When when=move || side.get() == "history">
                        <History ws=ws on_open=Callback::new(move |(t, c, run_now): (String, String, bool)| {
                            ws.update(|w| { w.new_tab(t, c); });
                            save();
                            if run_now { run_script(); }
                        })/>
                    </When>
                </aside>
                <div class="sql-main">
                    <div class="sql-tabs" role="tablist" aria-label=tr!(sql.tabs_label)>
                        {tab_buttons}
                        <button type="button" class="btn btn-sm" id="sql-new-tab" on:click=new_tab title=tr!(sql.new_tab_title)>{tr!(sql.new_tab)}</button>
                        <button type="button" class="btn btn-sm btn-ghost" id="sql-reopen-tab" on:click=reopen
                            disabled=move || ws.with(|w| w.closed.is_empty())>{tr!(sql.reopen)}</button>
                    </div>
                    <div class="sql-toolbar">
                        <button type="button" class="btn btn-primary" id="sql-run" disabled=move || read_only.with(Option::is_some) || running.get()
                            on:click=move |_| run_at_cursor(false) title=move || read_only.get().unwrap_or_else(|| t!(sql.run_title))>{tr!(sql.run)}</button>
                        <button type="button" class="btn" id="sql-run-script" disabled=move || read_only.with(Option::is_some) || running.get()
                            on:click=move |_| run_script() title=move || read_only.get().unwrap_or_else(|| t!(sql.run_script_title))>{tr!(sql.run_script)}</button>
                        <button type="button" class="btn btn-danger" id="sql-cancel" title=move || read_only.get() disabled=move || read_only.with(Option::is_some) || current_id.with(Option::is_none)
                            on:click=cancel>{tr!(common.cancel)}</button>
                        <button type="button" class="btn" id="sql-explain" title=move || read_only.get() disabled=move || read_only.with(Option::is_some) || running.get()
                            on:click=move |_| run_at_cursor(true)>{tr!(sql.explain)}</button>
                        <button type="button" class="btn" id="sql-format" on:click=format_text>{tr!(sql.format)}</button>
                        <span class="sql-elapsed" id="sql-elapsed" aria-live="off">{elapsed}</span>
                        <When when=move || running.get()><span class="spinner" role="status" aria-label=tr!(sql.status.running)></span></When>
                    </div>
                    <CodeEditor text=text on_input=on_input names=names on_run=on_run area=area/>
                    <p class="hint" id="sql-keys-hint">{tr!(sql.keys_hint)}</p>
                    {move || notice.get().map(|m| view! { <p class="notice notice-bad" role="alert" id="sql-notice">{m}</p> })}
                    {move || cancel_outcome.get().map(|r| match r {
                        Ok(status) => view! {
                            <p class="notice notice-ok" role="status" id="sql-cancel-outcome">{move || t!(sql.cancel_confirmed, status = status_label(&status))}</p>
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e title=tr!(sql.cancel_refused)/> }.into_any(),
                    })}
                    <When when=move || statements.with(|s| !s.is_empty())>
                        <div class="table-wrap">
                            <table class="data-table sql-statements" id="sql-statements">
                                <caption class="visually-hidden">{tr!(sql.statements_caption)}</caption>
                                <thead><tr>
                                    <th scope="col">"#"</th><th scope="col">{tr!(sql.col_statement)}</th><th scope="col">{tr!(cluster.col_status)}</th>
                                    <th scope="col">{tr!(jobs.col_duration)}</th><th scope="col">{tr!(sql.col_rows)}</th><th scope="col">{tr!(sql.col_id)}</th><th scope="col">{tr!(sql.col_message)}</th>
                                </tr></thead>
                                <tbody>{status_rows}</tbody>
                            </table>
                        </div>
                    </When>
                    {failure}
                    {move || plan.get().map(|p| view! {
                        <section class="card" aria-labelledby="sql-plan-title">
                            <h2 id="sql-plan-title">{tr!(sql.plan)}</h2>
                            <pre class="code-block" id="sql-plan">{p}</pre>
                        </section>
                    })}
                    <When when=move || has_result.get()>
                        <ResultGrid data=result id="sql-grid"
                            truncated=move || truncated.get().map(|(held, total, limit)| t!(sql.truncated, held = held, total = total, limit = limit))/>
                    </When>
                </div>
            </div>
        </section>
    }
}

/// Every run, newest first: search, open in a new tab, run again.
#[component]
fn History(ws: RwSignal<Workspace>, on_open: Callback<(String, String, bool)>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let rows = move || {
        let q = search.get().to_lowercase();
        ws.with(|w| w.history.iter().filter(|h| q.is_empty() || h.text.to_lowercase().contains(&q)).take(100).cloned().collect::<Vec<_>>())
            .into_iter()
            .map(|h| {
                let (t1, c1, t2, c2) = (h.text.clone(), h.cluster.clone(), h.text.clone(), h.cluster.clone());
                let tone = status_tone(&h.status);
                view! {
                    <li class="history-entry">
                        <div class="history-meta">
                            <span class=format!("state-chip tone-{tone}")><span class="state-label">{status_label(&h.status)}</span></span>
                            <Timestamp epoch=(h.at_ms as i64).to_string()/>
                            <span class="muted">{format::duration_ms(h.duration_ms as i64)}</span>
                            {h.rows.map(|r| view! { <span class="muted">{t!(sql.rows, count = r)}</span> })}
                        </div>
                        <code class="mono history-text">{h.text.clone()}</code>
                        <div class="history-actions">
                            <button type="button" class="btn btn-sm history-open" on:click=move |_| on_open.run((t1.clone(), c1.clone(), false))>{tr!(sql.open)}</button>
                            <button type="button" class="btn btn-sm history-run" on:click=move |_| on_open.run((t2.clone(), c2.clone(), true))>{tr!(sql.run_again)}</button>
                        </div>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="sql-history">
            <label class="label" for="sql-history-search">{tr!(sql.history_search)}</label>
            <input id="sql-history-search" type="search" class="input" prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))/>
            <ul class="history-list" id="sql-history">{rows}</ul>
            <When when=move || ws.with(|w| w.history.is_empty())>
                <p class="hint">{tr!(sql.history_empty)}</p>

            </When>
        </div>
    }
}
