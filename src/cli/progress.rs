//! Progress on stderr (bin only). On a terminal, a bar with documents, bytes, MB/s and ETA.
//! Elsewhere (cron, Airflow, `--log-format json`) a line every `run.progress_seconds`, so a
//! log shows a long run is alive without filling up with redraws.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zhetl::Progress;

pub(crate) struct Bar {
    bar: Option<ProgressBar>,
}

/// Total size of the inputs, for the ETA. Only metadata is read.
fn total_bytes(inputs: &[PathBuf]) -> u64 {
    let mut total = 0;
    let mut stack: Vec<PathBuf> = inputs.to_vec();
    while let Some(p) = stack.pop() {
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => {
                if let Ok(rd) = std::fs::read_dir(&p) {
                    stack.extend(rd.flatten().map(|e| e.path()));
                }
            }
            Ok(m) => total += m.len(),
            Err(_) => {}
        }
    }
    total
}

impl Bar {
    pub fn new(show: bool, inputs: &[PathBuf]) -> Bar {
        if !show {
            return Bar { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total_bytes(inputs)), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar { bar: Some(bar) }
    }

    pub fn update(&self, p: Progress) {
        if let Some(b) = &self.bar {
            b.set_position(p.bytes);
            b.set_message(format!("{} docs, {} errors", p.documents, p.errors));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Periodic progress lines for logs.
pub(crate) struct Lines {
    every: Option<std::time::Duration>,
    json: bool,
    start: std::time::Instant,
    last: std::cell::Cell<std::time::Instant>,
}

impl Lines {
    pub fn new(show: bool, every: std::time::Duration, json: bool) -> Lines {
        let now = std::time::Instant::now();
        Lines { every: (show && !every.is_zero()).then_some(every), json, start: now, last: std::cell::Cell::new(now) }
    }

    pub fn update(&self, p: Progress) {
        let Some(every) = self.every else { return };
        if self.last.get().elapsed() < every {
            return;
        }
        self.last.set(std::time::Instant::now());
        let secs = self.start.elapsed().as_secs_f64();
        let mb = p.bytes as f64 / 1e6;
        if self.json {
            super::log_json(
                "info",
                "progress",
                serde_json::json!({"inputs": p.inputs, "documents": p.documents, "errors": p.errors,
                    "skipped": p.skipped, "mb": mb, "seconds": secs, "mb_per_s": mb / secs.max(1e-9)}),
            );
        } else {
            eprintln!(
                "zhetl: progress {} inputs, {} documents, {} errors, {} skipped, {:.1} MB, {:.2} MB/s",
                p.inputs,
                p.documents,
                p.errors,
                p.skipped,
                mb,
                mb / secs.max(1e-9)
            );
        }
    }
}
