//! Decoding the seeds in every encoding they are served in: the cleaned text must not
//! depend on the bytes' encoding. Inputs are made by encoding the UTF-8 seeds inside the
//! test (STYLE.md 2.5), so no binary blobs are committed.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use zhetl::{Config, Pipeline, RawDoc};

use crate::util::seeds;

fn seed_texts() -> Vec<(String, String)> {
    let mut v: Vec<_> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn utf16(text: &str, enc: &'static Encoding, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if enc == UTF_16LE { &[0xff, 0xfe] } else { &[0xfe, 0xff] });
    }
    for u in text.encode_utf16() {
        out.extend_from_slice(&if enc == UTF_16LE { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn every_encoding_gives_the_same_text() {
    let p = Pipeline::new(&Config::default()).unwrap();
    for (name, text) in seed_texts() {
        let reference = p.process(RawDoc { source_path: name.clone(), bytes: text.clone().into_bytes() }).unwrap();
        let mut bom_utf8 = vec![0xef, 0xbb, 0xbf];
        bom_utf8.extend_from_slice(text.as_bytes());
        let (gb, _, unmappable) = GB18030.encode(&text);
        assert!(!unmappable);
        let variants: Vec<(&str, Vec<u8>, &str)> = vec![
            ("utf-8 bom", bom_utf8, "UTF-8"),
            ("gb18030", gb.into_owned(), "GBK|gb18030"),
            ("utf-16le bom", utf16(&text, UTF_16LE, true), "UTF-16LE"),
            ("utf-16be bom", utf16(&text, UTF_16BE, true), "UTF-16BE"),
            ("utf-16le", utf16(&text, UTF_16LE, false), "UTF-16LE"),
            ("crlf", text.replace('\n', "\r\n").into_bytes(), "UTF-8"),
        ];
        for (what, bytes, enc) in variants {
            let doc = p.process(RawDoc { source_path: name.clone(), bytes }).unwrap();
            assert!(enc.split('|').any(|e| e == doc.encoding), "{name} {what}: detected {}", doc.encoding);
            assert_eq!(doc.text, reference.text, "{name} {what}: text differs");
            assert_eq!(doc.meta, reference.meta, "{name} {what}: metadata differs");
        }
    }
}

#[test]
fn seed_001_byte_shift_is_repaired() {
    let p = Pipeline::new(&Config::default()).unwrap();
    let (name, text) = seed_texts().into_iter().find(|(n, _)| n.starts_with("001")).unwrap();
    let doc = p.process(RawDoc { source_path: name, bytes: text.into_bytes() }).unwrap();
    assert!(doc.repairs.iter().any(|r| r.starts_with("gbk_byte_shift")), "{:?}", doc.repairs);
    assert_eq!(doc.script, "traditional");
    assert!(doc.text.matches("平凉市崆峒区").count() >= 2, "{}", &doc.text[..300]);
    assert!(!doc.text.contains("鍪") && !doc.text.contains("(qū)"));
    let title_line = &doc.paragraphs[0].text;
    assert_eq!(title_line, "强基铸魂 擎旗奋进");
}
