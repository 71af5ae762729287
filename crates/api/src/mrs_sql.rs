//! V2 SQL execution (mrs-api.md §8): ExecuteSql, ShowSqlResult, CancelSql, and the sandbox's own
//! paged read of an archived result. The request rules live here so the console's editor can
//! refuse a script with the same code and words the sandbox would answer.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;
use crate::rules::{required_problem, FieldError, INVALID_PARAM};
use crate::sqltext::{split_statements, tokenize, TokenKind};

/// "SQL execution rejected" (§3: component missing, cluster state, multiple statements...).
/// The vendor table lists it under HTTP 500; the sandbox answers 400 because every case it uses
/// it for is the caller's request, not a server fault.
pub const SQL_REJECTED: &str = "MRS.0011";
/// The database every sandbox warehouse has (and the only one).
pub const DEFAULT_DATABASE: &str = "default";
/// `sql_type` values accepted (case-insensitive). The vendor documents only `presto`; the sandbox
/// runs all of them on the same engine (DataFusion), so the console may pick any.
pub const SQL_TYPES: [&str; 3] = ["presto", "spark", "hive"];
/// Status values of the SDK (no SUBMITTED or CANCELLED: a cancelled statement ends FAILED).
pub const SQL_STATUSES: [&str; 8] =
    ["QUEUED", "WAITING_FOR_RESOURCES", "PLANNING", "STARTING", "RUNNING", "FINISHING", "FINISHED", "FAILED"];
/// Rows returned inline in `content`; the whole result is always in the archive.
pub const MAX_INLINE_ROWS: usize = 1000;
/// Largest `limit` of the paged result read.
pub const MAX_PAGE_ROWS: i64 = 10_000;
/// Longest `sql_content` accepted, in characters (the vendor publishes no limit).
pub const MAX_SQL_CHARS: usize = 100_000;
/// Bucket of the archive when the request names none: `obs://lakedeck-sql-results/<project>/`.
pub const DEFAULT_ARCHIVE_BUCKET: &str = "lakedeck-sql-results";
/// Message of a statement stopped by CancelSql (the SDK has no CANCELLED status, so the message
/// tells), in English and in Chinese (the sandbox answers in the request's language).
pub const CANCELLED_MESSAGE: &str = "cancelled by user";
pub const CANCELLED_MESSAGE_ZH: &str = "已被用户取消";

/// Whether a FAILED statement's message says it was cancelled, in either language.
pub fn is_cancelled_message(message: &str) -> bool {
    message.contains(CANCELLED_MESSAGE) || message.contains(CANCELLED_MESSAGE_ZH)
}

/// Body of ExecuteSql (`SqlExecutionReq`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlExecutionReq {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql_content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_path: Option<String>,
}

/// ExecuteSql and ShowSqlResult answer (`ExecuteSqlResponse` / `ShowSqlResultResponse`).
/// `content` holds the rows inline, a header row of column names first (the sandbox's choice;
/// the vendor leaves the layout undocumented), at most [`MAX_INLINE_ROWS`] data rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqlExecution {
    pub id: String,
    pub message: String,
    pub statement: String,
    pub status: String,
    pub result_location: String,
    pub content: Vec<Vec<String>>,
}

/// CancelSql answer: `{"status":"SUCCEED"}` or, with HTTP 400, `{"status":"FAILED","message":...}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSqlResponse {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Sandbox-only paged read of an archived result (`.../sql-execution/{id}/rows`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqlRowsPage {
    pub total_rows: u64,
    pub offset: u64,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A request that passed [`check_sql_request`], with defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedSql {
    /// The one statement, as the splitter gives it (comments dropped, trimmed).
    pub statement: String,
    pub sql_type: String,
    pub database: String,
    /// `obs://bucket/dir` without a trailing slash, or `None` for the default.
    pub archive_path: Option<String>,
}

fn err(field: &str, code: &'static str, problem: Problem) -> FieldError {
    FieldError::new(field, code, problem)
}

/// ExecuteSql's request rules. The first error wins (the sandbox answers it; the console shows it).
pub fn check_sql_request(req: &SqlExecutionReq) -> Result<CheckedSql, FieldError> {
    let sql_type = match req.sql_type.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => "presto".to_string(),
        Some(t) if SQL_TYPES.iter().any(|s| s.eq_ignore_ascii_case(t)) => t.to_ascii_lowercase(),
        Some(t) => return Err(err("sql_type", INVALID_PARAM, Problem::new("sql.type_invalid").with("types", SQL_TYPES.join(", ")).with("value", t))),
    };
    let content = req.sql_content.as_deref().unwrap_or("");
    if content.trim().is_empty() {
        return Err(err("sql_content", INVALID_PARAM, required_problem("sql_content")));
    }
    if content.chars().count() > MAX_SQL_CHARS {
        return Err(err("sql_content", INVALID_PARAM, Problem::new("sql.too_long").with("max", MAX_SQL_CHARS)));
    }
    let statements = split_statements(content);
    match statements.len() {
        0 => return Err(err("sql_content", INVALID_PARAM, Problem::new("sql.no_statement"))),
        1 => {}
        n => {
            return Err(err("sql_content", SQL_REJECTED, Problem::new("sql.multiple_statements").with("count", n)))
        }
    }
    if tokenize(content).iter().any(|t| t.kind == TokenKind::Punctuation && &content[t.span.clone()] == ";") {
        return Err(err("sql_content", SQL_REJECTED, Problem::new("sql.semicolon")));
    }
    let database = match req.database.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => DEFAULT_DATABASE.to_string(),
        Some(d) if d.eq_ignore_ascii_case(DEFAULT_DATABASE) => DEFAULT_DATABASE.to_string(),
        Some(d) => {
            return Err(err("database", SQL_REJECTED, Problem::new("sql.database_missing").with("database", d)))
        }
    };
    let archive_path = match req.archive_path.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => {
            let rest = p.strip_prefix("obs://").ok_or_else(|| {
                err("archive_path", INVALID_PARAM, Problem::new("sql.archive_not_obs").with("path", p))
            })?;
            let bucket = rest.split('/').next().unwrap_or("");
            let bad_segment = rest.split('/').any(|s| s == "..") || rest.contains(['\\', '\0']);
            if bucket.is_empty() || bad_segment {
                return Err(err("archive_path", INVALID_PARAM, Problem::new("sql.archive_invalid").with("path", p)));
            }
            Some(p.trim_end_matches('/').to_string())
        }
    };
    Ok(CheckedSql { statement: statements.into_iter().next().unwrap_or_default(), sql_type, database, archive_path })
}

/// The archive folder used when the request names none.
pub fn default_archive_path(project_id: &str) -> String {
    format!("obs://{DEFAULT_ARCHIVE_BUCKET}/{project_id}")
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line (without the line break).
pub fn csv_line(fields: &[String]) -> String {
    fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",")
}

/// Reads one CSV record from `input` starting at byte `at`: the fields and the byte after the
/// record's line break. Quoted fields may span lines. `None` at the end of the input.
pub fn csv_record(input: &[u8], mut at: usize) -> Option<(Vec<String>, usize)> {
    if at >= input.len() {
        return None;
    }
    let mut fields = Vec::new();
    let mut field: Vec<u8> = Vec::new();
    let mut quoted = false;
    while at < input.len() {
        let b = input[at];
        if quoted {
            if b == b'"' {
                if input.get(at + 1) == Some(&b'"') {
                    field.push(b'"');
                    at += 2;
                    continue;
                }
                quoted = false;
            } else {
                field.push(b);
            }
            at += 1;
            continue;
        }
        match b {
            b'"' if field.is_empty() => quoted = true,
            b',' => fields.push(String::from_utf8_lossy(&std::mem::take(&mut field)).into_owned()),
            b'\n' => {
                fields.push(String::from_utf8_lossy(&field).into_owned());
                return Some((fields, at + 1));
            }
            b'\r' if input.get(at + 1) == Some(&b'\n') => {}
            _ => field.push(b),
        }
        at += 1;
    }
    fields.push(String::from_utf8_lossy(&field).into_owned());
    Some((fields, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(sql: &str) -> SqlExecutionReq {
        SqlExecutionReq { sql_content: Some(sql.into()), ..Default::default() }
    }

    fn code(r: &SqlExecutionReq) -> (&'static str, &'static str) {
        let e = check_sql_request(r).unwrap_err();
        (e.code, e.problem.key)
    }

    #[test]
    fn one_statement_without_semicolon() {
        let ok = check_sql_request(&req("  -- c\nselect ';' from t /* x */ ")).unwrap();
        assert_eq!(ok, CheckedSql { statement: "select ';' from t".into(), sql_type: "presto".into(), database: "default".into(), archive_path: None });
        let (c, m) = code(&req("select 1; select 2"));
        assert!(c == SQL_REJECTED && m == "sql.multiple_statements", "{m}");
        let (c, m) = code(&req("select 1;"));
        assert!(c == SQL_REJECTED && m == "sql.semicolon", "{m}");
        assert_eq!(code(&req("select 1; -- trailing")).0, SQL_REJECTED);
        assert_eq!(code(&req("")).0, INVALID_PARAM);
        assert_eq!(code(&req("-- only a comment")).0, INVALID_PARAM);
        assert_eq!(code(&SqlExecutionReq::default()).0, INVALID_PARAM);
        assert_eq!(code(&req(&"x".repeat(MAX_SQL_CHARS + 1))).0, INVALID_PARAM);
    }

    #[test]
    fn type_database_and_archive() {
        let mut r = req("select 1");
        r.sql_type = Some("SPARK".into());
        r.database = Some("Default".into());
        r.archive_path = Some("obs://bkt/results/".into());
        let ok = check_sql_request(&r).unwrap();
        assert_eq!((ok.sql_type.as_str(), ok.database.as_str(), ok.archive_path.as_deref()), ("spark", "default", Some("obs://bkt/results")));
        r.sql_type = Some("mysql".into());
        assert_eq!(code(&r).0, INVALID_PARAM);
        r.sql_type = None;
        r.database = Some("sales".into());
        let (c, m) = code(&r);
        assert!(c == SQL_REJECTED && m == "sql.database_missing", "{m}");
        r.database = None;
        for bad in ["/tmp/x", "obs://", "obs:///x", "obs://b/../x", "s3://b/x"] {
            r.archive_path = Some(bad.into());
            assert_eq!(code(&r).0, INVALID_PARAM, "{bad}");
        }
    }

    #[test]
    fn wire_names_are_exact() {
        let v = serde_json::to_value(SqlExecution { id: "i".into(), status: "FINISHED".into(), content: vec![vec!["a".into()]], ..Default::default() }).unwrap();
        assert_eq!(v, serde_json::json!({"id": "i", "message": "", "statement": "", "status": "FINISHED", "result_location": "", "content": [["a"]]}));
        assert_eq!(serde_json::to_string(&CancelSqlResponse { status: "SUCCEED".into(), message: None }).unwrap(), r#"{"status":"SUCCEED"}"#);
        let r: SqlExecutionReq = serde_json::from_str(r#"{"sql_type":"presto","sql_content":"select 1","database":"default","archive_path":"obs://b/d"}"#).unwrap();
        assert_eq!(r.archive_path.as_deref(), Some("obs://b/d"));
        let p = serde_json::to_value(SqlRowsPage { total_rows: 2, offset: 1, columns: vec!["a".into()], rows: vec![] }).unwrap();
        assert_eq!(p, serde_json::json!({"total_rows": 2, "offset": 1, "columns": ["a"], "rows": []}));
    }

    #[test]
    fn csv_round_trips() {
        let rows: Vec<Vec<String>> = vec![
            vec!["a".into(), "b,c".into(), "say \"hi\"".into()],
            vec!["line\nbreak".into(), "".into(), "é".into()],
        ];
        let text: String = rows.iter().map(|r| csv_line(r) + "\n").collect();
        let mut at = 0;
        let mut back = Vec::new();
        while let Some((r, next)) = csv_record(text.as_bytes(), at) {
            back.push(r);
            at = next;
        }
        assert_eq!(back, rows);
        assert_eq!(csv_record(b"x,y\r\n", 0), Some((vec!["x".into(), "y".into()], 5)));
    }
}
