//! Decoding the seeds in every encoding they are served in: the cleaned text must not
//! depend on the bytes' encoding. Inputs are made by encoding the UTF-8 seeds inside the
//! test (STYLE.md 2.5), so no binary blobs are committed.

use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, WINDOWS_1252};
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
        let reference = p.process(RawDoc::new(name.clone(), text.clone().into_bytes())).unwrap();
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
            ("utf-16be", utf16(&text, UTF_16BE, false), "UTF-16BE"),
            ("crlf", text.replace('\n', "\r\n").into_bytes(), "UTF-8"),
            ("cr", text.replace('\n', "\r").into_bytes(), "UTF-8"),
        ];
        for (what, bytes, enc) in variants {
            let doc = p.process(RawDoc::new(name.clone(), bytes)).unwrap();
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
    let doc = p.process(RawDoc::new(name, text.into_bytes())).unwrap();
    assert!(doc.repairs.iter().any(|r| r.starts_with("gbk_byte_shift")), "{:?}", doc.repairs);
    assert_eq!(doc.script, "traditional");
    // The damage hits four lines: the title line, the subtitle, two body sentences.
    let all: String = doc.paragraphs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    assert_eq!(all.matches("平凉市崆峒区").count(), 4, "{all}");
    assert!(!all.contains('鍪') && !all.contains("(qū)") && !all.contains("jīng"));
    assert!(doc.text.contains("今年以来,平凉市崆峒区深入推进"));
    assert_eq!(doc.paragraphs[0].text, "强基铸魂 擎旗奋进");
    assert!(doc.paragraphs[1].text.contains("平凉街道党建服务中心"), "{}", doc.paragraphs[1].text);
    assert!(!doc.repairs.iter().any(|r| r.starts_with("gbk_byte_shift_unresolved")), "{:?}", doc.repairs);
}

/// Share of `want`'s characters found, in order, in `got` (longest common subsequence).
fn recovered(want: &str, got: &str) -> f64 {
    let a: Vec<char> = want.chars().collect();
    let b: Vec<char> = got.chars().collect();
    let mut prev = vec![0u32; b.len() + 1];
    let mut cur = vec![0u32; b.len() + 1];
    for x in &a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { cur[j].max(prev[j + 1]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] as f64 / a.len().max(1) as f64
}

#[test]
fn mojibake_is_reversed() {
    let p = Pipeline::new(&Config::default()).unwrap();
    for (name, text) in seed_texts() {
        let original = p.process(RawDoc::new(name.clone(), text.clone().into_bytes())).unwrap();
        let latin1: String = text.bytes().map(|b| b as char).collect();
        let cp1252 = WINDOWS_1252.decode_without_bom_handling(text.as_bytes()).0.into_owned();
        for (what, damaged) in [("latin-1", latin1), ("windows-1252", cp1252)] {
            let doc = p.process(RawDoc::new(name.clone(), damaged.into_bytes())).unwrap();
            assert_eq!(doc.text, original.text, "{name} {what}");
            assert!(doc.repairs.iter().any(|r| r.starts_with("mojibake_latin1")), "{name} {what}: {:?}", doc.repairs);
        }
        let gbk = GBK.decode_without_bom_handling(text.as_bytes()).0.into_owned();
        let doc = p.process(RawDoc::new(name.clone(), gbk.into_bytes())).unwrap();
        let share = recovered(&original.text, &doc.text);
        eprintln!("{name}: GBK mojibake, {:.1}% of characters recovered", share * 100.0);
        assert!(share >= 0.95, "{name}: {share:.3}");
    }
}

#[test]
fn big5_traditional_seeds_match_their_utf8_form() {
    let s2t = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2t).unwrap();
    let p = Pipeline::new(&Config::default()).unwrap();
    for (name, text) in seed_texts() {
        let traditional = s2t.convert(&text);
        let utf8 = p.process(RawDoc::new(name.clone(), traditional.clone().into_bytes())).unwrap();
        let (big5, _, _) = BIG5.encode(&traditional);
        let doc = p.process(RawDoc::new(name.clone(), big5.into_owned())).unwrap();
        assert_eq!(doc.encoding, "Big5", "{name}");
        assert_eq!(doc.text, utf8.text, "{name}: Big5 and UTF-8 of the same Traditional text differ");
        let simplified = p.process(RawDoc::new(name.clone(), text.into_bytes())).unwrap();
        let share = recovered(&simplified.text, &doc.text);
        eprintln!(
            "{name}: Big5 of the Traditional text, {:.1}% of the Simplified original's characters",
            share * 100.0
        );
        assert!(share >= 0.98, "{name}: {share:.3}");
    }
}

/// Hostile inputs: each ends as a document (flagged where it should be) or an errors row
/// with a reason, and the run goes on.
#[test]
fn hostile_inputs_are_rows_not_crashes() {
    use crate::util::{read_table, strings, Workdir};
    let w = Workdir::new();
    let (name, text) = seed_texts().remove(0);
    let bytes = text.as_bytes();
    w.write("in/empty.txt", b"");
    w.write("in/blank.txt", b" \r\n\t \n");
    w.write("in/binary.txt", &(0..=255u8).cycle().take(10_000).collect::<Vec<u8>>());
    w.write("in/nul.txt", &text.replace('。', "。\0").into_bytes());
    let mut truncated = text.trim_end().as_bytes().to_vec();
    truncated.pop();
    w.write("in/truncated.txt", &truncated);
    let mut odd = vec![0xff, 0xfe];
    odd.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    odd.pop();
    w.write("in/odd_utf16.txt", &odd);
    let mut surrogate = vec![0xff, 0xfe];
    surrogate.extend("党建".encode_utf16().flat_map(|u| u.to_le_bytes()));
    surrogate.extend([0x00, 0xd8]);
    surrogate.extend("引领高质量发展。".encode_utf16().flat_map(|u| u.to_le_bytes()));
    w.write("in/surrogate.txt", &surrogate);
    let cut = text.char_indices().nth(text.chars().count() / 2).unwrap().0;
    let mut half = GB18030.encode(&text[..cut]).0.into_owned();
    half.extend_from_slice(&bytes[cut..]);
    w.write("in/half_gbk_half_utf8.txt", &half);
    let mut bom_gbk = vec![0xef, 0xbb, 0xbf];
    bom_gbk.extend_from_slice(&GB18030.encode(&text).0);
    w.write("in/bom_on_gbk.txt", &bom_gbk);
    w.write("in/long_line.txt", "党支部书记王力说,今年建成党群服务中心10377个。".repeat(100_000).as_bytes());
    w.write(
        "in/only_boilerplate.txt",
        "要闻 | 城市 | 老外在甘肃 | 视界\n版权声明:本文内容由互联网用户自发贡献。\n".as_bytes(),
    );
    w.write("in/lying_meta.html", format!("<meta charset=\"gb2312\">\n{text}").as_bytes());
    let out = w.join("out");
    let o = w.zhetl(&["run", w.join("in").to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert!(o.status.code().is_some_and(|c| c == 0 || c == 3), "{}", crate::util::stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["inputs_seen"], 12);
    assert_eq!(manifest["accounted"], true);
    let docs = read_table(&out, "documents");
    let errors = read_table(&out, "errors");
    assert_eq!(docs.num_rows() + errors.num_rows(), 12);
    let mut failed: Vec<(String, String)> = strings(&errors, "source_path")
        .into_iter()
        .zip(strings(&errors, "kind"))
        .map(|(p, k)| (p.unwrap().rsplit('/').next().unwrap().to_string(), k.unwrap()))
        .collect();
    failed.sort();
    assert_eq!(
        failed,
        [
            ("binary.txt".into(), "binary".into()),
            ("blank.txt".into(), "empty".into()),
            ("empty.txt".into(), "empty".into())
        ]
    );
    // The damaged copies of the seed read like the seed.
    let p = Pipeline::new(&Config::default()).unwrap();
    let reference = p.process(RawDoc::new(name, bytes.to_vec())).unwrap();
    let paths = strings(&docs, "source_path");
    let texts = strings(&docs, "text");
    for (path, t) in paths.iter().zip(&texts) {
        let (path, t) = (path.as_deref().unwrap(), t.as_deref().unwrap());
        for same in ["nul.txt", "truncated.txt", "half_gbk_half_utf8.txt", "bom_on_gbk.txt", "lying_meta.html"] {
            if path.ends_with(same) {
                assert!(recovered(&reference.text, t) > 0.99, "{same}: {}", &t[..t.len().min(200)]);
            }
        }
        if path.ends_with("odd_utf16.txt") {
            assert!(recovered(&reference.text, t) > 0.99);
        }
    }
    let warnings = docs.column_by_name("warnings").unwrap();
    let warnings = warnings.as_any().downcast_ref::<arrow::array::ListArray>().unwrap();
    let only = paths.iter().position(|p| p.as_deref().unwrap().ends_with("only_boilerplate.txt")).unwrap();
    let w0 = warnings.value(only);
    let w0 = w0.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
    assert!((0..arrow::array::Array::len(w0)).any(|i| w0.value(i) == "no_body"));
}
