//! Segment: sentences, then words with parts of speech.
//!
//! Sentences end at 。！？；and at an ellipsis, with closing quotes and brackets kept on the
//! sentence they close, and always at a paragraph end. Words come from jieba-rs's tagger, run
//! once per sentence; every later use of words (keywords, entities, quantities) reads these
//! tokens instead of cutting again. Token offsets are stored, not borrowed text, so a
//! `Document` owns everything it holds.

use std::sync::Arc;

use crate::config::SegmentConfig;
use crate::document::{Document, Sentence, Token};
use crate::lexicon::Lexicon;

/// The segment stage.
pub struct Segmenter {
    lexicon: Arc<Lexicon>,
    hmm: bool,
}

/// Every tag jieba's dictionaries and tagger produce; interned so tokens hold `&'static str`.
/// A `static`, not a `const`: one copy, so an interned tag can be compared by address.
static POS_TAGS: &[&str] = &[
    "a", "ad", "ag", "an", "b", "c", "d", "df", "dg", "e", "eng", "f", "g", "h", "i", "j", "k", "l", "m", "mg", "mq",
    "n", "ng", "nr", "nrfg", "nrt", "ns", "nt", "nz", "o", "p", "q", "r", "rg", "rr", "rz", "s", "t", "tg", "u", "ud",
    "ug", "uj", "ul", "uv", "uz", "v", "vd", "vg", "vi", "vn", "vq", "x", "y", "z", "zg",
];

/// A tag of up to four ASCII bytes packed big-endian into a u32: a lookup is an integer
/// hash and one compare (a string binary search showed in the profile as memcmp calls, once
/// per token, and a binary search of the packed values still cost 1.9% of a one-core run).
const fn pack(tag: &[u8]) -> u32 {
    let mut k = 0u32;
    let mut i = 0;
    while i < 4 {
        k <<= 8;
        if i < tag.len() {
            k |= tag[i] as u32;
        }
        i += 1;
    }
    k
}

/// Multiplier of the tag hash: `(pack(tag) * HASH_MUL) >> 25` gives every tag of
/// [`POS_TAGS`] a slot of its own in [`SLOTS`] (found by search; the table's construction
/// asserts it, so a tag added that collides fails the build).
const HASH_MUL: u32 = 0xb939_468b;

const fn slot(packed: u32) -> usize {
    (packed.wrapping_mul(HASH_MUL) >> 25) as usize
}

/// Slot → (packed tag, index in [`POS_TAGS`]); `u8::MAX` marks an empty slot.
const SLOTS: [(u32, u8); 128] = {
    let mut out = [(0u32, u8::MAX); 128];
    let mut i = 0;
    while i < POS_TAGS.len() {
        let k = pack(POS_TAGS[i].as_bytes());
        assert!(out[slot(k)].1 == u8::MAX, "two tags share a slot: choose another HASH_MUL");
        out[slot(k)] = (k, i as u8);
        i += 1;
    }
    out
};

/// The interned form of a tag; unknown tags become "x".
#[inline]
pub fn intern_pos(tag: &str) -> &'static str {
    if tag.is_empty() || tag.len() > 4 {
        return "x";
    }
    let k = pack(tag.as_bytes());
    match SLOTS[slot(k)] {
        (packed, i) if packed == k && i != u8::MAX => POS_TAGS[i as usize],
        _ => "x",
    }
}

fn is_terminal(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '…')
}

fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | ')' | '》' | '"' | '\'' | '】')
}

/// Whether a word is whitespace only, as `w.trim().is_empty()`, with the common answer
/// from the first byte: a Chinese character's (E4-E9) or a visible ASCII one's opens no
/// whitespace. The trim was 3% of the segment stage, once per word.
#[inline]
fn blank(w: &str) -> bool {
    match w.as_bytes().first() {
        None => true,
        Some(&b) if (b > b' ' && b < 0x80) || (0xE4..=0xE9).contains(&b) => false,
        Some(_) => w.trim().is_empty(),
    }
}

/// Splits one paragraph into sentence ranges (byte offsets within `para`).
///
/// Scans bytes, not chars: a sentence end is an ASCII byte (! ? ;) or one of two
/// three-byte sequences (。 …), and neither can occur inside another character's encoding,
/// so only the characters after an end are decoded. Decoding every character was 4% of the
/// segment stage.
pub fn split_sentences(para: &str) -> Vec<(usize, usize)> {
    let bytes = para.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = match bytes[i] {
            b @ (b'!' | b'?' | b';') => b as char,
            0xE3 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0x82]) => '。',
            0xE2 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0xA6]) => '…',
            _ => {
                i += 1;
                continue;
            }
        };
        let mut end = i + c.len_utf8();
        for d in para[end..].chars() {
            if !(is_terminal(d) || is_closing(d)) {
                break;
            }
            end += d.len_utf8();
        }
        i = end;
        // An ellipsis followed by a closing-free comma continues the sentence.
        if c == '…' && para[end..].chars().next().is_some_and(|d| matches!(d, ',' | '、')) {
            continue;
        }
        if !para[start..end].trim().is_empty() {
            out.push((start, end));
        }
        start = end;
    }
    if !para[start..].trim().is_empty() {
        out.push((start, para.len()));
    }
    out
}

impl Segmenter {
    /// Builds the stage over the shared lexicon.
    pub fn new(cfg: &SegmentConfig, lexicon: Arc<Lexicon>) -> Segmenter {
        Segmenter { lexicon, hmm: cfg.hmm }
    }

    /// Fills `doc.sentences` and `doc.tokens` from `doc.text`.
    ///
    /// jieba runs once per paragraph, not per sentence: it splits its input at every
    /// character outside its word classes, and sentence ends (。！？; closing quotes) are
    /// such characters, so the words are the same, for a fraction of the calls.
    pub fn segment(&self, doc: &mut Document) {
        let mut sentences = Vec::new();
        let mut tokens = Vec::with_capacity(doc.text.len() / 4);
        let mut byte_base = 0usize;
        let mut first = true;
        for (pi, p) in doc.paragraphs.iter().enumerate() {
            let Some(char_base) = p.start else { continue };
            // Kept paragraphs are joined by one '\n' in `text`, in order.
            if !first {
                byte_base += 1;
            }
            first = false;
            let first_sentence = sentences.len();
            let mut char_at = char_base;
            let mut last = 0;
            for (s, e) in split_sentences(&p.text) {
                char_at += p.text[last..s].chars().count() as u32;
                let n = p.text[s..e].chars().count() as u32;
                sentences.push(Sentence {
                    paragraph_idx: pi as u32,
                    start: char_at,
                    end: char_at + n,
                    byte_start: (byte_base + s) as u32,
                    byte_end: (byte_base + e) as u32,
                });
                char_at += n;
                last = e;
            }
            let mut si = first_sentence;
            for t in self.lexicon.jieba.tag(&p.text, self.hmm) {
                if blank(t.word) {
                    continue;
                }
                let byte_start = (byte_base + t.byte_start) as u32;
                while si + 1 < sentences.len() && sentences[si].byte_end <= byte_start {
                    si += 1;
                }
                tokens.push(Token {
                    sentence_idx: si as u32,
                    start: char_base + t.start as u32,
                    len: (t.end - t.start) as u32,
                    byte_start,
                    byte_len: (t.byte_end - t.byte_start) as u32,
                    pos: self.lexicon.pos(t.word, t.tag),
                });
            }
            byte_base += p.text.len();
        }
        doc.sentences = sentences;
        doc.tokens = tokens;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Paragraph, Role};

    /// The char-by-char split `split_sentences` replaced.
    fn reference_split(para: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut it = para.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if !is_terminal(c) {
                continue;
            }
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if is_terminal(d) || is_closing(d) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            // An ellipsis followed by a closing-free comma continues the sentence.
            if c == '…' && it.peek().is_some_and(|&(_, d)| matches!(d, ',' | '、')) {
                continue;
            }
            if !para[start..end].trim().is_empty() {
                out.push((start, end));
            }
            start = end;
        }
        if !para[start..].trim().is_empty() {
            out.push((start, para.len()));
        }
        out
    }

    #[test]
    fn byte_scan_splits_as_the_char_scan_did() {
        let samples = [
            "他说:“好!”然后走了。又来了……,还是来了……。结束?是的;对",
            "……」」!!??;;。。…",
            "a!b?c;d。e…f…,g…、h",
            "  。  ",
            "",
        ];
        for s in samples {
            assert_eq!(split_sentences(s), reference_split(s), "{s}");
        }
        for f in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds")).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for line in text.lines() {
                assert_eq!(split_sentences(line), reference_split(line), "{line}");
            }
        }
    }

    fn sents(s: &str) -> Vec<&str> {
        split_sentences(s).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn closing_quotes_stay_on_the_sentence() {
        assert_eq!(
            sents("他说:“给钱给物,不如建个好支部。”村民们说。好!"),
            ["他说:“给钱给物,不如建个好支部。”", "村民们说。", "好!"]
        );
        assert_eq!(sents("错落有致……近年来,发展很快"), ["错落有致……", "近年来,发展很快"]);
        assert_eq!(sents("跑步、玩具掉落……,让人不堪其扰。"), ["跑步、玩具掉落……,让人不堪其扰。"]);
    }

    #[test]
    fn every_tag_interns_to_itself_and_others_to_x() {
        assert_eq!(intern_pos("ns"), "ns");
        assert_eq!(intern_pos("weird"), "x");
        assert_eq!(intern_pos("nrf"), "x");
        assert_eq!(intern_pos(""), "x");
        assert_eq!(intern_pos("zz"), "x");
        for t in POS_TAGS {
            assert!(std::ptr::eq(intern_pos(t), *t));
        }
    }

    /// The user dictionary's tag wins for a word jieba's dictionary already holds, where
    /// jieba-rs's `add_word` keeps its own (农家乐 `nr`, 合作社 `l`).
    #[test]
    fn user_dictionary_tags_win() {
        let lex = Arc::new(Lexicon::new(&None, &None).unwrap());
        let seg = Segmenter::new(&SegmentConfig::default(), lex.clone());
        let mut doc = Document::default();
        let p = "发展农家乐和合作社。";
        doc.paragraphs.push(Paragraph { role: Role::Body, text: p.into(), start: Some(0) });
        doc.text = p.into();
        seg.segment(&mut doc);
        let tags: Vec<(&str, &str)> = doc.tokens.iter().map(|t| (doc.token_text(t), t.pos)).collect();
        assert!(tags.contains(&("农家乐", "n")) && tags.contains(&("合作社", "nt")), "{tags:?}");
        assert_eq!(lex.word_info("农家乐").map(|(t, _)| t), Some("n"));
    }

    #[test]
    fn spans_cover_the_text_and_user_words_stay_whole() {
        let lex = Arc::new(Lexicon::new(&None, &None).unwrap());
        let seg = Segmenter::new(&SegmentConfig::default(), lex);
        let mut doc = Document::default();
        let paras = ["村党支部书记和村委会主任“一肩挑”。", "建成党群服务中心10377个。"];
        let mut off = 0;
        for p in paras {
            doc.paragraphs.push(Paragraph { role: Role::Body, text: p.into(), start: Some(off) });
            off += p.chars().count() as u32 + 1;
        }
        doc.text = paras.join("\n");
        seg.segment(&mut doc);
        assert_eq!(doc.sentences.len(), 2);
        assert_eq!(doc.sentences[1].start, paras[0].chars().count() as u32 + 1);
        let words: Vec<&str> = doc.tokens.iter().map(|t| doc.token_text(t)).collect();
        assert!(
            words.contains(&"一肩挑") && words.contains(&"党群服务中心") && words.contains(&"党支部书记"),
            "{words:?}"
        );
        let chars: Vec<char> = doc.text.chars().collect();
        for t in &doc.tokens {
            let by_chars: String = chars[t.start as usize..(t.start + t.len) as usize].iter().collect();
            assert_eq!(by_chars, doc.token_text(t));
        }
    }
}
