//! Keywords: TF-IDF over the tokens the segment stage made, with jieba's IDF table, filters
//! and stop words, so that the ranking is jieba's without cutting and tagging the text a
//! second time (jieba-rs's own extractor would).

use rustc_hash::FxHashMap;

use crate::config::ExtractConfig;
use crate::document::{Document, Keyword};
use crate::error::{Error, Result};

/// Ranks a document's words by TF-IDF.
pub(crate) struct Ranker {
    /// jieba's IDF values and stop words in one table: a document's distinct words take one
    /// lookup each, where a hash of every token for the stop-word test was a third of the
    /// ranking's time.
    idf: IdfTable,
    top_k: usize,
    /// Interned tags (see [`crate::segment::intern_pos`]), compared by address.
    keyword_pos: Vec<&'static str>,
}

impl Ranker {
    /// # Errors
    /// `Error::Dict` if the embedded IDF table does not load.
    pub(crate) fn new(cfg: &ExtractConfig) -> Result<Ranker> {
        Ok(Ranker {
            idf: IdfTable::jieba(
                jieba_rs::DEFAULT_STOP_WORDS.iter().chain(&cfg.keyword_stop_words).map(String::as_str),
            )?,
            top_k: cfg.keywords_top_k,
            keyword_pos: cfg
                .keyword_pos
                .iter()
                .map(|p| crate::segment::intern_pos(p))
                .filter(|&p| p != "x" || cfg.keyword_pos.iter().any(|q| q == "x"))
                .collect(),
        })
    }

    /// The `top_k` words by TF-IDF, highest first, ties in code-point order: jieba's filters
    /// (part of speech, two characters or more, not a stop word in any letter case) and its
    /// IDF table.
    pub(crate) fn rank<'d>(&self, doc: &'d Document) -> Vec<Keyword> {
        if self.top_k == 0 {
            return Vec::new();
        }
        // Counted by the hash the IDF table is read with (64 bits: two words of a document
        // share one with odds of about 10⁻¹⁵), computed once per token: counted by the word
        // itself, each count hashed and compared the word and its lookup hashed it again,
        // and the ranking cost a seventh of the extract stage.
        let mut tf: FxHashMap<u64, (&str, u32)> =
            FxHashMap::with_capacity_and_hasher(doc.tokens.len() / 4, Default::default());
        let mut count = |w: &'d str| {
            let slot = tf.entry(IdfTable::hash(w)).or_insert((w, 0));
            // Two words of one hash (crafted text could make them) would share a count.
            debug_assert_eq!(slot.0, w, "two words of one hash");
            slot.1 += 1;
        };
        // A name the extractors found over several tokens is one term (冶力关镇, not 冶力
        // and 关镇; 三抓三促, not 抓三促): leftmost-longest spans of the entities.
        let mut names: Vec<(u32, u32, &str)> = doc.entities.iter().map(|e| (e.start, e.end, e.text.as_str())).collect();
        names.sort_unstable_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
        let mut reach = 0;
        names.retain(|&(s, e, _)| {
            let keep = s >= reach;
            if keep {
                reach = e;
            }
            keep
        });
        let mut names = names.into_iter().peekable();
        for t in &doc.tokens {
            let end = t.start + t.len;
            while names.next_if(|&(_, e, _)| e <= t.start).is_some() {}
            if let Some(&(s, e, name)) = names.peek().filter(|&&(s, _, _)| s < end) {
                if e - s > t.len {
                    // The first token of the name counts it; the others are part of it.
                    if t.start <= s {
                        count(name);
                    }
                    continue;
                }
            }
            if t.len >= 2 && self.keyword_pos.iter().any(|&p| std::ptr::eq(p, t.pos)) {
                count(doc.token_text(t));
            }
        }
        let words: Vec<(u64, &str, u32)> = tf.into_iter().map(|(h, (w, n))| (h, w, n)).collect();
        let values = self.idf.get_all(words.iter().map(|&(h, w, _)| (h, w)));
        let mut total = 0u32;
        let mut scored: Vec<(&str, f64)> = Vec::with_capacity(words.len());
        for (&(_, w, n), idf) in words.iter().zip(values) {
            let stop_lower = || w.bytes().any(|b| b.is_ascii_uppercase()) && self.idf.get(&w.to_lowercase()).is_none();
            match idf {
                Some(idf) if !stop_lower() => {
                    scored.push((w, f64::from(n) * idf));
                    total += n;
                }
                _ => {}
            }
        }
        for s in &mut scored {
            s.1 /= f64::from(total);
        }
        let by_rank = |a: &(&str, f64), b: &(&str, f64)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0));
        if scored.len() > self.top_k {
            scored.select_nth_unstable_by(self.top_k - 1, by_rank);
            scored.truncate(self.top_k);
        }
        scored.sort_unstable_by(by_rank);
        scored.into_iter().map(|(w, weight)| Keyword { keyword: w.to_string(), weight }).collect()
    }
}

/// jieba's IDF table (`data/jieba_idf.txt.zst`, the table jieba-rs 0.11 embeds, compressed
/// with zstd) and the stop words, packed so that a lookup reads one 8-byte slot.
///
/// A slot holds a 32-bit fingerprint of the word and the index of its value among the
/// table's 3,328 distinct values (or [`STOP`]): 4 MB, against the 8 MB of buckets and the
/// control array of a hash map of word to value. The lookups are still mostly cache misses
/// and cost about 7% of the extract stage on the People's Daily texts, 9% one at a time
/// (see [`IdfTable::get_all`]); a table of the 16,384 commonest words looked up first, and a
/// table half as full, were no faster. A word the
/// table lacks takes another's value only if both its slot run and its fingerprint match
/// one of them: odds of about 10⁻⁹ per lookup.
struct IdfTable {
    /// Linear probing; 0 is an empty slot, otherwise `fingerprint << 32 | value index`, the
    /// index [`STOP`] for a stop word.
    slots: Vec<u64>,
    /// `64 - log2(slots.len())`: a hash shifted right by it is a slot index.
    shift: u32,
    values: Vec<f64>,
    /// IDF of a word the table lacks: the lower median of the table, as jieba-rs takes it.
    median: f64,
}

/// Value index of a stop word.
const STOP: u64 = 0xFFFF_FFFF;

impl IdfTable {
    /// jieba's table and `stop_words`.
    fn jieba<'a>(stop_words: impl Iterator<Item = &'a str> + Clone) -> Result<IdfTable> {
        static PACKED: &[u8] = include_bytes!("../../data/jieba_idf.txt.zst");
        let bad = |e: String| Error::Dict { path: "data/jieba_idf.txt.zst".into(), line: 0, msg: e };
        // In one call into a buffer of the frame's recorded size: the streaming decoder's
        // copy through a stack buffer and the regrowth of its output were 9% of the samples
        // of a start-up profile (perf, a run over no input).
        let size = zstd::zstd_safe::get_frame_content_size(PACKED).ok().flatten().unwrap_or(16 << 20);
        let raw = zstd::bulk::decompress(PACKED, size as usize).map_err(|e| bad(e.to_string()))?;
        let text = std::str::from_utf8(&raw).map_err(|e| bad(e.to_string()))?;
        IdfTable::parse(text, stop_words).ok_or_else(|| bad("no entries".into()))
    }

    /// Reads `word value` lines (a later line for the same word wins), then marks
    /// `stop_words`. `None` if no line holds an entry.
    fn parse<'a>(text: &str, stop_words: impl Iterator<Item = &'a str> + Clone) -> Option<IdfTable> {
        // Each line is split at its last space and each distinct value parsed once (270,000
        // lines hold 3,328 values): `split_whitespace`, a Unicode test per character, and a
        // float parse per line were 60% of the table's load, itself most of the extract
        // stage's start-up (callgrind, a run over 520 texts).
        let mut index_of: FxHashMap<&str, Option<u64>> = FxHashMap::default();
        let mut values: Vec<f64> = Vec::new();
        let mut by_bits: FxHashMap<u64, u64> = FxHashMap::default();
        let mut entries: Vec<(&str, u64)> = Vec::with_capacity(text.len() / 20);
        for line in text.split('\n') {
            let Some((word, value)) = line.trim_end().rsplit_once([' ', '\t']) else { continue };
            let word = word.trim_end();
            if word.is_empty() || word.contains(char::is_whitespace) {
                continue;
            }
            let k = *index_of.entry(value).or_insert_with(|| {
                let v = value.parse::<f64>().ok()?;
                // Equal values written differently (2.5, 2.50) share an index.
                Some(*by_bits.entry(v.to_bits()).or_insert_with(|| {
                    values.push(v);
                    (values.len() - 1) as u64
                }))
            });
            if let Some(k) = k {
                entries.push((word, k));
            }
        }
        if entries.is_empty() {
            return None;
        }
        // At most two-thirds full, so that a lookup of an absent word ends within a few
        // slots (half full, 8 MB, was no faster).
        let n = entries.len() + stop_words.clone().count();
        let bits = (n + n / 2).next_power_of_two().trailing_zeros().max(4);
        let mut table = IdfTable { slots: vec![0; 1 << bits], shift: 64 - bits, values, median: 0.0 };
        for &(word, k) in &entries {
            table.insert(word, k);
        }
        for w in stop_words {
            table.insert(w, STOP);
        }
        let mut all: Vec<f64> = entries.iter().map(|&(_, k)| table.values[k as usize]).collect();
        let mid = (all.len() - 1) / 2;
        let (_, median, _) = all.select_nth_unstable_by(mid, f64::total_cmp);
        table.median = *median;
        Some(table)
    }

    fn insert(&mut self, word: &str, value_index: u64) {
        let (i, fp) = self.find(word);
        self.slots[i] = fp << 32 | value_index;
    }

    /// The hash a word is looked up by.
    #[inline]
    fn hash(word: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(word.as_bytes())
    }

    /// The first slot to probe for `word`, and its fingerprint.
    #[inline]
    fn key(&self, word: &str) -> (usize, u64) {
        self.key_of(IdfTable::hash(word))
    }

    /// [`IdfTable::key`] from the word's hash.
    #[inline]
    fn key_of(&self, h: u64) -> (usize, u64) {
        // Low 32 bits, never 0 (the empty slot); the index comes from the high bits.
        ((h >> self.shift) as usize, (h & 0xFFFF_FFFF) | 1)
    }

    /// The slot holding `word`, or the empty slot where it would go, and its fingerprint.
    #[inline]
    fn find(&self, word: &str) -> (usize, u64) {
        let (mut i, fp) = self.key(word);
        let mask = self.slots.len() - 1;
        loop {
            let s = self.slots[i];
            if s == 0 || s >> 32 == fp {
                return (i, fp);
            }
            i = (i + 1) & mask;
        }
    }

    /// jieba's IDF of `word`, the median for a word the table lacks (as jieba-rs does);
    /// `None` for a stop word.
    fn get(&self, word: &str) -> Option<f64> {
        self.value(self.slots[self.find(word).0])
    }

    fn value(&self, slot: u64) -> Option<f64> {
        match slot {
            0 => Some(self.median),
            s if s & STOP == STOP => None,
            s => Some(self.values[(s & STOP) as usize]),
        }
    }

    /// [`IdfTable::get`] of each of `words`. The first slot of every word is read in a loop
    /// of independent loads before any is compared, so that the processor waits for their
    /// cache misses together rather than one after another.
    /// The words come with their hashes ([`IdfTable::hash`]).
    fn get_all<'w>(&self, words: impl Iterator<Item = (u64, &'w str)> + Clone) -> Vec<Option<f64>> {
        let keys: Vec<(usize, u64)> = words.clone().map(|(h, _)| self.key_of(h)).collect();
        let first: Vec<u64> = keys.iter().map(|&(i, _)| self.slots[i]).collect();
        words
            .map(|(_, w)| w)
            .zip(keys.iter().zip(first))
            .map(|(w, (&(_, fp), s))| if s == 0 || s >> 32 == fp { self.value(s) } else { self.get(w) })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_table_reads_back_what_it_was_given() {
        let t =
            IdfTable::parse("甲 1.5\n乙 2.5\n丙 2.5\n丁 9.0\n甲 3.0\nbad line\n", ["丁", "的"].into_iter()).unwrap();
        assert_eq!(t.get("甲"), Some(3.0), "a later line wins");
        assert_eq!(t.get("乙"), Some(2.5));
        assert_eq!(t.get("丙"), Some(2.5));
        assert_eq!(t.values.len(), 4, "equal values share an index");
        assert_eq!(t.get("丁"), None, "a stop word has no value");
        assert_eq!(t.get("的"), None);
        // Lower median of 1.5 2.5 2.5 9.0 3.0 (every line, as jieba-rs counts them).
        assert_eq!(t.get("戊"), Some(2.5));
        assert!(IdfTable::parse("", std::iter::empty()).is_none());
    }

    #[test]
    fn jieba_table_matches_its_source_file() {
        let t = IdfTable::jieba(std::iter::empty()).unwrap();
        let raw = zstd::stream::decode_all(&include_bytes!("../../data/jieba_idf.txt.zst")[..]).unwrap();
        let text = String::from_utf8(raw).unwrap();
        let mut n = 0;
        for line in text.lines().step_by(97) {
            let mut parts = line.split_whitespace();
            let (w, v) = (parts.next().unwrap(), parts.next().unwrap().parse::<f64>().unwrap());
            assert_eq!(t.get(w), Some(v), "{w}");
            n += 1;
        }
        assert!(n > 2000);
        assert_eq!(t.get("不在表里的词语组合"), Some(t.median));
    }
}
