//! The results pane of the SQL view: the statements of the last run with their status, and one
//! result per statement (rows, plan, error, or where it is), as tabs when a script ran several.
//! A new run replaces everything here: no row of an earlier run stays on screen.

use std::sync::Arc;

use lakedeck_api::grid::ResultSet;
use lakedeck_api::sqlrun::{cut, Cut, RowTotal};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::run::{RunFailure, StatementRun, Step};
use crate::components::{ErrorPanel, ResultGrid, ShortId};
use crate::i18n::format;
use crate::{t, tr};

/// A statement status in the current language (tracked).
pub fn step_label(step: Step) -> String {
    match step {
        Step::Waiting => t!(sql.status.waiting),
        Step::Queued => t!(sql.status.queued),
        Step::Running => t!(sql.status.running),
        Step::Lost => t!(sql.status.lost),
        Step::Finished => t!(sql.status.finished),
        Step::Failed => t!(sql.status.failed),
        Step::Cancelled => t!(sql.status.cancelled),
        Step::Unknown => t!(sql.status.unknown),
        Step::Skipped => t!(sql.status.skipped),
    }
}

/// A status kept in the history (FINISHED, FAILED, CANCELLED, UNKNOWN) in the current language.
pub fn status_label(status: &str) -> String {
    let step = match status {
        "FINISHED" => Step::Finished,
        "FAILED" => Step::Failed,
        "CANCELLED" => Step::Cancelled,
        "UNKNOWN" => Step::Unknown,
        _ => return status.to_string(),
    };
    step_label(step)
}

/// "1,500" or "at least 1,000".
pub fn rows_label(total: RowTotal) -> String {
    match total {
        RowTotal::Exact(n) => format::count(n),
        RowTotal::AtLeast(n) => t!(sql.rows_at_least, n = n),
    }
}

fn short(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = line.chars().take(max).collect();
    if line.chars().count() > max {
        s.push('…');
    }
    s
}

/// Rows of a statement, equal when they are the same rows (not compared cell by cell).
#[derive(Clone, Default)]
struct Held(Option<Arc<ResultSet>>);

impl PartialEq for Held {
    fn eq(&self, other: &Held) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

/// Where an engine error points in the editor: line and column in the statement, in the tab, and
/// the byte offset in the tab's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorAt {
    pub line: usize,
    pub col: usize,
    pub tab_line: usize,
    pub tab_col: usize,
    pub byte: usize,
}

#[component]
pub fn Results(
    statements: RwSignal<Vec<StatementRun>>,
    /// A number per run: panels are rebuilt for a new run only.
    run_id: RwSignal<u64>,
    /// The statement whose result shows.
    shown: RwSignal<usize>,
    /// Now, while something runs (elapsed times).
    #[prop(into)]
    now: Signal<f64>,
    /// Where the failure of statement `i` points in the editor, if it does.
    error_at: Callback<usize, Option<ErrorAt>>,
    /// "Show in editor" for statement `i`.
    on_show_error: Callback<usize>,
    /// "Retry" for a statement whose rows could not be read.
    on_retry_rows: Callback<usize>,
) -> impl IntoView {
    let count = Memo::new(move |_| statements.with(Vec::len));
    let several = move || count.get() > 1;
    let pick = move |i: usize| {
        shown.set(i);
        // The user asked for it: bring the tab's panel into view on small screens.
        if let Some(el) = document().get_element_by_id(&format!("sql-result-tab-{i}")) {
            let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    };

    let status_rows = move || {
        statements.with(|list| {
            list.iter()
                .enumerate()
                .map(|(i, s)| {
                    let step = s.step;
                    let rows = s.total.map(rows_label).unwrap_or_default();
                    // Only this cell follows the clock: re-rendering the whole row every tick would
                    // take the focus from its button and replace the row under a reader's pointer.
                    let (duration_ms, started_ms) = (s.duration_ms, s.started_ms);
                    let duration = move || match step {
                        _ if duration_ms > 0.0 => format::duration_ms(duration_ms as i64),
                        Step::Queued | Step::Running | Step::Lost if started_ms > 0.0 => {
                            format::duration_ms((now.get() - started_ms).max(0.0) as i64)
                        }
                        _ => String::new(),
                    };
                    let label = short(&s.text, 80);
                    let full = s.text.clone();
                    view! {
                        <tr data-index=i.to_string() data-status=step.as_str() class:selected=move || shown.get() == i>
                            <td class="num">{(i + 1).to_string()}</td>
                            <td class="sql-statement-cell">
                                <button type="button" class="link-btn mono sql-show" title=full
                                    aria-controls=format!("sql-result-{i}") on:click=move |_| pick(i)>{label}</button>
                            </td>
                            <td><span class=format!("state-chip tone-{}", step.tone())><span class="dot" aria-hidden="true"></span>
                                <span class="state-label">{move || step_label(step)}</span></span></td>
                            <td class="num">{duration}</td>
                            <td class="num">{rows}</td>
                            <td>{(!s.sql_id.is_empty()).then(|| view! { <ShortId id=s.sql_id.clone() label=tr!(sql.copy_id) class="sql-id"/> })}</td>
                            <td class="sql-message">{s.message.clone()}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    // Tabs: ←/→ move between them (and show them), Home/End to the ends.
    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = count.get_untracked();
        if n == 0 {
            return;
        }
        let cur = shown.get_untracked().min(n - 1);
        let next = match ev.key().as_str() {
            "ArrowRight" => (cur + 1) % n,
            "ArrowLeft" => (cur + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        pick(next);
    };
    let tabs = move || {
        (0..count.get())
            .map(|i| {
                let label = move || statements.with(|s| s.get(i).map(|s| short(&s.text, 28)).unwrap_or_default());
                let step = move || statements.with(|s| s.get(i).map(|s| s.step).unwrap_or_default());
                let selected = move || shown.get() == i;
                view! {
                    <button type="button" role="tab" class="tab sql-result-tab" id=format!("sql-result-tab-{i}")
                        aria-controls=format!("sql-result-{i}") aria-selected=move || selected().to_string()
                        tabindex=move || if selected() { "0" } else { "-1" } data-status=move || step().as_str()
                        title=move || statements.with(|s| s.get(i).map(|s| s.text.clone()).unwrap_or_default())
                        on:click=move |_| shown.set(i)>
                        <span class=move || format!("dot tone-{}", step().tone()) aria-hidden="true"></span>
                        <span class="sql-result-tab-n">{format!("{}", i + 1)}</span>
                        <span class="sql-result-tab-text">{label}</span>
                        <span class="visually-hidden">{move || step_label(step())}</span>
                    </button>
                }
            })
            .collect_view()
    };

    let panels = move || {
        run_id.track();
        (0..count.get_untracked()).map(|i| view! { <ResultPanel i=i statements shown several=Signal::derive(several) now error_at on_show_error on_retry_rows/> }).collect_view()
    };

    view! {
        <section class="sql-results" id="sql-results" aria-labelledby="sql-results-title">
            <h2 id="sql-results-title" class="visually-hidden">{tr!(sql.results_title)}</h2>
            <div class="table-wrap sql-statements-wrap">
                <table class="data-table sql-statements" id="sql-statements">
                    <caption class="visually-hidden">{tr!(sql.statements_caption)}</caption>
                    <thead><tr>
                        <th scope="col" class="num">"#"</th><th scope="col">{tr!(sql.col_statement)}</th><th scope="col">{tr!(cluster.col_status)}</th>
                        <th scope="col" class="num">{tr!(jobs.col_duration)}</th><th scope="col" class="num">{tr!(sql.col_rows)}</th>
                        <th scope="col">{tr!(sql.col_id)}</th><th scope="col">{tr!(sql.col_message)}</th>
                    </tr></thead>
                    <tbody>{status_rows}</tbody>
                </table>
            </div>
            <div class="tabs sql-result-tabs" role="tablist" aria-label=tr!(sql.result_tabs) hidden=move || !several() on:keydown=on_tab_key>
                {tabs}
            </div>
            {panels}
        </section>
    }
}

#[component]
fn ResultPanel(
    i: usize,
    statements: RwSignal<Vec<StatementRun>>,
    shown: RwSignal<usize>,
    several: Signal<bool>,
    now: Signal<f64>,
    error_at: Callback<usize, Option<ErrorAt>>,
    on_show_error: Callback<usize>,
    on_retry_rows: Callback<usize>,
) -> impl IntoView {
    let step = Memo::new(move |_| statements.with(|s| s.get(i).map(|s| s.step).unwrap_or_default()));
    let held = Memo::new(move |_| Held(statements.with(|s| s.get(i).and_then(|s| s.rows.clone()))));
    let failure = Memo::new(move |_| statements.with(|s| s.get(i).and_then(|s| s.error.clone())));
    let data = Signal::derive(move || held.get().0.unwrap_or_default());
    let truncated = Signal::derive(move || {
        statements.with(|s| s.get(i).and_then(|s| Some((s.rows.as_ref()?.len() as u64, s.total?, s.limit)))).and_then(|(held, total, limit)| {
            cut(held, total, limit).map(|c| match c {
                Cut::Of { held, total, limit } => t!(sql.truncated, held = held, total = total, limit = limit),
                Cut::AtLeast { held, limit } => t!(sql.truncated_at_least, held = held, limit = limit),
            })
        })
    });
    let field = move |f: fn(&StatementRun) -> String| statements.with(|s| s.get(i).map(f).unwrap_or_default());
    let body = move || match step.get() {
        Step::Waiting => view! { <p class="hint">{tr!(sql.result_waiting)}</p> }.into_any(),
        Step::Skipped => view! { <p class="hint">{tr!(sql.result_skipped)}</p> }.into_any(),
        Step::Queued | Step::Running => view! {
            <p class="hint sql-running" role="status"><span class="spinner" aria-hidden="true"></span>
                {move || {
                    let started = statements.with(|s| s.get(i).map(|s| s.started_ms).unwrap_or(0.0));
                    t!(sql.result_running, elapsed = format::duration_ms((now.get() - started).max(0.0) as i64))
                }}
            </p>
        }.into_any(),
        Step::Lost => view! {
            <div class="notice notice-warn sql-lost" role="status" id=format!("sql-lost-{i}")>
                <strong class="sql-lost-title">{tr!(sql.lost_title)}</strong>
                <p>{move || t!(sql.lost_detail, id = field(|s| s.sql_id.clone()), tries = statements.with(|s| s.get(i).map(|s| s.lost_tries).unwrap_or(0)))}</p>
            </div>
        }.into_any(),
        Step::Cancelled => view! {
            <p class="notice notice-muted" role="status">{tr!(sql.result_cancelled)}" "{move || field(|s| s.message.clone())}</p>
        }.into_any(),
        Step::Failed if failure.get().is_none() => {
            let position = error_at.run(i).map(|at| view! {
                <p class="error-position">
                    {move || t!(sql.error_position, line = at.line, col = at.col, editor_line = at.tab_line, editor_col = at.tab_col)} " "
                    <button type="button" class="btn btn-sm sql-show-error" id=format!("sql-show-error-{i}")
                        on:click=move |_| on_show_error.run(i)>{tr!(sql.show_in_editor)}</button>
                </p>
            });
            view! {
                <div class="error-panel sql-error" role="alert" id=format!("sql-error-{i}")>
                    <div class="error-head"><span class="error-icon" aria-hidden="true">"!"</span>
                        <strong class="error-title">{tr!(sql.failed)}</strong></div>
                    <p class="error-message">{move || field(|s| s.message.clone())}</p>
                    {position}
                </div>
            }.into_any()
        }
        _ => match failure.get() {
            Some(RunFailure::Refused(e)) => view! {
                <ErrorPanel error=e title=tr!(sql.refused) hint=tr!(sql.refused_hint)/>
            }.into_any(),
            Some(RunFailure::NoAnswer(e)) => view! {
                <ErrorPanel error=e title=tr!(sql.unknown_title) hint=tr!(sql.no_answer_hint)/>
            }.into_any(),
            Some(RunFailure::Untracked(e)) => view! {
                <ErrorPanel error=e title=tr!(sql.unknown_title) hint=tr!(sql.untracked_hint)/>
            }.into_any(),
            Some(RunFailure::Rows(e)) => view! {
                <ErrorPanel error=e title=tr!(sql.rows_failed) on_retry=Callback::new(move |_| on_retry_rows.run(i))/>
            }.into_any(),
            None => {
                let plan = statements.with(|s| s.get(i).and_then(|s| s.plan.clone()));
                if let Some(p) = plan {
                    view! {
                        <div class="card sql-plan" aria-labelledby=format!("sql-plan-title-{i}")>
                            <h3 id=format!("sql-plan-title-{i}")>{tr!(sql.plan)}</h3>
                            <pre class="code-block" id=format!("sql-plan-{i}")>{p}</pre>
                        </div>
                    }.into_any()
                } else if held.with(|h| h.0.as_ref().is_some_and(|r| r.column_count() > 0)) {
                    view! { <ResultGrid data=data truncated=truncated id=format!("sql-grid-{i}")/> }.into_any()
                } else {
                    view! { <p class="notice notice-ok" role="status">{tr!(sql.result_no_rows)}" "{move || field(|s| s.message.clone())}</p> }.into_any()
                }
            }
        },
    };
    view! {
        <div class="sql-result" id=format!("sql-result-{i}") data-index=i.to_string()
            role=move || several.get().then_some("tabpanel")
            aria-labelledby=move || several.get().then(|| format!("sql-result-tab-{i}"))
            tabindex=move || several.get().then_some("0")
            hidden=move || shown.get() != i>
            {body}
        </div>
    }
}
