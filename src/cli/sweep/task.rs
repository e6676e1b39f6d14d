//! `bridgelab sweep task DIR INDEX`: runs one task of a sweep, the same way under the local
//! executor and under Slurm. A finished task is skipped; a task with a checkpoint resumes from
//! it (bitwise as if never stopped); every attempt is recorded in the task's `status.json`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::manifest::{self, Task};
use crate::sim::Trainer;
use crate::sim::platform::device::make_device;
use crate::sim::training::checkpoint;

/// Where a task stands, as its `status.json` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Running,
    /// Stopped by a signal after saving; the next attempt resumes.
    Stopped,
    Done,
    Diverged,
    Failed,
}

/// One attempt at a task.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attempt {
    /// Seconds since the Unix epoch when it began.
    pub started: u64,
    pub host: String,
    pub pid: u32,
    /// The Slurm job (`<array job>_<index>`) it ran in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slurm_job: Option<String>,
    /// The checkpoint step it went on from; 0 for a fresh start.
    pub resumed_from: usize,
}

/// `runs/<task>/status.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Status {
    pub state: State,
    /// What ended the last attempt, where it did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub attempts: Vec<Attempt>,
}

pub fn read_status(run: &Path) -> Option<Status> {
    serde_json::from_str(&std::fs::read_to_string(run.join("status.json")).ok()?).ok()
}

fn write_status(run: &Path, status: &Status) -> Result<()> {
    crate::export::write_atomically(
        &run.join("status.json"),
        serde_json::to_string_pretty(status)?.as_bytes(),
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// The Slurm job this process runs in, as `scontrol` names it.
pub fn slurm_job() -> Option<String> {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    match (var("SLURM_ARRAY_JOB_ID"), var("SLURM_ARRAY_TASK_ID")) {
        (Some(job), Some(index)) => Some(format!("{job}_{index}")),
        _ => var("SLURM_JOB_ID"),
    }
}

/// Runs task `index` of the sweep in `dir`, saving a checkpoint every `checkpoint_seconds`.
pub fn run(dir: &Path, index: usize, checkpoint_seconds: f64, quiet: bool) -> Result<()> {
    let (_, tasks) = manifest::read(dir)?;
    let task: &Task = tasks.get(index).with_context(|| {
        format!(
            "{} has tasks 0 to {}, not {index}",
            dir.display(),
            tasks.len().saturating_sub(1)
        )
    })?;
    let run = dir.join(&task.out);
    if run.join("eval.json").is_file() {
        if !quiet {
            println!("task {index} is already complete ({})", run.display());
        }
        return Ok(());
    }
    std::fs::create_dir_all(&run).with_context(|| format!("cannot create {}", run.display()))?;
    let preset = preset_of(dir, task)?;
    let ckpt = run.join("checkpoint.json");
    let (trainer, resumed_from) = if ckpt.is_file() {
        let (t, _) = checkpoint::resume(&ckpt, &preset, make_device(preset.device))?;
        let step = t.step_count();
        (t, step)
    } else {
        let device = make_device(preset.device);
        (Trainer::new(preset, device)?, 0)
    };
    let mut status = read_status(&run).unwrap_or(Status {
        state: State::Running,
        error: None,
        attempts: Vec::new(),
    });
    status.state = State::Running;
    status.error = None;
    status.attempts.push(Attempt {
        started: now(),
        host: host(),
        pid: std::process::id(),
        slurm_job: slurm_job(),
        resumed_from,
    });
    write_status(&run, &status)?;
    let plan = crate::cli::train::Plan {
        until: None,
        checkpoint_every: None,
        checkpoint_seconds: Some(checkpoint_seconds),
        report: crate::cli::ReportArg::Final,
        resume_hint: format!("bridgelab sweep task {} {index}", dir.display()),
    };
    let result = crate::cli::train::train_and_write(trainer, &run, quiet, plan);
    let stopped = result
        .as_ref()
        .err()
        .and_then(|e| e.downcast_ref::<crate::cli::interrupt::Stopped>())
        .map(|s| s.by);
    status.state = match (&result, stopped) {
        (Ok(()), _) => State::Done,
        (Err(_), Some(_)) => State::Stopped,
        (Err(e), None) if format!("{e:#}").contains("diverged") => State::Diverged,
        (Err(_), None) => State::Failed,
    };
    status.error = result.as_ref().err().map(|e| format!("{e:#}"));
    write_status(&run, &status)?;
    if let Some(by) = stopped
        && by.signal_is_warning()
    {
        requeue_in_slurm();
    }
    result
}

/// The preset task `task` of the sweep in `dir` trains: the planned preset with the task's
/// seed and, where the plan runs seed i on mixture instance i, that instance.
pub fn preset_of(dir: &Path, task: &Task) -> Result<crate::sim::Preset> {
    let mut preset = crate::presets::load(&dir.join(&task.preset))?;
    preset.seed = task.seed;
    if let Some(instance) = task.instance {
        preset.target.constants_seed = instance;
    }
    Ok(preset)
}

/// Slurm's warning before a time limit (`--signal`) ends the job soon: the task has saved, and
/// puts itself back in the queue to go on there.
fn requeue_in_slurm() {
    let Some(job) = slurm_job() else { return };
    match std::process::Command::new("scontrol")
        .args(["requeue", &job])
        .status()
    {
        Ok(s) if s.success() => eprintln!("bridgelab: requeued Slurm job {job}"),
        other => eprintln!("bridgelab: could not requeue Slurm job {job} ({other:?})"),
    }
}
