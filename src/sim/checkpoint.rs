//! Saving and resuming runs. A checkpoint holds the preset, the step, every parameter, the
//! optimiser state and the logged history; randomness needs no state (see `noise`).

use std::io::Write;
use std::path::Path;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::config::Preset;
use super::error::SimError;
use super::optim::RAdamState;
use super::params::HostParam;
use super::report::StepRecord;
use super::trainer::Trainer;

const CHECKPOINT_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    format: u32,
    preset: Preset,
    step: usize,
    params: Vec<HostParam>,
    optimizer: RAdamState,
    history: Vec<StepRecord>,
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
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

pub fn save(trainer: &Trainer, path: &Path) -> Result<(), SimError> {
    let ckpt = Checkpoint {
        format: CHECKPOINT_FORMAT,
        preset: trainer.preset().clone(),
        step: trainer.step_count(),
        params: trainer.params().to_host(),
        optimizer: trainer.optimizer().to_host(),
        history: trainer.history().to_vec(),
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
    crate::sim::validate::validate(&ckpt.preset)
        .map_err(|e| SimError::Checkpoint(format!("{}: its preset is not valid: {e}", path.display())))?;
    Ok(ckpt)
}

/// The preset a checkpoint was trained with, read without building the run.
pub fn read_preset(path: &Path) -> Result<Preset, SimError> {
    read(path).map(|c| c.preset)
}

pub fn load(path: &Path, device: Device) -> Result<Trainer, SimError> {
    let ckpt = read(path)?;
    let mut trainer = Trainer::new(ckpt.preset, device)?;
    trainer.restore(ckpt.step, &ckpt.params, &ckpt.optimizer, ckpt.history)?;
    Ok(trainer)
}
