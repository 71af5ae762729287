//! The SQL editor: page (tabs, runs, results), the code editor widget, the schema browser.

pub mod codemirror;
pub mod editor;
pub mod page;
pub mod run;
pub mod schema;

pub use page::SqlEditor;
