//! `sweep status` (where each task stands) and `sweep collect` (the table of what finished).

use std::path::Path;

use anyhow::{Context, Result};

use super::manifest::{Sweep, Task};
use super::summary::{self, Outcome, PresetRuns, Reporting, RunResult};
use super::task::{State, read_status};
use crate::sim::report::Evaluation;

/// What one task's directory says.
pub struct TaskView {
    pub word: &'static str,
    /// The last logged step and the run's length.
    pub steps: Option<(usize, usize)>,
    /// Seconds since the checkpoint was last written.
    pub checkpoint_age: Option<f64>,
    pub attempts: usize,
    pub error: Option<String>,
    pub evaluation: Option<Evaluation>,
    pub seconds: f64,
}

fn last_logged_step(run: &Path) -> Option<(usize, f64)> {
    let text = std::fs::read_to_string(run.join("metrics.csv")).ok()?;
    let last = text.lines().skip(1).filter(|l| !l.trim().is_empty()).last()?;
    let fields: Vec<&str> = last.split(',').collect();
    Some((fields.first()?.parse().ok()?, fields.get(7)?.parse().ok()?))
}

pub fn view(dir: &Path, task: &Task) -> TaskView {
    let run = dir.join(&task.out);
    let status = read_status(&run);
    let evaluation: Option<Evaluation> = std::fs::read_to_string(run.join("eval.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let total = crate::presets::load(&dir.join(&task.preset)).map_or(0, |p| p.train_steps);
    let logged = last_logged_step(&run);
    let checkpoint_age = std::fs::metadata(run.join("checkpoint.json"))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .map(|d| d.as_secs_f64());
    let word = match (&evaluation, status.as_ref().map(|s| s.state)) {
        (Some(_), _) => "done",
        (None, Some(State::Running)) => "running",
        (None, Some(State::Stopped)) => "stopped",
        (None, Some(State::Diverged)) => "diverged",
        (None, Some(State::Failed)) => "failed",
        (None, Some(State::Done)) => "failed",
        (None, None) => "pending",
    };
    TaskView {
        word,
        steps: logged.map(|(s, _)| (s, total)),
        checkpoint_age,
        attempts: status.as_ref().map_or(0, |s| s.attempts.len()),
        error: status.and_then(|s| s.error),
        evaluation,
        seconds: logged.map_or(0.0, |(_, w)| w),
    }
}

/// Prints one line per task and the counts.
pub fn print_status(dir: &Path, tasks: &[Task]) {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    println!(
        "{:>5}  {:<36} {:<9} {:>13}  {:>10}  {:>8}  error",
        "task", "run", "state", "steps", "checkpoint", "attempts"
    );
    for t in tasks {
        let v = view(dir, t);
        *counts.entry(v.word).or_default() += 1;
        let steps = v.steps.map_or("-".into(), |(s, n)| format!("{s}/{n}"));
        let age = v.checkpoint_age.map_or("-".into(), |a| format!("{a:.0} s ago"));
        let error = v.error.filter(|_| v.word != "done").unwrap_or_default();
        println!(
            "{:>5}  {:<36} {:<9} {:>13}  {:>10}  {:>8}  {error}",
            t.index, t.out, v.word, steps, age, v.attempts
        );
    }
    let summary: Vec<String> = counts.iter().map(|(w, n)| format!("{n} {w}")).collect();
    println!("{} tasks: {}", tasks.len(), summary.join(", "));
}

/// A finished run under the paper's reporting, from its metrics.csv, and how many of its
/// logged steps were not finite.
fn paper_figures(dir: &Path, task: &Task) -> (Result<crate::sim::metrics::PaperReport, String>, usize) {
    use crate::sim::metrics::{EpochRule, paper_report};
    let logged = crate::export::read_logged_epochs(&dir.join(&task.out).join("metrics.csv"));
    let preset = super::task::preset_of(dir, task);
    match (logged, preset) {
        (Ok(logged), Ok(preset)) => {
            let rule = EpochRule::for_target(preset.target.kind.is_bayesian());
            (
                paper_report(&logged.epochs, preset.train_steps, rule),
                logged.non_finite_steps,
            )
        }
        (Err(e), _) | (_, Err(e)) => (Err(format!("{e:#}")), 0),
    }
}

/// The runs of every preset as far as they got; tasks without a result are listed as missing.
pub fn gather(dir: &Path, sweep: &Sweep, tasks: &[Task]) -> (Vec<PresetRuns>, Vec<String>) {
    let mut presets: Vec<PresetRuns> = sweep
        .presets
        .iter()
        .map(|p| PresetRuns {
            name: p.name.clone(),
            group: p.group.clone(),
            instances: p.instances.clone(),
            runs: Vec::new(),
        })
        .collect();
    let mut missing = Vec::new();
    for t in tasks {
        let v = view(dir, t);
        let error = v.error.clone().unwrap_or_else(|| "no message".into());
        let (paper, non_finite_steps) = match &v.evaluation {
            Some(_) => {
                let (report, count) = paper_figures(dir, t);
                (Some(report), count)
            }
            None => (None, 0),
        };
        let outcome = match (v.evaluation, v.word) {
            (Some(e), _) => Outcome::Evaluated(Box::new(e)),
            (None, "diverged") => Outcome::Diverged(error),
            (None, "failed") => Outcome::Failed(error),
            (None, word) => {
                missing.push(format!("task {} ({}): {word}", t.index, t.out));
                continue;
            }
        };
        presets[t.preset_index].runs.push(RunResult {
            seed: t.seed,
            seconds: v.seconds,
            outcome,
            paper,
            non_finite_steps,
        });
    }
    (presets, missing)
}

/// Writes `table.md` and `table.csv` into `dir` under `reporting`; gives the Markdown and the
/// missing tasks.
pub fn collect(
    dir: &Path,
    sweep: &Sweep,
    tasks: &[Task],
    reporting: Reporting,
) -> Result<(String, Vec<String>)> {
    let (presets, missing) = gather(dir, sweep, tasks);
    let rows = summary::rows(&presets, reporting);
    let mut md = summary::markdown(&rows, reporting);
    let problems = summary::problems(&presets);
    if !problems.is_empty() {
        md.push_str(&format!(
            "\nRuns that did not finish:\n\n- {}\n",
            problems.join("\n- ")
        ));
    }
    if !missing.is_empty() {
        const LISTED: usize = 10;
        let more = missing.len().saturating_sub(LISTED);
        md.push_str(&format!(
            "\nNot in the table ({} tasks; `bridgelab sweep status` lists them all): {}{}\n",
            missing.len(),
            missing[..missing.len().min(LISTED)].join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        ));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::export::write_atomically(&dir.join("table.md"), md.as_bytes())?;
    crate::export::write_atomically(&dir.join("table.csv"), summary::csv(&rows, reporting).as_bytes())?;
    Ok((md, missing))
}
