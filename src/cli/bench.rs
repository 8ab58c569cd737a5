//! `zhetl bench`: measures the real pipeline on a corpus held in memory, with 1 thread and
//! with all cores, and reports end-to-end MB/s and docs/s, seconds per stage and peak memory.
//!
//! The sink encodes every table to Parquet exactly as `run` does but into `io::sink()`, so
//! the figure is the pipeline's cost without the disk (arrow-rs benches its writer the same
//! way). Stage seconds are CPU seconds summed over threads.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;
use zhetl::{Decoder, DiscardSink, Lexicon, Pipeline, RawDoc, Shard, Source, StageSeconds};

#[derive(clap::Args, Debug)]
pub(crate) struct BenchArgs {
    /// Files or folders to measure on. Default: the bundled sample corpus.
    inputs: Vec<PathBuf>,
    /// Config file [default: config/default.toml when present].
    #[arg(short = 'c', long = "config")]
    config: Option<PathBuf>,
    /// Most threads to measure [default: all cores].
    #[arg(short = 'j', long = "threads")]
    threads: Option<usize>,
    /// Repeat the inputs until the corpus holds at least this many MB.
    #[arg(long, default_value_t = 8.0)]
    min_mb: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Also measure 1 thread with the extract stage off and print the ratio of the two:
    /// `--rounds` runs each way, alternating, compared by their medians.
    #[arg(long)]
    compare_extract: bool,
    /// Rounds of each way for `--compare-extract`. One round each put the extraction run
    /// first, in a process not yet warm, and the two ran minutes apart on a shared machine:
    /// single ratios varied from 53% to 67% on one corpus.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=50))]
    rounds: u32,
    /// Also time bare jieba-rs part-of-speech tagging (`Jieba::tag`, HMM on, default
    /// dictionary) over the same documents, decoded, in memory, 1 thread, and print the ratio
    /// (MB/s of input bytes for both).
    #[arg(long)]
    compare_jieba: bool,
    /// Read the inputs from disk inside the measured run, once (no repetition): includes
    /// reading, decompression and unpacking, to compare formats of the same documents.
    #[arg(long)]
    stream: bool,
}

#[derive(Serialize)]
struct Measure {
    threads: usize,
    /// Writer threads (`output.writer_threads`, resolved); `write` seconds are the writer's
    /// wall time, all of them together.
    writer_threads: usize,
    wall_seconds: f64,
    mb_per_s: f64,
    docs_per_s: f64,
    stage_cpu_seconds: StageSeconds,
    stage_mb_per_cpu_s: StageSeconds,
}

#[derive(Serialize)]
struct BenchReport {
    corpus_mb: f64,
    documents: usize,
    cores: usize,
    runs: Vec<Measure>,
    speedup: f64,
    /// 1-thread MB/s with the extract stage off (`--compare-extract`): the median round.
    #[serde(skip_serializing_if = "Option::is_none")]
    extract_off_mb_per_s: Option<f64>,
    /// `--compare-extract`, round by round.
    #[serde(skip_serializing_if = "Option::is_none")]
    extract_rounds: Option<ExtractRounds>,
    /// MB/s of bare jieba-rs tagging of the same documents (`--compare-jieba`).
    #[serde(skip_serializing_if = "Option::is_none")]
    jieba_tag_mb_per_s: Option<f64>,
    peak_rss_mb: f64,
    /// Tables the config leaves empty (`output.skip_tables`): not built nor encoded.
    skipped_tables: Vec<String>,
}

/// 1-thread MB/s with the extract stage on and off, measured alternately.
#[derive(Serialize)]
struct ExtractRounds {
    on_mb_per_s: Vec<f64>,
    off_mb_per_s: Vec<f64>,
    /// Median on over median off.
    ratio: f64,
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Peak resident memory of this process (VmHWM), in MB.
pub(crate) fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub(crate) fn run(a: BenchArgs) -> Result<u8> {
    let cfg = super::load_config(a.config.as_deref())?;
    let inputs = super::resolve_inputs(&a.inputs, &cfg)?;
    let base: Vec<RawDoc> =
        Source::with_input(&inputs, cfg.run.max_file_bytes, &cfg.input).filter_map(|r| r.ok()).collect();
    anyhow::ensure!(!base.is_empty(), "no readable input to measure");
    let mut corpus = base.clone();
    let mut bytes: usize = corpus.iter().map(|d| d.bytes.len()).sum();
    let mut round = 1;
    while !a.stream && (bytes as f64) < a.min_mb * 1e6 {
        for d in &base {
            corpus.push(RawDoc { source_path: format!("{}#{round}", d.source_path), ..d.clone() });
            bytes += d.bytes.len();
        }
        round += 1;
    }
    let pipeline = Pipeline::new(&cfg)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max_threads = a.threads.unwrap_or(cores).max(1);
    let mut counts = vec![1];
    if max_threads > 1 {
        counts.push(max_threads);
    }
    let mb = bytes as f64 / 1e6;
    let measure = |pipeline: &Pipeline, threads: usize| -> Result<zhetl::RunReport> {
        let sink = DiscardSink::new(&cfg.output, threads)?;
        if a.stream {
            let docs = Source::with_input(&inputs, cfg.run.max_file_bytes, &cfg.input);
            return Ok(pipeline.run(docs, sink, threads, Shard::ALL, &|_| {})?.0);
        }
        let docs = corpus.clone().into_iter().map(Ok);
        Ok(pipeline.run(docs, sink, threads, Shard::ALL, &|_| {})?.0)
    };
    let mut runs = Vec::new();
    for &threads in &counts {
        let report = measure(&pipeline, threads)?;
        let s = report.stage_seconds;
        let per = |x: f64| if x > 0.0 { mb / x } else { 0.0 };
        runs.push(Measure {
            threads,
            writer_threads: cfg.output.writer_lanes(threads),
            wall_seconds: report.wall_seconds,
            mb_per_s: mb / report.wall_seconds,
            docs_per_s: corpus.len() as f64 / report.wall_seconds,
            stage_cpu_seconds: s,
            stage_mb_per_cpu_s: StageSeconds {
                read: per(s.read),
                decode: per(s.decode),
                clean: per(s.clean),
                segment: per(s.segment),
                extract: per(s.extract),
                dedup: per(s.dedup),
                write: per(s.write),
            },
        });
    }
    let speedup = if runs.len() > 1 { runs[1].mb_per_s / runs[0].mb_per_s } else { 1.0 };
    let extract_rounds = if a.compare_extract {
        let mut off = cfg.clone();
        off.extract.enabled = false;
        let off = Pipeline::new(&off)?;
        let (mut on_mb, mut off_mb) = (Vec::new(), Vec::new());
        for _ in 0..a.rounds {
            on_mb.push(mb / measure(&pipeline, 1)?.wall_seconds);
            off_mb.push(mb / measure(&off, 1)?.wall_seconds);
        }
        let off_median = median(&off_mb);
        Some((
            off_median,
            ExtractRounds { ratio: median(&on_mb) / off_median, on_mb_per_s: on_mb, off_mb_per_s: off_mb },
        ))
    } else {
        None
    };
    let (extract_off_mb_per_s, extract_rounds) = extract_rounds.unzip();
    let jieba_tag_mb_per_s = if a.compare_jieba {
        let jieba = jieba_rs::Jieba::new();
        // jieba-rs gets each document's decoded text: GBK, Big5 and UTF-16 bytes read as lossy
        // UTF-8 are mostly U+FFFD, not the text it would be given (on the People's Daily texts
        // in ten variants it made 59 MB/s, decoded 62). MB count the input bytes, as zhetl's do.
        let decoder = Decoder::new(&cfg.decode, Arc::new(Lexicon::new(&None, &None)?));
        let texts: Vec<String> =
            corpus.iter().filter_map(|d| decoder.decode(d.clone()).ok()).map(|d| d.raw_text).collect();
        let n: usize = corpus.iter().map(|d| d.bytes.len()).sum();
        let t = std::time::Instant::now();
        let mut words = 0usize;
        for text in &texts {
            words += jieba.tag(text, true).len();
        }
        let secs = t.elapsed().as_secs_f64();
        std::hint::black_box(words);
        Some(n as f64 / 1e6 / secs)
    } else {
        None
    };
    let report = BenchReport {
        corpus_mb: mb,
        documents: corpus.len(),
        cores,
        runs,
        speedup,
        extract_off_mb_per_s,
        extract_rounds,
        jieba_tag_mb_per_s,
        peak_rss_mb: peak_rss_mb(),
        skipped_tables: cfg.output.skip_tables.clone(),
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    println!("corpus: {:.1} MB, {} documents; {} cores", report.corpus_mb, report.documents, cores);
    if !report.skipped_tables.is_empty() {
        println!("tables skipped by the config: {}", report.skipped_tables.join(", "));
    }
    println!(
        "{:>7} {:>7} {:>9} {:>9} {:>10}   MB per CPU-second: decode  clean  segment  extract  write",
        "threads", "writers", "seconds", "MB/s", "docs/s"
    );
    for r in &report.runs {
        let p = &r.stage_mb_per_cpu_s;
        println!(
            "{:>7} {:>7} {:>9.2} {:>9.2} {:>10.0}   {:>24.1} {:>6.1} {:>8.1} {:>8.1} {:>6.1}",
            r.threads,
            r.writer_threads,
            r.wall_seconds,
            r.mb_per_s,
            r.docs_per_s,
            p.decode,
            p.clean,
            p.segment,
            p.extract,
            p.write
        );
    }
    println!("speedup {:.2}x with {} threads; peak RSS {:.0} MB", report.speedup, max_threads, report.peak_rss_mb);
    if let Some(j) = report.jieba_tag_mb_per_s {
        let on = report.runs[0].mb_per_s;
        println!(
            "bare jieba-rs tag, 1 thread, same documents in memory: {j:.2} MB/s; zhetl is {:.0}% of that",
            100.0 * on / j
        );
    }
    if let Some(r) = &report.extract_rounds {
        let list = |v: &[f64]| v.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join(", ");
        println!(
            "1 thread, {} rounds alternating: extract stage on {} MB/s, off {} MB/s; with extraction {:.0}% of the speed without (medians)",
            a.rounds,
            list(&r.on_mb_per_s),
            list(&r.off_mb_per_s),
            100.0 * r.ratio
        );
    }
    Ok(0)
}
