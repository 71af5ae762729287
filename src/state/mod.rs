//! Application state shared through context: the session store (config, token, theme), the
//! refresh bus used by the `r` shortcut, the polling helper pages use for live data, and how the
//! console is hosted (`host`).

pub mod host;
pub mod load;
pub mod poll;
pub mod session;
pub mod sql;
pub mod theme;

pub use load::{load, load_error, LoadResult, Loaded};
pub use poll::{use_adaptive_polling, use_polling, RefreshBus};
pub use session::{use_read_only, use_session, use_write_block, ConfigStatus, Session, SessionState, SessionStateStoreFields, Who};
pub use theme::Theme;

use leptos::prelude::Effect;

/// `Effect::new` for effects that keep no value between runs, through one boxed closure: each
/// `Effect::new` call site otherwise compiles its own copy of the effect machinery (measured on the
/// release bundle). Runs on the next tick and again whenever a signal it read changes.
pub fn run_effect(f: impl Fn() + 'static) {
    let f: Box<dyn Fn()> = Box::new(f);
    Effect::new(move |_| f());
}
