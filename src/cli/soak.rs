//! `bridgelab soak`: many small steps through the same worker thread, channels and view the
//! lab uses, with resident memory measured after warm-up and at the end. Not a timed test:
//! the figures are printed for a person (or CI's log) to read.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;

use crate::protocol::{Command, Event};
use crate::runtime::Worker;
use crate::runtime::run_store::RunStore;
use crate::sim::Preset;

#[derive(Args, Debug)]
pub struct SoakArgs {
    /// The preset to train (default: the lab's default target with a small batch and net).
    pub preset: Option<PathBuf>,
    /// Training steps.
    #[arg(long, default_value_t = 20_000)]
    pub steps: usize,
    /// Memory is first measured after this many steps: by then the lab's curves have reached
    /// their size limit and are only thinned.
    #[arg(long, default_value_t = 5_000)]
    pub warmup: usize,
    /// Snapshots the worker publishes, one every this many steps (the lab's default is 10).
    #[arg(long, default_value_t = 10)]
    pub snapshot_every: usize,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
pub struct SoakReport {
    pub steps: usize,
    pub seconds: f64,
    pub rss_after_warmup_mib: Option<f64>,
    pub rss_end_mib: Option<f64>,
    pub peak_rss_mib: Option<f64>,
    /// End over warm-up resident memory, minus one, in percent.
    pub growth_percent: Option<f64>,
    /// Points the view's loss curve holds at the end (it thins older points).
    pub curve_points: usize,
    pub snapshots_seen: usize,
    pub failure: Option<String>,
}

/// Small enough that 20 000 steps take minutes on two cores.
fn soak_preset() -> Preset {
    Preset {
        description: "soak: the default target with a small batch and network".into(),
        path_steps: 16,
        batch: 64,
        hidden: 16,
        log_every: 10,
        device: crate::sim::preset::ComputeDevice::Cpu,
        ..Preset::default_interactive()
    }
}

pub fn run(args: SoakArgs) -> Result<()> {
    let mut preset = match &args.preset {
        Some(path) => crate::presets::load(path)?,
        None => soak_preset(),
    };
    if args.steps == 0 {
        bail!("--steps must be at least 1");
    }
    preset.train_steps = args.steps;
    let report = soak(preset, &args)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    match &report.failure {
        Some(f) => bail!("the soak run stopped early: {f}"),
        None => Ok(()),
    }
}

fn soak(preset: Preset, args: &SoakArgs) -> Result<SoakReport> {
    let total = preset.train_steps;
    let worker = Worker::spawn(preset, Arc::new(|| {}))?;
    worker.send(Command::SetSnapshotEvery(args.snapshot_every.max(1)));
    worker.send(Command::Play);
    let bar = super::steps_bar(total, args.json);
    let started = Instant::now();
    let mut view = RunStore::default();
    let mut warm = None;
    let mut snapshots = 0;
    let mut failure = None;
    loop {
        let mut done = false;
        if let Some(first) = worker.next_event(Duration::from_millis(50)) {
            for event in std::iter::once(first).chain(worker.poll_events()) {
                match &event {
                    Event::Finished { .. } => done = true,
                    Event::Failed { step, message, .. } => {
                        failure = Some(format!("step {step}: {message}"));
                        done = true;
                    }
                    _ => {}
                }
                view.ingest(event);
            }
        }
        if let Some(s) = worker.take_snapshot() {
            view.ingest_snapshot(s);
            snapshots += 1;
        }
        let step = view.step();
        bar.set_position(step as u64);
        if warm.is_none() && step >= args.warmup.min(total) {
            warm = super::memory_mib().resident;
            bar.set_message(format!("RSS after warm-up {:.1} MiB", warm.unwrap_or(f64::NAN)));
        }
        if done {
            break;
        }
    }
    bar.finish_and_clear();
    let super::Memory { resident: end, peak } = super::memory_mib();
    Ok(SoakReport {
        steps: view.step(),
        seconds: started.elapsed().as_secs_f64(),
        rss_after_warmup_mib: warm,
        rss_end_mib: end,
        peak_rss_mib: peak,
        growth_percent: warm.zip(end).map(|(w, e)| (e / w - 1.0) * 100.0),
        curve_points: view.history.len(),
        snapshots_seen: snapshots,
        failure,
    })
}

fn print_report(r: &SoakReport) {
    let mib = |v: Option<f64>| v.map_or("unavailable".into(), |v| format!("{v:.1} MiB"));
    println!(
        "trained {} steps in {:.1} s ({:.1} steps/s)",
        r.steps,
        r.seconds,
        r.steps as f64 / r.seconds.max(1e-9)
    );
    println!("resident memory after warm-up  {}", mib(r.rss_after_warmup_mib));
    println!("resident memory at the end     {}", mib(r.rss_end_mib));
    println!("peak resident memory           {}", mib(r.peak_rss_mib));
    if let Some(g) = r.growth_percent {
        println!("growth after warm-up           {g:+.2} %");
    }
    println!(
        "loss curve points kept {}, snapshots received {}",
        r.curve_points, r.snapshots_seen
    );
}
