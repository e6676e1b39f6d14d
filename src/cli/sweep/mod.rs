//! `bridgelab sweep`: presets × seeds as a directory of tasks that runs unchanged on this
//! machine (`sweep run`) or as a Slurm job array (`sweep slurm`), survives pre-emption (each
//! task resumes from its checkpoint), and assembles one table either way (`sweep collect`).

mod local;
pub mod manifest;
mod slurm;
mod status;
pub(crate) mod summary;
pub mod task;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::cli::interrupt::{Stopped, Watch};

#[derive(Args, Debug)]
pub struct SweepArgs {
    #[command(subcommand)]
    pub command: SweepCommand,
}

/// The runs of a sweep.
#[derive(Args, Debug, Clone)]
pub struct RunOptions {
    /// Tasks at a time (default: one per core; at most 256).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Ask a task that has trained for longer than this many seconds to stop (it saves its
    /// checkpoint first), and count it as failed.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// What the table reports: `final` (the final evaluation on fresh samples) or `paper`
    /// (the rKL-LD paper's per-epoch training means; see README).
    #[arg(long, value_enum, default_value_t)]
    pub report: super::ReportArg,
}

#[derive(Subcommand, Debug)]
pub enum SweepCommand {
    /// Write the tasks of presets × seeds into DIR (manifest.jsonl, sweep.json, presets/).
    Plan {
        #[arg(required = true)]
        presets: Vec<PathBuf>,
        #[command(flatten)]
        what: Planned,
        #[arg(long)]
        out: PathBuf,
    },
    /// Run the sweep's unfinished tasks on this machine.
    Run {
        dir: PathBuf,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Write DIR/sweep.sbatch, a Slurm job array of the sweep, and with --submit submit it.
    Slurm {
        dir: PathBuf,
        #[command(flatten)]
        options: slurm::SlurmOptions,
        #[arg(long)]
        submit: bool,
    },
    /// Run one task (what each executor runs): skipped when complete, resumed from its
    /// checkpoint when there is one.
    Task {
        dir: PathBuf,
        index: usize,
        /// Seconds between checkpoints.
        #[arg(long, default_value_t = 300.0)]
        checkpoint_seconds: f64,
        #[arg(long, short)]
        quiet: bool,
    },
    /// Show each task: pending, running, stopped, done, diverged or failed, its steps, the
    /// age of its checkpoint and its error.
    Status { dir: PathBuf },
    /// Write DIR/table.md and DIR/table.csv of the finished tasks, listing those missing.
    Collect {
        dir: PathBuf,
        /// What the table reports: `final` (the final evaluation on fresh samples) or `paper`
        /// (the rKL-LD paper's per-epoch training means; see README).
        #[arg(long, value_enum, default_value_t)]
        report: super::ReportArg,
    },
}

/// What every task of a sweep trains.
#[derive(Args, Debug, Clone)]
pub struct Planned {
    /// Seeds per preset: 0, 1, ..., K−1 (at most 1000).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=manifest::MAX_SEEDS))]
    pub seeds: u64,
    /// Training steps of every run (overrides the presets' train_steps).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Evaluation protocol of every run: `converged` (each preset's own), `paper` (the
    /// rKL-LD paper's Sinkhorn rule and sample counts, and mixture instance = seed) or
    /// `beyond-elbos` (the same with the ε of ott-jax 0.4.6).
    #[arg(long, value_enum)]
    pub protocol: Option<super::ProtocolArg>,
}

pub fn run(args: SweepArgs) -> Result<()> {
    match args.command {
        SweepCommand::Plan { presets, what, out } => {
            let (_, tasks) = plan(&presets, &what, &out)?;
            println!("{} tasks planned in {}", tasks.len(), out.display());
            Ok(())
        }
        SweepCommand::Run { dir, options } => {
            let (sweep, tasks) = manifest::read(&dir)?;
            execute_and_collect(&dir, &sweep, &tasks, &options)
        }
        SweepCommand::Slurm { dir, options, submit } => {
            let (_, tasks) = manifest::read(&dir)?;
            let (path, id) = slurm::write_and_submit(&dir, &tasks, &options, submit)?;
            match id {
                Some(id) => println!("submitted {} as job {id} ({} tasks)", path.display(), tasks.len()),
                None => println!(
                    "wrote {} ({} tasks); submit it with: sbatch {}",
                    path.display(),
                    tasks.len(),
                    path.display()
                ),
            }
            Ok(())
        }
        SweepCommand::Task {
            dir,
            index,
            checkpoint_seconds,
            quiet,
        } => {
            anyhow::ensure!(
                checkpoint_seconds > 0.0 && checkpoint_seconds.is_finite(),
                "--checkpoint-seconds must be above 0"
            );
            task::run(&dir, index, checkpoint_seconds, quiet)
        }
        SweepCommand::Status { dir } => {
            let (_, tasks) = manifest::read(&dir)?;
            status::print_status(&dir, &tasks);
            Ok(())
        }
        SweepCommand::Collect { dir, report } => {
            let (sweep, tasks) = manifest::read(&dir)?;
            let (md, missing) = status::collect(&dir, &sweep, &tasks, report.into())?;
            println!("{md}");
            println!(
                "table.md and table.csv are in {}{}",
                dir.display(),
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("; {} tasks missing", missing.len())
                }
            );
            Ok(())
        }
    }
}

pub(crate) fn plan(
    presets: &[PathBuf],
    what: &Planned,
    out: &std::path::Path,
) -> Result<(manifest::Sweep, Vec<manifest::Task>)> {
    manifest::plan(
        &manifest::Request {
            presets,
            seeds: what.seeds,
            steps: what.steps,
            protocol: what.protocol.map(Into::into),
        },
        out,
    )
}

/// Runs the unfinished tasks here, then writes and prints the table.
pub(crate) fn execute_and_collect(
    dir: &std::path::Path,
    sweep: &manifest::Sweep,
    tasks: &[manifest::Task],
    options: &RunOptions,
) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = options.jobs.map_or(cores, usize::from).max(1);
    let started = std::time::Instant::now();
    let watch = Watch::start();
    let local = local::Options {
        jobs,
        timeout: options.timeout.map(Duration::from_secs),
        checkpoint_seconds: 300.0,
    };
    let stopped = local::run(dir, tasks, &local, &watch);
    let (md, missing) = status::collect(dir, sweep, tasks, options.report.into())?;
    if stopped && let Some(by) = watch.received() {
        return Err(Stopped {
            by,
            message: format!(
                "stopped by {}: the table of the runs so far is in {}; {} tasks are not finished, and \
                 `bridgelab sweep run {}` goes on with them from their checkpoints",
                by.name(),
                dir.display(),
                missing.len(),
                dir.display()
            ),
        }
        .into());
    }
    println!("{md}");
    println!(
        "{} runs ({jobs} at a time) in {:.1} s; table.md, table.csv and every run's outputs are in {}",
        tasks.len(),
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}
