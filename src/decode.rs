//! Decode: the boundary from bytes to text.
//!
//! Order of evidence: a byte-order mark; a NUL pattern that betrays BOM-less UTF-16; valid
//! UTF-8; GBK or Big5 recognised from their bytes alone when they leave no doubt; then
//! chardetng's guess among the legacy encodings. encoding_rs does the decoding.
//! Malformed bytes are never an error (STYLE.md rule 6): they become U+FFFD and the document
//! says so in `repairs`. What is refused (empty, binary) becomes an `errors` row.
//!
//! After decoding, text damaged by a lost GBK byte is re-aligned (see [`repair_byte_shift`]).

use std::sync::Arc;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

use crate::config::DecodeConfig;
use crate::document::{Document, InputFormat, RawDoc};
use crate::error::{DocError, Stage};
use crate::lexicon::Lexicon;

/// Turns raw bytes into a [`Document`] holding decoded text.
pub struct Decoder {
    force: Option<&'static Encoding>,
    repair_byte_shift: bool,
    repair_mojibake: bool,
    max_binary_ratio: f64,
    lexicon: Arc<Lexicon>,
}

impl Decoder {
    /// Builds the stage. `lexicon` is the evidence for byte-shift repair.
    pub fn new(cfg: &DecodeConfig, lexicon: Arc<Lexicon>) -> Decoder {
        Decoder {
            force: Encoding::for_label(cfg.force_encoding.as_bytes()),
            repair_byte_shift: cfg.repair_byte_shift,
            repair_mojibake: cfg.repair_mojibake,
            max_binary_ratio: cfg.max_binary_ratio,
            lexicon,
        }
    }

    /// Decodes one input.
    ///
    /// # Errors
    /// A `DocError` (stage `decode`) for empty or whitespace-only inputs and for binary files.
    pub fn decode(&self, raw: RawDoc) -> Result<Document, DocError> {
        let doc_id = raw.doc_id();
        let fail = |kind: &'static str, message: String| decode_error(&raw, &doc_id, kind, message);
        if raw.bytes.is_empty() {
            return Err(fail("empty", "file is empty".into()));
        }
        if let Some(what) = known_non_text(&raw.bytes) {
            return Err(fail("binary", format!("{what}, not text: extract its text first")));
        }
        let mut repairs = Vec::new();
        // A JSON Lines record or a CSV row arrives as UTF-8 whatever its file's encoding (the
        // reader decoded it to parse it), so `decode.force_encoding`, which names a file's
        // encoding, does not apply to it.
        let force = if matches!(raw.format, InputFormat::JsonLines | InputFormat::Table) { None } else { self.force };
        if force.is_none() {
            if let Some((text, bad, name)) = utf32(&raw.bytes) {
                let confidence = judged_confidence(&text, bad > 0);
                return self.finish(raw, doc_id, text, bad > 0, name, confidence, repairs);
            }
        }
        let (mut encoding, confidence, body, valid_utf8) = self.detect(&raw.bytes, force, &mut repairs);
        if !is_utf16(encoding) {
            let ratio = control_ratio(body);
            if ratio > self.max_binary_ratio {
                return Err(fail(
                    "binary",
                    format!("{:.0}% control bytes: not text (decode.max_binary_ratio)", ratio * 100.0),
                ));
            }
        }
        let (text, had_errors) = if encoding == UTF_8 {
            // Valid UTF-8 is copied as it is: encoding_rs would validate it again.
            match valid_utf8.map_or_else(|| std::str::from_utf8(body), Ok) {
                Ok(s) => (s.to_owned(), false),
                Err(_) => decode_utf8_or_mixed(body, &mut encoding, &mut repairs, &self.lexicon),
            }
        } else {
            let (t, bad) = encoding.decode_without_bom_handling(body);
            (t.into_owned(), bad)
        };
        let mixed = repairs.iter().any(|r| r.starts_with("mixed_encoding"));
        let confidence = if confidence.is_nan() {
            judged_confidence(&text, had_errors)
        } else if mixed {
            confidence.min(0.8)
        } else {
            confidence
        };
        // A record decoded before parsing (JSON Lines in GBK or UTF-16) arrives as UTF-8: its
        // encoding, and any bytes that did not decode (now U+FFFD), are the file's.
        let upstream = raw.fields.as_ref().and_then(|f| f.encoding);
        let had_errors = had_errors || upstream.is_some() && text.contains('\u{FFFD}');
        let (encoding_name, confidence) = match upstream {
            Some(e) => (e.name(), judged_confidence(&text, had_errors)),
            None => (display_name(encoding, body), confidence),
        };
        self.finish(raw, doc_id, text, had_errors, encoding_name, confidence, repairs)
    }

    /// The repairs every decoded text goes through (malformed bytes counted, NULs removed,
    /// mojibake and byte shifts mended), then the document.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        raw: RawDoc,
        doc_id: String,
        mut text: String,
        had_errors: bool,
        encoding_name: &'static str,
        confidence: f32,
        mut repairs: Vec<String>,
    ) -> Result<Document, DocError> {
        if had_errors {
            let n = text.chars().filter(|&c| c == '\u{FFFD}').count();
            repairs.push(format!("malformed_bytes:{n}"));
        }
        if text.contains('\0') {
            text.retain(|c| c != '\0');
            repairs.push("nul_bytes_removed".into());
        }
        if self.repair_mojibake {
            if let Some((fixed, n)) = crate::mojibake::repair_latin(&text) {
                text = fixed;
                repairs.push(format!("mojibake_latin1:{n}"));
            }
            if let Some((fixed, n, lost)) = crate::mojibake::repair_gbk(&text, &self.lexicon) {
                text = fixed;
                repairs.push(format!("mojibake_gbk:{n}"));
                if lost > 0 {
                    repairs.push(format!("mojibake_gbk_unresolved:{lost}"));
                }
            }
        }
        if self.repair_byte_shift {
            if let Some(fixed) = repair_byte_shift(&text, &self.lexicon) {
                text = fixed.text;
                if fixed.resolved > 0 {
                    repairs.push(format!("gbk_byte_shift:{}", fixed.resolved));
                }
                if fixed.unresolved > 0 {
                    repairs.push(format!("gbk_byte_shift_unresolved:{}", fixed.unresolved));
                }
            }
        }
        if text.trim().is_empty() {
            return Err(decode_error(&raw, &doc_id, "empty", "file holds only whitespace".into()));
        }
        Ok(Document {
            doc_id,
            source_bytes: raw.bytes.len() as u64,
            source_path: raw.source_path,
            encoding: encoding_name,
            encoding_confidence: confidence,
            repairs,
            raw_text: text,
            format: raw.format.as_str(),
            record_id: raw.fields.as_ref().and_then(|f| f.id.clone()),
            fields: raw.fields,
            ..Document::default()
        })
    }

    /// Picks the encoding; returns it, a confidence, the bytes after any BOM and, when they
    /// were found to be valid UTF-8, the same bytes as text (so that they are not validated
    /// again). UTF-8 here may still hold some malformed or legacy-encoded stretches: the
    /// caller decodes those piecewise (see [`decode_utf8_or_mixed`]).
    fn detect<'a>(&self, bytes: &'a [u8], force: Option<&'static Encoding>, repairs: &mut Vec<String>) -> Detected<'a> {
        let mut bytes = bytes;
        if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
            let body = &bytes[bom_len..];
            if enc != UTF_8 {
                // A UTF-16 byte-order mark in front of UTF-8 text (a file re-saved by a tool
                // that kept the mark): decoded as UTF-16 it had come out as Hangul and
                // private-use characters with no warning. Believe the bytes.
                let utf8_text = std::str::from_utf8(body).ok().filter(|t| !t.is_ascii());
                if let Some(text) =
                    utf8_text.filter(|_| plausible_share(&enc.decode_without_bom_handling(body).0) < 0.5)
                {
                    repairs.push("bom_mismatch".into());
                    return (UTF_8, 1.0, body, Some(text));
                }
                return (enc, 1.0, body, None);
            }
            match utf8_state(body) {
                Utf8::Valid(text) => return (enc, 1.0, body, Some(text)),
                Utf8::Mostly => return (enc, 1.0, body, None),
                Utf8::Not => {}
            }
            // A UTF-8 byte-order mark in front of bytes that are not UTF-8 (GBK saved by a
            // tool that adds a BOM): believe the bytes.
            repairs.push("bom_mismatch".into());
            bytes = body;
        }
        if let Some(enc) = force {
            return (enc, 1.0, bytes, None);
        }
        let utf16 = utf16_by_nuls(bytes);
        let nuls = bytes.iter().filter(|&&b| b == 0).count();
        let state = utf8_state(bytes);
        if !matches!(state, Utf8::Not) && (utf16.is_none() || nuls * 10 < bytes.len()) {
            let text = match state {
                Utf8::Valid(text) => Some(text),
                _ => None,
            };
            return (UTF_8, 1.0, bytes, text);
        }
        if let Some(enc) = utf16 {
            // A file cut one byte short of a whole code unit is still UTF-16: the stray last
            // byte becomes a U+FFFD (and a `malformed_bytes` repair) in the decode that
            // follows, where refusing the file would lose all of it as "binary".
            let (text, bad) = enc.decode_without_bom_handling(&bytes[..bytes.len() & !1]);
            if !bad && plausible_share(&text) >= 0.9 {
                return (enc, 0.9, bytes, None);
            }
        }
        // A legacy file with whole lines of UTF-8 Chinese in it (files of two encodings
        // joined, most of them GBK): decoded line by line. Decoded whole as the legacy
        // encoding, the UTF-8 lines had come out as mojibake with no error to show it (GBK
        // reads most UTF-8 byte triples as pairs), and a short such file as windows-1252.
        let legacy = guess_legacy(bytes, Utf8Detection::Allow);
        if has_utf8_line(bytes, legacy, &self.lexicon) {
            return (UTF_8, 1.0, bytes, None);
        }
        // chardetng exposes no score; confidence is judged from the decoded text instead.
        (legacy, f32::NAN, bytes, None)
    }
}

/// The legacy encoding of `bytes`: GBK or Big5 where the bytes alone leave no doubt
/// ([`gbk_by_bytes`], [`big5_by_bytes`]), chardetng's guess otherwise.
fn guess_legacy(bytes: &[u8], utf8: Utf8Detection) -> &'static Encoding {
    if gbk_by_bytes(bytes) {
        return GBK;
    }
    if big5_by_bytes(bytes) {
        return BIG5;
    }
    chardetng_guess(bytes, utf8)
}

/// The legacy encoding (GBK, Big5 …) of `bytes` that are not UTF-8.
pub(crate) fn guess_legacy_encoding(bytes: &[u8]) -> &'static Encoding {
    guess_legacy(bytes, Utf8Detection::Deny)
}

/// chardetng's guess for the whole of `bytes`, ISO-2022-JP left out of its candidates.
fn chardetng_guess(bytes: &[u8], utf8: Utf8Detection) -> &'static Encoding {
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(None, utf8)
}

/// Fewest two-byte characters for [`gbk_by_bytes`] and [`big5_by_bytes`] to decide; shorter
/// inputs go to chardetng.
const MIN_DOUBLE_BYTE_CHARS: usize = 16;

/// GBK recognised from its bytes alone, ahead of chardetng, which feeds every byte to some
/// twenty candidate encodings: on a corpus where two files in ten were GBK it took about a
/// fifth of a one-core run (perf), for an answer the bytes of Chinese text make plain. Says yes only
/// where chardetng says GBK too (the tests hold the two side by side): the bytes are
/// well-formed GBK without four-byte GB18030 sequences, at least [`MIN_DOUBLE_BYTE_CHARS`] two-byte
/// characters, and no more than one in fifty outside GB2312's hanzi rows and its rows of
/// punctuation, numbering and full-width forms. Big5 (trail bytes below 0xA1), Shift_JIS (lead
/// bytes below 0xA1) and EUC-JP (kana rows) put far more characters outside; EUC-KR's Hangul
/// fall on GB2312's hanzi rows, but Korean puts a space between words (one in four or five
/// characters) and Chinese hardly ever, so more than one space between two-byte characters
/// per twelve characters leaves the question to chardetng too.
fn gbk_by_bytes(bytes: &[u8]) -> bool {
    let (mut gb2312, mut other) = (0usize, 0usize);
    let spaced = double_byte_scan(bytes, |b, t| {
        if !(0x81..=0xfe).contains(&b) || t < 0x40 || t == 0x7f || t == 0xff {
            return false;
        }
        if t >= 0xa1 && (matches!(b, 0xa1..=0xa3) || (0xb0..=0xf7).contains(&b)) {
            gb2312 += 1;
        } else {
            other += 1;
        }
        true
    });
    spaced.is_some_and(|spaced| gb2312 >= MIN_DOUBLE_BYTE_CHARS && other * 50 <= gb2312 && spaced * 12 <= gb2312)
}

/// Walks `bytes` as a double-byte encoding: ASCII bytes one by one, every other byte with the
/// next as a pair handed to `pair`, which counts it and says whether the encoding allows it.
/// Returns the spaces found between two double-byte characters, or None when more pairs are
/// refused (or the input ends inside one) than [`tolerated`] allows: a refused pair skips its
/// first byte, as the decoder will.
fn double_byte_scan(bytes: &[u8], mut pair: impl FnMut(u8, u8) -> bool) -> Option<usize> {
    let (mut spaced, mut wide, mut refused) = (0, 0usize, 0usize);
    let mut prev_wide = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b' ' && prev_wide && bytes.get(i + 1).is_some_and(|&n| n >= 0x81) {
                spaced += 1;
            }
            prev_wide = false;
            i += 1;
            continue;
        }
        if !bytes.get(i + 1).is_some_and(|&t| pair(b, t)) {
            refused += 1;
            prev_wide = false;
            i += 1;
            continue;
        }
        wide += 1;
        prev_wide = true;
        i += 2;
    }
    (refused <= tolerated(wide)).then_some(spaced)
}

/// Malformed pairs a double-byte file may hold and still be recognised by its bytes: a
/// file cut inside its last character, or a stray byte in an article, is still GBK or Big5
/// (its bad bytes become U+FFFD and a `malformed_bytes` repair), where refusing it left it
/// to chardetng, which read the whole article as windows-1252. One in two hundred, at least
/// one.
fn tolerated(pairs: usize) -> usize {
    (pairs / 200).max(1)
}

/// Big5 recognised from its bytes alone, ahead of chardetng, for the same reason as
/// [`gbk_by_bytes`] and with the same care (the tests hold it beside chardetng). Says yes only
/// for well-formed Big5 with at least [`MIN_DOUBLE_BYTE_CHARS`] two-byte characters, no more than one
/// in fifty outside the standard area (lead bytes 0xA1 to 0xF9: punctuation, then hanzi by
/// frequency), and at least one in six with a trail byte below 0x7F, which GB2312 text,
/// EUC-KR and EUC-JP never have. Traditional text saved as GBK
/// has them, but also lead bytes below 0xA1 (GBK's extension area; one character in seven of
/// the People's Daily texts converted to Traditional), as Shift_JIS's kanji and kana do.
fn big5_by_bytes(bytes: &[u8]) -> bool {
    let (mut standard, mut low_trail, mut other) = (0usize, 0usize, 0usize);
    let spaced = double_byte_scan(bytes, |b, t| {
        if !(0x81..=0xfe).contains(&b) || !matches!(t, 0x40..=0x7e | 0xa1..=0xfe) {
            return false;
        }
        if (0xa1..=0xf9).contains(&b) {
            standard += 1;
            low_trail += usize::from(t < 0x7f);
        } else {
            other += 1;
        }
        true
    });
    spaced.is_some_and(|spaced| {
        standard >= MIN_DOUBLE_BYTE_CHARS
            && other * 50 <= standard
            && low_trail * 6 >= standard
            && spaced * 12 <= standard
    })
}

/// What [`Decoder::detect`] found: encoding, confidence (NaN: to be judged from the
/// decoded text), the bytes after any BOM, and those bytes as text if they are valid UTF-8.
type Detected<'a> = (&'static Encoding, f32, &'a [u8], Option<&'a str>);

/// Confidence in a guessed legacy encoding, from what it decoded to: malformed sequences
/// count against it, common CJK ideographs among the non-ASCII characters count for it.
fn judged_confidence(text: &str, had_errors: bool) -> f32 {
    let (mut non_ascii, mut common) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if ('\u{4e00}'..='\u{9fa5}').contains(&c) || "。，、“”《》：；！？…—·".contains(c) {
            common += 1;
        }
    }
    let share = if non_ascii == 0 { 1.0 } else { common as f32 / non_ascii as f32 };
    let base = if had_errors { 0.2 } else { 0.5 };
    base + (1.0 - base) * share * 0.9
}

/// How far bytes are UTF-8.
enum Utf8<'a> {
    /// Valid, here as text.
    Valid(&'a str),
    /// UTF-8 apart from rare damage: a truncated sequence at the very end, or multi-byte
    /// characters that outnumber the invalid bytes (then the invalid stretches are decoded
    /// on their own).
    Mostly,
    /// Another encoding, or binary.
    Not,
}

/// Whether `bytes` are UTF-8 apart from rare damage (see [`Utf8::Mostly`]), not text in
/// another encoding.
pub(crate) fn mostly_utf8(bytes: &[u8]) -> bool {
    !matches!(utf8_state(bytes), Utf8::Not)
}

fn utf8_state(bytes: &[u8]) -> Utf8<'_> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Utf8::Valid(text);
    }
    let (mut valid_multi, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid_multi += chunk.valid().bytes().filter(|&b| b >= 0x80).count();
        invalid += chunk.invalid().len();
    }
    if invalid <= 3 && valid_multi > 0 || valid_multi >= invalid {
        Utf8::Mostly
    } else {
        Utf8::Not
    }
}

/// Whether a line of `bytes`, a file in the legacy encoding `legacy`, is UTF-8 by
/// [`utf8_line`]'s test alone, leaning to neither encoding: such a file is decoded line by
/// line.
fn has_utf8_line(bytes: &[u8], legacy: &'static Encoding, lexicon: &Lexicon) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        !line.is_ascii() && std::str::from_utf8(line).is_ok_and(|text| utf8_line(text, legacy, lexicon) == Some(true))
    })
}

/// Whether a line that is valid UTF-8, and not ASCII, was written in UTF-8 rather than in
/// the file's `legacy` encoding; `None` where both readings are as plausible, for the lines
/// around it to decide.
///
/// Eight or more multi-byte characters: UTF-8 ([`long_utf8`]). A shorter line
/// is UTF-8 where the legacy encoding could not have written it (一同 in UTF-8, for GBK);
/// where it could (GBK's 一同 is valid UTF-8 too, and Big5's 靚女; so are short UTF-8
/// headings such as 图片新闻, which GBK reads as 锲剧墖鏂伴椈), it is the reading that gives
/// clearly more common characters, else the one that makes more dictionary words. Compared
/// with GBK whatever the file, a Big5 line that happened to be valid UTF-8 had read as UTF-8
/// (靚女 as 谤k).
fn utf8_line(text: &str, legacy: &'static Encoding, lexicon: &Lexicon) -> Option<bool> {
    if long_utf8(text) {
        return Some(true);
    }
    let multi = text.chars().filter(|c| !c.is_ascii()).count();
    let (other, refused) = legacy.decode_without_bom_handling(text.as_bytes());
    let (as_utf8, as_other) = (common_share(text, lexicon), common_share(&other, lexicon));
    // Clearly more common only in a reading of two multi-byte characters or more, with fewer
    // ASCII letters and signs among them: Big5's second bytes include @, A-Z, a-z and the
    // signs between, so a short Big5 line that is valid UTF-8 reads as one character and a
    // letter (靚女 as 谤k, 霈。 as 计C).
    let stray = text.bytes().filter(|b| (0x40..=0x7e).contains(b)).count();
    if refused || multi >= 2 && stray < multi && as_utf8 > as_other + 0.25 {
        return Some(true);
    }
    // A line of ideographs in the legacy encoding that reads in UTF-8 as a few Latin-1 signs
    // and no letter (Big5's 簫, C2 AD, is a soft hyphen; 繚 a middle dot): legacy, whatever
    // the line before was. Scored alike (no common character in either), the line had
    // followed a UTF-8 line and been lost.
    let signs_only = !text.bytes().any(|b| b.is_ascii_alphanumeric()) && text.chars().all(|c| c < '\u{800}');
    let ideographs =
        !other.is_ascii() && other.chars().filter(|c| !c.is_ascii()).all(|c| ('\u{3400}'..='\u{9fff}').contains(&c));
    if as_other > as_utf8 + 0.25 || signs_only && ideographs {
        return Some(false);
    }
    // Both of common characters: the reading that makes dictionary words (雷达, not 板疯揪).
    let words = |t: &str| lexicon.word_evidence(&lexicon.simplify_chars(t));
    match words(text).cmp(&words(&other)) {
        std::cmp::Ordering::Greater => Some(true),
        std::cmp::Ordering::Less => Some(false),
        std::cmp::Ordering::Equal => None,
    }
}

/// Whether a line of valid UTF-8 holds eight multi-byte characters or more: UTF-8, since no
/// whole line of GBK or Big5 pairs forms so many by accident.
fn long_utf8(text: &str) -> bool {
    text.chars().filter(|c| !c.is_ascii()).nth(7).is_some()
}

/// Whether a valid stretch inside a line that is not UTF-8 holds eight characters of three
/// bytes or more (Chinese, not Latin or Greek letters): UTF-8. GBK's full-width letters and
/// digits (ＤＯＧＯＨＯＵＳＥ, A3 C4 A3 CF …) read, one byte along, as runs of two-byte UTF-8
/// characters (ģϣǣ…), which had counted as a UTF-8 stretch in a GBK line.
fn long_utf8_stretch(text: &str) -> bool {
    text.chars().filter(|&c| c >= '\u{800}').nth(7).is_some()
}

/// Whether a line that is not valid UTF-8 is UTF-8 with a few bad bytes in it (a stray
/// byte, a character cut short) rather than text in a legacy encoding. Counted against its
/// bad places (runs of one to three bad bytes), it holds:
/// - with three bad places or fewer, two common characters of three bytes (Chinese, CJK
///   punctuation, dashes and quotes) or more and at least one per bad place, or an accented
///   Latin, Greek or Cyrillic letter among ASCII letters, four of them for each such letter
///   and each bad place (The caf\xC3\xA9 opened today \x80\x94: a dash lost its first byte);
/// - or four common characters of three bytes per bad place, or eight such letters.
///
/// No line of the 520 development texts in GBK, Big5 or GB18030 (38,000 lines) reads so;
/// 97% of their UTF-8 lines with one byte added, removed or cut off at a random place do.
/// Judged piece by piece instead, a short damaged file whose every non-ASCII character sat
/// on the damaged line (地 and half a character) had been read whole as GBK, and a Russian
/// line with one stray byte as windows-1252.
fn damaged_utf8(line: &[u8], lexicon: &Lexicon) -> bool {
    let (mut narrow, mut accented, mut wide, mut bad) = (0usize, 0usize, 0usize, 0usize);
    let letters = line.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let mut chars: Vec<char> = Vec::new();
    for chunk in line.utf8_chunks() {
        bad += usize::from(!chunk.invalid().is_empty());
        chars.clear();
        chars.extend(chunk.valid().chars());
        for (i, &c) in chars.iter().enumerate().filter(|(_, c)| !c.is_ascii()) {
            if c < '\u{800}' {
                // Accented Latin, Greek, Cyrillic within a word: not the signs and rarer
                // scripts that windows-1252 pairs make (ß“, DF 93, is U+07D3), nor a letter
                // boxed in by bad bytes (GBK's 中国 reads D0 B9 as й between them). Among
                // English words, only one beside two ASCII letters (GBK's 的救济金 reads in
                // part as ľȼý, letters side by side between bad bytes; Big5's second bytes
                // are ASCII letters one at a time: 宣传标语 reads in part as лy).
                if matches!(c, '\u{c0}'..='\u{24f}' | '\u{370}'..='\u{4ff}') {
                    narrow += usize::from(beside(&chars, i, char::is_alphabetic));
                    let ascii = |j: usize| chars.get(j).is_some_and(char::is_ascii_alphabetic);
                    accented += usize::from(i >= 2 && ascii(i - 1) && ascii(i - 2) || ascii(i + 1) && ascii(i + 2));
                }
            } else if punctuation(c)
                || (wide_sign(c) || lexicon.is_common_char(c.encode_utf8(&mut [0; 4])))
                    && beside(&chars, i, wide_letter)
            {
                wide += 1;
            }
        }
    }
    bad <= 3 && (wide >= bad.max(2) || accented >= 1 && letters >= 4 * (accented + bad))
        || wide >= 4 * bad
        || narrow >= 8 * bad
}

/// CJK punctuation, general punctuation (dashes, curly quotes) and full-width forms.
fn wide_sign(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{206f}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// Dashes, curly quotes, ellipses: UTF-8 punctuation of any script (E2 80 xx), which GBK
/// pairs make only where a character's second byte is 0x80.
fn punctuation(c: char) -> bool {
    ('\u{2010}'..='\u{205e}').contains(&c)
}

/// A character of three bytes or more that belongs to running CJK text: a letter or a sign.
fn wide_letter(c: char) -> bool {
    c >= '\u{800}' && (c.is_alphabetic() || wide_sign(c))
}

/// Whether a neighbour of `chars[i]` in the same valid piece is `ok`: a character of a word
/// or of running text, not one alone between bad bytes, as the accidents of legacy byte
/// pairs are.
fn beside(chars: &[char], i: usize, ok: impl Fn(char) -> bool) -> bool {
    i.checked_sub(1).is_some_and(|j| ok(chars[j])) || chars.get(i + 1).is_some_and(|&c| ok(c))
}

/// The share of common characters among the letters of `t` (punctuation and full-width
/// forms aside; 0.5 when there are none): a decode in the wrong encoding makes mostly rare
/// ones.
fn common_share(t: &str, lexicon: &Lexicon) -> f64 {
    let letters = t.chars().filter(|&c| {
        !c.is_ascii() && !matches!(c, '\u{2000}'..='\u{206f}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' | '·')
    });
    let (n, k) =
        letters.fold((0, 0), |(n, k), c| (n + 1, k + usize::from(lexicon.is_common_char(c.encode_utf8(&mut [0; 4])))));
    if n == 0 {
        0.5
    } else {
        k as f64 / n as f64
    }
}

/// How a line of a file decoded by [`decode_utf8_or_mixed`] reads.
#[derive(Clone, Copy)]
enum LineKind {
    /// Valid UTF-8, by [`utf8_line`]; `None`: as the lines around it.
    Valid(Option<bool>),
    /// Not valid UTF-8, but UTF-8 with a few bad bytes ([`damaged_utf8`]).
    Damaged,
    /// Not valid UTF-8: legacy, apart from any long UTF-8 stretch ([`long_utf8_stretch`]).
    Legacy,
}

/// Decodes bytes that are mostly UTF-8, or in a legacy encoding with lines of UTF-8, line by
/// line: each line in its own encoding (a file joined from files in two encodings changes
/// encoding at a line break), the legacy one guessed from the lines that are not UTF-8.
/// Isolated bad bytes become U+FFFD. Sets `encoding` to the legacy one when it covers most
/// of the text, and names the mix in `repairs`.
fn decode_utf8_or_mixed(
    bytes: &[u8],
    encoding: &mut &'static Encoding,
    repairs: &mut Vec<String>,
    lexicon: &Lexicon,
) -> (String, bool) {
    if std::str::from_utf8(bytes).err().is_some_and(|e| e.error_len().is_none()) {
        // Valid UTF-8 cut inside its last character (地 and the first byte of the next):
        // UTF-8, however few its characters.
        repairs.push("truncated_sequence".into());
        let (t, bad) = UTF_8.decode_without_bom_handling(bytes);
        return (t.into_owned(), bad);
    }
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    // Each line as text where it is valid UTF-8, checked once.
    let texts: Vec<Option<&str>> = lines.iter().map(|l| std::str::from_utf8(l).ok()).collect();
    let damaged: Vec<bool> = lines.iter().zip(&texts).map(|(l, t)| t.is_none() && damaged_utf8(l, lexicon)).collect();
    // The legacy encoding, from the lines in it, less their long UTF-8 stretches (a line that
    // changes encoding halfway).
    let mut sample: Vec<u8> = Vec::new();
    for (line, _) in lines.iter().zip(texts.iter().zip(&damaged)).filter(|(_, (t, &d))| t.is_none() && !d) {
        for chunk in line.utf8_chunks() {
            if !long_utf8_stretch(chunk.valid()) {
                sample.extend_from_slice(chunk.valid().as_bytes());
            }
            sample.extend_from_slice(chunk.invalid());
        }
    }
    if sample.iter().filter(|&&b| b >= 0x80).count() < 4 * MIN_DOUBLE_BYTE_CHARS {
        // Too few bytes for chardetng to tell (two GBK characters alone were EUC-KR): the
        // valid lines that GBK reads as clearly more common characters join them (支为, valid
        // UTF-8 as ֧Ϊ).
        for (line, t) in lines.iter().zip(&texts) {
            if t.is_some_and(|t| !t.is_ascii() && utf8_line(t, GBK, lexicon) == Some(false)) {
                sample.extend_from_slice(line);
            }
        }
    }
    let legacy = guess_legacy(&sample, Utf8Detection::Deny);
    let kinds: Vec<LineKind> = texts
        .iter()
        .zip(&damaged)
        .map(|(t, &d)| match t {
            Some(text) if text.is_ascii() => LineKind::Valid(None),
            Some(text) => LineKind::Valid(utf8_line(text, legacy, lexicon)),
            None if d => LineKind::Damaged,
            None => LineKind::Legacy,
        })
        .collect();
    // A line both readings fit (and an ASCII one) takes the encoding of the line before;
    // the first lines, that of the first line that decides by itself, a line not UTF-8 only
    // with eight bad bytes or more (the first line of a file mostly GBK, one rare character
    // valid as UTF-8, had been read as UTF-8); a file of such lines, that of most of its
    // bytes (a line of English with a dash before one with a curly quote cut short had gone
    // with that line to windows-1252).
    let mostly_utf8 = sample.len() * 2 < bytes.len();
    let mut lean = lines
        .iter()
        .zip(&kinds)
        .find_map(|(line, k)| match k {
            LineKind::Valid(v) => *v,
            LineKind::Damaged => Some(true),
            LineKind::Legacy => (line.utf8_chunks().map(|c| c.invalid().len()).sum::<usize>() >= 8).then_some(false),
        })
        .unwrap_or(mostly_utf8);
    // Spans: (start, end, is_utf8). In a legacy line, a valid stretch counts as UTF-8 only by
    // [`long_utf8_stretch`]; shorter ones inside legacy text are accidents of GBK byte pairs
    // that happen to form UTF-8.
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut pos = 0;
    // Bytes of valid lines that are legacy only by their lean; whether a line not UTF-8 holds,
    // in its legacy part, a dash or curly quote or two valid characters of running CJK text
    // side by side (damaged UTF-8, not Latin letters in windows-1252 nor the lone characters
    // GBK pairs make by accident in an English line).
    let mut leaned = 0;
    let mut wide_in_legacy = false;
    // Whether every bad place is a character cut short (a first byte and some of the rest:
    // E2 9C of a curly quote), not a byte alone (é in windows-1252).
    let mut cut_only = true;
    for (line, kind) in lines.iter().zip(kinds) {
        match kind {
            LineKind::Valid(v) => {
                let utf8 = v.unwrap_or(lean);
                if v.is_none() && !utf8 {
                    leaned += line.iter().filter(|&&b| b >= 0x80).count();
                }
                push_span(&mut spans, pos, pos + line.len(), utf8);
                pos += line.len();
                lean = utf8;
            }
            LineKind::Damaged => {
                push_span(&mut spans, pos, pos + line.len(), true);
                pos += line.len();
                lean = true;
            }
            LineKind::Legacy => {
                for chunk in line.utf8_chunks() {
                    let v = chunk.valid();
                    let utf8 = long_utf8_stretch(v) || (v.is_ascii() && spans.last().map_or(lean, |s| s.2));
                    if !utf8 && !wide_in_legacy {
                        let chars: Vec<char> = v.chars().collect();
                        wide_in_legacy = (0..chars.len())
                            .any(|i| punctuation(chars[i]) || wide_letter(chars[i]) && beside(&chars, i, wide_letter));
                    }
                    push_span(&mut spans, pos, pos + v.len(), utf8);
                    pos += v.len();
                    if !chunk.invalid().is_empty() {
                        cut_only &= chunk.invalid().len() >= 2;
                        push_span(&mut spans, pos, pos + chunk.invalid().len(), false);
                        pos += chunk.invalid().len();
                    }
                }
                lean = spans.last().is_some_and(|s| s.2);
            }
        }
    }
    let legacy_multi: usize =
        spans.iter().filter(|s| !s.2).map(|s| bytes[s.0..s.1].iter().filter(|&&b| b >= 0x80).count()).sum();
    let utf8_multi = bytes.iter().filter(|&&b| b >= 0x80).count() - legacy_multi;
    let own = legacy_multi - leaned;
    if own < 8 && (legacy_multi < utf8_multi || wide_in_legacy || cut_only) {
        // A few stray bytes in UTF-8 text: plain lossy UTF-8, whatever the lines that only
        // leaned to the legacy encoding (It’s after a curly quote cut short). Not in text
        // that is mostly legacy (José in windows-1252 beside a line of UTF-8, café beside
        // one of curly quotes), which had lost its every legacy character to U+FFFD. (A file
        // cut inside its last character has returned above.)
        let (t, bad) = UTF_8.decode_without_bom_handling(bytes);
        return (t.into_owned(), bad);
    }
    let mut out = String::with_capacity(bytes.len());
    let mut bad_any = false;
    for (s, e, utf8) in spans {
        let enc = if utf8 { UTF_8 } else { legacy };
        let (t, bad) = enc.decode_without_bom_handling(&bytes[s..e]);
        bad_any |= bad;
        out.push_str(&t);
    }
    repairs.push(format!("mixed_encoding:UTF-8+{}", legacy.name()));
    if legacy_multi > utf8_multi {
        *encoding = legacy;
    }
    (out, bad_any)
}

fn push_span(spans: &mut Vec<(usize, usize, bool)>, s: usize, e: usize, utf8: bool) {
    if s == e {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.2 == utf8 && last.1 == s => last.1 = e,
        _ => spans.push((s, e, utf8)),
    }
}

fn is_utf16(e: &'static Encoding) -> bool {
    e == UTF_16LE || e == UTF_16BE
}

/// UTF-16 without a BOM shows as NUL bytes on one parity only (the high byte of ASCII
/// characters such as newlines and digits). The caller confirms by decoding.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(8192)];
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1
            } else {
                odd += 1
            }
        }
    }
    // Ideographs such as 一 (U+4E00) put NULs on the other parity too, so the test is a
    // clear majority, confirmed by decoding.
    if odd >= 2 && even * 3 <= odd {
        Some(UTF_16LE)
    } else if even >= 2 && odd * 3 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Share of characters that text plausibly holds: CJK, CJK punctuation, printable ASCII,
/// whitespace. Text decoded with the wrong UTF-16 byte order scores near zero.
fn plausible_share(text: &str) -> f32 {
    let (mut n, mut ok) = (0usize, 0usize);
    for c in text.chars() {
        n += 1;
        if c.is_ascii_graphic()
            || c.is_whitespace()
            || ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
            || ('\u{2000}'..='\u{206f}').contains(&c)
        {
            ok += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        ok as f32 / n as f32
    }
}

/// The decode stage's errors row for `raw`.
fn decode_error(raw: &RawDoc, doc_id: &str, kind: &'static str, message: String) -> DocError {
    DocError {
        source_path: raw.source_path.clone(),
        doc_id: Some(doc_id.to_string()),
        stage: Stage::Decode,
        kind,
        message,
        source_bytes: raw.bytes.len() as u64,
    }
}

/// UTF-32 text, which encoding_rs does not decode (the WHATWG standard leaves it out): by
/// its byte-order mark (`FF FE 00 00`, `00 00 FE FF`), or without one where every four-byte
/// unit of the whole file is a code point, few of them controls, the text reading as text
/// (a byte pattern no UTF-8, UTF-16 or legacy text makes: their units read as numbers past
/// U+10FFFF). Returns the text, the count of units that were no code point (each now
/// U+FFFD) and the name to report. Read as UTF-16, UTF-32 had come out as text with a NUL
/// after every character, and the NULs removed.
fn utf32(b: &[u8]) -> Option<(String, usize, &'static str)> {
    let (le, body, marked) = if b.starts_with(&[0xFF, 0xFE, 0, 0]) {
        (true, &b[4..], true)
    } else if b.starts_with(&[0, 0, 0xFE, 0xFF]) {
        (false, &b[4..], true)
    } else {
        if b.len() < 16 || !b.len().is_multiple_of(4) {
            return None;
        }
        (b[0] != 0 && b[3] == 0, b, false)
    };
    // One pass: without a mark, the first unit that is no code point ends the look (most
    // files, their first four bytes past U+10FFFF).
    let (mut text, mut bad, mut controls) = (String::new(), 0, 0);
    for u in body.chunks(4) {
        let v = match *u {
            [a, b, c, d] if le => u32::from_le_bytes([a, b, c, d]),
            [a, b, c, d] => u32::from_be_bytes([a, b, c, d]),
            _ => u32::MAX,
        };
        match char::from_u32(v) {
            Some(c) => {
                controls += usize::from(c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
                text.push(c);
            }
            None if marked => {
                bad += 1;
                text.push('\u{FFFD}');
            }
            None => return None,
        }
    }
    // Without a mark, the text must read as text: binary data of small 32-bit numbers makes
    // code points too, as controls, or (token ids) scattered over scripts, and so does UTF-16
    // with a NUL-high character every other unit ('春\n眠\n' is U+A6625 …), over planes no
    // news text uses.
    if !marked && (controls * 100 > body.len() / 4 || plausible_share(&text) < 0.9) {
        return None;
    }
    Some((text, bad, if le { "UTF-32LE" } else { "UTF-32BE" }))
}

/// What a file is, by its first bytes, when it is a document or media format that holds
/// no plain text: a small PDF or RTF file is mostly ASCII and passed the control-byte test,
/// then came out as an empty document in GBK.
fn known_non_text(b: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 9] = [
        (b"%PDF-", "a PDF document"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an OLE2 document (Word .doc, Excel .xls)"),
        (b"{\\rtf", "an RTF document"),
        (b"\x89PNG\r\n\x1A\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"\x7FELF", "an ELF executable"),
        (b"SQLite format 3\0", "an SQLite database"),
    ];
    MAGIC.iter().find(|(m, _)| b.starts_with(m)).map(|&(_, what)| what)
}

/// Share of bytes that are C0 controls other than tab, newline, carriage return, form feed
/// and escape; NUL counts. Text has almost none; binary files have many.
fn control_ratio(bytes: &[u8]) -> f64 {
    let sample = &bytes[..bytes.len().min(65536)];
    if sample.is_empty() {
        return 0.0;
    }
    let n = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)).count();
    n as f64 / sample.len() as f64
}

/// The WHATWG name to report. encoding_rs decodes GBK and GB18030 alike; the name says
/// gb18030 only when four-byte sequences are present.
fn display_name(enc: &'static Encoding, bytes: &[u8]) -> &'static str {
    if enc == GBK && has_gb18030_four_byte(bytes) {
        return GB18030.name();
    }
    enc.name()
}

fn has_gb18030_four_byte(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
        } else if (0x81..=0xfe).contains(&b) && bytes[i + 1].is_ascii_digit() {
            return true;
        } else {
            i += 2;
        }
    }
    false
}

/// The result of [`repair_byte_shift`].
#[derive(Debug, PartialEq)]
pub struct ShiftRepair {
    /// The repaired text.
    pub text: String,
    /// Runs re-aligned with a lost byte chosen by dictionary evidence.
    pub resolved: usize,
    /// Runs re-aligned with U+FFFD for the lost character.
    pub unresolved: usize,
}

pub(crate) fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || matches!(c, 'ü' | 'ê' | '\u{e0}'..='\u{fc}' | '\u{100}'..='\u{1dc}')
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Repairs GBK byte-shift damage: the lead byte of one double-byte character was lost
/// (replaced by `?`, often with a dangling pinyin annotation), so every following byte pair
/// was read one byte out of step and produced valid but meaningless characters, until an
/// ASCII byte (which was really a trail byte) brought the reader back in step.
///
/// The damaged run is the Han text between the marker and that ASCII character. Its GBK
/// bytes, shifted back by one, decode to the original characters; the first one needs the
/// lost lead byte, which is chosen among all 126 candidates by dictionary and place-name
/// evidence in context. With no convincing winner the character becomes U+FFFD.
///
/// Returns `None` when nothing was changed.
pub fn repair_byte_shift(text: &str, lexicon: &Lexicon) -> Option<ShiftRepair> {
    if !text.contains('?') && !text.contains('\u{FFFD}') {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut resolved, mut unresolved) = (0, 0);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '?' || c == '\u{FFFD}') && i > 0 && is_han(chars[i - 1]) {
            if let Some((fix, next, ok)) = try_realign(&chars, i, &out, lexicon) {
                out.push_str(&fix);
                if ok {
                    resolved += 1
                } else {
                    unresolved += 1
                }
                i = next;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    (resolved + unresolved > 0).then_some(ShiftRepair { text: out, resolved, unresolved })
}

/// Tries to re-align the run after the marker at `at`. Returns the replacement text, the
/// index to continue from, and whether the lost byte was resolved.
fn try_realign(chars: &[char], at: usize, before: &str, lexicon: &Lexicon) -> Option<(String, usize, bool)> {
    let mut j = at + 1;
    // A dangling pinyin annotation left by the damage: `jīng)`.
    let p = j;
    while j < chars.len() && is_pinyin_letter(chars[j]) {
        j += 1;
    }
    if j > p && j < chars.len() && chars[j] == ')' {
        j += 1;
    } else {
        j = p;
    }
    let run_start = j;
    while j < chars.len() && is_han(chars[j]) {
        j += 1;
    }
    let run: String = chars[run_start..j].iter().collect();
    let terminator = *chars.get(j)?;
    if run.is_empty() || !(0x40..=0x7e).contains(&(terminator as u32)) {
        return None;
    }
    let (bytes, _, unmappable) = GBK.encode(&run);
    if unmappable {
        return None;
    }
    let mut shifted = bytes.into_owned();
    shifted.push(terminator as u8);
    // Pairs after the first must decode on their own, to Han characters.
    let (tail, tail_bad) = GBK.decode_without_bom_handling(&shifted[1..]);
    if tail_bad || !tail.chars().all(is_han) || tail.chars().count() != (shifted.len() - 1) / 2 {
        return None;
    }
    // Score only a window around the first character, the one the lost byte decides: three
    // characters of context before, four of the re-aligned run after.
    let context: String = before.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
    let window = |first: &str, rest: &str| {
        let rest: String = rest.chars().take(4).collect();
        lexicon.word_evidence(&lexicon.simplify_chars(&format!("{context}{first}{rest}")))
    };
    let original = 2 * window("", &run);
    let mut scored: Vec<(i32, String)> = Vec::new();
    for lead in 0x81u8..=0xfe {
        let pair = [lead, shifted[0]];
        let (ch, bad) = GBK.decode_without_bom_handling(&pair);
        if bad || ch.chars().count() != 1 || !ch.chars().all(is_han) {
            continue;
        }
        // Common characters (GB2312 level 1 once simplified) break ties.
        let score = 2 * window(&ch, &tail) + i32::from(lexicon.is_common_char(&ch));
        scored.push((score, format!("{ch}{tail}")));
    }
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    let realigned_plain = 2 * window("", &tail);
    match scored.as_slice() {
        [(best, text), rest @ ..] if *best > original && rest.first().is_none_or(|r| r.0 < *best) => {
            Some((text.clone(), j + 1, true))
        }
        _ if realigned_plain > original => Some((format!("\u{FFFD}{tail}"), j + 1, false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;
    use std::sync::LazyLock;

    static LEX: LazyLock<Arc<Lexicon>> = LazyLock::new(|| Arc::new(Lexicon::new(&None, &None).unwrap()));

    fn decoder() -> Decoder {
        Decoder::new(&DecodeConfig::default(), LEX.clone())
    }

    fn raw(bytes: Vec<u8>) -> RawDoc {
        RawDoc::new("t.txt", bytes)
    }

    const SAMPLE: &str = "金昌市永昌县城关镇赵家庄村边有一片戈壁滩。过去,这里建成了现代化的养殖小区。\n";
    const TRADITIONAL: &str = "金昌市永昌縣城關鎮趙家莊村邊有一片戈壁灘。過去,這裡建成了現代化的養殖小區。\n";

    #[test]
    fn legacy_encodings_round_trip() {
        for (enc, name) in [(GBK, "GBK"), (BIG5, "Big5"), (UTF_8, "UTF-8")] {
            let text = if enc == BIG5 { TRADITIONAL } else { SAMPLE };
            let (bytes, _, _) = enc.encode(text);
            let doc = decoder().decode(raw(bytes.into_owned())).unwrap();
            assert_eq!(doc.encoding, name);
            assert_eq!(doc.raw_text, text);
        }
    }

    /// A UTF-16 byte-order mark in front of UTF-8 text: the bytes are believed, the mark
    /// named; real UTF-16 keeps its mark.
    #[test]
    fn a_utf16_mark_before_utf8_text_is_a_mismatch() {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend_from_slice(SAMPLE.as_bytes());
        let doc = decoder().decode(raw(bytes)).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert_eq!(doc.raw_text, SAMPLE);
        assert!(doc.repairs.contains(&"bom_mismatch".to_string()), "{:?}", doc.repairs);
        let mut le = vec![0xff, 0xfe];
        SAMPLE.encode_utf16().for_each(|u| le.extend_from_slice(&u.to_le_bytes()));
        assert_eq!(decoder().decode(raw(le)).unwrap().raw_text, SAMPLE);
    }

    /// A GBK or Big5 article cut inside its last character, or with a stray byte in it, is
    /// still GBK or Big5, its bad bytes a `malformed_bytes` repair: refused by the byte test,
    /// it went to chardetng, which read the whole article as windows-1252.
    #[test]
    fn a_damaged_gbk_or_big5_article_keeps_its_encoding() {
        let pieces = seed_pieces(|t| t);
        let article = pieces.iter().max_by_key(|p| p.len()).unwrap();
        let s2t = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2t).unwrap();
        let traditional: String =
            s2t.convert(article).chars().filter(|c| !BIG5.encode(c.encode_utf8(&mut [0; 4])).2).collect();
        for (enc, name, text) in [(GBK, "GBK", article.as_str()), (BIG5, "Big5", traditional.as_str())] {
            let (bytes, _, _) = enc.encode(text);
            let mut cut = bytes.to_vec();
            while cut.last().is_some_and(|&b| b < 0x80) {
                cut.pop();
            }
            cut.pop();
            let mut stray = bytes.to_vec();
            let mid = stray.len() / 2;
            stray.insert(mid + usize::from(stray[..mid].iter().filter(|&&b| b >= 0x80).count() % 2 == 1), 0xff);
            for damaged in [cut, stray] {
                let doc = decoder().decode(raw(damaged)).unwrap();
                assert_eq!(doc.encoding, name);
                assert!(doc.repairs.iter().any(|r| r.starts_with("malformed_bytes:")), "{:?}", doc.repairs);
                let good = doc.raw_text.chars().filter(|&c| c != '\u{FFFD}').count();
                assert!(good + 2 >= text.chars().count() - 1, "{name}: at most a character lost");
            }
        }
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut le: Vec<u8> = vec![0xff, 0xfe];
        for u in SAMPLE.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let doc = decoder().decode(raw(le.clone())).unwrap();
        assert_eq!((doc.encoding, doc.raw_text.as_str()), ("UTF-16LE", SAMPLE));
        let ascii_heavy = "Xinhua 2024-01-02 report: 金昌市\n".repeat(4);
        let mut be = Vec::new();
        for u in ascii_heavy.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let doc = decoder().decode(raw(be.clone())).unwrap();
        assert_eq!((doc.encoding, doc.raw_text.as_str()), ("UTF-16BE", ascii_heavy.as_str()));
        // Cut one byte short: still UTF-16, the stray byte named as a repair.
        be.pop();
        let doc = decoder().decode(raw(be)).unwrap();
        assert_eq!(doc.encoding, "UTF-16BE");
        assert_eq!(doc.raw_text, format!("{}\u{FFFD}", &ascii_heavy[..ascii_heavy.len() - 1]));
        assert!(doc.repairs.contains(&"malformed_bytes:1".to_string()), "{:?}", doc.repairs);
    }

    #[test]
    fn a_file_of_gbk_and_utf8_lines_decodes_each_line_in_its_own() {
        let lines = [
            "新华社北京1月1日电 今天天气很好,全市各景区接待游客十万人次。",
            "金昌市永昌县城关镇赵家庄村边有一片戈壁滩。",
            "过去,这里建成了现代化的养殖小区,群众收入明显提高。",
            "村党支部书记王明说:“我们要继续努力。”",
            "一同",
        ];
        // More GBK lines than UTF-8 ones, and the other way round.
        for gbk_every in [3, 2] {
            let mut bytes = Vec::new();
            let mut want = String::new();
            for (i, l) in lines.iter().cycle().take(15).enumerate() {
                if i % gbk_every == 0 {
                    bytes.extend_from_slice(l.as_bytes());
                } else {
                    bytes.extend_from_slice(&GBK.encode(l).0);
                }
                bytes.push(b'\n');
                want.push_str(l);
                want.push('\n');
            }
            let doc = decoder().decode(raw(bytes)).unwrap();
            assert_eq!(doc.raw_text, want, "{:?}", doc.repairs);
            assert!(doc.repairs.contains(&"mixed_encoding:UTF-8+GBK".to_string()), "{:?}", doc.repairs);
        }
        // One UTF-8 line among many GBK ones, and in a file too short for the byte
        // statistics (chardetng had called it windows-1252).
        for (gbk_lines, utf8_at) in [(12, 5), (2, 1), (3, 0)] {
            let mut bytes = Vec::new();
            let mut want = String::new();
            for (i, l) in lines[..4].iter().cycle().take(gbk_lines + 1).enumerate() {
                bytes.extend_from_slice(&if i == utf8_at { l.as_bytes().into() } else { GBK.encode(l).0 });
                bytes.push(b'\n');
                want.push_str(l);
                want.push('\n');
            }
            let doc = decoder().decode(raw(bytes)).unwrap();
            assert_eq!(doc.raw_text, want, "{:?}", doc.repairs);
            // The legacy part names the file (chardetng calls the shortest one GB18030).
            assert!(["GBK", "gb18030"].contains(&doc.encoding), "{}", doc.encoding);
            assert!(doc.repairs.iter().any(|r| r.starts_with("mixed_encoding:UTF-8+")), "{:?}", doc.repairs);
        }
        // Short UTF-8 lines among GBK ones: a name GBK reads as rare characters, and
        // full-width punctuation GBK cannot read.
        for short in ["李学勤", "(Ａ、Ｂ)"] {
            let mut bytes = GBK.encode(lines[1]).0.into_owned();
            bytes.extend_from_slice(format!("\n{short}\n").as_bytes());
            bytes.extend_from_slice(&GBK.encode(lines[2]).0);
            let doc = decoder().decode(raw(bytes)).unwrap();
            assert_eq!(doc.raw_text, format!("{}\n{short}\n{}", lines[1], lines[2]), "{:?}", doc.repairs);
        }
        // A file mostly in windows-1252 with a line of UTF-8, fewer than eight legacy bytes in
        // all: its accented letters are kept, not lost to U+FFFD.
        for utf8 in ["Beijing — China’s capital", "中文"] {
            let mut bytes = WINDOWS_1252.encode("Owners José and Zoë met.\n").0.into_owned();
            bytes.extend_from_slice(format!("{utf8}\n").as_bytes());
            bytes.extend_from_slice(&WINDOWS_1252.encode("The señor ordered crème brûlée.\n").0);
            let doc = decoder().decode(raw(bytes)).unwrap();
            assert_eq!(
                doc.raw_text,
                format!("Owners José and Zoë met.\n{utf8}\nThe señor ordered crème brûlée.\n"),
                "{:?}",
                doc.repairs
            );
        }
        // A GBK line with full-width letters among GBK lines and a UTF-8 one: the letters,
        // valid UTF-8 one byte along, stay GBK.
        let fw = "他们从国际足联指定的全球总代理ＤＯＧＯＨＯＵＳＥ公司购得门票。";
        let mut bytes = GBK.encode(&format!("{}\n{fw}\n", lines[1])).0.into_owned();
        bytes.extend_from_slice(format!("{}\n", lines[2]).as_bytes());
        let doc = decoder().decode(raw(bytes)).unwrap();
        assert_eq!(doc.raw_text, format!("{}\n{fw}\n{}\n", lines[1], lines[2]), "{:?}", doc.repairs);
        // A Big5 file whose short line happens to be valid UTF-8 (靚女) stays Big5: the line is
        // weighed against the file's own encoding, not GBK.
        let big5 = "立法會昨日通過議案,市民普遍表示歡迎。\n靚女\n記者在現場看到,很多市民排隊等候。\n";
        let doc = decoder().decode(raw(BIG5.encode(big5).0.into_owned())).unwrap();
        assert_eq!((doc.encoding, doc.raw_text.as_str()), ("Big5", big5), "{:?}", doc.repairs);
        // In a file mostly GBK, a first line of one rare character that is valid UTF-8 as
        // GBK bytes stays GBK.
        let rare = GBK.encode("薇").0.into_owned();
        assert!(std::str::from_utf8(&rare).is_ok());
        let mut bytes = rare;
        bytes.push(b'\n');
        for l in &lines[..3] {
            bytes.extend_from_slice(&GBK.encode(l).0);
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(format!("{}\n", lines[3]).as_bytes());
        let doc = decoder().decode(raw(bytes)).unwrap();
        assert!(doc.raw_text.starts_with("薇\n"), "{:?}", doc.raw_text);
        // Short UTF-8 lines GBK could also read, among UTF-8 lines, stay UTF-8.
        let utf8 = "今天天气很好,全市各景区接待游客十万人次。\n图片新闻\n中国\n";
        let mut bytes = utf8.as_bytes().to_vec();
        bytes.extend_from_slice(&GBK.encode("村党支部书记王明说:我们要继续努力。\n").0);
        let doc = decoder().decode(raw(bytes)).unwrap();
        assert_eq!(doc.raw_text, format!("{utf8}村党支部书记王明说:我们要继续努力。\n"), "{:?}", doc.repairs);
    }

    #[test]
    fn a_damaged_utf8_line_is_not_taken_for_a_legacy_one() {
        let decode = |bytes: Vec<u8>| decoder().decode(raw(bytes)).unwrap();
        // Cut inside the last character, every non-ASCII character on that line.
        for (bytes, want) in
            [(&b"\xE5\x9C\xB0\xE6"[..], "地\u{FFFD}"), (b"Report\n\xE5\xA4\xA7\xE6", "Report\n大\u{FFFD}")]
        {
            let doc = decode(bytes.to_vec());
            assert_eq!((doc.encoding, doc.raw_text.as_str()), ("UTF-8", want), "{:?}", doc.repairs);
        }
        // One stray byte in a line of English, Russian, French (the lines after it too stay
        // UTF-8).
        let stray = |s: &str, after: &str| {
            let at = s.find(after).unwrap() + after.len();
            let mut b = s.as_bytes()[..at].to_vec();
            b.push(0xFF);
            b.extend_from_slice(&s.as_bytes()[at..]);
            (b, format!("{}\u{FFFD}{}", &s[..at], &s[at..]))
        };
        for (text, after) in [
            ("Prices rose 5% — analysts said so.\nIt’s the first visit.\n", "Prices r"),
            ("Переговоры продлятся три дня, сообщили в министерстве.\n", "дня"),
            (
                "Le président est arrivé à Pékin.\nLes négociations porteront sur l’énergie.\n« C’est une étape très importante », a déclaré le ministre.\nLa visite durera trois jours, selon l’Élysée.\n",
                "étape",
            ),
        ] {
            let (bytes, want) = stray(text, after);
            let doc = decode(bytes);
            assert_eq!((doc.encoding, doc.raw_text.as_str()), ("UTF-8", want.as_str()), "{:?}", doc.repairs);
        }
        // English lines with a Chinese term in GBK or Big5, whose pairs read in part as
        // accented letters (中国 as й, 的救济金 as ľȼý, Big5 宣傳標語 as лy): legacy, not
        // damaged UTF-8, alone and after a UTF-8 line.
        for (enc, line) in [
            (GBK, "Source: 中国 News Agency"),
            (GBK, "The company said 的救济金 would expand its business next year"),
            (BIG5, "Source: 宣傳標語 News Agency"),
        ] {
            let text = format!("Daily briefing for subscribers\nMarkets were calm on Monday.\n{line}\n");
            let doc = decode(enc.encode(&text).0.into_owned());
            assert_eq!(doc.raw_text, text, "{:?}", doc.repairs);
            let mut bytes = "今天天气很好,全市各景区接待游客十万人次。\n".as_bytes().to_vec();
            bytes.extend_from_slice(&enc.encode(&format!("村党支部书记王明说,我们要继续努力。\n{text}")).0);
            let doc = decode(bytes);
            assert!(doc.raw_text.ends_with(&text), "{:?}", doc.raw_text);
        }
        // Two short GBK lines, one of them valid UTF-8 by accident (支为): GBK, not EUC-KR.
        for text in ["监管\n支为\n", "生活\n叶选\n", "平战时\n学校食堂\n"] {
            let doc = decode(GBK.encode(text).0.into_owned());
            assert_eq!((doc.encoding, doc.raw_text.as_str()), ("GBK", text), "{:?}", doc.repairs);
        }
        // A first line both readings fit (UTF-8 雷达, GBK 板疯揪) takes the encoding of the
        // next line that decides, not that of most of the file.
        let mut bytes = "雷达\n今天天气很好,全市各景区接待游客十万人次。\n".as_bytes().to_vec();
        let gbk = "金昌市永昌县城关镇赵家庄村边有一片戈壁滩。\n过去,这里建成了现代化的养殖小区,群众收入明显提高。\n";
        bytes.extend_from_slice(&GBK.encode(gbk).0);
        let doc = decode(bytes);
        assert!(doc.raw_text.starts_with("雷达\n") && doc.raw_text.ends_with(gbk), "{:?}", doc.raw_text);
        // A Big5 line of one character that reads in UTF-8 as a Latin-1 sign (簫 is C2 AD, a
        // soft hyphen; 繚 a middle dot), after a UTF-8 line: Big5.
        for rare in ["簫", "繚"] {
            let mut bytes = BIG5.encode("立法會昨日通過議案,市民普遍表示歡迎。\n").0.into_owned();
            bytes.extend_from_slice("今天天气很好,全市各景区接待游客十万人次。\n".as_bytes());
            bytes.extend_from_slice(&BIG5.encode(&format!("{rare}\n記者在現場看到,很多市民排隊等候。\n")).0);
            let doc = decode(bytes);
            assert!(doc.raw_text.contains(&format!("\n{rare}\n")), "{:?}", doc.raw_text);
        }
    }

    #[test]
    fn utf32_with_and_without_bom() {
        let units = |le: bool, bom: bool| {
            let mut b: Vec<u8> = Vec::new();
            for c in std::iter::once('\u{FEFF}').filter(|_| bom).chain(SAMPLE.chars()) {
                b.extend_from_slice(&if le { (c as u32).to_le_bytes() } else { (c as u32).to_be_bytes() });
            }
            b
        };
        for (le, name) in [(true, "UTF-32LE"), (false, "UTF-32BE")] {
            for bom in [true, false] {
                let doc = decoder().decode(raw(units(le, bom))).unwrap();
                assert_eq!((doc.encoding, doc.raw_text.as_str()), (name, SAMPLE), "bom {bom}");
                assert!(doc.repairs.is_empty(), "{:?}", doc.repairs);
            }
        }
        // A unit past U+10FFFF behind the mark is one U+FFFD, named as a repair.
        let mut b = units(true, true);
        b.extend_from_slice(&0x0011_0000u32.to_le_bytes());
        let doc = decoder().decode(raw(b)).unwrap();
        assert_eq!(doc.raw_text, format!("{SAMPLE}\u{FFFD}"));
        assert!(doc.repairs.contains(&"malformed_bytes:1".to_string()), "{:?}", doc.repairs);
        // Small 32-bit numbers are binary, not UTF-32 text of controls, nor of scattered
        // characters (token ids); UTF-16 whose every other character is a line break is
        // UTF-16.
        let bin: Vec<u8> = (0..500u32).flat_map(|i| (i % 20 + 1).to_le_bytes()).collect();
        assert_eq!(decoder().decode(raw(bin)).unwrap_err().kind, "binary");
        let ids: Vec<u8> = (0..2000u32).flat_map(|i| (i * 7919 % 21128 + 100).to_le_bytes()).collect();
        assert_ne!(decoder().decode(raw(ids)).map(|d| d.encoding).unwrap_or("binary"), "UTF-32LE");
        let poem = "春\n眠\n不\n觉\n晓\n处\n处\n闻\n啼\n鸟\n";
        let utf16: Vec<u8> = poem.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let doc = decoder().decode(raw(utf16)).unwrap();
        assert_eq!((doc.encoding, doc.raw_text.as_str()), ("UTF-16LE", poem));
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert_eq!(decoder().decode(raw(vec![])).unwrap_err().kind, "empty");
        assert_eq!(decoder().decode(raw(b" \n\t ".to_vec())).unwrap_err().kind, "empty");
        let bin: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        assert_eq!(decoder().decode(raw(bin)).unwrap_err().kind, "binary");
        // A document format that is mostly ASCII is named, not decoded to an empty text.
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
        let e = decoder().decode(raw(pdf)).unwrap_err();
        assert_eq!(e.kind, "binary");
        assert!(e.message.contains("PDF"), "{}", e.message);
        let rtf = br"{\rtf1\ansi\ansicpg936 \'d6\'d0\'ce\'c4}".to_vec();
        assert!(decoder().decode(raw(rtf)).unwrap_err().message.contains("RTF"));
    }

    #[test]
    fn nul_bytes_are_removed_and_named() {
        let doc = decoder().decode(raw("党建\0引领".as_bytes().to_vec())).unwrap();
        assert_eq!(doc.raw_text, "党建引领");
        assert!(doc.repairs.contains(&"nul_bytes_removed".to_string()));
    }

    #[test]
    fn byte_shift_is_realigned() {
        // Made the way the damage happens: GBK bytes of 平涼市崆峒區 with the lead byte of 涼
        // lost, read back as GBK.
        let (bytes, _, _) = GBK.encode("平涼市崆峒區(qū)基層");
        let mut damaged = bytes.into_owned();
        let lead = damaged.iter().position(|&b| b == 0x9b).unwrap();
        damaged[lead] = b'?';
        let (text, _) = GBK.decode_without_bom_handling(&damaged);
        assert_ne!(text, "平涼市崆峒區(qū)基層");
        let fixed = repair_byte_shift(&text, &LEX).unwrap();
        assert_eq!(fixed.text, "平涼市崆峒區(qū)基層");
        assert_eq!(fixed.resolved, 1);
    }

    #[test]
    fn damaged_utf8_and_mixed_files() {
        let text = SAMPLE.repeat(20);
        // A multi-byte sequence cut off at the end.
        let mut cut = text.trim_end().as_bytes().to_vec();
        cut.pop();
        let doc = decoder().decode(raw(cut)).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert!(doc.repairs.contains(&"truncated_sequence".to_string()), "{:?}", doc.repairs);
        // A UTF-8 byte-order mark in front of GBK bytes.
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice(&GBK.encode(&text).0);
        let doc = decoder().decode(raw(bom)).unwrap();
        assert_eq!((doc.encoding, doc.raw_text.as_str()), ("GBK", text.as_str()));
        assert!(doc.repairs.contains(&"bom_mismatch".to_string()));
        // Half GBK, half UTF-8: each half by its own encoding.
        let half = text.char_indices().nth(text.chars().count() / 2).unwrap().0;
        let mut mixed = GBK.encode(&text[..half]).0.into_owned();
        mixed.extend_from_slice(&text.as_bytes()[half..]);
        let doc = decoder().decode(raw(mixed)).unwrap();
        assert_eq!(doc.raw_text, text);
        assert!(doc.repairs.iter().any(|r| r.starts_with("mixed_encoding")), "{:?}", doc.repairs);
        assert!(doc.encoding_confidence < 0.9);
    }

    #[test]
    fn a_real_question_mark_is_left_alone() {
        assert_eq!(repair_byte_shift("你好吗?我很好。", &LEX), None);
    }

    /// Every seed's decoded text passed through `map`, whole and in pieces of 300 characters.
    fn seed_pieces(map: impl Fn(String) -> String) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seeds");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let raw = std::fs::read(entry.unwrap().path()).unwrap();
            let text = map(decoder().decode(RawDoc::new("t.txt", raw)).unwrap().raw_text);
            let chars: Vec<char> = text.chars().collect();
            out.extend(chars.chunks(300).map(|c| c.iter().collect::<String>()));
            out.push(text);
        }
        out
    }

    /// Pieces `enc` can encode, and of those the ones `by_bytes` decides, each checked against
    /// chardetng's answer for the same bytes.
    fn agreement(pieces: &[String], enc: &'static Encoding, by_bytes: fn(&[u8]) -> bool) -> (usize, usize) {
        let (mut decided, mut encodable) = (0, 0);
        for piece in pieces {
            let (bytes, _, unmappable) = enc.encode(piece);
            if unmappable {
                continue;
            }
            encodable += 1;
            if by_bytes(&bytes) {
                decided += 1;
                assert_eq!(chardetng_guess(&bytes, Utf8Detection::Allow), enc, "{piece}");
            }
        }
        (decided, encodable)
    }

    #[test]
    fn gbk_by_bytes_agrees_with_chardetng() {
        let (decided, pieces) = agreement(&seed_pieces(|t| t), GBK, gbk_by_bytes);
        // Left to chardetng: the Traditional seed (its characters lie outside GB2312) and pieces
        // too short.
        assert!(pieces > 20 && decided * 3 >= pieces * 2, "{decided} of {pieces}");
    }

    #[test]
    fn big5_by_bytes_agrees_with_chardetng() {
        // The seeds in Traditional script, without the few characters Big5 lacks (〇, some
        // dashes), which would turn into HTML character references.
        let s2t = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2t).unwrap();
        let traditional =
            seed_pieces(|t| s2t.convert(&t).chars().filter(|c| !BIG5.encode(c.encode_utf8(&mut [0; 4])).2).collect());
        let (decided, pieces) = agreement(&traditional, BIG5, big5_by_bytes);
        assert!(pieces > 20 && decided * 10 >= pieces * 9, "{decided} of {pieces}");
        // Neither test takes the other's bytes, nor Traditional text saved as GBK.
        for piece in &traditional {
            assert!(!gbk_by_bytes(&BIG5.encode(piece).0), "Big5 taken for GBK: {piece}");
            let (gbk, _, unmappable) = GBK.encode(piece);
            assert!(unmappable || !big5_by_bytes(&gbk) && !gbk_by_bytes(&gbk), "Traditional GBK taken: {piece}");
        }
    }

    #[test]
    fn the_bytes_leave_other_cjk_encodings_to_chardetng() {
        let korean = "서울시는 올해 하반기부터 모든 구청에서 주민 참여 예산 제도를 시행한다고 밝혔다. \
                      시 관계자는 주민들의 의견을 적극적으로 반영하겠다고 말했다.\n";
        let japanese = "東京都は今年の下半期から、すべての区役所で住民参加型の予算制度を導入すると\
                        発表した。担当者は、住民の意見を積極的に取り入れたいと話している。\n";
        let traditional = TRADITIONAL.repeat(3);
        for (text, enc) in [
            (korean, encoding_rs::EUC_KR),
            (japanese, encoding_rs::EUC_JP),
            (japanese, encoding_rs::SHIFT_JIS),
            (traditional.as_str(), BIG5),
        ] {
            let (bytes, _, unmappable) = enc.encode(text);
            assert!(!unmappable, "{}", enc.name());
            assert!(!gbk_by_bytes(&bytes), "{} taken for GBK", enc.name());
            assert_eq!(big5_by_bytes(&bytes), enc == BIG5, "{}", enc.name());
            let doc = decoder().decode(raw(bytes.into_owned())).unwrap();
            assert_eq!((doc.encoding, doc.raw_text.as_str()), (enc.name(), text), "{}", enc.name());
        }
        let (short, _, _) = GBK.encode("金昌市永昌县");
        assert!(!gbk_by_bytes(&short), "too short to decide");
        let (sample, _, _) = GBK.encode(SAMPLE);
        assert!(gbk_by_bytes(&sample));
    }
}
