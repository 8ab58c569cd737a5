//! Language resources shared by several stages, built once per run: the jieba segmenter
//! (default dictionary, the domain user dictionary and every place name), the OpenCC
//! Traditional→Simplified converter, and the administrative-division table.
//!
//! Decode uses them as evidence when it repairs byte-shift damage, clean converts script,
//! segment cuts words and extract looks up places; one copy behind an `Arc` serves all rayon
//! workers (`&self` methods only, STYLE.md rule 3).

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use jieba_rs::Jieba;

use crate::error::{Error, Result};

/// Built-in copies of the repository's data files, used when the config names none.
pub(crate) mod builtin {
    /// `config/userdict.txt`.
    pub const USER_DICT: &str = include_str!("../config/userdict.txt");
    /// `config/places.csv`.
    pub const PLACES: &str = include_str!("../config/places.csv");
    /// `config/boilerplate.toml`.
    pub const PATTERNS: &str = include_str!("../config/boilerplate.toml");
    /// `config/lexicon.toml`.
    pub const LEXICON: &str = include_str!("../config/lexicon.toml");
    /// `config/units.toml`.
    pub const UNITS: &str = include_str!("../config/units.toml");
    /// `config/organizations.txt`.
    pub const ORGANIZATIONS: &str = include_str!("../config/organizations.txt");
    /// `config/world_places.txt`.
    pub const WORLD_PLACES: &str = include_str!("../config/world_places.txt");
}

/// Administrative level of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Province, autonomous region, municipality.
    Province,
    /// Prefecture-level city, league, autonomous prefecture.
    City,
    /// County, district, banner, county-level city.
    County,
    /// Town, township, street office (乡, 镇, 街道, 苏木).
    Town,
    /// Village or community (村, 社区, 嘎查).
    Village,
    /// A country (from `config/world_places.txt`).
    Country,
    /// Any other place outside the division table: a world region, a foreign city, a river
    /// or mountain. Its `entities.level` is null.
    Other,
}

impl Level {
    /// The name written to `entities.level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Town => "town",
            Level::Village => "village",
            Level::Country => "country",
            Level::Other => "",
        }
    }
}

/// One row of the administrative-division table.
#[derive(Debug, Clone)]
pub struct Place {
    /// 12-digit code.
    pub adcode: String,
    /// Full official name.
    pub name: String,
    /// Its level, derived from the code.
    pub level: Level,
    /// Index of the enclosing province in `PlaceTable::places`.
    pub province: Option<usize>,
    /// Index of the enclosing city.
    pub city: Option<usize>,
}

/// The administrative-division table with name and alias indexes.
#[derive(Debug, Default)]
pub struct PlaceTable {
    /// Every place, in file order.
    pub places: Vec<Place>,
    /// Full name or accepted short form → places carrying it (several when ambiguous).
    pub by_name: HashMap<String, Vec<usize>>,
}

/// Names of grouping rows in the division table.
const PLACEHOLDERS: &[&str] = &["市辖区", "县", "省直辖县级行政区划"];

/// Suffixes removed to form a province's short name (内蒙古自治区 → 内蒙古).
const PROVINCE_SUFFIXES: &[&str] = &["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"];

impl PlaceTable {
    /// Parses `adcode,name[,...]` CSV text (header line first).
    ///
    /// # Errors
    /// `Error::Dict` for a line without a 12-digit code and a name.
    pub fn parse(text: &str, path: &Path) -> Result<PlaceTable> {
        let mut t = PlaceTable::default();
        let mut by_code: HashMap<String, usize> = HashMap::default();
        for (i, line) in text.lines().enumerate().skip(1) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut cols = line.split(',');
            let (code, name) = (cols.next().unwrap_or(""), cols.next().unwrap_or("").trim());
            if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
                return Err(Error::Dict {
                    path: path.to_path_buf(),
                    line: i + 1,
                    msg: "expected a 12-digit adcode and a name".into(),
                });
            }
            // Grouping rows of the table (市辖区, 县, 省直辖县级行政区划) are not places.
            if PLACEHOLDERS.contains(&name) || name.ends_with("直辖县级行政区划") {
                continue;
            }
            let level = if &code[2..] == "0000000000" {
                Level::Province
            } else if &code[4..] == "00000000" {
                Level::City
            } else {
                Level::County
            };
            by_code.insert(code.to_string(), t.places.len());
            t.places.push(Place {
                adcode: code.to_string(),
                name: name.to_string(),
                level,
                province: None,
                city: None,
            });
        }
        for i in 0..t.places.len() {
            let code = t.places[i].adcode.clone();
            let level = t.places[i].level;
            if level != Level::Province {
                t.places[i].province = by_code.get(&format!("{}0000000000", &code[..2])).copied();
            }
            if level == Level::County {
                t.places[i].city = by_code.get(&format!("{}00000000", &code[..4])).copied();
            }
        }
        t.index_names();
        Ok(t)
    }

    /// Adds places outside the division table (`name<TAB>kind` lines, kind one of country,
    /// region, city, feature); names the table already has are skipped.
    ///
    /// # Errors
    /// `Error::Dict` for a line without a known kind.
    pub fn add_world(&mut self, text: &str, path: &Path) -> Result<()> {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, kind) = line.split_once('\t').unwrap_or((line, ""));
            let level = match kind.trim() {
                "country" => Level::Country,
                "region" | "city" | "feature" => Level::Other,
                other => {
                    return Err(Error::Dict {
                        path: path.to_path_buf(),
                        line: i + 1,
                        msg: format!("kind {other:?} is not country, region, city or feature"),
                    })
                }
            };
            let name = name.trim();
            // The division table wins, but for a county's short form (江南 of 江南区): the
            // world list's region of that name is the likelier reading.
            let held = self.by_name.get(name).is_some_and(|ids| {
                ids.iter().any(|&i| self.places[i].name == name || self.places[i].level != Level::County)
            });
            if held {
                continue;
            }
            self.by_name.entry(name.to_string()).or_default().push(self.places.len());
            self.places.push(Place {
                adcode: String::new(),
                name: name.to_string(),
                level,
                province: None,
                city: None,
            });
        }
        Ok(())
    }

    fn index_names(&mut self) {
        let t = self;
        for (i, p) in t.places.iter().enumerate() {
            t.by_name.entry(p.name.clone()).or_default().push(i);
            if p.level == Level::Province {
                if let Some(short) = PROVINCE_SUFFIXES.iter().find_map(|s| p.name.strip_suffix(s)) {
                    if short.chars().count() >= 2 {
                        t.by_name.entry(short.to_string()).or_default().push(i);
                    }
                }
            }
            if p.level == Level::County {
                // Counties are named without their suffix too (张北 for 张北县, 松桃 for
                // 松桃苗族自治县). These short forms are weak: the extractor keeps one only
                // where the document names the county's province or city as well.
                let short = if p.name.contains("自治") {
                    p.name.chars().take(2).collect::<String>()
                } else {
                    // 新区 and 林区 whole (浦东 of 浦东新区, 神农架 of 神农架林区).
                    ["新区", "林区", "县", "市", "区", "旗"]
                        .iter()
                        .find_map(|s| p.name.strip_suffix(s))
                        .unwrap_or(&p.name)
                        .to_string()
                };
                if short.chars().count() >= 2 && short != p.name {
                    t.by_name.entry(short).or_default().push(i);
                }
            }
            if p.level == Level::City {
                // Prefecture-level cities are named without 市 all the time (金昌, 三门峡);
                // two-character short forms are kept too, as few collide with common words.
                if let Some(short) = p.name.strip_suffix('市') {
                    if short.chars().count() >= 2 {
                        t.by_name.entry(short.to_string()).or_default().push(i);
                    }
                }
            }
        }
    }

    /// The enclosing province's name.
    pub fn province_of(&self, i: usize) -> Option<&str> {
        let p = &self.places[i];
        match p.level {
            Level::Province => Some(&p.name),
            _ => p.province.map(|j| self.places[j].name.as_str()),
        }
    }

    /// The enclosing city's name; for districts of the four municipalities, the municipality.
    pub fn city_of(&self, i: usize) -> Option<&str> {
        let p = &self.places[i];
        match p.level {
            Level::City => Some(&p.name),
            Level::County => p.city.map(|j| self.places[j].name.as_str()).or_else(|| self.municipality(i)),
            _ => None,
        }
    }

    fn municipality(&self, i: usize) -> Option<&str> {
        let code = &self.places[i].adcode[..2];
        if matches!(code, "11" | "12" | "31" | "50") {
            self.province_of(i)
        } else {
            None
        }
    }
}

/// The shared resources.
pub struct Lexicon {
    /// Segmenter with the default, user and place dictionaries loaded.
    pub jieba: Jieba,
    /// Traditional → Simplified converter (phrase-aware, used on whole documents).
    pub t2s: OpenCC,
    /// Characters that t2s changes on their own, with their Simplified form: a cheap test
    /// for the script and a fast approximate conversion for short strings. Indexed from
    /// U+3400 (an array read per character instead of a hash lookup).
    traditional: CharTable,
    /// GB2312 level 1 (the 3,755 common characters), one bit each, indexed like `traditional`.
    common: Vec<u64>,
    /// Administrative divisions.
    pub places: PlaceTable,
    /// Tags the user dictionary gives words jieba's own dictionary already holds: jieba-rs's
    /// `add_word` keeps the old tag of a known word (农家乐 stayed `nr`, 合作社 `l`), so the
    /// segmenter applies these itself ([`Lexicon::pos`]).
    retag: HashMap<String, &'static str>,
    /// First characters of the words in `retag`: most tokens are passed by one bit test.
    retag_first: crate::extract::CharSet,
}

impl Lexicon {
    /// Loads everything. Takes about half a second; call once per run.
    ///
    /// # Errors
    /// `Error::Io` or `Error::Dict` for unreadable or malformed data files.
    pub fn new(user_dict: &Option<PathBuf>, places: &Option<PathBuf>) -> Result<Lexicon> {
        let (places_text, places_path) = crate::config::read_data(places, builtin::PLACES)?;
        let mut places = PlaceTable::parse(&places_text, &places_path)?;
        places.add_world(builtin::WORLD_PLACES, &PathBuf::from("<built-in world_places.txt>"))?;
        let mut jieba = Jieba::new();
        let mut retag: HashMap<String, &'static str> = HashMap::default();
        let (dict_text, dict_path) = crate::config::read_data(user_dict, builtin::USER_DICT)?;
        for (i, line) in dict_text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut it = line.split_whitespace();
            let word = it.next().unwrap_or("");
            let freq = match it.next().map(str::parse::<usize>) {
                None => None,
                Some(Ok(f)) => Some(f),
                Some(Err(_)) => {
                    return Err(Error::Dict {
                        path: dict_path,
                        line: i + 1,
                        msg: "frequency must be a whole number".into(),
                    })
                }
            };
            let tag = it.next();
            if let Some(tag) = tag.filter(|_| jieba.has_word(word)) {
                retag.insert(word.to_string(), crate::segment::intern_pos(tag));
            }
            jieba.add_word(word, freq, tag);
        }
        for p in &places.places {
            let n = p.name.chars().count();
            if (n >= 3 || matches!(p.level, Level::Country | Level::Other) && n >= 2) && !jieba.has_word(&p.name) {
                jieba.add_word(&p.name, Some(2000), Some("ns"));
            }
        }
        let t2s = OpenCC::from_config(BuiltinConfig::T2s)
            .map_err(|e| Error::config("clean.traditional_to_simplified", e.to_string()))?;
        let traditional = traditional_chars(&t2s);
        let retag_first = crate::extract::CharSet::new(retag.keys().filter_map(|w| w.chars().next()));
        Ok(Lexicon { jieba, t2s, traditional, common: gb2312_level1(), places, retag, retag_first })
    }

    /// The part of speech of a word jieba tagged `tag`: the user dictionary's tag for the
    /// word where it gives one, else jieba's, interned.
    #[inline]
    pub fn pos(&self, word: &str, tag: &str) -> &'static str {
        if let Some(c) = word.chars().next() {
            if self.retag_first.contains(&c) {
                if let Some(&t) = self.retag.get(word) {
                    return t;
                }
            }
        }
        crate::segment::intern_pos(tag)
    }

    /// jieba's dictionary entry for `word`: its tag (when jieba tags it as one word) and
    /// its frequency, or None when the word is not in the dictionary. Looked up through
    /// jieba's tagger once per word and thread, then served from a per-thread cache, since
    /// the extractors ask about the same words in document after document.
    pub fn word_info(&self, word: &str) -> Option<(&'static str, usize)> {
        if !self.jieba.has_word(word) {
            return None;
        }
        WORD_INFO.with(|cell| {
            if let Some(&v) = cell.borrow().get(word) {
                return Some(v);
            }
            let tags = self.jieba.tag(word, false);
            let tag = if tags.len() == 1 { self.pos(word, tags[0].tag) } else { "x" };
            let v = (tag, self.jieba.suggest_freq(word));
            let mut cache = cell.borrow_mut();
            if cache.len() >= WORD_INFO_MAX {
                cache.clear();
            }
            cache.insert(word.to_string(), v);
            Some(v)
        })
    }

    /// Whether `s` (one character, any script) is a common character: in GB2312 level 1
    /// once simplified. Breaks ties between repair candidates.
    pub fn is_common_char(&self, s: &str) -> bool {
        let mut it = s.chars();
        let (Some(c), None) = (it.next(), it.next()) else { return false };
        self.in_level1(self.traditional.get(c).unwrap_or(c))
    }

    /// Whether `c` is in GB2312 level 1, as it stands.
    fn in_level1(&self, c: char) -> bool {
        CharTable::slot(c).is_some_and(|i| self.common[i / 64] >> (i % 64) & 1 == 1)
    }

    /// Whether OpenCC converts `c` on its own (a Traditional-only character).
    #[inline]
    pub fn is_traditional(&self, c: char) -> bool {
        self.traditional.get(c).is_some()
    }

    /// Whether `c` shows a text is written in Traditional script: OpenCC converts it, and it
    /// is not itself a common Simplified character. 乾 (乾坤, the writer 萧乾), 著 and 於 are
    /// both; counted as Traditional, a Simplified line holding one went through OpenCC, which
    /// wrote 萧乾 as 萧干.
    #[inline]
    pub fn marks_traditional(&self, c: char) -> bool {
        self.is_traditional(c) && !self.in_level1(c)
    }

    /// Character-by-character Simplified form; exact for single characters, an
    /// approximation of [`OpenCC::convert`] (which also converts phrases) that costs a map
    /// lookup per character.
    pub fn simplify_chars(&self, s: &str) -> String {
        s.chars().map(|c| self.traditional.get(c).unwrap_or(c)).collect()
    }

    /// How much of `s` (Simplified) the dictionaries explain: the sum over dictionary words
    /// of (length − 1)², with a bonus for place names (short forms such as 平凉 included). Used to choose between repair
    /// candidates, where a real word beats a string of rare single characters.
    pub fn word_evidence(&self, s: &str) -> i32 {
        let mut score = 0i32;
        for tok in self.jieba.cut(s, false) {
            let n = tok.word.chars().count() as i32;
            if n > 1 && self.jieba.has_word(tok.word) {
                score += (n - 1) * (n - 1);
            }
        }
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        for i in 0..chars.len() {
            for n in 2..=8.min(chars.len() - i) {
                let end = chars.get(i + n).map_or(s.len(), |c| c.0);
                if self.places.by_name.contains_key(&s[chars[i].0..end]) {
                    score += 4 * n as i32;
                }
            }
        }
        score
    }
}

/// Most dictionary entries cached per thread by [`Lexicon::word_info`].
const WORD_INFO_MAX: usize = 200_000;

thread_local! {
    static WORD_INFO: std::cell::RefCell<HashMap<String, (&'static str, usize)>> = std::cell::RefCell::new(HashMap::default());
}

/// A char → char map over the CJK ideograph blocks (U+3400..U+FAFF), stored densely:
/// 200 KB shared by all threads, one array read per lookup.
struct CharTable(Vec<char>);

impl Default for CharTable {
    fn default() -> CharTable {
        CharTable(vec!['\0'; (CharTable::END - CharTable::START) as usize])
    }
}

impl CharTable {
    const START: u32 = 0x3400;
    const END: u32 = 0xFB00;

    #[inline]
    fn slot(c: char) -> Option<usize> {
        let c = c as u32;
        (Self::START..Self::END).contains(&c).then(|| (c - Self::START) as usize)
    }

    #[inline]
    fn get(&self, c: char) -> Option<char> {
        Self::slot(c).map(|i| self.0[i]).filter(|&d| d != '\0')
    }

    fn insert(&mut self, c: char, d: char) {
        if let Some(i) = Self::slot(c) {
            self.0[i] = d;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.iter().filter(|&&d| d != '\0').count()
    }
}

/// The GB2312 level-1 characters (lead bytes B0–D7) as a bitmap indexed like [`CharTable`].
fn gb2312_level1() -> Vec<u64> {
    let mut bits = vec![0u64; (CharTable::END - CharTable::START).div_ceil(64) as usize];
    for lead in 0xb0u8..=0xd7 {
        for trail in 0xa1u8..=0xfe {
            let pair = [lead, trail];
            let (s, bad) = encoding_rs::GBK.decode_without_bom_handling(&pair);
            let mut it = s.chars();
            if let (false, Some(c), None) = (bad, it.next(), it.next()) {
                if let Some(i) = CharTable::slot(c) {
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
        }
    }
    bits
}

/// Every CJK ideograph that t2s changes when converted alone, with its Simplified form.
/// One conversion of a string holding all of them (about 28,000), split back per character;
/// a few milliseconds at start-up.
fn traditional_chars(t2s: &OpenCC) -> CharTable {
    let ranges = ['\u{3400}'..='\u{4dbf}', '\u{4e00}'..='\u{9fff}', '\u{f900}'..='\u{faff}'];
    let mut map = CharTable::default();
    // A newline after each character keeps phrase rules from joining neighbours.
    for range in ranges {
        let all: Vec<char> = range.collect();
        let joined: String = all.iter().flat_map(|&c| [c, '\n']).collect();
        let converted = t2s.convert(&joined);
        let back: Vec<&str> = converted.split('\n').collect();
        if back.len() != all.len() + 1 {
            // Not one line per character: fall back to converting each alone.
            for &c in &all {
                let out = t2s.convert(c.encode_utf8(&mut [0; 4]));
                let mut it = out.chars();
                if let (Some(d), None) = (it.next(), it.next()) {
                    if d != c {
                        map.insert(c, d);
                    }
                }
            }
            continue;
        }
        for (&c, out) in all.iter().zip(back) {
            let mut it = out.chars();
            if let (Some(d), None) = (it.next(), it.next()) {
                if d != c {
                    map.insert(c, d);
                }
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_map() {
        let lex = Lexicon::new(&None, &None).unwrap();
        assert!(lex.is_traditional('國') && lex.is_traditional('區') && !lex.is_traditional('国'));
        // 乾 is converted alone (to 干) but is also common Simplified: it marks nothing.
        assert!(lex.is_traditional('乾') && !lex.marks_traditional('乾') && lex.marks_traditional('國'));
        assert_eq!(lex.simplify_chars("平涼市崆峒區"), "平凉市崆峒区");
        assert!(lex.traditional.len() > 2000, "{}", lex.traditional.len());
        assert!(lex.is_common_char("国") && lex.is_common_char("國") && !lex.is_common_char("龘"));
        assert!(!lex.is_common_char("国家"));
    }

    #[test]
    fn place_table_hierarchy() {
        let t = PlaceTable::parse(builtin::PLACES, &PathBuf::from("places.csv")).unwrap();
        let i = t.by_name["崆峒区"][0];
        assert_eq!(t.places[i].level, Level::County);
        assert_eq!(t.province_of(i), Some("甘肃省"));
        assert_eq!(t.city_of(i), Some("平凉市"));
        let nmg = t.by_name["内蒙古"][0];
        assert_eq!(t.places[nmg].name, "内蒙古自治区");
        let bj = t.by_name["朝阳区"].iter().find(|&&i| t.places[i].adcode.starts_with("11")).unwrap();
        assert_eq!(t.city_of(*bj), Some("北京市"));
    }

    #[test]
    fn bad_place_line_is_located() {
        let err = PlaceTable::parse("adcode,name\n123,甲\n", &PathBuf::from("p.csv")).unwrap_err();
        assert!(err.to_string().contains("p.csv:2"), "{err}");
    }
}
