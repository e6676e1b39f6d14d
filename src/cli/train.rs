use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use crate::export::{write_eval, write_metrics_csv, write_samples_npy};
use crate::sim::Trainer;
use crate::sim::checkpoint;
use crate::sim::device::make_device;
use crate::sim::validate::preset_to_ron;

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The preset (.ron) to train.
    pub preset: PathBuf,
    #[command(flatten)]
    pub overrides: super::Overrides,
    /// Output directory (default: runs/<preset name>-seed<seed>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Resume from a checkpoint written by an earlier run instead of starting fresh.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Stop after this step, as if interrupted there: the schedule still plans for the whole
    /// run, and `--resume` on the checkpoint continues it.
    #[arg(long, value_name = "STEP")]
    pub until: Option<usize>,
    /// Also write checkpoint.json every this many steps, so an interrupted run can resume.
    #[arg(long, value_name = "STEPS")]
    pub checkpoint_every: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: TrainArgs) -> Result<()> {
    let preset = args.overrides.load(&args.preset)?;
    let stem = args
        .preset
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("runs").join(format!("{stem}-seed{}", preset.seed)));
    if let Some(w) = crate::sim::device::software_gpu_warning(preset.device) {
        eprintln!("{w}");
    }
    let trainer = match &args.resume {
        Some(path) => {
            let mut t = checkpoint::load(path, make_device(preset.device))?;
            anyhow::ensure!(
                t.preset().target == preset.target && t.preset().bridge == preset.bridge,
                "{} was trained on another target or bridge than {}",
                path.display(),
                args.preset.display()
            );
            t.extend_to(preset.train_steps);
            t
        }
        None => {
            let device = make_device(preset.device);
            Trainer::new(preset, device)?
        }
    };
    let plan = Plan {
        until: args.until,
        checkpoint_every: args.checkpoint_every,
    };
    train_and_write(trainer, &out, args.quiet, plan)
}

/// Where training stops early and how often it saves.
struct Plan {
    until: Option<usize>,
    checkpoint_every: Option<usize>,
}

fn train_and_write(mut trainer: Trainer, out: &Path, quiet: bool, plan: Plan) -> Result<()> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output directory {}", out.display()))?;
    let total = trainer.preset().train_steps;
    let bar = super::steps_bar(total, quiet);
    bar.set_position(trainer.step_count() as u64);
    let started = Instant::now();
    let first_step = trainer.step_count();
    let mut failure = None;
    let stop_at = plan.until.unwrap_or(usize::MAX);
    while !trainer.is_finished() && trainer.step_count() < stop_at {
        match trainer.step() {
            Ok(record) => {
                bar.set_position(record.step as u64);
                if let Some(quantity) = record.skipped.as_ref().filter(|_| trainer.skipped_steps() <= 5) {
                    bar.println(format!("step {} skipped: {quantity} not finite", record.step));
                }
                if plan
                    .checkpoint_every
                    .is_some_and(|n| n > 0 && record.step.is_multiple_of(n))
                {
                    checkpoint::save(&trainer, &out.join("checkpoint.json"))?;
                }
                if record.step % 5 == 0 || record.step == total {
                    bar.set_message(format!(
                        "loss {:.4}  ELBO {:.3}",
                        record.loss, record.weights.elbo
                    ));
                }
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    bar.finish_and_clear();
    let trained = trainer.step_count() - first_step;
    let seconds = started.elapsed().as_secs_f64();

    let preset_text = preset_to_ron(trainer.preset());
    std::fs::write(out.join("preset.ron"), preset_text).context("writing preset.ron")?;
    write_metrics_csv(&out.join("metrics.csv"), trainer.history())?;
    checkpoint::save(&trainer, &out.join("checkpoint.json"))?;
    if let Some(e) = failure {
        anyhow::bail!("{e}; history up to that step is in {}", out.display());
    }
    let evaluation = trainer.evaluate(None);
    write_eval(&out.join("eval.json"), &evaluation)?;
    let samples = trainer.sample(trainer.preset().eval.samples);
    write_samples_npy(&out.join("samples.npy"), &samples, trainer.sampler().dim)?;
    if !quiet {
        println!(
            "trained {trained} steps in {seconds:.1} s ({:.2} steps/s)",
            trained as f64 / seconds.max(1e-9)
        );
        if trainer.skipped_steps() > 0 {
            println!(
                "{} steps skipped for non-finite values (listed in metrics.csv)",
                trainer.skipped_steps()
            );
        }
        super::eval::print_evaluation(&evaluation);
        println!("outputs in {}", out.display());
    }
    Ok(())
}
