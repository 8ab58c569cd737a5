//! Extract: metadata, places, people, organisations, campaigns, quantities, quotes and
//! keywords, all read from the cleaned text and the tokens the segment stage made.
//!
//! Every list the rules need (surnames, roles, speech verbs, units, place suffixes) is data
//! in `config/`, loaded once into [`Extractor`]; the automata and regexes are built once
//! too, so per-document work is scanning only.

/// A short set of characters written as a string, decoded at compile time into a
/// [`CharList`].
macro_rules! chars {
    ($s:expr) => {{
        const N: usize = $crate::extract::count_chars($s);
        const LIST: [char; N] = $crate::extract::decode_chars::<N>($s);
        $crate::extract::CharList(&LIST)
    }};
}

mod dates;
mod keywords;
mod meta;
mod people;
mod places;
mod quantity;
mod quotes;

use rustc_hash::{FxHashMap, FxHashSet as HashSet};
use std::sync::Arc;

use serde::Deserialize;

use crate::config::{read_data, ExtractConfig};
use crate::document::{Document, Token};
use crate::error::{DocError, Error, Result};
use crate::lexicon::{builtin, Lexicon};
use crate::sink::Table;

pub(crate) use places::PlaceMatcher;

/// `config/lexicon.toml`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    surnames: String,
    compound_surnames: Vec<String>,
    /// Optional, so that lexicon files written before it still load.
    #[serde(default)]
    japanese_surnames: Vec<String>,
    not_names: Vec<String>,
    /// Optional, like `japanese_surnames`.
    #[serde(default)]
    known_people: Vec<String>,
    roles: Vec<String>,
    roles_after: Vec<String>,
    speech_verbs: Vec<String>,
    town_suffixes: Vec<String>,
    village_suffixes: Vec<String>,
    generic_places: Vec<String>,
    org_suffixes: Vec<String>,
    /// Optional, like `japanese_surnames`.
    #[serde(default)]
    org_stop_words: Vec<String>,
}

/// Name lists with their automata.
pub(crate) struct Lists {
    pub surnames: CharSet,
    /// The hundred most frequent surnames (the list is written in order of frequency).
    pub top_surnames: CharSet,
    pub compound_surnames: Vec<Vec<char>>,
    /// Japanese family names (桥本, 小泽): the given name after them is no Chinese one.
    pub japanese_surnames: HashSet<String>,
    pub not_names: HashSet<String>,
    /// Well-known people taken by name alone (鲁迅, 周恩来), those in `not_names` left out.
    pub known_people: WordList,
    /// Role words, matched overlapping so every ending position is seen.
    pub roles: WordList,
    /// The same words in a set: "does this span end in a role" is a lookup per suffix
    /// (a name has 2-4 characters), not a test per role word.
    pub role_words: HashSet<String>,
    pub roles_after: WordList,
    pub speech_verbs: WordList,
    pub town_suffixes: WordList,
    pub village_suffixes: WordList,
    pub generic_places: HashSet<String>,
    pub org_suffixes: WordList,
    /// Words an organisation's name does not reach back over though jieba tags them nouns:
    /// verbs in use (协调联系物业公司).
    pub org_stop_words: HashSet<String>,
    /// Known organisation names (`config/organizations.txt`).
    pub organizations: BigramIndex,
}

/// The marks between the two ends of a range or a period (3至5年, 10—15%, 1993年至1997年,
/// 6月13日—15日): one list for quantities and dates.
pub(crate) fn is_range_mark(c: char) -> bool {
    matches!(c, '至' | '到' | '-' | '–' | '—' | '~' | '～')
}

/// A set of characters as one bit per Basic Multilingual Plane character (8 KB): the
/// surname test runs at every character of every text, where hashing showed in the profile.
pub(crate) struct CharSet {
    bits: Vec<u64>,
    /// Members beyond the Basic Multilingual Plane (rare: some surnames in extension B).
    astral: Vec<char>,
}

impl CharSet {
    pub(crate) fn new(chars: impl Iterator<Item = char>) -> CharSet {
        let mut set = CharSet { bits: vec![0u64; 1024], astral: Vec::new() };
        for c in chars {
            if (c as u32) < 0x10000 {
                set.bits[c as usize / 64] |= 1 << (c as usize % 64);
            } else {
                set.astral.push(c);
            }
        }
        set
    }

    /// Whether `c` is in the set. Always inlined, with the rare case out of line: as an
    /// ordinary call it was 4% of the extract stage's samples, for one bit test.
    #[inline(always)]
    pub fn contains(&self, c: &char) -> bool {
        let i = *c as usize;
        if i < 0x10000 {
            self.bits[i / 64] >> (i % 64) & 1 == 1
        } else {
            self.contains_astral(c)
        }
    }

    #[cold]
    #[inline(never)]
    fn contains_astral(&self, c: &char) -> bool {
        self.astral.contains(c)
    }
}

/// A set of character pairs as one bit per hash of the pair (a Bloom filter with one hash):
/// "may a word start with these two characters?" from a table small enough to stay in cache.
pub(crate) struct PairFilter {
    bits: Vec<u64>,
    shift: u32,
}

impl PairFilter {
    /// A filter of `2^log2_bits` bits holding `pairs`.
    fn new(log2_bits: u32, pairs: impl Iterator<Item = (char, char)>) -> PairFilter {
        let mut f = PairFilter { bits: vec![0u64; (1usize << log2_bits).div_ceil(64)], shift: 64 - log2_bits };
        for (c0, c1) in pairs {
            let b = f.bit(c0, c1);
            f.bits[b / 64] |= 1 << (b % 64);
        }
        f
    }

    #[inline]
    fn bit(&self, c0: char, c1: char) -> usize {
        let h = (u64::from(c0 as u32) << 21 | u64::from(c1 as u32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> self.shift) as usize
    }

    /// Whether the pair may be in the set (false positives, no false negatives).
    #[inline]
    fn may_contain(&self, c0: char, c1: char) -> bool {
        let b = self.bit(c0, c1);
        self.bits[b / 64] >> (b % 64) & 1 == 1
    }
}

/// Words as chars, longest first, grouped by the character they begin with: the scans that
/// ask "does a word start here?" at every position of a text mostly get "no" from one bit
/// test, and otherwise compare only the words with that first character. On Chinese text an
/// Aho-Corasick automaton cannot skip ahead the same way (every character's first byte is
/// E4-E9), so it steps through all three bytes of each; `find_all` replaced one for the
/// role words and made the extract stage 7% faster (`zhetl bench`, one core, People's
/// Daily texts).
pub(crate) struct WordList {
    words: Vec<Vec<char>>,
    first: CharSet,
    /// First characters of one-character words.
    single: CharSet,
    /// The first two characters of the longer words (2 KB): the first characters of role
    /// words are common ones (副, 总, 主), and the probe of `by_first` behind them was most
    /// of the scan's time.
    pairs: PairFilter,
    /// First character → positions in `words`, longest first.
    by_first: FxHashMap<char, Vec<usize>>,
    /// This list's bit in [`TextIndex::starts`] ([`mark`]) when it is scanned at every
    /// character of every text, else 0.
    bit: u16,
}

impl WordList {
    fn new<S: AsRef<str>>(words: &[S]) -> WordList {
        let words = by_length_desc(words);
        let mut by_first: FxHashMap<char, Vec<usize>> = FxHashMap::default();
        for (k, w) in words.iter().enumerate() {
            if let Some(&c) = w.first() {
                by_first.entry(c).or_default().push(k);
            }
        }
        WordList {
            first: CharSet::new(by_first.keys().copied()),
            single: CharSet::new(words.iter().filter(|w| w.len() == 1).map(|w| w[0])),
            pairs: PairFilter::new(14, words.iter().filter(|w| w.len() >= 2).map(|w| (w[0], w[1]))),
            words,
            by_first,
            bit: 0,
        }
    }

    /// The words that may start at char `pos`, as positions in `words`, longest first: by
    /// the list's mark where the index has marks, else by the list's own filters.
    #[inline(always)]
    fn candidates(&self, ix: &TextIndex, pos: usize) -> &[usize] {
        if self.bit != 0 {
            if let Some(&m) = ix.starts.get(pos) {
                if m & self.bit == 0 {
                    return &[];
                }
                return self.by_first.get(&ix.chars[pos]).map_or(&[], Vec::as_slice);
            }
        }
        let Some(&c) = ix.chars.get(pos) else { return &[] };
        if !self.may_start(c) {
            return &[];
        }
        let pair = ix.chars.get(pos + 1).is_some_and(|&n| self.pairs.may_contain(c, n));
        if !pair && !self.single.contains(&c) {
            return &[];
        }
        self.by_first.get(&c).map_or(&[], Vec::as_slice)
    }

    /// The list with its starts marked under `bit` of [`TextIndex::starts`].
    fn marked_as(mut self, bit: u16) -> WordList {
        self.bit = bit;
        self
    }

    /// Whether some word starts with `c`.
    #[inline]
    pub fn may_start(&self, c: char) -> bool {
        self.first.contains(&c)
    }

    /// Whether a word may start at char `pos` of the text (false positives, no false
    /// negatives), as [`WordList::candidates`] tells.
    #[inline(always)]
    pub fn may_start_at(&self, ix: &TextIndex, pos: usize) -> bool {
        !self.candidates(ix, pos).is_empty()
    }

    /// The longest word spelled at char `pos` of the text. Asked at many positions by some
    /// scans (speech verbs, organisation heads), so the common answer, no candidate, is
    /// inlined; as a call it was 4% of the extract stage.
    #[inline(always)]
    pub fn at(&self, ix: &TextIndex, pos: usize) -> Option<&[char]> {
        let candidates = self.candidates(ix, pos);
        if candidates.is_empty() {
            return None;
        }
        self.longest_of(ix, pos, candidates)
    }

    #[inline(never)]
    fn longest_of(&self, ix: &TextIndex, pos: usize, candidates: &[usize]) -> Option<&[char]> {
        candidates.iter().map(|&k| self.words[k].as_slice()).find(|w| ix.at(pos, w))
    }

    /// Every (start, end) char span of the text that spells a word, overlaps included, in
    /// order of start (longest first at one start). A loop, not a `flat_map` over the
    /// positions: the adaptor's state machine, stepped at every character, was 2% of the
    /// extract stage.
    pub fn find_all(&self, ix: &TextIndex) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in ix.marked(self.bit) {
            for &k in self.candidates(ix, i) {
                let w = &self.words[k];
                if ix.at(i, w) {
                    out.push((i, i + w.len()));
                }
            }
        }
        out
    }

    /// Non-overlapping matches, left to right, as an Aho-Corasick automaton with standard
    /// match semantics reports them: the match that ends first (the longest of those), then
    /// on from its end. The automaton stepped through all three bytes of every character.
    pub fn find_earliest(&self, ix: &TextIndex) -> Vec<(usize, usize)> {
        let mut all = self.find_all(ix);
        all.sort_unstable_by_key(|&(s, e)| (e, s));
        let mut reach = 0;
        all.retain(|&(s, e)| {
            let keep = s >= reach;
            if keep {
                reach = e;
            }
            keep
        });
        all
    }
}

/// Bits of [`TextIndex::starts`]: where a word list or a name index scanned at every
/// character of every text may have a word start, and where one of the few characters
/// that a scan looks for stands. A scan then tests one bit per character, or skips to the
/// next one set; two table lookups per character mark them all ([`StartTable`]). Asked
/// scan by scan, the characters' tests were a sixth of the extract stage, though a list's
/// filters pass only 0.1-2.3% of the characters of news text.
pub(crate) mod mark {
    pub const KNOWN_PEOPLE: u16 = 1;
    pub const ROLES: u16 = 1 << 1;
    pub const ROLES_AFTER: u16 = 1 << 2;
    pub const SPEECH_VERBS: u16 = 1 << 3;
    pub const TOWN_SUFFIXES: u16 = 1 << 4;
    pub const VILLAGE_SUFFIXES: u16 = 1 << 5;
    pub const ORG_SUFFIXES: u16 = 1 << 6;
    /// Place names ([`super::places::PlaceMatcher`]).
    pub const PLACES: u16 = 1 << 7;
    /// Known organisation names.
    pub const ORGANIZATIONS: u16 = 1 << 8;
    /// The characters the date rules start from ([`super::dates::DATE_CHARS`]).
    pub const DATES: u16 = 1 << 9;
    /// Line breaks and quotation marks ([`super::quotes::QUOTE_CHARS`]).
    pub const QUOTES: u16 = 1 << 10;
    /// Brackets and line breaks: where a credit may stand ([`super::people::CREDIT_CHARS`]).
    pub const CREDITS: u16 = 1 << 11;
    /// Surnames.
    pub const SURNAMES: u16 = 1 << 12;
    /// 局 and 厅, an office's head ([`super::people::OFFICE_CHARS`]).
    pub const OFFICES: u16 = 1 << 13;
}

/// What one bit of [`TextIndex::starts`] marks.
pub(crate) enum Mark<'a> {
    /// Where a word of the list may start: a word starts with the character, and is that
    /// character or starts with a pair of the next one's hash ([`StartTable::pairs`]).
    Words(&'a WordList),
    /// Where a name of the index may start: a name starts with a pair of that hash.
    Names(&'a BigramIndex),
    /// Where a character of the set stands, under the bit given.
    Set(u16, &'a CharSet),
    /// Where one of the characters stands, under the bit given.
    Chars(u16, &'a [char]),
}

impl Mark<'_> {
    fn bit(&self) -> u16 {
        match self {
            Mark::Words(w) => w.bit,
            Mark::Names(n) => n.bit,
            Mark::Set(b, _) | Mark::Chars(b, _) => *b,
        }
    }
}

/// The tables that mark [`TextIndex::starts`] with two lookups per character and no
/// branch: a word list's bit holds where the character starts one of its words and either
/// is a word of its own or starts one with the next character; a name index's bit where
/// the two characters start one of its names; a set of characters' bit where one stands.
/// Marks are "may" marks: the scans verify each (a shared table of pairs has more false
/// marks than the lists' own filters, about one position in ten, each a hash probe).
/// Branching on the first character, then list by list, was mispredicted at every other
/// character (places' names start with 38% of the characters of news text).
pub(crate) struct StartTable {
    /// For each Basic Multilingual Plane character: the bits of the lists with a word that
    /// starts with it, and of the sets that hold it (low 16 bits); the bits of the lists
    /// with a one-character word that is it (high 16 bits). 256 KB, of which a text touches
    /// the lines of the characters it has.
    first: Vec<u32>,
    /// By a hash of a pair of characters ([`StartTable::slot`]): the bits of the lists and
    /// indexes with a word starting with a pair of that hash (128 KB).
    pairs: Vec<u16>,
    /// Bits of word lists, of name indexes, and every bit.
    words: u16,
    names: u16,
    all: u16,
}

/// log2 of the number of slots in [`StartTable::pairs`]: 6,600 pairs of first characters
/// fill a tenth of 65,536.
const PAIR_BITS: u32 = 16;

impl StartTable {
    pub(crate) fn new(marks: &[Mark]) -> StartTable {
        let mut t =
            StartTable { first: vec![0u32; 0x10000], pairs: vec![0u16; 1 << PAIR_BITS], words: 0, names: 0, all: 0 };
        for m in marks {
            let b = m.bit();
            debug_assert_eq!(b.count_ones(), 1);
            debug_assert_eq!(t.all & b, 0, "two marks share a bit");
            t.all |= b;
            let mut first = |c: char, bits: u32| {
                if let Some(slot) = t.first.get_mut(c as usize) {
                    *slot |= bits;
                }
            };
            let mut pair = |c0: char, c1: char| t.pairs[StartTable::slot(c0, c1)] |= b;
            match m {
                Mark::Words(w) => {
                    t.words |= b;
                    // An empty word (a user's list may hold one) starts nowhere.
                    for word in w.words.iter().filter(|w| !w.is_empty()) {
                        first(word[0], u32::from(b) | if word.len() == 1 { u32::from(b) << 16 } else { 0 });
                        if let [c0, c1, ..] = word[..] {
                            pair(c0, c1);
                        }
                    }
                }
                Mark::Names(n) => {
                    t.names |= b;
                    n.by_start.keys().for_each(|&(c0, c1)| pair(c0, c1));
                }
                Mark::Set(_, set) => {
                    for c in (0..0x10000u32).filter_map(char::from_u32).filter(|c| set.contains(c)) {
                        first(c, u32::from(b));
                    }
                }
                Mark::Chars(_, chars) => chars.iter().for_each(|&c| first(c, u32::from(b))),
            }
        }
        t
    }

    #[inline(always)]
    fn slot(c0: char, c1: char) -> usize {
        let h = (u64::from(c0 as u32) << 21 | u64::from(c1 as u32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - PAIR_BITS)) as usize
    }

    /// For each character of `chars`, the bits that may hold there.
    fn mark(&self, chars: &[char]) -> Vec<u16> {
        let at = |c: char, pair: u16| {
            // Beyond the plane (rare): every bit, for the scans to test.
            let f = self.first.get(c as usize).copied().unwrap_or(u32::from(self.all) * 0x1_0001);
            let (first, single) = (f as u16, (f >> 16) as u16);
            let words = first & (pair | single) & self.words;
            let others = first & !self.words & !self.names;
            words | pair & self.names | others
        };
        // Written by index, as in `TextIndex::new`.
        let mut out = vec![0u16; chars.len()];
        for (slot, w) in out.iter_mut().zip(chars.windows(2)) {
            *slot = at(w[0], self.pairs[StartTable::slot(w[0], w[1])]);
        }
        if let (Some(slot), Some(&last)) = (out.last_mut(), chars.last()) {
            *slot = at(last, 0);
        }
        out
    }
}

/// Every (start, end) span of the text that spells one of a few words known only to one
/// document (the names found in it), in the order `WordList::find_all` gives. A
/// `WordList`'s tables are 18 KB of bits to zero and fill, built once per document this
/// was 1.2% of the extract stage; here two registers of bits by first character (its low
/// six bits, the next six) turn most characters away, and a small map the rest.
pub(crate) fn find_all_few<S: AsRef<str>>(ix: &TextIndex, words: &[S]) -> Vec<(usize, usize)> {
    let words = by_length_desc(words);
    let (mut low, mut high) = (0u64, 0u64);
    let mut by_first: FxHashMap<char, Vec<usize>> = FxHashMap::default();
    for (k, w) in words.iter().enumerate() {
        if let Some(&c) = w.first() {
            low |= 1 << (c as u32 % 64);
            high |= 1 << (c as u32 / 64 % 64);
            by_first.entry(c).or_default().push(k);
        }
    }
    let mut out = Vec::new();
    for (i, &c) in ix.chars.iter().enumerate() {
        if low >> (c as u32 % 64) & 1 == 0 || high >> (c as u32 / 64 % 64) & 1 == 0 {
            continue;
        }
        for &k in by_first.get(&c).map_or(&[][..], Vec::as_slice) {
            let w = &words[k];
            if ix.at(i, w) {
                out.push((i, i + w.len()));
            }
        }
    }
    out
}

impl std::ops::Deref for WordList {
    type Target = [Vec<char>];
    fn deref(&self) -> &[Vec<char>] {
        &self.words
    }
}

/// A name's characters and its index in the list it came from.
type IndexedName = (Vec<char>, usize);

/// Names grouped by their first two characters, longest first: the leftmost-longest
/// matches of the whole list over a text, as an Aho-Corasick automaton with
/// `MatchKind::LeftmostLongest` finds them, for one bit test per character ([`PairFilter`])
/// and a hash probe only where a name may start. One-character names are not indexed. Each of the two lists
/// it serves (5,900 place names, 120 organisation names) made the extract stage 8-9% faster
/// than its automaton did (`zhetl bench`, one core, People's Daily texts; see `WordList`
/// for why).
pub(crate) struct BigramIndex {
    /// The names' first two characters (32 KB; 128 KB was no faster): most positions of a
    /// text start no name, and the hash map's probe there was most of the place scan (its
    /// tens of thousands of keys do not stay in cache; these bits do).
    pairs: PairFilter,
    /// (first char, second char) → (name, index in the list) by length, longest first.
    by_start: FxHashMap<(char, char), Vec<IndexedName>>,
    /// This index's bit in [`TextIndex::starts`] ([`mark`]), else 0.
    bit: u16,
}

impl BigramIndex {
    pub(crate) fn new(names: &[String]) -> BigramIndex {
        let mut by_start: FxHashMap<(char, char), Vec<IndexedName>> = FxHashMap::default();
        for (i, n) in names.iter().enumerate() {
            let w: Vec<char> = n.chars().collect();
            if w.len() >= 2 {
                by_start.entry((w[0], w[1])).or_default().push((w, i));
            }
        }
        for v in by_start.values_mut() {
            // Stable: among names of one length, the earlier in the list first.
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        BigramIndex { pairs: PairFilter::new(18, by_start.keys().copied()), by_start, bit: 0 }
    }

    /// The index with its starts marked under `bit` of [`TextIndex::starts`].
    pub(crate) fn marked_as(mut self, bit: u16) -> BigramIndex {
        self.bit = bit;
        self
    }

    /// (start, end, name index) of the leftmost-longest matches, left to right, not
    /// overlapping.
    pub(crate) fn leftmost_longest<'s>(
        &'s self,
        ix: &'s TextIndex,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 's {
        let mut i = 0;
        std::iter::from_fn(move || {
            loop {
                i = ix.next_marked(self.bit, i);
                if i + 1 >= ix.chars.len() {
                    break;
                }
                let (c0, c1) = (ix.chars[i], ix.chars[i + 1]);
                // A mark is a pair of the shared table, which a tenth of all pairs fill: the
                // index's own filter, one bit test, spares most of them the hash probe.
                if self.pairs.may_contain(c0, c1) {
                    if let Some(group) = self.by_start.get(&(c0, c1)) {
                        if let Some((w, k)) = group.iter().find(|(w, _)| ix.at(i, w)) {
                            let hit = (i, i + w.len(), *k);
                            i += w.len();
                            return Some(hit);
                        }
                    }
                }
                i += 1;
            }
            None
        })
    }
}

fn by_length_desc<S: AsRef<str>>(words: &[S]) -> Vec<Vec<char>> {
    let mut v: Vec<Vec<char>> = words.iter().map(|w| w.as_ref().chars().collect()).collect();
    v.sort_by_key(|w| std::cmp::Reverse(w.len()));
    v
}

impl Lists {
    fn parse(text: &str, organizations: &str) -> Result<Lists> {
        let f: LexiconFile =
            toml::from_str(text).map_err(|e| Error::config("extract.lexicon", e.message().to_string()))?;
        Ok(Lists {
            surnames: CharSet::new(f.surnames.chars().filter(|c| !c.is_whitespace())),
            top_surnames: CharSet::new(f.surnames.chars().filter(|c| !c.is_whitespace()).take(100)),
            compound_surnames: by_length_desc(&f.compound_surnames),
            japanese_surnames: f.japanese_surnames.into_iter().collect(),
            known_people: WordList::new(
                &f.known_people.iter().filter(|w| !f.not_names.contains(w)).collect::<Vec<_>>(),
            )
            .marked_as(mark::KNOWN_PEOPLE),
            not_names: f.not_names.into_iter().collect(),
            roles: WordList::new(&f.roles).marked_as(mark::ROLES),
            role_words: f.roles.into_iter().collect(),
            roles_after: WordList::new(&f.roles_after).marked_as(mark::ROLES_AFTER),
            speech_verbs: WordList::new(&f.speech_verbs).marked_as(mark::SPEECH_VERBS),
            town_suffixes: WordList::new(&f.town_suffixes).marked_as(mark::TOWN_SUFFIXES),
            village_suffixes: WordList::new(&f.village_suffixes).marked_as(mark::VILLAGE_SUFFIXES),
            generic_places: f.generic_places.into_iter().collect(),
            org_suffixes: WordList::new(&f.org_suffixes).marked_as(mark::ORG_SUFFIXES),
            org_stop_words: f.org_stop_words.into_iter().collect(),
            organizations: BigramIndex::new(
                &organizations
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(String::from)
                    .collect::<Vec<_>>(),
            )
            .marked_as(mark::ORGANIZATIONS),
        })
    }
}

/// Marks tested at a time by [`TextIndex::marked`] and [`TextIndex::next_marked`].
const WINDOW: usize = 16;

/// Bit `k` set where `marks[k]` holds one of `bits`; the compiler vectorises the loop over a
/// whole window. With the window summaries ([`TextIndex::marked`]), the walk costs 5% fewer
/// instructions of the extract stage than testing one mark at a time through an iterator's
/// `filter` (most marks hold none of the bits a scan asks for); its time was within noise.
#[inline(always)]
fn window_mask(marks: &[u16], bits: u16) -> u32 {
    let mut m = 0u32;
    if let Ok(w) = <&[u16; WINDOW]>::try_from(marks) {
        for (k, &x) in w.iter().enumerate() {
            m |= u32::from(x & bits != 0) << k;
        }
    } else {
        for (k, &x) in marks.iter().enumerate() {
            m |= u32::from(x & bits != 0) << k;
        }
    }
    m
}

/// [`window_mask`] of `starts[at..end]`, within one window, or 0 at once where the window's
/// summary (`windows`, see [`TextIndex::windows`]) lacks the bits.
#[inline(always)]
fn window_hits(starts: &[u16], windows: &[u16], bits: u16, at: usize, end: usize) -> u32 {
    if windows[at / WINDOW] & bits == 0 {
        0
    } else {
        window_mask(&starts[at..end], bits)
    }
}

/// The positions [`TextIndex::marked`] yields: the marked ones found a window at a time,
/// or every position of a text without marks.
pub(crate) struct Marked<'i> {
    starts: &'i [u16],
    windows: &'i [u16],
    bits: u16,
    /// The first position not yet tested.
    scan: usize,
    /// The first position of the window `pending` holds.
    base: usize,
    /// Marked positions of the current window not yet yielded, one bit each.
    pending: u32,
    /// Every position, for a text without marks (else empty).
    all: std::ops::Range<usize>,
}

impl Iterator for Marked<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.pending == 0 {
            if self.scan >= self.starts.len() {
                return self.all.next();
            }
            let end = (self.scan + WINDOW).min(self.starts.len());
            self.pending = window_hits(self.starts, self.windows, self.bits, self.scan, end);
            self.base = self.scan;
            self.scan = end;
        }
        let k = self.pending.trailing_zeros() as usize;
        self.pending &= self.pending - 1;
        Some(self.base + k)
    }
}

/// Character-level view of `Document::text` with token and sentence lookups by offset.
pub(crate) struct TextIndex<'a> {
    pub doc: &'a Document,
    pub chars: Vec<char>,
    /// Byte offset of each char, plus the text length at the end. `u32` like the offsets
    /// in [`Token`]: half the memory to fill per document, and building this index was a
    /// twelfth of the extract stage.
    byte_of: Vec<u32>,
    /// For each char, the index of the token covering it (or `u32::MAX`).
    token_of: Vec<u32>,
    /// For each char, the bits of [`mark`] that hold there; empty when built without the
    /// marks ([`TextIndex::new`]), and the scans then test the characters themselves.
    starts: Vec<u16>,
    /// For each [`WINDOW`] characters, the bits marked at any of them: a scan skips a
    /// window whose summary lacks its bits with one test.
    windows: Vec<u16>,
}

impl<'a> TextIndex<'a> {
    pub fn new(doc: &'a Document) -> TextIndex<'a> {
        // The exact count first, one fast pass, then written by index into vectors of their
        // full length: pushed, the vectors regrew from a guess and each push tested the
        // capacity, at every character (building the index was 8% of the extract stage's
        // instructions).
        let n = doc.text.chars().count();
        let mut chars = vec!['\0'; n];
        let mut byte_of = vec![doc.text.len() as u32; n + 1];
        for ((b, c), (slot, at)) in doc.text.char_indices().zip(chars.iter_mut().zip(byte_of.iter_mut())) {
            *slot = c;
            *at = b as u32;
        }
        let mut token_of = vec![u32::MAX; n];
        for (i, t) in doc.tokens.iter().enumerate() {
            // A loop, not `fill`: a word is a few characters, and `fill` called memset.
            for slot in &mut token_of[t.start as usize..(t.start + t.len) as usize] {
                *slot = i as u32;
            }
        }
        TextIndex { doc, chars, byte_of, token_of, starts: Vec::new(), windows: Vec::new() }
    }

    /// [`TextIndex::new`] with the bits of [`mark`] marked.
    pub fn marked_with(doc: &'a Document, table: &StartTable) -> TextIndex<'a> {
        let mut ix = TextIndex::new(doc);
        ix.set_marks(table.mark(&ix.chars));
        ix
    }

    /// Sets the marks, with each window's summary of them.
    fn set_marks(&mut self, starts: Vec<u16>) {
        self.windows = starts.chunks(WINDOW).map(|w| w.iter().fold(0, |a, &m| a | m)).collect();
        self.starts = starts;
    }

    /// The positions where one of `bits` is marked, in order: every position when the
    /// index was built without marks or `bits` is 0 (a list not marked), for the scan to
    /// test itself.
    #[inline]
    pub fn marked(&self, bits: u16) -> Marked<'_> {
        let unmarked = self.starts.is_empty() || bits == 0;
        Marked {
            starts: if unmarked { &[] } else { &self.starts },
            windows: &self.windows,
            bits,
            scan: 0,
            base: 0,
            pending: 0,
            all: 0..if unmarked { self.chars.len() } else { 0 },
        }
    }

    /// The first position at or after `from` where one of `bits` is marked, else the
    /// text's end; `from` itself when the index was built without marks or `bits` is 0, as
    /// [`TextIndex::marked`] yields every position then.
    #[inline]
    pub fn next_marked(&self, bits: u16, from: usize) -> usize {
        if self.starts.is_empty() || bits == 0 {
            return from;
        }
        let mut at = from;
        while at < self.starts.len() {
            let end = (at - at % WINDOW + WINDOW).min(self.starts.len());
            let m = window_hits(&self.starts, &self.windows, bits, at, end);
            if m != 0 {
                return at + m.trailing_zeros() as usize;
            }
            at = end;
        }
        self.chars.len().max(from)
    }

    /// The text between two char offsets.
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.doc.text[self.byte_of[start] as usize..self.byte_of[end] as usize]
    }

    /// The token covering char `pos`.
    pub fn token(&self, pos: usize) -> Option<&'a Token> {
        self.token_of.get(pos).and_then(|&i| self.doc.tokens.get(i as usize))
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

    /// Whether the chars at `pos` spell `word`, given as a string (a list of words kept as
    /// `&str` constants, compared without collecting them).
    pub fn at_str(&self, pos: usize, word: &str) -> bool {
        (pos..).zip(word.chars()).all(|(k, c)| self.chars.get(k) == Some(&c))
    }

    /// Whether the chars at `pos` spell `word`.
    #[inline]
    pub fn at(&self, pos: usize, word: &[char]) -> bool {
        // First character first: most probes fail there, without a call to memcmp.
        match (self.chars.get(pos), word.first()) {
            (Some(a), Some(b)) if a == b => self.chars.get(pos..pos + word.len()) == Some(word),
            _ => false,
        }
    }
}

/// A short set of characters (up to about a hundred). `str::contains(char)` encodes the
/// character and searches the string's bytes for it, over a hundred instructions a test:
/// 2.5% of the extract stage; a comparison with each member, vectorised, is a few.
#[derive(Clone, Copy)]
pub(crate) struct CharList(pub &'static [char]);

impl CharList {
    #[inline]
    pub fn contains(self, c: char) -> bool {
        // No early exit: the compiler compares eight at a time.
        self.0.iter().fold(false, |found, &x| found | (x == c))
    }
}

/// The number of characters of `s`, for [`chars!`].
pub(crate) const fn count_chars(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if b[i] & 0xC0 != 0x80 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The characters of `s`, decoded at compile time for [`chars!`].
pub(crate) const fn decode_chars<const N: usize>(s: &str) -> [char; N] {
    let b = s.as_bytes();
    let mut out = ['\0'; N];
    let (mut i, mut k) = (0, 0);
    while i < b.len() {
        let lead = b[i] as u32;
        let (len, mut v) = if lead < 0x80 {
            (1, lead)
        } else if lead < 0xE0 {
            (2, lead & 0x1F)
        } else if lead < 0xF0 {
            (3, lead & 0x0F)
        } else {
            (4, lead & 0x07)
        };
        let mut j = 1;
        while j < len {
            v = v << 6 | (b[i + j] as u32 & 0x3F);
            j += 1;
        }
        out[k] = match char::from_u32(v) {
            Some(c) => c,
            None => panic!("not a character"),
        };
        k += 1;
        i += len;
    }
    out
}

/// Levels of government written as one character (镇党委书记, 县/zg 民政局, 全县两镇).
pub(crate) const ADMIN_LEVELS: CharList = chars!("省市县区乡镇村");

/// One flag per character of a text of `n` characters: whether one of `spans` covers it.
/// Overlap tests against the spans found so far then cost the tested span's length; scans
/// of every span found made extraction quadratic in a document's length (one 7.4 MB text
/// extracted at 3.0 MB per CPU-second, against 25-30 for news articles; now 15.7).
pub(crate) fn covered(n: usize, spans: impl IntoIterator<Item = (usize, usize)>) -> Vec<bool> {
    let mut flags = vec![false; n];
    for (s, e) in spans {
        flags[s..e].fill(true);
    }
    flags
}

/// Whether `c` is a CJK ideograph.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// What the extract stage loads without the lexicon: lists, units, patterns and jieba's
/// IDF table. [`crate::Pipeline::new`] loads it on a second thread while the lexicon builds
/// jieba's dictionary (most of start-up), which on two cores takes about a quarter off
/// start-up (0.21 to 0.15 s for a run on one small file).
pub(crate) struct Parts {
    lists: Lists,
    units: quantity::Units,
    meta: meta::MetaRules,
    dates: dates::DateRules,
    keywords: keywords::Ranker,
}

impl Parts {
    /// # Errors
    /// `Error::Io`, `Error::Config` or `Error::Dict` for unreadable or malformed data files.
    pub(crate) fn load(cfg: &ExtractConfig) -> Result<Parts> {
        let (lex_text, _) = read_data(&cfg.lexicon, builtin::LEXICON)?;
        let (units_text, _) = read_data(&cfg.units, builtin::UNITS)?;
        let (org_text, _) = read_data(&cfg.organizations, builtin::ORGANIZATIONS)?;
        Ok(Parts {
            lists: Lists::parse(&lex_text, &org_text)?,
            units: quantity::Units::parse(&units_text)?,
            meta: meta::MetaRules::new()?,
            dates: dates::DateRules,
            keywords: keywords::Ranker::new(cfg)?,
        })
    }
}

/// The extract stage.
pub struct Extractor {
    enabled: bool,
    /// Whether the quantities, dates and keywords are wanted: each feeds its own table
    /// only, so a table the run skips (`output.skip_tables`) need not be computed.
    want_quantities: bool,
    want_dates: bool,
    want_keywords: bool,
    lexicon: Arc<Lexicon>,
    lists: Lists,
    places: PlaceMatcher,
    units: quantity::Units,
    meta: meta::MetaRules,
    dates: dates::DateRules,
    keywords: keywords::Ranker,
    max_campaign_chars: usize,
    /// The tables that mark where [`Extractor::marks`] may hold.
    starts: StartTable,
}

impl Extractor {
    /// Builds the stage: loads the lists, builds the automata.
    ///
    /// # Errors
    /// `Error::Io`, `Error::Config` or `Error::Dict` for unreadable or malformed data files.
    pub fn new(cfg: &ExtractConfig, lexicon: Arc<Lexicon>) -> Result<Extractor> {
        Ok(Extractor::from_parts(cfg, lexicon, Parts::load(cfg)?))
    }

    /// The stage from the lexicon and the parts loaded without it.
    pub(crate) fn from_parts(cfg: &ExtractConfig, lexicon: Arc<Lexicon>, parts: Parts) -> Extractor {
        let mut x = Extractor {
            enabled: cfg.enabled,
            want_quantities: true,
            want_dates: true,
            want_keywords: true,
            units: parts.units,
            meta: parts.meta,
            dates: parts.dates,
            places: PlaceMatcher::new(&lexicon),
            lists: parts.lists,
            keywords: parts.keywords,
            max_campaign_chars: cfg.max_campaign_chars,
            lexicon,
            starts: StartTable::new(&[]),
        };
        x.starts = StartTable::new(&x.marks());
        x
    }

    /// What the bits of [`TextIndex::starts`] mark: the lists and indexes scanned at every
    /// character and the characters the scans look for.
    fn marks(&self) -> [Mark<'_>; 14] {
        let l = &self.lists;
        [
            Mark::Words(&l.known_people),
            Mark::Words(&l.roles),
            Mark::Words(&l.roles_after),
            Mark::Words(&l.speech_verbs),
            Mark::Words(&l.town_suffixes),
            Mark::Words(&l.village_suffixes),
            Mark::Words(&l.org_suffixes),
            Mark::Names(self.places.index()),
            Mark::Names(&l.organizations),
            Mark::Chars(mark::DATES, &dates::DATE_CHARS),
            Mark::Chars(mark::QUOTES, &quotes::QUOTE_CHARS),
            Mark::Chars(mark::CREDITS, people::CREDIT_CHARS),
            Mark::Set(mark::SURNAMES, &l.surnames),
            Mark::Chars(mark::OFFICES, people::OFFICE_CHARS),
        ]
    }

    /// The stage without the extractors whose only table is in `skipped` (quantities,
    /// dates, keywords): their fields stay empty.
    pub fn skipping(mut self, skipped: &[Table]) -> Extractor {
        self.want_quantities = !skipped.contains(&Table::Quantities);
        self.want_dates = !skipped.contains(&Table::Dates);
        self.want_keywords = !skipped.contains(&Table::Keywords);
        self
    }

    /// Fills `meta`, `entities`, `quantities`, `quotes`, `dates` and `keywords`.
    ///
    /// # Errors
    /// None today; the signature leaves room for extractors that can fail on one document.
    pub fn extract(&self, doc: &mut Document) -> Result<(), DocError> {
        self.extract_with(doc, true)
    }

    /// [`Extractor::extract`], the scans skipping from mark to mark or, with `marked`
    /// false, testing every character themselves: a test compares the two.
    fn extract_with(&self, doc: &mut Document, marked: bool) -> Result<(), DocError> {
        if !self.enabled {
            meta::apply_fields(doc);
            return Ok(());
        }
        doc.meta = self.meta.extract(doc, &self.lists, &self.lexicon);
        meta::apply_fields(doc);
        let ix = if marked { TextIndex::marked_with(doc, &self.starts) } else { TextIndex::new(doc) };
        let mut entities = self.places.find(&ix, &self.lists, &self.lexicon);
        let mut people = people::find(&ix, &self.lists, &self.lexicon, &entities);
        let orgs = people::organizations(&ix, &self.lists, &self.lexicon, &entities, &people);
        // A span found both as a person and as an organisation, or inside one, is the
        // organisation: jieba tags some foreign bodies as names (欧佩克/nr), and companies are
        // named so (比亚迪股份有限公司).
        if !orgs.is_empty() {
            let in_org = covered(ix.chars.len(), orgs.iter().map(crate::document::Entity::span));
            people.retain(|p| !in_org[p.start as usize..p.end as usize].iter().all(|&b| b));
        }
        let (mut campaigns, quotes) = quotes::find(&ix, &self.lists, &people, self.max_campaign_chars);
        let mut quantities = if self.want_quantities { self.units.find(&ix, &self.lexicon) } else { Vec::new() };
        // A number inside a slogan's quotation marks counts nothing (“最后一公里”,
        // “千名干部进百村访万户”); a quoted number alone (“1470人”) is that quantity,
        // stressed, and no slogan.
        if !campaigns.is_empty() && !quantities.is_empty() {
            let whole: HashSet<(u32, u32)> = quantities.iter().map(|q| (q.start, q.end)).collect();
            campaigns.retain(|c| !whole.contains(&(c.start, c.end)));
            let named = covered(ix.chars.len(), campaigns.iter().map(crate::document::Entity::span));
            quantities.retain(|q| !named[q.start as usize]);
        }
        let dates = if self.want_dates { self.dates.find(&ix, doc.meta.published_date) } else { Vec::new() };
        entities.extend(people);
        entities.extend(orgs);
        let more = places::by_dictionary(&ix, &self.lists, &self.lexicon, &entities);
        entities.extend(more);
        entities.extend(campaigns);
        entities.sort_by_key(|e| (e.start, e.end));
        drop(ix);
        doc.entities = entities;
        doc.quantities = quantities;
        doc.quotes = quotes;
        doc.dates = dates;
        if self.want_keywords {
            doc.keywords = self.keywords.rank(doc);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use aho_corasick::{AhoCorasickBuilder, MatchKind};

    use super::*;
    use crate::clean::Cleaner;
    use crate::config::Config;
    use crate::document::EntityKind;
    use crate::segment::Segmenter;

    struct Stages {
        cleaner: Cleaner,
        segmenter: Segmenter,
        extractor: Extractor,
    }

    static STAGES: LazyLock<Stages> = LazyLock::new(|| {
        let cfg = Config::default();
        let lex = Arc::new(Lexicon::new(&None, &None).unwrap());
        Stages {
            cleaner: Cleaner::new(&cfg.clean, lex.clone()).unwrap(),
            segmenter: Segmenter::new(&cfg.segment, lex.clone()),
            extractor: Extractor::new(&cfg.extract, lex).unwrap(),
        }
    });

    /// The texts of the document's entities of one kind, in order.
    fn texts(d: &Document, kind: EntityKind) -> Vec<&str> {
        d.entities.iter().filter(|e| e.kind == kind).map(|e| e.text.as_str()).collect()
    }

    /// The document's people as (name, role), in order.
    fn people_roles(d: &Document) -> Vec<(&str, Option<&str>)> {
        d.entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| (e.text.as_str(), e.role.as_deref()))
            .collect()
    }

    /// The document's quantities as (text, value, unit), in order.
    fn values(d: &Document) -> Vec<(&str, f64, &str)> {
        d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.unit.as_str())).collect()
    }

    /// The document's quantities as (text, value, value_max, unit), in order.
    fn ranges(d: &Document) -> Vec<(&str, f64, Option<f64>, &str)> {
        d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.value_max, q.unit.as_str())).collect()
    }

    fn run(text: &str) -> Document {
        let mut doc = segmented(text.to_string());
        STAGES.extractor.extract(&mut doc).unwrap();
        doc
    }

    /// `text` cleaned and segmented, ready for the extract stage.
    fn segmented(text: String) -> Document {
        let mut doc = Document { raw_text: text, ..Document::default() };
        STAGES.cleaner.clean(&mut doc);
        STAGES.segmenter.segment(&mut doc);
        doc
    }

    /// How many times as long extraction takes on `large` (4 times `small`'s text) as on
    /// `small`: the best of `rounds` runs each, the two in turn, so that other tests running
    /// beside (cargo runs them in parallel) slow both alike. `check` sees every extracted
    /// document with its size: 1 for `small`, 4 for `large`.
    fn extract_time_ratio(small: &Document, large: &Document, rounds: usize, check: impl Fn(&Document, usize)) -> f64 {
        let seconds = |doc: &Document, size: usize| {
            let mut d = doc.clone();
            let t = std::time::Instant::now();
            STAGES.extractor.extract(&mut d).unwrap();
            let took = t.elapsed().as_secs_f64();
            check(&d, size);
            took
        };
        let (mut best_small, mut best_large) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..rounds {
            best_small = best_small.min(seconds(small, 1));
            best_large = best_large.min(seconds(large, 4));
        }
        best_large / best_small
    }

    /// Extraction time grows with a document's length, not with its square: every test of
    /// a span against the names, places and bodies found so far is a lookup, not a scan of
    /// them. An article's worth of names 1,000 and 4,000 times over (0.4 and 1.5 MB, one
    /// document): 5.4-5.9 times the time; the scans this replaced took 19 times as long.
    #[test]
    fn extraction_time_is_linear_in_a_documents_length() {
        // An article's worth of what makes spans: a credit, a list of names, a name with a
        // middle dot, roles, places, bodies and teams, a quote with its speaker.
        let article = "新华社北京1月5日电（记者王晓明、李建国）国务院副总理张立昌、司马义·艾买提今天在人民大会堂\
            会见了美国总统克林顿。北京市委组织部部长刘淇说：“我们要把工作做好。”中国队和八一队参加了比赛，\
            浙江省杭州市西湖区和河南省卢氏县的群众参加了活动，县政府办公室主任赵春晓主持。\n";
        let (small, large) = (segmented(article.repeat(1000)), segmented(article.repeat(4000)));
        // Every copy's people, places and bodies are found: 21 of them.
        let ratio = extract_time_ratio(&small, &large, 5, |d, size| assert_eq!(d.entities.len(), 21 * 1000 * size));
        assert!(ratio < 10.0, "4 times the text took {ratio:.1} times as long to extract");
    }

    /// Unclosed quotation marks do not make extraction quadratic: each closing mark finds
    /// its opening one without a search through all those still open (one paragraph of
    /// 200,000 unclosed “ took 50 s).
    #[test]
    fn unclosed_quotation_marks_cost_linear_time() {
        assert_linear(|times| format!("{}他说：“我们要把工作做好。”\n", "群众说“好「".repeat(times)), 5_000);
    }

    /// A profile's line start and post are looked for near it, not from the text's start
    /// or to its end: a page of one line of profiles stays linear.
    #[test]
    fn profiles_on_one_long_line_cost_linear_time() {
        assert_linear(|times| format!("{}\n", "王建华,男,汉族,现任文林镇镇长,拟任镇党委书记;".repeat(times)), 2_000);
    }

    /// A run of Chinese numerals far longer than any number (一万一万…, 万万万…) is read a
    /// bounded stretch at a time: each start read to the run's end, 20,000 of them took 1.9 s.
    #[test]
    fn runs_of_numerals_cost_linear_time() {
        // After a title line, so that the run is the body.
        assert_linear(|times| format!("水库建成\n{}\n", "一万".repeat(times)), 2_000);
        assert_linear(|times| format!("水库建成\n{}\n", "十".repeat(times)), 4_000);
    }

    /// That extracting `text(4 * times)` takes less than ten times as long as `text(times)`
    /// (four times, were it linear), the best of three rounds each.
    fn assert_linear(text: impl Fn(usize) -> String, times: usize) {
        let (small, large) = (segmented(text(times)), segmented(text(4 * times)));
        let ratio = extract_time_ratio(&small, &large, 3, |_, _| {});
        assert!(ratio < 10.0, "4 times the text took {ratio:.1} times as long to extract");
    }

    /// The character indexes find what Aho-Corasick finds: WordList every overlapping
    /// match and the standard non-overlapping ones, BigramIndex the leftmost-longest ones
    /// (nested and overlapping names included).
    #[test]
    fn word_indexes_agree_with_aho_corasick() {
        let names: Vec<String> = [
            "北京",
            "北京市",
            "北京市海淀区",
            "京市",
            "海淀",
            "海淀区",
            "市海",
            "区委",
            "委书记",
            "书记",
            "副书记",
            "记者",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let text = "北京市海淀区委副书记记者北京北京市京市海淀区委书记";
        let doc = Document { text: text.into(), ..Document::default() };
        let ix = TextIndex::new(&doc);
        let chars = |b: usize| text[..b].chars().count();

        let ac = AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&names).unwrap();
        let want: Vec<(usize, usize, usize)> =
            ac.find_iter(text).map(|m| (chars(m.start()), chars(m.end()), m.pattern().as_usize())).collect();
        assert_eq!(BigramIndex::new(&names).leftmost_longest(&ix).collect::<Vec<_>>(), want);

        let ac = AhoCorasickBuilder::new().build(&names).unwrap();
        let mut want: Vec<(usize, usize)> =
            ac.find_overlapping_iter(text).map(|m| (chars(m.start()), chars(m.end()))).collect();
        let mut got = WordList::new(&names).find_all(&ix);
        want.sort();
        got.sort();
        assert_eq!(got, want);

        let want: Vec<(usize, usize)> = ac.find_iter(text).map(|m| (chars(m.start()), chars(m.end()))).collect();
        assert_eq!(WordList::new(&names).find_earliest(&ix), want);
    }

    /// The texts of the bundled seeds, as written.
    fn seed_texts() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
        std::fs::read_dir(dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect()
    }

    /// The whole extract stage gives the same rows with the marks as with every character
    /// tested (a character missing from a scan's list of marked characters, say 代 from the
    /// dates', changes rows here), on the seeds and on texts holding every kind of mark at
    /// the edges: a text's first and last character, after a line break, beyond the Basic
    /// Multilingual Plane.
    #[test]
    fn extraction_with_marks_gives_the_rows_without() {
        let mut texts = seed_texts();
        // A headline and a dateline first: the body's relative dates and eras need the
        // publication date, and the lines after them are body.
        let head = "标题\n2022-05-26 22:58:46来源:甘肃日报\n";
        texts.extend(
            [
                "江主席说:“九十年代以来,本世纪初,今天和昨日,前年上个月,1996—2000年,经济发展很快。”",
                "𠀀省财政厅厅长李明在冶力关镇池沟村说:‘今年6月’「好」『对』,这是一段足够长的正文内容。𠀀",
                "(记者王丽丽)今天上午,市委书记张三、副市长李四和老王出席会议,统计局局长说:“好”。\n张三,男,汉族,1960年生。年",
                "(",
                "\n",
            ]
            .map(|t| format!("{head}{t}\n")),
        );
        let x = &STAGES.extractor;
        for text in texts {
            let doc = segmented(text);
            let (mut a, mut b) = (doc.clone(), doc.clone());
            x.extract_with(&mut a, true).unwrap();
            x.extract_with(&mut b, false).unwrap();
            let rows =
                |d: &Document| format!("{:?}{:?}{:?}{:?}{:?}", d.entities, d.quantities, d.dates, d.quotes, d.keywords);
            assert_eq!(rows(&a), rows(&b), "{}", doc.text);
        }
    }

    /// A user's list may hold an empty word: it starts nowhere, and the stage builds.
    #[test]
    fn an_empty_word_in_a_list_starts_nowhere() {
        let cfg = Config::default();
        let mut parts = Parts::load(&cfg.extract).unwrap();
        parts.lists.speech_verbs = WordList::new(&["说", ""]).marked_as(mark::SPEECH_VERBS);
        let x = Extractor::from_parts(&cfg.extract, Arc::new(Lexicon::new(&None, &None).unwrap()), parts);
        let mut doc = segmented("标题\n李明说:“这是一段足够长的正文内容。”\n".into());
        x.extract(&mut doc).unwrap();
        assert_eq!(doc.quotes.len(), 1);
    }

    /// The window-at-a-time walk over the marks yields what a test of every mark yields,
    /// for texts of every length around the window's (bits at the edges of windows too), and
    /// `next_marked` from every position finds the first of them.
    #[test]
    fn marks_are_walked_a_window_at_a_time_as_one_at_a_time() {
        let doc = Document::default();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for n in (0..=3 * WINDOW + 1).chain([200, 1000]) {
            let mut ix = TextIndex::new(&doc);
            ix.chars = vec!['字'; n];
            ix.set_marks(
                (0..n)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        // Sparse marks, as in text: each bit at about one position in twelve.
                        (0..16)
                            .filter(|_| {
                                state = state.rotate_left(5);
                                state.is_multiple_of(12)
                            })
                            .fold(0, |m, b| m | 1 << b)
                    })
                    .collect(),
            );
            for bits in [1u16, 1 << 15, 0b101, 0xFFFF] {
                let each: Vec<usize> = (0..n).filter(|&i| ix.starts[i] & bits != 0).collect();
                assert_eq!(ix.marked(bits).collect::<Vec<_>>(), each, "{n} {bits:b}");
                for from in 0..=n {
                    let first = each.iter().copied().find(|&i| i >= from).unwrap_or(n);
                    assert_eq!(ix.next_marked(bits, from), first, "{n} {bits:b} {from}");
                }
            }
            assert_eq!(ix.marked(0).collect::<Vec<_>>(), (0..n).collect::<Vec<_>>());
            assert!((0..=n).all(|from| ix.next_marked(0, from) == from));
        }
    }

    /// A set written as a string holds what `str::contains` finds in it, one, two, three
    /// and four bytes long, and nothing else.
    #[test]
    fn char_lists_hold_their_strings_characters() {
        const TEXT: &str = "a、等和及与é𠀀.-/";
        let list = chars!("a、等和及与é𠀀.-/");
        assert_eq!(list.0.len(), TEXT.chars().count());
        for c in TEXT.chars().chain("b中。Z𠀁\0".chars()) {
            assert_eq!(list.contains(c), TEXT.contains(c), "{c}");
        }
    }

    /// The marks of [`TextIndex::starts`] are "may" marks: every scan finds with them what it
    /// finds testing every character itself, on the seeds (with a character beyond the
    /// Basic Multilingual Plane and a text ending in a mark), and every character a scan
    /// acts on is marked.
    #[test]
    fn marked_scans_find_what_unmarked_scans_find() {
        let x = &STAGES.extractor;
        let mut texts = seed_texts();
        texts.push("𠀀主席𠀀江泽民说:“北京市委书记”\n(记者 王丽丽)北京市海淀区委,12月".into());
        for text in texts {
            let mut doc = run("");
            doc.text = text;
            let plain = TextIndex::new(&doc);
            let marked = TextIndex::marked_with(&doc, &x.starts);
            assert_eq!(marked.starts.len(), plain.chars.len());
            for m in x.marks() {
                match m {
                    Mark::Words(w) => {
                        assert_eq!(w.find_all(&marked), w.find_all(&plain));
                        for p in 0..plain.chars.len() {
                            assert_eq!(w.at(&marked, p), w.at(&plain, p));
                        }
                    }
                    Mark::Names(n) => {
                        assert_eq!(
                            n.leftmost_longest(&marked).collect::<Vec<_>>(),
                            n.leftmost_longest(&plain).collect::<Vec<_>>()
                        );
                    }
                    Mark::Set(bit, set) => {
                        assert!((0..plain.chars.len())
                            .all(|p| !set.contains(&plain.chars[p]) || marked.starts[p] & bit != 0));
                    }
                    Mark::Chars(bit, chars) => {
                        assert!((0..plain.chars.len())
                            .all(|p| !chars.contains(&plain.chars[p]) || marked.starts[p] & bit != 0));
                    }
                }
            }
        }
    }

    /// The names of the people found in `text`, in order.
    fn names(text: &str) -> Vec<String> {
        people(&run(text)).into_iter().map(|(n, _)| n).collect()
    }

    fn people(doc: &Document) -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> = doc
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| (e.text.clone(), e.role.clone()))
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn metadata_forms() {
        let d = run("金昌:建强基层堡垒\n2022-05-26 22:58:46来源:甘肃日报编辑:王奇英责编:赵春晓\n正文第一句话写在这里,内容足够长。\n");
        assert_eq!(d.meta.title.as_deref(), Some("金昌:建强基层堡垒"));
        assert_eq!(d.meta.source.as_deref(), Some("甘肃日报"));
        assert_eq!(d.meta.editors, ["王奇英", "赵春晓"]);
        assert_eq!(d.meta.published_at.unwrap().to_string(), "2022-05-26 22:58:46");

        let d = run("正文第一句话写在这里,内容足够长。\n《 人民日报 》( 2020年12月14日 10 版)\n");
        assert_eq!(
            (d.meta.source.as_deref(), d.meta.published_date.map(|x| x.to_string())),
            (Some("人民日报"), Some("2020-12-14".into()))
        );

        for line in ["1998年1月1日于北京", "1998年1月1日19时15分,他离开了亲人"] {
            let d = run(&format!("标题在这里\n{line}\n正文第一句话写在这里,内容足够长。\n"));
            assert_eq!(d.meta.source, None, "{line}");
        }

        // A government's release: its masthead and rule are no title, the day of the week
        // no outlet, and the local time on a line of its own is the release's minute.
        let d = run("香港特区政府新闻公报\n行政长官出席粤港合作联席会议\n*************\n\
             行政长官李家超今日在广州出席会议。\n完\n2024年5月12日(星期日)\n香港时间18时30分\n");
        assert_eq!(d.meta.title.as_deref(), Some("行政长官出席粤港合作联席会议"));
        assert_eq!(d.meta.source, None);
        assert_eq!(d.meta.published_at.unwrap().to_string(), "2024-05-12 18:30:00");
        assert_eq!(people(&d), [("李家超".to_string(), Some("行政长官".to_string()))]);

        let d = run("标题在这里\n2024-09-28大河网-河南日报\n□本报记者王小萍王雪红本报通讯员刘飞白世锋\n正文第一句话写在这里,内容足够长。\n");
        assert_eq!(d.meta.source.as_deref(), Some("河南日报"));
        assert_eq!(d.meta.authors, ["王小萍", "王雪红", "刘飞", "白世锋"]);

        // A lead credit in the story's first paragraph names its authors and stays text.
        for (text, authors) in [
            ("本报讯(记者 王刚 通讯员 李明)今年以来,我市坚持农业农村优先发展。\n", &["王刚", "李明"][..]),
            ("本报北京1月5日讯 记者李中文报道:比赛开始了,场面很热烈。\n", &["李中文"]),
            ("新华社北京1月1日电(江涛、曹斌)昨晚,首都各界举行联欢会。\n", &["江涛", "曹斌"]),
            ("(图为村民在田间劳作)各地要抓好落实,这是一个很长的句子。\n", &[]),
            ("中新网杭州12月5日电(记者 童笑雨)记者5日从浙江省统计局获悉,经济运行平稳。\n", &["童笑雨"]),
        ] {
            let d = run(text);
            assert_eq!(d.meta.authors, authors, "{text}");
            assert_eq!(d.text, text.trim_end(), "{text}");
        }
        // The outlet of a dateline is the source where the page names none; 本报 names none.
        for (text, source) in [
            ("中新网杭州12月5日电(记者 童笑雨)记者5日从浙江省统计局获悉。\n", Some("中新网")),
            ("中国新闻网北京12月5日电 国家统计局5日发布数据。\n", Some("中国新闻网")),
            ("新华社烟台12月5日电 烟台市今天召开会议。\n", Some("新华社")),
            ("据新华社北京1月5日电 国务院今天召开会议。\n", Some("新华社")),
            ("本报北京1月5日讯 记者李中文报道:比赛开始了。\n", None),
            ("中国人民银行12月5日发布公告,下调存款准备金率。\n", None),
            ("中国社会科学网北京12月5日电 学术会议今天举行。\n", Some("中国社会科学网")),
            ("中新网烟台12月5日电 烟台市今天召开会议。\n", Some("中新网")),
            ("南方电网12月5日电价下调,居民用电成本降低。\n", None),
        ] {
            assert_eq!(run(text).meta.source.as_deref(), source, "{text}");
        }
        // Taiwan's and Hong Kong's wire credits in brackets, outlet first: the reporters
        // without the place their names run into, and the outlet as the source.
        for (text, source, authors) in [
            ("(中央社记者曾智怡台北5日电)经济部长今天表示,明年电价冻涨。\n", Some("中央社"), &["曾智怡"][..]),
            ("(中央社记者王大明、林小华东京5日电)日本政府今天宣布新措施。\n", Some("中央社"), &["王大明", "林小华"]),
            ("(中央社台北5日电)行政院今天通过预算案。\n", Some("中央社"), &[]),
            ("(中央社记者刘冠廷高雄5日专电)高雄市今天举行活动。\n", Some("中央社"), &["刘冠廷"]),
            ("(中央社记者王长江5日电)政府今天宣布新措施。\n", Some("中央社"), &["王长江"]),
            ("(据新华社报道)国务院今天召开会议。\n", Some("新华社"), &[]),
            ("【明报专讯】财政司司长昨日宣布,政府将推出新一轮贷款。\n", Some("明报"), &[]),
            ("【本报讯】全市今天召开会议。\n", None, &[]),
            ("(图为村民在田间劳作)各地要抓好落实。\n", None, &[]),
        ] {
            let d = run(&format!("标题在这里\n{text}"));
            assert_eq!(d.meta.source.as_deref(), source, "{text}");
            assert_eq!(d.meta.authors, authors, "{text}");
        }

        let d = run("正文第一句话写在这里,内容足够长。\n(中共三原县委组织部供稿)\n原文链接:http://www.sx-dj.gov.cn/a/djzh/20220901/74039.shtml\n");
        assert_eq!(d.meta.source.as_deref(), Some("中共三原县委组织部"));
        assert_eq!(d.meta.published_date.map(|x| x.to_string()).as_deref(), Some("2022-09-01"));
        assert!(d.meta.url.as_deref().unwrap().ends_with("74039.shtml"));
    }

    #[test]
    fn people_with_roles() {
        let d =
            run("“我们面对问题更有办法。”赤峰市阿鲁科尔沁旗先锋乡张家伙房村党支部书记王力说。王力便带领群众致富。\n");
        assert_eq!(people(&d), [("王力".to_string(), Some("党支部书记".to_string()))]);
        // Both mentions are rows, the second carrying the role given at the first.
        assert_eq!(d.entities.iter().filter(|e| e.kind == EntityKind::Person).count(), 2);
        let d = run("近年来,三门峡市深入学习贯彻习近平总书记关于党的建设的重要思想。市委书记范付中多次实地调研。\n");
        let p = people(&d);
        assert!(p.contains(&("习近平".into(), Some("总书记".into()))), "{p:?}");
        assert!(p.contains(&("范付中".into(), Some("市委书记".into()))), "{p:?}");
        assert!(!p.iter().any(|(n, _)| n == "关于党"), "{p:?}");
    }

    /// A courtesy (同志, 先生) is a person's role only where the document gives no title:
    /// every mention of a full name takes the title, written before or after it, and a
    /// military rank after the name is one (刘伯承元帅, 朱德总司令).
    #[test]
    fn a_title_wins_over_a_courtesy() {
        let d = run(
            "刘伯承同志来到南京。刘伯承元帅的英名家喻户晓。朱德总司令讲了话,朱德同志说大家辛苦了。王明先生到场。\n\
            宋庆龄女士出席,宋庆龄同志讲话。王局长介绍了情况,退休工人王同志说了话。皮尔洛元帅般的传球。\n",
        );
        assert_eq!(
            people_roles(&d),
            [
                ("刘伯承", Some("元帅")),
                ("刘伯承", Some("元帅")),
                ("朱德", Some("总司令")),
                ("朱德", Some("总司令")),
                ("王明", Some("先生")),
                // A courtesy gives way to a title only, and a surname's not at all.
                ("宋庆龄", Some("女士")),
                ("宋庆龄", Some("同志")),
                ("王", Some("局长")),
                ("王", Some("同志")),
                // A likeness is no title.
                ("皮尔洛", None),
            ]
        );
    }

    #[test]
    fn names_jieba_tags_beside_a_role() {
        // No surname and no transliteration of every character: jieba's name tag and the
        // role before it make the person.
        assert_eq!(names("反对党领导人卡翁达被软禁在家中。\n"), ["卡翁达"]);
        assert_eq!(names("自治区党委副书记丹增今天指出，物资已经送到。\n"), ["丹增"]);
        assert_eq!(names("民政部部长多吉才让代表领导小组作了工作报告。\n"), ["多吉才让"]);
        assert_eq!(names("与此同时，国务卿奥尔布赖特在华盛顿发表讲话。\n"), ["奥尔布赖特"]);
        // A rarer surname.
        assert_eq!(names("水利部部长钮茂生说，水利建设取得重大进展。\n"), ["钮茂生"]);
        // A function word jieba cut off ends the name; a role inside a longer word
        // (教练席) anchors nothing; common words jieba's dictionary tags as names stay out.
        assert_eq!(names("而主教练叶鹏却认为队员在下半时打得有些松懈。\n"), ["叶鹏"]);
        assert!(names("比赛从球场上转到了这个赛季的教练席上。\n").is_empty());
        assert!(names("各地代表多渠道筹集资金，村民献爱心。\n").is_empty());
    }

    #[test]
    fn names_a_credit_sets_apart_with_spaces() {
        let d = run("新华社河内12月13日电(记者 王丽丽 邓瑞)国家主席习近平13日在河内会见越南国家主席武文赏。\n");
        let roles = people_roles(&d);
        assert!(roles.contains(&("王丽丽", Some("记者"))) && roles.contains(&("邓瑞", Some("记者"))), "{roles:?}");
    }

    #[test]
    fn a_name_ends_where_jiebas_next_word_begins() {
        // 陈丽/nr 通报/n: 报 after 陈丽通 is the end of jieba's word, not a credit verb.
        let d = run("会上,镇纪委书记陈丽通报了今年以来全镇村级小微权力运行情况。王建国强调,要抓好整改。\n");
        let roles = people_roles(&d);
        assert!(roles.contains(&("陈丽", Some("镇纪委书记"))), "{roles:?}");
        assert!(roles.iter().any(|(n, _)| *n == "王建国"), "{roles:?}");
    }

    #[test]
    fn names_in_lists_and_before_titles() {
        // Items of a list beside found names, though the item's head is a function word
        // (于是) or jieba files the item as a noun (程志/n).
        let p = names("出席的有张庚、吴雪、胡可、李默然、于是之、徐晓钟等著名艺术家。\n");
        assert!(p.contains(&"于是之".to_string()), "{p:?}");
        assert_eq!(names("青年歌唱家郑咏、程志等演唱了多首著名歌曲。\n"), ["郑咏", "程志"]);
        // 和 joins two names as 、 does.
        let p = names("郑弘、曹大元、吴肇毅和俞斌４位九段则分别被淘汰。\n");
        assert!(p.contains(&"俞斌".to_string()), "{p:?}");
        // A frequent word in the list stays a word.
        assert_eq!(names("部长王刚、和平和发展都很重要。\n"), ["王刚"]);
        // A title after the name ends it (王克 上将, not 王克上 将).
        assert_eq!(names("总后勤部部长王克上将今天在这里会见了代表团。\n"), ["王克"]);
        // jieba's dictionary holds names of its source corpus under other tags (夏珺/v).
        assert_eq!(names("据报道，记者夏珺、彭俊报道了菜篮子工程取得的成效。\n"), ["夏珺", "彭俊"]);
    }

    #[test]
    fn well_known_people_by_name_alone() {
        // jieba tags 周恩来 t and 冰心 n, and 鲁迅 and 列宁 are dictionary words of two
        // characters: none is a name without the lexicon's list.
        assert_eq!(names("周恩来和鲁迅都读过列宁的书。\n"), ["周恩来", "鲁迅", "列宁"]);
        assert_eq!(names("这些年冰心写了很多文章，读者都很喜欢她的作品。\n"), ["冰心"]);
        // Only whole words: 冰心 inside 一片冰心 (an idiom jieba keeps whole) is none.
        assert!(names("诗中写道一片冰心在玉壶，表达了诗人的高洁情怀。\n").is_empty());
        // A name the lexicon also lists in not_names stays out (雷锋, most often an epithet).
        assert!(names("他给孩子们讲了雷锋的故事，大家听得很认真。\n").is_empty());
    }

    /// A foreign name in full, then its last part alone: the same person, normalized to the
    /// full name with its role; not a last part two full names share, nor one named before
    /// the full name or with another role (another person), nor a spouse's, nor a unit or a
    /// family.
    #[test]
    fn last_part_of_a_foreign_name_is_that_person() {
        let d = run("巴基斯坦总统拉菲克·塔拉尔今天在这里会见了代表团。塔拉尔说,两国友谊深厚。\n");
        let p: Vec<(&str, &str, Option<&str>)> = d
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| (e.text.as_str(), e.normalized.as_str(), e.role.as_deref()))
            .collect();
        assert_eq!(p, [("拉菲克·塔拉尔", "拉菲克·塔拉尔", Some("总统")), ("塔拉尔", "拉菲克·塔拉尔", Some("总统"))]);
        // A Japanese name by its surname.
        let d = run("日本首相桥本龙太郎今天发表讲话。在野党要求桥本下台。\n");
        let p: Vec<(&str, &str)> = d
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| (e.text.as_str(), e.normalized.as_str()))
            .collect();
        assert_eq!(p, [("桥本龙太郎", "桥本龙太郎"), ("桥本", "桥本龙太郎")]);
        let linked = |text: &str| -> Vec<(String, String)> {
            run(text)
                .entities
                .iter()
                .filter(|e| e.kind == EntityKind::Person && !e.text.contains('·'))
                .map(|e| (e.text.clone(), e.normalized.clone()))
                .collect()
        };
        for text in [
            "美国总统克林顿和夫人希拉里·克林顿今天抵达西安。克林顿在欢迎仪式上说,很高兴来到中国。\n",
            "伊拉克总统萨达姆·侯赛因拒绝了美国的要求。约旦国王侯赛因在安曼说,危机必须和平解决。\n",
        ] {
            assert!(linked(text).iter().all(|(t, n)| t == n), "{text}: {:?}", linked(text));
        }
        assert!(linked("德国画家弗朗茨·马克的作品展出,门票为10马克。\n").is_empty());
        assert!(linked("奥地利作曲家约翰·施特劳斯的名曲。施特劳斯父子和兄弟创作了许多圆舞曲。\n").is_empty());
        // Two full names share 史密斯: the mention keeps its own form, linked to neither.
        let d = run("约翰·史密斯和彼得·史密斯今天到达北京。史密斯表示,此行收获很大。\n");
        assert!(d.entities.iter().filter(|e| e.text == "史密斯").all(|e| e.normalized == "史密斯"), "{:?}", d.entities);
    }

    #[test]
    fn names_jieba_cuts_in_two_or_runs_into_the_next_word() {
        // 为 before the post someone is elected or appointed to is no part of the name (jieba
        // cuts 孙英为/nr 省长); a given name ending in 为 before anything else keeps it.
        assert_eq!(names("大会选举孙英为省长,选举陈旭为省高级人民法院院长。\n"), ["孙英", "陈旭"]);
        assert_eq!(names("上海财经大学校长汤云为教授说,机遇并存。\n"), ["汤云为"]);
        assert_eq!(names("会议选举王恩科、汤云为为省人大常委会副主任。\n"), ["王恩科", "汤云为"]);
        // Married double surnames, cut by jieba or whole.
        assert_eq!(names("政务司司长陈方安生出任主席。\n"), ["陈方安生"]);
        assert_eq!(names("立法会主席范徐丽泰出席了会议。\n"), ["范徐丽泰"]);
        // A name jieba cuts two and one (段芝/nr 璞/nr), and one in a list whose last
        // character could start a word (郝国道、: 道).
        let p = names("新华社乌鲁木齐１月５日电（记者张先国、段芝璞）新疆地质矿产局的工程师今天说，找到了新的矿藏。\n");
        assert!(p.contains(&"段芝璞".to_string()), "{p:?}");
        assert_eq!(names("选举朱纯宣、郝国道、章治文为副主任。\n"), ["朱纯宣", "郝国道", "章治文"]);
        // A third character jieba cuts off as a word before punctuation, 为 or 的 (董加/耕、),
        // or glues to the credit after it (张习/海摄); not an adverb or verb before a word
        // that follows names (孔玲/则/在), a digit or a colon (倪萍/答/:).
        assert_eq!(names("经过人生大回转的侯隽、董加耕、尉凤英都来了。\n"), ["侯隽", "董加耕", "尉凤英"]);
        let p = names("今年新建水库三座,节约资金近200万元。(张晨光张习海摄)李鹏对航空工作作出指示。\n");
        assert!(p.contains(&"张习海".to_string()), "{p:?}");
        let p = names("22岁的孔玲则在中国人民大学读书,倪萍答:“我没有。”\n");
        assert!(!p.iter().any(|n| n.chars().count() == 3), "{p:?}");
        // Nor a verb, adverb or particle jieba cuts off, a noun that follows names, a credit,
        // or an adverb glued to 说 (cases from a reader's review).
        let p = names("这件事是赵明做的。孙刚讲:“好。”卢刚走,秦华留。是程刚吗?交给吴斌时,王刚班的人。《山村巨变》(孟凡著)。秦华总说:“好。”\n");
        assert!(!p.iter().any(|n| n.chars().count() == 3), "{p:?}");
        // A foreign name jieba files as a place, after a role.
        assert_eq!(names("布隆迪总统布约亚要求各方停火。\n"), ["布约亚"]);
        // A place right after a name ends it.
        assert!(names("获奖者有医院院长陈幸运湖北省农科院研究员李明。\n").contains(&"陈幸运".to_string()));
    }

    #[test]
    fn people_in_wire_copy() {
        // A transliterated name after a role, whole rather than its Chinese-looking start.
        let p = people(&run("罗马尼亚总统康斯坦丁内斯库３日晚在总统府发表声明强调。\n"));
        assert_eq!(p, [("康斯坦丁内斯库".to_string(), Some("总统".to_string()))]);
        // Middle-dot names with nothing beside them.
        let p = names("柬埔寨国王诺罗敦·西哈努克会见来宾。铁木尔·达瓦买提出席。\n");
        assert!(p.contains(&"诺罗敦·西哈努克".to_string()) && p.contains(&"铁木尔·达瓦买提".to_string()), "{p:?}");
        // Japanese family names, alone and with the given name.
        let p = names("日本首相桥本龙太郎说，桥本首相表示。\n");
        assert!(p.contains(&"桥本龙太郎".to_string()) && p.contains(&"桥本".to_string()), "{p:?}");
        // An official title after a bare surname names the person; a form of address does not.
        assert_eq!(names("李大使俯身说，徐先生还在。\n"), ["李"]);
        // Roles of wire copy (协调员, 委员长) anchor names jieba does not build on its own.
        let p = people(&run("经由美国中东协调员罗斯的斡旋，双方达成协议。全国人大常委会委员长乔石会见了客人。\n"));
        assert!(p.contains(&("罗斯".into(), Some("协调员".into()))), "{p:?}");
        assert!(p.iter().any(|(n, r)| n == "乔石" && r.as_deref().is_some_and(|r| r.ends_with("委员长"))), "{p:?}");
        // A speech or credit verb after a dictionary word is not the end of a name.
        let p = names("联合国秘书长安南说，各方应当克制。新华社记者江夏报道，本报记者林皎明摄。\n");
        assert!(!p.iter().any(|n| n.ends_with('说') || n.ends_with('报')), "{p:?}");
        // A reporter's credit names even a dictionary word (江夏, a district of Wuhan).
        assert!(p.contains(&"江夏".to_string()) && p.contains(&"林皎明".to_string()), "{p:?}");
        // 时 + 强调 is no name.
        assert!(names("在会见全军和武警部队先进典型代表时强调，全军要认真贯彻。\n").is_empty());
    }

    #[test]
    fn people_in_court_market_and_sports_reports() {
        // Names a court writes with 某, with the party's standing as the role, not the words
        // before it; 某 of 某部门 after a preposition is no name.
        let p = people(&run("被告人王某某通过网络交友平台结识被害人李某，骗取李某钱款。服装由某部门管理。\n"));
        assert!(p.contains(&("王某某".into(), Some("被告人".into()))), "{p:?}");
        assert!(p.contains(&("李某".into(), Some("被害人".into()))), "{p:?}");
        assert!(!p.iter().any(|(n, _)| n.starts_with('由')), "{p:?}");
        // jieba tags such a surname as it likes (马/n, 刘/zg).
        let p = people(&run("被告人马某某系朋友关系。犯罪嫌疑人刘某某被抓获。由某公司承建。\n"));
        assert_eq!(
            p,
            [
                ("马某某".to_string(), Some("被告人".to_string())),
                ("刘某某".to_string(), Some("犯罪嫌疑人".to_string()))
            ]
        );
        // A role does not reach back into a name jieba cut in two (宁德/nr 时代/n 董事长); an
        // analyst is a role.
        let p = people(&run("宁德时代董事长曾毓群表示，中信证券分析师李想认为，盈利超预期。\n"));
        assert!(p.contains(&("曾毓群".into(), Some("董事长".into()))), "{p:?}");
        assert!(p.iter().any(|(n, r)| n == "李想" && r.as_deref().is_some_and(|r| r.ends_with("分析师"))), "{p:?}");
        // A unit's name before the role stays the role's, even where jieba reads a name in
        // front of it.
        let p = people(&run("中国国防报记者黄运成新华社记者贾永黄秋生报道。伊拉克驻华大使库巴等参加了会见。\n"));
        assert!(p.contains(&("贾永".into(), Some("新华社记者".into()))), "{p:?}");
        assert!(p.contains(&("库巴".into(), Some("驻华大使".into()))), "{p:?}");
        // An appointment notice names the person and the post.
        let p = people(&run(
            "经市政府研究决定:\n任命张建国为市发展和改革委员会主任;\n任命赵志刚同志为市财政局副局长(试用期一年);\n\
             免去王立新的市交通运输局局长职务;\n",
        ));
        assert_eq!(
            p,
            [
                ("张建国".to_string(), Some("市发展和改革委员会主任".to_string())),
                ("赵志刚".to_string(), Some("市财政局副局长".to_string())),
                ("王立新".to_string(), Some("市交通运输局局长".to_string())),
            ]
        );
        // A notice before appointment (任前公示) gives each person's profile on a line: the
        // post held now is the role, else the post proposed; posts held together stay
        // together.
        let p = people(&run(
            "经县委研究,拟提拔任用以下同志:\n王建华,男,汉族,1978年5月生,大学学历,现任文林镇党委副书记、镇长,拟任文林镇党委书记。\n\
             刘丽萍,女,1983年11月生,拟任县审计局局长(试用期一年)。\n李明,男,1980年生,群众。\n\
             公示期为2025年3月18日至3月24日。\n",
        ));
        assert_eq!(
            p,
            [
                ("王建华".to_string(), Some("文林镇党委副书记、镇长".to_string())),
                ("刘丽萍".to_string(), Some("县审计局局长".to_string())),
                ("李明".to_string(), None),
            ]
        );
        // A notice in one paragraph: each profile's own post, and 拟任命 is no post.
        let p = people(&run(
            "王建华,男,1978年5月生,拟任文林镇党委书记;刘丽萍,女,1983年生,现任县审计局副局长,拟任县审计局局长。\n\
             张建国,男,1975年生,拟任命为县财政局局长。\n",
        ));
        assert_eq!(
            p,
            [
                ("王建华".to_string(), Some("文林镇党委书记".to_string())),
                ("刘丽萍".to_string(), Some("县审计局副局长".to_string())),
                ("张建国".to_string(), None),
            ]
        );
        // A dictionary "name" of a rare surname and a common word is that word (强降雨/nr).
        assert!(names("受强降雨影响，多地出现洪涝灾害。\n").is_empty());
        // A verb jieba's HMM ran into a name the document gives elsewhere is cut off.
        let p = names("第56分钟武磊接奥斯卡直塞推射扳平比分。补时阶段，武磊再下一城。\n");
        assert!(p.contains(&"武磊".to_string()) && !p.contains(&"武磊接".to_string()), "{p:?}");
    }

    #[test]
    fn names_beside_a_role_and_in_a_list_with_countries() {
        // A name jieba's dictionary files rarely under a place tag, with a clean word
        // boundary after it; a common noun after a role is none (大使官邸).
        let p = people(&run(
            "国务院副总理李岚清、国务委员罗干以及有关方面负责人参加。首长康生很平易近人。大使官邸位于市中心。\n",
        ));
        assert!(p.contains(&("罗干".into(), Some("国务委员".into()))), "{p:?}");
        assert!(p.contains(&("康生".into(), Some("首长".into()))), "{p:?}");
        assert!(!p.iter().any(|(n, _)| n == "官邸"), "{p:?}");
        // Two or more names each with a country in brackets: a list of people; one alone
        // may be a brand.
        let n = names("罗纳尔多(巴西)、乔丹(美国)、葛菲(中国)当选。\n");
        for want in ["罗纳尔多", "乔丹", "葛菲"] {
            assert!(n.contains(&want.to_string()), "{want}: {n:?}");
        }
        assert!(names("乔丹(美国)的产品很受欢迎。\n").is_empty());
    }

    #[test]
    fn organisations_are_names_not_kinds() {
        let d = run("这家上市公司和国家队、首钢队、人民日报、影响以色列政府的决定。\n");
        let orgs = texts(&d, EntityKind::Organization);
        assert_eq!(orgs, ["首钢队", "人民日报", "以色列政府"]);
    }

    #[test]
    fn party_committees_and_bureaus() {
        // A committee after its place, with the places above it and its department; none
        // after a common word.
        let d = run("记者从梅州市应急管理局获悉，广东省委、省政府启动响应。山东省莱州市委宣传部和中共北京市委发文，他荣获市委表彰。\n");
        let orgs = texts(&d, EntityKind::Organization);
        for want in ["梅州市应急管理局", "广东省委", "山东省莱州市委宣传部", "中共北京市委"]
        {
            assert!(orgs.contains(&want), "{want}: {orgs:?}");
        }
        assert!(!orgs.iter().any(|o| o.contains("荣获")), "{orgs:?}");
        // Offices closing in 局 or 厅, not words that end so (新格局, 音乐厅).
        let d = run("国家统计局今天发布数据。湖南省公安厅和省财政厅联合发文,要形成发展新格局。音乐会在北京音乐厅举行,经省物价局批准。这场音乐会在上海音乐厅举行。\n");
        let orgs = texts(&d, EntityKind::Organization);
        assert_eq!(orgs, ["国家统计局", "湖南省公安厅", "省财政厅", "省物价局"]);
    }

    #[test]
    fn todays_bodies_companies_and_the_dictionarys_bodies() {
        // Departments under their present names, after their place; not without one.
        let d = run("四川省农业农村厅、成都市农业农村局和朝阳区卫生健康委员会给予支持。卫生健康委员会和农业农村局的同志出席。\n");
        assert_eq!(
            texts(&d, EntityKind::Organization),
            ["四川省农业农村厅", "成都市农业农村局", "朝阳区卫生健康委员会"]
        );
        // National bodies by name, and the state's commissions by their level.
        let d = run("国家金融监督管理总局、中国证监会和中央广播电视总台发文,国家禁毒委员会召开会议。\n");
        assert_eq!(
            texts(&d, EntityKind::Organization),
            ["国家金融监督管理总局", "中国证监会", "中央广播电视总台", "国家禁毒委员会"]
        );
        // A company named by a word jieba reads as a name is no person.
        let d = run("比亚迪股份有限公司三季度营收增长,华为技术有限公司发布新品。\n");
        assert_eq!(texts(&d, EntityKind::Organization), ["比亚迪股份有限公司", "华为技术有限公司"]);
        assert!(texts(&d, EntityKind::Person).is_empty(), "{:?}", d.entities);
        // A body jieba's dictionary knows whole, opening with a place, is a name; a longer
        // name holds it; a venue is none.
        let d = run("中国互联网络信息中心发布报告,北京军区和中国社科院历史研究所派员参加,演出在北京音乐厅举行。\n");
        assert_eq!(texts(&d, EntityKind::Organization), ["中国互联网络信息中心", "北京军区", "中国社科院历史研究所"]);
        // A branch or subsidiary after its parent, and a company's form after its name, are
        // the parent's full name.
        let d = run(
            "中国工商银行深圳分行、中国移动通信集团广东有限公司深圳分公司和中国农业银行股份有限公司湖北省分行参加。\n",
        );
        assert_eq!(
            texts(&d, EntityKind::Organization),
            ["中国工商银行深圳分行", "中国移动通信集团广东有限公司深圳分公司", "中国农业银行股份有限公司湖北省分行"]
        );
    }

    #[test]
    fn a_county_report() {
        // jieba tags the level alone as a morpheme (县/zg), 民政局 ends in 政局, a school's
        // ordinal is a number; a given name may be an adjective (黄/明亮); a year is no village.
        let d = run("县委书记黄明亮出席会议。县纪委监委、县民政局、县财政局、县人民医院、县第一中学参加,2024年度村(社区)党组织书记述职。\n");
        assert_eq!(
            texts(&d, EntityKind::Organization),
            ["县纪委监委", "县民政局", "县财政局", "县人民医院", "县第一中学"]
        );
        assert_eq!(people_roles(&d), [("黄明亮", Some("县委书记"))]);
        assert!(texts(&d, EntityKind::Place).is_empty(), "{:?}", d.entities);
        // A town or village named with a numeral, even where jieba glues the next village
        // to its suffix (三阳/乡金窝村); a count of places is none.
        let d = run("会上,三阳乡金窝村党总支书记刘建华述职。全县两镇十多村和一个村参加。\n");
        assert_eq!(texts(&d, EntityKind::Place), ["三阳乡", "金窝村"]);
        // Not the political scene, nor a session's ordinal.
        let d = run("形成发展新格局,政局稳定。政协第八届全国委员会开幕。\n");
        assert!(
            !texts(&d, EntityKind::Organization).iter().any(|o| o.contains("格局") || o.contains("第八届")),
            "{:?}",
            d.entities
        );
    }

    #[test]
    fn a_townships_party_building_report_and_a_police_bulletin() {
        // A town whose name holds a function character inside a word (太和/nz 镇, 永和镇/ns),
        // also where jieba glued the next character to the suffix (镇以); not 原由/n 村 (原 由村).
        let d = run("东坡区太和镇以党建引领乡村治理。永和镇党委书记王涛说。费县原由村集体兴建水利设施。\n");
        assert_eq!(texts(&d, EntityKind::Place), ["东坡区", "太和镇", "永和镇", "费县"]);
        // Other stop characters stay stops inside a word jieba files as a place (波及/ns).
        let d = run("此次洪水波及村里300多户群众。\n");
        assert!(texts(&d, EntityKind::Place).is_empty(), "{:?}", d.entities);
        // A cooperative or a company names its trade, a verb in jieba's dictionary.
        let d = run("他们牵头成立了眉山市东坡区永丰粮油种植专业合作社,北京中诚信租赁有限公司参与。\n");
        assert_eq!(
            texts(&d, EntityKind::Organization),
            ["眉山市东坡区永丰粮油种植专业合作社", "北京中诚信租赁有限公司"]
        );
        // Not a trade after a place or a brand: the verb is the sentence's.
        let d = run("美国制造公司纷纷回流。\n");
        assert!(!texts(&d, EntityKind::Organization).iter().any(|o| o.contains("制造")), "{:?}", d.entities);
        // Kindergartens, an affiliate after its parent, the launch centres by name.
        let d = run(
            "认定眉山市东坡区第一幼儿园、彭山区实验小学附属幼儿园为示范幼儿园。我国在酒泉卫星发射中心成功发射卫星。\n",
        );
        assert_eq!(
            texts(&d, EntityKind::Organization),
            ["眉山市东坡区第一幼儿园", "彭山区实验小学附属幼儿园", "酒泉卫星发射中心"]
        );
        // A party's standing in a police case is the role, and a cooperative member's.
        let d = run("犯罪嫌疑人张某某当场被抓获,伤者李某已被送往医院救治。社员李秀英说,今年茶叶好卖。\n");
        assert_eq!(
            people_roles(&d),
            [("张某某", Some("犯罪嫌疑人")), ("李某", Some("伤者")), ("李秀英", Some("社员"))]
        );
        // A name opening with 冯 may be transliterated (von der Leyen).
        let d = run("欧盟委员会主席冯德莱恩当天在布鲁塞尔说。\n");
        assert_eq!(people_roles(&d), [("冯德莱恩", Some("欧盟委员会主席"))]);
        // Two days joined by 至 or a dash without a publication date: one period, unresolved;
        // two days listed stay two.
        let d = run("北约峰会将于6月24日至25日在海牙举行。展会6月13日-15日举办,13日、14日开放。\n");
        let got: Vec<(&str, Option<chrono::NaiveDate>)> =
            d.dates.iter().map(|x| (x.text.as_str(), x.end_date)).collect();
        assert_eq!(got, [("6月24日至25日", None), ("6月13日-15日", None), ("13日", None), ("14日", None)]);
    }

    #[test]
    fn a_minister_or_a_member_is_no_mention_of_the_body() {
        let d = run("国防部长迟浩田会见了外交部部长，两位共产党员、公安部门和财政部官员参加。\n");
        let orgs = texts(&d, EntityKind::Organization);
        assert_eq!(orgs, ["外交部", "财政部"]);
    }

    #[test]
    fn a_dateline_is_no_part_of_a_body() {
        let d = run("新华社香港１月３日电香港特区政府昨天公布了数字。\n");
        let orgs = texts(&d, EntityKind::Organization);
        assert!(orgs.contains(&"香港特区政府") && !orgs.iter().any(|o| o.starts_with('日')), "{orgs:?}");
    }

    #[test]
    fn places_with_hierarchy() {
        let d = run("金昌市永昌县城关镇赵家庄村边有一片戈壁滩。内蒙古今年开展建设。\n");
        let places: Vec<(&str, &str, Option<&str>, Option<&str>)> = d
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Place)
            .map(|e| (e.text.as_str(), e.level.unwrap(), e.province.as_deref(), e.county.as_deref()))
            .collect();
        assert_eq!(
            places,
            [
                ("金昌市", "city", Some("甘肃省"), None),
                ("永昌县", "county", Some("甘肃省"), Some("永昌县")),
                ("城关镇", "town", Some("甘肃省"), Some("永昌县")),
                ("赵家庄村", "village", Some("甘肃省"), Some("永昌县")),
                ("内蒙古", "province", Some("内蒙古自治区"), None),
            ]
        );
        let nmg = d.entities.iter().find(|e| e.text == "内蒙古").unwrap();
        assert_eq!((nmg.normalized.as_str(), nmg.adcode.as_deref()), ("内蒙古自治区", Some("150000000000")));
    }

    #[test]
    fn short_forms_that_are_words_are_places_in_a_list_of_places() {
        let d = run("太原、大同、长治、天津等地的群众参加了活动。市区和城区都很热闹，世界大同。\n");
        let places: Vec<(&str, &str)> = d
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Place)
            .map(|e| (e.text.as_str(), e.normalized.as_str()))
            .collect();
        assert_eq!(places, [("太原", "太原市"), ("大同", "大同市"), ("长治", "长治市"), ("天津", "天津市")]);
        // A district's short form after its city, as Beijing's are listed.
        let d = run("北京市东城、朝阳、海淀等区的老人参加了活动。\n");
        let chaoyang = d.entities.iter().find(|e| e.text == "朝阳").expect("朝阳 in the list");
        assert_eq!(chaoyang.adcode.as_deref(), Some("110105000000"));
        // A county's short form, which alone needs its province named in the document, is a
        // place between cities; between regions it is none.
        let places = |text: &str| {
            run(text)
                .entities
                .into_iter()
                .filter(|e| e.kind == EntityKind::Place)
                .map(|e| (e.text, e.normalized))
                .collect::<Vec<_>>()
        };
        let p = places("开通至哈尔滨、延吉、沈阳三条集装箱班列。\n");
        assert!(p.contains(&("延吉".into(), "延吉市".into())), "{p:?}");
        assert!(!places("保证西南、华东、中原、华北等地区的通道畅通。\n").iter().any(|(t, _)| t == "中原"));
        // 新区 goes whole from a district's short form (浦东, not 浦东新).
        let p = places("上海市的浦东版图面积扩大了。\n");
        assert!(p.contains(&("浦东".into(), "浦东新区".into())), "{p:?}");
    }

    #[test]
    fn a_slogans_units_are_no_places() {
        let d = run("要扎实推进“百县千镇万村高质量发展工程”,开展千村万户大走访。\n");
        assert!(texts(&d, EntityKind::Place).is_empty(), "{:?}", texts(&d, EntityKind::Place));
        // 百户 and 千户 open village names.
        let d = run("他来自百户庄村,村里很美。\n");
        assert_eq!(texts(&d, EntityKind::Place), ["百户庄村"]);
    }

    #[test]
    fn kinds_of_village_are_no_places() {
        let d = run("永昌县赵家庄村建成了小康村和生态村，主要街道都已硬化，贫困乡也在变样。\n");
        let places = texts(&d, EntityKind::Place);
        assert_eq!(places, ["永昌县", "赵家庄村"]);
    }

    #[test]
    fn places_jieba_knows_outside_the_division_table() {
        let kinds = |text: &str| {
            run(text)
                .entities
                .iter()
                .map(|e| (e.text.clone(), e.kind, e.level))
                .collect::<Vec<(String, EntityKind, Option<&str>)>>()
        };
        // A river, a foreign state and a region of a province: places with no level.
        let k = kinds("代表团沿尼罗河考察后前往得克萨斯州，又到陕北参观。\n");
        for name in ["尼罗河", "得克萨斯州", "陕北"] {
            assert!(k.contains(&(name.to_string(), EntityKind::Place, None)), "{name}: {k:?}");
        }
        // jieba tags these ns too; they are kinds of area or common words, not places.
        let k = kinds("大中城市和东北地区的城市建设越来越美丽。\n");
        assert!(!k.iter().any(|(_, kind, _)| *kind == EntityKind::Place), "{k:?}");
        // A place at the edge of a dictionary noun (亚特兰大奥运会, 中东地区, 美国纽约), but not
        // inside a name (明尼苏达州 holds no 达州), an idiom (万象更新) or across words (和县长).
        let k = kinds("亚特兰大奥运会冠军来到中东地区，又去了美国纽约和美国明尼苏达州，万象更新。\n");
        let places: Vec<&str> = k.iter().filter(|x| x.1 == EntityKind::Place).map(|x| x.0.as_str()).collect();
        assert_eq!(places, ["亚特兰大", "中东", "美国", "纽约", "美国", "明尼苏达州"]);
        let k = kinds("村民和县长一起站在田头，商量今年的打算。\n");
        assert!(!k.iter().any(|(_, kind, _)| *kind == EntityKind::Place), "{k:?}");
        // A name that ends like a mountain stays a name.
        let k = kinds("会上，现代作家许地山的女儿说，父亲许地山生前常来这里。\n");
        assert!(k.contains(&("许地山".to_string(), EntityKind::Person, None)), "{k:?}");
        // Foreign capitals from the world list; jieba tags 阿比让 a name, and 洛桑 of a
        // Tibetan name is no Lausanne.
        let k = kinds("代表团离开贝尔格莱德，经阿拉木图抵达阿比让，大师嘉木样·洛桑久美·图丹却吉尼玛会见了他们。\n");
        let places: Vec<&str> = k.iter().filter(|x| x.1 == EntityKind::Place).map(|x| x.0.as_str()).collect();
        assert_eq!(places, ["贝尔格莱德", "阿拉木图", "阿比让"]);
        assert!(k.iter().any(|x| x.0 == "嘉木样·洛桑久美·图丹却吉尼玛" && x.1 == EntityKind::Person), "{k:?}");
    }

    #[test]
    fn a_slogans_numbers_are_no_quantities() {
        let d = run("打通服务群众“最后一公里”,开展“千名干部进百村访万户”活动,覆盖139个行政村,共“1470人”。\n");
        let got: Vec<&str> = d.quantities.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(got, ["139个", "1470人"]);
        assert_eq!(texts(&d, EntityKind::Campaign), ["最后一公里", "千名干部进百村访万户"]);
        // An ordinal is a place in a sequence, not an amount.
        let d = run("第12轮比赛第56分钟，武磊破门，销售额列第四五位，第一百四十二届，共有32156名球迷观战。\n");
        let got: Vec<&str> = d.quantities.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(got, ["32156名"]);
    }

    /// The counted object is the run of nouns after the unit, not its first word.
    #[test]
    fn a_counted_object_is_the_whole_noun_run() {
        let d = run("全市340多个机关企事业单位党组织和442名驻村第一书记参加,95家市属企业和139个行政村参与,8个贫困县全部脱贫,千户企业存款余额增长。\n");
        let got: Vec<(&str, Option<&str>)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.object.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("340多个", Some("机关企事业单位党组织")),
                ("442名", Some("驻村第一书记")),
                ("95家", Some("市属企业")),
                ("139个", Some("行政村")),
                ("8个", Some("贫困县")),
                ("千户", Some("企业")),
            ]
        );
    }

    #[test]
    fn quantities_are_normalised() {
        let d = run("全区村级集体经济总收入达到6651.85万元,培训17.04万人次,金昌市139个行政村,近2万元,超过4.3万吨,收入高出25%以上,一村一策,2021年下半年。\n");
        #[allow(clippy::type_complexity)]
        let q: Vec<(&str, f64, &str, Option<&str>, Option<&str>)> = d
            .quantities
            .iter()
            .map(|q| (q.text.as_str(), q.value, q.unit.as_str(), q.qualifier.as_deref(), q.object.as_deref()))
            .collect();
        assert_eq!(
            q,
            [
                ("6651.85万元", 66518500.0, "元", None, None),
                ("17.04万人次", 170400.0, "人次", None, None),
                ("139个", 139.0, "个", None, Some("行政村")),
                ("近2万元", 20000.0, "元", Some("近"), None),
                ("4.3万吨", 43000.0, "吨", Some("超过"), None),
                ("25%", 25.0, "%", Some("以上"), None),
            ]
        );
    }

    /// Rain, water levels, air quality, boats and energy, as flood and environment reports
    /// give them; a unit smaller than its base keeps the decimal value exact.
    #[test]
    fn rain_air_boats_and_energy() {
        let d = run("平均降雨量412.6毫米,水位上涨0.3毫米,PM2.5浓度为38微克/立方米,储备冲锋舟86艘,发电118亿千瓦时。\n");
        let q = values(&d);
        assert_eq!(
            q,
            [
                ("412.6毫米", 0.4126, "米"),
                ("0.3毫米", 0.0003, "米"),
                ("38微克/立方米", 38.0, "微克/立方米"),
                ("86艘", 86.0, "艘"),
                ("118亿千瓦时", 11_800_000_000.0, "千瓦时"),
            ]
        );
    }

    #[test]
    fn incidents_and_cases_are_counted() {
        // 一起 (together), 一例一策 and 起 after a date are no counts.
        let d = run("今年全市共发生各类生产安全事故12起,死亡9人;新增确诊病例3例。大家一起努力,一例一策。自12月1日起施行,13日起开放。\n");
        let q = values(&d);
        assert_eq!(q, [("12起", 12.0, "起"), ("9人", 9.0, "人"), ("3例", 3.0, "例")]);
    }

    #[test]
    fn thousands_separators_are_one_number() {
        // The full-width comma is folded to `,` like the separator (except between half-width
        // digits): three digits and no more after it make one number; a clause goes on
        // otherwise.
        let list = run("补贴分别为每月300，500，800元。\n");
        let q: Vec<&str> = list.quantities.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(q, ["800元"], "a list stays a list: {}", list.text);
        let d =
            run("负载4,180万瓩,投资1,234.5万元,补贴12,000,000元,共有3,500人。同比增长5%,1200人参加,12345,678元。\n");
        let q = values(&d);
        assert_eq!(
            q,
            [
                ("4,180万瓩", 41_800_000.0, "千瓦"),
                ("1,234.5万元", 12_345_000.0, "元"),
                ("12,000,000元", 12_000_000.0, "元"),
                ("3,500人", 3500.0, "人"),
                ("5%", 5.0, "%"),
                ("1200人", 1200.0, "人"),
                ("678元", 678.0, "元"),
            ]
        );
    }

    #[test]
    fn ranges_share_multiplier_and_unit() {
        let d = run("驻村3至5年,投入10-20万元,三成村民,2020-2021年。\n");
        let q = ranges(&d);
        assert_eq!(
            q,
            [
                ("3至5年", 3.0, Some(5.0), "年"),
                ("10-20万元", 100000.0, Some(200000.0), "元"),
                ("三成", 30.0, None, "%")
            ]
        );
    }

    /// Cases from the hand annotation of People's Daily texts (tests/fixtures/gold/pd_sample.json).
    #[test]
    fn old_print_decimals_written_percentages_and_ranges_with_two_units() {
        let d = run("增长17·2%,达5·8万名,收入二十二点八万元,递增百分之十,百分之三十五点六,百分之百的努力,下降5℃—10℃,有5级—6级偏北风,价格10元至20元,升幅30%—40%。\n");
        let q = ranges(&d);
        assert_eq!(
            q,
            [
                ("17·2%", 17.2, None, "%"),
                ("5·8万名", 58000.0, None, "名"),
                ("二十二点八万元", 228000.0, None, "元"),
                ("百分之十", 10.0, None, "%"),
                ("百分之三十五点六", 35.6, None, "%"),
                ("百分之百", 100.0, None, "%"),
                ("5℃—10℃", 5.0, Some(10.0), "℃"),
                ("5级—6级", 5.0, Some(6.0), "级"),
                ("10元至20元", 10.0, Some(20.0), "元"),
                ("30%—40%", 30.0, Some(40.0), "%"),
            ]
        );
    }

    #[test]
    fn halves_vague_round_numbers_and_below_zero() {
        let d = run("用了两年半,飞行4天半,将近半年的时间,数千名群众,几十年来,十几年,上万人,万余名学员,二千多万元,气温在零下20摄氏度左右。\n");
        let q: Vec<(&str, f64, &str, Option<&str>)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.unit.as_str(), q.qualifier.as_deref())).collect();
        assert_eq!(
            q,
            [
                ("两年半", 2.5, "年", None),
                ("4天半", 4.5, "天", None),
                ("半年", 0.5, "年", Some("将近")),
                ("数千名", 1000.0, "名", Some("数")),
                ("几十年", 10.0, "年", Some("几")),
                ("十几年", 10.0, "年", Some("几")),
                ("上万人", 10000.0, "人", Some("上")),
                ("万余名", 10000.0, "名", Some("余")),
                ("二千多万元", 20_000_000.0, "元", Some("多")),
                ("零下20摄氏度", -20.0, "℃", Some("左右")),
            ]
        );
    }

    #[test]
    fn index_points_currencies_and_counts_of_points() {
        let d = run("纽约股市以7908.25点封关,下跌554点,晚上8点开会。日本有1200万亿日元的资产,重660磅,我愿提出三点意见,主要有两点:翻了两番,106对新人,1对1帮扶。\n");
        let q = values(&d);
        assert_eq!(
            q,
            [
                ("7908.25点", 7908.25, "点"),
                ("554点", 554.0, "点"),
                ("1200万亿日元", 1.2e15, "日元"),
                ("660磅", 660.0 * 0.45359237, "公斤"),
                ("三点", 3.0, "点"),
                ("两点", 2.0, "点"),
                ("两番", 2.0, "番"),
                ("106对", 106.0, "对"),
            ]
        );
    }

    /// Cases from a reader's review of the mending above.
    #[test]
    fn signs_halves_ranges_and_counters_that_begin_words() {
        let d = run("气温-5~3℃,零下5至10摄氏度,用了3至4年半,投入3万至5万元,上亿元,百分之五六十,提出三点意见。\n");
        let q: Vec<(&str, f64, Option<f64>, &str, &str)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.value_max, q.unit.as_str(), q.kind)).collect();
        assert_eq!(
            q,
            [
                ("-5~3℃", -5.0, Some(3.0), "℃", "other"),
                ("零下5至10摄氏度", -10.0, Some(-5.0), "℃", "other"),
                ("3至4年半", 3.0, Some(4.5), "年", "duration"),
                ("3万至5万元", 30000.0, Some(50000.0), "元", "money"),
                ("上亿元", 100_000_000.0, None, "元", "money"),
                ("百分之五六十", 50.0, Some(60.0), "%", "percent"),
                ("三点", 3.0, None, "点", "count"),
            ]
        );
        let d = run("从一年级到六年级,3年级学生,全国政协十三届四次会议,第十一届亚运会和十一届亚运会,三门峡市,一级风险,三级风景区,公布半年报,三百分之一。\n");
        // 三百分之一 is a three-hundredth (see `fractions_are_shares`), not 3 and per cent.
        let q: Vec<(&str, f64)> = d.quantities.iter().map(|q| (q.text.as_str(), q.value)).collect();
        assert!(q.len() == 1 && q[0].0 == "三百分之一" && (q[0].1 - 100.0 / 300.0).abs() < 1e-9, "{q:?}");
    }

    /// Countries, provinces and counties counted without a measure word, and small change
    /// with its 钱; not where the unit starts another word (a national road, a party,
    /// citizens, the Three Kingdoms, a group's name).
    #[test]
    fn places_counted_without_a_measure_word_and_small_change() {
        let d = run(
            "中美两国领导人会晤,沿淮4省政府下达关停令,滇黔桂三省区交界,西部四县,上海等18城市,花了五分钱和两角钱。\n",
        );
        let q = values(&d);
        assert_eq!(
            q,
            [
                ("两国", 2.0, "国"),
                ("4省", 4.0, "省"),
                ("三省区", 3.0, "省区"),
                ("四县", 4.0, "县"),
                ("18城市", 18.0, "城市"),
                ("五分钱", 0.05, "元"),
                ("两角钱", 0.2, "元"),
            ]
        );
        let d = run(
            "沿312国道前进,20多万国民党军队,九百余万市民参与,读《三国演义》,七国集团首脑会议,两省长会面,三分之一。\n",
        );
        // No unit there: 九百余万市民 counts the citizens with none (see
        // `large_numbers_count_the_noun_after_them`); 三分之一 is a third, no 三分 of money.
        let q: Vec<(&str, &str)> = d.quantities.iter().map(|q| (q.text.as_str(), q.unit.as_str())).collect();
        assert_eq!(q, [("九百余万", ""), ("三分之一", "%")]);
    }

    /// Cases a fuzzer found: a pair running downward is no range (a score, 比分3-1), and a
    /// Chinese numeral past 64 bits is no number (it overflowed).
    #[test]
    fn downward_pairs_and_overflowing_numerals_are_no_quantities() {
        let d = run("用了3至2年,比分3-1个,10元至5元,增长30%—20%,投资5万至3万元,气温零下10至5摄氏度。\n");
        let bad: Vec<_> = d.quantities.iter().filter(|q| q.value_max.is_some_and(|m| m < q.value)).collect();
        assert!(bad.is_empty(), "{bad:?}");
        let d = run("投资二亿亿亿元,又有十万亿亿元,九千九百万亿亿元。\n");
        assert!(d.quantities.is_empty(), "{:?}", d.quantities);
    }

    /// Tens of thousands and more count the common noun right after them, with no measure
    /// word: an empty unit, the noun the object. Not a name or a place after the number, not
    /// a figure of speech (百万农民: no number before the multiplier), not a misprint with
    /// the multiplier twice; a counter that begins the noun is none (20余万成人: not 成).
    #[test]
    fn large_numbers_count_the_noun_after_them() {
        let d = run("全省有563万贫困人口,6.5亿选民参加投票,三点二万农户建成粮仓,20余万成人和孩子,数万群众参加,近3万贫困户结对。\n");
        type Row<'a> = (&'a str, f64, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
        let q: Vec<Row> = d
            .quantities
            .iter()
            .map(|q| (q.text.as_str(), q.value, q.unit.as_str(), q.kind, q.qualifier.as_deref(), q.object.as_deref()))
            .collect();
        assert_eq!(
            q,
            [
                ("563万", 5_630_000.0, "", "count", None, Some("贫困人口")),
                ("6.5亿", 650_000_000.0, "", "count", None, Some("选民")),
                ("三点二万", 32_000.0, "", "count", None, Some("农户")),
                ("20余万", 200_000.0, "", "count", Some("余"), Some("成人")),
                ("数万", 10_000.0, "", "count", Some("数"), Some("群众")),
                ("近3万", 30_000.0, "", "count", Some("近"), Some("贫困户")),
            ]
        );
        // Money with its unit left out is no count (300万资金, 7000万债务), nor nought (0万农民);
        // a run of numerals longer than any number is none, nor its tail (一万…一万人).
        let d = run(&format!("投入300万资金,偿还7000万债务,0万农民,{}人。\n", "一万".repeat(40)));
        assert!(d.quantities.is_empty(), "{:?}", d.quantities);
        let d = run("百万农民进城,千万农家女,900万天津人民,八百百万大卡,3000人参加,牵动万人心。\n");
        let q: Vec<(&str, &str)> = d.quantities.iter().map(|q| (q.text.as_str(), q.unit.as_str())).collect();
        assert_eq!(q, [("3000人", "人")]);
    }

    /// A multiplier only the upper end carries (8000至1.2万元: 8,000 to 12,000) applies to it
    /// alone where sharing it would run the range downward; 3至5万元 shares it. 四万万 is
    /// 400 million; 千千万万 (countless) and the base of a rate (每1万居民, 每10户) are no
    /// counts.
    #[test]
    fn ranges_old_numerals_and_rate_bases() {
        let d =
            run("月薪8000至1.2万元,投资3至5万元,四万万同胞,千千万万人,每1万居民有医生20名,每10户人家就有7户参加。\n");
        let q: Vec<(&str, f64, Option<f64>, &str)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.value_max, q.unit.as_str())).collect();
        assert_eq!(
            q,
            [
                ("8000至1.2万元", 8000.0, Some(12_000.0), "元"),
                ("3至5万元", 30_000.0, Some(50_000.0), "元"),
                ("四万万", 400_000_000.0, None, ""),
                ("20名", 20.0, None, "名"),
                ("7户", 7.0, None, "户"),
            ]
        );
        // Within a thousandfold (罚款200至5万元), not a year before a dash; 万万 once only;
        // the whole digits after 万 its rest (1万2000元); 每 before a vague amount too; a
        // range refused skips its first number whole, thousands separator and all.
        let d = run("全国四万万万人,1998—2万人参加,罚款200至5万元,收入1万2000元,每上万人中有3人,12,001至1.2万元。\n");
        let q: Vec<(&str, f64, Option<f64>)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.value_max)).collect();
        assert_eq!(
            q,
            [
                ("2万人", 20_000.0, None),
                ("200至5万元", 200.0, Some(50_000.0)),
                ("1万2000元", 12_000.0, None),
                ("3人", 3.0, None),
                ("1.2万元", 12_000.0, None),
            ]
        );
    }

    /// Whole 元 and the small change after them are one price; not where 角 starts another
    /// word (a pentagram), after 万元, or across a comma.
    #[test]
    fn whole_yuan_and_small_change_are_one_price() {
        let d = run("他花了两块五毛钱买菜,每斤五元五角,票价3元5角2分,一共十块零五分。\n");
        assert_eq!(
            values(&d),
            [
                ("两块五毛钱", 2.5, "元"),
                ("五元五角", 5.5, "元"),
                ("3元5角2分", 3.52, "元"),
                ("十块零五分", 10.05, "元")
            ]
        );
        let d = run("奖励两元五角星,投资5万元5角,单价10元,5角的硬币。\n");
        let q: Vec<&str> = d.quantities.iter().map(|q| q.text.as_str()).collect();
        assert!(!q.iter().any(|t| t.contains('角')), "{q:?}");
    }

    /// 块 counts pieces unless it is money: with its 钱, its small change, or after a verb
    /// of paying with nothing counted after it. 一块 alone is the article (一块地).
    #[test]
    fn kuai_counts_pieces_unless_it_is_money() {
        let d = run("夺得3块金牌,租了一块地,花了三块钱,这衣服花了25块!一块五毛钱买菜,多挣几百块。\n");
        let q: Vec<(&str, f64, &str, &str)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.unit.as_str(), q.kind)).collect();
        assert_eq!(
            q,
            [
                ("3块", 3.0, "块", "count"),
                ("三块钱", 3.0, "元", "money"),
                ("25块", 25.0, "元", "money"),
                ("一块五毛钱", 1.5, "元", "money"),
                ("几百块", 100.0, "元", "money"),
            ]
        );
        assert_eq!(d.quantities[0].object.as_deref(), Some("金牌"));
    }

    /// Hours, weeks and months counted with 个 are durations, the half between 个 and the unit
    /// too (两个半小时 is 2.5 hours, not 2 个 and half an hour); 一个星期天 is a Sunday.
    #[test]
    fn durations_counted_with_ge_and_their_halves() {
        let d = run("会议开了两个半小时,比赛历时一个半月,用了三个小时,讲了两个星期,约三个半月至四个月,三至四个半月,一个星期天的上午。\n");
        assert_eq!(
            ranges(&d),
            [
                ("两个半小时", 2.5, None, "小时"),
                ("一个半月", 1.5, None, "月"),
                ("三个小时", 3.0, None, "小时"),
                ("两个星期", 2.0, None, "周"),
                ("三个半月至四个月", 3.5, Some(4.0), "月"),
                ("三至四个半月", 3.0, Some(4.5), "月"),
            ]
        );
    }

    /// 多 after a measure word, or after the unit, makes the amount "more than" as it does
    /// between number and unit: 1个多小时 is more than an hour (not one 个), 一天多 more than a
    /// day. A 多 that starts what follows (多云, 多次, 多阵雨, 多领域) is not the amount's; a
    /// numeral that starts a name in jieba's dictionary (三轮车, 四人帮) is no amount, while 两
    /// and its noun, and the counts and ages the dictionary lists (十辆车, 八岁时), are.
    #[test]
    fn more_than_after_the_measure_word_or_unit() {
        let d = run("坚持1个多小时,住了一个多月,两个多星期后,持续了一天多的降雪,占地8亩多,未来三天多云,三年多次获奖,骑三轮车卖菜,粉碎四人帮,两条船。\n\
            未来一周多阵雨,推动两国多领域合作,用了两年多才建成,事故造成十辆车受损,他八岁时来到北京。\n");
        let q: Vec<(&str, f64, &str, Option<&str>)> =
            d.quantities.iter().map(|q| (q.text.as_str(), q.value, q.unit.as_str(), q.qualifier.as_deref())).collect();
        assert_eq!(
            q,
            [
                ("1个多小时", 1.0, "小时", Some("多")),
                ("一个多月", 1.0, "月", Some("多")),
                ("两个多星期", 2.0, "周", Some("多")),
                ("一天多", 1.0, "天", Some("多")),
                ("8亩多", 8.0, "亩", Some("多")),
                ("三天", 3.0, "天", None),
                ("三年", 3.0, "年", None),
                ("两条", 2.0, "条", None),
                ("一周", 1.0, "周", None),
                ("两国", 2.0, "国", None),
                ("两年多", 2.0, "年", Some("多")),
                ("十辆", 10.0, "辆", None),
                ("八岁", 8.0, "岁", None),
            ]
        );
    }

    /// A range from one counts (一至三省, 一两个); one alone before a measure word is the
    /// article, and one to one is no range (一个至一个半小时: its 个 is the hours').
    #[test]
    fn ranges_from_one_count() {
        let d = run("一至三省的农民,解决好一两个突出问题,一个党组织,坚持上岗一个至一个半小时。\n");
        let q: Vec<(&str, f64, Option<f64>, &str)> = ranges(&d);
        assert_eq!(
            q,
            [("一至三省", 1.0, Some(3.0), "省"), ("一两个", 1.0, Some(2.0), "个"), ("一个半小时", 1.5, None, "小时")]
        );
    }

    /// Cases from a reader's review of the two tests above: spoken prices (两块五, 一块二,
    /// 十块零五毛), hundreds before 元, change kept when the cents are minutes, one to two of a
    /// longer unit, labels, and verbs that are no paying (卖了三块地, 全省三块).
    #[test]
    fn prices_and_ranges_review_cases() {
        let d = run("每斤两块五,一张十块零五毛,每斤一块二,一百元五角,价格5块5角2分钟,卖了三块地,全省三块。\n");
        let q: Vec<(&str, f64, &str)> = values(&d);
        assert_eq!(
            q,
            [
                ("两块五", 2.5, "元"),
                ("十块零五毛", 10.5, "元"),
                ("一块二", 1.2, "元"),
                ("一百元五角", 100.5, "元"),
                ("5块5角", 5.5, "元"),
                ("2分钟", 2.0, "分钟"),
                ("三块", 3.0, "块"),
                ("三块", 3.0, "块"),
            ]
        );
        let d = run("增长一个至两个百分点,延长一个到两个月,一二类物资,两块五花肉。\n");
        assert_eq!(
            ranges(&d),
            [("两个百分点", 2.0, None, "个百分点"), ("两个月", 2.0, None, "月"), ("两块", 2.0, None, "块")]
        );
    }

    /// Cases from a reader's review of the units above: compatriots, bonds, national days
    /// and market values are no countries or cities; a weekday's digit is not the number
    /// after it; 一百十五 is a number and 百千万 none; digits side by side that are no
    /// pair are a name or a season; a kilowatt after Arabic digits.
    #[test]
    fn places_counted_review_cases() {
        let d = run("13亿国人,上万国人,增发1000亿国债,万亿市值,庆祝十一国庆,三八国际妇女节,百千万人才工程,五一劳动节,三九天,这是百年大计。\n");
        // 1000亿国债 counts bonds, with no unit: no country.
        let q: Vec<(&str, &str)> = d.quantities.iter().map(|q| (q.text.as_str(), q.unit.as_str())).collect();
        assert_eq!(q, [("1000亿", "")]);
        let d = run("周二十万名群众集会,一百十五人参加,增进两国民众的友谊,京津冀三省市,力求在三五年之内解决,5千瓦的电机,一年多来成绩显著,来了三两个人,两省市场供应充足。\n");
        let q = ranges(&d);
        assert_eq!(
            q,
            [
                ("十万名", 100000.0, None, "名"),
                ("一百十五人", 115.0, None, "人"),
                ("两国", 2.0, None, "国"),
                ("三省市", 3.0, None, "省市"),
                ("三五年", 3.0, Some(5.0), "年"),
                ("5千瓦", 5.0, None, "千瓦"),
                ("一年多", 1.0, None, "年"),
                ("三两个", 2.0, Some(3.0), "个"),
                ("两省", 2.0, None, "省"),
            ]
        );
    }

    /// A set phrase that only counts holds its quantity (两国关系/l, 近两年来/l); one with
    /// numerals of its own, or with 一, is a figure of speech (一年四季, 一年到头), as are
    /// 千百年 and 百十家; so is the second phase of a project.
    #[test]
    fn set_phrases_that_count_and_figures_of_speech() {
        let d = run("推动两国关系的发展。近两年来,经济增长。他们一年到头工作在野外,一年四季不停,历经千百年,百十家商店,二期工程进入攻坚阶段。\n");
        let q: Vec<&str> = d.quantities.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(q, ["两国", "近两年"]);
    }

    /// A number jieba joins to the word before (达六/nrt 万多人次/m), a kilowatt after a
    /// Chinese numeral's 万 (百万千瓦), a wind's force with 的 before the wind.
    #[test]
    fn numbers_split_by_jieba_kilowatts_and_winds() {
        let d = run("场场爆满,观众达六万多人次。两台百万千瓦核电机组,年发电量四十五亿千瓦时。海区有5至7级的偏北风。\n");
        let q = ranges(&d);
        assert_eq!(
            q,
            [
                ("六万多人次", 60000.0, None, "人次"),
                ("两台", 2.0, None, "台"),
                ("百万千瓦", 1e6, None, "千瓦"),
                ("四十五亿千瓦时", 4.5e9, None, "千瓦时"),
                ("5至7级", 5.0, Some(7.0), "级"),
            ]
        );
    }

    /// Numbers that name rather than count: a congress, a figure of speech, a day or year
    /// named, a school grade, 成 inside a word.
    #[test]
    fn named_days_sessions_and_figures_of_speech_are_no_quantities() {
        let d = run("经八届人大常委会会议,党的十四届三中全会,此处万人大会,惠泽万家,时间真是一年比一年值钱,比前一年增长,这一天,从一年级到毕业,取得的这一成绩,20余万的成人,连任两届。\n");
        let q: Vec<&str> = d.quantities.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(q, ["两届"]);
    }

    /// 上一年 is the year before publication, as 上年 and 去年 are.
    #[test]
    fn the_year_before_written_out() {
        let mut doc = segmented("本报讯 利税6200万元,比上一年增长32.7%。\n".to_string());
        doc.meta.published_date = chrono::NaiveDate::from_ymd_opt(1998, 1, 5);
        let found = STAGES.extractor.dates.find(&TextIndex::new(&doc), doc.meta.published_date);
        let got: Vec<(&str, Option<chrono::NaiveDate>)> =
            found.iter().map(|m| (m.text.as_str(), m.start_date)).collect();
        assert_eq!(got, [("上一年", chrono::NaiveDate::from_ymd_opt(1997, 1, 1))]);
    }

    /// 岁末 after a year is its end, as 底 and 末 are (1997年岁末: December).
    #[test]
    fn a_years_end_written_suimo() {
        let d = run("1997年岁末,全国人民喜迎新春。\n");
        let got: Vec<(&str, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> =
            d.dates.iter().map(|m| (m.text.as_str(), m.start_date, m.end_date)).collect();
        assert_eq!(
            got,
            [(
                "1997年岁末",
                chrono::NaiveDate::from_ymd_opt(1997, 12, 1),
                chrono::NaiveDate::from_ymd_opt(1997, 12, 31)
            )]
        );
    }

    /// 年初 without a year starts a word: not the 年 of 青年 before 初中.
    #[test]
    fn a_years_start_is_a_word_of_its_own() {
        let d = run("农村青年初中毕业升入高中。年初,全县召开大会。\n");
        let got: Vec<&str> = d.dates.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(got, ["年初"]);
    }

    #[test]
    fn fractions_are_shares() {
        let d = run("吕梁的贫困人口占全省的1/3左右,近四分之三的耕地种粮,二分之一的步兵战车移交。\n\
            2024/1/3出版,第12/40页,进入1/4决赛,几十分之一,一又四分之三子,万分之三。\n");
        let got: Vec<(&str, f64)> = d.quantities.iter().map(|q| (q.text.as_str(), q.value)).collect();
        let want = [("1/3", 100.0 / 3.0), ("近四分之三", 75.0), ("二分之一", 50.0), ("万分之三", 0.03)];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for ((t, v), (wt, wv)) in got.iter().zip(want) {
            assert_eq!(*t, wt);
            assert!((v - wv).abs() < 1e-9, "{t}: {v}");
        }
        assert!(d.quantities.iter().all(|q| q.unit == "%" && q.kind == "percent"));
    }

    #[test]
    fn approximate_and_decimal_chinese_numerals() {
        let d = run("五六个歹徒,六七十位教师,两三公里,全长二百二十五点九公里,十五六岁。\n");
        let q = ranges(&d);
        assert_eq!(
            q,
            [
                ("五六个", 5.0, Some(6.0), "个"),
                ("六七十位", 60.0, Some(70.0), "位"),
                ("两三公里", 2000.0, Some(3000.0), "米"),
                ("二百二十五点九公里", 225900.0, None, "米"),
                ("十五六岁", 15.0, Some(16.0), "岁"),
            ]
        );
    }

    #[test]
    fn quotes_hold_speech() {
        // A number or a list of terms in quotation marks is no quote; a saying with a comma is.
        let d = run("代号“191”,建成“流动的戏台、图书馆、卫生院”,群众说“企业能背多少算多少,政府有多少就背多少”,他表示“对长时间没有发现交易损失和错误定价表示遗憾”。\n");
        let q: Vec<&str> = d.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(q, ["企业能背多少算多少,政府有多少就背多少", "对长时间没有发现交易损失和错误定价表示遗憾"]);
    }

    #[test]
    fn a_pronoun_speaker_is_the_person_named_before_it() {
        let d = run("镇党委书记王力来到村里。他对镇干部说:“群众想富盼富,干部要带头。”\n村民李梅说:“路修好了。”“日子有奔头了,大家都高兴。”她笑着说。他们说:“我们也要干,一起干。”记者对他说:“你们辛苦了,谢谢。”“张明家的路修好了,真好。”他说。\n");
        let q: Vec<(Option<&str>, Option<&str>)> =
            d.quotes.iter().map(|q| (q.speaker.as_deref(), q.speaker_source)).collect();
        assert_eq!(
            q,
            [
                (Some("王力"), Some("pronoun")),
                (Some("李梅"), Some("name")),
                (Some("李梅"), Some("pronoun")),
                (None, None),
                (None, None),
                (Some("李梅"), Some("pronoun"))
            ]
        );
        assert_eq!(d.quotes[0].speaker_role.as_deref(), Some("镇党委书记"));
    }

    /// Cases from the hand annotation of quotes in People's Daily texts
    /// (tests/fixtures/gold/pd_quotes.json).
    #[test]
    fn speakers_in_narrative_and_further_back_in_the_sentence() {
        let d =
            run("外交部长钱其琛会见了南非外长恩佐。恩佐指出,南非和中国如果迟迟不能建立外交关系,“这不符合国际惯例。”\n\
            军分区司令员彭楚政来到村里。“为什么不出栏卖些钱?”彭楚政不解地问。\n\
            民警张晓伟跳进河里。“俺叫人民子弟警!”张晓伟边答边走。歹徒王强狂叫:“再追,老子就捅死你!”张晓伟冲了上去。\n\
            日本首相桥本龙太郎访华。桥本表示:“我们深切反省。”\n\
            老人李白来到村里。他紧紧地握住我的手,激动地说:“我们成功了,谢谢大家。”\n\
            “路早该修了,可手里没钱啊。”城关镇南街社区党委书记李建华连连摇头。\n\
            “种子买好了。”村民的儿子张强跑了进来。\n");
        let q: Vec<(&str, Option<&str>, Option<&str>)> =
            d.quotes.iter().map(|q| (&q.text[..6], q.speaker.as_deref(), q.speaker_role.as_deref())).collect();
        assert_eq!(
            q,
            [
                ("这不", Some("恩佐"), Some("外长")),
                ("为什", Some("彭楚政"), Some("军分区司令员")),
                ("俺叫", Some("张晓伟"), Some("民警")),
                // The robber's words, introduced by a colon, are not the policeman's after them.
                ("再追", None, None),
                ("我们", Some("桥本龙太郎"), Some("首相")),
                ("我们", Some("李白"), None),
                // Named with the post before the name, then acting; not a person whose
                // relation comes before the name (村民的儿子: a 的 and no post).
                ("路早", Some("李建华"), Some("党委书记")),
                ("种子", None, None),
            ]
        );
    }

    /// A person who opens a clause, acts and then, after a colon, utters a whole sentence
    /// says it; not a person inside another's act, nor a reporter over the story.
    #[test]
    fn a_person_who_acts_then_speaks_after_a_colon() {
        let d = run("民警张晓伟跳进河里救起少年。张晓伟急忙上前拦住:“为群众救危排险是俺的职责。”\n\
            少年的父亲王明找到派出所,硬往张晓伟手里塞:“这钱你得收下!”\n\
            经理徐柏玉不领奖金。员工要求看齐,但却被徐柏玉坚辞拒绝:“这是公司制订的制度,必须遵守!”\n\
            本报记者毛磊报道:“公安边防部门近年来严厉打击走私。”\n\
            通讯员 李明报道:“今年全县粮食喜获丰收。”\n\
            王刚看到门上贴着:“闲人免进。”李明听到广播里传来:“列车即将进站。”\n\
            会上,李明拿出三份材料:“改革方案、预算报告和人事名单”\n");
        let q: Vec<(&str, Option<&str>)> = d.quotes.iter().map(|q| (&q.text[..6], q.speaker.as_deref())).collect();
        assert_eq!(
            q,
            [
                ("为群", Some("张晓伟")),
                ("这钱", None),
                ("这是", Some("徐柏玉")),
                ("公安", None),
                ("今年", None),
                ("闲人", None),
                ("列车", None)
            ]
        );
    }

    /// A name that qualifies a noun (张晓伟的双手, 萨乌丁和田亮的动作, 王进喜的肖像) is not
    /// who speaks after it; the one before it who does is, and a name given to the speaker
    /// (一位叫庞增福的工人) is theirs.
    #[test]
    fn a_name_that_qualifies_a_noun_does_not_speak() {
        let d = run("教练胡恩勇对比萨乌丁和田亮的动作说:“两人压水花技术不分上下。”\n\
            赵文军紧紧地握住张晓伟的双手,无限感激地说:“俺全家人整天都在想着你。”\n\
            一位老工人站在王进喜的肖像下说:“看到久违了的铁人形象,心情十分激动。”\n\
            一位叫庞增福的工人对记者说:“刚建集团时我们还觉得有盼头。”\n");
        let q: Vec<(&str, Option<&str>)> = d.quotes.iter().map(|q| (&q.text[..6], q.speaker.as_deref())).collect();
        assert_eq!(q, [("两人", Some("胡恩勇")), ("俺全", Some("赵文军")), ("看到", None), ("刚建", Some("庞增福"))]);
    }

    /// A short quote right after a speech verb that ends its clause is words said, not a
    /// slogan, when its speaker is found; a term the sentence goes on about stays a term.
    #[test]
    fn a_short_quote_after_a_speech_verb_is_said() {
        let d = run("省委书记孙文盛对随行的干部说,“我们的责任重啊”。任建新强调,“严打”是社会治安的关键。\n");
        let quotes: Vec<(&str, Option<&str>)> =
            d.quotes.iter().map(|q| (q.text.as_str(), q.speaker.as_deref())).collect();
        assert_eq!(quotes, [("我们的责任重啊", Some("孙文盛"))]);
        assert_eq!(texts(&d, EntityKind::Campaign), ["严打"]);
    }

    /// Someone gone up to (站在李明面前说, 来到科雷跟前说) is spoken to; a foreign name's last part
    /// speaks as its full name.
    #[test]
    fn the_one_gone_up_to_is_spoken_to() {
        let d = run("王刚走进病房。他站在李明面前说:“你要好好休息。”美国的查理斯·科雷参观了展厅。童志成来到科雷跟前说,“请您不吝指导!”科雷回答说:“很好。”\n");
        let quotes: Vec<(&str, Option<&str>)> =
            d.quotes.iter().map(|q| (q.text.as_str(), q.speaker.as_deref())).collect();
        assert_eq!(
            quotes,
            [("你要好好休息。", Some("王刚")), ("请您不吝指导!", Some("童志成")), ("很好。", Some("查理斯·科雷"))]
        );
    }

    /// Quotes one after another with nothing between are one voice (他反复强调:“…。”“…。”),
    /// unless the first asks a question, which the next answers; with words between, the
    /// next quote needs a speaker of its own. The hand annotation's speeches of 周恩来 and
    /// 钱其琛 run so.
    #[test]
    fn a_quote_right_after_another_goes_on_in_its_voice() {
        let d = run("镇长王力来到村里。王力强调:“群众的事要办好。”“干部要带头,一起干。”“路要修,桥要建。”\n\
            村民李明问道:“你去吗?”“去,一定去,大家都去。”\n\
            会长张强重申:“会员的事要办好。”会上,“干部要带头,大家一起干。”\n");
        let q: Vec<(String, Option<&str>)> =
            d.quotes.iter().map(|q| (q.text.chars().take(2).collect(), q.speaker.as_deref())).collect();
        let want = [
            ("群众", Some("王力")),
            ("干部", Some("王力")),
            ("路要", Some("王力")),
            ("你去", Some("李明")),
            ("去,", None),
            ("会员", Some("张强")),
            ("干部", None),
        ];
        assert_eq!(q, want.map(|(t, s)| (t.to_string(), s)));
        assert!(d.quotes[..3].iter().all(|q| q.speaker_source == Some("name")));
    }

    /// A profile quotes its subject without a speech verb: a quote opening its own sentence
    /// after a sentence naming one person is theirs, as `context`; not after a question
    /// (the answer is another's), nor after a sentence naming two people or naming one only
    /// inside a quote (the one spoken to).
    #[test]
    fn a_quote_after_a_sentence_naming_one_person_is_theirs() {
        let d = run("退休干部梁军从农机局离休了。“在家的8年,真是平平淡淡的8年。”\n\
            “为什么不出栏卖些钱?”彭楚政不解地问。“乡亲们养猪是为过年,猪养得越肥越好。”\n\
            村民王力和李梅来到村里。“这里变化真大,大家都高兴。”\n\
            座谈会上,村支书王力问大家:还有什么困难吗?“没有困难,请组织放心!”\n\
            记者来到村里。“李明,你辛苦了。”老人拉着他的手。“日子越过越好了,大家都高兴。”\n");
        let q: Vec<(String, Option<&str>, Option<&str>)> = d
            .quotes
            .iter()
            .map(|q| (q.text.chars().take(2).collect(), q.speaker.as_deref(), q.speaker_source))
            .collect();
        let want = [
            ("在家", Some("梁军"), Some("context")),
            ("为什", Some("彭楚政"), Some("name")),
            ("乡亲", None, None),
            ("这里", None, None),
            ("没有", None, None),
            ("李明", None, None),
            ("日子", None, None),
        ];
        assert_eq!(q, want.map(|(t, s, src)| (t.to_string(), s, src)));
    }

    /// Cases from the hand annotation of quotes: the one spoken to is not the speaker, a
    /// colon after a name opens that name's quote, a surname with a title is the name it
    /// begins, a form of address is no role.
    #[test]
    fn the_one_spoken_to_and_the_next_speaker() {
        let d = run("中共晋冀豫省委统战部部长安子文来到机关。安子文同志知道后,对司务长说:“有了白面大家一起吃,大家一起改善生活。”\n\
            梁德妍笑道:“老童,你七拐八转,原来是为了统一大家的思想。”王润培说:“我认为老童的分析有理有据。”\n\
            物理学家李政道教授参观展厅。馆长李象益陪同参观。李教授听后欣喜地说:“我还知道他的另一个题词。”\n\
            他看到这两种车都是利用木制齿轮转动。他回过头来对馆长李象益说:“齿轮是金属做的。”他用右手比了一个圆圈,说:“有这么大。”\n");
        let q: Vec<(&str, Option<&str>, Option<&str>)> =
            d.quotes.iter().map(|q| (&q.text[..6], q.speaker.as_deref(), q.speaker_role.as_deref())).collect();
        assert_eq!(
            q,
            [
                ("有了", Some("安子文"), Some("中共晋冀豫省委统战部部长")),
                ("老童", Some("梁德妍"), None),
                ("我认", Some("王润培"), None),
                ("我还", Some("李政道"), Some("教授")),
                ("齿轮", Some("李政道"), Some("教授")),
                ("有这", Some("李政道"), Some("教授")),
            ]
        );
        // Only right after 对 or 向 is a person spoken to, and only then passed over for 他说;
        // a colon opening the next quote is looked for to the sentence's end; a surname with
        // a title is no name with another post.
        let d = run("村民王秀英坐在门口。记者问:“你去吗?”她看了看大家,笑着补充说道:“去,一定去。”\n\
            在向记者介绍情况时村主任李明说:“路修好了,大家都高兴。”\n\
            昨天上午,记者对王强进行了专访。他说:“我们还要加油干。”\n");
        let q: Vec<(String, Option<&str>)> =
            d.quotes.iter().map(|q| (q.text.chars().take(2).collect(), q.speaker.as_deref())).collect();
        let want = [("你去", None), ("去,", Some("王秀英")), ("路修", Some("李明")), ("我们", Some("王强"))];
        assert_eq!(q, want.map(|(t, s)| (t.to_string(), s)));
        // The byline's reporter is no one else's full name; the only other name a surname
        // begins is, whatever post it was given first (周小燕老师 … 周教授说).
        let d = run("本报北京1月5日讯记者李中文报道:会上,李教授说:“这项研究很重要,要坚持下去。”\n\
            歌唱家周小燕老师来京演出。周教授对记者说:“真是仓促来京,差一点不敢来了。”\n");
        let q: Vec<Option<&str>> = d.quotes.iter().map(|q| q.speaker.as_deref()).collect();
        assert_eq!(q, [Some("李"), Some("周小燕")]);
    }

    /// The post a person takes is their role wherever they are named (a case of the quotes'
    /// annotation: 彭楚政就任军分区司令员, then 彭楚政 in every scene).
    #[test]
    fn a_post_taken_is_the_role() {
        let d = run("1988年,彭楚政就任军分区司令员、州委常委不久,便来到村里。彭楚政不解地问。\n\
            会议选举刘方仁当选贵州省人大主任吴亦侠当选贵州省省长。李长水担任了市公安局长以来,风气变了。\n\
            刘德华担任向导陪同市长考察。\n");
        // 吴亦侠 keeps the role written before the name, as a run-on headline reads.
        let roles: Vec<_> = people_roles(&d).into_iter().filter(|(n, _)| *n != "吴亦侠").collect();
        assert_eq!(
            roles,
            [
                ("彭楚政", Some("军分区司令员")),
                ("彭楚政", Some("军分区司令员")),
                ("刘方仁", Some("贵州省人大主任")),
                ("李长水", Some("市公安局长")),
                // 向导 is no role word, and 陪同市长 is no post.
                ("刘德华", None)
            ]
        );
    }

    /// Transliterations right after a role that jieba files as a rare noun (利维/n 48) or as
    /// a rare place no place reading took (安南/ns 222, Annam) are names; a company or city
    /// jieba files as a place (苏宁/ns, 米兰/ns) before a title or a speech verb is not, nor a
    /// commoner place-filed word after a role (厂长安顿下来).
    #[test]
    fn foreign_names_filed_as_words() {
        let d = run("联合国秘书长安南今天说,和平很重要。以色列外长利维辞职。总统克林顿访问了南非。\n\
            苏宁董事长张近东出席。他在米兰说,球队很好。厂长安顿下来以后,工人开始干活。\n");
        assert_eq!(
            people_roles(&d),
            [("安南", Some("联合国秘书长")), ("利维", Some("外长")), ("克林顿", Some("总统"))]
        );
    }

    #[test]
    fn words_that_look_like_a_name_are_none() {
        let d = run("一座大学生宿舍里,一群女大学生成立了洗衣社。调他任常委兼宣传部部长。就要花去数百、上万马克。村民田有社说,路修好了。一位李姓居民连声说好。\n");
        let people = texts(&d, EntityKind::Person);
        assert_eq!(people, ["田有社"]);
        let d = run("本报北京1月5日讯记者李中文报道:比赛开始了。\n");
        let roles = people_roles(&d);
        assert_eq!(roles, [("李中文", Some("记者"))]);
        let d = run("本报讯记者王娜梅报道:活动开始了。\n");
        assert_eq!(
            d.entities.iter().find(|e| e.kind == EntityKind::Person).and_then(|e| e.role.as_deref()),
            Some("记者")
        );
    }

    /// A role or a body does not start inside a word it only borders: jieba makes one word
    /// of 局局长 in 住建局局长, and tags 联系 (a verb here) a noun.
    #[test]
    fn roles_and_bodies_start_at_their_own_words() {
        let d = run("土默特右旗住建局局长冯永清在社区协调会上表态说。\n");
        let roles = people_roles(&d);
        assert_eq!(roles, [("冯永清", Some("局长"))]);
        let d = run("工作人员随即协调联系新城国际小区物业公司,打开了小区西门。\n");
        assert_eq!(texts(&d, EntityKind::Organization), ["新城国际小区物业公司"]);
    }

    /// A body's name reaches back over a noun that starts with a preposition's character
    /// (和平北路小学); a preposition jieba glues to the level (由省/n, 为省/n) leaves the
    /// level on the name.
    #[test]
    fn bodies_reach_over_words_that_begin_like_prepositions() {
        let d = run("桥梁厂小学队、和平北路小学队分获男女冠军。\n");
        assert_eq!(texts(&d, EntityKind::Organization), ["和平北路小学"]);
        let d = run("选举张树兰为省高级人民法院院长,材料由县供电局与村里各购一半。\n");
        let orgs = texts(&d, EntityKind::Organization);
        assert_eq!(orgs, ["省高级人民法院", "县供电局"]);
        // A common noun that begins like a preposition stops the name (被告/n).
        let d = run("原告王某诉被告中国农业银行北京分行一案,法院判令被告市第一建筑公司赔偿。\n");
        let orgs = texts(&d, EntityKind::Organization);
        assert_eq!(orgs, ["中国农业银行北京分行", "市第一建筑公司"]);
    }

    #[test]
    fn an_organisation_jieba_tags_as_a_name_is_no_person() {
        let d = run("石油输出国组织(欧佩克)原油平均价下降,塔利班控制了喀布尔。\n");
        let k: Vec<(&str, EntityKind)> = d.entities.iter().map(|e| (e.text.as_str(), e.kind)).collect();
        assert!(k.contains(&("欧佩克", EntityKind::Organization)), "{k:?}");
        assert!(!k.iter().any(|x| x.1 == EntityKind::Person), "{k:?}");
    }

    #[test]
    fn dates_are_no_durations() {
        // Days of the month, years, decades and 四周 (all around) are no quantities; 日 with
        // a cue before or after is a count of days; an anniversary is a unit of its own.
        let d = run("新华社北京1月8日电 泽鲁阿勒12日会见了代表团。1453年5月29日,一九九七年,80年代,住宅四周绿化。为期3日的会议定于三日内结束,连续四周,改革开放20周年。\n");
        let q = values(&d);
        assert_eq!(q, [("3日", 3.0, "天"), ("三日", 3.0, "天"), ("四周", 4.0, "周"), ("20周年", 20.0, "周年")]);
    }

    #[test]
    fn an_amount_in_two_parts_and_a_fiscal_year() {
        // 1亿2000万元 is one amount, as is Taiwan's 3兆0350亿元 (兆, a trillion); 115年度 is
        // the Republic's fiscal year, no count of years.
        let d = run("通过115年度总预算案,岁出规模达3兆0350亿元,其中1亿2000万元用于补助,100兆瓦机组投产。\n");
        let q: Vec<(&str, f64)> = d.quantities.iter().map(|q| (q.text.as_str(), q.value)).collect();
        assert_eq!(q, [("3兆0350亿元", 3_035_000_000_000.0), ("1亿2000万元", 120_000_000.0)]);
    }

    #[test]
    fn quotes_and_campaigns() {
        let d = run("朱阳关镇党委书记孙新文说:“我们将坚持党建引领,发挥联合社优势。”村“两委”干部带头创建“五星”支部,“微”治理见实效。\n");
        assert_eq!(d.quotes.len(), 1);
        assert_eq!(d.quotes[0].speaker.as_deref(), Some("孙新文"));
        assert_eq!(d.quotes[0].speaker_role.as_deref(), Some("党委书记"));
        assert!(d.quotes[0].text.starts_with("我们将坚持党建引领"));
        let c = texts(&d, EntityKind::Campaign);
        assert_eq!(c, ["两委", "五星"]);
    }

    #[test]
    fn a_year_starts_with_its_own_word_for_it() {
        // 初 that starts a word (初步) is no start of the year; 去年/初 is.
        let d = run("标题\n2022-05-26 22:58:46来源:甘肃日报\n今年初步建成,去年初开工。\n");
        let got: Vec<(&str, &str)> = d.dates.iter().map(|x| (x.text.as_str(), x.granularity)).collect();
        assert_eq!(got, [("今年", "year"), ("去年初", "month")]);
    }

    #[test]
    fn dates_resolve_against_the_publication_date() {
        let d = run("标题\n2022-05-26 22:58:46来源:甘肃日报\n今年6月以来,截至9月底,2021年下半年,去年10月份以来,用了3个月,2024年9月28日。\n");
        let got: Vec<(&str, Option<String>, Option<String>, &str)> = d
            .dates
            .iter()
            .map(|x| {
                (x.text.as_str(), x.start_date.map(|v| v.to_string()), x.end_date.map(|v| v.to_string()), x.granularity)
            })
            .collect();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            got,
            [
                ("今年6月", s("2022-06-01"), s("2022-06-30"), "month"),
                ("截至9月底", None, s("2022-09-30"), "day"),
                ("2021年下半年", s("2021-07-01"), s("2021-12-31"), "half"),
                ("去年10月份", s("2021-10-01"), s("2021-10-31"), "month"),
                ("2024年9月28日", s("2024-09-28"), s("2024-09-28"), "day"),
            ]
        );

        // Runs of months, as statistics write them; a duration of months is none. Not runs:
        // backwards, with a day, after a year in figures: the last month alone.
        let spans = |text: &str| -> Vec<(String, Option<String>, Option<String>)> {
            let d = run(&format!("标题\n2022-11-26 来源:甘肃日报\n{text}\n"));
            let day = |v: Option<chrono::NaiveDate>| v.map(|v| v.to_string());
            d.dates.iter().map(|x| (x.text.clone(), day(x.start_date), day(x.end_date))).collect()
        };
        let o = |t: &str, a: &str, b: &str| (t.to_string(), s(a), s(b));
        assert_eq!(
            spans("今年1至10月,全镇排查线索23条。1-9月份,投资增长3.2%。去年一至三月,用了5-6个月。"),
            [
                o("今年1至10月", "2022-01-01", "2022-10-31"),
                o("1-9月份", "2022-01-01", "2022-09-30"),
                o("去年一至三月", "2021-01-01", "2021-03-31"),
            ]
        );
        // The year's first quarters or months, from 1 January; not 目前 before a month.
        assert_eq!(
            spans("今年前三季度,地区生产总值增长5%。前10月,投资增长3%。目前3月份的数据已公布。今年前11个月,事故下降。前3个月他在外地。"),
            [
                o("今年前三季度", "2022-01-01", "2022-09-30"),
                o("前10月", "2022-01-01", "2022-10-31"),
                o("3月份", "2022-03-01", "2022-03-31"),
                o("今年前11个月", "2022-01-01", "2022-11-30"),
            ]
        );
        assert_eq!(
            spans("供暖期为12-2月。5-6月5日举行,2021-9月开工。"),
            [
                o("2月", "2022-02-01", "2022-02-28"),
                o("6月5日", "2022-06-05", "2022-06-05"),
                o("9月", "2022-09-01", "2022-09-30")
            ]
        );

        // Days without their month are the nearest such day to publication; relative days
        // count from it; counts of days and yen are no dates.
        let d = run("标题\n2023-12-13 20:46:31来源:新华网\n习近平13日在河内会见。30日召开会议,25日将举行活动,7日内完成,合5日元,第3日开幕,昨天公布了数字,今天的中国。6月13日至15日举行,自16日起施行。\n");
        let got: Vec<(&str, Option<String>)> =
            d.dates.iter().map(|x| (x.text.as_str(), x.start_date.map(|v| v.to_string()))).collect();
        assert_eq!(
            got,
            [
                ("13日", s("2023-12-13")),
                ("30日", s("2023-11-30")),
                ("25日", s("2023-12-25")),
                ("昨天", s("2023-12-12")),
                ("6月13日至15日", s("2023-06-13")),
                ("16日", s("2023-12-16")),
            ]
        );
        // Two days joined by 至 are one period; two days listed are two.
        let period = &d.dates[4];
        assert_eq!((period.end_date.map(|v| v.to_string()), period.granularity), (s("2023-06-15"), "day"));
        let days = |text: &str| -> Vec<(String, Option<String>)> {
            run(text).dates.iter().map(|x| (x.text.clone(), x.start_date.map(|v| v.to_string()))).collect()
        };
        let o = |t: &str, d: &str| (t.to_string(), s(d));
        // The dateline of the paper of 1 January is last year's.
        assert_eq!(
            days("标题\n2024-01-01 来源:人民日报\n新华社北京12月31日电 国务院今天召开常务会议。\n"),
            [o("12月31日", "2024-12-31"), o("今天", "2023-12-31")]
        );
        // No dateline: 电话 after the day, or a wire story quoted inside a paragraph.
        assert_eq!(
            days("标题\n2023-12-20 来源:新华网\n双方在12月1日电话会议上达成共识,今天签署协议。\n会上,据新华社北京11月1日电,昨天发布了数据。\n"),
            [o("12月1日", "2023-12-01"), o("今天", "2023-12-20"), o("11月1日", "2023-11-01"), o("昨天", "2023-12-19")]
        );
        assert!(d
            .dates
            .iter()
            .all(|x| x.granularity == "day" && (x.start_date == x.end_date) != x.text.contains('至')));

        // After a dateline, days count from its date: the printed paper of the 2nd carries the
        // story filed on the 1st.
        let d = run("标题\n2023-12-02 来源:人民日报\n新华社北京12月1日电 国务院今天召开常务会议。会议指出,昨天发布的数据向好,30日将再次开会。\n");
        let got: Vec<(&str, Option<String>)> =
            d.dates.iter().map(|x| (x.text.as_str(), x.start_date.map(|v| v.to_string()))).collect();
        assert_eq!(
            got,
            [
                ("12月1日", s("2023-12-01")),
                ("今天", s("2023-12-01")),
                ("昨天", s("2023-11-30")),
                ("30日", s("2023-11-30"))
            ]
        );
    }

    #[test]
    fn keywords_are_ranked() {
        let d = run("党支部建在产业链上,党员聚在产业链上,群众富在产业链上。党支部带动产业发展。\n");
        assert!(!d.keywords.is_empty());
        assert!(d.keywords.windows(2).all(|w| w[0].weight >= w[1].weight));
        assert!(d.keywords.iter().any(|k| k.keyword == "产业链"), "{:?}", d.keywords);

        // A name found over several tokens is one keyword, not its pieces.
        let d = run("临潭县冶力关镇深入开展“三抓三促”行动。冶力关镇累计接待游客35.6万人次,冶力关镇旅游收入增长。\n");
        let words: Vec<&str> = d.keywords.iter().map(|k| k.keyword.as_str()).collect();
        assert_eq!(words.first(), Some(&"冶力关镇"), "{words:?}");
        assert!(words.contains(&"三抓三促"), "{words:?}");
        assert!(!words.iter().any(|w| ["冶力", "关镇", "抓三促"].contains(w)), "{words:?}");

        // The furniture of news copy is no keyword (extract.keyword_stop_words).
        let d = run("新华社北京12月1日电 全镇今年新建蔬菜大棚120座,全镇蔬菜产量同比增长两成,全镇农民收入增加。\n");
        let words: Vec<&str> = d.keywords.iter().map(|k| k.keyword.as_str()).collect();
        assert!(words.contains(&"蔬菜大棚") || words.contains(&"大棚"), "{words:?}");
        assert!(!words.iter().any(|w| ["新华社", "日电", "全镇", "同比"].contains(w)), "{words:?}");
    }
}
