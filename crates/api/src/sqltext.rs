//! Splitting SQL scripts into statements. Spark and Hive scripts are `;`-separated; a `;` inside a
//! string literal, a quoted identifier or a comment does not end a statement, so a plain split is
//! wrong. Comments are dropped (the engines do not need them and a comment-only tail is not a
//! statement); everything else is kept byte for byte.

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Code,
    /// Inside a quoted run; the byte is the closing quote (`'`, `"` or `` ` ``).
    Quoted(u8),
    LineComment,
    /// Block comments nest (Spark SQL and PostgreSQL allow `/* a /* b */ c */`).
    BlockComment(u32),
}

/// The statements of `script`, trimmed, without comments, empty ones skipped.
///
/// Quotes: `''` inside `'...'` (and `""`, ``` `` ```) is an escaped quote, and so is a
/// backslash-escaped quote (`\'`), the Hive/Spark convention.
pub fn split_statements(script: &str) -> Vec<String> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut mode = Mode::Code;
    let mut i = 0;
    let flush = |current: &mut Vec<u8>, out: &mut Vec<String>| {
        let text = String::from_utf8_lossy(current).trim().to_string();
        if !text.is_empty() {
            out.push(text);
        }
        current.clear();
    };
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match mode {
            Mode::Code => match (b, next) {
                (b'-', Some(b'-')) => {
                    mode = Mode::LineComment;
                    i += 2;
                    continue;
                }
                (b'/', Some(b'*')) => {
                    mode = Mode::BlockComment(1);
                    // A comment separates tokens: `a/**/b` must not become `ab`.
                    current.push(b' ');
                    i += 2;
                    continue;
                }
                (b';', _) => flush(&mut current, &mut out),
                (b'\'' | b'"' | b'`', _) => {
                    mode = Mode::Quoted(b);
                    current.push(b);
                }
                _ => current.push(b),
            },
            Mode::Quoted(q) => {
                current.push(b);
                if b == b'\\' && q != b'`' {
                    if let Some(n) = next {
                        current.push(n);
                        i += 2;
                        continue;
                    }
                } else if b == q {
                    if next == Some(q) {
                        current.push(q);
                        i += 2;
                        continue;
                    }
                    mode = Mode::Code;
                }
            }
            Mode::LineComment => {
                if b == b'\n' {
                    current.push(b'\n');
                    mode = Mode::Code;
                }
            }
            Mode::BlockComment(depth) => match (b, next) {
                (b'*', Some(b'/')) => {
                    mode = if depth == 1 { Mode::Code } else { Mode::BlockComment(depth - 1) };
                    i += 2;
                    continue;
                }
                (b'/', Some(b'*')) => {
                    mode = Mode::BlockComment(depth + 1);
                    i += 2;
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    flush(&mut current, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_statements_and_empty_ones() {
        assert_eq!(split_statements("select 1; select 2;"), ["select 1", "select 2"]);
        assert_eq!(split_statements("  ;; select 1 ;\n\n;"), ["select 1"]);
        assert_eq!(split_statements(""), Vec::<String>::new());
        assert_eq!(split_statements("select 1"), ["select 1"], "no trailing semicolon needed");
    }

    #[test]
    fn semicolons_in_strings_and_identifiers() {
        assert_eq!(split_statements("select 'a;b'; select 2"), ["select 'a;b'", "select 2"]);
        assert_eq!(split_statements(r#"select "x;y" from t; select `c;d`"#), [r#"select "x;y" from t"#, "select `c;d`"]);
        assert_eq!(split_statements(r#"select '"; -- not a comment'"#), [r#"select '"; -- not a comment'"#]);
        assert_eq!(split_statements(r#"select "it's; fine""#), [r#"select "it's; fine""#]);
    }

    #[test]
    fn escaped_quotes() {
        assert_eq!(split_statements("select 'it''s;'; select 2"), ["select 'it''s;'", "select 2"]);
        assert_eq!(split_statements(r"select 'a\';b'; select 2"), [r"select 'a\';b'", "select 2"]);
        assert_eq!(split_statements(r"select 'ends with \\'; select 2"), [r"select 'ends with \\'", "select 2"]);
    }

    #[test]
    fn comments_are_dropped() {
        assert_eq!(split_statements("-- header; with semicolon\nselect 1; -- trailing\n"), ["select 1"]);
        assert_eq!(split_statements("select /* ; */ 1;/* only a comment; */"), ["select   1"]);
        assert_eq!(split_statements("select 1 /* outer /* inner; */ still; */ + 2"), ["select 1   + 2"]);
        assert_eq!(split_statements("select a/**/b"), ["select a b"]);
        assert_eq!(split_statements("select 1 -- no newline at the end"), ["select 1"]);
        assert_eq!(split_statements("select 2 - 1; select 4 / 2"), ["select 2 - 1", "select 4 / 2"]);
    }

    #[test]
    fn unterminated_runs_keep_the_rest() {
        assert_eq!(split_statements("select 'open; select 2"), ["select 'open; select 2"]);
        assert_eq!(split_statements("select 1; /* open"), ["select 1"]);
    }

    #[test]
    fn multibyte_text_survives() {
        assert_eq!(split_statements("select '日本;語'; select 'é'"), ["select '日本;語'", "select 'é'"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Editor support: tokens with byte spans (highlighting), the statement under the cursor (run the
// current statement) and a formatter. They follow the splitter's lexical rules above, so the
// statement the editor picks is exactly one of the statements a script job would run.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Keyword,
    Identifier,
    /// `"name"` or `` `name` ``.
    QuotedIdentifier,
    /// `'text'`; an unterminated one runs to the end of the input.
    String,
    Number,
    Operator,
    /// `( ) , . ; [ ] { }`
    Punctuation,
    /// `-- ...` up to, not including, the newline.
    LineComment,
    /// `/* ... */`, nesting like the splitter's.
    BlockComment,
    Whitespace,
    /// Anything else (`?`, `@`, stray characters); kept so the tokens cover the whole input.
    Other,
}

/// One token; `span` is a byte range of the input, always on character boundaries. The tokens of
/// an input cover it completely and in order, so an editor can colour every byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

/// Words highlighted and upper-cased as keywords. Function names (`count`, `sum`) are not here:
/// they stay identifiers, as the engines treat them.
pub const KEYWORDS: &[&str] = &[
    "ADD", "ALL", "ALTER", "ANALYZE", "AND", "ANY", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "COLUMN", "COLUMNS",
    "CREATE", "CROSS", "DATABASE", "DATABASES", "DEFAULT", "DELETE", "DESC", "DESCRIBE", "DISTINCT", "DROP", "ELSE",
    "END", "EXCEPT", "EXISTS", "EXPLAIN", "EXTERNAL", "EXTRACT", "FALSE", "FILTER", "FIRST", "FROM", "FULL", "GROUP",
    "HAVING", "IF", "ILIKE", "IN", "INNER", "INSERT", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LAST", "LATERAL",
    "LEFT", "LIKE", "LIMIT", "LOCATION", "NATURAL", "NOT", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER",
    "OVER", "OVERWRITE", "PARTITION", "PARTITIONED", "PRIMARY", "KEY", "RANGE", "REPLACE", "RIGHT", "ROWS", "SCHEMA",
    "SELECT", "SET", "SHOW", "STORED", "TABLE", "TABLES", "THEN", "TRUE", "TRUNCATE", "UNION", "UPDATE", "USING",
    "VALUES", "VIEW", "WHEN", "WHERE", "WINDOW", "WITH",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

const OPERATORS: &[&str] = &["->>", "<=>", "<>", "<=", ">=", "!=", "==", "||", "::", "=>", "->", "<<", ">>"];

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphanumeric()
}

/// Splits `sql` into tokens (see [`Token`]).
pub fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Byte index of the next character boundary after `i`.
    let next_char = |i: usize| i + sql[i..].chars().next().map_or(1, char::len_utf8);
    while i < bytes.len() {
        let start = i;
        let c = sql[i..].chars().next().unwrap_or(' ');
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let kind = if c.is_whitespace() {
            while i < bytes.len() && sql[i..].chars().next().is_some_and(char::is_whitespace) {
                i = next_char(i);
            }
            TokenKind::Whitespace
        } else if b == b'-' && next == Some(b'-') {
            i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
            TokenKind::LineComment
        } else if b == b'/' && next == Some(b'*') {
            let mut depth = 1;
            i += 2;
            while i < bytes.len() && depth > 0 {
                match (bytes[i], bytes.get(i + 1).copied()) {
                    (b'*', Some(b'/')) => {
                        depth -= 1;
                        i += 2;
                    }
                    (b'/', Some(b'*')) => {
                        depth += 1;
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
            // A comment cut short inside a multi-byte character cannot happen: `*` and `/` are ASCII.
            TokenKind::BlockComment
        } else if matches!(b, b'\'' | b'"' | b'`') {
            i += 1;
            while i < bytes.len() {
                let x = bytes[i];
                if x == b'\\' && b != b'`' && i + 1 < bytes.len() {
                    i = next_char(i + 1);
                    continue;
                }
                i += 1;
                if x == b {
                    if bytes.get(i) == Some(&b) {
                        i += 1;
                        continue;
                    }
                    break;
                }
            }
            if b == b'\'' {
                TokenKind::String
            } else {
                TokenKind::QuotedIdentifier
            }
        } else if b.is_ascii_digit() || (b == b'.' && next.is_some_and(|n| n.is_ascii_digit())) {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if bytes.get(i) == Some(&b'.') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(bytes.get(i), Some(b'e' | b'E')) {
                let mut j = i + 1;
                if matches!(bytes.get(j), Some(b'+' | b'-')) {
                    j += 1;
                }
                if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            TokenKind::Number
        } else if is_ident_start(c) {
            while i < bytes.len() && sql[i..].chars().next().is_some_and(is_ident_char) {
                i = next_char(i);
            }
            if is_keyword(&sql[start..i]) {
                TokenKind::Keyword
            } else {
                TokenKind::Identifier
            }
        } else if matches!(b, b'(' | b')' | b',' | b'.' | b';' | b'[' | b']' | b'{' | b'}') {
            i += 1;
            TokenKind::Punctuation
        } else if let Some(op) = OPERATORS.iter().find(|op| sql[i..].starts_with(**op)) {
            i += op.len();
            TokenKind::Operator
        } else if b"+-*/%=<>!|&^~:".contains(&b) {
            i += 1;
            TokenKind::Operator
        } else {
            i = next_char(i);
            TokenKind::Other
        };
        out.push(Token { kind, span: start..i });
    }
    out
}

fn is_code(t: &Token) -> bool {
    !matches!(t.kind, TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment)
}

fn is_semicolon(sql: &str, t: &Token) -> bool {
    t.kind == TokenKind::Punctuation && &sql[t.span.clone()] == ";"
}

/// The statement under the cursor (`cursor` is a byte offset): its byte range in `script` (from
/// its first to its last code token, comments around it excluded, the `;` excluded) and its text
/// as [`split_statements`] gives it. A cursor in the blank or comment run right after a `;` on the
/// same line belongs to the statement that `;` ends (the usual "cursor after the semicolon" case);
/// on a blank tail it falls back to the last statement before it. `None` when the script has no
/// statement at or before the cursor.
pub fn statement_at(script: &str, cursor: usize) -> Option<(Range<usize>, String)> {
    let tokens = tokenize(script);
    // Segments: the token indices between semicolons, each with its own code range.
    let mut segments: Vec<(usize, Option<Range<usize>>)> = Vec::new(); // (start byte, code range)
    let mut seg_start = 0;
    let mut code: Option<Range<usize>> = None;
    for t in &tokens {
        if is_semicolon(script, t) {
            segments.push((seg_start, code.take()));
            seg_start = t.span.end;
        } else if is_code(t) {
            code = Some(code.map_or(t.span.clone(), |c| c.start..t.span.end));
        }
    }
    segments.push((seg_start, code));
    // The segment holding the cursor: the last one starting at or before it.
    let mut k = segments.iter().rposition(|(s, _)| *s <= cursor).unwrap_or(0);
    let before_code = |k: usize| segments[k].1.as_ref().is_none_or(|c| cursor < c.start);
    if k > 0 && before_code(k) {
        // Bytes, not a &str slice: the cursor may sit inside a multi-byte character.
        let gap = &script.as_bytes()[segments[k].0..cursor.min(script.len())];
        if !gap.contains(&b'\n') || segments[k].1.is_none() {
            k -= 1;
        }
    }
    while k > 0 && segments[k].1.is_none() {
        k -= 1;
    }
    let range = segments[k].1.clone()?;
    let text = split_statements(&script[range.clone()]).into_iter().next()?;
    Some((range, text))
}

/// Every statement of `script` with its byte range (first to last code token, as
/// [`statement_at`] gives it) and its text as [`split_statements`] gives it, in order: a script
/// run can point each result and each error back into the editor.
pub fn statement_spans(script: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut code: Option<Range<usize>> = None;
    let flush = |code: Option<Range<usize>>, out: &mut Vec<(Range<usize>, String)>| {
        if let Some(range) = code {
            if let Some(text) = split_statements(&script[range.clone()]).into_iter().next() {
                out.push((range, text));
            }
        }
    };
    for t in tokenize(script) {
        if is_semicolon(script, &t) {
            flush(code.take(), &mut out);
        } else if is_code(&t) {
            code = Some(code.map_or(t.span.clone(), |c| c.start..t.span.end));
        }
    }
    flush(code, &mut out);
    out
}

/// Keywords that start a clause on its own line.
fn starts_clause(words: &[String], i: usize) -> bool {
    let w = words[i].as_str();
    let next = words.get(i + 1).map(String::as_str).unwrap_or("");
    let prev = if i > 0 { words[i - 1].as_str() } else { "" };
    match w {
        "SELECT" | "FROM" | "WHERE" | "HAVING" | "LIMIT" | "OFFSET" | "UNION" | "INTERSECT" | "EXCEPT" | "VALUES" => true,
        "GROUP" | "ORDER" => next == "BY",
        "JOIN" => !matches!(prev, "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS" | "OUTER" | "NATURAL"),
        "OUTER" => next == "JOIN" && !matches!(prev, "LEFT" | "RIGHT" | "FULL"),
        "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS" => {
            matches!(next, "JOIN" | "OUTER") && prev != "NATURAL"
        }
        "NATURAL" => matches!(next, "JOIN" | "INNER" | "LEFT" | "RIGHT" | "FULL"),
        _ => false,
    }
}

/// Keywords written like functions: no space before their `(`.
const FUNCTION_KEYWORDS: &[&str] = &["CAST", "EXTRACT", "FILTER", "OVER", "EXISTS", "VALUES"];

#[derive(Clone, Copy, PartialEq)]
enum Sep {
    Nothing,
    Space,
    Newline,
}

struct Level {
    /// A `(` that opens a subquery (its first code token is SELECT or WITH), or the top level.
    query: bool,
    /// Between SELECT and the next clause: commas break lines.
    in_select: bool,
}

/// Formats SQL for reading: keywords upper-cased, one clause per line (SELECT, FROM, WHERE,
/// GROUP BY, HAVING, ORDER BY, LIMIT, the JOIN forms, UNION and friends), one select item per
/// indented line, subqueries indented, statements separated by `;` and a blank line. Strings,
/// quoted identifiers, numbers and comments are kept byte for byte; other whitespace is replaced.
///
/// Idempotent: the output depends only on the sequence of non-whitespace tokens, which formatting
/// does not change (spaces are kept where two tokens would otherwise merge).
pub fn format_sql(sql: &str) -> String {
    let tokens: Vec<Token> = tokenize(sql).into_iter().filter(|t| t.kind != TokenKind::Whitespace).collect();
    let text = |t: &Token| &sql[t.span.clone()];
    // Upper-cased words of the code tokens (for clause look-around), indexed like `code_idx`.
    let code_idx: Vec<usize> = (0..tokens.len()).filter(|&i| is_code(&tokens[i])).collect();
    let words: Vec<String> = code_idx
        .iter()
        .map(|&i| if tokens[i].kind == TokenKind::Keyword { text(&tokens[i]).to_ascii_uppercase() } else { String::new() })
        .collect();
    let mut out = String::new();
    let mut levels = vec![Level { query: true, in_select: false }];
    let mut forced_newline = false;
    let mut prev: Option<(TokenKind, String)> = None;
    let mut ci = 0; // index into code_idx of the next code token
    for (ti, t) in tokens.iter().enumerate() {
        let raw = text(t);
        let is_code_tok = is_code(t);
        let word = if is_code_tok { words[ci].clone() } else { String::new() };
        let depth = levels.iter().filter(|l| l.query).count().saturating_sub(1);
        let base = 2 * depth;
        let top = levels.last().is_none_or(|l| l.query);
        let clause = is_code_tok && t.kind == TokenKind::Keyword && top && starts_clause(&words, ci);
        let (prev_kind, prev_text) = prev.clone().unwrap_or((TokenKind::Whitespace, String::new()));
        let mut indent = base;
        let mut sep = if prev.is_none() {
            Sep::Nothing
        } else if clause || prev_text == ";" {
            Sep::Newline
        } else if raw == ")" && prev_kind == TokenKind::Punctuation && prev_text == "(" {
            Sep::Nothing
        } else if raw == ")" {
            if levels.last().is_some_and(|l| l.query) && levels.len() > 1 {
                indent = base.saturating_sub(2);
                Sep::Newline
            } else {
                Sep::Nothing
            }
        } else if matches!(raw, "," | ";") && t.kind == TokenKind::Punctuation {
            Sep::Nothing
        } else if prev_kind == TokenKind::Punctuation && prev_text == "." {
            // `a.b`, `t.*`; but `a. 5` must not become the number `.5`.
            if matches!(t.kind, TokenKind::Number) {
                Sep::Space
            } else {
                Sep::Nothing
            }
        } else if raw == "." && t.kind == TokenKind::Punctuation {
            if matches!(prev_kind, TokenKind::Identifier | TokenKind::QuotedIdentifier | TokenKind::Keyword) || prev_text == ")" {
                Sep::Nothing
            } else {
                Sep::Space
            }
        } else if prev_kind == TokenKind::Punctuation && prev_text == "(" {
            Sep::Nothing
        } else if raw == "(" && t.kind == TokenKind::Punctuation {
            let fun = matches!(prev_kind, TokenKind::Identifier | TokenKind::QuotedIdentifier)
                || (prev_kind == TokenKind::Keyword && FUNCTION_KEYWORDS.contains(&prev_text.to_ascii_uppercase().as_str()));
            if fun {
                Sep::Nothing
            } else {
                Sep::Space
            }
        } else if prev_kind == TokenKind::Punctuation && prev_text == "," {
            if levels.last().is_some_and(|l| l.in_select) {
                indent = base + 2;
                Sep::Newline
            } else {
                Sep::Space
            }
        } else if (prev_kind == TokenKind::Keyword && prev_text == "SELECT" && !matches!(word.as_str(), "DISTINCT" | "ALL"))
            || (prev_kind == TokenKind::Keyword
                && matches!(prev_text.as_str(), "DISTINCT" | "ALL")
                && levels.last().is_some_and(|l| l.in_select)
                && ci >= 2
                && words[ci - 2] == "SELECT")
        {
            // The first select item goes on its own indented line (after DISTINCT/ALL if any).
            indent = base + 2;
            Sep::Newline
        } else {
            Sep::Space
        };
        if forced_newline {
            if sep != Sep::Newline {
                indent = if levels.last().is_some_and(|l| l.in_select) { base + 2 } else { base };
            }
            sep = Sep::Newline;
            forced_newline = false;
        }
        match sep {
            Sep::Nothing => {}
            Sep::Space => out.push(' '),
            Sep::Newline => {
                while out.ends_with(' ') {
                    out.pop();
                }
                if prev_text == ";" {
                    out.push('\n');
                }
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
        }
        if t.kind == TokenKind::Keyword {
            out.push_str(&word);
        } else {
            out.push_str(raw);
        }
        // State after the token.
        if clause {
            if let Some(l) = levels.last_mut() {
                l.in_select = word == "SELECT";
            }
        }
        match (t.kind, raw) {
            (TokenKind::LineComment, _) => forced_newline = true,
            (TokenKind::Punctuation, "(") => {
                let next_word = code_idx.iter().position(|&i| i > ti).map(|p| words[p].as_str()).unwrap_or("");
                levels.push(Level { query: matches!(next_word, "SELECT" | "WITH"), in_select: false });
            }
            (TokenKind::Punctuation, ")") if levels.len() > 1 => {
                levels.pop();
            }
            (TokenKind::Punctuation, ";") => levels = vec![Level { query: true, in_select: false }],
            _ => {}
        }
        if is_code_tok {
            ci += 1;
        }
        let shown = if t.kind == TokenKind::Keyword { word } else { raw.to_string() };
        prev = Some((t.kind, shown));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod editor_tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        tokenize(sql).into_iter().map(|t| (t.kind, &sql[t.span])).collect()
    }

    #[test]
    fn tokens_cover_the_input_with_kinds() {
        use TokenKind::*;
        let sql = "select \"Col\", 'it''s' , 1.5e3 -- c\nfrom t where a<>b /* x /* y */ z */;";
        assert_eq!(
            kinds(sql),
            [
                (Keyword, "select"), (Whitespace, " "), (QuotedIdentifier, "\"Col\""), (Punctuation, ","), (Whitespace, " "),
                (String, "'it''s'"), (Whitespace, " "), (Punctuation, ","), (Whitespace, " "), (Number, "1.5e3"),
                (Whitespace, " "), (LineComment, "-- c"), (Whitespace, "\n"), (Keyword, "from"), (Whitespace, " "),
                (Identifier, "t"), (Whitespace, " "), (Keyword, "where"), (Whitespace, " "), (Identifier, "a"),
                (Operator, "<>"), (Identifier, "b"), (Whitespace, " "), (BlockComment, "/* x /* y */ z */"),
                (Punctuation, ";"),
            ]
        );
        // Every byte is in exactly one token, in order, even for odd input.
        for s in ["", "é 'open", "`a``b` ? @x 日本 .5 x.y", "/* open", "a\\'b", "'\\'' x"] {
            let t = tokenize(s);
            let mut at = 0;
            for tok in &t {
                assert_eq!(tok.span.start, at, "{s:?}: {t:?}");
                assert!(s.is_char_boundary(tok.span.end));
                at = tok.span.end;
            }
            assert_eq!(at, s.len(), "{s:?}");
        }
        assert_eq!(kinds("'a\\'b' c"), [(String, "'a\\'b'"), (Whitespace, " "), (Identifier, "c")]);
        assert_eq!(kinds("x.5"), [(Identifier, "x"), (Number, ".5")]);
        assert_eq!(kinds("COUNT(*)"), [(Identifier, "COUNT"), (Punctuation, "("), (Operator, "*"), (Punctuation, ")")]);
    }

    #[test]
    fn statement_under_the_cursor() {
        let script = "select 1;\n-- note; here\nselect 'a;b' from t;  \n\n";
        let at = |c: usize| statement_at(script, c).map(|(r, s)| (&script[r], s));
        assert_eq!(at(0), Some(("select 1", "select 1".to_string())));
        assert_eq!(at(8), Some(("select 1", "select 1".into())), "on the semicolon");
        assert_eq!(at(9), Some(("select 1", "select 1".into())), "right after it, same line");
        let second = script.find("-- note").unwrap();
        assert_eq!(at(second + 3), Some(("select 'a;b' from t", "select 'a;b' from t".into())), "comment before a statement");
        let in_string = script.find("a;b").unwrap() + 2;
        assert_eq!(at(in_string).unwrap().1, "select 'a;b' from t");
        assert_eq!(at(script.len()).unwrap().1, "select 'a;b' from t", "blank tail falls back");
        assert_eq!(statement_at("", 0), None);
        assert_eq!(statement_at("  -- only\n", 3), None);
        assert_eq!(statement_at("select 1; select 2", 10).unwrap().1, "select 2");
        assert_eq!(statement_at("select /* c */ 1", 2).unwrap().1, "select   1", "the splitter's text");
        // Past the end and inside multi-byte text do not panic.
        assert_eq!(statement_at("select 'é'", 100).unwrap().1, "select 'é'");
        assert_eq!(statement_at("select 'é'", 9).unwrap().1, "select 'é'");
        assert_eq!(statement_at("select 1; select 'é'", 19).unwrap().1, "select 'é'");
    }

    #[test]
    fn formats_clauses_and_select_lists() {
        assert_eq!(
            format_sql("select a, b as x, count(*) from t join u on t.id=u.id where a > 1 and b like 'x%' group by a, b having count(*)>2 order by a desc limit 10"),
            "SELECT\n  a,\n  b AS x,\n  count(*)\nFROM t\nJOIN u ON t.id = u.id\nWHERE a > 1 AND b LIKE 'x%'\nGROUP BY a, b\nHAVING count(*) > 2\nORDER BY a DESC\nLIMIT 10"
        );
        assert_eq!(
            format_sql("select distinct n from t left outer join u on 1=1 union all select 2"),
            "SELECT DISTINCT\n  n\nFROM t\nLEFT OUTER JOIN u ON 1 = 1\nUNION ALL\nSELECT\n  2"
        );
        assert_eq!(
            format_sql("select x from t where x in (select y from u) and f(a, b) = 1"),
            "SELECT\n  x\nFROM t\nWHERE x IN (\n  SELECT\n    y\n  FROM u\n) AND f(a, b) = 1"
        );
        assert_eq!(
            format_sql("select rank() over (partition by a order by b) from t"),
            "SELECT\n  rank() OVER(PARTITION BY a ORDER BY b)\nFROM t"
        );
        assert_eq!(format_sql("select 1;select 2"), "SELECT\n  1;\n\nSELECT\n  2");
    }

    #[test]
    fn keeps_strings_and_comments_exactly() {
        let out = format_sql("select 'Select  from  where' , \"MiXed  Col\" -- keep   this\nfrom t /* and   this */");
        assert_eq!(out, "SELECT\n  'Select  from  where',\n  \"MiXed  Col\" -- keep   this\nFROM t /* and   this */");
        assert_eq!(format_sql("select 'it''s', 'a\\'b'"), "SELECT\n  'it''s',\n  'a\\'b'");
    }

    #[test]
    fn formatting_is_idempotent() {
        let samples = [
            "select a, b as x, count(*) from t join u on t.id=u.id where a > 1 group by a order by a limit 10",
            "select x from t where x in (select y from u where z = (select max(z) from v)) -- tail",
            "SELECT a -- c\n, b FROM t; insert into t values (1, 'a'), (2, 'b'); drop table if exists t",
            "select -1, - -2, a||b, x::int, t.*, \"q\".\"r\", `b`.c from t cross join u natural join v",
            "create table x as select * from lineitem where l_shipdate <= date '1998-12-01' - interval '90' day",
            "select a. 5, (select 1), ((1)), f( ), /* c */ 1e10, .5, 'é日本' from t full outer join u using (k)",
            "select 'open",
            "/* open",
            "",
            ";;",
        ];
        for s in samples {
            let once = format_sql(s);
            assert_eq!(format_sql(&once), once, "not idempotent for {s:?}:\n{once}");
            // Formatting never changes the statements' code tokens (only case of keywords and spacing).
            let code = |x: &str| -> Vec<String> {
                tokenize(x).into_iter().filter(is_code).map(|t| x[t.span].to_ascii_uppercase()).collect()
            };
            assert_eq!(code(&once), code(s), "{s:?} -> {once:?}");
        }
    }

    #[test]
    fn statement_spans_place_each_statement_of_the_splitter() {
        let samples = [
            "select 1; select 2;",
            "-- header; x\nselect 'a;b' /* ; */ from t;\n\n  insert into t values (1);  -- tail",
            "select 1 /* outer /* inner; */ still; */ + 2; select 'é日本;'",
            "",
            ";;",
            "select 'open; select 2",
        ];
        for s in samples {
            let spans = statement_spans(s);
            let texts: Vec<String> = spans.iter().map(|(_, t)| t.clone()).collect();
            assert_eq!(texts, split_statements(s), "{s:?}");
            for (range, text) in &spans {
                assert_eq!(split_statements(&s[range.clone()]), std::slice::from_ref(text), "{s:?}");
                assert_eq!(statement_at(s, range.start).map(|(r, _)| r), Some(range.clone()));
            }
        }
        let s = "select 1;\n-- two\nselect 2";
        assert_eq!(statement_spans(s)[1].0, 17..25);
    }
}
