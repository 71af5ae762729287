//! The one data table. Rows are keyed: a `<tr>` stays in the DOM while its key exists, and only
//! its cells re-render when that row's data changes, so polling refreshes don't flash, lose focus
//! or reset a hovered copy button.

use std::sync::Arc;

use leptos::attr::custom::custom_attribute;
use leptos::prelude::*;

use super::When;
use crate::t;

type CellFn<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;
type HeaderFn = Arc<dyn Fn() -> String + Send + Sync>;

/// One column: header text (a reactive closure, so it follows the language), optional CSS class
/// for its cells, optional sort key, the cell renderer.
pub struct Column<T> {
    pub header: HeaderFn,
    pub class: &'static str,
    pub sort_key: Option<&'static str>,
    pub cell: CellFn<T>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column { header: self.header.clone(), class: self.class, sort_key: self.sort_key, cell: self.cell.clone() }
    }
}

impl<T> Column<T> {
    pub fn new<V: IntoView + 'static>(
        header: impl Fn() -> String + Send + Sync + 'static,
        cell: impl Fn(&T) -> V + Send + Sync + 'static,
    ) -> Column<T> {
        Column { header: Arc::new(header), class: "", sort_key: None, cell: Arc::new(move |t| cell(t).into_any()) }
    }

    /// Plain text cell.
    pub fn text(header: impl Fn() -> String + Send + Sync + 'static, text: impl Fn(&T) -> String + Send + Sync + 'static) -> Column<T> {
        Column::new(header, move |t| text(t))
    }

    pub fn class(mut self, class: &'static str) -> Column<T> {
        self.class = class;
        self
    }

    /// Makes the header a sort button that reports `key`.
    pub fn sortable(mut self, key: &'static str) -> Column<T> {
        self.sort_key = Some(key);
        self
    }
}

/// Current sort: column key and ascending?
pub type SortState = Option<(String, bool)>;

#[component]
pub fn DataTable<T>(
    #[prop(into)] rows: Signal<Vec<T>>,
    columns: Vec<Column<T>>,
    /// Stable identity of a row (cluster id, group name…).
    row_key: fn(&T) -> String,
    /// Attribute carrying the key on each `<tr>`, e.g. `data-cluster-id`.
    #[prop(optional)]
    key_attr: Option<&'static str>,
    /// Accessible name of the table (visually hidden caption).
    #[prop(into)]
    caption: Signal<String>,
    /// Text shown in place of rows when there are none (it may follow the filters).
    #[prop(optional, into)]
    empty: Option<Signal<String>>,
    #[prop(optional, into)] sort: Signal<SortState>,
    #[prop(optional)] on_sort: Option<Callback<String>>,
    /// Marks the table busy while a refresh is in flight.
    #[prop(optional, into)]
    busy: Signal<bool>,
    #[prop(optional, into)] class: Option<String>,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    // Read once per change and then borrowed: callers often pass a derived signal, which would
    // clone every row for each of the many reads below (each row's memo reads the list).
    let rows = Memo::new(move |_| rows.get());
    let ncols = columns.len();
    let columns = Arc::new(columns);
    let key_attr = key_attr.unwrap_or("data-key");

    let head = columns
        .iter()
        .map(|c| {
            let header = c.header.clone();
            let header = move || header();
            match (c.sort_key, on_sort) {
                (Some(key), Some(cb)) => {
                    let aria_sort = move || match sort.get() {
                        Some((k, asc)) if k == key => if asc { "ascending" } else { "descending" },
                        _ => "none",
                    };
                    let arrow = move || match sort.get() {
                        Some((k, asc)) if k == key => if asc { "▲" } else { "▼" },
                        _ => "↕",
                    };
                    view! {
                        <th scope="col" class=c.class aria-sort=aria_sort>
                            <button type="button" class="sort-btn" on:click=move |_| cb.run(key.to_string())>
                                {header}<span class="sort-arrow" aria-hidden="true">{move || arrow()}</span>
                            </button>
                        </th>
                    }
                    .into_any()
                }
                // A column without a title (row actions) is still named for screen readers.
                _ => view! {
                    <th scope="col" class=c.class>{move || {
                        let h = header();
                        if h.is_empty() { view! { <span class="visually-hidden">{t!(table.actions)}</span> }.into_any() } else { h.into_any() }
                    }}</th>
                }.into_any(),
            }
        })
        .collect_view();

    let keys = move || rows.with(|rs| rs.iter().map(row_key).collect::<Vec<_>>());
    let body_row = move |key: String| {
        let k = key.clone();
        let row = Memo::new(move |_| rows.with(|rs| rs.iter().find(|r| row_key(r) == k).cloned()));
        let cells = columns
            .iter()
            .map(|c| {
                let cell = c.cell.clone();
                view! { <td class=c.class>{move || row.with(|r| r.as_ref().map(|r| cell(r)))}</td> }
            })
            .collect_view();
        view! { <tr>{cells}</tr> }.add_any_attr(custom_attribute(key_attr, key))
    };

    view! {
        <div class=format!("table-wrap {}", class.unwrap_or_default())>
            <table class="data-table" aria-busy=move || busy.get().to_string()>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>
                    <When when=move || rows.with(|r| r.is_empty())>
                        <tr class="empty-row"><td colspan=ncols.to_string()>{move || empty.map(|e| e.get()).unwrap_or_else(|| t!(table.empty))}</td></tr>
                    </When>
                    <For each=keys key=|k| k.clone() children=body_row />
                </tbody>
            </table>
        </div>
    }
}
