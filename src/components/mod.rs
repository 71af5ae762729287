//! Reusable widgets. Pages compose these; none of them knows about a particular API.

pub mod chart;
pub mod copy;
pub mod dialog;
pub mod error_panel;
pub mod form;
pub mod grid;
pub mod pager;
pub mod progress;
pub mod splitter;
pub mod state_chip;
pub mod table;
pub mod tag_rows;
pub mod time;
pub mod when;

pub use copy::{short_id, CopyButton, ShortId};
pub use dialog::Dialog;
pub use error_panel::ErrorPanel;
pub use form::{described_by, field_dom_id, FormField, SelectField, TextField};
pub use grid::ResultGrid;
pub use pager::Pager;
pub use progress::{ProgressBar, Spinner};
pub use splitter::Splitter;
pub use state_chip::{state_label, StateChip};
pub use table::{Column, DataTable};
pub use tag_rows::{tag_row_errors, TagRows};
pub use time::{parse_local_datetime, Timestamp};
pub use when::When;
