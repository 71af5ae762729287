//! How the SQL editor runs a statement, where no browser is needed: when to poll its status, when
//! to try again after the connection failed, and what the rows held say about the whole result.

use crate::mrs_sql::MAX_INLINE_ROWS;

/// Milliseconds to wait before status poll number `n` (0-based) of a statement that is not final
/// yet: the first at once (a `SELECT 1` is done within milliseconds), then 10, 20, 40 … up to
/// 500 ms, so a long statement costs two requests a second.
pub fn status_poll_delay_ms(n: u32) -> u32 {
    if n == 0 {
        0
    } else {
        (5u32 << n.min(7)).min(500)
    }
}

/// ExecuteSql's `wait_ms` when the endpoint is a sandbox: a statement that ends within it comes
/// back finished in the first answer; a longer one gets its id (and so its Cancel) after this long.
pub const EXECUTE_HOLD_MS: u32 = 200;

/// ShowSqlResult's `wait_ms` when the endpoint is a sandbox: each poll is held until the statement
/// ends or this long (the sandbox accepts up to 2000).
pub const STATUS_LONG_POLL_MS: u32 = 1000;

/// Milliseconds to wait before try number `failures` (1-based) after a status poll could not reach
/// the service: 0.5, 1, 2, 4, 8 s, then every 10 s for as long as the user keeps the page.
pub fn reconnect_delay_ms(failures: u32) -> u32 {
    (500u32 << failures.saturating_sub(1).min(5)).min(10_000)
}

/// How many rows a result has, as far as the service told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowTotal {
    Exact(u64),
    /// More than this many: the service gave these rows and not the count of the rest.
    AtLeast(u64),
}

/// Whether the inline `content` of an answer (`inline_rows` data rows) is the whole result: it is
/// unless it is full and the result was archived (the archive holds all rows).
pub fn inline_is_whole(inline_rows: usize, archived: bool) -> bool {
    inline_rows < MAX_INLINE_ROWS || !archived
}

/// A result held in the browser that is not all of it: what the editor must say above the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// `held` of `total` rows, cut at the row limit.
    Of { held: u64, total: u64, limit: u64 },
    /// `held` rows of a result with more, the service did not say how many.
    AtLeast { held: u64, limit: u64 },
}

/// The cut to announce, if the rows held are not the whole result.
pub fn cut(held: u64, total: RowTotal, limit: u64) -> Option<Cut> {
    match total {
        RowTotal::Exact(total) => (held < total).then_some(Cut::Of { held, total, limit }),
        RowTotal::AtLeast(_) => Some(Cut::AtLeast { held, limit }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_start_at_once_and_back_off_to_half_a_second() {
        let delays: Vec<u32> = (0..10).map(status_poll_delay_ms).collect();
        assert_eq!(delays, [0, 10, 20, 40, 80, 160, 320, 500, 500, 500]);
        assert_eq!(status_poll_delay_ms(u32::MAX), 500);
    }

    #[test]
    fn reconnects_back_off_to_ten_seconds() {
        let delays: Vec<u32> = (1..9).map(reconnect_delay_ms).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
        assert_eq!(reconnect_delay_ms(0), 500);
        assert_eq!(reconnect_delay_ms(u32::MAX), 10_000);
    }

    #[test]
    fn the_inline_rows_are_whole_unless_full_and_archived() {
        assert!(inline_is_whole(999, true));
        assert!(inline_is_whole(MAX_INLINE_ROWS, false));
        assert!(!inline_is_whole(MAX_INLINE_ROWS, true));
    }

    #[test]
    fn a_cut_is_announced_with_the_true_total() {
        // The defect: 1,500 customers at limit 1,000 said "1,000 rows"; at limit 100, "of 1000".
        assert_eq!(cut(1000, RowTotal::Exact(1500), 1000), Some(Cut::Of { held: 1000, total: 1500, limit: 1000 }));
        assert_eq!(cut(100, RowTotal::Exact(1500), 100), Some(Cut::Of { held: 100, total: 1500, limit: 100 }));
        assert_eq!(cut(1500, RowTotal::Exact(1500), 10_000), None);
        assert_eq!(cut(25, RowTotal::Exact(25), 25), None, "exactly the limit, nothing more");
        assert_eq!(cut(1000, RowTotal::AtLeast(1000), 10_000), Some(Cut::AtLeast { held: 1000, limit: 10_000 }));
    }
}
