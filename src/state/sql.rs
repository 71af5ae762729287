//! The SQL editor's workspace: open tabs with their drafts, recently closed tabs and the run
//! history, kept in localStorage so drafts survive a reload, a crash or a closed browser. Nothing
//! secret is stored here (no token, no results).

use serde::{Deserialize, Serialize};

const KEY: &str = "lakedeck.sql.v1";
pub const MAX_CLOSED: usize = 20;
pub const MAX_HISTORY: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EditorTab {
    pub id: u64,
    pub text: String,
    pub cluster: String,
}

impl EditorTab {
    /// The first words of the first code line, or "Query N" (tracked: it is in the current language).
    pub fn title(&self) -> String {
        let line = self.text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("--")).unwrap_or("");
        if line.is_empty() {
            return crate::t!(sql.untitled, n = self.id);
        }

        let mut t: String = line.chars().take(24).collect();
        if line.chars().count() > 24 {
            t.push('…');
        }
        t
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryEntry {
    pub text: String,
    pub cluster: String,
    /// Epoch milliseconds of the start.
    pub at_ms: f64,
    pub duration_ms: f64,
    /// FINISHED, FAILED, or CANCELLED when the user cancelled it.
    pub status: String,
    pub rows: Option<u64>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workspace {
    pub tabs: Vec<EditorTab>,
    pub active: u64,
    /// Most recently closed last.
    pub closed: Vec<EditorTab>,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
    pub next_id: u64,
    /// The row limit last chosen (kept across reloads; 0 in an older save: the default).
    pub row_limit: u64,
    /// Height of the editor pane in CSS pixels as the user last dragged it (0: the layout's default).
    pub editor_height: u32,
}

/// Row limits offered; results past the limit are not held in the browser.
pub const ROW_LIMITS: [u64; 5] = [100, 1_000, 10_000, 100_000, 1_000_000];
pub const DEFAULT_ROW_LIMIT: u64 = 10_000;

impl Default for Workspace {
    fn default() -> Self {
        Workspace {
            tabs: vec![EditorTab { id: 1, text: String::new(), cluster: String::new() }],
            active: 1,
            closed: Vec::new(),
            history: Vec::new(),
            next_id: 2,
            row_limit: DEFAULT_ROW_LIMIT,
            editor_height: 0,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

impl Workspace {
    /// The stored workspace, or a fresh one with an empty tab.
    pub fn load() -> Workspace {
        let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten());
        let mut ws: Workspace = stored.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        ws.repair();
        ws
    }

    pub fn save(&self) {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(self)) {
            // A full storage keeps the previous save; the draft stays in memory.
            let _ = s.set_item(KEY, &text);
        }
    }

    /// Keeps the invariants after loading something older or edited by hand.
    pub fn repair(&mut self) {
        if self.tabs.is_empty() {
            let id = self.next_id.max(1);
            self.tabs.push(EditorTab { id, ..Default::default() });
        }
        let max_id = self.tabs.iter().chain(&self.closed).map(|t| t.id).max().unwrap_or(0);
        self.next_id = self.next_id.max(max_id + 1);
        if !self.tabs.iter().any(|t| t.id == self.active) {
            self.active = self.tabs[0].id;
        }
        if !ROW_LIMITS.contains(&self.row_limit) {
            self.row_limit = DEFAULT_ROW_LIMIT;
        }
    }

    pub fn active_tab(&self) -> &EditorTab {
        self.tabs.iter().find(|t| t.id == self.active).unwrap_or(&self.tabs[0])
    }

    pub fn active_tab_mut(&mut self) -> &mut EditorTab {
        let i = self.tabs.iter().position(|t| t.id == self.active).unwrap_or(0);
        &mut self.tabs[i]
    }

    /// Opens a new tab after the others and makes it active.
    pub fn new_tab(&mut self, text: String, cluster: String) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.tabs.push(EditorTab { id, text, cluster });
        self.active = id;
        id
    }

    /// Closes a tab (it can be reopened); the last tab is replaced by an empty one.
    pub fn close_tab(&mut self, id: u64) {
        let Some(i) = self.tabs.iter().position(|t| t.id == id) else { return };
        let tab = self.tabs.remove(i);
        let cluster = tab.cluster.clone();
        self.closed.push(tab);
        if self.closed.len() > MAX_CLOSED {
            self.closed.remove(0);
        }
        if self.tabs.is_empty() {
            self.new_tab(String::new(), cluster);
        } else if self.active == id {
            self.active = self.tabs[i.min(self.tabs.len() - 1)].id;
        }
    }

    /// Reopens the most recently closed tab; false when there is none.
    pub fn reopen(&mut self) -> bool {
        let Some(tab) = self.closed.pop() else { return false };
        self.active = tab.id;
        self.tabs.push(tab);
        true
    }

    pub fn record(&mut self, entry: HistoryEntry) {
        self.history.insert(0, entry);
        self.history.truncate(MAX_HISTORY);
    }
}
