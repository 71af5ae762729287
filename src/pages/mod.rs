//! One module per area, one file per view.

pub mod cache;
pub mod clusters;
pub mod emr;
pub mod files;
pub mod jobs;
pub mod scaling;
pub mod settings;
pub mod shortcuts;
pub mod sql;
pub mod tags;

use leptos::prelude::*;

use crate::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>{tr!(not_found.title)}</h1>
            <p>{tr!(not_found.text)}</p>
            <p><a href=crate::app::href("/clusters")>{tr!(not_found.back)}</a></p>
        </section>
    }
}
