//! Progress bar on stderr (bin only): documents, bytes, MB/s and ETA. Hidden when stderr is
//! not a terminal or with `--no-progress`, so cron logs stay clean.

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
