// The SQL editor of the console's /sql view: CodeMirror 6, bundled by scripts/build-editor.mjs into one
// ES module (sql-editor-<hash>.js) that the view imports when it is first shown.
//
// What the editor knows stays in Rust: completion (lakedeck_api::sqledit::complete, called through
// `options.complete`), statement splitting, formatting and running. This file wires CodeMirror to it and
// keeps each tab's undo history. No inline styles or eval: CodeMirror's own styles go through
// constructed stylesheets (`adoptedStyleSheets`), which the console's Content-Security-Policy allows.

import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, drawSelection, dropCursor, rectangularSelection, crosshairCursor, tooltips } from "@codemirror/view";
import { EditorState, Compartment, Prec } from "@codemirror/state";
import { history, historyKeymap, defaultKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, bracketMatching, indentOnInput } from "@codemirror/language";
import { autocompletion, completionKeymap, completionStatus, acceptCompletion, moveCompletionSelection, selectedCompletionIndex, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { setDiagnostics, diagnosticCount } from "@codemirror/lint";
import { sql, SQLDialect, StandardSQL } from "@codemirror/lang-sql";
import { classHighlighter } from "@lezer/highlight";

// Spark, Hive and DataFusion SQL: `"` and backtick quote identifiers, backslash escapes in strings (the
// same lexical rules as the shared splitter, crates/api/src/sqltext.rs).
const dialect = SQLDialect.define({ ...StandardSQL.spec, identifierQuotes: '"`', backslashEscapes: true });

// Colours come from the console's palette (custom properties of style/main.css), so the editor follows
// the light and dark themes and keeps their contrast.
const theme = EditorView.theme({
  "&": { color: "var(--text)", backgroundColor: "var(--surface)", height: "100%", fontSize: "14px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5", overflow: "auto" },
  ".cm-content": { caretColor: "var(--text)", padding: "8px 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  "&.cm-focused": { outline: "none" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "var(--editor-selection)" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--editor-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--editor-active-line)", color: "var(--text)" },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "var(--editor-bracket)", outline: "1px solid var(--muted)" },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: "var(--danger-soft)", color: "var(--danger)" },
  ".cm-searchMatch": { backgroundColor: "var(--busy-soft)", outline: "1px solid var(--busy)" },
  ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "var(--accent-soft)" },
  ".cm-selectionMatch": { backgroundColor: "var(--editor-selection-match)" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "6px", boxShadow: "var(--shadow)" },
  ".cm-tooltip-autocomplete > ul": { fontFamily: "var(--mono)", maxHeight: "14em" },
  ".cm-tooltip-autocomplete > ul > li": { padding: "2px 8px" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent-soft)", color: "var(--text)" },
  ".cm-completionDetail": { color: "var(--muted)", fontStyle: "normal", marginLeft: "1.5em" },
  ".cm-completionMatchedText": { textDecoration: "none", fontWeight: "700" },
  ".cm-panels": { backgroundColor: "var(--surface-2)", color: "var(--text)" },
  ".cm-panels.cm-panels-bottom": { borderTop: "1px solid var(--border)" },
  ".cm-panel.cm-search": { padding: "6px 8px", display: "flex", flexWrap: "wrap", gap: "4px 6px", alignItems: "center" },
  ".cm-panel.cm-search input, .cm-panel.cm-search button, .cm-panel.cm-search label": { fontSize: "13px", margin: "0" },
  ".cm-textfield": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "4px", padding: "2px 6px" },
  ".cm-button": { backgroundImage: "none", backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "4px", padding: "2px 8px" },
  ".cm-panel button[name=close]": { color: "var(--text)", fontSize: "16px", right: "6px" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--danger)", textUnderlineOffset: "3px" },
  ".cm-diagnostic-error": { borderLeft: "4px solid var(--danger)" },
  ".tok-keyword": { color: "var(--tok-keyword)", fontWeight: "600" },
  ".tok-string, .tok-string2": { color: "var(--tok-string)" },
  ".tok-number, .tok-bool, .tok-null, .tok-atom": { color: "var(--tok-number)" },
  ".tok-comment": { color: "var(--muted)", fontStyle: "italic" },
  ".tok-operator, .tok-punctuation": { color: "var(--tok-operator)" },
  ".tok-typeName": { color: "var(--tok-type)" },
  ".tok-variableName.tok-special, .tok-labelName": { color: "var(--tok-quoted)" },
});

/**
 * Creates the editor in `parent`. Options:
 *   text         the first tab's text
 *   label        accessible name of the text area; describedBy: id of its description
 *   phrases      CodeMirror's own UI words in the console's language (search panel, completions…)
 *   onChange(text)            after every change of the text
 *   onRun(script)             Ctrl/Cmd+Enter (false) or Shift+Ctrl/Cmd+Enter (true)
 *   onFormat()                Shift+Ctrl/Cmd+F
 *   complete(text, at, explicit) → JSON `{"from","to","options":[{"label","type","detail"}]}` or ""
 *                             (UTF-16 offsets; lakedeck_api::sqledit::complete)
 */
export function createSqlEditor(parent, options) {
  const phrases = new Compartment();
  const attributes = new Compartment();
  let currentPhrases = options.phrases || {};

  const source = (context) => {
    const answer = options.complete(context.state.doc.toString(), context.pos, context.explicit);
    if (!answer) return null;
    const list = JSON.parse(answer);
    return {
      from: list.from,
      to: list.to,
      // The list is already what fits the word (Rust filtered and ordered it); asked again on each key.
      filter: false,
      options: list.options.map((o) => ({ label: o.label, type: o.type, detail: o.detail || undefined })),
    };
  };

  // Tab takes the highlighted completion, or the first one when the user has not moved into the list;
  // without a list open it indents (Esc, then Tab, leaves the editor).
  const acceptWithTab = (view) => {
    if (completionStatus(view.state) !== "active") return false;
    if (selectedCompletionIndex(view.state) === null || selectedCompletionIndex(view.state) < 0) {
      moveCompletionSelection(true)(view);
    }
    return acceptCompletion(view);
  };

  const extensions = () => [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(classHighlighter),
    bracketMatching(),
    closeBrackets(),
    // Enter accepts only after the user moved into the list; typing a complete word opens nothing
    // (the Rust source answers nothing for it). Tooltips are fixed to the window, which keeps the
    // list on screen at the end of a long line.
    autocompletion({ override: [source], selectOnOpen: false, icons: false, maxRenderedOptions: 60 }),
    tooltips({ position: "fixed" }),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: false }),
    sql({ dialect }),
    theme,
    phrases.of(EditorState.phrases.of(currentPhrases)),
    attributes.of(contentAttributes(options)),
    Prec.highest(keymap.of([
      { key: "Mod-Enter", run: () => { options.onRun(false); return true; } },
      { key: "Shift-Mod-Enter", run: () => { options.onRun(true); return true; } },
      { key: "Shift-Mod-f", run: () => { options.onFormat(); return true; } },
      { key: "Tab", run: acceptWithTab },
    ])),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange(update.state.doc.toString());
    }),
  ];

  const newState = (text) => EditorState.create({ doc: text, extensions: extensions() });
  const view = new EditorView({ state: newState(options.text || ""), parent, root: parent.getRootNode() });
  // Each tab keeps its state (text, selection, undo history) while another one is shown.
  const saved = new Map();
  let current = null;

  const api = {
    text: () => view.state.doc.toString(),
    /** Shows tab `key` with `text`: its own undo history when it was shown before with this text. */
    load(key, text) {
      if (current !== null) saved.set(current, view.state);
      current = key;
      const keep = saved.get(key);
      if (keep && keep.doc.toString() === text) {
        view.setState(keep);
        // Words may have changed language while the tab was away.
        view.dispatch({ effects: [phrases.reconfigure(EditorState.phrases.of(currentPhrases)), attributes.reconfigure(contentAttributes(options))] });
      } else if (view.state.doc.toString() !== text || keep) {
        view.setState(newState(text));
      }
      view.dispatch(setDiagnostics(view.state, []));
    },
    forget(key) {
      saved.delete(key);
    },
    /** Replaces the whole text as one undoable change (Format; Ctrl+Z brings the old text back). */
    replaceAll(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: "input.format", scrollIntoView: true });
    },
    /** Types `text` over the selection (a name from the schema browser), undoable. */
    insert(text) {
      view.dispatch(view.state.replaceSelection(text), { userEvent: "input", scrollIntoView: true });
      view.focus();
    },
    cursor: () => view.state.selection.main.head,
    select(from, to) {
      const len = view.state.doc.length;
      view.dispatch({ selection: { anchor: Math.min(from, len), head: Math.min(to, len) }, scrollIntoView: true });
      view.focus();
    },
    /** Underlines `from..to` as the engine's error, with `message` on hover. */
    setError(from, to, message) {
      const len = view.state.doc.length;
      from = Math.min(from, len);
      to = Math.max(Math.min(to, len), from);
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message }]));
    },
    clearError() {
      // Every run clears the underline; without one there is nothing to update (a dispatch
      // would still re-render and re-measure the editor before the run's request goes out).
      if (diagnosticCount(view.state) === 0) return;
      view.dispatch(setDiagnostics(view.state, []));
    },
    setPhrases(map, label, describedBy) {
      currentPhrases = map || {};
      options.label = label;
      options.describedBy = describedBy;
      view.dispatch({ effects: [phrases.reconfigure(EditorState.phrases.of(currentPhrases)), attributes.reconfigure(contentAttributes(options))] });
    },
    focus: () => view.focus(),
    destroy() {
      view.destroy();
      delete parent.lakedeckSqlEditor;
    },
  };
  // For automation (the end-to-end tests, a host page's scripts): the element holding the editor
  // carries its API.
  parent.lakedeckSqlEditor = api;
  return api;
}

function contentAttributes(options) {
  const attrs = { "aria-label": options.label || "SQL", spellcheck: "false", autocapitalize: "off", autocorrect: "off", translate: "no" };
  if (options.describedBy) attrs["aria-describedby"] = options.describedBy;
  return EditorView.contentAttributes.of(attrs);
}
