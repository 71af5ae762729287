//! Paging math. MRS pages are 1-based page numbers everywhere (`currentPage` on v1.1,
//! `offset` on v2 nodes/files/jobs), never item offsets.

/// The item range of page `page` (1-based) of `size` items, clipped to `total`.
/// A page past the end is an empty range at `total`.
pub fn page_range(total: usize, size: usize, page: usize) -> std::ops::Range<usize> {
    let size = size.max(1);
    let start = page.saturating_sub(1).saturating_mul(size).min(total);
    let end = start.saturating_add(size).min(total);
    start..end
}

/// How many pages `total` items fill at `size` per page (at least 1, so "page 1 of 1" shows for an empty list).
pub fn page_count(total: usize, size: usize) -> usize {
    total.div_ceil(size.max(1)).max(1)
}

/// The page sizes every paged list offers (the pager's select).
pub const PAGE_SIZES: [u32; 3] = [10, 20, 50];

/// Is `n` one of [`PAGE_SIZES`]? (A hand-edited `size=` in a URL falls back to the list's default.)
pub fn is_page_size(n: i64) -> bool {
    PAGE_SIZES.iter().any(|&s| i64::from(s) == n)
}

/// Parses a page-number or page-size query parameter: digits only, within `min..=max`.
pub fn parse_bounded(raw: &str, min: i64, max: i64) -> Option<i64> {
    let v: i64 = raw.trim().parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(page_range(25, 10, 1), 0..10);
        assert_eq!(page_range(25, 10, 3), 20..25);
        assert_eq!(page_range(25, 10, 4), 25..25);
        assert_eq!(page_range(0, 10, 1), 0..0);
        assert_eq!(page_range(5, 10, 0), 0..5);
        assert_eq!(page_range(5, usize::MAX, usize::MAX), 5..5);
    }

    #[test]
    fn page_sizes_are_the_pagers() {
        assert!(PAGE_SIZES.iter().all(|&s| is_page_size(i64::from(s))));
        assert!(!is_page_size(0) && !is_page_size(-10) && !is_page_size(30) && !is_page_size(1000));
    }

    #[test]
    fn counts() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
    }

    #[test]
    fn bounded() {
        assert_eq!(parse_bounded("10", 1, 100), Some(10));
        assert_eq!(parse_bounded("0", 1, 100), None);
        assert_eq!(parse_bounded("abc", 1, 100), None);
        assert_eq!(parse_bounded("2147483647", 1, 2147483646), None);
    }
}
