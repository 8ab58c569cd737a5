//! Lazy, sequential listing of inputs: files and folders walked recursively, one folder's
//! entries at a time, in sorted order so that runs are repeatable whatever the file system
//! returns. Nothing is read ahead: memory holds only the open folders' listings.
//!
//! A file that cannot be read is not a crash but a `DocError` (stage `read`), which the
//! pipeline turns into an `errors` row. Compressed files, archives, JSON Lines and XML
//! record dumps are expanded as streams (see `formats`).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::InputConfig;
use crate::document::RawDoc;
use crate::error::{DocError, Stage};
use crate::formats::{kind_of, Kind};

/// Iterator over the inputs named on the command line.
pub struct Source {
    /// Roots not yet visited, in reverse order (popped from the end).
    roots: Vec<PathBuf>,
    /// Open folders, outermost first: each one's canonical path (a folder reached again
    /// through a link inside it would be walked without end) and its remaining sorted
    /// entries, reversed.
    stack: Vec<(PathBuf, Vec<PathBuf>)>,
    max_bytes: u64,
    input: InputConfig,
    /// The container being expanded, if any.
    open: Option<std::sync::mpsc::Receiver<Result<RawDoc, DocError>>>,
    /// A folder not to walk (canonical): the run's own output.
    excluded: Option<PathBuf>,
}

impl Source {
    /// Lists `inputs` (files or folders). Files larger than `max_bytes` are reported as
    /// errors rather than read.
    pub fn new(inputs: &[PathBuf], max_bytes: u64) -> Source {
        // Sorted and deduplicated, so that the order of inputs on the command line does not
        // change the output.
        let mut roots = inputs.to_vec();
        roots.sort();
        roots.dedup();
        roots.reverse();
        Source { roots, stack: Vec::new(), max_bytes, input: InputConfig::default(), open: None, excluded: None }
    }

    /// Leaves the folder `dir` out of the walk, wherever it is met (a run's output inside its
    /// input would read its own tables back as documents).
    pub fn excluding(self, dir: &Path) -> Source {
        Source { excluded: fs::canonicalize(dir).ok(), ..self }
    }

    /// Like [`Source::new`], with the `[input]` settings for records.
    pub fn with_input(inputs: &[PathBuf], max_bytes: u64, input: &InputConfig) -> Source {
        Source { input: input.clone(), ..Source::new(inputs, max_bytes) }
    }

    fn next_path(&mut self) -> Option<Result<PathBuf, DocError>> {
        loop {
            let path = match self.stack.last_mut() {
                Some((_, level)) => match level.pop() {
                    Some(p) => p,
                    None => {
                        self.stack.pop();
                        continue;
                    }
                },
                None => self.roots.pop()?,
            };
            let meta = match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => return Some(Err(read_error(&path, "io", e.to_string(), 0))),
            };
            if meta.is_dir() {
                let real = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if self.excluded.as_ref() == Some(&real) {
                    continue;
                }
                // The folder holds one being read (a link to an ancestor, or to the root).
                if self.stack.iter().any(|(d, _)| d.starts_with(&real)) {
                    let msg = format!("a link back to {}, which holds a folder being read: not read", real.display());
                    return Some(Err(read_error(&path, "loop", msg, 0)));
                }
                match list_dir(&path) {
                    Ok(entries) => {
                        self.stack.push((real, entries));
                    }
                    Err(e) => return Some(Err(read_error(&path, "io", e.to_string(), 0))),
                }
                continue;
            }
            // A FIFO would block the run for ever, and a device (/dev/zero) never ends.
            if !meta.is_file() {
                let msg = "not a regular file (a FIFO, socket or device): not read".to_string();
                return Some(Err(read_error(&path, "not_a_file", msg, 0)));
            }
            return Some(Ok(path));
        }
    }
}

/// A folder's entries, sorted by name and reversed for popping; hidden entries skipped.
fn list_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        entries.push(entry.path());
    }
    entries.sort_unstable_by(|a, b| b.cmp(a));
    Ok(entries)
}

fn read_error(path: &Path, kind: &'static str, message: String, bytes: u64) -> DocError {
    DocError {
        source_path: path.display().to_string(),
        doc_id: None,
        stage: Stage::Read,
        kind,
        message,
        source_bytes: bytes,
    }
}

impl Iterator for Source {
    type Item = Result<RawDoc, DocError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(rx) = &self.open {
                match rx.recv() {
                    Ok(item) => return Some(item),
                    Err(_) => self.open = None,
                }
            }
            let path = match self.next_path()? {
                Ok(p) => p,
                Err(e) => return Some(Err(e)),
            };
            match kind_of(&path.display().to_string()) {
                Kind::Container => {
                    self.open = Some(crate::formats::spawn(path, self.max_bytes, self.input.clone()));
                }
                Kind::Single(format) => match self.read_one(path, format) {
                    One::Doc(d) => return Some(d),
                    One::Records(path) => {
                        self.open = Some(crate::formats::spawn_records(path, self.max_bytes, self.input.clone()));
                    }
                },
            }
        }
    }
}

/// What reading one file gave: its document (or error), or word that it holds records.
enum One {
    Doc(Result<RawDoc, DocError>),
    Records(PathBuf),
}

impl Source {
    /// Reads one file whole, up to `max_bytes`. A text file whose first bytes open `<doc>`
    /// records (see `formats::opens_records`) is not read here but handed back, to be
    /// expanded record by record whatever its size.
    fn read_one(&self, path: PathBuf, format: crate::document::InputFormat) -> One {
        let io = |e: std::io::Error, size: u64| One::Doc(Err(read_error(&path, "io", e.to_string(), size)));
        let mut f = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) => return io(e, 0),
        };
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        let mut bytes = Vec::with_capacity(size.min(self.max_bytes + 1) as usize);
        if let Err(e) = (&mut f).take(crate::formats::SNIFF_BYTES).read_to_end(&mut bytes) {
            return io(e, size);
        }
        if format == crate::document::InputFormat::Text && crate::formats::opens_records(&bytes) {
            return One::Records(path);
        }
        if size > self.max_bytes {
            let msg = format!("file is {size} bytes, over run.max_file_bytes = {}", self.max_bytes);
            return One::Doc(Err(read_error(&path, "too_large", msg, size)));
        }
        // Read to the limit, not to the size listed: a file may grow while it is read.
        match crate::formats::read_bounded(&mut f, &mut bytes, self.max_bytes) {
            Ok(Some(grown)) => {
                let msg = format!("file grew past run.max_file_bytes = {} while read", self.max_bytes);
                One::Doc(Err(read_error(&path, "too_large", msg, grown)))
            }
            Ok(None) => One::Doc(Ok(RawDoc { format, ..RawDoc::new(path.display().to_string(), bytes) })),
            Err(e) => io(e, size),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_recursive() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("b")).unwrap();
        fs::write(dir.path().join("b/2.txt"), "二").unwrap();
        fs::write(dir.path().join("a.txt"), "一").unwrap();
        fs::write(dir.path().join("c.txt"), "三").unwrap();
        fs::write(dir.path().join(".hidden"), "x").unwrap();
        let got: Vec<String> = Source::new(&[dir.path().to_path_buf()], 1 << 20)
            .map(|r| String::from_utf8(r.unwrap().bytes).unwrap())
            .collect();
        assert_eq!(got, ["一", "二", "三"]);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_folder_loops_are_errors_not_hangs() {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mkfifo").arg(dir.path().join("p.txt")).status().unwrap();
        assert!(status.success());
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.txt"), "一").unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
        let got: Vec<_> = Source::new(&[dir.path().to_path_buf()], 1 << 20).collect();
        let kinds: Vec<&str> = got.iter().map(|r| r.as_ref().map_or_else(|e| e.kind, |_| "doc")).collect();
        assert_eq!(kinds, ["not_a_file", "doc", "loop", "not_a_file"], "{got:?}");
    }

    #[test]
    fn a_text_file_of_doc_records_is_read_record_by_record() {
        let dir = tempfile::tempdir().unwrap();
        let records = "<doc>\n<content>第一条。</content>\n</doc>\n<doc>\n<content>第二条。</content>\n</doc>\n";
        fs::write(dir.path().join("news.txt"), records).unwrap();
        // Larger than a single document may be: records are taken one at a time.
        let got: Vec<_> = Source::new(&[dir.path().to_path_buf()], 60).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[1].as_ref().unwrap().source_path.ends_with("news.txt#2"));
    }

    #[test]
    fn missing_and_large_inputs_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("big.txt"), vec![b'a'; 100]).unwrap();
        let inputs = [dir.path().join("nope.txt"), dir.path().join("big.txt")];
        let got: Vec<_> = Source::new(&inputs, 10).collect();
        // Roots are taken in sorted order: big.txt, then nope.txt.
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].as_ref().unwrap_err().kind, "too_large");
        assert_eq!(got[1].as_ref().unwrap_err().kind, "io");
    }
}
