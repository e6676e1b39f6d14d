//! The command-line runner: every number the lab shows can be reproduced from here.

mod bench;
mod compare;
mod density;
mod distance;
mod eval;
pub mod interrupt;
mod peak;
mod presets;
mod soak;
pub mod sweep;
mod table;
pub(crate) mod train;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::sim::metrics::SinkhornProtocol;
use crate::sim::preset::ComputeDevice;

#[derive(Parser, Debug)]
#[command(name = "bridgelab", version, about = "A lab for diffusion bridge samplers")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Preset to open in the lab when no subcommand is given (the built-in default otherwise).
    pub preset: Option<PathBuf>,
    /// Lab self-check: once the first run has trained `--after-steps` steps, capture the window
    /// to this PNG, fail if it looks blank, and close.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Steps to train before the screenshot.
    #[arg(long, default_value_t = 100, requires = "screenshot")]
    pub after_steps: usize,
    /// Print frame times and training speed when the lab closes.
    #[arg(long)]
    pub frame_stats: bool,
    /// Open the lab with its time axis shown: both processes at step N/2 with their paths,
    /// the first coordinate over the steps and, for 2-D targets, the drifts.
    #[arg(long)]
    pub time_axis: bool,
    /// Directory of the benchmark data (mixture constants, Bayesian data sets), replacing the
    /// copy built into bridgelab; default: the environment variable BRIDGELAB_DATA, else the
    /// built-in copy.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a preset and write metrics, samples and a checkpoint.
    Train(train::TrainArgs),
    /// Time training steps of the paper's and the interactive configuration.
    Bench(bench::BenchArgs),
    /// Train a preset and its `compare` variation side by side and print both.
    Compare(compare::CompareArgs),
    /// Re-evaluate a saved checkpoint on fresh samples.
    Eval(eval::EvalArgs),
    /// Print the log density (and optionally the score) of a target at the rows of a CSV file.
    Density(density::DensityArgs),
    /// Sinkhorn divergence and MMD² between two sample files (.npy), with the lab's metric.
    Distance(distance::DistanceArgs),
    /// List the presets shipped in a directory.
    Presets(presets::PresetsArgs),
    /// Train many small steps through the lab's worker and report resident memory.
    Soak(soak::SoakArgs),
    /// Train presets over several seeds and write a Markdown and CSV table of their metrics.
    Table(table::TableArgs),
    /// Plan, run (here or on Slurm), follow and collect a sweep of presets × seeds.
    Sweep(sweep::SweepArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum DeviceArg {
    Cpu,
    Gpu,
}

impl From<DeviceArg> for ComputeDevice {
    fn from(d: DeviceArg) -> Self {
        match d {
            DeviceArg::Cpu => ComputeDevice::Cpu,
            DeviceArg::Gpu => ComputeDevice::Gpu,
        }
    }
}

/// Command-line overrides of a preset's run settings, shared by the commands that train.
#[derive(clap::Args, Debug)]
pub struct Overrides {
    /// Training steps (overrides the preset's train_steps).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Random seed (overrides the preset's seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Compute device (overrides the preset's device).
    #[arg(long, value_enum)]
    pub device: Option<DeviceArg>,
    /// Evaluation protocol: `converged` (the preset's own evaluation), `paper` (the rKL-LD
    /// paper's: its Sinkhorn rule on 16 000 samples for mixtures, 2000 otherwise, and mixture
    /// instance = seed) or `beyond-elbos` (the same with the ε of ott-jax 0.4.6).
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolArg {
    Converged,
    Paper,
    BeyondElbos,
}

/// Which figures a table or a finished run reports.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReportArg {
    /// Ours: the final evaluation on fresh samples.
    #[default]
    Final,
    /// The rKL-LD paper's: per-epoch training means (best epoch for the posteriors, last
    /// otherwise), the final evaluation's Sinkhorn.
    Paper,
}

impl From<ReportArg> for sweep::summary::Reporting {
    fn from(r: ReportArg) -> Self {
        match r {
            ReportArg::Final => sweep::summary::Reporting::Final,
            ReportArg::Paper => sweep::summary::Reporting::Paper,
        }
    }
}

impl From<ProtocolArg> for SinkhornProtocol {
    fn from(p: ProtocolArg) -> Self {
        match p {
            ProtocolArg::Converged => SinkhornProtocol::Converged,
            ProtocolArg::Paper => SinkhornProtocol::Paper,
            ProtocolArg::BeyondElbos => SinkhornProtocol::BeyondElbos,
        }
    }
}

impl Overrides {
    /// The options that give these overrides again, for a command line shown to the user.
    pub fn as_options(&self) -> String {
        use clap::ValueEnum;
        let mut out = String::new();
        if let Some(n) = self.steps {
            out.push_str(&format!(" --steps {n}"));
        }
        if let Some(s) = self.seed {
            out.push_str(&format!(" --seed {s}"));
        }
        if let Some(v) = self.device.and_then(|d| d.to_possible_value()) {
            out.push_str(&format!(" --device {}", v.get_name()));
        }
        if let Some(v) = self.protocol.and_then(|p| p.to_possible_value()) {
            out.push_str(&format!(" --protocol {}", v.get_name()));
        }
        out
    }

    /// Reads the preset at `path` and applies the overrides.
    pub fn load(&self, path: &std::path::Path) -> Result<crate::sim::Preset> {
        let mut preset = crate::presets::load(path)?;
        if let Some(steps) = self.steps {
            anyhow::ensure!(steps > 0, "--steps must be at least 1");
            preset.train_steps = steps;
        }
        if let Some(seed) = self.seed {
            preset.seed = seed;
        }
        if let Some(device) = self.device {
            preset.device = device.into();
        }
        if let Some(protocol) = self.protocol {
            preset
                .apply_protocol(protocol.into())
                .map_err(anyhow::Error::msg)?;
        }
        Ok(preset)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    if let Some(dir) = &cli.data_dir {
        anyhow::ensure!(dir.is_dir(), "--data-dir {} is not a directory", dir.display());
        crate::sim::set_data_dir(Some(dir.clone()));
    }
    match cli.command {
        Some(Command::Train(args)) => train::run(args),
        Some(Command::Bench(args)) => bench::run(args),
        Some(Command::Compare(args)) => compare::run(args),
        Some(Command::Eval(args)) => eval::run(args),
        Some(Command::Density(args)) => density::run(args),
        Some(Command::Distance(args)) => distance::run(args),
        Some(Command::Presets(args)) => presets::run(args),
        Some(Command::Soak(args)) => soak::run(args),
        Some(Command::Table(args)) => table::run(args),
        Some(Command::Sweep(args)) => sweep::run(args),
        None => open_lab(
            cli.preset,
            cli.screenshot,
            cli.after_steps,
            cli.frame_stats,
            cli.time_axis,
        ),
    }
}

/// The lab's window on the preset given (the built-in default otherwise).
#[cfg(feature = "lab")]
fn open_lab(
    preset: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    after_steps: usize,
    frame_stats: bool,
    time_axis: bool,
) -> Result<()> {
    let preset = match preset {
        Some(path) => crate::presets::load(&path)?,
        None => crate::sim::Preset::default_interactive(),
    };
    let options = crate::app::WindowOptions {
        screenshot,
        after_steps,
        frame_stats,
        time_axis,
    };
    crate::app::run_native(preset, options)
}

/// Without the lab (`--no-default-features`) the command line is all there is.
#[cfg(not(feature = "lab"))]
fn open_lab(_: Option<PathBuf>, _: Option<PathBuf>, _: usize, _: bool, _: bool) -> Result<()> {
    anyhow::bail!(
        "this bridgelab was built without the lab (cargo's --no-default-features); give a command, \
         e.g. `bridgelab train PRESET.ron`, or see `bridgelab --help`"
    )
}

/// Hands this process's data to a child process through the environment, so that children
/// read the same files whichever way they were chosen here.
pub(crate) fn pass_data_dir(cmd: &mut std::process::Command) {
    let env = crate::sim::targets::data::DATA_DIR_ENV;
    match crate::sim::targets::data::DataDir::resolve().path {
        Some(dir) => cmd.env(env, std::fs::canonicalize(&dir).unwrap_or(dir)),
        None => cmd.env_remove(env),
    };
}

/// A progress bar over `total` training steps (steps/s, time left and a message); drawn only
/// when not `hidden`.
pub(crate) fn steps_bar(total: usize, hidden: bool) -> indicatif::ProgressBar {
    let bar = if hidden {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total as u64)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {per_sec}  eta {eta}  {msg}")
            .expect("a valid progress template"),
    );
    bar
}

/// [`crate::sim::Trainer::evaluate`] with a spinner naming the stage under way and the time it
/// has taken: a large evaluation (a 20 000-point Sinkhorn) can run for minutes.
pub(crate) fn evaluate_showing_progress(
    trainer: &crate::sim::Trainer,
    samples: Option<usize>,
    hidden: bool,
) -> crate::sim::report::Evaluation {
    use crate::sim::report::EvaluationStage;
    let spinner = if hidden {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} evaluating: {msg} ({elapsed})")
            .expect("a valid progress template"),
    );
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let total = EvaluationStage::ALL.len();
    let evaluation = trainer.evaluate_reporting(samples, &mut |stage| {
        spinner.set_message(format!("{} ({} of {total})", stage.label(), stage.index() + 1));
    });
    spinner.finish_and_clear();
    evaluation
}

/// This process's resident and peak resident memory in MiB.
pub(crate) struct Memory {
    pub resident: Option<f64>,
    pub peak: Option<f64>,
}

/// Reads [`Memory`] from /proc (Linux only; elsewhere both are unknown).
pub(crate) fn memory_mib() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
    };
    Memory {
        resident: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}
