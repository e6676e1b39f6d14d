use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::interrupt::{Stopped, Watch};
use crate::export::{MetricsLog, write_eval, write_metrics_csv, write_samples_npy};
use crate::sim::Trainer;
use crate::sim::platform::device::make_device;
use crate::sim::preset::file::preset_to_ron;
use crate::sim::training::checkpoint;

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
    /// What the run reports when it ends: `final` (the final evaluation on fresh samples) or
    /// `paper` (the rKL-LD paper's per-epoch training means beside it; see README).
    #[arg(long, value_enum, default_value_t)]
    pub report: super::ReportArg,
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
    if let Some(w) = crate::sim::platform::device::software_gpu_warning(preset.device) {
        eprintln!("{w}");
    }
    let trainer = match &args.resume {
        Some(path) => {
            let (t, taken) = checkpoint::resume(path, &preset, make_device(preset.device))?;
            if !taken.is_empty() && !args.quiet {
                eprintln!(
                    "resuming {} with these settings of {}: {}",
                    path.display(),
                    args.preset.display(),
                    taken.join("; ")
                );
            }
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
        checkpoint_seconds: None,
        report: args.report,
        resume_hint: format!(
            "bridgelab train {}{} --resume {} --out {}",
            args.preset.display(),
            args.overrides.as_options(),
            out.join("checkpoint.json").display(),
            out.display()
        ),
    };
    train_and_write(trainer, &out, args.quiet, plan)
}

/// Where training stops early and how often it saves.
pub(crate) struct Plan {
    pub until: Option<usize>,
    /// Save every this many steps,
    pub checkpoint_every: Option<usize>,
    /// and whenever this many seconds of wall time have passed since the last save.
    pub checkpoint_seconds: Option<f64>,
    /// What the finished run prints.
    pub report: super::ReportArg,
    /// The command that resumes the run, for the message of an interrupted one.
    pub resume_hint: String,
}

/// Creates the output directory, takes it for this run (the lock it returns holds until the run
/// ends, however it ends: the system releases it with the process, after kill -9 too) and
/// proves it writable by writing the preset there, before any step is spent; removes temporary
/// files that killed writers left there. A second run pointed at the same directory is refused
/// with the holder's process id, instead of mixing its files with the first's.
fn prepare_output(out: &Path, trainer: &Trainer) -> Result<std::fs::File> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output directory {}", out.display()))?;
    let lock_path = out.join(".bridgelab.lock");
    let mut lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&lock_path).unwrap_or_default();
            let holder = holder.trim();
            bail!(
                "another bridgelab run is writing to {} ({}); give this one another --out, or wait for it to end",
                out.display(),
                if holder.is_empty() {
                    "its process id is not known".to_string()
                } else {
                    format!("process {holder}")
                }
            );
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", lock_path.display()));
        }
    }
    {
        use std::io::{Seek, Write};
        lock.set_len(0)?;
        lock.seek(std::io::SeekFrom::Start(0))?;
        write!(lock, "{}", std::process::id())?;
    }
    crate::export::remove_stale_temporaries(out);
    let preset_text = preset_to_ron(trainer.preset());
    crate::export::write_atomically(&out.join("preset.ron"), preset_text.as_bytes())?;
    Ok(lock)
}

/// A problem the run survives, on stderr even under `--quiet`, above the progress bar.
fn warn(bar: &indicatif::ProgressBar, message: String) {
    bar.suspend(|| eprintln!("bridgelab: {message}"));
}

pub(crate) fn train_and_write(mut trainer: Trainer, out: &Path, quiet: bool, plan: Plan) -> Result<()> {
    let _taken = prepare_output(out, &trainer)?;
    let mut log = MetricsLog::create(&out.join("metrics.csv"), trainer.history())?;
    let total = trainer.preset().train_steps;
    let bar = super::steps_bar(total, quiet);
    bar.set_position(trainer.step_count() as u64);
    let started = Instant::now();
    let first_step = trainer.step_count();
    let mut failure = None;
    let mut interrupted = None;
    let mut log_failed = false;
    let stop_at = plan.until.unwrap_or(usize::MAX);
    let watch = Watch::start();
    let mut last_save = Instant::now();
    while !trainer.is_finished() && trainer.step_count() < stop_at {
        if let Some(signal) = watch.received() {
            interrupted = Some(signal);
            break;
        }
        let logged_before = trainer.history().len();
        match trainer.step() {
            Ok(record) => {
                bar.set_position(record.step as u64);
                if trainer.history().len() > logged_before
                    && let Err(e) = log.append(&record)
                    && !std::mem::replace(&mut log_failed, true)
                {
                    warn(&bar, format!("{e:#}; the whole file is written again at the end"));
                }
                if let Some(quantity) = record.skipped.as_ref().filter(|_| trainer.skipped_steps() <= 5) {
                    bar.println(format!("step {} skipped: {quantity} not finite", record.step));
                }
                let due = plan
                    .checkpoint_every
                    .is_some_and(|n| n > 0 && record.step.is_multiple_of(n))
                    || plan
                        .checkpoint_seconds
                        .is_some_and(|s| last_save.elapsed().as_secs_f64() >= s);
                if due {
                    last_save = Instant::now();
                }
                if due && let Err(e) = checkpoint::save(&trainer, &out.join("checkpoint.json")) {
                    warn(
                        &bar,
                        format!(
                            "step {}: the periodic checkpoint failed ({e}); training goes on",
                            record.step
                        ),
                    );
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
    drop(log);
    // Both are tried even when one fails (a full disk may still take the other).
    let saved = [
        write_metrics_csv(&out.join("metrics.csv"), trainer.history()),
        checkpoint::save(&trainer, &out.join("checkpoint.json")).map_err(anyhow::Error::from),
    ];
    let failed: Vec<String> = saved
        .into_iter()
        .filter_map(|r| r.err())
        .map(|e| format!("{e:#}"))
        .collect();
    if !failed.is_empty() {
        anyhow::bail!(
            "the run could not be saved after step {}: {}",
            trainer.step_count(),
            failed.join("; ")
        );
    }
    if let Some(by) = interrupted.or_else(|| watch.received()) {
        return Err(Stopped {
            by,
            message: format!(
                "stopped by {} after step {} of {total}; the checkpoint, metrics.csv and preset.ron are in {}; \
                 go on with: {}",
                by.name(),
                trainer.step_count(),
                out.display(),
                plan.resume_hint
            ),
        }
        .into());
    }
    // From here the run is saved: a signal during the evaluation ends the process at once.
    drop(watch);
    if let Some(e) = failure {
        anyhow::bail!("{e}; history up to that step is in {}", out.display());
    }
    let evaluation = super::evaluate_showing_progress(&trainer, None, quiet);
    let samples = trainer.sample(trainer.preset().eval.samples);
    write_samples_npy(&out.join("samples.npy"), &samples, trainer.sampler().dim)?;
    // Written last: a run directory with eval.json holds a finished run.
    write_eval(&out.join("eval.json"), &evaluation)?;
    if !quiet {
        println!(
            "trained {trained} steps in {seconds:.1} s ({:.2} steps/s)",
            trained as f64 / seconds.max(1e-9)
        );
        if trainer.skipped_steps() > 0 {
            println!(
                "{} steps had non-finite values ({}; listed in metrics.csv)",
                trainer.skipped_steps(),
                trainer.preset().on_divergence.label()
            );
        }
        super::eval::print_evaluation(&evaluation);
        if plan.report == super::ReportArg::Paper {
            print_paper_report(&trainer, &evaluation);
        }
        println!("outputs in {}", out.display());
    }
    Ok(())
}

/// The run's figures as the rKL-LD paper's table reports them (see `sim::metrics::epochs`).
fn print_paper_report(trainer: &Trainer, evaluation: &crate::sim::report::Evaluation) {
    use crate::sim::metrics::{EpochRule, logged_epochs, paper_report};
    let preset = trainer.preset();
    let rule = EpochRule::for_target(preset.target.kind.is_bayesian());
    println!("the paper's reporting ({}):", rule.describe());
    match paper_report(&logged_epochs(trainer.history()), preset.train_steps, rule) {
        Ok(r) => {
            println!(
                "  ELBO      {:.4}  (epoch {} of {}{})",
                r.elbo,
                r.elbo_epoch,
                r.epochs,
                if r.non_finite_epochs > 0 {
                    format!(", {} epochs not finite", r.non_finite_epochs)
                } else {
                    String::new()
                }
            );
            println!("  log Z-hat {:.4}", r.log_z);
        }
        Err(why) => println!("  not available: {why}"),
    }
    if let Some(s) = &evaluation.sinkhorn {
        println!("  Sinkhorn  {:.4}  (the final evaluation's)", s.value);
    }
}
