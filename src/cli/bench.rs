//! `bridgelab bench`: seconds per training step of the paper's configuration and of the
//! interactive one, for each bridge and loss, split into simulation, loss with backward pass,
//! and optimiser, with the achieved network GFLOP/s and the peak memory.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

use super::DeviceArg;
use super::peak::{self, Peak};
use crate::presets::BUILT_IN;
use crate::sim::platform::device::{describe, make_device};
use crate::sim::preset::file::parse_preset;
use crate::sim::preset::{BridgeKind, ComputeDevice, LossKind};
use crate::sim::training::phase_clock::{PhaseClock, PhaseTimes};
use crate::sim::{Preset, Trainer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchConfig {
    /// GMM-40 in 50-D, batch 2000, N = 128 (the paper's setting).
    Paper,
    /// GMM-40 in 2-D, batch 500, N = 64.
    Interactive,
    All,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum BenchBridge {
    Dbs,
    Cmcd,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum BenchLoss {
    RklR,
    Lv,
    RklLd,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[arg(long, value_enum, default_value = "all")]
    pub config: BenchConfig,
    /// Timed steps per case after the warm-up (default: 3 for paper, 20 for interactive).
    #[arg(long)]
    pub steps: Option<usize>,
    #[arg(long, value_enum)]
    pub device: Option<DeviceArg>,
    /// Only this bridge (default: DBS and CMCD).
    #[arg(long, value_enum)]
    pub bridge: Option<BenchBridge>,
    /// Only this loss (default: all three).
    #[arg(long, value_enum)]
    pub loss: Option<BenchLoss>,
    /// Time this preset's own bridge, loss and sizes instead (the LGCP, say); `--config`,
    /// `--bridge` and `--loss` are then ignored.
    #[arg(long, value_name = "PRESET.ron")]
    pub preset: Option<std::path::PathBuf>,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Run the cases in this process instead of one fresh process each (whose peak memory
    /// is then the case's own).
    #[arg(long, hide = true)]
    pub in_process: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchRow {
    pub config: String,
    pub bridge: String,
    pub loss: String,
    /// Median seconds per step.
    pub seconds_per_step: f64,
    /// Median seconds of each phase.
    pub simulate: f64,
    pub loss_backward: f64,
    pub optimizer: f64,
    /// Network FLOPs of one step divided by the median step time.
    pub gflops: f64,
    /// Network FLOPs of the batched likelihood pass (forward and backward of every kernel of
    /// every path, LV and rKL-LD) divided by its median time.
    #[serde(default)]
    pub batched_gflops: Option<f64>,
    /// The machine's measured FP32 peak, GFLOP/s, filled in by the process that prints.
    #[serde(default)]
    pub peak_gflops: Option<f64>,
    /// Peak resident memory while this case ran, in MiB.
    pub peak_rss_mib: Option<f64>,
    pub device: String,
    pub steps: usize,
}

/// The paper's configuration for `bridge` and `loss`: the settings of its GMM-40 d=50 row
/// preset of that bridge and loss (rKL-LD's with learned σ, LV's and rKL-R's with frozen σ),
/// timed as this bench always has: with our network, learned σ for LV and rKL-LD, frozen for
/// rKL-R.
fn paper_preset(bridge: BridgeKind, loss: LossKind) -> Result<Preset> {
    let row = if loss == LossKind::RklLd {
        "learned"
    } else {
        "frozen"
    };
    let name = format!(
        "paper_gmm40_d50_{}_{}_{row}",
        bridge.label().to_lowercase(),
        loss.label().to_lowercase().replace('-', "")
    );
    let (_, text) = BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .with_context(|| format!("the built-in preset {name} is missing"))?;
    let mut p = parse_preset(text, &name)?;
    p.architecture = crate::sim::Architecture::TimeMlp;
    p.diffusion = if loss == LossKind::RklR {
        crate::sim::DiffusionMode::Frozen
    } else {
        crate::sim::DiffusionMode::Learned
    };
    p.paper_code.frozen_sigma_in_clip = false;
    Ok(p)
}

fn preset_for(config: BenchConfig, bridge: BridgeKind, loss: LossKind) -> Result<Preset> {
    let mut p = paper_preset(bridge, loss)?;
    if config == BenchConfig::Interactive {
        p.target.dim = 2;
        p.batch = 500;
        p.path_steps = 64;
        p.prior_std = 30.0;
    }
    Ok(p)
}

/// Network FLOPs of one training step: the simulation evaluates every kernel once, without
/// gradients (LV, rKL-LD) or with them (rKL-R); LV and rKL-LD evaluate them once more in the
/// batched pass; a backward pass costs about twice its forward pass.
fn step_flops(p: &Preset, flops_per_row: f64) -> f64 {
    let forward = (p.path_steps * p.batch) as f64 * flops_per_row;
    match p.loss {
        LossKind::RklR => 3.0 * forward,
        LossKind::Lv | LossKind::RklLd => 4.0 * forward,
    }
}

/// Network FLOPs of the batched likelihood pass of LV and rKL-LD: a forward and a backward
/// pass (twice a forward) over every kernel; none for rKL-R, which has no such pass.
fn batched_flops(p: &Preset, flops_per_row: f64) -> Option<f64> {
    let forward = (p.path_steps * p.batch) as f64 * flops_per_row;
    (p.loss != LossKind::RklR).then_some(3.0 * forward)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn bench_case(
    config: BenchConfig,
    bridge: BridgeKind,
    loss: LossKind,
    steps: usize,
    device: ComputeDevice,
) -> Result<BenchRow> {
    let preset = preset_for(config, bridge, loss)?;
    time_preset(preset, format!("{config:?}").to_lowercase(), steps, device)
}

/// Times `steps` training steps of `preset` after one warm-up step.
fn time_preset(mut preset: Preset, config: String, steps: usize, device: ComputeDevice) -> Result<BenchRow> {
    let (bridge, loss) = (preset.bridge, preset.loss);
    preset.device = device;
    let mut trainer = Trainer::new(preset.clone(), make_device(device))?;
    let per_row = trainer.sampler().flops_per_row() as f64;
    let flops = step_flops(&preset, per_row);
    let batched = batched_flops(&preset, per_row);
    // The first step pays for allocation and kernel compilation.
    trainer.step()?;
    let mut timed: Vec<PhaseTimes> = Vec::with_capacity(steps);
    for _ in 0..steps {
        let mut clock = PhaseClock::on(trainer.device());
        trainer.step_timed(&mut clock)?;
        timed.push(clock.times);
    }
    let pick = |f: fn(&PhaseTimes) -> f64| median(timed.iter().map(f).collect());
    let seconds = pick(PhaseTimes::total);
    let loss_backward = pick(|t| t.loss_backward);
    Ok(BenchRow {
        config,
        bridge: bridge.label().into(),
        loss: loss.label().into(),
        seconds_per_step: seconds,
        simulate: pick(|t| t.simulate),
        loss_backward,
        optimizer: pick(|t| t.optimizer),
        gflops: flops / seconds / 1e9,
        batched_gflops: batched.map(|f| f / loss_backward / 1e9),
        peak_gflops: None,
        peak_rss_mib: super::memory_mib().peak,
        device: describe(device),
        steps,
    })
}

fn print_row(r: &BenchRow) {
    let share = |g: f64| {
        r.peak_gflops
            .map_or("-".into(), |p| format!("{:.1} %", 100.0 * g / p))
    };
    println!(
        "{:<12} {:<5} {:<7} {:>8.3} {:>9.3} {:>9.3} {:>9.3} {:>8.1} {:>7} {:>8} {:>8} {:>9}",
        r.config,
        r.bridge,
        r.loss,
        r.seconds_per_step,
        r.simulate,
        r.loss_backward,
        r.optimizer,
        r.gflops,
        share(r.gflops),
        r.batched_gflops.map_or("-".into(), |g| format!("{g:.1}")),
        r.batched_gflops.map_or("-".into(), share),
        r.peak_rss_mib.map_or("-".into(), |m| format!("{m:.0} MiB"))
    );
}

/// The value clap accepts for `v` on the command line.
fn arg_name(v: impl ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .expect("every variant has a name")
}

/// Runs one case in a fresh copy of this program and reads its row.
fn bench_in_child(
    config: BenchConfig,
    bridge: BenchBridge,
    loss: BenchLoss,
    steps: usize,
    device: Option<DeviceArg>,
) -> Result<BenchRow> {
    let exe = std::env::current_exe().context("cannot find this program to run a case")?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["bench", "--in-process", "--json", "--steps", &steps.to_string()])
        .args(["--config", &arg_name(config)])
        .args(["--bridge", &arg_name(bridge)])
        .args(["--loss", &arg_name(loss)]);
    if let Some(d) = device {
        cmd.args(["--device", &arg_name(d)]);
    }
    super::pass_data_dir(&mut cmd);
    read_child(cmd, &format!("{config:?} {bridge:?} {loss:?}"))
}

fn bridge_of(b: BenchBridge) -> BridgeKind {
    match b {
        BenchBridge::Dbs => BridgeKind::Dbs,
        BenchBridge::Cmcd => BridgeKind::Cmcd,
    }
}

fn loss_of(l: BenchLoss) -> LossKind {
    match l {
        BenchLoss::RklR => LossKind::RklR,
        BenchLoss::Lv => LossKind::Lv,
        BenchLoss::RklLd => LossKind::RklLd,
    }
}

/// `bench --preset`: one case, in a fresh process unless already in one.
fn run_preset(
    args: &BenchArgs,
    path: &std::path::Path,
    device: ComputeDevice,
    peak: Option<&Peak>,
) -> Result<()> {
    let steps = args.steps.unwrap_or(3).max(1);
    let mut row = if args.in_process {
        let preset = crate::presets::load(path)?;
        let name = path
            .file_stem()
            .map_or("preset".into(), |s| s.to_string_lossy().into_owned());
        time_preset(preset, name, steps, device)?
    } else {
        let exe = std::env::current_exe().context("cannot find this program to run a case")?;
        let mut cmd = std::process::Command::new(exe);
        cmd.args([
            "bench",
            "--in-process",
            "--json",
            "--steps",
            &steps.to_string(),
            "--preset",
        ])
        .arg(path);
        if let Some(d) = args.device {
            cmd.args(["--device", &arg_name(d)]);
        }
        super::pass_data_dir(&mut cmd);
        read_child(cmd, &path.display().to_string())?
    };
    row.peak_gflops = peak.and_then(Peak::measured);
    match peak {
        Some(peak) if !args.json => {
            print_header(device, peak);
            print_row(&row);
        }
        _ => println!("{}", serde_json::to_string_pretty(&[row])?),
    }
    Ok(())
}

fn print_header(device: ComputeDevice, peak: &Peak) {
    println!(
        "device: {}; median of the timed steps after one warm-up step, each case in a fresh process",
        describe(device)
    );
    if let Some(gflops) = peak.measured() {
        println!(
            "machine FP32 peak: {gflops:.0} GFLOP/s, measured by a loop of {} on {} cores; a step's and its batched pass's network GFLOP/s are given as shares of it",
            peak.instructions, peak.cores
        );
    } else {
        println!("the GPU's FP32 peak is not measured: no shares of it are given");
    }
    println!(
        "{:<12} {:<5} {:<7} {:>8} {:>9} {:>9} {:>9} {:>8} {:>7} {:>8} {:>8} {:>9}",
        "config",
        "bridge",
        "loss",
        "s/step",
        "simulate",
        "loss+bw",
        "optimiser",
        "GFLOP/s",
        "of peak",
        "batched",
        "of peak",
        "peak RSS"
    );
}

/// Runs a prepared `bench --in-process --json` child and reads its one row.
fn read_child(mut cmd: std::process::Command, what: &str) -> Result<BenchRow> {
    let out = cmd.output().context("running a benchmark case")?;
    anyhow::ensure!(
        out.status.success(),
        "the {what} case failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let mut rows: Vec<BenchRow> = serde_json::from_slice(&out.stdout).context("reading a case's result")?;
    rows.pop().context("a case printed no result")
}

pub fn run(args: BenchArgs) -> Result<()> {
    let device = args.device.map_or(ComputeDevice::Auto, Into::into);
    // The children time the steps; the process that prints measures the CPU's peak once. A GPU
    // case is not compared with it.
    let on_cpu = crate::sim::platform::device::resolve(device) != ComputeDevice::Gpu;
    let peak = (!args.in_process).then(|| {
        if on_cpu {
            peak::measure(crate::sim::training::shards::cores())
        } else {
            Peak::not_measured()
        }
    });
    if let Some(path) = &args.preset {
        return run_preset(&args, path, device, peak.as_ref());
    }
    let configs: &[BenchConfig] = match args.config {
        BenchConfig::All => &[BenchConfig::Paper, BenchConfig::Interactive],
        BenchConfig::Paper => &[BenchConfig::Paper],
        BenchConfig::Interactive => &[BenchConfig::Interactive],
    };
    let bridges = args
        .bridge
        .map_or(vec![BenchBridge::Dbs, BenchBridge::Cmcd], |b| vec![b]);
    let losses = args
        .loss
        .map_or(vec![BenchLoss::RklR, BenchLoss::Lv, BenchLoss::RklLd], |l| {
            vec![l]
        });
    let table = !args.json && !args.in_process;
    if let Some(peak) = peak.as_ref().filter(|_| table) {
        print_header(device, peak);
    }
    let mut rows = Vec::new();
    for &config in configs {
        let steps = args
            .steps
            .unwrap_or(if config == BenchConfig::Paper { 3 } else { 20 })
            .max(1);
        for &bridge in &bridges {
            for &loss in &losses {
                let mut row = if args.in_process {
                    bench_case(config, bridge_of(bridge), loss_of(loss), steps, device)?
                } else {
                    bench_in_child(config, bridge, loss, steps, args.device)?
                };
                row.peak_gflops = peak.as_ref().and_then(Peak::measured);
                if table {
                    print_row(&row);
                }
                rows.push(row);
            }
        }
    }
    if !table {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    Ok(())
}
