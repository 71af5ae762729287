//! Message templates of the translation catalogs (`crates/api/locales`, the console's `locales/`),
//! shared by the console, the server and the build-time checks so every side reads a template the
//! same way.
//!
//! Syntax (a small subset of ICU MessageFormat):
//! - `{name}`: a parameter;
//! - `{name, number}`: a number, written for the locale (`12,345`);
//! - `{count, plural, one {# row} other {# rows}}`: a branch chosen by the plural category of the
//!   number `count` (`zero`, `one`, `two`, `few`, `many`, `other`, or an exact `=N`); `#` in a
//!   branch is the number, formatted for the locale; `other` is required.
//!
//! A `{` that cannot start a parameter (followed by `"`, `[`, `<`…) is text, and so is the `}` that
//! closes it: messages may quote JSON shapes (`{"type":"range"}`) as they are.
//!
//! Plural categories and number formatting come from the caller ([`Locale`]): the console asks the
//! browser's `Intl`, the server has a fixed rule for its two languages.

use std::collections::BTreeMap;

/// One piece of a parsed template.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    Arg(&'a str),
    /// `{name, number}`.
    NumberArg(&'a str),
    /// `#` inside a plural branch.
    Number,
    Plural { name: &'a str, branches: Vec<(&'a str, Vec<Piece<'a>>)> },
}

/// How a parameter is used: plain text, or as a number that picks a plural branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ArgKind {
    Text,
    Count,
}

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> String {
        format!("{what} at byte {} of {:?}", self.pos, self.src)
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=') {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    /// Whether the `{` at the current position opens a parameter (its first non-space character
    /// could start a name) rather than being text.
    fn opens_argument(&self) -> bool {
        self.src[self.pos + 1..].chars().find(|c| !c.is_whitespace()).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    /// Pieces up to the end, or up to the `}` closing a plural branch when `in_branch`.
    fn pieces(&mut self, in_branch: bool) -> Result<Vec<Piece<'a>>, String> {
        let mut out = Vec::new();
        let mut text_start = self.pos;
        // Literal braces still open in the text.
        let mut literal = 0usize;
        loop {
            let Some(c) = self.peek() else {
                if in_branch {
                    return Err(self.err("unclosed plural branch"));
                }
                if literal > 0 {
                    return Err(self.err("unclosed '{'"));
                }
                break;
            };
            if c == '{' && !self.opens_argument() {
                literal += 1;
                self.pos += 1;
                continue;
            }
            if c == '}' && literal > 0 {
                literal -= 1;
                self.pos += 1;
                continue;
            }
            let special = c == '{' || c == '}' || (in_branch && c == '#');
            if !special {
                self.pos += c.len_utf8();
                continue;
            }
            if self.pos > text_start {
                out.push(Piece::Text(&self.src[text_start..self.pos]));
            }
            if c == '#' {
                out.push(Piece::Number);
                self.pos += 1;
            } else if c == '}' {
                if in_branch {
                    self.pos += 1;
                    return Ok(out);
                }
                return Err(self.err("unmatched '}'"));
            } else {
                self.pos += 1;
                out.push(self.argument()?);
            }
            text_start = self.pos;
        }
        if self.pos > text_start {
            out.push(Piece::Text(&self.src[text_start..self.pos]));
        }
        Ok(out)
    }

    /// After `{`: `name}` or `name, plural, cat {…} … }`.
    fn argument(&mut self) -> Result<Piece<'a>, String> {
        self.skip_ws();
        let name = self.word();
        if !is_name(name) {
            return Err(self.err(&format!("bad parameter name {name:?} (use lowercase letters, digits and _)")));
        }
        self.skip_ws();
        match self.peek() {
            Some('}') => {
                self.pos += 1;
                Ok(Piece::Arg(name))
            }
            Some(',') => {
                self.pos += 1;
                self.skip_ws();
                let kind = self.word();
                if kind == "number" {
                    self.skip_ws();
                    if self.peek() != Some('}') {
                        return Err(self.err("expected '}' after 'number'"));
                    }
                    self.pos += 1;
                    return Ok(Piece::NumberArg(name));
                }
                if kind != "plural" {
                    return Err(self.err(&format!("unknown format {kind:?} (use 'number' or 'plural')")));
                }
                self.skip_ws();
                if self.peek() != Some(',') {
                    return Err(self.err("expected ',' after 'plural'"));
                }
                self.pos += 1;
                let mut branches = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some('}') => {
                            self.pos += 1;
                            break;
                        }
                        None => return Err(self.err("unclosed plural")),
                        _ => {}
                    }
                    let selector = self.word();
                    let exact = selector.strip_prefix('=').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
                    if !exact && !CATEGORIES.contains(&selector) {
                        return Err(self.err(&format!("bad plural selector {selector:?}")));
                    }
                    self.skip_ws();
                    if self.peek() != Some('{') {
                        return Err(self.err("expected '{' to open a plural branch"));
                    }
                    self.pos += 1;
                    let body = self.pieces(true)?;
                    branches.push((selector, body));
                }
                if !branches.iter().any(|(s, _)| *s == "other") {
                    return Err(self.err(&format!("plural of {name:?} has no 'other' branch")));
                }
                Ok(Piece::Plural { name, branches })
            }
            _ => Err(self.err(&format!("expected '}}' or ', plural,' after {name:?}"))),
        }
    }
}

/// Parses a template; the error says what is wrong and where.
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>, String> {
    Parser { src: template, pos: 0 }.pieces(false)
}

fn collect<'a>(pieces: &[Piece<'a>], out: &mut BTreeMap<String, ArgKind>) {
    for p in pieces {
        match p {
            Piece::Arg(n) => {
                out.entry(n.to_string()).or_insert(ArgKind::Text);
            }
            Piece::NumberArg(n) => {
                out.insert(n.to_string(), ArgKind::Count);
            }
            Piece::Plural { name, branches } => {
                out.insert(name.to_string(), ArgKind::Count);
                for (_, b) in branches {
                    collect(b, out);
                }
            }
            _ => {}
        }
    }
}

/// The parameters a template uses and how (a name used as a number or in a plural anywhere is a
/// [`ArgKind::Count`]).
pub fn parameters(template: &str) -> Result<BTreeMap<String, ArgKind>, String> {
    let mut out = BTreeMap::new();
    collect(&parse(template)?, &mut out);
    Ok(out)
}

/// A parameter's value.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Text(&'a str),
    Number(f64),
}

/// What rendering needs to know about the language.
pub trait Locale {
    /// CLDR plural category of `n` (`one`, `other`, …).
    fn plural(&self, n: f64) -> &'static str;
    /// `n` written for the locale (grouping, decimal sign).
    fn number(&self, n: f64) -> String;
}

/// English and Simplified Chinese without a browser: English has `one` for exactly 1, Chinese has
/// only `other`; numbers keep their digits with `,` grouping (both languages group by thousands).
pub struct Builtin {
    pub chinese: bool,
}

impl Locale for Builtin {
    fn plural(&self, n: f64) -> &'static str {
        if !self.chinese && n == 1.0 {
            "one"
        } else {
            "other"
        }
    }

    fn number(&self, n: f64) -> String {
        if n.fract() != 0.0 || !n.is_finite() || n.abs() >= 1e15 {
            return n.to_string();
        }
        let digits = (n.abs() as u64).to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0.0 {
            out.push('-');
        }
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(d);
        }
        out
    }
}

fn number_of(v: Value<'_>) -> Option<f64> {
    match v {
        Value::Number(n) => Some(n),
        Value::Text(t) => t.trim().parse().ok(),
    }
}

fn render_pieces<'v>(pieces: &[Piece<'_>], args: &dyn Fn(&str) -> Option<Value<'v>>, loc: &dyn Locale, hash: Option<f64>, out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Number => {
                if let Some(n) = hash {
                    out.push_str(&loc.number(n));
                }
            }
            Piece::Arg(name) => match args(name) {
                Some(Value::Text(t)) => out.push_str(t),
                Some(Value::Number(n)) => out.push_str(&loc.number(n)),
                // A missing parameter stays visible rather than vanishing from the sentence.
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
            Piece::NumberArg(name) => match args(name).and_then(number_of) {
                Some(n) => out.push_str(&loc.number(n)),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
            Piece::Plural { name, branches } => {
                let n = args(name).and_then(number_of).unwrap_or(0.0);
                let exact = format!("={n}");
                let category = loc.plural(n);
                let body = branches
                    .iter()
                    .find(|(s, _)| *s == exact)
                    .or_else(|| branches.iter().find(|(s, _)| *s == category))
                    .or_else(|| branches.iter().find(|(s, _)| *s == "other"));
                if let Some((_, body)) = body {
                    render_pieces(body, args, loc, Some(n), out);
                }
            }
        }
    }
}

/// Renders a template with `args`. A template that does not parse is shown as it is (the
/// catalogs are checked at build time, so that only happens with a hand-edited catalog).
pub fn render<'v>(template: &str, args: &dyn Fn(&str) -> Option<Value<'v>>, loc: &dyn Locale) -> String {
    match parse(template) {
        Ok(pieces) => {
            let mut out = String::with_capacity(template.len() + 16);
            render_pieces(&pieces, args, loc, None, &mut out);
            out
        }
        Err(_) => template.to_string(),
    }
}

/// Checks that two translations of one message agree: both parse, and they use the same
/// parameters (a parameter may pick a plural in one language and be plain in the other, since
/// languages differ in plural forms).
pub fn check_pair(key: &str, a: &str, b: &str) -> Result<(), String> {
    let pa = parameters(a).map_err(|e| format!("{key}: {e}"))?;
    let pb = parameters(b).map_err(|e| format!("{key}: {e}"))?;
    let na: Vec<&String> = pa.keys().collect();
    let nb: Vec<&String> = pb.keys().collect();
    if na != nb {
        return Err(format!("{key}: the parameters differ between languages: {na:?} vs {nb:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Builtin {
        Builtin { chinese: false }
    }

    fn args<'a>(pairs: &'a [(&'a str, Value<'a>)]) -> impl Fn(&str) -> Option<Value<'a>> + 'a {
        move |n| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
    }

    #[test]
    fn plain_parameters() {
        let a = [("id", Value::Text("c-1"))];
        assert_eq!(render("Cluster {id} not found.", &args(&a), &en()), "Cluster c-1 not found.");
        assert_eq!(render("{missing}!", &args(&a), &en()), "{missing}!");
    }

    #[test]
    fn plurals_pick_a_branch_and_format_the_number() {
        let t = "{n, plural, =0 {No rows} one {# row} other {# rows}}";
        for (n, want) in [(0.0, "No rows"), (1.0, "1 row"), (2.0, "2 rows"), (12345.0, "12,345 rows")] {
            let a = [("n", Value::Number(n))];
            assert_eq!(render(t, &args(&a), &en()), want);
        }
        let a = [("n", Value::Number(1.0))];
        assert_eq!(render("{n, plural, other {# 行}}", &args(&a), &Builtin { chinese: true }), "1 行");
        // Text values that hold numbers work in plurals (problem parameters are text).
        let a = [("n", Value::Text("1"))];
        assert_eq!(render(t, &args(&a), &en()), "1 row");
    }

    #[test]
    fn number_parameters_are_grouped() {
        let a = [("total", Value::Number(52113.0))];
        assert_eq!(render("of {total, number}", &args(&a), &en()), "of 52,113");
        assert_eq!(parameters("{total, number}").unwrap().get("total"), Some(&ArgKind::Count));
        assert!(parse("{total, number, x}").is_err());
    }

    #[test]
    fn nested_parameters_inside_branches() {
        let t = "{n, plural, one {# job on {cluster}} other {# jobs on {cluster}}}";
        let a = [("n", Value::Number(3.0)), ("cluster", Value::Text("etl"))];
        assert_eq!(render(t, &args(&a), &en()), "3 jobs on etl");
        let p = parameters(t).unwrap();
        assert_eq!(p.get("n"), Some(&ArgKind::Count));
        assert_eq!(p.get("cluster"), Some(&ArgKind::Text));
    }

    #[test]
    fn json_shapes_are_text() {
        let t = r#"TimeRange must be {"type":"range","from":<ms>} or [{"name":…}], not {value}."#;
        let a = [("value", Value::Text("x"))];
        assert_eq!(render(t, &args(&a), &en()), r#"TimeRange must be {"type":"range","from":<ms>} or [{"name":…}], not x."#);
        assert_eq!(parameters(t).unwrap().keys().collect::<Vec<_>>(), ["value"]);
    }

    #[test]
    fn bad_templates_are_refused_with_a_reason() {
        for bad in ["{", "}", "{Name}", "{n, select, a {b}}", "{n, plural, one {x}}", "{n, plural, lots {x} other {y}}", "{n, plural, other {x}"] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
        assert!(parse("100% # done").is_ok(), "# is literal outside a plural");
    }

    #[test]
    fn pairs_must_share_parameters() {
        assert!(check_pair("k", "{n, plural, one {# row} other {# rows}}", "{n} 行").is_ok());
        assert!(check_pair("k", "Cluster {id}", "集群 {name}").is_err());
        assert!(check_pair("k", "Cluster {id}", "集群").is_err());
    }

    #[test]
    fn builtin_numbers_group_thousands() {
        let b = en();
        assert_eq!(b.number(0.0), "0");
        assert_eq!(b.number(999.0), "999");
        assert_eq!(b.number(1000.0), "1,000");
        assert_eq!(b.number(-1234567.0), "-1,234,567");
        assert_eq!(b.number(1.5), "1.5");
    }
}
