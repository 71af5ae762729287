//! The keyboard shortcut sheet (`?`): what the shell's handler implements, and the keys of the SQL editor
//! and the result grid. A chunk of its own, fetched when the sheet is first opened.

use leptos::prelude::*;

use crate::components::Dialog;
use crate::{t, tr};

/// A shortcut: its keys (typed one after the other) and what it does, in the current language.
pub type Shortcut = (&'static [&'static str], fn() -> String);

/// The shortcut list shown in the sheet; the shell's handler (src/app.rs) implements exactly these.
pub const SHORTCUTS: &[Shortcut] = &[
    (&["?"], || t!(shortcuts.toggle_sheet)),
    (&["Esc"], || t!(shortcuts.close)),
    (&["g", "c"], || t!(shortcuts.go_clusters)),
    (&["g", "j"], || t!(shortcuts.go_jobs)),
    (&["g", "e"], || t!(shortcuts.go_emr_runs)),
    (&["g", "f"], || t!(shortcuts.go_emr_flows)),
    (&["g", "q"], || t!(shortcuts.go_sql)),
    (&["g", "s"], || t!(shortcuts.go_settings)),
    (&["/"], || t!(shortcuts.focus_search)),
    (&["n"], || t!(shortcuts.new_cluster)),
    (&["r"], || t!(shortcuts.refresh)),
];

/// Keys of the SQL editor (bound in tools/editor/sql-editor.js), listed in the sheet for reference.
pub const EDITOR_KEYS: &[Shortcut] = &[
    (&["Ctrl+Enter"], || t!(shortcuts.sql_run)),
    (&["Ctrl+Shift+Enter"], || t!(shortcuts.sql_run_script)),
    (&["Ctrl+Shift+F"], || t!(shortcuts.sql_format)),
    (&["Ctrl+Space"], || t!(shortcuts.sql_complete)),
    (&["Tab"], || t!(shortcuts.sql_accept)),
    (&["↓", "Enter"], || t!(shortcuts.sql_choose)),
    (&["Ctrl+Z"], || t!(shortcuts.sql_undo)),
    (&["Ctrl+Shift+Z"], || t!(shortcuts.sql_redo)),
    (&["Ctrl+F"], || t!(shortcuts.sql_search)),
];

/// Keys of a result grid (src/components/grid.rs), listed in the sheet for reference.
pub const GRID_KEYS: &[Shortcut] = &[
    (&["← ↑ → ↓"], || t!(shortcuts.grid_move)),
    (&["Shift+← ↑ → ↓"], || t!(shortcuts.grid_extend)),
    (&["PageUp", "PageDown"], || t!(shortcuts.grid_page)),
    (&["Home", "End"], || t!(shortcuts.grid_row_ends)),
    (&["Ctrl+Home", "Ctrl+End"], || t!(shortcuts.grid_corners)),
    (&["Ctrl+C"], || t!(shortcuts.grid_copy)),
];

/// One table of the shortcut sheet: `keys` typed one after the other ("then" between them) unless
/// `alternatives`, when each key alone does it ("or" between them).
fn shortcut_table(
    caption: impl Fn() -> String + Send + Sync + Copy + 'static,
    list: &'static [Shortcut],
    alternatives: bool,
) -> impl IntoView {
    view! {
        <table class="shortcut-table">
            <caption class="shortcut-caption">{caption}</caption>
            <tbody>
                {list.iter().map(|(keys, what)| {
                    let keys = keys.iter().enumerate().map(|(i, k)| view! {
                        {(i > 0).then(|| {
                            let joint = if alternatives { tr!(shortcuts.or) } else { tr!(shortcuts.then) };
                            view! { " " {joint} " " }
                        })}<kbd>{*k}</kbd>
                    }).collect_view();
                    view! { <tr><th scope="row">{keys}</th><td>{move || what()}</td></tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The sheet in its dialog, open while the shell's [`SheetOpen`](crate::app::SheetOpen) says so.
#[component]
pub fn ShortcutSheet() -> impl IntoView {
    let open = use_context::<crate::app::SheetOpen>().map(|s| s.0).unwrap_or_else(|| RwSignal::new(true));
    view! {
        <Dialog
            open=open
            on_close=Callback::new(move |_| open.set(false))
            title=tr!(app.shortcuts)
            id="shortcut-sheet"
        >
            {shortcut_table(tr!(shortcuts.general_title), SHORTCUTS, false)}
            {shortcut_table(tr!(shortcuts.sql_title), EDITOR_KEYS, false)}
            {shortcut_table(tr!(shortcuts.grid_title), GRID_KEYS, true)}
            <p class="hint">{tr!(shortcuts.typing_hint)} {tr!(shortcuts.mac_hint)}</p>
        </Dialog>
    }
}
