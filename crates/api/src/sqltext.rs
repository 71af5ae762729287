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
