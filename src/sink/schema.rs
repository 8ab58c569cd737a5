//! The output tables: their Arrow schemas and the builders that turn documents into record
//! batches. This is the one place that knows table and column names (STYLE.md 2.1); the
//! `zhetl schema` command prints what is defined here.

use std::ops::Range;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float32Builder, Float64Builder, ListBuilder, StringBuilder,
    TimestampMillisecondBuilder, UInt16Builder, UInt32Builder, UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::config::OutputConfig;
use crate::document::Document;
use crate::error::{DocError, Result};

/// Time zone of `documents.published_at`: Chinese news gives Beijing time.
pub const TIME_ZONE: &str = "Asia/Shanghai";

/// Every output table, in the order they are written and listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// One row per document.
    Documents,
    /// One row per non-empty input line.
    Paragraphs,
    /// One row per sentence of the kept text.
    Sentences,
    /// One row per word.
    Tokens,
    /// Places, people, organisations, campaigns.
    Entities,
    /// Numbers with units.
    Quantities,
    /// Direct quotes.
    Quotes,
    /// Keywords per document.
    Keywords,
    /// Dates and periods named in the body.
    Dates,
    /// Near-duplicate pairs: a document and the earlier one it copies.
    Duplicates,
    /// Inputs that failed.
    Errors,
}

impl Table {
    /// All tables.
    pub const ALL: [Table; 11] = [
        Table::Documents,
        Table::Paragraphs,
        Table::Sentences,
        Table::Tokens,
        Table::Entities,
        Table::Quantities,
        Table::Quotes,
        Table::Keywords,
        Table::Dates,
        Table::Duplicates,
        Table::Errors,
    ];

    /// Position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The table a folder name (`tokens`) names, as the config writes it.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Folder name under OUT.
    pub fn name(self) -> &'static str {
        match self {
            Table::Documents => "documents",
            Table::Paragraphs => "paragraphs",
            Table::Sentences => "sentences",
            Table::Tokens => "tokens",
            Table::Entities => "entities",
            Table::Quantities => "quantities",
            Table::Quotes => "quotes",
            Table::Keywords => "keywords",
            Table::Dates => "dates",
            Table::Duplicates => "duplicates",
            Table::Errors => "errors",
        }
    }

    /// The table's Arrow schema.
    pub fn schema(self) -> SchemaRef {
        use DataType::*;
        let list = || List(Arc::new(Field::new("item", Utf8, true)));
        let f = |name: &str, t: DataType, nullable: bool| Field::new(name, t, nullable);
        let doc_id = || f("doc_id", Utf8, false);
        let fields = match self {
            Table::Documents => vec![
                doc_id(),
                f("source_path", Utf8, false),
                f("source_bytes", UInt64, false),
                f("encoding", Utf8, false),
                f("encoding_confidence", Float32, false),
                f("repairs", list(), false),
                f("warnings", list(), false),
                f("script", Utf8, false),
                f("title", Utf8, true),
                f("subtitle", Utf8, true),
                f("published_date", Date32, true),
                f("published_at", Timestamp(TimeUnit::Millisecond, Some(TIME_ZONE.into())), true),
                f("source", Utf8, true),
                f("authors", list(), false),
                f("editors", list(), false),
                f("url", Utf8, true),
                f("text", Utf8, false),
                f("n_chars", UInt32, false),
                f("n_sentences", UInt32, false),
                f("n_tokens", UInt32, false),
                f("text_hash", Utf8, false),
                f("duplicate_of", Utf8, true),
                f("format", Utf8, false),
                f("record_id", Utf8, true),
            ],
            Table::Paragraphs => vec![
                doc_id(),
                f("paragraph_idx", UInt32, false),
                f("role", Utf8, false),
                f("text", Utf8, false),
                f("kept", Boolean, false),
                f("start", UInt32, true),
            ],
            Table::Sentences => vec![
                doc_id(),
                f("sentence_idx", UInt32, false),
                f("paragraph_idx", UInt32, false),
                f("start", UInt32, false),
                f("end", UInt32, false),
                f("text", Utf8, false),
            ],
            Table::Tokens => vec![
                doc_id(),
                f("sentence_idx", UInt32, false),
                f("token_idx", UInt32, false),
                f("token", Utf8, false),
                f("pos", Utf8, false),
                f("start", UInt32, false),
            ],
            Table::Entities => vec![
                doc_id(),
                f("sentence_idx", UInt32, false),
                f("kind", Utf8, false),
                f("text", Utf8, false),
                f("normalized", Utf8, false),
                f("role", Utf8, true),
                f("level", Utf8, true),
                f("adcode", Utf8, true),
                f("province", Utf8, true),
                f("city", Utf8, true),
                f("county", Utf8, true),
                f("start", UInt32, false),
                f("end", UInt32, false),
            ],
            Table::Quantities => vec![
                doc_id(),
                f("sentence_idx", UInt32, false),
                f("text", Utf8, false),
                f("value", Float64, false),
                f("value_max", Float64, true),
                f("unit", Utf8, false),
                f("kind", Utf8, false),
                f("qualifier", Utf8, true),
                f("object", Utf8, true),
                f("start", UInt32, false),
                f("end", UInt32, false),
            ],
            Table::Quotes => vec![
                doc_id(),
                f("sentence_idx", UInt32, false),
                f("speaker", Utf8, true),
                f("speaker_role", Utf8, true),
                f("text", Utf8, false),
                f("speaker_source", Utf8, true),
            ],
            Table::Keywords => {
                vec![doc_id(), f("rank", UInt16, false), f("keyword", Utf8, false), f("weight", Float64, false)]
            }
            Table::Dates => vec![
                doc_id(),
                f("sentence_idx", UInt32, false),
                f("text", Utf8, false),
                f("start_date", Date32, true),
                f("end_date", Date32, true),
                f("granularity", Utf8, false),
                f("start", UInt32, false),
                f("end", UInt32, false),
            ],
            Table::Duplicates => {
                vec![doc_id(), f("duplicate_of", Utf8, false), f("similarity", Float64, false)]
            }
            Table::Errors => vec![
                f("source_path", Utf8, false),
                f("doc_id", Utf8, true),
                f("stage", Utf8, false),
                f("kind", Utf8, false),
                f("message", Utf8, false),
                f("source_bytes", UInt64, false),
            ],
        };
        Arc::new(Schema::new(fields))
    }
}

/// Columns of offsets and indexes, which climb within a document: written with delta
/// encoding and no dictionary. The dictionary encoder hashed every one of these values only
/// to outgrow its page limit and fall back; delta-encoded, the People's Daily texts' tables
/// take 18% fewer bytes (tokens 35% fewer) for 11% less writer CPU.
const POSITIONS: [&str; 6] = ["start", "end", "token_idx", "sentence_idx", "paragraph_idx", "rank"];

/// Whether a column is written without statistics (min, max, null count): every `utf8`
/// column, in every table, because no reader can prune with them (the few `list<utf8>`
/// columns of `documents`, one row a document, keep theirs). `doc_id` is a hash, so a
/// row group's range spans nearly all of it; a row group of words, texts, tags (`pos`) or
/// kinds spans nearly all of them, since rows come in document order. The writer compared
/// every value with the running minimum and maximum, two string comparisons a row: without
/// them on `doc_id`, `token` and `text` it took 7% less CPU on the People's Daily texts, and
/// 4% less again without them on the other strings (`pos` is one a word). Numbers and dates
/// (`published_date`, `value`, the positions) keep theirs.
fn without_statistics(t: &DataType) -> bool {
    matches!(t, DataType::Utf8)
}

/// How every table is encoded: zstd at `output.zstd_level`, row groups of at most
/// `output.row_group_rows`, [`POSITIONS`] delta-encoded, strings without statistics
/// ([`without_statistics`]). `zhetl run` and `zhetl bench` both
/// write with these, so the benchmark measures the encoding a run does.
///
/// # Errors
/// `Error::Parquet` for a zstd level the codec refuses.
pub fn writer_properties(cfg: &OutputConfig) -> Result<WriterProperties> {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(cfg.zstd_level)?))
        .set_max_row_group_row_count(Some(cfg.row_group_rows))
        .set_created_by(format!("zhetl {}", env!("CARGO_PKG_VERSION")));
    for c in POSITIONS {
        b = b
            .set_column_dictionary_enabled(ColumnPath::from(c), false)
            .set_column_encoding(ColumnPath::from(c), Encoding::DELTA_BINARY_PACKED);
    }
    for t in Table::ALL {
        for f in t.schema().fields().iter().filter(|f| without_statistics(f.data_type())) {
            b = b.set_column_statistics_enabled(ColumnPath::from(f.name().as_str()), EnabledStatistics::None);
        }
    }
    Ok(b.build())
}

/// The contract's name for an Arrow type (`utf8`, `uint32`, `list<utf8>`,
/// `timestamp[ms, tz=Asia/Shanghai]` …), as `zhetl schema` prints it.
pub fn contract_type(t: &DataType) -> String {
    use arrow::datatypes::TimeUnit as U;
    match t {
        DataType::Utf8 => "utf8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Float32 => "float32".into(),
        DataType::Float64 => "float64".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date32 => "date32".into(),
        DataType::List(f) => format!("list<{}>", contract_type(f.data_type())),
        DataType::Timestamp(unit, tz) => {
            let u = match unit {
                U::Second => "s",
                U::Millisecond => "ms",
                U::Microsecond => "us",
                U::Nanosecond => "ns",
            };
            match tz {
                Some(z) => format!("timestamp[{u}, tz={z}]"),
                None => format!("timestamp[{u}]"),
            }
        }
        other => format!("{other:?}").to_lowercase(),
    }
}

/// A string column, its buffers sized by a first pass: grown by doubling, the value buffer
/// of a chunk's tokens was reallocated and copied a dozen times (a tenth of the writer).
fn strs<'a>(it: impl Iterator<Item = &'a str> + Clone) -> ArrayRef {
    let (n, bytes) = it.clone().fold((0, 0), |(n, b), s| (n + 1, b + s.len()));
    let mut b = StringBuilder::with_capacity(n, bytes);
    for s in it {
        b.append_value(s);
    }
    Arc::new(b.finish())
}

fn opt_strs<'a>(it: impl Iterator<Item = Option<&'a str>> + Clone) -> ArrayRef {
    let (n, bytes) = it.clone().fold((0, 0), |(n, b), s| (n + 1, b + s.map_or(0, str::len)));
    let mut b = StringBuilder::with_capacity(n, bytes);
    for s in it {
        b.append_option(s);
    }
    Arc::new(b.finish())
}

fn u32s(it: impl Iterator<Item = u32>) -> ArrayRef {
    let mut b = UInt32Builder::with_capacity(it.size_hint().0);
    for v in it {
        b.append_value(v);
    }
    Arc::new(b.finish())
}

fn lists<'a>(it: impl Iterator<Item = &'a [String]>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for v in it {
        for s in v {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("invariant: epoch")).num_days() as i32
}

/// Hash of the kept text, for spotting exact duplicates.
pub fn text_hash(text: &str) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// Documents per record batch. A chunk's tables built whole at once were the largest
/// passing allocation of a run (about 40 MB for 256 news articles, the tokens table's
/// doc_id column alone 15 MB), and their coincidences set the peak; slices keep it small.
/// Row groups are unchanged: the writer gathers batches into them.
const BATCH_DOCS: usize = 32;

/// Rows of the tokens table per record batch at most. A dump saved as one file is one
/// document: a 37 MB one made a tokens batch of 7 million rows (its doc_id column alone
/// 32 bytes a word), and the run peaked at 1.1 GB.
const BATCH_TOKENS: usize = 1 << 16;

/// Token rows to write together: (document, range of its tokens), in order.
type TokenWindow<'a> = Vec<(&'a Document, Range<usize>)>;

/// The documents' tokens cut into windows of at most `max_rows` rows and [`BATCH_DOCS`]
/// documents, in order; a document with more tokens than `max_rows` is spread over several.
fn token_windows(docs: &[Document], max_rows: usize) -> Vec<TokenWindow<'_>> {
    let mut out = Vec::new();
    let mut window: TokenWindow = Vec::new();
    let mut rows = 0;
    for d in docs {
        let mut at = 0;
        loop {
            if rows == max_rows || window.len() == BATCH_DOCS {
                out.push(std::mem::take(&mut window));
                rows = 0;
            }
            let take = (d.tokens.len() - at).min(max_rows - rows);
            window.push((d, at..at + take));
            rows += take;
            at += take;
            if at == d.tokens.len() {
                break;
            }
        }
    }
    if !window.is_empty() {
        out.push(window);
    }
    out
}

/// Record batches for a chunk of documents and failed inputs: table by table in
/// [`Table::ALL`] order, each in slices of at most [`BATCH_DOCS`] documents, built only as
/// the iterator is advanced. Every table yields at least one batch, empty when it has no rows;
/// a table in `skip` (`output.skip_tables`) yields only that, its rows never built. Failed
/// inputs are never skipped.
///
/// # Errors
/// `Error::Arrow` if a batch does not match its schema (a bug, not bad input).
pub fn batches<'a>(
    docs: &'a [Document],
    errors: &'a [DocError],
    skip: &'a [Table],
) -> impl Iterator<Item = Result<(Table, RecordBatch)>> + 'a {
    Table::ALL.into_iter().flat_map(move |table| {
        let parts: Vec<Part> = match table {
            Table::Errors => vec![Part::Docs(&[], errors)],
            _ if docs.is_empty() || skip.contains(&table) => vec![Part::Docs(&[], &[])],
            Table::Tokens => token_windows(docs, BATCH_TOKENS).into_iter().map(Part::Tokens).collect(),
            _ => docs.chunks(BATCH_DOCS).map(|d| Part::Docs(d, &[])).collect(),
        };
        let schema = table.schema();
        parts.into_iter().map(move |part| {
            let columns = match part {
                Part::Docs(d, e) => columns(table, d, e),
                Part::Tokens(w) => tokens(&w),
            };
            Ok((table, RecordBatch::try_new(schema.clone(), columns)?))
        })
    })
}

/// What one record batch is built from: up to [`BATCH_DOCS`] documents (and the failed
/// inputs, for `errors`), or a window of token rows.
enum Part<'a> {
    Docs(&'a [Document], &'a [DocError]),
    Tokens(TokenWindow<'a>),
}

/// Rows of child tables: (document, item) pairs in document order.
fn rows<'a, T>(docs: &'a [Document], f: impl Fn(&'a Document) -> &'a [T]) -> Vec<(&'a Document, usize, &'a T)> {
    docs.iter().flat_map(|d| f(d).iter().enumerate().map(move |(i, x)| (d, i, x))).collect()
}

/// The tokens table, a row per word and most of the writer's rows, in one pass over the
/// tokens with every buffer sized first: on the People's Daily texts the generic way (a
/// list of rows, then a pass per column, two per string column) took 0.108 s of the
/// table's 0.41 s in the writer, this 0.075 s.
fn tokens(window: &[(&Document, Range<usize>)]) -> Vec<ArrayRef> {
    let n: usize = window.iter().map(|(_, r)| r.len()).sum();
    let id_bytes: usize = window.iter().map(|(d, r)| d.doc_id.len() * r.len()).sum();
    let word_bytes: usize = window.iter().flat_map(|(d, r)| &d.tokens[r.clone()]).map(|t| t.byte_len as usize).sum();
    let mut ids = StringBuilder::with_capacity(n, id_bytes);
    let mut sentence = UInt32Builder::with_capacity(n);
    let mut index = UInt32Builder::with_capacity(n);
    let mut words = StringBuilder::with_capacity(n, word_bytes);
    let mut pos = StringBuilder::with_capacity(n, 2 * n);
    let mut start = UInt32Builder::with_capacity(n);
    for (d, r) in window {
        for (i, t) in d.tokens[r.clone()].iter().enumerate() {
            let i = r.start + i;
            ids.append_value(&d.doc_id);
            sentence.append_value(t.sentence_idx);
            index.append_value(i as u32);
            words.append_value(d.token_text(t));
            pos.append_value(t.pos);
            start.append_value(t.start);
        }
    }
    vec![
        Arc::new(ids.finish()),
        Arc::new(sentence.finish()),
        Arc::new(index.finish()),
        Arc::new(words.finish()),
        Arc::new(pos.finish()),
        Arc::new(start.finish()),
    ]
}

fn columns(table: Table, docs: &[Document], errors: &[DocError]) -> Vec<ArrayRef> {
    match table {
        Table::Documents => {
            let mut conf = Float32Builder::new();
            let mut bytes = UInt64Builder::new();
            let mut date = Date32Builder::new();
            let mut at = TimestampMillisecondBuilder::new().with_timezone(TIME_ZONE);
            for d in docs {
                conf.append_value(d.encoding_confidence);
                bytes.append_value(d.source_bytes);
                date.append_option(d.meta.published_date.map(days));
                // Beijing time is UTC+8 with no daylight saving.
                at.append_option(d.meta.published_at.map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000));
            }
            let hashes: Vec<String> = docs.iter().map(|d| text_hash(&d.text)).collect();
            vec![
                strs(docs.iter().map(|d| d.doc_id.as_str())),
                strs(docs.iter().map(|d| d.source_path.as_str())),
                Arc::new(bytes.finish()),
                strs(docs.iter().map(|d| d.encoding)),
                Arc::new(conf.finish()),
                lists(docs.iter().map(|d| d.repairs.as_slice())),
                lists(docs.iter().map(|d| d.warnings.as_slice())),
                strs(docs.iter().map(|d| d.script)),
                opt_strs(docs.iter().map(|d| d.meta.title.as_deref())),
                opt_strs(docs.iter().map(|d| d.meta.subtitle.as_deref())),
                Arc::new(date.finish()),
                Arc::new(at.finish()),
                opt_strs(docs.iter().map(|d| d.meta.source.as_deref())),
                lists(docs.iter().map(|d| d.meta.authors.as_slice())),
                lists(docs.iter().map(|d| d.meta.editors.as_slice())),
                opt_strs(docs.iter().map(|d| d.meta.url.as_deref())),
                strs(docs.iter().map(|d| d.text.as_str())),
                u32s(docs.iter().map(|d| d.n_chars())),
                u32s(docs.iter().map(|d| d.sentences.len() as u32)),
                u32s(docs.iter().map(|d| d.tokens.len() as u32)),
                strs(hashes.iter().map(String::as_str)),
                opt_strs(docs.iter().map(|d| d.duplicate_of.as_deref())),
                strs(docs.iter().map(|d| if d.format.is_empty() { "text" } else { d.format })),
                opt_strs(docs.iter().map(|d| d.record_id.as_deref())),
            ]
        }
        Table::Paragraphs => {
            let r = rows(docs, |d| d.paragraphs.as_slice());
            let mut kept = BooleanBuilder::new();
            let mut start = UInt32Builder::new();
            for (_, _, p) in &r {
                kept.append_value(p.start.is_some());
                start.append_option(p.start);
            }
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                u32s(r.iter().map(|(_, i, _)| *i as u32)),
                strs(r.iter().map(|(_, _, p)| p.role.as_str())),
                strs(r.iter().map(|(_, _, p)| p.text.as_str())),
                Arc::new(kept.finish()),
                Arc::new(start.finish()),
            ]
        }
        Table::Sentences => {
            let r = rows(docs, |d| d.sentences.as_slice());
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                u32s(r.iter().map(|(_, i, _)| *i as u32)),
                u32s(r.iter().map(|(_, _, s)| s.paragraph_idx)),
                u32s(r.iter().map(|(_, _, s)| s.start)),
                u32s(r.iter().map(|(_, _, s)| s.end)),
                strs(r.iter().map(|(d, _, s)| d.sentence_text(s))),
            ]
        }
        Table::Tokens => tokens(&docs.iter().map(|d| (d, 0..d.tokens.len())).collect::<Vec<_>>()),
        Table::Entities => {
            let r = rows(docs, |d| d.entities.as_slice());
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                u32s(r.iter().map(|(_, _, e)| e.sentence_idx)),
                strs(r.iter().map(|(_, _, e)| e.kind.as_str())),
                strs(r.iter().map(|(_, _, e)| e.text.as_str())),
                strs(r.iter().map(|(_, _, e)| e.normalized.as_str())),
                opt_strs(r.iter().map(|(_, _, e)| e.role.as_deref())),
                opt_strs(r.iter().map(|(_, _, e)| e.level)),
                opt_strs(r.iter().map(|(_, _, e)| e.adcode.as_deref())),
                opt_strs(r.iter().map(|(_, _, e)| e.province.as_deref())),
                opt_strs(r.iter().map(|(_, _, e)| e.city.as_deref())),
                opt_strs(r.iter().map(|(_, _, e)| e.county.as_deref())),
                u32s(r.iter().map(|(_, _, e)| e.start)),
                u32s(r.iter().map(|(_, _, e)| e.end)),
            ]
        }
        Table::Quantities => {
            let r = rows(docs, |d| d.quantities.as_slice());
            let mut value = Float64Builder::new();
            let mut value_max = Float64Builder::new();
            for (_, _, q) in &r {
                value.append_value(q.value);
                value_max.append_option(q.value_max);
            }
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                u32s(r.iter().map(|(_, _, q)| q.sentence_idx)),
                strs(r.iter().map(|(_, _, q)| q.text.as_str())),
                Arc::new(value.finish()),
                Arc::new(value_max.finish()),
                strs(r.iter().map(|(_, _, q)| q.unit.as_str())),
                strs(r.iter().map(|(_, _, q)| q.kind)),
                opt_strs(r.iter().map(|(_, _, q)| q.qualifier.as_deref())),
                opt_strs(r.iter().map(|(_, _, q)| q.object.as_deref())),
                u32s(r.iter().map(|(_, _, q)| q.start)),
                u32s(r.iter().map(|(_, _, q)| q.end)),
            ]
        }
        Table::Quotes => {
            let r = rows(docs, |d| d.quotes.as_slice());
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                u32s(r.iter().map(|(_, _, q)| q.sentence_idx)),
                opt_strs(r.iter().map(|(_, _, q)| q.speaker.as_deref())),
                opt_strs(r.iter().map(|(_, _, q)| q.speaker_role.as_deref())),
                strs(r.iter().map(|(_, _, q)| q.text.as_str())),
                opt_strs(r.iter().map(|(_, _, q)| q.speaker_source)),
            ]
        }
        Table::Keywords => {
            let r = rows(docs, |d| d.keywords.as_slice());
            let mut rank = UInt16Builder::new();
            let mut weight = Float64Builder::new();
            for (_, i, k) in &r {
                rank.append_value(*i as u16 + 1);
                weight.append_value(k.weight);
            }
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                Arc::new(rank.finish()),
                strs(r.iter().map(|(_, _, k)| k.keyword.as_str())),
                Arc::new(weight.finish()),
            ]
        }
        Table::Dates => {
            let r = rows(docs, |d| d.dates.as_slice());
            let mut start = Date32Builder::new();
            let mut end = Date32Builder::new();
            for (_, _, x) in &r {
                start.append_option(x.start_date.map(days));
                end.append_option(x.end_date.map(days));
            }
            vec![
                strs(r.iter().map(|(d, _, _)| d.doc_id.as_str())),
                u32s(r.iter().map(|(_, _, x)| x.sentence_idx)),
                strs(r.iter().map(|(_, _, x)| x.text.as_str())),
                Arc::new(start.finish()),
                Arc::new(end.finish()),
                strs(r.iter().map(|(_, _, x)| x.granularity)),
                u32s(r.iter().map(|(_, _, x)| x.start)),
                u32s(r.iter().map(|(_, _, x)| x.end)),
            ]
        }
        Table::Duplicates => {
            let pairs: Vec<(&str, &str, f64)> = docs
                .iter()
                .filter_map(|d| d.near_duplicate.as_ref().map(|(of, s)| (d.doc_id.as_str(), of.as_str(), *s)))
                .collect();
            let mut sim = Float64Builder::new();
            for (_, _, s) in &pairs {
                sim.append_value(*s);
            }
            vec![strs(pairs.iter().map(|p| p.0)), strs(pairs.iter().map(|p| p.1)), Arc::new(sim.finish())]
        }
        Table::Errors => {
            let mut bytes = UInt64Builder::new();
            for e in errors {
                bytes.append_value(e.source_bytes);
            }
            vec![
                strs(errors.iter().map(|e| e.source_path.as_str())),
                opt_strs(errors.iter().map(|e| e.doc_id.as_deref())),
                strs(errors.iter().map(|e| e.stage.as_str())),
                strs(errors.iter().map(|e| e.kind)),
                strs(errors.iter().map(|e| e.message.as_str())),
                Arc::new(bytes.finish()),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_position_in_all() {
        for (i, t) in Table::ALL.iter().enumerate() {
            assert_eq!(t.index(), i, "{}", t.name());
        }
    }

    #[test]
    fn empty_chunk_builds_every_table() {
        let b: Vec<_> = batches(&[], &[], &[]).collect::<Result<_>>().unwrap();
        assert_eq!(b.len(), Table::ALL.len());
        assert!(b.iter().all(|(_, rb)| rb.num_rows() == 0));
    }

    /// Token windows hold every token once, in order, at most `max_rows` rows and
    /// BATCH_DOCS documents each: a document longer than a window is spread over several.
    #[test]
    fn token_windows_cover_every_token_in_order() {
        let doc = |(k, n): (usize, usize)| {
            let text: String = (0..n).map(|i| char::from_u32(0x4e00 + (k * 7 + i) as u32 % 500).unwrap()).collect();
            let tokens = (0..n as u32)
                .map(|i| crate::document::Token {
                    sentence_idx: i / 3,
                    start: i,
                    len: 1,
                    byte_start: 3 * i,
                    byte_len: 3,
                    pos: if i % 2 == 0 { "n" } else { "v" },
                })
                .collect();
            Document { doc_id: format!("d{k}"), text, tokens, ..Document::default() }
        };
        let sizes = [5, 0, 23, 1, 7].into_iter().chain(std::iter::repeat_n(1, 40));
        let docs: Vec<Document> = sizes.enumerate().map(doc).collect();
        let windows = token_windows(&docs, 8);
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for w in &windows {
            assert!(w.iter().map(|(_, r)| r.len()).sum::<usize>() <= 8);
            assert!(w.len() <= BATCH_DOCS);
            for (d, r) in w {
                let k = docs.iter().position(|x| std::ptr::eq(x, *d)).unwrap();
                seen.extend(r.clone().map(|i| (k, i)));
            }
        }
        let all: Vec<(usize, usize)> =
            docs.iter().enumerate().flat_map(|(k, d)| (0..d.tokens.len()).map(move |i| (k, i))).collect();
        assert_eq!(seen, all);
        // 5 + 0 + 3 tokens fill the first window; the 23-token document goes on over three more.
        assert!(windows.iter().any(|w| w.len() == 1 && w[0].1 == (3..11)), "the 23-token document is split");
        // A chunk's tokens table, built in windows, has the rows of one build, token_idx included.
        let whole = columns(Table::Tokens, &docs, &[]);
        let parts: Vec<Vec<ArrayRef>> = windows.iter().map(|w| tokens(w)).collect();
        for c in 0..whole.len() {
            let pieces: Vec<&dyn arrow::array::Array> = parts.iter().map(|p| p[c].as_ref()).collect();
            assert_eq!(arrow::compute::concat(&pieces).unwrap().as_ref(), whole[c].as_ref());
        }
    }

    /// Written with [`writer_properties`] and read back: the string columns have no
    /// statistics, every other column keeps its own.
    #[test]
    fn statistics_are_left_out_only_for_strings() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let doc = Document {
            doc_id: "0123456789abcdef0123456789abcdef".into(),
            text: "北京".into(),
            tokens: vec![crate::document::Token {
                sentence_idx: 0,
                start: 0,
                len: 2,
                byte_start: 0,
                byte_len: 6,
                pos: "ns",
            }],
            sentences: vec![crate::document::Sentence {
                paragraph_idx: 0,
                start: 0,
                end: 2,
                byte_start: 0,
                byte_end: 6,
            }],
            ..Document::default()
        };
        let props = writer_properties(&crate::config::OutputConfig::default()).unwrap();
        for table in [Table::Tokens, Table::Sentences] {
            let batch =
                batches(std::slice::from_ref(&doc), &[], &[]).map(Result::unwrap).find(|(t, _)| *t == table).unwrap().1;
            let mut w = parquet::arrow::ArrowWriter::try_new(Vec::new(), table.schema(), Some(props.clone())).unwrap();
            w.write(&batch).unwrap();
            let bytes = bytes::Bytes::from(w.into_inner().unwrap());
            let reader = SerializedFileReader::new(bytes).unwrap();
            let rg = reader.metadata().row_group(0);
            for c in rg.columns() {
                let name = c.column_path().string();
                let string = table.schema().field_with_name(&name).is_ok_and(|f| without_statistics(f.data_type()));
                assert_eq!(c.statistics().is_none(), string, "{}.{name}", table.name());
            }
        }
    }

    #[test]
    fn published_at_is_beijing_time() {
        let mut d = Document::default();
        let t = NaiveDate::from_ymd_opt(2022, 5, 26).unwrap().and_hms_opt(22, 58, 46).unwrap();
        d.meta.published_at = Some(t);
        let b: Vec<_> = batches(&[d], &[], &[]).collect::<Result<_>>().unwrap();
        let docs = &b[0].1;
        let col = docs.column_by_name("published_at").unwrap();
        let ts = col.as_any().downcast_ref::<arrow::array::TimestampMillisecondArray>().unwrap();
        // 22:58:46 in Beijing is 14:58:46 UTC.
        assert_eq!(ts.value(0), 1_653_577_126_000);
    }
}
