//! Editor helpers on top of [`crate::sqltext`]: offsets between the browser's UTF-16 positions
//! and Rust's byte offsets, the word being typed and its completions, and the position an engine
//! error points at.

use crate::sqltext::{is_keyword, statement_at, tokenize, Token, TokenKind, KEYWORDS};

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

/// What completion knows about the warehouse: each table with its columns and their types, as the
/// schema browser read them from `information_schema`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompletionCatalog {
    pub tables: Vec<CatalogTable>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogTable {
    pub name: String,
    /// `(column, type)` in table order.
    pub columns: Vec<(String, String)>,
}

impl CompletionCatalog {
    fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables.iter().find(|t| t.name.eq_ignore_ascii_case(name))
    }

    fn has_column(&self, name: &str) -> bool {
        self.tables.iter().any(|t| t.columns.iter().any(|(c, _)| c.eq_ignore_ascii_case(name)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Column,
    Table,
    Keyword,
}

impl CompletionKind {
    /// The editor's name for the kind (CodeMirror's completion `type`, which picks the icon).
    pub fn as_str(self) -> &'static str {
        match self {
            CompletionKind::Column => "property",
            CompletionKind::Table => "type",
            CompletionKind::Keyword => "keyword",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// The column's type, or the table a column belongs to when it is offered without a qualifier.
    pub detail: String,
}

/// What to offer at the cursor: the items, and the byte range of the text they replace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionList {
    pub from: usize,
    pub to: usize,
    pub items: Vec<CompletionItem>,
}

/// Whether byte offset `cursor` sits inside a string, a quoted identifier or a comment, where
/// nothing is completed.
fn in_literal_or_comment(tokens: &[Token], text: &str, cursor: usize) -> bool {
    tokens.iter().any(|t| {
        let inside = t.span.start < cursor && cursor < t.span.end;
        let at_end = cursor == t.span.end && t.span.start < cursor;
        match t.kind {
            TokenKind::LineComment => t.span.start < cursor && cursor <= t.span.end,
            TokenKind::BlockComment => inside || (at_end && !text[t.span.clone()].ends_with("*/")),
            TokenKind::String | TokenKind::QuotedIdentifier => {
                let s = &text[t.span.clone()];
                let closed = s.len() >= 2 && s.as_bytes()[s.len() - 1] == s.as_bytes()[0];
                inside || (at_end && !closed)
            }
            _ => false,
        }
    })
}

/// Tables of the catalog the statement names, and the aliases it gives them (`FROM nation n`,
/// `JOIN orders AS o`): `(alias or name, table)`.
fn statement_tables<'c>(statement: &str, catalog: &'c CompletionCatalog) -> Vec<(String, &'c CatalogTable)> {
    let code: Vec<Token> = tokenize(statement)
        .into_iter()
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment))
        .collect();
    let word = |t: &Token| &statement[t.span.clone()];
    let mut out: Vec<(String, &CatalogTable)> = Vec::new();
    for (i, t) in code.iter().enumerate() {
        if t.kind != TokenKind::Identifier {
            continue;
        }
        // `db.table`: the name after the dot; `alias.column`: not a table reference.
        if code.get(i + 1).is_some_and(|n| word(n) == ".") {
            continue;
        }
        let Some(table) = catalog.table(word(t)) else { continue };
        if !out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&table.name)) {
            out.push((table.name.clone(), table));
        }
        let mut j = i + 1;
        if code.get(j).is_some_and(|n| word(n).eq_ignore_ascii_case("AS")) {
            j += 1;
        }
        if let Some(alias) = code.get(j).filter(|n| n.kind == TokenKind::Identifier) {
            let alias = word(alias);
            if catalog.table(alias).is_none() && !out.iter().any(|(n, _)| n.eq_ignore_ascii_case(alias)) {
                out.push((alias.to_string(), table));
            }
        }
    }
    out
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Completion at byte offset `cursor` of `text` (the whole editor text; the statement around the
/// cursor is found with the script splitter's rules). `explicit`: the user asked (Ctrl+Space).
///
/// Typing never opens a list on a word that is already complete (a keyword, a table, a column or
/// an alias of the statement: `DESC`, `AS`, `IN`, `OR`, `n` in `FROM nation n`), inside a string
/// or a comment, or in the middle of a word; an explicit request still lists what starts with the
/// word. After `name.` it offers the columns of the table `name` is, or is an alias of. Otherwise,
/// in this order: columns of the statement's tables, other tables, other columns, keywords (in
/// lower case when the word is typed in lower case), the word itself left out, at most `max`.
pub fn complete(text: &str, cursor: usize, explicit: bool, catalog: &CompletionCatalog, max: usize) -> Option<CompletionList> {
    let mut cursor = cursor.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    if in_literal_or_comment(&tokenize(text), text, cursor) {
        return None;
    }
    let (start, word) = word_before(text, cursor);
    if !explicit && text[cursor..].chars().next().is_some_and(is_word_char) {
        return None;
    }
    if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let statement = match statement_at(text, cursor) {
        Some((range, _)) if range.start <= start && cursor <= range.end.max(cursor) => &text[range.start..cursor.max(range.end)],
        _ => text.get(text[..start].rfind(';').map_or(0, |i| i + 1)..cursor).unwrap_or(""),
    };
    let tables = statement_tables(statement, catalog);
    let list = |items: Vec<CompletionItem>| (!items.is_empty()).then_some(CompletionList { from: start, to: cursor, items });

    // `qualifier.word`: columns of that table.
    if start > 0 && text.as_bytes()[start - 1] == b'.' {
        let (_, qualifier) = word_before(text, start - 1);
        let table = tables
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(qualifier))
            .map(|(_, t)| *t)
            .or_else(|| catalog.table(qualifier))?;
        if !explicit && table.columns.iter().any(|(c, _)| c.eq_ignore_ascii_case(word)) {
            return None;
        }
        let items = table
            .columns
            .iter()
            .filter(|(c, _)| starts_with_ignore_case(c, word) && !c.eq_ignore_ascii_case(word))
            .take(max)
            .map(|(c, ty)| CompletionItem { label: c.clone(), kind: CompletionKind::Column, detail: ty.clone() })
            .collect();
        return list(items);
    }

    if !explicit {
        let complete_word = is_keyword(word)
            || catalog.table(word).is_some()
            || catalog.has_column(word)
            || tables.iter().any(|(n, _)| n.eq_ignore_ascii_case(word));
        if word.is_empty() || complete_word {
            return None;
        }
    }
    let mut items: Vec<CompletionItem> = Vec::new();
    let push = |items: &mut Vec<CompletionItem>, label: &str, kind: CompletionKind, detail: &str| {
        if items.len() < max
            && starts_with_ignore_case(label, word)
            && !label.eq_ignore_ascii_case(word)
            && !items.iter().any(|i| i.label.eq_ignore_ascii_case(label))
        {
            items.push(CompletionItem { label: label.to_string(), kind, detail: detail.to_string() });
        }
    };
    for (_, t) in &tables {
        for (c, ty) in &t.columns {
            push(&mut items, c, CompletionKind::Column, ty);
        }
    }
    for t in &catalog.tables {
        push(&mut items, &t.name, CompletionKind::Table, "");
    }
    for t in &catalog.tables {
        for (c, _) in &t.columns {
            push(&mut items, c, CompletionKind::Column, &t.name);
        }
    }
    let lower = !word.is_empty() && word.chars().all(|c| !c.is_ascii_uppercase());
    for k in KEYWORDS {
        let k = if lower { k.to_ascii_lowercase() } else { k.to_string() };
        push(&mut items, &k, CompletionKind::Keyword, "");
    }
    list(items)
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


    fn tpch() -> CompletionCatalog {
        let table = |name: &str, cols: &[&str]| CatalogTable {
            name: name.into(),
            columns: cols.iter().map(|c| (c.to_string(), "Int64".to_string())).collect(),
        };
        CompletionCatalog {
            tables: vec![
                table("nation", &["n_nationkey", "n_name", "n_regionkey"]),
                table("orders", &["o_orderkey", "o_totalprice", "o_orderdate"]),
                table("region", &["r_regionkey", "r_name"]),
            ],
        }
    }

    fn labels(text: &str, explicit: bool) -> Option<Vec<String>> {
        let cursor = text.find('‸').expect("a ‸ marks the cursor");
        let text = text.replace('‸', "");
        complete(&text, cursor, explicit, &tpch(), 20).map(|l| l.items.into_iter().map(|i| i.label).collect())
    }

    #[test]
    fn a_complete_word_opens_nothing_while_typing() {
        // The words the old popup rewrote: DESC→DESCRIBE, AS→ASC, IN→INNER, OR→orders, alias n→nation.
        assert_eq!(labels("SELECT * FROM orders ORDER BY o_totalprice DESC‸", false), None);
        assert_eq!(labels("SELECT o_totalprice AS‸ FROM orders", false), None);
        assert_eq!(labels("SELECT 1 WHERE 1 IN‸", false), None);
        assert_eq!(labels("SELECT 1 WHERE 1 = 1 OR‸", false), None);
        assert_eq!(labels("SELECT n‸ FROM nation n", false), None);
        assert_eq!(labels("SELECT * FROM nation‸", false), None);
        assert_eq!(labels("SELECT n_name‸ FROM nation", false), None);
        // Asked for, a complete word still lists the longer ones.
        assert_eq!(labels("ORDER BY x DESC‸", true), Some(vec!["DESCRIBE".to_string()]));
    }

    #[test]
    fn nothing_inside_strings_comments_numbers_or_words() {
        assert_eq!(labels("SELECT 'na‸", false), None);
        assert_eq!(labels("SELECT 'a' -- na‸", false), None);
        assert_eq!(labels("SELECT /* na‸", false), None);
        assert_eq!(labels("SELECT \"na‸", false), None);
        assert_eq!(labels("SELECT 12‸", false), None);
        assert_eq!(labels("SELECT na‸tion", false), None);
        assert_eq!(labels("SELECT ‸", false), None, "no word: only on request");
        assert!(labels("SELECT 'x' || na‸", false).is_some(), "after a closed string");
        assert!(labels("SELECT /* c */ na‸", false).is_some(), "after a closed comment");
    }

    #[test]
    fn prefixes_offer_the_statements_columns_first_then_tables_then_keywords() {
        assert_eq!(labels("SELECT r‸ FROM region", false).unwrap(), ["r_regionkey", "r_name", "region", "range", "replace", "right", "rows"]);
        assert_eq!(labels("SELECT n_‸ FROM nation", false).unwrap(), ["n_nationkey", "n_name", "n_regionkey"]);
        assert_eq!(labels("se‸", false).unwrap(), ["select", "set"], "keywords follow the typed case");
        assert_eq!(labels("SE‸", false).unwrap(), ["SELECT", "SET"]);
        assert_eq!(labels("SELECT * FROM ord‸", false).unwrap(), ["orders", "order"]);
        assert_eq!(labels("SELECT * FROM Or‸", false), None, "OR is a complete keyword");
    }

    #[test]
    fn qualified_names_offer_the_tables_columns() {
        assert_eq!(labels("SELECT n.‸ FROM nation n", false).unwrap(), ["n_nationkey", "n_name", "n_regionkey"]);
        assert_eq!(labels("SELECT o.o_t‸ FROM orders AS o", false).unwrap(), ["o_totalprice"]);
        assert_eq!(labels("SELECT nation.n_n‸ FROM nation", false).unwrap(), ["n_nationkey", "n_name"]);
        assert_eq!(labels("SELECT x.‸ FROM nation n", false), None, "an unknown qualifier");
        assert_eq!(labels("SELECT n.n_name‸ FROM nation n", false), None);
        let list = complete("SELECT n. FROM nation n", 9, false, &tpch(), 20).unwrap();
        assert_eq!((list.from, list.to), (9, 9));
        assert_eq!(list.items[0].detail, "Int64");
        assert_eq!(list.items[0].kind, CompletionKind::Column);
    }

    #[test]
    fn the_replaced_range_is_the_word_before_the_cursor() {
        let text = "SELECT 1;\nSELECT * FROM reg";
        let list = complete(text, text.len(), false, &tpch(), 20).unwrap();
        assert_eq!(&text[list.from..list.to], "reg");
        assert_eq!(list.items[0].label, "region");
        assert_eq!(list.items[0].kind, CompletionKind::Table);
        // An alias of another statement is not this statement's.
        assert_eq!(labels("SELECT 1 FROM nation n; SELECT n‸ FROM region", false).unwrap()[0], "nation");
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
