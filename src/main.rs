//! The `zhetl` binary: parse arguments, run, map the outcome to the contract's exit codes.

mod cli;

use std::process::ExitCode;

/// jemalloc: see Cargo.toml for why (cross-thread frees, fragmentation over long runs).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // Output piped into `head` is not a failure.
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            if cli::JSON_LOG.load(std::sync::atomic::Ordering::Relaxed) {
                cli::log_json("error", "fatal", serde_json::json!({"message": format!("{err:#}")}));
            } else {
                eprintln!("zhetl: {:#}", err);
            }
            ExitCode::from(1)
        }
    }
}
