//! The bridge to the SQL view's code editor, CodeMirror 6 (tools/editor/sql-editor.js, bundled by
//! scripts/build-editor.mjs and imported by js/sql-editor-loader.js the first time the view shows).
//! The JS side knows positions in UTF-16 units, the Rust side in bytes: every call converts here.

use lakedeck_api::sqledit::{byte_to_utf16, complete, utf16_to_byte, CompletionCatalog};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/sql-editor-loader.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadSqlEditor)]
    fn load_sql_editor(url: Option<String>) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The object `createSqlEditor` returns.
    pub type SqlEditorJs;

    #[wasm_bindgen(method)]
    fn text(this: &SqlEditorJs) -> String;
    #[wasm_bindgen(method)]
    fn load(this: &SqlEditorJs, key: &str, text: &str);
    #[wasm_bindgen(method)]
    fn forget(this: &SqlEditorJs, key: &str);
    #[wasm_bindgen(method, js_name = replaceAll)]
    fn replace_all(this: &SqlEditorJs, text: &str);
    #[wasm_bindgen(method)]
    fn insert(this: &SqlEditorJs, text: &str);
    #[wasm_bindgen(method)]
    fn cursor(this: &SqlEditorJs) -> u32;
    #[wasm_bindgen(method)]
    fn select(this: &SqlEditorJs, from: u32, to: u32);
    #[wasm_bindgen(method, js_name = setError)]
    fn set_error(this: &SqlEditorJs, from: u32, to: u32, message: &str);
    #[wasm_bindgen(method, js_name = clearError)]
    fn clear_error(this: &SqlEditorJs);
    #[wasm_bindgen(method, js_name = setPhrases)]
    fn set_phrases(this: &SqlEditorJs, phrases: &JsValue, label: &str, described_by: &str);
    #[wasm_bindgen(method)]
    fn focus(this: &SqlEditorJs);
    #[wasm_bindgen(method)]
    fn destroy(this: &SqlEditorJs);
}

thread_local! {
    /// Component tests load a stand-in module from here instead of the bundled editor.
    static MODULE_URL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Makes later loads import the module at `url` (a test's stand-in for CodeMirror).
pub fn use_module_url(url: Option<String>) {
    MODULE_URL.with(|u| *u.borrow_mut() = url);
}

/// What the editor calls back.
pub struct Callbacks {
    pub on_change: Box<dyn Fn(String)>,
    pub on_run: Box<dyn Fn(bool)>,
    pub on_format: Box<dyn Fn()>,
    /// The catalog completion offers, read at each request.
    pub catalog: Box<dyn Fn() -> CompletionCatalog>,
}

/// A live editor: the JS object and the closures it calls (dropped with it).
pub struct Editor {
    js: SqlEditorJs,
    _closures: Vec<Box<dyn std::any::Any>>,
}

/// Labels and CodeMirror's own words (search panel, completion list…) in the console's language.
pub struct Words {
    pub label: String,
    pub described_by: String,
    /// CodeMirror phrase (its English text) → translation.
    pub phrases: Vec<(&'static str, String)>,
}

fn phrases_object(words: &Words) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in &words.phrases {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    obj.into()
}

/// The completion answer for the JS side: `{"from","to","options":[…]}` in UTF-16 units, or "".
pub fn completion_json(text: &str, at_utf16: u32, explicit: bool, catalog: &CompletionCatalog) -> String {
    let cursor = utf16_to_byte(text, at_utf16);
    let Some(list) = complete(text, cursor, explicit, catalog, 60) else { return String::new() };
    let options: Vec<serde_json::Value> = list
        .items
        .iter()
        .map(|i| serde_json::json!({ "label": i.label, "type": i.kind.as_str(), "detail": i.detail }))
        .collect();
    serde_json::json!({
        "from": byte_to_utf16(text, list.from),
        "to": byte_to_utf16(text, list.to),
        "options": options,
    })
    .to_string()
}

impl Editor {
    /// Loads the editor module (once per page) and creates an editor in `parent` showing `text`.
    pub async fn create(parent: &web_sys::HtmlElement, text: &str, words: &Words, callbacks: Callbacks) -> Result<Editor, JsValue> {
        let url = MODULE_URL.with(|u| u.borrow().clone());
        let module = wasm_bindgen_futures::JsFuture::from(load_sql_editor(url)).await?;
        let create: js_sys::Function = js_sys::Reflect::get(&module, &JsValue::from_str("createSqlEditor"))?.dyn_into()?;

        let Callbacks { on_change, on_run, on_format, catalog } = callbacks;
        let on_change = Closure::<dyn Fn(String)>::new(on_change);
        let on_run = Closure::<dyn Fn(bool)>::new(on_run);
        let on_format = Closure::<dyn Fn()>::new(on_format);
        let complete = Closure::<dyn Fn(String, u32, bool) -> String>::new(move |text: String, at: u32, explicit: bool| {
            completion_json(&text, at, explicit, &catalog())
        });

        let options = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&options, &JsValue::from_str(k), v).map(|_| ());
        set("text", &JsValue::from_str(text))?;
        set("label", &JsValue::from_str(&words.label))?;
        set("describedBy", &JsValue::from_str(&words.described_by))?;
        set("phrases", &phrases_object(words))?;
        set("onChange", on_change.as_ref())?;
        set("onRun", on_run.as_ref())?;
        set("onFormat", on_format.as_ref())?;
        set("complete", complete.as_ref())?;
        let js: SqlEditorJs = create.call2(&JsValue::NULL, parent, &options)?.unchecked_into();
        Ok(Editor { js, _closures: vec![Box::new(on_change), Box::new(on_run), Box::new(on_format), Box::new(complete)] })
    }

    pub fn text(&self) -> String {
        self.js.text()
    }

    /// Shows tab `id` with `text`, with its own undo history.
    pub fn load_tab(&self, id: u64, text: &str) {
        self.js.load(&id.to_string(), text);
    }

    /// Drops what the editor keeps for a tab that was closed.
    pub fn forget_tab(&self, id: u64) {
        self.js.forget(&id.to_string());
    }

    /// Replaces the whole text as one undoable change (Format).
    pub fn replace_all(&self, text: &str) {
        self.js.replace_all(text);
    }

    /// Types `text` at the cursor (over the selection), undoable.
    pub fn insert(&self, text: &str) {
        self.js.insert(text);
    }

    /// The cursor as a byte offset of `text` (the editor's text).
    pub fn cursor_byte(&self, text: &str) -> usize {
        utf16_to_byte(text, self.js.cursor())
    }

    /// Selects bytes `start..end` of `text`, scrolls them into view and focuses the editor.
    pub fn select_bytes(&self, text: &str, start: usize, end: usize) {
        self.js.select(byte_to_utf16(text, start), byte_to_utf16(text, end));
    }

    /// Underlines bytes `start..end` of `text` as the engine's error.
    pub fn set_error(&self, text: &str, start: usize, end: usize, message: &str) {
        self.js.set_error(byte_to_utf16(text, start), byte_to_utf16(text, end), message);
    }

    pub fn clear_error(&self) {
        self.js.clear_error();
    }

    /// Follows a language switch.
    pub fn set_words(&self, words: &Words) {
        self.js.set_phrases(&phrases_object(words), &words.label, &words.described_by);
    }

    pub fn focus(&self) {
        self.js.focus();
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        self.js.destroy();
    }
}
