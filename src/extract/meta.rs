//! Article metadata from the header and tail lines the clean stage labelled: title,
//! subtitle, publication date and time, source outlet, authors, editors and URL.
//!
//! Forms handled (all seen in real dumps): `2022-05-26 22:58:46来源:甘肃日报编辑:王奇英`,
//! `2024-09-28大河网-河南日报`, `《 人民日报 》( 2020年12月14日 10 版)`, `来源:【新甘肃】`,
//! `(中共三原县委组织部供稿)`, `责任编辑:林晓兵`, `原文链接:http://…/20220901/…`,
//! `(新甘肃·甘肃日报记者 谢晓玲)`, `□本报记者王小萍王雪红本报通讯员刘飞白世锋`, and a name
//! alone on a header line; in the story's first paragraph, a lead credit (`本报讯(记者 王刚
//! 通讯员 李明)`, `新华社贵阳12月31日电(记者刘子富)`, `本报讯 记者王刚报道:`), which stays
//! part of the text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;

use super::{is_han, Lists};
use crate::document::{Document, Meta, Role};
use crate::error::{Error, Result};
use crate::lexicon::Lexicon;

pub(crate) struct MetaRules {
    date: Regex,
    /// The minute of a release on its own line under the date (香港时间18时30分).
    local_time: Regex,
    key: Regex,
    paper: Regex,
    contributed: Regex,
    url: Regex,
    url_date: Regex,
    credit: Regex,
    lead: Regex,
    dateline: Regex,
    wire: Regex,
}

/// How an outlet's name ends (新华社, 明报, 中新网, 中央电视台, 中国新闻): one list for the
/// datelines and the bracketed wire credits.
macro_rules! outlet_end {
    () => {
        r"(?:社|报|网|电视台|电台|新闻)"
    };
}

/// A day of a dateline, in figures or Chinese numerals (5日, 十二月三十一日 after its month).
macro_rules! day_number {
    () => {
        r"[\d〇一二三四五六七八九十]{1,3}"
    };
}

/// A dateline opening a story: 本报讯, 本报北京1月5日讯, 新华社贵阳12月31日电, 中新网杭州12月5日电,
/// 据新华社北京1月5日电 (a story retold from the wire). An outlet other than 本报 and 新华社 is
/// a dateline's only with its date, and is the longest run before the place that ends in 社,
/// 报, 网, 电台, 电视台 or 新闻 (中国社会科学网, not 中国社; 中新网烟台, not 中新网烟台 for 台).
const DATELINE: &str = concat!(
    r"据?(?:(?P<agency>本报|新华社)[^\s()。,:]{0,16}?",
    r"|(?P<outlet>\p{Han}{1,8}",
    outlet_end!(),
    r")\p{Han}{0,8}?",
    day_number!(),
    "月",
    day_number!(),
    r"日)(?:讯|电)\s*"
);

/// A wire or paper credit in brackets opening a story, outlet first, as Taiwan's and Hong
/// Kong's press print it: (中央社记者曾智怡台北5日电), (中央社台北5日电), 【明报专讯】,
/// 【大公报讯】. The reporters' names run into the place (曾智怡台北), which
/// [`without_place_tail`] cuts off.
const WIRE: &str = concat!(
    r"^[(【\[]\s*据?(?P<outlet>\p{Han}{1,8}?",
    outlet_end!(),
    r")(?:(?:(?P<credit>(?:特约)?(?:记者|通讯员)[^()【】\[\]]{2,40}?)|\p{Han}{0,8}?)",
    day_number!(),
    "(?:月",
    day_number!(),
    r")?日(?:专电|电|讯)|专讯|讯|报道)\s*[)】\]]"
);

fn re(p: &str) -> Result<Regex> {
    Regex::new(p).map_err(|e| Error::config("extract meta pattern", e.to_string()))
}

impl MetaRules {
    pub fn new() -> Result<MetaRules> {
        Ok(MetaRules {
            date: re(
                // The day of the week after the date is no part of what follows it (2024年5月12日
                // (星期日) is no outlet); the minute is written 18:30 or 18时30分.
                r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:\s*[(]?(?:星期|周|礼拜)[一二三四五六日天][)]?)?(?:\s*(\d{1,2})[:时](\d{2})(?:分|:(\d{2}))?)?",
            )?,
            local_time: re(r"^(?:香港|澳门|北京|台北)时间\s*(\d{1,2})\s*[时:]\s*(\d{2})")?,
            key: re(
                r"(来源|稿源|信息来源|作者|责任编辑|编辑|责编|审核|审校|校对|记者|通讯员|原文链接|原文地址|发布时间|发布日期|浏览次数|点击数)\s*[:]",
            )?,
            paper: re(r"^《\s*(\S+?)\s*》\s*[(]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d+)\s*版)?")?,
            contributed: re(r"^[(](.{2,30})供稿[)]$")?,
            url: re(r"https?://[\x21-\x7e]+")?,
            url_date: re(r"/(20\d{2}|19\d{2})-?(\d{2})-?(\d{2})/|[/_]t?(20\d{2})(\d{2})(\d{2})_")?,
            credit: re(r"(?:(?:本报|特约)?(?:记者|通讯员|撰文|作者)\s*[:/]?|(?:文/图|文|图)\s*[:/])\s*")?,
            // A dateline (本报北京1月5日讯, 新华社贵阳12月31日电, 中新网杭州12月5日电) may open
            // the credit; a credit in brackets after it needs no credit word (新华社北京1月1日电
            // (江涛、曹斌)).
            lead: re(&format!(
                r"^(?:{DATELINE})?(?:[(](?P<inner>[^()]{{2,40}})[)]|(?P<credit>(?:本报|特约|新华社)?(?:记者|通讯员)[^:,。!?()]{{2,40}}?)报道\s*:)"
            ))?,
            dateline: re(&format!("^{DATELINE}"))?,
            wire: re(WIRE)?,
        })
    }

    pub fn extract(&self, doc: &Document, lists: &Lists, lexicon: &Lexicon) -> Meta {
        let mut m = Meta::default();
        let mut contributor = None;
        for p in &doc.paragraphs {
            match p.role {
                Role::Title if m.title.is_none() => m.title = Some(p.text.clone()),
                Role::Subtitle => m.subtitle = Some(p.text.clone()),
                Role::Meta => self.meta_line(&p.text, &mut m, &mut contributor, lists),
                Role::Byline => self.byline(&p.text, &mut m, lists),
                _ => {}
            }
        }
        let lead = doc.paragraphs.iter().find(|p| p.role == Role::Body);
        if let Some(first) = lead {
            if let Some(c) = self.lead.captures(&first.text) {
                // Brackets alone (no dateline before them) are an aside, not a credit.
                let dated = c.get(0).is_some_and(|w| !w.as_str().starts_with('('));
                match (c.name("inner"), c.name("credit")) {
                    (Some(inner), _) if dated => self.byline(inner.as_str(), &mut m, lists),
                    (_, Some(credit)) => self.byline(credit.as_str(), &mut m, lists),
                    _ => {}
                }
            }
        }
        if let Some(c) = lead.and_then(|p| self.wire.captures(&p.text)) {
            if let Some(credit) = c.name("credit") {
                self.byline(without_place_tail(credit.as_str(), lexicon), &mut m, lists);
            }
            let outlet = c.name("outlet").map(|o| o.as_str()).filter(|&o| o != "本报");
            set_once(&mut m.source, outlet.map(str::to_string));
        }
        if m.source.is_none() {
            m.source = contributor;
        }
        // The wire or site whose dateline opens the story is its source, where the page names
        // none (本报 is the page's own paper, unnamed).
        if let Some((c, text)) = lead.and_then(|p| Some((self.dateline.captures(&p.text)?, &p.text))) {
            // A generic outlet's dateline stands apart from the story (a space, a bracket, a
            // colon): 南方电网12月5日电价下调 is a sentence, not 南方电网's dateline.
            let whole = c.get(0).expect("invariant: group 0");
            let apart = whole.as_str().ends_with(char::is_whitespace)
                || text[whole.end()..].chars().next().is_none_or(|n| matches!(n, '(' | ':' | '【'));
            let outlet = c.name("agency").filter(|a| a.as_str() != "本报").or(c.name("outlet").filter(|_| apart));
            set_once(&mut m.source, outlet.map(|o| o.as_str().to_string()));
        }
        if m.published_date.is_none() {
            if let Some(url) = &m.url {
                m.published_date = self.url_date.captures(url).and_then(|c| {
                    let g = |a: usize, b: usize| c.get(a).or(c.get(b)).map(|x| x.as_str());
                    ymd(g(1, 4)?, g(2, 5)?, g(3, 6)?)
                });
            }
        }
        dedup(&mut m.authors);
        dedup(&mut m.editors);
        m
    }

    fn meta_line(&self, line: &str, m: &mut Meta, contributor: &mut Option<String>, lists: &Lists) {
        if let Some(c) = self.paper.captures(line) {
            set_once(&mut m.source, clean_source(&c[1]));
            if m.published_date.is_none() {
                m.published_date = ymd(&c[2], &c[3], &c[4]);
            }
            return;
        }
        if let Some(c) = self.local_time.captures(line) {
            // All four keep UTC+8, Beijing's time, as `published_at` does.
            if let (Some(d), None) = (m.published_date, m.published_at) {
                m.published_at = at_minute(d, &c[1], &c[2], "0");
            }
            return;
        }
        if let Some(c) = self.contributed.captures(line) {
            *contributor = Some(c[1].trim().to_string());
            return;
        }
        let mut rest_start = 0;
        if let Some(c) = self.date.captures(line) {
            let whole = c.get(0).expect("invariant: group 0");
            if whole.start() == 0 || m.published_date.is_none() {
                if let Some(d) = ymd(&c[1], &c[2], &c[3]) {
                    // A later line may give the time of the date already found (a page's
                    // meta tag has the day, the line under the headline the minute).
                    let adds_time = m.published_date == Some(d) && m.published_at.is_none() && c.get(4).is_some();
                    if m.published_date.is_none() || adds_time {
                        m.published_date = Some(d);
                        if let (Some(h), Some(mi)) = (c.get(4), c.get(5)) {
                            let s = c.get(6).map_or("0", |x| x.as_str());
                            m.published_at = at_minute(d, h.as_str(), mi.as_str(), s);
                        }
                    }
                }
            }
            if whole.start() == 0 {
                rest_start = whole.end();
            }
        }
        // key:value pairs, each value running to the next key.
        let keys: Vec<_> = self.key.captures_iter(line).collect();
        if keys.is_empty() {
            // `2024-09-28大河网-河南日报`: what follows a leading date is the outlet; when a
            // site names the paper it reposts (大河网-河南日报), the paper is the source.
            let rest = line[rest_start..].trim();
            // Not a clause (19时15分,他离开了…) nor a place of writing (1998年1月1日于北京).
            let clause = rest.contains([',', '。', ';', '!', '?', '、']) || rest.starts_with(['于', '在']);
            if rest_start > 0 && !rest.is_empty() && rest.chars().count() <= 30 && !clause {
                let outlet = rest.rsplit(['-', '|', ' ']).find(|s| !s.trim().is_empty()).unwrap_or(rest);
                set_once(&mut m.source, clean_source(outlet));
            }
            return;
        }
        if rest_start > 0 && keys[0].get(0).is_some_and(|k| k.start() > rest_start) {
            let between = line[rest_start..keys[0].get(0).expect("invariant").start()].trim();
            if !between.is_empty() && between.chars().count() <= 20 {
                set_once(&mut m.source, clean_source(between));
            }
        }
        for (i, k) in keys.iter().enumerate() {
            let whole = k.get(0).expect("invariant: group 0");
            let end = keys.get(i + 1).map_or(line.len(), |n| n.get(0).expect("invariant").start());
            let value = line[whole.end()..end].trim();
            match &k[1] {
                "来源" | "稿源" | "信息来源" => set_once(&mut m.source, clean_source(value)),
                "作者" | "记者" | "通讯员" => m.authors.extend(split_names(value, lists)),
                "编辑" | "责任编辑" | "责编" => m.editors.extend(split_names(value, lists)),
                "原文链接" | "原文地址" => {
                    if let Some(u) = self.url.find(value) {
                        m.url.get_or_insert_with(|| u.as_str().to_string());
                    }
                }
                _ => {}
            }
        }
    }

    fn byline(&self, line: &str, m: &mut Meta, lists: &Lists) {
        let inner = line.trim_matches(|c| matches!(c, '(' | ')' | '□' | '■' | ' '));
        // 记者王刚报道: — the credit's closing words are no name.
        let inner = inner.trim_end_matches([':', ' ']);
        let inner = inner.strip_suffix("报道").unwrap_or(inner);
        let credits: Vec<_> = self.credit.find_iter(inner).collect();
        if credits.is_empty() {
            m.authors.extend(split_names(inner, lists));
            return;
        }
        for (i, c) in credits.iter().enumerate() {
            let end = credits.get(i + 1).map_or(inner.len(), |n| n.start());
            m.authors.extend(split_names(&inner[c.end()..end], lists));
        }
    }
}

/// A credit without the place of writing its names run into (记者曾智怡台北 → 记者曾智怡): the
/// longest tail of two to four characters that jieba's dictionary tags a place or the
/// division table or world list names, when a name of two characters or more stays before it
/// (记者王长江 keeps 长江).
fn without_place_tail<'a>(credit: &'a str, lexicon: &Lexicon) -> &'a str {
    for len in (2..=4).rev() {
        let Some((at, _)) = credit.char_indices().rev().nth(len - 1) else { continue };
        let (head, tail) = credit.split_at(at);
        let place = lexicon.places.by_name.contains_key(tail)
            || lexicon.word_info(tail).is_some_and(|(tag, _)| tag.starts_with("ns"));
        // The name before it, after the credit word or a separator (记者王长江: 长江 is his).
        let name = head.rsplit(['、', ' ', ',']).next().unwrap_or(head);
        let name = name.rsplit_once("记者").or_else(|| name.rsplit_once("通讯员")).map_or(name, |(_, n)| n);
        if place && name.chars().filter(|&c| is_han(c)).count() >= 2 {
            return head;
        }
    }
    credit
}

/// The date `d` at `h:mi:s`, if those make a time of day.
fn at_minute(d: NaiveDate, h: &str, mi: &str, s: &str) -> Option<NaiveDateTime> {
    let n = |x: &str| x.parse().unwrap_or(99);
    NaiveTime::from_hms_opt(n(h), n(mi), n(s)).map(|t| NaiveDateTime::new(d, t))
}

fn ymd(y: &str, mo: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, mo.parse().ok()?, d.parse().ok()?)
        .filter(|d| (1949..=2100).contains(&chrono::Datelike::year(d)))
}

fn set_once(slot: &mut Option<String>, v: Option<String>) {
    if slot.is_none() {
        *slot = v;
    }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// Strips brackets and filler from an outlet name; None when nothing is left.
fn clean_source(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_matches(|c: char| matches!(c, '【' | '】' | '[' | ']' | '《' | '》' | ' ' | ':' | '-' | '|'))
        .trim();
    let s = s.split([' ', '|']).next().unwrap_or("");
    (!s.is_empty() && s.chars().count() <= 30).then(|| s.to_string())
}

/// Splits a credit into names: separators first, then runs of names written together
/// (王小萍王雪红 → 王小萍, 王雪红), cut where every piece starts with a surname.
pub(crate) fn split_names(s: &str, lists: &Lists) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split([' ', '、', ',', ';', '/', '·', '(', ')', '【', '】', '[', ']']) {
        // Keep only the trailing run of Han characters: `甘肃日报记者 谢晓玲` has had its
        // credit word removed already; `新甘肃·甘肃日报` is an outlet, not a name.
        let chars: Vec<char> = part.chars().filter(|&c| is_han(c)).collect();
        if chars.len() < 2 || chars.len() != part.chars().count() {
            continue;
        }
        if let Some(names) = cut_names(&chars, lists) {
            out.extend(names);
        }
    }
    out
}

/// Cuts a run of Han characters into names of 2–3 characters (4 with a compound surname),
/// each starting with a surname; the cut with the fewest pieces wins.
fn cut_names(chars: &[char], lists: &Lists) -> Option<Vec<String>> {
    let n = chars.len();
    // best[i] = fewest names covering chars[i..], with the first cut length.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[n] = Some((0, 0));
    for i in (0..n).rev() {
        let compound = lists.compound_surnames.iter().any(|c| chars[i..].starts_with(c));
        if !compound && !lists.surnames.contains(&chars[i]) {
            continue;
        }
        let lens: &[usize] = if compound { &[3, 4] } else { &[3, 2] };
        for &l in lens {
            if i + l <= n {
                if let Some((k, _)) = best[i + l] {
                    if best[i].is_none_or(|(bk, _)| k + 1 < bk) {
                        best[i] = Some((k + 1, l));
                    }
                }
            }
        }
    }
    best[0]?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let (_, l) = best[i]?;
        let name: String = chars[i..i + l].iter().collect();
        if lists.not_names.contains(&name) {
            return None;
        }
        out.push(name);
        i += l;
    }
    Some(out)
}

/// Fields a record states outright win over what extraction found.
pub(crate) fn apply_fields(doc: &mut Document) {
    let Some(f) = doc.fields.take() else { return };
    if let Some(t) = f.title.filter(|t| !t.trim().is_empty()) {
        doc.meta.title = Some(t.trim().to_string());
    }
    if let Some(u) = f.url.filter(|u| !u.trim().is_empty()) {
        doc.meta.url = Some(u.trim().to_string());
    }
    if let Some(s) = f.source.filter(|s| !s.trim().is_empty()) {
        doc.meta.source = Some(s.trim().to_string());
    }
    if let Some(d) = f.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        match record_time(d) {
            Some((date, at)) => {
                doc.meta.published_date = Some(date);
                doc.meta.published_at = at;
            }
            // What extraction found stands; the record's field is named as not read.
            None => doc.warnings.push("record_date_unread".into()),
        }
    }
}

/// A record's date field as a day and, when it gives one, a time, both in Beijing time as
/// `published_at` keeps them: RFC 3339 and ISO 8601 with an offset or `Z` and RFC 2822
/// (`Mon, 01 May 2023 10:00:00 GMT`) converted from their zone; Unix seconds or milliseconds;
/// and, taken as Beijing's own, 2023-05-01, 2023/5/1, 2023.05.01 and 2023年5月1日, each with
/// an optional 10:00 or 10:00:00. Years outside 1900 to 2100 are none (0000-01-01 is a
/// placeholder).
fn record_time(raw: &str) -> Option<(NaiveDate, Option<NaiveDateTime>)> {
    use chrono::{DateTime, Datelike, FixedOffset};
    let beijing = FixedOffset::east_opt(8 * 3600)?;
    let in_range = |d: NaiveDate| (1900..=2100).contains(&d.year());
    let instant = |t: DateTime<FixedOffset>| {
        let local = t.with_timezone(&beijing).naive_local();
        in_range(local.date()).then_some((local.date(), Some(local)))
    };
    if matches!(raw.len(), 10 | 13) && raw.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = raw.parse().ok()?;
        let secs = if raw.len() == 13 { n / 1000 } else { n };
        return instant(DateTime::from_timestamp(secs, 0)?.fixed_offset());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw).or_else(|_| DateTime::parse_from_rfc2822(raw)) {
        return instant(t);
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M%:z"] {
        if let Ok(t) = DateTime::parse_from_str(raw, f) {
            return instant(t);
        }
    }
    // Beijing's own time: the day's separators made dashes, then the time if any.
    let (day, time) = match raw.find(['T', ' ', '日']) {
        Some(k) => (&raw[..k], raw[k..].trim_start_matches(['T', ' ', '日']).trim()),
        None => (raw, ""),
    };
    let day: String = day.chars().map(|c| if matches!(c, '年' | '月' | '/' | '.') { '-' } else { c }).collect();
    let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok().filter(|&d| in_range(d))?;
    if time.is_empty() {
        return Some((date, None));
    }
    let time = ["%H:%M:%S%.f", "%H:%M"].iter().find_map(|f| NaiveTime::parse_from_str(time, f).ok())?;
    Some((date, Some(date.and_time(time))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's date in every form dumps write it, kept in Beijing time: an instant with
    /// a zone converted to it (10:00Z is 18:00), a time without one taken as Beijing's.
    #[test]
    fn record_dates_in_their_zones() {
        let at = |s: &str| record_time(s).map(|(d, t)| (d.to_string(), t.map(|t| t.to_string())));
        let day = |d: &str, t: Option<&str>| Some((d.to_string(), t.map(str::to_string)));
        assert_eq!(at("2023-05-01T10:00:00Z"), day("2023-05-01", Some("2023-05-01 18:00:00")));
        assert_eq!(at("2023-05-01T10:00:00+00:00"), day("2023-05-01", Some("2023-05-01 18:00:00")));
        assert_eq!(at("2023-05-01T20:00:00-05:00"), day("2023-05-02", Some("2023-05-02 09:00:00")));
        assert_eq!(at("2023-05-01T10:00:00+08:00"), day("2023-05-01", Some("2023-05-01 10:00:00")));
        assert_eq!(at("Mon, 01 May 2023 10:00:00 GMT"), day("2023-05-01", Some("2023-05-01 18:00:00")));
        assert_eq!(at("1682935200"), day("2023-05-01", Some("2023-05-01 18:00:00")));
        assert_eq!(at("1682935200000"), day("2023-05-01", Some("2023-05-01 18:00:00")));
        assert_eq!(at("2023-05-01 10:00:00"), day("2023-05-01", Some("2023-05-01 10:00:00")));
        assert_eq!(at("2023-05-01 10:00"), day("2023-05-01", Some("2023-05-01 10:00:00")));
        assert_eq!(at("2023/5/1"), day("2023-05-01", None));
        assert_eq!(at("2023.05.01"), day("2023-05-01", None));
        assert_eq!(at("2023年5月1日"), day("2023-05-01", None));
        assert_eq!(at("2023年05月01日 10:00:00"), day("2023-05-01", Some("2023-05-01 10:00:00")));
        assert_eq!(at("0000-01-01"), None);
        assert_eq!(at("yesterday"), None);
    }
}
