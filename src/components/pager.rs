//! Paging controls: range text, previous/next, page size. Pages are 1-based numbers.

use lakedeck_api::paging::{page_count, page_range, PAGE_SIZES};
use leptos::prelude::*;

use crate::{t, tr};

#[component]
pub fn Pager(
    #[prop(into)] page: Signal<u32>,
    #[prop(into)] page_size: Signal<u32>,
    #[prop(into)] total: Signal<i64>,
    on_page: Callback<u32>,
    /// Omit to hide the page-size select.
    #[prop(optional)]
    on_size: Option<Callback<u32>>,
    /// Distinguishes several pagers on one page (`<id>-size`).
    #[prop(into)]
    id: String,
    #[prop(optional, into)] label: Option<Signal<String>>,
) -> impl IntoView {
    let total_u = move || total.get().max(0) as usize;
    let pages = move || page_count(total_u(), page_size.get() as usize) as u32;
    let range_text = move || {
        let r = page_range(total_u(), page_size.get() as usize, page.get() as usize);
        if r.is_empty() {
            t!(pager.range_empty, total = total_u())
        } else {
            t!(pager.range, start = r.start + 1, end = r.end, total = total_u())
        }
    };
    let size_id = format!("{id}-size");
    let nav_id = id.clone();
    let size_select = on_size.map(|cb| {
        view! {
            <label class="pager-size" for=size_id.clone()>
                {tr!(pager.rows_per_page)}
                <select id=size_id.clone() class="input input-sm" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u32>() { cb.run(n) }
                }>
                    {PAGE_SIZES.into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || page_size.get() == n>{n.to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    });
    let label = move || label.map(|l| l.get()).unwrap_or_else(|| t!(pager.label));
    view! {
        <nav class="pager" id=nav_id aria-label=label>
            <span class="pager-range" aria-live="polite">{range_text}</span>
            <span class="pager-pages">{move || t!(pager.pages, page = page.get().min(pages()).max(1), pages = pages())}</span>
            <button type="button" class="btn btn-sm" disabled=move || { page.get() <= 1 }
                on:click=move |_| on_page.run(page.get_untracked().saturating_sub(1).max(1))>
                {tr!(pager.previous)}
            </button>
            <button type="button" class="btn btn-sm" disabled=move || { page.get() >= pages() }
                on:click=move |_| on_page.run(page.get_untracked() + 1)>
                {tr!(pager.next)}
            </button>
            {size_select}
        </nav>
    }
}
