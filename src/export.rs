//! Files a run writes, from the command line or the lab. Plain data in, files out.

use std::path::Path;

use anyhow::{Context, Result};

use npyz::WriterBuilder;

use crate::protocol::{Evaluation, StepRecord};

/// Writes `bytes` whole or not at all (a temporary file, then a rename), with the path in the
/// error.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::sim::checkpoint::write_atomically(path, bytes).with_context(|| {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let why = if !dir.is_dir() {
            format!(" (the directory {} does not exist)", dir.display())
        } else if dir.metadata().is_ok_and(|m| m.permissions().readonly()) {
            format!(" (the directory {} is read-only)", dir.display())
        } else {
            String::new()
        };
        format!("cannot write {}{why}", path.display())
    })
}

pub fn write_metrics_csv(path: &Path, history: &[StepRecord]) -> Result<()> {
    let mut text = String::from("step,loss,elbo,log_z_hat,ess,eubo,lr,wall_seconds,skipped\n");
    for r in history {
        let w = &r.weights;
        let skipped = r.skipped.as_deref().unwrap_or("");
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{:.3},{}\n",
            r.step,
            r.loss,
            w.elbo,
            w.log_z_hat,
            w.ess,
            w.eubo,
            r.lr,
            r.wall_seconds,
            skipped.replace(',', ";")
        ));
    }
    write_atomically(path, text.as_bytes())
}

pub fn write_eval(path: &Path, e: &Evaluation) -> Result<()> {
    let text = serde_json::to_string_pretty(e)?;
    write_atomically(path, text.as_bytes())
}

/// float32 array of shape `[n, d]`, readable by `numpy.load`.
pub fn write_samples_npy(path: &Path, samples: &[f32], d: usize) -> Result<()> {
    let mut bytes = Vec::with_capacity(samples.len() * 4 + 128);
    let mut w = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&[(samples.len() / d.max(1)) as u64, d as u64])
        .writer(std::io::Cursor::new(&mut bytes))
        .begin_nd()?;
    w.extend(samples.iter().copied())?;
    w.finish()?;
    write_atomically(path, &bytes)
}
