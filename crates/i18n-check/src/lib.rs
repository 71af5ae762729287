//! The translation check of the test command:
//!
//! 1. the console's catalogs (`locales/`) and the shared rules' (`crates/api/locales/`) have the
//!    same keys in English and Simplified Chinese, every template parses, and the two translations
//!    of a message use the same parameters (the console's build checks this too);
//! 2. every console key is used by a `t!`/`tr!` in `src/`, every problem key named by a
//!    `Problem::new("…")` exists, and every problem key is named somewhere;
//! 3. no user-visible literal is left in the console's sources (`src/`): text nodes and
//!    user-visible attributes (`title`, `aria-label`, `placeholder`, `label`, `hint`, …) inside
//!    `view!`, table column headers, and sentence-like literals anywhere else. Product names and
//!    symbols are allowed; a comment containing `i18n-allow` on the line or the line above
//!    allows one literal (for code and the rare bilingual text).

pub mod lexer;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lexer::{scan, Tok, Token};

pub const LANGS: [&str; 2] = ["en", "zh-CN"];

/// Words that stay as they are in every language.
pub const PRODUCT_NAMES: &[&str] = &["Lakedeck", "MRS", "EMR", "Alluxio", "HDFS", "OBS", "SQL", "CSV", "JSON", "URL", "ID"];

/// Attributes and component props whose value a user reads or hears.
pub const VISIBLE_ATTRS: &[&str] = &[
    "title",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
    "placeholder",
    "alt",
    "label",
    "hint",
    "caption",
    "empty",
];

/// Calls whose string arguments are for developers or the DOM, never shown.
const CODE_CALLS: &[&str] = &[
    "query_selector",
    "query_selector_all",
    "get_element_by_id",
    "closest",
    "set_attribute",
    "get_attribute",
    "remove_attribute",
    "has_attribute",
    "get_item",
    "set_item",
    "remove_item",
    "get",
    "set",
    "warn",
    "log",
    "error",
    "debug",
    "panic",
    "expect",
    "unreachable",
    "assert",
    "assert_eq",
    "debug_assert",
    "window_event_listener_untyped",
    "from_str",
    "include_str",
    "concat",
    "env",
];

/// Calls whose string arguments are shown (first argument of a table column is its header).
const VISIBLE_CALLS: &[&str] = &["set_title"];

fn read_catalog(path: &Path, findings: &mut Vec<String>) -> BTreeMap<String, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            findings.push(format!("{}: {e}", path.display()));
            return BTreeMap::new();
        }
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                _ => {
                    findings.push(format!("{}: the value of {k} is not a string", path.display()));
                    None
                }
            })
            .collect(),
        Ok(_) => {
            findings.push(format!("{}: not a flat JSON object", path.display()));
            BTreeMap::new()
        }
        Err(e) => {
            findings.push(format!("{}: {e}", path.display()));
            BTreeMap::new()
        }
    }
}

/// Both languages have the same keys, and every pair of templates agrees.
pub fn check_catalog_pair(what: &str, en: &BTreeMap<String, String>, zh: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for k in en.keys().filter(|k| !zh.contains_key(*k)) {
        out.push(format!("{what}: {k} is missing in zh-CN"));
    }
    for k in zh.keys().filter(|k| !en.contains_key(*k)) {
        out.push(format!("{what}: {k} is missing in en"));
    }
    for (k, a) in en {
        if let Some(b) = zh.get(k) {
            if let Err(e) = lakedeck_api::template::check_pair(k, a, b) {
                out.push(format!("{what}: {e}"));
            }
            if b.trim().is_empty() && !a.trim().is_empty() {
                out.push(format!("{what}: {k} is empty in zh-CN"));
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Key paths of `t!(a.b.c …)` and `tr!(a.b.c …)` calls.
pub fn used_keys(tokens: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let is_macro = matches!(&t.tok, Tok::Ident(n) if n == "t" || n == "tr")
            && tokens.get(i + 1).is_some_and(|t| t.tok == Tok::Punct('!'))
            && tokens.get(i + 2).is_some_and(|t| t.tok == Tok::Punct('('));
        if !is_macro {
            continue;
        }
        let mut key = String::new();
        let mut j = i + 3;
        while let Some(Tok::Ident(seg)) = tokens.get(j).map(|t| &t.tok) {
            key.push_str(seg);
            if tokens.get(j + 1).map(|t| &t.tok) == Some(&Tok::Punct('.')) {
                key.push('.');
                j += 2;
            } else {
                break;
            }
        }
        if !key.is_empty() {
            out.push(key);
        }
    }
    out
}

/// Which tokens are test code (`#[cfg(test)]` items).
pub fn test_code(tokens: &[Token]) -> Vec<bool> {
    let mut out = vec![false; tokens.len()];
    let mut depth = 0usize;
    let mut armed = None::<usize>;
    let mut inside = None::<usize>;
    for (i, t) in tokens.iter().enumerate() {
        let w = |k: usize| i.checked_sub(k).and_then(|j| tokens.get(j)).map(|t| &t.tok);
        match &t.tok {
            Tok::Ident(n) if n == "test" && w(1) == Some(&Tok::Punct('(')) && w(2) == Some(&Tok::Ident("cfg".into())) => {
                armed = Some(depth.saturating_sub(2));
            }
            Tok::Punct('{' | '(' | '[') => {
                if t.tok == Tok::Punct('{') && inside.is_none() && armed == Some(depth) {
                    inside = Some(depth + 1);
                    armed = None;
                }
                depth += 1;
            }
            Tok::Punct('}' | ')' | ']') => {
                depth = depth.saturating_sub(1);
                if inside.is_some_and(|d| depth < d) {
                    inside = None;
                    out[i] = true;
                }
            }
            _ => {}
        }
        if inside.is_some() {
            out[i] = true;
        }
    }
    out
}

/// Keys of `Problem::new("…")` calls outside test code.
pub fn problem_keys(tokens: &[Token]) -> Vec<(String, usize)> {
    let test = test_code(tokens);
    let mut out = Vec::new();
    for i in (0..tokens.len()).filter(|i| !test[*i]) {
        let w = |k: usize| tokens.get(i + k).map(|t| &t.tok);
        if w(0) == Some(&Tok::Ident("Problem".into()))
            && w(1) == Some(&Tok::Punct(':'))
            && w(2) == Some(&Tok::Punct(':'))
            && w(3) == Some(&Tok::Ident("new".into()))
            && w(4) == Some(&Tok::Punct('('))
        {
            if let Some(Tok::Str(k)) = w(5) {
                out.push((k.clone(), tokens[i].line));
            }
        }
    }
    out
}

fn strip_allowed(text: &str) -> String {
    let mut s = text.to_string();
    for name in PRODUCT_NAMES {
        s = s.replace(name, "");
    }
    s
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| matches!(c as u32, 0x3000..=0x9fff | 0xf900..=0xfaff | 0xff00..=0xffef))
}

/// Text a user would read: letters (other than product names) in a view's text or visible attribute.
fn has_words(s: &str) -> bool {
    strip_allowed(s).chars().any(char::is_alphabetic)
}

/// A literal in plain Rust code that reads like a sentence or a phrase.
pub fn is_prose(s: &str) -> bool {
    // Placeholders of format strings are not words.
    let mut plain = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = (depth - 1).max(0),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = strip_allowed(&plain);
    if has_cjk(&plain) {
        return true;
    }
    let words: Vec<&str> = plain
        .split(|c: char| !c.is_ascii_alphabetic() && c != '\'')
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        .collect();
    if words.len() < 2 || !plain.contains(' ') {
        return false;
    }
    // Class lists and selectors are lowercase words with hyphens; sentences have capitals or
    // punctuation.
    let capitalized = words.iter().any(|w| {
        let mut cs = w.chars();
        cs.next().is_some_and(|c| c.is_ascii_uppercase()) && cs.any(|c| c.is_ascii_lowercase())
    });
    let sentence_marks = capitalized
        || [". ", ": ", "? ", "! ", ", ", "…", "; "].iter().any(|p| plain.contains(p))
        || plain.trim_end().ends_with(['.', '?', '!', ':']);
    let all_caps = words.iter().all(|w| w.chars().all(|c| !c.is_ascii_lowercase()));
    // Selectors, paths and expressions have characters sentences do not.
    let code_like = ['[', ']', '#', '=', '*', '<', '>', '\\', '$', '|'].iter().any(|c| plain.contains(*c)) || plain.contains("::");
    sentence_marks && !all_caps && !code_like
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Ctx {
    View,
    Rust,
}

/// User-visible literals left in one console source file.
pub fn lint_source(path: &str, src: &str) -> Vec<String> {
    let scan = scan(src);
    let toks = &scan.tokens;
    let allowed = |line: usize| scan.allow_lines.contains(&line) || scan.allow_lines.contains(&(line.saturating_sub(1)));
    let mut out = Vec::new();
    // Brackets: (kind, context inside, call name before an opening parenthesis).
    let mut stack: Vec<(char, Ctx, String)> = Vec::new();
    let mut pending_view = false;
    // `#[cfg(test)]` seen at this depth: the next block at that depth is test code.
    let mut test_armed = None::<usize>;
    // Inside test code while the stack is at least this deep.
    let mut in_test = None::<usize>;
    for (i, t) in toks.iter().enumerate() {
        let ctx = stack.last().map(|s| s.1).unwrap_or(Ctx::Rust);
        let prev = |k: usize| i.checked_sub(k).and_then(|j| toks.get(j)).map(|t| &t.tok);
        let next = |k: usize| toks.get(i + k).map(|t| &t.tok);
        match &t.tok {
            Tok::Ident(name) if name == "view" && next(1) == Some(&Tok::Punct('!')) => pending_view = true,
            Tok::Ident(name) if name == "test" && prev(1) == Some(&Tok::Punct('(')) && prev(2) == Some(&Tok::Ident("cfg".into())) => {
                // `#[cfg(test)] mod …`: its literals are test data (`#[` and `cfg(` are open here).
                test_armed = Some(stack.len().saturating_sub(2));
            }
            Tok::Punct(c @ ('{' | '(' | '[')) => {
                let inner = if *c == '{' && pending_view {
                    pending_view = false;
                    Ctx::View
                } else if ctx == Ctx::View && (*c == '{' || *c == '(') {
                    Ctx::Rust
                } else {
                    ctx
                };
                // The call a parenthesis belongs to: `name(` or `name!(`, or `Type::name(`.
                let call = if *c == '(' {
                    let (a, b) = (prev(1), prev(2));
                    match (a, b) {
                        (Some(Tok::Ident(n)), _) => n.clone(),
                        (Some(Tok::Punct('!')), Some(Tok::Ident(n))) => n.clone(),
                        _ => String::new(),
                    }
                } else {
                    String::new()
                };
                let call = if call == "new" || call == "text" {
                    match (prev(3), prev(4), prev(2)) {
                        (Some(Tok::Punct(':')), Some(Tok::Ident(ty)), Some(Tok::Punct(':'))) if ty == "Column" => format!("Column::{call}"),
                        _ => call,
                    }
                } else {
                    call
                };
                if *c == '{' && in_test.is_none() && test_armed == Some(stack.len()) {
                    in_test = Some(stack.len() + 1);
                    test_armed = None;
                }
                stack.push((*c, inner, call));
            }
            Tok::Punct('}' | ')' | ']') => {
                stack.pop();
                if in_test.is_some_and(|d| stack.len() < d) {
                    in_test = None;
                }
            }
            Tok::Str(value) => {
                if in_test.is_some_and(|d| stack.len() >= d) || allowed(t.line) {
                    continue;
                }
                let call = stack.last().map(|s| s.2.as_str()).unwrap_or("");
                let first_arg = matches!(prev(1), Some(Tok::Punct('(')));
                let shown = if ctx == Ctx::View {
                    match (prev(1), prev(2)) {
                        // attr="…": visible attributes only.
                        (Some(Tok::Punct('=')), Some(Tok::Ident(attr))) => {
                            let attr = match (prev(3), prev(4)) {
                                (Some(Tok::Punct('-')), Some(Tok::Ident(a))) => format!("{a}-{attr}"),
                                _ => attr.clone(),
                            };
                            VISIBLE_ATTRS.contains(&attr.as_str()) && has_words(value)
                        }
                        (Some(Tok::Punct('=')), _) => false,
                        // A text node: after a tag, a block or another text.
                        (Some(Tok::Punct('>' | '}')) | Some(Tok::Str(_)), _) => has_words(value),
                        // An expression in an attribute (`title=move || "…"`).
                        _ => is_prose(value),
                    }
                } else if CODE_CALLS.contains(&call)
                    // A comparison, or a match arm.
                    || (matches!(prev(1), Some(Tok::Punct('='))) && matches!(prev(2), Some(Tok::Punct('=' | '!'))))
                    || (next(1) == Some(&Tok::Punct('=')) && next(2) == Some(&Tok::Punct('>')))
                {
                    false
                } else if ((call == "Column::new" || call == "Column::text") && first_arg) || VISIBLE_CALLS.contains(&call) {
                    has_words(value)
                } else {
                    is_prose(value)
                };
                if shown {
                    out.push(format!("{path}:{}: {value:?} is user-visible text outside the translation layer (use t!/tr!)", t.line));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every check over the workspace at `root`.
pub fn check_workspace(root: &Path) -> Vec<String> {
    let mut findings = Vec::new();
    let console = LANGS.map(|l| read_catalog(&root.join(format!("locales/{l}.json")), &mut findings));
    let problems = LANGS.map(|l| read_catalog(&root.join(format!("crates/api/locales/{l}.json")), &mut findings));
    findings.extend(check_catalog_pair("locales", &console[0], &console[1]));
    findings.extend(check_catalog_pair("crates/api/locales", &problems[0], &problems[1]));

    // Console keys used; user-visible literals.
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut used = BTreeSet::new();
    for f in &files {
        let Ok(src) = std::fs::read_to_string(f) else { continue };
        let rel = f.strip_prefix(root).unwrap_or(f).display().to_string();
        used.extend(used_keys(&scan(&src).tokens));
        findings.extend(lint_source(&rel, &src));
    }
    for k in console[0].keys().filter(|k| !used.contains(*k)) {
        findings.push(format!("locales: {k} is not used by any t!/tr! in src/"));
    }

    // Problem keys named in the shared rules, the server and the console.
    let mut named = BTreeSet::new();
    let mut sources = Vec::new();
    for dir in ["src", "crates/api/src", "crates/server/src"] {
        rust_files(&root.join(dir), &mut sources);
    }
    for f in &sources {
        let Ok(src) = std::fs::read_to_string(f) else { continue };
        let rel = f.strip_prefix(root).unwrap_or(f).display().to_string();
        let tokens = scan(&src).tokens;
        for (k, line) in problem_keys(&tokens) {
            if !problems[0].contains_key(&k) {
                findings.push(format!("{rel}:{line}: problem key {k} is not in crates/api/locales"));
            }
            named.insert(k);
        }
        // Keys chosen by code (`match … { … => "tag.key_bad_char" }`) count as named.
        let test = test_code(&tokens);
        for (t, _) in tokens.iter().zip(test).filter(|(_, test)| !test) {
            if let Tok::Str(v) = &t.tok {
                if problems[0].contains_key(v) {
                    named.insert(v.clone());
                }
            }
        }
    }
    for k in problems[0].keys().filter(|k| !named.contains(*k)) {
        findings.push(format!("crates/api/locales: {k} is not used by the rules, the server or the console"));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_text_and_visible_attributes_are_flagged() {
        let src = r#"
            fn v() -> impl IntoView {
                view! {
                    <h1>"Clusters"</h1>
                    <button title="Refresh the list" class="btn btn-primary" id="refresh">{tr!(common.refresh)}</button>
                    <input placeholder="Name or id" type="search" aria-describedby="hint"/>
                    <span aria-hidden="true">"▦"</span>
                    <span class="brand-name">"Lakedeck"</span>
                }
            }
        "#;
        let f = lint_source("x.rs", src);
        assert_eq!(f.len(), 3, "{f:#?}");
        assert!(f[0].contains("\"Clusters\""));
        assert!(f[1].contains("Refresh the list"));
        assert!(f[2].contains("Name or id"));
    }

    #[test]
    fn code_inside_views_is_judged_as_code() {
        let src = r#"
            view! {
                <p>{move || if saving.get() { "Saving…" } else { "Save the draft" }}</p>
                <p class=move || format!("state-chip tone-{}", tone)>{move || match k { "Escape" => 1, _ => 2 }}</p>
                {move || view! { <em>"nested"</em> }}
            }
        "#;
        let f = lint_source("x.rs", src);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f[0].contains("Save the draft"), "a phrase in code: {f:?}");
        assert!(f[1].contains("nested"), "a nested view's text: {f:?}");
    }

    #[test]
    fn prose_outside_views_and_column_headers() {
        let src = r##"
            const SEL: &str = "#cluster-search, #job-name-filter, .grid-filter";
            fn f(key: &str) {
                if key == "Escape" { return; }
                let msg = format!("Could not load {} clusters.", n);
                let cols = vec![Column::new("Name", |c| c), Column::text(tr!(a.b), |c| c)];
                warn!("developer message, not shown: {e}");
                let q = doc.query_selector("base[href]");
                let classes = "card form wizard";
                let t = t!(x.y, n = 1);
                // i18n-allow: both languages on purpose
                let both = "English 中文";
            }
            #[cfg(test)]
            mod tests { fn t() { assert_eq!(x, "Some sentence here."); } }
        "##;
        let f = lint_source("x.rs", src);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert!(f[0].contains("Could not load"));
        assert!(f[1].contains("\"Name\""));
    }

    #[test]
    fn prose_heuristic() {
        assert!(is_prose("The request failed."));
        assert!(is_prose("Loading clusters…"));
        assert!(is_prose("集群"));
        assert!(!is_prose("btn btn-primary"));
        assert!(!is_prose("a[href], button:not([disabled])"));
        assert!(!is_prose("SELECT table_schema FROM information_schema.columns"));
        assert!(!is_prose("{}{}"));
        assert!(!is_prose("Lakedeck"));
    }

    #[test]
    fn keys_are_read_from_macros() {
        let toks = scan(r#"t!(a.b.c); crate::tr!(x.y, n = 1); let t = 3; Problem::new("tag.bad_char").with("c", 1);
            #[cfg(test)] mod tests { fn f() { Problem::new("test.only"); } }"#).tokens;
        assert_eq!(used_keys(&toks), vec!["a.b.c", "x.y"]);
        assert_eq!(problem_keys(&toks), vec![("tag.bad_char".to_string(), 1)], "test code does not count");
    }

    #[test]
    fn catalog_pairs() {
        let m = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>();
        let en = m(&[("a", "Cluster {id}"), ("b", "x"), ("c", "{n, plural, one {# row} other {# rows}}")]);
        let zh = m(&[("a", "集群 {name}"), ("c", "{n} 行"), ("d", "多余")]);
        let f = check_catalog_pair("t", &en, &zh);
        assert_eq!(f.len(), 3, "{f:#?}");
        assert!(f.iter().any(|x| x.contains("b is missing in zh-CN")));
        assert!(f.iter().any(|x| x.contains("d is missing in en")));
        assert!(f.iter().any(|x| x.contains("parameters differ")));
    }
}
