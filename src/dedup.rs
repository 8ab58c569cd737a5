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
//! Memory grows with the corpus, as any duplicate finder's must: about 350 bytes per
//! document with the defaults (`Index`; measured on 255,310 documents), some 50 with
//! `dedup.near = false`.

use rustc_hash::FxHashMap as HashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::config::DedupConfig;
use crate::document::Document;

/// Computes signatures; built once from `[dedup]`, shared by the workers.
#[derive(Debug, Clone)]
pub(crate) struct Deduper {
    cfg: DedupConfig,
    /// Multiplier per permutation: h → a·h + b (mod 2³²), a odd. 32-bit lanes so the
    /// min-over-shingles loop vectorises; the shingle hashes themselves are well mixed.
    mul: Vec<u32>,
    /// Addend per permutation.
    add: Vec<u32>,
}

impl Deduper {
    pub fn new(cfg: &DedupConfig) -> Deduper {
        // Fixed seeds: signatures must be comparable across runs (incremental mode).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            fmix64(state)
        };
        let (mut mul, mut add) = (Vec::new(), Vec::new());
        for _ in 0..cfg.permutations {
            mul.push((next() >> 32) as u32 | 1);
            add.push((next() >> 32) as u32);
        }
        Deduper { cfg: cfg.clone(), mul, add }
    }

    /// Whether near-duplicate detection is on.
    pub fn near(&self) -> bool {
        self.cfg.near
    }

    /// MinHash signature of a text: per permutation, the minimum over its character
    /// shingles. Whitespace and punctuation are left out, so re-wrapping does not count.
    /// Empty for a text shorter than one shingle.
    pub fn signature(&self, text: &str) -> Vec<u32> {
        let chars: Vec<u32> = text.chars().filter(|&c| counts(c)).map(|c| c as u32).collect();
        let k = self.cfg.shingle_chars.max(1);
        if chars.len() < k || self.mul.is_empty() {
            return Vec::new();
        }
        let mut mins = vec![u32::MAX; self.mul.len()];
        for w in chars.windows(k) {
            // The shingle's characters folded FNV-style, then mixed: no string is built.
            let h = w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3));
            let h = (fmix64(h) >> 32) as u32;
            for ((m, &a), &b) in mins.iter_mut().zip(&self.mul).zip(&self.add) {
                *m = (*m).min(a.wrapping_mul(h).wrapping_add(b));
            }
        }
        mins
    }
}

/// Letters and digits count toward shingles; the common cases (ASCII, CJK ideographs)
/// without the Unicode table walk.
#[inline]
fn counts(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        matches!(c, '\u{4e00}'..='\u{9fff}') || c.is_alphanumeric()
    }
}

/// MurmurHash3's 64-bit finaliser.
fn fmix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

/// The run's view of documents seen so far, in input order.
///
/// Kept small, as it grows with the corpus: doc_ids as 128-bit numbers, one byte per
/// permutation, and per band only the first document of each bucket (the earliest member
/// of a cluster of copies is the one to point at). About 16 + `permutations` + 9 × `bands`
/// bytes per document, plus 25 for the exact index, plus the hash tables' slack: some 350
/// bytes with the defaults.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// `text_hash` (64 bits) → index into `ids` of the first document with that text.
    exact: HashMap<u64, u32>,
    /// Per band: band hash → index of the first document in that bucket.
    bands: Vec<HashMap<u32, u32>>,
    ids: Vec<u128>,
    /// `permutations` bytes per document in `near` order: the low byte of each minimum,
    /// enough to estimate similarity at a quarter of the memory.
    sigs: Vec<u8>,
    /// Position in `sigs` of each document (u32::MAX: none).
    sig_of: Vec<u32>,
    rows_per_band: usize,
    perms: usize,
    threshold: f64,
    pub exact_found: u64,
    pub near_found: u64,
}

impl Index {
    pub fn new(cfg: &DedupConfig) -> Index {
        let rows_per_band = (cfg.permutations / cfg.bands.max(1)).max(1);
        Index {
            rows_per_band,
            perms: cfg.permutations,
            bands: (0..cfg.permutations.div_ceil(rows_per_band)).map(|_| HashMap::default()).collect(),
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
        let i = self.push_id(doc_id);
        self.exact.insert(text_hash, i);
        self.insert(i, signature);
    }

    /// Sets `duplicate_of` and `near_duplicate` of a new document, then remembers it.
    pub fn observe(&mut self, doc: &mut Document) {
        let th = text_hash64(&doc.text);
        if let Some(&first) = self.exact.get(&th) {
            let first = id_hex(self.ids[first as usize]);
            if first != doc.doc_id && !doc.text.is_empty() {
                doc.duplicate_of = Some(first);
                self.exact_found += 1;
            }
            // An exact copy adds nothing to the near index.
            return;
        }
        let i = self.push_id(&doc.doc_id);
        self.exact.insert(th, i);
        if doc.minhash.is_empty() {
            self.insert(i, &[]);
            return;
        }
        let short: Vec<u8> = doc.minhash.iter().map(|&m| m as u8).collect();
        let mut best: Option<(u32, f64)> = None;
        for (band, key) in band_keys(&doc.minhash, self.rows_per_band) {
            let Some(&j) = self.bands[band].get(&key) else { continue };
            if best.is_some_and(|(b, _)| b == j) {
                continue;
            }
            let s = similarity(&short, self.sig(j));
            // Ties go to the earlier document.
            if s >= self.threshold && best.is_none_or(|(b, bs)| s > bs || s == bs && j < b) {
                best = Some((j, s));
            }
        }
        if let Some((j, s)) = best {
            doc.near_duplicate = Some((id_hex(self.ids[j as usize]), s));
            self.near_found += 1;
        }
        self.insert(i, &doc.minhash);
    }

    fn push_id(&mut self, doc_id: &str) -> u32 {
        self.ids.push(u128::from_str_radix(doc_id, 16).unwrap_or(0));
        (self.ids.len() - 1) as u32
    }

    fn insert(&mut self, i: u32, signature: &[u32]) {
        if signature.is_empty() {
            self.sig_of.push(u32::MAX);
        } else {
            self.insert_sig(i, signature);
        }
    }

    fn insert_sig(&mut self, i: u32, signature: &[u32]) {
        debug_assert_eq!(self.sig_of.len(), i as usize);
        self.sig_of.push((self.sigs.len() / self.perms.max(1)) as u32);
        self.sigs.extend(signature.iter().map(|&m| m as u8));
        for (band, key) in band_keys(signature, self.rows_per_band) {
            self.bands[band].entry(key).or_insert(i);
        }
    }

    fn sig(&self, i: u32) -> &[u8] {
        match self.sig_of.get(i as usize) {
            Some(&k) if k != u32::MAX => &self.sigs[k as usize * self.perms..(k as usize + 1) * self.perms],
            _ => &[],
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

    fn doc(id: &str, text: &str, d: &Deduper) -> Document {
        Document { doc_id: id.into(), text: text.into(), minhash: d.signature(text), ..Document::default() }
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
