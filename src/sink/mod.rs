//! Where processed chunks go. `Sink` is the crate's one trait (STYLE.md rule 4): the Parquet
//! writer and an in-memory sink for tests implement it. The pipeline drives a sink from one
//! dedicated writer thread, so implementations need not be `Sync`.

pub(crate) mod parquet;
pub(crate) mod schema;

use crate::document::Document;
use crate::error::{DocError, Result};

pub use self::schema::Table;

/// Receives processed documents and failed inputs, chunk by chunk, in input order.
pub trait Sink: Send {
    /// Writes one chunk.
    ///
    /// # Errors
    /// A fatal output problem (disk full, unwritable folder); the run stops.
    fn write(&mut self, docs: &[Document], errors: &[DocError]) -> Result<()>;

    /// Makes everything written so far durable, with the run's counts at this point
    /// (`state`), so that an interrupted run can resume from here. Default: nothing.
    ///
    /// # Errors
    /// As for `write`.
    fn checkpoint(&mut self, state: &serde_json::Value) -> Result<()> {
        let _ = state;
        Ok(())
    }

    /// Flushes and publishes everything written; `manifest` is the run's record, written
    /// last. Called once, after the last `write`.
    ///
    /// # Errors
    /// As for `write`.
    fn finish(&mut self, manifest: &serde_json::Value) -> Result<()> {
        let _ = manifest;
        Ok(())
    }
}

/// Keeps everything in memory; for tests and for embedding zhetl in another program.
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Documents written, in order.
    pub docs: Vec<Document>,
    /// Failed inputs, in order.
    pub errors: Vec<DocError>,
    /// The manifest passed to `finish`.
    pub manifest: Option<serde_json::Value>,
}

impl Sink for MemorySink {
    fn write(&mut self, docs: &[Document], errors: &[DocError]) -> Result<()> {
        self.docs.extend_from_slice(docs);
        self.errors.extend_from_slice(errors);
        Ok(())
    }

    fn finish(&mut self, manifest: &serde_json::Value) -> Result<()> {
        self.manifest = Some(manifest.clone());
        Ok(())
    }
}
