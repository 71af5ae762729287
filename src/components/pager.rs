//! Paging controls: range text, previous/next, page size. Pages are 1-based numbers.

use lakedeck_api::paging::{page_count, page_range};
use leptos::prelude::*;

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
    #[prop(optional, into)] label: Option<String>,
) -> impl IntoView {
    let total_u = move || total.get().max(0) as usize;
    let pages = move || page_count(total_u(), page_size.get() as usize) as u32;
    let range_text = move || {
        let r = page_range(total_u(), page_size.get() as usize, page.get() as usize);
        if r.is_empty() {
            format!("0 of {}", total_u())
        } else {
            format!("{}–{} of {}", r.start + 1, r.end, total_u())
        }
    };
    let size_id = format!("{id}-size");
    let nav_id = id.clone();
    let size_select = on_size.map(|cb| {
        view! {
            <label class="pager-size" for=size_id.clone()>
                "Rows per page"
                <select id=size_id.clone() class="input input-sm" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u32>() { cb.run(n) }
                }>
                    {[10u32, 20, 50].into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || page_size.get() == n>{n.to_string()}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    });
    view! {
        <nav class="pager" id=nav_id aria-label=label.unwrap_or_else(|| "Pagination".into())>
            <span class="pager-range" aria-live="polite">{move || range_text()}</span>
            <span class="pager-pages">{move || format!("Page {} of {}", page.get().min(pages()).max(1), pages())}</span>
            <button type="button" class="btn btn-sm" disabled=move || { page.get() <= 1 }
                on:click=move |_| on_page.run(page.get_untracked().saturating_sub(1).max(1))>
                "‹ Previous"
            </button>
            <button type="button" class="btn btn-sm" disabled=move || { page.get() >= pages() }
                on:click=move |_| on_page.run(page.get_untracked() + 1)>
                "Next ›"
            </button>
            {size_select}
        </nav>
    }
}
