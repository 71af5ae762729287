//! Editor helpers on top of [`crate::sqltext`]: offsets between the browser's UTF-16 positions
//! and Rust's byte offsets, the word being typed and its completions, and the position an engine
//! error points at.

use crate::sqltext::KEYWORDS;

/// Byte offset of the UTF-16 position `pos` (a textarea's `selectionStart`), clamped to the text.
pub fn utf16_to_byte(text: &str, pos: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= pos {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// UTF-16 position of the byte offset `at` (rounded down to a character boundary).
pub fn byte_to_utf16(text: &str, at: usize) -> u32 {
    text.char_indices().take_while(|(i, _)| *i < at).map(|(_, c)| c.len_utf16() as u32).sum()
}

fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The identifier being typed before byte offset `cursor`: its start and text (empty when the
/// character before the cursor does not belong to a word).
pub fn word_before(text: &str, cursor: usize) -> (usize, &str) {
    let cursor = cursor.min(text.len());
    let head = &text[..cursor];
    let start = head.char_indices().rev().take_while(|(_, c)| is_word_char(*c)).last().map(|(i, _)| i).unwrap_or(cursor);
    (start, &head[start..])
}

/// Completions of `prefix` (case-insensitive): names from the catalog first, in their order, then
/// keywords; the word itself and duplicates left out; at most `max`.
pub fn completions(prefix: &str, names: &[String], max: usize) -> Vec<String> {
    if prefix.is_empty() {
        return Vec::new();
    }
    let p = prefix.to_ascii_lowercase();
    let mut out: Vec<String> = Vec::new();
    let candidates = names.iter().map(String::as_str).chain(KEYWORDS.iter().copied());
    for c in candidates {
        if out.len() >= max {
            break;
        }
        let lower = c.to_ascii_lowercase();
        if lower.starts_with(&p) && lower != p && !out.iter().any(|o| o.eq_ignore_ascii_case(c)) {
            out.push(c.to_string());
        }
    }
    out
}

/// `(line, column)`, both 1-based, of an error message that names one: DataFusion's parser says
/// `... at Line: 2, Column: 8`; other engines write `line 2:8` or `line 2, column 8`.
pub fn error_position(message: &str) -> Option<(usize, usize)> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("line")?;
    let digits = |s: &str| -> Option<(usize, usize)> {
        let start = s.find(|c: char| c.is_ascii_digit())?;
        let len = s[start..].find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len() - start);
        Some((s[start..start + len].parse().ok()?, start + len))
    };
    let rest = &lower[at + 4..];
    // The line number must follow "line" closely (": 2", " 2").
    if rest.find(|c: char| c.is_ascii_digit())? > 3 {
        return None;
    }
    let (line, used) = digits(rest)?;
    let after = &rest[used..];
    let col_at = after.find(|c: char| c.is_ascii_digit())?;
    // Only a short separator such as ":", ", column: " may sit between line and column.
    if col_at > 10 {
        return None;
    }
    let (col, _) = digits(after)?;
    (line >= 1 && col >= 1).then_some((line, col))
}

/// Byte offset in `text` of a 1-based line and column (columns count characters), clamped to the
/// line's end.
pub fn line_col_to_byte(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            let within = l.char_indices().nth(col.saturating_sub(1)).map(|(b, _)| b).unwrap_or(l.len());
            return start + within;
        }
        start += l.len() + 1;
    }
    text.len()
}

/// 1-based line and column of byte offset `at`.
pub fn byte_to_line_col(text: &str, at: usize) -> (usize, usize) {
    let head = &text[..at.min(text.len())];
    let line = head.matches('\n').count() + 1;
    let col = head.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_convert_between_utf16_and_bytes() {
        let t = "sé😀x";
        assert_eq!(utf16_to_byte(t, 0), 0);
        assert_eq!(utf16_to_byte(t, 2), 3); // after 'é' (2 bytes)
        assert_eq!(utf16_to_byte(t, 4), 7); // after the emoji (2 units, 4 bytes)
        assert_eq!(utf16_to_byte(t, 99), t.len());
        assert_eq!(byte_to_utf16(t, 7), 4);
        assert_eq!(byte_to_utf16(t, t.len()), 5);
    }

    #[test]
    fn the_word_before_the_cursor_is_found() {
        let t = "SELECT l_ret FROM x";
        assert_eq!(word_before(t, 12), (7, "l_ret"));
        assert_eq!(word_before(t, 7), (7, ""));
        assert_eq!(word_before(t, 3), (0, "SEL"));
    }

    #[test]
    fn completions_prefer_catalog_names_then_keywords() {
        let names = vec!["lineitem".to_string(), "l_returnflag".to_string(), "LINEITEM".to_string()];
        assert_eq!(completions("li", &names, 10), ["lineitem", "LIKE", "LIMIT"]);
        assert_eq!(completions("l_", &names, 10), ["l_returnflag"]);
        assert_eq!(completions("sel", &names, 10), ["SELECT"]);
        assert!(completions("", &names, 10).is_empty());
        assert!(completions("select", &names, 10).is_empty(), "the word itself is not offered");
        assert_eq!(completions("l", &names, 2).len(), 2);
    }

    #[test]
    fn error_positions_are_read_from_engine_messages() {
        let df = "SQL error: ParserError(\"Expected: an expression, found: FROM at Line: 2, Column: 8\")";
        assert_eq!(error_position(df), Some((2, 8)));
        assert_eq!(error_position("line 3:14 mismatched input"), Some((3, 14)));
        assert_eq!(error_position("Error at line 4, column 2"), Some((4, 2)));
        assert_eq!(error_position("table 'x' not found"), None);
        assert_eq!(error_position("pipeline failed after 3 retries in 10 ms"), None);
    }

    #[test]
    fn lines_and_columns_map_to_bytes_and_back() {
        let t = "SELECT 1\nFROM é_t\nWHERE";
        assert_eq!(line_col_to_byte(t, 2, 6), 14);
        assert_eq!(&t[line_col_to_byte(t, 2, 6)..line_col_to_byte(t, 2, 6) + 2], "é");
        assert_eq!(line_col_to_byte(t, 2, 99), 18, "clamped to the end of the line");
        assert_eq!(line_col_to_byte(t, 9, 1), t.len());
        assert_eq!(byte_to_line_col(t, 14), (2, 6));
        assert_eq!(byte_to_line_col(t, 0), (1, 1));
    }
}
