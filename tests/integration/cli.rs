//! The binary as users and schedulers meet it: the four commands, exit codes, the output
//! layout and the schema of what is written.

use std::collections::BTreeMap;

use crate::util::{read_table, seeds, stderr, strings, Workdir};

fn run_seeds(w: &Workdir, extra: &[&str]) -> std::path::PathBuf {
    let out = w.join("out");
    let seeds = seeds();
    let mut args = vec!["run", seeds.to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"];
    args.extend_from_slice(extra);
    let o = w.zhetl(&args);
    assert!(o.status.success(), "run failed: {}", stderr(&o));
    out
}

#[test]
fn run_writes_every_table_and_the_manifest_last() {
    let w = Workdir::new();
    let out = run_seeds(&w, &[]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["documents_written"], 5);
    assert_eq!(manifest["errors"], 0);
    assert_eq!(manifest["accounted"], true);
    for key in ["tool_version", "config_digest", "started_at", "finished_at", "bytes_read", "stage_seconds"] {
        assert!(manifest.get(key).is_some(), "manifest lacks {key}");
    }
    for t in zhetl::Table::ALL {
        let parts: Vec<_> = std::fs::read_dir(out.join(t.name())).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!parts.is_empty(), "{} has no part", t.name());
        for p in parts {
            let p = p.to_string_lossy();
            assert!(p.starts_with("part-0of1-") && p.ends_with(".parquet"), "{p}");
        }
    }
    // Nothing is left pending, and only the state folder is hidden.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".zhetl")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(std::fs::read_dir(out.join(".zhetl/pending")).unwrap().count(), 0);
    let docs = read_table(&out, "documents");
    assert_eq!(docs.num_rows(), 5);
}

#[test]
fn skipped_tables_are_empty_and_named_in_the_manifest() {
    let w = Workdir::new();
    let cfg = w.write("skip.toml", b"[output]\nskip_tables = [\"tokens\", \"keywords\", \"dates\"]\n");
    let out = run_seeds(&w, &["-c", cfg.to_str().unwrap()]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["skipped_tables"], serde_json::json!(["tokens", "keywords", "dates"]));
    // A skipped table is still there for readers, with its schema and no rows.
    for t in ["tokens", "keywords", "dates"] {
        let b = read_table(&out, t);
        assert_eq!(b.num_rows(), 0, "{t}");
        assert_eq!(b.schema().fields().len(), zhetl::Table::from_name(t).unwrap().schema().fields().len());
    }
    assert_eq!(read_table(&out, "documents").num_rows(), 5);
    for t in ["sentences", "entities", "quantities"] {
        assert!(read_table(&out, t).num_rows() > 0, "{t} is empty");
    }
}

#[test]
fn positions_are_delta_encoded_and_words_dictionary_encoded() {
    use parquet::basic::Encoding;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let w = Workdir::new();
    let out = run_seeds(&w, &[]);
    let part = std::fs::read_dir(out.join("tokens")).unwrap().next().unwrap().unwrap().path();
    let reader = SerializedFileReader::new(std::fs::File::open(&part).unwrap()).unwrap();
    let rg = reader.metadata().row_group(0);
    let column =
        |name: &str| (0..rg.num_columns()).map(|i| rg.column(i)).find(|c| c.column_path().string() == name).unwrap();
    for name in ["sentence_idx", "token_idx", "start"] {
        let c = column(name);
        assert!(c.encodings().any(|e| e == Encoding::DELTA_BINARY_PACKED), "{name}");
        assert!(c.dictionary_page_offset().is_none(), "{name} has a dictionary");
        assert!(c.statistics().is_some(), "{name} lost its statistics");
    }
    for name in ["doc_id", "token", "pos"] {
        assert!(column(name).dictionary_page_offset().is_some(), "{name} has no dictionary");
    }
}

/// The contract's types, read from the fixture copy of the contract.
fn contract() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(crate::util::repo().join("tests/fixtures/contract.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn schema_command_and_files_agree_with_the_contract() {
    let w = Workdir::new();
    let o = w.zhetl(&["schema", "--json"]);
    assert!(o.status.success());
    let printed: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_slice(&o.stdout).unwrap();
    let out = run_seeds(&w, &[]);
    for (table, cols) in contract() {
        let got = printed.get(&table).unwrap_or_else(|| panic!("schema lacks table {table}"));
        for (col, typ) in &cols {
            assert_eq!(got.get(col), Some(typ), "{table}.{col}");
        }
        // The files carry exactly the schema the binary reports.
        let batch = read_table(&out, &table);
        let schema = batch.schema();
        let names: Vec<&String> = schema.fields().iter().map(|f| f.name()).collect();
        let expected: Vec<&String> = got.keys().collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "{table} columns");
        for f in batch.schema().fields() {
            assert_eq!(got[f.name()], zhetl::contract_type(f.data_type()), "{table}.{} in file", f.name());
        }
    }
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let w1 = Workdir::new();
    let w4 = Workdir::new();
    let a = run_seeds(&w1, &["-j", "1"]);
    let b = run_seeds(&w4, &["-j", "4"]);
    for t in zhetl::Table::ALL {
        assert_eq!(read_table(&a, t.name()), read_table(&b, t.name()), "{} differs", t.name());
    }
}

#[test]
fn bad_inputs_are_error_rows_and_the_run_goes_on() {
    let w = Workdir::new();
    w.write("in/empty.txt", b"");
    w.write("in/blank.txt", b"  \n \t\n");
    let bin: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
    w.write("in/photo.txt", &bin);
    w.write("in/good.txt", "标题\n金昌市139个行政村全部建成标准化党群服务中心。\n".as_bytes());
    let out = w.join("out");
    let o = w.zhetl(&["run", w.join("in").to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(3), "3 of 4 failed, over the default 50%: {}", stderr(&o));
    // Committed all the same.
    assert!(out.join("_manifest.json").is_file());
    let errors = read_table(&out, "errors");
    let mut kinds: Vec<String> = strings(&errors, "kind").into_iter().flatten().collect();
    kinds.sort();
    assert_eq!(kinds, ["binary", "empty", "empty"]);
    assert!(strings(&errors, "message").iter().all(|m| m.as_deref().is_some_and(|m| !m.is_empty())));
    assert_eq!(read_table(&out, "documents").num_rows(), 1);
}

#[test]
fn error_rate_under_the_limit_exits_zero() {
    let w = Workdir::new();
    w.write("in/empty.txt", b"");
    for i in 0..3 {
        w.write(&format!("in/{i}.txt"), format!("第{i}篇\n党支部书记王力说,今年建成党群服务中心{i}个。\n").as_bytes());
    }
    let out = w.join("out");
    let o = w.zhetl(&["run", w.join("in").to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read_table(&out, "errors").num_rows(), 1);
}

#[test]
fn config_problems_exit_1_naming_the_key() {
    let w = Workdir::new();
    let unknown = w.write("unknown.toml", b"[run]\nchunk_sise = 3\n");
    let o = w.zhetl(&["run", "-c", unknown.to_str().unwrap(), "-o", w.join("o").to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("run.chunk_sise"), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim().lines().count(), 1, "one line: {}", stderr(&o));

    let bad = w.write("bad.toml", b"[output]\nzstd_level = 99\n");
    let o = w.zhetl(&["run", "-c", bad.to_str().unwrap(), "-o", w.join("o").to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("output.zstd_level"), "{}", stderr(&o));

    let missing = w.join("missing.toml");
    let o = w.zhetl(&["run", "-c", missing.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}

/// A scheduled run pointed at a path that is not there, or at an empty folder (an unmounted
/// volume's mount point), fails and leaves the committed output alone rather than replace it
/// with empty tables; an output folder inside the input folder is not read back as input.
#[test]
fn missing_or_empty_inputs_keep_the_output_and_the_output_is_not_input() {
    let w = Workdir::new();
    let out = run_seeds(&w, &[]);
    let o = w.zhetl(&["run", w.join("no-such-dir").to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-dir"), "{}", stderr(&o));
    std::fs::create_dir_all(w.join("empty")).unwrap();
    let o = w.zhetl(&["run", w.join("empty").to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no input files"), "{}", stderr(&o));
    assert_eq!(read_table(&out, "documents").num_rows(), 5, "the committed output stands");

    let input = w.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(seeds()).unwrap().flatten() {
        std::fs::copy(e.path(), input.join(e.file_name())).unwrap();
    }
    let inner = input.join("out");
    for _ in 0..2 {
        let o = w.zhetl(&["run", input.to_str().unwrap(), "-o", inner.to_str().unwrap(), "--no-progress"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(read_table(&inner, "documents").num_rows(), 5);
    assert_eq!(read_table(&inner, "errors").num_rows(), 0);
}

#[test]
fn unwritable_output_exits_1() {
    let w = Workdir::new();
    let file = w.write("a-file", b"x");
    let out = file.join("out");
    let o = w.zhetl(&["run", seeds().to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("a-file"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let w = Workdir::new();
    assert_eq!(w.zhetl(&["run", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(w.zhetl(&["frobnicate"]).status.code(), Some(2));
    // A shard that is no I/N with I < N is refused as the argument parser refuses others.
    for bad in ["3/2", "5/4", "1/0", "a/b", "2"] {
        let o = w.zhetl(&["run", "--shard", bad, "--no-progress"]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("--shard"), "{}", stderr(&o));
    }
}

#[test]
fn inspect_reports_counts_and_refuses_incomplete_output() {
    let w = Workdir::new();
    let out = run_seeds(&w, &[]);
    let o = w.zhetl(&["inspect", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("documents") && text.contains("         5"), "{text}");
    std::fs::remove_file(out.join("_manifest.json")).unwrap();
    let o = w.zhetl(&["inspect", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("incomplete"), "{}", stderr(&o));
}

#[test]
fn shards_together_equal_one_run() {
    let w = Workdir::new();
    let whole = run_seeds(&w, &[]);
    let mut ids: Vec<String> = strings(&read_table(&whole, "documents"), "doc_id").into_iter().flatten().collect();
    ids.sort();
    let mut union = Vec::new();
    for i in 0..3 {
        let out = w.join(&format!("shard{i}"));
        let shard = format!("{i}/3");
        let o = w.zhetl(&[
            "run",
            seeds().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "--no-progress",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        union.extend(strings(&read_table(&out, "documents"), "doc_id").into_iter().flatten());
    }
    union.sort();
    assert_eq!(union, ids);
}

#[test]
fn bench_reports_throughput() {
    let w = Workdir::new();
    let seeds = seeds();
    let args = ["bench", seeds.to_str().unwrap(), "--min-mb", "0.2", "-j", "2", "--json"];
    let o = w.zhetl(&[&args[..], &["--compare-extract", "--rounds", "2"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["runs"].as_array().unwrap().len(), 2);
    assert!(r["runs"][0]["mb_per_s"].as_f64().unwrap() > 0.0);
    assert!(r["peak_rss_mb"].as_f64().unwrap() > 0.0);
    // Two rounds each way; the extract-off figure is their median, the ratio that of medians.
    let rounds = &r["extract_rounds"];
    let each = |k: &str| rounds[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>();
    let (on, off) = (each("on_mb_per_s"), each("off_mb_per_s"));
    assert_eq!((on.len(), off.len()), (2, 2));
    let mid = |v: &[f64]| (v[0] + v[1]) / 2.0;
    assert!((r["extract_off_mb_per_s"].as_f64().unwrap() - mid(&off)).abs() < 1e-9);
    assert!((rounds["ratio"].as_f64().unwrap() - mid(&on) / mid(&off)).abs() < 1e-9);
    // Without the flag, no comparison is reported.
    let o = w.zhetl(&args);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r.get("extract_rounds").is_none() && r.get("extract_off_mb_per_s").is_none());
}
