//! Rows of key/value inputs for a list of tags (bulk add/remove, a policy's node tags), in the form
//! pattern: each row's error under it, tied to its inputs.

use lakedeck_api::mrs::Tag;
use leptos::prelude::*;

use crate::{t, tr};

/// The problems of `tags` under the shared tag rules, by row (`tags[i]` fields; a problem of the
/// whole list, such as too many tags, on row `usize::MAX`), worded in the current language.
pub fn tag_row_errors(problems: &[lakedeck_api::rules::FieldError]) -> Vec<(usize, String)> {
    problems
        .iter()
        .map(|p| {
            let row = p
                .field
                .rsplit_once("tags[")
                .and_then(|(_, rest)| rest.split(']').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
            (row, crate::i18n::problem(&p.problem))
        })
        .collect()
}

#[component]
pub fn TagRows(
    /// Prefix of the inputs' ids: `<id>-<row>-key`, `<id>-<row>-value`, `<id>-add`.
    #[prop(into)]
    id: String,
    #[prop(into)]
    tags: Signal<Vec<Tag>>,
    /// Receives the list after each edit.
    set_tags: Callback<Vec<Tag>>,
    /// Errors by row (see [`tag_row_errors`]).
    #[prop(into)]
    errors: Signal<Vec<(usize, String)>>,
    /// Most rows allowed (the Add button stops there).
    #[prop(optional)]
    max: Option<usize>,
    /// Values are not needed (removing tags by key).
    #[prop(optional)]
    keys_only: bool,
    /// A `<datalist>` of known keys to suggest.
    #[prop(optional, into)]
    key_list: Option<String>,
) -> impl IntoView {
    let count = Memo::new(move |_| tags.with(Vec::len));
    let edit = move |f: &dyn Fn(&mut Vec<Tag>)| {
        let mut v = tags.get_untracked();
        f(&mut v);
        set_tags.run(v);
    };
    let prefix = StoredValue::new(id);
    let key_list = StoredValue::new(key_list);
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let p = prefix.get_value();
                let (key_id, val_id, err_id) = (format!("{p}-{i}-key"), format!("{p}-{i}-value"), format!("{p}-{i}-error"));
                let key = Memo::new(move |_| tags.with(|t| t.get(i).map(|t| t.key.clone()).unwrap_or_default()));
                let val = Memo::new(move |_| tags.with(|t| t.get(i).map(|t| t.value.clone()).unwrap_or_default()));
                let err = Memo::new(move |_| errors.with(|e| e.iter().find(|(r, _)| *r == i).map(|(_, m)| m.clone())));
                let value_input = (!keys_only).then(|| {
                    view! {
                        <input id=val_id class="input" aria-label=move || t!(tags.value_n, n = i + 1)
                            placeholder=tr!(tags.value_placeholder)
                            aria-invalid=move || err.with(Option::is_some).to_string() aria-describedby=err_id.clone()
                            prop:value=move || val.get()
                            on:input=move |ev| { let v = event_target_value(&ev); edit(&|t| if let Some(x) = t.get_mut(i) { x.value = v.clone() }); }/>
                    }
                });
                view! {
                    <div class="tag-row" class:invalid=move || err.with(Option::is_some) class:keys-only=keys_only>
                        <input id=key_id class="input" aria-label=move || t!(tags.key_n, n = i + 1) placeholder=tr!(tags.key_placeholder)
                            list=key_list.get_value()
                            aria-invalid=move || err.with(Option::is_some).to_string() aria-describedby=err_id.clone()
                            prop:value=move || key.get()
                            on:input=move |ev| { let v = event_target_value(&ev); edit(&|t| if let Some(x) = t.get_mut(i) { x.key = v.clone() }); }/>
                        {value_input}
                        <button type="button" class="btn btn-sm btn-ghost" aria-label=move || t!(tags.remove_n, n = i + 1)
                            on:click=move |_| edit(&|t| { if i < t.len() { t.remove(i); } })>{tr!(common.remove)}</button>
                        {move || err.get().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
                    </div>
                }
            })
            .collect_view()
    };
    let whole = Memo::new(move |_| errors.with(|e| e.iter().find(|(r, _)| *r == usize::MAX).map(|(_, m)| m.clone())));
    view! {
        <div class="tags-editor" role="group">
            {rows}
            {move || whole.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <button type="button" class="btn btn-sm" id=format!("{}-add", prefix.get_value())
                disabled=move || { max.is_some_and(|m| count.get() >= m) }
                on:click=move |_| {
                    edit(&|t| t.push(Tag::default()));
                    let focus = format!("{}-{}-key", prefix.get_value(), count.get_untracked().saturating_sub(1));
                    request_animation_frame(move || {
                        use wasm_bindgen::JsCast;
                        if let Some(el) = document().get_element_by_id(&focus) {
                            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                        }
                    });
                }>{tr!(tags.add_row)}</button>
        </div>
    }
}
