//! `bridgelab compare`: the lab's side-by-side mode in a terminal. Trains a preset and its
//! `compare` variation at the same time, one thread each as in the lab, and prints how both
//! evolve and where they end.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;

use crate::sim::platform::device::make_device;
use crate::sim::report::Evaluation;
use crate::sim::{Preset, Trainer};

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// A preset with a `compare` section.
    pub preset: PathBuf,
    #[command(flatten)]
    pub overrides: super::Overrides,
    /// Record a timeline row every this many steps.
    #[arg(long, default_value_t = 100)]
    pub every: usize,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One row of a run's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    pub step: usize,
    /// Seconds since the run started.
    pub seconds: f64,
    pub elbo: f64,
    pub loss: f64,
    /// Covered mixture modes in the training batch.
    pub modes: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunResult {
    pub title: String,
    pub timeline: Vec<Moment>,
    pub seconds: f64,
    /// Why the run stopped early, if it did.
    pub failure: Option<String>,
    pub evaluation: Option<Evaluation>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub runs: Vec<RunResult>,
    /// Largest |ELBO₁ − ELBO₂| over the steps both timelines logged.
    pub largest_elbo_gap: Option<f64>,
}

fn title(p: &Preset) -> String {
    format!(
        "{} d={} · {} · {} · diffusion {} · β {} · prior std {}",
        p.target.kind.label(),
        p.target.dim,
        p.bridge.label(),
        p.loss.label(),
        p.diffusion.label(),
        p.beta,
        p.prior_std
    )
}

fn train(preset: Preset, every: usize) -> RunResult {
    let title = title(&preset);
    let started = Instant::now();
    let mut trainer = match Trainer::new(preset.clone(), make_device(preset.device)) {
        Ok(t) => t,
        Err(e) => {
            return RunResult {
                title,
                timeline: Vec::new(),
                seconds: 0.0,
                failure: Some(e.to_string()),
                evaluation: None,
            };
        }
    };
    let mut timeline = Vec::new();
    let mut failure = None;
    while !trainer.is_finished() {
        match trainer.step() {
            Ok(r) if r.step % every == 0 || trainer.is_finished() => timeline.push(Moment {
                step: r.step,
                seconds: started.elapsed().as_secs_f64(),
                elbo: r.weights.elbo,
                loss: r.loss,
                modes: trainer.snapshot().modes.map(|m| m.covered),
            }),
            Ok(_) => {}
            Err(e) => {
                failure = Some(e.to_string());
                break;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    RunResult {
        title,
        timeline,
        seconds,
        evaluation: failure.is_none().then(|| trainer.evaluate(None)),
        failure,
    }
}

/// Trains `preset` and its comparison side by side.
pub fn compare(preset: &Preset, every: usize) -> Result<Comparison> {
    let second = preset
        .compared()
        .context("the preset has no `compare` section: add one (see README) or use `train`")?;
    let every = every.max(1);
    let (a, b) = std::thread::scope(|s| {
        let first = s.spawn(|| train(preset.clone(), every));
        let second = s.spawn(|| train(second, every));
        (first.join(), second.join())
    });
    let runs = vec![
        a.map_err(|_| anyhow::anyhow!("the first run panicked"))?,
        b.map_err(|_| anyhow::anyhow!("the second run panicked"))?,
    ];
    let largest_elbo_gap = runs[0]
        .timeline
        .iter()
        .filter_map(|m| {
            let other = runs[1].timeline.iter().find(|o| o.step == m.step)?;
            Some((m.elbo - other.elbo).abs())
        })
        .reduce(f64::max);
    Ok(Comparison {
        runs,
        largest_elbo_gap,
    })
}

fn cell(m: Option<&Moment>) -> String {
    match m {
        Some(m) => format!(
            "{:>7.1}s {:>11.3} {:>6}",
            m.seconds,
            m.elbo,
            m.modes.map_or("-".into(), |c| c.to_string())
        ),
        None => format!("{:>8} {:>11} {:>6}", "", "", ""),
    }
}

fn print(c: &Comparison) {
    for (i, r) in c.runs.iter().enumerate() {
        println!("run {}: {}", i + 1, r.title);
    }
    println!(
        "{:>7} | {:>8} {:>11} {:>6} | {:>8} {:>11} {:>6}",
        "step", "time", "ELBO", "modes", "time", "ELBO", "modes"
    );
    let mut steps: Vec<usize> = c
        .runs
        .iter()
        .flat_map(|r| r.timeline.iter().map(|m| m.step))
        .collect();
    steps.sort_unstable();
    steps.dedup();
    for step in steps {
        fn at(r: &RunResult, step: usize) -> Option<&Moment> {
            r.timeline.iter().find(|m| m.step == step)
        }
        println!(
            "{step:>7} | {} | {}",
            cell(at(&c.runs[0], step)),
            cell(at(&c.runs[1], step))
        );
    }
    for (i, r) in c.runs.iter().enumerate() {
        if let Some(f) = &r.failure {
            println!("run {} stopped: {f}", i + 1);
        }
    }
    let evals: Vec<Option<&Evaluation>> = c.runs.iter().map(|r| r.evaluation.as_ref()).collect();
    if let Some(e) = evals.iter().flatten().next() {
        println!("final evaluation on {} fresh samples:", e.samples);
    }
    let row = |name: &str, f: &dyn Fn(&Evaluation) -> Option<String>| {
        let cells: Vec<String> = evals
            .iter()
            .map(|e| e.and_then(f).unwrap_or_else(|| "-".into()))
            .collect();
        println!("  {name:<10} {:>16} {:>16}", cells[0], cells[1]);
    };
    row("ELBO", &|e| Some(format!("{:.3}", e.weights.elbo)));
    row("log Z-hat", &|e| Some(format!("{:.3}", e.weights.log_z_hat)));
    row("ESS", &|e| Some(format!("{:.3}", e.weights.ess)));
    row("modes", &|e| {
        e.modes.as_ref().map(|m| format!("{} of {}", m.covered, m.total))
    });
    row("EMC", &|e| e.modes.as_ref().map(|m| format!("{:.3}", m.emc)));
    row("Sinkhorn", &|e| {
        e.sinkhorn.as_ref().map(|s| format!("{:.3}", s.value))
    });
    println!(
        "trained side by side in {:.1} s and {:.1} s",
        c.runs[0].seconds, c.runs[1].seconds
    );
    if let Some(g) = c.largest_elbo_gap {
        println!("largest ELBO gap between the runs at logged steps: {g:.4}");
    }
    if let Some(m) = c.runs[0].evaluation.as_ref().and_then(|e| e.modes.as_ref()) {
        println!("a mode is covered with {}", m.rule());
    }
}

pub fn run(args: CompareArgs) -> Result<()> {
    let preset = args.overrides.load(&args.preset)?;
    if let Some(w) = crate::sim::platform::device::software_gpu_warning(preset.device) {
        eprintln!("{w}");
    }
    let result = compare(&preset, args.every)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print(&result);
    }
    // A comparison with a run that stopped is not a comparison: the exit status says so.
    let stopped: Vec<String> = result
        .runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.failure.as_ref().map(|f| format!("run {} stopped: {f}", i + 1)))
        .collect();
    if stopped.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", stopped.join("; "))
    }
}
