//! `/sql`: the SQL editor. Tabs with autosaved drafts; a code editor (CodeMirror, loaded with this
//! view) that runs the statement at the cursor (Ctrl/Cmd+Enter) or the whole script
//! (Shift+Ctrl/Cmd+Enter) through MRS ExecuteSql, one statement at a time; cancel through
//! CancelSql; results under the editor in a resizable pane, one tab per statement; EXPLAIN;
//! format; schema browser; history.

use std::ops::Range;
use std::time::Duration;

use lakedeck_api::mrs_sql::is_cancelled_message;
use lakedeck_api::sqledit::{byte_to_line_col, error_position, line_col_to_byte, CompletionCatalog};
use lakedeck_api::sqlrun::RowTotal;
use lakedeck_api::sqltext::{format_sql, statement_at, statement_spans, tokenize};
use leptos::prelude::*;

use super::editor::{CodeEditor, EditorHandle};
use super::results::{status_label, ErrorAt, Results};
use super::run::{changes_catalog, fetch_rows, is_unreachable, run_statement, Progress, RunError, RunFailure, StatementRun, Step};
use super::schema::SchemaBrowser;
use crate::api::mrs::cluster_choices;
use crate::api::sql::cancel_sql;
use crate::api::ApiError;
use crate::components::{ErrorPanel, Splitter, Timestamp, When};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::sql::{HistoryEntry, Workspace, ROW_LIMITS};
use crate::state::{run_effect, use_session};
use crate::{t, tr};

/// How long a run may go before the page shows it as running (below what a user perceives as a
/// delay; a statement that ends sooner shows its result directly).
const RUN_SHOW_DELAY_MS: u64 = 100;

/// A run not shown yet: its statements, the result tab to show, and when it started.
struct StagedRun {
    statements: Vec<StatementRun>,
    shown: usize,
    started: f64,
}

/// Height of the editor pane until the user drags it, and its limits.
const EDITOR_DEFAULT: f64 = 260.0;
const EDITOR_MIN: f64 = 96.0;

/// Where an engine error points, from the statement as sent and its place in the tab's text:
/// `(line, column)` in the statement and the byte offset in the tab. `None` when the message names
/// no position or the statement is no longer where it was.
pub fn error_offset(tab_text: &str, statement: &str, statement_offset: Option<usize>, message: &str) -> Option<(usize, usize, usize)> {
    let (line, col) = error_position(message)?;
    let within = line_col_to_byte(statement, line, col);
    let base = statement_offset.filter(|o| tab_text.get(*o..*o + statement.len()) == Some(statement))?;
    Some((line, col, base + within))
}

/// The bytes to underline for an error at `byte`: the token there (at least one character).
pub fn error_span(text: &str, byte: usize) -> Range<usize> {
    let token = tokenize(text).into_iter().find(|t| t.span.contains(&byte) && !t.span.is_empty());
    match token {
        Some(t) if !text[t.span.clone()].trim().is_empty() => t.span,
        _ => {
            let end = text[byte.min(text.len())..].chars().next().map_or(byte, |c| byte + c.len_utf8());
            byte..end
        }
    }
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
                    let _ = ws.try_with_untracked(Workspace::save);
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
    let editor = EditorHandle::new();
    // Memos, not derived signals: the workspace changes on every keystroke, and what reads the
    // cluster (the schema browser's catalog query) must rerun only when the cluster does.
    let tab = Memo::new(move |_| ws.with(|w| w.active));
    let text = Memo::new(move |_| ws.with(|w| w.active_tab().text.clone()));
    let cluster = Memo::new(move |_| ws.with(|w| w.active_tab().cluster.clone()));
    let row_limit = Memo::new(move |_| ws.with(|w| w.row_limit));

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
    let run_id = RwSignal::new(0u64);
    let shown = RwSignal::new(0usize);
    let running = RwSignal::new(false);
    let started = RwSignal::new(0f64);
    let now = RwSignal::new(0f64);
    let current_id = RwSignal::new(None::<(String, String)>);
    let cancel_wanted = StoredValue::new(false);
    let cancel_outcome = RwSignal::new(None::<Result<String, ApiError>>);
    // Read the catalog again (after a statement that may have changed it).
    let catalog_reload = RwSignal::new(0u32);
    let catalog = RwSignal::new(CompletionCatalog::default());
    if let Ok(h) = set_interval_with_handle(move || if running.get_untracked() { now.set(js_sys::Date::now()) }, Duration::from_millis(100)) {
        on_cleanup(move || h.clear());
    }
    let elapsed = move || {
        let end = if running.get() { now.get() } else { now.get().max(started.get()) };
        if started.get() == 0.0 { String::new() } else { format::duration_ms((end - started.get()).max(0.0) as i64) }
    };

    // A run is first staged, not shown: the page changes only when its first statement ends or
    // RUN_SHOW_DELAY_MS have passed, whichever comes first. A quick statement then replaces the last
    // result in one step; showing "running" at once cost a frame of layout and paint that the
    // answer had to wait behind, and flashed the running state for a few milliseconds.
    let busy = StoredValue::new(false);
    let run_seq = StoredValue::new(0u64);
    let staged = StoredValue::new(None::<StagedRun>);
    // Changes statement `i`; false once the page is gone (the run then stops).
    let set_step = move |i: usize, f: &dyn Fn(&mut StatementRun)| {
        let edit = |list: &mut Vec<StatementRun>| {
            if let Some(s) = list.get_mut(i) {
                f(s)
            }
        };
        match staged.try_update_value(|st| st.as_mut().map(|st| edit(&mut st.statements)).is_some()) {
            None => false,
            Some(true) => true,
            Some(false) => statements.try_update(edit).is_some(),
        }
    };
    let set_shown = move |i: usize| {
        if staged.try_update_value(|st| st.as_mut().map(|st| st.shown = i).is_some()) == Some(false) {
            let _ = shown.try_set(i);
        }
    };
    // Shows the staged run (the delay passed, or its first statement ended).
    let show_run = move || {
        let Some(Some(run)) = staged.try_update_value(Option::take) else { return };
        let _ = statements.try_set(run.statements);
        let _ = run_id.try_update(|n| *n += 1);
        let _ = shown.try_set(run.shown);
        let _ = cancel_outcome.try_set(None);
        let _ = started.try_set(run.started);
        let _ = now.try_set(js_sys::Date::now());
        let _ = running.try_set(true);
    };

    // Underlines the first failure in the editor, when its tab and text are still the run's.
    let underline = move || {
        let Some(s) = statements.with_untracked(|l| l.iter().find(|s| s.step == Step::Failed && s.error.is_none()).cloned()) else { return };
        if s.tab != tab.get_untracked() {
            return;
        }
        let t = text.get_untracked();
        if let Some((_, _, byte)) = error_offset(&t, &s.text, s.span.as_ref().map(|r| r.start), &s.message) {
            let span = error_span(&t, byte);
            editor.with(|e| e.set_error(&t, span.start, span.end, &s.message));
        }
    };

    // Runs `list` one after the other; stops at the first statement that does not finish, or a cancel.
    let notice = RwSignal::new(None::<fn() -> String>);
    let run = move |list: Vec<(String, Option<Range<usize>>)>, explain: bool| {
        if busy.get_value() {
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
        if problem.is_some() || notice.with_untracked(Option::is_some) {
            notice.set(problem);
        }
        if problem.is_some() {
            return;
        }
        let client = session.client();
        let limit = row_limit.get_untracked();
        let tab_id = tab.get_untracked();
        editor.with(|e| e.clear_error());
        busy.set_value(true);
        cancel_wanted.set_value(false);
        staged.set_value(Some(StagedRun {
            statements: list.iter().map(|(t, span)| StatementRun { text: t.clone(), span: span.clone(), tab: tab_id, limit, ..Default::default() }).collect(),
            shown: 0,
            started: js_sys::Date::now(),
        }));
        run_seq.update_value(|n| *n += 1);
        let seq = run_seq.get_value();
        set_timeout(move || if run_seq.try_get_value() == Some(seq) { show_run() }, Duration::from_millis(RUN_SHOW_DELAY_MS));
        leptos::task::spawn_local(async move {
            for (i, (stmt, _)) in list.iter().enumerate() {
                if cancel_wanted.try_get_value() != Some(false) {
                    set_step(i, &|s| s.step = Step::Skipped);
                    continue;
                }
                let t0 = js_sys::Date::now();
                set_shown(i);
                set_step(i, &|s| {
                    s.step = Step::Queued;
                    s.started_ms = t0;
                });
                let sent = if explain { format!("EXPLAIN {stmt}") } else { stmt.clone() };
                let report = |p: Progress| match p {
                    Progress::Accepted(id) => {
                        let _ = current_id.try_set(Some((c.clone(), id.clone())));
                        set_step(i, &|s| {
                            s.sql_id = id.clone();
                            s.step = Step::Running;
                        })
                    }
                    Progress::Status(status) => set_step(i, &|s| {
                        s.step = Step::from_service(&status);
                        s.lost_tries = 0;
                    }),
                    Progress::Lost { tries } => set_step(i, &|s| {
                        s.step = Step::Lost;
                        s.lost_tries = tries;
                    }),
                };
                let outcome = run_statement(&client, &c, &sent, &report).await;
                let _ = current_id.try_set(None);
                let record = |s: &mut StatementRun| s.duration_ms = js_sys::Date::now() - t0;
                match outcome {
                    Err(RunError::Abandoned) => return,
                    Ok(exec) if exec.status == "FINISHED" => {
                        let rows = fetch_rows(&client, &c, &exec, limit).await;
                        set_step(i, &|s| {
                            record(s);
                            s.step = Step::Finished;
                            s.message = exec.message.clone();
                            s.exec = Some(exec.clone());
                            match &rows {
                                Ok(r) if explain => {
                                    let cells = |row: usize| (0..r.set.column_count()).map(|col| r.set.cell(row, col)).collect::<Vec<_>>().join("\n");
                                    s.plan = Some((0..r.set.len()).map(cells).collect::<Vec<_>>().join("\n\n"));
                                }
                                Ok(r) => {
                                    s.rows = Some(r.set.clone());
                                    s.total = Some(r.total);
                                }
                                Err(e) => s.error = Some(RunFailure::Rows(e.clone())),
                            }
                        });
                        if changes_catalog(stmt) {
                            let _ = catalog_reload.try_update(|n| *n += 1);
                        }
                    }
                    Ok(exec) => {
                        let cancelled = is_cancelled_message(&exec.message);
                        set_step(i, &|s| {
                            record(s);
                            s.step = if cancelled { Step::Cancelled } else { Step::Failed };
                            s.message = exec.message.clone();
                            s.exec = Some(exec.clone());
                        });
                    }
                    Err(RunError::Refused(e)) => {
                        set_step(i, &|s| {
                            record(s);
                            s.step = Step::Failed;
                            s.message = e.message();
                            s.error = Some(RunFailure::Refused(e.clone()));
                        });
                    }
                    Err(RunError::NoAnswer(e)) => {
                        set_step(i, &|s| {
                            record(s);
                            s.step = Step::Unknown;
                            s.error = Some(RunFailure::NoAnswer(e.clone()));
                        });
                    }
                    Err(RunError::Untracked(e)) => {
                        set_step(i, &|s| {
                            record(s);
                            s.step = Step::Unknown;
                            s.message = e.message();
                            s.error = Some(RunFailure::Untracked(e.clone()));
                        });
                    }
                }
                // Its outcome is known: the page shows the run from here on.
                show_run();
                let Some(done) = statements.try_with_untracked(|l| l.get(i).cloned()).flatten() else { return };
                let entry = HistoryEntry {
                    text: sent.clone(),
                    cluster: c.clone(),
                    at_ms: t0,
                    duration_ms: done.duration_ms,
                    status: match done.step {
                        Step::Finished => "FINISHED",
                        Step::Cancelled => "CANCELLED",
                        Step::Unknown => "UNKNOWN",
                        _ => "FAILED",
                    }
                    .into(),
                    rows: done.total.map(|t| match t {
                        RowTotal::Exact(n) | RowTotal::AtLeast(n) => n,
                    }),
                    message: done.message.clone(),
                };
                let _ = ws.try_update(|w| w.record(entry));
                save();
                if done.step != Step::Finished {
                    cancel_wanted.set_value(true);
                }
            }
            show_run();
            let _ = busy.try_set_value(false);
            let _ = now.try_set(js_sys::Date::now());
            let _ = running.try_set(false);
            // Show the first statement that did not finish, else the last one.
            if let Some(list) = statements.try_with_untracked(|l| l.iter().map(|s| s.step).collect::<Vec<_>>()) {
                let pick = list.iter().position(|s| matches!(s, Step::Failed | Step::Unknown | Step::Cancelled)).unwrap_or(list.len().saturating_sub(1));
                let _ = shown.try_set(pick);
            }
            underline();
        });
    };

    let run_at_cursor = move |explain: bool| {
        let t = text.get_untracked();
        let cursor = editor.with(|e| e.cursor_byte(&t)).unwrap_or(t.len());
        let picked = statement_at(&t, cursor).map(|(range, stmt)| (stmt, Some(range)));
        run(picked.into_iter().collect(), explain);
    };
    let run_script = move || {
        let t = text.get_untracked();
        run(statement_spans(&t).into_iter().map(|(range, s)| (s, Some(range))).collect(), false);
    };
    let on_run = Callback::new(move |script: bool| if script { run_script() } else { run_at_cursor(false) });

    // Offered once the run shows (a memo: the statement's id arriving while the run is still staged
    // changes nothing on the page).
    let can_cancel = Memo::new(move |_| running.get() && current_id.with(Option::is_some));
    let cancel = move |_| {
        let Some((c, id)) = current_id.get_untracked() else { return };
        cancel_wanted.set_value(true);
        let client = session.client();
        leptos::task::spawn_local(async move {
            let r = cancel_sql(&client, &c, &id).await.map(|r| r.status);
            let _ = cancel_outcome.try_set(Some(r));
        });
    };

    let on_input = Callback::new(move |t: String| {
        ws.update(|w| w.active_tab_mut().text = t);
        save();
    });
    let insert = Callback::new(move |name: String| {
        editor.with(|e| e.insert(&name));
    });
    let format_text = Callback::new(move |_: ()| {
        let t = text.get_untracked();
        let formatted = format_sql(&t);
        if formatted != t {
            // Through the editor: one undoable change (Ctrl+Z brings the old text back).
            if editor.with(|e| e.replace_all(&formatted)).is_none() {
                on_input.run(formatted);
            }
        }
    });
    let show_error = Callback::new(move |i: usize| {
        let Some(s) = statements.with_untracked(|l| l.get(i).cloned()) else { return };
        if s.tab != tab.get_untracked() {
            ws.update(|w| w.active = s.tab);
        }
        let t = text.get_untracked();
        if let Some((_, _, byte)) = error_offset(&t, &s.text, s.span.as_ref().map(|r| r.start), &s.message) {
            let span = error_span(&t, byte);
            editor.with(|e| e.select_bytes(&t, span.start, span.start));
        }
    });
    let error_at = Callback::new(move |i: usize| -> Option<ErrorAt> {
        let s = statements.with_untracked(|l| l.get(i).cloned())?;
        if s.tab != tab.get_untracked() {
            return None;
        }
        let t = text.get_untracked();
        let (line, col, byte) = error_offset(&t, &s.text, s.span.as_ref().map(|r| r.start), &s.message)?;
        let (tab_line, tab_col) = byte_to_line_col(&t, byte);
        Some(ErrorAt { line, col, tab_line, tab_col, byte })
    });
    let retry_rows = Callback::new(move |i: usize| {
        let Some(s) = statements.with_untracked(|l| l.get(i).cloned()) else { return };
        let (Some(exec), Some(cl)) = (s.exec.clone(), Some(cluster.get_untracked())) else { return };
        let client = session.client();
        set_step(i, &|s| s.error = None);
        leptos::task::spawn_local(async move {
            let rows = fetch_rows(&client, &cl, &exec, s.limit).await;
            set_step(i, &|s| match &rows {
                Ok(r) => {
                    s.rows = Some(r.set.clone());
                    s.total = Some(r.total);
                }
                Err(e) => s.error = Some(RunFailure::Rows(e.clone())),
            });
        });
    });

    // A memo: the workspace also changes with every keystroke and every history entry, which must
    // not rebuild the tab strip.
    let tab_titles = Memo::new(move |_| ws.with(|w| (w.active, w.tabs.iter().map(|t| (t.id, t.title())).collect::<Vec<_>>())));
    let tab_list = move || {
        let (active, titles) = tab_titles.get();
        titles
            .into_iter()
            .map(|(id, title)| {
                let selected = id == active;
                let full = title.clone();
                view! {
                    <li class="sql-tab" class:active=selected data-tab-id=id.to_string()>
                        <button type="button" class="sql-tab-name" aria-current=selected.then_some("true") title=full
                            on:click=move |_| { ws.update(|w| w.active = id); save(); }>{title.clone()}</button>
                        <button type="button" class="btn-icon sql-tab-close" aria-label=move || t!(sql.close_tab, title = title)
                            on:click=move |_| {
                                editor.with(|e| e.forget_tab(id));
                                ws.update(|w| w.close_tab(id));
                                save();
                            }>"×"</button>
                    </li>
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

    let new_tab = move |_| {
        let c = cluster.get_untracked();
        ws.update(|w| { w.new_tab(String::new(), c); });
        save();
        editor.with(|e| e.focus());
    };
    let reopen = move |_| {
        ws.update(|w| { w.reopen(); });
        save();
    };
    let side = RwSignal::new("schema");
    // The schema and history panel: beside the editor on wide screens, folded away on narrow ones
    // (where it would push the editor below the fold) until asked for.
    let side_open = RwSignal::new(window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1200.0) >= 1000.0);
    // The editor pane's height, as last dragged.
    let editor_height = RwSignal::new(match ws.with_untracked(|w| w.editor_height) {
        0 => EDITOR_DEFAULT,
        h => h as f64,
    });
    let editor_max = Signal::derive(move || (window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(900.0) * 0.75).max(EDITOR_MIN + 40.0));

    let side_tab = move |key: &'static str, id: &'static str, label: fn() -> String| {
        let selected = move || side.get() == key;
        view! {
            <button type="button" role="tab" class="tab" id=id aria-controls=format!("{id}-panel")
                aria-selected=move || selected().to_string() tabindex=move || if selected() { "0" } else { "-1" }
                on:click=move |_| side.set(key)>{label}</button>
        }
    };

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
                        if let Ok(n) = event_target_value(&ev).parse::<u64>() {
                            ws.update(|w| w.row_limit = n);
                            save();
                        }
                    }>
                        {ROW_LIMITS.into_iter().map(|n| view! {
                            <option value=n.to_string() selected=move || row_limit.get() == n>{move || format::count(n)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </header>
            {move || clusters.get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e title=tr!(common.clusters_failed)/> })}
            <div class="sql-layout" class:side-closed=move || !side_open.get()>
                <aside class="card sql-side" id="sql-side" aria-label=tr!(sql.side_label) hidden=move || !side_open.get()>
                    <div class="tabs" role="tablist" aria-label=tr!(sql.side_label)>
                        {side_tab("schema", "sql-side-schema", || t!(sql.schema))}
                        {side_tab("history", "sql-side-history", || t!(sql.history))}
                    </div>
                    // Kept mounted while History shows, so switching back does not read the catalog again.
                    <div role="tabpanel" id="sql-side-schema-panel" aria-labelledby="sql-side-schema" hidden=move || side.get() != "schema">
                        <SchemaBrowser cluster=cluster on_insert=insert catalog=catalog reload=catalog_reload/>
                    </div>
                    <div role="tabpanel" id="sql-side-history-panel" aria-labelledby="sql-side-history" hidden=move || side.get() != "history">
                        <When when=move || side.get() == "history">
                            <History ws=ws on_open=Callback::new(move |(t, c, run_now): (String, String, bool)| {
                                ws.update(|w| { w.new_tab(t, c); });
                                save();
                                if run_now { run_script(); }
                            })/>
                        </When>
                    </div>
                </aside>
                <div class="sql-main">
                    <div class="sql-tabs-bar">
                        <button type="button" class="btn btn-sm btn-ghost" id="sql-side-toggle" aria-controls="sql-side"
                            aria-expanded=move || side_open.get().to_string() on:click=move |_| side_open.update(|o| *o = !*o)>
                            {tr!(sql.side_toggle)}
                        </button>
                        <ul class="sql-tabs" aria-label=tr!(sql.tabs_label)>{tab_list}</ul>
                        <button type="button" class="btn btn-sm" id="sql-new-tab" on:click=new_tab title=tr!(sql.new_tab_title)>{tr!(sql.new_tab)}</button>
                        <button type="button" class="btn btn-sm btn-ghost" id="sql-reopen-tab" on:click=reopen
                            disabled=move || ws.with(|w| w.closed.is_empty())>{tr!(sql.reopen)}</button>
                    </div>
                    <div class="sql-toolbar">
                        <button type="button" class="btn btn-primary" id="sql-run" disabled=move || read_only.with(Option::is_some) || running.get()
                            on:click=move |_| run_at_cursor(false) title=move || read_only.get().unwrap_or_else(|| t!(sql.run_title))>{tr!(sql.run)}</button>
                        <button type="button" class="btn" id="sql-run-script" disabled=move || read_only.with(Option::is_some) || running.get()
                            on:click=move |_| run_script() title=move || read_only.get().unwrap_or_else(|| t!(sql.run_script_title))>{tr!(sql.run_script)}</button>
                        <button type="button" class="btn btn-danger" id="sql-cancel" title=move || read_only.get() disabled=move || read_only.with(Option::is_some) || !can_cancel.get()
                            on:click=cancel>{tr!(common.cancel)}</button>
                        <button type="button" class="btn" id="sql-explain" title=move || read_only.get() disabled=move || read_only.with(Option::is_some) || running.get()
                            on:click=move |_| run_at_cursor(true)>{tr!(sql.explain)}</button>
                        <button type="button" class="btn" id="sql-format" title=tr!(sql.format_title)
                            on:click=move |_| format_text.run(())>{tr!(sql.format)}</button>
                        <span class="sql-elapsed" id="sql-elapsed" aria-live="off">{elapsed}</span>
                        <When when=move || running.get()><span class="spinner" role="status" aria-label=tr!(sql.status.running)></span></When>
                    </div>
                    <div class="sql-split">
                        <div class="sql-editor-pane" id="sql-editor-pane" style:height=move || format!("{}px", editor_height.get())>
                            <CodeEditor tab=tab text=text on_input=on_input catalog=catalog on_run=on_run on_format=format_text handle=editor/>
                        </div>
                        <Splitter size=editor_height min=EDITOR_MIN max=editor_max label=tr!(sql.splitter) controls="sql-editor-pane" id="sql-splitter"
                            on_commit=Callback::new(move |h: f64| { ws.update(|w| w.editor_height = h as u32); save(); })/>
                        <p class="hint" id="sql-keys-hint">{tr!(sql.keys_hint)}</p>
                        {move || notice.get().map(|m| view! { <p class="notice notice-bad" role="alert" id="sql-notice">{m}</p> })}
                        {move || cancel_outcome.get().map(|r| match r {
                            Ok(status) => view! {
                                <p class="notice notice-ok" role="status" id="sql-cancel-outcome">{move || t!(sql.cancel_confirmed, status = status.clone())}</p>
                            }.into_any(),
                            Err(e) if is_unreachable(&e) => view! { <ErrorPanel error=e title=tr!(sql.cancel_unsent)/> }.into_any(),
                            Err(e) => view! { <ErrorPanel error=e title=tr!(sql.cancel_refused)/> }.into_any(),
                        })}
                        <When when=move || statements.with(|s| !s.is_empty())>
                            <Results statements run_id shown now=now error_at on_show_error=show_error on_retry_rows=retry_rows/>
                        </When>
                    </div>
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
                let tone = match h.status.as_str() {
                    "FINISHED" => "ok",
                    "FAILED" => "bad",
                    "UNKNOWN" => "warn",
                    _ => "muted",
                };
                let status = h.status.clone();
                view! {
                    <li class="history-entry">
                        <div class="history-meta">
                            <span class=format!("state-chip tone-{tone}")><span class="state-label">{move || status_label(&status)}</span></span>
                            <Timestamp epoch=(h.at_ms as i64).to_string()/>
                            <span class="muted">{format::duration_ms(h.duration_ms as i64)}</span>
                            {h.rows.map(|r| view! { <span class="muted">{move || t!(sql.rows, count = r)}</span> })}
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
