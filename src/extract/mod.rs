//! Extract: metadata, places, people, organisations, campaigns, quantities, quotes and
//! keywords, all read from the cleaned text and the tokens the segment stage made.
//!
//! Every list the rules need (surnames, roles, speech verbs, units, place suffixes) is data
//! in `config/`, loaded once into [`Extractor`]; the automata and regexes are built once
//! too, so per-document work is scanning only.

mod meta;
mod people;
mod places;
mod quantity;
mod quotes;

use std::collections::HashSet;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use jieba_rs::{KeywordExtract, KeywordExtractConfig, TfIdf};
use serde::Deserialize;

use crate::config::{read_data, ExtractConfig};
use crate::document::{Document, Keyword, Token};
use crate::error::{DocError, Error, Result};
use crate::lexicon::{builtin, Lexicon};

pub(crate) use places::PlaceMatcher;

/// `config/lexicon.toml`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    surnames: String,
    compound_surnames: Vec<String>,
    not_names: Vec<String>,
    roles: Vec<String>,
    roles_after: Vec<String>,
    speech_verbs: Vec<String>,
    town_suffixes: Vec<String>,
    village_suffixes: Vec<String>,
    generic_places: Vec<String>,
    org_suffixes: Vec<String>,
}

/// Name lists with their automata.
pub(crate) struct Lists {
    pub surnames: HashSet<char>,
    pub compound_surnames: Vec<Vec<char>>,
    pub not_names: HashSet<String>,
    /// Role words, matched overlapping so every ending position is seen.
    pub roles: AhoCorasick,
    pub role_words: Vec<String>,
    pub roles_after: AhoCorasick,
    pub roles_after_words: Vec<String>,
    pub speech_verbs: Vec<Vec<char>>,
    pub town_suffixes: Vec<Vec<char>>,
    pub village_suffixes: Vec<Vec<char>>,
    pub generic_places: HashSet<String>,
    pub org_suffixes: Vec<Vec<char>>,
}

fn by_length_desc(words: &[String]) -> Vec<Vec<char>> {
    let mut v: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()));
    v
}

impl Lists {
    fn parse(text: &str) -> Result<Lists> {
        let f: LexiconFile =
            toml::from_str(text).map_err(|e| Error::config("extract.lexicon", e.message().to_string()))?;
        let ac = |words: &[String]| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(words)
                .map_err(|e| Error::config("extract.lexicon", e.to_string()))
        };
        Ok(Lists {
            surnames: f.surnames.chars().filter(|c| !c.is_whitespace()).collect(),
            compound_surnames: by_length_desc(&f.compound_surnames),
            not_names: f.not_names.into_iter().collect(),
            roles: ac(&f.roles)?,
            role_words: f.roles,
            roles_after: ac(&f.roles_after)?,
            roles_after_words: f.roles_after,
            speech_verbs: by_length_desc(&f.speech_verbs),
            town_suffixes: by_length_desc(&f.town_suffixes),
            village_suffixes: by_length_desc(&f.village_suffixes),
            generic_places: f.generic_places.into_iter().collect(),
            org_suffixes: by_length_desc(&f.org_suffixes),
        })
    }
}

/// Character-level view of `Document::text` with token and sentence lookups by offset.
pub(crate) struct TextIndex<'a> {
    pub doc: &'a Document,
    pub chars: Vec<char>,
    /// Byte offset of each char, plus the text length at the end.
    pub byte_of: Vec<usize>,
    /// For each char, the index of the token covering it (or usize::MAX).
    pub token_of: Vec<usize>,
}

impl<'a> TextIndex<'a> {
    pub fn new(doc: &'a Document) -> TextIndex<'a> {
        let mut chars = Vec::with_capacity(doc.text.len() / 3);
        let mut byte_of = Vec::with_capacity(doc.text.len() / 3 + 1);
        for (b, c) in doc.text.char_indices() {
            chars.push(c);
            byte_of.push(b);
        }
        byte_of.push(doc.text.len());
        let mut token_of = vec![usize::MAX; chars.len()];
        for (i, t) in doc.tokens.iter().enumerate() {
            for slot in &mut token_of[t.start as usize..(t.start + t.len) as usize] {
                *slot = i;
            }
        }
        TextIndex { doc, chars, byte_of, token_of }
    }

    /// Char offset of a byte offset.
    pub fn char_at(&self, byte: usize) -> usize {
        self.byte_of.partition_point(|&b| b < byte)
    }

    /// The text between two char offsets.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.doc.text[self.byte_of[start]..self.byte_of[end]]
    }

    /// The token covering char `pos`.
    pub fn token(&self, pos: usize) -> Option<&'a Token> {
        self.token_of.get(pos).and_then(|&i| self.doc.tokens.get(i))
    }

    /// Whether a token starts at `pos` (or `pos` is at a paragraph edge).
    pub fn is_token_start(&self, pos: usize) -> bool {
        match self.token(pos) {
            Some(t) => t.start as usize == pos,
            None => true,
        }
    }

    /// Whether a token ends at `pos` (exclusive end).
    pub fn is_token_end(&self, pos: usize) -> bool {
        pos == 0 || pos >= self.chars.len() || self.is_token_start(pos)
    }

    /// Sentence index of char `pos`.
    pub fn sentence_of(&self, pos: usize) -> u32 {
        let i = self.doc.sentences.partition_point(|s| (s.start as usize) <= pos);
        i.saturating_sub(1) as u32
    }

    /// Whether the chars at `pos` spell `word`.
    pub fn at(&self, pos: usize, word: &[char]) -> bool {
        self.chars.get(pos..pos + word.len()) == Some(word)
    }
}

/// Whether `c` is a CJK ideograph.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// The extract stage.
pub struct Extractor {
    lexicon: Arc<Lexicon>,
    lists: Lists,
    places: PlaceMatcher,
    units: quantity::Units,
    meta: meta::MetaRules,
    tfidf: TfIdf,
    top_k: usize,
    keyword_pos: Vec<String>,
    max_campaign_chars: usize,
}

impl Extractor {
    /// Builds the stage: loads the lists, builds the automata.
    ///
    /// # Errors
    /// `Error::Io`, `Error::Config` or `Error::Dict` for unreadable or malformed data files.
    pub fn new(cfg: &ExtractConfig, lexicon: Arc<Lexicon>) -> Result<Extractor> {
        let (lex_text, _) = read_data(&cfg.lexicon, builtin::LEXICON)?;
        let (units_text, _) = read_data(&cfg.units, builtin::UNITS)?;
        let lists = Lists::parse(&lex_text)?;
        let places = PlaceMatcher::new(&lexicon)?;
        let kcfg = KeywordExtractConfig::builder().use_hmm(true).build();
        let mut tfidf = TfIdf::default();
        *tfidf.config_mut() = kcfg;
        Ok(Extractor {
            units: quantity::Units::parse(&units_text)?,
            meta: meta::MetaRules::new()?,
            lists,
            places,
            tfidf,
            top_k: cfg.keywords_top_k,
            keyword_pos: cfg.keyword_pos.clone(),
            max_campaign_chars: cfg.max_campaign_chars,
            lexicon,
        })
    }

    /// Fills `meta`, `entities`, `quantities`, `quotes` and `keywords`.
    ///
    /// # Errors
    /// None today; the signature leaves room for extractors that can fail on one document.
    pub fn extract(&self, doc: &mut Document) -> Result<(), DocError> {
        doc.meta = self.meta.extract(doc, &self.lists);
        let ix = TextIndex::new(doc);
        let mut entities = self.places.find(&ix, &self.lists, &self.lexicon);
        let people = people::find(&ix, &self.lists, &self.lexicon.jieba, &entities);
        let orgs = people::organizations(&ix, &self.lists, &entities, &people);
        let (campaigns, quotes) = quotes::find(&ix, &self.lists, &people, self.max_campaign_chars);
        let quantities = self.units.find(&ix);
        entities.extend(people);
        entities.extend(orgs);
        entities.extend(campaigns);
        entities.sort_by_key(|e| (e.start, e.end));
        drop(ix);
        doc.entities = entities;
        doc.quantities = quantities;
        doc.quotes = quotes;
        doc.keywords = if self.top_k == 0 || doc.text.is_empty() {
            Vec::new()
        } else {
            self.tfidf
                .extract_keywords(&self.lexicon.jieba, &doc.text, self.top_k, self.keyword_pos.clone())
                .into_iter()
                .map(|k| Keyword { keyword: k.keyword, weight: k.weight })
                .collect()
        };
        Ok(())
    }
}
