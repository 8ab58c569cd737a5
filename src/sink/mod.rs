//! Where processed chunks go. `Sink` is the crate's one trait (STYLE.md rule 4): the Parquet
//! writer, a sink that encodes and discards (for benchmarks) and an in-memory sink for tests
//! implement it. The pipeline drives a sink from one
//! dedicated writer thread, so implementations need not be `Sync`.

pub(crate) mod parquet;
pub(crate) mod schema;

use ::parquet::arrow::ArrowWriter;
use ::parquet::file::properties::WriterProperties;

use crate::config::OutputConfig;
use crate::document::Document;
use crate::error::{DocError, Error, Result};

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

/// Encodes every table to Parquet exactly as `run` does (writer properties, skipped tables,
/// writer threads) and throws the bytes away: the pipeline's cost without the disk, for
/// `zhetl bench` and the criterion sink bench.
pub struct DiscardSink {
    props: WriterProperties,
    skip: Vec<Table>,
    /// Per lane, per table.
    lanes: Vec<Vec<Option<ArrowWriter<std::io::Sink>>>>,
}

impl DiscardSink {
    /// A sink for a run with `workers` worker threads (`output.writer_threads` resolves
    /// against them).
    ///
    /// # Errors
    /// `Error::Parquet` for a zstd level the codec refuses.
    pub fn new(cfg: &OutputConfig, workers: usize) -> Result<DiscardSink> {
        let lanes = (0..cfg.writer_lanes(workers)).map(|_| Table::ALL.iter().map(|_| None).collect()).collect();
        Ok(DiscardSink { props: schema::writer_properties(cfg)?, skip: cfg.skipped(), lanes })
    }
}

impl Sink for DiscardSink {
    fn write(&mut self, docs: &[Document], errors: &[DocError]) -> Result<()> {
        let (props, skip) = (&self.props, &self.skip);
        write_in_lanes(&mut self.lanes, docs, errors, |writers, docs, errors| {
            for b in schema::batches(docs, errors, skip) {
                let (table, batch) = b?;
                let w = match &mut writers[table.index()] {
                    Some(w) => w,
                    slot => slot.insert(ArrowWriter::try_new(std::io::sink(), table.schema(), Some(props.clone()))?),
                };
                w.write(&batch)?;
            }
            Ok(())
        })
    }

    fn finish(&mut self, _: &serde_json::Value) -> Result<()> {
        write_in_lanes(&mut self.lanes, &[], &[], |lane, _, _| {
            lane.iter_mut().filter_map(Option::take).try_for_each(|w| w.close().map(drop))?;
            Ok(())
        })
    }
}

/// Hands each lane (writer thread) its share of a chunk: runs of consecutive documents of
/// about equal text size, the failed inputs with the first. Every lane is called, with an
/// empty share if need be (which is also how to close all lanes at once). The lanes run at
/// once, the first on the calling thread; the first error is returned after every lane has
/// finished, so none is left mid-write.
///
/// One writer thread encodes about 20 MB/s of news text with every table on, a third of
/// the run's CPU, so with more than three workers it would cap the run. Lanes each own
/// their parts and share nothing while encoding.
pub fn write_in_lanes<L, F>(lanes: &mut [L], docs: &[Document], errors: &[DocError], write: F) -> Result<()>
where
    L: Send,
    F: Fn(&mut L, &[Document], &[DocError]) -> Result<()> + Sync,
{
    let Some((first, rest)) = lanes.split_first_mut() else { return Ok(()) };
    if rest.is_empty() {
        return write(first, docs, errors);
    }
    let cuts = lane_cuts(docs, rest.len() + 1);
    let write = &write;
    std::thread::scope(|scope| {
        let handles: Vec<_> = rest
            .iter_mut()
            .enumerate()
            .map(|(i, lane)| {
                let share = &docs[cuts[i + 1]..cuts[i + 2]];
                scope.spawn(move || write(lane, share, &[]))
            })
            .collect();
        let mut result = write(first, &docs[cuts[0]..cuts[1]], errors);
        for h in handles {
            let r = h.join().unwrap_or_else(|_| Err(Error::Writer("a writer thread panicked".into())));
            if result.is_ok() {
                result = r;
            }
        }
        result
    })
}

/// Boundaries of `n` runs of consecutive documents of about equal text size (`n + 1`
/// indexes, from 0 to `docs.len()`).
fn lane_cuts(docs: &[Document], n: usize) -> Vec<usize> {
    // A document costs its tokens and rows, which follow its text; +1 so that empty texts
    // still spread.
    let total: usize = docs.iter().map(|d| d.text.len() + 1).sum();
    let mut cuts = vec![0];
    let mut acc = 0;
    for (i, d) in docs.iter().enumerate() {
        acc += d.text.len() + 1;
        // Cut after this document each time the running size passes the next share.
        while cuts.len() < n && acc * n >= total * cuts.len() {
            cuts.push(i + 1);
        }
    }
    while cuts.len() <= n {
        cuts.push(docs.len());
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(chars: usize) -> Document {
        Document { text: "字".repeat(chars), ..Document::default() }
    }

    #[test]
    fn lanes_get_consecutive_runs_of_about_equal_size() {
        let docs: Vec<Document> = [10, 10, 10, 10, 40, 10, 10].iter().map(|&n| doc(n)).collect();
        let cuts = lane_cuts(&docs, 2);
        assert_eq!(cuts.first(), Some(&0));
        assert_eq!(cuts.last(), Some(&docs.len()));
        assert_eq!(cuts, [0, 5, 7]);
        // More lanes than documents: the extra lanes get nothing, every document is kept.
        let cuts = lane_cuts(&docs[..2], 4);
        assert_eq!(cuts.len(), 5);
        assert!(cuts.windows(2).all(|w| w[0] <= w[1]) && cuts[4] == 2);

        // Every document is written once, in order within its lane, errors with the first.
        let mut lanes = vec![Vec::new(); 3];
        let errors = vec![DocError {
            source_path: "x".into(),
            doc_id: None,
            stage: crate::error::Stage::Read,
            kind: "empty",
            message: String::new(),
            source_bytes: 0,
        }];
        write_in_lanes(&mut lanes, &docs, &errors, |lane: &mut Vec<(usize, usize)>, d, e| {
            lane.push((d.len(), e.len()));
            Ok(())
        })
        .unwrap();
        assert_eq!(lanes.iter().map(|l| l[0].0).sum::<usize>(), docs.len());
        assert_eq!(lanes.iter().map(|l| l[0].1).collect::<Vec<_>>(), [1, 0, 0]);
    }
}
