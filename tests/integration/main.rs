//! The single integration-test binary (STYLE.md 2.5).

mod batch;
mod cli;
mod decode;
mod formats;
mod gold;
mod props;
mod util;
