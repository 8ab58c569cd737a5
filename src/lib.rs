//! zhetl: batch ETL for Chinese news text.
//!
//! A dump of scraped articles (mixed encodings, Traditional or Simplified script, site
//! boilerplate) goes in; clean columnar tables come out. Each input passes four stages,
//! each a plain struct built once from its config section and shared by all worker threads:
//!
//! 1. [`Decoder`]: bytes → text (BOM, chardetng, encoding_rs; byte-shift repair).
//! 2. [`Cleaner`]: width and script normalisation, pinyin removal, a role for every line.
//! 3. [`Segmenter`]: sentences, then words with parts of speech (jieba-rs).
//! 4. [`Extractor`]: metadata, places, people, organisations, campaigns, quantities,
//!    quotes, keywords.
//!
//! [`Pipeline`] runs them in order over a lazy [`Source`] in bounded chunks and hands the
//! results to a [`Sink`]; [`Pipeline::run_to`] writes the tables of `CONTRACT.md` under an
//! output folder and commits them atomically (incremental, resumable, shardable).
//!
//! ```
//! use zhetl::{Config, Pipeline, RawDoc};
//!
//! let pipeline = Pipeline::new(&Config::default())?;
//! let text = "金昌:建强基层堡垒\n\
//!     2022-05-26 22:58:46来源:甘肃日报编辑:王奇英\n\
//!     金昌市139个行政村全部建成标准化党群服务中心。\n";
//! let doc = pipeline.process(RawDoc::new("a.txt", text.as_bytes().to_vec()))?;
//! assert_eq!(doc.meta.title.as_deref(), Some("金昌:建强基层堡垒"));
//! assert_eq!(doc.meta.source.as_deref(), Some("甘肃日报"));
//! assert!(doc.quantities.iter().any(|q| q.value == 139.0 && q.object.as_deref() == Some("行政村")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod clean;
mod config;
mod decode;
mod dedup;
mod document;
mod error;
pub mod eval;
mod extract;
mod formats;
mod html;
mod lexicon;
mod mojibake;
mod pipeline;
mod segment;
mod sink;
mod source;
mod store;

pub use crate::clean::{normalize, strip_pinyin, Cleaner};
pub use crate::config::{
    CleanConfig, Config, DecodeConfig, DedupConfig, ExtractConfig, InputConfig, OutputConfig, RunConfig, SegmentConfig,
};
pub use crate::decode::{repair_byte_shift, Decoder, ShiftRepair};
pub use crate::document::{
    doc_id_of, DateMention, Document, Entity, EntityKind, Fields, InputFormat, Keyword, Meta, Paragraph, Quantity,
    Quote, RawDoc, Role, Sentence, Token,
};
pub use crate::error::{DocError, Error, Result, Stage};
pub use crate::extract::Extractor;
pub use crate::lexicon::Lexicon;
pub use crate::pipeline::{Pipeline, Progress, RunOptions, RunReport, Shard, StageSeconds};
pub use crate::segment::{split_sentences, Segmenter};
pub use crate::sink::schema::{batches, contract_type, writer_properties, TIME_ZONE};
pub use crate::sink::{write_in_lanes, DiscardSink, MemorySink, Sink, Table};
pub use crate::source::Source;

/// File name of the commit marker written last into OUT.
pub const MANIFEST: &str = crate::store::MANIFEST;
