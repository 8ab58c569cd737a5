//! Mojibake repair: UTF-8 text that was once decoded with the wrong legacy encoding and
//! saved again, so that every Chinese character became two or three wrong ones.
//!
//! - Windows-1252 or Latin-1 (`å‘å¸ƒ` for 发布): each wrong character stands for one byte,
//!   so the bytes come back exactly and are decoded as UTF-8 again.
//! - GBK (`鍙戝竷` for 发布): each wrong character stands for two bytes. A run of an odd number
//!   of bytes lost its last byte when the GBK decoder met the ASCII character after it (it
//!   shows as U+FFFD); that byte is the last continuation byte of the run's last character,
//!   one of 64 values, chosen by dictionary evidence in context.
//!
//! Both work run by run (a run is a stretch of non-ASCII characters), so a document where
//! only some passages are damaged is repaired where it is damaged and left alone elsewhere.

use encoding_rs::GBK;

use crate::decode::is_pinyin_letter;
use crate::lexicon::Lexicon;

/// Windows-1252's characters for bytes 0x80–0x9F (None where it defines none: Latin-1's C1
/// controls stand for those bytes).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The byte a character stands for when text was decoded as Windows-1252 or Latin-1.
fn latin_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x100 {
        return Some(u as u8);
    }
    CP1252_HIGH.iter().position(|&x| x == Some(c)).map(|i| 0x80 + i as u8)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' | '\u{2000}'..='\u{206f}')
}

/// Repairs Windows-1252 / Latin-1 mojibake. Returns the text and the number of characters
/// restored, or None when nothing looked damaged.
pub fn repair_latin(text: &str) -> Option<(String, usize)> {
    // Fast exit: UTF-8 lead bytes of CJK read as Latin-1 are â, ã, ä … é (0xE2–0xE9), U+00E2
    // to U+00EF, which UTF-8 writes as 0xC3 0xA2 to 0xC3 0xAF: a search for the byte 0xC3,
    // rare in Chinese text, instead of decoding every character.
    let bytes = text.as_bytes();
    if !memchr::memchr_iter(0xC3, bytes).any(|i| bytes.get(i + 1).is_some_and(|b| (0xA2..=0xAF).contains(b))) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut restored = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii() || latin_byte(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_ascii() && latin_byte(chars[i]).is_some() {
            i += 1;
        }
        let run = &chars[start..i];
        let bytes: Vec<u8> = run.iter().filter_map(|&c| latin_byte(c)).collect();
        // Byte k is character k of the run: keep invalid stretches as they were. A valid
        // stretch holding multi-byte characters (CJK, or a no-break space Â\u{a0}) was
        // damaged: its bytes only form UTF-8 because they were UTF-8.
        let mut k = 0;
        for chunk in bytes.utf8_chunks() {
            let v = chunk.valid();
            if !v.is_ascii() {
                out.push_str(v);
                restored += v.chars().filter(|&c| is_cjk(c)).count();
            } else {
                out.extend(&run[k..k + v.len()]);
            }
            k += v.len();
            let bad = chunk.invalid().len();
            out.extend(&run[k..k + bad]);
            k += bad;
        }
    }
    (restored >= 2).then_some((out, restored))
}

/// Whether `c` is a character GBK gives for a UTF-8 lead byte of CJK followed by a
/// continuation byte (鍙, 鐨, 涓 …): common in GBK mojibake, rare in real text.
fn gbk_mojibake_char(c: char) -> bool {
    MOJIBAKE_CHARS.contains(&c)
}

/// The characters GBK decodes from a UTF-8 CJK lead byte (0xE4–0xE9) and a continuation
/// byte (0x80–0xBF): 384 pairs, built once. A bit per character: asked once per Han
/// character of every text, where a hash set's probe was half the decode stage's time.
static MOJIBAKE_CHARS: std::sync::LazyLock<crate::extract::CharSet> = std::sync::LazyLock::new(|| {
    let mut chars = Vec::new();
    for lead in 0xe4u8..=0xe9 {
        for trail in 0x80u8..=0xbf {
            let pair = [lead, trail];
            let (s, bad) = GBK.decode_without_bom_handling(&pair);
            if !bad {
                chars.extend(s.chars().filter(|c| !c.is_ascii()));
            }
        }
    }
    crate::extract::CharSet::new(chars.into_iter())
});

/// Repairs GBK mojibake. Returns the text, the characters restored and the lost bytes that
/// could not be chosen (left as U+FFFD), or None when the text does not look damaged.
pub fn repair_gbk(text: &str, lexicon: &Lexicon) -> Option<(String, usize, usize)> {
    // Fast exit: in GBK mojibake a large share of characters come from UTF-8 lead bytes.
    let (mut han, mut marks) = (0usize, 0usize);
    for c in text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
        han += 1;
        if gbk_mojibake_char(c) {
            marks += 1;
        }
    }
    if han < 4 || marks * 5 < han {
        return None;
    }
    // First pass: every run back through GBK; a lost last byte leaves a hole, recorded with
    // the bytes of its incomplete character.
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    // Where each hole is in `out`, with its Piece::Hole.
    let mut holes: Vec<(usize, Piece)> = Vec::new();
    let mut restored = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_ascii() {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        match realign_gbk_run(&run) {
            Some(pieces) => {
                for piece in pieces {
                    match piece {
                        Piece::Text(fixed) => {
                            restored += fixed.chars().count();
                            out.extend(fixed.chars());
                        }
                        hole @ Piece::Hole(..) => {
                            holes.push((out.len(), hole));
                            out.push('\u{FFFD}');
                        }
                    }
                }
            }
            None => out.extend(run.chars()),
        }
    }
    if restored < 2 {
        return None;
    }
    // Second pass: choose each lost byte with the repaired text on both sides as evidence,
    // and the pinyin annotation after it when the page had one (強(qiáng)).
    let mut unresolved = 0;
    // Traditional or Simplified: candidates in the document's own script win ties (強/强).
    let han: Vec<char> = out.iter().copied().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).collect();
    let traditional = han.iter().filter(|&&c| lexicon.is_traditional(c)).count() * 20 > han.len();
    for (at, hole) in holes {
        let Piece::Hole(before, after, next) = hole else { continue };
        let (left, right) = (han_context(&out[..at], true), han_context(&out[at + 1..], false));
        let reading = annotation(&out[at + 1..]);
        let lost = LostByte { before: &before, after: &after, next };
        match choose_lost_byte(&lost, &left, &right, reading.as_deref(), traditional, lexicon) {
            Some(c) => {
                out[at] = c;
                restored += 1;
            }
            None => unresolved += 1,
        }
    }
    Some((out.into_iter().collect(), restored, unresolved))
}

/// Whether `c` has the toned pinyin reading `reading` (heteronyms included).
fn reads_as(c: char, reading: &str) -> bool {
    use pinyin::ToPinyinMulti;
    c.to_pinyin_multi().is_some_and(|m| m.into_iter().any(|p| p.with_tone() == reading))
}

/// The pinyin annotation at the start of `after` (`(qiáng)…` → `qiáng`).
fn annotation(after: &[char]) -> Option<String> {
    if after.first() != Some(&'(') {
        return None;
    }
    let end = after.iter().position(|&c| c == ')')?;
    let inner = &after[1..end];
    (!inner.is_empty() && inner.len() <= 7 && inner.iter().all(|&c| is_pinyin_letter(c)))
        .then(|| inner.iter().collect())
}

/// Up to three CJK characters next to a hole (before it when `backwards`), skipping pinyin
/// annotations, which carry no word evidence.
fn han_context(side: &[char], backwards: bool) -> String {
    let mut picked = Vec::new();
    let mut in_note = false;
    let mut visit = |c: char| {
        let (open, close) = if backwards { (')', '(') } else { ('(', ')') };
        if c == open {
            in_note = true;
        } else if c == close {
            in_note = false;
        } else if !in_note && is_cjk(c) {
            picked.push(c);
        } else if !in_note && !is_pinyin_letter(c) {
            return picked.len() >= 3 || c == '\n';
        }
        picked.len() >= 3
    };
    if backwards {
        for &c in side.iter().rev() {
            if visit(c) {
                break;
            }
        }
        picked.reverse();
    } else {
        for &c in side {
            if visit(c) {
                break;
            }
        }
    }
    picked.into_iter().collect()
}

/// A run back through GBK to UTF-8, as text and holes.
enum Piece {
    Text(String),
    /// A lost byte: the bytes of its character before it and after it, and the byte that
    /// followed it in the stream when known (the decoder could not pair the two).
    Hole(Vec<u8>, Vec<u8>, Option<u8>),
}

/// One run back through GBK to UTF-8. Each U+FFFD is one lost byte: at the run's end the
/// GBK decoder met the ASCII character after a lead byte (a byte browsers drop); inside the
/// run a byte it could not pair with the next (0x80, or a lead of GBK's user-defined area:
/// 潭 is E6 BD AD, and Python's `gbk` codec gives 娼 for E6 BD, then U+FFFD for AD, which
/// it cannot pair with E5). The complete characters come back; each hole keeps the bytes
/// of its character on either side. None when the run is no mojibake.
fn realign_gbk_run(run: &str) -> Option<Vec<Piece>> {
    if !run.chars().any(|c| c != '\u{FFFD}') {
        return None;
    }
    let mut pieces = Vec::new();
    let mut restored_any = false;
    // Bytes of an incomplete character at the end of the last piece, before a hole.
    let mut pending: Option<Vec<u8>> = None;
    for part in run.split('\u{FFFD}') {
        let (bytes, _, unmappable) = GBK.encode(part);
        if unmappable {
            return None;
        }
        let mut bytes: &[u8] = &bytes;
        if let Some(prefix) = pending.take() {
            // The continuation bytes that open this part finish the hole's character.
            let k = bytes.iter().take(3).take_while(|&&b| (0x80..=0xbf).contains(&b)).count();
            let (suffix, rest) = bytes.split_at(k);
            if prefix.len() + 1 + suffix.len() > 4 {
                return None;
            }
            pieces.push(Piece::Hole(prefix, suffix.to_vec(), bytes.first().copied()));
            bytes = rest;
        }
        let (valid, partial) = match std::str::from_utf8(bytes) {
            Ok(_) => (bytes.len(), &[][..]),
            Err(e) if e.error_len().is_none() => (e.valid_up_to(), &bytes[e.valid_up_to()..]),
            Err(_) => return None,
        };
        let text = std::str::from_utf8(&bytes[..valid]).ok()?;
        restored_any |= !text.is_ascii();
        if !text.is_empty() {
            pieces.push(Piece::Text(text.to_string()));
        }
        pending = Some(partial.to_vec());
    }
    // The last part's incomplete character is complete text only if no hole follows it.
    match pending {
        Some(p) if !p.is_empty() => return None,
        _ => {}
    }
    if !run.contains('\u{FFFD}') {
        // Any multi-byte character counts (á of a damaged pinyin annotation too): GBK text
        // that was not mojibake almost never re-encodes to valid UTF-8.
        return restored_any.then_some(pieces);
    }
    // Text that decoded whole before a U+FFFD of its own is no mojibake; two lost bytes in
    // a row leave their character a U+FFFD (no candidate completes it).
    let bound = |p: &Piece| matches!(p, Piece::Hole(a, b, _) if !a.is_empty() || !b.is_empty());
    // A run cut by holes into halves of characters may restore no whole one besides them
    // (銆�銆�鎴�鑷� for two ideographic spaces and 截至): its bytes fitting UTF-8 around
    // each hole is the evidence.
    pieces.iter().any(bound).then_some(pieces)
}

/// A byte the GBK decoder lost, with the bytes of its character either side of it and the
/// byte it could not pair with.
struct LostByte<'a> {
    before: &'a [u8],
    after: &'a [u8],
    next: Option<u8>,
}

/// Whether GBK decodes `lead` and `trail` as one character outside the user-defined area:
/// a decoder that met them together would have given that character, so a byte it lost
/// before `trail` was not `lead`. (Python's `gbk` codec rejects the user-defined area and
/// 0x80, which WHATWG's GBK maps to U+E000… and €, and also A2 E3, A8 BF and A9 89–A9 95,
/// which WHATWG's GBK maps to €, ǹ and ideographic description characters: 稿 is E7 A8 BF,
/// 面 is E9 9D A2, and before 。 (E3 …) Python loses their A2 and A8.)
fn gbk_pair(lead: u8, trail: u8) -> bool {
    if matches!((lead, trail), (0xa2, 0xe3) | (0xa8, 0xbf) | (0xa9, 0x89..=0x95)) {
        return false;
    }
    let pair = [lead, trail];
    let (s, bad) = GBK.decode_without_bom_handling(&pair);
    let mut it = s.chars();
    !bad && matches!((it.next(), it.next()), (Some(c), None) if !('\u{e000}'..='\u{f8ff}').contains(&c))
}

/// The character whose UTF-8 form is `before`, one lost byte, then `after`, chosen among
/// the candidates by dictionary evidence with the text around it; None without a clear
/// winner.
fn choose_lost_byte(
    lost: &LostByte,
    left: &str,
    right: &str,
    reading: Option<&str>,
    traditional: bool,
    lexicon: &Lexicon,
) -> Option<char> {
    let candidates: Vec<char> = (0x80u8..=0xff)
        .filter(|&b| lost.next.is_none_or(|n| !gbk_pair(b, n)))
        .filter_map(|b| {
            let b = [lost.before, &[b], lost.after].concat();
            let s = std::str::from_utf8(&b).ok()?;
            let mut it = s.chars();
            let c = it.next()?;
            it.next().is_none().then_some(c).filter(|&c| is_cjk(c))
        })
        .collect();
    // A pinyin annotation names the character: keep the candidates that read that way.
    let read: Vec<char> = match reading {
        Some(r) => candidates.iter().copied().filter(|&c| reads_as(c, r)).collect(),
        None => Vec::new(),
    };
    if read.len() == 1 {
        return Some(read[0]);
    }
    let pool = if read.is_empty() { candidates } else { read };
    let mut best: Option<(f64, char)> = None;
    let mut tie = false;
    for c in pool {
        let simple = lexicon.simplify_chars(&format!("{left}{c}{right}"));
        let common = lexicon.is_common_char(&c.to_string());
        let script = f64::from(u8::from(lexicon.is_traditional(c) == traditional));
        // How common the character is on its own (jieba's frequency), as a weak prior that
        // picks 个 after a number and 。 at a line end when no word decides.
        let one = lexicon.simplify_chars(&c.to_string());
        let prior = (lexicon.jieba.suggest_freq(&one) as f64).ln() / 4.0
            + PUNCT_PRIOR.iter().find(|p| p.0 == c).map_or(0.0, |p| p.1);
        let score =
            4.0 * f64::from(lexicon.word_evidence(&simple)) + 2.0 * f64::from(u8::from(common)) + script + prior;
        match best {
            Some((s0, _)) if score < s0 => {}
            Some((s0, _)) if score == s0 => tie = true,
            _ => {
                best = Some((score, c));
                tie = false;
            }
        }
    }
    match best {
        Some((score, c)) if score > 1.0 && !tie => Some(c),
        _ => None,
    }
}

/// How often Chinese punctuation appears, as a prior for a lost byte in the punctuation
/// blocks (U+3000, U+2000, U+FF00), where no dictionary word helps.
const PUNCT_PRIOR: &[(char, f64)] = &[
    ('\u{3000}', 2.9),
    ('。', 3.0),
    ('，', 3.0),
    ('、', 2.5),
    ('”', 2.5),
    ('“', 2.4),
    ('：', 2.0),
    ('；', 2.0),
    ('（', 1.5),
    ('）', 1.5),
    ('《', 1.5),
    ('》', 1.5),
    ('…', 1.5),
    ('—', 1.5),
    ('！', 1.5),
    ('？', 1.5),
    ('‘', 1.0),
    ('’', 1.0),
    ('·', 1.0),
];

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;
    use std::sync::LazyLock;

    static LEX: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&None, &None).unwrap());

    const TEXT: &str = "金昌市永昌县城关镇赵家庄村边有一片戈壁滩。过去,这里建成了现代化的养殖小区,成了村民眼中的“香饽饽”。\n赵家庄村共有3个党支部。\n";

    /// UTF-8 bytes read as Latin-1 (each byte one character).
    fn as_latin1(s: &str) -> String {
        s.bytes().map(|b| b as char).collect()
    }

    #[test]
    fn windows_1252_and_latin1_come_back_exactly() {
        let cp1252 = WINDOWS_1252.decode_without_bom_handling(TEXT.as_bytes()).0.into_owned();
        assert_ne!(cp1252, TEXT);
        assert_eq!(repair_latin(&cp1252).unwrap().0, TEXT);
        assert_eq!(repair_latin(&as_latin1(TEXT)).unwrap().0, TEXT);
    }

    #[test]
    fn clean_text_is_left_alone() {
        assert_eq!(repair_latin(TEXT), None);
        assert_eq!(repair_latin("Café crème à la française"), None);
        assert_eq!(repair_gbk(TEXT, &LEX), None);
    }

    #[test]
    fn a_pinyin_annotation_names_the_lost_character() {
        // 強 is E5 BC B7 in UTF-8; read as GBK the B7 before "(" is lost.
        let damaged = GBK.decode_without_bom_handling("強(qiáng)基鑄魂。擎旗奮進(jìn)".as_bytes()).0.into_owned();
        let (fixed, _, lost) = repair_gbk(&damaged, &LEX).unwrap();
        assert!(fixed.starts_with("強(qiáng)"), "{fixed}");
        assert_eq!(lost, 0, "{fixed}");
    }

    #[test]
    fn bytes_lost_inside_a_run_come_back() {
        // UTF-8 read with Python's `gbk` codec (errors="replace"), as a scraper leaves a
        // UTF-8 page it took for GBK: each U+FFFD is one byte (0x80, or a lead of GBK's
        // user-defined area) lost inside a run, not only at its end.
        // 供稿 and 方面。: the lost byte is one WHATWG's GBK would have paired (A8 BF, A2 E3).
        let damaged = "渚涚\u{fffd}夸欢"; // 供稿件
        assert_eq!(repair_gbk(damaged, &LEX).map(|r| r.0).as_deref(), Some("供稿件"));
        let damaged = "銆\u{fffd}銆\u{fffd}鎴\u{fffd}鑷\u{fffd}9鏈堝簳锛屽叏闀囩疮璁℃帴寰呮父瀹\u{fffd}35.6涓囦汉娆°\u{fffd}傛嵁浜嗚В锛岃\u{fffd}ラ晣渚濇墭鐗硅壊浜т笟銆\u{fffd}\n";
        let (fixed, _, lost) = repair_gbk(damaged, &LEX).unwrap();
        assert_eq!(fixed, "\u{3000}\u{3000}截至9月底，全镇累计接待游客35.6万人次。据了解，该镇依托特色产业。\n");
        assert_eq!(lost, 0);
    }

    #[test]
    fn gbk_mojibake_comes_back() {
        let damaged = GBK.decode_without_bom_handling(TEXT.as_bytes()).0.into_owned();
        assert_ne!(damaged, TEXT);
        let (fixed, _, _) = repair_gbk(&damaged, &LEX).unwrap();
        let same = fixed.chars().zip(TEXT.chars()).filter(|(a, b)| a == b).count();
        assert!(same as f64 >= 0.95 * TEXT.chars().count() as f64, "{fixed}");
    }
}
