//! People and organisations.
//!
//! A person is anchored by evidence beside the name, never by jieba's `nr` tag alone (which
//! takes many common words for names): a role word before it (党支部书记王力), a role after
//! it (习近平总书记), or a speech verb after it (王力说). Every later mention of a name found
//! this way is a row too, carrying the role the document gives that person.
//!
//! An organisation is a noun phrase ending in an organisation head (党支部, 组织部, 合作社,
//! 公司 …), reaching back over nouns and place names.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{covered, is_han, CharList, CharSet, Lists, TextIndex, ADMIN_LEVELS};
use crate::document::{Entity, EntityKind};
use crate::lexicon::Lexicon;

/// Words that commonly follow a name and so mark where a two-character name ends.
const AFTER_NAME: &[&str] = &[
    "说", "介绍", "表示", "告诉", "在", "等", "和", "与", "的", "是", "也", "都", "就", "便", "带领", "带头", "亲自",
    "多次", "一", "指出", "坦言", "认为", "强调", "谈到", "提到", "感慨", "回忆", "透露", "补充", "解释", "称", "道",
    "对", "向", "从", "为", "将", "把", "被", "让", "给", "了", "着", "过", "同志", "决定", "挺", "正在", "还", "又",
    "先后", "主动", "积极", "说道", "笑", "满面", "不禁", "告知", "通过", "来到", "每天",
    // A reporter's credit ends the name (记者薛原报道, 刘宇摄).
    "报道", "报", "摄",
];

/// Last characters of the name of a unit (派出所, 新华社, 中心医院, 组织部).
const UNIT_HEADS: CharList = chars!("部局委院厅处所队社会办组站室科司行校厂店团军署馆台报");

/// Tags of a character before 某 that make it a word, not a surname (由/p 某部门).
const ANONYMIZED_NOT: &[&str] = &["p", "c", "u", "d", "r", "f", "m", "q", "v"];

/// Roles that are a standing in a case, not a post in a unit: nothing to their left is
/// theirs.
const STANDING_ROLES: &[&str] = &["被告人", "被害人", "犯罪嫌疑人", "嫌疑人"];

/// Tags of people's names: a role reaching left over nouns that stops at one has taken
/// the rest of a name jieba cut in two (宁德/nr 时代/n 董事长), not a unit.
const PROPER_POS: &[&str] = &["nr", "nrfg", "nrt"];

/// Dictionary tags of common words: a candidate name that is such a word is no name.
const WORD_POS: &[&str] = &[
    "n", "nt", "nz", "ns", "ng", "j", "v", "vn", "vd", "vi", "a", "ad", "an", "d", "l", "i", "p", "c", "u", "r", "q",
    "f", "s", "b", "z",
];

/// Last characters of common nouns that jieba's dictionary tags as names.
const NOUN_SUFFIXES: CharList = chars!("地滩证感乐性率度量品界站场院馆所室业机器物料费税价款权法制学家员者手队部局会委厂店村镇乡县市省路街区栏卡单票片线网车船厅处科系组团社报刊论观");

/// Last characters of landmarks and things that jieba builds or lists as names (卢沟桥,
/// 李家沟, 胡萝卜 aside, 常青树, 羊绒衫): rare at the end of a given name.
const THING_SUFFIXES: CharList = chars!("湖桥池亭庙港寺庄湾坡岛宫塔祠草树饼衫柜茶鱼砂杯牌词书般史河窑沟族屯鸡");

/// Characters that close or open an item of a list of names (、于是之、, 程志等, 俞斌和).
const ITEM_EDGES: CharList = chars!("、等和及与");

/// From this jieba frequency a dictionary word standing as a list item is that word, not a
/// name (和平, 高度); below it, names the dictionary files as nouns (程志/n 261) may pass.
const ITEM_WORD_FREQ: usize = 500;

/// Function characters jieba's HMM joins to the end of a name it builds (叶鹏却, 纳诺及).
const SWALLOWED_AFTER: CharList = chars!("却有及和与也都就又在是了的即亦上下能");

/// Prepositions jieba's HMM joins to the start of a name it builds (对桑特).
const SWALLOWED_BEFORE: CharList = chars!("对向把被将从与和在");

/// Titles written after a bare surname (江主席, 周总理): the surname is the person.
const SURNAME_TITLES: &[&str] = &[
    "主席",
    "总理",
    "总书记",
    "委员长",
    "副主席",
    "副总理",
    "同志",
    "老",
    "部长",
    "书记",
    "大使",
    "校长",
    "团长",
    "教授",
    "厂长",
    "局长",
    "市长",
    "县长",
    "省长",
    "经理",
    "院长",
    "司令",
    "政委",
    "将军",
    "队长",
    "师长",
    "连长",
];

/// Everyday forms of address after a surname (王阿姨, 马先生): they stand for someone the
/// article does not name, so the surname alone is no person; a name jieba builds with one
/// (朱师傅/nr) is none either.
const ADDRESS_TERMS: &[&str] = &[
    "先生", "女士", "小姐", "师傅", "老师", "大夫", "医生", "大娘", "大妈", "大爷", "阿姨", "大姐", "大哥", "老汉",
    "老伯",
];

/// Courtesies after a name (同志, 先生, 师傅): a person's role only where the document gives
/// them no title, which is what an analyst grouping people by role is after.
const COURTESIES: [&str; 13] =
    ["同志", "先生", "女士", "小姐", "师傅", "大娘", "大妈", "大爷", "阿姨", "大姐", "大哥", "老汉", "老伯"];

fn courtesy(role: &str) -> bool {
    COURTESIES.contains(&role)
}

/// Characters of transliterated foreign names (克林顿, 内塔尼亚胡, 切尔诺梅尔金).
const TRANSLITERATION: &str = "冯顿夏蒂瑞科赛罗姆斯梅马鲁乌茨阿埃艾爱安昂奥巴拜班邦保鲍贝本比彼毕宾波伯博布查达大戴丹道德迪蒂丁东杜多厄恩尔法凡菲费芬丰弗福夫盖冈戈格贡古哈海汉豪赫亨胡华霍基吉加贾杰捷金卡凯坎康柯科克肯库夸奎拉莱赖兰朗劳勒雷黎里利丽莉连列林琳卢鲁路伦罗洛马玛迈麦曼梅门蒙米密明莫默姆穆纳娜奈南内尼涅宁纽努诺欧帕潘佩皮普齐奇恰乔切钦琼丘萨塞桑瑟森沙莎舍什施史斯松苏索塔泰坦汤特滕提廷图托瓦万威韦维温沃乌西希谢辛休亚扬耶伊因英尤约泽扎詹兹佐朱卓雅伽勃嘎察圭瓜";

/// [`TRANSLITERATION`] as a bit set (a search of the string per character showed in the
/// profile).
static TRANSLIT: LazyLock<CharSet> = LazyLock::new(|| CharSet::new(TRANSLITERATION.chars()));

/// Whether `c` is used to spell foreign names.
fn translit(c: char) -> bool {
    TRANSLIT.contains(&c)
}

/// Parts of speech of words that never begin a name.
const FUNCTION_POS: &[&str] =
    &["c", "p", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "v", "vd", "ad", "f", "m", "q", "y", "e", "o", "t"];

/// Whether a bracket at `p` holds an annotation of a listed name (回族, 女): the
/// position after its closing bracket.
fn annotation_after(ix: &TextIndex, p: usize) -> Option<usize> {
    if ix.chars.get(p) != Some(&'(') {
        return None;
    }
    let close = (p + 1..(p + 8).min(ix.chars.len())).find(|&k| ix.chars[k] == ')')?;
    annotation(&ix.chars[p + 1..close]).then_some(close + 1)
}

/// The mirror of [`annotation_after`]: `q` is just after a closing bracket; the position
/// of its opening bracket.
fn annotation_before(ix: &TextIndex, q: usize) -> Option<usize> {
    if q < 3 || ix.chars[q - 1] != ')' {
        return None;
    }
    let open = (q.saturating_sub(8)..q - 1).rev().find(|&k| ix.chars[k] == '(')?;
    annotation(&ix.chars[open + 1..q - 1]).then_some(open)
}

fn annotation(inner: &[char]) -> bool {
    matches!(inner, ['女'] | ['男']) || inner.len() >= 2 && inner.len() <= 5 && inner.last() == Some(&'族')
}

/// Words that may close a credit after the names: photo, contributed, reported, text. A
/// bare 文 is tried last, after the whole bracket as names: more often it ends a given name
/// (（罗玉文）, （沈龙文）) than credits the text.
const CREDIT_TAILS: &[&str] = &["摄影", "摄", "供稿", "报道", "/文", "文"];

/// A dictionary entry that may be a name mis-filed by jieba: a noun-like tag and a low
/// frequency (common nouns that begin with a surname character, 高度 or 方案, are frequent).
fn rare_name_like(tag: &str, freq: usize) -> bool {
    matches!(tag, "n" | "ns" | "nz" | "t" | "j") && freq < RARE_WORD_FREQ || freq < RAREST_WORD_FREQ
}

/// Below this jieba frequency a transliteration right after a role that jieba files as a
/// place is a name ([`Finder::filed_as_place`]): 安南 222 is; 安顿 271 (厂长安顿下来) is a verb.
const FOREIGN_PLACE_FREQ: usize = 250;

/// Below this jieba frequency a word of any tag beside a role may be a name: jieba's
/// dictionary holds names of its source corpus under verb or idiom tags (夏珺/v 5,
/// 舒圣佑/v 5, 王言彬/i 6).
const RAREST_WORD_FREQ: usize = 10;

/// Below this jieba frequency a noun-tagged word beside a role may be a name.
const RARE_WORD_FREQ: usize = 200;

/// Parts of speech a role may extend over to its left (组织部副部长, 物业项目经理).
fn role_pos(pos: &str) -> bool {
    matches!(pos, "n" | "nt" | "nz" | "vn" | "j" | "b" | "ng")
}

/// The middle dots that join the parts of a foreign or minority name.
fn is_dot(c: char) -> bool {
    DOTS.contains(&c)
}

const DOTS: [char; 4] = ['·', '•', '・', '‧'];

/// Whether `text` holds any of [`DOTS`], to skip the scan for dotted names in a document
/// without any (most): a byte search is a fraction of a step through every character.
fn has_dot(text: &str) -> bool {
    DOTS.iter().any(|d| memchr::memmem::find(text.as_bytes(), d.encode_utf8(&mut [0; 4]).as_bytes()).is_some())
}

fn is_nr(pos: &str) -> bool {
    matches!(pos, "nr" | "nrfg" | "nrt")
}

struct Finder<'a, 'b> {
    ix: &'a TextIndex<'b>,
    lists: &'a Lists,
    lexicon: &'a Lexicon,
    place: Vec<bool>,
}

impl Finder<'_, '_> {
    fn starts_surname(&self, p: usize) -> Option<usize> {
        let chars = &self.ix.chars;
        if let Some(c) = self.lists.compound_surnames.iter().find(|c| self.ix.at(p, c)) {
            return Some(c.len());
        }
        chars.get(p).filter(|c| self.lists.surnames.contains(c)).map(|_| 1)
    }

    /// Length of a name that court and police reports write with 某 for the given name
    /// (被告人王某某, 被害人李某): a one-character surname that starts a word, then 某 or
    /// 某某, then a word boundary (not 某 of 某部队, nor 某某 opening a longer word).
    fn anonymized_at(&self, p: usize) -> Option<usize> {
        let ix = self.ix;
        if !ix.chars.get(p).is_some_and(|c| self.lists.surnames.contains(c))
            || ix.chars.get(p + 1) != Some(&'某')
            || !ix.is_token_start(p)
            // Not a function word (由/p 某部门, 对/p 某些), unless a party's standing comes
            // right before it (被告人于某某); jieba tags the surname erratically (马/n, 刘/zg).
            || ix.token(p).is_some_and(|t| !is_nr(t.pos) && ANONYMIZED_NOT.contains(&t.pos))
                && !(p > 0 && ix.chars[p - 1] == '人')
            || p > 0 && is_han(ix.chars[p - 1]) && !ix.is_token_end(p)
        {
            return None;
        }
        let len = if ix.chars.get(p + 2) == Some(&'某') { 3 } else { 2 };
        (ix.is_token_end(p + len) && ix.chars.get(p + len) != Some(&'某')).then_some(len)
    }

    /// Whether any character of `s..e` belongs to a place found in the document.
    fn touches_place(&self, s: usize, e: usize) -> bool {
        self.place[s..e].iter().any(|&b| b)
    }

    /// Whether `s..e` may be a name: Han, two to four characters, no place, no role, no
    /// function word at its head, no common word. `anchored` says a role or speech verb
    /// stands beside the span: then a rare dictionary word may still be a name, since jieba's dictionary files many names
    /// under noun or place tags (朱梦魁/n, 刘澜涛/n, 罗干/ns).
    fn valid_as(&self, s: usize, e: usize, anchored: bool) -> bool {
        if e > self.ix.chars.len() || e - s < 2 || e - s > 4 || !self.name_shaped(s, e) {
            return false;
        }
        let name = self.ix.slice(s, e);
        // 氏 after a surname closes the name (胡氏, the Hu family): 胡氏四 of 胡氏四兄弟 is none.
        if e - s > 2 && self.ix.chars[s + 1] == '氏' {
            return false;
        }
        // Names do not begin with a function word (和村, 由企业, 关于党); a rare entry does not
        // count (唐天/t of 唐天标).
        let head: String = self.ix.chars[s..s + 2].iter().collect();
        if self
            .lexicon
            .word_info(&head)
            .is_some_and(|(tag, freq)| FUNCTION_POS.contains(&tag) && freq >= RARE_WORD_FREQ)
        {
            return false;
        }
        if self.ix.token(s).is_some_and(|t| t.len == 1 && FUNCTION_POS.contains(&t.pos)) {
            return false;
        }
        if self.reads_as_other_words(s, e) {
            return false;
        }
        // A dictionary word with a common-word tag (党支部/nt, 文明/n) is no name. jieba's
        // tags are loose both ways (许立群/m, 周恩来/t), so only these tags count against.
        !self
            .lexicon
            .word_info(name)
            .is_some_and(|(tag, freq)| WORD_POS.contains(&tag) && !(anchored && rare_name_like(tag, freq)))
    }

    /// What every reading of `s..e` as a name asks first: Han only, no place, not a listed
    /// non-name, no role word at its end.
    fn name_shaped(&self, s: usize, e: usize) -> bool {
        let ix = self.ix;
        !self.touches_place(s, e)
            && ix.chars[s..e].iter().all(|&c| is_han(c))
            && !self.lists.not_names.contains(ix.slice(s, e))
            && !(s..e).any(|k| self.lists.role_words.contains(ix.slice(k, e)))
    }

    /// Whether the span is words that only look like a surname and a given name: a common
    /// noun and a localiser (宿舍/里 after 大学生), one word ending in a body's head (宣传部, which
    /// jieba files as a name, before 部长), or 万 closing a number (上万马克, 数万元).
    fn reads_as_other_words(&self, s: usize, e: usize) -> bool {
        let ix = self.ix;
        let token_is =
            |a: usize, b: usize| ix.token(a).is_some_and(|t| t.start as usize == a && (t.start + t.len) as usize == b);
        if e - s == 3
            && token_is(s, s + 2)
            && ix.token(s + 2).is_some_and(|t| t.len == 1 && t.pos == "f")
            && self
                .lexicon
                .word_info(ix.slice(s, s + 2))
                .is_some_and(|(tag, freq)| tag == "n" && freq >= RARE_WORD_FREQ)
        {
            return true;
        }
        // Not 会 or 社, which end given names too (周德会, 田有社).
        if e - s >= 3 && token_is(s, e) && chars!("部局委院厅处").contains(ix.chars[e - 1]) {
            return true;
        }
        ix.chars[s] == '万'
            && s > 0
            && chars!("上数几成近逾超两十百千一二三四五六七八九0123456789").contains(ix.chars[s - 1])
    }

    /// `valid_as` for names jieba proposed: foreign names may be long, and a name may have
    /// one character only when it is a bare surname (handled by the caller). `anchored` as
    /// for [`Finder::valid_as`]: jieba files many foreign names as places (布约亚/ns).
    fn valid_loose(&self, s: usize, e: usize, anchored: bool) -> bool {
        if e - s <= 4 {
            return self.valid_as(s, e, anchored);
        }
        let name = self.ix.slice(s, e);
        e - s <= 12 && !self.lists.not_names.contains(name) && self.ix.chars[s..e].iter().all(|&c| is_han(c))
    }

    /// Whether two characters after a surname are a word that follows names or a function
    /// word, and so no given name (代表时强调: 时 + 强调; 主席国期间: 国 + 期间; 米左右).
    fn not_given_name(&self, w: &str) -> bool {
        AFTER_NAME.contains(&w)
            || self.lexicon.word_info(w).is_some_and(|(tag, freq)| {
                freq >= RARE_WORD_FREQ && matches!(tag, "f" | "m" | "q" | "u" | "p" | "c" | "d" | "r" | "t")
            })
    }

    /// Length of the name starting at `p`, if one does. The end is where a word that
    /// usually follows a name begins (说, 介绍, 在 …); failing that, jieba's own name token.
    fn name_at(&self, p: usize) -> Option<usize> {
        let sl = self.starts_surname(p)?;
        let ix = self.ix;
        // A place starting right after is a boundary too: lists of awards run role, name and
        // the next unit together (院长陈幸运湖北省农科院). With `one_char_words` false, only a
        // boundary no single character makes: a word after the name must have two characters.
        let follows = |q: usize, one_char_words: bool| {
            let rest = ix.slice(q.min(ix.chars.len()), (q + 2).min(ix.chars.len()));
            q >= ix.chars.len()
                || !is_han(ix.chars[q])
                || AFTER_NAME.iter().any(|w| (one_char_words || w.len() > 3) && rest.starts_with(w))
                || self.place[q] && !self.place[q - 1]
                // A title after the name (部长王克上将: not 王克上 + 将).
                || ix.is_token_start(q) && self.lists.roles_after.at(ix, q).is_some()
        };
        // The name jieba sees starting here, if any.
        let jieba_name = ix.token(p).filter(|t| t.start as usize == p && is_nr(t.pos));
        // jieba ends its name a character earlier and its next word, a common one, runs past
        // the longer reading (陈丽/nr 通报/n 了): a one-character word after that reading (报)
        // is the rest of jieba's word, no boundary. A rare word is jieba's guess (孙新/nr
        // 文说/n).
        let splits_next_word = |q: usize| {
            jieba_name.is_some_and(|t| p + t.len as usize + 1 == q)
                && ix.token(q - 1).is_some_and(|t| {
                    let (ts, te) = (t.start as usize, t.start as usize + t.len as usize);
                    ts == q - 1
                        && te > q
                        && self.lexicon.word_info(ix.slice(ts, te)).is_some_and(|(_, f)| f >= RARE_WORD_FREQ)
                })
        };
        // jieba's own name of a surname and two characters, then punctuation, wins over a
        // shorter reading ended by a word that often follows names (郝国道、: 道).
        if let Some(t) = jieba_name.filter(|t| t.len as usize == sl + 2) {
            let q = p + t.len as usize;
            // Not one that swallowed a word after the name (戴浩摄), 道 aside (杨文道).
            let last = ix.chars[q - 1];
            let swallowed = last != '道' && AFTER_NAME.iter().any(|w| w.chars().eq(std::iter::once(last)));
            if !swallowed && ix.chars.get(q).is_some_and(|&c| !is_han(c)) && self.reads_as_name(p, q) {
                return Some(sl + 2);
            }
        }
        for len in [sl + 1, sl + 2] {
            // A character with an enumeration comma after it ends the name, whatever word it
            // could start (郝国道、: not 郝国 + 道).
            if len == sl + 1 && ix.chars.get(p + len + 1) == Some(&'、') && self.reads_as_name(p, p + len + 1) {
                continue;
            }
            if p + len <= ix.chars.len()
                && follows(p + len, true)
                && (!splits_next_word(p + len) || follows(p + len, false))
                && self.valid_as(p, p + len, true)
                && !(len == sl + 2 && self.not_given_name(ix.slice(p + sl, p + len)))
                // A speech or credit verb ends a name rather than closing one (秘书长安南说:
                // 安南 is a dictionary word, so the two-character reading failed above).
                && !(len == sl + 2 && chars!("说称报摄").contains(ix.chars[p + len - 1]))
                && !(len == sl + 2 && self.cut_off_after(p + len))
            {
                return Some(len);
            }
        }
        // A clean word boundary after the name: a word of two characters or more begins
        // there (大使齐治家/日前). Not where jieba's own name ends a character earlier and an
        // adverb, preposition or particle follows it (首长康生/nr 很/zg), a frequent one (not 汪家/nr 镠/zg).
        {
            let len = sl + 2;
            let q = p + len;
            if q < ix.chars.len()
                && ix.is_token_end(q)
                && !self.cut_off_after(q)
                && !(jieba_name.is_some_and(|t| t.len as usize == sl + 1)
                    && ix.token(q - 1).is_some_and(|t| t.len == 1)
                    && self.lexicon.word_info(ix.slice(q - 1, q)).is_some_and(|(tag, freq)| {
                        freq >= 1000 && matches!(tag.as_bytes()[0], b'd' | b'p' | b'c' | b'u' | b'r' | b'z')
                    }))
                && ix.token(q).is_some_and(|t| t.start as usize == q && t.len >= 2 && !is_nr(t.pos))
                && ix.token(p).is_none_or(|t| t.start as usize + t.len as usize <= q)
                && self.reads_as_name(p, q)
            {
                return Some(len);
            }
        }
        // A married woman's double surname (陈方安生; 范徐丽泰/nr below): jieba takes the two surnames
        // for a name (陈方/nr) and cuts the given name of two characters as a word of its
        // own, one that is no function word, verb, time or frequent word (乔石/nr 今天, 苏宁/nr
        // 报道, 乔石/nr 会见/n).
        let q = p + 4;
        let double_surname = sl == 1 && ix.chars.get(p + 1).is_some_and(|c| self.lists.surnames.contains(c));
        if double_surname
            && q <= ix.chars.len()
            && jieba_name.is_some_and(|t| t.len == 2)
            && ix.token(p + 2).is_some_and(|t| {
                t.start as usize == p + 2 && t.len == 2 && !FUNCTION_POS.contains(&t.pos) && !t.pos.starts_with('v')
            })
            && !self.not_given_name(ix.slice(p + 2, q))
            && self.lexicon.word_info(ix.slice(p + 2, q)).is_none_or(|(_, freq)| freq < RARE_WORD_FREQ)
            && (follows(q, true) || ix.token(q).is_some_and(|t| t.start as usize == q && t.len >= 2 && !is_nr(t.pos)))
            && self.valid_as(p, q, true)
        {
            return Some(4);
        }
        // A two-character word jieba keeps whole and a clean word boundary after it
        // (国务委员罗干/以及): a name the dictionary files rarely under another tag (罗干/ns 92, 利维/nrt);
        // not a common noun (大使/官邸) nor a function word (主任/应由).
        {
            let q = p + sl + 1;
            if q < ix.chars.len()
                && ix.token(p).is_some_and(|t| {
                    t.start as usize == p && (t.start + t.len) as usize == q && matches!(t.pos, "ns" | "nrt" | "nz")
                })
                && ix.token(q).is_some_and(|t| t.start as usize == q && t.len >= 2 && !is_nr(t.pos))
                && self.valid_as(p, q, true)
            {
                return Some(sl + 1);
            }
        }
        let len = jieba_name?.len as usize;
        (((2..=sl + 2).contains(&len) || len == 4 && double_surname) && self.valid_as(p, p + len, true)).then_some(len)
    }

    /// Whether the character before `q` is a function word jieba cut off as a word of its
    /// own (主教练叶鹏/却/认为): it ends no name. 有 closes given names too (王德有).
    fn cut_off_after(&self, q: usize) -> bool {
        let c = self.ix.chars[q - 1];
        c != '有'
            && SWALLOWED_AFTER.contains(c)
            && self.ix.token(q - 1).is_some_and(|t| t.start as usize == q - 1 && t.len == 1)
    }

    /// Length of the name between a reporter's role at `[s, e)` and a credit verb (报道, 摄)
    /// right after it: a surname and one or two characters, Han only, no place.
    fn credited_at(&self, s: usize, e: usize) -> Option<usize> {
        const REPORTERS: [&[char]; 2] = [&['记', '者'], &['通', '讯', '员']];
        // Only the credit verbs of running text, not all of CREDIT_TAILS: 文 and 供稿 after
        // a name outside a bracket are as often other words.
        const CREDITS: [&[char]; 2] = [&['报', '道'], &['摄']];
        let ix = self.ix;
        if !REPORTERS.iter().any(|r| e - s >= r.len() && ix.at(e - r.len(), r)) {
            return None;
        }
        let sl = self.starts_surname(e)?;
        [sl + 1, sl + 2].into_iter().find(|&len| {
            let q = e + len;
            q < ix.chars.len()
                && CREDITS.iter().any(|c| ix.at(q, c))
                && ix.chars[e..q].iter().all(|&c| is_han(c))
                && !self.touches_place(e, q)
                && !self.lists.not_names.contains(ix.slice(e, q))
        })
    }

    /// Length of the transliterated name starting at `p` (总理内塔尼亚胡, 外长利维): words
    /// spelt in transliteration characters only, each a name, a place-tagged word (jieba
    /// files many names so), or a word it does not know, ending at a word boundary.
    fn foreign_at(&self, p: usize) -> Option<usize> {
        let mut k = p;
        while let Some(t) = self.ix.token(k).filter(|t| t.start as usize == k && self.foreign_part(t)) {
            if k + t.len as usize - p > 8 {
                break;
            }
            k += t.len as usize;
        }
        let n = k - p;
        (n >= 2 && !self.touches_place(p, k) && (self.valid_loose(p, k, true) || self.filed_as_place(p, k)))
            .then_some(n)
    }

    /// Whether `s..e`, right after a role, is a transliteration jieba files as a place that
    /// no place reading took, and not a common one (联合国秘书长安南: 安南/ns 222, Annam; not
    /// 米兰/ns 607 or 英特尔/ns 661, kept apart by [`Finder::foreign_at`] alone: a name after
    /// a title or before a speech verb never reads so).
    fn filed_as_place(&self, s: usize, e: usize) -> bool {
        let name = self.ix.slice(s, e);
        e - s <= 4
            && self.name_shaped(s, e)
            && name.chars().all(translit)
            && self.lexicon.word_info(name).is_some_and(|(tag, freq)| tag == "ns" && freq < FOREIGN_PLACE_FREQ)
    }

    /// Length of the word at `p` that jieba tags as a name (nr, nrfg, nrt) and that no
    /// other reading took: a role before it is the second signal that makes it a person
    /// where neither a surname nor transliteration characters alone do (领导人卡翁达,
    /// 副书记丹增, 部长多吉才让).
    ///
    /// jieba's dictionary tags many common words as names too (扬言/nr, 养老金/nr,
    /// 多渠道/nr), so a listed word must be rare when it has two characters, and a longer
    /// one must hold no frequent word inside it (渠道, 养老) but a foreign name's part
    /// (亚当/nrt of 亚当斯). A word jieba's HMM built must not end or start with a function
    /// character it swallowed (叶鹏却, 对桑特).
    fn tagged_name_at(&self, p: usize) -> Option<usize> {
        let t = self.ix.token(p).filter(|t| t.start as usize == p && is_nr(t.pos))?;
        let (e, n) = (p + t.len as usize, t.len as usize);
        let chars = &self.ix.chars[p..e];
        if n < 2 || THING_SUFFIXES.contains(chars[n - 1]) || !self.valid_loose(p, e, true) {
            return None;
        }
        let frequent = |a: usize, b: usize| {
            self.lexicon.word_info(self.ix.slice(p + a, p + b)).is_some_and(|(tag, freq)| freq >= 100 && tag != "nrt")
        };
        let plain = match self.lexicon.word_info(self.ix.doc.token_text(t)) {
            None => !SWALLOWED_AFTER.contains(chars[n - 1]) && !SWALLOWED_BEFORE.contains(chars[0]),
            Some((_, freq)) if n == 2 => freq < RARE_WORD_FREQ,
            Some(_) => !(0..n).any(|a| (a + 2..=n).any(|b| b - a < n && frequent(a, b))),
        };
        (plain && !self.touches_place(p, e)).then_some(n)
    }

    /// Whether the word is a Japanese name: a Japanese family name alone (桥本) or with a
    /// given name of up to three characters (桥本龙太郎, 小泽一郎).
    fn japanese(&self, w: &str) -> bool {
        let n = w.chars().count();
        [2, 3].into_iter().any(|k| {
            let head = w.char_indices().nth(k).map_or(w, |(b, _)| &w[..b]);
            n >= k && n <= k + 3 && self.lists.japanese_surnames.contains(head)
        })
    }

    /// The surname of a Japanese full name (桥本 of 桥本龙太郎), by which the person is then
    /// mostly called; not of a surname alone.
    fn japanese_surname<'w>(&self, w: &'w str) -> Option<&'w str> {
        let n = w.chars().count();
        [3, 2].into_iter().find_map(|k| {
            let (b, _) = w.char_indices().nth(k)?;
            (n <= k + 3 && self.lists.japanese_surnames.contains(&w[..b])).then_some(&w[..b])
        })
    }

    /// Length of the Japanese name that is the word at `p` (首相桥本龙太郎).
    fn japanese_at(&self, p: usize) -> Option<usize> {
        let t = self.ix.token(p).filter(|t| t.start as usize == p)?;
        let e = p + t.len as usize;
        (!FUNCTION_POS.contains(&t.pos) && !self.touches_place(p, e) && self.japanese(self.ix.doc.token_text(t)))
            .then_some(t.len as usize)
    }

    /// The Japanese name that is the word ending at `e` (桥本首相, 桥本表示).
    fn japanese_before(&self, e: usize) -> Option<usize> {
        let t = self.ix.token(e.checked_sub(1)?)?;
        ((t.start + t.len) as usize == e && self.japanese_at(t.start as usize).is_some()).then_some(t.len as usize)
    }

    /// The mirror of [`Finder::foreign_at`]: the transliterated name ending at `e`
    /// (普里马科夫说).
    fn foreign_before(&self, e: usize) -> Option<usize> {
        let mut k = e;
        while let Some(t) = k.checked_sub(1).and_then(|q| self.ix.token(q)).filter(|t| self.foreign_part(t)) {
            if e - t.start as usize > 8 {
                break;
            }
            k = t.start as usize;
        }
        (e - k >= 2 && !self.touches_place(k, e) && self.valid_loose(k, e, true)).then_some(e - k)
    }

    /// A word that may be part of a transliterated name: transliteration characters only,
    /// and a name, a place-tagged or proper-noun word (jieba files many names so:
    /// 康斯坦丁内斯库/nz), a rare noun (利维/n 48) or a word it does not know.
    fn foreign_part(&self, t: &crate::document::Token) -> bool {
        let w = self.ix.doc.token_text(t);
        w.chars().all(translit)
            && (is_nr(t.pos)
                || matches!(t.pos, "ns" | "nz")
                || self.lexicon.word_info(w).is_none_or(|(tag, freq)| tag == "n" && freq < RARE_WORD_FREQ))
    }

    /// Length of the name ending at `e`, if jieba sees one there (习近平/nr 总书记).
    fn name_before(&self, e: usize) -> Option<usize> {
        let t = self.ix.token(e.checked_sub(1)?)?;
        let (ts, len) = (t.start as usize, t.len as usize);
        if ts + len != e {
            return None;
        }
        // jieba tags many real names loosely (周恩来/t, 许立群/m); `valid_as` still rejects
        // words with a common-word tag.
        let rare =
            || self.lexicon.word_info(self.ix.doc.token_text(t)).is_none_or(|(tag, freq)| rare_name_like(tag, freq));
        // Noun-tagged three-character words too, when rare (刘澜涛/n 同志); two-character
        // ones are mostly nouns (纪检, 顾问), and a noun suffix makes a noun (董事局).
        let misfiled = matches!(t.pos, "n" | "ns" | "j")
            && len == 3
            && !NOUN_SUFFIXES.contains(self.ix.chars[e - 1])
            && !"副总".contains(self.ix.chars[e - 1])
            && rare();
        let name_tag = is_nr(t.pos) || matches!(t.pos, "t" | "m" | "nz") || misfiled;
        let chinese =
            name_tag && (2..=4).contains(&len) && self.starts_surname(ts).is_some() && self.valid_as(ts, e, true);
        // A transliterated name before a title (克林顿总统, 利维外长).
        if chinese {
            return Some(len);
        }
        self.foreign_before(e).or_else(|| self.japanese_before(e))
    }

    /// The span of a dotted name (司马义·艾买提) around the name at `s..e`: neighbouring runs
    /// of name-like tokens joined by a middle dot.
    fn dotted(&self, mut s: usize, mut e: usize) -> (usize, usize) {
        let ix = self.ix;
        let dot = |p: usize| ix.chars.get(p).is_some_and(|&c| is_dot(c));
        // A token that may be part of a transliterated name: a name or place tag, a word
        // jieba does not know, or transliteration characters only.
        let name_like = |t: &crate::document::Token| {
            let w = ix.doc.token_text(t);
            w.chars().all(is_han)
                && (is_nr(t.pos)
                    || matches!(t.pos, "ns" | "x" | "nz")
                    || !self.lexicon.jieba.has_word(w)
                    || w.chars().all(translit))
        };
        while dot(e) && e - s < 16 {
            let mut k = e + 1;
            while let Some(t) = ix.token(k).filter(|t| t.start as usize == k && name_like(t)) {
                k += t.len as usize;
                if k - e > 8 {
                    break;
                }
            }
            if k == e + 1 || k - e > 9 {
                break;
            }
            e = k;
        }
        while s > 1 && dot(s - 1) && e - s < 16 {
            let mut k = s - 1;
            while let Some(t) = k.checked_sub(1).and_then(|p| ix.token(p)).filter(|t| name_like(t)) {
                k = t.start as usize;
                if s - k > 8 {
                    break;
                }
            }
            if k == s - 1 || s - k > 9 {
                break;
            }
            s = k;
        }
        (s, e)
    }

    /// The names that spell out `s..e` exactly, one after another with nothing between
    /// (杜中武孙传刚, 孟西安祁勇): the text of a credit in brackets or of a line holding only
    /// its author. Each name is a surname and one or two characters and reads as a name;
    /// among several ways to cut the run, the one whose cuts fall on jieba's word
    /// boundaries wins, then the one with more three-character names.
    fn names_spelling(&self, s: usize, e: usize) -> Option<Vec<(usize, usize)>> {
        fn cuts(
            f: &Finder,
            p: usize,
            e: usize,
            acc: &mut Vec<(usize, usize)>,
            best: &mut Option<(usize, Vec<(usize, usize)>)>,
        ) {
            if p == e {
                let ix = f.ix;
                let score = acc.iter().filter(|&&(_, b)| ix.is_token_end(b)).count() * 10
                    + acc.iter().filter(|&&(a, b)| b - a == 3).count();
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    *best = Some((score, acc.clone()));
                }
                return;
            }
            let Some(sl) = f.starts_surname(p) else { return };
            for len in [sl + 1, sl + 2] {
                if p + len <= e && f.reads_as_name(p, p + len) {
                    acc.push((p, p + len));
                    cuts(f, p + len, e, acc, best);
                    acc.pop();
                }
            }
        }
        if e <= s || e - s > 12 || !self.ix.chars[s..e].iter().all(|&c| is_han(c)) {
            return None;
        }
        let mut best = None;
        cuts(self, s, e, &mut Vec::new(), &mut best);
        best.map(|(_, v)| v)
    }

    /// Whether the clause from `at` (up to punctuation, 的 or 24 characters) ends with a role:
    /// the post someone is elected or appointed to (为 | 省高级人民法院院长, 为 | 副主编).
    fn post_follows(&self, at: usize) -> bool {
        let ix = self.ix;
        let end = (at..(at + 24).min(ix.chars.len()))
            .find(|&k| !is_han(ix.chars[k]) || ix.chars[k] == '的')
            .unwrap_or((at + 24).min(ix.chars.len()));
        (2..=5).any(|l| end >= at + l && self.lists.role_words.contains(ix.slice(end - l, end)))
    }

    /// Whether the sentence before `s` elects or appoints (选举, 任命 …), or 以 stands just
    /// before the name and its post (以议长托马斯·萨维为团长): what makes X为 + post read X | 为.
    fn appointing_before(&self, s: usize) -> bool {
        let ix = self.ix;
        let reach = s.saturating_sub(60);
        let from = (reach..s).rev().find(|&k| matches!(ix.chars[k], '。' | '!' | '?' | '\n')).map_or(reach, |k| k + 1);
        let before = ix.slice(from, s);
        ["选举", "任命", "推选", "推举", "聘请", "聘任", "提名", "任用", "决定"].iter().any(|w| before.contains(w))
            || (s.saturating_sub(8)..s)
                .any(|k| ix.chars[k] == '以' && ix.token(k).is_some_and(|t| t.len == 1 && t.pos == "p"))
    }

    /// A surname and given name with no role or verb beside them: `valid_as`, and neither the
    /// given name nor the first two characters a common word (黄河颂, 高水平).
    fn reads_as_name(&self, s: usize, e: usize) -> bool {
        let common = |a: usize, b: usize, min: usize| {
            self.lexicon
                .word_info(self.ix.slice(a, b))
                .is_some_and(|(tag, freq)| freq >= min && !is_nr(tag) && WORD_POS.contains(&tag))
        };
        // jieba's own name token over exactly the span outweighs a common given name
        // (孟西安/nr: 西安).
        let jieba_name =
            self.ix.token(s).is_some_and(|t| t.start as usize == s && (t.start + t.len) as usize == e && is_nr(t.pos));
        // A given name that is an adjective jieba keeps as one word after the surname (黄/明亮):
        // no other reading puts an adjective there.
        let adjective_given = e - s == 3
            && self.ix.token(s + 1).is_some_and(|t| t.start as usize == s + 1 && t.len == 2 && t.pos == "a")
            && self.ix.token(s).is_some_and(|t| t.len == 1);
        self.valid_as(s, e, true)
            && (jieba_name || adjective_given || !(e - s == 3 && (common(s + 1, e, 500) || common(s, s + 2, 100))))
    }

    /// Length of the name of an enumeration item ending at `q` (a 、 follows): a surname
    /// starting a token, two or three characters back.
    fn list_item_before(&self, q: usize) -> Option<usize> {
        let ix = self.ix;
        [3, 2, 4]
            .into_iter()
            .find(|&len| {
                q >= len
                    && ix.is_token_start(q - len)
                    && self.starts_surname(q - len).is_some_and(|sl| len > sl && len <= sl + 2)
                    && self.valid_as(q - len, q, true)
            })
            .or_else(|| {
                [2, 3, 4].into_iter().find(|&len| {
                    q >= len && (q == len || ITEM_EDGES.contains(ix.chars[q - len - 1])) && self.valid_item(q - len, q)
                })
            })
    }

    /// Length of the item of a list of names starting at `p` (a 、 before it) and standing
    /// whole up to the next separator (、于是之、, 、程志等), when [`Finder::valid_item`].
    fn list_item_at(&self, p: usize) -> Option<usize> {
        let ix = self.ix;
        [2, 3, 4].into_iter().find(|&len| {
            let q = p + len;
            q <= ix.chars.len()
                && (q == ix.chars.len() || !is_han(ix.chars[q]) || ITEM_EDGES.contains(ix.chars[q]))
                && self.valid_item(p, q)
        })
    }

    /// Whether `s..e`, an item standing whole in a list beside a name, reads as a name:
    /// a surname and one or two characters, no place, no role. The list is the anchor, so
    /// a head that is a function word (于是之) and a rare dictionary word (程志/n) do not
    /// count against it; only a frequent word (和平, 高度) does.
    fn valid_item(&self, s: usize, e: usize) -> bool {
        let n = e - s;
        self.starts_surname(s).is_some_and(|sl| n > sl && n <= sl + 2)
            && self.name_shaped(s, e)
            && !self.reads_as_other_words(s, e)
            && self.lexicon.word_info(self.ix.slice(s, e)).is_none_or(|(tag, freq)| is_nr(tag) || freq < ITEM_WORD_FREQ)
    }

    /// Extends a role leftwards over nouns (组织部 + 副部长), stopping at places. A party
    /// to a case is no post in a unit: its role stands alone (网络交友平台结识/被害人).
    fn role_start(&self, s: usize) -> usize {
        let ix = self.ix;
        let n = ix.chars.len();
        static STANDING_FIRST: LazyLock<CharSet> =
            LazyLock::new(|| CharSet::new(STANDING_ROLES.iter().filter_map(|w| w.chars().next())));
        if STANDING_FIRST.contains(&ix.chars[s])
            && STANDING_ROLES.iter().any(|r| ix.slice(s, (s + r.chars().count()).min(n)) == *r)
        {
            return s;
        }
        let mut start = s;
        // Characters the last step took.
        let mut step = 0;
        while start > 0 && s - start < 12 {
            let Some(t) = ix.token(start - 1) else { break };
            let ts = t.start as usize;
            if self.touches_place(ts, start)
                || !role_pos(t.pos)
                || ix.chars[ts..start].iter().any(|&c| !is_han(c))
                || dateline(ix, ts, start)
            {
                // Stopped inside a name jieba cut in two (宁德/nr 时代/n 董事长): the nouns
                // taken are the name's, not the role's.
                // A unit's name before the role (尚志/nr 派出所所长, 黄运成/nr 新华社记者) and a
                // role inside a word (伊拉克/nrt 驻华大使) stay.
                let unit = UNIT_HEADS.contains(ix.chars[s - 1]) || !ix.is_token_start(s);
                if start < s
                    && !unit
                    && PROPER_POS.contains(&t.pos)
                    && is_han(ix.chars[start - 1])
                    && !dateline(ix, ts, start)
                {
                    return s;
                }
                break;
            }
            step = start - ts;
            start = ts;
        }
        // A lone character left at the front is a fragment of a name we stopped at: a word
        // of its own (局 of 住建局, 路 of 昭君路), or the unit's last character that jieba ran
        // into its head's title (住建/局局长, 小组/组组长), which repeats the role's first. A
        // modifier jieba joins to the role stays (副教授, 支队长, 女战士).
        // A level of government opening the clause is the role's (会上,镇纪委书记陈丽).
        let level = start == 0 || !is_han(ix.chars[start - 1]);
        let lone = ix.token(start).is_some_and(|t| t.len == 1);
        if start < s
            && !(lone && level && ADMIN_LEVELS.contains(ix.chars[start]))
            && (lone || step == 1 && ix.chars[start] == ix.chars[s])
        {
            start += 1;
        }
        start
    }
}

/// Verbs of taking a post, the post after them (就任军分区司令员, 担任村党支部书记).
const TAKING: &[&str] = &["就任", "担任", "出任", "升任", "当选为", "当选"];

/// The post a person takes right after the name ending at `e` (彭楚政就任军分区司令员、州委常委,
/// 李明担任了村党支部书记以来): from the verb, a word of its own (not 出任务), and its 了 to the
/// end of the last role word (of `roles`, the role words' spans in order of start) before
/// the clause ends, another name starts (of `named_at`, in order: 刘方仁当选贵州省人大主任
/// 吴亦侠当选贵州省省长) or a word that is no noun (李明担任翻译陪同市长: 翻译).
fn post_taken(ix: &TextIndex, roles: &[(usize, usize)], named_at: &[usize], e: usize) -> Option<String> {
    let verb = TAKING.iter().find(|w| ix.at_str(e, w))?;
    let mut from = e + verb.chars().count();
    if !ix.is_token_start(e) || !ix.is_token_end(from) {
        return None;
    }
    if ix.chars.get(from) == Some(&'了') {
        from += 1;
    }
    let next_name = named_at.get(named_at.partition_point(|&s| s < from)).copied().unwrap_or(usize::MAX);
    let mut stop = clause_end(ix, from, 24, false).min(next_name);
    let mut k = from;
    while let Some(t) = ix.token(k).filter(|_| k < stop) {
        if !(role_pos(t.pos) || matches!(t.pos, "ns" | "m") || ix.doc.token_text(t) == "、") {
            stop = k;
            break;
        }
        k = (t.start + t.len) as usize;
    }
    let first = roles.partition_point(|&(s, _)| s < from);
    let end = roles[first..].iter().take_while(|&&(s, _)| s < stop).map(|&(_, x)| x).filter(|&x| x <= stop).max()?;
    Some(ix.slice(from, end).to_string())
}

/// The post of an appointment after the name ending at `q`: 为 and the post up to the
/// clause's end (为市财政局副局长), or 的 and the post before 职务 (的市交通运输局局长职务),
/// when it ends in a role word.
fn appointed_post(ix: &TextIndex, lists: &Lists, q: usize) -> Option<String> {
    match *ix.chars.get(q)? {
        '为' => post_at(ix, lists, q + 1, false),
        '的' => post_at(ix, lists, q + 1, true),
        _ => None,
    }
}

/// The post a notice writes from char `s` to the clause's end, if it ends in a role word;
/// with `duty`, written before 职务, which is left out.
fn post_at(ix: &TextIndex, lists: &Lists, s: usize, duty: bool) -> Option<String> {
    let post = ix.slice(s, clause_end(ix, s, 31, false));
    let post = if duty { post.strip_suffix("职务")? } else { post };
    ends_in_role(lists, post).then(|| post.to_string())
}

/// Where the clause from char `s` ends, looking at most `reach` characters on: at a comma,
/// a semicolon, a full stop, a bracket, a colon or a line's end, and at an enumeration comma
/// unless `posts_together` (a profile's 党组成员、副局长 is one post; an appointment's list
/// names one post per item). The cleaner has folded full-width commas and semicolons.
fn clause_end(ix: &TextIndex, s: usize, reach: usize, posts_together: bool) -> usize {
    let limit = (s + reach).min(ix.chars.len());
    (s..limit)
        .find(|&k| match ix.chars[k] {
            ',' | ';' | '。' | '(' | ':' | '\n' => true,
            '、' => !posts_together,
            _ => false,
        })
        .unwrap_or(limit)
}

/// Whether a post ends in a role word (…局副局长, …党委书记): a notice's clause that does not
/// is no post (群众, 大学学历).
fn ends_in_role(lists: &Lists, post: &str) -> bool {
    post.char_indices().any(|(b, _)| lists.role_words.contains(&post[b..]))
}

/// The post in the profile whose 男 or 女 follows the comma at `comma`: after 现任 (held
/// now), else after 拟任 (proposed), to the clause's end, when it ends in a role word. Read
/// only up to the profile's end (a semicolon, a full stop, a line's end or the next
/// profile's 男 or 女), so that a notice written as one paragraph does not lend the next
/// person's post. 拟任命 is a verb, no proposed post.
fn profile_post(ix: &TextIndex, lists: &Lists, comma: usize) -> Option<String> {
    let chars = &ix.chars;
    let from = comma + 3;
    let reach = (from + 200).min(chars.len());
    let next_profile =
        |k: usize| chars[k] == ',' && matches!(chars.get(k + 1), Some('男' | '女')) && chars.get(k + 2) == Some(&',');
    let end = (from..reach).find(|&k| matches!(chars[k], ';' | '。' | '\n') || next_profile(k)).unwrap_or(reach);
    let post_after = |marker: [char; 2]| {
        (from..end.saturating_sub(1))
            .filter(|&k| chars[k..k + 2] == marker && ix.is_token_start(k) && chars.get(k + 2) != Some(&'命'))
            .find_map(|k| {
                let post = ix.slice(k + 2, clause_end(ix, k + 2, 40, true).min(end));
                ends_in_role(lists, post).then(|| post.to_string())
            })
    };
    post_after(['现', '任']).or_else(|| post_after(['拟', '任']))
}

/// The most characters of a name a profile opens with, as [`Finder::name_at`] reads one: a
/// surname and a given name of one or two characters each, or jieba's own name token,
/// rarely longer.
const MAX_NAME_CHARS: usize = 8;

/// Verbs of appointment and removal that a name follows, each a word of two characters.
const APPOINTMENTS: &[&str] = &["任命", "免去", "提名", "聘任", "聘请", "推选", "拟任"];

/// First characters of [`APPOINTMENTS`], tested before the words are compared.
static APPOINTMENT_FIRST: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(APPOINTMENTS.iter().filter_map(|w| w.chars().next())));

/// Whether the token at chars `s..e` is a dateline's (１月３日电, 一月五日讯, 六日电, 本报讯):
/// jieba makes words of them, which neither a role (日讯记者, 本报讯记者) nor a body
/// (日电香港特区政府) reaches back over.
fn dateline(ix: &TextIndex, s: usize, e: usize) -> bool {
    let w = ix.slice(s, e);
    w == "本报讯"
        || w.ends_with("日电")
        || w.ends_with("日讯")
        || ix.chars[s] == '日'
            && s > 0
            && (ix.chars[s - 1].is_numeric() || chars!("〇一二三四五六七八九十").contains(ix.chars[s - 1]))
}

/// People in the document.
pub(crate) fn find(ix: &TextIndex, lists: &Lists, lexicon: &Lexicon, places: &[Entity]) -> Vec<Entity> {
    let jieba = &lexicon.jieba;
    let place = covered(ix.chars.len(), places.iter().map(Entity::span));
    let f = Finder { ix, lists, lexicon, place };
    // (start, end) → role as written beside that mention
    let mut mentions: HashMap<(usize, usize), Option<String>> = HashMap::default();

    // Role before the name: for each end position, the longest role not inside a place.
    let mut role_at_end: HashMap<usize, usize> = HashMap::default();
    for (s, e) in lists.roles.find_all(ix) {
        if f.touches_place(s, e) || !ix.is_token_end(e) {
            continue;
        }
        let slot = role_at_end.entry(e).or_insert(s);
        *slot = (*slot).min(s);
    }
    let mut ends: Vec<(usize, usize)> = role_at_end.into_iter().map(|(e, s)| (s, e)).collect();
    ends.sort();
    let role_starts: Vec<usize> = ends.iter().map(|&(s, _)| s).collect();
    for &(s, e) in &ends {
        let role = || ix.slice(f.role_start(s), e).to_string();
        // A credit whose names stand apart, a space before each, as wire copy writes it
        // ((记者 王丽丽 邓瑞)): each is a name the credit gives.
        if ix.chars.get(e) == Some(&' ') && ["记者", "通讯员", "摄影"].iter().any(|w| ix.slice(s, e).ends_with(w))
        {
            let mut p = e;
            while ix.chars.get(p) == Some(&' ') {
                let Some(len) = f.name_at(p + 1).or_else(|| f.tagged_name_at(p + 1)) else { break };
                mentions.insert((p + 1, p + 1 + len), Some(role()));
                p += 1 + len;
            }
            if p > e {
                continue;
            }
        }
        // A transliterated name longer than any Chinese one wins over a Chinese reading of
        // its start (总统康斯坦丁内斯库, not 康斯坦).
        let foreign = f.foreign_at(e);
        if let Some(len) = foreign
            .filter(|&len| len >= 4)
            .or_else(|| f.anonymized_at(e))
            .or_else(|| f.name_at(e))
            .or(foreign)
            .or_else(|| f.japanese_at(e))
            .or_else(|| f.tagged_name_at(e))
        {
            mentions.insert((e, e + len), Some(role()));
            continue;
        }
        // A reporter's credit (记者夏珺报道, 记者林皎明摄): the role before and the credit
        // verb after make a name even of a word jieba's dictionary holds (江山, 苏宁).
        if let Some(len) = f.credited_at(s, e) {
            mentions.insert((e, e + len), Some(role()));
            continue;
        }
        // A byline's run of names after the role, up to the next role or the end of the
        // Han run (记者曹照琴谢国明王尧, 新华社记者陈辉李清华本报记者何伟).
        let run_end = (e..(e + 13).min(ix.chars.len()))
            .find(|&k| !is_han(ix.chars[k]) || k > e && role_starts.binary_search(&k).is_ok())
            .unwrap_or((e + 13).min(ix.chars.len()));
        if let Some(names) = f.names_spelling(e, run_end).filter(|v| v.len() >= 2) {
            for span in names {
                mentions.insert(span, Some(role()));
            }
        }
    }
    // Lists of people each with a country in brackets, as results and award lists print
    // them (罗纳尔多(巴西)、乔丹(美国)、葛菲(中国)): two such in a sentence make each a name.
    // One alone may be a company or a brand (麦当劳(美国)).
    let mut flagged: Vec<(usize, usize, u32)> = Vec::new();
    for p in places.iter().filter(|p| p.level == Some("country")) {
        let (ps, pe) = (p.start as usize, p.end as usize);
        let open = |c: Option<&char>| matches!(c, Some('(' | '（'));
        let close = |c: Option<&char>| matches!(c, Some(')' | '）'));
        if ps < 2 || !open(ix.chars.get(ps - 1)) || !close(ix.chars.get(pe)) {
            continue;
        }
        if let Some(len) = f.name_before(ps - 1) {
            flagged.push((ps - 1 - len, ps - 1, ix.sentence_of(ps)));
        }
    }
    for (k, &(s, e, sentence)) in flagged.iter().enumerate() {
        let pair = |j: usize| flagged.get(j).is_some_and(|&(_, _, o)| o == sentence);
        if pair(k + 1) || k > 0 && pair(k - 1) {
            mentions.entry((s, e)).or_insert(None);
        }
    }
    // Role after the name (习近平总书记, 王阿姨).
    for (s, e) in lists.roles_after.find_earliest(ix) {
        // A title as a likeness (皮尔洛元帅般的传球, 大将风范) or the start of a longer word
        // (大将军) is no role.
        if !ix.is_token_end(e) || matches!(ix.chars.get(e), Some('般' | '式')) {
            continue;
        }
        if let Some(len) = f.name_before(s) {
            mentions.entry((s - len, s)).or_insert(Some(ix.slice(s, e).to_string()));
        }
    }
    let anchored = covered(ix.chars.len(), mentions.keys().copied());
    // Names jieba itself builds (HMM, not in its dictionary) or marks as full or foreign
    // names (nrfg, nrt), starting with a surname or written in transliteration characters.
    for (k, t) in ix.doc.tokens.iter().enumerate() {
        let (s, mut e) = (t.start as usize, (t.start + t.len) as usize);
        if !is_nr(t.pos) || t.pos == "nrt" {
            // nrt in jieba's dictionary is as often a foreign place or brand (贝尔格莱德, 麦当劳).
            continue;
        }
        let mut word = ix.doc.token_text(t);
        // jieba's HMM cuts some three-character names two and one, both names (段芝/nr 璞/nr),
        // unless the two are a dictionary word (白发/nr 翁/nr) or the one is a surname starting
        // the next name (陈波/nr 赵/nr 川东).
        let rest = ix.doc.tokens.get(k + 1).filter(|u| u.len == 1 && is_nr(u.pos) && u.start as usize == e);
        let next_name = || lists.surnames.contains(&ix.chars[e]) && ix.chars.get(e + 1).is_some_and(|&c| is_han(c));
        // Nor where the one is cut off as a word of its own (董加/耕、, 杨天/发/为) or glued to
        // the credit verb after it (张习/nr 海摄/vg): a name's third character when a
        // boundary follows it, punctuation or a word that follows names, and it is none
        // of those words itself.
        let one_before_boundary = || {
            let Some(&c) = ix.chars.get(e) else { return false };
            // Cut off as a word of its own that jieba takes for no verb, adverb or particle
            // (赵明/做/的, 卢刚/先/, 程刚/吗/?), or glued to a credit (张习/海摄): an adverb
            // glues to 说 or 为 as often as a name's last character does (秦华/总说).
            let single = ix.doc.tokens.get(k + 1).is_some_and(|u| {
                u.start as usize == e
                    && u.len == 1
                    && !matches!(u.pos.as_bytes()[0], b'v' | b'd' | b'y' | b'p' | b'c' | b'u')
            });
            let glued = ix.doc.tokens.get(k + 1).is_some_and(|u| {
                u.start as usize == e
                    && u.len == 2
                    && !jieba.has_word(ix.doc.token_text(u))
                    && chars!("摄报").contains(ix.chars[e + 1])
            });
            // Punctuation or a space, not a digit (王辉/以/1∶2); of the words after names only
            // those no adverb or verb before them makes (孔玲/则/在, 黄斌/看/了).
            let boundary = |q: usize| {
                ix.chars.get(q).is_none_or(|&d| !is_han(d) && !d.is_alphanumeric() || chars!("为的和摄").contains(d))
            };
            // Not a verb of speech or of a credit in brackets (倪萍/答/:, (马得/画), (孟凡/著)),
            // nor a noun that follows names (吴斌/时, 王刚/班, 李刚/叔, 张润莲/家).
            ix.chars[s + 1] != '某'
                && !chars!("答问画文书绘著译编词曲作图讲时班叔家").contains(c)
                && !SWALLOWED_AFTER.contains(c)
                && !AFTER_NAME.iter().any(|w| w.chars().eq(std::iter::once(c)))
                && (single && boundary(e + 1) || glued)
        };
        if t.len == 2
            && (rest.is_some() && !next_name() || one_before_boundary())
            && !jieba.has_word(word)
            && f.starts_surname(s) == Some(1)
            && is_han(ix.chars[e])
            && f.reads_as_name(s, e + 1)
        {
            e += 1;
            word = ix.slice(s, e);
        }
        // HMM names swallow a following 报 or 摄 (记者薛原报道): cut it off.
        if e - s == 3 && chars!("报摄电讯").contains(ix.chars[e - 1]) {
            e -= 1;
        }
        let n = e - s;
        if anchored[s..e].contains(&true) || n == 2 && ix.chars[s] == ix.chars[s + 1] {
            continue;
        }
        let oov = !jieba.has_word(word);
        let surname = f.starts_surname(s).is_some();
        let given = ix.slice(s + 1, e);
        // 安全感/nr, 高水平/nr: the first two or the last two characters are a common word.
        let common = |w: &str, min: usize| {
            lexicon.word_info(w).is_some_and(|(tag, freq)| freq >= min && WORD_POS.contains(&tag))
        };
        // A surname outside the hundred commonest that is also an everyday character (强,
        // 全, 新) before a common word is that character and the word (强降雨/nr, 全过程):
        // there the word needs no more than a rare word's frequency.
        let rare_surname = !lists.top_surnames.contains(&ix.chars[s]);
        let given_is_word = n == 3
            && (common(given, 500)
                || rare_surname && common(given, RARE_WORD_FREQ)
                || common(ix.slice(s, s + 2), 100)
                || f.not_given_name(given));
        let org_like = chars!("部局委院队社会厅处所").contains(ix.chars[e - 1]);
        // Dictionary "names" that end in a noun suffix are words (玉米地, 许可证, 戈壁滩), and
        // no name, known or built, ends in a landmark's or a thing's head (卢沟桥, 李家沟,
        // 常青树). A title or form of address after a bare surname (朱师傅) makes no name.
        let last = ix.chars[e - 1];
        let noun_suffix = !oov && NOUN_SUFFIXES.contains(last) || THING_SUFFIXES.contains(last);
        if noun_suffix
            || SURNAME_TITLES.contains(&given)
            || ADDRESS_TERMS.contains(&given)
            || n == 2 && !oov && lexicon.word_info(word).is_some_and(|(_, f)| f >= 800) && t.pos != "nrfg"
        {
            continue;
        }
        let accept = if org_like {
            false
        } else if n >= 4 && f.japanese(word) {
            true
        } else if oov || t.pos == "nrfg" {
            surname && (n == 3 && !given_is_word || n == 2 && lists.top_surnames.contains(&ix.chars[s]))
        } else if n >= 3 {
            // 高水平/nr, 邓小平理论/nr: a surname plus a common word, or longer than a name.
            surname && n == 3 && !given_is_word || n >= 3 && word.chars().all(translit)
        } else {
            // Two-character dictionary "names" are mostly words (陈旧, 高达, 杜绝): leave
            // them to the role and verb anchors.
            false
        };
        if accept && !f.touches_place(s, e) && f.valid_loose(s, e, false) {
            mentions.entry((s, e)).or_insert(None);
        }
    }
    // Names written with 某 stand for someone the report does not name (王某某, 李某):
    // a person all the same, and mostly the one the story is about. And the verbs of
    // appointment and removal, which jieba keeps as words (任命/v, 免去/v). One pass over
    // the words, not the characters: a pass over the characters for each cost 1% of the
    // extract stage.
    let mut appointed_at = Vec::new();
    let mut profiles = Vec::new();
    for t in &ix.doc.tokens {
        let s = t.start as usize;
        if t.len == 1 && matches!(ix.chars[s], '男' | '女') {
            if s > 0 && ix.chars[s - 1] == ',' && ix.chars.get(s + 1) == Some(&',') {
                profiles.push(s - 1);
            }
        } else if t.len <= 3 && ix.chars.get(s + 1) == Some(&'某') {
            if let Some(len) = f.anonymized_at(s) {
                mentions.entry((s, s + len)).or_insert(None);
            }
        } else if t.len == 2 && APPOINTMENT_FIRST.contains(&ix.chars[s]) && APPOINTMENTS.contains(&ix.doc.token_text(t))
        {
            appointed_at.push(s + 2);
        }
    }
    // 老 or 小 before a frequent surname is how colleagues name each other (老张, 小王):
    // one word jieba tags as a name or does not know, or 老/小 and a lone surname tagged
    // as one (老/闫), with a word boundary after it. 小时, 老师, 小康 are words.
    for (k, t) in ix.doc.tokens.iter().enumerate() {
        let s = t.start as usize;
        if !matches!(ix.chars[s], '老' | '小')
            || s + 2 > ix.chars.len()
            || !lists.top_surnames.contains(&ix.chars[s + 1])
        {
            continue;
        }
        let whole = t.len == 2 && (is_nr(t.pos) || !jieba.has_word(ix.doc.token_text(t)));
        let split = t.len == 1 && ix.doc.tokens.get(k + 1).is_some_and(|u| u.len == 1 && is_nr(u.pos));
        let after_ok = s + 2 == ix.chars.len() || !is_han(ix.chars[s + 2]) || ix.is_token_start(s + 2);
        if (whole || split) && after_ok && (s == 0 || !is_han(ix.chars[s - 1]) || ix.is_token_start(s)) {
            mentions.entry((s, s + 2)).or_insert(None);
        }
    }
    // A bare surname with a title after it (江主席, 周总理). Most surname characters are
    // common characters, so first the cheap test that a title can start after it.
    // One pass over the characters finds where a title may follow a surname and where a
    // speech verb starts: a pass each was a tenth of this function's own time.
    static TITLE_FIRST: LazyLock<CharSet> =
        LazyLock::new(|| CharSet::new(SURNAME_TITLES.iter().filter_map(|w| w.chars().next())));
    let mut speech_at = Vec::new();
    for i in ix.marked(super::mark::SPEECH_VERBS | super::mark::SURNAMES) {
        let c = ix.chars[i];
        if lists.speech_verbs.at(ix, i).is_some() && ix.is_token_start(i) {
            speech_at.push(i);
        }
        if !ix.chars.get(i + 1).is_some_and(|n| TITLE_FIRST.contains(n))
            || !lists.surnames.contains(&c)
            || !ix.is_token_start(i)
            || i > 0 && super::is_han(ix.chars[i - 1]) && !ix.is_token_end(i)
        {
            continue;
        }
        let merged = |t: &crate::document::Token| {
            // 古老, 许老 are words; only a title of two characters or more (江主席/n).
            t.len > 2 && SURNAME_TITLES.iter().any(|w| ix.slice(i + 1, t.start as usize + t.len as usize) == *w)
        };
        if ix.token(i).is_some_and(|t| t.len == 1 && is_nr(t.pos) || merged(t)) {
            if let Some(title) =
                SURNAME_TITLES.iter().find(|w| ix.slice(i + 1, (i + 1 + w.chars().count()).min(ix.chars.len())) == **w)
            {
                if i == 0 || !super::is_han(ix.chars[i - 1]) || ix.token(i - 1).is_some_and(|t| !is_nr(t.pos)) {
                    mentions.entry((i, i + 1)).or_insert(Some((*title).to_string()));
                }
            }
        }
    }
    // Appointments and removals (任命张建国为市教育局局长, 免去王立新的市交通运输局局长职务):
    // the person, with the post as the role when the notice names one that ends in a role.
    for e in appointed_at {
        let Some(len) = f.anonymized_at(e).or_else(|| f.name_at(e)) else { continue };
        let mut q = e + len;
        if ix.slice(q, (q + 2).min(ix.chars.len())) == "同志" {
            q += 2;
        }
        // The post a notice gives is the role, over 同志 after the name.
        let post = appointed_post(ix, lists, q);
        let role = mentions.entry((e, e + len)).or_insert(None);
        if post.is_some() || role.as_deref() == Some("同志") {
            *role = post;
        }
    }
    // Profiles, as a notice before appointment (任前公示) or a list of candidates prints
    // them: a line or clause opening with the name, then 男 or 女 between commas (王建华,男,汉族,1978年
    // 5月生,…,现任文林镇党委副书记,拟任…). The name is a person; the post held now (现任) is
    // the role, else the post proposed (拟任).
    for comma in profiles {
        // The profile's start, a line's or after the last one's semicolon or full stop
        // (a notice written as one paragraph), looked for only as far back as a name
        // reaches: a page of one long line of profiles must not be read back from each.
        let from = comma.saturating_sub(MAX_NAME_CHARS + 1);
        let line = match ix.chars[from..comma].iter().rposition(|&c| matches!(c, '\n' | ';' | '。')) {
            Some(k) => from + k + 1,
            None if from == 0 => 0,
            None => continue,
        };
        if f.name_at(line) != Some(comma - line) {
            continue;
        }
        let role = mentions.entry((line, comma)).or_insert(None);
        if role.is_none() {
            *role = profile_post(ix, lists, comma);
        }
    }
    // Speech verb after the name (after every title, as `or_insert` gives the first its
    // role).
    for v in speech_at {
        if let Some(len) = f.name_before(v) {
            // Only a name jieba also sees as one, so that 地说 or 群众说 stay out.
            mentions.entry((v - len, v)).or_insert(None);
        }
    }
    let n_chars = ix.chars.len();
    // What `mentions` covers, kept up to date as names are added up to the dotted names.
    let mut taken = covered(n_chars, mentions.keys().copied());
    let add = |span: (usize, usize), mentions: &mut HashMap<(usize, usize), Option<String>>, taken: &mut Vec<bool>| {
        if taken[span.0..span.1].contains(&true) {
            return false;
        }
        taken[span.0..span.1].fill(true);
        mentions.insert(span, None);
        true
    };
    // Well-known people by name alone (鲁迅, 周恩来, 列宁): whole words at both ends, so
    // that 冰心 of the idiom 一片冰心 stays out, where no name found so far and no place lies.
    for (s, e) in lists.known_people.find_all(ix) {
        if ix.is_token_start(s) && ix.is_token_end(e) && !f.touches_place(s, e) {
            add((s, e), &mut mentions, &mut taken);
        }
    }
    // Credits: a bracket holding only names, perhaps with 摄 (photo) or 供稿 after them
    // ((杜中武孙传刚), (缪青民摄)), and a line holding only a name (an author's line).
    let credit = |s: usize, e: usize, mentions: &mut HashMap<(usize, usize), Option<String>>, taken: &mut Vec<bool>| {
        for span in f.names_spelling(s, e).unwrap_or_default() {
            add(span, mentions, taken);
        }
    };
    // At each bracket and at each line's start: the text's first character (`None`), and
    // after each line break. The pass visits the characters marked [`CREDIT_CHARS`]; a
    // bracket at a line's start is read as a bracket, once.
    let line_start = |i: usize| i < n_chars && !matches!(ix.chars[i], '\n' | '(');
    for p in std::iter::once(None).chain(ix.marked(super::mark::CREDITS).map(Some)) {
        let (i, c) = match p.map(|p| (p, ix.chars[p])) {
            None if line_start(0) => (0, ix.chars[0]),
            Some((p, '\n')) if line_start(p + 1) => (p + 1, ix.chars[p + 1]),
            Some((p, '(')) => (p, '('),
            _ => continue,
        };
        if c == '(' {
            let Some(close) = (i + 1..(i + 16).min(n_chars)).find(|&k| ix.chars[k] == ')') else { continue };
            let mut end = close;
            for tail in CREDIT_TAILS {
                let w: Vec<char> = tail.chars().collect();
                if end >= i + 1 + w.len() && ix.chars[end - w.len()..end] == w[..] {
                    if *tail != "文" || f.names_spelling(i + 1, close).is_none() {
                        end -= w.len();
                    }
                    break;
                }
            }
            // (左一), (右二): a photo caption's position, not a name.
            let position = end == i + 3
                && "左右".contains(ix.chars[i + 1])
                && chars!("一二三四五六七八九十").contains(ix.chars[i + 2]);
            // A bracket inside a phrase glosses the word before it (石油输出国组织（欧佩克）原油);
            // a credit stands apart: after punctuation or at a line's end.
            let inside = i > 0 && is_han(ix.chars[i - 1]) && ix.chars.get(close + 1).is_some_and(|&c| is_han(c));
            if !position && !inside {
                credit(i + 1, end, &mut mentions, &mut taken);
            }
        } else {
            // Only a line of at most 12 characters can be a credit: look no further for its
            // end (reading each line to its end read the whole text a second time).
            let window = (i + 13).min(n_chars);
            let end = match (i..window).find(|&k| ix.chars[k] == '\n') {
                Some(k) => k,
                None if window == n_chars => n_chars,
                None => continue,
            };
            if (2..=12).contains(&(end - i)) {
                credit(i, end, &mut mentions, &mut taken);
            }
        }
    }
    // Names listed beside a found one (毛泽东、周恩来、刘少奇; 委员傅全有、于永波、王克): an
    // enumeration comma next to a name makes the neighbouring item a name when it reads
    // as one (a surname, a name's length, a boundary after it).
    let mut queue: Vec<(usize, usize)> = mentions.keys().copied().collect();
    while let Some((s, e)) = queue.pop() {
        let mut found = Vec::new();
        // An annotation may follow an item: 张贵亭(回族)、 or 司徒桂美(女)、.
        let e = annotation_after(ix, e).unwrap_or(e);
        if ix.chars.get(e).is_some_and(|c| chars!("、和与及").contains(*c)) {
            if let Some(len) = f.name_at(e + 1).or_else(|| f.list_item_at(e + 1)) {
                found.push((e + 1, e + 1 + len));
            }
        }
        if s >= 3 && ix.chars[s - 1] == '、' {
            let q = annotation_before(ix, s - 1).unwrap_or(s - 1);
            if let Some(len) = f.list_item_before(q) {
                found.push((q - len, q));
            }
        }
        for span in found {
            if add(span, &mut mentions, &mut taken) {
                queue.push(span);
            }
        }
    }
    // A middle dot between runs of name-like words is a foreign or minority name even with
    // nothing beside it (铁木尔·达瓦买提出席, 约翰·施特劳斯的圆舞曲), when jieba sees a name
    // in it or it is spelt in transliteration characters only, and not every part is a
    // place (出彩大中原·三门峡篇; but 罗莎·卢森堡).
    let chars_if_dotted = if has_dot(&ix.doc.text) { &ix.chars[..] } else { &[] };
    for (p, &c) in chars_if_dotted.iter().enumerate() {
        if !is_dot(c) || p == 0 || taken[p] {
            continue;
        }
        let (_, right) = f.dotted(p, p);
        if right <= p + 1 {
            continue;
        }
        let (s, e) = f.dotted(p + 1, right);
        if s >= p || e - s < 4 {
            continue;
        }
        let parts_clear = ix.chars[s..e]
            .split(|&c| is_dot(c))
            .scan(s, |at, part| {
                let start = *at;
                *at += part.len() + 1;
                Some((start, start + part.len()))
            })
            .any(|(a, b)| a < b && !f.place[a..b].iter().all(|&x| x));
        let tokens = || (s..e).filter_map(|k| ix.token(k).filter(|t| t.start as usize == k));
        let name_signal = tokens().any(|t| is_nr(t.pos)) || ix.chars[s..e].iter().all(|&c| is_dot(c) || translit(c));
        if parts_clear && name_signal {
            taken[s..e].fill(true);
            mentions.entry((s, e)).or_insert(None);
        }
    }
    // Foreign and minority names written with a middle dot (司马义·艾买提, 诺罗敦·西哈努克)
    // are one name: a part found on its own grows over the dot to the whole.
    let mut grown: Vec<((usize, usize), Option<String>)> = Vec::new();
    for (&(s, e), role) in &mentions {
        let (ns, ne) = f.dotted(s, e);
        if (ns, ne) != (s, e) {
            grown.push(((ns, ne), role.clone()));
        }
    }
    // Each grown name replaces the names inside it, and a grown name gives way to a later
    // one that holds it (the same span too: the last one's role stands). Both tests are
    // running maxima over starts; a pass over every name for each grown one was quadratic
    // in a long document's length.
    if !grown.is_empty() {
        let mut any = PrefixMax::new(ix.chars.len());
        for &((s, e), _) in &grown {
            any.raise(s, e);
        }
        mentions.retain(|&(s, e), _| any.upto(s) < e);
        let mut later = PrefixMax::new(ix.chars.len());
        let mut kept = Vec::with_capacity(grown.len());
        for ((s, e), role) in grown.into_iter().rev() {
            if later.upto(s) < e {
                kept.push(((s, e), role));
            }
            later.raise(s, e);
        }
        mentions.extend(kept);
    }
    // jieba's HMM runs a one-character word after a name into it (武磊接/nr 奥斯卡): a name
    // of three characters found with nothing beside it, whose first two the document names
    // elsewhere, is that shorter name.
    let short_names: std::collections::HashSet<&str> =
        mentions.keys().filter(|&&(s, e)| e - s == 2).map(|&(s, e)| ix.slice(s, e)).collect();
    let overrun: Vec<(usize, usize)> = mentions
        .iter()
        .filter(|&(&(s, e), role)| {
            role.is_none()
                && e - s == 3
                && short_names.contains(ix.slice(s, e - 1))
                && (SWALLOWED_AFTER.contains(ix.chars[e - 1])
                    || lexicon
                        .word_info(ix.slice(e - 1, e))
                        .is_some_and(|(tag, _)| matches!(tag, "v" | "p" | "c" | "u")))
                && ix.token(s).is_some_and(|t| t.start as usize == s && t.len == 3 && is_nr(t.pos))
        })
        .map(|(&span, _)| span)
        .collect();
    for (s, e) in overrun {
        mentions.remove(&(s, e));
        mentions.entry((s, e - 1)).or_insert(None);
    }
    // jieba's HMM joins 为 to a name before the post someone is elected or appointed to
    // (选举陈旭为省高级人民法院院长, 以议长托马斯·萨维为团长): the name ends before it, where an
    // election or appointment is written before it in the sentence. A given name in 为
    // keeps it (校长汤云为教授; 选举汤云为为副主任, where the next 为 is the verb).
    let appointed: Vec<(usize, usize)> = mentions
        .keys()
        .copied()
        .filter(|&(s, e)| {
            e - s >= 3
                && ix.chars[e - 1] == '为'
                && ix.chars.get(e) != Some(&'为')
                && f.post_follows(e)
                && f.appointing_before(s)
        })
        .collect();
    for (s, e) in appointed {
        let role = mentions.remove(&(s, e)).flatten();
        mentions.entry((s, e - 1)).or_insert(role);
    }
    // A post taken (彭楚政就任军分区司令员, 李明担任村党支部书记): the role of a mention that has
    // none beside it, for the name's other mentions too.
    let mut named_at: Vec<usize> = mentions.keys().map(|&(s, _)| s).collect();
    named_at.sort_unstable();
    for ((_, e), role) in mentions.iter_mut().filter(|(_, r)| r.is_none()) {
        *role = post_taken(ix, &ends, &named_at, *e);
    }
    // The document's role for each name, then every mention of every name: the first title
    // given, else the first courtesy (刘伯承元帅 … 刘伯承同志: 元帅 for both).
    let mut role_of: HashMap<String, Option<String>> = HashMap::default();
    let mut sorted: Vec<_> = mentions.iter().collect();
    sorted.sort_by_key(|(k, _)| **k);
    for ((s, e), role) in &sorted {
        let slot = role_of.entry(ix.slice(*s, *e).to_string()).or_insert(None);
        if slot.is_none() || (slot.as_deref().is_some_and(courtesy) && role.as_deref().is_some_and(|r| !courtesy(r))) {
            slot.clone_from(role);
        }
    }
    let mut out = Vec::new();
    // Every mention of every name in one pass over the text (a search of the whole text per
    // name showed in the profile).
    let names: Vec<&String> = role_of.keys().collect();
    for (s, e) in super::find_all_few(ix, &names) {
        // 一位李姓居民: a surname and 姓 (surnamed) is no one's name.
        if f.touches_place(s, e) || e - s == 2 && ix.chars[s + 1] == '姓' {
            continue;
        }
        let known = mentions.get(&(s, e));
        if known.is_none() && !(ix.is_token_start(s) && ix.is_token_end(e)) {
            continue;
        }
        let name = ix.slice(s, e);
        // A full name's courtesy gives way to its title; a surname's does not (王局长 and 王同志
        // are mostly two people).
        let role = match known.cloned().flatten() {
            Some(r) if courtesy(&r) && e - s >= 2 => role_of[name].clone().filter(|t| !courtesy(t)).or(Some(r)),
            r => r.or_else(|| role_of[name].clone()),
        };
        out.push(Entity {
            sentence_idx: ix.sentence_of(s),
            kind: EntityKind::Person,
            text: name.to_string(),
            normalized: name.to_string(),
            role,
            start: s as u32,
            end: e as u32,
            ..Entity::default()
        });
    }
    // A part of a longer name found at the same place (艾买提 in 司马义·艾买提) is no mention.
    out.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut reach = 0;
    out.retain(|e| {
        let keep = e.end > reach;
        reach = reach.max(e.end);
        keep
    });
    short_foreign_mentions(&f, &mut out);
    out
}

/// Words for a family or a spouse after a surname (施特劳斯父子, 肯尼迪夫人): the surname is theirs,
/// not one person's.
const FAMILY_WORDS: [&str; 12] =
    ["父子", "父女", "母子", "兄弟", "姐妹", "夫妇", "家族", "一家", "家", "夫人", "太太", "妻子"];

/// A foreign name written in full once (拉菲克·塔拉尔, 桥本龙太郎) is then mostly called by its
/// last part, a Japanese one by its surname (塔拉尔说, 要求桥本下台): each such mention, a whole
/// word or words standing alone, is that person, its `normalized` the full name and its role
/// the full name's. Not:
/// - a last part two full names share (约翰·史密斯, 彼得·史密斯), nor one found on its own
///   before the full name or with a role of its own that the full name lacks or has
///   otherwise: another person of that name (美国总统克林顿和希拉里·克林顿; 萨达姆·侯赛因, then
///   约旦国王侯赛因);
/// - a full name after 夫人 or 妻子, whose last part is the spouse's (夫人切丽·布莱尔);
/// - a mention before a word for a family or a spouse (施特劳斯父子, 甘地家族, 肯尼迪夫人);
/// - as a new mention, a frequent dictionary word (马克, 牛顿 the units) or one after a
///   numeral (10马克).
fn short_foreign_mentions(f: &Finder, out: &mut Vec<Entity>) {
    let ix = f.ix;
    // Last part → the full name, its role and where it is first written, or None where two
    // full names share it.
    type Full = Option<(String, Option<String>, usize)>;
    let mut by_part: HashMap<String, Full> = HashMap::default();
    let spouse = |s: usize| s >= 2 && matches!(ix.slice(s - 2, s), "夫人" | "妻子");
    for p in out.iter() {
        let Some(last) = p.text.rsplit_once('·').map(|(_, l)| l).or_else(|| f.japanese_surname(&p.text)) else {
            continue;
        };
        if last.chars().count() < 2
            || spouse(p.start as usize)
            || f.lexicon.word_info(last).is_some_and(|(tag, freq)| !is_nr(tag) && freq >= RARE_WORD_FREQ)
        {
            continue;
        }
        let entry =
            by_part.entry(last.to_string()).or_insert_with(|| Some((p.text.clone(), p.role.clone(), p.start as usize)));
        if entry.as_ref().is_some_and(|(full, _, _)| *full != p.text) {
            *entry = None;
        }
    }
    by_part.retain(|_, v| v.is_some());
    if by_part.is_empty() {
        return;
    }
    let dot = |p: usize| ix.chars.get(p).is_some_and(|&c| is_dot(c));
    let alone = |s: usize, e: usize| !(s > 0 && dot(s - 1) || dot(e));
    // A part named before its full name, or with another role, is someone else.
    for p in out.iter() {
        if let Some(Some((_, role, first))) = by_part.get(&p.text) {
            let other_role = p.role.is_some() && p.role != *role;
            if (p.start as usize) < *first && alone(p.start as usize, p.end as usize) || other_role {
                by_part.insert(p.text.clone(), None);
            }
        }
    }
    by_part.retain(|_, v| v.is_some());
    let family = |e: usize| {
        ix.token(e).filter(|t| t.start as usize == e).is_some_and(|t| FAMILY_WORDS.contains(&ix.doc.token_text(t)))
    };
    // Mentions found already (塔拉尔说, anchored by the verb) take the full name too; not
    // one naming a family or a spouse (肯尼迪夫人说).
    for p in out.iter_mut() {
        if let Some(Some((full, role, _))) = by_part.get(&p.text) {
            if alone(p.start as usize, p.end as usize) && !family(p.end as usize) {
                p.normalized.clone_from(full);
                p.role.clone_from(role);
            }
        }
    }
    let parts: Vec<&String> = by_part.keys().collect();
    if parts.is_empty() {
        return;
    }
    let taken = covered(ix.chars.len(), out.iter().map(Entity::span));
    let numeral = |p: usize| ix.chars[p].is_ascii_digit() || super::quantity::cn_digit(ix.chars[p]).is_some();
    let mut found = Vec::new();
    for (s, e) in super::find_all_few(ix, &parts) {
        let Some(Some((full, role, _))) = by_part.get(ix.slice(s, e)) else { continue };
        if taken[s..e].contains(&true)
            || !alone(s, e)
            || !ix.is_token_start(s)
            || !ix.is_token_end(e)
            || f.touches_place(s, e)
            || s > 0 && numeral(s - 1)
            || family(e)
            || f.lexicon.word_info(ix.slice(s, e)).is_some_and(|(_, freq)| freq >= RARE_WORD_FREQ)
        {
            continue;
        }
        found.push(Entity {
            sentence_idx: ix.sentence_of(s),
            kind: EntityKind::Person,
            text: ix.slice(s, e).to_string(),
            normalized: full.clone(),
            role: role.clone(),
            start: s as u32,
            end: e as u32,
            ..Entity::default()
        });
    }
    if !found.is_empty() {
        out.extend(found);
        out.sort_by_key(|e| e.start);
    }
}

/// Organisations: names from the organisation list (新华社, 国务院), a place's team
/// (中国队), and noun phrases ending in an organisation head.
pub(crate) fn organizations(
    ix: &TextIndex,
    lists: &Lists,
    lexicon: &Lexicon,
    places: &[Entity],
    people: &[Entity],
) -> Vec<Entity> {
    let place_by_end = PlaceEnds::new(places);
    let mut known = known_organizations(ix, lists, lexicon, places, &place_by_end);
    let mut phrases = head_organizations(ix, lists, lexicon, &place_by_end, people);
    let taken = covered(ix.chars.len(), known.iter().map(Entity::span));
    // A phrase that opens with a listed body and runs on over nothing else listed is that
    // body's full name (中国农业银行股份有限公司, 招商银行北京分行): it replaces the short one.
    let known_end: HashMap<usize, usize> = known.iter().map(|k| (k.start as usize, k.end as usize)).collect();
    let extends = |p: &Entity| {
        known_end.get(&(p.start as usize)).is_some_and(|&ke| {
            ke < p.end as usize
                && !taken[ke..p.end as usize].contains(&true)
                && branch_of(ix, &place_by_end, ke, p.end as usize)
        })
    };
    let longer: HashSet<usize> = phrases.iter().filter(|p| extends(p)).map(|p| p.start as usize).collect();
    phrases.retain(|p| extends(p) || !taken[p.start as usize..p.end as usize].contains(&true));
    known.retain(|k| !longer.contains(&(k.start as usize)));
    known.extend(phrases);
    known.sort_by_key(|e| e.start);
    // A branch or subsidiary named by its place right after its parent is the parent's
    // (中国工商银行/深圳分行, 中国移动通信集团/广东有限公司/深圳分公司).
    let mut merged: Vec<Entity> = Vec::with_capacity(known.len());
    for o in known {
        let (s, e) = (o.start as usize, o.end as usize);
        if !(branch_of(ix, &place_by_end, s, e) && extend_last(&mut merged, ix, s, e)) {
            merged.push(o);
        }
    }
    let mut known = merged;
    // Last, the dictionary's bodies: a longer name holds them (中国社科院历史研究所, 大连市委宣传部).
    let mut bodies = place_bodies(ix, lexicon, &place_by_end);
    if !bodies.is_empty() {
        let taken = covered(ix.chars.len(), known.iter().map(Entity::span));
        bodies.retain(|b| !taken[b.start as usize..b.end as usize].contains(&true));
        known.extend(bodies);
    }
    known.sort_by_key(|e| e.start);
    known
}

/// The largest value set at or before each position, for prefix queries as values are set
/// (a Fenwick tree of maxima): O(log n) each.
struct PrefixMax(Vec<usize>);

impl PrefixMax {
    fn new(n: usize) -> PrefixMax {
        PrefixMax(vec![0; n + 1])
    }

    /// Sets position `i` to at least `v`.
    fn raise(&mut self, i: usize, v: usize) {
        let mut k = i + 1;
        while k < self.0.len() {
            self.0[k] = self.0[k].max(v);
            k += k & k.wrapping_neg();
        }
    }

    /// The largest value set at positions `0..=i`, 0 if none.
    fn upto(&self, i: usize) -> usize {
        let (mut k, mut m) = (i + 1, 0);
        while k > 0 {
            m = m.max(self.0[k]);
            k -= k & k.wrapping_neg();
        }
        m
    }
}

/// Places by where they end: both organisation finders reach back over a place, and ask
/// whether one ends inside a span.
struct PlaceEnds {
    /// Where each place ends → where it starts.
    start_of: HashMap<usize, usize>,
    /// Where each place starts → where it ends: bodies and branches open with a place.
    end_of: HashMap<usize, usize>,
    /// The places' ends, sorted: a scan of every place for each candidate name was
    /// quadratic in a document's length.
    ends: Vec<usize>,
}

impl PlaceEnds {
    fn new(places: &[Entity]) -> PlaceEnds {
        let start_of: HashMap<usize, usize> = places.iter().map(|p| (p.end as usize, p.start as usize)).collect();
        let end_of: HashMap<usize, usize> = places.iter().map(|p| (p.start as usize, p.end as usize)).collect();
        let mut ends: Vec<usize> = start_of.keys().copied().collect();
        ends.sort_unstable();
        PlaceEnds { start_of, end_of, ends }
    }

    /// Whether a place ends after `s` and no later than `e`.
    fn end_within(&self, s: usize, e: usize) -> bool {
        self.ends.get(self.ends.partition_point(|&pe| pe <= s)).is_some_and(|&pe| pe <= e)
    }
}

fn org_entity(ix: &TextIndex, s: usize, e: usize) -> Entity {
    let text = ix.slice(s, e).to_string();
    Entity {
        sentence_idx: ix.sentence_of(s),
        kind: EntityKind::Organization,
        normalized: text.clone(),
        text,
        start: s as u32,
        end: e as u32,
        ..Entity::default()
    }
}

/// Whether a listed name ending at `e` is cut out of a word that means something else:
/// the word runs on by one character (国防部长, the minister; 公安部门, the police in
/// general; 共产党员, a member), or the name's last character opens a word of its own
/// (外交/部长). 外交部部长 and 新华社记者 keep their body. On the People's Daily development
/// split these were 150 of the organisations no annotator marked.
fn names_a_holder(ix: &TextIndex, e: usize) -> bool {
    if e == 0 || ix.is_token_end(e) {
        return false;
    }
    ix.is_token_end(e + 1) || ix.is_token_start(e - 1)
}

/// Listed names at word boundaries, and sports teams (中国队, 八一队).
fn known_organizations(
    ix: &TextIndex,
    lists: &Lists,
    lexicon: &Lexicon,
    places: &[Entity],
    place_by_end: &PlaceEnds,
) -> Vec<Entity> {
    let mut out = Vec::new();
    for (s, e, _) in lists.organizations.leftmost_longest(ix) {
        // A listed name of three characters or more holds inside a longer word too
        // (中共中央政治局委员, 新华社记者): the list is curated, the names are not common words.
        if ix.is_token_start(s) && (ix.is_token_end(e) || e - s >= 3) && !names_a_holder(ix, e) {
            out.push(org_entity(ix, s, e));
        }
    }
    // Clubs and teams jieba builds as one unknown word or knows as a body (八一队, 首钢队),
    // not kinds of team (国家队, 人民军队).
    for t in &ix.doc.tokens {
        let w = ix.doc.token_text(t);
        let (s, e) = (t.start as usize, (t.start + t.len) as usize);
        if (3..=6).contains(&t.len)
            && w.ends_with('队')
            && w.chars().all(is_han)
            && (!lexicon.jieba.has_word(w)
                || matches!(t.pos, "nt" | "nz") && specific(ix, lexicon, place_by_end, s, e - team_head(w)))
        {
            out.push(org_entity(ix, s, e));
        }
    }
    for p in places {
        let e = p.end as usize;
        if ix.chars.get(e) == Some(&'队') && p.level.is_some_and(|l| matches!(l, "country" | "province" | "city")) {
            out.push(org_entity(ix, p.start as usize, e + 1));
        }
    }
    // A team may be both a body jieba knows and a place with 队 (中国队).
    out.sort_by_key(|o| (o.start, o.end));
    out.dedup_by_key(|o| (o.start, o.end));
    out
}

/// Bodies jieba's dictionary knows as one word (nt) that open with a place the document
/// names and close in a body's head (中国证监会, 中国互联网络信息中心, 北京军区, 伊朗议会): the
/// place makes them names, not kinds (商业银行/nt, 联合政府/nt). Not its venues and other
/// "bodies" (北京音乐厅, 北京市区, 台湾歌手).
fn place_bodies(ix: &TextIndex, lexicon: &Lexicon, places: &PlaceEnds) -> Vec<Entity> {
    let mut out = Vec::new();
    for t in ix.doc.tokens.iter().filter(|t| t.pos == "nt" && t.len >= 4) {
        let (s, e) = (t.start as usize, (t.start + t.len) as usize);
        let w = ix.doc.token_text(t);
        if places.end_of.get(&s).is_some_and(|&pe| pe < e)
            && (BODY_HEADS.contains(ix.chars[e - 1]) || ["军区", "使馆"].iter().any(|h| w.ends_with(h)))
            && ix.chars[s..e].iter().all(|&c| is_han(c))
            && lexicon.jieba.has_word(w)
        {
            out.push(org_entity(ix, s, e));
        }
    }
    out
}

/// Last characters of a body's name: 委员会, 外交部, 国务院, 研究所, 出版社, 电视台, 总署, 工党,
/// 银行, 足协, 文联, 联盟, 大学, 青年报, 中心, 组织, 机构, 政府 ….
const BODY_HEADS: CharList = chars!("会委部局院所社台队团党军署办处司行协联盟校学报厂心织构府");

/// Characters of the head of a team's name: 军队 (army) or 队 (team).
fn team_head(w: &str) -> usize {
    if w.ends_with("军队") {
        2
    } else {
        1
    }
}

/// Whether the words before an organisation head make a name rather than a kind of body:
/// a place (甘肃省委), a proper noun or a word jieba does not know (华为公司), or a level of
/// government whose place the article gives (市委组织部). 商业银行, 有限公司 and 当地政府
/// are kinds, not names, and so are jieba's one-word "bodies" whose modifier is a common
/// word (上市公司/nt, 联合政府/nt, 人民军队/nt): the tag of a word that holds the head says
/// nothing about the modifier, so the modifier is judged on its own.
fn specific(ix: &TextIndex, lexicon: &Lexicon, place_end: &PlaceEnds, s: usize, e: usize) -> bool {
    if place_end.end_within(s, e) || chars!("市县区省乡镇村州盟旗").contains(ix.chars[s]) {
        return true;
    }
    // The state's offices and commissions (国家统计局, 国家禁毒委员会) are named by their
    // level, as a city's are.
    if ix.slice(s, (s + 2).min(e)) == "国家" && e - s > 2 && matches!(ix.chars.get(e), Some('局' | '委')) {
        return true;
    }
    // The party centre's departments (中央组织部, 中央统战部) are bodies of their own.
    if ix.slice(s, e) == "中央" && ix.chars.get(e + 2) == Some(&'部') {
        return true;
    }
    let mut p = s;
    while p < e {
        let Some(t) = ix.token(p) else { return true };
        let t_end = t.start as usize + t.len as usize;
        if t_end > e {
            // The word runs into the head (上市公司): judge the part before it.
            let modifier = ix.slice(p, e);
            if "和与及".contains(ix.chars[e - 1]) {
                return false;
            }
            // jieba's proper nouns are names (人民日报/nz); its "bodies" are often kinds.
            if t.pos == "nz" {
                return true;
            }
            return match lexicon.word_info(modifier) {
                // A rare noun is mostly a name jieba files as a noun (首钢队: 首钢/n).
                Some((tag, freq)) => {
                    proper(tag) && !GENERIC_PLACE_WORDS.contains(&modifier) || tag == "n" && freq < RARE_WORD_FREQ
                }
                // A body jieba's dictionary lists (国家开发银行/nt) is a name; a kind of
                // body the user dictionary adds (卫生健康委员会/n) is common words before
                // its head.
                None => {
                    e - p >= 2
                        && !lexicon.jieba.has_word(modifier)
                        && (t.pos == "nt" || !common_words(lexicon, modifier))
                }
            };
        }
        let w = ix.doc.token_text(t);
        if proper(t.pos) && !GENERIC_PLACE_WORDS.contains(&w) || !lexicon.jieba.has_word(w) {
            return true;
        }
        p = t_end;
    }
    false
}

/// Tags of jieba's proper nouns: names of people, places, bodies and brands, abbreviations,
/// and what it does not know.
fn proper(tag: &str) -> bool {
    matches!(tag, "ns" | "nr" | "nrt" | "nrfg" | "nz" | "nt" | "j" | "x" | "eng")
}

/// Whether a modifier no dictionary holds whole is common words of two characters or more
/// run together, a kind of body (卫生健康 of 卫生健康委员会, 农业农村 of 农业农村局), where a
/// name holds a proper noun (腾讯/nz 计算机系统), a rare word (华为技术/n 4) or characters of
/// no word.
fn common_words(lexicon: &Lexicon, w: &str) -> bool {
    lexicon.jieba.cut(w, false).iter().all(|p| {
        p.word.chars().nth(1).is_some()
            && lexicon.word_info(p.word).is_some_and(|(tag, freq)| !proper(tag) && freq >= RARE_WORD_FREQ)
    })
}

/// 局 closing a noun of three characters or more names an office (统计局, 教育局), unless
/// the noun ends in a word of its own (新格局, 顾全大局); 厅 names a province's department
/// (省财政厅, 浙江省民政厅) or a general office (办公厅), not a hall (上海音乐厅, 售票厅).
#[inline]
fn office_head<'t>(ix: &'t TextIndex, lexicon: &Lexicon, i: usize) -> Option<&'t [char]> {
    let c = *ix.chars.get(i)?;
    if !OFFICE_CHARS.contains(&c) {
        return None;
    }
    let t = ix.token(i)?;
    let ts = t.start as usize;
    if ts + t.len as usize != i + 1 || t.len < 3 || !t.pos.starts_with('n') {
        return None;
    }
    let office = if c == '局' {
        // An office's field may end so too (民政/局, 财政/局: not 政局, the political scene).
        !NOT_OFFICES.contains(&ix.slice(i - 1, i + 1)) || i - ts == 2 && lexicon.jieba.has_word(ix.slice(ts, i))
    } else {
        // A province's (浙江省/民政厅, 省财政厅, 自治区文化厅), not any place's (上海/音乐厅).
        ix.slice(i - 2, i + 1) == "办公厅"
            || ix.chars[ts] == '省'
            || ts > 0 && ix.chars[ts - 1] == '省'
            || ts >= 3 && ix.slice(ts - 3, ts) == "自治区"
    };
    office.then(|| &ix.chars[i..=i])
}

/// The characters [`office_head`] takes: the organisations' scan visits only these and
/// where an organisation suffix may start.
pub(crate) const OFFICE_CHARS: &[char] = &['局', '厅'];

/// Brackets and line breaks: where a credit's names may stand, the characters the credits'
/// pass in [`find`] visits.
pub(crate) const CREDIT_CHARS: &[char] = &['(', '\n'];

/// Words ending in 局 that name no office.
const NOT_OFFICES: &[&str] = &[
    "格局", "布局", "大局", "结局", "全局", "当局", "时局", "政局", "骗局", "僵局", "残局", "定局", "变局", "开局",
    "战局", "棋局", "饭局", "赌局", "终局", "危局", "出局", "胜局", "平局", "败局",
];

/// Heads of a branch's or subsidiary's name after its place (深圳分行, 广东有限公司).
const BRANCH_HEADS: &[&str] = &["分行", "支行", "分公司", "有限公司", "分社"];

/// Characters of a company's legal form (股份有限公司, 有限责任公司, 控股集团).
const LEGAL_FORM: CharList = chars!("股份有限责任控");

/// Whether the characters before a company's head are its legal form alone (股份有限 of
/// 股份有限公司).
fn legal_form(chars: &[char]) -> bool {
    !chars.is_empty() && chars.iter().all(|&c| LEGAL_FORM.contains(c))
}

/// Whether `s..e`, right after a body's name, names a branch of it: places (河南省驻马店,
/// 江西金溪县) and a branch's head (分行, 分公司), or the body's legal form alone (股份有限公司).
fn branch_of(ix: &TextIndex, places: &PlaceEnds, s: usize, e: usize) -> bool {
    let mut p = s;
    while let Some(&pe) = places.end_of.get(&p).filter(|&&pe| pe < e) {
        p = pe;
    }
    let rest = ix.slice(p, e);
    if p > s {
        return BRANCH_HEADS.contains(&rest);
    }
    rest.ends_with("公司") && legal_form(&ix.chars[p..e - 2])
}

/// Extends the last organisation found, if it ends at `floor`, to `end`: a name that goes
/// on after it (a branch, its legal form, an affiliate). Whether there was one.
fn extend_last(out: &mut [Entity], ix: &TextIndex, floor: usize, end: usize) -> bool {
    match out.last_mut().filter(|o| o.end as usize == floor) {
        Some(prev) => {
            *prev = org_entity(ix, prev.start as usize, end);
            true
        }
        None => false,
    }
}

/// Heads of a company's name, which may be a word jieba reads as a person's (比亚迪).
const COMPANY_HEADS: &[&str] = &["公司", "集团"];

/// Heads of bodies that name their trade in their name (永丰粮油种植专业合作社, 湖北省矿产开发
/// 总公司, 北京中诚信租赁有限公司).
const TRADE_HEADS: &[&str] = &["公司", "集团", "合作社", "联合社"];
/// The trades of [`TRADE_HEADS`], words jieba may tag as verbs, which end a name's walk
/// elsewhere. Part of the name only between a common noun and the head (粮油/种植, 矿产/开发)
/// or before 专业 or a legal form (租赁/有限公司): after a place or a brand, a verb is the
/// sentence's (美国/制造/公司纷纷回流, 腾讯/收购/公司股份).
const TRADES: &[&str] = &[
    "种植", "养殖", "加工", "销售", "服务", "经营", "开发", "营销", "运输", "制造", "生产", "收购", "批发", "零售",
    "研发", "咨询", "培训", "租赁", "配送", "孵化", "种养",
];

/// Heads that name a party committee by its level: only after a place.
const PARTY_COMMITTEES: &[&str] = &["省委", "市委", "县委", "区委", "州委"];

/// Place-tagged words that name no place (外国银行, 境外公司; jieba tags 上市 ns too).
const GENERIC_PLACE_WORDS: &[&str] =
    &["外国", "国外", "海外", "境外", "境内", "国内", "本国", "各国", "全国", "当地", "本地", "外地", "异地", "上市"];

fn head_organizations(
    ix: &TextIndex,
    lists: &Lists,
    lexicon: &Lexicon,
    place_by_end: &PlaceEnds,
    people: &[Entity],
) -> Vec<Entity> {
    let blocked = covered(ix.chars.len(), people.iter().map(Entity::span));
    let roleless: HashSet<(usize, usize)> = people.iter().filter(|p| p.role.is_none()).map(Entity::span).collect();
    let mut out: Vec<Entity> = Vec::new();
    // Only where a suffix may start or an office's head stands.
    let heads = super::mark::ORG_SUFFIXES | super::mark::OFFICES;
    let mut i = ix.next_marked(heads, 0);
    while i < ix.chars.len() {
        let Some(suf) = lists.org_suffixes.at(ix, i).or_else(|| office_head(ix, lexicon, i)) else {
            i = ix.next_marked(heads, i + 1);
            continue;
        };
        let mut end = i + suf.len();
        // A party committee takes its place's name (广东省委, 中共北京市委), not any words
        // before it (荣获/市委), and what follows it is its department (市委/宣传部).
        // The place may end on the level's character (北京市/委) or before it (广东/省委).
        let committee = PARTY_COMMITTEES.iter().any(|c| suf.iter().copied().eq(c.chars()));
        let mut committee_of = None;
        if committee {
            let Some(&ps) = place_by_end.start_of.get(&i).or_else(|| place_by_end.start_of.get(&(i + 1))) else {
                i += 1;
                continue;
            };
            committee_of = Some(ps);
            if let Some(dept) = lists.org_suffixes.at(ix, end) {
                end += dept.len();
            }
        }
        if !ix.is_token_end(end)
            || !ix.is_token_start(i) && ix.token(i).is_some_and(|t| t.start as usize + t.len as usize > end)
        {
            i += 1;
            continue;
        }
        let floor = out.last().map_or(0, |o| o.end as usize);
        if let Some(mut ps) = committee_of.filter(|&ps| ps >= floor) {
            // The places above it (山东省莱州市委), and 中共 before them (中共北京市委).
            while let Some(&above) = place_by_end.start_of.get(&ps).filter(|&&a| a >= floor) {
                ps = above;
            }
            let s = if ps >= floor + 2 && ix.slice(ps - 2, ps) == "中共" { ps - 2 } else { ps };
            if ix.is_token_end(end) {
                out.push(org_entity(ix, s, end));
            }
            i = end;
            continue;
        }
        let company = COMPANY_HEADS.iter().any(|c| suf.iter().copied().eq(c.chars()));
        let trade = TRADE_HEADS.iter().any(|h| {
            let n = h.chars().count();
            suf.len() >= n && suf[suf.len() - n..].iter().copied().eq(h.chars())
        });
        // An affiliate after its parent body (…大学附属医院, …实验小学附属幼儿园): one name.
        if floor + 2 == i && ix.slice(floor, i) == "附属" && extend_last(&mut out, ix, floor, end) {
            i = end;
            continue;
        }
        let mut start = i;
        let mut after_place = false;
        while start > floor && i - start < 16 {
            if let Some(&ps) = place_by_end.start_of.get(&start) {
                start = ps;
                after_place = true;
                continue;
            }
            let Some(t) = ix.token(start - 1) else { break };
            let ts = t.start as usize;
            // Before a place only a body or another name goes on the name (中共北京市委);
            // a common word there is the sentence's (影响以色列政府).
            if after_place && !matches!(t.pos, "nt" | "nz" | "j") {
                break;
            }
            if ts >= floor && blocked[ts..start].iter().any(|&b| b) {
                // A company named by a word jieba reads as a name (比亚迪/nr 股份有限公司):
                // the name is the company's, when no role makes it a person.
                if company && roleless.contains(&(ts, start)) {
                    start = ts;
                }
                break;
            }
            // jieba tags a level alone as a morpheme (县/zg 民政局): one that opens the phrase,
            // not one after a verb (推广/村/党支部, a kind of body). And a school's or a
            // hospital's ordinal as a number (县/zg 第一/m 中学, 第二/m 人民医院; not 第八届).
            let level = t.len == 1 && ADMIN_LEVELS.contains(ix.chars[ts]) && (ts == 0 || !is_han(ix.chars[ts - 1]));
            let ordinal = t.pos == "m"
                && ix.chars[ts] == '第'
                && i - start <= 2
                && ix.chars[ts + 1..start].iter().all(|c| chars!("一二三四五六七八九十").contains(*c));
            let trade_word = trade
                && TRADES.contains(&ix.doc.token_text(t))
                && (["专业", "有限", "股份"].iter().any(|w| ix.slice(start, (start + 2).min(i)) == *w)
                    || ts > 0 && ix.token(ts - 1).is_some_and(|p| p.pos == "n"));
            if ts < floor
                || !(t.pos.starts_with('n') || matches!(t.pos, "j" | "vn" | "b") || level || ordinal || trade_word)
            {
                break;
            }
            // A preposition or conjunction, as a word of its own or glued by jieba to what
            // follows (在京/ns, 由省/n 物价局: then the level alone, below), or a common noun
            // it starts (被告/n: 原告王某诉被告中国农业银行北京分行); not a name it starts
            // (和平/nz 北路小学, 向阳/nz 小学).
            let with_level = start - ts == 2 && ADMIN_LEVELS.contains(ix.chars[ts + 1]);
            let particle = chars!("由在从对为将把被让向和与及的").contains(ix.chars[ts])
                && (start - ts == 1 || !matches!(t.pos, "nz" | "ns" | "nt" | "nr" | "nrt") || with_level);
            // 经 (through) and 原 (former), as a word of its own or glued to a level.
            let via = chars!("经原").contains(ix.chars[ts]);
            // jieba joins such a word to the level after it (经省/n 物价局, 由县/n 供电局): the
            // level alone.
            if with_level && (particle || via) {
                start = ts + 1;
                break;
            }
            if ix.chars[ts..start].iter().any(|&c| !is_han(c)) || particle
                // 经省物价局, 原省电力局: a preposition, or "former", as a word of its own.
                || start - ts == 1 && via
            {
                break;
            }
            if dateline(ix, ts, start) || lists.org_stop_words.contains(ix.slice(ts, start)) {
                break;
            }
            start = ts;
        }
        // A company's legal form after the body found right before it (中国农业银行/股份/
        // 有限公司): the body's full name. Not another company run on (中国集邮总公司中国金币总公司).
        if start == floor && company && legal_form(&ix.chars[start..i]) && extend_last(&mut out, ix, floor, end) {
            i = end;
            continue;
        }
        if start < i && specific(ix, lexicon, place_by_end, start, i) {
            out.push(org_entity(ix, start, end));
        }
        i = end;
    }
    out
}
