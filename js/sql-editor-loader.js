// Loads the SQL view's code editor (CodeMirror, bundled by scripts/build-editor.mjs) the first time the view
// asks for it, so no other view fetches it. A module file of its own (a wasm-bindgen snippet): no inline
// script, no eval.
let loading = null;

/** The editor module (`createSqlEditor`); `url` replaces the bundled one (component tests). */
export function loadSqlEditor(url) {
  if (url) return import(url);
  if (!loading) {
    // This file sits at snippets/<crate>/js/ in the bundle; the editor at the bundle's root.
    loading = import(new URL("../../../sql-editor.js", import.meta.url).href).catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}
