//! Schema browser: databases → tables → columns with their types, read from the engine's own
//! `information_schema` through the same SQL API. A click inserts the name at the cursor; the same
//! catalog feeds the editor's completion. Read again on Refresh and after a statement that may have
//! changed it (CREATE, DROP, ALTER).

use std::collections::BTreeMap;

use lakedeck_api::sqledit::{CatalogTable, CompletionCatalog};
use leptos::prelude::*;

use super::run::{fetch_rows, run_statement, RunError};
use crate::api::ApiError;
use crate::components::{ErrorPanel, Spinner};
use crate::state::session::SessionExt;
use crate::state::use_session;
use crate::{t, tr};

pub const CATALOG_QUERY: &str = "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns \
     WHERE table_schema <> 'information_schema' ORDER BY table_schema, table_name, ordinal_position";

/// database → table → [(column, type)]
pub type Catalog = BTreeMap<String, BTreeMap<String, Vec<(String, String)>>>;

/// What completion offers: every table with its columns (a name in several databases once, with
/// the columns of all of them).
pub fn completion_catalog(c: &Catalog) -> CompletionCatalog {
    let mut out = CompletionCatalog::default();
    for tables in c.values() {
        for (name, cols) in tables {
            match out.tables.iter_mut().find(|t| t.name.eq_ignore_ascii_case(name)) {
                Some(t) => {
                    for col in cols {
                        if !t.columns.iter().any(|(c, _)| c.eq_ignore_ascii_case(&col.0)) {
                            t.columns.push(col.clone());
                        }
                    }
                }
                None => out.tables.push(CatalogTable { name: name.clone(), columns: cols.clone() }),
            }
        }
    }
    out
}

#[component]
pub fn SchemaBrowser(
    #[prop(into)] cluster: Signal<String>,
    on_insert: Callback<String>,
    /// Filled with what completion offers each time the catalog is read.
    catalog: RwSignal<CompletionCatalog>,
    /// Bumped to read the catalog again.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let tree_data = LocalResource::new(move || {
        reload.track();
        let (client, c) = (session.client(), cluster.get());
        async move {
            if c.is_empty() {
                return Ok::<Catalog, ApiError>(Catalog::new());
            }
            let exec = match run_statement(&client, &c, CATALOG_QUERY, &|_| true).await {
                Ok(e) => e,
                Err(RunError::Refused(e) | RunError::NoAnswer(e) | RunError::Untracked(e)) => return Err(e),
                Err(RunError::Abandoned) => return Ok(Catalog::new()),
            };
            if exec.status != "FINISHED" {
                return Err(ApiError::service("SQL", exec.message));
            }
            let rows = fetch_rows(&client, &c, &exec, 100_000).await?;
            let mut cat = Catalog::new();
            for r in 0..rows.set.len() {
                cat.entry(rows.set.cell(r, 0).to_string())
                    .or_default()
                    .entry(rows.set.cell(r, 1).to_string())
                    .or_default()
                    .push((rows.set.cell(r, 2).to_string(), rows.set.cell(r, 3).to_string()));
            }
            Ok(cat)
        }
    });
    crate::state::run_effect(move || {
        if let Some(Ok(c)) = tree_data.get() {
            catalog.set(completion_catalog(&c));
        }
    });
    let insert_button = move |name: String, class: &'static str| {
        let n = name.clone();
        let title = name.clone();
        view! {
            <button type="button" class=format!("link-btn {class}") title=move || t!(sql.insert_name, name = title)
                on:click=move |_| on_insert.run(n.clone())>{name}</button>
        }
    };
    // A table: a disclosure button for its columns beside the button that inserts its name
    // (two siblings: nothing interactive inside another).
    let table_item = move |db_index: usize, t_index: usize, table: String, cols: Vec<(String, String)>| {
        let open = RwSignal::new(false);
        let list_id = format!("schema-cols-{db_index}-{t_index}");
        let label = table.clone();
        let key = table.clone();
        view! {
            <li data-table=key>
                <div class="schema-table-row">
                    <button type="button" class="btn-icon schema-toggle" aria-expanded=move || open.get().to_string()
                        aria-controls=list_id.clone() aria-label=move || t!(sql.show_columns, table = label)
                        on:click=move |_| open.update(|o| *o = !*o)>
                        <span aria-hidden="true">{move || if open.get() { "▾" } else { "▸" }}</span>
                    </button>
                    {insert_button(table, "schema-table-name")}
                </div>
                <ul class="schema-columns" id=list_id hidden=move || !open.get()>
                    {cols.into_iter().map(|(col, ty)| view! {
                        <li>{insert_button(col, "schema-column")}<span class="muted schema-type">{ty}</span></li>
                    }).collect_view()}
                </ul>
            </li>
        }
    };
    let tree = move || match tree_data.get() {
        None => view! { <Spinner label=tr!(sql.catalog_loading)/> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e title=tr!(sql.catalog_failed) on_retry=Callback::new(move |_| reload.update(|n| *n += 1))/> }.into_any(),
        Some(Ok(c)) if c.is_empty() => view! { <p class="hint">{tr!(sql.no_tables)}</p> }.into_any(),
        Some(Ok(c)) => c.into_iter().enumerate().map(|(d, (db, tables))| {
            let n = tables.len();
            view! {
                <details class="schema-db" open=true>
                    <summary>{db.clone()}<span class="muted">{move || t!(sql.table_count, count = n)}</span></summary>
                    <ul class="schema-tables">
                        {tables.into_iter().enumerate().map(|(i, (table, cols))| table_item(d, i, table, cols)).collect_view()}
                    </ul>
                </details>
            }
        }).collect_view().into_any(),
    };
    view! {
        <div class="schema-browser" id="schema-browser">
            <div class="card-head">
                <span class="hint">{tr!(sql.click_to_insert)}</span>
                <button type="button" class="btn btn-sm" id="schema-refresh" on:click=move |_| reload.update(|n| *n += 1)>{tr!(common.refresh)}</button>
            </div>
            {tree}
        </div>
    }
}
