//! MRS V2 SQL execution (API reference §8) and the sandbox's paged result read. Thin: paths and
//! bodies only.

use lakedeck_api::mrs_sql::{CancelSqlResponse, SqlExecution, SqlExecutionReq, SqlRowsPage};

use super::{encode_component as enc, request, ApiClient, ApiError, Method, Service};

fn sql_path(c: &ApiClient, cluster_id: &str) -> String {
    format!("/v2/{}/clusters/{}/sql-execution", enc(c.project_id()), enc(cluster_id))
}

/// ExecuteSql: one statement, no trailing `;`. `wait_ms` > 0 asks the sandbox to answer when the
/// statement ends, within that many ms (its `wait_ms` extension); only for a sandbox endpoint.
pub async fn execute_sql(c: &ApiClient, cluster_id: &str, statement: &str, wait_ms: u32) -> Result<SqlExecution, ApiError> {
    let body = SqlExecutionReq { sql_content: Some(statement.to_string()), database: Some("default".into()), ..Default::default() };
    let path = format!("{}{}", sql_path(c, cluster_id), wait_query(wait_ms));
    request(c, Service::Mrs, Method::Post, &path, Some(&body)).await
}

fn wait_query(wait_ms: u32) -> String {
    if wait_ms > 0 {
        format!("?wait_ms={wait_ms}")
    } else {
        String::new()
    }
}

/// ShowSqlResult. `wait_ms` > 0 asks the sandbox to answer as soon as the statement ends, within
/// that many ms (its `wait_ms` extension); only for a sandbox endpoint.
pub async fn show_sql(c: &ApiClient, cluster_id: &str, sql_id: &str, wait_ms: u32) -> Result<SqlExecution, ApiError> {
    let path = format!("{}/{}{}", sql_path(c, cluster_id), enc(sql_id), wait_query(wait_ms));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}

/// CancelSql. The service answers `FAILED` with HTTP 400 when the statement had already ended;
/// that answer comes back as the error.
pub async fn cancel_sql(c: &ApiClient, cluster_id: &str, sql_id: &str) -> Result<CancelSqlResponse, ApiError> {
    let path = format!("{}/{}/cancel", sql_path(c, cluster_id), enc(sql_id));
    request::<_, ()>(c, Service::Mrs, Method::Post, &path, None).await
}

/// Sandbox-only: `limit` rows of the archived result from row `offset`.
pub async fn sql_rows(c: &ApiClient, cluster_id: &str, sql_id: &str, offset: u64, limit: u64) -> Result<SqlRowsPage, ApiError> {
    let path = format!("{}/{}/rows?offset={offset}&limit={limit}", sql_path(c, cluster_id), enc(sql_id));
    request::<_, ()>(c, Service::Mrs, Method::Get, &path, None).await
}
