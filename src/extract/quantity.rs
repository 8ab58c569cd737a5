//! Quantities: a number (Arabic or Chinese numerals), an optional multiplier (万, 亿),
//! an optional inner qualifier (余, 多, 几), a unit from `config/units.toml`, and the qualifiers
//! around it (近, 超过, 以上). Values are normalised to the base unit with exact decimal
//! arithmetic where the input allows: 6651.85万元 is 66518500 元.
//!
//! Left out on purpose: years (2021年, 一九九七年 and 1453年5月 are dates, not durations),
//! decades (80年代), days of the month (1月8日, 泽鲁阿勒12日会见: news writes a count of
//! days with 天, and 日 only after a cue such as 为期 or before one such as 内), ordinals
//! (第一书记), the article 一 (一个党组织), numerals inside idioms (三心二意), and numerals
//! with a unit that are usually a word (住宅四周: all around).

use rustc_hash::FxHashMap as HashMap;

use serde::Deserialize;

use super::{by_length_desc, is_range_mark, CharList, CharSet, TextIndex};
use crate::document::{Quantity, Token};
use crate::error::{Error, Result};
use crate::lexicon::Lexicon;

/// The frequency from which jieba's dictionary holds a numeral word as a word of its own
/// (三轮车 160, 九年制 33, 五保户 14) rather than a count it happens to list (十辆车, 八岁时 and
/// 三人份 stand at 3, its floor).
const LEXICAL_FREQ: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    units: HashMap<String, (String, String, f64)>,
    multipliers: HashMap<String, f64>,
    qualifiers: QualifierLists,
    #[serde(default)]
    durations: DurationCues,
    #[serde(default)]
    not_before: HashMap<String, Vec<String>>,
    #[serde(default)]
    at_most: HashMap<String, f64>,
}

/// When a number with 日 is a count of days, and which number-and-unit words are ordinary
/// words unless such a cue is there (units.toml `[durations]`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct DurationCues {
    before: Vec<String>,
    after: Vec<String>,
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QualifierLists {
    bound_prefixes: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    inner: Vec<String>,
}

/// A parsed number: Arabic digits with their decimal places, or a Chinese numeral's value.
#[derive(Clone, Copy)]
struct Num {
    mantissa: u128,
    decimals: u32,
    cn: Option<u64>,
}

impl Num {
    /// The value times `factor`, multiplying before dividing so that 6651.85 × 10000 stays exact.
    /// A factor that is one over a whole number (毫米 to 米, 0.001) is no exact binary
    /// fraction: the value is divided by that number instead, in one division with the
    /// decimals, so that 0.3毫米 is 0.0003 and not 0.00030000000000000003. Any other factor
    /// (a user's 英寸 = 0.0254 米) multiplies.
    fn times(self, factor: f64) -> f64 {
        let (m, scale) = match self.cn {
            Some(v) => (v as f64, 1.0),
            None => (self.mantissa as f64, 10f64.powi(self.decimals as i32)),
        };
        let inverse = 1.0 / factor;
        if factor < 1.0 && (inverse - inverse.round()).abs() < 1e-9 * inverse {
            m / (scale * inverse.round())
        } else {
            m * factor / scale
        }
    }
}

const KINDS: &[&str] = &["money", "count", "percent", "area", "mass", "age", "duration", "other"];

struct Unit {
    word: Vec<char>,
    kind: &'static str,
    base: String,
    factor: f64,
    /// What, right after the unit, makes it the start of another word (units.toml
    /// `[not_before]`: 312国道, 九百余万市民): no unit there.
    not_before: Vec<Vec<char>>,
    /// The largest count the unit takes (units.toml `[at_most]`: 13亿国人 counts no
    /// countries).
    at_most: f64,
}

impl Unit {
    /// Whether the unit, written up to char `end`, is not the start of another word: none of
    /// its `[not_before]` words follows.
    fn ends_at(&self, ix: &TextIndex, end: usize) -> bool {
        !self.not_before.iter().any(|w| ix.at(end, w))
    }
}

pub(crate) struct Units {
    /// Longest first, so 平方公里 wins over 公里.
    units: Vec<Unit>,
    /// First character → positions in `units`, longest first: the unit after a number is
    /// looked up among the few that start with its character, not all of them (a scan of
    /// the whole list was most of each read's instructions once it held 115 units).
    by_first: HashMap<char, Vec<usize>>,
    multipliers: Vec<(Vec<char>, f64)>,
    bound_prefixes: Vec<Vec<char>>,
    prefixes: Vec<Vec<char>>,
    suffixes: Vec<Vec<char>>,
    inner: Vec<Vec<char>>,
    /// Cues before the number and after the unit that make 3日 three days, not the 3rd.
    duration_before: Vec<Vec<char>>,
    duration_after: Vec<Vec<char>>,
    /// Number-and-unit words that need such a cue (四周).
    cue_words: Vec<Vec<char>>,
    /// Characters a quantity starts with (ASCII digits, Chinese numerals, 十百千万, 半, and 数, 几
    /// and 上 before a round number): the scan
    /// tests every character of the text, and one bit test is cheaper than the matches of
    /// `cn_digit` and the units (the whole extract stage 3-6% faster in an extraction-only
    /// harness on the People's Daily texts, the same quantities).
    starts: CharSet,
}

pub(crate) fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 千瓦, the one unit that starts with a numeral that is also a multiplier, and whose rest
/// (瓦) is no unit: a number stops before it (百万千瓦, 5千瓦). 五千米 is 5,000 米 read either
/// way, so 千米 needs no such care.
const KILOWATT: [char; 2] = ['千', '瓦'];

/// Two digits that make an approximate number: neighbours, the second one more (两三, 五六),
/// and 三五 and 三两 (a few: 三两个人 is 2 to 3).
fn approximate_pair(a: char, b: char) -> bool {
    match (cn_digit(a), cn_digit(b)) {
        (Some(x), Some(y)) => x >= 1 && y == x + 1 || matches!((x, y), (3, 5) | (3, 2)),
        _ => false,
    }
}

/// Three or more Chinese digits with no 十, 百 … between them (一九九七): a number read digit
/// by digit, as years and codes are, never an approximate count.
fn spelt_digits(run: &[char]) -> bool {
    run.len() >= 3 && run.iter().all(|&c| cn_digit(c).is_some())
}

pub(crate) fn cn_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    })
}

/// Value of a run of Chinese numerals (一千二百 → 1200, 两万 → 20000, 十五 → 15, 四万万 →
/// 400,000,000, the older way of writing 四亿).
pub(crate) fn parse_chinese(s: &[char]) -> Option<u64> {
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    let (mut after_wan, mut wan_wan) = (false, false);
    for &c in s {
        if let Some(d) = cn_digit(c) {
            digit = Some(d);
            after_wan = false;
            continue;
        }
        // Checked: 二亿亿亿 overflows 64 bits (and is no number a text means).
        match cn_unit(c)? {
            u @ (10 | 100 | 1000) => section = section.checked_add(digit.unwrap_or(1).checked_mul(u)?)?,
            // 万万 is ten thousand ten-thousands (四万万同胞), not 四万 and 一万; written twice
            // (四万万万) it is no number.
            10_000 if after_wan && section == 0 && digit.is_none() => {
                if std::mem::replace(&mut wan_wan, true) {
                    return None;
                }
                total = total.checked_mul(10_000)?;
            }
            10_000 => {
                // 万 alone is one ten-thousand (万人); 零万 is none.
                let part = match (section, digit) {
                    (0, None) => 1,
                    (s, d) => s.checked_add(d.unwrap_or(0))?,
                };
                total = total.checked_add(part.checked_mul(10_000)?)?;
                section = 0;
            }
            u => {
                let part = total.checked_add(section)?.checked_add(digit.unwrap_or(0))?;
                total = part.max(1).checked_mul(u)?;
                section = 0;
            }
        }
        after_wan = c == '万';
        digit = None;
    }
    total.checked_add(section)?.checked_add(digit.unwrap_or(0))
}

/// Whether exactly three ASCII digits stand at `k`, and no fourth after them: what follows a
/// thousands separator (4,180万, 12,001), where a clause's comma goes on otherwise.
fn three_digits_at(chars: &[char], k: usize) -> bool {
    chars.get(k..k + 3).is_some_and(|g| g.iter().all(char::is_ascii_digit))
        && !chars.get(k + 3).is_some_and(char::is_ascii_digit)
}

/// Longest run of Chinese numerals read as one number: 九千九百九十九亿九千九百九十九万九千九百
/// 九十九 has 23. A longer run is no number, nor any part of it ([`Units::find`] skips it
/// whole), and stopping there keeps a scan of a run thousands of characters long (一万一万…)
/// linear: each start would otherwise read to the run's end.
const MAX_CN_NUMERAL: usize = 24;

impl Units {
    pub fn parse(text: &str) -> Result<Units> {
        let f: UnitsFile = toml::from_str(text).map_err(|e| Error::config("extract.units", e.message().to_string()))?;
        let mut unknown: Vec<String> = (f.not_before.keys().map(|w| ("not_before", w)))
            .chain(f.at_most.keys().map(|w| ("at_most", w)))
            .filter(|(_, w)| !f.units.contains_key(*w))
            .map(|(table, w)| format!("{table}.{w}"))
            .collect();
        unknown.sort();
        if let Some(key) = unknown.first() {
            return Err(Error::config(format!("extract.units {key}"), "not a unit in [units]"));
        }
        let mut units = Vec::new();
        for (word, (kind, base, factor)) in f.units {
            let kind = KINDS.iter().find(|k| **k == kind).ok_or_else(|| {
                Error::config(format!("extract.units units.{word}"), format!("unknown kind {kind:?}"))
            })?;
            let not_before = by_length_desc(f.not_before.get(&word).map_or(&[][..], Vec::as_slice));
            let at_most = f.at_most.get(&word).copied().unwrap_or(f64::INFINITY);
            if at_most.is_nan() || at_most < 0.0 {
                return Err(Error::config(format!("extract.units at_most.{word}"), "not a count (0 or more)"));
            }
            units.push(Unit { word: word.chars().collect(), kind, base, factor, not_before, at_most });
        }
        units.sort_by(|a, b| b.word.len().cmp(&a.word.len()).then(a.word.cmp(&b.word)));
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::default();
        for (k, u) in units.iter().enumerate() {
            if let Some(&c) = u.word.first() {
                by_first.entry(c).or_default().push(k);
            }
        }
        let mut multipliers: Vec<(Vec<char>, f64)> =
            f.multipliers.into_iter().map(|(k, v)| (k.chars().collect(), v)).collect();
        multipliers.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        Ok(Units {
            units,
            by_first,
            multipliers,
            bound_prefixes: by_length_desc(&f.qualifiers.bound_prefixes),
            prefixes: by_length_desc(&f.qualifiers.prefixes),
            suffixes: by_length_desc(&f.qualifiers.suffixes),
            inner: by_length_desc(&f.qualifiers.inner),
            duration_before: by_length_desc(&f.durations.before),
            duration_after: by_length_desc(&f.durations.after),
            cue_words: by_length_desc(&f.durations.words),
            starts: CharSet::new(('0'..='9').chain("零〇一二两三四五六七八九十万百千半数几上".chars())),
        })
    }

    /// `lexicon` tells a word of jieba's dictionary (三轮车) from one its HMM made (两条船).
    pub fn find(&self, ix: &TextIndex, lexicon: &Lexicon) -> Vec<Quantity> {
        let chars = &ix.chars;
        // 每1万居民, 每100名学生, 每上万人: the base of a rate, no count of anything the text
        // reports (an analyst summing counts would add it in).
        let rate_base = |q: &Quantity| q.kind == "count" && q.start > 0 && chars[q.start as usize - 1] == '每';
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !self.starts.contains(&c) {
                i += 1;
                continue;
            }
            let arabic = c.is_ascii_digit();
            // Not the middle of a code, a decimal or a time (6:00起 is no count of 起), nor an
            // ordinal (第23分钟 is a moment of the match, 第12轮 a round, not amounts).
            if i > 0
                && (chars[i - 1].is_ascii_alphanumeric()
                    || matches!(chars[i - 1], '.' | '·')
                    || chars[i - 1] == ':' && i > 1 && chars[i - 2].is_ascii_digit())
            {
                i += 1;
                continue;
            }
            if c == '百' && ix.at(i, &PER_CENT) {
                if let Some((q, next)) = self.per_cent(ix, i) {
                    out.push(q);
                    i = next;
                    continue;
                }
            }
            // 数千名, 几十年, 上万人: an approximate amount, its round number the value.
            if matches!(c, '数' | '几' | '上') {
                let vague = chars.get(i + 1).is_some_and(|&n| match c {
                    '上' => matches!(n, '百' | '千' | '万' | '亿'),
                    _ => cn_unit(n).is_some(),
                });
                match vague.then(|| self.read(ix, lexicon, i + 1, false, Some(c))).flatten() {
                    Some((q, next)) if rate_base(&q) => i = next,
                    Some((q, next)) => {
                        out.push(paid(ix, q));
                        i = next;
                    }
                    None => i += 1,
                }
                continue;
            }
            if let Some((q, next)) = self.fraction(ix, i, arabic) {
                out.push(q);
                i = next;
                continue;
            }
            let ordinal = i > 0 && chars[i - 1] == '第';
            let found = if ordinal { None } else { self.read(ix, lexicon, i, arabic, None) };
            match found {
                Some((q, next)) if rate_base(&q) => i = next,
                Some((q, next)) => {
                    let (q, next) = with_change(ix, q, next);
                    out.push(paid(ix, q));
                    i = next;
                }
                // Skip the rest of this number (all of 第四五位), its 十, 百, 万 too, up to
                // the next word: a number of its own may start there (周二/t 十万名).
                None => {
                    let numeral = |c: char| cn_digit(c).is_some() || cn_unit(c).is_some();
                    let run = chars[i..].iter().take_while(|&&c| numeral(c)).count();
                    if run > MAX_CN_NUMERAL {
                        i += run;
                        continue;
                    }
                    // A thousands separator as [`Units::number`] reads one (12,001), not a
                    // clause's comma (2/3,5年; 12345,678元).
                    let separator = |j: usize| {
                        chars[j] == ','
                            && (1..=3).contains(&chars[..j].iter().rev().take_while(|c| c.is_ascii_digit()).count())
                            && three_digits_at(chars, j + 1)
                    };
                    let mut j = i + 1;
                    while j < chars.len()
                        && (chars[j].is_ascii_digit()
                            || matches!(chars[j], '.' | '·')
                            || separator(j)
                            || cn_digit(chars[j]).is_some()
                            || cn_unit(chars[j]).is_some() && (ordinal || !ix.is_token_start(j)))
                    {
                        j += 1;
                    }
                    i = j;
                }
            }
        }
        out
    }

    /// A number starting at `i` (Arabic when `arabic`); returns it, the upper end of an
    /// approximate Chinese numeral (五六个 is 5 to 6, 六七十 60 to 70), and where it ends.
    fn number(ix: &TextIndex, i: usize, arabic: bool) -> Option<(Num, Option<Num>, usize)> {
        let chars = &ix.chars;
        let mut j = i;
        if arabic {
            let mut digits: u128 = 0;
            let mut dec: Option<u32> = None;
            // Digits since the start or the last thousands separator; `grouped` once one is seen.
            let (mut group, mut grouped) = (0usize, false);
            while j < chars.len() {
                let c = chars[j];
                if let Some(d) = c.to_digit(10) {
                    digits = digits.checked_mul(10)?.checked_add(d as u128)?;
                    group += 1;
                    if let Some(n) = dec.as_mut() {
                        *n += 1;
                    }
                } else if matches!(c, '.' | '·')
                    && dec.is_none()
                    && j > i
                    && chars.get(j + 1).is_some_and(|d| d.is_ascii_digit())
                {
                    // The People's Daily of the 1990s printed the decimal point as a middle
                    // dot (17·2%, 1·062亿桶).
                    dec = Some(0);
                } else if c == ','
                    && dec.is_none()
                    && (if grouped { group == 3 } else { (1..=3).contains(&group) })
                    && three_digits_at(chars, j + 1)
                {
                    // A thousands separator (4,180万瓩, 1,234.5万元): the clean stage folds the
                    // full-width comma to this one too, but a clause does not go on with three
                    // digits and no more, and a number cut there read 4,180万 as 180万.
                    (group, grouped) = (0, true);
                } else {
                    break;
                }
                j += 1;
            }
            (j > i).then_some((Num { mantissa: digits, decimals: dec.unwrap_or(0), cn: None }, None, j))
        } else {
            // Half a year, half a day (半年, 半天): the caller asks for a duration after it.
            if chars[i] == '半' {
                return Some((Num { mantissa: 5, decimals: 1, cn: None }, None, i + 1));
            }
            // Not the 千 of 千瓦 ([`KILOWATT`]: 百万千瓦, 三十万千瓦).
            while j < chars.len()
                && j - i <= MAX_CN_NUMERAL
                && (cn_digit(chars[j]).is_some() || cn_unit(chars[j]).is_some())
                && !(j > i && ix.at(j, &KILOWATT))
            {
                j += 1;
            }
            if j == i || j - i > MAX_CN_NUMERAL {
                return None;
            }
            let run = &chars[i..j];
            // 千百年来, 百十号人, 百千万人才: hundreds and thousands as a figure of speech, no
            // number (一百十五 is 115); nor a multiplier doubled at the start (千千万万, 万万千千: countless).
            if matches!(run, ['千', '百' | '十', ..] | ['百', '十' | '千', ..])
                || matches!(run, [a, b, ..] if a == b && cn_unit(*a).is_some())
            {
                return None;
            }
            // Two digits side by side, neither a pair (五六, 三五) nor spelt digit by digit
            // (一九九七), nor 零 before a digit (一百零五): a name, a date or a season (五一,
            // 三八, 九七年, 三九天), no number.
            let loose = run.windows(2).any(|w| {
                cn_digit(w[0]).is_some_and(|a| a != 0) && cn_digit(w[1]).is_some() && !approximate_pair(w[0], w[1])
            });
            if loose && !spelt_digits(run) {
                return None;
            }
            // 二百二十五点九: the digits after 点 are decimals, read one by one.
            let frac_end = if chars.get(j) == Some(&'点') {
                (j + 1..chars.len()).find(|&k| cn_digit(chars[k]).is_none()).unwrap_or(chars.len())
            } else {
                j
            };
            if frac_end > j + 1 {
                let whole = parse_chinese(run)?;
                let frac = &chars[j + 1..frac_end];
                let mut mantissa = u128::from(whole);
                for &c in frac {
                    mantissa = mantissa.checked_mul(10)?.checked_add(u128::from(cn_digit(c)?))?;
                }
                let num = Num { mantissa, decimals: frac.len() as u32, cn: None };
                return Some((num, None, frac_end));
            }
            // Two neighbouring digits, the second one more (两三, 五六, 六七十, 十五六), make an
            // approximate number: the run without the second digit is its lower end, without
            // the first its upper end. A run of bare digits (一九九七) is read as written.
            let spelt = spelt_digits(run);
            let pair = (0..run.len().saturating_sub(1)).find(|&k| approximate_pair(run[k], run[k + 1]));
            if let Some(k) = pair.filter(|_| !spelt) {
                let without = |drop: usize| -> Option<u64> {
                    let rest: Vec<char> = run.iter().enumerate().filter(|&(n, _)| n != drop).map(|(_, &c)| c).collect();
                    parse_chinese(&rest)
                };
                let (a, b) = (without(k + 1)?, without(k)?);
                let (low, high) = (a.min(b), a.max(b));
                let cn = |v| Num { mantissa: 0, decimals: 0, cn: Some(v) };
                return Some((cn(low), Some(cn(high)), j));
            }
            let v = parse_chinese(run)?;
            Some((Num { mantissa: 0, decimals: 0, cn: Some(v) }, None, j))
        }
    }

    /// The longest multiplier (万, 亿, 万亿 …) spelled at char `j`: its length and factor.
    /// Not the 千 of 千瓦 ([`KILOWATT`]: 5千瓦 is five kilowatts).
    fn multiplier_at(&self, ix: &TextIndex, j: usize) -> Option<(usize, f64)> {
        if ix.at(j, &KILOWATT) {
            return None;
        }
        self.multipliers.iter().find(|(w, _)| ix.at(j, w)).map(|(w, m)| (w.len(), *m))
    }

    /// The duration written 个 + word (个月, 个小时) whose word stands after the 个半 or 个多
    /// at `j` (两个半月, 一个多月: 个月), not followed by one of its `[not_before]` words.
    fn duration_after_inner(&self, ix: &TextIndex, j: usize) -> Option<&Unit> {
        self.by_first.get(&'个')?.iter().map(|&k| &self.units[k]).find(|u| {
            u.kind == "duration"
                && u.word.len() > 1
                && ix.at(j + 2, &u.word[1..])
                && u.ends_at(ix, j + 1 + u.word.len())
        })
    }

    /// The longest unit spelled at char `j` and not followed by one of its `[not_before]`
    /// words (else a shorter one, if any).
    fn unit_at(&self, ix: &TextIndex, j: usize) -> Option<&Unit> {
        let candidates = self.by_first.get(ix.chars.get(j)?)?;
        candidates.iter().map(|&k| &self.units[k]).find(|u| ix.at(j, &u.word) && u.ends_at(ix, j + u.word.len()))
    }

    /// The longest qualifier written right before char `i`, and whether it is one the
    /// quantity's text includes (近): 将近半年 is qualified by 将近, not by the 近 it ends with.
    fn prefix_before(&self, ix: &TextIndex, i: usize) -> Option<(&[char], bool)> {
        let fits = |w: &&Vec<char>| i >= w.len() && ix.at(i - w.len(), w);
        let bound = self.bound_prefixes.iter().find(fits);
        let plain = self.prefixes.iter().find(fits);
        match (bound, plain) {
            (Some(b), Some(p)) if p.len() > b.len() => Some((p, false)),
            (Some(b), _) => Some((b, true)),
            (None, Some(p)) => Some((p, false)),
            (None, None) => None,
        }
    }

    /// A fraction starting at `i`, as a share in per cent like 百分之 and 成: 三分之一 (33.3%),
    /// 四分之三, 2/3. The slash only between one-digit and two-digit numbers, the top the
    /// smaller, nothing numeric or a slash on either side: not a date (2024/1/3), a page
    /// (12/40), nor a round (1/4决赛).
    fn fraction(&self, ix: &TextIndex, i: usize, arabic: bool) -> Option<(Quantity, usize)> {
        let chars = &ix.chars;
        // Asked at every number: first the cheap look for a slash or 分之 after it.
        if arabic {
            if chars.get(i + 1) != Some(&'/') {
                return None;
            }
        } else {
            let run = chars[i..]
                .iter()
                .take(MAX_CN_NUMERAL + 1)
                .take_while(|&&c| cn_digit(c).is_some() || cn_unit(c).is_some())
                .count();
            if chars.get(i + run..i + run + 2) != Some(&['分', '之']) {
                return None;
            }
        }
        let unit = self.units.iter().find(|u| u.word == ['%'])?;
        let (below, above, end) = if arabic {
            // One digit, then the slash (looked for above).
            let slash = i + 1;
            if i > 0 && chars[i - 1] == '/' {
                return None;
            }
            let m = chars[slash + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let end = slash + 1 + m;
            let next_numeric =
                chars.get(end).is_some_and(|&c| c == '/' || c == '.' || c.is_alphanumeric() && !super::is_han(c));
            if !(1..=2).contains(&m) || next_numeric {
                return None;
            }
            let top: f64 = ix.slice(i, slash).parse().ok()?;
            let bottom: f64 = ix.slice(slash + 1, end).parse().ok()?;
            (bottom, top, end)
        } else {
            let (bottom, None, at) = Self::number(ix, i, false)? else { return None };
            if chars.get(at..at + 2) != Some(&['分', '之']) {
                return None;
            }
            let (top, None, end) = Self::number(ix, at + 2, false)? else { return None };
            (bottom.times(1.0), top.times(1.0), end)
        };
        // 1/4决赛, 八分之一决赛: a round of a tournament, no share; nor the part of a mixed
        // number (一又四分之三子), nor a vague one (几十分之一).
        if !(below >= 2.0 && above >= 1.0 && above < below)
            || ix.at_str(end, "决赛")
            || i > 0 && matches!(chars[i - 1], '又' | '几' | '数')
        {
            return None;
        }
        Some(self.share(ix, i, end, above / below * 100.0, None, unit))
    }

    /// A percentage written out (百分之五十, 百分之三十五点六, 百分之百) starting at `i`.
    fn per_cent(&self, ix: &TextIndex, i: usize) -> Option<(Quantity, usize)> {
        let unit = self.units.iter().find(|u| u.word == ['%'])?;
        let at = i + PER_CENT.len();
        let arabic = ix.chars.get(at)?.is_ascii_digit();
        // 三百分之一 is a fraction of 300, not per cent.
        if i > 0 && (cn_digit(ix.chars[i - 1]).is_some() || ix.chars[i - 1].is_ascii_digit()) {
            return None;
        }
        let (n, upper, end) = Self::number(ix, at, arabic)?;
        if ix.chars[at] == '半' {
            return None;
        }
        Some(self.share(ix, i, end, n.times(unit.factor), upper.map(|u| u.times(unit.factor)), unit))
    }

    /// A share from `i` to `end` (per cent written out, a fraction), its text taking in a
    /// qualifier before it that is bound to it (近三分之一), and its qualifier any after it
    /// (以上).
    fn share(
        &self,
        ix: &TextIndex,
        i: usize,
        end: usize,
        value: f64,
        value_max: Option<f64>,
        unit: &Unit,
    ) -> (Quantity, usize) {
        let mut qualifier = None;
        let mut start = i;
        if let Some((w, bound)) = self.prefix_before(ix, i) {
            if bound {
                start = i - w.len();
            }
            qualifier = Some(w.iter().collect::<String>());
        }
        if let Some(w) = self.suffixes.iter().find(|w| ix.at(end, w)) {
            qualifier.get_or_insert_with(|| w.iter().collect());
        }
        let q = Quantity {
            sentence_idx: ix.sentence_of(start),
            text: ix.slice(start, end).to_string(),
            value,
            value_max,
            unit: unit.base.clone(),
            kind: unit.kind,
            qualifier,
            object: None,
            start: start as u32,
            end: end as u32,
        };
        (q, end)
    }

    /// Reads one quantity whose number starts at `i`; returns it and where to go on.
    /// `vague` is the character before the number that makes it approximate (数千名, 几十年,
    /// 上万人): it opens the quantity's text and is its qualifier.
    fn read(
        &self,
        ix: &TextIndex,
        lexicon: &Lexicon,
        i: usize,
        arabic: bool,
        vague: Option<char>,
    ) -> Option<(Quantity, usize)> {
        let chars = &ix.chars;
        // A numeral inside a longer word (统一, 万一, 一心一意) is not a number.
        // A word jieba makes of a qualifier and the number (近两年, 将近半年) starts at the
        // qualifier.
        let opens = if vague.is_some() { i - 1 } else { i };
        let starts_word = |p: usize| ix.is_token_start(p);
        let prefixed = || {
            self.bound_prefixes
                .iter()
                .chain(&self.prefixes)
                .any(|w| i >= w.len() && ix.at(i - w.len(), w) && starts_word(i - w.len()))
        };
        // A digit jieba joins to the word before, its multiplier the next word (达六/nrt
        // 万多人次/m): the number is the two together. Not a weekday's or a date's digit
        // (周二/t 十万名: 100,000).
        let split = || {
            vague.is_none()
                && cn_digit(chars[i]).is_some()
                && ix.token(i).is_some_and(|t| t.pos != "t")
                && chars.get(i + 1).is_some_and(|&c| cn_unit(c).is_some())
                && ix.is_token_start(i + 1)
                && ix.token(i + 1).is_some_and(|t| t.pos == "m")
        };
        if !(arabic || starts_word(opens) || vague.is_none() && prefixed() || split()) {
            return None;
        }
        let (first, approximate, mut j) = Self::number(ix, i, arabic)?;
        let first_end = j;
        let (mantissa, decimals, cn_value) = (first.mantissa, first.decimals, first.cn);
        let half = !arabic && chars[i] == '半';
        // 万 alone (万人大会, 惠泽万家) is a figure of speech, unless a qualifier makes it an
        // amount (近万人, 上万人).
        let bare_wan = !arabic && first_end == i + 1 && chars[i] == '万' && vague.is_none();
        // A range shares its multiplier and unit: 3至5年, 10-20万元, 10—15%.
        let mut upper: Option<Num> = approximate;
        if let Some(&c) = chars.get(j) {
            if is_range_mark(c) && chars.get(j + 1).is_some_and(|&d| d.is_ascii_digit() == arabic) {
                if let Some((second, _, k)) = Self::number(ix, j + 1, arabic) {
                    upper = Some(second);
                    j = k;
                }
            }
        }
        // Multiplier and inner qualifier come in either order: 3.5万余名, 140余万元.
        let mut mult = 1.0;
        let mut qualifier: Option<String> = None;
        // Digits after 点 make a Chinese numeral a decimal, which takes a multiplier as
        // Arabic digits do (二十二点八万元).
        let takes_multiplier = arabic || (cn_value.is_none() && !half);
        for _ in 0..2 {
            // After an inner qualifier a Chinese numeral takes one too (二千多万元).
            if (takes_multiplier || qualifier.is_some()) && mult == 1.0 {
                if let Some((len, m)) = self.multiplier_at(ix, j) {
                    mult = m;
                    j += len;
                    continue;
                }
            }
            if qualifier.is_none() {
                if let Some(w) = self.inner.iter().find(|w| ix.at(j, w)) {
                    qualifier = Some(w.iter().collect());
                    j += w.len();
                }
            }
        }
        // A range shares its multiplier (3至5万元: 30,000 to 50,000) unless, shared, it would
        // run downward while the first end as written is below the second and within a
        // thousandfold of it: 月薪8000至1.2万元 is 8,000 to 12,000 and 罚款200至5万元 200 to
        // 50,000, not 80 million or 2 million down (and 5至3万 is no range either way). Not a
        // year before a dash (1998—2万人参加: the year, then 20,000).
        let mut first_mult = mult;
        if let Some(u) = upper.filter(|_| mult > 1.0) {
            let high = u.times(mult);
            let year = arabic
                && first_end - i == 4
                && first.decimals == 0
                && (1900..=2100).contains(&first.mantissa)
                && matches!(chars[first_end], '-' | '–' | '—');
            if first.times(mult) > high && first.times(1.0) < high && first.times(1000.0) >= high && !year {
                first_mult = 1.0;
            }
        }
        // A range whose ends each carry the multiplier, the unit written once (3万至5万元).
        let mut upper_mult = mult;
        if upper.is_none() && mult > 1.0 && chars.get(j).is_some_and(|&c| is_range_mark(c)) {
            if let Some((second, None, k)) =
                chars.get(j + 1).filter(|d| d.is_ascii_digit() == arabic).and_then(|_| Self::number(ix, j + 1, arabic))
            {
                if let Some((len, m)) = self.multiplier_at(ix, k) {
                    upper = Some(second);
                    upper_mult = m;
                    j = k + len;
                }
            }
        }
        // A second number with a smaller multiplier right after the first one's is the rest
        // of one amount (1亿2000万元, Taiwan's 3兆0350亿元), not an amount of its own; so is
        // one of as many whole digits as the multiplier has noughts (1万2000元 is 12,000).
        let mut rest: Option<(Num, f64)> = None;
        if arabic && mult >= 10_000.0 && upper.is_none() && chars.get(j).is_some_and(char::is_ascii_digit) {
            if let Some((second, None, k)) = Self::number(ix, j, true) {
                if let Some((w, m)) = self.multipliers.iter().find(|(w, m)| *m < mult && ix.at(k, w)) {
                    rest = Some((second, *m));
                    j = k + w.len();
                } else if second.decimals == 0 && 10f64.powi((k - j) as i32) == mult {
                    rest = Some((second, 1.0));
                    j = k;
                }
            }
        }
        // 两个半小时, 一个半月: the half between the measure word and a duration (2.5 小时),
        // read as the duration written without it (个小时, 个月), one character further on;
        // and so 多 there (1个多小时, 两个多星期: more than an hour, more than two weeks).
        let halved = (!half && ix.at(j, &['个', '半'])).then(|| self.duration_after_inner(ix, j)).flatten();
        let inner_half = halved.is_some();
        let more = (halved.is_none() && !half && qualifier.is_none() && ix.at(j, &['个', '多']))
            .then(|| self.duration_after_inner(ix, j))
            .flatten();
        if more.is_some() {
            qualifier = Some("多".to_string());
        }
        let halved = halved.or(more);
        // Whether the half is the upper end's (三至四个半月) or the only number's.
        let half_of_upper = upper.is_some();
        let unit = match halved {
            Some(u) => {
                j += 1;
                u
            }
            // A counter that begins a noun is none (20余万成人: 成人, not 成).
            None => match self.unit_at(ix, j).filter(|u| {
                !(matches!(u.word.as_slice(), [c] if WORD_ENDING_UNITS.contains(c))
                    && ix.token(j).is_some_and(|t| t.start as usize == j && t.len >= 2 && t.pos == "n"))
            }) {
                Some(u) => u,
                // 563万贫困人口, 三点二万农户: tens of thousands and more count the noun after
                // them with no measure word.
                None => {
                    let magnitude = mult >= 10_000.0 || !arabic && matches!(chars[first_end - 1], '万' | '亿');
                    if !magnitude || half {
                        return None;
                    }
                    let value = first.times(first_mult) + rest.map_or(0.0, |(n, m)| n.times(m));
                    let value_max = upper.map(|u| u.times(upper_mult));
                    return self.count_without_unit(ix, i, j, vague, qualifier, value, value_max);
                }
            },
        };
        let mut unit_end = j + unit.word.len();
        // 半年, 半天: a duration, a word of its own (not 半年报, a half-year report).
        if half && (unit.kind != "duration" || !ix.is_token_end(j + unit.word.len())) {
            return None;
        }
        // The unit written twice, on both ends of a range (30%—40%, 10元至20元, 5级—6级).
        if upper.is_none() && chars.get(unit_end).is_some_and(|&c| is_range_mark(c)) {
            let k = unit_end + 1;
            if chars.get(k).is_some_and(|&d| d.is_ascii_digit() == arabic && self.starts.contains(&d)) {
                if let Some((second, None, mut e)) = Self::number(ix, k, arabic) {
                    let mut m2 = 1.0;
                    if takes_multiplier {
                        if let Some((len, m)) = self.multiplier_at(ix, e) {
                            m2 = m;
                            e += len;
                        }
                    }
                    // The same unit, not a longer one that starts with it (一个至两个百分点:
                    // 个百分点, not 个).
                    if self.unit_at(ix, e).is_some_and(|u| std::ptr::eq(u, unit)) {
                        upper = Some(second);
                        upper_mult = m2;
                        unit_end = e + unit.word.len();
                    }
                }
            }
        }
        // Two and a half years (两年半, 4天半).
        let trailing_half = unit.kind == "duration" && !half && chars.get(unit_end) == Some(&'半');
        if trailing_half {
            unit_end += 1;
        }
        let and_half = trailing_half || inner_half;
        if !self.unit_reads_as_one(ix, unit, i, unit_end, arabic, &first) {
            return None;
        }
        // 2021年 is a year; 9月 and 14日 are dates.
        if unit.kind == "duration" && arabic && decimals == 0 && (1900..=2100).contains(&mantissa) && first_end - i == 4
        {
            return None;
        }
        if unit.word == ['年'] {
            let next = chars.get(unit_end).copied();
            // 80年代, 九十年代: a decade.
            let decade = next == Some('代');
            // 一九九七年: Chinese digits one by one, as years are read, not a count.
            let spelt_year = !arabic && spelt_digits(&chars[i..first_end]);
            // 1453年5月: a year with its month after it.
            let dated = arabic && first_end - i == 4 && next.is_some_and(|c| c.is_ascii_digit());
            // 2024年度, Taiwan's 115年度 (the Republic's year): a fiscal year, no count.
            let fiscal = next == Some('度');
            if decade || spelt_year || dated || fiscal {
                return None;
            }
        }
        let cue = || {
            self.duration_before.iter().any(|w| i >= w.len() && ix.at(i - w.len(), w))
                || self.duration_after.iter().any(|w| ix.at(unit_end, w))
        };
        if (unit.word == ['日'] || self.cue_words.iter().any(|w| w[..] == chars[i..unit_end])) && !cue() {
            return None;
        }
        // 一个党组织: the article, not a count. A range from one up is a count (一至三省, 一两个);
        // not one to one (一个至一个半小时, where 个 is the hours'), nor 一二类, a pair of
        // labels (classes one and two). 一块 before its small change is money (一块五毛钱).
        let labels = approximate.is_some() && chars[first_end - 1] == '二';
        let from_one = upper.is_some_and(|u| u.times(1.0) > 1.0) && !labels;
        let priced = || unit.word == ['块'] && change_at(ix, unit_end).is_some();
        if !arabic && cn_value == Some(1) && qualifier.is_none() && !from_one && unit.kind == "count" && !priced() {
            return None;
        }
        // 这一天, 前一年, 每一天, 一年级, 一年比一年: a day or a year named, not counted.
        if !arabic && cn_value == Some(1) && unit.kind == "duration" {
            let before = (i > 0).then(|| ix.token(i - 1)).flatten().filter(|t| (t.start + t.len) as usize == i);
            let named = i > 0 && matches!(chars[i - 1], '这' | '那' | '头' | '同' | '当' | '另' | '每')
                || before.is_some_and(|t| {
                    matches!(ix.doc.token_text(t), "前" | "后" | "上" | "下" | "比" | "比前" | "比上" | "最后")
                });
            if named || ix.at(unit_end, &['比', '一']) {
                return None;
            }
        }
        // 一年级, 六年级, 3年级: a school grade.
        if unit.word == ['年'] && chars.get(unit_end) == Some(&'级') {
            return None;
        }
        // Numerals inside an idiom (三心二意/i), or inside a word with numerals of its own
        // (千家万户/l, 一年四季/t); a set phrase holds the quantity only as a time up to now
        // (近两年来/l, 一年多来/l) or with 两 (两国关系/l, 两国之间/l), not as a figure of
        // speech (百年大计/l, 一年到头/l, 十年动乱/l).
        if !arabic {
            if let Some(t) = ix.token(i) {
                let end = (t.start + t.len) as usize;
                let numeral = |c: &char| cn_digit(*c).is_some() || cn_unit(*c).is_some();
                let another = || ix.chars.get(unit_end..end).is_some_and(|r| r.iter().any(numeral));
                let counts = || chars[end - 1] == '来' || chars[i] == '两';
                if t.len >= 4 && (t.pos == "i" || another() || t.pos == "l" && !counts()) {
                    return None;
                }
                // A name of a thing in jieba's dictionary that begins with the numeral and its
                // unit: a proper name or an abbreviation (四人帮/j, 五台县/ns, 八国联军/nt), or a
                // noun the dictionary counts as a word of its own (三轮车/n, 五年计划/n). Not the
                // counts and ages it lists at its floor frequency (十辆车/n, 八岁时/n, 三代人/nz),
                // nor a count and its noun that the HMM joined, nor 两 and its noun (两国人民/n).
                let named = || match lexicon.word_info(ix.doc.token_text(t)) {
                    Some(_) if matches!(t.pos, "j" | "ns" | "nt") => true,
                    Some((_, freq)) => matches!(t.pos, "n" | "nz") && freq >= LEXICAL_FREQ,
                    None => false,
                };
                if t.start as usize == i && end > unit_end && chars[i] != '两' && named() {
                    return None;
                }
            }
        }
        // 一年多, 一天多的降雪, 两年多才建成: 多 after the unit, where the amount ends with it
        // (punctuation, 的, 来, 以 of 以来 and 以上, 前, 后, 时, 才, 就, 了 after it), is the amount's qualifier
        // and in its text, as between number and unit (13万多亩). Not 多 that starts what
        // follows (三天多阵雨, 两国多领域, 一天多喝水, 多云, 多次).
        if qualifier.is_none()
            && chars.get(unit_end) == Some(&'多')
            && chars.get(unit_end + 1).is_none_or(|&c| {
                matches!(c, '的' | '来' | '以' | '前' | '后' | '时' | '才' | '就' | '了')
                    || !super::is_han(c) && !c.is_alphanumeric()
            })
        {
            qualifier = Some("多".to_string());
            unit_end += 1;
        }
        let (mut start, mut qualifier) = self.opening(ix, i, vague, qualifier);
        let mut after = unit_end;
        if let Some(w) = self.suffixes.iter().find(|w| ix.at(unit_end, w)) {
            qualifier.get_or_insert_with(|| w.iter().collect());
            after += w.len();
        }
        if bare_wan && qualifier.is_none() {
            return None;
        }
        let mut value = first.times(first_mult * unit.factor) + rest.map_or(0.0, |(n, m)| n.times(m * unit.factor));
        let mut value_max = upper.map(|u| u.times(upper_mult * unit.factor));
        if value.max(value_max.unwrap_or(0.0)) > unit.at_most {
            return None;
        }
        // The half belongs to the end it is written after (3至4年半: 3 to 4.5; 三个半月至四个月:
        // 3.5 to 4).
        if and_half {
            match value_max.as_mut() {
                Some(m) if !inner_half || half_of_upper => *m += 0.5 * unit.factor,
                _ => value += 0.5 * unit.factor,
            }
        }
        // Below zero (零下20摄氏度, -5℃).
        if unit.base == "℃" {
            // 零下 puts the whole range below zero (零下5至10摄氏度: -10 to -5); a minus sign
            // only its first end (-5~3℃: -5 to 3).
            if start >= 2 && ix.at(start - 2, &['零', '下']) {
                start -= 2;
                match value_max {
                    Some(m) => (value, value_max) = (-m, Some(-value)),
                    None => value = -value,
                }
            } else if start == i && i > 0 && chars[i - 1] == '-' && !(i > 1 && chars[i - 2].is_ascii_digit()) {
                start = i - 1;
                value = -value;
            }
        }
        // A range runs upward once its signs are read (-5~3℃ does); a pair that runs down
        // (比分3-1, 3至2年, 零下10至5摄氏度) is no range.
        if value_max.is_some_and(|m| m < value) {
            return None;
        }
        let object = if unit.kind == "count" { counted_object(ix, after) } else { None };
        Some((
            Quantity {
                sentence_idx: ix.sentence_of(start),
                text: ix.slice(start, unit_end).to_string(),
                value,
                value_max,
                unit: unit.base.clone(),
                // 三点意见 counts points; 554点 is an index's.
                kind: if unit.word == ['点'] && !arabic { "count" } else { unit.kind },
                qualifier,
                object,
                start: start as u32,
                end: unit_end as u32,
            },
            unit_end,
        ))
    }
}

/// Nouns of money: after a large number with no unit, the amount's unit left out.
const MONEY_NOUNS: [&str; 20] = [
    "资金", "款", "贷款", "资产", "债务", "经费", "投资", "税", "利润", "产值", "收入", "大钞", "巨资", "存款", "外汇",
    "现金", "资本", "基金", "捐款", "费",
];

impl Units {
    /// Where a quantity whose number starts at `i` begins, and its qualifier: the vague word
    /// before it (数万), else a qualifier written before it, inside the text when bound (近3万)
    /// and the qualifier in any case unless `inner` (the one between number and unit) is one.
    fn opening(&self, ix: &TextIndex, i: usize, vague: Option<char>, inner: Option<String>) -> (usize, Option<String>) {
        match vague {
            Some(v) => (i - 1, Some(v.to_string())),
            None => match self.prefix_before(ix, i) {
                Some((w, true)) => (i - w.len(), Some(w.iter().collect())),
                Some((w, false)) => (i, inner.or_else(|| Some(w.iter().collect()))),
                None => (i, inner),
            },
        }
    }

    /// A count of the noun right after a number of tens of thousands or more that has no
    /// measure word (563万贫困人口, 三点二万农户, 20余万成人, 数万群众): the unit is empty, the
    /// noun its object. Chinese leaves the measure word out before large round numbers, and
    /// such counts (of people, households, workers) are what the reports add up. Not a
    /// number that starts with its multiplier, a figure of speech without a qualifier (百万
    /// 农民, 千万农家女, 万人心), and only before a common noun of two characters or more that
    /// starts a word: not a name (900万天津人民), a time or a fragment of a word.
    #[allow(clippy::too_many_arguments)]
    fn count_without_unit(
        &self,
        ix: &TextIndex,
        i: usize,
        end: usize,
        vague: Option<char>,
        qualifier: Option<String>,
        value: f64,
        value_max: Option<f64>,
    ) -> Option<(Quantity, usize)> {
        let chars = &ix.chars;
        // Not a number that starts with its multiplier, nor none at all (0万农民), nor a pair
        // running down (5万至3万群众), as with a unit.
        if vague.is_none() && matches!(chars[i], '百' | '千' | '万' | '亿')
            || value < 1.0
            || value_max.is_some_and(|m| m < value)
        {
            return None;
        }
        // A multiplier written twice (八百百万大卡, a misprint) has no one reading; 万万 after a
        // digit is the older way of writing 亿 (四万万同胞).
        let doubled = |k: usize| {
            chars[k] == chars[k + 1]
                && cn_unit(chars[k]).is_some()
                && !(chars[k] == '万' && k > i && cn_digit(chars[k - 1]).is_some())
        };
        if (i..end.saturating_sub(1)).any(doubled) {
            return None;
        }
        let noun = ix.token(end).filter(|t| t.start as usize == end && t.pos == "n" && t.len >= 2)?;
        // An amount of money with its unit left out (300万资金, 7000万债务) is no count of the
        // noun, and which currency it is the text does not say.
        if MONEY_NOUNS.iter().any(|m| ix.doc.token_text(noun).ends_with(m)) {
            return None;
        }
        let object = counted_object(ix, end);
        let (start, qualifier) = self.opening(ix, i, vague, qualifier);
        Some((
            Quantity {
                sentence_idx: ix.sentence_of(start),
                text: ix.slice(start, end).to_string(),
                value,
                value_max,
                unit: String::new(),
                kind: "count",
                qualifier,
                object,
                start: start as u32,
                end: end as u32,
            },
            end,
        ))
    }
}

/// The small change written right after a whole amount of 元 or 块 ending at `p`: tenths
/// (五角, 五毛, 零五毛), or none written as 零 before the cents (十块零五分), then the cents if
/// any (二分), then 钱 if written; after 块, tenths may stand alone as spoken prices write
/// them (两块五, 一块二). Returns its value in 元 and where it ends: the longest of those
/// readings that ends jieba's word (5块5角2分钟 is 5.5 元 and two minutes). 角 and 毛 without
/// 钱 are money only here (alone they are angles, corners and hair), and only where jieba's
/// word ends with them (not 五角星).
fn change_at(ix: &TextIndex, p: usize) -> Option<(f64, usize)> {
    let chars = &ix.chars;
    let digit = |p: usize| {
        chars.get(p).and_then(|&c| if c.is_ascii_digit() { c.to_digit(10).map(u64::from) } else { cn_digit(c) })
    };
    let tenths_at = |p: usize| digit(p).filter(|_| matches!(chars.get(p + 1), Some('角' | '毛')));
    let zero = digit(p) == Some(0);
    // Each reading as (value, end), shortest first.
    let mut readings: Vec<(f64, usize)> = Vec::with_capacity(4);
    if let Some(t) = tenths_at(p) {
        readings.push((t as f64 / 10.0, p + 2));
    } else if let Some(t) = tenths_at(p + 1).filter(|_| zero) {
        readings.push((t as f64 / 10.0, p + 3));
    } else if zero && digit(p + 1).is_some() && chars.get(p + 2) == Some(&'分') {
        readings.push((0.0, p + 1));
    } else if p > 0
        && chars[p - 1] == '块'
        && digit(p).is_some_and(|t| t > 0)
        && !chars.get(p + 1).is_some_and(|&c| c.is_ascii_digit() || cn_digit(c).is_some() || cn_unit(c).is_some())
    {
        // 两块五: the tenths alone, a word's end after them.
        return digit(p).filter(|_| ix.is_token_end(p + 1)).map(|t| (t as f64 / 10.0, p + 1));
    }
    let &(tenths, e) = readings.first()?;
    if let Some(cents) = digit(e).filter(|_| chars.get(e + 1) == Some(&'分')) {
        readings.push((tenths + cents as f64 / 100.0, e + 2));
    }
    let &(value, e) = readings.last().expect("invariant: one reading");
    if chars.get(e) == Some(&'钱') {
        readings.push((value, e + 1));
    }
    readings.into_iter().rev().find(|&(_, e)| ix.is_token_end(e))
}

/// A whole amount of 元 or 块 and the small change written after it (五元五角, 两块五毛钱,
/// 3元5角2分, 十块零五分) as one amount of money, as a price is one: 两块五毛钱 is 2.5 元, not
/// 2 元 and 0.5 元 (nor two pieces). `end` is where `q` ends; returns the amount and where
/// it ends now, or both unchanged.
fn with_change(ix: &TextIndex, q: Quantity, end: usize) -> (Quantity, usize) {
    let chars = &ix.chars;
    // Whole 元 or 块 right after a number: no range, no 万元 (5万元5角 is no price).
    let whole = (q.kind == "money" && q.unit == "元" || q.unit == "块")
        && q.value_max.is_none()
        && q.value.fract() == 0.0
        && q.value < 1e4
        && end >= 2
        && matches!(chars[end - 1], '元' | '块')
        && (chars[end - 2].is_ascii_digit()
            || cn_digit(chars[end - 2]).is_some()
            || cn_unit(chars[end - 2]).is_some_and(|u| u < 10_000));
    let Some((change, e)) = whole.then(|| change_at(ix, end)).flatten() else {
        return (q, end);
    };
    // Sums of tenths in binary floating point (2 + 0.5 + 0.03) are rounded to the cent.
    let value = ((q.value + change) * 100.0).round() / 100.0;
    let start = q.start as usize;
    let money = Quantity {
        text: ix.slice(start, e).to_string(),
        value,
        unit: "元".to_string(),
        kind: "money",
        object: None,
        end: e as u32,
        ..q
    };
    (money, e)
}

/// Verbs of paying and earning (花了25块, 多挣几百块): a count of 块 right after one, with
/// nothing counted after it, is 元, as 块钱 is.
const PAYING: CharList = chars!("花挣赚付赔罚欠");

/// `q` as 元 when it counts 块 after a verb of paying ([`PAYING`], 了 between them or not)
/// and nothing counted follows; else `q` unchanged.
fn paid(ix: &TextIndex, q: Quantity) -> Quantity {
    if q.unit != "块" || q.object.is_some() {
        return q;
    }
    let mut b = q.start as usize;
    if b > 0 && ix.chars[b - 1] == '了' {
        b -= 1;
    }
    if b == 0 || !PAYING.contains(ix.chars[b - 1]) || !ix.is_token_end(b) {
        return q;
    }
    Quantity { unit: "元".to_string(), kind: "money", ..q }
}

/// 百分之: per cent, written out before its number.
const PER_CENT: [char; 3] = ['百', '分', '之'];

/// What a count of points names (三点意见, 主要有两点:): a Chinese numeral's 点 is a count
/// only before one of these, else a time or a decimal point.
const POINTS: [&str; 18] = [
    "意见", "建议", "希望", "要求", "启示", "体会", "经验", "做法", "看法", "理由", "原因", "主张", "意义", "措施",
    "共识", "认识", ":", "：",
];

/// What follows a numbered congress, plenum or committee (八届人大, 十四届三中全会, 十五届中央委员会).
const SESSION_NAMES: [&str; 20] = [
    "人大",
    "全国人大",
    "政协",
    "全国政协",
    "中央",
    "三中",
    "一中",
    "二中",
    "四中",
    "五中",
    "六中",
    "七中",
    "全会",
    "亚运会",
    "奥运会",
    "全运会",
    "冬奥会",
    "运动会",
    "代表大会",
    "党代会",
];

/// Counters of one character that begin longer words (三门峡, 二本, 成人, 天津): one of them is
/// a unit only where jieba's word ends with it.
const WORD_ENDING_UNITS: [char; 9] = ['门', '本', '代', '张', '对', '成', '番', '卷', '天'];

impl Units {
    /// Whether a unit some readings share with other words reads as the unit here: a
    /// counter that begins other words ends jieba's word ([`WORD_ENDING_UNITS`]: 三成, not
    /// 成人), 对 is no pair before a number (1对1帮扶), 点 counts points only before what
    /// they name ([`POINTS`]) or, in figures, is an index's points with decimals or above 24
    /// (7908.25点, 554点; 8点 is a time), 届 is no numbered session, 级 a wind's or a quake's.
    fn unit_reads_as_one(&self, ix: &TextIndex, unit: &Unit, i: usize, unit_end: usize, arabic: bool, n: &Num) -> bool {
        let chars = &ix.chars;
        let word_after = |words: &[&str]| words.iter().any(|w| ix.at_str(unit_end, w));
        match unit.word.as_slice() {
            // Counters that begin other words: 三门峡, 二本, 8·12天津港, 成人, 成绩.
            [c] if WORD_ENDING_UNITS.contains(c) && !ix.is_token_end(unit_end) => false,
            ['对'] => !chars.get(unit_end).is_some_and(|&c| c.is_ascii_digit() || cn_digit(c).is_some()),
            ['点'] if !arabic => word_after(&POINTS),
            ['点'] => {
                (n.decimals > 0 || n.mantissa > 24)
                    && !chars.get(unit_end).is_some_and(|c| matches!(c, '钟' | '半' | '多' | '整'))
            }
            // 八届人大, 十四届三中全会, 十三届四次会议, 十一届亚运会: a numbered congress, session
            // or games, not a count of terms.
            ['届'] => {
                let session = chars.get(unit_end).is_some_and(|&c| cn_digit(c).is_some())
                    && chars.get(unit_end + 1) == Some(&'次');
                !session && !word_after(&SESSION_NAMES)
            }
            // 十三届四次会议, 全国人大五次会议: the session of a congress, not a count of times.
            ['次'] => {
                !(i > 0 && ix.chars[i - 1] == '届' || i >= 2 && (ix.at_str(i - 2, "人大") || ix.at_str(i - 2, "政协")))
            }
            // A wind's force or a quake's magnitude: the word after names the wind (偏北风,
            // 大风, 5至7级的偏北风) or the quake, or 风力, 里氏 or 震级 comes before; 一级风险,
            // 三级风景区 are no force.
            ['级'] => {
                let named = if chars.get(unit_end) == Some(&'的') { unit_end + 1 } else { unit_end };
                let wind = ix.token(named).filter(|t| t.start as usize == named).is_some_and(|t| {
                    let w = ix.doc.token_text(t);
                    w.ends_with('风') || matches!(w, "地震" | "强震" | "余震" | "大地震")
                });
                wind || ["风力", "里氏", "震级"].iter().any(|w| i >= 2 && ix.at_str(i - 2, w))
            }
            _ => true,
        }
    }
}

/// Nouns that name a measure or state of a thing (its balance, output, income, quality):
/// after a counted noun they begin what is said of it.
const MEASURE_NOUNS: [&str; 14] =
    ["余额", "资产", "收入", "产量", "产值", "总额", "数量", "程度", "情况", "质量", "比例", "规模", "水平", "效益"];

/// Longest run of nouns a counted object grows to (its first word may be longer).
const MAX_OBJECT_CHARS: usize = 12;

/// The counted object after a count's unit: the run of nouns that starts right there
/// (139个行政村, 340多个机关/企事业单位, 48名驻村/干部), no person's name, at most
/// [`MAX_OBJECT_CHARS`] characters.
fn counted_object(ix: &TextIndex, at: usize) -> Option<String> {
    let first = ix
        .token(at)
        .filter(|t| t.start as usize == at && (t.pos.starts_with('n') && t.pos != "nr" || t.pos == "vn"))?;
    // After the first word only nouns of two characters or more: a verbal noun there is
    // mostly the sentence's verb (领导人/高度/评价), one character mostly a function word
    // or a word's fragment (代表大会/时, 伟人/魂). 全部 and 全体, nouns to jieba, are the
    // sentence's adverbs there (8个贫困县/全部/脱贫).
    let more = |t: &Token| {
        t.len >= 2
            && t.pos.starts_with('n')
            && !matches!(t.pos, "nr" | "ng")
            && !matches!(ix.doc.token_text(t), "全部" | "全体")
    };
    let first_end = at + first.len as usize;
    let mut end = first_end;
    while let Some(t) = ix.token(end).filter(|t| t.start as usize == end && more(t)) {
        // A noun naming a measure of what was counted starts the sentence's subject, and the
        // words between belong to it (千户企业/存款/余额, 一万台钢琴/产量): the first word alone.
        if MEASURE_NOUNS.iter().any(|m| ix.doc.token_text(t).ends_with(m)) {
            end = first_end;
            break;
        }
        let next = end + t.len as usize;
        if next - at > MAX_OBJECT_CHARS {
            break;
        }
        end = next;
    }
    Some(ix.slice(at, end).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One over a whole number divides (exact decimals); any other factor multiplies.
    #[test]
    fn factors_below_one() {
        let n = |mantissa: u128, decimals: u32| Num { mantissa, decimals, cn: None };
        assert_eq!(n(3, 1).times(0.001), 0.0003);
        assert_eq!(n(4126, 1).times(0.001), 0.4126);
        assert_eq!(n(2, 0).times(0.5), 1.0);
        assert!((n(10, 0).times(0.0254) - 0.254).abs() < 1e-12);
        assert_eq!(n(665_185, 2).times(10_000.0), 66_518_500.0);
    }

    #[test]
    fn chinese_numerals() {
        let p = |s: &str| parse_chinese(&s.chars().collect::<Vec<_>>());
        assert_eq!(p("一千二百"), Some(1200));
        assert_eq!(p("两万"), Some(20000));
        assert_eq!(p("十五"), Some(15));
        assert_eq!(p("三"), Some(3));
        assert_eq!(p("万"), Some(10000));
        assert_eq!(p("一亿二千万"), Some(120_000_000));
        assert_eq!(p("十二万五千"), Some(125_000));
        assert_eq!(p("四万万"), Some(400_000_000));
        assert_eq!(p("零万"), Some(0));
        assert_eq!(p("四万万万"), None);
        assert_eq!(p("十万"), Some(100_000));
    }

    /// A `[not_before]` or `[at_most]` entry for no unit, or a ceiling below zero, is a
    /// config error naming the entry, not a rule that silently never applies.
    #[test]
    fn unit_rules_name_their_units() {
        let file = |extra: &str| {
            format!(
                "[units]\n\"国\" = [\"count\", \"国\", 1.0]\n[multipliers]\n[qualifiers]\nbound_prefixes = []\nprefixes = []\nsuffixes = []\ninner = []\n{extra}"
            )
        };
        assert!(Units::parse(&file("[not_before]\n\"国\" = [\"道\"]\n[at_most]\n\"国\" = 250\n")).is_ok());
        let err = |extra: &str| Units::parse(&file(extra)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err("[not_before]\n\"省\" = [\"长\"]\n").contains("not_before.省"));
        assert!(err("[at_most]\n\"国家\" = 10\n").contains("at_most.国家"));
        assert!(err("[at_most]\n\"国\" = -1.0\n").contains("at_most.国"));
    }
}
