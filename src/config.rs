//! Run configuration: one serde section per stage, every field documented with its default.
//!
//! Config flows in two steps (STYLE.md 2.4): TOML is deserialised with unknown keys refused,
//! the CLI overrides only what the user set, then [`Config::validate`] checks the values and
//! `Pipeline::new` builds each stage from its own section. Data files (dictionaries, place
//! table, boilerplate patterns) are named here; a key left unset uses the copy of the
//! repository's `config/` file compiled into the binary, so the tool works from any folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The whole configuration, as read from `config/default.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[run]`: threads, chunking, error budget.
    pub run: RunConfig,
    /// `[decode]`: encoding detection and repair.
    pub decode: DecodeConfig,
    /// `[clean]`: normalisation and line roles.
    pub clean: CleanConfig,
    /// `[segment]`: sentences and words.
    pub segment: SegmentConfig,
    /// `[extract]`: metadata, entities, quantities, quotes, keywords.
    pub extract: ExtractConfig,
    /// `[output]`: Parquet layout.
    pub output: OutputConfig,
    /// `[dedup]`: exact and near-duplicate detection.
    pub dedup: DedupConfig,
    /// `[input]`: fields of JSON Lines records.
    pub input: InputConfig,
}

/// `[input]` section: how records name their fields. A field missing under its configured
/// name is looked for under the names dumps commonly give it (content, body, 正文 for the
/// text; pub_time, 发布时间 for the date …).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// JSON Lines field, or CSV/TSV column, holding the article text. Default "text".
    pub text_field: String,
    /// Field whose value overrides the extracted title. Default "title".
    pub title_field: String,
    /// Field whose value overrides the extracted URL. Default "url".
    pub url_field: String,
    /// Field whose value overrides the extracted publication date or time
    /// (2024-09-28, 2024-09-28 08:30:00, 2024-09-28T08:30:00+08:00). Default "date".
    pub date_field: String,
    /// Field written to `documents.record_id`. Default "id".
    pub id_field: String,
    /// Field whose value overrides the extracted source outlet. Default "source".
    pub source_field: String,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            text_field: "text".into(),
            title_field: "title".into(),
            url_field: "url".into(),
            date_field: "date".into(),
            id_field: "id".into(),
            source_field: "source".into(),
        }
    }
}

/// `[dedup]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Find near duplicates (MinHash with LSH) into the `duplicates` table. Exact duplicates
    /// (`documents.duplicate_of`) are always found. Default true.
    pub near: bool,
    /// Characters per shingle. Default 5.
    pub shingle_chars: usize,
    /// MinHash signature length: bins of one-permutation hashing (the name is the classic
    /// scheme's, whose signature had one value per permutation). Default 100.
    pub permutations: usize,
    /// LSH bands; `permutations / bands` rows each. More bands find pairs of lower
    /// similarity as candidates. Default 20.
    pub bands: usize,
    /// Estimated Jaccard similarity of character shingles at or above which two documents
    /// are near duplicates. Default 0.7.
    pub threshold: f64,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig { near: true, shingle_chars: 5, permutations: 100, bands: 20, threshold: 0.7 }
    }
}

/// `[run]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunConfig {
    /// Worker threads; 0 means one per core. Default 0.
    pub threads: usize,
    /// Documents processed per parallel chunk; bounds memory. Default 128: on 2 cores as fast
    /// as 256 within 3%, with a peak 45 MB lower and steadier from run to run (see
    /// docs/performance-history.md).
    pub chunk_size: usize,
    /// Processed chunks that may wait for the writer; bounds memory. Default 1.
    pub in_flight: usize,
    /// Share of failed inputs above which `run` exits 3 (output still committed). Default 0.5.
    pub max_error_rate: f64,
    /// Inputs larger than this many bytes are refused as errors rows. Default 67108864 (64 MiB).
    pub max_file_bytes: u64,
    /// Folder processed when `run` gets no INPUT. Default "tests/fixtures/seeds".
    pub sample_corpus: PathBuf,
    /// Append only inputs whose `doc_id` is not committed in OUT yet (`--incremental`).
    /// Default false: a run replaces OUT's tables.
    pub incremental: bool,
    /// Inputs between checkpoints. A killed run started again with the same command resumes
    /// after its last checkpoint; checkpoints are never visible to readers. Default 2000.
    pub checkpoint_inputs: usize,
    /// Seconds between progress lines when stderr is not a terminal (0: none). Default 30.
    pub progress_seconds: u64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            threads: 0,
            chunk_size: 128,
            in_flight: 1,
            max_error_rate: 0.5,
            max_file_bytes: 64 << 20,
            sample_corpus: PathBuf::from("tests/fixtures/seeds"),
            incremental: false,
            checkpoint_inputs: 2000,
            progress_seconds: 30,
        }
    }
}

/// `[decode]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DecodeConfig {
    /// WHATWG label that skips detection for every input file (e.g. "gbk"); empty detects.
    /// Not for JSON Lines records or CSV rows, whose text the reader decodes to parse it.
    /// Default "".
    pub force_encoding: String,
    /// Repair GBK byte-shift damage (a lost byte that misaligns the rest). Default true.
    pub repair_byte_shift: bool,
    /// Repair mojibake: UTF-8 once decoded as Windows-1252, Latin-1 or GBK. Default true.
    pub repair_mojibake: bool,
    /// Share of control or NUL bytes above which an input is refused as binary. Default 0.1.
    pub max_binary_ratio: f64,
}

impl Default for DecodeConfig {
    fn default() -> Self {
        DecodeConfig {
            force_encoding: String::new(),
            repair_byte_shift: true,
            repair_mojibake: true,
            max_binary_ratio: 0.1,
        }
    }
}

/// `[clean]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Convert Traditional script to Simplified (OpenCC t2s). Default true.
    pub traditional_to_simplified: bool,
    /// Remove pinyin annotations such as `强(qiáng)`. Default true.
    pub strip_pinyin: bool,
    /// Boilerplate and line-role patterns (TOML); unset uses the built-in copy of
    /// `config/boilerplate.toml`. Default unset.
    pub patterns: Option<PathBuf>,
    /// Lines at most this many characters long, without sentence punctuation, inside the
    /// body count as headings. Default 30.
    pub max_heading_chars: usize,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig { traditional_to_simplified: true, strip_pinyin: true, patterns: None, max_heading_chars: 30 }
    }
}

/// `[segment]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentConfig {
    /// jieba user dictionary (`word [freq] [tag]` per line); unset uses the built-in copy of
    /// `config/userdict.txt`. Default unset.
    pub user_dict: Option<PathBuf>,
    /// Let jieba's HMM find words missing from the dictionary (names). Default true.
    pub hmm: bool,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig { user_dict: None, hmm: true }
    }
}

/// `extract.keyword_stop_words` by default (`config/default.toml` writes the same list; a
/// test keeps the two equal).
#[rustfmt::skip]
const KEYWORD_STOP_WORDS: [&str; 22] = [
    "日电", "日讯", "本报讯", "本报", "新华社", "记者", "通讯员", "编辑", "责任编辑", "同志", "应当",
    "全省", "全市", "全县", "全区", "全镇", "全乡", "全村", "全国", "同比", "环比", "专讯",
];

/// `[extract]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Whether to run the extract stage at all. Off, documents keep their text, paragraphs,
    /// sentences and tokens, and the metadata and entity tables stay empty: for corpora that
    /// need segmentation only, and to measure what extraction costs (`zhetl bench
    /// --compare-extract`). Default true.
    pub enabled: bool,
    /// Administrative-division table (`adcode,name,...` CSV); unset uses the built-in copy of
    /// `config/places.csv`. Default unset.
    pub places: Option<PathBuf>,
    /// Name lists: surnames, roles, speech verbs, stop words (TOML); unset uses the built-in
    /// copy of `config/lexicon.toml`. Default unset.
    pub lexicon: Option<PathBuf>,
    /// Units of measure with kinds and multipliers (TOML); unset uses the built-in copy of
    /// `config/units.toml`. Default unset.
    pub units: Option<PathBuf>,
    /// Known organisation names, one per line; unset uses the built-in copy of
    /// `config/organizations.txt`. Default unset.
    pub organizations: Option<PathBuf>,
    /// Keywords kept per document. Default 10.
    pub keywords_top_k: usize,
    /// Parts of speech a keyword may have. Default ["n", "nr", "ns", "nt", "nz", "vn", "v", "l", "j"].
    pub keyword_pos: Vec<String>,
    /// Words never taken as keywords, besides jieba's stop words: the furniture of news
    /// copy (datelines such as 日电 and 本报讯, 记者, 同志) and the whole-area words of
    /// local reports (全镇, 全省), which rank high in every such story and say nothing of
    /// one. Default: those words (日电, 日讯, 本报讯, 本报, 新华社, 记者, 通讯员, 编辑, 责任编辑,
    /// 同志, 应当, 全省 … 全村, 全国, 同比, 环比, 专讯).
    pub keyword_stop_words: Vec<String>,
    /// Longest text in quotation marks taken as a campaign or slogan name. Default 16.
    pub max_campaign_chars: usize,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            enabled: true,
            places: None,
            lexicon: None,
            units: None,
            organizations: None,
            keywords_top_k: 10,
            keyword_pos: ["n", "nr", "ns", "nt", "nz", "vn", "v", "l", "j"].map(String::from).to_vec(),
            keyword_stop_words: KEYWORD_STOP_WORDS.map(String::from).to_vec(),
            max_campaign_chars: 16,
        }
    }
}

/// `[output]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Output folder when `-o` is not given. Default "out".
    pub path: PathBuf,
    /// zstd level, 1 to 22. Default 1, pyarrow's default: zstd is half of the writer's CPU
    /// on unique text, most of it on the three text columns. Against level 3, one core,
    /// `zhetl run -j 1`: 8-11% faster on 3,600 distinct People's Daily variants (25.8 MB,
    /// output 17% larger), 3-4% on the ten-variant corpus (32.6 MB, output 7% larger), where
    /// the dictionary encoder already stores repeated texts once. Set 3 or more where disk
    /// matters more than time.
    pub zstd_level: i32,
    /// Most rows in one Parquet row group. Default 65536.
    pub row_group_rows: usize,
    /// Buffered bytes per table that force a row-group flush; bounds writer memory.
    /// Default 33554432 (32 MiB).
    pub row_group_bytes: usize,
    /// Rows after which a table starts a new part file. Default 4000000.
    pub part_rows: usize,
    /// Tables left empty: their rows are neither built nor encoded, and quantities, dates
    /// and keywords not even extracted. For jobs that need some tables only; `tokens` alone
    /// is most of the writer's work. `documents` and `errors` are always written. Default
    /// none.
    pub skip_tables: Vec<String>,
    /// Threads encoding Parquet, each writing its own parts from a share of every chunk's
    /// documents; 0 = one per three worker threads. Encoding is about a third of a run's
    /// CPU (one thread does about 20 MB/s of news text with every table on), so with more
    /// than three workers a single writer would cap the run. Default 0.
    pub writer_threads: usize,
}

impl OutputConfig {
    /// The tables of `skip_tables` (names checked by [`Config::validate`]).
    pub fn skipped(&self) -> Vec<crate::sink::Table> {
        self.skip_tables.iter().filter_map(|n| crate::sink::Table::from_name(n)).collect()
    }

    /// `writer_threads` for a run with `workers` worker threads (already resolved from 0).
    pub fn writer_lanes(&self, workers: usize) -> usize {
        if self.writer_threads == 0 {
            (workers / 3).max(1)
        } else {
            self.writer_threads
        }
    }
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            path: PathBuf::from("out"),
            zstd_level: 1,
            row_group_rows: 65536,
            row_group_bytes: 32 << 20,
            part_rows: 4_000_000,
            skip_tables: Vec::new(),
            writer_threads: 0,
        }
    }
}

impl Config {
    /// Parses TOML text. Relative data-file paths are resolved against `base`, the folder of
    /// the config file.
    ///
    /// # Errors
    /// `Error::Config` naming the offending key for unknown keys and wrong types.
    pub fn from_toml(text: &str, base: &Path) -> Result<Config> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let key = e.span().map(|s| key_at(text, s.start)).unwrap_or_default();
            Error::config(key, e.message().trim().to_string())
        })?;
        for p in [
            &mut cfg.clean.patterns,
            &mut cfg.segment.user_dict,
            &mut cfg.extract.places,
            &mut cfg.extract.lexicon,
            &mut cfg.extract.units,
            &mut cfg.extract.organizations,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(cfg)
    }

    /// Reads and parses a config file.
    ///
    /// # Errors
    /// `Error::Io` when the file cannot be read, `Error::Config` when it is invalid.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::from_toml(&text, base).map_err(|e| match e {
            Error::Config { key, msg } => Error::config(key, format!("{msg} (in {})", path.display())),
            other => other,
        })
    }

    /// Checks values that serde cannot: ranges and cross-field rules.
    ///
    /// # Errors
    /// `Error::Config` naming the first bad key.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, msg: &str| Err(Error::config(key, msg));
        if self.run.chunk_size == 0 {
            return bad("run.chunk_size", "must be at least 1");
        }
        if self.run.in_flight == 0 {
            return bad("run.in_flight", "must be at least 1");
        }
        if !(0.0..=1.0).contains(&self.run.max_error_rate) {
            return bad("run.max_error_rate", "must be between 0 and 1");
        }
        if !(0.0..=1.0).contains(&self.decode.max_binary_ratio) {
            return bad("decode.max_binary_ratio", "must be between 0 and 1");
        }
        if !self.decode.force_encoding.is_empty()
            && encoding_rs::Encoding::for_label(self.decode.force_encoding.as_bytes()).is_none()
        {
            return bad("decode.force_encoding", "is not a WHATWG encoding label");
        }
        if !(1..=22).contains(&self.output.zstd_level) {
            return bad("output.zstd_level", "must be between 1 and 22");
        }
        if self.output.row_group_rows == 0 || self.output.part_rows == 0 {
            return bad("output.row_group_rows", "row counts must be at least 1");
        }
        // Each writer thread holds its own open parts and row groups; more than this is a
        // typo, not a machine.
        if self.output.writer_threads > 256 {
            return bad("output.writer_threads", "at most 256 (0 picks one per three workers)");
        }
        for name in &self.output.skip_tables {
            match crate::sink::Table::from_name(name) {
                None => return Err(Error::config("output.skip_tables", format!("{name:?} is not a table"))),
                Some(crate::sink::Table::Documents | crate::sink::Table::Errors) => {
                    return Err(Error::config("output.skip_tables", format!("{name} is always written")))
                }
                Some(_) => {}
            }
        }
        if self.run.checkpoint_inputs == 0 {
            return bad("run.checkpoint_inputs", "must be at least 1");
        }
        let d = &self.dedup;
        if d.shingle_chars == 0 || d.permutations == 0 || d.bands == 0 || d.bands > d.permutations {
            return bad(
                "dedup.bands",
                "shingle_chars, permutations and bands must be at least 1, bands at most permutations",
            );
        }
        if !(0.0..=1.0).contains(&d.threshold) {
            return bad("dedup.threshold", "must be between 0 and 1");
        }
        if self.extract.keywords_top_k > u16::MAX as usize {
            return bad("extract.keywords_top_k", "must fit in 16 bits");
        }
        for (key, p) in [
            ("clean.patterns", &self.clean.patterns),
            ("segment.user_dict", &self.segment.user_dict),
            ("extract.places", &self.extract.places),
            ("extract.lexicon", &self.extract.lexicon),
            ("extract.units", &self.extract.units),
            ("extract.organizations", &self.extract.organizations),
        ] {
            if let Some(p) = p {
                if !p.is_file() {
                    return Err(Error::config(key, format!("{} is not a readable file", p.display())));
                }
            }
        }
        Ok(())
    }

    /// A digest of the effective configuration, recorded in the manifest so that two runs can
    /// be told apart.
    pub fn digest(&self) -> String {
        let text = format!("{self:?}");
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
    }
}

/// The dotted key (`section.key`) of the TOML line holding byte `pos`, so that an error
/// names what the user must fix even when the parser only points at a value.
fn key_at(text: &str, pos: usize) -> String {
    let pos = pos.min(text.len());
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let key = line.split('=').next().unwrap_or("").trim();
    if key.starts_with('[') {
        return key.trim_matches(|c| c == '[' || c == ']').to_string();
    }
    match section {
        Some(s) if !key.is_empty() => format!("{s}.{key}"),
        Some(s) => s,
        None => key.to_string(),
    }
}

/// Reads a data file named in the config, or returns the built-in copy.
pub(crate) fn read_data(path: &Option<PathBuf>, builtin: &'static str) -> Result<(String, PathBuf)> {
    match path {
        Some(p) => Ok((std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?, p.clone())),
        None => Ok((builtin.to_string(), PathBuf::from("<built-in>"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = Config::from_toml("[run]\nchunk_sise = 3\n", Path::new(".")).unwrap_err();
        assert!(err.to_string().contains("run.chunk_sise"), "{err}");
    }

    #[test]
    fn bad_value_is_named() {
        let cfg = Config::from_toml("[run]\nmax_error_rate = 2.0\n", Path::new(".")).unwrap();
        let err = cfg.validate().unwrap_err();
        assert!(err.to_string().contains("run.max_error_rate"), "{err}");
    }

    #[test]
    fn wrong_type_is_named() {
        let err = Config::from_toml("[run]\nthreads = \"four\"\n", Path::new(".")).unwrap_err();
        assert!(err.to_string().contains("run.threads"), "{err}");
    }

    #[test]
    fn writer_threads_default_to_one_per_three_workers() {
        let cfg = Config::default();
        let lanes: Vec<usize> = [1, 2, 3, 5, 6, 16].iter().map(|&w| cfg.output.writer_lanes(w)).collect();
        assert_eq!(lanes, [1, 1, 1, 1, 2, 5]);
        let cfg = Config::from_toml("[output]\nwriter_threads = 3\n", Path::new(".")).unwrap();
        assert_eq!(cfg.output.writer_lanes(2), 3);
        let cfg = Config::from_toml("[output]\nwriter_threads = 1000\n", Path::new(".")).unwrap();
        assert!(cfg.validate().unwrap_err().to_string().contains("output.writer_threads"));
    }

    #[test]
    fn skip_tables_names_optional_tables_only() {
        let check = |names: &str| {
            Config::from_toml(&format!("[output]\nskip_tables = [{names}]\n"), Path::new(".")).unwrap().validate()
        };
        assert!(check(r#""tokens", "sentences""#).is_ok());
        for bad in [r#""tokenz""#, r#""errors""#, r#""documents""#] {
            let err = check(bad).unwrap_err();
            assert!(err.to_string().contains("output.skip_tables"), "{bad}: {err}");
        }
    }

    #[test]
    fn shipped_default_is_valid() {
        let text = include_str!("../config/default.toml");
        let cfg = Config::from_toml(text, Path::new("config")).unwrap();
        cfg.validate().unwrap();
        // The shipped file and the built-in default give the same lists.
        assert_eq!(cfg.extract.keyword_stop_words, ExtractConfig::default().keyword_stop_words);
        assert_eq!(cfg.extract.keyword_pos, ExtractConfig::default().keyword_pos);
        assert_eq!(cfg.input, InputConfig::default());
    }
}
