//! Dates in the body, resolved against the publication date: 2021年下半年, 今年6月,
//! 截至9月底, 去年10月份, 2024年9月28日, and days: 13日, 昨天. Each becomes a range (start and end date) with its
//! granularity; `截至` (up to) leaves the start open. Relative expressions in a document
//! without a publication date keep their text and have no dates.

use chrono::{Datelike, NaiveDate};

use super::quantity::{cn_digit, cn_unit, parse_chinese};
use super::TextIndex;
use crate::document::DateMention;

/// 年, 月 and 季: every date holds one, and [`DateRules::starts`] scans near each.
const PERIOD_CHARS: [char; 3] = ['年', '月', '季'];

/// Where a day (日; 今, 昨, 前, 明: today, yesterday …) or an era (代, 世) may be named:
/// [`DateRules::starts`] collects them for [`days`] and [`eras`].
const DAY_CHARS: [char; 7] = ['日', '今', '昨', '前', '明', '代', '世'];

/// The characters [`DateRules::starts`] acts on, the two lists above in one, for the marks.
pub(crate) const DATE_CHARS: [char; PERIOD_CHARS.len() + DAY_CHARS.len()] = {
    let mut out = ['\0'; PERIOD_CHARS.len() + DAY_CHARS.len()];
    let mut k = 0;
    while k < out.len() {
        out[k] = if k < PERIOD_CHARS.len() { PERIOD_CHARS[k] } else { DAY_CHARS[k - PERIOD_CHARS.len()] };
        k += 1;
    }
    out
};

/// Characters either side of a 年, 月 or 季 that [`DateRules::starts`] scans: more than the 12
/// a date reaches before its first (截止到1996—2000年) and the 7 after its last.
const REACH: usize = 14;

/// Finds dates in a text: what a regex of the date grammar (see the test module's `grammar`)
/// would find, matched by hand. The grammar has no literal a regex engine could skip ahead
/// to, and every part of it is optional, so the regex crate ran a forward and a reverse
/// search per candidate and a capture engine per match: 7% of the extract stage's
/// instructions on the People's Daily texts, for about one match in every 250 characters.
/// A test runs both on generated text and compares every group of every match.
pub(crate) struct DateRules;

/// The groups of a match, in the order they open in the grammar (each named as in the test
/// module's regex, which a test checks), read by index ([`group`]).
const GROUPS: [&str; 15] =
    ["upto", "y0", "y", "rel", "first", "m0", "m", "d", "part", "half", "firstq", "q", "ye", "nm", "yp"];

/// The index of the group named `name` in the pattern: its place in [`GROUPS`] plus one
/// (group 0 is the whole match). Evaluated at compile time; a name not in the list fails
/// the build.
const fn group(name: &str) -> usize {
    let mut k = 0;
    while k < GROUPS.len() {
        let (a, b) = (GROUPS[k].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut i = 0;
            while i < a.len() && a[i] == b[i] {
                i += 1;
            }
            if i == a.len() {
                return k + 1;
            }
        }
        k += 1;
    }
    panic!("no such date group")
}

const G_UPTO: usize = group("upto");
const G_Y0: usize = group("y0");
const G_Y: usize = group("y");
const G_REL: usize = group("rel");
const G_FIRST: usize = group("first");
const G_M0: usize = group("m0");
const G_M: usize = group("m");
const G_D: usize = group("d");
const G_PART: usize = group("part");
const G_HALF: usize = group("half");
const G_FIRSTQ: usize = group("firstq");
const G_Q: usize = group("q");
const G_YE: usize = group("ye");
const G_NM: usize = group("nm");
const G_YP: usize = group("yp");

/// Chinese digits one to nine, as months, days and counts of months write them.
const CN_DIGITS: [char; 9] = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The digits of a year spelt digit by digit (一九九八年, 二〇〇〇年).
const YEAR_DIGITS: [char; 11] = ['〇', '零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 截至, 截止到, 截止: "up to", which leaves a date's start open; tried in this order.
const UPTO_WORDS: [&[char]; 3] = [&['截', '至'], &['截', '止', '到'], &['截', '止']];

/// Years named relative to publication.
const RELATIVE_YEARS: [&[char]; 7] =
    [&['今', '年'], &['去', '年'], &['明', '年'], &['前', '年'], &['上', '一', '年'], &['上', '年'], &['本', '年']];

/// The start or end of a year named with its 年 (2000年底, 去年初, 1997年岁末): only after a
/// year, or on its own.
const YEAR_ENDS: [&[char]; 4] = [&['初'], &['底'], &['末'], &['岁', '末']];

/// Parts of a month after it (1998年元月上旬, 3月底).
const MONTH_PARTS: [&[char]; 6] = [&['上', '旬'], &['中', '旬'], &['下', '旬'], &['初'], &['底'], &['末']];

/// Halves of a year.
const HALVES: [&[char]; 2] = [&['上', '半', '年'], &['下', '半', '年']];

/// 年初, 年底, 年末 without a year before them.
const YEAR_PARTS: [&[char]; 3] = [&['年', '初'], &['年', '底'], &['年', '末']];

/// Where a match's groups are, as char offsets: `spans[0]` the whole match, then the groups
/// of [`GROUPS`].
#[derive(Clone, Copy, Default, Debug, PartialEq)]
struct Spans([Option<(u32, u32)>; GROUPS.len() + 1]);

impl Spans {
    fn set(&mut self, g: usize, s: usize, e: usize) {
        self.0[g] = Some((s as u32, e as u32));
    }
}

/// A match: its groups (see [`Spans`]) with the text they are in.
struct Caps<'i, 'a> {
    ix: &'i TextIndex<'a>,
    spans: Spans,
}

/// One group of a match, by char offsets.
#[derive(Clone, Copy)]
struct Group<'i, 'a> {
    start: usize,
    end: usize,
    ix: &'i TextIndex<'a>,
}

impl<'a> Group<'_, 'a> {
    fn start(&self) -> usize {
        self.start
    }

    fn end(&self) -> usize {
        self.end
    }

    fn as_str(&self) -> &'a str {
        self.ix.slice(self.start, self.end)
    }
}

impl<'i, 'a> Caps<'i, 'a> {
    fn get(&self, g: usize) -> Option<Group<'i, 'a>> {
        self.spans.0[g].map(|(s, e)| Group { start: s as usize, end: e as usize, ix: self.ix })
    }
}

/// Up to four positions, in the order the grammar tries them: where a number may end.
struct Ends {
    at: [usize; 4],
    n: usize,
}

impl Ends {
    fn new() -> Ends {
        Ends { at: [0; 4], n: 0 }
    }

    fn push(&mut self, e: usize) {
        self.at[self.n] = e;
        self.n += 1;
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.at[..self.n].iter().copied()
    }
}

/// The date grammar matched at one position of `chars[..lim]`: each part tries its
/// alternatives in the grammar's order and the first that lets the whole match succeed wins,
/// as the regex crate's leftmost-first matching does.
struct Matcher<'c> {
    chars: &'c [char],
    lim: usize,
}

impl Matcher<'_> {
    fn at(&self, i: usize) -> Option<char> {
        if i < self.lim {
            Some(self.chars[i])
        } else {
            None
        }
    }

    fn is(&self, i: usize, c: char) -> bool {
        self.at(i) == Some(c)
    }

    fn is_in(&self, i: usize, set: &[char]) -> bool {
        self.at(i).is_some_and(|c| set.contains(&c))
    }

    fn word(&self, i: usize, w: &[char]) -> bool {
        i + w.len() <= self.lim && &self.chars[i..i + w.len()] == w
    }

    /// The first of `words` at `i`, as its end.
    fn first_word(&self, i: usize, words: &[&[char]]) -> Option<usize> {
        words.iter().find(|w| self.word(i, w)).map(|w| i + w.len())
    }

    fn digit(&self, i: usize, lo: char, hi: char) -> bool {
        self.at(i).is_some_and(|c| (lo..=hi).contains(&c))
    }

    /// A month's number, `1[0-2]|0?[1-9]|十[一二]?|[一-九]|元`; with `month` false a count of
    /// months after 前, `1[0-2]|[1-9]|十[一二]?|[一-九]` (no leading zero, no 元).
    fn month_ends(&self, p: usize, month: bool) -> Ends {
        let mut v = Ends::new();
        if self.is(p, '1') && self.digit(p + 1, '0', '2') {
            v.push(p + 2);
        }
        if month && self.is(p, '0') && self.digit(p + 1, '1', '9') {
            v.push(p + 2);
        }
        if self.digit(p, '1', '9') {
            v.push(p + 1);
        }
        if self.is(p, '十') {
            if self.is_in(p + 1, &['一', '二']) {
                v.push(p + 2);
            }
            v.push(p + 1);
        }
        if self.is_in(p, &CN_DIGITS) || month && self.is(p, '元') {
            v.push(p + 1);
        }
        v
    }

    /// A day's number: `3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一-九]?|十[一-九]?|[一-九]`.
    fn day_ends(&self, p: usize) -> Ends {
        let mut v = Ends::new();
        if self.is(p, '3') && self.digit(p + 1, '0', '1') {
            v.push(p + 2);
        }
        if self.digit(p, '1', '2') && self.digit(p + 1, '0', '9') {
            v.push(p + 2);
        }
        if self.is(p, '0') && self.digit(p + 1, '1', '9') {
            v.push(p + 2);
        }
        if self.digit(p, '1', '9') {
            v.push(p + 1);
        }
        for (tens, units) in [('三', &['一'][..]), ('二', &CN_DIGITS[..])] {
            if self.is(p, tens) && self.is(p + 1, '十') {
                if self.is_in(p + 2, units) {
                    v.push(p + 3);
                }
                v.push(p + 2);
            }
        }
        if self.is(p, '十') {
            if self.is_in(p + 1, &CN_DIGITS) {
                v.push(p + 2);
            }
            v.push(p + 1);
        }
        if self.is_in(p, &CN_DIGITS) {
            v.push(p + 1);
        }
        v
    }

    /// Four digits of a year, in figures or spelt: `[0-9]{4}|[〇零一-九]{4}`.
    fn year_digits(&self, p: usize) -> Option<usize> {
        let four = self.chars.get(p..p + 4).filter(|_| p + 4 <= self.lim)?;
        let figures = four.iter().all(char::is_ascii_digit);
        (figures || four.iter().all(|c| YEAR_DIGITS.contains(c))).then_some(p + 4)
    }

    /// A year: `(?:(y0)[0-9]{4}<range>)?(y)<digits>年|(rel)今年|…`. Each alternative is
    /// tried only where its first character stands.
    fn year(&self, q: usize, sp: &mut Spans) -> Option<usize> {
        let c = self.at(q)?;
        if c.is_ascii_digit() && self.year_digits(q).is_some() && self.at(q + 4).is_some_and(super::is_range_mark) {
            if let Some(e) = self.year_digits(q + 5).filter(|&e| self.is(e, '年')) {
                sp.set(G_Y0, q, q + 4);
                sp.set(G_Y, q + 5, e);
                return Some(e + 1);
            }
        }
        if let Some(e) = self.year_digits(q).filter(|&e| self.is(e, '年')) {
            sp.set(G_Y, q, e);
            return Some(e + 1);
        }
        if !matches!(c, '今' | '去' | '明' | '前' | '上' | '本') {
            return None;
        }
        let e = self.first_word(q, &RELATIVE_YEARS)?;
        sp.set(G_REL, q, e);
        Some(e)
    }

    /// After a month's 月 at `p - 1`: `份?` then a day or a part of the month, if any.
    fn month_tail(&self, mut p: usize, sp: &mut Spans) -> usize {
        if self.is(p, '份') {
            p += 1;
        }
        if let Some(e) = self.day_ends(p).iter().find(|&e| self.is(e, '日')) {
            sp.set(G_D, p, e);
            return e + 1;
        }
        match self.first_word(p, &MONTH_PARTS) {
            Some(e) => {
                sp.set(G_PART, p, e);
                e
            }
            None => p,
        }
    }

    /// A month, with its run and day (`(first)前?(?:(m0)…月?<range>)?(m)…月份?(?:(d)…日|(part)…)?`).
    fn month(&self, p: usize, sp: &mut Spans) -> Option<usize> {
        for r in [p + 1, p] {
            if r > p && !self.is(p, '前') {
                continue;
            }
            let first = |sp: &mut Spans| {
                if r > p {
                    sp.set(G_FIRST, p, r);
                }
            };
            for e0 in self.month_ends(r, true).iter() {
                for mo in [e0 + 1, e0] {
                    if mo > e0 && !self.is(e0, '月') || !self.at(mo).is_some_and(super::is_range_mark) {
                        continue;
                    }
                    if let Some(em) = self.month_ends(mo + 1, true).iter().find(|&em| self.is(em, '月')) {
                        first(sp);
                        sp.set(G_M0, r, e0);
                        sp.set(G_M, mo + 1, em);
                        return Some(self.month_tail(em + 1, sp));
                    }
                }
            }
            if let Some(em) = self.month_ends(r, true).iter().find(|&em| self.is(em, '月')) {
                first(sp);
                sp.set(G_M, r, em);
                return Some(self.month_tail(em + 1, sp));
            }
        }
        None
    }

    /// A part of a year: a month (see [`Matcher::month`]), a half, a quarter
    /// (`(firstq)前?第?(q)[一二三四1-4]季度`), 年初/年底/年末, or `前(nm)…个月`.
    fn part(&self, p: usize, sp: &mut Spans) -> Option<usize> {
        if let Some(e) = self.month(p, sp) {
            return Some(e);
        }
        if let Some(e) = self.first_word(p, &HALVES) {
            sp.set(G_HALF, p, e);
            return Some(e);
        }
        for f in [p + 1, p] {
            if f > p && !self.is(f - 1, '前') {
                continue;
            }
            for x in [f + 1, f] {
                if x > f && !self.is(f, '第') {
                    continue;
                }
                if self.is_in(x, &['一', '二', '三', '四', '1', '2', '3', '4']) && self.word(x + 1, &['季', '度'])
                {
                    if f > p {
                        sp.set(G_FIRSTQ, p, f);
                    }
                    sp.set(G_Q, x, x + 1);
                    return Some(x + 3);
                }
            }
        }
        if let Some(e) = self.first_word(p, &YEAR_PARTS) {
            sp.set(G_YE, p, e);
            return Some(e);
        }
        if self.is(p, '前') {
            if let Some(e) = self.month_ends(p + 1, false).iter().find(|&e| self.word(e, &['个', '月'])) {
                sp.set(G_NM, p + 1, e);
                return Some(e + 2);
            }
        }
        None
    }

    /// The grammar at `p`: `(upto)截至…? year? (part | (yp)year end)?`, every part optional,
    /// so it always matches, perhaps empty. With `scan`, the form the scan looks for
    /// instead, `upto? (year (part | year end)? | part)`: never empty, None where it fails.
    fn at_pos(&self, p: usize, scan: bool) -> Option<Spans> {
        let upto = self.is(p, '截');
        let uptos = UPTO_WORDS.iter().filter(|w| upto && self.word(p, w)).map(|w| p + w.len()).chain([p]);
        for u in uptos {
            let mut sp = Spans::default();
            if u > p {
                sp.set(G_UPTO, p, u);
            }
            let end = if let Some(e) = self.year(u, &mut sp) {
                Some(self.part(e, &mut sp).or_else(|| self.year_end(e, &mut sp)).unwrap_or(e))
            } else if let Some(e) = self.part(u, &mut sp) {
                Some(e)
            } else if scan {
                None
            } else {
                Some(self.year_end(u, &mut sp).unwrap_or(u))
            };
            if let Some(e) = end {
                sp.set(0, p, e);
                return Some(sp);
            }
        }
        None
    }

    fn year_end(&self, p: usize, sp: &mut Spans) -> Option<usize> {
        let e = self.first_word(p, &YEAR_ENDS)?;
        sp.set(G_YP, p, e);
        Some(e)
    }
}

impl DateRules {
    /// Char offsets where the scan form of the grammar matches ([`Matcher::at_pos`]), as a
    /// scan of the whole text finds them (each from where the last match ended), but
    /// scanning only the stretches near a 年, 月 or 季: every date holds one of them and most
    /// text holds none.
    ///
    /// A match starts at most 12 characters before its first 年/月/季 (截止到1996—2000年) and ends
    /// at most 7 after its last (月31日, 月份下旬), with at most 7 between two of them; so a
    /// stretch reaching [`REACH`] characters either side of each, stretches that overlap
    /// merged, holds every match whole, and no match crosses a stretch's edge.
    ///
    /// The same pass collects where a day may be named ([`days`]): at each 日, and at each
    /// 今, 昨, 前 or 明 (today, yesterday …), each 月 after 本, 上, 下 or 个 (本月, 上个月); and
    /// each 代 and 世 for [`eras`]. A pass of its own cost as much as this one.
    /// The pass visits only the characters marked [`DATE_CHARS`] (every character when the
    /// index has no marks).
    fn starts(&self, ix: &TextIndex, day_marks: &mut Vec<usize>) -> Vec<usize> {
        let n = ix.chars.len();
        let mut stretches: Vec<(usize, usize)> = Vec::new();
        for p in ix.marked(super::mark::DATES) {
            let c = ix.chars[p];
            if !PERIOD_CHARS.contains(&c) {
                if DAY_CHARS.contains(&c) {
                    day_marks.push(p);
                }
                continue;
            }
            // 本月, 上月, 上个月: a month named relative to publication, read with the days.
            if c == '月' && p > 0 && matches!(ix.chars[p - 1], '本' | '上' | '下' | '个') {
                day_marks.push(p);
            }
            let (a, b) = (p.saturating_sub(REACH), (p + 1 + REACH).min(n));
            match stretches.last_mut() {
                Some(last) if a <= last.1 => last.1 = b,
                _ => stretches.push((a, b)),
            }
        }
        let mut starts = Vec::new();
        for (a, b) in stretches {
            let m = Matcher { chars: &ix.chars, lim: b };
            let mut p = a;
            while p < b {
                match may_start(ix.chars[p]).then(|| m.at_pos(p, true)).flatten() {
                    Some(sp) => {
                        starts.push(p);
                        p = sp.0[0].map_or(p + 1, |(_, e)| e as usize);
                    }
                    None => p += 1,
                }
            }
        }
        starts
    }

    pub fn find(&self, ix: &TextIndex, published: Option<NaiveDate>) -> Vec<DateMention> {
        let mut day_marks = Vec::new();
        let mut out = self.months_and_years(ix, published, &mut day_marks);
        // Datelines (新华社北京12月31日电, 本报北京1月5日讯): a printed paper's is usually the
        // day before publication, and the story's 今天 and 13日 are counted from it.
        let datelines: Vec<(usize, NaiveDate)> = out
            .iter()
            .filter(|m| m.granularity == "day" && is_dateline(ix, m.start as usize, m.end as usize))
            .filter_map(|m| {
                let d = m.start_date?;
                // Not months after publication: 12月31日 in the paper of 1 January is last
                // year's. A few days after is a publication date that is itself a guess.
                let d = match published {
                    Some(p) if (d - p).num_days() > 60 => d.with_year(d.year() - 1)?,
                    _ => d,
                };
                Some((m.start as usize, d))
            })
            .collect();
        let mut days = days(ix, published, &datelines, &day_marks, &out);
        days.extend(eras(ix, published, &day_marks));
        if !days.is_empty() {
            out.extend(days);
            out.sort_by_key(|d| d.start);
        }
        day_ranges(ix, out)
    }

    /// The grammar's match at char `p` of `chars[..lim]` (see [`Matcher::at_pos`]).
    fn caps<'i, 'a>(ix: &'i TextIndex<'a>, lim: usize, p: usize) -> Caps<'i, 'a> {
        let spans = Matcher { chars: &ix.chars, lim }.at_pos(p, false).unwrap_or_default();
        Caps { ix, spans }
    }

    fn months_and_years(
        &self,
        ix: &TextIndex,
        published: Option<NaiveDate>,
        day_marks: &mut Vec<usize>,
    ) -> Vec<DateMention> {
        let n = ix.chars.len();
        let caps = |lim: usize, p: usize| DateRules::caps(ix, lim, p);
        let mut out = Vec::new();
        let starts = self.starts(ix, day_marks);
        let mut k = 0;
        // A start found inside a match, read before the next scanned one (3月至5月5日: 5月5日).
        let mut pending: Option<usize> = None;
        while k < starts.len() || pending.is_some() {
            let start = match pending.take() {
                Some(p) => p,
                None => {
                    k += 1;
                    starts[k - 1]
                }
            };
            let mut c = caps(n, start);
            // 初 after a year opens its first month only as a word of its own (今年/初), not
            // as the start of one (今年初步建成, 1998年初期): then the year alone.
            if let Some(yp) = c.get(G_YP).filter(|m| m.as_str() == "初" && !ix.is_token_end(m.end())) {
                c = caps(yp.start(), start);
            }
            // A run of months is one only forwards within a year and of whole months; else the
            // last month alone, as written without the run (12-2月, 5-6月5日, 2021-9月), or,
            // where the first month has its own 月 (3月至5月5日), each month on its own.
            if let (Some(m0), Some(m)) = (c.get(G_M0), c.get(G_M)) {
                let run = whole_months(&c)
                    && number(m0.as_str()) < number(m.as_str())
                    && !counted_or_ordinal(ix, &c, m0.start())
                    && (m0.as_str() != "元" || is_january(ix, m0));
                if !run {
                    c = if ix.chars.get(m0.end()) == Some(&'月') {
                        pending = Some(m.start());
                        caps(m0.end() + 1, start)
                    } else {
                        caps(n, m.start())
                    };
                }
            }
            // A run of years in figures is one only forwards and of whole years (1996—2000年);
            // else the last year, as written without the run.
            if let (Some(y0), Some(y)) = (c.get(G_Y0), c.get(G_Y)) {
                let b = y0.start();
                let inside = b > 0 && ix.chars[b - 1].is_ascii_digit();
                let whole_years = ![G_M, G_HALF, G_Q, G_YE, G_YP, G_NM].iter().any(|&g| c.get(g).is_some());
                if inside || !whole_years || year_number(y0.as_str()) >= year_number(y.as_str()) {
                    c = caps(n, y.start());
                }
            }
            if c.get(G_M).is_some_and(|m| m.as_str() == "元" && !is_january(ix, m)) {
                continue;
            }
            // 年初, 年底 with no year before them start a word (not 青年/初中).
            if let Some(ye) = c.get(G_YE) {
                if c.get(G_Y).is_none() && c.get(G_REL).is_none() && !ix.is_token_start(ye.start()) {
                    continue;
                }
            }
            // 前三季度, 前10月: from 1 January, as a word of its own (not 目前 or 此前 before a
            // month), of whole months; else without the 前.
            if let Some(f) = c.get(G_FIRST).or(c.get(G_FIRSTQ)) {
                if !ix.is_token_start(f.start()) || !whole_months(&c) || c.get(G_M0).is_some() {
                    c = caps(n, f.end());
                }
            }
            let whole = c.get(0).expect("invariant: group 0");
            let has_year = c.get(G_Y).is_some() || c.get(G_REL).is_some();
            if c.get(G_NM).is_some() && !has_year {
                continue;
            }
            let has_part_of_year = [G_M, G_HALF, G_Q, G_YE, G_NM].iter().any(|&g| c.get(g).is_some());
            // A bare 截至 is not a date.
            if !has_year && !has_part_of_year {
                continue;
            }
            let start_char = whole.start();
            if c.get(G_M).is_some_and(|m| counted_or_ordinal(ix, &c, m.start())) {
                continue;
            }
            if let Some(y) = c.get(G_Y) {
                // 2021年 inside a larger number or a duration (12021年, 5年) is not a year.
                let b = y.start();
                if b > 0 && (ix.chars[b - 1].is_ascii_digit() || cn_digit(ix.chars[b - 1]).is_some()) {
                    continue;
                }
                if !has_part_of_year && ix.chars.get(whole.end()) == Some(&'代') {
                    continue;
                }
            }
            let year = match (c.get(G_Y), c.get(G_REL)) {
                (Some(y), _) => year_number(y.as_str()),
                (None, Some(r)) => published.map(|p| {
                    p.year()
                        + match r.as_str() {
                            "去年" | "上年" | "上一年" => -1,
                            "前年" => -2,
                            "明年" => 1,
                            _ => 0,
                        }
                }),
                (None, None) => published.map(|p| p.year()),
            };
            let (start, end, granularity) = match year.and_then(|y| range(y, &c)) {
                Some((s, e, g)) => (Some(s), Some(e), g),
                None => (None, None, granularity_of(&c)),
            };
            // A run of years from its first year.
            let start = match c.get(G_Y0).and_then(|y0| year_number(y0.as_str())) {
                Some(y0) => NaiveDate::from_ymd_opt(y0, 1, 1),
                None => start,
            };
            let upto = c.get(G_UPTO).is_some();
            let mut end_char = whole.end();
            // 1998年度, 一九九六年度: the year (a budget's or a plan's).
            if granularity == "year" && c.get(G_Y).is_some() && ix.chars.get(end_char) == Some(&'度') {
                end_char += 1;
            }
            out.push(DateMention {
                sentence_idx: ix.sentence_of(start_char),
                text: ix.slice(start_char, end_char).to_string(),
                start_date: if upto { None } else { start },
                end_date: end,
                granularity,
                start: start_char as u32,
                end: end_char as u32,
            });
        }
        out
    }
}

/// Whether `c` may start a match of the scan form: a digit, 截 of 截至, a year named
/// relative (今年, 上年, 本年), 前 of 前三季度, 下半年, 第 of 第一季度, 年 of 年初.
fn may_start(c: char) -> bool {
    c.is_ascii_digit()
        || YEAR_DIGITS.contains(&c)
        || matches!(c, '截' | '十' | '元' | '今' | '去' | '明' | '前' | '上' | '本' | '下' | '第' | '年')
}

/// Whether a month written from char `p` is no month: 3个月 is a duration, 第3月 an ordinal,
/// and without a year in figures in the match a number before it (2021-9月, 0931-8月) makes
/// it part of another figure.
fn counted_or_ordinal(ix: &TextIndex, c: &Caps, p: usize) -> bool {
    p > 0 && (matches!(ix.chars[p - 1], '个' | '第' | '.') || c.get(G_Y).is_none() && ix.chars[p - 1].is_ascii_digit())
}

/// Whether the 元 of a match is January: 元月, jieba's word, not the 元 of money before a
/// month (3000元月薪, 5亿元月均, 5万元至12月份).
fn is_january(ix: &TextIndex, m: Group) -> bool {
    let b = m.start();
    let amount = b > 0 && {
        let c = ix.chars[b - 1];
        c.is_ascii_digit() || cn_digit(c).is_some() || cn_unit(c).is_some()
    };
    ix.chars.get(m.end()) == Some(&'月') && !amount && ix.is_token_start(b)
}

/// Whether a match names whole months: no day, no part of a month (上旬, 底).
fn whole_months(c: &Caps) -> bool {
    c.get(G_D).is_none() && c.get(G_PART).is_none()
}

/// Whether the day at chars `s..e` dates a dateline: 电 or 讯 after it, as jieba's word 日电 or
/// a word of its own (not 电话 of 12月1日电话会议), and only the outlet and place before it
/// on its line (not a wire story quoted inside another: 据新华社北京11月1日电, mid-paragraph).
fn is_dateline(ix: &TextIndex, s: usize, e: usize) -> bool {
    let chars = &ix.chars;
    if !chars.get(e).is_some_and(|c| matches!(c, '电' | '讯')) {
        return false;
    }
    if ix.token(e).is_some_and(|t| t.start as usize == e && t.len > 1) {
        return false;
    }
    let head = chars[..s].iter().rev().take_while(|&&c| super::is_han(c)).count();
    head <= 16 && (head == s || chars[s - head - 1] == '\n')
}

/// Two days, months or years joined by 至, 到 or a dash (3月18日至3月24日, 6月13日至15日,
/// 1997年1月至1998年3月, 1993年至1997年) are one period, from the first to the second, as a
/// run of months is (1至10月): a notice's period or an
/// event's days, which a query for what happened when wants whole. Only forwards, or both
/// unresolved (no publication date: the period's text, without dates); 13日、14日 are two
/// days.
fn day_ranges(ix: &TextIndex, dates: Vec<DateMention>) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::with_capacity(dates.len());
    for d in dates {
        if let Some(last) = out.last_mut() {
            let joined = d.start == last.end + 1
                && ix.chars.get(last.end as usize).is_some_and(|&c| super::is_range_mark(c))
                && last.granularity == d.granularity
                && matches!(d.granularity, "day" | "month" | "year");
            let forwards = match (last.start_date, last.end_date, d.start_date, d.end_date) {
                (Some(from), _, _, Some(to)) => from < to,
                (None, None, None, None) => true,
                _ => false,
            };
            if joined && forwards {
                last.text = ix.slice(last.start as usize, d.end as usize).to_string();
                last.end_date = d.end_date;
                last.end = d.end;
                continue;
            }
        }
        out.push(d);
    }
    out
}

/// What follows a Chinese numeral's 日 when it counts days or names a title (三日游, 十日内,
/// 七日之后, 十日谈).
const CHINESE_DAY_NOT: [&str; 8] = ["内", "游", "后", "前", "以", "之", "谈", "间"];

/// What makes a Chinese numeral's 日 before it a count of days (连续三日, 历时五日), as
/// `[durations].before` in units.toml does for the quantities table.
const DAYS_COUNTED_AFTER: [&str; 9] = ["连续", "历时", "为期", "持续", "长达", "一连", "接连", "整整", "共"];

/// Parts of a day jieba joins to the day before them (今天下午).
const TIMES_OF_DAY: [&str; 7] = ["上午", "下午", "晚上", "中午", "早上", "凌晨", "傍晚"];

/// Words for a day relative to the publication date, with its offset in days.
const RELATIVE_DAYS: [(&str, i64); 7] =
    [("今天", 0), ("今日", 0), ("昨天", -1), ("昨日", -1), ("前天", -2), ("明天", 1), ("明日", 1)];

/// Days without their month, as wire copy writes them (习近平13日在河内会见, 新华社河内12月13日
/// 电 aside), and days named relative to publication (昨天, 今日), each a whole word. A day
/// without its month is the nearest such date to the publication date: 13日 in a story of
/// 13 December is 13 December, 30日 is 30 November, 25日 is 25 December. `7日内`, `3日游`,
/// `5日元`, `第3日`, `近3日`, `3日以上` count days or yen, not a date; nor are 今天的 and
/// 明天的 (the present and the future: 今天的中国) or 直到今天. A day after another and a
/// connective (6月13日至15日, 13日、14日) is in the month of the one before. After a dateline
/// (`datelines`: char offset and date, in order), days are counted from its date instead.
fn days(
    ix: &TextIndex,
    published: Option<NaiveDate>,
    datelines: &[(usize, NaiveDate)],
    marks: &[usize],
    dated: &[DateMention],
) -> Vec<DateMention> {
    let chars = &ix.chars;
    let anchor = |p: usize| datelines.iter().rev().find(|&&(s, _)| s < p).map(|&(_, d)| d).or(published);
    let mut out: Vec<DateMention> = Vec::new();
    // The day just before a connective (6月13日至15日, 6月13日、14日): its month is this one's.
    let day_before = |s: usize, out: &[DateMention]| -> Option<NaiveDate> {
        if s < 2 || !(super::is_range_mark(chars[s - 1]) || matches!(chars[s - 1], '、' | '和')) {
            return None;
        }
        day_ending(dated, out, s - 1).and_then(|m| m.end_date)
    };
    let push = |out: &mut Vec<DateMention>, s: usize, e: usize, date: Option<NaiveDate>| {
        out.push(mention(ix, s, e, date, date, "day"));
    };
    for &p in marks {
        let c = chars[p];
        if c == '日' {
            let mut s = p;
            while s > 0 && chars[s - 1].is_ascii_digit() && p - s < 3 {
                s -= 1;
            }
            // Wire copy of the 1990s wrote the day in Chinese numerals (美国政府八日宣布): two
            // to thirty-one, a word of its own (一日 is mostly one day: 一日三餐).
            if s == p {
                if let Some((cs, day)) = numeral_before(chars, p, 0) {
                    let before = if cs > 0 { chars[cs - 1] } else { ' ' };
                    let after = ix.slice(p + 1, (p + 3).min(chars.len()));
                    let counts = CHINESE_DAY_NOT.iter().any(|w| after.starts_with(w))
                        || DAYS_COUNTED_AFTER.iter().any(|w| {
                            let n = w.chars().count();
                            cs >= n && ix.at_str(cs - n, w)
                        });
                    // 两日 counts days (连续两日).
                    if (2..=31).contains(&day)
                        && chars[cs] != '两'
                        && ix.is_token_start(cs)
                        && !chars!("月第近每个前后约初几数两半").contains(before)
                        && !counts
                    {
                        let date = anchor(cs).and_then(|d| nearest_day(d, day));
                        push(&mut out, cs, p + 1, date);
                    }
                }
                continue;
            }
            if p - s > 2 {
                continue;
            }
            let before = if s > 0 { chars[s - 1] } else { ' ' };
            let after = ix.slice(p + 1, (p + 3).min(chars.len()));
            let counts = ["内", "游", "元", "后", "以内", "之内", "以上", "左右"].iter().any(|w| after.starts_with(w));
            // A dash before the number joins it to a day just before (6月13日-15日); else it
            // is part of another figure (2023-12-15日).
            let ranged = before == '-' && day_ending(dated, &out, s - 1).is_some();
            if before.is_ascii_digit() || !ranged && chars!("月第近每个前后约.-/").contains(before) || counts {
                continue;
            }
            let Ok(day) = ix.slice(s, p).parse::<u32>() else { continue };
            if !(1..=31).contains(&day) {
                continue;
            }
            let date = match day_before(s, &out) {
                Some(d) => d.with_day(day),
                None => anchor(s).and_then(|d| nearest_day(d, day)),
            };
            push(&mut out, s, p + 1, date);
        } else if c == '月' {
            // 本月, 上月, 下月, 上个月, 下个月, and a day of it (本月10日).
            let (s, offset) = match (p.checked_sub(2).map(|q| chars[q]), chars[p - 1]) {
                (_, '本') => (p - 1, 0),
                (_, '上') => (p - 1, -1),
                (_, '下') => (p - 1, 1),
                (Some('上'), '个') => (p - 2, -1),
                (Some('下'), '个') => (p - 2, 1),
                _ => continue,
            };
            // `dated` is in text order: the one that may cover p is the last starting at or before it.
            let covered =
                dated[..dated.partition_point(|m| (m.start as usize) <= p)].last().is_some_and(|m| p < m.end as usize);
            if !ix.is_token_start(s) || covered {
                continue;
            }
            let month = anchor(s).and_then(|d| {
                let m0 = d.year() * 12 + d.month0() as i32 + offset;
                NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1)
            });
            let mut e = p + 1;
            while e < chars.len() && chars[e].is_ascii_digit() && e - p <= 2 {
                e += 1;
            }
            let day =
                (e > p + 1 && chars.get(e) == Some(&'日')).then(|| ix.slice(p + 1, e).parse::<u32>().ok()).flatten();
            match day {
                Some(d) => push(&mut out, s, e + 1, month.and_then(|m| m.with_day(d))),
                None => {
                    let last = month.and_then(|m| last_day(m.year(), m.month()));
                    out.push(mention(ix, s, p + 1, month, last, "month"));
                }
            }
        } else if let Some(&(_, offset)) =
            RELATIVE_DAYS.iter().find(|&&(w, _)| w == ix.slice(p, (p + 2).min(chars.len())))
        {
            // Every word of RELATIVE_DAYS is two characters.
            let e = p + 2;
            // 今天的中国, 明天的观众: the present and the future, not a day.
            let figurative = offset >= 0 && chars.get(e) == Some(&'的') || p > 0 && chars[p - 1] == '到';
            // 今天下午: jieba's one word of the day and its part.
            let part_of_day = TIMES_OF_DAY.iter().any(|w| ix.at_str(e, w));
            if ix.is_token_start(p) && (ix.is_token_end(e) || part_of_day) && !figurative {
                push(&mut out, p, e, anchor(p).map(|d| d + chrono::Duration::days(offset)));
            }
        }
    }
    out
}

/// A date mention of chars `s..e`: days, relative months, decades and centuries are built
/// the same way.
fn mention(
    ix: &TextIndex,
    s: usize,
    e: usize,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    granularity: &'static str,
) -> DateMention {
    DateMention {
        sentence_idx: ix.sentence_of(s),
        text: ix.slice(s, e).to_string(),
        start_date,
        end_date,
        granularity,
        start: s as u32,
        end: e as u32,
    }
}

/// The numeral that ends just before char `e`: Arabic digits (at most `max` of them) or a
/// Chinese numeral (at most three characters), with where it starts and its value.
fn numeral_before(chars: &[char], e: usize, max: usize) -> Option<(usize, u32)> {
    let mut s = e;
    while s > 0 && chars[s - 1].is_ascii_digit() && e - s < max {
        s -= 1;
    }
    if s < e {
        if s > 0 && chars[s - 1].is_ascii_digit() {
            return None;
        }
        return chars[s..e].iter().collect::<String>().parse().ok().map(|v| (s, v));
    }
    while s > 0 && e - s < 3 && (cn_digit(chars[s - 1]).is_some() || chars[s - 1] == '十') {
        s -= 1;
    }
    if s == e || s > 0 && (cn_digit(chars[s - 1]).is_some() || "十百千".contains(chars[s - 1])) {
        return None;
    }
    parse_chinese(&chars[s..e]).map(|v| (s, v as u32))
}

/// The century a publication date falls in (1998 is in the 20th, 2001 in the 21st).
fn century_of(d: NaiveDate) -> i32 {
    (d.year() - 1) / 100 + 1
}

/// Words before 世纪 that name a century relative to publication, with its offset.
const RELATIVE_CENTURIES: [(&str, i32); 7] =
    [("上个", -1), ("下个", 1), ("下一", 1), ("本", 0), ("上", -1), ("下", 1), ("这个", 0)];

/// Decades and centuries (`marks` holds the char offsets of every 代 and 世): 90年代, 六十年代,
/// 1990年代, 20世纪90年代, 上世纪70年代; 20世纪, 二十一世纪, 本世纪, 下个世纪. A decade
/// written without its century is the latest one not after publication (in a paper of 1998,
/// 90年代 is the 1990s), and without a publication date, from 30年代 on, of the 1900s (20年代
/// could be either century: its text is kept, without dates). 新世纪, 跨世纪 and 世纪之交 are
/// no calendar's names.
fn eras(ix: &TextIndex, published: Option<NaiveDate>, marks: &[usize]) -> Vec<DateMention> {
    let chars = &ix.chars;
    let mut out: Vec<DateMention> = Vec::new();
    // Chars s..e naming the years from a to b.
    let years_mention = |s: usize, e: usize, years: Option<(i32, i32)>, granularity: &'static str| {
        let first = years.and_then(|(a, _)| NaiveDate::from_ymd_opt(a, 1, 1));
        mention(ix, s, e, first, years.and_then(|(_, b)| NaiveDate::from_ymd_opt(b, 12, 31)), granularity)
    };
    // The century named by the words ending at char `e` (20世纪, 上世纪): where they start and
    // the century, None when it is relative and there is no publication date.
    let century_before = |e: usize| -> Option<(usize, Option<i32>)> {
        if let Some((s, n)) = numeral_before(chars, e, 2).filter(|&(_, n)| (1..=30).contains(&n)) {
            return Some((s, Some(n as i32)));
        }
        RELATIVE_CENTURIES.iter().find_map(|&(w, off)| {
            let n = w.chars().count();
            (e >= n && ix.at_str(e - n, w) && ix.is_token_start(e - n))
                .then(|| (e - n, published.map(|p| century_of(p) + off)))
        })
    };
    for &p in marks {
        if chars[p] == '代' && p >= 1 && chars[p - 1] == '年' {
            let Some((s, n)) = numeral_before(chars, p - 1, 4) else { continue };
            if s > 0 && matches!(chars[s - 1], '第' | '.') {
                continue;
            }
            let (start, first_year) = if (1000..=2990).contains(&n) && n % 10 == 0 {
                (s, Some(n as i32))
            } else if n % 10 == 0 && n < 100 {
                let d = n as i32;
                let century =
                    (s >= 2 && chars[s - 2] == '世' && chars[s - 1] == '纪').then(|| century_before(s - 2)).flatten();
                match century {
                    Some((cs, c)) => (cs, c.map(|c| (c - 1) * 100 + d)),
                    None => {
                        let year = match published {
                            Some(pd) => {
                                let y = pd.year() / 100 * 100 + d;
                                Some(if y > pd.year() { y - 100 } else { y })
                            }
                            None => (d >= 30).then_some(1900 + d),
                        };
                        (s, year)
                    }
                }
            } else {
                continue;
            };
            // 七八十年代: the seventies and eighties (the numeral reads as 80).
            let pair = p - 1 - s == 3
                && chars[s + 2] == '十'
                && cn_digit(chars[s]).zip(cn_digit(chars[s + 1])).is_some_and(|(a, b)| a >= 1 && b == a + 1);
            let years = first_year.map(|y| if pair { (y - 10, y + 9) } else { (y, y + 9) });
            out.push(years_mention(start, p + 1, years, "decade"));
        } else if chars[p] == '世' && chars.get(p + 1) == Some(&'纪') {
            // Inside a decade's name (20世纪90年代), read with the decade.
            let after = &chars[p + 2..(p + 7).min(chars.len())];
            if let Some(k) = after.iter().position(|&c| c == '代') {
                if k >= 2 && after[k - 1] == '年' {
                    continue;
                }
            }
            let Some((s, century)) = century_before(p) else { continue };
            let years = century.map(|c| ((c - 1) * 100 + 1, c * 100));
            out.push(years_mention(s, p + 2, years, "century"));
        }
    }
    out
}

/// The day, resolved or not, that ends at char `e`, among the dates found before (`dated`)
/// and the days found so far (`out`).
fn day_ending<'a>(dated: &'a [DateMention], out: &'a [DateMention], e: usize) -> Option<&'a DateMention> {
    dated.iter().chain(out).find(|m| m.end as usize == e && m.granularity == "day")
}

/// The date with day-of-month `day` nearest to `published`, in its month or the one before
/// or after (the earlier on a tie: news reports what has happened more than what will).
fn nearest_day(published: NaiveDate, day: u32) -> Option<NaiveDate> {
    let first = published.with_day(1)?;
    let prev = first.pred_opt()?.with_day(1)?;
    let next = last_day(published.year(), published.month())?.succ_opt()?;
    [prev, first, next]
        .into_iter()
        .filter_map(|m| m.with_day(day))
        .min_by_key(|d| ((*d - published).num_days().abs(), *d > published))
}

fn granularity_of(c: &Caps) -> &'static str {
    if c.get(G_D).is_some() || c.get(G_PART).is_some_and(|p| matches!(p.as_str(), "底" | "末")) {
        "day"
    } else if c.get(G_PART).is_some() {
        "dekad"
    } else if c.get(G_M).is_some() || c.get(G_NM).is_some() {
        "month"
    } else if c.get(G_HALF).is_some() {
        "half"
    } else if c.get(G_Q).is_some() {
        "quarter"
    } else if c.get(G_YE).is_some() || c.get(G_YP).is_some() {
        "month"
    } else {
        "year"
    }
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// A four-digit year, in Arabic digits or spelt digit by digit (一九九八).
fn year_number(s: &str) -> Option<i32> {
    s.parse::<i32>().ok().or_else(|| s.chars().try_fold(0, |y, c| Some(y * 10 + cn_digit(c)? as i32)))
}

fn number(s: &str) -> Option<u32> {
    if s == "元" {
        return Some(1);
    }
    s.parse::<u32>().ok().or_else(|| parse_chinese(&s.chars().collect::<Vec<_>>()).map(|v| v as u32))
}

/// The date range a match covers in year `y`.
fn range(y: i32, c: &Caps) -> Option<(NaiveDate, NaiveDate, &'static str)> {
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    if let Some(m) = c.get(G_M) {
        let m = number(m.as_str())?;
        if let Some(d) = c.get(G_D) {
            let d = ymd(m, number(d.as_str())?)?;
            return Some((d, d, "day"));
        }
        let last = last_day(y, m)?;
        // A run of months (1至10月): from the first day of its first month (months_and_years
        // keeps only forward runs of whole months); the first months (前10月): from 1 January.
        if let Some(m0) = c.get(G_M0) {
            return Some((ymd(number(m0.as_str())?, 1)?, last, "month"));
        }
        if c.get(G_FIRST).is_some() {
            return Some((ymd(1, 1)?, last, "month"));
        }
        return match c.get(G_PART).map(|p| p.as_str()) {
            Some("上旬") | Some("初") => Some((ymd(m, 1)?, ymd(m, 10)?, "dekad")),
            Some("中旬") => Some((ymd(m, 11)?, ymd(m, 20)?, "dekad")),
            Some("下旬") => Some((ymd(m, 21)?, last, "dekad")),
            Some(_) => Some((last, last, "day")),
            None => Some((ymd(m, 1)?, last, "month")),
        };
    }
    if let Some(n) = c.get(G_NM) {
        let n = number(n.as_str())?;
        return Some((ymd(1, 1)?, last_day(y, n)?, "month"));
    }
    if let Some(h) = c.get(G_HALF) {
        return if h.as_str() == "上半年" {
            Some((ymd(1, 1)?, ymd(6, 30)?, "half"))
        } else {
            Some((ymd(7, 1)?, ymd(12, 31)?, "half"))
        };
    }
    if let Some(q) = c.get(G_Q) {
        let q = number(q.as_str())?;
        let first = 3 * (q - 1) + 1;
        let from = if c.get(G_FIRSTQ).is_some() { 1 } else { first };
        return Some((ymd(from, 1)?, last_day(y, first + 2)?, "quarter"));
    }
    match c.get(G_YE).or_else(|| c.get(G_YP)).map(|x| x.as_str()) {
        Some("年初" | "初") => Some((ymd(1, 1)?, ymd(1, 31)?, "month")),
        Some(_) => Some((ymd(12, 1)?, ymd(12, 31)?, "month")),
        None => Some((ymd(1, 1)?, ymd(12, 31)?, "year")),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;
    use crate::document::Document;

    /// The date grammar as a regex: what [`Matcher`] matches, by hand.
    #[macro_use]
    mod grammar {
        /// The range marks of [`super::super::is_range_mark`] as a pattern, for the runs of years
        /// and months (a macro: `concat!` takes literals only). A test checks that the two agree.
        macro_rules! range_mark {
            () => {
                "(?:至|到|-|—|–|~|～)"
            };
        }

        const UPTO: &str = r"(?P<upto>截至|截止到|截止)?";
        /// A year in Arabic digits, spelt digit by digit (一九九八年, 二〇〇〇年), or relative.
        /// A run of years in figures (1996—2000年) opens with its first year.
        const YEAR: &str = concat!(
            r"(?:(?:(?P<y0>[0-9]{4})",
            range_mark!(),
            r")?(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})年|(?P<rel>今年|去年|明年|前年|上一年|上年|本年))"
        );
        /// The start or end of a year named with its 年 (2000年底, 去年初, 1997年岁末): only after a
        /// year.
        const YEAR_END: &str = r"(?P<yp>初|底|末|岁末)";
        /// Month and day in Arabic or Chinese numerals (一月二十日, 十二月三十一日, 元月 for January); a
        /// run of months (1至10月, 1-9月份, 一至三月, 1月至11月) and the year's first months or quarters (前10月, 前三季度;
        /// 今年前11个月 after a year only: alone, 前3个月 may be the three months before), as
        /// statistics reports write them.
        const PART: &str = concat!(
            r"(?:(?P<first>前)?(?:(?P<m0>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元)月?",
            range_mark!(),
            r")?",
            r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元)月份?",
            r"(?:(?P<d>3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])日",
            r"|(?P<part>上旬|中旬|下旬|初|底|末))?",
            r"|(?P<half>上半年|下半年)|(?P<firstq>前)?第?(?P<q>[一二三四1-4])季度|(?P<ye>年初|年底|年末)",
            r"|前(?P<nm>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])个月)",
        );

        /// The grammar at a position, every part optional.
        pub fn full() -> String {
            format!("{UPTO}{YEAR}?(?:{PART}|{YEAR_END})?")
        }

        /// The form the scan looks for, never empty, with the groups of the first `PART` only
        /// named (a name may open one group).
        pub fn scan() -> String {
            let unnamed = regex::Regex::new(r"\(\?P<\w+>").unwrap();
            format!("{UPTO}(?:{YEAR}(?:{PART}|{YEAR_END})?|{})", unnamed.replace_all(PART, "(?:"))
        }
    }

    /// Pieces of text dates are made of, and filler between them.
    const PIECES: [&str; 77] = [
        "截至",
        "截止到",
        "2021",
        "1998",
        "12021",
        "今年",
        "去年",
        "年",
        "月",
        "份",
        "日",
        "季度",
        "第",
        "一",
        "二",
        "十",
        "十二",
        "3",
        "31",
        "12",
        "上半年",
        "下旬",
        "年底",
        "初",
        "个",
        "。",
        "经济",
        "发展工作会议在京召开",
        "a",
        " ",
        "截止到2021年",
        "截止到十二月",
        "截至去年12月份下旬",
        "2021年第一季度",
        "1998年12月31日",
        "截止到第四季度",
        "一九九八年",
        "〇",
        "一月二十九日",
        "截止到一九九七年十二月三十一日",
        "底",
        "末",
        "2000年底",
        "至",
        "-",
        "—",
        "1至10月",
        "截止到十一至十二月",
        "截止到1996—2000年",
        "元月",
        "2021至",
        "1-9月份",
        "前",
        "前三季度",
        "目前",
        "个月",
        "前11个月",
        "今年前十一个月",
        "岁末",
        "三十一日",
        "0",
        "–",
        "~",
        "～",
        "零",
        "元",
        "上一年",
        "明年",
        "前年",
        "本年",
        "中旬",
        "上旬",
        "4",
        "5",
        "9",
        "七",
        "三十",
    ];

    /// The groups of a regex match of the grammar, as char offsets of the whole text, the
    /// haystack having started at char `p`.
    fn regex_spans(text: &str, c: &regex::Captures, p: usize) -> Spans {
        let chars = |b: usize| text[..b].chars().count();
        let mut sp = Spans::default();
        for g in 0..=GROUPS.len() {
            if let Some(m) = c.get(g) {
                sp.set(g, p + chars(m.start()), p + chars(m.end()));
            }
        }
        sp
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Scanning only near 年, 月 and 季 finds what a scan of the whole text finds.
        #[test]
        fn stretches_find_what_the_whole_text_holds(parts in prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..40)) {
            let scan = Regex::new(&grammar::scan()).unwrap();
            let doc = Document { text: parts.concat(), ..Document::default() };
            let ix = TextIndex::new(&doc);
            let whole: Vec<usize> =
                scan.find_iter(&doc.text).map(|m| doc.text[..m.start()].chars().count()).collect();
            prop_assert_eq!(DateRules.starts(&ix, &mut Vec::new()), whole);
        }

        /// The matcher matches what the grammar's regex matches, with every group, at every
        /// position of the text and with the text cut short, in both forms.
        #[test]
        fn the_matcher_is_the_grammar(parts in prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..12), cut in 0usize..8) {
            let full = Regex::new(&format!(r"\A(?:{})", grammar::full())).unwrap();
            let scan = Regex::new(&format!(r"\A(?:{})", grammar::scan())).unwrap();
            let text = parts.concat();
            let chars: Vec<char> = text.chars().collect();
            let byte: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
            let lim = chars.len().saturating_sub(cut);
            let m = Matcher { chars: &chars, lim };
            for p in 0..=lim {
                let hay = &text[byte[p]..byte[lim]];
                let want = full.captures(hay).map(|c| regex_spans(hay, &c, p));
                prop_assert_eq!(m.at_pos(p, false), want, "full form at {} of {:?}", p, &text[..byte[lim]]);
                // The scan reads where a match starts and ends only.
                let want = scan.captures(hay).map(|c| regex_spans(hay, &c, p).0[0]);
                prop_assert_eq!(m.at_pos(p, true).map(|s| s.0[0]), want, "scan form at {} of {:?}", p, &text[..byte[lim]]);
                if let Some(c) = want {
                    prop_assert!(may_start(chars[p]), "{:?} starts {:?}", chars[p], c);
                }
            }
        }
    }

    /// The matcher's group names are the regex's, in order.
    #[test]
    fn the_groups_are_the_grammars() {
        let re = Regex::new(&grammar::full()).unwrap();
        let names: Vec<&str> = re.capture_names().skip(1).map(|n| n.unwrap_or("")).collect();
        assert_eq!(names, GROUPS);
    }

    fn found(
        text: &str,
        published: Option<NaiveDate>,
    ) -> Vec<(String, Option<NaiveDate>, Option<NaiveDate>, &'static str)> {
        let doc = Document { text: text.to_string(), ..Document::default() };
        let ix = TextIndex::new(&doc);
        DateRules.find(&ix, published).into_iter().map(|d| (d.text, d.start_date, d.end_date, d.granularity)).collect()
    }

    #[test]
    fn dates_spelt_in_chinese_numerals() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let got = found("本报北京一月二十日讯，一九九八年十二月三十一日前完成，二〇〇〇年底见效。", day(1998, 1, 21));
        assert_eq!(
            got,
            [
                ("一月二十日".to_string(), day(1998, 1, 20), day(1998, 1, 20), "day"),
                ("一九九八年十二月三十一日".to_string(), day(1998, 12, 31), day(1998, 12, 31), "day"),
                ("二〇〇〇年底".to_string(), day(2000, 12, 1), day(2000, 12, 31), "month"),
            ]
        );
        // Nor is a run of five spelt digits a year.
        assert!(found("编号一二三四五年", None).is_empty());
    }

    /// Cases from the hand annotation of People's Daily texts (tests/fixtures/gold/pd_sample.json).
    #[test]
    fn decades_and_centuries() {
        let y = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
        let got =
            found("进入90年代以来,六十年代,20世纪90年代,面向21世纪,二十世纪,本世纪末,跨世纪,新世纪。", y(1998, 1, 5));
        assert_eq!(
            got,
            [
                ("90年代".to_string(), y(1990, 1, 1), y(1999, 12, 31), "decade"),
                ("六十年代".to_string(), y(1960, 1, 1), y(1969, 12, 31), "decade"),
                ("20世纪90年代".to_string(), y(1990, 1, 1), y(1999, 12, 31), "decade"),
                ("21世纪".to_string(), y(2001, 1, 1), y(2100, 12, 31), "century"),
                ("二十世纪".to_string(), y(1901, 1, 1), y(2000, 12, 31), "century"),
                ("本世纪".to_string(), y(1901, 1, 1), y(2000, 12, 31), "century"),
            ]
        );
        // A decade after publication is the century before's; without a publication date
        // 20年代 could be either.
        let got = found("上世纪80年代,90年代,20年代。", y(2025, 3, 1));
        assert_eq!(got[0], ("上世纪80年代".to_string(), y(1980, 1, 1), y(1989, 12, 31), "decade"));
        assert_eq!(got[1].1, y(1990, 1, 1));
        assert_eq!(got[2].1, y(2020, 1, 1));
        let got = found("90年代,20年代。", None);
        assert_eq!((got[0].1, got[1].1), (y(1990, 1, 1), None));
    }

    #[test]
    fn runs_of_years_and_months_with_their_own_marks() {
        let y = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
        let got = found("1993年至1997年,1996—2000年,1997年1月至11月份,3月至5月5日,1998年元月上旬,元月2日,月薪3000元月月发,1998年度预算。", y(1998, 1, 5));
        assert_eq!(
            got,
            [
                ("1993年至1997年".to_string(), y(1993, 1, 1), y(1997, 12, 31), "year"),
                ("1996—2000年".to_string(), y(1996, 1, 1), y(2000, 12, 31), "year"),
                ("1997年1月至11月份".to_string(), y(1997, 1, 1), y(1997, 11, 30), "month"),
                ("3月".to_string(), y(1998, 3, 1), y(1998, 3, 31), "month"),
                ("5月5日".to_string(), y(1998, 5, 5), y(1998, 5, 5), "day"),
                ("1998年元月上旬".to_string(), y(1998, 1, 1), y(1998, 1, 10), "dekad"),
                ("元月2日".to_string(), y(1998, 1, 2), y(1998, 1, 2), "day"),
                ("1998年度".to_string(), y(1998, 1, 1), y(1998, 12, 31), "year"),
            ]
        );
    }

    #[test]
    fn the_patterns_range_marks_are_is_range_mark() {
        let re = Regex::new(&format!("^{}$", range_mark!())).unwrap();
        for c in "至到-—–~～、和,.:~一十 ".chars() {
            assert_eq!(re.is_match(&c.to_string()), super::super::is_range_mark(c), "{c}");
        }
    }

    /// Cases from a reader's review of the mending above.
    #[test]
    fn money_before_a_month_counted_days_and_approximate_decades() {
        let y = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
        let got = found(
            "资金5万元至12月份全部到位,5亿元月均增长,连续三日下跌,自十日起施行,七八十年代,1997年6月13日—15日。",
            y(1998, 1, 20),
        );
        assert_eq!(
            got,
            [
                ("12月份".to_string(), y(1998, 12, 1), y(1998, 12, 31), "month"),
                ("十日".to_string(), y(1998, 1, 10), y(1998, 1, 10), "day"),
                ("七八十年代".to_string(), y(1970, 1, 1), y(1989, 12, 31), "decade"),
                ("1997年6月13日—15日".to_string(), y(1997, 6, 13), y(1997, 6, 15), "day"),
            ]
        );
    }

    #[test]
    fn days_in_chinese_numerals_and_months_named_from_publication() {
        let y = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
        let got = found(
            "美国政府八日宣布,连续两日上涨,三日游,克林顿将于本月20日访问,耐克公司上月称,今天下午会见。",
            y(1998, 1, 10),
        );
        assert_eq!(
            got,
            [
                ("八日".to_string(), y(1998, 1, 8), y(1998, 1, 8), "day"),
                ("本月20日".to_string(), y(1998, 1, 20), y(1998, 1, 20), "day"),
                ("上月".to_string(), y(1997, 12, 1), y(1997, 12, 31), "month"),
                ("今天".to_string(), y(1998, 1, 10), y(1998, 1, 10), "day"),
            ]
        );
    }
}
