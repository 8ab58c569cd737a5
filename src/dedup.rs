//! Exact and near duplicates. Syndicated copy appears many times in a crawl: the same
//! article re-encoded, re-wrapped in another site's boilerplate, or lightly edited.
//!
//! - **Exact**: documents whose cleaned text is identical (same `text_hash`) point to the
//!   first one seen in input order through `documents.duplicate_of`.
//! - **Near**: MinHash over character shingles of the cleaned text, with LSH banding to find
//!   candidates and the signature's agreement as the estimated Jaccard similarity. A pair at
//!   or above `dedup.threshold` is a `duplicates` row pointing to the earlier document.
//!
//! Signatures are computed by the workers (`Deduper::signature`, pure); the index is fed in
//! input order by one thread (`Index::observe`), so the result does not depend on `-j`.
//! The in-memory index grows with the corpus, as any duplicate finder's must, but slowly:
//! doc_ids and signatures live in a temporary file (`Index`), leaving about 25 bytes per
//! distinct text and 9 per new LSH bucket.

use rustc_hash::FxHashMap as HashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::config::DedupConfig;
use crate::document::Document;

/// Computes signatures; built once from `[dedup]`, shared by the workers.
///
/// One-permutation MinHash: each shingle's hash picks one of `permutations` bins and competes
/// for that bin's minimum, so a shingle costs one hash and one comparison, not one per
/// permutation (classic MinHash took a tenth of the worker's time). Bins no shingle fell into
/// borrow another bin's minimum through a fixed probe sequence ("optimal densification",
/// Shrivastava 2017), which keeps the share of agreeing bins an unbiased estimate of the
/// Jaccard similarity for short texts too.
#[derive(Debug, Clone)]
pub(crate) struct Deduper {
    cfg: DedupConfig,
}

impl Deduper {
    pub fn new(cfg: &DedupConfig) -> Deduper {
        Deduper { cfg: cfg.clone() }
    }

    /// Whether near-duplicate detection is on.
    pub fn near(&self) -> bool {
        self.cfg.near
    }

    /// MinHash signature of a text: per bin, the minimum over the character shingles that
    /// hash into it. Whitespace and punctuation are left out, so re-wrapping does not count.
    /// Empty for a text shorter than one shingle.
    pub fn signature(&self, text: &str) -> Vec<u32> {
        let chars: Vec<u32> = text.chars().filter(|&c| counts(c)).map(|c| c as u32).collect();
        let k = self.cfg.shingle_chars.max(1);
        let bins = self.cfg.permutations;
        if chars.len() < k || bins == 0 {
            return Vec::new();
        }
        // u64 so that "empty" (u64::MAX) is no 32-bit value.
        let mut mins = vec![u64::MAX; bins];
        for w in chars.windows(k) {
            // The shingle's characters folded FNV-style, then mixed: no string is built.
            let h = fmix64(
                w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3)),
            );
            // High half picks the bin (multiply-shift, no division), low half competes.
            let bin = (((h >> 32) * bins as u64) >> 32) as usize;
            mins[bin] = mins[bin].min(h & 0xffff_ffff);
        }
        let mut out: Vec<u32> = mins.iter().map(|&m| m as u32).collect();
        for (i, o) in out.iter_mut().enumerate() {
            if mins[i] != u64::MAX {
                continue;
            }
            // Probe bins in a sequence fixed per bin (the same in every document) until a
            // filled one; at least one is, since there was a shingle.
            for attempt in 0u64.. {
                let j = ((fmix64(((i as u64) << 32) | attempt) >> 32) * bins as u64) >> 32;
                if mins[j as usize] != u64::MAX {
                    *o = mins[j as usize] as u32;
                    break;
                }
            }
        }
        out
    }
}

/// Letters and digits count toward shingles; the common cases (ASCII, CJK ideographs,
/// Chinese punctuation) without the Unicode table walk, which for the punctuation (，。、“”)
/// was a quarter of the signature's time.
#[inline]
fn counts(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        match c {
            '\u{4e00}'..='\u{9fff}' => true,
            c if PUNCTUATION.iter().any(|r| r.contains(&c)) => false,
            c => c.is_alphanumeric(),
        }
    }
}

/// Blocks of punctuation with no letter or digit in them: general punctuation, CJK
/// punctuation up to the brackets (〇 and 々 are letters or numbers), full-width ASCII
/// punctuation.
const PUNCTUATION: [std::ops::RangeInclusive<char>; 5] = [
    '\u{2010}'..='\u{2027}',
    '\u{3000}'..='\u{3004}',
    '\u{3008}'..='\u{3020}',
    '\u{ff01}'..='\u{ff0f}',
    '\u{ff1a}'..='\u{ff20}',
];

/// MurmurHash3's 64-bit finaliser.
fn fmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

/// The run's view of documents seen so far, in input order.
///
/// In memory only what every new document is looked up in: the exact index (12 bytes per
/// distinct text, plus the hash table's slack) and, per band, the first document of each
/// bucket (8 bytes per new bucket; copies of earlier text add few). Each document's doc_id and
/// one-byte signature (17 + `permutations` bytes) go to an unnamed temporary file, read back
/// only for a candidate or an exact copy, so that peak memory hardly grows with the corpus
/// (in memory they were about two thirds of the growth: 14 MB per 100,000 documents).
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// `text_hash` (64 bits) → number of the first document with that text.
    exact: HashMap<u64, u32>,
    /// Per band: band hash → number of the first document in that bucket.
    bands: Vec<HashMap<u32, u32>>,
    records: Records,
    rows_per_band: usize,
    threshold: f64,
    pub exact_found: u64,
    pub near_found: u64,
}

/// One fixed-size record per document: doc_id (16 bytes), whether it has a signature (1),
/// then the low byte of each MinHash minimum. Appended in memory and spilled to a temporary
/// file in blocks; where no temporary file can be made, they all stay in memory.
#[derive(Debug, Default)]
struct Records {
    file: Option<std::fs::File>,
    /// A write to `file` failed: the records from there on stay in memory (those already
    /// in the file are still read back from it).
    full: bool,
    /// Records in the file.
    spilled: u64,
    /// Records not spilled yet.
    tail: Vec<u8>,
    size: usize,
    /// Buffer a record is read back into.
    scratch: Vec<u8>,
}

/// Bytes of records held in memory before they are written out.
const SPILL_BYTES: usize = 1 << 20;

impl Records {
    fn new(perms: usize) -> Records {
        Records { file: tempfile::tempfile().ok(), size: 17 + perms, ..Records::default() }
    }

    /// Appends a record; returns its number.
    fn push(&mut self, id: u128, signature: &[u32]) -> u32 {
        let i = self.spilled + (self.tail.len() / self.size) as u64;
        let start = self.tail.len();
        self.tail.extend_from_slice(&id.to_le_bytes());
        self.tail.push(u8::from(!signature.is_empty()));
        self.tail.extend(signature.iter().take(self.size - 17).map(|&m| m as u8));
        self.tail.resize(start + self.size, 0);
        if self.tail.len() >= SPILL_BYTES {
            self.spill();
        }
        i as u32
    }

    fn spill(&mut self) {
        use std::io::{Seek, SeekFrom, Write};
        let Some(f) = self.file.as_mut().filter(|_| !self.full) else { return };
        let ok = f.seek(SeekFrom::Start(self.spilled * self.size as u64)).and_then(|_| f.write_all(&self.tail));
        if ok.is_ok() {
            self.spilled += (self.tail.len() / self.size) as u64;
            self.tail.clear();
        } else {
            // A full or failing temporary disk: keep the records in memory from here on.
            self.full = true;
        }
    }

    /// Record `i`, or None when it cannot be read back.
    fn get(&mut self, i: u32) -> Option<&[u8]> {
        use std::io::{Read, Seek, SeekFrom};
        let i = u64::from(i);
        if i >= self.spilled {
            let at = (i - self.spilled) as usize * self.size;
            return self.tail.get(at..at + self.size);
        }
        let f = self.file.as_mut()?;
        self.scratch.resize(self.size, 0);
        f.seek(SeekFrom::Start(i * self.size as u64)).ok()?;
        f.read_exact(&mut self.scratch).ok()?;
        Some(&self.scratch)
    }

    fn id(&mut self, i: u32) -> Option<u128> {
        self.get(i).map(|r| u128::from_le_bytes(r[..16].try_into().expect("16 bytes")))
    }

    /// The one-byte signature of record `i` (empty: none).
    fn sig(&mut self, i: u32) -> &[u8] {
        match self.get(i) {
            Some(r) if r[16] == 1 => &r[17..],
            _ => &[],
        }
    }
}

impl Index {
    pub fn new(cfg: &DedupConfig) -> Index {
        let rows_per_band = (cfg.permutations / cfg.bands.max(1)).max(1);
        Index {
            rows_per_band,
            bands: (0..cfg.permutations.div_ceil(rows_per_band)).map(|_| HashMap::default()).collect(),
            records: Records::new(cfg.permutations),
            threshold: cfg.threshold,
            ..Index::default()
        }
    }

    /// Adds a document already committed (incremental runs), without reporting it.
    pub fn remember(&mut self, doc_id: &str, text_hash: u64, signature: &[u32]) {
        // As in `observe`: an exact copy of an earlier text stays out of the near index.
        if self.exact.contains_key(&text_hash) {
            return;
        }
        let i = self.push(doc_id, signature);
        self.exact.insert(text_hash, i);
        self.insert_bands(i, signature);
    }

    /// Sets `duplicate_of` and `near_duplicate` of a new document, then remembers it.
    pub fn observe(&mut self, doc: &mut Document) {
        let th = text_hash64(&doc.text);
        if let Some(&first) = self.exact.get(&th) {
            let first = id_hex(self.records.id(first).unwrap_or(0));
            if first != doc.doc_id && !doc.text.is_empty() {
                doc.duplicate_of = Some(first);
                self.exact_found += 1;
            }
            // An exact copy adds nothing to the near index.
            return;
        }
        let mut best: Option<(u32, f64)> = None;
        if !doc.minhash.is_empty() {
            let short: Vec<u8> = doc.minhash.iter().map(|&m| m as u8).collect();
            let mut tried: Vec<u32> = Vec::new();
            for (band, key) in band_keys(&doc.minhash, self.rows_per_band) {
                let Some(&j) = self.bands[band].get(&key) else { continue };
                if tried.contains(&j) {
                    continue;
                }
                tried.push(j);
                let s = similarity(&short, self.records.sig(j));
                // Ties go to the earlier document.
                if s >= self.threshold && best.is_none_or(|(b, bs)| s > bs || s == bs && j < b) {
                    best = Some((j, s));
                }
            }
        }
        if let Some((j, s)) = best {
            doc.near_duplicate = Some((id_hex(self.records.id(j).unwrap_or(0)), s));
            self.near_found += 1;
        }
        let i = self.push(&doc.doc_id, &doc.minhash);
        self.exact.insert(th, i);
        self.insert_bands(i, &doc.minhash);
    }

    fn push(&mut self, doc_id: &str, signature: &[u32]) -> u32 {
        self.records.push(u128::from_str_radix(doc_id, 16).unwrap_or(0), signature)
    }

    fn insert_bands(&mut self, i: u32, signature: &[u32]) {
        if signature.is_empty() {
            return;
        }
        for (band, key) in band_keys(signature, self.rows_per_band) {
            self.bands[band].entry(key).or_insert(i);
        }
    }
}

/// (band, bucket key) of each band of `rows` rows of a signature.
fn band_keys(signature: &[u32], rows: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
    signature.chunks(rows).enumerate().map(|(b, rows)| {
        let h = rows.iter().fold(0u64, |h, &r| fmix64(h ^ u64::from(r)));
        (b, h as u32)
    })
}

fn id_hex(id: u128) -> String {
    format!("{id:032x}")
}

/// Estimated Jaccard similarity from one-byte signatures: the share of agreeing positions,
/// corrected for the 1/256 chance that two different minima share their low byte.
fn similarity(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let agree = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64;
    let c = 1.0 / 256.0;
    ((agree - c) / (1.0 - c)).clamp(0.0, 1.0)
}

/// 64-bit hash of a cleaned text, the key of the exact-duplicate index.
pub(crate) fn text_hash64(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_blocks_hold_no_letter_or_digit() {
        for c in PUNCTUATION.iter().flat_map(|r| r.clone()) {
            assert!(!c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
        assert!(!counts('，') && !counts('。') && !counts('“') && counts('〇') && counts('々') && counts('中'));
    }

    fn doc(id: &str, text: &str, d: &Deduper) -> Document {
        Document { doc_id: id.into(), text: text.into(), minhash: d.signature(text), ..Document::default() }
    }

    /// Shingle-set Jaccard, computed exactly, to judge the estimate against.
    fn jaccard(a: &str, b: &str, k: usize) -> f64 {
        let set = |t: &str| {
            let c: Vec<char> = t.chars().filter(|&c| counts(c)).collect();
            c.windows(k).map(|w| w.iter().collect::<String>()).collect::<std::collections::HashSet<_>>()
        };
        let (x, y) = (set(a), set(b));
        x.intersection(&y).count() as f64 / x.union(&y).count() as f64
    }

    #[test]
    fn one_permutation_estimate_tracks_jaccard() {
        let cfg = DedupConfig::default();
        let d = Deduper::new(&cfg);
        let base: String = (0..400).map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap()).collect();
        let chars: Vec<char> = base.chars().collect();
        // Copies with the tail replaced: from identical to unrelated; a short pair exercises
        // the densification (most of 100 bins are empty with 16 shingles).
        let mut pairs: Vec<(String, String)> = [0, 40, 100, 200, 300, 400]
            .iter()
            .map(|&n| {
                let tail: String = (0..n).map(|i| char::from_u32(0x5e00 + (i * 104_729) % 9000).unwrap()).collect();
                (base.clone(), chars[..400 - n as usize].iter().collect::<String>() + &tail)
            })
            .collect();
        pairs
            .push(("金昌市一百三十九个行政村建成党群服务中心".into(), "金昌市一百四十个行政村建成党群服务中心".into()));
        for (a, b) in &pairs {
            let (sa, sb) = (d.signature(a), d.signature(b));
            assert_eq!(sa.len(), cfg.permutations);
            let est = sa.iter().zip(&sb).filter(|(x, y)| x == y).count() as f64 / sa.len() as f64;
            let truth = jaccard(a, b, cfg.shingle_chars);
            assert!((est - truth).abs() < 0.15, "estimate {est:.3} for Jaccard {truth:.3}");
        }
        assert!(d.signature("四个字").is_empty());
    }

    #[test]
    fn records_read_back_from_memory_and_file() {
        let perms = 8;
        let mut r = Records::new(perms);
        assert!(r.file.is_some(), "a temporary file");
        // Enough records that the first ones are spilled to the file.
        let n = (3 * SPILL_BYTES / (17 + perms)) as u32;
        for i in 0..n {
            let sig: Vec<u32> = if i % 7 == 0 { Vec::new() } else { (0..perms as u32).map(|k| i * 31 + k).collect() };
            assert_eq!(r.push(u128::from(i) << 64 | 5, &sig), i);
        }
        assert!(r.spilled > 0 && !r.tail.is_empty());
        for i in [0, 1, 7, n / 2, n - 2, n - 1] {
            assert_eq!(r.id(i), Some(u128::from(i) << 64 | 5), "id {i}");
            let want: Vec<u8> =
                if i % 7 == 0 { Vec::new() } else { (0..perms as u32).map(|k| (i * 31 + k) as u8).collect() };
            assert_eq!(r.sig(i), &want[..], "signature {i}");
        }
        assert_eq!(r.get(n), None);
    }

    #[test]
    fn records_survive_a_failed_spill() {
        let perms = 8;
        let named = tempfile::NamedTempFile::new().unwrap();
        let mut r = Records { file: Some(named.reopen().unwrap()), size: 17 + perms, ..Records::default() };
        let per_block = (SPILL_BYTES / (17 + perms)) as u32 + 1;
        for i in 0..per_block {
            r.push(u128::from(i), &[i; 8]);
        }
        assert!(r.spilled > 0);
        // The disk fills up: a handle that cannot write makes the next spill fail.
        r.file = Some(std::fs::File::open(named.path()).unwrap());
        let n = 3 * per_block;
        for i in per_block..n {
            r.push(u128::from(i), &[i; 8]);
        }
        assert!(r.full);
        for i in [0, per_block - 1, per_block, n - 1] {
            assert_eq!(r.id(i), Some(u128::from(i)), "id {i}");
            assert_eq!(r.sig(i), &[i as u8; 8][..], "signature {i}");
        }
    }

    #[test]
    fn exact_and_near_duplicates() {
        let cfg = DedupConfig::default();
        let d = Deduper::new(&cfg);
        let mut ix = Index::new(&cfg);
        let base = concat!(
            "金昌市139个行政村全部建成标准化党群服务中心，村级集体经济收入全部达到5万元以上。",
            "市委组织部负责同志介绍，今年以来全市围绕建强基层堡垒，持续开展软弱涣散村党组织整顿。",
            "永昌县城关镇赵家庄村党支部书记王力说，村里新建的日光温室让群众在家门口就能增收。",
            "截至9月底，全市累计培训村干部两千余人次，选派第一书记一百二十名驻村开展帮扶。",
            "下一步，金昌市将深化党建引领乡村治理，推动组织振兴与产业振兴同频共振。",
        );
        let edited = base.replacen("139", "140", 1).replacen("标准化", "规范化", 1);
        let other = concat!(
            "平凉市崆峒区以党建引领基层治理，推行网格化管理，群众满意度持续提升。",
            "区委书记在调研时强调，要把服务群众的阵地建在群众身边，做到小事不出网格。",
            "今年上半年，全区共排查化解矛盾纠纷三百余件，办结率达到百分之九十八。",
        );
        let id = |n: u128| format!("{n:032x}");
        let mut a = doc(&id(1), base, &d);
        let mut b = doc(&id(2), base, &d);
        let mut c = doc(&id(3), &edited, &d);
        let mut e = doc(&id(4), other, &d);
        for x in [&mut a, &mut b, &mut c, &mut e] {
            ix.observe(x);
        }
        assert_eq!(a.duplicate_of, None);
        assert_eq!(b.duplicate_of, Some(id(1)));
        let (of, s) = c.near_duplicate.clone().expect("edited copy found");
        assert_eq!(of, id(1));
        assert!(s > 0.8 && s < 1.0, "{s}");
        assert_eq!(e.near_duplicate, None);
        assert_eq!(e.duplicate_of, None);
    }
}
