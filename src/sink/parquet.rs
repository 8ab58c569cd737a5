//! Parquet output: one folder per table, zstd-compressed parts, `_manifest.json` last.
//!
//! Parts are written into a staging folder inside OUT (`OUT/.staging-<pid>-<time>`). On
//! `finish` the previous manifest is removed first (so a crash from here on leaves OUT
//! visibly incomplete), the staged table folders replace the old ones by rename, and the new
//! manifest is written to a temporary name and renamed into place. A reader that finds no
//! `_manifest.json` must treat OUT as incomplete (CONTRACT.md).
//!
//! Memory: each table's writer buffers at most one row group; it is flushed when its
//! encoded size passes `output.row_group_bytes` or it reaches `output.row_group_rows`.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::schema::{batches, Table};
use super::Sink;
use crate::config::OutputConfig;
use crate::document::Document;
use crate::error::{DocError, Error, Result};

struct TableWriter {
    table: Table,
    writer: Option<ArrowWriter<BufWriter<File>>>,
    rows_in_part: usize,
    seq: usize,
    /// Paths of finished parts, relative to OUT.
    parts: Vec<String>,
}

/// Writes the tables as Parquet under one output folder.
pub struct ParquetSink {
    out: PathBuf,
    staging: PathBuf,
    shard: String,
    props: WriterProperties,
    row_group_bytes: usize,
    part_rows: usize,
    tables: Vec<TableWriter>,
}

/// Name of the commit marker.
pub const MANIFEST: &str = "_manifest.json";

impl ParquetSink {
    /// Prepares OUT and a staging folder inside it. `shard` names the parts
    /// (`part-<shard>-<seq>.parquet`).
    ///
    /// # Errors
    /// `Error::Io` when OUT cannot be created or written.
    pub fn new(out: &Path, shard: &str, cfg: &OutputConfig) -> Result<ParquetSink> {
        fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let staging = out.join(format!(".staging-{}-{stamp}", std::process::id()));
        for t in Table::ALL {
            let dir = staging.join(t.name());
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let level = ZstdLevel::try_new(cfg.zstd_level)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_max_row_group_size(cfg.row_group_rows)
            .set_created_by(format!("zhetl {}", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(ParquetSink {
            out: out.to_path_buf(),
            staging,
            shard: shard.to_string(),
            props,
            row_group_bytes: cfg.row_group_bytes,
            part_rows: cfg.part_rows,
            tables: Table::ALL
                .iter()
                .map(|&table| TableWriter { table, writer: None, rows_in_part: 0, seq: 0, parts: Vec::new() })
                .collect(),
        })
    }

    fn part_name(&self, t: &TableWriter) -> String {
        format!("{}/part-{}-{:05}.parquet", t.table.name(), self.shard, t.seq)
    }

    fn open(&self, t: &TableWriter) -> Result<ArrowWriter<BufWriter<File>>> {
        let path = self.staging.join(self.part_name(t));
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(ArrowWriter::try_new(BufWriter::with_capacity(1 << 20, file), t.table.schema(), Some(self.props.clone()))?)
    }

    fn close(&mut self, i: usize) -> Result<()> {
        if let Some(w) = self.tables[i].writer.take() {
            let name = self.part_name(&self.tables[i]);
            let mut inner = w.into_inner()?;
            inner.flush().map_err(|e| Error::io(self.staging.join(&name), e))?;
            let t = &mut self.tables[i];
            t.parts.push(name);
            t.seq += 1;
            t.rows_in_part = 0;
        }
        Ok(())
    }

    /// Removes the staging folder; used when a run fails before `finish`.
    pub fn abort(&mut self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

impl Sink for ParquetSink {
    fn write(&mut self, docs: &[Document], errors: &[DocError]) -> Result<()> {
        for (i, (table, batch)) in batches(docs, errors)?.into_iter().enumerate() {
            debug_assert_eq!(self.tables[i].table, table);
            if batch.num_rows() == 0 {
                continue;
            }
            if self.tables[i].writer.is_none() {
                let w = self.open(&self.tables[i])?;
                self.tables[i].writer = Some(w);
            }
            let t = &mut self.tables[i];
            let w = t.writer.as_mut().expect("invariant: opened above");
            w.write(&batch)?;
            if w.in_progress_size() > self.row_group_bytes {
                w.flush()?;
            }
            t.rows_in_part += batch.num_rows();
            if t.rows_in_part >= self.part_rows {
                self.close(i)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, manifest: &serde_json::Value) -> Result<()> {
        for i in 0..self.tables.len() {
            // Every table gets at least one part, so readers find its schema.
            if self.tables[i].writer.is_none() && self.tables[i].parts.is_empty() {
                let w = self.open(&self.tables[i])?;
                self.tables[i].writer = Some(w);
            }
            self.close(i)?;
        }
        let io = |p: &Path, e| Error::io(p, e);
        let marker = self.out.join(MANIFEST);
        if marker.exists() {
            fs::remove_file(&marker).map_err(|e| io(&marker, e))?;
        }
        for t in Table::ALL {
            let dest = self.out.join(t.name());
            if dest.exists() {
                fs::remove_dir_all(&dest).map_err(|e| io(&dest, e))?;
            }
            let src = self.staging.join(t.name());
            fs::rename(&src, &dest).map_err(|e| io(&src, e))?;
        }
        fs::remove_dir_all(&self.staging).map_err(|e| io(&self.staging, e))?;
        let mut m = manifest.clone();
        if let Some(obj) = m.as_object_mut() {
            let parts: serde_json::Map<String, serde_json::Value> =
                self.tables.iter().map(|t| (t.table.name().to_string(), serde_json::json!(t.parts))).collect();
            obj.insert("parts".into(), serde_json::Value::Object(parts));
        }
        let tmp = self.out.join(format!(".{MANIFEST}.tmp"));
        let text = serde_json::to_string_pretty(&m).map_err(|e| Error::Writer(e.to_string()))?;
        let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(text.as_bytes()).and_then(|_| f.sync_all()).map_err(|e| io(&tmp, e))?;
        fs::rename(&tmp, &marker).map_err(|e| io(&marker, e))?;
        Ok(())
    }
}
