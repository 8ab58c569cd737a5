//! Parquet output: one folder per table, zstd-compressed parts, committed through
//! [`Store`](crate::store::Store) so that readers never see a half-written state.
//!
//! A run writes its parts into its pending folder (`OUT/.zhetl/pending/<run key>`), where the
//! run key digests the inputs, the config, the shard and the mode: the same command gets the
//! same folder. Every `run.checkpoint_inputs` inputs the open parts are closed and a line is
//! appended to `checkpoints.log` naming the finished parts and the counts so far. A run that
//! finds such a log resumes after its last checkpoint (parts written after it are deleted);
//! a finished run commits its parts and deletes the folder.
//!
//! With `output.writer_threads` above one, each writer thread (lane) has its own open part
//! per table and takes a run of consecutive documents from every chunk.
//!
//! Memory: each table's writer buffers at most one row group; it is flushed when its
//! encoded size passes `output.row_group_bytes` (divided among the lanes) or it reaches
//! `output.row_group_rows`.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow::array::{Array, StringArray};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use super::schema::{batches, writer_properties, Table};
use super::Sink;
use crate::config::OutputConfig;
use crate::dedup::text_hash64;
use crate::document::Document;
use crate::error::{DocError, Error, Result};
use crate::pipeline::{CheckpointState, Pipeline, Plan, Progress, RunOptions, RunReport};
use crate::source::Source;
use crate::store::{for_each_row, keeps, Committed, Keep, Store};

/// The checkpoint log in a pending folder.
const LOG: &str = "checkpoints.log";

/// One table's open part in one lane.
struct TableWriter {
    table: Table,
    writer: Option<ArrowWriter<BufWriter<File>>>,
    rows_in_part: usize,
    /// Number of this lane's next part of the table. Lane `l` of `n` numbers its parts
    /// `base + l`, `base + l + n` …, so lanes never collide and need not coordinate.
    seq: usize,
    /// Names of finished parts.
    parts: Vec<String>,
}

/// One line of `checkpoints.log`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    /// Finished parts per table.
    parts: BTreeMap<String, Vec<String>>,
    /// Next part number per table.
    seq: BTreeMap<String, usize>,
    /// Generation committed when the run started.
    generation: u64,
    state: CheckpointState,
}

/// Where and how parts are written; shared by the lanes.
struct Parts {
    pending: PathBuf,
    label: String,
    props: WriterProperties,
    /// `output.row_group_bytes` divided among the lanes, so that memory stays what the
    /// config says whatever the number of writer threads.
    row_group_bytes: usize,
    part_rows: usize,
    /// Writer threads: the step between one lane's part numbers.
    lanes: usize,
}

impl Parts {
    fn part_name(&self, t: &TableWriter) -> String {
        format!("part-{}-{:05}.parquet", self.label, t.seq)
    }

    fn open(&self, t: &TableWriter) -> Result<ArrowWriter<BufWriter<File>>> {
        let path = self.pending.join(t.table.name()).join(self.part_name(t));
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(ArrowWriter::try_new(BufWriter::with_capacity(1 << 20, file), t.table.schema(), Some(self.props.clone()))?)
    }

    fn close(&self, t: &mut TableWriter) -> Result<()> {
        if let Some(w) = t.writer.take() {
            let name = self.part_name(t);
            let path = self.pending.join(t.table.name()).join(&name);
            let inner = w.into_inner()?;
            let file = inner.into_inner().map_err(|e| Error::io(&path, e.into_error()))?;
            file.sync_all().map_err(|e| Error::io(&path, e))?;
            t.parts.push(name);
            t.seq += self.lanes;
            t.rows_in_part = 0;
        }
        Ok(())
    }

    /// Appends batches to one lane's open parts, opening, flushing and closing parts as
    /// the limits say.
    fn write_batches(
        &self,
        lane: &mut [TableWriter],
        batches: impl Iterator<Item = Result<(Table, RecordBatch)>>,
    ) -> Result<()> {
        for b in batches {
            let (table, batch) = b?;
            let t = &mut lane[table.index()];
            debug_assert_eq!(t.table, table);
            if batch.num_rows() == 0 {
                continue;
            }
            if t.writer.is_none() {
                t.writer = Some(self.open(t)?);
            }
            let w = t.writer.as_mut().expect("invariant: opened above");
            w.write(&batch)?;
            if w.in_progress_size() > self.row_group_bytes {
                w.flush()?;
            }
            t.rows_in_part += batch.num_rows();
            if t.rows_in_part >= self.part_rows {
                self.close(t)?;
            }
        }
        Ok(())
    }
}

/// Writes the tables as Parquet parts into a pending folder, with one lane of open parts
/// per writer thread.
pub(crate) struct ParquetSink {
    parts: Parts,
    generation: u64,
    /// `output.skip_tables`.
    skip: Vec<Table>,
    /// Per lane, per table in [`Table::ALL`] order.
    lanes: Vec<Vec<TableWriter>>,
    /// Tables the commit keeps committed parts of: they need no empty part of ours.
    kept: std::collections::BTreeSet<String>,
}

impl ParquetSink {
    /// A sink writing into `pending` with `lanes` writer threads, continuing from `resume`
    /// (parts and numbering).
    fn new(
        pending: &Path,
        label: &str,
        cfg: &OutputConfig,
        lanes: usize,
        resume: Option<&Checkpoint>,
        seq_start: &BTreeMap<String, usize>,
        generation: u64,
    ) -> Result<ParquetSink> {
        for t in Table::ALL {
            let dir = pending.join(t.name());
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let lanes = lanes.max(1);
        let lane_tables = (0..lanes)
            .map(|l| {
                Table::ALL
                    .iter()
                    .map(|&table| {
                        let name = table.name();
                        let (parts, seq) = match resume {
                            Some(c) => {
                                (c.parts.get(name).cloned().unwrap_or_default(), c.seq.get(name).copied().unwrap_or(0))
                            }
                            None => (Vec::new(), seq_start.get(name).copied().unwrap_or(0)),
                        };
                        // Parts finished before a resume belong to the first lane's list.
                        let parts = if l == 0 { parts } else { Vec::new() };
                        TableWriter { table, writer: None, rows_in_part: 0, seq: seq + l, parts }
                    })
                    .collect()
            })
            .collect();
        Ok(ParquetSink {
            parts: Parts {
                pending: pending.to_path_buf(),
                label: label.to_string(),
                props: writer_properties(cfg)?,
                row_group_bytes: (cfg.row_group_bytes / lanes).max(1),
                part_rows: cfg.part_rows,
                lanes,
            },
            generation,
            skip: cfg.skipped(),
            lanes: lane_tables,
            kept: Default::default(),
        })
    }

    /// Finished parts per table, as (path, name), every lane's.
    fn own_parts(&self) -> BTreeMap<String, Vec<(PathBuf, String)>> {
        Table::ALL
            .iter()
            .map(|t| {
                let dir = self.parts.pending.join(t.name());
                let names = self.part_names(*t);
                (t.name().to_string(), names.into_iter().map(|n| (dir.join(&n), n)).collect())
            })
            .collect()
    }

    /// Every lane's finished parts of `table`, by name.
    fn part_names(&self, table: Table) -> Vec<String> {
        let mut names: Vec<String> = self.lanes.iter().flat_map(|l| l[table.index()].parts.iter().cloned()).collect();
        names.sort();
        names
    }

    /// Closes every open part, the lanes at once (each close ends in an fsync).
    fn close_all(&mut self) -> Result<()> {
        let parts = &self.parts;
        super::write_in_lanes(&mut self.lanes, &[], &[], |lane, _, _| lane.iter_mut().try_for_each(|t| parts.close(t)))
    }
}

impl Sink for ParquetSink {
    fn write(&mut self, docs: &[Document], errors: &[DocError]) -> Result<()> {
        let (parts, skip) = (&self.parts, &self.skip);
        super::write_in_lanes(&mut self.lanes, docs, errors, |lane, d, e| {
            parts.write_batches(lane, batches(d, e, skip))
        })
    }

    fn checkpoint(&mut self, state: &serde_json::Value) -> Result<()> {
        self.close_all()?;
        // The lanes number on from a common base, as a run resumed from this checkpoint
        // will: the same parts then get the same names either way.
        for table in Table::ALL {
            let i = table.index();
            let base = self.lanes.iter().map(|l| l[i].seq).max().unwrap_or(0);
            for (l, lane) in self.lanes.iter_mut().enumerate() {
                lane[i].seq = base + l;
            }
        }
        let state: CheckpointState = serde_json::from_value(state.clone()).map_err(|e| Error::Writer(e.to_string()))?;
        let c = Checkpoint {
            parts: Table::ALL.iter().map(|&t| (t.name().to_string(), self.part_names(t))).collect(),
            seq: Table::ALL.iter().map(|&t| (t.name().to_string(), self.lanes[0][t.index()].seq)).collect(),
            generation: self.generation,
            state,
        };
        let line = serde_json::to_string(&c).map_err(|e| Error::Writer(e.to_string()))?;
        let path = self.parts.pending.join(LOG);
        let mut f = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| Error::io(&path, e))?;
        writeln!(f, "{line}").and_then(|_| f.sync_all()).map_err(|e| Error::io(&path, e))?;
        Ok(())
    }

    fn finish(&mut self, _: &serde_json::Value) -> Result<()> {
        for table in Table::ALL {
            // Every table gets at least one part, so readers find its schema.
            let i = table.index();
            let none = self.lanes.iter().all(|l| l[i].writer.is_none() && l[i].parts.is_empty());
            if none && !self.kept.contains(table.name()) {
                let t = &mut self.lanes[0][i];
                t.writer = Some(self.parts.open(t)?);
            }
        }
        self.close_all()
    }
}

/// The last complete checkpoint of a pending folder; a torn last line is ignored, and so is
/// a checkpoint whose parts are not all there (a run killed while it removed its pending
/// folder after the commit): the run then starts afresh rather than fail on a missing part.
fn last_checkpoint(pending: &Path) -> Option<Checkpoint> {
    let f = File::open(pending.join(LOG)).ok()?;
    let c: Checkpoint =
        BufReader::new(f).lines().map_while(|l| l.ok()).filter_map(|l| serde_json::from_str(&l).ok()).last()?;
    let whole = c.parts.iter().all(|(table, names)| names.iter().all(|n| pending.join(table).join(n).is_file()));
    whole.then_some(c)
}

/// Part numbers a run starts from so that its names do not collide with parts it keeps.
fn next_seq(parts: &BTreeMap<String, Vec<String>>, label: &str) -> BTreeMap<String, usize> {
    let prefix = format!("part-{label}-");
    parts
        .iter()
        .map(|(t, names)| {
            let next = names
                .iter()
                .filter_map(|n| n.strip_prefix(&prefix)?.strip_suffix(".parquet")?.parse::<usize>().ok())
                .max()
                .map_or(0, |m| m + 1);
            (t.clone(), next)
        })
        .collect()
}

/// Feeds the documents of some `documents` parts to the duplicate index.
fn remember(pipeline: &Pipeline, plan: &mut Plan, paths: &[PathBuf]) -> Result<()> {
    let deduper = pipeline.deduper();
    for path in paths {
        for_each_row(path, &["doc_id", "text"], |cols| {
            let (Some(ids), Some(texts)) = (
                cols[0].as_any().downcast_ref::<StringArray>(),
                cols.get(1).and_then(|c| c.as_any().downcast_ref::<StringArray>()),
            ) else {
                return;
            };
            for i in 0..ids.len() {
                let (id, text) = (ids.value(i), texts.value(i));
                let sig = if deduper.near() { deduper.signature(text) } else { Vec::new() };
                plan.index.remember(id, text_hash64(text), &sig);
            }
        })?;
    }
    Ok(())
}

/// `Pipeline::run_to`: plan, run, commit.
pub(crate) fn run_to(
    pipeline: &Pipeline,
    inputs: &[PathBuf],
    out: &Path,
    opts: &RunOptions,
    progress: &dyn Fn(Progress),
) -> Result<RunReport> {
    let store = Store::open(out)?;
    let cfg = pipeline.run_config();
    let shard = opts.shard;
    let label = format!("{}of{}", shard.index, shard.count);
    let keep = if opts.incremental {
        Keep::All
    } else if shard.count > 1 {
        Keep::OtherShards { label: label.clone(), count: shard.count }
    } else {
        Keep::Nothing
    };
    let mut roots: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    roots.sort();
    roots.dedup();
    let key_text = format!("{roots:?}|{}|{label}|{}", pipeline.config_digest(), opts.incremental);
    let key = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key_text.as_bytes()));
    let pending = store.pending(&key);
    let generation = store.manifest().and_then(|m| m.get("generation")?.as_u64()).unwrap_or(0);
    let mut resume = last_checkpoint(&pending);
    // An incremental run resumes only onto the state it started from.
    if resume.as_ref().is_some_and(|c| opts.incremental && shard.count == 1 && c.generation != generation) {
        resume = None;
    }
    match &resume {
        Some(c) => {
            // Parts written after the last checkpoint are incomplete: delete them.
            for t in Table::ALL {
                let dir = pending.join(t.name());
                let listed = c.parts.get(t.name());
                for e in fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if !listed.is_some_and(|l| l.contains(&n)) {
                        let _ = fs::remove_file(e.path());
                    }
                }
            }
        }
        None => {
            if pending.exists() {
                fs::remove_dir_all(&pending).map_err(|e| Error::io(&pending, e))?;
            }
        }
    }
    fs::create_dir_all(&pending).map_err(|e| Error::io(&pending, e))?;

    let mut plan = Plan::new(opts.threads, shard, pipeline.dedup_config());
    plan.checkpoint_every = cfg.checkpoint_inputs as u64;
    plan.skip_identical = true;
    plan.incremental = opts.incremental;
    let committed_parts = store.parts();
    if opts.incremental {
        let committed = store.committed()?;
        plan.skip_ids = committed.ids;
        plan.skip_paths = committed.paths;
        let docs: Vec<PathBuf> = committed_parts
            .get("documents")
            .into_iter()
            .flatten()
            .filter_map(|n| store.part_path("documents", n))
            .collect();
        remember(pipeline, &mut plan, &docs)?;
    }
    if let Some(c) = &resume {
        plan.skip_first = c.state.done;
        plan.resumed = c.state.progress;
        plan.error_kinds = c.state.error_kinds.clone();
        plan.exact = c.state.exact;
        plan.near = c.state.near;
        let part_paths = |table: &str| -> Vec<PathBuf> {
            c.parts.get(table).into_iter().flatten().map(|n| pending.join(table).join(n)).collect()
        };
        let docs = part_paths("documents");
        remember(pipeline, &mut plan, &docs)?;
        // Inputs done before the checkpoint, documents and errors, are seen already: a later
        // copy of their bytes is skipped as in an uninterrupted run.
        let mut done = Committed::default();
        done.read(docs.into_iter().chain(part_paths("errors")))?;
        plan.skip_ids.extend(done.ids);
    }
    let seq_start = if keep == Keep::All { next_seq(&committed_parts, &label) } else { BTreeMap::new() };
    let workers = crate::pipeline::worker_threads(opts.threads);
    let out_cfg = pipeline.output_config();
    let lanes = out_cfg.writer_lanes(workers);
    let mut sink = ParquetSink::new(&pending, &label, out_cfg, lanes, resume.as_ref(), &seq_start, generation)?;
    sink.kept = committed_parts
        .iter()
        .filter(|(_, names)| names.iter().any(|n| keeps(&keep, n)))
        .map(|(t, _)| t.clone())
        .collect();
    // The output folder is not read as input when it lies inside one (run in -o in/out).
    let source = Source::with_input(inputs, cfg.max_file_bytes, pipeline.input_config()).excluding(out);
    let replaces = keep == Keep::Nothing && store.manifest().is_some();
    let finished = pipeline.run_plan(source, sink, plan, progress).and_then(|(report, mut sink)| {
        if report.inputs_seen == 0 && replaces {
            return Err(Error::NoInput(roots.join(", ")));
        }
        let manifest = serde_json::to_value(&report).map_err(|e| Error::Writer(e.to_string()))?;
        sink.finish(&manifest)?;
        store.commit(&sink.own_parts(), &keep, manifest)?;
        Ok(report)
    });
    // A run that failed (a full disk, most often) takes its parts with it: left, they kept
    // the disk full and every later run failed too. A run killed keeps them to resume.
    let report = match finished {
        Ok(r) => r,
        Err(e) => {
            let _ = fs::remove_dir_all(&pending);
            return Err(e);
        }
    };
    // The checkpoint log first: a run killed while the folder goes finds no checkpoint
    // rather than one whose parts are half deleted.
    let _ = fs::remove_file(pending.join(LOG));
    let _ = fs::remove_dir_all(&pending);
    Ok(report)
}
