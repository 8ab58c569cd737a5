//! The committed state of an output folder, and how a run publishes into it.
//!
//! Readers glob `OUT/<table>/*.parquet`, so a commit must swap every table at once. Each
//! commit builds a complete generation and points one symlink at it:
//!
//! ```text
//! OUT/<table>          -> .zhetl/current/<table>          (made once)
//! OUT/_manifest.json   -> .zhetl/current/_manifest.json   (made once)
//! OUT/.zhetl/current   -> gens/g00000000000000000042      (replaced by rename: the commit)
//! OUT/.zhetl/gens/g…/<table>/part-<shard>-<seq>.parquet   (hard links shared across generations)
//! OUT/.zhetl/pending/<run key>/                           (a run's parts until it commits)
//! OUT/.zhetl/lock                                         (held while committing)
//! ```
//!
//! A rename is atomic, so a reader resolves either the old generation or the new one; the
//! previous generation is kept until the next commit, for readers that listed its files
//! just before the swap. A process killed at any moment leaves `current` as it was. Parts are
//! immutable and carried into later generations as hard links, so an incremental commit
//! costs one link per part, not a copy.
//!
//! Commits take an exclusive lock on `.zhetl/lock`, so shards of one job (`--shard I/N` on
//! N machines sharing OUT) commit one after another, each adding its parts to what the
//! others committed.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use crate::error::{Error, Result};
use crate::sink::Table;

/// Name of the commit marker.
pub const MANIFEST: &str = "_manifest.json";
/// The state folder inside OUT.
const STATE: &str = ".zhetl";
/// Runs kept in the manifest's history.
const HISTORY: usize = 200;

/// Which committed parts a commit keeps beside its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Keep {
    /// None: the run replaces the tables.
    Nothing,
    /// All of them: the run appends (`--incremental`).
    All,
    /// Those of the other shards of the same split: shard `label` replaces only its own.
    OtherShards { label: String, count: u32 },
}

/// One output folder.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    out: PathBuf,
    state: PathBuf,
}

/// What is committed, as far as deciding what to skip needs it.
#[derive(Debug, Default)]
pub(crate) struct Committed {
    /// doc_ids in `documents` and `errors`.
    pub ids: HashSet<u128>,
    /// Source paths of committed errors that have no doc_id (unreadable files).
    pub paths: HashSet<String>,
}

impl Committed {
    /// Adds the doc_ids (and, for rows without one, the source paths) of `documents` or
    /// `errors` parts.
    ///
    /// # Errors
    /// `Error::Io` or `Error::Parquet` when a part cannot be read.
    pub fn read(&mut self, parts: impl IntoIterator<Item = PathBuf>) -> Result<()> {
        for path in parts {
            for_each_row(&path, &["doc_id", "source_path"], |cols| {
                let ids = cols[0].as_any().downcast_ref::<StringArray>();
                let paths = cols.get(1).and_then(|p| p.as_any().downcast_ref::<StringArray>());
                for i in 0..cols[0].len() {
                    match ids.filter(|a| a.is_valid(i)).and_then(|a| parse_id(a.value(i))) {
                        Some(id) => {
                            self.ids.insert(id);
                        }
                        None => {
                            if let Some(p) = paths {
                                self.paths.insert(p.value(i).to_string());
                            }
                        }
                    }
                }
            })?;
        }
        Ok(())
    }
}

impl Store {
    /// Opens (creating if needed) OUT and its state folder.
    ///
    /// # Errors
    /// `Error::Io` when OUT cannot be created or is not writable.
    pub fn open(out: &Path) -> Result<Store> {
        let state = out.join(STATE);
        for d in [state.join("gens"), state.join("pending")] {
            fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
        }
        // Fail now, not after hours of work, when OUT is read-only.
        let probe = state.join(format!(".probe-{}", std::process::id()));
        File::create(&probe).map_err(|e| Error::io(&state, e))?;
        let _ = fs::remove_file(&probe);
        Ok(Store { out: out.to_path_buf(), state })
    }

    /// The folder of a pending run.
    pub fn pending(&self, key: &str) -> PathBuf {
        self.state.join("pending").join(key)
    }

    /// The current generation's folder, if anything was committed.
    fn current(&self) -> Option<PathBuf> {
        let link = self.state.join("current");
        let target = fs::read_link(&link).ok()?;
        Some(self.state.join(target))
    }

    /// The committed manifest.
    pub fn manifest(&self) -> Option<serde_json::Value> {
        let text = fs::read_to_string(self.current()?.join(MANIFEST)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Committed parts per table, as file names.
    pub fn parts(&self) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        if let Some(m) = self.manifest() {
            if let Some(obj) = m.get("parts").and_then(|p| p.as_object()) {
                for (t, list) in obj {
                    let names = list.as_array().into_iter().flatten().filter_map(|v| v.as_str()).map(String::from);
                    out.insert(t.clone(), names.collect());
                }
            }
        }
        out
    }

    /// Path of a committed part.
    pub fn part_path(&self, table: &str, name: &str) -> Option<PathBuf> {
        Some(self.current()?.join(table).join(name))
    }

    /// doc_ids and id-less error paths committed so far.
    ///
    /// # Errors
    /// `Error::Io` or `Error::Parquet` when a committed part cannot be read.
    pub fn committed(&self) -> Result<Committed> {
        let mut c = Committed::default();
        let parts = self.parts();
        let paths = ["documents", "errors"].into_iter().flat_map(|table| {
            parts.get(table).into_iter().flatten().filter_map(move |name| self.part_path(table, name))
        });
        c.read(paths)?;
        Ok(c)
    }

    /// Publishes a new generation: the committed parts `keep` selects plus `own` (files in a
    /// pending folder, by table), with `manifest` (the run's report; history and the parts
    /// list are added here). Returns the parts of the new generation.
    ///
    /// # Errors
    /// `Error::Io` when OUT cannot be written; the committed state is then unchanged.
    pub fn commit(
        &self,
        own: &BTreeMap<String, Vec<(PathBuf, String)>>,
        keep: &Keep,
        mut manifest: serde_json::Value,
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let io = |p: &Path, e| Error::io(p, e);
        let lock_path = self.state.join("lock");
        let lock = File::create(&lock_path).map_err(|e| io(&lock_path, e))?;
        lock.lock().map_err(|e| io(&lock_path, e))?;
        let previous = self.manifest();
        let old_parts = self.parts();
        let current = self.current();
        let gen_no = previous.as_ref().and_then(|m| m.get("generation")).and_then(|g| g.as_u64()).unwrap_or(0) + 1;
        let name = format!("g{gen_no:020}");
        let gen = self.state.join("gens").join(&name);
        if gen.exists() {
            fs::remove_dir_all(&gen).map_err(|e| io(&gen, e))?;
        }
        let mut parts: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in Table::ALL {
            let table = t.name();
            let dir = gen.join(table);
            fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
            let list = parts.entry(table.to_string()).or_default();
            if let Some(cur) = &current {
                for p in old_parts.get(table).into_iter().flatten() {
                    if keeps(keep, p) && !own.get(table).is_some_and(|o| o.iter().any(|(_, n)| n == p)) {
                        fs::hard_link(cur.join(table).join(p), dir.join(p)).map_err(|e| io(&dir.join(p), e))?;
                        list.push(p.clone());
                    }
                }
            }
            for (src, n) in own.get(table).into_iter().flatten() {
                fs::hard_link(src, dir.join(n)).map_err(|e| io(&dir.join(n), e))?;
                list.push(n.clone());
            }
            list.sort();
        }
        if let Some(obj) = manifest.as_object_mut() {
            // The parts this run added: what "only the newest run" reads (README).
            let added: BTreeMap<&String, Vec<&String>> =
                own.iter().map(|(t, list)| (t, list.iter().map(|(_, n)| n).collect())).collect();
            obj.insert("added_parts".into(), serde_json::to_value(&added).unwrap_or_default());
            let mut history: Vec<serde_json::Value> = previous
                .as_ref()
                .and_then(|m| m.get("history"))
                .and_then(|h| h.as_array())
                .cloned()
                .unwrap_or_default();
            let mut entry = obj.clone();
            entry.remove("history");
            entry.remove("parts");
            history.push(serde_json::Value::Object(entry));
            if history.len() > HISTORY {
                history.drain(..history.len() - HISTORY);
            }
            obj.insert("generation".into(), gen_no.into());
            obj.insert("history".into(), history.into());
            obj.insert("parts".into(), serde_json::to_value(&parts).unwrap_or_default());
        }
        let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::Writer(e.to_string()))?;
        let mpath = gen.join(MANIFEST);
        let mut f = File::create(&mpath).map_err(|e| io(&mpath, e))?;
        f.write_all(text.as_bytes()).and_then(|_| f.sync_all()).map_err(|e| io(&mpath, e))?;
        sync_dir(&gen);
        // The commit: one rename of a symlink.
        let tmp = self.state.join(format!(".current-{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        std::os::unix::fs::symlink(Path::new("gens").join(&name), &tmp).map_err(|e| io(&tmp, e))?;
        fs::rename(&tmp, self.state.join("current")).map_err(|e| io(&self.state, e))?;
        sync_dir(&self.state);
        self.link_tables()?;
        // Older generations than the previous one have no reader left to serve.
        let prev_name = current.as_ref().and_then(|c| c.file_name()).map(|n| n.to_string_lossy().into_owned());
        if let Ok(rd) = fs::read_dir(self.state.join("gens")) {
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n != name && Some(&n) != prev_name.as_ref() {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        drop(lock);
        Ok(parts)
    }

    /// Makes `OUT/<table>` and `OUT/_manifest.json` point into the current generation,
    /// replacing folders an older zhetl wrote there.
    fn link_tables(&self) -> Result<()> {
        let names = Table::ALL.iter().map(|t| t.name()).chain([MANIFEST]);
        for n in names {
            let path = self.out.join(n);
            let target = Path::new(STATE).join("current").join(n);
            if fs::read_link(&path).is_ok_and(|t| t == target) {
                continue;
            }
            let tmp = self.out.join(format!(".{n}.link-{}", std::process::id()));
            let _ = fs::remove_file(&tmp);
            std::os::unix::fs::symlink(&target, &tmp).map_err(|e| Error::io(&tmp, e))?;
            if path.is_dir() && fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
            }
            fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}

pub(crate) fn keeps(keep: &Keep, part: &str) -> bool {
    match keep {
        Keep::Nothing => false,
        Keep::All => true,
        Keep::OtherShards { label, count } => {
            let shard = part.strip_prefix("part-").and_then(|r| r.split('-').next()).unwrap_or("");
            shard != label && shard.split_once("of").is_some_and(|(_, n)| n == count.to_string())
        }
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Parses a contract doc_id (32 hex digits).
pub(crate) fn parse_id(s: &str) -> Option<u128> {
    (s.len() == 32).then(|| u128::from_str_radix(s, 16).ok()).flatten()
}

/// Reads the named columns of a Parquet file batch by batch (columns it lacks are left out).
pub(crate) fn for_each_row(path: &Path, columns: &[&str], mut f: impl FnMut(&[arrow::array::ArrayRef])) -> Result<()> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
    let schema = builder.parquet_schema();
    let wanted: Vec<usize> =
        columns.iter().filter_map(|c| (0..schema.num_columns()).find(|&i| schema.column(i).name() == *c)).collect();
    let mask = ProjectionMask::leaves(schema, wanted);
    let reader = builder.with_projection(mask).build()?;
    for batch in reader {
        let batch = batch.map_err(|e| Error::Writer(e.to_string()))?;
        let cols: Vec<arrow::array::ArrayRef> =
            columns.iter().filter_map(|c| batch.column_by_name(c).cloned()).collect();
        f(&cols);
    }
    Ok(())
}
