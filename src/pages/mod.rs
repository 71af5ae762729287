//! One module per area, one file per view.

pub mod clusters;
pub mod files;
pub mod jobs;
pub mod settings;
pub mod sql;

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"This address does not match a view of the console."</p>
            <p><a href=crate::app::href("/clusters")>"Go to Clusters"</a></p>
        </section>
    }
}
