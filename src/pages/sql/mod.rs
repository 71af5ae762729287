//! The SQL editor: page (tabs, runs, layout), the code editor (CodeMirror through `codemirror`),
//! the results pane, the statement runner, the schema browser.

pub mod codemirror;
pub mod editor;
pub mod page;
pub mod results;
pub mod run;
pub mod schema;

pub use page::SqlEditor;
