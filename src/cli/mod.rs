//! Command line (bin only): clap arguments, config loading with CLI overrides, and the four
//! commands of the contract: `run`, `schema`, `inspect`, `bench`.

mod bench;
mod eval;
mod inspect;
mod progress;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use zhetl::{Config, Pipeline, RunOptions, Shard, Table};

/// Chinese news text in, clean Parquet tables out.
#[derive(Parser, Debug)]
#[command(name = "zhetl", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Process files and folders into Parquet tables under OUT.
    Run(RunArgs),
    /// Print every table, column and type, as the binary writes them.
    Schema {
        /// Print JSON ({table: {column: type}}) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Row counts per table, error summary and run manifest of an output folder.
    Inspect {
        /// The output folder.
        out: PathBuf,
    },
    /// Throughput per stage and end to end (MB/s, docs/s), 1 thread and all cores.
    Bench(bench::BenchArgs),
    /// Precision, recall and F1 of the extractors against gold data.
    Eval(eval::EvalArgs),
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Files or folders (walked recursively). Default: the bundled sample corpus.
    inputs: Vec<PathBuf>,
    /// Output folder [default: out, or output.path in the config].
    #[arg(short = 'o', long = "out")]
    out: Option<PathBuf>,
    /// Config file [default: config/default.toml when present, else built-in defaults].
    #[arg(short = 'c', long = "config")]
    config: Option<PathBuf>,
    /// Worker threads [default: run.threads in the config; 0 = all cores; at most four a core].
    #[arg(short = 'j', long = "threads")]
    threads: Option<usize>,
    /// Process only shard I of N (0-based), e.g. 0/4.
    #[arg(long, value_parser = |s: &str| Shard::parse(s).map_err(|_| "expected I/N with 0 <= I < N, e.g. 0/4"))]
    shard: Option<Shard>,
    /// No progress bar or progress lines.
    #[arg(long)]
    no_progress: bool,
    /// Append only inputs whose doc_id is not committed in OUT yet (also `run.incremental`).
    #[arg(long)]
    incremental: bool,
    /// How to log to stderr: text, or json (one object per line, for log collectors).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// Format of what `run` writes to stderr.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per line: {"ts", "level", "event", ...}.
    Json,
}

/// Whether fatal errors are logged as JSON (set once by `run --log-format json`).
pub(crate) static JSON_LOG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes one JSON log line to stderr.
pub(crate) fn log_json(level: &str, event: &str, fields: serde_json::Value) {
    let mut obj = serde_json::Map::new();
    obj.insert("ts".into(), chrono_now().into());
    obj.insert("level".into(), level.into());
    obj.insert("event".into(), event.into());
    if let serde_json::Value::Object(f) = fields {
        obj.extend(f);
    }
    eprintln!("{}", serde_json::Value::Object(obj));
}

fn chrono_now() -> String {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    chrono::DateTime::from_timestamp(d.as_secs() as i64, d.subsec_nanos())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// Default config location, relative to the working directory.
const DEFAULT_CONFIG: &str = "config/default.toml";

/// Loads the config: an explicit `-c` must exist; otherwise `config/default.toml` if present,
/// else the built-in defaults.
pub(crate) fn load_config(path: Option<&Path>) -> Result<Config> {
    let cfg = match path {
        Some(p) => Config::load(p).with_context(|| format!("reading config {}", p.display()))?,
        None if Path::new(DEFAULT_CONFIG).is_file() => {
            Config::load(Path::new(DEFAULT_CONFIG)).with_context(|| format!("reading config {DEFAULT_CONFIG}"))?
        }
        None => Config::default(),
    };
    cfg.validate()?;
    Ok(cfg)
}

/// The inputs to process: those given, or the bundled sample corpus.
pub(crate) fn resolve_inputs(inputs: &[PathBuf], cfg: &Config) -> Result<Vec<PathBuf>> {
    if !inputs.is_empty() {
        // An input named on the command line that is not there is a mistyped path or an
        // unmounted volume: a scheduled run that went on would commit tables without it.
        for p in inputs {
            if let Err(e) = std::fs::metadata(p) {
                bail!("input {}: {e}; nothing was read or written", p.display());
            }
        }
        return Ok(inputs.to_vec());
    }
    let sample = &cfg.run.sample_corpus;
    if sample.exists() {
        return Ok(vec![sample.clone()]);
    }
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join(sample);
    if built_in.exists() {
        return Ok(vec![built_in]);
    }
    bail!("no INPUT given and the sample corpus {} is not here; name files or folders to process", sample.display())
}

/// Parses arguments and runs the command; returns the exit status.
pub fn run() -> Result<u8> {
    let args = Args::parse();
    match args.command {
        Command::Run(a) => run_cmd(a),
        Command::Schema { json } => {
            schema_cmd(json);
            Ok(0)
        }
        Command::Inspect { out } => inspect::run(&out),
        Command::Bench(a) => bench::run(a),
        Command::Eval(a) => eval::run(a),
    }
}

fn run_cmd(a: RunArgs) -> Result<u8> {
    let json = a.log_format == LogFormat::Json;
    JSON_LOG.store(json, std::sync::atomic::Ordering::Relaxed);
    let mut cfg = load_config(a.config.as_deref())?;
    if let Some(t) = a.threads {
        cfg.run.threads = t;
    }
    let out = a.out.clone().unwrap_or_else(|| cfg.output.path.clone());
    let shard = a.shard.unwrap_or(Shard::ALL);
    let incremental = a.incremental || cfg.run.incremental;
    let inputs = resolve_inputs(&a.inputs, &cfg)?;
    if json {
        log_json(
            "info",
            "run_start",
            serde_json::json!({"out": out.display().to_string(), "inputs": inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                "shard": format!("{}/{}", shard.index, shard.count), "incremental": incremental}),
        );
    }
    let pipeline = Pipeline::new(&cfg)?;
    let tty = std::io::stderr().is_terminal();
    let bar = progress::Bar::new(!a.no_progress && tty && !json, &inputs);
    let lines = progress::Lines::new(
        !a.no_progress && (!tty || json),
        std::time::Duration::from_secs(cfg.run.progress_seconds),
        json,
    );
    let opts = RunOptions { threads: cfg.run.threads, shard, incremental };
    let report = pipeline
        .run_to(&inputs, &out, &opts, &|p| {
            bar.update(p);
            lines.update(p);
        })
        .map_err(|e| match e {
            // Not a failure to write: nothing was there to read.
            zhetl::Error::NoInput(_) => anyhow::Error::new(e),
            e => anyhow::Error::new(e).context(format!("cannot write output folder {}", out.display())),
        })?;
    bar.finish();
    if !report.accounted {
        // Every input must end as a documents row, an errors row or a counted skip (issue #3).
        bail!(
            "{} inputs seen but {} documents, {} errors and {} skipped: some inputs are unaccounted for; please report",
            report.inputs_seen,
            report.documents_written,
            report.errors,
            report.skipped
        );
    }
    let mb = report.bytes_read as f64 / 1e6;
    if json {
        let mut fields = serde_json::to_value(&report)?;
        if let Some(o) = fields.as_object_mut() {
            o.insert("out".into(), out.display().to_string().into());
        }
        log_json("info", "run_end", fields);
    } else {
        let nothing_new = if report.documents_written + report.errors == 0 && report.skipped > 0 {
            " (nothing new: every input is committed already)"
        } else {
            ""
        };
        eprintln!(
            "zhetl: {} documents, {} errors, {} skipped, {} duplicates ({} near), {:.1} MB in {:.2} s ({:.2} MB/s, {} threads) -> {}{nothing_new}",
            report.documents_written,
            report.errors,
            report.skipped,
            report.exact_duplicates,
            report.near_duplicates,
            mb,
            report.wall_seconds,
            mb / report.wall_seconds.max(1e-9),
            report.threads,
            out.display()
        );
    }
    if report.error_rate() > cfg.run.max_error_rate {
        let msg = format!(
            "{:.0}% of inputs failed, over run.max_error_rate = {:.0}%; see {}/errors",
            report.error_rate() * 100.0,
            cfg.run.max_error_rate * 100.0,
            out.display()
        );
        if json {
            log_json("error", "error_rate", serde_json::json!({"message": msg}));
        } else {
            eprintln!("zhetl: {msg}");
        }
        return Ok(3);
    }
    Ok(0)
}

fn schema_cmd(json: bool) {
    if json {
        let mut tables = serde_json::Map::new();
        for t in Table::ALL {
            let cols: serde_json::Map<String, serde_json::Value> = t
                .schema()
                .fields()
                .iter()
                .map(|f| (f.name().clone(), serde_json::Value::String(zhetl::contract_type(f.data_type()))))
                .collect();
            tables.insert(t.name().into(), serde_json::Value::Object(cols));
        }
        println!("{}", serde_json::to_string_pretty(&tables).unwrap_or_default());
        return;
    }
    for t in Table::ALL {
        println!("{}", t.name());
        for f in t.schema().fields() {
            let null = if f.is_nullable() { "  (nullable)" } else { "" };
            println!("  {:<20} {}{}", f.name(), zhetl::contract_type(f.data_type()), null);
        }
    }
}
