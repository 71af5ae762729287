//! Live refresh: a tick that advances every `period` while `active()` is true and the tab is
//! visible, plus once when the tab becomes visible again. Resources read the tick to re-fetch.

use std::time::Duration;

use leptos::prelude::*;

/// Bumped by the `r` shortcut and by pages after a change; every live view reads it.
#[derive(Clone, Copy, Debug)]
pub struct RefreshBus(pub RwSignal<u64>);

impl RefreshBus {
    pub fn new() -> RefreshBus {
        RefreshBus(RwSignal::new(0))
    }

    pub fn bump(&self) {
        self.0.update(|n| *n += 1);
    }

    /// Tracks the bus in the current reactive scope.
    pub fn track(&self) {
        self.0.track();
    }
}

impl Default for RefreshBus {
    fn default() -> Self {
        RefreshBus::new()
    }
}

pub fn document_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false)
}

/// Returns a tick signal. `active` is evaluated on every interval (outside any reactive owner, so
/// it may only read signals, not context).
pub fn use_polling(period: Duration, active: impl Fn() -> bool + Send + Sync + 'static) -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    let active = std::sync::Arc::new(active);
    let a = active.clone();
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if !document_hidden() && a() {
                let _ = tick.try_update(|t| *t += 1);
            }
        },
        period,
    ) {
        on_cleanup(move || handle.clear());
    }
    let vis = window_event_listener_untyped("visibilitychange", move |_| {
        if !document_hidden() && active() {
            let _ = tick.try_update(|t| *t += 1);
        }
    });
    on_cleanup(move || vis.remove());
    tick
}

/// A tick every `period` while `busy` is true (something on the page is changing) and every fifth
/// period otherwise, so a quiet page still picks up changes made elsewhere.
pub fn use_adaptive_polling(period: Duration, busy: RwSignal<bool>) -> RwSignal<u64> {
    let ticks = std::sync::atomic::AtomicU32::new(0);
    use_polling(period, move || {
        let n = ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        busy.get_untracked() || n % 5 == 4
    })
}
