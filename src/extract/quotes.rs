//! Text in quotation marks: short phrases are campaign and slogan names (“两委”, “一肩挑”,
//! ‘五星’), longer ones in double marks are direct quotes when they hold Chinese and a clause
//! mark (。, !, ?, a comma, a colon …) or stand beside a speaker: the person named next to
//! them with a speech verb, `“…。”王力介绍。` or `孙新文说:“…”`.

use rustc_hash::FxHashMap;

use super::{Lists, TextIndex};
use crate::document::{Entity, EntityKind, Quote};

/// Punctuation that a campaign or slogan name never contains. A `match`, not a search of
/// a string: `str::contains` encodes the character and searches the string's bytes, which
/// was 4% of the extract stage on the seeds, asked at every character of every quote.
fn clause_punct(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ',' | ';' | ':' | '、' | '…')
}

/// The kinds of quotation marks, by their opening and closing characters.
const MARKS: [(char, char); 4] = [('“', '”'), ('‘', '’'), ('「', '」'), ('『', '』')];

/// The characters [`find`]'s pass acts on: a line break and [`MARKS`], for the marks.
pub(crate) const QUOTE_CHARS: [char; 1 + 2 * MARKS.len()] = {
    let mut out = ['\n'; 1 + 2 * MARKS.len()];
    let mut k = 0;
    while k < MARKS.len() {
        (out[1 + 2 * k], out[2 + 2 * k]) = MARKS[k];
        k += 1;
    }
    out
};

/// Campaign entities and quotes. `people` as [`super::people::find`] returns them: in text
/// order, none inside another.
pub(crate) fn find(ix: &TextIndex, lists: &Lists, people: &[Entity], max_campaign: usize) -> (Vec<Entity>, Vec<Quote>) {
    debug_assert!(people.windows(2).all(|w| w[0].start < w[1].start && w[0].end < w[1].end));
    let chars = &ix.chars;
    let mut campaigns = Vec::new();
    let mut quotes = Vec::new();
    // Positions of the open marks waiting for their closing mark, one stack per kind. A
    // closing mark pairs with the last open mark of its kind and drops the marks opened
    // after it. One stack of all kinds, searched back for the kind at every character, was
    // quadratic: 200,000 unclosed “ in one paragraph (a 3.5 KB gzip file) took 50 s.
    let mut open_at: [Vec<usize>; MARKS.len()] = Default::default();
    let mut names: Option<Names> = None;
    // The closing mark, speaker and source of the last quote, when it has a speaker and
    // asks no question: a quote that opens right after it is the same speaker's.
    let mut run: Option<(usize, &Entity, &'static str)> = None;
    for i in ix.marked(super::mark::QUOTES) {
        let c = chars[i];
        if c == '\n' {
            open_at.iter_mut().for_each(Vec::clear);
            continue;
        }
        if let Some(k) = MARKS.iter().position(|m| m.0 == c) {
            open_at[k].push(i);
            continue;
        }
        let Some(k) = MARKS.iter().position(|m| m.1 == c) else { continue };
        let Some(open) = open_at[k].pop() else { continue };
        for later in &mut open_at {
            while later.last().is_some_and(|&p| p > open) {
                later.pop();
            }
        }
        let nested = open_at.iter().any(|v| !v.is_empty());
        let (s, e) = (open + 1, i);
        if e <= s {
            continue;
        }
        let content = ix.slice(s, e);
        let n = e - s;
        let is_double = matches!(c, '”' | '」');
        // One character in quotation marks is emphasis (“微”治理, “星”级), not a name.
        let short =
            (2..=max_campaign).contains(&n) && !content.chars().any(clause_punct) && content.chars().any(super::is_han);
        let quotable = is_double && !nested && content.chars().any(super::is_han);
        // A short quote is a slogan or a term, unless a speech verb stands right before it,
        // the clause ends with it, and its speaker is found (孙文盛对随行的干部说,“我们的责任
        // 重啊”。): then words said. Not a term the sentence goes on about (任建新强调,“严打”是…).
        let said = || {
            verb_ends_at(ix, lists, open)
                && chars.get(i + 1).is_none_or(|c| matches!(c, '。' | ',' | '!' | '?' | ';' | '\n'))
        };
        let found = if quotable && (!short || said()) {
            speaker_after(ix, lists, people, open, i + 1)
                .or_else(|| speaker_before(ix, lists, people, open))
                .or_else(|| acting_after(ix, people, s, i))
                .map(|p| (p, "name"))
                .or_else(|| {
                    let at = pronoun_after(ix, lists, open, i + 1).or_else(|| pronoun_before(ix, lists, open))?;
                    // Before the pronoun, and before the quote: a name inside it is not who
                    // says it.
                    antecedent(ix, lists, people, at.min(open)).map(|p| (p, "pronoun"))
                })
                // `他强调:“…。”“…。”`: a quote right after one with a speaker, nothing between,
                // goes on in the same voice; not the answer to a question (“…?”“…。”).
                .or_else(|| run.filter(|&(close, _, _)| close + 1 == open).map(|(_, p, src)| (p, src)))
                .or_else(|| subject_before(ix, people, open).map(|p| (p, "context")))
        } else {
            None
        };
        if short && found.is_none() {
            campaigns.push(Entity {
                sentence_idx: ix.sentence_of(s),
                kind: EntityKind::Campaign,
                text: content.to_string(),
                normalized: content.to_string(),
                start: s as u32,
                end: e as u32,
                ..Entity::default()
            });
        } else if quotable {
            run = found.filter(|_| chars[e - 1] != '?').map(|(p, src)| (i, p, src));
            let (speaker, source) = (found.map(|(p, _)| p), found.map(|(_, src)| src));
            // Without a speaker, only words that read as speech: a clause mark other than the
            // enumeration comma, or a clause longer than a term. A list of terms or a slogan
            // (“流动的戏台、图书馆、卫生院”, “爱山、爱水、爱家乡、爱祖国”) is no quote.
            let clause = content.chars().any(|c| c != '、' && clause_punct(c))
                || content.split('、').any(|item| item.chars().count() > 8);
            if speaker.is_none() && !clause {
                continue;
            }
            // The names are indexed at the first quote with a speaker: most documents have none.
            let speaker = speaker.map(|p| {
                let names = names.get_or_insert_with(|| Names::new(people));
                // A foreign name's last part stands for the full name it was linked to.
                let name = if p.normalized != p.text {
                    p.normalized.as_str()
                } else {
                    names.full_name(&p.text, p.role.as_deref())
                };
                (name, p.role.as_deref().filter(|r| is_post(r)).or_else(|| names.role(name)))
            });
            quotes.push(Quote {
                sentence_idx: ix.sentence_of(s),
                speaker: speaker.map(|(name, _)| name.to_string()),
                speaker_role: speaker.and_then(|(_, role)| role).map(str::to_string),
                speaker_source: source,
                text: content.to_string(),
            });
        }
    }
    (campaigns, quotes)
}

/// Whether a speech verb ends at `end`, or right before a comma or colon there (表示“,
/// 说,“).
fn verb_ends_at(ix: &TextIndex, lists: &Lists, end: usize) -> bool {
    let end = if end > 0 && matches!(ix.chars[end - 1], ',' | ':') { end - 1 } else { end };
    (1..=end.min(4)).any(|k| lists.speech_verbs.at(ix, end - k).is_some_and(|w| w.len() == k))
}

/// Whether a speech verb starts between `from` and `to`. A verb written with its adverb's
/// 地 (不解地问) starts jieba's word: not the 地 of 当地问题.
fn has_speech_verb(ix: &TextIndex, lists: &Lists, from: usize, to: usize) -> bool {
    (from..to).any(|p| lists.speech_verbs.at(ix, p).is_some_and(|w| w[0] != '地' || ix.is_token_start(p)))
}

/// `“…。”卢氏县…理事长李帅民说。`: a person soon after the closing mark, then a speech verb,
/// all before the sentence ends.
fn speaker_after<'a>(
    ix: &TextIndex,
    lists: &Lists,
    people: &'a [Entity],
    open: usize,
    from: usize,
) -> Option<&'a Entity> {
    if introduces_next(ix, open, from) {
        return None;
    }
    let stop = clause_end(ix, from, 40);
    // `people` is in text order, no name inside another, so both ends climb: a search, not a
    // scan of every name (quadratic in a long document's length).
    let first = people.partition_point(|p| (p.start as usize) < from);
    let p = people[first..].iter().take_while(|p| (p.start as usize) < stop).find(|p| (p.end as usize) <= stop)?;
    let verb_end = (p.end as usize + 20).min(stop + 1).min(ix.chars.len());
    has_speech_verb(ix, lists, p.end as usize, verb_end).then_some(p)
}

/// Whether what follows a quote that was introduced itself (opening at `open` after a colon
/// or comma) opens another quote with a colon before the sentence ends, `from` being just
/// after the closing mark: `梁德妍笑道:“…”王润培说:“…”`. Whoever it names speaks the next
/// quote. A quote with nothing before it is the next speaker's as often as not
/// (`“…”李景田局长介绍说:“…”`, both his).
fn introduces_next(ix: &TextIndex, open: usize, from: usize) -> bool {
    let stop = clause_end(ix, from, SUBJECT_REACH);
    introduced(ix, open) && ix.chars.get(stop) == Some(&'“') && stop > 0 && ix.chars[stop - 1] == ':'
}

/// Words of giving: the person after them receives (敬给彭楚政, 交给老张).
const GIVING: &[&str] = &["给", "交给", "带给", "留给", "送给", "递给", "献给", "敬给", "寄给"];

/// How far back from a person a 对 or 向 addressing them may stand, over nouns only.
const ADDRESS_REACH: usize = 16;

/// Verbs of going up to or standing by someone, before the person and 跟前, 面前 or 身边.
const GONE_UP_TO: [&str; 12] =
    ["来到", "走到", "跑到", "走近", "凑到", "站在", "坐在", "站到", "坐到", "回到", "蹲在", "跪在"];

/// Whether the person is spoken or given to, not the speaker: after 对, 向 or 跟 as a word
/// of its own or after a word of giving, with only nouns and names between (their post, a
/// list of others): 对司务长说, 对中共晋冀豫省委统战部部长安子文说, 对俄罗斯外长普里马科夫,
/// 对毛泽东、周恩来说, 敬给彭楚政; not 在向记者介绍情况时李明说 (a verb between). Or gone up
/// to (来到科雷跟前说).
fn addressed(ix: &TextIndex, p: &Entity) -> bool {
    let start = p.start as usize;
    // Gone up to, or standing, before them to speak (来到科雷跟前说, 站在李明面前说); not
    // 李明身边的工作人员 nor 李明身边总是放着一本字典, where no one goes up to them.
    let before_them = ix
        .token(p.end as usize)
        .filter(|t| t.start == p.end)
        .is_some_and(|t| matches!(ix.doc.token_text(t), "跟前" | "面前" | "身边" | "身旁" | "旁边"));
    if before_them && start >= 2 && GONE_UP_TO.contains(&ix.slice(start - 2, start)) {
        return true;
    }
    let mut k = start;
    while let Some(t) = k.checked_sub(1).and_then(|k| ix.token(k)) {
        let w = ix.doc.token_text(t);
        if matches!(w, "对" | "向" | "跟") && t.pos == "p" || GIVING.contains(&w) {
            return true;
        }
        if !(t.pos.starts_with('n') || w == "、") || start - t.start as usize > ADDRESS_REACH {
            return false;
        }
        k = t.start as usize;
    }
    false
}

/// Whether a pronoun after the person does not stand for them: they were spoken to (对李明说,
/// 向馆长李象益介绍说), or addressed by another person named in the same clause (钱其琛首先对
/// 库克…表示欢迎。他说: 钱其琛). Someone addressed by no one named stays (记者对李明进行了专访。
/// 他说: 李明). `k` is the person's index in `people`.
fn passed_over(ix: &TextIndex, lists: &Lists, people: &[Entity], k: usize) -> bool {
    let p = &people[k];
    if !addressed(ix, p) {
        return false;
    }
    let by_another = k > 0 && {
        let q = &people[k - 1];
        (q.end as usize) <= (p.start as usize)
            && !ix.chars[q.end as usize..p.start as usize]
                .iter()
                .any(|&c| matches!(c, ',' | '。' | ';' | ':' | '!' | '?' | '“' | '”' | '\n'))
    };
    by_another || has_speech_verb(ix, lists, p.end as usize, clause_end(ix, p.end as usize, 6))
}

/// `朱阳关镇党委书记孙新文说:“…”`: a person shortly before the opening mark, with a speech
/// verb and a colon or comma between; or further back in the sentence as its subject
/// ([`says_before`]).
fn speaker_before<'a>(ix: &TextIndex, lists: &Lists, people: &'a [Entity], open: usize) -> Option<&'a Entity> {
    if !introduced(ix, open) {
        return None;
    }
    let last = people.partition_point(|p| (p.end as usize) <= open).checked_sub(1)?;
    // Not a person named inside a title (毛泽东同志在《吊罗荣桓同志》一诗中写道:“): the one
    // before the title.
    let outside = |p: &Entity| {
        let after = &ix.chars[p.end as usize..open];
        after.iter().position(|&c| c == '》').is_none_or(|k| after[..k].contains(&'《'))
    };
    // Nor one whose name qualifies a noun, alone or joined to the next (握住张晓伟的双手,感激地
    // 说; 对比萨乌丁和田亮的动作说: the owners are not who speaks), unless it names the one
    // after it (一位叫庞增福的工人对记者说).
    let owner = |k: usize| {
        let mut k = k;
        loop {
            let (s, e) = (people[k].start as usize, people[k].end as usize);
            match ix.chars.get(e) {
                Some('的') => {
                    return !(s > 0 && ix.chars[s - 1] == '叫' || s > 1 && ix.slice(s - 2, s) == "名为");
                }
                Some('和' | '与' | '、' | '及') if people.get(k + 1).is_some_and(|q| q.start as usize == e + 1) => {
                    k += 1;
                }
                _ => return false,
            }
        }
    };
    let k = (0..=last).rev().take(3).find(|&k| outside(&people[k]) && !owner(k) && !addressed(ix, &people[k]))?;
    let p = &people[k];
    says_before(ix, lists, p.start as usize, p.end as usize, open).then_some(p)
}

/// `“为什么不出栏卖些钱?”彭楚政皱着眉头` , `“…”张晓伟急忙转身`: in narrative, a whole
/// utterance (it ends with its own full stop, question or exclamation mark) followed at once
/// by a person who does something is that person's, the person's post and its place written
/// before the name or not (`“…。”南街社区党委书记李建华连连摇头`). Not `“…”李四的父亲说`
/// (another's words), nor a name followed by a noun.
fn acting_after<'a>(ix: &TextIndex, people: &'a [Entity], s: usize, close: usize) -> Option<&'a Entity> {
    let chars = &ix.chars;
    // A quote introduced by a colon or comma has its speaker before it (歹徒狂叫:“…”吴宏权冲了上去).
    if close <= s || !ends_whole(chars, close) || introduced(ix, s - 1) {
        return None;
    }
    let from = close + 1;
    let first = people.partition_point(|p| (p.start as usize) < from);
    let p = people.get(first).filter(|p| p.start as usize == from || posted_from(ix, p, from))?;
    let next = ix.token(p.end as usize).filter(|t| t.start == p.end)?;
    let acts = next.pos.starts_with('v') || next.pos.starts_with('d') || next.pos == "ad" || next.pos == "p";
    acts.then_some(p)
}

/// Whether all that stands between `from` and the person is the post written before the name
/// and, before the post, nouns (its place or body: 后炭市社区, 县委), at most
/// [`POST_REACH`] characters in all.
fn posted_from(ix: &TextIndex, p: &Entity, from: usize) -> bool {
    let start = p.start as usize;
    let Some(role) = p.role.as_deref().map(|r| r.chars().count()) else { return false };
    if start < from + role
        || start - from > POST_REACH
        || !ix.slice(start - role, start).ends_with(p.role.as_deref().unwrap_or_default())
    {
        return false;
    }
    let mut k = from;
    while k < start - role {
        let Some(t) = ix.token(k).filter(|t| t.start as usize == k) else { return false };
        if !(t.pos.starts_with('n') || t.pos == "j") {
            return false;
        }
        k += t.len as usize;
    }
    k == start - role
}

/// How far after a quote a person named with their post may start, for [`acting_after`].
const POST_REACH: usize = 20;

/// The document's people by name, each with the first post it is given: a speaker named
/// short (桥本) is reported by the one full name of four characters or more it begins
/// (桥本龙太郎), with that person's post when the mention has none, so that a query groups
/// every quote of one person. Not a name of three characters: 李鹏 and 李鹏飞 are two people.
/// A bare surname (李教授) is a name of two to four characters; see [`Names::full_name`].
/// The names are sorted, and the ones a mention begins are a range found by binary search.
struct Names<'a> {
    sorted: Vec<&'a str>,
    roles: FxHashMap<&'a str, Option<&'a str>>,
}

impl<'a> Names<'a> {
    fn new(people: &'a [Entity]) -> Names<'a> {
        let mut roles: FxHashMap<&str, Option<&str>> = FxHashMap::default();
        for p in people {
            let slot = roles.entry(p.text.as_str()).or_insert(None);
            if slot.is_none() {
                *slot = p.role.as_deref().filter(|r| is_post(r));
            }
        }
        let mut sorted: Vec<&str> = roles.keys().copied().collect();
        sorted.sort_unstable();
        Names { sorted, roles }
    }

    /// The full name a mention stands for. A bare surname is one with a title (李教授, 江主席):
    /// the one name of the document it begins whose post ends with that title (李政道教授,
    /// not 馆长李象益), or else the only name it begins (周教授: 周小燕老师), unless that is a
    /// reporter's credit (李教授 is not the byline's 李中文).
    fn full_name<'b>(&self, name: &'b str, title: Option<&str>) -> &'b str
    where
        'a: 'b,
    {
        let from = self.sorted.partition_point(|q| *q <= name);
        if name.chars().count() < 2 {
            let named: Vec<&str> = self.sorted[from..]
                .iter()
                .take_while(|q| q.starts_with(name))
                .filter(|q| (2..=4).contains(&q.chars().count()))
                .copied()
                .collect();
            let mut titled =
                named.iter().filter(|q| title.is_some_and(|t| self.role(q).is_some_and(|r| r.ends_with(t))));
            return match (titled.next(), titled.next(), named.as_slice()) {
                (Some(q), None, _) => q,
                (None, None, [q])
                    if !self
                        .role(q)
                        .is_some_and(|r| ["记者", "通讯员", "摄影", "编辑"].iter().any(|c| r.ends_with(c))) =>
                {
                    q
                }
                _ => name,
            };
        }
        let mut longer =
            self.sorted[from..].iter().take_while(|q| q.starts_with(name)).filter(|q| q.chars().count() >= 4);
        match (longer.next(), longer.next()) {
            (Some(q), None) => q,
            _ => name,
        }
    }

    fn role(&self, name: &str) -> Option<&'a str> {
        self.roles.get(name).copied().flatten()
    }
}

/// Whether a role beside a name is a post or a calling (市长, 教授, 老师), not only a form of
/// address (同志, 先生, 大妈): a speaker's role is the post the article gives the person
/// (安子文同志, 统战部部长安子文: 统战部部长). The forms of address in the lexicon's
/// `roles_after`; people's `ADDRESS_TERMS` (given names that are no names) also holds
/// callings (老师, 医生), which are posts here.
fn is_post(role: &str) -> bool {
    !matches!(role, "同志" | "先生" | "女士" | "师傅" | "大妈" | "大爷" | "阿姨" | "大姐" | "大哥")
}

/// The longest sentence before a quote [`subject_before`] reads.
const SENTENCE_REACH: usize = 200;

/// How far before a quote its speaker may stand when the sentence goes on between them.
const SUBJECT_REACH: usize = 50;

/// Whether the subject ending at `subject_end` says the quote opening at `open`, in the same
/// sentence (no full stop or closing mark between):
/// - a speech verb between them, at most 20 characters apart (孙新文说:“, 他对镇干部说:“);
/// - or a speech verb within 8 characters after the subject, ending at a comma or colon, and
///   what it says runs on to the quote (他指出,南非和中国如果迟迟不能建交,“…”);
/// - or one clause between, and the last, short and with no subject of its own, holds the
///   speech verb (他紧紧地握住我的手,激动地说:“; not 他走过来,记者说:“).
fn says_before(ix: &TextIndex, lists: &Lists, subject_start: usize, subject_end: usize, open: usize) -> bool {
    let chars = &ix.chars;
    if open < subject_end || open - subject_end > SUBJECT_REACH {
        return false;
    }
    // The mark before the quote (the colon or comma `introduced` asks for) aside.
    let Some((_, between)) = chars[subject_end..open].split_last() else { return false };
    if between.iter().any(|&c| matches!(c, '。' | '!' | '?' | '”' | '“' | '\n')) {
        return false;
    }
    let commas = between.iter().filter(|&&c| matches!(c, ',' | ';')).count();
    if between.len() < 20 && commas == 0 {
        return has_speech_verb(ix, lists, subject_end, open) || acts_then_speaks(ix, subject_start, subject_end, open);
    }
    // A speech verb right after the subject, ending at a comma or colon.
    let verb_end =
        (subject_end..(subject_end + 8).min(open)).find_map(|q| lists.speech_verbs.at(ix, q).map(|w| q + w.len()));
    if verb_end.is_some_and(|e| matches!(chars.get(e), Some(',' | ':'))) {
        return true;
    }
    if commas != 1 || between.len() >= 40 {
        return false;
    }
    let clause = subject_end + between.iter().rposition(|&c| matches!(c, ',' | ';')).unwrap_or(0) + 1;
    let own_subject = ix.token(clause).is_some_and(|t| t.pos.starts_with('n') || t.pos.starts_with('r'));
    open - clause <= 12 && !own_subject && has_speech_verb(ix, lists, clause, open)
}

/// Where the sentence or clause after `from` ends (a full stop, a new quote, a new line),
/// looking at most `reach` characters ahead.
fn clause_end(ix: &TextIndex, from: usize, reach: usize) -> usize {
    let limit = (from + reach).min(ix.chars.len());
    (from..limit).find(|&p| matches!(ix.chars[p], '。' | '!' | '?' | '“' | '\n')).unwrap_or(limit)
}

/// Whether the quote opening at `open` follows a colon or a comma (说:“, 表示,“).
/// `张晓伟急忙上前拦住:“…。”`: in narrative, a person who opens a clause and does something
/// short of speaking, then a colon and a whole utterance (it ends with its own full stop,
/// question or exclamation mark), says it. Nothing but the action between (no other
/// person, and no noun the colon could introduce a list or a text of: the caller's
/// people and the checks here).
fn acts_then_speaks(ix: &TextIndex, subject_start: usize, subject_end: usize, open: usize) -> bool {
    let chars = &ix.chars;
    if chars[open - 1] != ':' || !chars.get(open + 1..).is_some_and(utterance_ends) {
        return false;
    }
    // The person is the clause's subject: at its start (往张晓伟手里塞: is another's act),
    // or the agent of a passive (被徐柏玉坚辞拒绝:); not a reporter's credit over the story
    // (本报记者毛磊报道:).
    let before = subject_start.checked_sub(1).map(|k| chars[k]);
    let opens = before.is_none_or(|c| matches!(c, '。' | '!' | '?' | ',' | ';' | ':' | '”' | '\n' | ' ' | '被'));
    let credit = ix.slice(subject_start.saturating_sub(4), subject_start).trim_end();
    if !opens || ["记者", "通讯员", "报道员", "摄影"].iter().any(|w| credit.ends_with(w)) {
        return false;
    }
    // What one sees, hears or receives is not said (王刚看到门上贴着:, 李明听到广播里传来:).
    let action = ix.slice(subject_end, open - 1);
    if [
        "看到",
        "看见",
        "听到",
        "听见",
        "收到",
        "接到",
        "读到",
        "发现",
        "注意到",
        "贴着",
        "写着",
        "传来",
        "印着",
        "刻着",
    ]
    .iter()
    .any(|w| action.contains(w))
    {
        return false;
    }
    // The action is a verb phrase: its last word a verb (拦住), not a noun the colon
    // introduces (他的回答:, 三条意见:).
    ix.token(open - 2).is_some_and(|t| t.start as usize >= subject_end && t.pos.starts_with('v'))
}

/// Whether the quote that starts `rest` (after its open mark) closes a whole utterance:
/// its closing mark follows a full stop, question or exclamation mark on the same line.
fn utterance_ends(rest: &[char]) -> bool {
    let Some(close) = rest.iter().position(|&c| matches!(c, '”' | '\n')) else { return false };
    rest[close] == '”' && ends_whole(rest, close)
}

/// Whether the quote whose closing mark is at `close` is a whole utterance: a full stop,
/// question or exclamation mark or an ellipsis right before the mark.
fn ends_whole(chars: &[char], close: usize) -> bool {
    close > 0 && matches!(chars[close - 1], '。' | '!' | '?' | '…')
}

fn introduced(ix: &TextIndex, open: usize) -> bool {
    open > 0 && matches!(ix.chars[open - 1], ':' | ',')
}

/// `梁军离休了。“在家的8年,真是平平淡淡的8年。”`: a quote that opens a sentence of its own,
/// right after a sentence of the same paragraph that names one person and no other (who is
/// not spoken to): in reports and profiles, that person's words. Not after a question
/// (“…?”彭楚政问。“…”: the answer is another's).
fn subject_before<'a>(ix: &TextIndex, people: &'a [Entity], open: usize) -> Option<&'a Entity> {
    let chars = &ix.chars;
    // A sentence ending in a question mark asks; the quote after it answers.
    if open == 0 || !matches!(chars[open - 1], '。' | '!') {
        return None;
    }
    // The sentence before, back over the quotes it holds (“…?”彭楚政问。 is one sentence),
    // at most `SENTENCE_REACH` characters; the people named inside those quotes are spoken
    // to or of (“李明,你辛苦了。”老人拉着他的手。), not the subject.
    let limit = open.saturating_sub(SENTENCE_REACH);
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    let mut start = open - 1;
    while start > 0 && !matches!(chars[start - 1], '。' | '!' | '?' | '\n' | '“') {
        if start <= limit {
            return None;
        }
        match chars[start - 1] {
            '”' => {
                if start >= 2 && chars[start - 2] == '?' {
                    return None;
                }
                match chars[limit..start - 1].iter().rposition(|&c| matches!(c, '“' | '\n')) {
                    Some(o) if chars[limit + o] == '“' => {
                        quoted.push((limit + o, start));
                        start = limit + o;
                    }
                    _ => return None,
                }
            }
            _ => start -= 1,
        }
    }
    let from = people.partition_point(|p| (p.start as usize) < start);
    let to = people.partition_point(|p| (p.end as usize) <= open);
    let mut named = people
        .get(from..to)?
        .iter()
        .filter(|p| !quoted.iter().any(|&(a, b)| a <= p.start as usize && (p.end as usize) <= b));
    let first = named.next()?;
    (named.all(|p| p.text == first.text) && !addressed(ix, first)).then_some(first)
}

/// Whether a singular third-person pronoun stands at `p` (他, 她; not 他们, 其他).
fn pronoun_at(ix: &TextIndex, p: usize) -> bool {
    let chars = &ix.chars;
    matches!(chars[p], '他' | '她')
        && chars.get(p + 1) != Some(&'们')
        && !(p > 0 && matches!(chars[p - 1], '其' | '吉' | '利'))
        && ix.is_token_start(p)
        && ix.is_token_end(p + 1)
}

/// `“…”他说。` or `“…”,她表示。`: a pronoun right after the closing mark or after a comma
/// there, then a speech verb before the sentence ends. Returns the pronoun's position.
fn pronoun_after(ix: &TextIndex, lists: &Lists, open: usize, from: usize) -> Option<usize> {
    let chars = &ix.chars;
    let p = if from < chars.len() && pronoun_at(ix, from) {
        from
    } else if chars.get(from) == Some(&',') && from + 1 < chars.len() && pronoun_at(ix, from + 1) {
        from + 1
    } else {
        return None;
    };
    (!introduces_next(ix, open, from) && has_speech_verb(ix, lists, p + 1, clause_end(ix, p, 12))).then_some(p)
}

/// `他对镇干部说:“…”`: a pronoun opening the clause before the mark (at a sentence's or a
/// clause's start: not 记者对他说, 拉着他的手说), a speech verb between it and the colon or
/// comma. Returns the pronoun's position.
fn pronoun_before(ix: &TextIndex, lists: &Lists, open: usize) -> Option<usize> {
    let chars = &ix.chars;
    if !introduced(ix, open) {
        return None;
    }
    let from = open.saturating_sub(SUBJECT_REACH);
    let p = (from..open).rev().find(|&p| pronoun_at(ix, p))?;
    // At a sentence's or clause's start, or after when it happened (20年前他就说:“).
    let opens_clause = p == 0
        || matches!(chars[p - 1], '。' | '!' | '?' | ',' | ';' | ':' | '”' | '\n')
        || ix.token(p - 1).is_some_and(|t| matches!(t.pos, "t" | "f"));
    (opens_clause && says_before(ix, lists, p, p + 1, open)).then_some(p)
}

/// The person a pronoun at `at` stands for: the nearest one named before it in the same
/// paragraph or the one before, passing over (three names back at most) one just spoken to
/// ([`passed_over`]; 他…对馆长李象益说:“…”他说:“…”: 他 is still the visitor). A heuristic, right for the
/// common news pattern (a person introduced, then quoted as 他说), hence `speaker_source` =
/// `pronoun`.
fn antecedent<'a>(ix: &TextIndex, lists: &Lists, people: &'a [Entity], at: usize) -> Option<&'a Entity> {
    let before = people.partition_point(|p| (p.end as usize) <= at);
    let k = (before.saturating_sub(3)..before).rev().find(|&k| !passed_over(ix, lists, people, k))?;
    let p = &people[k];
    let breaks = ix.chars[p.end as usize..at].iter().filter(|&&c| c == '\n').count();
    (breaks <= 1).then_some(p)
}
