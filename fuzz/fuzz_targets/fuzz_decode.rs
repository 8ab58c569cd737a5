//! Decode, then clean, arbitrary bytes. Properties, not just "no crash": an input is either
//! refused with a reason or becomes text without NUL bytes whose normalisation is stable,
//! and every kept paragraph is a line of `documents.text`.
#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use zhetl::{normalize, Cleaner, Config, Decoder, Lexicon, RawDoc};

struct Stages {
    decoder: Decoder,
    cleaner: Cleaner,
}

static STAGES: LazyLock<Stages> = LazyLock::new(|| {
    let cfg = Config::default();
    let lex = Arc::new(Lexicon::new(&None, &None).expect("lexicon"));
    Stages { decoder: Decoder::new(&cfg.decode, lex.clone()), cleaner: Cleaner::new(&cfg.clean, lex).expect("cleaner") }
});

fuzz_target!(|data: &[u8]| {
    let raw = RawDoc::new("fuzz", data.to_vec());
    match STAGES.decoder.decode(raw) {
        Err(e) => assert!(!e.message.is_empty() && !e.kind.is_empty()),
        Ok(mut doc) => {
            assert!(!doc.raw_text.contains('\0'));
            assert!((0.0..=1.0).contains(&doc.encoding_confidence));
            STAGES.cleaner.clean(&mut doc);
            assert_eq!(normalize(&doc.text), doc.text);
            let lines: Vec<&str> = doc.text.split('\n').collect();
            let kept: Vec<&str> = doc.paragraphs.iter().filter(|p| p.start.is_some()).map(|p| p.text.as_str()).collect();
            assert_eq!(lines.len(), kept.len().max(1));
        }
    }
});
