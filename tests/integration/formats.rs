//! Real crawl formats (issue #7): HTML pages against their gold, and one folder mixing
//! HTML, JSON Lines, compressed files, archives and an XML record dump.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write;
use std::path::Path;

use arrow::array::Array;

use crate::util::{read_table, repo, seeds, stderr, strings, Workdir};

fn run(w: &Workdir, input: &Path, out: &Path) -> serde_json::Value {
    let o = w.zhetl(&["run", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap()
}

fn list(b: &arrow::record_batch::RecordBatch, col: &str, row: usize) -> Vec<String> {
    let l = b.column_by_name(col).unwrap().as_any().downcast_ref::<arrow::array::ListArray>().unwrap();
    let v = l.value(row);
    let s = v.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
    (0..s.len()).map(|i| s.value(i).to_string()).collect()
}

fn dates(b: &arrow::record_batch::RecordBatch) -> Vec<Option<String>> {
    let a = b.column_by_name("published_date").unwrap().as_any().downcast_ref::<arrow::array::Date32Array>().unwrap();
    (0..a.len()).map(|i| a.value_as_date(i).filter(|_| a.is_valid(i)).map(|d| d.to_string())).collect()
}

#[test]
fn html_pages_match_their_gold() {
    let w = Workdir::new();
    let out = w.join("out");
    run(&w, &repo().join("tests/fixtures/html"), &out);
    let gold: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/gold/html.json")).unwrap()).unwrap();
    let docs = read_table(&out, "documents");
    let paths = strings(&docs, "source_path");
    let (titles, sources, texts, formats) =
        (strings(&docs, "title"), strings(&docs, "source"), strings(&docs, "text"), strings(&docs, "format"));
    let published = dates(&docs);
    assert_eq!(paths.len(), gold.len());
    for (i, p) in paths.iter().enumerate() {
        let name = Path::new(p.as_deref().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
        let g = &gold[&name];
        assert_eq!(formats[i].as_deref(), Some("html"), "{name}");
        assert_eq!(titles[i].as_deref(), g["title"].as_str(), "{name} title");
        assert_eq!(published[i].as_deref(), g["published_date"].as_str(), "{name} date");
        // published_at is an instant; Beijing time is UTC+8.
        let at = docs.column_by_name("published_at").unwrap();
        let at = at.as_any().downcast_ref::<arrow::array::TimestampMillisecondArray>().unwrap();
        let local = (at.value(i) / 1000 + 8 * 3600).rem_euclid(86_400);
        let hm = format!("{:02}:{:02}", local / 3600, local % 3600 / 60);
        assert_eq!(Some(hm.as_str()), g["published_time"].as_str(), "{name} time");
        assert_eq!(sources[i].as_deref(), g["source"].as_str(), "{name} source");
        let editors: Vec<String> =
            g["editors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().into()).collect();
        assert_eq!(list(&docs, "editors", i), editors, "{name} editors");
        // The body starts and ends where the article does: nothing of the page around it.
        let text = texts[i].clone().unwrap();
        let paras: Vec<&str> = text.lines().collect();
        assert!(paras[0].starts_with(g["body_first"].as_str().unwrap()), "{name} starts with {}", paras[0]);
        assert!(
            paras.last().unwrap().starts_with(g["body_last"].as_str().unwrap()),
            "{name} ends with {}",
            paras.last().unwrap()
        );
        assert_eq!(paras.len() as u64, g["n_paragraphs"].as_u64().unwrap(), "{name} paragraphs");
        for furniture in [
            "首页",
            "网友评论",
            "相关新闻",
            "相关阅读",
            "热点排行",
            "热门推荐",
            "Copyright",
            "版权所有",
            "分享到",
            "友情链接",
            "打印本页",
            "纠错",
        ] {
            assert!(!text.contains(furniture), "{name}: {furniture} in the body");
        }
    }
}

#[test]
fn an_html_page_gives_what_its_text_gives() {
    let w = Workdir::new();
    let seed = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("000"));
    let (a, b) = (w.join("a"), w.join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::copy(seed.unwrap(), a.join("seed.txt")).unwrap();
    std::fs::copy(repo().join("tests/fixtures/html/people_daily_gbk.html"), b.join("page.html")).unwrap();
    let (oa, ob) = (w.join("oa"), w.join("ob"));
    run(&w, &a, &oa);
    run(&w, &b, &ob);
    let names = |out: &Path| -> BTreeSet<(String, String)> {
        let e = read_table(out, "entities");
        strings(&e, "kind")
            .into_iter()
            .zip(strings(&e, "normalized"))
            .filter(|(k, _)| matches!(k.as_deref(), Some("person" | "place")))
            .map(|(k, t)| (k.unwrap(), t.unwrap()))
            .collect()
    };
    assert_eq!(names(&oa), names(&ob));
    assert_eq!(strings(&read_table(&oa, "documents"), "text"), strings(&read_table(&ob, "documents"), "text"));
}

#[test]
fn a_folder_mixing_every_format_is_accounted_for() {
    let w = Workdir::new();
    let dir = w.join("dump");
    std::fs::create_dir_all(&dir).unwrap();
    let seed_files: Vec<_> = {
        let mut v: Vec<_> = std::fs::read_dir(seeds()).unwrap().map(|e| e.unwrap().path()).collect();
        v.sort();
        v
    };
    let seed = |i: usize| std::fs::read_to_string(&seed_files[i]).unwrap();
    let page = std::fs::read(repo().join("tests/fixtures/html/xinhua_utf8.html")).unwrap();
    // plain text and a page
    std::fs::write(dir.join("a.txt"), seed(0)).unwrap();
    std::fs::write(dir.join("b.html"), &page).unwrap();
    // JSON Lines: two records, a bad line, a record without text
    let rec = |text: &str, extra: &str| format!("{{\"text\":{},{extra}}}\n", serde_json::to_string(text).unwrap());
    let jsonl = |tag: &str| {
        format!(
            "{}{{broken\n{}{{\"title\":\"无正文\"}}\n",
            rec(
                &format!("{}{tag}", seed(1)),
                r#""title":"平凉崆峒","url":"http://example.cn/a/1.html","date":"2024-10-08 09:30:00","id":"rec-1""#
            ),
            rec(&format!("{}{tag}", seed(2)), r#""id":42"#)
        )
    };
    std::fs::write(dir.join("c.jsonl"), jsonl("")).unwrap();
    // JSON Lines gzip-compressed
    let mut gz =
        flate2::write::GzEncoder::new(File::create(dir.join("d.jsonl.gz")).unwrap(), flate2::Compression::fast());
    gz.write_all(jsonl("\n（压缩版）").as_bytes()).unwrap();
    gz.finish().unwrap();
    // zstd and bzip2 text
    std::fs::write(dir.join("e.txt.zst"), zstd::encode_all(seed(3).as_bytes(), 3).unwrap()).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(File::create(dir.join("f.txt.bz2")).unwrap(), bzip2::Compression::fast());
    bz.write_all(seed(4).as_bytes()).unwrap();
    bz.finish().unwrap();
    // tar.gz of a page, a text in GBK and a hidden file
    let tgz = flate2::write::GzEncoder::new(File::create(dir.join("g.tar.gz")).unwrap(), flate2::Compression::fast());
    let mut t = tar::Builder::new(tgz);
    let gbk = encoding_rs::GBK.encode(&seed(0)).0.into_owned();
    let county = std::fs::read(repo().join("tests/fixtures/html/county_site_gb18030.html")).unwrap();
    for (name, body) in [("site/p1.html", county), ("site/t1.txt", gbk), ("site/.DS_Store", b"x".to_vec())] {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, name, body.as_slice()).unwrap();
    }
    t.into_inner().unwrap().finish().unwrap();
    // zip of a text
    let mut z = zip::ZipWriter::new(File::create(dir.join("h.zip")).unwrap());
    z.start_file("in/zipped.txt", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(format!("{}\n（压缩包）", seed(2)).as_bytes()).unwrap();
    z.finish().unwrap();
    // a Sogou-style XML dump in GBK, two records
    let xml = format!(
        "<doc>\n<url>http://news.sogou.com/1</url>\n<docno>s1</docno>\n<contenttitle>三原县党建促发展</contenttitle>\n<content>{}</content>\n</doc>\n<doc>\n<url>http://news.sogou.com/2</url>\n<docno>s2</docno>\n<contenttitle>金昌建强基层堡垒</contenttitle>\n<content>{}</content>\n</doc>\n",
        seed(3).replace('\n', " "),
        seed(0).replace('\n', " ")
    );
    std::fs::write(dir.join("i.xml"), encoding_rs::GBK.encode(&xml).0).unwrap();
    // a corrupt archive
    std::fs::write(dir.join("j.tar.gz"), b"\x1f\x8b\x08\x00not really").unwrap();

    let out = w.join("out");
    let m = run(&w, &dir, &out);
    assert_eq!(m["accounted"], true);
    let docs = read_table(&out, "documents");
    let errors = read_table(&out, "errors");
    let paths: Vec<String> = strings(&docs, "source_path").into_iter().flatten().collect();
    let rel = |p: &str| p.strip_prefix(dir.to_str().unwrap()).unwrap().trim_start_matches('/').to_string();
    let docs_at: BTreeSet<String> = paths.iter().map(|p| rel(p)).collect();
    let expected_docs = [
        "a.txt",
        "b.html",
        "c.jsonl:1",
        "c.jsonl:3",
        "d.jsonl.gz:1",
        "d.jsonl.gz:3",
        "e.txt.zst",
        "f.txt.bz2",
        "g.tar.gz!site/p1.html",
        "g.tar.gz!site/t1.txt",
        "h.zip!in/zipped.txt",
        "i.xml#1",
        "i.xml#2",
    ];
    assert_eq!(docs_at, expected_docs.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
    let err_at: BTreeMap<String, String> = strings(&errors, "source_path")
        .into_iter()
        .zip(strings(&errors, "kind"))
        .map(|(p, k)| (rel(&p.unwrap()), k.unwrap()))
        .collect();
    for (p, k) in [
        ("c.jsonl:2", "bad_record"),
        ("c.jsonl:4", "bad_record"),
        ("d.jsonl.gz:2", "bad_record"),
        ("j.tar.gz", "corrupt"),
    ] {
        assert_eq!(err_at.get(p).map(String::as_str), Some(k), "{p}: {err_at:?}");
    }
    let messages: Vec<String> = strings(&errors, "message").into_iter().flatten().collect();
    assert!(messages.iter().any(|m| m.contains("line 2")), "{messages:?}");
    // Fields a record states win over extraction; its id is kept.
    let i = paths.iter().position(|p| p.ends_with("c.jsonl:1")).unwrap();
    assert_eq!(strings(&docs, "title")[i].as_deref(), Some("平凉崆峒"));
    assert_eq!(strings(&docs, "url")[i].as_deref(), Some("http://example.cn/a/1.html"));
    assert_eq!(dates(&docs)[i].as_deref(), Some("2024-10-08"));
    assert_eq!(strings(&docs, "record_id")[i].as_deref(), Some("rec-1"));
    assert_eq!(strings(&docs, "format")[i].as_deref(), Some("jsonl"));
    let x = paths.iter().position(|p| p.ends_with("i.xml#1")).unwrap();
    assert_eq!(strings(&docs, "title")[x].as_deref(), Some("三原县党建促发展"));
    assert_eq!(strings(&docs, "url")[x].as_deref(), Some("http://news.sogou.com/1"));
    assert_eq!(strings(&docs, "encoding")[x].as_deref(), Some("GBK"));
    let h = paths.iter().position(|p| p.ends_with("g.tar.gz!site/p1.html")).unwrap();
    assert_eq!(strings(&docs, "format")[h].as_deref(), Some("html"));
    assert_eq!(
        docs.num_rows() + errors.num_rows() + m["skipped"].as_u64().unwrap() as usize,
        m["inputs_seen"].as_u64().unwrap() as usize
    );
}

/// Archives inside archives are opened to a fixed depth: deeper members are an errors row,
/// where a zip of a zip a few hundred deep (a few kilobytes) overflowed the reader's stack
/// and aborted the whole run.
#[test]
fn archives_nested_too_deep_are_an_errors_row() {
    let w = Workdir::new();
    let dir = w.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    // A text inside 40 zips, each the only member of the next.
    let mut bytes = "标题\n党支部书记王力说,今年建成党群服务中心。\n".as_bytes().to_vec();
    let mut name = "deep.txt".to_string();
    for i in 0..40 {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(&bytes).unwrap();
        bytes = z.finish().unwrap().into_inner();
        name = format!("level{i}.zip");
    }
    std::fs::write(dir.join(&name), &bytes).unwrap();
    std::fs::write(dir.join("plain.txt"), seeds_text()).unwrap();
    let out = w.join("out");
    let m = run(&w, &dir, &out);
    assert_eq!(m["accounted"], true);
    let errors = read_table(&out, "errors");
    assert_eq!(strings(&errors, "kind"), [Some("too_deep".to_string())]);
    assert_eq!(read_table(&out, "documents").num_rows(), 1, "the other input is read");
}

fn seeds_text() -> Vec<u8> {
    let first = std::fs::read_dir(seeds()).unwrap().flatten().map(|e| e.path()).min().unwrap();
    std::fs::read(first).unwrap()
}

/// A record file or archive with no document in it (a header-only CSV, a JSON Lines file of
/// blank lines, an empty zip) is an errors row, so that no input leaves the tables without
/// a trace.
#[test]
fn containers_with_no_document_are_an_errors_row() {
    let w = Workdir::new();
    let dir = w.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("header.csv"), "title,text\n").unwrap();
    std::fs::write(dir.join("blank.jsonl"), "\n\n").unwrap();
    zip::ZipWriter::new(File::create(dir.join("none.zip")).unwrap()).finish().unwrap();
    std::fs::write(dir.join("plain.txt"), seeds_text()).unwrap();
    let out = w.join("out");
    let o = w.zhetl(&["run", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(3), "3 of 4 failed: {}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap();
    assert_eq!(m["accounted"], true);
    let errors = read_table(&out, "errors");
    let kinds: Vec<Option<String>> = strings(&errors, "kind");
    assert_eq!(kinds, vec![Some("empty".to_string()); 3]);
}
