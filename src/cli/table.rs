//! `bridgelab table`: a sweep planned into the output directory, run here and collected, in
//! one command (see `sweep`).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::sweep::{Planned, RunOptions, execute_and_collect, plan};

#[derive(Args, Debug)]
pub struct TableArgs {
    /// The presets (.ron) to compare.
    #[arg(required = true)]
    pub presets: Vec<PathBuf>,
    #[command(flatten)]
    pub what: Planned,
    #[command(flatten)]
    pub options: RunOptions,
    /// Directory for the table and every run's outputs.
    #[arg(long, default_value = "table")]
    pub out: PathBuf,
}

pub fn run(args: TableArgs) -> Result<()> {
    let (sweep, tasks) = plan(&args.presets, &args.what, &args.out)?;
    execute_and_collect(&args.out, &sweep, &tasks, &args.options)
}
