//! The form-field pattern: a label, the control, an optional hint and an error message tied to
//! the control with `aria-describedby` / `aria-invalid`. Errors render as `.field-error` elements
//! carrying the field's id in `data-field`.

use leptos::prelude::*;

/// DOM id for a wire field path: `cluster_name` stays, `node_groups[1].node_num` becomes
/// `node_groups-1-node_num` (valid in CSS selectors without escaping).
pub fn field_dom_id(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '[' | '.' => out.push('-'),
            ']' => {}
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => out.push(c),
            _ => out.push('_'),
        }
    }
    out
}

/// The `aria-describedby` value for a field id (hint and error ids; absent ids are ignored).
pub fn described_by(id: &str) -> String {
    format!("{id}-hint {id}-error")
}

/// Wraps any control. The control itself must carry `id`, `aria-describedby=described_by(id)`
/// and `aria-invalid`; [`TextField`] and [`SelectField`] do that for the common cases.
#[component]
pub fn FormField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] required: bool,
    /// Render the label as a `<span>` (for groups of controls labelled by a legend-like text).
    #[prop(optional)]
    group: bool,
    children: Children,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let label_id = format!("{id}-label");
    let req = required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> });
    let label_view = if group {
        view! { <span class="label" id=label_id>{label}{req}</span> }.into_any()
    } else {
        view! { <label class="label" for=id.clone() id=label_id>{label}{req}</label> }.into_any()
    };
    let field_id = id.clone();
    view! {
        <div class="field" class:invalid=move || error.with(|e| e.is_some())>
            {label_view}
            {children()}
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || error.get().map(|msg| view! {
                <p class="field-error" id=error_id.clone() data-field=field_id.clone()>{msg}</p>
            }.into_any())}
        </div>
    }
}

/// A text-like input (`text`, `password`, `number`, `search`, `url`) in the field pattern.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional, into)] input_type: Option<String>,
    #[prop(optional, into)] placeholder: Option<Signal<String>>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    /// Extra attributes for numbers.
    #[prop(optional, into)]
    min: Option<String>,
    #[prop(optional, into)] max: Option<String>,
) -> impl IntoView {
    let input_type = input_type.unwrap_or_else(|| "text".into());
    let input = view! {
        <input
            id=id.clone()
            name=id.clone()
            type=input_type
            class="input"
            prop:value=move || value.get()
            placeholder=move || placeholder.map(|p| p.get())
            autocomplete=autocomplete.unwrap_or_else(|| "off".into())
            min=min
            max=max
            required=required
            disabled=move || disabled.get()
            aria-invalid=move || error.with(|e| e.is_some()).to_string()
            aria-describedby=described_by(&id)
            on:input=move |ev| on_input.run(event_target_value(&ev))
            on:blur=move |_| if let Some(cb) = on_blur { cb.run(()) }
        />
    };
    match hint {
        Some(h) => view! { <FormField id=id label=label error=error hint=h required=required>{input}</FormField> }.into_any(),
        None => view! { <FormField id=id label=label error=error required=required>{input}</FormField> }.into_any(),
    }
}

/// A `<select>` in the field pattern. Options are (value, label) pairs.
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    /// (value, label) pairs; a closure that builds the labels with `t!` follows the language.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    on_change: Callback<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let select = view! {
        <select
            id=id.clone()
            name=id.clone()
            class="input"
            required=required
            disabled=move || disabled.get()
            aria-invalid=move || error.with(|e| e.is_some()).to_string()
            aria-describedby=described_by(&id)
            on:change=move |ev| on_change.run(event_target_value(&ev))
            prop:value=move || value.get()
        >
            {move || {
                let current = value.get();
                options
                    .get()
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view()
            }}
        </select>
    };
    match hint {
        Some(h) => view! { <FormField id=id label=label error=error hint=h required=required>{select}</FormField> }.into_any(),
        None => view! { <FormField id=id label=label error=error required=required>{select}</FormField> }.into_any(),
    }
}
