//! The warehouse every running cluster starts with: the eight TPC-H tables at scale factor 0.01
//! as Parquet under `/user/hive/warehouse/<table>/`, plus small CSV, text and SQL files under
//! `/tmp/demo` and a demo OBS bucket.
//!
//! The data is generated once per cache directory (`DATA_DIR/cache`, or
//! `LAKEDECK_SANDBOX_CACHE_DIR` so test servers can share it) and hard-linked into each cluster:
//! clusters cost no extra disk and seeding one takes milliseconds. A cluster's tables are its own
//! afterwards: a job writes new files, never into the shared ones (DataFusion never rewrites a
//! Parquet file in place, and DistCp unlinks a target file before writing it).
//!
//! The demo CSVs are made at generation time too: tpchgen builds its 300 MB text pool the first
//! time any generator is created, which takes seconds, so a start with a warm cache must not touch
//! the generators at all. That pool is static and lives as long as the process, so generation runs
//! in a child process (`lakedeck-server __generate-tpch DIR`) that gives the memory back when it
//! exits: a first start stays as small as a restart.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator, PartSuppGenerator,
    RegionGenerator, SupplierGenerator,
};
use tpchgen_arrow::{CustomerArrow, LineItemArrow, NationArrow, OrderArrow, PartArrow, PartSuppArrow, RegionArrow, SupplierArrow};

use super::hdfs;

/// TPC-H scale factor. 0.01 keeps generation to a couple of seconds in a debug build while the
/// tables still have the real shape and joins.
pub const SCALE_FACTOR: f64 = 0.01;

/// Rows per table at SCALE_FACTOR (lineitem is the dbgen-exact count for SF 0.01).
pub const TABLES: [(&str, u64); 8] = [
    ("region", 5),
    ("nation", 25),
    ("supplier", 100),
    ("customer", 1_500),
    ("part", 2_000),
    ("partsupp", 8_000),
    ("orders", 15_000),
    ("lineitem", 60_175),
];

/// Bump when the generated layout changes, so an old cache is not reused.
const CACHE_NAME: &str = "tpch-sf0.01-v2";

/// A `.sql` script that shows off the statement splitter (quotes, comments, semicolons).
pub const DEMO_SCRIPT: &str = "-- Revenue by nation; run me as a SparkScript or HiveScript job.
/* Statement 1 keeps its ';' inside the string literal. */
SELECT 'revenue; by nation' AS report;
SELECT n.n_name AS nation,
       CAST(SUM(l.l_extendedprice * (1 - l.l_discount)) AS BIGINT) AS revenue
FROM lineitem l
JOIN orders o ON l.l_orderkey = o.o_orderkey
JOIN customer c ON o.o_custkey = c.c_custkey
JOIN nation n ON c.c_nationkey = n.n_nationkey
GROUP BY n.n_name
ORDER BY revenue DESC
LIMIT 5;
";

fn write_table(dir: &Path, reader: impl RecordBatchReader) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("part-00000.parquet");
    let file = File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer = ArrowWriter::try_new(file, reader.schema(), Some(props)).map_err(|e| e.to_string())?;
    for batch in reader {
        writer.write(&batch.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    }
    writer.close().map_err(|e| e.to_string())?;
    Ok(())
}

/// The hidden subcommand the server runs itself with to generate the dataset.
pub const GENERATE_COMMAND: &str = "__generate-tpch";

/// Generates the dataset into `root` (the body of the `__generate-tpch` child).
pub fn generate(root: &Path) -> Result<(), String> {
    let sf = SCALE_FACTOR;
    write_demo_csvs(&root.join("demo"))?;
    let into = root.join("tables");
    write_table(&into.join("region"), RegionArrow::new(RegionGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("nation"), NationArrow::new(NationGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("supplier"), SupplierArrow::new(SupplierGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("customer"), CustomerArrow::new(CustomerGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("part"), PartArrow::new(PartGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("partsupp"), PartSuppArrow::new(PartSuppGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("orders"), OrderArrow::new(OrderGenerator::new(sf, 1, 1)))?;
    write_table(&into.join("lineitem"), LineItemArrow::new(LineItemGenerator::new(sf, 1, 1)))?;
    Ok(())
}

/// Serialises generation inside this process; across processes the rename below decides.
static GENERATING: Mutex<()> = Mutex::new(());

/// The cached dataset, generated first if needed. Generation writes a private directory and
/// renames it into place, so a concurrent server (or a crash) never leaves a half-written cache.
pub fn ensure_cache(cache_dir: &Path) -> Result<PathBuf, String> {
    let _guard = GENERATING.lock().unwrap_or_else(|p| p.into_inner());
    let target = cache_dir.join(CACHE_NAME);
    if target.is_dir() {
        return Ok(target);
    }
    std::fs::create_dir_all(cache_dir).map_err(|e| format!("cannot create {}: {e}", cache_dir.display()))?;
    let tmp = cache_dir.join(format!(".{CACHE_NAME}-{}", crate::util::uuid_v4()));
    let result = generate_in_child(&tmp);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!("TPC-H generation failed: {e}"));
    }
    if std::fs::rename(&tmp, &target).is_err() {
        // Another process won the race; its copy is as good as ours.
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if target.is_dir() {
        Ok(target)
    } else {
        Err(format!("cannot put the TPC-H cache at {}", target.display()))
    }
}

/// Runs [`generate`] in a child process of this same program (see the module comment). Test
/// binaries are not the server, so they generate in-process.
fn generate_in_child(tmp: &Path) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the server program: {e}"))?;
    let is_server = exe.file_stem().is_some_and(|n| n == "lakedeck-server");
    if !is_server {
        return generate(tmp);
    }
    let out = std::process::Command::new(&exe)
        .arg(GENERATE_COMMAND)
        .arg(tmp)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot start the generator: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Hard-links (or copies, across file systems) every file of `from` into `to`.
fn link_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if src.is_dir() {
            link_tree(&src, &dst)?;
        } else if !dst.exists() && std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn write_demo_csvs(demo: &Path) -> Result<(), String> {
    std::fs::create_dir_all(demo).map_err(|e| e.to_string())?;
    let mut nations = String::from("n_nationkey,n_name,n_regionkey,n_comment\n");
    for n in NationGenerator::new(SCALE_FACTOR, 1, 1).iter() {
        nations.push_str(&format!("{},{},{},{}\n", n.n_nationkey, csv_field(n.n_name), n.n_regionkey, csv_field(n.n_comment)));
    }
    let mut regions = String::from("r_regionkey,r_name,r_comment\n");
    for r in RegionGenerator::new(SCALE_FACTOR, 1, 1).iter() {
        regions.push_str(&format!("{},{},{}\n", r.r_regionkey, csv_field(r.r_name), csv_field(r.r_comment)));
    }
    std::fs::write(demo.join("nation.csv"), nations).map_err(|e| e.to_string())?;
    std::fs::write(demo.join("region.csv"), regions).map_err(|e| e.to_string())?;
    Ok(())
}

fn write_demo_files(cache: &Path, root: &Path) -> Result<(), String> {
    let demo = root.join("tmp/demo");
    std::fs::create_dir_all(demo.join("queries")).map_err(|e| e.to_string())?;
    for csv in ["nation.csv", "region.csv"] {
        // Copied, not linked: these are meant to be edited and overwritten.
        std::fs::copy(cache.join("demo").join(csv), demo.join(csv)).map_err(|e| format!("cannot copy {csv}: {e}"))?;
    }
    let tables: Vec<String> = TABLES.iter().map(|(t, n)| format!("  {t}: {n} rows")).collect();
    let readme = format!(
        "Lakedeck sandbox demo files.\n\
         The TPC-H tables (scale factor {SCALE_FACTOR}) are Parquet under /user/hive/warehouse/<table>/:\n{}\n\
         Try a SparkSql job: SELECT count(*) FROM lineitem\n\
         or a SparkScript job on hdfs:///tmp/demo/queries/revenue_by_nation.sql\n",
        tables.join("\n")
    );
    for (name, text) in [
        ("README.txt", readme.as_str()),
        ("queries/revenue_by_nation.sql", DEMO_SCRIPT),
    ] {
        std::fs::write(demo.join(name), text).map_err(|e| format!("cannot write /tmp/demo/{name}: {e}"))?;
    }
    Ok(())
}

/// Seeds one cluster's HDFS: the warehouse tables and the demo files. Idempotent.
pub fn seed_cluster(data_dir: &Path, cache_dir: &Path, cluster_id: &str) -> Result<(), String> {
    let cache = ensure_cache(cache_dir)?;
    let root = hdfs::hdfs_root(data_dir, cluster_id);
    link_tree(&cache.join("tables"), &hdfs::warehouse_dir(data_dir, cluster_id))?;
    write_demo_files(&cache, &root)?;
    // The demo bucket is shared by every cluster; writing it again is harmless.
    let bucket = hdfs::obs_root(data_dir).join("lakedeck-demo/scripts");
    std::fs::create_dir_all(&bucket).map_err(|e| e.to_string())?;
    std::fs::write(bucket.join("revenue_by_nation.sql"), DEMO_SCRIPT).map_err(|e| e.to_string())?;
    Ok(())
}

/// Clusters whose warehouse is being seeded right now (jobs that need it wait).
#[derive(Default, Clone)]
pub struct Seeding(pub Arc<Mutex<std::collections::HashSet<String>>>);

impl Seeding {
    /// Marks the cluster as being seeded; false when it already was.
    pub fn begin(&self, cluster_id: &str) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(cluster_id.to_string())
    }

    pub fn end(&self, cluster_id: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(cluster_id);
    }
}
