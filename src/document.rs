//! Plain data passed between stages: `RawDoc` (bytes in) and `Document` (everything the
//! stages learn). No I/O and no behaviour beyond small accessors.
//!
//! Invariant: every offset (`start`, `end`) counts Unicode scalar values in `Document::text`,
//! as the contract requires; `end` is exclusive.

use chrono::{NaiveDate, NaiveDateTime};

/// One input as read from disk: its name and raw bytes.
#[derive(Debug, Clone, Default)]
pub struct RawDoc {
    /// Where it came from: a path, `archive!member`, or `file.jsonl:LINE` for a record.
    pub source_path: String,
    /// The raw bytes, untouched.
    pub bytes: Vec<u8>,
    /// What the bytes are.
    pub format: InputFormat,
    /// Fields the input states outright (a JSON Lines record's title, url, date, source, id),
    /// which override what extraction would find.
    pub fields: Option<Box<Fields>>,
}

/// What an input's bytes are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputFormat {
    /// Text, or markup found by sniffing.
    #[default]
    Text,
    /// An HTML page (by name or by its first bytes).
    Html,
    /// The text field of a JSON Lines record.
    JsonLines,
    /// One record of a record-per-document XML dump (Sogou news format).
    XmlRecord,
    /// One row of a CSV or TSV dump.
    Table,
}

impl InputFormat {
    /// The name written to `documents.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Html => "html",
            InputFormat::JsonLines => "jsonl",
            InputFormat::XmlRecord => "xml",
            InputFormat::Table => "csv",
        }
    }
}

/// Fields a record states outright.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// Title.
    pub title: Option<String>,
    /// Original URL.
    pub url: Option<String>,
    /// Publication date or time as written (2024-09-28, 2024-09-28 08:30:00).
    pub date: Option<String>,
    /// The record's own identifier (`documents.record_id`).
    pub id: Option<String>,
    /// Source outlet, as the dump records it: a scraper knows which site it read, where the
    /// page's own text may name none or only the wire it reposts.
    pub source: Option<String>,
    /// The encoding the record was decoded from before it was parsed, when not UTF-8 (a
    /// JSON Lines or CSV file in GBK or UTF-16, or UTF-8 with bad bytes): `documents.encoding`
    /// names it, not the UTF-8 the record's text arrives in.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl RawDoc {
    /// An input with its name and bytes, as text.
    pub fn new(source_path: impl Into<String>, bytes: Vec<u8>) -> RawDoc {
        RawDoc { source_path: source_path.into(), bytes, ..RawDoc::default() }
    }

    /// The contract's `doc_id`: XXH3-128 of the raw bytes as 32 lowercase hex digits.
    pub fn doc_id(&self) -> String {
        doc_id_of(&self.bytes)
    }
}

/// XXH3-128 of `bytes` as 32 lowercase hex digits.
pub fn doc_id_of(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The role of one line of the input, the `paragraphs.role` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The headline.
    Title,
    /// A second headline line (often after `——`).
    Subtitle,
    /// Date, source, editor and link lines.
    Meta,
    /// The reporters' credit.
    Byline,
    /// A section heading inside the article.
    Heading,
    /// Article text.
    Body,
    /// A photo caption or photo credit.
    Caption,
    /// Site furniture: navigation, copyright, related links, comments.
    Boilerplate,
}

impl Role {
    /// The name written to `paragraphs.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Subtitle => "subtitle",
            Role::Meta => "meta",
            Role::Byline => "byline",
            Role::Heading => "heading",
            Role::Body => "body",
            Role::Caption => "caption",
            Role::Boilerplate => "boilerplate",
        }
    }

    /// Whether lines of this role form `documents.text`.
    pub fn is_kept(self) -> bool {
        matches!(self, Role::Body | Role::Heading)
    }
}

/// One non-empty line of the cleaned input.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// Its role.
    pub role: Role,
    /// The normalised line.
    pub text: String,
    /// Char offset of the line in `Document::text` when kept.
    pub start: Option<u32>,
}

/// One sentence of `Document::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Index of the paragraph (in `Document::paragraphs`) holding it.
    pub paragraph_idx: u32,
    /// Char offset of the first character.
    pub start: u32,
    /// Char offset one past the last character.
    pub end: u32,
    /// Byte offset of the first character (for slicing `text` without a scan).
    pub byte_start: u32,
    /// Byte offset one past the last character.
    pub byte_end: u32,
}

/// One word with its part of speech.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Sentence index.
    pub sentence_idx: u32,
    /// Char offset in `Document::text`.
    pub start: u32,
    /// Char length.
    pub len: u32,
    /// Byte offset in `Document::text`.
    pub byte_start: u32,
    /// Byte length.
    pub byte_len: u32,
    /// jieba part-of-speech tag (ICTCLAS set: n, v, nr, ns, ...).
    pub pos: &'static str,
}

/// What kind of entity a row of `entities` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EntityKind {
    /// A place name.
    #[default]
    Place,
    /// A person's name.
    Person,
    /// A body, company or outlet.
    Organization,
    /// A campaign or slogan name in quotation marks.
    Campaign,
}

impl EntityKind {
    /// The name written to `entities.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Place => "place",
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Campaign => "campaign",
        }
    }
}

/// One entity mention.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entity {
    /// Sentence index.
    pub sentence_idx: u32,
    /// Kind.
    pub kind: EntityKind,
    /// The text as it appears.
    pub text: String,
    /// Full official or canonical form.
    pub normalized: String,
    /// A person's role, as written beside the name.
    pub role: Option<String>,
    /// A place's level: province, city, county, town, village.
    pub level: Option<&'static str>,
    /// Administrative code (12 digits) when the place table knows it.
    pub adcode: Option<String>,
    /// Enclosing province.
    pub province: Option<String>,
    /// Enclosing city.
    pub city: Option<String>,
    /// Enclosing county.
    pub county: Option<String>,
    /// Char offset.
    pub start: u32,
    /// Char offset, exclusive.
    pub end: u32,
}

impl Entity {
    /// `(start, end)` as indexes into a text's characters, the form the extract stage's
    /// overlap tests take.
    pub(crate) fn span(&self) -> (usize, usize) {
        (self.start as usize, self.end as usize)
    }
}

/// One number with a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Sentence index.
    pub sentence_idx: u32,
    /// The text as it appears (with 余/多/近 inside it).
    pub text: String,
    /// The value in the base unit (6651.85万元 → 66518500); a range's lower bound.
    pub value: f64,
    /// A range's upper bound (3至5年 → 5), in the base unit.
    pub value_max: Option<f64>,
    /// The base unit (元, 个, %, 平方米 …).
    pub unit: String,
    /// money, count, percent, area, mass, age, duration, other.
    pub kind: &'static str,
    /// Approximation word: 余, 多, 近, 超过, 以上, 约 …
    pub qualifier: Option<String>,
    /// The counted noun that follows (139个行政村 → 行政村).
    pub object: Option<String>,
    /// Char offset.
    pub start: u32,
    /// Char offset, exclusive.
    pub end: u32,
}

/// A direct quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Sentence where the quote opens.
    pub sentence_idx: u32,
    /// Who said it.
    pub speaker: Option<String>,
    /// The speaker's role.
    pub speaker_role: Option<String>,
    /// How the speaker was found: `name` (named beside the quote), `pronoun` (他说, 她表示:
    /// the nearest person named before the pronoun) or `context` (the one person the
    /// sentence before names, in a profile's unattributed quotes), so an analyst can keep
    /// only the surer ones.
    pub speaker_source: Option<&'static str>,
    /// The quoted words, without the quotation marks.
    pub text: String,
}

/// A date or period named in the body, resolved against the publication date.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// Sentence index.
    pub sentence_idx: u32,
    /// The text as it appears (今年6月, 截至9月底).
    pub text: String,
    /// First day covered; None for an open start (截至…) or when unresolvable.
    pub start_date: Option<NaiveDate>,
    /// Last day covered; None when unresolvable.
    pub end_date: Option<NaiveDate>,
    /// day, dekad, month, quarter, half, year, decade or century.
    pub granularity: &'static str,
    /// Char offset.
    pub start: u32,
    /// Char offset, exclusive.
    pub end: u32,
}

/// One keyword with its TF-IDF weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    /// The word.
    pub keyword: String,
    /// TF-IDF weight.
    pub weight: f64,
}

/// Article metadata found in meta, byline and title lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// Headline.
    pub title: Option<String>,
    /// Second headline.
    pub subtitle: Option<String>,
    /// Publication date.
    pub published_date: Option<NaiveDate>,
    /// Publication date and time, Beijing time.
    pub published_at: Option<NaiveDateTime>,
    /// The outlet the article comes from.
    pub source: Option<String>,
    /// Reporters and writers.
    pub authors: Vec<String>,
    /// Editors.
    pub editors: Vec<String>,
    /// The original article's URL.
    pub url: Option<String>,
}

/// Everything known about one input after the stages ran.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Contract `doc_id`.
    pub doc_id: String,
    /// Input path.
    pub source_path: String,
    /// Input size.
    pub source_bytes: u64,
    /// WHATWG encoding name used to decode.
    pub encoding: &'static str,
    /// Detector confidence in `encoding`, 0 to 1.
    pub encoding_confidence: f32,
    /// Repairs made, by name (`gbk_byte_shift`, `pinyin_annotations`, `nul_bytes` …).
    pub repairs: Vec<String>,
    /// What a reader should know before trusting the row: `no_body` (nothing but
    /// boilerplate), `encoding_uncertain` (confidence below 0.6), `replacement_chars`
    /// (U+FFFD in the text: bytes that could not be decoded or repaired).
    pub warnings: Vec<String>,
    /// simplified, traditional, mixed or none.
    pub script: &'static str,
    /// Decoded text before cleaning (dropped after the clean stage to save memory).
    pub raw_text: String,
    /// Every non-empty line with its role.
    pub paragraphs: Vec<Paragraph>,
    /// Metadata.
    pub meta: Meta,
    /// The kept body: body and heading lines joined by `\n`.
    pub text: String,
    /// Sentences of `text`.
    pub sentences: Vec<Sentence>,
    /// Words of `text`.
    pub tokens: Vec<Token>,
    /// Places, people, organisations, campaigns.
    pub entities: Vec<Entity>,
    /// Numbers with units.
    pub quantities: Vec<Quantity>,
    /// Direct quotes.
    pub quotes: Vec<Quote>,
    /// Dates and periods in the body.
    pub dates: Vec<DateMention>,
    /// Keywords, best first.
    pub keywords: Vec<Keyword>,
    /// The first document (input order, committed ones first) with the same cleaned text.
    pub duplicate_of: Option<String>,
    /// The earlier document most like this one, with the estimated similarity, when at or
    /// above `dedup.threshold` (a `duplicates` row).
    pub near_duplicate: Option<(String, f64)>,
    /// MinHash signature of `text` (empty when near-duplicate detection is off).
    pub minhash: Vec<u32>,
    /// What the input was: text, html, jsonl or xml (`InputFormat::as_str`).
    pub format: &'static str,
    /// The record's own identifier, when the input states one (a JSON Lines `id`).
    pub record_id: Option<String>,
    /// Fields the input stated, applied over what extraction finds.
    pub fields: Option<Box<Fields>>,
}

impl Document {
    /// The text of a token.
    pub fn token_text(&self, t: &Token) -> &str {
        &self.text[t.byte_start as usize..(t.byte_start + t.byte_len) as usize]
    }

    /// The text of a sentence.
    pub fn sentence_text(&self, s: &Sentence) -> &str {
        &self.text[s.byte_start as usize..s.byte_end as usize]
    }

    /// Number of characters in `text`.
    pub fn n_chars(&self) -> u32 {
        self.text.chars().count() as u32
    }
}
