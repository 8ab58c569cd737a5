//! Clean: normalise the decoded text and give every line a role.
//!
//! Normalisation folds full-width ASCII to ASCII (as NFKC does) but keeps Chinese
//! punctuation (。、“”《》…), removes control and zero-width characters, collapses spaces,
//! strips pinyin annotations (`强(qiáng)`), and converts Traditional script to Simplified with
//! OpenCC when the document is not already Simplified.
//!
//! Roles come from the patterns in `config/boilerplate.toml` and from position: the lines
//! before the first body line are the header (title, subtitle, meta, byline), a tail marker
//! (copyright, related links, comments) ends the article. Only body and in-article headings
//! are kept in `documents.text`.

use std::sync::{Arc, LazyLock};

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::config::{read_data, CleanConfig};
use crate::document::{Document, Paragraph, Role};
use crate::error::{Error, Result};
use crate::lexicon::{builtin, Lexicon};

/// The pattern file, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternFile {
    tail_markers: Vec<String>,
    boilerplate: Vec<String>,
    section_labels: Vec<String>,
    site_names: Vec<String>,
    captions: Vec<String>,
    meta: Vec<String>,
    bylines: Vec<String>,
    trailing_byline: String,
}

/// Compiled line patterns.
struct Patterns {
    lines: LineSets,
    trailing_byline: Regex,
}

/// The keys of the pattern file that sort whole lines, as bits of a [`Classes`].
const META: u8 = 1;
const BYLINE: u8 = 1 << 1;
const TAIL: u8 = 1 << 2;
const BOILERPLATE: u8 = 1 << 3;
const CAPTION: u8 = 1 << 4;
const SECTION: u8 = 1 << 5;
const SITE: u8 = 1 << 6;

/// Which keys' patterns a line matches.
#[derive(Clone, Copy)]
struct Classes(u8);

impl Classes {
    fn has(self, key: u8) -> bool {
        self.0 & key != 0
    }
}

/// Every key's patterns in two sets, those anchored at the line start (`^…`) and the rest,
/// asked once per line for all keys.
///
/// One set per key made seven searches of every line, each with the regex engine's fixed
/// cost of a call; one set of the anchored patterns answers them all, and dies within a few
/// characters of a line that matches none. Splitting off the unanchored patterns keeps that
/// true: one of them (版权所有) in the set turned it into a search over every position of
/// every line, 0.6 GB/s against 10 GB/s for the anchored patterns alone.
struct LineSets {
    anchored: RegexSet,
    /// The key of each pattern of `anchored`, in order.
    anchored_keys: Vec<u8>,
    floating: RegexSet,
    floating_keys: Vec<u8>,
}

impl LineSets {
    fn new(keyed: &[(&str, u8, &[String])]) -> Result<LineSets> {
        let (mut anchored, mut anchored_keys, mut floating, mut floating_keys) = (vec![], vec![], vec![], vec![]);
        for &(name, key, pats) in keyed {
            for (i, p) in pats.iter().enumerate() {
                Regex::new(p).map_err(|e| Error::config(format!("clean.patterns {name}[{i}]"), e.to_string()))?;
                if p.starts_with('^') {
                    anchored.push(p.as_str());
                    anchored_keys.push(key);
                } else {
                    floating.push(p.as_str());
                    floating_keys.push(key);
                }
            }
        }
        let set = |pats: Vec<&str>| RegexSet::new(pats).map_err(|e| Error::config("clean.patterns", e.to_string()));
        Ok(LineSets { anchored: set(anchored)?, anchored_keys, floating: set(floating)?, floating_keys })
    }

    fn classes(&self, line: &str) -> Classes {
        let mut bits = 0;
        for (set, keys) in [(&self.anchored, &self.anchored_keys), (&self.floating, &self.floating_keys)] {
            if !keys.is_empty() {
                bits |= set.matches(line).iter().fold(0, |b, i| b | keys[i]);
            }
        }
        Classes(bits)
    }
}

impl Patterns {
    fn parse(text: &str) -> Result<Patterns> {
        let f: PatternFile =
            toml::from_str(text).map_err(|e| Error::config("clean.patterns", e.message().to_string()))?;
        Ok(Patterns {
            lines: LineSets::new(&[
                ("tail_markers", TAIL, &f.tail_markers),
                ("boilerplate", BOILERPLATE, &f.boilerplate),
                ("section_labels", SECTION, &f.section_labels),
                ("site_names", SITE, &f.site_names),
                ("captions", CAPTION, &f.captions),
                ("meta", META, &f.meta),
                ("bylines", BYLINE, &f.bylines),
            ])?,
            trailing_byline: Regex::new(&f.trailing_byline)
                .map_err(|e| Error::config("clean.patterns trailing_byline", e.to_string()))?,
        })
    }
}

/// The clean stage.
pub struct Cleaner {
    patterns: Patterns,
    t2s: bool,
    strip_pinyin: bool,
    max_heading_chars: usize,
    lexicon: Arc<Lexicon>,
}

/// Longest line that can still be a title.
const MAX_TITLE_CHARS: usize = 64;

impl Cleaner {
    /// Builds the stage: reads and compiles the pattern file.
    ///
    /// # Errors
    /// `Error::Config` naming the bad pattern; `Error::Io` if the file cannot be read.
    pub fn new(cfg: &CleanConfig, lexicon: Arc<Lexicon>) -> Result<Cleaner> {
        let (text, _) = read_data(&cfg.patterns, builtin::PATTERNS)?;
        Ok(Cleaner {
            patterns: Patterns::parse(&text)?,
            t2s: cfg.traditional_to_simplified,
            strip_pinyin: cfg.strip_pinyin,
            max_heading_chars: cfg.max_heading_chars,
            lexicon,
        })
    }

    /// Normalises `doc.raw_text`, sets `script`, fills `paragraphs` and `text`.
    pub fn clean(&self, doc: &mut Document) {
        self.clean_with(doc, false);
    }

    /// Like [`Cleaner::clean`], but every non-empty line is body: for text known to be
    /// article text already (evaluation corpora, `text` fields of JSON records).
    pub fn clean_body(&self, doc: &mut Document) {
        self.clean_with(doc, true);
    }

    fn clean_with(&self, doc: &mut Document, all_body: bool) {
        let mut raw = std::mem::take(&mut doc.raw_text);
        // Markup first: a page becomes the lines of its article; tags inside a text file or
        // a record's text are stripped to text.
        let page = doc.format == "html" || doc.format != "xml" && crate::html::looks_like_html(&raw);
        let xml = !page && doc.format != "xml" && crate::html::looks_like_xml(&raw);
        if xml {
            raw = crate::html::open_cdata(&raw).into_owned();
        }
        let inline = !page && (xml || crate::html::has_inline_markup(&raw));
        if (page || inline) && crate::html::nesting_depth(&raw, crate::html::MAX_DEPTH) > crate::html::MAX_DEPTH {
            raw = crate::html::flat_text(&raw);
            doc.warnings.push("markup_too_deep".into());
        } else if page {
            raw = crate::html::article_text(&raw);
        } else if inline {
            raw = crate::html::strip_markup(&raw);
            doc.repairs.push("markup_stripped".into());
        }
        if page {
            doc.format = "html";
        }
        let raw = match decode_entities(&raw) {
            Some((t, n)) => {
                doc.repairs.push(format!("html_entities:{n}"));
                t
            }
            None => raw,
        };
        let mut text = normalize(&raw);
        if self.strip_pinyin {
            let (stripped, n, lost) = strip_pinyin(&text);
            if n > 0 {
                doc.repairs.push(format!("pinyin_annotations:{n}"));
            }
            if lost > 0 {
                doc.repairs.push(format!("lost_characters:{lost}"));
            }
            text = stripped;
        }
        let (script, converted) = self.script(&text);
        doc.script = script;
        if let Some(c) = converted {
            text = c;
            doc.repairs.push("traditional_to_simplified".into());
        }
        doc.paragraphs = if all_body {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Paragraph { role: Role::Body, text: l.to_string(), start: Some(0) })
                .collect()
        } else {
            let stated = doc.fields.as_ref().and_then(|f| f.title.as_deref()).map(|t| normalize(t.trim()));
            let page = doc.format == "html";
            self.roles(&text, doc.fields.is_some(), page, stated.as_deref().filter(|t| !t.is_empty()))
        };
        let mut body = String::with_capacity(text.len());
        let mut chars = 0u32;
        for p in doc.paragraphs.iter_mut() {
            if p.start.is_some() {
                if !body.is_empty() {
                    body.push('\n');
                    chars += 1;
                }
                p.start = Some(chars);
                body.push_str(&p.text);
                chars += p.text.chars().count() as u32;
            }
        }
        doc.text = body;
    }

    /// Classifies the script by the share of characters that mark Traditional script (a
    /// table lookup per character) and converts with OpenCC only the lines holding one.
    fn script(&self, text: &str) -> (&'static str, Option<String>) {
        let (mut han, mut trad) = (0usize, 0usize);
        for c in text.chars().filter(|&c| is_han(c)) {
            han += 1;
            if self.lexicon.marks_traditional(c) {
                trad += 1;
            }
        }
        if han == 0 {
            return ("none", None);
        }
        let ratio = trad as f64 / han as f64;
        let script = if trad == 0 || ratio < 0.002 {
            "simplified"
        } else if ratio >= 0.08 {
            "traditional"
        } else {
            "mixed"
        };
        if trad == 0 || !self.t2s {
            return (script, None);
        }
        // Line by line, and only the lines holding a Traditional-only character: OpenCC's
        // phrase matching costs the same on Simplified text, and no phrase spans a line.
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            if line.chars().any(|c| self.lexicon.marks_traditional(c)) {
                out.push_str(&self.lexicon.t2s.convert(line));
            } else {
                out.push_str(line);
            }
        }
        (script, Some(out))
    }

    /// Gives each non-empty line a role; kept lines get `start = Some(_)` (offset set later).
    ///
    /// A record of a dump (JSON Lines, CSV, `<doc>`) is text the dump's own fields frame:
    /// where it states its title, the text is read as body from its first line (a line that
    /// repeats the title is the title); where the text is one headline-like line and no
    /// more (no byline, no metadata), that line is the body, not a title over an empty
    /// `documents.text`.
    fn roles(&self, text: &str, record: bool, page: bool, stated_title: Option<&str>) -> Vec<Paragraph> {
        let p = &self.patterns;
        let mut out: Vec<Paragraph> = Vec::new();
        let mut in_tail = false;
        // First pass: what the patterns say; `None` is left to position.
        let mut lines: Vec<(String, Option<Role>)> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            // A metadata line is short or holds no finished sentence: a line of prose that
            // opens with a date (1998年1月1日上午9时,中华人民共和国驻南非大使馆……。) is body, and
            // so is a short one whose clause runs on to a full stop (1998年1月1日19时15分,他
            // 离开了亲人。).
            let prose = || {
                line.len() > 150 && count_sentence_ends(line) >= 1
                    || line.ends_with(['。', '!', '?']) && line.contains(',')
            };
            let c = p.lines.classes(line);
            let role = if c.has(META) && !prose() {
                Some(Role::Meta)
            } else if c.has(BYLINE) && line.chars().count() <= 60 && !reporter_at_work(line) {
                // A credit that runs on into the story (记者王刚报道:各地要抓好落实。): the
                // credit is the byline, what follows its colon is body, not lost with it.
                if let Some(k) = lead_credit_end(line).filter(|_| !in_tail) {
                    lines.push((line[..k].trim_end().to_string(), Some(Role::Byline)));
                    lines.push((line[k..].trim_start().to_string(), Some(Role::Body)));
                    continue;
                }
                Some(Role::Byline)
            } else if in_tail || c.has(TAIL) {
                in_tail = true;
                Some(Role::Boilerplate)
            } else if c.has(BOILERPLATE) || is_nav_bar(line) {
                Some(Role::Boilerplate)
            } else if c.has(CAPTION) {
                Some(Role::Caption)
            } else if c.has(SECTION) {
                Some(Role::Heading)
            } else {
                None
            };
            // A reporter credit closing the last body paragraph: split it off.
            if role.is_none() {
                if let Some(m) = p.trailing_byline.find(line) {
                    if m.start() > 0 {
                        lines.push((line[..m.start()].trim_end().to_string(), None));
                        lines.push((m.as_str().to_string(), Some(Role::Byline)));
                        continue;
                    }
                }
            }
            lines.push((line.to_string(), role));
        }
        // Second pass: header, then body. `guessed` holds the lines of `out` given a
        // subtitle's or metadata's role by position alone (no pattern said so).
        let mut guessed: Vec<usize> = Vec::new();
        // The lines made bylines by their shape alone (a short line of name-like words).
        let mut names: Vec<usize> = Vec::new();
        let mut in_body = stated_title.is_some();
        let mut title: Option<String> = None;
        let mut has_subtitle = false;
        for i in 0..lines.len() {
            let (line, role) = &lines[i];
            let n = line.chars().count();
            let role = match role {
                None if title.is_none() && stated_title == Some(line.as_str()) => {
                    title = Some(line.clone());
                    Role::Title
                }
                Some(Role::Heading) if !in_body => Role::Meta,
                Some(Role::Body) => {
                    in_body = true;
                    Role::Body
                }
                Some(r) => *r,
                None if !(in_body || is_body_like(line, n) || title.is_some() && opens_what_follows(line, n)) => {
                    if title.is_none() && p.lines.classes(line).has(SITE) {
                        Role::Boilerplate
                    } else if title.is_some() && is_stamp(line, n) {
                        Role::Meta
                    } else if title.is_none() {
                        match line.split_once("——") {
                            Some((t, sub)) if !t.trim().is_empty() => {
                                title = Some(t.trim().to_string());
                                out.push(Paragraph { role: Role::Title, text: t.trim().to_string(), start: None });
                                if !sub.trim().is_empty() {
                                    has_subtitle = true;
                                    out.push(Paragraph {
                                        role: Role::Subtitle,
                                        text: sub.trim().to_string(),
                                        start: None,
                                    });
                                }
                                continue;
                            }
                            _ => {
                                title = Some(line.clone());
                                Role::Title
                            }
                        }
                    } else if title.as_deref() == Some(line.as_str()) {
                        Role::Title
                    } else if line.starts_with("——") || line.starts_with("--") {
                        Role::Subtitle
                    } else if is_name_line(line) {
                        names.push(out.len());
                        Role::Byline
                    } else if !has_subtitle {
                        has_subtitle = true;
                        guessed.push(out.len());
                        Role::Subtitle
                    } else {
                        guessed.push(out.len());
                        Role::Meta
                    }
                }
                None => {
                    in_body = true;
                    // A short line above a photographer's credit is the photo's caption
                    // (村民在晾晒香菇。 / 王刚 摄); above a caption that stands whole
                    // (图为……。(记者王刚摄)) a sentence is the story's, and only a line
                    // that is none (图片:, a photo's title) goes with the caption.
                    let next_caption = lines.get(i + 1).filter(|(_, r)| *r == Some(Role::Caption));
                    let caption_above = next_caption.is_some_and(|(next, _)| {
                        if is_photo_credit(next) {
                            count_sentence_ends(line) <= 1
                        } else {
                            !has_terminal_punct(line)
                        }
                    });
                    if caption_above && n <= 40 {
                        Role::Caption
                    } else if n <= self.max_heading_chars && !has_terminal_punct(line) && !opens_what_follows(line, n) {
                        Role::Heading
                    } else {
                        Role::Body
                    }
                }
            };
            if role == Role::Subtitle {
                let text = line.trim_start_matches(['—', '-']).trim().to_string();
                out.push(Paragraph { role, text, start: None });
                continue;
            }
            let kept = role == Role::Body || (role == Role::Heading && in_body);
            out.push(Paragraph { role, text: line.clone(), start: kept.then_some(0) });
        }
        if record && out.iter().all(|q| matches!(q.role, Role::Title | Role::Subtitle)) {
            for q in &mut out {
                q.role = Role::Body;
                q.start = Some(0);
            }
        }
        // Short lines only, none of them body (a poem, a list of figures saved as text):
        // below the title, the lines that took a subtitle's or metadata's role by position
        // alone are the body, where they had left `documents.text` empty. Lines a pattern
        // named keep their role, and so do names (bylines), stamps and the title repeated.
        // Not in a page, whose lines with no body are its furniture (a login form's links),
        // nor a file's name (an attachment's).
        guessed.retain(|&i| !file_name(&out[i].text));
        if !page && guessed.len() >= 2 && !out.iter().any(|q| q.role == Role::Body) {
            // A name-shaped line with lines of the text after it is one of them (a poem's
            // 早已消失); at the end it signs the text.
            let last = guessed[guessed.len() - 1];
            guessed.extend(names.iter().filter(|&&i| i < last));
            for &i in &guessed {
                out[i].role = Role::Body;
                out[i].start = Some(0);
            }
        }
        // Headings after the last body line (tail furniture without a marker) are not kept.
        if let Some(last_body) = out.iter().rposition(|q| q.role == Role::Body) {
            for q in out.iter_mut().skip(last_body + 1) {
                if q.role == Role::Heading {
                    q.role = Role::Boilerplate;
                    q.start = None;
                }
            }
        }
        out
    }
}

/// A line that is a file's name (附件1.pdf, 统计表.xls): an attachment's link.
fn file_name(line: &str) -> bool {
    const EXTENSIONS: [&str; 11] =
        [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".jpg", ".png"];
    let lower = line.trim_end().to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// Sentence-final punctuation at the end of a line (before closing quotes).
fn has_terminal_punct(line: &str) -> bool {
    let t = line.trim_end_matches(['”', '’', '」', '』', ')', '"', '\'']);
    t.ends_with(['。', '!', '?', '…', ';', '.'])
}

/// A caption line that is a photographer's credit and no more: (本报记者王刚摄),
/// 摄影:王刚, 王刚 摄.
fn is_photo_credit(line: &str) -> bool {
    let t = line.trim_end_matches([')', '）', ' ']);
    let bare = !t.starts_with('图') && !t.contains(['。', '!', '?']) && t.chars().count() <= 25;
    line.starts_with("摄影") || line.starts_with("摄:") || line.starts_with("摄/") || bare && t.ends_with('摄')
}

/// A sentence whose subject is the reporter (记者从市教育局获悉:……, 记者近日走访……): the
/// story's first line, not a credit, though it opens with 记者.
fn reporter_at_work(line: &str) -> bool {
    const DOING: [&str; 11] = ["从", "在", "获悉", "了解", "近日", "日前", "走访", "来到", "看到", "注意到", "采访"];
    line.strip_prefix("记者").is_some_and(|rest| DOING.iter().any(|w| rest.starts_with(w)))
        && count_sentence_ends(line) >= 1
}

/// Where the story starts in a byline line that goes on past its credit: just after the
/// first colon within the credit's length, when what follows is a finished sentence and
/// the credit before it ends in 报道 (记者王刚报道:各地要抓好落实。) or is an interviewer's
/// label before a question of ten characters or more (记者:这次压锭与以前有何不同?). A credit
/// alone (记者:王刚 李明。) is not cut; nor is a sentence about a reporter (记者从市教育局
/// 获悉:…), which is no byline at all ([`reporter_at_work`]).
fn lead_credit_end(line: &str) -> Option<usize> {
    let (i, c) = line.char_indices().take(40).find(|&(_, c)| matches!(c, ':' | '：'))?;
    let rest = line[i + c.len_utf8()..].trim();
    let head = line[..i].trim_end();
    let n = rest.chars().count();
    let credit = head.ends_with("报道") && n >= 4
        || matches!(head, "记者" | "本报记者") && n >= 10 && !rest.contains([':', '：']);
    (credit && count_sentence_ends(rest) >= 1).then_some(i + c.len_utf8())
}

fn count_sentence_ends(line: &str) -> usize {
    line.chars().filter(|c| matches!(c, '。' | '!' | '?')).count()
}

/// A line that starts the body: finished sentences, or too long for a headline.
fn is_body_like(line: &str, n: usize) -> bool {
    n > MAX_TITLE_CHARS || (has_terminal_punct(line) && n > 12) || count_sentence_ends(line) >= 2
}

/// A line that ends on a colon and holds a clause or a list opens what follows and is
/// neither subtitle nor heading: a notice's addressees (各区县人民政府,市直各有关单位:), its
/// lead-in (……现就有关事项通知如下:), a speech's salutation (同志们、朋友们:). Read as a
/// title's second line, a notice's lead-in and the numbered heading after it were metadata,
/// lost from `documents.text`. Not a label (附件:, 图片:), and never the first line: a
/// headline may end on a colon (国务院常务会议部署:, above the rest of it).
fn opens_what_follows(line: &str, n: usize) -> bool {
    n > 6 && line.ends_with(':') && (line.contains([',', '、']) || line.starts_with('各') || n > 30)
}

/// A header line of account or site, minute and place, as WeChat and news apps print it
/// under the headline (融媒体中心 2025-11-28 17:45 安徽): a date with its minute and no
/// sentence. Tested here on the few header lines no pattern placed: as a pattern it had to
/// skip up to 24 characters before the date, and kept the pattern set reading every line of
/// every text (the clean stage half again slower).
fn is_stamp(line: &str, n: usize) -> bool {
    static STAMP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:19|20)\d{2}[-/年.]\d{1,2}[-/月.]\d{1,2}日?\s*\d{1,2}:\d{2}").expect("invariant: valid pattern")
    });
    // A label before the date (活动时间:, 报名截止:) dates an event, not the page.
    n <= 48
        && !line.contains([',', '。', '!', '?'])
        && STAMP.find(line).is_some_and(|m| !line[..m.start()].contains(':'))
}

/// Navigation bar: three or more short items between separators.
fn is_nav_bar(line: &str) -> bool {
    let parts: Vec<&str> = line.split(['|', '丨', '│']).map(str::trim).collect();
    parts.len() >= 3 && parts.iter().all(|p| p.chars().count() <= 12) && !has_terminal_punct(line)
}

/// A header line holding only personal names (`梁璐`, `王小萍 王雪红`).
fn is_name_line(line: &str) -> bool {
    let parts: Vec<&str> = line.split([' ', '、', ',']).filter(|s| !s.is_empty()).collect();
    !parts.is_empty()
        && parts.len() <= 4
        && parts.iter().all(|p| {
            let n = p.chars().count();
            (2..=4).contains(&n) && p.chars().all(is_han)
        })
        && line.chars().count() <= 20
}

/// Named entities seen in scraped Chinese text. `&amp;` is decoded last and once, so
/// `&amp;lt;` stays `&lt;` as its author wrote it.
const ENTITIES: &[(&str, char)] = &[
    ("nbsp", '\u{a0}'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("mdash", '—'),
    ("ndash", '–'),
    ("hellip", '…'),
    ("middot", '·'),
    ("bull", '•'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("thinsp", '\u{2009}'),
    ("times", '×'),
    ("amp", '&'),
];

/// Decodes HTML character references (`&#32675;`, `&#x7fa3;`, `&nbsp;`) left in text by
/// scrapers and by encoders that write unmappable characters as references. Returns None
/// when there are none.
pub fn decode_entities(text: &str) -> Option<(String, usize)> {
    if !text.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.as_bytes()[..rest.len().min(12)].iter().position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix('#') {
                let v = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                v.and_then(char::from_u32).filter(|&c| c != '\0')
            } else {
                ENTITIES.iter().find(|(k, _)| *k == name).map(|x| x.1)
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                n += 1;
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    (n > 0).then_some((out, n))
}

/// What [`normalize`] does with one character.
enum Fold {
    /// Written as it is.
    Keep,
    /// Written as another character (full-width ASCII).
    To(char),
    /// A space: runs collapse to one, and none is written at a line's ends.
    Space,
    /// A line break.
    Newline,
    /// A carriage return: a line break unless a line feed follows.
    Return,
    /// Dropped (zero-width and control characters).
    Drop,
}

fn fold(c: char) -> Fold {
    match c {
        // The common case first: Han characters and Chinese punctuation are kept.
        '\u{3001}'..='\u{9FFF}' => Fold::Keep,
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).map_or(Fold::Keep, Fold::To),
        ' ' | '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\t' => Fold::Space,
        '\r' => Fold::Return,
        '\n' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}' | '\u{85}' => Fold::Newline,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => Fold::Drop,
        c if c.is_control() => Fold::Drop,
        _ => Fold::Keep,
    }
}

/// Width and whitespace normalisation (see the module docs). Idempotent.
///
/// Runs of characters kept as they are are copied whole: a push per character was a sixth
/// of the clean stage.
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    // Start of the characters read but not yet written, all of them `Fold::Keep`.
    let mut run = 0;
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // A full-width comma between half-width digits is a list's (300，500，800元), where a
        // thousands separator is written `,` (4,180万): kept, so that the quantities can tell
        // them apart. Between full-width digits (４，１８０) it folds with them.
        let list_comma = c == '，'
            && raw[..i].ends_with(|d: char| d.is_ascii_digit())
            && chars.peek().is_some_and(|&(_, d)| d.is_ascii_digit());
        let f = if list_comma { Fold::Keep } else { fold(c) };
        if matches!(f, Fold::Keep) && !pending_space {
            continue;
        }
        out.push_str(&raw[run..i]);
        run = i + c.len_utf8();
        let c = match f {
            Fold::Keep => c,
            Fold::To(d) => d,
            Fold::Space => {
                pending_space = true;
                continue;
            }
            Fold::Return if chars.peek().is_some_and(|&(_, d)| d == '\n') => continue,
            Fold::Return | Fold::Newline => '\n',
            Fold::Drop => continue,
        };
        if c == '\n' {
            // Spaces before a line break are dropped.
            pending_space = false;
        } else if pending_space {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out.push_str(&raw[run..]);
    out
}

fn is_tone_vowel(c: char) -> bool {
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ".contains(c)
}

fn is_pinyin_char(c: char) -> bool {
    c.is_ascii_lowercase() || c == 'ü' || c == 'ê' || is_tone_vowel(c)
}

/// Removes pinyin annotations after Han characters (`強(qiáng)` → `強`), and replaces a
/// dangling one that lost its character and opening bracket (`?yàn)`) with U+FFFD. Returns
/// the text, the number removed, and the number of lost characters marked.
pub fn strip_pinyin(text: &str) -> (String, usize, usize) {
    let mut out = String::with_capacity(text.len());
    let (mut removed, mut lost) = (0, 0);
    // Byte length of a toned pinyin syllable at the start of `s` and closed by ')', with
    // the ')'.
    let syllable = |s: &str| -> Option<usize> {
        let mut toned = false;
        for (n, (k, c)) in s.char_indices().enumerate() {
            if c == ')' {
                return (n > 0 && toned).then_some(k + 1);
            }
            if n > 7 || !is_pinyin_char(c) {
                return None;
            }
            toned |= is_tone_vowel(c);
        }
        None
    };
    // Text up to `copied` is in `out`; only the characters around a bracket or a
    // lost-character mark are looked at one by one. The search is for their first bytes:
    // '(', '?' and 0xEF, which starts U+FFFD (and other characters in U+F000-U+FFFF, passed
    // over).
    let mut copied = 0;
    let mut from = 0;
    while let Some(k) = memchr::memchr3(b'(', b'?', 0xEF, &text.as_bytes()[from..]) {
        let i = from + k;
        let c = text[i..].chars().next().unwrap_or_default();
        from = i + c.len_utf8();
        if !matches!(c, '(' | '?' | '\u{FFFD}') {
            continue;
        }
        let after = &text[from..];
        if c == '(' {
            let prev = text[..i].chars().next_back();
            if prev.is_some_and(|p| is_han(p) || p == '\u{FFFD}') {
                if let Some(n) = syllable(after) {
                    out.push_str(&text[copied..i]);
                    removed += 1;
                    from += n;
                    copied = from;
                    continue;
                }
            }
        }
        // A lost character may follow another one (因?yàn)?zāi)).
        if c == '?' || c == '\u{FFFD}' {
            out.push_str(&text[copied..i]);
            copied = i;
            if out.chars().next_back().is_some_and(|p| is_han(p) || p == '\u{FFFD}') {
                if let Some(n) = syllable(after) {
                    lost += 1;
                    out.push('\u{FFFD}');
                    from += n;
                    copied = from;
                }
            }
        }
    }
    out.push_str(&text[copied..]);
    (out, removed, lost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static CLEANER: LazyLock<Cleaner> = LazyLock::new(|| {
        let lex = Arc::new(Lexicon::new(&None, &None).unwrap());
        Cleaner::new(&CleanConfig::default(), lex).unwrap()
    });

    fn clean(raw: &str) -> Document {
        let mut doc = Document { raw_text: raw.to_string(), ..Document::default() };
        CLEANER.clean(&mut doc);
        doc
    }

    /// Each paragraph's role, in order.
    fn role_list(doc: &Document) -> Vec<&str> {
        doc.paragraphs.iter().map(|p| p.role.as_str()).collect()
    }

    /// Each paragraph's role and text, in order.
    fn role_texts(doc: &Document) -> Vec<(&str, &str)> {
        doc.paragraphs.iter().map(|p| (p.role.as_str(), p.text.as_str())).collect()
    }

    #[test]
    fn a_record_is_framed_by_its_fields() {
        use crate::document::Fields;
        let record = |text: &str, title: Option<&str>| {
            let fields = Fields { title: title.map(String::from), ..Fields::default() };
            let mut doc =
                Document { raw_text: text.to_string(), fields: Some(Box::new(fields)), ..Document::default() };
            CLEANER.clean(&mut doc);
            doc
        };
        let roles = |d: &Document| d.paragraphs.iter().map(|p| (p.role, p.text.clone())).collect::<Vec<_>>();
        // The title stated by the record: the text's first short line is body, not a title.
        let d = record("一、总体要求\n各地要抓好落实,确保取得实效,群众满意。", Some("关于做好工作的通知"));
        assert_eq!(d.text, "一、总体要求\n各地要抓好落实,确保取得实效,群众满意。");
        assert!(d.paragraphs.iter().all(|p| p.role != Role::Title), "{:?}", roles(&d));
        // A line that repeats the stated title is the title.
        let d = record("关于做好工作的通知\n各地要抓好落实,确保取得实效,群众满意。", Some(" 关于做好工作的通知 "));
        assert_eq!(d.paragraphs[0].role, Role::Title);
        assert_eq!(d.text, "各地要抓好落实,确保取得实效,群众满意。");
        // One headline-like line and nothing else: the body, not an empty text.
        let d = record("村里新修了一条路", None);
        assert_eq!(d.text, "村里新修了一条路");
        // With a byline beside it, the line is still the title.
        let d = record("村里新修了一条路\n记者王刚报道", None);
        assert_eq!(d.paragraphs[0].role, Role::Title);
        // Without a stated title the header is searched as in a page.
        let d = record("村里新修了一条路\n各地要抓好落实,确保取得实效,群众满意。", None);
        assert_eq!(d.paragraphs[0].role, Role::Title);
        // A loose text file of one line keeps the old reading.
        assert_eq!(clean("村里新修了一条路").paragraphs[0].role, Role::Title);
    }

    #[test]
    fn width_folds_but_chinese_punctuation_stays() {
        assert_eq!(normalize("ＡＢＣ１２３，：（）　“好”。……"), "ABC123,:() “好”。……");
        assert_eq!(normalize("a\r\nb\rc\u{200B}d  e \n"), "a\nb\ncd e\n");
    }

    #[test]
    fn markup_nested_past_the_limit_is_read_flat() {
        // Before the limit, html5ever took 17 s on this page and the recursive walks over
        // its tree overflowed the stack, aborting the process.
        let body = "国务院新闻办公室今天举行发布会,介绍全年经济运行情况,会议由新闻发言人主持。";
        let n = 100_000;
        let page = format!(
            "<html><head><title>标题</title></head><body>{}{body}{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let t = std::time::Instant::now();
        let doc = clean(&page);
        assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
        assert_eq!(doc.warnings, ["markup_too_deep"]);
        assert_eq!(doc.format, "html");
        assert!(doc.text.contains("国务院新闻办公室今天举行发布会"), "{}", doc.text);
        // Just under the limit the page goes through the parser and article scoring, whose
        // walks keep their own stacks.
        let depth = crate::html::MAX_DEPTH - 10;
        let page =
            format!("<html><body>{}<p>{body}</p>{}</body></html>", "<div>".repeat(depth), "</div>".repeat(depth));
        let doc = clean(&page);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        assert_eq!(doc.text, body);
    }

    #[test]
    fn short_lines_with_no_body_are_the_body() {
        let doc = clean("通知\n明天上午九点\n在三楼会议室开会\n请准时参加\n办公室\n");
        assert_eq!(doc.paragraphs[0].role, Role::Title);
        // The office signing it, a short name, stays a byline.
        assert_eq!(doc.text, "明天上午九点\n在三楼会议室开会\n请准时参加");
        // A line a pattern names keeps its role; one short line under a title is no body.
        let doc = clean("通知\n来源:新华社\n明天上午九点\n请准时参加\n");
        assert_eq!(role_list(&doc), ["title", "meta", "body", "body"]);
        assert_eq!(role_list(&clean("村里新修了一条路\n王刚")), ["title", "byline"]);
        // A name-shaped line among a poem's lines is one of them; one that ends it signs it.
        let doc = clean("雪\n哦,越下越大\n再也来不及融化\n早已消失\n宛如万马舞银鬃\n王忠范\n");
        assert_eq!(role_list(&doc), ["title", "body", "body", "body", "body", "byline"]);
        // Names, stamps, a source and attachments are no body, nor are a page's lines.
        let doc = clean("村里新修了一条路\n王刚\n李明\n");
        assert_eq!(role_list(&doc), ["title", "byline", "byline"]);
        let doc = clean("会议通知\n03-05 09:30\n附件1.pdf\n附件2.xls\n");
        assert!(doc.text.is_empty(), "{}", doc.text);
        let mut doc = Document {
            raw_text:
                "<html><head><title>用户登录</title></head><body><div>忘记密码</div><div>注册新用户</div></body></html>"
                    .into(),
            format: "html",
            ..Document::default()
        };
        CLEANER.clean(&mut doc);
        assert!(doc.text.is_empty(), "{}", doc.text);
    }

    #[test]
    fn an_xml_file_of_another_shape_loses_its_tags() {
        let feed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><item>\n\
                    <title>金昌市召开座谈会</title>\n\
                    <description><![CDATA[<p>会议要求,各地要抓好落实,确保取得实效,群众满意。</p>]]></description>\n\
                    </item></channel></rss>\n";
        let doc = clean(feed);
        assert!(!doc.text.contains('<') && !doc.text.contains("CDATA"), "{}", doc.text);
        assert!(doc.text.contains("会议要求,各地要抓好落实,确保取得实效,群众满意。"), "{}", doc.text);
        assert!(doc.repairs.contains(&"markup_stripped".to_string()), "{:?}", doc.repairs);
        // Text that opens with a bracketed tag of its own is no XML, nor text with tags in it.
        let doc = clean("<新华社>北京1月1日电 今天天气很好。");
        assert!(doc.text.contains("<新华社>"), "{}", doc.text);
        let doc = clean("<b>重要通知</b>\n明天开会,请准时参加。\n联系人:王刚 电话:12345 <wang@example.com>");
        assert!(doc.text.contains("<wang@example.com>"), "{}", doc.text);
        // A section of plain text keeps its < and &.
        let doc = clean("<?xml version=\"1.0\"?>\n<article><content><![CDATA[如果a<b成立,则结论正确;A&B公司股价上涨。]]></content></article>");
        assert_eq!(doc.text, "如果a<b成立,则结论正确;A&B公司股价上涨。");
    }

    #[test]
    fn html_references_are_decoded() {
        assert_eq!(
            decode_entities("让&#32675;&#x8846;富&nbsp;起来 &amp;lt; a&b"),
            Some(("让羣衆富\u{a0}起来 &lt; a&b".into(), 4))
        );
        assert_eq!(decode_entities("没有实体"), None);
        assert_eq!(decode_entities("&#0; &#xZZ; &bogus;"), None);
    }

    #[test]
    fn normalize_is_idempotent() {
        let s = normalize("  金昌：建强　基层\r\n\t堡垒 ");
        assert_eq!(normalize(&s), s);
    }

    #[test]
    fn pinyin_annotations_go() {
        assert_eq!(strip_pinyin("強(qiáng)基鑄魂 擎旗奮進(jìn)"), ("強基鑄魂 擎旗奮進".to_string(), 2, 0));
        assert_eq!(strip_pinyin("因?yàn)受損").0, "因\u{FFFD}受損");
        assert_eq!(strip_pinyin("中国(China)人(ren)").0, "中国(China)人(ren)");
    }

    #[test]
    fn traditional_is_converted() {
        let doc = clean("強(qiáng)基鑄魂\n今年以來,崆峒區著力抓基層、夯基礎,基層黨組織建強了。");
        assert_eq!(doc.script, "traditional");
        assert!(doc.text.contains("今年以来,崆峒区著力抓基层"), "{}", doc.text);
        assert_eq!(doc.paragraphs[0].text, "强基铸魂");
    }

    #[test]
    fn simplified_text_with_characters_opencc_would_change_stays() {
        // 乾 and 著 are Simplified too; OpenCC alone writes 萧乾 as 萧干.
        let doc = clean("萧乾是著名作家，乾坤朗朗。\n他的著作很多。");
        assert_eq!(doc.script, "simplified");
        assert_eq!(doc.text, "萧乾是著名作家,乾坤朗朗。\n他的著作很多。");
    }

    #[test]
    fn roles_of_a_typical_page() {
        let doc = clean(
            "要闻 | 城市 | 老外在甘肃 | 视界\n金昌:建强基层堡垒\n2022-05-26 22:58:46来源:甘肃日报编辑:王奇英\n\
             金昌市永昌县城关镇赵家庄村边有一片戈壁滩。过去这里一川碎石。\n\
             图① 村民在晾晒香菇。\n\
             党建引领强产业\n\
             切实增强了群众的幸福感获得感安全感。(新甘肃·甘肃日报记者 谢晓玲)\n\
             版权声明:本文内容由互联网用户自发贡献。\n编辑:路娇\n推荐内容\n",
        );
        let roles = role_list(&doc);
        assert_eq!(
            roles,
            [
                "boilerplate",
                "title",
                "meta",
                "body",
                "caption",
                "heading",
                "body",
                "byline",
                "boilerplate",
                "meta",
                "boilerplate"
            ]
        );
        assert!(doc.text.starts_with("金昌市永昌县"));
        assert!(doc.text.ends_with("安全感。"), "{}", doc.text);
        assert!(!doc.text.contains("图①"));
    }

    #[test]
    fn a_toolbar_of_bracketed_links_is_boilerplate() {
        let doc = clean(
            "青山镇扎实推进清廉村居建设\n发布时间:2025-11-28 来源:青山县融媒体中心\n【字体:大 中 小】 【打印】 【关闭】\n\
             11月26日,青山镇召开推进会。\n【纠错】【责任编辑:路娇】\n",
        );
        let roles = role_texts(&doc);
        assert_eq!(roles[2].0, "boilerplate", "{roles:?}");
        assert_eq!(roles[4].0, "meta", "{roles:?}");
        assert_eq!(doc.text, "11月26日,青山镇召开推进会。");
        // Links alone; and a story about 字体 keeps its headline and text.
        let doc = clean("字体设计大赛举行\n【打印】 【关闭】\n字体设计是一门古老的艺术,今年参赛作品达300件。\n");
        let roles = role_texts(&doc);
        assert_eq!(
            roles,
            [
                ("title", "字体设计大赛举行"),
                ("boilerplate", "【打印】 【关闭】"),
                ("body", "字体设计是一门古老的艺术,今年参赛作品达300件。")
            ]
        );
    }

    #[test]
    fn a_newspaper_pages_masthead_is_meta() {
        let doc = clean(
            "人民日报 | 2025年12月05日 星期五\n第04版:要闻\n让更多群众端稳“就业饭碗”\n——各地多措并举稳就业扩就业\n\
             本报记者 李心萍 韩鑫\n今年以来,各地把稳就业摆在更加突出的位置。\n",
        );
        let roles = role_texts(&doc);
        assert_eq!(roles[0].0, "meta", "{roles:?}");
        assert_eq!(roles[1].0, "meta", "{roles:?}");
        assert_eq!(roles[2], ("title", "让更多群众端稳“就业饭碗”"), "{roles:?}");
        // A headline of the form label | text is the title still.
        let doc = clean("提醒|2025年1月1日起,这些新规将施行\n2024-12-20 来源:新华网\n明年起,一批新规将施行。\n");
        assert_eq!(doc.paragraphs[0].role.as_str(), "title");
    }

    #[test]
    fn a_notices_addressees_and_lead_in_are_body() {
        let doc = clean(
            "关于做好元旦期间安全生产工作的通知\n发布时间:2025-12-03 来源:市应急管理局\n各区县人民政府,市直各有关单位:\n\
             为切实做好元旦期间安全生产工作,现就有关事项通知如下:\n一、压实安全责任\n各地要落实“党政同责”要求。\n附件:\n",
        );
        let roles = role_texts(&doc);
        let role = role_list(&doc);
        assert_eq!(role[..6], ["title", "meta", "body", "body", "heading", "body"], "{roles:?}");
        assert!(doc.text.starts_with("各区县人民政府"), "{}", doc.text);
        assert!(doc.text.contains("一、压实安全责任"), "{}", doc.text);
        // A label of a few characters ending on a colon is no opening line.
        assert_ne!(roles[6], ("body", "附件:"), "{roles:?}");
        // A headline may end on a colon, above the rest of it.
        let doc = clean("国务院常务会议部署:\n进一步稳外贸稳外资\n新华社北京12月5日电 国务院总理主持召开常务会议。\n");
        let roles = role_list(&doc);
        assert_eq!(roles, ["title", "subtitle", "body"]);
    }

    #[test]
    fn an_app_pages_header_is_not_its_subtitle() {
        // WeChat: the call to follow the account, then account, minute and place.
        let doc = clean(
            "我县召开森林防火工作会议\n点击蓝字 关注我们\n融媒体中心 2025-11-28 17:45 安徽\n\
             11月27日下午,我县召开森林防火工作会议。\n长按二维码关注我们\n",
        );
        let roles = role_list(&doc);
        assert_eq!(roles, ["title", "boilerplate", "meta", "body", "boilerplate"]);
        // A site's channel name above the headline (明报: 港闻) is no title.
        let doc = clean("港闻\n政府推新措施 助中小企融资\n【明报专讯】财政司司长昨日宣布,政府将推出新一轮贷款。\n");
        let roles = role_texts(&doc);
        assert_eq!(roles[..2], [("meta", "港闻"), ("title", "政府推新措施 助中小企融资")], "{roles:?}");
        // So is a channel path (体育 | 中超); a headline after a column's name is the title.
        let doc = clean("体育 | 中超\n海港3比1逆转国安 武磊梅开二度\n北京时间5月12日晚,海港主场逆转国安。\n");
        assert_eq!(role_list(&doc)[..2], ["meta", "title"]);
        for headline in ["两会快评 | 以高质量发展推动共同富裕", "快讯 | 油价上涨"] {
            let doc = clean(&format!("{headline}\n国内成品油价格今日上调,代表委员热议高质量发展。\n"));
            assert_eq!(role_list(&doc)[0], "title", "{headline}");
        }
        // A body sentence holding a date and a minute stays body, an event's time under the
        // headline is no stamp, and a sentence about a QR code is no call to follow.
        let doc = clean("标题\n会议于2025-11-28 14:30在县政府召开,王海波出席。\n");
        assert_eq!(doc.paragraphs[1].role.as_str(), "body");
        let doc = clean("迎新年长跑活动报名开始\n活动时间:2025年12月13日 14:30\n居民扫描二维码即可关注办理进度。\n");
        let roles = role_list(&doc);
        assert_eq!(roles, ["title", "subtitle", "body"]);
    }

    #[test]
    fn prose_opening_with_a_date_is_body() {
        let doc = clean(
            "三峡工程截流\n2022年5月26日 来源:甘肃日报\n1997年11月8日,长江三峡工程实施大江截流。\n\
             1998年1月1日上午9时,中华人民共和国驻南非共和国大使馆在此间举行了开馆仪式。尽管今天为公共假日,但一大早,就有各种肤色的人们赶来。\n",
        );
        let roles = role_list(&doc);
        assert_eq!(roles, ["title", "meta", "body", "body"]);
        assert!(doc.text.starts_with("1997年11月8日"), "{}", doc.text);
        let doc = clean("标题\n2022年5月26日 来源:甘肃日报\n1998年1月1日19时15分,他离开了亲人。\n");
        let roles = role_list(&doc);
        assert_eq!(roles, ["title", "meta", "body"]);
    }

    #[test]
    fn subtitle_after_dash_and_name_byline() {
        let doc = clean("强基铸魂 擎旗奋进——平凉市基层党建综述\n来源:【新甘肃】\n强基铸魂 擎旗奋进\n——平凉市崆峒区基层党建工作综述\n梁璐\n基层治理井井有条、产业发展稳步提升、群众幸福指数节节攀升……\n");
        let roles = role_texts(&doc);
        assert_eq!(roles[0], ("title", "强基铸魂 擎旗奋进"));
        assert!(roles.contains(&("subtitle", "平凉市崆峒区基层党建工作综述")), "{roles:?}");
        assert!(roles.contains(&("byline", "梁璐")), "{roles:?}");
        assert!(doc.text.starts_with("基层治理"));
    }

    #[test]
    fn a_sentence_above_a_whole_caption_is_the_storys() {
        let doc = clean("台中市推动长照服务\n市长卢秀燕说,要让长辈在地安老。\n社会局长吕建德表示,全市65岁以上人口约有45万人。\n图为市长卢秀燕出席记者会。(中央社记者陈志明摄)\n村民在晾晒香菇\n王刚 摄\n据点将再增设30处,预算已经编列完成。\n");
        let roles = role_texts(&doc);
        assert!(doc.text.contains("吕建德表示"), "{roles:?}");
        assert!(roles.contains(&("caption", "图为市长卢秀燕出席记者会。(中央社记者陈志明摄)")), "{roles:?}");
        // Above a bare photographer's credit, a short line is the photo's caption.
        assert!(roles.contains(&("caption", "村民在晾晒香菇")), "{roles:?}");
    }

    #[test]
    fn a_credit_that_runs_into_the_story_keeps_the_story() {
        let doc = clean("我市召开乡村振兴工作会议\n记者王刚报道:各地要抓好落实。\n会议指出,要坚持农业农村优先发展,加快建设农业强市。\n记者:李明\n");
        let roles = role_texts(&doc);
        assert!(roles.contains(&("byline", "记者王刚报道:")), "{roles:?}");
        assert!(doc.text.starts_with("各地要抓好落实。\n会议指出"), "{}", doc.text);
        // A credit alone is still a byline, whole, and a sentence about a reporter is body.
        assert!(roles.contains(&("byline", "记者:李明")), "{roles:?}");
        let doc =
            clean("我市召开乡村振兴工作会议\n记者:王刚 李明。\n记者从市教育局获悉:今年全市中考报名人数达5万人。\n");
        let roles = role_texts(&doc);
        assert!(roles.contains(&("byline", "记者:王刚 李明。")), "{roles:?}");
        assert!(doc.text.contains("记者从市教育局获悉:今年"), "{roles:?}");
        // An interviewer's question is the story's.
        let doc = clean(
            "纺织压锭答记者问\n记者:这次压锭与以前有何不同?有什么办法保证纺锭能够真正压下去?\n答:这次压锭是真压。\n",
        );
        assert!(doc.text.starts_with("这次压锭与以前有何不同?"), "{}", doc.text);
    }

    #[test]
    fn clean_is_idempotent_on_text() {
        let once = clean("金昌:建强基层堡垒\n  金昌市永昌县城关镇赵家庄村边有一片戈壁滩。\n");
        let twice = clean(&once.text);
        assert_eq!(once.text, twice.text);
    }

    // The character-by-character versions of `normalize` and `strip_pinyin` before they
    // copied whole runs: the property tests below hold the faster ones to them.
    fn normalize_by_char(raw: &str) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut pending_space = false;
        let mut chars = raw.chars().peekable();
        let mut prev = '\0';
        while let Some(c) = chars.next() {
            let before = std::mem::replace(&mut prev, c);
            let c = match c {
                '，' if before.is_ascii_digit() && chars.peek().is_some_and(char::is_ascii_digit) => c,
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\t' => ' ',
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        continue;
                    }
                    '\n'
                }
                '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}' | '\u{85}' => '\n',
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => continue,
                c if c.is_control() && c != '\n' => continue,
                c => c,
            };
            if c == ' ' {
                pending_space = true;
                continue;
            }
            if c == '\n' {
                pending_space = false;
                // drop trailing spaces on the line
            } else if pending_space {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push(' ');
                }
                pending_space = false;
            }
            out.push(c);
        }
        out
    }

    fn strip_pinyin_by_char(text: &str) -> (String, usize, usize) {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let (mut removed, mut lost) = (0, 0);
        let mut i = 0;
        // Length of a toned pinyin syllable starting at `j` and closed by ')', if any.
        let syllable = |j: usize| -> Option<usize> {
            let mut k = j;
            while k < chars.len() && k - j <= 7 && is_pinyin_char(chars[k]) {
                k += 1;
            }
            (k > j && k < chars.len() && chars[k] == ')' && chars[j..k].iter().any(|&c| is_tone_vowel(c)))
                .then_some(k - j)
        };
        while i < chars.len() {
            let c = chars[i];
            if c == '(' && i > 0 && (is_han(chars[i - 1]) || chars[i - 1] == '\u{FFFD}') {
                if let Some(n) = syllable(i + 1) {
                    removed += 1;
                    i += n + 2;
                    continue;
                }
            }
            // A lost character may follow another one (因?yàn)?zāi)).
            if (c == '?' || c == '\u{FFFD}') && out.chars().next_back().is_some_and(|p| is_han(p) || p == '\u{FFFD}') {
                if let Some(n) = syllable(i + 1) {
                    lost += 1;
                    out.push('\u{FFFD}');
                    i += n + 2;
                    continue;
                }
            }
            out.push(c);
            i += 1;
        }
        (out, removed, lost)
    }

    use proptest::prelude::*;

    /// Text made of the characters the two functions treat specially, and others.
    fn mixed_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "強",
                "因",
                "(",
                ")",
                "?",
                "\u{FFFD}",
                "qiáng",
                "yàn",
                "zāi",
                "abc",
                "ü",
                "ǖ",
                "abcdefgh",
                "(abcdefì)",
                "(abcdefgì)",
                "(abcdefghì)",
                "(qiáng)",
                "?yàn)",
                " ",
                "\u{3000}",
                "\u{A0}",
                "\t",
                "\r",
                "\n",
                "\r\n",
                "\u{2028}",
                "\u{200B}",
                "\u{FEFF}",
                "\u{7}",
                "Ａ",
                "１",
                "！",
                "，",
                "。",
                "、",
                "“",
                "x",
                "2021",
                "é",
                "\u{85}",
            ]),
            0..48,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn normalize_copies_runs_as_the_char_loop_wrote_them(text in mixed_text()) {
            prop_assert_eq!(normalize(&text), normalize_by_char(&text));
        }

        #[test]
        fn strip_pinyin_copies_runs_as_the_char_loop_wrote_them(text in mixed_text()) {
            prop_assert_eq!(strip_pinyin(&text), strip_pinyin_by_char(&text));
            let n = normalize(&text);
            prop_assert_eq!(strip_pinyin(&n), strip_pinyin_by_char(&n));
        }
    }
}
