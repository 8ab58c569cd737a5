//! Places. Province, city and county names (and accepted short forms: 内蒙古, 金昌) come
//! from the administrative-division table, and countries, regions, foreign cities and
//! geographic features from the world list, through one character index; a name that
//! several provinces share is resolved by the document's other places. Towns, streets,
//! villages and communities are found by their suffix (镇, 乡, 街道, 村, 社区 …) and take their
//! province, city and county from the nearest enclosing place named before them. Last, after
//! the people finder, words jieba's dictionary tags `ns` that are shaped like a geographic
//! name (尼罗河, 陕北) fill in what neither list holds.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{covered, is_han, CharList, Lists, TextIndex};
use crate::document::{Entity, EntityKind};
use crate::lexicon::{Level, Lexicon};

pub(crate) struct PlaceMatcher {
    index: super::BigramIndex,
    /// Pattern id → key in `PlaceTable::by_name`.
    names: Vec<String>,
    /// Pattern id → its places in the table: the hash lookup of the name per match showed
    /// in the profile.
    ids: Vec<Vec<usize>>,
}

/// Characters that may follow a place name inside a longer word without making the match
/// wrong (金昌市委, 崆峒区政府, 内蒙古自治区党委, 沈阳军区).
const CONTINUATIONS: CharList = chars!("委府人党区县镇乡村街政军");

/// Parts of speech that can sit inside a town or village name.
fn name_pos(pos: &str) -> bool {
    pos.starts_with('n') || matches!(pos, "j" | "s" | "f" | "b" | "a" | "g" | "zg" | "x")
}

/// Single characters that never begin or sit inside a town or village name: they end the
/// walk leftwards from the suffix.
const STOP_CHARS: CharList = chars!("的在了和与及是到从对为将把被让向由等个我你他她它这那该各每全本其此");

/// Function characters jieba glues onto a place suffix as the sentence goes on (镇以/v of
/// 太和镇以党建引领): the word is the suffix and the character, not another word (村民, 镇长).
const GLUED_AFTER: CharList = chars!("以在的和与及是将为把对于从向由也都就还又已");

/// Characters a word may add after a place suffix and still hold the place (村边, 镇西).
const LOCATIVES: CharList = chars!("边里内外头口上中东西南北前后");

/// Parts of speech of a one-word prefix that make the whole a phrase, not a name
/// (联系村, 新建社区, 优秀村, 所有村).
const PHRASE_POS: &[&str] = &["v", "vn", "vd", "a", "ad", "an", "d", "r", "m", "q", "p", "c", "u", "l", "i"];

/// Short forms of place names that are mostly common words (大同 "great harmony", 开封
/// "to unseal", 日照 "sunshine", 朝阳 "morning sun").
const SHORT_FORM_WORDS: &[&str] = &[
    "大同", "长治", "开封", "来宾", "东方", "白山", "白城", "朝阳", "日照", "白银", "四平", "三明", "安顺", "丽水",
    "通化", "双河",
];

/// Dictionary tags of common words, which a county's short form must not carry.
const COMMON_TAGS: &[&str] = &["n", "v", "vn", "a", "ad", "an", "b", "d", "f", "m", "q", "r", "t", "i", "l", "nz", "j"];

/// Whether `name` is only ever the short form of a county (张北 of 张北县).
fn is_county_short(table: &crate::lexicon::PlaceTable, name: &str, ids: &[usize]) -> bool {
    ids.iter().all(|&i| table.places[i].level == Level::County && table.places[i].name != name)
}

/// Last characters of a geographic name (river, lake, sea, strait, bay, island, mountain,
/// province, state, county, gate, palace, street, port): a word jieba's dictionary tags `ns`
/// and that ends in one of these is a place outside the division table, most often a
/// natural feature, a foreign state or a historical county (尼罗河, 得克萨斯州, 顺德市).
const GEO_HEADS: CharList = chars!("山河江湖海洋峡湾岛峰岭州省市县区盟旗桥门街路宫陵港");

/// Endings of `ns` dictionary words that name a kind of area, not one place (东北地区,
/// 大中城市, 三峡库区, 长江大桥).
const AREA_ENDINGS: &[&str] = &["地区", "城市", "都市", "边区", "库区", "山区", "城区", "大陆桥", "大桥", "高架桥"];

/// Province abbreviations that make a region with a direction after them (陕北, 苏南, 闽西).
const PROVINCE_ABBREVIATIONS: CharList =
    chars!("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔滇藏陕秦甘陇青宁新胶");

/// Road words after a place name: 桂林路 is a street, not the city of Guilin.
const ROAD_WORDS: CharList = chars!("路街巷道弄");

impl PlaceMatcher {
    pub fn new(lexicon: &Lexicon) -> PlaceMatcher {
        let table = &lexicon.places;
        let mut names: Vec<String> = Vec::new();
        for (name, ids) in &table.by_name {
            let is_full = ids.iter().any(|&i| &table.places[i].name == name);
            let n = name.chars().count();
            // The world list is curated: its two-character names are kept whatever jieba's
            // dictionary calls them (珀斯/nrt).
            let country = ids.iter().any(|&i| matches!(table.places[i].level, Level::Country | Level::Other));
            let city_short = !is_full && ids.iter().any(|&i| table.places[i].level == Level::City);
            if SHORT_FORM_WORDS.contains(&name.as_str()) {
                continue;
            }
            if is_county_short(table, name, ids) {
                // Kept only with support from the document (see `find`); still never a
                // common word (城关/n is a town, 新华/nz a name).
                // Frequent dictionary words are words first (平原 "plain", 友谊 "friendship").
                let word = lexicon.word_info(name).is_some_and(|(tag, freq)| {
                    COMMON_TAGS.contains(&tag) || freq >= 3000 || freq >= 700 && tag != "ns"
                });
                if !word {
                    names.push(name.clone());
                }
                continue;
            }
            // Two-character names collide with common words (城区, 两岸): keep them where
            // jieba's dictionary calls the word a place. Countries and prefecture-level
            // short forms (大连, 拉萨, tagged d and nrt there) are kept but for the words in
            // SHORT_FORM_WORDS.
            if (!is_full || n <= 2) && !country && !city_short {
                let tags = lexicon.jieba.tag(name, false);
                if tags.len() != 1 || tags[0].tag != "ns" {
                    continue;
                }
            }
            names.push(name.clone());
        }
        names.sort();
        let index = super::BigramIndex::new(&names).marked_as(super::mark::PLACES);
        let ids = names.iter().map(|n| table.by_name[n].clone()).collect();
        PlaceMatcher { index, names, ids }
    }

    /// The place names' index, for [`super::Extractor::marks`].
    pub(crate) fn index(&self) -> &super::BigramIndex {
        &self.index
    }

    /// Every place mention in the document's text.
    pub fn find(&self, ix: &TextIndex, lists: &Lists, lexicon: &Lexicon) -> Vec<Entity> {
        let table = &lexicon.places;
        // (start, end, candidate place ids)
        let mut hits: Vec<(usize, usize, &Vec<usize>)> = Vec::new();
        for (s, e, k) in self.index.leftmost_longest(ix) {
            let ids = &self.ids[k];
            // Country and province names hold inside longer words too (中国共产党, 广东人).
            let strong = ids.iter().any(|&i| matches!(table.places[i].level, Level::Country | Level::Province));
            let ends = ix.is_token_end(e) || ix.chars.get(e).is_some_and(|c| CONTINUATIONS.contains(*c));
            let compound = || {
                // jieba's dictionary holds nouns that start or end with a place (亚特兰大奥运会,
                // 中东地区, 美国纽约): the name holds when what the noun adds is itself
                // dictionary words. A county's short form never does (weak).
                !is_county_short(table, &self.names[k], ids)
                    && ix.token(s).is_some_and(|t| {
                        let (ts, te) = (t.start as usize, (t.start + t.len) as usize);
                        e <= te
                            && COMPOUND_POS.contains(&t.pos)
                            && words(lexicon, ix, ts, s)
                            && (ends || words(lexicon, ix, e, te))
                    })
            };
            if (!ix.is_token_start(s) || !strong && !ends) && !compound() {
                continue;
            }
            if ix.chars.get(e).is_some_and(|c| ROAD_WORDS.contains(*c)) {
                continue;
            }
            hits.push((s, e, ids));
        }
        // Evidence for ambiguous names: provinces and cities of the unambiguous ones.
        let mut support: HashMap<&str, usize> = HashMap::default();
        let weak = |s: usize, e: usize, ids: &[usize]| is_county_short(table, ix.slice(s, e), ids);
        for (s, e, ids) in &hits {
            if ids.len() == 1 && !table.places[ids[0]].adcode.is_empty() && !weak(*s, *e, ids) {
                let code = &table.places[ids[0]].adcode;
                *support.entry(&code[..2]).or_default() += 1;
                *support.entry(&code[..4]).or_default() += 2;
            }
        }
        let mut out = Vec::new();
        // (end, place id) of county- and city-level places, for towns and villages.
        let mut enclosing: Vec<(usize, usize)> = Vec::new();
        let best = |ids: &[usize]| {
            *ids.iter()
                .max_by_key(|&&i| {
                    let code = &table.places[i].adcode;
                    let score = if code.len() < 4 {
                        0
                    } else {
                        support.get(&code[..2]).copied().unwrap_or(0) + support.get(&code[..4]).copied().unwrap_or(0)
                    };
                    // Higher level first on ties (吉林 the province before 吉林 the city).
                    (score, std::cmp::Reverse(table.places[i].level), std::cmp::Reverse(i))
                })
                .expect("invariant: by_name lists are never empty")
        };
        let listed = self.listed(ix, lexicon, &hits);
        let hits = {
            let mut all: Vec<(usize, usize, &Vec<usize>, bool)> =
                hits.into_iter().map(|(s, e, ids)| (s, e, ids, false)).collect();
            all.extend(listed.into_iter().map(|(s, e, ids)| (s, e, ids, true)));
            all.sort_by_key(|h| h.0);
            all
        };
        // A county's short form that stands as a whole item of a list beside a division
        // that needs no support (哈尔滨、延吉、沈阳) is a place of that list; beside regions
        // (华东、中原、华北) it is not (中原 there is no district of Zhengzhou).
        // Built only for a document with such a short form, so that other documents do not
        // choose each hit's place twice.
        // Where such divisions start and where they end.
        let (strong_starts, strong_ends): (HashSet<usize>, HashSet<usize>) =
            if hits.iter().any(|h| !h.3 && weak(h.0, h.1, h.2)) {
                hits.iter()
                    .filter(|h| !h.3 && !weak(h.0, h.1, h.2) && !table.places[best(h.2)].adcode.is_empty())
                    .map(|h| (h.0, h.1))
                    .unzip()
            } else {
                Default::default()
            };
        let listed_beside_strong = |s: usize, e: usize| {
            let chars = &ix.chars;
            let left_edge = s == 0 || !is_han(chars[s - 1]) || chars!("、和与及").contains(chars[s - 1]);
            let right_edge = e == chars.len() || !is_han(chars[e]) || chars!("、等和与及").contains(chars[e]);
            let left = s >= 2 && chars[s - 1] == '、' && strong_ends.contains(&(s - 1));
            let right = chars.get(e) == Some(&'、') && strong_starts.contains(&(e + 1));
            left_edge && right_edge && (left || right)
        };
        for (s, e, ids, in_list) in hits {
            let id = best(ids);
            let p = &table.places[id];
            // A county's short form stands as a whole word (not 城关 of 城关镇) in a document
            // that names its province elsewhere, or in a list beside other places.
            if !in_list
                && weak(s, e, ids)
                && !listed_beside_strong(s, e)
                && (p.adcode.len() < 4
                    || !support.contains_key(&p.adcode[..2])
                    || !ix.is_token_end(e)
                    || ix.chars.get(e).is_some_and(|c| chars!("镇乡村街区县市旗").contains(*c)))
            {
                continue;
            }
            if matches!(p.level, Level::City | Level::County) {
                enclosing.push((e, id));
            }
            out.push(Entity {
                sentence_idx: ix.sentence_of(s),
                kind: EntityKind::Place,
                text: ix.slice(s, e).to_string(),
                normalized: p.name.clone(),
                level: Some(p.level.as_str()).filter(|l| !l.is_empty()),
                adcode: Some(p.adcode.clone()).filter(|c| !c.is_empty()),
                province: table.province_of(id).map(str::to_string),
                city: table.city_of(id).map(str::to_string),
                county: (p.level == Level::County).then(|| p.name.clone()),
                start: s as u32,
                end: e as u32,
                ..Entity::default()
            });
        }
        let taken: Vec<(usize, usize)> = out.iter().map(Entity::span).collect();
        let mut local = self.by_suffix(ix, lists, &taken);
        // The dominant county of the document encloses towns named before any county.
        let mut county_count: HashMap<usize, usize> = HashMap::default();
        for (_, id) in &enclosing {
            *county_count.entry(*id).or_default() += 1;
        }
        let dominant = county_count.into_iter().max_by_key(|&(id, n)| (n, std::cmp::Reverse(id))).map(|x| x.0);
        for ent in &mut local {
            let before = enclosing.iter().rev().find(|(end, _)| *end <= ent.start as usize).map(|x| x.1);
            if let Some(id) = before.or(dominant) {
                let p = &table.places[id];
                ent.province = table.province_of(id).map(str::to_string);
                ent.city = table.city_of(id).map(str::to_string);
                ent.county = (p.level == Level::County).then(|| p.name.clone());
            }
        }
        out.extend(local);
        out.sort_by_key(|e| e.start);
        out
    }

    /// Names of the table left out of the scan, as common words (大同, 朝阳) or as a
    /// county's short form that is a word too, that stand as a whole item of a list beside
    /// a place found (太原、大同、天津; 东城、朝阳、海淀): such a list names places of one kind.
    /// Items are the characters between enumeration commas, or between one and a list's
    /// end (等, 和, 及, 与, punctuation); each item found makes its own neighbours items.
    /// A frequent common noun stays out (城区 and 郊区 are also the names of districts).
    fn listed<'t>(
        &self,
        ix: &TextIndex,
        lexicon: &'t Lexicon,
        hits: &[(usize, usize, &Vec<usize>)],
    ) -> Vec<(usize, usize, &'t Vec<usize>)> {
        const LIST_ENDS: &str = "等和及与";
        let table = &lexicon.places;
        let common = |w: &str| {
            lexicon
                .word_info(w)
                .is_some_and(|(tag, freq)| freq >= 500 && matches!(tag, "n" | "s" | "f" | "v" | "vn" | "a"))
        };
        let chars = &ix.chars;
        let mut found = Vec::new();
        let mut placed = covered(chars.len(), hits.iter().map(|h| (h.0, h.1)));
        let mut queue: Vec<(usize, usize)> = hits.iter().map(|h| (h.0, h.1)).collect();
        while let Some((s, e)) = queue.pop() {
            let mut items = Vec::with_capacity(2);
            if chars.get(e) == Some(&'、') {
                let a = e + 1;
                let b = (a..chars.len().min(a + 5)).find(|&k| !is_han(chars[k]) || LIST_ENDS.contains(chars[k]));
                items.extend(b.map(|b| (a, b)));
            }
            if s > 0 && chars[s - 1] == '、' {
                let b = s - 1;
                let a = (b.saturating_sub(4)..b).rev().find(|&k| !is_han(chars[k])).map(|k| k + 1);
                items.extend(a.map(|a| (a, b)));
            }
            for (a, b) in items {
                if b < a + 2 || placed[a..b].contains(&true) {
                    continue;
                }
                let name = ix.slice(a, b);
                let Some(ids) = table.by_name.get(name).filter(|_| !common(name)) else { continue };
                placed[a..b].fill(true);
                found.push((a, b, ids));
                queue.push((a, b));
            }
        }
        found
    }

    /// Towns and villages by suffix. `taken` are spans already known as places; a name never
    /// reaches back into one.
    fn by_suffix(&self, ix: &TextIndex, lists: &Lists, taken: &[(usize, usize)]) -> Vec<Entity> {
        let chars = &ix.chars;
        let mut out: Vec<Entity> = Vec::new();
        let mut floor = 0usize; // names never start before this (end of the previous place)
        let mut taken_iter = taken.iter().peekable();
        let mut i = 0;
        while i < chars.len() {
            while let Some(&&(ts, te)) = taken_iter.peek() {
                if ts <= i {
                    floor = floor.max(te);
                    if te > i {
                        i = te;
                    }
                    taken_iter.next();
                } else {
                    break;
                }
            }
            if i >= chars.len() {
                break;
            }
            if !lists.town_suffixes.may_start_at(ix, i) && !lists.village_suffixes.may_start_at(ix, i) {
                // On to the next place a suffix may start; the spans taken on the way are
                // caught up above, as they were one character at a time.
                i = ix.next_marked(super::mark::TOWN_SUFFIXES | super::mark::VILLAGE_SUFFIXES, i + 1);
                continue;
            }
            let suffix = lists
                .town_suffixes
                .iter()
                .map(|s| (s, Level::Town))
                .chain(lists.village_suffixes.iter().map(|s| (s, Level::Village)))
                .filter(|(s, _)| ix.at(i, s))
                .max_by_key(|(s, _)| s.len());
            let Some((suffix, level)) = suffix else {
                i += 1;
                continue;
            };
            let end = i + suffix.len();
            if let Some(start) = self.name_start(ix, lists, i, end, floor) {
                let text = ix.slice(start, end).to_string();
                floor = end;
                out.push(Entity {
                    sentence_idx: ix.sentence_of(start),
                    kind: EntityKind::Place,
                    normalized: text.clone(),
                    text,
                    level: Some(level.as_str()),
                    start: start as u32,
                    end: end as u32,
                    ..Entity::default()
                });
                i = end;
                continue;
            }
            i += 1;
        }
        out
    }

    /// Where the name ending in the suffix at `[at, end)` begins, if it is a real name.
    fn name_start(&self, ix: &TextIndex, lists: &Lists, at: usize, end: usize, floor: usize) -> Option<usize> {
        let chars = &ix.chars;
        // A suffix opening the text has no name before it (镇党委书记…).
        if at == 0 {
            return None;
        }
        // The token holding the suffix must not be a common word (乡村, 城镇, 小区 …).
        if let Some(t) = ix.token(at) {
            let word = ix.doc.token_text(t);
            if lists.generic_places.contains(word) {
                return None;
            }
            // The suffix must start its token or end it: 村 in 村边 or 赵家庄村, not 乡村旅游.
            let (ts, te) = (t.start as usize, (t.start + t.len) as usize);
            if ts != at && te != end {
                return None;
            }
            // A word that starts with the suffix may only add a locative (村边, 镇西); 乡村振兴
            // and 村干部 are other words.
            // Exception: jieba glued the next village's name on (峡门/乡二沟/村).
            // So did a word that ends in a village's suffix (三阳/乡金窝村, 安定/镇三和村).
            let village_follows =
                lists.village_suffixes.iter().any(|v| ix.at(te, v) || te >= v.len() && ix.at(te - v.len(), v));
            // And one function character the sentence goes on with (太和/镇以/党建引领).
            let glued = te == end + 1 && GLUED_AFTER.contains(chars[end]);
            if ts == at
                && te > end
                && !chars[end..te].iter().all(|c| LOCATIVES.contains(*c))
                && !village_follows
                && !glued
            {
                return None;
            }
        }
        // Walk left over name-like tokens, at most 6 characters, never past `floor`. A
        // single-character token is taken unless it is a stop character: jieba tags the
        // pieces of unknown names erratically (湾/zg, 子/ng). 和 inside a word jieba files as
        // a place or proper name is no conjunction (太和/nz 镇, 永和镇/ns, 共和村); other stop
        // characters stay stops even there, since jieba files some verbs so (波及/ns 村里,
        // 广为/ns), and inside other words 和 may be one jieba glued on.
        let mut start = at;
        while start > floor && at - start < 6 {
            let c = chars[start - 1];
            let Some(t) = ix.token(start - 1) else { break };
            let named = c == '和' && t.len > 1 && matches!(t.pos, "ns" | "nz");
            if !is_han(c) || STOP_CHARS.contains(c) && !named {
                break;
            }
            let mut ts = (t.start as usize).max(floor);
            // Never reach back over another place's suffix (峡门乡 | 二沟村).
            if let Some(k) = (ts..start).rev().find(|&k| {
                lists
                    .town_suffixes
                    .iter()
                    .chain(lists.village_suffixes.iter())
                    .any(|s| k + 1 >= s.len() && ix.at(k + 1 - s.len(), s))
            }) {
                ts = k + 1;
                if ts >= start {
                    break;
                }
                start = ts;
                break;
            }
            let whole_suffix_token = ts + (t.len as usize) > at;
            if !(whole_suffix_token || t.len == 1 || name_pos(t.pos)) || at - ts > 6 {
                break;
            }
            start = ts;
        }
        // A prefix that is one dictionary word used as a verb, adjective or numeral makes a
        // phrase (联系村, 优秀村, 新一轮村), unless jieba knows the whole as a place.
        if let (Some(t), Some(last)) = (ix.token(start), ix.token(at - 1)) {
            let one_word = t.start as usize == start && (t.start + t.len) as usize == at && std::ptr::eq(t, last);
            if one_word && PHRASE_POS.contains(&t.pos) {
                return None;
            }
            if ix.chars[start..at].iter().any(|c| chars!("一二三四五六七八九十两几").contains(*c)) && t.pos == "m"
            {
                return None;
            }
        }
        // A numeral with a classifier inside the prefix (新一轮, 两个) is a phrase, and a
        // hundred, thousand or ten thousand units of a level a slogan (百县千镇万村; not 户:
        // 百户庄村 is a village).
        if chars[start..at].windows(2).any(|w| {
            chars!("一二三四五六七八九十两几").contains(w[0]) && chars!("轮个批届名次些项家").contains(w[1])
                || matches!(w[0], '百' | '千' | '万')
                    && matches!(w[1], '省' | '市' | '县' | '区' | '乡' | '镇' | '村' | '企')
        }) {
            return None;
        }
        let prefix: String = chars[start..at].iter().collect();
        let name: String = chars[start..end].iter().collect();
        let n = prefix.chars().count();
        let is_suffix_word = |w: &str| {
            lists.town_suffixes.iter().chain(lists.village_suffixes.iter()).any(|s| s.iter().copied().eq(w.chars()))
        };
        if n < 2
            || lists.generic_places.contains(&name)
            || lists.generic_places.contains(&prefix)
            || is_suffix_word(&prefix)
        {
            return None;
        }
        let first = chars[start];
        // A year or month after its number (2024年度村(社区)党组织) is no name.
        if "年月".contains(first)
            && start > 0
            && (chars[start - 1].is_ascii_digit()
                || chars!("０１２３４５６７８９〇零一二三四五六七八九十").contains(chars[start - 1]))
        {
            return None;
        }
        if chars!("全各每本该这那此其某多个我你他").contains(first) && n <= 2 {
            return None;
        }
        // The whole of an area, then a count (全县两镇, 各市三村).
        if "全各每".contains(first) && super::ADMIN_LEVELS.contains(chars[start + 1]) {
            return None;
        }
        // A number before the level counts places (两镇, 十多村, 一个村); a numeral and
        // another character names one (三和村, 三阳乡, 五星村, 八一村).
        let numeral = |c: char| chars!("一两二三四五六七八九十百千万几").contains(c);
        if numeral(first) && n <= 2 && (numeral(chars[start + 1]) || chars!("个多余些").contains(chars[start + 1]))
        {
            return None;
        }
        Some(start)
    }
}

/// Tags of the dictionary nouns a place may sit inside (not 万象更新/nr, an idiom jieba calls a
/// name).
const COMPOUND_POS: &[&str] = &["ns", "nz", "nt", "n", "j"];

/// Whether the characters `[s, e)` are empty or cut, by jieba's dictionary alone, into
/// words of two characters or more that are not names: what a compound noun adds to a place
/// name inside it (地区; 联合国 总部). A single character left over (中山装) or a name
/// (明尼苏 of 明尼苏达州, which jieba lists as a name) makes the place a part of another word.
fn words(lexicon: &Lexicon, ix: &TextIndex, s: usize, e: usize) -> bool {
    if s >= e {
        return true;
    }
    lexicon.jieba.cut(ix.slice(s, e), false).iter().all(|w| {
        w.end - w.start >= 2 && lexicon.word_info(w.word).is_some_and(|(tag, _)| !tag.starts_with("nr") && tag != "x")
    })
}

/// Places jieba's dictionary knows that the division table lacks: `ns` words shaped like a
/// geographic name (see [`GEO_HEADS`]) and regions named by a province and a direction
/// (陕北, 湘西). jieba's `ns` alone is no evidence: it tags 城市, 两国 and 美丽 `ns` too, so
/// only these two shapes are taken, and never over an entity already found. It runs after
/// the people finder: a name may end like a place (许地山, 村山富市, 赵川东).
pub(crate) fn by_dictionary(ix: &TextIndex, lists: &Lists, lexicon: &Lexicon, found: &[Entity]) -> Vec<Entity> {
    let mut out = Vec::new();
    let taken = covered(ix.chars.len(), found.iter().map(Entity::span));
    for t in &ix.doc.tokens {
        if t.pos != "ns" || t.len < 2 {
            continue;
        }
        let (s, e) = (t.start as usize, (t.start + t.len) as usize);
        let chars = &ix.chars[s..e];
        let geographic = chars.len() >= 3
            && GEO_HEADS.contains(chars[chars.len() - 1])
            && !chars!("各一二三四五六七八九十百千万").contains(chars[0])
            && !(chars[0] == '自' && chars[1] == '治')
            // Idioms that repeat a character (山山岭岭, 人山人海) are no names.
            && chars.iter().enumerate().all(|(i, c)| !chars[..i].contains(c));
        let region =
            chars.len() == 2 && PROVINCE_ABBREVIATIONS.contains(chars[0]) && chars!("东南西北中").contains(chars[1]);
        if !(geographic || region) || taken[s..e].contains(&true) {
            continue;
        }
        let word = ix.doc.token_text(t);
        if AREA_ENDINGS.iter().any(|w| word.ends_with(w))
            || lists.generic_places.contains(word)
            || !lexicon.jieba.has_word(word)
        {
            continue;
        }
        out.push(Entity {
            sentence_idx: ix.sentence_of(s),
            kind: EntityKind::Place,
            text: word.to_string(),
            normalized: word.to_string(),
            start: s as u32,
            end: e as u32,
            ..Entity::default()
        });
    }
    out
}
