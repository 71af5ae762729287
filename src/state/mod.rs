//! Application state shared through context: the session store (config, token, theme), the
//! refresh bus used by the `r` shortcut, and the polling helper pages use for live data.

pub mod poll;
pub mod session;
pub mod theme;

pub use poll::{use_polling, RefreshBus};
pub use session::{use_session, ConfigStatus, Session, SessionState, SessionStateStoreFields};
pub use theme::Theme;
