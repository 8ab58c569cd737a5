//! Errors: `Error` for failures that stop a run, `DocError` for one bad input.
//!
//! The split follows the contract: a fatal problem (bad config, unwritable output) ends the
//! run with exit 1, while a document that cannot be read or decoded becomes a row in the
//! `errors` table and the run goes on (STYLE.md 2.3).

use std::fmt;
use std::path::PathBuf;

/// A failure that stops the whole run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A configuration key is unknown or holds a bad value.
    #[error("config {key}: {msg}")]
    Config {
        /// The dotted key (`run.chunk_size`) or the config file path.
        key: String,
        /// What is wrong with it.
        msg: String,
    },
    /// A data file (dictionary, place table, pattern list) is malformed.
    #[error("{}:{line}: {msg}", path.display())]
    Dict {
        /// The data file.
        path: PathBuf,
        /// 1-based line number of the bad entry.
        line: usize,
        /// What is wrong with it.
        msg: String,
    },
    /// The Parquet writer failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Building an Arrow batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// The writer thread stopped before the run finished.
    #[error("writer thread stopped: {0}")]
    Writer(String),
    /// A run found no input where it was pointed (an empty folder, an unmounted volume's
    /// mount point) and left the output committed before it as it was, rather than replace
    /// it with empty tables.
    #[error("no input files found in {0}; the output committed before was left as it was")]
    NoInput(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// A config error naming its key.
    pub(crate) fn config(key: impl Into<String>, msg: impl Into<String>) -> Self {
        Error::Config { key: key.into(), msg: msg.into() }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The pipeline stage where a document failed; the `errors.stage` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Listing or reading the input file.
    Read,
    /// Turning bytes into text.
    Decode,
    /// Normalising and sorting lines.
    Clean,
    /// Sentences and words.
    Segment,
    /// Metadata and entities.
    Extract,
    /// Writing the tables.
    Write,
}

impl Stage {
    /// The name used in the `errors` table and the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Decode => "decode",
            Stage::Clean => "clean",
            Stage::Segment => "segment",
            Stage::Extract => "extract",
            Stage::Write => "write",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One input that could not become a document. It is data, not a crash: the pipeline
/// routes it to the `errors` table and carries on.
#[derive(Debug, Clone, PartialEq)]
pub struct DocError {
    /// The input's path (or `archive!member`).
    pub source_path: String,
    /// The document id when the bytes could be read.
    pub doc_id: Option<String>,
    /// Where it failed.
    pub stage: Stage,
    /// A short machine-readable reason (`empty`, `binary`, `too_large`, `io`, `not_a_file`,
    /// `loop`, `corrupt`, `bad_record`, `panic`).
    pub kind: &'static str,
    /// A sentence a person can act on.
    pub message: String,
    /// Size of the input in bytes (0 when unknown).
    pub source_bytes: u64,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}:{}] {}", self.source_path, self.stage, self.kind, self.message)
    }
}

impl std::error::Error for DocError {}
