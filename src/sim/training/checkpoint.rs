//! Saving and resuming runs. A checkpoint holds the preset, the step, every parameter, the
//! optimiser state and the logged history; randomness needs no state (see `noise`).

use std::io::Write;
use std::path::Path;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::sim::error::SimError;
use crate::sim::metrics::EpochSums;
use crate::sim::preset::Preset;
use crate::sim::report::StepRecord;
use crate::sim::training::optim::RAdamState;
use crate::sim::training::params::HostParam;
use crate::sim::training::trainer::Trainer;

const CHECKPOINT_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    format: u32,
    preset: Preset,
    step: usize,
    params: Vec<HostParam>,
    optimizer: RAdamState,
    history: Vec<StepRecord>,
    /// The epoch under way (absent in checkpoints written before the paper's reporting).
    #[serde(default)]
    epoch: EpochSums,
}

/// Writes `contents` to `path` through a temporary file and a rename, so an interrupted write
/// never leaves a truncated file behind.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(contents)?;
        f.sync_all()
    });
    // A partial temporary file on a full disk would keep the disk full for the next attempt.
    written
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

/// The process id in the name of a temporary file of [`write_atomically`], if it is one.
fn temporary_owner(name: &str) -> Option<u32> {
    let (_, pid) = name.strip_prefix('.')?.rsplit_once(".tmp-")?;
    pid.parse().ok()
}

/// Removes the temporary files of [`write_atomically`] in `dir` whose writer no longer runs (it
/// was killed between writing and renaming), so that they neither fill the disk nor confuse a
/// reader.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = temporary_owner(&name) else {
            continue;
        };
        // Without /proc no writer can be told dead, and none is removed.
        let running = pid == std::process::id()
            || !Path::new("/proc/self").exists()
            || Path::new(&format!("/proc/{pid}")).exists();
        if !running {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

pub fn save(trainer: &Trainer, path: &Path) -> Result<(), SimError> {
    let ckpt = Checkpoint {
        format: CHECKPOINT_FORMAT,
        preset: trainer.preset().clone(),
        step: trainer.step_count(),
        params: trainer.params().to_host(),
        optimizer: trainer.optimizer().to_host(),
        history: trainer.history().to_vec(),
        epoch: trainer.epoch_sums(),
    };
    let bytes = serde_json::to_vec(&ckpt).map_err(|e| SimError::Checkpoint(e.to_string()))?;
    write_atomically(path, &bytes).map_err(|e| SimError::Checkpoint(format!("{}: {e}", path.display())))
}

fn read(path: &Path) -> Result<Checkpoint, SimError> {
    let text = std::fs::read(path).map_err(|e| SimError::Checkpoint(format!("{}: {e}", path.display())))?;
    let ckpt: Checkpoint = serde_json::from_slice(&text)
        .map_err(|e| SimError::Checkpoint(format!("{}: not a bridgelab checkpoint ({e})", path.display())))?;
    if ckpt.format != CHECKPOINT_FORMAT {
        return Err(SimError::Checkpoint(format!(
            "{}: format {} is not the supported {CHECKPOINT_FORMAT}",
            path.display(),
            ckpt.format
        )));
    }
    crate::sim::preset::validate::validate(&ckpt.preset)
        .map_err(|e| SimError::Checkpoint(format!("{}: its preset is not valid: {e}", path.display())))?;
    let mut ckpt = ckpt;
    ckpt.preset.upgrade();
    Ok(ckpt)
}

/// The preset a checkpoint was trained with, read without building the run.
pub fn read_preset(path: &Path) -> Result<Preset, SimError> {
    read(path).map(|c| c.preset)
}

pub fn load(path: &Path, device: Device) -> Result<Trainer, SimError> {
    let ckpt = read(path)?;
    let preset = ckpt.preset.clone();
    build(path, ckpt, preset, device)
}

/// The run of `ckpt` under `preset`, every error naming the file.
fn build(path: &Path, ckpt: Checkpoint, preset: Preset, device: Device) -> Result<Trainer, SimError> {
    let named = |e: SimError| match e {
        SimError::Checkpoint(m) => SimError::Checkpoint(format!("{}: {m}", path.display())),
        other => SimError::Checkpoint(format!("{}: {other}", path.display())),
    };
    if ckpt.history.iter().any(|r| r.step > ckpt.step) {
        return Err(named(SimError::Checkpoint(format!(
            "its history goes past its step {}",
            ckpt.step
        ))));
    }
    let mut trainer = Trainer::new(preset, device).map_err(named)?;
    trainer
        .restore(ckpt.step, &ckpt.params, &ckpt.optimizer, ckpt.history, ckpt.epoch)
        .map_err(named)?;
    Ok(trainer)
}

/// Fields a resumed run takes from the preset it is resumed with: they decide how long it
/// runs, how it is logged, evaluated and named, and where it runs, not what a step computes.
const TAKEN_ON_RESUME: [&str; 8] = [
    "train_steps",
    "log_every",
    "eval",
    "device",
    "on_divergence",
    "title",
    "description",
    "guide",
];

/// Loads the checkpoint at `path` to go on under `given`: refuses it where `given` trains
/// differently (another loss, width, seed, …), naming each such field with both values, and
/// otherwise takes the fields of [`TAKEN_ON_RESUME`] from `given`. Also gives what it took,
/// one "field: saved → given" line each.
pub fn resume(path: &Path, given: &Preset, device: Device) -> Result<(Trainer, Vec<String>), SimError> {
    let ckpt = read(path)?;
    let changes = differences(&ckpt.preset, given)?;
    let (taken, refused): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .partition(|(field, _, _)| TAKEN_ON_RESUME.contains(&field.split('.').next().unwrap_or("")));
    if !refused.is_empty() {
        let list: Vec<String> = refused
            .iter()
            .map(|(f, saved, new)| format!("{f} is {saved} in the checkpoint and {new} here"))
            .collect();
        return Err(SimError::Checkpoint(format!(
            "{} was trained differently, so it cannot go on under this preset: {}",
            path.display(),
            list.join("; ")
        )));
    }
    let mut preset = ckpt.preset.clone();
    preset.train_steps = given.train_steps;
    preset.log_every = given.log_every;
    preset.eval = given.eval.clone();
    preset.device = given.device;
    preset.on_divergence = given.on_divergence;
    preset.title = given.title.clone();
    preset.description = given.description.clone();
    preset.guide = given.guide.clone();
    let trainer = build(path, ckpt, preset, device)?;
    let taken = taken
        .into_iter()
        .map(|(f, saved, new)| format!("{f}: {saved} → {new}"))
        .collect();
    Ok((trainer, taken))
}

/// (field path, value in `a`, value in `b`) for every leaf where the two presets differ.
fn differences(a: &Preset, b: &Preset) -> Result<Vec<(String, String, String)>, SimError> {
    fn walk(
        path: &str,
        a: &serde_json::Value,
        b: &serde_json::Value,
        out: &mut Vec<(String, String, String)>,
    ) {
        use serde_json::Value;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let field = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(
                        &field,
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                        out,
                    );
                }
            }
            _ if a != b => out.push((path.to_string(), a.to_string(), b.to_string())),
            _ => {}
        }
    }
    let value = |p: &Preset| serde_json::to_value(p).map_err(|e| SimError::Checkpoint(e.to_string()));
    let mut out = Vec::new();
    walk("", &value(a)?, &value(b)?, &mut out);
    Ok(out)
}
