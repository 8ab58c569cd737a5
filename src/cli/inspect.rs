//! `zhetl inspect OUT`: row counts per table (from Parquet footers, no data read), the error
//! summary (from the `errors` table) and the run manifest. Exit 1 when OUT has no manifest:
//! such a folder is incomplete and must not be read.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use anyhow::{bail, Context, Result};
use arrow::array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::{FileReader, SerializedFileReader};
use zhetl::{Table, MANIFEST};

fn parts(out: &Path, t: Table) -> Result<Vec<std::path::PathBuf>> {
    let dir = out.join(t.name());
    let mut v: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "parquet")).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    Ok(v)
}

pub(crate) fn run(out: &Path) -> Result<u8> {
    let manifest_path = out.join(MANIFEST);
    if !manifest_path.is_file() {
        bail!("{} has no {MANIFEST}: the output is incomplete (a run is in progress or crashed)", out.display());
    }
    let text =
        std::fs::read_to_string(&manifest_path).with_context(|| format!("reading {}", manifest_path.display()))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", manifest_path.display()))?;
    println!("{}", out.display());
    println!("rows per table:");
    for t in Table::ALL {
        let mut rows = 0i64;
        let ps = parts(out, t)?;
        for p in &ps {
            let f = File::open(p).with_context(|| format!("opening {}", p.display()))?;
            let r = SerializedFileReader::new(f).with_context(|| format!("reading {}", p.display()))?;
            rows += r.metadata().file_metadata().num_rows();
        }
        println!("  {:<12} {:>10}  ({} parts)", t.name(), rows, ps.len());
    }
    let mut kinds: BTreeMap<(String, String), u64> = BTreeMap::new();
    for p in parts(out, Table::Errors)? {
        let f = File::open(&p)?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(f)?.build()?;
        for batch in reader {
            let batch = batch?;
            let col =
                |name: &str| batch.column_by_name(name).and_then(|c| c.as_any().downcast_ref::<StringArray>().cloned());
            if let (Some(stage), Some(kind)) = (col("stage"), col("kind")) {
                for i in 0..batch.num_rows() {
                    let key = (stage.value(i).to_string(), kind.value(i).to_string());
                    *kinds.entry(key).or_default() += 1;
                }
            }
        }
    }
    if kinds.is_empty() {
        println!("errors: none");
    } else {
        println!("errors by stage and kind:");
        for ((stage, kind), n) in kinds {
            println!("  {stage:<8} {kind:<16} {n:>8}");
        }
    }
    if let Some(h) = manifest.get("history").and_then(|h| h.as_array()) {
        println!("runs committed ({} kept in the manifest's history):", h.len());
        for r in h.iter().rev().take(10) {
            let s = |k: &str| r.get(k).map(|v| v.to_string()).unwrap_or_default();
            println!(
                "  {}  shard {}  incremental {}  documents {}  errors {}  skipped {}",
                s("finished_at").trim_matches('"'),
                s("shard").trim_matches('"'),
                s("incremental"),
                s("documents_written"),
                s("errors"),
                s("skipped")
            );
        }
    }
    // Runs that started and have not committed (killed, or still running).
    let pending: Vec<String> = std::fs::read_dir(out.join(".zhetl/pending"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if !pending.is_empty() {
        println!("uncommitted runs (resume with the same command): {}", pending.join(", "));
    }
    // The history is above; the rest of the manifest follows.
    let mut m = manifest.clone();
    if let Some(o) = m.as_object_mut() {
        o.remove("history");
    }
    println!("manifest:");
    println!("{}", serde_json::to_string_pretty(&m)?);
    Ok(0)
}
