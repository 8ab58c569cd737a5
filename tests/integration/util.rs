//! Test helpers: a unique work folder per test, running the binary, reading Parquet back.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow::array::{Array, RecordBatch};
use arrow::compute::concat_batches;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample corpus.
pub fn seeds() -> PathBuf {
    repo().join("tests/fixtures/seeds")
}

/// A temporary folder removed when dropped.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::Builder::new().prefix("zhetl-test-").tempdir().expect("tempdir") }
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }

    /// Runs `zhetl` with `args`, from the repository root (so the default config applies).
    pub fn zhetl(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_zhetl")).args(args).current_dir(repo()).output().expect("run zhetl")
    }
}

/// All parts of one table, concatenated.
pub fn read_table(out: &Path, table: &str) -> RecordBatch {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out.join(table))
        .unwrap_or_else(|e| panic!("{table}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    parts.sort();
    assert!(!parts.is_empty(), "{table} has no parts");
    let mut batches = Vec::new();
    let mut schema = None;
    for p in parts {
        let b = ParquetRecordBatchReaderBuilder::try_new(File::open(&p).unwrap()).unwrap();
        schema = Some(b.schema().clone());
        for batch in b.build().unwrap() {
            batches.push(batch.unwrap());
        }
    }
    concat_batches(&schema.unwrap(), &batches).unwrap()
}

/// A string column as `Option<String>` values.
pub fn strings(b: &RecordBatch, col: &str) -> Vec<Option<String>> {
    let c = b.column_by_name(col).unwrap_or_else(|| panic!("no column {col}"));
    let a = c.as_any().downcast_ref::<arrow::array::StringArray>().unwrap_or_else(|| panic!("{col} is not utf8"));
    (0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i).to_string())).collect()
}

/// Prints stderr of a failed command in assertions.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
