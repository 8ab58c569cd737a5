//! Properties over arbitrary input (proptest): decoding never panics and always yields
//! UTF-8; normalisation is idempotent; sentence and token spans are ordered, disjoint and
//! inside the text.

use std::sync::LazyLock;

use proptest::prelude::*;
use zhetl::{normalize, Config, Pipeline, RawDoc};

static PIPELINE: LazyLock<Pipeline> = LazyLock::new(|| Pipeline::new(&Config::default()).unwrap());

/// Text that looks like what the pipeline meets: CJK, punctuation, digits, line breaks,
/// full-width forms, pinyin, stray control characters.
fn newsish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "党支部",
        "书记",
        "王力",
        "说",
        "。",
        ",",
        "“",
        "”",
        "\n",
        "\r\n",
        "  ",
        "2022-05-26",
        "3.5万余名",
        "(qiáng)",
        "?",
        "强",
        "區",
        "ＡＢ１",
        "\u{3000}",
        "\0",
        "……",
        "图①",
        "来源:",
        "编辑:",
        "村",
        "镇",
        "%",
        "a",
        // The quotes' speakers: one spoken to, a colon before a quote, a surname and title.
        "对",
        "交给",
        ":",
        "他",
        "李教授",
        "李政道",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        match PIPELINE.process(RawDoc::new("x", bytes)) {
            Ok(doc) => prop_assert!(std::str::from_utf8(doc.text.as_bytes()).is_ok()),
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn normalize_is_idempotent(s in newsish()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn spans_are_ordered_and_inside_the_text(s in newsish()) {
        if let Ok(doc) = PIPELINE.process(RawDoc::new("x", s.into_bytes())) {
            let n = doc.text.chars().count() as u32;
            let mut last = 0;
            for sent in &doc.sentences {
                prop_assert!(sent.start >= last && sent.end > sent.start && sent.end <= n);
                last = sent.end;
            }
            let mut last = 0;
            for t in &doc.tokens {
                prop_assert!(t.start >= last && t.start + t.len <= n);
                last = t.start + t.len;
            }
            for e in &doc.entities {
                prop_assert!(e.start < e.end && e.end <= n);
            }
            for q in &doc.quantities {
                prop_assert!(q.start < q.end && q.end <= n);
            }
        }
    }
}
