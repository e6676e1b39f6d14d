//! `sweep slurm`: a Slurm job array for a sweep, one array index per task, each running
//! `bridgelab sweep task DIR INDEX` (the local executor's entry point too).

use std::path::Path;

use anyhow::{Context, Result, bail};

/// What the job array asks of Slurm.
#[derive(clap::Args, Debug, Clone)]
pub struct SlurmOptions {
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit per task, HH:MM:SS (or anything `sbatch --time` takes).
    #[arg(long, default_value = "24:00:00")]
    pub time: String,
    #[arg(long, default_value_t = 2)]
    pub cpus_per_task: u32,
    /// Memory per task, as `sbatch --mem` takes it (4G, 4000M); default: the largest
    /// estimate of the sweep's presets (training or evaluation) and 1 GiB more.
    #[arg(long)]
    pub mem: Option<String>,
    /// Generic resources per task, e.g. gpu:1 (the presets then want `device: Gpu` or `Auto`).
    #[arg(long)]
    pub gres: Option<String>,
    /// At most this many tasks at once (the array's % throttle).
    #[arg(long)]
    pub max_parallel: Option<u32>,
    /// Seconds before the time limit at which Slurm sends SIGUSR1: the task saves and
    /// requeues itself.
    #[arg(long, default_value_t = 300)]
    pub warn_seconds: u32,
    /// Minutes between a task's checkpoints.
    #[arg(long, default_value_t = 5.0)]
    pub checkpoint_minutes: f64,
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Refuses option values that would break the script's `#SBATCH` lines.
fn plain(name: &str, v: &str) -> Result<()> {
    if v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\'' || c == '"')
    {
        bail!("--{name} {v:?} is not a plain Slurm value");
    }
    Ok(())
}

/// The `sbatch` script for `count` tasks of the sweep in `dir` (an absolute path).
pub fn script(dir: &Path, count: usize, exe: &Path, o: &SlurmOptions, mem: &str) -> Result<String> {
    if count == 0 {
        bail!("the sweep holds no tasks");
    }
    plain("time", &o.time)?;
    plain("mem", mem)?;
    for (name, v) in [("partition", &o.partition), ("gres", &o.gres)] {
        if let Some(v) = v {
            plain(name, v)?;
        }
    }
    if o.cpus_per_task == 0 || o.max_parallel == Some(0) {
        bail!("--cpus-per-task and --max-parallel must be at least 1");
    }
    if !(o.checkpoint_minutes > 0.0 && o.checkpoint_minutes.is_finite()) {
        bail!("--checkpoint-minutes must be above 0");
    }
    let dir_text = dir.display().to_string();
    if dir_text.contains(['\n', '%']) {
        bail!("the sweep directory {dir_text:?} holds a newline or %, which Slurm paths cannot");
    }
    let throttle = o.max_parallel.map_or(String::new(), |m| format!("%{m}"));
    let mut s = String::from("#!/bin/bash\n");
    s.push_str("# Written by `bridgelab sweep slurm`: one array index per task of the sweep.\n");
    s.push_str("#SBATCH --job-name=bridgelab-sweep\n");
    s.push_str(&format!("#SBATCH --array=0-{}{throttle}\n", count - 1));
    s.push_str(&format!("#SBATCH --output={dir_text}/logs/%A_%a.log\n"));
    s.push_str("#SBATCH --open-mode=append\n");
    s.push_str(&format!("#SBATCH --time={}\n", o.time));
    s.push_str(&format!("#SBATCH --cpus-per-task={}\n", o.cpus_per_task));
    s.push_str(&format!("#SBATCH --mem={mem}\n"));
    if let Some(p) = &o.partition {
        s.push_str(&format!("#SBATCH --partition={p}\n"));
    }
    if let Some(g) = &o.gres {
        s.push_str(&format!("#SBATCH --gres={g}\n"));
    }
    s.push_str("# Pre-emption and node failure put the task back in the queue; it resumes from its\n");
    s.push_str(
        "# checkpoint. Before the time limit Slurm sends SIGUSR1: the task saves and requeues itself.\n",
    );
    s.push_str("#SBATCH --requeue\n");
    s.push_str(&format!("#SBATCH --signal=B:USR1@{}\n", o.warn_seconds));
    s.push_str(&format!(
        "export BRIDGELAB_CORES=\"${{SLURM_CPUS_PER_TASK:-{}}}\"\n",
        o.cpus_per_task
    ));
    s.push_str("export RAYON_NUM_THREADS=\"$BRIDGELAB_CORES\"\n");
    if let Ok(data) = std::env::var(crate::sim::targets::data::DATA_DIR_ENV) {
        s.push_str(&format!(
            "export {}={}\n",
            crate::sim::targets::data::DATA_DIR_ENV,
            shell_quote(&data)
        ));
    }
    // exec: the task is the batch step's process, so Slurm's signals reach it directly.
    s.push_str(&format!(
        "exec {} sweep task {} \"$SLURM_ARRAY_TASK_ID\" --quiet --checkpoint-seconds {}\n",
        shell_quote(&exe.display().to_string()),
        shell_quote(&dir_text),
        o.checkpoint_minutes * 60.0
    ));
    Ok(s)
}

/// Writes `DIR/sweep.sbatch` and, with `submit`, submits it; gives the script's path and the
/// job id.
pub fn write_and_submit(
    dir: &Path,
    tasks: &[super::manifest::Task],
    o: &SlurmOptions,
    submit: bool,
) -> Result<(std::path::PathBuf, Option<String>)> {
    let dir = std::fs::canonicalize(dir).with_context(|| format!("cannot find {}", dir.display()))?;
    let exe = std::env::current_exe().context("cannot find this program for the script")?;
    let mem = match &o.mem {
        Some(m) => m.clone(),
        None => format!("{}G", estimated_gib(&dir, tasks)? + 1),
    };
    let text = script(&dir, tasks.len(), &exe, o, &mem)?;
    std::fs::create_dir_all(dir.join("logs"))
        .with_context(|| format!("cannot create {}/logs", dir.display()))?;
    let path = dir.join("sweep.sbatch");
    crate::export::write_atomically(&path, text.as_bytes())?;
    if !submit {
        return Ok((path, None));
    }
    let out = std::process::Command::new("sbatch")
        .arg("--parsable")
        .arg(&path)
        .output()
        .context("cannot run sbatch (is Slurm installed here?)")?;
    if !out.status.success() {
        bail!(
            "sbatch refused {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let id = String::from_utf8_lossy(&out.stdout)
        .trim()
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    Ok((path, Some(id)))
}

/// The largest memory estimate of the sweep's presets, training or evaluation, in whole GiB.
fn estimated_gib(dir: &Path, tasks: &[super::manifest::Task]) -> Result<u128> {
    use crate::sim::preset::memory::{estimated_eval_bytes, estimated_step_bytes};
    let mut most = 0;
    let mut seen = std::collections::HashSet::new();
    for t in tasks.iter().filter(|t| seen.insert(t.preset.clone())) {
        let p = crate::presets::load(&dir.join(&t.preset))?;
        most = most
            .max(estimated_step_bytes(&p))
            .max(estimated_eval_bytes(&p, p.eval.samples));
    }
    Ok(most.div_ceil(1 << 30))
}
