//! The SQL view's code editor: CodeMirror 6 (see [`super::codemirror`]), fetched the first time the
//! view shows. It keeps its place while it loads, says so when it cannot load (the draft is safe in
//! the workspace), shows the active tab with that tab's own undo history, and follows the language.

use std::rc::Rc;

use lakedeck_api::sqledit::CompletionCatalog;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::codemirror::{Callbacks, Editor, Words};
use crate::{t, tr};

/// The page's way to the editor once it has loaded (nothing happens before).
#[derive(Clone, Copy)]
pub struct EditorHandle(StoredValue<Option<Rc<Editor>>, LocalStorage>);

impl EditorHandle {
    pub fn new() -> EditorHandle {
        EditorHandle(StoredValue::new_local(None))
    }

    /// Runs `f` with the editor if it has loaded (and the page is still there).
    pub fn with<R>(&self, f: impl FnOnce(&Editor) -> R) -> Option<R> {
        self.0.try_get_value().flatten().map(|e| f(&e))
    }

    fn set(&self, editor: Option<Rc<Editor>>) {
        let _ = self.0.try_set_value(editor);
    }
}

impl Default for EditorHandle {
    fn default() -> Self {
        EditorHandle::new()
    }
}

/// CodeMirror's own words (English is its source language) in the console's language.
fn words() -> Words {
    Words {
        label: t!(sql.text_label),
        described_by: "sql-keys-hint".into(),
        // The left-hand sides are CodeMirror's phrase keys (its own English text), never shown.
        phrases: vec![
            ("Find", t!(editor.find)),
            ("Replace", t!(editor.replace_field)),
            ("next", t!(editor.next)),
            ("previous", t!(editor.previous)),
            ("all", t!(editor.all)),
            ("match case", t!(editor.match_case)),
            ("regexp", t!(editor.regexp)),
            ("by word", t!(editor.by_word)),
            ("replace", t!(editor.replace)),
            ("replace all", t!(editor.replace_all)),
            ("close", t!(editor.close)),
            ("current match", t!(editor.current_match)),
            ("on line", t!(editor.on_line)),
            ("replaced $ matches", t!(editor.replaced_matches)),
            ("replaced match on line $", t!(editor.replaced_match_on_line)),
            ("Go to line", t!(editor.go_to_line)), // i18n-allow: a CodeMirror phrase key
            ("go", t!(editor.go)),
            ("Completions", t!(sql.completions)),
            ("Control character", t!(editor.control_character)), // i18n-allow: a CodeMirror phrase key
            ("Selection deleted", t!(editor.selection_deleted)), // i18n-allow: a CodeMirror phrase key
            ("Diagnostics", t!(editor.diagnostics)),
            ("No diagnostics", t!(editor.no_diagnostics)), // i18n-allow: a CodeMirror phrase key
        ],
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Loading {
    Pending,
    Ready,
    Failed(String),
}

#[component]
pub fn CodeEditor(
    /// The tab shown: its id (a new id swaps the editor's text and undo history).
    #[prop(into)]
    tab: Signal<u64>,
    /// The tab's text, read when the tab changes.
    #[prop(into)]
    text: Signal<String>,
    on_input: Callback<String>,
    /// Tables and columns completion offers.
    #[prop(into)]
    catalog: Signal<CompletionCatalog>,
    /// Ctrl/Cmd+Enter; with Shift, the script.
    on_run: Callback<bool>,
    /// Shift+Ctrl/Cmd+F.
    on_format: Callback<()>,
    handle: EditorHandle,
) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    let state = RwSignal::new(Loading::Pending);
    let attempt = RwSignal::new(0u32);
    // The tab the editor shows.
    let shown = StoredValue::new(None::<u64>);

    let start = move || {
        let Some(el) = host.get_untracked() else { return };
        state.set(Loading::Pending);
        let first_text = text.get_untracked();
        let first_tab = tab.get_untracked();
        let callbacks = Callbacks {
            on_change: Box::new(move |t| {
                let _ = on_input.try_run(t);
            }),
            on_run: Box::new(move |script| {
                let _ = on_run.try_run(script);
            }),
            on_format: Box::new(move || {
                let _ = on_format.try_run(());
            }),
            catalog: Box::new(move || catalog.try_get_untracked().unwrap_or_default()),
        };
        let words = words();
        spawn_local(async move {
            match Editor::create(&el, &first_text, &words, callbacks).await {
                Ok(editor) => {
                    editor.load_tab(first_tab, &first_text);
                    let _ = shown.try_set_value(Some(first_tab));
                    handle.set(Some(Rc::new(editor)));
                    let _ = state.try_set(Loading::Ready);
                }
                Err(e) => {
                    let why = e.as_string().or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string())).unwrap_or_default();
                    let _ = state.try_set(Loading::Failed(why));
                }
            }
        });
    };
    host.on_load(move |_| start());
    // Retry after a failed load.
    crate::state::run_effect(move || {
        if attempt.get() > 0 {
            start();
        }
    });
    // Another tab (also one picked while the module loaded): its text and its own undo history.
    crate::state::run_effect(move || {
        let id = tab.get();
        if state.with(|s| *s == Loading::Ready) && shown.get_value() != Some(id) {
            shown.set_value(Some(id));
            let t = text.get_untracked();
            handle.with(|e| e.load_tab(id, &t));
        }
    });
    // The language: CodeMirror's words and the text area's name.
    crate::state::run_effect(move || {
        let w = words();
        if state.with(|s| *s == Loading::Ready) {
            handle.with(|e| e.set_words(&w));
        }
    });
    on_cleanup(move || handle.set(None));

    view! {
        <div class="code-editor-wrap">
            <div id="sql-editor" class="code-editor" node_ref=host aria-busy=move || (state.get() == Loading::Pending).to_string()></div>
            {move || match state.get() {
                Loading::Pending => Some(view! {
                    <p class="code-editor-status" role="status"><span class="spinner" aria-hidden="true"></span>{tr!(sql.editor_loading)}</p>
                }.into_any()),
                Loading::Failed(why) => Some(view! {
                    <div class="error-panel" role="alert" id="sql-editor-failed">
                        <strong class="error-title">{tr!(sql.editor_failed)}</strong>
                        <p class="error-message">{tr!(sql.editor_failed_hint)}</p>
                        <p class="error-message"><code>{why}</code></p>
                        <button type="button" class="btn error-retry" on:click=move |_| attempt.update(|n| *n += 1)>{tr!(common.retry)}</button>
                    </div>
                }.into_any()),
                Loading::Ready => None,
            }}
        </div>
    }
}
