//! The pipeline: the four stages in order, and the run loop that drives them over a corpus.
//!
//! Run loop (STYLE.md 2.4): the calling thread pulls `chunk_size` inputs from the lazy
//! source, has the chunk processed on a local rayon pool with an order-keeping `par_iter`,
//! and hands the results to one writer thread through a channel holding at most `in_flight`
//! chunks (the one the calling thread holds while it waits to send included); it pulls the
//! next chunk while the pool works on this one. Peak memory is about `chunk_size ×
//! (in_flight + 2)` processed documents, one chunk of raw inputs and one row group per
//! table, whatever the corpus size, and output order equals input order whatever the
//! thread count. Only the calling thread blocks on the channel, never a rayon worker.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use serde::Serialize;

use crate::clean::Cleaner;
use crate::config::{Config, DedupConfig, InputConfig, OutputConfig, RunConfig};
use crate::decode::Decoder;
use crate::dedup::{Deduper, Index};
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
    /// MinHash signatures and the duplicate index.
    pub dedup: f64,
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
        self.dedup += o.dedup;
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
    /// Threads encoding Parquet (`output.writer_threads`, 0 resolved against `threads`).
    pub writer_threads: usize,
    /// Shard as `I/N`.
    pub shard: String,
    /// Inputs listed (files, after sharding), resumed ones included.
    pub inputs_seen: u64,
    /// Inputs skipped: already committed (`--incremental`) or byte-identical to an earlier
    /// input of this run (same doc_id).
    pub skipped: u64,
    /// Documents whose cleaned text equals an earlier one's (`documents.duplicate_of`).
    pub exact_duplicates: u64,
    /// Rows written to `duplicates`.
    pub near_duplicates: u64,
    /// Inputs done by an earlier, interrupted attempt of this run and not redone.
    pub resumed_inputs: u64,
    /// Whether the run appended to what OUT held (`--incremental`).
    pub incremental: bool,
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
    /// Tables left empty by `output.skip_tables`.
    pub skipped_tables: Vec<String>,
}

impl RunReport {
    /// Share of inputs that failed.
    pub fn error_rate(&self) -> f64 {
        if self.inputs_seen <= self.skipped {
            0.0
        } else {
            self.errors as f64 / (self.inputs_seen - self.skipped).max(1) as f64
        }
    }
}

/// Progress of a run, reported after every chunk.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize)]
pub struct Progress {
    /// Inputs done.
    pub inputs: u64,
    /// Documents written.
    pub documents: u64,
    /// Inputs failed.
    pub errors: u64,
    /// Raw bytes done.
    pub bytes: u64,
    /// Inputs skipped (committed already, or identical to an earlier one).
    pub skipped: u64,
}

/// The stages, built once and shared by all workers.
pub struct Pipeline {
    decoder: Decoder,
    cleaner: Cleaner,
    segmenter: Segmenter,
    extractor: Extractor,
    deduper: Deduper,
    dedup: DedupConfig,
    run: RunConfig,
    output: OutputConfig,
    input: InputConfig,
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

/// Runs `f`, turning a panic inside it into the document's error (kind `panic`) at the stage
/// `stage` held when it happened.
fn guarded(
    stage: &std::cell::Cell<Stage>,
    path: String,
    len: u64,
    id: String,
    f: impl FnOnce() -> Result<Document, DocError>,
) -> Result<Document, DocError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
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
    })
}

/// The steps after decoding, in order. A chunk of documents goes through them one step at a
/// time (see [`Pipeline::run`]).
#[derive(Clone, Copy)]
enum Step {
    Clean,
    Segment,
    Extract,
    /// The near-duplicate signature and the document's warnings.
    Finish,
}

impl Step {
    const AFTER_DECODE: [Step; 4] = [Step::Clean, Step::Segment, Step::Extract, Step::Finish];

    /// The stage an error in this step is reported under.
    fn stage(self) -> Stage {
        match self {
            Step::Clean => Stage::Clean,
            Step::Segment => Stage::Segment,
            Step::Extract | Step::Finish => Stage::Extract,
        }
    }
}

impl Pipeline {
    /// Builds every stage from its config section: dictionaries, automata, patterns.
    ///
    /// # Errors
    /// `Error::Config`, `Error::Io` or `Error::Dict` for a bad config or data file.
    pub fn new(cfg: &Config) -> Result<Pipeline> {
        cfg.validate()?;
        // The extract stage's own data loads beside the lexicon when a second core is there
        // to take it (on one, the two threads only contend: start-up 7% slower).
        let lexicon = || Lexicon::new(&cfg.segment.user_dict, &cfg.extract.places);
        let parts = || crate::extract::Parts::load(&cfg.extract);
        let (lexicon, parts) = if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
            std::thread::scope(|s| {
                let parts = s.spawn(parts);
                (lexicon(), parts.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            })
        } else {
            (lexicon(), parts())
        };
        let lexicon = Arc::new(lexicon?);
        let parts = parts?;
        Ok(Pipeline {
            decoder: Decoder::new(&cfg.decode, lexicon.clone()),
            cleaner: Cleaner::new(&cfg.clean, lexicon.clone())?,
            segmenter: Segmenter::new(&cfg.segment, lexicon.clone()),
            extractor: Extractor::from_parts(&cfg.extract, lexicon, parts).skipping(&cfg.output.skipped()),
            deduper: Deduper::new(&cfg.dedup),
            dedup: cfg.dedup.clone(),
            run: cfg.run.clone(),
            output: cfg.output.clone(),
            input: cfg.input.clone(),
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
        let (mut r, mut t) = self.decode_timed(raw);
        for step in Step::AFTER_DECODE {
            r = r.and_then(|doc| self.step_timed(step, doc, &mut t));
        }
        (r, t)
    }

    /// Decodes one input: the first step, the one that makes a [`Document`].
    fn decode_timed(&self, raw: RawDoc) -> (Result<Document, DocError>, StageSeconds) {
        let mut t = StageSeconds::default();
        let (path, len, id) = (raw.source_path.clone(), raw.bytes.len() as u64, raw.doc_id());
        let stage = std::cell::Cell::new(Stage::Decode);
        let result = guarded(&stage, path, len, id, || {
            let s = Instant::now();
            let doc = self.decoder.decode(raw)?;
            t.decode = secs(s);
            Ok(doc)
        });
        (result, t)
    }

    /// Runs one step after decoding on `doc`, adding its time to `t`.
    fn step_timed(&self, step: Step, doc: Document, t: &mut StageSeconds) -> Result<Document, DocError> {
        let (path, len, id) = (doc.source_path.clone(), doc.source_bytes, doc.doc_id.clone());
        let stage = std::cell::Cell::new(step.stage());
        guarded(&stage, path, len, id, || {
            let mut doc = doc;
            let s = Instant::now();
            let slot = match step {
                Step::Clean => {
                    self.cleaner.clean(&mut doc);
                    &mut t.clean
                }
                Step::Segment => {
                    self.segmenter.segment(&mut doc);
                    &mut t.segment
                }
                Step::Extract => {
                    self.extractor.extract(&mut doc)?;
                    &mut t.extract
                }
                Step::Finish => {
                    if self.deduper.near() {
                        doc.minhash = self.deduper.signature(&doc.text);
                    }
                    flag(&mut doc);
                    &mut t.dedup
                }
            };
            *slot += secs(s);
            Ok(doc)
        })
    }

    /// Decodes a chunk, then takes it through each later step in turn (on the pool it is
    /// called from).
    ///
    /// Step by step over the chunk rather than document by document: each step's tables
    /// (OpenCC's and the line patterns; jieba's trie and model; the extractors' automata and
    /// lists) stay in the cache across documents. Interleaved, segmenting took a quarter
    /// longer; with clean and segment still sharing a pass, a whole run on one core took 7%
    /// longer (3.75 s against 3.50, medians of six rounds).
    fn process_chunk(&self, chunk: Vec<Result<RawDoc, DocError>>) -> Processed {
        let mut docs: Processed = chunk
            .into_par_iter()
            .map(|r| match r {
                Ok(raw) => self.decode_timed(raw),
                Err(e) => (Err(e), StageSeconds::default()),
            })
            .collect();
        for step in Step::AFTER_DECODE {
            docs = docs
                .into_par_iter()
                .map(|(r, mut t)| (r.and_then(|doc| self.step_timed(step, doc, &mut t)), t))
                .collect();
        }
        docs
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
        sink: S,
        threads: usize,
        shard: Shard,
        progress: &dyn Fn(Progress),
    ) -> Result<(RunReport, S)>
    where
        I: Iterator<Item = Result<RawDoc, DocError>>,
        S: Sink + 'static,
    {
        let plan = Plan::new(threads, shard, &self.dedup);
        let (report, mut sink) = self.run_plan(inputs, sink, plan, progress)?;
        let manifest = serde_json::to_value(&report).map_err(|e| Error::Writer(e.to_string()))?;
        sink.finish(&manifest)?;
        Ok((report, sink))
    }

    /// Runs over `inputs` into the output folder `out` and commits: the tables are replaced
    /// (or, with `opts.incremental`, appended to; with a shard, that shard's parts are
    /// replaced) in one atomic step, so readers see the previous state or the new one. A run
    /// killed before the commit and started again with the same arguments resumes from its
    /// last checkpoint.
    ///
    /// # Errors
    /// `Error::Io` when OUT cannot be written (the committed state is then unchanged), and
    /// the errors of [`Pipeline::run`].
    pub fn run_to(
        &self,
        inputs: &[std::path::PathBuf],
        out: &std::path::Path,
        opts: &RunOptions,
        progress: &dyn Fn(Progress),
    ) -> Result<RunReport> {
        crate::sink::parquet::run_to(self, inputs, out, opts, progress)
    }

    pub(crate) fn config_digest(&self) -> &str {
        &self.digest
    }

    pub(crate) fn run_config(&self) -> &RunConfig {
        &self.run
    }

    pub(crate) fn input_config(&self) -> &InputConfig {
        &self.input
    }

    pub(crate) fn output_config(&self) -> &OutputConfig {
        &self.output
    }

    pub(crate) fn dedup_config(&self) -> &DedupConfig {
        &self.dedup
    }

    pub(crate) fn deduper(&self) -> &Deduper {
        &self.deduper
    }

    /// The run loop (see the module docs), with what a resumed or incremental run skips.
    pub(crate) fn run_plan<I, S>(
        &self,
        inputs: I,
        mut sink: S,
        mut plan: Plan,
        progress: &dyn Fn(Progress),
    ) -> Result<(RunReport, S)>
    where
        I: Iterator<Item = Result<RawDoc, DocError>>,
        S: Sink + 'static,
    {
        let started = SystemTime::now();
        let clock = Instant::now();
        let threads = worker_threads(plan.threads);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("zhetl-worker-{i}"))
            .build()
            .map_err(|e| Error::config("run.threads", e.to_string()))?;
        // The calling thread holds one processed chunk while it waits to send it, so the
        // channel holds one fewer: `in_flight` chunks wait for the writer in all (with
        // `in_flight` 1, a hand-over).
        let (tx, rx) = sync_channel::<Msg>(self.run.in_flight - 1);
        let writer = std::thread::Builder::new()
            .name("zhetl-writer".into())
            .spawn(move || -> Result<(S, f64)> {
                let mut spent = 0.0;
                for msg in rx {
                    let s = Instant::now();
                    match msg {
                        Msg::Chunk(docs, errors) => sink.write(&docs, &errors)?,
                        Msg::Checkpoint(state) => sink.checkpoint(&state)?,
                    }
                    spent += secs(s);
                }
                Ok((sink, spent))
            })
            .map_err(|e| Error::Writer(e.to_string()))?;

        let shard = plan.shard;
        let mut stages = StageSeconds::default();
        let mut p = plan.resumed;
        let mut error_kinds = std::mem::take(&mut plan.error_kinds);
        let (mut exact, mut near) = (plan.exact, plan.near);
        let resumed_inputs = p.inputs;
        let pulled = std::cell::Cell::new(0u64);
        let skipped = std::cell::Cell::new(0u64);
        let skip_first = plan.skip_first;
        let skip_identical = plan.skip_identical;
        let (skip_ids, skip_paths) = (&mut plan.skip_ids, &plan.skip_paths);
        let mut inputs = inputs
            .filter(|r| {
                let path = match r {
                    Ok(raw) => &raw.source_path,
                    Err(e) => &e.source_path,
                };
                shard.accepts(path)
            })
            .filter(|r| {
                pulled.set(pulled.get() + 1);
                if pulled.get() <= skip_first {
                    return false;
                }
                let skip = match r {
                    // The same bytes twice are the same document: one row, whatever the path.
                    Ok(raw) if skip_identical => !skip_ids.insert(xxhash_rust::xxh3::xxh3_128(&raw.bytes)),
                    Ok(_) => false,
                    Err(e) => e.doc_id.is_none() && skip_paths.contains(&e.source_path),
                };
                if skip {
                    skipped.set(skipped.get() + 1);
                }
                !skip
            });
        let mut since_checkpoint = 0u64;
        // The calling thread reads chunk k + 1 and files the results of chunk k while the
        // pool works: done in turn with the processing, reading and filing left a core idle,
        // 6% of a two-thread run's time (`zhetl run -j 2` on the ten-variant corpus).
        pool.in_place_scope(|scope| -> Result<()> {
            let mut running: Option<(Receiver<Processed>, Pulled)> = None;
            loop {
                let s = Instant::now();
                let before = pulled.get();
                let chunk: Vec<Result<RawDoc, DocError>> = inputs.by_ref().take(self.run.chunk_size).collect();
                stages.read += secs(s);
                let n_pulled = pulled.get() - before;
                let next = if chunk.is_empty() && n_pulled == 0 {
                    None
                } else {
                    let bytes: u64 = chunk
                        .iter()
                        .map(|r| match r {
                            Ok(raw) => raw.bytes.len() as u64,
                            Err(e) => e.source_bytes,
                        })
                        .sum();
                    let (done_tx, done_rx) = sync_channel::<Processed>(1);
                    // Never blocks: the channel holds the one message sent.
                    scope.spawn(move |_| {
                        let _ = done_tx.send(self.process_chunk(chunk));
                    });
                    Some((done_rx, Pulled { n: n_pulled, total: pulled.get(), skipped: skipped.get(), bytes }))
                };
                let Some((done, counts)) = std::mem::replace(&mut running, next) else {
                    // Nothing was running: the first chunk has just started, or all is done.
                    if running.is_none() {
                        break;
                    }
                    continue;
                };
                // A panic outside the per-document guards closes the channel; the scope
                // raises it again on this thread once the pool's work is done.
                let Ok(results) = done.recv() else { break };
                let mut docs = Vec::with_capacity(results.len());
                let mut errors = Vec::new();
                let s = Instant::now();
                for (r, t) in results {
                    stages.add(&t);
                    match r {
                        Ok(mut d) => {
                            plan.index.observe(&mut d);
                            docs.push(d);
                        }
                        Err(e) => {
                            *error_kinds.entry(format!("{}:{}", e.stage, e.kind)).or_insert(0u64) += 1;
                            errors.push(e);
                        }
                    }
                }
                stages.dedup += secs(s);
                exact = plan.exact + plan.index.exact_found;
                near = plan.near + plan.index.near_found;
                p.inputs = resumed_inputs + counts.total.saturating_sub(skip_first);
                p.documents += docs.len() as u64;
                p.errors += errors.len() as u64;
                p.bytes += counts.bytes;
                p.skipped = plan.resumed.skipped + counts.skipped;
                since_checkpoint += counts.n;
                if tx.send(Msg::Chunk(docs, errors)).is_err() {
                    break; // the writer failed; its error is collected below
                }
                if since_checkpoint >= plan.checkpoint_every {
                    since_checkpoint = 0;
                    let state = CheckpointState {
                        done: skip_first + counts.total,
                        progress: p,
                        error_kinds: error_kinds.clone(),
                        exact,
                        near,
                    };
                    let state = serde_json::to_value(&state).map_err(|e| Error::Writer(e.to_string()))?;
                    if tx.send(Msg::Checkpoint(state)).is_err() {
                        break;
                    }
                }
                progress(p);
            }
            Ok(())
        })?;
        drop(tx);
        let (sink, write_secs) = writer.join().map_err(|_| Error::Writer("writer thread panicked".into()))??;
        stages.write = write_secs;
        let report = RunReport {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            config_digest: self.digest.clone(),
            started_at: rfc3339(started),
            finished_at: rfc3339(SystemTime::now()),
            wall_seconds: clock.elapsed().as_secs_f64(),
            threads,
            writer_threads: self.output.writer_lanes(threads),
            shard: format!("{}/{}", shard.index, shard.count),
            inputs_seen: p.inputs,
            skipped: p.skipped,
            exact_duplicates: exact,
            near_duplicates: near,
            resumed_inputs,
            incremental: plan.incremental,
            documents_written: p.documents,
            errors: p.errors,
            error_kinds,
            bytes_read: p.bytes,
            stage_seconds: stages,
            accounted: p.inputs == p.documents + p.errors + p.skipped,
            skipped_tables: self.output.skip_tables.clone(),
        };
        Ok((report, sink))
    }
}

/// Worker threads for a requested count: 0 is one per core.
pub(crate) fn worker_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if requested == 0 {
        cores
    } else {
        // The work is CPU-bound: more than a few threads a core only add writer lanes and
        // memory (`-j 10000` on two cores started 3,333 writer threads and took 140 s).
        requested.min(4 * cores)
    }
}

/// A chunk's documents (or the errors that replaced them) with their stage times, in
/// input order.
type Processed = Vec<(Result<Document, DocError>, StageSeconds)>;

/// What the run loop had pulled from its inputs when it took one chunk.
struct Pulled {
    /// Inputs pulled for the chunk (skipped ones included).
    n: u64,
    /// Inputs pulled so far, and of them skipped, counting this chunk.
    total: u64,
    skipped: u64,
    /// Input bytes of the chunk.
    bytes: u64,
}

/// What the run loop sends its writer thread.
enum Msg {
    Chunk(Vec<Document>, Vec<DocError>),
    Checkpoint(serde_json::Value),
}

/// Counts at a checkpoint: what a resumed run starts from.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub(crate) struct CheckpointState {
    /// Inputs of this shard's listing done (resumed ones included).
    pub done: u64,
    pub progress: Progress,
    pub error_kinds: std::collections::BTreeMap<String, u64>,
    pub exact: u64,
    pub near: u64,
}

/// How `Pipeline::run_to` writes into OUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Which part of the inputs this process handles.
    pub shard: Shard,
    /// Append only inputs not committed yet, instead of replacing the tables.
    pub incremental: bool,
}

/// What one run skips and starts from (crate-internal; see `run_plan`).
pub(crate) struct Plan {
    pub threads: usize,
    pub shard: Shard,
    /// Inputs of the listing an interrupted attempt finished.
    pub skip_first: u64,
    /// Raw-byte hashes (doc_ids) not to process again: committed ones, and every input seen.
    pub skip_ids: std::collections::HashSet<u128>,
    /// Paths of committed id-less errors.
    pub skip_paths: std::collections::HashSet<String>,
    pub checkpoint_every: u64,
    /// Skip an input whose bytes equal an earlier one's (`run_to`; off for `run`, whose
    /// callers may feed the same document on purpose, as `zhetl bench` does).
    pub skip_identical: bool,
    pub index: Index,
    pub resumed: Progress,
    pub error_kinds: std::collections::BTreeMap<String, u64>,
    pub exact: u64,
    pub near: u64,
    pub incremental: bool,
}

impl Plan {
    pub fn new(threads: usize, shard: Shard, dedup: &DedupConfig) -> Plan {
        Plan {
            threads,
            shard,
            skip_first: 0,
            skip_ids: Default::default(),
            skip_paths: Default::default(),
            checkpoint_every: u64::MAX,
            skip_identical: false,
            index: Index::new(dedup),
            resumed: Progress::default(),
            error_kinds: Default::default(),
            exact: 0,
            near: 0,
            incremental: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_tables_are_not_computed() {
        let text = "去年10月份以来,村里投入资金6651.85万元,建成产业园3个,带动农户增收致富。";
        let mut cfg = Config::default();
        let full = Pipeline::new(&cfg).unwrap().process_text(text);
        assert!(!full.dates.is_empty() && !full.keywords.is_empty() && !full.quantities.is_empty());
        cfg.output.skip_tables = vec!["dates".into(), "keywords".into()];
        let some = Pipeline::new(&cfg).unwrap().process_text(text);
        assert!(some.dates.is_empty() && some.keywords.is_empty());
        assert_eq!(some.quantities.len(), full.quantities.len());
    }

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
