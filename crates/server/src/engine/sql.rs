//! SQL jobs on Apache DataFusion over a cluster's warehouse. Every directory under
//! `/user/hive/warehouse` that holds Parquet files is a table named after the directory,
//! registered afresh before each statement so a table made by an earlier statement (or job) is
//! visible to the next.
//!
//! DataFusion keeps `CREATE TABLE` in memory, so the statements that must outlive the job are
//! done here instead: CTAS writes its result as Parquet into a new table directory, a column-list
//! CREATE TABLE writes an empty Parquet file carrying the schema, DROP TABLE removes the
//! directory. INSERT INTO is DataFusion's own: a directory-backed listing table appends new files.
//!
//! Kill: aborting the job's tokio task only takes effect when the task yields, and an operator
//! that turns one input batch into millions of rows (a cross join feeding an aggregate) polls for
//! seconds without yielding (DataFusion's cooperative budget is 128 batches). So every operator of
//! every plan is wrapped in [`CancelExec`], which checks the job's cancel flag after each batch
//! and ends the query with an error as soon as the flag is set.

use std::path::Path;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use datafusion::arrow::array::Array;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::dataframe::DataFrame;
use datafusion::execution::context::{SessionConfig, SessionContext};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::TaskContext;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::{execute_stream, DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::ParquetReadOptions;
use datafusion::sql::parser::{DFParser, Statement};
use datafusion::sql::sqlparser::ast::{ObjectName, ObjectType, Statement as Sql};
use datafusion::catalog::TableProvider;
use datafusion::common::TableReference;
use futures::StreamExt;
use lakedeck_api::mrs_jobs::{succeed_row, SqlRow};

use super::hdfs::ClusterFs;
use crate::lang::Text;
use crate::text;

/// An engine's own words (DataFusion, the OS), passed on unchanged in both languages.
fn engine_text(e: impl std::fmt::Display) -> Text {
    Text::from(e.to_string())
}

/// Rows of one statement's result kept for ShowSqlResultWithJob; the rest are counted, not kept.
pub const MAX_ROWS_KEPT: usize = 1000;

pub struct Outcome {
    /// Rows kept (at most MAX_ROWS_KEPT), or the single `{"result":"succeed"}` of a statement
    /// that returns none.
    pub rows: Vec<SqlRow>,
    /// What the job log should say about the statement.
    pub summary: String,
}

/// Where the rows of a row-returning statement go: the job engine keeps the first rows as
/// `SqlRow`s, the SQL-execution API streams all of them into a CSV archive (sqlexec.rs).
/// Values are rendered the same way for both (`null` for SQL NULL, Arrow's display otherwise).
pub trait RowSink: Send {
    fn columns(&mut self, names: Vec<String>) -> Result<(), String>;
    fn row(&mut self, values: Vec<String>) -> Result<(), String>;
}

/// What a statement did: rows went to the sink (how many), or a summary for the log.
pub enum Ran {
    Rows(u64),
    /// What a statement without rows did, for the execution's message.
    Done(Text),
}

/// Keeps the first MAX_ROWS_KEPT rows as `SqlRow`s (the job engine's ShowSqlResultWithJob).
struct KeepRows {
    names: Vec<String>,
    rows: Vec<SqlRow>,
}

impl RowSink for KeepRows {
    fn columns(&mut self, names: Vec<String>) -> Result<(), String> {
        self.names = names;
        Ok(())
    }

    fn row(&mut self, values: Vec<String>) -> Result<(), String> {
        if self.rows.len() < MAX_ROWS_KEPT {
            self.rows.push(SqlRow(self.names.iter().cloned().zip(values).collect()));
        }
        Ok(())
    }
}

pub struct Session {
    ctx: SessionContext,
    fs: ClusterFs,
    registered: Vec<String>,
    cancel: Arc<AtomicBool>,
    tables: Arc<TableCache>,
    deadline: Option<Deadline>,
}

/// When a statement must stop, and what it is told then (the sandbox's runtime limit).
#[derive(Clone, Debug)]
pub struct Deadline {
    pub at: std::time::Instant,
    pub message: Arc<str>,
}

/// Warehouse tables already opened, shared by every session of the sandbox: opening a Parquet
/// table reads its files' footers to learn the schema, which cost every statement milliseconds per
/// table. An entry is reused while the table directory's files (names, sizes, modification times)
/// are unchanged, so a table written by a job or an INSERT is opened afresh.
#[derive(Default)]
pub struct TableCache(std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, CachedTable>>);

/// A table directory's fingerprint and the provider opened for it.
type CachedTable = (u64, Arc<dyn TableProvider>);

impl TableCache {
    fn get(&self, dir: &Path, fingerprint: u64) -> Option<Arc<dyn TableProvider>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(dir).filter(|(f, _)| *f == fingerprint).map(|(_, p)| p.clone())
    }

    fn put(&self, dir: &Path, fingerprint: u64, provider: Arc<dyn TableProvider>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(dir.to_path_buf(), (fingerprint, provider));
    }
}

/// What identifies the contents of a table directory without reading the files.
fn fingerprint(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok().map(|m| (e.file_name(), m.len(), m.modified().ok())))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut h);
    h.finish()
}

/// A plan decorator that stops its input's stream once `cancel` is set (see the module comment).
#[derive(Debug)]
struct CancelExec {
    input: Arc<dyn ExecutionPlan>,
    cancel: Arc<AtomicBool>,
    /// Checked in the same place: a runaway query stops on its own batches, whatever the timers do.
    deadline: Option<Deadline>,
}

impl DisplayAs for CancelExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CancelExec")
    }
}

impl ExecutionPlan for CancelExec {
    fn name(&self) -> &str {
        "CancelExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> DfResult<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(DataFusionError::Internal("CancelExec has exactly one input".into()));
        }
        Ok(Arc::new(CancelExec { input: children.swap_remove(0), cancel: self.cancel.clone(), deadline: self.deadline.clone() }))
    }

    fn execute(&self, partition: usize, ctx: Arc<TaskContext>) -> DfResult<SendableRecordBatchStream> {
        let input = self.input.execute(partition, ctx)?;
        let schema = input.schema();
        let cancel = self.cancel.clone();
        let deadline = self.deadline.clone();
        let checked = input.map(move |batch| {
            if cancel.load(Ordering::Relaxed) {
                Err(DataFusionError::Execution("the job was killed".into()))
            } else if let Some(d) = deadline.as_ref().filter(|d| std::time::Instant::now() >= d.at) {
                Err(DataFusionError::Execution(d.message.to_string()))
            } else {
                batch
            }
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, checked)))
    }
}

fn table_name(name: &ObjectName) -> Result<String, Text> {
    let ident = name.0.last().and_then(|p| p.as_ident()).ok_or_else(|| text!("'{name}' is not a table name.", "“{name}”不是表名。"))?;
    // Unquoted names fold to lower case, as DataFusion resolves them.
    let n = if ident.quote_style.is_some() { ident.value.clone() } else { ident.value.to_lowercase() };
    if n.is_empty() || n.starts_with('.') || n.contains(['/', '\\']) {
        return Err(text!("'{n}' cannot be a table name in the warehouse.", "“{n}”不能用作数据仓库中的表名。"));
    }
    Ok(n)
}

fn has_parquet(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().any(|e| e.path().extension().is_some_and(|x| x == "parquet")))
        .unwrap_or(false)
}

fn row_values(batch: &RecordBatch, row: usize) -> Vec<String> {
    batch
        .columns()
        .iter()
        .map(|col| {
            // Logical nulls: a NULL literal's column (Arrow's Null type) has no validity bitmap,
            // so `is_null` would call its rows non-null.
            if col.logical_nulls().is_some_and(|n| n.is_null(row)) {
                "null".to_string()
            } else {
                array_value_to_string(col, row).unwrap_or_else(|e| format!("<{e}>"))
            }
        })
        .collect()
}

impl Session {
    /// Executes `df` with every operator made cancellable (see the module comment).
    async fn stream(&self, df: DataFrame) -> Result<SendableRecordBatchStream, Text> {
        let plan = df.create_physical_plan().await.map_err(engine_text)?;
        let cancel = self.cancel.clone();
        let deadline = self.deadline.clone();
        let plan = plan
            .transform_up(|node: Arc<dyn ExecutionPlan>| {
                Ok(if node.children().is_empty() {
                    Transformed::no(node)
                } else {
                    Transformed::yes(
                        Arc::new(CancelExec { input: node, cancel: cancel.clone(), deadline: deadline.clone() }) as Arc<dyn ExecutionPlan>
                    )
                })
            })
            .map_err(engine_text)?
            .data;
        execute_stream(plan, self.ctx.task_ctx()).map_err(engine_text)
    }

    pub fn new(fs: ClusterFs, cancel: Arc<AtomicBool>, tables: Arc<TableCache>) -> Session {
        // Two partitions: the sandbox has a couple of cores and shares them with the HTTP server.
        // URL tables (`SELECT * FROM '/some/file'`) stay off: every path goes through `guard`.
        let config = SessionConfig::new().with_target_partitions(2).with_information_schema(true);
        Session { ctx: SessionContext::new_with_config(config), fs, registered: Vec::new(), cancel, tables, deadline: None }
    }

    /// Statements run after this stop at `deadline` (each one sets its own).
    pub fn set_deadline(&mut self, deadline: Deadline) {
        self.deadline = Some(deadline);
    }

    /// Lets statements read `alluxio:///path` through the sandbox's cache cluster (see
    /// engine/cache/objstore.rs), e.g. `CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION
    /// 'alluxio:///warehouse/lineitem/'`.
    pub fn with_alluxio(self, cache: Arc<super::cache::Cache>) -> Session {
        let url = url::Url::parse("alluxio://").expect("a valid URL");
        self.ctx.register_object_store(&url, Arc::new(super::cache::objstore::AlluxioStore::new(cache)));
        self
    }

    /// Registers every warehouse table as it is on disk now.
    async fn refresh(&mut self) -> Result<(), Text> {
        for name in self.registered.drain(..) {
            let _ = self.ctx.deregister_table(TableReference::bare(name));
        }
        let Ok(entries) = std::fs::read_dir(self.fs.warehouse()) else { return Ok(()) };
        let mut dirs: Vec<(String, std::path::PathBuf)> = entries
            .flatten()
            .filter(|e| e.path().is_dir() && has_parquet(&e.path()))
            // A table whose files lead outside the trees (a planted link) is not a table here.
            .filter(|e| self.fs.confine_tree(&e.path(), "").is_ok())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        dirs.sort();
        for (name, dir) in dirs {
            let reference = TableReference::bare(name.clone());
            let print = fingerprint(&dir);
            if let Some(provider) = self.tables.get(&dir, print) {
                self.ctx.register_table(reference, provider).map_err(|e| text!("cannot open the warehouse table {name}: {e}", "无法打开数据仓库表 {name}：{e}"))?;
            } else {
                // The trailing slash makes the table a directory: INSERT INTO then adds files to it.
                let url = format!("{}/", dir.display());
                self.ctx
                    .register_parquet(reference.clone(), &url, ParquetReadOptions::default())
                    .await
                    .map_err(|e| text!("cannot open the warehouse table {name}: {e}", "无法打开数据仓库表 {name}：{e}"))?;
                if let Ok(provider) = self.ctx.table_provider(reference).await {
                    self.tables.put(&dir, print, provider);
                }
            }
            self.registered.push(name);
        }
        Ok(())
    }

    fn table_dir(&self, name: &str) -> std::path::PathBuf {
        self.fs.warehouse().join(name)
    }

    fn exists(&self, name: &str) -> bool {
        has_parquet(&self.table_dir(name))
    }

    pub async fn run(&mut self, sql: &str) -> Result<Outcome, Text> {
        let mut keep = KeepRows { names: Vec::new(), rows: Vec::new() };
        match self.execute(sql, &mut keep).await? {
            Ran::Done(summary) => Ok(Outcome { rows: vec![succeed_row()], summary: summary.en.into_owned() }),
            Ran::Rows(total) => {
                let total = total as usize;
                let summary = if total > MAX_ROWS_KEPT {
                    format!("{total} rows; the first {MAX_ROWS_KEPT} are kept for the SQL result")
                } else if total == 1 {
                    "1 row".to_string()
                } else {
                    format!("{total} rows")
                };
                Ok(Outcome { rows: keep.rows, summary })
            }
        }
    }

    /// Runs one statement; the rows of a row-returning statement go to `sink` (column names
    /// first, even when there are no rows).
    pub async fn execute(&mut self, sql: &str, sink: &mut dyn RowSink) -> Result<Ran, Text> {
        self.refresh().await?;
        let mut parsed = DFParser::parse_sql(sql).map_err(engine_text)?;
        if parsed.len() != 1 {
            let n = parsed.len();
            return Err(text!("Expected one statement, found {n}.", "应为一条语句，实际为 {n} 条。"));
        }
        let stmt = parsed.pop_front().unwrap_or_else(|| unreachable!("checked above"));
        let stmt = guard(&self.fs, stmt)?;
        let done = Ran::Done;
        if let Statement::Statement(s) = &stmt {
            match s.as_ref() {
                Sql::CreateTable(ct) => {
                    if ct.location.is_some() || ct.hive_formats.as_ref().is_some_and(|h| h.location.is_some()) {
                        return Err(text!(
                            "CREATE TABLE … LOCATION is not supported: warehouse tables live under /user/hive/warehouse. \
                             For data elsewhere use CREATE EXTERNAL TABLE … LOCATION 'obs://bucket/path' (or an HDFS path).",
                            "不支持 CREATE TABLE … LOCATION：数据仓库表位于 /user/hive/warehouse 下。\
                             其他位置的数据请使用 CREATE EXTERNAL TABLE … LOCATION 'obs://bucket/path'（或 HDFS 路径）。"
                        ));
                    }
                    let name = table_name(&ct.name)?;
                    if self.exists(&name) {
                        if ct.if_not_exists {
                            return Ok(done(text!("table {name} already exists; nothing to do", "表 {name} 已存在，无需操作")));
                        }
                        if !ct.or_replace {
                            return Err(text!("Table {name} already exists in the warehouse.", "数据仓库中已存在表 {name}。"));
                        }
                        std::fs::remove_dir_all(self.table_dir(&name)).map_err(engine_text)?;
                    }
                    return match &ct.query {
                        Some(q) => self.create_table_as(&name, &q.to_string()).await.map(done),
                        None => self.create_empty_table(&name, sql).await.map(done),
                    };
                }
                Sql::Drop { object_type: ObjectType::Table, if_exists, names, .. } => {
                    for n in names {
                        let name = table_name(n)?;
                        let dir = self.table_dir(&name);
                        if dir.is_dir() {
                            std::fs::remove_dir_all(&dir).map_err(|e| text!("cannot drop {name}: {e}", "无法删除表 {name}：{e}"))?;
                        } else if !if_exists {
                            return Err(text!("Table {name} does not exist.", "表 {name} 不存在。"));
                        }
                    }
                    return Ok(done(text!("table dropped", "表已删除")));
                }
                _ => {}
            }
        }
        let returns_rows = match &stmt {
            Statement::Statement(s) => matches!(
                s.as_ref(),
                Sql::Query(_)
                    | Sql::ShowTables { .. }
                    | Sql::ShowColumns { .. }
                    | Sql::ExplainTable { .. }
                    | Sql::Explain { .. }
            ),
            Statement::Explain(_) => true,
            _ => false,
        };
        // The guarded statement is planned, not the text: its paths were rewritten to the checked
        // local ones.
        let plan = self.ctx.state().statement_to_plan(stmt).await.map_err(engine_text)?;
        let df = self.ctx.execute_logical_plan(plan).await.map_err(engine_text)?;
        let mut stream = self.stream(df).await?;
        if returns_rows {
            sink.columns(stream.schema().fields().iter().map(|f| f.name().clone()).collect())?;
        }
        let mut total: u64 = 0;
        let mut affected = None;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(engine_text)?;
            if !returns_rows {
                // DML answers one `count` row: keep it for the log.
                if batch.num_rows() > 0 && batch.num_columns() > 0 {
                    affected = Some(array_value_to_string(batch.column(0), 0).unwrap_or_default());
                }
                continue;
            }
            for r in 0..batch.num_rows() {
                sink.row(row_values(&batch, r))?;
            }
            total += batch.num_rows() as u64;
        }
        if !returns_rows {
            return Ok(done(match affected {
                Some(n) if n == "1" => text!("1 row affected", "影响 1 行"),
                Some(n) => text!("{n} rows affected", "影响 {n} 行"),
                None => text!("done", "已完成"),
            }));
        }
        Ok(Ran::Rows(total))
    }

    async fn create_table_as(&mut self, name: &str, query: &str) -> Result<Text, Text> {
        let df = self.ctx.sql(query).await.map_err(engine_text)?;
        let stream = self.stream(df).await?;
        let dir = self.table_dir(name);
        std::fs::create_dir_all(&dir).map_err(|e| text!("cannot create the table directory: {e}", "无法创建表目录：{e}"))?;
        // A hidden name while writing: a concurrent job must not read a half-written table.
        let tmp = dir.join(".part-00000.parquet.tmp");
        let written = write_stream(stream, &tmp).await;
        let renamed = written.and_then(|n| {
            std::fs::rename(&tmp, dir.join("part-00000.parquet")).map(|()| n).map_err(engine_text)
        });
        match renamed {
            Ok(1) => Ok(text!("table {name} created with 1 row", "已创建表 {name}，共 1 行")),
            Ok(n) => Ok(text!("table {name} created with {n} rows", "已创建表 {name}，共 {n} 行")),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(e)
            }
        }
    }

    async fn create_empty_table(&mut self, name: &str, sql: &str) -> Result<Text, Text> {
        // DataFusion turns the column list into a schema (an in-memory table), which is then
        // written as a Parquet file with no rows so the table survives the job.
        self.ctx.sql(sql).await.map_err(engine_text)?;
        let provider = self.ctx.table_provider(TableReference::bare(name)).await.map_err(engine_text)?;
        let schema = provider.schema();
        let _ = self.ctx.deregister_table(TableReference::bare(name));
        let dir = self.table_dir(name);
        std::fs::create_dir_all(&dir).map_err(|e| text!("cannot create the table directory: {e}", "无法创建表目录：{e}"))?;
        let file = std::fs::File::create(dir.join("part-00000.parquet")).map_err(engine_text)?;
        let writer = ArrowWriter::try_new(file, schema, None).map_err(engine_text)?;
        writer.close().map_err(engine_text)?;
        Ok(text!("table {name} created", "已创建表 {name}"))
    }
}

/// `SET`/`RESET` may change how queries run, never where the engine reads, writes or spills
/// (`datafusion.runtime.*` names directories; `datafusion.catalog.*` registers one).
const SETTABLE: [&str; 5] =
    ["datafusion.execution.", "datafusion.optimizer.", "datafusion.explain.", "datafusion.sql_parser.", "datafusion.format."];

fn check_variable(name: &str) -> Result<(), Text> {
    let n = name.to_lowercase();
    if n == "timezone" || n == "time.zone" || SETTABLE.iter().any(|p| n.starts_with(p)) {
        Ok(())
    } else {
        Err(text!(
            "SET {name} is not allowed in the sandbox: only datafusion.execution.*, optimizer.*, explain.*, sql_parser.*, format.* and the time zone can be set.",
            "沙箱不允许 SET {name}：只能设置 datafusion.execution.*、optimizer.*、explain.*、sql_parser.*、format.* 和时区。"
        ))
    }
}

/// A LOCATION or COPY target: resolved like every job path (cluster HDFS or sandbox OBS, real
/// path checked) and replaced by the local path, keeping a trailing `/` (a directory for DataFusion).
fn guard_location(fs: &ClusterFs, location: &str) -> Result<String, Text> {
    if is_alluxio(location) {
        // Read through the cache's object store (engine/cache/objstore.rs), which locates every
        // path through the mount table and reads the UFS through the same checked resolver.
        return Ok(location.trim().to_string());
    }
    let local = fs.resolve(location)?;
    fs.confine_tree(&local, location)?;
    let mut out = local.to_string_lossy().into_owned();
    if location.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    Ok(out)
}

fn is_alluxio(location: &str) -> bool {
    location.trim_start().get(..10).is_some_and(|p| p.eq_ignore_ascii_case("alluxio://"))
}

/// Which statements may run, with every path they name checked and rewritten. Statements that
/// touch files (`COPY … TO`, `CREATE EXTERNAL TABLE … LOCATION`) are resolved inside the
/// cluster's trees; `SET`/`RESET` are limited to harmless settings; kinds DataFusion could run
/// but the sandbox has not reviewed are refused rather than trusted.
pub fn guard(fs: &ClusterFs, stmt: Statement) -> Result<Statement, Text> {
    match stmt {
        Statement::CreateExternalTable(mut c) => {
            for loc in c.locations.iter_mut() {
                *loc = guard_location(fs, loc)?;
            }
            Ok(Statement::CreateExternalTable(c))
        }
        Statement::CopyTo(mut c) => {
            if is_alluxio(&c.target) {
                return Err(text!(
                    "COPY cannot write to alluxio://: the cache fills itself from reads and loads. Write to the UFS path (obs://, hdfs://) instead.",
                    "COPY 不能写入 alluxio://：缓存只由读取和加载填充。请写到 UFS 路径（obs://、hdfs://）。"
                ));
            }
            c.target = guard_location(fs, &c.target)?;
            Ok(Statement::CopyTo(c))
        }
        Statement::Explain(mut e) => {
            e.statement = Box::new(guard(fs, *e.statement)?);
            Ok(Statement::Explain(e))
        }
        Statement::Reset(r) => {
            let datafusion::sql::parser::ResetStatement::Variable(name) = &r;
            check_variable(&name.to_string())?;
            Ok(Statement::Reset(r))
        }
        Statement::Statement(s) => {
            check_sql(&s)?;
            Ok(Statement::Statement(s))
        }
    }
}

fn check_sql(s: &Sql) -> Result<(), Text> {
    use datafusion::sql::sqlparser::ast::Set;
    match s {
        Sql::Query(_)
        | Sql::Insert(_)
        | Sql::Update(_)
        | Sql::Delete(_)
        | Sql::Truncate(_)
        | Sql::CreateTable(_)
        | Sql::CreateView(_)
        | Sql::CreateSchema { .. }
        | Sql::CreateDatabase { .. }
        | Sql::Drop { .. }
        | Sql::ExplainTable { .. }
        | Sql::ShowTables { .. }
        | Sql::ShowColumns { .. }
        | Sql::ShowVariable { .. }
        | Sql::ShowFunctions { .. }
        | Sql::ShowCreate { .. }
        | Sql::Prepare { .. }
        | Sql::Execute { .. }
        | Sql::Deallocate { .. }
        | Sql::StartTransaction { .. }
        | Sql::Commit { .. }
        | Sql::Rollback { .. } => Ok(()),
        Sql::Explain { statement, .. } => check_sql(statement),
        Sql::Set(Set::SingleAssignment { variable, .. }) => check_variable(&variable.to_string()),
        other => {
            let text = other.to_string();
            let kind: Vec<&str> = text.split_whitespace().take(2).collect();
            let kind = kind.join(" ");
            Err(text!("The sandbox does not run {kind} statements.", "沙箱不运行 {kind} 语句。"))
        }
    }
}

/// Writes a result stream to one Parquet file; returns the row count.
async fn write_stream(mut stream: SendableRecordBatchStream, path: &Path) -> Result<usize, Text> {
    let shown = path.display();
    let file = std::fs::File::create(path).map_err(|e| text!("cannot create {shown}: {e}", "无法创建 {shown}：{e}"))?;
    let mut writer = ArrowWriter::try_new(file, stream.schema(), None).map_err(engine_text)?;
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(engine_text)?;
        rows += batch.num_rows();
        writer.write(&batch).map_err(engine_text)?;
    }
    writer.close().map_err(engine_text)?;
    Ok(rows)
}
