//! The code editor: a plain `<textarea>` (so typing, selection, undo, IME and screen readers work as
//! the browser does them) over a `<pre>` that shows the same text coloured by the shared
//! tokenizer, with line numbers and completion of table, column and keyword names.

use lakedeck_api::sqledit::{byte_to_line_col, byte_to_utf16, completions, utf16_to_byte, word_before};
use lakedeck_api::sqltext::{tokenize, TokenKind};
use leptos::html::Textarea;
use leptos::prelude::*;

use crate::tr;

/// The textarea's cursor as a byte offset of `text`.
pub fn cursor_byte(area: &web_sys::HtmlTextAreaElement, text: &str) -> usize {
    utf16_to_byte(text, area.selection_start().ok().flatten().unwrap_or(0))
}

/// Selects bytes `start..end` of the textarea's text and brings them into view.
pub fn select_bytes(area: &web_sys::HtmlTextAreaElement, text: &str, start: usize, end: usize) {
    let (s, e) = (byte_to_utf16(text, start), byte_to_utf16(text, end));
    let _ = area.focus();
    let _ = area.set_selection_range(s, e);
}

fn token_class(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Keyword => "tok-kw",
        TokenKind::String => "tok-str",
        TokenKind::Number => "tok-num",
        TokenKind::LineComment | TokenKind::BlockComment => "tok-com",
        TokenKind::QuotedIdentifier => "tok-qid",
        TokenKind::Operator | TokenKind::Punctuation => "tok-op",
        _ => "",
    }
}

/// Runs of text with the class to colour them (neighbouring tokens of one class are merged, so a
/// long script makes few elements).
pub fn highlight_runs(text: &str) -> Vec<(&'static str, String)> {
    let mut runs: Vec<(&'static str, String)> = Vec::new();
    for t in tokenize(text) {
        let class = token_class(t.kind);
        let piece = &text[t.span.clone()];
        match runs.last_mut() {
            Some((c, s)) if *c == class || t.kind == TokenKind::Whitespace && c.is_empty() => s.push_str(piece),
            _ => runs.push((class, piece.to_string())),
        }
    }
    runs
}

#[component]
pub fn CodeEditor(
    #[prop(into)] text: Signal<String>,
    on_input: Callback<String>,
    /// Table and column names offered by completion.
    #[prop(into)]
    names: Signal<Vec<String>>,
    /// Ctrl/Cmd+Enter; with Shift, the script.
    on_run: Callback<bool>,
    area: NodeRef<Textarea>,
) -> impl IntoView {
    let highlight = NodeRef::<leptos::html::Pre>::new();
    let gutter = NodeRef::<leptos::html::Pre>::new();
    let suggestions = RwSignal::new(Vec::<String>::new());
    let chosen = RwSignal::new(0usize);
    // Where the completion box sits: line and column of the word's start.
    let anchor = RwSignal::new((1usize, 1usize));

    let sync_scroll = move || {
        if let (Some(a), Some(h), Some(g)) = (area.get_untracked(), highlight.get_untracked(), gutter.get_untracked()) {
            h.set_scroll_top(a.scroll_top());
            h.set_scroll_left(a.scroll_left());
            g.set_scroll_top(a.scroll_top());
        }
    };
    let suggest = move |explicit: bool| {
        let Some(a) = area.get_untracked() else { return };
        let t = text.get_untracked();
        let cursor = cursor_byte(&a, &t);
        let (start, word) = word_before(&t, cursor);
        let list = if word.is_empty() && explicit {
            names.with_untracked(|n| n.iter().take(8).cloned().collect())
        } else {
            names.with_untracked(|n| completions(word, n, 8))
        };
        anchor.set(byte_to_line_col(&t, start));
        chosen.set(0);
        suggestions.set(list);
    };
    let accept = move |i: usize| {
        let Some(a) = area.get_untracked() else { return };
        let Some(choice) = suggestions.with_untracked(|s| s.get(i).cloned()) else { return };
        let t = text.get_untracked();
        let cursor = cursor_byte(&a, &t);
        let (start, _) = word_before(&t, cursor);
        let new_text = format!("{}{}{}", &t[..start], choice, &t[cursor..]);
        let caret = start + choice.len();
        on_input.run(new_text.clone());
        a.set_value(&new_text);
        select_bytes(&a, &new_text, caret, caret);
        suggestions.set(Vec::new());
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let open = suggestions.with_untracked(|s| !s.is_empty());
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && key == "Enter" {
            ev.prevent_default();
            suggestions.set(Vec::new());
            on_run.run(ev.shift_key());
        } else if ev.ctrl_key() && key == " " {
            ev.prevent_default();
            suggest(true);
        } else if open {
            let n = suggestions.with_untracked(Vec::len);
            match key.as_str() {
                "ArrowDown" => {
                    ev.prevent_default();
                    chosen.update(|c| *c = (*c + 1) % n);
                }
                "ArrowUp" => {
                    ev.prevent_default();
                    chosen.update(|c| *c = (*c + n - 1) % n);
                }
                "Enter" | "Tab" => {
                    ev.prevent_default();
                    accept(chosen.get_untracked());
                }
                "Escape" => {
                    ev.prevent_default();
                    ev.stop_propagation();
                    suggestions.set(Vec::new());
                }
                _ => {}
            }
        }
    };

    let lines = move || {
        let n = text.with(|t| t.split('\n').count());
        (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join("\n")
    };
    let coloured = move || {
        let mut runs = text.with(|t| highlight_runs(t));
        // A trailing newline needs a character after it to take up its line.
        runs.push(("", " ".into()));
        runs.into_iter()
            .map(|(class, s)| if class.is_empty() { s.into_any() } else { view! { <span class=class>{s}</span> }.into_any() })
            .collect_view()
    };
    let active_id = move || {
        suggestions.with(|s| !s.is_empty()).then(|| format!("sql-suggest-{}", chosen.get()))
    };

    view! {
        <div class="code-editor">
            <pre class="code-gutter" aria-hidden="true" node_ref=gutter>{lines}</pre>
            <div class="code-body">
                <pre class="code-highlight" aria-hidden="true" node_ref=highlight>{coloured}</pre>
                <textarea
                    id="sql-text"
                    class="code-input"
                    node_ref=area
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    aria-label=tr!(sql.text_label)
                    aria-describedby="sql-keys-hint"
                    aria-autocomplete="list"
                    aria-controls="sql-suggest"
                    aria-expanded=move || suggestions.with(|s| !s.is_empty()).to_string()
                    aria-activedescendant=active_id
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        on_input.run(event_target_value(&ev));
                        suggest(false);
                    }
                    on:keydown=on_keydown
                    on:scroll=move |_| sync_scroll()
                    on:blur=move |_| suggestions.set(Vec::new())
                ></textarea>
                <ul id="sql-suggest" class="code-suggest" role="listbox" aria-label=tr!(sql.completions)

                    hidden=move || suggestions.with(Vec::is_empty)
                    style:top=move || format!("calc({}lh + 8px)", anchor.get().0)
                    style:left=move || format!("calc({}ch + 10px)", anchor.get().1 - 1)>
                    {move || suggestions.get().into_iter().enumerate().map(|(i, s)| view! {
                        <li role="option" id=format!("sql-suggest-{i}") aria-selected=move || (chosen.get() == i).to_string()
                            on:mousedown=move |ev| { ev.prevent_default(); accept(i); }>{s}</li>
                    }).collect_view()}
                </ul>
            </div>
        </div>
    }
}
