//! Promises to scheduled batch jobs (issue #6), each shown by breaking things on purpose:
//! SIGKILL at random moments, reruns, incremental runs, shards sharing one OUT, inputs listed
//! in another order, near-duplicate copies, an output folder that cannot be written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::util::{read_table, repo, seeds, stderr, strings, Workdir};

/// Every row of a table as text, in file order.
fn rows(out: &Path, table: &str) -> Vec<String> {
    let b = read_table(out, table);
    let opts = FormatOptions::default();
    // Time-zone names need chrono-tz to print; the instant is what matters here.
    let cols: Vec<arrow::array::ArrayRef> = b
        .columns()
        .iter()
        .map(|c| match c.data_type() {
            arrow::datatypes::DataType::Timestamp(..) => {
                arrow::compute::cast(c, &arrow::datatypes::DataType::Int64).unwrap()
            }
            _ => c.clone(),
        })
        .collect();
    let fmts: Vec<ArrayFormatter> = cols.iter().map(|c| ArrayFormatter::try_new(c, &opts).unwrap()).collect();
    (0..b.num_rows()).map(|i| fmts.iter().map(|f| f.value(i).to_string()).collect::<Vec<_>>().join("\u{1f}")).collect()
}

/// Every table of OUT, rows in file order.
fn tables(out: &Path) -> BTreeMap<&'static str, Vec<String>> {
    zhetl::Table::ALL.iter().map(|t| (t.name(), rows(out, t.name()))).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A corpus of `n` distinct articles made from the seeds (each with its own closing line).
fn corpus(w: &Workdir, n: usize) -> PathBuf {
    let dir = w.join("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    let seeds: Vec<Vec<u8>> = seed_files().iter().map(|p| std::fs::read(p).unwrap()).collect();
    for i in 0..n {
        let mut bytes = seeds[i % seeds.len()].clone();
        bytes.extend_from_slice(format!("\n本文编号{i}，转载请注明出处。\n").as_bytes());
        std::fs::write(dir.join(format!("{i:03}.txt")), bytes).unwrap();
    }
    dir
}

/// `n` (at most 10) different articles: the first half of one seed's text with the second
/// half of another's, so that no two share enough text to be near duplicates.
fn mixed_corpus(w: &Workdir, n: usize) -> PathBuf {
    let dir = w.join("mixed");
    std::fs::create_dir_all(&dir).unwrap();
    let seeds: Vec<String> = seed_files().iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    // Halves by characters, cut at the line break nearest the middle.
    let half = |t: &str| {
        let mid = (0..=t.len() / 2).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
        let cut = t[..mid].rfind('\n').or_else(|| t[mid..].find('\n').map(|i| mid + i)).unwrap_or(mid);
        (t[..cut].to_string(), t[cut..].to_string())
    };
    let k = seeds.len();
    for i in 0..n {
        let (a, b) = (i % k, (i % k + 1 + i / k) % k);
        let text = format!("{}{}", half(&seeds[a]).0, half(&seeds[b]).1);
        std::fs::write(dir.join(format!("{i:03}.txt")), text).unwrap();
    }
    dir
}

fn seed_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(seeds()).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

/// A config that checkpoints often, so that kills land between checkpoints and commits,
/// with two writer threads, so that resuming also restores their part numbering.
fn config(w: &Workdir) -> PathBuf {
    w.write("small.toml", b"[run]\nchunk_size = 3\ncheckpoint_inputs = 3\nthreads = 2\n[output]\nwriter_threads = 2\n")
}

fn run(w: &Workdir, args: &[&str]) -> serde_json::Value {
    let o = w.zhetl(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    manifest(Path::new(args[args.iter().position(|a| *a == "-o").unwrap() + 1]))
}

/// Starts `zhetl` with `args` in the background, output discarded: a run to be killed.
fn spawn_run(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_zhetl"))
        .args(args)
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("_manifest.json")).unwrap()).unwrap()
}

/// The doc_ids of `documents`, checked to be unique, and the check that every other table
/// refers only to them.
fn doc_ids(out: &Path) -> BTreeSet<String> {
    let ids: Vec<String> = strings(&read_table(out, "documents"), "doc_id").into_iter().flatten().collect();
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "a doc_id appears twice in documents");
    for t in ["paragraphs", "sentences", "entities", "keywords"] {
        let child: BTreeSet<String> = strings(&read_table(out, t), "doc_id").into_iter().flatten().collect();
        assert!(child.is_subset(&set), "{t} has rows of documents not in documents");
    }
    set
}

#[test]
fn killed_runs_leave_the_committed_state_and_a_rerun_completes_it() {
    let w = Workdir::new();
    let input = corpus(&w, 24);
    let cfg = config(&w);
    let reference = w.join("reference");
    let (input_s, cfg_s, ref_s) = (input.to_str().unwrap(), cfg.to_str().unwrap(), reference.to_str().unwrap());
    let clock = Instant::now();
    run(&w, &["run", input_s, "-c", cfg_s, "-o", ref_s, "--no-progress"]);
    let full = clock.elapsed();
    let want = tables(&reference);
    let want_ids = doc_ids(&reference);
    assert_eq!(want_ids.len(), 24);

    let out = w.join("out");
    let out_s = out.to_str().unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let (mut resumed, mut interrupted) = (0, 0);
    let trials = 20;
    for trial in 0..trials {
        // Kill at a random moment of a run, from its start to past its end.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = Duration::from_millis(seed % (full.as_millis() as u64).max(1));
        let before = out.join("_manifest.json").exists().then(|| tables(&out));
        let mut child = spawn_run(&["run", input_s, "-c", cfg_s, "-o", out_s, "--no-progress"]);
        std::thread::sleep(at);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if !finished {
            interrupted += 1;
        }
        // Whatever the moment, OUT holds a complete committed state: the previous one or
        // the new one, never a mix.
        if out.join("_manifest.json").exists() {
            let now = tables(&out);
            assert!(Some(&now) == before.as_ref() || now == want, "trial {trial}: a mixed state");
        }
        // The same command again completes the work.
        let m = run(&w, &["run", input_s, "-c", cfg_s, "-o", out_s, "--no-progress"]);
        if m["resumed_inputs"].as_u64().unwrap() > 0 {
            resumed += 1;
        }
        assert_eq!(doc_ids(&out), want_ids, "trial {trial}");
        assert_eq!(tables(&out), want, "trial {trial}: tables differ from an uninterrupted run");
        assert_eq!(m["accounted"], true);
        // Start the next trial from nothing half the time.
        if trial % 2 == 1 {
            std::fs::remove_dir_all(&out).unwrap();
        }
    }
    eprintln!("{trials} trials: {interrupted} killed mid-run, {resumed} resumed from a checkpoint");
    assert!(interrupted >= trials / 4, "too few kills landed mid-run: {interrupted}");
}

/// A run killed while it removes its pending folder after the commit can leave a checkpoint
/// log whose parts are gone. The rerun must start afresh, not fail reading a missing part:
/// shown by killing a run after its first checkpoint and deleting a part the log lists.
#[test]
fn a_checkpoint_whose_parts_are_gone_is_not_resumed() {
    let w = Workdir::new();
    let input = corpus(&w, 24);
    let cfg = config(&w);
    let reference = w.join("reference");
    let (input_s, cfg_s, ref_s) = (input.to_str().unwrap(), cfg.to_str().unwrap(), reference.to_str().unwrap());
    run(&w, &["run", input_s, "-c", cfg_s, "-o", ref_s, "--no-progress"]);
    let want = tables(&reference);
    let out = w.join("out");
    let out_s = out.to_str().unwrap();
    // Kill the run once a checkpoint is logged.
    let mut child = spawn_run(&["run", input_s, "-c", cfg_s, "-o", out_s, "--no-progress"]);
    let log = || -> Option<PathBuf> {
        let pending = std::fs::read_dir(out.join(".zhetl/pending")).ok()?.flatten().next()?.path();
        let log = pending.join("checkpoints.log");
        std::fs::read_to_string(&log).ok().filter(|t| t.contains("documents")).map(|_| pending)
    };
    let clock = Instant::now();
    let pending = loop {
        if let Some(p) = log() {
            break Some(p);
        }
        if child.try_wait().unwrap().is_some() || clock.elapsed() > Duration::from_secs(60) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let _ = child.kill();
    let _ = child.wait();
    let Some(pending) = pending else {
        eprintln!("the run ended before a checkpoint could be caught; nothing to show");
        return;
    };
    // Delete one part the log lists.
    let text = std::fs::read_to_string(pending.join("checkpoints.log")).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().next_back().unwrap()).unwrap();
    let listed = last["parts"]["documents"][0].as_str().expect("a documents part in the checkpoint");
    std::fs::remove_file(pending.join("documents").join(listed)).unwrap();
    let m = run(&w, &["run", input_s, "-c", cfg_s, "-o", out_s, "--no-progress"]);
    assert_eq!(m["resumed_inputs"].as_u64(), Some(0), "a broken checkpoint is not resumed");
    assert_eq!(tables(&out), want, "tables differ from an uninterrupted run");
}

#[test]
fn incremental_runs_add_only_what_is_new() {
    let w = Workdir::new();
    let all = corpus(&w, 12);
    // The dump grows: first 7 files, then 5 more in the same folder.
    let first = w.join("dump");
    std::fs::create_dir_all(&first).unwrap();
    for i in 0..7 {
        let name = format!("{i:03}.txt");
        std::fs::copy(all.join(&name), first.join(&name)).unwrap();
    }
    let out = w.join("out");
    let out_s = out.to_str().unwrap();
    let m = run(&w, &["run", first.to_str().unwrap(), "-o", out_s, "--no-progress", "--incremental"]);
    assert_eq!(m["documents_written"], 7);
    for i in 7..12 {
        let name = format!("{i:03}.txt");
        std::fs::copy(all.join(&name), first.join(&name)).unwrap();
    }
    let all = first.clone();
    let m = run(&w, &["run", all.to_str().unwrap(), "-o", out_s, "--no-progress", "--incremental"]);
    assert_eq!(m["documents_written"], 5);
    assert_eq!(m["skipped"], 7);
    let before = tables(&out);
    let o = w.zhetl(&["run", all.to_str().unwrap(), "-o", out_s, "--no-progress", "--incremental"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("nothing new"), "{}", stderr(&o));
    let m = manifest(&out);
    assert_eq!(m["documents_written"], 0);
    assert_eq!(m["history"].as_array().unwrap().len(), 3);
    assert_eq!(tables(&out), before, "a second incremental run changed the tables");
    // The same rows as one run over everything.
    let single = w.join("single");
    run(&w, &["run", all.to_str().unwrap(), "-o", single.to_str().unwrap(), "--no-progress"]);
    for (t, r) in tables(&single) {
        assert_eq!(sorted(before[t].clone()), sorted(r), "{t}");
    }
}

#[test]
fn same_tables_whatever_the_threads_and_the_order_of_inputs() {
    let w = Workdir::new();
    let files = seed_files();
    let mut forward: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let a = w.join("a");
    let mut args = vec!["run", "-o", a.to_str().unwrap(), "-j", "1", "--no-progress"];
    args.extend(forward.iter());
    run(&w, &args);
    forward.reverse();
    let b = w.join("b");
    let mut args = vec!["run", "-o", b.to_str().unwrap(), "-j", "4", "--no-progress"];
    args.extend(forward.iter());
    run(&w, &args);
    assert_eq!(tables(&a), tables(&b));
}

#[test]
fn writer_threads_write_their_own_parts_and_lose_no_row() {
    let w = Workdir::new();
    let input = corpus(&w, 24);
    let one = w.join("one");
    let three = w.join("three");
    let cfg1 = w.write("w1.toml", b"[run]\nchunk_size = 8\n[output]\nwriter_threads = 1\n");
    let cfg3 = w.write("w3.toml", b"[run]\nchunk_size = 8\n[output]\nwriter_threads = 3\n");
    for (cfg, out, lanes) in [(&cfg1, &one, 1), (&cfg3, &three, 3)] {
        let (input, cfg, out) = (input.to_str().unwrap(), cfg.to_str().unwrap(), out.to_str().unwrap());
        let m = run(&w, &["run", input, "-c", cfg, "-o", out, "--no-progress"]);
        assert_eq!(m["writer_threads"], lanes, "the manifest names the writer threads");
    }
    let parts = |out: &Path| std::fs::read_dir(out.join("documents")).unwrap().count();
    assert_eq!(parts(&one), 1);
    assert_eq!(parts(&three), 3, "one documents part per writer thread");
    let (a, b) = (tables(&one), tables(&three));
    for t in zhetl::Table::ALL {
        assert_eq!(sorted(a[t.name()].clone()), sorted(b[t.name()].clone()), "{} differs", t.name());
    }
    assert_eq!(doc_ids(&three).len(), 24);
}

#[test]
fn shards_sharing_one_out_commit_the_union_of_a_single_run() {
    let w = Workdir::new();
    // Duplicates are found within a shard (README): the articles here are all different.
    let input = mixed_corpus(&w, 9);
    let single = w.join("single");
    run(&w, &["run", input.to_str().unwrap(), "-o", single.to_str().unwrap(), "--no-progress"]);
    let shared = w.join("shared");
    // Three machines of an array job, run at once into the same folder.
    let children: Vec<_> = (0..3)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_zhetl"))
                .args(["run", input.to_str().unwrap(), "-o", shared.to_str().unwrap(), "--no-progress"])
                .args(["--shard", &format!("{i}/3"), "-j", "1"])
                .current_dir(repo())
                .output()
                .unwrap()
        })
        .collect();
    for c in &children {
        assert!(c.status.success(), "{}", stderr(c));
    }
    let parts: Vec<String> = std::fs::read_dir(shared.join("documents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(parts
        .iter()
        .all(|p| p.starts_with("part-0of3-") || p.starts_with("part-1of3-") || p.starts_with("part-2of3-")));
    for (t, r) in tables(&single) {
        assert_eq!(sorted(rows(&shared, t)), sorted(r), "{t}");
    }
    // A shard run again replaces only its own parts.
    run(&w, &["run", input.to_str().unwrap(), "-o", shared.to_str().unwrap(), "--no-progress", "--shard", "1/3"]);
    assert_eq!(sorted(rows(&shared, "documents")), sorted(rows(&single, "documents")));
}

#[test]
fn near_duplicates_found_among_edited_copies_and_not_between_articles() {
    let w = Workdir::new();
    let dir = w.join("dups");
    std::fs::create_dir_all(&dir).unwrap();
    let mut expected: BTreeMap<String, String> = BTreeMap::new(); // copy path → original path
    for (s, p) in seed_files().iter().enumerate() {
        let text = std::fs::read_to_string(p).unwrap();
        let orig = dir.join(format!("s{s}-0-original.txt"));
        std::fs::write(&orig, &text).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let longest = (0..lines.len()).max_by_key(|&i| lines[i].chars().count()).unwrap();
        // Edits a syndicating site makes: a paragraph dropped, a few characters changed, a
        // line of its own boilerplate added, and the three together.
        let dropped: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != longest).map(|(_, l)| *l).collect();
        let changed = text.replacen('的', "之", 3).replacen('，', "；", 2);
        let framed = format!("{text}\n责任编辑：张三　来源：某某网\n");
        let all = format!("{}\n责任编辑：李四\n", dropped.join("\n").replacen('的', "之", 3));
        for (k, t) in [("1-dropped", dropped.join("\n")), ("2-changed", changed), ("3-framed", framed), ("4-all", all)]
        {
            let copy = dir.join(format!("s{s}-{k}.txt"));
            std::fs::write(&copy, t).unwrap();
            expected.insert(
                copy.file_name().unwrap().to_string_lossy().into(),
                orig.file_name().unwrap().to_string_lossy().into(),
            );
        }
    }
    let out = w.join("out");
    run(&w, &["run", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    let docs = read_table(&out, "documents");
    let name_of: BTreeMap<String, String> = strings(&docs, "doc_id")
        .into_iter()
        .zip(strings(&docs, "source_path"))
        .map(|(id, p)| (id.unwrap(), Path::new(&p.unwrap()).file_name().unwrap().to_string_lossy().into_owned()))
        .collect();
    // A pair counts when the copy points at its original, directly (duplicates) or as an
    // exact copy of the cleaned text (documents.duplicate_of: boilerplate removed).
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    let d = read_table(&out, "duplicates");
    for (a, b) in strings(&d, "doc_id").into_iter().zip(strings(&d, "duplicate_of")) {
        found.insert((name_of[&a.unwrap()].clone(), name_of[&b.unwrap()].clone()));
    }
    for (a, b) in strings(&docs, "doc_id").into_iter().zip(strings(&docs, "duplicate_of")) {
        if let Some(b) = b {
            found.insert((name_of[&a.unwrap()].clone(), name_of[&b].clone()));
        }
    }
    // Copies point at their original or at another copy of the same article.
    let article = |n: &str| n.split('-').next().unwrap().to_string();
    let right = found.iter().filter(|(a, b)| article(a) == article(b)).count();
    let recalled = expected.keys().filter(|c| found.iter().any(|(a, b)| a == *c && article(b) == article(c))).count();
    let missed: Vec<&String> =
        expected.keys().filter(|c| !found.iter().any(|(a, b)| a == *c && article(b) == article(c))).collect();
    eprintln!("near duplicates missed: {missed:?}");
    let precision = right as f64 / found.len().max(1) as f64;
    let recall = recalled as f64 / expected.len() as f64;
    eprintln!(
        "near duplicates: {} copies, {} pairs found, precision {precision:.3}, recall {recall:.3}",
        expected.len(),
        found.len()
    );
    assert_eq!(right, found.len(), "pairs between different articles: {found:?}");
    assert!(recall >= 0.9, "recall {recall}: {found:?}");
}

#[test]
fn an_output_that_cannot_be_written_exits_1_and_keeps_the_committed_state() {
    let w = Workdir::new();
    let out = w.join("out");
    run(&w, &["run", seeds().to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    let before = tables(&out);
    // The pending area cannot be created: a file stands where its folder goes.
    std::fs::remove_dir_all(out.join(".zhetl/pending")).unwrap();
    std::fs::write(out.join(".zhetl/pending"), b"not a folder").unwrap();
    let o = w.zhetl(&["run", seeds().to_str().unwrap(), "-o", out.to_str().unwrap(), "--no-progress"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let msg = stderr(&o);
    assert_eq!(msg.trim().lines().count(), 1, "{msg}");
    assert!(msg.contains("pending"), "{msg}");
    assert_eq!(tables(&out), before);
}

#[test]
fn json_logs_are_one_object_per_line() {
    let w = Workdir::new();
    let out = w.join("out");
    let o = w.zhetl(&["run", seeds().to_str().unwrap(), "-o", out.to_str().unwrap(), "--log-format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let events: Vec<serde_json::Value> = stderr(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(events.first().unwrap()["event"], "run_start");
    let end = events.last().unwrap();
    assert_eq!(end["event"], "run_end");
    assert_eq!(end["documents_written"], 5);
    // A fatal problem is a JSON line too.
    let o = w.zhetl(&["run", "-o", "/proc/zhetl-cannot-write", "--log-format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let last: serde_json::Value = serde_json::from_str(stderr(&o).trim().lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "fatal");
}
