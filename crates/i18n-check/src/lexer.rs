//! A small Rust token scanner: enough to find string literals, macro calls and brackets with their
//! line numbers, skipping comments (and remembering the lines whose comment says `i18n-allow`).

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Punct(char),
    /// A string literal's value (escapes kept as written; only the text matters here).
    Str(String),
    /// Numbers, chars, lifetimes: present so neighbours are not mistaken for each other.
    Other,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

pub struct Scan {
    pub tokens: Vec<Token>,
    /// Lines with a comment containing `i18n-allow`.
    pub allow_lines: Vec<usize>,
}

pub fn scan(src: &str) -> Scan {
    let b: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut line = 1;
    let mut tokens = Vec::new();
    let mut allow_lines = Vec::new();
    let n = b.len();
    let at = |i: usize| b.get(i).copied().unwrap_or('\0');
    while i < n {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // Comments.
        if c == '/' && at(i + 1) == '/' {
            let start = i;
            while i < n && b[i] != '\n' {
                i += 1;
            }
            let text: String = b[start..i].iter().collect();
            if text.contains("i18n-allow") {
                allow_lines.push(line);
            }
            continue;
        }
        if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < n {
                if b[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            continue;
        }
        // Raw strings: r"…", r#"…"#, br"…".
        let raw_start = if c == 'r' && (at(i + 1) == '"' || at(i + 1) == '#') {
            Some(i + 1)
        } else if c == 'b' && at(i + 1) == 'r' && (at(i + 2) == '"' || at(i + 2) == '#') {
            Some(i + 2)
        } else {
            None
        };
        if let Some(mut j) = raw_start {
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) == '"' {
                let start_line = line;
                j += 1;
                let body_start = j;
                loop {
                    if j >= n {
                        break;
                    }
                    if b[j] == '"' && (0..hashes).all(|k| at(j + 1 + k) == '#') {
                        break;
                    }
                    if b[j] == '\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let value: String = b[body_start..j.min(n)].iter().collect();
                tokens.push(Token { tok: Tok::Str(value), line: start_line });
                i = j + 1 + hashes;
                continue;
            }
        }
        // Strings: "…", b"…".
        if c == '"' || (c == 'b' && at(i + 1) == '"') {
            let start_line = line;
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let body_start = j;
            while j < n && b[j] != '"' {
                if b[j] == '\\' {
                    j += 1;
                }
                if at(j) == '\n' {
                    line += 1;
                }
                j += 1;
            }
            let value: String = b[body_start..j.min(n)].iter().collect();
            tokens.push(Token { tok: Tok::Str(value), line: start_line });
            i = j + 1;
            continue;
        }
        // Chars and lifetimes.
        if c == '\'' {
            if at(i + 1) == '\\' {
                // '\n', '\'', '\u{..}'
                let mut j = i + 2;
                while j < n && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime or label.
                i += 1;
                while i < n && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
            }
            tokens.push(Token { tok: Tok::Other, line });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < n && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            tokens.push(Token { tok: Tok::Ident(b[start..i].iter().collect()), line });
            continue;
        }
        if c.is_ascii_digit() {
            while i < n && (b[i].is_alphanumeric() || b[i] == '_' || (b[i] == '.' && at(i + 1).is_ascii_digit())) {
                i += 1;
            }
            tokens.push(Token { tok: Tok::Other, line });
            continue;
        }
        tokens.push(Token { tok: Tok::Punct(c), line });
        i += 1;
    }
    Scan { tokens, allow_lines }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(src: &str) -> Vec<String> {
        scan(src)
            .tokens
            .into_iter()
            .filter_map(|t| match t.tok {
                Tok::Str(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn strings_comments_chars_and_lifetimes() {
        let src = r####"
            // "not a string"
            /* "nor /* nested */ this" */
            let a = "one \" two"; let c = '"'; fn f<'a>(x: &'a str) {}
            let r = r#"raw "inside""#; let b = b"bytes";
        "####;
        assert_eq!(strs(src), vec![r#"one \" two"#, r#"raw "inside""#, "bytes"]);
    }

    #[test]
    fn allow_markers_and_lines() {
        let s = scan("let x = 1;\n// i18n-allow: product name\nlet y = \"Lakedeck\";\n");
        assert_eq!(s.allow_lines, vec![2]);
        let lit = s.tokens.iter().find(|t| matches!(t.tok, Tok::Str(_))).unwrap();
        assert_eq!(lit.line, 3);
    }
}
