//! The SQL editor's result grid, minus the DOM: a compact columnar result set, its sort, filter and
//! export, and the arithmetic of a grid virtualised in both directions.
//!
//! A million rows of eight short cells must fit in the browser next to everything else, so a
//! column is one text buffer plus end offsets (12-16 bytes a cell) instead of a `String` per cell
//! (24 bytes of header plus a heap block each). Row numbers are `u32` for the same reason.

use std::cmp::Ordering;
use std::ops::Range;

use crate::mrs_sql::csv_line;

/// Spacers taller than this break scrolling in some engines (Firefox stops near 17.9 M px), so a
/// taller result scrolls a capped spacer and maps its position onto the rows (see [`content_offset`]).
pub const MAX_SCROLL_PX: f64 = 15_000_000.0;

#[derive(Clone, Debug, Default, PartialEq)]
struct Column {
    text: String,
    ends: Vec<u32>,
}

/// Rows of text cells, stored column by column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultSet {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

impl ResultSet {
    pub fn new(columns: Vec<String>) -> ResultSet {
        let data = columns.iter().map(|_| Column::default()).collect();
        ResultSet { names: columns, columns: data, rows: 0 }
    }

    /// Like [`ResultSet::new`] with room for `rows` rows of cells about `cell_bytes` long, so
    /// loading a big result does not pass through a series of doubling reallocations (wasm memory
    /// never shrinks, so every abandoned buffer stays on the page's bill).
    pub fn with_capacity(columns: Vec<String>, rows: usize, cell_bytes: usize) -> ResultSet {
        let mut set = ResultSet::new(columns);
        for c in &mut set.columns {
            c.ends.reserve_exact(rows);
            c.text.reserve_exact(rows.saturating_mul(cell_bytes));
        }
        set
    }

    /// Appends a row: missing cells are empty, cells past the last column are ignored.
    pub fn push_row<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (i, c) in self.columns.iter_mut().enumerate() {
            if let Some(cell) = cells.get(i) {
                c.text.push_str(cell.as_ref());
            }
            // A column past 4 GiB cannot exist in wasm32's address space anyway.
            c.ends.push(u32::try_from(c.text.len()).expect("a result column holds less than 4 GiB"));
        }
        self.rows += 1;
    }

    /// Gives back the slack left by growth (after loading with [`ResultSet::push_row`]).
    pub fn shrink_to_fit(&mut self) {
        for c in &mut self.columns {
            c.text.shrink_to_fit();
            c.ends.shrink_to_fit();
        }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    pub fn column_count(&self) -> usize {
        self.names.len()
    }

    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// The cell's text; empty outside the result, so a stale index from the view never panics.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        let Some(c) = self.columns.get(col) else { return "" };
        if row >= self.rows {
            return "";
        }
        let start = if row == 0 { 0 } else { c.ends[row - 1] as usize };
        &c.text[start..c.ends[row] as usize]
    }

    /// Bytes held by the cells (text and offsets), for the memory figures of the benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(|c| c.text.capacity() + c.ends.capacity() * 4).sum()
    }

    /// `rows` reordered by column `col`. Stable. A column whose every value (NULLs aside) reads as
    /// a number sorts numerically, any other by bytes. Empty and `null` cells come last going up
    /// and first going down, like SQL's default `NULLS LAST` / `NULLS FIRST`.
    pub fn sort_order(&self, rows: &[u32], col: usize, ascending: bool) -> Vec<u32> {
        if col >= self.columns.len() || rows.len() < 2 {
            return rows.to_vec();
        }
        // Keys are built once per row; a comparator that parsed or sliced on every comparison
        // would do it ~20 times per row on a million rows. The position in `rows` as the last key
        // makes the (faster) unstable sort stable, and is never reversed, so ties keep their order
        // going down too.
        if let Some(keys) = self.numeric_keys(col) {
            // Descending inverts the key (NULL's all-ones becomes the smallest).
            let flip = |k: u64| if ascending { k } else { !k };
            let mut keyed: Vec<(u64, u32)> = rows.iter().enumerate().map(|(i, &r)| (flip(keys[r as usize]), i as u32)).collect();
            drop(keys);
            keyed.sort_unstable();
            return keyed.into_iter().map(|(_, i)| rows[i as usize]).collect();
        }
        let mut keyed: Vec<TextKey> = rows
            .iter()
            .enumerate()
            .map(|(i, &r)| TextKey::new(self.cell(r as usize, col), i as u32))
            .collect();
        keyed.sort_unstable_by(|a, b| {
            let ord = (a.hi, a.lo).cmp(&(b.hi, b.lo)).then_with(|| {
                if a.hi == u64::MAX {
                    // Both NULL.
                    Ordering::Equal
                } else if a.len <= 16 && b.len <= 16 {
                    // The keys hold both texts whole, so one is a prefix of the other.
                    a.len.cmp(&b.len)
                } else {
                    self.cell(rows[a.pos as usize] as usize, col).cmp(self.cell(rows[b.pos as usize] as usize, col))
                }
            });
            if ascending { ord } else { ord.reverse() }.then(a.pos.cmp(&b.pos))
        });
        keyed.into_iter().map(|k| rows[k.pos as usize]).collect()
    }

    /// Whether every non-NULL cell of `col` reads as a number.
    pub fn column_is_numeric(&self, col: usize) -> bool {
        (0..self.rows).all(|r| {
            let s = self.cell(r, col);
            is_null(s) || parse_number(s).is_some()
        })
    }

    /// Whether `col` holds numbers, judged on its first `sample` rows (at least one of them not
    /// NULL): how the grid aligns it (right, as numbers are read), without reading a million cells.
    pub fn column_looks_numeric(&self, col: usize, sample: usize) -> bool {
        if col >= self.columns.len() {
            return false;
        }
        let mut seen = false;
        for r in 0..self.rows.min(sample) {
            let s = self.cell(r, col);
            if is_null(s) {
                continue;
            }
            if parse_number(s).is_none() {
                return false;
            }
            seen = true;
        }
        seen
    }

    /// One order-preserving key per row of `col` when the column is numeric; `u64::MAX` for NULL.
    fn numeric_keys(&self, col: usize) -> Option<Vec<u64>> {
        let mut keys = Vec::with_capacity(self.rows);
        for r in 0..self.rows {
            let s = self.cell(r, col);
            keys.push(if is_null(s) { u64::MAX } else { number_key(parse_number(s)?) });
        }
        Some(keys)
    }

    /// The rows of `rows` with a cell containing `needle`, ignoring case; all of them for "".
    pub fn filter_rows(&self, rows: &[u32], needle: &str) -> Vec<u32> {
        if needle.is_empty() {
            return rows.to_vec();
        }
        let mut hit = vec![false; self.rows];
        if needle.is_ascii() {
            // Case folding of ASCII never changes byte lengths, so each column's buffer is scanned
            // in one pass and a match is mapped back to its cell (a match across two cells is not one).
            let needle = needle.to_ascii_lowercase();
            for c in &self.columns {
                mark_ascii_matches(c, needle.as_bytes(), &mut hit);
            }
        } else {
            let needle = needle.to_lowercase();
            for (r, h) in hit.iter_mut().enumerate() {
                // A lowercase needle with a non-ASCII letter cannot occur in a lowercased ASCII cell.
                *h = (0..self.columns.len()).any(|c| {
                    let s = self.cell(r, c);
                    !s.is_ascii() && s.to_lowercase().contains(&needle)
                });
            }
        }
        rows.iter().copied().filter(|&r| hit.get(r as usize).copied().unwrap_or(false)).collect()
    }

    /// The header and `rows` as CSV, byte for byte what the server writes into the result archive.
    pub fn to_csv(&self, rows: &[u32]) -> String {
        let mut out = String::with_capacity(self.csv_size_hint(rows.len()));
        self.csv_chunks(rows, usize::MAX, |chunk| out.push_str(chunk));
        out
    }

    /// [`ResultSet::to_csv`] handed over in pieces of about `chunk_bytes` (whole lines), so a
    /// download of a million rows never needs the whole file in wasm memory at once.
    pub fn csv_chunks(&self, rows: &[u32], chunk_bytes: usize, mut emit: impl FnMut(&str)) {
        let mut buf = String::with_capacity(chunk_bytes.min(self.csv_size_hint(rows.len())));
        buf.push_str(&csv_line(&self.names));
        buf.push('\n');
        let mut fields = vec![String::new(); self.names.len()];
        for &r in rows {
            for (c, f) in fields.iter_mut().enumerate() {
                f.clear();
                f.push_str(self.cell(r as usize, c));
            }
            buf.push_str(&csv_line(&fields));
            buf.push('\n');
            if buf.len() >= chunk_bytes {
                emit(&buf);
                buf.clear();
            }
        }
        if !buf.is_empty() {
            emit(&buf);
        }
    }

    fn csv_size_hint(&self, rows: usize) -> usize {
        let text: usize = self.columns.iter().map(|c| c.text.len()).sum();
        let avg_row = text.checked_div(self.rows).unwrap_or(0) + self.names.len();
        avg_row.saturating_mul(rows).saturating_add(64 * self.names.len())
    }

    /// Columns `cols` of `rows` as tab-separated text with a header line, every line ending in
    /// "\n": what spreadsheets expect on the clipboard. Tabs and line breaks inside a cell become
    /// spaces so a cell can never shift the ones after it.
    pub fn to_tsv(&self, rows: &[u32], cols: Range<usize>) -> String {
        let cols = cols.start.min(self.names.len())..cols.end.min(self.names.len());
        let mut out = String::new();
        for (i, c) in cols.clone().enumerate() {
            push_tsv_cell(&mut out, i, &self.names[c]);
        }
        out.push('\n');
        for &r in rows {
            for (i, c) in cols.clone().enumerate() {
                push_tsv_cell(&mut out, i, self.cell(r as usize, c));
            }
            out.push('\n');
        }
        out
    }
}

fn push_tsv_cell(out: &mut String, index: usize, cell: &str) {
    if index > 0 {
        out.push('\t');
    }
    out.extend(cell.chars().map(|ch| if matches!(ch, '\t' | '\n' | '\r') { ' ' } else { ch }));
}

fn is_null(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("null")
}

fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

/// An f64's total order as an unsigned integer (sign bit flipped for positives, every bit for
/// negatives), below `u64::MAX` for every value, NaN included, which leaves that for NULL.
fn number_key(v: f64) -> u64 {
    let bits = v.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | (1 << 63) }
}

/// A text cell's sort key: its first 16 bytes, big-endian and zero-padded, decide most pairs
/// without touching the text again (UTF-8 never contains 0xFF, so `hi == u64::MAX` is free to
/// mean NULL); `len` tells whether the key holds the whole text; `pos` is the place in the input.
struct TextKey {
    hi: u64,
    lo: u64,
    len: u32,
    pos: u32,
}

impl TextKey {
    fn new(s: &str, pos: u32) -> TextKey {
        if is_null(s) {
            return TextKey { hi: u64::MAX, lo: u64::MAX, len: 0, pos };
        }
        let mut b = [0u8; 16];
        let n = s.len().min(16);
        b[..n].copy_from_slice(&s.as_bytes()[..n]);
        let (hi, lo) = b.split_at(8);
        TextKey {
            hi: u64::from_be_bytes(hi.try_into().unwrap_or_default()),
            lo: u64::from_be_bytes(lo.try_into().unwrap_or_default()),
            len: u32::try_from(s.len()).unwrap_or(u32::MAX),
            pos,
        }
    }
}

fn mark_ascii_matches(col: &Column, needle: &[u8], hit: &mut [bool]) {
    let hay = col.text.as_bytes();
    let n = needle.len();
    let (lo, up) = (needle[0], needle[0].to_ascii_uppercase());
    let mut cell = 0usize;
    let mut i = 0usize;
    while i + n <= hay.len() {
        let b = hay[i];
        if (b == lo || b == up) && hay[i..i + n].eq_ignore_ascii_case(needle) {
            // `i` only grows, so the owning cell is found by walking forward, not searching.
            while col.ends[cell] as usize <= i {
                cell += 1;
            }
            let end = col.ends[cell] as usize;
            if i + n <= end {
                hit[cell] = true;
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// `1,000,000`.
pub fn group_digits(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Rows to render for a body scrolled to `scroll_top` (pixels into the rows) with `viewport`
/// pixels visible: the rows at least partly visible plus `overscan` on each side. Scrolled past
/// the end (a result that just shrank) it shows the last rows rather than nothing.
pub fn visible_range(scroll_top: f64, viewport: f64, row_height: f64, overscan: usize, total: usize) -> Range<usize> {
    if total == 0 || row_height.is_nan() || row_height <= 0.0 {
        return 0..0;
    }
    let top = if scroll_top > 0.0 { scroll_top } else { 0.0 };
    let vp = if viewport > 0.0 { viewport } else { 0.0 };
    // `as usize` saturates, so huge or NaN positions cannot wrap.
    let mut first = (top / row_height).floor() as usize;
    let mut count = (((top + vp) / row_height).ceil() as usize).saturating_sub(first).max(1);
    if first.saturating_add(count) > total {
        count = ((vp / row_height).ceil() as usize).max(1);
        first = total.saturating_sub(count);
    }
    first.saturating_sub(overscan)..first.saturating_add(count).saturating_add(overscan).min(total)
}

/// Left edge of every column and, last, the total width (`widths.len() + 1` entries).
pub fn column_offsets(widths: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(widths.len() + 1);
    let mut x = 0.0;
    out.push(x);
    for w in widths {
        x += w.max(0.0);
        out.push(x);
    }
    out
}

/// Columns to render for a body scrolled `scroll_left` pixels with `viewport` pixels visible: those
/// at least partly visible plus `overscan` on each side.
pub fn visible_columns(scroll_left: f64, viewport: f64, widths: &[f64], overscan: usize) -> Range<usize> {
    let n = widths.len();
    if n == 0 {
        return 0..0;
    }
    let offsets = column_offsets(widths);
    let left = if scroll_left > 0.0 { scroll_left } else { 0.0 };
    let right = left + if viewport > 0.0 { viewport } else { 0.0 };
    // First column whose right edge is past `left`; first column that starts at or past `right`.
    let first = offsets[1..].partition_point(|&r| r <= left).min(n - 1);
    let last = offsets[..n].partition_point(|&l| l < right).max(first + 1);
    first.saturating_sub(overscan)..(last + overscan).min(n)
}

/// Height of the scroll spacer for `content` pixels of rows.
pub fn spacer_height(content: f64) -> f64 {
    content.min(MAX_SCROLL_PX)
}

/// Pixels into the rows shown at the top of a `viewport` when the spacer of [`spacer_height`] is
/// scrolled to `scroll_top`: the same number while the spacer is not capped, else the scroll range
/// mapped linearly onto the rows, so the ends of the scrollbar are the ends of the result.
pub fn content_offset(scroll_top: f64, viewport: f64, content: f64) -> f64 {
    let spacer = spacer_height(content);
    if content <= spacer || spacer <= viewport {
        return scroll_top;
    }
    scroll_top * (content - viewport) / (spacer - viewport)
}

/// The inverse of [`content_offset`]: where to scroll so the rows show from `offset` pixels on.
pub fn scroll_top_for(offset: f64, viewport: f64, content: f64) -> f64 {
    let spacer = spacer_height(content);
    if content <= spacer || spacer <= viewport {
        return offset;
    }
    offset * (spacer - viewport) / (content - viewport)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(rows: &[&[&str]]) -> ResultSet {
        let mut s = ResultSet::new(vec!["id".into(), "name".into(), "amount".into()]);
        for r in rows {
            s.push_row(r);
        }
        s
    }

    fn all(s: &ResultSet) -> Vec<u32> {
        (0..s.len() as u32).collect()
    }

    #[test]
    fn cells_come_back_as_pushed_and_ragged_rows_are_padded() {
        let mut s = ResultSet::new(vec!["a".into(), "b".into()]);
        assert!(s.is_empty());
        s.push_row(&["x", "yy"]);
        s.push_row(&["only"]);
        s.push_row(&["", "é", "extra"]);
        s.push_row::<String>(&[]);
        assert_eq!((s.len(), s.column_count(), s.is_empty()), (4, 2, false));
        assert_eq!(s.column_names(), ["a", "b"]);
        assert_eq!([s.cell(0, 0), s.cell(0, 1), s.cell(1, 0), s.cell(1, 1)], ["x", "yy", "only", ""]);
        assert_eq!([s.cell(2, 0), s.cell(2, 1), s.cell(3, 0), s.cell(3, 1)], ["", "é", "", ""]);
        assert_eq!((s.cell(4, 0), s.cell(0, 2)), ("", ""), "outside the result is empty, not a panic");
        assert_eq!(ResultSet::default().len(), 0);
        let mut big = ResultSet::with_capacity(vec!["a".into()], 10, 4);
        big.push_row(&["abc"]);
        big.shrink_to_fit();
        assert_eq!(big.cell(0, 0), "abc");
    }

    #[test]
    fn a_million_cells_stay_compact() {
        let mut s = ResultSet::new((0..8).map(|c| format!("c{c}")).collect());
        for r in 0..100_000u32 {
            let v = r.to_string();
            s.push_row(&[v.as_str(); 8]);
        }
        s.shrink_to_fit();
        // 800,000 cells of ~5 bytes: text plus a 4-byte offset each.
        assert!(s.heap_bytes() < 800_000 * 10, "{}", s.heap_bytes());
    }

    #[test]
    fn numbers_sort_as_numbers_and_nulls_go_last_going_up() {
        let s = set(&[&["1", "b", "10"], &["2", "a", "9"], &["3", "c", "null"], &["4", "d", "-2.5"], &["5", "e", ""], &["6", "f", "1e3"]]);
        assert!(s.column_is_numeric(2));
        assert!(s.column_looks_numeric(2, 1000));
        assert!(!s.column_looks_numeric(99, 1000));
        assert_eq!(s.sort_order(&all(&s), 2, true), [3, 1, 0, 5, 2, 4]);
        assert_eq!(s.sort_order(&all(&s), 2, false), [2, 4, 5, 0, 1, 3], "NULLs first going down");
        assert_eq!(s.sort_order(&all(&s), 1, true), [1, 0, 2, 3, 4, 5]);
        // A subset sorts within itself.
        assert_eq!(s.sort_order(&[0, 1, 3], 2, true), [3, 1, 0]);
        assert_eq!(s.sort_order(&all(&s), 9, true), all(&s), "an unknown column leaves the order");
    }

    #[test]
    fn one_word_makes_a_column_text_and_text_sorts_by_bytes() {
        let s = set(&[&["1", "apple pie", "10"], &["2", "apple", "9"], &["3", "Zed", "n/a"], &["4", "applesauce!", "100"], &["5", "NULL", "2"]]);
        assert!(!s.column_is_numeric(2));
        assert_eq!(s.sort_order(&all(&s), 2, true), [0, 3, 4, 1, 2], "as strings: 10 < 100 < 2 < 9 < n/a");
        // Same first 8 bytes: the rest decides.
        assert_eq!(s.sort_order(&all(&s), 1, true), [2, 1, 0, 3, 4]);
        assert_eq!(s.sort_order(&all(&s), 1, false), [4, 3, 0, 1, 2]);
    }

    #[test]
    fn long_texts_and_prefixes_sort_past_the_key() {
        let long = |tail: &str| format!("0123456789abcdef{tail}");
        let (a, b, c) = (long("zz"), long("a"), long(""));
        let s = set(&[&["1", &a, ""], &["2", "ab\0", ""], &["3", &b, ""], &["4", "ab", ""], &["5", &c, ""], &["6", &a, ""]]);
        assert_eq!(s.sort_order(&all(&s), 1, true), [4, 2, 0, 5, 3, 1]);
        assert_eq!(s.sort_order(&all(&s), 1, false), [1, 3, 0, 5, 2, 4]);
    }

    #[test]
    fn sorting_is_stable_both_ways() {
        let s = set(&[&["1", "x", "5"], &["2", "y", "5"], &["3", "x", "1"], &["4", "y", "5"], &["5", "x", "null"], &["6", "y", "null"]]);
        assert_eq!(s.sort_order(&all(&s), 2, true), [2, 0, 1, 3, 4, 5]);
        assert_eq!(s.sort_order(&all(&s), 2, false), [4, 5, 0, 1, 3, 2]);
        assert_eq!(s.sort_order(&all(&s), 1, true), [0, 2, 4, 1, 3, 5]);
        assert_eq!(s.sort_order(&all(&s), 1, false), [1, 3, 5, 0, 2, 4]);
    }

    #[test]
    fn number_keys_keep_the_order_of_floats() {
        let v = [f64::NEG_INFINITY, -1e300, -2.5, -0.0, 0.0, 1e-300, 3.0, f64::INFINITY];
        for w in v.windows(2) {
            assert!(number_key(w[0]) < number_key(w[1]), "{} < {}", w[0], w[1]);
        }
        assert!(number_key(f64::NAN) < u64::MAX);
    }

    #[test]
    fn filtering_ignores_case_and_never_matches_across_cells() {
        let s = set(&[&["1", "Alpha", "x"], &["2", "beta", "ALPHABET"], &["3", "gamma", "delta"], &["4", "ab", "cd"], &["5", "Ünïcode", ""]]);
        assert_eq!(s.filter_rows(&all(&s), "alpha"), [0, 1]);
        assert_eq!(s.filter_rows(&all(&s), "TA"), [1, 2]);
        assert_eq!(s.filter_rows(&all(&s), "bc"), [] as [u32; 0], "'ab' + 'cd' is two cells");
        assert_eq!(s.filter_rows(&all(&s), "4ab"), [] as [u32; 0], "nor across columns");
        assert_eq!(s.filter_rows(&all(&s), "üNÏ"), [4]);
        assert_eq!(s.filter_rows(&all(&s), ""), all(&s));
        assert_eq!(s.filter_rows(&[2, 1], "a"), [2, 1], "keeps the given order");
        assert_eq!(s.filter_rows(&all(&s), "1"), [0]);
    }

    #[test]
    fn csv_matches_the_archive_writer() {
        let s = set(&[&["1", "a,b", "say \"hi\""], &["2", "two\nlines", ""]]);
        let csv = s.to_csv(&[1, 0]);
        assert_eq!(csv, "id,name,amount\n2,\"two\nlines\",\n1,\"a,b\",\"say \"\"hi\"\"\"\n");
        let expected: String = std::iter::once(csv_line(s.column_names()))
            .chain([1usize, 0].iter().map(|&r| csv_line(&(0..3).map(|c| s.cell(r, c).to_string()).collect::<Vec<_>>())))
            .map(|l| l + "\n")
            .collect();
        assert_eq!(csv, expected);
        let mut pieces = Vec::new();
        s.csv_chunks(&[1, 0, 1], 10, |p| pieces.push(p.to_string()));
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), s.to_csv(&[1, 0, 1]));
        assert_eq!(ResultSet::new(vec!["x".into()]).to_csv(&[]), "x\n");
    }

    #[test]
    fn tsv_has_headers_and_flattens_tabs_and_breaks() {
        let s = set(&[&["1", "a\tb", "x"], &["2", "c\r\nd", "y"]]);
        assert_eq!(s.to_tsv(&[1, 0], 1..3), "name\tamount\nc  d\ty\na b\tx\n");
        assert_eq!(s.to_tsv(&[0], 2..9), "amount\nx\n");
        assert_eq!(s.to_tsv(&[], 0..1), "id\n");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1_000_000), "1,000,000");
    }

    #[test]
    fn the_row_window_covers_the_viewport_plus_overscan() {
        assert_eq!(visible_range(0.0, 280.0, 28.0, 5, 1000), 0..15);
        assert_eq!(visible_range(280.0, 280.0, 28.0, 5, 1000), 5..25);
        assert_eq!(visible_range(290.0, 280.0, 28.0, 0, 1000), 10..21, "partly visible rows count");
        assert_eq!(visible_range(0.0, 280.0, 28.0, 5, 3), 0..3);
        assert_eq!(visible_range(27_720.0, 280.0, 28.0, 5, 1000), 985..1000);
        assert_eq!(visible_range(1e9, 280.0, 28.0, 2, 1000), 988..1000, "past the end shows the last rows");
        assert_eq!(visible_range(-50.0, 280.0, 28.0, 0, 1000), 0..10);
        assert_eq!(visible_range(0.0, 280.0, 28.0, 5, 0), 0..0);
        assert_eq!(visible_range(0.0, 280.0, 0.0, 5, 10), 0..0);
        assert_eq!(visible_range(0.0, 0.0, 28.0, 0, 10), 0..1);
    }

    #[test]
    fn the_column_window_covers_the_viewport_plus_overscan() {
        let w = [100.0, 50.0, 200.0, 100.0];
        assert_eq!(column_offsets(&w), [0.0, 100.0, 150.0, 350.0, 450.0]);
        assert_eq!(visible_columns(0.0, 120.0, &w, 0), 0..2);
        assert_eq!(visible_columns(100.0, 50.0, &w, 0), 1..2);
        assert_eq!(visible_columns(120.0, 100.0, &w, 0), 1..3);
        assert_eq!(visible_columns(120.0, 100.0, &w, 1), 0..4);
        assert_eq!(visible_columns(0.0, 10_000.0, &w, 0), 0..4);
        assert_eq!(visible_columns(5_000.0, 100.0, &w, 0), 3..4, "past the end keeps the last column");
        assert_eq!(visible_columns(0.0, 100.0, &[], 2), 0..0);
    }

    #[test]
    fn tall_results_map_a_capped_spacer_onto_the_rows() {
        assert_eq!(spacer_height(28_000.0), 28_000.0);
        assert_eq!(content_offset(500.0, 400.0, 28_000.0), 500.0);
        let content = 28_000_000.0;
        assert_eq!(spacer_height(content), MAX_SCROLL_PX);
        assert_eq!(content_offset(0.0, 400.0, content), 0.0);
        let end = content_offset(MAX_SCROLL_PX - 400.0, 400.0, content);
        assert!((end - (content - 400.0)).abs() < 1e-6, "{end}");
        let mid = content_offset(7_000_000.0, 400.0, content);
        assert!((scroll_top_for(mid, 400.0, content) - 7_000_000.0).abs() < 1e-6);
        assert_eq!(scroll_top_for(123.0, 400.0, 1000.0), 123.0);
    }
}
