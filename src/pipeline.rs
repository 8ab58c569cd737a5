//! The pipeline: the four stages in order, and the run loop that drives them over a corpus.
//!
//! Run loop (STYLE.md 2.4): the calling thread pulls `chunk_size` inputs from the lazy
//! source, processes the chunk on a local rayon pool with an order-keeping `par_iter`, and
//! hands the results to one writer thread through a channel holding at most `in_flight`
//! chunks. Peak memory is about `chunk_size × (in_flight + 2)` documents plus one row group
//! per table, whatever the corpus size, and output order equals input order whatever the
//! thread count. Only the calling thread blocks on the channel, never a rayon worker.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use serde::Serialize;

use crate::clean::Cleaner;
use crate::config::{Config, RunConfig};
use crate::decode::Decoder;
use crate::document::{Document, RawDoc};
use crate::error::{DocError, Error, Result, Stage};
use crate::extract::Extractor;
use crate::lexicon::Lexicon;
use crate::segment::Segmenter;
use crate::sink::Sink;

/// Seconds spent per stage, summed over documents (CPU time across threads).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct StageSeconds {
    /// Reading files (calling thread).
    pub read: f64,
    /// Decoding.
    pub decode: f64,
    /// Cleaning.
    pub clean: f64,
    /// Segmenting.
    pub segment: f64,
    /// Extracting.
    pub extract: f64,
    /// Building and writing Parquet (writer thread).
    pub write: f64,
}

impl StageSeconds {
    fn add(&mut self, o: &StageSeconds) {
        self.read += o.read;
        self.decode += o.decode;
        self.clean += o.clean;
        self.segment += o.segment;
        self.extract += o.extract;
        self.write += o.write;
    }
}

/// Which part of the inputs this process handles (`--shard I/N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// The whole corpus.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`.
    ///
    /// # Errors
    /// `Error::Config` unless `0 <= I < N`.
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::config("--shard", format!("{s:?} is not I/N with 0 <= I < N"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether an input belongs to this shard; stable across runs and machines.
    pub fn accepts(&self, source_path: &str) -> bool {
        self.count <= 1 || xxhash_rust::xxh3::xxh3_64(source_path.as_bytes()) % self.count as u64 == self.index as u64
    }
}

/// What a finished run reports; also the body of `_manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// zhetl version.
    pub tool_version: String,
    /// Digest of the effective configuration.
    pub config_digest: String,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
    /// Worker threads.
    pub threads: usize,
    /// Shard as `I/N`.
    pub shard: String,
    /// Inputs listed (files, after sharding).
    pub inputs_seen: u64,
    /// Rows written to `documents`.
    pub documents_written: u64,
    /// Rows written to `errors`.
    pub errors: u64,
    /// Errors by `stage:kind`.
    pub error_kinds: std::collections::BTreeMap<String, u64>,
    /// Raw bytes read.
    pub bytes_read: u64,
    /// Seconds per stage.
    pub stage_seconds: StageSeconds,
    /// Whether every input ended as a document or an error row.
    pub accounted: bool,
}

impl RunReport {
    /// Share of inputs that failed.
    pub fn error_rate(&self) -> f64 {
        if self.inputs_seen == 0 {
            0.0
        } else {
            self.errors as f64 / self.inputs_seen as f64
        }
    }
}

/// Progress of a run, reported after every chunk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Inputs done.
    pub inputs: u64,
    /// Documents written.
    pub documents: u64,
    /// Inputs failed.
    pub errors: u64,
    /// Raw bytes done.
    pub bytes: u64,
}

/// The stages, built once and shared by all workers.
pub struct Pipeline {
    decoder: Decoder,
    cleaner: Cleaner,
    segmenter: Segmenter,
    extractor: Extractor,
    run: RunConfig,
    digest: String,
}

/// Confidence below which a document is flagged `encoding_uncertain`.
const UNCERTAIN_ENCODING: f32 = 0.6;

/// Sets `Document::warnings` from what the stages found.
fn flag(doc: &mut Document) {
    if doc.text.is_empty() {
        doc.warnings.push("no_body".into());
    }
    if doc.encoding_confidence < UNCERTAIN_ENCODING {
        doc.warnings.push("encoding_uncertain".into());
    }
    if doc.text.contains('\u{FFFD}') || doc.paragraphs.iter().any(|p| p.text.contains('\u{FFFD}')) {
        doc.warnings.push("replacement_chars".into());
    }
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or(Duration::ZERO);
    chrono::DateTime::from_timestamp(d.as_secs() as i64, d.subsec_nanos())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

impl Pipeline {
    /// Builds every stage from its config section: dictionaries, automata, patterns.
    ///
    /// # Errors
    /// `Error::Config`, `Error::Io` or `Error::Dict` for a bad config or data file.
    pub fn new(cfg: &Config) -> Result<Pipeline> {
        cfg.validate()?;
        let lexicon = Arc::new(Lexicon::new(&cfg.segment.user_dict, &cfg.extract.places)?);
        Ok(Pipeline {
            decoder: Decoder::new(&cfg.decode, lexicon.clone()),
            cleaner: Cleaner::new(&cfg.clean, lexicon.clone())?,
            segmenter: Segmenter::new(&cfg.segment, lexicon.clone()),
            extractor: Extractor::new(&cfg.extract, lexicon)?,
            run: cfg.run.clone(),
            digest: cfg.digest(),
        })
    }

    /// Runs clean (every line taken as body), segment and extract on text that is known to
    /// be article text; used by the evaluation harness and for embedding.
    pub fn process_text(&self, text: &str) -> Document {
        let mut doc = Document {
            doc_id: crate::document::doc_id_of(text.as_bytes()),
            source_bytes: text.len() as u64,
            encoding: "UTF-8",
            encoding_confidence: 1.0,
            raw_text: text.to_string(),
            ..Document::default()
        };
        self.cleaner.clean_body(&mut doc);
        self.segmenter.segment(&mut doc);
        // The extractors cannot fail today (their Result leaves room for ones that can).
        let _ = self.extractor.extract(&mut doc);
        doc
    }

    /// Runs the four stages on one input.
    ///
    /// # Errors
    /// A `DocError` for an input that cannot become a document. A panic inside a stage is
    /// caught and reported the same way (kind `panic`), so one hostile input never ends a run.
    pub fn process(&self, raw: RawDoc) -> Result<Document, DocError> {
        self.process_timed(raw).0
    }

    fn process_timed(&self, raw: RawDoc) -> (Result<Document, DocError>, StageSeconds) {
        let mut t = StageSeconds::default();
        let (path, len, id) = (raw.source_path.clone(), raw.bytes.len() as u64, raw.doc_id());
        let stage = std::cell::Cell::new(Stage::Decode);
        let result = catch_unwind(AssertUnwindSafe(|| {
            let s = Instant::now();
            let mut doc = self.decoder.decode(raw)?;
            t.decode = secs(s);
            stage.set(Stage::Clean);
            let s = Instant::now();
            self.cleaner.clean(&mut doc);
            t.clean = secs(s);
            stage.set(Stage::Segment);
            let s = Instant::now();
            self.segmenter.segment(&mut doc);
            t.segment = secs(s);
            stage.set(Stage::Extract);
            let s = Instant::now();
            self.extractor.extract(&mut doc)?;
            t.extract = secs(s);
            flag(&mut doc);
            Ok(doc)
        }));
        let result = result.unwrap_or_else(|panic| {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(DocError {
                source_path: path,
                doc_id: Some(id),
                stage: stage.get(),
                kind: "panic",
                message: format!("internal error, please report: {msg}"),
                source_bytes: len,
            })
        });
        (result, t)
    }

    /// Processes every input and writes the results to `sink`, then calls `sink.finish`
    /// with the run report as manifest.
    ///
    /// # Errors
    /// Only fatal problems: the thread pool cannot start, or the sink fails. Failed inputs
    /// are `errors` rows, counted in the report.
    pub fn run<I, S>(
        &self,
        inputs: I,
        mut sink: S,
        threads: usize,
        shard: Shard,
        progress: &dyn Fn(Progress),
    ) -> Result<(RunReport, S)>
    where
        I: Iterator<Item = Result<RawDoc, DocError>>,
        S: Sink + 'static,
    {
        let started = SystemTime::now();
        let clock = Instant::now();
        let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("zhetl-worker-{i}"))
            .build()
            .map_err(|e| Error::config("run.threads", e.to_string()))?;
        let (tx, rx) = sync_channel::<(Vec<Document>, Vec<DocError>)>(self.run.in_flight);
        let writer = std::thread::Builder::new()
            .name("zhetl-writer".into())
            .spawn(move || -> Result<(S, f64)> {
                let mut spent = 0.0;
                for (docs, errors) in rx {
                    let s = Instant::now();
                    sink.write(&docs, &errors)?;
                    spent += secs(s);
                }
                Ok((sink, spent))
            })
            .map_err(|e| Error::Writer(e.to_string()))?;

        let mut stages = StageSeconds::default();
        let mut p = Progress::default();
        let mut error_kinds = std::collections::BTreeMap::new();
        let mut inputs = inputs.filter(|r| {
            let path = match r {
                Ok(raw) => &raw.source_path,
                Err(e) => &e.source_path,
            };
            shard.accepts(path)
        });
        loop {
            let s = Instant::now();
            let chunk: Vec<Result<RawDoc, DocError>> = inputs.by_ref().take(self.run.chunk_size).collect();
            stages.read += secs(s);
            if chunk.is_empty() {
                break;
            }
            let n_in = chunk.len() as u64;
            let bytes: u64 = chunk
                .iter()
                .map(|r| match r {
                    Ok(raw) => raw.bytes.len() as u64,
                    Err(e) => e.source_bytes,
                })
                .sum();
            let results: Vec<(Result<Document, DocError>, StageSeconds)> = pool.install(|| {
                chunk
                    .into_par_iter()
                    .map(|r| match r {
                        Ok(raw) => self.process_timed(raw),
                        Err(e) => (Err(e), StageSeconds::default()),
                    })
                    .collect()
            });
            let mut docs = Vec::with_capacity(results.len());
            let mut errors = Vec::new();
            for (r, t) in results {
                stages.add(&t);
                match r {
                    Ok(d) => docs.push(d),
                    Err(e) => {
                        *error_kinds.entry(format!("{}:{}", e.stage, e.kind)).or_insert(0u64) += 1;
                        errors.push(e);
                    }
                }
            }
            p.inputs += n_in;
            p.documents += docs.len() as u64;
            p.errors += errors.len() as u64;
            p.bytes += bytes;
            if tx.send((docs, errors)).is_err() {
                break; // the writer failed; its error is collected below
            }
            progress(p);
        }
        drop(tx);
        let (mut sink, write_secs) = writer.join().map_err(|_| Error::Writer("writer thread panicked".into()))??;
        stages.write = write_secs;
        let report = RunReport {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            config_digest: self.digest.clone(),
            started_at: rfc3339(started),
            finished_at: rfc3339(SystemTime::now()),
            wall_seconds: clock.elapsed().as_secs_f64(),
            threads,
            shard: format!("{}/{}", shard.index, shard.count),
            inputs_seen: p.inputs,
            documents_written: p.documents,
            errors: p.errors,
            error_kinds,
            bytes_read: p.bytes,
            stage_seconds: stages,
            accounted: p.inputs == p.documents + p.errors,
        };
        let manifest = serde_json::to_value(&report).map_err(|e| Error::Writer(e.to_string()))?;
        sink.finish(&manifest)?;
        Ok((report, sink))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parse_and_partition() {
        assert_eq!(Shard::parse("1/3").unwrap(), Shard { index: 1, count: 3 });
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("x").is_err());
        let paths: Vec<String> = (0..300).map(|i| format!("dir/{i}.txt")).collect();
        let mut counts = [0; 3];
        for p in &paths {
            let owners: Vec<u32> = (0..3).filter(|&i| Shard { index: i, count: 3 }.accepts(p)).collect();
            assert_eq!(owners.len(), 1);
            counts[owners[0] as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 60), "{counts:?}");
    }
}
