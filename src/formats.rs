//! Inputs that hold more than one document, or hold it compressed: gzip, zstd and bzip2
//! files; tar (plain or compressed) and zip archives; JSON Lines; CSV and TSV;
//! record-per-document XML dumps (the Sogou news format). Each is read as a stream, member by member and record by
//! record, never unpacked to disk nor held whole in memory (a zip member inside another
//! archive is the one exception: zip needs to seek, so such a member is read into memory up
//! to `run.max_file_bytes`).
//!
//! A container is expanded on its own thread, which hands documents one at a time through
//! a channel of two, so the run loop's memory bound holds; documents keep the container's
//! order. `source_path` names the member (`dump.tar.gz!a/b.html`) or the record
//! (`dump.jsonl:12`, `news.xml#3`).

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use encoding_rs::Encoding;

use crate::config::InputConfig;
use crate::document::{doc_id_of, Fields, InputFormat, RawDoc};
use crate::error::{DocError, Stage};

/// What a file name says about the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One document, read whole.
    Single(InputFormat),
    /// Anything to expand: compressed, an archive, records.
    Container,
}

/// A compression format.
#[derive(Debug, Clone, Copy)]
enum Codec {
    Gzip,
    Zstd,
    Bzip2,
}

/// Compressed suffixes, what the name inside ends with, and the codec.
const COMPRESSED: &[(&str, &str, Codec)] = &[
    (".tgz", ".tar", Codec::Gzip),
    (".gz", "", Codec::Gzip),
    (".tzst", ".tar", Codec::Zstd),
    (".zst", "", Codec::Zstd),
    (".zstd", "", Codec::Zstd),
    (".tbz2", ".tar", Codec::Bzip2),
    (".tbz", ".tar", Codec::Bzip2),
    (".bz2", "", Codec::Bzip2),
];

/// The kind of a file by its name (and, for `.xml`, by nothing more: records are sniffed
/// when it is expanded).
pub(crate) fn kind_of(name: &str) -> Kind {
    let n = name.to_ascii_lowercase();
    if COMPRESSED.iter().any(|(s, _, _)| n.ends_with(s))
        || [".tar", ".zip", ".jsonl", ".ndjson", ".xml", ".csv", ".tsv"].iter().any(|s| n.ends_with(s))
    {
        return Kind::Container;
    }
    Kind::Single(format_of(&n))
}

fn format_of(lower_name: &str) -> InputFormat {
    if [".html", ".htm", ".shtml", ".xhtml"].iter().any(|s| lower_name.ends_with(s)) {
        InputFormat::Html
    } else {
        InputFormat::Text
    }
}

type Item = Result<RawDoc, DocError>;

/// Expands a container file on a thread; the receiver yields its documents in order.
pub(crate) fn spawn(path: PathBuf, max_bytes: u64, cfg: InputConfig) -> Receiver<Item> {
    spawn_as(path, max_bytes, cfg, false)
}

/// Whether `head`, a file's first bytes, opens a dump of `<doc>` records (after a byte-order
/// mark, white space and an XML declaration): SogouCS ships its news as
/// `news_tensite_xml.dat`, and copies of it go round as `.txt`.
pub(crate) fn opens_records(head: &[u8]) -> bool {
    let mut h = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    h = &h[h.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    if h.starts_with(b"<?xml") {
        let Some(end) = find(h, b"?>") else { return false };
        h = &h[end + 2..];
        h = &h[h.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    }
    h.starts_with(b"<doc>") || h.starts_with(b"<doc") && h.get(4).is_some_and(u8::is_ascii_whitespace)
}

/// Bytes read to decide what a file holds.
pub(crate) const SNIFF_BYTES: u64 = 512;

/// [`spawn`] for a file whose name says text but whose first bytes open `<doc>` records.
pub(crate) fn spawn_records(path: PathBuf, max_bytes: u64, cfg: InputConfig) -> Receiver<Item> {
    spawn_as(path, max_bytes, cfg, true)
}

fn spawn_as(path: PathBuf, max_bytes: u64, cfg: InputConfig, records: bool) -> Receiver<Item> {
    let (tx, rx) = sync_channel(2);
    let display = path.display().to_string();
    let spawned = std::thread::Builder::new().name("zhetl-reader".into()).spawn({
        let tx = tx.clone();
        let display = display.clone();
        move || {
            let x = Expander { max_bytes, cfg, tx, depth: Cell::new(0), sent: Cell::new(0) };
            match File::open(&path) {
                Ok(mut f) if records => {
                    x.xml_records(&mut f, &display);
                }
                Ok(mut f) => {
                    let name = display.clone();
                    x.expand(&mut f, &name, &display, Some(&path));
                }
                Err(e) => {
                    x.send(Err(read_error(&display, "io", e.to_string(), 0)));
                }
            }
        }
    });
    if let Err(e) = spawned {
        let _ = tx.send(Err(read_error(&display, "io", format!("cannot start a reader thread: {e}"), 0)));
    }
    rx
}

fn read_error(path: &str, kind: &'static str, message: String, bytes: u64) -> DocError {
    DocError { source_path: path.to_string(), doc_id: None, stage: Stage::Read, kind, message, source_bytes: bytes }
}

struct Expander {
    max_bytes: u64,
    cfg: InputConfig,
    tx: SyncSender<Item>,
    /// Archives and compressed streams open around the one being read: each level reads on
    /// the reader thread's stack, and a zip of a zip 300 deep (30 KB) overflowed it and
    /// aborted the run.
    depth: Cell<u32>,
    /// Items sent so far: a container that sends none is an errors row of its own.
    sent: Cell<u64>,
}

/// Archives and compressed streams inside one another that a reader opens (a .tar.gz in a
/// .zip is three); a member deeper than that is an errors row. Real dumps nest two or three.
const MAX_NESTING: u32 = 16;

impl Expander {
    /// False once the receiver is gone (the run stopped): stop reading.
    fn send(&self, item: Item) -> bool {
        self.sent.set(self.sent.get() + 1);
        self.tx.send(item).is_ok()
    }

    /// Expands `r`, named `name` (what decides how to read it) and shown as `display`.
    /// `path` is the file on disk when `r` is that file (zip can then seek). Returns false
    /// when the run stopped.
    fn expand(&self, r: &mut dyn Read, name: &str, display: &str, path: Option<&Path>) -> bool {
        let depth = self.depth.get();
        if depth >= MAX_NESTING {
            let msg = format!("inside more than {MAX_NESTING} archives or compressed streams; not opened");
            return self.send(Err(read_error(display, "too_deep", msg, 0)));
        }
        self.depth.set(depth + 1);
        let before = self.sent.get();
        let mut go_on = self.expand_inner(r, name, display, path);
        self.depth.set(depth);
        // An empty archive, a header-only CSV, a JSON Lines file of blank lines: no document
        // and no error came of it, and the input would leave no trace in the tables.
        if go_on && self.sent.get() == before {
            let msg = "no document in it: an archive with no files, or records with none".to_string();
            go_on = self.send(Err(read_error(display, "empty", msg, 0)));
        }
        go_on
    }

    /// [`Expander::expand`] one level in.
    fn expand_inner(&self, r: &mut dyn Read, name: &str, display: &str, path: Option<&Path>) -> bool {
        let lower = name.to_ascii_lowercase();
        let corrupt = |e: std::io::Error| self.send(Err(read_error(display, "corrupt", e.to_string(), 0)));
        if let Some(&(suffix, then, codec)) = COMPRESSED.iter().find(|(s, _, _)| lower.ends_with(s)) {
            let inner = format!("{}{then}", &name[..name.len() - suffix.len()]);
            return match codec {
                Codec::Gzip => self.expand(&mut flate2::read::MultiGzDecoder::new(r), &inner, display, None),
                Codec::Bzip2 => self.expand(&mut bzip2::read::MultiBzDecoder::new(r), &inner, display, None),
                Codec::Zstd => match zstd::stream::read::Decoder::new(r) {
                    Ok(mut d) => self.expand(&mut d, &inner, display, None),
                    Err(e) => corrupt(e),
                },
            };
        }
        if lower.ends_with(".tar") {
            return self.tar(r, display);
        }
        if lower.ends_with(".zip") {
            return self.zip(r, display, path);
        }
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            return self.json_lines(r, display);
        }
        if lower.ends_with(".xml") {
            return self.xml_records(r, display);
        }
        if lower.ends_with(".csv") || lower.ends_with(".tsv") {
            return self.table_rows(r, display, if lower.ends_with(".tsv") { b'\t' } else { b',' });
        }
        // One document, unless a text member opens `<doc>` records (the SogouCS archive
        // holds news_tensite_xml.dat).
        let doc = |bytes| RawDoc { source_path: display.to_string(), bytes, format: format_of(&lower), fields: None };
        // A stream damaged after some text (a gzip file padded with zeros or cut short): the
        // text read is the document, the damage an errors row, so neither is lost.
        let damaged = |bytes: Vec<u8>, e: std::io::Error| {
            if bytes.is_empty() || bytes.len() as u64 > self.max_bytes {
                return corrupt(e);
            }
            let msg = format!("after {} bytes of text: {e}", bytes.len());
            self.send(Ok(doc(bytes))) && self.send(Err(read_error(display, "corrupt", msg, 0)))
        };
        let mut bytes = Vec::new();
        if let Err(e) = (&mut *r).take(SNIFF_BYTES).read_to_end(&mut bytes) {
            return damaged(bytes, e);
        }
        if format_of(&lower) == InputFormat::Text && opens_records(&bytes) {
            return self.xml_records(&mut Cursor::new(bytes).chain(r), display);
        }
        match read_bounded(r, &mut bytes, self.max_bytes) {
            Ok(None) => self.send(Ok(doc(bytes))),
            Ok(Some(read)) => {
                let msg = format!("over run.max_file_bytes = {} (read no further)", self.max_bytes);
                self.send(Err(read_error(display, "too_large", msg, read)))
            }
            Err(e) => damaged(bytes, e),
        }
    }

    fn tar(&self, r: &mut dyn Read, display: &str) -> bool {
        let mut archive = tar::Archive::new(r);
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => return self.send(Err(read_error(display, "corrupt", e.to_string(), 0))),
        };
        let mut last = String::from("the start");
        for entry in entries {
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => return self.send(Err(read_error(display, "corrupt", format!("after {last}: {e}"), 0))),
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            // Named from the bytes, as zip members are: a tar made on Chinese Windows names
            // its files in GBK, which the tar reader would show as replacement characters.
            let member = member_name(&entry.path_bytes())
                .or_else(|| entry.path().ok().map(|p| p.display().to_string()))
                .unwrap_or_else(|| "?".into());
            if member.rsplit('/').next().is_some_and(|base| base.starts_with('.')) {
                continue;
            }
            let shown = format!("{display}!{member}");
            if !self.expand(&mut entry, &member, &shown, None) {
                return false;
            }
            last = member;
        }
        true
    }

    fn zip(&self, r: &mut dyn Read, display: &str, path: Option<&Path>) -> bool {
        let bad = |e: String| self.send(Err(read_error(display, "corrupt", e, 0)));
        // Zip reads its directory at the end: the file itself when on disk, else the member
        // in memory.
        let reader: Box<dyn ReadSeek> = match path.map(File::open) {
            Some(Ok(f)) => Box::new(f),
            Some(Err(e)) => return bad(e.to_string()),
            None => {
                let mut bytes = Vec::new();
                match read_bounded(r, &mut bytes, self.max_bytes) {
                    Ok(None) => Box::new(Cursor::new(bytes)),
                    Ok(Some(read)) => {
                        let msg = format!("zip member over run.max_file_bytes = {} (read no further)", self.max_bytes);
                        return self.send(Err(read_error(display, "too_large", msg, read)));
                    }
                    Err(e) => return bad(e.to_string()),
                }
            }
        };
        let mut archive = match zip::ZipArchive::new(reader) {
            Ok(a) => a,
            Err(e) => return bad(e.to_string()),
        };
        // The zip reader keeps one member of each name: the others cannot be read, so say so.
        if archive.has_duplicate_names() && !bad("members share a name: one member of each name is read".into()) {
            return false;
        }
        for i in 0..archive.len() {
            // The member's name and whether a password guards it, from its header: a member
            // behind a password is not damage, so say which it is, so that a user knows to
            // decrypt the archive rather than fetch it again.
            let (member, encrypted) = match archive.by_index_raw(i) {
                Ok(raw) => (
                    member_name(raw.name_raw()).or_else(|| raw.name().ok().map(|n| n.to_string())),
                    raw.encrypted() && raw.is_file(),
                ),
                Err(_) => (None, false),
            };
            let member = member.unwrap_or_else(|| format!("member-{i}"));
            if encrypted && !hidden_member(&member) {
                let msg = format!("member {member} is encrypted: zhetl reads no passwords");
                if !self.send(Err(read_error(&format!("{display}!{member}"), "encrypted", msg, 0))) {
                    return false;
                }
                continue;
            }
            let mut f = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    if !bad(format!("member {i}: {e}")) {
                        return false;
                    }
                    continue;
                }
            };
            if !f.is_file() || hidden_member(&member) {
                continue;
            }
            let shown = format!("{display}!{member}");
            if !self.expand(&mut f, &member, &shown, None) {
                return false;
            }
        }
        true
    }

    /// JSON Lines in UTF-8, in UTF-16 (by byte-order mark, or by a first `{` written in two
    /// bytes) or in a legacy encoding (GBK, Big5: a file saved by a Windows tool). UTF-16 is
    /// decoded as it is read, since its newline is two bytes. A legacy trail byte may be a
    /// backslash, which would break the JSON, so a legacy line is decoded before it is
    /// parsed: the file's first 64 KiB are read ahead to judge, from all their lines, which
    /// encoding the file is in (see [`LineDecoder`]).
    fn json_lines(&self, r: &mut dyn Read, display: &str) -> bool {
        // A JSON object opens with `{`.
        self.decoded_records(r, display, |b| b == b'{', |s, lines| self.json_lines_of(s, display, lines))
    }

    /// Reads a JSON Lines or CSV file with `records`, which gets the stream and the
    /// [`LineDecoder`] for its lines or cells: a UTF-16 file (by BOM, or by a first character
    /// that `first` accepts, written in two bytes) decoded as it is read, and reported after
    /// its records when it ends one byte short; any other file as it is, the decoder judged
    /// from its first 64 KiB.
    fn decoded_records(
        &self,
        r: &mut dyn Read,
        display: &str,
        first: impl Fn(u8) -> bool,
        records: impl FnOnce(&mut dyn Read, LineDecoder) -> bool,
    ) -> bool {
        let (head, utf16) = match sniff_head(r, first) {
            Ok(h) => h,
            Err(e) => return self.send(Err(read_error(display, "corrupt", e.to_string(), 0))),
        };
        let Some(enc) = utf16 else {
            let lines = LineDecoder::judge(&head);
            return records(&mut Cursor::new(head).chain(r), lines);
        };
        let mut t = Transcoded::new(Cursor::new(head).chain(r), enc);
        if !records(&mut t, LineDecoder::decoded(enc)) {
            return false;
        }
        if t.cut_short {
            let msg = "the file ends one byte short of a UTF-16 code unit: that byte is dropped".to_string();
            return self.send(Err(read_error(display, "corrupt", msg, 0)));
        }
        true
    }

    /// [`Self::json_lines`] over lines that `lines` turns into text.
    fn json_lines_of(&self, r: &mut dyn Read, display: &str, mut lines: LineDecoder) -> bool {
        let mut reader = BufReader::with_capacity(1 << 16, r);
        let mut line = Vec::new();
        let mut n = 0u64;
        loop {
            line.clear();
            n += 1;
            let read = (&mut reader).take(self.max_bytes + 1).read_until(b'\n', &mut line);
            match read {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) => return self.send(Err(read_error(display, "corrupt", format!("line {n}: {e}"), 0))),
            }
            let shown = format!("{display}:{n}");
            if line.len() as u64 > self.max_bytes && !line.ends_with(b"\n") {
                // Skip the rest of an overlong line.
                let mut rest = Vec::new();
                let _ = reader.read_until(b'\n', &mut rest);
                let size = (line.len() + rest.len()) as u64;
                if !self.send(Err(read_error(&shown, "too_large", format!("line {n} is {size} bytes"), size))) {
                    return false;
                }
                continue;
            }
            let (text, encoding) = lines.text(&line);
            // A byte-order mark opens the file (or a file joined on to the end of another).
            let text = text.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            let ok = match self.record(text, n) {
                Ok((text, fields)) => self.send(Ok(RawDoc {
                    source_path: shown,
                    bytes: text.into_bytes(),
                    format: InputFormat::JsonLines,
                    fields: Some(Box::new(Fields { encoding, ..fields })),
                })),
                Err(message) => self.send(Err(DocError {
                    doc_id: Some(doc_id_of(&line)),
                    ..read_error(&shown, "bad_record", message, line.len() as u64)
                })),
            };
            if !ok {
                return false;
            }
        }
    }

    /// A CSV or TSV dump: a header row naming the columns, then one article per row. The
    /// text is the column `input.text_field` (or, when there is none, one named content,
    /// body, 正文 or 内容); title, url, date and id as for JSON Lines. Cells are read as bytes
    /// and decoded as JSON Lines are, by a [`LineDecoder`] judged from the first 64 KiB:
    /// UTF-8, UTF-16 (a spreadsheet's "Unicode text" export) or a legacy encoding such as
    /// GBK, whose bytes never look like a comma, a tab, a quotation mark or a newline.
    fn table_rows(&self, r: &mut dyn Read, display: &str, delimiter: u8) -> bool {
        // A header opens with a column's name or a quotation mark.
        let first = |b: u8| b.is_ascii_graphic();
        self.decoded_records(r, display, first, |s, cells| self.table_rows_of(s, display, delimiter, cells))
    }

    /// [`Self::table_rows`] over a stream whose cells `cells` turns into text.
    fn table_rows_of(&self, stream: &mut dyn Read, display: &str, delimiter: u8, mut cells: LineDecoder) -> bool {
        let mark = std::rc::Rc::new(std::cell::Cell::new(0u64));
        // A TSV row's bytes are kept until the next row is read (see the stray quotation
        // mark below).
        let tee = (delimiter == b'\t').then(|| std::rc::Rc::new(std::cell::RefCell::new(Vec::new())));
        let bounded =
            Bounded { inner: stream, read: 0, mark: mark.clone(), limit: self.max_bytes + (1 << 16), tee: tee.clone() };
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bounded);
        let mut row = csv::ByteRecord::new();
        let mut columns: Option<Columns> = None;
        // Data rows read so far, the header not counted.
        let mut k = 0u64;
        loop {
            let start = mark.get();
            match reader.read_byte_record(&mut row) {
                Ok(false) => return true,
                Ok(true) => {}
                Err(e) => {
                    let (kind, msg) = match e.kind() {
                        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
                            ("too_large", format!("a row over run.max_file_bytes = {}", self.max_bytes))
                        }
                        _ => ("corrupt", e.to_string()),
                    };
                    return self.send(Err(read_error(display, kind, msg, 0)));
                }
            }
            let end = reader.position().byte();
            mark.set(end);
            // A TSV cell that opens with a quotation mark, from a tool that does not quote
            // cells (a headline quoting a phrase: "三抓三促"行动启动), had lost its marks, or,
            // when no mark closed it, taken in the rows after it. Such a row's bytes are read
            // again, a mark opening a quoted cell only where the next mark closes it at a tab
            // or a line's end (see [`lenient_tsv_rows`]).
            let misread = tee.as_deref().and_then(|t| misread_row(t, start, end));
            let Some(cols) = &columns else {
                let names: Vec<String> = row.iter().map(|b| cells.text(b).0.trim().to_lowercase()).collect();
                match Columns::find(&names, &self.cfg) {
                    Some(c) => columns = Some(c),
                    None => {
                        let msg = format!(
                            "the header names no text column {:?} (input.text_field), nor {}",
                            self.cfg.text_field,
                            TEXT_NAMES.join(", ")
                        );
                        return self.send(Err(read_error(display, "bad_record", format!("{msg}: {names:?}"), 0)));
                    }
                }
                continue;
            };
            let sent = match misread {
                Some(raw) => {
                    lenient_tsv_rows(&raw).iter().all(|part| self.table_row(part, cols, &mut cells, display, &mut k))
                }
                None => self.table_row(&row, cols, &mut cells, display, &mut k),
            };
            if !sent {
                return false;
            }
        }
    }

    /// Sends one data row of a CSV or TSV dump (counted in `k`, a blank row not counted):
    /// its text and fields, or an errors row when its text cell is blank. False if the run
    /// stops.
    fn table_row(
        &self,
        row: &csv::ByteRecord,
        cols: &Columns,
        cells: &mut LineDecoder,
        display: &str,
        k: &mut u64,
    ) -> bool {
        if row.iter().all(|b| b.iter().all(u8::is_ascii_whitespace)) {
            return true; // a blank line
        }
        // Rows are numbered as records are (`news.xml#3`): a cell may hold newlines, and
        // the parser's line count skips blank lines.
        *k += 1;
        let shown = format!("{display}#{k}");
        let mut get = |c: Option<usize>| {
            c.and_then(|c| row.get(c)).map(|b| cells.text(b).0.trim().to_string()).filter(|s| !s.is_empty())
        };
        let title = get(cols.title);
        let url = get(cols.url);
        let date = get(cols.date);
        let id = get(cols.id);
        let source = get(cols.source);
        let text = row.get(cols.text).map(|b| cells.text(b)).filter(|(t, _)| !t.trim().is_empty());
        let Some((text, encoding)) = text else {
            let msg = format!("row {k} has no text in column {}", cols.text + 1);
            let size = row.as_slice().len() as u64;
            return self.send(Err(read_error(&shown, "bad_record", msg, size)));
        };
        let fields = Fields { title, url, date, id, source, encoding };
        let doc = RawDoc {
            source_path: shown,
            bytes: text.trim().as_bytes().to_vec(),
            format: InputFormat::Table,
            fields: Some(Box::new(fields)),
        };
        self.send(Ok(doc))
    }

    /// The text and fields of one JSON record.
    fn record(&self, line: &str, n: u64) -> Result<(String, Fields), String> {
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            // Python's json.dumps writes a float that is no number as NaN or Infinity, which
            // JSON does not allow; pandas leaves a missing value so. As null the record reads.
            Err(e) => non_numbers_as_null(line)
                .and_then(|l| serde_json::from_str(&l).ok())
                .ok_or_else(|| format!("line {n} is not JSON: {e}"))?,
        };
        let obj = v.as_object().ok_or_else(|| format!("line {n} is not a JSON object"))?;
        let value = |key: &str| -> Option<String> {
            match obj.get(key)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(x) => Some(x.to_string()),
                _ => None,
            }
        };
        // The configured key, then the names dumps commonly use, in the order listed (as the
        // CSV header lookup does), each in any letter case (Content, TITLE); a blank value is
        // no value, so the next name is tried.
        let field = |configured: &str, common: &[&str]| -> Option<String> {
            std::iter::once(configured).chain(common.iter().copied()).find_map(|name| {
                value(name)
                    .or_else(|| {
                        let name = name.to_lowercase();
                        obj.keys().filter(|k| k.to_lowercase() == name).find_map(|k| value(k))
                    })
                    .filter(|v| !v.trim().is_empty())
            })
        };
        let text = field(&self.cfg.text_field, TEXT_NAMES).ok_or_else(|| {
            format!(
                "line {n} holds no text under {:?} (input.text_field), nor under {}",
                self.cfg.text_field,
                TEXT_NAMES.join(", ")
            )
        })?;
        let fields = Fields {
            title: field(&self.cfg.title_field, TITLE_NAMES),
            url: field(&self.cfg.url_field, URL_NAMES),
            date: field(&self.cfg.date_field, DATE_NAMES),
            id: field(&self.cfg.id_field, ID_NAMES),
            source: field(&self.cfg.source_field, SOURCE_NAMES),
            encoding: None,
        };
        Ok((text, fields))
    }

    /// `<doc>…</doc>` records: Sogou news (url, docno, contenttitle, content elements) and
    /// WikiExtractor's dumps (`<doc id=".." url=".." title="..">text</doc>`, the text the
    /// element's own). The bytes stay in the file's encoding (GBK in the published Sogou
    /// corpus): the decoder judges each record. A `.xml` file without such records is one
    /// text document; a record with no text is an `errors` row.
    fn xml_records(&self, r: &mut dyn Read, display: &str) -> bool {
        let mut reader = BufReader::with_capacity(1 << 16, r);
        let mut buf: Vec<u8> = Vec::new();
        // How much of `buf` is known to hold no `</doc>`: a record read in many pieces is
        // searched once, not again from its start for each piece.
        let mut searched = 0usize;
        let mut k = 0u64;
        let mut chunk = vec![0u8; 1 << 16];
        let mut eof = false;
        loop {
            // One record: up to and including the next </doc>.
            let Some(end) = find(&buf[searched..], b"</doc>").map(|e| searched + e) else {
                if eof {
                    break;
                }
                searched = buf.len().saturating_sub(5);
                match reader.read(&mut chunk) {
                    Ok(0) => eof = true,
                    Ok(m) => buf.extend_from_slice(&chunk[..m]),
                    Err(e) => return self.send(Err(read_error(display, "corrupt", e.to_string(), 0))),
                }
                if buf.len() as u64 > self.max_bytes + 64 {
                    if k == 0 && open_tag(&buf, "doc").is_none() {
                        break; // not a record dump: handled below as one document
                    }
                    return self.send(Err(read_error(
                        display,
                        "too_large",
                        "a <doc> record over run.max_file_bytes".into(),
                        buf.len() as u64,
                    )));
                }
                continue;
            };
            let record: Vec<u8> = buf.drain(..end + 6).collect();
            searched = 0;
            k += 1;
            if !self.xml_record(&record, record.len() - 6, &format!("{display}#{k}"), k) {
                return false;
            }
        }
        // A file cut inside its last record (a download or a copy that stopped): the text so
        // far is a document, and an errors row says it was cut. It had been dropped unsaid.
        // Not a `<doc` inside a comment left open (<!-- end of <doc> dump -->).
        let opened = find(&buf, b"<doc")
            .filter(|&d| find(&buf[..d], b"<!--").is_none_or(|c| find(&buf[c..d], b"-->").is_some()));
        if k > 0 && opened.is_some() {
            k += 1;
            let shown = format!("{display}#{k}");
            // A Sogou record cut before its <content> has no text to keep, and one cut
            // inside its <doc> tag none either.
            let fields_only = open_tag(&buf, "content").is_none()
                && [&b"<url>"[..], b"<docno>", b"<contenttitle>"].iter().any(|t| find(&buf, t).is_some());
            let kept = open_tag(&buf, "doc").is_some() && !fields_only;
            if kept && !self.xml_record(&buf, buf.len(), &shown, k) {
                return false;
            }
            let what = if kept { "the text before the end is kept" } else { "it holds no text to keep" };
            let msg = format!("record {k}: the file ends inside it, before its </doc>; {what}");
            return self.send(Err(read_error(&shown, "truncated", msg, buf.len() as u64)));
        }
        if k == 0 {
            // Not a record dump: the whole file is one document (what is buffered, plus the rest).
            let mut rest = Vec::new();
            if let Err(e) = reader.take(self.max_bytes).read_to_end(&mut rest) {
                return self.send(Err(read_error(display, "corrupt", e.to_string(), 0)));
            }
            buf.extend(rest);
            return self.send(Ok(RawDoc::new(display, buf)));
        }
        true
    }

    /// Sends record `k` of a `<doc>` dump, named `shown`: `record` from its `<doc>` tag, its
    /// content ending at `body_end` (before its `</doc>`, or where the file ends). False if
    /// the run stops.
    fn xml_record(&self, record: &[u8], body_end: usize, shown: &str, k: u64) -> bool {
        let Some((_, inner)) = open_tag(record, "doc") else {
            let msg = format!("record {k}: a </doc> with no <doc> before it");
            return self.send(Err(read_error(shown, "bad_record", msg, record.len() as u64)));
        };
        if inner > body_end {
            let msg = format!("record {k}: its <doc> tag does not close before </doc>");
            return self.send(Err(read_error(shown, "bad_record", msg, record.len() as u64)));
        }
        let doc_tag = &record[..inner];
        let rec = &record[inner..body_end];
        // A record the file's end cut has its last element open to the end.
        let cut = body_end == record.len();
        let element = |name: &str| -> Option<&[u8]> {
            let (_, s) = open_tag(rec, name)?;
            let close = format!("</{name}>");
            match find(&rec[s..], close.as_bytes()) {
                Some(e) => Some(&rec[s..s + e]),
                None if cut => Some(cut_end(&rec[s..], close.as_bytes())),
                None => None,
            }
        };
        let text = |b: Option<&[u8]>| b.and_then(|b| std::str::from_utf8(b).ok()).map(|s| s.trim().to_string());
        let (title, content) = match element("content") {
            Some(content) => (element("contenttitle").unwrap_or_default(), content),
            None if cut => (attribute(doc_tag, "title").unwrap_or_default(), cut_end(rec, b"</doc>")),
            None => (attribute(doc_tag, "title").unwrap_or_default(), rec),
        };
        if title.iter().chain(content).all(u8::is_ascii_whitespace) {
            let msg = format!("record {k} holds no text: no title, and no <content> or text inside <doc>");
            return self.send(Err(read_error(shown, "bad_record", msg, record.len() as u64)));
        }
        let mut bytes = title.to_vec();
        bytes.push(b'\n');
        bytes.extend_from_slice(content);
        let fields = Fields {
            url: text(element("url")).or_else(|| text(attribute(doc_tag, "url"))),
            id: text(element("docno")).or_else(|| text(attribute(doc_tag, "id"))),
            ..Fields::default()
        };
        let doc = RawDoc {
            source_path: shown.to_string(),
            bytes,
            format: InputFormat::XmlRecord,
            fields: Some(Box::new(fields)),
        };
        self.send(Ok(doc))
    }
}

/// The first `<name>` or `<name attributes…>` tag in `hay`: where it starts and where its
/// content starts (after its `>`).
fn open_tag(hay: &[u8], name: &str) -> Option<(usize, usize)> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = find(&hay[from..], open.as_bytes()).map(|i| from + i) {
        let after = i + open.len();
        match hay.get(after) {
            Some(b'>') => return Some((i, after + 1)),
            Some(c) if c.is_ascii_whitespace() => {
                let close = after + find(&hay[after..], b">")?;
                return Some((i, close + 1));
            }
            _ => from = after,
        }
    }
    None
}

/// The value of attribute `name` in an open tag (`id="1"` or `id='1'`).
fn attribute<'a>(tag: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let mut from = 0;
    let key = format!("{name}=");
    while let Some(i) = find(&tag[from..], key.as_bytes()).map(|i| from + i) {
        from = i + key.len();
        // The name must stand alone (not `docid=` for `id=`).
        if i > 0 && !tag[i - 1].is_ascii_whitespace() {
            continue;
        }
        let quote = *tag.get(from)?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let end = from + 1 + tag[from + 1..].iter().position(|&c| c == quote)?;
        return Some(&tag[from + 1..end]);
    }
    None
}

/// Reads the rest of `r` on to `buf`, up to `max_bytes` in all: `Some(read)` when the input
/// is larger, having read one byte past the limit and no further. A compressed stream is not
/// expanded to its end to be measured (a 677 KB zstd file of 20 GB took 2.8 s), and a tar
/// reader skips the rest of its member itself. On an error `buf` keeps what was read before
/// it.
pub(crate) fn read_bounded(r: &mut dyn Read, buf: &mut Vec<u8>, max_bytes: u64) -> std::io::Result<Option<u64>> {
    let room = (max_bytes + 1).saturating_sub(buf.len() as u64);
    r.take(room).read_to_end(buf)?;
    Ok((buf.len() as u64 > max_bytes).then_some(buf.len() as u64))
}

/// A zip member's name from its bytes: UTF-8 when they are (many tools write it without the
/// flag that says so), else GBK, as zips made on Chinese Windows name their files; the zip
/// reader's own reading (code page 437 without the flag) had made 新闻/北京报道.txt into
/// ╨┬╬┼/▒▒╛⌐▒¿╡└.txt. None when neither reads the bytes.
fn member_name(raw: &[u8]) -> Option<String> {
    if let Ok(s) = std::str::from_utf8(raw) {
        return Some(s.to_string());
    }
    let (name, _, bad) = encoding_rs::GBK.decode(raw);
    (!bad).then(|| name.into_owned())
}

trait ReadSeek: Read + std::io::Seek {}
impl<T: Read + std::io::Seek> ReadSeek for T {}

/// Longest quoted cell [`lenient_tsv_rows`] looks through for its closing mark.
const QUOTED_REACH: usize = 1 << 16;

/// Where the quoted cell that opens with the mark at `raw[open]` ends (just after its
/// closing mark), when the next mark that is not doubled (`""` is a mark inside) closes it
/// right before a tab, a line break or the end, within `reach` bytes.
fn quoted_cell_end(raw: &[u8], open: usize, reach: usize) -> Option<usize> {
    let limit = open.saturating_add(reach).min(raw.len());
    let mut j = open + 1;
    while j < limit {
        if raw[j] == b'"' {
            if raw.get(j + 1) == Some(&b'"') {
                j += 2;
                continue;
            }
            return matches!(raw.get(j + 1), None | Some(b'\t' | b'\n' | b'\r')).then_some(j + 1);
        }
        j += 1;
    }
    None
}

/// The rows of TSV bytes a quoting parser misread: a cell is quoted (its marks dropped, a
/// doubled mark one, tabs and newlines kept) only where [`quoted_cell_end`] finds it closed;
/// any other cell runs to the next tab or line break, its marks plain characters. The look
/// for a closing mark stops after [`QUOTED_REACH`] bytes, so that many stray marks cost
/// linear time.
fn lenient_tsv_rows(raw: &[u8]) -> Vec<csv::ByteRecord> {
    let mut rows = Vec::new();
    let mut row = csv::ByteRecord::new();
    let mut i = 0;
    while i < raw.len() {
        let mut cell = Vec::new();
        match (raw[i] == b'"').then(|| quoted_cell_end(raw, i, QUOTED_REACH)).flatten() {
            Some(end) => {
                let mut k = i + 1;
                while k < end - 1 {
                    cell.push(raw[k]);
                    // Inside, every mark is doubled.
                    k += if raw[k] == b'"' { 2 } else { 1 };
                }
                i = end;
            }
            None => {
                let e = raw[i..].iter().position(|&b| matches!(b, b'\t' | b'\n' | b'\r')).map_or(raw.len(), |e| i + e);
                cell.extend_from_slice(&raw[i..e]);
                i = e;
            }
        }
        row.push_field(&cell);
        match raw.get(i) {
            Some(b'\t') => i += 1,
            Some(b'\r' | b'\n') => {
                i += if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                rows.push(std::mem::take(&mut row));
            }
            _ => {}
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows
}

/// The text of an element the file's end cut, without what the cut left of its closing tag
/// (`</con`) or of a UTF-8 character (the bytes of a character begun and not finished).
fn cut_end<'a>(text: &'a [u8], close: &[u8]) -> &'a [u8] {
    let mut text = text;
    if let Some(lt) = text.iter().rposition(|&b| b == b'<') {
        if close.starts_with(&text[lt..]) {
            text = &text[..lt];
        }
    }
    match std::str::from_utf8(text) {
        Err(e) if e.error_len().is_none() => &text[..e.valid_up_to()],
        _ => text,
    }
}

/// A zip member left out: a hidden file (`.DS_Store`) or macOS's resource forks.
fn hidden_member(name: &str) -> bool {
    name.rsplit('/').next().is_some_and(|base| base.starts_with('.')) || name.starts_with("__MACOSX")
}

/// Whether the bytes of one TSV row, as the quoting parser took them, hold a cell that
/// opens with a quotation mark and is no quoted cell ([`quoted_cell_end`], looking as far as
/// the row goes): no mark closes it, or its closing mark is followed by more than a tab or
/// the row's end. (A stray mark that the next mark closes right before a tab, rows later,
/// goes unseen, as it did.)
fn misquoted_tsv(raw: &[u8]) -> bool {
    let mut i = 0;
    let mut cell_start = true;
    while i < raw.len() {
        if cell_start && raw[i] == b'"' {
            match quoted_cell_end(raw, i, raw.len()) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return true,
            }
        }
        cell_start = matches!(raw[i], b'\t' | b'\n' | b'\r');
        i += 1;
    }
    false
}

/// `line` with every `NaN`, `Infinity` and `-Infinity` outside a string written `null`, or
/// None when there is none.
fn non_numbers_as_null(line: &str) -> Option<String> {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let (mut in_string, mut escaped, mut from, mut i, mut any) = (false, false, 0, 0, false);
    while i < b.len() {
        let c = b[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if let Some(word) = ["NaN", "Infinity", "-Infinity"].iter().find(|w| b[i..].starts_with(w.as_bytes())) {
            out.push_str(&line[from..i]);
            out.push_str("null");
            i += word.len();
            from = i;
            any = true;
            continue;
        }
        i += 1;
    }
    out.push_str(&line[from..]);
    any.then_some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Bytes of a JSON Lines or CSV file read ahead to judge its encoding.
const HEAD_BYTES: u64 = 1 << 16;

/// The first 64 KiB of a JSON Lines or CSV file, read ahead to judge its encoding, and the
/// encoding when it is UTF-16: by byte-order mark, or by a first character (past white
/// space) that `first` accepts, written in two bytes with a NUL. (The NUL count the decoder
/// uses misjudges such files: a long record of ideographs such as 一 (U+4E00) puts NULs on
/// both parities.)
fn sniff_head(r: &mut dyn Read, first: impl Fn(u8) -> bool) -> std::io::Result<(Vec<u8>, Option<&'static Encoding>)> {
    let mut head = Vec::new();
    r.take(HEAD_BYTES).read_to_end(&mut head)?;
    let utf16 = match Encoding::for_bom(&head) {
        Some((enc, _)) if enc != encoding_rs::UTF_8 => Some(enc),
        Some(_) => None,
        None => utf16_by_first_unit(&head, first),
    };
    Ok((head, utf16))
}

/// UTF-16 without a byte-order mark, when the first character that is not white space is an
/// ASCII byte that `first` accepts, written in two bytes with a NUL.
fn utf16_by_first_unit(head: &[u8], first: impl Fn(u8) -> bool) -> Option<&'static Encoding> {
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    match head.chunks_exact(2).find(|u| !matches!(u, [b, 0] | [0, b] if space(*b)))? {
        [b, 0] if first(*b) => Some(encoding_rs::UTF_16LE),
        [0, b] if first(*b) => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

// Names dumps commonly give each field, tried in order after the configured one, in any
// letter case: scrapers and exported datasets name them as they please (content, 正文,
// pub_time), and a run that refused every record for want of `text` helped no one.
/// The article's text.
const TEXT_NAMES: &[&str] = &["content", "body", "article", "正文", "内容"];
/// The title.
const TITLE_NAMES: &[&str] = &["headline", "标题"];
/// The page's address.
const URL_NAMES: &[&str] = &["link", "链接", "网址"];
/// The publication date or time, full dates before times of day.
const DATE_NAMES: &[&str] =
    &["pubdate", "publish_time", "pub_time", "pubtime", "published_at", "发布时间", "日期", "time", "时间"];
/// The record's own identifier.
const ID_NAMES: &[&str] = &["编号"];
/// The outlet.
const SOURCE_NAMES: &[&str] = &["来源", "media"];

/// Where the columns of a CSV or TSV dump are, from its header (names lowercased).
struct Columns {
    text: usize,
    title: Option<usize>,
    url: Option<usize>,
    date: Option<usize>,
    id: Option<usize>,
    source: Option<usize>,
}

impl Columns {
    /// The configured name first, then the names such dumps commonly use.
    fn find(names: &[String], cfg: &InputConfig) -> Option<Columns> {
        let at = |configured: &str, common: &[&str]| {
            let configured = configured.to_lowercase();
            names
                .iter()
                .position(|n| *n == configured)
                .or_else(|| common.iter().find_map(|c| names.iter().position(|n| n == c)))
        };
        Some(Columns {
            text: at(&cfg.text_field, TEXT_NAMES)?,
            title: at(&cfg.title_field, TITLE_NAMES),
            url: at(&cfg.url_field, URL_NAMES),
            date: at(&cfg.date_field, DATE_NAMES),
            id: at(&cfg.id_field, ID_NAMES),
            source: at(&cfg.source_field, SOURCE_NAMES),
        })
    }
}

/// A reader that fails once it has read `limit` bytes past `mark`, which the CSV loop moves
/// to the end of each row: an unclosed quotation mark would otherwise make the rest of the
/// file one row held in memory.
struct Bounded<R> {
    inner: R,
    read: u64,
    mark: std::rc::Rc<std::cell::Cell<u64>>,
    limit: u64,
    /// When set, a copy of the bytes read from the stream position `mark` had when
    /// [`misread_row`] last ran on: the bytes of the row being parsed and the parser's
    /// read-ahead.
    tee: Option<std::rc::Rc<std::cell::RefCell<Vec<u8>>>>,
}

/// The bytes of the row from stream position `start` (the end of the row before) to `end`
/// (the end of this one) when [`misquoted_tsv`] finds a cell in them misread, else None;
/// either way they leave `tee`.
fn misread_row(tee: &std::cell::RefCell<Vec<u8>>, start: u64, end: u64) -> Option<Vec<u8>> {
    let mut t = tee.borrow_mut();
    let n = ((end - start) as usize).min(t.len());
    let misread = misquoted_tsv(&t[..n]).then(|| t[..n].to_vec());
    t.drain(..n);
    misread
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read > self.mark.get() + self.limit {
            return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "a row over run.max_file_bytes"));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(t) = &self.tee {
            t.borrow_mut().extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

/// Turns the lines of a JSON Lines file, or the cells of a CSV file, into text, deciding for
/// each whether it is UTF-8 or in the file's legacy encoding.
struct LineDecoder {
    /// The encoding the whole stream was decoded from (UTF-16): every line is its UTF-8.
    decoded: Option<&'static Encoding>,
    /// The legacy encoding of the lines that are not UTF-8, once judged.
    legacy: Option<&'static Encoding>,
    /// Whether most lines of the file's head that hold more than ASCII are legacy (then
    /// `legacy` is known): a short line that happens to be valid UTF-8 (GBK's 一同 is) is
    /// read as legacy too, as the decoder reads such stretches inside a legacy file.
    mostly_legacy: bool,
}

/// Non-ASCII characters a line of valid UTF-8 needs to count as UTF-8 in a file that is
/// mostly legacy (the decoder's rule for stretches of a mixed file).
const UTF8_LINE_CHARS: usize = 8;

impl LineDecoder {
    /// The decoder for a stream decoded from `enc` (UTF-16): its lines are UTF-8.
    fn decoded(enc: &'static Encoding) -> LineDecoder {
        LineDecoder { decoded: Some(enc), legacy: None, mostly_legacy: false }
    }

    /// The decoder for a file whose first bytes are `head` ([`sniff_head`]): the legacy
    /// encoding is guessed from all the head's lines that are not UTF-8 together, since one
    /// short line can fool a guess.
    fn judge(head: &[u8]) -> LineDecoder {
        let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
        if head.len() as u64 == HEAD_BYTES {
            lines.pop(); // cut off by the read-ahead
        }
        let (mut utf8, mut legacy) = (0usize, Vec::new());
        for line in lines.into_iter().map(strip_utf8_bom).filter(|l| !l.is_ascii()) {
            match std::str::from_utf8(line) {
                Ok(t) if t.chars().filter(|c| !c.is_ascii()).count() >= UTF8_LINE_CHARS => utf8 += 1,
                Ok(_) => {}
                Err(_) if crate::decode::mostly_utf8(line) => utf8 += 1,
                Err(_) => legacy.push(line),
            }
        }
        LineDecoder {
            decoded: None,
            legacy: (!legacy.is_empty()).then(|| crate::decode::guess_legacy_encoding(&legacy.concat())),
            mostly_legacy: legacy.len() > utf8,
        }
    }

    /// One line's text, and the encoding it was read in when not UTF-8 as it stands. Bytes
    /// that do not decode become U+FFFD, which the decode stage counts as a repair.
    fn text<'a>(&mut self, line: &'a [u8]) -> (std::borrow::Cow<'a, str>, Option<&'static Encoding>) {
        let line = strip_utf8_bom(line);
        let utf8 = std::str::from_utf8(line);
        if let Ok(t) = utf8 {
            if self.decoded.is_some()
                || !self.mostly_legacy
                || t.chars().filter(|c| !c.is_ascii()).count() >= UTF8_LINE_CHARS
            {
                return (t.into(), self.decoded);
            }
        }
        if let Some(enc) = self.legacy {
            let (t, bad) = enc.decode_without_bom_handling(line);
            if !bad {
                return (t, Some(enc));
            }
            if let Ok(t) = utf8 {
                return (t.into(), None);
            }
        }
        // Damaged UTF-8 (a character cut in two) stays UTF-8: the bad bytes become U+FFFD.
        if crate::decode::mostly_utf8(line) {
            return (String::from_utf8_lossy(line), Some(encoding_rs::UTF_8));
        }
        let enc = *self.legacy.get_or_insert_with(|| crate::decode::guess_legacy_encoding(line));
        (enc.decode_without_bom_handling(line).0, Some(enc))
    }
}

fn strip_utf8_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

/// The UTF-8 of a UTF-16 stream, decoded as it is read (malformed sequences become
/// U+FFFD), with any byte-order mark removed.
struct Transcoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    /// Unread input: `input[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    output: Vec<u8>,
    /// Decoded bytes not yet handed out: `output[given..ready]`.
    given: usize,
    ready: usize,
    done: bool,
    /// Input bytes read, to tell a stream cut inside a code unit.
    read: u64,
    /// UTF-16 only: the stream ended one byte into a code unit. That byte is dropped, not
    /// decoded to a U+FFFD that would stand after the last record's closing brace.
    cut_short: bool,
}

impl<R: Read> Transcoded<R> {
    fn new(inner: R, enc: &'static Encoding) -> Transcoded<R> {
        Transcoded {
            inner,
            decoder: enc.new_decoder_with_bom_removal(),
            input: vec![0; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            output: vec![0; 3 << 16],
            given: 0,
            ready: 0,
            done: false,
            read: 0,
            cut_short: false,
        }
    }
}

impl<R: Read> Read for Transcoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.given < self.ready {
                let n = buf.len().min(self.ready - self.given);
                buf[..n].copy_from_slice(&self.output[self.given..self.given + n]);
                self.given += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                (self.start, self.end, self.eof) = (0, n, n == 0);
                self.read += n as u64;
                if self.eof && self.read % 2 == 1 {
                    // The decoder holds the odd byte; asked without `last`, it keeps it.
                    self.cut_short = true;
                    self.done = true;
                    continue;
                }
            }
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(&self.input[self.start..self.end], &mut self.output, self.eof);
            self.start += read;
            (self.given, self.ready) = (0, written);
            self.done = self.eof && result == encoding_rs::CoderResult::InputEmpty;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(path: &Path) -> Vec<Item> {
        spawn(path.to_path_buf(), 1 << 20, InputConfig::default()).into_iter().collect()
    }

    #[test]
    fn zip_member_names_in_utf8_or_gbk() {
        assert_eq!(member_name("新闻/北京报道.txt".as_bytes()).as_deref(), Some("新闻/北京报道.txt"));
        let gbk = encoding_rs::GBK.encode("新闻/北京报道.txt").0;
        assert_eq!(member_name(&gbk).as_deref(), Some("新闻/北京报道.txt"));
        assert_eq!(member_name(&[0x81, 0x20, 0xff]), None);
    }

    /// A stream over the limit is read one byte past it and no further: an endless one (a
    /// compression bomb, here `repeat`) ends at once rather than be expanded to be measured.
    #[test]
    fn a_stream_over_the_limit_is_read_no_further() {
        let mut buf = b"head".to_vec();
        assert_eq!(read_bounded(&mut std::io::repeat(b'a'), &mut buf, 1000).unwrap(), Some(1001));
        assert_eq!(buf.len(), 1001);
        let mut small = Vec::new();
        assert_eq!(read_bounded(&mut &b"short"[..], &mut small, 1000).unwrap(), None);
    }

    #[test]
    fn json_lines_may_open_with_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bom.jsonl");
        std::fs::write(&p, "\u{feff}{\"text\": \"第一条。\"}\n").unwrap();
        assert!(collect(&p)[0].is_ok(), "a byte-order mark before the first record");
    }

    /// JSON Lines saved in GBK (塡 and 乗, whose second bytes are backslashes) or in UTF-16,
    /// with and without a byte-order mark: every record is read, named with the file's
    /// encoding.
    #[test]
    fn json_lines_in_gbk_and_utf16() {
        let lines = "{\"text\": \"塡表乗车，第一条。\", \"title\": \"甲\"}\n{\"text\": \"第二条。\"}\n";
        let mut utf16le = vec![0xff, 0xfe];
        let mut utf16be_without_bom = Vec::new();
        for u in lines.encode_utf16() {
            utf16le.extend_from_slice(&u.to_le_bytes());
            utf16be_without_bom.extend_from_slice(&u.to_be_bytes());
        }
        let (gbk, _, _) = encoding_rs::GBK.encode(lines);
        assert!(gbk.windows(2).any(|w| w[1] == b'\\'), "the test needs a trail byte that is a backslash");
        let decoder = crate::decode::Decoder::new(
            &crate::config::DecodeConfig::default(),
            std::sync::Arc::new(crate::lexicon::Lexicon::new(&None, &None).unwrap()),
        );
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, encoding) in [
            ("gbk.jsonl", gbk.into_owned(), "GBK"),
            ("le.jsonl", utf16le, "UTF-16LE"),
            ("be.jsonl", utf16be_without_bom, "UTF-16BE"),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let got: Vec<RawDoc> = collect(&p).into_iter().map(|r| r.expect(name)).collect();
            assert_eq!(got.len(), 2, "{name}");
            assert_eq!(got[0].bytes, "塡表乗车，第一条。".as_bytes(), "{name}");
            assert_eq!(got[0].fields.as_ref().unwrap().title.as_deref(), Some("甲"), "{name}");
            let doc = decoder.decode(got[1].clone()).unwrap();
            assert_eq!((doc.encoding, doc.raw_text.as_str()), (encoding, "第二条。"), "{name}");
            assert!(doc.repairs.is_empty(), "{name}: {:?}", doc.repairs);
        }
        // A UTF-8 line with one character cut in two stays UTF-8, the cut a repair.
        let mut damaged = "{\"text\": \"第三条新闻，".as_bytes().to_vec();
        damaged.extend_from_slice(&"续".as_bytes()[..2]);
        damaged.extend_from_slice("记者报道。\"}\n".as_bytes());
        let p = dir.path().join("damaged.jsonl");
        std::fs::write(&p, damaged).unwrap();
        let doc = decoder.decode(collect(&p).remove(0).unwrap()).unwrap();
        assert_eq!((doc.encoding, doc.raw_text.as_str()), ("UTF-8", "第三条新闻，\u{FFFD}记者报道。"));
        assert_eq!(doc.repairs, ["malformed_bytes:1"]);
    }

    /// What one short line, or the first 512 bytes, would misjudge: the encoding of a JSON
    /// Lines file is judged from its first 64 KiB.
    #[test]
    fn json_lines_encoding_is_judged_from_the_whole_head() {
        let jsonl = |texts: &[String]| -> String { texts.iter().map(|t| format!("{{\"text\": \"{t}\"}}\n")).collect() };
        let decoder = crate::decode::Decoder::new(
            &crate::config::DecodeConfig { force_encoding: "gbk".into(), ..Default::default() },
            std::sync::Arc::new(crate::lexicon::Lexicon::new(&None, &None).unwrap()),
        );
        let dir = tempfile::tempdir().unwrap();
        let read = |name: &str, bytes: &[u8], texts: &[String], encoding: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let got = collect(&p);
            assert_eq!(got.len(), texts.len(), "{name}: {got:?}");
            for (item, want) in got.into_iter().zip(texts) {
                // decode.force_encoding = "gbk" does not apply to a record's UTF-8 text.
                let doc = decoder.decode(item.expect(name)).unwrap();
                assert_eq!((doc.raw_text.as_str(), doc.encoding), (want.as_str(), encoding), "{name}");
            }
        };
        // UTF-16 without a BOM whose first 512 bytes hold NULs on both parities (一 is 4E00).
        let long: Vec<String> =
            (0..5).map(|i| format!("第{i}篇：{}", "一年一度的全国两会今天开幕。".repeat(12))).collect();
        let utf16: Vec<u8> = jsonl(&long).encode_utf16().flat_map(u16::to_le_bytes).collect();
        read("utf16.jsonl", &utf16, &long, "UTF-16LE");
        // Big5, its first line too short to tell Big5 from EUC-KR alone.
        let mut big5: Vec<String> = vec!["Taipei report: 報導 in the news today.".into()];
        big5.extend((0..5).map(|i| format!("第{i}則：臺灣新聞報導，許功蓋經濟發展與市場動態，記者現場報導。")));
        let bytes = encoding_rs::BIG5.encode(&jsonl(&big5)).0.into_owned();
        read("big5.jsonl", &bytes, &big5, "Big5");
        // GBK with a UTF-8 byte-order mark, and a short line whose GBK bytes are valid UTF-8.
        let mut gbk: Vec<String> =
            (0..3).map(|i| format!("第{i}条：国务院新闻办公室今天举行发布会，介绍经济运行情况。")).collect();
        gbk.push("Shanghai daily report: 一同 attended the meeting.".into());
        assert!(std::str::from_utf8(&encoding_rs::GBK.encode("一同").0).is_ok());
        let bytes = encoding_rs::GBK.encode(&jsonl(&gbk)).0.into_owned();
        read("gbk.jsonl", &[b"\xEF\xBB\xBF".as_slice(), &bytes].concat(), &gbk, "GBK");
        // UTF-16 one byte short: every record kept, the dropped byte a `corrupt` row.
        let mut cut = [[0xff, 0xfe].as_slice(), &utf16].concat();
        cut.pop();
        let p = dir.path().join("cut.jsonl");
        std::fs::write(&p, cut).unwrap();
        let got = collect(&p);
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), long.len(), "{got:?}");
        assert_eq!(got.last().unwrap().as_ref().unwrap_err().kind, "corrupt");
    }

    /// CSV and TSV dumps: quoted cells holding commas, quotation marks and newlines; GBK
    /// cells; a spreadsheet's UTF-16 TSV export; a header without a text column.
    #[test]
    fn csv_and_tsv_rows() {
        let dir = tempfile::tempdir().unwrap();
        let decoder = crate::decode::Decoder::new(
            &crate::config::DecodeConfig::default(),
            std::sync::Arc::new(crate::lexicon::Lexicon::new(&None, &None).unwrap()),
        );
        let csv = "ID,标题,Content,发布时间\n\
                   7,甲,\"第一段，有逗号。\n第二段有\"\"引号\"\"。\",2024-09-28\n\
                   \n\
                   8,乙,,2024-09-29\n\
                   9,丙,塡表乗车，第三条。,\n";
        let want = ["第一段，有逗号。\n第二段有\"引号\"。", "塡表乗车，第三条。"];
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(csv.replace(',', "\t").encode_utf16().flat_map(u16::to_le_bytes));
        for (name, bytes, encoding) in [
            ("a.csv", csv.as_bytes().to_vec(), "UTF-8"),
            ("b.csv", encoding_rs::GBK.encode(csv).0.into_owned(), "GBK"),
            ("c.tsv", utf16, "UTF-16LE"),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let got = collect(&p);
            assert_eq!(got.len(), 3, "{name}: {got:?}");
            let first = got[0].as_ref().unwrap();
            assert!(first.source_path.ends_with(&format!("{name}#1")), "{}", first.source_path);
            let f = first.fields.as_ref().unwrap();
            assert_eq!(
                (f.id.as_deref(), f.title.as_deref(), f.date.as_deref()),
                (Some("7"), Some("甲"), Some("2024-09-28"))
            );
            let empty = got[1].as_ref().unwrap_err();
            assert_eq!((empty.kind, empty.source_path.ends_with("#2")), ("bad_record", true), "{empty:?}");
            for (item, text) in [&got[0], &got[2]].into_iter().zip(want) {
                let doc = decoder.decode(item.clone().unwrap()).unwrap();
                assert_eq!((doc.encoding, doc.raw_text.as_str(), doc.format), (encoding, text, "csv"), "{name}");
            }
        }
        // A UTF-16 export one byte short keeps its rows; the dropped byte is a `corrupt` row.
        let mut cut = [
            [0xff, 0xfe].as_slice(),
            &csv.replace(',', "\t").encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>(),
        ]
        .concat();
        cut.pop();
        let p = dir.path().join("cut.tsv");
        std::fs::write(&p, cut).unwrap();
        let got = collect(&p);
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 2, "{got:?}");
        assert_eq!(got.last().unwrap().as_ref().unwrap_err().kind, "corrupt");
        let p = dir.path().join("no_text.csv");
        std::fs::write(&p, "id,title\n1,甲\n").unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 1);
        assert!(got[0].as_ref().unwrap_err().message.contains("text column"), "{got:?}");
    }

    #[test]
    fn json_lines_with_nan_read_it_as_null() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        let lines = [
            r#"{"text":"第一篇","views":NaN,"score":-Infinity,"title":"NaN, \"Infinity\""}"#,
            r#"{"text":"第二篇","ratio":Infinity}"#,
            r#"{"text":"第三篇","views":NaNa}"#,
        ];
        std::fs::write(&p, lines.join("\n")).unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 3);
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.bytes, "第一篇".as_bytes());
        assert_eq!(first.fields.as_ref().unwrap().title.as_deref(), Some("NaN, \"Infinity\""));
        assert_eq!(got[1].as_ref().unwrap().bytes, "第二篇".as_bytes());
        assert_eq!(got[2].as_ref().unwrap_err().kind, "bad_record");
    }

    #[test]
    fn a_tsv_cell_with_a_stray_quotation_mark_keeps_the_rows_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tsv");
        let tsv = "id\ttitle\ttext\n\
                   1\t\"三抓三促\"行动启动\t第一篇。\n\
                   2\t乙\t第二篇。\n\
                   3\t丙\t第三篇说\"好\"。\n\
                   4\t丁\t\"第四篇\n分两行\"\n\
                   5\t\"未闭合的标题\t第五篇。\n\
                   6\t己\t第六篇。\n\
                   7\t\"三抓三促\"行动\t\"第一段。\n第二段。\"\n\
                   8\t庚\t\"第一段\t含制表符。\n第二段。\"\n\
                   9\t\"三抓三促\"行动\t\"第一段\t含制表符。\n第二段。\"\n\
                   10\t辛\t\"第一段\t含制表符。\n第二段。\"\t\n";
        std::fs::write(&p, tsv).unwrap();
        let got: Vec<RawDoc> = collect(&p).into_iter().map(Result::unwrap).collect();
        let rows: Vec<(String, String, String)> = got
            .iter()
            .map(|d| {
                let f = d.fields.as_ref().unwrap();
                (f.id.clone().unwrap(), f.title.clone().unwrap(), String::from_utf8(d.bytes.clone()).unwrap())
            })
            .collect();
        let want = [
            ("1", "\"三抓三促\"行动启动", "第一篇。"),
            ("2", "乙", "第二篇。"),
            ("3", "丙", "第三篇说\"好\"。"),
            ("4", "丁", "第四篇\n分两行"),
            ("5", "\"未闭合的标题", "第五篇。"),
            ("6", "己", "第六篇。"),
            ("7", "\"三抓三促\"行动", "第一段。\n第二段。"),
            ("8", "庚", "第一段\t含制表符。\n第二段。"),
            ("9", "\"三抓三促\"行动", "第一段\t含制表符。\n第二段。"),
            ("10", "辛", "第一段\t含制表符。\n第二段。"),
        ];
        assert_eq!(rows.len(), want.len(), "{rows:?}");
        for (got, want) in rows.iter().zip(want) {
            assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str()), want);
        }
        assert!(got[3].source_path.ends_with("a.tsv#4"), "{}", got[3].source_path);
    }

    #[test]
    fn json_lines_with_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        std::fs::write(
            &p,
            "{\"text\":\"第一篇\",\"title\":\"甲\",\"id\":7}\nnot json\n\n{\"summary\":\"x\"}\n{\"text\":\"第二篇\"}\n",
        )
        .unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 4);
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.bytes, "第一篇".as_bytes());
        assert!(first.source_path.ends_with("a.jsonl:1"));
        assert_eq!(first.fields.as_ref().unwrap().id.as_deref(), Some("7"));
        let bad = got[1].as_ref().unwrap_err();
        assert_eq!(bad.kind, "bad_record");
        assert!(bad.source_path.ends_with(":2") && bad.message.contains("line 2"));
        assert!(got[2].as_ref().unwrap_err().message.contains("\"text\""));
        assert!(got[3].as_ref().unwrap().source_path.ends_with(":5"));
    }

    #[test]
    fn json_lines_fields_under_common_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        let lines = [
            r#"{"Content":"正文","headline":"标题","link":"https://x/1","pub_time":"2025-12-04 08:30","media":"明报"}"#,
            // The names in the order listed, not the keys' order; the configured name in any
            // case; a blank value is none.
            r#"{"text":"","body":"摘要","content":"全文","TITLE":"题","time":"08:30","发布时间":"2025-12-04","media":"video","来源":"新华社"}"#,
        ];
        std::fs::write(&p, lines.join("\n")).unwrap();
        let got = collect(&p);
        let fields = |k: usize| {
            let doc = got[k].as_ref().unwrap();
            let f = doc.fields.as_ref().unwrap();
            let text = String::from_utf8(doc.bytes.clone()).unwrap();
            (text, f.title.clone(), f.url.clone(), f.date.clone(), f.source.clone())
        };
        let o = |s: &str| Some(s.to_string());
        assert_eq!(fields(0), ("正文".into(), o("标题"), o("https://x/1"), o("2025-12-04 08:30"), o("明报")));
        assert_eq!(fields(1), ("全文".into(), o("题"), None, o("2025-12-04"), o("新华社")));
    }

    #[test]
    fn gzip_tar_and_zip_members() {
        let dir = tempfile::tempdir().unwrap();
        // tar.gz with a text file and a JSON Lines file
        let tgz = dir.path().join("dump.tar.gz");
        {
            let gz = flate2::write::GzEncoder::new(File::create(&tgz).unwrap(), flate2::Compression::fast());
            let mut t = tar::Builder::new(gz);
            for (name, body) in
                [("a/one.txt", "第一篇".as_bytes()), ("b.jsonl", b"{\"text\":\"x\"}\n{\"text\":\"y\"}\n")]
            {
                let mut h = tar::Header::new_gnu();
                h.set_size(body.len() as u64);
                h.set_mode(0o644);
                h.set_cksum();
                t.append_data(&mut h, name, body).unwrap();
            }
            t.into_inner().unwrap().finish().unwrap();
        }
        let got: Vec<String> = collect(&tgz).into_iter().map(|r| r.unwrap().source_path).collect();
        assert_eq!(got.len(), 3);
        assert!(got[0].ends_with("dump.tar.gz!a/one.txt"), "{got:?}");
        assert!(got[2].ends_with("dump.tar.gz!b.jsonl:2"), "{got:?}");
        // zip with an HTML page
        let z = dir.path().join("pages.zip");
        {
            let mut w = zip::ZipWriter::new(File::create(&z).unwrap());
            w.start_file("p/1.html", zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all("<html><body><p>正文。</p></body></html>".as_bytes()).unwrap();
            w.finish().unwrap();
        }
        let got = collect(&z);
        let d = got[0].as_ref().unwrap();
        assert!(d.source_path.ends_with("pages.zip!p/1.html"));
        assert_eq!(d.format, InputFormat::Html);
        // a corrupt gzip is one error row
        let bad = dir.path().join("broken.txt.gz");
        std::fs::write(&bad, b"\x1f\x8b\x08\x00garbage").unwrap();
        let got = collect(&bad);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].as_ref().unwrap_err().kind, "corrupt");
    }

    #[test]
    fn records_with_attributes_and_wikiextractor_dumps() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("wiki.xml");
        std::fs::write(
            &p,
            "<doc id=\"12\" url=\"https://zh.wikipedia.org/wiki?curid=12\" title=\"数学\">\n数学\n数学是研究数量的学科。\n</doc>\n\
             <doc docid='x' id='13'><content>正文。</content></doc>\n<doc >\n</doc>\n</doc>\n<doc </doc>",
        )
        .unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 5, "{got:?}");
        let d = got[0].as_ref().unwrap();
        assert_eq!(String::from_utf8_lossy(&d.bytes), "数学\n\n数学\n数学是研究数量的学科。\n");
        let f = d.fields.as_ref().unwrap();
        assert_eq!((f.id.as_deref(), f.url.as_deref()), (Some("12"), Some("https://zh.wikipedia.org/wiki?curid=12")));
        let d = got[1].as_ref().unwrap();
        assert_eq!(String::from_utf8_lossy(&d.bytes), "\n正文。");
        assert_eq!(d.fields.as_ref().unwrap().id.as_deref(), Some("13"), "docid= is another attribute");
        // An empty record, a stray </doc>, a tag cut off: rows in `errors`, not lost.
        for e in &got[2..] {
            assert_eq!(e.as_ref().unwrap_err().kind, "bad_record");
        }
    }

    #[test]
    fn record_dumps_are_known_by_their_first_bytes() {
        assert!(opens_records(b"\xEF\xBB\xBF\n<doc>\n<url>"));
        assert!(opens_records(b"<?xml version=\"1.0\" encoding=\"gbk\"?>\n<doc id=\"1\">"));
        assert!(!opens_records(b"<document>"));
        assert!(!opens_records(b"\xE6\x96\xB0\xE5\x8D\x8E <doc>"));
        // SogouCS's archive holds news_tensite_xml.dat: a member named as data, read as records.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("news_tensite_xml.full.tar.gz");
        let (gbk, _, _) = encoding_rs::GBK.encode("<doc>\n<url>http://a.cn/1</url>\n<contenttitle>标题</contenttitle>\n<content>正文。</content>\n</doc>\n<doc>\n<content>又一条。</content>\n</doc>\n");
        let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(File::create(&p).unwrap(), Default::default()));
        let mut header = tar::Header::new_gnu();
        header.set_size(gbk.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "news_tensite_xml.dat", &gbk[..]).unwrap();
        tar.into_inner().unwrap().finish().unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[1].as_ref().unwrap().source_path.ends_with("news_tensite_xml.dat#2"));
    }

    /// A zip of a.txt and b.txt, one short article each.
    fn two_member_zip() -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut w = zip::ZipWriter::new(Cursor::new(&mut bytes));
        for (name, text) in [("a.txt", "第一篇。"), ("b.txt", "第二篇。")] {
            w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        bytes
    }

    #[test]
    fn an_encrypted_zip_member_is_reported_as_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("a.zip");
        let mut bytes = two_member_zip();
        // Flag the first member encrypted (bit 0 of the flags, in its local header and in
        // its central directory entry): the writer here has no cipher built in.
        let local = memchr::memmem::find(&bytes, b"PK\x03\x04").unwrap();
        bytes[local + 6] |= 1;
        let central = memchr::memmem::find(&bytes, b"PK\x01\x02").unwrap();
        bytes[central + 8] |= 1;
        std::fs::write(&z, &bytes).unwrap();
        let got = collect(&z);
        assert_eq!(got.len(), 2, "{got:?}");
        let e = got[0].as_ref().unwrap_err();
        assert_eq!(e.kind, "encrypted", "{e:?}");
        assert!(e.source_path.ends_with("a.zip!a.txt"), "{e:?}");
        assert!(got[1].as_ref().is_ok_and(|d| d.source_path.ends_with("a.zip!b.txt")));
    }

    #[test]
    fn tar_member_names_in_gbk() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("a.tar");
        {
            let mut b = tar::Builder::new(File::create(&t).unwrap());
            let (gbk, _, _) = encoding_rs::GBK.encode("新闻/北京报道.txt");
            let body = "第一篇。".as_bytes();
            let mut h = tar::Header::new_gnu();
            h.set_size(body.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, std::ffi::OsStr::from_bytes(&gbk), body).unwrap();
            b.finish().unwrap();
        }
        let got = collect(&t);
        assert!(got[0].as_ref().unwrap().source_path.ends_with("a.tar!新闻/北京报道.txt"), "{got:?}");
    }

    #[test]
    fn zip_members_under_one_name_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("a.zip");
        let mut bytes = two_member_zip();
        // The writer refuses a name twice; rename the second member in place (the name is in
        // its local header and in the central directory, and no checksum covers it).
        let mut at = 0;
        while let Some(i) = memchr::memmem::find(&bytes[at..], b"b.txt") {
            bytes[at + i] = b'a';
            at += i + 1;
        }
        std::fs::write(&z, &bytes).unwrap();
        let got = collect(&z);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].as_ref().is_err_and(|e| e.kind == "corrupt" && e.message.contains("share a name")));
        assert!(got[1].is_ok());
    }

    #[test]
    fn a_damaged_stream_keeps_the_text_before_the_damage() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), Default::default());
        gz.write_all("新华社北京电。".as_bytes()).unwrap();
        let mut bytes = gz.finish().unwrap();
        bytes.extend([0u8; 512]);
        std::fs::write(&p, &bytes).unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].as_ref().unwrap().bytes, "新华社北京电。".as_bytes());
        assert_eq!(got[1].as_ref().unwrap_err().kind, "corrupt");
    }

    #[test]
    fn a_record_the_files_end_cuts_is_kept_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("news.xml");
        let whole = "<doc>\n<url>http://a.cn/1</url>\n<contenttitle>标题一</contenttitle>\n<content>正文一。</content>\n</doc>\n";
        std::fs::write(
            &p,
            format!(
                "{whole}<doc>\n<url>http://a.cn/2</url>\n<contenttitle>标题二</contenttitle>\n<content>正文二,写到"
            ),
        )
        .unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 3, "{got:?}");
        let d = got[1].as_ref().unwrap();
        assert!(d.source_path.ends_with("news.xml#2"));
        assert_eq!(String::from_utf8_lossy(&d.bytes), "标题二\n正文二,写到");
        assert_eq!(d.fields.as_ref().unwrap().url.as_deref(), Some("http://a.cn/2"));
        let e = got[2].as_ref().unwrap_err();
        assert_eq!((e.kind, e.source_path.ends_with("news.xml#2")), ("truncated", true), "{e:?}");
        // Cut inside the closing tag, or inside a character: neither is text.
        std::fs::write(&p, format!("{whole}<doc>\n<contenttitle>标题二</contenttitle>\n<content>正文二。</con"))
            .unwrap();
        let got = collect(&p);
        assert_eq!(String::from_utf8_lossy(&got[1].as_ref().unwrap().bytes), "标题二\n正文二。");
        let mut cut = format!("{whole}<doc>\n<content>正文二").into_bytes();
        cut.extend_from_slice(&"三".as_bytes()[..2]);
        std::fs::write(&p, cut).unwrap();
        assert_eq!(String::from_utf8_lossy(&collect(&p)[1].as_ref().unwrap().bytes), "\n正文二");
        // Cut before its content or inside its tag: no text, a truncated row.
        for tail in ["<doc>\n<url>http://a.cn/3</url>\n<contentti", "<doc id=\"3\" url=\"http://a"] {
            std::fs::write(&p, format!("{whole}{tail}")).unwrap();
            let got = collect(&p);
            assert_eq!(got.len(), 2, "{got:?}");
            assert_eq!(got[1].as_ref().unwrap_err().kind, "truncated");
        }
        // A comment after the last record that names <doc> opens no record.
        std::fs::write(&p, format!("{whole}<!-- end of <doc> dump -->\n")).unwrap();
        assert_eq!(collect(&p).len(), 1);
        // What follows the last record and opens none (a wrapper's closing tag) is no record.
        std::fs::write(&p, format!("<corpus>\n{whole}</corpus>\n")).unwrap();
        assert_eq!(collect(&p).len(), 1);
    }

    #[test]
    fn sogou_records() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("news.xml");
        let (gbk, _, _) = encoding_rs::GBK.encode("<doc>\n<url>http://a.cn/1</url>\n<docno>d1</docno>\n<contenttitle>标题一</contenttitle>\n<content>正文一。</content>\n</doc>\n<doc>\n<url>http://a.cn/2</url>\n<contenttitle>标题二</contenttitle>\n<content>正文二。</content>\n</doc>\n");
        std::fs::write(&p, &gbk).unwrap();
        let got = collect(&p);
        assert_eq!(got.len(), 2);
        let d = got[0].as_ref().unwrap();
        assert!(d.source_path.ends_with("news.xml#1"));
        assert_eq!(d.fields.as_ref().unwrap().url.as_deref(), Some("http://a.cn/1"));
        assert_eq!(d.fields.as_ref().unwrap().id.as_deref(), Some("d1"));
        let (text, _, _) = encoding_rs::GBK.decode(&d.bytes);
        assert_eq!(text, "标题一\n正文一。");
    }
}
