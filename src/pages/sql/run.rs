//! Running one statement through MRS ExecuteSql, ShowSqlResult and the sandbox's paged read, and
//! reading its rows up to the row limit. No view here: the page turns the progress it reports into
//! the statements table and the result tabs.
//!
//! Truth first: a statement whose status cannot be read is "status unknown", never "not run" (the
//! user might run an INSERT twice); the status keeps being asked, backing off, until it is known.

use std::sync::Arc;

use lakedeck_api::grid::ResultSet;
use lakedeck_api::mrs_sql::{SqlExecution, MAX_PAGE_ROWS};
use lakedeck_api::sqlrun::{inline_is_whole, reconnect_delay_ms, status_poll_delay_ms, RowTotal, EXECUTE_HOLD_MS, STATUS_LONG_POLL_MS};

use crate::api::sql::{execute_sql, show_sql, sql_rows};
use crate::api::{ApiClient, ApiError, NETWORK};

/// Sleeps without blocking the page.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Whether an error means the service could not be reached (no answer, or a gateway saying the
/// server behind it is down), as opposed to the service answering with a refusal.
pub fn is_unreachable(e: &ApiError) -> bool {
    e.code == NETWORK || matches!(e.status, 502..=504)
}

/// What happens to a statement while it runs, as it happens.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// ExecuteSql answered: the statement has this id.
    Accepted(String),
    /// A status poll answered (QUEUED, RUNNING, …).
    Status(String),
    /// A status poll could not reach the service; `tries` failed in a row so far.
    Lost { tries: u32 },
}

/// How a statement ended when it did not end with a final status.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// ExecuteSql was refused: the statement did not run.
    Refused(ApiError),
    /// ExecuteSql got no answer: the statement may or may not have reached the service.
    NoAnswer(ApiError),
    /// The service answered a status poll with an error (it no longer knows the id…): what
    /// became of the statement is unknown.
    Untracked(ApiError),
    /// The page that asked is gone.
    Abandoned,
}

/// Runs `statement` to its final status (FINISHED or FAILED): ExecuteSql, then ShowSqlResult, the
/// first time at once and then backing off (lakedeck_api::sqlrun), or held by a sandbox until the end. While the service cannot be
/// reached the status is asked again, backing off up to 10 s, for as long as `report` returns true
/// (it returns false once the page is gone).
pub async fn run_statement(client: &ApiClient, cluster: &str, statement: &str, report: &dyn Fn(Progress) -> bool) -> Result<SqlExecution, RunError> {
    // A sandbox answers ExecuteSql itself once the statement ends if that is soon (`wait_ms`): a
    // short statement is then one request. Held briefly, so Cancel (which needs the id) is never
    // out of reach for long.
    let hold = if client.config.sandbox { EXECUTE_HOLD_MS } else { 0 };
    let mut exec = match execute_sql(client, cluster, statement, hold).await {
        Ok(e) => e,
        Err(e) if is_unreachable(&e) => return Err(RunError::NoAnswer(e)),
        Err(e) => return Err(RunError::Refused(e)),
    };
    if !report(Progress::Accepted(exec.id.clone())) {
        return Err(RunError::Abandoned);
    }
    // A sandbox holds each status poll until the statement ends (`wait_ms`), so the end is seen
    // the moment it happens; a cloud endpoint is polled on the back-off schedule.
    let long_poll = if client.config.sandbox { STATUS_LONG_POLL_MS } else { 0 };
    let (mut polls, mut tries) = (0u32, 0u32);
    while !matches!(exec.status.as_str(), "FINISHED" | "FAILED") {
        let wait = match (tries, long_poll) {
            (0, 0) => status_poll_delay_ms(polls),
            (0, _) => 0,
            _ => reconnect_delay_ms(tries),
        };
        if wait > 0 {
            sleep(wait).await;
        }
        match show_sql(client, cluster, &exec.id, long_poll).await {
            Ok(next) => {
                exec = next;
                polls += 1;
                tries = 0;
                if !report(Progress::Status(exec.status.clone())) {
                    return Err(RunError::Abandoned);
                }
            }
            Err(e) if is_unreachable(&e) => {
                tries += 1;
                if !report(Progress::Lost { tries }) {
                    return Err(RunError::Abandoned);
                }
            }
            Err(e) => return Err(RunError::Untracked(e)),
        }
    }
    Ok(exec)
}

/// Rows read for a finished statement: at most the row limit, and how many the result has.
pub struct Rows {
    pub set: Arc<ResultSet>,
    pub total: RowTotal,
}

/// Reads a finished statement's rows, up to `limit`: the inline `content` when it is the whole
/// result, else the sandbox's paged read of the archive, which also tells the true total. A
/// service without the paged read (the real MRS keeps results in OBS) gives the inline rows and "at
/// least that many".
pub async fn fetch_rows(client: &ApiClient, cluster: &str, exec: &SqlExecution, limit: u64) -> Result<Rows, ApiError> {
    let mut content = exec.content.iter();
    let columns = content.next().cloned().unwrap_or_default();
    let inline = exec.content.len().saturating_sub(1);
    let inline_set = |take: u64| {
        let mut set = ResultSet::new(columns.clone());
        for row in exec.content.iter().skip(1).take(take as usize) {
            set.push_row(row);
        }
        set
    };
    if inline_is_whole(inline, !exec.result_location.is_empty()) {
        return Ok(Rows { set: Arc::new(inline_set(limit)), total: RowTotal::Exact(inline as u64) });
    }
    if limit <= inline as u64 {
        // The inline rows are enough to show; one row of the paged read gives the true total.
        let total = match sql_rows(client, cluster, &exec.id, 0, 1).await {
            Ok(page) => RowTotal::Exact(page.total_rows),
            Err(e) if is_unreachable(&e) => return Err(e),
            Err(_) => RowTotal::AtLeast(inline as u64),
        };
        return Ok(Rows { set: Arc::new(inline_set(limit)), total });
    }
    let mut set = ResultSet::new(columns.clone());
    let mut offset = 0u64;
    let mut total = u64::MAX;
    while offset < limit.min(total) {
        let page = match sql_rows(client, cluster, &exec.id, offset, (limit - offset).min(MAX_PAGE_ROWS as u64)).await {
            Ok(p) => p,
            Err(e) if offset == 0 && !is_unreachable(&e) => {
                return Ok(Rows { set: Arc::new(inline_set(limit)), total: RowTotal::AtLeast(inline as u64) });
            }
            Err(e) => return Err(e),
        };
        total = page.total_rows;
        if page.rows.is_empty() {
            break;
        }
        offset += page.rows.len() as u64;
        for row in &page.rows {
            set.push_row(row);
        }
    }
    // Growth leaves up to half of each column buffer unused; give it back before holding it.
    set.shrink_to_fit();
    let total = if total == u64::MAX { set.len() as u64 } else { total };
    Ok(Rows { set: Arc::new(set), total: RowTotal::Exact(total) })
}

/// Whether a statement may have changed the catalog (so the schema browser reads it again).
pub fn changes_catalog(statement: &str) -> bool {
    let first = statement.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    matches!(first.as_str(), "CREATE" | "DROP" | "ALTER")
}

/// Where a statement of a run is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Step {
    /// Not sent yet (an earlier statement of the script is running).
    #[default]
    Waiting,
    Queued,
    Running,
    /// Accepted, then the service could not be reached: still asking.
    Lost,
    Finished,
    Failed,
    Cancelled,
    /// What became of it cannot be known (no answer to ExecuteSql, or the service lost the id).
    Unknown,
    /// Not sent: an earlier statement did not finish, or the run was cancelled.
    Skipped,
}

impl Step {
    /// The step a ShowSqlResult status stands for.
    pub fn from_service(status: &str) -> Step {
        match status {
            "FINISHED" => Step::Finished,
            "FAILED" => Step::Failed,
            "QUEUED" | "WAITING_FOR_RESOURCES" | "PLANNING" | "STARTING" => Step::Queued,
            _ => Step::Running,
        }
    }

    /// Stable name (the `data-status` of the statements table, the history's status).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Waiting => "WAITING",
            Step::Queued => "QUEUED",
            Step::Running => "RUNNING",
            Step::Lost => "LOST",
            Step::Finished => "FINISHED",
            Step::Failed => "FAILED",
            Step::Cancelled => "CANCELLED",
            Step::Unknown => "UNKNOWN",
            Step::Skipped => "SKIPPED",
        }
    }

    pub fn is_active(self) -> bool {
        matches!(self, Step::Queued | Step::Running | Step::Lost)
    }

    /// Colour of its status chip.
    pub fn tone(self) -> &'static str {
        match self {
            Step::Finished => "ok",
            Step::Failed => "bad",
            Step::Queued | Step::Running => "busy",
            Step::Lost | Step::Unknown => "warn",
            _ => "muted",
        }
    }
}

/// One statement of a run and how it went.
#[derive(Clone, Debug, Default)]
pub struct StatementRun {
    pub text: String,
    /// Its byte range in the text of tab `tab` when the run started.
    pub span: Option<std::ops::Range<usize>>,
    pub tab: u64,
    pub step: Step,
    pub sql_id: String,
    pub started_ms: f64,
    pub duration_ms: f64,
    /// The service's message.
    pub message: String,
    /// Why it has no outcome from the engine: refused, no answer, status unreadable, rows unreadable.
    pub error: Option<RunFailure>,
    /// Status polls that failed in a row while the connection is lost.
    pub lost_tries: u32,
    pub rows: Option<std::sync::Arc<lakedeck_api::grid::ResultSet>>,
    pub total: Option<lakedeck_api::sqlrun::RowTotal>,
    pub limit: u64,
    /// EXPLAIN's plan.
    pub plan: Option<String>,
    /// The final answer, kept to read the rows again.
    pub exec: Option<lakedeck_api::mrs_sql::SqlExecution>,
}

/// A statement without an engine outcome, and why.
#[derive(Clone, Debug, PartialEq)]
pub enum RunFailure {
    /// ExecuteSql was refused: it did not run.
    Refused(ApiError),
    /// ExecuteSql got no answer: it may or may not have run.
    NoAnswer(ApiError),
    /// The service answered a status poll with an error.
    Untracked(ApiError),
    /// It finished; reading its rows failed.
    Rows(ApiError),
}
