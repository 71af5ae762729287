//! Schema browser: databases → tables → columns with their types, read from the engine's own
//! `information_schema` through the same SQL API. A click inserts the name at the cursor.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::page::{fetch_rows, run_statement};
use crate::api::ApiError;
use crate::components::{ErrorPanel, Spinner};
use crate::state::session::SessionExt;
use crate::state::use_session;
use crate::{t, tr};

pub const CATALOG_QUERY: &str = "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns \
     WHERE table_schema <> 'information_schema' ORDER BY table_schema, table_name, ordinal_position";

/// database → table → [(column, type)]
pub type Catalog = BTreeMap<String, BTreeMap<String, Vec<(String, String)>>>;

/// Table names first, then column names, each once: what completion offers.
pub fn catalog_names(c: &Catalog) -> Vec<String> {
    let mut names: Vec<String> = c.values().flat_map(|t| t.keys().cloned()).collect();
    for tables in c.values() {
        for cols in tables.values() {
            for (col, _) in cols {
                if !names.contains(col) {
                    names.push(col.clone());
                }
            }
        }
    }
    names
}

#[component]
pub fn SchemaBrowser(#[prop(into)] cluster: Signal<String>, on_insert: Callback<String>, names: RwSignal<Vec<String>>) -> impl IntoView {
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let catalog = LocalResource::new(move || {
        reload.track();
        let (client, c) = (session.client(), cluster.get());
        async move {
            if c.is_empty() {
                return Ok::<Catalog, ApiError>(Catalog::new());
            }
            let exec = run_statement(&client, &c, CATALOG_QUERY, &|_| {}).await?;
            if exec.status != "FINISHED" {
                return Err(ApiError::service("SQL", exec.message));
            }
            let (rows, _) = fetch_rows(&client, &c, &exec, 100_000).await?;
            let mut cat = Catalog::new();
            for r in 0..rows.len() {
                cat.entry(rows.cell(r, 0).to_string())
                    .or_default()
                    .entry(rows.cell(r, 1).to_string())
                    .or_default()
                    .push((rows.cell(r, 2).to_string(), rows.cell(r, 3).to_string()));
            }
            Ok(cat)
        }
    });
    crate::state::run_effect(move || {
        if let Some(Ok(c)) = catalog.get() {
            names.set(catalog_names(&c));
        }
    });
    let name_button = move |name: String, class: &'static str| {
        let n = name.clone();
        let title = name.clone();
        view! {
            <button type="button" class=format!("link-btn {class}") title=move || t!(sql.insert_name, name = title) on:click=move |_| on_insert.run(n.clone())>
                {name}
            </button>
        }
    };
    let tree = move || match catalog.get() {
        None => view! { <Spinner label=tr!(sql.catalog_loading)/> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e title=tr!(sql.catalog_failed) on_retry=Callback::new(move |_| reload.update(|n| *n += 1))/> }.into_any(),
        Some(Ok(c)) if c.is_empty() => view! { <p class="hint">{tr!(sql.no_tables)}</p> }.into_any(),
        Some(Ok(c)) => c.into_iter().map(|(db, tables)| view! {
            <details class="schema-db" open=true>
                <summary>{db.clone()}<span class="muted">{t!(sql.table_count, count = tables.len())}</span></summary>
                <ul class="schema-tables">
                    {tables.into_iter().map(|(table, cols)| view! {
                        <li data-table=table.clone()>
                            <details class="schema-table">
                                <summary>{name_button(table.clone(), "schema-table-name")}</summary>
                                <ul class="schema-columns">
                                    {cols.into_iter().map(|(col, ty)| view! {
                                        <li>{name_button(col, "schema-column")}<span class="muted schema-type">{ty}</span></li>
                                    }).collect_view()}
                                </ul>
                            </details>
                        </li>
                    }).collect_view()}
                </ul>
            </details>
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
